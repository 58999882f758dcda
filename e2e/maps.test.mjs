// The NTM status map (issue 16 item 2, docs/maps.md): Vĩnh Long's province officer opens
// "Bản đồ" from the nav bar; the Leaflet map colours the communes on their 2025 boundaries
// (loaded by the demo from data/boundaries at run time), a popup links to the scorecard, the
// OCOP layer loads from the OGC API; the 2024 map uses the pre-reform communes (points at the
// province's label point: no open pre-2025 commune boundaries exist). At 1280 and 360 px,
// with screenshots, axe clean, no CSP violation, nothing from another host; without
// JavaScript the table tells the same story.
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

async function loggedIn(options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="username"]', 'tinh.vinhlong');
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

async function drawn(page) {
  await page.waitForSelector('#status-map[data-loaded]', { timeout: 60_000 });
  return Number(await page.locator('#status-map').getAttribute('data-loaded'));
}

test('the status map at 1280 px: choropleth, popup, OCOP layer, earlier structure', async () => {
  const p = await loggedIn({ viewport: { width: 1280, height: 900 } });
  const problems = watch(p);
  await Promise.all([p.waitForNavigation(), p.locator('nav.main-nav a[href="/maps"]').click()]);
  assert.match(await p.locator('h1').innerText(), /Bản đồ nông thôn mới: Tỉnh Vĩnh Long/);
  // Choose 2026 (the 2025 structure and boundaries).
  await p.locator('#map-year').selectOption('2026');
  await Promise.all([p.waitForNavigation(), p.locator('form.map-form button[type="submit"]').click()]);
  const n = await drawn(p);
  const rows = await p.locator('#map-units tbody tr').count();
  assert.equal(n, rows, 'the map and the table hold the same communes');
  assert.ok(n > 100, `Vĩnh Long's communes: ${n}`);
  assert.ok(await p.locator('#status-map path.leaflet-interactive').count() > 100, 'polygons drawn');
  assert.equal(await p.locator('#map-status').innerText(), '');
  await shot(p, 'maps-2026-1280');

  // A popup links to the commune's scorecard.
  await p.locator('#status-map path.leaflet-interactive').nth(10).click({ force: true });
  const link = p.locator('.leaflet-popup-content a');
  await link.waitFor();
  assert.match(await link.getAttribute('href'), /^\/units\/\d{5}\/scorecard\?set=xa-ntm-2026-2030&year=2026$/);
  await shot(p, 'maps-2026-popup-1280');

  // The OCOP layer from the OGC API.
  await p.locator('.leaflet-control-layers').hover();
  const ocop = p.locator('.leaflet-control-layers-overlays label', { hasText: 'Sản phẩm OCOP' }).locator('input');
  const items = p.waitForResponse((r) => r.url().includes('/ogc/collections/ocop-products/items'));
  await ocop.check();
  assert.equal((await items).status(), 200);
  await p.waitForFunction(() => document.getElementById('map-status').textContent === '');
  await shot(p, 'maps-2026-ocop-1280');

  // Citizens' feedback (accepted reports, positions rounded) and tourism points, same way.
  for (const [label, path] of [['Phản ánh của người dân', 'feedback-reports'], ['Điểm du lịch nông thôn', 'tourism-points']]) {
    await p.locator('.leaflet-control-layers').hover();
    const box = p.locator('.leaflet-control-layers-overlays label', { hasText: label }).locator('input');
    const answer = p.waitForResponse((r) => r.url().includes(`/ogc/collections/${path}/items`));
    await box.check();
    assert.equal((await answer).status(), 200, path);
    await p.waitForFunction(() => document.getElementById('map-status').textContent === '');
  }
  await shot(p, 'maps-2026-layers-1280');

  // 2024: the structure before the reform (old Vĩnh Long), communes drawn as points.
  await p.goto(`${server.url}/maps?unit=86&set=xa-ntm-2021-2025&year=2024`);
  const old = await drawn(p);
  assert.equal(old, await p.locator('#map-units tbody tr').count());
  assert.ok(old > 50, `old Vĩnh Long's communes: ${old}`);
  assert.match(await p.locator('header.unit-head').innerText(), /các xã tại ngày 31\/12\/2024/);
  await shot(p, 'maps-2024-1280');
  assert.deepEqual(problems, []);

  const a = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, storageState: await p.context().storageState() });
  const ap = await a.newPage();
  await ap.goto(`${server.url}/maps?year=2026`);
  await drawn(ap);
  assert.deepEqual(await axeSerious(ap), []);
});

test('the status map on a 360 px phone, and without JavaScript', async () => {
  const p = await loggedIn({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const problems = watch(p);
  await p.goto(`${server.url}/maps?year=2026`);
  const n = await drawn(p);
  assert.ok(n > 100);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `page wider than the phone: ${overflow}`);
  await shot(p, 'maps-2026-360');
  assert.deepEqual(problems, []);
  const a = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true, storageState: await p.context().storageState() });
  const ap = await a.newPage();
  await ap.goto(`${server.url}/maps?year=2026`);
  await drawn(ap);
  assert.deepEqual(await axeSerious(ap), []);

  // Without JavaScript: no map, the table and legend are the page.
  const nj = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, storageState: await p.context().storageState() });
  const np = await nj.newPage();
  await np.goto(`${server.url}/maps?year=2026`);
  assert.equal(await np.locator('#status-map').isVisible(), false);
  assert.ok(await np.locator('#map-units tbody tr').count() > 100);
  assert.ok(await np.locator('.map-legend li').count() === 7);
  await shot(np, 'maps-2026-360-nojs');
});
