//! The server key ring held in a PKCS#11 token (cargo feature `pkcs11`): every private key of
//! the ring (each generation's, the deployment signing keys) is generated in the token as a
//! sensitive, non-extractable object and used there: `CKM_ECDH1_DERIVE` for the machine key,
//! `CKM_ECDSA` for deployment packages. What leaves the token is one ECDH output per seal, the
//! input of the HKDF that follows (docs/PROTOCOL.md §12.2, "Server keys in a token").
//!
//! The ring's public part (policy, epochs, retirements, password costs, public keys) is a token
//! data object, the *token ring record* (docs/PROTOCOL.md §9.8), written anew after every change;
//! the ring is therefore opened from the token alone (module, token label, PIN, label prefix).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as TokenError, RvError};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::RawAuthPin;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::envelope::{self, Kind, Reader};
use crate::error::{Error, Result};
use crate::policy::{PasswordCost, Policy};
use crate::primitives::{
    ecdsa_verify, PublicPoint, SecretScalar, COMPRESSED_POINT_LEN, SCALAR_LEN, SIGNATURE_LEN,
};
use crate::server_key_ring::{
    read_generation_fields, write_generation_fields, Generation, PrivateKey, Retirement,
    ServerKeyRing, SigningKey, MAX_GENERATIONS,
};

/// DER of the P-256 curve's object identifier 1.2.840.10045.3.1.7 (`CKA_EC_PARAMS`).
const P256_OID: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// `CKA_APPLICATION` of the token ring record.
const APPLICATION: &[u8] = b"offline-reset";
/// Longest key label prefix, in bytes (PKCS#11 labels have no limit; tools show ~64).
pub const MAX_KEY_LABEL_PREFIX_LEN: usize = 64;

/// An open, logged-in PKCS#11 token: the module, the slot holding the token, and a pool of
/// sessions that seals on many threads share. Cloning shares the same login and pool.
///
/// The PIN is used to log in and then wiped; nothing derived from it is kept (a hash of a short
/// PIN would give it back to whoever reads the process's memory). PKCS#11 logs a process in
/// once per token: while a handle on the token is open, opening it again in the same process
/// shares that login and does not check the PIN again (the process already holds the token).
#[derive(Clone)]
pub struct Pkcs11Token(Arc<Token>);

struct Token {
    module: Pkcs11,
    module_path: PathBuf,
    slot: Slot,
    /// A session open as long as the token is: PKCS#11 logs the process out when its last
    /// session closes (and so does dropping this, the last handle: no explicit logout, which
    /// would end the login for every other user of the token in this process).
    _anchor: Mutex<Session>,
    /// Sessions between uses, at most `idle_bound`; each operation takes one or opens one.
    idle: Mutex<Vec<Session>>,
    idle_bound: usize,
}

