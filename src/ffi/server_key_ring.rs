//! The reset server's key ring as an opaque handle.

use core::ffi::c_char;

use super::ptr::{self, Details, Out, OutBuf};
use super::status::{olr_error_details, olr_status};
use crate::{Account, IdentificationCode, PasswordCost, Policy, ServerKeyRing};

/// The reset server's key ring: one key pair per epoch, rotation, the retired-key grace period.
///
/// Thread safety: functions taking `const olr_server_key_ring *` may run on one handle from
/// many threads at once; `olr_server_key_ring_rotate`, `_prune`, `_set_*`,
/// `_begin_signing_key_rotation`, `_finish_signing_key_rotation` and `_free` need exclusive use.
pub struct olr_server_key_ring {
    ring: ServerKeyRing,
}

/// Creates a key ring at epoch 1 with a fresh key pair from the operating system's RNG and the
/// default password cost (`OLR_DEFAULT_PASSWORD_*`), and writes the new handle to `*out` (free
/// it with `olr_server_key_ring_free`).
///
/// `reset_code_lifetime_minutes` is 1 to `OLR_MAX_LIFETIME_MINUTES` and `clock_skew_minutes` 0
/// to `OLR_MAX_CLOCK_SKEW_MINUTES`, else `OLR_INVALID_POLICY` (the defaults are
/// `OLR_DEFAULT_LIFETIME_MINUTES` and `OLR_DEFAULT_CLOCK_SKEW_MINUTES`).
#[no_mangle]
pub extern "C" fn olr_server_key_ring_generate(
    reset_code_lifetime_minutes: u16,
    clock_skew_minutes: u16,
    out: *mut *mut olr_server_key_ring,
) -> olr_status {
    ffi_boundary! {
        let out = Out::new(out)?;
        let policy = Policy::new(reset_code_lifetime_minutes, clock_skew_minutes)?;
        let ring = ServerKeyRing::generate_with_os_rng(policy)?;
        ptr::into_handle(out, olr_server_key_ring { ring });
        Ok(())
    }
}

/// Frees a key ring and wipes its secret keys. NULL is a no-op.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_free(ring: *mut olr_server_key_ring) {
    ffi_boundary! {
        ptr::free_handle(ring);
        Ok(())
    }
}

/// Makes a new generation current (fresh key pair from the OS RNG), retiring the previous one
/// at `now` (unix seconds), and writes the new epoch. Codes for retired generations are refused
/// with `OLR_KEY_ROTATED` once their grace period is over (immediately by default). Machines
/// must be redeployed with the new deployment package. Fails with `OLR_EPOCHS_EXHAUSTED` after
/// `OLR_MAX_EPOCH`.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_rotate(
    ring: *mut olr_server_key_ring,
    now: i64,
    out_epoch: *mut u16,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle_mut(ring)?;
        let out_epoch = Out::new(out_epoch)?;
        out_epoch.write(ring.ring.rotate_with_os_rng(now)?);
        Ok(())
    }
}

/// Sets how long a generation retired from now on still seals codes after rotation (0, the
/// default: not at all). A lower value also shortens the windows of generations already retired
/// (a window of 0 erases that generation at once); a higher value never lengthens them.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_set_retired_grace_seconds(
    ring: *mut olr_server_key_ring,
    seconds: u32,
) -> olr_status {
    ffi_boundary! {
        ptr::handle_mut(ring)?.ring.set_retired_grace_seconds(seconds)?;
        Ok(())
    }
}

/// Writes the retired-generation grace period, in seconds.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_retired_grace_seconds(
    ring: *const olr_server_key_ring,
    out_seconds: *mut u32,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        Out::new(out_seconds)?.write(ring.ring.retired_grace_seconds());
        Ok(())
    }
}

