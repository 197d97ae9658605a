// End-to-end: the first visit. The query form is HTML, usable before any wasm has arrived; the
// console takes it over in place, keeping what was typed, the focus and the caret, with no frame
// painted between the two forms; a press of "Get FUOTA task" made while the wasm loads is said and
// then carried out. With JavaScript off, the form says why nothing can be sent.
// Run by scripts/test.sh (FUOTA_SITE serves dist/ with the page's CSP; FUOTA_API is the endpoint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SITE, useBrowser, watch } from './chromium.mjs';

const browser = useBrowser();

/** Holds every request for the console's wasm until `release()`: the page as a slow link shows it. */
async function holdWasm(context) {
  const held = [];
  let released = false;
  await context.route(/\.wasm$/, (route) => (released ? route.continue() : held.push(route)));
  return { release: async () => { released = true; for (const r of held.splice(0)) await r.continue(); } };
}

/** Each named control of the page's query form: what it is, what it says, and where it is drawn. */
function controls(page) {
  return page.evaluate(() => [...document.querySelectorAll('form.query [name]')].map((e) => {
    const box = e.getBoundingClientRect();
    const label = e.labels?.[0]?.textContent ?? null;
    const hint = e.getAttribute('aria-describedby') ? document.getElementById(e.getAttribute('aria-describedby').split(' ')[0])?.textContent ?? null : null;
    return {
      name: e.name, tag: e.tagName, type: e.type ?? null, label, hint,
      options: e.tagName === 'SELECT' ? [...e.options].map((o) => `${o.value}=${o.textContent}`) : null,
      // In the document's coordinates: the page may have scrolled to the task since.
      box: [box.x + window.scrollX, box.y + window.scrollY, box.width, box.height].map((v) => Math.round(v)),
    };
  }));
}

test('the static form is typed into before the wasm; the console takes it over with the values, focus and caret, and carries out the press', async () => {
  const context = await browser().newContext({ viewport: { width: 1200, height: 900 } });
  // Whether a form was in the document at every point a script could see it (after each task's
  // mutations): a gap is a frame the browser could paint without one.
  await context.addInitScript(() => {
    window.__formGaps = 0;
    let seen = false;
    // Where the focus and caret are at the first task after the console's form is in (the
    // earliest a keystroke, a task of its own, can be handled): no keystroke may land elsewhere.
    const where = () => {
      const e = document.activeElement;
      return { name: e?.name ?? null, caret: typeof e?.selectionStart === 'number' ? [e.selectionStart, e.selectionEnd, e.selectionDirection] : null };
    };
    new MutationObserver(() => {
      const present = !!document.querySelector('form.query');
      if (seen && !present) window.__formGaps += 1;
      seen ||= present;
      if (!window.__takenOver && document.querySelector('form.query:not([data-static])')) {
        window.__takenOver = true;
        const next = new MessageChannel();
        next.port1.onmessage = () => { window.__atTakeover = where(); };
        next.port2.postMessage(null);
      }
    }).observe(document, { subtree: true, childList: true });
  });
  const wasm = await holdWasm(context);
  const page = await context.newPage();
  const seen = watch(page);
  await page.goto(`${SITE}/?demo`);
  await page.waitForSelector('form.query[data-static] button[type=submit]:enabled');
  const before = await controls(page);
  assert.ok(before.length >= 10, `the static form has its controls: ${before.map((c) => c.name)}`);

  // The demo's identity comes with the console; the endpoint typed here (this run's) is the user's own.
  await page.click('summary:has-text("Endpoint")');
  await page.fill('[name=endpoint]', process.env.FUOTA_API);
  await page.fill('[name=task-id]', 'demo-done');
  await page.evaluate(() => document.querySelector('[name=task-id]').setSelectionRange(2, 6, 'backward'));
  await page.click('form.query button[type=submit]');
  await page.waitForSelector('[data-static-status]:has-text("Loading the console")');
  assert.equal(await page.getAttribute('form.query', 'data-pending-action'), 'submit');
  // Focus back in the field, its caret where the user left it.
  await page.focus('[name=task-id]');
  await page.evaluate(() => document.querySelector('[name=task-id]').setSelectionRange(2, 6, 'backward'));

  await wasm.release();
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  const after = await page.evaluate(() => {
    const field = document.querySelector('form.query [name=task-id]');
    return {
      value: field.value, focused: document.activeElement === field,
      caret: [field.selectionStart, field.selectionEnd, field.selectionDirection],
      statics: document.querySelectorAll('[data-static]').length,
      forms: document.querySelectorAll('form.query').length,
    };
  });
  assert.deepEqual(after, { value: 'demo-done', focused: true, caret: [2, 6, 'backward'], statics: 0, forms: 1 });
  assert.deepEqual(await page.evaluate(() => window.__atTakeover), { name: 'task-id', caret: [2, 6, 'backward'] }, 'the caret was back before a keystroke could land');
  // The press was carried out: the typed task (not the demo's default) is on screen.
  await page.waitForSelector('[data-field=Id][data-value=demo-done]');
  // The untouched fields took the demo's values, as without the static form.
  assert.equal(await page.inputValue('[name=access-key-id]'), 'ASIADEMOLOCALENDPOINT');
  assert.equal(await page.evaluate(() => window.__formGaps), 0, 'a moment without a form');
  // Same controls, same words, same places: the takeover does not move anything.
  const now = await controls(page);
  assert.deepEqual(now.map(({ box, ...rest }) => rest), before.map(({ box, ...rest }) => rest));
  for (const [i, c] of now.entries()) {
    assert.ok(c.box.every((v, k) => Math.abs(v - before[i].box[k]) <= 1), `${c.name} moved: ${before[i].box} → ${c.box}`);
  }
  assert.deepEqual(seen.problems, []);
  await context.close();
});

test('List tasks pressed before the wasm, with Endpoint open and an endpoint typed: the list opens on it', async () => {
  const context = await browser().newContext();
  const wasm = await holdWasm(context);
  const page = await context.newPage();
  await page.goto(`${SITE}/`);
  await page.waitForSelector('form.query[data-static] button[type=submit]:enabled');
  await page.fill('[name=access-key-id]', 'ASIADEMOLOCALENDPOINT');
  await page.fill('[name=secret-access-key]', 'demo/local/endpoint/secret/key/not/a/real/one');
  await page.fill('[name=session-token]', 'demo-local-session-token');
  await page.click('summary:has-text("Endpoint")');
  await page.fill('[name=endpoint]', process.env.FUOTA_API);
  await page.click('[data-action=list-tasks]');
  await wasm.release();
  await page.waitForSelector('form.query:not([data-static]) details.advanced[open] [name=endpoint]');
  // Typed, so the user's own: no confirmation asked, the list loads.
  await page.waitForSelector('[data-view=tasks] [data-task-id=demo-live]');
  assert.equal(await page.$('[data-action=confirm-endpoint]'), null);
  await context.close();
});

test('with JavaScript off, the form says why and nothing can be pressed', async () => {
  const context = await browser().newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${SITE}/`);
  assert.ok(await page.isVisible('form.query noscript p'));
  assert.match(await page.textContent('form.query noscript p'), /needs JavaScript and WebAssembly/);
  assert.equal(await page.isDisabled('form.query button[type=submit]'), true);
  assert.equal(await page.isDisabled('[data-action=list-tasks]'), true);
  await page.fill('[name=task-id]', 'typed');
  await page.press('[name=task-id]', 'Enter');
  assert.equal(new URL(page.url()).search, '', 'nothing was submitted');
  await context.close();
});
