// End-to-end: the release build in Debian Chromium (driven by playwright-core) against the real
// local endpoint. Run by scripts/test.sh, which serves dist/ and the endpoint and sets
// FUOTA_SITE / FUOTA_API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API, ARTIFACTS, SITE, confirmEndpoint, useBrowser, watch } from './chromium.mjs';

const DEMO_SECRET = 'demo/local/endpoint/secret/key/not/a/real/one';
const DEMO_TOKEN = 'demo-local-session-token';

const browser = useBrowser();

async function openDemo() {
  const page = await browser().newPage({ viewport: { width: 1200, height: 1100 } });
  const { problems, logs } = watch(page);
  await page.goto(`${SITE}/?demo&endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  return { page, problems, logs };
}

const dataValue = (page, sel) => page.getAttribute(sel, 'data-value');

test('the whole user path: pre-filled demo, fetch, task rendered, counts follow the firmware size', async () => {
  const { page, problems, logs } = await openDemo();
  assert.equal(await page.inputValue('[name=access-key-id]'), 'ASIADEMOLOCALENDPOINT');
  assert.equal(await page.inputValue('[name=endpoint]'), API);

  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  assert.equal(await dataValue(page, '[data-field=Status]'), 'In_FuotaSession');
  assert.equal(await dataValue(page, '[data-field="LoRaWAN.StartTime"]'), '2026-11-26T08:00:00.250Z');
  assert.equal(await dataValue(page, '[data-field=CreatedAt]'), '2025-11-24T08:00:00.500Z');
  assert.equal(await dataValue(page, '[data-field=FragmentSizeBytes]'), '50');
  assert.match(await page.textContent('[data-field=Descriptor]'), /v2\.4\.1\+build\.77/);
  assert.equal(await page.getAttribute('.result', 'aria-busy'), 'false');

  // The task's values (50 B, 25 %, 1000 ms) with the default 995 B firmware: 20 + 5 = 25 fragments.
  assert.equal(await dataValue(page, '[data-calc=total-fragments]'), '25');
  // Typing a firmware size moves the counts: 102400 B / 50 B = 2048 data, 512 redundant.
  await page.fill('[name=firmware-size]', '102400');
  assert.equal(await dataValue(page, '[data-calc=data-fragments]'), '2048');
  assert.equal(await dataValue(page, '[data-calc=redundant-fragments]'), '512');
  assert.equal(await dataValue(page, '[data-calc=total-fragments]'), '2560');
  assert.equal(await dataValue(page, '[data-calc=padding-bytes]'), '0');
  assert.equal(await dataValue(page, '[data-calc=session-seconds]'), '2560');
  await page.screenshot({ path: `${ARTIFACTS}console.png`, fullPage: true });

  // Secrets: not in the URL, not in the markup, not in the console.
  const html = await page.content();
  for (const secret of [DEMO_SECRET, DEMO_TOKEN]) {
    assert.ok(!page.url().includes(secret), 'secret in URL');
    assert.ok(!html.includes(secret), 'secret in DOM markup');
    assert.ok(!logs.some((l) => l.includes(secret)), 'secret in console');
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('an error path: an unknown task shows the service code, a sentence and the request id', async () => {
  const { page, problems } = await openDemo();
  await page.evaluate(() => {
    window.__events = [];
    for (const type of ['fuota-task-loaded', 'fuota-task-error']) {
      document.addEventListener(type, (e) => window.__events.push(`${type} ${e.detail.Id ?? e.detail.code}`));
    }
  });
  await page.fill('[name=task-id]', 'no-such-task');
  await page.click('button[type=submit]');
  const error = await page.waitForSelector('[data-error-code=ResourceNotFoundException]');
  assert.match(await error.textContent(), /check the task id and the region/);
  const requestId = await page.getAttribute('[data-request-id]', 'data-request-id');
  assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
  await page.screenshot({ path: `${ARTIFACTS}error.png`, fullPage: true });
  // The page stays usable: the next request works.
  await page.fill('[name=task-id]', 'demo-pending');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-pending]');
  // A form error is an event too; then a valid submit does not replay the old answer's event.
  await page.fill('[name=task-id]', '');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-error-code=InvalidInput]');
  await page.fill('[name=task-id]', 'demo-done');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-done]');
  assert.deepEqual(await page.evaluate(() => window.__events), [
    'fuota-task-error ResourceNotFoundException',
    'fuota-task-loaded demo-pending',
    'fuota-task-error InvalidInput',
    'fuota-task-loaded demo-done',
  ], 'one event per answer');
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await page.close();
});

test('the planner: limits, fit per data rate, time, loss tolerance, pictures, and a firmware file read in the page', async () => {
  const { page, problems } = await openDemo();
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  assert.equal(await page.inputValue('[name=rf-region]'), 'EU868');
  // 50 B + 3 B header: too large for EU868 DR0–DR2 (51 B), fits DR3 and up.
  assert.equal(await page.getAttribute('tr[data-dr="0"]', 'data-fits'), 'false');
  assert.equal(await page.getAttribute('tr[data-dr="3"]', 'data-fits'), 'true');
  assert.equal(await page.getAttribute('[data-bytes-on-air]', 'data-bytes-on-air'), String(25 * 53));
  assert.equal(await page.getAttribute('[data-loss-tolerance]', 'data-loss-tolerance'), '5');
  // 25 fragments × 1 s after 2026-11-26T08:00:00.250Z.
  assert.equal(await page.getAttribute('[data-session-end]', 'data-session-end'), '2026-11-26T08:00:25.250Z');
  assert.equal(await page.$$eval('figure.bar rect', (r) => r.length), 3);

  // The campaign view reads the group's session (Class C, DR3 on 869.525 MHz, 4096 s): the
  // planner takes it, and the demo task breaks the 10 % duty cycle of that sub-band.
  await page.waitForSelector('tr[data-dr="3"][data-session-dr=true][data-chosen=true]');
  assert.equal(await page.inputValue('[name=data-rate]'), '3');
  assert.equal(await page.inputValue('[name=downlink-frequency-hz]'), '869525000');
  assert.equal(await page.inputValue('[name=multicast-class]'), 'ClassC');
  assert.equal(await page.inputValue('[name=session-timeout-s]'), '4096');
  const codes = () => page.$$eval('.calculator [data-warning]', (ws) => ws.map((w) => w.dataset.warning));
  assert.deepEqual(await codes(), ['duty-cycle']);
  // The core's numbers (core/src/radio.rs tests; time on air checked there against lora-modulation).
  assert.equal(
    await page.textContent('[data-warning=duty-cycle]'),
    'At DR3 a fragment is 390 ms on air; 869.525 MHz allows 10 %, so one every 3.91 s at most; this task sends one every 1 s. '
      + 'Fragments will be delayed or dropped: use an interval of at least 4 s, or a faster data rate.',
  );
  assert.equal(await page.getAttribute('tr[data-dr="3"]', 'data-airtime-us'), '390144');
  assert.equal(await page.getAttribute('tr[data-dr="3"]', 'data-min-interval-ms'), '3902');
  assert.equal(await page.getAttribute('tr[data-dr="5"]', 'data-airtime-us'), '118016');
  assert.equal(await page.getAttribute('tr[data-dr="5"]', 'data-min-interval-ms'), '1181');
  assert.equal(await page.getAttribute('tr[data-dr="7"]', 'data-airtime-us'), '12320');
  await page.screenshot({ path: `${ARTIFACTS}planner-duty-cycle.png`, fullPage: true });

  // The fastest sound plan: FSK, 5 + 2 fragments of 199 B, one a second; applying it clears every warning.
  const proposal = await page.waitForSelector('[data-recommendation]');
  assert.deepEqual(
    await proposal.evaluate((e) => [e.dataset.dataRate, e.dataset.fragmentSize, e.dataset.intervalMs, e.dataset.sessionSeconds]),
    ['7', '199', '1000', '7'],
  );
  await page.click('[data-action=apply-recommendation]');
  await page.waitForFunction(() => document.querySelectorAll('.calculator [data-warning]').length === 0);
  assert.deepEqual(
    [await page.inputValue('[name=data-rate]'), await page.inputValue('[name=fragment-size]'), await page.inputValue('[name=fragment-interval-ms]')],
    ['7', '199', '1000'],
  );
  assert.equal(await dataValue(page, '[data-calc=total-fragments]'), '7');
  assert.match(await page.textContent('[data-recommendation]'), /This plan is sound and as fast as any sound one/);
  assert.equal(await page.$('[data-action=apply-recommendation]'), null, 'nothing left to apply');

  // Back at DR3 with 4 s: sound. A 60 s session is too short for 25 fragments.
  await page.selectOption('[name=data-rate]', '3');
  await page.fill('[name=fragment-size]', '50');
  await page.fill('[name=fragment-interval-ms]', '4000');
  await page.waitForFunction(() => document.querySelectorAll('.calculator [data-warning]').length === 0);
  await page.fill('[name=session-timeout-s]', '60');
  await page.waitForSelector('[data-warning=session-timeout]');
  assert.match(await page.textContent('[data-warning=session-timeout]'), /ends after 64 s.*need 104 s.*at least 128 s/);
  await page.fill('[name=session-timeout-s]', '4096');
  // Above AWS's 1 MB, typed with grouping; the largest value a session carries is said plainly.
  await page.fill('[name=firmware-size]', '1,000,001');
  await page.waitForSelector('[data-warning=image-too-large]');
  await page.waitForSelector('[data-no-sound-plan]');
  await page.fill('[name=firmware-size]', '99999999999999999999');
  assert.match(await page.textContent('[data-input-error=firmware-size]'), /at most 4,177,665 bytes/);
  assert.equal(await page.getAttribute('[name=firmware-size]', 'aria-invalid'), 'true');
  await page.fill('[name=firmware-size]', '995');
  // A fragment the chosen rate does not carry, although DR4 and up would.
  await page.selectOption('[name=data-rate]', '0');
  await page.waitForSelector('[data-warning=fragment-too-large-for-data-rate]');
  await page.selectOption('[name=data-rate]', '3');

  // 250 B fits no EU868 data rate; 300 B is over TS004's 1-byte FragSize; 16384 fragments over 14 bits.
  await page.fill('[name=fragment-size]', '250');
  await page.waitForSelector('[data-warning=payload-too-large]');
  // The effect of the what-if, next to the task's own values: 995 B in 250 B fragments is 4 + 1.
  assert.match(await page.textContent('.what-if'), /task's values: 25 fragments .* With these: 5 fragments \(-20\)/);
  await page.fill('[name=fragment-size]', '300');
  await page.waitForSelector('[data-warning=fragment-size-limit]');
  await page.fill('[name=fragment-size]', '10');
  await page.fill('[name=redundancy-percent]', '0');
  await page.fill('[name=firmware-size]', String(16384 * 10));
  await page.waitForSelector('[data-warning=fragment-count-limit]');
  // Reset to the task's values: its fragment values and its multicast session's radio values.
  await page.selectOption('[name=data-rate]', '5');
  await page.click('text=Use the task\'s values');
  assert.equal(await page.inputValue('[name=fragment-size]'), '50');
  assert.equal(await page.inputValue('[name=data-rate]'), '3');
  assert.equal(await page.inputValue('[name=session-timeout-s]'), '4096');

  // A firmware image picked from disk: its size and SHA-256, computed in the page.
  await page.setInputFiles('[name=firmware-file]', { name: 'fw.bin', mimeType: 'application/octet-stream', buffer: Buffer.from('abc') });
  const image = await page.waitForSelector('[data-firmware-sha256]');
  assert.equal(await image.getAttribute('data-firmware-sha256'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(await page.inputValue('[name=firmware-size]'), '3');
  // A larger image is read in 1 MiB slices; the digest is still the whole file's.
  const big = Buffer.alloc(2.5 * 1024 * 1024, 7);
  big.write('end', big.length - 3);
  await page.setInputFiles('[name=firmware-file]', { name: 'big.bin', mimeType: 'application/octet-stream', buffer: big });
  await page.waitForSelector(`[data-firmware-sha256="${createHash('sha256').update(big).digest('hex')}"]`);
  assert.equal(await page.inputValue('[name=firmware-size]'), String(big.length));
  await page.screenshot({ path: `${ARTIFACTS}planner.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a deep link to a host the user did not choose sends nothing until confirmed, and names the host', async () => {
  // The scenario: anyone can own an API Gateway host under amazonaws.com, which the CSP allows.
  const host = 'abc123.execute-api.us-east-1.amazonaws.com';
  const page = await browser().newPage({ viewport: { width: 1200, height: 1100 } });
  const sent = [];
  page.on('request', (r) => { if (new URL(r.url()).host === host) sent.push(r.url()); });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${SITE}/?region=us-east-1&task-id=t1&endpoint=${encodeURIComponent(`https://${host}`)}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  const warning = await page.waitForSelector('[data-warning=custom-endpoint]');
  assert.match(await warning.textContent(), new RegExp(host.replaceAll('.', '\\.')));
  await page.fill('[name=access-key-id]', 'ASIADEMOLOCALENDPOINT');
  await page.fill('[name=secret-access-key]', DEMO_SECRET);
  await page.fill('[name=session-token]', DEMO_TOKEN);
  await page.click('button[type=submit]');
  const refused = await page.waitForSelector('[data-error-code=EndpointNotConfirmed]');
  assert.match(await refused.textContent(), /Nothing was sent/);
  await page.click('[data-action=list-tasks]');
  await page.waitForSelector('[data-error-code=EndpointNotConfirmed]');
  assert.deepEqual(sent, [], 'nothing left for the linked host before the user confirmed it');
  // The user's word: the console now tries, and the page's policy refuses the host (it lists only
  // the IoT Wireless hosts the resolver knows; no *.amazonaws.com wildcard).
  await page.click('[data-action=confirm-endpoint]');
  assert.equal(await page.$('[data-action=confirm-endpoint]'), null);
  assert.ok(await page.$('[data-warning=custom-endpoint]'), 'the host stays named');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-error-code=BlockedByContentSecurityPolicy]', { timeout: 60_000 });
  const violations = await page.evaluate(() => window.__violations);
  assert.ok(violations.some((v) => v.startsWith('connect-src') && v.includes(host)), violations.join());
  assert.deepEqual(sent, [], 'the CSP refused it: nothing reached the network');

  // A typed endpoint where nothing listens: not reachable, told apart from CORS (the page is not
  // cross-origin isolated, so the console probes).
  const unreachable = await browser().newPage();
  await unreachable.goto(`${SITE}/?demo`);
  await unreachable.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await unreachable.click('details.advanced summary');
  await unreachable.fill('[name=endpoint]', 'http://127.0.0.1:9');
  await unreachable.click('button[type=submit]');
  const gone = await unreachable.waitForSelector('[data-error-code=NetworkError]', { timeout: 60_000 });
  assert.match(await gone.textContent(), /not reachable/);
  assert.doesNotMatch(await gone.textContent(), /CORS/);
  await unreachable.close();

  // Typed by the user: no extra step. The region's own endpoint: no warning at all.
  const typed = await browser().newPage();
  await typed.goto(`${SITE}/`);
  await typed.waitForSelector('[data-destination-checked]', { state: 'attached' });
  assert.equal(await typed.$('[data-warning=custom-endpoint]'), null);
  await typed.click('details.advanced summary');
  await typed.fill('[name=endpoint]', API);
  await typed.waitForSelector('[data-warning=custom-endpoint]');
  assert.equal(await typed.$('[data-action=confirm-endpoint]'), null);
  await page.close();
  await typed.close();
});

