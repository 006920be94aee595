//! The Argon2id anchor (benches/anchor.sh): libsodium's crypto_pwhash (Argon2id 1.3, p = 1)
//! against the library's password binding, seal (repeated on one key ring, which reuses its
//! Argon2id memory) and open (fresh memory every time, as in LogonUI), at the default cost
//! (65536 KiB, t = 3) and at the floor (19456 KiB, t = 2), interleaved round by round in one
//! process. Prints a table of medians and, last, the line
//! `anchor: seal-default R, open-default R, seal-floor R, open-floor R` (library / libsodium).
//!
//! `anchor rounds N` (default 7): N rounds, each timing every variant once.
//! `anchor scale THREADS COST SECONDS`: seals per second with THREADS threads sealing on one
//! shared ring, and the process's peak resident memory (VmHWM).
//! `anchor phases COST N`: where a one-shot binding's time goes (see main).

use std::hint::black_box;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Block, Params, Version};
use offline_reset::key_schedule::password_binding;
use offline_reset::primitives::SecretScalar;
use offline_reset::{
    Account, IdentificationCode, Machine, PasswordCost, Policy, ResetCode, ServerKeyRing,
};
use zeroize::Zeroizing;

const PASSWORD: &str = "Winter-Tulip-42";
const NOW: i64 = 1_790_000_000;
const SID: [u8; 28] = [
    1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xE9, 3, 0, 0,
];

fn scalar(b: u8) -> SecretScalar {
    SecretScalar::from_bytes(&[b; 32]).expect("scalar")
}

struct Setup {
    cost: PasswordCost,
    ring: ServerKeyRing,
    machine: Machine,
    id: IdentificationCode,
    account: Account,
    code: ResetCode,
}

fn setup(cost: PasswordCost) -> Setup {
    let policy = Policy::default().with_password_cost(cost);
    let ring = ServerKeyRing::from_secrets(policy, 1, scalar(0x11), scalar(0x7C));
    let package = ring.deployment_package().expect("package");
    let machine = Machine::enroll_with_secret(&package, &scalar(0x33)).expect("enroll");
    let id = machine.identification_code();
    let account = Account::new("alice", "CORP", &SID).expect("account");
    let code = ring
        .seal_reset_code(&id, &account, PASSWORD, NOW)
        .expect("seal");
    Setup {
        cost,
        ring,
        machine,
        id,
        account,
        code,
    }
}

fn sodium(cost: PasswordCost, out: &mut [u8; 32]) {
    let salt = [0x5Au8; 16];
    // SAFETY: valid pointers and lengths for the duration of the call.
    let rc = unsafe {
        libsodium_sys::crypto_pwhash(
            out.as_mut_ptr(),
            32,
            PASSWORD.as_ptr().cast(),
            PASSWORD.len() as u64,
            salt.as_ptr(),
            u64::from(cost.iterations()),
            cost.memory_kib() as usize * 1024,
            libsodium_sys::crypto_pwhash_ALG_ARGON2ID13 as i32,
        )
    };
    assert_eq!(rc, 0, "crypto_pwhash");
}

fn params(cost: PasswordCost) -> Params {
    Params::new(cost.memory_kib(), cost.iterations(), 1, Some(32)).expect("params")
}

/// The pattern the library had before (issue 23): vec![Block::new(); n], the crate's
/// hash_password_into_with_memory, a Zeroizing (element-by-element volatile) wipe, free.
fn heap_pattern(cost: PasswordCost) -> [u8; 32] {
    let p = params(cost);
    let mut blocks = Zeroizing::new(vec![Block::new(); p.block_count()]);
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into_with_memory(PASSWORD.as_bytes(), &[0x5A; 16], &mut out, &mut *blocks)
        .expect("argon2");
    out
}

