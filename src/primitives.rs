//! The cryptographic building blocks, each behind one small function so that every protocol
//! operation, the conformance tests (Project Wycheproof) and the benchmarks go through the very
//! same code paths.
//!
//! This module is public only so that tests and benchmarks can reach it; it is not part of the
//! stable API.

use aes_siv::aead::KeyInit;
use aes_siv::siv::Aes256Siv;
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::{PublicKey, SecretKey};
use rand_core::TryCryptoRng;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};

/// The operating system's random number generator (what every convenience constructor uses).
pub use getrandom::SysRng as OsRng;

/// Length of an AES-256-SIV key (RFC 5297: two 256-bit AES keys).
pub const SIV_KEY_LEN: usize = 64;
/// Length of the SIV tag (the synthetic IV).
pub const SIV_TAG_LEN: usize = 16;
/// Length of a SEC1 compressed P-256 point.
pub const COMPRESSED_POINT_LEN: usize = 33;
/// Length of a P-256 scalar or coordinate.
pub const SCALAR_LEN: usize = 32;

/// Fills `out` from a caller-supplied RNG, mapping failure to [`Error::RngFailure`].
pub fn fill_random<R: TryCryptoRng + ?Sized>(rng: &mut R, out: &mut [u8]) -> Result<()> {
    rng.try_fill_bytes(out).map_err(|_| Error::RngFailure)
}

/// A P-256 secret scalar. Zeroized on drop; `Debug` prints nothing secret.
#[derive(Clone)]
pub struct SecretScalar(SecretKey);

impl SecretScalar {
    /// Draws a scalar from the RNG by rejection sampling: 32 bytes, big-endian, accepted when
    /// 0 < s < n (the probability of a retry is below 2^-32).
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; SCALAR_LEN]);
        // The loop is bounded: an RNG that keeps producing invalid scalars is broken.
        for _ in 0..64 {
            fill_random(rng, bytes.as_mut())?;
            if let Ok(scalar) = Self::from_bytes(&bytes) {
                return Ok(scalar);
            }
        }
        Err(Error::RngFailure)
    }

    /// A scalar from its 32-byte big-endian encoding; 0 and values >= n are refused.
    pub fn from_bytes(bytes: &[u8; SCALAR_LEN]) -> Result<Self> {
        SecretKey::from_bytes(bytes.into())
            .map(SecretScalar)
            .map_err(|_| Error::InvalidKeyMaterial)
    }

    /// The 32-byte big-endian encoding, in a buffer that is wiped on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        let mut out = Zeroizing::new([0u8; SCALAR_LEN]);
        let mut encoded = self.0.to_bytes();
        out.copy_from_slice(&encoded);
        encoded.zeroize();
        out
    }

    /// The public point, SEC1 compressed.
    pub fn public_compressed(&self) -> [u8; COMPRESSED_POINT_LEN] {
        compress(&self.0.public_key())
    }

    /// The x-coordinate of the public point.
    pub fn public_x(&self) -> [u8; SCALAR_LEN] {
        let compressed = self.public_compressed();
        let mut x = [0u8; SCALAR_LEN];
        x.copy_from_slice(&compressed[1..]);
        x
    }
}

impl core::fmt::Debug for SecretScalar {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretScalar(<redacted>)")
    }
}

/// Length of an ECDSA P-256 signature, `r || s`.
pub const SIGNATURE_LEN: usize = 64;

/// ECDSA P-256 with SHA-256 (docs/PROTOCOL.md §2), deterministic (RFC 6979), of `message` given
/// in parts (concatenated). `p256`'s own signing, taken as it is.
pub fn ecdsa_sign(secret: &SecretScalar, message_parts: &[&[u8]]) -> Result<[u8; SIGNATURE_LEN]> {
    use p256::ecdsa::signature::DigestSigner;
    use sha2::Digest;
    let key = p256::ecdsa::SigningKey::from(&secret.0);
    let signature: p256::ecdsa::Signature = key
        .try_sign_digest(|digest: &mut Sha256| {
            for part in message_parts {
                digest.update(part);
            }
            Ok(())
        })
        .map_err(|_| Error::InvalidKeyMaterial)?;
    let mut out = [0u8; SIGNATURE_LEN];
    out.copy_from_slice(&signature.to_bytes());
    Ok(out)
}

