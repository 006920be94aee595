"""Independent Python reference implementation of the offline-reset protocol, version 1.

Written from docs/PROTOCOL.md alone (no Rust source was read), with the `cryptography`
package as the crypto library. Section numbers (§) refer to docs/PROTOCOL.md.

This is a conformance aid, not production code: it makes no attempt at constant time beyond
what the spec requires (the wrapping key check), and does not wipe secrets.
"""

from __future__ import annotations

import hmac as _stdlib_hmac
import zlib
from dataclasses import dataclass, field
from typing import Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
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
}

_NO_GROUP = object()


class OfflineResetError(Exception):
    """A protocol error (§10): `name`, stable numeric `code`, and the error's details."""

    def __init__(self, name: str, *, group=_NO_GROUP, found: Optional[int] = None,
                 code_epoch: Optional[int] = None, current_epoch: Optional[int] = None):
        if name not in ERROR_CODES:
            raise ValueError(f"unknown error name {name!r}")
        self.name = name
        self.code = ERROR_CODES[name]
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
        super().__init__(self.describe())

    def as_dict(self) -> dict:
        """The form used by the test vectors: {"name", "code", and detail fields}."""
        return {"name": self.name, "code": self.code, **self.details}

    def describe(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.details.items())
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


def i64(n: int) -> bytes:
    return n.to_bytes(8, "big", signed=True)


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


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    h = c_hmac.HMAC(salt, hashes.SHA256())
    h.update(ikm)
    return h.finalize()


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    return HKDFExpand(hashes.SHA256(), length, info).derive(prk)


def aes_siv_seal(key: bytes, ad: list, plaintext: bytes) -> bytes:
    """RFC 5297 AES-SIV (64-byte key = AES-256): returns V || C. The protocol never seals an
    empty plaintext (§2)."""
    return AESSIV(key).encrypt(plaintext, list(ad))


def aes_siv_open(key: bytes, ad: list, sealed: bytes) -> bytes:
    return AESSIV(key).decrypt(sealed, list(ad))  # raises InvalidTag


def crc16(data: bytes) -> int:
    """CRC-16/IBM-3740 (CCITT-FALSE)."""
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


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


def symbol_value(ch: str) -> Optional[int]:
    """§3.1: value of a character, or None when it is not a symbol. Case-insensitive, ASCII only."""
    if "a" <= ch <= "z":
        ch = chr(ord(ch) - 32)
    return _SYMBOL_VALUES.get(ch)


