//! Times the password binding (one Argon2id run) at a given cost on this machine: what every
//! seal, every open, and every offline guess of a new password costs. Admins choose the cost of
//! the next key generation with it; docs/PROTOCOL.md §12.2 quotes its numbers.
//!
//! `cargo run --release --example password_cost [MEMORY_KIB ITERATIONS PARALLELISM [RUNS]]`
//! (no arguments: the default and the minimum cost, 9 runs each). Prints the median.

use std::time::Instant;

use offline_reset::key_schedule::password_binding;
use offline_reset::{Account, PasswordCost};

/// A domain account's binary SID: revision 1, five sub-authorities, authority 5 (NT).
const SID: [u8; 28] = [
    1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82,
    0x8b, 0xa6, 0x28, 0x50, 0x04, 0, 0,
];

fn median_ms(cost: PasswordCost, runs: usize) -> Result<f64, offline_reset::Error> {
    // S-1-5-21-1004336348-1177238915-682003330-1104: the SID is part of the salt (§5), and its
    // length barely changes the cost.
    let account = Account::new("alice", "CORP", &SID)?;
    let machine_x = [7u8; 32];
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let binding = password_binding(cost, 1, &machine_x, &account, b"Winter-Tulip-42")?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(binding);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[runs / 2])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let (costs, runs) = match args.as_slice() {
        [] => (vec![PasswordCost::default(), PasswordCost::minimum()], 9),
        [m, t, p] => (vec![PasswordCost::new(*m, *t, *p)?], 9),
        [m, t, p, r] => (vec![PasswordCost::new(*m, *t, *p)?], (*r).max(1) as usize),
        _ => return Err("usage: password_cost [MEMORY_KIB ITERATIONS PARALLELISM [RUNS]]".into()),
    };
    for cost in costs {
        let ms = median_ms(cost, runs)?;
        println!(
            "Argon2id m={} KiB t={} p={}: median {ms:.1} ms over {runs} runs = {:.1} guesses/s per core",
            cost.memory_kib(),
            cost.iterations(),
            cost.parallelism(),
            1000.0 / ms
        );
    }
    Ok(())
}
