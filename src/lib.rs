//! # offline-reset
//!
//! Lets a user whose Windows machine is offline reset their domain password on a reset server
//! and log in again. The login screen shows an [`IdentificationCode`]; the server turns it into a
//! [`ResetCode`] bound to that machine, that [`Account`] and the new password; the machine checks
//! the code offline. Each machine's key is derived by ECDH from the server's key for the epoch
//! and the machine's own key pair, so the server keeps no per-machine state.
//!
//! ```
//! use offline_reset::*;
//! # fn main() -> Result<()> {
//! let now = 1_767_225_600; // 2026-01-01T00:00:00Z, unix seconds: time always comes from the caller
//! let ring = ServerKeyRing::generate_with_os_rng(Policy::default())?;
//! let package = DeploymentPackage::from_text(&ring.deployment_package()?.to_text())?;
//! let machine = Machine::enroll_with_os_rng(&package)?; // pins the package's signing key
//! let mut ledger = ReplayLedger::new(&machine);
//!
//! // Server side: the help-desk types the identification code shown on the machine; the account
//! // is the directory's (sAMAccountName, NetBIOS domain, objectSid).
//! let sid = [1, 1, 0, 0, 0, 0, 0, 5, 0x50, 0x04, 0, 0]; // S-1-5-1104, binary
//! let id = IdentificationCode::parse(machine.identification_code().as_str())?;
//! let account = Account::new("alice", &default_offline_domain("corp.example.com")?, &sid)?;
//! let code = ring.seal_reset_code(&id, &account, "n3w Passw0rd!", now)?;
//!
//! // Machine side: the user types the reset code, username and new password; the integration
//! // redeems with the cached account's SID and persists the ledger after every redeem.
//! let typed = ResetCode::parse(code.as_str())?;
//! let cached = Account::new("ALICE", "corp", &sid)?;
//! machine.redeem_reset_code(&mut ledger, &typed, &cached, "n3w Passw0rd!", now + 60)?;
//! # Ok(()) }
//! ```
//!
//! The wire formats are specified in `docs/PROTOCOL.md`.

#![deny(unsafe_code)]

mod account;
/// Argon2id's working memory: the one module outside `ffi` allowed `unsafe` (a mapping and its
/// `&mut [Block]` view, the wipe). Public only for `tests/residue.rs`'s release hook.
#[allow(unsafe_code)]
#[doc(hidden)]
pub mod argon2_memory;
#[doc(hidden)]
pub mod code_text;
mod deployment_package;
mod envelope;
mod error;
#[allow(unsafe_code)]
pub mod ffi;
mod identification_code;
mod identification_uri;
#[doc(hidden)]
pub mod key_schedule;
mod machine;
#[cfg(feature = "pkcs11")]
mod pkcs11;
mod policy;
pub mod primitives;
mod replay_ledger;
mod reset_code;
mod server_key_ring;
mod spelling;
mod windows_upcase;

pub use account::{
    default_offline_domain, name_problem, normalize_names, Account, NameProblem,
    FORBIDDEN_NAME_CHARACTERS, MAX_NAME_BYTES, MAX_PASSWORD_BYTES, MAX_SID_LEN, MIN_SID_LEN,
};
pub use code_text::{GroupState, TypingProgress, MAX_EPOCH, PROTOCOL_VERSION};
pub use deployment_package::DeploymentPackage;
pub use envelope::{WrappingKey, WRAPPING_KEY_LEN};
pub use error::{message_for_code, Error, Result};
pub use identification_code::{
    IdentificationCode, IDENTIFICATION_CODE_SYMBOLS, IDENTIFICATION_CODE_TEXT_LEN,
};
pub use identification_uri::{
    QrMatrix, IDENTIFICATION_URI_PARAMETER, MAX_PORTAL_URL_LEN, QR_QUIET_ZONE,
};
pub use machine::Machine;
#[cfg(feature = "pkcs11")]
pub use pkcs11::{Pkcs11Token, MAX_KEY_LABEL_PREFIX_LEN};
pub use policy::{
    PasswordCost, Policy, DEFAULT_FAILED_OPENS_PER_ACCOUNT, DEFAULT_FAILED_OPENS_PER_CODE,
    DEFAULT_PASSWORD_ITERATIONS, DEFAULT_PASSWORD_MEMORY_KIB, DEFAULT_PASSWORD_PARALLELISM,
    MAX_ATTEMPT_LIMIT, MAX_CLOCK_SKEW_MINUTES, MAX_LIFETIME_MINUTES, MAX_PASSWORD_ITERATIONS,
    MAX_PASSWORD_MEMORY_KIB, MAX_PASSWORD_PARALLELISM, MIN_PASSWORD_ITERATIONS,
    MIN_PASSWORD_MEMORY_KIB,
};
pub use replay_ledger::{ReplayLedger, MAX_LEDGER_ACCOUNTS, MAX_LEDGER_CODES};
pub use reset_code::{
    AcceptedReset, ResetCode, ACCOUNT_FINGERPRINT_LEN, CODE_ID_LEN, RESET_CODE_SYMBOLS,
    RESET_CODE_TEXT_LEN, TIME_ORIGIN_UNIX,
};
pub use server_key_ring::{ServerKeyRing, MAX_GENERATIONS};
pub use spelling::{spell_code, SpellingTable, MAX_SPELLING_WORD_LEN, SPELLING_GROUP_SEPARATOR};

/// The library version (Cargo package version).
pub const LIBRARY_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod size_checks {
    use super::*;

    #[test]
    fn codes_fit_their_budgets() {
        assert_eq!(IDENTIFICATION_CODE_SYMBOLS, 64);
        assert_eq!(IDENTIFICATION_CODE_TEXT_LEN, 71);
        assert_eq!(RESET_CODE_SYMBOLS, 44);
        assert_eq!(RESET_CODE_TEXT_LEN, 49);
    }
}
