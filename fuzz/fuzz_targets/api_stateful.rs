//! The Rust API as a state machine, for the paths the C ABI has no entry point for: rings made
//! from given secrets (`from_secrets`, `rotate_to_secret`,
//! `begin_signing_key_rotation_to_secret`), machines enrolled and redeployed with a given secret
//! (`enroll_with_secret`, `redeploy_with_secret`, `pinned_signer`), packages as bytes
//! (`to_bytes` / `from_bytes`, signer, next signer), the ledger's `latest_time_seen` and
//! `account_fingerprint`, `Account` accessors and `display_name`, spelling tables
//! (`SpellingTable::new`, `word`, `IdentificationCode::spell`, `ResetCode::spell`), the QR
//! matrix (`is_dark`), policies and password costs, and every error's `Display`.
//!
//! The input is decoded with `arbitrary`'s `Unstructured`: an opcode byte, then its arguments.
//! Checked after every step:
//! - a code sealed for (machine, account, password) redeems once on a fresh ledger of that
//!   machine and for nothing else (other SID, name, password, machine), the replay is
//!   AlreadyUsed, and the ledger's latest time seen is the redeem time;
//! - signing-key rotation: a machine pinned to the old key takes the package of a ring that
//!   began the rotation (it names the new key) and, once pinned to the new key, refuses a
//!   package signed by the old one only; packages round-trip through bytes and text;
//! - rotation without grace leaves KeyRotated for the old identification code, RedeployNeeded
//!   for a new code on a machine not redeployed, CodeBeforeRotation for an old code on a
//!   redeployed machine;
//! - every error has a code whose message is its `Display` (or starts it) and is non-empty.
#![no_main]

use libfuzzer_sys::arbitrary::{Result as AResult, Unstructured};
use libfuzzer_sys::fuzz_target;
use offline_reset::primitives::SecretScalar;
use offline_reset::{
    message_for_code, spell_code, Account, DeploymentPackage, Error, IdentificationCode, Machine,
    PasswordCost, Policy, ReplayLedger, ResetCode, ServerKeyRing, SpellingTable,
};
use offline_reset_fuzz::{fixtures, secret, spend, NOW, OTHER_SID, PASSWORD, VECTOR_SID};

const MAX_STEPS: usize = 20;
/// Heavy steps per input: several public-key operations each (rings from secrets, signing-key
/// rotation, packages, enroll, redeploy, a seal with its promises); one P-256 scalar
/// multiplication costs about 0.2 ms under ASan. The world starts with what a heavy step needs
/// (`World::new`).
const BUDGET: u32 = 1;
/// The heavy opcodes.
const HEAVY: [u8; 7] = [0, 2, 3, 4, 5, 6, 7];
/// Light steps per input: a rotation to a given secret (one scalar multiplication), so that a
/// rotation and then a seal fit in one input. (Two rotations in one input are the C target's:
/// `ffi_stateful` allows two.)
const LIGHT_BUDGET: u32 = 1;
/// The light opcode.
const LIGHT: u8 = 1;
/// Redeems per input outside a seal's promises (op 8): each is a scalar multiplication before
/// it can fail, and without a bound the corpus drifts towards long inputs of redeems.
const REDEEM_BUDGET: u32 = 2;
/// The redeem opcode.
const REDEEM: u8 = 8;

fn scalar(u: &mut Unstructured) -> AResult<SecretScalar> {
    // Valid scalars: a small non-zero value in the last bytes.
    let mut b = [0u8; 32];
    b[31] = u.int_in_range(1u8..=255)?;
    b[30] = u.arbitrary()?;
    Ok(SecretScalar::from_bytes(&b).expect("small scalar"))
}

/// An error's promises: a code, a non-empty message, and a Display that says it.
fn check_error(e: &Error) {
    let code = e.code();
    assert!(code >= 1 && code < 100, "{e:?}");
    let message = message_for_code(code);
    assert!(!message.is_empty());
    let shown = e.to_string();
    assert!(!shown.is_empty());
    let _: &dyn std::error::Error = e;
}

fn ok<T>(r: Result<T, Error>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            check_error(&e);
            None
        }
    }
}

/// The first ring of every input (built once: its public keys cost milliseconds under ASan).
fn start_ring() -> &'static ServerKeyRing {
    static RING: std::sync::OnceLock<ServerKeyRing> = std::sync::OnceLock::new();
    RING.get_or_init(|| {
        ServerKeyRing::from_secrets(
            Policy::new(1440, 10).unwrap().with_password_cost(PasswordCost::minimum()),
            1,
            secret(offline_reset_fuzz::SERVER_SECRET),
            secret(offline_reset_fuzz::SIGNING_SECRET),
        )
    })
}

