// Load test of the local endpoint's site server (fuota-local --site): every file of the built site,
// asked for hundreds of times at once, the way a page's parts and two widgets ask for the same
// chunks together, must be answered, byte for byte the file on disk.
//
//   node tests/site/load.mjs SITE_URL DIR [--copies N] [--rounds R] [--timeout-ms MS]
//
// R rounds (default 3; the connections of one round stay open through the next, as a browser's
// do). In each, every file N times (default 8), first in bursts of new connections alone (one per
// request, a hundred opened together and kept alive after: best on a server just started), then
// three ways at once:
//   - keep-alive, browser-like: at most 6 connections, every request queued on them;
//   - the burst of new connections again;
//   - pipelined: 8 connections, each sending its share of the requests in one write before
//     reading any answer.
// Prints what each way got and exits 1 when one request is unanswered, refused or not byte-exact.
import http from 'node:http';
import net from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return Number(value);
};
const COPIES = flag('--copies', 8);
const ROUNDS = flag('--rounds', 3);
const TIMEOUT_MS = flag('--timeout-ms', 30000);
const [SITE, DIR] = args;
if (!SITE || !DIR) {
  console.error('usage: node tests/site/load.mjs SITE_URL DIR [--copies N] [--rounds R] [--timeout-ms MS]');
  process.exit(2);
}
const site = new URL(SITE);

/** Every file under `dir`, as [url path, bytes]; a folder's index.html also as the folder's path. */
function files(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const rel = relative(dir, path).split(sep).map(encodeURIComponent).join('/');
        const bytes = readFileSync(path);
        out.push([`/${rel}`, bytes]);
        if (name === 'index.html') out.push([`/${rel.slice(0, -'index.html'.length)}`, bytes]);
      }
    }
  };
  walk(dir);
  return out;
}

const all = files(DIR);
if (all.length === 0) {
  console.error(`${DIR} has no files`);
  process.exit(2);
}
const jobs = Array.from({ length: COPIES }, () => all).flat();

/** One GET through `agent`: resolves to a problem string, or null when byte-exact. */
function viaAgent(agent, [path, expected]) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { req.destroy(); resolve(`${path}: no answer in ${TIMEOUT_MS} ms`); }, TIMEOUT_MS);
    const req = http.get({ host: site.hostname, port: site.port, path, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200) resolve(`${path}: status ${res.statusCode}`);
        else if (!body.equals(expected)) resolve(`${path}: ${body.length} bytes, not the file's ${expected.length}`);
        else resolve(null);
      });
      res.on('error', (e) => { clearTimeout(timer); resolve(`${path}: ${e.message}`); });
    });
    req.on('error', (e) => { clearTimeout(timer); resolve(`${path}: ${e.message}`); });
  });
}

/** Reads HTTP/1.1 answers off a buffer: Content-Length or chunked bodies. */
function parseAnswers(buf) {
  const answers = [];
  let at = 0;
  for (;;) {
    const headEnd = buf.indexOf('\r\n\r\n', at);
    if (headEnd < 0) break;
    const head = buf.subarray(at, headEnd).toString('latin1');
    const status = Number(head.split(' ')[1]);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let p = headEnd + 4;
    if (length) {
      const end = p + Number(length[1]);
      if (buf.length < end) break;
      answers.push({ status, body: buf.subarray(p, end) });
      at = end;
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const parts = [];
      let complete = false;
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', p);
        if (lineEnd < 0) break;
        const size = parseInt(buf.subarray(p, lineEnd).toString('latin1'), 16);
        if (buf.length < lineEnd + 2 + size + 2) break;
        if (size === 0) { p = lineEnd + 4; complete = true; break; }
        parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        p = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      answers.push({ status, body: Buffer.concat(parts) });
      at = p;
    } else {
      answers.push({ status, body: Buffer.alloc(0) });
      at = p;
    }
  }
  return { answers, rest: buf.subarray(at) };
}

