//! Typing feedback on any text: never panics, and agrees with parsing exactly (the progress's
//! `parse_error()` is the error `parse` gives, `is_ready()` is a successful parse), for both kinds
//! of code, on the text and on every prefix of it ending at a character boundary (sampled).
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{GroupState, IdentificationCode, ResetCode, TypingProgress};

fn check(p: &TypingProgress, parsed: Result<(), offline_reset::Error>) {
    assert_eq!(p.parse_error(), parsed.err());
    assert_eq!(p.is_ready(), parsed.is_ok());
    assert!(!p.whole_code_ok() || p.is_complete());
    assert!(!(p.is_complete() && p.is_too_long()));
    if p.whole_code_ok() {
        assert!(p.groups().iter().all(|&g| g == GroupState::Valid));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ends: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .step_by(1 + text.len() / 64)
        .chain([text.len()])
        .collect();
    for end in ends {
        let t = &text[..end];
        let id = IdentificationCode::progress(t);
        assert_eq!(id.groups().len(), 8);
        check(&id, IdentificationCode::parse(t).map(|_| ()));
        let reset = ResetCode::progress(t);
        assert_eq!(reset.groups().len(), 6);
        check(&reset, ResetCode::parse(t).map(|_| ()));
    }
});
