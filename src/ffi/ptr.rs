//! Every pointer the C caller hands over is checked and converted here, and only here: NULL,
//! lengths, UTF-8, output capacities and handle ownership. The exports only call these helpers.
//!
//! The one thing no helper can check is that a non-NULL pointer really points to what the
//! header says (live memory of the given length, a handle not yet freed); that is the caller's
//! side of the C contract, as for any C library.

use core::ffi::c_char;
use core::slice;

use zeroize::Zeroizing;

use super::status::{olr_error_details, olr_status, Fail};
use super::version::OLR_MAX_INPUT_LEN;
use crate::envelope::{WrappingKey, WRAPPING_KEY_LEN};

const NULL: Fail = Fail::Status(olr_status::OLR_NULL_POINTER);

/// Borrows a handle passed as `const T *`.
pub(crate) fn handle<'a, T>(ptr: *const T) -> Result<&'a T, Fail> {
    // SAFETY: non-NULL handles come from `into_handle` and are live until their `_free` (C
    // contract); `&self` methods of the handle types are safe to call from many threads.
    unsafe { ptr.as_ref() }.ok_or(NULL)
}

/// Borrows a handle passed as `T *` for a mutating call.
pub(crate) fn handle_mut<'a, T>(ptr: *mut T) -> Result<&'a mut T, Fail> {
    // SAFETY: as `handle`, and the C contract gives this call exclusive use of the handle.
    unsafe { ptr.as_mut() }.ok_or(NULL)
}

/// Frees a handle made by `into_handle`; NULL is a no-op. Dropping wipes the secrets inside.
pub(crate) fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the pointer came from `Box::into_raw` in `into_handle` and is freed once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Input bytes: non-NULL (also for length 0) and at most `OLR_MAX_INPUT_LEN` long.
pub(crate) fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], Fail> {
    if ptr.is_null() {
        return Err(NULL);
    }
    if len > OLR_MAX_INPUT_LEN {
        return Err(Fail::Status(olr_status::OLR_INVALID_LENGTH));
    }
    // SAFETY: non-NULL, `len` is far below isize::MAX, and the caller promises `len` readable
    // bytes that stay unchanged during the call.
    Ok(unsafe { slice::from_raw_parts(ptr, len) })
}

/// Input text: as `bytes`, and valid UTF-8. Not NUL-terminated; a NUL byte is just a character.
pub(crate) fn text<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, Fail> {
    let bytes = bytes(ptr.cast::<u8>(), len)?;
    core::str::from_utf8(bytes).map_err(|_| Fail::Status(olr_status::OLR_INVALID_UTF8))
}

/// Input text as UTF-16 code units (a Windows `PWSTR` + length in code units, no NUL needed),
/// decoded into UTF-8 in a buffer that is wiped when dropped and never reallocated (its capacity
/// is reserved up front), so a password leaves no unwiped UTF-8 copy. Non-NULL (also for length
/// 0), at most `OLR_MAX_INPUT_LEN / 2` code units (`OLR_INVALID_LENGTH`), and well-formed: an
/// unpaired surrogate is `OLR_INVALID_UTF16`. The pointer need not be aligned.
pub(crate) fn text_utf16(ptr: *const u16, len: usize) -> Result<Zeroizing<String>, Fail> {
    if ptr.is_null() {
        return Err(NULL);
    }
    if len > OLR_MAX_INPUT_LEN / 2 {
        return Err(Fail::Status(olr_status::OLR_INVALID_LENGTH));
    }
    // One UTF-16 code unit never takes more than three bytes of UTF-8 (a surrogate pair, two
    // units, takes four).
    let mut out = Zeroizing::new(String::with_capacity(3 * len));
    let units = (0..len).map(|i| {
        // SAFETY: non-NULL, `len` is far below isize::MAX, and the caller promises `len`
        // readable code units that stay unchanged during the call; unaligned reads accept any
        // address.
        unsafe { ptr.add(i).read_unaligned() }
    });
    for c in char::decode_utf16(units) {
        out.push(c.map_err(|_| Fail::Status(olr_status::OLR_INVALID_UTF16))?);
    }
    Ok(out)
}

