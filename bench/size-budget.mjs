#!/usr/bin/env node
// Byte budget of the first visit, for CI: sums the brotli -q 11 size of every file in a built site
// and fails when the sum exceeds the budget. Deterministic (no browser, no timing), no npm
// dependencies (only Node and the brotli CLI; Node's zlib gives the same bytes when the CLI is absent).
//
//   node bench/size-budget.mjs <dist-dir> <budget-KiB> [--exclude <path-prefix>]...
//   e.g. node bench/size-budget.mjs dist 100
//        node bench/size-budget.mjs dist 100 --exclude examples/   (files a first visit never loads)
//
// Exit 0: within budget. Exit 1: over budget. Exit 2: bad arguments or an empty/missing directory.
import { existsSync, statSync } from 'node:fs';
import { buildInProgress, listFiles, sizesOf, tools } from './lib/compress.mjs';

const args = process.argv.slice(2);
const excludes = [];
for (let i = args.indexOf('--exclude'); i !== -1; i = args.indexOf('--exclude')) {
  const [, prefix] = args.splice(i, 2);
  if (!prefix) { console.error('size-budget: --exclude needs a path prefix'); process.exit(2); }
  excludes.push(prefix.replace(/^\.\//, ''));
}
const [dir, budgetArg, ...extra] = args;
const budgetKiB = Number(budgetArg);
if (!dir || !budgetArg || extra.length || !Number.isFinite(budgetKiB) || budgetKiB <= 0) {
  console.error('usage: node bench/size-budget.mjs <dist-dir> <budget-KiB> [--exclude <path-prefix>]...');
  process.exit(2);
}
if (!existsSync(dir) || !statSync(dir).isDirectory()) {
  console.error(`size-budget: ${dir} is not a directory (build the site first)`);
  process.exit(2);
}
if (buildInProgress(dir)) {
  console.error(`size-budget: warning: ${dir}/.stage exists (a Trunk build is running); it is not counted`);
}
const all = listFiles(dir);
const files = all.filter((f) => !excludes.some((p) => f.startsWith(p)));
for (const f of all) if (!files.includes(f)) console.log(`(excluded) ${f}`);
if (files.length === 0) {
  console.error(`size-budget: ${dir} has no files`);
  process.exit(2);
}

const { files: rows, total } = sizesOf(dir, files, { gzip: false });
const w = Math.max(5, ...rows.map((r) => r.file.length));
const kib = (n) => (n / 1024).toFixed(1);
console.log(`${'file'.padEnd(w)}  ${'raw B'.padStart(10)}  ${'brotli B'.padStart(10)}`);
for (const r of rows) console.log(`${r.file.padEnd(w)}  ${String(r.raw).padStart(10)}  ${String(r.brotli).padStart(10)}`);
console.log(`${'TOTAL'.padEnd(w)}  ${String(total.raw).padStart(10)}  ${String(total.brotli).padStart(10)}`);

const budget = Math.floor(budgetKiB * 1024);
const verdict = total.brotli <= budget ? 'within' : 'OVER';
console.log(`${files.length} files: ${total.brotli} B = ${kib(total.brotli)} KiB brotli (${tools.brotli}); ` +
  `budget ${budget} B = ${budgetKiB} KiB: ${verdict} budget` +
  (total.brotli <= budget ? ` (${kib(budget - total.brotli)} KiB to spare)` : ` by ${kib(total.brotli - budget)} KiB`));
process.exit(total.brotli <= budget ? 0 : 1);
