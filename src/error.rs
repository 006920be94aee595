//! The one error type. Every variant has a stable number that the C ABI exposes forever: numbers
//! are never reused, and new variants only append.

use core::fmt;

/// Everything that can go wrong, with a plain-language message and a stable numeric code.
///
/// No variant carries secret material, so `Debug` and `Display` are always safe to log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is not in the expected format (wrong length, characters outside the alphabet in a
    /// non-typed field, trailing data, non-canonical encoding).
    MalformedInput,
    /// A typed code failed its typing checks before any cryptography. `group` is the 1-based number
    /// of the first group, in reading order, that fails its own check (a character that is not a
    /// symbol, or a wrong group check symbol), even if later groups fail too; `None` only when
    /// every group passes its own check and the whole-code check fails (then at least two symbols
    /// are wrong, somewhere in the code).
    Mistyped { group: Option<u8> },
    /// The object was made by a protocol or format version this library does not implement.
    UnsupportedVersion { found: u8 },
    /// The code belongs to another key generation: the offline reset keys were rotated and the login
    /// integration must be redeployed (and a new code requested).
    KeyRotated { code_epoch: u16, current_epoch: u16 },
    /// The reset code's lifetime has passed (beyond the allowed clock skew).
    Expired,
    /// The reset code's issue time is in the future (beyond the allowed clock skew).
    NotYetValid,
    /// The reset code does not open for this machine, username, domain and password. Which of them
    /// is wrong is deliberately not said.
    Rejected,
    /// A public or secret key is not valid P-256 key material.
    InvalidKeyMaterial,
    /// The wrapping key does not match the one the object was wrapped under.
    WrongWrappingKey,
    /// The operating system's random number generator failed.
    RngFailure,
    /// The object ends before its declared length.
    Truncated,
    /// The object's checksum or authentication failed: it was damaged or tampered with.
    Corrupted,
    /// The object is valid but of another kind (for example a machine state given as a key ring).
    WrongKind,
    /// A wrapped object was given without a wrapping key, or a wrapping key was given for an
    /// object that is not wrapped.
    WrappingMismatch,
    /// The username is empty, too long, or contains control characters.
    InvalidUsername,
    /// The offline user domain (or FQDN) is empty, too long, or contains control characters.
    InvalidDomain,
    /// The new password is empty or too long.
    InvalidPassword,
    /// A policy value is out of its documented range.
    InvalidPolicy,
    /// A time is outside the range the protocol can represent.
    TimeOutOfRange,
    /// The key ring has used every epoch number the protocol can carry.
    EpochsExhausted,
    /// The replay ledger already holds this reset code: a code works once.
    AlreadyUsed,
    /// The replay ledger holds a code for this account issued at the same minute or later:
    /// a newer reset retired this one.
    Superseded,
    /// On the machine: the code was made for an epoch older than the machine's. The keys were
    /// rotated and this machine already redeployed: request a new code with the identification
    /// code shown now.
    CodeBeforeRotation { code_epoch: u16, machine_epoch: u16 },
    /// On the machine: the code was made for an epoch newer than the machine's. The keys were
    /// rotated and this machine was not redeployed yet: redeploy the login integration.
    RedeployNeeded { code_epoch: u16, machine_epoch: u16 },
    /// The replay ledger holds its maximum number of entries that still matter.
    LedgerFull,
    /// Text arrived as UTF-16 (what Windows PowerShell 5.1 writes by default) where UTF-8 or
    /// ASCII was expected.
    Utf16Text,
    /// On the machine: `now` is earlier than a time the replay ledger already saw, by more than
    /// the clock skew. The computer's clock was set back.
    ClockSetBack,
    /// The limit of failed attempts for this reset code or this account was reached (the policy's
    /// attempt limits); the account's count restarts after one code lifetime.
    TooManyAttempts,
    /// The replay ledger belongs to another machine, or to this machine's earlier enrollment.
    LedgerOfAnotherMachine,
    /// The replay ledger is older than the last one saved: its generation is below the minimum
    /// given at import.
    LedgerRolledBack,
    /// The deployment package's epoch is older than the machine's enrollment, or it has the same
    /// epoch with another server key or password cost.
    PackageEpochTooOld,
    /// The deployment package's signature does not verify, or it is not signed by the signing key
    /// this machine pinned at its first enrollment.
    PackageSignatureInvalid,
    /// The account SID is not a well-formed binary SID.
    InvalidSid,
    /// The memory for the password binding (Argon2id) could not be reserved.
    OutOfMemory,
    /// This build has no PKCS#11 support: the library was built without the `pkcs11` feature.
    Pkcs11NotBuilt,
    /// The PKCS#11 module could not be loaded or initialized (wrong path, not a PKCS#11 module).
    TokenModuleNotFound,
    /// No slot of the PKCS#11 module holds a token with the given label.
    TokenAbsent,
    /// The token refused the PIN (wrong, expired or locked).
    TokenWrongPin,
    /// The token holds no key ring under the label prefix, or a key the ring names is missing or is not the one recorded.
    TokenKeyMissing,
    /// The token already holds a key ring under the label prefix.
    TokenRingExists,
    /// The PKCS#11 token refused or failed an operation (not the PIN, not a missing key).
    TokenFailure,
    /// The key ring's keys are held in a PKCS#11 token and never leave it: it cannot be exported.
    KeysInToken,
}

