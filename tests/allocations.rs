//! The core barely touches the heap: parsing typed codes and building accounts allocate nothing;
//! sealing and opening reset codes allocate at most one block, the Argon2id memory of the password
//! binding (`memory_kib` KiB), wiped before it is freed; refusals made before the password binding
//! allocate nothing. On Linux that memory is not on the heap at all (its own mapping,
//! `src/argon2_memory.rs`), and a key ring's seals reuse it (the ring's pool). Proven with a
//! counting global allocator (per thread, so the test harness's own threads do not interfere)
//! that also looks at every large block as it is freed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use offline_reset::primitives::SecretScalar;
use offline_reset::{
    Account, Error, IdentificationCode, Machine, PasswordCost, Policy, ResetCode, ServerKeyRing,
};

#[path = "support/sid.rs"]
mod sid;
use sid::*;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// Bytes requested by all allocations on this thread.
    static BYTES: Cell<usize> = const { Cell::new(0) };
    /// Blocks freed on this thread, and how many of them held a non-zero byte when freed.
    static LARGE_FREED: Cell<usize> = const { Cell::new(0) };
    static LARGE_FREED_DIRTY: Cell<usize> = const { Cell::new(0) };
}

/// A block size for the counter's own test.
const LARGE: usize = 1 << 20;

fn count(size: usize) {
    // `try_with`: never panic inside the allocator, even during thread teardown.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = BYTES.try_with(|n| n.set(n.get() + size));
}

fn bump(cell: &'static std::thread::LocalKey<Cell<usize>>) {
    let _ = cell.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the block is still allocated and `layout.size()` bytes long.
        let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
        bump(&LARGE_FREED);
        if block.iter().any(|&b| b != 0) {
            bump(&LARGE_FREED_DIRTY);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the number of allocations it made on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (out, ALLOCATIONS.with(Cell::get) - before)
}

/// What `f` did to this thread's heap: allocations, bytes requested, blocks freed, and blocks
/// freed without being wiped.
fn heap_use<T>(f: impl FnOnce() -> T) -> (T, [usize; 4]) {
    let read = || {
        [
            ALLOCATIONS.with(Cell::get),
            BYTES.with(Cell::get),
            LARGE_FREED.with(Cell::get),
            LARGE_FREED_DIRTY.with(Cell::get),
        ]
    };
    let before = read();
    let out = f();
    let after = read();
    (out, std::array::from_fn(|i| after[i] - before[i]))
}

/// Heap blocks the Argon2 memory takes: none on Linux (a mapping of its own), one elsewhere.
const ARGON2_ON_HEAP: usize = if cfg!(target_os = "linux") { 0 } else { 1 };

/// `f` allocates the Argon2 memory of `cost` (one heap block, but none on Linux) plus `extra`
/// blocks of `extra_bytes` in all, and wipes every one before freeing it; `kept`: the Argon2
/// memory stays in a key ring's pool instead of being freed.
#[track_caller]
fn assert_argon2_memory_and<T>(
    what: &str,
    cost: PasswordCost,
    (extra, extra_bytes): (usize, usize),
    kept: bool,
    f: impl FnOnce() -> T,
) -> T {
    let (out, [n, bytes, freed, dirty]) = heap_use(f);
    let expected = ARGON2_ON_HEAP * cost.memory_kib() as usize * 1024 + extra_bytes;
    assert_eq!(
        (n, bytes),
        (ARGON2_ON_HEAP + extra, expected),
        "{what}: {n} allocation(s) of {bytes} bytes in all"
    );
    let argon2_freed = if kept { 0 } else { ARGON2_ON_HEAP };
    assert_eq!(
        (freed, dirty),
        (argon2_freed + extra, 0),
        "{what}: every block is wiped, then freed"
    );
    out
}

/// `f` allocates only the Argon2 memory of `cost` (one block; none on Linux), and wipes it
/// before freeing it.
#[track_caller]
fn assert_only_argon2_memory<T>(what: &str, cost: PasswordCost, f: impl FnOnce() -> T) -> T {
    assert_argon2_memory_and(what, cost, (0, 0), false, f)
}

#[track_caller]
fn assert_no_allocation<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let (out, n) = allocations(f);
    assert_eq!(n, 0, "{what} allocated {n} time(s)");
    out
}

fn secret(byte: u8) -> SecretScalar {
    SecretScalar::from_bytes(&[byte; 32]).expect("valid scalar")
}

const NOW: i64 = 1_795_000_000;
const PASSWORD: &str = "Winter-Tulip-42";

#[test]
fn the_counter_sees_allocations() {
    let (v, n) = allocations(|| vec![1u8; 10]);
    assert_eq!(v.len(), 10);
    assert!(n >= 1);
}

#[test]
fn the_counter_sees_a_block_freed_unwiped() {
    let (_, [n, bytes, freed, dirty]) = heap_use(|| drop(vec![1u8; LARGE]));
    assert_eq!((n, bytes, freed, dirty), (1, LARGE, 1, 1));
    let (_, [_, _, freed, dirty]) = heap_use(|| drop(vec![0u8; LARGE]));
    assert_eq!((freed, dirty), (1, 0));
}

