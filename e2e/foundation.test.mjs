// Main journeys of the foundation in headless Chromium: log in, browse the units of a
// date, search without diacritics, switch language, log out — on a phone and a PC screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot } from './lib.mjs';

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

/** A page that fails the test on any request to another host. */
async function newPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
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

test('the demo prints its accounts', () => {
  assert.match(server.output(), /admin\s+password demo-ntm-2026/);
  assert.match(server.output(), /DEMO/);
});

test('login page in Vietnamese, wrong password, then the home page with 34 provinces', async () => {
  const page = await newPage({ width: 1280, height: 900 });
  await page.goto(`${server.url}/login`);
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await shot(page, 'login-desktop');
  const body = await page.textContent('body');
  assert.match(body, /Đăng nhập/);
  assert.match(body, /Mật khẩu/);

  await login(page, 'admin', 'sai-mat-khau');
  assert.match(page.url(), /\/login/);
  assert.match(await page.textContent('body'), /(sai|không đúng)/i);

  await login(page, 'admin');
  assert.equal(new URL(page.url()).pathname, '/');
  const home = await page.textContent('body');
  assert.match(home, /Quản trị hệ thống \(demo\)/);
  assert.match(home, /3\.321/, 'communes valid today, vi-VN grouping');
  const provinces = await page.locator('a[href^="/units/"]').allTextContents();
  assert.ok(provinces.some((t) => t.includes('Vĩnh Long')), provinces.join('|'));
  assert.ok(!provinces.some((t) => t.includes('Trà Vinh')), 'Trà Vinh is no province after 1 July 2025');
  await shot(page, 'home-desktop');

  // The structure of a date before the reform: 63 provinces, Trà Vinh among them.
  await page.goto(`${server.url}/?date=2024-01-01`);
  const old = await page.textContent('body');
  assert.match(old, /Trà Vinh/);
  assert.match(old, /10\.598/);
  assert.deepEqual(page.foreign, []);
});

test('search without diacritics, unit page with lineage, XLSX download', async () => {
  const page = await newPage({ width: 1280, height: 900 });
  await page.goto(`${server.url}/`);
  await page.fill('input[name="q"]', 'cang long');
  await Promise.all([page.waitForNavigation(), page.press('input[name="q"]', 'Enter')]);
  const results = await page.textContent('body');
  assert.match(results, /Càng Long/);

  await page.goto(`${server.url}/units/29380?date=2024-06-01`);
  const unit = await page.textContent('body');
  assert.match(unit, /Xã Mỹ Chánh/);
  assert.match(unit, /Huyện Châu Thành/);
  assert.match(unit, /Tỉnh Trà Vinh/);
  assert.match(unit, /Xã Châu Thành/, 'successor after the 2025 merge');
  await shot(page, 'unit-old-commune');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.goto(`${server.url}/units/84/children.xlsx?date=2024-06-01`).catch(() => {}),
  ]);
  const path = await download.path();
  assert.ok(path, 'download saved');
  assert.deepEqual(page.foreign, []);
});

test('a phone at 360 px: no horizontal scrolling, language switch, logout', async () => {
  const page = await newPage({ width: 360, height: 740 });
  await login(page, 'xa.chauthanh');
  await page.goto(`${server.url}/units/29374`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  const body = await page.textContent('body');
  assert.match(body, /Ấp mẫu 1 \(dữ liệu mẫu\)/, 'sample hamlets are labelled');
  await shot(page, 'commune-phone');

  await page.goto(`${server.url}/units/29374?lang=en`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await shot(page, 'commune-phone-en');
  await page.goto(`${server.url}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is remembered');

  await Promise.all([page.waitForNavigation(), page.locator('form[action="/logout"] button').click()]);
  const res = await page.goto(`${server.url}/api/v1/me`);
  assert.equal(res.status(), 401);
  assert.deepEqual(page.foreign, []);
});

test('pages work without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="username"]', 'xem');
  await page.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type="submit"]').click()]);
  assert.equal(new URL(page.url()).pathname, '/');
  await page.fill('input[name="q"]', 'tra vinh');
  await Promise.all([page.waitForNavigation(), page.press('input[name="q"]', 'Enter')]);
  assert.match(await page.textContent('body'), /Trà Vinh/);
  await context.close();
});
