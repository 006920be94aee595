//! Building stored objects by hand in tests (docs/PROTOCOL.md §8, §9.1): the CRC-32 of an
//! envelope, a plain envelope around a body, and the Crockford base32 text of a package. Written
//! from the spec, independently of the library's own code.

/// CRC-32/ISO-HDLC, bitwise (a checksum, not cryptography).
#[allow(dead_code)]
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A plain envelope of kind `kind` around `body`, with a correct CRC.
#[allow(dead_code)]
pub fn envelope(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = b"OLR\x01".to_vec();
    out.push(kind);
    out.push(0);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// Crockford base32 without groups or padding, as §8 writes a package.
#[allow(dead_code)]
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}
