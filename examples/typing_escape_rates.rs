//! Measures how often typing mistakes escape the typing checks of docs/PROTOCOL.md §3 (the
//! numbers of §12.1). Deterministic: a fixed-seed SplitMix64 generator (not cryptographic; it
//! only draws test cases).
//!
//! ```text
//! cargo run --release --example typing_escape_rates -- [samples per kind and model]
//! ```
//!
//! For each kind of code and each error model, every sample is a fresh random valid code (version
//! 1, random epoch 1…2047, random payload bytes, encoded with its group and whole-code checks),
//! damaged as the model says, then parsed. A sample *escapes* when parsing does not report
//! `Mistyped` (it parses, or reaches the version check). Models, positions counting symbols (check
//! symbols included, separators not):
//!
//! - `2 substitutions`: two distinct positions drawn uniformly among all pairs; each symbol
//!   replaced by one of the 31 other symbols, uniformly.
//! - `2 substitutions | group checks pass`: the same model conditioned on every group passing
//!   its own check, sampled exactly: a group drawn with probability proportional to its number of
//!   position pairs, two distinct positions in it, the first replaced uniformly by another
//!   symbol, the second by the one symbol that restores the group's check (never its own value).
//!   Only the whole-code CRC can catch these; this is the rate §12.1 states.
//! - `substitution + adjacent swap`: two adjacent positions with different symbols, drawn
//!   uniformly, swapped; then one other position (not one of the two), drawn uniformly, replaced
//!   uniformly by another symbol. Also reported conditioned on the group checks passing.
//!
//! Rates come with a 95 % Wilson score interval.

use offline_reset::code_text::{
    self, Layout, ALPHABET, GROUP_SYMBOLS, IDENTIFICATION_CODE_LAYOUT, RESET_CODE_LAYOUT,
};
use offline_reset::Error;

/// SplitMix64 (Steele, Lea, Flood 2014): a simple deterministic generator for test cases.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection, without bias.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let v = self.next_u64();
            if v < zone {
                return v % n;
            }
        }
    }
}

const MAX_SYMBOLS: usize = 64;

/// A random valid code's symbols (values 0…31), without separators.
fn random_code(rng: &mut SplitMix64, layout: Layout, out: &mut [u8; MAX_SYMBOLS]) -> usize {
    let mut payload = [0u8; 64];
    let payload = &mut payload[..layout.payload_len];
    let epoch = 1 + rng.below(u64::from(code_text::MAX_EPOCH)) as u16;
    payload[..2].copy_from_slice(&code_text::header(epoch));
    for b in payload[2..].iter_mut() {
        *b = rng.next_u64() as u8;
    }
    let mut text = [0u8; 80];
    let text = &mut text[..layout.text_len()];
    code_text::encode(layout, payload, text);
    let mut n = 0;
    for &c in text.iter().filter(|&&c| c != code_text::SEPARATOR) {
        out[n] = code_text::symbol_value(c).unwrap_or(0);
        n += 1;
    }
    n
}

/// What parsing the symbols says: (passes every group check, escapes every typing check).
fn outcome(layout: Layout, symbols: &[u8]) -> (bool, bool) {
    let mut text = [0u8; MAX_SYMBOLS];
    for (t, &v) in text.iter_mut().zip(symbols) {
        *t = ALPHABET[v as usize];
    }
    let text = core::str::from_utf8(&text[..symbols.len()]).unwrap_or_default();
    let mut payload = [0u8; 64];
    match code_text::decode(layout, text, &mut payload[..layout.payload_len]) {
        Err(Error::Mistyped { group: Some(_) }) => (false, false),
        Err(Error::Mistyped { group: None }) => (true, false),
        _ => (true, true),
    }
}

/// A uniformly random symbol other than `v`.
fn other_symbol(rng: &mut SplitMix64, v: u8) -> u8 {
    (v + 1 + rng.below(31) as u8) % 32
}

