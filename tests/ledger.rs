//! The replay ledger (docs/PROTOCOL.md §9.7): a reset code works once, a newer reset retires
//! older codes of the account, the stored form reads back exactly and has one form per ledger,
//! import refuses every impossible value with its error, and a full ledger fails closed. The
//! attacks (clock and file rollback, attempt limits, another machine's ledger) are in
//! tests/state_integrity.rs.

use offline_reset::primitives::SecretScalar;
use offline_reset::*;

#[path = "support/sid.rs"]
mod sid;
use sid::*;
#[path = "support/stored.rs"]
mod stored;
use stored::envelope;

const NOW: i64 = 1_795_000_000;
const PASSWORD: &str = "n3w Passw0rd!";

struct Setup {
    ring: ServerKeyRing,
    machine: Machine,
    other_machine: Machine,
}

fn scalar(n: u8) -> SecretScalar {
    SecretScalar::from_bytes(&[n; 32]).unwrap()
}

/// Lifetime 60 minutes, skew 5 minutes, the cheapest password cost.
fn setup() -> Setup {
    let policy = Policy::new(60, 5)
        .unwrap()
        .with_password_cost(PasswordCost::minimum());
    let ring = ServerKeyRing::from_secrets(policy, 1, scalar(1), scalar(9));
    let package = ring.deployment_package().unwrap();
    Setup {
        machine: Machine::enroll_with_secret(&package, &scalar(2)).unwrap(),
        other_machine: Machine::enroll_with_secret(&package, &scalar(3)).unwrap(),
        ring,
    }
}

fn account(user: &str) -> Account {
    Account::new(user, "CORP", &VECTOR_SID).unwrap()
}

impl Setup {
    fn seal(&self, user: &str, now: i64) -> ResetCode {
        self.ring
            .seal_reset_code(
                &self.machine.identification_code(),
                &account(user),
                PASSWORD,
                now,
            )
            .unwrap()
    }

    fn redeem(
        &self,
        ledger: &mut ReplayLedger,
        code: &ResetCode,
        user: &str,
        now: i64,
    ) -> Result<()> {
        self.machine
            .redeem_reset_code(ledger, code, &account(user), PASSWORD, now)
            .map(|_| ())
    }
}

#[test]
fn a_code_works_once_and_a_newer_one_retires_older_codes_of_that_account_only() {
    let s = setup();
    let mut ledger = ReplayLedger::new(&s.machine);
    let alice_old = s.seal("alice", NOW);
    let alice_new = s.seal("alice", NOW + 120);
    let bob = s.seal("bob", NOW);
    assert_eq!(s.redeem(&mut ledger, &alice_old, "alice", NOW + 60), Ok(()));
    assert_eq!(
        s.redeem(&mut ledger, &alice_old, "ALICE", NOW + 61),
        Err(Error::AlreadyUsed)
    );
    assert_eq!(
        s.redeem(&mut ledger, &alice_new, "alice", NOW + 180),
        Ok(())
    );
    assert_eq!(
        s.redeem(&mut ledger, &alice_old, "alice", NOW + 181),
        Err(Error::Superseded)
    );
    // Another account's code of the same minute is not affected.
    assert_eq!(s.redeem(&mut ledger, &bob, "bob", NOW + 182), Ok(()));
    assert_eq!(ledger.account_count(), 2);
    // Two codes of one minute cannot be ordered: the second is refused too.
    let alice_same_minute = s
        .ring
        .seal_reset_code(
            &s.machine.identification_code(),
            &account("alice"),
            "another password",
            NOW + 120,
        )
        .unwrap();
    assert_eq!(
        s.machine.redeem_reset_code(
            &mut ledger,
            &alice_same_minute,
            &account("alice"),
            "another password",
            NOW + 190
        ),
        Err(Error::Superseded)
    );
}