/** Sends `share` pipelined on one connection; resolves to the problems. */
function pipelined(share) {
  return new Promise((resolve) => {
    const problems = [];
    let buf = Buffer.alloc(0);
    let got = 0;
    const sock = net.connect({ host: site.hostname, port: Number(site.port) });
    const finish = (extra) => {
      clearTimeout(timer);
      sock.destroy();
      if (extra) for (const [path] of share.slice(got)) problems.push(`${path} (pipelined): ${extra}`);
      resolve(problems);
    };
    const timer = setTimeout(() => finish(`no answer in ${TIMEOUT_MS} ms`), TIMEOUT_MS);
    sock.on('connect', () => {
      sock.write(share.map(([path]) => `GET ${path} HTTP/1.1\r\nHost: ${site.host}\r\n\r\n`).join(''));
    });
    sock.on('data', (d) => {
      const parsed = parseAnswers(Buffer.concat([buf, d]));
      buf = parsed.rest;
      for (const { status, body } of parsed.answers) {
        const [path, expected] = share[got++];
        if (status !== 200) problems.push(`${path} (pipelined): status ${status}`);
        else if (!body.equals(expected)) problems.push(`${path} (pipelined): ${body.length} bytes, not the file's ${expected.length}`);
      }
      if (got === share.length) finish();
    });
    sock.on('error', (e) => finish(e.message));
    sock.on('close', () => finish(got < share.length ? 'connection closed' : undefined));
  });
}

async function way(name, run) {
  const started = Date.now();
  const problems = await run();
  const answered = jobs.length - problems.length;
  console.log(`${name}: ${answered}/${jobs.length} answered byte-exact in ${Date.now() - started} ms`);
  for (const p of problems.slice(0, 5)) console.log(`  ${p}`);
  if (problems.length > 5) console.log(`  … and ${problems.length - 5} more`);
  return problems.length;
}

const agents = [];
const agent = (maxSockets) => {
  const a = new http.Agent({ keepAlive: true, maxSockets });
  agents.push(a);
  return a;
};
const pipes = 8;
const WAVE = 100;
let failed = 0;
for (let round = 1; round <= ROUNDS; round++) {
  // In waves of WAVE new connections at once (each wave its own agent, so that none reuses an
  // earlier wave's connections, which stay open): a wave fits the listen backlog, and arrives
  // faster than a bigger burst whose extra connection attempts the kernel makes wait.
  failed += await way(`round ${round}: bursts of ${WAVE} new keep-alive connections, alone`, async () => {
    const problems = [];
    for (let at = 0; at < jobs.length; at += WAVE) {
      const wave = agent(Infinity);
      problems.push(...(await Promise.all(jobs.slice(at, at + WAVE).map((j) => viaAgent(wave, j)))).filter(Boolean));
    }
    return problems;
  });
  const browserLike = agent(6);
  const burst = agent(Infinity);
  const results = await Promise.all([
    way(`round ${round}: keep-alive, 6 connections`, async () => (await Promise.all(jobs.map((j) => viaAgent(browserLike, j)))).filter(Boolean)),
    way(`round ${round}: a burst of new keep-alive connections`, async () => (await Promise.all(jobs.map((j) => viaAgent(burst, j)))).filter(Boolean)),
    way(`round ${round}: pipelined on ${pipes} connections`, async () =>
      (await Promise.all(Array.from({ length: pipes }, (_, i) => pipelined(jobs.filter((_, k) => k % pipes === i))))).flat()),
  ]);
  failed += results.reduce((a, b) => a + b, 0);
}
for (const a of agents) a.destroy();
console.log(`${all.length} files × ${COPIES} × 4 ways × ${ROUNDS} rounds, ${4 * ROUNDS * jobs.length} requests: ${failed === 0 ? 'every one answered byte-exact' : `${failed} failed`}`);
process.exit(failed === 0 ? 0 : 1);
