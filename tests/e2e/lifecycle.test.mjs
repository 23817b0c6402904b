// A matter carried through its whole lifecycle using the forms only, in headless Chromium,
// against the server that scripts/test started (its address is in LUOSHI_URL).
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

async function signIn(username, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('luoshi-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${base}/`);
  return page;
}

// A page fits when nothing makes it scroll sideways; when something does, the failure names
// the innermost elements that stick out, so a layout fault can be found from the message alone.
async function assertFits(page, what) {
  const { scrollWidth, innerWidth, outside } = await page.evaluate(() => {
    const width = window.innerWidth;
    const outside = [...document.body.querySelectorAll('*')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
      .slice(0, 5)
      .map((e) => `<${e.tagName.toLowerCase()}${e.className ? ` class="${e.className}"` : ''}> ${Math.round(e.getBoundingClientRect().right)} px: ${e.textContent.trim().slice(0, 60)}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, outside };
  });
  assert.ok(scrollWidth <= innerWidth, `${what}: ${scrollWidth} px wide in ${innerWidth} px; sticking out: ${outside.join(' | ')}`);
}

test('a matter goes from registration to closed through the forms of three people', async () => {
  const title = `浏览器测试事项${Date.now()}`;
  const ducha = await signIn('ducha');
  await ducha.goto(`${base}/matters/new`);
  await ducha.getByLabel('事项名称').fill(title);
  await ducha.getByLabel('工作要求').fill('年底前完成,按月报送进展。');
  await ducha.getByLabel('来源').selectOption('meeting');
  await ducha.getByLabel('牵头单位').fill('市发改委');
  await ducha.getByLabel('配合单位').fill('市财政局');
  await ducha.getByLabel('完成时限').fill('2026-12-31');
  await ducha.getByRole('button', { name: '登记' }).click();
  await ducha.getByRole('heading', { name: title }).waitFor();
  const matterUrl = ducha.url();
  await ducha.getByRole('button', { name: '交办' }).click();
  await ducha.getByText('已交办').first().waitFor();

  // The liaison signs from the workbench in one click, then reports: three clicks in all.
  const fgw = await signIn('fgw', 390);
  await fgw.screenshot({ path: `${shots}/workbench-liaison-390.png`, fullPage: true });
  await assertFits(fgw, 'the workbench fits 390 px');
  await fgw.getByRole('button', { name: `签收:${title}` }).click();
  await fgw.waitForURL(`${base}/?done=sign`);
  await fgw.getByRole('status').getByText('已签收').waitFor();
  await fgw.getByRole('link', { name: title, exact: true }).click();
  await fgw.getByLabel('进展情况').fill('已完成方案起草并征求意见');
  await fgw.getByLabel('完成进度(%)').fill('60');
  await fgw.getByRole('button', { name: '反馈进展' }).click();
  await fgw.getByText('已完成方案起草并征求意见').waitFor();
  await assertFits(fgw, 'the matter page fits 390 px');
  await fgw.screenshot({ path: `${shots}/matter-liaison-390.png`, fullPage: true });

  const czj = await signIn('czj');
  await czj.goto(matterUrl);
  assert.equal(await czj.getByRole('button', { name: '申请办结' }).count(), 0, 'a co-unit cannot ask to close');
  await czj.getByRole('button', { name: '签收' }).click();
  await czj.getByText('已签收').first().waitFor();

  await fgw.getByLabel('办理情况').fill('方案已印发实施');
  await fgw.getByRole('button', { name: '申请办结' }).click();
  await fgw.getByText('方案已印发实施').waitFor();

  await ducha.goto(matterUrl);
  await ducha.getByLabel('审核意见').fill('同意办结');
  await ducha.getByRole('button', { name: '审核通过,办结' }).click();
  await ducha.getByText('已办结').first().waitFor();
  const timeline = await ducha.locator('.timeline li').allTextContents();
  for (const step of ['立项', '交办', '签收', '反馈进展', '申请办结', '办结']) {
    assert.ok(timeline.some((t) => t.includes(step)), `the timeline holds ${step}`);
  }
  await ducha.screenshot({ path: `${shots}/matter-closed-1280.png`, fullPage: true });
});

test('a form posted without its CSRF token is refused', async () => {
  const fgw = await signIn('fgw');
  const status = await fgw.evaluate(async () => {
    const res = await fetch('/matters/1/sign', { method: 'POST', body: new URLSearchParams({ back: '/' }) });
    return res.status;
  });
  assert.equal(status, 403);
});

test('each role sees its workbench, and the dashboard and public page render', async () => {
  for (const [user, heading] of [['ducha', '待审核的办结申请'], ['shizhang', '各单位排名(按红灯、逾期、无回音排序)'], ['county', '待签收']]) {
    const page = await signIn(user, 390);
    await page.getByText(heading).first().waitFor();
    await assertFits(page, `${user}'s workbench fits 390 px`);
    await page.screenshot({ path: `${shots}/workbench-${user}-390.png`, fullPage: true });
  }
  const leader = await signIn('shizhang');
  await leader.goto(`${base}/dashboard`);
  assert.equal(await leader.locator('svg').count(), 4, 'three breakdowns and the weekly trend');
  assert.ok(await leader.locator('table.heat tbody tr').count() > 0, 'the unit × month heat map');
  await leader.screenshot({ path: `${shots}/dashboard-1280.png`, fullPage: true });
  const phone = await signIn('ducha', 390);
  await phone.goto(`${base}/dashboard`);
  await assertFits(phone, 'the dashboard fits 390 px');
  await phone.screenshot({ path: `${shots}/dashboard-390.png`, fullPage: true });
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${base}/public`);
  await visitor.getByRole('heading', { name: '公开承诺事项办理情况' }).waitFor();
  await visitor.screenshot({ path: `${shots}/public-1280.png`, fullPage: true });
});

test('a task table is uploaded, corrected in the preview and imported', async () => {
  for (const width of [1280, 390]) {
    const ducha = await signIn('ducha', width);
    await ducha.goto(`${base}/import`);
    const stamp = `${Date.now()}${width}`;
    const table = `序号,工作任务,牵头单位,配合单位,完成时限\n1,浏览器导入甲${stamp},市住建局,市财政局,2026年9月底前\n2,浏览器导入乙${stamp},市不存在局,,年底前\n`;
    await ducha.getByLabel('文件', { exact: true }).setInputFiles({ name: '任务.csv', mimeType: 'text/csv', buffer: Buffer.from(table) });
    await ducha.getByRole('button', { name: '读取并预览' }).click();
    await ducha.getByText('未找到单位“市不存在局”').waitFor();
    await assertFits(ducha, `the preview fits ${width} px`);
    await ducha.screenshot({ path: `${shots}/import-preview-${width}.png`, fullPage: true });
    await ducha.getByLabel('第3行牵头单位').fill('市卫健委');
    await ducha.getByRole('button', { name: '重新检查' }).click();
    await ducha.getByText('有问题 0 行').waitFor();
    await ducha.getByRole('button', { name: '导入', exact: true }).click();
    await ducha.getByText('已导入 2 件').waitFor();
  }
});

test('cancelling a matter is set apart and confirmed before it is done', async () => {
  const title = `撤销测试事项${Date.now()}`;
  const ducha = await signIn('ducha');
  await ducha.goto(`${base}/matters/new`);
  await ducha.getByLabel('事项名称').fill(title);
  await ducha.getByLabel('来源').selectOption('meeting');
  await ducha.getByLabel('牵头单位').fill('市发改委');
  await ducha.getByLabel('完成时限').fill('2026-12-31');
  await ducha.getByRole('button', { name: '登记' }).click();
  await ducha.getByRole('status').getByText('已登记为草稿').waitFor();
  const matterUrl = ducha.url().split('?')[0];
  await ducha.getByLabel('撤销理由').fill('会议决定不再督办');
  await ducha.locator('.danger-zone').getByRole('button', { name: '撤销事项' }).click();
  await ducha.getByRole('heading', { name: '确认撤销事项' }).waitFor();
  await ducha.screenshot({ path: `${shots}/confirm-cancel-1280.png` });
  await ducha.goto(matterUrl);
  assert.equal(await ducha.getByText('已撤销').count(), 0, 'nothing happens before the confirmation');
  await ducha.getByLabel('撤销理由').fill('会议决定不再督办');
  await ducha.locator('.danger-zone').getByRole('button', { name: '撤销事项' }).click();
  await ducha.getByRole('button', { name: '确认撤销事项' }).click();
  await ducha.getByRole('status').getByText('事项已撤销').waitFor();
});
