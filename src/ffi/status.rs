//! Status numbers, their messages, and the details of a failure.

use core::ffi::c_char;

use crate::error::{message_for_code, Error};

/// The result of every fallible function. Numbers 1 to 99 are the Rust library's error codes
/// (`offline_reset::Error::code`); numbers from 100 are failures only the C API has. A number is
/// never reused or renumbered; new statuses are only appended (see `docs/ABI.md`), so callers
/// must treat an unknown number as a failure.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum olr_status {
    /// Success.
    OLR_OK = 0,
    /// The input is not in the expected format (wrong length, characters outside the alphabet
    /// in a non-typed field, trailing data, non-canonical encoding).
    OLR_MALFORMED_INPUT = 1,
    /// A typed code failed its typing checks; `olr_error_details.mistyped_group` names the first
    /// group (1-based, in reading order) that fails its own check, or is 0 when every group passes
    /// its own check and the whole-code check fails.
    OLR_MISTYPED = 2,
    /// Made by a protocol or format version this library does not implement;
    /// `olr_error_details.found_version` holds the version found.
    OLR_UNSUPPORTED_VERSION = 3,
    /// The code belongs to another key generation; `olr_error_details.code_epoch` and
    /// `.current_epoch` say which. Redeploy the login integration and request a new code.
    OLR_KEY_ROTATED = 4,
    /// The reset code's lifetime has passed (beyond the allowed clock skew).
    OLR_EXPIRED = 5,
    /// The reset code's issue time is in the future (beyond the allowed clock skew).
    OLR_NOT_YET_VALID = 6,
    /// The reset code does not open for this machine, username, domain and new password.
    OLR_REJECTED = 7,
    /// A key is not valid key material (P-256), or a wrapping key is not
    /// `OLR_WRAPPING_KEY_LEN` bytes long.
    OLR_INVALID_KEY_MATERIAL = 8,
    /// The wrapping key does not match the one the object was wrapped under.
    OLR_WRONG_WRAPPING_KEY = 9,
    /// The operating system's random number generator failed.
    OLR_RNG_FAILURE = 10,
    /// The object ends before its declared length.
    OLR_TRUNCATED = 11,
    /// The object's checksum or authentication failed: it was damaged or tampered with.
    OLR_CORRUPTED = 12,
    /// The object is valid but of another kind (for example a machine state given as a key
    /// ring).
    OLR_WRONG_KIND = 13,
    /// A wrapped object was given without a wrapping key, or a wrapping key was given for an
    /// object that is not wrapped.
    OLR_WRAPPING_MISMATCH = 14,
    /// The username is refused by the name rule of docs/PROTOCOL.md §5: empty, white space at
    /// either end, a control, format or forbidden character (`\` included: type it without
    /// the domain), or longer than `OLR_MAX_NAME_LEN` bytes normalized; `olr_name_problem` says
    /// which.
    OLR_INVALID_USERNAME = 15,
    /// The offline user domain (or FQDN) is refused by the name rule of docs/PROTOCOL.md §5, as
    /// for `OLR_INVALID_USERNAME`; `olr_name_problem` says which.
    OLR_INVALID_DOMAIN = 16,
    /// The new password is empty or longer than `OLR_MAX_PASSWORD_LEN` bytes.
    OLR_INVALID_PASSWORD = 17,
    /// A policy value is out of its documented range.
    OLR_INVALID_POLICY = 18,
    /// A time is outside the range the protocol can represent (2025 to 2152).
    OLR_TIME_OUT_OF_RANGE = 19,
    /// The key ring has used every epoch number the protocol can carry.
    OLR_EPOCHS_EXHAUSTED = 20,
    /// The replay ledger already holds this reset code: a code works once (ABI 1.1).
    OLR_ALREADY_USED = 21,
    /// The replay ledger holds a code for this account issued at the same minute or later
    /// (ABI 1.1).
    OLR_SUPERSEDED = 22,
    /// The code's epoch is older than the machine's: request a new code with the identification
    /// code shown now. `olr_error_details.code_epoch` / `.current_epoch` say which (ABI 1.1).
    OLR_CODE_BEFORE_ROTATION = 23,
    /// The code's epoch is newer than the machine's: redeploy the login integration.
    /// `olr_error_details.code_epoch` / `.current_epoch` say which (ABI 1.1).
    OLR_REDEPLOY_NEEDED = 24,
    /// The replay ledger holds its maximum number of entries that still matter (ABI 1.1).
    OLR_LEDGER_FULL = 25,
    /// Text arrived as UTF-16 where UTF-8 or ASCII was expected (ABI 1.1).
    OLR_UTF16_TEXT = 26,
    /// `now` is earlier than a time the replay ledger already saw, by more than the clock skew.
    OLR_CLOCK_SET_BACK = 27,
    /// The failed-attempt limit of this reset code or this account is reached.
    OLR_TOO_MANY_ATTEMPTS = 28,
    /// The replay ledger belongs to another machine or enrollment.
    OLR_LEDGER_OF_ANOTHER_MACHINE = 29,
    /// The replay ledger's generation is below the minimum given: an older copy.
    OLR_LEDGER_ROLLED_BACK = 30,
    /// The deployment package's epoch is older than the machine's, or conflicts with it.
    OLR_PACKAGE_EPOCH_TOO_OLD = 31,
    /// The deployment package's signature does not verify, or its signer is not the pinned key.
    OLR_PACKAGE_SIGNATURE_INVALID = 32,
    /// The account SID is not a well-formed binary SID.
    OLR_INVALID_SID = 33,
    /// The memory for the password binding (Argon2id) could not be reserved.
    OLR_OUT_OF_MEMORY = 34,
    /// This build has no PKCS#11 support: the library was built without the `pkcs11` feature. (ABI 2.1)
    OLR_PKCS11_NOT_BUILT = 35,
    /// The PKCS#11 module could not be loaded or initialized (wrong path, not a PKCS#11 module). (ABI 2.1)
    OLR_TOKEN_MODULE_NOT_FOUND = 36,
    /// No slot of the PKCS#11 module holds a token with the given label. (ABI 2.1)
    OLR_TOKEN_ABSENT = 37,
    /// The token refused the PIN (wrong, expired or locked). (ABI 2.1)
    OLR_TOKEN_WRONG_PIN = 38,
    /// The token holds no key ring under the label prefix, or a key the ring names is missing or is not the one recorded. (ABI 2.1)
    OLR_TOKEN_KEY_MISSING = 39,
    /// The token already holds a key ring under the label prefix. (ABI 2.1)
    OLR_TOKEN_RING_EXISTS = 40,
    /// The PKCS#11 token refused or failed an operation (not the PIN, not a missing key). (ABI 2.1)
    OLR_TOKEN_FAILURE = 41,
    /// The key ring's keys are held in a PKCS#11 token and never leave it: it cannot be exported. (ABI 2.1)
    OLR_KEYS_IN_TOKEN = 42,
    /// A required pointer is NULL (or a NULL input was given a non-zero length).
    OLR_NULL_POINTER = 100,
    /// A string input is not valid UTF-8.
    OLR_INVALID_UTF8 = 101,
    /// The output buffer is too small; the needed size was written to the length
    /// out-parameter and nothing else was written.
    OLR_BUFFER_TOO_SMALL = 102,
    /// An input length is larger than `OLR_MAX_INPUT_LEN`.
    OLR_INVALID_LENGTH = 103,
    /// The library panicked (a bug): the call had no effect on `const` handles, and a handle
    /// passed as non-`const` should be freed.
    OLR_PANIC = 104,
    /// A UTF-16 text argument (the `_utf16` functions) holds an unpaired surrogate.
    OLR_INVALID_UTF16 = 105,
}

