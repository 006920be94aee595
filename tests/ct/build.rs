//! Compiles the client-request shim (src/shim.c) against valgrind's headers.
fn main() {
    println!("cargo:rerun-if-changed=src/shim.c");
    cc::Build::new()
        .file("src/shim.c")
        .warnings(true)
        .compile("ct_shim");
}
