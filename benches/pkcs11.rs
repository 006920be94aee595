//! The server key ring held in a PKCS#11 token against the same ring in this process: a seal
//! (one ECDH in the token, then HKDF, Argon2id at the cheapest cost and AES-SIV here) and a
//! deployment package (one ECDSA in the token). Needs a token: `tests/pkcs11/run.sh` runs it
//! once (`-- --test`), `tests/pkcs11/run.sh --bench` measures against SoftHSM2. SoftHSM2 is a
//! software token: the difference is the cost of the PKCS#11 interface, not of hardware.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use offline_reset::primitives::SecretScalar;
use offline_reset::{Account, Machine, PasswordCost, Pkcs11Token, Policy, ServerKeyRing};

const NOW: i64 = 1_795_000_000;
/// S-1-5-21-1004336348-1177238915-682003330-1104.
const SID: [u8; 28] = [
    1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82,
    0x8b, 0xa6, 0x28, 0x50, 0x04, 0, 0,
];

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run bash tests/pkcs11/run.sh --bench"))
}

fn bench(c: &mut Criterion) {
    let token = Pkcs11Token::open(
        &PathBuf::from(var("OLR_TEST_PKCS11_MODULE")),
        &var("OLR_TEST_PKCS11_TOKEN"),
        var("OLR_TEST_PKCS11_PIN").as_bytes(),
    )
    .unwrap();
    let secret = |b: u8| SecretScalar::from_bytes(&[b; 32]).unwrap();
    let policy = Policy::default().with_password_cost(PasswordCost::minimum());
    let software = ServerKeyRing::from_secrets(policy, 1, secret(1), secret(7));
    let prefix = format!("bench-{}", std::process::id());
    let held = software.copy_into_token(&token, &prefix).unwrap();
    let machine =
        Machine::enroll_with_secret(&software.deployment_package().unwrap(), &secret(2)).unwrap();
    let id = machine.identification_code();
    let account = Account::new("alice", "CORP", &SID).unwrap();

    let mut group = c.benchmark_group("pkcs11");
    for (name, ring) in [("software", &software), ("softhsm2", &held)] {
        group.bench_function(format!("seal-minimum-cost/{name}"), |b| {
            b.iter(|| black_box(ring.seal_reset_code(&id, &account, "Winter-Tulip-42", NOW)))
        });
        group.bench_function(format!("deployment-package/{name}"), |b| {
            b.iter(|| black_box(ring.deployment_package()))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
