// An internal portal embedding two FUOTA task consoles. It hands them credentials through a
// provider (here the local endpoint's public demo identity; a real portal asks Cognito or its SSO
// broker) and listens to their events. Checked against fuota-console.d.ts by the test command
// (`tsc --noEmit`, strict), as a portal written in TypeScript would be.
// @ts-check
import './../../fuota-console.js';

// A link may name the local endpoint's port (the tests do), never another host: a link that could
// point the widgets anywhere would hand the portal's credentials to whoever wrote it.
const asked = new URLSearchParams(location.search).get('endpoint');
const endpoint = asked !== null && /^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/.test(asked) ? asked : 'http://127.0.0.1:8081';

/** The page's count of provider calls, which the tests read. */
const counted = Object.assign(window, { providerCalls: 0 });

/**
 * Called when a console needs credentials, and again when they expire or the service says so.
 * @type {import('./../../fuota-console.js').CredentialProvider}
 */
async function credentialProvider() {
  counted.providerCalls += 1;
  return {
    accessKeyId: 'ASIADEMOLOCALENDPOINT',
    secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one',
    sessionToken: 'demo-local-session-token',
    expiration: new Date(Date.now() + 3600 * 1000),
  };
}

/** @param {import('./../../fuota-console.js').FuotaTaskConsole} element */
function wire(element) {
  element.setAttribute('endpoint', endpoint);
  element.credentialProvider = credentialProvider;
}

const events = /** @type {HTMLOListElement} */ (document.getElementById('events'));
/**
 * One line of the event log.
 * @param {CustomEvent} event
 * @param {string} text
 */
function log(event, text) {
  const item = document.createElement('li');
  const source = event.target instanceof Element ? event.target.id : '';
  item.dataset.event = event.type;
  item.dataset.source = source;
  if (event.type === 'fuota-devices-loaded') item.dataset.verdict = event.detail.verdict;
  item.textContent = `${source}: ${text}`;
  events.append(item);
}
document.addEventListener('fuota-task-loaded', (e) => log(e, `loaded ${e.detail.Id} (${e.detail.Status})`));
document.addEventListener('fuota-task-error', (e) => log(e, `${e.detail.code} ${e.detail.requestId ?? ''}`));
// With the campaign attribute: every device read, with the count per status and the verdict.
document.addEventListener('fuota-devices-loaded', (e) => log(e, `${e.detail.total} devices, verdict ${e.detail.verdict}, ${e.detail.byStatus.Successful ?? 0} updated`));

document.querySelectorAll('fuota-task-console').forEach(wire);

let added = 0;
document.getElementById('add')?.addEventListener('click', () => {
  const element = document.createElement('fuota-task-console');
  element.id = `added-${++added}`;
  element.setAttribute('region', 'us-east-1');
  element.setAttribute('task-id', 'demo-pending');
  wire(element);
  document.getElementById('consoles')?.append(element);
});
document.getElementById('remove')?.addEventListener('click', () => {
  document.querySelector('fuota-task-console')?.remove();
});
