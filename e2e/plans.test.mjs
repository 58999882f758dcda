// Plan dashboard (issue 6) in headless Chromium: the province officer of Trà Vinh opens the
// dashboard of plan tra-vinh-2023 at 1280 px and 360 px (the labelled demo sample measures
// give actuals), filters by agency with the plain GET form, and opens a target's drill-down.
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

async function newPage(viewport, options = {}) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', acceptDownloads: true, ...options });
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
  assert.equal(new URL(page.url()).pathname, '/', `login of ${username}`);
}

for (const [width, height, tag] of [[1280, 900, 'desktop'], [360, 780, 'phone']]) {
  test(`province officer: plan dashboard, agency filter, drill-down (${tag})`, async () => {
    const page = await newPage({ width, height }, { bypassCSP: true });
    await login(page, 'tinh.travinh');
    // From the plans list of the province.
    await page.goto(`${server.url}/units/84/plans`);
    await page.locator('a[href="/plans/tra-vinh-2023?unit=84"]').click();
    await page.waitForLoadState('load');
    await page.goto(`${server.url}/plans/tra-vinh-2023?year=2023`);
    assert.match(await page.textContent('h1'), /Trà Vinh năm 2023/);
    const table = await page.locator('#plan-table').innerText();
    assert.match(table, /34,5 %/, 'province records online (sample)');
    assert.match(table, /Đạt/);
    assert.match(table, /Chưa có số liệu/, 'smart pilot count: no data');
    await shot(page, `plans-dashboard-${tag}`);
    if (tag === 'phone') {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px at 360 px`);
    }
    const serious = await axeSerious(page);
    assert.deepEqual(serious, [], JSON.stringify(serious, null, 1));

    // Filter by agency (plain GET form).
    await page.selectOption('#plan-agency', { index: 1 });
    await Promise.all([page.waitForNavigation(), page.locator('#plan-filters button[type="submit"]').click()]);
    assert.match(page.url(), /agency=/);
    const rows = await page.locator('#plan-table tbody tr').count();
    assert.ok(rows >= 1 && rows < 14, `filtered rows: ${rows}`);
    await shot(page, `plans-filtered-${tag}`);

    // Drill-down of the commune records target.
    await page.goto(`${server.url}/plans/tra-vinh-2023?year=2023`);
    await Promise.all([page.waitForNavigation(), page.locator('#target-1a-xa a').first().click()]);
    assert.match(new URL(page.url()).pathname, /\/plans\/tra-vinh-2023\/targets\/1a-xa/);
    const units = await page.locator('#target-units tbody tr').count();
    assert.equal(units, 106, 'the 106 communes behind the actual');
    await shot(page, `plans-drill-${tag}`);
    assert.deepEqual(page.foreign, []);
  });
}
