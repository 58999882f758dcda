// Citizens' feedback (issue 17): a citizen on a 360 px phone files a report with a photo (a
// JPEG drawn by the browser's canvas in the test) and gets the tracking code; the province
// officer finds it in the inbox, accepts it, starts it and resolves it with a public answer;
// the citizen opens the tracking page, reads the answer and rates it. The public form also
// works with JavaScript disabled. axe-core finds no serious or critical violation on the
// form, the tracking page and the inbox. Screenshots go to e2e/screenshots/feedback-*.png.
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

const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

async function newPage(options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  return context.newPage();
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
}

/** A small real JPEG (80×60, a road with a pothole), encoded by Chromium's canvas. */
async function makeJpeg() {
  const p = await newPage();
  await p.goto(`${server.url}/health`);
  const b64 = await p.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 80;
    c.height = 60;
    const g = c.getContext('2d');
    g.fillStyle = '#8fbf6a';
    g.fillRect(0, 0, 80, 60);
    g.fillStyle = '#666';
    g.fillRect(0, 20, 80, 22);
    g.fillStyle = '#333';
    g.beginPath();
    g.ellipse(40, 31, 9, 5, 0, 0, Math.PI * 2);
    g.fill();
    return c.toDataURL('image/jpeg', 0.8).split(',')[1];
  });
  await p.context().close();
  const buf = Buffer.from(b64, 'base64');
  assert.deepEqual([...buf.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  return buf;
}

/** Fills the public form; answers its check question (a sum) after the 3 s it needs. */
async function fillForm(p, { text, contact }) {
  await p.locator('#category').selectOption('giao-thong');
  await p.fill('#text', text);
  await p.locator('#unit_code').selectOption({ label: 'Xã An Bình' });
  await p.fill('#contact_name', 'Nguyễn Văn A');
  await p.fill('#contact', contact);
  const q = await p.locator('label[for="check"]').innerText();
  const m = q.match(/(\d+)\s+cộng\s+(\d+)/);
  assert.ok(m, q);
  await p.fill('#check', String(Number(m[1]) + Number(m[2])));
  await p.waitForTimeout(3200);
}

async function noSideScroll(p, what) {
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${what}: no horizontal scrolling (${width} px)`);
}

test('a citizen files a report with a photo on a phone; the officer answers; the citizen rates', async () => {
  const jpeg = await makeJpeg();

  // The citizen: /feedback → the province → the form.
  const c = await newPage(phone);
  await c.goto(`${server.url}/feedback`);
  await shot(c, 'feedback-home-360');
  await submit(c, 'a[href="/feedback/86/new"]');
  const formUrl = c.url();
  assert.match(await c.locator('h1').innerText(), /Vĩnh Long/);
  await fillForm(c, { text: 'Ổ gà lớn trước chợ An Bình, xe máy dễ ngã khi trời mưa.', contact: '0901 234 567' });
  await c.locator('#photos').setInputFiles({ name: 'o-ga.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await noSideScroll(c, 'form');
  await shot(c, 'feedback-form-360');
  await submit(c, '#fb-submit');
  const tracking = new URL(c.url());
  assert.match(tracking.pathname, /^\/feedback\/t\/[0-9A-Z]{5}-[0-9A-Z]{5}$/, await c.locator('main').innerText());
  const code = (await c.locator('#fb-code').innerText()).trim();
  assert.equal(tracking.pathname, `/feedback/t/${code}`);
  assert.match(await c.locator('#fb-status').innerText(), /Đã tiếp nhận/);
  // The photo is served (its location removed) and shown; the contact is never public.
  const img = c.locator('.fb-photos img');
  assert.equal(await img.count(), 1);
  assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth === 80), 'the photo loads');
  assert.doesNotMatch(await c.locator('main').innerText(), /0901 234 567/);
  await noSideScroll(c, 'tracking page');
  await shot(c, 'feedback-filed-360');

  // The officer of Vĩnh Long: nav → inbox → the report → accept, start, resolve.
  const o = await newPage({ viewport: { width: 1280, height: 900 } });
  await o.goto(`${server.url}/login`);
  await o.fill('input[name="username"]', 'tinh.vinhlong');
  await o.fill('input[name="password"]', 'demo-ntm-2026');
  await submit(o, 'form[action="/login"] button[type="submit"]');
  await submit(o, 'nav.main-nav a[href="/feedback/inbox"]');
  const row = o.locator('#fb-inbox tbody tr', { hasText: code });
  assert.equal(await row.count(), 1, await o.locator('main').innerText());
  await shot(o, 'feedback-inbox');
  await submit(o, `#fb-inbox a:text("${code}")`);
  assert.match(await o.locator('#fb-contact').innerText(), /0901 234 567/, 'the officer sees the contact');
  await submit(o, '#fb-do-accept');
  assert.match(await o.locator('#fb-status').innerText(), /Đã thụ lý|thụ lý/i);
  await submit(o, '#fb-do-start');
  await o.fill('#answer', 'Xã đã vá ổ gà ngày 05/12/2026. Cảm ơn bà con đã phản ánh.');
  await shot(o, 'feedback-report-officer');
  await submit(o, '#fb-do-resolve');
  assert.match(await o.locator('#fb-status').innerText(), /Đã giải quyết/);

  // The citizen reads the answer and rates it.
  await c.goto(`${server.url}/feedback/t/${code}`);
  assert.match(await c.locator('#fb-status').innerText(), /Đã giải quyết/);
  assert.match(await c.locator('#fb-answer').innerText(), /vá ổ gà ngày 05\/12\/2026/);
  await c.locator('input[name="rating"][value="5"]').check();
  await submit(c, '#fb-rate');
  assert.match(await c.locator('#fb-rated').innerText(), /5/);
  await noSideScroll(c, 'answered tracking page');
  await shot(c, 'feedback-answered-360');

  // axe on the form, the tracking page and the inbox.
  const a = await newPage({ ...phone, bypassCSP: true });
  await a.goto(formUrl);
  assert.deepEqual(await axeSerious(a), [], 'form');
  await a.goto(`${server.url}/feedback/t/${code}`);
  assert.deepEqual(await axeSerious(a), [], 'tracking page');
  const ai = await newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true, storageState: await o.context().storageState() });
  await ai.goto(`${server.url}/feedback/inbox`);
  assert.equal(await ai.locator('#fb-inbox').count(), 1);
  assert.deepEqual(await axeSerious(ai), [], 'inbox');
});

