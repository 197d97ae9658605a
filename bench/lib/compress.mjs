// Compressed sizes as a static host would serve them: `gzip -9 -n` and `brotli -q 11` (the CLIs, fed
// on stdin so no file name or time stamp is counted). Without the CLIs, Node's zlib gives the same
// brotli bytes (quality 11, window 24, size hint = input length; checked against brotli 1.0.9) and
// gzip bytes within a few of the CLI's; `tool` says which one counted.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import zlib from 'node:zlib';

function hasCli(name) {
  try { execFileSync(name, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}
const CLI = { gzip: hasCli('gzip'), brotli: hasCli('brotli') };
export const tools = {
  gzip: CLI.gzip ? 'gzip -9 -n (CLI)' : 'node zlib gzip level 9',
  brotli: CLI.brotli ? 'brotli -q 11 (CLI)' : 'node zlib brotli q11 lgwin24',
};

const MAX = 1 << 30;
export function gzipSize(buf) {
  if (CLI.gzip) return execFileSync('gzip', ['-9', '-n', '-c'], { input: buf, maxBuffer: MAX }).length;
  return zlib.gzipSync(buf, { level: 9 }).length;
}
export function brotliSize(buf) {
  if (CLI.brotli) return execFileSync('brotli', ['-q', '11', '-c'], { input: buf, maxBuffer: MAX }).length;
  const P = zlib.constants;
  return zlib.brotliCompressSync(buf, {
    params: { [P.BROTLI_PARAM_QUALITY]: 11, [P.BROTLI_PARAM_LGWIN]: 24, [P.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length;
}

/** Trunk's staging folder: it exists in dist/ only while a build is running and is never served. */
export const STAGING = '.stage';

/** Every regular file under dir (recursively, without Trunk's staging folder), sorted, relative to dir. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (d === dir && name === STAGING) continue;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** True while Trunk is writing a build into dir (its files may then be a mix of two builds). */
export function buildInProgress(dir) {
  try { return statSync(join(dir, STAGING)).isDirectory(); } catch { return false; }
}

/** { files: [{file, raw, gzip, brotli}], total: {raw, gzip, brotli} } for the given files. */
export function sizesOf(dir, files, { gzip = true } = {}) {
  const rows = files.map((file) => {
    const buf = readFileSync(join(dir, file));
    return { file, raw: buf.length, gzip: gzip ? gzipSize(buf) : null, brotli: brotliSize(buf) };
  });
  const sum = (k) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
  return { files: rows, total: { raw: sum('raw'), gzip: gzip ? sum('gzip') : null, brotli: sum('brotli') } };
}
