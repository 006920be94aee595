//! The C entry points that take buffers, called exactly as C would call them (pointer plus
//! length, caller-owned output buffers with a capacity, NULL pointers, invalid UTF-8), checked
//! against the Rust API on the same input: the same status, the same output bytes, the same
//! error details, and the C conventions of `docs/C_API.md`: an output buffer is written only on
//! success and never past its capacity, `OLR_BUFFER_TOO_SMALL` writes only the needed length,
//! a failed call writes no other output, `details` is zero on success.
//!
//! Input: byte 0 picks the entry point; byte 1 flags (bit 0: `details` NULL; bits 1-3: which
//! input pointer to pass as NULL, 0 for none; bit 4: output pointer NULL with capacity 0, a size
//! query; bit 5: `accepted` NULL); byte 2 the output capacity; byte 3 the wrapping-key choice;
//! bytes 4..12 the time (i64, big-endian); then up to five input fields separated by 0xFF (raw
//! bytes: they may be invalid UTF-8; the fifth, the account SID, takes the rest, so it may hold
//! 0xFF), or for the three imports the whole rest as the object (the replay-ledger import takes
//! the time modulo 64 as its minimum generation).
//!
//! Entry points (byte 0 modulo 16): 0 identification code check, 1 reset code check, 2 default
//! offline domain, 3 account check, 4 deployment package check, 5 diagnostics open, 6 seal,
//! 7 machine import, 8 key ring import, 9 is enrolled with, 10 machine export, 11 identification
//! code, 12 redeem (against a new ledger; the ledger's counts and generation are compared too),
//! 13 replay ledger import (for machine A), 14 redeploy, 15 package fingerprint.
#![no_main]

use core::ffi::c_char;
use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use offline_reset::ffi::{
    olr_accepted_reset, olr_account_check, olr_default_offline_domain,
    olr_deployment_package_check, olr_deployment_package_fingerprint, olr_error_details,
    olr_identification_code_check, olr_machine, olr_machine_epoch, olr_machine_export,
    olr_machine_free, olr_machine_identification_code, olr_machine_import,
    olr_machine_is_enrolled_with, olr_machine_open_reset_code_for_diagnostics,
    olr_machine_redeem_reset_code, olr_machine_redeploy, olr_replay_ledger,
    olr_replay_ledger_counts, olr_replay_ledger_free, olr_replay_ledger_generation,
    olr_replay_ledger_import, olr_replay_ledger_new, olr_reset_code_check, olr_server_key_ring,
    olr_server_key_ring_free, olr_server_key_ring_import, olr_server_key_ring_seal_reset_code,
    olr_status,
};
use offline_reset::{
    default_offline_domain, Account, DeploymentPackage, Error, IdentificationCode, Machine,
    ReplayLedger, ResetCode, ServerKeyRing, WrappingKey,
};
use offline_reset_fuzz::{fixtures, FIELD_SEPARATOR};

const HEADER_LEN: usize = 12;
const ENTRIES: u8 = 16;
/// The field holding the account SID (binary).
const SID: usize = 4;

/// The counts and generation of a ledger handle.
fn ledger_state(ledger: *const olr_replay_ledger) -> (usize, usize, u64) {
    let (mut accounts, mut codes, mut generation) = (UNSET, UNSET, u64::MAX);
    assert_eq!(
        olr_replay_ledger_counts(ledger, &mut accounts, &mut codes),
        olr_status::OLR_OK
    );
    assert_eq!(
        olr_replay_ledger_generation(ledger, &mut generation),
        olr_status::OLR_OK
    );
    (accounts, codes, generation)
}

fn rust_ledger_state(ledger: &ReplayLedger) -> (usize, usize, u64) {
    (
        ledger.account_count(),
        ledger.code_count(),
        ledger.generation(),
    )
}

fn identification_code(machine: *const olr_machine) -> Vec<u8> {
    let mut id = [0u8; 71];
    let mut len = 0usize;
    let s = olr_machine_identification_code(machine, id.as_mut_ptr().cast(), id.len(), &mut len);
    assert_eq!(s, olr_status::OLR_OK);
    id[..len].to_vec()
}
const GUARD: u8 = 0xA5;
const UNSET: usize = usize::MAX;