impl olr_status {
    /// Every status, in number order (the tests walk it).
    #[cfg(test)]
    pub(crate) const ALL: [olr_status; 49] = [
        olr_status::OLR_OK,
        olr_status::OLR_MALFORMED_INPUT,
        olr_status::OLR_MISTYPED,
        olr_status::OLR_UNSUPPORTED_VERSION,
        olr_status::OLR_KEY_ROTATED,
        olr_status::OLR_EXPIRED,
        olr_status::OLR_NOT_YET_VALID,
        olr_status::OLR_REJECTED,
        olr_status::OLR_INVALID_KEY_MATERIAL,
        olr_status::OLR_WRONG_WRAPPING_KEY,
        olr_status::OLR_RNG_FAILURE,
        olr_status::OLR_TRUNCATED,
        olr_status::OLR_CORRUPTED,
        olr_status::OLR_WRONG_KIND,
        olr_status::OLR_WRAPPING_MISMATCH,
        olr_status::OLR_INVALID_USERNAME,
        olr_status::OLR_INVALID_DOMAIN,
        olr_status::OLR_INVALID_PASSWORD,
        olr_status::OLR_INVALID_POLICY,
        olr_status::OLR_TIME_OUT_OF_RANGE,
        olr_status::OLR_EPOCHS_EXHAUSTED,
        olr_status::OLR_ALREADY_USED,
        olr_status::OLR_SUPERSEDED,
        olr_status::OLR_CODE_BEFORE_ROTATION,
        olr_status::OLR_REDEPLOY_NEEDED,
        olr_status::OLR_LEDGER_FULL,
        olr_status::OLR_UTF16_TEXT,
        olr_status::OLR_CLOCK_SET_BACK,
        olr_status::OLR_TOO_MANY_ATTEMPTS,
        olr_status::OLR_LEDGER_OF_ANOTHER_MACHINE,
        olr_status::OLR_LEDGER_ROLLED_BACK,
        olr_status::OLR_PACKAGE_EPOCH_TOO_OLD,
        olr_status::OLR_PACKAGE_SIGNATURE_INVALID,
        olr_status::OLR_INVALID_SID,
        olr_status::OLR_OUT_OF_MEMORY,
        olr_status::OLR_PKCS11_NOT_BUILT,
        olr_status::OLR_TOKEN_MODULE_NOT_FOUND,
        olr_status::OLR_TOKEN_ABSENT,
        olr_status::OLR_TOKEN_WRONG_PIN,
        olr_status::OLR_TOKEN_KEY_MISSING,
        olr_status::OLR_TOKEN_RING_EXISTS,
        olr_status::OLR_TOKEN_FAILURE,
        olr_status::OLR_KEYS_IN_TOKEN,
        olr_status::OLR_NULL_POINTER,
        olr_status::OLR_INVALID_UTF8,
        olr_status::OLR_BUFFER_TOO_SMALL,
        olr_status::OLR_INVALID_LENGTH,
        olr_status::OLR_PANIC,
        olr_status::OLR_INVALID_UTF16,
    ];
}