#[test]
fn the_generation_and_latest_time_follow_every_redeem_past_the_clock_check() {
    let s = setup();
    let mut ledger = ReplayLedger::new(&s.machine);
    assert_eq!((ledger.generation(), ledger.latest_time_seen()), (0, None));
    let code = s.seal("alice", NOW);
    // Refused before the clock check: nothing changes.
    assert_eq!(
        s.machine
            .redeem_reset_code(&mut ledger, &code, &account("alice"), "", NOW),
        Err(Error::InvalidPassword)
    );
    assert_eq!(ledger, ReplayLedger::new(&s.machine));
    // A failure past it changes the ledger (the attempt is counted).
    assert_eq!(
        s.machine
            .redeem_reset_code(&mut ledger, &code, &account("alice"), "wrong", NOW + 30),
        Err(Error::Rejected)
    );
    assert_eq!(ledger.generation(), 1);
    assert_eq!(ledger.latest_time_seen(), Some(NOW + 30));
    assert_eq!((ledger.account_count(), ledger.code_count()), (1, 1));
    // An earlier time within the skew is accepted but does not lower the latest time.
    assert_eq!(s.redeem(&mut ledger, &code, "alice", NOW + 10), Ok(()));
    assert_eq!(ledger.generation(), 2);
    assert_eq!(ledger.latest_time_seen(), Some(NOW + 30));
    // Success clears the code's failure record and the account's count.
    assert_eq!((ledger.account_count(), ledger.code_count()), (1, 0));
}

fn sample(s: &Setup) -> ReplayLedger {
    let mut ledger = ReplayLedger::new(&s.machine);
    s.redeem(&mut ledger, &s.seal("alice", NOW), "alice", NOW + 60)
        .unwrap();
    let bob = s.seal("bob", NOW);
    assert_eq!(
        s.machine
            .redeem_reset_code(&mut ledger, &bob, &account("bob"), "wrong", NOW + 70),
        Err(Error::Rejected)
    );
    ledger
}

#[test]
fn export_import_round_trips_plain_and_wrapped_with_one_stored_form() {
    let s = setup();
    let ledger = sample(&s);
    let plain = ledger.export(None).unwrap();
    // 68 + 51 per account record + 26 per code record (§9.7).
    assert_eq!(plain.len(), 68 + 51 * 2 + 26);
    let back = ReplayLedger::import(&plain, None, &s.machine, ledger.generation()).unwrap();
    assert_eq!(back, ledger);
    assert_eq!(*back.export(None).unwrap(), *plain);
    let key = WrappingKey::from_bytes(&[0x42; 64]).unwrap();
    let wrapped = ledger.export(Some(&key)).unwrap();
    assert_eq!(wrapped.len(), plain.len() + 20);
    assert_eq!(
        ReplayLedger::import(&wrapped, Some(&key), &s.machine, 0).unwrap(),
        ledger
    );
    assert_eq!(
        ReplayLedger::import(&wrapped, None, &s.machine, 0),
        Err(Error::WrappingMismatch)
    );
    // A new ledger: no time, no records.
    let empty = ReplayLedger::new(&s.machine).export(None).unwrap();
    assert_eq!(empty.len(), 68);
    // Debug shows only public counts.
    assert_eq!(
        format!("{ledger:?}"),
        format!(
            "ReplayLedger {{ epoch: 1, generation: 2, latest_time_seen: Some({}), accounts: 2, codes: 1 }}",
            NOW + 70
        )
    );
}

fn body_of(plain: &[u8]) -> Vec<u8> {
    plain[10..plain.len() - 4].to_vec()
}

/// Offsets in the body (§9.7): header 54 bytes, account records of 51, code records of 26.
const HEADER: usize = 54;
const ACCOUNT: usize = 51;
const CODE: usize = 26;

