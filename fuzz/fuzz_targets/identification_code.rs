//! Identification-code parsing: the text a help-desk agent or a self-service page types in.
//! Any accepted text has a canonical form that parses to the same code; every refusal is one of
//! the documented parse errors; sealing for a parsed code never panics and fails only as
//! documented.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Account, Error, IdentificationCode, IDENTIFICATION_CODE_TEXT_LEN, MAX_EPOCH};
use offline_reset_fuzz::{fixtures, is_parse_error};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let code = match IdentificationCode::parse(text) {
        Ok(code) => code,
        Err(e) => {
            assert!(is_parse_error(&e), "unexpected parse error {e:?}");
            return;
        }
    };
    let canonical = code.as_str();
    assert_eq!(canonical.len(), IDENTIFICATION_CODE_TEXT_LEN);
    assert_eq!(IdentificationCode::parse(canonical), Ok(code));
    assert_eq!(
        IdentificationCode::parse(&canonical.to_lowercase()),
        Ok(code)
    );
    // Pasted: byte order mark, no-break spaces, full-width forms, a line break.
    let pasted: String = canonical
        .chars()
        .map(|c| match c {
            '-' => '\u{00A0}',
            c => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
        })
        .collect();
    assert_eq!(
        IdentificationCode::parse(&format!("\u{FEFF}{pasted}\r\n")),
        Ok(code)
    );
    assert!(code.epoch() <= MAX_EPOCH);
    assert_eq!(code.to_string(), canonical);

    let f = fixtures();
    let account = Account::new("alice", "CORP", &offline_reset_fuzz::VECTOR_SID).expect("account");
    match f.rings[0].seal_reset_code(&code, &account, "Winter-Tulip-42", 1_795_000_000) {
        Ok(reset) => {
            assert_eq!(code.epoch(), 1);
            // Sealed for whichever machine has this public key; machine A opens only its own.
            let opened = f.machines_a[0].open_reset_code_for_diagnostics(
                &reset,
                &account,
                "Winter-Tulip-42",
                1_795_000_000,
            );
            if code == f.id_a {
                assert!(opened.is_ok(), "{opened:?}");
            } else {
                assert_eq!(opened, Err(Error::Rejected));
            }
        }
        Err(Error::KeyRotated {
            code_epoch,
            current_epoch: 1,
        }) => assert_ne!(code_epoch, 1),
        Err(Error::InvalidKeyMaterial) => assert_eq!(code.epoch(), 1),
        Err(e) => panic!("unexpected seal error {e:?}"),
    }
});