/// Changes the reset-code lifetime and clock skew (limits as in `olr_server_key_ring_generate`);
/// the password cost is kept. Machines learn them only from a new deployment package.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_set_policy(
    ring: *mut olr_server_key_ring,
    reset_code_lifetime_minutes: u16,
    clock_skew_minutes: u16,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle_mut(ring)?;
        let old = ring.ring.policy();
        let policy = Policy::new(reset_code_lifetime_minutes, clock_skew_minutes)?
            .with_attempt_limits(old.failed_opens_per_code(), old.failed_opens_per_account())?
            .with_password_cost(old.password_cost());
        ring.ring.set_policy(policy)?;
        Ok(())
    }
}

/// Writes the policy: reset-code lifetime and allowed clock skew, in minutes.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_policy(
    ring: *const olr_server_key_ring,
    out_lifetime_minutes: *mut u16,
    out_clock_skew_minutes: *mut u16,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        let out_lifetime = Out::new(out_lifetime_minutes)?;
        let out_skew = Out::new(out_clock_skew_minutes)?;
        let policy = ring.ring.policy();
        out_lifetime.write(policy.reset_code_lifetime_minutes());
        out_skew.write(policy.clock_skew_minutes());
        Ok(())
    }
}

/// Writes the current epoch.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_current_epoch(
    ring: *const olr_server_key_ring,
    out_epoch: *mut u16,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        Out::new(out_epoch)?.write(ring.ring.current_epoch());
        Ok(())
    }
}

/// Writes the epochs the ring holds, oldest first (the last is current): `*out_len` elements of
/// `out`, at most `OLR_MAX_GENERATIONS`. `out_cap` counts elements.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_epochs(
    ring: *const olr_server_key_ring,
    out: *mut u16,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        let out = OutBuf::new_u16(out, out_cap, out_len)?;
        out.write_u16(&ring.ring.epochs())
    }
}

/// Writes the deployment package text for the current generation (`OLR_DEPLOYMENT_PACKAGE_TEXT_LEN`
/// bytes, and a NUL when out_cap > len): what the Windows login integration is deployed with. Public: it
/// holds no secret.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_deployment_package(
    ring: *const olr_server_key_ring,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        let out = OutBuf::text(out, out_cap, out_len)?;
        out.write(ring.ring.deployment_package()?.to_text().as_bytes())
    }
}

/// Seals a reset code for the machine named by the typed `identification_code`, for the
/// account as the directory stores it (`username`: its `sAMAccountName`; `offline_domain`: the
/// NetBIOS domain name; `sid`: its `objectSid`, binary; docs/PROTOCOL.md §12.3 rule 1) and
/// `new_password`, issued at `now` (unix seconds) with the policy's lifetime. Writes the code's
/// canonical text (`OLR_RESET_CODE_TEXT_LEN` bytes, and a NUL when out_cap > len).
///
/// Fails with the statuses of `olr_identification_code_check` (checked first, with details),
/// `OLR_INVALID_USERNAME`, `OLR_INVALID_DOMAIN`, `OLR_INVALID_SID`, `OLR_INVALID_PASSWORD`,
/// `OLR_OUT_OF_MEMORY` (the Argon2id memory), `OLR_KEY_ROTATED`
/// (`details->code_epoch`, `details->current_epoch`: the machine must be redeployed and show a
/// new code), `OLR_INVALID_KEY_MATERIAL` (the code names no valid machine key),
/// `OLR_TIME_OUT_OF_RANGE` (before 2025 or after 2152).
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "C" fn olr_server_key_ring_seal_reset_code(
    ring: *const olr_server_key_ring,
    identification_code: *const c_char,
    identification_code_len: usize,
    username: *const c_char,
    username_len: usize,
    offline_domain: *const c_char,
    offline_domain_len: usize,
    sid: *const u8,
    sid_len: usize,
    new_password: *const c_char,
    new_password_len: usize,
    now: i64,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let ring = ptr::handle(ring)?;
            let identification_code = ptr::text(identification_code, identification_code_len)?;
            let username = ptr::text(username, username_len)?;
            let offline_domain = ptr::text(offline_domain, offline_domain_len)?;
            let sid = ptr::bytes(sid, sid_len)?;
            let new_password = ptr::text(new_password, new_password_len)?;
            let out = OutBuf::text(out, out_cap, out_len)?;
            let identification_code = IdentificationCode::parse(identification_code)?;
            let account = Account::new(username, offline_domain, sid)?;
            let code = ring
                .ring
                .seal_reset_code(&identification_code, &account, new_password, now)?;
            out.write(code.as_str().as_bytes())
        })
    }
}

