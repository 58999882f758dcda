// Helpers for the end-to-end tests: start `ntm demo` on a free port in a fresh data
// folder, and launch Debian's Chromium headless with the flags this machine needs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const screenshotDir = join(here, 'screenshots');
mkdirSync(screenshotDir, { recursive: true });

/** Starts `ntm demo` (or another subcommand) and resolves once it prints its URL. */
export async function startServer({ args = ['demo'], env = {} } = {}) {
  const bin = process.env.NTM_BIN ?? join(here, '..', 'target', 'debug', 'ntm');
  const dataDir = mkdtempSync(join(tmpdir(), 'ntm-e2e-'));
  const child = spawn(bin, [...args, '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    env: { ...process.env, RUST_LOG: 'warn', ...env },
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
