//! The identification code the login screen shows: protocol version, epoch and the machine's
//! public key, in the typed form of `code_text`. See `docs/PROTOCOL.md` §6.

use core::fmt;

use crate::code_text::{self, Layout};
use crate::error::Result;
use crate::primitives::SCALAR_LEN;

#[doc(hidden)]
pub const LAYOUT: Layout = Layout {
    payload_len: 2 + SCALAR_LEN,
    check_bits: 8,
};
/// Symbols in an identification code, separators excluded.
pub const IDENTIFICATION_CODE_SYMBOLS: usize = LAYOUT.symbols();
/// Length of the canonical text (groups joined by `-`).
pub const IDENTIFICATION_CODE_TEXT_LEN: usize = LAYOUT.text_len();

const PAYLOAD_LEN: usize = LAYOUT.payload_len;

/// A parsed, well-typed identification code. Public information: it can be shown and logged.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IdentificationCode {
    payload: [u8; PAYLOAD_LEN],
    text: [u8; IDENTIFICATION_CODE_TEXT_LEN],
}

impl IdentificationCode {
    pub(crate) fn new(epoch: u16, machine_public_x: &[u8; SCALAR_LEN]) -> Self {
        let mut payload = [0u8; PAYLOAD_LEN];
        payload[..2].copy_from_slice(&code_text::header(epoch));
        payload[2..].copy_from_slice(machine_public_x);
        Self::from_payload(payload)
    }

    fn from_payload(payload: [u8; PAYLOAD_LEN]) -> Self {
        let mut text = [0u8; IDENTIFICATION_CODE_TEXT_LEN];
        code_text::encode(LAYOUT, &payload, &mut text);
        IdentificationCode { payload, text }
    }

    /// Parses typed text: case-insensitive, O read as 0 and I/L as 1, spaces and hyphens ignored.
    ///
    /// # Errors
    /// [`Error::Mistyped`](crate::Error::Mistyped) naming the group when a symbol is wrong,
    /// [`Error::MalformedInput`](crate::Error::MalformedInput) when the number of symbols is wrong,
    /// [`Error::UnsupportedVersion`](crate::Error::UnsupportedVersion) for another protocol version.
    /// The machine key inside is validated only when the server seals (it needs the curve).
    pub fn parse(text: &str) -> Result<Self> {
        let mut payload = [0u8; PAYLOAD_LEN];
        code_text::decode(LAYOUT, text, &mut payload)?;
        Ok(Self::from_payload(payload))
    }

    /// Feedback on `text` while it is being typed: the state of each group, whether the code is
    /// complete and passes its whole-code check. Reads the text exactly as [`parse`](Self::parse)
    /// does and never fails; allocates nothing. See [`TypingProgress`](crate::TypingProgress).
    pub fn progress(text: &str) -> crate::TypingProgress {
        code_text::progress(LAYOUT, text)
    }

    /// The canonical text: eight groups of eight symbols joined by `-`.
    pub fn as_str(&self) -> &str {
        // Only ASCII symbols and separators are ever written.
        core::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The key generation of the server key this machine enrolled with.
    pub fn epoch(&self) -> u16 {
        code_text::header_epoch(&self.payload)
    }

    /// The x-coordinate of the machine public key.
    pub fn machine_public_x(&self) -> &[u8; SCALAR_LEN] {
        self.payload[2..].try_into().unwrap_or(&[0; SCALAR_LEN])
    }
}

impl fmt::Display for IdentificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IdentificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdentificationCode({})", self.as_str())
    }
}