/// An optional wrapping key: NULL with length 0 means none; otherwise exactly
/// `OLR_WRAPPING_KEY_LEN` bytes, or `OLR_INVALID_KEY_MATERIAL` as in the Rust API. Copied into a
/// key that is wiped on drop.
pub(crate) fn wrapping_key(ptr: *const u8, len: usize) -> Result<Option<WrappingKey>, Fail> {
    if ptr.is_null() {
        return if len == 0 { Ok(None) } else { Err(NULL) };
    }
    if len > OLR_MAX_INPUT_LEN {
        return Err(Fail::Status(olr_status::OLR_INVALID_LENGTH));
    }
    if len != WRAPPING_KEY_LEN {
        return Err(crate::Error::InvalidKeyMaterial.into());
    }
    WrappingKey::from_bytes(bytes(ptr, len)?)
        .map(Some)
        .map_err(Fail::from)
}

/// A caller-owned output buffer with its capacity and length out-parameter. `out` may be NULL
/// only with capacity 0 (a size query); `out_len` must not be NULL. Nothing is written until
/// `write`. A text buffer (`OutBuf::text`) also gets a NUL after the text when there is room
/// for it (`cap > len`); `*out_len` never counts it (ABI 1.1).
pub(crate) struct OutBuf {
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
    nul_terminate: bool,
}

impl OutBuf {
    pub(crate) fn new(out: *mut u8, cap: usize, out_len: *mut usize) -> Result<Self, Fail> {
        if (out.is_null() && cap != 0) || out_len.is_null() {
            return Err(NULL);
        }
        Ok(OutBuf {
            out,
            cap,
            out_len,
            nul_terminate: false,
        })
    }

    /// A text output: as `new`, and `write` NUL-terminates when `cap > len`.
    pub(crate) fn text(out: *mut c_char, cap: usize, out_len: *mut usize) -> Result<Self, Fail> {
        let mut buf = Self::new(out.cast::<u8>(), cap, out_len)?;
        buf.nul_terminate = true;
        Ok(buf)
    }

    /// Copies `data` out and sets the length, or only sets the needed length and fails with
    /// `OLR_BUFFER_TOO_SMALL`.
    pub(crate) fn write(self, data: &[u8]) -> Result<(), Fail> {
        let fits = data.len() <= self.cap;
        // SAFETY: `out_len` was checked non-NULL; unaligned writes accept any address.
        unsafe { self.out_len.write_unaligned(data.len()) };
        if !fits {
            return Err(Fail::Status(olr_status::OLR_BUFFER_TOO_SMALL));
        }
        if !data.is_empty() {
            // SAFETY: `out` is non-NULL here (cap >= len > 0) and holds `cap` writable bytes
            // (C contract); `data` is Rust-owned, so the two cannot overlap.
            unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), self.out, data.len()) };
        }
        if self.nul_terminate && self.cap > data.len() {
            // SAFETY: `cap > len >= 0`, so `out` is non-NULL (checked in `new`) and byte `len`
            // is inside the `cap` writable bytes (C contract).
            unsafe { self.out.add(data.len()).write(0) };
        }
        Ok(())
    }

    /// As `write` for a buffer of `u16` values (`out` and `cap` count elements).
    pub(crate) fn new_u16(out: *mut u16, cap: usize, out_len: *mut usize) -> Result<Self, Fail> {
        Self::new(out.cast::<u8>(), cap, out_len)
    }

    pub(crate) fn write_u16(self, data: &[u16]) -> Result<(), Fail> {
        let fits = data.len() <= self.cap;
        // SAFETY: as in `write`.
        unsafe { self.out_len.write_unaligned(data.len()) };
        if !fits {
            return Err(Fail::Status(olr_status::OLR_BUFFER_TOO_SMALL));
        }
        let out = self.out.cast::<u16>();
        for (i, value) in data.iter().enumerate() {
            // SAFETY: `out` holds `cap >= data.len()` u16 slots (C contract); unaligned writes.
            unsafe { out.add(i).write_unaligned(*value) };
        }
        Ok(())
    }
}

