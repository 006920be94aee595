//! The one panic boundary every export runs behind: unwinding into C is undefined behaviour and
//! an abort would take the host process (LogonUI, a reset server) down with it.

use core::ffi::c_char;

use super::status::{olr_status, Fail};

/// Runs an export's body, a block evaluating to `Result<T, Fail>` (so `?` works on library
/// errors and on the pointer helpers), and turns its outcome into the export's return value: a
/// status for `Result<(), Fail>`, the value itself otherwise. A panic becomes `OLR_PANIC` (or the
/// return type's neutral value for the few exports that return no status).
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::core::result::Result<_, $crate::ffi::status::Fail> { $($body)* },
        )) {
            Ok(result) => $crate::ffi::panic::Finish::finish(result),
            Err(_) => $crate::ffi::panic::OnPanic::on_panic(),
        }
    };
}

/// Turns a body's result into the export's return value.
pub trait Finish<R> {
    fn finish(self) -> R;
}

impl Finish<olr_status> for Result<(), Fail> {
    fn finish(self) -> olr_status {
        match self {
            Ok(()) => olr_status::OLR_OK,
            Err(fail) => fail.into(),
        }
    }
}

/// Exports that return a value have no failure to report; their bodies never return `Err`, and
/// if one did it would be reported like a panic.
impl<T: OnPanic> Finish<T> for Result<T, Fail> {
    fn finish(self) -> T {
        self.unwrap_or_else(|_| T::on_panic())
    }
}

/// What an export returns when its body panicked.
pub trait OnPanic {
    fn on_panic() -> Self;
}

impl OnPanic for olr_status {
    fn on_panic() -> Self {
        olr_status::OLR_PANIC
    }
}

impl OnPanic for () {
    fn on_panic() -> Self {}
}

impl OnPanic for bool {
    fn on_panic() -> Self {
        false
    }
}

impl OnPanic for u8 {
    fn on_panic() -> Self {
        0
    }
}

impl OnPanic for u32 {
    fn on_panic() -> Self {
        0
    }
}

impl OnPanic for usize {
    fn on_panic() -> Self {
        0
    }
}

impl OnPanic for *const c_char {
    /// Callers may print what they get without a NULL check.
    fn on_panic() -> Self {
        c"internal error".as_ptr()
    }
}