test('a page on a public origin calling a loopback endpoint is refused by the console itself (LoopbackRefused), nothing sent', async () => {
  // A page Playwright fulfils itself at https://console.example is not served from this computer:
  // the console refuses to send from it to 127.0.0.1 before anything is signed, whatever the
  // browser's own local network access would do (core/src/wire/connection.rs).
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const page = await browser().newPage();
  await page.route('https://console.example/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(dist, path === '/' ? 'index.html' : decodeURIComponent(path.slice(1)));
    if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    await route.fulfill({ body: readFileSync(file), contentType: types[extname(file)] ?? 'application/octet-stream' });
  });
  const apiHost = new URL(API).host;
  const toLoopback = [];
  page.on('request', (r) => { if (new URL(r.url()).host === apiHost) toLoopback.push(`${r.method()} ${r.url()}`); });
  await page.goto(`https://console.example/?demo&endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  await page.click('button[type=submit]');
  const refused = await page.waitForSelector('[data-error-code=LoopbackRefused]', { timeout: 60_000 });
  const text = (await refused.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /is this computer, and this page \(https:\/\/console\.example\) is not served from it/);
  assert.match(text, /Nothing was sent/);
  assert.equal(await page.$('[data-error-code=LocalNetworkBlocked]'), null, 'the console refused before the browser had to');
  assert.deepEqual(toLoopback, [], 'no request reached the loopback endpoint');
  await page.close();
});
