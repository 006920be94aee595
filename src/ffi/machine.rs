//! The machine side (the Windows login integration) as an opaque handle.

use core::ffi::c_char;

use super::ptr::{self, Details, OptionalOut, Out, OutBuf};
use super::status::Fail;
use super::status::{olr_error_details, olr_status};
use crate::{AcceptedReset, Account, Error, Machine, ResetCode};

/// One enrolled machine. It keeps the derived machine key (a secret), wiped by
/// `olr_machine_free`.
///
/// Thread safety: every function taking `const olr_machine *` may run on one handle from many
/// threads at once; only `olr_machine_free` needs exclusive use.
pub struct olr_machine {
    machine: Machine,
}

impl olr_machine {
    /// The machine inside (for the replay ledger's redeem call).
    pub(super) fn machine(&self) -> &Machine {
        &self.machine
    }
}

/// The decoded text arguments of a machine-side open or redeem, in the order they are checked
/// (shared by the UTF-8 and UTF-16 entry points).
pub(super) struct TypedReset<'a> {
    pub(super) code: &'a str,
    pub(super) username: &'a str,
    pub(super) domain: &'a str,
    pub(super) sid: &'a [u8],
    pub(super) password: &'a str,
}

impl TypedReset<'_> {
    /// Parses the code (§3.3), checks the account (§5), runs `open` on them and writes the
    /// accepted reset's times to `accepted` (may be NULL).
    pub(super) fn open_with(
        self,
        accepted: *mut olr_accepted_reset,
        open: impl FnOnce(&ResetCode, &Account, &str) -> Result<AcceptedReset, Error>,
    ) -> Result<(), Fail> {
        let accepted = OptionalOut::new(accepted);
        let code = ResetCode::parse(self.code)?;
        let account = Account::new(self.username, self.domain, self.sid)?;
        let reset = open(&code, &account, self.password)?;
        accepted.write(olr_accepted_reset {
            issued_at: reset.issued_at,
            expires_at: reset.expires_at,
        });
        Ok(())
    }
}

/// What a machine learns from a reset code that opened.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct olr_accepted_reset {
    /// When the server issued the code (unix seconds, whole minutes).
    pub issued_at: i64,
    /// When the code stops being accepted, clock skew not included (unix seconds).
    pub expires_at: i64,
}

/// Enrolls this machine from a deployment package text, with a fresh key pair from the
/// operating system's RNG, and writes the new handle to `*out` (free it with
/// `olr_machine_free`). Enrolling again gives a new identification code; use
/// `olr_machine_is_enrolled_with` to skip re-enrolling on a repeated deployment.
///
/// Reads the package bytes as `olr_deployment_package_check` does (`OLR_UTF16_TEXT` first, then
/// `OLR_INVALID_UTF8`) and fails with its statuses, and `OLR_RNG_FAILURE`.
#[no_mangle]
pub extern "C" fn olr_machine_enroll(
    package: *const c_char,
    package_len: usize,
    out: *mut *mut olr_machine,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let package = ptr::bytes(package.cast::<u8>(), package_len)?;
            let out = Out::new(out)?;
            let package = super::codes::deployment_package(package)?;
            let machine = Machine::enroll_with_os_rng(&package)?;
            ptr::into_handle(out, olr_machine { machine });
            Ok(())
        })
    }
}

/// Takes a later deployment package for an enrolled machine (docs/PROTOCOL.md §8) and writes the
/// redeployed machine to `*out` (a new handle; `machine` is unchanged and still owned by the
/// caller). The package must be signed by the key this machine pinned
/// (`OLR_PACKAGE_SIGNATURE_INVALID`) and its epoch must not be older
/// (`OLR_PACKAGE_EPOCH_TOO_OLD`, also for the same epoch with another server key or password
/// cost). The same epoch keeps the identification code and takes the package's policy and next
/// signer; a newer epoch enrolls a fresh key pair from the OS RNG (a new identification code:
/// start a new replay ledger). Package errors as `olr_machine_enroll`.
#[no_mangle]
pub extern "C" fn olr_machine_redeploy(
    machine: *const olr_machine,
    package: *const c_char,
    package_len: usize,
    out: *mut *mut olr_machine,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let machine = ptr::handle(machine)?;
            let package = ptr::bytes(package.cast::<u8>(), package_len)?;
            let out = Out::new(out)?;
            let package = super::codes::deployment_package(package)?;
            let machine = machine.machine.redeploy_with_os_rng(&package)?;
            ptr::into_handle(out, olr_machine { machine });
            Ok(())
        })
    }
}