/// The modules this process loaded, each initialized once and kept loaded: PKCS#11 allows one
/// `C_Initialize` per module and process, and `C_Finalize` would end every other user's sessions.
static MODULES: Mutex<Vec<(PathBuf, Pkcs11)>> = Mutex::new(Vec::new());
/// The tokens this process is logged in to, by module and slot.
static LOGINS: Mutex<Vec<(PathBuf, Slot, Weak<Token>)>> = Mutex::new(Vec::new());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each guarded value is a list that a panic cannot leave half-changed.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Pkcs11Token {
    /// Loads the PKCS#11 module at `module_path` (for example SoftHSM2's
    /// `/usr/lib/softhsm/libsofthsm2.so`), finds the slot whose token has the label
    /// `token_label`, and logs in as the normal user with `pin` (the bytes as the token takes
    /// them; not kept).
    ///
    /// # Errors
    /// [`Error::TokenModuleNotFound`], [`Error::TokenAbsent`], [`Error::TokenWrongPin`],
    /// [`Error::TokenFailure`]. None of them carries the PIN or any token output.
    pub fn open(module_path: &Path, token_label: &str, pin: &[u8]) -> Result<Self> {
        let module = load_module(module_path)?;
        let slot = module
            .get_slots_with_token()
            .map_err(token_error)?
            .into_iter()
            .find(|&slot| {
                module
                    .get_token_info(slot)
                    .is_ok_and(|info| info.label() == token_label)
            })
            .ok_or(Error::TokenAbsent)?;
        let mut logins = lock(&LOGINS);
        logins.retain(|(_, _, token)| token.strong_count() > 0);
        let logged_in = logins
            .iter()
            .find(|(path, s, _)| path == module_path && *s == slot)
            .and_then(|(_, _, token)| token.upgrade());
        if let Some(token) = logged_in {
            return Ok(Pkcs11Token(token));
        }
        let anchor = module.open_rw_session(slot).map_err(token_error)?;
        let raw_pin = RawAuthPin::new(Box::new(pin.to_vec()));
        match anchor.login_with_raw(UserType::User, &raw_pin) {
            Ok(()) | Err(TokenError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(error) => return Err(token_error(error)),
        }
        let token = Arc::new(Token {
            module,
            module_path: module_path.to_owned(),
            slot,
            _anchor: Mutex::new(anchor),
            idle: Mutex::new(Vec::new()),
            idle_bound: std::thread::available_parallelism().map_or(1, usize::from),
        });
        logins.push((module_path.to_owned(), slot, Arc::downgrade(&token)));
        Ok(Pkcs11Token(token))
    }

    /// Runs `f` on a session of the pool (an idle one, or a new one: sessions opened after the
    /// login are logged in too), then gives the session back.
    fn with_session<T>(&self, f: impl FnOnce(&Session) -> Result<T>) -> Result<T> {
        let token = &self.0;
        let idle = lock(&token.idle).pop();
        let session = match idle {
            Some(session) => session,
            None => token
                .module
                .open_rw_session(token.slot)
                .map_err(token_error)?,
        };
        let result = f(&session);
        // A session the token failed on may be dead (token removed): let it close.
        if !matches!(result, Err(Error::TokenAbsent | Error::TokenFailure)) {
            let mut idle = lock(&token.idle);
            if idle.len() < token.idle_bound {
                idle.push(session);
            }
        }
        result
    }
}

impl core::fmt::Debug for Pkcs11Token {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkcs11Token")
            .field("module", &self.0.module_path)
            .field("slot", &self.0.slot.id())
            .finish_non_exhaustive()
    }
}

fn load_module(path: &Path) -> Result<Pkcs11> {
    let mut modules = lock(&MODULES);
    if let Some((_, module)) = modules.iter().find(|(p, _)| p == path) {
        return Ok(module.clone());
    }
    let module = Pkcs11::new(path).map_err(|_| Error::TokenModuleNotFound)?;
    match module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(TokenError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(_) => return Err(Error::TokenModuleNotFound),
    }
    modules.push((path.to_owned(), module.clone()));
    Ok(module)
}

/// The library's error for a token's: the PIN, a token gone, a key gone; anything else is a
/// token failure. The token's own text is not passed on (it may name objects).
fn token_error(error: TokenError) -> Error {
    match error {
        TokenError::LibraryLoading(_) => Error::TokenModuleNotFound,
        TokenError::Pkcs11(rv, _) => match rv {
            RvError::PinIncorrect
            | RvError::PinInvalid
            | RvError::PinLenRange
            | RvError::PinExpired
            | RvError::PinLocked => Error::TokenWrongPin,
            RvError::TokenNotPresent | RvError::TokenNotRecognized | RvError::DeviceRemoved => {
                Error::TokenAbsent
            }
            RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid => Error::TokenKeyMissing,
            RvError::HostMemory => Error::OutOfMemory,
            _ => Error::TokenFailure,
        },
        _ => Error::TokenFailure,
    }
}

/// What a private key in the token may do: each key does one thing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A generation's key: ECDH only.
    Derive,
    /// A deployment signing key: ECDSA only.
    Sign,
}

