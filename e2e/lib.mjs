// Helpers for the end-to-end tests: start `ntm demo` on a free port in a fresh data
// folder, and launch Debian's Chromium headless with the flags this machine needs.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync, deflateRawSync, crc32 } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const screenshotDir = join(here, 'screenshots');
mkdirSync(screenshotDir, { recursive: true });

const ntmBin = () => process.env.NTM_BIN ?? join(here, '..', 'target', 'debug', 'ntm');

/**
 * Runs one `ntm` command on a data folder (e.g. `user add` before the server starts);
 * `input` is its standard input. Returns what it printed.
 */
export function runNtm(dataDir, args, input = '') {
  return execFileSync(ntmBin(), [...args, '--data-dir', dataDir], {
    input, env: { ...process.env, RUST_LOG: 'warn' }, encoding: 'utf8',
  });
}

/**
 * Starts `ntm demo` (or another subcommand) and resolves once it prints its URL.
 * `prepare(dataDir)` runs first (e.g. `runNtm(dataDir, ['user', 'add', …])`).
 */
export async function startServer({ args = ['demo'], env = {}, prepare } = {}) {
  const bin = ntmBin();
  const dataDir = mkdtempSync(join(tmpdir(), 'ntm-e2e-'));
  if (prepare) prepare(dataDir);
  const child = spawn(bin, [...args, '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    // The boundary files are read at run time from the repository's data folder.
    env: { ...process.env, RUST_LOG: 'warn', NTM_REFERENCE_DATA: join(here, '..', 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s\n${out}\n${err}`)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/running at (http:\/\/[0-9.:]+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}\n${out}\n${err}`)); });
  });
  return {
    url,
    dataDir,
    output: () => out,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headless Debian Chromium with the flags the closed network of this machine needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.NTM_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Saves a screenshot under e2e/screenshots/NAME.png. */
export async function shot(page, name) {
  // caret: 'initial' — hiding the caret injects a style element, which our CSP rightly blocks.
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true, caret: 'initial' });
}

const axeSource = join(here, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) on the page and returns the violations of impact
 * "serious" or "critical". The page's context must be created with `bypassCSP: true`:
 * our Content-Security-Policy forbids the injected script, as it should.
 */
export async function axeSerious(page) {
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/**
 * Returns a copy of a zip file (an XLSX) whose entry `name` is replaced by `edit(text)`:
 * a small writer so that a test can change a cell of a downloaded workbook, as a person
 * would in Excel, without another dependency. Entries are re-written deflated.
 */
export function editZipEntry(zip, name, edit) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const locals = [];
  const centrals = [];
  let offset = 0;
  let found = false;
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    let method = zip.readUInt16LE(p + 10);
    let crc = zip.readUInt32LE(p + 16);
    let csize = zip.readUInt32LE(p + 20);
    let usize = zip.readUInt32LE(p + 24);
    const n = zip.readUInt16LE(p + 28);
    const e = zip.readUInt16LE(p + 30);
    const c = zip.readUInt16LE(p + 32);
    const lho = zip.readUInt32LE(p + 42);
    const nameBuf = zip.subarray(p + 46, p + 46 + n);
    const dataStart = lho + 30 + zip.readUInt16LE(lho + 26) + zip.readUInt16LE(lho + 28);
    let data = zip.subarray(dataStart, dataStart + csize);
    if (nameBuf.toString('utf8') === name) {
      const text = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
      const raw = Buffer.from(edit(text), 'utf8');
      data = deflateRawSync(raw);
      method = 8;
      crc = crc32(raw);
      csize = data.length;
      usize = raw.length;
      found = true;
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(zip.readUInt16LE(p + 8) & ~0x8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(zip.readUInt32LE(p + 12), 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(csize, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(n, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.from(zip.subarray(p, p + 46 + n + e + c));
    central.writeUInt16LE(central.readUInt16LE(8) & ~0x8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(csize, 20);
    central.writeUInt32LE(usize, 24);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central);
    offset += 30 + n + data.length;
    p += 46 + n + e + c;
  }
  if (!found) throw new Error(`no entry ${name} in the zip file`);
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