/// Frees a machine and wipes its machine key. NULL is a no-op.
#[no_mangle]
pub extern "C" fn olr_machine_free(machine: *mut olr_machine) {
    ffi_boundary! {
        ptr::free_handle(machine);
        Ok(())
    }
}

/// Writes the identification code to show on the login screen (`OLR_IDENTIFICATION_CODE_TEXT_LEN`
/// bytes, and a NUL when out_cap > len). Stable for this enrollment; public information.
#[no_mangle]
pub extern "C" fn olr_machine_identification_code(
    machine: *const olr_machine,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let machine = ptr::handle(machine)?;
        let out = OutBuf::text(out, out_cap, out_len)?;
        out.write(machine.machine.identification_code().as_str().as_bytes())
    }
}

/// Writes the key generation (epoch) this machine is enrolled for.
#[no_mangle]
pub extern "C" fn olr_machine_epoch(
    machine: *const olr_machine,
    out_epoch: *mut u16,
) -> olr_status {
    ffi_boundary! {
        let machine = ptr::handle(machine)?;
        Out::new(out_epoch)?.write(machine.machine.epoch());
        Ok(())
    }
}

/// Writes the policy from the deployment package: reset-code lifetime and allowed clock skew,
/// in minutes.
#[no_mangle]
pub extern "C" fn olr_machine_policy(
    machine: *const olr_machine,
    out_lifetime_minutes: *mut u16,
    out_clock_skew_minutes: *mut u16,
) -> olr_status {
    ffi_boundary! {
        let machine = ptr::handle(machine)?;
        let out_lifetime = Out::new(out_lifetime_minutes)?;
        let out_skew = Out::new(out_clock_skew_minutes)?;
        let policy = machine.machine.policy();
        out_lifetime.write(policy.reset_code_lifetime_minutes());
        out_skew.write(policy.clock_skew_minutes());
        Ok(())
    }
}

/// Writes whether `package` is the deployment package this machine is enrolled with (same
/// epoch, key and policy), so the integration can skip re-enrolling. Fails as
/// `olr_deployment_package_check` when the package does not read.
#[no_mangle]
pub extern "C" fn olr_machine_is_enrolled_with(
    machine: *const olr_machine,
    package: *const c_char,
    package_len: usize,
    out_enrolled: *mut bool,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let machine = ptr::handle(machine)?;
            let package = ptr::bytes(package.cast::<u8>(), package_len)?;
            let out_enrolled = Out::new(out_enrolled)?;
            let package = super::codes::deployment_package(package)?;
            out_enrolled.write(machine.machine.is_enrolled_with(&package));
            Ok(())
        })
    }
}

