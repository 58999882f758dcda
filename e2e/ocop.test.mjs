// OCOP products (issue 15) in headless Chromium, against `ntm serve` with the official unit
// lists: the province officer imports the published Trà Vinh list (preview, then apply),
// registers a producer with a product and where to buy it, uploads a test report into the
// producer's dossier, opens an evaluation round, scores it as the council and records the
// decision with its certificate; then a citizen on a 360 px phone, not logged in, opens the
// public catalogue, filters by stars and opens the product page: stars, the certificate and
// its validity, the producer, where to buy. axe finds no serious violation; no request
// leaves the server; screenshots in e2e/screenshots/ocop-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, shot, axeSerious, runNtm } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const LIST = readFileSync(join(here, '..', 'data', 'ocop', 'ocop-tra-vinh.csv'));
const PASSWORD = 'e2e-ocop-2026-pass';
const OFFICER = 'tinh.travinh.ocop';
const PRODUCT = 'Mật hoa dừa E2E';
const WHERE = 'Cửa hàng OCOP Trà Vinh, 12 Nguyễn Thị Minh Khai (e2e)';
const PDF = Buffer.from('%PDF-1.4\n% phieu kiem nghiem e2e\n');

let server;
let browser;

before(async () => {
  server = await startServer({
    args: ['serve'],
    prepare: (dataDir) => {
      runNtm(dataDir, ['import', 'units', '--reference']);
      runNtm(dataDir, ['user', 'add', OFFICER, '--name', 'VPĐP NTM Trà Vinh (e2e)', '--role', 'province_officer@84', '--password-stdin'], `${PASSWORD}\n`);
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', bypassCSP: true });
  const page = await context.newPage();
  const foreign = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:')) foreign.push(u);
  });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.foreign = foreign;
  page.consoleErrors = errors;
  return page;
}

async function submit(page, formSelector) {
  await Promise.all([page.waitForNavigation(), page.locator(`${formSelector} button[type="submit"]`).first().click()]);
}

async function axeClean(page, what) {
  const v = await axeSerious(page);
  assert.deepEqual(v, [], `${what}: axe ${JSON.stringify(v, null, 1)}`);
}

async function noOverflow(page, what) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 1, `${what}: page wider than the screen by ${over} px`);
}

