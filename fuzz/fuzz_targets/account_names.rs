//! Username and domain normalization, and the default offline domain from an FQDN: text typed by
//! users and help-desk agents. Input: username, domain, FQDN separated by 0xFF.
//!
//! The target checks the rule of `docs/PROTOCOL.md` §5 against an independent statement of it:
//! trim Unicode White_Space, refuse empty text and control characters, full uppercase, at most
//! 256 bytes; and that normalizing is idempotent and case-blind for upper-casing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{default_offline_domain, Account, Error, MAX_NAME_BYTES};
use offline_reset_fuzz::str_fields;

/// The rule, written plainly with allocation.
fn expected(name: &str) -> Option<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().any(char::is_control) {
        return None;
    }
    let upper = trimmed.to_uppercase();
    (upper.len() <= MAX_NAME_BYTES).then_some(upper)
}

fuzz_target!(|data: &[u8]| {
    let Some([username, domain, fqdn]) = str_fields::<3>(data) else {
        return;
    };
    let result = Account::new(username, domain);
    match (expected(username), expected(domain)) {
        (None, _) => assert_eq!(result, Err(Error::InvalidUsername)),
        (Some(_), None) => assert_eq!(result, Err(Error::InvalidDomain)),
        (Some(u), Some(d)) => {
            let account = result.expect("valid names");
            assert_eq!(account.username(), u);
            assert_eq!(account.offline_domain(), d);
            // Idempotent: the normalized names normalize to themselves.
            let again = Account::new(account.username(), account.offline_domain())
                .expect("normalized names are valid");
            assert_eq!(again, account);
            // Upper-casing what was typed changes nothing.
            assert_eq!(
                Account::new(&username.to_uppercase(), &domain.to_uppercase()).as_ref(),
                Ok(&account)
            );
            let _ = format!("{account:?}");
        }
    }

    match default_offline_domain(fqdn) {
        Ok(d) => {
            let label = fqdn.trim().split('.').next().unwrap_or_default();
            assert!(!label.chars().any(char::is_whitespace));
            assert_eq!(expected(label).as_deref(), Some(d.as_str()));
            assert!(!d.contains('.'));
            let account = Account::new("x", &d).expect("default domain is a valid domain");
            assert_eq!(account.offline_domain(), d);
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidDomain);
            let label = fqdn.trim().split('.').next().unwrap_or_default();
            assert!(label.chars().any(char::is_whitespace) || expected(label).is_none());
        }
    }
});
