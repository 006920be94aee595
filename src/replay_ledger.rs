//! The replay ledger: what the login integration keeps per machine so that a reset code works
//! once. See `docs/PROTOCOL.md` §9.7.

use core::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::envelope::{self, Kind, Reader, WrappingKey};
use crate::error::{Error, Result};
use crate::machine::Machine;
use crate::primitives::constant_time_eq;
use crate::reset_code::{AcceptedReset, ResetCode, ACCOUNT_FINGERPRINT_LEN, CODE_ID_LEN};

const FINGERPRINT_LABEL: &[u8] = b"offline-reset-v1 account";

/// Most entries a replay ledger holds (§9.7). When that many entries still matter, recording
/// another code fails with [`Error::LedgerFull`]: the ledger fails closed.
pub const MAX_LEDGER_ENTRIES: usize = 1024;

/// Bytes of one entry in an export: fingerprint, code identifier, issue time, forget-after time.
const ENTRY_LEN: usize = ACCOUNT_FINGERPRINT_LEN + CODE_ID_LEN + 8 + 8;

/// The account fingerprint (§9.7): the first 16 bytes of SHA-256 over a label and the
/// length-prefixed normalized domain and username. The ledger stores this, never names.
pub(crate) fn account_fingerprint(account: &Account) -> [u8; ACCOUNT_FINGERPRINT_LEN] {
    let domain = account.domain_bytes();
    let username = account.username_bytes();
    let digest = Sha256::new()
        .chain_update(FINGERPRINT_LABEL)
        .chain_update((domain.len() as u16).to_be_bytes())
        .chain_update(domain)
        .chain_update((username.len() as u16).to_be_bytes())
        .chain_update(username)
        .finalize();
    let mut out = [0u8; ACCOUNT_FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..ACCOUNT_FINGERPRINT_LEN]);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    account_fingerprint: [u8; ACCOUNT_FINGERPRINT_LEN],
    code_id: [u8; CODE_ID_LEN],
    issued_at: i64,
    forget_after: i64,
}

/// The reset codes a machine has accepted and that could still open, so that each works once
/// and a newer reset retires older codes for the same account (docs/PROTOCOL.md §9.7, §12.3).
///
/// The login integration keeps one per machine and persists it (with [`ReplayLedger::export`])
/// after every successful [`Machine::redeem_reset_code`] and before it updates the cached
/// credentials. It holds account fingerprints and code identifiers, never names or passwords.
/// At most [`MAX_LEDGER_ENTRIES`] entries; entries are forgotten once no code they could refuse
/// can open any more.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ReplayLedger {
    /// Strictly ascending by code identifier (the export order).
    entries: Vec<Entry>,
}

impl ReplayLedger {
    /// An empty ledger (a machine that has accepted no code yet).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no entry is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The fingerprint the ledger stores for `account` (§9.7) instead of its names.
    pub fn account_fingerprint(account: &Account) -> [u8; ACCOUNT_FINGERPRINT_LEN] {
        account_fingerprint(account)
    }

    /// Forgets the entries that can no longer matter at time `now` (unix seconds): those with
    /// `now >= forget_after`. [`ReplayLedger::record`] does this first; call it before an export
    /// to keep the stored ledger small.
    pub fn prune(&mut self, now: i64) {
        self.entries.retain(|e| now < e.forget_after);
    }

    /// Records a code that opened at time `now` (unix seconds). Use
    /// [`Machine::redeem_reset_code`], which opens and records in one call.
    ///
    /// In this order (§9.7): entries with `now >= forget_after` are forgotten; then
    /// [`Error::AlreadyUsed`] when the ledger holds this code; [`Error::Superseded`] when it
    /// holds a code for the same account issued at the same minute or later (two codes of the
    /// same minute cannot be ordered, so the second is refused too); [`Error::LedgerFull`] when
    /// it holds [`MAX_LEDGER_ENTRIES`] entries. A refused code changes nothing but the pruning.
    /// On success the entry is added, and entries for the same account that the new one makes
    /// redundant (issued earlier and forgotten no later) are dropped.
    pub fn record(&mut self, accepted: &AcceptedReset, now: i64) -> Result<()> {
        self.prune(now);
        let code_id = *accepted.code_id();
        let fingerprint = *accepted.account_fingerprint();
        let at = match self.entries.binary_search_by(|e| e.code_id.cmp(&code_id)) {
            Ok(_) => return Err(Error::AlreadyUsed),
            Err(at) => at,
        };
        if self.entries.iter().any(|e| {
            constant_time_eq(&e.account_fingerprint, &fingerprint)
                && e.issued_at >= accepted.issued_at
        }) {
            return Err(Error::Superseded);
        }
        if self.entries.len() >= MAX_LEDGER_ENTRIES {
            return Err(Error::LedgerFull);
        }
        self.entries.insert(
            at,
            Entry {
                account_fingerprint: fingerprint,
                code_id,
                issued_at: accepted.issued_at,
                forget_after: accepted.forget_after(),
            },
        );
        let forget_after = accepted.forget_after();
        self.entries.retain(|e| {
            !(e.account_fingerprint == fingerprint
                && e.issued_at < accepted.issued_at
                && e.forget_after <= forget_after)
        });
        Ok(())
    }

