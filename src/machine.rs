//! The machine side: enrollment from a deployment package, the identification code, and opening
//! reset codes offline. See `docs/PROTOCOL.md` §§4, 7, 9.

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
use crate::policy::{Policy, POLICY_LEN};
use crate::primitives::{
    OsRng, PublicPoint, SecretScalar, SivKey, COMPRESSED_POINT_LEN, SCALAR_LEN, SIV_KEY_LEN,
};
use crate::reset_code::{AcceptedReset, ResetCode, TIME_ORIGIN_UNIX};

/// One enrolled machine. It keeps the derived machine key, not its ECDH secret: the secret is
/// used once at enrollment and wiped, since the key is all that opening needs.
///
/// `Machine` is `Send + Sync`; opening takes `&self`, so one machine may serve many threads.
#[derive(Clone)]
pub struct Machine {
    epoch: u16,
    server_public: [u8; COMPRESSED_POINT_LEN],
    policy: Policy,
    /// The deployment signing key pinned at first enrollment (or moved by a signed rotation):
    /// later packages must be signed by it (docs/PROTOCOL.md §8).
    pinned_signer: [u8; COMPRESSED_POINT_LEN],
    machine_public_x: [u8; SCALAR_LEN],
    /// Boxed so that moving or cloning a `Machine` never copies the key through the stack.
    machine_key: Box<SivKey>,
}

impl Machine {
    /// First enrollment (trust on first use, docs/PROTOCOL.md §8): a fresh key pair from `rng`,
    /// and the package's next signer pinned. Use it only for a machine with no state: a machine
    /// already enrolled takes later packages with [`Machine::redeploy`], which checks them.
    pub fn enroll<R: TryCryptoRng + ?Sized>(
        package: &DeploymentPackage,
        rng: &mut R,
    ) -> Result<Self> {
        let secret = SecretScalar::generate(rng)?;
        Self::enroll_with_secret(package, &secret)
    }

    /// [`Machine::enroll`] with the operating system's random number generator.
    pub fn enroll_with_os_rng(package: &DeploymentPackage) -> Result<Self> {
        Self::enroll(package, &mut OsRng)
    }

    /// Enrollment with a given machine secret (test vectors fix it).
    #[doc(hidden)]
    pub fn enroll_with_secret(package: &DeploymentPackage, secret: &SecretScalar) -> Result<Self> {
        let server_public = package.server_public_key();
        let machine_public_x = secret.public_x();
        let machine_key = key_schedule::machine_key(
            secret,
            package.server_point(),
            package.epoch(),
            &server_public,
            &machine_public_x,
        )?;
        Ok(Machine {
            epoch: package.epoch(),
            server_public,
            policy: package.policy(),
            pinned_signer: package.next_signer(),
            machine_public_x,
            machine_key,
        })
    }

    /// Takes a later deployment package (docs/PROTOCOL.md §8): it must be signed by the pinned
    /// signing key ([`Error::PackageSignatureInvalid`]) and its epoch must not be older
    /// ([`Error::PackageEpochTooOld`]). A package of the same epoch (a repeated deployment, a
    /// policy change, a signing-key rotation) keeps this machine's key and identification code
    /// and takes the package's policy and next signer; it must carry the same server key and
    /// password cost ([`Error::PackageEpochTooOld`] otherwise). A newer epoch enrolls a fresh key
    /// pair from `rng` (a new identification code; start a new replay ledger).
    pub fn redeploy<R: TryCryptoRng + ?Sized>(
        &self,
        package: &DeploymentPackage,
        rng: &mut R,
    ) -> Result<Self> {
        self.check_redeployment(package)?;
        if package.epoch() == self.epoch {
            return Ok(self.with_package_of_same_epoch(package));
        }
        let secret = SecretScalar::generate(rng)?;
        Self::enroll_with_secret(package, &secret)
    }

    /// [`Machine::redeploy`] with the operating system's random number generator.
    pub fn redeploy_with_os_rng(&self, package: &DeploymentPackage) -> Result<Self> {
        self.redeploy(package, &mut OsRng)
    }

