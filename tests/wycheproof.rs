//! Project Wycheproof vectors (vendored in `tests/vectors/wycheproof/`, with their licence and
//! provenance), run through the library's own point decoding, ECDH, HKDF and AES-SIV code paths
//! (`offline_reset::primitives`), asserting the listed result for every case. A missing vector file fails the test: it never passes vacuously.

use offline_reset::primitives::{
    ecdh, hkdf_expand, hkdf_extract, PublicPoint, SecretScalar, SivKey, SIV_TAG_LEN,
};
use offline_reset::Error;
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/wycheproof")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Wycheproof vectors missing at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn unhex(v: &Value) -> Vec<u8> {
    let s = v.as_str().unwrap();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Every test case with its group, and the count per result, so a test can assert it saw them.
fn cases(v: &Value) -> Vec<(&Value, &Value)> {
    v["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["tests"].as_array().unwrap().iter().map(move |t| (g, t)))
        .collect()
}

#[test]
fn ecdh_secp256r1_ecpoint() {
    let v = load("ecdh_secp256r1_ecpoint_test.json");
    let (mut valid, mut invalid) = (0, 0);
    for (_, t) in cases(&v) {
        let id = &t["tcId"];
        let mut private = unhex(&t["private"]);
        while private.len() > 32 && private[0] == 0 {
            private.remove(0);
        }
        let mut padded = [0u8; 32];
        padded[32 - private.len()..].copy_from_slice(&private);
        let secret = SecretScalar::from_bytes(&padded).expect("Wycheproof private keys are valid");
        let point = PublicPoint::from_sec1(&unhex(&t["public"]));
        match t["result"].as_str().unwrap() {
            "valid" => {
                let point = point.unwrap_or_else(|e| panic!("tc {id}: valid point refused: {e}"));
                assert_eq!(
                    ecdh(&secret, &point).unwrap().to_vec(),
                    unhex(&t["shared"]),
                    "tc {id}"
                );
                valid += 1;
            }
            "invalid" => {
                assert_eq!(
                    point,
                    Err(Error::InvalidKeyMaterial),
                    "tc {id}: invalid point accepted"
                );
                invalid += 1;
            }
            // "acceptable": either refuse, or agree on the shared secret.
            _ => {
                if let Ok(point) = point {
                    assert_eq!(
                        ecdh(&secret, &point).unwrap().to_vec(),
                        unhex(&t["shared"]),
                        "tc {id}"
                    );
                }
            }
        }
    }
    assert!(
        valid > 300 && invalid > 20,
        "saw {valid} valid, {invalid} invalid"
    );
}

#[test]
fn aes_siv_cmac() {
    let v = load("aes_siv_cmac_test.json");
    let (mut valid, mut invalid, mut other_sizes) = (0, 0, 0);
    for (group, t) in cases(&v) {
        let id = &t["tcId"];
        let key = unhex(&t["key"]);
        let (aad, msg, ct) = (unhex(&t["aad"]), unhex(&t["msg"]), unhex(&t["ct"]));
        let expect_valid = t["result"] == "valid";
        if group["keySize"] != 512 {
            // The protocol uses AES-256-SIV only: other key sizes are refused by the same path.
            assert_eq!(
                SivKey::from_slice(&key).err(),
                Some(Error::InvalidKeyMaterial)
            );
            other_sizes += 1;
            continue;
        }
        let key = SivKey::from_slice(&key).unwrap();
        if expect_valid {
            let mut buffer = msg.clone();
            let tag = key.seal_in_place(&[&aad], &mut buffer).unwrap();
            assert_eq!([&tag[..], &buffer].concat(), ct, "tc {id}: seal");
            valid += 1;
        }
        if ct.len() < SIV_TAG_LEN {
            assert!(!expect_valid, "tc {id}");
            invalid += 1;
            continue;
        }
        let tag: [u8; SIV_TAG_LEN] = ct[..SIV_TAG_LEN].try_into().unwrap();
        let mut buffer = ct[SIV_TAG_LEN..].to_vec();
        let opened = key.open_in_place(&[&aad], &mut buffer, &tag);
        if expect_valid {
            assert_eq!(opened, Ok(()), "tc {id}: open");
            assert_eq!(buffer, msg, "tc {id}: plaintext");
        } else {
            assert_eq!(opened, Err(Error::Rejected), "tc {id}: forgery accepted");
            // A failed open leaves the ciphertext, not a partial plaintext.
            assert_eq!(
                buffer,
                ct[SIV_TAG_LEN..],
                "tc {id}: buffer changed on failure"
            );
            invalid += 1;
        }
    }
    assert!(
        valid > 30 && invalid > 100 && other_sizes > 200,
        "{valid} {invalid} {other_sizes}"
    );
}

#[test]
fn hkdf_sha256() {
    let v = load("hkdf_sha256_test.json");
    let (mut valid, mut invalid) = (0, 0);
    for (_, t) in cases(&v) {
        let id = &t["tcId"];
        let prk = hkdf_extract(&unhex(&t["salt"]), &[&unhex(&t["ikm"])]);
        let mut okm = vec![0u8; t["size"].as_u64().unwrap() as usize];
        let result = hkdf_expand(prk.as_ref(), &[&unhex(&t["info"])], &mut okm);
        if t["result"] == "valid" {
            assert_eq!(result, Ok(()), "tc {id}");
            assert_eq!(okm, unhex(&t["okm"]), "tc {id}");
            valid += 1;
        } else {
            assert!(result.is_err(), "tc {id}: invalid size accepted");
            invalid += 1;
        }
    }
    assert!(valid == 83 && invalid == 3, "{valid} {invalid}");
}
