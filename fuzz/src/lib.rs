//! Shared fixtures and helpers for the fuzz targets in `fuzz_targets/`.
//!
//! Every target works against the same deterministic world, built once per process: the server
//! key ring, machines and wrapping key of the test vectors in `tests/vectors/` (so that the seed
//! corpora made from those vectors open for real), plus a few variants (other policies, another
//! machine, another epoch, another wrapping key) that the assertions need.
//!
//! Input layout used by the text targets: fields separated by the byte `0xFF`, which never occurs
//! in UTF-8, so every field can hold any string (see `fuzz/make_seeds.py`).

use std::sync::OnceLock;

use offline_reset::primitives::{SecretScalar, SivKey, SCALAR_LEN};
use offline_reset::{
    Account, DeploymentPackage, Error, IdentificationCode, Machine, Policy, ResetCode,
    ServerKeyRing, WrappingKey, MAX_CLOCK_SKEW_MINUTES, MAX_LIFETIME_MINUTES,
};

/// Secrets from `tests/vectors/reset_code.json` and `tests/vectors/stored_objects.json` (the
/// vectors' ledgers, made for machine A, import on the fixture machine A).
pub const SERVER_SECRET: &str = "448fe09852d9271d3fb9fa52f3ba392195712336770cf4945a249f00a8650e6c";
pub const SERVER_SECRET_EPOCH_2: &str =
    "0a1adedf47fa87b7c80fae8a925610996b27893db09c0dfbfe18b855c8749c26";
pub const MACHINE_A_SECRET: &str =
    "95f6394d61efff502f013bf5ec66a9784382aacb4d03fc8f8c29ed735894400e";
pub const MACHINE_B_SECRET: &str =
    "f39893d26cd76822e88e464784e189f90f7b5cbad21aa1ad393a2d72e7581e56";
/// The deployment signing secret of `tests/vectors/` (`signing_secret` of reset_code.json and
/// deployment_package.json).
pub const SIGNING_SECRET: &str = "9b11f40a2168ea4cbb8abacef345f5e862a7c2161380d9a4d8c6028ea0af54b8";
pub const WRAPPING_KEY: &str = "aa7145130c937564ad81f275c0341466bd18cf4a1ddac413b08e3cd432f5d7d4\
                                b87474d7326b3b011d6e804d6d6c79d8e3f154d7dc815ecd3c1bc1486a9c58fa";

/// The account SID of the vectors and fixtures: S-1-5-21-1004336348-1177238915-682003330-1104
/// (revision 1, five sub-authorities, authority 5, sub-authorities little-endian).
pub const VECTOR_SID: [u8; 28] = [
    1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82,
    0x8b, 0xa6, 0x28, 0x50, 0x04, 0, 0,
];
/// Another account of the same domain (…-1105).
pub const OTHER_SID: [u8; 28] = [
    1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82,
    0x8b, 0xa6, 0x28, 0x51, 0x04, 0, 0,
];

/// The SID rule of `docs/PROTOCOL.md` §5, stated independently of the library: revision 1,
/// 1 to 15 sub-authorities, exactly `8 + 4 * count` bytes.
pub fn sid_is_well_formed(sid: &[u8]) -> bool {
    sid.len() >= 12
        && sid[0] == 1
        && (1..=15).contains(&sid[1])
        && sid.len() == 8 + 4 * usize::from(sid[1])
}

/// Splits the SID off the front of an input: the first byte is its length (what the targets
/// that take a SID read before their text fields), the SID is the bytes after it (fewer at the
/// end of the input).
pub fn split_sid(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((&len, rest)) = data.split_first() else {
        return (&[], &[]);
    };
    rest.split_at(usize::from(len).min(rest.len()))
}

/// The fixtures' time (2026-11-18) and new password.
/// Takes one step from a per-input budget (the stateful targets' public-key and redeem steps):
/// false, and nothing taken, when it is spent.
pub fn spend(budget: &mut u32) -> bool {
    match budget.checked_sub(1) {
        Some(left) => {
            *budget = left;
            true
        }
        None => false,
    }
}

pub const NOW: i64 = 1_795_000_000;
pub const PASSWORD: &str = "Winter-Tulip-42";

/// Field separator of the text targets' inputs.
pub const FIELD_SEPARATOR: u8 = 0xFF;

