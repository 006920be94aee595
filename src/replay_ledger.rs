//! The replay ledger: what the login integration keeps per enrollment so that a reset code works
//! once, failed attempts are limited and a clock set back is refused. See `docs/PROTOCOL.md`
//! §9.7.

use core::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::envelope::{self, Kind, Reader, WrappingKey};
use crate::error::{Error, Result};
use crate::machine::Machine;
use crate::primitives::SCALAR_LEN;
use crate::reset_code::{
    AcceptedReset, ResetCode, ACCOUNT_FINGERPRINT_LEN, CODE_ID_LEN, TIME_ORIGIN_UNIX,
};

const FINGERPRINT_LABEL: &[u8] = b"offline-reset-v1 account";

/// Most account records a replay ledger holds (§9.7). Records of accounts with an accepted code
/// are never removed; a redeem that needs one more fails with [`Error::LedgerFull`].
pub const MAX_LEDGER_ACCOUNTS: usize = 1024;
/// Most code records (codes with failed opens) a replay ledger holds; past it, a redeem that
/// needs one more fails with [`Error::LedgerFull`].
pub const MAX_LEDGER_CODES: usize = 256;

/// "No time seen yet" in the stored form: the smallest `i64`.
const NO_TIME: i64 = i64::MIN;
const HEADER_LEN: usize = 2 + SCALAR_LEN + 8 + 8 + 2 + 2;
const ACCOUNT_RECORD_LEN: usize = ACCOUNT_FINGERPRINT_LEN + 1 + CODE_ID_LEN + 8 + 2 + 8;
const CODE_RECORD_LEN: usize = CODE_ID_LEN + 2 + 8;

/// The account fingerprint (§9.7): the first 16 bytes of SHA-256 over a label, the
/// length-prefixed normalized domain and username, and the SID. The ledger stores this, never
/// names or SIDs.
pub(crate) fn account_fingerprint(account: &Account) -> [u8; ACCOUNT_FINGERPRINT_LEN] {
    let domain = account.domain_bytes();
    let username = account.username_bytes();
    let digest = Sha256::new()
        .chain_update(FINGERPRINT_LABEL)
        .chain_update((domain.len() as u16).to_be_bytes())
        .chain_update(domain)
        .chain_update((username.len() as u16).to_be_bytes())
        .chain_update(username)
        .chain_update([account.sid().len() as u8])
        .chain_update(account.sid())
        .finalize();
    let mut out = [0u8; ACCOUNT_FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..ACCOUNT_FINGERPRINT_LEN]);
    out
}

/// One account's newest accepted code and its failed opens in the current window.
#[derive(Clone, Copy, PartialEq, Eq)]
struct AccountRecord {
    fingerprint: [u8; ACCOUNT_FINGERPRINT_LEN],
    /// The newest accepted code: its identifier and issue time.
    accepted: Option<([u8; CODE_ID_LEN], i64)>,
    failures: u16,
    window_start: i64,
}

/// One code's failed opens.
#[derive(Clone, Copy, PartialEq, Eq)]
struct CodeRecord {
    code_id: [u8; CODE_ID_LEN],
    failures: u16,
    first_failure: i64,
}

/// What a machine keeps so that each reset code works once, a newer reset retires older codes of
/// the same account, failed attempts are limited per code and per account, and a clock set back
/// is refused (docs/PROTOCOL.md §9.7, §12.3). Bound to one enrollment (the machine's epoch and
/// public key).
///
/// The login integration keeps one per enrollment and persists it (with [`ReplayLedger::export`])
/// after **every** [`Machine::redeem_reset_code`], whatever its answer, before it shows the answer
/// or acts on it: failed attempts are counted in the ledger before the answer is known. It holds
/// account fingerprints and code identifiers, never names, SIDs or passwords.
#[derive(Clone, PartialEq, Eq)]
pub struct ReplayLedger {
    epoch: u16,
    machine_public_x: [u8; SCALAR_LEN],
    generation: u64,
    latest_time_seen: Option<i64>,
    /// Strictly ascending by fingerprint (the export order).
    accounts: Vec<AccountRecord>,
    /// Strictly ascending by code identifier (the export order).
    codes: Vec<CodeRecord>,
}

impl ReplayLedger {
    /// An empty ledger for `machine`'s enrollment (a machine that has redeemed nothing yet, or
    /// was just redeployed to a new epoch).
    pub fn new(machine: &Machine) -> Self {
        ReplayLedger {
            epoch: machine.epoch(),
            machine_public_x: *machine.machine_public_x(),
            generation: 0,
            latest_time_seen: None,
            accounts: Vec::new(),
            codes: Vec::new(),
        }
    }

