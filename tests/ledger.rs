//! The replay ledger (docs/PROTOCOL.md §9.7): a reset code works once, a newer reset retires
//! older codes for the account, entries are forgotten when they can no longer matter, the size
//! is bounded and a full ledger fails closed, and the stored form reads back exactly.

use offline_reset::primitives::SecretScalar;
use offline_reset::*;

#[path = "support/sid.rs"]
mod sid;
use sid::*;

const NOW: i64 = 1_795_000_000;
const LIFE: i64 = 3600;

fn id(n: u16) -> [u8; CODE_ID_LEN] {
    let mut id = [0x5a; CODE_ID_LEN];
    id[..2].copy_from_slice(&n.to_be_bytes());
    id
}

fn fp(n: u16) -> [u8; ACCOUNT_FINGERPRINT_LEN] {
    let mut fp = [0xa5; ACCOUNT_FINGERPRINT_LEN];
    fp[14..].copy_from_slice(&n.to_be_bytes());
    fp
}

/// An accepted code `code` for account `account` issued at `issued_at`, forgotten after LIFE.
fn acc(code: u16, account: u16, issued_at: i64) -> AcceptedReset {
    AcceptedReset::from_parts(
        issued_at,
        issued_at + 600,
        id(code),
        fp(account),
        issued_at + LIFE,
    )
}

#[test]
fn a_code_works_once() {
    let mut ledger = ReplayLedger::new();
    assert!(ledger.is_empty());
    ledger.record(&acc(1, 1, NOW), NOW).unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        ledger.record(&acc(1, 1, NOW), NOW + 5),
        Err(Error::AlreadyUsed)
    );
    assert_eq!(ledger.len(), 1);
}

#[test]
fn a_newer_reset_retires_older_codes_of_the_account_only() {
    let mut ledger = ReplayLedger::new();
    ledger.record(&acc(2, 1, NOW), NOW).unwrap();
    // Older code for the same account, opened after the newer one.
    assert_eq!(
        ledger.record(&acc(3, 1, NOW - 60), NOW),
        Err(Error::Superseded)
    );
    // A different code of the same minute cannot be ordered: refused too.
    assert_eq!(ledger.record(&acc(4, 1, NOW), NOW), Err(Error::Superseded));
    assert_eq!(ledger.len(), 1);
    // Another account is unaffected, also by older codes.
    ledger.record(&acc(5, 2, NOW - 60), NOW).unwrap();
    // A newer code for the first account is accepted.
    ledger.record(&acc(6, 1, NOW + 60), NOW + 60).unwrap();
    assert_eq!(
        ledger.record(&acc(2, 1, NOW), NOW + 60),
        Err(Error::Superseded)
    );
}

#[test]
fn entries_are_forgotten_exactly_at_forget_after() {
    let mut ledger = ReplayLedger::new();
    ledger.record(&acc(1, 1, NOW), NOW).unwrap();
    let forget = acc(1, 1, NOW).forget_after();
    assert_eq!(
        ledger.record(&acc(1, 1, NOW), forget - 1),
        Err(Error::AlreadyUsed)
    );
    assert_eq!(ledger.len(), 1);
    let mut pruned = ledger.clone();
    pruned.prune(forget - 1);
    assert_eq!(pruned.len(), 1);
    pruned.prune(forget);
    assert!(pruned.is_empty());
    // At forget_after the entry is gone, so recording succeeds again (a real machine would no
    // longer open this code).
    ledger.record(&acc(1, 1, NOW), forget).unwrap();
    assert_eq!(ledger.len(), 1);
}

#[test]
fn a_full_ledger_fails_closed_until_pruning_frees_room() {
    let mut ledger = ReplayLedger::new();
    for n in 0..MAX_LEDGER_ENTRIES as u16 {
        // Issue times spread so that the first entries are forgotten first.
        ledger.record(&acc(n, n, NOW + i64::from(n)), NOW).unwrap();
    }
    assert_eq!(ledger.len(), MAX_LEDGER_ENTRIES);
    let before = ledger.export(None).unwrap();
    assert_eq!(
        ledger.record(&acc(5000, 5000, NOW), NOW),
        Err(Error::LedgerFull)
    );
    // A replay is still told apart from a full ledger.
    assert_eq!(
        ledger.record(&acc(7, 7, NOW + 7), NOW),
        Err(Error::AlreadyUsed)
    );
    assert_eq!(*ledger.export(None).unwrap(), *before);
    // Once the first entry is forgotten there is room for one.
    ledger
        .record(&acc(5000, 5000, NOW + 1), NOW + LIFE)
        .unwrap();
    assert_eq!(ledger.len(), MAX_LEDGER_ENTRIES);
    assert_eq!(
        ledger.record(&acc(5001, 5001, NOW + 1), NOW + LIFE),
        Err(Error::LedgerFull)
    );
    // The full ledger's wrapped export is the documented maximum and reads back.
    let key = WrappingKey::from_bytes(&[3; 64]).unwrap();
    let wrapped = ledger.export(Some(&key)).unwrap();
    assert_eq!(wrapped.len(), offline_reset::ffi::OLR_REPLAY_LEDGER_MAX_LEN);
    assert_eq!(ReplayLedger::import(&wrapped, Some(&key)).unwrap(), ledger);
}

