// A real office starts from nothing in headless Chromium: the first administrator, made at the
// command line by scripts/e2e, signs in with the one-time password it was given, imports the
// office's contact list, hands out passwords; the supervision office imports and assigns a
// task table; a liaison signs, reports and asks to close; the office closes the matter and
// reads the scores. No demo data: the server at LUOSHI_OFFICE_URL began empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.LUOSHI_OFFICE_URL;
const adminPassword = process.env.LUOSHI_OFFICE_ADMIN_PASSWORD;
const shots = process.env.LUOSHI_SCREENSHOTS ?? 'target/screenshots';
const files = mkdtempSync(join(tmpdir(), 'luoshi-office-'));
const NEW_PASSWORD = 'Qingzhou-2026!';
let browser;

before(async () => {
  assert.ok(base && adminPassword, 'scripts/e2e starts an empty office and names it');
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
           '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

async function signIn(username, password) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState();
  return page;
}

// Signs in with a one-time password, is held on the page that allows nothing but choosing
// one's own, chooses it, and signs in again with it.
async function firstSignIn(username, oneTime) {
  const page = await signIn(username, oneTime);
  await page.waitForURL(/\/account\/first-password$/);
  await page.goto(`${base}/matters`);
  await page.waitForURL(/\/account\/first-password$/, 'nothing else opens before the password is changed');
  await page.getByLabel('初始密码').fill(oneTime);
  await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('再次输入新密码').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '设置密码' }).click();
  await page.waitForLoadState();
  await page.context().close();
  const again = await signIn(username, NEW_PASSWORD);
  await again.waitForURL(`${base}/`);
  return again;
}

const DEPARTMENTS = ['发展和改革委员会', '财政局', '教育局', '科学技术局', '工业和信息化局', '公安局', '民政局',
  '司法局', '人力资源和社会保障局', '自然资源和规划局', '生态环境局', '住房和城乡建设局', '交通运输局', '水利局',
  '农业农村局', '商务局', '文化和旅游局', '卫生健康委员会', '退役军人事务局', '应急管理局', '审计局',
  '市场监督管理局', '统计局', '医疗保障局', '信访局', '城市管理局', '林业局', '体育局', '机关事务管理局',
  '数据资源管理局', '投资促进局', '行政审批服务局', '乡村振兴局', '国有资产监督管理委员会', '粮食和物资储备局',
  '人民防空办公室', '地方金融监督管理局', '外事办公室', '档案馆'];

// 40 units (the 督查室 and 39 departments) under the government made at the command line, and
// 80 people, two to a unit, with the columns an office's own list has.
function contactList() {
  const rows = [['单位名称', '上级单位', '简称', '姓名', '职务', '角色', '用户名', '手机号码']];
  rows.push(['青州市人民政府督查室', '青州市人民政府', '督查室', '周敏', '主任', '督查人员', 'zhoumin', '13900000001']);
  rows.push(['', '', '', '吴倩', '科员', '督查人员', 'wuqian', '13900000002']);
  DEPARTMENTS.forEach((name, i) => {
    const short = `市${name.replace('委员会', '委').replace('和', '')}`;
    const n = String(i + 1).padStart(2, '0');
    rows.push([`青州市${name}`, '青州市人民政府', short, `联络员${n}甲`, '科长', '联络员', `ll${n}a`, `1380000${n}01`]);
    rows.push(['', '', '', `联络员${n}乙`, '科员', '联络员', `ll${n}b`, `1380000${n}02`]);
  });
  return rows.map((r) => r.join(',')).join('\n') + '\n';
}

test('an office set up from nothing carries a task from its table to its score', async () => {
  const admin = await firstSignIn('admin', adminPassword);

  // The contact list: previewed row by row, then imported, the passwords downloaded once.
  const list = join(files, '通讯录.csv');
  writeFileSync(list, contactList());
  await admin.goto(`${base}/admin/contacts`);
  await admin.getByLabel('通讯录文件').setInputFiles(list);
  await admin.getByRole('button', { name: '预览' }).click();
  await admin.locator('table.units td', { hasText: '青州市教育局' }).first().waitFor();
  assert.equal(await admin.locator('table.units').nth(1).locator('tbody tr').count(), 80, 'every person is shown');
  await admin.screenshot({ path: `${shots}/contacts-preview-1280.png` });
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: '导入并下载初始密码表' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  await admin.goto(`${base}/admin/people`);
  await admin.getByText('ll39b').waitFor();

  // Passwords handed out for the two people of the story, as the office would for anyone.
  async function handOut(username) {
    await admin.goto(`${base}/admin/people`);
    await admin.locator('tr', { hasText: username }).getByRole('link').first().click();
    await admin.getByRole('button', { name: '重置密码' }).click();
    return (await admin.locator('.done-summary code').textContent()).trim();
  }
  const supervisorOneTime = await handOut('zhoumin');
  const liaisonOneTime = await handOut('ll03a');

  // The supervision office imports its task table and assigns it at once.
  const ducha = await firstSignIn('zhoumin', supervisorOneTime);
  const title = `全市新增公办幼儿园学位3000个(${Date.now()})`;
  const table = join(files, '重点任务.csv');
  writeFileSync(table, `序号,工作任务,牵头单位,配合单位,完成时限\n1,${title},市教育局,市财政局,2026年9月30日\n`);
  await ducha.goto(`${base}/import`);
  await ducha.getByLabel('文件', { exact: true }).setInputFiles(table);
  await ducha.getByLabel('导入后直接交办').check();
  await ducha.getByRole('button', { name: '读取并预览' }).click();
  await ducha.getByText('对应:').first().waitFor();
  await ducha.getByRole('button', { name: '导入', exact: true }).click();
  await ducha.getByText('1').first().waitFor();
  await ducha.goto(`${base}/matters?q=${encodeURIComponent(title)}`);
  await ducha.getByRole('link', { name: title }).click();
  const matterUrl = ducha.url();
  await ducha.getByText('已交办').first().waitFor();

  // The liaison of 市教育局 signs on the workbench, reports, and asks to close.
  const liaison = await firstSignIn('ll03a', liaisonOneTime);
  await liaison.getByRole('button', { name: `签收:${title}` }).click();
  await liaison.waitForURL(`${base}/?done=sign`);
  await liaison.goto(matterUrl);
  await liaison.getByLabel('进展情况').fill('已完成选址并开工建设');
  await liaison.getByLabel('完成进度(%)').fill('100');
  await liaison.getByRole('button', { name: '反馈进展' }).click();
  await liaison.getByText('已完成选址并开工建设').waitFor();
  await liaison.getByLabel('办理情况').fill('新增学位3200个,已全部投入使用');
  await liaison.getByRole('button', { name: '申请办结' }).click();
  await liaison.getByText('新增学位3200个,已全部投入使用').waitFor();

  // The office closes it and reads the scores, where 市教育局 now stands.
  await ducha.goto(matterUrl);
  await ducha.getByLabel('审核意见').fill('同意办结');
  await ducha.getByRole('button', { name: '审核通过,办结' }).click();
  await ducha.getByText('已办结').first().waitFor();
  await ducha.goto(`${base}/assessment?period=2026`);
  await ducha.getByText('市教育局').first().waitFor();
  const first = await ducha.locator('table tbody tr').first().textContent();
  assert.ok(first.includes('市教育局'), `the unit that closed its task on time ranks first: ${first}`);
  await ducha.screenshot({ path: `${shots}/office-assessment-1280.png`, fullPage: true });
});
