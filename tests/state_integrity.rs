//! The machine side under attack (issue 17; docs/PROTOCOL.md §8, §9.7, §12.2): one test per
//! attack a person with the machine, its files or its clock could try, each showing the attack
//! worked against the old design's weakness and is now refused with its own error.

use offline_reset::primitives::SecretScalar;
use offline_reset::*;

#[path = "support/sid.rs"]
mod sid;
use sid::*;
#[path = "support/stored.rs"]
mod stored;
use stored::{base32, crc32};

const NOW: i64 = 1_795_000_000;
const DAY: i64 = 86_400;
const PASSWORD: &str = "n3w Passw0rd!";

fn scalar(n: u8) -> SecretScalar {
    SecretScalar::from_bytes(&[n; 32]).unwrap()
}

/// Lifetime 60 minutes, skew 5 minutes, default attempt limits (5 per code, 20 per account),
/// the cheapest password cost.
fn policy() -> Policy {
    Policy::new(60, 5)
        .unwrap()
        .with_password_cost(PasswordCost::minimum())
}

fn ring() -> ServerKeyRing {
    ServerKeyRing::from_secrets(policy(), 1, scalar(1), scalar(9))
}

fn enroll(ring: &ServerKeyRing, secret: u8) -> Machine {
    Machine::enroll_with_secret(&ring.deployment_package().unwrap(), &scalar(secret)).unwrap()
}

fn alice() -> Account {
    Account::new("alice", "CORP", &VECTOR_SID).unwrap()
}

fn seal(ring: &ServerKeyRing, machine: &Machine, account: &Account, now: i64) -> ResetCode {
    ring.seal_reset_code(&machine.identification_code(), account, PASSWORD, now)
        .unwrap()
}

#[test]
fn rollback_by_clock_cannot_bring_back_a_used_or_retired_code() {
    let ring = ring();
    let machine = enroll(&ring, 2);
    let mut ledger = ReplayLedger::new(&machine);
    let old = seal(&ring, &machine, &alice(), NOW);
    let newer = seal(&ring, &machine, &alice(), NOW + 600);
    machine
        .redeem_reset_code(&mut ledger, &old, &alice(), PASSWORD, NOW + 60)
        .unwrap();
    machine
        .redeem_reset_code(&mut ledger, &newer, &alice(), PASSWORD, NOW + 660)
        .unwrap();
    // Two weeks later any redeem happens (the old design pruned both entries then).
    let other = Account::new("bob", "CORP", &OTHER_SID).unwrap();
    let late = seal(&ring, &machine, &other, NOW + 14 * DAY);
    machine
        .redeem_reset_code(&mut ledger, &late, &other, PASSWORD, NOW + 14 * DAY + 60)
        .unwrap();
    // The clock is set back into the old code's window: refused before anything is checked.
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &old, &alice(), PASSWORD, NOW + 120),
        Err(Error::ClockSetBack)
    );
    // At the real time the account's newest code is still held (never pruned), and the old
    // code is answered on its own merits.
    let mut after_two_weeks = ledger.clone();
    assert_eq!(
        machine.redeem_reset_code(
            &mut after_two_weeks,
            &old,
            &alice(),
            PASSWORD,
            NOW + 14 * DAY + 61
        ),
        Err(Error::Expired),
        "at the real time the old code has expired"
    );
    assert_eq!(
        after_two_weeks.account_count(),
        2,
        "alice's mark is never pruned"
    );
    // Within the skew the clock may go back (clocks are imprecise), and the mark refuses it.
    let mut fresh = ReplayLedger::new(&machine);
    machine
        .redeem_reset_code(&mut fresh, &newer, &alice(), PASSWORD, NOW + 700)
        .unwrap();
    assert_eq!(
        machine.redeem_reset_code(&mut fresh, &old, &alice(), PASSWORD, NOW + 700 - 299),
        Err(Error::Superseded)
    );
    assert_eq!(
        machine.redeem_reset_code(&mut fresh, &old, &alice(), PASSWORD, NOW + 700 - 301),
        Err(Error::ClockSetBack)
    );
}