impl From<Error> for olr_status {
    /// Exhaustive on purpose: a new `Error` variant does not compile until it has a status.
    fn from(error: Error) -> Self {
        match error {
            Error::MalformedInput => olr_status::OLR_MALFORMED_INPUT,
            Error::Mistyped { .. } => olr_status::OLR_MISTYPED,
            Error::UnsupportedVersion { .. } => olr_status::OLR_UNSUPPORTED_VERSION,
            Error::KeyRotated { .. } => olr_status::OLR_KEY_ROTATED,
            Error::Expired => olr_status::OLR_EXPIRED,
            Error::NotYetValid => olr_status::OLR_NOT_YET_VALID,
            Error::Rejected => olr_status::OLR_REJECTED,
            Error::InvalidKeyMaterial => olr_status::OLR_INVALID_KEY_MATERIAL,
            Error::WrongWrappingKey => olr_status::OLR_WRONG_WRAPPING_KEY,
            Error::RngFailure => olr_status::OLR_RNG_FAILURE,
            Error::Truncated => olr_status::OLR_TRUNCATED,
            Error::Corrupted => olr_status::OLR_CORRUPTED,
            Error::WrongKind => olr_status::OLR_WRONG_KIND,
            Error::WrappingMismatch => olr_status::OLR_WRAPPING_MISMATCH,
            Error::InvalidUsername => olr_status::OLR_INVALID_USERNAME,
            Error::InvalidDomain => olr_status::OLR_INVALID_DOMAIN,
            Error::InvalidPassword => olr_status::OLR_INVALID_PASSWORD,
            Error::InvalidPolicy => olr_status::OLR_INVALID_POLICY,
            Error::TimeOutOfRange => olr_status::OLR_TIME_OUT_OF_RANGE,
            Error::EpochsExhausted => olr_status::OLR_EPOCHS_EXHAUSTED,
            Error::AlreadyUsed => olr_status::OLR_ALREADY_USED,
            Error::Superseded => olr_status::OLR_SUPERSEDED,
            Error::CodeBeforeRotation { .. } => olr_status::OLR_CODE_BEFORE_ROTATION,
            Error::RedeployNeeded { .. } => olr_status::OLR_REDEPLOY_NEEDED,
            Error::LedgerFull => olr_status::OLR_LEDGER_FULL,
            Error::Utf16Text => olr_status::OLR_UTF16_TEXT,
            Error::ClockSetBack => olr_status::OLR_CLOCK_SET_BACK,
            Error::TooManyAttempts => olr_status::OLR_TOO_MANY_ATTEMPTS,
            Error::LedgerOfAnotherMachine => olr_status::OLR_LEDGER_OF_ANOTHER_MACHINE,
            Error::LedgerRolledBack => olr_status::OLR_LEDGER_ROLLED_BACK,
            Error::PackageEpochTooOld => olr_status::OLR_PACKAGE_EPOCH_TOO_OLD,
            Error::PackageSignatureInvalid => olr_status::OLR_PACKAGE_SIGNATURE_INVALID,
            Error::InvalidSid => olr_status::OLR_INVALID_SID,
            Error::OutOfMemory => olr_status::OLR_OUT_OF_MEMORY,
            Error::Pkcs11NotBuilt => olr_status::OLR_PKCS11_NOT_BUILT,
            Error::TokenModuleNotFound => olr_status::OLR_TOKEN_MODULE_NOT_FOUND,
            Error::TokenAbsent => olr_status::OLR_TOKEN_ABSENT,
            Error::TokenWrongPin => olr_status::OLR_TOKEN_WRONG_PIN,
            Error::TokenKeyMissing => olr_status::OLR_TOKEN_KEY_MISSING,
            Error::TokenRingExists => olr_status::OLR_TOKEN_RING_EXISTS,
            Error::TokenFailure => olr_status::OLR_TOKEN_FAILURE,
            Error::KeysInToken => olr_status::OLR_KEYS_IN_TOKEN,
        }
    }
}

