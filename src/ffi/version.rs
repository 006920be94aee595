//! Versions and sizes. Every size is a macro (for C) and a function (for bindings that cannot
//! read macros); compile-time assertions tie each to the Rust constant it mirrors.

use core::ffi::c_char;

use crate::account::{MAX_NAME_BYTES, MAX_PASSWORD_BYTES};
use crate::code_text::{MAX_EPOCH, PROTOCOL_VERSION};
use crate::envelope::WRAPPING_KEY_LEN;
use crate::identification_code::IDENTIFICATION_CODE_TEXT_LEN;
use crate::policy::{MAX_CLOCK_SKEW_MINUTES, MAX_LIFETIME_MINUTES};
use crate::replay_ledger::{MAX_LEDGER_ACCOUNTS, MAX_LEDGER_CODES};
use crate::reset_code::RESET_CODE_TEXT_LEN;
use crate::server_key_ring::MAX_GENERATIONS;

/// Library major version (the Cargo package version; checked against Cargo.toml by the tests).
pub const OLR_VERSION_MAJOR: u32 = 0;
/// Library minor version.
pub const OLR_VERSION_MINOR: u32 = 1;
/// Library patch version.
pub const OLR_VERSION_PATCH: u32 = 0;
/// The library version as one number: `(major << 16) | (minor << 8) | patch`.
pub const OLR_VERSION_NUMBER: u32 =
    (OLR_VERSION_MAJOR << 16) | (OLR_VERSION_MINOR << 8) | OLR_VERSION_PATCH;

/// C ABI major version: changes only when a release breaks the ABI (see `docs/ABI.md`); it is
/// also the shared library's soname suffix (`liboffline_reset.so.2`).
pub const OLR_ABI_VERSION_MAJOR: u32 = 2;
/// C ABI minor version: grows when a release appends functions, statuses or constants.
pub const OLR_ABI_VERSION_MINOR: u32 = 1;
/// The ABI version this header describes: `(major << 16) | minor`. Compare with
/// `olr_abi_version()` at run time, or pass it to `olr_abi_is_compatible`.
pub const OLR_ABI_VERSION: u32 = (OLR_ABI_VERSION_MAJOR << 16) | OLR_ABI_VERSION_MINOR;