impl Error {
    /// The stable numeric code of this error (also the C status number).
    pub const fn code(&self) -> u32 {
        match self {
            Error::MalformedInput => 1,
            Error::Mistyped { .. } => 2,
            Error::UnsupportedVersion { .. } => 3,
            Error::KeyRotated { .. } => 4,
            Error::Expired => 5,
            Error::NotYetValid => 6,
            Error::Rejected => 7,
            Error::InvalidKeyMaterial => 8,
            Error::WrongWrappingKey => 9,
            Error::RngFailure => 10,
            Error::Truncated => 11,
            Error::Corrupted => 12,
            Error::WrongKind => 13,
            Error::WrappingMismatch => 14,
            Error::InvalidUsername => 15,
            Error::InvalidDomain => 16,
            Error::InvalidPassword => 17,
            Error::InvalidPolicy => 18,
            Error::TimeOutOfRange => 19,
            Error::EpochsExhausted => 20,
            Error::AlreadyUsed => 21,
            Error::Superseded => 22,
            Error::CodeBeforeRotation { .. } => 23,
            Error::RedeployNeeded { .. } => 24,
            Error::LedgerFull => 25,
            Error::Utf16Text => 26,
            Error::ClockSetBack => 27,
            Error::TooManyAttempts => 28,
            Error::LedgerOfAnotherMachine => 29,
            Error::LedgerRolledBack => 30,
            Error::PackageEpochTooOld => 31,
            Error::PackageSignatureInvalid => 32,
            Error::InvalidSid => 33,
            Error::OutOfMemory => 34,
            Error::Pkcs11NotBuilt => 35,
            Error::TokenModuleNotFound => 36,
            Error::TokenAbsent => 37,
            Error::TokenWrongPin => 38,
            Error::TokenKeyMissing => 39,
            Error::TokenRingExists => 40,
            Error::TokenFailure => 41,
            Error::KeysInToken => 42,
        }
    }

    /// A static, plain-language message for this error, without the variable details.
    pub const fn message(&self) -> &'static str {
        message_for_code(self.code())
    }
}

/// The static message for a numeric code; unknown codes get a generic message.
pub const fn message_for_code(code: u32) -> &'static str {
    match code {
        0 => "success",
        1 => "the input is not in the expected format",
        2 => "the code looks mistyped: check the group named and type it again",
        3 => "the object was made by an unsupported protocol or format version",
        4 => "the offline reset keys were rotated: redeploy the login integration and request a new code",
        5 => "the reset code has expired: request a new one",
        6 => "the reset code is not valid yet: check the machine's clock",
        7 => "the reset code does not match this machine, username, domain and new password",
        8 => "the key material is not a valid P-256 key",
        9 => "the wrapping key is wrong",
        10 => "the operating system's random number generator failed",
        11 => "the object is truncated",
        12 => "the object is damaged or was tampered with",
        13 => "the object is of another kind than expected",
        14 => "the object's protection does not match: a wrapping key is missing or was not expected",
        15 => "the username is empty, too long, has white space at an end or a control, format or \"/\\[]:;|=,+*?<> character: omit the domain",
        16 => "the offline user domain is empty, too long, has white space at an end or a control, format or \"/\\[]:;|=,+*?<> character",
        17 => "the new password is empty or too long",
        18 => "a policy value is out of range",
        19 => "the time is outside the range the protocol supports",
        20 => "the key ring has used every epoch number the protocol can carry",
        21 => "this reset code was already used: request a new one",
        22 => "a newer reset code for this account was already used: use the newest code",
        23 => "the reset code was made before the offline reset keys were rotated: request a new code with the identification code shown now",
        24 => "the offline reset keys were rotated after this machine was deployed: redeploy the login integration",
        25 => "the replay ledger is full",
        26 => "the text is UTF-16 (as Windows PowerShell 5.1 writes by default): save it as UTF-8 or ASCII",
        27 => "this computer's clock was set back: correct the date and time, then try again",
        28 => "too many wrong attempts for this reset code or account: request a new code later",
        29 => "the replay ledger belongs to another machine or enrollment",
        30 => "the replay ledger is older than the last one saved: it was restored or rolled back",
        31 => "the deployment package is older than this machine's enrollment, or conflicts with it",
        32 => "the deployment package is not signed by this deployment's signing key",
        33 => "the account SID is not a well-formed security identifier",
        34 => "not enough memory for the password check",
        35 => "this build of offline-reset has no PKCS#11 support: use a library built with the pkcs11 feature",
        36 => "the PKCS#11 module could not be loaded: check its path",
        37 => "no token with that label is present in the PKCS#11 module's slots",
        38 => "the token refused the PIN: it is wrong, expired or locked",
        39 => "the token holds no key ring under that label prefix, or one of its keys is missing",
        40 => "the token already holds a key ring under that label prefix",
        41 => "the PKCS#11 token refused or failed an operation",
        42 => "the key ring's keys are held in a PKCS#11 token and cannot be exported: back up the token instead",
        _ => "unknown status code",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Mistyped { group: Some(group) } => {
                write!(f, "group {group} of the code looks mistyped: type it again")
            }
            Error::Mistyped { group: None } => {
                f.write_str("the code looks mistyped (more than one mistake): type it again")
            }
            Error::UnsupportedVersion { found } => {
                write!(f, "{} (found version {found})", self.message())
            }
            Error::KeyRotated {
                code_epoch,
                current_epoch,
            } => write!(
                f,
                "the code is for key epoch {code_epoch} but the current epoch is {current_epoch}: \
                 the offline reset keys were rotated; redeploy the login integration and request a new code"
            ),
            Error::CodeBeforeRotation {
                code_epoch,
                machine_epoch,
            } => write!(
                f,
                "the reset code is for key epoch {code_epoch} but this machine is enrolled for epoch \
                 {machine_epoch}: request a new code with the identification code shown now"
            ),
            Error::RedeployNeeded {
                code_epoch,
                machine_epoch,
            } => write!(
                f,
                "the reset code is for key epoch {code_epoch} but this machine is enrolled for epoch \
                 {machine_epoch}: redeploy the login integration"
            ),
            _ => f.write_str(self.message()),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;