/// Writes the key ring as bytes, wrapped under `wrapping_key` (`OLR_WRAPPING_KEY_LEN` bytes) or
/// plain when `wrapping_key` is NULL and `wrapping_key_len` 0. A plain export holds the secret
/// keys in the clear: store it only where the platform protects it. The size depends on the
/// generations held (at most `OLR_SERVER_KEY_RING_MAX_LEN`); a call with capacity 0 returns
/// `OLR_BUFFER_TOO_SMALL` and the size.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_export(
    ring: *const olr_server_key_ring,
    wrapping_key: *const u8,
    wrapping_key_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        let wrapping_key = ptr::wrapping_key(wrapping_key, wrapping_key_len)?;
        let out = OutBuf::new(out, out_cap, out_len)?;
        ptr::write_secret(out, ring.ring.export(wrapping_key.as_ref())?)
    }
}

/// Reads a key ring written by `olr_server_key_ring_export` (with the same wrapping key, or
/// NULL and 0 for a plain one) and writes a new handle to `*out`.
///
/// Fails with `OLR_TRUNCATED`, `OLR_CORRUPTED`, `OLR_WRONG_KIND`, `OLR_WRAPPING_MISMATCH`,
/// `OLR_WRONG_WRAPPING_KEY`, `OLR_UNSUPPORTED_VERSION` (`details->found_version`),
/// `OLR_MALFORMED_INPUT`, `OLR_INVALID_KEY_MATERIAL`, `OLR_INVALID_POLICY`.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_import(
    bytes: *const u8,
    bytes_len: usize,
    wrapping_key: *const u8,
    wrapping_key_len: usize,
    out: *mut *mut olr_server_key_ring,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let bytes = ptr::bytes(bytes, bytes_len)?;
            let wrapping_key = ptr::wrapping_key(wrapping_key, wrapping_key_len)?;
            let out = Out::new(out)?;
            let ring = ServerKeyRing::import(bytes, wrapping_key.as_ref())?;
            ptr::into_handle(out, olr_server_key_ring { ring });
            Ok(())
        })
    }
}

/// As `olr_server_key_ring_generate`, with the Argon2id password cost of the first generation
/// (ABI 1.1): `memory_kib` from `OLR_MIN_PASSWORD_MEMORY_KIB` to `OLR_MAX_PASSWORD_MEMORY_KIB`,
/// `iterations` from `OLR_MIN_PASSWORD_ITERATIONS` to `OLR_MAX_PASSWORD_ITERATIONS`,
/// `parallelism` from 1 to `OLR_MAX_PASSWORD_PARALLELISM`, else `OLR_INVALID_POLICY`. Every
/// seal and every open costs one Argon2id run at this cost.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_generate_with_password_cost(
    reset_code_lifetime_minutes: u16,
    clock_skew_minutes: u16,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    out: *mut *mut olr_server_key_ring,
) -> olr_status {
    ffi_boundary! {
        let out = Out::new(out)?;
        let cost = PasswordCost::new(memory_kib, iterations, parallelism)?;
        let policy = Policy::new(reset_code_lifetime_minutes, clock_skew_minutes)?
            .with_password_cost(cost);
        let ring = ServerKeyRing::generate_with_os_rng(policy)?;
        ptr::into_handle(out, olr_server_key_ring { ring });
        Ok(())
    }
}

/// Sets the password cost for generations made from now on (limits as in
/// `olr_server_key_ring_generate_with_password_cost`); it takes effect at the next rotation,
/// since machines of an epoch are deployed with that epoch's cost (ABI 1.1).
#[no_mangle]
pub extern "C" fn olr_server_key_ring_set_password_cost(
    ring: *mut olr_server_key_ring,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle_mut(ring)?;
        let cost = PasswordCost::new(memory_kib, iterations, parallelism)?;
        let policy = ring.ring.policy().with_password_cost(cost);
        ring.ring.set_policy(policy)?;
        Ok(())
    }
}

