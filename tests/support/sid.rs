//! Binary SIDs for tests ([MS-DTYP] §2.4.2.2): revision 1, five sub-authorities, authority 5
//! (NT), sub-authorities little-endian: S-1-5-21-1004336348-1177238915-682003330-<rid>.

/// A domain account's SID with the given relative identifier.
pub const fn sid_with_rid(rid: u32) -> [u8; 28] {
    let sub = [21u32, 1_004_336_348, 1_177_238_915, 682_003_330, rid];
    let mut out = [0u8; 28];
    out[0] = 1;
    out[1] = 5;
    out[7] = 5;
    let mut i = 0;
    while i < 5 {
        let b = sub[i].to_le_bytes();
        out[8 + 4 * i] = b[0];
        out[9 + 4 * i] = b[1];
        out[10 + 4 * i] = b[2];
        out[11 + 4 * i] = b[3];
        i += 1;
    }
    out
}

/// The SID of every account in the vectors and tests unless a case says otherwise
/// (S-1-5-21-1004336348-1177238915-682003330-1104).
#[allow(dead_code)]
pub const VECTOR_SID: [u8; 28] = sid_with_rid(1104);
/// Another account's SID (…-1105): same name, other account.
#[allow(dead_code)]
pub const OTHER_SID: [u8; 28] = sid_with_rid(1105);
