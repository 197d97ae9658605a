// End-to-end measurements: rollouts at scale, from the console in Debian Chromium against the real
// local endpoint (helpers and style as in rollouts.test.mjs, which shows the contract used here).
//
//  1. a 1,000-device wave: a New rollout of 1,000 pasted `demo-10k` devices (US915, the roster's
//     band) in one wave (`rest`) delivered by a group: reviewed as its five steps, sent with at
//     most 4 writes in flight, every call answered with success; the time of the sending printed;
//  2. rebuilding the rollouts view of a region with 500 tasks, a fifth of them rollout waves
//     (20 rollouts of 5 waves, their tags written by botocore as the console writes them, the rest
//     plain tasks): the first read and a read again timed, and the requests of each counted by
//     operation; every rollout rebuilt, none damaged.
//
// What they measure is how long a user waits (and how many requests the page makes for it) on
// this machine, over loopback, against an endpoint that answers at once: useful to see a change
// move the numbers, useless as a pass mark. The times are printed (console.log) and never asserted:
// the same run takes twice as long on a busy CI machine. Only correctness is asserted: the steps
// and their counts, the writes' answers and order, the in-flight limit, the rollouts rebuilt and
// each task's tags read once.
//
// Each test has an endpoint of its own (`--schedule-speed 600`, as rollouts.test.mjs), so that its
// counts do not depend on the other test having run: the endpoint starts with 13 tasks in
// us-east-1, 3 of them the waves of its 2 demo rollouts, and lists at most 5 tasks a page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, SITE, confirmEndpoint, endpointLog, useBrowser, watch } from './chromium.mjs';

const browser = useBrowser();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts an endpoint of the calling test's own; gives a function that waits for its API's URL. */
function startEndpoint(name) {
  const dir = mkdtempSync(join(tmpdir(), `fuota-rollouts-scale-${name}-`));
  const readyFile = join(dir, 'ready.json');
  // Its pages come from FUOTA_SITE: the endpoint answers CORS for that origin only.
  const endpoint = spawn(process.env.FUOTA_LOCAL, ['--api', '127.0.0.1:0', '--ready-file', readyFile, '--schedule-speed', '600',
    ...(SITE ? ['--cors-origin', new URL(SITE).origin] : [])], { stdio: ['ignore', 'ignore', endpointLog(`rollouts-scale-${name}`)] });
  after(() => endpoint.kill());
  return async () => {
    for (let i = 0; i < 100 && !existsSync(readyFile); i++) await sleep(100);
    return JSON.parse(readFileSync(readyFile, 'utf8')).api;
  };
}