/// Why an export failed: a library error keeps its details for [`olr_error_details`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fail {
    Library(Error),
    Status(olr_status),
}

impl From<Error> for Fail {
    fn from(error: Error) -> Self {
        Fail::Library(error)
    }
}

impl From<olr_status> for Fail {
    fn from(status: olr_status) -> Self {
        Fail::Status(status)
    }
}

impl From<Fail> for olr_status {
    fn from(fail: Fail) -> Self {
        match fail {
            Fail::Library(error) => error.into(),
            Fail::Status(status) => status,
        }
    }
}

/// The variable parts of a failure. Functions that take a `olr_error_details *details` (always
/// the last parameter, may be NULL) overwrite the whole struct on every call when it is not
/// NULL: all zero on success and for failures without details. This is the one output written
/// on failure besides the needed size of `OLR_BUFFER_TOO_SMALL`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct olr_error_details {
    /// `OLR_KEY_ROTATED`, `OLR_CODE_BEFORE_ROTATION`, `OLR_REDEPLOY_NEEDED`: the epoch the code
    /// was made for.
    pub code_epoch: u16,
    /// `OLR_KEY_ROTATED`: the server's current epoch; `OLR_CODE_BEFORE_ROTATION`,
    /// `OLR_REDEPLOY_NEEDED`: the machine's enrolled epoch.
    pub current_epoch: u16,
    /// `OLR_MISTYPED`: the 1-based number of the first group, in reading order, that fails its
    /// own check (later groups may fail too); 0 only when every group passes its own check and
    /// the whole-code check fails.
    pub mistyped_group: u8,
    /// `OLR_UNSUPPORTED_VERSION`: the protocol or format version found.
    pub found_version: u8,
    /// Always zero; later minor versions may give these bytes a meaning.
    pub reserved: [u8; 10],
}