/// The start ring rotated to epoch 2 (an hour's grace for epoch 1), machine B enrolled with its
/// epoch-2 package, and that package; built once per process.
fn rotated() -> &'static (ServerKeyRing, Machine, DeploymentPackage) {
    static ROTATED: std::sync::OnceLock<(ServerKeyRing, Machine, DeploymentPackage)> = std::sync::OnceLock::new();
    ROTATED.get_or_init(|| {
        let mut ring = start_ring().clone();
        ring.set_retired_grace_seconds(3600).unwrap();
        assert_eq!(ring.rotate_to_secret(NOW, secret(offline_reset_fuzz::SERVER_SECRET_EPOCH_2)).expect("rotate"), 2);
        let package = ring.deployment_package().expect("package");
        let machine = Machine::enroll_with_secret(&package, &secret(offline_reset_fuzz::MACHINE_B_SECRET)).expect("enroll");
        (ring, machine, package)
    })
}

/// Whether prebuilt machine m (A, B) is enrolled with prebuilt ring r's package (the start ring,
/// the rotated one): asked once per process.
fn enrolled_prebuilt() -> &'static [[bool; 2]; 2] {
    static ENROLLED: std::sync::OnceLock<[[bool; 2]; 2]> = std::sync::OnceLock::new();
    ENROLLED.get_or_init(|| {
        let machines = [&fixtures().machines_a[0], &rotated().1];
        let packages = [start_ring().deployment_package().expect("package"), rotated().2.clone()];
        let enrolled = machines.map(|m| [0, 1].map(|r| m.is_enrolled_with(&packages[r])));
        assert!(enrolled[1][1], "machine B is enrolled with the rotated ring's package");
        enrolled
    })
}

struct Sealed {
    code: ResetCode,
    machine: usize,
    id: IdentificationCode,
    account: Account,
    password: String,
    now: i64,
}

struct World {
    rings: Vec<ServerKeyRing>,
    machines: Vec<Machine>,
    codes: Vec<Sealed>,
    packages: Vec<DeploymentPackage>,
    /// Per ring (by index): identification codes of epochs it retired without grace.
    retired: Vec<(usize, IdentificationCode)>,
    now: i64,
    /// Per ring and machine: still the prebuilt one, unchanged (`World::new`).
    ring_pristine: Vec<bool>,
    machine_pristine: Vec<bool>,
    /// Whether this input made its one QR code.
    qr_done: bool,
    /// Heavy steps left for this input (see [`BUDGET`]).
    budget: u32,
    /// Light steps left for this input (see [`LIGHT_BUDGET`]).
    light_budget: u32,
    /// Redeems left for this input (see [`REDEEM_BUDGET`]).
    redeem_budget: u32,
}

impl World {
    /// Starts from copies of objects built once per process, so that one heavy step reaches
    /// the promises: the start ring and the fixture machine A with the fixture code sealed on it
    /// (alice, CORP, the vector SID, `PASSWORD`, at `NOW`), and the start ring rotated (with an
    /// hour's grace) to epoch 2 with machine B enrolled with its package.
    fn new() -> Self {
        let f = fixtures();
        let (rotated, machine_b, package_2) = rotated();
        World {
            rings: vec![start_ring().clone(), rotated.clone()],
            machines: vec![f.machines_a[0].clone(), machine_b.clone()],
            codes: vec![Sealed {
                code: f.code_a.clone(),
                machine: 0,
                id: f.id_a.clone(),
                account: f.account_a.clone(),
                password: PASSWORD.to_string(),
                now: NOW,
            }],
            packages: vec![f.package.clone(), package_2.clone()],
            retired: Vec::new(),
            now: NOW,
            ring_pristine: vec![true, true],
            machine_pristine: vec![true, true],
            qr_done: false,
            budget: BUDGET,
            light_budget: LIGHT_BUDGET,
            redeem_budget: REDEEM_BUDGET,
        }
    }

    fn account(&self, u: &mut Unstructured) -> AResult<Option<Account>> {
        let user = *u.choose(&["alice", "ALICE", "bob", "Ünïcødé", " alice", "a\\b", ""])?;
        let domain = *u.choose(&["CORP", "corp", "EXAMPLE", "bad:domain"])?;
        let sid: &[u8] = match u.int_in_range(0u8..=4)? {
            0 | 1 => &VECTOR_SID,
            2 => &OTHER_SID,
            3 => &VECTOR_SID[..12],
            _ => &VECTOR_SID[..10],
        };
        Ok(ok(Account::new(user, domain, sid)))
    }

