//! The typing, QR and spelling exports called from Rust: the same answers as the Rust API,
//! argument checks, and nothing written on failure.

use core::ffi::c_char;
use std::ptr::{null, null_mut};

use offline_reset::code_text::{self, IDENTIFICATION_CODE_LAYOUT, RESET_CODE_LAYOUT};
use offline_reset::ffi::*;
use offline_reset::*;

fn c(text: &str) -> *const c_char {
    text.as_ptr().cast()
}

fn code(layout: code_text::Layout, fill: u8) -> String {
    let mut payload = code_text::header(5).to_vec();
    payload.resize(layout.payload_len, fill);
    let mut out = vec![0u8; layout.text_len()];
    code_text::encode(layout, &payload, &mut out);
    String::from_utf8(out).unwrap()
}

fn c_progress(reset: bool, text: &[u8]) -> (olr_status, olr_typing_progress) {
    let mut out = olr_typing_progress {
        reserved: [0xAA; 10],
        group_count: 0xAA,
        ..Default::default()
    };
    let status = if reset {
        olr_reset_code_progress(text.as_ptr().cast(), text.len(), &mut out)
    } else {
        olr_identification_code_progress(text.as_ptr().cast(), text.len(), &mut out)
    };
    (status, out)
}

#[test]
fn progress_export_matches_rust() {
    for (reset, layout) in [
        (false, IDENTIFICATION_CODE_LAYOUT),
        (true, RESET_CODE_LAYOUT),
    ] {
        let good = code(layout, 0x3C);
        let mut texts = vec![String::new(), "U".into(), format!("{good}0"), "2".into()];
        for n in [1, 5, 8, 9, 20, good.len()] {
            texts.push(good[..n].to_string());
        }
        let mut bad = good.clone().into_bytes();
        bad[12] = if bad[12] == b'7' { b'8' } else { b'7' };
        texts.push(String::from_utf8(bad).unwrap());
        for text in &texts {
            let rust = if reset {
                ResetCode::progress(text)
            } else {
                IdentificationCode::progress(text)
            };
            let (status, p) = c_progress(reset, text.as_bytes());
            assert_eq!(status, olr_status::OLR_OK);
            assert_eq!(p.group_count as usize, rust.groups().len());
            for (i, g) in rust.groups().iter().enumerate() {
                assert_eq!(p.groups[i] as u8, *g as u8, "{text:?} group {i}");
            }
            assert!(p.groups[rust.groups().len()..]
                .iter()
                .all(|&g| g == olr_group_state::OLR_GROUP_EMPTY));
            assert_eq!(p.complete, rust.is_complete());
            assert_eq!(p.too_long, rust.is_too_long());
            assert_eq!(p.whole_code_ok, rust.whole_code_ok());
            assert_eq!(p.ready, rust.is_ready());
            assert_eq!(
                p.has_unsupported_version,
                rust.unsupported_version().is_some()
            );
            assert_eq!(
                p.unsupported_version,
                rust.unsupported_version().unwrap_or(0)
            );
            assert_eq!(p.first_wrong_group, rust.first_wrong_group().unwrap_or(0));
            assert_eq!(p.symbols_typed as usize, rust.symbols_typed());
            assert_eq!(p.symbols_expected as usize, layout.symbols());
            assert_eq!(p.reserved, [0; 10]);
            // `ready` is exactly when the check export succeeds.
            let mut buf = [0u8; 128];
            let mut len = 0usize;
            let check = if reset {
                olr_reset_code_check(
                    c(text),
                    text.len(),
                    buf.as_mut_ptr().cast(),
                    128,
                    &mut len,
                    null_mut(),
                )
            } else {
                olr_identification_code_check(
                    c(text),
                    text.len(),
                    buf.as_mut_ptr().cast(),
                    128,
                    &mut len,
                    null_mut(),
                )
            };
            assert_eq!(p.ready, check == olr_status::OLR_OK, "{text:?}");
        }
    }
}

#[test]
fn progress_export_group_states_have_their_numbers() {
    assert_eq!(
        olr_group_state::OLR_GROUP_EMPTY as u8,
        GroupState::Empty as u8
    );
    assert_eq!(
        olr_group_state::OLR_GROUP_INCOMPLETE as u8,
        GroupState::Incomplete as u8
    );
    assert_eq!(
        olr_group_state::OLR_GROUP_VALID as u8,
        GroupState::Valid as u8
    );
    assert_eq!(
        olr_group_state::OLR_GROUP_MISTYPED as u8,
        GroupState::Mistyped as u8
    );
    assert_eq!(
        olr_group_state::OLR_GROUP_NOT_A_SYMBOL as u8,
        GroupState::NotASymbol as u8
    );
    let (_, p) = c_progress(false, b"1U");
    assert_eq!(p.groups[0], olr_group_state::OLR_GROUP_NOT_A_SYMBOL);
    let (_, p) = c_progress(true, b"1A");
    assert_eq!(p.groups[0], olr_group_state::OLR_GROUP_INCOMPLETE);
}

#[test]
fn progress_export_argument_errors_write_nothing() {
    for reset in [false, true] {
        let call = |text: *const c_char, len: usize, out: *mut olr_typing_progress| {
            if reset {
                olr_reset_code_progress(text, len, out)
            } else {
                olr_identification_code_progress(text, len, out)
            }
        };
        let mut out = olr_typing_progress {
            group_count: 0xEE,
            ..Default::default()
        };
        assert_eq!(call(null(), 0, &mut out), olr_status::OLR_NULL_POINTER);
        assert_eq!(call(c("1"), 1, null_mut()), olr_status::OLR_NULL_POINTER);
        let bad_utf8 = [b'1', 0xFF];
        assert_eq!(
            call(bad_utf8.as_ptr().cast(), 2, &mut out),
            olr_status::OLR_INVALID_UTF8
        );
        let long = vec![b'0'; OLR_MAX_INPUT_LEN + 1];
        assert_eq!(
            call(long.as_ptr().cast(), long.len(), &mut out),
            olr_status::OLR_INVALID_LENGTH
        );
        assert_eq!(out.group_count, 0xEE, "nothing written on failure");
        // Empty text is fine.
        assert_eq!(call(c(""), 0, &mut out), olr_status::OLR_OK);
        assert_eq!(out.symbols_typed, 0);
    }
}
