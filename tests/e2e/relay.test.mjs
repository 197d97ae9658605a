// End-to-end: the console in Debian Chromium (driven by playwright-core) through the nginx CORS relay
// (relay/nginx.conf.template) to the local IoT Wireless endpoint running WITHOUT CORS, like AWS.
//
// Needs: FUOTA_SITE, the origin serving dist/ (scripts/test.sh sets it; by hand:
//   target/debug/fuota-local --api 127.0.0.1:0 --site dist --site-addr 127.0.0.1:0 --ready-file /tmp/site.json
//   FUOTA_SITE=$(python3 -c 'import json; print(json.load(open("/tmp/site.json"))["site"])') node --test tests/e2e/relay.test.mjs
// ), nginx and target/debug/fuota-local. Everything else this file starts itself: `tests/relay/run.sh
// --serve READY --origin <origin of FUOTA_SITE>` (the endpoint with --no-cors and nginx in front of it,
// Host = api.iotwireless.us-east-1.amazonaws.com), read from READY's JSON, stopped with SIGTERM in
// `after` (run.sh also stops by itself if this process dies). FUOTA_API is not used.
//
// What it proves:
// 1. With the endpoint field EMPTY and the relay from the deep link, the console signs for
//    https://api.iotwireless.us-east-1.amazonaws.com and sends to the relay; the endpoint's SigV4 check
//    (with the signed Host) passes and the task is shown. No request leaves the browser for anywhere
//    but the site and the relay; no request (URL, headers, body) carries the secret key.
// 2. Straight to the CORS-less endpoint (endpoint field = its URL, relay cleared), the browser blocks
//    the answer and the console shows NetworkError naming CORS.
// 3. No file the relay or the endpoint wrote (access and error logs, config, temp dirs, the endpoint's
//    request log) holds the secret key, raw or URL-encoded. The one file that must hold it, the endpoint's
//    banner listing its own public demo credentials, is the positive control of that scan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { confirmEndpoint, launchChromium } from './chromium.mjs';

const SITE = process.env.FUOTA_SITE;
const RUN_SH = new URL('../relay/run.sh', import.meta.url).pathname;
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
const ACCESS_KEY_ID = 'ASIADEMOLOCALENDPOINT';
const SECRET = 'demo/local/endpoint/secret/key/not/a/real/one';
const SESSION_TOKEN = 'demo-local-session-token';
const TASK = 'demo-in-session';
const AWS_HOST = 'api.iotwireless.us-east-1.amazonaws.com';
// The secret as it would appear if it leaked into a URL, a log line or a header.
const SECRET_FORMS = [SECRET, encodeURIComponent(SECRET), SECRET.replaceAll('/', '%2f')];

let browser;
let relayProc;
let relayOutput = '';
let tmp;
let ready; // run.sh's READY_JSON: relay, endpoint, dir, relay_access_log, relay_error_log, endpoint_log, endpoint_banner

const siteOrigin = () => new URL(SITE).origin;
const hasSecret = (text) => SECRET_FORMS.some((s) => text.includes(s));

before(async () => {
  assert.ok(SITE, 'FUOTA_SITE (the origin serving dist/): run through scripts/test.sh, or see the top of this file');
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'fuota-relay-e2e-'));
  const readyPath = join(tmp, 'relay-ready.json');
  relayProc = spawn(RUN_SH, ['--serve', readyPath, '--origin', siteOrigin()], { stdio: ['ignore', 'pipe', 'pipe'] });
  relayProc.stdout.on('data', (d) => { relayOutput += d; });
  relayProc.stderr.on('data', (d) => { relayOutput += d; });
  const exited = new Promise((resolve) => relayProc.once('exit', (code, signal) => resolve({ code, signal })));
  // run.sh writes the file atomically (rename), so it is complete once it exists.
  const deadline = Date.now() + 30_000;
  while (!existsSync(readyPath)) {
    const gone = await Promise.race([exited, sleep(100).then(() => null)]);
    assert.equal(gone, null, `tests/relay/run.sh --serve exited before it was ready (${JSON.stringify(gone)}):\n${relayOutput}`);
    assert.ok(Date.now() < deadline, `tests/relay/run.sh --serve not ready in 30 s:\n${relayOutput}`);
  }
  ready = JSON.parse(readFileSync(readyPath, 'utf8'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (ready) {
    // Keep what the relay and the endpoint logged (the logs, never the banner) for a failed CI run.
    for (const [key, name] of [['relay_access_log', 'relay-access.log'], ['relay_error_log', 'relay-nginx.log'], ['endpoint_log', 'relay-endpoint.log']]) {
      try { copyFileSync(ready[key], join(ARTIFACTS, name)); } catch { /* not written */ }
    }
  }
  if (relayProc && relayProc.exitCode === null && relayProc.signalCode === null) {
    const exited = new Promise((resolve) => relayProc.once('exit', resolve));
    relayProc.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) relayProc.kill('SIGKILL');
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// A page whose errors, console messages and every request (URL, all headers as sent, body) are kept.
async function openConsole(url) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  const requests = [];
  const record = (r) => requests.push((async () => ({
    method: r.method(), url: r.url(), headers: await r.allHeaders().catch(() => r.headers()), body: r.postData() ?? '',
    status: (await r.response().catch(() => null))?.status() ?? null, failure: r.failure()?.errorText ?? null,
  }))());
  page.on('requestfinished', record);
  page.on('requestfailed', record);
  await page.goto(url);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  return { page, problems, requests: async () => Promise.all(requests) };
}

async function fillCredentials(page) {
  await page.fill('[name=access-key-id]', ACCESS_KEY_ID);
  await page.fill('[name=secret-access-key]', SECRET);
  await page.fill('[name=session-token]', SESSION_TOKEN);
}

// The endpoint and relay inputs sit in the <details> "Endpoint", closed by default.
async function openEndpointDetails(page) {
  const details = page.locator('details', { has: page.locator('[name=relay]') });
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
}

const readText = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

// Waits until a log file has a line matching re (nginx writes a request's line when it is done).
async function waitForLine(path, re, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const line = readText(path).split('\n').find((l) => re.test(l));
    if (line || Date.now() > deadline) return line;
    await sleep(100);
  }
}