/// A private key object in the token and its public key.
#[derive(Clone)]
pub(crate) struct TokenKey {
    token: Pkcs11Token,
    handle: ObjectHandle,
    public: [u8; COMPRESSED_POINT_LEN],
}

impl TokenKey {
    /// The key as a ring holds it, with its public key.
    fn held(self) -> (PrivateKey, [u8; COMPRESSED_POINT_LEN]) {
        let public = self.public;
        (PrivateKey::Token(self), public)
    }

    /// `ECDH(s, public)` computed by the token (`CKM_ECDH1_DERIVE`, no KDF) into a session
    /// object that is read once and destroyed.
    pub(crate) fn shared_x(&self, public: &PublicPoint) -> Result<Zeroizing<[u8; SCALAR_LEN]>> {
        let point = public.to_uncompressed();
        self.token.with_session(|session| {
            let mechanism = Mechanism::Ecdh1Derive(Ecdh1DeriveParams::new(EcKdf::null(), &point));
            let derived = session
                .derive_key(
                    &mechanism,
                    self.handle,
                    &[
                        Attribute::Class(ObjectClass::SECRET_KEY),
                        Attribute::KeyType(KeyType::GENERIC_SECRET),
                        Attribute::ValueLen((SCALAR_LEN as u64).into()),
                        Attribute::Token(false),
                        Attribute::Sensitive(false),
                        Attribute::Extractable(true),
                    ],
                )
                .map_err(token_error)?;
            let read = session.get_attributes(derived, &[AttributeType::Value]);
            let destroyed = session.destroy_object(derived);
            let mut attributes = read.map_err(token_error)?;
            let mut out = Zeroizing::new([0u8; SCALAR_LEN]);
            let copied = match attributes.as_mut_slice() {
                [Attribute::Value(value)] if value.len() == SCALAR_LEN => {
                    out.copy_from_slice(value);
                    true
                }
                _ => false,
            };
            for attribute in &mut attributes {
                if let Attribute::Value(value) = attribute {
                    value.zeroize();
                }
            }
            destroyed.map_err(token_error)?;
            if !copied {
                return Err(Error::TokenFailure);
            }
            Ok(out)
        })
    }

    /// ECDSA P-256/SHA-256 by the token (`CKM_ECDSA` over the SHA-256 computed here), checked
    /// against the recorded public key before it is used: a token holding another key under the
    /// label is [`Error::TokenKeyMissing`], never a package that machines refuse later.
    pub(crate) fn sign(&self, message_parts: &[&[u8]]) -> Result<[u8; SIGNATURE_LEN]> {
        let mut hash = Sha256::new();
        for part in message_parts {
            hash.update(part);
        }
        let digest: [u8; 32] = hash.finalize().into();
        let signature = self.token.with_session(|session| {
            session
                .sign(&Mechanism::Ecdsa, self.handle, &digest)
                .map_err(token_error)
        })?;
        let signature: [u8; SIGNATURE_LEN] =
            signature.try_into().map_err(|_| Error::TokenFailure)?;
        let public = PublicPoint::from_compressed(&self.public)?;
        if !ecdsa_verify(&public, message_parts, &signature) {
            return Err(Error::TokenKeyMissing);
        }
        Ok(signature)
    }

    /// True when the object holds the private key of the recorded public key: for a
    /// generation's key, `ECDH(s, G)` is the x-coordinate of its public key; a signing key signs
    /// a test message that must verify.
    fn matches(&self, role: Role) -> Result<bool> {
        match role {
            Role::Derive => {
                let x = self.shared_x(&PublicPoint::generator()?)?;
                Ok(bool::from(x.as_ref().ct_eq(&self.public[1..])))
            }
            Role::Sign => match self.sign(&[b"offline-reset token key check"]) {
                Ok(_) => Ok(true),
                Err(Error::TokenKeyMissing) => Ok(false),
                Err(error) => Err(error),
            },
        }
    }
}