#[test]
fn rollback_by_an_old_file_is_refused_when_the_generation_is_kept() {
    let ring = ring();
    let machine = enroll(&ring, 2);
    let key = WrappingKey::from_bytes(&[0x42; 64]).unwrap();
    let code = seal(&ring, &machine, &alice(), NOW);
    let before = ReplayLedger::new(&machine).export(Some(&key)).unwrap();
    let mut ledger = ReplayLedger::import(&before, Some(&key), &machine, 0).unwrap();
    machine
        .redeem_reset_code(&mut ledger, &code, &alice(), PASSWORD, NOW + 60)
        .unwrap();
    let saved_generation = ledger.generation();
    let after = ledger.export(Some(&key)).unwrap();
    // The integrator keeps the generation where the file cannot take it back.
    assert_eq!(
        ReplayLedger::import(&before, Some(&key), &machine, saved_generation),
        Err(Error::LedgerRolledBack)
    );
    let mut current = ReplayLedger::import(&after, Some(&key), &machine, saved_generation).unwrap();
    assert_eq!(
        machine.redeem_reset_code(&mut current, &code, &alice(), PASSWORD, NOW + 90),
        Err(Error::AlreadyUsed)
    );
    // A file ahead of the counter (a crash between the write and the counter update) reads.
    assert!(ReplayLedger::import(&after, Some(&key), &machine, saved_generation - 1).is_ok());
    // Without a kept generation the old copy reads (documented limit, §12.2): the used code
    // then opens again, which is what the generation is for.
    let mut rolled = ReplayLedger::import(&before, Some(&key), &machine, 0).unwrap();
    assert!(machine
        .redeem_reset_code(&mut rolled, &code, &alice(), PASSWORD, NOW + 90)
        .is_ok());
}

#[test]
fn another_machines_ledger_is_refused() {
    let ring = ring();
    let machine = enroll(&ring, 2);
    let other = enroll(&ring, 3);
    let key = WrappingKey::from_bytes(&[0x42; 64]).unwrap();
    let code = seal(&ring, &machine, &alice(), NOW);
    let mut theirs = ReplayLedger::new(&other);
    let stored = theirs.export(Some(&key)).unwrap();
    // Same wrapping key, same kind of file: refused by its binding.
    assert_eq!(
        ReplayLedger::import(&stored, Some(&key), &machine, 0),
        Err(Error::LedgerOfAnotherMachine)
    );
    assert_eq!(
        machine.redeem_reset_code(&mut theirs, &code, &alice(), PASSWORD, NOW + 60),
        Err(Error::LedgerOfAnotherMachine)
    );
    // This machine's own ledger from before a redeployment to a new epoch is another
    // enrollment's.
    let mut ring2 = ring.clone();
    ring2.rotate_to_secret(NOW, scalar(4)).unwrap();
    let redeployed = machine
        .redeploy_with_secret(&ring2.deployment_package().unwrap(), &scalar(5))
        .unwrap();
    let old = ReplayLedger::new(&machine).export(None).unwrap();
    assert_eq!(
        ReplayLedger::import(&old, None, &redeployed, 0),
        Err(Error::LedgerOfAnotherMachine)
    );
}

#[test]
fn an_old_epoch_package_cannot_move_a_machine_back() {
    let mut ring = ring();
    let machine = enroll(&ring, 2);
    let epoch_1 = ring.deployment_package().unwrap();
    ring.rotate_to_secret(NOW, scalar(4)).unwrap();
    let epoch_2 = ring.deployment_package().unwrap();
    let redeployed = machine.redeploy_with_secret(&epoch_2, &scalar(5)).unwrap();
    assert_eq!(redeployed.epoch(), 2);
    assert_ne!(
        redeployed.identification_code(),
        machine.identification_code()
    );
    // The genuine, correctly signed epoch-1 package, replayed.
    assert_eq!(
        redeployed.redeploy_with_secret(&epoch_1, &scalar(6)).err(),
        Some(Error::PackageEpochTooOld)
    );
    // The same package again keeps the enrollment and its identification code.
    let again = redeployed
        .redeploy_with_secret(&epoch_2, &scalar(6))
        .unwrap();
    assert_eq!(
        again.identification_code(),
        redeployed.identification_code()
    );
    assert!(again.is_enrolled_with(&epoch_2));
    // A package of the same epoch with another server key conflicts with the enrollment.
    let mut forged_ring = ServerKeyRing::from_secrets(policy(), 2, scalar(7), scalar(9));
    forged_ring.set_policy(policy()).unwrap();
    assert_eq!(
        redeployed
            .redeploy_with_secret(&forged_ring.deployment_package().unwrap(), &scalar(6))
            .err(),
        Some(Error::PackageEpochTooOld)
    );
}

/// The package with `edit` applied to its body and the CRC made right again: only the
/// signature can tell.
fn tampered(package: &DeploymentPackage, edit: impl Fn(&mut [u8])) -> String {
    let mut bytes = package.to_bytes();
    let end = bytes.len() - 4;
    edit(&mut bytes[10..end]);
    let crc = crc32(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_be_bytes());
    base32(&bytes)
}

