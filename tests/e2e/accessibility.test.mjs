// End-to-end: accessibility with axe-core (WCAG 2.1 A and AA rules) and reflow (WCAG 1.4.10) in
// every state a user meets: at load, after a task (with its devices and group), after each kind of
// error, with the raw JSON open, in the task list, inside the widget; light and dark; and no
// horizontal scrolling of the page at 320 and 390 px in those states.
// Run by scripts/test.sh (FUOTA_SITE serves dist/ with the page's CSP; FUOTA_API is the endpoint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { API, ARTIFACTS, SITE, confirmEndpoint, useBrowser } from './chromium.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const browser = useBrowser();

// The WCAG 2.0 and 2.1 A and AA rules (axe's tags for them).
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * axe's "needs review" items that were reviewed by hand and are not problems, each with why. axe
 * cannot decide these itself; anything else it cannot decide fails the test until reviewed.
 */
const REVIEWED = {
  // Rows of a table that scrolls inside its own box, cut by the box's edge: axe cannot see the
  // background behind the hidden part. The same cells of the rows in full view pass the same
  // check (they use the same classes and colours), so these are not problems.
  // And a cell of one or two characters (the devices' McGroupId, "1"): axe cannot tell text from
  // an icon font there. It is text in the table's own colour, as in the cells that pass.
  'color-contrast': (node) => node.reasons.every((r) => r === 'elmPartiallyObscured' || r === 'shortTextContent'),
};

/** A page whose CSP lets axe be injected (it is a test harness, not the product's policy). */
async function newPage(width, scheme) {
  const context = await browser().newContext({ bypassCSP: true, viewport: { width, height: 900 }, colorScheme: scheme });
  const page = await context.newPage();
  return { page, context };
}

async function audit(page, state) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    const brief = (items) => items.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), reasons: [...n.any, ...n.all, ...n.none].map((c) => c.data?.messageKey ?? c.id) })),
    }));
    return { violations: brief(r.violations), incomplete: brief(r.incomplete) };
  }, WCAG);
  // An item stays "needs review" while any of its nodes is not one reviewed above.
  const unreviewed = result.incomplete
    .map((i) => ({ ...i, nodes: i.nodes.filter((n) => !REVIEWED[i.id]?.(n)) }))
    .filter((i) => i.nodes.length > 0);
  return { state, violations: result.violations, incomplete: unreviewed };
}

/** The page scrolls sideways when its content is wider than the viewport. */
async function reflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .filter((e) => !e.closest('.table-scroll, pre, .scroll'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''}`),
  }));
}

async function openDemo(page) {
  await page.goto(`${SITE}/?demo&endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
}

/** Each state: how to reach it from a fresh demo page. */
const STATES = {
  'at load': async () => {},
  'after a task, its devices and group': async (page) => {
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-view=devices][data-devices-complete=true]');
    await page.waitForSelector('tr[data-session-dr=true]');
  },
  'with the raw JSON open': async (page) => {
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
    await page.waitForSelector('[data-view=devices][data-devices-complete=true]');
    await page.click('details.raw summary');
    await page.waitForSelector('[data-raw-json]');
  },
  'after a service error': async (page) => {
    await page.fill('[name=task-id]', 'no-such-task');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-error-code=ResourceNotFoundException]');
  },
  'after a refused input': async (page) => {
    await page.fill('[name=task-id]', '');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-error-code=InvalidInput]');
  },
  'after a calculator error': async (page) => {
    await page.fill('[name=firmware-size]', '1.5');
    await page.waitForSelector('[data-input-error=firmware-size]');
  },
  'after a network error': async (page) => {
    await page.click('summary:has-text("Endpoint")');
    await page.fill('[name=endpoint]', 'http://127.0.0.1:9');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-error-code]', { timeout: 20000 });
  },
  'in the new task form, a value refused': async (page) => {
    await page.click('[data-action=new-task]');
    await page.waitForSelector('[data-view=new-task]');
    await page.fill('[name=new-task-image]', 'https://example.com/fw.bin');
    await page.click('[data-action=review-write]');
    await page.waitForSelector('[data-input-error=new-task-image]');
  },
  'reviewing a write': async (page) => {
    await page.click('[data-action=new-task]');
    await page.waitForSelector('[data-view=new-task]');
    await page.fill('[name=new-task-image]', 's3://fw-bucket/fw.bin');
    await page.fill('[name=new-task-role]', 'arn:aws:iam::123456789012:role/R');
    await page.click('[data-action=review-write]');
    await page.waitForSelector('[data-write-review]');
  },
  'the rollouts, one open with its reason to go on': async (page) => {
    await page.click('[data-action=list-rollouts]');
    await page.waitForSelector('[data-view=rollouts][data-rollouts-complete=true] article[data-rollout-id=demo-rollout-bad]');
    await page.click('article[data-rollout-id=demo-rollout-bad] [data-action=open-rollout]');
    await page.fill('article[data-rollout-id=demo-rollout-bad] [name=override-reason]', 'signed off');
    await page.waitForSelector('article[data-rollout-id=demo-rollout-bad] [data-action=next-wave]');
  },
  'in the new rollout form, a value refused': async (page) => {
    await page.click('[data-action=list-rollouts]');
    await page.waitForSelector('[data-view=rollouts][data-rollouts-complete=true]');
    await page.click('[data-view=rollouts] [data-action=new-rollout]');
    await page.waitForSelector('section[data-view=new-rollout]');
    await page.fill('[name=wave-sizes]', '10%, rest, 5');
    await page.click('section[data-view=new-rollout] [data-action=review-write]');
    await page.waitForSelector('[data-input-error]');
  },
  'after a pre-flight check, a margin refused': async (page) => {
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-view=devices][data-devices-complete=true]');
    await page.click('[data-action=check-reach]');
    await page.waitForSelector('[data-preflight][data-preflight-complete=true]', { timeout: 30000 });
    await page.waitForSelector('tr[data-dr][data-margin-met]');
    await page.fill('[name=reach-margin-db]', '1,5');
    await page.waitForSelector('[data-input-error=reach-margin-db]');
  },
  'in the task list': async (page) => {
    await page.click('button:has-text("List tasks")');
    await page.waitForSelector('[data-view=tasks] [data-task-id=demo-live]');
  },
};