impl olr_error_details {
    pub(crate) fn of(fail: Option<Fail>) -> Self {
        let mut details = olr_error_details::default();
        match fail {
            Some(Fail::Library(Error::Mistyped { group })) => {
                details.mistyped_group = group.unwrap_or(0);
            }
            Some(Fail::Library(Error::UnsupportedVersion { found })) => {
                details.found_version = found;
            }
            Some(Fail::Library(Error::KeyRotated {
                code_epoch,
                current_epoch,
            })) => {
                details.code_epoch = code_epoch;
                details.current_epoch = current_epoch;
            }
            Some(Fail::Library(
                Error::CodeBeforeRotation {
                    code_epoch,
                    machine_epoch,
                }
                | Error::RedeployNeeded {
                    code_epoch,
                    machine_epoch,
                },
            )) => {
                details.code_epoch = code_epoch;
                details.current_epoch = machine_epoch;
            }
            _ => {}
        }
        details
    }
}

/// Longest message plus its NUL; checked at compile time by `nul_terminated`.
const MESSAGE_CAP: usize = 128;
/// The last library code; the exhaustive `From<Error>` and the tests keep it current.
const LAST_LIBRARY_CODE: usize = 42;

const fn nul_terminated(text: &str) -> [u8; MESSAGE_CAP] {
    let bytes = text.as_bytes();
    assert!(bytes.len() < MESSAGE_CAP, "status message too long");
    let mut out = [0u8; MESSAGE_CAP];
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// The library's messages with a NUL appended, built at compile time from
/// [`message_for_code`] so the texts exist once. Index `LAST_LIBRARY_CODE + 1` is the text for
/// unknown codes.
static LIBRARY_MESSAGES: [[u8; MESSAGE_CAP]; LAST_LIBRARY_CODE + 2] = {
    let mut table = [[0u8; MESSAGE_CAP]; LAST_LIBRARY_CODE + 2];
    let mut code = 0;
    while code < table.len() {
        table[code] = nul_terminated(message_for_code(code as u32));
        code += 1;
    }
    table
};

fn c_only_message(status: u32) -> Option<&'static core::ffi::CStr> {
    Some(match status {
        100 => c"a required pointer is NULL",
        101 => c"a string is not valid UTF-8",
        102 => c"the output buffer is too small: the needed size was returned",
        103 => c"an input is longer than OLR_MAX_INPUT_LEN bytes",
        104 => c"internal error: the library panicked (please report this bug)",
        105 => c"a string is not valid UTF-16: it holds an unpaired surrogate",
        _ => return None,
    })
}

/// A static, NUL-terminated, plain-language English message for any integer: known statuses
/// get their message, unknown ones a generic text. Never NULL; never free it. The variable parts
/// of a failure are in `olr_error_details`.
#[no_mangle]
pub extern "C" fn olr_status_message(status: u32) -> *const c_char {
    ffi_boundary! {
        if let Some(message) = c_only_message(status) {
            return Ok(message.as_ptr());
        }
        let index = usize::try_from(status)
            .ok()
            .filter(|&code| code <= LAST_LIBRARY_CODE)
            .unwrap_or(LAST_LIBRARY_CODE + 1);
        Ok(LIBRARY_MESSAGES[index].as_ptr().cast::<c_char>())
    }
}

