// An internal portal embedding two FUOTA task consoles. It hands them credentials through a
// provider (here the local endpoint's public demo identity; a real portal asks Cognito or its SSO
// broker) and listens to their events.
import './../../fuota-console.js';

// A link may name the local endpoint's port (the tests do), never another host: a link that could
// point the widgets anywhere would hand the portal's credentials to whoever wrote it.
const asked = new URLSearchParams(location.search).get('endpoint');
const endpoint = /^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/.test(asked ?? '') ? asked : 'http://127.0.0.1:8081';

// Called when a console needs credentials, and again when they expire or the service says so.
window.providerCalls = 0;
async function credentialProvider() {
  window.providerCalls += 1;
  return {
    accessKeyId: 'ASIADEMOLOCALENDPOINT',
    secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one',
    sessionToken: 'demo-local-session-token',
    expiration: new Date(Date.now() + 3600 * 1000),
  };
}

function wire(element) {
  element.setAttribute('endpoint', endpoint);
  element.credentialProvider = credentialProvider;
}

const events = document.getElementById('events');
const describe = {
  'fuota-task-loaded': (d) => `loaded ${d.Id} (${d.Status})`,
  'fuota-task-error': (d) => `${d.code} ${d.requestId ?? ''}`,
  // With the campaign attribute: every device read, with the count per status and the verdict.
  'fuota-devices-loaded': (d) => `${d.total} devices, verdict ${d.verdict}, ${d.byStatus.Successful ?? 0} updated`,
};
for (const [type, text] of Object.entries(describe)) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.dataset.event = type;
    item.dataset.source = event.target.id ?? '';
    if (type === 'fuota-devices-loaded') item.dataset.verdict = event.detail.verdict;
    item.textContent = `${event.target.id}: ${text(event.detail)}`;
    events.append(item);
  });
}

document.querySelectorAll('fuota-task-console').forEach(wire);

let added = 0;
document.getElementById('add').addEventListener('click', () => {
  const element = document.createElement('fuota-task-console');
  element.id = `added-${++added}`;
  element.setAttribute('region', 'us-east-1');
  element.setAttribute('task-id', 'demo-pending');
  wire(element);
  document.getElementById('consoles').append(element);
});
document.getElementById('remove').addEventListener('click', () => {
  document.querySelector('fuota-task-console')?.remove();
});
