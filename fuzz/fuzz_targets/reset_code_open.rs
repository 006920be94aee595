//! Reset-code parsing and opening on a fixed machine with arbitrary code, username, domain,
//! password and time: what a user types at the login screen. Input: 8 bytes of time (i64,
//! big-endian), then code, username, domain and password separated by 0xFF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Account, Error, ResetCode, RESET_CODE_TEXT_LEN};
use offline_reset_fuzz::{fixtures, is_parse_error, str_fields};

fuzz_target!(|data: &[u8]| {
    let mut now = [0u8; 8];
    let head = data.len().min(8);
    now[..head].copy_from_slice(&data[..head]);
    let now = i64::from_be_bytes(now);
    let Some([text, username, domain, password]) = str_fields::<4>(&data[head..]) else {
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

    let account = match Account::new(username, domain) {
        Ok(account) => account,
        Err(e) => {
            assert!(matches!(e, Error::InvalidUsername | Error::InvalidDomain));
            return;
        }
    };
    let f = fixtures();
    let result = f.machines_a[0].open_reset_code(&code, &account, password, now);
    // The reimported machine state must behave exactly like the enrolled machine.
    assert_eq!(
        f.machine_a_reimported
            .open_reset_code(&code, &account, password, now),
        result
    );
    match result {
        Ok(accepted) => {
            assert_eq!(code.epoch(), 1);
            assert!(accepted.issued_at <= accepted.expires_at);
            assert_eq!(accepted.issued_at % 60, 0);
            // Another machine never accepts it.
            let other = f.machine_b.open_reset_code(&code, &account, password, now);
            assert_eq!(other, Err(Error::Rejected));
        }
        Err(Error::InvalidPassword) => {
            assert!(password.is_empty() || password.len() > offline_reset::MAX_PASSWORD_BYTES)
        }
        Err(e @ (Error::CodeBeforeRotation { .. } | Error::RedeployNeeded { .. })) => {
            assert_eq!(e, offline_reset_fuzz::machine_epoch_error(code.epoch(), 1))
        }
        Err(Error::Rejected | Error::Expired | Error::NotYetValid) => {}
        Err(e) => panic!("unexpected open error {e:?}"),
    }
});
