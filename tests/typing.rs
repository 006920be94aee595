//! Feedback while a code is typed (`IdentificationCode::progress`, `ResetCode::progress`): every
//! prefix of valid codes, a mistake in each group, characters that are not symbols, too many
//! symbols, another version; and the exact relation with `parse`, by property tests: the
//! progress's `parse_error()` is the error `parse` gives, for any text. Allocates nothing.

use offline_reset::code_text::{
    self, Layout, ALPHABET, DASH_PUNCTUATION, GROUP_SYMBOLS, IDENTIFICATION_CODE_LAYOUT,
    OTHER_SEPARATORS, RESET_CODE_LAYOUT, WHITE_SPACE,
};
use offline_reset::*;
use proptest::prelude::*;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Identification,
    Reset,
}

impl Kind {
    fn layout(self) -> Layout {
        match self {
            Kind::Identification => IDENTIFICATION_CODE_LAYOUT,
            Kind::Reset => RESET_CODE_LAYOUT,
        }
    }
    fn progress(self, text: &str) -> TypingProgress {
        match self {
            Kind::Identification => IdentificationCode::progress(text),
            Kind::Reset => ResetCode::progress(text),
        }
    }
    fn parse_error(self, text: &str) -> Option<Error> {
        match self {
            Kind::Identification => IdentificationCode::parse(text).err(),
            Kind::Reset => ResetCode::parse(text).err(),
        }
    }
}

const KINDS: [Kind; 2] = [Kind::Identification, Kind::Reset];

/// The canonical text of the code with this payload (any first byte: any version).
fn encode_payload(layout: Layout, payload: &[u8]) -> String {
    let mut out = vec![0u8; layout.text_len()];
    code_text::encode(layout, payload, &mut out);
    String::from_utf8(out).unwrap()
}

/// A valid version-1 code with this epoch and filler bytes.
fn encode(layout: Layout, epoch: u16, rest: &[u8]) -> String {
    let mut payload = code_text::header(epoch).to_vec();
    payload.extend(rest.iter().copied().cycle().take(layout.payload_len - 2));
    encode_payload(layout, &payload)
}

fn sample_codes(kind: Kind) -> Vec<String> {
    let layout = kind.layout();
    vec![
        encode(layout, 1, &[0]),
        encode(layout, 7, &[0xA5, 0x3C, 0x01]),
        encode(layout, code_text::MAX_EPOCH, &[0xFF]),
        encode(layout, 300, &(0..=255).collect::<Vec<u8>>()),
    ]
}

/// The symbols of a canonical code (separators dropped).
fn symbols(code: &str) -> Vec<char> {
    code.chars().filter(|&c| c != '-').collect()
}

/// The states a correct prefix of `n` symbols must give.
fn expected_states(layout: Layout, n: usize) -> Vec<GroupState> {
    let total = layout.symbols();
    (0..layout.groups())
        .map(|g| {
            let start = g * GROUP_SYMBOLS;
            let end = (start + GROUP_SYMBOLS).min(total);
            if n <= start {
                GroupState::Empty
            } else if n < end {
                GroupState::Incomplete
            } else {
                GroupState::Valid
            }
        })
        .collect()
}

/// A different symbol in place of `c`.
fn other_symbol(c: char, shift: usize) -> char {
    let v = ALPHABET.iter().position(|&a| a as char == c).unwrap();
    ALPHABET[(v + 1 + shift % 31) % 32] as char
}

#[test]
fn every_prefix_of_valid_codes() {
    for kind in KINDS {
        let layout = kind.layout();
        for code in sample_codes(kind) {
            let syms = symbols(&code);
            assert_eq!(syms.len(), layout.symbols());
            for n in 0..=syms.len() {
                let typed: String = syms[..n].iter().collect();
                // The canonical text's own prefix (with its hyphens) reads the same.
                let canonical_prefix: String = code
                    .chars()
                    .scan(0, |seen, c| {
                        if c != '-' {
                            *seen += 1;
                        }
                        Some((*seen, c))
                    })
                    .take_while(|&(seen, c)| seen <= n && !(seen == n && c == '-' && n == 0))
                    .map(|(_, c)| c)
                    .collect();
                for text in [typed.as_str(), canonical_prefix.as_str()] {
                    let p = kind.progress(text);
                    assert_eq!(p.groups(), expected_states(layout, n), "{kind:?} {text:?}");
                    assert_eq!(p.symbols_typed(), n);
                    assert_eq!(p.symbols_expected(), layout.symbols());
                    assert_eq!(p.is_complete(), n == syms.len());
                    assert!(!p.is_too_long());
                    assert_eq!(p.whole_code_ok(), n == syms.len());
                    assert_eq!(p.is_ready(), n == syms.len());
                    assert_eq!(p.first_wrong_group(), None);
                    assert_eq!(p.unsupported_version(), None);
                    assert_eq!(p.parse_error(), kind.parse_error(text), "{text:?}");
                }
            }
        }
    }
}

