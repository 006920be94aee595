//! The replay ledger (docs/PROTOCOL.md §9.7) as an opaque handle, and the single call that opens
//! a reset code and records it.

use core::ffi::c_char;

use super::machine::{olr_accepted_reset, olr_machine, TypedReset};
use super::ptr::{self, Details, Out, OutBuf};
use super::status::{olr_error_details, olr_status};
use crate::ReplayLedger;

/// The replay ledger of one enrollment (docs/PROTOCOL.md §9.7): each account's newest accepted
/// code, failed attempts per code and per account, the latest time seen and a generation
/// (account fingerprints and code identifiers, never names, SIDs or passwords). Keep one per
/// enrollment; under an exclusive lock on the ledger file held from import to export, persist
/// it with `olr_replay_ledger_export` after **every** `olr_machine_redeem_reset_code` (failures
/// change it too), before showing the answer, and update cached credentials only on `OLR_OK`.
///
/// Thread safety: functions taking `const olr_replay_ledger *` may share a handle between
/// threads; `olr_machine_redeem_reset_code` and `olr_replay_ledger_free` need exclusive use.
pub struct olr_replay_ledger {
    ledger: ReplayLedger,
}

impl olr_replay_ledger {
    pub(super) fn ledger_mut(&mut self) -> &mut ReplayLedger {
        &mut self.ledger
    }
}

/// Writes a new, empty replay ledger handle to `*out` (free it with `olr_replay_ledger_free`).
#[no_mangle]
pub extern "C" fn olr_replay_ledger_new(
    machine: *const olr_machine,
    out: *mut *mut olr_replay_ledger,
) -> olr_status {
    ffi_boundary! {
        let machine = ptr::handle(machine)?;
        let out = Out::new(out)?;
        let ledger = ReplayLedger::new(machine.machine());
        ptr::into_handle(out, olr_replay_ledger { ledger });
        Ok(())
    }
}

/// Frees a replay ledger. NULL is a no-op.
#[no_mangle]
pub extern "C" fn olr_replay_ledger_free(ledger: *mut olr_replay_ledger) {
    ffi_boundary! {
        ptr::free_handle(ledger);
        Ok(())
    }
}

/// Writes the number of account records (at most `OLR_MAX_LEDGER_ACCOUNTS`) and of code records
/// (at most `OLR_MAX_LEDGER_CODES`) the ledger holds.
#[no_mangle]
pub extern "C" fn olr_replay_ledger_counts(
    ledger: *const olr_replay_ledger,
    out_accounts: *mut usize,
    out_codes: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let ledger = ptr::handle(ledger)?;
        let out_accounts = Out::new(out_accounts)?;
        let out_codes = Out::new(out_codes)?;
        out_accounts.write(ledger.ledger.account_count());
        out_codes.write(ledger.ledger.code_count());
        Ok(())
    }
}

/// Writes the ledger's generation (docs/PROTOCOL.md §9.7): increased by one at every redeem that
/// passed the clock check. After persisting the ledger, keep it where it cannot be rolled back
/// with the file (a TPM NV counter, a registry value only SYSTEM writes) and pass it to
/// `olr_replay_ledger_import` as `minimum_generation`.
#[no_mangle]
pub extern "C" fn olr_replay_ledger_generation(
    ledger: *const olr_replay_ledger,
    out_generation: *mut u64,
) -> olr_status {
    ffi_boundary! {
        let ledger = ptr::handle(ledger)?;
        Out::new(out_generation)?.write(ledger.ledger.generation());
        Ok(())
    }
}

/// Writes the ledger as bytes, wrapped under `wrapping_key` (`OLR_WRAPPING_KEY_LEN` bytes) or
/// plain when `wrapping_key` is NULL and `wrapping_key_len` 0. The size depends on the number of
/// entries (at most `OLR_REPLAY_LEDGER_MAX_LEN` bytes): query it with a zero capacity.
#[no_mangle]
pub extern "C" fn olr_replay_ledger_export(
    ledger: *const olr_replay_ledger,
    wrapping_key: *const u8,
    wrapping_key_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let ledger = ptr::handle(ledger)?;
        let wrapping_key = ptr::wrapping_key(wrapping_key, wrapping_key_len)?;
        let out = OutBuf::new(out, out_cap, out_len)?;
        let bytes = ledger.ledger.export(wrapping_key.as_ref())?;
        out.write(&bytes)
    }
}