/// Writes the password cost of the generation for `epoch` (ABI 1.1). Fails with
/// `OLR_KEY_ROTATED` when the ring does not hold that epoch.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_password_cost(
    ring: *const olr_server_key_ring,
    epoch: u16,
    out_memory_kib: *mut u32,
    out_iterations: *mut u32,
    out_parallelism: *mut u32,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        let outs = (
            Out::new(out_memory_kib)?,
            Out::new(out_iterations)?,
            Out::new(out_parallelism)?,
        );
        let cost = ring.ring.password_cost(epoch).ok_or(crate::Error::KeyRotated {
            code_epoch: epoch,
            current_epoch: ring.ring.current_epoch(),
        })?;
        outs.0.write(cost.memory_kib());
        outs.1.write(cost.iterations());
        outs.2.write(cost.parallelism());
        Ok(())
    }
}

/// Erases retired generations whose grace period has ended at `now` (unix seconds), without
/// rotating (ABI 1.1). Rotation does this itself.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_prune(
    ring: *mut olr_server_key_ring,
    now: i64,
) -> olr_status {
    ffi_boundary! {
        ptr::handle_mut(ring)?.ring.prune(now)?;
        Ok(())
    }
}

/// Sets the attempt limits the next deployment package carries (docs/PROTOCOL.md §9.7): failed
/// opens allowed per reset code and per account within one code lifetime (defaults 5 and 20),
/// each 1 … 1000 (`OLR_INVALID_POLICY`). Machines learn them only from a new package.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_set_attempt_limits(
    ring: *mut olr_server_key_ring,
    failed_opens_per_code: u16,
    failed_opens_per_account: u16,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle_mut(ring)?;
        let policy = ring
            .ring
            .policy()
            .with_attempt_limits(failed_opens_per_code, failed_opens_per_account)?;
        ring.ring.set_policy(policy)?;
        Ok(())
    }
}

/// Writes the attempt limits of the key ring's policy.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_attempt_limits(
    ring: *const olr_server_key_ring,
    out_failed_opens_per_code: *mut u16,
    out_failed_opens_per_account: *mut u16,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        let out_code = Out::new(out_failed_opens_per_code)?;
        let out_account = Out::new(out_failed_opens_per_account)?;
        let policy = ring.ring.policy();
        out_code.write(policy.failed_opens_per_code());
        out_account.write(policy.failed_opens_per_account());
        Ok(())
    }
}

/// Begins a rotation of the deployment signing key (docs/PROTOCOL.md §9.4): draws the next key
/// from the OS RNG. Packages made from now on are signed with the current key and name the next
/// one; machines redeployed with such a package pin it. Nothing changes when a rotation is
/// already under way. `OLR_RNG_FAILURE` when the OS RNG fails.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_begin_signing_key_rotation(
    ring: *mut olr_server_key_ring,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle_mut(ring)?;
        ring.ring.begin_signing_key_rotation_with_os_rng()?;
        Ok(())
    }
}

/// Finishes a signing-key rotation: the next key signs from now on and the old one is erased.
/// Only after every machine took a package made since the rotation began: a machine that did not
/// refuses later packages (`OLR_PACKAGE_SIGNATURE_INVALID`) and must be enrolled afresh. Nothing
/// changes when no rotation is under way.
#[no_mangle]
pub extern "C" fn olr_server_key_ring_finish_signing_key_rotation(
    ring: *mut olr_server_key_ring,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle_mut(ring)?;
        ring.ring.finish_signing_key_rotation()?;
        Ok(())
    }
}

/// Where a key ring held in a PKCS#11 token is: the module (a path, UTF-8), the token (its
/// label), the user PIN (bytes as the token takes them) and the label prefix of the ring's
/// objects. Read and checked in this order.
#[cfg_attr(not(feature = "pkcs11"), allow(dead_code))]
struct TokenPlace<'a> {
    module_path: &'a str,
    token_label: &'a str,
    pin: &'a [u8],
    key_label_prefix: &'a str,
}

