//! The stable C ABI (`include/offline_reset.h`, generated from this module by cbindgen).
//!
//! Conventions, spelled out for C developers in `docs/C_API.md` and for releases in
//! `docs/ABI.md`:
//! - every symbol and type starts with `olr_` / `OLR_`; handles are opaque and freed by their own
//!   `_free`, which accepts NULL and wipes secrets;
//! - fallible functions return [`olr_status`], whose numbers equal [`crate::Error::code`] and are
//!   never reused;
//! - strings in are UTF-8 pointer + length; outputs go to caller-owned buffers with a capacity
//!   and a length out-parameter, and are written only on success;
//! - time is `int64_t` unix seconds from the caller; there is no global mutable state;
//! - every export runs inside [`ffi_boundary!`], so a panic becomes `OLR_PANIC`.
//!
//! All of the crate's `unsafe` code lives in this module: every `unsafe` block is in [`ptr`],
//! whose checked helpers the other files call; they only carry `#[no_mangle]` (which the
//! `unsafe_code` lint also counts). The exports are safe `extern "C"` functions as in
//! rustls-ffi: Rust callers should use the Rust API instead, since these trust their pointers.

#![allow(non_camel_case_types)]

// The boundary macro first: macros are visible only after their definition. The other modules
// are in the order their items appear in the header.
#[macro_use]
mod panic;

mod ptr;

mod status;
pub use status::*;

mod version;
pub use version::*;

mod codes;
pub use codes::*;

mod aids;
pub use aids::*;

mod account;
pub use account::*;

mod server_key_ring;
pub use server_key_ring::*;

mod machine;
pub use machine::*;

mod replay_ledger;
pub use replay_ledger::*;

mod utf16;
pub use utf16::*;

#[cfg(feature = "test-hooks")]
mod test_hooks;
#[cfg(feature = "test-hooks")]
pub use test_hooks::*;