    fn step(&mut self, u: &mut Unstructured) -> AResult<()> {
        let r = u.choose_index(self.rings.len())?;
        let m = u.choose_index(self.machines.len())?;
        let op = u.int_in_range(0u8..=14)?;
        if HEAVY.contains(&op) && !spend(&mut self.budget) {
            return Ok(());
        }
        if op == LIGHT && !spend(&mut self.light_budget) {
            return Ok(());
        }
        if op == REDEEM && !spend(&mut self.redeem_budget) {
            return Ok(());
        }
        match op {
            // A ring from given secrets, with a fuzzed policy and attempt limits.
            0 => {
                let lifetime = *u.choose(&[1u16, 60, 1440, 16383, 0])?;
                let skew = *u.choose(&[0u16, 10, 1440, 1441])?;
                let Some(policy) = ok(Policy::new(lifetime, skew)) else { return Ok(()) };
                let limits = (*u.choose(&[1u16, 2, 5, 1000, 0])?, *u.choose(&[1u16, 3, 20, 1001])?);
                let policy = match ok(policy.with_attempt_limits(limits.0, limits.1)) {
                    Some(p) => p,
                    None => policy,
                };
                let cost = ok(PasswordCost::new(*u.choose(&[8u32, 16, 7])?, *u.choose(&[1u32, 2, 0])?, *u.choose(&[1u32, 2, 0, 17])?))
                    .unwrap_or(PasswordCost::minimum());
                let _ = (cost.memory_kib(), cost.iterations(), cost.parallelism());
                let policy = policy.with_password_cost(cost);
                let epoch = u.int_in_range(1u16..=3)?;
                let ring = ServerKeyRing::from_secrets(policy, epoch, scalar(u)?, if u.arbitrary()? { secret(offline_reset_fuzz::SIGNING_SECRET) } else { scalar(u)? });
                assert_eq!(ring.policy(), policy);
                assert_eq!(ring.current_epoch(), epoch);
                assert_eq!(ring.epochs(), vec![epoch]);
                if self.rings.len() < 3 {
                    self.rings.push(ring);
                    self.ring_pristine.push(false);
                } else {
                    self.rings[r] = ring;
                    self.ring_pristine[r] = false;
                    self.retired.retain(|(i, _)| *i != r);
                }
            }
            // Rotate to a given secret, with or without grace.
            1 => {
                self.ring_pristine[r] = false;
                let grace = *u.choose(&[0u32, 3600])?;
                let ring = &mut self.rings[r];
                ring.set_retired_grace_seconds(grace).unwrap();
                assert_eq!(ring.retired_grace_seconds(), grace);
                let old = ring.current_epoch();
                let now = self.now;
                if let Some(e) = ok(ring.rotate_to_secret(now, scalar(u)?)) {
                    assert_eq!(e, old + 1);
                    let epochs = ring.epochs();
                    assert_eq!(grace == 0, !epochs.contains(&old));
                    if grace == 0 {
                        for c in &self.codes {
                            if c.id.epoch() == old {
                                self.retired.push((r, c.id.clone()));
                            }
                        }
                        // Every machine at that epoch: the ring holds it no more.
                        for machine in &self.machines {
                            if machine.epoch() == old {
                                self.retired.push((r, machine.identification_code()));
                            }
                        }
                    }
                    ring.prune(now + 7200).unwrap();
                    assert!(ring.epochs().contains(&e));
                }
            }
            // Signing-key rotation to a given key.
            2 => {
                self.ring_pristine[r] = false;
                let ring = &mut self.rings[r];
                let before = ring.signing_public_key();
                match u.int_in_range(0u8..=2)? {
                    0 => {
                        ring.begin_signing_key_rotation_to_secret(scalar(u)?).unwrap();
                        assert_eq!(ring.signing_public_key(), before);
                        let next = ring.next_signing_public_key();
                        if let Some(p) = ok(ring.deployment_package()) {
                            assert_eq!(Some(p.next_signer()), next);
                            assert_eq!(p.signer(), before);
                        }
                    }
                    1 => {
                        let next = ring.next_signing_public_key();
                        ring.finish_signing_key_rotation().unwrap();
                        assert_eq!(ring.signing_public_key(), next.unwrap_or(before));
                        assert_eq!(ring.next_signing_public_key(), None);
                    }
                    _ => {
                        let _ = ring.begin_signing_key_rotation_with_os_rng();
                    }
                }
            }
            // Packages: bytes and text round trips.
            3 => {
                if let Some(p) = ok(self.rings[r].deployment_package()) {
                    let bytes = p.to_bytes();
                    assert_eq!(bytes.len(), 199);
                    // A file as Windows tools write it: a byte order mark and a line break.
                    let file = format!("\u{feff}{}\r\n", p.to_text());
                    let back = DeploymentPackage::from_bytes(file.as_bytes()).expect("package file");
                    let wide: Vec<u8> = p.to_text().encode_utf16().flat_map(|c| c.to_le_bytes()).collect();
                    assert_eq!(DeploymentPackage::from_bytes(&wide).err(), Some(Error::Utf16Text));
                    assert_eq!(back.to_text(), p.to_text());
                    assert_eq!(back.fingerprint(), p.fingerprint());
                    assert_eq!(back.epoch(), p.epoch());
                    assert_eq!(back.policy(), p.policy());
                    assert_eq!(back.server_public_key(), p.server_public_key());
                    assert_eq!(back.signer(), p.signer());
                    let mut bad = p.to_text().into_bytes();
                    let i = u.choose_index(bad.len())?;
                    bad[i] = *u.choose(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ")?;
                    if let Some(q) = ok(DeploymentPackage::from_bytes(&bad)) {
                        assert_eq!(q.to_text(), p.to_text(), "a changed package read as another");
                    }
                    self.packages.push(p);
                }
            }
            // Enroll with a given secret.
            4 => {
                let p = u.choose(&self.packages)?.clone();
                if let Some(machine) = ok(Machine::enroll_with_secret(&p, &scalar(u)?)) {
                    assert!(machine.is_enrolled_with(&p));
                    assert_eq!(machine.pinned_signer(), p.next_signer());
                    assert_eq!(machine.epoch(), p.epoch());
                    assert_eq!(machine.policy(), p.policy());
                    if self.machines.len() < 3 {
                        self.machines.push(machine);
                        self.machine_pristine.push(false);
                    } else {
                        self.machines[m] = machine;
                        self.machine_pristine[m] = false;
                    }
                }
            }
            // Redeploy with a given secret: the signer must be the pinned key.
            5 => {
                let p = u.choose(&self.packages)?.clone();
                let machine = &self.machines[m];
                let result = machine.redeploy_with_secret(&p, &scalar(u)?);
                // A package that would change nothing is taken whoever signed it (the rotation
                // package redeployed after it moved the pin); any other needs the pinned signer.
                if p.signer() != machine.pinned_signer() && !machine.is_enrolled_with(&p) {
                    assert_eq!(result.as_ref().err(), Some(&Error::PackageSignatureInvalid), "a package not signed by the pinned key");
                }
                if let Some(new) = ok(result) {
                    assert!(new.epoch() >= machine.epoch());
                    assert_eq!(new.epoch() == machine.epoch(), new.identification_code() == machine.identification_code());
                    assert_eq!(new.pinned_signer(), p.next_signer());
                    let old_id = machine.identification_code();
                    if new.epoch() > machine.epoch() {
                        for c in self.codes.iter().filter(|c| c.id == old_id) {
                            let e = new.open_reset_code_for_diagnostics(&c.code, &c.account, &c.password, c.now).unwrap_err();
                            assert!(matches!(e, Error::CodeBeforeRotation { .. }), "{e:?}");
                            check_error(&e);
                        }
                    }
                    self.machines[m] = new;
                    self.machine_pristine[m] = false;
                }
            }
            // Seal, then the promises on fresh ledgers.
            6 | 7 => {
                let of_ring: Vec<&IdentificationCode> = self.retired.iter().filter(|(i, _)| *i == r).map(|(_, id)| id).collect();
                let retired = !of_ring.is_empty() && u.ratio(1u8, 4)?;
                let id = if retired { (*u.choose(&of_ring)?).clone() } else { self.machines[m].identification_code() };
                let Some(account) = self.account(u)? else { return Ok(()) };
                let password = if u.ratio(7u8, 8)? { PASSWORD.to_string() } else { (*u.choose(&["", "p"])?).to_string() };
                let now = self.now;
                let result = self.rings[r].seal_reset_code(&id, &account, &password, now);
                if retired {
                    if let Err(e) = &result {
                        check_error(e);
                        assert!(matches!(e, Error::KeyRotated { .. } | Error::InvalidPassword), "{e:?}");
                    } else {
                        panic!("sealed for an epoch retired without grace");
                    }
                    return Ok(());
                }
                let Some(code) = ok(result) else { return Ok(()) };
                // The seal's Argon2id region went back to the ring's pool.
                let ring = &self.rings[r];
                assert!((1..=ring.argon2_memory_bound()).contains(&ring.argon2_memory_idle()));
                let machine = &self.machines[m];
                let table = SpellingTable::english();
                assert!(!code.spell(&table).is_empty());
                assert_eq!(spell_code(code.as_str(), &table).unwrap(), code.spell(&table));
                let reparsed = ResetCode::parse(code.as_str()).unwrap();
                assert_eq!(reparsed.as_str(), code.as_str());
                assert_eq!(reparsed.epoch(), id.epoch());
                let _ = ResetCode::progress(code.as_str());
                // Known for a prebuilt ring and machine (asked once per process), else asked:
                // signing and verifying the package are most of a seal step's time.
                let right_ring = if self.ring_pristine[r] && self.machine_pristine[m] {
                    enrolled_prebuilt()[m][r]
                } else {
                    ok(self.rings[r].deployment_package()).is_some_and(|p| machine.is_enrolled_with(&p))
                };
                let mut ledger = ReplayLedger::new(machine);
                assert_eq!(ledger.latest_time_seen(), None);
                // Nothing else opens it.
                let other = Account::new(account.username(), account.offline_domain(), if account.sid() == VECTOR_SID { &OTHER_SID } else { &VECTOR_SID }).unwrap();
                assert_ne!(ReplayLedger::account_fingerprint(&other), ReplayLedger::account_fingerprint(&account));
                let e = machine.redeem_reset_code(&mut ledger, &code, &other, &password, now).unwrap_err();
                check_error(&e);
                let renamed = Account::new(&format!("{}x", account.username()), account.offline_domain(), account.sid()).unwrap();
                let e = machine.redeem_reset_code(&mut ReplayLedger::new(machine), &code, &renamed, &password, now).unwrap_err();
                check_error(&e);
                let e = machine.redeem_reset_code(&mut ReplayLedger::new(machine), &code, &account, "wrong", now).unwrap_err();
                check_error(&e);
                for (i, other_machine) in self.machines.iter().enumerate() {
                    if i != m && other_machine.identification_code() != id {
                        assert!(other_machine.redeem_reset_code(&mut ReplayLedger::new(other_machine), &code, &account, &password, now).is_err());
                    }
                }
                // Exactly once.
                let mut ledger = ReplayLedger::new(machine);
                let first = machine.redeem_reset_code(&mut ledger, &code, &account, &password, now);
                if right_ring {
                    let accepted = first.expect("a sealed code redeems on its machine");
                    assert_eq!(accepted.account_fingerprint(), &ReplayLedger::account_fingerprint(&account));
                    assert_eq!(accepted.code_id().len(), offline_reset::CODE_ID_LEN);
                    assert_eq!(ledger.latest_time_seen(), Some(now));
                    assert_eq!(ledger.account_count(), 1);
                    assert_eq!(ledger.code_count(), 0);
                    let again = machine.redeem_reset_code(&mut ledger, &code, &account, &password, now);
                    assert_eq!(again.err(), Some(Error::AlreadyUsed));
                    // The ledger survives a wrapped save and load.
                    let f = fixtures();
                    let bytes = ledger.export(Some(&f.wrapping)).unwrap();
                    let loaded = ReplayLedger::import(&bytes, Some(&f.wrapping), machine, ledger.generation()).unwrap();
                    assert_eq!(loaded.latest_time_seen(), ledger.latest_time_seen());
                    assert_eq!(ok(ReplayLedger::import(&bytes, Some(&f.other_wrapping), machine, 0)).is_none(), true);
                } else if let Err(e) = first {
                    check_error(&e);
                }
                self.codes.push(Sealed { code, machine: m, id, account, password, now });
            }
            // Redeem a sealed code on some machine: ok only on its own.
            8 => {
                if self.codes.is_empty() {
                    return Ok(());
                }
                let c = u.choose(&self.codes)?;
                let machine = &self.machines[m];
                let now = if u.arbitrary()? { c.now } else { c.now + 60 * i64::from(u.int_in_range(0u16..=3000)?) };
                let result = machine.redeem_reset_code(&mut ReplayLedger::new(machine), &c.code, &c.account, &c.password, now);
                match &result {
                    Ok(_) => assert_eq!(machine.identification_code(), c.id),
                    Err(e) => {
                        check_error(e);
                        if c.code.epoch() > machine.epoch() {
                            assert!(matches!(e, Error::RedeployNeeded { .. }), "{e:?}");
                        }
                    }
                }
                let _ = c.machine;
            }
            // Spelling tables.
            9 => {
                let mut words: Vec<String> = (0..32).map(|i| format!("w{i}")).collect();
                match u.int_in_range(0u8..=5)? {
                    0 => words[3] = words[2].clone(),
                    1 => words[5] = String::new(),
                    2 => words[7] = "x".repeat(33),
                    3 => words[9] = " lead".into(),
                    4 => words[11] = "a/b".into(),
                    _ => {}
                }
                let refs: [&str; 32] = core::array::from_fn(|i| words[i].as_str());
                match ok(SpellingTable::new(refs)) {
                    Some(table) => {
                        for v in 0..32u8 {
                            assert_eq!(table.word(v), words[usize::from(v)]);
                        }
                        let id = self.machines[m].identification_code();
                        assert_eq!(spell_code(id.as_str(), &table).unwrap(), id.spell(&table));
                        assert_eq!(SpellingTable::from_lines(&words.join("\n")).unwrap(), table);
                        assert_eq!(SpellingTable::default(), SpellingTable::english());
                    }
                    None => assert!(SpellingTable::from_lines(&words.join("\n")).is_err()),
                }
            }
            // The QR matrix: once per input (an encoding costs about a millisecond under ASan).
            10 => {
                if self.qr_done {
                    return Ok(());
                }
                self.qr_done = true;
                let id = self.machines[m].identification_code();
                let base = *u.choose(&["https://reset.example.com/r", "http://x", "nope"])?;
                if let Some(qr) = ok(id.qr(base)) {
                    let w = qr.width();
                    assert_eq!(qr.modules().len(), w * w);
                    let (x, y) = (u.int_in_range(0..=w - 1)?, u.int_in_range(0..=w - 1)?);
                    assert_eq!(qr.is_dark(x, y), qr.modules()[y * w + x] != 0);
                    let uri = id.uri(base).unwrap();
                    assert_eq!(IdentificationCode::parse_uri_or_code(&uri).unwrap(), id);
                }
            }
            // Accounts.
            11 => {
                if let Some(a) = self.account(u)? {
                    assert!(!a.display_name().is_empty());
                    assert!(a.display_name().contains(a.username()));
                    let same = Account::new(&a.username().to_lowercase(), a.offline_domain(), a.sid());
                    let _ = ok(same);
                }
            }
            // Errors: every code's message and Display, the status round trip.
            12 => {
                let e = match u.int_in_range(0u8..=5)? {
                    0 => Error::Mistyped { group: Some(u.arbitrary()?) },
                    1 => Error::Mistyped { group: None },
                    2 => Error::UnsupportedVersion { found: u.arbitrary()? },
                    3 => Error::KeyRotated { code_epoch: u.arbitrary()?, current_epoch: u.arbitrary()? },
                    4 => Error::CodeBeforeRotation { code_epoch: u.arbitrary()?, machine_epoch: u.arbitrary()? },
                    _ => Error::RedeployNeeded { code_epoch: u.arbitrary()?, machine_epoch: u.arbitrary()? },
                };
                check_error(&e);
                for code in 0..=40u32 {
                    let _ = message_for_code(code);
                }
            }
            13 => {
                self.now += 60 * i64::from(u.int_in_range(0u16..=3000)?);
            }
            // The ring's Argon2id memory pool: a seal left its region idle (at most the bound);
            // releasing empties the pool; a clone starts with an empty one.
            _ => {
                let ring = &self.rings[r];
                let bound = ring.argon2_memory_bound();
                assert!(bound >= 1 && ring.argon2_memory_idle() <= bound);
                if u.arbitrary()? {
                    assert_eq!(ring.clone().argon2_memory_idle(), 0, "a clone shares no memory");
                } else {
                    ring.release_argon2_memory();
                    assert_eq!(ring.argon2_memory_idle(), 0);
                }
            }
        }
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut world = World::new();
    for _ in 0..MAX_STEPS {
        if u.is_empty() || world.step(&mut u).is_err() {
            break;
        }
    }
});
