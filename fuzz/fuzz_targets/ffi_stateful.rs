//! The whole C ABI as a state machine: the input is a sequence of calls on a few live handles
//! (two key rings, three machines, three replay ledgers), decoded with `arbitrary`'s
//! `Unstructured` (one opcode byte, then that call's arguments). After every call the target
//! checks what the protocol promises:
//!
//! - every status returned has a name and a message (and is a known status);
//! - a failed call writes no handle; a handle written is non-NULL;
//! - a reset code sealed for (machine, account, new password) redeems exactly once on a ledger
//!   of that machine, and for nothing else: another SID, another username, another password,
//!   another machine are refused, the replay is AlreadyUsed, UTF-8 and UTF-16 entry points agree;
//! - the attempt limits hold: after `min(per code, per account)` failed opens the right password
//!   is TooManyAttempts too;
//! - after a rotation without grace the old epoch is gone from the ring: sealing for the old
//!   identification code is KeyRotated, an old code on a redeployed machine is
//!   CodeBeforeRotation and a new code on a machine not redeployed is RedeployNeeded;
//! - export → import → export is byte-identical (rings, machines, ledgers; plain and wrapped);
//!   a changed byte is refused; a ledger imports only for its machine and above its generation;
//! - a ledger never accepts the same code twice (its lineage through export and import is
//!   tracked; an older copy may, which is what the minimum generation is for);
//! - hostile arguments (NULL pointers, NULL handles, short or zero-capacity buffers, lengths
//!   past `OLR_MAX_INPUT_LEN`, bad SIDs, invalid UTF-8, unpaired surrogates) answer their status
//!   and change nothing.
//!
//! Leaks are ASan's leak check: every handle is freed when the input ends (`Drop for World`).
//! Key rings generated here use the fuzz-build password cost (8 KiB, 1 pass), like the fixtures.
#![no_main]

use core::ffi::{c_char, CStr};

use libfuzzer_sys::arbitrary::{Result as AResult, Unstructured};
use libfuzzer_sys::fuzz_target;
use offline_reset::ffi::*;
use offline_reset_fuzz::{
    fixtures, secret, sid_is_well_formed, spend, MACHINE_B_SECRET, NOW, OTHER_SID, PASSWORD,
    SERVER_SECRET_EPOCH_2, VECTOR_SID,
};

use olr_status::*;

const RINGS: usize = 2;
const MACHINES: usize = 3;
const LEDGERS: usize = 3;
const MAX_STEPS: usize = 24;
/// Heavy steps per input: those doing several public-key operations (key generation, imports,
/// signing and verifying packages, enrolling, a seal with its promises). Under ASan one P-256
/// scalar multiplication costs about 0.2 ms, so one heavy step per input keeps the target near
/// 1,000 inputs a second; the world starts with a ring, a machine and a ledger (`World::new`),
/// so that one step can be a seal with all its promises.
const BUDGET: u32 = 1;
/// The heavy opcodes.
const EXPENSIVE: [u8; 9] = [1, 9, 10, 11, 12, 13, 18, 21, 29];
/// Light public-key steps per input (one scalar multiplication each: a rotation, a new
/// signing key), so that a rotation and then a seal fit in one input.
const LIGHT_BUDGET: u32 = 2;
/// The light opcodes.
const LIGHT: [u8; 2] = [3, 7];
/// Redeems per input outside a seal's promises: each is a scalar multiplication before it can
/// fail, and without a bound the corpus drifts towards long inputs of redeems.
const REDEEM_BUDGET: u32 = 3;
/// The redeem opcodes.
const REDEEM: [u8; 2] = [19, 20];
/// The opcodes that never change a key ring (machines, ledgers, seals, redeems, aids, names,
/// constants); any other step ends the rings' pristine state.
const RING_READ_ONLY: core::ops::RangeInclusive<u8> = 10..=24;
const GUARD: u8 = 0xA5;
const GUARD_LEN: usize = 8;

/// Every status the header declares.
const STATUSES: [u32; 41] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
    26, 27, 28, 29, 30, 31, 32, 33, 34, 100, 101, 102, 103, 104, 105,
];

/// Checks a status: it has a name and a message (non-empty, not the unknown one).
fn st(status: olr_status) -> olr_status {
    let n = status as u32;
    let name = olr_status_name(n);
    let message = olr_status_message(n);
    assert!(!name.is_null() && !message.is_null(), "status {n} without name/message");
    // SAFETY: the library returns static NUL-terminated strings.
    let (name, message) = unsafe { (CStr::from_ptr(name), CStr::from_ptr(message)) };
    assert!(!name.to_bytes().is_empty() && !message.to_bytes().is_empty());
    assert_ne!(name.to_bytes(), b"OLR_UNKNOWN_STATUS", "status {n} is unknown");
    status
}

/// A caller-owned output buffer with guard bytes after its capacity.
struct Buf {
    data: Vec<u8>,
    cap: usize,
}

impl Buf {
    fn new(cap: usize) -> Self {
        Buf {
            data: vec![GUARD; cap + GUARD_LEN],
            cap,
        }
    }
    fn ptr(&mut self) -> *mut u8 {
        self.data.as_mut_ptr()
    }
    fn cptr(&mut self) -> *mut c_char {
        self.data.as_mut_ptr().cast()
    }
    /// After a call: the guard is intact; on success the first `len` bytes are the output.
    fn finish(&self, status: olr_status, len: usize) -> Option<Vec<u8>> {
        assert!(
            self.data[self.cap..].iter().all(|&b| b == GUARD),
            "written past the capacity"
        );
        if status == OLR_OK {
            assert!(len <= self.cap, "length past the capacity");
            Some(self.data[..len].to_vec())
        } else {
            assert!(
                self.data.iter().all(|&b| b == GUARD),
                "output written on failure ({status:?})"
            );
            None
        }
    }
}

/// Calls a function writing bytes twice: a size query (NULL, 0), then with exactly the needed
/// capacity (and, if asked, once with one byte less). Returns the status and the output.
fn sized(
    short: bool,
    mut f: impl FnMut(*mut u8, usize, *mut usize) -> olr_status,
) -> (olr_status, Vec<u8>) {
    let mut need = usize::MAX;
    let status = st(f(core::ptr::null_mut(), 0, &mut need));
    if status != OLR_BUFFER_TOO_SMALL {
        if status == OLR_OK {
            assert_eq!(need, 0);
        }
        return (status, Vec::new());
    }
    assert!(need > 0 && need <= 1 << 20, "needed length {need}");
    if short {
        let mut buf = Buf::new(need - 1);
        let mut len = usize::MAX;
        let s = st(f(buf.ptr(), need - 1, &mut len));
        assert_eq!(s, OLR_BUFFER_TOO_SMALL);
        assert_eq!(len, need);
        buf.finish(s, len);
    }
    let mut buf = Buf::new(need);
    let mut len = usize::MAX;
    let s = st(f(buf.ptr(), need, &mut len));
    assert_eq!(s, OLR_OK, "the size asked for is enough");
    (s, buf.finish(s, len).unwrap())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("the library writes UTF-8")
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// A reset code this input sealed.
#[derive(Clone)]
struct Sealed {
    code: String,
    id_code: String,
    epoch: u16,
    username: String,
    domain: String,
    sid: Vec<u8>,
    password: String,
    now: i64,
}

/// A stored ledger, with what its lineage had accepted when it was exported.
struct SavedLedger {
    bytes: Vec<u8>,
    wrapped: bool,
    bound_to: String,
    generation: u64,
    accepted: Vec<String>,
    key: [u8; 64],
}

struct World {
    rings: [*mut olr_server_key_ring; RINGS],
    /// Per ring: (epoch, identification code) pairs retired without grace.
    retired: [Vec<(u16, String)>; RINGS],
    machines: [*mut olr_machine; MACHINES],
    ledgers: [*mut olr_replay_ledger; LEDGERS],
    /// The identification code of the machine each ledger is bound to.
    bound: [String; LEDGERS],
    /// Codes each ledger's lineage accepted.
    accepted: [Vec<String>; LEDGERS],
    saved: Vec<SavedLedger>,
    codes: Vec<Sealed>,
    packages: Vec<String>,
    now: i64,
    key: [u8; 64],
    /// Public-key operations left for this input (each costs milliseconds under ASan): the
    /// calls that need them are skipped once it is spent, so that inputs stay fast.
    budget: u32,
    /// Light public-key steps left for this input.
    light_budget: u32,
    /// Redeems left for this input (see [`REDEEM_BUDGET`]).
    redeem_budget: u32,
    /// Ring slots still holding their prebuilt ring, unchanged (see `World::new`): their
    /// package is known without signing it again.
    ring_pristine: [bool; RINGS],
    /// Machine slots still holding their prebuilt machine: with a pristine ring, whether the
    /// machine is enrolled with the ring's package is known without verifying it again.
    machine_pristine: [bool; MACHINES],
    /// Whether this input made its one QR code.
    qr_done: bool,
}

impl Drop for World {
    fn drop(&mut self) {
        for r in self.rings {
            olr_server_key_ring_free(r);
        }
        for m in self.machines {
            olr_machine_free(m);
        }
        for l in self.ledgers {
            olr_replay_ledger_free(l);
        }
    }
}

fn sid_choice(u: &mut Unstructured) -> AResult<Vec<u8>> {
    Ok(match u.int_in_range(0u8..=7)? {
        0..=3 => VECTOR_SID.to_vec(),
        4 => OTHER_SID.to_vec(),
        5 => {
            // Malformed: revision 2, or a count that does not match the length.
            let mut s = VECTOR_SID.to_vec();
            if u.arbitrary()? {
                s[0] = 2;
            } else {
                s[1] = 4;
            }
            s
        }
        6 => Vec::new(),
        _ => {
            let n = u.int_in_range(0usize..=70)?;
            u.bytes(n.min(u.len()))?.to_vec()
        }
    })
}

fn name_choice(u: &mut Unstructured, pool: &[&str]) -> AResult<String> {
    if u.ratio(7u8, 8)? {
        Ok(u.choose(pool)?.to_string())
    } else {
        let n = u.int_in_range(0usize..=24)?;
        Ok(String::from_utf8_lossy(u.bytes(n.min(u.len()))?).into_owned())
    }
}

fn time_choice(u: &mut Unstructured, now: i64) -> AResult<i64> {
    Ok(match u.int_in_range(0u8..=9)? {
        0..=5 => now,
        6 => now + 60 * i64::from(u.int_in_range(0u16..=3000)?),
        7 => now - 60 * i64::from(u.int_in_range(0u16..=3000)?),
        8 => u.arbitrary()?,
        _ => 1_700_000_000,
    })
}

/// The fixture ring rotated to epoch 2 (an hour's grace for epoch 1) and machine B enrolled
/// with its epoch-2 package; built once per process.
fn rotated() -> &'static (offline_reset::ServerKeyRing, offline_reset::Machine) {
    use std::sync::OnceLock;
    static ROTATED: OnceLock<(offline_reset::ServerKeyRing, offline_reset::Machine)> = OnceLock::new();
    ROTATED.get_or_init(|| {
        let mut ring = fixtures().rings[0].clone();
        ring.set_retired_grace_seconds(3600).unwrap();
        let epoch = ring
            .rotate_to_secret(NOW, secret(SERVER_SECRET_EPOCH_2))
            .expect("rotate");
        assert_eq!(epoch, 2);
        let package = ring.deployment_package().expect("package");
        let machine = offline_reset::Machine::enroll_with_secret(&package, &secret(MACHINE_B_SECRET))
            .expect("enroll");
        (ring, machine)
    })
}

