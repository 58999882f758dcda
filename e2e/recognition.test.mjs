// The whole recognition journey of issue 5 (QĐ 18/2022) in headless Chromium, through the
// pages officers use: the commune officer enters the values of a criteria set and submits
// them, the province officer verifies them; the province sets the commune satisfaction
// threshold with its basis; the commune runs a satisfaction survey that citizens answer on a
// 360 px phone without JavaScript; then the dossier goes through every step — opened,
// documents attached, public posting started and ended (≥ 15 days), submitted, appraised as
// passed, decided, published, and finally revoked with a reason. After each step the state on
// the page and the history are checked; the commune officer is told of the decision.
//
// The criteria set is `thu-nghiem-xa`, a TEST-ONLY fixture (testdata/criteria/) loaded with
// `--criteria-dir`: the shipped sets have no confirmed thresholds, and the house rule is never
// to invent a legal value. The satisfaction threshold entered below is a test value too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, shot, axeSerious } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CRITERIA_DIR = join(here, '..', 'testdata', 'criteria');
const SET = 'thu-nghiem-xa';
const YEAR = 2026;
const COMMUNE = '29374';
const PROVINCE = '86';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const SUBMISSION_DOCS = [
  'submission_letter', 'comments_summary', 'satisfaction_report',
  'meeting_minutes', 'capital_debt_report',
];

/** dd/mm/yyyy of today in Vietnam minus `days` (the steps are recorded after the fact). */
function daysAgo(days) {
  const d = new Date(Date.now() + 7 * 3600 * 1000 - days * 86400 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}
const re = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const DAY = {
  opened: daysAgo(65), postingStart: daysAgo(60), postingEnd: daysAgo(44), submitted: daysAgo(40),
  appraised: daysAgo(25), decided: daysAgo(20), published: daysAgo(18), revoked: daysAgo(5),
};

let server;
let browser;
const pages = [];

before(async () => {
  server = await startServer({ args: ['demo', '--criteria-dir', CRITERIA_DIR] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page in a fresh context that records every request to another host. */
async function newPage(viewport = { width: 1280, height: 900 }, options = {}) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', ...options });
  const page = await context.newPage();
  page.foreign = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:')) page.foreign.push(u);
  });
  pages.push(page);
  return page;
}

async function login(page, username) {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type="submit"]').click()]);
  assert.equal(new URL(page.url()).pathname, '/', `login of ${username}`);
}

/** Clicks a submit button and waits for the page it leads to. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

/** Enters a value (and a note) in the scorecard row of an indicator (htmx posts the form). */
async function enterValue(page, anchor, value, note) {
  const row = page.locator(`article#${anchor}`);
  await row.locator('details > summary').first().click();
  await row.locator('input[name="value"]').fill(value);
  await row.locator('textarea[name="note"]').fill(note);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/scorecard/values') && r.request().method() === 'POST'),
    row.locator('form[action$="/scorecard/values"] button[type="submit"]').click(),
  ]);
  await page.reload();
  assert.doesNotMatch(await text(page.locator(`article#${anchor}`)), /Chưa có giá trị|chưa có số liệu/i);
}