    /// Increased by one at every redeem that passed the clock check. Keep it in a store that
    /// cannot be rolled back with the ledger file (a TPM NV counter, a registry value only
    /// SYSTEM writes) and pass it to [`ReplayLedger::import`] as the minimum generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The latest `now` (unix seconds) any redeem passed with, if any: a redeem more than the
    /// clock skew before it is refused with [`Error::ClockSetBack`].
    pub fn latest_time_seen(&self) -> Option<i64> {
        self.latest_time_seen
    }

    /// Number of account records held (at most [`MAX_LEDGER_ACCOUNTS`]).
    pub fn account_count(&self) -> usize {
        self.accounts.len()
    }

    /// Number of code records (codes with failed opens) held (at most [`MAX_LEDGER_CODES`]).
    pub fn code_count(&self) -> usize {
        self.codes.len()
    }

    /// The fingerprint the ledger stores for `account` (§9.7) instead of its names and SID.
    pub fn account_fingerprint(account: &Account) -> [u8; ACCOUNT_FINGERPRINT_LEN] {
        account_fingerprint(account)
    }

    fn is_for(&self, machine: &Machine) -> bool {
        self.epoch == machine.epoch() && &self.machine_public_x == machine.machine_public_x()
    }

    /// The ledger as bytes (envelope kind 4, §9.7), plain or wrapped under `wrapping`. The same
    /// ledger always gives the same plain bytes.
    pub fn export(&self, wrapping: Option<&WrappingKey>) -> Result<Zeroizing<Vec<u8>>> {
        let mut body = Zeroizing::new(Vec::with_capacity(
            HEADER_LEN
                + self.accounts.len() * ACCOUNT_RECORD_LEN
                + self.codes.len() * CODE_RECORD_LEN,
        ));
        body.extend_from_slice(&self.epoch.to_be_bytes());
        body.extend_from_slice(&self.machine_public_x);
        body.extend_from_slice(&self.generation.to_be_bytes());
        body.extend_from_slice(&self.latest_time_seen.unwrap_or(NO_TIME).to_be_bytes());
        body.extend_from_slice(&(self.accounts.len() as u16).to_be_bytes());
        body.extend_from_slice(&(self.codes.len() as u16).to_be_bytes());
        for a in &self.accounts {
            body.extend_from_slice(&a.fingerprint);
            let (code_id, issued_at) = a.accepted.unwrap_or(([0u8; CODE_ID_LEN], 0));
            body.push(u8::from(a.accepted.is_some()));
            body.extend_from_slice(&code_id);
            body.extend_from_slice(&issued_at.to_be_bytes());
            body.extend_from_slice(&a.failures.to_be_bytes());
            body.extend_from_slice(&a.window_start.to_be_bytes());
        }
        for c in &self.codes {
            body.extend_from_slice(&c.code_id);
            body.extend_from_slice(&c.failures.to_be_bytes());
            body.extend_from_slice(&c.first_failure.to_be_bytes());
        }
        envelope::seal(Kind::ReplayLedger, &body, wrapping).map(Zeroizing::new)
    }

