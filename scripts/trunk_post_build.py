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

The console is cut into parts (src/parts.rs): when the linked wasm has split points, this hook runs
`wasm-split-cli` (crates.io `wasm_split_cli_support`, the splitter cargo-leptos uses; installed by
scripts/setup.sh) on it, then wasm-bindgen on the main part and wasm-opt on every part, and puts
them where Trunk's single wasm was: the glue and the main wasm keep Trunk's names, the parts sit
beside them (`split_*.wasm`, `chunk_*.wasm`, and their loader `__wasm_split.js`). Trunk has no
such step of its own (trunk-rs/trunk#1022), so index.html turns Trunk's wasm-opt off
(data-wasm-opt="0") and this hook optimises instead: Trunk's would only optimise a wasm that is
then replaced.
"""
import base64
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor


def minify(path: pathlib.Path, loader: str, module: bool = True) -> None:
    esbuild = shutil.which("esbuild")
    if esbuild is None:
        sys.exit("post-build: esbuild is not on PATH; run scripts/setup.sh (it installs it from npm)")
    # --format=esm for the ES modules (the glue, the entry module, the loader): their exports stay
    # named. page.js is a classic script and stays one.
    extra = ["--format=esm"] if loader == "js" and module else []
    out = subprocess.run([esbuild, "--minify", f"--loader={loader}", "--log-level=warning", *extra],
                         input=path.read_bytes(), capture_output=True, check=False)
    if out.returncode != 0:
        sys.exit(f"post-build: esbuild failed on {path.name}: {out.stderr.decode(errors='replace')}")
    path.write_bytes(out.stdout)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"post-build: {name} is not on PATH; run scripts/setup.sh (it installs it)")
    return found


def run(*command: str) -> None:
    out = subprocess.run(command, capture_output=True, check=False)
    if out.returncode != 0:
        sys.exit(f"post-build: {pathlib.Path(command[0]).name} failed: {out.stderr.decode(errors='replace')[-2000:]}")


def linked_wasm() -> pathlib.Path:
    """The wasm cargo linked for this build (before wasm-bindgen): the splitter needs its relocations."""
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
                          capture_output=True, check=False)
    if meta.returncode != 0:
        sys.exit(f"post-build: cargo metadata failed: {meta.stderr.decode(errors='replace')}")
    target = pathlib.Path(json.loads(meta.stdout)["target_directory"])
    profile = "release" if os.environ.get("TRUNK_PROFILE") == "release" else "debug"
    return target / "wasm32-unknown-unknown" / profile / "fuota-console.wasm"


def split(staging: pathlib.Path, glue: str, wasm: str) -> list[str]:
    """Cuts the console into its parts; returns the wasm files now in staging (main first)."""
    linked = linked_wasm()
    if b"__wasm_split_00" not in linked.read_bytes():
        return [wasm]  # a build without the `split` feature: Trunk's one wasm is the console
    stem = glue.removesuffix(".js")
    with tempfile.TemporaryDirectory() as tmp:
        parts, bound = pathlib.Path(tmp) / "parts", pathlib.Path(tmp) / "bound"
        # --out-name: the loader imports the main part's glue by this name (Trunk's, with its hash).
        run(tool("wasm-split-cli"), str(linked), str(parts), "--target", "web", "--out-name", stem)
        # --keep-lld-exports: the parts reach the main part's functions through exports the
        # splitter added, which wasm-bindgen would otherwise remove.
        run(tool("wasm-bindgen"), "--target", "web", "--no-typescript", "--keep-lld-exports",
            "--out-dir", str(bound), "--out-name", stem, str(parts / f"{stem}.wasm"))
        shutil.copyfile(bound / f"{stem}.js", staging / glue)
        shutil.copyfile(bound / f"{stem}_bg.wasm", staging / wasm)
        names = [wasm]
        for part in sorted(parts.glob("*.wasm")):
            if part.name != f"{stem}.wasm":
                shutil.copyfile(part, staging / part.name)
                names.append(part.name)
        loader = (parts / "__wasm_split.js").read_text()
        (staging / "__wasm_split.js").write_text(settle_fetches(loader))
    return names


# The splitter's loader starts a part's fetch, then waits for the chunks the part needs before it
# hands the fetch to `instantiateStreaming`. A fetch that fails meanwhile (the network dropped, a
# chunk failed first) has nobody listening yet, and the browser reports an unhandled rejection
# ("Uncaught (in promise) TypeError: Failed to fetch") on top of the failure the console already
# turns into a sentence (PartNotLoaded). A handler attached at once marks it handled; the rejection
# still reaches `instantiateStreaming`, and through it the console, when the loader gets there.
FETCH = re.compile(r"(const src = fetch\(new URL\(\"\./[a-z0-9_]+\.wasm\", import\.meta\.url\)\);)")


def settle_fetches(loader: str) -> str:
    patched, count = FETCH.subn(r"\1\n    src.catch(() => {});", loader)
    if count == 0 or count != loader.count("fetch("):
        sys.exit(f"post-build: {count} of the splitter loader's {loader.count('fetch(')} fetches recognised: its text "
                 "changed, so the handler for a failed fetch could not be added (settle_fetches)")
    return patched


def optimise(path: pathlib.Path) -> None:
    # The flags Trunk would pass for data-wasm-opt="z" plus the features rustc's wasm32 target emits.
    # The `producers` and `target_features` sections are for tools (which compiler made the file,
    # which features a linker may assume): no browser reads them, and the splitter copied them into
    # every part, about 120 bytes brotli a file.
    run(tool("wasm-opt"), "-Oz", "--converge", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
        "--strip-producers", "--strip-target-features", str(path), "-o", str(path))


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
    wasm_files = split(staging, glue, wasm)
    if os.environ.get("TRUNK_PROFILE") == "release":
        scripts = [glue, "fuota-console.js"] + (["__wasm_split.js"] if len(wasm_files) > 1 else [])
        for name, loader in [(name, "js") for name in scripts] + [(css, "css")]:
            minify(staging / name, loader)
        # The form's script is in the 8 KiB of a usable first paint: its comments are for the source.
        minify(staging / "page.js", "js", module=False)
        # Two cores: one wasm-opt per core.
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(optimise, [staging / name for name in wasm_files]))

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
