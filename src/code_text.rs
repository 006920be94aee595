//! The typed form shared by identification codes and reset codes: Crockford base32 symbols in
//! groups of eight, each group ending in a check symbol, plus a whole-code check, so that typing
//! mistakes are found (and located) before any cryptography runs. See `docs/PROTOCOL.md` §3.
//!
//! Public only for the test vectors and fuzzing; not part of the stable API.

use crate::error::{Error, Result};

pub use crate::identification_code::LAYOUT as IDENTIFICATION_CODE_LAYOUT;
pub use crate::reset_code::LAYOUT as RESET_CODE_LAYOUT;

/// Crockford's base32 alphabet: value `v` is written as `ALPHABET[v]`.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols per group, the check symbol included (the last group may be shorter).
pub const GROUP_SYMBOLS: usize = 8;
/// Data symbols per full group.
const GROUP_DATA_SYMBOLS: usize = GROUP_SYMBOLS - 1;
/// The separator written between groups.
pub const SEPARATOR: u8 = b'-';
/// The protocol version carried in the first five bits of every code.
pub const PROTOCOL_VERSION: u8 = 1;
/// The largest epoch a code can carry (11 bits).
pub const MAX_EPOCH: u16 = (1 << 11) - 1;

/// The shape of one kind of code.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Bytes of payload before the whole-code check.
    pub payload_len: usize,
    /// Leading bits of the CRC-16 appended after the payload.
    pub check_bits: usize,
}

impl Layout {
    pub const fn data_symbols(&self) -> usize {
        (self.payload_len * 8 + self.check_bits) / 5
    }
    pub const fn groups(&self) -> usize {
        self.data_symbols().div_ceil(GROUP_DATA_SYMBOLS)
    }
    pub const fn symbols(&self) -> usize {
        self.data_symbols() + self.groups()
    }
    /// Length of the canonical text: symbols plus one separator between groups.
    pub const fn text_len(&self) -> usize {
        self.symbols() + self.groups() - 1
    }
}

/// The whole-code check: CRC-16/IBM-3740 (poly 0x1021, init 0xFFFF, no reflection, no xorout).
const CRC16: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);

/// Multiplication by x in GF(32) = GF(2)[x]/(x^5 + x^2 + 1).
const fn xtime(h: u8) -> u8 {
    let shifted = h << 1;
    if shifted & 0x20 != 0 {
        shifted ^ 0x25
    } else {
        shifted
    }
}

/// Horner evaluation of the group's symbols as a polynomial over GF(32).
pub fn group_sum(symbols: &[u8]) -> u8 {
    symbols.iter().fold(0, |h, &s| xtime(h) ^ s)
}

/// The value of a typed character, or `None` if it is not a symbol. Case-insensitive; O reads as
/// 0, I and L read as 1 (Crockford's aliases).
pub fn symbol_value(c: u8) -> Option<u8> {
    let c = c.to_ascii_uppercase();
    let c = match c {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other,
    };
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u8)
}

/// Characters ignored between symbols.
pub fn is_separator(c: u8) -> bool {
    c == b' ' || c == b'-'
}

fn bits_get(bytes: &[u8], bit: usize, count: usize) -> u8 {
    let mut v = 0u8;
    for i in bit..bit + count {
        v = (v << 1) | ((bytes[i / 8] >> (7 - i % 8)) & 1);
    }
    v
}

fn bits_set(bytes: &mut [u8], bit: usize, count: usize, value: u8) {
    for i in 0..count {
        let b = (value >> (count - 1 - i)) & 1;
        let pos = bit + i;
        bytes[pos / 8] |= b << (7 - pos % 8);
    }
}

/// Longest bit string any layout uses, in bytes (identification code: 35).
const MAX_BITS_BYTES: usize = 35;

/// Writes the canonical text of `payload` into `out`. Callers pass exactly
/// `layout.payload_len` and `layout.text_len()` bytes; other lengths write nothing.
pub fn encode(layout: Layout, payload: &[u8], out: &mut [u8]) {
    if payload.len() != layout.payload_len || out.len() != layout.text_len() {
        return;
    }
    let mut bits = [0u8; MAX_BITS_BYTES];
    bits[..payload.len()].copy_from_slice(payload);
    let check = (CRC16.checksum(payload) >> (16 - layout.check_bits)) as u8;
    bits_set(&mut bits, payload.len() * 8, layout.check_bits, check);

    let mut written = 0;
    let data_symbols = layout.data_symbols();
    for group in 0..layout.groups() {
        if group > 0 {
            out[written] = SEPARATOR;
            written += 1;
        }
        let first = group * GROUP_DATA_SYMBOLS;
        let last = (first + GROUP_DATA_SYMBOLS).min(data_symbols);
        let mut h = 0u8;
        for i in first..last {
            let v = bits_get(&bits, i * 5, 5);
            h = xtime(h) ^ v;
            out[written] = ALPHABET[v as usize];
            written += 1;
        }
        let check_symbol = xtime(h) ^ group as u8;
        out[written] = ALPHABET[check_symbol as usize];
        written += 1;
    }
}

