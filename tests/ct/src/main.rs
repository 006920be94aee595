//! Constant-time harness (docs/PROTOCOL.md §12.4), run under valgrind memcheck by
//! `tests/ct/run.sh`, ctgrind style: every secret is marked undefined with memcheck's client
//! requests once it exists, the operation runs, and memcheck reports every branch or memory index
//! that depends on a secret ("Conditional jump or move depends on uninitialised value(s)", "Use
//! of uninitialised value"). Public outputs are marked defined again as soon as they are made.
//!
//! `offline-reset-ct list` prints the case names; `offline-reset-ct NAME` runs one case (one
//! process per case, so memcheck's per-process deduplication never hides a report of one case
//! behind another's). Setup runs with error reporting off; only the operation is checked.
//!
//! Adding a case is one function plus one line in `CASES`.

use std::hint::black_box;

use offline_reset::key_schedule::{
    derive_machine_key, labeled_expand, labeled_extract, password_binding,
};
use offline_reset::primitives::{
    ecdh, hkdf_expand, hkdf_extract, PublicPoint, SecretScalar, SivKey,
};
use offline_reset::{
    Account, IdentificationCode, Machine, PasswordCost, Policy, ReplayLedger,
    ResetCode, ServerKeyRing, WrappingKey,
};

extern "C" {
    fn ct_mark_undefined(p: *const u8, n: usize);
    fn ct_mark_defined(p: *const u8, n: usize);
    fn ct_running_on_valgrind() -> i32;
    fn ct_reports_off();
    fn ct_reports_on();
}

/// Marks the bytes of `v` as secret (undefined to memcheck). Only valgrind's shadow memory
/// changes; the bytes themselves are untouched.
fn secret<T: ?Sized>(v: &T) {
    // SAFETY: the shim only issues a client request about this address range (a no-op outside
    // valgrind); it neither reads nor writes the memory.
    unsafe { ct_mark_undefined(std::ptr::from_ref(v).cast(), std::mem::size_of_val(v)) }
}

/// Marks the bytes of `v` as public again (a declassification, done only for outputs that are
/// public by design, right after they are made).
fn public<T: ?Sized>(v: &T) {
    // SAFETY: as in `secret`.
    unsafe { ct_mark_defined(std::ptr::from_ref(v).cast(), std::mem::size_of_val(v)) }
}

/// Runs setup with memcheck's error reporting off.
fn setup<T>(f: impl FnOnce() -> T) -> T {
    // SAFETY: client requests only.
    unsafe { ct_reports_off() };
    let out = f();
    // SAFETY: client requests only.
    unsafe { ct_reports_on() };
    out
}

/// Marks each copy of `needle` inside `haystack` as secret (for secrets inside exported bytes).
fn secret_inside(haystack: &[u8], needle: &[u8]) -> usize {
    // Find every copy first, then mark: comparing already-marked bytes would report here.
    let at: Vec<usize> = (0..=haystack.len().saturating_sub(needle.len()))
        .filter(|&at| haystack[at..].starts_with(needle))
        .collect();
    assert!(!at.is_empty(), "secret not found in the exported bytes");
    for &at in &at {
        secret(&haystack[at..at + needle.len()]);
    }
    at.len()
}

const NOW: i64 = 1_795_000_000;
const PASSWORD: &str = "Winter-Tulip-42 \u{e9}\u{df}";
const SERVER_SECRET: [u8; 32] = [0x11; 32];
const NEXT_SERVER_SECRET: [u8; 32] = [0x22; 32];
const MACHINE_SECRET: [u8; 32] = [0x33; 32];
const WRAPPING_KEY: [u8; 64] = [0x44; 64];
const SIGNING_SECRET: [u8; 32] = [0x55; 32];
const NEXT_SIGNING_SECRET: [u8; 32] = [0x66; 32];
const NEXT_MACHINE_SECRET: [u8; 32] = [0x77; 32];

fn scalar(bytes: &[u8; 32]) -> SecretScalar {
    SecretScalar::from_bytes(black_box(bytes)).expect("valid scalar")
}

/// A scalar marked secret.
fn secret_scalar(bytes: &[u8; 32]) -> SecretScalar {
    let s = scalar(bytes);
    secret(&s);
    s
}

const USERNAME: &str = "J\u{f6}rg.M\u{fc}ller";
const DOMAIN: &str = "CONTOSO";

/// A binary SID ([MS-DTYP] §2.4.2.2, as tests/support/sid.rs): revision 1, five sub-authorities,
/// authority 5 (NT), S-1-5-21-1004336348-1177238915-682003330-<rid>.
const fn sid_with_rid(rid: u32) -> [u8; 28] {
    let sub = [21u32, 1_004_336_348, 1_177_238_915, 682_003_330, rid];
    let mut out = [0u8; 28];
    out[0] = 1;
    out[1] = 5;
    out[7] = 5;
    let mut i = 0;
    while i < 5 {
        let b = sub[i].to_le_bytes();
        out[8 + 4 * i] = b[0];
        out[9 + 4 * i] = b[1];
        out[10 + 4 * i] = b[2];
        out[11 + 4 * i] = b[3];
        i += 1;
    }
    out
}