/// Characters of an identification code's canonical text (eight groups of eight symbols joined
/// by `-`), without the terminating NUL: `*out_len` after a successful write. Size buffers with
/// `OLR_IDENTIFICATION_CODE_TEXT_SIZE`.
pub const OLR_IDENTIFICATION_CODE_TEXT_LEN: usize = 71;
/// Characters of a reset code's canonical text (five groups of eight and one of four), without
/// the terminating NUL. Size buffers with `OLR_RESET_CODE_TEXT_SIZE`.
pub const OLR_RESET_CODE_TEXT_LEN: usize = 49;
/// Characters of a deployment package's text, without the terminating NUL. Size buffers with
/// `OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE`.
pub const OLR_DEPLOYMENT_PACKAGE_TEXT_LEN: usize = 319;
/// Bytes of a buffer that holds an identification code's text and its terminating NUL
/// (`OLR_IDENTIFICATION_CODE_TEXT_LEN + 1`): text outputs are NUL-terminated when the buffer has
/// room for it (ABI 1.1).
pub const OLR_IDENTIFICATION_CODE_TEXT_SIZE: usize = OLR_IDENTIFICATION_CODE_TEXT_LEN + 1;
/// Bytes of a buffer for a reset code's text and its NUL (`OLR_RESET_CODE_TEXT_LEN + 1`)
/// (ABI 1.1).
pub const OLR_RESET_CODE_TEXT_SIZE: usize = OLR_RESET_CODE_TEXT_LEN + 1;
/// Bytes of a buffer for a deployment package's text and its NUL
/// (`OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 1`) (ABI 1.1).
pub const OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE: usize = OLR_DEPLOYMENT_PACKAGE_TEXT_LEN + 1;
/// Bytes of a wrapping key.
pub const OLR_WRAPPING_KEY_LEN: usize = 64;
/// Largest machine state export (wrapped; a plain export is 20 bytes shorter).
pub const OLR_MACHINE_STATE_MAX_LEN: usize = 218;
/// Largest server key ring export (wrapped, `OLR_MAX_GENERATIONS` generations). The size of an
/// actual export depends on the number of generations held: query it with a zero capacity.
pub const OLR_SERVER_KEY_RING_MAX_LEN: usize = 1068;
/// Most account records a replay ledger holds; a redeem needing another fails with
/// `OLR_LEDGER_FULL` (docs/PROTOCOL.md §9.7).
pub const OLR_MAX_LEDGER_ACCOUNTS: usize = 1024;
/// Most code records (codes with failed attempts) a replay ledger holds; a redeem needing another
/// fails with `OLR_LEDGER_FULL`.
pub const OLR_MAX_LEDGER_CODES: usize = 256;
/// Largest replay ledger export (wrapped, full; a plain export is 20 bytes shorter). An actual
/// export is 88 + 51 × accounts + 26 × codes bytes wrapped, 68 + 51 × accounts + 26 × codes plain.
pub const OLR_REPLAY_LEDGER_MAX_LEN: usize = 58968;
/// Length of a deployment package fingerprint (lowercase hexadecimal SHA-256).
pub const OLR_PACKAGE_FINGERPRINT_LEN: usize = 64;
/// Length of a binary SID: at least 12 bytes (one sub-authority) …
pub const OLR_MIN_SID_LEN: usize = 12;
/// … at most 68 bytes (15 sub-authorities).
pub const OLR_MAX_SID_LEN: usize = 68;
/// Most generations a server key ring holds (the current one and retired ones still in grace).
pub const OLR_MAX_GENERATIONS: usize = 16;
/// Largest epoch number the protocol can carry.
pub const OLR_MAX_EPOCH: u16 = 2047;
/// Longest normalized username, offline domain, or `olr_default_offline_domain` output, in
/// UTF-8 bytes.
pub const OLR_MAX_NAME_LEN: usize = 256;
/// Longest new password, in UTF-8 bytes.
pub const OLR_MAX_PASSWORD_LEN: usize = 1024;
/// Longest input the C API reads, in bytes: a longer length is refused with
/// `OLR_INVALID_LENGTH` before the pointer is read. No valid input comes near it.
pub const OLR_MAX_INPUT_LEN: usize = 65536;
/// Longest reset-code lifetime a policy may set, in minutes.
pub const OLR_MAX_LIFETIME_MINUTES: u16 = 16383;
/// Largest clock skew a policy may allow, in minutes.
pub const OLR_MAX_CLOCK_SKEW_MINUTES: u16 = 1440;
/// The default policy's reset-code lifetime, in minutes (24 hours).
pub const OLR_DEFAULT_LIFETIME_MINUTES: u16 = 1440;
/// The default policy's clock skew, in minutes.
pub const OLR_DEFAULT_CLOCK_SKEW_MINUTES: u16 = 10;
/// Smallest Argon2id memory a password cost may set, in KiB (19 MiB) (ABI 1.1).
pub const OLR_MIN_PASSWORD_MEMORY_KIB: u32 = 19456;
/// Largest Argon2id memory a password cost may set, in KiB (1 GiB) (ABI 1.1).
pub const OLR_MAX_PASSWORD_MEMORY_KIB: u32 = 1048576;
/// Fewest Argon2id passes a password cost may set (ABI 1.1).
pub const OLR_MIN_PASSWORD_ITERATIONS: u32 = 2;
/// Most Argon2id passes a password cost may set (ABI 1.1).
pub const OLR_MAX_PASSWORD_ITERATIONS: u32 = 64;
/// Most Argon2id lanes a password cost may set (ABI 1.1).
pub const OLR_MAX_PASSWORD_PARALLELISM: u32 = 16;
/// The default password cost's Argon2id memory, in KiB (64 MiB) (ABI 1.1).
pub const OLR_DEFAULT_PASSWORD_MEMORY_KIB: u32 = 65536;
/// The default password cost's Argon2id passes (ABI 1.1).
pub const OLR_DEFAULT_PASSWORD_ITERATIONS: u32 = 3;
/// The default password cost's Argon2id lanes (ABI 1.1).
pub const OLR_DEFAULT_PASSWORD_PARALLELISM: u32 = 1;

// The header states the protocol's floor; only fuzz and Miri builds lower the library's.
#[cfg(not(any(fuzzing, miri)))]
const _: () = {
    assert!(OLR_MIN_PASSWORD_MEMORY_KIB == crate::MIN_PASSWORD_MEMORY_KIB);
    assert!(OLR_MIN_PASSWORD_ITERATIONS == crate::MIN_PASSWORD_ITERATIONS);
};

