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

const BASE: &str = "https://reset.example.com/portal?lang=de";

fn id_text() -> String {
    code(IDENTIFICATION_CODE_LAYOUT, 0x91)
}

#[test]
fn uri_and_parse_exports_match_rust() {
    let text = id_text();
    let rust = IdentificationCode::parse(&text).unwrap();
    let mut buf = vec![0u8; OLR_IDENTIFICATION_URI_MAX_LEN];
    let mut len = 0usize;
    let mut details = olr_error_details::default();
    let status = olr_identification_code_uri(
        c(&text),
        text.len(),
        c(BASE),
        BASE.len(),
        buf.as_mut_ptr().cast(),
        buf.len(),
        &mut len,
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_OK);
    let uri = std::str::from_utf8(&buf[..len]).unwrap().to_string();
    assert_eq!(uri, rust.uri(BASE).unwrap());
    // Too small: only the needed length.
    let mut small = [0xAAu8; 10];
    let status = olr_identification_code_uri(
        c(&text),
        text.len(),
        c(BASE),
        BASE.len(),
        small.as_mut_ptr().cast(),
        small.len(),
        &mut len,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_BUFFER_TOO_SMALL);
    assert_eq!(len, uri.len());
    assert!(small.iter().all(|&b| b == 0xAA));
    // A bad base.
    let bad = "http://reset.example.com/";
    let status = olr_identification_code_uri(
        c(&text),
        text.len(),
        c(bad),
        bad.len(),
        buf.as_mut_ptr().cast(),
        buf.len(),
        &mut len,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_MALFORMED_INPUT);
    // The portal's reader, on the URI and on the bare code.
    for input in [uri.as_str(), text.as_str()] {
        let status = olr_identification_code_parse_uri_or_code(
            c(input),
            input.len(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut len,
            &mut details,
        );
        assert_eq!(status, olr_status::OLR_OK);
        assert_eq!(&buf[..len], rust.as_str().as_bytes());
    }
    let mistyped = uri.replacen("olr-id=1", "olr-id=1Z", 1);
    let status = olr_identification_code_parse_uri_or_code(
        c(&mistyped),
        mistyped.len(),
        buf.as_mut_ptr().cast(),
        buf.len(),
        &mut len,
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_MALFORMED_INPUT, "65 symbols");
}

#[test]
fn qr_export_matches_rust() {
    let text = id_text();
    let rust = IdentificationCode::parse(&text).unwrap().qr(BASE).unwrap();
    let mut modules = vec![0xAAu8; OLR_QR_MAX_WIDTH * OLR_QR_MAX_WIDTH];
    let (mut len, mut width) = (0usize, 0usize);
    let status = olr_identification_code_qr(
        c(&text),
        text.len(),
        c(BASE),
        BASE.len(),
        modules.as_mut_ptr(),
        modules.len(),
        &mut len,
        &mut width,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(width, rust.width());
    assert_eq!(len, width * width);
    assert_eq!(&modules[..len], rust.modules());
    assert_eq!(OLR_QR_QUIET_ZONE, QR_QUIET_ZONE);
    // Size query: NULL with capacity 0 gives the length, not the width.
    let mut width2 = 12345usize;
    let status = olr_identification_code_qr(
        c(&text),
        text.len(),
        c(BASE),
        BASE.len(),
        null_mut(),
        0,
        &mut len,
        &mut width2,
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_BUFFER_TOO_SMALL);
    assert_eq!(len, width * width);
    assert_eq!(width2, 12345);
    // NULL width.
    let status = olr_identification_code_qr(
        c(&text),
        text.len(),
        c(BASE),
        BASE.len(),
        modules.as_mut_ptr(),
        modules.len(),
        &mut len,
        null_mut(),
        null_mut(),
    );
    assert_eq!(status, olr_status::OLR_NULL_POINTER);
    // A mistyped code is named.
    let mut bad = text.clone().into_bytes();
    bad[20] = if bad[20] == b'7' { b'8' } else { b'7' };
    let mut details = olr_error_details::default();
    let status = olr_identification_code_qr(
        bad.as_ptr().cast(),
        bad.len(),
        c(BASE),
        BASE.len(),
        modules.as_mut_ptr(),
        modules.len(),
        &mut len,
        &mut width,
        &mut details,
    );
    assert_eq!(status, olr_status::OLR_MISTYPED);
    assert_eq!(details.mistyped_group, 3);
}

fn c_spell(text: &str, table: Option<&str>, cap: usize) -> (olr_status, String, usize) {
    let mut buf = vec![0xAAu8; cap];
    let mut len = 0usize;
    let (tp, tl) = table.map_or((null(), 0), |t| (c(t), t.len()));
    let status = olr_spell_code(
        c(text),
        text.len(),
        tp,
        tl,
        buf.as_mut_ptr().cast(),
        cap,
        &mut len,
        null_mut(),
    );
    let out = if status == olr_status::OLR_OK {
        String::from_utf8(buf[..len].to_vec()).unwrap()
    } else {
        assert!(buf.iter().all(|&b| b == 0xAA));
        String::new()
    };
    (status, out, len)
}

#[test]
fn spell_export_matches_rust() {
    let reset = code(RESET_CODE_LAYOUT, 0x5E);
    let id = id_text();
    let german: Vec<String> = (0..32).map(|i| format!("Wort{i}")).collect();
    let german = german.join("\n");
    for text in [reset.as_str(), id.as_str()] {
        let (status, out, _) = c_spell(text, None, OLR_SPELLING_MAX_LEN);
        assert_eq!(status, olr_status::OLR_OK);
        assert_eq!(out, spell_code(text, &SpellingTable::english()).unwrap());
        let (status, out, _) = c_spell(text, Some(&german), OLR_SPELLING_MAX_LEN);
        assert_eq!(status, olr_status::OLR_OK);
        assert_eq!(
            out,
            spell_code(text, &SpellingTable::from_lines(&german).unwrap()).unwrap()
        );
        let (status, _, needed) = c_spell(text, None, 5);
        assert_eq!(status, olr_status::OLR_BUFFER_TOO_SMALL);
        assert!(needed <= OLR_SPELLING_MAX_LEN);
    }
    // The longest words fit the documented maximum.
    let longest: Vec<String> = (0..32).map(|i| format!("{i:0>32}")).collect();
    let (status, out, _) = c_spell(&id, Some(&longest.join("\n")), OLR_SPELLING_MAX_LEN);
    assert_eq!(status, olr_status::OLR_OK);
    assert_eq!(out.len(), OLR_SPELLING_MAX_LEN);
    // Bad tables and codes.
    assert_eq!(
        c_spell(&reset, Some("one\ntwo"), 100).0,
        olr_status::OLR_MALFORMED_INPUT
    );
    assert_eq!(
        c_spell(&reset[..10], None, 100).0,
        olr_status::OLR_MALFORMED_INPUT
    );
    let mut len = 0usize;
    let mut buf = [0u8; 8];
    assert_eq!(
        olr_spell_code(
            c(&reset),
            reset.len(),
            null(),
            3,
            buf.as_mut_ptr().cast(),
            8,
            &mut len,
            null_mut()
        ),
        olr_status::OLR_NULL_POINTER
    );
}

/// docs/C_API.md: every argument is checked in order before any work, so a NULL output pointer
/// is `OLR_NULL_POINTER` even when the spelling table's content is malformed.
#[test]
fn spell_checks_output_pointers_before_the_table_content() {
    let id = id_text();
    let bad_table = "only one line";
    let mut len = 0usize;
    let mut buf = [0u8; 16];
    assert_eq!(
        olr_spell_code(
            c(&id),
            id.len(),
            c(bad_table),
            bad_table.len(),
            null_mut(),
            16,
            &mut len,
            null_mut(),
        ),
        olr_status::OLR_NULL_POINTER
    );
    assert_eq!(
        olr_spell_code(
            c(&id),
            id.len(),
            c(bad_table),
            bad_table.len(),
            buf.as_mut_ptr().cast(),
            16,
            null_mut(),
            null_mut(),
        ),
        olr_status::OLR_NULL_POINTER
    );
    // With valid outputs the table's content is what is wrong.
    assert_eq!(
        olr_spell_code(
            c(&id),
            id.len(),
            c(bad_table),
            bad_table.len(),
            buf.as_mut_ptr().cast(),
            16,
            &mut len,
            null_mut(),
        ),
        olr_status::OLR_MALFORMED_INPUT
    );
}
