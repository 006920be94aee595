//! Secrets leave no copies in freed heap memory (docs/PROTOCOL.md §12.4). A scanning global
//! allocator searches every block, as it is freed (and the old block of every reallocation), for
//! every registered secret: server scalars, the machine secret, the ECDH shared secret, the HKDF
//! PRK, the machine key's two AES-SIV subkeys (K1, K2), the wrapping key's two halves, the
//! password and its Argon2id binding (the salt is public). Every operation runs in turn
//! (generate, rotate with and without grace, export and import of the key ring and of the machine
//! state, plain and wrapped, enroll, seal, open, redeem into a replay ledger and the ledger's
//! export and import, plain and wrapped, drop)
//! and the test prints the count of copies found per secret per operation. It must be zero,
//! except the entries of `ALLOWED`, each with its justification.
//!
//! Not covered: dead stack. Reading stack memory that no live variable owns cannot be done
//! without undefined behaviour from safe Rust; stack copies are checked by reasoning in §12.4.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use offline_reset::key_schedule::{derive_machine_key, labeled_extract, password_binding};
use offline_reset::primitives::{ecdh, PublicPoint, SecretScalar};
use offline_reset::{
    Account, Machine, PasswordCost, Policy, ReplayLedger, ResetCode, ServerKeyRing, WrappingKey,
};

#[path = "support/sid.rs"]
mod sid;
use sid::*;

/// The cheapest password cost: seal and open each scan one Argon2id memory block as it is freed.
fn quick() -> Policy {
    Policy::default().with_password_cost(PasswordCost::minimum())
}

const MAX_PATTERNS: usize = 16;
const PATTERN_LEN: usize = 64;
const MAX_OPS: usize = 32;
const NO_OP: usize = usize::MAX;

/// Registered secrets (fixed storage: the allocator must not allocate).
struct Patterns {
    bytes: [[u8; PATTERN_LEN]; MAX_PATTERNS],
    lens: [usize; MAX_PATTERNS],
    count: usize,
}

static PATTERNS: Mutex<Patterns> = Mutex::new(Patterns {
    bytes: [[0; PATTERN_LEN]; MAX_PATTERNS],
    lens: [0; MAX_PATTERNS],
    count: 0,
});
static CURRENT_OP: AtomicUsize = AtomicUsize::new(NO_OP);
static HITS: [[AtomicUsize; MAX_PATTERNS]; MAX_OPS] =
    [const { [const { AtomicUsize::new(0) }; MAX_PATTERNS] }; MAX_OPS];

struct Scanning;

fn scan(block: &[u8]) {
    let op = CURRENT_OP.load(Ordering::SeqCst);
    if op == NO_OP {
        return;
    }
    // `try_lock`: never block or panic inside the allocator.
    let Ok(patterns) = PATTERNS.try_lock() else {
        return;
    };
    let registered = patterns
        .bytes
        .iter()
        .zip(&patterns.lens)
        .take(patterns.count);
    for ((bytes, &len), hits) in registered.zip(&HITS[op]) {
        let needle = &bytes[..len];
        let copies = block.windows(len).filter(|w| *w == needle).count();
        hits.fetch_add(copies, Ordering::SeqCst);
    }
}

// SAFETY: every call is forwarded to the system allocator. `dealloc` first reads the block being
// freed, which is still allocated, `layout.size()` bytes long and was written by its owner
// (every block handed out is zero-filled first, so no byte is ever uninitialized).
// `realloc` is the trait's default (alloc, copy, dealloc), so the old block is scanned too.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.size() > 0 {
            // SAFETY: see the impl's comment.
            scan(unsafe { std::slice::from_raw_parts(ptr, layout.size()) });
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

/// Registers a secret to search for; returns its index.
fn register(name: &'static str, names: &mut Vec<&'static str>, bytes: &[u8]) {
    assert!(bytes.len() <= PATTERN_LEN && bytes.len() >= 8);
    let mut p = PATTERNS.lock().unwrap();
    let i = p.count;
    p.bytes[i][..bytes.len()].copy_from_slice(bytes);
    p.lens[i] = bytes.len();
    p.count += 1;
    names.push(name);
}

/// Runs `f` as operation number `op` (its freed blocks are scanned).
fn measured<T>(ops: &mut Vec<&'static str>, name: &'static str, f: impl FnOnce() -> T) -> T {
    let op = ops.len();
    ops.push(name);
    CURRENT_OP.store(op, Ordering::SeqCst);
    let out = f();
    CURRENT_OP.store(NO_OP, Ordering::SeqCst);
    out
}

/// Residues accepted for now: (operation, secret, justification). Empty: the target is zero.
const ALLOWED: &[(&str, &str, &str)] = &[];

/// An RNG that always yields the same bytes (so the generated secret is known).
struct Fixed(u8);
impl rand_core::TryRng for Fixed {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(u32::from(self.0) * 0x0101_0101)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from(self.0) * 0x0101_0101_0101_0101)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.fill(self.0);
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Fixed {}

