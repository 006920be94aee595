//! The core never touches the heap: sealing and opening reset codes, parsing typed codes and
//! building accounts allocate nothing, on success and on every refusal. Proven with a counting
//! global allocator (per thread, so the test harness's own threads do not interfere).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use offline_reset::primitives::SecretScalar;
use offline_reset::{
    Account, Error, IdentificationCode, Machine, Policy, ResetCode, ServerKeyRing,
};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: never panic inside the allocator, even during thread teardown.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
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
fn seal_and_open_allocate_nothing() {
    let ring = ServerKeyRing::from_secret(Policy::default(), 1, secret(1));
    let package = ring.deployment_package().expect("package");
    let machine = Machine::enroll_with_secret(&package, &secret(2)).expect("enroll");
    let other_machine = Machine::enroll_with_secret(&package, &secret(3)).expect("enroll");
    let id_text = machine.identification_code().as_str().to_owned();

    let id = assert_no_allocation("IdentificationCode::parse", || {
        IdentificationCode::parse(&id_text).expect("parse")
    });
    let account = assert_no_allocation("Account::new", || {
        Account::new(" Jürgen ", "österreich").expect("account")
    });
    let code = assert_no_allocation("ServerKeyRing::seal_reset_code", || {
        ring.seal_reset_code(&id, &account, PASSWORD, NOW)
            .expect("seal")
    });
    let code_text = code.as_str().to_owned();
    let lower = code_text.to_lowercase();
    let typed = assert_no_allocation("ResetCode::parse", || {
        ResetCode::parse(&lower).expect("parse")
    });
    assert_eq!(typed, code);
    let typed_account = Account::new("JÜRGEN", "ÖSTERREICH").expect("account");
    assert_no_allocation("Machine::open_reset_code", || {
        machine
            .open_reset_code(&typed, &typed_account, PASSWORD, NOW + 60)
            .expect("open")
    });
    assert_no_allocation("ResetCode::as_str", || code.as_str().len());

    // Refusals allocate nothing either.
    assert_no_allocation("open, wrong password", || {
        assert_eq!(
            machine.open_reset_code(&typed, &typed_account, "wrong", NOW),
            Err(Error::Rejected)
        )
    });
    assert_no_allocation("open, other machine", || {
        assert_eq!(
            other_machine.open_reset_code(&typed, &typed_account, PASSWORD, NOW),
            Err(Error::Rejected)
        )
    });
    assert_no_allocation("open, expired", || {
        assert_eq!(
            machine.open_reset_code(&typed, &typed_account, PASSWORD, NOW + 30 * 24 * 3600),
            Err(Error::Expired)
        )
    });
    assert_no_allocation("open, empty password", || {
        assert_eq!(
            machine.open_reset_code(&typed, &typed_account, "", NOW),
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
        assert_eq!(Account::new("a\u{0}b", "corp"), Err(Error::InvalidUsername))
    });

    let mut rotated = ring.clone();
    rotated.rotate_to_secret(NOW, secret(4)).expect("rotate");
    assert_no_allocation("seal, rotated epoch", || {
        assert!(matches!(
            rotated.seal_reset_code(&id, &account, PASSWORD, NOW),
            Err(Error::KeyRotated { .. })
        ))
    });
}
