//! The test-vector generator, shared by `examples/generate_vectors.rs` (which writes
//! `tests/vectors/*.json`) and `tests/vectors.rs` (which fails when the committed files differ
//! from what the library produces now). Every secret comes from a fixed label through SHA-256, so
//! the files are reproducible byte for byte.

use offline_reset::code_text::{self, IDENTIFICATION_CODE_LAYOUT};
use offline_reset::key_schedule;
use offline_reset::primitives::{ecdh, PublicPoint, SecretScalar};
use offline_reset::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

#[path = "sid.rs"]
mod sid;
pub use sid::*;
#[path = "stored.rs"]
mod stored;

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 fixed bytes for a label.
pub fn fixed_bytes(label: &str) -> [u8; 32] {
    Sha256::digest(format!("offline-reset test vectors: {label}").as_bytes()).into()
}

pub fn fixed_scalar(label: &str) -> SecretScalar {
    SecretScalar::from_bytes(&fixed_bytes(label)).expect("fixed label gives a valid scalar")
}

pub fn fixed_wrapping_key() -> WrappingKey {
    let mut key = [0u8; 64];
    key[..32].copy_from_slice(&fixed_bytes("wrapping key, first half"));
    key[32..].copy_from_slice(&fixed_bytes("wrapping key, second half"));
    WrappingKey::from_bytes(&key).expect("64 bytes")
}

pub fn fixed_wrapping_key_bytes() -> Vec<u8> {
    let mut key = fixed_bytes("wrapping key, first half").to_vec();
    key.extend_from_slice(&fixed_bytes("wrapping key, second half"));
    key
}

/// 2026-11-18T00:00:00Z + 13:33:20.
pub const NOW: i64 = 1_795_000_000;

pub fn error_json(e: &Error) -> Value {
    let name = format!("{e:?}");
    let name = name
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut v = json!({ "name": name, "code": e.code() });
    match *e {
        Error::Mistyped { group } => v["group"] = json!(group),
        Error::UnsupportedVersion { found } => v["found"] = json!(found),
        Error::KeyRotated {
            code_epoch,
            current_epoch,
        } => {
            v["code_epoch"] = json!(code_epoch);
            v["current_epoch"] = json!(current_epoch);
        }
        Error::CodeBeforeRotation {
            code_epoch,
            machine_epoch,
        }
        | Error::RedeployNeeded {
            code_epoch,
            machine_epoch,
        } => {
            v["code_epoch"] = json!(code_epoch);
            v["machine_epoch"] = json!(machine_epoch);
        }
        _ => {}
    }
    v
}

fn result_json<T>(r: &Result<T>, ok: impl Fn(&T) -> Value) -> Value {
    match r {
        Ok(t) => json!({ "ok": ok(t) }),
        Err(e) => json!({ "error": error_json(e) }),
    }
}

/// Replaces the symbol at `index` (counting symbols, not separators) by `value`.
pub fn with_symbol(code: &str, index: usize, value: u8) -> String {
    let mut seen = 0;
    code.chars()
        .map(|c| {
            if c == '-' {
                return c;
            }
            let out = if seen == index {
                code_text::ALPHABET[value as usize] as char
            } else {
                c
            };
            seen += 1;
            out
        })
        .collect()
}

/// Swaps the symbols at `index` and `index + 1` (counting symbols, not separators).
pub fn with_swap(code: &str, index: usize) -> String {
    let symbols: Vec<char> = code.chars().filter(|&c| c != '-').collect();
    let mut swapped = symbols.clone();
    swapped.swap(index, index + 1);
    let mut out = String::new();
    for (i, c) in swapped.iter().enumerate() {
        if i > 0 && i % 8 == 0 {
            out.push('-');
        }
        out.push(*c);
    }
    out
}

fn symbol_at(code: &str, index: usize) -> u8 {
    let c = code.chars().filter(|&c| c != '-').nth(index).unwrap_or('0');
    code_text::symbol_value(c as u8).unwrap_or(0)
}