/// The token and label prefix of a ring held in a token, and its current record object.
#[derive(Clone)]
pub(crate) struct TokenRing {
    token: Pkcs11Token,
    prefix: String,
    /// The record this ring was read from or last wrote, with its serial number.
    record: Option<(ObjectHandle, u64)>,
}

impl TokenRing {
    fn label(&self, what: &str) -> Vec<u8> {
        format!("{}/{what}", self.prefix).into_bytes()
    }

    /// `CKA_ID` of every key of this ring: finds them all, named by the record or not.
    fn key_id(&self) -> Vec<u8> {
        format!("offline-reset:{}", self.prefix).into_bytes()
    }

    fn key_attributes(&self, label: Vec<u8>, role: Role) -> Vec<Attribute> {
        let mechanism = match role {
            Role::Derive => MechanismType::ECDH1_DERIVE,
            Role::Sign => MechanismType::ECDSA,
        };
        vec![
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Derive(role == Role::Derive),
            Attribute::Sign(role == Role::Sign),
            Attribute::AllowedMechanisms(vec![mechanism]),
            Attribute::Label(label),
            Attribute::Id(self.key_id()),
        ]
    }

    /// A key pair generated in the token: the private key a token object, the public key a
    /// session object read once and destroyed.
    fn generate(&self, label: Vec<u8>, role: Role) -> Result<TokenKey> {
        let private_template = self.key_attributes(label, role);
        // One session throughout: the public key is a session object, gone if its session closes.
        self.token.with_session(|session| {
            let (public_object, handle) = session
                .generate_key_pair(
                    &Mechanism::EccKeyPairGen,
                    &[
                        Attribute::Token(false),
                        Attribute::EcParams(P256_OID.to_vec()),
                    ],
                    &private_template,
                )
                .map_err(token_error)?;
            let read = session.get_attributes(public_object, &[AttributeType::EcPoint]);
            let _ = session.destroy_object(public_object);
            let public = match read.map_err(token_error) {
                Ok(attributes) => match attributes.as_slice() {
                    [Attribute::EcPoint(point)] => {
                        PublicPoint::from_sec1(ec_point_octets(point)).map(|p| p.to_compressed())
                    }
                    _ => Err(Error::TokenFailure),
                },
                Err(error) => Err(error),
            };
            match public {
                Ok(public) => Ok(TokenKey {
                    token: self.token.clone(),
                    handle,
                    public,
                }),
                Err(error) => {
                    let _ = session.destroy_object(handle);
                    Err(error)
                }
            }
        })
    }

    /// A private key object made from a secret scalar (a software ring moved into the token,
    /// or the test vectors' keys). The token marks it as once extractable
    /// (`CKA_ALWAYS_SENSITIVE` and `CKA_NEVER_EXTRACTABLE` false).
    fn import(&self, secret: &SecretScalar, label: Vec<u8>, role: Role) -> Result<TokenKey> {
        let mut template = self.key_attributes(label, role);
        template.extend([
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::KeyType(KeyType::EC),
            Attribute::EcParams(P256_OID.to_vec()),
            Attribute::Value(secret.to_bytes().to_vec()),
        ]);
        let created = self
            .token
            .with_session(|session| session.create_object(&template).map_err(token_error));
        for attribute in &mut template {
            if let Attribute::Value(value) = attribute {
                value.zeroize();
            }
        }
        Ok(TokenKey {
            token: self.token.clone(),
            handle: created?,
            public: secret.public_compressed(),
        })
    }

    pub(crate) fn generate_generation_key(
        &self,
        epoch: u16,
    ) -> Result<(PrivateKey, [u8; COMPRESSED_POINT_LEN])> {
        let key = self.generate(self.label(&format!("epoch/{epoch}")), Role::Derive)?;
        Ok(key.held())
    }

    pub(crate) fn import_generation_key(
        &self,
        epoch: u16,
        secret: &SecretScalar,
    ) -> Result<(PrivateKey, [u8; COMPRESSED_POINT_LEN])> {
        let key = self.import(secret, self.label(&format!("epoch/{epoch}")), Role::Derive)?;
        Ok(key.held())
    }