/// Reads a ledger written by `olr_replay_ledger_export` (with the same wrapping key, or NULL and
/// 0 for a plain one) for `machine` and writes a new handle to `*out`. Fails as
/// `olr_machine_import` (`OLR_TRUNCATED`, `OLR_CORRUPTED`, `OLR_WRONG_KIND`,
/// `OLR_WRAPPING_MISMATCH`, `OLR_WRONG_WRAPPING_KEY`, `OLR_UNSUPPORTED_VERSION`,
/// `OLR_MALFORMED_INPUT` also for impossible values), then `OLR_LEDGER_OF_ANOTHER_MACHINE`
/// (another machine's or enrollment's ledger) and `OLR_LEDGER_ROLLED_BACK` (its generation is
/// below `minimum_generation`, the value kept from the last persist; 0 checks nothing).
#[no_mangle]
pub extern "C" fn olr_replay_ledger_import(
    bytes: *const u8,
    bytes_len: usize,
    wrapping_key: *const u8,
    wrapping_key_len: usize,
    machine: *const olr_machine,
    minimum_generation: u64,
    out: *mut *mut olr_replay_ledger,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let bytes = ptr::bytes(bytes, bytes_len)?;
            let wrapping_key = ptr::wrapping_key(wrapping_key, wrapping_key_len)?;
            let machine = ptr::handle(machine)?;
            let out = Out::new(out)?;
            let ledger = ReplayLedger::import(
                bytes,
                wrapping_key.as_ref(),
                machine.machine(),
                minimum_generation,
            )?;
            ptr::into_handle(out, olr_replay_ledger { ledger });
            Ok(())
        })
    }
}

/// Redeems a typed reset code for an account (names and the cached account's binary SID) and a
/// new password at `now`: the one call the login integration makes (docs/PROTOCOL.md §9.7,
/// §12.3). Whatever the status, persist the ledger (`olr_replay_ledger_export`) before showing
/// the answer; only on `OLR_OK` update the cached credentials, and not if persisting failed.
/// `accepted` may be NULL.
///
/// In this order: the code's typing and the account as
/// `olr_machine_open_reset_code_for_diagnostics` (nothing changes);
/// `OLR_LEDGER_OF_ANOTHER_MACHINE`; the password's limits and the code's epoch (nothing
/// changes); `OLR_CLOCK_SET_BACK` (`now` more than the clock skew before the latest time the
/// ledger saw; nothing changes); from here on the ledger's latest time and generation move;
/// `OLR_TOO_MANY_ATTEMPTS` (the policy's limit of failed opens for this code or this account);
/// `OLR_LEDGER_FULL`; the attempt is counted; `OLR_OUT_OF_MEMORY` (the ledger is left as it
/// was before the call); `OLR_REJECTED`, `OLR_NOT_YET_VALID`, `OLR_EXPIRED`; then
/// `OLR_ALREADY_USED` (this code was accepted before) and `OLR_SUPERSEDED` (a code for this
/// account issued at the same minute or later was accepted).
#[must_use]
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "C" fn olr_machine_redeem_reset_code(
    machine: *const olr_machine,
    ledger: *mut olr_replay_ledger,
    reset_code: *const c_char,
    reset_code_len: usize,
    username: *const c_char,
    username_len: usize,
    offline_domain: *const c_char,
    offline_domain_len: usize,
    sid: *const u8,
    sid_len: usize,
    new_password: *const c_char,
    new_password_len: usize,
    now: i64,
    accepted: *mut olr_accepted_reset,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let machine = ptr::handle(machine)?;
            let ledger = ptr::handle_mut(ledger)?;
            let typed = TypedReset {
                code: ptr::text(reset_code, reset_code_len)?,
                username: ptr::text(username, username_len)?,
                domain: ptr::text(offline_domain, offline_domain_len)?,
                sid: ptr::bytes(sid, sid_len)?,
                password: ptr::text(new_password, new_password_len)?,
            };
            typed.open_with(accepted, |code, account, password| {
                let machine = machine.machine();
                machine.redeem_reset_code(&mut ledger.ledger, code, account, password, now)
            })
        })
    }
}