CODE_SEPARATORS = (" ", "-")


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
    positions = [c for c in text if c not in CODE_SEPARATORS]
    # 1. symbol count
    if len(positions) != kind.symbols:
        if positions:
            v = symbol_value(positions[0])
            if v is not None and v != 1:
                raise _err("UnsupportedVersion", found=v)
        raise _err("MalformedInput")
    # 2. characters that are not symbols
    values = []
    for i, c in enumerate(positions):
        v = symbol_value(c)
        if v is None:
            raise _err("Mistyped", group=i // 8 + 1)
        values.append(v)
    # 3. group checks
    data = []
    pos = 0
    for g, size in enumerate(kind.group_sizes):
        grp = values[pos: pos + size + 1]
        pos += size + 1
        if _horner(grp) != g:
            raise _err("Mistyped", group=g + 1)
        data.extend(grp[:-1])
    # 4. whole-code CRC-16
    b = 0
    for v in data:
        b = (b << 5) | v
    k = kind.check_bits
    crc = b & ((1 << k) - 1)
    payload = (b >> k).to_bytes(kind.payload_len, "big")
    if crc != crc16(payload) >> (16 - k):
        raise _err("Mistyped", group=None)
    # 5. version
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

WHITE_SPACE = frozenset(
    [chr(c) for c in range(0x09, 0x0E)]
    + ["\u0020", "\u0085", "\u00A0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202F", "\u205F", "\u3000"]
)


def _is_control(c: str) -> bool:
    o = ord(c)
    return o <= 0x1F or 0x7F <= o <= 0x9F


def _strip_white_space(s: str) -> str:
    start, end = 0, len(s)
    while start < end and s[start] in WHITE_SPACE:
        start += 1
    while end > start and s[end - 1] in WHITE_SPACE:
        end -= 1
    return s[start:end]


_UPPERCASE: dict = {}


def load_uppercase_table(path: str) -> None:
    """§5 step 3: the normative table (tests/vectors/uppercase.json). Python's own str.upper()
    follows its bundled Unicode version, which may be older than the spec's 17.0.0."""
    import json

    with open(path, encoding="utf-8") as fh:
        table = json.load(fh)
    _UPPERCASE.clear()
    for cp, upper in table["mappings"]:
        _UPPERCASE[chr(cp)] = "".join(chr(u) for u in upper)


def full_uppercase(s: str) -> str:
    if not _UPPERCASE:
        raise RuntimeError("load_uppercase_table() first: §5 makes the table normative")
    return "".join(_UPPERCASE.get(c, c) for c in s)


def _normalize(s: str, error: str) -> str:
    s = _strip_white_space(s)
    if not s or any(_is_control(c) for c in s):
        raise _err(error)
    up = full_uppercase(s)
    if len(up.encode("utf-8")) > 256:
        raise _err(error)
    return up


def normalize_username(s: str) -> str:
    return _normalize(s, "InvalidUsername")


def normalize_domain(s: str) -> str:
    return _normalize(s, "InvalidDomain")


@dataclass(frozen=True)
class Account:
    username: str  # normalized
    domain: str    # normalized

    @staticmethod
    def new(username: str, domain: str) -> "Account":
        # Order between the two checks is not specified (§5); username first here.
        return Account(normalize_username(username), normalize_domain(domain))


def default_offline_domain(fqdn: str) -> str:
    s = _strip_white_space(fqdn)
    label = s.split(".", 1)[0]
    if any(c in WHITE_SPACE for c in label):
        raise _err("InvalidDomain")
    return normalize_domain(label)


def check_password(password: str) -> bytes:
    b = password.encode("utf-8")
    if not 1 <= len(b) <= 1024:
        raise _err("InvalidPassword")
    return b


# ---------------------------------------------------------------------------------------------
# §9.5 Policy
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Policy:
    lifetime_minutes: int = 1440
    clock_skew_minutes: int = 10

    def validate(self) -> "Policy":
        if not 1 <= self.lifetime_minutes <= 16383 or not 0 <= self.clock_skew_minutes <= 1440:
            raise _err("InvalidPolicy")
        return self


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


# ---------------------------------------------------------------------------------------------
# §7 Reset code
# ---------------------------------------------------------------------------------------------

TIME_ORIGIN = 1735689600
AD_LABEL = b"offline-reset-v1 reset code"
assert len(AD_LABEL) == 27


def reset_code_ad(epoch: int, machine_x: bytes, account: Account, password: bytes) -> list:
    return [AD_LABEL, header(epoch), machine_x, account.domain.encode("utf-8"),
            account.username.encode("utf-8"), password]


@dataclass
class OpenedCode:
    issued_at: int
    expires_at: int
    valid_from: int
    valid_until: int  # exclusive


# ---------------------------------------------------------------------------------------------
# §9 Envelopes and wrapping
# ---------------------------------------------------------------------------------------------

MAGIC = b"OLR"
KIND_KEY_RING = 1
KIND_MACHINE_STATE = 2
KIND_DEPLOYMENT = 3
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
    _check_wrapping_key(wrapping_key)  # when this is checked is not specified
    n = min(len(data), 3)
    if data[:n] != MAGIC[:n]:
        raise _err("MalformedInput")
    if len(data) > 3 and data[3] != 1:
        raise _err("UnsupportedVersion", found=data[3])
    if len(data) < 14:
        raise _err("Truncated")
    body_len = int.from_bytes(data[6:10], "big")
    if body_len > MAX_BODY:
        raise _err("MalformedInput")
    total = 14 + body_len
    if len(data) < total:
        raise _err("Truncated")
    if len(data) > total:
        raise _err("MalformedInput")
    if int.from_bytes(data[10 + body_len:], "big") != crc32(data[:10 + body_len]):
        raise _err("Corrupted")
    if data[4] != kind:
        raise _err("WrongKind")
    protection = data[5]
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


# ---------------------------------------------------------------------------------------------
# §9.4 Server key ring
# ---------------------------------------------------------------------------------------------

@dataclass
class Generation:
    epoch: int
    secret: bytes
    retired: bool = False
    retired_at: int = 0

    def private_key(self) -> ec.EllipticCurvePrivateKey:
        return validate_scalar(self.secret)

    def public_compressed(self) -> bytes:
        return compressed(self.private_key().public_key())


class _Reader:
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

    def end(self) -> None:
        if self.pos != len(self.data):
            raise _err("MalformedInput")


@dataclass
class KeyRing:
    policy: Policy
    grace_seconds: int
    generations: list = field(default_factory=list)

    @staticmethod
    def new(first_secret: bytes, policy: Policy = Policy(), grace_seconds: int = 0) -> "KeyRing":
        validate_scalar(first_secret)
        return KeyRing(policy.validate(), grace_seconds, [Generation(1, first_secret)])

    @property
    def current(self) -> Generation:
        return self.generations[-1]

    def rotate(self, now: int, new_secret: bytes) -> None:
        """§9.4 rotate(now); the new secret is supplied (normally drawn at random)."""
        cur = self.current
        if cur.epoch >= 2047:
            raise _err("EpochsExhausted")
        validate_scalar(new_secret)
        cur.retired, cur.retired_at = True, now
        self.generations.append(Generation(cur.epoch + 1, new_secret))
        self.generations = [g for g in self.generations
                            if not (g.retired and now >= g.retired_at + self.grace_seconds)]
        self.generations = self.generations[-16:]

    def deployment_package(self) -> str:
        return DeploymentPackage(self.current.epoch, self.current.public_compressed(),
                                 self.policy).text()

    def seal(self, identification_code: str, username: str, domain: str, password: str,
             now: int) -> str:
        """§7.1. Parsing the identification code and normalizing the account happen before
        step 1 here; the spec does not place them."""
        ident = IdentificationCode.parse(identification_code)
        account = Account.new(username, domain)
        pw = check_password(password)                                    # 1
        e = ident.epoch                                                  # 2
        gen = next((g for g in self.generations if g.epoch == e), None)
        usable = gen is not None and (
            gen is self.current or (gen.retired and now < gen.retired_at + self.grace_seconds))
        if not usable:
            raise _err("KeyRotated", code_epoch=e, current_epoch=self.current.epoch)
        m_prime = machine_point_from_x(ident.machine_x)                  # 3
        s_pub = gen.public_compressed()
        _, k = key_schedule(ecdh(gen.private_key(), m_prime), e, s_pub, ident.machine_x)
        minute = (now - TIME_ORIGIN) // 60                               # 4
        if not 0 <= minute <= (1 << 26) - 1:
            raise _err("TimeOutOfRange")
        plaintext = (minute * (1 << 14) + self.policy.lifetime_minutes).to_bytes(8, "big")[3:]  # 5
        sealed = aes_siv_seal(k, reset_code_ad(e, ident.machine_x, account, pw), plaintext)  # 6
        payload = header(e) + sealed                                     # 7
        assert len(payload) == 23
        return encode_typed(payload, RESET)

    # --- §9.4 storage
    def content(self) -> bytes:
        out = (u16(self.policy.lifetime_minutes) + u16(self.policy.clock_skew_minutes)
               + u32(self.grace_seconds) + u16(len(self.generations)))
        for g in self.generations:
            out += u16(g.epoch) + bytes([1 if g.retired else 0]) \
                + i64(g.retired_at if g.retired else 0) + g.secret
        return out

    def export(self, wrapping_key: Optional[bytes] = None) -> bytes:
        return make_envelope(KIND_KEY_RING, self.content(), wrapping_key)

    @staticmethod
    def from_content(content: bytes) -> "KeyRing":
        r = _Reader(content)
        lifetime = r.int(2)
        if not 1 <= lifetime <= 16383:
            raise _err("InvalidPolicy")
        skew = r.int(2)
        if not 0 <= skew <= 1440:
            raise _err("InvalidPolicy")
        grace = r.int(4)
        count = r.int(2)
        if not 1 <= count <= 16:
            raise _err("MalformedInput")
        gens = []
        prev = 0
        for i in range(count):
            epoch = r.int(2)
            if not 1 <= epoch <= 2047 or epoch <= prev:
                raise _err("MalformedInput")
            prev = epoch
            retired = r.int(1)
            last = i == count - 1
            if retired != (0 if last else 1):
                raise _err("MalformedInput")
            retired_at = r.int(8, signed=True)
            secret = r.take(32)
            validate_scalar(secret)
            gens.append(Generation(epoch, secret, not last, 0 if last else retired_at))
        r.end()
        return KeyRing(Policy(lifetime, skew), grace, gens)

    @staticmethod
    def import_(data: bytes, wrapping_key: Optional[bytes] = None) -> "KeyRing":
        return KeyRing.from_content(open_envelope(data, KIND_KEY_RING, wrapping_key))


# ---------------------------------------------------------------------------------------------
# §8 Deployment package
# ---------------------------------------------------------------------------------------------

PACKAGE_IGNORED = (" ", "-", "\t", "\r", "\n")


def base32_encode(data: bytes) -> str:
    nbits = 8 * len(data)
    nsym = (nbits + 4) // 5
    v = int.from_bytes(data, "big") << (5 * nsym - nbits)
    return "".join(ALPHABET[(v >> (5 * (nsym - 1 - i))) & 31] for i in range(nsym))


def base32_decode(text: str) -> bytes:
    chars = [c for c in text if c not in PACKAGE_IGNORED]
    if len(chars) % 8 in (1, 3, 6):
        raise _err("Truncated")
    v = 0
    for c in chars:
        s = symbol_value(c)
        if s is None:
            raise _err("MalformedInput")
        v = (v << 5) | s
    nbits = 5 * len(chars)
    nbytes = nbits // 8
    return (v >> (nbits - 8 * nbytes)).to_bytes(nbytes, "big")


@dataclass(frozen=True)
class DeploymentPackage:
    epoch: int
    server_public: bytes  # compressed, 33
    policy: Policy

    def content(self) -> bytes:
        return (u16(self.epoch) + self.server_public + u16(self.policy.lifetime_minutes)
                + u16(self.policy.clock_skew_minutes))

    def text(self) -> str:
        return base32_encode(make_envelope(KIND_DEPLOYMENT, self.content()))

    @staticmethod
    def parse(text: str) -> "DeploymentPackage":
        body = open_envelope(base32_decode(text), KIND_DEPLOYMENT, None)
        if len(body) != 39:
            raise _err("MalformedInput")
        epoch = int.from_bytes(body[:2], "big")
        if not 1 <= epoch <= 2047:
            raise _err("MalformedInput")
        s = body[2:35]
        validate_compressed_point(s)
        policy = Policy(int.from_bytes(body[35:37], "big"),
                        int.from_bytes(body[37:39], "big")).validate()
        return DeploymentPackage(epoch, s, policy)


# ---------------------------------------------------------------------------------------------
# §7.2 / §9.6 Machine
# ---------------------------------------------------------------------------------------------

@dataclass
class Machine:
    epoch: int
    server_public: bytes
    policy: Policy
    machine_x: bytes
    key: bytes  # K, 64 bytes

    @staticmethod
    def enroll(package_text: str, machine_secret: bytes) -> "Machine":
        """Enrollment with a given machine secret (normally 32 random bytes until valid)."""
        pkg = DeploymentPackage.parse(package_text)
        m = validate_scalar(machine_secret)
        s_pub = validate_compressed_point(pkg.server_public)
        mx = x_coordinate(m.public_key())
        _, k = key_schedule(ecdh(m, s_pub), pkg.epoch, pkg.server_public, mx)
        return Machine(pkg.epoch, pkg.server_public, pkg.policy, mx, k)

    def identification_code(self) -> str:
        return IdentificationCode(self.epoch, self.machine_x).text()

    def open(self, reset_code: str, username: str, domain: str, password: str,
             now: int) -> OpenedCode:
        """§7.2. Parsing the code and normalizing the account happen before step 1 here; the
        spec does not place them."""
        payload = parse_typed(reset_code, RESET)
        account = Account.new(username, domain)
        pw = check_password(password)                                    # 1
        code_epoch = header_epoch(payload)                               # 2
        if code_epoch != self.epoch:
            raise _err("KeyRotated", code_epoch=code_epoch, current_epoch=self.epoch)
        try:                                                             # 3
            pt = aes_siv_open(self.key, reset_code_ad(self.epoch, self.machine_x, account, pw),
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
        return OpenedCode(issued_at, expires_at, issued_at - skew, expires_at + skew)

    # --- §9.6 storage
    def content(self) -> bytes:
        return (u16(self.epoch) + self.server_public + u16(self.policy.lifetime_minutes)
                + u16(self.policy.clock_skew_minutes) + self.machine_x + self.key)

    def export(self, wrapping_key: Optional[bytes] = None) -> bytes:
        return make_envelope(KIND_MACHINE_STATE, self.content(), wrapping_key)

    @staticmethod
    def from_content(c: bytes) -> "Machine":
        # Check order (read order) is a guess: §9.6 does not fix it.
        if len(c) != 135:
            raise _err("MalformedInput")
        epoch = int.from_bytes(c[:2], "big")
        if not 1 <= epoch <= 2047:
            raise _err("MalformedInput")
        s = c[2:35]
        validate_compressed_point(s)
        policy = Policy(int.from_bytes(c[35:37], "big"), int.from_bytes(c[37:39], "big")).validate()
        mx = c[39:71]
        machine_point_from_x(mx)
        return Machine(epoch, s, policy, mx, c[71:135])

    @staticmethod
    def import_(data: bytes, wrapping_key: Optional[bytes] = None) -> "Machine":
        return Machine.from_content(open_envelope(data, KIND_MACHINE_STATE, wrapping_key))
