//! The reset server's keys: one P-256 key pair per key generation ("epoch"), rotation, the
//! retired-key grace period, and sealing reset codes from identification codes. The server keeps
//! no per-machine state: everything about a machine arrives in its identification code.
//! See `docs/PROTOCOL.md` §§4, 7, 9.

use core::fmt;

use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::account::{check_password, Account};
use crate::argon2_memory::Argon2Pool;
use crate::code_text::MAX_EPOCH;
use crate::deployment_package::DeploymentPackage;
use crate::envelope::{self, Kind, Reader, WrappingKey};
use crate::error::{Error, Result};
use crate::identification_code::IdentificationCode;
use crate::key_schedule;
use crate::policy::{PasswordCost, Policy, POLICY_LEN};
use crate::primitives::{
    ecdh, ecdsa_sign, OsRng, PublicPoint, SecretScalar, COMPRESSED_POINT_LEN, SCALAR_LEN,
    SIGNATURE_LEN,
};
use crate::reset_code::ResetCode;

/// Most generations a key ring holds (the current one and retired ones still in their grace
/// period); older retired ones are dropped first.
pub const MAX_GENERATIONS: usize = 16;

#[derive(Clone)]
pub(crate) struct Generation {
    pub(crate) epoch: u16,
    pub(crate) key: PrivateKey,
    pub(crate) public: [u8; COMPRESSED_POINT_LEN],
    /// Fixed when the generation is made: machines of this epoch were deployed with it.
    pub(crate) password_cost: PasswordCost,
    /// `None` for the current generation.
    pub(crate) retired: Option<Retirement>,
}

/// Where a private key lives: in this process (boxed, so that growing or shrinking the ring
/// moves a pointer, never the secret) or in a PKCS#11 token, which does the ECDH and ECDSA
/// itself (`src/pkcs11.rs`).
#[derive(Clone)]
pub(crate) enum PrivateKey {
    Software(Box<SecretScalar>),
    #[cfg(feature = "pkcs11")]
    Token(crate::pkcs11::TokenKey),
}

impl PrivateKey {
    /// `ECDH(s, public)` (docs/PROTOCOL.md §2).
    fn shared_x(&self, public: &PublicPoint) -> Result<Zeroizing<[u8; SCALAR_LEN]>> {
        match self {
            PrivateKey::Software(secret) => ecdh(secret, public),
            #[cfg(feature = "pkcs11")]
            PrivateKey::Token(key) => key.shared_x(public),
        }
    }

    /// ECDSA over the message given in parts (docs/PROTOCOL.md §2).
    fn sign(&self, message_parts: &[&[u8]]) -> Result<[u8; SIGNATURE_LEN]> {
        match self {
            PrivateKey::Software(secret) => ecdsa_sign(secret, message_parts),
            #[cfg(feature = "pkcs11")]
            PrivateKey::Token(key) => key.sign(message_parts),
        }
    }

    /// The secret scalar, for a plain or wrapped export; a token never gives it out.
    pub(crate) fn software_secret(&self) -> Result<&SecretScalar> {
        match self {
            PrivateKey::Software(secret) => Ok(secret),
            #[cfg(feature = "pkcs11")]
            PrivateKey::Token(_) => Err(Error::KeysInToken),
        }
    }
}

/// When a generation was retired and how long after that it may still seal. The window can only
/// shrink (a lower grace period applies to it too); raising the grace period never brings a
/// retired key back.
#[derive(Clone, Copy)]
pub(crate) struct Retirement {
    pub(crate) at: i64,
    pub(crate) grace_seconds: u32,
}

impl Retirement {
    fn usable_at(&self, now: i64) -> bool {
        now < self.at.saturating_add(i64::from(self.grace_seconds))
    }
}

impl Generation {
    fn usable_at(&self, now: i64) -> bool {
        self.retired.is_none_or(|r| r.usable_at(now))
    }
}