/// The account's SID (public, like the names).
const SID: [u8; 28] = sid_with_rid(1104);
const OTHER_SID: [u8; 28] = sid_with_rid(1105);

fn account() -> Account {
    Account::new(USERNAME, DOMAIN, &SID).expect("account")
}

/// A secret copy of the password on the heap (the caller's buffer).
fn password() -> String {
    let p = black_box(PASSWORD).to_owned();
    secret(p.as_str());
    p
}

/// The policy of every case: the smallest password cost (19 MiB, 2 passes, 1 lane), so that the
/// Argon2id runs of seal and open stay quick under valgrind. The cost changes how many blocks
/// Argon2id fills, not which code runs.
fn quick() -> Policy {
    Policy::default().with_password_cost(PasswordCost::minimum())
}

/// The key ring, nothing marked (setup).
fn ring() -> ServerKeyRing {
    ServerKeyRing::from_secrets(quick(), 1, scalar(&SERVER_SECRET), scalar(&SIGNING_SECRET))
}

/// The key ring with a signing-key rotation under way (a next signing secret), nothing marked.
fn rotating_ring() -> ServerKeyRing {
    let mut ring = ring();
    ring.begin_signing_key_rotation_to_secret(scalar(&NEXT_SIGNING_SECRET));
    ring
}

/// The key ring whose server scalar and signing scalar are marked secret.
fn secret_ring() -> ServerKeyRing {
    setup(|| {
        ServerKeyRing::from_secrets(
            quick(),
            1,
            secret_scalar(&SERVER_SECRET),
            secret_scalar(&SIGNING_SECRET),
        )
    })
}

/// A machine enrolled from `ring`'s package, nothing marked (setup).
fn machine(ring: &ServerKeyRing) -> Machine {
    let package = ring.deployment_package().expect("package");
    Machine::enroll_with_secret(&package, &scalar(&MACHINE_SECRET)).expect("enroll")
}

/// The machine key as the machine stores it (the last 64 bytes of the plain body).
fn machine_key_bytes(plain_export: &[u8]) -> [u8; 64] {
    let end = plain_export.len() - 4;
    plain_export[end - 64..end].try_into().expect("64 bytes")
}

/// `machine` re-imported from its plain export with only its machine key marked secret: its
/// public fields (epoch, keys, x(M), policy) stay public, as they are (setup).
fn secret_machine(machine: &Machine) -> Machine {
    let bytes = machine.export(None).expect("export");
    let key = machine_key_bytes(&bytes);
    secret_inside(&bytes, &key);
    Machine::import(&bytes, None).expect("import")
}

fn wrapping_key() -> WrappingKey {
    let key = WrappingKey::from_bytes(black_box(&WRAPPING_KEY)).expect("key");
    secret(&key);
    key
}

/// An RNG whose every output is secret: for generation and rotation with random keys.
struct SecretRng(u64);

impl rand_core::TryRng for SecretRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst.iter_mut() {
            // splitmix64 step: test randomness only.
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *byte = (z ^ (z >> 31)) as u8;
        }
        secret(dst);
        Ok(())
    }
}
impl rand_core::TryCryptoRng for SecretRng {}

// --- cases: one function each ------------------------------------------------------------------

fn case_ecdh() {
    let (s, point) = setup(|| {
        let point = scalar(&MACHINE_SECRET).public_compressed();
        (
            scalar(&SERVER_SECRET),
            PublicPoint::from_compressed(&point).expect("point"),
        )
    });
    secret(&s);
    let shared = ecdh(&s, &point);
    public(&shared.is_ok());
    black_box(shared.expect("ecdh"));
}

fn case_hkdf() {
    let ikm = black_box([0x55u8; 32]);
    secret(&ikm);
    let prk = hkdf_extract(b"salt", &[b"label", &ikm]);
    let mut okm = [0u8; 64];
    let r = hkdf_expand(prk.as_ref(), &[b"info"], &mut okm);
    public(&r);
    r.expect("expand");
    black_box(&okm);
}

fn case_key_schedule() {
    let shared = black_box([0x66u8; 32]);
    secret(&shared);
    let server_public = setup(|| scalar(&SERVER_SECRET).public_compressed());
    let machine_x = setup(|| scalar(&MACHINE_SECRET).public_x());
    let prk = labeled_extract(b"", b"shared_secret", &shared);
    let mut okm = [0u8; 16];
    let r = labeled_expand(prk.as_ref(), b"check", [b"a", b"b", b"c"], &mut okm);
    public(&r);
    let key = derive_machine_key(&shared, 1, &server_public, &machine_x);
    public(&key.is_ok());
    black_box((key.expect("key"), okm));
}

fn case_siv_seal() {
    let key = SivKey::from_slice(black_box(&WRAPPING_KEY)).expect("key");
    secret(&key);
    let mut buffer = black_box([0x77u8; 37]);
    secret(&buffer);
    let tag = key.seal_in_place(&[b"aad"], &mut buffer);
    // Tag and ciphertext are public outputs.
    public(&tag);
    public(&buffer);
    black_box(tag.expect("seal"));
}

