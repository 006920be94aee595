//! The account-name exports called from Rust: normalization, buffers and name problems (the
//! hint texts are checked by the unit tests of src/ffi/account.rs, which can read C strings).

use core::ffi::c_char;
use std::ptr::{null, null_mut};

use offline_reset::ffi::*;
use offline_reset::{name_problem, Account};

#[path = "support/sid.rs"]
mod sid;
use sid::*;

fn c(text: &str) -> *const c_char {
    text.as_ptr().cast()
}

/// Calls `olr_account_normalize` with buffers of the given capacities.
fn normalize(
    username: &str,
    domain: &str,
    user_cap: usize,
    domain_cap: usize,
) -> (olr_status, String, String, usize, usize) {
    let mut user_buf = vec![0xAAu8; user_cap];
    let mut domain_buf = vec![0xAAu8; domain_cap];
    let (mut user_len, mut domain_len) = (usize::MAX, usize::MAX);
    let mut details = olr_error_details::default();
    let status = olr_account_normalize(
        c(username),
        username.len(),
        c(domain),
        domain.len(),
        user_buf.as_mut_ptr().cast(),
        user_cap,
        &mut user_len,
        domain_buf.as_mut_ptr().cast(),
        domain_cap,
        &mut domain_len,
        &mut details,
    );
    if status != olr_status::OLR_OK {
        // Nothing but the lengths is ever written on failure.
        assert!(user_buf.iter().chain(&domain_buf).all(|&b| b == 0xAA));
        return (status, String::new(), String::new(), user_len, domain_len);
    }
    user_buf.truncate(user_len);
    domain_buf.truncate(domain_len);
    (
        status,
        String::from_utf8(user_buf).unwrap(),
        String::from_utf8(domain_buf).unwrap(),
        user_len,
        domain_len,
    )
}

#[test]
fn normalize_writes_both_forms_as_the_rust_api() {
    for (u, d) in [
        ("alice", "corp"),
        ("Jürgen", "österreich"),
        ("straße", "ıvan"),
        ("ﬁnn", "ς"),
    ] {
        let account = Account::new(u, d, &VECTOR_SID).unwrap();
        let (status, user, domain, _, _) = normalize(u, d, 256, 256);
        assert_eq!(status, olr_status::OLR_OK);
        assert_eq!(user, account.username());
        assert_eq!(domain, account.offline_domain());
    }
    let (_, user, domain, _, _) = normalize("alice", "Corp", 5, 4);
    assert_eq!((user.as_str(), domain.as_str()), ("ALICE", "CORP"));
}

#[test]
fn normalize_refuses_bad_names_username_first() {
    assert_eq!(
        normalize(" alice", "corp", 64, 64).0,
        olr_status::OLR_INVALID_USERNAME
    );
    assert_eq!(
        normalize("CORP\\alice", "", 64, 64).0,
        olr_status::OLR_INVALID_USERNAME
    );
    assert_eq!(
        normalize("alice", "co\u{200B}rp", 64, 64).0,
        olr_status::OLR_INVALID_DOMAIN
    );
    assert_eq!(
        normalize("alice", "", 64, 64).0,
        olr_status::OLR_INVALID_DOMAIN
    );
}

#[test]
fn small_buffers_get_both_needed_sizes_and_nothing_else() {
    // "ɐ" (2 bytes) normalizes to "Ɐ" (3 bytes): the needed size is the normalized one.
    for (user_cap, domain_cap) in [(0, 0), (2, 64), (64, 3), (2, 3)] {
        let (status, _, _, user_len, domain_len) =
            normalize("\u{250}", "Corp", user_cap, domain_cap);
        assert_eq!(
            status,
            olr_status::OLR_BUFFER_TOO_SMALL,
            "{user_cap} {domain_cap}"
        );
        assert_eq!((user_len, domain_len), (3, 4));
    }
    let (status, user, _, _, _) = normalize("\u{250}", "Corp", 3, 4);
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(user, "\u{2C6F}");
    // A size query with NULL buffers.
    let (mut user_len, mut domain_len) = (0, 0);
    let status = olr_account_normalize(
        c("alice"),
        5,
        c("corp"),
        4,
        null_mut(),
        0,
        &mut user_len,
        null_mut(),
        0,
        &mut domain_len,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_BUFFER_TOO_SMALL);
    assert_eq!((user_len, domain_len), (5, 4));
}

#[test]
fn normalize_checks_its_pointers() {
    let mut buf = [0u8; 8];
    let mut len = 0;
    let mut len2 = 0;
    let status = olr_account_normalize(
        null(),
        0,
        c("corp"),
        4,
        buf.as_mut_ptr().cast(),
        8,
        &mut len,
        null_mut(),
        0,
        &mut len2,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_NULL_POINTER);
    let status = olr_account_normalize(
        c("a"),
        1,
        c("corp"),
        4,
        buf.as_mut_ptr().cast(),
        8,
        &mut len,
        null_mut(),
        0,
        null_mut(),
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_NULL_POINTER);
    let bad = [0xFFu8];
    let status = olr_account_normalize(
        bad.as_ptr().cast(),
        1,
        c("corp"),
        4,
        null_mut(),
        0,
        &mut len,
        null_mut(),
        0,
        &mut len2,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_INVALID_UTF8);
}

fn problem_of(text: &str) -> olr_name_problem_code {
    let mut out = olr_name_problem_code::OLR_NAME_PROBLEM_TOO_LONG;
    assert_eq!(
        olr_name_problem(c(text), text.len(), &mut out),
        olr_status::OLR_OK
    );
    out
}

#[test]
fn name_problem_reports_each_problem() {
    use olr_name_problem_code::*;
    let cases = [
        ("alice", OLR_NAME_PROBLEM_NONE),
        ("", OLR_NAME_PROBLEM_EMPTY),
        ("alice\u{A0}", OLR_NAME_PROBLEM_SURROUNDING_WHITE_SPACE),
        (
            "al\u{FEFF}ice",
            OLR_NAME_PROBLEM_CONTROL_OR_FORMAT_CHARACTER,
        ),
        (
            "al\u{2029}ice",
            OLR_NAME_PROBLEM_LINE_OR_PARAGRAPH_SEPARATOR,
        ),
        ("CORP\\alice", OLR_NAME_PROBLEM_QUALIFIED_NAME),
        ("a|b", OLR_NAME_PROBLEM_FORBIDDEN_CHARACTER),
    ];
    for (text, expected) in cases {
        assert_eq!(problem_of(text), expected, "{text:?}");
        assert_eq!(
            expected as u32,
            name_problem(text).map_or(0, |p| p.code()),
            "{text:?}"
        );
    }
    let long = "a".repeat(257);
    assert_eq!(problem_of(&long), OLR_NAME_PROBLEM_TOO_LONG);
    let mut out = OLR_NAME_PROBLEM_NONE;
    assert_eq!(
        olr_name_problem(null(), 0, &mut out),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_name_problem(c("a"), 1, null_mut()),
        olr_status::OLR_NULL_POINTER
    );
}
