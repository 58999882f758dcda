// The whole traceability journey of issue 15 in one browser session: the demo producer
// account registers a raw-material area by drawing nothing but pasting its polygon, records a
// lot of its OCOP product from that area, two events, and prints the label sheet; a citizen
// scans the QR code on a 360 px phone with JavaScript off and reads the history, the area with
// its small map, and no OCOP stars for a product not rated. axe-core finds no serious or critical violation on any
// of these pages, and nothing is loaded from another host.
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

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
}

async function axeOn(context, url) {
  const state = await context.storageState();
  const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, storageState: state });
  const a = await c.newPage();
  await a.goto(url);
  const serious = await axeSerious(a);
  await c.close();
  return serious;
}

test('producer: area → lot → two events → label; citizen: the QR on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  const p = await context.newPage();
  const foreign = [];
  p.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await p.goto(`${server.url}/login`);
  await p.fill('input[name="username"]', 'htx.chauthanh');
  await p.fill('input[name="password"]', 'demo-ntm-2026');
  await submit(p, 'form[action="/login"] button[type="submit"]');

  // 1. The area: from the nav bar, the commune's registration form, the producer as owner.
  await submit(p, 'nav.main-nav a[href="/areas/mine"]');
  await submit(p, 'a[href="/units/29374/areas/new"]');
  await p.fill('#a-code', 'VN-86-CT-0101');
  await p.fill('#a-crop', 'Lúa thơm ST25');
  await p.fill('#a-ha', '1,1');
  const owners = p.locator('input[name="owner"]');
  assert.ok(await owners.count() >= 1, 'the producer is offered as owner');
  await owners.first().check();
  const lon = 106.3342, lat = 9.8396, d = 0.0010;
  await p.fill('#a-geojson', JSON.stringify({ type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] }));
  await shot(p, 'journey-area-form');
  await submit(p, '#area-submit');
  assert.match(new URL(p.url()).pathname, /^\/areas\/[0-9a-f-]{36}$/, await p.locator('main').innerText());
  assert.match(await p.textContent('#area-flash'), /Đã đăng ký vùng/);
  assert.match(await p.textContent('.area-facts'), /nằm trong ranh giới xã/);
  assert.deepEqual(await axeOn(context, p.url()), []);

  // 2. The lot: its OCOP product and the new area, chosen from the producer's own lists.
  await submit(p, 'nav.main-nav a[href="/trace/lots"]');
  await p.locator('#t-ocop').selectOption({ index: 1 });
  await p.fill('#t-product', '09520123456788');
  await p.fill('#t-lot', 'ST25-2026-07');
  const area = p.locator('#t-area option', { hasText: 'VN-86-CT-0101' });
  assert.equal(await area.count(), 1, 'the new area is offered for the lot');
  await p.locator('#t-area').selectOption(await area.getAttribute('value'));
  await submit(p, 'form[action="/trace/lots"] button[type="submit"]');
  assert.match(new URL(p.url()).pathname, /^\/trace\/lots\/[0-9a-f-]{36}$/, await p.locator('main').innerText());
  assert.match(await p.locator('#trace-flash').innerText(), /Đã ghi lô/);

  // 3. Two events: the harvest that creates the lot, then shipping.
  await p.locator('#e-step').selectOption('commissioning');
  await p.fill('#e-date', '2026-07-02');
  await p.fill('#e-time', '06:45');
  await p.fill('#e-place', 'Ruộng VN-86-CT-0101');
  await p.fill('#e-qty', '2.400');
  await submit(p, 'form[action$="/events"] button[type="submit"]');
  assert.match(await p.locator('#trace-flash').innerText(), /Đã ghi sự kiện/);
  await p.locator('#e-step').selectOption('shipping');
  await p.locator('#e-disp').selectOption('in_transit');
  await p.fill('#e-date', '2026-07-03');
  await p.fill('#e-time', '15:10');
  await p.fill('#e-place', 'Kho HTX Châu Thành');
  await submit(p, 'form[action$="/events"] button[type="submit"]');
  assert.equal(await p.locator('#trace-history li').count(), 2);
  assert.match(await p.locator('#trace-chain').innerText(), /toàn vẹn: 2 sự kiện/);
  await shot(p, 'journey-lot-page');
  assert.deepEqual(await axeOn(context, p.url()), []);

  // 4. The label sheet to print, and the QR code's address.
  const labels = await p.locator('#trace-print').getAttribute('href');
  const pdf = await p.request.get(`${server.url}${labels}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  const svg = await p.request.get(`${server.url}${await p.locator('img[src$="qr.svg"], a[href$="qr.svg"]').first().evaluate((e) => e.getAttribute('src') || e.getAttribute('href'))}`);
  assert.equal(svg.status(), 200);
  assert.match(await svg.text(), /<svg/);
  const uri = await p.locator('#trace-public-link').innerText();
  assert.ok(uri.endsWith('/01/09520123456788/10/ST25-2026-07'), uri);
  assert.deepEqual(foreign, [], 'nothing loaded from another host');

  // 5. The citizen: a 360 px phone, JavaScript off, the QR's address.
  const phoneCtx = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true, locale: 'vi-VN' });
  const phone = await phoneCtx.newPage();
  const res = await phone.goto(uri);
  assert.equal(res.status(), 200);
  const body = await res.body();
  assert.ok(body.length < 50 * 1024, `the page is ${body.length} bytes`);
  assert.equal(await phone.locator('script').count(), 0);
  const history = await phone.locator('#trace-history').innerText();
  assert.match(history, /02\/07\/2026 06:45/);
  assert.match(history, /Thu hoạch, tạo lô/);
  assert.match(history, /Xuất hàng, gửi đi/);
  assert.match(history, /số lượng 2\.400 kg/);
  const areaText = await phone.locator('#trace-area').innerText();
  assert.match(areaText, /VN-86-CT-0101/);
  assert.match(areaText, /Lúa thơm ST25/);
  assert.ok(await phone.locator('section[aria-labelledby="area-h"] .area-maps svg').count() >= 1, 'the small static map of the area');
  assert.match(await phone.locator('#trace-product').innerText(), /Gạo thơm mẫu/);
  // The demo's product has no OCOP rating yet: no stars, and the page says so (a
  // rated product's stars and certificate validity are tested in `trace_pages`).
  assert.equal(await phone.locator('p.stars').count(), 0);
  assert.match(await phone.locator('#trace-cert').innerText(), /Chưa có xếp hạng OCOP/);
  assert.match(await phone.locator('#trace-chain').innerText(), /không bị sửa/);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no horizontal scrolling (${width} px)`);
  await shot(phone, 'journey-public-360');
  await phoneCtx.close();

  const a11yCtx = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const a11y = await a11yCtx.newPage();
  await a11y.goto(uri);
  assert.deepEqual(await axeSerious(a11y), []);
  await a11yCtx.close();
  await context.close();
});
