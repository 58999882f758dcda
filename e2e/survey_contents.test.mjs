// Survey contents and households (issue 5): the demo commune officer creates a campaign that
// lists contents of NTM building, opens it, issues one slip and enters the households; a
// citizen on a 360 px phone with JavaScript DISABLED answers the main question and each
// content; the results page shows the rate per content and the share of households, and says
// that no minimum share is configured. axe-core finds no serious or critical violation on
// the public page and the results page; no horizontal scrolling at 360 px.
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

async function noHorizontalScroll(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${what}: no horizontal scrolling (${width} px)`);
}

test('contents answered on a phone without JavaScript, results per content and households', async () => {
  const officer = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, bypassCSP: true });
  await officer.goto(`${server.url}/login`);
  await officer.fill('input[name="username"]', 'xa.chauthanh');
  await officer.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([officer.waitForNavigation(), officer.locator('form[action="/login"] button[type="submit"]').click()]);

  // A new campaign with two contents (the field is empty by default).
  await officer.goto(`${server.url}/units/29374/surveys/new`);
  assert.equal(await officer.locator('#s-contents').inputValue(), '');
  await officer.fill('input[name="title"]', 'Lấy ý kiến theo nội dung (e2e)');
  await officer.fill('#s-contents', 'Giao thông\nMôi trường');
  await officer.fill('#s-ot', '00:00');
  await shot(officer, 'survey-contents-form-360');
  await Promise.all([officer.waitForNavigation(), officer.locator('form[action="/units/29374/surveys"] button[type="submit"]').click()]);
  assert.match(await officer.locator('#survey-contents').innerText(), /Giao thông[\s\S]*Môi trường/);
  const path = new URL(officer.url()).pathname;
  const code = path.split('/')[4];
  await Promise.all([officer.waitForNavigation(), officer.locator(`form[action="${path}/open"] button`).click()]);
  await officer.locator('form[action$="/tokens"] input[name^="count."]').first().fill('1');
  await Promise.all([officer.waitForNavigation(), officer.locator('form[action$="/tokens"] button[type="submit"]').click()]);
  const token = await officer.locator('.survey-token').first().getAttribute('data-token');

  // The citizen: 360 px, no JavaScript.
  const phone = await newPage({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true });
  const res = await phone.goto(`${server.url}/s/${code}?t=${token}`);
  assert.equal(res.status(), 200);
  assert.equal(await phone.locator('script:not([src^="/assets/survey-public.js"])').count(), 0);
  await noHorizontalScroll(phone, 'public page');
  await phone.locator('input[name="answer"][value="satisfied"]').check();
  await phone.locator('input[name="c0"][value="satisfied"]').check();
  await phone.locator('input[name="c1"][value="not_satisfied"]').check();
  await shot(phone, 'survey-contents-public-360');
  await Promise.all([phone.waitForNavigation(), phone.locator('form button[type="submit"]').click()]);
  assert.match(new URL(phone.url()).pathname, /\/cam-on$/);

  // Households of the first hamlet, then the results.
  await officer.goto(`${server.url}${path}`);
  await officer.locator('#survey-households input[name^="hh."]').first().fill('4');
  await Promise.all([officer.waitForNavigation(), officer.locator('#survey-households button[type="submit"]').click()]);
  assert.match(await officer.locator('#survey-flash').innerText(), /số hộ/);
  await shot(officer, 'survey-contents-campaign-360');
  await officer.goto(`${server.url}${path}/results`);
  assert.match(await officer.locator('#survey-share').innerText(), /25,0 %/);
  assert.match(await officer.locator('#survey-coverage').innerText(), /chưa được cấu hình/);
  const contents = await officer.locator('#survey-contents-results').innerText();
  assert.match(contents, /100,00 %/);
  assert.match(contents, /0,00 %/);
  await shot(officer, 'survey-contents-results-360');
  assert.deepEqual(await axeSerious(officer), []);

  const a11y = await newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  await a11y.goto(`${server.url}/s/${code}`);
  assert.deepEqual(await axeSerious(a11y), []);
});
