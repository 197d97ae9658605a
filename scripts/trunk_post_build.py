#!/usr/bin/env python3
"""Trunk post-build hook: gives the build a stable entry module and a page without inline script,
and minifies what Trunk leaves readable.

Trunk names its JS glue and wasm with content hashes and starts them from an inline <script> in
index.html. A strict Content-Security-Policy (no 'unsafe-inline') refuses inline scripts, and
portals need a name that does not change. So this hook writes `fuota-console.js` (from
www/fuota-console.js, with the hashed names filled in) and makes index.html load it instead.

Trunk 0.21 neither minifies wasm-bindgen's JS glue nor the CSS. esbuild (npm, installed by
scripts/setup.sh) does, in place; the Subresource Integrity hashes Trunk wrote into index.html are
then recomputed, so the browser still checks each file against what is served. A release build
without esbuild is an error: the byte budget counts on it.
"""
import base64
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys


def minify(path: pathlib.Path, loader: str) -> None:
    esbuild = shutil.which("esbuild")
    if esbuild is None:
        sys.exit("post-build: esbuild is not on PATH; run scripts/setup.sh (it installs it from npm)")
    # --format=esm for JS: the glue and the entry module are ES modules; their exports stay named.
    extra = ["--format=esm"] if loader == "js" else []
    out = subprocess.run([esbuild, "--minify", f"--loader={loader}", "--log-level=warning", *extra],
                         input=path.read_bytes(), capture_output=True, check=False)
    if out.returncode != 0:
        sys.exit(f"post-build: esbuild failed on {path.name}: {out.stderr.decode(errors='replace')}")
    path.write_bytes(out.stdout)


def sri(path: pathlib.Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def one(staging: pathlib.Path, pattern: str) -> str:
    found = sorted(p.name for p in staging.glob(pattern) if p.name != "fuota-console.js")
    if len(found) != 1:
        sys.exit(f"post-build: expected one {pattern} in {staging}, found {found}")
    return found[0]


def main() -> None:
    staging = pathlib.Path(os.environ["TRUNK_STAGING_DIR"])
    source = pathlib.Path(os.environ.get("TRUNK_SOURCE_DIR", ".")) / "www" / "fuota-console.js"
    glue = one(staging, "fuota-console-*.js")
    wasm = one(staging, "fuota-console-*_bg.wasm")
    css = one(staging, "styles-*.css")
    module = source.read_text().replace("__GLUE__", glue).replace("__WASM__", f"./{wasm}").replace("__CSS__", f"./{css}")
    # The benchmark's hook (`benchSign`) only in the benchmark's build (scripts/bench.sh sets this).
    if os.environ.get("FUOTA_BENCH_BUILD") != "1":
        module = "".join(line for line in module.splitlines(keepends=True) if not line.rstrip().endswith("// bench-only"))
    (staging / "fuota-console.js").write_text(module)
    if os.environ.get("TRUNK_PROFILE") == "release":
        for name, loader in ((glue, "js"), ("fuota-console.js", "js"), (css, "css")):
            minify(staging / name, loader)

    index = staging / "index.html"
    html = index.read_text()
    html, replaced = re.subn(r"<script type=\"module\">.*?</script>", '<script type="module" src="./fuota-console.js"></script>', html, flags=re.S)
    if replaced != 1:
        sys.exit(f"post-build: expected Trunk's one inline module script in index.html, found {replaced}")
    # Each integrity attribute again, for the file as it now is.
    def rehash(match: re.Match) -> str:
        return f'{match.group(1)}{sri(staging / match.group(2))}{match.group(3)}'
    html = re.sub(r'(href="\./([^"]+)"[^>]*?integrity=")[^"]*(")', rehash, html)
    index.write_text(html)


if __name__ == "__main__":
    main()
