//! The portal's reader of identification code URIs and bare codes, and URI/QR making from any
//! base URL: never panics; every accepted text yields a code whose URI (for a fixed base) reads
//! back to the same code; a base URL that `uri` accepts also gives a QR symbol, and its URI
//! reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Error, IdentificationCode};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match IdentificationCode::parse_uri_or_code(text) {
        Ok(code) => {
            let uri = code
                .uri("https://reset.example.com/portal")
                .expect("fixed base");
            assert_eq!(IdentificationCode::parse_uri_or_code(&uri), Ok(code));
            assert_eq!(
                IdentificationCode::parse_uri_or_code(code.as_str()),
                Ok(code)
            );
        }
        Err(Error::MalformedInput | Error::Mistyped { .. } | Error::UnsupportedVersion { .. }) => {}
        Err(e) => panic!("unexpected error {e:?}"),
    }
    // The text as a base URL.
    let code = IdentificationCode::parse(
        "100QKG24-BDN4YRWC-GG93WPMD-5JXRNXV6-3ATFM5VK-XY66Y2BB-1Z2YJMRX-5THHWQ7Q",
    )
    .expect("valid code");
    match code.uri(text) {
        Ok(uri) => {
            assert!(uri.starts_with(text));
            assert_eq!(IdentificationCode::parse_uri_or_code(&uri), Ok(code));
            let qr = code.qr(text).expect("a base uri accepts gives a QR symbol");
            assert_eq!(qr.modules().len(), qr.width() * qr.width());
        }
        Err(e) => {
            assert_eq!(e, Error::MalformedInput);
            assert_eq!(code.qr(text).map(|_| ()), Err(Error::MalformedInput));
        }
    }
});
