//! Server key-ring import, plain: the file the reset server keeps its secrets in. The first byte
//! picks how the rest is used, so the fuzzer reaches the body parser behind the checksum:
//! 0 raw bytes; 1 a body put in a valid plain envelope; 2 a body wrapped under the fixture key
//! (must be refused as a protection mismatch); 3 a body in a machine-state envelope (wrong kind).
//! Accepted rings are well-formed, make a package signed by their signing key (naming the next
//! key during a rotation), and export to the same bytes (see `canonical_key_ring_body`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Error, ServerKeyRing, MAX_EPOCH, MAX_GENERATIONS};
use offline_reset_fuzz::{
    canonical_key_ring_body, envelope, fixtures, is_import_error, ENVELOPE_CRC_LEN,
    ENVELOPE_HEADER_LEN, KIND_MACHINE_STATE, KIND_SERVER_KEY_RING,
};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixtures();
    let bytes = match mode % 4 {
        1 => envelope(KIND_SERVER_KEY_RING, rest, None),
        2 => {
            let wrapped = envelope(KIND_SERVER_KEY_RING, rest, Some(&f.wrapping_bytes));
            assert_eq!(
                ServerKeyRing::import(&wrapped, None).err(),
                Some(Error::WrappingMismatch)
            );
            return;
        }
        3 => {
            let other = envelope(KIND_MACHINE_STATE, rest, None);
            assert_eq!(
                ServerKeyRing::import(&other, None).err(),
                Some(Error::WrongKind)
            );
            return;
        }
        _ => rest.to_vec(),
    };
    let ring = match ServerKeyRing::import(&bytes, None) {
        Ok(ring) => ring,
        Err(e) => {
            assert!(is_import_error(&e), "unexpected error {e:?}");
            return;
        }
    };
    let epochs = ring.epochs();
    assert!(!epochs.is_empty() && epochs.len() <= MAX_GENERATIONS);
    assert!(epochs.windows(2).all(|w| w[0] < w[1]));
    assert!(epochs.iter().all(|&e| (1..=MAX_EPOCH).contains(&e)));
    assert_eq!(ring.current_epoch(), *epochs.last().expect("non-empty"));
    let package = ring
        .deployment_package()
        .expect("a valid ring has a package");
    assert_eq!(package.epoch(), ring.current_epoch());
    // The package carries the ring's lifetime and skew and the current generation's password
    // cost (a ring's policy cost applies only to generations made after it was set).
    let cost = ring
        .password_cost(ring.current_epoch())
        .expect("the current generation has a cost");
    assert_eq!(package.policy(), ring.policy().with_password_cost(cost));
    // Signed by the ring's signing key, naming the next one during a rotation (else itself).
    assert_eq!(package.signer(), ring.signing_public_key());
    assert_eq!(
        package.next_signer(),
        ring.next_signing_public_key()
            .unwrap_or(ring.signing_public_key())
    );

    let exported = ring.export(None).expect("export");
    let body = &bytes[ENVELOPE_HEADER_LEN..bytes.len() - ENVELOPE_CRC_LEN];
    assert_eq!(
        exported.to_vec(),
        envelope(KIND_SERVER_KEY_RING, &canonical_key_ring_body(body), None),
        "export differs from the accepted input"
    );
    // The wrapped round trip is the `key_ring_import_wrapped` target's job; re-importing the
    // export is implied by the byte comparison above (the import of the canonical body is the
    // import of the input). Each import computes every generation's public key, so skipping
    // them keeps this target fast.
});