/// Verifies an ECDSA P-256/SHA-256 signature `r || s` (docs/PROTOCOL.md §2: `r`, `s` in
/// `1 … n − 1`, high `s` accepted) of `message` given in parts. `p256`'s own verification.
pub fn ecdsa_verify(
    public: &PublicPoint,
    message_parts: &[&[u8]],
    signature: &[u8; SIGNATURE_LEN],
) -> bool {
    use p256::ecdsa::signature::DigestVerifier;
    use sha2::Digest;
    let Ok(signature) = p256::ecdsa::Signature::from_slice(signature) else {
        return false;
    };
    let key = p256::ecdsa::VerifyingKey::from(&public.0);
    key.verify_digest(
        |digest: &mut Sha256| {
            for part in message_parts {
                digest.update(part);
            }
            Ok(())
        },
        &signature,
    )
    .is_ok()
}

/// A validated P-256 public point (never the identity, always on the curve).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicPoint(PublicKey);

impl PublicPoint {
    /// Decodes a SEC1 point (compressed, tag 0x02/0x03, or uncompressed, tag 0x04) and
    /// validates it: it must be on the curve and not the identity. Every public key the library
    /// reads goes through here. Other tags (the identity 0x00, non-standard compact 0x05) are
    /// refused, so each point has exactly the encodings SEC1 §2.3.3 gives it.
    pub fn from_sec1(bytes: &[u8]) -> Result<Self> {
        if !matches!(bytes.first(), Some(0x02..=0x04)) {
            return Err(Error::InvalidKeyMaterial);
        }
        PublicKey::from_sec1_bytes(bytes)
            .map(PublicPoint)
            .map_err(|_| Error::InvalidKeyMaterial)
    }

    /// The point with x-coordinate `x` and even y (SEC1 prefix 0x02). Which of the two points with
    /// this x is chosen does not matter for ECDH: both give the same shared x-coordinate.
    pub fn from_x(x: &[u8; SCALAR_LEN]) -> Result<Self> {
        let mut sec1 = [0u8; COMPRESSED_POINT_LEN];
        sec1[0] = 0x02;
        sec1[1..].copy_from_slice(x);
        Self::from_sec1(&sec1)
    }

    /// A point the formats store compressed: exactly 33 bytes with tag 0x02 or 0x03.
    pub fn from_compressed(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != COMPRESSED_POINT_LEN || bytes[0] == 0x04 {
            return Err(Error::InvalidKeyMaterial);
        }
        Self::from_sec1(bytes)
    }

    /// SEC1 compressed encoding.
    pub fn to_compressed(&self) -> [u8; COMPRESSED_POINT_LEN] {
        compress(&self.0)
    }

    /// SEC1 uncompressed encoding (tag 0x04, x, y): what PKCS#11 tokens take for ECDH.
    #[cfg(feature = "pkcs11")]
    pub(crate) fn to_uncompressed(self) -> [u8; UNCOMPRESSED_POINT_LEN] {
        let encoded = self.0.to_sec1_point(false);
        let mut out = [0u8; UNCOMPRESSED_POINT_LEN];
        out.copy_from_slice(encoded.as_bytes());
        out
    }

    /// The curve's base point G: `ECDH(s, G)` is the x-coordinate of `s`'s public key, which
    /// checks a key held in a token against the public key recorded for it.
    #[cfg(feature = "pkcs11")]
    pub(crate) fn generator() -> Result<Self> {
        PublicKey::from_affine(p256::AffinePoint::GENERATOR)
            .map(PublicPoint)
            .map_err(|_| Error::InvalidKeyMaterial)
    }
}

/// Length of a SEC1 uncompressed P-256 point.
#[cfg(feature = "pkcs11")]
pub(crate) const UNCOMPRESSED_POINT_LEN: usize = 65;

fn compress(point: &PublicKey) -> [u8; COMPRESSED_POINT_LEN] {
    let encoded = point.to_sec1_point(true);
    let mut out = [0u8; COMPRESSED_POINT_LEN];
    out.copy_from_slice(encoded.as_bytes());
    out
}

/// The ECDH shared secret: the x-coordinate of `secret * public` (SEC1 §3.3.1), by `p256`'s own
/// constant-time scalar multiplication (complete formulas), taken as it is. Wiped on drop.
pub fn ecdh(secret: &SecretScalar, public: &PublicPoint) -> Result<Zeroizing<[u8; SCALAR_LEN]>> {
    let shared = p256::ecdh::diffie_hellman(secret.0.to_nonzero_scalar(), public.0.as_affine());
    let mut out = Zeroizing::new([0u8; SCALAR_LEN]);
    out.copy_from_slice(shared.raw_secret_bytes());
    Ok(out)
}

/// HKDF-SHA256 Extract (RFC 5869) with the input key material given in parts (concatenated).
pub fn hkdf_extract(salt: &[u8], ikm_parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut extract = hkdf::HkdfExtract::<Sha256>::new(Some(salt));
    for part in ikm_parts {
        extract.input_ikm(part);
    }
    let (prk, _) = extract.finalize();
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&prk);
    out
}

