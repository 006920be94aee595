//! Gives the shared library its versioned name, as a C library should have (docs/C_API.md,
//! "Building and linking"): the soname `liboffline_reset.so.<ABI major>` on ELF targets and the
//! install name `@rpath/liboffline_reset.<ABI major>.dylib` on macOS (not verified here). The ABI
//! major version is read from `src/ffi/version.rs`, its one definition. Only the cdylib link
//! gets the flag; the rlib and the staticlib are unchanged.
//!
//! Why a build script and not cargo-c: docs/C_API.md, "Why not cargo-c".

use std::env;
use std::fs;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi/version.rs");
    println!("cargo:rerun-if-changed=build.rs");
    let version = fs::read_to_string("src/ffi/version.rs").expect("read src/ffi/version.rs");
    let major: u32 = version
        .lines()
        .find_map(|line| line.strip_prefix("pub const OLR_ABI_VERSION_MAJOR: u32 = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .and_then(|n| n.trim().parse().ok())
        .expect("src/ffi/version.rs: `pub const OLR_ABI_VERSION_MAJOR: u32 = N;`");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let family = env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    let env_name = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "macos" || os == "ios" {
        println!(
            "cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/liboffline_reset.{major}.dylib"
        );
    } else if family == "unix" && env_name != "msvc" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,liboffline_reset.so.{major}");
    }
}
