//! The replay ledger's C exports called from Rust: redeem works once and counts failed attempts,
//! the ledger survives an export/import through C bound to its machine, NULL pointers, bad
//! lengths, bad SIDs and a too-small buffer are clear statuses.

use core::ffi::c_char;
use std::ptr::{null, null_mut};

use offline_reset::ffi::*;

#[path = "support/sid.rs"]
mod sid;
use sid::*;

#[path = "support/miri_fixture.rs"]
mod miri_fixture;
use miri_fixture::{ALICE, NOW};

const PASSWORD: &str = ALICE.2;

fn c(text: &str) -> *const c_char {
    text.as_ptr().cast()
}

/// A machine handle (imported through C) and a reset code for alice@CORP sealed for it.
fn setup() -> (*mut olr_machine, String) {
    let (state, code) = miri_fixture::machine_state_and_code(ALICE);
    let handle = miri_fixture::import_machine(state);
    (handle, code.clone())
}

fn redeem(
    machine: *const olr_machine,
    ledger: *mut olr_replay_ledger,
    code: &str,
    user: &str,
    password: &str,
    accepted: *mut olr_accepted_reset,
    details: &mut olr_error_details,
) -> olr_status {
    let domain = "corp";
    olr_machine_redeem_reset_code(
        machine,
        ledger,
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
        NOW + 60,
        accepted,
        details,
    )
}

/// (account records, code records).
fn counts(ledger: *const olr_replay_ledger) -> (usize, usize) {
    let (mut accounts, mut codes) = (usize::MAX, usize::MAX);
    assert_eq!(
        olr_replay_ledger_counts(ledger, &mut accounts, &mut codes),
        olr_status::OLR_OK
    );
    (accounts, codes)
}

fn generation(ledger: *const olr_replay_ledger) -> u64 {
    let mut g = u64::MAX;
    assert_eq!(
        olr_replay_ledger_generation(ledger, &mut g),
        olr_status::OLR_OK
    );
    g
}

fn export(ledger: *const olr_replay_ledger, key: Option<&[u8]>) -> Vec<u8> {
    let (k, kl) = key.map_or((null(), 0), |k| (k.as_ptr(), k.len()));
    let mut needed = 0;
    assert_eq!(
        olr_replay_ledger_export(ledger, k, kl, null_mut(), 0, &mut needed),
        olr_status::OLR_BUFFER_TOO_SMALL
    );
    let mut out = vec![0u8; needed];
    let mut written = 0;
    // One byte too few: the needed size again, nothing written.
    assert_eq!(
        olr_replay_ledger_export(ledger, k, kl, out.as_mut_ptr(), needed - 1, &mut written),
        olr_status::OLR_BUFFER_TOO_SMALL
    );
    assert_eq!(written, needed);
    assert!(out.iter().all(|&b| b == 0));
    assert_eq!(
        olr_replay_ledger_export(ledger, k, kl, out.as_mut_ptr(), needed, &mut written),
        olr_status::OLR_OK
    );
    assert_eq!(written, needed);
    out
}

