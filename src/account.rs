//! The account a reset is for: a username and an "offline user domain", compared
//! case-insensitively as Windows compares account names (`docs/PROTOCOL.md` §5): every UTF-16
//! code unit through Windows' one-to-one upper-case table, nothing else.

use core::fmt;

use crate::error::{Error, Result};
use crate::windows_upcase::{FORMAT_CHARACTERS, UPCASE};

/// Longest normalized username or domain, in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Longest new password, in UTF-8 bytes (Windows allows 256 UTF-16 units, at most 768 bytes).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The 25 characters with the Unicode `White_Space` property, which a name may not start or end
/// with (the UI trims; the library never does).
const WHITE_SPACE: [char; 25] = [
    '\u{9}', '\u{A}', '\u{B}', '\u{C}', '\u{D}', '\u{20}', '\u{85}', '\u{A0}', '\u{1680}',
    '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}',
    '\u{2008}', '\u{2009}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}',
];

/// The characters Windows forbids in account names (besides controls).
pub const FORBIDDEN_NAME_CHARACTERS: [char; 15] = [
    '"', '/', '\\', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>',
];

/// Why a typed username or domain cannot be used, for a UI to show what to fix. When several
/// apply, the first in this order is reported. The numbers are stable (the C ABI's
/// `olr_name_problem`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum NameProblem {
    /// Nothing was typed.
    Empty = 1,
    /// The text starts or ends with a `White_Space` character (the UI should trim it).
    SurroundingWhiteSpace = 2,
    /// A control (Cc) or format (Cf) character, such as a zero-width space or a bidi control.
    ControlOrFormatCharacter = 3,
    /// A line or paragraph separator (U+2028, U+2029) inside the text.
    LineOrParagraphSeparator = 4,
    /// A backslash: a qualified name such as `CORP\alice` was typed into one field.
    QualifiedName = 5,
    /// One of `" / [ ] : ; | = , + * ? < >`, which Windows forbids in account names.
    ForbiddenCharacter = 6,
    /// The normalized text is longer than [`MAX_NAME_BYTES`] bytes of UTF-8.
    TooLong = 7,
}

impl NameProblem {
    /// Every problem, in reporting order.
    pub const ALL: [NameProblem; 7] = [
        NameProblem::Empty,
        NameProblem::SurroundingWhiteSpace,
        NameProblem::ControlOrFormatCharacter,
        NameProblem::LineOrParagraphSeparator,
        NameProblem::QualifiedName,
        NameProblem::ForbiddenCharacter,
        NameProblem::TooLong,
    ];

    /// A static, plain-language English hint saying what to fix.
    pub const fn hint(&self) -> &'static str {
        match self {
            NameProblem::Empty => "type the name",
            NameProblem::SurroundingWhiteSpace => "remove the spaces at the start or end",
            NameProblem::ControlOrFormatCharacter => {
                "remove the invisible control or format character (paste the name as plain text or type it)"
            }
            NameProblem::LineOrParagraphSeparator => "type the name on one line",
            NameProblem::QualifiedName => {
                "type the username without the domain (alice, not CORP\\alice), and the domain in its own field"
            }
            NameProblem::ForbiddenCharacter => {
                "remove the character Windows does not allow in account names: \" / [ ] : ; | = , + * ? < >"
            }
            NameProblem::TooLong => "the name is too long (at most 256 bytes)",
        }
    }

    /// The stable number (C: `olr_name_problem`).
    pub const fn code(&self) -> u32 {
        *self as u32
    }
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hint())
    }
}

/// What is wrong with `text` as a username or an offline user domain, or `None` when it is
/// usable. Allocates nothing.
pub fn name_problem(text: &str) -> Option<NameProblem> {
    NormalizedName::new(text).err()
}

fn is_white_space(c: char) -> bool {
    WHITE_SPACE.contains(&c)
}