#[test]
fn bad_imports_are_refused_with_their_errors() {
    let s = setup();
    let ledger = sample(&s);
    let plain = ledger.export(None).unwrap();
    let body = body_of(&plain);
    let generation = ledger.generation();
    let latest = NOW + 70;
    let import = |body: &[u8]| ReplayLedger::import(&envelope(4, body), None, &s.machine, 0);
    let edited = |at: usize, bytes: &[u8]| {
        let mut b = body.clone();
        b[at..at + bytes.len()].copy_from_slice(bytes);
        import(&b)
    };
    assert_eq!(import(&body), Ok(ledger.clone()));
    // Bound to the enrollment; an older copy refused when the caller knows a newer generation.
    assert_eq!(
        ReplayLedger::import(&plain, None, &s.other_machine, 0),
        Err(Error::LedgerOfAnotherMachine)
    );
    assert_eq!(
        edited(0, &2u16.to_be_bytes()),
        Err(Error::LedgerOfAnotherMachine)
    );
    assert_eq!(
        ReplayLedger::import(&plain, None, &s.machine, generation + 1),
        Err(Error::LedgerRolledBack)
    );
    // Counts above the limits, or records while no time was ever seen.
    assert_eq!(
        edited(50, &1025u16.to_be_bytes()),
        Err(Error::MalformedInput)
    );
    assert_eq!(
        edited(52, &257u16.to_be_bytes()),
        Err(Error::MalformedInput)
    );
    assert_eq!(
        edited(42, &i64::MIN.to_be_bytes()),
        Err(Error::MalformedInput)
    );
    // Account records: the flag, a record with nothing in it, times after the latest seen.
    let (first, second) = (HEADER, HEADER + ACCOUNT);
    let alice_first = body[first + 16] == 1;
    let (accepted_at, failed_at) = if alice_first {
        (first, second)
    } else {
        (second, first)
    };
    assert_eq!(edited(accepted_at + 16, &[2]), Err(Error::MalformedInput));
    assert_eq!(edited(failed_at + 16, &[1]), Err(Error::MalformedInput));
    assert_eq!(
        edited(failed_at + 41, &0u16.to_be_bytes()),
        Err(Error::MalformedInput)
    );
    let after_skew = latest + 300 + 60;
    assert_eq!(
        edited(accepted_at + 33, &after_skew.to_be_bytes()),
        Err(Error::MalformedInput)
    );
    assert_eq!(
        edited(accepted_at + 33, &(NOW + 1).to_be_bytes()),
        Err(Error::MalformedInput),
        "an issue time that is not a whole minute"
    );
    assert_eq!(
        edited(failed_at + 43, &(latest + 1).to_be_bytes()),
        Err(Error::MalformedInput)
    );
    // Code records: a count of 0, a first failure after the latest time seen.
    let code_at = HEADER + 2 * ACCOUNT;
    assert_eq!(
        edited(code_at + 16, &0u16.to_be_bytes()),
        Err(Error::MalformedInput)
    );
    assert_eq!(
        edited(code_at + 18, &(latest + 1).to_be_bytes()),
        Err(Error::MalformedInput)
    );
    // Records out of order, a body cut short, bytes after the last record.
    let mut swapped = body.clone();
    swapped[first..first + ACCOUNT].copy_from_slice(&body[second..second + ACCOUNT]);
    swapped[second..second + ACCOUNT].copy_from_slice(&body[first..first + ACCOUNT]);
    assert_eq!(import(&swapped), Err(Error::MalformedInput));
    assert_eq!(import(&body[..body.len() - 1]), Err(Error::MalformedInput));
    let mut longer = body.clone();
    longer.push(0);
    assert_eq!(import(&longer), Err(Error::MalformedInput));
    assert_eq!(
        ReplayLedger::import(&envelope(2, &body), None, &s.machine, 0),
        Err(Error::WrongKind)
    );
    assert_eq!(body.len(), HEADER + 2 * ACCOUNT + CODE);
}

#[test]
fn fingerprint_depends_on_normalized_names_and_the_sid() {
    let a = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let b = Account::new("ALICE", "corp", &VECTOR_SID).unwrap();
    let c = Account::new("alice", "CORP", &OTHER_SID).unwrap();
    let d = Account::new("alice", "CORPX", &VECTOR_SID).unwrap();
    let fa = ReplayLedger::account_fingerprint(&a);
    assert_eq!(fa, ReplayLedger::account_fingerprint(&b));
    assert_ne!(fa, ReplayLedger::account_fingerprint(&c));
    assert_ne!(fa, ReplayLedger::account_fingerprint(&d));
}

