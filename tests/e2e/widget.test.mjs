// End-to-end: the console as a widget in a portal (examples/portal, shipped in dist/examples/).
// Two widgets, a credential provider, a hostile portal stylesheet, add and remove at run time.
// Run by scripts/test.sh (FUOTA_SITE serves dist/ with the page's CSP; FUOTA_API is the endpoint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, ARTIFACTS, SITE, useBrowser, watch } from './chromium.mjs';

const browser = useBrowser();

async function openPortal() {
  const page = await browser().newPage({ viewport: { width: 1200, height: 1400 } });
  const { problems } = watch(page);
  await page.goto(`${SITE}/examples/portal/?endpoint=${encodeURIComponent(API)}`);
  return { page, problems };
}

// Playwright's CSS selectors pierce open shadow roots; `#id >> css` scopes to one widget.
const value = (page, widget, selector) => page.getAttribute(`#${widget} ${selector}`, 'data-value');

// Waits for what a widget shows. Its own request path may retry for longer than Playwright's
// 30 s default (three attempts of up to 20 s each) on a loaded machine, so the wait is longer; and
// when the widget shows an error instead, the test fails at once with that error's code and
// sentence, not with a bare timeout.
async function shows(page, widget, selector) {
  const found = await page.waitForSelector(`#${widget} ${selector}, #${widget} [data-error-code]`, { timeout: 90_000 });
  const code = await found.getAttribute('data-error-code');
  if (code !== null && !selector.includes('data-error-code')) {
    assert.fail(`#${widget} showed ${code} instead of ${selector}: ${await found.textContent()}`);
  }
  return found;
}

