//! The versioned, checksummed container every stored object uses (server key ring, machine state,
//! deployment package), optionally wrapped under a caller-supplied key with AES-SIV (RFC 5297
//! deterministic key wrap). See `docs/PROTOCOL.md` §9.

use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::primitives::{constant_time_eq, fill_random, SivKey, SIV_KEY_LEN, SIV_TAG_LEN};

const MAGIC: &[u8; 3] = b"OLR";
const FORMAT_VERSION: u8 = 1;
/// magic, version, kind, protection, body length (u32 big-endian).
const HEADER_LEN: usize = 10;
const CRC_LEN: usize = 4;
/// No legitimate object comes near this; larger declared lengths are refused before reading.
const MAX_BODY_LEN: usize = 1 << 20;
const KEY_CHECK_LEN: usize = 4;
const KEY_CHECK_LABEL: &[u8] = b"offline-reset-v1 wrapping key check";
const WRAP_LABEL: &[u8] = b"offline-reset-v1 wrap";

/// CRC-32/ISO-HDLC (the zlib/PNG CRC: reflected polynomial 0x04C11DB7, init and xorout
/// 0xFFFFFFFF) over `bytes`, computed bit by bit with masks instead of a lookup table: plain
/// exports hold secret keys in the clear, and a table indexed by secret bytes would leak them
/// through the cache (docs/PROTOCOL.md §12.4, `tests/ct/`). No branch and no memory index depends
/// on the data.
fn crc32(bytes: &[u8]) -> u32 {
    /// 0x04C11DB7 bit-reversed.
    const POLY_REFLECTED: u32 = 0xEDB8_8320;
    let mut crc = u32::MAX;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            // All ones when the low bit is set, else zero: no branch on the bit.
            let mask = 0u32.wrapping_sub(crc & 1);
            crc = (crc >> 1) ^ (POLY_REFLECTED & mask);
        }
    }
    !crc
}

/// What an envelope holds. Numbers are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    ServerKeyRing = 1,
    MachineState = 2,
    DeploymentPackage = 3,
    ReplayLedger = 4,
    /// A server key ring's public part in a PKCS#11 token (docs/PROTOCOL.md §9.8).
    #[cfg_attr(not(feature = "pkcs11"), allow(dead_code))]
    TokenRingRecord = 5,
}

const PLAIN: u8 = 0;
const WRAPPED: u8 = 1;

/// A 64-byte AES-256-SIV key the integrator supplies to wrap stored objects (for example one kept
/// under DPAPI, in an HSM or a KMS). Zeroized on drop; `Debug` prints nothing secret.
#[derive(Clone, Debug)]
pub struct WrappingKey(SivKey);

/// Length of a wrapping key in bytes.
pub const WRAPPING_KEY_LEN: usize = SIV_KEY_LEN;

impl WrappingKey {
    /// # Errors
    /// [`Error::InvalidKeyMaterial`] unless `bytes` is exactly 64 bytes long.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        SivKey::from_slice(bytes).map(WrappingKey)
    }

    /// A fresh random wrapping key.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; SIV_KEY_LEN]);
        fill_random(rng, bytes.as_mut())?;
        Self::from_bytes(bytes.as_ref())
    }

    /// A short public fingerprint of the key, stored in wrapped objects so that a wrong key is
    /// told apart from a damaged object. It is the ciphertext of four zero bytes: that depends on
    /// both halves of the key (the tag alone would depend on the S2V half only).
    fn key_check(&self) -> Result<[u8; KEY_CHECK_LEN]> {
        let mut check = [0u8; KEY_CHECK_LEN];
        self.0.seal_in_place(&[KEY_CHECK_LABEL], &mut check)?;
        Ok(check)
    }
}