/// Parses typed text into `payload` (exactly `layout.payload_len` bytes), in the order the
/// protocol fixes: symbol count, unknown characters, group checks, whole-code check, version.
pub fn decode(layout: Layout, text: &str, payload: &mut [u8]) -> Result<()> {
    if payload.len() != layout.payload_len {
        return Err(Error::MalformedInput);
    }
    const MAX_SYMBOLS: usize = 64;
    let expected = layout.symbols();
    // Raw characters (not yet mapped), so that the count check can run before anything else.
    let mut raw = [0u8; MAX_SYMBOLS];
    let mut count = 0usize;
    for c in text.chars() {
        // A non-ASCII character counts as one symbol that is not in the alphabet.
        let c = if c.is_ascii() { c as u8 } else { 0xFF };
        if is_separator(c) {
            continue;
        }
        if count < expected {
            raw[count] = c;
        }
        count += 1;
    }
    if count != expected {
        // A future version may have another length; its first symbol still names the version.
        return match raw.first().and_then(|&c| symbol_value(c)) {
            Some(found) if count > 0 && found != PROTOCOL_VERSION => {
                Err(Error::UnsupportedVersion { found })
            }
            _ => Err(Error::MalformedInput),
        };
    }

    let mut symbols = [0u8; MAX_SYMBOLS];
    for (i, &c) in raw[..expected].iter().enumerate() {
        symbols[i] = symbol_value(c).ok_or(Error::Mistyped {
            group: Some((i / GROUP_SYMBOLS + 1) as u8),
        })?;
    }

    let mut bits = [0u8; MAX_BITS_BYTES];
    let mut data_index = 0usize;
    for (group, chunk) in symbols[..expected].chunks(GROUP_SYMBOLS).enumerate() {
        if group_sum(chunk) != group as u8 {
            return Err(Error::Mistyped {
                group: Some(group as u8 + 1),
            });
        }
        for &v in &chunk[..chunk.len() - 1] {
            bits_set(&mut bits, data_index * 5, 5, v);
            data_index += 1;
        }
    }

    payload.copy_from_slice(&bits[..layout.payload_len]);
    let check = bits_get(&bits, layout.payload_len * 8, layout.check_bits);
    let expected_check = (CRC16.checksum(payload) >> (16 - layout.check_bits)) as u8;
    if check != expected_check {
        payload.fill(0);
        return Err(Error::Mistyped { group: None });
    }
    let version = payload[0] >> 3;
    if version != PROTOCOL_VERSION {
        payload.fill(0);
        return Err(Error::UnsupportedVersion { found: version });
    }
    Ok(())
}

/// The two-byte header in front of every code: version (5 bits) then epoch (11 bits).
pub fn header(epoch: u16) -> [u8; 2] {
    debug_assert!(epoch <= MAX_EPOCH);
    (((PROTOCOL_VERSION as u16) << 11) | epoch).to_be_bytes()
}

/// The epoch in a header.
pub fn header_epoch(header: &[u8]) -> u16 {
    u16::from_be_bytes([header[0], header[1]]) & MAX_EPOCH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xtime_is_multiplication_by_x() {
        // x^4 * x = x^5 = x^2 + 1
        assert_eq!(xtime(0b10000), 0b00101);
        assert_eq!(xtime(0b00001), 0b00010);
        // x has order 31: the field polynomial is primitive.
        let mut h = 1u8;
        for i in 1..=31 {
            h = xtime(h);
            assert_eq!(h == 1, i == 31, "x^{i}");
        }
    }

    #[test]
    fn crc16_check_value() {
        assert_eq!(CRC16.checksum(b"123456789"), 0x29B1);
    }

    #[test]
    fn wrong_buffer_lengths_are_errors_not_panics() {
        let layout = Layout {
            payload_len: 23,
            check_bits: 6,
        };
        let mut short = [0u8; 5];
        assert_eq!(decode(layout, "", &mut short), Err(Error::MalformedInput));
        let mut out = [0u8; 3];
        encode(layout, &[0u8; 23], &mut out);
        assert_eq!(out, [0u8; 3], "nothing written");
    }

    #[test]
    fn aliases_and_case() {
        assert_eq!(symbol_value(b'o'), Some(0));
        assert_eq!(symbol_value(b'O'), Some(0));
        assert_eq!(symbol_value(b'i'), Some(1));
        assert_eq!(symbol_value(b'L'), Some(1));
        assert_eq!(symbol_value(b'z'), Some(31));
        assert_eq!(symbol_value(b'U'), None);
        assert_eq!(symbol_value(b'*'), None);
    }
}