    /// Redeployment with a given machine secret for a newer epoch (test vectors fix it).
    #[doc(hidden)]
    pub fn redeploy_with_secret(
        &self,
        package: &DeploymentPackage,
        secret: &SecretScalar,
    ) -> Result<Self> {
        self.check_redeployment(package)?;
        if package.epoch() == self.epoch {
            return Ok(self.with_package_of_same_epoch(package));
        }
        Self::enroll_with_secret(package, secret)
    }

    fn check_redeployment(&self, package: &DeploymentPackage) -> Result<()> {
        // A package that would change nothing is taken whoever signed it: the rotation package
        // redeployed again after it moved the pin (signed by the old key, naming the pinned one).
        if self.is_enrolled_with(package) {
            return Ok(());
        }
        if package.signer() != self.pinned_signer {
            return Err(Error::PackageSignatureInvalid);
        }
        if package.epoch() < self.epoch {
            return Err(Error::PackageEpochTooOld);
        }
        if package.epoch() == self.epoch
            && (package.server_public_key() != self.server_public
                || package.policy().password_cost() != self.policy.password_cost())
        {
            return Err(Error::PackageEpochTooOld);
        }
        Ok(())
    }

    fn with_package_of_same_epoch(&self, package: &DeploymentPackage) -> Self {
        let mut machine = self.clone();
        machine.policy = package.policy();
        machine.pinned_signer = package.next_signer();
        machine
    }

    /// The deployment signing key this machine accepts packages from, SEC1 compressed.
    pub fn pinned_signer(&self) -> [u8; COMPRESSED_POINT_LEN] {
        self.pinned_signer
    }

    /// The code to show on the login screen. Stable for this enrollment.
    pub fn identification_code(&self) -> IdentificationCode {
        IdentificationCode::new(self.epoch, &self.machine_public_x)
    }

    /// The key generation this machine is enrolled for.
    pub fn epoch(&self) -> u16 {
        self.epoch
    }

    /// The policy from the deployment package.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// True when redeploying `package` would change nothing (same epoch, server key and policy,
    /// and its next signer is the pinned key), so the integration can skip it. It says nothing
    /// about whether a package is genuine: [`Machine::redeploy`] decides that.
    pub fn is_enrolled_with(&self, package: &DeploymentPackage) -> bool {
        self.epoch == package.epoch()
            && self.server_public == package.server_public_key()
            && self.policy == package.policy()
            && self.pinned_signer == package.next_signer()
    }

    /// **For diagnostics and tests only.** Checks a reset code offline for this account and
    /// new password at time `now` (unix seconds) without the replay ledger: it counts no failed
    /// attempt, refuses no replay and no clock set back. The login integration MUST use
    /// [`Machine::redeem_reset_code`](crate::Machine::redeem_reset_code) instead, and update
    /// cached credentials only after a redeem succeeded (docs/PROTOCOL.md §12.3).
    ///
    /// Checks run in this order: the password's limits; the code's epoch
    /// ([`Error::CodeBeforeRotation`] for an older one: request a new code;
    /// [`Error::RedeployNeeded`] for a newer one: redeploy); the password binding (one Argon2id
    /// run at the deployed cost); authentication ([`Error::Rejected`], which does not say
    /// whether the machine, username, domain or password is wrong); then time
    /// ([`Error::NotYetValid`], [`Error::Expired`]). The lifetime used is the smaller of the
    /// code's and the policy's.
    pub fn open_reset_code_for_diagnostics(
        &self,
        code: &ResetCode,
        account: &Account,
        new_password: &str,
        now: i64,
    ) -> Result<AcceptedReset> {
        self.check_before_opening(code, new_password)?;
        self.open_checked(code, account, new_password, now)
    }

    /// §7.2 steps 1 and 2: the password's limits, then the code's epoch.
    pub(crate) fn check_before_opening(&self, code: &ResetCode, new_password: &str) -> Result<()> {
        check_password(new_password)?;
        let code_epoch = code.epoch();
        if code_epoch < self.epoch {
            return Err(Error::CodeBeforeRotation {
                code_epoch,
                machine_epoch: self.epoch,
            });
        }
        if code_epoch > self.epoch {
            return Err(Error::RedeployNeeded {
                code_epoch,
                machine_epoch: self.epoch,
            });
        }
        Ok(())
    }

