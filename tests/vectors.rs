//! The committed test vectors (`tests/vectors/*.json`): first, the library must still produce
//! them byte for byte (any change to bytes on the wire fails here); second, every vector is
//! checked the way another implementation or a binding would check it, by reading its inputs and
//! comparing the library's answers.

#[path = "support/vectors.rs"]
mod support;

use offline_reset::key_schedule;
use offline_reset::primitives::{ecdh, PublicPoint, SecretScalar};
use offline_reset::*;
use serde_json::{json, Value};
use support::VECTOR_SID;

fn load(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn unhex(s: &Value) -> Vec<u8> {
    let s = s.as_str().unwrap();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn scalar(v: &Value) -> SecretScalar {
    SecretScalar::from_bytes(&unhex(v).try_into().unwrap()).unwrap()
}

/// A policy from its JSON form (`support::policy_json`).
fn policy_from(v: &Value) -> Policy {
    let n = |v: &Value| u32::try_from(v.as_u64().unwrap()).unwrap();
    let c = &v["password_cost"];
    let cost = PasswordCost::new(
        n(&c["memory_kib"]),
        n(&c["iterations"]),
        n(&c["parallelism"]),
    )
    .unwrap();
    Policy::new(
        n(&v["reset_code_lifetime_minutes"]) as u16,
        n(&v["clock_skew_minutes"]) as u16,
    )
    .unwrap()
    .with_password_cost(cost)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Compares a library result with an expected `{"ok": …}` / `{"error": {…}}` object.
fn check<T>(what: &str, got: Result<T>, expected: &Value, ok: impl Fn(&T) -> Value) {
    let got = match &got {
        Ok(t) => json!({ "ok": ok(t) }),
        Err(e) => json!({ "error": support::error_json(e) }),
    };
    assert_eq!(&got, expected, "{what}");
}

#[test]
fn committed_vectors_are_what_the_library_produces() {
    for (name, value) in support::all() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors")
            .join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == support::render(&value),
            "{name} differs from what the library produces now: bytes on the wire changed. \
             If deliberate, bump the protocol version and run `cargo run --example generate_vectors`."
        );
    }
}

#[test]
fn key_schedule_vectors() {
    let v = load("key_schedule.json");
    for case in v["cases"].as_array().unwrap() {
        let server = scalar(&case["server_secret"]);
        let machine = scalar(&case["machine_secret"]);
        assert_eq!(
            server.public_compressed().to_vec(),
            unhex(&case["server_public"])
        );
        assert_eq!(
            machine.public_x().to_vec(),
            unhex(&case["machine_public_x"])
        );
        let server_point = PublicPoint::from_sec1(&unhex(&case["server_public"])).unwrap();
        let machine_point = PublicPoint::from_x(&machine.public_x()).unwrap();
        let z = ecdh(&machine, &server_point).unwrap();
        assert_eq!(z.to_vec(), unhex(&case["shared_secret"]));
        assert_eq!(
            ecdh(&server, &machine_point).unwrap().to_vec(),
            unhex(&case["shared_secret"])
        );
        let prk = key_schedule::labeled_extract(b"", b"shared_secret", z.as_ref());
        assert_eq!(prk.to_vec(), unhex(&case["prk"]));
        let epoch = case["epoch"].as_u64().unwrap() as u16;
        let key = key_schedule::derive_machine_key(
            &z,
            epoch,
            &server.public_compressed(),
            &machine.public_x(),
        )
        .unwrap();
        assert_eq!(key.as_bytes().to_vec(), unhex(&case["machine_key"]));
    }
}

#[test]
fn identification_code_vectors() {
    let v = load("identification_code.json");
    let policy = Policy::default();
    for case in v["valid"].as_array().unwrap() {
        let epoch = case["epoch"].as_u64().unwrap() as u16;
        let ring = ServerKeyRing::from_secrets(
            policy,
            epoch,
            SecretScalar::generate(&mut offline_reset::primitives::OsRng).unwrap(),
            SecretScalar::generate(&mut offline_reset::primitives::OsRng).unwrap(),
        );
        let machine = Machine::enroll_with_secret(
            &ring.deployment_package().unwrap(),
            &scalar(&case["machine_secret"]),
        )
        .unwrap();
        let code = machine.identification_code();
        assert_eq!(code.as_str(), s(&case["code"]));
        assert_eq!(code.epoch(), epoch);
        assert_eq!(
            code.machine_public_x().to_vec(),
            unhex(&case["machine_public_x"])
        );
    }
    for case in v["parse"].as_array().unwrap() {
        let input = s(&case["input"]);
        check(
            input,
            IdentificationCode::parse(input),
            &case["result"],
            |c| json!(c.as_str()),
        );
    }
}

#[test]
fn reset_code_vectors() {
    let v = load("reset_code.json");
    let policy = policy_from(&v["policy"]);
    assert_eq!(
        policy.password_cost(),
        PasswordCost::minimum(),
        "the vectors use the cheapest cost, so every implementation checks them quickly"
    );
    let ring = ServerKeyRing::from_secrets(
        policy,
        1,
        scalar(&v["server_secret"]),
        scalar(&v["signing_secret"]),
    );
    let package = ring.deployment_package().unwrap();
    let machine_a = Machine::enroll_with_secret(&package, &scalar(&v["machine_a_secret"])).unwrap();
    let machine_b = Machine::enroll_with_secret(&package, &scalar(&v["machine_b_secret"])).unwrap();
    for case in v["cases"].as_array().unwrap() {
        let id = IdentificationCode::parse(s(&case["identification_code"])).unwrap();
        assert_eq!(id, machine_a.identification_code());
        let account = Account::new(
            s(&case["username"]),
            s(&case["domain"]),
            &unhex(&case["sid"]),
        )
        .unwrap();
        assert_eq!(account.username(), s(&case["normalized_username"]));
        assert_eq!(account.offline_domain(), s(&case["normalized_domain"]));
        let password = s(&case["password"]);
        assert_eq!(password.as_bytes(), unhex(&case["password_utf8"]));
        // The password binding alone, so Argon2id can be checked separately (§5).
        let salt = key_schedule::password_salt(id.epoch(), id.machine_public_x(), &account);
        assert_eq!(salt.to_vec(), unhex(&case["password_salt"]));
        let binding = key_schedule::password_binding(
            policy.password_cost(),
            id.epoch(),
            id.machine_public_x(),
            &account,
            password.as_bytes(),
        )
        .unwrap();
        assert_eq!(binding.to_vec(), unhex(&case["password_binding"]));
        let now = case["now"].as_i64().unwrap();
        let code = ring.seal_reset_code(&id, &account, password, now).unwrap();
        assert_eq!(code.as_str(), s(&case["reset_code"]), "{}", case["name"]);
        let typed = ResetCode::parse(s(&case["reset_code"])).unwrap();
        for open in case["opens_on_machine_a"].as_array().unwrap() {
            let got = Account::new(
                s(&open["username"]),
                s(&open["domain"]),
                &unhex(&open["sid"]),
            )
            .and_then(|a| {
                machine_a.open_reset_code_for_diagnostics(
                    &typed,
                    &a,
                    s(&open["password"]),
                    open["now"].as_i64().unwrap(),
                )
            });
            check(
                s(&open["what"]),
                got,
                &open["result"],
                |r| json!({"issued_at": r.issued_at, "expires_at": r.expires_at}),
            );
        }
        check(
            "machine B",
            machine_b.open_reset_code_for_diagnostics(&typed, &account, password, now),
            &case["opens_on_machine_b"],
            |_| json!(null),
        );
    }
    for case in v["parse"].as_array().unwrap() {
        let input = s(&case["input"]);
        check(input, ResetCode::parse(input), &case["result"], |c| {
            json!(c.as_str())
        });
    }

    for case in v["seal_edge_cases"].as_array().unwrap() {
        let account = Account::new(
            s(&case["username"]),
            s(&case["domain"]),
            &unhex(&case["sid"]),
        )
        .unwrap();
        let got = IdentificationCode::parse(s(&case["identification_code"])).and_then(|id| {
            ring.seal_reset_code(
                &id,
                &account,
                s(&case["password"]),
                case["now"].as_i64().unwrap(),
            )
        });
        check(
            s(&case["what"]),
            got,
            &case["result"],
            |c| json!(c.as_str()),
        );
    }

    // Key rotation: each operation gives its time and its expected result.
    let r = &v["rotation"];
    let account = Account::new(
        s(&r["account"]["username"]),
        s(&r["account"]["domain"]),
        &unhex(&r["account"]["sid"]),
    )
    .unwrap();
    let password = s(&r["password"]);
    let now = |op: &str| r[op]["now"].as_i64().unwrap();
    let id = machine_a.identification_code();
    let text = |c: &ResetCode| json!(c.as_str());
    let rotated_at = r["rotated_at"].as_i64().unwrap();
    let mut rotated = ring.clone();
    rotated
        .rotate_to_secret(rotated_at, scalar(&r["epoch_2_server_secret"]))
        .unwrap();
    let op = "seal_old_id_no_grace";
    check(
        op,
        rotated.seal_reset_code(&id, &account, password, now(op)),
        &r[op]["result"],
        text,
    );
    let mut graceful = ring.clone();
    graceful.set_retired_grace_seconds(3600).unwrap();
    graceful
        .rotate_to_secret(rotated_at, scalar(&r["epoch_2_server_secret"]))
        .unwrap();
    for op in [
        "seal_old_id_grace_3600_at_plus_3599",
        "seal_old_id_grace_3600_at_plus_3600",
    ] {
        check(
            op,
            graceful.seal_reset_code(&id, &account, password, now(op)),
            &r[op]["result"],
            text,
        );
    }
    let machine_a2 = Machine::enroll_with_secret(
        &rotated.deployment_package().unwrap(),
        &scalar(&r["epoch_2_machine_a_secret"]),
    )
    .unwrap();
    assert_eq!(
        machine_a2.identification_code().as_str(),
        s(&r["epoch_2_identification_code"])
    );
    let op = "epoch_2_reset_code";
    let code2 = rotated
        .seal_reset_code(
            &machine_a2.identification_code(),
            &account,
            password,
            now(op),
        )
        .unwrap();
    assert_eq!(code2.as_str(), s(&r[op]["result"]));
    let op = "open_epoch_2_code_on_epoch_1_machine";
    let got = machine_a.open_reset_code_for_diagnostics(&code2, &account, password, now(op));
    check(op, got, &r[op]["result"], |_| json!(null));
    let op = "open_epoch_1_code_on_epoch_2_machine";
    let old_code = ResetCode::parse(s(&r["epoch_1_reset_code"])).unwrap();
    let got = machine_a2.open_reset_code_for_diagnostics(&old_code, &account, password, now(op));
    check(op, got, &r[op]["result"], |_| json!(null));
}

#[test]
fn account_vectors() {
    let v = load("account.json");
    for case in v["accounts"].as_array().unwrap() {
        check(
            s(&case["what"]),
            Account::new(s(&case["username"]), s(&case["domain"]), &VECTOR_SID),
            &case["result"],
            |a| json!({"username": a.username(), "domain": a.offline_domain()}),
        );
        for (text, problem) in [
            ("username", "username_problem"),
            ("domain", "domain_problem"),
        ] {
            let got = name_problem(s(&case[text])).map(|p| format!("{p:?}"));
            assert_eq!(json!(got), case[problem], "{}: {problem}", s(&case["what"]));
        }
    }
    for case in v["default_offline_domain"].as_array().unwrap() {
        check(
            s(&case["fqdn"]),
            default_offline_domain(s(&case["fqdn"])),
            &case["result"],
            |d| json!(d),
        );
    }
}

#[test]
fn deployment_package_vectors() {
    let v = load("deployment_package.json");
    let package = DeploymentPackage::from_text(s(&v["text"])).unwrap();
    assert_eq!(package.epoch() as u64, v["epoch"].as_u64().unwrap());
    assert_eq!(package.policy(), policy_from(&v["policy"]));
    assert_eq!(
        package.server_public_key().to_vec(),
        unhex(&v["server_public"])
    );
    assert_eq!(package.to_text(), s(&v["text"]));
    // The signature: by the signing secret's key, over the label and the signed part.
    let signing = scalar(&v["signing_secret"]);
    assert_eq!(package.signer(), signing.public_compressed());
    assert_eq!(package.signer().to_vec(), unhex(&v["signer"]));
    assert_eq!(package.next_signer().to_vec(), unhex(&v["next_signer"]));
    let envelope = unhex(&v["envelope"]);
    assert_eq!(package.to_bytes(), envelope);
    let message = unhex(&v["signed_message"]);
    assert_eq!(&message[..35], b"offline-reset-v1 deployment package");
    assert_eq!(&message[35..], &envelope[10..10 + 121]);
    let signature: [u8; 64] = unhex(&v["signature"]).try_into().unwrap();
    let signer = PublicPoint::from_compressed(&package.signer()).unwrap();
    assert!(offline_reset::primitives::ecdsa_verify(
        &signer,
        &[&message],
        &signature
    ));
    assert_eq!(
        offline_reset::primitives::ecdsa_sign(&signing, &[&message]).unwrap(),
        signature,
        "RFC 6979: the same key and message give the same signature"
    );
    assert_eq!(package.fingerprint(), s(&v["fingerprint"]));
    for case in v["parse"].as_array().unwrap() {
        check(
            s(&case["what"]),
            DeploymentPackage::from_text(s(&case["input"])),
            &case["result"],
            |p| json!({"epoch": p.epoch(), "server_public": support::hex(&p.server_public_key())}),
        );
    }
}

#[test]
fn stored_object_vectors() {
    let v = load("stored_objects.json");
    let key = WrappingKey::from_bytes(&unhex(&v["wrapping_key"])).unwrap();
    let k = &v["server_key_ring"];
    let ring = ServerKeyRing::import(&unhex(&k["plain"]), None).unwrap();
    assert_eq!(ring.epochs(), vec![1, 2]);
    let policy = policy_from(&k["policy"]);
    assert_eq!(ring.policy(), policy);
    for epoch in [1, 2] {
        assert_eq!(ring.password_cost(epoch), Some(policy.password_cost()));
    }
    assert_eq!(
        ring.retired_grace_seconds() as u64,
        k["retired_grace_seconds"].as_u64().unwrap()
    );
    assert_eq!(*ring.export(None).unwrap(), unhex(&k["plain"]));
    assert_eq!(*ring.export(Some(&key)).unwrap(), unhex(&k["wrapped"]));
    let unwrapped = ServerKeyRing::import(&unhex(&k["wrapped"]), Some(&key)).unwrap();
    assert_eq!(*unwrapped.export(None).unwrap(), unhex(&k["plain"]));
    let m = &v["machine_state"];
    let machine = Machine::import(&unhex(&m["plain"]), None).unwrap();
    assert_eq!(machine.policy(), policy);
    assert_eq!(
        machine.identification_code().as_str(),
        s(&m["identification_code"])
    );
    assert_eq!(*machine.export(Some(&key)).unwrap(), unhex(&m["wrapped"]));
    let unwrapped = Machine::import(&unhex(&m["wrapped"]), Some(&key)).unwrap();
    assert_eq!(*unwrapped.export(None).unwrap(), unhex(&m["plain"]));
    for case in v["negative"].as_array().unwrap() {
        let bytes = unhex(&case["bytes"]);
        let what = s(&case["what"]);
        let key = (!case["wrapping_key"].is_null())
            .then(|| WrappingKey::from_bytes(&unhex(&case["wrapping_key"])).unwrap());
        let wrapping = key.as_ref();
        let expected = &case["result"];
        if s(&case["import_as"]).starts_with("machine") {
            let got = Machine::import(&bytes, wrapping).map(|_| ());
            check(what, got, expected, |_| json!(null));
        } else {
            let got = ServerKeyRing::import(&bytes, wrapping).map(|_| ());
            check(what, got, expected, |_| json!(null));
        }
    }
}

#[test]
fn replay_ledger_vectors() {
    let v = load("replay_ledger.json");
    let fingerprints = v["fingerprints"].as_array().unwrap();
    assert!(fingerprints.len() >= 5);
    for case in fingerprints {
        let account = Account::new(
            s(&case["username"]),
            s(&case["domain"]),
            &unhex(&case["sid"]),
        )
        .unwrap();
        assert_eq!(
            ReplayLedger::account_fingerprint(&account).to_vec(),
            unhex(&case["fingerprint"]),
            "{case}"
        );
    }
    // Same normalized names and SID, same fingerprint; another SID, another one.
    assert_eq!(
        fingerprints[0]["fingerprint"],
        fingerprints[1]["fingerprint"]
    );
    assert_ne!(
        fingerprints[0]["fingerprint"],
        fingerprints[2]["fingerprint"]
    );

    let machine_a = Machine::import(&unhex(&v["machine_a_state"]), None).unwrap();
    let machine_b = Machine::import(&unhex(&v["machine_b_state"]), None).unwrap();
    let key = WrappingKey::from_bytes(&unhex(&v["wrapping_key"])).unwrap();
    let mut ledger = ReplayLedger::new(&machine_a);
    let steps = v["sequence"].as_array().unwrap();
    for step in steps {
        let code = ResetCode::parse(s(&step["reset_code"])).unwrap();
        let got = Account::new(
            s(&step["username"]),
            s(&step["domain"]),
            &unhex(&step["sid"]),
        )
        .and_then(|account| {
            machine_a.redeem_reset_code(
                &mut ledger,
                &code,
                &account,
                s(&step["password"]),
                step["now"].as_i64().unwrap(),
            )
        });
        check(
            &format!("{step}"),
            got,
            &step["result"],
            |a| json!({"issued_at": a.issued_at, "expires_at": a.expires_at}),
        );
        assert_eq!(
            ledger.generation(),
            step["generation_after"].as_u64().unwrap()
        );
        assert_eq!(
            ledger.account_count() as u64,
            step["accounts_after"].as_u64().unwrap()
        );
        assert_eq!(
            ledger.code_count() as u64,
            step["codes_after"].as_u64().unwrap()
        );
        assert_eq!(*ledger.export(None).unwrap(), unhex(&step["export_after"]));
    }
    // The script covers every outcome a redeem can have on a ledger.
    for name in [
        "AlreadyUsed",
        "Superseded",
        "Rejected",
        "TooManyAttempts",
        "ClockSetBack",
        "Expired",
    ] {
        assert!(
            steps.iter().any(|st| st["result"]["error"]["name"] == name),
            "{name}"
        );
    }
    for case in v["imports"].as_array().unwrap() {
        let machine = if s(&case["machine"]) == "A" {
            &machine_a
        } else {
            &machine_b
        };
        let wrapping = case["wrapped"].as_bool().unwrap().then_some(&key);
        let got = ReplayLedger::import(
            &unhex(&case["bytes"]),
            wrapping,
            machine,
            case["minimum_generation"].as_u64().unwrap(),
        );
        check(
            s(&case["name"]),
            got,
            &case["result"],
            |l| json!({"generation": l.generation(), "accounts": l.account_count(), "codes": l.code_count()}),
        );
    }
}

/// Cc and Cf as PROTOCOL.md §5 lists them (Cf: Unicode 17.0.0), written out independently of the
/// library's generated table.
const CONTROL_OR_FORMAT: [(u32, u32); 23] = [
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// The problem §5 gives a one-character name, if any.
fn expected_problem(c: char) -> Option<NameProblem> {
    let cp = u32::from(c);
    if c.is_whitespace() {
        Some(NameProblem::SurroundingWhiteSpace)
    } else if CONTROL_OR_FORMAT
        .iter()
        .any(|&(a, b)| (a..=b).contains(&cp))
    {
        Some(NameProblem::ControlOrFormatCharacter)
    } else if c == '\\' {
        Some(NameProblem::QualifiedName)
    } else if "\"/[]:;|=,+*?<>".contains(c) {
        Some(NameProblem::ForbiddenCharacter)
    } else {
        None
    }
}

fn windows_upcase() -> std::collections::HashMap<u16, u16> {
    let v = load("windows-upcase/upcase.json");
    let unit = |h: &Value| u16::from_str_radix(s(h), 16).unwrap();
    let map: std::collections::HashMap<u16, u16> = v["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (unit(&m[0]), unit(&m[1])))
        .collect();
    assert_eq!(map.len() as u64, v["count"].as_u64().unwrap());
    map
}

/// Every one-character BMP name normalizes to the table's mapping or is refused for the reason
/// §5 states; so for one-character BMP names, library-equal is table-equal.
#[test]
fn windows_upcase_table_is_the_library_rule_over_the_bmp() {
    let table = windows_upcase();
    let mut classes: std::collections::HashMap<String, Vec<char>> = Default::default();
    let mut refused = 0;
    for c in (0..=0xFFFFu32).filter_map(char::from_u32) {
        let text = c.to_string();
        let problem = expected_problem(c);
        assert_eq!(name_problem(&text), problem, "U+{:04X}", u32::from(c));
        match Account::new(&text, "d", &VECTOR_SID) {
            Ok(account) => {
                assert_eq!(problem, None);
                let unit = u32::from(c) as u16;
                let mapped = table.get(&unit).copied().unwrap_or(unit);
                let mapped = char::from_u32(u32::from(mapped)).unwrap().to_string();
                assert_eq!(account.username(), mapped, "U+{:04X}", u32::from(c));
                classes.entry(mapped).or_default().push(c);
            }
            Err(e) => {
                assert_eq!(e, Error::InvalidUsername);
                assert!(problem.is_some(), "U+{:04X}", u32::from(c));
                refused += 1;
            }
        }
    }
    // 25 White_Space, 59 other controls, 43 BMP format characters, 15 forbidden characters.
    assert_eq!(refused, 25 + 59 + 43 + 15);
    assert!(classes.values().all(|class| class.len() <= 2));
    assert_eq!(
        classes.values().filter(|class| class.len() == 2).count(),
        table.len()
    );
}

#[test]
fn supplementary_characters_map_to_themselves() {
    for cp in (0x10000..=0x10FFFFu32)
        .step_by(7)
        .chain([0x10428, 0x1E922, 0x10FFFF])
    {
        let c = char::from_u32(cp).unwrap();
        let text = format!("{c}x");
        match expected_problem(c) {
            None => assert_eq!(
                Account::new(&text, "d", &VECTOR_SID).unwrap().username(),
                format!("{c}X"),
                "U+{cp:04X}"
            ),
            Some(p) => assert_eq!(name_problem(&text), Some(p)),
        }
    }
}

#[test]
fn deployment_package_byte_vectors() {
    let v = load("deployment_package.json");
    let cases = v["read_bytes"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        check(
            s(&case["what"]),
            DeploymentPackage::from_bytes(&unhex(&case["input_hex"])),
            &case["result"],
            |p| json!({"epoch": p.epoch(), "server_public": support::hex(&p.server_public_key())}),
        );
    }
}

#[test]
fn pasted_vectors() {
    let v = load("pasted.json");
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for case in cases {
        let input = s(&case["input"]);
        assert_eq!(support::hex(input.as_bytes()), s(&case["input_utf8"]));
        let what = format!("{} {}", s(&case["kind"]), s(&case["what"]));
        match s(&case["kind"]) {
            "identification_code" => check(
                &what,
                IdentificationCode::parse(input),
                &case["result"],
                |c| json!(c.as_str()),
            ),
            "reset_code" => check(&what, ResetCode::parse(input), &case["result"], |c| {
                json!(c.to_string())
            }),
            other => panic!("unknown kind {other}"),
        }
    }
}

#[test]
fn spelling_vectors() {
    let v = load("spelling.json");
    let english = SpellingTable::english();
    let words: Vec<&str> = v["english_table"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert_eq!(words.len(), 32);
    for (value, word) in words.iter().enumerate() {
        assert_eq!(english.word(value as u8), *word);
    }
    // The English table by hand: the NATO alphabet and digit names.
    assert_eq!(words[0], "zero");
    assert_eq!(words[9], "nine");
    assert_eq!(words[10], "Alfa");
    assert_eq!(words[29], "X-ray");
    assert_eq!(words[31], "Zulu");
    let german = SpellingTable::from_lines(s(&v["german_table"])).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let table = match s(&case["table"]) {
            "english" => &english,
            "german" => &german,
            other => panic!("unknown table {other}"),
        };
        let what = format!("{} {}", s(&case["table"]), s(&case["what"]));
        check(
            &what,
            spell_code(s(&case["input"]), table),
            &case["result"],
            |t| json!(t),
        );
    }
}

#[test]
fn identification_uri_vectors() {
    let v = load("identification_uri.json");
    let code = IdentificationCode::parse(s(&v["code"])).unwrap();
    for case in v["uris"].as_array().unwrap() {
        let base = s(&case["base_url"]);
        check(base, code.uri(base), &case["result"], |u| json!(u));
    }
    for case in v["reads"].as_array().unwrap() {
        let input = s(&case["input"]);
        check(
            input,
            IdentificationCode::parse_uri_or_code(input),
            &case["result"],
            |c| json!(c.as_str()),
        );
    }
}