fn sample() -> ReplayLedger {
    let mut ledger = ReplayLedger::new();
    for (code, account) in [(9, 1), (3, 2), (7, 3)] {
        ledger.record(&acc(code, account, NOW), NOW).unwrap();
    }
    ledger
}

#[test]
fn export_import_round_trips_plain_and_wrapped() {
    let ledger = sample();
    let plain = ledger.export(None).unwrap();
    assert_eq!(plain.len(), 16 + 48 * 3);
    assert_eq!(&plain[..6], b"OLR\x01\x04\x00");
    let back = ReplayLedger::import(&plain, None).unwrap();
    assert_eq!(back, ledger);
    assert_eq!(*back.export(None).unwrap(), *plain);
    // The imported ledger still refuses the codes.
    let mut back = back;
    assert_eq!(back.record(&acc(3, 2, NOW), NOW), Err(Error::AlreadyUsed));

    let key = WrappingKey::from_bytes(&[1; 64]).unwrap();
    let wrapped = ledger.export(Some(&key)).unwrap();
    assert_eq!(wrapped.len(), plain.len() + 20);
    assert_eq!(ReplayLedger::import(&wrapped, Some(&key)).unwrap(), ledger);
    let other = WrappingKey::from_bytes(&[2; 64]).unwrap();
    assert_eq!(
        ReplayLedger::import(&wrapped, Some(&other)).err(),
        Some(Error::WrongWrappingKey)
    );
    assert_eq!(
        ReplayLedger::import(&wrapped, None).err(),
        Some(Error::WrappingMismatch)
    );
    assert_eq!(
        ReplayLedger::import(&plain, Some(&key)).err(),
        Some(Error::WrappingMismatch)
    );

    let empty = ReplayLedger::new().export(None).unwrap();
    assert_eq!(empty.len(), 16);
    assert!(ReplayLedger::import(&empty, None).unwrap().is_empty());
    // Debug shows only the count.
    assert_eq!(format!("{ledger:?}"), "ReplayLedger { entries: 3 }");
}

/// A plain envelope of kind `kind` around `body`, with a correct CRC.
fn envelope(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = b"OLR\x01".to_vec();
    out.push(kind);
    out.push(0);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// CRC-32/ISO-HDLC, bitwise (a checksum, not cryptography).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn body_of(plain: &[u8]) -> Vec<u8> {
    plain[10..plain.len() - 4].to_vec()
}

#[test]
fn bad_imports_are_refused_with_their_errors() {
    let plain = sample().export(None).unwrap();
    let body = body_of(&plain);
    // Our envelope helper reproduces the library's bytes.
    assert_eq!(envelope(4, &body), *plain);
    let import = |bytes: &[u8]| ReplayLedger::import(bytes, None).err();

    assert_eq!(import(&plain[..plain.len() - 1]), Some(Error::Truncated));
    let mut extra = plain.to_vec();
    extra.push(0);
    assert_eq!(import(&extra), Some(Error::MalformedInput));
    let mut flipped = plain.to_vec();
    flipped[20] ^= 1;
    assert_eq!(import(&flipped), Some(Error::Corrupted));
    assert_eq!(import(&envelope(2, &body)), Some(Error::WrongKind));

    // Body: an entry cut short, a byte after the last entry.
    assert_eq!(
        import(&envelope(4, &body[..body.len() - 1])),
        Some(Error::MalformedInput)
    );
    let mut trailing = body.clone();
    trailing.push(0);
    assert_eq!(import(&envelope(4, &trailing)), Some(Error::MalformedInput));
    // The count must match the entries and be at most the maximum.
    let mut short_count = body.clone();
    short_count[1] = 2;
    assert_eq!(
        import(&envelope(4, &short_count)),
        Some(Error::MalformedInput)
    );
    let mut over = 1025u16.to_be_bytes().to_vec();
    over.extend(std::iter::repeat_n(0u8, 1025 * 48));
    assert_eq!(import(&envelope(4, &over)), Some(Error::MalformedInput));
    assert_eq!(import(&envelope(4, &[0])), Some(Error::MalformedInput));
    // Entries must be strictly ascending by code identifier: swapped, or the same twice.
    let entry = |i: usize| body[2 + 48 * i..2 + 48 * (i + 1)].to_vec();
    let mut swapped = body[..2].to_vec();
    for i in [1, 0, 2] {
        swapped.extend(entry(i));
    }
    assert_eq!(import(&envelope(4, &swapped)), Some(Error::MalformedInput));
    let mut twice = 2u16.to_be_bytes().to_vec();
    twice.extend(entry(0));
    let mut same_id = entry(1);
    same_id[16..32].copy_from_slice(&entry(0)[16..32]);
    twice.extend(same_id);
    assert_eq!(import(&envelope(4, &twice)), Some(Error::MalformedInput));
    // The canonical order with the same entries reads.
    let mut canonical = body[..2].to_vec();
    for i in 0..3 {
        canonical.extend(entry(i));
    }
    assert!(import(&envelope(4, &canonical)).is_none());
}

