//! Deployment packages: the text the Windows integration is configured with (a file or a
//! registry value someone could edit), and what a machine does with a later package.
//!
//! A package is signed, so a fuzzer cannot make a new acceptable one without the key: the raw
//! mode exercises reading and signature refusal, and two structured modes reach behind them.
//! The first input byte picks the mode:
//! - `0xFE`: the fixture package's body with the rest XORed onto it, in a valid envelope, as
//!   text: any change to the signed part (the first 121 bytes) is refused, and whatever reads
//!   carries exactly the fixture's signed content (only the signature bytes may differ).
//! - `0xFD`: a package made by a key ring of fuzzed epoch, policy, server key and signing key
//!   (the fixtures' or another), possibly naming a next signing key, given to machine A through
//!   `Machine::redeploy`: refused with `PackageSignatureInvalid` unless signed by the pinned
//!   key, `PackageEpochTooOld` for the same epoch with another server key, else taken (same
//!   epoch: same identification code; newer: a new one), and the next key is then pinned.
//! - anything else: raw bytes, through `from_bytes` (what the C ABI does), which agrees with
//!   `from_text` on UTF-8 that does not look like UTF-16. Accepted packages round-trip through
//!   their canonical text (319 characters, one fingerprint for every spelling) and enroll.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{DeploymentPackage, Error, Machine, Policy, ServerKeyRing, MAX_EPOCH};
use offline_reset_fuzz::{
    base32, envelope, fixtures, secret, Fixtures, KIND_DEPLOYMENT_PACKAGE, MACHINE_B_SECRET,
    SERVER_SECRET, SERVER_SECRET_EPOCH_2,
};

/// The signed part of a package body (docs/PROTOCOL.md §8).
const SIGNED_LEN: usize = 121;
const ENVELOPE_HEADER_LEN: usize = 10;

fn check_accepted(f: &Fixtures, package: DeploymentPackage) {
    assert!((1..=MAX_EPOCH).contains(&package.epoch()));
    let canonical = package.to_text();
    assert_eq!(canonical.len(), 319);
    assert_eq!(DeploymentPackage::from_text(&canonical), Ok(package));
    assert_eq!(
        DeploymentPackage::from_text(&canonical.to_lowercase()),
        Ok(package)
    );
    assert_eq!(
        DeploymentPackage::from_bytes(format!("\u{FEFF}{canonical}\r\n").as_bytes()),
        Ok(package)
    );
    let fingerprint = package.fingerprint();
    assert_eq!(fingerprint.len(), 64);
    assert!(fingerprint
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    if package == f.package {
        assert_eq!(canonical, f.package_text);
    }
    let machine = Machine::enroll_with_secret(&package, &f.machine_a_secret)
        .expect("enrolls with any package");
    assert!(machine.is_enrolled_with(&package));
    assert_eq!(machine.epoch(), package.epoch());
    assert_eq!(machine.policy(), package.policy());
    assert_eq!(machine.pinned_signer(), package.next_signer());
}

/// What machine A (enrolled with the fixture package) must answer to a later package.
fn check_redeploy(f: &Fixtures, package: &DeploymentPackage) {
    let machine = &f.machines_a[0];
    let result = machine.redeploy_with_secret(package, &secret(MACHINE_B_SECRET));
    if package.signer() != machine.pinned_signer() {
        assert_eq!(result.err(), Some(Error::PackageSignatureInvalid));
        return;
    }
    if package.epoch() == machine.epoch()
        && (package.server_public_key() != f.package.server_public_key()
            || package.policy().password_cost() != machine.policy().password_cost())
    {
        assert_eq!(result.err(), Some(Error::PackageEpochTooOld));
        return;
    }
    let redeployed = result.expect("a package signed by the pinned key, same or newer epoch");
    assert_eq!(redeployed.epoch(), package.epoch());
    assert_eq!(redeployed.policy(), package.policy());
    assert_eq!(redeployed.pinned_signer(), package.next_signer());
    assert!(redeployed.is_enrolled_with(package));
    assert_eq!(
        redeployed.identification_code() == machine.identification_code(),
        package.epoch() == machine.epoch()
    );
    // Never back to an older epoch.
    if redeployed.epoch() > machine.epoch() {
        assert_eq!(
            redeployed
                .redeploy_with_secret(&f.package, &f.machine_a_secret)
                .err(),
            Some(if f.package.signer() == redeployed.pinned_signer() {
                Error::PackageEpochTooOld
            } else {
                Error::PackageSignatureInvalid
            })
        );
    }
}

fn tampered(f: &Fixtures, mask: &[u8]) {
    let bytes = f.package.to_bytes();
    let mut body = bytes[ENVELOPE_HEADER_LEN..bytes.len() - 4].to_vec();
    let mut signed_changed = false;
    for (i, (b, m)) in body.iter_mut().zip(mask).enumerate() {
        *b ^= m;
        signed_changed |= i < SIGNED_LEN && *m != 0;
    }
    let text = base32(&envelope(KIND_DEPLOYMENT_PACKAGE, &body, None));
    match DeploymentPackage::from_text(&text) {
        Ok(package) => {
            assert!(!signed_changed, "a changed signed byte was accepted");
            assert_eq!(package.epoch(), f.package.epoch());
            assert_eq!(package.server_public_key(), f.package.server_public_key());
            assert_eq!(package.policy(), f.package.policy());
            assert_eq!(package.signer(), f.package.signer());
            assert_eq!(package.next_signer(), f.package.next_signer());
            check_accepted(f, package);
            check_redeploy(f, &package);
        }
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::MalformedInput
                        | Error::InvalidKeyMaterial
                        | Error::InvalidPolicy
                        | Error::PackageSignatureInvalid
                ),
                "unexpected error {e:?}"
            );
            // Only a changed byte is refused.
            assert!(mask.iter().take(body.len()).any(|&m| m != 0));
        }
    }
}

