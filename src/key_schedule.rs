//! The per-machine key, derived HPKE-style (RFC 9180 §4) from the ECDH secret, binding the
//! protocol version, the epoch and both public keys (`docs/PROTOCOL.md` §4), and the password
//! binding (§5).
//!
//! Public only for the test vectors and benchmarks; not part of the stable API.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::argon2_memory::{Argon2Memory, Argon2Pool};
use crate::error::{Error, Result};
use crate::policy::PasswordCost;
use crate::primitives::{
    ecdh, hkdf_expand, hkdf_extract, PublicPoint, SecretScalar, SivKey, COMPRESSED_POINT_LEN,
    SCALAR_LEN,
};

/// Prefix of every label: names the protocol and its version, like RFC 9180's "HPKE-v1".
pub const PROTOCOL_LABEL: &[u8] = b"offline-reset-v1";

/// LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, PROTOCOL_LABEL || label || ikm).
pub fn labeled_extract(salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    hkdf_extract(salt, &[PROTOCOL_LABEL, label, ikm])
}

/// LabeledExpand(prk, label, info, L) =
/// HKDF-Expand(prk, I2OSP(L, 2) || PROTOCOL_LABEL || label || info, L).
/// The info is given in three parts (concatenated), which is all the protocol needs.
pub fn labeled_expand(prk: &[u8], label: &[u8], info: [&[u8]; 3], okm: &mut [u8]) -> Result<()> {
    let length = (okm.len() as u16).to_be_bytes();
    let [info0, info1, info2] = info;
    hkdf_expand(
        prk,
        &[&length, PROTOCOL_LABEL, label, info0, info1, info2],
        okm,
    )
}

/// The machine key for one machine and one epoch, from either side of the ECDH:
/// the machine uses its secret and the server public key, the server uses the epoch's secret and
/// the machine public key (from the identification code).
pub(crate) fn machine_key(
    our_secret: &SecretScalar,
    their_public: &PublicPoint,
    epoch: u16,
    server_public: &[u8; COMPRESSED_POINT_LEN],
    machine_public_x: &[u8; SCALAR_LEN],
) -> Result<Box<SivKey>> {
    let shared = ecdh(our_secret, their_public)?;
    derive_machine_key(&shared, epoch, server_public, machine_public_x)
}

/// The key schedule after ECDH, separate so the test vectors can check each step.
pub fn derive_machine_key(
    shared_x: &[u8; SCALAR_LEN],
    epoch: u16,
    server_public: &[u8; COMPRESSED_POINT_LEN],
    machine_public_x: &[u8; SCALAR_LEN],
) -> Result<Box<SivKey>> {
    let prk = labeled_extract(b"", b"shared_secret", shared_x);
    // Expanded straight into its heap home: no copy of the key is left behind.
    let mut key = SivKey::boxed_zero();
    labeled_expand(
        prk.as_ref(),
        b"machine_key",
        [&epoch.to_be_bytes(), server_public, machine_public_x],
        key.as_mut_bytes(),
    )?;
    Ok(key)
}

/// Label in front of the password binding's salt input.
pub const PASSWORD_SALT_LABEL: &[u8] = b"offline-reset-v1 password";
/// Length of the password binding (the Argon2id output).
pub const PASSWORD_BINDING_LEN: usize = 32;

/// The salt of the password binding (docs/PROTOCOL.md §5): SHA-256 over a label, the epoch, the
/// machine public key and the length-prefixed normalized account and SID, so that no two
/// machines, epochs or accounts share a salt.
pub fn password_salt(
    epoch: u16,
    machine_public_x: &[u8; SCALAR_LEN],
    account: &Account,
) -> [u8; 32] {
    let domain = account.domain_bytes();
    let username = account.username_bytes();
    Sha256::new()
        .chain_update(PASSWORD_SALT_LABEL)
        .chain_update(epoch.to_be_bytes())
        .chain_update(machine_public_x)
        .chain_update((domain.len() as u16).to_be_bytes())
        .chain_update(domain)
        .chain_update((username.len() as u16).to_be_bytes())
        .chain_update(username)
        .chain_update([account.sid().len() as u8])
        .chain_update(account.sid())
        .finalize()
        .into()
}

/// The password binding: Argon2id (RFC 9106, version 0x13) of the new password's exact UTF-8
/// bytes with [`password_salt`], the generation's cost, no secret and no associated data,
/// 32 bytes out. It replaces the password in the reset code's associated data, so each guess
/// of the password costs one Argon2id run.
///
/// The Argon2 memory is fresh for this call (on Linux its own mapping, advised out of core dumps
/// and onto huge pages; elsewhere the heap) and wiped before it is released
/// (`src/argon2_memory.rs`). A refused allocation (up to 1 GiB by policy, inside LogonUI) is
/// [`Error::OutOfMemory`], never an abort.
pub fn password_binding(
    cost: PasswordCost,
    epoch: u16,
    machine_public_x: &[u8; SCALAR_LEN],
    account: &Account,
    new_password: &[u8],
) -> Result<Zeroizing<[u8; PASSWORD_BINDING_LEN]>> {
    let params = argon2_params(cost)?;
    let mut memory = Argon2Memory::new(params.block_count())?;
    bind(
        params,
        memory.blocks_mut(),
        epoch,
        machine_public_x,
        account,
        new_password,
    )
}

/// [`password_binding`] in a region of `pool` (the server key ring's), given back afterwards.
pub(crate) fn password_binding_pooled(
    pool: &Argon2Pool,
    cost: PasswordCost,
    epoch: u16,
    machine_public_x: &[u8; SCALAR_LEN],
    account: &Account,
    new_password: &[u8],
) -> Result<Zeroizing<[u8; PASSWORD_BINDING_LEN]>> {
    let params = argon2_params(cost)?;
    let mut memory = pool.take(params.block_count())?;
    let binding = bind(
        params,
        memory.blocks_mut(),
        epoch,
        machine_public_x,
        account,
        new_password,
    );
    pool.give(memory);
    binding
}

fn argon2_params(cost: PasswordCost) -> Result<argon2::Params> {
    argon2::Params::new(
        cost.memory_kib(),
        cost.iterations(),
        cost.parallelism(),
        Some(PASSWORD_BINDING_LEN),
    )
    .map_err(|_| Error::InvalidPolicy)
}

/// The Argon2id run itself, in `memory` (at least `params.block_count()` blocks; what is beyond
/// is left alone).
fn bind(
    params: argon2::Params,
    memory: &mut [argon2::Block],
    epoch: u16,
    machine_public_x: &[u8; SCALAR_LEN],
    account: &Account,
    new_password: &[u8],
) -> Result<Zeroizing<[u8; PASSWORD_BINDING_LEN]>> {
    use argon2::{Algorithm, Argon2, Version};
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = password_salt(epoch, machine_public_x, account);
    let mut out = Zeroizing::new([0u8; PASSWORD_BINDING_LEN]);
    argon2
        .hash_password_into_with_memory(new_password, &salt, out.as_mut(), memory)
        .map_err(|_| Error::InvalidPassword)?;
    Ok(out)
}
