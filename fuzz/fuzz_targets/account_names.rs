//! Username and domain normalization, the account SID, and the default offline domain from an
//! FQDN: text typed by users and help-desk agents, and the SID read from the directory or the
//! cached account. Input: one byte n, n bytes of SID, then username, domain, FQDN separated by
//! 0xFF.
//!
//! The target checks the rule of `docs/PROTOCOL.md` §5 against an independent statement of it:
//! refuse empty text, surrounding White_Space, controls, format characters (a subset is enough
//! here: the library's table is checked exhaustively by tests/vectors.rs), line and paragraph
//! separators and `" / \ [ ] : ; | = , + * ? < >`; map every UTF-16 code unit one to one
//! (never growing the number of code units, never changing characters outside the BMP); at most
//! 256 bytes. The SID is refused (after the names) exactly when it breaks the SID rule (revision 1,
//! 1 to 15 sub-authorities, `8 + 4 * count` bytes), and is kept as given. Also: normalizing is
//! idempotent, and equality is the table's equality and SID equality.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{
    default_offline_domain, name_problem, Account, Error, NameProblem, MAX_NAME_BYTES,
};
use offline_reset_fuzz::{sid_is_well_formed, split_sid, str_fields, OTHER_SID, VECTOR_SID};

/// Necessary conditions on a refused or accepted name, stated without the library's tables.
fn check_name(name: &str, problem: Option<NameProblem>) {
    let white = |c: char| c.is_whitespace();
    let surely_control = |c: char| {
        c.is_control()
            || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
    };
    match problem {
        None => {
            assert!(!name.is_empty());
            assert!(!name.starts_with(white) && !name.ends_with(white));
            assert!(!name.chars().any(surely_control));
            assert!(!name.contains(['\u{2028}', '\u{2029}']));
            assert!(!name.contains([
                '"', '/', '\\', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>'
            ]));
        }
        Some(NameProblem::Empty) => assert!(name.is_empty()),
        Some(NameProblem::SurroundingWhiteSpace) => {
            assert!(name.starts_with(white) || name.ends_with(white))
        }
        Some(NameProblem::LineOrParagraphSeparator) => {
            assert!(name.contains(['\u{2028}', '\u{2029}']))
        }
        Some(NameProblem::QualifiedName) => assert!(name.contains('\\')),
        Some(NameProblem::ForbiddenCharacter) => {
            assert!(name
                .contains(['"', '/', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>']))
        }
        Some(NameProblem::ControlOrFormatCharacter) | Some(NameProblem::TooLong) => {}
    }
}

/// The normalized form keeps every character's UTF-16 length and every non-BMP character.
fn check_normalized(name: &str, normalized: &str) {
    assert!(normalized.len() <= MAX_NAME_BYTES);
    assert_eq!(name.chars().count(), normalized.chars().count());
    for (a, b) in name.chars().zip(normalized.chars()) {
        assert_eq!(a.len_utf16(), b.len_utf16());
        if a.len_utf16() == 2 {
            assert_eq!(a, b);
        }
        // Lower-case ASCII maps to upper-case ASCII, everything else ASCII to itself.
        if a.is_ascii() {
            assert_eq!(b, a.to_ascii_uppercase());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (sid, text) = split_sid(data);
    let Some([username, domain, fqdn]) = str_fields::<3>(text) else {
        return;
    };
    let (user_problem, domain_problem) = (name_problem(username), name_problem(domain));
    check_name(username, user_problem);
    check_name(domain, domain_problem);
    let result = Account::new(username, domain, sid);
    match (user_problem, domain_problem) {
        (Some(_), _) => assert_eq!(result, Err(Error::InvalidUsername)),
        (None, Some(_)) => assert_eq!(result, Err(Error::InvalidDomain)),
        (None, None) if !sid_is_well_formed(sid) => assert_eq!(result, Err(Error::InvalidSid)),
        (None, None) => {
            let account = result.expect("valid names and SID");
            assert_eq!(account.sid(), sid);
            // Another SID is another account, whatever the names.
            let other_sid: &[u8] = if sid == VECTOR_SID {
                &OTHER_SID
            } else {
                &VECTOR_SID
            };
            let other = Account::new(username, domain, other_sid).expect("valid names");
            assert_ne!(other, account);
            assert_eq!(other.username(), account.username());
            check_normalized(username, account.username());
            check_normalized(domain, account.offline_domain());
            // Idempotent: the normalized names normalize to themselves.
            let again = Account::new(account.username(), account.offline_domain(), account.sid())
                .expect("normalized names are valid");
            assert_eq!(again, account);
            assert_eq!(again.username(), account.username());
            // Equality is equality of normalized forms: the username with its ASCII letters
            // flipped in case is the same account.
            let flipped: String = username
                .chars()
                .map(|c| {
                    if c.is_ascii_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            let other = Account::new(&flipped, domain, sid).expect("same problems");
            assert_eq!(other == account, other.username() == account.username());
            assert_eq!(other, account);
            assert_eq!(
                account.display_name(),
                format!("{}\\{}", account.offline_domain(), account.username())
            );
            let _ = format!("{account:?}");
        }
    }

    let dots = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'];
    let label = fqdn.split(dots).next().unwrap_or_default();
    let surrounded = fqdn.starts_with(char::is_whitespace) || fqdn.ends_with(char::is_whitespace);
    match default_offline_domain(fqdn) {
        Ok(d) => {
            assert!(!surrounded);
            assert_eq!(name_problem(label), None);
            assert!(!d.contains(dots));
            let account =
                Account::new("x", &d, &VECTOR_SID).expect("default domain is a valid domain");
            assert_eq!(account.offline_domain(), d);
            assert_eq!(
                Account::new("x", label, &VECTOR_SID)
                    .expect("valid label")
                    .offline_domain(),
                d
            );
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidDomain);
            assert!(surrounded || name_problem(label).is_some());
        }
    }
});
