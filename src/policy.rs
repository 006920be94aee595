//! The policy of one key generation: reset-code lifetime, clock tolerance and the cost of the
//! password binding (Argon2id), set on the server key ring and carried to every machine in the
//! deployment package. See `docs/PROTOCOL.md` §5 and §9.5.

use crate::error::{Error, Result};

/// Longest reset-code lifetime the code format can carry (14 bits of minutes, about 11.4 days).
pub const MAX_LIFETIME_MINUTES: u16 = (1 << 14) - 1;
/// Largest allowed clock skew: one day.
pub const MAX_CLOCK_SKEW_MINUTES: u16 = 24 * 60;

/// Largest attempt limit (failed opens per code or per account, docs/PROTOCOL.md §9.7).
pub const MAX_ATTEMPT_LIMIT: u16 = 1000;
/// Default limit of failed opens per reset code.
pub const DEFAULT_FAILED_OPENS_PER_CODE: u16 = 5;
/// Default limit of failed opens per account within one code lifetime.
pub const DEFAULT_FAILED_OPENS_PER_ACCOUNT: u16 = 20;

/// Smallest Argon2id memory the protocol accepts, in KiB (19 MiB, OWASP's floor for Argon2id).
#[cfg(not(any(fuzzing, miri)))]
pub const MIN_PASSWORD_MEMORY_KIB: u32 = 19 * 1024;
/// Fuzz and Miri builds only (`cfg(fuzzing)`, `cfg(miri)`: set by cargo-fuzz and by the Miri
/// interpreter, never by a release build): a tiny floor so fuzzers run thousands of seals a
/// second and Miri interprets one in seconds. The wire is unchanged.
#[cfg(any(fuzzing, miri))]
pub const MIN_PASSWORD_MEMORY_KIB: u32 = 8;
/// Largest Argon2id memory accepted, in KiB (1 GiB): bounds what a package can make a machine do.
pub const MAX_PASSWORD_MEMORY_KIB: u32 = 1024 * 1024;
/// Fewest Argon2id passes accepted.
#[cfg(not(any(fuzzing, miri)))]
pub const MIN_PASSWORD_ITERATIONS: u32 = 2;
/// Fuzz and Miri builds only (`cfg(fuzzing)`, `cfg(miri)`).
#[cfg(any(fuzzing, miri))]
pub const MIN_PASSWORD_ITERATIONS: u32 = 1;
/// Most Argon2id passes accepted.
pub const MAX_PASSWORD_ITERATIONS: u32 = 64;
/// Most Argon2id lanes accepted.
pub const MAX_PASSWORD_PARALLELISM: u32 = 16;

/// Default Argon2id memory: 64 MiB.
pub const DEFAULT_PASSWORD_MEMORY_KIB: u32 = 64 * 1024;
/// Default Argon2id passes.
pub const DEFAULT_PASSWORD_ITERATIONS: u32 = 3;
/// Default Argon2id lanes.
pub const DEFAULT_PASSWORD_PARALLELISM: u32 = 1;

/// The Argon2id cost (RFC 9106) of binding the new password into a reset code: what every guess
/// of the password costs someone who holds a machine key and a reset code. Fixed per key
/// generation: changing it means rotating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordCost {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

