// A citizen answers the satisfaction survey on a 360 px phone with JavaScript DISABLED
// (issue 5): the commune officer of the demo opens the labelled sample campaign's page,
// issues one slip code, and the citizen follows the slip's link, answers with a plain form
// POST and lands on the thank-you page. axe-core finds no serious or critical violation on
// the public page, and nothing is loaded from another host.
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
  const page = await context.newPage();
  const foreign = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:')) foreign.push(u);
  });
  page.foreign = foreign;
  return page;
}

test('a citizen answers on a 360 px phone without JavaScript', async () => {
  // The officer: log in, open the demo campaign, issue one code for the first hamlet.
  const officer = await newPage({ viewport: { width: 1280, height: 900 } });
  await officer.goto(`${server.url}/login`);
  await officer.fill('input[name="username"]', 'xa.chauthanh');
  await officer.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([officer.waitForNavigation(), officer.locator('form[action="/login"] button[type="submit"]').click()]);
  await officer.goto(`${server.url}/units/29374/surveys`);
  const link = officer.locator('#survey-list a').first();
  assert.match(await link.innerText(), /dữ liệu mẫu/);
  await Promise.all([officer.waitForNavigation(), link.click()]);
  await shot(officer, 'survey-officer-campaign');
  const input = officer.locator('form[action$="/tokens"] input[name^="count."]').first();
  await input.fill('2');
  await Promise.all([officer.waitForNavigation(), officer.locator('form[action$="/tokens"] button[type="submit"]').click()]);
  const token = await officer.locator('.survey-token').first().getAttribute('data-token');
  const token2 = await officer.locator('.survey-token').nth(1).getAttribute('data-token');
  assert.match(token, /^[0-9A-Z]{10}$/);
  await shot(officer, 'survey-officer-slips');
  const code = new URL(await officer.locator('#survey-slips').evaluate(() => location.href)).pathname.split('/')[4];

  // The slip's QR link puts the code after '#': the browser never sends it (no server,
  // proxy or access log sees it); the page's script fills the field and clears the address.
  const qr = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  const asked = [];
  qr.on('request', (r) => asked.push(r.url()));
  await qr.goto(`${server.url}/s/${code}#t=${token2}`);
  assert.equal(await qr.locator('#token').inputValue(), token2);
  assert.equal(await qr.evaluate(() => location.hash), '');
  assert.deepEqual(asked.filter((u) => u.includes(token2)), []);
  await qr.locator('input[name="answer"][value="satisfied"]').check();
  await Promise.all([qr.waitForNavigation(), qr.locator('form button[type="submit"]').click()]);
  assert.match(new URL(qr.url()).pathname, /\/cam-on$/, await qr.locator('main').innerText());
  assert.deepEqual(asked.filter((u) => u.includes(token2)), []);

  // The citizen: no JavaScript, a 360 px phone, no login: the code printed on the slip is typed.
  const phone = await newPage({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true });
  const res = await phone.goto(`${server.url}/s/${code}#t=${token}`);
  assert.equal(res.status(), 200);
  assert.equal(await phone.locator('script:not([src^="/assets/survey-public.js"])').count(), 0);
  assert.equal(await phone.locator('#token').inputValue(), '');
  await phone.locator('#token').fill(token);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no horizontal scrolling (${width} px)`);
  await phone.locator('input[name="answer"][value="satisfied"]').check();
  await shot(phone, 'survey-public-360');
  await Promise.all([phone.waitForNavigation(), phone.locator('form button[type="submit"]').click()]);
  assert.match(new URL(phone.url()).pathname, /\/cam-on$/);
  assert.match(await phone.locator('#thanks').innerText(), /Cảm ơn/);
  await shot(phone, 'survey-public-thanks-360');

  // The same code again (as a slip printed before, with the code in the query): a clear
  // message, nothing counted twice.
  await phone.goto(`${server.url}/s/${code}?t=${token}`);
  await phone.locator('input[name="answer"][value="not_satisfied"]').check();
  await Promise.all([phone.waitForNavigation(), phone.locator('form button[type="submit"]').click()]);
  assert.match(await phone.locator('#error').innerText(), /đã được dùng/);
  await shot(phone, 'survey-public-used-360');
  assert.deepEqual(phone.foreign, []);

  // Accessibility of the public page.
  const a11y = await newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  await a11y.goto(`${server.url}/s/${code}`);
  assert.deepEqual(await axeSerious(a11y), []);
});
