//! Build settings only the page's wasm needs (a build script, so that no other package or target
//! is built differently).

fn main() {
    // The Trunk post-build hook's splitter (wasm-split-cli) cuts the linked wasm into the parts of
    // `src/parts.rs`; it needs the linker's relocations to know what calls what. A link argument
    // of the page's binary only, with the `split` feature only: the code compiled is the same.
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
    // The benchmark's build (scripts/bench.sh sets FUOTA_BENCH_BUILD=1, as it does for the hook)
    // exports its signing loop, `benchSign`; the shipped build never does. A switch from the
    // environment rather than a Cargo feature: Trunk lets index.html's `data-cargo-features`
    // override the features given on its command line.
    println!("cargo::rerun-if-env-changed=FUOTA_BENCH_BUILD");
    println!("cargo::rustc-check-cfg=cfg(fuota_bench)");
    if std::env::var("FUOTA_BENCH_BUILD").as_deref() == Ok("1") {
        println!("cargo::rustc-cfg=fuota_bench");
    }
}
