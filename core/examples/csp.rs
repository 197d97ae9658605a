//! Prints the `connect-src` directive of the page's Content-Security-Policy, made from the same
//! partition data as the endpoint resolver: `cargo run -p fuota-core --example csp`. Paste it into
//! `index.html`'s policy; `core/tests/csp.rs` fails until the two agree.

fn main() {
    println!("{}", fuota_core::wire::endpoint::connect_src());
}
