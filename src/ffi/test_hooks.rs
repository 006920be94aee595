//! Exports that exist only for the C tests (Cargo feature `test-hooks`; header guard
//! `OLR_TEST_HOOKS`). Release builds never have them.

use super::status::olr_status;

/// Test hook (built only with the `test-hooks` Cargo feature): panics inside the boundary and so
/// returns `OLR_PANIC`, proving that a panic never unwinds into C. The default panic hook still
/// prints one line to stderr.
#[no_mangle]
pub extern "C" fn olr_test_hook_panic() -> olr_status {
    ffi_boundary! {
        if std::hint::black_box(true) {
            panic!("olr_test_hook_panic: deliberate panic to test the boundary");
        }
        Ok(())
    }
}
