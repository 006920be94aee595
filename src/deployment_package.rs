//! What the Windows integration is deployed with: the current server public key, its epoch and
//! the policy, as one compact, versioned, checksummed string. See `docs/PROTOCOL.md` §8.

use data_encoding::{DecodeKind, Encoding, Specification};

use crate::code_text::{ALPHABET, MAX_EPOCH};
use crate::envelope::{self, Kind, Reader};
use crate::error::{Error, Result};
use crate::policy::{Policy, POLICY_LEN};
use crate::primitives::{PublicPoint, COMPRESSED_POINT_LEN};

/// Everything a machine needs to enroll. Public: contains no secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeploymentPackage {
    epoch: u16,
    server_public: PublicPoint,
    policy: Policy,
}

/// Plain Crockford base32 without grouping or padding, with the same tolerant reading as codes.
fn crockford() -> Result<Encoding> {
    let mut spec = Specification::new();
    spec.symbols
        .push_str(core::str::from_utf8(ALPHABET).map_err(|_| Error::MalformedInput)?);
    spec.translate.from.push_str("abcdefghjkmnpqrstvwxyzoOiIlL");
    spec.translate.to.push_str("ABCDEFGHJKMNPQRSTVWXYZ001111");
    spec.ignore.push_str(" -\t\r\n");
    // The checksum covers every byte, so leftover bits carry nothing; ignoring them lets a text
    // cut short be reported as truncated by the envelope.
    spec.check_trailing_bits = false;
    spec.encoding().map_err(|_| Error::MalformedInput)
}

impl DeploymentPackage {
    pub(crate) fn new(epoch: u16, server_public: PublicPoint, policy: Policy) -> Self {
        DeploymentPackage {
            epoch,
            server_public,
            policy,
        }
    }

    /// The package as text (Crockford base32 of a plain envelope of kind 3).
    pub fn to_text(&self) -> String {
        let mut body = [0u8; 2 + COMPRESSED_POINT_LEN + POLICY_LEN];
        body[..2].copy_from_slice(&self.epoch.to_be_bytes());
        body[2..2 + COMPRESSED_POINT_LEN].copy_from_slice(&self.server_public.to_compressed());
        body[2 + COMPRESSED_POINT_LEN..].copy_from_slice(&self.policy.to_bytes());
        // Building a plain envelope and the fixed alphabet cannot fail.
        let bytes = envelope::seal(Kind::DeploymentPackage, &body, None).unwrap_or_default();
        crockford().map(|e| e.encode(&bytes)).unwrap_or_default()
    }

    /// Reads a package, checking its checksum, version, kind, key and policy.
    ///
    /// # Errors
    /// [`Error::Corrupted`] for a damaged text, [`Error::Truncated`] for a cut one,
    /// [`Error::MalformedInput`] for characters outside the alphabet,
    /// [`Error::WrongKind`] for another object, [`Error::InvalidKeyMaterial`] for a bad key,
    /// [`Error::InvalidPolicy`] for an out-of-range policy.
    pub fn from_text(text: &str) -> Result<Self> {
        let bytes = crockford()?
            .decode(text.as_bytes())
            .map_err(|e| match e.kind {
                DecodeKind::Length => Error::Truncated,
                _ => Error::MalformedInput,
            })?;
        let body = envelope::open(Kind::DeploymentPackage, &bytes, None)?;
        let mut reader = Reader(&body);
        // Each field is checked as it is read, in order (docs/PROTOCOL.md §8).
        let epoch = reader.u16()?;
        if epoch == 0 || epoch > MAX_EPOCH {
            return Err(Error::MalformedInput);
        }
        let server_public = PublicPoint::from_compressed(reader.take(COMPRESSED_POINT_LEN)?)?;
        let policy = Policy::from_bytes(&reader.array()?)?;
        reader.finish()?;
        Ok(DeploymentPackage::new(epoch, server_public, policy))
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
