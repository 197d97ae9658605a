// What the rollout tests share: the ids in a request's path, the `fuota-rollout:` tags of a
// create's body and their check (as core/src/rollout/tags.rs writes it), and the page's problems
// without the answers a test provoked.

/** The path's segment after `after`: the task of /fuota-tasks/{Id}/…, the group of /multicast-groups/{Id}/…. */
export function idIn(url, after) {
  const parts = new URL(url).pathname.split('/');
  return decodeURIComponent(parts[parts.indexOf(after) + 1]);
}

/** The `fuota-rollout:` tags of a create's body, as an object. */
export function rolloutTags(body) {
  const tags = Array.isArray(body.Tags) ? body.Tags : [];
  return Object.fromEntries(tags.filter((t) => t.Key.startsWith('fuota-rollout:')).map((t) => [t.Key, t.Value]));
}

export function fnv1a64(text) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

/** The schema's check (core/src/rollout/tags.rs): FNV-1a 64 of the other rollout tags sorted, `key\tvalue\n` each. */
export function checkOf(tags) {
  const lines = Object.entries(tags).filter(([k]) => k !== 'fuota-rollout:check').map(([k, v]) => `${k}\t${v}\n`);
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return fnv1a64(lines.join(''));
}

/** The page's own problems, without the browser's line for each error answer that was expected. */
export function unexpected(problems, ...statuses) {
  const expected = statuses.map((s) => `console: Failed to load resource: the server responded with a status of ${s}`);
  return problems.filter((p) => !expected.some((e) => p.startsWith(e)));
}
