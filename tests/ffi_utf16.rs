//! The UTF-16 entry points (what a Windows credential provider holds: `PWSTR` + length): the
//! same answers and statuses as their UTF-8 twins, non-BMP characters through surrogate pairs,
//! an unpaired surrogate as `OLR_INVALID_UTF16`, any alignment.

use core::ffi::c_char;
use std::ptr::{null, null_mut};

use offline_reset::ffi::*;

#[path = "support/sid.rs"]
mod sid;
use sid::{OTHER_SID, VECTOR_SID};

#[path = "support/miri_fixture.rs"]
mod miri_fixture;
use miri_fixture::{JURGEN, NOW};

const USER: &str = JURGEN.0;
const DOMAIN: &str = JURGEN.1;
const PASSWORD: &str = JURGEN.2;

fn w(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

fn setup() -> (*mut olr_machine, *mut olr_replay_ledger, String) {
    let (state, code) = miri_fixture::machine_state_and_code(JURGEN);
    let handle = miri_fixture::import_machine(state);
    let mut ledger = null_mut();
    assert_eq!(
        olr_replay_ledger_new(handle, &mut ledger),
        olr_status::OLR_OK
    );
    (handle, ledger, code.clone())
}

#[allow(clippy::too_many_arguments)]
fn redeem16(
    machine: *const olr_machine,
    ledger: *mut olr_replay_ledger,
    code: &[u16],
    user: &[u16],
    domain: &[u16],
    sid: &[u8],
    password: &[u16],
    details: &mut olr_error_details,
) -> olr_status {
    olr_machine_redeem_reset_code_utf16(
        machine,
        ledger,
        code.as_ptr(),
        code.len(),
        user.as_ptr(),
        user.len(),
        domain.as_ptr(),
        domain.len(),
        sid.as_ptr(),
        sid.len(),
        password.as_ptr(),
        password.len(),
        NOW + 60,
        null_mut(),
        details,
    )
}

#[test]
fn redeem_through_utf16_matches_utf8() {
    let (machine, ledger, code) = setup();
    let mut details = olr_error_details::default();
    let (code16, user16, domain16) = (w(&code), w("JÜRGEN"), w("österreich"));
    // An unpaired surrogate in each text position: its own status, nothing counted.
    let lone = [0x0041u16, 0xD83C, 0x0042];
    for position in 0..4 {
        let mut texts = [
            code16.clone(),
            user16.clone(),
            domain16.clone(),
            w(PASSWORD),
        ];
        texts[position] = lone.to_vec();
        assert_eq!(
            redeem16(
                machine,
                ledger,
                &texts[0],
                &texts[1],
                &texts[2],
                &VECTOR_SID,
                &texts[3],
                &mut details
            ),
            olr_status::OLR_INVALID_UTF16,
            "position {position}"
        );
    }
    let mut generation = u64::MAX;
    assert_eq!(
        olr_replay_ledger_generation(ledger, &mut generation),
        olr_status::OLR_OK
    );
    assert_eq!(generation, 0);
    // Another SID, a wrong password: as in UTF-8.
    assert_eq!(
        redeem16(
            machine,
            ledger,
            &code16,
            &user16,
            &domain16,
            &OTHER_SID,
            &w(PASSWORD),
            &mut details
        ),
        olr_status::OLR_REJECTED
    );
    assert_eq!(
        redeem16(
            machine,
            ledger,
            &code16,
            &user16,
            &domain16,
            &VECTOR_SID,
            &w("grüße aus Wien 🏔"),
            &mut details
        ),
        olr_status::OLR_REJECTED
    );
    // The password with its surrogate pair, the names in other cases: accepted once.
    assert_eq!(
        redeem16(
            machine,
            ledger,
            &code16,
            &user16,
            &domain16,
            &VECTOR_SID,
            &w(PASSWORD),
            &mut details
        ),
        olr_status::OLR_OK
    );
    // The UTF-8 twin agrees the code was used.
    let (u, d) = ("jürgen", "ÖSTERREICH");
    let status = olr_machine_redeem_reset_code(
        machine,
        ledger,
        code.as_ptr().cast::<c_char>(),
        code.len(),
        u.as_ptr().cast::<c_char>(),
        u.len(),
        d.as_ptr().cast::<c_char>(),
        d.len(),
        VECTOR_SID.as_ptr(),
        VECTOR_SID.len(),
        PASSWORD.as_ptr().cast::<c_char>(),
        PASSWORD.len(),
        NOW + 90,
        null_mut(),
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_ALREADY_USED);
    // The diagnostics open still opens (it records nothing), through UTF-16 too.
    let mut accepted = olr_accepted_reset::default();
    let password16 = w(PASSWORD);
    assert_eq!(
        olr_machine_open_reset_code_for_diagnostics_utf16(
            machine,
            code16.as_ptr(),
            code16.len(),
            user16.as_ptr(),
            user16.len(),
            domain16.as_ptr(),
            domain16.len(),
            VECTOR_SID.as_ptr(),
            VECTOR_SID.len(),
            password16.as_ptr(),
            password16.len(),
            NOW + 100,
            &mut accepted,
            &mut details,
        ),
        olr_status::OLR_OK
    );
    assert!(accepted.issued_at <= NOW);
    olr_replay_ledger_free(ledger);
    olr_machine_free(machine);
}

#[test]
fn checks_normalization_and_progress_through_utf16() {
    let (machine, ledger, code) = setup();
    let mut details = olr_error_details::default();
    // The canonical code back as UTF-16, from a lower-case typed form at an odd address.
    let typed = w(&code.to_lowercase());
    let mut unaligned = vec![0u16; typed.len() + 1];
    let base = unaligned.as_mut_ptr().cast::<u8>();
    // SAFETY: test code: one byte into a buffer one element longer than the text, so every
    // unaligned u16 written and read stays inside it.
    let odd = unsafe { base.add(1) }.cast::<u16>();
    for (i, unit) in typed.iter().enumerate() {
        // SAFETY: as above.
        unsafe { odd.add(i).write_unaligned(*unit) };
    }
    let mut out = vec![0u16; OLR_RESET_CODE_TEXT_LEN];
    let mut out_len = 0;
    assert_eq!(
        olr_reset_code_check_utf16(
            odd,
            typed.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut out_len,
            &mut details
        ),
        olr_status::OLR_OK
    );
    assert_eq!(String::from_utf16(&out[..out_len]).unwrap(), code);
    assert_eq!(
        olr_reset_code_check_utf16(
            odd,
            typed.len(),
            out.as_mut_ptr(),
            3,
            &mut out_len,
            &mut details
        ),
        olr_status::OLR_BUFFER_TOO_SMALL
    );
    assert_eq!(out_len, OLR_RESET_CODE_TEXT_LEN);
    // Progress: the same as through UTF-8.
    let mut p16 = olr_typing_progress::default();
    let mut p8 = olr_typing_progress::default();
    let half = &code[..20];
    assert_eq!(
        olr_reset_code_progress_utf16(w(half).as_ptr(), w(half).len(), &mut p16),
        olr_status::OLR_OK
    );
    assert_eq!(
        olr_reset_code_progress(half.as_ptr().cast(), half.len(), &mut p8),
        olr_status::OLR_OK
    );
    assert_eq!(p16, p8);
    // Names: checks, problems and normalized forms as in UTF-8.
    let (u, d) = (w("straße"), w("corp"));
    assert_eq!(
        olr_account_check_utf16(
            u.as_ptr(),
            u.len(),
            d.as_ptr(),
            d.len(),
            VECTOR_SID.as_ptr(),
            VECTOR_SID.len()
        ),
        olr_status::OLR_OK
    );
    assert_eq!(
        olr_account_check_utf16(
            u.as_ptr(),
            u.len(),
            d.as_ptr(),
            d.len(),
            VECTOR_SID.as_ptr(),
            5
        ),
        olr_status::OLR_INVALID_SID
    );
    let mut problem = olr_name_problem_code::OLR_NAME_PROBLEM_NONE;
    let qualified = w("CORP\\alice");
    assert_eq!(
        olr_name_problem_utf16(qualified.as_ptr(), qualified.len(), &mut problem),
        olr_status::OLR_OK
    );
    assert_eq!(
        problem,
        olr_name_problem_code::OLR_NAME_PROBLEM_QUALIFIED_NAME
    );
    let (mut user_out, mut domain_out) = ([0u16; 16], [0u16; 16]);
    let (mut user_len, mut domain_len) = (0, 0);
    assert_eq!(
        olr_account_normalize_utf16(
            u.as_ptr(),
            u.len(),
            d.as_ptr(),
            d.len(),
            user_out.as_mut_ptr(),
            16,
            &mut user_len,
            domain_out.as_mut_ptr(),
            16,
            &mut domain_len,
            &mut details
        ),
        olr_status::OLR_OK
    );
    assert_eq!(String::from_utf16(&user_out[..user_len]).unwrap(), "STRAßE");
    assert_eq!(
        String::from_utf16(&domain_out[..domain_len]).unwrap(),
        "CORP"
    );
    // NULL and too long are the usual statuses.
    assert_eq!(
        olr_account_check_utf16(
            null(),
            0,
            d.as_ptr(),
            d.len(),
            VECTOR_SID.as_ptr(),
            VECTOR_SID.len()
        ),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_name_problem_utf16(d.as_ptr(), OLR_MAX_INPUT_LEN / 2 + 1, &mut problem),
        olr_status::OLR_INVALID_LENGTH
    );
    assert!(!olr_status_name(105).is_null());
    olr_replay_ledger_free(ledger);
    olr_machine_free(machine);
}

/// The UTF-16 twins check their arguments in the UTF-8 order: code, username, domain, SID,
/// password. A NULL SID is reported before a malformed password, as in UTF-8.
#[test]
fn arguments_are_checked_in_the_utf8_order() {
    let (machine, ledger, code) = setup();
    let mut details = olr_error_details::default();
    let (code16, user16, domain16) = (w(&code), w(USER), w(DOMAIN));
    let lone = [0xDC00u16];
    let status = olr_machine_redeem_reset_code_utf16(
        machine,
        ledger,
        code16.as_ptr(),
        code16.len(),
        user16.as_ptr(),
        user16.len(),
        domain16.as_ptr(),
        domain16.len(),
        null(),
        0,
        lone.as_ptr(),
        lone.len(),
        NOW,
        null_mut(),
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_NULL_POINTER);
    let bad = [0xFFu8];
    let status = olr_machine_redeem_reset_code(
        machine,
        ledger,
        code.as_ptr().cast::<c_char>(),
        code.len(),
        USER.as_ptr().cast::<c_char>(),
        USER.len(),
        DOMAIN.as_ptr().cast::<c_char>(),
        DOMAIN.len(),
        null(),
        0,
        bad.as_ptr().cast::<c_char>(),
        bad.len(),
        NOW,
        null_mut(),
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_NULL_POINTER);
    olr_replay_ledger_free(ledger);
    olr_machine_free(machine);
}
