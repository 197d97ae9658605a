#!/usr/bin/env bash
# Sets up what is missing, builds the console, and runs it on the local IoT Wireless endpoint.
# Open the printed URL: the form is pre-filled with the endpoint's demo identity and a sample task.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
SITE_ADDR="${SITE_ADDR:-127.0.0.1:8080}"
API_ADDR="${API_ADDR:-127.0.0.1:8081}"
trunk build --release
cargo build --quiet -p fuota-local
exec "$CARGO_TARGET_DIR/debug/fuota-local" --site dist --site-addr "$SITE_ADDR" --api "$API_ADDR" "$@"
