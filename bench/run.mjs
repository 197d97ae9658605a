#!/usr/bin/env node
// The benchmark: the console against its JavaScript peers, in one run, on this machine and
// its headless Debian Chromium. Prints Markdown tables on stdout (progress on stderr) and writes
// bench/results.json. See bench/README.md for what every number means.
//
//   npm ci --prefix bench && node bench/run.mjs            (about 1-2 minutes; stops by itself)
//
// Environment: FUOTA_DIST (default dist/), FUOTA_LOCAL (default target/debug/fuota-local),
// FUOTA_FLOOR_DIST (default bench/out/floor: the floor page, built by scripts/bench.sh),
// BENCH_DEADLINE_S (hard stop, default 480 s; 290 s with --quick: a full run waits for 20 live refreshes).
// `--quick` runs fewer repetitions (for trying it out).
// Exit status: 0 when every measurement ran (whatever the timings: goals never fail the run),
// 1 when a measurement could not be taken (its row says why), 2 when the hard deadline hit.
import { execFileSync, spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { createHmac, createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { buildInProgress, listFiles, sizesOf, tools } from './lib/compress.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const DIST = resolve(process.env.FUOTA_DIST ?? join(ROOT, 'dist'));
const FUOTA_LOCAL = resolve(process.env.FUOTA_LOCAL ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug/fuota-local'));
const OUT = join(BENCH, 'out');
// The floor of the required stack (bench/floor/, built by scripts/bench.sh with Trunk like the console).
const FLOOR = resolve(process.env.FUOTA_FLOOR_DIST ?? join(OUT, 'floor'));
const FLOOR_FILES = ['index.html', 'fuota-floor.js', 'fuota-floor_bg.wasm'];
const ESBUILD = join(BENCH, 'node_modules/.bin/esbuild');
const QUICK = process.argv.includes('--quick');
// 20 live refreshes of the 10,000-device task take 2-4 minutes on their own (5 s apart, each a full re-read).
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? (QUICK ? 290 : 480));

const P = QUICK
  ? { signN: 200, signRounds: 5, coldLoads: 2, submits: 6, keystrokes: 40, cycles: 100, deviceKeystrokes: 20, liveRefreshes: 3 }
  : { signN: 500, signRounds: 20, coldLoads: 5, submits: 20, keystrokes: 200, cycles: 1000, deviceKeystrokes: 100, liveRefreshes: 20 };

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// The page's form is static HTML (index.html): usable — typed into, and its buttons pressable (page.js
// enables them and keeps a press for the console) — before the wasm; the console takes it over in place.
const FORM_SEL = 'form.query button[type=submit]:enabled';
// The console's own form: the wasm has taken the static one over.
const CONSOLE_SEL = 'form.query:not([data-static]) button[type=submit]';
// The minimal JS page (bench/peers/plain-console.html): its form is static HTML, so it is interactive only
// once its script has attached the submit handler and marked the form.
const PLAIN_PAGE = '/__bench/peers/plain-console.html';
const PLAIN_FORM_SEL = 'form.query[data-interactive] button[type=submit]';
const PLAIN_FILES = ['peers/plain-console.html', 'out/plain-console.min.js'];
// The local endpoint's big task: 10,000 devices, In_FuotaSession (so live: the console refreshes it).
const BIG_TASK = 'demo-10k';
const BIG_TASK_DEVICES = 10000;
const BIG_TASK_NAME = 'fleet-fw-4.0.0';
// The console's floor for `?refresh=` (MIN_REFRESH_SECONDS, core/src/live.rs).
const LIVE_REFRESH_S = 5;
const IDS = ['demo-in-session', 'demo-done'];
const SIGN = {
  host: 'api.iotwireless.us-east-1.amazonaws.com', path: '/fuota-tasks/demo-in-session',
  region: 'us-east-1', service: 'iotwireless', amzDate: '20261126T080000Z',
  accessKeyId: 'ASIADEMOLOCALENDPOINT', secret: 'demo/local/endpoint/secret/key/not/a/real/one',
  token: 'demo-local-session-token',
};
const GOALS = { firstInteractiveKiB: 100, allFilesKiB: 209, signUs: 15, signSpeedup: 4, calcP95Ms: 1, memGrowthKiB: 1024,
  coldStartRatio: 2, deviceSearchP95Ms: 16, liveGrowthKiB: 1024 };

const t0 = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`, ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${what}: no answer within ${ms / 1000} s`)), ms); }),
  ]);
}
const errMsg = (e) => String(e?.message ?? e).split('\n')[0].slice(0, 200);
// dist/examples/ holds host-page samples (a portal) shipped beside the console, which the console never loads.
const isExample = (file) => file.startsWith('examples/');
/** Sum of sized files: {files, raw, gzip, brotli}. */
const totalOf = (files) => ({ files: files.length, ...Object.fromEntries(['raw', 'gzip', 'brotli'].map((k) => [k, files.reduce((a, x) => a + x[k], 0)])) });

// ---------------------------------------------------------------------------------------------
// Resources this run starts, stopped in reverse order on every way out (only these, by handle).
const cleanups = [];
let cleaningUp = null;
function cleanup() {
  cleaningUp ??= (async () => {
    for (const fn of cleanups.reverse()) { try { await withTimeout(Promise.resolve().then(fn), 5000, 'cleanup'); } catch { /* best effort */ } }
  })();
  return cleaningUp;
}

const results = { schema: 2, date: new Date().toISOString(), quick: QUICK, params: P, errors: [] };

const watchdog = setTimeout(async () => {
  log(`hard deadline of ${DEADLINE_S} s reached: stopping`);
  results.errors.push(`hard deadline of ${DEADLINE_S} s reached; later measurements missing`);
  results.deadlineHit = true;
  try { report(); } catch (e) { log('report failed:', errMsg(e)); }
  await cleanup();
  process.exit(2);
}, DEADLINE_S * 1000);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await cleanup(); process.exit(130); });

// ---------------------------------------------------------------------------------------------
function machine() {
  let cpu = 'unknown';
  try { cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu; } catch {}
  let nproc = availableParallelism();
  try { nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()); } catch {}
  let commit = null;
  try { commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch {}
  return { nproc, cpu, node: process.version, loadavgStart: loadavg().map((x) => +x.toFixed(2)), commit };
}

function bundlePeers() {
  if (!existsSync(ESBUILD)) throw new Error('bench/node_modules is missing: run `npm ci --prefix bench` first');
  mkdirSync(OUT, { recursive: true });
  const flags = ['--bundle', '--minify', '--format=esm', '--platform=browser', '--log-level=warning'];
  const build = (entry, out) => {
    execFileSync(ESBUILD, [join(BENCH, 'peers', entry), ...flags, `--outfile=${join(OUT, out)}`], { stdio: ['ignore', 'inherit', 'inherit'] });
    return out;
  };
  return {
    esbuild: execFileSync(ESBUILD, ['--version'], { encoding: 'utf8' }).trim(),
    sdk: build('sdk-entry.mjs', 'aws-sdk-v3-get-fuota-task.min.js'),
    aws4fetch: build('aws4fetch-entry.mjs', 'aws4fetch-get-fuota-task.min.js'),
    signPeers: build('sign-entry.mjs', 'sign-peers.min.js'),
    plainConsole: build('plain-console-entry.mjs', 'plain-console.min.js'),
  };
}

