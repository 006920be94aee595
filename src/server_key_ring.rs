//! The reset server's keys: one P-256 key pair per key generation ("epoch"), rotation, the
//! retired-key grace period, and sealing reset codes from identification codes. The server keeps
//! no per-machine state: everything about a machine arrives in its identification code.
//! See `docs/PROTOCOL.md` §§4, 7, 9.

use core::fmt;

use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::account::{check_password, Account};
use crate::code_text::MAX_EPOCH;
use crate::deployment_package::DeploymentPackage;
use crate::envelope::{self, Kind, Reader, WrappingKey};
use crate::error::{Error, Result};
use crate::identification_code::IdentificationCode;
use crate::key_schedule;
use crate::policy::Policy;
use crate::primitives::{OsRng, PublicPoint, SecretScalar, COMPRESSED_POINT_LEN, SCALAR_LEN};
use crate::reset_code::ResetCode;

/// Most generations a key ring holds (the current one and retired ones still in their grace
/// period); older retired ones are dropped first.
pub const MAX_GENERATIONS: usize = 16;

#[derive(Clone)]
struct Generation {
    epoch: u16,
    secret: SecretScalar,
    public: [u8; COMPRESSED_POINT_LEN],
    /// `None` for the current generation.
    retired_at: Option<i64>,
}

/// The server key ring. `Send + Sync`: sealing takes `&self`; rotating needs `&mut self`.
#[derive(Clone)]
pub struct ServerKeyRing {
    policy: Policy,
    retired_grace_seconds: u32,
    /// Ascending by epoch; the last one is current.
    generations: Vec<Generation>,
}

impl ServerKeyRing {
    /// A new key ring at epoch 1 with a fresh key pair from `rng`. Retired generations are
    /// dropped at rotation until [`ServerKeyRing::set_retired_grace_seconds`] says otherwise.
    pub fn generate<R: TryCryptoRng + ?Sized>(policy: Policy, rng: &mut R) -> Result<Self> {
        let secret = SecretScalar::generate(rng)?;
        Ok(Self::from_secret(policy, 1, secret))
    }

    /// [`ServerKeyRing::generate`] with the operating system's random number generator.
    pub fn generate_with_os_rng(policy: Policy) -> Result<Self> {
        Self::generate(policy, &mut OsRng)
    }

    /// A key ring whose current generation has a given secret (test vectors fix it).
    #[doc(hidden)]
    pub fn from_secret(policy: Policy, epoch: u16, secret: SecretScalar) -> Self {
        ServerKeyRing {
            policy,
            retired_grace_seconds: 0,
            generations: vec![Generation {
                epoch,
                public: secret.public_compressed(),
                secret,
                retired_at: None,
            }],
        }
    }

    /// Makes a new generation current, retiring the previous one at `now` (unix seconds).
    /// Returns the new epoch. Codes for retired generations are refused with
    /// [`Error::KeyRotated`] once their grace period is over (immediately by default).
    pub fn rotate<R: TryCryptoRng + ?Sized>(&mut self, now: i64, rng: &mut R) -> Result<u16> {
        let secret = SecretScalar::generate(rng)?;
        self.rotate_to_secret(now, secret)
    }

    /// [`ServerKeyRing::rotate`] with the operating system's random number generator.
    pub fn rotate_with_os_rng(&mut self, now: i64) -> Result<u16> {
        self.rotate(now, &mut OsRng)
    }

    #[doc(hidden)]
    pub fn rotate_to_secret(&mut self, now: i64, secret: SecretScalar) -> Result<u16> {
        let current = self.current_epoch();
        if current >= MAX_EPOCH {
            return Err(Error::EpochsExhausted);
        }
        let epoch = current + 1;
        if let Some(last) = self.generations.last_mut() {
            last.retired_at = Some(now);
        }
        self.generations.push(Generation {
            epoch,
            public: secret.public_compressed(),
            secret,
            retired_at: None,
        });
        self.drop_expired(now);
        Ok(epoch)
    }

    /// Drops retired generations whose grace period has ended, and the oldest beyond
    /// [`MAX_GENERATIONS`].
    fn drop_expired(&mut self, now: i64) {
        let grace = i64::from(self.retired_grace_seconds);
        self.generations
            .retain(|g| g.retired_at.is_none_or(|at| now < at.saturating_add(grace)));
        let excess = self.generations.len().saturating_sub(MAX_GENERATIONS);
        self.generations.drain(..excess);
    }

    /// How long a retired generation still seals codes after rotation (0: not at all).
    pub fn retired_grace_seconds(&self) -> u32 {
        self.retired_grace_seconds
    }

    /// Sets the retired-generation grace period; applies to generations already retired too.
    pub fn set_retired_grace_seconds(&mut self, seconds: u32) {
        self.retired_grace_seconds = seconds;
    }

    /// The current epoch.
    pub fn current_epoch(&self) -> u16 {
        self.generations.last().map_or(0, |g| g.epoch)
    }

    /// The policy deployed to machines and used for reset-code lifetimes.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Changes the policy. Machines learn it only from a new deployment package.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    /// The epochs the ring holds, oldest first (the last is current).
    pub fn epochs(&self) -> Vec<u16> {
        self.generations.iter().map(|g| g.epoch).collect()
    }

