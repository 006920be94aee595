//! Replay-ledger import: the file the login integration keeps per machine (possibly tampered
//! with, or an older copy put back). The first byte picks how the rest is used: bits 0-1: 0 raw
//! bytes, plain; 1 a body in a valid plain envelope; 2 raw bytes opened with the fixture wrapping
//! key; 3 a body wrapped under the fixture key. Bits 2-7: the minimum generation (0..63).
//!
//! Asserted: a ledger wrapped under one key never opens under another; an accepted ledger is
//! machine A's (machine B and machine A's epoch-2 enrollment get `LedgerOfAnotherMachine`), has
//! at least the minimum generation (one more is `LedgerRolledBack`), stays within the limits and
//! exports to exactly the same bytes; redeeming the fixture code on it never panics, answers as
//! documented, moves the generation by one exactly when it got past the clock check, and a
//! success is then refused as a replay, also after saving and loading the ledger again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Error, ReplayLedger, MAX_LEDGER_ACCOUNTS, MAX_LEDGER_CODES};
use offline_reset_fuzz::{
    envelope, fixtures, is_ledger_import_error, KIND_REPLAY_LEDGER, NOW, PASSWORD,
};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixtures();
    let machine = &f.machines_a[0];
    let minimum = u64::from(mode >> 2);
    let (bytes, key) = match mode % 4 {
        1 => (envelope(KIND_REPLAY_LEDGER, rest, None), None),
        2 => (rest.to_vec(), Some(&f.wrapping)),
        3 => {
            let wrapped = envelope(KIND_REPLAY_LEDGER, rest, Some(&f.wrapping_bytes));
            assert_eq!(
                ReplayLedger::import(&wrapped, Some(&f.other_wrapping), machine, 0).err(),
                Some(Error::WrongWrappingKey)
            );
            assert_eq!(
                ReplayLedger::import(&wrapped, None, machine, 0).err(),
                Some(Error::WrappingMismatch)
            );
            (wrapped, Some(&f.wrapping))
        }
        _ => (rest.to_vec(), None),
    };
    if key.is_some() {
        assert!(ReplayLedger::import(&bytes, Some(&f.other_wrapping), machine, 0).is_err());
    }
    let mut ledger = match ReplayLedger::import(&bytes, key, machine, minimum) {
        Ok(ledger) => ledger,
        Err(e) => {
            assert!(is_ledger_import_error(&e), "unexpected error {e:?}");
            return;
        }
    };
    for other in [&f.machine_b, &f.machine_a_epoch_2] {
        assert_eq!(
            ReplayLedger::import(&bytes, key, other, 0).err(),
            Some(Error::LedgerOfAnotherMachine)
        );
    }
    let generation = ledger.generation();
    assert!(generation >= minimum);
    if let Some(next) = generation.checked_add(1) {
        assert_eq!(
            ReplayLedger::import(&bytes, key, machine, next).err(),
            Some(Error::LedgerRolledBack)
        );
    }
    assert!(ledger.account_count() <= MAX_LEDGER_ACCOUNTS);
    assert!(ledger.code_count() <= MAX_LEDGER_CODES);
    assert_eq!(*ledger.export(key).expect("export"), bytes);
    let _ = format!("{ledger:?}");

    // Redeeming on an imported ledger never panics and answers as documented.
    let before = ledger.clone();
    let result = machine.redeem_reset_code(&mut ledger, &f.code_a, &f.account_a, PASSWORD, NOW);
    match result {
        Err(Error::ClockSetBack) => {
            assert!(before.latest_time_seen().is_some_and(|t| t > NOW));
            assert_eq!(ledger, before);
            return;
        }
        Ok(_) => {
            assert_eq!(
                machine.redeem_reset_code(&mut ledger, &f.code_a, &f.account_a, PASSWORD, NOW),
                Err(Error::AlreadyUsed)
            );
            assert_eq!(
                ledger.generation(),
                generation.saturating_add(1).saturating_add(1)
            );
        }
        Err(Error::TooManyAttempts | Error::LedgerFull) => {
            assert_eq!(ledger.generation(), generation.saturating_add(1))
        }
        Err(Error::AlreadyUsed | Error::Superseded) => {
            assert_eq!(ledger.generation(), generation.saturating_add(1))
        }
        Err(e) => panic!("unexpected redeem error {e:?}"),
    }
    assert!(ledger.latest_time_seen().is_some_and(|t| t >= NOW));
    let saved = ledger.export(key).expect("export");
    let loaded = ReplayLedger::import(&saved, key, machine, ledger.generation())
        .expect("a ledger saved after a redeem loads");
    assert_eq!(loaded, ledger);
});
