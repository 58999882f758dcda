// Traceability (issue 15, parts 4–5): the demo's producer account records a lot of its
// sample OCOP product and two events from the simple form, and opens the label sheet (PDF);
// a citizen opens the lot's QR address on a 360 px phone with JavaScript disabled and reads
// the history in Vietnamese. axe-core finds no serious or critical violation on either page.
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

async function newPage(options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  return context.newPage();
}

async function submit(page, form) {
  await Promise.all([page.waitForNavigation(), page.locator(`${form} button[type="submit"]`).click()]);
}

test('a producer records a lot and two events; a citizen reads its history on a phone', async () => {
  const p = await newPage({ viewport: { width: 1280, height: 900 } });
  await p.goto(`${server.url}/login`);
  await p.fill('input[name="username"]', 'htx.chauthanh');
  await p.fill('input[name="password"]', 'demo-ntm-2026');
  await submit(p, 'form[action="/login"]');
  // The nav bar leads to the lots.
  await Promise.all([p.waitForNavigation(), p.locator('nav.main-nav a[href="/trace/lots"]').click()]);
  assert.match(await p.locator('h1').innerText(), /Lô sản phẩm/);
  await p.locator('#t-ocop').selectOption({ index: 1 });
  await p.fill('#t-product', '09520123456788');
  await p.fill('#t-lot', 'E2E-2026-A');
  await shot(p, 'trace-lots-form');
  await submit(p, 'form[action="/trace/lots"]');
  assert.match(new URL(p.url()).pathname, /^\/trace\/lots\/[0-9a-f-]{36}$/, await p.locator('main').innerText());
  assert.match(await p.locator('#trace-flash').innerText(), /Đã ghi lô/);

  // Two events from the simple form.
  await p.locator('#e-step').selectOption('commissioning');
  await p.fill('#e-date', '2026-03-01');
  await p.fill('#e-time', '07:30');
  await p.fill('#e-place', 'Ruộng ấp mẫu 1');
  await p.fill('#e-qty', '1.200');
  await submit(p, 'form[action$="/events"]');
  assert.match(await p.locator('#trace-flash').innerText(), /Đã ghi sự kiện/);
  await p.locator('#e-step').selectOption('shipping');
  await p.locator('#e-disp').selectOption('in_transit');
  await p.fill('#e-date', '2026-03-02');
  await p.fill('#e-time', '14:05');
  await p.fill('#e-place', 'Kho HTX mẫu');
  await submit(p, 'form[action$="/events"]');
  assert.equal(await p.locator('#trace-history li').count(), 2);
  assert.match(await p.locator('#trace-chain').innerText(), /toàn vẹn: 2 sự kiện/);
  await shot(p, 'trace-lot-page');
  assert.deepEqual(await axeSerious(await (async () => {
    const a = await newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true, storageState: await p.context().storageState() });
    await a.goto(p.url());
    return a;
  })()), []);

  // The label sheet.
  const labels = await p.locator('#trace-print').getAttribute('href');
  const pdf = await p.request.get(`${server.url}${labels}`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.ok((await pdf.body()).subarray(0, 5).toString() === '%PDF-');

  // The citizen scans the QR code: its address is the lot's Digital Link URI.
  const uri = await p.locator('#trace-public-link').innerText();
  assert.ok(uri.startsWith(server.url) && uri.endsWith('/01/09520123456788/10/E2E-2026-A'), uri);
  const phone = await newPage({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true });
  const res = await phone.goto(uri);
  assert.equal(res.status(), 200);
  assert.equal(await phone.locator('script').count(), 0);
  assert.match(await phone.locator('#trace-product').innerText(), /Gạo thơm mẫu/);
  const history = await phone.locator('#trace-history').innerText();
  assert.match(history, /01\/03\/2026 07:30/);
  assert.match(history, /Thu hoạch, tạo lô/);
  assert.match(history, /Xuất hàng, gửi đi/);
  assert.match(history, /Kho HTX mẫu/);
  assert.match(history, /số lượng 1\.200 kg/);
  assert.match(await phone.locator('#trace-chain').innerText(), /không bị sửa/);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no horizontal scrolling (${width} px)`);
  await shot(phone, 'trace-public-360');

  const a11y = await newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  await a11y.goto(uri);
  assert.deepEqual(await axeSerious(a11y), []);
});