const IMAGE = 's3://fw-bucket/sensor/3.0.0.bin';
const ROLE = 'arn:aws:iam::123456789012:role/IoTWirelessFuota';
// demo-10k's devices are in US915 (local-endpoint/src/campaign.rs, `band_of_roster`): a group of
// another band refuses them.
const RF_REGION = 'US915';
const DEMO_ROLLOUTS = ['demo-rollout-good', 'demo-rollout-bad'];
const VIEWPORT = { width: 1280, height: 1100 };
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The API operation of a request, from its method and path (the endpoint's routes). */
function operationOf(method, url) {
  const path = new URL(url).pathname;
  const routes = [
    ['GET', /^\/fuota-tasks$/, 'ListFuotaTasks'],
    ['GET', /^\/fuota-tasks\/[^/]+$/, 'GetFuotaTask'],
    ['GET', /^\/fuota-tasks\/[^/]+\/multicast-groups$/, 'ListMulticastGroupsByFuotaTask'],
    ['GET', /^\/wireless-devices$/, 'ListWirelessDevices'],
    ['GET', /^\/multicast-groups\/[^/]+$/, 'GetMulticastGroup'],
    ['GET', /^\/tags$/, 'ListTagsForResource'],
    ['POST', /^\/multicast-groups$/, 'CreateMulticastGroup'],
    ['PUT', /^\/multicast-groups\/[^/]+\/wireless-device$/, 'AssociateWirelessDeviceWithMulticastGroup'],
    ['POST', /^\/fuota-tasks$/, 'CreateFuotaTask'],
    ['PUT', /^\/fuota-tasks\/[^/]+\/multicast-group$/, 'AssociateMulticastGroupWithFuotaTask'],
    ['PUT', /^\/fuota-tasks\/[^/]+\/wireless-device$/, 'AssociateWirelessDeviceWithFuotaTask'],
    ['PUT', /^\/fuota-tasks\/[^/]+$/, 'StartFuotaTask'],
  ];
  return routes.find(([m, re]) => m === method && re.test(path))?.[2] ?? `${method} ${path}`;
}

/** The path's segment after `after`: the task of /fuota-tasks/{Id}/…, the group of /multicast-groups/{Id}/…. */
function idIn(url, after) {
  const parts = new URL(url).pathname.split('/');
  return decodeURIComponent(parts[parts.indexOf(after) + 1]);
}

/**
 * Opens the console on the endpoint at `api`; records every request to it (operation, method,
 * URL, body, answer's status) in `requests`, and the write requests also in `writes`.
 */
async function open(api, query = '') {
  const page = await browser().newPage({ viewport: VIEWPORT });
  const seen = watch(page);
  const requests = [];
  const writes = [];
  const origin = new URL(api).origin;
  const of = new Map();
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) return;
    const q = { method: r.method(), url: r.url(), body: r.postData() ?? '', op: operationOf(r.method(), r.url()), status: null };
    of.set(r, q);
    requests.push(q);
    if (WRITE_METHODS.has(r.method())) writes.push(q);
  });
  page.on('response', (res) => {
    const q = of.get(res.request());
    if (q) q.status = res.status();
  });
  page.on('requestfailed', (r) => {
    const q = of.get(r);
    if (q) q.status = 'failed';
  });
  await page.goto(`${SITE}/?demo&endpoint=${encodeURIComponent(api)}${query}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  return { page, requests, writes, ...seen };
}

/** The page's own problems, without the browser's line for each error answer that was expected. */
function unexpected(problems, ...statuses) {
  const expected = statuses.map((s) => `console: Failed to load resource: the server responded with a status of ${s}`);
  return problems.filter((p) => !expected.some((e) => p.startsWith(e)));
}
// The rollouts view reads every task: demo-busy's read is throttled once (429), and a deleted wave
// group answers 404 when the page looks whether it still exists.
const READ_STATUSES = ['404', '429'];

/** How many of `list` there are of each operation, in `ops`' order. */
function countOps(list, ops) {
  return Object.fromEntries(ops.map((op) => [op, list.filter((q) => q.op === op).length]));
}

// ——— Tags (core/src/rollout/tags.rs) ———

/** The `fuota-rollout:` tags of a create's body, as an object. */
function rolloutTags(body) {
  const tags = Array.isArray(body.Tags) ? body.Tags : [];
  return Object.fromEntries(tags.filter((t) => t.Key.startsWith('fuota-rollout:')).map((t) => [t.Key, t.Value]));
}

function fnv1a64(text) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

/** The schema's check: FNV-1a 64 of the other rollout tags sorted, `key\tvalue\n` each. */
function checkOf(tags) {
  const lines = Object.entries(tags).filter(([k]) => k !== 'fuota-rollout:check').map(([k, v]) => `${k}\t${v}\n`);
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return fnv1a64(lines.join(''));
}

/** The given tags with their check added. */
function withCheck(tags) {
  return { ...tags, 'fuota-rollout:check': checkOf(tags) };
}

// ——— The rollouts view ———

const VIEW = 'section[data-view=rollouts]';

/** Shows the rollouts view read afresh (opens it, or reads it again when it is open); gives the time it took. */
async function showRollouts(page, timeout = 60000) {
  const refresh = page.locator(`${VIEW} button[data-action=refresh-rollouts]`);
  // A read again starts with ListFuotaTasks: wait for it, so that the completion awaited below
  // is this read's, not the one before.
  const listed = page.waitForRequest((r) => r.method() === 'GET' && new URL(r.url()).pathname === '/fuota-tasks', { timeout: 20000 });
  const started = Date.now();
  if (await refresh.isVisible()) await refresh.click();
  else await page.click('button[data-action=list-rollouts]');
  await listed;
  await page.waitForSelector(`${VIEW}[data-rollouts-complete=true]`, { timeout });
  return Date.now() - started;
}

/** Every rollout on screen: its id, state, fleet and waves. */
async function rollouts(page) {
  return page.$$eval(`${VIEW} article[data-rollout]`, (articles) => {
    const int = (v) => (v === undefined || v === '' ? null : Number(v));
    return articles.map((a) => ({
      id: a.dataset.rolloutId ?? null,
      state: a.dataset.state,
      fleet: int(a.dataset.fleet),
      problems: [...a.querySelectorAll('[data-rollout-problems] li')].map((li) => li.textContent.trim()),
      waves: [...a.querySelectorAll('tr[data-wave]')].map((r) => ({
        number: r.dataset.waveNumber,
        taskId: r.dataset.taskId,
        status: r.dataset.status,
        devices: int(r.dataset.devices),
      })),
    }));
  });
}

/** The rollouts view's error, when it shows one (for an assertion's message). */
async function viewError(page) {
  return page.$$eval(`${VIEW} [data-error-code]`, (es) => es.map((e) => `${e.dataset.errorCode}: ${e.textContent.trim().slice(0, 300)}`));
}

// ——— Writes ———

/** The review's steps in order. */
async function steps(page) {
  return page.$$eval('[data-write-review] li[data-write-step]', (lis) => lis.map((li) => ({
    operation: li.dataset.operation,
    count: Number(li.dataset.count),
    body: li.querySelector('pre[data-write-body]')?.textContent ?? null,
  })));
}

/** Presses Review; checks nothing was sent by it; gives the steps. A refusal fails with its words. */
async function review(page, writes) {
  const before = writes.length;
  await page.click('[data-action=review-write]');
  const shown = await page.waitForSelector('[data-write-review] li[data-write-step], [data-input-error], [data-view=new-rollout] [data-error-code]', { timeout: 60000 });
  if (!(await shown.evaluate((e) => e.matches('[data-write-review] li[data-write-step]')))) {
    assert.fail(`no review: ${await shown.evaluate((e) => `${e.outerHTML.slice(0, 200)} ${e.textContent}`)}`);
  }
  assert.equal(writes.length, before, 'reviewing sends nothing');
  return steps(page);
}

const plan = (s) => s.map((x) => [x.operation, x.count]);

/** Fills the New rollout form's task controls. */
async function fillTask(page, name) {
  await page.fill('[name=new-task-name]', name);
  await page.selectOption('[name=new-task-rf-region]', RF_REGION);
  await page.fill('[name=new-task-image]', IMAGE);
  await page.fill('[name=new-task-role]', ROLE);
}

// ——— The tests ———

test('a 1,000-device wave: reviewed as five steps, sent with at most 4 writes in flight (time printed, never a gate)', async () => {
  const api = await startEndpoint('wave')();
  const { page, writes, problems } = await open(api);
  // New rollout from the rollouts view.
  await showRollouts(page);
  await page.click(`${VIEW} button[data-action=new-rollout]`);
  await page.waitForSelector('section[data-view=new-rollout]');
  await fillTask(page, 'e2e-rollout-1000');
  await page.fill('[name=rollout-name]', 'e2e-1000-fw-3.0');
  await page.selectOption('[name=fleet-kind]', 'devices');
  await page.waitForSelector('textarea[name=fleet-source]');
  const ids = Array.from({ length: 1000 }, (_, n) => `demo-10k-dev-${String(n).padStart(5, '0')}`);
  await page.fill('textarea[name=fleet-source]', ids.join('\n'));
  // One wave of the whole fleet: the rest is all of it.
  await page.fill('[name=wave-sizes]', 'rest');
  await page.selectOption('[name=delivery]', 'group-per-wave');
  await page.fill('[name=rollout-seed]', '1');

  const reviewed = await review(page, writes);
  assert.deepEqual(plan(reviewed), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', 1000], ['CreateFuotaTask', 1],
    ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  const total = reviewed.reduce((n, s) => n + s.count, 0);
  assert.equal(writes.length, 0, 'nothing written before the confirm');

  // Writes in flight: up at the request, down at the answer's headers (or a failure). The
  // browser reports a request's end (requestfinished) after the page may already have started
  // the next one, which would count one too many (run.test.mjs counts the same way).
  let inFlight = 0;
  let most = 0;
  const isWrite = (r) => WRITE_METHODS.has(r.method()) && r.url().startsWith(new URL(api).origin);
  page.on('request', (r) => { if (isWrite(r)) most = Math.max(most, ++inFlight); });
  page.on('response', (res) => { if (isWrite(res.request())) inFlight--; });
  page.on('requestfailed', (r) => { if (isWrite(r)) inFlight--; });

  const started = Date.now();
  await page.click('[data-action=confirm-write]');
  try {
    await page.waitForSelector(`[data-write-progress][data-done="${total}"][data-total="${total}"]`, { timeout: 300000 });
    await page.waitForSelector('[data-write-result][data-outcome=succeeded]', { timeout: 60000 });
  } catch (e) {
    const result = await page.$$eval('[data-write-result]', (rs) => rs.map((r) => `${r.dataset.outcome} ${r.dataset.errorCode ?? ''}: ${r.textContent.trim().slice(0, 300)}`));
    const progress = await page.$$eval('[data-write-progress]', (ps) => ps.map((p) => `${p.dataset.done} of ${p.dataset.total}`));
    assert.fail(`expected ${total} calls to succeed; progress ${JSON.stringify(progress)}, results ${JSON.stringify(result)}: ${e.message}`);
  }
  const ms = Date.now() - started;
  // The answers' events may reach this process a moment after the page has shown them.
  for (const deadline = Date.now() + 5000; writes.some((w) => w.status === null) && Date.now() < deadline;) await sleep(50);
  console.log(`rollout wave of 1,000 devices: ${writes.length} calls in ${ms} ms (${(writes.length / (ms / 1000)).toFixed(0)} calls/s), at most ${most} in flight`);

  // What reached the service: the reviewed steps, each call once, in the steps' order, each answered with success.
  assert.ok(most <= 4, `${most} writes in flight at once`);
  assert.equal(writes.length, total);
  const order = reviewed.map((s) => s.operation);
  const positions = writes.map((w) => order.indexOf(w.op));
  assert.ok(positions.every((p) => p >= 0), `only the reviewed operations: ${[...new Set(writes.map((w) => w.op))].join(', ')}`);
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'sent in the steps\' order');
  for (const w of writes) assert.ok(w.status >= 200 && w.status < 300, `${w.op} ${w.url} answered ${w.status}`);
  const byOp = Object.fromEntries(order.map((op) => [op, writes.filter((w) => w.op === op)]));
  const group = JSON.parse(byOp.AssociateMulticastGroupWithFuotaTask[0].body).MulticastGroupId;
  const taskId = idIn(byOp.AssociateMulticastGroupWithFuotaTask[0].url, 'fuota-tasks');
  const devices = byOp.AssociateWirelessDeviceWithMulticastGroup.map((w) => {
    assert.equal(idIn(w.url, 'multicast-groups'), group, 'each device goes into the wave\'s own group');
    return JSON.parse(w.body).WirelessDeviceId;
  });
  assert.deepEqual(devices.sort(), ids, 'the 1,000 devices, each once');
  assert.equal(idIn(byOp.StartFuotaTask[0].url, 'fuota-tasks'), taskId, 'the task given the group is the one started');
  const groupBody = JSON.parse(byOp.CreateMulticastGroup[0].body);
  assert.deepEqual(groupBody.LoRaWAN, { RfRegion: RF_REGION, DlClass: 'ClassC' });
  const task = JSON.parse(byOp.CreateFuotaTask[0].body);
  assert.equal(task.LoRaWAN.RfRegion, RF_REGION);
  const tags = rolloutTags(task);
  assert.deepEqual(rolloutTags(groupBody), tags, 'the group carries the task\'s rollout tags');
  assert.equal(tags['fuota-rollout:wave'], '1');
  assert.equal(tags['fuota-rollout:waves'], 'rest');
  assert.equal(tags['fuota-rollout:fleet'], 'list');
  assert.equal(tags['fuota-rollout:devices'], '1000');
  assert.equal(tags['fuota-rollout:delivery'], 'group-per-wave');
  assert.equal(tags['fuota-rollout:check'], checkOf(tags));

  // Read back from the account: one wave of the 1,000 devices.
  await showRollouts(page);
  const read = (await rollouts(page)).find((r) => r.id === tags['fuota-rollout:id']);
  assert.ok(read, 'the rollout is listed');
  assert.equal(read.fleet, 1000);
  assert.deepEqual(read.waves.map((w) => [w.number, w.taskId, w.devices]), [['1', taskId, 1000]]);
  await page.screenshot({ path: `${ARTIFACTS}/rollouts-scale-1000.png` });
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

// ——— Seeding a region with tasks ———

/**
 * Creates FUOTA tasks in the endpoint with botocore (signed with the endpoint's public demo
 * identity, as tests/botocore/write_local_endpoint.py does): stdin is `{"api", "tasks": [{"name",
 * "tags": [[key, value], …]}]}`; stdout is `{"ids": […], "listed": <tasks ListFuotaTasks lists>}`.
 */
const SEED_TASKS = String.raw`
import json, sys
import botocore.config, botocore.session
spec = json.load(sys.stdin)
client = botocore.session.get_session().create_client(
    "iotwireless", region_name="us-east-1", endpoint_url=spec["api"],
    config=botocore.config.Config(retries={"max_attempts": 1}),
    aws_access_key_id="ASIADEMOLOCALENDPOINT",
    aws_secret_access_key="demo/local/endpoint/secret/key/not/a/real/one",
    aws_session_token="demo-local-session-token",
)
ids = []
for t in spec["tasks"]:
    params = dict(Name=t["name"], LoRaWAN={"RfRegion": spec["rfRegion"]},
                  FirmwareUpdateImage=spec["image"], FirmwareUpdateRole=spec["role"])
    if t["tags"]:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in t["tags"]]
    answer = client.create_fuota_task(**params)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201, answer
    ids.append(answer["Id"])
