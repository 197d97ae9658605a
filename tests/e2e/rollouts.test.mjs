// End-to-end: staged rollouts from the console in Debian Chromium against the real local endpoint.
//
// A rollout is kept only as `fuota-rollout:` tags on the tasks and groups it makes (README,
// "Rollouts: the record in the account"), so these tests drive the page and then check two things:
// what reached the endpoint (every write request is recorded with its answer's status), and what
// the page rebuilt from the account afterwards. In order, sharing one endpoint:
//
//  1. the good fleet, from the planner to done in three waves (1 %, 10 %, rest: 4, 40, 356
//     devices): each wave reviewed step by step, nothing sent before the confirm, the gate read
//     from the devices' statuses before the next wave is offered;
//  2. the seeded `demo-rollout-bad` is held; a typed reason lets wave 2 through and is kept in its
//     tags (`fuota-rollout:reason:1`) and shown on its row;
//  3. a follow-up wave takes exactly the retryable failures (MissingFrag), lists the others
//     (Package_Not_Supported) as left out, and takes one back when asked;
//  4. a finished wave's multicast group is cleaned up with one DeleteMulticastGroup;
//  5. the rollouts rebuilt after a reload and in a second browser context with empty storage are
//     the same (nothing of a rollout lives in the browser);
//  6. a wave whose sending fails half-way (one Associate refused) is resumed by the same confirm,
//     and nothing reaches the service twice (creates keep their ClientRequestToken);
//  7. a wave delivered to devices (no group): CreateFuotaTask, one Associate per device, Start;
//  8. no secret anywhere: DOM, storage, console, URLs and write bodies of every page above.
//
// The endpoint's numbers these tests rely on (local-endpoint/src/campaign.rs and rollouts.rs,
// measured against `fuota-local --schedule-speed 600`):
// - a start 35 minutes ahead comes 3.5 s after StartFuotaTask, the 5-minute session lasts 0.5 s,
//   its devices answering one by one: FuotaDone about 4 s after the start was sent;
// - the seeded `demo-rollout-good` wave 2 starts 24 h (scheduling clock) after the endpoint's
//   start: 144 s of real time here, FuotaDone at about 145 s; its 40 devices end 38 Successful and
//   2 MissingFrag (95 %: the gate passes, wave 3 becomes ready to review);
// - a device ends every session of a task created here by its id's hash: the good fleet 385
//   Successful, 13 MissingFrag, 2 Package_Not_Supported; the bad fleet 38 Successful, 22
//   MissingFrag. A follow-up's devices therefore end as they did before.
// - seed 20261208 over the whole good fleet (400 devices, none kept out) gives a wave 1 of
//   fleet-good-dev-00075, -00158, -00258, -00317 (all Successful), a wave 2 of 40 all Successful,
//   and a wave 3 of 356: 341 Successful, 13 MissingFrag, 2 Package_Not_Supported (-00053, -00079).
//   A random seed would put a failing device into the 4-device canary about one time in seven,
//   and the gate (95 %) would hold: the seed is typed so that the test is deterministic.
// - `demo-rollout-bad` (seed 20261207, waves 10 %, 40 %, rest, gate 95 % / 50 %): wave 1 has 6
//   devices, 2 MissingFrag (held); wave 2 has 24 (listed below), 12 MissingFrag: 50 % failed
//   reaches its 50 % error threshold, so it ends halted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, SITE, assertNoSecret, confirmEndpoint, endpointLog, useBrowser, watch } from './chromium.mjs';

const browser = useBrowser();

// An endpoint of these tests' own: its scheduling clock runs 600 times faster, so a wave
// scheduled 35 minutes ahead starts after 3.5 s and its 5-minute session passes in half a second.
const dir = mkdtempSync(join(tmpdir(), 'fuota-rollouts-'));
const readyFile = join(dir, 'ready.json');
const endpointStarted = Date.now();
// Its pages come from FUOTA_SITE: the endpoint answers CORS for that origin only.
const endpoint = spawn(process.env.FUOTA_LOCAL, ['--api', '127.0.0.1:0', '--ready-file', readyFile, '--schedule-speed', '600',
  ...(SITE ? ['--cors-origin', new URL(SITE).origin] : [])], { stdio: ['ignore', 'ignore', endpointLog('rollouts')] });
