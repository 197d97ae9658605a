#!/usr/bin/env bash
# The benchmark: sets up what is missing, builds the release, then in one run on this
# machine and its headless Chromium prints the console's bytes, signing time, cold start,
# submit-to-render, calculator keystroke and memory next to the AWS SDK for JavaScript v3 and
# aws4fetch (bench/README.md says how each is measured). Timings never gate anything.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
trunk build --release
# The signing loop (`benchSign`) is not in the shipped build: a second build with it, aside.
FUOTA_BENCH_BUILD=1 trunk build --release --dist bench/out/console-bench
# The floor of the required stack (bench/floor), built alike into bench/out/floor; one target dir.
(cd bench/floor && trunk build --release)
cargo build --locked --quiet -p fuota-local
npm ci --prefix bench --no-audit --no-fund --loglevel=error
node bench/run.mjs "$@"
