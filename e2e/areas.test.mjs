// Raw-material areas (issue 15, part 3) in headless Chromium on a 360 px phone: the demo
// producer account uploads a .geojson file for a new area of its commune (Xã Châu Thành,
// whose 2025 boundary the demo loads), then sees the area with its server-drawn map; a
// self-crossing polygon is refused first, with what was typed kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const square = (lon, lat, d) => JSON.stringify({
  type: 'Feature', properties: {},
  geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] },
});

test('producer uploads a polygon for a new area on a 360 px phone', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'vi-VN', bypassCSP: true });
  const page = await context.newPage();
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });

  await page.goto(`${server.url}/login`);
  await page.fill('input[name="username"]', 'sx.chauthanh');
  await page.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type="submit"]').click()]);

  // From the nav bar to the producer's areas, then the registration form.
  await page.locator('nav.main-nav a[href="/areas/mine"]').click();
  await page.waitForLoadState('load');
  assert.match(await page.textContent('h1'), /Vùng trồng của tôi/);
  await page.locator('a[href="/units/29374/areas/new"]').first().click();
  await page.waitForLoadState('load');

  // A bow tie first: refused, the crossing named, the code kept.
  await page.fill('#a-code', 'VN-86-CT-0002');
  await page.fill('#a-crop', 'Dừa sáp');
  await page.fill('#a-ha', '1,2');
  await page.fill('#a-geojson', JSON.stringify({ type: 'Polygon', coordinates: [[[106.334, 9.840], [106.336, 9.842], [106.336, 9.840], [106.334, 9.842], [106.334, 9.840]]] }));
  await Promise.all([page.waitForNavigation(), page.locator('#area-submit').click()]);
  assert.match(await page.textContent('#area-errors'), /tự cắt/);
  assert.equal(await page.inputValue('#a-code'), 'VN-86-CT-0002');
  await shot(page, 'areas-refused-phone');

  // The polygon as a .geojson file (the box emptied: the file wins anyway).
  const file = join(server.dataDir, 'vung-dua.geojson');
  writeFileSync(file, square(106.3342, 9.8396, 0.0010));
  await page.fill('#a-geojson', '');
  await page.setInputFiles('#a-file', file);
  await Promise.all([page.waitForNavigation(), page.locator('#area-submit').click()]);
  assert.match(new URL(page.url()).pathname, /^\/areas\/[0-9a-f-]{36}$/);
  assert.match(await page.textContent('#area-code'), /VN-86-CT-0002 — Dừa sáp/);
  assert.match(await page.textContent('#area-flash'), /Đã đăng ký vùng/);
  assert.equal(await page.locator('svg.area-map').count(), 2, 'the commune map and the close-up');
  assert.equal(await page.locator('svg.area-map path.map-commune').count() >= 1, true);
  assert.match(await page.textContent('#area-boundary-notice'), /không được nêu/);
  assert.match(await page.textContent('.area-facts'), /nằm trong ranh giới xã/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px at 360 px`);
  await shot(page, 'areas-page-phone');
  const serious = await axeSerious(page);
  assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
  assert.deepEqual(foreign, [], 'nothing loaded from another host');
  await context.close();
});
