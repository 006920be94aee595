//! Stateless checks a UI runs before anything else: typed codes, names, deployment packages;
//! and wrapping-key generation.

use core::ffi::c_char;

use zeroize::Zeroizing;

use super::ptr::{self, Details, Out, OutBuf};
use super::status::{olr_error_details, olr_status, Fail};
use crate::envelope::{WrappingKey, WRAPPING_KEY_LEN};
use crate::primitives::{fill_random, OsRng};
use crate::{
    default_offline_domain, Account, DeploymentPackage, Error, IdentificationCode, ResetCode,
};

/// Parses a typed identification code (case-insensitive; O reads as 0, I and L as 1; spaces and
/// hyphens ignored) and writes its canonical text (`OLR_IDENTIFICATION_CODE_TEXT_LEN` bytes; a NUL
/// follows when out_cap > len) to `out`. A server UI calls this first, to reject a mistyped code and name
/// the group before asking for anything else.
///
/// Fails with `OLR_MISTYPED` (`details->mistyped_group`), `OLR_MALFORMED_INPUT` (wrong number of
/// symbols), `OLR_UNSUPPORTED_VERSION` (`details->found_version`), `OLR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub extern "C" fn olr_identification_code_check(
    text: *const c_char,
    text_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let text = ptr::text(text, text_len)?;
            let out = OutBuf::text(out, out_cap, out_len)?;
            let code = IdentificationCode::parse(text)?;
            out.write(code.as_str().as_bytes())
        })
    }
}

/// Parses a typed reset code with the same rules as `olr_identification_code_check` and writes
/// its canonical text (`OLR_RESET_CODE_TEXT_LEN` bytes). Nothing cryptographic is checked: that
/// is `olr_machine_open_reset_code`, which also runs this check first.
#[no_mangle]
pub extern "C" fn olr_reset_code_check(
    text: *const c_char,
    text_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let text = ptr::text(text, text_len)?;
            let out = OutBuf::text(out, out_cap, out_len)?;
            let code = ResetCode::parse(text)?;
            out.write(code.as_str().as_bytes())
        })
    }
}

/// The offline user domain to use when none was typed: the first label of the user's FQDN,
/// normalized (`corp.example.com` gives `CORP`). Writes at most `OLR_MAX_NAME_LEN` bytes of
/// UTF-8 (and a NUL when out_cap > len). The first label ends at the first `.`, U+3002, U+FF0E or U+FF61.
/// Fails with `OLR_INVALID_DOMAIN` when the FQDN has white space at either end, or the first
/// label is empty, too long, or has a control, format or forbidden character.
#[no_mangle]
pub extern "C" fn olr_default_offline_domain(
    fqdn: *const c_char,
    fqdn_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let fqdn = ptr::text(fqdn, fqdn_len)?;
        let out = OutBuf::text(out, out_cap, out_len)?;
        out.write(default_offline_domain(fqdn)?.as_bytes())
    }
}

/// Checks a username and an offline user domain as the seal and open functions will (so a UI
/// can flag the field): `OLR_INVALID_USERNAME` or `OLR_INVALID_DOMAIN` when a part is empty, has
/// white space at either end, a control, format or forbidden character, or normalizes to more
/// than `OLR_MAX_NAME_LEN` bytes (`olr_name_problem` says which).
#[no_mangle]
pub extern "C" fn olr_account_check(
    username: *const c_char,
    username_len: usize,
    offline_domain: *const c_char,
    offline_domain_len: usize,
) -> olr_status {
    ffi_boundary! {
        let username = ptr::text(username, username_len)?;
        let offline_domain = ptr::text(offline_domain, offline_domain_len)?;
        Account::new(username, offline_domain)?;
        Ok(())
    }
}

/// Reads the raw bytes of a deployment package file as every C export taking one does:
/// `OLR_UTF16_TEXT` for UTF-16 (checked first), `OLR_INVALID_UTF8` for other ill-formed UTF-8,
/// then `DeploymentPackage::from_text`.
pub(crate) fn deployment_package(bytes: &[u8]) -> Result<DeploymentPackage, Fail> {
    match DeploymentPackage::from_bytes(bytes) {
        // `from_bytes` checks UTF-16 before UTF-8; only the ill-formed UTF-8 case needs the C
        // ABI's own status.
        Err(Error::MalformedInput) if core::str::from_utf8(bytes).is_err() => {
            Err(Fail::Status(olr_status::OLR_INVALID_UTF8))
        }
        other => other.map_err(Fail::from),
    }
}

/// Reads a deployment package and returns its epoch and policy, without enrolling.
///
/// `package` is the raw content of the package file (`package_len` bytes, not NUL-terminated).
/// The checks run in this order: `OLR_NULL_POINTER` / `OLR_INVALID_LENGTH`; then
/// `OLR_UTF16_TEXT` when the bytes look like UTF-16 (they start with `FF FE` or `FE FF`, or,
/// with `k` the length capped at 32 and rounded down to even, `k >= 2` and every byte at an even
/// offset below `k`, or every byte at an odd offset below `k`, is `00`; docs/PROTOCOL.md §8), so
/// a file saved as UTF-16 is named as such rather than as ill-formed UTF-8; then
/// `OLR_INVALID_UTF8` for any other bytes that are not well-formed UTF-8; then the package
/// itself: `OLR_CORRUPTED`, `OLR_TRUNCATED`, `OLR_MALFORMED_INPUT`, `OLR_WRONG_KIND`,
/// `OLR_UNSUPPORTED_VERSION`, `OLR_INVALID_KEY_MATERIAL`, `OLR_INVALID_POLICY`. A UTF-8 byte
/// order mark, line breaks, white space and dashes anywhere are ignored.
#[no_mangle]
pub extern "C" fn olr_deployment_package_check(
    package: *const c_char,
    package_len: usize,
    out_epoch: *mut u16,
    out_lifetime_minutes: *mut u16,
    out_clock_skew_minutes: *mut u16,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let package = ptr::bytes(package.cast::<u8>(), package_len)?;
            let out_epoch = Out::new(out_epoch)?;
            let out_lifetime = Out::new(out_lifetime_minutes)?;
            let out_skew = Out::new(out_clock_skew_minutes)?;
            let package = deployment_package(package)?;
            out_epoch.write(package.epoch());
            out_lifetime.write(package.policy().reset_code_lifetime_minutes());
            out_skew.write(package.policy().clock_skew_minutes());
            Ok(())
        })
    }
}

/// Writes a fresh random wrapping key (`OLR_WRAPPING_KEY_LEN` bytes, from the operating
/// system's RNG) to `out`. Keep it where the platform protects secrets (DPAPI, an HSM, a KMS)
/// and wipe your copy after use.
#[no_mangle]
pub extern "C" fn olr_wrapping_key_generate(
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let out = OutBuf::new(out, out_cap, out_len)?;
        let mut key = Zeroizing::new([0u8; WRAPPING_KEY_LEN]);
        fill_random(&mut OsRng, key.as_mut())?;
        // Same validation as every key the library reads.
        WrappingKey::from_bytes(key.as_ref())?;
        out.write(key.as_ref())
    }
}