type Variant = (&'static str, Box<dyn Fn()>);

fn variants(s: &'static Setup) -> Vec<Variant> {
    let cost = s.cost;
    let v: Vec<Variant> = vec![
        (
            "libsodium crypto_pwhash",
            Box::new(move || {
                let mut out = [0u8; 32];
                sodium(cost, &mut out);
                black_box(out);
            }),
        ),
        (
            "old heap pattern (Vec + Zeroizing)",
            Box::new(move || {
                black_box(heap_pattern(cost));
            }),
        ),
        (
            "password_binding (fresh memory)",
            Box::new(move || {
                let b = password_binding(
                    cost,
                    1,
                    &s.machine.identification_code().machine_public_x(),
                    &s.account,
                    PASSWORD.as_bytes(),
                )
                .expect("binding");
                black_box(b);
            }),
        ),
        (
            "seal (one ring, reused memory)",
            Box::new(move || {
                black_box(
                    s.ring
                        .seal_reset_code(&s.id, &s.account, PASSWORD, NOW)
                        .expect("seal"),
                );
            }),
        ),
        (
            "open (fresh memory)",
            Box::new(move || {
                black_box(
                    s.machine
                        .open_reset_code_for_diagnostics(&s.code, &s.account, PASSWORD, NOW + 60)
                        .expect("open"),
                );
            }),
        ),
    ];
    v
}

fn median(v: &mut [Duration]) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn rounds(n: usize) {
    let costs: [(&str, PasswordCost); 2] = [
        ("default", PasswordCost::default()),
        ("floor", PasswordCost::minimum()),
    ];
    let setups: Vec<(&str, &'static Setup)> = costs
        .iter()
        .map(|(name, c)| (*name, &*Box::leak(Box::new(setup(*c)))))
        .collect();
    let all: Vec<(&str, Vec<Variant>)> = setups
        .iter()
        .map(|(name, s)| (*name, variants(s)))
        .collect();
    let mut times: Vec<Vec<Vec<Duration>>> =
        all.iter().map(|(_, v)| vec![Vec::new(); v.len()]).collect();
    // Warm-up: one of each.
    for (_, vs) in &all {
        for (_, f) in vs {
            f();
        }
    }
    for round in 0..n {
        for (ci, (_, vs)) in all.iter().enumerate() {
            // Rotate the start so no variant always follows the same one.
            for k in 0..vs.len() {
                let vi = (k + round) % vs.len();
                let t = Instant::now();
                (vs[vi].1)();
                times[ci][vi].push(t.elapsed());
            }
        }
    }
    println!("| cost | variant | median ms | / libsodium |");
    println!("|---|---|---:|---:|");
    let mut ratios = Vec::new();
    for (ci, (cname, vs)) in all.iter().enumerate() {
        let base = median(&mut times[ci][0].clone());
        for (vi, (vname, _)) in vs.iter().enumerate() {
            let m = median(&mut times[ci][vi].clone());
            // Ratio of medians, and the median of per-round ratios (each round's pair ran
            // back to back, so it sees the same load).
            let mut per_round: Vec<f64> = times[ci][vi]
                .iter()
                .zip(&times[ci][0])
                .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
                .collect();
            per_round.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let r = per_round[per_round.len() / 2];
            println!(
                "| {cname} | {vname} | {m:.1} | {r:.2} (min {:.2}, max {:.2}) |",
                per_round[0],
                per_round[per_round.len() - 1]
            );
            let _ = base;
            if vname.starts_with("seal") || vname.starts_with("open") {
                ratios.push(r);
            }
        }
    }
    println!(
        "anchor: seal-default {:.2}, open-default {:.2}, seal-floor {:.2}, open-floor {:.2}",
        ratios[0], ratios[1], ratios[2], ratios[3]
    );
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|n| n.parse().unwrap_or(0)))
        })
        .unwrap_or(0)
}

fn cost_named(name: &str) -> PasswordCost {
    match name {
        "default" => PasswordCost::default(),
        "floor" => PasswordCost::minimum(),
        _ => panic!("cost: default or floor"),
    }
}

fn scale(threads: usize, cost: &str, seconds: f64) {
    let s: &'static Setup = Box::leak(Box::new(setup(cost_named(cost))));
    let hwm_before = vm_hwm_kib();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let counts: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        black_box(
                            s.ring
                                .seal_reset_code(&s.id, &s.account, PASSWORD, NOW)
                                .expect("seal"),
                        );
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let total: u64 = counts.iter().sum();
    println!(
        "scale: {threads} thread(s), {cost}: {total} seals in {elapsed:.2} s = {:.2} seals/s; VmHWM {} KiB (before {} KiB); idle regions {}",
        total as f64 / elapsed,
        vm_hwm_kib(),
        hwm_before,
        s.ring.argon2_memory_idle()
    );
}

fn minflt() -> i64 {
    // SAFETY: getrusage writes the struct it is given.
    let mut u: libc_rusage = unsafe { std::mem::zeroed() };
    unsafe { getrusage(0, &mut u) };
    u.ru_minflt
}

#[repr(C)]
struct libc_rusage {
    ru_utime: [i64; 2],
    ru_stime: [i64; 2],
    ru_maxrss: i64,
    ru_ixrss: i64,
    ru_idrss: i64,
    ru_isrss: i64,
    ru_minflt: i64,
    ru_majflt: i64,
    rest: [i64; 8],
}
extern "C" {
    fn getrusage(who: i32, usage: *mut libc_rusage) -> i32;
}