#[test]
fn seal_and_open_allocate_only_the_argon2_memory() {
    let cost = PasswordCost::minimum();
    let policy = Policy::default().with_password_cost(cost);
    let ring = ServerKeyRing::from_secrets(
        policy,
        1,
        secret(1),
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    let package = ring.deployment_package().expect("package");
    let machine = Machine::enroll_with_secret(&package, &secret(2)).expect("enroll");
    let other_machine = Machine::enroll_with_secret(&package, &secret(3)).expect("enroll");
    let id_text = machine.identification_code().as_str().to_owned();

    let id = assert_no_allocation("IdentificationCode::parse", || {
        IdentificationCode::parse(&id_text).expect("parse")
    });
    let account = assert_no_allocation("Account::new", || {
        Account::new("Jürgen", "österreich", &VECTOR_SID).expect("account")
    });
    // Sealing also derives the machine key into its own heap box (64 bytes, wiped when dropped).
    // The ring keeps the Argon2 memory for its next seal.
    let code = assert_argon2_memory_and(
        "ServerKeyRing::seal_reset_code",
        cost,
        (1, 64),
        true,
        || {
            ring.seal_reset_code(&id, &account, PASSWORD, NOW)
                .expect("seal")
        },
    );
    // The next seal reuses it: only the machine key's box.
    let (again, [n, bytes, freed, dirty]) = heap_use(|| {
        ring.seal_reset_code(&id, &account, PASSWORD, NOW)
            .expect("seal")
    });
    assert_eq!(again, code);
    assert_eq!((n, bytes, freed, dirty), (1, 64, 1, 0), "second seal");
    let code_text = code.as_str().to_owned();
    let lower = code_text.to_lowercase();
    let typed = assert_no_allocation("ResetCode::parse", || {
        ResetCode::parse(&lower).expect("parse")
    });
    assert_eq!(typed, code);
    let typed_account = Account::new("JÜRGEN", "ÖSTERREICH", &VECTOR_SID).expect("account");
    assert_only_argon2_memory("Machine::open_reset_code", cost, || {
        machine
            .open_reset_code_for_diagnostics(&typed, &typed_account, PASSWORD, NOW + 60)
            .expect("open")
    });
    assert_no_allocation("ResetCode::as_str", || code.as_str().len());

    // Refusals after the password binding allocate only its memory; those before it, nothing.
    assert_only_argon2_memory("open, wrong password", cost, || {
        assert_eq!(
            machine.open_reset_code_for_diagnostics(&typed, &typed_account, "wrong", NOW),
            Err(Error::Rejected)
        )
    });
    assert_only_argon2_memory("open, other machine", cost, || {
        assert_eq!(
            other_machine.open_reset_code_for_diagnostics(&typed, &typed_account, PASSWORD, NOW),
            Err(Error::Rejected)
        )
    });
    assert_only_argon2_memory("open, expired", cost, || {
        assert_eq!(
            machine.open_reset_code_for_diagnostics(
                &typed,
                &typed_account,
                PASSWORD,
                NOW + 30 * 24 * 3600
            ),
            Err(Error::Expired)
        )
    });
    assert_no_allocation("open, empty password", || {
        assert_eq!(
            machine.open_reset_code_for_diagnostics(&typed, &typed_account, "", NOW),
            Err(Error::InvalidPassword)
        )
    });
    let mut mistyped = code_text.clone().into_bytes();
    mistyped[3] = if mistyped[3] == b'A' { b'B' } else { b'A' };
    let mistyped = String::from_utf8(mistyped).expect("ASCII");
    assert_no_allocation("ResetCode::parse, mistyped", || {
        assert_eq!(
            ResetCode::parse(&mistyped),
            Err(Error::Mistyped { group: Some(1) })
        )
    });
    assert_no_allocation("IdentificationCode::parse, malformed", || {
        assert_eq!(
            IdentificationCode::parse("1234"),
            Err(Error::MalformedInput)
        )
    });
    assert_no_allocation("seal, time out of range", || {
        assert_eq!(
            ring.seal_reset_code(&id, &account, PASSWORD, 0),
            Err(Error::TimeOutOfRange)
        )
    });
    assert_no_allocation("Account::new, invalid", || {
        assert_eq!(
            Account::new("a\u{0}b", "corp", &VECTOR_SID),
            Err(Error::InvalidUsername)
        )
    });

    let mut rotated = ring.clone();
    rotated.rotate_to_secret(NOW, secret(4)).expect("rotate");
    assert_no_allocation("seal, rotated epoch", || {
        assert!(matches!(
            rotated.seal_reset_code(&id, &account, PASSWORD, NOW),
            Err(Error::KeyRotated { .. })
        ))
    });
    let rotated_machine =
        Machine::enroll_with_secret(&rotated.deployment_package().expect("package"), &secret(5))
            .expect("enroll");
    assert_no_allocation("open, code before rotation", || {
        assert!(matches!(
            rotated_machine.open_reset_code_for_diagnostics(&typed, &typed_account, PASSWORD, NOW),
            Err(Error::CodeBeforeRotation { .. })
        ))
    });
}