#[test]
fn fingerprint_depends_on_normalized_names_only() {
    let a = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let b = Account::new("ALICE", "corp", &VECTOR_SID).unwrap();
    let c = Account::new("bob", "CORP", &VECTOR_SID).unwrap();
    let d = Account::new("alice", "OTHER", &VECTOR_SID).unwrap();
    let fa = ReplayLedger::account_fingerprint(&a);
    assert_eq!(fa, ReplayLedger::account_fingerprint(&b));
    assert_ne!(fa, ReplayLedger::account_fingerprint(&c));
    assert_ne!(fa, ReplayLedger::account_fingerprint(&d));
}

#[test]
fn redeem_opens_then_records() {
    let secret = SecretScalar::from_bytes(&[1; 32]).unwrap();
    let ring = ServerKeyRing::from_secret(Policy::new(60, 5).unwrap(), 1, secret);
    let package = ring.deployment_package().unwrap();
    let machine =
        Machine::enroll_with_secret(&package, &SecretScalar::from_bytes(&[2; 32]).unwrap())
            .unwrap();
    let alice = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let id = machine.identification_code();
    let old = ring
        .seal_reset_code(&id, &alice, "old-Passw0rd", NOW)
        .unwrap();
    let new = ring
        .seal_reset_code(&id, &alice, "new-Passw0rd", NOW + 120)
        .unwrap();
    let mut ledger = ReplayLedger::new();

    // A code that does not open leaves the ledger unchanged.
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &old, &alice, "wrong", NOW + 60),
        Err(Error::Rejected)
    );
    assert!(ledger.is_empty());

    let accepted = machine
        .redeem_reset_code(&mut ledger, &old, &alice, "old-Passw0rd", NOW + 60)
        .unwrap();
    assert_eq!(
        accepted.account_fingerprint(),
        &ReplayLedger::account_fingerprint(&alice)
    );
    assert_eq!(ledger.len(), 1);
    // Opening alone still works (the ledger is the caller's); redeeming again does not.
    assert!(machine
        .open_reset_code(&old, &alice, "old-Passw0rd", NOW + 90)
        .is_ok());
    assert_eq!(
        machine.redeem_reset_code(
            &mut ledger,
            &old,
            &Account::new("ALICE", "corp", &VECTOR_SID).unwrap(),
            "old-Passw0rd",
            NOW + 90
        ),
        Err(Error::AlreadyUsed)
    );
    // The newer reset works once and retires the older code, across a persist and reload.
    machine
        .redeem_reset_code(&mut ledger, &new, &alice, "new-Passw0rd", NOW + 180)
        .unwrap();
    let mut ledger = ReplayLedger::import(&ledger.export(None).unwrap(), None).unwrap();
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &new, &alice, "new-Passw0rd", NOW + 200),
        Err(Error::AlreadyUsed)
    );
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &old, &alice, "old-Passw0rd", NOW + 200),
        Err(Error::Superseded)
    );
    // Once every entry can be forgotten the ledger empties; the codes have expired by then.
    let forget = accepted.forget_after();
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &old, &alice, "old-Passw0rd", forget),
        Err(Error::Expired)
    );
    ledger.prune(forget + 120);
    assert!(ledger.is_empty());
}
