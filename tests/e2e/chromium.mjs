// What the end-to-end tests share: the environment scripts/test.sh sets, Debian's Chromium (never
// a downloaded browser: as root without the sandbox, and without the background traffic this closed
// network refuses), and a page that records what went wrong in it.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, openSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const SITE = process.env.FUOTA_SITE;
export const API = process.env.FUOTA_API;
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

/** A file for the log (standard error) of an endpoint a test file starts for itself: when the
 * end-to-end tests fail, scripts/test.sh prints what each such endpoint saw last, as it does for
 * the shared one (a failure seen only in CI leaves no other trace once its folder is gone). */
export function endpointLog(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return openSync(`${ARTIFACTS}${name}.endpoint.log`, 'w');
}

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Starts one browser for the test file; returns a getter for it. */
export function useBrowser({ needsApi = true } = {}) {
  let browser;
  before(async () => {
    assert.ok(SITE && (API || !needsApi), 'FUOTA_SITE and FUOTA_API: run through scripts/test.sh');
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => { await browser?.close(); });
  return () => browser;
}

/** Records page errors, console errors and every console line of `page`. */
export function watch(page) {
  const seen = { problems: [], logs: [] };
  page.on('pageerror', (e) => seen.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    seen.logs.push(m.text());
    if (m.type() === 'error') seen.problems.push(`console: ${m.text()}`);
  });
  return seen;
}

/**
 * A deep link's (or storage's) endpoint waits for the user's word before any request leaves for
 * it: the tests that open the console with `?endpoint=` give it, as a user would, once per load.
 */
export async function confirmEndpoint(page) {
  // The destination's notice arrives with its part, a moment after the form.
  await page.waitForSelector('[data-destination-checked]', { state: 'attached' });
  const confirm = await page.$('[data-action=confirm-endpoint]');
  if (confirm) await confirm.click();
}

const DEMO_SECRET = 'demo/local/endpoint/secret/key/not/a/real/one';
const DEMO_TOKEN = 'demo-local-session-token';

/** The demo's secret key and session token are in no URL, DOM markup, console line or storage. */
export async function assertNoSecret(page, logs) {
  const html = await page.content();
  for (const secret of [DEMO_SECRET, DEMO_TOKEN]) {
    assert.ok(!page.url().includes(secret), 'secret in URL');
    assert.ok(!html.includes(secret), 'secret in DOM markup');
    assert.ok(!logs.some((l) => l.includes(secret)), 'secret in console');
  }
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes(DEMO_SECRET) && !stored.includes(DEMO_TOKEN), 'secret in storage');
}
