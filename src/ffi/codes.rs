//! Stateless checks a UI runs before anything else: typed codes, names, deployment packages;
//! and wrapping-key generation.

use core::ffi::c_char;

use zeroize::Zeroizing;

use super::ptr::{self, Details, Out, OutBuf};
use super::status::{olr_error_details, olr_status, Fail};
use crate::envelope::{WrappingKey, WRAPPING_KEY_LEN};
use crate::primitives::{fill_random, OsRng};
use crate::{
    default_offline_domain, Account, DeploymentPackage, Error, GroupState, IdentificationCode,
    ResetCode, TypingProgress,
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
/// is `olr_machine_redeem_reset_code`, which also runs this check first.
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

/// The state of one group of a code being typed, as `olr_typing_progress.groups` holds it (one
/// byte each); the numbers are stable.
#[repr(u8)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum olr_group_state {
    /// Nothing typed in this group yet.
    #[default]
    OLR_GROUP_EMPTY = 0,
    /// Some of the group's symbols typed (all of them symbols), not the whole group yet.
    OLR_GROUP_INCOMPLETE = 1,
    /// The whole group is typed and passes its own check.
    OLR_GROUP_VALID = 2,
    /// The whole group is typed and fails its own check: a symbol in it is wrong.
    OLR_GROUP_MISTYPED = 3,
    /// The group holds a character that is not a symbol (such as `U` or `*`), complete or not.
    OLR_GROUP_NOT_A_SYMBOL = 4,
}

/// Feedback on a code while it is typed, from `olr_identification_code_progress` or
/// `olr_reset_code_progress`. 32 bytes; later minor versions may give the reserved bytes a
/// meaning (they are written as zero).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct olr_typing_progress {
    /// The state of each group in reading order (one byte each); entries from `group_count` on
    /// are `OLR_GROUP_EMPTY`.
    pub groups: [olr_group_state; 8],
    /// The code's number of groups: 8 for an identification code, 6 for a reset code.
    pub group_count: u8,
    /// Exactly the code's number of symbols is typed.
    pub complete: bool,
    /// More symbols are typed than the code has (they belong to no group; the user must delete
    /// them).
    pub too_long: bool,
    /// Complete, every group `OLR_GROUP_VALID`, and the whole-code check passes.
    pub whole_code_ok: bool,
    /// `whole_code_ok` and the version is this library's: `olr_identification_code_check` /
    /// `olr_reset_code_check` of the same text succeeds exactly when this is true.
    pub ready: bool,
    /// The first symbol names a protocol version other than this library's (in
    /// `unsupported_version`).
    pub has_unsupported_version: bool,
    /// With `has_unsupported_version`: the version the first symbol names; otherwise 0.
    pub unsupported_version: u8,
    /// The 1-based number of the first group already known to be wrong (`OLR_GROUP_MISTYPED`
    /// or `OLR_GROUP_NOT_A_SYMBOL`), or 0.
    pub first_wrong_group: u8,
    /// Characters typed that are not separators (symbols or not).
    pub symbols_typed: u32,
    /// The code's number of symbols (`64` or `44`).
    pub symbols_expected: u16,
    /// Always zero.
    pub reserved: [u8; 10],
}

impl olr_typing_progress {
    pub(super) fn of(p: &TypingProgress) -> Self {
        let mut groups = [olr_group_state::OLR_GROUP_EMPTY; 8];
        for (slot, state) in groups.iter_mut().zip(p.groups()) {
            *slot = match state {
                GroupState::Empty => olr_group_state::OLR_GROUP_EMPTY,
                GroupState::Incomplete => olr_group_state::OLR_GROUP_INCOMPLETE,
                GroupState::Valid => olr_group_state::OLR_GROUP_VALID,
                GroupState::Mistyped => olr_group_state::OLR_GROUP_MISTYPED,
                GroupState::NotASymbol => olr_group_state::OLR_GROUP_NOT_A_SYMBOL,
            };
        }
        olr_typing_progress {
            groups,
            group_count: p.groups().len() as u8,
            complete: p.is_complete(),
            too_long: p.is_too_long(),
            whole_code_ok: p.whole_code_ok(),
            ready: p.is_ready(),
            has_unsupported_version: p.unsupported_version().is_some(),
            unsupported_version: p.unsupported_version().unwrap_or(0),
            first_wrong_group: p.first_wrong_group().unwrap_or(0),
            symbols_typed: u32::try_from(p.symbols_typed()).unwrap_or(u32::MAX),
            symbols_expected: p.symbols_expected() as u16,
            reserved: [0; 10],
        }
    }
}