    pub(crate) fn generate_signing_key(&self) -> Result<(PrivateKey, [u8; COMPRESSED_POINT_LEN])> {
        let key = self.generate(self.label("signing"), Role::Sign)?;
        Ok(key.held())
    }

    pub(crate) fn import_signing_key(
        &self,
        secret: &SecretScalar,
    ) -> Result<(PrivateKey, [u8; COMPRESSED_POINT_LEN])> {
        let key = self.import(secret, self.label("signing"), Role::Sign)?;
        Ok(key.held())
    }

    /// Every record object of this ring in the token, with its handle.
    fn records(&self, session: &Session) -> Result<Vec<ObjectHandle>> {
        session
            .find_objects(&[
                Attribute::Class(ObjectClass::DATA),
                Attribute::Application(APPLICATION.to_vec()),
                Attribute::Label(self.label("ring")),
            ])
            .map_err(token_error)
    }
}

/// A key object's `CKA_EC_POINT`: the point's octets, DER-wrapped in an OCTET STRING as PKCS#11
/// says, or bare as some tokens give it.
fn ec_point_octets(value: &[u8]) -> &[u8] {
    match value {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() && rest.len() < 0x80 => rest,
        _ => value,
    }
}

fn check_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty()
        || prefix.len() > MAX_KEY_LABEL_PREFIX_LEN
        || prefix.chars().any(char::is_control)
    {
        return Err(Error::MalformedInput);
    }
    Ok(())
}

fn private_key_of(key: &PrivateKey) -> Option<&TokenKey> {
    match key {
        PrivateKey::Token(key) => Some(key),
        PrivateKey::Software(_) => None,
    }
}

/// The token key objects the ring names.
fn named_handles(ring: &ServerKeyRing) -> Vec<ObjectHandle> {
    let signing = [Some(&ring.signing), ring.next_signing.as_ref()];
    signing
        .into_iter()
        .flatten()
        .map(|k| &k.key)
        .chain(ring.generations.iter().map(|g| &g.key))
        .filter_map(private_key_of)
        .map(|k| k.handle)
        .collect()
}

/// Destroys the ring's key objects in the token that the ring does not name: a retired
/// generation's, a replaced signing key's, one made by a change that was then undone.
pub(crate) fn destroy_unnamed_keys(ring: &ServerKeyRing) -> Result<()> {
    let Some(token_ring) = &ring.token else {
        return Ok(());
    };
    destroy_keys_except(token_ring, &named_handles(ring))
}

/// Destroys every private key object with the ring's `CKA_ID` but those in `keep`.
fn destroy_keys_except(token_ring: &TokenRing, keep: &[ObjectHandle]) -> Result<()> {
    token_ring.token.with_session(|session| {
        let keys = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Id(token_ring.key_id()),
            ])
            .map_err(token_error)?;
        for key in keys.into_iter().filter(|key| !keep.contains(key)) {
            session.destroy_object(key).map_err(token_error)?;
        }
        Ok(())
    })
}

/// Writes the ring's record (docs/PROTOCOL.md §9.8) as a new data object with the next serial
/// number, then destroys the older record objects: a crash in between leaves two, and the
/// reader takes the higher serial.
pub(crate) fn write_record(ring: &mut ServerKeyRing) -> Result<()> {
    let Some(token_ring) = &ring.token else {
        return Ok(());
    };
    let serial = match token_ring.record {
        None => 1,
        Some((_, serial)) => serial.checked_add(1).ok_or(Error::TokenFailure)?,
    };
    let record = envelope::seal(Kind::TokenRingRecord, &record_body(ring, serial)?, None)?;
    let handle = token_ring.token.with_session(|session| {
        let handle = session
            .create_object(&[
                Attribute::Class(ObjectClass::DATA),
                Attribute::Token(true),
                Attribute::Private(true),
                Attribute::Application(APPLICATION.to_vec()),
                Attribute::Label(token_ring.label("ring")),
                Attribute::Value(record),
            ])
            .map_err(token_error)?;
        for old in token_ring.records(session)? {
            if old != handle {
                session.destroy_object(old).map_err(token_error)?;
            }
        }
        Ok(handle)
    })?;
    if let Some(token_ring) = ring.token.as_mut() {
        token_ring.record = Some((handle, serial));
    }
    Ok(())
}