fn siv_sealed() -> ([u8; 16], [u8; 37]) {
    let key = SivKey::from_slice(&WRAPPING_KEY).expect("key");
    let mut buffer = [0x77u8; 37];
    let tag = key.seal_in_place(&[b"aad"], &mut buffer).expect("seal");
    (tag, buffer)
}

fn case_siv_open() {
    let (tag, mut buffer) = setup(siv_sealed);
    let key = SivKey::from_slice(black_box(&WRAPPING_KEY)).expect("key");
    secret(&key);
    let r = key.open_in_place(&[b"aad"], &mut buffer, &tag);
    public(&r);
    r.expect("open");
    black_box(&buffer);
}

fn case_siv_open_forged() {
    let (mut tag, mut buffer) = setup(siv_sealed);
    tag[0] ^= 1;
    let key = SivKey::from_slice(black_box(&WRAPPING_KEY)).expect("key");
    secret(&key);
    let r = key.open_in_place(&[b"aad"], &mut buffer, &tag);
    public(&r);
    assert!(r.is_err(), "forgery accepted");
}

fn case_generate() {
    let ring = ServerKeyRing::generate(quick(), &mut SecretRng(1));
    public(&ring.is_ok());
    black_box(ring.expect("generate"));
}

fn case_rotate() {
    let mut ring = setup(ring);
    let r = ring.rotate(NOW, &mut SecretRng(2));
    public(&r);
    black_box(r.expect("rotate"));
}

fn case_rotate_to_secret() {
    let mut ring = setup(ring);
    let next = secret_scalar(&NEXT_SERVER_SECRET);
    let r = ring.rotate_to_secret(NOW, next);
    public(&r);
    black_box(r.expect("rotate"));
}

/// Signing a deployment package (§8): ECDSA P-256 with RFC 6979 nonces, `p256`'s own code, with
/// the signing scalar (and the server scalar, whose public key the package carries) secret.
fn case_package_sign() {
    let ring = secret_ring();
    let package = ring.deployment_package();
    public(&package.is_ok());
    // The package is public: its envelope bytes (what the text encodes) are declassified.
    let bytes = package.expect("package").to_bytes();
    public(bytes.as_slice());
    black_box(bytes);
}

/// The same during a signing-key rotation: signed with the current key, naming the next one.
fn case_package_sign_rotating() {
    let mut ring = secret_ring();
    ring.begin_signing_key_rotation_to_secret(setup(|| secret_scalar(&NEXT_SIGNING_SECRET)));
    let package = ring.deployment_package();
    public(&package.is_ok());
    // The package is public: its envelope bytes (what the text encodes) are declassified.
    let bytes = package.expect("package").to_bytes();
    public(bytes.as_slice());
    black_box(bytes);
}

/// Beginning a signing-key rotation: the next signing key drawn from a secret RNG.
fn case_signing_rotation_begin() {
    let mut ring = secret_ring();
    let r = ring.begin_signing_key_rotation(&mut SecretRng(3));
    public(&r);
    r.expect("begin");
    let next = ring.next_signing_public_key();
    public(&next);
    black_box(next);
}

/// Finishing it: the next signing key replaces the current one, which is erased.
fn case_signing_rotation_finish() {
    let mut ring = secret_ring();
    setup(|| ring.begin_signing_key_rotation_to_secret(secret_scalar(&NEXT_SIGNING_SECRET)));
    ring.finish_signing_key_rotation();
    black_box(&ring);
}

fn case_enroll() {
    let package = setup(|| ring().deployment_package().expect("package"));
    let s = secret_scalar(&MACHINE_SECRET);
    let machine = Machine::enroll_with_secret(&package, &s);
    public(&machine.is_ok());
    let machine = machine.expect("enroll");
    // The identification code is public.
    let code = machine.identification_code();
    public(code.as_str());
    black_box(code);
}

/// Redeploying with a package of the same epoch made during a signing-key rotation (the
/// signature checked with the pinned key; the machine key, secret, is kept).
fn case_redeploy_same_epoch() {
    let (machine, package) = setup(|| {
        let mut ring = ring();
        let machine = secret_machine(&machine(&ring));
        ring.begin_signing_key_rotation_to_secret(scalar(&NEXT_SIGNING_SECRET));
        (machine, ring.deployment_package().expect("package"))
    });
    let redeployed = machine.redeploy_with_secret(&package, &scalar(&NEXT_MACHINE_SECRET));
    public(&redeployed.is_ok());
    black_box(redeployed.expect("redeploy"));
}

/// Redeploying with a package of a newer epoch: a new machine secret (marked) and machine key.
fn case_redeploy_new_epoch() {
    let (machine, package) = setup(|| {
        let mut ring = ring();
        let machine = secret_machine(&machine(&ring));
        ring.rotate_to_secret(NOW, scalar(&NEXT_SERVER_SECRET)).expect("rotate");
        (machine, ring.deployment_package().expect("package"))
    });
    let s = secret_scalar(&NEXT_MACHINE_SECRET);
    let redeployed = machine.redeploy_with_secret(&package, &s);
    public(&redeployed.is_ok());
    let code = redeployed.expect("redeploy").identification_code();
    public(code.as_str());
    black_box(code);
}