/** Fills and sends one action form of the dossier page. */
async function act(page, action, fields = {}) {
  const form = page.locator(`form#act-${action}`);
  for (const [name, value] of Object.entries(fields)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
  await submit(page, form.locator('button[type="submit"]'));
  const err = page.locator('.dossier-error');
  if (await err.count()) assert.fail(`${action}: ${await text(err.first())}`);
  assert.match(await text(page.locator('#dossier-flash')), /Đã ghi nhận thao tác/, action);
}

async function attach(page, kind, name) {
  await page.selectOption('#doc-kind', kind);
  await page.setInputFiles('#doc-file', { name, mimeType: 'application/pdf', buffer: PDF });
  await submit(page, page.locator('#upload-form button[type="submit"]'));
  assert.match(await text(page.locator('#dossier-flash')), /Đã đính kèm/, kind);
}

async function state(page) {
  return text(page.locator('#dossier-state'));
}

async function history(page) {
  return text(page.locator('#dossier-history'));
}

test('officers take a commune dossier through every step, from values to revocation', async () => {
  const started = Date.now();
  const scorecard = `${server.url}/units/${COMMUNE}/scorecard?set=${SET}&year=${YEAR}`;

  // 1. Values: the commune officer enters both indicators and submits them.
  const xa = await newPage();
  await login(xa, 'xa.chauthanh');
  await xa.goto(scorecard);
  assert.match(await xa.textContent('h1'), /Châu Thành/);
  assert.match(await xa.locator('main').innerText(), /THỬ NGHIỆM/);
  await enterValue(xa, 'i-1-1', '95', 'Số liệu thử nghiệm: 95 % hộ dùng nước sạch');
  await enterValue(xa, 'i-2-1', 'Có', 'Số liệu thử nghiệm: nhà văn hóa xã đã xây');
  await submit(xa, xa.locator('#sc-summary button[value="submit"]'));
  await xa.goto(scorecard);
  assert.match(await text(xa.locator('article#i-1-1')), /Đã gửi xác minh/);
  assert.match(await text(xa.locator('article#i-2-1')), /Đã gửi xác minh/);
  await shot(xa, 'recognition-01-values-submitted');

  // The province officer (no district level since 01/07/2025) verifies them.
  const tinh = await newPage(undefined, { bypassCSP: true });
  await login(tinh, 'tinh.vinhlong');
  await tinh.goto(scorecard);
  await submit(tinh, tinh.locator('#sc-summary button[value="verify"]'));
  await tinh.goto(scorecard);
  assert.match(await text(tinh.locator('article#i-1-1')), /Đã xác minh/);
  assert.match(await text(tinh.locator('article#i-2-1')), /Đã xác minh/);
  const summary = await text(tinh.locator('#sc-summary'));
  assert.match(summary, /Đạt 2 trên 2 tiêu chí/);
  assert.doesNotMatch(summary, /tạm tính/, 'a pass on confirmed thresholds is not tentative');
  await shot(tinh, 'recognition-02-values-verified');

  // 2. The province sets the commune satisfaction threshold with its basis (a test value).
  await tinh.goto(`${server.url}/units/${PROVINCE}/procedure-settings`);
  assert.match(await text(tinh.locator('#no-threshold')), /Chưa có ngưỡng/);
  await tinh.selectOption('#thr-kind', 'commune_ntm');
  await tinh.fill('#thr-percent', '90');
  await tinh.fill('#thr-basis', 'Quyết định thử nghiệm số 1/QĐ-UBND (dữ liệu kiểm thử)');
  await submit(tinh, tinh.locator('#form-satisfaction button[type="submit"]'));
  assert.equal(await tinh.locator('#settings-error').count(), 0);
  assert.equal(await tinh.locator('#no-threshold').count(), 0);
  assert.match(await tinh.locator('main').innerText(), /90/);
  assert.match(await tinh.locator('main').innerText(), /Quyết định thử nghiệm số 1\/QĐ-UBND/);
  await shot(tinh, 'recognition-03-threshold');

  // 3. Survey: the commune officer creates a campaign for the set and year, opens it and
  // issues three codes; three citizens answer "satisfied"; the officer closes it.
  await xa.goto(`${server.url}/units/${COMMUNE}/surveys`);
  await submit(xa, xa.locator(`a[href="/units/${COMMUNE}/surveys/new"]`).first());
  await xa.fill('#s-title', `Lấy ý kiến sự hài lòng (thử nghiệm) năm ${YEAR}`);
  await xa.selectOption('#s-set', SET);
  await xa.fill('#s-year', String(YEAR));
  // Open since yesterday (Vietnam time), so citizens can answer right away.
  const yesterday = new Date(Date.now() + 7 * 3600 * 1000 - 86400 * 1000).toISOString().slice(0, 10);
  await xa.fill('#s-od', yesterday);
  await xa.fill('#s-ot', '00:00');
  await submit(xa, xa.locator('form.survey-form button[type="submit"]'));
  assert.equal(await xa.locator('#survey-errors').count(), 0, await xa.locator('main').innerText());
  const campaignUrl = xa.url().split('?')[0];
  assert.match(await text(xa.locator('main')), new RegExp(`${SET} · ${YEAR}`));
  await submit(xa, xa.locator('form[action$="/open"] button[type="submit"]'));
  assert.equal(await xa.locator('#survey-errors').count(), 0);
  await xa.locator('form[action$="/tokens"] input[name^="count."]').first().fill('3');
  await submit(xa, xa.locator('form[action$="/tokens"] button[type="submit"]'));
  const slips = xa.locator('.survey-token');
  assert.equal(await slips.count(), 3);
  const codes = [];
  for (let i = 0; i < 3; i++) {
    codes.push({ token: await slips.nth(i).getAttribute('data-token'), shown: await text(slips.nth(i)) });
  }
  const surveyCode = new URL(campaignUrl).pathname.split('/')[4];
  await shot(xa, 'recognition-04-slips');

  const citizen = await newPage({ width: 360, height: 740 }, { javaScriptEnabled: false, isMobile: true });
  for (const [i, c] of codes.entries()) {
    await citizen.goto(`${server.url}/s/${surveyCode}`);
    assert.equal(await citizen.locator('script:not([src^="/assets/survey-public.js"])').count(), 0);
    await citizen.locator('input[name="answer"][value="satisfied"]').check();
    // The code as printed on the slip (the first) or as stored.
    await citizen.fill('#token', i === 0 ? c.shown : c.token);
    if (i === 0) await shot(citizen, 'recognition-05-citizen-360');
    await submit(citizen, citizen.locator('form button[type="submit"]'));
    assert.match(new URL(citizen.url()).pathname, /\/cam-on$/, await citizen.locator('main').innerText());
  }
  const overflow = await citizen.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the survey page overflows a 360 px phone by ${overflow} px`);

  await xa.goto(campaignUrl);
  await submit(xa, xa.locator('form[action$="/close"] button[type="submit"]'));
  assert.equal(await xa.locator('#survey-errors').count(), 0);
  assert.match(await text(xa.locator('#survey-status')), /đóng/i);
  await xa.goto(`${campaignUrl}/results`);
  assert.match(await text(xa.locator('main')), /100/);
  await shot(xa, 'recognition-06-survey-results');

  // 4. The dossier. The commune officer opens it from the unit's list, dated after the fact.
  await xa.goto(`${server.url}/units/${COMMUNE}`);
  await submit(xa, xa.locator(`a[href="/units/${COMMUNE}/dossiers"]`).first());
  await xa.selectOption('#dn-kind', 'commune_ntm');
  await xa.selectOption('#dn-set', SET);
  await xa.fill('#dn-year', String(YEAR));
  // A date that does not exist: refused next to the form, what was typed kept.
  await xa.fill('#dn-date', '31/09/2026');
  await submit(xa, xa.locator(`form[action="/units/${COMMUNE}/dossiers"] button[type="submit"]`));
  assert.match(await text(xa.locator('#dossier-create-error')), /Ngày không hợp lệ/);
  assert.equal(await xa.inputValue('#dn-date'), '31/09/2026');
  assert.equal(await xa.inputValue('#dn-set'), SET);
  await xa.fill('#dn-date', DAY.opened);
  await submit(xa, xa.locator(`form[action="/units/${COMMUNE}/dossiers"] button[type="submit"]`));
  assert.match(new URL(xa.url()).pathname, /^\/dossiers\//, await xa.locator('main').innerText());
  assert.match(await text(xa.locator('#dossier-flash')), /Đã lập hồ sơ/);
  assert.match(await state(xa), /Đang chuẩn bị/);
  assert.match(await text(xa.locator('#dossier-threshold')), /90 %/);
  const dossierUrl = xa.url().split('?')[0];
  const id = new URL(dossierUrl).pathname.split('/')[2];

  await attach(xa, 'results_report', 'bao-cao-ket-qua.pdf');
  await act(xa, 'start_posting', { date: DAY.postingStart });
  assert.match(await state(xa), /Đang công khai/);
  assert.match(await history(xa), new RegExp(`Bắt đầu công khai.*xa\\.chauthanh.*${re(DAY.postingStart)}`));
  await act(xa, 'end_posting', { date: DAY.postingEnd });
  assert.match(await state(xa), /Sẵn sàng trình/);
  assert.match(await history(xa), new RegExp(`Kết thúc công khai.*${re(DAY.postingEnd)}`));
  for (const kind of SUBMISSION_DOCS) await attach(xa, kind, `${kind}.pdf`);
  await act(xa, 'submit', { date: DAY.submitted });
  assert.match(await state(xa), /Đã trình/);
  assert.match(await history(xa), new RegExp(`Trình hồ sơ.*${re(DAY.submitted)}`));
  assert.equal(await xa.locator('#dossier-no-actions').count(), 1, 'nothing left for the commune');
  await shot(xa, 'recognition-07-submitted');

  // The province officer is told, opens the dossier from the notification, attaches the
  // appraisal report, appraises it as passed, decides and publishes.
  await tinh.goto(`${server.url}/`);
  assert.match(await text(tinh.locator('#nav-unread')), /\d+/);
  await tinh.goto(`${server.url}/notifications`);
  const note = tinh.locator(`#notifications a[href="/dossiers/${id}"]`).first();
  assert.match(await text(tinh.locator('#notifications')), /Thẩm định/);
  await submit(tinh, note);
  assert.equal(tinh.url().split('?')[0].split('#')[0], dossierUrl);
  await attach(tinh, 'appraisal_report', 'bao-cao-tham-dinh.pdf');
  await act(tinh, 'appraise_pass', { date: DAY.appraised });
  assert.match(await state(tinh), /Đã thẩm định/);
  assert.match(await history(tinh), new RegExp(`Thẩm định: đạt.*tinh\\.vinhlong.*${re(DAY.appraised)}`));
  await act(tinh, 'decide', {
    number: '123/QĐ-UBND', decision_date: DAY.decided,
    signer: 'Nguyễn Văn A, Chủ tịch UBND tỉnh (dữ liệu thử)', date: DAY.decided,
  });
  assert.match(await state(tinh), /Đã công nhận/);
  const decisionText = await text(tinh.locator('header.unit-head'));
  assert.match(decisionText, /123\/QĐ-UBND/);
  assert.match(decisionText, new RegExp(re(DAY.decided)));
  assert.match(decisionText, /Nguyễn Văn A/);
  assert.match(await history(tinh), new RegExp(`Quyết định công nhận.*${re(DAY.decided)}`));
  await shot(tinh, 'recognition-08-decided');
  assert.deepEqual(await axeSerious(tinh), [], 'axe on the dossier page after the decision');

  // The commune officer, on a phone, is told of the decision and sees it.
  const phone = await newPage({ width: 360, height: 780 }, { bypassCSP: true });
  await login(phone, 'xa.chauthanh');
  await phone.goto(`${server.url}/notifications`);
  const told = await text(phone.locator('#notifications'));
  assert.match(told, /Quyết định công nhận/);
  assert.ok(await phone.locator(`#notifications a[href="/dossiers/${id}"]`).count() > 0);
  await shot(phone, 'recognition-09-notifications-phone');
  await phone.goto(dossierUrl);
  assert.match(await state(phone), /Đã công nhận/);
  assert.match(await text(phone.locator('header.unit-head')), /123\/QĐ-UBND/);
  const phoneOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(phoneOverflow <= 1, `the dossier page overflows a 360 px screen by ${phoneOverflow} px`);
  await shot(phone, 'recognition-10-decided-phone');
  assert.deepEqual(await axeSerious(phone), [], 'axe on the dossier page at 360 px');

  await act(tinh, 'publish', { date: DAY.published });
  assert.match(await state(tinh), /Đã công bố/);
  assert.match(await history(tinh), new RegExp(`Công bố.*${re(DAY.published)}`));

  // Revocation needs a reason; with one, the dossier is revoked and its history kept.
  assert.equal(await tinh.locator('form#act-revoke textarea[name="reason"]').getAttribute('required'), '');
  await act(tinh, 'revoke', { reason: 'Kiểm thử: xã không còn đáp ứng tiêu chí 2.1 sau kiểm tra', date: DAY.revoked });
  assert.match(await state(tinh), /Đã thu hồi/);
  const h = await history(tinh);
  assert.match(h, /Thu hồi quyết định.*Kiểm thử: xã không còn đáp ứng tiêu chí 2\.1/);
  for (const step of ['Bắt đầu công khai', 'Kết thúc công khai', 'Trình hồ sơ', 'Thẩm định: đạt', 'Quyết định công nhận', 'Công bố']) {
    assert.match(h, new RegExp(step), `history keeps ${step}`);
  }
  assert.equal(await tinh.locator('#dossier-no-actions').count(), 1, 'nothing left after revocation');
  await shot(tinh, 'recognition-11-revoked');

  await phone.goto(`${server.url}/notifications`);
  assert.match(await text(phone.locator('#notifications')), /Thu hồi/);

  for (const p of pages) assert.deepEqual(p.foreign, [], 'no request to another host');
  console.log(`recognition journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