/// Policies the round-trip target seals and opens under: the default (the vectors'), the
/// tightest and the loosest the format allows.
pub const POLICIES: [(u16, u16); 3] = [
    (24 * 60, 10),
    (1, 0),
    (MAX_LIFETIME_MINUTES, MAX_CLOCK_SKEW_MINUTES),
];

/// The deterministic world every target uses.
pub struct Fixtures {
    /// Epoch-1 key rings with the server secret, one per entry of [`POLICIES`].
    pub rings: Vec<ServerKeyRing>,
    /// Machine A enrolled with each ring's deployment package (same key, different policy).
    pub machines_a: Vec<Machine>,
    /// Machine A exported and imported again (default policy): must behave identically.
    pub machine_a_reimported: Machine,
    /// Another machine on the same epoch-1 package (default policy).
    pub machine_b: Machine,
    /// Machine A's secret enrolled at epoch 2 (another server key).
    pub machine_a_epoch_2: Machine,
    /// Machine A's identification code.
    pub id_a: IdentificationCode,
    /// The default-policy deployment package and its text.
    pub package: DeploymentPackage,
    pub package_text: String,
    /// alice in CORP with [`VECTOR_SID`], and a reset code sealed for her on machine A at
    /// [`NOW`] with the password [`PASSWORD`] (default policy).
    pub account_a: Account,
    pub code_a: ResetCode,
    /// The fixtures' deployment signing secret (every ring above signs with it).
    pub signing_secret: SecretScalar,
    /// Machine A's secret, for enrolling with fuzzed packages.
    pub machine_a_secret: SecretScalar,
    /// The vectors' wrapping key, its raw bytes, and an unrelated key.
    pub wrapping: WrappingKey,
    pub wrapping_bytes: [u8; 64],
    pub other_wrapping: WrappingKey,
}

/// Decodes fixed hex constants (panics on bad hex: constants only).
pub fn hex<const N: usize>(text: &str) -> [u8; N] {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => panic!("bad hex constant"),
        })
        .collect();
    assert_eq!(digits.len(), 2 * N, "hex constant length");
    let mut out = [0u8; N];
    for (i, pair) in digits.chunks(2).enumerate() {
        out[i] = (pair[0] << 4) | pair[1];
    }
    out
}

pub fn secret(text: &str) -> SecretScalar {
    SecretScalar::from_bytes(&hex::<SCALAR_LEN>(text)).expect("fixture secret")
}

fn build() -> Fixtures {
    let rings: Vec<ServerKeyRing> = POLICIES
        .iter()
        .map(|&(lifetime, skew)| {
            let policy = Policy::new(lifetime, skew).expect("fixture policy");
            ServerKeyRing::from_secrets(policy, 1, secret(SERVER_SECRET), secret(SIGNING_SECRET))
        })
        .collect();
    let machine_a_secret = secret(MACHINE_A_SECRET);
    let machines_a: Vec<Machine> = rings
        .iter()
        .map(|ring| {
            let package = ring.deployment_package().expect("fixture package");
            Machine::enroll_with_secret(&package, &machine_a_secret).expect("fixture machine")
        })
        .collect();
    let package = rings[0].deployment_package().expect("fixture package");
    let machine_b =
        Machine::enroll_with_secret(&package, &secret(MACHINE_B_SECRET)).expect("machine b");
    let ring_2 = ServerKeyRing::from_secrets(
        Policy::default(),
        2,
        secret(SERVER_SECRET_EPOCH_2),
        secret(SIGNING_SECRET),
    );
    let machine_a_epoch_2 = Machine::enroll_with_secret(
        &ring_2.deployment_package().expect("epoch 2 package"),
        &machine_a_secret,
    )
    .expect("epoch 2 machine");
    let machine_a_reimported =
        Machine::import(&machines_a[0].export(None).expect("export"), None).expect("import");
    let wrapping_bytes = hex::<64>(WRAPPING_KEY);
    let account_a = Account::new("alice", "CORP", &VECTOR_SID).expect("fixture account");
    let code_a = rings[0]
        .seal_reset_code(
            &machines_a[0].identification_code(),
            &account_a,
            PASSWORD,
            NOW,
        )
        .expect("fixture code");
    Fixtures {
        id_a: machines_a[0].identification_code(),
        package_text: package.to_text(),
        package,
        rings,
        machines_a,
        machine_a_reimported,
        machine_b,
        machine_a_epoch_2,
        machine_a_secret,
        signing_secret: secret(SIGNING_SECRET),
        account_a,
        code_a,
        wrapping: WrappingKey::from_bytes(&wrapping_bytes).expect("wrapping key"),
        wrapping_bytes,
        other_wrapping: WrappingKey::from_bytes(&[0x42; 64]).expect("other wrapping key"),
    }
}