/// Feedback while an identification code is typed: call it on every keystroke with the whole
/// field's text so far, and colour each group from `out->groups`. Reads the text exactly as
/// `olr_identification_code_check` does (separators, case, O/I/L, full-width forms) and never
/// fails on partial, wrong or too long input; allocates nothing. Fails only on bad arguments:
/// `OLR_NULL_POINTER` (`text` or `out`), `OLR_INVALID_LENGTH`, `OLR_INVALID_UTF8`; `*out` is
/// written only on success.
#[no_mangle]
pub extern "C" fn olr_identification_code_progress(
    text: *const c_char,
    text_len: usize,
    out: *mut olr_typing_progress,
) -> olr_status {
    ffi_boundary! {
        let text = ptr::text(text, text_len)?;
        let out = Out::new(out)?;
        out.write(olr_typing_progress::of(&IdentificationCode::progress(text)));
        Ok(())
    }
}

/// As `olr_identification_code_progress`, for a reset code (six groups; `ready` agrees with
/// `olr_reset_code_check`).
#[no_mangle]
pub extern "C" fn olr_reset_code_progress(
    text: *const c_char,
    text_len: usize,
    out: *mut olr_typing_progress,
) -> olr_status {
    ffi_boundary! {
        let text = ptr::text(text, text_len)?;
        let out = Out::new(out)?;
        out.write(olr_typing_progress::of(&ResetCode::progress(text)));
        Ok(())
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

/// Checks a username, an offline user domain and a binary SID as the seal and redeem functions
/// will (so a UI can flag the field): `OLR_INVALID_USERNAME` or `OLR_INVALID_DOMAIN` when a name
/// is empty, has white space at either end, a control, format or forbidden character, or
/// normalizes to more than `OLR_MAX_NAME_LEN` bytes (`olr_name_problem` says which); then
/// `OLR_INVALID_SID` unless `sid` is a binary SID (revision 1, 1 to 15 sub-authorities,
/// `8 + 4 * count` bytes).
#[no_mangle]
pub extern "C" fn olr_account_check(
    username: *const c_char,
    username_len: usize,
    offline_domain: *const c_char,
    offline_domain_len: usize,
    sid: *const u8,
    sid_len: usize,
) -> olr_status {
    ffi_boundary! {
        let username = ptr::text(username, username_len)?;
        let offline_domain = ptr::text(offline_domain, offline_domain_len)?;
        let sid = ptr::bytes(sid, sid_len)?;
        Account::new(username, offline_domain, sid)?;
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
/// `OLR_UNSUPPORTED_VERSION`, `OLR_INVALID_KEY_MATERIAL`, `OLR_INVALID_POLICY`,
/// `OLR_PACKAGE_SIGNATURE_INVALID` (the signature does not verify under the package's own
/// signer; whether that signer is trusted is `olr_machine_redeploy`'s decision). A UTF-8 byte
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

/// Writes a deployment package's fingerprint (docs/PROTOCOL.md §8): the lowercase hexadecimal
/// SHA-256 of its envelope bytes, `OLR_PACKAGE_FINGERPRINT_LEN` (64) characters, NUL-terminated
/// when `out_cap` > 64. It is the same for every text of one package (case, separators, a
/// trailing newline): compare it with the server's before deploying. Package errors as
/// `olr_deployment_package_check`.
#[no_mangle]
pub extern "C" fn olr_deployment_package_fingerprint(
    package: *const c_char,
    package_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let package = ptr::bytes(package.cast::<u8>(), package_len)?;
            let out = OutBuf::text(out, out_cap, out_len)?;
            let package = deployment_package(package)?;
            out.write(package.fingerprint().as_bytes())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_progress_layout_is_stable() {
        assert_eq!(core::mem::size_of::<olr_typing_progress>(), 32);
        assert_eq!(core::mem::align_of::<olr_typing_progress>(), 4);
        assert_eq!(
            core::mem::offset_of!(olr_typing_progress, symbols_typed),
            16
        );
        assert_eq!(core::mem::offset_of!(olr_typing_progress, reserved), 22);
    }
}
