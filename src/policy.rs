//! Reset-code lifetime and clock tolerance, set on the server key ring and carried to every
//! machine in the deployment package.

use crate::error::{Error, Result};

/// Longest reset-code lifetime the code format can carry (14 bits of minutes, about 11.4 days).
pub const MAX_LIFETIME_MINUTES: u16 = (1 << 14) - 1;
/// Largest allowed clock skew: one day.
pub const MAX_CLOCK_SKEW_MINUTES: u16 = 24 * 60;

/// How long reset codes live and how far apart the server's and the machine's clocks may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    reset_code_lifetime_minutes: u16,
    clock_skew_minutes: u16,
}

impl Policy {
    /// # Errors
    /// [`Error::InvalidPolicy`] unless `1 <= lifetime <= 16383` and `skew <= 1440`.
    pub const fn new(reset_code_lifetime_minutes: u16, clock_skew_minutes: u16) -> Result<Self> {
        if reset_code_lifetime_minutes == 0
            || reset_code_lifetime_minutes > MAX_LIFETIME_MINUTES
            || clock_skew_minutes > MAX_CLOCK_SKEW_MINUTES
        {
            return Err(Error::InvalidPolicy);
        }
        Ok(Policy {
            reset_code_lifetime_minutes,
            clock_skew_minutes,
        })
    }

    pub const fn reset_code_lifetime_minutes(&self) -> u16 {
        self.reset_code_lifetime_minutes
    }

    pub const fn clock_skew_minutes(&self) -> u16 {
        self.clock_skew_minutes
    }

    pub(crate) fn to_bytes(self) -> [u8; 4] {
        let l = self.reset_code_lifetime_minutes.to_be_bytes();
        let s = self.clock_skew_minutes.to_be_bytes();
        [l[0], l[1], s[0], s[1]]
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Policy::new(
            u16::from_be_bytes([bytes[0], bytes[1]]),
            u16::from_be_bytes([bytes[2], bytes[3]]),
        )
    }
}

impl Default for Policy {
    /// Reset codes live 24 hours; clocks may differ by 10 minutes.
    fn default() -> Self {
        Policy {
            reset_code_lifetime_minutes: 24 * 60,
            clock_skew_minutes: 10,
        }
    }
}
