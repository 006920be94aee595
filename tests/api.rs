//! Behaviour of the public API beyond the vectors: rotation and grace, persistence round trips,
//! secrets kept out of `Debug`, stable error numbers, and the RNG being injectable.

use offline_reset::primitives::{OsRng, SecretScalar};
use offline_reset::*;

#[path = "support/sid.rs"]
mod sid;
use sid::*;

const NOW: i64 = 1_795_000_000;

/// A deterministic RNG for tests: SHA-256 in counter mode over a seed.
struct SeededRng {
    seed: u8,
    counter: u64,
}

impl rand_core::TryRng for SeededRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        use sha2::Digest;
        for chunk in dst.chunks_mut(32) {
            self.counter += 1;
            let block = sha2::Sha256::new()
                .chain_update([self.seed])
                .chain_update(self.counter.to_be_bytes())
                .finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for SeededRng {}

/// An RNG that always fails, as a broken OS RNG would.
struct FailingRng;
impl rand_core::TryRng for FailingRng {
    type Error = std::io::Error;
    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        Err(std::io::Error::other("no entropy"))
    }
    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        Err(std::io::Error::other("no entropy"))
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> core::result::Result<(), Self::Error> {
        Err(std::io::Error::other("no entropy"))
    }
}
impl rand_core::TryCryptoRng for FailingRng {}

/// The default policy at the cheapest password cost: every seal and open runs one Argon2id.
fn quick() -> Policy {
    Policy::default().with_password_cost(PasswordCost::minimum())
}

/// `Policy::new` at the cheapest password cost.
fn quick_new(lifetime: u16, skew: u16) -> Policy {
    Policy::new(lifetime, skew)
        .unwrap()
        .with_password_cost(PasswordCost::minimum())
}

fn rng(seed: u8) -> SeededRng {
    SeededRng { seed, counter: 0 }
}

#[test]
fn injected_rng_makes_everything_deterministic() {
    let a = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    let b = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    assert_eq!(a.export(None).unwrap(), b.export(None).unwrap());
    let package = a.deployment_package().unwrap();
    let m1 = Machine::enroll(&package, &mut rng(2)).unwrap();
    let m2 = Machine::enroll(&package, &mut rng(2)).unwrap();
    assert_eq!(m1.identification_code(), m2.identification_code());
    let m3 = Machine::enroll(&package, &mut rng(3)).unwrap();
    assert_ne!(m1.identification_code(), m3.identification_code());
}

#[test]
fn rng_failure_is_an_error_not_a_panic() {
    assert_eq!(
        ServerKeyRing::generate(quick(), &mut FailingRng).err(),
        Some(Error::RngFailure)
    );
    let mut ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    let package = ring.deployment_package().unwrap();
    assert_eq!(
        Machine::enroll(&package, &mut FailingRng).err(),
        Some(Error::RngFailure)
    );
    assert_eq!(ring.rotate(NOW, &mut FailingRng), Err(Error::RngFailure));
    assert_eq!(ring.current_epoch(), 1, "a failed rotation changes nothing");
    assert_eq!(
        WrappingKey::generate(&mut FailingRng).err(),
        Some(Error::RngFailure)
    );
}