    fn current(&self) -> Result<&Generation> {
        self.generations.last().ok_or(Error::MalformedInput)
    }

    /// The deployment package for the current generation.
    pub fn deployment_package(&self) -> Result<DeploymentPackage> {
        let current = self.current()?;
        let public = PublicPoint::from_compressed(&current.public)?;
        Ok(DeploymentPackage::new(current.epoch, public, self.policy))
    }

    /// Seals a reset code for the machine named by `identification_code`, for `account` and
    /// `new_password`, issued at `now` (unix seconds) with the policy's lifetime. Allocates
    /// nothing.
    ///
    /// # Errors
    /// [`Error::InvalidPassword`]; [`Error::KeyRotated`] when the code's epoch is not held or its
    /// grace period is over; [`Error::InvalidKeyMaterial`] when the code's machine key is not a
    /// point on the curve; [`Error::TimeOutOfRange`] for a time before 2025 or after 2152.
    pub fn seal_reset_code(
        &self,
        identification_code: &IdentificationCode,
        account: &Account,
        new_password: &str,
        now: i64,
    ) -> Result<ResetCode> {
        check_password(new_password)?;
        let epoch = identification_code.epoch();
        let grace = i64::from(self.retired_grace_seconds);
        let generation = self
            .generations
            .iter()
            .find(|g| g.epoch == epoch)
            .filter(|g| g.retired_at.is_none_or(|at| now < at.saturating_add(grace)))
            .ok_or(Error::KeyRotated {
                code_epoch: epoch,
                current_epoch: self.current_epoch(),
            })?;
        let machine_public_x = identification_code.machine_public_x();
        let machine_public = PublicPoint::from_x(machine_public_x)?;
        let key = key_schedule::machine_key(
            &generation.secret,
            &machine_public,
            epoch,
            &generation.public,
            machine_public_x,
        )?;
        ResetCode::seal(
            &key,
            epoch,
            machine_public_x,
            account,
            new_password,
            now,
            self.policy.reset_code_lifetime_minutes(),
        )
    }

    /// The key ring as bytes, plain or wrapped under `wrapping`. Plain exports hold the secret
    /// keys in the clear: store them only where the platform protects them.
    pub fn export(&self, wrapping: Option<&WrappingKey>) -> Result<Vec<u8>> {
        let mut body = Zeroizing::new(Vec::with_capacity(
            10 + self.generations.len() * GENERATION_LEN,
        ));
        body.extend_from_slice(&self.policy.to_bytes());
        body.extend_from_slice(&self.retired_grace_seconds.to_be_bytes());
        body.extend_from_slice(&(self.generations.len() as u16).to_be_bytes());
        for g in &self.generations {
            body.extend_from_slice(&g.epoch.to_be_bytes());
            body.push(u8::from(g.retired_at.is_some()));
            body.extend_from_slice(&g.retired_at.unwrap_or(0).to_be_bytes());
            body.extend_from_slice(g.secret.to_bytes().as_ref());
        }
        envelope::seal(Kind::ServerKeyRing, &body, wrapping)
    }

    /// Reads a key ring written by [`ServerKeyRing::export`]. Epochs must ascend, exactly the
    /// last generation must be current, and every secret must be a valid P-256 scalar.
    ///
    /// # Errors
    /// As [`Machine::import`](crate::Machine::import).
    pub fn import(bytes: &[u8], wrapping: Option<&WrappingKey>) -> Result<Self> {
        let body = envelope::open(Kind::ServerKeyRing, bytes, wrapping)?;
        let mut reader = Reader(&body);
        let policy = Policy::from_bytes(reader.take(4)?)?;
        let retired_grace_seconds = reader.u32()?;
        let count = usize::from(reader.u16()?);
        if count == 0 || count > MAX_GENERATIONS {
            return Err(Error::MalformedInput);
        }
        let mut generations = Vec::with_capacity(count);
        for index in 0..count {
            // Each field is checked as it is read, in order (docs/PROTOCOL.md §9.4).
            let epoch = reader.u16()?;
            let ascending = generations
                .last()
                .is_none_or(|g: &Generation| g.epoch < epoch);
            if epoch == 0 || epoch > MAX_EPOCH || !ascending {
                return Err(Error::MalformedInput);
            }
            let is_last = index + 1 == count;
            if reader.u8()? != u8::from(!is_last) {
                return Err(Error::MalformedInput);
            }
            let retired_at = reader.i64()?;
            let retired_at = (!is_last).then_some(retired_at);
            let secret_bytes = Zeroizing::new(reader.array::<SCALAR_LEN>()?);
            let secret = SecretScalar::from_bytes(&secret_bytes)?;
            generations.push(Generation {
                epoch,
                public: secret.public_compressed(),
                secret,
                retired_at,
            });
        }
        reader.finish()?;
        Ok(ServerKeyRing {
            policy,
            retired_grace_seconds,
            generations,
        })
    }
}

const GENERATION_LEN: usize = 2 + 1 + 8 + SCALAR_LEN;

impl fmt::Debug for ServerKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerKeyRing")
            .field("epochs", &self.epochs())
            .field("policy", &self.policy)
            .field("retired_grace_seconds", &self.retired_grace_seconds)
            .field("secrets", &"<redacted>")
            .finish()
    }
}
