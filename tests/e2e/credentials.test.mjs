// End-to-end: credentials handled the way their owners expect, in the release build
// under its Content-Security-Policy. Run by scripts/test.sh (FUOTA_SITE, FUOTA_API).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, SITE, confirmEndpoint, useBrowser } from './chromium.mjs';

const KEY = 'ASIADEMOLOCALENDPOINT';
const SECRET = 'demo/local/endpoint/secret/key/not/a/real/one';
const TOKEN = 'demo-local-session-token';

const browserOf = useBrowser();

/** A fresh page (and context: fresh storage) on the console, recording what could leak. */
async function open(query = `?endpoint=${encodeURIComponent(API)}&task-id=demo-in-session&region=us-east-1`, context) {
  const ctx = context ?? await browserOf().newContext();
  const page = await ctx.newPage();
  const seen = { console: [], errors: [], requests: [] };
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => seen.console.push(m.text()));
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('request', (r) => seen.requests.push(r.url()));
  await page.goto(`${SITE}/${query}`);
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  await confirmEndpoint(page);
  return { page, ctx, seen };
}

const inputs = async (page) => ({
  key: await page.inputValue('[name=access-key-id]'),
  secret: await page.inputValue('[name=secret-access-key]'),
  token: await page.inputValue('[name=session-token]'),
});

const inMinutes = (m) => new Date(Date.now() + m * 60_000).toISOString();

const PASTES = {
  'sts assume-role JSON': JSON.stringify({ Credentials: { AccessKeyId: KEY, SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: inMinutes(60) }, AssumedRoleUser: { Arn: 'arn:aws:sts::123456789012:assumed-role/x/y' } }, null, 4),
  'export-credentials process JSON': JSON.stringify({ Version: 1, AccessKeyId: KEY, SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: inMinutes(60) }),
  'env lines': `export AWS_ACCESS_KEY_ID=${KEY}\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\nexport AWS_SESSION_TOKEN=${TOKEN}\n`,
  'env-no-export lines': `AWS_ACCESS_KEY_ID=${KEY}\nAWS_SECRET_ACCESS_KEY=${SECRET}\nAWS_SESSION_TOKEN=${TOKEN}\n`,
  'PowerShell lines': `$Env:AWS_ACCESS_KEY_ID="${KEY}"\n$Env:AWS_SECRET_ACCESS_KEY="${SECRET}"\n$Env:AWS_SESSION_TOKEN="${TOKEN}"\n`,
  'INI profile': `[fuota]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`,
};

test('paste to fill: every format fills all three fields, then the request works', async () => {
  const { page, ctx } = await open();
  for (const [format, text] of Object.entries(PASTES)) {
    await page.click('[name=forget-credentials]');
    assert.deepEqual(await inputs(page), { key: '', secret: '', token: '' });
    await page.fill('[name=credentials-paste]', text);
    await page.waitForSelector('[data-paste]');
    assert.equal(await page.getAttribute('[data-paste]', 'data-paste'), 'filled', `${format}: ${await page.textContent('[data-paste]')}`);
    assert.deepEqual(await inputs(page), { key: KEY, secret: SECRET, token: TOKEN }, format);
    assert.equal(await page.inputValue('[name=credentials-paste]'), '', `${format}: the paste area is emptied`);
  }
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  await ctx.close();
});

test('unknown or half text fills nothing and says what was expected', async () => {
  const { page, ctx } = await open();
  for (const [text, expected] of [
    ['hello world', /not credentials the console can read/],
    [`export AWS_ACCESS_KEY_ID=${KEY}\n`, /secret access key/i],
    ['{"Credentials": {"AccessKeyId": "ASIAONLYKEYONLYKEY12"}}', /secret access key/i],
  ]) {
    await page.fill('[name=credentials-paste]', text);
    const problem = await page.waitForSelector('[data-paste=unrecognised]');
    assert.match(await problem.textContent(), expected, text);
    assert.deepEqual(await inputs(page), { key: '', secret: '', token: '' }, `nothing half-filled by ${JSON.stringify(text)}`);
    assert.ok(!(await problem.textContent()).includes('ASIAONLYKEYONLYKEY12'), 'the message never repeats what was pasted');
  }
  await ctx.close();
});