    /// §7.2 steps 3 to 6, after [`Machine::check_before_opening`].
    pub(crate) fn open_checked(
        &self,
        code: &ResetCode,
        account: &Account,
        new_password: &str,
        now: i64,
    ) -> Result<AcceptedReset> {
        let binding = key_schedule::password_binding(
            self.policy.password_cost(),
            self.epoch,
            &self.machine_public_x,
            account,
            new_password.as_bytes(),
        )?;
        let (issue_minute, code_lifetime) =
            code.open(&self.machine_key, &self.machine_public_x, account, &binding)?;
        let lifetime = code_lifetime.min(self.policy.reset_code_lifetime_minutes());
        let skew = i64::from(self.policy.clock_skew_minutes()) * 60;
        let issued_at = TIME_ORIGIN_UNIX + issue_minute * 60;
        let expires_at = issued_at + i64::from(lifetime) * 60;
        if now < issued_at.saturating_sub(skew) {
            return Err(Error::NotYetValid);
        }
        if now >= expires_at.saturating_add(skew) {
            return Err(Error::Expired);
        }
        Ok(AcceptedReset::new(
            issued_at,
            expires_at,
            code.code_id(),
            crate::replay_ledger::account_fingerprint(account),
        ))
    }

    pub(crate) fn machine_public_x(&self) -> &[u8; SCALAR_LEN] {
        &self.machine_public_x
    }

    /// The machine state as bytes, plain or wrapped under `wrapping`, in a buffer that is wiped
    /// when dropped (a plain state holds the machine key).
    pub fn export(&self, wrapping: Option<&WrappingKey>) -> Result<Zeroizing<Vec<u8>>> {
        let mut body = Zeroizing::new([0u8; MACHINE_BODY_LEN]);
        let mut at = 0;
        for part in [
            &self.epoch.to_be_bytes()[..],
            &self.server_public,
            &self.policy.to_bytes(),
            &self.pinned_signer,
            &self.machine_public_x,
            self.machine_key.as_bytes(),
        ] {
            body[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        envelope::seal(Kind::MachineState, body.as_ref(), wrapping).map(Zeroizing::new)
    }

    /// Reads a machine state written by [`Machine::export`].
    ///
    /// # Errors
    /// [`Error::Truncated`], [`Error::Corrupted`], [`Error::WrongKind`],
    /// [`Error::WrappingMismatch`], [`Error::WrongWrappingKey`], [`Error::UnsupportedVersion`],
    /// [`Error::MalformedInput`], [`Error::InvalidKeyMaterial`], [`Error::InvalidPolicy`].
    pub fn import(bytes: &[u8], wrapping: Option<&WrappingKey>) -> Result<Self> {
        let body = envelope::open(Kind::MachineState, bytes, wrapping)?;
        let mut reader = Reader(&body);
        // Each field is checked as it is read, in order (docs/PROTOCOL.md §9.6).
        let epoch = reader.u16()?;
        if epoch == 0 || epoch > MAX_EPOCH {
            return Err(Error::MalformedInput);
        }
        let server_public: [u8; COMPRESSED_POINT_LEN] = reader.array()?;
        PublicPoint::from_compressed(&server_public)?;
        let policy = Policy::from_bytes(&reader.array()?)?;
        let pinned_signer: [u8; COMPRESSED_POINT_LEN] = reader.array()?;
        PublicPoint::from_compressed(&pinned_signer)?;
        let machine_public_x: [u8; SCALAR_LEN] = reader.array()?;
        PublicPoint::from_x(&machine_public_x)?;
        let machine_key = SivKey::boxed_from_slice(reader.take(SIV_KEY_LEN)?)?;
        reader.finish()?;
        Ok(Machine {
            epoch,
            server_public,
            policy,
            pinned_signer,
            machine_public_x,
            machine_key,
        })
    }
}

const MACHINE_BODY_LEN: usize =
    2 + COMPRESSED_POINT_LEN + POLICY_LEN + COMPRESSED_POINT_LEN + SCALAR_LEN + SIV_KEY_LEN;

impl fmt::Debug for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Machine")
            .field("epoch", &self.epoch)
            .field("identification_code", &self.identification_code().as_str())
            .field("machine_key", &"<redacted>")
            .finish()
    }
}