fn made_by_key_ring(f: &Fixtures, input: &[u8]) {
    let mut field = [0u8; 10];
    let n = input.len().min(field.len());
    field[..n].copy_from_slice(&input[..n]);
    let [flags, e0, e1, l0, l1, s0, s1, c, a0, a1] = field;
    let epoch = 1 + u16::from_be_bytes([e0, e1]) % MAX_EPOCH;
    let Ok(policy) = Policy::new(u16::from_be_bytes([l0, l1]), u16::from_be_bytes([s0, s1]))
        .and_then(|p| p.with_attempt_limits(u16::from(c), u16::from_be_bytes([a0, a1])))
    else {
        return;
    };
    let server = secret(if flags & 1 == 0 {
        SERVER_SECRET
    } else {
        SERVER_SECRET_EPOCH_2
    });
    let signing = if flags & 2 == 0 {
        f.signing_secret.clone()
    } else {
        secret(MACHINE_B_SECRET)
    };
    let mut ring = ServerKeyRing::from_secrets(policy, epoch, server, signing);
    if flags & 4 != 0 {
        ring.begin_signing_key_rotation_to_secret(secret(SERVER_SECRET_EPOCH_2)).unwrap();
    }
    let package = ring
        .deployment_package()
        .expect("a key ring makes its package");
    let read = DeploymentPackage::from_text(&package.to_text()).expect("its text reads");
    assert_eq!(read, package);
    check_accepted(f, package);
    check_redeploy(f, &package);
}

fuzz_target!(|data: &[u8]| {
    let f = fixtures();
    match data.split_first() {
        Some((0xFE, mask)) => return tampered(f, mask),
        Some((0xFD, input)) => return made_by_key_ring(f, input),
        _ => {}
    }
    let from_bytes = DeploymentPackage::from_bytes(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(
            matches!(from_bytes, Err(Error::Utf16Text | Error::MalformedInput)),
            "ill-formed UTF-8: {from_bytes:?}"
        );
        return;
    };
    if from_bytes != Err(Error::Utf16Text) {
        assert_eq!(from_bytes, DeploymentPackage::from_text(text));
    }
    let package = match DeploymentPackage::from_text(text) {
        Ok(package) => package,
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::Truncated
                        | Error::Corrupted
                        | Error::WrongKind
                        | Error::WrappingMismatch
                        | Error::UnsupportedVersion { .. }
                        | Error::MalformedInput
                        | Error::InvalidKeyMaterial
                        | Error::InvalidPolicy
                        | Error::PackageSignatureInvalid
                ),
                "unexpected error {e:?}"
            );
            return;
        }
    };
    check_accepted(f, package);
    check_redeploy(f, &package);
});