for (const scheme of ['light', 'dark']) {
  test(`axe (WCAG 2.1 A and AA): no violation and nothing unreviewed, ${scheme}`, async () => {
    const findings = [];
    for (const [state, reach] of Object.entries(STATES)) {
      const { page, context } = await newPage(1200, scheme);
      await openDemo(page);
      await reach(page);
      findings.push(await audit(page, state));
      await context.close();
    }
    const failing = findings.filter((f) => f.violations.length || f.incomplete.length);
    for (const f of failing) console.log(`axe ${scheme} · ${f.state}: ${JSON.stringify({ violations: f.violations, needsReview: f.incomplete }).slice(0, 3000)}`);
    assert.deepEqual(failing.map((f) => f.state), [], 'states with axe findings (details above)');
  });
}

test('axe on the static form, before the wasm has arrived (and without it), light and dark', async () => {
  const failing = [];
  for (const scheme of ['light', 'dark']) {
    const { page, context } = await newPage(1200, scheme);
    // The wasm never comes: the page as a visitor on a slow link sees it first.
    await context.route(/\.wasm$/, (route) => route.abort());
    await page.goto(`${SITE}/`);
    await page.waitForSelector('form.query[data-static] button[type=submit]:enabled');
    const f = await audit(page, `static form ${scheme}`);
    if (f.violations.length || f.incomplete.length) failing.push(f);
    await context.close();
  }
  for (const f of failing) console.log(`axe · ${f.state}: ${JSON.stringify({ violations: f.violations, needsReview: f.incomplete })}`);
  assert.deepEqual(failing.map((f) => f.state), []);
});

test('axe inside the widget (examples/portal), its skeleton and the console, light and dark', async () => {
  const failing = [];
  for (const scheme of ['light', 'dark']) {
    // The skeleton first: the wasm held back for good, the widgets' stylesheet applied.
    const held = await newPage(1200, scheme);
    await held.context.route(/\.wasm$/, () => {});
    await held.page.goto(`${SITE}/examples/portal/?endpoint=${encodeURIComponent(API)}`);
    await held.page.waitForFunction(() => {
      const skeleton = document.getElementById('first')?.shadowRoot?.querySelector('.fc-skeleton');
      return skeleton && getComputedStyle(skeleton).paddingTop !== '0px';
    });
    const s = await audit(held.page, `widget skeleton ${scheme}`);
    if (s.violations.length || s.incomplete.length) failing.push(s);
    await held.context.close();

    const { page, context } = await newPage(1200, scheme);
    await page.goto(`${SITE}/examples/portal/?endpoint=${encodeURIComponent(API)}`);
    await page.waitForSelector('#first [data-view=devices][data-devices-complete=true]');
    await page.waitForSelector('#second [data-field=Id][data-value=demo-done]');
    const f = await audit(page, `widget ${scheme}`);
    if (f.violations.length || f.incomplete.length) failing.push(f);
    await context.close();
  }
  for (const f of failing) console.log(`axe · ${f.state}: ${JSON.stringify({ violations: f.violations, needsReview: f.incomplete })}`);
  assert.deepEqual(failing.map((f) => f.state), []);
});