/// The fixtures, built on first use.
pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(build)
}

/// Splits an input into `N` fields at `0xFF` bytes (missing fields are empty; the last field
/// takes the rest, separators included). `None` when a field is not UTF-8.
pub fn str_fields<const N: usize>(data: &[u8]) -> Option<[&str; N]> {
    let mut out = [""; N];
    let mut rest = data;
    for (i, slot) in out.iter_mut().enumerate() {
        let field = if i + 1 == N {
            core::mem::take(&mut rest)
        } else {
            match rest.iter().position(|&b| b == FIELD_SEPARATOR) {
                Some(at) => {
                    let (head, tail) = rest.split_at(at);
                    rest = &tail[1..];
                    head
                }
                None => core::mem::take(&mut rest),
            }
        };
        *slot = core::str::from_utf8(field).ok()?;
    }
    Some(out)
}

/// Envelope kinds (`docs/PROTOCOL.md` §9).
pub const KIND_SERVER_KEY_RING: u8 = 1;
pub const KIND_MACHINE_STATE: u8 = 2;
pub const KIND_DEPLOYMENT_PACKAGE: u8 = 3;
pub const KIND_REPLAY_LEDGER: u8 = 4;

/// Crockford base32 of `bytes` (most significant bits first, the last symbol padded with zero
/// bits): the text form of a deployment package (`docs/PROTOCOL.md` §8), written independently.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