#[test]
fn unsigned_or_wrongly_signed_packages_are_refused() {
    let ring = ring();
    let package = ring.deployment_package().unwrap();
    assert_eq!(package.to_text().len(), 319);
    assert_eq!(
        DeploymentPackage::from_text(&tampered(&package, |_| ())),
        Ok(package)
    );
    // Any changed byte of the signed part or of the signature.
    for at in [0, 1, 5, 40, 60, 100, 130, 150, 184] {
        let text = tampered(&package, |body| body[at] ^= 0x01);
        let result = DeploymentPackage::from_text(&text);
        assert!(
            matches!(
                result,
                Err(Error::PackageSignatureInvalid
                    | Error::InvalidKeyMaterial
                    | Error::MalformedInput
                    | Error::InvalidPolicy)
            ),
            "byte {at}: {result:?}"
        );
    }
    // Another server key in a genuine package, with the signer's key kept: the signature fails.
    let mut other = ring.clone();
    other.rotate_to_secret(NOW, scalar(4)).unwrap();
    let other_package = other.deployment_package().unwrap();
    let swapped = tampered(&package, |body| {
        body[2..35].copy_from_slice(&other_package.server_public_key())
    });
    assert_eq!(
        DeploymentPackage::from_text(&swapped),
        Err(Error::PackageSignatureInvalid)
    );
    // A zero signature (an "unsigned" package).
    let unsigned = tampered(&package, |body| body[121..].fill(0));
    assert_eq!(
        DeploymentPackage::from_text(&unsigned),
        Err(Error::PackageSignatureInvalid)
    );
    // A package signed correctly by another key ring's signing key: readable, but a machine
    // that pinned this ring's key refuses it.
    let machine = enroll(&ring, 2);
    let attacker = ServerKeyRing::from_secrets(policy(), 2, scalar(7), scalar(8));
    let attacker_package = attacker.deployment_package().unwrap();
    assert!(DeploymentPackage::from_text(&attacker_package.to_text()).is_ok());
    assert_eq!(
        machine
            .redeploy_with_secret(&attacker_package, &scalar(6))
            .err(),
        Some(Error::PackageSignatureInvalid)
    );
}

#[test]
fn the_signing_key_rotates_only_through_a_package_signed_by_the_old_key() {
    let mut ring = ring();
    let machine = enroll(&ring, 2);
    let missed = enroll(&ring, 3);
    let old_key = ring.signing_public_key();
    assert_eq!(machine.pinned_signer(), old_key);
    ring.begin_signing_key_rotation_to_secret(scalar(10))
        .unwrap();
    let new_key = ring.next_signing_public_key().unwrap();
    // Beginning again keeps the key already handed out.
    ring.begin_signing_key_rotation_to_secret(scalar(11))
        .unwrap();
    assert_eq!(ring.next_signing_public_key(), Some(new_key));
    let rotating = ring.deployment_package().unwrap();
    assert_eq!(
        (rotating.signer(), rotating.next_signer()),
        (old_key, new_key)
    );
    let moved = machine.redeploy_with_secret(&rotating, &scalar(6)).unwrap();
    assert_eq!(moved.identification_code(), machine.identification_code());
    assert_eq!(moved.pinned_signer(), new_key);
    // The rotation survives the key ring's export.
    let ring = ServerKeyRing::import(&ring.export(None).unwrap(), None).unwrap();
    let mut ring = ring;
    assert_eq!(ring.next_signing_public_key(), Some(new_key));
    ring.finish_signing_key_rotation().unwrap();
    assert_eq!(ring.signing_public_key(), new_key);
    assert_eq!(ring.next_signing_public_key(), None);
    let after = ring.deployment_package().unwrap();
    assert_eq!((after.signer(), after.next_signer()), (new_key, new_key));
    assert!(moved.redeploy_with_secret(&after, &scalar(6)).is_ok());
    // A machine that missed the rotation package refuses packages of the new key...
    assert_eq!(
        missed.redeploy_with_secret(&after, &scalar(6)).err(),
        Some(Error::PackageSignatureInvalid)
    );
    // ...and the moved machine no longer accepts the old key.
    let old_ring = self::ring();
    assert_eq!(
        moved
            .redeploy_with_secret(&old_ring.deployment_package().unwrap(), &scalar(6))
            .err(),
        Some(Error::PackageSignatureInvalid)
    );
}