impl PasswordCost {
    /// # Errors
    /// [`Error::InvalidPolicy`] unless `19456 <= memory_kib <= 1048576` (19 MiB to 1 GiB),
    /// `2 <= iterations <= 64` and `1 <= parallelism <= 16`.
    pub const fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self> {
        if memory_kib < MIN_PASSWORD_MEMORY_KIB
            || memory_kib > MAX_PASSWORD_MEMORY_KIB
            || iterations < MIN_PASSWORD_ITERATIONS
            || iterations > MAX_PASSWORD_ITERATIONS
            || parallelism == 0
            || parallelism > MAX_PASSWORD_PARALLELISM
            // Argon2 needs 8 KiB per lane; only reachable with the fuzz-build floor.
            || memory_kib < 8 * parallelism
        {
            return Err(Error::InvalidPolicy);
        }
        Ok(PasswordCost {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// The smallest cost accepted (19 MiB, 2 passes, 1 lane): for tests and slow machines.
    pub const fn minimum() -> Self {
        PasswordCost {
            memory_kib: MIN_PASSWORD_MEMORY_KIB,
            iterations: MIN_PASSWORD_ITERATIONS,
            parallelism: 1,
        }
    }

    /// Argon2id memory, KiB.
    pub const fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    /// Argon2id passes.
    pub const fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Argon2id lanes.
    pub const fn parallelism(&self) -> u32 {
        self.parallelism
    }

    pub(crate) fn to_bytes(self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[..4].copy_from_slice(&self.memory_kib.to_be_bytes());
        out[4..8].copy_from_slice(&self.iterations.to_be_bytes());
        out[8..].copy_from_slice(&self.parallelism.to_be_bytes());
        out
    }

    /// Reads the 12-byte form; callers pass exactly 12 bytes.
    pub(crate) fn from_bytes(bytes: &[u8; 12]) -> Result<Self> {
        let word =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        PasswordCost::new(word(0), word(4), word(8))
    }
}

impl Default for PasswordCost {
    /// 64 MiB, 3 passes, 1 lane (about 130 ms on the project's 2-core reference machine).
    fn default() -> Self {
        #[cfg(any(fuzzing, miri))]
        {
            PasswordCost::minimum()
        }
        #[cfg(not(any(fuzzing, miri)))]
        {
            PasswordCost {
                memory_kib: DEFAULT_PASSWORD_MEMORY_KIB,
                iterations: DEFAULT_PASSWORD_ITERATIONS,
                parallelism: DEFAULT_PASSWORD_PARALLELISM,
            }
        }
    }
}

/// How long reset codes live, how far apart the server's and the machine's clocks may be, and
/// what the password binding costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    reset_code_lifetime_minutes: u16,
    clock_skew_minutes: u16,
    failed_opens_per_code: u16,
    failed_opens_per_account: u16,
    password_cost: PasswordCost,
}

/// Length of a policy on the wire (docs/PROTOCOL.md §9.5).
pub(crate) const POLICY_LEN: usize = 20;

impl Policy {
    /// A policy with the default password cost ([`PasswordCost::default`]) and the default
    /// attempt limits (5 failed opens per code, 20 per account per lifetime).
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] unless `1 <= lifetime <= 16383` and `skew <= 1440`.
    pub fn new(reset_code_lifetime_minutes: u16, clock_skew_minutes: u16) -> Result<Self> {
        if reset_code_lifetime_minutes == 0
            || reset_code_lifetime_minutes > MAX_LIFETIME_MINUTES
            || clock_skew_minutes > MAX_CLOCK_SKEW_MINUTES
        {
            return Err(Error::InvalidPolicy);
        }
        Ok(Policy {
            reset_code_lifetime_minutes,
            clock_skew_minutes,
            failed_opens_per_code: DEFAULT_FAILED_OPENS_PER_CODE,
            failed_opens_per_account: DEFAULT_FAILED_OPENS_PER_ACCOUNT,
            password_cost: PasswordCost::default(),
        })
    }

    /// The same policy with other attempt limits (docs/PROTOCOL.md §9.7): failed opens allowed
    /// per reset code, and per account within one code lifetime, before the machine answers
    /// [`Error::TooManyAttempts`].
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] unless both are 1 … 1000.
    pub const fn with_attempt_limits(self, per_code: u16, per_account: u16) -> Result<Self> {
        if per_code == 0
            || per_code > MAX_ATTEMPT_LIMIT
            || per_account == 0
            || per_account > MAX_ATTEMPT_LIMIT
        {
            return Err(Error::InvalidPolicy);
        }
        Ok(Policy {
            failed_opens_per_code: per_code,
            failed_opens_per_account: per_account,
            ..self
        })
    }

    /// The same policy with another password cost.
    pub const fn with_password_cost(self, password_cost: PasswordCost) -> Self {
        Policy {
            password_cost,
            ..self
        }
    }

    pub const fn reset_code_lifetime_minutes(&self) -> u16 {
        self.reset_code_lifetime_minutes
    }

    pub const fn clock_skew_minutes(&self) -> u16 {
        self.clock_skew_minutes
    }

    pub const fn password_cost(&self) -> PasswordCost {
        self.password_cost
    }

    /// Failed opens allowed per reset code (docs/PROTOCOL.md §9.7).
    pub const fn failed_opens_per_code(&self) -> u16 {
        self.failed_opens_per_code
    }

    /// Failed opens allowed per account within one code lifetime (docs/PROTOCOL.md §9.7).
    pub const fn failed_opens_per_account(&self) -> u16 {
        self.failed_opens_per_account
    }

    pub(crate) fn to_bytes(self) -> [u8; POLICY_LEN] {
        let mut out = [0u8; POLICY_LEN];
        out[..2].copy_from_slice(&self.reset_code_lifetime_minutes.to_be_bytes());
        out[2..4].copy_from_slice(&self.clock_skew_minutes.to_be_bytes());
        out[4..6].copy_from_slice(&self.failed_opens_per_code.to_be_bytes());
        out[6..8].copy_from_slice(&self.failed_opens_per_account.to_be_bytes());
        out[8..].copy_from_slice(&self.password_cost.to_bytes());
        out
    }

