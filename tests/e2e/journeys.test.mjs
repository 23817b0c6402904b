// Each role's day in headless Chromium, as its people would live it: what every step says it
// did, a return that reaches the lead unit, the warning about co-units before asking to close,
// the office reading the request above its decision, and the leader's first screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.env.LUOSHI_URL;
const shots = process.env.LUOSHI_SCREENSHOTS ?? 'target/screenshots';
let browser;

before(async () => {
  assert.ok(base, 'LUOSHI_URL names the server under test');
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
           '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

async function signIn(username, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('luoshi-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${base}/`);
  return page;
}

const notice = (page, text) => page.getByRole('status').getByText(text).first().waitFor();

test('a co-unit reports, the lead is warned before asking to close, and a return reaches the lead', async () => {
  const title = `退回旅程事项${Date.now()}`;
  const ducha = await signIn('ducha');
  await ducha.goto(`${base}/matters/new`);
  await ducha.getByLabel('事项名称').fill(title);
  await ducha.getByLabel('来源').selectOption('meeting');
  await ducha.getByLabel('牵头单位').fill('市发改委');
  await ducha.getByLabel('配合单位').fill('市财政局');
  await ducha.getByLabel('完成时限').fill('2026-12-31');
  await ducha.getByRole('button', { name: '登记' }).click();
  await notice(ducha, '已登记为草稿');
  const matterUrl = ducha.url().split('?')[0];
  await ducha.getByRole('button', { name: '交办' }).click();
  await notice(ducha, '已交办,承办单位已收到通知');

  // The co-unit signs in one click from its workbench and reports its part: 40 %.
  const czj = await signIn('czj', { width: 390, height: 844 });
  await czj.getByRole('button', { name: `签收:${title}` }).click();
  await notice(czj, '已签收');
  await czj.goto(matterUrl);
  await czj.getByLabel('进展情况').fill('资金测算完成一半');
  await czj.getByLabel('完成进度(%)').fill('40');
  await czj.getByRole('button', { name: '反馈进展' }).click();
  await notice(czj, '进展已反馈');
  await czj.screenshot({ path: `${shots}/journey-co-unit-reported-390.png`, fullPage: true });

  // The lead is told, inside the form, which co-unit is not done before it asks to close.
  const fgw = await signIn('fgw');
  await fgw.goto(matterUrl);
  const ask = fgw.locator('#form-request-completion');
  await ask.getByText('配合单位尚未完成:市财政局 办理中 40%').waitFor();
  await ask.screenshot({ path: `${shots}/journey-lead-warned-1280.png` });
  await fgw.getByLabel('办理情况').fill('主体工作已完成');
  await fgw.getByRole('button', { name: '申请办结' }).click();
  await notice(fgw, '已申请办结,等待督查室审核');

  // The office reads the request and the co-unit's state above its decision, then returns it.
  await ducha.goto(matterUrl);
  const review = ducha.locator('section.review');
  await review.getByText('主体工作已完成').waitFor();
  await review.getByText('市财政局 办理中 40%').waitFor();
  const reviewTop = (await review.boundingBox()).y;
  const closeTop = (await ducha.locator('#form-close').boundingBox()).y;
  assert.ok(reviewTop < closeTop, 'the request is read before the decision');
  await ducha.screenshot({ path: `${shots}/journey-review-1280.png`, fullPage: true });
  await ducha.getByLabel('退回理由').fill('配合单位资金测算未完成');
  await ducha.locator('.danger-zone').getByRole('button', { name: '退回' }).click();
  await ducha.getByRole('heading', { name: '确认退回' }).waitFor();
  await ducha.getByRole('button', { name: '确认退回' }).click();
  await notice(ducha, '已退回,退回理由已通知牵头单位');

  // The lead finds it three ways: the workbench row, the banner on the matter, the message.
  await fgw.goto(`${base}/`);
  const returnedRow = fgw.locator('tr', { hasText: title });
  await returnedRow.getByText('配合单位资金测算未完成').first().waitFor();
  await fgw.screenshot({ path: `${shots}/journey-returned-workbench-1280.png`, fullPage: true });
  await fgw.goto(matterUrl);
  const banner = fgw.getByRole('status').filter({ hasText: '办结申请已被退回' });
  await banner.getByText('配合单位资金测算未完成').waitFor();
  await fgw.screenshot({ path: `${shots}/journey-returned-banner-1280.png` });
  await fgw.goto(`${base}/inbox`);
  await fgw.locator('ul.inbox li', { hasText: title }).getByText('配合单位资金测算未完成').first().waitFor();
});

test("the mayor's first screen ranks his units, no-answer units named, without scrolling", async () => {
  const mayor = await signIn('shizhang', { width: 1366, height: 768 });
  const ranking = mayor.locator('table.ranking');
  await ranking.waitFor();
  await mayor.screenshot({ path: `${shots}/journey-leader-1366x768.png` });
  const box = await ranking.boundingBox();
  assert.ok(box.y + box.height <= 768, `the ranking ends at ${Math.round(box.y + box.height)} px of 768`);
  assert.ok(await ranking.locator('tbody tr').count() >= 3, 'several units are ranked');
  const silent = mayor.locator('table', { has: mayor.getByText('无回音的单位(超时未签收或逾期未反馈)') });
  assert.ok(await silent.locator('tbody tr').count() > 0, 'the units that went quiet are listed by name');
  await mayor.screenshot({ path: `${shots}/journey-leader-1366x768.png` });
});

test('on a phone the header is one line and its menu opens without a script', async () => {
  const fgw = await signIn('fgw', { width: 390, height: 844 });
  const header = await fgw.locator('header.top').boundingBox();
  assert.ok(header.height < 80, `the header is ${Math.round(header.height)} px tall`);
  assert.equal(await fgw.getByRole('link', { name: '事项', exact: true }).isVisible(), false);
  await fgw.locator('header details.fold summary').click();
  await fgw.getByRole('link', { name: '事项', exact: true }).click();
  await fgw.waitForURL(`${base}/matters`);
  await fgw.screenshot({ path: `${shots}/journey-phone-header-390.png` });
});

test('the office sets an indicator, the liaison reports its value, and the chart shows it behind', async () => {
  const title = `指标旅程事项${Date.now()}`;
  const ducha = await signIn('ducha');
  await ducha.goto(`${base}/matters/new`);
  await ducha.getByLabel('事项名称').fill(title);
  await ducha.getByLabel('来源').selectOption('work_report');
  await ducha.getByLabel('牵头单位').fill('市发改委');
  await ducha.getByLabel('完成时限').fill('2026-12-31');
  await ducha.getByRole('button', { name: '登记' }).click();
  await notice(ducha, '已登记为草稿');
  const matterUrl = ducha.url().split('?')[0];
  await ducha.getByRole('button', { name: '交办' }).click();
  await notice(ducha, '已交办');
  await ducha.getByLabel('指标名称').fill('固定资产投资');
  await ducha.getByLabel('计量单位').fill('亿元');
  await ducha.getByLabel('基线值').fill('0');
  await ducha.getByLabel('目标值').fill('1,000');
  await ducha.getByRole('button', { name: '设定', exact: true }).click();
  await notice(ducha, '量化指标已设定');

  // On a phone the liaison gives the value with the report; nothing this year is far behind.
  const fgw = await signIn('fgw', { width: 390, height: 844 });
  await fgw.goto(matterUrl);
  await fgw.getByLabel('进展情况').fill('项目前期工作推进中');
  await fgw.getByLabel('完成进度(%)').fill('10');
  await fgw.getByLabel('固定资产投资本期数值(亿元)').fill('1');
  await fgw.getByRole('button', { name: '反馈进展' }).click();
  await notice(fgw, '进展已反馈');
  const figure = fgw.locator('figure.indicator');
  await figure.getByText('占计划增量的').waitFor();
  const chart = await figure.locator('svg').boundingBox();
  assert.ok(chart.width > 200 && chart.x + chart.width <= 390, `the chart is ${Math.round(chart.width)} px wide at ${Math.round(chart.x)}`);
  assert.equal(await figure.locator('circle.actual').count(), 1, 'the value is drawn');
  await figure.screenshot({ path: `${shots}/journey-indicator-390.png` });

  // The office's dashboard lists it among the indicators behind.
  await ducha.goto(`${base}/dashboard`);
  await ducha.locator('#off-track').getByText(title).waitFor();
  await ducha.locator('#off-track').screenshot({ path: `${shots}/journey-off-track-1280.png` });
});
