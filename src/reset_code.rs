//! The reset code the user types on the machine: header, SIV tag and the sealed issue time and
//! lifetime, in the typed form of `code_text`. See `docs/PROTOCOL.md` §7.

use core::fmt;

use crate::account::Account;
use crate::code_text::{self, Layout};
use crate::error::{Error, Result};
use crate::key_schedule::PASSWORD_BINDING_LEN;
use crate::primitives::{SivKey, SCALAR_LEN, SIV_TAG_LEN};

/// Sealed plaintext: issue minute (26 bits) and lifetime in minutes (14 bits), big-endian.
pub(crate) const PLAINTEXT_LEN: usize = 5;
#[doc(hidden)]
pub const LAYOUT: Layout = Layout {
    payload_len: 2 + SIV_TAG_LEN + PLAINTEXT_LEN,
    check_bits: 6,
};
/// Symbols in a reset code, separators excluded.
pub const RESET_CODE_SYMBOLS: usize = LAYOUT.symbols();
/// Length of the canonical text (groups joined by `-`).
pub const RESET_CODE_TEXT_LEN: usize = LAYOUT.text_len();
/// Issue times count minutes from 2025-01-01T00:00:00Z (unix seconds 1 735 689 600).
pub const TIME_ORIGIN_UNIX: i64 = 1_735_689_600;
/// Issue minutes have 26 bits: codes can be issued until early 2152.
const MAX_ISSUE_MINUTE: i64 = (1 << 26) - 1;
/// Label in front of the associated data, so the machine key could later serve other purposes.
const AD_LABEL: &[u8] = b"offline-reset-v1 reset code";

const PAYLOAD_LEN: usize = LAYOUT.payload_len;

/// A well-typed reset code. It is a bearer secret only together with the new password, so it may
/// be displayed; it is not logged by the library.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ResetCode {
    payload: [u8; PAYLOAD_LEN],
    text: [u8; RESET_CODE_TEXT_LEN],
}

/// Length of a reset code's identifier ([`AcceptedReset::code_id`]).
pub const CODE_ID_LEN: usize = 16;
/// Length of an account fingerprint ([`AcceptedReset::account_fingerprint`]).
pub const ACCOUNT_FINGERPRINT_LEN: usize = 16;

/// What a machine learns from a reset code that opened, and what the replay ledger needs to make
/// it work once (docs/PROTOCOL.md §7.2, §9.7).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AcceptedReset {
    /// When the server issued the code (unix seconds, whole minutes).
    pub issued_at: i64,
    /// When the code stops being accepted, clock skew not included (unix seconds).
    pub expires_at: i64,
    code_id: [u8; CODE_ID_LEN],
    account_fingerprint: [u8; ACCOUNT_FINGERPRINT_LEN],
}

impl AcceptedReset {
    pub(crate) fn new(
        issued_at: i64,
        expires_at: i64,
        code_id: [u8; CODE_ID_LEN],
        account_fingerprint: [u8; ACCOUNT_FINGERPRINT_LEN],
    ) -> Self {
        AcceptedReset {
            issued_at,
            expires_at,
            code_id,
            account_fingerprint,
        }
    }

    /// The code's identifier: its 16-byte SIV tag, unique per code (§9.7).
    pub fn code_id(&self) -> &[u8; CODE_ID_LEN] {
        &self.code_id
    }

    /// The account's fingerprint (§9.7): what the replay ledger stores instead of names.
    pub fn account_fingerprint(&self) -> &[u8; ACCOUNT_FINGERPRINT_LEN] {
        &self.account_fingerprint
    }
}

