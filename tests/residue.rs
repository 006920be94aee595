//! Secrets leave no copies in freed heap memory (docs/PROTOCOL.md §12.4). A scanning global
//! allocator searches every block, as it is freed (and the old block of every reallocation), for
//! every registered secret: server scalars, the machine secret, the ECDH shared secret, the HKDF
//! PRK, the machine key's two AES-SIV subkeys (K1, K2), the wrapping key's two halves, the
//! password and its Argon2id binding (the salt is public). Every operation runs in turn
//! (generate, rotate with and without grace, export and import of the key ring and of the machine
//! state, plain and wrapped, enroll, seal, open, redeem into a replay ledger and the ledger's
//! export and import, plain and wrapped, drop)
//! and the test prints the count of copies found per secret per operation. It must be zero,
//! except the entries of `ALLOWED`, each with its justification. The same runs through the C
//! ABI (`olr_*` exports: key ring import, export, seal; machine enroll, import, export, redeem;
//! ledger export and import; the `_free` of every handle), all in the module `c_abi`.
//!
//! No scan is ever skipped: the scan path takes no lock. Secrets are registered between
//! operations into fixed atomic storage published by an atomic count, so the allocator reads
//! them without waiting on anything (an earlier version used `try_lock` and silently skipped
//! the scan of a block whenever the lock was busy).
//!
//! Not covered: dead stack. Reading stack memory that no live variable owns cannot be done
//! without undefined behaviour from safe Rust; stack copies are checked by reasoning in §12.4.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Mutex;

use offline_reset::key_schedule::{
    derive_machine_key, labeled_extract, password_binding, password_salt,
};
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

const MAX_PATTERNS: usize = 24;
const PATTERN_LEN: usize = 64;
const MAX_OPS: usize = 64;
const NO_OP: usize = usize::MAX;

/// One registered secret. Atomics (not a lock): the allocator reads them on every free and must
/// neither block nor skip; registration writes them only between operations.
struct Pattern {
    bytes: [AtomicU8; PATTERN_LEN],
    len: AtomicUsize,
}

/// Registered secrets (fixed storage: the allocator must not allocate). Slots below
/// `PATTERN_COUNT` are complete: a slot is written first, then published by the count.
static PATTERNS: [Pattern; MAX_PATTERNS] = [const {
    Pattern {
        bytes: [const { AtomicU8::new(0) }; PATTERN_LEN],
        len: AtomicUsize::new(0),
    }
}; MAX_PATTERNS];
static PATTERN_COUNT: AtomicUsize = AtomicUsize::new(0);
/// Serializes registration only (never taken on the scan path).
static REGISTERING: Mutex<()> = Mutex::new(());
/// Argon2id memory regions the library released (mapped regions never reach the allocator: the
/// library's release hook hands each one, after its wipe, to `scan_released`).
static RELEASED_REGIONS: AtomicUsize = AtomicUsize::new(0);
static CURRENT_OP: AtomicUsize = AtomicUsize::new(NO_OP);
static HITS: [[AtomicUsize; MAX_PATTERNS]; MAX_OPS] =
    [const { [const { AtomicUsize::new(0) }; MAX_PATTERNS] }; MAX_OPS];

struct Scanning;

fn scan(block: &[u8]) {
    let op = CURRENT_OP.load(Ordering::SeqCst);
    if op == NO_OP {
        return;
    }
    // No lock: every block freed during an operation is scanned for every published secret.
    let count = PATTERN_COUNT.load(Ordering::Acquire);
    for (pattern, hits) in PATTERNS.iter().take(count).zip(&HITS[op]) {
        let len = pattern.len.load(Ordering::Relaxed);
        let mut needle = [0u8; PATTERN_LEN];
        for (b, a) in needle.iter_mut().zip(&pattern.bytes[..len]) {
            *b = a.load(Ordering::Relaxed);
        }
        let needle = &needle[..len];
        let copies = block.windows(len).filter(|w| *w == needle).count();
        hits.fetch_add(copies, Ordering::SeqCst);
    }
}

