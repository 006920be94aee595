//! The structured round trip: arbitrary username, domain, password and time are sealed by the
//! server for machine A and opened on machine A, then every kind of change is checked to be
//! refused with the error the protocol specifies.
//!
//! Input: a 17-byte header, then username, domain, password, and an alternative username, domain
//! and password, separated by 0xFF. Header bytes:
//! - 0: flags. Bits 0-1 the sealing policy, bits 2-3 the machine's policy (index into
//!   `POLICIES`, mod 3); bit 4 takes the time raw (any i64) instead of inside the representable
//!   range; bit 5 takes the opening-time offset raw instead of near the validity window; bit 6
//!   gives the alternative account another SID (…-1105 instead of …-1104).
//! - 1..9: time (i64, big-endian); 9..13: opening-time offset (i32); 13: symbol position;
//!   14: substitution selector; 15..17: payload bit to flip.
//!
//! Asserted, every run: seal then open succeeds (at the sealing time, and at the opening time
//! exactly when the documented window says so); the canonical text, its lower-case form, its
//! aliases (o for 0, i/l for 1) and other separators parse to the same code; each single-symbol
//! substitution by another alphabet symbol, at every position, is `Mistyped` naming the group
//! of that position, and so are a symbol outside the alphabet and a transposition; a dropped
//! symbol is `MalformedInput`; a flipped payload bit re-encoded with valid checks is
//! `UnsupportedVersion` (version bits), `CodeBeforeRotation` / `RedeployNeeded` (epoch bits) or `Rejected` (tag or sealed
//! time); another username, domain or password is `Rejected` unless it normalizes to the same
//! account; the same names with another SID are `Rejected`; another machine is `Rejected`; a
//! machine of a later epoch says `CodeBeforeRotation`; a time out of range is `TimeOutOfRange` at
//! the server and out of the window `NotYetValid`/`Expired`. A redeem on a new ledger at the
//! sealing time succeeds once, then the code is `AlreadyUsed`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::code_text::{
    decode, encode, symbol_value, ALPHABET, GROUP_SYMBOLS, RESET_CODE_LAYOUT,
};
use offline_reset::{
    AcceptedReset, Account, Error, ReplayLedger, ResetCode, MAX_PASSWORD_BYTES, RESET_CODE_SYMBOLS,
    RESET_CODE_TEXT_LEN, TIME_ORIGIN_UNIX,
};
use offline_reset_fuzz::{fixtures, str_fields, OTHER_SID, POLICIES, VECTOR_SID};

const HEADER_LEN: usize = 17;
/// Issue minutes have 26 bits.
const ISSUE_SECONDS: i64 = (1 << 26) * 60;

/// Index in the canonical text of symbol `pos` (one separator before every group but the first).
fn text_index(pos: usize) -> usize {
    pos + pos / GROUP_SYMBOLS
}

fn group_of(pos: usize) -> Error {
    Error::Mistyped {
        group: Some((pos / GROUP_SYMBOLS + 1) as u8),
    }
}

fn parse_bytes(text: &[u8]) -> Result<ResetCode, Error> {
    ResetCode::parse(core::str::from_utf8(text).expect("ASCII"))
}

fn password_ok(password: &str) -> bool {
    !password.is_empty() && password.len() <= MAX_PASSWORD_BYTES
}