test('the public form works without JavaScript', async () => {
  const p = await newPage({ ...phone, javaScriptEnabled: false });
  await p.goto(`${server.url}/feedback/86/new`);
  assert.equal(await p.locator('script[src]:not([src*="htmx"])').count(), 0);
  // A refused form (a wrong answer to the check question) comes back with what was typed.
  await p.locator('#category').selectOption('moi-truong');
  await p.fill('#text', 'Rác thải đổ bừa bãi bên bờ kênh.');
  await p.fill('#contact', 'nojs@example.vn');
  await p.fill('#check', '999');
  await submit(p, '#fb-submit');
  assert.equal(await p.locator('#fb-errors').count(), 1, await p.locator('main').innerText());
  assert.equal(await p.locator('#contact').inputValue(), 'nojs@example.vn');
  assert.equal(await p.locator('#text').inputValue(), 'Rác thải đổ bừa bãi bên bờ kênh.');
  await shot(p, 'feedback-nojs-refused-360');
  await fillForm(p, { text: 'Rác thải đổ bừa bãi bên bờ kênh, không có JavaScript.', contact: 'nojs@example.vn' });
  await p.locator('#category').selectOption('moi-truong');
  await submit(p, '#fb-submit');
  assert.match(new URL(p.url()).pathname, /^\/feedback\/t\/[0-9A-Z]{5}-[0-9A-Z]{5}$/, await p.locator('main').innerText());
  assert.match(await p.locator('#fb-status').innerText(), /Đã tiếp nhận/);
  await shot(p, 'feedback-nojs-filed-360');
});