#[test]
fn attempt_limits_per_code_and_per_account_survive_export_and_import() {
    let ring = ring();
    let machine = enroll(&ring, 2);
    let key = WrappingKey::from_bytes(&[0x42; 64]).unwrap();
    let mut stored = ReplayLedger::new(&machine).export(Some(&key)).unwrap();
    let mut redeem = |code: &ResetCode, account: &Account, password: &str, now: i64| {
        // Every attempt is a fresh import and a persist, as the login integration does.
        let mut ledger = ReplayLedger::import(&stored, Some(&key), &machine, 0).unwrap();
        let result = machine.redeem_reset_code(&mut ledger, code, account, password, now);
        stored = ledger.export(Some(&key)).unwrap();
        result.map(|_| ())
    };
    // Per code: 5 failed opens, then even the right password is refused.
    let code = seal(&ring, &machine, &alice(), NOW);
    for i in 0..5 {
        assert_eq!(
            redeem(&code, &alice(), &format!("guess {i}"), NOW + 60 + i),
            Err(Error::Rejected)
        );
    }
    assert_eq!(
        redeem(&code, &alice(), PASSWORD, NOW + 70),
        Err(Error::TooManyAttempts)
    );
    // Per account: 20 failed opens within a lifetime across codes, then refused.
    let bob = Account::new("bob", "CORP", &OTHER_SID).unwrap();
    let mut failures = 0;
    for minute in 0..5 {
        let code = seal(&ring, &machine, &bob, NOW + 60 * minute);
        for guess in 0..4 {
            assert_eq!(
                redeem(&code, &bob, &format!("guess {guess}"), NOW + 300 + failures),
                Err(Error::Rejected)
            );
            failures += 1;
        }
    }
    assert_eq!(failures, 20);
    let fresh = seal(&ring, &machine, &bob, NOW + 600);
    assert_eq!(
        redeem(&fresh, &bob, PASSWORD, NOW + 660),
        Err(Error::TooManyAttempts)
    );
    // After one lifetime the account's window restarts.
    let later = seal(&ring, &machine, &bob, NOW + 300 + 3600);
    assert_eq!(
        redeem(&later, &bob, PASSWORD, NOW + 300 + 3600 + 60),
        Ok(())
    );
}

#[test]
fn a_reused_name_with_another_sid_is_another_account() {
    let ring = ring();
    let machine = enroll(&ring, 2);
    let old_jsmith = Account::new("jsmith", "CORP", &VECTOR_SID).unwrap();
    let new_jsmith = Account::new("jsmith", "CORP", &OTHER_SID).unwrap();
    assert_ne!(old_jsmith, new_jsmith);
    let code = seal(&ring, &machine, &new_jsmith, NOW);
    let mut ledger = ReplayLedger::new(&machine);
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &code, &old_jsmith, PASSWORD, NOW + 60),
        Err(Error::Rejected)
    );
    assert!(machine
        .redeem_reset_code(&mut ledger, &code, &new_jsmith, PASSWORD, NOW + 60)
        .is_ok());
    assert_eq!(
        Account::new("jsmith", "CORP", &VECTOR_SID[..20]),
        Err(Error::InvalidSid)
    );
}

/// Run in a child process whose address space is limited to 512 MiB (see the test below): a
/// machine whose policy asks for 1 GiB of Argon2id memory answers OutOfMemory, never aborts,
/// and leaves the ledger unchanged.
#[test]
#[ignore = "run by out_of_memory_is_a_status in a child process with a limited address space"]
fn out_of_memory_child() {
    let big = policy().with_password_cost(PasswordCost::new(1024 * 1024, 2, 1).unwrap());
    let ring = ServerKeyRing::from_secrets(big, 1, scalar(1), scalar(9));
    let machine = enroll(&ring, 2);
    let small_ring = ServerKeyRing::from_secrets(policy(), 1, scalar(1), scalar(9));
    // A code sealed under the small cost: the machine fails before it could check it.
    let small_machine = enroll(&small_ring, 2);
    let code = seal(&small_ring, &small_machine, &alice(), NOW);
    let mut ledger = ReplayLedger::new(&machine);
    let before = ledger.clone();
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &code, &alice(), PASSWORD, NOW + 60),
        Err(Error::OutOfMemory)
    );
    assert_eq!(ledger, before);
    assert_eq!(
        ring.seal_reset_code(&machine.identification_code(), &alice(), PASSWORD, NOW)
            .err(),
        Some(Error::OutOfMemory)
    );
    println!("out-of-memory child: OutOfMemory answered");
}

#[test]
fn out_of_memory_is_a_status() {
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 524288 && exec \"$0\" --ignored --exact out_of_memory_child --nocapture --test-threads=1")
        .arg(&exe)
        .output()
        .expect("sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("out-of-memory child: OutOfMemory answered"),
        "child failed: {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}
