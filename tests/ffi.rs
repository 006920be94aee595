//! The C ABI called from Rust: the whole flow, error details, buffers, and two threads sharing
//! `const` handles. (The C programs in tests/c cover NULLs, lengths and tampering exhaustively.)

use core::ffi::c_char;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::OnceLock;

use offline_reset::ffi::*;

#[path = "support/sid.rs"]
mod sid;
use sid::VECTOR_SID;

#[path = "support/miri_fixture.rs"]
mod miri_fixture;
use miri_fixture::NOW;

const PASSWORD: &str = miri_fixture::ALICE.2;

fn c(text: &str) -> *const c_char {
    text.as_ptr().cast()
}

/// Calls an output function with a buffer of `cap` bytes; returns the status and the output.
fn text_out(
    cap: usize,
    f: impl FnOnce(*mut c_char, usize, *mut usize) -> olr_status,
) -> (olr_status, String) {
    let mut buf = vec![0u8; cap];
    let mut len = usize::MAX;
    let status = f(buf.as_mut_ptr().cast(), cap, &mut len);
    if status == olr_status::OLR_OK {
        buf.truncate(len);
        (status, String::from_utf8(buf).unwrap())
    } else {
        (status, String::new())
    }
}

struct Setup {
    ring: *mut olr_server_key_ring,
    machine: *mut olr_machine,
    id: String,
}

impl Drop for Setup {
    fn drop(&mut self) {
        olr_machine_free(self.machine);
        olr_server_key_ring_free(self.ring);
    }
}

/// A ring at the cheapest password cost (every seal and open runs one Argon2id).
fn quick_ring(lifetime: u16, skew: u16) -> *mut olr_server_key_ring {
    let mut ring = null_mut();
    assert_eq!(
        olr_server_key_ring_generate_with_password_cost(
            lifetime,
            skew,
            // The library's floor: the protocol's, or the cheap one of Miri builds.
            offline_reset::MIN_PASSWORD_MEMORY_KIB,
            offline_reset::MIN_PASSWORD_ITERATIONS,
            1,
            &mut ring
        ),
        olr_status::OLR_OK
    );
    ring
}

fn enroll(ring: *const olr_server_key_ring) -> (*mut olr_machine, String) {
    let (status, package) = text_out(OLR_DEPLOYMENT_PACKAGE_TEXT_LEN, |o, cap, len| {
        olr_server_key_ring_deployment_package(ring, o, cap, len)
    });
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(package.len(), OLR_DEPLOYMENT_PACKAGE_TEXT_LEN);
    let mut machine = null_mut();
    let mut details = olr_error_details::default();
    assert_eq!(
        olr_machine_enroll(c(&package), package.len(), &mut machine, &mut details),
        olr_status::OLR_OK
    );
    let (status, id) = text_out(OLR_IDENTIFICATION_CODE_TEXT_LEN, |o, cap, len| {
        olr_machine_identification_code(machine, o, cap, len)
    });
    assert_eq!(status, olr_status::OLR_OK);
    (machine, id)
}

fn cost_of(f: impl FnOnce(*mut u32, *mut u32, *mut u32) -> olr_status) -> (u32, u32, u32) {
    let (mut m, mut t, mut p) = (0u32, 0u32, 0u32);
    assert_eq!(f(&mut m, &mut t, &mut p), olr_status::OLR_OK);
    (m, t, p)
}

/// A ring and a machine of its own, for a test that changes them.
fn setup() -> Setup {
    let ring = quick_ring(60, 5);
    let (machine, id) = enroll(ring);
    Setup { ring, machine, id }
}

/// A ring and a machine made once per test binary and shared by the tests that only read them
/// (`const` handles may be used from any thread): a generation and an enrollment are several
/// P-256 scalar multiplications, minutes under Miri, where they are imported from
/// tests/support/miri_fixture.rs instead. Never freed (the `_free` functions are exercised by
/// [`setup`]'s tests and tests/ffi_ledger.rs); raw pointers are not `Sync`, so the handles sit
/// in atomic pointers, which keep their provenance.
struct Shared {
    ring: AtomicPtr<olr_server_key_ring>,
    machine: AtomicPtr<olr_machine>,
    id: String,
}

