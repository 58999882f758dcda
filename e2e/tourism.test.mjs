// Rural tourism (issue 16 item 3, docs/tourism.md): the demo commune's tourism editor opens
// "Du lịch" from the nav bar, adds a homestay with a photo and its narration in both
// languages, publishes it, then the public narration page (no login, no JavaScript) is read
// at 1280 and 360 px, in Vietnamese and English, with screenshots, axe clean, under 60 KB,
// nothing from another host; the QR code opens that page's address; the point appears on the
// commune's public page and in the OGC collection behind the map's tourism layer.
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

/** Records CSP violations and requests to other hosts. */
function watch(page) {
  const problems = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(server.url)) problems.push(`other host: ${r.url()}`); });
  return problems;
}

const NAME = 'Homestay vườn dừa Bảy Tư (thử nghiệm e2e)';
let pointPath;

test('the tourism editor adds a homestay with a photo and publishes it', async () => {
  const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
  const p = await context.newPage();
  const problems = watch(p);
  await p.goto(`${server.url}/login`);
  await p.fill('input[name="username"]', 'dulich.chauthanh');
  await p.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([p.waitForNavigation(), p.locator('form[action="/login"] button[type="submit"]').click()]);

  // "Du lịch" in the nav bar leads to the commune's tourism page.
  await Promise.all([p.waitForNavigation(), p.locator('nav.main-nav a[href$="/tourism"]').first().click()]);
  assert.match(new URL(p.url()).pathname, /^\/units\/29374\/tourism$/);
  const samples = await p.locator('#tourism-point-list tbody tr').count();
  assert.ok(samples >= 3, `the demo's sample points: ${samples}`);
  await shot(p, 'tourism-manage-1280');

  // A position inside the commune: next to a sample point's (read off its public page).
  const sample = p.locator('#tourism-point-list a', { hasText: 'Đình làng' }).first();
  await sample.waitFor();
  const pub = await browser.newContext();
  const pp = await pub.newPage();
  const sampleHref = await p.locator('#tourism-point-list tr', { hasText: 'Đình làng' }).locator('a[href^="/tourism/points/"]').first().getAttribute('href');
  await pp.goto(`${server.url}${sampleHref}`);
  const geo = await pp.locator('#point-position a[href^="geo:"]').getAttribute('href');
  const [lat, lon] = geo.slice(4).split(/[,;?]/).map(Number);
  assert.ok(lat > 8 && lat < 24 && lon > 102 && lon < 110, `sample position ${geo}`);
  await pub.close();

  // A photo: any PNG will do (a screenshot of this page, made here).
  const photo = await p.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
  await p.selectOption('#tp-kind', 'homestay');
  await p.fill('#tp-name', NAME);
  await p.fill('#tp-lat', (lat + 0.0002).toFixed(6).replace('.', ','));
  await p.fill('#tp-lon', (lon + 0.0002).toFixed(6).replace('.', ','));
  await p.fill('#tp-address', 'Ấp 3, xã mẫu (dữ liệu mẫu)');
  await p.fill('#tp-opening', '7:00–20:00 hằng ngày');
  await p.fill('#tp-contact', '0900 000 000');
  await p.fill('#tp-nvi', 'Nhà vườn ven kênh, khách được chèo xuồng và làm bánh dân gian.\n\nĐây là điểm thử nghiệm, không phải nơi có thật.');
  await p.fill('#tp-nen', 'A garden house by the canal: rowing and folk cakes.\n\nA test point, not a real place.');
  await p.setInputFiles('#tp-photos', { name: 'vuon.png', mimeType: 'image/png', buffer: photo });
  await Promise.all([p.waitForNavigation(), p.locator('#tourism-point-form button[type="submit"]').click()]);
  assert.match(new URL(p.url()).pathname, /^\/tourism\/edit\/points\/[0-9a-f-]{36}$/, await p.locator('#tourism-point-errors').innerText().catch(() => ''));
  await shot(p, 'tourism-point-saved-1280');
  await Promise.all([p.waitForNavigation(), p.locator('#tourism-publish').click()]);
  assert.ok(await p.locator('#tourism-unpublish').isVisible(), 'published');

  await p.goto(`${server.url}/units/29374/tourism`);
  const row = p.locator('#tourism-point-list tr', { hasText: NAME });
  pointPath = await row.locator('a[href^="/tourism/points/"]').first().getAttribute('href');
  assert.match(pointPath, /^\/tourism\/points\/[0-9a-f-]{36}$/);
  // The QR code encodes the narration page's address.
  const qr = await p.request.get(`${server.url}${pointPath}/qr.svg`);
  assert.equal(qr.status(), 200);
  assert.match(qr.headers()['content-type'], /image\/svg\+xml/);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, height] of [[1280, 900], [360, 740]]) {
  test(`the public narration page at ${width} px, without JavaScript`, async () => {
    assert.ok(pointPath, 'the point of the first test');
    const context = await browser.newContext({
      locale: 'vi-VN', viewport: { width, height }, javaScriptEnabled: false,
      isMobile: width < 400, hasTouch: width < 400,
    });
    const p = await context.newPage();
    const problems = watch(p);
    const res = await p.goto(`${server.url}${pointPath}`);
    assert.equal(res.status(), 200);
    const html = await res.body();
    assert.ok(html.length < 60 * 1024, `narration page ${html.length} bytes`);
    assert.equal(await p.locator('#point-name').innerText(), NAME);
    assert.match(await p.locator('#narration').innerText(), /chèo xuồng/);
    assert.equal(await p.locator('img.photo').count(), 1);
    await p.locator('img.photo').scrollIntoViewIfNeeded();
    assert.ok(await p.locator('img.photo').evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo loads');
    assert.match(await p.locator('#point-position').innerText(), /\d+,\d+/, 'coordinates written the Vietnamese way');
    const wide = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= width, `page wider than the screen: ${wide}`);
    await shot(p, `tourism-narration-${width}`);

    // English, as a visitor who reads it.
    await p.goto(`${server.url}${pointPath}?lang=en`);
    assert.match(await p.locator('#narration').innerText(), /rowing and folk cakes/);
    await shot(p, `tourism-narration-en-${width}`);
    assert.deepEqual(problems, []);

    const a = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    const ap = await a.newPage();
    await ap.goto(`${server.url}${pointPath}`);
    assert.deepEqual(await axeSerious(ap), []);
    await a.close();
    await context.close();
  });
}

test('the point on the commune page and in the map layer\'s collection', async () => {
  const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
  const p = await context.newPage();
  await p.goto(`${server.url}/tourism/29374`);
  const link = p.locator(`a[href="${pointPath}"]`).first();
  assert.ok(await link.count() > 0, 'listed on the commune page');
  await shot(p, 'tourism-commune-360');
  const id = pointPath.split('/').pop();
  const r = await p.request.get(`${server.url}/ogc/collections/tourism-points/items/${id}`);
  assert.equal(r.status(), 200);
  const f = await r.json();
  assert.equal(f.properties.name, NAME);
  assert.equal(f.geometry.type, 'Point');
  assert.ok(!JSON.stringify(f).includes('0900 000 000'), 'no contact in open data');
  await context.close();
});