/// The server side: a ring whose scalars are secret, and a machine's identification code.
fn seal_fixture() -> (ServerKeyRing, IdentificationCode) {
    let id = setup(|| machine(&ring()).identification_code());
    (secret_ring(), id)
}

fn case_seal() {
    let (ring, id) = seal_fixture();
    let account = account();
    let password = password();
    let code = ring.seal_reset_code(&id, &account, &password, NOW);
    public(&code.is_ok());
    let code = code.expect("seal");
    public(code.as_str());
    black_box(code);
}

/// A second seal on one ring: it runs in the Argon2id region the first seal left in the ring's
/// pool (src/argon2_memory.rs), which still holds that seal's blocks (derived from a secret).
fn case_seal_reused_memory() {
    let (ring, id) = seal_fixture();
    let account = account();
    // The first seal's password is secret too, so the blocks it leaves are marked undefined.
    let first = setup(|| ring.seal_reset_code(&id, &account, &password(), NOW).expect("seal"));
    black_box(first);
    assert_eq!(ring.argon2_memory_idle(), 1, "the first seal's region is idle in the pool");
    let password = password();
    let code = ring.seal_reset_code(&id, &account, &password, NOW);
    public(&code.is_ok());
    let code = code.expect("seal");
    public(code.as_str());
    black_box(code);
}

/// The machine side: a machine whose key is secret (its public fields public), a code for it.
fn open_fixture_with(policy: Policy) -> (Machine, ResetCode) {
    setup(|| {
        let ring = ServerKeyRing::from_secrets(
            policy,
            1,
            scalar(&SERVER_SECRET),
            scalar(&SIGNING_SECRET),
        );
        let machine = machine(&ring);
        let code = ring
            .seal_reset_code(&machine.identification_code(), &account(), PASSWORD, NOW)
            .expect("seal");
        (
            secret_machine(&machine),
            ResetCode::parse(code.as_str()).expect("parse"),
        )
    })
}

fn open_fixture() -> (Machine, ResetCode) {
    open_fixture_with(quick())
}

fn case_open() {
    let (machine, code) = open_fixture();
    let account = account();
    let password = password();
    let accepted = machine.open_reset_code_for_diagnostics(&code, &account, &password, NOW + 60);
    public(&accepted);
    black_box(accepted.expect("open"));
}

fn case_open_wrong_password() {
    let (machine, code) = open_fixture();
    let account = account();
    let mut password = password();
    password.push('!');
    secret(password.as_str());
    let refused = machine.open_reset_code_for_diagnostics(&code, &account, &password, NOW + 60);
    public(&refused);
    assert!(refused.is_err(), "wrong password accepted");
}

fn case_ring_export_plain() {
    let (ring, _) = seal_fixture();
    let bytes = ring.export(None);
    public(&bytes.is_ok());
    black_box(bytes.expect("export"));
}

fn case_ring_export_wrapped() {
    let (ring, _) = seal_fixture();
    let key = wrapping_key();
    let bytes = ring.export(Some(&key));
    public(&bytes.is_ok());
    let bytes = bytes.expect("export");
    public(bytes.as_slice());
    black_box(bytes);
}

/// Export during a signing-key rotation: both signing secrets and the server scalar secret.
fn case_ring_export_rotating_plain() {
    let mut ring = secret_ring();
    setup(|| ring.begin_signing_key_rotation_to_secret(secret_scalar(&NEXT_SIGNING_SECRET)));
    let bytes = ring.export(None);
    public(&bytes.is_ok());
    black_box(bytes.expect("export"));
}

fn case_ring_export_rotating_wrapped() {
    let mut ring = secret_ring();
    setup(|| ring.begin_signing_key_rotation_to_secret(secret_scalar(&NEXT_SIGNING_SECRET)));
    let key = wrapping_key();
    let bytes = ring.export(Some(&key));
    public(&bytes.is_ok());
    let bytes = bytes.expect("export");
    public(bytes.as_slice());
    black_box(bytes);
}

/// Marks every secret scalar inside a plain key ring export (all copies found first, then
/// marked: searching already-marked bytes would report in the harness).
fn mark_ring_secrets(bytes: &[u8], rotating: bool) {
    let mut needles = vec![&SERVER_SECRET, &SIGNING_SECRET];
    if rotating {
        needles.push(&NEXT_SIGNING_SECRET);
    }
    let mut at = Vec::new();
    for needle in &needles {
        let found: Vec<usize> = (0..=bytes.len() - 32)
            .filter(|&i| bytes[i..].starts_with(&needle[..]))
            .collect();
        assert!(!found.is_empty(), "secret not found in the exported bytes");
        at.extend(found);
    }
    for i in at {
        secret(&bytes[i..i + 32]);
    }
}

