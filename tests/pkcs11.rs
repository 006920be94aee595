//! The server key ring held in a PKCS#11 token (feature `pkcs11`), against a real token:
//! `tests/pkcs11/run.sh` installs SoftHSM2, makes a throwaway token and runs this file with
//! `OLR_TEST_PKCS11_MODULE`, `OLR_TEST_PKCS11_TOKEN` and `OLR_TEST_PKCS11_PIN` set. Without them
//! every test fails (never skips): a feature build is only tested against a token.
#![cfg(feature = "pkcs11")]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use offline_reset::primitives::SecretScalar;
use offline_reset::*;

#[path = "support/sid.rs"]
mod sid;
use sid::*;

const NOW: i64 = 1_795_000_000;

struct Place {
    module: PathBuf,
    token: String,
    pin: String,
}

fn place() -> Place {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run the token tests with bash tests/pkcs11/run.sh")
        })
    };
    Place {
        module: PathBuf::from(var("OLR_TEST_PKCS11_MODULE")),
        token: var("OLR_TEST_PKCS11_TOKEN"),
        pin: var("OLR_TEST_PKCS11_PIN"),
    }
}

fn token() -> Pkcs11Token {
    let p = place();
    Pkcs11Token::open(&p.module, &p.token, p.pin.as_bytes()).unwrap()
}

/// A label prefix no other test (or earlier run on the same token) uses.
fn prefix(test: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{test}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn quick() -> Policy {
    Policy::default().with_password_cost(PasswordCost::minimum())
}

fn secret(byte: u8) -> SecretScalar {
    SecretScalar::from_bytes(&[byte; 32]).unwrap()
}

fn alice() -> Account {
    Account::new("alice", "CORP", &VECTOR_SID).unwrap()
}

/// A second, independent view of the token (its own PKCS#11 context: the library's stays
/// untouched), to look at the objects the ring made.
fn inspect() -> Session {
    let p = place();
    let module = Pkcs11::new(&p.module).unwrap();
    let _ = module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    let slot = module
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|&s| module.get_token_info(s).unwrap().label() == p.token)
        .unwrap();
    let session = module.open_rw_session(slot).unwrap();
    // Already logged in when the library opened the token in this process.
    let _ = session.login(UserType::User, Some(&AuthPin::new(p.pin.into())));
    session
}

fn keys_labelled(session: &Session, label: &str) -> Vec<ObjectHandle> {
    session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(label.as_bytes().to_vec()),
        ])
        .unwrap()
}

#[test]
fn a_ring_copied_into_the_token_seals_the_software_rings_codes() {
    let software = ServerKeyRing::from_secrets(quick(), 1, secret(1), secret(7));
    let machine =
        Machine::enroll_with_secret(&software.deployment_package().unwrap(), &secret(2)).unwrap();
    let id = machine.identification_code();
    let held = software.copy_into_token(&token(), &prefix("copy")).unwrap();
    assert!(held.is_held_in_token() && !software.is_held_in_token());
    let from_software = software
        .seal_reset_code(&id, &alice(), "Winter-Tulip-42", NOW)
        .unwrap();
    let from_token = held
        .seal_reset_code(&id, &alice(), "Winter-Tulip-42", NOW)
        .unwrap();
    assert_eq!(from_token.as_str(), from_software.as_str());

    // The package names the same keys; the token signs with a random k (the software ring
    // deterministically), and machines accept both (docs/PROTOCOL.md §2).
    let package = held.deployment_package().unwrap();
    let soft_package = software.deployment_package().unwrap();
    assert_eq!(
        package.server_public_key(),
        soft_package.server_public_key()
    );
    assert_eq!(package.signer(), soft_package.signer());
    assert!(machine.is_enrolled_with(&package));
    let enrolled = Machine::enroll_with_os_rng(&package).unwrap();
    let mut ledger = ReplayLedger::new(&enrolled);
    let code = held
        .seal_reset_code(
            &enrolled.identification_code(),
            &alice(),
            "Winter-Tulip-42",
            NOW,
        )
        .unwrap();
    enrolled
        .redeem_reset_code(&mut ledger, &code, &alice(), "Winter-Tulip-42", NOW + 30)
        .unwrap();
    assert_eq!(
        enrolled.redeem_reset_code(&mut ledger, &code, &alice(), "Winter-Tulip-42", NOW + 31),
        Err(Error::AlreadyUsed)
    );
    assert_eq!(
        held.copy_into_token(&token(), &prefix("copy")).err(),
        Some(Error::KeysInToken)
    );
}