function peerVersions() {
  const v = (name) => {
    try { return JSON.parse(readFileSync(join(BENCH, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return null; }
  };
  return Object.fromEntries(['@aws-sdk/client-iot-wireless', '@smithy/signature-v4', '@aws-crypto/sha256-js',
    '@aws-crypto/sha256-browser', 'aws4fetch', 'esbuild', 'playwright-core'].map((n) => [n, v(n)]));
}

/** SigV4 of the benchmark request, in Node, from the specification: the answer every signer must give. */
function referenceSignature() {
  const sha = (s) => createHash('sha256').update(s).digest('hex');
  const hmac = (k, s) => createHmac('sha256', k).update(s).digest();
  const canonical = ['GET', SIGN.path, '',
    `host:${SIGN.host}`, `x-amz-date:${SIGN.amzDate}`, `x-amz-security-token:${SIGN.token}`, '',
    'host;x-amz-date;x-amz-security-token', sha('')].join('\n');
  const day = SIGN.amzDate.slice(0, 8);
  const scope = `${day}/${SIGN.region}/${SIGN.service}/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', SIGN.amzDate, scope, sha(canonical)].join('\n');
  let k = hmac(`AWS4${SIGN.secret}`, day);
  for (const part of [SIGN.region, SIGN.service, 'aws4_request']) k = hmac(k, part);
  return createHmac('sha256', k).update(sts).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Static server for the signing page and the minimal JS page: the peers' bundles, the pages, and dist/
// at the root (so the contract's `import … from '/fuota-console.js'` resolves, and its wasm next to it).
// COOP/COEP make the pages cross-origin isolated: performance.now() then has 5 µs resolution instead of 100 µs.
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };
/** Listens on a free loopback port; resolves with the server's origin. Closed when the run ends. */
function listenOnLoopback(server) {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      cleanups.push(() => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }));
      ok(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

/**
 * What a production static host sends (CloudFront, S3 with precompressed objects, nginx with
 * `brotli_static`): brotli when the browser accepts it, for the text and wasm types. The task-on-
 * screen step on a throttled link counts the bytes on the wire, so both subjects go through this;
 * each file is compressed once per run (quality 11, as the byte budgets count), in the warm-up load.
 */
const brotliCache = new Map();
function served(req, key, type, body) {
  const accepts = /\bbr\b/.test(req.headers['accept-encoding'] ?? '');
  if (!accepts || !/javascript|wasm|css|html|json|svg/.test(type ?? '') || body.length < 256) return { body, headers: {} };
  if (!brotliCache.has(key)) {
    brotliCache.set(key, brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  }
  return { body: brotliCache.get(key), headers: { 'content-encoding': 'br', vary: 'accept-encoding' } };
}

/**
 * A loopback proxy in front of fuota-local's site that serves its files as `served` does (the
 * local endpoint's site server sends them uncompressed: on loopback that costs nothing).
 */
function startCompressingProxy(site) {
  const server = createServer((req, res) => {
    const upstream = new URL(site());
    const up = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method,
      headers: { ...req.headers, host: upstream.host, 'accept-encoding': 'identity' } }, (upRes) => {
      const chunks = [];
      upRes.on('data', (c) => chunks.push(c));
      upRes.on('end', () => {
        const raw = Buffer.concat(chunks);
        const { body, headers } = upRes.statusCode === 200 ? served(req, `${upstream.host}${req.url}`, upRes.headers['content-type'], raw) : { body: raw, headers: {} };
        // The whole body is sent at once, with its length: not chunked, whatever the upstream did.
        const { 'transfer-encoding': _chunked, ...upstreamHeaders } = upRes.headers;
        res.writeHead(upRes.statusCode, { ...upstreamHeaders, ...headers, 'content-length': body.length });
        res.end(body);
      });
    });
    up.on('error', (e) => { res.writeHead(502, { 'content-type': 'text/plain' }).end(String(e)); });
    req.pipe(up);
  });
  return listenOnLoopback(server);
}

function startStaticServer() {
  const mounts = [['/__bench/page/', join(BENCH, 'page')], ['/__bench/peers/', join(BENCH, 'peers')], ['/__bench/floor/', FLOOR], ['/__bench/console/', join(OUT, 'console-bench')], ['/__bench/out/', OUT], ['/', DIST]];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const [prefix, dir] = mounts.find(([p]) => url.pathname.startsWith(p));
    const file = normalize(join(dir, decodeURIComponent(url.pathname.slice(prefix.length))));
    const headers = {
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin', 'cache-control': 'no-store',
    };
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    const answer = served(req, file, type, readFileSync(file));
    res.writeHead(200, { ...headers, ...answer.headers, 'content-type': type });
    res.end(answer.body);
  });
  return listenOnLoopback(server);
}

/** fuota-local with the console's site; `corsOrigins`: the other origins whose pages call its API. */
async function startLocalEndpoint(corsOrigins = [], siteDir = DIST) {
  if (!existsSync(FUOTA_LOCAL)) throw new Error(`${FUOTA_LOCAL} does not exist (built by \`cargo build -p fuota-local\`)`);
  const tmp = mkdtempSync(join(tmpdir(), 'fuota-bench-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const readyFile = join(tmp, 'ready.json');
  const child = spawn(FUOTA_LOCAL, ['--api', '127.0.0.1:0', '--site', siteDir, '--site-addr', '127.0.0.1:0', '--ready-file', readyFile,
    ...corsOrigins.flatMap((o) => ['--cors-origin', o])],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  cleanups.push(async () => {
    if (exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 20 && !exited; i++) await sleep(50);
    if (!exited) child.kill('SIGKILL');
  });
  for (let i = 0; i < 200; i++) {
    if (exited) throw new Error(`fuota-local exited (${JSON.stringify(exited)}): ${stderr.trim().slice(-300)}`);
    if (existsSync(readyFile)) {
      try {
        const { api, site } = JSON.parse(readFileSync(readyFile, 'utf8'));
        if (api && site) return { api: api.replace(/\/$/, ''), site: site.replace(/\/$/, ''), pid: child.pid };
      } catch { /* still being written */ }
    }
    await sleep(50);
  }
  throw new Error('fuota-local wrote no ready file within 10 s');
}

// ---------------------------------------------------------------------------------------------
async function benchSigning(browser, benchOrigin, api, hasStableModule) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(errMsg(e)));
    await page.goto(`${benchOrigin}/__bench/page/sign.html`);
    await page.waitForFunction(() => window.signBenchReady === true, null, { timeout: 20000 });
    const out = await withTimeout(page.evaluate((o) => window.signBench(o),
      { n: P.signN, rounds: P.signRounds, warmupRounds: 2, withWasm: hasStableModule, withFloor: hasFloor() }), 150000, 'signing benchmark');
    if (!hasStableModule) out.wasmNa = 'bench/out/console-bench/fuota-console.js not built yet (scripts/bench.sh builds it)';
    out.peerSmoke = await withTimeout(page.evaluate((a) => window.peerSmoke(a), api), 30000, 'peer smoke test').catch((e) => ({ error: errMsg(e) }));
    out.pageErrors = problems;
    return out;
  } finally {
    await context.close();
  }
}

/**
 * A context whose pages record when `sel` first matches — the page is interactive — and the app's wasm
 * exports. The console's form enters the DOM only once the app has built it with its handlers (a submit
 * at that instant is already the console's); the minimal JS page's form is static HTML, which its script
 * marks data-interactive once its handler is attached: hence the attribute too.
 */
async function consoleContext(browser, sel = CONSOLE_SEL) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1100 } });
  await context.addInitScript((sel) => {
    window.__formAt = null;
    const mo = new MutationObserver(() => {
      if (window.__formAt === null && document.querySelector(sel)) { window.__formAt = performance.now(); mo.disconnect(); }
    });
    mo.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-interactive', 'disabled'] });
    // Trunk's loader announces the instance's exports (its `memory` included) with this event.
    addEventListener('TrunkApplicationStarted', (e) => { window.__trunkWasm = e.detail?.wasm ?? null; });
  }, sel);
  return context;
}

/** One load in a fresh context: when `sel` first matched, and every file fetched by then with its responseEnd. */
async function coldLoad(browser, url, sel) {
  const context = await consoleContext(browser, sel);
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit', timeout: 30000 });
    await page.waitForSelector(sel, { timeout: 30000 });
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const wasm = resources.find((r) => r.name.endsWith('.wasm'));
      return { formAt: window.__formAt, evaluatedAt: performance.now(), docResponseEnd: nav?.responseEnd,
        domContentLoaded: nav?.domContentLoadedEventEnd, wasmResponseEnd: wasm?.responseEnd,
        fetched: [{ name: location.href, responseEnd: nav?.responseEnd }, ...resources.map((r) => ({ name: r.name, responseEnd: r.responseEnd }))] };
    });
  } finally {
    await context.close();
  }
}

