//! Account names for a UI and a login integration: the normalized comparison form, and what is
//! wrong with a typed name.

use core::ffi::c_char;

use super::ptr::{self, Details, Out, OutBuf};
use super::status::{olr_error_details, olr_status, Fail};
use crate::{name_problem, normalize_names, NameProblem};

/// What is wrong with a typed username or offline user domain, as `olr_name_problem` reports it
/// (a `uint32_t` in C); the numbers are stable. `olr_name_problem_hint` gives a static English
/// hint for each.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum olr_name_problem_code {
    /// The name can be used.
    OLR_NAME_PROBLEM_NONE = 0,
    /// Nothing was typed.
    OLR_NAME_PROBLEM_EMPTY = 1,
    /// The name starts or ends with white space (the UI should trim it).
    OLR_NAME_PROBLEM_SURROUNDING_WHITE_SPACE = 2,
    /// A control (Cc) or format (Cf) character, such as a zero-width space.
    OLR_NAME_PROBLEM_CONTROL_OR_FORMAT_CHARACTER = 3,
    /// A line or paragraph separator (U+2028, U+2029) inside the name.
    OLR_NAME_PROBLEM_LINE_OR_PARAGRAPH_SEPARATOR = 4,
    /// A backslash: a qualified name such as `CORP\alice` was typed into one field.
    OLR_NAME_PROBLEM_QUALIFIED_NAME = 5,
    /// One of `" / [ ] : ; | = , + * ? < >`, which Windows forbids in account names.
    OLR_NAME_PROBLEM_FORBIDDEN_CHARACTER = 6,
    /// The normalized name is longer than `OLR_MAX_NAME_LEN` bytes.
    OLR_NAME_PROBLEM_TOO_LONG = 7,
}

/// Normalizes a username and an offline user domain as the seal and open functions do, and
/// writes both normalized forms (UTF-8, each NUL-terminated when there is room; each at most `OLR_MAX_NAME_LEN`
/// bytes). Two accounts are the same exactly when both forms are byte-equal: a login
/// integration compares what the user typed with its cached accounts in this form.
///
/// Fails with `OLR_INVALID_USERNAME` or `OLR_INVALID_DOMAIN` (the username is checked first;
/// `olr_name_problem` says why), or `OLR_BUFFER_TOO_SMALL`: when either buffer is too small, both
/// needed sizes are written to `*out_username_len` and `*out_domain_len` and nothing else.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_account_normalize(
    username: *const c_char,
    username_len: usize,
    offline_domain: *const c_char,
    offline_domain_len: usize,
    out_username: *mut c_char,
    username_cap: usize,
    out_username_len: *mut usize,
    out_domain: *mut c_char,
    domain_cap: usize,
    out_domain_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let username = ptr::text(username, username_len)?;
            let offline_domain = ptr::text(offline_domain, offline_domain_len)?;
            let user_out = OutBuf::text(out_username, username_cap, out_username_len)?;
            let domain_out = OutBuf::text(out_domain, domain_cap, out_domain_len)?;
            let (user, domain) = normalize_names(username, offline_domain)?;
            if user.len() > username_cap || domain.len() > domain_cap {
                Out::new(out_username_len)?.write(user.len());
                Out::new(out_domain_len)?.write(domain.len());
                return Err(Fail::Status(olr_status::OLR_BUFFER_TOO_SMALL));
            }
            user_out.write(user.as_bytes())?;
            domain_out.write(domain.as_bytes())
        })
    }
}

/// Says what is wrong with a typed username or offline user domain (`docs/PROTOCOL.md` §5):
/// writes an `olr_name_problem_code` to `*out_problem` (`OLR_NAME_PROBLEM_NONE` when the name
/// can be used). When several problems apply, the lowest-numbered one is reported. Fails only on
/// bad arguments (`OLR_NULL_POINTER`, `OLR_INVALID_UTF8`, `OLR_INVALID_LENGTH`).
#[no_mangle]
pub extern "C" fn olr_name_problem(
    text: *const c_char,
    text_len: usize,
    out_problem: *mut olr_name_problem_code,
) -> olr_status {
    ffi_boundary! {
        let text = ptr::text(text, text_len)?;
        let out_problem = Out::new(out_problem)?;
        out_problem.write(olr_name_problem_code::of(name_problem(text)));
        Ok(())
    }
}