#[test]
fn keys_made_in_the_token_never_leave_it() {
    let prefix = prefix("extract");
    let ring = ServerKeyRing::generate_in_token(&token(), &prefix, quick()).unwrap();
    assert_eq!(ring.export(None).err(), Some(Error::KeysInToken));
    let wrapping = WrappingKey::from_bytes(&[9u8; WRAPPING_KEY_LEN]).unwrap();
    assert_eq!(ring.export(Some(&wrapping)).err(), Some(Error::KeysInToken));
    assert!(format!("{ring:?}").contains("held_in_token: true"));

    let session = inspect();
    for label in [format!("{prefix}/epoch/1"), format!("{prefix}/signing")] {
        let keys = keys_labelled(&session, &label);
        assert_eq!(keys.len(), 1, "{label}");
        let attributes = session
            .get_attributes(
                keys[0],
                &[
                    AttributeType::Extractable,
                    AttributeType::Sensitive,
                    AttributeType::NeverExtractable,
                    AttributeType::AlwaysSensitive,
                    AttributeType::Token,
                ],
            )
            .unwrap();
        assert_eq!(
            attributes,
            vec![
                Attribute::Extractable(false),
                Attribute::Sensitive(true),
                Attribute::NeverExtractable(true),
                Attribute::AlwaysSensitive(true),
                Attribute::Token(true),
            ],
            "{label}"
        );
        // The value is refused: the token reports it unavailable and gives nothing.
        let value = session
            .get_attributes(keys[0], &[AttributeType::Value])
            .unwrap();
        assert!(value.is_empty(), "{label}: {value:?}");
        // Wrapping it out is refused too (not extractable).
        let wrap_key = session
            .generate_key(
                &Mechanism::AesKeyGen,
                &[
                    Attribute::Token(false),
                    Attribute::ValueLen(32.into()),
                    Attribute::Wrap(true),
                ],
            )
            .unwrap();
        assert!(session
            .wrap_key(&Mechanism::AesKeyWrapPad, wrap_key, keys[0])
            .is_err());
        session.destroy_object(wrap_key).unwrap();
    }
    // Each key does one thing: the generation key cannot sign.
    let generation_key = keys_labelled(&session, &format!("{prefix}/epoch/1"))[0];
    assert!(session
        .sign(&Mechanism::Ecdsa, generation_key, &[1u8; 32])
        .is_err());
}

#[test]
fn opened_again_from_the_token_alone() {
    let prefix = prefix("reopen");
    let mut ring = ServerKeyRing::generate_in_token(&token(), &prefix, quick()).unwrap();
    ring.set_retired_grace_seconds(3600).unwrap();
    ring.set_policy(quick().with_attempt_limits(7, 21).unwrap())
        .unwrap();
    let machine = Machine::enroll_with_os_rng(&ring.deployment_package().unwrap()).unwrap();
    let id = machine.identification_code();
    assert_eq!(ring.rotate_with_os_rng(NOW), Ok(2));
    ring.begin_signing_key_rotation_with_os_rng().unwrap();

    let again = ServerKeyRing::open_in_token(&token(), &prefix).unwrap();
    assert_eq!(again.epochs(), vec![1, 2]);
    assert_eq!(again.retired_grace_seconds(), 3600);
    assert_eq!(again.policy(), ring.policy());
    assert_eq!(again.signing_public_key(), ring.signing_public_key());
    assert_eq!(
        again.next_signing_public_key(),
        ring.next_signing_public_key()
    );
    assert_eq!(
        again
            .seal_reset_code(&id, &alice(), "pw", NOW + 60)
            .unwrap()
            .as_str(),
        ring.seal_reset_code(&id, &alice(), "pw", NOW + 60)
            .unwrap()
            .as_str()
    );
    assert_eq!(
        ServerKeyRing::open_in_token(&token(), &format!("{prefix}-none")).err(),
        Some(Error::TokenKeyMissing)
    );
    assert_eq!(
        ServerKeyRing::generate_in_token(&token(), &prefix, quick()).err(),
        Some(Error::TokenRingExists)
    );
    for bad in ["", "a\nb", &"x".repeat(MAX_KEY_LABEL_PREFIX_LEN + 1)] {
        assert_eq!(
            ServerKeyRing::open_in_token(&token(), bad).err(),
            Some(Error::MalformedInput)
        );
    }
}