const KEY_CHECK_LABEL: &[u8] = b"offline-reset-v1 wrapping key check";
const WRAP_LABEL: &[u8] = b"offline-reset-v1 wrap";
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// Builds a well-formed envelope around an arbitrary body, written independently of the library
/// from the format description, so that the fuzzer reaches the body parsers behind the checksum
/// and (wrapped) behind authentication.
pub fn envelope(kind: u8, body: &[u8], wrapping_key: Option<&[u8; 64]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 40);
    out.extend_from_slice(b"OLR");
    out.push(1);
    out.push(kind);
    out.push(u8::from(wrapping_key.is_some()));
    match wrapping_key {
        None => {
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            out.extend_from_slice(body);
        }
        Some(key) => {
            out.extend_from_slice(&((4 + 16 + body.len()) as u32).to_be_bytes());
            let key = SivKey::from_slice(key).expect("64-byte key");
            // The key check: the ciphertext of four zero bytes (depends on both key halves).
            let mut check = [0u8; 4];
            key.seal_in_place(&[KEY_CHECK_LABEL], &mut check)
                .expect("key check");
            let header = out.clone();
            let mut sealed = body.to_vec();
            let tag = key
                .seal_in_place(&[WRAP_LABEL, &header], &mut sealed)
                .expect("wrap");
            out.extend_from_slice(&check);
            out.extend_from_slice(&tag);
            out.extend_from_slice(&sealed);
        }
    }
    let crc = CRC32.checksum(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// Every error a stored-object import may return (its documented list).
pub fn is_import_error(e: &Error) -> bool {
    matches!(
        e,
        Error::Truncated
            | Error::Corrupted
            | Error::WrongKind
            | Error::WrappingMismatch
            | Error::WrongWrappingKey
            | Error::UnsupportedVersion { .. }
            | Error::MalformedInput
            | Error::InvalidKeyMaterial
            | Error::InvalidPolicy
    )
}

/// Every error a replay-ledger import for a given machine may return: an import error, or the
/// ledger belongs to another enrollment, or is older than the minimum generation.
pub fn is_ledger_import_error(e: &Error) -> bool {
    is_import_error(e) || matches!(e, Error::LedgerOfAnotherMachine | Error::LedgerRolledBack)
}

/// Every error typed-code parsing may return.
pub fn is_parse_error(e: &Error) -> bool {
    matches!(
        e,
        Error::MalformedInput | Error::Mistyped { .. } | Error::UnsupportedVersion { .. }
    )
}

/// Offset of a plain envelope's body, and its trailing checksum length.
pub const ENVELOPE_HEADER_LEN: usize = 10;
pub const ENVELOPE_CRC_LEN: usize = 4;

/// The body a key ring exports for a plain key-ring body the library accepted. The import now
/// requires the current (last) generation's retirement time and grace window to be zero
/// (`docs/PROTOCOL.md` §9), so no field is lenient: an accepted body is its own export.
pub fn canonical_key_ring_body(body: &[u8]) -> Vec<u8> {
    body.to_vec()
}

/// The machine's refusal of a code for another epoch (`docs/PROTOCOL.md` §7.2): an older code
/// needs a new code, a newer one needs a redeployment.
pub fn machine_epoch_error(code_epoch: u16, machine_epoch: u16) -> Error {
    if code_epoch < machine_epoch {
        Error::CodeBeforeRotation {
            code_epoch,
            machine_epoch,
        }
    } else {
        Error::RedeployNeeded {
            code_epoch,
            machine_epoch,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_builder_matches_the_library() {
        let f = fixtures();
        let ring_bytes = f.rings[0].export(None).unwrap().to_vec();
        let body = &ring_bytes[10..ring_bytes.len() - 4];
        assert_eq!(envelope(KIND_SERVER_KEY_RING, body, None), ring_bytes);
        let wrapped = f.rings[0].export(Some(&f.wrapping)).unwrap().to_vec();
        assert_eq!(
            envelope(KIND_SERVER_KEY_RING, body, Some(&f.wrapping_bytes)),
            wrapped
        );
        let machine = f.machines_a[0].export(Some(&f.wrapping)).unwrap().to_vec();
        let plain = f.machines_a[0].export(None).unwrap();
        assert_eq!(
            envelope(
                KIND_MACHINE_STATE,
                &plain[10..plain.len() - 4],
                Some(&f.wrapping_bytes)
            ),
            machine
        );
    }

    #[test]
    fn package_text_matches_the_library() {
        let f = fixtures();
        let bytes = f.package.to_bytes();
        assert_eq!(base32(&bytes), f.package_text);
        assert_eq!(f.package_text.len(), 319);
        let body = &bytes[10..bytes.len() - 4];
        assert_eq!(envelope(KIND_DEPLOYMENT_PACKAGE, body, None), bytes);
    }

    /// The seeds made from `tests/vectors/` reach past the machine checks: the fixture machine A
    /// is the vectors' machine A (its identification code is in the vectors, and the vectors'
    /// first replay ledger imports on it).
    #[test]
    fn fixtures_are_the_vectors_machines() {
        let f = fixtures();
        let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/");
        let reset = std::fs::read_to_string(format!("{vectors}reset_code.json")).unwrap();
        assert!(reset.contains(f.id_a.as_str()));
        let ledger = std::fs::read_to_string(format!("{vectors}replay_ledger.json")).unwrap();
        let at = ledger.find("\"bytes\": \"").expect("an import vector") + 10;
        let hex_text = &ledger[at..at + ledger[at..].find('"').unwrap()];
        let bytes: Vec<u8> = (0..hex_text.len() / 2)
            .map(|i| u8::from_str_radix(&hex_text[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let imported =
            offline_reset::ReplayLedger::import(&bytes, None, &f.machines_a[0], 0).unwrap();
        assert!(imported.account_count() > 0);
        assert!(offline_reset::ReplayLedger::import(&bytes, None, &f.machine_b, 0).is_err());
    }

    #[test]
    fn sids() {
        assert!(sid_is_well_formed(&VECTOR_SID) && sid_is_well_formed(&OTHER_SID));
        assert!(offline_reset::Account::new("a", "b", &VECTOR_SID).is_ok());
        assert!(!sid_is_well_formed(&VECTOR_SID[..27]));
        assert_eq!(split_sid(b"\x02abc"), (&b"ab"[..], &b"c"[..]));
        assert_eq!(split_sid(b"\x09ab"), (&b"ab"[..], &b""[..]));
    }

    #[test]
    fn fields_split() {
        // The last field keeps the remaining separators, which are not UTF-8.
        assert_eq!(str_fields::<3>(b"a\xffb\xffc\xffd"), None);
        assert_eq!(str_fields::<2>(b"a\xffb"), Some(["a", "b"]));
        assert_eq!(str_fields::<3>(b"a"), Some(["a", "", ""]));
    }
}