#[test]
fn a_mistake_in_each_group_shows_when_its_group_is_complete() {
    for kind in KINDS {
        let layout = kind.layout();
        for (c, code) in sample_codes(kind).into_iter().enumerate() {
            let good = symbols(&code);
            for group in 0..layout.groups() {
                let start = group * GROUP_SYMBOLS;
                let end = (start + GROUP_SYMBOLS).min(good.len());
                for pos in start..end {
                    // The version symbol changed would also name another version: skip it here
                    // (tested below).
                    if pos == 0 {
                        continue;
                    }
                    let mut bad = good.clone();
                    bad[pos] = other_symbol(good[pos], c + pos);
                    for n in 0..=bad.len() {
                        let text: String = bad[..n].iter().collect();
                        let p = kind.progress(&text);
                        let mut want = expected_states(layout, n);
                        if n >= end {
                            want[group] = GroupState::Mistyped;
                        }
                        assert_eq!(p.groups(), want, "{kind:?} group {group} pos {pos} n {n}");
                        assert_eq!(p.first_wrong_group(), (n >= end).then_some(group as u8 + 1));
                        assert!(!p.whole_code_ok());
                        assert!(!p.is_ready());
                        assert_eq!(p.parse_error(), kind.parse_error(&text));
                    }
                }
            }
        }
    }
}

#[test]
fn a_character_that_is_not_a_symbol_shows_at_once() {
    for kind in KINDS {
        let layout = kind.layout();
        let good = symbols(&sample_codes(kind)[1]);
        for group in 0..layout.groups() {
            let pos = group * GROUP_SYMBOLS + 1;
            for bad_char in ['U', 'u', '*', 'é', '\u{FF35}'] {
                let mut bad = good.clone();
                bad[pos] = bad_char;
                for n in pos + 1..=bad.len() {
                    let text: String = bad[..n].iter().collect();
                    let p = kind.progress(&text);
                    assert_eq!(p.groups()[group], GroupState::NotASymbol, "{text:?}");
                    assert!(p.groups()[group].is_wrong());
                    assert_eq!(p.first_wrong_group(), Some(group as u8 + 1));
                    assert_eq!(p.parse_error(), kind.parse_error(&text));
                }
            }
        }
    }
}

#[test]
fn too_many_symbols_are_reported_never_failed() {
    for kind in KINDS {
        let code = &sample_codes(kind)[0];
        for extra in ["0", "00", "ZZZZZZZZZZZZ", "U"] {
            let text = format!("{code}{extra}");
            let p = kind.progress(&text);
            assert!(p.is_too_long());
            assert!(!p.is_complete());
            assert!(!p.whole_code_ok());
            assert!(!p.is_ready());
            assert_eq!(p.symbols_typed(), kind.layout().symbols() + extra.len());
            assert!(p.groups().iter().all(|&g| g == GroupState::Valid), "{p:?}");
            assert_eq!(p.parse_error(), Some(Error::MalformedInput));
            assert_eq!(p.parse_error(), kind.parse_error(&text));
        }
        // Far too long: still reported.
        let text = code.repeat(1000);
        let p = kind.progress(&text);
        assert!(p.is_too_long());
        assert_eq!(p.symbols_typed(), 1000 * kind.layout().symbols());
    }
}

#[test]
fn another_version_shows_from_the_first_symbol() {
    for kind in KINDS {
        let layout = kind.layout();
        let mut payload = vec![0x5Au8; layout.payload_len];
        payload[0] = (2 << 3) | 0b001; // version 2
        let code = encode_payload(layout, &payload);
        let syms = symbols(&code);
        assert_eq!(syms[0], '2');
        for n in 0..=syms.len() {
            let text: String = syms[..n].iter().collect();
            let p = kind.progress(&text);
            assert_eq!(p.unsupported_version(), (n > 0).then_some(2));
            assert_eq!(p.whole_code_ok(), n == syms.len(), "groups and CRC pass");
            assert!(!p.is_ready());
            assert_eq!(p.parse_error(), kind.parse_error(&text));
        }
        assert_eq!(
            kind.progress(&code).parse_error(),
            Some(Error::UnsupportedVersion { found: 2 })
        );
    }
}

