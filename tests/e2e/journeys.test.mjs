// Bytes per user journey: what a visit really fetches from the console's own server (every file
// the page asked for, brotli -q 11 of each, each counted once), in a fresh browser context per
// journey, against the release build. Deterministic (the same build fetches the same files: checked
// here by measuring the first journey twice), so it gates CI like the file budgets do; timings
// never gate. The budgets are today's figures: lower them as the bytes come down.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { brotliSize } from '../../bench/lib/compress.mjs';
import { API, SITE, confirmEndpoint, useBrowser } from './chromium.mjs';

const browser = useBrowser();

const TASK_ON_SCREEN = 'a task on screen with its counts (the first part alone)';

/** KiB, brotli: each journey's budget, its figure when last measured, rounded up to the next half
 * KiB (the form's: its goal; the dates in the comments below). The form is usable
 * on the page's HTML, CSS and page.js (the goal: 8 KiB). A task on screen with its fragment counts
 * needs the first part alone (the goal: 250 KiB); a page left open then loads the campaign's part
 * ahead of its use (the task's devices and groups, the session planner, the task's actions), so the
 * task's plan costs nothing more. */
const BUDGETS = {
  'form usable (HTML, CSS, page.js; no wasm)': 8,
  // 336.0 → 249.1 KiB (2026-12-07): the campaign and the planner left the first part for a part
  // of their own, asked for as soon as the console takes the form over (docs/performance-history.md).
  // 249.1 → 241.4 (2026-12-07): no float formatting left in the first part (its two sentences that
  // wrote a float, the clock's and a timestamp's, say it in words; JSON comes over without serde).
  // +0.6 KiB: the campaign's part asked for ahead of its use only once the page is quiet.
  [TASK_ON_SCREEN]: 242,
  // +40 KiB each, the price of that part: what it shares with the other parts goes to 17 chunk
  // files, each compressed alone (src/parts.rs). About 1 KiB above the figure measured: small
  // edits moved the first part alone by up to 0.4 KiB from one build to the next. Then −4 KiB
  // each: one sort for the whole console instead of a copy per element type and comparison; −2 to
  // −4 KiB more: the wasm files' sections for tools (no browser reads them) stripped; about −1.2
  // KiB more: the places of the parts load them through one function, compiled once; about −1.5
  // KiB more: the fan-out's workers compiled once for every kind of item. +0.6 KiB: the float
  // formatting the first part shed is in a chunk the campaign's part loads (its margins in dB).
  // Then −7.6 KiB each: the campaign's and the pre-flight's figures written from integers
  // (fuota_core::words), so the float formatting is left to the widget's part alone.
  'open the page': 362.5,
  '+ fetch a task, type a firmware size': 362.5,
  '+ list tasks': 378.5,
  '+ New task and a review': 447.5,
  'open → a task → pre-flight': 395.5,
  // The rollouts' part holds their list and their runner: a new rollout's review costs nothing
  // more than the list (2026-12-08).
  'open → Rollouts': 495.5,
  '+ New rollout and its review': 495.5,
  // The widget's part and the first part, then the campaign's part for the first widget's devices
  // and both widgets' planners; the example portal's own files are not counted (2026-12-08).
  "a portal: two widgets, their tasks, the first one's devices, both planners": 383,
};

const measured = [];
after(() => {
  if (measured.length === 0) return;
  const w = Math.max(...measured.map((m) => m.journey.length));
  console.log(`\nbytes per journey (brotli -q 11 of every file the page fetched from ${SITE}):`);
  console.log(`${'journey'.padEnd(w)}  files  KiB      budget`);
  for (const m of measured) console.log(`${m.journey.padEnd(w)}  ${String(m.files).padStart(5)}  ${(m.bytes / 1024).toFixed(1).padStart(6)}  ${String(BUDGETS[m.journey]).padStart(6)}`);
});

/** Keeps the size (brotli -q 11) of every answer from the console's site, once per URL (answers
 * under `except`, a URL prefix, are left out), and how many of the site's requests are in flight
 * and when the last one started or ended, for `settle`. */