function today() {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

test('an officer imports the Trà Vinh list and rates a product; a citizen finds it on a phone', async () => {
  const tinh = await newPage({ width: 1280, height: 900 });
  await tinh.goto(`${server.url}/login`);
  await tinh.fill('input[name="username"]', OFFICER);
  await tinh.fill('input[name="password"]', PASSWORD);
  await Promise.all([tinh.waitForNavigation(), tinh.locator('form[action="/login"] button[type="submit"]').click()]);

  // The unit's OCOP page from the nav bar; import: preview, then apply.
  await tinh.goto(`${server.url}/units/84/ocop`);
  assert.match(await tinh.textContent('h1'), /Sản phẩm OCOP/);
  await tinh.setInputFiles('#i-file', { name: 'ocop-tra-vinh.csv', mimeType: 'text/csv', buffer: LIST });
  await submit(tinh, '#ocop-import');
  assert.equal(await tinh.locator('#ocop-import-errors').count(), 0);
  assert.equal(await tinh.locator('#ocop-import-rows tbody tr').count(), 20);
  assert.match(await tinh.textContent('#ocop-import-rows'), /Không có hạng sao: bỏ qua/);
  await shot(tinh, 'ocop-01-import-preview');
  await axeClean(tinh, 'import preview');
  await submit(tinh, '#ocop-import-apply');
  assert.equal(new URL(tinh.url()).pathname, '/units/84/ocop');
  assert.match(await tinh.textContent('#ocop-products-h'), /\(18\)/);

  // A producer and its product, with where to buy it.
  await tinh.fill('#r-name', 'HTX Mật hoa dừa Cầu Kè (e2e)');
  await tinh.fill('#r-address', 'Ấp Trà Mẹt, xã Thông Hòa');
  await submit(tinh, '#ocop-register');
  const producer = tinh.locator('#ocop-producers li', { hasText: 'HTX Mật hoa dừa Cầu Kè (e2e)' });
  await producer.locator('summary').click();
  await producer.locator('input[name="name"]').fill(PRODUCT);
  await producer.locator('select[name="group"]').selectOption('1');
  await producer.locator('input[name="where_to_buy"]').fill(WHERE);
  await Promise.all([tinh.waitForNavigation(), producer.locator('button[type="submit"]').click()]);
  assert.match(new URL(tinh.url()).pathname, /^\/ocop\/manage\//);
  const manage = tinh.url();

  // The producer's dossier: a test report, uploaded once.
  await tinh.fill('#ocop-doc-upload-title', 'Phiếu kết quả kiểm nghiệm');
  await tinh.setInputFiles('#ocop-doc-upload-file', { name: 'kiem-nghiem.pdf', mimeType: 'application/pdf', buffer: PDF });
  await submit(tinh, '#ocop-doc-upload');
  assert.equal(await tinh.locator('tr.ocop-doc').count(), 1);

  // A round whose council is the officer; the sheet; the decision with its certificate.
  await tinh.selectOption('#o-level', 'province');
  await tinh.fill('#o-on', today());
  await tinh.fill('#o-members', OFFICER);
  await submit(tinh, '#ocop-open-round');
  assert.match(await tinh.textContent('#ocop-rounds-h + article'), /Phiếu kết quả kiểm nghiệm/);
  const round = tinh.locator('article[id^="round-"]').first();
  await round.locator('details').first().locator('summary').click();
  await round.locator('input[name="part_a"]').fill('35');
  await round.locator('input[name="part_b"]').fill('22');
  await round.locator('input[name="part_c"]').fill('25,5');
  await Promise.all([tinh.waitForNavigation(), round.locator('form[action$="/sheets"] button').click()]);
  assert.match(await tinh.textContent('p.result'), /82,5/);
  const decide = tinh.locator('form[action$="/decision"]');
  await tinh.locator('details', { has: decide }).locator('summary').click();
  await decide.locator('input[name="certificate_no"]').fill('123/QĐ-UBND (e2e)');
  await decide.locator('input[name="issued_on"]').fill(today());
  await Promise.all([tinh.waitForNavigation(), decide.locator('button').click()]);
  assert.equal(tinh.url(), manage);
  assert.match(await tinh.textContent('#ocop-decisions'), /4 ★/);
  assert.match(await tinh.textContent('#ocop-decisions'), /Còn hiệu lực/);
  await shot(tinh, 'ocop-02-product-managed');
  await axeClean(tinh, 'product management');
  assert.deepEqual(tinh.foreign, []);

  // A citizen on a phone, not logged in.
  const phone = await newPage({ width: 360, height: 780 });
  await phone.goto(`${server.url}/`);
  await Promise.all([phone.waitForNavigation(), phone.locator('a[href="/ocop"]').first().click()]);
  assert.equal(await phone.locator('li.ocop-item').count(), 19);
  await noOverflow(phone, 'catalogue');
  await shot(phone, 'ocop-03-catalogue-phone');
  await axeClean(phone, 'catalogue');
  await phone.selectOption('#f-stars', '4');
  await submit(phone, '#ocop-filter');
  assert.equal(new URL(phone.url()).searchParams.get('stars'), '4');
  const four = await phone.locator('li.ocop-item').count();
  assert.ok(four >= 1 && four < 19, `${four} four-star products`);
  assert.equal(await phone.locator('li.ocop-item .ocop-stars', { hasNotText: '★★★★' }).count(), 0);
  await shot(phone, 'ocop-04-catalogue-4-stars-phone');
  await Promise.all([phone.waitForNavigation(), phone.locator('li.ocop-item a', { hasText: PRODUCT }).click()]);
  assert.match(await phone.textContent('h1'), new RegExp(PRODUCT));
  assert.match(await phone.textContent('#ocop-stars'), /4 sao/);
  assert.match(await phone.textContent('#ocop-status'), /Còn hiệu lực/);
  assert.match(await phone.textContent('main'), /123\/QĐ-UBND \(e2e\)/);
  assert.match(await phone.textContent('main'), /HTX Mật hoa dừa Cầu Kè \(e2e\)/);
  assert.match(await phone.textContent('main'), new RegExp(WHERE.replace(/[()]/g, '\\$&')));
  await noOverflow(phone, 'product page');
  await shot(phone, 'ocop-05-product-phone');
  await axeClean(phone, 'product page');
  // An imported product: never shown valid; its source is linked.
  await phone.goto(`${server.url}/ocop?stars=3`);
  await Promise.all([phone.waitForNavigation(), phone.locator('li.ocop-item a').first().click()]);
  assert.doesNotMatch(await phone.textContent('#ocop-status'), /^Còn hiệu lực$/);
  assert.equal(await phone.locator('#ocop-imported a[rel="noopener"]').count(), 1);
  await shot(phone, 'ocop-06-imported-product-phone');
  assert.deepEqual(phone.foreign, []);
  assert.deepEqual(phone.consoleErrors, []);
});
