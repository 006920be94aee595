//! Replay-ledger import: the file the login integration keeps per machine (possibly tampered
//! with). The first byte picks how the rest is used: 0 raw bytes, plain; 1 a body in a valid
//! plain envelope; 2 raw bytes opened with the fixture wrapping key; 3 a body wrapped under the
//! fixture key. Accepted ledgers export to exactly the same bytes, stay within the maximum, and
//! a ledger wrapped under one key never opens under another.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{AcceptedReset, Error, ReplayLedger, MAX_LEDGER_ENTRIES};
use offline_reset_fuzz::{envelope, fixtures, is_import_error};

/// Envelope kind of a replay ledger (docs/PROTOCOL.md §9.7).
const KIND_REPLAY_LEDGER: u8 = 4;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixtures();
    let (bytes, key) = match mode % 4 {
        1 => (envelope(KIND_REPLAY_LEDGER, rest, None), None),
        2 => (rest.to_vec(), Some(&f.wrapping)),
        3 => {
            let wrapped = envelope(KIND_REPLAY_LEDGER, rest, Some(&f.wrapping_bytes));
            assert_eq!(
                ReplayLedger::import(&wrapped, Some(&f.other_wrapping)).err(),
                Some(Error::WrongWrappingKey)
            );
            assert_eq!(
                ReplayLedger::import(&wrapped, None).err(),
                Some(Error::WrappingMismatch)
            );
            (wrapped, Some(&f.wrapping))
        }
        _ => (rest.to_vec(), None),
    };
    if key.is_some() {
        assert!(ReplayLedger::import(&bytes, Some(&f.other_wrapping)).is_err());
    }
    let mut ledger = match ReplayLedger::import(&bytes, key) {
        Ok(ledger) => ledger,
        Err(e) => {
            assert!(is_import_error(&e), "unexpected error {e:?}");
            return;
        }
    };
    assert!(ledger.len() <= MAX_LEDGER_ENTRIES);
    assert_eq!(*ledger.export(key).expect("export"), bytes);
    assert_eq!(
        format!("{ledger:?}"),
        format!("ReplayLedger {{ entries: {} }}", ledger.len())
    );
    // Recording never panics on an imported ledger, and a success is then refused as a replay.
    let accepted = AcceptedReset::from_parts(0, 60, [0x42; 16], [0x24; 16], i64::MAX);
    let before = ledger.len();
    match ledger.record(&accepted, i64::MIN) {
        Ok(()) => {
            assert!(ledger.len() <= before + 1);
            assert_eq!(ledger.record(&accepted, i64::MIN), Err(Error::AlreadyUsed));
        }
        Err(e) => assert!(matches!(
            e,
            Error::AlreadyUsed | Error::Superseded | Error::LedgerFull
        )),
    }
});