#[test]
fn redeem_through_c_works_once_and_survives_a_reload() {
    let (machine, code) = setup();
    let mut ledger = null_mut();
    assert_eq!(
        olr_replay_ledger_new(machine, &mut ledger),
        olr_status::OLR_OK
    );
    assert_eq!(counts(ledger), (0, 0));
    let mut details = olr_error_details::default();
    let mut accepted = olr_accepted_reset::default();

    // Wrong password: rejected, and the attempt is counted before the answer.
    assert_eq!(
        redeem(
            machine,
            ledger,
            &code,
            "alice",
            "nope",
            &mut accepted,
            &mut details
        ),
        olr_status::OLR_REJECTED
    );
    assert_eq!(counts(ledger), (1, 1));
    assert_eq!(generation(ledger), 1);
    // A mistyped code gives the same details as olr_machine_open_reset_code_for_diagnostics,
    // and changes nothing.
    let mistyped: String = code
        .char_indices()
        .map(|(i, ch)| {
            if i == 10 {
                if ch == '2' {
                    '3'
                } else {
                    '2'
                }
            } else {
                ch
            }
        })
        .collect();
    assert_eq!(
        redeem(
            machine,
            ledger,
            &mistyped,
            "alice",
            PASSWORD,
            null_mut(),
            &mut details
        ),
        olr_status::OLR_MISTYPED
    );
    assert_eq!(details.mistyped_group, 2);
    assert_eq!(generation(ledger), 1);

    assert_eq!(
        redeem(
            machine,
            ledger,
            &code,
            "alice",
            PASSWORD,
            &mut accepted,
            &mut details
        ),
        olr_status::OLR_OK
    );
    assert_eq!(details, olr_error_details::default());
    assert!(accepted.issued_at <= NOW && accepted.expires_at == accepted.issued_at + 3600);
    // Accepted: the code's failure record is gone, the account holds the code.
    assert_eq!(counts(ledger), (1, 0));
    assert_eq!(
        redeem(
            machine,
            ledger,
            &code,
            "ALICE",
            PASSWORD,
            null_mut(),
            &mut details
        ),
        olr_status::OLR_ALREADY_USED
    );

    let key = [9u8; OLR_WRAPPING_KEY_LEN];
    for wrapping in [None, Some(&key[..])] {
        let bytes = export(ledger, wrapping);
        // One account record (the ALICE attempt above was counted on a code record again).
        assert_eq!(
            bytes.len(),
            68 + 51 + 26 + if wrapping.is_some() { 20 } else { 0 }
        );
        let (k, kl) = wrapping.map_or((null(), 0), |k| (k.as_ptr(), k.len()));
        let mut back = null_mut();
        let g = generation(ledger);
        assert_eq!(
            olr_replay_ledger_import(
                bytes.as_ptr(),
                bytes.len(),
                k,
                kl,
                machine,
                g,
                &mut back,
                &mut details
            ),
            olr_status::OLR_OK
        );
        assert_eq!(counts(back), (1, 1));
        // An older copy than the generation the caller kept.
        let mut older = null_mut();
        assert_eq!(
            olr_replay_ledger_import(
                bytes.as_ptr(),
                bytes.len(),
                k,
                kl,
                machine,
                g + 1,
                &mut older,
                &mut details
            ),
            olr_status::OLR_LEDGER_ROLLED_BACK
        );
        assert!(older.is_null());
        assert_eq!(
            redeem(
                machine,
                back,
                &code,
                "alice",
                PASSWORD,
                null_mut(),
                &mut details
            ),
            olr_status::OLR_ALREADY_USED
        );
        olr_replay_ledger_free(back);
        // Damaged: one byte short.
        let mut out = null_mut();
        assert_eq!(
            olr_replay_ledger_import(
                bytes.as_ptr(),
                bytes.len() - 1,
                k,
                kl,
                machine,
                0,
                &mut out,
                &mut details
            ),
            olr_status::OLR_TRUNCATED
        );
        assert!(out.is_null());
    }
    // A machine state is not a ledger.
    let mut state = vec![0u8; OLR_MACHINE_STATE_MAX_LEN];
    let mut state_len = 0;
    assert_eq!(
        olr_machine_export(
            machine,
            null(),
            0,
            state.as_mut_ptr(),
            state.len(),
            &mut state_len
        ),
        olr_status::OLR_OK
    );
    let mut out = null_mut();
    assert_eq!(
        olr_replay_ledger_import(
            state.as_ptr(),
            state_len,
            null(),
            0,
            machine,
            0,
            &mut out,
            &mut details
        ),
        olr_status::OLR_WRONG_KIND
    );
    olr_replay_ledger_free(ledger);
    olr_machine_free(machine);
}

