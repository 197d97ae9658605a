#!/usr/bin/env bash
# Installs whatever is missing to build, run and test the console, idempotently: each piece is
# skipped when it is already there at the right version. Nothing downloads a binary at run time
# (Trunk and wasm-pack are told not to), so every tool comes from a registry: Debian, crates.io,
# npm, PyPI. Source it (`. scripts/setup.sh`) to get the PATH it sets up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_SPLIT_VERSION="0.2.3"    # the splitter the build hook runs (the one cargo-leptos --split uses)
TRUNK_VERSION="0.21.14"        # 0.22 needs a newer rustc than these machines have
WASM_PACK_VERSION="0.15.1"
BOTOCORE_VERSION="1.43.11"     # the SigV4 and endpoint referee; its vectors are committed
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # npm binaryen's wasm-opt before Debian's
export TRUNK_SKIP_VERSION_CHECK=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: the browser and its driver, brotli for size reports, nginx (and envsubst) for
# the relay test.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v envsubst >/dev/null || missing+=(gettext-base)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || { say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

# wasm-bindgen's CLI must be the exact version in Cargo.lock (no --locked: its lock pins a yanked crate).
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  say "cargo install trunk $TRUNK_VERSION"
  cargo install --locked trunk --version "$TRUNK_VERSION" --force
fi
# It has no --version: cargo's own list of installed binaries says which one is there.
if ! command -v wasm-split-cli >/dev/null || ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (wasm-split-cli)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --force
fi
if ! wasm-pack --version 2>/dev/null | grep -qx "wasm-pack $WASM_PACK_VERSION"; then
  say "cargo install wasm-pack $WASM_PACK_VERSION"
  cargo install --locked wasm-pack --version "$WASM_PACK_VERSION" --force
fi

# npm: binaryen 132 (wasm-opt for Trunk), esbuild (the build hook minifies with it),
# playwright-core and axe-core (the accessibility checks), typescript (the widget's declarations),
# exactly as package-lock.json says.
if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ] || [ ! -x "$ROOT/node_modules/.bin/esbuild" ] || [ ! -d "$ROOT/node_modules/playwright-core" ] \
   || [ ! -x "$ROOT/node_modules/.bin/tsc" ] \
   || [ ! -f "$ROOT/node_modules/axe-core/axe.min.js" ] \
   || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  say "npm ci"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! python3 -c "import botocore, sys; sys.exit(botocore.__version__ != '$BOTOCORE_VERSION')" 2>/dev/null; then
  say "pip install botocore==$BOTOCORE_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "botocore==$BOTOCORE_VERSION"
fi

# Trunk builds offline: every crate must already be here.
(cd "$ROOT" && cargo fetch --locked --quiet)
say "ready"