// The header's numbers are literals (cbindgen cannot evaluate the Rust expressions behind
// them); these make a drift a compile error.
const _: () = {
    assert!(OLR_IDENTIFICATION_CODE_TEXT_LEN == IDENTIFICATION_CODE_TEXT_LEN);
    assert!(OLR_RESET_CODE_TEXT_LEN == RESET_CODE_TEXT_LEN);
    assert!(OLR_WRAPPING_KEY_LEN == WRAPPING_KEY_LEN);
    assert!(OLR_MAX_GENERATIONS == MAX_GENERATIONS);
    assert!(OLR_MAX_EPOCH == MAX_EPOCH);
    assert!(OLR_MAX_NAME_LEN == MAX_NAME_BYTES);
    assert!(OLR_MAX_PASSWORD_LEN == MAX_PASSWORD_BYTES);
    assert!(OLR_MAX_INPUT_LEN > OLR_SERVER_KEY_RING_MAX_LEN);
    assert!(OLR_MAX_INPUT_LEN > 4 * MAX_PASSWORD_BYTES);
    assert!(OLR_MAX_LIFETIME_MINUTES == MAX_LIFETIME_MINUTES);
    assert!(OLR_MAX_PASSWORD_MEMORY_KIB == crate::MAX_PASSWORD_MEMORY_KIB);
    assert!(OLR_MAX_PASSWORD_ITERATIONS == crate::MAX_PASSWORD_ITERATIONS);
    assert!(OLR_MAX_PASSWORD_PARALLELISM == crate::MAX_PASSWORD_PARALLELISM);
    assert!(OLR_DEFAULT_PASSWORD_MEMORY_KIB == crate::DEFAULT_PASSWORD_MEMORY_KIB);
    assert!(OLR_DEFAULT_PASSWORD_ITERATIONS == crate::DEFAULT_PASSWORD_ITERATIONS);
    assert!(OLR_DEFAULT_PASSWORD_PARALLELISM == crate::DEFAULT_PASSWORD_PARALLELISM);
    assert!(OLR_MAX_CLOCK_SKEW_MINUTES == MAX_CLOCK_SKEW_MINUTES);
    assert!(OLR_ABI_VERSION_MINOR >> 16 == 0);
    assert!(OLR_MAX_LEDGER_ACCOUNTS == MAX_LEDGER_ACCOUNTS);
    assert!(OLR_MIN_SID_LEN == crate::MIN_SID_LEN);
    assert!(OLR_MAX_SID_LEN == crate::MAX_SID_LEN);
    assert!(OLR_MAX_LEDGER_CODES == MAX_LEDGER_CODES);
    assert!(OLR_REPLAY_LEDGER_MAX_LEN == 88 + 51 * MAX_LEDGER_ACCOUNTS + 26 * MAX_LEDGER_CODES);
    assert!(OLR_MAX_INPUT_LEN > OLR_REPLAY_LEDGER_MAX_LEN);
};

/// The library version, a static NUL-terminated string such as `"0.1.0"`. Never free it.
#[no_mangle]
pub extern "C" fn olr_version() -> *const c_char {
    ffi_boundary! {
        Ok(concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast::<c_char>())
    }
}

/// The library version as one number, as `OLR_VERSION_NUMBER`.
#[no_mangle]
pub extern "C" fn olr_version_number() -> u32 {
    ffi_boundary! { Ok(OLR_VERSION_NUMBER) }
}

/// The ABI version of the library loaded at run time, as `OLR_ABI_VERSION`.
#[no_mangle]
pub extern "C" fn olr_abi_version() -> u32 {
    ffi_boundary! { Ok(OLR_ABI_VERSION) }
}

/// True when this library can serve a caller built against ABI version
/// `caller_abi_version` (pass `OLR_ABI_VERSION`): same major version, and a minor version at
/// least the caller's.
#[no_mangle]
pub extern "C" fn olr_abi_is_compatible(caller_abi_version: u32) -> bool {
    ffi_boundary! {
        let caller_minor = caller_abi_version & 0xFFFF;
        Ok(caller_abi_version >> 16 == OLR_ABI_VERSION_MAJOR
            && caller_minor.cmp(&OLR_ABI_VERSION_MINOR) != core::cmp::Ordering::Greater)
    }
}