/// Multiplication in GF(32) = GF(2)[x]/(x^5 + x^2 + 1).
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut r = 0;
    while b != 0 {
        if b & 1 != 0 {
            r ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    r
}

fn gf_inv(a: u8) -> u8 {
    (1..32).find(|&b| gf_mul(a, b) == 1).unwrap_or(0)
}

/// The weight of position `j` in a group of `t` symbols: x^(t-1-j).
fn weight(t: usize, j: usize) -> u8 {
    (0..t - 1 - j).fold(1, |w, _| gf_mul(w, 2))
}

struct Tally {
    samples: u64,
    group_checks_pass: u64,
    escapes: u64,
}

fn two_substitutions(rng: &mut SplitMix64, layout: Layout, samples: u64) -> Tally {
    let mut t = Tally {
        samples,
        group_checks_pass: 0,
        escapes: 0,
    };
    let mut code = [0u8; MAX_SYMBOLS];
    for _ in 0..samples {
        let n = random_code(rng, layout, &mut code);
        let i = rng.below(n as u64) as usize;
        let mut j = rng.below(n as u64 - 1) as usize;
        if j >= i {
            j += 1;
        }
        code[i] = other_symbol(rng, code[i]);
        code[j] = other_symbol(rng, code[j]);
        let (pass, escape) = outcome(layout, &code[..n]);
        t.group_checks_pass += u64::from(pass);
        t.escapes += u64::from(escape);
    }
    t
}

fn two_substitutions_passing_group_checks(
    rng: &mut SplitMix64,
    layout: Layout,
    samples: u64,
) -> Tally {
    let mut t = Tally {
        samples,
        group_checks_pass: 0,
        escapes: 0,
    };
    let mut code = [0u8; MAX_SYMBOLS];
    let n = layout.symbols();
    // Group sizes and their numbers of position pairs.
    let sizes: Vec<usize> = (0..layout.groups())
        .map(|g| (n - g * GROUP_SYMBOLS).min(GROUP_SYMBOLS))
        .collect();
    let pairs: Vec<u64> = sizes.iter().map(|&s| (s * (s - 1) / 2) as u64).collect();
    let total: u64 = pairs.iter().sum();
    for _ in 0..samples {
        random_code(rng, layout, &mut code);
        let mut pick = rng.below(total);
        let mut group = 0;
        while pick >= pairs[group] {
            pick -= pairs[group];
            group += 1;
        }
        let size = sizes[group];
        let a = rng.below(size as u64) as usize;
        let mut b = rng.below(size as u64 - 1) as usize;
        if b >= a {
            b += 1;
        }
        let (pa, pb) = (group * GROUP_SYMBOLS + a, group * GROUP_SYMBOLS + b);
        let e1 = 1 + rng.below(31) as u8;
        // e1·w(a) + e2·w(b) = 0  =>  e2 = e1·w(a)/w(b), nonzero.
        let e2 = gf_mul(gf_mul(e1, weight(size, a)), gf_inv(weight(size, b)));
        code[pa] ^= e1;
        code[pb] ^= e2;
        let (pass, escape) = outcome(layout, &code[..n]);
        t.group_checks_pass += u64::from(pass);
        t.escapes += u64::from(escape);
    }
    t
}

fn substitution_and_swap(rng: &mut SplitMix64, layout: Layout, samples: u64) -> Tally {
    let mut t = Tally {
        samples,
        group_checks_pass: 0,
        escapes: 0,
    };
    let mut code = [0u8; MAX_SYMBOLS];
    let mut done = 0;
    while done < samples {
        let n = random_code(rng, layout, &mut code);
        let s = rng.below(n as u64 - 1) as usize;
        if code[s] == code[s + 1] {
            // Not a swap of different symbols: draw again (uniform over the valid ones).
            continue;
        }
        code.swap(s, s + 1);
        let mut i = rng.below(n as u64 - 2) as usize;
        if i >= s {
            i += 2;
        }
        code[i] = other_symbol(rng, code[i]);
        let (pass, escape) = outcome(layout, &code[..n]);
        t.group_checks_pass += u64::from(pass);
        t.escapes += u64::from(escape);
        done += 1;
    }
    t
}

/// 95 % Wilson score interval for `k` successes in `n` trials.
fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn report(kind: &str, model: &str, t: &Tally) {
    let (lo, hi) = wilson(t.escapes, t.samples);
    println!(
        "{kind:<20} {model:<36} samples {:>11}  escapes {:>9}  rate {:.5} %  (95 % CI {:.5} … {:.5} %)",
        t.samples,
        t.escapes,
        100.0 * t.escapes as f64 / t.samples as f64,
        100.0 * lo,
        100.0 * hi
    );
    if t.group_checks_pass != t.samples {
        let (lo, hi) = wilson(t.escapes, t.group_checks_pass);
        println!(
            "{kind:<20} {:<36} samples {:>11}  escapes {:>9}  rate {:.4} %  (95 % CI {:.4} … {:.4} %)",
            format!("  of those passing the group checks"),
            t.group_checks_pass,
            t.escapes,
            100.0 * t.escapes as f64 / t.group_checks_pass.max(1) as f64,
            100.0 * lo,
            100.0 * hi
        );
    }
}

fn main() {
    let samples: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = SplitMix64(0x0FF1_1E5E_7000_0001);
    for (kind, layout) in [
        ("identification code", IDENTIFICATION_CODE_LAYOUT),
        ("reset code", RESET_CODE_LAYOUT),
    ] {
        let t = two_substitutions_passing_group_checks(&mut rng, layout, samples);
        report(kind, "2 substitutions | group checks pass", &t);
        let t = two_substitutions(&mut rng, layout, samples);
        report(kind, "2 substitutions", &t);
        let t = substitution_and_swap(&mut rng, layout, samples);
        report(kind, "substitution + adjacent swap", &t);
    }
}