/// What the prebuilt rings' packages are and which prebuilt machine is enrolled with which,
/// asked once per process through the C ABI (so the shortcuts in `World::package` and
/// `World::promise` answer exactly what the calls answer).
struct Prebuilt {
    packages: [String; 2],
    enrolled: [[bool; 2]; 2],
}

fn prebuilt() -> &'static Prebuilt {
    use std::sync::OnceLock;
    static PREBUILT: OnceLock<Prebuilt> = OnceLock::new();
    PREBUILT.get_or_init(|| {
        let mut world = World::new_unchecked();
        world.ring_pristine = [false; RINGS];
        world.machine_pristine = [false; MACHINES];
        let packages = [0, 1].map(|r| world.package(r).expect("prebuilt package"));
        let enrolled = [0, 1].map(|m| {
            [0, 1].map(|r| {
                let (p, mut yes, mut d) = (&packages[r], false, olr_error_details::default());
                let s = olr_machine_is_enrolled_with(world.machines[m], p.as_ptr().cast(), p.len(), &mut yes, &mut d);
                assert_eq!(st(s), OLR_OK);
                yes
            })
        });
        assert_eq!(enrolled, [[true, false], [false, true]]);
        Prebuilt { packages, enrolled }
    })
}

impl World {
    fn new() -> Self {
        prebuilt();
        World::new_unchecked()
    }

    /// A world that starts where most inputs would spend their budget getting to, made of
    /// copies of objects built once per process (`handle_for_fuzzing`, fuzz builds only), so no
    /// input pays for their key derivations:
    /// - ring 0: the fixture ring (epoch 1); machine 0: machine A enrolled with its package;
    ///   ledger 0: a new ledger of machine A; one code already sealed on it (the fixture code:
    ///   alice, CORP, the vector SID, `PASSWORD`, at `NOW`);
    /// - ring 1: the same ring rotated (with an hour's grace) to epoch 2; machine 1: machine B
    ///   enrolled with its epoch-2 package; ledger 1: a new ledger of machine B.
    /// So one heavy step reaches the rotation promises: a code sealed on ring 1 for machine 1
    /// is RedeployNeeded on machine 0, and a rotation of ring 0 without grace makes the fixture
    /// code's identification code KeyRotated.
    fn new_unchecked() -> Self {
        let f = fixtures();
        let (rotated, machine_b) = rotated();
        let mut world = World::empty();
        world.rings[0] = olr_server_key_ring::handle_for_fuzzing(f.rings[0].clone());
        world.rings[1] = olr_server_key_ring::handle_for_fuzzing(rotated.clone());
        world.machines[0] = olr_machine::handle_for_fuzzing(f.machines_a[0].clone());
        world.machines[1] = olr_machine::handle_for_fuzzing(machine_b.clone());
        for i in 0..2 {
            let mut ledger = core::ptr::null_mut();
            assert_eq!(st(olr_replay_ledger_new(world.machines[i], &mut ledger)), OLR_OK);
            world.ledgers[i] = ledger;
            world.bound[i] = world.id_code(i).expect("machine");
        }
        world.ring_pristine = [true, true];
        world.machine_pristine = [true, true, false];
        world.codes.push(Sealed {
            code: f.code_a.to_string(),
            id_code: f.id_a.to_string(),
            epoch: 1,
            username: "alice".into(),
            domain: "CORP".into(),
            sid: VECTOR_SID.to_vec(),
            password: PASSWORD.into(),
            now: NOW,
        });
        world
    }

    fn empty() -> Self {
        World {
            rings: [core::ptr::null_mut(); RINGS],
            retired: Default::default(),
            machines: [core::ptr::null_mut(); MACHINES],
            ledgers: [core::ptr::null_mut(); LEDGERS],
            bound: Default::default(),
            accepted: Default::default(),
            saved: Vec::new(),
            codes: Vec::new(),
            packages: Vec::new(),
            now: NOW,
            key: fixtures().wrapping_bytes,
            budget: BUDGET,
            light_budget: LIGHT_BUDGET,
            redeem_budget: REDEEM_BUDGET,
            ring_pristine: [false; RINGS],
            machine_pristine: [false; MACHINES],
            qr_done: false,
        }
    }

    fn id_code(&self, m: usize) -> Option<String> {
        let machine = self.machines[m];
        if machine.is_null() {
            return None;
        }
        let (s, out) = sized(false, |o, c, l| {
            olr_machine_identification_code(machine, o.cast(), c, l)
        });
        assert_eq!(s, OLR_OK);
        Some(text(&out))
    }

    fn machine_epoch(&self, m: usize) -> u16 {
        let mut e = 0;
        assert_eq!(st(olr_machine_epoch(self.machines[m], &mut e)), OLR_OK);
        e
    }

    fn ring_epoch(&self, r: usize) -> u16 {
        let mut e = 0;
        assert_eq!(st(olr_server_key_ring_current_epoch(self.rings[r], &mut e)), OLR_OK);
        e
    }

    /// Ring `r`'s deployment package: for a pristine ring the prebuilt one (byte for byte what
    /// the call returns: RFC 6979 signatures are deterministic; checked once in `prebuilt`),
    /// else the C call. Signing costs two scalar multiplications, most of a seal's promises.
    fn package(&self, r: usize) -> Option<String> {
        if self.ring_pristine[r] {
            return Some(prebuilt().packages[r].clone());
        }
        let ring = self.rings[r];
        // One call (each signs): a buffer of the documented size.
        let mut buf = Buf::new(olr_deployment_package_text_size());
        let mut len = usize::MAX;
        let s = st(olr_server_key_ring_deployment_package(ring, buf.cptr(), buf.cap, &mut len));
        let out = buf.finish(s, len).unwrap_or_default();
        if ring.is_null() {
            assert_eq!(s, OLR_NULL_POINTER);
            return None;
        }
        // A ring whose generations were all pruned has no package.
        (s == OLR_OK).then(|| text(&out))
    }

    fn ledger_state(&self, l: usize) -> (usize, usize, u64) {
        let (mut a, mut c, mut g) = (usize::MAX, usize::MAX, u64::MAX);
        assert_eq!(st(olr_replay_ledger_counts(self.ledgers[l], &mut a, &mut c)), OLR_OK);
        assert_eq!(st(olr_replay_ledger_generation(self.ledgers[l], &mut g)), OLR_OK);
        assert!(a <= olr_max_ledger_accounts() && c <= olr_max_ledger_codes());
        (a, c, g)
    }

    fn set_ring(&mut self, r: usize, ring: *mut olr_server_key_ring) {
        self.ring_pristine[r] = false;
        olr_server_key_ring_free(self.rings[r]);
        self.rings[r] = ring;
        self.retired[r].clear();
    }

    fn set_machine(&mut self, m: usize, machine: *mut olr_machine) {
        self.machine_pristine[m] = false;
        olr_machine_free(self.machines[m]);
        self.machines[m] = machine;
    }

    fn set_ledger(&mut self, l: usize, ledger: *mut olr_replay_ledger, bound: String, acc: Vec<String>) {
        olr_replay_ledger_free(self.ledgers[l]);
        self.ledgers[l] = ledger;
        self.bound[l] = bound;
        self.accepted[l] = acc;
    }

    fn seal(
        &self,
        r: usize,
        id: &str,
        user: &str,
        domain: &str,
        sid: &[u8],
        password: &str,
        now: i64,
    ) -> (olr_status, Option<String>, olr_error_details) {
        let mut buf = Buf::new(64);
        let mut len = usize::MAX;
        let mut details = olr_error_details::default();
        let s = st(olr_server_key_ring_seal_reset_code(
            self.rings[r],
            id.as_ptr().cast(),
            id.len(),
            user.as_ptr().cast(),
            user.len(),
            domain.as_ptr().cast(),
            domain.len(),
            sid.as_ptr(),
            sid.len(),
            password.as_ptr().cast(),
            password.len(),
            now,
            buf.cptr(),
            64,
            &mut len,
            &mut details,
        ));
        let out = buf.finish(s, len).map(|b| text(&b));
        if s == OLR_OK {
            assert_eq!(len, olr_reset_code_text_len());
            assert_eq!(details, olr_error_details::default());
        }
        (s, out, details)
    }

