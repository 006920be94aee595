//! Property tests: round trips with arbitrary (non-ASCII too) names and passwords, typing
//! mistakes located to their group, and every kind of wrong input giving its specified error.

use std::sync::OnceLock;

use offline_reset::code_text::{self, ALPHABET, RESET_CODE_LAYOUT};
use offline_reset::primitives::SecretScalar;
use offline_reset::*;
use proptest::prelude::*;

#[path = "support/sid.rs"]
mod sid;
use sid::*;

const NOW: i64 = 1_795_000_000;

struct World {
    ring: ServerKeyRing,
    machine: Machine,
    other_machine: Machine,
    /// A code for `machine`, alice@CORP, "pw", sealed at `NOW` (sealed once: Argon2id is slow).
    alice_code: ResetCode,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let scalar = |b: u8| SecretScalar::from_bytes(&[b; 32]).unwrap();
        // The cheapest password cost: every seal and open below runs one Argon2id.
        let policy = Policy::default().with_password_cost(PasswordCost::minimum());
        let ring = ServerKeyRing::from_secrets(
            policy,
            1,
            scalar(1),
            offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
        );
        let package = ring.deployment_package().unwrap();
        let machine = Machine::enroll_with_secret(&package, &scalar(2)).unwrap();
        let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
        let alice_code = ring
            .seal_reset_code(&machine.identification_code(), &alice, "pw", NOW)
            .unwrap();
        World {
            machine,
            other_machine: Machine::enroll_with_secret(&package, &scalar(3)).unwrap(),
            ring,
            alice_code,
        }
    })
}

/// Names: any characters the name rules accept (docs/PROTOCOL.md §5).
fn name() -> impl Strategy<Value = String> {
    "[^\\p{Cc}\\p{Cf}]{1,16}"
        .prop_filter("a valid name", |s| offline_reset::name_problem(s).is_none())
}

fn password() -> impl Strategy<Value = String> {
    ".{1,64}"
}

fn symbols(code: &str) -> Vec<u8> {
    code.bytes().filter(|&c| c != b'-').collect()
}

fn with_symbols(symbols: &[u8]) -> String {
    String::from_utf8(symbols.to_vec()).unwrap()
}

/// Every substitution by another alphabet symbol and every swap of two different adjacent symbols
/// must be reported as mistyped, naming the (first) group that changed.
fn assert_typing_mistakes_located<T: std::fmt::Debug>(
    code: &str,
    parse: impl Fn(&str) -> Result<T>,
) {
    let original = symbols(code);
    for i in 0..original.len() {
        for &replacement in ALPHABET.iter().filter(|&&a| a != original[i]) {
            let mut typed = original.clone();
            typed[i] = replacement;
            let got = parse(&with_symbols(&typed)).err();
            assert_eq!(
                got,
                Some(Error::Mistyped {
                    group: Some((i / 8 + 1) as u8)
                }),
                "substitution at symbol {i} of {code}"
            );
        }
        if i + 1 < original.len() && original[i] != original[i + 1] {
            let mut typed = original.clone();
            typed.swap(i, i + 1);
            let got = parse(&with_symbols(&typed)).err();
            assert_eq!(
                got,
                Some(Error::Mistyped {
                    group: Some((i / 8 + 1) as u8)
                }),
                "swap of symbols {i} and {} of {code}",
                i + 1
            );
        }
    }
}