    /// Reads the 20-byte form (one field: lifetime, skew, the two attempt limits, then the
    /// password cost); callers pass exactly 20 bytes. Every value is read before any is checked.
    pub(crate) fn from_bytes(bytes: &[u8; POLICY_LEN]) -> Result<Self> {
        let half = |i: usize| u16::from_be_bytes([bytes[i], bytes[i + 1]]);
        let mut cost = [0u8; 12];
        cost.copy_from_slice(&bytes[8..]);
        Policy::new(half(0), half(2))?
            .with_attempt_limits(half(4), half(6))
            .and_then(|p| Ok(p.with_password_cost(PasswordCost::from_bytes(&cost)?)))
    }
}

impl Default for Policy {
    /// Reset codes live 24 hours; clocks may differ by 10 minutes; the default password cost.
    fn default() -> Self {
        Policy {
            reset_code_lifetime_minutes: 24 * 60,
            clock_skew_minutes: 10,
            failed_opens_per_code: DEFAULT_FAILED_OPENS_PER_CODE,
            failed_opens_per_account: DEFAULT_FAILED_OPENS_PER_ACCOUNT,
            password_cost: PasswordCost::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzz- and Miri-only floor is not reachable in an ordinary build: 8 KiB and one pass
    /// are refused, and the floor is the protocol's.
    #[test]
    #[cfg(not(any(fuzzing, miri)))]
    fn the_protocol_floor_holds_outside_fuzz_and_miri_builds() {
        assert_eq!(PasswordCost::new(8, 1, 1), Err(Error::InvalidPolicy));
        assert_eq!(MIN_PASSWORD_MEMORY_KIB, 19_456);
        assert_eq!(MIN_PASSWORD_ITERATIONS, 2);
        assert_eq!(PasswordCost::default().memory_kib(), 65_536);
    }

    #[test]
    #[cfg(not(any(fuzzing, miri)))]
    fn password_cost_limits() {
        assert!(PasswordCost::new(19 * 1024, 2, 1).is_ok());
        assert_eq!(
            PasswordCost::new(19 * 1024 - 1, 2, 1),
            Err(Error::InvalidPolicy)
        );
        assert_eq!(
            PasswordCost::new(19 * 1024, 1, 1),
            Err(Error::InvalidPolicy)
        );
        assert_eq!(
            PasswordCost::new(19 * 1024, 2, 0),
            Err(Error::InvalidPolicy)
        );
        assert_eq!(
            PasswordCost::new(19 * 1024, 2, 17),
            Err(Error::InvalidPolicy)
        );
        assert_eq!(
            PasswordCost::new(19 * 1024, 65, 1),
            Err(Error::InvalidPolicy)
        );
        assert_eq!(
            PasswordCost::new(1024 * 1024 + 1, 2, 1),
            Err(Error::InvalidPolicy)
        );
        assert!(PasswordCost::new(1024 * 1024, 64, 16).is_ok());
        assert_eq!(
            PasswordCost::minimum(),
            PasswordCost::new(19 * 1024, 2, 1).unwrap()
        );
        let d = PasswordCost::default();
        assert_eq!(
            (d.memory_kib(), d.iterations(), d.parallelism()),
            (65536, 3, 1)
        );
    }

    #[test]
    fn policy_round_trips_and_refuses_out_of_range() {
        let p = Policy::new(90, 5)
            .unwrap()
            .with_password_cost(PasswordCost::new(20000, 4, 2).unwrap());
        assert_eq!(Policy::from_bytes(&p.to_bytes()), Ok(p));
        let mut bad = p.to_bytes();
        bad[8..12].copy_from_slice(&1u32.to_be_bytes()); // memory 1 KiB: far below the floor
        assert_eq!(Policy::from_bytes(&bad), Err(Error::InvalidPolicy));
        let mut bad = p.to_bytes();
        bad[4..6].copy_from_slice(&0u16.to_be_bytes()); // no attempt allowed per code
        assert_eq!(Policy::from_bytes(&bad), Err(Error::InvalidPolicy));
        let mut bad = p.to_bytes();
        bad[6..8].copy_from_slice(&1001u16.to_be_bytes());
        assert_eq!(Policy::from_bytes(&bad), Err(Error::InvalidPolicy));
        assert_eq!(Policy::new(0, 0), Err(Error::InvalidPolicy));
        assert_eq!(Policy::new(1, 1441), Err(Error::InvalidPolicy));
    }
}
