// The commune portal of issue 17 in one browser session: the demo commune officer opens the
// portal from the nav bar, previews a digital-transformation post whose pasted HTML carries a
// script (gone in the preview), saves and publishes it, adds a loudspeaker programme with a
// DX segment for today and marks it held; a citizen on a 360 px phone with JavaScript off
// reads the commune page (the post, the schedule, the DX figures), the post and the
// drill-down. axe-core finds no serious or critical violation; nothing from another host.
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

async function axeOn(url, storageState) {
  const c = await browser.newContext({ viewport: { width: 360, height: 800 }, bypassCSP: true, storageState });
  const a = await c.newPage();
  await a.goto(url);
  const serious = await axeSerious(a);
  await c.close();
  return serious;
}

test('officer publishes a DX post and marks a broadcast held; a citizen reads them on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  const p = await context.newPage();
  const foreign = [];
  p.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await p.goto(`${server.url}/login`);
  await p.fill('input[name="username"]', 'xa.chauthanh');
  await p.fill('input[name="password"]', 'demo-ntm-2026');
  await submit(p, 'form[action="/login"] button[type="submit"]');

  // 1. The post: from the nav bar, previewed (the script is gone), saved, published.
  await submit(p, 'nav.main-nav a[href="/units/29374/portal"]');
  await p.fill('#pe-title', 'Hướng dẫn cài đặt VNeID mức 2');
  await p.selectOption('#pe-category', 'chuyen-doi-so');
  await p.fill('#pe-body', '<p>Bà con mang <b>CCCD gắn chip</b> đến nhà văn hóa ấp.</p><script>alert(1)</script>');
  await submit(p, '#portal-editor button[value="preview"]');
  const preview = await p.locator('#portal-preview').innerHTML();
  assert.ok(preview.includes('<b>CCCD gắn chip</b>'), preview);
  assert.ok(!preview.includes('script'), preview);
  assert.equal(await p.inputValue('#pe-title'), 'Hướng dẫn cài đặt VNeID mức 2', 'what was typed is kept');
  await shot(p, 'portal-editor-preview');
  assert.deepEqual(await axeOn(p.url(), await context.storageState()), []);
  await submit(p, '#portal-editor button[value="save"]');
  assert.match(p.url(), /\/portal\/edit\//);
  await submit(p, '#portal-publish button[type="submit"]');
  assert.match(await p.locator('#portal-status').innerText(), /Đã đăng/);

  // 2. The broadcast: a programme today with a DX segment, marked held.
  await submit(p, 'nav.main-nav a[href="/units/29374/portal/schedule"]');
  await p.fill('#pa-time', '06:30');
  await p.fill('#pa-title', 'Bản tin sáng');
  await p.fill('#seg-1', 'Thanh toán không dùng tiền mặt');
  await p.check('input[name="dx_1"]');
  await p.fill('#seg-2', 'Lịch tiêm phòng');
  await submit(p, '#portal-add-programme button[type="submit"]');
  const held = p.locator('form.held-form').first();
  await held.locator('input[name="note"]').fill('Phát đủ 10 phút');
  await Promise.all([p.waitForNavigation(), held.locator('button[type="submit"]').click()]);
  assert.match(await p.locator('.held-record').first().innerText(), /Phát đủ 10 phút/);
  await shot(p, 'portal-schedule');
  assert.deepEqual(await axeOn(p.url(), await context.storageState()), []);
  assert.deepEqual(foreign, []);

  // 3. A citizen on a phone, JavaScript off.
  const phone = await browser.newContext({ viewport: { width: 360, height: 780 }, javaScriptEnabled: false, locale: 'vi-VN' });
  const c = await phone.newPage();
  const res = await c.goto(`${server.url}/portal/29374`);
  assert.equal(res.status(), 200);
  const html = await res.text();
  assert.ok(html.length < 60 * 1024, `${html.length} bytes`);
  assert.ok(!html.includes('<script'), 'no script on the public page');
  assert.match(await c.locator('#portal-posts').innerText(), /Hướng dẫn cài đặt VNeID mức 2/);
  assert.match(await c.locator('#portal-schedule').innerText(), /Thanh toán không dùng tiền mặt/);
  // Two weeks held: this one, and the demo's sample broadcast of two weeks ago.
  assert.match(await c.locator('#portal-weeks-held').innerText(), /2 \//);
  const width = await c.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling (${width} px)`);
  await shot(c, 'portal-commune-360');
  assert.deepEqual(await axeOn(c.url()), []);
  await Promise.all([c.waitForNavigation(), c.locator('#portal-posts a').first().click()]);
  assert.match(await c.locator('#post-body').innerHTML(), /<b>CCCD gắn chip<\/b>/);
  assert.ok(!(await c.content()).includes('alert(1)'));
  await shot(c, 'portal-post-360');
  assert.deepEqual(await axeOn(c.url()), []);
  await c.goto(`${server.url}/portal/29374`);
  await Promise.all([c.waitForNavigation(), c.locator('#portal-drilldown').click()]);
  assert.match(await c.locator('#dx-weeks-held').innerText(), /^2 \//);
  await shot(c, 'portal-dx-360');
  assert.deepEqual(await axeOn(c.url()), []);
  await phone.close();
  await context.close();
});