/// General category Cc (U+0000–U+001F, U+007F–U+009F) or Cf (the generated table).
fn is_control_or_format(c: char) -> bool {
    let cp = u32::from(c);
    if cp <= 0x1F || (0x7F..=0x9F).contains(&cp) {
        return true;
    }
    FORMAT_CHARACTERS
        .binary_search_by(|&(first, last)| {
            if last < cp {
                core::cmp::Ordering::Less
            } else if first > cp {
                core::cmp::Ordering::Greater
            } else {
                core::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// A UTF-16 code unit through the Windows upper-case table; unlisted units map to themselves.
pub(crate) fn upcase_unit(unit: u16) -> u16 {
    match UPCASE.binary_search_by_key(&unit, |&(from, _)| from) {
        Ok(i) => UPCASE[i].1,
        Err(_) => unit,
    }
}

/// A character through the table: BMP characters are one code unit; characters outside the BMP
/// are two surrogates, which map to themselves.
fn upcase(c: char) -> char {
    match u16::try_from(u32::from(c)) {
        // The table maps non-surrogates to non-surrogates (tested), so this never falls back.
        Ok(unit) => char::from_u32(u32::from(upcase_unit(unit))).unwrap_or(c),
        Err(_) => c,
    }
}

/// A username or domain in its normalized form, stored inline so that sealing and opening never
/// allocate.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct NormalizedName {
    bytes: [u8; MAX_NAME_BYTES],
    len: usize,
}

impl NormalizedName {
    /// Applies the protocol's rule: refuse what [`NameProblem`] lists, then map every UTF-16
    /// code unit through the Windows upper-case table; the result, as UTF-8, is the normalized
    /// form.
    fn new(text: &str) -> core::result::Result<Self, NameProblem> {
        let (Some(first), Some(last)) = (text.chars().next(), text.chars().next_back()) else {
            return Err(NameProblem::Empty);
        };
        if is_white_space(first) || is_white_space(last) {
            return Err(NameProblem::SurroundingWhiteSpace);
        }
        let (mut control, mut separator, mut backslash, mut forbidden) =
            (false, false, false, false);
        let mut bytes = [0u8; MAX_NAME_BYTES];
        let mut len = 0;
        let mut too_long = false;
        for c in text.chars() {
            control |= is_control_or_format(c);
            separator |= c == '\u{2028}' || c == '\u{2029}';
            backslash |= c == '\\';
            forbidden |= FORBIDDEN_NAME_CHARACTERS.contains(&c);
            let upper = upcase(c);
            let n = upper.len_utf8();
            if len + n > MAX_NAME_BYTES {
                too_long = true;
            } else if !too_long {
                upper.encode_utf8(&mut bytes[len..len + n]);
                len += n;
            }
        }
        let problem = if control {
            Some(NameProblem::ControlOrFormatCharacter)
        } else if separator {
            Some(NameProblem::LineOrParagraphSeparator)
        } else if backslash {
            Some(NameProblem::QualifiedName)
        } else if forbidden {
            Some(NameProblem::ForbiddenCharacter)
        } else if too_long {
            Some(NameProblem::TooLong)
        } else {
            None
        };
        match problem {
            Some(problem) => Err(problem),
            None => Ok(NormalizedName { bytes, len }),
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(crate) fn as_str(&self) -> &str {
        // Built only from whole encoded chars.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// Shortest binary SID: revision, count, authority and one sub-authority.
pub const MIN_SID_LEN: usize = 12;
/// Longest binary SID: revision, count, authority and 15 sub-authorities.
pub const MAX_SID_LEN: usize = 8 + 4 * 15;

/// Checks a binary SID ([MS-DTYP] §2.4.2.2, docs/PROTOCOL.md §5): revision 1, 1 to 15
/// sub-authorities, exactly `8 + 4 * count` bytes.
pub(crate) fn check_sid(sid: &[u8]) -> Result<()> {
    match sid {
        [1, count @ 1..=15, ..] if sid.len() == 8 + 4 * usize::from(*count) => Ok(()),
        _ => Err(Error::InvalidSid),
    }
}

/// An account's binary SID, checked, held inline (no allocation).
#[derive(Clone, PartialEq, Eq)]
struct Sid {
    bytes: [u8; MAX_SID_LEN],
    len: usize,
}

impl Sid {
    fn new(sid: &[u8]) -> Result<Self> {
        check_sid(sid)?;
        let mut bytes = [0u8; MAX_SID_LEN];
        bytes[..sid.len()].copy_from_slice(sid);
        Ok(Sid {
            bytes,
            len: sid.len(),
        })
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Who the reset is for: username and offline user domain, both normalized, and the account's
/// SID.
///
/// Two accounts are equal exactly when their normalized names (Windows' one-to-one upper-case
/// table) and their SIDs are byte-equal. The SID keeps apart accounts that reuse a name.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    username: NormalizedName,
    domain: NormalizedName,
    sid: Sid,
}

impl Account {
    /// An account from a username, an offline user domain and the account's binary SID (the
    /// directory's `objectSid` on the server, the cached account's SID on the machine), names
    /// exactly as given (nothing is trimmed: the UI trims). When the help-desk leaves the domain
    /// blank, pass [`default_offline_domain`] of the user's FQDN instead. Allocates nothing.
    ///
    /// # Errors
    /// [`Error::InvalidUsername`] or [`Error::InvalidDomain`] (the username is checked first)
    /// when [`name_problem`] finds a problem with that part; then [`Error::InvalidSid`] unless
    /// `sid` is a binary SID (revision 1, 1 to 15 sub-authorities, `8 + 4 * count` bytes).
    pub fn new(username: &str, offline_domain: &str, sid: &[u8]) -> Result<Self> {
        let username = NormalizedName::new(username).map_err(|_| Error::InvalidUsername)?;
        let domain = NormalizedName::new(offline_domain).map_err(|_| Error::InvalidDomain)?;
        let sid = Sid::new(sid)?;
        Ok(Account {
            username,
            domain,
            sid,
        })
    }

    /// The normalized username (as bound into reset codes, and the form to compare with).
    pub fn username(&self) -> &str {
        self.username.as_str()
    }

    /// The normalized offline user domain (as bound into reset codes).
    pub fn offline_domain(&self) -> &str {
        self.domain.as_str()
    }

    /// The account's binary SID, as given.
    pub fn sid(&self) -> &[u8] {
        self.sid.as_bytes()
    }

    /// `DOMAIN\USERNAME`, both normalized (`CORP\ALICE`), for display and logs.
    pub fn display_name(&self) -> String {
        format!("{}\\{}", self.offline_domain(), self.username())
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

/// The normalized forms of a username and an offline user domain (§5), without an account: what
/// a login integration compares to find the one cached account a typed name means.
///
/// # Errors
/// [`Error::InvalidUsername`] or [`Error::InvalidDomain`] (the username is checked first).
pub fn normalize_names(username: &str, offline_domain: &str) -> Result<(String, String)> {
    let username = NormalizedName::new(username).map_err(|_| Error::InvalidUsername)?;
    let domain = NormalizedName::new(offline_domain).map_err(|_| Error::InvalidDomain)?;
    Ok((username.as_str().to_owned(), domain.as_str().to_owned()))
}

/// The label separators of UTS #46: full stop, ideographic full stop, fullwidth full stop,
/// halfwidth ideographic full stop.
const LABEL_SEPARATORS: [char; 4] = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// The offline user domain to use when none was given: the first label of the user's FQDN,
/// normalized (`corp.example.com` → `CORP`). Labels end at the first `.`, U+3002, U+FF0E or
/// U+FF61; a name without one is its own first label. Nothing is trimmed.
///
/// # Errors
/// [`Error::InvalidDomain`] when the FQDN starts or ends with white space, or the first label
/// has a [`name_problem`] (for example `.example.com` or an empty string).
pub fn default_offline_domain(fqdn: &str) -> Result<String> {
    if fqdn.starts_with(is_white_space) || fqdn.ends_with(is_white_space) {
        return Err(Error::InvalidDomain);
    }
    let label = fqdn.split(LABEL_SEPARATORS).next().unwrap_or_default();
    let name = NormalizedName::new(label).map_err(|_| Error::InvalidDomain)?;
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
    use crate::windows_upcase::FORMAT_CHARACTERS_UNICODE_VERSION;

    /// S-1-5-21-1004336348-1177238915-682003330-1104 in binary.
    const VECTOR_SID: [u8; 28] = [
        1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xDC, 0x2E, 0xDD, 0x3B, 0x83, 0x71, 0x2B, 0x46, 0x82,
        0xD5, 0xA6, 0x28, 0x50, 0x04, 0, 0,
    ];

    #[test]
    fn sids_are_checked_by_structure() {
        assert!(check_sid(&VECTOR_SID).is_ok());
        assert!(check_sid(&VECTOR_SID[..12]).is_err()); // count 5, one sub-authority present
        let mut one = VECTOR_SID[..12].to_vec();
        one[1] = 1;
        assert!(check_sid(&one).is_ok());
        let mut revision = VECTOR_SID;
        revision[0] = 2;
        assert_eq!(check_sid(&revision), Err(Error::InvalidSid));
        let mut none = VECTOR_SID[..8].to_vec();
        none[1] = 0;
        assert_eq!(check_sid(&none), Err(Error::InvalidSid));
        assert_eq!(check_sid(&[]), Err(Error::InvalidSid));
        let mut sixteen = vec![1u8, 16, 0, 0, 0, 0, 0, 5];
        sixteen.extend([0u8; 64]);
        assert_eq!(check_sid(&sixteen), Err(Error::InvalidSid));
        let mut fifteen = vec![1u8, 15, 0, 0, 0, 0, 0, 5];
        fifteen.extend([0u8; 60]);
        assert!(check_sid(&fifteen).is_ok());
        assert_eq!(
            Account::new("alice", "CORP", &VECTOR_SID[..27]),
            Err(Error::InvalidSid)
        );
        // Names are checked before the SID.
        assert_eq!(Account::new("", "CORP", &[]), Err(Error::InvalidUsername));
    }

    fn same(a: (&str, &str), b: (&str, &str)) -> bool {
        Account::new(a.0, a.1, &VECTOR_SID).unwrap() == Account::new(b.0, b.1, &VECTOR_SID).unwrap()
    }

    fn user(name: &str) -> String {
        Account::new(name, "d", &VECTOR_SID)
            .unwrap()
            .username()
            .to_owned()
    }

    #[test]
    fn windows_rule_keeps_apart_what_windows_keeps_apart() {
        assert!(same(("Jürgen", "corp"), ("JÜRGEN", "CORP")));
        assert!(same(("alice", "ÖSTERREICH"), ("ALICE", "österreich")));
        // One-to-one only: nothing expands.
        assert!(!same(("straße", "d"), ("STRASSE", "d")));
        assert_eq!(user("straße"), "STRAßE");
        assert!(!same(("finn", "d"), ("ﬁnn", "d")));
        assert_eq!(user("ﬁnn"), "ﬁNN");
        // Letters whose capital already has another lowercase partner map to themselves.
        assert!(!same(("admin", "d"), ("admın", "d")));
        assert!(!same(("ıvan", "d"), ("IVAN", "d")));
        assert!(!same(("sven", "d"), ("ſven", "d")));
        assert!(!same(("µser", "d"), ("μser", "d")));
        assert!(same(("μser", "d"), ("ΜSER", "d")));
        assert!(same(("σ", "d"), ("Σ", "d")));
        assert!(!same(("ς", "d"), ("σ", "d")));
        // No Turkish tailoring, no normalization form.
        assert!(!same(("İstanbul", "D"), ("istanbul", "D")));
        assert!(!same(("J\u{fc}rgen", "d"), ("Ju\u{308}rgen", "d")));
        // Outside the BMP nothing maps (Deseret has case in Unicode, not in the table).
        assert_eq!(user("\u{10428}"), "\u{10428}");
        assert!(!same(("al ice", "corp"), ("alice", "corp")));
    }

    #[test]
    fn each_problem_is_reported() {
        let cases: [(&str, Option<NameProblem>); 22] = [
            ("alice", None),
            ("al ice", None),
            ("alice@corp.example", None),
            ("", Some(NameProblem::Empty)),
            (" alice", Some(NameProblem::SurroundingWhiteSpace)),
            ("alice\u{A0}", Some(NameProblem::SurroundingWhiteSpace)),
            ("\u{3000}alice", Some(NameProblem::SurroundingWhiteSpace)),
            ("\u{2028}", Some(NameProblem::SurroundingWhiteSpace)),
            ("a\u{0}b", Some(NameProblem::ControlOrFormatCharacter)),
            ("al\u{85}ice", Some(NameProblem::ControlOrFormatCharacter)),
            ("al\u{200B}ice", Some(NameProblem::ControlOrFormatCharacter)),
            ("\u{FEFF}alice", Some(NameProblem::ControlOrFormatCharacter)),
            ("al\u{AD}ice", Some(NameProblem::ControlOrFormatCharacter)),
            ("al\u{202E}ice", Some(NameProblem::ControlOrFormatCharacter)),
            (
                "alice\u{E0041}",
                Some(NameProblem::ControlOrFormatCharacter),
            ),
            ("al\u{2028}ice", Some(NameProblem::LineOrParagraphSeparator)),
            ("al\u{2029}ice", Some(NameProblem::LineOrParagraphSeparator)),
            ("CORP\\alice", Some(NameProblem::QualifiedName)),
            ("a:b", Some(NameProblem::ForbiddenCharacter)),
            // The first problem in reporting order wins.
            ("a\\b\u{200B}", Some(NameProblem::ControlOrFormatCharacter)),
            ("a*b\\", Some(NameProblem::QualifiedName)),
            (" \u{0}", Some(NameProblem::SurroundingWhiteSpace)),
        ];
        for (text, problem) in cases {
            assert_eq!(name_problem(text), problem, "{text:?}");
            let expected = match problem {
                None => Ok(()),
                Some(_) => Err(Error::InvalidUsername),
            };
            assert_eq!(
                Account::new(text, "d", &VECTOR_SID).map(|_| ()),
                expected,
                "{text:?}"
            );
            let expected = expected.map_err(|_| Error::InvalidDomain);
            assert_eq!(
                Account::new("u", text, &VECTOR_SID).map(|_| ()),
                expected,
                "{text:?}"
            );
        }
        for c in FORBIDDEN_NAME_CHARACTERS {
            let expected = if c == '\\' {
                NameProblem::QualifiedName
            } else {
                NameProblem::ForbiddenCharacter
            };
            assert_eq!(name_problem(&format!("a{c}b")), Some(expected), "{c}");
        }
        for c in WHITE_SPACE {
            assert_eq!(
                name_problem(&format!("a{c}")),
                Some(NameProblem::SurroundingWhiteSpace)
            );
            assert!(c.is_whitespace(), "U+{:04X}", u32::from(c));
        }
        // Exactly the White_Space characters (Rust's is_whitespace is that property).
        let count = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .count();
        assert_eq!(count, WHITE_SPACE.len());
    }

    #[test]
    fn length_counts_the_normalized_utf8() {
        let long = "a".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(name_problem(&long), Some(NameProblem::TooLong));
        assert_eq!(name_problem(&long[1..]), None);
        // ɐ (U+0250, 2 bytes) maps to Ɐ (U+2C6F, 3 bytes): 86 of them are 172 bytes typed but
        // 258 normalized.
        let grows = "\u{250}".repeat(86);
        assert_eq!(grows.len(), 172);
        assert_eq!(name_problem(&grows), Some(NameProblem::TooLong));
        assert_eq!(user(&"\u{250}".repeat(85)).len(), 255);
        // ß does not expand: 128 of them are 256 bytes either way.
        assert_eq!(user(&"ß".repeat(128)).len(), 256);
    }

    #[test]
    fn hints_are_distinct_and_numbers_stable() {
        let numbers: Vec<u32> = NameProblem::ALL.iter().map(NameProblem::code).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
        for (i, a) in NameProblem::ALL.iter().enumerate() {
            assert!(!a.hint().is_empty() && a.hint().len() < 127);
            assert_eq!(a.to_string(), a.hint());
            for b in &NameProblem::ALL[i + 1..] {
                assert_ne!(a.hint(), b.hint());
            }
        }
        assert!(NameProblem::QualifiedName
            .hint()
            .contains("type the username without the domain"));
    }

    #[test]
    fn format_table_is_sorted_and_has_the_known_members() {
        assert_eq!(FORMAT_CHARACTERS_UNICODE_VERSION, (17, 0, 0));
        for pair in FORMAT_CHARACTERS.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 + 1 < pair[1].0);
        }
        for cp in [
            0xAD, 0x600, 0x61C, 0x200B, 0x200F, 0x202A, 0x2066, 0xFEFF, 0xE0001, 0xE007F,
        ] {
            assert!(is_control_or_format(char::from_u32(cp).unwrap()), "{cp:X}");
        }
        for cp in [0x20, 0x41, 0xA0, 0x2028, 0x200A, 0x2065, 0xFFFC, 0xE0080] {
            assert!(!is_control_or_format(char::from_u32(cp).unwrap()), "{cp:X}");
        }
    }

    #[test]
    fn embedded_table_is_the_normative_json() {
        let json: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/windows-upcase/upcase.json"))
                .unwrap();
        let unit = |h: &serde_json::Value| u16::from_str_radix(h.as_str().unwrap(), 16).unwrap();
        let pairs: Vec<(u16, u16)> = json["mappings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (unit(&m[0]), unit(&m[1])))
            .collect();
        assert_eq!(pairs.len(), 973);
        assert_eq!(pairs, UPCASE.to_vec());
    }

    #[test]
    fn upcase_table_is_one_to_one_and_idempotent() {
        let mut targets = std::collections::HashSet::new();
        for &(from, to) in UPCASE.iter() {
            assert_ne!(from, to);
            assert!(targets.insert(to), "two code units map to {to:04X}");
            // A capital maps to itself: equality classes have at most two members.
            assert_eq!(upcase_unit(to), to);
            for unit in [from, to] {
                let c = char::from_u32(u32::from(unit)).expect("not a surrogate");
                assert!(name_problem(&c.to_string()).is_none(), "{unit:04X}");
            }
        }
        for pair in UPCASE.windows(2) {
            assert!(pair[0].0 < pair[1].0);
        }
    }

    #[test]
    fn default_domain_is_first_label() {
        assert_eq!(default_offline_domain("corp.example.com").unwrap(), "CORP");
        assert_eq!(default_offline_domain("Corp").unwrap(), "CORP");
        for dot in LABEL_SEPARATORS {
            assert_eq!(
                default_offline_domain(&format!("corp{dot}example{dot}com")).unwrap(),
                "CORP"
            );
            assert_eq!(
                default_offline_domain(&format!("{dot}example")),
                Err(Error::InvalidDomain)
            );
        }
        assert_eq!(
            default_offline_domain("österreich.example").unwrap(),
            "ÖSTERREICH"
        );
        for bad in [
            " corp.example.com",
            "corp.example.com ",
            "corp.example.com\u{A0}",
            "",
            ".example.com",
            "co rp.example",
            "co\u{200B}rp.example",
            "co:rp.example",
        ] {
            let expected = if bad == "co rp.example" {
                Ok("CO RP".to_owned())
            } else {
                Err(Error::InvalidDomain)
            };
            assert_eq!(default_offline_domain(bad), expected, "{bad:?}");
        }
    }

    #[test]
    fn display_name_is_domain_backslash_username() {
        let account = Account::new("alice", "Corp", &VECTOR_SID).unwrap();
        assert_eq!(account.display_name(), "CORP\\ALICE");
        assert_eq!(format!("{account:?}"), "Account(CORP\\ALICE)");
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
