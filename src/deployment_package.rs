//! What the Windows integration is deployed with: the current server public key, its epoch and
//! the policy, signed with the key ring's deployment signing key, as one compact, versioned,
//! checksummed string. See `docs/PROTOCOL.md` §8.

use data_encoding::{Encoding, Specification};

use crate::code_text::{char_value, is_ignored, ALPHABET, MAX_EPOCH};
use crate::envelope::{self, Kind, Reader};
use crate::error::{Error, Result};
use crate::policy::{Policy, POLICY_LEN};
use crate::primitives::{ecdsa_verify, PublicPoint, COMPRESSED_POINT_LEN, SIGNATURE_LEN};

/// The label signed in front of a package's content (35 bytes).
const SIGNATURE_LABEL: &[u8] = b"offline-reset-v1 deployment package";
/// The signed part of the body: epoch, server key, policy, signer, next signer.
const SIGNED_LEN: usize = 2 + COMPRESSED_POINT_LEN + POLICY_LEN + 2 * COMPRESSED_POINT_LEN;
/// The whole body: the signed part and the signature (185 bytes).
const BODY_LEN: usize = SIGNED_LEN + SIGNATURE_LEN;

/// Everything a machine needs to enroll, signed by the key ring's deployment signing key.
/// Public: contains no secret. A package that reads has a valid signature by its own signer;
/// whether that signer is trusted is the machine's decision ([`crate::Machine::redeploy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeploymentPackage {
    epoch: u16,
    server_public: PublicPoint,
    policy: Policy,
    signer: PublicPoint,
    next_signer: PublicPoint,
    signature: [u8; SIGNATURE_LEN],
}

/// Plain Crockford base32 without grouping or padding, for writing.
fn crockford() -> Result<Encoding> {
    let mut spec = Specification::new();
    spec.symbols
        .push_str(core::str::from_utf8(ALPHABET).map_err(|_| Error::MalformedInput)?);
    spec.encoding().map_err(|_| Error::MalformedInput)
}

/// How many leading bytes [`looks_like_utf16`] inspects (at most).
pub(crate) const UTF16_SNIFF_LEN: usize = 32;

/// Whether `bytes` look like UTF-16 text rather than UTF-8 (docs/PROTOCOL.md §8): they start with
/// a UTF-16 byte order mark (`FF FE` or `FE FF`), or, with `k` the length of the input capped at
/// [`UTF16_SNIFF_LEN`] and rounded down to an even number, `k >= 2` and every byte at an even
/// offset below `k` is `00`, or every byte at an odd offset below `k` is `00`. (A UTF-8 package
/// holds no NUL byte; ASCII text written as UTF-16 has one in every other byte.)
pub(crate) fn looks_like_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let k = bytes.len().min(UTF16_SNIFF_LEN) & !1;
    if k < 2 {
        return false;
    }
    let head = &bytes[..k];
    let nul_at = |parity: usize| head.iter().skip(parity).step_by(2).all(|&b| b == 0);
    nul_at(0) || nul_at(1)
}

/// Reads the base32 text of §8 steps 1 and 2 into bytes: separators ignored, `n` counted in
/// Unicode scalar values, the length rule before the symbol rule, leftover bits ignored.
fn decode_text(text: &str) -> Result<Vec<u8>> {
    let mut n = 0usize;
    let mut all_symbols = true;
    for c in text.chars().filter(|&c| !is_ignored(c)) {
        n += 1;
        all_symbols &= char_value(c).is_some();
    }
    if matches!(n % 8, 1 | 3 | 6) {
        return Err(Error::Truncated);
    }
    if !all_symbols {
        return Err(Error::MalformedInput);
    }
    let mut bytes = Vec::with_capacity(n * 5 / 8);
    let mut acc = 0u16;
    let mut acc_bits = 0u32;
    for value in text
        .chars()
        .filter(|&c| !is_ignored(c))
        .filter_map(char_value)
    {
        acc = (acc << 5) | u16::from(value);
        acc_bits += 5;
        if acc_bits >= 8 {
            acc_bits -= 8;
            bytes.push((acc >> acc_bits) as u8);
            acc &= (1 << acc_bits) - 1;
        }
    }
    Ok(bytes)
}

impl DeploymentPackage {
    /// A package signed with `signing` (whose public key is `signer`; docs/PROTOCOL.md §8)
    /// naming `next_signer`.
    pub(crate) fn sign(
        epoch: u16,
        server_public: PublicPoint,
        policy: Policy,
        signer: &[u8; COMPRESSED_POINT_LEN],
        next_signer: &[u8; COMPRESSED_POINT_LEN],
        sign: impl FnOnce(&[&[u8]]) -> Result<[u8; SIGNATURE_LEN]>,
    ) -> Result<Self> {
        let mut package = DeploymentPackage {
            epoch,
            server_public,
            policy,
            signer: PublicPoint::from_compressed(signer)?,
            next_signer: PublicPoint::from_compressed(next_signer)?,
            signature: [0u8; SIGNATURE_LEN],
        };
        package.signature = sign(&[SIGNATURE_LABEL, &package.signed_bytes()])?;
        Ok(package)
    }