fn record_body(ring: &ServerKeyRing, serial: u64) -> Result<Vec<u8>> {
    let mut body = Vec::with_capacity(RECORD_HEADER_LEN + ring.generations.len() * 60);
    body.extend_from_slice(&serial.to_be_bytes());
    body.extend_from_slice(&ring.policy.to_bytes());
    body.extend_from_slice(&ring.retired_grace_seconds.to_be_bytes());
    body.extend_from_slice(&ring.signing.public);
    match &ring.next_signing {
        Some(next) => body.extend_from_slice(&next.public),
        None => body.extend_from_slice(&[0u8; COMPRESSED_POINT_LEN]),
    }
    body.extend_from_slice(&(ring.generations.len() as u16).to_be_bytes());
    for g in &ring.generations {
        write_generation_fields(&mut body, g);
        body.extend_from_slice(&g.public);
    }
    Ok(body)
}

/// Serial, policy, grace period, signing public key, next signing public key, count.
const RECORD_HEADER_LEN: usize = 8 + 20 + 4 + 2 * COMPRESSED_POINT_LEN + 2;

impl ServerKeyRing {
    /// A new key ring whose keys are generated in `token` (sensitive, never extractable): epoch
    /// 1's key pair and the deployment signing key pair, under labels starting with
    /// `key_label_prefix` (1 to [`MAX_KEY_LABEL_PREFIX_LEN`] bytes, no control characters),
    /// with its record (docs/PROTOCOL.md §9.8) in the token too. Every later change (rotation,
    /// pruning, policy, signing-key rotation) is written to the token at once; the ring cannot
    /// be exported ([`Error::KeysInToken`]): back up the token.
    ///
    /// # Errors
    /// [`Error::TokenRingExists`] when the token holds a ring under that prefix;
    /// [`Error::MalformedInput`] for a bad prefix; the token's errors.
    pub fn generate_in_token(
        token: &Pkcs11Token,
        key_label_prefix: &str,
        policy: Policy,
    ) -> Result<Self> {
        let token_ring = new_token_ring(token, key_label_prefix)?;
        let made = token_ring.generate_generation_key(1).and_then(|key| {
            let (signing, public) = token_ring.generate_signing_key()?;
            Ok((
                key,
                SigningKey {
                    key: signing,
                    public,
                },
            ))
        });
        finish_new_ring(
            token_ring,
            made.map(|(key, signing)| ServerKeyRing::from_keys(policy, 1, key, signing)),
        )
    }

    /// This ring, a ring held in this process, copied into `token` under `key_label_prefix`:
    /// the way an existing deployment moves its keys into an HSM without redeploying machines
    /// (the same keys, so the same codes). The token marks the imported keys as having been
    /// extractable (`CKA_ALWAYS_SENSITIVE`, `CKA_NEVER_EXTRACTABLE` false); delete every copy of
    /// the software ring afterwards. This ring is unchanged.
    ///
    /// # Errors
    /// [`Error::KeysInToken`] when this ring is already held in a token;
    /// [`Error::TokenRingExists`]; [`Error::MalformedInput`] for a bad prefix; the token's
    /// errors.
    pub fn copy_into_token(&self, token: &Pkcs11Token, key_label_prefix: &str) -> Result<Self> {
        if self.is_held_in_token() {
            return Err(Error::KeysInToken);
        }
        let token_ring = new_token_ring(token, key_label_prefix)?;
        let copy = (|| {
            let mut copy = self.clone();
            let signing = self.signing.key.software_secret()?;
            let (key, public) = token_ring.import_signing_key(signing)?;
            copy.signing = SigningKey { key, public };
            if let Some(next) = &self.next_signing {
                let (key, public) = token_ring.import_signing_key(next.key.software_secret()?)?;
                copy.next_signing = Some(SigningKey { key, public });
            }
            for g in &mut copy.generations {
                let secret = g.key.software_secret()?;
                g.key = token_ring.import_generation_key(g.epoch, secret)?.0;
            }
            Ok(copy)
        })();
        finish_new_ring(token_ring, copy)
    }

