// Periodic reports (issue 6 §4) in headless Chromium: the province officer of Trà Vinh opens
// the six-month 2023 report of a district, writes the narrative, submits it, sees it among
// the children's reports (late, missing), and downloads the PDF; no serious axe violation;
// the pages fit a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, axeSerious } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ args: ['demo'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', acceptDownloads: true, bypassCSP: true });
  const page = await context.newPage();
  const foreign = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:')) foreign.push(u);
  });
  page.foreign = foreign;
  return page;
}

async function login(page, username, password = 'demo-ntm-2026') {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type="submit"]').click()]);
}

test('a district report is written, submitted and listed for the province', async () => {
  const page = await newPage({ width: 1280, height: 900 });
  await login(page, 'tinh.travinh');
  await page.goto(`${server.url}/units/844/reports`);
  await shot(page, 'reports-district-list');
  const row = page.locator('#reports-own tr', { hasText: '6 tháng đầu năm 2023' });
  await Promise.all([page.waitForNavigation(), row.locator('button[type="submit"]').click()]);
  assert.match(new URL(page.url()).pathname, /^\/reports\//);
  await page.fill('#rp-achievements', 'Tỷ lệ hồ sơ công việc cấp huyện xử lý trên môi trường mạng tăng rõ rệt.');
  await page.fill('#rp-shortcomings', 'Hạ tầng số ở một số ấp còn hạn chế.');
  await Promise.all([page.waitForNavigation(), page.locator('#report-narrative button[type="submit"]').click()]);
  assert.ok((await page.locator('#report-flash').innerText()).includes('Đã lưu'));
  await shot(page, 'reports-report-draft');
  assert.deepEqual(await axeSerious(page), []);
  const reportUrl = page.url().split('?')[0];
  await Promise.all([page.waitForNavigation(), page.locator('form[action$="/submit"] button').click()]);
  assert.ok((await page.locator('#report-state').innerText()).includes('Đã gửi'));

  const phone = await newPage({ width: 360, height: 780 });
  await login(phone, 'tinh.travinh');
  await phone.goto(reportUrl);
  await shot(phone, 'reports-report-phone');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await phone.goto(`${server.url}/units/84/reports`);
  await shot(phone, 'reports-province-children-phone');
  const text = await phone.locator('#reports-children').innerText();
  assert.match(text, /nộp muộn/);
  assert.match(text, /Chưa nộp, quá hạn/);
  assert.deepEqual(await axeSerious(phone), []);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('a[href$="/report.pdf"]').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.pdf$/);
  assert.deepEqual(page.foreign, []);
});
