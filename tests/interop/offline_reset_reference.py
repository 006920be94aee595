"""Independent Python reference implementation of the offline-reset protocol, version 1.

Written from docs/PROTOCOL.md alone (no Rust source was read), with the `cryptography`
package (version 48: AESSIV, Argon2id) as the crypto library. Section numbers (§) refer to
docs/PROTOCOL.md.

This is a conformance aid, not production code: it makes no attempt at constant time beyond
what the spec asks for explicitly (CRC-32 without tables, the wrapping key check compared in
constant time), and does not wipe secrets.
"""

from __future__ import annotations

import hashlib
import hmac as _stdlib_hmac
import json
from dataclasses import dataclass, field
from typing import Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                              encode_dss_signature)
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# ---------------------------------------------------------------------------------------------
# §10 Errors
# ---------------------------------------------------------------------------------------------

ERROR_CODES = {
    "MalformedInput": 1,
    "Mistyped": 2,
    "UnsupportedVersion": 3,
    "KeyRotated": 4,
    "Expired": 5,
    "NotYetValid": 6,
    "Rejected": 7,
    "InvalidKeyMaterial": 8,
    "WrongWrappingKey": 9,
    "RngFailure": 10,
    "Truncated": 11,
    "Corrupted": 12,
    "WrongKind": 13,
    "WrappingMismatch": 14,
    "InvalidUsername": 15,
    "InvalidDomain": 16,
    "InvalidPassword": 17,
    "InvalidPolicy": 18,
    "TimeOutOfRange": 19,
    "EpochsExhausted": 20,
    "AlreadyUsed": 21,
    "Superseded": 22,
    "CodeBeforeRotation": 23,
    "RedeployNeeded": 24,
    "LedgerFull": 25,
    "Utf16Text": 26,
    "ClockSetBack": 27,
    "TooManyAttempts": 28,
    "LedgerOfAnotherMachine": 29,
    "LedgerRolledBack": 30,
    "PackageEpochTooOld": 31,
    "PackageSignatureInvalid": 32,
    "InvalidSid": 33,
    "OutOfMemory": 34,
    "Pkcs11NotBuilt": 35,
    "TokenModuleNotFound": 36,
    "TokenAbsent": 37,
    "TokenWrongPin": 38,
    "TokenKeyMissing": 39,
    "TokenRingExists": 40,
    "TokenFailure": 41,
    "KeysInToken": 42,
}

_NO_GROUP = object()


class OfflineResetError(Exception):
    """A protocol error (§10): `name`, stable numeric `code`, and the error's details.

    `problem` is the diagnostic NameProblem (§5) of InvalidUsername / InvalidDomain; it is not
    part of the vectors' error form."""

    def __init__(self, name: str, *, group=_NO_GROUP, found: Optional[int] = None,
                 code_epoch: Optional[int] = None, current_epoch: Optional[int] = None,
                 machine_epoch: Optional[int] = None, problem: Optional[str] = None):
        if name not in ERROR_CODES:
            raise ValueError(f"unknown error name {name!r}")
        self.name = name
        self.code = ERROR_CODES[name]
        self.problem = problem
        self.details: dict = {}
        if name == "Mistyped":
            if group is _NO_GROUP:
                raise ValueError("Mistyped needs a group (an int 1..8 or None)")
            self.details["group"] = group
        elif name == "UnsupportedVersion":
            self.details["found"] = found
        elif name == "KeyRotated":
            self.details["code_epoch"] = code_epoch
            self.details["current_epoch"] = current_epoch
        elif name in ("CodeBeforeRotation", "RedeployNeeded"):
            # §10 names the details "(code epoch, machine epoch)"; §13 does not list the JSON
            # field names for these two (the vectors use code_epoch / machine_epoch).
            self.details["code_epoch"] = code_epoch
            self.details["machine_epoch"] = machine_epoch
        super().__init__(self.describe())

    def as_dict(self) -> dict:
        """The form used by the test vectors: {"name", "code", and detail fields}."""
        return {"name": self.name, "code": self.code, **self.details}

    def describe(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.details.items())
        if self.problem:
            extra = f"{extra}, problem={self.problem}" if extra else f"problem={self.problem}"
        return f"{self.name}({extra}) [code {self.code}]" if extra else f"{self.name} [code {self.code}]"


def _err(name: str, **kw) -> OfflineResetError:
    return OfflineResetError(name, **kw)


# ---------------------------------------------------------------------------------------------
# §2 Notation and primitives
# ---------------------------------------------------------------------------------------------

def u16(n: int) -> bytes:
    return n.to_bytes(2, "big")


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def i64(n: int) -> bytes:
    return n.to_bytes(8, "big", signed=True)


I64_MAX = (1 << 63) - 1

P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
CURVE = ec.SECP256R1()


def validate_scalar(secret: bytes) -> ec.EllipticCurvePrivateKey:
    """§2 secret scalar: 32 bytes big-endian, 0 < s < n. Else InvalidKeyMaterial."""
    if len(secret) != 32:
        raise _err("InvalidKeyMaterial")
    s = int.from_bytes(secret, "big")
    if not 0 < s < P256_N:
        raise _err("InvalidKeyMaterial")
    return ec.derive_private_key(s, CURVE)


def validate_compressed_point(data: bytes) -> ec.EllipticCurvePublicKey:
    """§2 point validation of a compressed point. Else InvalidKeyMaterial."""
    if len(data) != 33 or data[0] not in (2, 3):
        raise _err("InvalidKeyMaterial")
    if int.from_bytes(data[1:], "big") >= P256_P:
        raise _err("InvalidKeyMaterial")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(CURVE, data)
    except ValueError:
        raise _err("InvalidKeyMaterial") from None


def compressed(pub: ec.EllipticCurvePublicKey) -> bytes:
    return pub.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def x_coordinate(pub: ec.EllipticCurvePublicKey) -> bytes:
    return compressed(pub)[1:]


def ecdh(priv: ec.EllipticCurvePrivateKey, pub: ec.EllipticCurvePublicKey) -> bytes:
    return priv.exchange(ec.ECDH(), pub)


DEPLOYMENT_SIGNATURE_LABEL = b"offline-reset-v1 deployment package"
assert len(DEPLOYMENT_SIGNATURE_LABEL) == 35