#[test]
fn rotation_with_grace_then_redeploy() {
    let mut ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    ring.set_retired_grace_seconds(3600).unwrap();
    let old_machine = Machine::enroll(&ring.deployment_package().unwrap(), &mut rng(2)).unwrap();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    assert_eq!(ring.rotate(NOW, &mut rng(3)), Ok(2));
    assert_eq!(ring.epochs(), vec![1, 2]);
    // In grace: the old machine still gets codes it can open.
    let code = ring
        .seal_reset_code(&old_machine.identification_code(), &alice, "pw", NOW + 60)
        .unwrap();
    assert!(old_machine
        .open_reset_code_for_diagnostics(&code, &alice, "pw", NOW + 60)
        .is_ok());
    // After grace: refused with the redeploy error.
    assert_eq!(
        ring.seal_reset_code(&old_machine.identification_code(), &alice, "pw", NOW + 3600),
        Err(Error::KeyRotated {
            code_epoch: 1,
            current_epoch: 2
        })
    );
    // The next rotation drops generations whose grace ended.
    assert_eq!(ring.rotate(NOW + 7200, &mut rng(4)), Ok(3));
    assert_eq!(ring.epochs(), vec![2, 3]);
    // Redeploying: the machine re-enrolls with the new package and gets a new code.
    let package = ring.deployment_package().unwrap();
    assert!(!old_machine.is_enrolled_with(&package));
    let machine = Machine::enroll(&package, &mut rng(5)).unwrap();
    assert!(machine.is_enrolled_with(&package));
    assert_ne!(
        machine.identification_code(),
        old_machine.identification_code()
    );
    assert_eq!(machine.identification_code().epoch(), 3);
    // On the machine, the epoch mismatch says which side is behind.
    let new_code = ring
        .seal_reset_code(&machine.identification_code(), &alice, "pw", NOW + 7200)
        .unwrap();
    assert_eq!(
        old_machine.open_reset_code_for_diagnostics(&new_code, &alice, "pw", NOW + 7200),
        Err(Error::RedeployNeeded {
            code_epoch: 3,
            machine_epoch: 1
        })
    );
    assert_eq!(
        machine.open_reset_code_for_diagnostics(&code, &alice, "pw", NOW + 60),
        Err(Error::CodeBeforeRotation {
            code_epoch: 1,
            machine_epoch: 3
        })
    );
    // A code from the future (a server restored from an old backup sees epoch 3 codes).
    let restored = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    assert_eq!(
        restored.seal_reset_code(&machine.identification_code(), &alice, "pw", NOW),
        Err(Error::KeyRotated {
            code_epoch: 3,
            current_epoch: 1
        })
    );
}

#[test]
fn a_retired_key_never_comes_back() {
    let mut ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    let machine = Machine::enroll(&ring.deployment_package().unwrap(), &mut rng(2)).unwrap();
    let id = machine.identification_code();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let rotated = Err(Error::KeyRotated {
        code_epoch: 1,
        current_epoch: 2,
    });
    ring.set_retired_grace_seconds(3600).unwrap();
    ring.rotate(NOW, &mut rng(3)).unwrap();
    assert!(ring.seal_reset_code(&id, &alice, "pw", NOW + 1000).is_ok());
    // Lowering the grace shortens the retired generation's window...
    ring.set_retired_grace_seconds(600).unwrap();
    assert_eq!(ring.epochs(), vec![1, 2], "a shorter window is still open");
    assert_eq!(ring.seal_reset_code(&id, &alice, "pw", NOW + 1000), rotated);
    assert!(ring.seal_reset_code(&id, &alice, "pw", NOW + 599).is_ok());
    // ...and raising it again does not lengthen it.
    ring.set_retired_grace_seconds(7200).unwrap();
    assert_eq!(ring.retired_grace_seconds(), 7200);
    assert_eq!(ring.seal_reset_code(&id, &alice, "pw", NOW + 1000), rotated);
    // The export keeps the shortened window.
    let reimported = ServerKeyRing::import(&ring.export(None).unwrap(), None).unwrap();
    assert_eq!(
        reimported.seal_reset_code(&id, &alice, "pw", NOW + 1000),
        rotated
    );
    assert!(reimported
        .seal_reset_code(&id, &alice, "pw", NOW + 599)
        .is_ok());
    // prune erases what is past its window, and only that.
    ring.prune(NOW + 599).unwrap();
    assert_eq!(ring.epochs(), vec![1, 2]);
    ring.prune(NOW + 600).unwrap();
    assert_eq!(ring.epochs(), vec![2]);
    assert_eq!(ring.password_cost(1), None);
    // Raising the grace after erasure cannot revive it either.
    ring.set_retired_grace_seconds(u32::MAX).unwrap();
    assert_eq!(ring.seal_reset_code(&id, &alice, "pw", NOW + 1), rotated);
    // The new grace applies to the next retirement.
    ring.rotate(NOW + 10_000, &mut rng(4)).unwrap();
    assert_eq!(ring.epochs(), vec![2, 3]);
    ring.prune(NOW + 10_000 + 365 * 86_400).unwrap();
    assert_eq!(ring.epochs(), vec![2, 3], "a window of u32::MAX seconds");
}

