//! The starting point of the FFI tests (a key ring, a machine enrolled from its deployment
//! package, reset codes sealed for it): its inputs, and under Miri its bytes.
//!
//! Making it costs about eight P-256 scalar multiplications, minutes under the interpreter, and
//! tests/ffi.rs, ffi_ledger.rs and ffi_utf16.rs would each make it again in both borrow models.
//! Natively they make it from the inputs below; under Miri they import the plain exports in
//! miri_fixture_data.rs, made from the same inputs by tests/miri_fixture.rs under Miri (the bytes
//! carry Miri's lowered Argon2id cost, which a native build refuses). When the wire format
//! changes, the Miri tests fail with [`STALE`]; `bash tests/miri/run.sh --regenerate` remakes it.
#![allow(dead_code)]

use offline_reset::ffi::{olr_machine, olr_machine_import, olr_status};
use offline_reset::primitives::SecretScalar;
use offline_reset::{Account, Machine, PasswordCost, Policy, ServerKeyRing};

/// Unix seconds at which the codes are sealed.
pub const NOW: i64 = 1_795_000_000;
/// (username, domain, new password) of the two sealed codes, both for `sid::VECTOR_SID`.
pub const ALICE: (&str, &str, &str) = ("alice", "CORP", "Winter-Tulip-42");
pub const JURGEN: (&str, &str, &str) = ("Jürgen", "Österreich", "Grüße aus Wien 🏔");

/// The key ring: epoch 1, secret `[1; 32]`, signing secret `[7; 32]`, codes valid 60 minutes,
/// 5 minutes of clock skew, the cheapest password cost (the protocol's; Miri's under Miri).
pub fn ring() -> ServerKeyRing {
    let policy = Policy::new(60, 5)
        .unwrap()
        .with_password_cost(PasswordCost::minimum());
    let secret = |byte| SecretScalar::from_bytes(&[byte; 32]).unwrap();
    ServerKeyRing::from_secrets(policy, 1, secret(1), secret(7))
}

/// The machine enrolled from the ring's deployment package with secret `[2; 32]`.
pub fn machine(ring: &ServerKeyRing) -> Machine {
    let secret = SecretScalar::from_bytes(&[2; 32]).unwrap();
    Machine::enroll_with_secret(&ring.deployment_package().unwrap(), &secret).unwrap()
}

/// A reset code for `(username, domain, new password)` and `sid::VECTOR_SID`, sealed at [`NOW`].
pub fn seal(
    ring: &ServerKeyRing,
    machine: &Machine,
    (user, domain, password): (&str, &str, &str),
) -> String {
    let account = Account::new(user, domain, &crate::sid::VECTOR_SID).unwrap();
    let code = ring
        .seal_reset_code(&machine.identification_code(), &account, password, NOW)
        .unwrap();
    code.as_str().to_owned()
}

/// The failure message of an import of the fixture's bytes.
pub const STALE: &str = "tests/support/miri_fixture_data.rs no longer imports (the wire format \
                         changed?): remake it with `bash tests/miri/run.sh --regenerate`";

/// The machine state (plain export) and a reset code for `account` (one of the two above) the
/// tests of one binary start from, made once per binary: from the inputs natively, from the data
/// file under Miri.
pub fn machine_state_and_code(account: (&str, &str, &str)) -> &'static (Vec<u8>, String) {
    static MADE: std::sync::OnceLock<(Vec<u8>, String)> = std::sync::OnceLock::new();
    MADE.get_or_init(|| {
        if cfg!(miri) {
            let code = if account == ALICE {
                CODE_ALICE
            } else {
                CODE_JURGEN
            };
            assert!(
                account == ALICE || account == JURGEN,
                "the fixture seals two accounts"
            );
            return (bytes(MACHINE_HEX), code.to_owned());
        }
        let ring = ring();
        let machine = machine(&ring);
        let state = machine.export(None).unwrap().to_vec();
        (state, seal(&ring, &machine, account))
    })
}

/// A machine handle imported through C from a plain state.
pub fn import_machine(state: &[u8]) -> *mut olr_machine {
    let mut handle = std::ptr::null_mut();
    let status = olr_machine_import(
        state.as_ptr(),
        state.len(),
        std::ptr::null(),
        0,
        &mut handle,
        std::ptr::null_mut(),
    );
    assert_eq!(status, olr_status::OLR_OK, "{STALE}");
    handle
}

/// A hex constant of the data file as bytes.
pub fn bytes(hex: &str) -> Vec<u8> {
    data_encoding::HEXLOWER.decode(hex.as_bytes()).expect(STALE)
}

include!("miri_fixture_data.rs");