/// The release hook: every Argon2id region the library gives back to the operating system (or
/// the heap) is scanned like a freed heap block.
fn scan_released(region: &[u8]) {
    if CURRENT_OP.load(Ordering::SeqCst) != NO_OP {
        RELEASED_REGIONS.fetch_add(1, Ordering::SeqCst);
    }
    scan(region);
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

/// Registers a secret to search for from the next operation on (only between operations).
fn register(name: &'static str, names: &mut Vec<&'static str>, bytes: &[u8]) {
    assert!(bytes.len() <= PATTERN_LEN && bytes.len() >= 8);
    assert_eq!(
        CURRENT_OP.load(Ordering::SeqCst),
        NO_OP,
        "register between operations"
    );
    let _one_at_a_time = REGISTERING.lock().unwrap_or_else(|e| e.into_inner());
    let i = PATTERN_COUNT.load(Ordering::SeqCst);
    assert!(i < MAX_PATTERNS, "raise MAX_PATTERNS");
    let slot = &PATTERNS[i];
    for (a, &b) in slot.bytes.iter().zip(bytes) {
        a.store(b, Ordering::Relaxed);
    }
    slot.len.store(bytes.len(), Ordering::Relaxed);
    // Publish: a scan that sees the new count sees the whole slot.
    PATTERN_COUNT.store(i + 1, Ordering::Release);
    assert_eq!(names.len(), i, "one name per registered secret");
    names.push(name);
}

/// Runs `f` as operation number `op` (its freed blocks are scanned).
fn measured<T>(ops: &mut Vec<&'static str>, name: &'static str, f: impl FnOnce() -> T) -> T {
    let op = ops.len();
    assert!(op < MAX_OPS, "raise MAX_OPS");
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
    assert_eq!(CURRENT_OP.load(Ordering::SeqCst), NO_OP);
    PATTERN_COUNT.store(0, Ordering::SeqCst);
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
    register("signing scalar", &mut names, &[0x7C; 32]);
    register("next signing scalar", &mut names, &[0x7D; 32]);
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
    // Derived Argon2 blocks (secret: each lets a guesser test passwords at the cost of one
    // BLAKE2b): the first, a middle and the last block as the binding of PASSWORD leaves them.
    {
        use argon2::{Algorithm, Argon2, Block, Params, Version};
        let cost = quick().password_cost();
        let params = Params::new(cost.memory_kib(), cost.iterations(), 1, Some(32)).unwrap();
        let n = params.block_count();
        let mut blocks = vec![Block::new(); n];
        let salt = password_salt(1, &machine_secret.public_x(), &account);
        let mut out = [0u8; 32];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into_with_memory(PASSWORD.as_bytes(), &salt, &mut out, &mut blocks)
            .unwrap();
        for (name, i) in [
            ("Argon2 block (first)", 0),
            ("Argon2 block (middle)", n / 2),
            ("Argon2 block (last)", n - 1),
        ] {
            let bytes: Vec<u8> = blocks[i].as_ref()[..8]
                .iter()
                .flat_map(|w| w.to_le_bytes())
                .collect();
            register(name, &mut names, &bytes);
        }
        for b in &mut blocks {
            zeroize::Zeroize::zeroize(b);
        }
        zeroize::Zeroize::zeroize(&mut out);
    }
    offline_reset::argon2_memory::set_release_hook(scan_released);

    // The server key ring's Argon2 pool: seals reuse a region, which is wiped when the pool lets
    // it go and when the ring is dropped.
    let pooled = ServerKeyRing::from_secrets(quick(), 1, scalar(0x11), scalar(0x7C));
    let pooled_id =
        Machine::enroll_with_secret(&pooled.deployment_package().unwrap(), &machine_secret)
            .unwrap()
            .identification_code();
    measured(&mut ops, "seal twice on one ring (pool)", || {
        pooled
            .seal_reset_code(&pooled_id, &account, PASSWORD, NOW)
            .unwrap();
        pooled
            .seal_reset_code(&pooled_id, &account, PASSWORD, NOW)
            .unwrap()
    });
    assert_eq!(
        pooled.argon2_memory_idle(),
        1,
        "the second seal reused the first's region"
    );
    let released = RELEASED_REGIONS.load(Ordering::SeqCst);
    measured(&mut ops, "release the ring's idle Argon2 memory", || {
        pooled.release_argon2_memory()
    });
    assert_eq!(RELEASED_REGIONS.load(Ordering::SeqCst), released + 1);
    measured(&mut ops, "seal, then drop the ring (its pool)", || {
        pooled
            .seal_reset_code(&pooled_id, &account, PASSWORD, NOW)
            .unwrap();
        drop(pooled)
    });
    assert_eq!(RELEASED_REGIONS.load(Ordering::SeqCst), released + 2);
    // Concurrent seals on one ring: each its own region; all are scanned when they go.
    let shared_ring = ServerKeyRing::from_secrets(quick(), 1, scalar(0x11), scalar(0x7C));
    measured(&mut ops, "2 threads seal on one ring, then drop it", || {
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    shared_ring
                        .seal_reset_code(&pooled_id, &account, PASSWORD, NOW)
                        .unwrap()
                });
            }
        });
        drop(shared_ring)
    });

    let generated = measured(&mut ops, "generate", || {
        ServerKeyRing::generate(quick(), &mut Fixed(0x6B)).unwrap()
    });
    measured(&mut ops, "drop generated ring", || drop(generated));

    let mut ring = ServerKeyRing::from_secrets(quick(), 1, scalar(0x11), scalar(0x7C));
    ring.set_retired_grace_seconds(3600).unwrap();
    measured(&mut ops, "rotate with grace", || {
        ring.rotate_to_secret(NOW, scalar(0x22)).unwrap()
    });
    let mut no_grace = ServerKeyRing::from_secrets(quick(), 1, scalar(0x11), scalar(0x7C));
    measured(&mut ops, "rotate without grace", || {
        no_grace.rotate(NOW, &mut Fixed(0x5A)).unwrap();
        no_grace.rotate_to_secret(NOW + 1, scalar(0x22)).unwrap()
    });
    measured(
        &mut ops,
        "signing-key rotation (begin, sign, finish)",
        || {
            no_grace
                .begin_signing_key_rotation_to_secret(scalar(0x7D))
                .unwrap();
            let _ = no_grace.deployment_package().unwrap();
            no_grace.finish_signing_key_rotation().unwrap();
            let _ = no_grace.deployment_package().unwrap();
        },
    );
    measured(&mut ops, "drop rotated rings", || drop((ring, no_grace)));

    let ring = ServerKeyRing::from_secrets(quick(), 1, scalar(0x11), scalar(0x7C));
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
            .open_reset_code_for_diagnostics(&code, &account, PASSWORD, NOW + 60)
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
        let ring = ServerKeyRing::from_secrets(quick(), 1, scalar(0x11), scalar(0x7C));
        let machine =
            Machine::enroll_with_secret(&ring.deployment_package().unwrap(), &scalar(0x33))
                .unwrap();
        let code = ring
            .seal_reset_code(&machine.identification_code(), &account, PASSWORD, NOW)
            .unwrap();
        (machine, ResetCode::parse(code.as_str()).unwrap())
    };
    let wrapping = WrappingKey::from_bytes(&wrapping_bytes).unwrap();
    let mut ledger = ReplayLedger::new(&machine);
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
        ReplayLedger::import(&ledger_plain, None, &machine, 0).unwrap()
    });
    let ledger_iw = measured(&mut ops, "ledger import wrapped", || {
        ReplayLedger::import(&ledger_wrapped, Some(&wrapping), &machine, 0).unwrap()
    });
    assert_eq!(
        (ledger_i.account_count(), ledger_iw.account_count()),
        (1, 1)
    );
    measured(&mut ops, "drop ledger, machine, key", || {
        drop((ledger, ledger_i, ledger_iw, machine, code, wrapping))
    });

    // The same through the C ABI, with the same secrets registered.
    c_abi::operations(
        &mut ops,
        &mut names,
        &[&ring_plain, &ring_wrapped, &machine_plain, &machine_wrapped],
        &wrapping_bytes,
    );

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
            println!("  {op_name:<36} none");
        }
        for (p, n) in row {
            found += n;
            let allowed = ALLOWED
                .iter()
                .find(|(o, s, _)| o == op_name && *s == names[p]);
            let note = allowed.map_or("NOT ALLOWED", |(_, _, why)| why);
            println!("  {op_name:<36} {:<width$} {n:>3}  {note}", names[p]);
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

/// Every `olr_*` call of this test: the C ABI path, as the Windows login integration and a
/// server written in C drive it. A change of the C signatures touches only this module.
mod c_abi {
    use crate::sid::VECTOR_SID;
    use core::ffi::c_char;

    use offline_reset::ffi::*;

    use super::{measured, register, NOW, PASSWORD};

    const USERNAME: &str = "residue-user";
    const DOMAIN: &str = "CONTOSO";

    fn ok(status: olr_status) {
        assert_eq!(status, olr_status::OLR_OK, "C ABI call failed");
    }

    /// Calls an export function into a fresh buffer of `cap` bytes and returns what it wrote.
    fn written(cap: usize, f: impl FnOnce(*mut u8, usize, &mut usize) -> olr_status) -> Vec<u8> {
        let mut out = vec![0u8; cap];
        let mut len = 0usize;
        ok(f(out.as_mut_ptr(), out.len(), &mut len));
        out.truncate(len);
        out
    }

    /// What a C caller does with exported bytes once stored: wipe its buffer, then free it.
    fn wipe(mut bytes: Vec<u8>) {
        zeroize::Zeroize::zeroize(&mut bytes);
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec()).expect("text")
    }

    /// `exports`: the Rust-made key ring (plain, wrapped) and machine state (plain, wrapped) of
    /// the main test, so that the C handles hold the secrets already registered.
    pub fn operations(
        ops: &mut Vec<&'static str>,
        names: &mut Vec<&'static str>,
        exports: &[&[u8]; 4],
        wrapping: &[u8; 64],
    ) {
        let [ring_plain, ring_wrapped, machine_plain, machine_wrapped] = *exports;
        let key = (wrapping.as_ptr(), wrapping.len());
        let plain = (core::ptr::null(), 0);
        let (username, domain) = (USERNAME.as_bytes(), DOMAIN.as_bytes());
        let password = PASSWORD.as_bytes();

        let ring_import = |bytes: &[u8], (k, kl): (*const u8, usize)| {
            let mut ring = core::ptr::null_mut();
            let details = core::ptr::null_mut();
            ok(olr_server_key_ring_import(
                bytes.as_ptr(),
                bytes.len(),
                k,
                kl,
                &mut ring,
                details,
            ));
            ring
        };
        let ring = measured(ops, "C ring import plain", || {
            ring_import(ring_plain, plain)
        });
        let ring_w = measured(ops, "C ring import wrapped", || {
            ring_import(ring_wrapped, key)
        });
        for (name, (k, kl)) in [
            ("C ring export plain (+ wipe)", plain),
            ("C ring export wrapped (+ wipe)", key),
        ] {
            measured(ops, name, || {
                wipe(written(olr_server_key_ring_max_len(), |o, c, l| {
                    olr_server_key_ring_export(ring, k, kl, o, c, l)
                }))
            });
        }

        let package = written(olr_deployment_package_text_size(), |o, c, l| {
            olr_server_key_ring_deployment_package(ring, o.cast::<c_char>(), c, l)
        });
        // Enroll draws a fresh machine secret from the OS: unknown beforehand, so this operation
        // is searched for the secrets already registered only; its machine key is registered
        // right after, for the operations that follow (export, free).
        let enrolled = measured(ops, "C enroll", || {
            let mut machine = core::ptr::null_mut();
            ok(olr_machine_enroll(
                package.as_ptr().cast::<c_char>(),
                package.len(),
                &mut machine,
                core::ptr::null_mut(),
            ));
            machine
        });
        let enrolled_state = written(olr_machine_state_max_len(), |o, c, l| {
            olr_machine_export(enrolled, core::ptr::null(), 0, o, c, l)
        });
        let end = enrolled_state.len() - 4;
        register(
            "C-enrolled machine key K1",
            names,
            &enrolled_state[end - 64..end - 32],
        );
        register(
            "C-enrolled machine key K2",
            names,
            &enrolled_state[end - 32..end],
        );
        wipe(enrolled_state);

        let machine_import = |bytes: &[u8], (k, kl): (*const u8, usize)| {
            let mut machine = core::ptr::null_mut();
            ok(olr_machine_import(
                bytes.as_ptr(),
                bytes.len(),
                k,
                kl,
                &mut machine,
                core::ptr::null_mut(),
            ));
            machine
        };
        let machine = measured(ops, "C machine import plain", || {
            machine_import(machine_plain, plain)
        });
        let machine_w = measured(ops, "C machine import wrapped", || {
            machine_import(machine_wrapped, key)
        });
        for (name, m, (k, kl)) in [
            ("C machine export plain (+ wipe)", machine, plain),
            ("C machine export wrapped (+ wipe)", machine, key),
            ("C enrolled export wrapped (+ wipe)", enrolled, key),
        ] {
            measured(ops, name, || {
                wipe(written(olr_machine_state_max_len(), |o, c, l| {
                    olr_machine_export(m, k, kl, o, c, l)
                }))
            });
        }

        let id = written(olr_identification_code_text_size(), |o, c, l| {
            olr_machine_identification_code(machine, o.cast::<c_char>(), c, l)
        });
        let code = measured(ops, "C seal", || {
            text(&written(olr_reset_code_text_size(), |o, c, l| {
                olr_server_key_ring_seal_reset_code(
                    ring,
                    id.as_ptr().cast::<c_char>(),
                    id.len(),
                    username.as_ptr().cast::<c_char>(),
                    username.len(),
                    domain.as_ptr().cast::<c_char>(),
                    domain.len(),
                    VECTOR_SID.as_ptr(),
                    VECTOR_SID.len(),
                    password.as_ptr().cast::<c_char>(),
                    password.len(),
                    NOW,
                    o.cast::<c_char>(),
                    c,
                    l,
                    core::ptr::null_mut(),
                )
            }))
        });
        let mut ledger = core::ptr::null_mut();
        ok(olr_replay_ledger_new(machine, &mut ledger));
        measured(ops, "C redeem", || {
            let mut accepted = olr_accepted_reset::default();
            ok(olr_machine_redeem_reset_code(
                machine,
                ledger,
                code.as_ptr().cast::<c_char>(),
                code.len(),
                username.as_ptr().cast::<c_char>(),
                username.len(),
                domain.as_ptr().cast::<c_char>(),
                domain.len(),
                VECTOR_SID.as_ptr(),
                VECTOR_SID.len(),
                password.as_ptr().cast::<c_char>(),
                password.len(),
                NOW + 60,
                &mut accepted,
                core::ptr::null_mut(),
            ));
        });

        let ledger_export = |(k, kl): (*const u8, usize)| {
            written(olr_replay_ledger_max_len(), |o, c, l| {
                olr_replay_ledger_export(ledger, k, kl, o, c, l)
            })
        };
        measured(ops, "C ledger export plain (+ wipe)", || {
            wipe(ledger_export(plain))
        });
        measured(ops, "C ledger export wrapped (+ wipe)", || {
            wipe(ledger_export(key))
        });
        let (ledger_plain, ledger_wrapped) = (ledger_export(plain), ledger_export(key));
        let ledger_import = |bytes: &[u8], (k, kl): (*const u8, usize)| {
            let mut out = core::ptr::null_mut();
            ok(olr_replay_ledger_import(
                bytes.as_ptr(),
                bytes.len(),
                k,
                kl,
                machine,
                0,
                &mut out,
                core::ptr::null_mut(),
            ));
            out
        };
        let ledger_i = measured(ops, "C ledger import plain", || {
            ledger_import(&ledger_plain, plain)
        });
        let ledger_iw = measured(ops, "C ledger import wrapped", || {
            ledger_import(&ledger_wrapped, key)
        });
        wipe(ledger_plain);
        wipe(ledger_wrapped);

        measured(ops, "C free handles", || {
            olr_server_key_ring_free(ring);
            olr_server_key_ring_free(ring_w);
            olr_machine_free(machine);
            olr_machine_free(machine_w);
            olr_machine_free(enrolled);
            olr_replay_ledger_free(ledger);
            olr_replay_ledger_free(ledger_i);
            olr_replay_ledger_free(ledger_iw);
        });
    }
}