    /// The ring held in `token` under `key_label_prefix`, as its record (docs/PROTOCOL.md §9.8)
    /// describes it. Each key the record names is found by its label and checked against the
    /// recorded public key.
    ///
    /// # Errors
    /// [`Error::TokenKeyMissing`] when no ring is there or a key is missing or not the recorded
    /// one; a damaged record as [`ServerKeyRing::import`] reports it; the token's errors.
    pub fn open_in_token(token: &Pkcs11Token, key_label_prefix: &str) -> Result<Self> {
        check_prefix(key_label_prefix)?;
        let mut token_ring = TokenRing {
            token: token.clone(),
            prefix: key_label_prefix.to_owned(),
            record: None,
        };
        let (handle, bytes) = token.with_session(|session| {
            let mut newest: Option<(u64, ObjectHandle, Vec<u8>)> = None;
            let mut tied = false;
            for handle in token_ring.records(session)? {
                let value = match session
                    .get_attributes(handle, &[AttributeType::Value])
                    .map_err(token_error)?
                    .pop()
                {
                    Some(Attribute::Value(value)) => value,
                    _ => return Err(Error::TokenFailure),
                };
                let serial = record_serial(&value)?;
                match newest.as_ref().map(|(s, _, _)| serial.cmp(s)) {
                    None | Some(core::cmp::Ordering::Greater) => {
                        tied = false;
                        newest = Some((serial, handle, value));
                    }
                    Some(core::cmp::Ordering::Equal) => tied = true,
                    Some(core::cmp::Ordering::Less) => {}
                }
            }
            if tied {
                return Err(Error::MalformedInput);
            }
            newest
                .map(|(_, handle, value)| (handle, value))
                .ok_or(Error::TokenKeyMissing)
        })?;
        let record = read_record(&bytes)?;
        token_ring.record = Some((handle, record.serial));
        let find = |label: Vec<u8>, public: [u8; COMPRESSED_POINT_LEN], role: Role| {
            let handles = token.with_session(|session| {
                session
                    .find_objects(&[
                        Attribute::Class(ObjectClass::PRIVATE_KEY),
                        Attribute::Id(token_ring.key_id()),
                        Attribute::Label(label.clone()),
                    ])
                    .map_err(token_error)
            })?;
            // More than one: a change that did not finish left a key behind; the one that
            // matches the record is the ring's.
            for handle in handles {
                let key = TokenKey {
                    token: token.clone(),
                    handle,
                    public,
                };
                if key.matches(role)? {
                    return Ok(PrivateKey::Token(key));
                }
            }
            Err(Error::TokenKeyMissing)
        };
        let signing = SigningKey {
            key: find(token_ring.label("signing"), record.signing, Role::Sign)?,
            public: record.signing,
        };
        let next_signing = match record.next_signing {
            Some(public) => Some(SigningKey {
                key: find(token_ring.label("signing"), public, Role::Sign)?,
                public,
            }),
            None => None,
        };
        let mut generations = Vec::with_capacity(MAX_GENERATIONS + 1);
        for g in record.generations {
            let label = token_ring.label(&format!("epoch/{}", g.epoch));
            generations.push(Generation {
                epoch: g.epoch,
                key: find(label, g.public, Role::Derive)?,
                public: g.public,
                password_cost: g.password_cost,
                retired: g.retired,
            });
        }
        let first = generations.first().ok_or(Error::MalformedInput)?;
        let mut ring = ServerKeyRing::from_keys(
            record.policy,
            first.epoch,
            (first.key.clone(), first.public),
            signing,
        );
        ring.generations = generations;
        ring.next_signing = next_signing;
        ring.retired_grace_seconds = record.retired_grace_seconds;
        ring.token = Some(token_ring);
        Ok(ring)
    }
}