/// HKDF-SHA256 Expand (RFC 5869) with the info given in parts (concatenated). Fails when `okm`
/// is longer than 255 * 32 bytes.
pub fn hkdf_expand(prk: &[u8], info_parts: &[&[u8]], okm: &mut [u8]) -> Result<()> {
    let hkdf = Hkdf::<Sha256>::from_prk(prk).map_err(|_| Error::InvalidKeyMaterial)?;
    hkdf.expand_multi_info(info_parts, okm)
        .map_err(|_| Error::InvalidKeyMaterial)
}

/// A 64-byte AES-256-SIV key. Zeroized on drop; `Debug` prints nothing secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SivKey([u8; SIV_KEY_LEN]);

impl SivKey {
    /// A key from exactly 64 bytes; any other length is refused.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let bytes: [u8; SIV_KEY_LEN] = bytes.try_into().map_err(|_| Error::InvalidKeyMaterial)?;
        Ok(SivKey(bytes))
    }

    /// A zero key on the heap, to be filled in place: keys built this way are never copied
    /// through the stack, and moving the box moves only a pointer.
    pub(crate) fn boxed_zero() -> Box<Self> {
        Box::new(SivKey([0u8; SIV_KEY_LEN]))
    }

    /// A key on the heap from exactly 64 bytes, copied straight into place.
    pub(crate) fn boxed_from_slice(bytes: &[u8]) -> Result<Box<Self>> {
        if bytes.len() != SIV_KEY_LEN {
            return Err(Error::InvalidKeyMaterial);
        }
        let mut key = Self::boxed_zero();
        key.0.copy_from_slice(bytes);
        Ok(key)
    }

    pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8; SIV_KEY_LEN] {
        &mut self.0
    }

    /// The raw key (for test vectors and the wrapped formats).
    pub fn as_bytes(&self) -> &[u8; SIV_KEY_LEN] {
        &self.0
    }

    /// Encrypts `buffer` in place and returns the tag. Never allocates. Fails only for more than
    /// 126 associated-data components (RFC 5297's limit), which the protocol never uses.
    pub fn seal_in_place(
        &self,
        associated_data: &[&[u8]],
        buffer: &mut [u8],
    ) -> Result<[u8; SIV_TAG_LEN]> {
        let mut siv = Aes256Siv::new((&self.0).into());
        let tag = siv
            .encrypt_inout_detached(associated_data, buffer.into())
            .map_err(|_| Error::MalformedInput)?;
        Ok(tag.into())
    }

    /// Checks `tag` and decrypts `buffer` in place. On failure `buffer` is left as it was (the
    /// ciphertext) and [`Error::Rejected`] is returned. The tag comparison is constant-time.
    pub fn open_in_place(
        &self,
        associated_data: &[&[u8]],
        buffer: &mut [u8],
        tag: &[u8; SIV_TAG_LEN],
    ) -> Result<()> {
        let mut siv = Aes256Siv::new((&self.0).into());
        siv.decrypt_inout_detached(associated_data, buffer.into(), tag.into())
            .map_err(|_| Error::Rejected)
    }
}

impl core::fmt::Debug for SivKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SivKey(<redacted>)")
    }
}

/// Constant-time equality of two byte strings of the same public length.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sec1_tags_are_accepted() {
        let compressed = SecretScalar::from_bytes(&[1; 32])
            .unwrap()
            .public_compressed();
        assert!(PublicPoint::from_compressed(&compressed).is_ok());
        for tag in [0x00, 0x01, 0x04, 0x05, 0x06, 0xFF] {
            let mut other = compressed;
            other[0] = tag;
            assert_eq!(
                PublicPoint::from_compressed(&other),
                Err(Error::InvalidKeyMaterial)
            );
            assert_eq!(
                PublicPoint::from_sec1(&other),
                Err(Error::InvalidKeyMaterial)
            );
        }
        assert_eq!(PublicPoint::from_sec1(&[]), Err(Error::InvalidKeyMaterial));
        assert_eq!(PublicPoint::from_sec1(&[0]), Err(Error::InvalidKeyMaterial));
    }

    #[test]
    fn wrapping_key_check_depends_on_both_halves() {
        // Checked through the envelope in tests/api.rs; here the primitive property behind it.
        let key = [3u8; 64];
        let mut flipped = key;
        flipped[63] ^= 1;
        let check = |k: &[u8; 64]| {
            let mut out = [0u8; 4];
            SivKey::from_slice(k)
                .unwrap()
                .seal_in_place(&[b"label"], &mut out)
                .unwrap();
            out
        };
        assert_ne!(check(&key), check(&flipped));
    }
}