/** The files of `origin` a load had received by the moment it was interactive (responseEnd ≤ that moment). */
function fetchedBeforeInteractive(load, origin) {
  const at = load.formAt ?? load.evaluatedAt;
  return load.fetched.filter((x) => x.responseEnd <= at).map((x) => new URL(x.name)).filter((u) => u.origin === origin)
    .map((u) => decodeURIComponent(u.pathname).replace(/^\//, '').replace(/(^|\/)$/, '$1index.html'));
}

/**
 * Cold start, navigation → interactive, of each subject ({url, sel, origin}) in fresh contexts; the
 * subjects' loads interleaved so that drift (a build next door, GC) hits them alike. Load 0 of each warms
 * the browser process and the OS caches and is not counted. `earlyLoads`: in how many counted loads each
 * file had arrived before the page was interactive. A file the console preloads can win that race in one
 * load and lose it in the next; only a file early in every load is one the form could not do without.
 */
async function coldStarts(browser, subjects) {
  const loads = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  const errors = {};
  for (let i = 0; i < P.coldLoads + 1; i++) {
    for (const [k, { url, sel }] of Object.entries(subjects)) {
      if (errors[k]) continue;
      try {
        const m = await coldLoad(browser, url, sel);
        if (i > 0) loads[k].push(m);
      } catch (e) { errors[k] = errMsg(e); }
    }
  }
  return Object.fromEntries(Object.entries(subjects).map(([k, { url, origin }]) => {
    if (errors[k]) return [k, { url, error: errors[k] }];
    const at = loads[k].map((l) => l.formAt ?? l.evaluatedAt);
    const earlyLoads = {};
    for (const l of loads[k]) for (const file of new Set(fetchedBeforeInteractive(l, origin))) earlyLoads[file] = (earlyLoads[file] ?? 0) + 1;
    return [k, { url, medianMs: median(at), loadsMs: at, counted: loads[k].length, earlyLoads, detail: loads[k] }];
  }));
}

// Chrome DevTools' "Slow 4G" preset (Lighthouse's mobile throttling): 150 ms round trip, 1.6 Mbit/s
// down, 750 kbit/s up, applied to the page's every request (its files and its API calls alike).
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };

/**
 * Navigation → the task on screen, in a fresh context, the network throttled to `network` (none:
 * loopback): the visitor types the connection and the task id as soon as the form takes them and
 * presses the submit button; the time is until the task's Name is on screen, and (`devicesSel`)
 * until its devices are. "On screen" is the page's own clock: `performance.now()` (from the
 * navigation's start) once the frame after the element appeared has been painted, read back after
 * Playwright sees the element. Playwright's own sighting comes later when the page's main thread is
 * busy after that paint (a part compiling), which a user does not see. `holdParts`: the console's
 * later parts are held until the task is on screen (their requests answered only then), the best a
 * rule for asking for them could do for this user; without it they pass through the same route at
 * once, for the same overhead.
 */
async function taskOnScreen(browser, { url, formSel, fill, taskSel, devicesSel, holdParts }, network) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1100 } });
  try {
    const held = [];
    let taskShown = false;
    if (devicesSel) {
      await context.route(/\/(split|chunk)_[^/]*\.wasm$/, (route) => (holdParts && !taskShown ? held.push(route) : route.continue()));
    }
    // The paint after each watched element first appears, on the page's clock.
    await context.addInitScript((selectors) => {
      const painted = (window.__painted = {});
      const observer = new MutationObserver(() => {
        for (const sel of selectors) {
          if (painted[sel] === undefined && document.querySelector(sel)) {
            painted[sel] = null;
            requestAnimationFrame(() => setTimeout(() => { painted[sel] = performance.now(); }, 0));
          }
        }
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    }, [taskSel, devicesSel].filter(Boolean));
    const page = await context.newPage();
    if (network) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', network);
    }
    const paintedAt = async (sel) => {
      await page.waitForSelector(sel, { timeout: 60000 });
      return page.waitForFunction((s) => window.__painted[s], sel, { timeout: 60000 }).then((h) => h.jsonValue());
    };
    await page.goto(url, { waitUntil: 'commit', timeout: 60000 });
    await page.waitForSelector(formSel, { timeout: 60000 });
    await fill(page);
    await page.click(`${formSel}`);
    const taskMs = await paintedAt(taskSel);
    taskShown = true;
    for (const route of held.splice(0)) await route.continue();
    if (!devicesSel) return { taskMs };
    return { taskMs, devicesMs: await paintedAt(devicesSel) };
  } finally {
    await context.close();
  }
}

/** Task on screen, loopback and slow 4G, for the console and the minimal JS page, interleaved. */
async function tasksOnScreen(browser, ep, benchOrigin, bundles) {
  const typeConnection = async (page) => {
    for (const [name, value] of [['access-key-id', SIGN.accessKeyId], ['secret-access-key', SIGN.secret], ['session-token', SIGN.token], ['task-id', IDS[0]]]) {
      await page.fill(`[name=${name}]`, value);
    }
  };
  const consoleSubject = { url: `${ep.compressedSite}/`, formSel: FORM_SEL, taskSel: `[data-field=Id][data-value=${IDS[0]}]`,
    devicesSel: '[data-view=devices][data-devices-complete=true]',
    fill: async (page) => { await page.click('summary:has-text("Endpoint")'); await page.fill('[name=endpoint]', ep.api); await typeConnection(page); } };
  const subjects = {
    // Served compressed, as a static host would (`served`): the throttled link counts wire bytes.
    console: consoleSubject,
    // The campaign's part held until the task is on screen: what the shipped rule (asked for ahead
    // of its use once no task read is in flight, src/parts.rs) should come near for this user.
    consoleLateParts: { ...consoleSubject, holdParts: true },
  };
  if (bundles) subjects.plain = { url: `${benchOrigin}${PLAIN_PAGE}`, formSel: PLAIN_FORM_SEL, taskSel: 'output.name:not(:empty)',
    fill: async (page) => { await page.fill('[name=endpoint]', ep.api); await typeConnection(page); } };
  // The floor of the required stack (Leptos, aws-sigv4, gloo-net and a form built by its wasm,
  // nothing of the console): how near the required crates alone come to the minimal JS page, so
  // that the console's ratio can be read against what any page on this stack pays.
  if (hasFloor()) subjects.floor = { url: `${benchOrigin}/__bench/floor/index.html`, formSel: 'button[type=submit]', taskSel: 'output.name:not(:empty)',
    fill: async (page) => { await page.fill('[name=endpoint]', ep.api); await typeConnection(page); } };
  const out = {};
  for (const [network, label] of [[null, 'loopback'], [SLOW_4G, 'slow4g']]) {
    const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    for (let i = 0; i < P.coldLoads + 1; i++) {
      for (const [k, subject] of Object.entries(subjects)) {
        const ms = await taskOnScreen(browser, subject, network);
        if (i > 0) times[k].push(ms);
      }
    }
    out[label] = Object.fromEntries(Object.entries(times).map(([k, t]) => {
      const task = t.map((x) => x.taskMs);
      const devices = t.map((x) => x.devicesMs).filter((x) => x !== undefined);
      return [k, { medianMs: median(task), loadsMs: task, ...(devices.length ? { devicesMedianMs: median(devices), devicesLoadsMs: devices } : {}) }];
    }));
  }
  return out;
}

/**
 * A loopback proxy in front of fuota-local's site that adds COOP/COEP to every answer, so that the
 * console page is cross-origin isolated (performance.now() at 5 µs instead of 100 µs) while its files
 * still come from the local endpoint. (Adding the headers with a Playwright route does not do: Chromium
 * then treats the fulfilled document as public and Local Network Access blocks its loopback fetches;
 * overriding response headers over CDP does not make the page isolated.) API calls go straight to the
 * endpoint, not through this proxy.
 */
function startIsolatingProxy(site) {
  const server = createServer((req, res) => {
    // `site` is a function: the proxy starts first, so that the endpoint can allow its origin.
    const upstream = new URL(site());
    const up = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method,
      headers: { ...req.headers, host: upstream.host } }, (upRes) => {
      res.writeHead(upRes.statusCode, { ...upRes.headers,
        'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
        'cross-origin-resource-policy': 'same-origin' });
      upRes.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502, { 'content-type': 'text/plain' }).end(String(e)); });
    req.pipe(up);
  });
  return listenOnLoopback(server);
}

/** Opens the console (through the isolating proxy) and waits for its form; `extraQuery` joins the deep link. */
async function openIsolatedConsole(browser, ep, extraQuery = '') {
  const context = await consoleContext(browser);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(errMsg(e)));
  await page.goto(`${ep.isolatedSite}/?demo&endpoint=${encodeURIComponent(ep.api)}${extraQuery}`, { timeout: 30000 });
  await page.waitForSelector(CONSOLE_SEL, { timeout: 30000 });
  // The deep link's endpoint waits for the user's word before anything is sent to it.
  await page.click('[data-action=confirm-endpoint]', { timeout: 5000 }).catch(() => {});
  const isolated = await page.evaluate(() => self.crossOriginIsolated);
  return { context, page, problems, isolated };
}

const notBusy = (page) => page.waitForFunction(() => document.querySelector('.result')?.getAttribute('aria-busy') !== 'true', null, { timeout: 15000 });

async function submitToRender(page) {
  const samples = [];
  for (let i = 0; i < P.submits; i++) {
    const id = IDS[i % 2];
    await page.fill('[name=task-id]', id);
    await page.evaluate((sel) => {
      window.__clickAt = null;
      addEventListener('click', () => { window.__clickAt ??= performance.now(); }, { capture: true, once: true });
      window.__renderedAt = new Promise((resolve) => {
        const check = () => { if (document.querySelector(sel)) { mo.disconnect(); clearTimeout(to); resolve(performance.now()); } };
        const mo = new MutationObserver(check);
        mo.observe(document.body, { subtree: true, childList: true, attributes: true });
        const to = setTimeout(() => { mo.disconnect(); resolve(null); }, 10000);
      });
    }, `[data-field=Id][data-value="${id}"]`);
    await page.click(CONSOLE_SEL);
    const r = await page.evaluate(async () => ({ clickAt: window.__clickAt, end: await window.__renderedAt }));
    if (r.end === null || r.clickAt === null) throw new Error(`submit ${i} (${id}): the task was not rendered within 10 s`);
    samples.push(r.end - r.clickAt);
    await notBusy(page);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), firstMs: samples[0], samplesMs: samples };
}

/**
 * Opens demo-10k (10,000 devices in 41 pages, plus its group's list) and times, in the page, click →
 * `[data-devices-complete=true]` (a MutationObserver: the DOM is complete, not yet laid out) and click →
 * the task after the next frame (the rows laid out and painted: 100 for the console, 10,000 for the
 * minimal JS page). The console's selectors; the minimal JS page has the same ones.
 */