for (const width of [320, 390]) {
  test(`reflow at ${width} px: the page never scrolls sideways`, async () => {
    const wide = [];
    for (const [state, reach] of Object.entries(STATES)) {
      const { page, context } = await newPage(width, 'light');
      await openDemo(page);
      await reach(page);
      const r = await reflow(page);
      if (r.scrollWidth > r.clientWidth) wide.push({ state, ...r });
      if (state === 'after a task, its devices and group') await page.screenshot({ path: `${ARTIFACTS}reflow-${width}.png`, fullPage: true });
      await context.close();
    }
    for (const w of wide) console.log(`reflow ${width} px · ${w.state}: ${w.scrollWidth} > ${w.clientWidth}, e.g. ${w.wide.join(', ')}`);
    assert.deepEqual(wide.map((w) => w.state), []);
  });
}

test('reflow: the widget in a 320 px container does not overflow it', async () => {
  const { page, context } = await newPage(1200, 'light');
  await page.goto(`${SITE}/examples/portal/?endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('#first [data-view=devices][data-devices-complete=true]');
  const r = await page.evaluate(() => {
    const host = document.getElementById('first');
    host.style.width = '320px';
    host.style.display = 'block';
    const root = host.shadowRoot;
    const inner = root.querySelector('.fuota-console, div');
    return { host: host.getBoundingClientRect().width, scrollWidth: inner.scrollWidth, clientWidth: inner.clientWidth };
  });
  await page.waitForTimeout(100);
  await page.screenshot({ path: `${ARTIFACTS}widget-320.png`, fullPage: true });
  assert.ok(r.scrollWidth <= r.clientWidth, `the widget's content is ${r.scrollWidth} px wide in a ${r.clientWidth} px box`);
  await context.close();
});

test('screen readers: short statuses, fields described and marked, focus on the refused field', async () => {
  const { page, context } = await newPage(1200, 'light');
  await openDemo(page);
  // Hints are linked, not inside the label: the field's name is its label alone.
  const taskId = page.locator('[name=task-id]');
  const hintId = await taskId.getAttribute('aria-describedby');
  assert.match(await page.textContent(`#${hintId}`), /The Id of the task/);
  assert.equal(await page.evaluate(() => document.querySelector('[name=task-id]').labels[0].textContent), 'FUOTA task id');
  assert.equal(await page.$('.result[aria-live]'), null, 'the card is not read out on every answer');

  // A refused submit: the field is marked, described by the problem, and has the focus.
  await taskId.fill('');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-error-code=InvalidInput]');
  assert.equal(await taskId.getAttribute('aria-invalid'), 'true');
  const described = (await taskId.getAttribute('aria-describedby')).split(' ');
  assert.equal(described.length, 2);
  assert.equal(await page.textContent(`#${described[1]}`), 'Enter the id of a FUOTA task.');
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'task-id');
  assert.equal(await page.isVisible('[data-error-code=InvalidInput] .ids'), false, 'no internal code in what is read');

  // An answer is announced by a short status, not the card.
  await taskId.fill('demo-in-session');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  assert.equal(await page.textContent('[role=status][data-status]'), 'Loaded task sensor-fw-2.4.1, in session');
  // The devices are announced once they are all read, with the verdict, not page by page.
  await page.waitForSelector('[data-view=devices][data-devices-complete=true]');
  assert.match(await page.textContent('[data-view=devices] [role=status]'), /2 of 17 devices/);
  assert.equal(await taskId.getAttribute('aria-invalid'), null);

  // A calculator problem: announced once by a status, and the field carries it.
  await page.fill('[name=firmware-size]', '25,00');
  const problem = await page.waitForSelector('[data-input-error=firmware-size]');
  const firmware = page.locator('[name=firmware-size]');
  assert.equal(await firmware.getAttribute('aria-invalid'), 'true');
  assert.ok((await firmware.getAttribute('aria-describedby')).includes(await problem.getAttribute('id')));
  // Announced once the typing pauses (not at every keystroke).
  await page.waitForFunction(() => /digits only, optionally grouped by thousands/.test(document.querySelector('.calculator [role=status]').textContent));
  // Typed as people write it, the size is taken.
  await page.fill('[name=firmware-size]', '250 000');
  await page.waitForSelector('[data-calc=data-fragments][data-value="5000"]');
  assert.equal(await firmware.getAttribute('aria-invalid'), null);

  // Every control is reachable by Tab, and the console's focus ring shows.
  await page.focus('[name=access-key-id]');
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(ring, 'solid');
  await context.close();
});