function keepFetched(page, except = null) {
  const fetched = { sizes: new Map(), inFlight: 0, last: Date.now() };
  const ours = (url) => url.startsWith(`${SITE}/`) && !(except && url.startsWith(except));
  const moved = (delta) => (r) => {
    if (!ours(r.url())) return;
    fetched.inFlight += delta;
    fetched.last = Date.now();
  };
  page.on('request', moved(1));
  page.on('requestfinished', moved(-1));
  page.on('requestfailed', moved(-1));
  page.on('response', (r) => {
    const url = r.url();
    if (!ours(url) || fetched.sizes.has(url)) return;
    fetched.sizes.set(url, r.body().then((b) => brotliSize(b)).catch(() => 0));
  });
  return fetched;
}

/** How long the site must have been quiet for a journey to be over: longer than the page waits
 * before it asks for a part ahead of its use (a second after its place is up, looked at every
 * quarter second: core/src/parts.rs), so that such a part is counted even where no test waits
 * for what it draws. */
const QUIET_MS = 1500;

/** A fresh context whose every answer from the site is kept, once per URL. */
async function visit() {
  const context = await browser().newContext({ viewport: { width: 1200, height: 1000 } });
  const page = await context.newPage();
  const fetched = keepFetched(page);
  await page.goto(`${SITE}/?demo&endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  return { context, page, fetched };
}

/** Waits until the page has what it asks for ahead of use (the planner and the task's actions,
 * a second after the takeover: src/ui/part_view.rs), so that "open the page" is a page left open. */
async function idle(page) {
  await page.waitForSelector('.calculator section.planner');
  await page.waitForSelector('.run-area nav.run-actions');
}

/** Waits until the site has had no request in flight for QUIET_MS, then sums what was fetched.
 * (Playwright's `networkidle` would not do: it is reached once per load, and a page that asks for
 * a part later is already past it.) */
async function settle(page, fetched) {
  const deadline = Date.now() + 60_000;
  while (fetched.inFlight > 0 || Date.now() - fetched.last < QUIET_MS) {
    assert.ok(Date.now() < deadline, `the site's requests did not settle: ${fetched.inFlight} in flight`);
    await page.waitForTimeout(100);
  }
  const sizes = await Promise.all(fetched.sizes.values());
  return { files: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

async function record(journey, page, fetched) {
  const total = await settle(page, fetched);
  measured.push({ journey, ...total });
  return total;
}

/** Every journey measured so far within its budget (checked after all are measured, so that a
 * failure still prints every figure). */
function assertBudgets() {
  for (const m of measured) assert.ok(m.journey in BUDGETS, `no budget for "${m.journey}"`);
  const over = measured.filter((m) => m.bytes > BUDGETS[m.journey] * 1024);
  assert.deepEqual(over.map((m) => `${m.journey}: ${(m.bytes / 1024).toFixed(1)} KiB, budget ${BUDGETS[m.journey]} KiB`), []);
}

async function openTask(page, id = 'demo-in-session') {
  await page.fill('[name=task-id]', id);
  await page.click('form.query:not([data-static]) button[type=submit]');
  await page.waitForSelector(`[data-field=Id][data-value=${id}]`);
}

test('the form is usable on the page\'s HTML, CSS and page.js alone', async () => {
  const context = await browser().newContext();
  // No wasm and no module: what the form needs before the console is there.
  await context.route(/(\.wasm|fuota-console[^/]*\.js)$/, (route) => route.abort());
  const page = await context.newPage();
  const fetched = keepFetched(page);
  await page.goto(`${SITE}/`);
  await page.waitForSelector('form.query[data-static] button[type=submit]:enabled');
  await page.fill('[name=task-id]', 'typed before the wasm');
  await record('form usable (HTML, CSS, page.js; no wasm)', page, fetched);
  await context.close();
  assertBudgets();
});

test('a task on screen with its fragment counts needs the first part alone', async () => {
  const context = await browser().newContext({ viewport: { width: 1200, height: 1000 } });
  // Every part that loads after the first is held back (asked for, never answered): the task and
  // its counts must be on screen without them, so the figure is what a task on screen costs.
  const held = [];
  await context.route(/\/(split|chunk)_[^/]*\.wasm$/, (route) => { held.push(route.request().url()); });
  const page = await context.newPage();
  const fetched = keepFetched(page);
  await page.goto(`${SITE}/?demo&endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  await openTask(page);
  await page.fill('[name=firmware-size]', '250000');
  const total = await page.locator('[data-calc=total-fragments][data-value]').getAttribute('data-value');
  // The counts follow the firmware size (twice the size, more fragments) with the parts held.
  await page.fill('[name=firmware-size]', '500000');
  await page.waitForFunction((before) => {
    const now = document.querySelector('[data-calc=total-fragments]')?.getAttribute('data-value');
    return now && Number(now) > Number(before);
  }, total);
  // The held parts were asked for (else this would not show that the task does without them).
  assert.ok(held.some((u) => u.endsWith('split_campaign.wasm')), `held back: ${held.join(', ')}`);
  const sizes = await Promise.all(fetched.sizes.values());
  measured.push({ journey: TASK_ON_SCREEN, files: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) });
  await context.close();
  assertBudgets();
});

test('a reading visit, step by step: open, a task and its plan, the task list, a new task reviewed', async () => {
  const { context, page, fetched } = await visit();
  await idle(page);
  const opened = await record('open the page', page, fetched);
  await openTask(page);
  await page.fill('[name=firmware-size]', '250000');
  await page.waitForSelector('[data-calc=total-fragments][data-value]');
  await record('+ fetch a task, type a firmware size', page, fetched);
  await page.click('[data-action=list-tasks]');
  await page.waitForSelector('[data-view=tasks][data-tasks-complete=true]');
  await record('+ list tasks', page, fetched);
  await page.click('[data-action=new-task]');
  await page.fill('[name=new-task-name]', 'journey');
  await page.fill('[name=new-task-image]', 's3://fw-bucket/journey.bin');
  await page.fill('[name=new-task-role]', 'arn:aws:iam::123456789012:role/IoTWirelessFuota');
  await page.click('[data-action=review-write]');
  await page.waitForSelector('[data-write-review]');
  await record('+ New task and a review', page, fetched);
  await context.close();

  // The same build fetches the same bytes: the figure is a gate, not a sample.
  const again = await visit();
  await idle(again.page);
  const reopened = await settle(again.page, again.fetched);
  assert.deepEqual(reopened, opened);
  await again.context.close();
  assertBudgets();
});

test('open → a task → pre-flight', async () => {
  const { context, page, fetched } = await visit();
  await openTask(page);
  await page.waitForSelector('[data-view=devices][data-devices-complete=true]');
  await page.click('[data-action=check-reach]');
  await page.waitForSelector('[data-preflight][data-preflight-complete=true]', { timeout: 60000 });
  await record('open → a task → pre-flight', page, fetched);
  await context.close();
  assertBudgets();
});

test('open → Rollouts → a new rollout reviewed', async () => {
  const { context, page, fetched } = await visit();
  await idle(page);
  await page.click('button[data-action=list-rollouts]');
  await page.waitForSelector('section[data-view=rollouts][data-rollouts-complete=true]', { timeout: 60000 });
  await record('open → Rollouts', page, fetched);
  await page.click('section[data-view=rollouts] button[data-action=new-rollout]');
  await page.waitForSelector('section[data-view=new-rollout]');
  await page.fill('[name=new-task-name]', 'journey');
  await page.selectOption('[name=new-task-rf-region]', 'EU868');
  await page.fill('[name=new-task-image]', 's3://fw-bucket/journey.bin');
  await page.fill('[name=new-task-role]', 'arn:aws:iam::123456789012:role/IoTWirelessFuota');
  await page.fill('[name=rollout-name]', 'journey-fw');
  await page.selectOption('[name=fleet-kind]', 'group');
  // The demo's fleet of 400 devices: the review reads them to draw the first wave.
  await page.fill('[name=fleet-source]', 'mcg-fleet-good-eu868');
  await page.fill('[name=rollout-seed]', '7');
  await page.click('[data-action=review-write]');
  // The review, or what refused it (said, rather than a bare timeout).
  const shown = await page.waitForSelector('[data-write-review] li[data-write-step], [data-input-error], [data-view=new-rollout] [data-error-code]', { timeout: 60000 });
  if (!(await shown.evaluate((e) => e.matches('[data-write-review] li[data-write-step]')))) assert.fail(`no review: ${await shown.textContent()}`);
  await record('+ New rollout and its review', page, fetched);
  await context.close();
  assertBudgets();
});

test('a portal with two widgets, their tasks and plans on screen', async () => {
  const context = await browser().newContext({ viewport: { width: 1200, height: 1400 } });
  const page = await context.newPage();
  // The console's files only: the example portal's own page, script and stylesheet are the host's.
  const fetched = keepFetched(page, `${SITE}/examples/`);
  await page.goto(`${SITE}/examples/portal/?endpoint=${encodeURIComponent(API)}`);
  // The first widget has the campaign (its devices), the second the task and its planner only.
  // A widget that shows an error instead fails the test at once, with the error's words.
  for (const [widget, selector] of [['first', '[data-view=devices][data-devices-complete=true]'], ['second', '[data-field=Id][data-value=demo-done]']]) {
    const shown = await page.waitForSelector(`#${widget} ${selector}, #${widget} [data-error-code]`, { timeout: 90_000 });
    const code = await shown.getAttribute('data-error-code');
    if (code !== null) assert.fail(`#${widget} showed ${code}: ${await shown.textContent()}`);
  }
  await page.waitForSelector('#first .calculator section.planner');
  await page.waitForSelector('#second .calculator section.planner');
  await record("a portal: two widgets, their tasks, the first one's devices, both planners", page, fetched);
  await context.close();
  assertBudgets();
});

test('the campaign\'s part waits for a task asked for at once, and comes to a page left open', async () => {
  const context = await browser().newContext({ viewport: { width: 1200, height: 1000 } });
  const page = await context.newPage();
  const asked = [];
  page.on('request', (r) => { if (/\/split_campaign\.wasm$/.test(r.url())) asked.push(Date.now()); });
  // The task's read is held for 2.5 s: longer than the page waits before it asks for a part ahead
  // of its use, so a rule that ignored the read in flight would ask for the part meanwhile.
  let sent = 0;
  let released = 0;
  await context.route((url) => url.href.startsWith(`${API}/fuota-tasks/`), async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    sent = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    released = Date.now();
    return route.continue();
  });
  await page.goto(`${SITE}/?demo&endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  const takenOver = Date.now();
  await confirmEndpoint(page);
  await page.click('form.query:not([data-static]) button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  assert.ok(released > 0, 'the task read went through the held route');
  // Asked for once the task is on screen (its devices need it), never while its read was out.
  await page.waitForSelector('[data-view=devices]', { timeout: 30_000 });
  assert.ok(asked.length > 0, 'the part was asked for');
  assert.deepEqual(asked.filter((t) => t >= sent && t < released).map((t) => t - sent), [], 'asked for while the task read was out (ms after it was sent)');
  // Sent well within the page's first second (about 0.2 s here, 0.7 s at the most: this process
  // sees the takeover a little after the page), nothing may ask for the part before the read
  // either: that is what the rule gives a user who asks at once. (The previous rule, at the
  // takeover, fails here.) A slower run leaves the part free to come first, as the rule says.
  if (sent - takenOver < 700) assert.ok(asked[0] >= released, `the part was asked for ${asked[0] - released} ms after the read was released`);
  await context.close();

  // A page left open: the part comes without any action, about a second after the takeover (the
  // previous rule asked for it at the takeover itself).
  const left = await browser().newContext();
  const open = await left.newPage();
  const leftAsked = [];
  open.on('request', (r) => { if (/\/split_campaign\.wasm$/.test(r.url())) leftAsked.push(Date.now()); });
  await open.goto(`${SITE}/`);
  await open.waitForSelector('form.query:not([data-static]) button[type=submit]');
  const up = Date.now();
  await idle(open);
  assert.ok(leftAsked.length > 0 && leftAsked[0] - up >= 500, `asked for ${leftAsked[0] - up} ms after the takeover`);
  await left.close();
});