fn case_ring_import_plain() {
    let bytes = setup(|| ring().export(None).expect("export"));
    mark_ring_secrets(&bytes, false);
    let ring = ServerKeyRing::import(&bytes, None);
    public(&ring.is_ok());
    black_box(ring.expect("import"));
}

fn case_ring_import_wrapped() {
    let bytes = setup(|| {
        let key = WrappingKey::from_bytes(&WRAPPING_KEY).expect("key");
        ring().export(Some(&key)).expect("export")
    });
    let key = wrapping_key();
    let ring = ServerKeyRing::import(&bytes, Some(&key));
    public(&ring.is_ok());
    black_box(ring.expect("import"));
}

fn case_ring_import_rotating_plain() {
    let bytes = setup(|| rotating_ring().export(None).expect("export"));
    mark_ring_secrets(&bytes, true);
    let ring = ServerKeyRing::import(&bytes, None);
    public(&ring.is_ok());
    black_box(ring.expect("import"));
}

fn case_ring_import_rotating_wrapped() {
    let bytes = setup(|| {
        let key = WrappingKey::from_bytes(&WRAPPING_KEY).expect("key");
        rotating_ring().export(Some(&key)).expect("export")
    });
    let key = wrapping_key();
    let ring = ServerKeyRing::import(&bytes, Some(&key));
    public(&ring.is_ok());
    black_box(ring.expect("import"));
}

fn case_machine_export_plain() {
    let (machine, _) = open_fixture();
    let bytes = machine.export(None);
    public(&bytes.is_ok());
    black_box(bytes.expect("export"));
}

fn case_machine_export_wrapped() {
    let (machine, _) = open_fixture();
    let key = wrapping_key();
    let bytes = machine.export(Some(&key));
    public(&bytes.is_ok());
    let bytes = bytes.expect("export");
    public(bytes.as_slice());
    black_box(bytes);
}

fn case_machine_import_plain() {
    let (bytes, key) = setup(|| {
        let ring = ring();
        let bytes = machine(&ring).export(None).expect("export");
        let key = machine_key_bytes(&bytes);
        (bytes, key)
    });
    secret_inside(&bytes, &key);
    let machine = Machine::import(&bytes, None);
    public(&machine.is_ok());
    black_box(machine.expect("import"));
}

fn case_machine_import_wrapped() {
    let bytes = setup(|| {
        let key = WrappingKey::from_bytes(&WRAPPING_KEY).expect("key");
        machine(&ring()).export(Some(&key)).expect("export")
    });
    let key = wrapping_key();
    let machine = Machine::import(&bytes, Some(&key));
    public(&machine.is_ok());
    black_box(machine.expect("import"));
}

fn case_password_binding() {
    let machine_x = setup(|| scalar(&MACHINE_SECRET).public_x());
    let account = account();
    let password = password();
    let binding = password_binding(
        PasswordCost::minimum(),
        1,
        &machine_x,
        &account,
        password.as_bytes(),
    );
    public(&binding.is_ok());
    // The binding stays secret (it keys nothing, but it is as good as the password to a guesser).
    black_box(binding.expect("binding"));
}

// --- the replay ledger (§9.7): its records hold no secret (account fingerprints of public names
// and SIDs, code identifiers that are the codes' public SIV tags, public times and counts). What
// is checked: that redeeming (count the attempt, open, accept, with a secret machine key and
// password) branches on nothing secret beyond open's own allowed reports, that a redeem refused
// by the attempt limit runs no Argon2id at all, and that the wrapped export/import touch the
// wrapping key only in constant time. The plain export/import cases have no secret input: they
// show that none flows in.

/// A ledger for `machine` that already holds records: a failed attempt of `code` for another
/// account (same names, another SID), so that counting and accepting search and insert among
/// records. Costs one Argon2id run (setup).
fn ledger_fixture(machine: &Machine, code: &ResetCode) -> ReplayLedger {
    let mut ledger = ReplayLedger::new(machine);
    let other = Account::new(USERNAME, DOMAIN, &OTHER_SID).expect("account");
    let refused = machine.redeem_reset_code(&mut ledger, code, &other, PASSWORD, NOW + 30);
    public(&refused);
    assert!(refused.is_err(), "another account's redeem accepted");
    // Times and counts written by the refused redeem are public; declassify the whole ledger
    // by a plain export and import.
    let bytes = ledger.export(None).expect("export");
    public(bytes.as_slice());
    ReplayLedger::import(&bytes, None, machine, 0).expect("import")
}

fn case_redeem() {
    let (machine, code) = open_fixture();
    let mut ledger = setup(|| ledger_fixture(&machine, &code));
    let account = account();
    let password = password();
    let accepted = machine.redeem_reset_code(&mut ledger, &code, &account, &password, NOW + 60);
    public(&accepted);
    black_box(accepted.expect("redeem"));
    assert_eq!(ledger.account_count(), 2, "two accounts recorded");
}