test('expiry: a countdown, a warning in the last 5 minutes, and no request with expired credentials', async () => {
  const { page, ctx, seen } = await open();
  const paste = (minutes) => JSON.stringify({ Credentials: { AccessKeyId: KEY, SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: inMinutes(minutes) } });
  await page.fill('[name=credentials-paste]', paste(45));
  await page.waitForSelector('[data-expiry=valid]');
  await page.fill('[name=credentials-paste]', paste(3));
  await page.waitForSelector('[data-expiry=expiring]');
  await page.fill('[name=credentials-paste]', paste(-1));
  await page.waitForSelector('[data-expiry=expired]');
  const before = seen.requests.filter((u) => u.startsWith(API)).length;
  await page.click('button[type=submit]');
  const error = await page.waitForSelector('[data-error-code=ExpiredCredentials]');
  assert.match(await error.textContent(), /expired.*fresh/i);
  assert.equal(seen.requests.filter((u) => u.startsWith(API)).length, before, 'nothing left the browser');
  await ctx.close();
});

test('the service saying the token expired reads the same in words', async () => {
  const { page, ctx } = await open();
  await page.fill('[name=access-key-id]', 'ASIAEXPIREDDEMOTOKEN');
  await page.fill('[name=secret-access-key]', SECRET);
  await page.fill('[name=session-token]', 'expired-demo-session-token');
  await page.click('button[type=submit]');
  const error = await page.waitForSelector('[data-error-code=ExpiredTokenException]');
  assert.match(await error.textContent(), /expired: get fresh ones/);
  await ctx.close();
});

test('storage: nothing by default, this tab only when asked, and forget wipes it', async () => {
  const ctx = await browserOf().newContext();
  const { page } = await open(undefined, ctx);
  await page.fill('[name=credentials-paste]', PASTES['env lines']);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  let storage = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }));
  for (const secret of [SECRET, TOKEN]) assert.ok(!storage.session.includes(secret) && !storage.local.includes(secret), 'nothing by default');
  assert.match(storage.local, /demo-in-session/, 'non-secret settings are remembered');

  await page.check('[name=remember-credentials]');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  storage = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }));
  assert.ok(storage.session.includes(SECRET), 'remembered in sessionStorage');
  assert.ok(!storage.local.includes(SECRET) && !storage.local.includes(TOKEN), 'never in localStorage');

  await page.reload();
  await page.waitForSelector('form.query:not([data-static]) button[type=submit]');
  // The endpoint now comes from storage: it waits for the user's word again.
  await page.waitForSelector('[data-destination-checked]', { state: 'attached' });
  assert.ok(await page.$('[data-action=confirm-endpoint]'), 'a stored endpoint is confirmed again');
  await confirmEndpoint(page);
  assert.deepEqual(await inputs(page), { key: KEY, secret: SECRET, token: TOKEN }, 'back after a reload of this tab');
  const otherTab = await ctx.newPage();
  await otherTab.goto(`${SITE}/`);
  await otherTab.waitForSelector('form.query:not([data-static]) button[type=submit]');
  assert.equal(await otherTab.inputValue('[name=secret-access-key]'), '', 'another tab does not get them');

  // A paste that was not recognised keeps its text until Forget: then it goes too.
  await page.fill('[name=credentials-paste]', `aws_secret_access_key = ${SECRET}`);
  await page.waitForSelector('[data-paste=unrecognised]');
  await page.click('[name=forget-credentials]');
  assert.deepEqual(await inputs(page), { key: '', secret: '', token: '' });
  assert.equal(await page.inputValue('[name=credentials-paste]'), '', 'the paste area is wiped');
  assert.equal(await page.$('[data-paste]'), null);
  storage = await page.evaluate(() => JSON.stringify(sessionStorage));
  assert.ok(!storage.includes(SECRET), 'forget wiped this tab');
  await ctx.close();
});

