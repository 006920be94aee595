//! Server key-ring import, wrapped under a caller-supplied key. The first byte picks how the
//! rest is used: 0 raw bytes (opened with the fixture key, and refused with another key);
//! 1 a body wrapped under the fixture key (must behave exactly like the same body in a plain
//! envelope); 2 a body wrapped under the fixture key, opened with another key (WrongWrappingKey);
//! 3 a body in a plain envelope given a key (WrappingMismatch). Accepted rings export to the same
//! bytes (up to the one lenient field, see `canonical_key_ring_body`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Error, ServerKeyRing};
use offline_reset_fuzz::{
    canonical_key_ring_body, envelope, fixtures, is_import_error, KIND_SERVER_KEY_RING,
};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixtures();
    let key = Some(&f.wrapping);
    let (bytes, body) = match mode % 4 {
        1 => {
            let wrapped = envelope(KIND_SERVER_KEY_RING, rest, Some(&f.wrapping_bytes));
            let result = ServerKeyRing::import(&wrapped, key);
            let plain = ServerKeyRing::import(&envelope(KIND_SERVER_KEY_RING, rest, None), None);
            match (&result, &plain) {
                (Ok(a), Ok(b)) => assert_eq!(a.export(None), b.export(None)),
                (Err(a), Err(b)) => assert_eq!(a, b),
                _ => panic!("wrapped and plain imports of one body differ"),
            }
            (wrapped, rest)
        }
        2 => {
            let wrapped = envelope(KIND_SERVER_KEY_RING, rest, Some(&f.wrapping_bytes));
            assert_eq!(
                ServerKeyRing::import(&wrapped, Some(&f.other_wrapping)).err(),
                Some(Error::WrongWrappingKey)
            );
            return;
        }
        3 => {
            let plain = envelope(KIND_SERVER_KEY_RING, rest, None);
            assert_eq!(
                ServerKeyRing::import(&plain, key).err(),
                Some(Error::WrappingMismatch)
            );
            return;
        }
        _ => {
            // Nobody can make an object that opens under a key they do not have.
            assert!(ServerKeyRing::import(rest, Some(&f.other_wrapping)).is_err());
            (rest.to_vec(), &[][..])
        }
    };
    let ring = match ServerKeyRing::import(&bytes, key) {
        Ok(ring) => ring,
        Err(e) => {
            assert!(is_import_error(&e), "unexpected error {e:?}");
            return;
        }
    };
    let exported = ring.export(key).expect("wrapped export");
    if mode % 4 == 1 {
        let canonical = envelope(
            KIND_SERVER_KEY_RING,
            &canonical_key_ring_body(body),
            Some(&f.wrapping_bytes),
        );
        assert_eq!(
            exported.to_vec(),
            canonical,
            "export differs from the accepted input"
        );
    } else {
        // Raw input that opened: its export imports again to the same ring.
        let again = ServerKeyRing::import(&exported, key).expect("export imports");
        assert_eq!(again.export(key).expect("export"), exported);
    }
});
