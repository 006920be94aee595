//! The replay ledger: what the login integration keeps per machine so that a reset code works
//! once. See `docs/PROTOCOL.md` §9.7.

use sha2::{Digest, Sha256};

use crate::account::Account;
use crate::reset_code::ACCOUNT_FINGERPRINT_LEN;

const FINGERPRINT_LABEL: &[u8] = b"offline-reset-v1 account";

/// The account fingerprint (§9.7): the first 16 bytes of SHA-256 over a label and the
/// length-prefixed normalized domain and username. The ledger stores this, never names.
pub(crate) fn account_fingerprint(account: &Account) -> [u8; ACCOUNT_FINGERPRINT_LEN] {
    let domain = account.domain_bytes();
    let username = account.username_bytes();
    let digest = Sha256::new()
        .chain_update(FINGERPRINT_LABEL)
        .chain_update((domain.len() as u16).to_be_bytes())
        .chain_update(domain)
        .chain_update((username.len() as u16).to_be_bytes())
        .chain_update(username)
        .finalize();
    let mut out = [0u8; ACCOUNT_FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..ACCOUNT_FINGERPRINT_LEN]);
    out
}