fuzz_target!(|data: &[u8]| {
    let mut header = [0u8; HEADER_LEN];
    let head = data.len().min(HEADER_LEN);
    header[..head].copy_from_slice(&data[..head]);
    let Some([username, domain, password, alt_username, alt_domain, alt_password]) =
        str_fields::<6>(&data[head..])
    else {
        return;
    };
    let flags = header[0];
    let seal_policy = usize::from(flags & 3) % POLICIES.len();
    let open_policy = usize::from((flags >> 2) & 3) % POLICIES.len();
    let raw_now = i64::from_be_bytes(header[1..9].try_into().expect("8 bytes"));
    let raw_offset = i64::from(i32::from_be_bytes(
        header[9..13].try_into().expect("4 bytes"),
    ));
    let pos = usize::from(header[13]) % RESET_CODE_SYMBOLS;
    let selector = header[14];
    let bit = usize::from(u16::from_be_bytes([header[15], header[16]]))
        % (RESET_CODE_LAYOUT.payload_len * 8);
    let now = if flags & 0x10 != 0 {
        raw_now
    } else {
        TIME_ORIGIN_UNIX + raw_now.rem_euclid(ISSUE_SECONDS)
    };

    let f = fixtures();
    let account = match Account::new(username, domain, &VECTOR_SID) {
        Ok(account) => account,
        Err(e) => {
            assert!(
                matches!(e, Error::InvalidUsername | Error::InvalidDomain),
                "{e:?}"
            );
            return;
        }
    };

    // ---- Seal (server).
    let sealed = f.rings[seal_policy].seal_reset_code(&f.id_a, &account, password, now);
    if !password_ok(password) {
        assert_eq!(sealed, Err(Error::InvalidPassword));
        return;
    }
    let in_range = now
        .checked_sub(TIME_ORIGIN_UNIX)
        .is_some_and(|s| (0..ISSUE_SECONDS).contains(&s));
    if !in_range {
        assert_eq!(sealed, Err(Error::TimeOutOfRange));
        return;
    }
    let code = sealed.expect("seal succeeds for valid inputs");
    assert_eq!(code.epoch(), 1);
    let text = code.as_str();
    assert_eq!(text.len(), RESET_CODE_TEXT_LEN);

    // ---- The window the machine must accept.
    let (seal_lifetime, _) = POLICIES[seal_policy];
    let (machine_lifetime, machine_skew) = POLICIES[open_policy];
    let issued_at = TIME_ORIGIN_UNIX + (now - TIME_ORIGIN_UNIX).div_euclid(60) * 60;
    let expires_at = issued_at + i64::from(seal_lifetime.min(machine_lifetime)) * 60;
    let skew = i64::from(machine_skew) * 60;
    // AcceptedReset's other fields are private: compare its times.
    let times = |r: &Result<AcceptedReset, Error>| {
        r.as_ref()
            .map(|a| (a.issued_at, a.expires_at))
            .map_err(|e| *e)
    };
    let expected_at = |t: i64| {
        if t < issued_at - skew {
            Err(Error::NotYetValid)
        } else if t >= expires_at + skew {
            Err(Error::Expired)
        } else {
            Ok((issued_at, expires_at))
        }
    };
    let open_at = if flags & 0x20 != 0 {
        now.saturating_add(raw_offset)
    } else {
        let low = issued_at - skew - 120;
        let width = (expires_at + skew + 120) - low;
        low + raw_offset.rem_euclid(width)
    };
    let machine = &f.machines_a[open_policy];

    // ---- Open (machine): at the sealing time it always opens; at `open_at` as the window says.
    let at_now = machine.open_reset_code_for_diagnostics(&code, &account, password, now);
    assert!(at_now.is_ok(), "fresh code refused: {at_now:?}");
    assert_eq!(times(&at_now), expected_at(now));
    let opened = machine.open_reset_code_for_diagnostics(&code, &account, password, open_at);
    assert_eq!(times(&opened), expected_at(open_at));
    if open_policy == 0 {
        assert_eq!(
            f.machine_a_reimported
                .open_reset_code_for_diagnostics(&code, &account, password, open_at),
            opened
        );
    }

    // ---- Harmless changes: same code.
    assert_eq!(ResetCode::parse(text), Ok(code));
    assert_eq!(ResetCode::parse(&text.to_lowercase()), Ok(code));
    assert_eq!(ResetCode::parse(&text.replace('-', "")), Ok(code));
    assert_eq!(ResetCode::parse(&text.replace('-', "  ")), Ok(code));
    let aliased = text
        .replace('0', if selector & 1 == 0 { "O" } else { "o" })
        .replace('1', ["I", "i", "L", "l"][usize::from(selector >> 1) % 4]);
    assert_eq!(ResetCode::parse(&aliased), Ok(code));

    // ---- Typing mistakes: found before any cryptography, in the right group.
    let bytes = text.as_bytes();
    let mut mutated = [0u8; RESET_CODE_TEXT_LEN];
    for p in 0..RESET_CODE_SYMBOLS {
        let at = text_index(p);
        let value = symbol_value(bytes[at]).expect("canonical symbol");
        // Every position, with one other symbol chosen by the selector...
        let other = (value + 1 + (selector % 31) + p as u8) % 32;
        let other = if other == value {
            (value + 1) % 32
        } else {
            other
        };
        mutated.copy_from_slice(bytes);
        mutated[at] = ALPHABET[usize::from(other)];
        assert_eq!(parse_bytes(&mutated), Err(group_of(p)), "symbol {p}");
        // ...and lower case.
        mutated[at] = mutated[at].to_ascii_lowercase();
        assert_eq!(parse_bytes(&mutated), Err(group_of(p)), "symbol {p}");
    }
    // Every other symbol at the chosen position.
    let at = text_index(pos);
    let value = symbol_value(bytes[at]).expect("canonical symbol");
    for other in (0..32u8).filter(|&v| v != value) {
        mutated.copy_from_slice(bytes);
        mutated[at] = ALPHABET[usize::from(other)];
        assert_eq!(parse_bytes(&mutated), Err(group_of(pos)), "symbol {pos}");
    }
    // A character outside the alphabet.
    for outside in ["U", "*", "ü", "\u{0}"] {
        let mut typed = String::with_capacity(RESET_CODE_TEXT_LEN + 2);
        typed.push_str(&text[..at]);
        typed.push_str(outside);
        typed.push_str(&text[at + 1..]);
        assert_eq!(ResetCode::parse(&typed), Err(group_of(pos)), "{typed:?}");
    }
    // Two neighbouring symbols swapped (across a group boundary too): the first group fails.
    if pos + 1 < RESET_CODE_SYMBOLS {
        let (a, b) = (text_index(pos), text_index(pos + 1));
        if bytes[a] != bytes[b] {
            mutated.copy_from_slice(bytes);
            mutated.swap(a, b);
            assert_eq!(parse_bytes(&mutated), Err(group_of(pos)), "swap at {pos}");
        }
    }
    // A symbol left out: the count is wrong.
    let mut short = text.as_bytes().to_vec();
    short.remove(at);
    let dropped = parse_bytes(&short);
    if pos == 0 {
        // The first symbol names the version; what follows it is now first.
        match symbol_value(short[0]) {
            Some(1) => assert_eq!(dropped, Err(Error::MalformedInput)),
            Some(found) => assert_eq!(dropped, Err(Error::UnsupportedVersion { found })),
            None => assert_eq!(dropped, Err(Error::MalformedInput)),
        }
    } else {
        assert_eq!(dropped, Err(Error::MalformedInput));
    }

    // ---- Deliberate changes that pass the typing checks: a flipped payload bit re-encoded.
    let mut payload = [0u8; RESET_CODE_LAYOUT.payload_len];
    decode(RESET_CODE_LAYOUT, text, &mut payload).expect("canonical text decodes");
    let mut reencoded = [0u8; RESET_CODE_TEXT_LEN];
    encode(RESET_CODE_LAYOUT, &payload, &mut reencoded);
    assert_eq!(&reencoded[..], bytes);
    payload[bit / 8] ^= 0x80 >> (bit % 8);
    encode(RESET_CODE_LAYOUT, &payload, &mut reencoded);
    let forged = parse_bytes(&reencoded);
    if bit < 5 {
        assert_eq!(
            forged,
            Err(Error::UnsupportedVersion {
                found: payload[0] >> 3
            })
        );
    } else {
        let forged = forged.expect("re-encoded payload passes the typing checks");
        assert_ne!(forged, code);
        let result = machine.open_reset_code_for_diagnostics(&forged, &account, password, now);
        if bit < 16 {
            assert_eq!(
                result,
                Err(offline_reset_fuzz::machine_epoch_error(forged.epoch(), 1))
            );
        } else {
            assert_eq!(result, Err(Error::Rejected), "bit {bit}");
        }
    }

    // ---- Another account or password: refused unless it is the same account and password.
    let alt_sid: &[u8] = if flags & 0x40 != 0 {
        &OTHER_SID
    } else {
        &VECTOR_SID
    };
    if let Ok(alt) = Account::new(alt_username, alt_domain, alt_sid) {
        let result = machine.open_reset_code_for_diagnostics(&code, &alt, alt_password, open_at);
        if !password_ok(alt_password) {
            assert_eq!(result, Err(Error::InvalidPassword));
        } else if alt == account && alt_password == password {
            assert_eq!(times(&result), expected_at(open_at));
        } else {
            // Authentication comes before the time checks.
            assert_eq!(result, Err(Error::Rejected));
        }
    }
    if password.len() < MAX_PASSWORD_BYTES {
        let wrong = format!("{password}!");
        let result = machine.open_reset_code_for_diagnostics(&code, &account, &wrong, open_at);
        assert_eq!(result, Err(Error::Rejected));
    }
    for (u, d) in [
        (format!("{username}x"), domain.to_owned()),
        (username.to_owned(), format!("{domain}x")),
    ] {
        if let Ok(other) = Account::new(&u, &d, &VECTOR_SID) {
            assert_ne!(other, account);
            let result = machine.open_reset_code_for_diagnostics(&code, &other, password, now);
            assert_eq!(result, Err(Error::Rejected));
        }
    }

    let other_account = Account::new(username, domain, &OTHER_SID).expect("valid names");
    assert_ne!(other_account, account);
    assert_eq!(
        machine.open_reset_code_for_diagnostics(&code, &other_account, password, now),
        Err(Error::Rejected)
    );

    // ---- Redeem: once.
    let mut ledger = ReplayLedger::new(machine);
    let redeemed = machine.redeem_reset_code(&mut ledger, &code, &account, password, now);
    assert_eq!(times(&redeemed), expected_at(now));
    assert_eq!(
        machine.redeem_reset_code(&mut ledger, &code, &account, password, now),
        Err(Error::AlreadyUsed)
    );
    assert_eq!((ledger.generation(), ledger.account_count()), (2, 1));

    // ---- Another machine; a machine of another epoch.
    assert_eq!(
        f.machine_b
            .open_reset_code_for_diagnostics(&code, &account, password, now),
        Err(Error::Rejected)
    );
    assert_eq!(
        f.machine_a_epoch_2
            .open_reset_code_for_diagnostics(&code, &account, password, now),
        Err(Error::CodeBeforeRotation {
            code_epoch: 1,
            machine_epoch: 2
        })
    );
});