    /// The ledger as bytes (envelope kind 4, §9.7), plain or wrapped under `wrapping`. The same
    /// ledger always gives the same plain bytes.
    pub fn export(&self, wrapping: Option<&WrappingKey>) -> Result<Zeroizing<Vec<u8>>> {
        let mut body = Zeroizing::new(Vec::with_capacity(2 + self.entries.len() * ENTRY_LEN));
        let count = u16::try_from(self.entries.len()).map_err(|_| Error::LedgerFull)?;
        body.extend_from_slice(&count.to_be_bytes());
        for e in &self.entries {
            body.extend_from_slice(&e.account_fingerprint);
            body.extend_from_slice(&e.code_id);
            body.extend_from_slice(&e.issued_at.to_be_bytes());
            body.extend_from_slice(&e.forget_after.to_be_bytes());
        }
        envelope::seal(Kind::ReplayLedger, &body, wrapping).map(Zeroizing::new)
    }

    /// Reads a ledger written by [`ReplayLedger::export`].
    ///
    /// # Errors
    /// As [`Machine::import`] for the envelope ([`Error::Truncated`], [`Error::Corrupted`],
    /// [`Error::WrongKind`], [`Error::WrappingMismatch`], [`Error::WrongWrappingKey`],
    /// [`Error::UnsupportedVersion`], [`Error::MalformedInput`]); then
    /// [`Error::MalformedInput`] for a count above [`MAX_LEDGER_ENTRIES`], entries not strictly
    /// ascending by code identifier, a body cut short or bytes after the last entry.
    pub fn import(bytes: &[u8], wrapping: Option<&WrappingKey>) -> Result<Self> {
        let body = envelope::open(Kind::ReplayLedger, bytes, wrapping)?;
        let mut reader = Reader(&body);
        let count = usize::from(reader.u16()?);
        if count > MAX_LEDGER_ENTRIES {
            return Err(Error::MalformedInput);
        }
        let mut entries: Vec<Entry> = Vec::with_capacity(count);
        for _ in 0..count {
            let entry = Entry {
                account_fingerprint: reader.array()?,
                code_id: reader.array()?,
                issued_at: reader.i64()?,
                forget_after: reader.i64()?,
            };
            if entries.last().is_some_and(|p| p.code_id >= entry.code_id) {
                return Err(Error::MalformedInput);
            }
            entries.push(entry);
        }
        reader.finish()?;
        Ok(ReplayLedger { entries })
    }
}

impl fmt::Debug for ReplayLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayLedger")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl AcceptedReset {
    /// An accepted reset made of given parts, for test vectors and tests of a replay ledger
    /// only: a real one comes from [`Machine::open_reset_code`].
    #[doc(hidden)]
    pub fn from_parts(
        issued_at: i64,
        expires_at: i64,
        code_id: [u8; CODE_ID_LEN],
        account_fingerprint: [u8; ACCOUNT_FINGERPRINT_LEN],
        forget_after: i64,
    ) -> Self {
        AcceptedReset::new(
            issued_at,
            expires_at,
            code_id,
            account_fingerprint,
            forget_after,
        )
    }
}

impl Machine {
    /// Opens a reset code as [`Machine::open_reset_code`] and records it in `ledger`, the
    /// misuse-resistant single call the login integration should make (docs/PROTOCOL.md §12.3).
    /// On success, persist `ledger` and only then update the cached credentials; if persisting
    /// fails, do not update them.
    ///
    /// # Errors
    /// Those of [`Machine::open_reset_code`], then those of [`ReplayLedger::record`]
    /// ([`Error::AlreadyUsed`], [`Error::Superseded`], [`Error::LedgerFull`]). A code that does
    /// not open leaves the ledger unchanged.
    pub fn redeem_reset_code(
        &self,
        ledger: &mut ReplayLedger,
        code: &ResetCode,
        account: &Account,
        new_password: &str,
        now: i64,
    ) -> Result<AcceptedReset> {
        let accepted = self.open_reset_code(code, account, new_password, now)?;
        ledger.record(&accepted, now)?;
        Ok(accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(id: u8, account: u8, issued_at: i64, forget_after: i64) -> AcceptedReset {
        AcceptedReset::new(
            issued_at,
            issued_at + 60,
            [id; CODE_ID_LEN],
            [account; ACCOUNT_FINGERPRINT_LEN],
            forget_after,
        )
    }

    #[test]
    fn entries_stay_sorted_by_code_id() {
        let mut ledger = ReplayLedger::new();
        for (i, id) in [9u8, 3, 7, 1, 5].into_iter().enumerate() {
            ledger
                .record(&accepted(id, i as u8, 60, 10_000), 0)
                .unwrap();
        }
        let ids: Vec<u8> = ledger.entries.iter().map(|e| e.code_id[0]).collect();
        assert_eq!(ids, [1, 3, 5, 7, 9]);
    }

    #[test]
    fn newer_code_drops_redundant_older_entry_of_same_account() {
        let mut ledger = ReplayLedger::new();
        ledger.record(&accepted(1, 1, 60, 1000), 0).unwrap();
        ledger.record(&accepted(2, 2, 60, 1000), 0).unwrap();
        ledger.record(&accepted(3, 1, 120, 1060), 0).unwrap();
        assert_eq!(ledger.len(), 2);
        // The old code is still refused, now as superseded.
        assert_eq!(
            ledger.record(&accepted(1, 1, 60, 1000), 0),
            Err(Error::Superseded)
        );
        // An older entry that outlives the newer one is kept.
        ledger.record(&accepted(4, 2, 120, 900), 0).unwrap();
        assert_eq!(ledger.len(), 3);
    }
}