fn case_redeem_wrong_password() {
    let (machine, code) = open_fixture();
    let mut ledger = setup(|| ledger_fixture(&machine, &code));
    let account = account();
    let mut password = password();
    password.push('!');
    secret(password.as_str());
    let refused = machine.redeem_reset_code(&mut ledger, &code, &account, &password, NOW + 60);
    public(&refused);
    assert!(refused.is_err(), "wrong password accepted");
}

/// A redeem refused by the attempt limit (§9.7): the code already failed once and the policy
/// allows one failed open per code, so the attempt is refused before any Argon2id run.
fn case_redeem_too_many_attempts() {
    let policy = quick().with_attempt_limits(1, 20).expect("limits");
    let (machine, code) = open_fixture_with(policy);
    let mut ledger = setup(|| {
        let mut ledger = ReplayLedger::new(&machine);
        let mut wrong = PASSWORD.to_owned();
        wrong.push('!');
        let refused = machine.redeem_reset_code(&mut ledger, &code, &account(), &wrong, NOW + 30);
        assert!(refused.is_err(), "wrong password accepted");
        let bytes = ledger.export(None).expect("export");
        public(bytes.as_slice());
        ReplayLedger::import(&bytes, None, &machine, 0).expect("import")
    });
    let account = account();
    let password = password();
    let refused = machine.redeem_reset_code(&mut ledger, &code, &account, &password, NOW + 60);
    public(&refused);
    assert!(
        matches!(refused, Err(offline_reset::Error::TooManyAttempts)),
        "not refused by the attempt limit: {refused:?}"
    );
}

/// A ledger after a real redeem, and its machine. The records' times were decrypted with the
/// (secret) machine key, so memcheck still counts them as secret; they are public (the issue
/// time of a used code), so the ledger is declassified by a plain export and import, in setup.
fn redeemed_ledger() -> (Machine, ReplayLedger) {
    let (machine, code) = open_fixture();
    let ledger = setup(|| {
        let mut ledger = ledger_fixture(&machine, &code);
        machine
            .redeem_reset_code(&mut ledger, &code, &account(), PASSWORD, NOW + 60)
            .expect("redeem");
        let bytes = ledger.export(None).expect("export");
        public(bytes.as_slice());
        ReplayLedger::import(&bytes, None, &machine, 0).expect("import")
    });
    (machine, ledger)
}

fn case_ledger_export_plain() {
    let (_, ledger) = redeemed_ledger();
    let bytes = ledger.export(None);
    public(&bytes.is_ok());
    black_box(bytes.expect("export"));
}

fn case_ledger_export_wrapped() {
    let (_, ledger) = redeemed_ledger();
    let key = wrapping_key();
    let bytes = ledger.export(Some(&key));
    public(&bytes.is_ok());
    let bytes = bytes.expect("export");
    public(bytes.as_slice());
    black_box(bytes);
}

fn case_ledger_import_plain() {
    let (machine, ledger) = redeemed_ledger();
    let bytes = setup(|| ledger.export(None).expect("export"));
    let ledger = ReplayLedger::import(&bytes, None, &machine, 2);
    public(&ledger.is_ok());
    assert_eq!(ledger.expect("import").account_count(), 2);
}

fn case_ledger_import_wrapped() {
    let (machine, ledger) = redeemed_ledger();
    let bytes = setup(|| {
        let key = WrappingKey::from_bytes(&WRAPPING_KEY).expect("key");
        ledger.export(Some(&key)).expect("export")
    });
    let key = wrapping_key();
    let ledger = ReplayLedger::import(&bytes, Some(&key), &machine, 2);
    public(&ledger.is_ok());
    black_box(ledger.expect("import"));
}

// --- the C ABI (`include/offline_reset.h`): the same operations through the exported `olr_*`
// functions, which add their own handling of the secret inputs (pointer + length, UTF-8
// checks, copies into and out of handles). Every `olr_*` call of the harness is in this module,
// so a change of the C signatures touches only it.
mod cabi {
    use core::ffi::c_char;

    use offline_reset::ffi::{
        olr_accepted_reset, olr_error_details, olr_machine, olr_machine_free, olr_machine_import,
        olr_machine_redeem_reset_code, olr_replay_ledger, olr_replay_ledger_free,
        olr_replay_ledger_new, olr_server_key_ring, olr_server_key_ring_free,
        olr_server_key_ring_import, olr_server_key_ring_seal_reset_code, olr_status,
    };

    /// Owns a handle and frees it through its `olr_*_free` (which wipes its secrets).
    pub struct Handle<T> {
        ptr: *mut T,
        free: extern "C" fn(*mut T),
    }

    impl<T> Handle<T> {
        fn new(ptr: *mut T, status: olr_status, free: extern "C" fn(*mut T)) -> Self {
            assert_eq!(status, olr_status::OLR_OK, "C ABI call failed");
            assert!(!ptr.is_null());
            Handle { ptr, free }
        }
    }

    impl<T> Drop for Handle<T> {
        fn drop(&mut self) {
            (self.free)(self.ptr);
        }
    }

    pub type Ring = Handle<olr_server_key_ring>;
    pub type Machine = Handle<olr_machine>;
    pub type Ledger = Handle<olr_replay_ledger>;