/// A required scalar out-parameter, written only by `write`.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    pub(crate) fn new(ptr: *mut T) -> Result<Self, Fail> {
        if ptr.is_null() {
            return Err(NULL);
        }
        Ok(Out(ptr))
    }

    pub(crate) fn write(self, value: T) {
        // SAFETY: checked non-NULL; the caller promises room for a `T`; any alignment accepted.
        unsafe { self.0.write_unaligned(value) };
    }
}

/// An optional out-parameter (NULL: not wanted).
pub(crate) struct OptionalOut<T>(*mut T);

impl<T> OptionalOut<T> {
    pub(crate) fn new(ptr: *mut T) -> Self {
        OptionalOut(ptr)
    }

    pub(crate) fn write(self, value: T) {
        if !self.0.is_null() {
            // SAFETY: as `Out::write`.
            unsafe { self.0.write_unaligned(value) };
        }
    }
}

/// Moves a value into a new handle for `T **out` (only on success: call it last).
pub(crate) fn into_handle<T>(out: Out<*mut T>, value: T) {
    out.write(Box::into_raw(Box::new(value)));
}

/// The `olr_error_details *details` parameter: written once, after the body has read every
/// input (all zero on success), so a details struct that overlaps an input cannot change the
/// result.
pub(crate) struct Details(OptionalOut<olr_error_details>);

impl Details {
    pub(crate) fn new(ptr: *mut olr_error_details) -> Self {
        Details(OptionalOut::new(ptr))
    }

    /// Runs `body`, then writes the details of its failure (or zeros).
    pub(crate) fn record(self, body: impl FnOnce() -> Result<(), Fail>) -> Result<(), Fail> {
        let result = body();
        self.0.write(olr_error_details::of(result.err()));
        result
    }
}

/// Secret bytes (plain exports) leave through here and are wiped afterwards.
pub(crate) fn write_secret(out: OutBuf, data: Zeroizing<Vec<u8>>) -> Result<(), Fail> {
    out.write(&data)
}

/// Reads a static C string returned by this library (tests only).
#[cfg(test)]
pub(crate) fn static_c_str(ptr: *const c_char) -> Option<&'static core::ffi::CStr> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the library returns pointers to NUL-terminated statics.
    Some(unsafe { core::ffi::CStr::from_ptr(ptr) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text outputs get a NUL after the text only when the buffer has room; `out_len` never
    /// counts it; byte outputs never get one; a too-small buffer is left untouched.
    #[test]
    fn text_outputs_are_nul_terminated_when_there_is_room() {
        let mut len = 0usize;
        for (cap, nul_at) in [(3usize, None), (4, Some(3)), (6, Some(3))] {
            let mut buf = [0xAAu8; 6];
            let out = OutBuf::text(buf.as_mut_ptr().cast::<c_char>(), cap, &mut len).unwrap();
            out.write(b"abc").unwrap();
            assert_eq!(len, 3);
            assert_eq!(&buf[..3], b"abc");
            match nul_at {
                Some(i) => assert_eq!(buf[i], 0, "cap {cap}"),
                None => assert_eq!(buf[3], 0xAA, "cap {cap}"),
            }
            assert!(
                buf[4..].iter().all(|&b| b == 0xAA),
                "cap {cap}: wrote past the NUL"
            );
        }
        let mut buf = [0xAAu8; 6];
        let out = OutBuf::new(buf.as_mut_ptr(), 6, &mut len).unwrap();
        out.write(b"abc").unwrap();
        assert_eq!(buf[3], 0xAA, "byte outputs are not NUL-terminated");
        let mut buf = [0xAAu8; 2];
        let out = OutBuf::text(buf.as_mut_ptr().cast::<c_char>(), 2, &mut len).unwrap();
        assert_eq!(
            out.write(b"abc"),
            Err(Fail::Status(olr_status::OLR_BUFFER_TOO_SMALL))
        );
        assert_eq!((len, buf), (3, [0xAA; 2]));
        // An empty text into a one-byte buffer is just the NUL.
        let mut buf = [0xAAu8; 1];
        let out = OutBuf::text(buf.as_mut_ptr().cast::<c_char>(), 1, &mut len).unwrap();
        out.write(b"").unwrap();
        assert_eq!((len, buf), (0, [0]));
    }
}