// Every seal and open runs one Argon2id (about 26 ms at the minimum cost), so the properties that
// seal and open run fewer cases; the whole file stays well under a minute in a debug build.
proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn seal_then_open_round_trips(
        username in name(),
        domain in name(),
        password in password(),
        minutes in 0i64..(1 << 26) - 1,
        seconds in 0i64..60,
    ) {
        let w = world();
        let now = TIME_ORIGIN_UNIX + minutes * 60 + seconds;
        let account = Account::new(&username, &domain, &VECTOR_SID).unwrap();
        let id = IdentificationCode::parse(w.machine.identification_code().as_str()).unwrap();
        let code = w.ring.seal_reset_code(&id, &account, &password, now).unwrap();
        prop_assert_eq!(code.as_str().len(), RESET_CODE_TEXT_LEN);
        let typed = ResetCode::parse(&code.as_str().to_lowercase()).unwrap();
        let accepted = w.machine.open_reset_code_for_diagnostics(&typed, &account, &password, now).unwrap();
        prop_assert_eq!(accepted.issued_at, now - seconds);
        // The account as typed in another case is the same account.
        let shouted = Account::new(&username.to_uppercase(), &domain.to_lowercase(), &VECTOR_SID);
        if let Ok(shouted) = shouted {
            if shouted == account {
                prop_assert!(w.machine.open_reset_code_for_diagnostics(&typed, &shouted, &password, now).is_ok());
            }
        }
    }

    #[test]
    fn wrong_inputs_give_their_specified_errors(
        username in name(),
        domain in name(),
        password in password(),
        other in "[a-z]{1,8}",
    ) {
        let w = world();
        let account = Account::new(&username, &domain, &VECTOR_SID).unwrap();
        let code = w.ring.seal_reset_code(&w.machine.identification_code(), &account, &password, NOW).unwrap();
        let open = |m: &Machine, a: &Account, p: &str, t: i64| m.open_reset_code_for_diagnostics(&code, a, p, t);
        let wrong_password = format!("{password}{other}");
        prop_assert_eq!(open(&w.machine, &account, &wrong_password, NOW), Err(Error::Rejected));
        let wrong_user = Account::new(&format!("{username}{other}"), &domain, &VECTOR_SID).unwrap();
        prop_assert_eq!(open(&w.machine, &wrong_user, &password, NOW), Err(Error::Rejected));
        let wrong_domain = Account::new(&username, &format!("{domain}{other}"), &VECTOR_SID).unwrap();
        prop_assert_eq!(open(&w.machine, &wrong_domain, &password, NOW), Err(Error::Rejected));
        prop_assert_eq!(open(&w.other_machine, &account, &password, NOW), Err(Error::Rejected));
        let day = 24 * 3600;
        prop_assert_eq!(open(&w.machine, &account, &password, NOW + 2 * day), Err(Error::Expired));
        prop_assert_eq!(open(&w.machine, &account, &password, NOW - day), Err(Error::NotYetValid));
        prop_assert_eq!(open(&w.machine, &account, "", NOW), Err(Error::InvalidPassword));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn typing_mistakes_are_located_before_any_cryptography(
        username in name(),
        password in password(),
        machine_seed in 1u8..=254,
    ) {
        let w = world();
        let package = w.ring.deployment_package().unwrap();
        let machine = Machine::enroll_with_secret(&package, &SecretScalar::from_bytes(&[machine_seed; 32]).unwrap()).unwrap();
        let id = machine.identification_code();
        assert_typing_mistakes_located(id.as_str(), IdentificationCode::parse);
        let account = Account::new(&username, "CORP", &VECTOR_SID).unwrap();
        let code = w.ring.seal_reset_code(&id, &account, &password, NOW).unwrap();
        assert_typing_mistakes_located(code.as_str(), ResetCode::parse);
    }

    #[test]
    fn any_changed_byte_of_a_sealed_code_is_refused(
        index in 0usize..RESET_CODE_LAYOUT.payload_len,
        flip in 1u8..=255,
    ) {
        let w = world();
        let account = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
        let code = &w.alice_code;
        // Recover the payload, change one byte, and re-encode it with valid typing checks: only
        // the cryptography (or the version/epoch header) can catch this.
        let mut payload = [0u8; RESET_CODE_LAYOUT.payload_len];
        code_text::decode(RESET_CODE_LAYOUT, code.as_str(), &mut payload).unwrap();
        payload[index] ^= flip;
        let mut text = [0u8; RESET_CODE_TEXT_LEN];
        code_text::encode(RESET_CODE_LAYOUT, &payload, &mut text);
        let text = std::str::from_utf8(&text).unwrap();
        let version = payload[0] >> 3;
        match ResetCode::parse(text) {
            Err(e) => prop_assert_eq!(e, Error::UnsupportedVersion { found: version }),
            Ok(tampered) => {
                let got = w.machine.open_reset_code_for_diagnostics(&tampered, &account, "pw", NOW);
                let code_epoch = tampered.epoch();
                if code_epoch > 1 {
                    prop_assert_eq!(got, Err(Error::RedeployNeeded { code_epoch, machine_epoch: 1 }));
                } else if code_epoch < 1 {
                    prop_assert_eq!(got, Err(Error::CodeBeforeRotation { code_epoch, machine_epoch: 1 }));
                } else {
                    prop_assert_eq!(got, Err(Error::Rejected));
                }
            }
        }
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in ".{0,80}") {
        let _ = IdentificationCode::parse(&text);
        let _ = ResetCode::parse(&text);
        let _ = DeploymentPackage::from_text(&text);
        let _ = default_offline_domain(&text);
        let _ = Account::new(&text, &text, &VECTOR_SID);
    }

    #[test]
    fn importers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let key = WrappingKey::from_bytes(&[9u8; 64]).unwrap();
        for wrapping in [None, Some(&key)] {
            let _ = ServerKeyRing::import(&bytes, wrapping);
            let _ = Machine::import(&bytes, wrapping);
        }
    }
}