/** A portal's script adds a writable widget on demo-pending, with the demo's credentials. */
async function addWritableWidget(page, id) {
  await page.evaluate((id) => {
    const w = document.createElement('fuota-task-console');
    w.id = id;
    const endpoint = new URLSearchParams(location.search).get('endpoint');
    for (const [k, v] of [['region', 'us-east-1'], ['task-id', 'demo-pending'], ['endpoint', endpoint], ['campaign', ''], ['writable', '']]) w.setAttribute(k, v);
    w.credentials = { accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' };
    document.body.append(w);
  }, id);
}

test('two widgets load their own tasks without a click, with credentials from the provider', async () => {
  const { page, problems } = await openPortal();
  await shows(page, 'first', '[data-field=Id][data-value=demo-in-session]');
  await shows(page, 'second', '[data-field=Id][data-value=demo-done]');
  assert.equal(await value(page, 'first', '[data-field=Status]'), 'In_FuotaSession');
  // demo-done: 10 B fragments, 50 %: the default 995 B image → 100 data + 50 redundant.
  assert.equal(await value(page, 'second', '[data-calc=total-fragments]'), '150');
  assert.ok(await page.evaluate(() => window.providerCalls) >= 2, 'the provider was asked');
  // The provider is write-only: no other script on the portal can get it from the element.
  assert.equal(await page.evaluate(() => document.getElementById('first').credentialProvider), null);
  // The portal's own #console got no page console mounted into it (only an explicit
  // data-fuota-console="page" asks for that).
  assert.equal(await page.evaluate(() => document.querySelector('#console form.query, #console .fuota-console.page')), null);
  // Events reach the host page, one per widget.
  await page.waitForSelector('#events [data-event=fuota-task-loaded][data-source=first]');
  await page.waitForSelector('#events [data-event=fuota-task-loaded][data-source=second]');
  await page.screenshot({ path: `${ARTIFACTS}portal.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('with the campaign attribute the widget shows the devices and groups, and tells the host the summary', async () => {
  const { page, problems } = await openPortal();
  await shows(page, 'first', '[data-view=devices][data-devices-complete=true]');
  assert.equal(await value(page, 'first', '[data-device-count=total]'), '17');
  await shows(page, 'first', '[data-multicast-group-id=mcg-sensors-eu868][data-dl-class=ClassC]');
  const event = await page.waitForSelector('#events [data-event=fuota-devices-loaded][data-source=first]');
  assert.equal(await event.getAttribute('data-verdict'), 'in-progress');
  assert.match(await event.textContent(), /^first: 17 devices, verdict in-progress, 2 updated$/);
  // The second widget has no campaign attribute: the task and the planner only.
  await shows(page, 'second', '[data-field=Id][data-value=demo-done]');
  assert.equal(await page.$('#second [data-view=devices]'), null);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the portal stylesheet cannot reach inside, and the widget styles stay inside', async () => {
  const { page } = await openPortal();
  await shows(page, 'first', '[data-calc=total-fragments]');
  const inside = await page.evaluate(() => {
    const root = document.getElementById('first').shadowRoot;
    const output = root.querySelector('[data-calc=total-fragments]');
    const style = getComputedStyle(output);
    return { display: style.display, color: style.color, border: getComputedStyle(root.querySelector('.calculator')).borderStyle };
  });
  assert.notEqual(inside.display, 'none', 'hostile display:none did not reach the widget');
  assert.notEqual(inside.color, 'rgb(255, 0, 0)');
  assert.notEqual(inside.border, 'dashed');
  const portalButton = await page.evaluate(() => getComputedStyle(document.getElementById('add')).backgroundColor);
  assert.equal(portalButton, 'rgb(0, 128, 0)', "the widget's button style did not leak out");
  // Theming goes through documented custom properties: the dark theme attribute applies.
  const dark = await page.evaluate(() => getComputedStyle(document.getElementById('second').shadowRoot.querySelector('.fuota-console')).backgroundColor);
  assert.equal(dark, 'rgb(15, 20, 26)');
  await page.close();
});

test('changing task-id reloads; widgets added later work; removed ones stop', async () => {
  const { page, problems } = await openPortal();
  await shows(page, 'first', '[data-field=Id][data-value=demo-in-session]');
  await page.evaluate(() => document.getElementById('first').setAttribute('task-id', 'demo-waiting'));
  await shows(page, 'first', '[data-field=Id][data-value=demo-waiting]');
  // The other widget is untouched.
  assert.equal(await value(page, 'second', '[data-field=Id]'), 'demo-done');

  await page.click('#add');
  await shows(page, 'added-1', '[data-field=Id][data-value=demo-pending]');

  await page.click('#remove');
  assert.equal(await page.$('#first'), null);
  const leftovers = await page.evaluate(() => document.querySelectorAll('fuota-task-console').length);
  assert.equal(leftovers, 2);
  // A removed-then-re-added element mounts afresh.
  await page.evaluate(() => {
    const again = document.createElement('fuota-task-console');
    again.id = 'again';
    again.setAttribute('region', 'us-east-1');
    again.setAttribute('task-id', 'no-such-task');
    again.setAttribute('endpoint', new URLSearchParams(location.search).get('endpoint'));
    again.credentials = { accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' };
    document.body.append(again);
  });
  await page.waitForSelector('#again [data-error-code=ResourceNotFoundException]');
  await page.waitForSelector('#events [data-event=fuota-task-error][data-source=again]');
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await page.close();
});

test('mount() gives a handle with refresh, setTaskId and unmount', async () => {
  const { page } = await openPortal();
  const result = await page.evaluate(async (api) => {
    const { mount } = await import('/fuota-console.js');
    const host = document.createElement('div');
    document.body.append(host);
    const loaded = [];
    host.addEventListener('fuota-task-loaded', (e) => loaded.push(e.detail.Id));
    const handle = await mount(host, {
      region: 'us-east-1', taskId: 'demo-pending', endpoint: api,
      credentialProvider: async () => ({ accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' }),
    });
    const until = async (check) => { for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25)); return check(); };
    await until(() => loaded.length === 1);
    handle.setTaskId('demo-done');
    await until(() => loaded.length === 2);
    handle.refresh();
    await until(() => loaded.length === 3);
    handle.unmount();
    return { loaded, emptied: host.childElementCount === 0 };
  }, API);
  assert.deepEqual(result.loaded, ['demo-pending', 'demo-done', 'demo-done']);
  assert.ok(result.emptied, 'unmount removed the view');
  await page.close();
});

test('the provider is asked again when its credentials expire or the service says they did', async () => {
  const { page } = await openPortal();
  const result = await page.evaluate(async (api) => {
    const { mount } = await import('/fuota-console.js');
    const demo = { accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' };
    const run = async (first) => {
      const host = document.createElement('div');
      document.body.append(host);
      let calls = 0;
      const outcomes = [];
      host.addEventListener('fuota-task-loaded', (e) => outcomes.push(`loaded ${e.detail.Id}`));
      host.addEventListener('fuota-task-error', (e) => outcomes.push(`error ${e.detail.code}`));
      const handle = await mount(host, {
        region: 'us-east-1', taskId: 'demo-waiting', endpoint: api,
        credentialProvider: async () => (++calls === 1 ? first : { ...demo, expiration: new Date(Date.now() + 3600e3).toISOString() }),
      });
      // Up to 20 s: the first mount also fetches the console's parts, which on a busy 2-core CI
      // machine once took longer than the 5 s this used to allow (the wait ends at the outcome).
      for (let i = 0; i < 800 && outcomes.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      handle.unmount();
      return { calls, outcomes };
    };
    return {
      // The service answers ExpiredTokenException: the provider is asked once more.
      serviceSaysExpired: await run({ accessKeyId: 'ASIAEXPIREDDEMOTOKEN', secretAccessKey: demo.secretAccessKey, sessionToken: 'expired-demo-session-token' }),
      // The provider's own expiration has passed: asked again before anything is sent.
      alreadyExpired: await run({ ...demo, expiration: new Date(Date.now() - 1000) }),
    };
  }, API);
  assert.deepEqual(result.serviceSaysExpired, { calls: 2, outcomes: ['loaded demo-waiting'] });
  assert.deepEqual(result.alreadyExpired, { calls: 2, outcomes: ['loaded demo-waiting'] });
  await page.close();
});

test("credentials the provider gives again serve the campaign's reads too", async () => {
  const { page } = await openPortal();
  const result = await page.evaluate(async (api) => {
    const { mount } = await import('/fuota-console.js');
    const demo = { accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' };
    const expired = { accessKeyId: 'ASIAEXPIREDDEMOTOKEN', secretAccessKey: demo.secretAccessKey, sessionToken: 'expired-demo-session-token' };
    const host = document.createElement('div');
    document.body.append(host);
    let calls = 0;
    const heard = [];
    host.addEventListener('fuota-task-loaded', (e) => heard.push(`loaded ${e.detail.Id}`));
    host.addEventListener('fuota-task-error', (e) => heard.push(`error ${e.detail.code}`));
    host.addEventListener('fuota-devices-loaded', (e) => heard.push(`devices ${e.detail.total}`));
    // The first credentials have expired (the service says so); the provider's second answer works.
    const handle = await mount(host, {
      region: 'us-east-1', taskId: 'demo-in-session', endpoint: api, campaign: true,
      credentialProvider: async () => (++calls === 1 ? expired : demo),
    });
    for (let i = 0; i < 600 && !heard.some((h) => h.startsWith('devices')); i++) await new Promise((r) => setTimeout(r, 25));
    const errors = [...(host.shadowRoot ?? host).querySelectorAll('[data-error-code]')].map((e) => e.getAttribute('data-error-code'));
    handle.unmount();
    return { calls, heard, errors };
  }, API);
  assert.equal(result.calls, 2);
  assert.deepEqual(result.heard, ['loaded demo-in-session', 'devices 17']);
  assert.deepEqual(result.errors, [], 'no campaign read signed with the expired credentials');
  await page.close();
});

test('a widget removed while its request is in flight stops it, and the page lives on', async () => {
  const { page, problems } = await openPortal();
  await shows(page, 'second', '[data-field=Id][data-value=demo-done]');
  const aborted = [];
  page.on('requestfailed', (r) => { if (r.url().includes('fault-slow')) aborted.push(r.failure()?.errorText); });
  await page.evaluate(() => document.getElementById('first').setAttribute('task-id', 'fault-slow'));
  await page.waitForSelector('#first .result[aria-busy=true]');
  await page.evaluate(() => document.getElementById('first').remove());
  for (let i = 0; i < 40 && aborted.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(aborted, ['net::ERR_ABORTED'], 'the removed widget aborted its fetch');
  // The other widget, and the wasm behind both, still work.
  await page.evaluate(() => document.getElementById('second').setAttribute('task-id', 'demo-pending'));
  await shows(page, 'second', '[data-field=Id][data-value=demo-pending]');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a widget writes only when its portal turns writes on, and never creates a task', async () => {
  const { page, problems } = await openPortal();
  const writes = [];
  page.on('request', (r) => { if (r.method() !== 'GET' && r.method() !== 'OPTIONS') writes.push(r.url()); });
  await shows(page, 'first', '[data-view=devices][data-devices-complete=true]');
  // `campaign` alone: no write is offered.
  assert.equal(await page.$('#first [data-action=delete-task]'), null);
  await addWritableWidget(page, 'writable');
  await shows(page, 'writable', '[data-field=Id][data-value=demo-pending]');
  await page.waitForSelector('#writable [data-action=edit-task]');
  await page.waitForSelector('#writable [data-action=start-task]');
  assert.equal(await page.$('#writable [data-action=new-task]'), null);
  assert.equal(await page.$('#writable [data-action=create-from-plan]'), null);
  // The review shows what would be sent; without Send nothing is.
  await page.click('#writable [data-action=start-task]');
  await page.click('#writable [data-action=review-write]');
  await page.waitForSelector('#writable [data-write-review][data-operation=StartFuotaTask]');
  assert.match(await page.textContent('#writable [data-write-body]'), /^\{"LoRaWAN":\{"StartTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z"\}\}$/);
  await page.click('#writable [data-action=back]');
  assert.deepEqual(writes, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a portal script cannot turn writes on, nor send a write, nor read the wasm memory from the module', async () => {
  const { page, problems } = await openPortal();
  const writes = [];
  page.on('request', (r) => { if (r.method() !== 'GET' && r.method() !== 'OPTIONS') writes.push(r.url()); });
  await shows(page, 'first', '[data-view=devices][data-devices-complete=true]');
  // `writable` added after the first connect, the element removed and inserted again: still no writes.
  await page.evaluate(() => {
    const w = document.getElementById('first');
    w.setAttribute('writable', '');
    const parent = w.parentNode;
    w.remove();
    parent.append(w);
  });
  await shows(page, 'first', '[data-view=devices][data-devices-complete=true]');
  assert.equal(await page.$('#first [data-action=delete-task]'), null);
  assert.equal(await page.$('#first [data-action=start-task]'), null);
  // A writable widget: a click a script dispatches (untrusted) neither reviews nor sends.
  await addWritableWidget(page, 'scripted');
  await shows(page, 'scripted', '[data-field=Id][data-value=demo-pending]');
  await page.click('#scripted [data-action=delete-task]');
  await page.fill('#scripted [name=confirm-name]', await page.getAttribute('#scripted [data-field=Name]', 'data-value'));
  await page.evaluate(() => document.getElementById('scripted').shadowRoot.querySelector('[data-action=review-write]').click());
  await page.waitForTimeout(300);
  assert.equal(await page.$('#scripted [data-write-review]'), null, 'an untrusted click reviews nothing');
  await page.click('#scripted [data-action=review-write]');
  await page.waitForSelector('#scripted [data-write-review][data-operation=DeleteFuotaTask]');
  await page.evaluate(() => document.getElementById('scripted').shadowRoot.querySelector('[data-action=confirm-write]').click());
  await page.waitForTimeout(500);
  assert.equal(await page.$('#scripted [data-write-result]'), null, 'an untrusted click sends nothing');
  assert.deepEqual(writes, []);
  // The module hands no script the memory the keys lie in.
  assert.equal(await page.evaluate(async () => {
    const module = await import(document.querySelector('script[type=module][src*="fuota-console.js"]')?.src ?? '/fuota-console.js');
    return String(module.memory);
  }), 'undefined');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the widget sends plain http:// only to this computer, and only to the hosts a portal allows', async () => {
  const { page } = await openPortal();
  const mounted = await page.evaluate(async () => {
    const { mount } = await import(document.querySelector('script[type=module][src*="fuota-console.js"]')?.src ?? '/fuota-console.js');
    const endpoint = new URLSearchParams(location.search).get('endpoint');
    const credentials = { accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' };
    // The handles are kept: a handle the page lets go of is freed, and its widget unmounted.
    window.handles = [];
    for (const [id, options] of [
      ['plain', { endpoint: 'http://iot.example.com' }],
      ['listed', { endpoint, allowedHosts: [new URL(endpoint).host] }],
      ['unlisted', { endpoint, allowedHosts: ['api.iotwireless.us-east-1.amazonaws.com'] }],
    ]) {
      const div = document.createElement('div');
      div.id = id;
      document.body.append(div);
      window.handles.push(await mount(div, { region: 'us-east-1', taskId: 'demo-done', credentials, ...options }));
    }
    return window.handles.length;
  });
  assert.equal(mounted, 3);
  // Mounted into plain elements of the portal, whose careless stylesheet may hide them: attached
  // is what counts here.
  const attached = (id, selector) => page.waitForSelector(`#${id} ${selector}`, { state: 'attached', timeout: 90_000 });
  await attached('listed', '[data-field=Id][data-value=demo-done]');
  assert.equal(await page.$('#listed [data-error-code]'), null);
  const plain = await attached('plain', '[data-error-code]');
  assert.match(await plain.textContent(), /https/);
  const unlisted = await attached('unlisted', '[data-error-code]');
  assert.match(await unlisted.textContent(), /allows this widget/);
  await page.close();
});

test('with rollouts the widget shows the region\'s rollouts; their writes only when the portal made it writable', async () => {
  const { page, problems } = await openPortal();
  await page.evaluate(() => {
    const endpoint = new URLSearchParams(location.search).get('endpoint');
    for (const [id, writable] of [['rollouts-read', false], ['rollouts-write', true]]) {
      const w = document.createElement('fuota-task-console');
      w.id = id;
      for (const [k, v] of [['region', 'us-east-1'], ['endpoint', endpoint], ['rollouts', '']]) w.setAttribute(k, v);
      if (writable) w.setAttribute('writable', '');
      w.credentials = { accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' };
      document.body.append(w);
    }
  });
  for (const id of ['rollouts-read', 'rollouts-write']) {
    await page.waitForSelector(`#${id} section[data-view=rollouts][data-rollouts-complete=true]`, { timeout: 90_000 });
    // The endpoint's two demo rollouts, read from the account's tags alone.
    await page.waitForSelector(`#${id} article[data-rollout][data-rollout-id=demo-rollout-good]`);
    assert.equal(await page.getAttribute(`#${id} article[data-rollout-id=demo-rollout-bad]`, 'data-state'), 'held');
    await page.click(`#${id} article[data-rollout-id=demo-rollout-bad] button[data-action=open-rollout]`);
    await page.waitForSelector(`#${id} article[data-rollout-id=demo-rollout-bad] [data-rollout-actions]`);
  }
  // Read-only: no new rollout, no reason, no follow-up, no clean-up.
  for (const action of ['new-rollout', 'follow-up-wave', 'clean-up-wave', 'next-wave']) {
    assert.equal(await page.locator(`#rollouts-read [data-action=${action}]`).count(), 0, `${action} offered without writable`);
  }
  assert.equal(await page.locator('#rollouts-read [name=override-reason]').count(), 0);
  // Writable: the held rollout offers its follow-up, and going on only with a reason.
  assert.equal(await page.locator('#rollouts-write [data-action=new-rollout]').count(), 1);
  await page.waitForSelector('#rollouts-write article[data-rollout-id=demo-rollout-bad] [data-action=follow-up-wave]');
  await page.fill('#rollouts-write article[data-rollout-id=demo-rollout-bad] [name=override-reason]', 'field test signed off');
  await page.waitForSelector('#rollouts-write article[data-rollout-id=demo-rollout-bad] [data-action=next-wave]');
  // A wave's deleted group answers GetMulticastGroup 404: read, expected, and not a problem.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 404')), []);
  await page.close();
});

test('a rollouts widget asks its provider again when the service says the credentials expired', async () => {
  const { page } = await openPortal();
  const result = await page.evaluate(async (api) => {
    const { mount } = await import('/fuota-console.js');
    const demo = { accessKeyId: 'ASIADEMOLOCALENDPOINT', secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one', sessionToken: 'demo-local-session-token' };
    const host = document.createElement('div');
    document.body.append(host);
    let calls = 0;
    const handle = await mount(host, {
      region: 'us-east-1', endpoint: api, rollouts: true,
      // First credentials the service answers ExpiredTokenException to; then good ones.
      credentialProvider: async () => (++calls === 1
        ? { accessKeyId: 'ASIAEXPIREDDEMOTOKEN', secretAccessKey: demo.secretAccessKey, sessionToken: 'expired-demo-session-token' }
        : { ...demo, expiration: new Date(Date.now() + 3600e3).toISOString() }),
    });
    const done = () => host.querySelector('section[data-view=rollouts][data-rollouts-complete=true]');
    for (let i = 0; i < 800 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
    const shown = {
      calls,
      rollouts: [...host.querySelectorAll('article[data-rollout]')].map((a) => a.dataset.rolloutId).sort(),
      error: host.querySelector('[data-error-code]')?.dataset.errorCode ?? null,
    };
    handle.unmount();
    return shown;
  }, API);
  assert.equal(result.calls, 2, 'the provider was asked once more');
  assert.equal(result.error, null);
  assert.ok(result.rollouts.includes('demo-rollout-good') && result.rollouts.includes('demo-rollout-bad'), JSON.stringify(result));
  await page.close();
});

test('until the wasm arrives each widget holds its place with a skeleton, gone once the console draws', async () => {
  const context = await browser().newContext({ viewport: { width: 1200, height: 1400 } });
  // The wasm held back, as a slow link shows it.
  const held = [];
  let released = false;
  await context.route(/\.wasm$/, (route) => (released ? route.continue() : held.push(route)));
  const page = await context.newPage();
  const { problems } = watch(page);
  // Every frame's height of the first widget, and whether its skeleton was showing.
  await page.addInitScript(() => {
    window.__frames = [];
    const sample = () => {
      const el = document.getElementById('first');
      const skeleton = el?.shadowRoot?.querySelector('.fc-skeleton');
      if (el) window.__frames.push({ height: el.getBoundingClientRect().height, skeleton: !!skeleton && getComputedStyle(skeleton).display !== 'none' });
      requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  await page.goto(`${SITE}/examples/portal/?endpoint=${encodeURIComponent(API)}`);
  const skeleton = await page.waitForSelector('#first .fc-skeleton[role=status]:has-text("Loading the FUOTA console")');
  const box = await skeleton.boundingBox();
  assert.ok(box.height > 1000, `the skeleton holds the console's place (${box.height} px)`);
  assert.ok(held.length > 0, 'the wasm was held back');

  released = true;
  for (const route of held.splice(0)) await route.continue();
  await shows(page, 'first', '[data-field=Id][data-value=demo-in-session]');
  assert.equal(await page.isVisible('#first .fc-skeleton'), false, 'the skeleton went once the console drew');
  const frames = await page.evaluate(() => window.__frames);
  const first = frames.findIndex((f) => f.height > 0);
  const drawn = frames.findIndex((f) => !f.skeleton && f.height > 0);
  assert.ok(first >= 0 && drawn > first, 'the skeleton showed, then the console');
  // From the first frame to the console's first: never smaller than the skeleton (no collapse
  // while the parts load), and the console's first frame within a tenth of the skeleton's size,
  // so the portal's layout below the widget moves by little when the console arrives.
  const during = frames.slice(first, drawn).map((f) => f.height);
  assert.ok(Math.min(...during) >= box.height - 1, `the widget shrank while loading: ${Math.min(...during)} < ${box.height}`);
  const arrived = frames[drawn].height;
  assert.ok(Math.abs(arrived - box.height) <= box.height / 10, `the console's first frame (${arrived} px) is not the skeleton's size (${box.height} px)`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a widget that cannot start says why in its skeleton's place", async () => {
  const context = await browser().newContext();
  // The widget's part never arrives.
  await context.route(/split_widget\.wasm$/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${SITE}/examples/portal/?endpoint=${encodeURIComponent(API)}`);
  const alert = await page.waitForSelector('#first .fc-skeleton[role=alert]', { timeout: 30_000 });
  assert.match(await alert.textContent(), /^The FUOTA widget did not start\. The console could not load its widget/);
  assert.ok((await alert.boundingBox()).height < 200, 'the failed skeleton no longer holds the whole place');
  await context.close();
});