#[test]
fn a_grace_of_zero_erases_retired_keys_at_once() {
    let mut ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    ring.set_retired_grace_seconds(86_400).unwrap();
    ring.rotate(NOW, &mut rng(3)).unwrap();
    ring.rotate(NOW + 1, &mut rng(4)).unwrap();
    assert_eq!(ring.epochs(), vec![1, 2, 3]);
    ring.set_retired_grace_seconds(0).unwrap();
    assert_eq!(ring.epochs(), vec![3]);
    ring.set_retired_grace_seconds(86_400).unwrap();
    assert_eq!(ring.epochs(), vec![3]);
}

#[test]
fn each_generation_keeps_its_password_cost() {
    let cheap = PasswordCost::minimum();
    let other = PasswordCost::new(MIN_PASSWORD_MEMORY_KIB + 1024, 3, 1).unwrap();
    let mut ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    ring.set_retired_grace_seconds(3600).unwrap();
    let old_machine = Machine::enroll(&ring.deployment_package().unwrap(), &mut rng(2)).unwrap();
    // A new cost in the policy applies from the next rotation on.
    ring.set_policy(quick().with_password_cost(other)).unwrap();
    assert_eq!(ring.password_cost(1), Some(cheap));
    assert_eq!(
        ring.deployment_package().unwrap().policy().password_cost(),
        cheap
    );
    ring.rotate(NOW, &mut rng(3)).unwrap();
    assert_eq!(ring.password_cost(1), Some(cheap));
    assert_eq!(ring.password_cost(2), Some(other));
    assert_eq!(ring.password_cost(3), None);
    let package = ring.deployment_package().unwrap();
    assert_eq!(package.policy().password_cost(), other);
    let machine = Machine::enroll(&package, &mut rng(4)).unwrap();
    assert_eq!(machine.policy().password_cost(), other);
    // The retired generation still seals at its own cost, which its machines open.
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let code = ring
        .seal_reset_code(&old_machine.identification_code(), &alice, "pw", NOW + 60)
        .unwrap();
    assert!(old_machine
        .open_reset_code_for_diagnostics(&code, &alice, "pw", NOW + 60)
        .is_ok());
    let imported = ServerKeyRing::import(&ring.export(None).unwrap(), None).unwrap();
    assert_eq!(imported.password_cost(1), Some(cheap));
    assert_eq!(imported.password_cost(2), Some(other));
}