/// The server key ring. `Send + Sync`: sealing takes `&self`; rotating needs `&mut self`.
#[derive(Clone)]
pub struct ServerKeyRing {
    pub(crate) policy: Policy,
    pub(crate) retired_grace_seconds: u32,
    /// Signs deployment packages (docs/PROTOCOL.md §8); machines pin its public key.
    pub(crate) signing: SigningKey,
    /// The signing key a rotation under way moves to: named in packages, not yet signing them.
    pub(crate) next_signing: Option<SigningKey>,
    /// Ascending by epoch; the last one is current.
    pub(crate) generations: Vec<Generation>,
    /// The token holding every private key of the ring, and the ring's record there; `None` for
    /// a ring held in this process.
    #[cfg(feature = "pkcs11")]
    pub(crate) token: Option<crate::pkcs11::TokenRing>,
    /// Argon2id memory reused by seals (`src/argon2_memory.rs`): at most one idle region per
    /// CPU, wiped when let go and when the ring is dropped; a clone gets an empty pool.
    argon2_pool: Argon2Pool,
}

impl ServerKeyRing {
    /// A new key ring at epoch 1 with a fresh key pair from `rng`, then a fresh deployment
    /// signing key pair. The first generation's password cost is the policy's. Retired
    /// generations are dropped at rotation until [`ServerKeyRing::set_retired_grace_seconds`]
    /// says otherwise.
    pub fn generate<R: TryCryptoRng + ?Sized>(policy: Policy, rng: &mut R) -> Result<Self> {
        let secret = Box::new(SecretScalar::generate(rng)?);
        let signing = Box::new(SecretScalar::generate(rng)?);
        Ok(Self::from_boxed_secrets(policy, 1, secret, signing))
    }

    /// [`ServerKeyRing::generate`] with the operating system's random number generator.
    pub fn generate_with_os_rng(policy: Policy) -> Result<Self> {
        Self::generate(policy, &mut OsRng)
    }

    /// A key ring whose current generation and signing key have given secrets (test vectors fix
    /// them).
    #[doc(hidden)]
    pub fn from_secrets(
        policy: Policy,
        epoch: u16,
        secret: SecretScalar,
        signing: SecretScalar,
    ) -> Self {
        Self::from_boxed_secrets(policy, epoch, Box::new(secret), Box::new(signing))
    }

    fn from_boxed_secrets(
        policy: Policy,
        epoch: u16,
        secret: Box<SecretScalar>,
        signing: Box<SecretScalar>,
    ) -> Self {
        let public = secret.public_compressed();
        Self::from_keys(
            policy,
            epoch,
            (PrivateKey::Software(secret), public),
            SigningKey::new(signing),
        )
    }

    /// A ring of one current generation and a signing key, wherever the keys live.
    pub(crate) fn from_keys(
        policy: Policy,
        epoch: u16,
        (key, public): (PrivateKey, [u8; COMPRESSED_POINT_LEN]),
        signing: SigningKey,
    ) -> Self {
        let mut generations = Vec::with_capacity(MAX_GENERATIONS + 1);
        generations.push(Generation {
            epoch,
            key,
            public,
            password_cost: policy.password_cost(),
            retired: None,
        });
        ServerKeyRing {
            policy,
            retired_grace_seconds: 0,
            signing,
            next_signing: None,
            generations,
            #[cfg(feature = "pkcs11")]
            token: None,
            argon2_pool: Argon2Pool::new(),
        }
    }

    /// True when the ring's private keys are held in a PKCS#11 token (feature `pkcs11`): every
    /// change is then written to the token at once, and [`ServerKeyRing::export`] refuses.
    pub fn is_held_in_token(&self) -> bool {
        #[cfg(feature = "pkcs11")]
        return self.token.is_some();
        #[cfg(not(feature = "pkcs11"))]
        false
    }