#[test]
fn rotation_grace_and_pruning_destroy_retired_keys() {
    let prefix = prefix("rotate");
    let mut ring = ServerKeyRing::generate_in_token(&token(), &prefix, quick()).unwrap();
    ring.set_retired_grace_seconds(3600).unwrap();
    let old_machine = Machine::enroll_with_os_rng(&ring.deployment_package().unwrap()).unwrap();
    let old_id = old_machine.identification_code();
    assert_eq!(ring.rotate_with_os_rng(NOW), Ok(2));
    let session = inspect();
    assert_eq!(
        keys_labelled(&session, &format!("{prefix}/epoch/1")).len(),
        1
    );
    assert_eq!(
        keys_labelled(&session, &format!("{prefix}/epoch/2")).len(),
        1
    );

    // In grace: the retired key still seals, and the old machine opens the code.
    let code = ring
        .seal_reset_code(&old_id, &alice(), "pw", NOW + 60)
        .unwrap();
    old_machine
        .open_reset_code_for_diagnostics(&code, &alice(), "pw", NOW + 60)
        .unwrap();
    // The new package: machines redeploy to epoch 2.
    let package = ring.deployment_package().unwrap();
    assert_eq!(package.epoch(), 2);

    ring.prune(NOW + 3599).unwrap();
    assert_eq!(ring.epochs(), vec![1, 2]);
    ring.prune(NOW + 3600).unwrap();
    assert_eq!(ring.epochs(), vec![2]);
    assert!(keys_labelled(&session, &format!("{prefix}/epoch/1")).is_empty());
    assert_eq!(
        ring.seal_reset_code(&old_id, &alice(), "pw", NOW + 3600),
        Err(Error::KeyRotated {
            code_epoch: 1,
            current_epoch: 2
        })
    );
    assert_eq!(
        ServerKeyRing::open_in_token(&token(), &prefix)
            .unwrap()
            .epochs(),
        vec![2]
    );

    // Grace 0: rotation destroys the old key at once.
    ring.set_retired_grace_seconds(0).unwrap();
    assert_eq!(ring.rotate_with_os_rng(NOW + 7200), Ok(3));
    assert!(keys_labelled(&session, &format!("{prefix}/epoch/2")).is_empty());

    // Signing-key rotation: begin makes a second signing key, finish destroys the first.
    let first = ring.signing_public_key();
    ring.begin_signing_key_rotation_with_os_rng().unwrap();
    assert_eq!(
        keys_labelled(&session, &format!("{prefix}/signing")).len(),
        2
    );
    let rotating = ring.deployment_package().unwrap();
    assert_eq!(rotating.signer(), first);
    assert_eq!(Some(rotating.next_signer()), ring.next_signing_public_key());
    ring.finish_signing_key_rotation().unwrap();
    assert_ne!(ring.signing_public_key(), first);
    assert_eq!(
        keys_labelled(&session, &format!("{prefix}/signing")).len(),
        1
    );
    assert_eq!(
        ring.deployment_package().unwrap().signer(),
        ring.signing_public_key()
    );
}

#[test]
fn token_errors_are_named_and_carry_no_pin() {
    let p = place();
    // A wrong PIN is refused at the process's login to a token: checked on the spare token, which
    // no test opens (an open handle's login is shared by later opens, unchecked).
    let spare = std::env::var("OLR_TEST_PKCS11_SPARE_TOKEN")
        .expect("OLR_TEST_PKCS11_SPARE_TOKEN is not set: run bash tests/pkcs11/run.sh");
    let wrong = Pkcs11Token::open(&p.module, &spare, b"wrong-pin-31337").err();
    assert_eq!(wrong, Some(Error::TokenWrongPin));
    let text = format!("{} {:?}", wrong.unwrap(), wrong.unwrap());
    assert!(!text.contains("31337") && !text.contains(&p.pin), "{text}");
    // Once logged in (another handle is open), PKCS#11 has no second login: opening again
    // shares it (documented on Pkcs11Token), and the first refusal above stays the check.
    let open = token();
    assert!(!format!("{open:?}").contains(&p.pin));
    assert_eq!(
        Pkcs11Token::open(
            std::path::Path::new("/nonexistent/libnone.so"),
            &p.token,
            b"1"
        )
        .err(),
        Some(Error::TokenModuleNotFound)
    );
    assert_eq!(
        Pkcs11Token::open(&p.module, "no-such-token", p.pin.as_bytes()).err(),
        Some(Error::TokenAbsent)
    );
}