test('no leaks and a strict CSP: after a full fetch and an error, secrets are nowhere, and nothing was blocked', async () => {
  const { page, ctx, seen } = await open();
  // The policy is really in force: an inline script is refused.
  assert.equal(await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    await new Promise((r) => setTimeout(r, 50));
    const refused = !window.__inlineRan && window.__violations.some((v) => v.startsWith('script-src'));
    window.__violations = [];
    return refused ? 'blocked' : 'inline script ran';
  }), 'blocked');
  await page.fill('[name=credentials-paste]', PASTES['sts assume-role JSON']);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  await page.click('details.raw summary');
  await page.fill('[name=task-id]', 'fault-denied');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-error-code=AccessDeniedException]');
  await page.click('.error details summary');

  const everything = await page.evaluate(() => {
    const attributes = [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.value));
    return {
      html: document.documentElement.outerHTML,
      text: document.body.innerText,
      attributes: attributes.join('\n'),
      storage: JSON.stringify(localStorage) + JSON.stringify(sessionStorage),
      url: location.href,
      title: document.title,
    };
  });
  for (const secret of [SECRET, TOKEN]) {
    for (const [where, value] of Object.entries(everything)) assert.ok(!value.includes(secret), `secret in ${where}`);
    assert.ok(!seen.console.some((l) => l.includes(secret)), 'secret in the console');
    assert.ok(!seen.requests.some((u) => u.includes(secret)), 'secret in a request URL');
  }
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.deepEqual(seen.errors, []);
  await ctx.close();
});

test('Forget during a live task: nothing is signed or sent afterwards', async () => {
  const { page, ctx, seen } = await open(`?demo&endpoint=${encodeURIComponent(API)}&refresh=5`);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-field=Id][data-value=demo-in-session]');
  await page.waitForSelector('[data-live]');
  await page.click('[name=forget-credentials]');
  const forgotten = seen.requests.length;
  // Two refresh periods: the live refresh comes, finds the credentials forgotten, and sends nothing.
  await page.waitForSelector('[data-error-code=CredentialsForgotten]', { timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 6_000));
  const after = seen.requests.slice(forgotten).filter((u) => u.startsWith(API));
  assert.deepEqual(after, [], 'a request went to the endpoint after Forget');
  assert.equal(await page.$('[data-live]'), null, 'the live refresh stopped');
  await ctx.close();
});

test('a linked relay waits for its own confirmation, whatever is typed in Endpoint', async () => {
  const relay = 'http://127.0.0.1:9';
  const ctx = await browserOf().newContext();
  const page = await ctx.newPage();
  const sent = [];
  page.on('request', (r) => { if (r.url().startsWith(relay)) sent.push(r.url()); });
  await page.goto(`${SITE}/?view=tasks&region=us-east-1&relay=${encodeURIComponent(relay)}&endpoint=${encodeURIComponent(API)}`);
  await page.waitForSelector('[data-destination-checked]', { state: 'attached' });
  await page.fill('[name=access-key-id]', KEY);
  await page.fill('[name=secret-access-key]', SECRET);
  await page.fill('[name=session-token]', TOKEN);
  await page.click('details.advanced summary');
  // One Backspace in Endpoint: the endpoint is the user's now, the relay is not.
  await page.focus('[name=endpoint]');
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.click('[data-action=list-tasks]');
  const refused = await page.waitForSelector('[data-error-code=EndpointNotConfirmed]');
  assert.match(await refused.textContent(), /127\.0\.0\.1:9/);
  assert.deepEqual(sent, [], 'a signed request went to a relay nobody confirmed');
  await ctx.close();
});