#[test]
fn same_leniency_as_parsing() {
    for kind in KINDS {
        let code = &sample_codes(kind)[3];
        let canonical = kind.progress(code);
        assert!(canonical.is_ready());
        let lower = code.to_lowercase();
        let spaced = code.replace('-', " \u{2013} ");
        let full: String = code
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    char::from_u32(c as u32 + 0xFEE0).unwrap()
                } else {
                    '\u{200B}'
                }
            })
            .collect();
        let aliases = code.replace('0', "o").replace('1', "L");
        for text in [lower, spaced, full, aliases] {
            assert_eq!(kind.progress(&text), canonical, "{text:?}");
        }
    }
}

#[test]
fn empty_text_is_all_empty() {
    for kind in KINDS {
        for text in ["", "   ", "-\u{2212}\u{FEFF}\n"] {
            let p = kind.progress(text);
            assert_eq!(p.symbols_typed(), 0);
            assert!(p.groups().iter().all(|&g| g == GroupState::Empty));
            assert_eq!(p.groups().len(), kind.layout().groups());
            assert_eq!(p.parse_error(), Some(Error::MalformedInput));
        }
    }
}

#[test]
fn progress_allocates_nothing() {
    let text = format!("{} \u{3000}xyz", sample_codes(Kind::Identification)[2]);
    for kind in KINDS {
        let (p, n) = allocations(|| kind.progress(&text));
        assert_eq!(n, 0);
        assert!(p.symbols_typed() > 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Property tests: the relation with `parse`, for any text.

fn separator() -> impl Strategy<Value = char> {
    let all: Vec<char> = WHITE_SPACE
        .iter()
        .chain(DASH_PUNCTUATION.iter())
        .chain(OTHER_SEPARATORS.iter())
        .copied()
        .collect();
    proptest::sample::select(all)
}

/// Texts near valid codes: a valid code (random payload, sometimes another version), then
/// random edits: substitutions, deletions, insertions of symbols, separators and other
/// characters; then a random prefix.
fn near_code() -> impl Strategy<Value = (Kind, String)> {
    (
        prop_oneof![Just(Kind::Identification), Just(Kind::Reset)],
        proptest::collection::vec(any::<u8>(), 34),
        prop_oneof![4 => Just(1u8), 1 => 0u8..32],
        proptest::collection::vec(
            (0usize..80, 0u8..4, any::<char>(), separator(), 0usize..32),
            0..4,
        ),
        0usize..90,
    )
        .prop_map(|(kind, bytes, version, edits, cut)| {
            let layout = kind.layout();
            let mut payload = bytes[..layout.payload_len].to_vec();
            payload[0] = (version << 3) | (payload[0] & 7);
            let mut chars: Vec<char> = encode_payload(layout, &payload).chars().collect();
            for (pos, op, any_char, sep, sym) in edits {
                let pos = pos % (chars.len() + 1);
                match op {
                    0 if pos < chars.len() => chars[pos] = ALPHABET[sym] as char,
                    1 if pos < chars.len() => {
                        chars.remove(pos);
                    }
                    2 => chars.insert(pos, sep),
                    _ => chars.insert(pos, any_char),
                }
            }
            let keep = if cut >= 80 {
                chars.len()
            } else {
                cut.min(chars.len())
            };
            (kind, chars[..keep].iter().collect())
        })
}

proptest! {
    #[test]
    fn progress_agrees_with_parse_near_codes((kind, text) in near_code()) {
        let p = kind.progress(&text);
        prop_assert_eq!(p.parse_error(), kind.parse_error(&text));
        prop_assert_eq!(p.is_ready(), kind.parse_error(&text).is_none());
        prop_assert!(!p.whole_code_ok() || p.is_complete());
        prop_assert_eq!(p.groups().len(), kind.layout().groups());
    }

    #[test]
    fn progress_agrees_with_parse_on_any_text(kind in prop_oneof![Just(Kind::Identification), Just(Kind::Reset)], text in ".{0,100}") {
        let p = kind.progress(&text);
        prop_assert_eq!(p.parse_error(), kind.parse_error(&text));
    }

    /// Typing more never un-wrongs a group: once a group is wrong, every longer text (the same
    /// text with more appended) keeps it wrong, until the code is too long.
    #[test]
    fn a_wrong_group_stays_wrong((kind, text) in near_code(), more in "[0-9A-Z -]{0,40}") {
        let before = kind.progress(&text);
        let after = kind.progress(&format!("{text}{more}"));
        for (g, (b, a)) in before.groups().iter().zip(after.groups()).enumerate() {
            if b.is_wrong() {
                prop_assert!(a.is_wrong(), "group {} {:?} -> {:?}", g, b, a);
            }
            if *b == GroupState::Valid {
                prop_assert_eq!(*a, GroupState::Valid);
            }
        }
        prop_assert!(after.symbols_typed() >= before.symbols_typed());
    }
}