    /// Redeems through the C ABI (UTF-8 or UTF-16) and checks what a redeem promises about the
    /// ledger: ClockSetBack, epoch refusals, another machine's ledger and NULL/UTF refusals leave
    /// it unchanged; every other answer moves its generation by one.
    #[allow(clippy::too_many_arguments)]
    fn redeem(
        &mut self,
        m: usize,
        l: usize,
        code: &str,
        user: &str,
        domain: &str,
        sid: &[u8],
        password: &str,
        now: i64,
        wide: bool,
    ) -> olr_status {
        let (machine, ledger) = (self.machines[m], self.ledgers[l]);
        let before = (!ledger.is_null()).then(|| self.ledger_state(l));
        let mut accepted = olr_accepted_reset::default();
        let mut details = olr_error_details::default();
        let s = if wide {
            let (c, u16n, d, p) = (utf16(code), utf16(user), utf16(domain), utf16(password));
            st(olr_machine_redeem_reset_code_utf16(
                machine, ledger, c.as_ptr(), c.len(), u16n.as_ptr(), u16n.len(), d.as_ptr(),
                d.len(), sid.as_ptr(), sid.len(), p.as_ptr(), p.len(), now, &mut accepted,
                &mut details,
            ))
        } else {
            st(olr_machine_redeem_reset_code(
                machine,
                ledger,
                code.as_ptr().cast(),
                code.len(),
                user.as_ptr().cast(),
                user.len(),
                domain.as_ptr().cast(),
                domain.len(),
                sid.as_ptr(),
                sid.len(),
                password.as_ptr().cast(),
                password.len(),
                now,
                &mut accepted,
                &mut details,
            ))
        };
        if s == OLR_OK {
            assert!(accepted.issued_at <= now + 24 * 3600 && accepted.expires_at > accepted.issued_at);
            assert_eq!(details, olr_error_details::default());
            assert!(
                !self.accepted[l].iter().any(|c| c == code),
                "a ledger accepted the same code twice"
            );
            assert_eq!(Some(&self.bound[l]), self.id_code(m).as_ref(), "accepted on another machine's ledger");
            self.accepted[l].push(code.to_string());
        } else {
            assert_eq!(accepted, olr_accepted_reset::default(), "accepted written on failure");
        }
        if let Some((a, c, g)) = before {
            let after = self.ledger_state(l);
            match s {
                OLR_NULL_POINTER | OLR_INVALID_UTF8 | OLR_INVALID_UTF16 | OLR_INVALID_LENGTH
                | OLR_LEDGER_OF_ANOTHER_MACHINE | OLR_CLOCK_SET_BACK | OLR_CODE_BEFORE_ROTATION
                | OLR_REDEPLOY_NEEDED | OLR_INVALID_PASSWORD | OLR_MALFORMED_INPUT | OLR_MISTYPED
                | OLR_UNSUPPORTED_VERSION | OLR_INVALID_USERNAME | OLR_INVALID_DOMAIN
                | OLR_INVALID_SID | OLR_OUT_OF_MEMORY => {
                    assert_eq!(after, (a, c, g), "ledger changed by a refused redeem ({s:?})")
                }
                _ => assert_eq!(after.2, g + 1, "generation after {s:?}"),
            }
        }
        s
    }

    /// The promises about one freshly sealed code, on fresh ledgers of the machine it was
    /// sealed for: exactly once, for nothing else, attempt limits.
    fn promise(&mut self, u: &mut Unstructured, r: usize, m: usize, sealed: &Sealed) -> AResult<()> {
        let machine = self.machines[m];
        // The positive side needs the machine enrolled with this ring's current package.
        let Some(package) = self.package(r) else { return Ok(()) };
        let mut enrolled = false;
        if self.ring_pristine[r] && self.machine_pristine[m] {
            // Known (checked once in `prebuilt`): each prebuilt machine is enrolled with its
            // own ring's package only.
            enrolled = prebuilt().enrolled[m][r];
        } else {
            let mut details = olr_error_details::default();
            assert_eq!(
                st(olr_machine_is_enrolled_with(machine, package.as_ptr().cast(), package.len(), &mut enrolled, &mut details)),
                OLR_OK
            );
        }
        if !enrolled || !sid_is_well_formed(&sealed.sid) {
            return Ok(());
        }
        let mut limits = (0u16, 0u16);
        assert_eq!(
            st(olr_server_key_ring_attempt_limits(self.rings[r], &mut limits.0, &mut limits.1)),
            OLR_OK
        );
        let l = u.int_in_range(0..=LEDGERS - 1)?;
        let id = sealed.id_code.clone();
        let fresh = |w: &mut World, l: usize| {
            let mut ledger = core::ptr::null_mut();
            assert_eq!(st(olr_replay_ledger_new(w.machines[m], &mut ledger)), OLR_OK);
            assert!(!ledger.is_null());
            w.set_ledger(l, ledger, id.clone(), Vec::new());
            assert_eq!(w.ledger_state(l), (0, 0, 0));
        };
        let s = &sealed;
        let wide = u.arbitrary()?;
        // Nothing else opens it: another SID, username, password (each on a fresh ledger, so
        // no limit is in the way).
        let wrong = u.int_in_range(0u8..=3)?;
        fresh(self, l);
        let status = match wrong {
            0 => {
                let other = if s.sid == OTHER_SID { VECTOR_SID } else { OTHER_SID };
                self.redeem(m, l, &s.code, &s.username, &s.domain, &other, &s.password, s.now, wide)
            }
            1 => {
                let user = format!("{}x", s.username);
                self.redeem(m, l, &s.code, &user, &s.domain, &s.sid, &s.password, s.now, wide)
            }
            2 => {
                let pw = format!("{}!", s.password);
                let pw = if pw.len() > 1024 { "other".to_string() } else { pw };
                self.redeem(m, l, &s.code, &s.username, &s.domain, &s.sid, &pw, s.now, wide)
            }
            _ => {
                let domain = format!("{}x", s.domain);
                self.redeem(m, l, &s.code, &s.username, &domain, &s.sid, &s.password, s.now, wide)
            }
        };
        assert!(
            matches!(status, OLR_REJECTED | OLR_INVALID_USERNAME | OLR_INVALID_DOMAIN),
            "a code opened for something else: {status:?} (variant {wrong})"
        );
        // Another machine (another identification code) refuses it, on its own ledger.
        for other in 0..MACHINES {
            if other != m && !self.machines[other].is_null() && self.id_code(other).as_deref() != Some(&id) {
                let mut ledger = core::ptr::null_mut();
                assert_eq!(st(olr_replay_ledger_new(self.machines[other], &mut ledger)), OLR_OK);
                let oid = self.id_code(other).unwrap();
                self.set_ledger(l, ledger, oid, Vec::new());
                let status = self.redeem(other, l, &s.code, &s.username, &s.domain, &s.sid, &s.password, s.now, wide);
                assert_ne!(status, OLR_OK, "a code opened on another machine");
                break;
            }
        }
        // Exactly once: the right inputs open it, the replay is AlreadyUsed (also through the
        // other encoding), and the ledger survives export → import.
        fresh(self, l);
        let status = self.redeem(m, l, &s.code, &s.username, &s.domain, &s.sid, &s.password, s.now, wide);
        assert_eq!(status, OLR_OK, "a sealed code does not redeem on its machine");
        let status = self.redeem(m, l, &s.code, &s.username, &s.domain, &s.sid, &s.password, s.now, !wide);
        assert_eq!(status, OLR_ALREADY_USED, "a replayed code");
        // Attempt limits, when small enough to reach.
        let limit = limits.0.min(limits.1);
        if limit <= 3 && u.arbitrary()? {
            fresh(self, l);
            let pw = format!("{}?", s.password);
            for _ in 0..limit {
                let status = self.redeem(m, l, &s.code, &s.username, &s.domain, &s.sid, &pw, s.now, wide);
                assert_eq!(status, OLR_REJECTED);
            }
            let status = self.redeem(m, l, &s.code, &s.username, &s.domain, &s.sid, &s.password, s.now, wide);
            assert_eq!(status, OLR_TOO_MANY_ATTEMPTS, "attempt limit {limits:?} not held");
        }
        Ok(())
    }

