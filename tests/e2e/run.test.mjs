// End-to-end: running a campaign from the console in Debian Chromium against the real local
// endpoint: plan → create from the plan → add a group → schedule → FuotaDone on screen; a create
// whose answer is lost ends with one task; an Associate batch with failures and a retry of the
// failed; a conflict; delete; nothing written without the confirm control; no secret anywhere.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, SITE, assertNoSecret, confirmEndpoint, endpointLog, useBrowser, watch } from './chromium.mjs';

const browser = useBrowser();

// An endpoint of these tests' own: its scheduling clock runs 600 times faster, so a session
// scheduled 35 minutes ahead starts after 3.5 s and its 5 minutes pass in half a second.
const dir = mkdtempSync(join(tmpdir(), 'fuota-run-'));
const readyFile = join(dir, 'ready.json');
// Its pages come from FUOTA_SITE: the endpoint answers CORS for that origin only.
const endpoint = spawn(process.env.FUOTA_LOCAL, ['--api', '127.0.0.1:0', '--ready-file', readyFile, '--schedule-speed', '600',
  ...(SITE ? ['--cors-origin', new URL(SITE).origin] : [])], { stdio: ['ignore', 'ignore', endpointLog('run')] });
after(() => endpoint.kill());
async function api() {
  for (let i = 0; i < 100 && !existsSync(readyFile); i++) await new Promise((r) => setTimeout(r, 100));
  return JSON.parse(readFileSync(readyFile, 'utf8')).api;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Opens the console on this endpoint; records every write request and every confirm click. */
async function open(query = '') {
  const page = await browser().newPage({ viewport: { width: 1200, height: 1100 } });
  const seen = watch(page);
  const writes = [];
  page.on('request', (r) => {
    if (WRITE_METHODS.has(r.method())) writes.push({ method: r.method(), url: r.url(), body: r.postData() ?? '' });
  });
  await page.goto(`${SITE}/?demo&refresh=5&endpoint=${encodeURIComponent(await api())}${query}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  return { page, writes, ...seen };
}

/** Reviews the open write and checks nothing was sent by reviewing; gives the review's body. */
async function review(page, writes, operation) {
  const before = writes.length;
  await page.click('[data-action=review-write]');
  await page.waitForSelector(`[data-write-review][data-operation=${operation}]`);
  assert.equal(writes.length, before, 'reviewing sends nothing');
  return page.textContent('[data-write-body]');
}

async function confirm(page, operation, outcome = 'succeeded') {
  await page.click('[data-action=confirm-write]');
  await page.waitForSelector(`[data-write-result][data-operation=${operation}][data-outcome=${outcome}]`, { timeout: 30000 });
}

async function status(page) {
  return page.getAttribute('[data-field=Status]', 'data-value');
}

async function createTask(page, writes, { name, firmware = '20000' } = {}) {
  await page.fill('[name=firmware-size]', firmware);
  await page.click('[data-action=create-from-plan]');
  await page.waitForSelector('[data-view=new-task]');
  await page.fill('[name=new-task-name]', name);
  await page.fill('[name=new-task-image]', 's3://fw-bucket/sensor/2.5.0.bin');
  await page.fill('[name=new-task-role]', 'arn:aws:iam::123456789012:role/IoTWirelessFuota');
  const body = JSON.parse(await review(page, writes, 'CreateFuotaTask'));
  await confirm(page, 'CreateFuotaTask');
  await page.waitForSelector('[data-field=Status][data-value=Pending]');
  const id = await page.getAttribute('[data-field=Id]', 'data-value');
  return { id, body };
}

/** The page's own problems, without the browser's line for each error answer the test provoked. */
function unexpected(problems, ...statuses) {
  const expected = statuses.map((s) => `console: Failed to load resource: the server responded with a status of ${s}`);
  return problems.filter((p) => !expected.some((e) => p.startsWith(e)));
}


test('plan → create from the plan → add a group → schedule → watch it reach FuotaDone', async () => {
  const { page, writes, problems, logs } = await open();
  // Host pages hear of each write's end.
  await page.evaluate(() => {
    window.writeEvents = [];
    document.addEventListener('fuota-write', (e) => window.writeEvents.push(e.detail));
  });
  // The planner's values go into the form unchanged.
  await page.fill('[name=firmware-size]', '20000');
  const planned = {
    size: await page.inputValue('[name=fragment-size]'),
    interval: await page.inputValue('[name=fragment-interval-ms]'),
    redundancy: await page.inputValue('[name=redundancy-percent]'),
  };
  await page.click('[data-action=create-from-plan]');
  await page.waitForSelector('[data-view=new-task]');
  assert.equal(await page.inputValue('[name=new-task-fragment-size]'), planned.size);
  assert.equal(await page.inputValue('[name=new-task-fragment-interval-ms]'), planned.interval);
  assert.equal(await page.inputValue('[name=new-task-redundancy-percent]'), planned.redundancy);

  // A wrong value is refused on its control before anything is sent.
  await page.fill('[name=new-task-name]', 'e2e-campaign');
  await page.fill('[name=new-task-image]', 'https://example.com/fw.bin');
  await page.fill('[name=new-task-role]', 'arn:aws:iam::123456789012:role/IoTWirelessFuota');
  await page.click('[data-action=review-write]');
  await page.waitForSelector('[data-input-error=new-task-image]');
  assert.equal(await page.$('[data-write-review]'), null);
  await page.fill('[name=new-task-image]', 's3://fw-bucket/sensor/2.5.0.bin');
  await page.fill('[name=new-task-descriptor]', 'v2.5.0');
  const body = JSON.parse(await review(page, writes, 'CreateFuotaTask'));
  assert.match(body.ClientRequestToken, /^[0-9a-f]{32}$/);
  assert.equal(body.FragmentSizeBytes, Number(planned.size));
  assert.equal(body.FragmentIntervalMS, Number(planned.interval));
  assert.equal(body.RedundancyPercent, Number(planned.redundancy));
  assert.equal(body.Descriptor, Buffer.from('v2.5.0').toString('base64'));
  assert.equal(body.LoRaWAN.RfRegion, 'EU868');
  // Back keeps what was typed.
  await page.click('[data-action=back]');
  assert.equal(await page.inputValue('[name=new-task-name]'), 'e2e-campaign');
  await review(page, writes, 'CreateFuotaTask');
  await confirm(page, 'CreateFuotaTask');
  assert.equal(writes.length, 1);
  assert.equal(writes[0].method, 'POST');
  await page.waitForSelector('[data-field=Status][data-value=Pending]');
  assert.equal(await page.getAttribute('[data-field=Name]', 'data-value'), 'e2e-campaign');

  // A group, picked from ListMulticastGroups.
  await page.click('[data-action=add-targets]');
  await page.waitForSelector('[data-view=add-targets]');
  await page.selectOption('[name=target-kind]', 'groups');
  await page.click('[data-pick-group=mcg-sensors-eu868]');
  assert.equal((await page.inputValue('[name=target-ids]')).trim(), 'mcg-sensors-eu868');
  assert.deepEqual(JSON.parse(await review(page, writes, 'AssociateMulticastGroupWithFuotaTask')), { MulticastGroupId: 'mcg-sensors-eu868' });
  await confirm(page, 'AssociateMulticastGroupWithFuotaTask');
  await page.waitForSelector('[data-write-progress][data-done="1"][data-failed="0"][data-total="1"]');
  await page.waitForSelector('[data-multicast-group-id=mcg-sensors-eu868]');

  // Schedule: too soon is refused with the reason; the proposal (now + 35 min) goes.
  await page.click('[data-action=start-task]');
  await page.waitForSelector('[data-view=start-task]');
  const proposed = await page.inputValue('[name=start-time]');
  const soon = await page.evaluate(() => {
    const d = new Date(Date.now() + 10 * 60000);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  });
  await page.fill('[name=start-time]', soon);
  await page.click('[data-action=review-write]');
  await page.waitForSelector('[data-input-error=start-time]');
  await page.fill('[name=start-time]', proposed);
  const start = JSON.parse(await review(page, writes, 'StartFuotaTask'));
  const lead = (Date.parse(start.LoRaWAN.StartTime) - Date.now()) / 60000;
  assert.ok(lead > 34 && lead <= 37, `start ${lead} min ahead`);
  await confirm(page, 'StartFuotaTask');
  assert.deepEqual(writes.map((w) => w.method), ['POST', 'PUT', 'PUT']);
  const heard = await page.evaluate(() => window.writeEvents);
  const taskId = await page.getAttribute('[data-field=Id]', 'data-value');
  assert.deepEqual(heard.map((d) => [d.operation, d.outcome, d.errorCode, d.taskId]), [
    ['CreateFuotaTask', 'succeeded', null, taskId],
    ['AssociateMulticastGroupWithFuotaTask', 'succeeded', null, taskId],
    ['StartFuotaTask', 'succeeded', null, taskId],
  ]);
  // Waiting, then the session, then done: the live view follows without a reload.
  await page.waitForSelector('[data-field=Status][data-value=FuotaDone]', { timeout: 60000 });
  await page.waitForSelector('[data-view=devices] [data-fuota-device-status=Successful]', { timeout: 20000 });
  // Done: only delete is offered now.
  assert.equal(await page.$('[data-action=edit-task]'), null);
  assert.equal(await page.$('[data-action=add-targets]'), null);
  assert.ok(await page.$('[data-action=delete-task]'));
  await page.screenshot({ path: `${ARTIFACTS}/run-done.png`, fullPage: true });
  await assertNoSecret(page, logs);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a create whose answer is lost is sent again with its token and ends with one task', async () => {
  const { page, writes, problems } = await open();
  const { id, body } = await createTask(page, writes, { name: 'fault-drop-answer-e2e' });
  const creates = writes.filter((w) => w.method === 'POST');
  assert.equal(creates.length, 2, 'sent again once');
  assert.equal(JSON.parse(creates[0].body).ClientRequestToken, JSON.parse(creates[1].body).ClientRequestToken);
  assert.equal(creates[0].body, creates[1].body);
  assert.ok(body.ClientRequestToken);
  // One task of that name in the list.
  await page.click('[data-action=list-tasks]');
  await page.waitForSelector('[data-view=tasks][data-tasks-complete=true]');
  const named = await page.$$eval('[data-task-row]', (rows) => rows.filter((r) => r.textContent.includes('fault-drop-answer-e2e')).map((r) => r.dataset.taskId));
  assert.deepEqual(named, [id]);
  // demo-busy's status read is throttled once by design.
  assert.deepEqual(unexpected(problems, '429'), []);
  await page.close();
});

test('an Associate batch with failures, a retry of the failed, a DevEUI mapped to its device', async () => {
  const { page, writes, problems } = await open();
  await createTask(page, writes, { name: 'e2e-batch' });
  await page.click('[data-action=add-targets]');
  await page.waitForSelector('[data-view=add-targets]');
  // A DevEUI of the account (written with dashes, lower case), ids, one that no device has, one
  // that the service throttles three times, and a duplicate.
  const eui = await page.evaluate(() => {
    // The local endpoint's DevEUI of demo-10k's device 7 (FNV-1a of the task id, mixed with the index).
    let h = 0xcbf29ce484222325n;
    for (const b of new TextEncoder().encode('demo-10k')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
    const v = (h ^ ((7n * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn)).toString(16).padStart(16, '0');
    return v.match(/../g).join('-');
  });
  // Only DevEUIs no device has: nothing to review, and the reason on the control.
  await page.fill('[name=target-ids]', 'ff-ff-ff-ff-ff-ff-ff-fe');
  await page.click('[data-action=review-write]');
  await page.waitForSelector('[data-input-error=target-ids]');
  assert.equal(await page.$('[data-write-review]'), null);
  await page.fill('[name=target-ids]', `demo-pending-dev-00000, demo-pending-dev-00001\nno-such-device\n${eui}\nfault-throttled-e2e\ndemo-pending-dev-00000`);
  const first = JSON.parse(await review(page, writes, 'AssociateWirelessDeviceWithFuotaTask'));
  assert.deepEqual(first, { WirelessDeviceId: 'demo-pending-dev-00000' });
  await page.click('[data-action=confirm-write]');
  await page.waitForSelector('[data-write-progress][data-done="3"][data-failed="2"][data-total="5"]', { timeout: 30000 });
  await page.waitForSelector('[data-write-result][data-operation=AssociateWirelessDeviceWithFuotaTask][data-outcome=failed]');
  await page.waitForSelector('[data-failed-item=no-such-device][data-error-code=ResourceNotFoundException]');
  await page.waitForSelector('[data-failed-item=fault-throttled-e2e][data-error-code=ThrottlingException]');
  const associated = writes.filter((w) => w.url.endsWith('/wireless-device')).map((w) => JSON.parse(w.body).WirelessDeviceId);
  assert.ok(associated.includes('demo-10k-dev-00007'), 'the DevEUI went as its device id');
  // Retry the failed: the throttled one now goes through, the missing device fails again.
  await page.click('[data-action=retry-failed]');
  await page.waitForSelector('[data-write-progress][data-done="4"][data-failed="1"][data-total="5"]', { timeout: 30000 });
  // Remove one from its row: reviewed like any write, then gone from the task's devices.
  await page.click('[data-action=remove-target][data-target-id=demo-pending-dev-00001]');
  assert.equal(await review(page, writes, 'DisassociateWirelessDeviceFromFuotaTask'), '');
  await confirm(page, 'DisassociateWirelessDeviceFromFuotaTask');
  await page.waitForSelector('[data-device-id=demo-pending-dev-00001]', { state: 'detached' });
  assert.ok(writes.some((w) => w.method === 'DELETE' && w.url.endsWith('/wireless-devices/demo-pending-dev-00001')));
  assert.deepEqual(unexpected(problems, '404', '429'), []);
  await page.close();
});

test('a conflict says the task\'s status; delete needs the name and leaves Delete_Waiting', async () => {
  const { page, writes, problems, logs } = await open();
  const { id } = await createTask(page, writes, { name: 'e2e-conflict' });
  // Another tab deletes the task while this one still shows it Pending.
  const other = await open(`&task-id=${encodeURIComponent(id)}`);
  await other.page.fill('[name=task-id]', id);
  await other.page.click('form.query:not([data-static]) button[type=submit]');
  await other.page.waitForSelector('[data-field=Status][data-value=Pending]');
  await other.page.click('[data-action=delete-task]');
  await other.page.waitForSelector('[data-view=delete-task]');
  assert.ok(await other.page.isDisabled('[data-action=review-write]'), 'disabled until the name is typed');
  await other.page.fill('[name=confirm-name]', 'e2e-conflict');
  assert.equal(await review(other.page, other.writes, 'DeleteFuotaTask'), '');
  await confirm(other.page, 'DeleteFuotaTask');
  await other.page.waitForSelector('[data-field=Status][data-value=Delete_Waiting]');
  await other.page.close();

  await page.click('[data-action=edit-task]');
  await page.waitForSelector('[data-view=new-task]');
  await page.fill('[name=new-task-fragment-size]', '40');
  await review(page, writes, 'UpdateFuotaTask');
  assert.equal(await page.textContent('[data-write-body]'), '{"FragmentSizeBytes":40}');
  await page.waitForSelector('[data-change=FragmentSizeBytes]');
  await confirm(page, 'UpdateFuotaTask', 'failed');
  assert.equal(await page.getAttribute('[data-write-result]', 'data-error-code'), 'ConflictException');
  await page.waitForSelector('[data-field=Status][data-value=Delete_Waiting]');
  await page.waitForSelector('[data-write-result] .follow-up:has-text("Delete_Waiting")');
  // Only delete was offered in Delete_Waiting? Not even that: the task is going.
  assert.equal(await page.$('[data-action=edit-task]'), null);
  assert.equal(await page.$('[data-action=delete-task]'), null);
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, '409'), []);
  await page.close();
});

test('an Associate batch of 1,000 devices completes, at most 4 in flight (time printed, never a gate)', async () => {
  const { page, writes, problems } = await open();
  await createTask(page, writes, { name: 'e2e-thousand' });
  let inFlight = 0;
  let most = 0;
  page.on('request', (r) => { if (r.url().endsWith('/wireless-device')) most = Math.max(most, ++inFlight); });
  // Counted down at the answer's headers: the browser reports a request's end after the page may
  // already have started the next one.
  page.on('response', (r) => { if (r.url().endsWith('/wireless-device')) inFlight--; });
  page.on('requestfailed', (r) => { if (r.url().endsWith('/wireless-device')) inFlight--; });
  await page.click('[data-action=add-targets]');
  await page.waitForSelector('[data-view=add-targets]');
  const ids = Array.from({ length: 1000 }, (_, n) => `demo-10k-dev-${String(n).padStart(5, '0')}`);
  await page.fill('[name=target-ids]', ids.join('\n'));
  await review(page, writes, 'AssociateWirelessDeviceWithFuotaTask');
  const started = Date.now();
  await page.click('[data-action=confirm-write]');
  // While it runs, the batch's progress and its Stop are in sight (the review has stepped aside).
  await page.waitForSelector('[data-write-progress] [data-action=stop-batch]', { timeout: 10000 });
  assert.equal(await page.$('[data-write-review]'), null);
  await page.waitForSelector('[data-write-progress][data-done="1000"][data-failed="0"][data-total="1000"]', { timeout: 180000 });
  const ms = Date.now() - started;
  console.log(`Associate batch of 1,000 devices over loopback: ${ms} ms (${(1000 / (ms / 1000)).toFixed(0)} calls/s), at most ${most} in flight`);
  assert.ok(most <= 4, `${most} in flight`);
  assert.equal(writes.filter((w) => w.url.endsWith('/wireless-device')).length, 1000);
  await page.waitForSelector('[data-write-result][data-operation=AssociateWirelessDeviceWithFuotaTask][data-outcome=succeeded]');
  await page.waitForSelector('[data-view=devices] [data-device-count=total][data-value="1000"]', { timeout: 60000 });
  assert.deepEqual(problems, []);
  await page.close();
});

// A write is bound to who and what it was reviewed for.

/** Opens the delete review of a new task of `name`. */
async function reviewDelete(page, writes, name) {
  const { id } = await createTask(page, writes, { name });
  await page.click('[data-action=delete-task]');
  await page.fill('[name=confirm-name]', name);
  await review(page, writes, 'DeleteFuotaTask');
  return id;
}

test('a review names who signs it and its task; Send is refused once other credentials are in', async () => {
  const { page, writes, problems, logs } = await open();
  const id = await reviewDelete(page, writes, 'e2e-bound-credentials');
  assert.equal(await page.textContent('[data-write-principal]'), 'ASIA…OINT');
  assert.equal(await page.getAttribute('[data-write-task]', 'data-write-task'), id);
  assert.match(await page.textContent('[data-write-task]'), /e2e-bound-credentials/);
  // Other keys pasted, and used (List tasks signs with them): the open review was made for the first.
  await page.fill('[name=access-key-id]', 'ASIAEXPIREDDEMOTOKEN');
  await page.fill('[name=session-token]', 'expired-demo-session-token');
  await page.click('[data-action=list-tasks]');
  await page.waitForSelector('[data-view=tasks] [data-error-code]');
  const before = writes.length;
  await page.click('[data-action=confirm-write]');
  await page.waitForSelector('[data-error-code=ReviewStale]');
  assert.match(await page.textContent('[data-error-code=ReviewStale]'), /ASIA…OINT.*ASIA…OKEN|reviewed for ASIA…OINT/s);
  assert.equal(writes.length, before, 'nothing was sent');
  assert.equal(await page.$('[data-write-review]'), null, 'the stale review is closed');
  await assertNoSecret(page, logs);
  assert.deepEqual(unexpected(problems, '403'), []);
  await page.close();
});

test('a review closes when another task is opened, and nothing is sent to the old one', async () => {
  const { page, writes, problems } = await open();
  await createTask(page, writes, { name: 'e2e-bound-task' });
  await page.click('[data-action=start-task]');
  await review(page, writes, 'StartFuotaTask');
  await page.click('[data-action=list-tasks]');
  await page.waitForSelector('[data-view=tasks][data-tasks-complete=true]');
  await page.click('[data-task-row][data-task-id=demo-done] [data-action=open-task]');
  await page.waitForSelector('[data-field=Id][data-value=demo-done]');
  assert.equal(await page.$('[data-write-review]'), null, 'the review of the old task went');
  assert.equal(await page.$('[data-action=confirm-write]'), null);
  assert.equal(writes.filter((w) => w.method === 'PUT').length, 0);
  assert.deepEqual(unexpected(problems, '429'), []);
  await page.close();
});

test('a create whose every answer is lost ends unknown, is found by name, and Back → Review → Send makes no second task', async () => {
  const { page, writes, problems } = await open();
  const name = 'e2e-every-answer-lost';
  // Every create reaches the endpoint (the task is made) and its answer never reaches the page.
  const lose = async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    await route.fetch();
    await route.abort('connectionreset');
  };
  await page.route('**/fuota-tasks', lose);
  await page.fill('[name=firmware-size]', '20000');
  await page.click('[data-action=create-from-plan]');
  await page.fill('[name=new-task-name]', name);
  await page.fill('[name=new-task-image]', 's3://fw-bucket/sensor/2.5.0.bin');
  await page.fill('[name=new-task-role]', 'arn:aws:iam::123456789012:role/IoTWirelessFuota');
  const first = JSON.parse(await review(page, writes, 'CreateFuotaTask'));
  await page.click('[data-action=confirm-write]');
  await page.waitForSelector('[data-write-result][data-operation=CreateFuotaTask][data-outcome=unknown]', { timeout: 60000 });
  // The page reads back what it can: the task list, by the name it was given.
  await page.waitForSelector('[data-write-result] [data-follow-up]:has-text("exists")', { timeout: 30000 });
  await page.unroute('**/fuota-tasks', lose);
  const sent = writes.filter((w) => w.method === 'POST');
  assert.ok(sent.length >= 2, 'the token write was tried again');
  assert.ok(sent.every((w) => w.body === sent[0].body), 'each time the same create');
  // Back → Review: the same members keep the same token.
  await page.click('[data-action=back]');
  const again = JSON.parse(await review(page, writes, 'CreateFuotaTask'));
  assert.equal(again.ClientRequestToken, first.ClientRequestToken);
  await confirm(page, 'CreateFuotaTask');
  await page.waitForSelector('[data-field=Status][data-value=Pending]');
  await page.click('[data-action=list-tasks]');
  await page.waitForSelector('[data-view=tasks][data-tasks-complete=true]');
  const named = await page.$$eval('[data-task-row]', (rows, n) => rows.filter((r) => r.textContent.includes(n)).length, name);
  assert.equal(named, 1, 'one task of that name');
  // The lost answers' own traces: the browser's line for each reset, and the 403 the unsigned
  // no-cors probe gets (the page asks whether the host answers at all).
  assert.deepEqual(unexpected(problems, '429', '403').filter((p) => !/ERR_CONNECTION_RESET|Failed to fetch|CORS/.test(p)), []);
  await page.close();
});

test('a write answered 200 {} where the service answers 204 is not taken as done', async () => {
  const { page, writes, problems } = await open();
  const id = await reviewDelete(page, writes, 'e2e-wrong-status');
  // A proxy that answers for the service: 200 with an empty object.
  await page.route(`**/fuota-tasks/${id}`, (route) => route.request().method() === 'DELETE'
    ? route.fulfill({ status: 200, contentType: 'application/json', body: '{}', headers: { 'access-control-allow-origin': new URL(page.url()).origin } })
    : route.continue());
  await page.click('[data-action=confirm-write]');
  const result = await page.waitForSelector('[data-write-result][data-operation=DeleteFuotaTask]', { timeout: 30000 });
  assert.notEqual(await result.getAttribute('data-outcome'), 'succeeded');
  assert.equal(await result.getAttribute('data-outcome'), 'unknown');
  assert.deepEqual(unexpected(problems, '429'), []);
  await page.close();
});