impl Shared {
    fn ring(&self) -> *const olr_server_key_ring {
        self.ring.load(Ordering::Relaxed)
    }

    fn machine(&self) -> *const olr_machine {
        self.machine.load(Ordering::Relaxed)
    }
}

/// The ring and machine of tests/support/miri_fixture.rs, imported through C.
fn imported_fixture() -> (*mut olr_server_key_ring, *mut olr_machine, String) {
    let ring_bytes = miri_fixture::bytes(miri_fixture::RING_HEX);
    let mut ring = null_mut();
    let status = olr_server_key_ring_import(
        ring_bytes.as_ptr(),
        ring_bytes.len(),
        null(),
        0,
        &mut ring,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_OK, "{}", miri_fixture::STALE);
    let machine = miri_fixture::import_machine(&miri_fixture::bytes(miri_fixture::MACHINE_HEX));
    (ring, machine, miri_fixture::IDENTIFICATION_CODE.to_owned())
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let (ring, machine, id) = if cfg!(miri) {
            imported_fixture()
        } else {
            let ring = quick_ring(60, 5);
            let (machine, id) = enroll(ring);
            (ring, machine, id)
        };
        Shared {
            ring: AtomicPtr::new(ring),
            machine: AtomicPtr::new(machine),
            id,
        }
    })
}

fn seal(
    ring: *const olr_server_key_ring,
    id: &str,
    user: &str,
    domain: &str,
    now: i64,
    details: &mut olr_error_details,
) -> (olr_status, String) {
    text_out(OLR_RESET_CODE_TEXT_LEN, |o, cap, len| {
        olr_server_key_ring_seal_reset_code(
            ring,
            c(id),
            id.len(),
            c(user),
            user.len(),
            c(domain),
            domain.len(),
            VECTOR_SID.as_ptr(),
            VECTOR_SID.len(),
            c(PASSWORD),
            PASSWORD.len(),
            now,
            o,
            cap,
            len,
            details,
        )
    })
}

fn open(
    machine: *const olr_machine,
    code: &str,
    user: &str,
    password: &str,
    now: i64,
    accepted: *mut olr_accepted_reset,
    details: *mut olr_error_details,
) -> olr_status {
    let domain = "corp";
    olr_machine_open_reset_code_for_diagnostics(
        machine,
        c(code),
        code.len(),
        c(user),
        user.len(),
        c(domain),
        domain.len(),
        VECTOR_SID.as_ptr(),
        VECTOR_SID.len(),
        c(password),
        password.len(),
        now,
        accepted,
        details,
    )
}