impl<'a> TokenPlace<'a> {
    #[allow(clippy::too_many_arguments)]
    fn read(
        module_path: *const c_char,
        module_path_len: usize,
        token_label: *const c_char,
        token_label_len: usize,
        pin: *const u8,
        pin_len: usize,
        key_label_prefix: *const c_char,
        key_label_prefix_len: usize,
    ) -> Result<Self, super::status::Fail> {
        Ok(TokenPlace {
            module_path: ptr::text(module_path, module_path_len)?,
            token_label: ptr::text(token_label, token_label_len)?,
            pin: ptr::bytes(pin, pin_len)?,
            key_label_prefix: ptr::text(key_label_prefix, key_label_prefix_len)?,
        })
    }

    #[cfg(feature = "pkcs11")]
    fn open_token(&self) -> crate::Result<crate::Pkcs11Token> {
        crate::Pkcs11Token::open(
            std::path::Path::new(self.module_path),
            self.token_label,
            self.pin,
        )
    }
}

/// Creates a key ring whose keys are generated in a PKCS#11 token and never leave it (ABI 2.1):
/// loads the module at `module_path` (for example `/usr/lib/softhsm/libsofthsm2.so`), finds
/// the token labelled `token_label`, logs in with `pin`, generates epoch 1's key pair and the
/// deployment signing key pair there (sensitive, not extractable) under labels starting with
/// `key_label_prefix` (1 to 64 bytes), and writes the ring's record to the token. Policy
/// arguments as in `olr_server_key_ring_generate_with_password_cost`.
///
/// Every later change to the handle (rotation, pruning, `_set_*`, signing-key rotation) is
/// written to the token at once and fails with the token's status, leaving the ring as it was;
/// keys of retired generations are destroyed in the token. `olr_server_key_ring_export` fails
/// with `OLR_KEYS_IN_TOKEN`: back up the token. Seals run in parallel on a pool of sessions.
///
/// Fails with `OLR_PKCS11_NOT_BUILT` when the library was built without the `pkcs11` feature,
/// `OLR_TOKEN_MODULE_NOT_FOUND`, `OLR_TOKEN_ABSENT`, `OLR_TOKEN_WRONG_PIN`,
/// `OLR_TOKEN_RING_EXISTS` (a ring is already there under that prefix), `OLR_TOKEN_FAILURE`,
/// `OLR_MALFORMED_INPUT` (prefix empty, too long or with control characters). The PIN is not
/// kept, nor anything derived from it; PKCS#11 logs a process in once per token, so while a
/// handle on the same token is open in this process a further open shares that login and does
/// not check the PIN again. Free the handle with `olr_server_key_ring_free` (the token objects
/// stay).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_server_key_ring_generate_pkcs11(
    module_path: *const c_char,
    module_path_len: usize,
    token_label: *const c_char,
    token_label_len: usize,
    pin: *const u8,
    pin_len: usize,
    key_label_prefix: *const c_char,
    key_label_prefix_len: usize,
    reset_code_lifetime_minutes: u16,
    clock_skew_minutes: u16,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    out: *mut *mut olr_server_key_ring,
) -> olr_status {
    ffi_boundary! {
        let out = Out::new(out)?;
        let place = TokenPlace::read(
            module_path, module_path_len, token_label, token_label_len, pin, pin_len,
            key_label_prefix, key_label_prefix_len,
        )?;
        let cost = PasswordCost::new(memory_kib, iterations, parallelism)?;
        let policy = Policy::new(reset_code_lifetime_minutes, clock_skew_minutes)?
            .with_password_cost(cost);
        #[cfg(feature = "pkcs11")]
        {
            let token = place.open_token()?;
            let ring = ServerKeyRing::generate_in_token(&token, place.key_label_prefix, policy)?;
            ptr::into_handle(out, olr_server_key_ring { ring });
            Ok(())
        }
        #[cfg(not(feature = "pkcs11"))]
        {
            let _ = (out, place, policy);
            Err::<(), _>(crate::Error::Pkcs11NotBuilt.into())
        }
    }
}