    fn signed_bytes(&self) -> [u8; SIGNED_LEN] {
        let mut out = [0u8; SIGNED_LEN];
        let mut at = 0;
        for part in [
            &self.epoch.to_be_bytes()[..],
            &self.server_public.to_compressed(),
            &self.policy.to_bytes(),
            &self.signer.to_compressed(),
            &self.next_signer.to_compressed(),
        ] {
            out[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        out
    }

    /// The package's envelope bytes (199 bytes: what the text encodes and the fingerprint
    /// hashes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = [0u8; BODY_LEN];
        body[..SIGNED_LEN].copy_from_slice(&self.signed_bytes());
        body[SIGNED_LEN..].copy_from_slice(&self.signature);
        // Building a plain envelope cannot fail.
        envelope::seal(Kind::DeploymentPackage, &body, None).unwrap_or_default()
    }

    /// The package as text (Crockford base32 of a plain envelope of kind 3, 319 characters).
    pub fn to_text(&self) -> String {
        // The fixed alphabet cannot fail.
        crockford()
            .map(|e| e.encode(&self.to_bytes()))
            .unwrap_or_default()
    }

    /// The package's fingerprint (docs/PROTOCOL.md §8): SHA-256 of its envelope bytes, in
    /// lowercase hexadecimal (64 characters). The same for every text of one package (case,
    /// separators, a trailing newline), so an admin compares it before deploying.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.to_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reads a package, checking its checksum, version, kind, key and policy. Reading is as
    /// tolerant as for typed codes: case-insensitive, O read as 0 and I/L as 1, full-width
    /// letters and digits read as ASCII, and the separators of docs/PROTOCOL.md §3.1 (white
    /// space, dashes, line breaks, a byte order mark, zero-width characters) ignored anywhere.
    ///
    /// # Errors
    /// [`Error::Corrupted`] for a damaged text, [`Error::Truncated`] for a cut one (its number of
    /// characters, separators excepted, is 1, 3 or 6 modulo 8; checked first),
    /// [`Error::MalformedInput`] for characters outside the alphabet,
    /// [`Error::WrongKind`] for another object, [`Error::InvalidKeyMaterial`] for a bad key,
    /// [`Error::InvalidPolicy`] for an out-of-range policy, [`Error::PackageSignatureInvalid`]
    /// when the signature does not verify under the package's own signer.
    pub fn from_text(text: &str) -> Result<Self> {
        let bytes = decode_text(text)?;
        let body = envelope::open(Kind::DeploymentPackage, &bytes, None)?;
        let mut reader = Reader(&body);
        // Each field is checked as it is read, in order (docs/PROTOCOL.md §8).
        let epoch = reader.u16()?;
        if epoch == 0 || epoch > MAX_EPOCH {
            return Err(Error::MalformedInput);
        }
        let server_public = PublicPoint::from_compressed(reader.take(COMPRESSED_POINT_LEN)?)?;
        let policy = Policy::from_bytes(&reader.array()?)?;
        let signer = PublicPoint::from_compressed(reader.take(COMPRESSED_POINT_LEN)?)?;
        let next_signer = PublicPoint::from_compressed(reader.take(COMPRESSED_POINT_LEN)?)?;
        let signature: [u8; SIGNATURE_LEN] = reader.array()?;
        reader.finish()?;
        let package = DeploymentPackage {
            epoch,
            server_public,
            policy,
            signer,
            next_signer,
            signature,
        };
        if !ecdsa_verify(
            &signer,
            &[SIGNATURE_LABEL, &package.signed_bytes()],
            &signature,
        ) {
            return Err(Error::PackageSignatureInvalid);
        }
        Ok(package)
    }

    /// Reads a package from the bytes of a file: [`Error::Utf16Text`] when they look like UTF-16
    /// (what Windows PowerShell 5.1 writes by default): they start with `FF FE` or `FE FF`, or,
    /// with `k` their length capped at 32 and rounded down to even, `k >= 2` and every byte at an
    /// even offset below `k`, or every byte at an odd offset below `k`, is `00`. Else
    /// [`Error::MalformedInput`] when they are not well-formed UTF-8, else as
    /// [`from_text`](Self::from_text) (a UTF-8 byte order mark is ignored there).
    ///
    /// # Errors
    /// As above, then as [`from_text`](Self::from_text).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if looks_like_utf16(bytes) {
            return Err(Error::Utf16Text);
        }
        let text = core::str::from_utf8(bytes).map_err(|_| Error::MalformedInput)?;
        Self::from_text(text)
    }

    /// The key generation this package deploys.
    pub fn epoch(&self) -> u16 {
        self.epoch
    }

    /// The policy machines enforce.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The server public key for this epoch, SEC1 compressed.
    pub fn server_public_key(&self) -> [u8; COMPRESSED_POINT_LEN] {
        self.server_public.to_compressed()
    }

    pub(crate) fn server_point(&self) -> &PublicPoint {
        &self.server_public
    }

    /// The public key that signed this package, SEC1 compressed.
    pub fn signer(&self) -> [u8; COMPRESSED_POINT_LEN] {
        self.signer.to_compressed()
    }

    /// The signing key a machine pins from this package on (the signer, except in a package
    /// that rotates the signing key), SEC1 compressed.
    pub fn next_signer(&self) -> [u8; COMPRESSED_POINT_LEN] {
        self.next_signer.to_compressed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_lengths_are_truncated_before_bad_symbols() {
        // 1, 3 and 6 symbols (mod 8) cannot come from any byte string.
        assert_eq!(DeploymentPackage::from_text("U"), Err(Error::Truncated));
        assert_eq!(DeploymentPackage::from_text("9X6"), Err(Error::Truncated));
        assert_eq!(
            DeploymentPackage::from_text("9X65U0"),
            Err(Error::Truncated)
        );
        assert_eq!(DeploymentPackage::from_text("9X"), Err(Error::Truncated));
        assert_eq!(
            DeploymentPackage::from_text("9U"),
            Err(Error::MalformedInput)
        );
        assert_eq!(
            DeploymentPackage::from_text("9X65408U"),
            Err(Error::MalformedInput)
        );
    }
}
