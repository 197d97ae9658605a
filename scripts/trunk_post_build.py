#!/usr/bin/env python3
"""Trunk post-build hook: gives the build a stable entry module and a page without inline script.

Trunk names its JS glue and wasm with content hashes and starts them from an inline <script> in
index.html. A strict Content-Security-Policy (no 'unsafe-inline') refuses inline scripts, and
portals need a name that does not change. So this hook writes `fuota-console.js` (from
www/fuota-console.js, with the hashed names filled in) and makes index.html load it instead.
"""
import os
import pathlib
import re
import sys


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
    (staging / "fuota-console.js").write_text(module)

    index = staging / "index.html"
    html = index.read_text()
    html, replaced = re.subn(r"<script type=\"module\">.*?</script>", '<script type="module" src="./fuota-console.js"></script>', html, flags=re.S)
    if replaced != 1:
        sys.exit(f"post-build: expected Trunk's one inline module script in index.html, found {replaced}")
    index.write_text(html)


if __name__ == "__main__":
    main()