/// Handles made once through the C API itself (imports of the fixtures' exports).
struct Handles {
    ring: *mut olr_server_key_ring,
    machine: *mut olr_machine,
}

impl Drop for Handles {
    fn drop(&mut self) {
        olr_server_key_ring_free(self.ring);
        olr_machine_free(self.machine);
    }
}

thread_local! {
    static HANDLES: RefCell<Option<Handles>> = const { RefCell::new(None) };
}

fn handles() -> (*const olr_server_key_ring, *const olr_machine) {
    HANDLES.with(|cell| {
        let mut cell = cell.borrow_mut();
        let h = cell.get_or_insert_with(|| {
            let f = fixtures();
            let ring_bytes = f.rings[0].export(None).expect("export");
            let machine_bytes = f.machines_a[0].export(None).expect("export");
            let mut ring = core::ptr::null_mut();
            let mut machine = core::ptr::null_mut();
            let null = core::ptr::null_mut();
            let s = olr_server_key_ring_import(
                ring_bytes.as_ptr(),
                ring_bytes.len(),
                core::ptr::null(),
                0,
                &mut ring,
                null,
            );
            assert_eq!(s, olr_status::OLR_OK);
            let s = olr_machine_import(
                machine_bytes.as_ptr(),
                machine_bytes.len(),
                core::ptr::null(),
                0,
                &mut machine,
                null,
            );
            assert_eq!(s, olr_status::OLR_OK);
            Handles { ring, machine }
        });
        (h.ring.cast_const(), h.machine.cast_const())
    })
}

/// Raw input fields (0xFF-separated), the last taking the rest.
fn raw_fields<const N: usize>(mut rest: &[u8]) -> [&[u8]; N] {
    let mut out: [&[u8]; N] = [&[]; N];
    for (i, slot) in out.iter_mut().enumerate() {
        if i + 1 == N {
            *slot = rest;
            break;
        }
        match rest.iter().position(|&b| b == FIELD_SEPARATOR) {
            Some(at) => {
                *slot = &rest[..at];
                rest = &rest[at + 1..];
            }
            None => {
                *slot = rest;
                rest = &[];
            }
        }
    }
    out
}

/// One input as C passes it: pointer and length (NULL keeps the length).
struct Arg<'a> {
    bytes: &'a [u8],
    null: bool,
}

impl Arg<'_> {
    fn ptr(&self) -> *const c_char {
        if self.null {
            core::ptr::null()
        } else {
            self.bytes.as_ptr().cast()
        }
    }
    fn ptr_u8(&self) -> *const u8 {
        self.ptr().cast()
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
    fn text(&self) -> Option<&str> {
        core::str::from_utf8(self.bytes).ok()
    }
}

/// A caller-owned output buffer with guard bytes after its capacity.
struct OutBuffer {
    buf: Vec<u8>,
    cap: usize,
    len: usize,
    null: bool,
}

impl OutBuffer {
    fn new(cap: usize, null: bool) -> Self {
        let cap = if null { 0 } else { cap };
        OutBuffer {
            buf: vec![GUARD; cap + 16],
            cap,
            len: UNSET,
            null,
        }
    }
    fn ptr(&mut self) -> *mut c_char {
        if self.null {
            core::ptr::null_mut()
        } else {
            self.buf.as_mut_ptr().cast()
        }
    }
    fn ptr_u8(&mut self) -> *mut u8 {
        self.ptr().cast()
    }
    fn untouched(&self) -> bool {
        self.buf.iter().all(|&b| b == GUARD)
    }
    /// Checks the buffer conventions given the status and, on the library's success, the bytes
    /// the Rust API produced.
    fn check(&self, status: olr_status, expected: Option<&[u8]>) {
        match status {
            olr_status::OLR_OK => {
                let data = expected.expect("OK only when the Rust API succeeds");
                assert_eq!(self.len, data.len());
                assert!(data.len() <= self.cap);
                assert_eq!(&self.buf[..data.len()], data);
                // Text outputs get a NUL after the text when the buffer has room (ABI 1.1);
                // binary outputs get nothing. Either way nothing else past the data is written.
                // (tests/c/negative.c checks which outputs are text, function by function.)
                let rest = &self.buf[data.len()..];
                let after = if data.len() < self.cap && rest[0] == 0 {
                    &rest[1..]
                } else {
                    rest
                };
                assert!(after.iter().all(|&b| b == GUARD));
            }
            olr_status::OLR_BUFFER_TOO_SMALL => {
                let data = expected.expect("too small only when there is output");
                assert_eq!(self.len, data.len(), "needed length");
                assert!(data.len() > self.cap);
                assert!(self.untouched(), "written although too small");
            }
            _ => {
                assert_eq!(self.len, UNSET, "length written on failure");
                assert!(self.untouched(), "buffer written on failure");
            }
        }
    }
}

