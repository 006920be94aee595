//! Reset-code parsing, opening and redeeming on a fixed machine with arbitrary code, username,
//! domain, SID, password and time: what a user types at the login screen (the SID comes from the
//! cached account the user names). Input: 8 bytes of time (i64, big-endian), one byte n, n bytes
//! of SID, then code, username, domain and password separated by 0xFF.
//!
//! Asserted: the diagnostics open answers as documented and identically on the reimported
//! machine; a redeem against a new ledger gives the same answer and changes the ledger exactly
//! when the attempt got past the epoch and password checks (one account, one failed code on a
//! failure; the account's newest code on a success, then a replay is `AlreadyUsed`); the ledger
//! survives export and import with its generation as the minimum, and one generation more is
//! `LedgerRolledBack`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Account, Error, ReplayLedger, ResetCode, RESET_CODE_TEXT_LEN};
use offline_reset_fuzz::{fixtures, is_parse_error, sid_is_well_formed, split_sid, str_fields};

fuzz_target!(|data: &[u8]| {
    let mut now = [0u8; 8];
    let head = data.len().min(8);
    now[..head].copy_from_slice(&data[..head]);
    let now = i64::from_be_bytes(now);
    let (sid, rest) = split_sid(&data[head..]);
    let Some([text, username, domain, password]) = str_fields::<4>(rest) else {
        return;
    };
    let code = match ResetCode::parse(text) {
        Ok(code) => code,
        Err(e) => {
            assert!(is_parse_error(&e), "unexpected parse error {e:?}");
            return;
        }
    };
    assert_eq!(code.as_str().len(), RESET_CODE_TEXT_LEN);
    assert_eq!(ResetCode::parse(code.as_str()), Ok(code));
    assert_eq!(ResetCode::parse(&code.as_str().to_lowercase()), Ok(code));

    let account = match Account::new(username, domain, sid) {
        Ok(account) => account,
        Err(e) => {
            assert!(
                matches!(e, Error::InvalidUsername | Error::InvalidDomain)
                    || (e == Error::InvalidSid && !sid_is_well_formed(sid)),
                "{e:?}"
            );
            return;
        }
    };
    let f = fixtures();
    let machine = &f.machines_a[0];
    let result = machine.open_reset_code_for_diagnostics(&code, &account, password, now);
    // The reimported machine state must behave exactly like the enrolled machine.
    assert_eq!(
        f.machine_a_reimported
            .open_reset_code_for_diagnostics(&code, &account, password, now),
        result
    );
    let mut counted = true;
    match result {
        Ok(accepted) => {
            assert_eq!(code.epoch(), 1);
            assert!(accepted.issued_at <= accepted.expires_at);
            assert_eq!(accepted.issued_at % 60, 0);
            // Another machine never accepts it.
            let other = f
                .machine_b
                .open_reset_code_for_diagnostics(&code, &account, password, now);
            assert_eq!(other, Err(Error::Rejected));
        }
        Err(Error::InvalidPassword) => {
            assert!(password.is_empty() || password.len() > offline_reset::MAX_PASSWORD_BYTES);
            counted = false;
        }
        Err(e @ (Error::CodeBeforeRotation { .. } | Error::RedeployNeeded { .. })) => {
            assert_eq!(e, offline_reset_fuzz::machine_epoch_error(code.epoch(), 1));
            counted = false;
        }
        Err(Error::Rejected | Error::Expired | Error::NotYetValid) => {}
        Err(e) => panic!("unexpected open error {e:?}"),
    }

    // ---- Redeem against a new ledger: same answer; the ledger records the attempt.
    let mut ledger = ReplayLedger::new(machine);
    let redeemed = machine.redeem_reset_code(&mut ledger, &code, &account, password, now);
    assert_eq!(redeemed, result);
    if !counted {
        assert_eq!(ledger, ReplayLedger::new(machine));
        return;
    }
    assert_eq!(ledger.generation(), 1);
    assert_eq!(ledger.latest_time_seen(), Some(now));
    assert_eq!(ledger.account_count(), 1);
    if result.is_ok() {
        assert_eq!(ledger.code_count(), 0);
        // A code works once, also after the ledger was saved and loaded again.
        let stored = ledger.export(Some(&f.wrapping)).expect("export");
        let mut loaded = ReplayLedger::import(&stored, Some(&f.wrapping), machine, 1)
            .expect("a saved ledger loads");
        assert_eq!(loaded, ledger);
        assert_eq!(
            machine.redeem_reset_code(&mut loaded, &code, &account, password, now),
            Err(Error::AlreadyUsed)
        );
        assert_eq!(loaded.generation(), 2);
    } else {
        assert_eq!(ledger.code_count(), 1);
    }
    let plain = ledger.export(None).expect("export");
    assert_eq!(
        ReplayLedger::import(&plain, None, machine, 2).err(),
        Some(Error::LedgerRolledBack)
    );
    assert_eq!(
        ReplayLedger::import(&plain, None, &f.machine_b, 0).err(),
        Some(Error::LedgerOfAnotherMachine)
    );
});