#[test]
fn null_pointers_and_bad_lengths_are_statuses() {
    let (machine, code) = setup();
    let mut ledger = null_mut();
    assert_eq!(
        olr_replay_ledger_new(machine, null_mut()),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_new(null(), &mut ledger),
        olr_status::OLR_NULL_POINTER
    );
    assert!(ledger.is_null());
    assert_eq!(
        olr_replay_ledger_new(machine, &mut ledger),
        olr_status::OLR_OK
    );
    let (mut n, mut g) = (0, 0);
    assert_eq!(
        olr_replay_ledger_counts(null(), &mut n, &mut n.clone()),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_counts(ledger, null_mut(), &mut n),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_counts(ledger, &mut n, null_mut()),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_generation(null(), &mut g),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_generation(ledger, null_mut()),
        olr_status::OLR_NULL_POINTER
    );
    let mut details = olr_error_details::default();
    assert_eq!(
        redeem(
            null(),
            ledger,
            &code,
            "alice",
            PASSWORD,
            null_mut(),
            &mut details
        ),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        redeem(
            machine,
            null_mut(),
            &code,
            "alice",
            PASSWORD,
            null_mut(),
            &mut details
        ),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_machine_redeem_reset_code(
            machine,
            ledger,
            null(),
            0,
            c("alice"),
            5,
            c("corp"),
            4,
            VECTOR_SID.as_ptr(),
            VECTOR_SID.len(),
            c(PASSWORD),
            PASSWORD.len(),
            NOW,
            null_mut(),
            null_mut()
        ),
        olr_status::OLR_NULL_POINTER
    );
    // The SID is required: NULL is a NULL pointer even with length 0; a malformed one is
    // OLR_INVALID_SID, after the names.
    for (sid, sid_len, expected) in [
        (null(), 0, olr_status::OLR_NULL_POINTER),
        (VECTOR_SID.as_ptr(), 0, olr_status::OLR_INVALID_SID),
        (VECTOR_SID.as_ptr(), 27, olr_status::OLR_INVALID_SID),
    ] {
        assert_eq!(
            olr_machine_redeem_reset_code(
                machine,
                ledger,
                c(&code),
                code.len(),
                c("alice"),
                5,
                c("corp"),
                4,
                sid,
                sid_len,
                c(PASSWORD),
                PASSWORD.len(),
                NOW,
                null_mut(),
                &mut details
            ),
            expected
        );
    }
    assert_eq!(counts(ledger), (0, 0));
    assert_eq!(generation(ledger), 0);

    let mut out_len = 0;
    let mut buf = [0u8; 64];
    assert_eq!(
        olr_replay_ledger_export(null(), null(), 0, buf.as_mut_ptr(), 64, &mut out_len),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_export(ledger, null(), 0, buf.as_mut_ptr(), 64, null_mut()),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_export(ledger, null(), 0, null_mut(), 64, &mut out_len),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_export(ledger, null(), 5, buf.as_mut_ptr(), 64, &mut out_len),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_export(ledger, buf.as_ptr(), 5, buf.as_mut_ptr(), 64, &mut out_len),
        olr_status::OLR_INVALID_KEY_MATERIAL
    );
    let empty = export(ledger, None);
    assert_eq!(empty.len(), 68);

    let mut out = null_mut();
    assert_eq!(
        olr_replay_ledger_import(null(), 0, null(), 0, machine, 0, &mut out, &mut details),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_import(
            empty.as_ptr(),
            empty.len(),
            null(),
            0,
            null(),
            0,
            &mut out,
            &mut details
        ),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_import(
            empty.as_ptr(),
            empty.len(),
            null(),
            0,
            machine,
            0,
            null_mut(),
            null_mut()
        ),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_replay_ledger_import(
            empty.as_ptr(),
            OLR_MAX_INPUT_LEN + 1,
            null(),
            0,
            machine,
            0,
            &mut out,
            null_mut()
        ),
        olr_status::OLR_INVALID_LENGTH
    );
    assert!(out.is_null());
    assert_eq!(olr_max_ledger_accounts(), 1024);
    assert_eq!(olr_max_ledger_codes(), 256);
    assert_eq!(olr_replay_ledger_max_len(), OLR_REPLAY_LEDGER_MAX_LEN);
    olr_replay_ledger_free(null_mut());
    olr_replay_ledger_free(ledger);
    olr_machine_free(machine);
}