/// The status the C API must return for a call whose pointers were valid, given the Rust API's
/// result and the bytes it would write.
fn expected_status(result: &Result<Option<Vec<u8>>, Error>, out: Option<&OutBuffer>) -> olr_status {
    match result {
        Err(e) => olr_status::from(*e),
        Ok(Some(data)) if out.is_some_and(|o| data.len() > o.cap) => {
            olr_status::OLR_BUFFER_TOO_SMALL
        }
        Ok(_) => olr_status::OLR_OK,
    }
}

fn expected_details(
    status: olr_status,
    result: &Result<Option<Vec<u8>>, Error>,
) -> olr_error_details {
    let mut d = olr_error_details::default();
    if let (Err(e), true) = (result, status != olr_status::OLR_OK) {
        match *e {
            Error::Mistyped { group } => d.mistyped_group = group.unwrap_or(0),
            Error::UnsupportedVersion { found } => d.found_version = found,
            Error::KeyRotated {
                code_epoch,
                current_epoch,
            } => {
                d.code_epoch = code_epoch;
                d.current_epoch = current_epoch;
            }
            Error::CodeBeforeRotation {
                code_epoch,
                machine_epoch,
            }
            | Error::RedeployNeeded {
                code_epoch,
                machine_epoch,
            } => {
                d.code_epoch = code_epoch;
                d.current_epoch = machine_epoch;
            }
            _ => {}
        }
    }
    d
}