/// The identifier of a status number (its name in this header).
fn status_name(status: u32) -> &'static core::ffi::CStr {
    match status {
        0 => c"OLR_OK",
        1 => c"OLR_MALFORMED_INPUT",
        2 => c"OLR_MISTYPED",
        3 => c"OLR_UNSUPPORTED_VERSION",
        4 => c"OLR_KEY_ROTATED",
        5 => c"OLR_EXPIRED",
        6 => c"OLR_NOT_YET_VALID",
        7 => c"OLR_REJECTED",
        8 => c"OLR_INVALID_KEY_MATERIAL",
        9 => c"OLR_WRONG_WRAPPING_KEY",
        10 => c"OLR_RNG_FAILURE",
        11 => c"OLR_TRUNCATED",
        12 => c"OLR_CORRUPTED",
        13 => c"OLR_WRONG_KIND",
        14 => c"OLR_WRAPPING_MISMATCH",
        15 => c"OLR_INVALID_USERNAME",
        16 => c"OLR_INVALID_DOMAIN",
        17 => c"OLR_INVALID_PASSWORD",
        18 => c"OLR_INVALID_POLICY",
        19 => c"OLR_TIME_OUT_OF_RANGE",
        20 => c"OLR_EPOCHS_EXHAUSTED",
        21 => c"OLR_ALREADY_USED",
        22 => c"OLR_SUPERSEDED",
        23 => c"OLR_CODE_BEFORE_ROTATION",
        24 => c"OLR_REDEPLOY_NEEDED",
        25 => c"OLR_LEDGER_FULL",
        26 => c"OLR_UTF16_TEXT",
        27 => c"OLR_CLOCK_SET_BACK",
        28 => c"OLR_TOO_MANY_ATTEMPTS",
        29 => c"OLR_LEDGER_OF_ANOTHER_MACHINE",
        30 => c"OLR_LEDGER_ROLLED_BACK",
        31 => c"OLR_PACKAGE_EPOCH_TOO_OLD",
        32 => c"OLR_PACKAGE_SIGNATURE_INVALID",
        33 => c"OLR_INVALID_SID",
        34 => c"OLR_OUT_OF_MEMORY",
        35 => c"OLR_PKCS11_NOT_BUILT",
        36 => c"OLR_TOKEN_MODULE_NOT_FOUND",
        37 => c"OLR_TOKEN_ABSENT",
        38 => c"OLR_TOKEN_WRONG_PIN",
        39 => c"OLR_TOKEN_KEY_MISSING",
        40 => c"OLR_TOKEN_RING_EXISTS",
        41 => c"OLR_TOKEN_FAILURE",
        42 => c"OLR_KEYS_IN_TOKEN",
        100 => c"OLR_NULL_POINTER",
        101 => c"OLR_INVALID_UTF8",
        102 => c"OLR_BUFFER_TOO_SMALL",
        103 => c"OLR_INVALID_LENGTH",
        104 => c"OLR_PANIC",
        105 => c"OLR_INVALID_UTF16",
        _ => c"OLR_UNKNOWN_STATUS",
    }
}