/// Builds an envelope around `body`.
pub(crate) fn seal(kind: Kind, body: &[u8], wrapping: Option<&WrappingKey>) -> Result<Vec<u8>> {
    let body_len = match wrapping {
        None => body.len(),
        Some(_) => KEY_CHECK_LEN + SIV_TAG_LEN + body.len(),
    };
    let mut out = Vec::with_capacity(HEADER_LEN + body_len + CRC_LEN);
    out.extend_from_slice(MAGIC);
    out.push(FORMAT_VERSION);
    out.push(kind as u8);
    out.push(if wrapping.is_some() { WRAPPED } else { PLAIN });
    out.extend_from_slice(&(body_len as u32).to_be_bytes());
    match wrapping {
        None => out.extend_from_slice(body),
        Some(key) => {
            let header: [u8; HEADER_LEN] = out[..HEADER_LEN]
                .try_into()
                .map_err(|_| Error::MalformedInput)?;
            out.extend_from_slice(&key.key_check()?);
            let tag_at = out.len();
            out.extend_from_slice(&[0u8; SIV_TAG_LEN]);
            let body_at = out.len();
            out.extend_from_slice(body);
            let tag = key
                .0
                .seal_in_place(&[WRAP_LABEL, &header], &mut out[body_at..])?;
            out[tag_at..body_at].copy_from_slice(&tag);
        }
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    Ok(out)
}

/// Opens an envelope of the expected kind and returns its body, checks in the order the
/// protocol fixes so that every kind of damage has its own error.
pub(crate) fn open(
    kind: Kind,
    bytes: &[u8],
    wrapping: Option<&WrappingKey>,
) -> Result<Zeroizing<Vec<u8>>> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(Error::MalformedInput);
    }
    if bytes.len() > MAGIC.len() && bytes[MAGIC.len()] != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion {
            found: bytes[MAGIC.len()],
        });
    }
    if bytes.len() < HEADER_LEN + CRC_LEN {
        return Err(Error::Truncated);
    }
    let body_len = u32::from_be_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]) as usize;
    if body_len > MAX_BODY_LEN {
        return Err(Error::MalformedInput);
    }
    let total = HEADER_LEN + body_len + CRC_LEN;
    if bytes.len() < total {
        return Err(Error::Truncated);
    }
    if bytes.len() > total {
        return Err(Error::MalformedInput);
    }
    let (covered, crc) = bytes.split_at(total - CRC_LEN);
    // Compared in constant time too: for a plain object the CRC is a function of the secrets;
    // only the final accept/reject is a branch.
    if !constant_time_eq(&crc32(covered).to_be_bytes(), crc) {
        return Err(Error::Corrupted);
    }
    if bytes[4] != kind as u8 {
        return Err(Error::WrongKind);
    }
    let body = &covered[HEADER_LEN..];
    match (bytes[5], wrapping) {
        (PLAIN, None) => Ok(Zeroizing::new(body.to_vec())),
        (WRAPPED, Some(key)) => {
            if body.len() < KEY_CHECK_LEN + SIV_TAG_LEN {
                return Err(Error::MalformedInput);
            }
            let (check, rest) = body.split_at(KEY_CHECK_LEN);
            if !constant_time_eq(check, &key.key_check()?) {
                return Err(Error::WrongWrappingKey);
            }
            let (tag, sealed) = rest.split_at(SIV_TAG_LEN);
            let tag: [u8; SIV_TAG_LEN] = tag.try_into().map_err(|_| Error::MalformedInput)?;
            let mut plain = Zeroizing::new(sealed.to_vec());
            key.0
                .open_in_place(&[WRAP_LABEL, &covered[..HEADER_LEN]], &mut plain, &tag)
                .map_err(|_| Error::Corrupted)?;
            Ok(plain)
        }
        (PLAIN, Some(_)) | (WRAPPED, None) => Err(Error::WrappingMismatch),
        _ => Err(Error::MalformedInput),
    }
}

/// Reads fixed-size fields off the front of a body; running out is [`Error::MalformedInput`]
/// (the envelope length was already checked, so a short body is a malformed one).
pub(crate) struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(Error::MalformedInput);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| Error::MalformedInput)
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// Succeeds only when everything was read.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::MalformedInput)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn crc32_matches_the_table_driven_crate_on_pseudorandom_inputs() {
        const REFERENCE: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).expect("OS random");
        let mut state = u64::from_le_bytes(seed) | 1;
        let mut next = || {
            // xorshift64*: only test inputs, printed on failure so a failure can be replayed.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let start = u64::from_le_bytes(seed) | 1;
        for len in (0..300).chain([1024, 4099]) {
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            assert_eq!(
                crc32(&data),
                REFERENCE.checksum(&data),
                "length {len}, seed {start:#x}"
            );
        }
        // Every single byte value, alone and after a prefix.
        for b in 0..=255u8 {
            assert_eq!(crc32(&[b]), REFERENCE.checksum(&[b]));
            assert_eq!(
                crc32(&[0xA5, b, 0x5A]),
                REFERENCE.checksum(&[0xA5, b, 0x5A])
            );
        }
    }
}