/// Opens the key ring held in a PKCS#11 token under `key_label_prefix` (ABI 2.1), made by
/// `olr_server_key_ring_generate_pkcs11` or `olr_server_key_ring_copy_to_pkcs11`, from its
/// record in the token; each key is checked against its recorded public key. Arguments and
/// statuses as in `olr_server_key_ring_generate_pkcs11`, and `OLR_TOKEN_KEY_MISSING` when no
/// ring is there or one of its keys is missing.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_server_key_ring_open_pkcs11(
    module_path: *const c_char,
    module_path_len: usize,
    token_label: *const c_char,
    token_label_len: usize,
    pin: *const u8,
    pin_len: usize,
    key_label_prefix: *const c_char,
    key_label_prefix_len: usize,
    out: *mut *mut olr_server_key_ring,
) -> olr_status {
    ffi_boundary! {
        let out = Out::new(out)?;
        let place = TokenPlace::read(
            module_path, module_path_len, token_label, token_label_len, pin, pin_len,
            key_label_prefix, key_label_prefix_len,
        )?;
        #[cfg(feature = "pkcs11")]
        {
            let token = place.open_token()?;
            let ring = ServerKeyRing::open_in_token(&token, place.key_label_prefix)?;
            ptr::into_handle(out, olr_server_key_ring { ring });
            Ok(())
        }
        #[cfg(not(feature = "pkcs11"))]
        {
            let _ = (out, place);
            Err::<(), _>(crate::Error::Pkcs11NotBuilt.into())
        }
    }
}

/// Copies a key ring held in this process into a PKCS#11 token (ABI 2.1): the way an existing
/// deployment moves its keys into an HSM without redeploying machines (same keys, same codes).
/// Writes a new handle for the copy in the token; `ring` is unchanged: delete every copy of its
/// export afterwards. The token marks imported keys as once extractable. Arguments and statuses
/// as in `olr_server_key_ring_generate_pkcs11`, and `OLR_KEYS_IN_TOKEN` when `ring` is already
/// held in a token.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_server_key_ring_copy_to_pkcs11(
    ring: *const olr_server_key_ring,
    module_path: *const c_char,
    module_path_len: usize,
    token_label: *const c_char,
    token_label_len: usize,
    pin: *const u8,
    pin_len: usize,
    key_label_prefix: *const c_char,
    key_label_prefix_len: usize,
    out: *mut *mut olr_server_key_ring,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        let out = Out::new(out)?;
        let place = TokenPlace::read(
            module_path, module_path_len, token_label, token_label_len, pin, pin_len,
            key_label_prefix, key_label_prefix_len,
        )?;
        #[cfg(feature = "pkcs11")]
        {
            let token = place.open_token()?;
            let copy = ring.ring.copy_into_token(&token, place.key_label_prefix)?;
            ptr::into_handle(out, olr_server_key_ring { ring: copy });
            Ok(())
        }
        #[cfg(not(feature = "pkcs11"))]
        {
            let _ = (ring, out, place);
            Err::<(), _>(crate::Error::Pkcs11NotBuilt.into())
        }
    }
}

/// Writes whether the ring's keys are held in a PKCS#11 token (ABI 2.1).
#[no_mangle]
pub extern "C" fn olr_server_key_ring_is_held_in_token(
    ring: *const olr_server_key_ring,
    out_held: *mut bool,
) -> olr_status {
    ffi_boundary! {
        let ring = ptr::handle(ring)?;
        Out::new(out_held)?.write(ring.ring.is_held_in_token());
        Ok(())
    }
}

/// Fuzz builds only (`cfg(fuzzing)`): a handle for a key ring a fuzz target built in Rust (see
/// `olr_machine::handle_for_fuzzing`). Free it with `olr_server_key_ring_free`.
#[cfg(fuzzing)]
#[doc(hidden)]
impl olr_server_key_ring {
    pub fn handle_for_fuzzing(ring: ServerKeyRing) -> *mut olr_server_key_ring {
        Box::into_raw(Box::new(olr_server_key_ring { ring }))
    }
}