async function openBigTask(page) {
  await page.fill('[name=task-id]', BIG_TASK);
  await page.evaluate(() => {
    window.__clickAt = null; window.__completeAt = null; window.__framedAt = null;
    addEventListener('click', () => { window.__clickAt ??= performance.now(); }, { capture: true, once: true });
    const mo = new MutationObserver(() => {
      if (!document.querySelector('[data-view=devices][data-devices-complete=true]')) return;
      mo.disconnect();
      window.__completeAt = performance.now();
      requestAnimationFrame(() => setTimeout(() => { window.__framedAt = performance.now(); }, 0));
    });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-devices-complete'] });
  });
  await page.click(CONSOLE_SEL);
  await page.waitForFunction(() => window.__framedAt !== null, null, { timeout: 120000 });
  const t = await page.evaluate(() => ({ listedMs: window.__completeAt - window.__clickAt, framedMs: window.__framedAt - window.__clickAt }));
  const total = await page.getAttribute('[data-device-count=total]', 'data-value');
  if (total !== String(BIG_TASK_DEVICES)) throw new Error(`${BIG_TASK} listed ${total} devices, not ${BIG_TASK_DEVICES}`);
  return t;
}

/**
 * Device-search keystrokes, each timed in the page from the input event to the table body's first
 * mutation (a MutationObserver), alternating searches so that every keystroke changes the rows.
 */
async function deviceSearch(page) {
  const samples = await page.evaluate(async (count) => {
    const input = document.querySelector('[name=device-search]');
    const body = document.querySelector('[data-view=devices] tbody');
    const out = [];
    for (let i = 0; i < count; i++) {
      const text = i % 2 ? `dev-0${i % 10}` : `dev-1${i % 10}`;
      const changed = new Promise((resolve) => {
        const mo = new MutationObserver(() => { mo.disconnect(); resolve(performance.now()); });
        mo.observe(body, { childList: true, subtree: true });
        setTimeout(() => { mo.disconnect(); resolve(null); }, 2000);
      });
      const t0 = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const t1 = await changed;
      if (t1 !== null) out.push(t1 - t0);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    }
    return out;
  }, P.deviceKeystrokes);
  if (!samples.length) throw new Error('no device-search keystroke changed the table');
  return { keystrokes: samples.length, p95Ms: quantile(samples, 0.95), medianMs: median(samples), maxMs: Math.max(...samples) };
}

/** The campaign at scale on the console: open demo-10k, then search its devices. */
async function devices10k(page) {
  const opened = await openBigTask(page);
  return { ...opened, ...(await deviceSearch(page)) };
}

/**
 * The same two measurements on the minimal JS page (cross-origin isolated like the console's), once it
 * has shown that it is a working client: demo-10k's Name, and a row for each of its 10,000 devices.
 */
async function plainDevices10k(browser, benchOrigin, api) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1100 } });
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(errMsg(e)));
    await page.goto(`${benchOrigin}${PLAIN_PAGE}`, { timeout: 30000 });
    await page.waitForSelector(PLAIN_FORM_SEL, { timeout: 30000 });
    for (const [name, value] of [['endpoint', api], ['access-key-id', SIGN.accessKeyId], ['secret-access-key', SIGN.secret],
      ['session-token', SIGN.token]]) await page.fill(`[name=${name}]`, value);
    const opened = await openBigTask(page).catch(async (e) => {
      throw new Error(`${errMsg(e)} (the page says: ${JSON.stringify(await page.textContent('.error'))})`);
    });
    const name = await page.textContent('output.name');
    if (name !== BIG_TASK_NAME) throw new Error(`the minimal JS page shows ${JSON.stringify(name)} as ${BIG_TASK}'s Name, not ${BIG_TASK_NAME}`);
    const rows = await page.locator('[data-view=devices] tbody tr').count();
    if (rows !== BIG_TASK_DEVICES) throw new Error(`the minimal JS page shows ${rows} rows, not ${BIG_TASK_DEVICES}`);
    const isolated = await page.evaluate(() => self.crossOriginIsolated);
    return { ...opened, fetchedName: name, rows, isolated, ...(await deviceSearch(page)), pageErrors: problems };
  } finally {
    await context.close();
  }
}

/**
 * In-page keystroke loop: set the input's value, dispatch `input`, then time until the output's
 * data-value changes (checked synchronously first, then with a MutationObserver).
 */
const keystrokes = (page, { count, inputSel, outSel, control }) => page.evaluate(async ({ count, inputSel, outSel, control }) => {
  if (control) {
    // The harness floor: a plain-JS "calculator" that updates its output in a microtask (as a
    // reactive framework does), measured by the very same loop.
    const box = document.createElement('div');
    box.hidden = true;
    box.innerHTML = '<input id="bench-control-in" type="number"><output id="bench-control-out" data-value="0"></output>';
    document.body.append(box);
    const inp = box.querySelector('input'); const o = box.querySelector('output');
    inp.addEventListener('input', () => queueMicrotask(() => o.setAttribute('data-value', String(Math.ceil(Number(inp.value) / 50)))));
  }
  const input = document.querySelector(inputSel);
  const out = () => document.querySelector(outSel);
  if (!input || !out()) throw new Error(`no ${inputSel} or ${outSel} on the page`);
  const settle = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const samples = []; let synchronous = 0; let timeouts = 0;
  let prev = out().getAttribute('data-value');
  for (let i = 0; i < count; i++) {
    await settle(); // like a typist: each keystroke starts from a page at rest
    // Steps of 997 B change the data-fragment count for any fragment size up to 997 B.
    const value = String(100000 + (i + 1) * 997);
    const start = performance.now();
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const now = out()?.getAttribute('data-value');
    if (now != null && now !== prev) { samples.push(performance.now() - start); synchronous++; prev = now; continue; }
    const end = await new Promise((resolve) => {
      const check = () => {
        const v = out()?.getAttribute('data-value');
        if (v != null && v !== prev) { mo.disconnect(); clearTimeout(to); prev = v; resolve(performance.now()); }
      };
      const mo = new MutationObserver(check);
      mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-value'] });
      const to = setTimeout(() => { mo.disconnect(); resolve(null); }, 1000);
    });
    if (end === null) { timeouts++; prev = out()?.getAttribute('data-value'); } else samples.push(end - start);
  }
  return { samples, synchronous, timeouts, finalValue: out()?.getAttribute('data-value') };
}, { count, inputSel, outSel, control });

async function calculator(page) {
  const r = await withTimeout(keystrokes(page, { count: P.keystrokes, inputSel: '[name=firmware-size]', outSel: '[data-calc=total-fragments]' }),
    60000, 'calculator');
  if (r.samples.length === 0) throw new Error(`no keystroke updated [data-calc=total-fragments] (${r.timeouts} timeouts)`);
  const out = { medianMs: median(r.samples), p95Ms: quantile(r.samples, 0.95), maxMs: Math.max(...r.samples),
    keystrokes: P.keystrokes, measured: r.samples.length, synchronous: r.synchronous, timeouts: r.timeouts, finalValue: r.finalValue };
  try {
    const c = await withTimeout(keystrokes(page, { count: P.keystrokes, inputSel: '#bench-control-in', outSel: '#bench-control-out', control: true }),
      60000, 'calculator harness floor');
    out.harnessFloor = { medianMs: median(c.samples), p95Ms: quantile(c.samples, 0.95), maxMs: Math.max(...c.samples), measured: c.samples.length };
  } catch (e) { out.harnessFloor = { error: errMsg(e) }; }
  return out;
}

/** In-page loop: set the task id, submit, wait until that task is rendered and the request is over. */
const cycles = (page, count, offset) => withTimeout(page.evaluate(async ({ count, offset, ids }) => {
  const rendered = (id) => document.querySelector(`[data-field=Id][data-value="${id}"]`)
    && document.querySelector('.result')?.getAttribute('aria-busy') !== 'true';
  const waitFor = (id) => new Promise((resolve) => {
    if (rendered(id)) return resolve(true);
    const mo = new MutationObserver(() => { if (rendered(id)) { mo.disconnect(); clearTimeout(to); resolve(true); } });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true });
    const to = setTimeout(() => { mo.disconnect(); resolve(false); }, 5000);
  });
  let failures = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const id = ids[(i + offset) % 2];
    const input = document.querySelector('[name=task-id]');
    input.value = id;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('form.query button[type=submit]').click();
    if (!(await waitFor(id))) failures++;
  }
  return { failures, ms: performance.now() - start };
}, { count, offset, ids: IDS }), 200000, `${count} fetch/render cycles`);