/// A stored ledger for `s.machine` with `accounts` account records (each with an accepted code)
/// and `codes` code records, latest time `NOW`.
fn crafted(s: &Setup, accounts: usize, codes: usize) -> Vec<u8> {
    let template = ReplayLedger::new(&s.machine).export(None).unwrap();
    let mut body = body_of(&template);
    body[34..42].copy_from_slice(&1u64.to_be_bytes());
    body[42..50].copy_from_slice(&NOW.to_be_bytes());
    body[50..52].copy_from_slice(&(accounts as u16).to_be_bytes());
    body[52..54].copy_from_slice(&(codes as u16).to_be_bytes());
    let issued = NOW - (NOW - TIME_ORIGIN_UNIX).rem_euclid(60);
    for i in 0..accounts {
        let mut fingerprint = [0u8; 16];
        fingerprint[..4].copy_from_slice(&(i as u32).to_be_bytes());
        body.extend_from_slice(&fingerprint);
        body.push(1);
        body.extend_from_slice(&[0xCC; 16]);
        body.extend_from_slice(&issued.to_be_bytes());
        body.extend_from_slice(&0u16.to_be_bytes());
        body.extend_from_slice(&0i64.to_be_bytes());
    }
    for i in 0..codes {
        let mut code_id = [0u8; 16];
        code_id[..4].copy_from_slice(&(i as u32).to_be_bytes());
        body.extend_from_slice(&code_id);
        body.extend_from_slice(&1u16.to_be_bytes());
        body.extend_from_slice(&NOW.to_be_bytes());
    }
    envelope(4, &body)
}

#[test]
fn a_full_ledger_fails_closed_for_new_records_only() {
    let s = setup();
    let full_accounts = crafted(&s, MAX_LEDGER_ACCOUNTS, 0);
    let mut ledger = ReplayLedger::import(&full_accounts, None, &s.machine, 0).unwrap();
    assert_eq!(ledger.account_count(), MAX_LEDGER_ACCOUNTS);
    let code = s.seal("alice", NOW);
    let before = ledger.clone();
    assert_eq!(
        s.redeem(&mut ledger, &code, "alice", NOW + 60),
        Err(Error::LedgerFull)
    );
    // Nothing was counted, only the clock and generation moved.
    assert_eq!(ledger.account_count(), before.account_count());
    assert_eq!(ledger.code_count(), 0);
    // A wrapped full ledger stays below the C ABI's input limit.
    let key = WrappingKey::from_bytes(&[0x42; 64]).unwrap();
    let full = ReplayLedger::import(
        &crafted(&s, MAX_LEDGER_ACCOUNTS, MAX_LEDGER_CODES),
        None,
        &s.machine,
        0,
    )
    .unwrap();
    let wrapped = full.export(Some(&key)).unwrap();
    assert_eq!(
        wrapped.len(),
        88 + 51 * MAX_LEDGER_ACCOUNTS + 26 * MAX_LEDGER_CODES
    );
    assert!(wrapped.len() <= 65_536);

    // Full code records: a code without a record of its own is refused.
    let mut ledger =
        ReplayLedger::import(&crafted(&s, 0, MAX_LEDGER_CODES), None, &s.machine, 0).unwrap();
    assert_eq!(
        s.redeem(&mut ledger, &code, "alice", NOW + 60),
        Err(Error::LedgerFull)
    );
    // From lifetime + 2 skews after their first failure the records can no longer matter and
    // are pruned: the code is then answered on its own merits (by now it has expired).
    assert_eq!(
        s.redeem(&mut ledger, &code, "alice", NOW + 60 * (60 + 10)),
        Err(Error::Expired)
    );
    assert_eq!(ledger.code_count(), 1);
    assert_eq!(ledger.account_count(), 1);
}
