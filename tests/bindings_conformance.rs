//! tests/vectors/bindings.json, the conformance file every language binding runs
//! (docs/BINDINGS.md), run here through the Rust API: every case's inputs give exactly its
//! expected status, details and value. (tests/vectors.rs checks that the committed file is what
//! the generator writes now; the Python binding runs the same cases through the C ABI.)

#[path = "support/vectors.rs"]
#[allow(dead_code)]
mod support;

use serde_json::Value;

fn load() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/bindings.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_case_runs_as_expected_through_the_rust_api() {
    let file = load();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 100, "the file has its cases");
    let mut failed = vec![];
    for case in cases {
        let op = case["op"].as_str().unwrap();
        let got = support::binding_case(&file["objects"], op, &case["inputs"]);
        if got != case["expect"] {
            failed.push(format!(
                "{}: got {got}, expected {}",
                case["name"], case["expect"]
            ));
        }
    }
    println!(
        "bindings.json (Rust API): {} passed, {} failed",
        cases.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn every_op_and_every_status_is_covered() {
    let file = load();
    let cases = file["cases"].as_array().unwrap();
    let ops: std::collections::BTreeSet<&str> =
        cases.iter().map(|c| c["op"].as_str().unwrap()).collect();
    for op in [
        "identification_code_check",
        "reset_code_check",
        "account_check",
        "account_normalize",
        "default_offline_domain",
        "name_problem",
        "deployment_package_check",
        "key_ring_generate",
        "key_ring_import",
        "machine_import",
        "replay_ledger_import",
        "seal",
        "open",
        "redeem_sequence",
        "rotate_then_seal",
        "status_message",
    ] {
        assert!(ops.contains(op), "no case for {op}");
    }
    // Every status the binding can meet from valid language strings appears as a result.
    let mut seen = std::collections::BTreeSet::new();
    let mut collect = |e: &Value| {
        seen.insert(e["status"].as_u64().unwrap());
    };
    for case in cases {
        collect(&case["expect"]);
        let value = &case["expect"]["value"];
        for step in value["steps"].as_array().into_iter().flatten() {
            collect(step);
        }
        if value["seal"].is_object() {
            collect(&value["seal"]);
        }
    }
    for status in [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 26,
    ] {
        assert!(seen.contains(&status), "no case results in status {status}");
    }
}