impl fmt::Debug for AcceptedReset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptedReset")
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl ResetCode {
    fn from_payload(payload: [u8; PAYLOAD_LEN]) -> Self {
        let mut text = [0u8; RESET_CODE_TEXT_LEN];
        code_text::encode(LAYOUT, &payload, &mut text);
        ResetCode { payload, text }
    }

    /// Parses typed text with the same rules and errors as
    /// [`IdentificationCode::parse`](crate::IdentificationCode::parse). Nothing cryptographic is
    /// checked yet: that is [`Machine::open_reset_code`](crate::Machine::open_reset_code).
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

    /// The canonical text: five groups of eight symbols and one of four, joined by `-`.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The key generation the code was sealed for.
    pub fn epoch(&self) -> u16 {
        code_text::header_epoch(&self.payload)
    }

    /// The code's identifier for the replay ledger: its SIV tag (§9.7).
    pub(crate) fn code_id(&self) -> [u8; CODE_ID_LEN] {
        let mut id = [0u8; CODE_ID_LEN];
        id.copy_from_slice(&self.payload[2..2 + SIV_TAG_LEN]);
        id
    }

    /// The issue minute for `now`, or [`Error::TimeOutOfRange`] (§7.1 step 4).
    pub(crate) fn check_issue_time(now: i64) -> Result<i64> {
        now.checked_sub(TIME_ORIGIN_UNIX)
            .map(|s| s.div_euclid(60))
            .filter(|m| (0..=MAX_ISSUE_MINUTE).contains(m))
            .ok_or(Error::TimeOutOfRange)
    }

    /// Seals a reset code (the server side, after the machine key is derived).
    pub(crate) fn seal(
        key: &SivKey,
        epoch: u16,
        machine_public_x: &[u8; SCALAR_LEN],
        account: &Account,
        password_binding: &[u8; PASSWORD_BINDING_LEN],
        now: i64,
        lifetime_minutes: u16,
    ) -> Result<Self> {
        let issue_minute = Self::check_issue_time(now)?;
        let packed = ((issue_minute as u64) << 14) | lifetime_minutes as u64;
        let mut payload = [0u8; PAYLOAD_LEN];
        payload[..2].copy_from_slice(&code_text::header(epoch));
        let header = [payload[0], payload[1]];
        let (tag_part, sealed) = payload[2..].split_at_mut(SIV_TAG_LEN);
        sealed.copy_from_slice(&packed.to_be_bytes()[3..]);
        let tag = key.seal_in_place(
            &associated_data(&header, machine_public_x, account, password_binding),
            sealed,
        )?;
        tag_part.copy_from_slice(&tag);
        Ok(Self::from_payload(payload))
    }

    /// Authenticates and decrypts the code (the machine side). Returns the issue minute and the
    /// lifetime in minutes.
    pub(crate) fn open(
        &self,
        key: &SivKey,
        machine_public_x: &[u8; SCALAR_LEN],
        account: &Account,
        password_binding: &[u8; PASSWORD_BINDING_LEN],
    ) -> Result<(i64, u16)> {
        let header = [self.payload[0], self.payload[1]];
        let tag: [u8; SIV_TAG_LEN] = self.payload[2..2 + SIV_TAG_LEN]
            .try_into()
            .map_err(|_| Error::MalformedInput)?;
        let mut sealed = [0u8; PLAINTEXT_LEN];
        sealed.copy_from_slice(&self.payload[2 + SIV_TAG_LEN..]);
        key.open_in_place(
            &associated_data(&header, machine_public_x, account, password_binding),
            &mut sealed,
            &tag,
        )?;
        let mut wide = [0u8; 8];
        wide[3..].copy_from_slice(&sealed);
        let packed = u64::from_be_bytes(wide);
        Ok(((packed >> 14) as i64, (packed & 0x3FFF) as u16))
    }
}

/// The SIV associated-data vector (RFC 5297 S2V, one component each): everything the code is
/// bound to, the new password's Argon2id binding included, so a wrong password fails
/// authentication and every guess costs one Argon2id run.
fn associated_data<'a>(
    header: &'a [u8; 2],
    machine_public_x: &'a [u8; SCALAR_LEN],
    account: &'a Account,
    password_binding: &'a [u8; PASSWORD_BINDING_LEN],
) -> [&'a [u8]; 7] {
    [
        AD_LABEL,
        header,
        machine_public_x,
        account.domain_bytes(),
        account.username_bytes(),
        account.sid(),
        password_binding,
    ]
}

impl fmt::Display for ResetCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ResetCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The code plus the password would reset an account: keep it out of logs.
        write!(f, "ResetCode(epoch {}, <redacted>)", self.epoch())
    }
}