#[test]
fn a_missing_or_replaced_key_is_reported_not_used() {
    let prefix = prefix("missing");
    let ring = ServerKeyRing::generate_in_token(&token(), &prefix, quick()).unwrap();
    let machine = Machine::enroll_with_os_rng(&ring.deployment_package().unwrap()).unwrap();
    let session = inspect();
    let key = keys_labelled(&session, &format!("{prefix}/epoch/1"))[0];
    session.destroy_object(key).unwrap();
    assert_eq!(
        ring.seal_reset_code(&machine.identification_code(), &alice(), "pw", NOW)
            .err(),
        Some(Error::TokenKeyMissing)
    );
    assert_eq!(
        ServerKeyRing::open_in_token(&token(), &prefix).err(),
        Some(Error::TokenKeyMissing)
    );
    // Another key under the label (and the ring's id): not the recorded one, refused.
    let other =
        ServerKeyRing::generate_in_token(&token(), &format!("{prefix}-other"), quick()).unwrap();
    let other_key = keys_labelled(&session, &format!("{prefix}-other/epoch/1"))[0];
    session
        .update_attributes(
            other_key,
            &[
                Attribute::Label(format!("{prefix}/epoch/1").into_bytes()),
                Attribute::Id(format!("offline-reset:{prefix}").into_bytes()),
            ],
        )
        .unwrap();
    assert_eq!(
        ServerKeyRing::open_in_token(&token(), &prefix).err(),
        Some(Error::TokenKeyMissing)
    );
    drop(other);
}

#[test]
fn a_key_left_by_an_unfinished_change_is_ignored_then_destroyed() {
    let prefix = prefix("leftover");
    let mut ring = ServerKeyRing::generate_in_token(&token(), &prefix, quick()).unwrap();
    let machine = Machine::enroll_with_os_rng(&ring.deployment_package().unwrap()).unwrap();
    let expected = ring
        .seal_reset_code(&machine.identification_code(), &alice(), "pw", NOW)
        .unwrap();
    // A rotation that stopped after making its key: same label and id as epoch 1's.
    let session = inspect();
    let (public, _leftover) = session
        .generate_key_pair(
            &Mechanism::EccKeyPairGen,
            &[
                Attribute::Token(false),
                Attribute::EcParams(vec![
                    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
                ]),
            ],
            &[
                Attribute::Token(true),
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Derive(true),
                Attribute::Label(format!("{prefix}/epoch/1").into_bytes()),
                Attribute::Id(format!("offline-reset:{prefix}").into_bytes()),
            ],
        )
        .unwrap();
    session.destroy_object(public).unwrap();
    assert_eq!(
        keys_labelled(&session, &format!("{prefix}/epoch/1")).len(),
        2
    );
    let reopened = ServerKeyRing::open_in_token(&token(), &prefix).unwrap();
    assert_eq!(
        reopened
            .seal_reset_code(&machine.identification_code(), &alice(), "pw", NOW)
            .unwrap()
            .as_str(),
        expected.as_str()
    );
    ring.set_retired_grace_seconds(60).unwrap();
    assert_eq!(
        keys_labelled(&session, &format!("{prefix}/epoch/1")).len(),
        1
    );
    assert_eq!(
        ring.seal_reset_code(&machine.identification_code(), &alice(), "pw", NOW)
            .unwrap()
            .as_str(),
        expected.as_str()
    );
}

#[test]
fn threads_seal_concurrently_through_one_session_pool() {
    let software = ServerKeyRing::from_secrets(quick(), 1, secret(3), secret(4));
    let ring = software
        .copy_into_token(&token(), &prefix("threads"))
        .unwrap();
    let package = software.deployment_package().unwrap();
    let machines: Vec<Machine> = (0..8)
        .map(|i| Machine::enroll_with_secret(&package, &secret(10 + i)).unwrap())
        .collect();
    std::thread::scope(|scope| {
        for (i, machine) in machines.iter().enumerate() {
            let (ring, software) = (&ring, &software);
            scope.spawn(move || {
                for round in 0..4 {
                    let id = machine.identification_code();
                    let now = NOW + 60 * (round + i as i64);
                    let got = ring.seal_reset_code(&id, &alice(), "pw", now).unwrap();
                    let want = software.seal_reset_code(&id, &alice(), "pw", now).unwrap();
                    assert_eq!(got.as_str(), want.as_str(), "thread {i} round {round}");
                }
            });
        }
    });
}

