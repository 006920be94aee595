//! The per-machine key, derived HPKE-style (RFC 9180 §4) from the ECDH secret, binding the
//! protocol version, the epoch and both public keys. See `docs/PROTOCOL.md` §4.
//!
//! Public only for the test vectors and benchmarks; not part of the stable API.

use zeroize::Zeroizing;

use crate::error::Result;
use crate::primitives::{
    ecdh, hkdf_expand, hkdf_extract, PublicPoint, SecretScalar, SivKey, COMPRESSED_POINT_LEN,
    SCALAR_LEN, SIV_KEY_LEN,
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
) -> Result<SivKey> {
    let shared = ecdh(our_secret, their_public)?;
    derive_machine_key(&shared, epoch, server_public, machine_public_x)
}

/// The key schedule after ECDH, separate so the test vectors can check each step.
pub fn derive_machine_key(
    shared_x: &[u8; SCALAR_LEN],
    epoch: u16,
    server_public: &[u8; COMPRESSED_POINT_LEN],
    machine_public_x: &[u8; SCALAR_LEN],
) -> Result<SivKey> {
    let prk = labeled_extract(b"", b"shared_secret", shared_x);
    let mut key = Zeroizing::new([0u8; SIV_KEY_LEN]);
    labeled_expand(
        prk.as_ref(),
        b"machine_key",
        [&epoch.to_be_bytes(), server_public, machine_public_x],
        key.as_mut(),
    )?;
    Ok(SivKey::from_array(*key))
}