impl olr_name_problem_code {
    pub(super) fn of(problem: Option<NameProblem>) -> Self {
        match problem {
            None => Self::OLR_NAME_PROBLEM_NONE,
            Some(NameProblem::Empty) => Self::OLR_NAME_PROBLEM_EMPTY,
            Some(NameProblem::SurroundingWhiteSpace) => {
                Self::OLR_NAME_PROBLEM_SURROUNDING_WHITE_SPACE
            }
            Some(NameProblem::ControlOrFormatCharacter) => {
                Self::OLR_NAME_PROBLEM_CONTROL_OR_FORMAT_CHARACTER
            }
            Some(NameProblem::LineOrParagraphSeparator) => {
                Self::OLR_NAME_PROBLEM_LINE_OR_PARAGRAPH_SEPARATOR
            }
            Some(NameProblem::QualifiedName) => Self::OLR_NAME_PROBLEM_QUALIFIED_NAME,
            Some(NameProblem::ForbiddenCharacter) => Self::OLR_NAME_PROBLEM_FORBIDDEN_CHARACTER,
            Some(NameProblem::TooLong) => Self::OLR_NAME_PROBLEM_TOO_LONG,
        }
    }
}

/// Longest hint plus its NUL; checked at compile time.
const HINT_CAP: usize = 128;

const fn nul_terminated(text: &str) -> [u8; HINT_CAP] {
    let bytes = text.as_bytes();
    assert!(bytes.len() < HINT_CAP, "name problem hint too long");
    let mut out = [0u8; HINT_CAP];
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

const NO_PROBLEM_HINT: &str = "the name can be used";
const UNKNOWN_PROBLEM_HINT: &str = "unknown name problem";

/// Index 0: no problem; 1 to 7: `NameProblem::hint`; the last: unknown numbers.
static HINTS: [[u8; HINT_CAP]; NameProblem::ALL.len() + 2] = {
    let mut table = [[0u8; HINT_CAP]; NameProblem::ALL.len() + 2];
    table[0] = nul_terminated(NO_PROBLEM_HINT);
    let mut i = 0;
    while i < NameProblem::ALL.len() {
        table[NameProblem::ALL[i].code() as usize] = nul_terminated(NameProblem::ALL[i].hint());
        i += 1;
    }
    table[NameProblem::ALL.len() + 1] = nul_terminated(UNKNOWN_PROBLEM_HINT);
    table
};

/// A static, NUL-terminated English hint saying what to fix for an `olr_name_problem` number;
/// any integer is accepted (unknown numbers get a generic text). Never NULL; never free it.
#[no_mangle]
pub extern "C" fn olr_name_problem_hint(problem: u32) -> *const c_char {
    ffi_boundary! {
        let index = usize::try_from(problem)
            .ok()
            .filter(|&p| p <= NameProblem::ALL.len())
            .unwrap_or(NameProblem::ALL.len() + 1);
        Ok(HINTS[index].as_ptr().cast::<c_char>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_numbers_equal_the_rust_numbers() {
        let c = [
            olr_name_problem_code::OLR_NAME_PROBLEM_EMPTY,
            olr_name_problem_code::OLR_NAME_PROBLEM_SURROUNDING_WHITE_SPACE,
            olr_name_problem_code::OLR_NAME_PROBLEM_CONTROL_OR_FORMAT_CHARACTER,
            olr_name_problem_code::OLR_NAME_PROBLEM_LINE_OR_PARAGRAPH_SEPARATOR,
            olr_name_problem_code::OLR_NAME_PROBLEM_QUALIFIED_NAME,
            olr_name_problem_code::OLR_NAME_PROBLEM_FORBIDDEN_CHARACTER,
            olr_name_problem_code::OLR_NAME_PROBLEM_TOO_LONG,
        ];
        for (c, rust) in c.iter().zip(NameProblem::ALL) {
            assert_eq!(*c as u32, rust.code());
            assert_eq!(olr_name_problem_code::of(Some(rust)), *c);
        }
        assert_eq!(olr_name_problem_code::OLR_NAME_PROBLEM_NONE as u32, 0);
    }

    fn hint(problem: u32) -> &'static str {
        crate::ffi::ptr::static_c_str(olr_name_problem_hint(problem))
            .and_then(|s| s.to_str().ok())
            .unwrap_or("<invalid>")
    }

    #[test]
    fn hints_are_static_text_for_any_integer() {
        for problem in NameProblem::ALL {
            assert_eq!(hint(problem.code()), problem.hint());
        }
        assert_eq!(hint(0), NO_PROBLEM_HINT);
        for unknown in [8, 100, u32::MAX] {
            assert_eq!(hint(unknown), UNKNOWN_PROBLEM_HINT);
        }
        assert!(hint(5).contains("type the username without the domain"));
    }
}