#[test]
fn whole_reset_through_the_c_abi() {
    let s = shared();
    let mut details = olr_error_details::default();
    let (status, code) = seal(
        s.ring(),
        &s.id.to_lowercase(),
        "alice",
        "CORP",
        NOW,
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(code.len(), OLR_RESET_CODE_TEXT_LEN);
    let mut accepted = olr_accepted_reset::default();
    let status = open(
        s.machine(),
        &code,
        "ALICE",
        PASSWORD,
        NOW + 60,
        &mut accepted,
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(details, olr_error_details::default());
    assert_eq!(accepted.expires_at - accepted.issued_at, 60 * 60);
    assert_eq!(
        open(
            s.machine(),
            &code,
            "alice",
            "wrong",
            NOW,
            null_mut(),
            null_mut()
        ),
        olr_status::OLR_REJECTED
    );
    assert_eq!(
        open(
            s.machine(),
            &code,
            "alice",
            PASSWORD,
            NOW + 2 * 3600,
            null_mut(),
            null_mut()
        ),
        olr_status::OLR_EXPIRED
    );
}

#[test]
fn mistyped_group_and_rotation_details() {
    let mut s = setup();
    let mut typo: Vec<u8> = s.id.clone().into_bytes();
    // Group 3 is text positions 18..=25: swap the first two neighbours that differ (swapping
    // equal symbols would change nothing).
    let at = (18..25).find(|&i| typo[i] != typo[i + 1]).unwrap();
    typo.swap(at, at + 1);
    let typo = String::from_utf8(typo).unwrap();
    let mut details = olr_error_details::default();
    let (status, _) = text_out(OLR_IDENTIFICATION_CODE_TEXT_LEN, |o, cap, len| {
        olr_identification_code_check(c(&typo), typo.len(), o, cap, len, &mut details)
    });
    assert_eq!(status, olr_status::OLR_MISTYPED);
    assert_eq!(details.mistyped_group, 3);
    let (status, _) = seal(s.ring, &typo, "alice", "corp", NOW, &mut details);
    assert_eq!(status, olr_status::OLR_MISTYPED);
    assert_eq!(details.mistyped_group, 3);

    // A grace period keeps the retired generation sealing for a while after rotation.
    assert_eq!(
        olr_server_key_ring_set_retired_grace_seconds(s.ring, 600),
        olr_status::OLR_OK
    );
    let mut epoch = 0u16;
    assert_eq!(
        olr_server_key_ring_rotate(s.ring, NOW, &mut epoch),
        olr_status::OLR_OK
    );
    assert_eq!(epoch, 2);
    let (status, code) = seal(s.ring, &s.id, "alice", "corp", NOW + 60, &mut details);
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(details, olr_error_details::default());
    assert_eq!(
        open(
            s.machine,
            &code,
            "alice",
            PASSWORD,
            NOW + 120,
            null_mut(),
            null_mut()
        ),
        olr_status::OLR_OK
    );
    let (status, _) = seal(s.ring, &s.id, "alice", "corp", NOW + 600, &mut details);
    assert_eq!(status, olr_status::OLR_KEY_ROTATED);
    assert_eq!((details.code_epoch, details.current_epoch), (1, 2));
    let mut epochs = [0u16; OLR_MAX_GENERATIONS];
    let mut count = 0usize;
    assert_eq!(
        olr_server_key_ring_epochs(s.ring, epochs.as_mut_ptr(), epochs.len(), &mut count),
        olr_status::OLR_OK
    );
    assert_eq!(&epochs[..count], &[1, 2]);
    s.ring = {
        // Export wrapped, import, and keep using the imported ring.
        let mut key = [0u8; OLR_WRAPPING_KEY_LEN];
        let mut len = 0usize;
        assert_eq!(
            olr_wrapping_key_generate(key.as_mut_ptr(), key.len(), &mut len),
            olr_status::OLR_OK
        );
        let mut needed = 0usize;
        assert_eq!(
            olr_server_key_ring_export(s.ring, key.as_ptr(), key.len(), null_mut(), 0, &mut needed),
            olr_status::OLR_BUFFER_TOO_SMALL
        );
        let mut bytes = vec![0u8; needed];
        assert_eq!(
            olr_server_key_ring_export(
                s.ring,
                key.as_ptr(),
                key.len(),
                bytes.as_mut_ptr(),
                needed,
                &mut len
            ),
            olr_status::OLR_OK
        );
        assert_eq!(len, needed);
        let mut imported = null_mut();
        assert_eq!(
            olr_server_key_ring_import(bytes.as_ptr(), len, null(), 0, &mut imported, &mut details),
            olr_status::OLR_WRAPPING_MISMATCH
        );
        assert!(imported.is_null());
        assert_eq!(
            olr_server_key_ring_import(
                bytes.as_ptr(),
                len,
                key.as_ptr(),
                key.len(),
                &mut imported,
                &mut details
            ),
            olr_status::OLR_OK
        );
        olr_server_key_ring_free(s.ring);
        imported
    };
    let mut current = 0u16;
    assert_eq!(
        olr_server_key_ring_current_epoch(s.ring, &mut current),
        olr_status::OLR_OK
    );
    assert_eq!(current, 2);

    // On the machine, the epoch mismatch says which side is behind (ABI 1.1 statuses).
    let (machine2, id2) = enroll(s.ring);
    let (status, code2) = seal(s.ring, &id2, "alice", "corp", NOW + 60, &mut details);
    assert_eq!(status, olr_status::OLR_OK);
    let status = open(
        s.machine,
        &code2,
        "alice",
        PASSWORD,
        NOW + 60,
        null_mut(),
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_REDEPLOY_NEEDED);
    assert_eq!((details.code_epoch, details.current_epoch), (2, 1));
    let status = open(
        machine2,
        &code,
        "alice",
        PASSWORD,
        NOW + 120,
        null_mut(),
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_CODE_BEFORE_ROTATION);
    assert_eq!((details.code_epoch, details.current_epoch), (1, 2));
    // A later success writes zeros over the details of the failure.
    let status = open(
        machine2,
        &code2,
        "alice",
        PASSWORD,
        NOW + 60,
        null_mut(),
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(details, olr_error_details::default());
    olr_machine_free(machine2);

    // prune erases the retired generation once its window is over, without rotating.
    assert_eq!(
        olr_server_key_ring_prune(s.ring, NOW + 599),
        olr_status::OLR_OK
    );
    assert_eq!(
        olr_server_key_ring_epochs(s.ring, epochs.as_mut_ptr(), epochs.len(), &mut count),
        olr_status::OLR_OK
    );
    assert_eq!(&epochs[..count], &[1, 2]);
    assert_eq!(
        olr_server_key_ring_prune(s.ring, NOW + 600),
        olr_status::OLR_OK
    );
    assert_eq!(
        olr_server_key_ring_epochs(s.ring, epochs.as_mut_ptr(), epochs.len(), &mut count),
        olr_status::OLR_OK
    );
    assert_eq!(&epochs[..count], &[2]);
}

#[test]
fn password_costs_through_the_c_abi() {
    // The library's floor: the protocol's (OLR_MIN_PASSWORD_*), or the cheap one of Miri builds.
    const MIN_KIB: u32 = offline_reset::MIN_PASSWORD_MEMORY_KIB;
    const MIN_ITERATIONS: u32 = offline_reset::MIN_PASSWORD_ITERATIONS;
    if !cfg!(miri) {
        assert_eq!(
            (MIN_KIB, MIN_ITERATIONS),
            (OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS)
        );
    }
    let minimum = (MIN_KIB, MIN_ITERATIONS, 1);
    let default = (
        OLR_DEFAULT_PASSWORD_MEMORY_KIB,
        OLR_DEFAULT_PASSWORD_ITERATIONS,
        OLR_DEFAULT_PASSWORD_PARALLELISM,
    );
    assert_eq!(default, (65536, 3, 1));
    // The plain generate deploys the default cost (no seal here: that is tested once, in Rust);
    // a Miri build deploys its floor instead (src/policy.rs).
    let deployed = if cfg!(miri) { minimum } else { default };
    let mut ring = null_mut();
    assert_eq!(
        olr_server_key_ring_generate(60, 5, &mut ring),
        olr_status::OLR_OK
    );
    assert_eq!(
        cost_of(|m, t, p| olr_server_key_ring_password_cost(ring, 1, m, t, p)),
        deployed
    );
    let (machine, _) = enroll(ring);
    assert_eq!(
        cost_of(|m, t, p| olr_machine_password_cost(machine, m, t, p)),
        deployed
    );
    olr_machine_free(machine);
    olr_server_key_ring_free(ring);

    let s = setup();
    assert_eq!(
        cost_of(|m, t, p| olr_server_key_ring_password_cost(s.ring, 1, m, t, p)),
        minimum
    );
    assert_eq!(
        cost_of(|m, t, p| olr_machine_password_cost(s.machine, m, t, p)),
        minimum
    );
    // A new cost applies from the next rotation on; set_policy keeps it.
    let other = (MIN_KIB + 1024, 3, 2);
    assert_eq!(
        olr_server_key_ring_set_password_cost(s.ring, other.0, other.1, other.2),
        olr_status::OLR_OK
    );
    assert_eq!(
        olr_server_key_ring_set_policy(s.ring, 30, 1),
        olr_status::OLR_OK
    );
    assert_eq!(
        cost_of(|m, t, p| olr_server_key_ring_password_cost(s.ring, 1, m, t, p)),
        minimum
    );
    let mut epoch = 0u16;
    assert_eq!(
        olr_server_key_ring_rotate(s.ring, NOW, &mut epoch),
        olr_status::OLR_OK
    );
    assert_eq!(
        cost_of(|m, t, p| olr_server_key_ring_password_cost(s.ring, 2, m, t, p)),
        other
    );
    let (machine, _) = enroll(s.ring);
    assert_eq!(
        cost_of(|m, t, p| olr_machine_password_cost(machine, m, t, p)),
        other
    );
    olr_machine_free(machine);
    // Epoch 1 is gone (no grace): OLR_KEY_ROTATED.
    let (mut m, mut t, mut p) = (0u32, 0u32, 0u32);
    assert_eq!(
        olr_server_key_ring_password_cost(s.ring, 1, &mut m, &mut t, &mut p),
        olr_status::OLR_KEY_ROTATED
    );
    // Out-of-range costs are refused.
    for (m, t, p) in [
        (MIN_KIB - 1, 2, 1),
        (OLR_MAX_PASSWORD_MEMORY_KIB + 1, 2, 1),
        (MIN_KIB, MIN_ITERATIONS - 1, 1),
        (MIN_KIB, OLR_MAX_PASSWORD_ITERATIONS + 1, 1),
        (MIN_KIB, 2, 0),
        (MIN_KIB, 2, OLR_MAX_PASSWORD_PARALLELISM + 1),
    ] {
        assert_eq!(
            olr_server_key_ring_set_password_cost(s.ring, m, t, p),
            olr_status::OLR_INVALID_POLICY
        );
        let mut ring = null_mut();
        assert_eq!(
            olr_server_key_ring_generate_with_password_cost(60, 5, m, t, p, &mut ring),
            olr_status::OLR_INVALID_POLICY
        );
        assert!(ring.is_null());
    }
}

#[test]
fn pointer_length_and_buffer_checks() {
    let s = shared();
    let mut out = [0u8; 128];
    let mut len = 7usize;
    let id = s.id.as_str();
    let out_ptr: *mut c_char = out.as_mut_ptr().cast();
    let check = |text: *const c_char, text_len: usize, cap: usize, len: &mut usize| {
        olr_identification_code_check(text, text_len, out_ptr, cap, len, null_mut())
    };
    assert_eq!(
        check(null(), 0, 128, &mut len),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        check(c(id), OLR_MAX_INPUT_LEN + 1, 128, &mut len),
        olr_status::OLR_INVALID_LENGTH
    );
    assert_eq!(
        check(c(id), usize::MAX, 128, &mut len),
        olr_status::OLR_INVALID_LENGTH
    );
    assert_eq!(len, 7, "nothing written on failure");
    let bad = b"\xff\xfe";
    assert_eq!(
        check(bad.as_ptr().cast(), 2, 128, &mut len),
        olr_status::OLR_INVALID_UTF8
    );
    assert_eq!(
        check(c(id), id.len(), 70, &mut len),
        olr_status::OLR_BUFFER_TOO_SMALL
    );
    assert_eq!(len, OLR_IDENTIFICATION_CODE_TEXT_LEN);
    assert_eq!(
        check(c(id), id.len() - 1, 128, &mut len),
        olr_status::OLR_MALFORMED_INPUT
    );
    assert_eq!(
        olr_identification_code_check(c(id), id.len(), null_mut(), 0, &mut len, null_mut()),
        olr_status::OLR_BUFFER_TOO_SMALL
    );
    assert_eq!(
        olr_identification_code_check(c(id), id.len(), null_mut(), 1, &mut len, null_mut()),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_identification_code_check(
            c(id),
            id.len(),
            out.as_mut_ptr().cast(),
            128,
            null_mut(),
            null_mut()
        ),
        olr_status::OLR_NULL_POINTER
    );
    let mut short_key = [0u8; 32];
    assert_eq!(
        olr_machine_export(
            s.machine(),
            short_key.as_mut_ptr(),
            32,
            out.as_mut_ptr(),
            128,
            &mut len
        ),
        olr_status::OLR_INVALID_KEY_MATERIAL
    );
    assert_eq!(
        olr_machine_export(s.machine(), null(), 64, out.as_mut_ptr(), 128, &mut len),
        olr_status::OLR_NULL_POINTER
    );
    olr_machine_free(null_mut());
    olr_server_key_ring_free(null_mut());
}

/// `const` handles are shared by two threads that seal and open at the same time (the handles
/// cross in [`Shared`]'s atomic pointers).
#[test]
fn two_threads_share_const_handles() {
    let s = shared();
    let rounds = if cfg!(miri) { 1 } else { 20 };
    std::thread::scope(|scope| {
        for thread in 0..2 {
            scope.spawn(move || {
                for round in 0..rounds {
                    let user = format!("user{thread}-{round}");
                    let mut details = olr_error_details::default();
                    let (status, code) = seal(s.ring(), &s.id, &user, "corp", NOW, &mut details);
                    assert_eq!(status, olr_status::OLR_OK);
                    assert_eq!(
                        open(
                            s.machine(),
                            &code,
                            &user,
                            PASSWORD,
                            NOW,
                            null_mut(),
                            &mut details
                        ),
                        olr_status::OLR_OK
                    );
                }
            });
        }
    });
}

/// A panic inside the library comes back as a status (feature `test-hooks`), and the library
/// keeps working afterwards.
#[cfg(feature = "test-hooks")]
#[test]
fn panic_becomes_a_status() {
    let s = shared();
    assert_eq!(olr_test_hook_panic(), olr_status::OLR_PANIC);
    let (status, id) = text_out(OLR_IDENTIFICATION_CODE_TEXT_LEN, |o, cap, len| {
        olr_machine_identification_code(s.machine(), o, cap, len)
    });
    assert_eq!((status, id.as_str()), (olr_status::OLR_OK, s.id.as_str()));
}

/// The PKCS#11 entry points in a build without the `pkcs11` feature (the default, and what Miri
/// runs): pointers and lengths are checked as everywhere, then `OLR_PKCS11_NOT_BUILT`, and
/// nothing is written. tests/pkcs11/run.sh covers them with the feature, against a token.
#[cfg(not(feature = "pkcs11"))]
#[test]
fn pkcs11_entry_points_without_the_feature() {
    let ring = shared().ring.load(Ordering::Acquire);
    let (module, token, prefix) = ("/usr/lib/softhsm/libsofthsm2.so", "t", "p");
    let pin = b"1234";
    let mut out: *mut olr_server_key_ring = null_mut();
    let status = olr_server_key_ring_generate_pkcs11(
        c(module),
        module.len(),
        c(token),
        1,
        pin.as_ptr(),
        4,
        c(prefix),
        1,
        60,
        5,
        OLR_MIN_PASSWORD_MEMORY_KIB,
        OLR_MIN_PASSWORD_ITERATIONS,
        1,
        &mut out,
    );
    assert_eq!(status, olr_status::OLR_PKCS11_NOT_BUILT);
    let status = olr_server_key_ring_open_pkcs11(
        c(module),
        module.len(),
        c(token),
        1,
        null(),
        4,
        c(prefix),
        1,
        &mut out,
    );
    assert_eq!(status, olr_status::OLR_NULL_POINTER);
    let status = olr_server_key_ring_open_pkcs11(
        c(module),
        module.len(),
        c(token),
        1,
        pin.as_ptr(),
        4,
        c(prefix),
        1,
        &mut out,
    );
    assert_eq!(status, olr_status::OLR_PKCS11_NOT_BUILT);
    let status = olr_server_key_ring_copy_to_pkcs11(
        ring,
        c(module),
        module.len(),
        c(token),
        1,
        pin.as_ptr(),
        4,
        c(prefix),
        1,
        &mut out,
    );
    assert_eq!(status, olr_status::OLR_PKCS11_NOT_BUILT);
    assert!(out.is_null());
    let mut held = true;
    assert_eq!(
        olr_server_key_ring_is_held_in_token(ring, &mut held),
        olr_status::OLR_OK
    );
    assert!(!held);
}