/// Encodes an arbitrary payload with valid group checks and whole-code check.
fn encode(layout: code_text::Layout, payload: &[u8]) -> String {
    let mut out = vec![0u8; layout.text_len()];
    code_text::encode(layout, payload, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Two substitutions in the first symbols of `group` that keep the group's own check valid, so
/// only the whole-code check can catch them.
fn double_mistake(code: &str, group: usize) -> String {
    let first = group * 8;
    let a = symbol_at(code, first);
    for new_a in (0..32u8).filter(|&v| v != a) {
        for new_b in 0..32u8 {
            let candidate = with_symbol(&with_symbol(code, first, new_a), first + 1, new_b);
            let symbols: Vec<u8> = candidate
                .chars()
                .filter(|&c| c != '-')
                .skip(first)
                .take(8)
                .map(|c| code_text::symbol_value(c as u8).unwrap_or(0))
                .collect();
            if candidate != code && code_text::group_sum(&symbols) == group as u8 {
                return candidate;
            }
        }
    }
    unreachable!("a GF(32) check always has such a pair")
}

fn parse_case_json<T>(input: &str, r: &Result<T>, text: impl Fn(&T) -> String) -> Value {
    json!({ "input": input, "result": result_json(r, |t| json!(text(t))) })
}

pub struct Fixture {
    pub policy: Policy,
    pub ring: ServerKeyRing,
    pub machine_a: Machine,
    pub machine_b: Machine,
}

/// The password cost of every vector: the cheapest the protocol allows, so that every
/// implementation checks the vectors quickly.
pub fn vector_password_cost() -> PasswordCost {
    PasswordCost::minimum()
}

/// The policy's JSON form (lifetime, clock skew, password cost).
pub fn policy_json(policy: &Policy) -> Value {
    let cost = policy.password_cost();
    json!({
        "reset_code_lifetime_minutes": policy.reset_code_lifetime_minutes(),
        "clock_skew_minutes": policy.clock_skew_minutes(),
        "failed_opens_per_code": policy.failed_opens_per_code(),
        "failed_opens_per_account": policy.failed_opens_per_account(),
        "password_cost": {
            "memory_kib": cost.memory_kib(),
            "iterations": cost.iterations(),
            "parallelism": cost.parallelism(),
        },
    })
}

pub fn fixture() -> Fixture {
    let policy = Policy::new(24 * 60, 10)
        .expect("valid policy")
        .with_password_cost(vector_password_cost());
    let ring = ServerKeyRing::from_secrets(
        policy,
        1,
        fixed_scalar("server key, epoch 1"),
        fixed_scalar("deployment signing key"),
    );
    let package = ring.deployment_package().expect("package");
    let machine_a =
        Machine::enroll_with_secret(&package, &fixed_scalar("machine A")).expect("enroll A");
    let machine_b =
        Machine::enroll_with_secret(&package, &fixed_scalar("machine B")).expect("enroll B");
    Fixture {
        policy,
        ring,
        machine_a,
        machine_b,
    }
}

fn key_schedule_vectors() -> Value {
    let mut cases = vec![];
    for (server_label, epoch, machine_label) in [
        ("server key, epoch 1", 1u16, "machine A"),
        ("server key, epoch 1", 1, "machine B"),
        ("server key, epoch 2", 2, "machine A"),
        ("server key, epoch 2047", 2047, "machine C"),
    ] {
        let server = fixed_scalar(server_label);
        let machine = fixed_scalar(machine_label);
        let server_public = server.public_compressed();
        let machine_x = machine.public_x();
        let z_machine = ecdh(&machine, &PublicPoint::from_sec1(&server_public).unwrap()).unwrap();
        let z_server = ecdh(&server, &PublicPoint::from_x(&machine_x).unwrap()).unwrap();
        assert_eq!(*z_machine, *z_server, "both sides agree");
        let prk = key_schedule::labeled_extract(b"", b"shared_secret", z_machine.as_ref());
        let key = key_schedule::derive_machine_key(&z_machine, epoch, &server_public, &machine_x)
            .unwrap();
        cases.push(json!({
            "epoch": epoch,
            "server_secret": hex(server.to_bytes().as_ref()),
            "server_public": hex(&server_public),
            "machine_secret": hex(machine.to_bytes().as_ref()),
            "machine_public_x": hex(&machine_x),
            "shared_secret": hex(z_machine.as_ref()),
            "prk": hex(prk.as_ref()),
            "machine_key": hex(key.as_bytes()),
        }));
    }
    json!({
        "description": "PROTOCOL.md §4: ECDH shared secret, labelled extract, machine key",
        "cases": cases,
    })
}

fn identification_code_vectors(f: &Fixture) -> Value {
    let mut valid = vec![];
    for (epoch, label) in [(1u16, "machine A"), (1, "machine B"), (2047, "machine C")] {
        let machine = fixed_scalar(label);
        let x = machine.public_x();
        let mut payload = code_text::header(epoch).to_vec();
        payload.extend_from_slice(&x);
        valid.push(json!({
            "epoch": epoch,
            "machine_secret": hex(machine.to_bytes().as_ref()),
            "machine_public_x": hex(&x),
            "payload": hex(&payload),
            "code": encode(IDENTIFICATION_CODE_LAYOUT, &payload),
        }));
    }
    let code = f.machine_a.identification_code().to_string();
    let mut inputs: Vec<String> = vec![
        code.clone(),
        code.to_lowercase(),
        code.replace('-', ""),
        code.replace('-', " "),
        format!("  {}  ", code.replace('-', " - ")),
        code.replace('0', "O").replace('1', "l"),
        code.replace('1', "I").replace('0', "o"),
    ];
    for group in 0..8 {
        let index = group * 8 + 3;
        let v = symbol_at(&code, index);
        inputs.push(with_symbol(&code, index, (v + 1) % 32));
    }
    for index in [0usize, 6, 7, 30, 62] {
        let swapped = with_swap(&code, index);
        if swapped != code {
            inputs.push(swapped);
        }
    }
    inputs.push(double_mistake(&code, 2));
    inputs.push(code.replacen(&code[9..10], "U", 1));
    inputs.push(format!("{}*", &code[..code.len() - 1]));
    inputs.push(code[..code.len() - 1].to_owned());
    inputs.push(format!("{code}0"));
    inputs.push(String::new());
    inputs.push(format!("{}Ä{}", &code[..20], &code[21..]));
    let mut v2 = code_text::header(1);
    v2[0] = (2 << 3) | (v2[0] & 7);
    let mut payload = v2.to_vec();
    payload.extend_from_slice(f.machine_a.identification_code().machine_public_x());
    inputs.push(encode(IDENTIFICATION_CODE_LAYOUT, &payload));
    inputs.push(format!("2{}", &code[1..code.len() - 1]));
    inputs.push(format!(" - 2{}", &code[1..code.len() - 1]));
    inputs.push(format!("O{}", &code[1..code.len() - 1]));
    let mut payload = code_text::header(0).to_vec();
    payload.extend_from_slice(f.machine_a.identification_code().machine_public_x());
    inputs.push(encode(IDENTIFICATION_CODE_LAYOUT, &payload));
    let parse: Vec<Value> = inputs
        .iter()
        .map(|input| parse_case_json(input, &IdentificationCode::parse(input), |c| c.to_string()))
        .collect();
    json!({
        "description": "PROTOCOL.md §6: identification codes, and how typed text parses",
        "valid": valid,
        "parse": parse,
    })
}

fn account_json(username: &str, domain: &str) -> Value {
    json!({"username": username, "domain": domain, "sid": hex(&VECTOR_SID)})
}

fn reset_code_vectors(f: &Fixture) -> Value {
    let id = f.machine_a.identification_code();
    let seal_inputs = [
        ("help-desk", "alice", "CORP", "Winter-Tulip-42", NOW),
        (
            "self-service",
            "Jürgen",
            "ÖSTERREICH",
            "Grüße aus Wien 🏔",
            NOW + 3600,
        ),
        ("dotted-i", "İstanbul", "ist", "pässwörd", NOW + 86_400),
        ("at-origin", "bob", "X", "p", TIME_ORIGIN_UNIX),
    ];
    let mut cases = vec![];
    for (name, username, domain, password, now) in seal_inputs {
        let account = Account::new(username, domain, &VECTOR_SID).unwrap();
        let code = f
            .ring
            .seal_reset_code(&id, &account, password, now)
            .unwrap();
        let parsed = ResetCode::parse(code.as_str()).unwrap();
        let machine_x = id.machine_public_x();
        let salt = key_schedule::password_salt(1, machine_x, &account);
        let binding = key_schedule::password_binding(
            f.policy.password_cost(),
            1,
            machine_x,
            &account,
            password.as_bytes(),
        )
        .unwrap();
        let issued_at = now - (now - TIME_ORIGIN_UNIX).rem_euclid(60);
        let lifetime = i64::from(f.policy.reset_code_lifetime_minutes()) * 60;
        let skew = i64::from(f.policy.clock_skew_minutes()) * 60;
        let upper_user = username.to_uppercase();
        let lower_domain = domain.to_lowercase();
        let mut opens: Vec<(&str, String, String, String, i64)> = vec![
            (
                "exact",
                username.into(),
                domain.into(),
                password.into(),
                now,
            ),
            (
                "case",
                upper_user.clone(),
                lower_domain.clone(),
                password.into(),
                now,
            ),
            (
                "padded",
                format!(" {username} "),
                format!("{domain}\t"),
                password.into(),
                now,
            ),
            (
                "wrong password",
                username.into(),
                domain.into(),
                format!("{password}!"),
                now,
            ),
            (
                "password case",
                username.into(),
                domain.into(),
                password.to_uppercase(),
                now,
            ),
            (
                "wrong username",
                format!("{username}x"),
                domain.into(),
                password.into(),
                now,
            ),
            (
                "wrong domain",
                username.into(),
                format!("{domain}X"),
                password.into(),
                now,
            ),
            (
                "last valid second",
                username.into(),
                domain.into(),
                password.into(),
                issued_at + lifetime + skew - 1,
            ),
            (
                "expired",
                username.into(),
                domain.into(),
                password.into(),
                issued_at + lifetime + skew,
            ),
            (
                "earliest",
                username.into(),
                domain.into(),
                password.into(),
                issued_at - skew,
            ),
            (
                "not yet valid",
                username.into(),
                domain.into(),
                password.into(),
                issued_at - skew - 1,
            ),
            (
                "empty password",
                username.into(),
                domain.into(),
                String::new(),
                now,
            ),
        ];
        if password.to_uppercase() == password {
            opens.retain(|o| o.0 != "password case");
        }
        // (what, username, domain, password, now, SID)
        #[allow(clippy::type_complexity)]
        let mut opens: Vec<(&str, String, String, String, i64, [u8; 28])> = opens
            .into_iter()
            .map(|(what, u, d, p, t)| (what, u, d, p, t, VECTOR_SID))
            .collect();
        opens.push((
            "same names, another account's SID",
            username.into(),
            domain.into(),
            password.into(),
            now,
            OTHER_SID,
        ));
        let opens: Vec<Value> = opens
            .into_iter()
            .map(|(what, u, d, p, t, sid)| {
                let result = Account::new(&u, &d, &sid)
                    .and_then(|a| f.machine_a.open_reset_code_for_diagnostics(&parsed, &a, &p, t));
                json!({
                    "what": what, "username": u, "domain": d, "sid": hex(&sid), "password": p, "now": t,
                    "result": result_json(&result, |r| json!({"issued_at": r.issued_at, "expires_at": r.expires_at})),
                })
            })
            .collect();
        let other = f
            .machine_b
            .open_reset_code_for_diagnostics(&parsed, &account, password, now);
        let mut sealed_plaintext = ((((issued_at - TIME_ORIGIN_UNIX) / 60) as u64) << 14
            | u64::from(f.policy.reset_code_lifetime_minutes()))
        .to_be_bytes()[3..]
            .to_vec();
        sealed_plaintext.truncate(5);
        cases.push(json!({
            "name": name,
            "identification_code": id.to_string(),
            "username": username,
            "domain": domain,
            "sid": hex(&VECTOR_SID),
            "normalized_username": account.username(),
            "normalized_domain": account.offline_domain(),
            "password": password,
            "password_utf8": hex(password.as_bytes()),
            "password_salt": hex(&salt),
            "password_binding": hex(binding.as_ref()),
            "now": now,
            "plaintext": hex(&sealed_plaintext),
            "reset_code": code.to_string(),
            "opens_on_machine_a": opens,
            "opens_on_machine_b": result_json(&other, |_| json!(null)),
        }));
    }

    // Typing mistakes on one reset code.
    let account = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let code = f
        .ring
        .seal_reset_code(&id, &account, "Winter-Tulip-42", NOW)
        .unwrap()
        .to_string();
    let mut inputs = vec![code.to_lowercase(), code.replace('-', "")];
    for index in [0usize, 9, 18, 27, 36, 41, 43] {
        let v = symbol_at(&code, index);
        inputs.push(with_symbol(&code, index, v ^ 0x10));
    }
    for index in [1usize, 7, 15, 40, 42] {
        let swapped = with_swap(&code, index);
        if swapped != code {
            inputs.push(swapped);
        }
    }
    inputs.push(double_mistake(&code, 1));
    inputs.push(code[..code.len() - 1].to_owned());
    inputs.push(f.machine_a.identification_code().to_string());
    let parse: Vec<Value> = inputs
        .iter()
        .map(|input| parse_case_json(input, &ResetCode::parse(input), |c| c.to_string()))
        .collect();

    // Key rotation, both sides.
    let mut rotated = f.ring.clone();
    rotated
        .rotate_to_secret(NOW, fixed_scalar("server key, epoch 2"))
        .unwrap();
    let refused = rotated.seal_reset_code(&id, &account, "Winter-Tulip-42", NOW);
    let at = |now: i64, result: Value| json!({"now": now, "result": result});
    let mut graceful = f.ring.clone();
    graceful.set_retired_grace_seconds(3600).unwrap();
    graceful
        .rotate_to_secret(NOW, fixed_scalar("server key, epoch 2"))
        .unwrap();
    let in_grace = graceful.seal_reset_code(&id, &account, "Winter-Tulip-42", NOW + 3599);
    let after_grace = graceful.seal_reset_code(&id, &account, "Winter-Tulip-42", NOW + 3600);
    let package2 = rotated.deployment_package().unwrap();
    let machine_a2 =
        Machine::enroll_with_secret(&package2, &fixed_scalar("machine A, epoch 2")).unwrap();
    let code2 = rotated
        .seal_reset_code(
            &machine_a2.identification_code(),
            &account,
            "Winter-Tulip-42",
            NOW,
        )
        .unwrap();
    let old_machine_new_code =
        f.machine_a
            .open_reset_code_for_diagnostics(&code2, &account, "Winter-Tulip-42", NOW);
    let old_code = ResetCode::parse(&code).unwrap();
    let new_machine_old_code =
        machine_a2.open_reset_code_for_diagnostics(&old_code, &account, "Winter-Tulip-42", NOW);
    let text = |r: &ResetCode| json!(r.to_string());
    let seal_edges = seal_edge_cases(f);
    json!({
        "description": "PROTOCOL.md §7: reset codes sealed by the server key ring and opened on machine A (and B)",
        "server_secret": hex(fixed_scalar("server key, epoch 1").to_bytes().as_ref()),
        "signing_secret": hex(fixed_scalar("deployment signing key").to_bytes().as_ref()),
        "epoch": 1,
        "policy": policy_json(&f.policy),
        "machine_a_secret": hex(fixed_scalar("machine A").to_bytes().as_ref()),
        "machine_b_secret": hex(fixed_scalar("machine B").to_bytes().as_ref()),
        "cases": cases,
        "parse": parse,
        "seal_edge_cases": seal_edges,
        "rotation": {
            "epoch_2_server_secret": hex(fixed_scalar("server key, epoch 2").to_bytes().as_ref()),
            "epoch_2_machine_a_secret": hex(fixed_scalar("machine A, epoch 2").to_bytes().as_ref()),
            "rotated_at": NOW,
            "account": account_json("alice", "CORP"),
            "password": "Winter-Tulip-42",
            "seal_old_id_no_grace": at(NOW, result_json(&refused, text)),
            "seal_old_id_grace_3600_at_plus_3599": at(NOW + 3599, result_json(&in_grace, text)),
            "seal_old_id_grace_3600_at_plus_3600": at(NOW + 3600, result_json(&after_grace, text)),
            "epoch_2_identification_code": machine_a2.identification_code().to_string(),
            "epoch_2_reset_code": at(NOW, json!(code2.to_string())),
            "open_epoch_2_code_on_epoch_1_machine": at(NOW, result_json(&old_machine_new_code, |_| json!(null))),
            "epoch_1_reset_code": code,
            "open_epoch_1_code_on_epoch_2_machine": at(NOW, result_json(&new_machine_old_code, |_| json!(null))),
        },
    })
}

/// Sealing at the edges of time and with identification codes the ring cannot use.
fn seal_edge_cases(f: &Fixture) -> Value {
    let id = f.machine_a.identification_code();
    let account = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let last_second = TIME_ORIGIN_UNIX + ((1i64 << 26) - 1) * 60 + 59;
    let mut x_not_on_curve = [0u8; 32];
    x_not_on_curve[31] = 1;
    assert!(PublicPoint::from_x(&x_not_on_curve).is_err());
    let with_payload = |epoch: u16, x: &[u8; 32]| {
        let mut payload = code_text::header(epoch).to_vec();
        payload.extend_from_slice(x);
        encode(IDENTIFICATION_CODE_LAYOUT, &payload)
    };
    let cases = [
        (
            "one second before the time origin",
            id.to_string(),
            "pw",
            TIME_ORIGIN_UNIX - 1,
        ),
        (
            "the last second that can be sealed",
            id.to_string(),
            "pw",
            last_second,
        ),
        (
            "one second after that",
            id.to_string(),
            "pw",
            last_second + 1,
        ),
        (
            "x(M) = 1 is not on the curve",
            with_payload(1, &x_not_on_curve),
            "pw",
            NOW,
        ),
        ("epoch 0", with_payload(0, id.machine_public_x()), "pw", NOW),
        (
            "epoch 2, not yet in the ring",
            with_payload(2, id.machine_public_x()),
            "pw",
            NOW,
        ),
        ("empty password", id.to_string(), "", NOW),
        (
            "password of 1025 bytes",
            id.to_string(),
            &"x".repeat(1025),
            NOW,
        ),
    ];
    let cases: Vec<Value> = cases
        .iter()
        .map(|(what, code, password, now)| {
            let result = IdentificationCode::parse(code)
                .and_then(|id| f.ring.seal_reset_code(&id, &account, password, *now));
            json!({
                "what": what, "identification_code": code, "username": "alice", "domain": "CORP",
                "sid": hex(&VECTOR_SID), "password": password, "now": now,
                "result": result_json(&result, |r| json!(r.to_string())),
            })
        })
        .collect();
    json!(cases)
}

fn account_vectors() -> Value {
    // (what, username, domain): each a case of PROTOCOL.md §5.
    let pairs: Vec<(String, String, String)> = [
        ("ASCII", "alice", "CORP"),
        ("ASCII, other case", "ALICE", "corp"),
        ("umlaut", "Jürgen", "ÖSTERREICH"),
        ("umlaut, other case", "JÜRGEN", "österreich"),
        ("sharp s stays", "straße", "de"),
        ("SS is another name", "STRASSE", "de"),
        ("dotless i maps to itself", "ıvan", "tr"),
        ("IVAN is another name", "IVAN", "tr"),
        ("admın (U+0131)", "admın", "d"),
        ("admin", "admin", "d"),
        ("dotted capital I", "İstanbul", "tr"),
        ("istanbul", "istanbul", "TR"),
        ("sigma", "σ", "gr"),
        ("capital sigma", "Σ", "gr"),
        ("final sigma maps to itself", "ς", "gr"),
        ("fi ligature maps to itself", "ﬁnn", "d"),
        ("finn", "finn", "d"),
        ("long s maps to itself", "ſven", "d"),
        ("sven", "sven", "d"),
        ("micro sign maps to itself", "µser", "d"),
        ("Greek mu", "μser", "d"),
        ("titlecase digraph maps to itself", "ǅ", "d"),
        ("precomposed", "J\u{fc}rgen", "d"),
        ("decomposed: no normalization form", "Ju\u{308}rgen", "d"),
        ("outside the BMP: maps to itself", "\u{10428}", "d"),
        ("grows in UTF-8: U+0250 to U+2C6F", "\u{250}", "d"),
        ("inner space", "al ice", "corp"),
        ("@ is allowed", "alice@corp.example", "corp"),
        ("no-break space at the end", "alice\u{a0}", "corp"),
        ("qualified name", "CORP\\alice", "corp"),
        ("empty username", "", "corp"),
        ("empty domain", "alice", ""),
        ("leading space", " alice", "corp"),
        ("trailing tab in domain", "alice", "corp\t"),
        ("ideographic space", "\u{3000}alice", "corp"),
        ("both invalid: username first", " alice", ""),
        ("NUL", "a\u{0}b", "corp"),
        ("line feed in domain", "alice", "co\nrp"),
        ("NEL inside", "al\u{85}ice", "corp"),
        ("zero-width space", "al\u{200b}ice", "corp"),
        ("byte order mark", "\u{feff}alice", "corp"),
        ("soft hyphen", "al\u{ad}ice", "corp"),
        ("right-to-left override", "al\u{202e}ice", "corp"),
        ("word joiner in domain", "alice", "co\u{2060}rp"),
        ("tag character", "alice\u{e0041}", "corp"),
        ("line separator inside", "al\u{2028}ice", "corp"),
        ("paragraph separator inside", "al\u{2029}ice", "corp"),
        ("longest", "a".repeat(256).as_str(), "d"),
        ("too long", "a".repeat(257).as_str(), "d"),
        (
            "too long once normalized",
            "\u{250}".repeat(86).as_str(),
            "d",
        ),
    ]
    .iter()
    .map(|(w, u, d)| (w.to_string(), u.to_string(), d.to_string()))
    .chain(FORBIDDEN_NAME_CHARACTERS.iter().map(|c| {
        (
            format!("forbidden character {c}"),
            format!("al{c}ice"),
            "corp".to_string(),
        )
    }))
    .collect();
    let accounts: Vec<Value> = pairs
        .iter()
        .map(|(what, u, d)| {
            let r = Account::new(u, d, &VECTOR_SID);
            json!({
                "what": what,
                "username": u,
                "domain": d,
                "username_problem": name_problem(u).map(|p| format!("{p:?}")),
                "domain_problem": name_problem(d).map(|p| format!("{p:?}")),
                "result": result_json(&r, |a| json!({"username": a.username(), "domain": a.offline_domain()})),
            })
        })
        .collect();
    let mut fqdns: Vec<String> = vec![
        "corp.example.com".into(),
        "Corp".into(),
        "österreich.example".into(),
        " corp.example.com".into(),
        "corp.example.com ".into(),
        "corp.example.com\u{a0}".into(),
        "".into(),
        ".example.com".into(),
        "co rp.example".into(),
        "co:rp.example".into(),
        "co\u{200b}rp.example".into(),
    ];
    for dot in ['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'] {
        fqdns.push(format!("corp{dot}example{dot}com"));
        fqdns.push(format!("{dot}example"));
    }
    let defaults: Vec<Value> = fqdns
        .iter()
        .map(
            |q| json!({"fqdn": q, "result": result_json(&default_offline_domain(q), |d| json!(d))}),
        )
        .collect();
    json!({
        "description": "PROTOCOL.md §5: account normalization (Windows upper-case table tests/vectors/windows-upcase/upcase.json, one UTF-16 code unit to one), the name problems (reported in this order: Empty, SurroundingWhiteSpace, ControlOrFormatCharacter, LineOrParagraphSeparator, QualifiedName, ForbiddenCharacter, TooLong) and the default offline domain",
        "accounts": accounts,
        "default_offline_domain": defaults,
    })
}

fn flip(bytes: &[u8], index: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[index] ^= 0x01;
    out
}

fn with_fixed_crc(bytes: &[u8]) -> Vec<u8> {
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let mut out = bytes[..bytes.len() - 4].to_vec();
    let sum = crc.checksum(&out);
    out.extend_from_slice(&sum.to_be_bytes());
    out
}

fn stored_object_vectors(f: &Fixture) -> Value {
    let key = fixed_wrapping_key();
    let other_key = WrappingKey::from_bytes(&[7u8; 64]).unwrap();
    let mut ring = f.ring.clone();
    ring.set_retired_grace_seconds(7 * 86_400).unwrap();
    ring.rotate_to_secret(NOW, fixed_scalar("server key, epoch 2"))
        .unwrap();
    let ring_plain = ring.export(None).unwrap().to_vec();
    let ring_wrapped = ring.export(Some(&key)).unwrap().to_vec();
    let machine_plain = f.machine_a.export(None).unwrap().to_vec();
    let machine_wrapped = f.machine_a.export(Some(&key)).unwrap().to_vec();

    let ring_import = |bytes: &[u8], k: Option<&WrappingKey>| {
        result_json(
            &ServerKeyRing::import(bytes, k),
            |r| json!({"epochs": r.epochs(), "reexport_equal": *r.export(None).unwrap() == ring_plain}),
        )
    };
    let machine_import = |bytes: &[u8], k: Option<&WrappingKey>| {
        result_json(
            &Machine::import(bytes, k),
            |m| json!({"identification_code": m.identification_code().to_string()}),
        )
    };
    let mut unsupported = ring_plain.clone();
    unsupported[3] = 2;
    let mut bad_magic = ring_plain.clone();
    bad_magic[0] = b'X';
    let key_hex = || Some(hex(&fixed_wrapping_key_bytes()));
    let other_hex = || Some(hex(&[7u8; 64]));
    let plain = machine_plain.clone();
    let wrapped = machine_wrapped.clone();
    let short = plain[..plain.len() - 1].to_vec();
    let trailing = [plain.clone(), vec![0]].concat();
    let refixed = with_fixed_crc(&flip(&wrapped, 40));
    let mut second_half = fixed_wrapping_key_bytes();
    second_half[63] ^= 1;
    let second_half_key = WrappingKey::from_bytes(&second_half).unwrap();
    // The server public key stored with the SEC1 "compact" tag 0x05 (not a SEC1 §2.3.3 encoding).
    let mut compact_tag = plain.clone();
    compact_tag[12] = 0x05;
    let compact_tag = with_fixed_crc(&compact_tag);
    type Negative = (&'static str, &'static str, Vec<u8>, Option<String>, Value);
    let negatives: Vec<Negative> = vec![
        (
            "machine state",
            "truncated by one byte",
            short.clone(),
            None,
            machine_import(&short, None),
        ),
        (
            "machine state",
            "truncated to 5 bytes",
            plain[..5].to_vec(),
            None,
            machine_import(&plain[..5], None),
        ),
        (
            "machine state",
            "one bit flipped in the body",
            flip(&plain, 20),
            None,
            machine_import(&flip(&plain, 20), None),
        ),
        (
            "machine state",
            "trailing byte",
            trailing.clone(),
            None,
            machine_import(&trailing, None),
        ),
        (
            "machine state",
            "a key ring given as machine state",
            ring_plain.clone(),
            None,
            machine_import(&ring_plain, None),
        ),
        (
            "machine state",
            "plain object with a wrapping key",
            plain.clone(),
            key_hex(),
            machine_import(&plain, Some(&key)),
        ),
        (
            "machine state",
            "wrapped object without a wrapping key",
            wrapped.clone(),
            None,
            machine_import(&wrapped, None),
        ),
        (
            "machine state",
            "wrong wrapping key",
            wrapped.clone(),
            other_hex(),
            machine_import(&wrapped, Some(&other_key)),
        ),
        (
            "machine state",
            "wrapping key wrong in its last byte only",
            wrapped.clone(),
            Some(hex(&second_half)),
            machine_import(&wrapped, Some(&second_half_key)),
        ),
        (
            "machine state",
            "server public key with tag 0x05, CRC-32 recomputed",
            compact_tag.clone(),
            None,
            machine_import(&compact_tag, None),
        ),
        (
            "machine state",
            "ciphertext bit flipped, CRC-32 recomputed (AES-SIV catches it)",
            refixed.clone(),
            key_hex(),
            machine_import(&refixed, Some(&key)),
        ),
        (
            "machine state",
            "ciphertext bit flipped (the CRC-32 catches it)",
            flip(&wrapped, 40),
            key_hex(),
            machine_import(&flip(&wrapped, 40), Some(&key)),
        ),
        (
            "server key ring",
            "format version 2",
            unsupported.clone(),
            None,
            ring_import(&unsupported, None),
        ),
        (
            "server key ring",
            "not an offline-reset object",
            bad_magic.clone(),
            None,
            ring_import(&bad_magic, None),
        ),
        (
            "server key ring",
            "empty",
            vec![],
            None,
            ring_import(&[], None),
        ),
        (
            "server key ring",
            "a machine state given as key ring",
            plain.clone(),
            None,
            ring_import(&plain, None),
        ),
        (
            "server key ring",
            "wrong wrapping key",
            ring_wrapped.clone(),
            other_hex(),
            ring_import(&ring_wrapped, Some(&other_key)),
        ),
    ];
    let negatives: Vec<Value> = negatives
        .into_iter()
        .map(|(expects, what, bytes, wrapping_key, result)| {
            json!({"import_as": expects, "what": what, "bytes": hex(&bytes), "wrapping_key": wrapping_key, "result": result})
        })
        .collect();
    json!({
        "description": "PROTOCOL.md §9: stored objects (envelopes), plain and wrapped, and how damaged ones are refused",
        "wrapping_key": hex(&fixed_wrapping_key_bytes()),
        "server_key_ring": {
            "policy": policy_json(&f.policy),
            "retired_grace_seconds": 7 * 86_400,
            "epoch_1_secret": hex(fixed_scalar("server key, epoch 1").to_bytes().as_ref()),
            "epoch_2_secret": hex(fixed_scalar("server key, epoch 2").to_bytes().as_ref()),
            "signing_secret": hex(fixed_scalar("deployment signing key").to_bytes().as_ref()),
            "rotated_at": NOW,
            "plain": hex(&ring_plain),
            "wrapped": hex(&ring_wrapped),
        },
        "machine_state": {
            "machine_secret": hex(fixed_scalar("machine A").to_bytes().as_ref()),
            "identification_code": f.machine_a.identification_code().to_string(),
            "plain": hex(&machine_plain),
            "wrapped": hex(&machine_wrapped),
        },
        "negative": negatives,
    })
}

fn deployment_package_vectors(f: &Fixture) -> Value {
    let package = f.ring.deployment_package().unwrap();
    let text = package.to_text();
    let mut corrupted: Vec<char> = text.chars().collect();
    corrupted[30] = if corrupted[30] == 'A' { 'B' } else { 'A' };
    let corrupted: String = corrupted.into_iter().collect();
    let machine_text = {
        // A machine state spelled like a package: right format, wrong kind.
        let bytes = f.machine_a.export(None).unwrap().to_vec();
        let mut spec = data_encoding::Specification::new();
        spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
        spec.encoding().unwrap().encode(&bytes)
    };
    let u_in_front_label = format!(
        "UU in front: {} characters ({} modulo 8), length checked first",
        text.len() + 2,
        (text.len() + 2) % 8
    );
    let extra_u_label = format!(
        "an extra U: {} characters, {} modulo 8",
        text.len() + 1,
        (text.len() + 1) % 8
    );
    let replaced_label = format!("last character replaced by U: {} characters", text.len());
    let inputs: Vec<(&str, String)> = vec![
        ("canonical", text.clone()),
        (
            "lower case with spaces",
            text.to_lowercase()
                .chars()
                .collect::<Vec<_>>()
                .chunks(8)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        ("one character changed", corrupted),
        ("last 8 characters cut", text[..text.len() - 8].to_owned()),
        ("last character cut", text[..text.len() - 1].to_owned()),
        (
            "character outside the alphabet",
            format!("{}U{}", &text[..10], &text[11..]),
        ),
        ("machine state", machine_text),
        (&*extra_u_label, format!("{text}U")),
        (&*replaced_label, format!("{}U", &text[..text.len() - 1])),
        ("empty", String::new()),
        (
            "first 84 characters and é: 85 characters (86 bytes), é not a symbol",
            format!("{}é", &text[..84]),
        ),
        (&*u_in_front_label, format!("UU{text}")),
        ("UTF-8 byte order mark in front", format!("\u{FEFF}{text}")),
        (
            "CRLF line breaks every 16 characters",
            text.as_bytes()
                .chunks(16)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\r\n")
                + "\r\n",
        ),
        (
            "full width, no-break spaces and en dashes",
            text.chars()
                .map(full_width)
                .collect::<Vec<_>>()
                .chunks(8)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("\u{00A0}\u{2013}"),
        ),
    ];
    let utf16 = |big_endian: bool, bom: bool| -> Vec<u8> {
        bom.then_some(0xFEFFu16)
            .into_iter()
            .chain(text.encode_utf16())
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    let mut ill_formed = text.as_bytes().to_vec();
    ill_formed[40] = 0xC3;
    let byte_inputs: Vec<(&str, Vec<u8>)> = vec![
        ("UTF-8", text.as_bytes().to_vec()),
        (
            "UTF-8 with byte order mark and CRLF",
            format!("\u{FEFF}{text}\r\n").into_bytes(),
        ),
        ("UTF-16LE with byte order mark", utf16(false, true)),
        ("UTF-16LE without byte order mark", utf16(false, false)),
        ("UTF-16BE with byte order mark", utf16(true, true)),
        ("UTF-16BE without byte order mark", utf16(true, false)),
        ("ill-formed UTF-8 (a lone C3 byte)", ill_formed),
        ("one NUL byte: not UTF-16 (k = 0)", vec![0]),
    ];
    // Signature checks (§8 step 4): bytes changed after signing, the CRC made right again.
    let resigned = |edit: &dyn Fn(&mut [u8])| -> String {
        let mut bytes = package.to_bytes();
        let end = bytes.len() - 4;
        edit(&mut bytes[10..end]);
        let crc = stored::crc32(&bytes[..end]);
        bytes[end..].copy_from_slice(&crc.to_be_bytes());
        stored::base32(&bytes)
    };
    let signature_cases: Vec<(&str, String)> = vec![
        ("signature's last byte changed", resigned(&|b| b[184] ^= 1)),
        ("lifetime changed after signing", resigned(&|b| b[36] ^= 1)),
        ("signature all zero", resigned(&|b| b[121..].fill(0))),
        (
            "signature with s = n (out of range)",
            resigned(&|b| b[153..].copy_from_slice(&P256_ORDER)),
        ),
    ];
    let inputs: Vec<(&str, String)> = inputs.into_iter().chain(signature_cases).collect();
    let read_bytes: Vec<Value> = byte_inputs
        .into_iter()
        .map(|(what, input)| {
            let r = DeploymentPackage::from_bytes(&input);
            json!({"what": what, "input_hex": hex(&input), "result": result_json(&r, |p| json!({"epoch": p.epoch(), "server_public": hex(&p.server_public_key())}))})
        })
        .collect();
    let parse: Vec<Value> = inputs
        .into_iter()
        .map(|(what, input)| {
            let r = DeploymentPackage::from_text(&input);
            json!({"what": what, "input": input, "result": result_json(&r, |p| json!({"epoch": p.epoch(), "server_public": hex(&p.server_public_key())}))})
        })
        .collect();
    let bytes = package.to_bytes();
    json!({
        "description": "PROTOCOL.md §8: the deployment package, signed by the key ring's \
            signing key (signing_secret); signed_message is the label and the signed part, \
            signature its ECDSA P-256/SHA-256 signature (RFC 6979), fingerprint the SHA-256 of \
            the envelope bytes",
        "epoch": package.epoch(),
        "server_public": hex(&package.server_public_key()),
        "policy": policy_json(&package.policy()),
        "signing_secret": hex(fixed_scalar("deployment signing key").to_bytes().as_ref()),
        "signer": hex(&package.signer()),
        "next_signer": hex(&package.next_signer()),
        "signed_message": hex(&[b"offline-reset-v1 deployment package".as_slice(), &bytes[10..10 + 121]].concat()),
        "signature": hex(&bytes[10 + 121..10 + 185]),
        "envelope": hex(&bytes),
        "fingerprint": package.fingerprint(),
        "text": text,
        "parse": parse,
        "read_bytes": read_bytes,
    })
}

/// The P-256 group order n, big-endian.
const P256_ORDER: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

fn full_width(c: char) -> char {
    match c {
        '0'..='9' | 'A'..='Z' | 'a'..='z' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
        '-' => '\u{FF0D}',
        _ => c,
    }
}

/// What people paste (§3.1): separators, full-width forms, line breaks, a byte order mark.
fn pasted_vectors(f: &Fixture) -> Value {
    let id = f.machine_a.identification_code().to_string();
    let account = Account::new("alice", "CORP", &VECTOR_SID).expect("account");
    let reset = f
        .ring
        .seal_reset_code(
            &f.machine_a.identification_code(),
            &account,
            "Winter-Tulip-42",
            NOW,
        )
        .expect("seal")
        .to_string();
    let mut cases = vec![];
    for (kind, code) in [("identification_code", &id), ("reset_code", &reset)] {
        let joined = |sep: &str| code.replace('-', sep);
        let mut inputs: Vec<(String, String)> = vec![
            ("trailing LF".into(), format!("{code}\n")),
            ("trailing CRLF".into(), format!("{code}\r\n")),
            ("tab between groups".into(), joined("\t")),
            ("U+00A0 no-break space".into(), joined("\u{00A0}")),
            ("U+2013 en dash".into(), joined("\u{2013}")),
            ("U+2212 minus sign".into(), joined("\u{2212}")),
            ("U+00AD soft hyphen".into(), joined("\u{00AD}")),
            ("U+200B zero-width space".into(), joined("\u{200B}")),
            (
                "U+FEFF byte order mark in front".into(),
                format!("\u{FEFF}{code}"),
            ),
            (
                "full-width letters, digits and hyphens".into(),
                code.chars().map(full_width).collect(),
            ),
            (
                "full-width lower case".into(),
                code.to_lowercase().chars().map(full_width).collect(),
            ),
            ("U+3000 ideographic space".into(), joined("\u{3000}")),
            (
                "everything at once".into(),
                format!(
                    "\u{FEFF} {}\u{200D}\r\n",
                    code.to_lowercase()
                        .replace('-', "\u{2010}\u{2060}")
                        .chars()
                        .enumerate()
                        .map(|(i, c)| if i % 2 == 0 { full_width(c) } else { c })
                        .collect::<String>()
                ),
            ),
        ];
        let index = 2 * 8 + 3;
        let v = symbol_at(code, index);
        inputs.push((
            "substitution in group 3, no-break spaces".into(),
            with_symbol(code, index, (v + 1) % 32).replace('-', "\u{00A0}"),
        ));
        inputs.push((
            "swap across groups 1 and 2, en dashes".into(),
            with_swap(code, 7).replace('-', "\u{2013}"),
        ));
        let two = with_symbol(code, 8 + 2, (symbol_at(code, 8 + 2) + 1) % 32);
        inputs.push((
            "substitutions in groups 2 and 3: group 2 is named".into(),
            with_symbol(&two, 16 + 5, (symbol_at(code, 16 + 5) + 1) % 32),
        ));
        let mut chars: Vec<char> = code.chars().collect();
        chars[9 + 4] = '\u{FF0A}';
        inputs.push((
            "U+FF0A full-width asterisk in group 2: not a symbol".into(),
            chars.iter().collect(),
        ));
        let mut chars: Vec<char> = code.chars().collect();
        chars[4] = '\u{FF35}';
        inputs.push((
            "U+FF35 full-width U in group 1: not a symbol".into(),
            chars.iter().collect(),
        ));
        inputs.push((
            "U+2061 (not a separator) between groups: one position too many".into(),
            code.replacen('-', "\u{2061}", 1),
        ));
        for (what, input) in inputs {
            let result = match kind {
                "identification_code" => {
                    result_json(&IdentificationCode::parse(&input), |c| json!(c.to_string()))
                }
                _ => result_json(&ResetCode::parse(&input), |c| json!(c.to_string())),
            };
            cases.push(json!({
                "kind": kind,
                "what": what,
                "input": input,
                "input_utf8": hex(input.as_bytes()),
                "result": result,
            }));
        }
    }
    json!({
        "description": "PROTOCOL.md §3.1, §3.3: pasted codes (separators, full-width forms, line breaks, byte order mark) and mistakes in them",
        "cases": cases,
    })
}

/// The replay ledger (§9.7): account fingerprints, a scripted sequence of redeems on machine A
/// with their results and the ledger after each, its stored forms, and imports.
fn replay_ledger_vectors(f: &Fixture) -> Value {
    let fingerprints: Vec<Value> = [
        ("alice", "CORP", VECTOR_SID),
        ("ALICE", "corp", VECTOR_SID),
        ("alice", "CORP", OTHER_SID),
        ("bob", "CORP", VECTOR_SID),
        ("Jürgen", "Österreich", VECTOR_SID),
        ("straße", "X", VECTOR_SID),
    ]
    .iter()
    .map(|(username, domain, sid)| {
        let account = Account::new(username, domain, sid).expect("valid names");
        json!({
            "username": username,
            "domain": domain,
            "sid": hex(sid),
            "fingerprint": hex(&ReplayLedger::account_fingerprint(&account)),
        })
    })
    .collect();
    let machine = &f.machine_a;
    let id = machine.identification_code();
    let bob_sid = sid_with_rid(1106);
    let account = |user: &str, sid: &[u8]| Account::new(user, "CORP", sid).expect("valid");
    let seal = |user: &str, sid: &[u8], password: &str, now: i64| {
        f.ring
            .seal_reset_code(&id, &account(user, sid), password, now)
            .expect("seal")
    };
    let codes = [
        ("a1", seal("alice", &VECTOR_SID, "pw-a1", NOW)),
        ("a2", seal("alice", &VECTOR_SID, "pw-a2", NOW + 600)),
        ("a3", seal("alice", &VECTOR_SID, "pw-a3", NOW + 1200)),
        ("b1", seal("bob", &bob_sid, "pw-b1", NOW + 60)),
    ];
    let code = |label: &str| codes.iter().find(|(l, _)| *l == label).expect("code").1;
    let day = 86_400;
    // (code, username, sid, password, now)
    let script: Vec<(&str, &str, [u8; 28], &str, i64)> = vec![
        ("a1", "alice", VECTOR_SID, "pw-a1", NOW + 60),
        ("a1", "alice", VECTOR_SID, "pw-a1", NOW + 120),
        ("a2", "alice", OTHER_SID, "pw-a2", NOW + 650),
        ("b1", "bob", bob_sid, "wrong 1", NOW + 700),
        ("b1", "bob", bob_sid, "wrong 2", NOW + 701),
        ("b1", "bob", bob_sid, "wrong 3", NOW + 702),
        ("b1", "bob", bob_sid, "wrong 4", NOW + 703),
        ("b1", "bob", bob_sid, "wrong 5", NOW + 704),
        ("b1", "bob", bob_sid, "pw-b1", NOW + 705),
        ("a2", "alice", VECTOR_SID, "pw-a2", NOW + 760),
        ("a1", "alice", VECTOR_SID, "pw-a1", NOW + 800),
        ("a3", "alice", VECTOR_SID, "pw-a3", NOW + 100),
        ("a3", "alice", VECTOR_SID, "pw-a3", NOW + 1300),
        ("b1", "bob", bob_sid, "pw-b1", NOW + 2 * day),
    ];
    let mut ledger = ReplayLedger::new(machine);
    let steps: Vec<Value> = script
        .iter()
        .map(|(label, user, sid, password, now)| {
            let result = machine.redeem_reset_code(
                &mut ledger,
                &code(label),
                &account(user, sid),
                password,
                *now,
            );
            json!({
                "code": label,
                "reset_code": code(label).as_str(),
                "username": user,
                "domain": "CORP",
                "sid": hex(sid),
                "password": password,
                "now": now,
                "result": result_json(&result, |a| json!({
                    "issued_at": a.issued_at, "expires_at": a.expires_at,
                })),
                "generation_after": ledger.generation(),
                "accounts_after": ledger.account_count(),
                "codes_after": ledger.code_count(),
                "export_after": hex(&ledger.export(None).expect("export")),
            })
        })
        .collect();
    let wrapping = fixed_wrapping_key();
    let plain = ledger.export(None).expect("export");
    let wrapped = ledger.export(Some(&wrapping)).expect("export");
    let import_case = |name: &str, bytes: &[u8], machine_name: &str, minimum: u64| {
        let target = if machine_name == "A" {
            &f.machine_a
        } else {
            &f.machine_b
        };
        let wrapped_input = bytes == wrapped.as_slice();
        let key = wrapped_input.then_some(&wrapping);
        let result = ReplayLedger::import(bytes, key, target, minimum);
        json!({
            "name": name,
            "bytes": hex(bytes),
            "wrapped": wrapped_input,
            "machine": machine_name,
            "minimum_generation": minimum,
            "result": result_json(&result, |l| json!({
                "generation": l.generation(),
                "accounts": l.account_count(),
                "codes": l.code_count(),
            })),
        })
    };
    let generation = ledger.generation();
    // An accepted code issued after the latest time seen plus the skew: impossible.
    let mut impossible = plain.to_vec();
    let body_at = 10;
    let first_record = body_at + 54;
    let issued_at = first_record + 16 + 1 + 16;
    impossible[issued_at..issued_at + 8].copy_from_slice(&(NOW + 30 * day).to_be_bytes());
    let impossible = with_fixed_crc(&impossible);
    let imports = vec![
        import_case("plain, no minimum", &plain, "A", 0),
        import_case("wrapped, minimum = generation", &wrapped, "A", generation),
        import_case(
            "older copy: minimum above generation",
            &plain,
            "A",
            generation + 1,
        ),
        import_case("another machine's ledger", &plain, "B", 0),
        import_case(
            "accepted code issued after the latest time seen",
            &impossible,
            "A",
            0,
        ),
        import_case(
            "new ledger",
            &ReplayLedger::new(machine).export(None).expect("export"),
            "A",
            0,
        ),
    ];
    json!({
        "description": "Replay ledger (docs/PROTOCOL.md §9.7). fingerprints: the account \
            fingerprint of normalized names and SID. sequence: redeems on machine A of \
            stored_objects/the fixture (policy 1440 min, skew 10 min, 5 failed opens per code, 20 \
            per account), in order, on one ledger that starts new; each step gives its inputs, \
            result, and the ledger afterwards (generation, account and code record counts, \
            plain export). imports: envelopes read for machine A or B with a minimum generation \
            (wrapped ones under wrapping_key).",
        "fingerprints": fingerprints,
        "machine_a_state": hex(&f.machine_a.export(None).expect("export")),
        "machine_b_state": hex(&f.machine_b.export(None).expect("export")),
        "wrapping_key": hex(&fixed_wrapping_key_bytes()),
        "sequence": steps,
        "imports": imports,
    })
}

// ---------------------------------------------------------------------------------------------
// bindings.json: the conformance file every language binding runs (docs/BINDINGS.md). Each case
// is {name, op, inputs, expect: {status, details, value?}}; `binding_case` is the reference
// interpreter over the Rust API, used to write the file and by tests/bindings_conformance.rs to
// check it. Statuses and details are those of the C ABI (olr_status, olr_error_details).
// ---------------------------------------------------------------------------------------------

/// The `olr_error_details` of a result, in JSON (all zero on success and for plain failures).
pub fn binding_details(error: Option<&Error>) -> Value {
    let (mut group, mut code_epoch, mut current_epoch, mut found) = (0u8, 0u16, 0u16, 0u8);
    match error {
        Some(Error::Mistyped { group: g }) => group = g.unwrap_or(0),
        Some(Error::UnsupportedVersion { found: f }) => found = *f,
        Some(Error::KeyRotated {
            code_epoch: c,
            current_epoch: e,
        })
        | Some(Error::CodeBeforeRotation {
            code_epoch: c,
            machine_epoch: e,
        })
        | Some(Error::RedeployNeeded {
            code_epoch: c,
            machine_epoch: e,
        }) => {
            code_epoch = *c;
            current_epoch = *e;
        }
        _ => {}
    }
    json!({
        "mistyped_group": group,
        "code_epoch": code_epoch,
        "current_epoch": current_epoch,
        "found_version": found,
    })
}

fn binding_outcome(result: Result<Value>) -> Value {
    match result {
        Ok(value) => json!({ "status": 0, "details": binding_details(None), "value": value }),
        Err(e) => json!({ "status": e.code(), "details": binding_details(Some(&e)) }),
    }
}

/// The messages of the statuses only the C ABI has (100 to 104). The Rust API cannot produce
/// them and reading `olr_status_message` from Rust needs `unsafe`, so they are written here;
/// every binding checks them against the real library (`olr_status_message`).
fn c_only_status_message(status: u32) -> Option<&'static str> {
    Some(match status {
        100 => "a required pointer is NULL",
        101 => "a string is not valid UTF-8",
        102 => "the output buffer is too small: the needed size was returned",
        103 => "an input is longer than OLR_MAX_INPUT_LEN bytes",
        104 => "internal error: the library panicked (please report this bug)",
        105 => "a string is not valid UTF-16: it holds an unpaired surrogate",
        _ => return None,
    })
}

fn unhex_str(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn text_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("input {key} is a string"))
}

fn int_of(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("input {key} is an integer"))
}

fn wrapping_of(v: &Value) -> Result<Option<WrappingKey>> {
    match v["wrapping_key"].as_str() {
        None => Ok(None),
        Some(h) => WrappingKey::from_bytes(&unhex_str(h)).map(Some),
    }
}

fn policy_value(policy: &Policy) -> Value {
    json!({
        "reset_code_lifetime_minutes": policy.reset_code_lifetime_minutes(),
        "clock_skew_minutes": policy.clock_skew_minutes(),
    })
}

fn cost_value(cost: PasswordCost) -> Value {
    json!({
        "memory_kib": cost.memory_kib(),
        "iterations": cost.iterations(),
        "parallelism": cost.parallelism(),
    })
}

fn ring_value(ring: &ServerKeyRing) -> Result<Value> {
    Ok(json!({
        "current_epoch": ring.current_epoch(),
        "epochs": ring.epochs(),
        "retired_grace_seconds": ring.retired_grace_seconds(),
        "policy": policy_value(&ring.policy()),
        "password_cost": ring.password_cost(ring.current_epoch()).map(cost_value),
        "deployment_package": ring.deployment_package()?.to_text(),
    }))
}

fn ledger_value(ledger: &ReplayLedger) -> Value {
    json!({
        "accounts": ledger.account_count(),
        "codes": ledger.code_count(),
        "generation": ledger.generation(),
    })
}

fn machine_value(machine: &Machine) -> Value {
    json!({
        "identification_code": machine.identification_code().as_str(),
        "epoch": machine.epoch(),
        "policy": policy_value(&machine.policy()),
        "password_cost": cost_value(machine.policy().password_cost()),
    })
}

fn account_of(i: &Value) -> Result<Account> {
    Account::new(
        text_of(i, "username"),
        text_of(i, "domain"),
        &unhex_str(text_of(i, "sid")),
    )
}

fn seal_with(ring: &ServerKeyRing, i: &Value) -> Result<Value> {
    let id = IdentificationCode::parse(text_of(i, "identification_code"))?;
    let account = account_of(i)?;
    let code = ring.seal_reset_code(&id, &account, text_of(i, "password"), int_of(i, "now"))?;
    Ok(json!(code.as_str()))
}

fn open_with(machine: &Machine, ledger: Option<&mut ReplayLedger>, i: &Value) -> Result<Value> {
    let code = ResetCode::parse(text_of(i, "reset_code"))?;
    let account = account_of(i)?;
    let (password, now) = (text_of(i, "password"), int_of(i, "now"));
    let accepted = match ledger {
        Some(ledger) => machine.redeem_reset_code(ledger, &code, &account, password, now)?,
        None => machine.open_reset_code_for_diagnostics(&code, &account, password, now)?,
    };
    Ok(json!({ "issued_at": accepted.issued_at, "expires_at": accepted.expires_at }))
}

/// Runs one case of bindings.json through the Rust API: `objects` is the file's `objects`
/// (plain exports by name), the result is the case's `expect`.
pub fn binding_case(objects: &Value, op: &str, i: &Value) -> Value {
    let object = |key: &str| unhex_str(text_of(objects, text_of(i, key)));
    let ring = || ServerKeyRing::import(&object("ring"), None).expect("fixture key ring");
    let machine = || Machine::import(&object("machine"), None).expect("fixture machine");
    binding_outcome(match op {
        "identification_code_check" => {
            IdentificationCode::parse(text_of(i, "text")).map(|c| json!(c.as_str()))
        }
        "reset_code_check" => ResetCode::parse(text_of(i, "text")).map(|c| json!(c.as_str())),
        "account_check" => account_of(i).map(|_| Value::Null),
        "account_normalize" => normalize_names(text_of(i, "username"), text_of(i, "domain"))
            .map(|(username, domain)| json!({ "username": username, "domain": domain })),
        "default_offline_domain" => default_offline_domain(text_of(i, "fqdn")).map(|d| json!(d)),
        "name_problem" => Ok(json!(
            name_problem(text_of(i, "text")).map_or(0, |p| p.code())
        )),
        "deployment_package_check" => {
            let bytes = match i["package_hex"].as_str() {
                Some(h) => unhex_str(h),
                None => text_of(i, "package").as_bytes().to_vec(),
            };
            DeploymentPackage::from_bytes(&bytes)
                .map(|p| json!({ "epoch": p.epoch(), "policy": policy_value(&p.policy()) }))
        }
        "key_ring_generate" => {
            let n = |key: &str| u32::try_from(int_of(i, key)).unwrap_or(u32::MAX);
            let lifetime = u16::try_from(n("reset_code_lifetime_minutes")).unwrap_or(u16::MAX);
            let skew = u16::try_from(n("clock_skew_minutes")).unwrap_or(u16::MAX);
            Policy::new(lifetime, skew)
                .and_then(|p| {
                    let cost =
                        PasswordCost::new(n("memory_kib"), n("iterations"), n("parallelism"))?;
                    Ok(p.with_password_cost(cost))
                })
                .and_then(ServerKeyRing::generate_with_os_rng)
                .map(|r| {
                    json!({
                        "epochs": r.epochs(),
                        "policy": policy_value(&r.policy()),
                        "password_cost": r.password_cost(r.current_epoch()).map(cost_value),
                    })
                })
        }
        "key_ring_import" => wrapping_of(i)
            .and_then(|k| ServerKeyRing::import(&unhex_str(text_of(i, "bytes")), k.as_ref()))
            .and_then(|r| ring_value(&r)),
        "machine_import" => wrapping_of(i)
            .and_then(|k| Machine::import(&unhex_str(text_of(i, "bytes")), k.as_ref()))
            .map(|m| machine_value(&m)),
        "replay_ledger_import" => wrapping_of(i)
            .and_then(|k| {
                let minimum = u64::try_from(int_of(i, "minimum_generation")).unwrap_or(0);
                let bytes = unhex_str(text_of(i, "bytes"));
                ReplayLedger::import(&bytes, k.as_ref(), &machine(), minimum)
            })
            .map(|l| ledger_value(&l)),
        "redeploy" => {
            let before = machine();
            DeploymentPackage::from_text(text_of(i, "package"))
                .and_then(|p| before.redeploy_with_os_rng(&p))
                .map(|after| {
                    json!({
                        "epoch": after.epoch(),
                        "same_identification_code":
                            after.identification_code() == before.identification_code(),
                    })
                })
        }
        "deployment_package_fingerprint" => {
            DeploymentPackage::from_text(text_of(i, "package")).map(|p| json!(p.fingerprint()))
        }
        "seal" => seal_with(&ring(), i),
        "open" => open_with(&machine(), None, i),
        "redeem_sequence" => {
            let machine = machine();
            let mut ledger = ReplayLedger::new(&machine);
            let steps: Vec<Value> = i["steps"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|step| binding_outcome(open_with(&machine, Some(&mut ledger), step)))
                .collect();
            // The ledger survives its own export and import for the same machine.
            let exported = ledger.export(None).expect("export");
            let imported = ReplayLedger::import(&exported, None, &machine, ledger.generation())
                .expect("a ledger reads back");
            assert!(imported == ledger, "a ledger reads back as it was written");
            let mut value = ledger_value(&ledger);
            value["steps"] = json!(steps);
            Ok(value)
        }
        "rotate_then_seal" => {
            let mut ring = ring();
            ring.set_retired_grace_seconds(u32::try_from(int_of(i, "grace_seconds")).unwrap_or(0))
                .unwrap();
            ring.rotate_with_os_rng(int_of(i, "rotate_at"))
                .map(|epoch| {
                    let seal = binding_outcome(seal_with(&ring, &i["seal"]));
                    json!({ "epoch": epoch, "epochs": ring.epochs(), "seal": seal })
                })
        }
        "status_message" => {
            let status = u32::try_from(int_of(i, "status")).expect("a u32 status");
            Ok(json!(
                c_only_status_message(status).unwrap_or(message_for_code(status))
            ))
        }
        other => panic!("unknown op {other}"),
    })
}

fn bindings_vectors() -> Value {
    let cost = vector_password_cost();
    let policy = Policy::new(24 * 60, 10)
        .expect("valid policy")
        .with_password_cost(cost);
    let mut ring = ServerKeyRing::from_secrets(
        policy,
        1,
        fixed_scalar("server key, epoch 1"),
        fixed_scalar("deployment signing key"),
    );
    let package_1 = ring.deployment_package().expect("package").to_text();
    let machine_1 = Machine::enroll_with_secret(
        &DeploymentPackage::from_text(&package_1).expect("package"),
        &fixed_scalar("machine A"),
    )
    .expect("enroll");
    ring.set_retired_grace_seconds(7 * 86_400).unwrap();
    ring.rotate_to_secret(NOW, fixed_scalar("server key, epoch 2"))
        .expect("rotate");
    let package_2 = ring.deployment_package().expect("package").to_text();
    let machine_2 = Machine::enroll_with_secret(
        &DeploymentPackage::from_text(&package_2).expect("package"),
        &fixed_scalar("machine B"),
    )
    .expect("enroll");
    let key = fixed_wrapping_key();
    let key_hex = hex(&fixed_wrapping_key_bytes());
    let other_key_hex = hex(&[7u8; 64]);
    let ring_plain = ring.export(None).expect("export").to_vec();
    let ring_wrapped = ring.export(Some(&key)).expect("export").to_vec();
    let m1_plain = machine_1.export(None).expect("export").to_vec();
    let m1_wrapped = machine_1.export(Some(&key)).expect("export").to_vec();
    let objects = json!({
        "key_ring": hex(&ring_plain),
        "machine_epoch_1": hex(&m1_plain),
        "machine_epoch_2": hex(&machine_2.export(None).expect("export")),
    });
    let id_1 = machine_1.identification_code().as_str().to_owned();
    let id_2 = machine_2.identification_code().as_str().to_owned();

    let mut cases: Vec<Value> = vec![];
    let mut add = |name: &str, op: &str, inputs: Value| -> Value {
        let expect = binding_case(&objects, op, &inputs);
        cases.push(json!({ "name": name, "op": op, "inputs": inputs, "expect": expect.clone() }));
        expect
    };

    // Check functions.
    let lenient = id_1
        .to_lowercase()
        .replace('-', " ")
        .replace('0', "o")
        .replace('1', "l");
    let reset_like = "0".repeat(RESET_CODE_SYMBOLS);
    for (name, text) in [
        ("canonical", id_1.clone()),
        ("lower case, spaces, O for 0, L for 1", lenient),
        (
            "group 3 mistyped",
            with_symbol(&id_1, 17, (symbol_at(&id_1, 17) + 1) % 32),
        ),
        (
            "two symbols wrong, only the whole-code check fails",
            double_mistake(&id_1, 2),
        ),
        ("one symbol short", id_1[..id_1.len() - 1].to_owned()),
        ("a reset code's length", reset_like.clone()),
        (
            "non-ASCII symbol",
            id_1.replacen(|c: char| c != '-', "é", 1),
        ),
        ("empty", String::new()),
    ] {
        add(
            &format!("identification code: {name}"),
            "identification_code_check",
            json!({ "text": text }),
        );
    }

    // Seals: the exact reset-code text (fixed keys, fixed time).
    let seal = |id: &str, user: &str, domain: &str, password: &str, now: i64| json!({ "ring": "key_ring", "identification_code": id, "username": user, "domain": domain, "sid": hex(&VECTOR_SID), "password": password, "now": now });
    let code_of = |expect: Value| expect["value"].as_str().unwrap_or_default().to_owned();
    let code_a = code_of(add(
        "seal: help desk, epoch 1 in grace",
        "seal",
        seal(&id_1, "alice", "CORP", "Winter-Tulip-42", NOW),
    ));
    let code_uni = code_of(add(
        "seal: non-ASCII names and password",
        "seal",
        seal(
            &id_1,
            "Jürgen",
            "ÖSTERREICH",
            "Grüße aus Wien 🏔",
            NOW + 3600,
        ),
    ));
    let code_later = code_of(add(
        "seal: a later code for the same account",
        "seal",
        seal(&id_1, "alice", "CORP", "Spring-Lily-7", NOW + 120),
    ));
    let code_b = code_of(add(
        "seal: current epoch",
        "seal",
        seal(&id_2, "bob", "CORP", "pw-for-bob", NOW + 60),
    ));
    add(
        "seal: typed identification code (lenient)",
        "seal",
        seal(
            &id_2.to_lowercase().replace('-', " "),
            "bob",
            "CORP",
            "pw-for-bob",
            NOW + 60,
        ),
    );
    add(
        "seal: epoch 1 after its grace",
        "seal",
        seal(&id_1, "alice", "CORP", "Winter-Tulip-42", NOW + 8 * 86_400),
    );
    add(
        "seal: mistyped identification code",
        "seal",
        seal(
            &with_symbol(&id_2, 9, (symbol_at(&id_2, 9) + 5) % 32),
            "bob",
            "CORP",
            "pw",
            NOW,
        ),
    );
    add(
        "seal: malformed identification code",
        "seal",
        seal(&reset_like, "bob", "CORP", "pw", NOW),
    );
    add(
        "seal: empty username",
        "seal",
        seal(&id_2, "", "CORP", "pw", NOW),
    );
    add(
        "seal: qualified name as domain",
        "seal",
        seal(&id_2, "bob", "CORP\\bob", "pw", NOW),
    );
    add(
        "seal: empty password",
        "seal",
        seal(&id_2, "bob", "CORP", "", NOW),
    );
    add(
        "seal: password over 1024 bytes",
        "seal",
        seal(&id_2, "bob", "CORP", &"ü".repeat(513), NOW),
    );
    add(
        "seal: time before 2025",
        "seal",
        seal(&id_2, "bob", "CORP", "pw", 0),
    );

    // Reset-code checks.
    for (name, text) in [
        ("canonical", code_a.clone()),
        (
            "lower case, no hyphens",
            code_a.to_lowercase().replace('-', ""),
        ),
        (
            "group 2 mistyped",
            with_symbol(&code_a, 10, (symbol_at(&code_a, 10) + 3) % 32),
        ),
        ("an identification code", id_1.clone()),
    ] {
        add(
            &format!("reset code: {name}"),
            "reset_code_check",
            json!({ "text": text }),
        );
    }

    // Opens.
    let open = |machine: &str, code: &str, user: &str, domain: &str, password: &str, now: i64| json!({ "machine": machine, "reset_code": code, "username": user, "domain": domain, "sid": hex(&VECTOR_SID), "password": password, "now": now });
    let m1 = "machine_epoch_1";
    let m2 = "machine_epoch_2";
    add(
        "open: accepted",
        "open",
        open(m1, &code_a, "alice", "CORP", "Winter-Tulip-42", NOW + 60),
    );
    add(
        "open: typed in lower case, names in another case",
        "open",
        open(
            m1,
            &code_a.to_lowercase(),
            "ALICE",
            "corp",
            "Winter-Tulip-42",
            NOW + 60,
        ),
    );
    add(
        "open: non-ASCII",
        "open",
        open(
            m1,
            &code_uni,
            "jürgen",
            "Österreich",
            "Grüße aus Wien 🏔",
            NOW + 3600,
        ),
    );
    add(
        "open: wrong password",
        "open",
        open(m1, &code_a, "alice", "CORP", "Winter-Tulip-43", NOW + 60),
    );
    add(
        "open: wrong username",
        "open",
        open(m1, &code_a, "bob", "CORP", "Winter-Tulip-42", NOW + 60),
    );
    add(
        "open: expired",
        "open",
        open(
            m1,
            &code_a,
            "alice",
            "CORP",
            "Winter-Tulip-42",
            NOW + 24 * 3600 + 600,
        ),
    );
    add(
        "open: not yet valid",
        "open",
        open(m1, &code_a, "alice", "CORP", "Winter-Tulip-42", NOW - 660),
    );
    add(
        "open: code before the machine's rotation",
        "open",
        open(m2, &code_a, "alice", "CORP", "Winter-Tulip-42", NOW + 60),
    );
    add(
        "open: code for a newer epoch",
        "open",
        open(m1, &code_b, "bob", "CORP", "pw-for-bob", NOW + 60),
    );
    add(
        "open: current epoch",
        "open",
        open(m2, &code_b, "bob", "CORP", "pw-for-bob", NOW + 120),
    );
    add(
        "open: mistyped",
        "open",
        open(
            m1,
            &with_symbol(&code_a, 20, (symbol_at(&code_a, 20) + 1) % 32),
            "alice",
            "CORP",
            "Winter-Tulip-42",
            NOW + 60,
        ),
    );
    add(
        "open: empty password",
        "open",
        open(m1, &code_a, "alice", "CORP", "", NOW + 60),
    );

    // Replay ledger.
    let step = |code: &str, password: &str, now: i64| json!({ "reset_code": code, "username": "alice", "domain": "CORP", "sid": hex(&VECTOR_SID), "password": password, "now": now });
    add(
        "redeem: once, again, an older code after a newer one, a failed open",
        "redeem_sequence",
        json!({ "machine": m1, "steps": [
            step(&code_a, "Winter-Tulip-42", NOW + 60),
            step(&code_a, "Winter-Tulip-42", NOW + 90),
            step(&code_later, "Spring-Lily-7", NOW + 180),
            step(&code_later, "Spring-Lily-7", NOW + 200),
            step(&code_later, "wrong", NOW + 210),
        ]}),
    );
    add(
        "redeem: the newer code first supersedes the older",
        "redeem_sequence",
        json!({ "machine": m1, "steps": [
            step(&code_later, "Spring-Lily-7", NOW + 180),
            step(&code_a, "Winter-Tulip-42", NOW + 200),
        ]}),
    );

    // Rotation.
    let rotate = |grace: i64, seal_input: Value| json!({ "ring": "key_ring", "grace_seconds": grace, "rotate_at": NOW + 86_400, "seal": seal_input });
    add(
        "rotate: the retired epoch 2 still seals in its grace",
        "rotate_then_seal",
        rotate(
            3600,
            seal(&id_2, "bob", "CORP", "pw-for-bob", NOW + 86_400 + 60),
        ),
    );
    add(
        "rotate: after the grace",
        "rotate_then_seal",
        rotate(
            3600,
            seal(&id_2, "bob", "CORP", "pw-for-bob", NOW + 86_400 + 3600),
        ),
    );
    add(
        "rotate: a shorter grace erases epoch 1",
        "rotate_then_seal",
        rotate(3600, seal(&id_1, "alice", "CORP", "pw", NOW + 86_400 + 60)),
    );
    add(
        "rotate: a longer grace keeps epoch 1's own window",
        "rotate_then_seal",
        rotate(
            30 * 86_400,
            seal(&id_1, "alice", "CORP", "Winter-Tulip-42", NOW + 86_400),
        ),
    );

    // Key ring generation (random keys: only the deterministic parts are compared).
    let generate = |lifetime: i64, skew: i64, memory: i64, iterations: i64, parallelism: i64| json!({ "reset_code_lifetime_minutes": lifetime, "clock_skew_minutes": skew, "memory_kib": memory, "iterations": iterations, "parallelism": parallelism });
    let min = (i64::from(cost.memory_kib()), i64::from(cost.iterations()));
    add(
        "generate: minimum password cost",
        "key_ring_generate",
        generate(60, 5, min.0, min.1, 1),
    );
    add(
        "generate: lifetime 0",
        "key_ring_generate",
        generate(0, 5, min.0, min.1, 1),
    );
    add(
        "generate: clock skew too large",
        "key_ring_generate",
        generate(60, 1441, min.0, min.1, 1),
    );
    add(
        "generate: memory below the minimum",
        "key_ring_generate",
        generate(60, 5, min.0 - 1, min.1, 1),
    );
    add(
        "generate: no lanes",
        "key_ring_generate",
        generate(60, 5, min.0, min.1, 0),
    );

    // Imports, damaged and wrong-key blobs.
    let import =
        |bytes: &[u8], key: Option<&str>| json!({ "bytes": hex(bytes), "wrapping_key": key });
    let mut version = ring_plain.clone();
    version[3] = 2;
    let truncate = |b: &[u8]| b[..b.len() - 1].to_vec();
    let k = Some(key_hex.as_str());
    let other = Some(other_key_hex.as_str());
    let short_key = hex(&[7u8; 63]);
    for (name, bytes, key) in [
        ("plain", ring_plain.clone(), None),
        ("wrapped", ring_wrapped.clone(), k),
        ("wrapped, no key", ring_wrapped.clone(), None),
        ("plain, with a key", ring_plain.clone(), k),
        ("wrapped, another key", ring_wrapped.clone(), other),
        (
            "wrapping key of 63 bytes",
            ring_wrapped.clone(),
            Some(short_key.as_str()),
        ),
        ("one byte flipped", flip(&ring_plain, 30), None),
        ("one byte flipped, wrapped", flip(&ring_wrapped, 40), k),
        ("truncated", truncate(&ring_plain), None),
        ("another format version", version, None),
        ("a machine state", m1_plain.clone(), None),
        ("empty", vec![], None),
    ] {
        add(
            &format!("key ring import: {name}"),
            "key_ring_import",
            import(&bytes, key),
        );
    }
    for (name, bytes, key) in [
        ("plain", m1_plain.clone(), None),
        ("wrapped", m1_wrapped.clone(), k),
        ("wrapped, another key", m1_wrapped.clone(), other),
        ("one byte flipped", flip(&m1_plain, 20), None),
        ("truncated", truncate(&m1_wrapped), k),
        ("a key ring", ring_plain.clone(), None),
    ] {
        add(
            &format!("machine import: {name}"),
            "machine_import",
            import(&bytes, key),
        );
    }
    let mut ledger = ReplayLedger::new(&machine_1);
    machine_1
        .redeem_reset_code(
            &mut ledger,
            &ResetCode::parse(&code_a).expect("sealed"),
            &Account::new("alice", "CORP", &VECTOR_SID).expect("valid"),
            "Winter-Tulip-42",
            NOW + 60,
        )
        .expect("redeems");
    let ledger_plain = ledger.export(None).expect("export").to_vec();
    let ledger_wrapped = ledger.export(Some(&key)).expect("export").to_vec();
    let generation = ledger.generation();
    for (name, bytes, key, machine, minimum) in [
        ("plain, one account", ledger_plain.clone(), None, m1, 0),
        ("wrapped", ledger_wrapped.clone(), k, m1, generation),
        ("wrapped, another key", ledger_wrapped.clone(), other, m1, 0),
        ("one byte flipped", flip(&ledger_plain, 20), None, m1, 0),
        ("a machine state", m1_plain.clone(), None, m1, 0),
        (
            "another machine's",
            ledger_plain.clone(),
            None,
            "machine_epoch_2",
            0,
        ),
        (
            "older than the minimum generation",
            ledger_plain.clone(),
            None,
            m1,
            generation + 1,
        ),
    ] {
        let mut inputs = import(&bytes, key);
        inputs["machine"] = json!(machine);
        inputs["minimum_generation"] = json!(minimum);
        add(
            &format!("replay ledger import: {name}"),
            "replay_ledger_import",
            inputs,
        );
    }
    // SIDs.
    let sid_cases: [(&str, Vec<u8>); 6] = [
        ("one sub-authority (valid)", {
            let mut v = VECTOR_SID[..12].to_vec();
            v[1] = 1;
            v
        }),
        ("empty", vec![]),
        ("revision 2", {
            let mut v = VECTOR_SID.to_vec();
            v[0] = 2;
            v
        }),
        ("count says 4, five present", {
            let mut v = VECTOR_SID.to_vec();
            v[1] = 4;
            v
        }),
        ("16 sub-authorities", {
            let mut v = vec![1u8, 16, 0, 0, 0, 0, 0, 5];
            v.extend([0u8; 64]);
            v
        }),
        ("cut short", VECTOR_SID[..27].to_vec()),
    ];
    for (name, sid) in sid_cases {
        add(
            &format!("account check: SID {name}"),
            "account_check",
            json!({ "username": "alice", "domain": "CORP", "sid": hex(&sid) }),
        );
    }

    // Accounts and names.
    for (name, username, domain) in [
        ("plain", "alice", "CORP"),
        ("non-ASCII", "Jürgen", "Österreich"),
        ("empty username", "", "CORP"),
        ("empty domain", "alice", ""),
        ("leading space", " alice", "CORP"),
        ("qualified name", "CORP\\alice", "CORP"),
        ("zero-width space", "al\u{200b}ice", "CORP"),
        ("forbidden character in the domain", "alice", "CO/RP"),
    ] {
        add(
            &format!("account check: {name}"),
            "account_check",
            json!({ "username": username, "domain": domain, "sid": hex(&VECTOR_SID) }),
        );
    }
    add(
        "account check: username of 257 bytes",
        "account_check",
        json!({ "username": "a".repeat(257), "domain": "CORP", "sid": hex(&VECTOR_SID) }),
    );
    for (username, domain) in [
        ("alice", "corp"),
        ("Jürgen", "österreich"),
        ("straße", "x"),
        ("İstanbul", "ist"),
    ] {
        add(
            &format!("account normalize: {username}"),
            "account_normalize",
            json!({ "username": username, "domain": domain }),
        );
    }
    for fqdn in [
        "corp.example.com",
        "corp",
        "ünïcode.example",
        "corp\u{3002}example",
        " corp.example.com",
        ".example.com",
    ] {
        add(
            &format!("default domain: {fqdn:?}"),
            "default_offline_domain",
            json!({ "fqdn": fqdn }),
        );
    }
    for text in [
        "alice",
        "",
        " alice",
        "al\u{200b}ice",
        "a\u{2028}b",
        "CORP\\alice",
        "a/b",
    ] {
        add(
            &format!("name problem: {text:?}"),
            "name_problem",
            json!({ "text": text }),
        );
    }
    add(
        "name problem: 257 bytes",
        "name_problem",
        json!({ "text": "a".repeat(257) }),
    );

    // Redeployment (docs/PROTOCOL.md §8) and package fingerprints.
    let foreign_package = ServerKeyRing::from_secrets(
        policy,
        1,
        fixed_scalar("server key, epoch 1"),
        fixed_scalar("another deployment signing key"),
    )
    .deployment_package()
    .expect("package")
    .to_text();
    for (name, machine, package) in [
        ("the same package again", m1, package_1.as_str()),
        ("the next epoch", m1, package_2.as_str()),
        ("an older epoch", "machine_epoch_2", package_1.as_str()),
        ("signed by another key", m1, foreign_package.as_str()),
    ] {
        add(
            &format!("redeploy: {name}"),
            "redeploy",
            json!({ "machine": machine, "package": package }),
        );
    }
    for (name, package) in [
        ("epoch 1", package_1.clone()),
        (
            "lower case with a trailing newline",
            format!("{}\n", package_1.to_lowercase()),
        ),
    ] {
        add(
            &format!("package fingerprint: {name}"),
            "deployment_package_fingerprint",
            json!({ "package": package }),
        );
    }

    // Deployment packages.
    let utf16: Vec<u8> = package_1
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let damaged = with_symbol(&package_1, 40, (symbol_at(&package_1, 40) + 1) % 32);
    add(
        "package: epoch 1",
        "deployment_package_check",
        json!({ "package": package_1 }),
    );
    add(
        "package: epoch 2, with line breaks",
        "deployment_package_check",
        json!({ "package": format!("{}\r\n{}\r\n", &package_2[..50], &package_2[50..]) }),
    );
    add(
        "package: one symbol changed",
        "deployment_package_check",
        json!({ "package": damaged }),
    );
    add(
        "package: truncated",
        "deployment_package_check",
        json!({ "package": &package_1[..80] }),
    );
    add(
        "package: saved as UTF-16",
        "deployment_package_check",
        json!({ "package_hex": hex(&utf16) }),
    );

    // The message of every status, and of unknown numbers.
    let statuses = (0..=43).chain(99..=106).chain([65_535, u32::MAX]);
    for status in statuses {
        add(
            &format!("message: {status}"),
            "status_message",
            json!({ "status": status }),
        );
    }

    json!({
        "description": "The conformance file every language binding runs (docs/BINDINGS.md). objects: \
            plain exports (hex) of a key ring holding epochs 1 and 2 (epoch 1 retired at now with \
            a 7-day grace) and of a machine enrolled at each epoch, all at the minimum password \
            cost. Each case names an op, its inputs (texts as strings, binary as hex, objects by \
            name: import the plain export) and what the binding must produce: the olr_status \
            number, the olr_error_details fields (all zero on success), and on success the value. \
            key_ring_generate and rotate_then_seal use fresh random keys: only the listed parts \
            are compared. redeem_sequence runs its steps on one new replay ledger.",
        "abi_version": offline_reset::ffi::olr_abi_version(),
        "password_cost": cost_value(cost),
        "now": NOW,
        "objects": objects,
        "cases": cases,
    })
}

/// Every vector file: (file name, contents).
/// A localized spelling table for the vectors (German digits, letters by DIN 5009 where they
/// differ from the English table's).
pub const GERMAN_SPELLING: &str = "null\neins\nzwei\ndrei\nvier\nfünf\nsechs\nsieben\nacht\nneun\n\
Anton\nBerta\nCäsar\nDora\nEmil\nFriedrich\nGustav\nHeinrich\nJulius\nKaufmann\nMartha\n\
Nordpol\nPaula\nQuelle\nRichard\nSamuel\nTheodor\nViktor\nWilhelm\nXanthippe\nYpsilon\n\
Zacharias\n";

/// Spelling codes for reading aloud (a UI helper, not the protocol): the English table and a
/// localized one, both kinds of code, typed loosely, and errors.
fn spelling_vectors(f: &Fixture) -> Value {
    let id = f.machine_a.identification_code().to_string();
    let account = Account::new("alice", "CORP", &VECTOR_SID).expect("account");
    let reset = f
        .ring
        .seal_reset_code(
            &f.machine_a.identification_code(),
            &account,
            "Winter-Tulip-42",
            NOW,
        )
        .expect("seal")
        .to_string();
    let english = SpellingTable::english();
    let german = SpellingTable::from_lines(GERMAN_SPELLING).expect("table");
    let inputs = [
        ("reset code", reset.clone()),
        ("identification code", id.clone()),
        (
            "reset code typed in lower case with spaces",
            reset.to_lowercase().replace('-', " "),
        ),
        ("mistyped reset code", {
            let mut t = reset.clone().into_bytes();
            t[10] = if t[10] == b'7' { b'8' } else { b'7' };
            String::from_utf8(t).expect("ASCII")
        }),
        ("too short", reset[..20].to_string()),
    ];
    let mut cases = vec![];
    for (table_name, table) in [("english", &english), ("german", &german)] {
        for (what, input) in &inputs {
            cases.push(json!({
                "what": what,
                "table": table_name,
                "input": input,
                "result": result_json(&spell_code(input, table), |s| json!(s)),
            }));
        }
    }
    json!({
        "description": "spell_code(input, table): each symbol's word from the table (32 words in \
            the order 0123456789ABCDEFGHJKMNPQRSTVWXYZ), words separated by one space, groups by \
            ' / '; the input is parsed as a reset code when it has 44 symbols, else as an \
            identification code",
        "english_table": (0..32u8).map(|v| english.word(v)).collect::<Vec<_>>(),
        "german_table": GERMAN_SPELLING,
        "cases": cases,
    })
}

/// The identification code URI (docs/PROTOCOL.md §6.1) for several base URLs, and what the
/// portal's reader makes of URIs and bare codes.
fn identification_uri_vectors(f: &Fixture) -> Value {
    let code = f.machine_a.identification_code();
    let bases = [
        "https://reset.example.com/portal",
        "https://reset.example.com/portal?lang=de",
        "https://reset.example.com/portal?",
        "https://reset.example.com/portal?lang=de&",
        "https://reset.example.com/a=b&",
        "https://reset.example.com/portal?lang?",
        "HTTPS://RESET.EXAMPLE.COM",
        "http://reset.example.com/portal",
        "https://reset.example.com/portal#start",
        "https://reset.example.com/portal?olr-id=1",
        "https://reset example.com/",
        "https://",
        "ftp://reset.example.com/",
    ];
    let uris: Vec<Value> = bases
        .iter()
        .map(|base| json!({"base_url": base, "result": result_json(&code.uri(base), |u| json!(u))}))
        .collect();
    let uri = code.uri(bases[0]).expect("uri");
    let reads = [
        uri.clone(),
        code.to_string(),
        code.to_string().to_lowercase(),
        format!("{uri}#fragment"),
        format!("  {uri}\n"),
        uri.replace("olr-id", "olr-ID"),
        format!("{uri}&olr-id={code}"),
        "https://reset.example.com/portal".to_string(),
        uri.replacen('-', "%2D", 2),
    ];
    let reads: Vec<Value> = reads
        .iter()
        .map(|text| {
            json!({
                "input": text,
                "result": result_json(&IdentificationCode::parse_uri_or_code(text), |c| json!(c.as_str())),
            })
        })
        .collect();
    json!({
        "description": "IdentificationCode::uri(base_url) and parse_uri_or_code(text)",
        "code": code.as_str(),
        "uris": uris,
        "reads": reads,
    })
}

pub fn all() -> Vec<(&'static str, Value)> {
    let f = fixture();
    vec![
        ("key_schedule.json", key_schedule_vectors()),
        ("identification_code.json", identification_code_vectors(&f)),
        ("reset_code.json", reset_code_vectors(&f)),
        ("account.json", account_vectors()),
        ("deployment_package.json", deployment_package_vectors(&f)),
        ("stored_objects.json", stored_object_vectors(&f)),
        ("replay_ledger.json", replay_ledger_vectors(&f)),
        ("pasted.json", pasted_vectors(&f)),
        ("bindings.json", bindings_vectors()),
        ("spelling.json", spelling_vectors(&f)),
        ("identification_uri.json", identification_uri_vectors(&f)),
    ]
}

pub fn render(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}