#[test]
fn two_handles_on_one_ring_fail_clearly_after_the_other_changed_it() {
    let prefix = prefix("two-handles");
    let mut first = ServerKeyRing::generate_in_token(&token(), &prefix, quick()).unwrap();
    let second = ServerKeyRing::open_in_token(&token(), &prefix).unwrap();
    let machine = Machine::enroll_with_os_rng(&first.deployment_package().unwrap()).unwrap();
    first.rotate_with_os_rng(NOW).unwrap();
    // The second handle still names epoch 1's key, which the rotation destroyed.
    assert_eq!(
        second
            .seal_reset_code(&machine.identification_code(), &alice(), "pw", NOW)
            .err(),
        Some(Error::TokenKeyMissing)
    );
}

/// The ring's record as the token holds it (docs/PROTOCOL.md §9.8), written with what it must
/// say to the file named by `OLR_TEST_PKCS11_RECORD_OUT`, for the independent reader in
/// `tests/interop/` (tests/pkcs11/run.sh runs it). Without the variable it checks only that the
/// object is where §9.8 puts it.
#[test]
fn the_record_is_where_and_what_the_spec_says() {
    let prefix = prefix("record");
    let policy = quick().with_attempt_limits(7, 21).unwrap();
    let mut ring = ServerKeyRing::generate_in_token(&token(), &prefix, policy).unwrap(); // serial 1
    let first_public = ring.deployment_package().unwrap().server_public_key();
    ring.set_retired_grace_seconds(3600).unwrap(); // 2
    ring.rotate_with_os_rng(NOW).unwrap(); // 3
    ring.begin_signing_key_rotation_with_os_rng().unwrap(); // 4
    let second_public = ring.deployment_package().unwrap().server_public_key();

    let session = inspect();
    let records = session
        .find_objects(&[
            Attribute::Class(ObjectClass::DATA),
            Attribute::Application(b"offline-reset".to_vec()),
            Attribute::Label(format!("{prefix}/ring").into_bytes()),
        ])
        .unwrap();
    assert_eq!(records.len(), 1, "older records are destroyed");
    let attributes = session
        .get_attributes(
            records[0],
            &[
                AttributeType::Token,
                AttributeType::Private,
                AttributeType::Value,
            ],
        )
        .unwrap();
    assert_eq!(
        attributes[..2],
        [Attribute::Token(true), Attribute::Private(true)]
    );
    let Attribute::Value(record) = &attributes[2] else {
        panic!("no value: {attributes:?}")
    };
    assert_eq!(
        &record[..6],
        b"OLR\x01\x05\x00",
        "a plain envelope of kind 5"
    );
    assert_eq!(record.len(), 14 + 8 + 20 + 4 + 33 + 33 + 2 + 2 * 60);

    let Ok(out) = std::env::var("OLR_TEST_PKCS11_RECORD_OUT") else {
        return;
    };
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let cost = |c: PasswordCost| {
        format!(
            r#"{{"memory_kib": {}, "iterations": {}, "parallelism": {}}}"#,
            c.memory_kib(),
            c.iterations(),
            c.parallelism()
        )
    };
    let p = ring.policy();
    let json = format!(
        r#"{{
  "record_hex": "{record}",
  "expect": {{
    "serial": 4,
    "policy": {{"lifetime_minutes": {lifetime}, "clock_skew_minutes": {skew}, "failed_opens_per_code": {per_code}, "failed_opens_per_account": {per_account}, "password_cost": {cost}}},
    "retired_grace_seconds": 3600,
    "signing_public": "{signing}",
    "next_signing_public": "{next}",
    "generations": [
      {{"epoch": 1, "retired": true, "retired_at": {now}, "grace_window_seconds": 3600, "password_cost": {cost}, "public": "{first}"}},
      {{"epoch": 2, "retired": false, "retired_at": 0, "grace_window_seconds": 0, "password_cost": {cost}, "public": "{second}"}}
    ]
  }}
}}
"#,
        record = hex(record),
        lifetime = p.reset_code_lifetime_minutes(),
        skew = p.clock_skew_minutes(),
        per_code = p.failed_opens_per_code(),
        per_account = p.failed_opens_per_account(),
        cost = cost(p.password_cost()),
        signing = hex(&ring.signing_public_key()),
        next = hex(&ring.next_signing_public_key().unwrap()),
        now = NOW,
        first = hex(&first_public),
        second = hex(&second_public),
    );
    std::fs::write(&out, json).unwrap();
}