function assertNoSecretInRequests(requests) {
  for (const r of requests) {
    assert.ok(!hasSecret(r.url), `secret in the URL of ${r.method} ${r.url}`);
    assert.ok(!hasSecret(r.body), `secret in the body of ${r.method} ${r.url}`);
    for (const [name, value] of Object.entries(r.headers)) {
      assert.ok(!hasSecret(name) && !hasSecret(value), `secret in header ${name} of ${r.method} ${r.url}`);
    }
  }
}

test('through the relay: signed for the AWS host, sent to the relay, the task comes back', { timeout: 60_000 }, async () => {
  const url = `${SITE}/?region=us-east-1&task-id=${TASK}&relay=${encodeURIComponent(ready.relay)}`;
  const { page, problems, requests } = await openConsole(url);
  assert.equal(await page.inputValue('[name=relay]'), ready.relay, 'the deep link fills the relay URL');
  assert.equal(await page.inputValue('[name=endpoint]'), '', 'the endpoint stays empty: signed for the AWS host');
  assert.equal(await page.inputValue('[name=task-id]'), TASK);
  await fillCredentials(page);
  const taskUrl = `${ready.relay}/fuota-tasks/${TASK}`;
  // Registered after openConsole's recorder, so once this resolves the GET has been recorded.
  const gotTask = page.waitForEvent('requestfinished', { predicate: (r) => r.method() === 'GET' && r.url() === taskUrl, timeout: 30_000 });
  gotTask.catch(() => {}); // awaited below; a failure before that is reported by the lines that follow
  await page.click('form.query:not([data-static]) button[type=submit]');
  const shown = await page.waitForSelector(`[data-field=Id][data-value=${TASK}], [data-error-code]`, { timeout: 20_000 });
  const code = await shown.getAttribute('data-error-code');
  assert.equal(code, null, `the console failed: ${code}: ${await shown.textContent()}\n${problems.join('\n')}`);
  await gotTask;
  assert.equal(await page.getAttribute('[data-field=Status]', 'data-value'), 'In_FuotaSession');
  assert.equal(await page.getAttribute('.result', 'aria-busy'), 'false');
  await page.screenshot({ path: `${ARTIFACTS}relay.png`, fullPage: true });

  // The browser talked to the site and the relay only: never to AWS, never to the endpoint directly.
  const all = await requests();
  const relayOrigin = new URL(ready.relay).origin;
  for (const r of all.filter((r) => /^https?:/.test(r.url))) {
    const origin = new URL(r.url).origin;
    assert.ok(origin === siteOrigin() || origin === relayOrigin, `unexpected request to ${r.url}`);
  }
  const get = all.find((r) => r.method === 'GET' && r.url === taskUrl);
  assert.ok(get, `no GET to the relay among:\n${all.map((r) => `${r.method} ${r.url}`).join('\n')}`);
  assert.equal(get.status, 200);
  // What the relay sees: the signature (for the AWS host's region and service) and the session token.
  assert.match(get.headers.authorization ?? '', new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/us-east-1/iotwireless/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`));
  assert.equal(get.headers['x-amz-security-token'], SESSION_TOKEN);
  assertNoSecretInRequests(all);

  // The relay relayed it (preflight answered by nginx, GET forwarded and answered 200 by the endpoint).
  const origin = siteOrigin();
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.ok(await waitForLine(ready.relay_access_log, new RegExp(`"OPTIONS /fuota-tasks/${TASK}" 204 .* origin="${esc(origin)}" upstream=-`)),
    `no preflight in the relay's access log:\n${readText(ready.relay_access_log)}`);
  assert.ok(await waitForLine(ready.relay_access_log, new RegExp(`"GET /fuota-tasks/${TASK}" 200 .* origin="${esc(origin)}" upstream=200 rid=[0-9a-f-]{36}`)),
    `no relayed GET in the relay's access log:\n${readText(ready.relay_access_log)}`);
  assert.ok(await waitForLine(ready.endpoint_log, new RegExp(`^GET /fuota-tasks/${TASK} -> 200$`)),
    `the endpoint did not answer 200:\n${readText(ready.endpoint_log)}`);
  assert.ok(!/OPTIONS/.test(readText(ready.endpoint_log)), 'the relay must answer preflights itself');

  assert.ok(!hasSecret(await page.content()), 'secret in DOM markup');
  assert.deepEqual(problems, []);
  await page.close();
});

test('straight to the endpoint without CORS: the browser blocks it, the console says CorsBlocked and why', { timeout: 60_000 }, async (t) => {
  const accessLogBefore = readText(ready.relay_access_log);
  const url = `${SITE}/?region=us-east-1&task-id=${TASK}&relay=${encodeURIComponent(ready.relay)}`;
  const { page, problems, requests } = await openConsole(url);
  await openEndpointDetails(page);
  await page.fill('[name=endpoint]', ready.endpoint);
  await page.fill('[name=relay]', '');
  await fillCredentials(page);
  await page.click('form.query:not([data-static]) button[type=submit]');
  // Three attempts with backoff (about 3 s in all) before the error shows.
  const error = await page.waitForSelector('[data-error-code=CorsBlocked]', { timeout: 20_000 });
  assert.match(await error.textContent(), /CORS/);
  await page.screenshot({ path: `${ARTIFACTS}relay-direct-cors.png`, fullPage: true });

  // The request went to the endpoint (which answered the preflight without CORS headers), not the relay.
  assert.ok(await waitForLine(ready.endpoint_log, /^OPTIONS \/fuota-tasks\/demo-in-session -> /),
    `the endpoint saw no preflight:\n${readText(ready.endpoint_log)}`);
  assert.equal(readText(ready.relay_access_log), accessLogBefore, 'the relay was used although it was cleared');
  const all = await requests();
  const toEndpoint = all.filter((r) => r.url.startsWith(`${ready.endpoint}/`));
  const signedOnes = toEndpoint.filter((r) => r.headers.authorization);
  assert.ok(signedOnes.length >= 1 && signedOnes.every((r) => r.failure), 'the signed requests to the endpoint must fail in the browser');
  // The console's probe: one plain no-cors GET, unsigned, whose opaque answer shows the host is up.
  const probes = toEndpoint.filter((r) => r.method === 'GET' && !r.headers.authorization);
  assert.ok(probes.length >= 1 && probes.every((r) => !r.headers['x-amz-security-token']), 'a no-cors probe without credentials');
  assertNoSecretInRequests(all);

  // Chromium itself reports every blocked fetch on the console: "Access to fetch at '<endpoint>/…' from
  // origin '<site>' has been blocked by CORS policy: …" and "Failed to load resource: net::ERR_FAILED".
  // Those are this test's expected outcome; anything else is a problem.
  // The probe's unsigned GET is answered 403 (no signature), which Chromium logs too.
  const expected = (p) => p.startsWith('console: ')
    && ((p.includes(`Access to fetch at '${ready.endpoint}/fuota-tasks/${TASK}'`) && p.includes('blocked by CORS policy'))
      || p === 'console: Failed to load resource: net::ERR_FAILED'
      || p === 'console: Failed to load resource: the server responded with a status of 403 (Forbidden)');
  assert.ok(problems.some(expected), `Chromium reported no CORS block: ${JSON.stringify(problems)}`);
  t.diagnostic(`expected console errors from Chromium's CORS block: ${problems.length}, e.g. ${problems[0]}`);
  assert.deepEqual(problems.filter((p) => !expected(p)), []);
  await page.close();
});

test('the secret key is in no file the relay or the endpoint wrote', () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) files.push(path);
    }
  };
  walk(ready.dir);
  // Positive control: the endpoint's banner lists its own demo credentials, so the scan can see them.
  assert.ok(files.includes(ready.endpoint_banner) && hasSecret(readText(ready.endpoint_banner)), 'the scan would not find the secret');
  for (const must of [ready.relay_access_log, ready.relay_error_log, ready.endpoint_log]) {
    assert.ok(files.includes(must), `${must} not written`);
  }
  assert.match(readText(ready.relay_access_log), /"GET \/fuota-tasks\//);
  const scanned = files.filter((f) => f !== ready.endpoint_banner);
  for (const f of scanned) {
    assert.ok(!hasSecret(readFileSync(f).toString('latin1')), `the secret key is in ${f}`);
  }
  // The session token and the signature are what the relay does see; its log keeps neither.
  assert.ok(!readText(ready.relay_access_log).includes(SESSION_TOKEN), 'session token in the access log');
  assert.ok(!/Signature=|AWS4-HMAC-SHA256/.test(readText(ready.relay_access_log)), 'signature in the access log');
});