/// The protocol version carried in every code (1).
#[no_mangle]
pub extern "C" fn olr_protocol_version() -> u8 {
    ffi_boundary! { Ok(PROTOCOL_VERSION) }
}

/// As `OLR_IDENTIFICATION_CODE_TEXT_LEN`.
#[no_mangle]
pub extern "C" fn olr_identification_code_text_len() -> usize {
    ffi_boundary! { Ok(OLR_IDENTIFICATION_CODE_TEXT_LEN) }
}

/// As `OLR_RESET_CODE_TEXT_LEN`.
#[no_mangle]
pub extern "C" fn olr_reset_code_text_len() -> usize {
    ffi_boundary! { Ok(OLR_RESET_CODE_TEXT_LEN) }
}

/// As `OLR_DEPLOYMENT_PACKAGE_TEXT_LEN`.
#[no_mangle]
pub extern "C" fn olr_deployment_package_text_len() -> usize {
    ffi_boundary! { Ok(OLR_DEPLOYMENT_PACKAGE_TEXT_LEN) }
}

/// As `OLR_IDENTIFICATION_CODE_TEXT_SIZE` (ABI 1.1).
#[no_mangle]
pub extern "C" fn olr_identification_code_text_size() -> usize {
    ffi_boundary! { Ok(OLR_IDENTIFICATION_CODE_TEXT_SIZE) }
}

/// As `OLR_RESET_CODE_TEXT_SIZE` (ABI 1.1).
#[no_mangle]
pub extern "C" fn olr_reset_code_text_size() -> usize {
    ffi_boundary! { Ok(OLR_RESET_CODE_TEXT_SIZE) }
}

/// As `OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE` (ABI 1.1).
#[no_mangle]
pub extern "C" fn olr_deployment_package_text_size() -> usize {
    ffi_boundary! { Ok(OLR_DEPLOYMENT_PACKAGE_TEXT_SIZE) }
}

/// As `OLR_WRAPPING_KEY_LEN`.
#[no_mangle]
pub extern "C" fn olr_wrapping_key_len() -> usize {
    ffi_boundary! { Ok(OLR_WRAPPING_KEY_LEN) }
}

/// As `OLR_MACHINE_STATE_MAX_LEN`.
#[no_mangle]
pub extern "C" fn olr_machine_state_max_len() -> usize {
    ffi_boundary! { Ok(OLR_MACHINE_STATE_MAX_LEN) }
}

/// As `OLR_SERVER_KEY_RING_MAX_LEN`.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_max_len() -> usize {
    ffi_boundary! { Ok(OLR_SERVER_KEY_RING_MAX_LEN) }
}

/// As `OLR_MAX_LEDGER_ACCOUNTS`.
#[no_mangle]
pub extern "C" fn olr_max_ledger_accounts() -> usize {
    ffi_boundary! { Ok(OLR_MAX_LEDGER_ACCOUNTS) }
}

/// As `OLR_MAX_LEDGER_CODES`.
#[no_mangle]
pub extern "C" fn olr_max_ledger_codes() -> usize {
    ffi_boundary! { Ok(OLR_MAX_LEDGER_CODES) }
}

/// As `OLR_REPLAY_LEDGER_MAX_LEN`.
#[no_mangle]
pub extern "C" fn olr_replay_ledger_max_len() -> usize {
    ffi_boundary! { Ok(OLR_REPLAY_LEDGER_MAX_LEN) }
}

/// As `OLR_MAX_GENERATIONS`.
#[no_mangle]
pub extern "C" fn olr_max_generations() -> usize {
    ffi_boundary! { Ok(OLR_MAX_GENERATIONS) }
}

/// As `OLR_MAX_NAME_LEN`.
#[no_mangle]
pub extern "C" fn olr_max_name_len() -> usize {
    ffi_boundary! { Ok(OLR_MAX_NAME_LEN) }
}

/// As `OLR_MAX_PASSWORD_LEN`.
#[no_mangle]
pub extern "C" fn olr_max_password_len() -> usize {
    ffi_boundary! { Ok(OLR_MAX_PASSWORD_LEN) }
}