listed, token = 0, None
while True:
    page = client.list_fuota_tasks(MaxResults=250, **({"NextToken": token} if token else {}))
    listed += len(page["FuotaTaskList"])
    token = page.get("NextToken")
    if not token:
        break
print(json.dumps({"ids": ids, "listed": listed}))
`;

function seedTasks(api, tasks) {
  const run = spawnSync('python3', ['-c', SEED_TASKS], {
    input: JSON.stringify({ api, rfRegion: RF_REGION, image: IMAGE, role: ROLE, tasks }), encoding: 'utf8', maxBuffer: 16 << 20,
  });
  assert.equal(run.status, 0, `botocore could not create the tasks: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const SEEDED_ROLLOUTS = 20;
const WAVES_EACH = 5;
const REGION_TASKS = 500;

/** The tags of seeded rollout `r`'s wave `w`, as the console writes them. */
function seededTags(r, w) {
  const id = `scale-${String(r).padStart(2, '0')}`;
  const base = { 'fuota-rollout:v': '1', 'fuota-rollout:id': id, 'fuota-rollout:wave': String(w) };
  if (w > 1) return withCheck(base);
  return withCheck({
    ...base,
    'fuota-rollout:name': `${id}-fw-3.0`,
    'fuota-rollout:waves': '1p/5p/10p/25p/rest',
    'fuota-rollout:seed': String(1000 + r),
    'fuota-rollout:success': '95',
    'fuota-rollout:errors': '10',
    'fuota-rollout:fleet': 'list',
    'fuota-rollout:devices': '1000',
    'fuota-rollout:kept-out': '0',
    'fuota-rollout:delivery': 'group-per-wave',
    'fuota-rollout:class': 'ClassC',
  });
}