/// The one test at the default password cost: it is what deploys unless the operator says
/// otherwise, and it is bound into every reset code.
#[test]
fn the_default_password_cost_deploys_by_default() {
    let default = PasswordCost::default();
    assert_eq!(
        (
            default.memory_kib(),
            default.iterations(),
            default.parallelism()
        ),
        (64 * 1024, 3, 1)
    );
    assert_eq!(Policy::new(60, 5).unwrap().password_cost(), default);
    assert_eq!(Policy::default().password_cost(), default);
    let secret = || SecretScalar::from_bytes(&[1; 32]).unwrap();
    let ring = ServerKeyRing::from_secrets(
        Policy::default(),
        1,
        secret(),
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    assert_eq!(ring.password_cost(1), Some(default));
    let package =
        DeploymentPackage::from_text(&ring.deployment_package().unwrap().to_text()).unwrap();
    assert_eq!(package.policy().password_cost(), default);
    let machine = Machine::enroll(&package, &mut rng(2)).unwrap();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let code = ring
        .seal_reset_code(&machine.identification_code(), &alice, "pw", NOW)
        .unwrap();
    assert!(machine
        .open_reset_code_for_diagnostics(&code, &alice, "pw", NOW)
        .is_ok());
    // The same key at another cost seals a code this machine refuses: the cost is bound.
    let cheap = ServerKeyRing::from_secrets(
        quick(),
        1,
        secret(),
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    let code = cheap
        .seal_reset_code(&machine.identification_code(), &alice, "pw", NOW)
        .unwrap();
    assert_eq!(
        machine.open_reset_code_for_diagnostics(&code, &alice, "pw", NOW),
        Err(Error::Rejected)
    );
}

#[test]
fn epochs_run_out_cleanly() {
    let mut ring = ServerKeyRing::from_secrets(
        quick(),
        MAX_EPOCH,
        SecretScalar::from_bytes(&[1; 32]).unwrap(),
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    assert_eq!(ring.rotate(NOW, &mut rng(1)), Err(Error::EpochsExhausted));
    assert_eq!(ring.current_epoch(), MAX_EPOCH);
}

#[test]
fn key_ring_keeps_at_most_max_generations() {
    let mut ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    ring.set_retired_grace_seconds(u32::MAX).unwrap();
    for i in 0..(MAX_GENERATIONS as i64 + 5) {
        ring.rotate(NOW + i, &mut rng(10)).unwrap();
    }
    assert_eq!(ring.epochs().len(), MAX_GENERATIONS);
    let exported = ring.export(None).unwrap();
    let imported = ServerKeyRing::import(&exported, None).unwrap();
    assert_eq!(imported.epochs(), ring.epochs());
}

#[test]
fn persistence_round_trips_and_keeps_working() {
    let mut ring = ServerKeyRing::generate(quick_new(60, 5), &mut OsRng).unwrap();
    ring.set_retired_grace_seconds(600).unwrap();
    ring.rotate(NOW, &mut OsRng).unwrap();
    let key = WrappingKey::generate(&mut OsRng).unwrap();
    let ring = ServerKeyRing::import(&ring.export(Some(&key)).unwrap(), Some(&key)).unwrap();
    assert_eq!(ring.policy(), quick_new(60, 5));
    assert_eq!(ring.retired_grace_seconds(), 600);
    let package =
        DeploymentPackage::from_text(&ring.deployment_package().unwrap().to_text()).unwrap();
    assert_eq!(package.policy(), ring.policy());
    let machine = Machine::enroll(&package, &mut OsRng).unwrap();
    let wrapped = machine.export(Some(&key)).unwrap();
    // A key wrong in either half is told apart from damage.
    for index in [0, 31, 32, 63] {
        let mut bytes = [9u8; 64];
        bytes[index] ^= 1;
        let other = WrappingKey::from_bytes(&bytes).unwrap();
        let right = WrappingKey::from_bytes(&[9; 64]).unwrap();
        let wrapped_under_right = machine.export(Some(&right)).unwrap();
        assert_eq!(
            Machine::import(&wrapped_under_right, Some(&other)).err(),
            Some(Error::WrongWrappingKey),
            "key byte {index}"
        );
    }
    let machine = Machine::import(&wrapped, Some(&key)).unwrap();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let code = ring
        .seal_reset_code(&machine.identification_code(), &alice, "pw", NOW)
        .unwrap();
    let accepted = machine
        .open_reset_code_for_diagnostics(&code, &alice, "pw", NOW)
        .unwrap();
    assert_eq!(accepted.expires_at - accepted.issued_at, 3600);
}

#[test]
fn machine_enforces_the_smaller_lifetime() {
    // A server with a long lifetime, a machine deployed with a short one.
    let secret = || SecretScalar::from_bytes(&[1; 32]).unwrap();
    let long = ServerKeyRing::from_secrets(
        quick_new(600, 0),
        1,
        secret(),
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    let short = ServerKeyRing::from_secrets(
        quick_new(10, 0),
        1,
        secret(),
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    let machine = Machine::enroll(&short.deployment_package().unwrap(), &mut rng(2)).unwrap();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let issued = NOW - (NOW - TIME_ORIGIN_UNIX) % 60;
    let code = long
        .seal_reset_code(&machine.identification_code(), &alice, "pw", NOW)
        .unwrap();
    assert!(machine
        .open_reset_code_for_diagnostics(&code, &alice, "pw", issued + 599)
        .is_ok());
    assert_eq!(
        machine.open_reset_code_for_diagnostics(&code, &alice, "pw", issued + 600),
        Err(Error::Expired)
    );
}

#[test]
fn bad_arguments_are_clear_errors() {
    let ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    let machine = Machine::enroll(&ring.deployment_package().unwrap(), &mut rng(2)).unwrap();
    let id = machine.identification_code();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    assert_eq!(
        ring.seal_reset_code(&id, &alice, "", NOW),
        Err(Error::InvalidPassword)
    );
    let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
    assert_eq!(
        ring.seal_reset_code(&id, &alice, &long, NOW),
        Err(Error::InvalidPassword)
    );
    assert_eq!(
        ring.seal_reset_code(&id, &alice, "pw", TIME_ORIGIN_UNIX - 1),
        Err(Error::TimeOutOfRange)
    );
    assert_eq!(
        ring.seal_reset_code(&id, &alice, "pw", i64::MAX),
        Err(Error::TimeOutOfRange)
    );
    assert_eq!(
        ring.seal_reset_code(&id, &alice, "pw", i64::MIN),
        Err(Error::TimeOutOfRange)
    );
    let code = ring.seal_reset_code(&id, &alice, "pw", NOW).unwrap();
    assert_eq!(
        machine.open_reset_code_for_diagnostics(&code, &alice, "pw", i64::MAX),
        Err(Error::Expired)
    );
    assert_eq!(
        machine.open_reset_code_for_diagnostics(&code, &alice, "pw", i64::MIN),
        Err(Error::NotYetValid)
    );
    assert_eq!(Policy::new(0, 0), Err(Error::InvalidPolicy));
    assert_eq!(
        Policy::new(MAX_LIFETIME_MINUTES + 1, 0),
        Err(Error::InvalidPolicy)
    );
    assert_eq!(
        Policy::new(1, MAX_CLOCK_SKEW_MINUTES + 1),
        Err(Error::InvalidPolicy)
    );
    assert!(Policy::new(MAX_LIFETIME_MINUTES, MAX_CLOCK_SKEW_MINUTES).is_ok());
    assert_eq!(
        WrappingKey::from_bytes(&[0; 32]).err(),
        Some(Error::InvalidKeyMaterial)
    );
    // An identification code whose x is not on the curve: well typed, refused at sealing.
    let mut x = [0u8; 32];
    let not_on_curve = (0u8..=255)
        .find_map(|b| {
            x[31] = b;
            offline_reset::primitives::PublicPoint::from_x(&x)
                .is_err()
                .then_some(x)
        })
        .unwrap();
    let mut payload = offline_reset::code_text::header(1).to_vec();
    payload.extend_from_slice(&not_on_curve);
    let mut text = [0u8; IDENTIFICATION_CODE_TEXT_LEN];
    offline_reset::code_text::encode(
        offline_reset::code_text::IDENTIFICATION_CODE_LAYOUT,
        &payload,
        &mut text,
    );
    let id = IdentificationCode::parse(std::str::from_utf8(&text).unwrap()).unwrap();
    assert_eq!(
        ring.seal_reset_code(&id, &alice, "pw", NOW),
        Err(Error::InvalidKeyMaterial)
    );
}

#[test]
fn debug_output_holds_no_secret() {
    let ring = ServerKeyRing::generate(quick(), &mut rng(1)).unwrap();
    let machine = Machine::enroll(&ring.deployment_package().unwrap(), &mut rng(2)).unwrap();
    let key = WrappingKey::generate(&mut rng(3)).unwrap();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let code = ring
        .seal_reset_code(&machine.identification_code(), &alice, "hunter2", NOW)
        .unwrap();
    let ring_export = ring.export(None).unwrap();
    let machine_export = machine.export(None).unwrap();
    // The secret parts of the plain exports, as hex, must appear in no Debug output.
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let ring_secret = hex(&ring_export[ring_export.len() - 4 - 32..ring_export.len() - 4]);
    let machine_key = hex(&machine_export[machine_export.len() - 4 - 64..machine_export.len() - 4]);
    let debug = format!(
        "{ring:?} {machine:?} {key:?} {code:?} {:?} {:?}",
        SecretScalar::from_bytes(&[5; 32]).unwrap(),
        offline_reset::primitives::SivKey::from_slice(&[6; 64]).unwrap()
    );
    for secret in [&ring_secret, &machine_key, &hex(&[5; 32]), &hex(&[6; 64])] {
        assert!(
            !debug.contains(secret.as_str()),
            "secret in Debug output: {debug}"
        );
    }
    assert!(!debug.contains(code.as_str()), "reset code in Debug output");
    assert!(!debug.contains("hunter2"));
    assert!(debug.contains("redacted"));
}

#[test]
fn error_codes_are_stable_and_messages_static() {
    let all = [
        (Error::MalformedInput, 1),
        (Error::Mistyped { group: Some(3) }, 2),
        (Error::UnsupportedVersion { found: 2 }, 3),
        (
            Error::KeyRotated {
                code_epoch: 1,
                current_epoch: 2,
            },
            4,
        ),
        (Error::Expired, 5),
        (Error::NotYetValid, 6),
        (Error::Rejected, 7),
        (Error::InvalidKeyMaterial, 8),
        (Error::WrongWrappingKey, 9),
        (Error::RngFailure, 10),
        (Error::Truncated, 11),
        (Error::Corrupted, 12),
        (Error::WrongKind, 13),
        (Error::WrappingMismatch, 14),
        (Error::InvalidUsername, 15),
        (Error::InvalidDomain, 16),
        (Error::InvalidPassword, 17),
        (Error::InvalidPolicy, 18),
        (Error::TimeOutOfRange, 19),
        (Error::EpochsExhausted, 20),
        (Error::AlreadyUsed, 21),
        (Error::Superseded, 22),
        (
            Error::CodeBeforeRotation {
                code_epoch: 1,
                machine_epoch: 2,
            },
            23,
        ),
        (
            Error::RedeployNeeded {
                code_epoch: 2,
                machine_epoch: 1,
            },
            24,
        ),
        (Error::LedgerFull, 25),
        (Error::Utf16Text, 26),
        (Error::ClockSetBack, 27),
        (Error::TooManyAttempts, 28),
        (Error::LedgerOfAnotherMachine, 29),
        (Error::LedgerRolledBack, 30),
        (Error::PackageEpochTooOld, 31),
        (Error::PackageSignatureInvalid, 32),
        (Error::InvalidSid, 33),
        (Error::OutOfMemory, 34),
        (Error::Pkcs11NotBuilt, 35),
        (Error::TokenModuleNotFound, 36),
        (Error::TokenAbsent, 37),
        (Error::TokenWrongPin, 38),
        (Error::TokenKeyMissing, 39),
        (Error::TokenRingExists, 40),
        (Error::TokenFailure, 41),
        (Error::KeysInToken, 42),
    ];
    let mut messages = std::collections::HashSet::new();
    for (error, code) in all {
        assert_eq!(error.code(), code, "{error:?}");
        assert_eq!(error.message(), message_for_code(code));
        assert!(
            messages.insert(error.message()),
            "duplicate message for {code}"
        );
        assert!(!error.to_string().is_empty());
    }
    assert_eq!(message_for_code(0), "success");
    assert_eq!(message_for_code(43), "unknown status code");
    assert_eq!(message_for_code(u32::MAX), "unknown status code");
    assert_eq!(
        Error::Mistyped { group: Some(4) }.to_string(),
        "group 4 of the code looks mistyped: type it again"
    );
    assert!(Error::KeyRotated {
        code_epoch: 1,
        current_epoch: 2
    }
    .to_string()
    .contains("redeploy"));
    assert!(Error::RedeployNeeded {
        code_epoch: 2,
        machine_epoch: 1
    }
    .to_string()
    .contains("redeploy"));
    assert!(Error::CodeBeforeRotation {
        code_epoch: 1,
        machine_epoch: 2
    }
    .to_string()
    .contains("request a new code"));
}

#[test]
fn handles_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ServerKeyRing>();
    assert_send_sync::<Machine>();
    assert_send_sync::<WrappingKey>();
    assert_send_sync::<Account>();
}