    /// Runs a change; for a ring held in a token, writes the changed ring to the token, or
    /// restores the ring as it was when either fails, and destroys the token keys the ring no
    /// longer names (a retired generation's, a new one's whose record could not be written).
    fn change<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        #[cfg(feature = "pkcs11")]
        if self.token.is_some() {
            let before = self.clone();
            let result =
                f(self).and_then(|value| crate::pkcs11::write_record(self).map(|()| value));
            if result.is_err() {
                let pool = core::mem::replace(&mut self.argon2_pool, Argon2Pool::new());
                *self = before;
                self.argon2_pool = pool;
            }
            let swept = crate::pkcs11::destroy_unnamed_keys(self);
            return result.and_then(|value| swept.map(|()| value));
        }
        f(self)
    }

    /// Begins a rotation of the deployment signing key (docs/PROTOCOL.md §9.4): draws the next
    /// signing key from `rng`. Packages made from now on are still signed with the current key
    /// and name the next one, so each machine redeployed with one pins the next key. When a
    /// rotation is already under way nothing changes (packages already handed out stay valid).
    pub fn begin_signing_key_rotation<R: TryCryptoRng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Result<()> {
        if self.next_signing.is_some() {
            return Ok(());
        }
        self.change(|ring| {
            let next = ring.new_signing_key(|| SecretScalar::generate(rng))?;
            ring.next_signing = Some(next);
            Ok(())
        })
    }

    /// A new signing key: drawn here for a ring in this process, generated in the token for a
    /// ring held in one.
    fn new_signing_key(&self, draw: impl FnOnce() -> Result<SecretScalar>) -> Result<SigningKey> {
        #[cfg(feature = "pkcs11")]
        if let Some(token) = &self.token {
            let (key, public) = token.generate_signing_key()?;
            return Ok(SigningKey { key, public });
        }
        Ok(SigningKey::new(Box::new(draw()?)))
    }

    /// A new generation key: drawn here for a ring in this process, generated in the token for
    /// a ring held in one.
    fn new_generation_key(
        &self,
        epoch: u16,
        draw: impl FnOnce() -> Result<SecretScalar>,
    ) -> Result<(PrivateKey, [u8; COMPRESSED_POINT_LEN])> {
        #[cfg(feature = "pkcs11")]
        if let Some(token) = &self.token {
            return token.generate_generation_key(epoch);
        }
        let _ = epoch;
        let secret = Box::new(draw()?);
        let public = secret.public_compressed();
        Ok((PrivateKey::Software(secret), public))
    }

    /// [`ServerKeyRing::begin_signing_key_rotation`] with the operating system's random number
    /// generator.
    pub fn begin_signing_key_rotation_with_os_rng(&mut self) -> Result<()> {
        self.begin_signing_key_rotation(&mut OsRng)
    }

    /// For a ring held in a token, the secret is imported into it.
    #[doc(hidden)]
    pub fn begin_signing_key_rotation_to_secret(&mut self, next: SecretScalar) -> Result<()> {
        if self.next_signing.is_some() {
            return Ok(());
        }
        self.change(|ring| {
            let next = ring.import_signing_key(next)?;
            ring.next_signing = Some(next);
            Ok(())
        })
    }

    fn import_signing_key(&self, secret: SecretScalar) -> Result<SigningKey> {
        #[cfg(feature = "pkcs11")]
        if let Some(token) = &self.token {
            let (key, public) = token.import_signing_key(&secret)?;
            return Ok(SigningKey { key, public });
        }
        Ok(SigningKey::new(Box::new(secret)))
    }

    /// Finishes a signing-key rotation: the next key becomes the signing key and the old one is
    /// erased. Do this only once every machine took a package made after
    /// [`begin_signing_key_rotation`](Self::begin_signing_key_rotation): a machine that did not
    /// refuses later packages ([`Error::PackageSignatureInvalid`]) and must be enrolled afresh.
    /// With no rotation under way nothing changes.
    ///
    /// # Errors
    /// Only for a ring held in a token: the token's errors (the ring is then unchanged).
    pub fn finish_signing_key_rotation(&mut self) -> Result<()> {
        if self.next_signing.is_none() {
            return Ok(());
        }
        self.change(|ring| {
            if let Some(next) = ring.next_signing.take() {
                ring.signing = next;
            }
            Ok(())
        })
    }

    /// The public key that signs this ring's deployment packages, SEC1 compressed.
    pub fn signing_public_key(&self) -> [u8; COMPRESSED_POINT_LEN] {
        self.signing.public
    }

    /// The public key a signing-key rotation under way moves to, if any.
    pub fn next_signing_public_key(&self) -> Option<[u8; COMPRESSED_POINT_LEN]> {
        self.next_signing.as_ref().map(|k| k.public)
    }

    /// Makes a new generation current, retiring the previous one at `now` (unix seconds), and
    /// returns the new epoch. The new generation takes the policy's password cost. Codes for
    /// retired generations are refused with [`Error::KeyRotated`] once their grace period is
    /// over (immediately by default); generations past it are erased.
    pub fn rotate<R: TryCryptoRng + ?Sized>(&mut self, now: i64, rng: &mut R) -> Result<u16> {
        if self.current_epoch() >= MAX_EPOCH {
            return Err(Error::EpochsExhausted);
        }
        self.change(|ring| {
            let key =
                ring.new_generation_key(ring.current_epoch() + 1, || SecretScalar::generate(rng))?;
            ring.rotate_to_key(now, key)
        })
    }

    /// [`ServerKeyRing::rotate`] with the operating system's random number generator.
    pub fn rotate_with_os_rng(&mut self, now: i64) -> Result<u16> {
        self.rotate(now, &mut OsRng)
    }

    /// For a ring held in a token, the secret is imported into it.
    #[doc(hidden)]
    pub fn rotate_to_secret(&mut self, now: i64, secret: SecretScalar) -> Result<u16> {
        if self.current_epoch() >= MAX_EPOCH {
            return Err(Error::EpochsExhausted);
        }
        self.change(|ring| {
            let epoch = ring.current_epoch() + 1;
            #[cfg(feature = "pkcs11")]
            if let Some(token) = &ring.token {
                let key = token.import_generation_key(epoch, &secret)?;
                return ring.rotate_to_key(now, key);
            }
            let _ = epoch;
            let secret = Box::new(secret);
            let public = secret.public_compressed();
            ring.rotate_to_key(now, (PrivateKey::Software(secret), public))
        })
    }

    fn rotate_to_key(
        &mut self,
        now: i64,
        (key, public): (PrivateKey, [u8; COMPRESSED_POINT_LEN]),
    ) -> Result<u16> {
        let current = self.current_epoch();
        if current >= MAX_EPOCH {
            return Err(Error::EpochsExhausted);
        }
        let epoch = current + 1;
        let grace_seconds = self.retired_grace_seconds;
        if let Some(last) = self.generations.last_mut() {
            last.retired = Some(Retirement {
                at: now,
                grace_seconds,
            });
        }
        self.generations.push(Generation {
            epoch,
            key,
            public,
            password_cost: self.policy.password_cost(),
            retired: None,
        });
        self.drop_expired(now);
        Ok(epoch)
    }

    /// Erases retired generations whose grace period has ended at `now`, and the oldest beyond
    /// [`MAX_GENERATIONS`]. Rotation does this itself; call it to erase an expired key without
    /// rotating.
    ///
    /// # Errors
    /// Only for a ring held in a token: the token's errors (the ring is then unchanged).
    pub fn prune(&mut self, now: i64) -> Result<()> {
        self.change(|ring| {
            ring.drop_expired(now);
            Ok(())
        })
    }

    fn drop_expired(&mut self, now: i64) {
        self.generations.retain(|g| g.usable_at(now));
        let excess = self.generations.len().saturating_sub(MAX_GENERATIONS);
        self.generations.drain(..excess);
    }

    /// How long a generation retired from now on still seals codes after rotation (0: not at
    /// all).
    pub fn retired_grace_seconds(&self) -> u32 {
        self.retired_grace_seconds
    }

    /// Sets the grace period for generations retired from now on. A lower value also shortens
    /// the windows of generations already retired (one whose window becomes 0 is erased at
    /// once); a higher value never lengthens them, so a retired key never comes back.
    ///
    /// # Errors
    /// Only for a ring held in a token: the token's errors (the ring is then unchanged).
    pub fn set_retired_grace_seconds(&mut self, seconds: u32) -> Result<()> {
        self.change(|ring| {
            ring.retired_grace_seconds = seconds;
            for g in &mut ring.generations {
                if let Some(r) = g.retired.as_mut() {
                    r.grace_seconds = r.grace_seconds.min(seconds);
                }
            }
            ring.generations
                .retain(|g| g.retired.is_none_or(|r| r.grace_seconds > 0));
            Ok(())
        })
    }

    /// The current epoch.
    pub fn current_epoch(&self) -> u16 {
        self.generations.last().map_or(0, |g| g.epoch)
    }

    /// The policy: lifetime and clock skew apply to sealing now and to the next deployment
    /// package; its password cost applies to generations made from now on.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Changes the policy. Machines learn the lifetime and skew only from a new deployment
    /// package; the password cost takes effect at the next rotation (each generation keeps the
    /// cost its machines were deployed with).
    ///
    /// # Errors
    /// Only for a ring held in a token: the token's errors (the ring is then unchanged).
    pub fn set_policy(&mut self, policy: Policy) -> Result<()> {
        self.change(|ring| {
            ring.policy = policy;
            Ok(())
        })
    }

    /// The password cost of the generation for `epoch`, if the ring holds it.
    pub fn password_cost(&self, epoch: u16) -> Option<PasswordCost> {
        self.generations
            .iter()
            .find(|g| g.epoch == epoch)
            .map(|g| g.password_cost)
    }

    /// The epochs the ring holds, oldest first (the last is current).
    pub fn epochs(&self) -> Vec<u16> {
        self.generations.iter().map(|g| g.epoch).collect()
    }

    fn current(&self) -> Result<&Generation> {
        self.generations.last().ok_or(Error::MalformedInput)
    }

    /// The deployment package for the current generation: its epoch, public key and password
    /// cost, with the policy's lifetime, clock skew and attempt limits, signed with the signing
    /// key (docs/PROTOCOL.md §8). During a signing-key rotation it names the next key.
    pub fn deployment_package(&self) -> Result<DeploymentPackage> {
        let current = self.current()?;
        let public = PublicPoint::from_compressed(&current.public)?;
        let next = self.next_signing.as_ref().unwrap_or(&self.signing);
        DeploymentPackage::sign(
            current.epoch,
            public,
            self.policy.with_password_cost(current.password_cost),
            &self.signing.public,
            &next.public,
            |message_parts| self.signing.key.sign(message_parts),
        )
    }

    /// How many Argon2id memory regions the ring keeps idle between seals: the number of CPUs
    /// this process could use when its first key ring was made (at least 1).
    ///
    /// Each seal takes an idle region (one of at least its generation's `memory_kib`) or, when
    /// none is idle, maps a new one: a seal never waits for memory, so concurrent seals on one
    /// ring each run in their own region. Afterwards the region goes back to the ring; when the
    /// idle regions are at this bound, the smallest of them and it is wiped and released. Peak
    /// memory is therefore one
    /// region per seal in progress; between peaks at most this many regions stay, holding the
    /// last seals' Argon2 blocks (kept out of core dumps where the OS allows, wiped when let go,
    /// by [`ServerKeyRing::release_argon2_memory`] and when the ring is dropped).
    pub fn argon2_memory_bound(&self) -> usize {
        self.argon2_pool.bound()
    }

    /// How many Argon2id memory regions are idle in the ring now.
    pub fn argon2_memory_idle(&self) -> usize {
        self.argon2_pool.idle()
    }

    /// Wipes and releases the idle Argon2id memory (after a peak, or before the process waits a
    /// long time); the next seals map new regions.
    pub fn release_argon2_memory(&self) {
        self.argon2_pool.clear();
    }

    /// Seals a reset code for the machine named by `identification_code`, for `account` and
    /// `new_password`, issued at `now` (unix seconds) with the policy's lifetime. Costs one
    /// Argon2id run at the generation's password cost, in memory the ring reuses
    /// ([`ServerKeyRing::argon2_memory_bound`]).
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
        let generation = self
            .generations
            .iter()
            .find(|g| g.epoch == epoch)
            .filter(|g| g.usable_at(now))
            .ok_or(Error::KeyRotated {
                code_epoch: epoch,
                current_epoch: self.current_epoch(),
            })?;
        let machine_public_x = identification_code.machine_public_x();
        let machine_public = PublicPoint::from_x(machine_public_x)?;
        ResetCode::check_issue_time(now)?;
        let shared_x = generation.key.shared_x(&machine_public)?;
        let key = key_schedule::derive_machine_key(
            &shared_x,
            epoch,
            &generation.public,
            machine_public_x,
        )?;
        let binding = key_schedule::password_binding_pooled(
            &self.argon2_pool,
            generation.password_cost,
            epoch,
            machine_public_x,
            account,
            new_password.as_bytes(),
        )?;
        ResetCode::seal(
            &key,
            epoch,
            machine_public_x,
            account,
            &binding,
            now,
            self.policy.reset_code_lifetime_minutes(),
        )
    }

    /// The key ring as bytes, plain or wrapped under `wrapping`, in a buffer that is wiped when
    /// dropped. Plain exports hold the secret keys in the clear: store them only where the
    /// platform protects them.
    ///
    /// # Errors
    /// [`Error::KeysInToken`] for a ring held in a PKCS#11 token: its keys never leave it (back
    /// up the token instead).
    pub fn export(&self, wrapping: Option<&WrappingKey>) -> Result<Zeroizing<Vec<u8>>> {
        let mut body = Zeroizing::new(Vec::with_capacity(
            HEADER_LEN + self.generations.len() * GENERATION_LEN,
        ));
        body.extend_from_slice(&self.policy.to_bytes());
        body.extend_from_slice(&self.retired_grace_seconds.to_be_bytes());
        body.extend_from_slice(self.signing.key.software_secret()?.to_bytes().as_ref());
        match &self.next_signing {
            Some(next) => body.extend_from_slice(next.key.software_secret()?.to_bytes().as_ref()),
            None => body.extend_from_slice(&[0u8; SCALAR_LEN]),
        }
        body.extend_from_slice(&(self.generations.len() as u16).to_be_bytes());
        for g in &self.generations {
            write_generation_fields(&mut body, g);
            body.extend_from_slice(g.key.software_secret()?.to_bytes().as_ref());
        }
        envelope::seal(Kind::ServerKeyRing, &body, wrapping).map(Zeroizing::new)
    }

    /// Reads a key ring written by [`ServerKeyRing::export`]. Epochs must ascend, exactly the
    /// last generation must be current, every retired one must have a grace window, and every
    /// secret must be a valid P-256 scalar.
    ///
    /// # Errors
    /// As [`Machine::import`](crate::Machine::import).
    pub fn import(bytes: &[u8], wrapping: Option<&WrappingKey>) -> Result<Self> {
        let body = envelope::open(Kind::ServerKeyRing, bytes, wrapping)?;
        let mut reader = Reader(&body);
        let policy = Policy::from_bytes(&reader.array()?)?;
        let retired_grace_seconds = reader.u32()?;
        let signing_bytes = Zeroizing::new(reader.array::<SCALAR_LEN>()?);
        let signing = Box::new(SecretScalar::from_bytes(&signing_bytes)?);
        let next_bytes = Zeroizing::new(reader.array::<SCALAR_LEN>()?);
        // All zero: no rotation under way (zero is never a valid scalar). Compared in constant
        // time: only the answer, which packages make public (they name the next signer), is
        // branched on.
        let no_rotation: bool = next_bytes.ct_eq(&[0u8; SCALAR_LEN]).into();
        let next_signing = if no_rotation {
            None
        } else {
            Some(SigningKey::new(Box::new(SecretScalar::from_bytes(
                &next_bytes,
            )?)))
        };
        let count = usize::from(reader.u16()?);
        if count == 0 || count > MAX_GENERATIONS {
            return Err(Error::MalformedInput);
        }
        let mut generations: Vec<Generation> = Vec::with_capacity(MAX_GENERATIONS + 1);
        for index in 0..count {
            let previous = generations.last().map(|g| g.epoch);
            let (epoch, retired, password_cost) =
                read_generation_fields(&mut reader, index + 1 == count, previous)?;
            // Read straight into the box: no copy of the scalar bytes outlives this call.
            let secret_bytes = Zeroizing::new(reader.array::<SCALAR_LEN>()?);
            let secret = Box::new(SecretScalar::from_bytes(&secret_bytes)?);
            generations.push(Generation {
                epoch,
                public: secret.public_compressed(),
                key: PrivateKey::Software(secret),
                password_cost,
                retired,
            });
        }
        reader.finish()?;
        Ok(ServerKeyRing {
            policy,
            retired_grace_seconds,
            signing: SigningKey::new(signing),
            next_signing,
            generations,
            #[cfg(feature = "pkcs11")]
            token: None,
            argon2_pool: Argon2Pool::new(),
        })
    }
}

