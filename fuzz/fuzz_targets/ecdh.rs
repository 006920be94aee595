//! ECDH on untrusted points: the machine public key arrives in a typed identification code, and
//! the server multiplies it by its secret. Differential: the library's scalar multiplication
//! (`primitives::ecdh`, Jacobian formulas in `scalar_mul`) must equal `p256`'s own
//! (`primitives::ecdh_reference`) for every valid scalar and every point that decodes.
//!
//! Input: 32-byte scalar (big-endian), one byte whose low bit picks the y parity, and the
//! x-coordinate (32 bytes, zero-padded when shorter), so that about half of all inputs are
//! points on the curve.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::primitives::{ecdh, ecdh_reference, PublicPoint, SecretScalar, SCALAR_LEN};
use offline_reset::Error;

fuzz_target!(|data: &[u8]| {
    if data.len() < SCALAR_LEN {
        return;
    }
    let (scalar, point) = data.split_at(SCALAR_LEN);
    let scalar: [u8; SCALAR_LEN] = scalar.try_into().expect("32 bytes");
    let secret = match SecretScalar::from_bytes(&scalar) {
        Ok(secret) => secret,
        Err(e) => {
            assert_eq!(e, Error::InvalidKeyMaterial);
            return;
        }
    };
    let mut sec1 = [0u8; 33];
    sec1[0] = 0x02 | (point.first().copied().unwrap_or(0) & 1);
    let x = point.get(1..).unwrap_or_default();
    let take = x.len().min(SCALAR_LEN);
    sec1[1..1 + take].copy_from_slice(&x[..take]);
    let point = match PublicPoint::from_sec1(&sec1) {
        Ok(point) => point,
        Err(e) => {
            assert_eq!(e, Error::InvalidKeyMaterial);
            return;
        }
    };
    let shared = ecdh(&secret, &point).expect("a valid scalar and point never give the identity");
    assert_eq!(
        *shared,
        *ecdh_reference(&secret, &point),
        "scalar multiplication differs"
    );
});