after(() => endpoint.kill());
async function api() {
  for (let i = 0; i < 100 && !existsSync(readyFile); i++) await sleep(100);
  return JSON.parse(readFileSync(readyFile, 'utf8')).api;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The local endpoint's public demo identity (as chromium.mjs has it): never in a URL or a body.
const DEMO_SECRET = 'demo/local/endpoint/secret/key/not/a/real/one';
const DEMO_TOKEN = 'demo-local-session-token';

const IMAGE = 's3://fw-bucket/sensor/3.0.0.bin';
const ROLE = 'arn:aws:iam::123456789012:role/IoTWirelessFuota';
const GOOD_GROUP = 'mcg-fleet-good-eu868';
const GOOD_SEED = '20261208';
const GOOD_WAVE_1 = ['fleet-good-dev-00075', 'fleet-good-dev-00158', 'fleet-good-dev-00258', 'fleet-good-dev-00317'];
const GOOD_LEFT_OUT = ['fleet-good-dev-00053', 'fleet-good-dev-00079'];
const GOOD_MISSING_FRAG = ['00105', '00107', '00114', '00135', '00172', '00205', '00220', '00273', '00330', '00341', '00352', '00377', '00382']
  .map((n) => `fleet-good-dev-${n}`);
const BAD_WAVE_2 = ['00003', '00009', '00011', '00014', '00018', '00019', '00020', '00023', '00025', '00031', '00032', '00033', '00034',
  '00035', '00036', '00037', '00040', '00044', '00049', '00051', '00053', '00055', '00056', '00057'].map((n) => `fleet-bad-dev-${n}`);
const BAD_IMAGE = 's3://fuota-demo-firmware/fleet-bad-fw-2.6.0.bin';

/** What the tests hand on to the next ones: the good rollout of test 1. */
const shared = { goodId: null, goodWaves: {} };
/** Every request URL, write body and console line of every page these tests opened. */
const everything = { urls: [], bodies: [], logs: [] };

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const VIEWPORT = { width: 1280, height: 1100 };

/** The API operation of a write request, from its method and path (botocore's routes). */
function operationOf(method, url) {
  const path = new URL(url).pathname;
  const routes = [
    ['POST', /^\/multicast-groups$/, 'CreateMulticastGroup'],
    ['PUT', /^\/multicast-groups\/[^/]+\/wireless-device$/, 'AssociateWirelessDeviceWithMulticastGroup'],
    ['DELETE', /^\/multicast-groups\/[^/]+\/wireless-devices\/[^/]+$/, 'DisassociateWirelessDeviceFromMulticastGroup'],
    ['DELETE', /^\/multicast-groups\/[^/]+$/, 'DeleteMulticastGroup'],
    ['POST', /^\/fuota-tasks$/, 'CreateFuotaTask'],
    ['PUT', /^\/fuota-tasks\/[^/]+\/multicast-group$/, 'AssociateMulticastGroupWithFuotaTask'],
    ['PUT', /^\/fuota-tasks\/[^/]+\/wireless-device$/, 'AssociateWirelessDeviceWithFuotaTask'],
    ['PUT', /^\/fuota-tasks\/[^/]+$/, 'StartFuotaTask'],
    ['PATCH', /^\/fuota-tasks\/[^/]+$/, 'UpdateFuotaTask'],
    ['DELETE', /^\/fuota-tasks\/[^/]+$/, 'DeleteFuotaTask'],
    ['POST', /^\/tags$/, 'TagResource'],
    ['DELETE', /^\/tags$/, 'UntagResource'],
  ];
  return routes.find(([m, re]) => m === method && re.test(path))?.[2] ?? `${method} ${path}`;
}

/** The path's segment after `after`: the task of /fuota-tasks/{Id}/…, the group of /multicast-groups/{Id}/…. */
function idIn(url, after) {
  const parts = new URL(url).pathname.split('/');
  return decodeURIComponent(parts[parts.indexOf(after) + 1]);
}

/**
 * Opens the console on this endpoint (in `context`, or the file's browser); records every write
 * request with its answer's status, and every URL and console line for the last test.
 */
async function open({ context, query = '' } = {}) {
  const page = context ? await context.newPage() : await browser().newPage({ viewport: VIEWPORT });
  const seen = watch(page);
  const writes = [];
  page.on('request', (r) => {
    everything.urls.push(r.url());
    if (!WRITE_METHODS.has(r.method())) return;
    const w = { method: r.method(), url: r.url(), body: r.postData() ?? '', op: operationOf(r.method(), r.url()), status: null, requestId: null, request: r };
    writes.push(w);
    everything.bodies.push(w.body);
  });
  page.on('response', (res) => {
    const w = writes.find((x) => x.request === res.request());
    if (!w) return;
    w.status = res.status();
    w.requestId = res.headers()['x-amzn-requestid'] ?? null;
  });
  page.on('requestfailed', (r) => {
    const w = writes.find((x) => x.request === r);
    if (w) w.status = 'failed';
  });
  page.on('console', (m) => everything.logs.push(m.text()));
  await page.goto(`${SITE}/?demo&endpoint=${encodeURIComponent(await api())}${query}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  return { page, writes, ...seen };
}

/** The page's own problems, without the browser's line for each error answer that was expected. */
function unexpected(problems, ...statuses) {
  const expected = statuses.map((s) => `console: Failed to load resource: the server responded with a status of ${s}`);
  return problems.filter((p) => !expected.some((e) => p.startsWith(e)));
}
// The rollouts view reads every task: demo-busy's status read is throttled once (429), and a
// deleted wave group answers 404 when the page looks whether it still exists.
const READ_STATUSES = ['404', '429'];

// ——— Tags ———

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

/** The schema's check (core/src/rollout/tags.rs): FNV-1a 64 of the other rollout tags sorted, `key\tvalue\n` each. */
function checkOf(tags) {
  const lines = Object.entries(tags).filter(([k]) => k !== 'fuota-rollout:check').map(([k, v]) => `${k}\t${v}\n`);
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return fnv1a64(lines.join(''));
}

/** The override's reason as the tags keep it (core/src/rollout/tag_text.rs): quoted-printable-like. */
function encodeReason(text) {
  let out = '';
  for (const c of text) {
    if (c === ' ') out += '_';
    else if (/^[A-Za-z0-9.:/+\-@]$/.test(c)) out += c;
    else for (const b of new TextEncoder().encode(c)) out += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// ——— The rollouts view ———

const VIEW = 'section[data-view=rollouts]';

function article(page, id) {
  return page.locator(`${VIEW} article[data-rollout][data-rollout-id="${id}"]`);
}

function row(page, id, wave) {
  return article(page, id).locator(`tr[data-wave][data-wave-number="${wave}"]`);
}

/** Shows the rollouts view read afresh: opens it, or reads it again when it is open. */
async function showRollouts(page) {
  const refresh = page.locator(`${VIEW} button[data-action=refresh-rollouts]`);
  // A read again starts with ListFuotaTasks: wait for it, so that the completion awaited below
  // is this read's, not the one before.
  const listed = page.waitForRequest((r) => r.method() === 'GET' && new URL(r.url()).pathname === '/fuota-tasks', { timeout: 20000 });
  if (await refresh.isVisible()) await refresh.click();
  else await page.click('button[data-action=list-rollouts]');
  await listed;
  await page.waitForSelector(`${VIEW}[data-rollouts-complete=true]`, { timeout: 60000 });
}

/** Every rollout on screen, its attributes as numbers where they are integers. */
async function rollouts(page) {
  return page.$$eval(`${VIEW} article[data-rollout]`, (articles) => {
    const int = (v) => (v === undefined || v === '' ? null : Number(v));
    return articles.map((a) => ({
      id: a.dataset.rolloutId ?? null,
      state: a.dataset.state,
      fleet: int(a.dataset.fleet),
      succeeded: int(a.dataset.succeeded),
      failed: int(a.dataset.failed),
      nextStep: a.querySelector('[data-next-step]')?.textContent.trim() ?? null,
      waves: [...a.querySelectorAll('tr[data-wave]')].map((r) => ({
        number: r.dataset.waveNumber,
        taskId: r.dataset.taskId,
        status: r.dataset.status,
        devices: int(r.dataset.devices),
        succeeded: int(r.dataset.succeeded),
        failed: int(r.dataset.failed),
        successPercent: int(r.dataset.successPercent),
        reason: r.querySelector('[data-override-reason]')?.textContent.trim() ?? null,
      })),
    }));
  });
}

/**
 * Reads the rollouts again until rollout `id` satisfies `ok` (a polling loop with a deadline:
 * the sessions run on the endpoint's clock); gives it.
 */
async function until(page, id, ok, what, timeout = 60000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await showRollouts(page);
    const found = (await rollouts(page)).find((r) => r.id === id);
    if (found && ok(found)) return found;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeout / 1000} s; last read: ${JSON.stringify(found)}`);
    await sleep(1000);
  }
}

const wave = (r, number) => r.waves.find((w) => w.number === number);
const IN_SESSION = new Set(['FuotaSession_Waiting', 'In_FuotaSession']);

/** Opens the rollout's actions (once: a read again may have closed them). */
async function openActions(page, id) {
  const a = article(page, id);
  const toggle = a.locator('button[data-action=open-rollout]');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-expanded') === 'true',
    `${VIEW} article[data-rollout][data-rollout-id="${id}"] button[data-action=open-rollout]`);
  await a.locator('[data-rollout-actions]').waitFor();
  return a.locator('[data-rollout-actions]');
}

// ——— Writes ———

const GROUP_PER_WAVE = ['CreateMulticastGroup', 'AssociateWirelessDeviceWithMulticastGroup', 'CreateFuotaTask', 'AssociateMulticastGroupWithFuotaTask', 'StartFuotaTask'];
const DEVICES = ['CreateFuotaTask', 'AssociateWirelessDeviceWithFuotaTask', 'StartFuotaTask'];

/** The review's steps in order. */
async function steps(page) {
  return page.$$eval('[data-write-review] li[data-write-step]', (lis) => lis.map((li) => ({
    operation: li.dataset.operation,
    count: Number(li.dataset.count),
    done: li.dataset.done === undefined ? null : Number(li.dataset.done),
    body: li.querySelector('pre[data-write-body]')?.textContent ?? null,
  })));
}

