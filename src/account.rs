//! The account a reset is for: a username and an "offline user domain", compared
//! case-insensitively by the rule in `docs/PROTOCOL.md` §5.

use core::fmt;

use crate::error::{Error, Result};

/// Longest normalized username or domain, in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Longest new password, in UTF-8 bytes (Windows allows 256 UTF-16 units, at most 768 bytes).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A username or domain in its normalized form, stored inline so that sealing and opening never
/// allocate.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct NormalizedName {
    bytes: [u8; MAX_NAME_BYTES],
    len: usize,
}

impl NormalizedName {
    /// Applies the protocol's rule: trim Unicode White_Space at both ends, refuse empty text and
    /// control characters, then map every character to its Unicode full uppercase (locale
    /// independent, as `char::to_uppercase`). Fails when the result exceeds 256 bytes.
    fn new(text: &str) -> Option<Self> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.chars().any(char::is_control) {
            return None;
        }
        let mut bytes = [0u8; MAX_NAME_BYTES];
        let mut len = 0;
        for upper in trimmed.chars().flat_map(char::to_uppercase) {
            let n = upper.len_utf8();
            if len + n > MAX_NAME_BYTES {
                return None;
            }
            upper.encode_utf8(&mut bytes[len..len + n]);
            len += n;
        }
        Some(NormalizedName { bytes, len })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(crate) fn as_str(&self) -> &str {
        // Built only from whole encoded chars.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// Who the reset is for: username and offline user domain, both normalized.
///
/// Two accounts are equal exactly when the protocol treats them as the same person.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    username: NormalizedName,
    domain: NormalizedName,
}

impl Account {
    /// An account from a username and an offline user domain. When the help-desk leaves the
    /// domain blank, pass [`default_offline_domain`] of the user's FQDN instead.
    ///
    /// # Errors
    /// [`Error::InvalidUsername`] or [`Error::InvalidDomain`] when a part is empty (after trimming
    /// white space), holds a control character, or normalizes to more than 256 bytes.
    pub fn new(username: &str, offline_domain: &str) -> Result<Self> {
        let username = NormalizedName::new(username).ok_or(Error::InvalidUsername)?;
        let domain = NormalizedName::new(offline_domain).ok_or(Error::InvalidDomain)?;
        Ok(Account { username, domain })
    }

    /// The normalized username (as bound into reset codes).
    pub fn username(&self) -> &str {
        self.username.as_str()
    }

    /// The normalized offline user domain (as bound into reset codes).
    pub fn offline_domain(&self) -> &str {
        self.domain.as_str()
    }

    pub(crate) fn username_bytes(&self) -> &[u8] {
        self.username.as_bytes()
    }

    pub(crate) fn domain_bytes(&self) -> &[u8] {
        self.domain.as_bytes()
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Account({}\\{})", self.offline_domain(), self.username())
    }
}

/// The offline user domain to use when none was given: the first label of the user's FQDN,
/// normalized (`corp.example.com` → `CORP`). A name without dots is its own first label.
///
/// # Errors
/// [`Error::InvalidDomain`] when the first label is empty (for example `.example.com` or an
/// empty string), holds a control character or white space, or is longer than 256 bytes.
pub fn default_offline_domain(fqdn: &str) -> Result<String> {
    let trimmed = fqdn.trim();
    let label = trimmed.split('.').next().unwrap_or_default();
    if label.chars().any(char::is_whitespace) {
        return Err(Error::InvalidDomain);
    }
    let name = NormalizedName::new(label).ok_or(Error::InvalidDomain)?;
    Ok(name.as_str().to_owned())
}

/// Checks a new password against the protocol's limits: non-empty, at most 1024 bytes of UTF-8.
/// The password is otherwise compared exactly, byte for byte; it is never normalized.
pub(crate) fn check_password(password: &str) -> Result<()> {
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::InvalidPassword);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: (&str, &str), b: (&str, &str)) -> bool {
        Account::new(a.0, a.1).unwrap() == Account::new(b.0, b.1).unwrap()
    }

    #[test]
    fn unicode_case_insensitive_rule() {
        assert!(same(("Jürgen", "corp"), ("JÜRGEN", "CORP")));
        assert!(same(("jürgen", "Corp"), ("JüRGEN", "cOrP")));
        assert!(same(("alice", "ÖSTERREICH"), ("ALICE", "österreich")));
        // Dotted capital I upper-cases to itself; plain i upper-cases to dotless I: no Turkish
        // tailoring, so these are different names.
        assert!(!same(("İstanbul", "D"), ("istanbul", "D")));
        assert_eq!(
            Account::new("İstanbul", "d").unwrap().username(),
            "İSTANBUL"
        );
        assert_eq!(
            Account::new("istanbul", "d").unwrap().username(),
            "ISTANBUL"
        );
        // Full mapping: sharp s becomes SS; final and medial sigma match.
        assert!(same(("straße", "d"), ("STRASSE", "d")));
        assert!(same(("ΟΔΥΣΣΕΥΣ", "d"), ("οδυσσευς", "d")));
        // No Unicode normalization: precomposed ü and u + combining diaeresis differ.
        assert!(!same(("J\u{fc}rgen", "d"), ("Ju\u{308}rgen", "d")));
        // Surrounding white space is trimmed, inner white space kept.
        assert!(same(("  alice\t", " corp "), ("alice", "corp")));
        assert!(!same(("al ice", "corp"), ("alice", "corp")));
    }

    #[test]
    fn bad_names_are_refused() {
        assert_eq!(Account::new("", "corp"), Err(Error::InvalidUsername));
        assert_eq!(Account::new("   ", "corp"), Err(Error::InvalidUsername));
        assert_eq!(Account::new("a\u{0}b", "corp"), Err(Error::InvalidUsername));
        assert_eq!(Account::new("alice", ""), Err(Error::InvalidDomain));
        assert_eq!(Account::new("alice", "co\nrp"), Err(Error::InvalidDomain));
        let long = "a".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(Account::new(&long, "corp"), Err(Error::InvalidUsername));
        assert!(Account::new(&long[1..], "corp").is_ok());
        // Expansion counts: 129 sharp s become 258 bytes.
        let expands = "ß".repeat(129);
        assert_eq!(Account::new(&expands, "corp"), Err(Error::InvalidUsername));
    }

    #[test]
    fn default_domain_is_first_label() {
        assert_eq!(default_offline_domain("corp.example.com").unwrap(), "CORP");
        assert_eq!(default_offline_domain("Corp").unwrap(), "CORP");
        assert_eq!(
            default_offline_domain("österreich.example").unwrap(),
            "ÖSTERREICH"
        );
        assert_eq!(
            default_offline_domain(" corp.example.com ").unwrap(),
            "CORP"
        );
        assert_eq!(default_offline_domain(""), Err(Error::InvalidDomain));
        assert_eq!(
            default_offline_domain(".example.com"),
            Err(Error::InvalidDomain)
        );
        assert_eq!(
            default_offline_domain("co rp.example"),
            Err(Error::InvalidDomain)
        );
    }

    #[test]
    fn password_limits() {
        assert_eq!(check_password(""), Err(Error::InvalidPassword));
        assert!(check_password(" ").is_ok());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES)).is_ok());
        assert_eq!(
            check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
            Err(Error::InvalidPassword)
        );
    }
}