fn new_token_ring(token: &Pkcs11Token, prefix: &str) -> Result<TokenRing> {
    check_prefix(prefix)?;
    let token_ring = TokenRing {
        token: token.clone(),
        prefix: prefix.to_owned(),
        record: None,
    };
    let existing = token.with_session(|session| token_ring.records(session))?;
    if !existing.is_empty() {
        return Err(Error::TokenRingExists);
    }
    Ok(token_ring)
}

/// Writes the first record of a new ring; when making its keys or writing fails, destroys every
/// key made under the prefix (there was no ring there: `new_token_ring` checked).
fn finish_new_ring(token_ring: TokenRing, made: Result<ServerKeyRing>) -> Result<ServerKeyRing> {
    let empty_ring_keys = || destroy_keys_except(&token_ring, &[]);
    let mut ring = match made {
        Ok(ring) => ring,
        Err(error) => {
            let _ = empty_ring_keys();
            return Err(error);
        }
    };
    ring.token = Some(token_ring.clone());
    if let Err(error) = write_record(&mut ring) {
        let _ = empty_ring_keys();
        return Err(error);
    }
    Ok(ring)
}

struct Record {
    serial: u64,
    policy: Policy,
    retired_grace_seconds: u32,
    signing: [u8; COMPRESSED_POINT_LEN],
    next_signing: Option<[u8; COMPRESSED_POINT_LEN]>,
    generations: Vec<RecordGeneration>,
}

/// A generation as the record describes it: everything but the key object.
struct RecordGeneration {
    epoch: u16,
    retired: Option<Retirement>,
    password_cost: PasswordCost,
    public: [u8; COMPRESSED_POINT_LEN],
}

fn record_serial(bytes: &[u8]) -> Result<u64> {
    let body = envelope::open(Kind::TokenRingRecord, bytes, None)?;
    Reader(&body).u64()
}

/// Reads a token ring record (docs/PROTOCOL.md §9.8), field by field in order.
fn read_record(bytes: &[u8]) -> Result<Record> {
    let body = envelope::open(Kind::TokenRingRecord, bytes, None)?;
    let mut reader = Reader(&body);
    let serial = reader.u64()?;
    let policy = Policy::from_bytes(&reader.array()?)?;
    let retired_grace_seconds = reader.u32()?;
    let signing =
        PublicPoint::from_compressed(&reader.array::<COMPRESSED_POINT_LEN>()?)?.to_compressed();
    let next = reader.array::<COMPRESSED_POINT_LEN>()?;
    let next_signing = match next == [0u8; COMPRESSED_POINT_LEN] {
        true => None,
        false => Some(PublicPoint::from_compressed(&next)?.to_compressed()),
    };
    let count = usize::from(reader.u16()?);
    if count == 0 || count > MAX_GENERATIONS {
        return Err(Error::MalformedInput);
    }
    let mut generations: Vec<RecordGeneration> = Vec::with_capacity(count);
    for index in 0..count {
        let previous = generations.last().map(|g| g.epoch);
        let (epoch, retired, password_cost) =
            read_generation_fields(&mut reader, index + 1 == count, previous)?;
        let public =
            PublicPoint::from_compressed(&reader.array::<COMPRESSED_POINT_LEN>()?)?.to_compressed();
        generations.push(RecordGeneration {
            epoch,
            retired,
            password_cost,
            public,
        });
    }
    reader.finish()?;
    Ok(Record {
        serial,
        policy,
        retired_grace_seconds,
        signing,
        next_signing,
        generations,
    })
}