/// As `OLR_MAX_INPUT_LEN`.
#[no_mangle]
pub extern "C" fn olr_max_input_len() -> usize {
    ffi_boundary! { Ok(OLR_MAX_INPUT_LEN) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DeploymentPackage, Machine, Policy, ServerKeyRing, WrappingKey};

    #[test]
    fn version_matches_cargo() {
        let parse = |s: &str| s.parse::<u32>().unwrap();
        assert_eq!(OLR_VERSION_MAJOR, parse(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(OLR_VERSION_MINOR, parse(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(OLR_VERSION_PATCH, parse(env!("CARGO_PKG_VERSION_PATCH")));
        assert_eq!(olr_version_number(), OLR_VERSION_NUMBER);
        let text = crate::ffi::ptr::static_c_str(olr_version()).unwrap();
        assert_eq!(text.to_str().unwrap(), crate::LIBRARY_VERSION);
    }

    #[test]
    fn policy_defaults_match() {
        let default = Policy::default();
        assert_eq!(
            default.reset_code_lifetime_minutes(),
            OLR_DEFAULT_LIFETIME_MINUTES
        );
        assert_eq!(default.clock_skew_minutes(), OLR_DEFAULT_CLOCK_SKEW_MINUTES);
    }

    #[test]
    fn abi_compatibility_rule() {
        assert!(olr_abi_is_compatible(OLR_ABI_VERSION));
        assert!(olr_abi_is_compatible(OLR_ABI_VERSION_MAJOR << 16));
        assert!(!olr_abi_is_compatible(OLR_ABI_VERSION + 1));
        assert!(!olr_abi_is_compatible((OLR_ABI_VERSION_MAJOR + 1) << 16));
        assert!(!olr_abi_is_compatible(0));
    }

    /// The export sizes are the largest real exports: 16 generations, wrapped.
    #[test]
    fn maximum_sizes_are_exact() {
        let key = WrappingKey::from_bytes(&[7u8; 64]).unwrap();
        let mut ring = ServerKeyRing::generate_with_os_rng(Policy::default()).unwrap();
        ring.set_retired_grace_seconds(u32::MAX).unwrap();
        for step in 0..40 {
            ring.rotate_with_os_rng(1_800_000_000 + step).unwrap();
        }
        assert_eq!(ring.epochs().len(), OLR_MAX_GENERATIONS);
        assert_eq!(
            ring.export(Some(&key)).unwrap().len(),
            OLR_SERVER_KEY_RING_MAX_LEN
        );
        let package = ring.deployment_package().unwrap().to_text();
        assert_eq!(package.len(), OLR_DEPLOYMENT_PACKAGE_TEXT_LEN);
        let package = DeploymentPackage::from_text(&package).unwrap();
        let machine = Machine::enroll_with_os_rng(&package).unwrap();
        assert_eq!(
            machine.export(Some(&key)).unwrap().len(),
            OLR_MACHINE_STATE_MAX_LEN
        );
        assert_eq!(
            machine.export(None).unwrap().len(),
            OLR_MACHINE_STATE_MAX_LEN - 20
        );
    }

    #[test]
    fn functions_equal_constants() {
        assert_eq!(olr_protocol_version(), PROTOCOL_VERSION);
        assert_eq!(olr_abi_version(), OLR_ABI_VERSION);
        assert_eq!(
            olr_identification_code_text_len(),
            OLR_IDENTIFICATION_CODE_TEXT_LEN
        );
        assert_eq!(olr_reset_code_text_len(), OLR_RESET_CODE_TEXT_LEN);
        assert_eq!(
            olr_deployment_package_text_len(),
            OLR_DEPLOYMENT_PACKAGE_TEXT_LEN
        );
        assert_eq!(olr_wrapping_key_len(), OLR_WRAPPING_KEY_LEN);
        assert_eq!(olr_machine_state_max_len(), OLR_MACHINE_STATE_MAX_LEN);
        assert_eq!(olr_server_key_ring_max_len(), OLR_SERVER_KEY_RING_MAX_LEN);
        assert_eq!(olr_max_generations(), OLR_MAX_GENERATIONS);
        assert_eq!(olr_max_name_len(), OLR_MAX_NAME_LEN);
        assert_eq!(olr_max_password_len(), OLR_MAX_PASSWORD_LEN);
        assert_eq!(olr_max_input_len(), OLR_MAX_INPUT_LEN);
        assert_eq!(olr_max_ledger_accounts(), OLR_MAX_LEDGER_ACCOUNTS);
        assert_eq!(olr_max_ledger_codes(), OLR_MAX_LEDGER_CODES);
        assert_eq!(olr_replay_ledger_max_len(), OLR_REPLAY_LEDGER_MAX_LEN);
    }
}
