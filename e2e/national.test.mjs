// The national dashboard (issue 18 item 3): the demo's administrator opens "Toàn quốc" from the
// nav bar; the year's structure (34 provinces in 2026, 63 in 2024) is the provinces table, the
// country's figures are the sums of the provinces, a province's row leads to its dashboard and
// from there to its communes. At 1280 and 360 px with screenshots, axe clean, no CSP
// violation, nothing from another host; a province officer has no nav entry and gets 403.
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

async function loggedIn(username, options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type="submit"]').click()]);
  return page;
}

/** Records CSP violations and requests to other hosts. */
function watch(page) {
  const problems = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(server.url)) problems.push(`other host: ${r.url()}`); });
  return problems;
}

/** "1.234" → 1234 */
const num = (s) => Number(s.trim().replace(/\./g, ''));

async function provinceFigures(p) {
  return p.locator('#provinces-table tbody tr').evaluateAll((rows) => rows.map((r) => ({
    code: r.dataset.code,
    met: r.children[1].textContent,
    units: r.children[2].textContent,
  })));
}

test('the national dashboard at 1280 px: both structures, sums, a province, its communes', async () => {
  const p = await loggedIn('admin', { viewport: { width: 1280, height: 900 } });
  const problems = watch(p);
  await Promise.all([p.waitForNavigation({ timeout: 120_000 }), p.locator('#nav-national').click()]);
  assert.equal(await p.locator('h1').innerText(), 'Bảng tổng hợp toàn quốc');

  // 2026: the 34 provinces after the reform.
  await p.goto(`${server.url}/dashboard?set=xa-ntm-2026-2030&year=2026`, { timeout: 120_000 });
  assert.equal(await p.locator('#provinces-table tbody tr').count(), 34);
  assert.match(await p.locator('#national-structure').innerText(), /^34 tỉnh, thành phố từ ngày 01\/07\/2025/);
  let rows = await provinceFigures(p);
  assert.equal(rows.reduce((a, r) => a + num(r.units), 0), num(await p.locator('#nat-units').innerText()));
  // The xã NTM set applies to xã only: 2,621 of the 3,321 communes (687 phường, 13 đặc khu).
  assert.equal(rows.reduce((a, r) => a + num(r.units), 0), 2621, 'the xã of 2026');
  await shot(p, 'national-2026-1280');

  // 2024 through the form: the 63 provinces before it.
  await p.locator('#dash-year').selectOption('2024');
  await Promise.all([p.waitForNavigation({ timeout: 120_000 }), p.locator('form.dash-form button[type="submit"]').click()]);
  assert.equal(await p.locator('#provinces-table tbody tr').count(), 63);
  assert.match(await p.locator('#national-structure').innerText(), /^63 tỉnh, thành phố trước ngày 01\/07\/2025/);
  rows = await provinceFigures(p);
  assert.equal(rows.reduce((a, r) => a + num(r.units), 0), num(await p.locator('#nat-units').innerText()));
  assert.equal(rows.reduce((a, r) => a + num(r.met), 0), num(await p.locator('#nat-met').innerText()));
  const traVinh = rows.find((r) => r.code === '84');
  assert.ok(traVinh, 'Trà Vinh in 2024');
  // Sorted by share met, best first: Trà Vinh (the sample values) at the top.
  await Promise.all([p.waitForNavigation(), p.locator('#provinces-table thead a', { hasText: 'Tỷ lệ đạt' }).click()]);
  assert.equal((await provinceFigures(p))[0].code, '84');
  await shot(p, 'national-2024-1280');

  // Trà Vinh's row → its dashboard (same set and year) → a commune's scorecard.
  await Promise.all([p.waitForNavigation(), p.locator('#provinces-table tbody tr[data-code="84"] th a').click()]);
  assert.match(p.url(), /\/units\/84\/dashboard\?set=xa-ntm-2021-2025&year=2024$/);
  assert.match(await p.locator('h1').innerText(), /Trà Vinh/);
  await Promise.all([p.waitForNavigation(), p.locator('#communes tbody tr th a').first().click()]);
  assert.match(p.url(), /\/units\/\d{5}\/scorecard\?set=xa-ntm-2021-2025&year=2024$/);
  assert.deepEqual(problems, []);

  const a = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, storageState: await p.context().storageState() });
  const ap = await a.newPage();
  await ap.goto(`${server.url}/dashboard?set=xa-ntm-2021-2025&year=2024`, { timeout: 120_000 });
  assert.deepEqual(await axeSerious(ap), []);
});

test('the national dashboard on a 360 px phone; a province officer is refused', async () => {
  const p = await loggedIn('admin', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const problems = watch(p);
  await p.goto(`${server.url}/dashboard?set=xa-ntm-2021-2025&year=2024`, { timeout: 120_000 });
  assert.equal(await p.locator('#provinces-table tbody tr').count(), 63);
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page wider than the phone: ${width}`);
  await shot(p, 'national-2024-360');
  assert.deepEqual(problems, []);
  const a = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true, storageState: await p.context().storageState() });
  const ap = await a.newPage();
  await ap.goto(`${server.url}/dashboard?set=xa-ntm-2021-2025&year=2024`, { timeout: 120_000 });
  assert.deepEqual(await axeSerious(ap), []);

  const o = await loggedIn('tinh.vinhlong', { viewport: { width: 1280, height: 900 } });
  assert.equal(await o.locator('#nav-national').count(), 0);
  const res = await o.goto(`${server.url}/dashboard`);
  assert.equal(res.status(), 403);
});