async function memoryReading(page, cdp, useImport) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const inPage = await page.evaluate(async (useImport) => {
    let mem = null; let source = null;
    if (window.wasmBindings?.memory instanceof WebAssembly.Memory) {
      mem = window.wasmBindings.memory; source = 'window.wasmBindings.memory';
    }
    if (!mem && useImport) {
      try {
        const m = await import('/fuota-console.js');
        if (m.memory instanceof WebAssembly.Memory) { mem = m.memory; source = "import { memory } from '/fuota-console.js'"; }
      } catch { /* not there */ }
    }
    if (!mem && window.__trunkWasm?.memory instanceof WebAssembly.Memory) {
      mem = window.__trunkWasm.memory; source = 'TrunkApplicationStarted event: detail.wasm.memory';
    }
    return { wasmBytes: mem ? mem.buffer.byteLength : null, source, usedJSHeapSize: performance.memory?.usedJSHeapSize ?? null };
  }, useImport);
  return { ...inPage, jsHeapUsedBytes: heap.usedSize, jsHeapTotalBytes: heap.totalSize };
}

async function memory(browser, ep, indexImportsStable) {
  const { context, page, problems, isolated } = await openIsolatedConsole(browser, ep);
  try {
    const cdp = await context.newCDPSession(page);
    const first = await cycles(page, 1, 0);
    if (first.failures) throw new Error('the first fetch/render did not complete');
    const before = await memoryReading(page, cdp, indexImportsStable);
    log(`memory: after the first fetch/render: wasm ${before.wasmBytes ?? 'n/a'} B, JS heap ${before.jsHeapUsedBytes} B; ${P.cycles} cycles…`);
    const run = await cycles(page, P.cycles, 1);
    const after = await memoryReading(page, cdp, indexImportsStable);
    const kib = (a, b) => (a == null || b == null ? null : (b - a) / 1024);
    return { isolated, cycles: P.cycles, failures: run.failures, cyclesMs: run.ms, before, after,
      wasmGrowthKiB: kib(before.wasmBytes, after.wasmBytes), jsHeapGrowthKiB: kib(before.jsHeapUsedBytes, after.jsHeapUsedBytes),
      pageErrors: problems };
  } finally {
    await context.close();
  }
}

/**
 * Wasm memory while the console keeps a live task: demo-10k opened with `?refresh=5` (the floor), read
 * after its first complete listing and again after P.liveRefreshes live refreshes. Every reading is taken
 * at the same moment of a read — the console's `fuota-devices-loaded` event, sent each time every device
 * list has been read — with two forced GCs, as in memory(). Each listing's wasm size is noted as it happens.
 */