/// A deployment signing key and its public key, computed once (every package names it).
#[derive(Clone)]
pub(crate) struct SigningKey {
    pub(crate) key: PrivateKey,
    pub(crate) public: [u8; COMPRESSED_POINT_LEN],
}

impl SigningKey {
    pub(crate) fn new(secret: Box<SecretScalar>) -> Self {
        let public = secret.public_compressed();
        SigningKey {
            key: PrivateKey::Software(secret),
            public,
        }
    }
}

/// Policy, grace period, signing secrets and count.
const HEADER_LEN: usize = POLICY_LEN + 4 + 2 * SCALAR_LEN + 2;
/// Epoch, retired flag, retired at, grace window, password cost, secret.
const GENERATION_LEN: usize = 2 + 1 + 8 + 4 + 12 + SCALAR_LEN;

impl fmt::Debug for ServerKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerKeyRing")
            .field("epochs", &self.epochs())
            .field("policy", &self.policy)
            .field("retired_grace_seconds", &self.retired_grace_seconds)
            .field("secrets", &"<redacted>")
            .field("held_in_token", &self.is_held_in_token())
            .finish()
    }
}

/// A generation's fields before its key (docs/PROTOCOL.md §9.4; the token ring record of §9.8
/// has the same): epoch, retired flag, retired at, grace window, password cost.
pub(crate) fn write_generation_fields(body: &mut Vec<u8>, g: &Generation) {
    body.extend_from_slice(&g.epoch.to_be_bytes());
    body.push(u8::from(g.retired.is_some()));
    let retired = g.retired.unwrap_or(Retirement {
        at: 0,
        grace_seconds: 0,
    });
    body.extend_from_slice(&retired.at.to_be_bytes());
    body.extend_from_slice(&retired.grace_seconds.to_be_bytes());
    body.extend_from_slice(&g.password_cost.to_bytes());
}

/// Reads what [`write_generation_fields`] writes, checking each field as it is read, in order
/// (docs/PROTOCOL.md §9.4): epochs ascend after `previous`, only the last generation
/// (`is_current`) is current, every retired one has a grace window.
pub(crate) fn read_generation_fields(
    reader: &mut Reader<'_>,
    is_current: bool,
    previous: Option<u16>,
) -> Result<(u16, Option<Retirement>, PasswordCost)> {
    let epoch = reader.u16()?;
    let ascending = previous.is_none_or(|p| p < epoch);
    if epoch == 0 || epoch > MAX_EPOCH || !ascending {
        return Err(Error::MalformedInput);
    }
    if reader.u8()? != u8::from(!is_current) {
        return Err(Error::MalformedInput);
    }
    let at = reader.i64()?;
    let grace_seconds = reader.u32()?;
    let retired = if is_current {
        if at != 0 || grace_seconds != 0 {
            return Err(Error::MalformedInput);
        }
        None
    } else {
        if grace_seconds == 0 {
            return Err(Error::MalformedInput);
        }
        Some(Retirement { at, grace_seconds })
    };
    let password_cost = PasswordCost::from_bytes(&reader.array()?)?;
    Ok((epoch, retired, password_cost))
}