const NOW: i64 = 1_795_000_000;
const PASSWORD: &str = "Residue-Check-Password-7f3a";

fn scalar(byte: u8) -> SecretScalar {
    SecretScalar::from_bytes(&[byte; 32]).expect("valid scalar")
}

#[test]
fn the_scanner_finds_a_secret_left_in_freed_memory() {
    // The scanner itself must see a copy: a plain Vec holding a pattern, dropped while measured.
    // (Runs in the same process as the main test; its pattern is distinct from theirs.)
    let mut names = Vec::new();
    let mut ops = Vec::new();
    let _guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    reset();
    register("probe", &mut names, &[0xEE; 32]);
    measured(&mut ops, "probe", || {
        drop(std::hint::black_box(vec![0xEEu8; 100]))
    });
    assert_eq!(HITS[0][0].load(Ordering::SeqCst), 100 - 32 + 1);
    reset();
}

static SERIAL: Mutex<()> = Mutex::new(());

fn reset() {
    let mut p = PATTERNS.lock().unwrap();
    p.count = 0;
    drop(p);
    for op in &HITS {
        for h in op {
            h.store(0, Ordering::SeqCst);
        }
    }
}

#[test]
fn no_secret_is_left_in_freed_memory() {
    let _guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    reset();
    let mut names = Vec::new();
    let mut ops = Vec::new();

    // The secrets, computed up front (their own copies are zeroized or static).
    let machine_secret = scalar(0x33);
    let wrapping_bytes = [0x44u8; 64];
    let wrapping = WrappingKey::from_bytes(&wrapping_bytes).expect("key");
    let server_public = scalar(0x11).public_compressed();
    let shared = ecdh(
        &machine_secret,
        &PublicPoint::from_compressed(&server_public).unwrap(),
    )
    .unwrap();
    let prk = labeled_extract(b"", b"shared_secret", shared.as_ref());
    let machine_key =
        derive_machine_key(&shared, 1, &server_public, &machine_secret.public_x()).unwrap();
    register("server scalar 1", &mut names, &[0x11; 32]);
    register("server scalar 2", &mut names, &[0x22; 32]);
    register("server scalar (rotate)", &mut names, &[0x5A; 32]);
    register("server scalar (generate)", &mut names, &[0x6B; 32]);
    register("machine secret", &mut names, &[0x33; 32]);
    register("ECDH shared secret", &mut names, shared.as_ref());
    register("HKDF PRK", &mut names, prk.as_ref());
    register("machine key K1", &mut names, &machine_key.as_bytes()[..32]);
    register("machine key K2", &mut names, &machine_key.as_bytes()[32..]);
    register("wrapping key half 1", &mut names, &wrapping_bytes[..32]);
    register("wrapping key half 2", &mut names, &wrapping_bytes[32..]);
    register("password", &mut names, PASSWORD.as_bytes());
    let account = Account::new("residue-user", "CONTOSO", &VECTOR_SID).unwrap();
    // The binding of PASSWORD for this machine, epoch 1 and account, at the policy's cost.
    let binding = password_binding(
        quick().password_cost(),
        1,
        &machine_secret.public_x(),
        &account,
        PASSWORD.as_bytes(),
    )
    .unwrap();
    register("password binding", &mut names, binding.as_ref());
    drop((shared, prk, machine_key, binding));

    let generated = measured(&mut ops, "generate", || {
        ServerKeyRing::generate(quick(), &mut Fixed(0x6B)).unwrap()
    });
    measured(&mut ops, "drop generated ring", || drop(generated));

    let mut ring = ServerKeyRing::from_secret(quick(), 1, scalar(0x11));
    ring.set_retired_grace_seconds(3600);
    measured(&mut ops, "rotate with grace", || {
        ring.rotate_to_secret(NOW, scalar(0x22)).unwrap()
    });
    let mut no_grace = ServerKeyRing::from_secret(quick(), 1, scalar(0x11));
    measured(&mut ops, "rotate without grace", || {
        no_grace.rotate(NOW, &mut Fixed(0x5A)).unwrap();
        no_grace.rotate_to_secret(NOW + 1, scalar(0x22)).unwrap()
    });
    measured(&mut ops, "drop rotated rings", || drop((ring, no_grace)));

    let ring = ServerKeyRing::from_secret(quick(), 1, scalar(0x11));
    let package = ring.deployment_package().unwrap();
    let machine = measured(&mut ops, "enroll", || {
        Machine::enroll_with_secret(&package, &machine_secret).unwrap()
    });
    let id = machine.identification_code();
    let code = measured(&mut ops, "seal", || {
        ring.seal_reset_code(&id, &account, PASSWORD, NOW).unwrap()
    });
    let code = ResetCode::parse(code.as_str()).unwrap();
    measured(&mut ops, "open", || {
        machine
            .open_reset_code(&code, &account, PASSWORD, NOW + 60)
            .unwrap()
    });

    // Exports: the caller drops what it got (a zeroizing buffer leaves nothing).
    measured(&mut ops, "ring export plain (+ drop)", || {
        drop(ring.export(None).unwrap())
    });
    measured(&mut ops, "ring export wrapped (+ drop)", || {
        drop(ring.export(Some(&wrapping)).unwrap())
    });
    measured(&mut ops, "machine export plain (+ drop)", || {
        drop(machine.export(None).unwrap())
    });
    measured(&mut ops, "machine export wrapped (+ drop)", || {
        drop(machine.export(Some(&wrapping)).unwrap())
    });

    let ring_plain = ring.export(None).unwrap();
    let ring_wrapped = ring.export(Some(&wrapping)).unwrap();
    let machine_plain = machine.export(None).unwrap();
    let machine_wrapped = machine.export(Some(&wrapping)).unwrap();
    let imported = measured(&mut ops, "ring import plain", || {
        ServerKeyRing::import(&ring_plain, None).unwrap()
    });
    let imported_w = measured(&mut ops, "ring import wrapped", || {
        ServerKeyRing::import(&ring_wrapped, Some(&wrapping)).unwrap()
    });
    let machine_i = measured(&mut ops, "machine import plain", || {
        Machine::import(&machine_plain, None).unwrap()
    });
    let machine_iw = measured(&mut ops, "machine import wrapped", || {
        Machine::import(&machine_wrapped, Some(&wrapping)).unwrap()
    });
    measured(&mut ops, "drop everything", || {
        drop((imported, imported_w, machine_i, machine_iw, ring, machine));
        drop((machine_secret, wrapping));
    });
    // The replay ledger: its entries hold no secret, but redeem opens a code (password, binding,
    // machine key) and the wrapped export/import use the wrapping key.
    let (machine, code) = {
        let ring = ServerKeyRing::from_secret(quick(), 1, scalar(0x11));
        let machine =
            Machine::enroll_with_secret(&ring.deployment_package().unwrap(), &scalar(0x33))
                .unwrap();
        let code = ring
            .seal_reset_code(&machine.identification_code(), &account, PASSWORD, NOW)
            .unwrap();
        (machine, ResetCode::parse(code.as_str()).unwrap())
    };
    let wrapping = WrappingKey::from_bytes(&wrapping_bytes).unwrap();
    let mut ledger = ReplayLedger::new();
    measured(&mut ops, "redeem (open + ledger record)", || {
        machine
            .redeem_reset_code(&mut ledger, &code, &account, PASSWORD, NOW + 60)
            .unwrap()
    });
    measured(&mut ops, "ledger export plain (+ drop)", || {
        drop(ledger.export(None).unwrap())
    });
    measured(&mut ops, "ledger export wrapped (+ drop)", || {
        drop(ledger.export(Some(&wrapping)).unwrap())
    });
    let ledger_plain = ledger.export(None).unwrap();
    let ledger_wrapped = ledger.export(Some(&wrapping)).unwrap();
    let ledger_i = measured(&mut ops, "ledger import plain", || {
        ReplayLedger::import(&ledger_plain, None).unwrap()
    });
    let ledger_iw = measured(&mut ops, "ledger import wrapped", || {
        ReplayLedger::import(&ledger_wrapped, Some(&wrapping)).unwrap()
    });
    assert_eq!((ledger_i.len(), ledger_iw.len()), (1, 1));
    measured(&mut ops, "drop ledger, machine, key", || {
        drop((ledger, ledger_i, ledger_iw, machine, code, wrapping))
    });

    // The exported bytes are the caller's; zeroize them (not measured).
    for mut bytes in [
        ring_plain,
        ring_wrapped,
        machine_plain,
        machine_wrapped,
        ledger_plain,
        ledger_wrapped,
    ] {
        zeroize::Zeroize::zeroize(&mut bytes);
    }

    // The table.
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut found = 0;
    let mut unexpected = Vec::new();
    println!("secret residue in freed heap memory (copies per operation):");
    for (op, op_name) in ops.iter().enumerate() {
        let row: Vec<(usize, usize)> = (0..names.len())
            .map(|p| (p, HITS[op][p].load(Ordering::SeqCst)))
            .filter(|&(_, n)| n > 0)
            .collect();
        if row.is_empty() {
            println!("  {op_name:<32} none");
        }
        for (p, n) in row {
            found += n;
            let allowed = ALLOWED
                .iter()
                .find(|(o, s, _)| o == op_name && *s == names[p]);
            let note = allowed.map_or("NOT ALLOWED", |(_, _, why)| why);
            println!("  {op_name:<32} {:<width$} {n:>3}  {note}", names[p]);
            if allowed.is_none() {
                unexpected.push(format!("{op_name}: {} x{n}", names[p]));
            }
        }
    }
    println!(
        "residue: {} operations, {} secrets, {found} copies, {} not allowed",
        ops.len(),
        names.len(),
        unexpected.len()
    );
    assert!(
        unexpected.is_empty(),
        "secrets left in freed memory: {unexpected:?}"
    );
}