/// A static, NUL-terminated, stable identifier for any integer: the status's name in this
/// header (`"OLR_REJECTED"` for 7), or `"OLR_UNKNOWN_STATUS"` for a number this library does not
/// know. For logs and for keying a table of user-facing texts; unlike `olr_status_message` it
/// never changes wording. Never NULL; never free it (ABI 1.1).
#[no_mangle]
pub extern "C" fn olr_status_name(status: u32) -> *const c_char {
    ffi_boundary! { Ok(status_name(status).as_ptr()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ffi::CStr;

    fn message(status: u32) -> &'static str {
        let ptr = olr_status_message(status);
        crate::ffi::ptr::static_c_str(ptr)
            .and_then(|s: &CStr| s.to_str().ok())
            .unwrap_or("<invalid>")
    }

    /// Every `Error` variant, built by hand so that a new one fails this test until added.
    fn every_error() -> Vec<Error> {
        vec![
            Error::MalformedInput,
            Error::Mistyped { group: Some(3) },
            Error::Mistyped { group: None },
            Error::UnsupportedVersion { found: 2 },
            Error::KeyRotated {
                code_epoch: 1,
                current_epoch: 2,
            },
            Error::Expired,
            Error::NotYetValid,
            Error::Rejected,
            Error::InvalidKeyMaterial,
            Error::WrongWrappingKey,
            Error::RngFailure,
            Error::Truncated,
            Error::Corrupted,
            Error::WrongKind,
            Error::WrappingMismatch,
            Error::InvalidUsername,
            Error::InvalidDomain,
            Error::InvalidPassword,
            Error::InvalidPolicy,
            Error::TimeOutOfRange,
            Error::EpochsExhausted,
            Error::AlreadyUsed,
            Error::Superseded,
            Error::CodeBeforeRotation {
                code_epoch: 1,
                machine_epoch: 2,
            },
            Error::RedeployNeeded {
                code_epoch: 3,
                machine_epoch: 2,
            },
            Error::LedgerFull,
            Error::Utf16Text,
            Error::ClockSetBack,
            Error::TooManyAttempts,
            Error::LedgerOfAnotherMachine,
            Error::LedgerRolledBack,
            Error::PackageEpochTooOld,
            Error::PackageSignatureInvalid,
            Error::InvalidSid,
            Error::OutOfMemory,
            Error::Pkcs11NotBuilt,
            Error::TokenModuleNotFound,
            Error::TokenAbsent,
            Error::TokenWrongPin,
            Error::TokenKeyMissing,
            Error::TokenRingExists,
            Error::TokenFailure,
            Error::KeysInToken,
        ]
    }

    #[test]
    fn every_error_maps_to_its_own_code() {
        let errors = every_error();
        for error in &errors {
            assert_eq!(olr_status::from(*error) as u32, error.code(), "{error:?}");
        }
        let mut codes: Vec<u32> = errors.iter().map(Error::code).collect();
        codes.dedup();
        assert_eq!(codes, (1..=LAST_LIBRARY_CODE as u32).collect::<Vec<_>>());
        assert_eq!(
            message_for_code(LAST_LIBRARY_CODE as u32 + 1),
            "unknown status code"
        );
    }

    #[test]
    fn statuses_are_unique_ascending_and_library_numbers_match() {
        let numbers: Vec<u32> = olr_status::ALL.iter().map(|s| *s as u32).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]));
        for status in olr_status::ALL {
            let n = status as u32;
            assert!(n <= LAST_LIBRARY_CODE as u32 || (100..200).contains(&n));
        }
        assert_eq!(
            numbers
                .iter()
                .filter(|&&n| n >= 100)
                .copied()
                .collect::<Vec<_>>(),
            vec![100, 101, 102, 103, 104, 105]
        );
    }

    fn name(status: u32) -> &'static str {
        let ptr = olr_status_name(status);
        crate::ffi::ptr::static_c_str(ptr)
            .and_then(|s: &CStr| s.to_str().ok())
            .unwrap_or("<invalid>")
    }

    #[test]
    fn status_names_are_the_enum_names() {
        for status in olr_status::ALL {
            assert_eq!(name(status as u32), format!("{status:?}"));
        }
        for unknown in [43, 99, 106, 1000, u32::MAX] {
            assert_eq!(name(unknown), "OLR_UNKNOWN_STATUS");
        }
    }

    #[test]
    fn messages_for_every_integer() {
        for code in 0..=LAST_LIBRARY_CODE as u32 {
            assert_eq!(message(code), message_for_code(code));
        }
        for status in olr_status::ALL {
            let text = message(status as u32);
            assert_ne!(text, "unknown status code", "{status:?}");
            assert!(!text.is_empty());
        }
        for unknown in [43, 99, 106, 1000, u32::MAX] {
            assert_eq!(message(unknown), "unknown status code");
        }
    }

    #[test]
    fn details_carry_the_variable_parts() {
        let of = |e| olr_error_details::of(Some(Fail::Library(e)));
        assert_eq!(of(Error::Mistyped { group: Some(4) }).mistyped_group, 4);
        assert_eq!(
            of(Error::Mistyped { group: None }),
            olr_error_details::default()
        );
        assert_eq!(of(Error::UnsupportedVersion { found: 7 }).found_version, 7);
        let rotated = of(Error::KeyRotated {
            code_epoch: 3,
            current_epoch: 5,
        });
        assert_eq!((rotated.code_epoch, rotated.current_epoch), (3, 5));
        assert_eq!(core::mem::size_of::<olr_error_details>(), 16);
    }
}
