// In-page half of the signing benchmark (driven by bench/run.mjs through playwright-core).
// Every signer signs the same request at the same fixed time; each sample is the wall time of a
// batch of N signatures measured with performance.now(), divided by N. Implementations are
// interleaved batch by batch so that drift (another process, GC, thermal) hits them alike.
import * as peers from '/__bench/out/sign-peers.min.js';

const REQ = {
  method: 'GET',
  host: 'api.iotwireless.us-east-1.amazonaws.com',
  path: '/fuota-tasks/demo-in-session',
  region: 'us-east-1',
  service: 'iotwireless',
  credentials: {
    accessKeyId: 'ASIADEMOLOCALENDPOINT',
    secretAccessKey: 'demo/local/endpoint/secret/key/not/a/real/one',
    sessionToken: 'demo-local-session-token',
  },
};
const FIXED = new Date('2026-11-26T08:00:00Z');
const FIXED_AMZ = '20261126T080000Z';
const sigOf = (auth) => /Signature=([0-9a-f]{64})/.exec(String(auth))?.[1] ?? null;

function smithy(Sha256) {
  // applyChecksum: false keeps the signed headers to host;x-amz-date;x-amz-security-token, the
  // same canonical request as aws4fetch (and as the console's aws-sigv4 for GET): every row
  // then produces the same signature, checked below against a Node reference.
  const signer = new peers.SignatureV4({
    credentials: REQ.credentials, region: REQ.region, service: REQ.service, sha256: Sha256,
    applyChecksum: false,
  });
  const request = () => new peers.HttpRequest({
    method: REQ.method, protocol: 'https:', hostname: REQ.host, path: REQ.path, headers: { host: REQ.host },
  });
  return {
    async once() { return sigOf((await signer.sign(request(), { signingDate: FIXED })).headers.authorization); },
    async batch(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await signer.sign(request(), { signingDate: FIXED });
      return performance.now() - t0;
    },
  };
}

function aws4fetch() {
  const cache = new Map(); // AwsClient keeps one per client: the signing key is derived once a day
  const url = `https://${REQ.host}${REQ.path}`;
  const signer = () => new peers.AwsV4Signer({
    method: REQ.method, url, ...REQ.credentials, service: REQ.service, region: REQ.region,
    datetime: FIXED_AMZ, cache,
  });
  return {
    async once() { return sigOf((await signer().sign()).headers.get('authorization')); },
    async batch(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await signer().sign();
      return performance.now() - t0;
    },
  };
}

async function wasm() {
  let mod;
  try {
    // The benchmark's own build of the console (scripts/bench.sh): the shipped one has no benchSign.
    mod = await import('/__bench/console/fuota-console.js');
  } catch (e) {
    return { na: `import /__bench/console/fuota-console.js failed: ${e.message}` };
  }
  if (typeof mod.benchSign !== 'function') return { na: 'bench/out/console-bench/fuota-console.js exports no benchSign' };
  try { await mod.ready; } catch (e) { return { na: `its ready rejected: ${e?.message ?? e}` }; }
  const inner = [];
  return {
    inner,
    async once() { return null; }, // benchSign returns only the time: its signature cannot be checked here
    async batch(n) {
      const t0 = performance.now();
      const ms = mod.benchSign(n);
      const outer = performance.now() - t0;
      if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error(`benchSign(${n}) returned ${ms}`);
      inner.push(ms);
      return ms; // the contract: total milliseconds measured inside wasm; `outer` only as a check
    },
  };
}

async function floor() {
  // bench/floor: aws-sigv4 with nothing around it, the same request and time inside wasm. Its init
  // runs its main, which mounts the floor's small form into this page's body: harmless here.
  let mod;
  try {
    mod = await import('/__bench/floor/fuota-floor.js');
    await mod.default({ module_or_path: '/__bench/floor/fuota-floor_bg.wasm' });
  } catch (e) {
    return { na: `loading bench/out/floor failed: ${e.message}` };
  }
  return {
    async once() { return sigOf(mod.benchAuthorization()); },
    async batch(n) {
      const ms = mod.benchSign(n);
      if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error(`floor benchSign(${n}) returned ${ms}`);
      return ms;
    },
  };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; };

window.signBench = async ({ n = 500, rounds = 20, warmupRounds = 2, withWasm = true, withFloor = false } = {}) => {
  const sha256Browser = new peers.Sha256Browser();
  const impls = {
    'smithy-sha256-js': smithy(peers.Sha256Js),
    'smithy-sha256-browser': smithy(peers.Sha256Browser),
    aws4fetch: aws4fetch(),
  };
  let wasmNa = 'not requested';
  if (withWasm) {
    const w = await wasm();
    if (w.na) wasmNa = w.na; else { impls.wasm = w; wasmNa = null; }
  }
  let floorNa = 'not built';
  if (withFloor) {
    const fl = await floor();
    if (fl.na) floorNa = fl.na; else { impls.floor = fl; floorNa = null; }
  }
  const out = {
    floorNa,
    crossOriginIsolated: self.crossOriginIsolated,
    // Which SHA-256 @aws-crypto/sha256-browser picked here: its WebCrypto class buffers `toHash`
    // for crypto.subtle (class names do not survive minification); otherwise it fell back to JS.
    sha256BrowserImpl: sha256Browser.hash && 'toHash' in sha256Browser.hash ? 'WebCrypto (crypto.subtle)' : 'sha256-js fallback',
    n, rounds, wasmNa, signatures: {}, results: {},
  };
  out.failed = {};
  const fail = (name, e) => { out.failed[name] = String(e?.message ?? e).slice(0, 200); delete impls[name]; };
  for (const [name, impl] of Object.entries(impls)) {
    try { out.signatures[name] = await impl.once(); } catch (e) { fail(name, e); }
  }
  const samples = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
  for (let r = 0; r < warmupRounds + rounds; r++) {
    for (const [name, impl] of Object.entries(impls)) {
      try {
        const ms = await impl.batch(n);
        if (r >= warmupRounds) samples[name].push((ms * 1000) / n);
      } catch (e) { fail(name, e); delete samples[name]; }
    }
  }
  if (out.failed.wasm) out.wasmNa = `benchSign failed: ${out.failed.wasm}`;
  for (const [name, us] of Object.entries(samples)) {
    out.results[name] = {
      medianUs: median(us), minUs: Math.min(...us), p90Us: quantile(us, 0.9), batches: us.length,
      signatures: us.length * n,
    };
  }
  return out;
};

window.peerSmoke = async (api) => {
  // Proves the size peers are working clients: each fetches demo-in-session from the local endpoint.
  const res = {};
  for (const [name, file] of [['aws-sdk-v3', 'aws-sdk-v3-get-fuota-task.min.js'], ['aws4fetch', 'aws4fetch-get-fuota-task.min.js']]) {
    try {
      const mod = await import(`/__bench/out/${file}`);
      const task = await mod.getFuotaTask({ id: 'demo-in-session', region: 'us-east-1', endpoint: api });
      res[name] = task?.Id === 'demo-in-session' ? 'ok' : `unexpected answer ${JSON.stringify(task).slice(0, 80)}`;
    } catch (e) {
      res[name] = `failed: ${e.name}: ${e.message}`.slice(0, 160);
    }
  }
  return res;
};

window.signBenchReady = true;