fuzz_target!(|data: &[u8]| {
    let mut header = [0u8; HEADER_LEN];
    let head = data.len().min(HEADER_LEN);
    header[..head].copy_from_slice(&data[..head]);
    let [entry, flags, cap, key_choice] = [header[0], header[1], header[2], header[3]];
    let now = i64::from_be_bytes(header[4..12].try_into().expect("8 bytes"));
    // Stored objects are binary (they may hold 0xFF): for the imports the whole rest is one field.
    let entry = entry % ENTRIES;
    let fields = if matches!(entry, 7 | 8 | 13) {
        [&data[head..], &[][..], &[][..], &[][..], &[][..]]
    } else {
        raw_fields::<5>(&data[head..])
    };
    let null_field = usize::from((flags >> 1) & 7);
    let args: Vec<Arg<'_>> = fields
        .iter()
        .enumerate()
        .map(|(i, bytes)| Arg {
            bytes,
            null: null_field == i + 1,
        })
        .collect();
    let details_null = flags & 1 != 0;
    let size_query = flags & 0x10 != 0;
    let accepted_null = flags & 0x20 != 0;
    let mut details = olr_error_details {
        reserved: [0x5A; 10],
        ..Default::default()
    };
    let details_ptr: *mut olr_error_details = if details_null {
        core::ptr::null_mut()
    } else {
        &mut details
    };
    let f = fixtures();
    let (ring, machine) = handles();

    // The wrapping key for imports and exports: none, the fixtures' key, another, or raw input.
    let fixture_key = f.wrapping_bytes;
    let other_key = [0x42u8; 64];
    let key_bytes: Option<&[u8]> = match key_choice % 4 {
        0 => None,
        1 => Some(&fixture_key),
        2 => Some(&other_key),
        _ => Some(fields[3]),
    };
    let (key_ptr, key_len) = key_bytes.map_or((core::ptr::null(), 0), |k| (k.as_ptr(), k.len()));
    let rust_key = || -> Result<Option<WrappingKey>, Error> {
        key_bytes.map(WrappingKey::from_bytes).transpose()
    };

    // Which inputs each entry point reads, and which of them are text.
    let (used, texts): (&[usize], &[usize]) = match entry {
        0 | 1 | 2 | 4 | 9 | 14 | 15 => (&[0], &[0]),
        3 => (&[0, 1, SID], &[0, 1]),
        5 | 6 | 12 => (&[0, 1, 2, 3, SID], &[0, 1, 2, 3]),
        7 | 8 | 13 => (&[0], &[]),
        _ => (&[], &[]),
    };
    let any_null = used.iter().any(|&i| args[i].null);
    // Entry points taking a deployment package read its raw bytes: UTF-16 is named first
    // (OLR_UTF16_TEXT, even when the bytes are not UTF-8), then ill-formed UTF-8.
    let package_bytes = |a: &Arg| DeploymentPackage::from_bytes(a.bytes);
    let utf16 = matches!(entry, 4 | 9 | 14 | 15)
        && !args[0].null
        && package_bytes(&args[0]) == Err(Error::Utf16Text);
    let any_bad_utf8 = !utf16 && texts.iter().any(|&i| args[i].text().is_none());
    let sid = args[SID].bytes;
    let text = |i: usize| args[i].text().unwrap_or_default();
    let mut out = OutBuffer::new(usize::from(cap), size_query);

    let (status, expected): (olr_status, Result<Option<Vec<u8>>, Error>) = match entry {
        0 => (
            olr_identification_code_check(
                args[0].ptr(),
                args[0].len(),
                out.ptr(),
                out.cap,
                &mut out.len,
                details_ptr,
            ),
            IdentificationCode::parse(text(0)).map(|c| Some(c.as_str().as_bytes().to_vec())),
        ),
        1 => (
            olr_reset_code_check(
                args[0].ptr(),
                args[0].len(),
                out.ptr(),
                out.cap,
                &mut out.len,
                details_ptr,
            ),
            ResetCode::parse(text(0)).map(|c| Some(c.as_str().as_bytes().to_vec())),
        ),
        2 => (
            olr_default_offline_domain(
                args[0].ptr(),
                args[0].len(),
                out.ptr(),
                out.cap,
                &mut out.len,
            ),
            default_offline_domain(text(0)).map(|d| Some(d.into_bytes())),
        ),
        3 => (
            olr_account_check(
                args[0].ptr(),
                args[0].len(),
                args[1].ptr(),
                args[1].len(),
                args[SID].ptr_u8(),
                args[SID].len(),
            ),
            Account::new(text(0), text(1), sid).map(|_| None),
        ),
        4 => {
            let (mut epoch, mut lifetime, mut skew) = (0xEEEEu16, 0xEEEEu16, 0xEEEEu16);
            let status = olr_deployment_package_check(
                args[0].ptr(),
                args[0].len(),
                &mut epoch,
                &mut lifetime,
                &mut skew,
                details_ptr,
            );
            let expected = package_bytes(&args[0]);
            match (&expected, status) {
                (Ok(p), olr_status::OLR_OK) => {
                    assert_eq!(epoch, p.epoch());
                    assert_eq!(lifetime, p.policy().reset_code_lifetime_minutes());
                    assert_eq!(skew, p.policy().clock_skew_minutes());
                }
                _ => assert_eq!((epoch, lifetime, skew), (0xEEEE, 0xEEEE, 0xEEEE)),
            }
            (status, expected.map(|_| None))
        }
        5 => {
            let mut accepted = olr_accepted_reset {
                issued_at: 7,
                expires_at: 7,
            };
            let accepted_ptr: *mut olr_accepted_reset = if accepted_null {
                core::ptr::null_mut()
            } else {
                &mut accepted
            };
            let status = olr_machine_open_reset_code_for_diagnostics(
                machine,
                args[0].ptr(),
                args[0].len(),
                args[1].ptr(),
                args[1].len(),
                args[2].ptr(),
                args[2].len(),
                args[SID].ptr_u8(),
                args[SID].len(),
                args[3].ptr(),
                args[3].len(),
                now,
                accepted_ptr,
                details_ptr,
            );
            let expected = ResetCode::parse(text(0)).and_then(|code| {
                let account = Account::new(text(1), text(2), sid)?;
                f.machines_a[0].open_reset_code_for_diagnostics(&code, &account, text(3), now)
            });
            match (&expected, status, accepted_null) {
                (Ok(r), olr_status::OLR_OK, false) => {
                    assert_eq!(
                        (accepted.issued_at, accepted.expires_at),
                        (r.issued_at, r.expires_at)
                    )
                }
                _ => assert_eq!((accepted.issued_at, accepted.expires_at), (7, 7)),
            }
            (status, expected.map(|_| None))
        }
        6 => (
            olr_server_key_ring_seal_reset_code(
                ring,
                args[0].ptr(),
                args[0].len(),
                args[1].ptr(),
                args[1].len(),
                args[2].ptr(),
                args[2].len(),
                args[SID].ptr_u8(),
                args[SID].len(),
                args[3].ptr(),
                args[3].len(),
                now,
                out.ptr(),
                out.cap,
                &mut out.len,
                details_ptr,
            ),
            IdentificationCode::parse(text(0)).and_then(|id| {
                let account = Account::new(text(1), text(2), sid)?;
                let code = f.rings[0].seal_reset_code(&id, &account, text(3), now)?;
                Ok(Some(code.as_str().as_bytes().to_vec()))
            }),
        ),
        7 => {
            let mut handle: *mut olr_machine = core::ptr::null_mut();
            let status = olr_machine_import(
                args[0].ptr_u8(),
                args[0].len(),
                key_ptr,
                key_len,
                &mut handle,
                details_ptr,
            );
            let expected = rust_key().and_then(|k| Machine::import(args[0].bytes, k.as_ref()));
            assert_eq!(status == olr_status::OLR_OK, !handle.is_null());
            if let (Ok(m), false) = (&expected, handle.is_null()) {
                // The handle holds the same machine: it shows the same identification code.
                assert_eq!(
                    identification_code(handle),
                    m.identification_code().as_str().as_bytes()
                );
            }
            olr_machine_free(handle);
            (status, expected.map(|_| None))
        }
        8 => {
            let mut handle: *mut olr_server_key_ring = core::ptr::null_mut();
            let status = olr_server_key_ring_import(
                args[0].ptr_u8(),
                args[0].len(),
                key_ptr,
                key_len,
                &mut handle,
                details_ptr,
            );
            let expected =
                rust_key().and_then(|k| ServerKeyRing::import(args[0].bytes, k.as_ref()));
            assert_eq!(status == olr_status::OLR_OK, !handle.is_null());
            olr_server_key_ring_free(handle);
            (status, expected.map(|_| None))
        }
        9 => {
            let mut enrolled = 2u8;
            let enrolled_ptr: *mut bool = (&mut enrolled as *mut u8).cast();
            let status = olr_machine_is_enrolled_with(
                machine,
                args[0].ptr(),
                args[0].len(),
                enrolled_ptr,
                details_ptr,
            );
            let expected = package_bytes(&args[0]).map(|p| f.machines_a[0].is_enrolled_with(&p));
            match (&expected, status) {
                (Ok(e), olr_status::OLR_OK) => assert_eq!(enrolled, u8::from(*e)),
                _ => assert_eq!(enrolled, 2),
            }
            (status, expected.map(|_| None))
        }
        10 => (
            olr_machine_export(
                machine,
                key_ptr,
                key_len,
                out.ptr_u8(),
                out.cap,
                &mut out.len,
            ),
            rust_key().and_then(|k| f.machines_a[0].export(k.as_ref()).map(|v| Some(v.to_vec()))),
        ),
        11 => (
            olr_machine_identification_code(machine, out.ptr(), out.cap, &mut out.len),
            Ok(Some(f.id_a.as_str().as_bytes().to_vec())),
        ),
        12 => {
            let mut accepted = olr_accepted_reset {
                issued_at: 7,
                expires_at: 7,
            };
            let accepted_ptr: *mut olr_accepted_reset = if accepted_null {
                core::ptr::null_mut()
            } else {
                &mut accepted
            };
            let mut ledger: *mut olr_replay_ledger = core::ptr::null_mut();
            assert_eq!(
                olr_replay_ledger_new(machine, &mut ledger),
                olr_status::OLR_OK
            );
            let status = olr_machine_redeem_reset_code(
                machine,
                ledger,
                args[0].ptr(),
                args[0].len(),
                args[1].ptr(),
                args[1].len(),
                args[2].ptr(),
                args[2].len(),
                args[SID].ptr_u8(),
                args[SID].len(),
                args[3].ptr(),
                args[3].len(),
                now,
                accepted_ptr,
                details_ptr,
            );
            let mut rust_ledger = ReplayLedger::new(&f.machines_a[0]);
            let expected = ResetCode::parse(text(0)).and_then(|code| {
                let account = Account::new(text(1), text(2), sid)?;
                f.machines_a[0].redeem_reset_code(&mut rust_ledger, &code, &account, text(3), now)
            });
            match (&expected, status, accepted_null) {
                (Ok(r), olr_status::OLR_OK, false) => {
                    assert_eq!(
                        (accepted.issued_at, accepted.expires_at),
                        (r.issued_at, r.expires_at)
                    )
                }
                _ => assert_eq!((accepted.issued_at, accepted.expires_at), (7, 7)),
            }
            // The C ledger changed exactly as the Rust one (unchanged after an input refusal).
            let c_state = ledger_state(ledger);
            if any_null || any_bad_utf8 {
                assert_eq!(c_state, (0, 0, 0));
            } else {
                assert_eq!(c_state, rust_ledger_state(&rust_ledger));
            }
            olr_replay_ledger_free(ledger);
            (status, expected.map(|_| None))
        }
        13 => {
            let minimum = now.rem_euclid(64) as u64;
            let mut handle: *mut olr_replay_ledger = core::ptr::null_mut();
            let status = olr_replay_ledger_import(
                args[0].ptr_u8(),
                args[0].len(),
                key_ptr,
                key_len,
                machine,
                minimum,
                &mut handle,
                details_ptr,
            );
            let expected = rust_key().and_then(|k| {
                ReplayLedger::import(args[0].bytes, k.as_ref(), &f.machines_a[0], minimum)
            });
            assert_eq!(status == olr_status::OLR_OK, !handle.is_null());
            if let (Ok(l), false) = (&expected, handle.is_null()) {
                assert_eq!(ledger_state(handle), rust_ledger_state(l));
            }
            olr_replay_ledger_free(handle);
            (status, expected.map(|_| None))
        }
        14 => {
            let mut handle: *mut olr_machine = core::ptr::null_mut();
            let status = olr_machine_redeploy(
                machine,
                args[0].ptr(),
                args[0].len(),
                &mut handle,
                details_ptr,
            );
            let expected = package_bytes(&args[0])
                .and_then(|p| f.machines_a[0].redeploy_with_secret(&p, &f.machine_a_secret));
            assert_eq!(status == olr_status::OLR_OK, !handle.is_null());
            if let (Ok(m), false) = (&expected, handle.is_null()) {
                let mut epoch = 0u16;
                assert_eq!(olr_machine_epoch(handle, &mut epoch), olr_status::OLR_OK);
                assert_eq!(epoch, m.epoch());
                // Same epoch: same key, same identification code (a newer one draws a key).
                if m.epoch() == f.machines_a[0].epoch() {
                    assert_eq!(
                        identification_code(handle),
                        m.identification_code().as_str().as_bytes()
                    );
                }
            }
            olr_machine_free(handle);
            (status, expected.map(|_| None))
        }
        _ => (
            olr_deployment_package_fingerprint(
                args[0].ptr(),
                args[0].len(),
                out.ptr(),
                out.cap,
                &mut out.len,
                details_ptr,
            ),
            package_bytes(&args[0]).map(|p| Some(p.fingerprint().into_bytes())),
        ),
    };

    let has_out = matches!(entry, 0 | 1 | 2 | 6 | 10 | 11 | 15);
    if any_null {
        assert!(
            status == olr_status::OLR_NULL_POINTER
                || (any_bad_utf8 && status == olr_status::OLR_INVALID_UTF8),
            "NULL input gave {status:?}"
        );
        if has_out {
            out.check(status, None);
        }
    } else if any_bad_utf8 {
        assert_eq!(status, olr_status::OLR_INVALID_UTF8);
        if has_out {
            out.check(status, None);
        }
    } else {
        let want = expected_status(&expected, has_out.then_some(&out));
        assert_eq!(status, want, "C and Rust disagree ({expected:?})");
        if has_out {
            out.check(status, expected.as_ref().ok().and_then(|o| o.as_deref()));
        }
    }
    if !details_null && matches!(entry, 0 | 1 | 4 | 5 | 6 | 7 | 8 | 9 | 12 | 13 | 14 | 15) {
        let want = if any_null || any_bad_utf8 {
            olr_error_details::default()
        } else {
            expected_details(status, &expected)
        };
        assert_eq!(details, want, "details for {status:?}");
    }
});
