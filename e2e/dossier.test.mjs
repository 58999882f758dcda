// An officer moves a recognition dossier through every step the demo allows (issue 5):
// the commune officer opens it with the form, attaches documents, posts the report
// publicly, ends the posting and submits; the province officer, told by an in-app
// notification, tries to appraise it as passed and gets the plain refusal (no survey result,
// no confirmed satisfaction threshold for communes, criteria not met on verified data),
// then returns it with a reason; the commune officer is told. Screenshots at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, axeSerious } from './lib.mjs';

let server;
let browser;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const SUBMISSION_DOCS = [
  'submission_letter', 'results_report', 'comments_summary',
  'satisfaction_report', 'meeting_minutes', 'capital_debt_report',
];

before(async () => {
  server = await startServer({ args: ['demo'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', bypassCSP: true });
  const page = await context.newPage();
  page.foreign = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:')) page.foreign.push(u);
  });
  return page;
}

async function login(page, username) {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', 'demo-ntm-2026');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/login"] button[type="submit"]').click()]);
  assert.equal(new URL(page.url()).pathname, '/', `login of ${username}`);
}

/** dd/mm/yyyy of today (Vietnam) minus `days`. */
function daysAgo(days) {
  const d = new Date(Date.now() + 7 * 3600 * 1000 - days * 86400 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return { vi: `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`, iso: d.toISOString().slice(0, 10) };
}

async function act(page, action, fields = {}) {
  const form = page.locator(`form#act-${action}`);
  for (const [name, value] of Object.entries(fields)) {
    await form.locator(`[name="${name}"]`).fill(value);
  }
  await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
}

async function attach(page, kind, name) {
  await page.selectOption('#doc-kind', kind);
  await page.setInputFiles('#doc-file', { name, mimeType: 'application/pdf', buffer: PDF });
  await Promise.all([page.waitForNavigation(), page.locator('#upload-form button[type="submit"]').click()]);
  assert.match(await page.locator('#dossier-flash').innerText(), /Đã đính kèm/);
}

test('officers move a dossier through the steps the demo allows', async () => {
  const xa = await newPage();
  await login(xa, 'xa.chauthanh');

  // The list of the commune, from the unit page, and the form to open a dossier.
  await xa.goto(`${server.url}/units/29374`);
  await Promise.all([xa.waitForNavigation(), xa.locator('a[href="/units/29374/dossiers"]').first().click()]);
  await xa.selectOption('#dn-kind', 'commune_ntm');
  await xa.selectOption('#dn-set', 'xa-ntm-2021-2025');
  await xa.fill('#dn-year', '2024');
  await Promise.all([xa.waitForNavigation(), xa.locator('form[action="/units/29374/dossiers"] button').click()]);
  assert.match(new URL(xa.url()).pathname, /^\/dossiers\//);
  assert.match(await xa.locator('#dossier-flash').innerText(), /Đã lập hồ sơ/);
  assert.match(await xa.locator('#dossier-threshold').innerText(), /Chưa có ngưỡng tỷ lệ hài lòng/);
  await shot(xa, 'dossier-01-opened');

  // A second dossier dated 60 days ago (through the API, as pages open it today), so the
  // 15-day public posting can be over.
  const cookies = await xa.context().cookies();
  const csrf = cookies.find((c) => c.name === 'ntm_csrf').value;
  const start = daysAgo(60);
  const res = await xa.request.post(`${server.url}/api/v1/dossiers`, {
    headers: { 'x-csrf-token': csrf },
    data: { unit: '29374', set: 'xa-ntm-2021-2025', year: 2024, date: start.iso },
  });
  assert.equal(res.status(), 201, await res.text());
  const id = (await res.json()).id;
  const url = `${server.url}/dossiers/${id}`;
  await xa.goto(url);

  // Posting without the results report: refused next to the form, the date kept.
  await act(xa, 'start_posting', { date: start.vi });
  assert.match(await xa.locator('#error-start_posting').innerText(), /thiếu tài liệu/);
  assert.equal(await xa.locator('form#act-start_posting [name="date"]').inputValue(), start.vi);
  await shot(xa, 'dossier-02-refused-missing-document');

  await attach(xa, 'results_report', 'bao-cao-ket-qua.pdf');
  await act(xa, 'start_posting', { date: start.vi });
  assert.match(await xa.locator('#dossier-state').innerText(), /công khai/);
  await act(xa, 'end_posting', { date: daysAgo(25).vi });
  assert.match(await xa.locator('#dossier-state').innerText(), /Sẵn sàng trình/);
  for (const kind of SUBMISSION_DOCS.filter((k) => k !== 'results_report')) {
    await attach(xa, kind, `${kind}.pdf`);
  }
  await act(xa, 'submit', { date: daysAgo(20).vi });
  assert.match(await xa.locator('#dossier-state').innerText(), /Đã trình/);
  await shot(xa, 'dossier-03-submitted');
  assert.deepEqual(await axeSerious(xa), []);

  // The province officer is told and opens the dossier from the notification.
  const tinh = await newPage();
  await login(tinh, 'tinh.vinhlong');
  assert.match(await tinh.locator('#nav-unread').innerText(), /\d+/);
  await tinh.goto(`${server.url}/notifications`);
  await shot(tinh, 'dossier-04-notifications-province');
  await Promise.all([tinh.waitForNavigation(), tinh.locator(`#notifications a[href="/dossiers/${id}"]`).first().click()]);
  // Without its report the appraisal cannot pass; with it, it is refused plainly because
  // the recognition conditions are not met.
  await act(tinh, 'appraise_pass');
  assert.match(await tinh.locator('#error-appraise_pass').innerText(), /thiếu tài liệu: Báo cáo thẩm định/);
  await attach(tinh, 'appraisal_report', 'bao-cao-tham-dinh.pdf');
  await act(tinh, 'appraise_pass');
  const refusal = await tinh.locator('#error-appraise_pass').innerText();
  assert.match(refusal, /chưa đạt đầy đủ các tiêu chí|hài lòng/);
  await shot(tinh, 'dossier-05-appraisal-refused');
  // A return needs a reason.
  await act(tinh, 'appraise_return', { reason: 'Bổ sung biên bản họp có chữ ký và kết quả lấy ý kiến người dân' });
  assert.match(await tinh.locator('#dossier-state').innerText(), /Đang chuẩn bị/);
  assert.match(await tinh.locator('#dossier-history').innerText(), /tinh\.vinhlong/);
  await shot(tinh, 'dossier-06-returned');

  // The commune officer sees the return among the notifications, on a phone.
  const phone = await newPage({ width: 360, height: 780 });
  await login(phone, 'xa.chauthanh');
  await phone.goto(`${server.url}/notifications`);
  assert.match(await phone.locator('#notifications').innerText(), /trả hồ sơ/);
  await shot(phone, 'dossier-07-notifications-phone');
  await phone.goto(url);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the dossier page overflows a 360 px screen by ${overflow} px`);
  assert.match(await phone.locator('body').innerText(), /Bổ sung biên bản họp/);
  await shot(phone, 'dossier-08-returned-phone');

  // The province's procedure settings page (threshold still missing).
  await tinh.goto(`${server.url}/units/86/procedure-settings`);
  assert.match(await tinh.locator('#no-threshold').innerText(), /Chưa có ngưỡng/);
  await shot(tinh, 'dossier-09-province-settings');

  for (const p of [xa, tinh, phone]) assert.deepEqual(p.foreign, []);
});