/// **Diagnostics only.** Checks a typed reset code offline for an account (names and binary
/// SID) and a new password at time `now` (unix seconds) without a replay ledger: it counts no
/// attempt, refuses no replay and no clock set back, so the same code opens again. A login
/// integration MUST NOT accept a reset from it: use `olr_machine_redeem_reset_code`.
/// `accepted` may be NULL; otherwise it receives the code's issue and expiry times on success.
///
/// Checks run in this order: the code's typing (`OLR_MISTYPED` with
/// `details->mistyped_group`, `OLR_MALFORMED_INPUT`, `OLR_UNSUPPORTED_VERSION`), the account
/// (`OLR_INVALID_USERNAME`, `OLR_INVALID_DOMAIN`, `OLR_INVALID_SID`), the password's limits
/// (`OLR_INVALID_PASSWORD`), the code's epoch (`OLR_CODE_BEFORE_ROTATION` or
/// `OLR_REDEPLOY_NEEDED`, with `details->code_epoch` and `details->current_epoch`),
/// authentication (`OLR_OUT_OF_MEMORY` when the Argon2id memory cannot be reserved;
/// `OLR_REJECTED`, which does not say whether the machine, username, domain, SID or password is
/// wrong), then time (`OLR_NOT_YET_VALID`, `OLR_EXPIRED`).
#[must_use]
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "C" fn olr_machine_open_reset_code_for_diagnostics(
    machine: *const olr_machine,
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
            let typed = TypedReset {
                code: ptr::text(reset_code, reset_code_len)?,
                username: ptr::text(username, username_len)?,
                domain: ptr::text(offline_domain, offline_domain_len)?,
                sid: ptr::bytes(sid, sid_len)?,
                password: ptr::text(new_password, new_password_len)?,
            };
            typed.open_with(accepted, |code, account, password| {
                machine.machine.open_reset_code_for_diagnostics(code, account, password, now)
            })
        })
    }
}

/// Writes the machine state as bytes, wrapped under `wrapping_key` (`OLR_WRAPPING_KEY_LEN`
/// bytes) or plain when `wrapping_key` is NULL and `wrapping_key_len` 0. A plain export holds the
/// machine key in the clear: store it only where the platform protects it (for example under
/// DPAPI). At most `OLR_MACHINE_STATE_MAX_LEN` bytes.
#[no_mangle]
pub extern "C" fn olr_machine_export(
    machine: *const olr_machine,
    wrapping_key: *const u8,
    wrapping_key_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let machine = ptr::handle(machine)?;
        let wrapping_key = ptr::wrapping_key(wrapping_key, wrapping_key_len)?;
        let out = OutBuf::new(out, out_cap, out_len)?;
        ptr::write_secret(out, machine.machine.export(wrapping_key.as_ref())?)
    }
}

/// Reads a machine state written by `olr_machine_export` (with the same wrapping key, or NULL
/// and 0 for a plain one) and writes a new handle to `*out`. Fails as
/// `olr_server_key_ring_import`.
#[no_mangle]
pub extern "C" fn olr_machine_import(
    bytes: *const u8,
    bytes_len: usize,
    wrapping_key: *const u8,
    wrapping_key_len: usize,
    out: *mut *mut olr_machine,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let bytes = ptr::bytes(bytes, bytes_len)?;
            let wrapping_key = ptr::wrapping_key(wrapping_key, wrapping_key_len)?;
            let out = Out::new(out)?;
            let machine = Machine::import(bytes, wrapping_key.as_ref())?;
            ptr::into_handle(out, olr_machine { machine });
            Ok(())
        })
    }
}

/// Writes the Argon2id password cost from the deployment package (ABI 1.1): every open costs
/// one Argon2id run at this cost.
#[no_mangle]
pub extern "C" fn olr_machine_password_cost(
    machine: *const olr_machine,
    out_memory_kib: *mut u32,
    out_iterations: *mut u32,
    out_parallelism: *mut u32,
) -> olr_status {
    ffi_boundary! {
        let machine = ptr::handle(machine)?;
        let outs = (
            Out::new(out_memory_kib)?,
            Out::new(out_iterations)?,
            Out::new(out_parallelism)?,
        );
        let cost = machine.machine.policy().password_cost();
        outs.0.write(cost.memory_kib());
        outs.1.write(cost.iterations());
        outs.2.write(cost.parallelism());
        Ok(())
    }
}

/// Fuzz builds only (`cfg(fuzzing)`, set by cargo-fuzz; no release build has it): a handle for a
/// machine a fuzz target built in Rust, so that every input can start from a copy of prebuilt
/// fixtures instead of spending its time on their key derivations. Free it with
/// `olr_machine_free`.
#[cfg(fuzzing)]
#[doc(hidden)]
impl olr_machine {
    pub fn handle_for_fuzzing(machine: Machine) -> *mut olr_machine {
        Box::into_raw(Box::new(olr_machine { machine }))
    }
}