/** Presses Review; checks nothing was sent by it; gives the steps. A refusal fails with its words. */
async function review(page, writes) {
  const before = writes.length;
  await page.click('[data-action=review-write]');
  const shown = await page.waitForSelector('[data-write-review] li[data-write-step], [data-input-error], [data-view=new-rollout] [data-error-code], [data-view=wave] [data-error-code]', { timeout: 60000 });
  if (!(await shown.evaluate((e) => e.matches('[data-write-review] li[data-write-step]')))) {
    assert.fail(`no review: ${await shown.evaluate((e) => `${e.outerHTML.slice(0, 200)} ${e.textContent}`)}`);
  }
  assert.equal(writes.length, before, 'reviewing sends nothing');
  return steps(page);
}

/** The steps' operations and counts, for comparing with the contract's order. */
const plan = (s) => s.map((x) => [x.operation, x.count]);

/** The body of the review's step `operation` (its first call's), parsed. */
function bodyOf(s, operation) {
  const step = s.find((x) => x.operation === operation);
  assert.ok(step && step.body !== null, `the review shows ${operation}'s body`);
  return step.body.trim() === '' ? null : JSON.parse(step.body);
}

/**
 * Presses Send; waits until the progress says all `total` calls are done (when given) and the
 * result says `outcome`. Gives the writes sent since.
 */
async function confirm(page, writes, { total = null, outcome = 'succeeded', timeout = 60000 }) {
  const before = writes.length;
  await page.click('[data-action=confirm-write]');
  try {
    if (total !== null) {
      await page.waitForSelector(`[data-write-progress][data-done="${total}"][data-total="${total}"]`, { timeout });
    }
    await page.waitForSelector(`[data-write-result][data-outcome=${outcome}]`, { timeout });
  } catch (e) {
    const result = await page.$$eval('[data-write-result]', (rs) => rs.map((r) => `${r.dataset.outcome} ${r.dataset.errorCode ?? ''}: ${r.textContent.trim().slice(0, 300)}`));
    const progress = await page.$$eval('[data-write-progress]', (ps) => ps.map((p) => `${p.dataset.done} of ${p.dataset.total}`));
    assert.fail(`expected ${outcome} after ${total} calls; progress ${JSON.stringify(progress)}, results ${JSON.stringify(result)}: ${e.message}`);
  }
  // The answers' events may reach this process a moment after the page has shown them.
  const sent = writes.slice(before);
  for (const deadline = Date.now() + 5000; sent.some((w) => w.status === null) && Date.now() < deadline;) await sleep(50);
  return sent;
}

/**
 * The writes of one wave are the reviewed steps, each call once, in the steps' order (the calls of
 * one step may overlap), each answered with success; gives them by operation.
 */
function checkSent(sent, reviewed) {
  const order = reviewed.map((s) => s.operation);
  assert.deepEqual(sent.map((w) => w.op).filter((op) => !order.includes(op)), [], 'only the reviewed operations were sent');
  const byOp = Object.fromEntries(order.map((op) => [op, sent.filter((w) => w.op === op)]));
  for (const s of reviewed) assert.equal(byOp[s.operation].length, s.count, `${s.operation}: ${s.count} calls`);
  const positions = sent.map((w) => order.indexOf(w.op));
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b), `sent in the steps' order: ${sent.map((w) => w.op).join(', ')}`);
  for (const w of sent) assert.ok(w.status >= 200 && w.status < 300, `${w.op} ${w.url} answered ${w.status}`);
  return byOp;
}

/** A group-per-wave wave's writes: the group, its devices (all into that group), the task given that group. */
function groupWave(byOp) {
  const group = JSON.parse(byOp.AssociateMulticastGroupWithFuotaTask[0].body).MulticastGroupId;
  const taskId = idIn(byOp.AssociateMulticastGroupWithFuotaTask[0].url, 'fuota-tasks');
  const devices = byOp.AssociateWirelessDeviceWithMulticastGroup.map((w) => {
    assert.equal(idIn(w.url, 'multicast-groups'), group, 'each device goes into the wave\'s own group');
    return JSON.parse(w.body).WirelessDeviceId;
  });
  assert.equal(new Set(devices).size, devices.length, 'each device once');
  assert.equal(idIn(byOp.StartFuotaTask[0].url, 'fuota-tasks'), taskId, 'the task given the group is the one started');
  const task = JSON.parse(byOp.CreateFuotaTask[0].body);
  const groupBody = JSON.parse(byOp.CreateMulticastGroup[0].body);
  assert.deepEqual(rolloutTags(groupBody), rolloutTags(task), 'the group carries the task\'s rollout tags');
  return { group, taskId, devices: devices.sort(), task, groupBody, tags: rolloutTags(task) };
}

/** The start's lead in minutes, from a StartFuotaTask body. */
function leadMinutes(start) {
  return (Date.parse(start.LoRaWAN.StartTime) - Date.now()) / 60000;
}

/** The wave form's start time is proposed about 35 minutes ahead. */
async function checkProposedStart(page, scope) {
  const value = await page.inputValue(`${scope} [name=start-time]`);
  assert.match(value, /^\d{4}-\d\d-\d\dT\d\d:\d\d/, 'a start time is proposed');
  const lead = await page.evaluate((v) => (new Date(v).getTime() - Date.now()) / 60000, value);
  assert.ok(lead > 33 && lead <= 37, `proposed ${lead.toFixed(1)} min ahead`);
}

/** Opens a wave's form from the rollout's actions (`next-wave` or `follow-up-wave`). */
async function openWave(page, id, action, kind) {
  const actions = await openActions(page, id);
  await actions.locator(`button[data-action=${action}]`).click();
  await page.waitForSelector(`section[data-view=wave][data-wave-kind=${kind}]`);
  await checkProposedStart(page, `section[data-view=wave][data-wave-kind=${kind}]`);
}

/** Fills the New rollout form's task controls. */
async function fillTask(page, name) {
  await page.fill('[name=new-task-name]', name);
  await page.selectOption('[name=new-task-rf-region]', 'EU868');
  await page.fill('[name=new-task-image]', IMAGE);
  await page.fill('[name=new-task-role]', ROLE);
}

// ——— The tests ———