def ecdsa_sign(priv: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    """§2 ECDSA P-256/SHA-256, r || s (32 bytes each). Deterministic (RFC 6979 §3.2) as the
    library signs, so that the vectors' signatures are reproducible; s is left as computed (no
    low-s normalization; OpenSSL does not normalize)."""
    der = priv.sign(message, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def ecdsa_verify(pub: ec.EllipticCurvePublicKey, message: bytes, signature: bytes) -> bool:
    """§2: refuses r or s outside 1 … n − 1; accepts s and n − s (no low-s rule)."""
    if len(signature) != 64:
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (0 < r < P256_N and 0 < s < P256_N):
        return False
    try:
        pub.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    h = c_hmac.HMAC(salt, hashes.SHA256())
    h.update(ikm)
    return h.finalize()


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    return HKDFExpand(hashes.SHA256(), length, info).derive(prk)


def aes_siv_seal(key: bytes, ad: list, plaintext: bytes) -> bytes:
    """RFC 5297 AES-SIV (64-byte key = AES-256): returns V || C. The protocol never seals an
    empty plaintext nor passes an empty associated-data component (§2)."""
    assert plaintext and all(ad)
    return AESSIV(key).encrypt(plaintext, list(ad))


def aes_siv_open(key: bytes, ad: list, sealed: bytes) -> bytes:
    return AESSIV(key).decrypt(sealed, list(ad))  # raises InvalidTag


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def argon2id(password: bytes, salt: bytes, m: int, t: int, p: int) -> bytes:
    """§2: Argon2 v0x13, type id, m KiB, t passes, p lanes, 32-byte tag, no K, no X."""
    return Argon2id(salt=salt, length=32, iterations=t, lanes=p, memory_cost=m).derive(password)


def crc16(data: bytes) -> int:
    """CRC-16/IBM-3740 (CCITT-FALSE)."""
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def crc32(data: bytes) -> int:
    """CRC-32/ISO-HDLC, bit by bit with masks (no table, no data-dependent branch; §2)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            mask = -(crc & 1) & 0xFFFFFFFF
            crc = (crc >> 1) ^ (0xEDB88320 & mask)
    return crc ^ 0xFFFFFFFF


def xtime(h: int) -> int:
    """GF(32) = GF(2)[x]/(x^5 + x^2 + 1): multiply by x."""
    h <<= 1
    if h & 0x20:
        h ^= 0x25
    return h


assert crc16(b"123456789") == 0x29B1
assert crc32(b"123456789") == 0xCBF43926

# ---------------------------------------------------------------------------------------------
# §3 Typed codes
# ---------------------------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SYMBOL_VALUES = {c: i for i, c in enumerate(ALPHABET)}
_SYMBOL_VALUES.update({"O": 0, "I": 1, "L": 1})

# §5 White_Space: exactly these 25 code points.
WHITE_SPACE = frozenset(
    [chr(c) for c in range(0x09, 0x0E)]
    + ["\u0020", "\u0085", "\u00A0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202F", "\u205F", "\u3000"]
)
assert len(WHITE_SPACE) == 25

# §3.1: the 27 Pd code points of Unicode 17.0.0 (normative list).
DASH_PUNCTUATION = frozenset(chr(c) for c in [
    0x002D, 0x058A, 0x05BE, 0x1400, 0x1806, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015,
    0x2E17, 0x2E1A, 0x2E3A, 0x2E3B, 0x2E40, 0x2E5D, 0x301C, 0x3030, 0x30A0, 0xFE31, 0xFE32,
    0xFE58, 0xFE63, 0xFF0D, 0x10D6E, 0x10EAD,
])
assert len(DASH_PUNCTUATION) == 27

# §3.1: the separators, exactly 59 code points.
SEPARATORS = WHITE_SPACE | DASH_PUNCTUATION | frozenset(
    "\u2212\u00AD\u200B\u200C\u200D\u2060\uFEFF")
assert len(SEPARATORS) == 59


def symbol_value(ch: str) -> Optional[int]:
    """§3.1: value of a (non-separator) character, or None when it is not a symbol."""
    o = ord(ch)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        ch = chr(o - 0xFEE0)  # step 1: full-width digit or Latin letter
    if "a" <= ch <= "z":  # step 2: ASCII case-insensitive, O/I/L aliases
        ch = chr(ord(ch) - 32)
    return _SYMBOL_VALUES.get(ch)


def symbol_positions(text: str) -> list:
    """§3.1: the characters that occupy a symbol position (every non-separator)."""
    return [c for c in text if c not in SEPARATORS]


@dataclass(frozen=True)
class CodeKind:
    name: str
    payload_len: int  # nP
    check_bits: int   # k

    @property
    def data_symbols(self) -> int:
        bits = 8 * self.payload_len + self.check_bits
        assert bits % 5 == 0
        return bits // 5

    @property
    def group_sizes(self) -> list:
        """Number of data symbols per group (7 each, the last one possibly shorter)."""
        m = self.data_symbols
        return [min(7, m - 7 * g) for g in range((m + 6) // 7)]

    @property
    def symbols(self) -> int:
        return self.data_symbols + len(self.group_sizes)


IDENTIFICATION = CodeKind("identification code", 34, 8)
RESET = CodeKind("reset code", 23, 6)
assert IDENTIFICATION.symbols == 64 and RESET.symbols == 44
assert IDENTIFICATION.group_sizes == [7] * 8
assert RESET.group_sizes == [7, 7, 7, 7, 7, 3]


def _horner(values) -> int:
    h = 0
    for v in values:
        h = xtime(h) ^ v
    return h


def encode_typed(payload: bytes, kind: CodeKind) -> str:
    """§3.2: canonical text of a payload."""
    if len(payload) != kind.payload_len:
        raise ValueError("payload length")
    k = kind.check_bits
    crc = crc16(payload) >> (16 - k)
    b = (int.from_bytes(payload, "big") << k) | crc
    m = kind.data_symbols
    d = [(b >> (5 * (m - 1 - i))) & 31 for i in range(m)]
    groups = []
    for g in range(len(kind.group_sizes)):
        data = d[7 * g: min(7 * g + 7, m)]
        check = xtime(_horner(data)) ^ g
        groups.append("".join(ALPHABET[v] for v in data + [check]))
    return "-".join(groups)


def parse_typed(text: str, kind: CodeKind) -> bytes:
    """§3.3: typed text -> payload, with the errors in the specified order."""
    positions = symbol_positions(text)
    # 1. symbol count
    if len(positions) != kind.symbols:
        if positions:
            v = symbol_value(positions[0])
            if v is not None and v != 1:
                raise _err("UnsupportedVersion", found=v)
        raise _err("MalformedInput")
    # 2. each group's own check, in reading order (group g is positions 8g .. 8g+7)
    data = []
    pos = 0
    for g, size in enumerate(kind.group_sizes):
        grp = [symbol_value(c) for c in positions[pos: pos + size + 1]]
        pos += size + 1
        if any(v is None for v in grp) or _horner(grp) != g:
            raise _err("Mistyped", group=g + 1)
        data.extend(grp[:-1])
    # 3. whole-code CRC-16
    b = 0
    for v in data:
        b = (b << 5) | v
    k = kind.check_bits
    crc = b & ((1 << k) - 1)
    payload = (b >> k).to_bytes(kind.payload_len, "big")
    if crc != crc16(payload) >> (16 - k):
        raise _err("Mistyped", group=None)
    # 4. version
    version = payload[0] >> 3
    if version != 1:
        raise _err("UnsupportedVersion", found=version)
    return payload


def header(epoch: int) -> bytes:
    """§3.4: u16((version << 11) | epoch). Epoch 0 fits the 11 bits: a parsed code may carry it
    (sealing then refuses it); key rings never issue it."""
    if not 0 <= epoch <= 2047:
        raise ValueError("epoch out of range")
    return u16((1 << 11) | epoch)


def header_epoch(payload: bytes) -> int:
    return int.from_bytes(payload[:2], "big") & 0x7FF


# ---------------------------------------------------------------------------------------------
# §4 Key schedule
# ---------------------------------------------------------------------------------------------

LABEL = b"offline-reset-v1"


def labeled_extract(salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hkdf_extract(salt, LABEL + label + ikm)


def labeled_expand(prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return hkdf_expand(prk, u16(length) + LABEL + label + info, length)


def key_schedule(z: bytes, epoch: int, server_compressed: bytes, machine_x: bytes):
    """Returns (prk, K)."""
    prk = labeled_extract(b"", b"shared_secret", z)
    k = labeled_expand(prk, b"machine_key", u16(epoch) + server_compressed + machine_x, 64)
    return prk, k


def machine_point_from_x(machine_x: bytes) -> ec.EllipticCurvePublicKey:
    """§4: M' = decompress(0x02 || x(M)), validated; InvalidKeyMaterial otherwise."""
    if len(machine_x) != 32:
        raise _err("InvalidKeyMaterial")
    return validate_compressed_point(b"\x02" + machine_x)


# ---------------------------------------------------------------------------------------------
# §5 Accounts and passwords
# ---------------------------------------------------------------------------------------------

def _ranges(*spec) -> frozenset:
    out = set()
    for r in spec:
        lo, hi = r if isinstance(r, tuple) else (r, r)
        out.update(chr(c) for c in range(lo, hi + 1))
    return frozenset(out)


CONTROL = _ranges((0x0000, 0x001F), (0x007F, 0x009F))  # Cc
# §5 step 3: general category Cf, Unicode 17.0.0, exactly these ranges (normative).
FORMAT = _ranges(0x00AD, (0x0600, 0x0605), 0x061C, 0x06DD, 0x070F, (0x0890, 0x0891), 0x08E2,
                 0x180E, (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
                 (0x2066, 0x206F), 0xFEFF, (0xFFF9, 0xFFFB), 0x110BD, 0x110CD,
                 (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), 0xE0001,
                 (0xE0020, 0xE007F))
LINE_PARAGRAPH = frozenset("\u2028\u2029")
FORBIDDEN = frozenset('"/[]:;|=,+*?<>')
assert len(FORBIDDEN) == 14
MAX_NAME_UTF8 = 256

# NameProblem (§5), with its numbers.
NAME_PROBLEMS = {
    "Empty": 1, "SurroundingWhiteSpace": 2, "ControlOrFormatCharacter": 3,
    "LineOrParagraphSeparator": 4, "QualifiedName": 5, "ForbiddenCharacter": 6, "TooLong": 7,
}

_UPCASE: dict = {}


def load_upcase_table(path: str) -> dict:
    """§5: the normative Windows upper-case table (tests/vectors/windows-upcase/upcase.json):
    973 pairs [code unit, uppercase code unit] in hexadecimal."""
    with open(path, encoding="utf-8") as fh:
        table = json.load(fh)
    _UPCASE.clear()
    for unit, upper in table["mappings"]:
        _UPCASE[int(unit, 16)] = int(upper, 16)
    return table


def upcase_unit(u: int) -> int:
    if not _UPCASE:
        raise RuntimeError("load_upcase_table() first: §5 makes the table normative")
    return _UPCASE.get(u, u)


def normalized_form(name: str) -> str:
    """§5: UTF-16 code unit by code unit through the table. Characters outside the BMP are
    surrogate pairs, and surrogates map to themselves, so they are unchanged."""
    return "".join(chr(upcase_unit(ord(c))) if ord(c) < 0x10000 else c for c in name)


def name_problem(name: str) -> Optional[str]:
    """§5: the first problem that applies, or None when the name is accepted."""
    if name == "":
        return "Empty"
    if name[0] in WHITE_SPACE or name[-1] in WHITE_SPACE:
        return "SurroundingWhiteSpace"
    if any(c in CONTROL or c in FORMAT for c in name):
        return "ControlOrFormatCharacter"
    if any(c in LINE_PARAGRAPH for c in name):
        return "LineOrParagraphSeparator"
    if "\\" in name:
        return "QualifiedName"
    if any(c in FORBIDDEN for c in name):
        return "ForbiddenCharacter"
    if len(normalized_form(name).encode("utf-8")) > MAX_NAME_UTF8:
        return "TooLong"
    return None


def _normalize(name: str, error: str) -> str:
    problem = name_problem(name)
    if problem is not None:
        raise _err(error, problem=problem)
    return normalized_form(name)


def normalize_username(s: str) -> str:
    return _normalize(s, "InvalidUsername")


def normalize_domain(s: str) -> str:
    return _normalize(s, "InvalidDomain")


MIN_SID_LEN = 12
MAX_SID_LEN = 68


def check_sid(sid: bytes) -> bytes:
    """§5 SID: revision 1, 1 … 15 sub-authorities, exactly 8 + 4c bytes; else InvalidSid."""
    sid = bytes(sid)
    if (len(sid) < 8 or sid[0] != 1 or not 1 <= sid[1] <= 15
            or len(sid) != 8 + 4 * sid[1]):
        raise _err("InvalidSid")
    return sid


@dataclass(frozen=True)
class Account:
    username: str  # normalized
    domain: str    # normalized
    sid: bytes     # binary SID (§5), checked

    @staticmethod
    def names(username: str, domain: str) -> tuple:
        """§5: the username, then the domain, checked and normalized (the SID is checked after
        both, by `new`)."""
        return normalize_username(username), normalize_domain(domain)

    @staticmethod
    def new(username: str, domain: str, sid: bytes) -> "Account":
        # §5: the username first, so its error wins when both are invalid; then the SID.
        u = normalize_username(username)
        d = normalize_domain(domain)
        return Account(u, d, check_sid(sid))

    def domain_utf8(self) -> bytes:
        return self.domain.encode("utf-8")

    def username_utf8(self) -> bytes:
        return self.username.encode("utf-8")

    def fingerprint(self) -> bytes:
        """§9.7: account fingerprint."""
        d, u = self.domain_utf8(), self.username_utf8()
        return sha256(b"offline-reset-v1 account" + u16(len(d)) + d + u16(len(u)) + u
                      + bytes([len(self.sid)]) + self.sid)[:16]


LABEL_SEPARATORS = "\u002E\u3002\uFF0E\uFF61"  # UTS #46 label separators


def default_offline_domain(fqdn: str) -> str:
    """§5 default offline domain."""
    if fqdn and (fqdn[0] in WHITE_SPACE or fqdn[-1] in WHITE_SPACE):
        raise _err("InvalidDomain", problem="SurroundingWhiteSpace")
    cut = min((i for i, c in enumerate(fqdn) if c in LABEL_SEPARATORS), default=len(fqdn))
    return normalize_domain(fqdn[:cut])


def check_password(password: str) -> bytes:
    b = password.encode("utf-8")
    if not 1 <= len(b) <= 1024:
        raise _err("InvalidPassword")
    return b


PASSWORD_SALT_LABEL = b"offline-reset-v1 password"
assert len(PASSWORD_SALT_LABEL) == 25


def password_salt(epoch: int, machine_x: bytes, account: Account) -> bytes:
    d, u = account.domain_utf8(), account.username_utf8()
    return sha256(PASSWORD_SALT_LABEL + u16(epoch) + machine_x + u16(len(d)) + d
                  + u16(len(u)) + u + bytes([len(account.sid)]) + account.sid)


def password_binding(password: bytes, epoch: int, machine_x: bytes, account: Account,
                     cost: "PasswordCost") -> bytes:
    """§5: B = Argon2id(new password, salt, m, t, p), 32 bytes."""
    return argon2id(password, password_salt(epoch, machine_x, account), cost.m, cost.t, cost.p)


# ---------------------------------------------------------------------------------------------
# §9.5 Policy
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PasswordCost:
    m: int = 65536  # KiB
    t: int = 3
    p: int = 1

    def in_range(self) -> bool:
        return 19456 <= self.m <= 1048576 and 2 <= self.t <= 64 and 1 <= self.p <= 16

    def validate(self) -> "PasswordCost":
        if not self.in_range():
            raise _err("InvalidPolicy")
        return self

    def encode(self) -> bytes:
        return u32(self.m) + u32(self.t) + u32(self.p)

    @staticmethod
    def decode(b: bytes) -> "PasswordCost":
        assert len(b) == 12
        return PasswordCost(int.from_bytes(b[0:4], "big"), int.from_bytes(b[4:8], "big"),
                            int.from_bytes(b[8:12], "big"))


MIN_PASSWORD_COST = PasswordCost(19456, 2, 1)


POLICY_LEN = 20


@dataclass(frozen=True)
class Policy:
    """§9.5. Field order in the encoding: lifetime, skew, limit per code, limit per account,
    password cost (the dataclass keeps the password cost third for positional callers)."""
    lifetime_minutes: int = 1440
    clock_skew_minutes: int = 10
    password_cost: PasswordCost = PasswordCost()
    failed_opens_per_code: int = 5
    failed_opens_per_account: int = 20

    def validate(self) -> "Policy":
        if (not 1 <= self.lifetime_minutes <= 16383 or not 0 <= self.clock_skew_minutes <= 1440
                or not 1 <= self.failed_opens_per_code <= 1000
                or not 1 <= self.failed_opens_per_account <= 1000
                or not self.password_cost.in_range()):
            raise _err("InvalidPolicy")
        return self

    def encode(self) -> bytes:
        return (u16(self.lifetime_minutes) + u16(self.clock_skew_minutes)
                + u16(self.failed_opens_per_code) + u16(self.failed_opens_per_account)
                + self.password_cost.encode())

    def with_cost(self, cost: PasswordCost) -> "Policy":
        return Policy(self.lifetime_minutes, self.clock_skew_minutes, cost,
                      self.failed_opens_per_code, self.failed_opens_per_account)

    @staticmethod
    def decode(b: bytes) -> "Policy":
        """The whole 20-byte field, then its ranges (§9.5)."""
        assert len(b) == POLICY_LEN
        return Policy(int.from_bytes(b[0:2], "big"), int.from_bytes(b[2:4], "big"),
                      PasswordCost.decode(b[8:20]), int.from_bytes(b[4:6], "big"),
                      int.from_bytes(b[6:8], "big")).validate()


# ---------------------------------------------------------------------------------------------
# §6 Identification code
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IdentificationCode:
    epoch: int
    machine_x: bytes

    def payload(self) -> bytes:
        return header(self.epoch) + self.machine_x

    def text(self) -> str:
        return encode_typed(self.payload(), IDENTIFICATION)

    @staticmethod
    def parse(text: str) -> "IdentificationCode":
        p = parse_typed(text, IDENTIFICATION)
        # §3.4: parsing does not check the epoch; sealing refuses epochs the ring lacks.
        return IdentificationCode(header_epoch(p), p[2:])

    def uri(self, base_url: str) -> str:
        """§6.1: the identification code URI for the portal base URL `base_url`."""
        check_uri_base(base_url)
        return base_url + uri_joiner(base_url) + URI_PARAM + "=" + self.text()


# ---------------------------------------------------------------------------------------------
# §6.1 Identification code URI
# ---------------------------------------------------------------------------------------------

URI_PARAM = "olr-id"
URI_BASE_MAX = 512
# RFC 3986 unreserved and reserved characters, and `%` (§6.1 rule 1); `#` is not among them.
URI_BASE_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "-._~:/?[]@!$&'()*+,;=%")
assert "#" not in URI_BASE_CHARS and len(URI_BASE_CHARS) == 62 + 4 + 6 + 11 + 1


def _ascii_lower(s: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def _query_params(query: str) -> list:
    """§6.1 reader: split at every `&`; a part's (name, value) around its first `=`
    (the value is None when the part has no `=`)."""
    out = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        out.append((name, value if eq else None))
    return out


def check_uri_base(base: str) -> None:
    """§6.1 rule 1: refuse (MalformedInput) a base URL that breaks any rule; nothing is escaped."""
    prefix = "https://"
    if _ascii_lower(base[:len(prefix)]) != prefix:
        raise _err("MalformedInput")
    # "followed by at least one character other than `/`": read as the character right after
    # `https://` existing and not being `/` (an empty authority is refused).
    if len(base) <= len(prefix) or base[len(prefix)] == "/":
        raise _err("MalformedInput")
    if any(c not in URI_BASE_CHARS for c in base) or "#" in base:
        raise _err("MalformedInput")
    if len(base.encode("ascii")) > URI_BASE_MAX:
        raise _err("MalformedInput")
    if "?" in base:
        query = base.split("?", 1)[1]
        if any(name == URI_PARAM for name, _ in _query_params(query)):
            raise _err("MalformedInput")


def uri_joiner(base: str) -> str:
    """§6.1 rule 2."""
    if "?" not in base:
        return "?"
    q = base.split("?", 1)[1]
    return "" if q == "" or q.endswith("&") else "&"


def identification_uri(base: str, code: "IdentificationCode") -> str:
    return code.uri(base)


def parse_uri_or_code(text: str) -> "IdentificationCode":
    """§6.1 reader: a URI (after leading separators, `https://` or `http://`, ASCII
    case-insensitively) or a bare code (§3.3)."""
    i = 0
    while i < len(text) and text[i] in SEPARATORS:
        i += 1
    rest = text[i:]
    low = _ascii_lower(rest[:8])
    if not (low.startswith("https://") or low.startswith("http://")):
        return IdentificationCode.parse(text)
    uri = rest.split("#", 1)[0]
    query = uri.split("?", 1)[1] if "?" in uri else ""
    values = [value for name, value in _query_params(query) if name == URI_PARAM]
    if len(values) != 1:
        raise _err("MalformedInput")
    # A part named `olr-id` without `=`: its value is what follows the (absent) `=`, read as
    # the empty string, which then fails §3.3 step 1 with MalformedInput.
    return IdentificationCode.parse(values[0] if values[0] is not None else "")


# ---------------------------------------------------------------------------------------------
# §7 Reset code
# ---------------------------------------------------------------------------------------------

TIME_ORIGIN = 1735689600
AD_LABEL = b"offline-reset-v1 reset code"
assert len(AD_LABEL) == 27


def reset_code_ad(epoch: int, machine_x: bytes, account: Account, binding: bytes) -> list:
    """§7.1 step 6: [A1 … A7]; A6 is the SID, A7 the password binding B (§5)."""
    assert len(binding) == 32
    return [AD_LABEL, header(epoch), machine_x, account.domain_utf8(), account.username_utf8(),
            account.sid, binding]


@dataclass
class AcceptedReset:
    """§7.2 step 6: the result of a successful open."""
    issued_at: int
    expires_at: int
    valid_from: int
    valid_until: int  # exclusive
    code_id: bytes  # V, 16 bytes
    account_fingerprint: bytes  # 16 bytes


# ---------------------------------------------------------------------------------------------
# §9.1–§9.3 Envelopes and wrapping
# ---------------------------------------------------------------------------------------------

MAGIC = b"OLR"
KIND_KEY_RING = 1
KIND_MACHINE_STATE = 2
KIND_DEPLOYMENT = 3
KIND_REPLAY_LEDGER = 4
KIND_TOKEN_RING_RECORD = 5
MAX_BODY = 1 << 20
WRAP_CHECK_AD = b"offline-reset-v1 wrapping key check"
WRAP_AD = b"offline-reset-v1 wrap"


def _check_wrapping_key(key: Optional[bytes]) -> None:
    if key is not None and len(key) != 64:
        raise _err("InvalidKeyMaterial")


def wrapping_key_check(key: bytes) -> bytes:
    """§9.3: the ciphertext (after the 16-byte tag) of four zero bytes."""
    return aes_siv_seal(key, [WRAP_CHECK_AD], bytes(4))[16:]


def make_envelope(kind: int, content: bytes, wrapping_key: Optional[bytes] = None) -> bytes:
    _check_wrapping_key(wrapping_key)
    if wrapping_key is None:
        h = MAGIC + bytes([1, kind, 0]) + u32(len(content))
        out = h + content
    else:
        body_len = 4 + 16 + len(content)
        h = MAGIC + bytes([1, kind, 1]) + u32(body_len)
        body = wrapping_key_check(wrapping_key) + aes_siv_seal(wrapping_key, [WRAP_AD, h], content)
        assert len(body) == body_len
        out = h + body
    return out + u32(crc32(out))


def open_envelope(data: bytes, kind: int, wrapping_key: Optional[bytes] = None) -> bytes:
    """§9.2, in the specified order. Returns the (unwrapped) content."""
    _check_wrapping_key(wrapping_key)                                      # 0
    n = min(len(data), 3)
    if data[:n] != MAGIC[:n]:                                              # 1
        raise _err("MalformedInput")
    if len(data) > 3 and data[3] != 1:                                     # 2
        raise _err("UnsupportedVersion", found=data[3])
    if len(data) < 14:                                                     # 3
        raise _err("Truncated")
    body_len = int.from_bytes(data[6:10], "big")
    if body_len > MAX_BODY:                                                # 4
        raise _err("MalformedInput")
    total = 14 + body_len
    if len(data) < total:                                                  # 5
        raise _err("Truncated")
    if len(data) > total:
        raise _err("MalformedInput")
    if int.from_bytes(data[10 + body_len:], "big") != crc32(data[:10 + body_len]):  # 6
        raise _err("Corrupted")
    if data[4] != kind:                                                    # 7
        raise _err("WrongKind")
    protection = data[5]                                                   # 8
    body = data[10:10 + body_len]
    if protection == 0:
        if wrapping_key is not None:
            raise _err("WrappingMismatch")
        return body
    if protection == 1:
        if wrapping_key is None:
            raise _err("WrappingMismatch")
        if len(body) < 20:
            raise _err("MalformedInput")
        if not _stdlib_hmac.compare_digest(body[:4], wrapping_key_check(wrapping_key)):
            raise _err("WrongWrappingKey")
        try:
            return aes_siv_open(wrapping_key, [WRAP_AD, data[:10]], body[4:])
        except InvalidTag:
            raise _err("Corrupted") from None
    raise _err("MalformedInput")


class _Reader:
    """Reads fields in order; a field cut short by the end of the content is MalformedInput."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _err("MalformedInput")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def int(self, n: int, signed: bool = False) -> int:
        return int.from_bytes(self.take(n), "big", signed=signed)

    def policy(self) -> Policy:
        return Policy.decode(self.take(POLICY_LEN))

    def password_cost(self) -> PasswordCost:
        return PasswordCost.decode(self.take(12)).validate()

    def epoch(self) -> int:
        e = self.int(2)
        if not 1 <= e <= 2047:
            raise _err("MalformedInput")
        return e

    def end(self) -> None:
        if self.pos != len(self.data):
            raise _err("MalformedInput")


# ---------------------------------------------------------------------------------------------
# §9.4 Server key ring
# ---------------------------------------------------------------------------------------------

MAX_GENERATIONS = 16


def _saturating_deadline(retired_at: int, window: int) -> int:
    return min(retired_at + window, I64_MAX)


@dataclass
class Generation:
    epoch: int
    secret: bytes
    password_cost: PasswordCost
    retired: bool = False
    retired_at: int = 0
    window: int = 0  # grace window, seconds

    def private_key(self) -> ec.EllipticCurvePrivateKey:
        return validate_scalar(self.secret)

    def public_compressed(self) -> bytes:
        return compressed(self.private_key().public_key())

    def expired(self, now: int) -> bool:
        return self.retired and now >= _saturating_deadline(self.retired_at, self.window)

    def encode(self) -> bytes:
        return (u16(self.epoch) + bytes([1 if self.retired else 0]) + i64(self.retired_at)
                + u32(self.window) + self.password_cost.encode() + self.secret)


def _read_generations(r: "_Reader", key_len: int, check_key) -> list:
    """§9.4's `u16(count)` and generations (§9.8's with public keys): each field checked as it
    is read, the last generation known from `count` before its fields are read. Returns
    (epoch, retired, retired at, grace window, password cost, key) tuples."""
    count = r.int(2)
    if not 1 <= count <= MAX_GENERATIONS:
        raise _err("MalformedInput")
    gens = []
    prev = 0
    for i in range(count):
        last = i == count - 1
        epoch = r.epoch()
        if epoch <= prev:
            raise _err("MalformedInput")
        prev = epoch
        retired = r.int(1)
        if retired != (0 if last else 1):
            raise _err("MalformedInput")
        retired_at = r.int(8, signed=True)
        if last and retired_at != 0:
            raise _err("MalformedInput")
        window = r.int(4)
        if (last and window != 0) or (not last and window < 1):
            raise _err("MalformedInput")
        cost = r.password_cost()
        key = r.take(key_len)
        check_key(key)
        gens.append((epoch, not last, retired_at, window, cost, key))
    return gens


KEY_RING_HEADER_LEN = POLICY_LEN + 4 + 32 + 32 + 2  # 90
GENERATION_LEN = 59


@dataclass
class KeyRing:
    policy: Policy
    grace_seconds: int
    signing_secret: bytes  # d, 32 bytes
    next_signing_secret: Optional[bytes]  # None when no signing-key rotation is under way
    generations: list = field(default_factory=list)

    @staticmethod
    def new(first_secret: bytes, signing_secret: bytes, policy: Policy = Policy(),
            grace_seconds: int = 0) -> "KeyRing":
        """§9.4: a new ring at epoch 1 with the policy's password cost. The ring draws the
        epoch-1 secret, then the signing secret; here both are given."""
        validate_scalar(first_secret)
        validate_scalar(signing_secret)
        policy.validate()
        return KeyRing(policy, grace_seconds, signing_secret, None,
                       [Generation(1, first_secret, policy.password_cost)])

    @property
    def current(self) -> Generation:
        return self.generations[-1]

    def generation(self, epoch: int) -> Optional[Generation]:
        return next((g for g in self.generations if g.epoch == epoch), None)

    def password_cost(self, epoch: int) -> Optional[PasswordCost]:
        g = self.generation(epoch)
        return None if g is None else g.password_cost

    def rotate(self, now: int, new_secret: bytes) -> None:
        """§9.4 rotate(now); the new secret is supplied (normally drawn at random)."""
        cur = self.current
        if cur.epoch >= 2047:
            raise _err("EpochsExhausted")
        validate_scalar(new_secret)
        cur.retired, cur.retired_at, cur.window = True, now, self.grace_seconds
        self.generations.append(Generation(cur.epoch + 1, new_secret, self.policy.password_cost))
        self.generations = [g for g in self.generations if not g.expired(now)]
        self.generations = self.generations[-MAX_GENERATIONS:]

    def set_grace_period(self, grace_seconds: int) -> None:
        """§9.4: lowers (never raises) retired windows; erases those that become 0."""
        self.grace_seconds = grace_seconds
        for g in self.generations:
            if g.retired:
                g.window = min(g.window, grace_seconds)
        self.generations = [g for g in self.generations if not (g.retired and g.window == 0)]

    def set_policy(self, policy: Policy) -> None:
        """The policy applies to sealing and the next package; its password cost only to
        generations made from now on (§9.4)."""
        self.policy = policy.validate()

    def set_attempt_limits(self, per_code: int, per_account: int) -> None:
        self.set_policy(Policy(self.policy.lifetime_minutes, self.policy.clock_skew_minutes,
                               self.policy.password_cost, per_code, per_account))

    def prune(self, now: int) -> None:
        """§9.4 (CHANGELOG): erase expired generations without rotating."""
        self.generations = [g for g in self.generations if not g.expired(now)]

    # --- signing key (§9.4)
    def begin_signing_key_rotation(self, new_signing_secret: bytes) -> None:
        """Draws the next signing secret when none is set (here it is given); otherwise
        nothing changes."""
        if self.next_signing_secret is None:
            validate_scalar(new_signing_secret)
            self.next_signing_secret = new_signing_secret

    def finish_signing_key_rotation(self) -> None:
        if self.next_signing_secret is not None:
            self.signing_secret = self.next_signing_secret
            self.next_signing_secret = None

    def signer_public(self) -> bytes:
        return compressed(validate_scalar(self.signing_secret).public_key())

    def next_signer_public(self) -> bytes:
        secret = self.next_signing_secret or self.signing_secret
        return compressed(validate_scalar(secret).public_key())

    def deployment_package_object(self) -> "DeploymentPackage":
        """§8: the current epoch, its public key, the ring policy's lifetime, skew and attempt
        limits with the current generation's password cost; signed with d."""
        cur = self.current
        return DeploymentPackage.sign(cur.epoch, cur.public_compressed(),
                                      self.policy.with_cost(cur.password_cost),
                                      validate_scalar(self.signing_secret),
                                      self.next_signer_public())

    def deployment_package(self) -> str:
        return self.deployment_package_object().text()

    def seal(self, identification_code: str, username: str, domain: str, sid: bytes,
             password: str, now: int) -> str:
        """§7.1 (the code is parsed and the account checked before step 1)."""
        ident = IdentificationCode.parse(identification_code)
        account = Account.new(username, domain, sid)
        pw = check_password(password)                                    # 1
        e = ident.epoch                                                  # 2
        gen = self.generation(e)
        usable = gen is not None and (gen is self.current or (gen.retired and not gen.expired(now)))
        if not usable:
            raise _err("KeyRotated", code_epoch=e, current_epoch=self.current.epoch)
        m_prime = machine_point_from_x(ident.machine_x)                  # 3
        minute = (now - TIME_ORIGIN) // 60                               # 4
        if not 0 <= minute <= (1 << 26) - 1:
            raise _err("TimeOutOfRange")
        s_pub = gen.public_compressed()                                  # 5
        _, k = key_schedule(ecdh(gen.private_key(), m_prime), e, s_pub, ident.machine_x)
        b = password_binding(pw, e, ident.machine_x, account, gen.password_cost)
        plaintext = (minute * (1 << 14) + self.policy.lifetime_minutes).to_bytes(8, "big")[3:]
        sealed = aes_siv_seal(k, reset_code_ad(e, ident.machine_x, account, b), plaintext)  # 6
        payload = header(e) + sealed                                     # 7
        assert len(payload) == 23
        return encode_typed(payload, RESET)

    # --- §9.4 storage
    def content(self) -> bytes:
        out = (self.policy.encode() + u32(self.grace_seconds) + self.signing_secret
               + (self.next_signing_secret or bytes(32)) + u16(len(self.generations)))
        for g in self.generations:
            out += g.encode()
        return out

    def export(self, wrapping_key: Optional[bytes] = None) -> bytes:
        return make_envelope(KIND_KEY_RING, self.content(), wrapping_key)

    @staticmethod
    def from_content(content: bytes) -> "KeyRing":
        r = _Reader(content)
        policy = r.policy()
        grace = r.int(4)
        signing = r.take(32)
        validate_scalar(signing)
        nxt = r.take(32)
        if nxt == bytes(32):
            nxt = None
        else:
            validate_scalar(nxt)
        gens = [Generation(epoch, secret, cost, retired, retired_at, window)
                for epoch, retired, retired_at, window, cost, secret
                in _read_generations(r, 32, validate_scalar)]
        r.end()
        return KeyRing(policy, grace, signing, nxt, gens)

    @staticmethod
    def import_(data: bytes, wrapping_key: Optional[bytes] = None) -> "KeyRing":
        return KeyRing.from_content(open_envelope(data, KIND_KEY_RING, wrapping_key))


# ---------------------------------------------------------------------------------------------
# §9.8 Token ring record (the public part of a ring whose keys are in a PKCS#11 token)
# ---------------------------------------------------------------------------------------------

TOKEN_RING_HEADER_LEN = 8 + POLICY_LEN + 4 + 33 + 33 + 2  # 100
TOKEN_GENERATION_LEN = 60


@dataclass(frozen=True)
class TokenGeneration:
    epoch: int
    retired: bool
    retired_at: int
    window: int  # grace window, seconds
    password_cost: PasswordCost
    public: bytes  # compressed point (33)

    def encode(self) -> bytes:
        return (u16(self.epoch) + bytes([1 if self.retired else 0]) + i64(self.retired_at)
                + u32(self.window) + self.password_cost.encode() + self.public)


@dataclass(frozen=True)
class TokenRingRecord:
    """§9.8: §9.4's content with every secret replaced by its compressed public key, and a
    serial in front. The record is the CKA_VALUE of the ring's CKO_DATA object."""
    serial: int
    policy: Policy
    grace_seconds: int
    signing_public: bytes
    next_signing_public: Optional[bytes]  # None: 33 zero bytes, no signing-key rotation
    generations: tuple

    @staticmethod
    def of_key_ring(ring: KeyRing, serial: int) -> "TokenRingRecord":
        """The record a token would hold for these keys (used by the self-checks)."""
        nxt = ring.next_signing_secret
        return TokenRingRecord(
            serial, ring.policy, ring.grace_seconds, ring.signer_public(),
            None if nxt is None else compressed(validate_scalar(nxt).public_key()),
            tuple(TokenGeneration(g.epoch, g.retired, g.retired_at, g.window, g.password_cost,
                                  g.public_compressed()) for g in ring.generations))

    def content(self) -> bytes:
        out = (u64(self.serial) + self.policy.encode() + u32(self.grace_seconds)
               + self.signing_public + (self.next_signing_public or bytes(33))
               + u16(len(self.generations)))
        for g in self.generations:
            out += g.encode()
        return out

    def envelope(self) -> bytes:
        return make_envelope(KIND_TOKEN_RING_RECORD, self.content())

    @staticmethod
    def from_content(content: bytes) -> "TokenRingRecord":
        """Field by field, in order (§9.4 rules with §9.8's exceptions)."""
        r = _Reader(content)
        serial = r.int(8)
        policy = r.policy()
        grace = r.int(4)
        signing = r.take(33)
        validate_compressed_point(signing)
        nxt = r.take(33)
        if nxt == bytes(33):
            nxt = None
        else:
            validate_compressed_point(nxt)
        gens = tuple(TokenGeneration(*g) for g in
                     _read_generations(r, 33, validate_compressed_point))
        r.end()
        return TokenRingRecord(serial, policy, grace, signing, nxt, gens)

    @staticmethod
    def read(data: bytes) -> "TokenRingRecord":
        """The object's CKA_VALUE: a plain envelope (§9.2 with no wrapping key) of kind 5."""
        return TokenRingRecord.from_content(open_envelope(data, KIND_TOKEN_RING_RECORD))

    def as_dict(self) -> dict:
        """A JSON form: policy and password costs as in §13, keys as lowercase hex."""
        def cost(c: PasswordCost) -> dict:
            return {"memory_kib": c.m, "iterations": c.t, "parallelism": c.p}
        p = self.policy
        return {
            "serial": self.serial,
            "policy": {"lifetime_minutes": p.lifetime_minutes,
                       "clock_skew_minutes": p.clock_skew_minutes,
                       "failed_opens_per_code": p.failed_opens_per_code,
                       "failed_opens_per_account": p.failed_opens_per_account,
                       "password_cost": cost(p.password_cost)},
            "retired_grace_seconds": self.grace_seconds,
            "signing_public": self.signing_public.hex(),
            "next_signing_public": (None if self.next_signing_public is None
                                    else self.next_signing_public.hex()),
            "generations": [{"epoch": g.epoch, "retired": g.retired, "retired_at": g.retired_at,
                             "grace_window_seconds": g.window,
                             "password_cost": cost(g.password_cost), "public": g.public.hex()}
                            for g in self.generations],
        }


# ---------------------------------------------------------------------------------------------
# §8 Deployment package
# ---------------------------------------------------------------------------------------------

def base32_encode(data: bytes) -> str:
    nbits = 8 * len(data)
    nsym = (nbits + 4) // 5
    v = int.from_bytes(data, "big") << (5 * nsym - nbits)
    return "".join(ALPHABET[(v >> (5 * (nsym - 1 - i))) & 31] for i in range(nsym))


def base32_decode(text: str) -> bytes:
    """§8 steps 1–2."""
    chars = [c for c in text if c not in SEPARATORS]   # 1: n counts Unicode scalar values
    n = len(chars)
    if n % 8 in (1, 3, 6):                              # 2: length first
        raise _err("Truncated")
    values = [symbol_value(c) for c in chars]
    if any(v is None for v in values):
        raise _err("MalformedInput")
    acc = 0
    for v in values:
        acc = (acc << 5) | v
    nbits = 5 * n
    nbytes = nbits // 8
    return (acc >> (nbits - 8 * nbytes)).to_bytes(nbytes, "big")


def looks_like_utf16(data: bytes) -> bool:
    """§8 step 0."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    k = min(len(data), 32) & ~1
    if k < 2:
        return False
    return all(data[i] == 0 for i in range(0, k, 2)) or all(data[i] == 0 for i in range(1, k, 2))


@dataclass(frozen=True)
class DeploymentPackage:
    epoch: int
    server_public: bytes  # compressed, 33
    policy: Policy
    signer: bytes  # compressed, 33
    next_signer: bytes  # compressed, 33
    signature: bytes  # r || s, 64

    SIGNED_LEN = 2 + 33 + POLICY_LEN + 33 + 33  # 121
    BODY_LEN = SIGNED_LEN + 64  # 185
    ENVELOPE_LEN = 14 + BODY_LEN  # 199
    TEXT_LEN = 319

    @staticmethod
    def signed_part(epoch: int, server_public: bytes, policy: Policy, signer: bytes,
                    next_signer: bytes) -> bytes:
        return u16(epoch) + server_public + policy.encode() + signer + next_signer

    @staticmethod
    def sign(epoch: int, server_public: bytes, policy: Policy,
             signing_key: ec.EllipticCurvePrivateKey, next_signer: bytes) -> "DeploymentPackage":
        signer = compressed(signing_key.public_key())
        signed = DeploymentPackage.signed_part(epoch, server_public, policy, signer, next_signer)
        sig = ecdsa_sign(signing_key, DEPLOYMENT_SIGNATURE_LABEL + signed)
        return DeploymentPackage(epoch, server_public, policy, signer, next_signer, sig)

    def signed(self) -> bytes:
        return self.signed_part(self.epoch, self.server_public, self.policy, self.signer,
                                self.next_signer)

    def content(self) -> bytes:
        return self.signed() + self.signature

    def envelope(self) -> bytes:
        return make_envelope(KIND_DEPLOYMENT, self.content())

    def text(self) -> str:
        return base32_encode(self.envelope())

    def fingerprint(self) -> str:
        """§8: lowercase hex SHA-256 of the 199 envelope bytes."""
        return sha256(self.envelope()).hex()

    @staticmethod
    def from_envelope(data: bytes) -> "DeploymentPackage":
        """§8 steps 3–4."""
        body = open_envelope(data, KIND_DEPLOYMENT, None)
        r = _Reader(body)
        epoch = r.epoch()
        s = r.take(33)
        validate_compressed_point(s)
        policy = r.policy()
        signer = r.take(33)
        signer_key = validate_compressed_point(signer)
        next_signer = r.take(33)
        validate_compressed_point(next_signer)
        signature = r.take(64)
        r.end()
        pkg = DeploymentPackage(epoch, s, policy, signer, next_signer, signature)
        if not ecdsa_verify(signer_key, DEPLOYMENT_SIGNATURE_LABEL + pkg.signed(), signature):
            raise _err("PackageSignatureInvalid")
        return pkg

    @staticmethod
    def parse(text: str) -> "DeploymentPackage":
        """§8 steps 1–4 (text)."""
        return DeploymentPackage.from_envelope(base32_decode(text))

    @staticmethod
    def from_bytes(data: bytes) -> "DeploymentPackage":
        """§8 step 0, then the text."""
        if looks_like_utf16(data):
            raise _err("Utf16Text")
        try:
            text = data.decode("utf-8")  # strict: well-formed UTF-8 only
        except UnicodeDecodeError:
            raise _err("MalformedInput") from None
        return DeploymentPackage.parse(text)


assert DeploymentPackage.SIGNED_LEN == 121 and DeploymentPackage.BODY_LEN == 185
assert len(base32_encode(bytes(DeploymentPackage.ENVELOPE_LEN))) == DeploymentPackage.TEXT_LEN


def _as_package(package) -> DeploymentPackage:
    if isinstance(package, DeploymentPackage):
        return package
    if isinstance(package, (bytes, bytearray)):
        return DeploymentPackage.from_bytes(bytes(package))
    return DeploymentPackage.parse(package)


# ---------------------------------------------------------------------------------------------
# §7.2 / §9.6 Machine
# ---------------------------------------------------------------------------------------------

@dataclass
class Machine:
    epoch: int
    server_public: bytes
    policy: Policy
    pinned_signer: bytes
    machine_x: bytes
    key: bytes  # K, 64 bytes

    STATE_LEN = 2 + 33 + POLICY_LEN + 33 + 32 + 64  # 184

    @staticmethod
    def _derive(pkg: DeploymentPackage, machine_secret: bytes):
        m = validate_scalar(machine_secret)
        s_pub = validate_compressed_point(pkg.server_public)
        mx = x_coordinate(m.public_key())
        _, k = key_schedule(ecdh(m, s_pub), pkg.epoch, pkg.server_public, mx)
        return mx, k

    @staticmethod
    def enroll(package, machine_secret: bytes) -> "Machine":
        """§8 first enrollment (trust on first use), with a given machine secret (normally 32
        random bytes until valid): read the package, derive K, pin `next signer`."""
        pkg = _as_package(package)
        mx, k = Machine._derive(pkg, machine_secret)
        return Machine(pkg.epoch, pkg.server_public, pkg.policy, pkg.next_signer, mx, k)

    def redeploy(self, package, machine_secret: Optional[bytes] = None) -> None:
        """§8 redeployment, steps 0–4 in order (the package is read first, §8 reading steps
        0–4, so it is consistent with its own signer). `machine_secret` is the key pair drawn
        when the epoch is above the machine's (step 4). The machine is unchanged on error."""
        pkg = _as_package(package)
        if self.is_enrolled_with(pkg):                                           # 0
            # Would change nothing: taken as it is, whoever signed it (for example a signing-
            # key rotation package deployed again after it moved the pin).
            return
        if pkg.signer != self.pinned_signer:                                     # 1
            raise _err("PackageSignatureInvalid")
        if pkg.epoch < self.epoch:                                               # 2
            raise _err("PackageEpochTooOld")
        if pkg.epoch == self.epoch:                                              # 3
            if (pkg.server_public != self.server_public
                    or pkg.policy.password_cost != self.policy.password_cost):
                raise _err("PackageEpochTooOld")
            self.policy = pkg.policy
            self.pinned_signer = pkg.next_signer
            return
        if machine_secret is None:                                               # 4
            raise ValueError("a redeployment to a new epoch draws a new key pair")
        mx, k = Machine._derive(pkg, machine_secret)
        self.epoch, self.server_public, self.policy = pkg.epoch, pkg.server_public, pkg.policy
        self.pinned_signer, self.machine_x, self.key = pkg.next_signer, mx, k

    def is_enrolled_with(self, package) -> bool:
        """§8: true when redeployment step 0 applies: the package's epoch, S and policy (all
        20 bytes: lifetime, skew, both attempt limits, password cost) equal the machine's and its
        next signer is the pinned key. The package's own signer is not compared; this MUST NOT
        decide whether a package is genuine."""
        pkg = _as_package(package)
        return ((pkg.epoch, pkg.server_public, pkg.policy, pkg.next_signer)
                == (self.epoch, self.server_public, self.policy, self.pinned_signer))

    def identification_code(self) -> str:
        return IdentificationCode(self.epoch, self.machine_x).text()

    @property
    def password_cost(self) -> PasswordCost:
        return self.policy.password_cost

    # --- §7.2, split so that redeem (§9.7) can run its steps in between
    def _steps_1_2(self, payload: bytes, password: str) -> bytes:
        pw = check_password(password)                                    # 1
        code_epoch = header_epoch(payload)                               # 2
        if code_epoch < self.epoch:
            raise _err("CodeBeforeRotation", code_epoch=code_epoch, machine_epoch=self.epoch)
        if code_epoch > self.epoch:
            raise _err("RedeployNeeded", code_epoch=code_epoch, machine_epoch=self.epoch)
        return pw

    def _steps_3_5(self, payload: bytes, account: Account, pw: bytes, now: int) -> AcceptedReset:
        b = password_binding(pw, self.epoch, self.machine_x, account, self.password_cost)  # 3
        try:
            pt = aes_siv_open(self.key, reset_code_ad(self.epoch, self.machine_x, account, b),
                              payload[2:])
        except InvalidTag:
            raise _err("Rejected") from None
        v = int.from_bytes(pt, "big")                                    # 4
        minute, code_lifetime = v >> 14, v & 0x3FFF
        lifetime = min(code_lifetime, self.policy.lifetime_minutes)
        issued_at = TIME_ORIGIN + 60 * minute
        expires_at = issued_at + 60 * lifetime
        skew = 60 * self.policy.clock_skew_minutes
        if now < issued_at - skew:                                       # 5
            raise _err("NotYetValid")
        if now >= expires_at + skew:
            raise _err("Expired")
        return AcceptedReset(issued_at, expires_at, issued_at - skew, expires_at + skew,  # 6
                             payload[2:18], account.fingerprint())

    def open_for_diagnostics(self, reset_code: str, username: str, domain: str, sid: bytes,
                             password: str, now: int) -> AcceptedReset:
        """§7.2 alone (counts nothing, records nothing). The code is parsed and the account
        checked before step 1."""
        payload = parse_typed(reset_code, RESET)
        account = Account.new(username, domain, sid)
        pw = self._steps_1_2(payload, password)
        return self._steps_3_5(payload, account, pw, now)

    open = open_for_diagnostics

    def redeem(self, ledger: "ReplayLedger", reset_code: str, username: str, domain: str,
               sid: bytes, password: str, now: int) -> AcceptedReset:
        """§9.7 redeeming, steps 1–12 (the code parsed and the account checked first). The
        ledger changes from step 5 on, whatever the answer; the caller persists it."""
        payload = parse_typed(reset_code, RESET)
        account = Account.new(username, domain, sid)
        if (ledger.epoch, ledger.machine_x) != (self.epoch, self.machine_x):     # 1
            raise _err("LedgerOfAnotherMachine")
        pw = self._steps_1_2(payload, password)                                  # 2
        code_id, fp = payload[2:18], account.fingerprint()                       # 3
        pol = self.policy
        lifetime, s = pol.lifetime_minutes, pol.clock_skew_minutes
        skew = 60 * s
        if ledger.latest is not None and now < ledger.latest - skew:             # 4
            raise _err("ClockSetBack")
        ledger.latest = now if ledger.latest is None else max(ledger.latest, now)  # 5
        ledger.generation += 1
        ledger.codes = {cid: rec for cid, rec in ledger.codes.items()            # 6
                        if not now >= rec.first_failure + 60 * (lifetime + 2 * s)}
        for rec in ledger.accounts.values():
            if rec.count != 0 and now >= rec.window_start + 60 * lifetime:
                rec.count, rec.window_start = 0, 0
        ledger.accounts = {f: rec for f, rec in ledger.accounts.items()
                           if rec.accepted or rec.count != 0}
        code_rec = ledger.codes.get(code_id)                                     # 7
        acct_rec = ledger.accounts.get(fp)
        if ((code_rec is not None and code_rec.count >= pol.failed_opens_per_code)
                or (acct_rec is not None and acct_rec.count >= pol.failed_opens_per_account)):
            raise _err("TooManyAttempts")
        if ((acct_rec is None and len(ledger.accounts) >= MAX_LEDGER_ACCOUNTS)   # 8
                or (code_rec is None and len(ledger.codes) >= MAX_LEDGER_CODES)):
            raise _err("LedgerFull")
        if code_rec is None:                                                     # 9
            code_rec = ledger.codes[code_id] = CodeRecord(0, now)
        code_rec.count += 1
        if acct_rec is None:
            acct_rec = ledger.accounts[fp] = AccountRecord()
        if acct_rec.count == 0:
            acct_rec.window_start = now
        acct_rec.count += 1
        accepted = self._steps_3_5(payload, account, pw, now)                    # 10
        if acct_rec.accepted:                                                    # 11
            if acct_rec.code_id == code_id:
                raise _err("AlreadyUsed")
            if acct_rec.issued_at >= accepted.issued_at:
                raise _err("Superseded")
        acct_rec.accepted, acct_rec.code_id, acct_rec.issued_at = True, code_id, accepted.issued_at  # 12
        acct_rec.count, acct_rec.window_start = 0, 0
        del ledger.codes[code_id]
        return accepted

    # --- §9.6 storage
    def content(self) -> bytes:
        return (u16(self.epoch) + self.server_public + self.policy.encode() + self.pinned_signer
                + self.machine_x + self.key)

    def export(self, wrapping_key: Optional[bytes] = None) -> bytes:
        return make_envelope(KIND_MACHINE_STATE, self.content(), wrapping_key)

    @staticmethod
    def from_content(c: bytes) -> "Machine":
        r = _Reader(c)
        epoch = r.epoch()
        s = r.take(33)
        validate_compressed_point(s)
        policy = r.policy()
        pinned = r.take(33)
        validate_compressed_point(pinned)
        mx = r.take(32)
        machine_point_from_x(mx)
        k = r.take(64)
        r.end()
        return Machine(epoch, s, policy, pinned, mx, k)

    @staticmethod
    def import_(data: bytes, wrapping_key: Optional[bytes] = None) -> "Machine":
        return Machine.from_content(open_envelope(data, KIND_MACHINE_STATE, wrapping_key))


# ---------------------------------------------------------------------------------------------
# §9.7 Replay ledger
# ---------------------------------------------------------------------------------------------

MAX_LEDGER_ACCOUNTS = 1024
MAX_LEDGER_CODES = 256
I64_MIN = -(1 << 63)
ACCOUNT_RECORD_LEN = 51
CODE_RECORD_LEN = 26
LEDGER_HEADER_LEN = 54


@dataclass
class AccountRecord:
    accepted: bool = False
    code_id: bytes = bytes(16)
    issued_at: int = 0
    count: int = 0
    window_start: int = 0

    def encode(self, fp: bytes) -> bytes:
        return (fp + bytes([1 if self.accepted else 0]) + self.code_id + i64(self.issued_at)
                + u16(self.count) + i64(self.window_start))


@dataclass
class CodeRecord:
    count: int
    first_failure: int

    def encode(self, code_id: bytes) -> bytes:
        return code_id + u16(self.count) + i64(self.first_failure)


@dataclass
class ReplayLedger:
    epoch: int
    machine_x: bytes
    generation: int = 0
    latest: Optional[int] = None  # T
    accounts: dict = field(default_factory=dict)  # fingerprint -> AccountRecord
    codes: dict = field(default_factory=dict)  # code id -> CodeRecord

    @staticmethod
    def new(machine: Machine) -> "ReplayLedger":
        return ReplayLedger(machine.epoch, machine.machine_x)

    def counts(self) -> tuple:
        return len(self.accounts), len(self.codes)

    def content(self) -> bytes:
        out = (u16(self.epoch) + self.machine_x + self.generation.to_bytes(8, "big")
               + i64(I64_MIN if self.latest is None else self.latest)
               + u16(len(self.accounts)) + u16(len(self.codes)))
        for fp in sorted(self.accounts):
            out += self.accounts[fp].encode(fp)
        for cid in sorted(self.codes):
            out += self.codes[cid].encode(cid)
        return out

    def export(self, wrapping_key: Optional[bytes] = None) -> bytes:
        return make_envelope(KIND_REPLAY_LEDGER, self.content(), wrapping_key)

    @staticmethod
    def from_content(c: bytes, machine: Machine,
                     minimum_generation: Optional[int] = 0) -> "ReplayLedger":
        """§9.7 reading, steps 1–6 in order; MalformedInput unless said otherwise. Nothing else
        is checked: counts above the machine's limits, negative times and an accepted code id
        of zero bytes read as stored."""
        r = _Reader(c)
        epoch = r.int(2)                                                         # 1
        mx = r.take(32)
        # Only compared, not range-checked: an epoch of 0 is another machine's.
        if (epoch, mx) != (machine.epoch, machine.machine_x):
            raise _err("LedgerOfAnotherMachine")
        generation = r.int(8)                                                    # 2
        # A minimum of 0 (None here: none given) refuses nothing.
        if generation < (minimum_generation or 0):
            raise _err("LedgerRolledBack")
        t = r.int(8, signed=True)                                                # 3
        latest = None if t == I64_MIN else t
        a = r.int(2)
        if a > MAX_LEDGER_ACCOUNTS:
            raise _err("MalformedInput")
        n_codes = r.int(2)
        if n_codes > MAX_LEDGER_CODES:
            raise _err("MalformedInput")
        if latest is None and (a or n_codes):
            raise _err("MalformedInput")
        skew = 60 * machine.policy.clock_skew_minutes
        accounts = {}
        prev = None
        for _ in range(a):                                                       # 4
            fp = r.take(16)
            if prev is not None and fp <= prev:
                raise _err("MalformedInput")
            prev = fp
            flag = r.int(1)
            if flag not in (0, 1):
                raise _err("MalformedInput")
            cid = r.take(16)
            issued_at = r.int(8, signed=True)
            count = r.int(2)
            window_start = r.int(8, signed=True)
            if flag == 0:
                if cid != bytes(16) or issued_at != 0 or count == 0:
                    raise _err("MalformedInput")
            else:
                if (issued_at < TIME_ORIGIN or (issued_at - TIME_ORIGIN) % 60 != 0
                        or issued_at > latest + skew):
                    raise _err("MalformedInput")
            if count == 0 and window_start != 0:
                raise _err("MalformedInput")
            if count != 0 and window_start > latest:
                raise _err("MalformedInput")
            accounts[fp] = AccountRecord(flag == 1, cid, issued_at, count, window_start)
        codes = {}
        prev = None
        for _ in range(n_codes):                                                 # 5
            cid = r.take(16)
            if prev is not None and cid <= prev:
                raise _err("MalformedInput")
            prev = cid
            count = r.int(2)
            first = r.int(8, signed=True)
            if count == 0 or first > latest:
                raise _err("MalformedInput")
            codes[cid] = CodeRecord(count, first)
        r.end()                                                                  # 6
        return ReplayLedger(epoch, mx, generation, latest, accounts, codes)

    @staticmethod
    def import_(data: bytes, wrapping_key: Optional[bytes], machine: Machine,
                minimum_generation: Optional[int] = 0) -> "ReplayLedger":
        return ReplayLedger.from_content(open_envelope(data, KIND_REPLAY_LEDGER, wrapping_key),
                                         machine, minimum_generation)
