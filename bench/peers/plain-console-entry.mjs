// The minimal hand-written JS page (plain-console.html) that the console's cold start and 10,000-device
// rows are set beside: no framework, aws4fetch signs, the DOM API renders. It reads a task and its devices
// with the console's own calls and page size, and filters the rows with the console's search rule.
// Bundled by run.mjs with: esbuild --bundle --minify --format=esm --platform=browser
import { AwsClient } from 'aws4fetch';

// The console's page size for every list (MAX_RESULTS, core/src/operation.rs): the service's largest.
const MAX_RESULTS = '250';

const $ = (sel) => document.querySelector(sel);
const form = $('form.query');
const view = $('[data-view=devices]');
const tbody = view.querySelector('tbody');
const total = view.querySelector('[data-device-count=total]');
const search = $('[name=device-search]');
/** Every device's row and search key, in the order listed. */
let rows = [];
/** The latest submit's number: a read that a newer submit replaced shows nothing when it answers. */
let reads = 0;

/** One signed GET, parsed; an answer that is not 2xx throws its message. */
async function get(client, base, path, query = {}) {
  const qs = new URLSearchParams(query).toString();
  const res = await client.fetch(`${base}${path}${qs ? `?${qs}` : ''}`);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${res.status} ${body.message ?? body.Message ?? res.statusText}`);
  return body;
}

/** Every item of a list, one page at a time, following NextToken to the end (as the console does). */
async function readAll(client, base, path, query, member) {
  const items = [];
  let token = null;
  do {
    const page = await get(client, base, path, { ...query, maxResults: MAX_RESULTS, ...(token ? { nextToken: token } : {}) });
    items.push(...(page[member] ?? []));
    token = page.NextToken;
  } while (token);
  return items;
}

/** What a later sighting of a device adds to the first: what the first lacked (DeviceRoster::add, core/src/devices.rs). */
function fillIn(known, seen) {
  for (const k of ['FuotaDeviceStatus', 'McGroupId', 'MulticastDeviceStatus', 'Name', 'LastUplinkReceivedAt']) known[k] ??= seen[k];
  if (known.LoRaWAN?.DevEui == null && seen.LoRaWAN?.DevEui != null) known.LoRaWAN = { ...known.LoRaWAN, DevEui: seen.LoRaWAN.DevEui };
}

/**
 * The task's devices, read as the console reads them (src/ui/campaign.rs): its multicast groups
 * (ListMulticastGroupsByFuotaTask), then ListWirelessDevices by fuotaTaskId, then by each group's
 * multicastGroupId, one request at a time; each device once, by Id (else Arn).
 */
async function readDevices(client, base, taskId) {
  const groups = await readAll(client, base, `/fuota-tasks/${encodeURIComponent(taskId)}/multicast-groups`, {}, 'MulticastGroupList');
  const sources = [{ fuotaTaskId: taskId }, ...groups.filter((g) => g.Id).map((g) => ({ multicastGroupId: g.Id }))];
  const devices = [];
  const byKey = new Map();
  for (const source of sources) {
    for (const device of await readAll(client, base, '/wireless-devices', source, 'WirelessDeviceList')) {
      const key = device.Id ?? device.Arn;
      const known = key == null ? undefined : byKey.get(key);
      if (known) fillIn(known, device);
      else {
        if (key != null) byKey.set(key, device);
        devices.push(device);
      }
    }
  }
  return devices;
}

// The console's device search (core/src/devices.rs: `search_key` and `DeviceRoster::select`): a device's
// Name, DevEui and Id, those it has, joined by U+001F and lower-cased; it matches when the search text,
// trimmed and lower-cased, is empty or contained in that key. (JS's trim and Rust's differ only on U+0085
// and U+FEFF at the ends; both lower-case by Unicode's default mapping.)
const searchKey = (d) => [d.Name, d.LoRaWAN?.DevEui, d.Id].filter((v) => typeof v === 'string').join('\u001f').toLowerCase();
const needleOf = (text) => text.trim().toLowerCase();

function cell(value) {
  const td = document.createElement('td');
  td.textContent = value ?? '';
  return td;
}

function rowOf(d) {
  const tr = document.createElement('tr');
  tr.append(cell(d.Name), cell(d.Id), cell(d.LoRaWAN?.DevEui), cell(d.FuotaDeviceStatus), cell(d.McGroupId), cell(d.LastUplinkReceivedAt));
  return tr;
}

/** Every row that matches, all of them (the console shows a hundred at a time), in one change of the body. */
function show(needle) {
  tbody.replaceChildren(...rows.filter((r) => needle === '' || r.key.includes(needle)).map((r) => r.tr));
}

function showDevices(devices) {
  rows = devices.map((d) => ({ tr: rowOf(d), key: searchKey(d) }));
  total.textContent = total.dataset.value = String(rows.length);
  show(needleOf(search.value));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const read = ++reads;
  const fields = new FormData(form);
  const value = (name) => String(fields.get(name) ?? '').trim();
  const region = value('region');
  const base = (value('endpoint') || `https://api.iotwireless.${region}.amazonaws.com`).replace(/\/+$/, '');
  const client = new AwsClient({
    accessKeyId: value('access-key-id'), secretAccessKey: value('secret-access-key'),
    sessionToken: value('session-token') || undefined, service: 'iotwireless', region, retries: 0,
  });
  const id = value('task-id');
  $('.error').textContent = '';
  $('output.name').textContent = '';
  view.dataset.devicesComplete = 'false';
  showDevices([]);
  try {
    const task = await get(client, base, `/fuota-tasks/${encodeURIComponent(id)}`);
    if (read !== reads) return;
    $('output.name').textContent = task.Name ?? '';
    const devices = await readDevices(client, base, id);
    if (read !== reads) return;
    showDevices(devices);
    view.dataset.devicesComplete = 'true';
  } catch (e) {
    if (read === reads) $('.error').textContent = String(e?.message ?? e);
  }
});
search.addEventListener('input', () => show(needleOf(search.value)));
// Interactive from here on (the benchmark's cold start waits for this mark).
form.setAttribute('data-interactive', '');