    /// `olr_server_key_ring_import` of a plain export.
    pub fn ring_import(bytes: &[u8]) -> Ring {
        let mut out = core::ptr::null_mut();
        let mut details = olr_error_details::default();
        let status = olr_server_key_ring_import(
            bytes.as_ptr(),
            bytes.len(),
            core::ptr::null(),
            0,
            &mut out,
            &mut details,
        );
        Handle::new(out, status, olr_server_key_ring_free)
    }

    /// `olr_machine_import` of a plain export.
    pub fn machine_import(bytes: &[u8]) -> Machine {
        let mut out = core::ptr::null_mut();
        let mut details = olr_error_details::default();
        let status = olr_machine_import(
            bytes.as_ptr(),
            bytes.len(),
            core::ptr::null(),
            0,
            &mut out,
            &mut details,
        );
        Handle::new(out, status, olr_machine_free)
    }

    /// `olr_replay_ledger_new` for `machine`.
    pub fn ledger_new(machine: &Machine) -> Ledger {
        let mut out = core::ptr::null_mut();
        let status = olr_replay_ledger_new(machine.ptr, &mut out);
        Handle::new(out, status, olr_replay_ledger_free)
    }

    /// `olr_server_key_ring_seal_reset_code`: the status and the code text written.
    pub fn seal(
        ring: &Ring,
        identification_code: &str,
        account: (&str, &str, &[u8]),
        password: &[u8],
        now: i64,
    ) -> (olr_status, Vec<u8>) {
        let (username, domain, sid) = account;
        let mut out = vec![0u8; 128];
        let mut out_len = 0usize;
        let mut details = olr_error_details::default();
        let status = olr_server_key_ring_seal_reset_code(
            ring.ptr,
            identification_code.as_ptr().cast::<c_char>(),
            identification_code.len(),
            username.as_ptr().cast::<c_char>(),
            username.len(),
            domain.as_ptr().cast::<c_char>(),
            domain.len(),
            sid.as_ptr(),
            sid.len(),
            password.as_ptr().cast::<c_char>(),
            password.len(),
            now,
            out.as_mut_ptr().cast::<c_char>(),
            out.len(),
            &mut out_len,
            &mut details,
        );
        out.truncate(out_len.min(out.len()));
        (status, out)
    }

    /// `olr_machine_redeem_reset_code`: the status.
    pub fn redeem(
        machine: &Machine,
        ledger: &mut Ledger,
        reset_code: &str,
        account: (&str, &str, &[u8]),
        password: &[u8],
        now: i64,
    ) -> olr_status {
        let (username, domain, sid) = account;
        let mut accepted = olr_accepted_reset::default();
        let mut details = olr_error_details::default();
        olr_machine_redeem_reset_code(
            machine.ptr,
            ledger.ptr,
            reset_code.as_ptr().cast::<c_char>(),
            reset_code.len(),
            username.as_ptr().cast::<c_char>(),
            username.len(),
            domain.as_ptr().cast::<c_char>(),
            domain.len(),
            sid.as_ptr(),
            sid.len(),
            password.as_ptr().cast::<c_char>(),
            password.len(),
            now,
            &mut accepted,
            &mut details,
        )
    }

    /// The account of every case (public names and SID), as a C caller passes it.
    pub fn account() -> (&'static str, &'static str, &'static [u8]) {
        (super::USERNAME, super::DOMAIN, &super::SID)
    }
}

/// The C server side: a key ring handle imported from a plain export whose scalars (server and
/// signing) are marked secret (import's own reports are the `ring_import_plain` case's; here
/// they are setup).
fn cabi_seal_fixture() -> (cabi::Ring, String) {
    setup(|| {
        let ring = ring();
        let id = machine(&ring).identification_code().as_str().to_owned();
        let bytes = ring.export(None).expect("export");
        mark_ring_secrets(&bytes, false);
        (cabi::ring_import(&bytes), id)
    })
}

/// The C machine side: a machine handle imported from a plain export whose machine key is
/// marked secret, an empty ledger handle, and a code for the machine.
fn cabi_redeem_fixture() -> (cabi::Machine, cabi::Ledger, String) {
    setup(|| {
        let ring = ring();
        let machine = machine(&ring);
        let code = ring
            .seal_reset_code(&machine.identification_code(), &account(), PASSWORD, NOW)
            .expect("seal");
        let bytes = machine.export(None).expect("export");
        let key = machine_key_bytes(&bytes);
        secret_inside(&bytes, &key);
        let machine = cabi::machine_import(&bytes);
        let ledger = cabi::ledger_new(&machine);
        (machine, ledger, code.as_str().to_owned())
    })
}

/// The password as a C caller holds it: bytes in its own buffer, marked secret.
fn cabi_password(extra: &str) -> Vec<u8> {
    let mut p = black_box(PASSWORD).as_bytes().to_vec();
    p.extend_from_slice(extra.as_bytes());
    secret(p.as_slice());
    p
}