    /// Reads a ledger written by [`ReplayLedger::export`] for `machine`. `minimum_generation` is
    /// the generation the integrator last saved in a store that cannot be rolled back (0 when it
    /// keeps none): an older copy is refused.
    ///
    /// # Errors
    /// As [`Machine::import`] for the envelope ([`Error::Truncated`], [`Error::Corrupted`],
    /// [`Error::WrongKind`], [`Error::WrappingMismatch`], [`Error::WrongWrappingKey`],
    /// [`Error::UnsupportedVersion`], [`Error::MalformedInput`]); then
    /// [`Error::LedgerOfAnotherMachine`] when it belongs to another machine or enrollment,
    /// [`Error::LedgerRolledBack`] when its generation is below `minimum_generation`, and
    /// [`Error::MalformedInput`] for counts above the limits, records out of order, impossible
    /// values or times (§9.7), a body cut short or bytes after the last record.
    pub fn import(
        bytes: &[u8],
        wrapping: Option<&WrappingKey>,
        machine: &Machine,
        minimum_generation: u64,
    ) -> Result<Self> {
        let body = envelope::open(Kind::ReplayLedger, bytes, wrapping)?;
        let mut reader = Reader(&body);
        let epoch = reader.u16()?;
        let machine_public_x: [u8; SCALAR_LEN] = reader.array()?;
        if epoch != machine.epoch() || &machine_public_x != machine.machine_public_x() {
            return Err(Error::LedgerOfAnotherMachine);
        }
        let generation = reader.u64()?;
        if generation < minimum_generation {
            return Err(Error::LedgerRolledBack);
        }
        let latest = reader.i64()?;
        let account_count = usize::from(reader.u16()?);
        let code_count = usize::from(reader.u16()?);
        if account_count > MAX_LEDGER_ACCOUNTS || code_count > MAX_LEDGER_CODES {
            return Err(Error::MalformedInput);
        }
        if latest == NO_TIME && (account_count != 0 || code_count != 0) {
            return Err(Error::MalformedInput);
        }
        let skew = i64::from(machine.policy().clock_skew_minutes()) * 60;
        let mut accounts: Vec<AccountRecord> = Vec::with_capacity(account_count);
        for _ in 0..account_count {
            let fingerprint: [u8; ACCOUNT_FINGERPRINT_LEN] = reader.array()?;
            let flag = reader.u8()?;
            let code_id: [u8; CODE_ID_LEN] = reader.array()?;
            let issued_at = reader.i64()?;
            let failures = reader.u16()?;
            let window_start = reader.i64()?;
            let ascending = accounts.last().is_none_or(|p| p.fingerprint < fingerprint);
            let accepted = match flag {
                0 if code_id == [0u8; CODE_ID_LEN] && issued_at == 0 && failures != 0 => None,
                1 if issued_at >= TIME_ORIGIN_UNIX
                    && (issued_at - TIME_ORIGIN_UNIX) % 60 == 0
                    && issued_at <= latest.saturating_add(skew) =>
                {
                    Some((code_id, issued_at))
                }
                _ => return Err(Error::MalformedInput),
            };
            let window_ok = if failures == 0 {
                window_start == 0
            } else {
                window_start <= latest
            };
            if !ascending || !window_ok {
                return Err(Error::MalformedInput);
            }
            accounts.push(AccountRecord {
                fingerprint,
                accepted,
                failures,
                window_start,
            });
        }
        let mut codes: Vec<CodeRecord> = Vec::with_capacity(code_count);
        for _ in 0..code_count {
            let code_id: [u8; CODE_ID_LEN] = reader.array()?;
            let failures = reader.u16()?;
            let first_failure = reader.i64()?;
            let ascending = codes.last().is_none_or(|p| p.code_id < code_id);
            if !ascending || failures == 0 || first_failure > latest {
                return Err(Error::MalformedInput);
            }
            codes.push(CodeRecord {
                code_id,
                failures,
                first_failure,
            });
        }
        reader.finish()?;
        Ok(ReplayLedger {
            epoch,
            machine_public_x,
            generation,
            latest_time_seen: (latest != NO_TIME).then_some(latest),
            accounts,
            codes,
        })
    }

    /// Steps 4 to 9 of a redeem (§9.7): the clock check, the clock and generation update,
    /// pruning, the attempt limits, the capacity, and counting the attempt. Returns the indices
    /// of the account and code records.
    fn count_attempt(
        &mut self,
        machine: &Machine,
        code_id: [u8; CODE_ID_LEN],
        fingerprint: [u8; ACCOUNT_FINGERPRINT_LEN],
        now: i64,
    ) -> Result<()> {
        let policy = machine.policy();
        let skew = i64::from(policy.clock_skew_minutes()) * 60;
        let lifetime = i64::from(policy.reset_code_lifetime_minutes()) * 60;
        if let Some(latest) = self.latest_time_seen {
            if now < latest.saturating_sub(skew) {
                return Err(Error::ClockSetBack);
            }
        }
        self.latest_time_seen = Some(self.latest_time_seen.map_or(now, |t| t.max(now)));
        self.generation = self.generation.saturating_add(1);
        // Prune: a code's failures can matter only while a code that could open at its first
        // failure can still open; an account's window lasts one lifetime.
        let code_window = lifetime.saturating_add(2 * skew);
        self.codes
            .retain(|c| now < c.first_failure.saturating_add(code_window));
        for a in &mut self.accounts {
            if a.failures != 0 && now >= a.window_start.saturating_add(lifetime) {
                a.failures = 0;
                a.window_start = 0;
            }
        }
        self.accounts
            .retain(|a| a.accepted.is_some() || a.failures != 0);
        let code_at = self.codes.binary_search_by(|c| c.code_id.cmp(&code_id));
        let account_at = self
            .accounts
            .binary_search_by(|a| a.fingerprint.cmp(&fingerprint));
        let code_failures = code_at.map_or(0, |i| self.codes[i].failures);
        let account_failures = account_at.map_or(0, |i| self.accounts[i].failures);
        if code_failures >= policy.failed_opens_per_code()
            || account_failures >= policy.failed_opens_per_account()
        {
            return Err(Error::TooManyAttempts);
        }
        if (account_at.is_err() && self.accounts.len() >= MAX_LEDGER_ACCOUNTS)
            || (code_at.is_err() && self.codes.len() >= MAX_LEDGER_CODES)
        {
            return Err(Error::LedgerFull);
        }
        match code_at {
            Ok(i) => self.codes[i].failures += 1,
            Err(i) => self.codes.insert(
                i,
                CodeRecord {
                    code_id,
                    failures: 1,
                    first_failure: now,
                },
            ),
        }
        let i = match account_at {
            Ok(i) => i,
            Err(i) => {
                self.accounts.insert(
                    i,
                    AccountRecord {
                        fingerprint,
                        accepted: None,
                        failures: 0,
                        window_start: 0,
                    },
                );
                i
            }
        };
        let record = &mut self.accounts[i];
        if record.failures == 0 {
            record.window_start = now;
        }
        record.failures += 1;
        Ok(())
    }