/// Where a one-shot binding's time goes: map (with or without MADV_HUGEPAGE), fill (Argon2id,
/// which takes the page faults), wipe (one memset), unmap; against the heap pattern's phases
/// (allocate + initialize, fill, Zeroizing's volatile wipe, free). Medians of N, interleaved.
fn phases(cost: &str, n: usize) {
    use rustix::mm::{self, Advice, MapFlags, ProtFlags};
    let cost = cost_named(cost);
    let p = params(cost);
    let bytes = p.block_count() * Block::SIZE;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, p.clone());
    let salt = [0x5Au8; 16];
    let names = [
        "mmap+DONTDUMP+HUGEPAGE",
        "mmap+DONTDUMP (4 KiB pages)",
        "heap: vec![Block::new(); n] + Zeroizing",
    ];
    // phase times [variant][phase] and faults [variant]
    let mut t: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); 4]; 3];
    let mut faults: Vec<Vec<i64>> = vec![Vec::new(); 3];
    for _ in 0..n {
        for v in 0..3 {
            let f0 = minflt();
            let mut out = [0u8; 32];
            if v < 2 {
                let a = Instant::now();
                let len = bytes + (2 << 20);
                // SAFETY: a fresh private anonymous mapping; unmapped below.
                let base = unsafe {
                    mm::mmap_anonymous(
                        std::ptr::null_mut(),
                        len,
                        ProtFlags::READ | ProtFlags::WRITE,
                        MapFlags::PRIVATE,
                    )
                }
                .expect("mmap");
                let off = ((2usize << 20) - base as usize % (2 << 20)) % (2 << 20);
                unsafe {
                    let _ = mm::madvise(base, len, Advice::LinuxDontDump);
                    if v == 0 {
                        let _ = mm::madvise(base, len, Advice::LinuxHugepage);
                    }
                }
                // SAFETY: inside the mapping, zero-filled, aligned.
                let blocks = unsafe {
                    std::slice::from_raw_parts_mut(
                        base.cast::<u8>().add(off).cast::<Block>(),
                        p.block_count(),
                    )
                };
                let b = Instant::now();
                argon
                    .hash_password_into_with_memory(
                        PASSWORD.as_bytes(),
                        &salt,
                        &mut out,
                        &mut *blocks,
                    )
                    .unwrap();
                let c = Instant::now();
                unsafe { std::ptr::write_bytes(blocks.as_mut_ptr(), 0, blocks.len()) };
                black_box(blocks.as_mut_ptr());
                let d = Instant::now();
                unsafe { mm::munmap(base, len).unwrap() };
                let e = Instant::now();
                for (i, (x, y)) in [(a, b), (b, c), (c, d), (d, e)].into_iter().enumerate() {
                    t[v][i].push((y - x).as_secs_f64() * 1e3);
                }
            } else {
                let a = Instant::now();
                let mut blocks = Zeroizing::new(vec![Block::new(); p.block_count()]);
                let b = Instant::now();
                argon
                    .hash_password_into_with_memory(
                        PASSWORD.as_bytes(),
                        &salt,
                        &mut out,
                        &mut *blocks,
                    )
                    .unwrap();
                let c = Instant::now();
                use zeroize::Zeroize;
                blocks.zeroize();
                let d = Instant::now();
                drop(blocks);
                let e = Instant::now();
                for (i, (x, y)) in [(a, b), (b, c), (c, d), (d, e)].into_iter().enumerate() {
                    t[v][i].push((y - x).as_secs_f64() * 1e3);
                }
            }
            faults[v].push(minflt() - f0);
            black_box(out);
        }
    }
    println!("| variant | map/alloc+init ms | fill ms | wipe ms | unmap/free ms | minor faults |");
    println!("|---|---:|---:|---:|---:|---:|");
    for v in 0..3 {
        let m: Vec<f64> = (0..4)
            .map(|i| {
                let mut x = t[v][i].clone();
                x.sort_by(|a, b| a.partial_cmp(b).unwrap());
                x[x.len() / 2]
            })
            .collect();
        let mut f = faults[v].clone();
        f.sort();
        println!(
            "| {} | {:.2} | {:.1} | {:.2} | {:.2} | {} |",
            names[v],
            m[0],
            m[1],
            m[2],
            m[3],
            f[f.len() / 2]
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // SAFETY: sodium_init has no preconditions; it is idempotent.
    assert!(unsafe { libsodium_sys::sodium_init() } >= 0);
    match args.get(1).map(String::as_str) {
        Some("scale") => scale(
            args[2].parse().expect("threads"),
            &args[3],
            args[4].parse().expect("seconds"),
        ),
        Some("phases") => phases(&args[2], args[3].parse().expect("n")),
        Some("rounds") => rounds(args[2].parse().expect("rounds")),
        None => rounds(7),
        Some(other) => panic!("unknown mode {other}"),
    }
}