fn case_cabi_seal() {
    let (ring, id) = cabi_seal_fixture();
    let password = cabi_password("");
    let (status, code) = cabi::seal(&ring, &id, cabi::account(), &password, NOW);
    public(&status);
    public(code.as_slice());
    assert_eq!(status, offline_reset::ffi::olr_status::OLR_OK, "seal");
    black_box(code);
}

fn case_cabi_redeem() {
    let (machine, mut ledger, code) = cabi_redeem_fixture();
    let password = cabi_password("");
    let status = cabi::redeem(
        &machine,
        &mut ledger,
        &code,
        cabi::account(),
        &password,
        NOW + 60,
    );
    public(&status);
    assert_eq!(status, offline_reset::ffi::olr_status::OLR_OK, "redeem");
}

fn case_cabi_redeem_wrong_password() {
    let (machine, mut ledger, code) = cabi_redeem_fixture();
    let password = cabi_password("!");
    let status = cabi::redeem(
        &machine,
        &mut ledger,
        &code,
        cabi::account(),
        &password,
        NOW + 60,
    );
    public(&status);
    assert_ne!(
        status,
        offline_reset::ffi::olr_status::OLR_OK,
        "wrong password accepted"
    );
}

// --- the self-test: proof that the checker catches a secret-dependent branch. classify.py
// counts this case as passed only when memcheck reports the branch below and no allowed rule
// matches that report; a run where it goes unreported fails.

/// Branches on a secret bit, on purpose (never inlined, so its frame is named). The one-sided
/// `black_box` cannot be hoisted or turned into a conditional move: a real jump must remain.
#[inline(never)]
fn leaky_branch(secret_bytes: &[u8]) {
    if secret_bytes[0] & 1 == 1 {
        black_box(secret_bytes.len());
    }
}

fn case_selftest_secret_branch() {
    let buffer = black_box([0x5Bu8; 16]);
    secret(&buffer);
    leaky_branch(&buffer);
}

type Case = (&'static str, fn());

const CASES: &[Case] = &[
    ("ecdh", case_ecdh),
    ("hkdf", case_hkdf),
    ("key_schedule", case_key_schedule),
    ("siv_seal", case_siv_seal),
    ("siv_open", case_siv_open),
    ("siv_open_forged", case_siv_open_forged),
    ("generate", case_generate),
    ("rotate", case_rotate),
    ("rotate_to_secret", case_rotate_to_secret),
    ("package_sign", case_package_sign),
    ("package_sign_rotating", case_package_sign_rotating),
    ("signing_rotation_begin", case_signing_rotation_begin),
    ("signing_rotation_finish", case_signing_rotation_finish),
    ("enroll", case_enroll),
    ("redeploy_same_epoch", case_redeploy_same_epoch),
    ("redeploy_new_epoch", case_redeploy_new_epoch),
    ("seal", case_seal),
    ("seal_reused_memory", case_seal_reused_memory),
    ("open", case_open),
    ("open_wrong_password", case_open_wrong_password),
    ("ring_export_plain", case_ring_export_plain),
    ("ring_export_wrapped", case_ring_export_wrapped),
    ("ring_import_plain", case_ring_import_plain),
    ("ring_import_wrapped", case_ring_import_wrapped),
    ("ring_export_rotating_plain", case_ring_export_rotating_plain),
    ("ring_export_rotating_wrapped", case_ring_export_rotating_wrapped),
    ("ring_import_rotating_plain", case_ring_import_rotating_plain),
    ("ring_import_rotating_wrapped", case_ring_import_rotating_wrapped),
    ("machine_export_plain", case_machine_export_plain),
    ("machine_export_wrapped", case_machine_export_wrapped),
    ("machine_import_plain", case_machine_import_plain),
    ("machine_import_wrapped", case_machine_import_wrapped),
    ("password_binding", case_password_binding),
    ("redeem", case_redeem),
    ("redeem_wrong_password", case_redeem_wrong_password),
    ("redeem_too_many_attempts", case_redeem_too_many_attempts),
    ("ledger_export_plain", case_ledger_export_plain),
    ("ledger_export_wrapped", case_ledger_export_wrapped),
    ("ledger_import_plain", case_ledger_import_plain),
    ("ledger_import_wrapped", case_ledger_import_wrapped),
    ("cabi_seal", case_cabi_seal),
    ("cabi_redeem", case_cabi_redeem),
    (
        "cabi_redeem_wrong_password",
        case_cabi_redeem_wrong_password,
    ),
    ("selftest_secret_branch", case_selftest_secret_branch),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd] if cmd == "list" => {
            for (name, _) in CASES {
                println!("{name}");
            }
        }
        [name] => {
            let Some((_, case)) = CASES.iter().find(|(n, _)| n == name) else {
                eprintln!("unknown case {name}; `list` prints them");
                std::process::exit(2);
            };
            // SAFETY: a client request only.
            let on_valgrind = unsafe { ct_running_on_valgrind() } != 0;
            case();
            println!("case {name} ran (under valgrind: {on_valgrind})");
        }
        _ => {
            eprintln!("usage: offline-reset-ct list | offline-reset-ct CASE");
            std::process::exit(2);
        }
    }
}