const READ_OPS = ['ListFuotaTasks', 'ListTagsForResource', 'GetFuotaTask', 'ListWirelessDevices', 'ListMulticastGroupsByFuotaTask', 'GetMulticastGroup'];

test('rebuilding the rollouts view of a region with 500 tasks, a fifth of them rollout waves (times printed, never a gate)', async () => {
  const api = await startEndpoint('view')();
  // What the endpoint starts with (13 tasks, 3 of them demo rollout waves), then the seeded
  // rollouts' waves and enough plain tasks to make 500.
  const already = seedTasks(api, []).listed;
  const waves = [];
  for (let r = 0; r < SEEDED_ROLLOUTS; r++) {
    for (let w = 1; w <= WAVES_EACH; w++) waves.push({ name: `scale-${String(r).padStart(2, '0')}-w${w}`, tags: Object.entries(seededTags(r, w)) });
  }
  const plain = Array.from({ length: REGION_TASKS - already - waves.length }, (_, n) => ({ name: `scale-plain-${String(n).padStart(3, '0')}`, tags: [] }));
  // Interleaved, so that the waves are spread over the list's pages.
  const tasks = [];
  const every = Math.ceil(plain.length / waves.length);
  for (let i = 0, p = 0; i < waves.length || p < plain.length; i++) {
    if (i < waves.length) tasks.push(waves[i]);
    tasks.push(...plain.slice(p, p + every));
    p += every;
  }
  const seeded = seedTasks(api, tasks);
  assert.equal(seeded.ids.length, tasks.length);
  const listed = seeded.listed;
  assert.ok(listed >= REGION_TASKS, `${listed} tasks in the region`);
  const rolloutWaves = waves.length + 3; // with the demo rollouts' three
  const seededIds = new Set(seeded.ids.filter((_, i) => tasks[i].tags.length > 0));

  // While a wave's session waits (demo-rollout-good's wave 2), the view is read again on its own
  // every `refresh` seconds: an hour keeps such a read out of the two measured here.
  const { page, requests, writes, problems } = await open(api, '&refresh=3600');
  // CORS preflights are not Playwright requests: the DevTools protocol reports them (OPTIONS,
  // initiated by `preflight`), each for the URL of the request it clears.
  const preflights = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.initiator?.type === 'preflight' || e.request.method === 'OPTIONS') preflights.push(operationOf('GET', e.request.url));
  });

  const phase = async (what) => {
    const from = requests.length;
    const fromPreflights = preflights.length;
    let ms;
    try {
      ms = await showRollouts(page, 600000);
    } catch (e) {
      assert.fail(`${what}: the rollouts were not read (${await page.textContent(`${VIEW} [data-rollouts-progress]`).catch(() => '?')}): ${e.message}`);
    }
    const made = requests.slice(from);
    const cleared = preflights.slice(fromPreflights);
    const byOp = READ_OPS.map((op) => [op, cleared.filter((o) => o === op).length]).filter(([, n]) => n > 0);
    return { ms, made, counts: countOps(made, READ_OPS), preflights: `${cleared.length}${byOp.length ? ` (${byOp.map(([op, n]) => `${op} ${n}`).join(', ')})` : ''}` };
  };
  const first = await phase('first read');
  const errors = await viewError(page);
  assert.deepEqual(errors, [], 'the view shows no error');
  const shown = await rollouts(page);
  const again = await phase('read again');
  const shownAgain = await rollouts(page);

  // Each operation's count, as `first/again` where the two reads differ.
  const counts = READ_OPS.map((op) => `${op} ${first.counts[op]}${again.counts[op] === first.counts[op] ? '' : `/${again.counts[op]}`}`).join(', ');
  const total = (read) => `${read.made.length}${read.made.length === read.counts.ListFuotaTasks + READ_OPS.slice(1).reduce((n, op) => n + read.counts[op], 0) ? '' : ' with others'}`;
  console.log(`rollouts view of a region with ${listed} tasks (${rolloutWaves} rollout waves): ${first.ms} ms first read, ${again.ms} ms read again; `
    + `requests: ${counts} (${total(first)} in the first read, ${total(again)} in the second); `
    + `CORS preflights: first read ${first.preflights}, read again ${again.preflights}`);

  // Every rollout rebuilt: the seeded ones, waiting on their fifth wave (created, not started),
  // and the endpoint's two; none damaged.
  assert.equal(shown.length, SEEDED_ROLLOUTS + DEMO_ROLLOUTS.length, `rollouts listed: ${shown.map((r) => r.id).join(', ')}`);
  assert.deepEqual(shown.filter((r) => r.state === 'damaged').map((r) => [r.id, r.problems]), [], 'none damaged');
  for (const id of DEMO_ROLLOUTS) assert.ok(shown.some((r) => r.id === id), `${id} listed`);
  for (let r = 0; r < SEEDED_ROLLOUTS; r++) {
    const id = `scale-${String(r).padStart(2, '0')}`;
    const found = shown.find((x) => x.id === id);
    assert.ok(found, `${id} listed`);
    assert.equal(found.state, 'waiting', `${id}'s state`);
    assert.equal(found.fleet, 1000);
    assert.deepEqual(found.waves.map((w) => [w.number, w.status, w.devices]), [1, 2, 3, 4, 5].map((n) => [String(n), 'Pending', 0]), `${id}'s waves`);
    assert.ok(found.waves.every((w) => seededIds.has(w.taskId)), `${id}'s waves are its tasks`);
  }
  const comparable = (list) => list.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(comparable(shownAgain), comparable(shown), 'read again, the same rollouts');

  // Each read lists every task, reads each task's tags once, and reads in detail only the waves.
  for (const [what, read] of [['first read', first], ['read again', again]]) {
    const tagged = new Set(read.made.filter((q) => q.op === 'ListTagsForResource').map((q) => new URL(q.url).searchParams.get('resourceArn')));
    assert.equal(tagged.size, listed, `${what}: the tags of every task read`);
    const detailed = new Set(read.made.filter((q) => q.op === 'GetFuotaTask').map((q) => idIn(q.url, 'fuota-tasks')));
    assert.equal(detailed.size, rolloutWaves, `${what}: GetFuotaTask of each rollout wave, and of no other task`);
    assert.ok([...seededIds].every((id) => detailed.has(id)), `${what}: every seeded wave read`);
    assert.ok(read.made.every((q) => q.method === 'GET'), `${what}: reading writes nothing`);
  }
  assert.equal(writes.length, 0, 'reading writes nothing');
  await page.screenshot({ path: `${ARTIFACTS}/rollouts-scale-500.png` });
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});