test('the good fleet from the plan to done in three waves, each offered once the gate passed', async () => {
  const { page, writes, problems, logs } = await open();
  // A task on screen (EU868, FuotaDone) and a firmware size: the planner offers a rollout.
  await page.fill('[name=task-id]', 'demo-rollout-good-w1');
  await page.click('form.query:not([data-static]) button[type=submit]');
  await page.waitForSelector('[data-field=Status][data-value=FuotaDone]');
  await page.fill('[name=firmware-size]', '20000');
  const fragmentSize = await page.inputValue('[name=fragment-size]');
  // The planner's New rollout, next to "Create a task with this plan".
  await page.waitForSelector('[data-action=create-from-plan]');
  await page.locator('xpath=//*[@data-action="create-from-plan"]/following::button[@data-action="new-rollout"][1]').click();
  await page.waitForSelector('section[data-view=new-rollout]');
  // The defaults, and the planner's values.
  assert.equal(await page.inputValue('[name=new-task-fragment-size]'), fragmentSize);
  assert.equal((await page.inputValue('[name=wave-sizes]')).trim(), '1%, 10%, rest');
  assert.equal((await page.inputValue('[name=success-threshold-percent]')).trim(), '95');
  assert.equal((await page.inputValue('[name=error-threshold-percent]')).trim(), '10');
  assert.equal(await page.inputValue('[name=delivery]'), 'group-per-wave');
  assert.equal(await page.inputValue('[name=wave-dl-class]'), 'ClassC');
  assert.match((await page.inputValue('[name=rollout-seed]')).trim(), /^\d[\d,]*$/, 'a random seed is proposed');
  await checkProposedStart(page, 'section[data-view=new-rollout]');

  await fillTask(page, 'e2e-rollout-good');
  await page.fill('[name=rollout-name]', 'e2e-good-fw-3.0');
  await page.selectOption('[name=fleet-kind]', 'group');
  await page.fill('[name=fleet-source]', GOOD_GROUP);
  await page.fill('[name=rollout-seed]', GOOD_SEED);

  // Wave 1: 1 % of 400 is 4 devices.
  const first = await review(page, writes);
  assert.deepEqual(plan(first), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', 4], ['CreateFuotaTask', 1],
    ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  assert.ok(GOOD_WAVE_1.includes(bodyOf(first, 'AssociateWirelessDeviceWithMulticastGroup').WirelessDeviceId));
  const reviewedTask = bodyOf(first, 'CreateFuotaTask');
  const reviewedGroup = bodyOf(first, 'CreateMulticastGroup');
  assert.deepEqual(reviewedGroup.LoRaWAN, { RfRegion: 'EU868', DlClass: 'ClassC' });
  const lead = leadMinutes(bodyOf(first, 'StartFuotaTask'));
  assert.ok(lead > 33 && lead <= 37, `start ${lead.toFixed(1)} min ahead`);
  assert.equal(writes.length, 0, 'nothing written before the confirm');

  const sent1 = checkSent(await confirm(page, writes, { total: 8 }), first);
  const w1 = groupWave(sent1);
  // What was reviewed is what was sent.
  assert.deepEqual(w1.task, reviewedTask);
  assert.deepEqual(w1.groupBody, reviewedGroup);
  assert.equal(w1.task.FirmwareUpdateImage, IMAGE);
  assert.equal(w1.task.FirmwareUpdateRole, ROLE);
  assert.equal(w1.task.LoRaWAN.RfRegion, 'EU868');
  assert.ok(typeof w1.task.ClientRequestToken === 'string' && w1.task.ClientRequestToken.length > 0, 'the create carries a token');
  assert.deepEqual(w1.devices, GOOD_WAVE_1, 'the seed\'s canary');
  // The plan, in wave 1's tags.
  const id = w1.tags['fuota-rollout:id'];
  assert.match(id, /^[a-z0-9-]{1,40}$/);
  assert.deepEqual(w1.tags, {
    'fuota-rollout:v': '1',
    'fuota-rollout:id': id,
    'fuota-rollout:wave': '1',
    'fuota-rollout:name': 'e2e-good-fw-3.0',
    'fuota-rollout:waves': '1p/10p/rest',
    'fuota-rollout:seed': GOOD_SEED,
    'fuota-rollout:success': '95',
    'fuota-rollout:errors': '10',
    'fuota-rollout:fleet': `group:${GOOD_GROUP}`,
    'fuota-rollout:devices': '400',
    'fuota-rollout:kept-out': '0',
    'fuota-rollout:delivery': 'group-per-wave',
    'fuota-rollout:class': 'ClassC',
    'fuota-rollout:check': checkOf(w1.tags),
  });
  shared.goodId = id;
  shared.goodWaves[1] = w1;

  // The rollout, rebuilt from the account: wave 1 scheduled, then done and the gate passed.
  const passed1 = await until(page, id, (r) => wave(r, '1')?.status === 'FuotaDone' && r.state === 'waiting', 'wave 1 done and its gate passed');
  assert.equal(passed1.fleet, 400);
  assert.deepEqual(wave(passed1, '1'), { number: '1', taskId: w1.taskId, status: 'FuotaDone', devices: 4, succeeded: 4, failed: 0, successPercent: 100, reason: null });
  assert.equal(passed1.waves.length, 1);
  const actions = await openActions(page, id);
  assert.equal(await actions.locator('input[name=override-reason]').count(), 0, 'no reason asked when the gate passed');

  // Wave 2: 10 % of 400.
  await openWave(page, id, 'next-wave', 'next');
  const second = await review(page, writes);
  assert.deepEqual(plan(second), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', 40], ['CreateFuotaTask', 1],
    ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  const w2 = groupWave(checkSent(await confirm(page, writes, { total: 44 }), second));
  assert.deepEqual(w2.tags, { 'fuota-rollout:v': '1', 'fuota-rollout:id': id, 'fuota-rollout:wave': '2', 'fuota-rollout:check': checkOf(w2.tags) });
  assert.equal(w2.task.FirmwareUpdateImage, IMAGE, 'every wave sends wave 1\'s image');
  assert.equal(w2.devices.filter((d) => w1.devices.includes(d)).length, 0, 'no device twice');
  shared.goodWaves[2] = w2;
  const passed2 = await until(page, id, (r) => wave(r, '2')?.status === 'FuotaDone' && r.state === 'waiting', 'wave 2 done and its gate passed');
  assert.deepEqual(wave(passed2, '2'), { number: '2', taskId: w2.taskId, status: 'FuotaDone', devices: 40, succeeded: 40, failed: 0, successPercent: 100, reason: null });

  // Wave 3: the rest, 356 devices.
  await openWave(page, id, 'next-wave', 'next');
  const third = await review(page, writes);
  assert.deepEqual(plan(third), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', 356], ['CreateFuotaTask', 1],
    ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  const w3 = groupWave(checkSent(await confirm(page, writes, { total: 360, timeout: 180000 }), third));
  assert.equal(w3.tags['fuota-rollout:wave'], '3');
  const all = new Set([...w1.devices, ...w2.devices, ...w3.devices]);
  assert.equal(all.size, 400, 'the three waves are the fleet, each device once');
  shared.goodWaves[3] = w3;

  const done = await until(page, id, (r) => r.state === 'done', 'the rollout done', 90000);
  assert.equal(done.fleet, 400);
  assert.equal(done.succeeded, 385);
  assert.equal(done.failed, 15);
  assert.deepEqual(done.waves.map((w) => [w.number, w.taskId, w.status, w.devices, w.succeeded, w.failed, w.successPercent]), [
    ['1', w1.taskId, 'FuotaDone', 4, 4, 0, 100],
    ['2', w2.taskId, 'FuotaDone', 40, 40, 0, 100],
    ['3', w3.taskId, 'FuotaDone', 356, 341, 15, 95],
  ]);
  assert.match(done.nextStep, /\b13\b/, 'the 13 MissingFrag devices can be retried');
  const doneActions = await openActions(page, id);
  assert.equal(await doneActions.locator('button[data-action=next-wave]').count(), 0, 'no wave after the last');
  await page.screenshot({ path: `${ARTIFACTS}/rollouts-good-done.png`, fullPage: true });
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

test('the held demo-rollout-bad goes on to wave 2 only with a typed reason, kept in its tags and shown', async () => {
  const { page, writes, problems, logs } = await open();
  await showRollouts(page);
  const [bad] = (await rollouts(page)).filter((r) => r.id === 'demo-rollout-bad');
  assert.ok(bad, 'the seeded rollout is listed');
  assert.equal(bad.state, 'held');
  assert.equal(bad.fleet, 60);
  assert.equal(bad.succeeded, 4);
  assert.equal(bad.failed, 2);
  assert.deepEqual(bad.waves, [{ number: '1', taskId: 'demo-rollout-bad-w1', status: 'FuotaDone', devices: 6, succeeded: 4, failed: 2, successPercent: 66, reason: null }]);
  assert.match(bad.nextStep, /wave 2/);

  const actions = await openActions(page, 'demo-rollout-bad');
  assert.equal(await actions.locator('button[data-action=next-wave]').count(), 0, 'a held gate offers no next wave');
  assert.equal(await actions.locator('button[data-action=follow-up-wave]').count(), 1, 'its 2 MissingFrag devices can be retried');
  const reason = "Canary fine in the lab; ok'd by Anna (ticket #123)";
  await actions.locator('input[name=override-reason]').fill(reason);
  await actions.locator('button[data-action=next-wave]').waitFor();
  assert.equal(writes.length, 0, 'typing a reason sends nothing');

  await actions.locator('button[data-action=next-wave]').click();
  await page.waitForSelector('section[data-view=wave][data-wave-kind=next]');
  await checkProposedStart(page, 'section[data-view=wave][data-wave-kind=next]');
  const reviewed = await review(page, writes);
  assert.deepEqual(plan(reviewed), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', 24], ['CreateFuotaTask', 1],
    ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  assert.equal(rolloutTags(bodyOf(reviewed, 'CreateFuotaTask'))['fuota-rollout:reason:1'], encodeReason(reason), 'the review shows the reason\'s tag');
  const w2 = groupWave(checkSent(await confirm(page, writes, { total: 28 }), reviewed));
  assert.deepEqual(w2.tags, {
    'fuota-rollout:v': '1',
    'fuota-rollout:id': 'demo-rollout-bad',
    'fuota-rollout:wave': '2',
    'fuota-rollout:reason:1': 'Canary_fine_in_the_lab=3B_ok=27d_by_Anna_=28ticket_=23123=29',
    'fuota-rollout:check': checkOf(w2.tags),
  });
  assert.deepEqual(w2.devices, BAD_WAVE_2, 'the plan\'s wave 2 (seed 20261207), without wave 1\'s devices');
  assert.equal(w2.task.FirmwareUpdateImage, BAD_IMAGE, 'wave 2 sends wave 1\'s image');

  // Read back: the reason on wave 2's row.
  await until(page, 'demo-rollout-bad', (r) => wave(r, '2') !== undefined, 'wave 2 listed');
  await row(page, 'demo-rollout-bad', '2').locator('[data-override-reason]').waitFor();
  const read = (await rollouts(page)).find((r) => r.id === 'demo-rollout-bad');
  assert.equal(wave(read, '2').taskId, w2.taskId);
  assert.ok(wave(read, '2').reason.includes(reason), `the reason shown: ${wave(read, '2').reason}`);
  assert.equal(wave(read, '1').reason, null);
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

test('a follow-up wave takes exactly the retryable failures, lists the others with why, and takes one back', async () => {
  const { page, writes, problems, logs } = await open();
  // The bad rollout once its wave 2 ended: 12 of 24 failed reaches its 50 % error threshold.
  const bad = await until(page, 'demo-rollout-bad', (r) => wave(r, '2')?.status === 'FuotaDone', 'demo-rollout-bad\'s wave 2 done');
  assert.equal(bad.state, 'halted');
  assert.deepEqual([wave(bad, '2').devices, wave(bad, '2').succeeded, wave(bad, '2').failed, wave(bad, '2').successPercent], [24, 12, 12, 50]);
  assert.equal(bad.succeeded, 16);
  assert.equal(bad.failed, 14);
  await openWave(page, 'demo-rollout-bad', 'follow-up-wave', 'follow-up');
  // Every failure of the bad fleet is MissingFrag: nothing left out, every failed device retried.
  const badLeftOut = await page.locator('li[data-left-out]').count();
  assert.equal(badLeftOut, 0);
  const badFailed = bad.waves.reduce((n, w) => n + w.failed, 0);
  const badFollowUp = await review(page, writes);
  assert.deepEqual(plan(badFollowUp), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', badFailed - badLeftOut],
    ['CreateFuotaTask', 1], ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  assert.equal(badFailed - badLeftOut, 14);
  assert.deepEqual(rolloutTags(bodyOf(badFollowUp, 'CreateFuotaTask'))['fuota-rollout:wave'], 'f1');
  assert.deepEqual(rolloutTags(bodyOf(badFollowUp, 'CreateFuotaTask'))['fuota-rollout:after'], '2');
  assert.equal(writes.length, 0, 'reviewed, not sent');

  // The good rollout of the first test: 13 MissingFrag retried, 2 Package_Not_Supported left out.
  const id = shared.goodId;
  assert.ok(id, 'the first test made the good rollout');
  const good = await until(page, id, (r) => r.state === 'done', 'the good rollout listed done');
  const goodFailed = good.waves.reduce((n, w) => n + w.failed, 0);
  assert.equal(goodFailed, 15);
  await openWave(page, id, 'follow-up-wave', 'follow-up');
  const leftOut = await page.$$eval('li[data-left-out][data-device-id]', (lis) => lis.map((li) => ({
    device: li.dataset.deviceId, text: li.textContent.trim(), addBack: li.querySelector('button[data-action=add-back]') !== null,
  })));
  assert.deepEqual(leftOut.map((l) => l.device).sort(), GOOD_LEFT_OUT);
  for (const l of leftOut) {
    assert.ok(l.addBack, `${l.device} can be added back`);
    assert.ok(l.text.replace(l.device, '').replace(/\s+/g, ' ').trim().length > 10, `${l.device} is left out with a reason: ${l.text}`);
  }
  assert.equal(goodFailed - leftOut.length, 13, 'the retryable ones');
  // One taken back: the review has 13 + 1.
  await page.click(`li[data-left-out][data-device-id="${GOOD_LEFT_OUT[0]}"] button[data-action=add-back]`);
  await page.waitForSelector(`li[data-left-out][data-device-id="${GOOD_LEFT_OUT[0]}"]`, { state: 'detached' });
  const followUp = await review(page, writes);
  assert.deepEqual(plan(followUp), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', 14], ['CreateFuotaTask', 1],
    ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  const f1 = groupWave(checkSent(await confirm(page, writes, { total: 18 }), followUp));
  assert.deepEqual(f1.devices, [...GOOD_MISSING_FRAG, GOOD_LEFT_OUT[0]].sort(), 'exactly the MissingFrag devices and the one taken back');
  assert.deepEqual(f1.tags, {
    'fuota-rollout:v': '1',
    'fuota-rollout:id': id,
    'fuota-rollout:wave': 'f1',
    'fuota-rollout:after': '3',
    'fuota-rollout:check': checkOf(f1.tags),
  });
  shared.goodWaves.f1 = f1;
  // The endpoint ends a device's every session alike (by its id): the follow-up's devices fail again.
  const read = await until(page, id, (r) => wave(r, 'f1')?.status === 'FuotaDone', 'follow-up 1 done');
  assert.deepEqual(read.waves.map((w) => w.number), ['1', '2', '3', 'f1']);
  assert.deepEqual([wave(read, 'f1').taskId, wave(read, 'f1').devices, wave(read, 'f1').succeeded, wave(read, 'f1').failed], [f1.taskId, 14, 0, 14]);
  assert.equal(read.state, 'done');
  assert.equal(read.succeeded, 385);
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

test('a finished wave\'s group is cleaned up with one DeleteMulticastGroup, offered only while the group exists', async () => {
  const { page, writes, problems, logs } = await open();
  const id = shared.goodId;
  assert.ok(id && shared.goodWaves[1], 'the first test made the good rollout');
  await showRollouts(page);
  await openActions(page, id);
  const clean = row(page, id, '1').locator('button[data-action=clean-up-wave]');
  await clean.click();
  // Clean-up opens its review at once: one step.
  await page.waitForSelector('[data-write-review] li[data-write-step]');
  const reviewed = await steps(page);
  assert.deepEqual(plan(reviewed), [['DeleteMulticastGroup', 1]]);
  assert.equal(writes.length, 0, 'reviewing sends nothing');
  const sent = await confirm(page, writes, {});
  assert.deepEqual(sent.map((w) => [w.op, idIn(w.url, 'multicast-groups'), w.status]), [['DeleteMulticastGroup', shared.goodWaves[1].group, 204]]);

  await showRollouts(page);
  await openActions(page, id);
  assert.equal(await row(page, id, '1').locator('button[data-action=clean-up-wave]').count(), 0, 'its group is gone');
  assert.equal(await row(page, id, '2').locator('button[data-action=clean-up-wave]').count(), 1, 'wave 2\'s group is still there');
  // The seeded canaries' groups were deleted at the start; demo-rollout-bad's wave 2 has its own.
  await openActions(page, 'demo-rollout-bad');
  assert.equal(await row(page, 'demo-rollout-bad', '1').locator('button[data-action=clean-up-wave]').count(), 0);
  assert.equal(await row(page, 'demo-rollout-bad', '2').locator('button[data-action=clean-up-wave]').count(), 1);
  // The rollout reads the same without its canary's group: the task keeps its devices.
  const read = (await rollouts(page)).find((r) => r.id === id);
  assert.deepEqual([read.state, wave(read, '1').devices, wave(read, '1').succeeded], ['done', 4, 4]);
  assert.equal(writes.length, 1);
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

test('the rollouts are rebuilt the same after a reload and in a second browser context with empty storage', async () => {
  const { page, writes, problems, logs } = await open();
  // Wait until nothing runs (the seeded good wave 2 ends about 145 s after the endpoint started),
  // so that the reads compared below cannot differ by a session that moved.
  const deadline = Math.max(Date.now() + 90000, endpointStarted + 240000);
  let before;
  for (;;) {
    await showRollouts(page);
    before = await rollouts(page);
    const settled = before.every((r) => r.waves.every((w) => !IN_SESSION.has(w.status)));
    if (settled && wave(before.find((r) => r.id === 'demo-rollout-good') ?? { waves: [] }, '2')?.status === 'FuotaDone') break;
    if (Date.now() > deadline) assert.fail(`the rollouts did not settle: ${JSON.stringify(before.map((r) => [r.id, r.state, r.waves.map((w) => w.status)]))}`);
    await sleep(2000);
  }
  assert.ok((await page.textContent('[data-rollouts-progress]')).trim().length > 0, 'the progress is said');
  const ids = before.map((r) => r.id);
  for (const expected of ['demo-rollout-good', 'demo-rollout-bad', shared.goodId]) assert.ok(ids.includes(expected), `${expected} listed`);
  assert.equal(new Set(ids).size, ids.length, 'each rollout once');
  // The seeded good rollout: wave 2 ended 38 of 40 (95 %): wave 3 is ready to review.
  const demoGood = before.find((r) => r.id === 'demo-rollout-good');
  assert.equal(demoGood.state, 'waiting');
  assert.deepEqual(demoGood.waves.map((w) => [w.number, w.taskId, w.status, w.devices, w.succeeded, w.failed]), [
    ['1', 'demo-rollout-good-w1', 'FuotaDone', 4, 4, 0],
    ['2', 'demo-rollout-good-w2', 'FuotaDone', 40, 38, 2],
  ]);
  // What is compared: ids, states, counts and every wave's task, status and counts.
  const comparable = (list) => list.map(({ nextStep, ...r }) => r).sort((a, b) => String(a.id).localeCompare(String(b.id)));

  await page.reload();
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  await showRollouts(page);
  assert.deepEqual(comparable(await rollouts(page)), comparable(before), 'the same after a reload');

  const context = await browser().newContext({ viewport: VIEWPORT });
  try {
    const other = await open({ context });
    const stored = await other.page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.ok(!stored.includes(shared.goodId) && !stored.includes('fuota-rollout'), 'a fresh context holds nothing of a rollout');
    await showRollouts(other.page);
    assert.deepEqual(comparable(await rollouts(other.page)), comparable(before), 'the same in another context');
    assert.equal(other.writes.length, 0);
    await assertNoSecret(other.page, other.logs);
    assert.deepEqual(unexpected(other.problems, ...READ_STATUSES), []);
  } finally {
    await context.close();
  }
  // Nothing of a rollout is kept in this browser either.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes(shared.goodId) && !stored.includes('fuota-rollout'), 'no rollout in storage');
  assert.equal(writes.length, 0, 'reading writes nothing');
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

test('a wave whose sending fails half-way is resumed by the same confirm, and nothing reaches the service twice', async () => {
  const { page, writes, problems, logs } = await open();
  await showRollouts(page);
  await page.click(`${VIEW} button[data-action=new-rollout]`);
  await page.waitForSelector('section[data-view=new-rollout]');
  await fillTask(page, 'e2e-rollout-resume');
  await page.fill('[name=rollout-name]', 'e2e-resume-fw-3.0');
  // A pasted fleet: demo-live's 10 devices (EU868, in no group); a canary of 6.
  await page.selectOption('[name=fleet-kind]', 'devices');
  await page.waitForSelector('textarea[name=fleet-source]');
  await page.fill('textarea[name=fleet-source]', Array.from({ length: 10 }, (_, n) => `demo-live-dev-${String(n).padStart(5, '0')}`).join('\n'));
  await page.fill('[name=wave-sizes]', '6, rest');
  await page.fill('[name=rollout-seed]', '7');

  // The service refuses the third AssociateWirelessDeviceWithMulticastGroup once.
  const refused = [];
  let associates = 0;
  const refuse = async (route) => {
    const r = route.request();
    if (r.method() !== 'PUT' || ++associates !== 3) return route.continue();
    refused.push(r);
    await route.fulfill({
      status: 403,
      contentType: 'application/json',
      body: JSON.stringify({ message: 'User: arn:aws:sts::123456789012:assumed-role/e2e is not authorized to perform: iotwireless:AssociateWirelessDeviceWithMulticastGroup' }),
      headers: {
        'x-amzn-ErrorType': 'AccessDeniedException',
        'x-amzn-RequestId': 'e2e-refused-associate',
        'access-control-allow-origin': new URL(page.url()).origin,
        'access-control-expose-headers': 'x-amzn-ErrorType,x-amzn-RequestId',
      },
    });
  };
  await page.route('**/multicast-groups/*/wireless-device', refuse);
  const reviewed = await review(page, writes);
  assert.deepEqual(plan(reviewed), [['CreateMulticastGroup', 1], ['AssociateWirelessDeviceWithMulticastGroup', 6], ['CreateFuotaTask', 1],
    ['AssociateMulticastGroupWithFuotaTask', 1], ['StartFuotaTask', 1]]);
  await confirm(page, writes, { outcome: 'failed' });
  await page.unroute('**/multicast-groups/*/wireless-device', refuse);
  assert.equal(refused.length, 1);
  assert.equal(await page.getAttribute('[data-write-result][data-outcome=failed]', 'data-error-code'), 'AccessDeniedException');
  // The failure stopped the wave: the review stays, each step saying how far it went.
  const stopped = await steps(page);
  assert.deepEqual(plan(stopped), plan(reviewed), 'the review stays');
  const done = Object.fromEntries(stopped.map((s) => [s.operation, s.done]));
  assert.equal(done.CreateMulticastGroup, 1);
  assert.ok(done.AssociateWirelessDeviceWithMulticastGroup >= 2 && done.AssociateWirelessDeviceWithMulticastGroup < 6, `associates done: ${done.AssociateWirelessDeviceWithMulticastGroup}`);
  assert.deepEqual([done.CreateFuotaTask, done.AssociateMulticastGroupWithFuotaTask, done.StartFuotaTask], [0, 0, 0]);
  assert.equal(writes.filter((w) => w.op === 'CreateFuotaTask').length, 0, 'no task before every device is in the group');

  // The same confirm sends what is left (whether the progress counts from 0 again or goes on is
  // the page's choice: each step's own count is checked instead).
  await confirm(page, writes, {});
  const after = await steps(page);
  for (const s of after) assert.equal(s.done, s.count, `${s.operation}: every call done`);

  // What reached the service: each call once, each answered with success.
  const isRefused = (w) => refused.includes(w.request) || w.requestId === 'e2e-refused-associate';
  assert.equal(writes.filter(isRefused).length, 1, 'the refusal is one of the recorded writes');
  const reached = writes.filter((w) => !isRefused(w));
  const key = (w) => `${w.method} ${w.url} ${w.body}`;
  const times = new Map();
  for (const w of reached) times.set(key(w), (times.get(key(w)) ?? 0) + 1);
  assert.deepEqual([...times].filter(([, n]) => n > 1), [], 'no call reached the service twice');
  for (const w of reached) assert.ok(w.status >= 200 && w.status < 300, `${w.op} answered ${w.status}`);
  const refusedKey = `${refused[0].method()} ${refused[0].url()} ${refused[0].postData() ?? ''}`;
  assert.equal(writes.filter((w) => key(w) === refusedKey).length, 2, 'the refused call was sent again, once');
  assert.equal(reached.filter((w) => w.op === 'CreateMulticastGroup').length, 1, 'one group');
  const creates = reached.filter((w) => w.op === 'CreateFuotaTask');
  assert.ok(creates.length >= 1);
  assert.ok(creates.every((w) => w.body === creates[0].body), 'a create sent again is the same, token included');
  const byOp = Object.fromEntries(GROUP_PER_WAVE.map((op) => [op, reached.filter((w) => w.op === op)]));
  assert.equal(byOp.CreateFuotaTask.length, 1, 'one task');
  const w1 = groupWave(byOp);
  assert.deepEqual(w1.devices, ['demo-live-dev-00001', 'demo-live-dev-00002', 'demo-live-dev-00005', 'demo-live-dev-00006', 'demo-live-dev-00008', 'demo-live-dev-00009'],
    'the seed\'s 6, each once');
  assert.equal(w1.tags['fuota-rollout:fleet'], 'list');
  assert.equal(w1.tags['fuota-rollout:devices'], '10');
  assert.equal(w1.tags['fuota-rollout:waves'], '6/rest');

  // The account has one rollout of that name, its wave 1 with the 6 devices.
  const read = await until(page, w1.tags['fuota-rollout:id'], (r) => wave(r, '1') !== undefined, 'the resumed rollout listed');
  assert.deepEqual([wave(read, '1').taskId, wave(read, '1').devices], [w1.taskId, 6]);
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, ...READ_STATUSES, '403'), []);
  await page.close();
});

test('a wave whose start never went out is started from the rollouts view after a reload; the view follows it live', async () => {
  const { page, writes, problems } = await open({ query: '&refresh=5' });
  await showRollouts(page);
  await page.click(`${VIEW} button[data-action=new-rollout]`);
  await page.waitForSelector('section[data-view=new-rollout]');
  await fillTask(page, 'e2e-rollout-unstarted');
  await page.fill('[name=rollout-name]', 'e2e-unstarted-fw-3.1');
  await page.selectOption('[name=fleet-kind]', 'devices');
  await page.waitForSelector('textarea[name=fleet-source]');
  await page.fill('textarea[name=fleet-source]', Array.from({ length: 4 }, (_, n) => `demo-live-dev-${String(n).padStart(5, '0')}`).join('\n'));
  await page.fill('[name=wave-sizes]', '2, rest');
  // The service refuses the start: everything before it is done.
  const refuse = (route) => route.fulfill({
    status: 403,
    contentType: 'application/json',
    body: JSON.stringify({ message: 'not authorized to perform: iotwireless:StartFuotaTask' }),
    headers: {
      'x-amzn-ErrorType': 'AccessDeniedException',
      'access-control-allow-origin': new URL(page.url()).origin,
      'access-control-expose-headers': 'x-amzn-ErrorType,x-amzn-RequestId',
    },
  });
  await page.route((url) => /\/fuota-tasks\/[^/]+$/.test(new URL(url).pathname), (route) => (route.request().method() === 'PUT' ? refuse(route) : route.continue()));
  const reviewed = await review(page, writes);
  await confirm(page, writes, { outcome: 'failed' });
  const done = Object.fromEntries((await steps(page)).map((s) => [s.operation, s.done]));
  assert.deepEqual([done.CreateFuotaTask, done.AssociateMulticastGroupWithFuotaTask, done.StartFuotaTask], [1, 1, 0]);
  const tags = rolloutTags(JSON.parse(writes.find((w) => w.op === 'CreateFuotaTask').body));
  const id = tags['fuota-rollout:id'];
  assert.ok(reviewed.length === 5 && id);
  await page.unrouteAll();

  // The tab is reloaded: the review is gone; the account says the wave waits for its start.
  await page.reload();
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  const before = writes.length;
  const waiting = await until(page, id, (r) => wave(r, '1')?.status === 'Pending', 'the unstarted wave listed');
  assert.equal(waiting.state, 'waiting');
  assert.equal(wave(waiting, '1').devices, 2);
  const actions = await openActions(page, id);
  await actions.locator('button[data-action=start-wave]').click();
  await page.waitForSelector('section[data-view=start-wave] [name=start-time]');
  const start = await review(page, writes);
  assert.deepEqual(plan(start), [['StartFuotaTask', 1]]);
  const sent = await confirm(page, writes, {});
  assert.deepEqual(sent.map((w) => [w.op, idIn(w.url, 'fuota-tasks'), w.status]), [['StartFuotaTask', wave(waiting, '1').taskId, 204]]);
  assert.equal(writes.length, before + 1, 'one write: the start');
  // The rollouts are read again after the write; while the wave's session waits or runs, the view
  // reads itself again (every 5 s here) until the wave is done, without a click.
  const row1 = `${VIEW} article[data-rollout-id="${id}"] tr[data-wave-number="1"]`;
  await page.waitForSelector(`${VIEW} [data-live]`, { timeout: 30_000 });
  const clicks = writes.length;
  await page.waitForSelector(`${row1}[data-status=FuotaDone]`, { timeout: 60_000 });
  assert.equal(writes.length, clicks, 'reading again writes nothing');
  await page.waitForSelector(`${VIEW}:not(:has([data-live]))`, { timeout: 30_000 });
  assert.deepEqual(unexpected(problems, ...READ_STATUSES, '403'), []);
  await page.close();
});

test('a wave delivered to devices: CreateFuotaTask, one Associate per device, then the start; no group', async () => {
  const { page, writes, problems, logs } = await open();
  // New rollout from the task list this time, over a device profile.
  await page.click('[data-action=list-tasks]');
  await page.waitForSelector('[data-view=tasks][data-tasks-complete=true]');
  await page.click('[data-view=tasks] [data-action=new-rollout]');
  await page.waitForSelector('section[data-view=new-rollout]');
  await fillTask(page, 'e2e-rollout-devices');
  await page.fill('[name=rollout-name]', 'e2e-devices-fw-3.0');
  await page.selectOption('[name=fleet-kind]', 'device-profile');
  await page.fill('[name=fleet-source]', 'dp-fleet-bad-eu868');
  await page.fill('[name=wave-sizes]', '3, rest');
  await page.fill('[name=rollout-seed]', '11');
  await page.selectOption('[name=delivery]', 'devices');
  const reviewed = await review(page, writes);
  assert.deepEqual(plan(reviewed), [['CreateFuotaTask', 1], ['AssociateWirelessDeviceWithFuotaTask', 3], ['StartFuotaTask', 1]]);
  const byOp = checkSent(await confirm(page, writes, { total: 5 }), reviewed);
  const taskId = idIn(byOp.StartFuotaTask[0].url, 'fuota-tasks');
  const devices = byOp.AssociateWirelessDeviceWithFuotaTask.map((w) => {
    assert.equal(idIn(w.url, 'fuota-tasks'), taskId);
    return JSON.parse(w.body).WirelessDeviceId;
  }).sort();
  assert.deepEqual(devices, ['fleet-bad-dev-00014', 'fleet-bad-dev-00020', 'fleet-bad-dev-00055'], 'the seed\'s 3 of the profile\'s 60');
  const tags = rolloutTags(JSON.parse(byOp.CreateFuotaTask[0].body));
  assert.equal(tags['fuota-rollout:fleet'], 'profile:dp-fleet-bad-eu868');
  assert.equal(tags['fuota-rollout:devices'], '60');
  assert.equal(tags['fuota-rollout:delivery'], 'devices');
  assert.equal(tags['fuota-rollout:class'], undefined, 'no class without a group');
  assert.equal(tags['fuota-rollout:check'], checkOf(tags));
  assert.deepEqual(DEVICES, reviewed.map((s) => s.operation));
  const read = await until(page, tags['fuota-rollout:id'], (r) => wave(r, '1')?.status === 'FuotaDone', 'the devices wave done');
  assert.deepEqual([wave(read, '1').taskId, wave(read, '1').devices, read.fleet], [taskId, 3, 60]);
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

test('the devices a pre-flight check found unreachable are kept out of the waves, and counted in the record', async () => {
  const { page, writes, problems } = await open();
  // demo-in-session (EU868, 17 devices): its pre-flight finds some silent or outside the group's
  // gateways. The fleet is its devices, pasted.
  await page.fill('[name=task-id]', 'demo-in-session');
  await page.click('form.query:not([data-static]) button[type=submit]');
  await page.waitForSelector('[data-view=devices][data-devices-complete=true]', { timeout: 90_000 });
  const fleet = await page.$$eval('[data-view=devices] tr[data-device-id]', (rows) => rows.map((r) => r.dataset.deviceId));
  assert.equal(fleet.length, 17);
  await page.click('[data-action=check-reach]');
  await page.waitForSelector('[data-preflight][data-preflight-complete=true]', { timeout: 90_000 });
  await page.click('section.planner [data-action=new-rollout]');
  await page.waitForSelector('section[data-view=new-rollout] [data-kept-out]');
  const keptOut = await page.$$eval('[data-kept-out-device]', (items) => items.map((i) => i.dataset.keptOutDevice));
  assert.ok(keptOut.length > 0 && keptOut.every((id) => fleet.includes(id)), `kept out: ${keptOut}`);
  await fillTask(page, 'kept-out-check');
  await page.fill('[name=rollout-name]', 'kept-out-check');
  await page.selectOption('[name=fleet-kind]', 'devices');
  await page.fill('[name=fleet-source]', fleet.join('\n'));
  await page.fill('[name=wave-sizes]', 'rest');
  const reviewed = await review(page, writes);
  const joins = reviewed.find((s) => s.operation === 'AssociateWirelessDeviceWithMulticastGroup');
  assert.equal(joins.count, fleet.length - keptOut.length, 'the one wave takes every device but the unreachable');
  const tags = Object.fromEntries(bodyOf(reviewed, 'CreateFuotaTask').Tags.map((t) => [t.Key, t.Value]));
  assert.equal(tags['fuota-rollout:kept-out'], String(keptOut.length));
  assert.equal(tags['fuota-rollout:devices'], String(fleet.length));
  assert.equal(writes.length, 0, 'reviewed, not sent');
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});

test('no secret anywhere: the rollouts, a reviewed wave, every URL, write body and console line above', async () => {
  const { page, writes, problems, logs } = await open();
  await showRollouts(page);
  // A review on screen: its bodies are in the DOM.
  await openWave(page, 'demo-rollout-bad', 'follow-up-wave', 'follow-up');
  await review(page, writes);
  await assertNoSecret(page, logs);
  assert.equal(writes.length, 0);
  for (const secret of [DEMO_SECRET, DEMO_TOKEN, encodeURIComponent(DEMO_SECRET)]) {
    assert.ok(!everything.urls.some((u) => u.includes(secret)), 'secret in a request URL');
    assert.ok(!everything.bodies.some((b) => b.includes(secret)), 'secret in a write body');
    assert.ok(!everything.logs.some((l) => l.includes(secret)), 'secret in a console line');
  }
  assert.ok(everything.bodies.length > 0 && everything.urls.length > 0, 'the requests of the tests above were recorded');
  assert.deepEqual(unexpected(problems, ...READ_STATUSES), []);
  await page.close();
});