    /// Steps 11 and 12 of a redeem (§9.7), for a code that opened.
    fn accept(&mut self, accepted: &AcceptedReset) -> Result<()> {
        let code_id = *accepted.code_id();
        let fingerprint = *accepted.account_fingerprint();
        let i = self
            .accounts
            .binary_search_by(|a| a.fingerprint.cmp(&fingerprint))
            .map_err(|_| Error::MalformedInput)?;
        let record = &mut self.accounts[i];
        if let Some((newest_id, newest_issued_at)) = record.accepted {
            if newest_id == code_id {
                return Err(Error::AlreadyUsed);
            }
            if newest_issued_at >= accepted.issued_at {
                return Err(Error::Superseded);
            }
        }
        record.accepted = Some((code_id, accepted.issued_at));
        record.failures = 0;
        record.window_start = 0;
        if let Ok(c) = self.codes.binary_search_by(|c| c.code_id.cmp(&code_id)) {
            self.codes.remove(c);
        }
        Ok(())
    }
}

impl fmt::Debug for ReplayLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayLedger")
            .field("epoch", &self.epoch)
            .field("generation", &self.generation)
            .field("latest_time_seen", &self.latest_time_seen)
            .field("accounts", &self.accounts.len())
            .field("codes", &self.codes.len())
            .finish()
    }
}

impl Machine {
    /// Redeems a reset code: the one call the login integration makes (docs/PROTOCOL.md §9.7,
    /// §12.3). In this order: the ledger must be this enrollment's
    /// ([`Error::LedgerOfAnotherMachine`]); the password's limits and the code's epoch (as
    /// [`Machine::open_reset_code_for_diagnostics`]); the clock must not be set back
    /// ([`Error::ClockSetBack`]); the attempt limits ([`Error::TooManyAttempts`]) and the
    /// ledger's capacity ([`Error::LedgerFull`]); the attempt is counted; then the code is
    /// opened ([`Error::Rejected`], [`Error::NotYetValid`], [`Error::Expired`]) and checked
    /// against the account's newest accepted code ([`Error::AlreadyUsed`],
    /// [`Error::Superseded`]). On success the code becomes the account's newest and its
    /// failures are cleared.
    ///
    /// Every answer after the clock check comes with a changed ledger: persist it before
    /// showing the answer or acting on it, and update the cached credentials only on success.
    /// An Argon2id memory failure ([`Error::OutOfMemory`]) leaves the ledger unchanged.
    #[allow(clippy::too_many_arguments)]
    pub fn redeem_reset_code(
        &self,
        ledger: &mut ReplayLedger,
        code: &ResetCode,
        account: &Account,
        new_password: &str,
        now: i64,
    ) -> Result<AcceptedReset> {
        if !ledger.is_for(self) {
            return Err(Error::LedgerOfAnotherMachine);
        }
        self.check_before_opening(code, new_password)?;
        let before = ledger.clone();
        ledger.count_attempt(self, code.code_id(), account_fingerprint(account), now)?;
        let accepted = match self.open_checked(code, account, new_password, now) {
            Ok(accepted) => accepted,
            Err(Error::OutOfMemory) => {
                *ledger = before;
                return Err(Error::OutOfMemory);
            }
            Err(e) => return Err(e),
        };
        ledger.accept(&accepted)?;
        Ok(accepted)
    }
}