    fn step(&mut self, u: &mut Unstructured) -> AResult<()> {
        let op = u.int_in_range(0u8..=29)?;
        if EXPENSIVE.contains(&op) && !spend(&mut self.budget) {
            return Ok(());
        }
        if LIGHT.contains(&op) && !spend(&mut self.light_budget) {
            return Ok(());
        }
        if REDEEM.contains(&op) && !spend(&mut self.redeem_budget) {
            return Ok(());
        }
        let r = u.int_in_range(0..=RINGS - 1)?;
        let m = u.int_in_range(0..=MACHINES - 1)?;
        let l = u.int_in_range(0..=LEDGERS - 1)?;
        if !RING_READ_ONLY.contains(&op) {
            self.ring_pristine = [false; RINGS];
        }
        match op {
            // Key ring: a copy of a fixture ring (one per fixture policy). The C import is
            // reached by op 9 (export → import → export) and by the hostile calls.
            0 => {
                let rings = &fixtures().rings;
                let ring = rings[u.choose_index(rings.len())?].clone();
                self.set_ring(r, olr_server_key_ring::handle_for_fuzzing(ring));
            }
            // Key ring: generate, with or without a password cost.
            1 => {
                let lifetime = *u.choose(&[1u16, 60, 1440, 16383, 0, 16384])?;
                let skew = *u.choose(&[0u16, 10, 1440, 1441])?;
                let mut ring = core::ptr::null_mut();
                let s = if u.arbitrary()? {
                    st(olr_server_key_ring_generate(lifetime, skew, &mut ring))
                } else {
                    let mem = *u.choose(&[8u32, 16, 7, 32])?;
                    let it = *u.choose(&[1u32, 2, 0, 65])?;
                    let par = *u.choose(&[1u32, 2, 0, 17])?;
                    st(olr_server_key_ring_generate_with_password_cost(lifetime, skew, mem, it, par, &mut ring))
                };
                if s == OLR_OK {
                    assert!(!ring.is_null());
                    let (mut a, mut b) = (0, 0);
                    assert_eq!(st(olr_server_key_ring_policy(ring, &mut a, &mut b)), OLR_OK);
                    assert_eq!((a, b), (lifetime, skew));
                    self.set_ring(r, ring);
                } else {
                    assert!(ring.is_null());
                    assert_eq!(s, OLR_INVALID_POLICY);
                }
            }
            2 => {
                let secs = *u.choose(&[0u32, 0, 3600, 86_400, u32::MAX])?;
                let s = st(olr_server_key_ring_set_retired_grace_seconds(self.rings[r], secs));
                if !self.rings[r].is_null() {
                    assert_eq!(s, OLR_OK);
                    let mut got = 1;
                    assert_eq!(st(olr_server_key_ring_retired_grace_seconds(self.rings[r], &mut got)), OLR_OK);
                    assert_eq!(got, secs);
                }
            }
            // Rotate; without grace, the old epoch is gone at once.
            3 => {
                if self.rings[r].is_null() {
                    let mut e = 0;
                    assert_eq!(st(olr_server_key_ring_rotate(self.rings[r], self.now, &mut e)), OLR_NULL_POINTER);
                    return Ok(());
                }
                let old = self.ring_epoch(r);
                let mut grace = 0;
                assert_eq!(st(olr_server_key_ring_retired_grace_seconds(self.rings[r], &mut grace)), OLR_OK);
                let mut e = 0;
                let s = st(olr_server_key_ring_rotate(self.rings[r], self.now, &mut e));
                if s == OLR_OK {
                    assert_eq!(e, old + 1);
                    assert_eq!(self.ring_epoch(r), e);
                    let mut out = [0u16; 16];
                    let mut n = 0;
                    assert_eq!(st(olr_server_key_ring_epochs(self.rings[r], out.as_mut_ptr(), 16, &mut n)), OLR_OK);
                    assert!(n >= 1 && n <= 16 && out[n - 1] == e);
                    assert!(out[..n].windows(2).all(|w| w[0] < w[1]));
                    if grace == 0 {
                        assert!(!out[..n].contains(&old), "rotation without grace kept epoch {old}");
                        for c in &self.codes {
                            if c.epoch == old {
                                self.retired[r].push((old, c.id_code.clone()));
                            }
                        }
                        // Every machine at that epoch (the ring holds it no more, whichever
                        // ring the machine came from).
                        for i in 0..MACHINES {
                            if !self.machines[i].is_null() && self.machine_epoch(i) == old {
                                let id = self.id_code(i).expect("machine");
                                self.retired[r].push((old, id));
                            }
                        }
                    }
                } else {
                    assert_eq!(s, OLR_EPOCHS_EXHAUSTED);
                }
            }
            4 => {
                let t = time_choice(u, self.now)?;
                let s = st(olr_server_key_ring_prune(self.rings[r], t));
                assert_eq!(s == OLR_OK, !self.rings[r].is_null());
            }
            5 => {
                let a = *u.choose(&[1u16, 5, 1440, 16383, 0, 16384])?;
                let b = *u.choose(&[0u16, 10, 1440, 1441])?;
                let s = st(olr_server_key_ring_set_policy(self.rings[r], a, b));
                if s == OLR_OK {
                    let (mut x, mut y) = (0, 0);
                    assert_eq!(st(olr_server_key_ring_policy(self.rings[r], &mut x, &mut y)), OLR_OK);
                    assert_eq!((x, y), (a, b));
                }
            }
            6 => {
                let a = *u.choose(&[1u16, 2, 3, 5, 1000, 0, 1001])?;
                let b = *u.choose(&[1u16, 2, 3, 20, 1000, 0, 1001])?;
                let s = st(olr_server_key_ring_set_attempt_limits(self.rings[r], a, b));
                if s == OLR_OK {
                    let (mut x, mut y) = (0, 0);
                    assert_eq!(st(olr_server_key_ring_attempt_limits(self.rings[r], &mut x, &mut y)), OLR_OK);
                    assert_eq!((x, y), (a, b));
                } else if !self.rings[r].is_null() {
                    assert_eq!(s, OLR_INVALID_POLICY);
                }
            }
            // Signing-key rotation: begin, finish, or both.
            7 => {
                let which = u.int_in_range(0u8..=2)?;
                if which != 1 {
                    st(olr_server_key_ring_begin_signing_key_rotation(self.rings[r]));
                }
                if which != 0 {
                    st(olr_server_key_ring_finish_signing_key_rotation(self.rings[r]));
                }
            }
            8 => {
                let mem = *u.choose(&[8u32, 16, 7, 32])?;
                let it = *u.choose(&[1u32, 2, 0])?;
                let par = *u.choose(&[1u32, 2, 0])?;
                let s = st(olr_server_key_ring_set_password_cost(self.rings[r], mem, it, par));
                if !self.rings[r].is_null() {
                    let e = self.ring_epoch(r);
                    let (mut a, mut b, mut c) = (0, 0, 0);
                    let s2 = st(olr_server_key_ring_password_cost(self.rings[r], e, &mut a, &mut b, &mut c));
                    assert!(s2 == OLR_OK || e == 0);
                    let _ = s;
                    let s3 = st(olr_server_key_ring_password_cost(self.rings[r], 4000, &mut a, &mut b, &mut c));
                    assert_ne!(s3, OLR_OK);
                }
            }
            // Key ring export → import → export, plain or wrapped; a changed byte is refused.
            9 => {
                let ring = self.rings[r];
                let wrapped = u.arbitrary()?;
                let (kp, kl) = if wrapped { (self.key.as_ptr(), 64) } else { (core::ptr::null(), 0) };
                let (s, bytes) = sized(u.arbitrary()?, |o, c, l| olr_server_key_ring_export(ring, kp, kl, o, c, l));
                if ring.is_null() {
                    assert_eq!(s, OLR_NULL_POINTER);
                    return Ok(());
                }
                assert_eq!(s, OLR_OK);
                assert!(bytes.len() <= olr_server_key_ring_max_len());
                let mut copy = core::ptr::null_mut();
                let mut d = olr_error_details::default();
                assert_eq!(st(olr_server_key_ring_import(bytes.as_ptr(), bytes.len(), kp, kl, &mut copy, &mut d)), OLR_OK);
                let (_, again) = sized(false, |o, c, l| olr_server_key_ring_export(copy, kp, kl, o, c, l));
                assert_eq!(bytes, again, "key ring export → import → export changed bytes");
                let mut bad = bytes.clone();
                let i = u.choose_index(bad.len())?;
                bad[i] ^= 1 << u.int_in_range(0u8..=7)?;
                let mut other = core::ptr::null_mut();
                assert_ne!(st(olr_server_key_ring_import(bad.as_ptr(), bad.len(), kp, kl, &mut other, &mut d)), OLR_OK);
                assert!(other.is_null());
                // The wrong wrapping key.
                let wrong = [0x42u8; 64];
                let (wp, wl) = if wrapped { (wrong.as_ptr(), 64) } else { (self.key.as_ptr(), 64) };
                assert_ne!(st(olr_server_key_ring_import(bytes.as_ptr(), bytes.len(), wp, wl, &mut other, &mut d)), OLR_OK);
                let target = u.int_in_range(0..=RINGS - 1)?;
                self.set_ring(target, copy);
            }
            // The deployment package: check, fingerprint.
            10 => {
                if let Some(p) = self.package(r) {
                    assert_eq!(p.len(), olr_deployment_package_text_len());
                    let (mut e, mut a, mut b) = (0, 0, 0);
                    let mut d = olr_error_details::default();
                    assert_eq!(st(olr_deployment_package_check(p.as_ptr().cast(), p.len(), &mut e, &mut a, &mut b, &mut d)), OLR_OK);
                    assert_eq!(e, self.ring_epoch(r));
                    let cap = if u.arbitrary()? { 64 } else { 63 };
                    let mut buf = Buf::new(cap);
                    let mut len = usize::MAX;
                    let s = st(olr_deployment_package_fingerprint(p.as_ptr().cast(), p.len(), buf.cptr(), cap, &mut len, core::ptr::null_mut()));
                    if cap == 63 {
                        assert_eq!((s, len), (OLR_BUFFER_TOO_SMALL, 64));
                        buf.finish(s, len);
                        return Ok(());
                    }
                    let f = buf.finish(s, len).unwrap();
                    assert_eq!(s, OLR_OK);
                    assert_eq!(f.len(), 64);
                    assert!(f.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)));
                    if !self.packages.contains(&p) {
                        self.packages.push(p);
                    }
                }
            }
            // Machine: enroll with a package seen (or the fixture's, or a damaged one).
            11 => {
                let p = self.package_choice(u)?;
                let mut machine = core::ptr::null_mut();
                let mut d = olr_error_details::default();
                let s = st(olr_machine_enroll(p.as_ptr().cast(), p.len(), &mut machine, &mut d));
                assert_eq!(s == OLR_OK, !machine.is_null());
                if s == OLR_OK {
                    let mut yes = false;
                    assert_eq!(st(olr_machine_is_enrolled_with(machine, p.as_ptr().cast(), p.len(), &mut yes, &mut d)), OLR_OK);
                    assert!(yes, "a machine is not enrolled with its package");
                    self.set_machine(m, machine);
                }
            }
            // Machine: redeploy.
            12 => {
                let p = self.package_choice(u)?;
                let machine = self.machines[m];
                let mut out = core::ptr::null_mut();
                let mut d = olr_error_details::default();
                let s = st(olr_machine_redeploy(machine, p.as_ptr().cast(), p.len(), &mut out, &mut d));
                assert_eq!(s == OLR_OK, !out.is_null());
                if s == OLR_OK {
                    let (old_epoch, old_id) = (self.machine_epoch(m), self.id_code(m).unwrap());
                    let target = u.int_in_range(0..=MACHINES - 1)?;
                    self.set_machine(target, out);
                    let (new_epoch, new_id) = (self.machine_epoch(target), self.id_code(target).unwrap());
                    assert!(new_epoch >= old_epoch);
                    assert_eq!(new_epoch == old_epoch, new_id == old_id, "redeploy and identification code");
                    // Old codes on a redeployed machine answer CodeBeforeRotation.
                    if new_epoch > old_epoch {
                        if let Some(c) = self.codes.iter().find(|c| c.id_code == old_id).cloned() {
                            let mut acc = olr_accepted_reset::default();
                            let s = st(olr_machine_open_reset_code_for_diagnostics(
                                out, c.code.as_ptr().cast(), c.code.len(), c.username.as_ptr().cast(), c.username.len(),
                                c.domain.as_ptr().cast(), c.domain.len(), c.sid.as_ptr(), c.sid.len(),
                                c.password.as_ptr().cast(), c.password.len(), c.now, &mut acc, &mut d,
                            ));
                            assert_eq!(s, OLR_CODE_BEFORE_ROTATION, "an old code on a redeployed machine");
                            assert_eq!((d.code_epoch, d.current_epoch), (c.epoch, new_epoch));
                        }
                    }
                } else if !machine.is_null() && !p.is_empty() {
                    assert!(matches!(s, OLR_PACKAGE_SIGNATURE_INVALID | OLR_PACKAGE_EPOCH_TOO_OLD | OLR_MALFORMED_INPUT | OLR_MISTYPED | OLR_UNSUPPORTED_VERSION | OLR_CORRUPTED | OLR_TRUNCATED | OLR_WRONG_KIND | OLR_INVALID_KEY_MATERIAL | OLR_INVALID_POLICY | OLR_INVALID_UTF8 | OLR_UTF16_TEXT), "redeploy: {s:?}");
                }
            }
            // Machine export → import → export.
            13 => {
                let machine = self.machines[m];
                let wrapped = u.arbitrary()?;
                let (kp, kl) = if wrapped { (self.key.as_ptr(), 64) } else { (core::ptr::null(), 0) };
                let (s, bytes) = sized(u.arbitrary()?, |o, c, l| olr_machine_export(machine, kp, kl, o, c, l));
                if machine.is_null() {
                    assert_eq!(s, OLR_NULL_POINTER);
                    return Ok(());
                }
                assert_eq!(s, OLR_OK);
                assert!(bytes.len() <= olr_machine_state_max_len());
                let mut copy = core::ptr::null_mut();
                let mut d = olr_error_details::default();
                assert_eq!(st(olr_machine_import(bytes.as_ptr(), bytes.len(), kp, kl, &mut copy, &mut d)), OLR_OK);
                let (_, again) = sized(false, |o, c, l| olr_machine_export(copy, kp, kl, o, c, l));
                assert_eq!(bytes, again, "machine export → import → export changed bytes");
                let mut bad = bytes.clone();
                let i = u.choose_index(bad.len())?;
                bad[i] ^= 1 << u.int_in_range(0u8..=7)?;
                let mut other = core::ptr::null_mut();
                assert_ne!(st(olr_machine_import(bad.as_ptr(), bad.len(), kp, kl, &mut other, &mut d)), OLR_OK);
                assert!(other.is_null());
                let target = u.int_in_range(0..=MACHINES - 1)?;
                let id = self.id_code(m);
                self.set_machine(target, copy);
                assert_eq!(self.id_code(target), id);
            }
            // Machine getters.
            14 => {
                let machine = self.machines[m];
                let (mut e, mut a, mut b) = (0, 0, 0);
                let (mut x, mut y, mut z) = (0, 0, 0);
                let s1 = st(olr_machine_epoch(machine, &mut e));
                let s2 = st(olr_machine_policy(machine, &mut a, &mut b));
                let s3 = st(olr_machine_password_cost(machine, &mut x, &mut y, &mut z));
                if machine.is_null() {
                    assert!([s1, s2, s3].iter().all(|&s| s == OLR_NULL_POINTER));
                } else {
                    assert!([s1, s2, s3].iter().all(|&s| s == OLR_OK));
                    let id = self.id_code(m).unwrap();
                    assert_eq!(id.len(), olr_identification_code_text_len());
                    let mut d = olr_error_details::default();
                    let (s, canon) = sized(false, |o, c, l| olr_identification_code_check(id.as_ptr().cast(), id.len(), o.cast(), c, l, &mut d));
                    assert_eq!(s, OLR_OK);
                    assert_eq!(text(&canon), id);
                }
            }
            // Ledger: new for a machine.
            15 => {
                let mut ledger = core::ptr::null_mut();
                let s = st(olr_replay_ledger_new(self.machines[m], &mut ledger));
                if self.machines[m].is_null() {
                    assert_eq!(s, OLR_NULL_POINTER);
                    assert!(ledger.is_null());
                } else {
                    assert_eq!(s, OLR_OK);
                    let id = self.id_code(m).unwrap();
                    self.set_ledger(l, ledger, id, Vec::new());
                }
            }
            // Ledger export (saved) and import (a saved one, with a minimum generation).
            16 => {
                let ledger = self.ledgers[l];
                let wrapped = u.arbitrary()?;
                let (kp, kl) = if wrapped { (self.key.as_ptr(), 64) } else { (core::ptr::null(), 0) };
                let (s, bytes) = sized(u.arbitrary()?, |o, c, n| olr_replay_ledger_export(ledger, kp, kl, o, c, n));
                if ledger.is_null() {
                    assert_eq!(s, OLR_NULL_POINTER);
                    return Ok(());
                }
                assert_eq!(s, OLR_OK);
                assert!(bytes.len() <= olr_replay_ledger_max_len());
                let generation = self.ledger_state(l).2;
                self.saved.push(SavedLedger {
                    bytes,
                    wrapped,
                    bound_to: self.bound[l].clone(),
                    generation,
                    accepted: self.accepted[l].clone(),
                    key: self.key,
                });
            }
            17 => {
                if self.saved.is_empty() {
                    return Ok(());
                }
                let i = u.choose_index(self.saved.len())?;
                let machine = self.machines[m];
                let (bytes, wrapped, bound, generation, acc, key) = {
                    let s = &self.saved[i];
                    (s.bytes.clone(), s.wrapped, s.bound_to.clone(), s.generation, s.accepted.clone(), s.key)
                };
                let minimum = match u.int_in_range(0u8..=3)? {
                    0 => 0,
                    1 => generation,
                    2 => generation + 1,
                    _ => u.arbitrary()?,
                };
                let (kp, kl) = if wrapped { (key.as_ptr(), 64) } else { (core::ptr::null(), 0) };
                let mut ledger = core::ptr::null_mut();
                let mut d = olr_error_details::default();
                let s = st(olr_replay_ledger_import(bytes.as_ptr(), bytes.len(), kp, kl, machine, minimum, &mut ledger, &mut d));
                assert_eq!(s == OLR_OK, !ledger.is_null());
                let Some(id) = self.id_code(m) else {
                    assert_eq!(s, OLR_NULL_POINTER);
                    return Ok(());
                };
                if id != bound {
                    assert_eq!(s, OLR_LEDGER_OF_ANOTHER_MACHINE, "a ledger imported for another machine");
                } else if minimum > generation {
                    assert_eq!(s, OLR_LEDGER_ROLLED_BACK);
                } else {
                    assert_eq!(s, OLR_OK, "a saved ledger does not import");
                    let (_, again) = sized(false, |o, c, n| olr_replay_ledger_export(ledger, kp, kl, o, c, n));
                    assert_eq!(bytes, again, "ledger export → import → export changed bytes");
                    let mut g = 0;
                    assert_eq!(st(olr_replay_ledger_generation(ledger, &mut g)), OLR_OK);
                    assert_eq!(g, generation);
                    self.set_ledger(l, ledger, bound, acc);
                }
            }
            // Seal for a machine's identification code (or a retired one), then the promises.
            18 => {
                if self.rings[r].is_null() {
                    return Ok(());
                }
                let retired = !self.retired[r].is_empty() && u.ratio(1u8, 4)?;
                let id = if retired {
                    u.choose(&self.retired[r])?.1.clone()
                } else {
                    match self.id_code(m) {
                        Some(id) => id,
                        None => return Ok(()),
                    }
                };
                let user = name_choice(u, &["alice", "Alice", "bob", "Ünïcødé", "\u{1F600}"])?;
                let domain = name_choice(u, &["CORP", "corp", "EXAMPLE"])?;
                let sid = sid_choice(u)?;
                let password = if u.ratio(7u8, 8)? { PASSWORD.to_string() } else { name_choice(u, &["", "x"])? };
                let now = if u.ratio(7u8, 8)? { self.now } else { time_choice(u, self.now)? };
                let (s, code, d) = self.seal(r, &id, &user, &domain, &sid, &password, now);
                if retired {
                    assert!(
                        matches!(s, OLR_KEY_ROTATED | OLR_INVALID_PASSWORD | OLR_INVALID_SID | OLR_INVALID_USERNAME | OLR_INVALID_DOMAIN | OLR_TIME_OUT_OF_RANGE),
                        "sealed for an epoch retired without grace: {s:?}"
                    );
                    if s == OLR_KEY_ROTATED {
                        assert!(d.code_epoch < d.current_epoch);
                    }
                    return Ok(());
                }
                if s == OLR_INVALID_SID {
                    assert!(!sid_is_well_formed(&sid));
                }
                if !sid_is_well_formed(&sid) {
                    assert_ne!(s, OLR_OK, "sealed for a malformed SID");
                }
                if let Some(code) = code {
                    let sealed = Sealed {
                        code,
                        epoch: self.machine_epoch(m),
                        id_code: id,
                        username: user,
                        domain,
                        sid,
                        password,
                        now,
                    };
                    self.promise(u, r, m, &sealed)?;
                    self.codes.push(sealed);
                }
            }
            // Redeem a sealed code (or a fuzzed text) with a variant of its inputs.
            19 | 20 => {
                let (code, user, domain, sid, password, epoch, id, sealed_now) = if !self.codes.is_empty() && u.ratio(7u8, 8)? {
                    let c = u.choose(&self.codes)?.clone();
                    let mut user = c.username.clone();
                    let mut domain = c.domain.clone();
                    let mut sid = c.sid.clone();
                    let mut password = c.password.clone();
                    let exact = match u.int_in_range(0u8..=6)? {
                        0 => { sid = sid_choice(u)?; sid == c.sid }
                        1 => { user.push('x'); false }
                        2 => { password.push('x'); false }
                        3 => { domain.push('x'); false }
                        _ => true,
                    };
                    let _ = exact;
                    (c.code, user, domain, sid, password, Some(c.epoch), Some((c.id_code, exact)), c.now)
                } else {
                    let n = u.int_in_range(0usize..=60)?;
                    let t = String::from_utf8_lossy(u.bytes(n.min(u.len()))?).into_owned();
                    (t, "alice".into(), "CORP".into(), VECTOR_SID.to_vec(), PASSWORD.into(), None, None, self.now)
                };
                let now = match u.int_in_range(0u8..=3)? {
                    0 => sealed_now,
                    1 => self.now,
                    _ => time_choice(u, sealed_now)?,
                };
                let wide = op == 20;
                let s = self.redeem(m, l, &code, &user, &domain, &sid, &password, now, wide);
                if s == OLR_OK {
                    let (id, exact) = id.expect("a fuzzed text redeemed");
                    assert!(exact, "a code redeemed for another account or password");
                    assert_eq!(self.id_code(m).unwrap(), id);
                }
                if let (Some(e), false) = (epoch, self.machines[m].is_null() || self.ledgers[l].is_null()) {
                    let me = self.machine_epoch(m);
                    if e > me && !self.bound[l].is_empty() && self.id_code(m).as_ref() == Some(&self.bound[l]) && password.len() <= 1024 && !password.is_empty() {
                        assert!(
                            matches!(s, OLR_REDEPLOY_NEEDED | OLR_INVALID_SID | OLR_INVALID_USERNAME | OLR_INVALID_DOMAIN),
                            "a newer code on a machine not redeployed: {s:?}"
                        );
                    }
                }
            }
            // Diagnostics open, UTF-8 or UTF-16: counts nothing, never changes anything.
            21 => {
                // A code this input sealed, or the fixtures' code for machine A.
                let c = if self.codes.is_empty() || u.ratio(1u8, 4)? {
                    let f = fixtures();
                    Sealed {
                        code: f.code_a.to_string(),
                        id_code: f.id_a.to_string(),
                        epoch: 1,
                        username: "alice".into(),
                        domain: "CORP".into(),
                        sid: VECTOR_SID.to_vec(),
                        password: PASSWORD.into(),
                        now: NOW,
                    }
                } else {
                    u.choose(&self.codes)?.clone()
                };
                let machine = self.machines[m];
                let mut acc = olr_accepted_reset::default();
                let mut d = olr_error_details::default();
                let s8 = st(olr_machine_open_reset_code_for_diagnostics(
                    machine, c.code.as_ptr().cast(), c.code.len(), c.username.as_ptr().cast(), c.username.len(),
                    c.domain.as_ptr().cast(), c.domain.len(), c.sid.as_ptr(), c.sid.len(),
                    c.password.as_ptr().cast(), c.password.len(), c.now, &mut acc, &mut d,
                ));
                let (cw, uw, dw, pw) = (utf16(&c.code), utf16(&c.username), utf16(&c.domain), utf16(&c.password));
                let mut acc16 = olr_accepted_reset::default();
                let mut d16 = olr_error_details::default();
                let s16 = st(olr_machine_open_reset_code_for_diagnostics_utf16(
                    machine, cw.as_ptr(), cw.len(), uw.as_ptr(), uw.len(), dw.as_ptr(), dw.len(),
                    c.sid.as_ptr(), c.sid.len(), pw.as_ptr(), pw.len(), c.now, &mut acc16, &mut d16,
                ));
                assert_eq!((s8, acc, d), (s16, acc16, d16), "UTF-8 and UTF-16 diagnostics differ");
                if s8 == OLR_OK {
                    assert_eq!(self.id_code(m).unwrap(), c.id_code);
                }
                // An unpaired surrogate in any text.
                let mut bad = uw.clone();
                bad.insert(u.int_in_range(0..=bad.len())?, *u.choose(&[0xD800u16, 0xDC00, 0xDBFF])?);
                let s = st(olr_machine_open_reset_code_for_diagnostics_utf16(
                    machine, cw.as_ptr(), cw.len(), bad.as_ptr(), bad.len(), dw.as_ptr(), dw.len(),
                    c.sid.as_ptr(), c.sid.len(), pw.as_ptr(), pw.len(), c.now, &mut acc16, &mut d16,
                ));
                if !machine.is_null() {
                    assert_eq!(s, OLR_INVALID_UTF16);
                }
            }
            22 => self.aids(u)?,
            23 => self.names(u)?,
            24 => self.constants(u)?,
            25 => self.hostile(u)?,
            26 => {
                // The clock moves.
                self.now = time_choice(u, self.now)?.clamp(1_735_689_600, 1_735_689_600 + (1 << 26) * 60);
            }
            27 => {
                let cap = *u.choose(&[64usize, 63, 0, 100])?;
                let mut buf = Buf::new(cap);
                let mut len = usize::MAX;
                let ptr = if cap == 0 { core::ptr::null_mut() } else { buf.ptr() };
                let s = st(olr_wrapping_key_generate(ptr, cap, &mut len));
                if cap >= 64 {
                    assert_eq!(s, OLR_OK);
                    assert_eq!(len, 64);
                } else {
                    assert_eq!(s, OLR_BUFFER_TOO_SMALL);
                    assert_eq!(len, 64);
                }
                let out = buf.finish(s, len);
                if let Some(k) = out {
                    if u.arbitrary()? {
                        self.key.copy_from_slice(&k);
                    }
                }
            }
            28 => {
                let (a, c, g) = if self.ledgers[l].is_null() {
                    let (mut a, mut c, mut g) = (0, 0, 0);
                    assert_eq!(st(olr_replay_ledger_counts(self.ledgers[l], &mut a, &mut c)), OLR_NULL_POINTER);
                    assert_eq!(st(olr_replay_ledger_generation(self.ledgers[l], &mut g)), OLR_NULL_POINTER);
                    (a, c, g)
                } else {
                    self.ledger_state(l)
                };
                let _ = (a, c, g);
            }
            _ => {
                // Is-enrolled-with every package seen: true exactly for the one enrolled with.
                let machine = self.machines[m];
                for p in &self.packages {
                    let mut yes = false;
                    let mut d = olr_error_details::default();
                    let s = st(olr_machine_is_enrolled_with(machine, p.as_ptr().cast(), p.len(), &mut yes, &mut d));
                    assert_eq!(s == OLR_OK, !machine.is_null());
                }
            }
        }
        Ok(())
    }

    fn package_choice(&self, u: &mut Unstructured) -> AResult<String> {
        Ok(match u.int_in_range(0u8..=5)? {
            0 | 1 if !self.packages.is_empty() => u.choose(&self.packages)?.clone(),
            0..=2 => self.package(u.int_in_range(0..=RINGS - 1)?).unwrap_or_else(|| fixtures().package_text.clone()),
            3 => fixtures().package_text.clone(),
            4 => {
                let mut p = fixtures().package_text.clone().into_bytes();
                let i = u.choose_index(p.len())?;
                p[i] = *u.choose(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ-")?;
                String::from_utf8(p).unwrap()
            }
            _ => {
                let n = u.int_in_range(0usize..=400)?;
                String::from_utf8_lossy(u.bytes(n.min(u.len()))?).into_owned()
            }
        })
    }

    /// The typing, URI, QR and spelling aids on a known code or fuzzed text, UTF-8 and UTF-16.
    fn aids(&mut self, u: &mut Unstructured) -> AResult<()> {
        let mut t = match u.int_in_range(0u8..=3)? {
            0 if !self.codes.is_empty() => u.choose(&self.codes)?.code.clone(),
            0 | 1 => self.id_code(u.int_in_range(0..=MACHINES - 1)?).unwrap_or_else(|| fixtures().id_a.to_string()),
            2 => fixtures().code_a.to_string(),
            _ => {
                let n = u.int_in_range(0usize..=90)?;
                String::from_utf8_lossy(u.bytes(n.min(u.len()))?).into_owned()
            }
        };
        if u.ratio(1u8, 4)? && !t.is_empty() {
            // Cut it, as if still typing.
            let mut cut = u.int_in_range(0..=t.len())?;
            while !t.is_char_boundary(cut) {
                cut -= 1;
            }
            t.truncate(cut);
        }
        let p = t.as_ptr().cast::<c_char>();
        let mut d = olr_error_details::default();
        let which = u.int_in_range(0u8..=8)?;
        match which {
            0 => {
                let mut a = olr_typing_progress::default();
                let mut b = olr_typing_progress::default();
                let s1 = st(olr_identification_code_progress(p, t.len(), &mut a));
                let s2 = st(olr_reset_code_progress(p, t.len(), &mut b));
                assert_eq!((s1, s2), (OLR_OK, OLR_OK));
                let w = utf16(&t);
                let mut c = olr_typing_progress::default();
                assert_eq!(st(olr_reset_code_progress_utf16(w.as_ptr(), w.len(), &mut c)), OLR_OK);
                assert_eq!(b, c, "reset code progress: UTF-8 and UTF-16 differ");
                let (s3, _) = sized(false, |o, cp, l| olr_reset_code_check(p, t.len(), o.cast(), cp, l, core::ptr::null_mut()));
                assert_eq!(b.ready, s3 == OLR_OK);
                let (s4, _) = sized(false, |o, cp, l| olr_identification_code_check(p, t.len(), o.cast(), cp, l, core::ptr::null_mut()));
                assert_eq!(a.ready, s4 == OLR_OK);
            }
            1 => {
                let w = utf16(&t);
                let (s8, o8) = sized(u.arbitrary()?, |o, c, l| olr_reset_code_check(p, t.len(), o.cast(), c, l, &mut d));
                let mut out = vec![0u16; 64];
                let mut len = 0;
                let mut d16 = olr_error_details::default();
                let s16 = st(olr_reset_code_check_utf16(w.as_ptr(), w.len(), out.as_mut_ptr(), 64, &mut len, &mut d16));
                assert_eq!(s8, s16);
                if s8 == OLR_OK {
                    assert_eq!(String::from_utf16(&out[..len]).unwrap().as_bytes(), &o8[..]);
                }
            }
            2 => {
                let base = *u.choose(&["https://reset.example.com/r", "", "ftp://x", "https://a.example/?q=1", "https://reset.example.com/r#"])?;
                let (s, uri) = sized(u.arbitrary()?, |o, c, l| olr_identification_code_uri(p, t.len(), base.as_ptr().cast(), base.len(), o.cast(), c, l, &mut d));
                // One QR code per input (each is two encodings, size query and call: a
                // millisecond under ASan).
                if !self.qr_done {
                    self.qr_done = true;
                    let mut width = usize::MAX;
                    let (sq, modules) = sized(false, |o, c, l| olr_identification_code_qr(p, t.len(), base.as_ptr().cast(), base.len(), o, c, l, &mut width, core::ptr::null_mut()));
                    assert_eq!(s, sq, "uri and qr disagree");
                    if s == OLR_OK {
                        assert_eq!(modules.len(), width * width);
                    }
                }
                if s == OLR_OK {
                    let (s2, back) = sized(false, |o, c, l| olr_identification_code_parse_uri_or_code(uri.as_ptr().cast(), uri.len(), o.cast(), c, l, core::ptr::null_mut()));
                    assert_eq!(s2, OLR_OK);
                    let (_, canon) = sized(false, |o, c, l| olr_identification_code_check(p, t.len(), o.cast(), c, l, core::ptr::null_mut()));
                    assert_eq!(back, canon);
                }
            }
            3 => {
                let _ = sized(u.arbitrary()?, |o, c, l| olr_identification_code_parse_uri_or_code(p, t.len(), o.cast(), c, l, &mut d));
            }
            4 => {
                // Spelling with the English table, a custom one, or a bad one.
                let table: Option<String> = match u.int_in_range(0u8..=3)? {
                    0 => None,
                    1 => Some((0..32).map(|i| format!("w{i}")).collect::<Vec<_>>().join("\n")),
                    2 => Some((0..32).map(|i| format!("w{}", i % 31)).collect::<Vec<_>>().join("\r\n")),
                    _ => {
                        let n = u.int_in_range(0usize..=200)?;
                        Some(String::from_utf8_lossy(u.bytes(n.min(u.len()))?).into_owned())
                    }
                };
                let (tp, tl) = table.as_ref().map_or((core::ptr::null(), 0), |s| (s.as_ptr().cast(), s.len()));
                let (s, out) = sized(u.arbitrary()?, |o, c, l| olr_spell_code(p, t.len(), tp, tl, o.cast(), c, l, &mut d));
                if s == OLR_OK {
                    assert!(out.len() <= 2125);
                }
            }
            5 => {
                let (s, out) = sized(u.arbitrary()?, |o, c, l| olr_default_offline_domain(p, t.len(), o.cast(), c, l));
                if s == OLR_OK {
                    let mut prob = olr_name_problem_code::OLR_NAME_PROBLEM_TOO_LONG;
                    assert_eq!(st(olr_name_problem(out.as_ptr().cast(), out.len(), &mut prob)), OLR_OK);
                    assert_eq!(prob, olr_name_problem_code::OLR_NAME_PROBLEM_NONE);
                }
            }
            6 => {
                // Names: problem, normalize, check — UTF-8 against UTF-16.
                let user = name_choice(u, &["alice", " alice", "a\\b", "a\u{200b}b", "a\u{2028}", "a:b", "", "ǅ"])?;
                let sid = sid_choice(u)?;
                let mut p8 = olr_name_problem_code::OLR_NAME_PROBLEM_NONE;
                let mut p16 = olr_name_problem_code::OLR_NAME_PROBLEM_NONE;
                let w = utf16(&user);
                assert_eq!(st(olr_name_problem(user.as_ptr().cast(), user.len(), &mut p8)), OLR_OK);
                assert_eq!(st(olr_name_problem_utf16(w.as_ptr(), w.len(), &mut p16)), OLR_OK);
                assert_eq!(p8, p16);
                let hint = olr_name_problem_hint(p8 as u32);
                assert!(!hint.is_null());
                let dw = utf16(&t);
                let s8 = st(olr_account_check(user.as_ptr().cast(), user.len(), p, t.len(), sid.as_ptr(), sid.len()));
                let s16 = st(olr_account_check_utf16(w.as_ptr(), w.len(), dw.as_ptr(), dw.len(), sid.as_ptr(), sid.len()));
                assert_eq!(s8, s16);
                if s8 == OLR_OK {
                    assert!(sid_is_well_formed(&sid));
                }
                let mut ub = Buf::new(300);
                let mut db = Buf::new(300);
                let (mut ul, mut dl) = (0, 0);
                let sn = st(olr_account_normalize(user.as_ptr().cast(), user.len(), p, t.len(), ub.cptr(), 300, &mut ul, db.cptr(), 300, &mut dl, &mut d));
                let (un, dn) = (ub.finish(sn, ul), db.finish(sn, dl));
                let mut uw = vec![0u16; 300];
                let mut dw2 = vec![0u16; 300];
                let (mut ul2, mut dl2) = (0, 0);
                let sn16 = st(olr_account_normalize_utf16(w.as_ptr(), w.len(), dw.as_ptr(), dw.len(), uw.as_mut_ptr(), 300, &mut ul2, dw2.as_mut_ptr(), 300, &mut dl2, core::ptr::null_mut()));
                assert_eq!(sn, sn16);
                if let (Some(un), Some(dn)) = (un, dn) {
                    assert_eq!(String::from_utf16(&uw[..ul2]).unwrap().as_bytes(), &un[..]);
                    assert_eq!(String::from_utf16(&dw2[..dl2]).unwrap().as_bytes(), &dn[..]);
                }
                // Too small: both needed sizes, nothing else.
                let (mut a, mut b) = (0, 0);
                let s = st(olr_account_normalize(user.as_ptr().cast(), user.len(), p, t.len(), core::ptr::null_mut(), 0, &mut a, core::ptr::null_mut(), 0, &mut b, &mut d));
                assert!(s == OLR_BUFFER_TOO_SMALL || s == sn);
                let s = st(olr_account_normalize_utf16(w.as_ptr(), w.len(), dw.as_ptr(), dw.len(), core::ptr::null_mut(), 0, &mut a, core::ptr::null_mut(), 0, &mut b, &mut d));
                assert!(s == OLR_BUFFER_TOO_SMALL || s == sn);
            }
            7 => {
                // Unpaired surrogates in every UTF-16 entry point.
                let mut w = utf16(&t);
                w.insert(u.int_in_range(0..=w.len())?, *u.choose(&[0xD800u16, 0xDFFF, 0xDBFF])?);
                let mut prog = olr_typing_progress::default();
                let mut prob = olr_name_problem_code::OLR_NAME_PROBLEM_NONE;
                let mut out = [0u16; 64];
                let mut len = 0;
                let ok = utf16("alice");
                assert_eq!(st(olr_reset_code_progress_utf16(w.as_ptr(), w.len(), &mut prog)), OLR_INVALID_UTF16);
                assert_eq!(st(olr_reset_code_check_utf16(w.as_ptr(), w.len(), out.as_mut_ptr(), 64, &mut len, &mut d)), OLR_INVALID_UTF16);
                assert_eq!(st(olr_name_problem_utf16(w.as_ptr(), w.len(), &mut prob)), OLR_INVALID_UTF16);
                assert_eq!(st(olr_account_check_utf16(ok.as_ptr(), ok.len(), w.as_ptr(), w.len(), VECTOR_SID.as_ptr(), VECTOR_SID.len())), OLR_INVALID_UTF16);
                let mut a = [0u16; 8];
                let mut b = [0u16; 8];
                let (mut al, mut bl) = (0, 0);
                assert_eq!(st(olr_account_normalize_utf16(w.as_ptr(), w.len(), ok.as_ptr(), ok.len(), a.as_mut_ptr(), 8, &mut al, b.as_mut_ptr(), 8, &mut bl, &mut d)), OLR_INVALID_UTF16);
            }
            _ => {
                // Invalid UTF-8 in the text entry points.
                let mut b = t.clone().into_bytes();
                b.insert(u.int_in_range(0..=b.len())?, *u.choose(&[0xFFu8, 0xC0, 0x80, 0xED])?);
                let bp = b.as_ptr().cast::<c_char>();
                let mut prog = olr_typing_progress::default();
                assert_eq!(st(olr_identification_code_progress(bp, b.len(), &mut prog)), OLR_INVALID_UTF8);
                let mut prob = olr_name_problem_code::OLR_NAME_PROBLEM_NONE;
                assert_eq!(st(olr_name_problem(bp, b.len(), &mut prob)), OLR_INVALID_UTF8);
                let (s, _) = sized(false, |o, c, l| olr_identification_code_parse_uri_or_code(bp, b.len(), o.cast(), c, l, &mut d));
                assert!(matches!(s, OLR_INVALID_UTF8 | OLR_UTF16_TEXT), "{s:?}");
            }
        }
        Ok(())
    }

    /// Every status's name and message, and unknown numbers; name-problem hints.
    fn names(&mut self, u: &mut Unstructured) -> AResult<()> {
        for &n in &STATUSES {
            let name = olr_status_name(n);
            let msg = olr_status_message(n);
            assert!(!name.is_null() && !msg.is_null());
            // SAFETY: static NUL-terminated strings.
            let name = unsafe { CStr::from_ptr(name) }.to_str().unwrap();
            assert!(name.starts_with("OLR_") && name != "OLR_UNKNOWN_STATUS", "{n}: {name}");
        }
        let n: u32 = u.arbitrary()?;
        assert!(!olr_status_name(n).is_null() && !olr_status_message(n).is_null());
        for p in 0..9u32 {
            assert!(!olr_name_problem_hint(p).is_null() || p > 7);
        }
        let _ = olr_name_problem_hint(n);
        Ok(())
    }

    fn constants(&mut self, u: &mut Unstructured) -> AResult<()> {
        // SAFETY: a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(olr_version()) }.to_str().unwrap();
        assert!(!v.is_empty());
        let n = olr_version_number();
        assert_eq!(n, (0 << 16) | (1 << 8));
        let abi = olr_abi_version();
        assert!(olr_abi_is_compatible(abi));
        assert!(!olr_abi_is_compatible(abi + (1 << 16)));
        let _ = olr_abi_is_compatible(u.arbitrary()?);
        assert_eq!(olr_protocol_version(), 1);
        assert_eq!(olr_identification_code_text_size(), olr_identification_code_text_len() + 1);
        assert_eq!(olr_reset_code_text_size(), olr_reset_code_text_len() + 1);
        assert_eq!(olr_deployment_package_text_size(), olr_deployment_package_text_len() + 1);
        assert_eq!(olr_wrapping_key_len(), 64);
        assert_eq!(olr_max_generations(), 16);
        assert_eq!(olr_max_name_len(), 256);
        assert_eq!(olr_max_password_len(), 1024);
        assert_eq!(olr_max_input_len(), 65536);
        assert_eq!(olr_max_ledger_accounts(), 1024);
        assert_eq!(olr_max_ledger_codes(), 256);
        assert_eq!(olr_replay_ledger_max_len(), 58968);
        assert_eq!(olr_machine_state_max_len(), 218);
        assert_eq!(olr_server_key_ring_max_len(), 1068);
        // The test hook (feature `test-hooks`, on in the fuzz build): a panic inside the
        // boundary is OLR_PANIC. libFuzzer's panic hook aborts, so it is swapped out meanwhile.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let s = olr_test_hook_panic();
        std::panic::set_hook(hook);
        assert_eq!(st(s), OLR_PANIC);
        Ok(())
    }

    /// Hostile arguments: NULL handles and pointers, lengths past `OLR_MAX_INPUT_LEN`, NULL
    /// outputs. Each answers its status and writes nothing.
    fn hostile(&mut self, u: &mut Unstructured) -> AResult<()> {
        let huge = olr_max_input_len() + 1 + u.int_in_range(0usize..=4)?;
        let t = "alice";
        let tp = t.as_ptr().cast::<c_char>();
        let null = core::ptr::null::<c_char>();
        let r = self.rings[u.int_in_range(0..=RINGS - 1)?];
        let m = self.machines[u.int_in_range(0..=MACHINES - 1)?];
        let mut d = olr_error_details::default();
        let mut len = 7usize;
        let mut out = core::ptr::null_mut();
        match u.int_in_range(0u8..=9)? {
            0 => {
                assert_eq!(st(olr_identification_code_check(tp, huge, core::ptr::null_mut(), 0, &mut len, &mut d)), OLR_INVALID_LENGTH);
                assert_eq!(st(olr_identification_code_check(null, 1, core::ptr::null_mut(), 0, &mut len, &mut d)), OLR_NULL_POINTER);
                // A zero length with a NULL pointer is still NULL.
                assert_eq!(st(olr_reset_code_check(null, 0, core::ptr::null_mut(), 0, &mut len, &mut d)), OLR_NULL_POINTER);
                assert_eq!(len, 7);
            }
            1 => {
                let mut ring = core::ptr::null_mut();
                assert_eq!(st(olr_server_key_ring_import(core::ptr::null(), 0, core::ptr::null(), 0, &mut ring, &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_import(tp.cast(), huge, core::ptr::null(), 0, &mut ring, &mut d)), OLR_INVALID_LENGTH);
                assert_eq!(st(olr_server_key_ring_import(tp.cast(), 5, tp.cast(), 5, &mut ring, &mut d)), OLR_INVALID_KEY_MATERIAL);
                assert_eq!(st(olr_server_key_ring_generate(1440, 10, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert!(ring.is_null());
            }
            2 => {
                let mut machine = core::ptr::null_mut();
                assert_eq!(st(olr_machine_enroll(null, 0, &mut machine, &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_machine_enroll(tp, huge, &mut machine, &mut d)), OLR_INVALID_LENGTH);
                assert_eq!(st(olr_machine_import(core::ptr::null(), 0, core::ptr::null(), 0, &mut machine, &mut d)), OLR_NULL_POINTER);
                let p = &fixtures().package_text;
                assert_eq!(st(olr_machine_enroll(p.as_ptr().cast(), p.len(), core::ptr::null_mut(), &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_machine_redeploy(core::ptr::null(), p.as_ptr().cast(), p.len(), &mut machine, &mut d)), OLR_NULL_POINTER);
                assert!(machine.is_null());
            }
            3 => {
                let mut ledger = core::ptr::null_mut();
                assert_eq!(st(olr_replay_ledger_import(core::ptr::null(), 0, core::ptr::null(), 0, m, 0, &mut ledger, &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_replay_ledger_import(tp.cast(), huge, core::ptr::null(), 0, m, 0, &mut ledger, &mut d)), OLR_INVALID_LENGTH);
                assert_eq!(st(olr_replay_ledger_new(m, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert!(ledger.is_null());
                let (mut a, mut c) = (0, 0);
                assert_eq!(st(olr_replay_ledger_counts(self.ledgers[0], core::ptr::null_mut(), &mut c)), OLR_NULL_POINTER);
                assert_eq!(st(olr_replay_ledger_counts(self.ledgers[0], &mut a, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_replay_ledger_generation(self.ledgers[0], core::ptr::null_mut())), OLR_NULL_POINTER);
            }
            4 => {
                // Seal with a NULL or over-long field.
                let id = self.id_code(0).unwrap_or_else(|| fixtures().id_a.to_string());
                let field = u.int_in_range(0u8..=4)?;
                let hugelen = u.arbitrary()?;
                let f = |i: u8, s: &str| -> (*const c_char, usize) {
                    if i == field { if hugelen { (s.as_ptr().cast(), huge) } else { (null, 1) } } else { (s.as_ptr().cast(), s.len()) }
                };
                let (a, b, c, e) = (f(0, &id), f(1, t), f(2, "CORP"), f(4, PASSWORD));
                let sid = f(3, "");
                let (sp, sl) = if field == 3 { (sid.0.cast::<u8>(), sid.1) } else { (VECTOR_SID.as_ptr(), VECTOR_SID.len()) };
                let mut buf = Buf::new(64);
                let s = st(olr_server_key_ring_seal_reset_code(r, a.0, a.1, b.0, b.1, c.0, c.1, sp, sl, e.0, e.1, NOW, buf.cptr(), 64, &mut len, &mut d));
                buf.finish(s, len);
                let want = if r.is_null() || !hugelen { OLR_NULL_POINTER } else { OLR_INVALID_LENGTH };
                assert_eq!(s, want, "seal field {field}");
            }
            5 => {
                // Redeem with a NULL ledger, a NULL machine, a NULL field, or an over-long one.
                let l = u.int_in_range(0..=LEDGERS - 1)?;
                let ledger = if u.arbitrary()? { core::ptr::null_mut() } else { self.ledgers[l] };
                let before = (!ledger.is_null()).then(|| self.ledger_state(l));
                let code = fixtures().code_a.to_string();
                let mut acc = olr_accepted_reset::default();
                let hugelen = u.arbitrary()?;
                let (cp, cl) = if hugelen { (code.as_ptr().cast(), huge) } else { (null, 3) };
                let s = st(olr_machine_redeem_reset_code(m, ledger, cp, cl, tp, 5, "CORP".as_ptr().cast(), 4, VECTOR_SID.as_ptr(), VECTOR_SID.len(), PASSWORD.as_ptr().cast(), PASSWORD.len(), NOW, &mut acc, &mut d));
                let want = if m.is_null() || ledger.is_null() || !hugelen { OLR_NULL_POINTER } else { OLR_INVALID_LENGTH };
                assert_eq!(s, want);
                let w = utf16(&code);
                let wl = if hugelen { huge / 2 + 1 } else { w.len() };
                let wp = if hugelen { w.as_ptr() } else { core::ptr::null() };
                let s16 = st(olr_machine_redeem_reset_code_utf16(m, ledger, wp, wl, w.as_ptr(), 1, w.as_ptr(), 1, VECTOR_SID.as_ptr(), VECTOR_SID.len(), w.as_ptr(), 3, NOW, &mut acc, &mut d));
                assert_eq!(s16, want);
                if let Some(b) = before {
                    assert_eq!(self.ledger_state(l), b);
                }
            }
            6 => {
                // Outputs: NULL length pointers, NULL with a capacity.
                let mut buf = [0u8; 8];
                assert_eq!(st(olr_server_key_ring_export(r, core::ptr::null(), 0, buf.as_mut_ptr(), 8, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_machine_export(m, core::ptr::null(), 0, core::ptr::null_mut(), 8, &mut len)), OLR_NULL_POINTER);
                assert_eq!(st(olr_machine_identification_code(m, core::ptr::null_mut(), 8, &mut len)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_deployment_package(r, core::ptr::null_mut(), 8, &mut len)), OLR_NULL_POINTER);
                assert_eq!(st(olr_wrapping_key_generate(core::ptr::null_mut(), 64, &mut len)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_epochs(r, core::ptr::null_mut(), 4, &mut len)), OLR_NULL_POINTER);
                assert_eq!(len, 7);
                assert!(buf.iter().all(|&b| b == 0));
            }
            7 => {
                // Getters with NULL outputs.
                assert_eq!(st(olr_server_key_ring_current_epoch(r, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_policy(r, core::ptr::null_mut(), core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_attempt_limits(r, core::ptr::null_mut(), core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_retired_grace_seconds(r, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_password_cost(r, 1, core::ptr::null_mut(), core::ptr::null_mut(), core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_machine_epoch(m, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_machine_policy(m, core::ptr::null_mut(), core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_machine_password_cost(m, core::ptr::null_mut(), core::ptr::null_mut(), core::ptr::null_mut())), OLR_NULL_POINTER);
                let p = &fixtures().package_text;
                assert_eq!(st(olr_machine_is_enrolled_with(m, p.as_ptr().cast(), p.len(), core::ptr::null_mut(), &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_deployment_package_check(null, 0, core::ptr::null_mut(), core::ptr::null_mut(), core::ptr::null_mut(), &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_identification_code_progress(tp, 5, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_reset_code_progress_utf16(core::ptr::null(), 0, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_name_problem(tp, 5, core::ptr::null_mut())), OLR_NULL_POINTER);
            }
            8 => {
                // Mutators on NULL rings, invalid values on live ones.
                assert_eq!(st(olr_server_key_ring_begin_signing_key_rotation(core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_finish_signing_key_rotation(core::ptr::null_mut())), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_set_policy(core::ptr::null_mut(), 1440, 10)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_prune(core::ptr::null_mut(), NOW)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_set_password_cost(core::ptr::null_mut(), 8, 1, 1)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_set_retired_grace_seconds(core::ptr::null_mut(), 1)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_set_attempt_limits(core::ptr::null_mut(), 1, 1)), OLR_NULL_POINTER);
                let mut e = 0;
                let s = st(olr_server_key_ring_rotate(core::ptr::null_mut(), NOW, &mut e));
                assert_eq!(s, OLR_NULL_POINTER);
                if !r.is_null() {
                    assert_eq!(st(olr_server_key_ring_set_policy(r, 0, 10)), OLR_INVALID_POLICY);
                }
                let _ = out;
                out = core::ptr::null_mut::<olr_server_key_ring>();
                assert_eq!(st(olr_server_key_ring_generate_with_password_cost(1440, 10, 1, 1, 1, &mut out)), OLR_INVALID_POLICY);
                assert!(out.is_null());
                // PKCS#11: fuzz builds have no `pkcs11` feature; arguments are still checked first.
                let (m, t, pin, pre) = ("/nonexistent/libnone.so", "token", b"1234", "olr");
                let place = (m.as_ptr().cast(), m.len(), t.as_ptr().cast(), t.len(), pin.as_ptr(), pin.len(), pre.as_ptr().cast(), pre.len());
                assert_eq!(st(olr_server_key_ring_generate_pkcs11(place.0, place.1, place.2, place.3, place.4, place.5, place.6, place.7, 1440, 10, 19456, 2, 1, &mut out)), OLR_PKCS11_NOT_BUILT);
                assert_eq!(st(olr_server_key_ring_open_pkcs11(null, 1, place.2, place.3, place.4, place.5, place.6, place.7, &mut out)), OLR_NULL_POINTER);
                assert_eq!(st(olr_server_key_ring_copy_to_pkcs11(r, place.0, place.1, place.2, place.3, place.4, place.5, place.6, place.7, core::ptr::null_mut())), OLR_NULL_POINTER);
                assert!(out.is_null());
                let mut held = true;
                if !r.is_null() {
                    assert_eq!(st(olr_server_key_ring_is_held_in_token(r, &mut held)), OLR_OK);
                    assert!(!held);
                }
            }
            _ => {
                // Aids with NULL and over-long arguments.
                let base = "https://reset.example.com/r";
                let mut w = 0;
                assert_eq!(st(olr_identification_code_uri(null, 0, base.as_ptr().cast(), base.len(), core::ptr::null_mut(), 0, &mut len, &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_identification_code_qr(tp, 5, base.as_ptr().cast(), huge, core::ptr::null_mut(), 0, &mut len, &mut w, &mut d)), OLR_INVALID_LENGTH);
                assert_eq!(st(olr_spell_code(tp, 5, null, 3, core::ptr::null_mut(), 0, &mut len, &mut d)), OLR_NULL_POINTER);
                assert_eq!(st(olr_default_offline_domain(null, 0, core::ptr::null_mut(), 0, &mut len)), OLR_NULL_POINTER);
                assert_eq!(st(olr_account_check(tp, 5, tp, 5, core::ptr::null(), 28)), OLR_NULL_POINTER);
                assert_eq!(st(olr_account_check_utf16(core::ptr::null(), 1, core::ptr::null(), 1, VECTOR_SID.as_ptr(), 28)), OLR_NULL_POINTER);
                assert_eq!(st(olr_deployment_package_fingerprint(tp, huge, core::ptr::null_mut(), 0, &mut len, &mut d)), OLR_INVALID_LENGTH);
                assert_eq!(len, 7);
            }
        }
        let _ = out;
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