async function liveMemory(browser, ep, useImport) {
  const { context, page, problems, isolated } = await openIsolatedConsole(browser, ep, `&refresh=${LIVE_REFRESH_S}`);
  try {
    const cdp = await context.newCDPSession(page);
    await page.evaluate((useImport) => {
      window.__listings = [];
      const stable = useImport ? import('/fuota-console.js').catch(() => null) : Promise.resolve(null);
      addEventListener('fuota-devices-loaded', async (e) => {
        const wasmBytes = (await stable)?.memory?.buffer.byteLength ?? null;
        window.__listings.push({ total: e.detail?.total ?? null, wasmBytes });
      });
    }, useImport);
    const listed = (n, timeout) => page.waitForFunction((n) => window.__listings.length >= n, n, { timeout, polling: 50 });
    await page.fill('[name=task-id]', BIG_TASK);
    await page.click(CONSOLE_SEL);
    await listed(1, 120000);
    const before = await memoryReading(page, cdp, useImport);
    log(`live memory: after the first listing: wasm ${before.wasmBytes ?? 'n/a'} B; ${P.liveRefreshes} refreshes, ${LIVE_REFRESH_S} s apart…`);
    const started = Date.now();
    await listed(1 + P.liveRefreshes, P.liveRefreshes * (LIVE_REFRESH_S + 60) * 1000).catch(async () => {
      const n = await page.evaluate(() => window.__listings.length - 1);
      throw new Error(`${n} of ${P.liveRefreshes} live refreshes of ${BIG_TASK} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });
    const after = await memoryReading(page, cdp, useImport);
    const listings = await page.evaluate(() => window.__listings);
    const short = listings.find((l) => l.total !== BIG_TASK_DEVICES);
    if (short) throw new Error(`a live refresh listed ${short.total} devices, not ${BIG_TASK_DEVICES}`);
    const live = (await page.locator('[data-live]').count()) > 0;
    const kib = (a, b) => (a == null || b == null ? null : (b - a) / 1024);
    return { isolated, live, refreshes: P.liveRefreshes, refreshSeconds: LIVE_REFRESH_S, refreshesMs: Date.now() - started,
      before, after, listings, wasmGrowthKiB: kib(before.wasmBytes, after.wasmBytes),
      jsHeapGrowthKiB: kib(before.jsHeapUsedBytes, after.jsHeapUsedBytes), pageErrors: problems };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The floor page: what the required crates cost with no console around them.
const hasFloor = () => FLOOR_FILES.every((f) => existsSync(join(FLOOR, f)));

/** Opens the floor page (cross-origin isolated), proves it is a working client, then times its keystroke. */
async function floorPage(browser, benchOrigin, api) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(errMsg(e)));
    await page.goto(`${benchOrigin}/__bench/floor/index.html`, { timeout: 30000 });
    await page.waitForSelector('[data-calc=total-fragments]', { timeout: 30000 });
    // A working client, like the size peers: it signs, fetches and parses demo-in-session.
    for (const [name, value] of [['endpoint', api], ['task-id', 'demo-in-session'], ['access-key-id', SIGN.accessKeyId],
      ['secret-access-key', SIGN.secret], ['session-token', SIGN.token]]) await page.fill(`[name=${name}]`, value);
    await page.click('button[type=submit]');
    const name = await page.waitForFunction(() => document.querySelector('output.name')?.textContent || null, null, { timeout: 10000 })
      .then((h) => h.jsonValue()).catch((e) => `no answer: ${errMsg(e)}`);
    // The local endpoint's demo-in-session is named sensor-fw-2.4.1: anything else is not a working client.
    if (name !== 'sensor-fw-2.4.1') throw new Error(`the floor page did not fetch demo-in-session: it shows ${JSON.stringify(name)}`);
    const r = await withTimeout(keystrokes(page, { count: P.keystrokes, inputSel: '[name=firmware-size]', outSel: '[data-calc=total-fragments]' }),
      60000, 'floor keystrokes');
    const isolated = await page.evaluate(() => self.crossOriginIsolated);
    if (r.samples.length === 0) throw new Error(`no keystroke updated the floor's count (${r.timeouts} timeouts)`);
    return { fetchedName: name, isolated, p95Ms: quantile(r.samples, 0.95), medianMs: median(r.samples), maxMs: Math.max(...r.samples),
      timeouts: r.timeouts, samplesMs: r.samples, pageErrors: problems };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
const fmtInt = (n) => (n == null ? '—' : n.toLocaleString('en-US'));
const kibStr = (b) => `${(b / 1024).toFixed(1)} KiB`;
const f = (x, d = 1) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(d));
const status = (ok) => (ok == null ? 'n/a' : ok ? '**met**' : '**not met**');

function report() {
  const r = results;
  const lines = [];
  const m = r.machine ?? {};
  lines.push(`# FUOTA task console — benchmark`, '');
  lines.push(`- date: ${r.date}${r.quick ? ' (**--quick**: fewer repetitions)' : ''}`);
  lines.push(`- machine: ${m.nproc} × ${m.cpu}; load average at start ${m.loadavgStart?.join(' ')}${r.loadavgEnd ? `, at end ${r.loadavgEnd.join(' ')}` : ''}`);
  lines.push(`- browser: ${r.chromium ?? 'not started'} (headless, ${CHROMIUM}); Node ${m.node}; commit ${m.commit ?? '?'}${r.dirtyBuild ? '; **a Trunk build was running in dist/ during the run**' : ''}`);
  lines.push(`- command: \`node bench/run.mjs\`${r.quick ? ' --quick' : ''}`);
  lines.push('');

  // Sizes
  lines.push(`## Bytes: first interactive and all files (gzip = ${tools.gzip}, brotli = ${tools.brotli})`, '');
  lines.push('| what | file | fetched before interactive | raw | gzip -9 | brotli -q 11 |', '|---|---|---|---:|---:|---:|');
  const sz = r.sizes ?? {};
  const totalRow = (what, file, t, bold = false) => {
    const b = (x) => (bold ? `**${fmtInt(x)}**` : fmtInt(x));
    lines.push(`| ${what} | ${file} | | ${b(t.raw)} | ${b(t.gzip)} | ${b(t.brotli)} (${kibStr(t.brotli)}) |`);
  };
  if (sz.console) {
    const n = r.coldStart?.counted;
    const fetched = (x) => (isExample(x.file) ? 'no (examples/: host-page samples, not the console\'s)'
      : x.beforeInteractive == null ? '? (cold start not measured)' : x.beforeInteractive ? 'yes'
        : x.earlyLoads ? `in ${x.earlyLoads} of ${n} loads: not counted (the form was interactive without it)` : 'no');
    for (const x of sz.console.files) lines.push(`| console dist/ | ${x.file} | ${fetched(x)} | ${fmtInt(x.raw)} | ${fmtInt(x.gzip)} | ${fmtInt(x.brotli)} |`);
    const { firstInteractive: fi, loadable, total } = sz.console;
    if (fi) totalRow('**console, first interactive**', `${fi.files} files fetched before the form was interactive, in every load`, fi, true);
    totalRow('**console, all files it can load**', `${loadable.files} files: dist/ without examples/`, loadable, true);
    if (loadable.files !== sz.console.files.length) totalRow('console, all of dist/', `${sz.console.files.length} files`, total);
  } else lines.push(`| console dist/ | — | | error: ${sz.consoleError ?? 'not measured'} | | |`);
  if (sz.floor) totalRow('floor of the required stack (bench/floor)', `${sz.floor.files.length} files: ${sz.floor.files.map((x) => x.file).join(', ')}`, sz.floor.total);
  else lines.push(`| floor of the required stack (bench/floor) | — | | ${sz.floorError ?? 'not measured'} | | |`);
  for (const [key, label, dir] of [['plain', 'minimal JS page (aws4fetch, no framework)', 'bench/'], ['sdk', 'AWS SDK v3 GetFuotaTask bundle', 'out/'],
    ['aws4fetch', 'aws4fetch signed-fetch bundle', 'out/']]) {
    const p = sz[key];
    if (p) totalRow(label, p.files.map((x) => `${dir}${x.file}`).join(', '), p.total);
    else lines.push(`| ${label} | — | | error: ${sz.peersError ?? 'not measured'} | | |`);
  }
  lines.push('');

  // Timings
  lines.push('## Time and memory', '');
  lines.push('| measure | subject | result | goal | status |', '|---|---|---|---|---|');
  const g = r.goals ?? {};
  const fi = sz.console ? (sz.console.firstInteractive ?? sz.console.loadable) : null;
  const fiWhat = !sz.console ? '' : sz.console.firstInteractive ? ` (${fi.files} files fetched before the form was interactive, in every load)` : ' (all files it can load: the cold start could not tell which came first)';
  lines.push(`| first interactive, brotli | console${fiWhat} | ${fi ? kibStr(fi.brotli) : '—'} | ≤ ${GOALS.firstInteractiveKiB} KiB | ${status(g.firstInteractive)} |`);
  lines.push(`| all files the console can load, brotli | console${sz.console ? ` (${sz.console.loadable.files} files: dist/ without examples/)` : ''} | ${sz.console ? kibStr(sz.console.loadable.brotli) : '—'} | ≤ ${GOALS.allFilesKiB} KiB | ${status(g.allFiles)} |`);
  const s = r.signing;
  const signRow = (name, label, goal, st) => {
    const x = s?.results?.[name];
    const sig = s?.signatureOk?.[name];
    const check = sig === true ? '' : sig === false ? ' — **wrong signature**' : '';
    lines.push(`| SigV4 sign, per request | ${label} | ${s?.failed?.[name] ? `error: ${s.failed[name]}` : x ? `${f(x.medianUs, 2)} µs median (min ${f(x.minUs, 2)}, p90 ${f(x.p90Us, 2)}; ${fmtInt(x.signatures)} signatures)${check}` : '—'} | ${goal} | ${st} |`);
  };
  if (s?.error) lines.push(`| SigV4 sign, per request | all | error: ${s.error} | | |`);
  else if (s) {
    if (s.results.wasm) {
      const sp = g.signSpeedup != null ? `; ${f(g.signSpeedup, 1)}× the fastest JS peer` : '';
      signRow('wasm', `console wasm (\`benchSign\`)${sp}`, `≤ ${GOALS.signUs} µs and ≥ ${GOALS.signSpeedup}× faster than the fastest JS peer`, status(g.sign));
    } else lines.push(`| SigV4 sign, per request | console wasm | n/a (${s.wasmNa}) | ≤ ${GOALS.signUs} µs and ≥ ${GOALS.signSpeedup}× faster than the fastest JS peer | n/a |`);
    if (s.results.floor || s.failed?.floor) signRow('floor', 'floor: aws-sigv4 alone in wasm (bench/floor `benchSign`)', 'floor', '');
    else lines.push(`| SigV4 sign, per request | floor: aws-sigv4 alone in wasm | n/a (${s.floorNa ?? 'not built'}) | floor | |`);
    signRow('smithy-sha256-js', '@smithy/signature-v4 + @aws-crypto/sha256-js', 'peer', '');
    signRow('smithy-sha256-browser', `@smithy/signature-v4 + @aws-crypto/sha256-browser (${s.sha256BrowserImpl})`, 'peer', '');
    signRow('aws4fetch', 'aws4fetch AwsV4Signer.sign() (WebCrypto)', 'peer', '');
  }
  const coldRow = (c, subject) => lines.push(`| cold start: navigation → form interactive | ${subject} (${P.coldLoads} fresh contexts) | ${c?.error ? `error: ${c.error}` : c ? `${f(c.medianMs)} ms median (${c.loadsMs.map((x) => f(x, 0)).join(', ')})` : '—'} | — | |`);
  coldRow(r.coldStart, 'console: its static form (HTML, CSS, page.js)');
  coldRow(r.consoleReadyColdStart, 'console: the wasm has taken the form over');
  coldRow(r.plainColdStart, 'minimal JS page');
  for (const [label, what] of [['loopback', 'loopback'], ['slow4g', 'slow 4G (150 ms, 1.6 Mbit/s down)']]) {
    const t = r.taskOnScreen?.[label];
    const row = (x) => (x ? `${f(x.medianMs)} ms median (${x.loadsMs.map((v) => f(v, 0)).join(', ')})` : '—');
    const ratio = t?.console && t?.plain ? `; ${f(t.console.medianMs / t.plain.medianMs, 2)}× the minimal JS page` : '';
    lines.push(`| navigation → task on screen, ${what} | console | ${r.taskOnScreen?.error ? `error: ${r.taskOnScreen.error}` : `${row(t?.console)}${ratio}`} | ${label === 'slow4g' ? '≤ 1.5× the minimal JS page' : '—'} | |`);
    lines.push(`| navigation → task on screen, ${what} | minimal JS page | ${row(t?.plain)} | — | |`);
    const floorRatio = t?.floor && t?.plain ? `; ${f(t.floor.medianMs / t.plain.medianMs, 2)}× the minimal JS page` : '';
    lines.push(`| navigation → task on screen, ${what} | floor of the required stack (bench/floor) | ${t?.floor ? `${row(t.floor)}${floorRatio}` : 'n/a (bench/out/floor not built)'} | floor | |`);
    const devicesRow = (x) => (x?.devicesMedianMs != null ? `${f(x.devicesMedianMs)} ms median (${x.devicesLoadsMs.map((v) => f(v, 0)).join(', ')})` : '—');
    lines.push(`| navigation → its devices on screen, ${what} | console (the campaign's part asked for ahead of its use, as shipped) | ${devicesRow(t?.console)} | — | |`);
    lines.push(`| navigation → task / its devices on screen, ${what} | console, the campaign's part held until the task is on screen | ${row(t?.consoleLateParts)} / ${devicesRow(t?.consoleLateParts)} | — | |`);
  }
  lines.push(`| cold start ≤ ${GOALS.coldStartRatio}× the minimal JS page | console ÷ minimal JS page (medians) | ${g.coldStartRatio != null ? `${f(g.coldStartRatio, 2)}×` : '—'} | ≤ ${GOALS.coldStartRatio}× | ${status(g.coldStart)} |`);
  const sub = r.submit;
  lines.push(`| submit → task rendered (loopback) | console (${P.submits} submits) | ${sub?.error ? `error: ${sub.error}` : sub ? `${f(sub.medianMs)} ms median (min ${f(sub.minMs)}, max ${f(sub.maxMs)}; first ${f(sub.firstMs)})` : '—'} | — | |`);
  const ca = r.calculator;
  lines.push(`| calculator: keystroke → counts in DOM | console (${P.keystrokes} keystrokes) | ${ca?.error ? `error: ${ca.error}` : ca ? `${f(ca.p95Ms, 3)} ms p95, ${f(ca.medianMs, 3)} ms median (max ${f(ca.maxMs, 3)}${ca.timeouts ? `; ${ca.timeouts} not updated within 1 s` : ''})` : '—'} | p95 ≤ ${GOALS.calcP95Ms} ms | ${status(g.calc)} |`);
  const dv = r.devices10k; const pd = r.plainDevices10k;
  const listedRow = (x, what, subject) => lines.push(`| campaign: open a task → ${what} (41 pages of ListWirelessDevices + its group's list, loopback) | ${subject} | ${x?.error ? `error: ${x.error}` : x ? `${fmtInt(Math.round(x.listedMs))} ms; ${fmtInt(Math.round(x.framedMs))} ms to the next frame` : '—'} | — | |`);
  const searchRow = (x, subject, shows, goal, st) => lines.push(`| campaign: device-search keystroke → table rows changed, at 10,000 devices | ${subject} (${x?.keystrokes ?? P.deviceKeystrokes} keystrokes; ${shows}) | ${x?.error ? `error: ${x.error}` : x ? `${f(x.p95Ms, 2)} ms p95, ${f(x.medianMs, 2)} ms median (max ${f(x.maxMs, 2)})` : '—'} | ${goal} | ${st} |`);
  listedRow(dv, 'its 10,000th device listed', 'console');
  listedRow(pd, 'all 10,000 devices in its table', 'minimal JS page');
  searchRow(dv, 'console', 'shows 100 rows at a time', `p95 ≤ ${GOALS.deviceSearchP95Ms} ms (one frame)`, status(g.deviceSearch));
  searchRow(pd, 'minimal JS page', 'shows every matching row', '—', '');
  const fl = r.floor;
  lines.push(`| calculator: keystroke → count in DOM | floor page (${P.keystrokes} keystrokes; one input, one count) | ${fl?.error ? `error: ${fl.error}` : fl ? `${f(fl.p95Ms, 3)} ms p95, ${f(fl.medianMs, 3)} ms median (max ${f(fl.maxMs, 3)})` : '—'} | floor | |`);
  const me = r.memory;
  if (me?.error) lines.push(`| memory growth over ${P.cycles} fetch/render cycles | console | error: ${me.error} | | |`);
  else if (me) {
    const w = me.before.wasmBytes != null
      ? `${fmtInt(me.before.wasmBytes)} B → ${fmtInt(me.after.wasmBytes)} B: **${f(me.wasmGrowthKiB, 0)} KiB** (via ${me.before.source})`
      : 'n/a (no WebAssembly.Memory reachable from the page)';
    lines.push(`| memory growth over ${P.cycles} fetch/render cycles: wasm memory | console | ${w}${me.failures ? `; ${me.failures} cycles failed` : ''} | ≤ 1 MiB | ${status(g.memory)} |`);
    lines.push(`| memory growth over ${P.cycles} fetch/render cycles: JS heap after GC | console | ${fmtInt(me.before.jsHeapUsedBytes)} B → ${fmtInt(me.after.jsHeapUsedBytes)} B: ${f(me.jsHeapGrowthKiB, 0)} KiB (CDP Runtime.getHeapUsage) | — | |`);
  }
  const lm = r.liveMemory;
  const liveWhat = `memory growth over ${P.liveRefreshes} live refreshes of ${BIG_TASK} (10,000 devices, \`refresh=${LIVE_REFRESH_S}\`${QUICK ? '; --quick: a full run does 20' : ''})`;
  if (lm?.error) lines.push(`| ${liveWhat} | console | error: ${lm.error} | | |`);
  else if (lm) {
    const w = lm.before.wasmBytes != null
      ? `${fmtInt(lm.before.wasmBytes)} B → ${fmtInt(lm.after.wasmBytes)} B: **${f(lm.wasmGrowthKiB, 0)} KiB** (after the first listing → after the last refresh)`
      : 'n/a (no WebAssembly.Memory reachable from the page)';
    lines.push(`| ${liveWhat}: wasm memory | console | ${w} | ≤ 1 MiB | ${status(g.liveMemory)} |`);
    lines.push(`| ${liveWhat}: JS heap after GC | console | ${fmtInt(lm.before.jsHeapUsedBytes)} B → ${fmtInt(lm.after.jsHeapUsedBytes)} B: ${f(lm.jsHeapGrowthKiB, 0)} KiB | — | |`);
  }
  lines.push('');
  const notes = [];
  if (r.taskOnScreen) notes.push('navigation → task (devices) on screen: the page\'s own clock (`performance.now()` from the navigation\'s start) at the paint after the element appeared, not Playwright\'s sighting of it, which comes later when the main thread is busy after that paint');
  if (s && !s.error) {
    notes.push(`signing: batches of ${s.n} signatures, ${s.rounds} batches per signer after 2 warm-up rounds, interleaved; page cross-origin isolated: ${s.crossOriginIsolated} (timer resolution ${s.crossOriginIsolated ? '5' : '100'} µs); every signer checked produces the reference signature: ${Object.entries(s.signatureOk ?? {}).map(([k, v]) => `${k} ${v ? 'yes' : v === false ? 'NO' : 'unchecked'}`).join(', ')}`);
    if (s.peerSmoke) notes.push(`size peers fetched demo-in-session from the local endpoint: ${Object.entries(s.peerSmoke).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  if (r.calculator?.harnessFloor?.medianMs != null) {
    const h = r.calculator.harnessFloor;
    notes.push(`calculator harness floor (a plain-JS input → microtask → attribute, timed by the same loop on the same page): ${f(h.medianMs, 3)} ms median, ${f(h.p95Ms, 3)} ms p95`);
  }
  if (fl && !fl.error) notes.push(`floor page: cross-origin isolated ${fl.isolated}; as a client it fetched demo-in-session and shows its Name: ${JSON.stringify(fl.fetchedName)}`);
  if (pd && !pd.error) notes.push(`minimal JS page: cross-origin isolated ${pd.isolated}; it fetched ${BIG_TASK}, shows its Name ${JSON.stringify(pd.fetchedName)} and ${fmtInt(pd.rows)} rows`);
  if (lm && !lm.error) {
    const mib = (b) => (b == null ? '?' : (b / 1048576).toFixed(2));
    notes.push(`live memory: ${BIG_TASK} is live (In_FuotaSession) and the console said so: ${lm.live}; ${lm.refreshes} refreshes took ${f(lm.refreshesMs / 1000, 0)} s; wasm memory at each listing (MiB): ${lm.listings.map((l) => mib(l.wasmBytes)).join(', ')}`);
  }
  if (r.isolatedConsole != null) notes.push(`console pages for submit/calculator/memory cross-origin isolated (5 µs timers): ${r.isolatedConsole}`);
  if (m.loadavgStart && (m.loadavgStart[0] > m.nproc / 2 || (r.loadavgEnd?.[0] ?? 0) > m.nproc / 2)) {
    notes.push(`the machine was busy (1-min load average ${m.loadavgStart[0]} at start, ${r.loadavgEnd?.[0] ?? '?'} at end, on ${m.nproc} CPUs): timings are inflated and noisy; bytes are not affected`);
  }
  if (r.dirtyBuild) notes.push('dist/.stage existed: a Trunk build was writing dist/ during the run; sizes exclude .stage/, but the files may mix two builds');
  for (const e of r.errors) notes.push(`error: ${e}`);
  if (notes.length) { lines.push('Notes:', ''); for (const n of notes) lines.push(`- ${n}`); lines.push(''); }
  const text = lines.join('\n');
  console.log(text);
  results.markdown = text;
  writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${join(BENCH, 'results.json')}`);
}

// ---------------------------------------------------------------------------------------------
async function main() {
  results.machine = machine();
  log(`machine: ${results.machine.nproc} × ${results.machine.cpu}, load ${results.machine.loadavgStart.join(' ')}`);
  results.dirtyBuild = buildInProgress(DIST);
  if (!existsSync(DIST)) throw new Error(`${DIST} does not exist: build the console first`);
  const distFiles = listFiles(DIST);
  results.distFiles = distFiles;
  const hasStableModule = existsSync(join(OUT, 'console-bench', 'fuota-console.js'));
  const indexHtml = existsSync(join(DIST, 'index.html')) ? readFileSync(join(DIST, 'index.html'), 'utf8') : '';
  // Only when the page itself loads /fuota-console.js is `import { memory } from '/fuota-console.js'`
  // the running app's instance (same URL, same module); otherwise it would be a second instance.
  const indexImportsStable = /['"]\.?\/fuota-console\.js['"]/.test(indexHtml);
  results.stableModule = { present: hasStableModule, importedByIndex: indexImportsStable };

  // 1. sizes
  log(`sizes of dist/ (${distFiles.length} files) and the peers' bundles…`);
  results.sizes = {};
  try {
    results.sizes.console = sizesOf(DIST, distFiles);
    results.sizes.console.loadable = totalOf(results.sizes.console.files.filter((x) => !isExample(x.file)));
  } catch (e) { results.sizes.consoleError = errMsg(e); results.errors.push(`console sizes: ${errMsg(e)}`); }
  let bundles = null;
  try {
    bundles = bundlePeers();
    results.sizes.sdk = sizesOf(OUT, [bundles.sdk]);
    results.sizes.aws4fetch = sizesOf(OUT, [bundles.aws4fetch]);
    results.sizes.plain = sizesOf(BENCH, PLAIN_FILES);
  } catch (e) { results.sizes.peersError = errMsg(e); results.errors.push(`peer bundles: ${errMsg(e)}`); }
  results.versions = peerVersions();
  if (hasFloor()) {
    try { results.sizes.floor = sizesOf(FLOOR, FLOOR_FILES); } catch (e) { results.sizes.floorError = `error: ${errMsg(e)}`; results.errors.push(`floor sizes: ${errMsg(e)}`); }
  } else results.sizes.floorError = `n/a: ${FLOOR} not built (scripts/bench.sh builds it)`;

  // 2.-6. in the browser
  const { chromium } = await import('playwright-core');
  // The pages that call the endpoint come from three origins: its own site, the isolating proxy in
  // front of it and the bench page server; it answers CORS for those only.
  let site;
  const isolatedSite = await startIsolatingProxy(() => site);
  const compressedSite = await startCompressingProxy(() => site);
  const benchOrigin = await startStaticServer();
  const ep = await startLocalEndpoint([isolatedSite, compressedSite, benchOrigin]);
  site = ep.site;
  ep.isolatedSite = isolatedSite;
  ep.compressedSite = compressedSite;
  results.endpoint = ep;
  log(`fuota-local (pid ${ep.pid}): api ${ep.api}, site ${ep.site}`);
  // The wasm memory is exported by the benchmark's build only (the shipped module hands no script
  // the memory the keys are in): the memory steps open that build, behind an isolating proxy of its
  // own, on an endpoint of its own. The shipped build serves every other step.
  let benchSite;
  const memoryEp = { ...ep };
  if (existsSync(join(OUT, 'console-bench', 'fuota-console.js'))) {
    const isolatedBenchSite = await startIsolatingProxy(() => benchSite);
    const benchEp = await startLocalEndpoint([isolatedBenchSite], join(OUT, 'console-bench'));
    benchSite = benchEp.site;
    Object.assign(memoryEp, benchEp, { isolatedSite: isolatedBenchSite });
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, chromiumSandbox: false, args: CHROMIUM_ARGS, timeout: 30000 });
  cleanups.push(() => browser.close());
  results.chromium = `Chromium ${browser.version()}`;
  log(`${results.chromium}; bench page server ${benchOrigin}`);

  const step = async (key, what, fn) => {
    log(`${what}…`);
    try { results[key] = await fn(); } catch (e) { results[key] = { error: errMsg(e) }; results.errors.push(`${what}: ${errMsg(e)}`); log(`${what} failed: ${errMsg(e)}`); }
  };

  await step('signing', 'signing', async () => {
    if (!bundles) throw new Error('no peer bundles');
    const s = await benchSigning(browser, benchOrigin, ep.api, hasStableModule);
    const ref = referenceSignature();
    s.referenceSignature = ref;
    s.signatureOk = Object.fromEntries(Object.entries(s.signatures).filter(([k]) => k !== 'wasm').map(([k, v]) => [k, v === ref]));
    // The floor's signature is checked like the JS peers' (same request, same time).
    for (const [k, v] of Object.entries(s.failed ?? {})) if (k !== 'wasm') results.errors.push(`signing with ${k}: ${v}`);
    if (hasFloor() && s.floorNa) results.errors.push(`signing with the floor: ${s.floorNa}`);
    for (const [k, ok] of Object.entries(s.signatureOk)) if (!ok) results.errors.push(`${k} signed wrong: ${s.signatures[k]} ≠ reference ${ref}`);
    return s;
  });
  await step('coldStart', `cold start of the console and the minimal JS page (${P.coldLoads} fresh loads each + 1 warm-up, interleaved)`, async () => {
    const consoleUrl = `${ep.site}/?demo&endpoint=${encodeURIComponent(ep.api)}`;
    const subjects = { console: { url: consoleUrl, sel: FORM_SEL, origin: new URL(ep.site).origin },
      consoleReady: { url: consoleUrl, sel: CONSOLE_SEL, origin: new URL(ep.site).origin } };
    if (bundles) subjects.plain = { url: `${benchOrigin}${PLAIN_PAGE}`, sel: PLAIN_FORM_SEL, origin: benchOrigin };
    const cs = await coldStarts(browser, subjects);
    results.plainColdStart = cs.plain ?? { error: 'no peer bundles' };
    results.consoleReadyColdStart = cs.consoleReady;
    if (results.plainColdStart.error) results.errors.push(`cold start of the minimal JS page: ${results.plainColdStart.error}`);
    if (cs.console.error) throw new Error(cs.console.error);
    return cs.console;
  });
  results.plainColdStart ??= { error: 'not run' };
  await step('taskOnScreen', `navigation → a task on screen, loopback and slow 4G, the console, the minimal JS page and the floor (${P.coldLoads} fresh loads each + 1 warm-up)`,
    () => tasksOnScreen(browser, ep, benchOrigin, bundles));

  await step('submit', `submit → rendered (${P.submits}) and calculator (${P.keystrokes} keystrokes)`, async () => {
    const { context, page, problems, isolated } = await openIsolatedConsole(browser, ep);
    results.isolatedConsole = isolated;
    try {
      const sub = await submitToRender(page);
      try { results.calculator = await calculator(page); } catch (e) { results.calculator = { error: errMsg(e) }; results.errors.push(`calculator: ${errMsg(e)}`); }
      if (problems.length) sub.pageErrors = problems;
      return sub;
    } finally { await context.close(); }
  });
  if (!results.calculator) results.calculator = { error: 'not run (the console page did not open)' };

  await step('devices10k', `10,000 devices: open → listed, and ${P.deviceKeystrokes} search keystrokes`, async () => {
    const { context, page } = await openIsolatedConsole(browser, ep);
    try { return await devices10k(page); } finally { await context.close(); }
  });
  await step('plainDevices10k', `10,000 devices on the minimal JS page: open → all rows, and ${P.deviceKeystrokes} search keystrokes`, async () => {
    if (!bundles) throw new Error('no peer bundles');
    return plainDevices10k(browser, benchOrigin, ep.api);
  });

  if (hasFloor()) await step('floor', `floor page (${P.keystrokes} keystrokes)`, () => floorPage(browser, benchOrigin, ep.api));
  else results.floor = { error: 'n/a: bench/out/floor not built (scripts/bench.sh builds it)' };

  await step('memory', `memory (${P.cycles} fetch/render cycles)`, () => memory(browser, memoryEp, indexImportsStable));
  await step('liveMemory', `live memory (${BIG_TASK}: ${P.liveRefreshes} live refreshes, ${LIVE_REFRESH_S} s apart)`, () => liveMemory(browser, memoryEp, indexImportsStable));

  // Goals (reported, never the exit status).
  const sc = results.sizes.console;
  const early = results.coldStart?.earlyLoads;
  if (sc && early) {
    for (const x of sc.files) {
      x.earlyLoads = early[x.file] ?? 0;
      x.beforeInteractive = x.earlyLoads === results.coldStart.counted;
    }
    sc.firstInteractive = totalOf(sc.files.filter((x) => x.beforeInteractive));
    const missing = Object.keys(early).filter((x) => !sc.files.some((y) => y.file === x));
    if (missing.length) results.errors.push(`the page loaded files that were not in dist/ when it was sized (a rebuild during the run?): ${missing.join(', ')}`);
  }
  const cold = results.coldStart?.medianMs; const plainCold = results.plainColdStart?.medianMs;
  const coldRatio = cold != null && plainCold ? cold / plainCold : null;
  const js = ['smithy-sha256-js', 'smithy-sha256-browser', 'aws4fetch'].map((k) => results.signing?.results?.[k]?.medianUs).filter((x) => x != null);
  const wasmUs = results.signing?.results?.wasm?.medianUs;
  const speedup = wasmUs != null && js.length ? Math.min(...js) / wasmUs : null;
  results.goals = {
    firstInteractive: sc ? (sc.firstInteractive ?? sc.loadable).brotli <= GOALS.firstInteractiveKiB * 1024 : null,
    allFiles: sc ? sc.loadable.brotli <= GOALS.allFilesKiB * 1024 : null,
    coldStartRatio: coldRatio,
    coldStart: coldRatio != null ? coldRatio <= GOALS.coldStartRatio : null,
    signSpeedup: speedup,
    sign: wasmUs != null && speedup != null ? wasmUs <= GOALS.signUs && speedup >= GOALS.signSpeedup : null,
    calc: results.calculator?.p95Ms != null ? results.calculator.p95Ms <= GOALS.calcP95Ms : null,
    memory: results.memory?.wasmGrowthKiB != null ? results.memory.wasmGrowthKiB <= GOALS.memGrowthKiB : null,
    deviceSearch: results.devices10k?.p95Ms != null ? results.devices10k.p95Ms <= GOALS.deviceSearchP95Ms : null,
    liveMemory: results.liveMemory?.wasmGrowthKiB != null ? results.liveMemory.wasmGrowthKiB <= GOALS.liveGrowthKiB : null,
  };
  results.loadavgEnd = loadavg().map((x) => +x.toFixed(2));
  results.dirtyBuild ||= buildInProgress(DIST);
  results.elapsedS = (Date.now() - t0) / 1000;
}

let code = 0;
try {
  await main();
} catch (e) {
  results.errors.push(errMsg(e));
  log('failed:', errMsg(e));
}
await cleanup();
clearTimeout(watchdog);
report();
code = results.errors.length ? 1 : 0;
log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s${code ? ` with ${results.errors.length} error(s)` : ''}`);
process.exit(code);
