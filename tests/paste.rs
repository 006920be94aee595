//! What people paste (docs/PROTOCOL.md §3.1, §8): separators from the whole ignored set, full-width
//! letters and digits, lower case, line breaks, a byte order mark; every typing guarantee still
//! holding under that noise; the group named on several mistakes (§3.3); deployment packages
//! read from pasted text and from file bytes (UTF-16 refused); and the measured rate at which two
//! mistakes escape the typing checks (§12.1).

use offline_reset::code_text::{
    self, is_ignored, Layout, ALPHABET, DASH_PUNCTUATION, IDENTIFICATION_CODE_LAYOUT,
    OTHER_SEPARATORS, RESET_CODE_LAYOUT, WHITE_SPACE,
};

#[path = "support/sid.rs"]
mod sid;
use offline_reset::primitives::SecretScalar;
use offline_reset::*;
use proptest::prelude::*;
use sid::*;

// ---------------------------------------------------------------------------------------------
// A counting allocator, to prove that parsing pasted text allocates nothing.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

// ---------------------------------------------------------------------------------------------
// Codes and their pasted renderings.

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

    /// Parses with the public API and returns the canonical text.
    fn parse(self, text: &str) -> Result<String> {
        match self {
            Kind::Identification => IdentificationCode::parse(text).map(|c| c.to_string()),
            Kind::Reset => ResetCode::parse(text).map(|c| c.to_string()),
        }
    }

    /// Parses without allocating (the canonical text is compared in place).
    fn parse_matches(self, text: &str, canonical: &str) -> Result<bool> {
        match self {
            Kind::Identification => {
                IdentificationCode::parse(text).map(|c| c.as_str() == canonical)
            }
            Kind::Reset => ResetCode::parse(text).map(|c| c.as_str() == canonical),
        }
    }
}

/// The canonical text of a valid code with this epoch and payload bytes.
fn encode(layout: Layout, epoch: u16, rest: &[u8]) -> String {
    let mut payload = code_text::header(epoch).to_vec();
    payload.extend(rest.iter().copied().cycle().take(layout.payload_len - 2));
    let mut out = vec![0u8; layout.text_len()];
    code_text::encode(layout, &payload, &mut out);
    String::from_utf8(out).unwrap()
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Identification), Just(Kind::Reset)]
}

/// A random valid code of a random kind.
fn code() -> impl Strategy<Value = (Kind, String)> {
    (
        kind(),
        1u16..=code_text::MAX_EPOCH,
        proptest::collection::vec(any::<u8>(), 34),
    )
        .prop_map(|(kind, epoch, rest)| (kind, encode(kind.layout(), epoch, &rest)))
}

/// Every separator of §3.1.
fn separators() -> Vec<char> {
    WHITE_SPACE
        .iter()
        .chain(DASH_PUNCTUATION.iter())
        .chain(OTHER_SEPARATORS.iter())
        .copied()
        .collect()
}

fn full_width(c: char) -> char {
    if c.is_ascii_alphanumeric() {
        char::from_u32(c as u32 + 0xFEE0).unwrap()
    } else {
        c
    }
}

/// How a person's paste may dress up the symbols.
#[derive(Clone, Debug)]
struct Noise {
    /// Per symbol: (lower case, full width, separators inserted before it).
    per_symbol: Vec<(bool, bool, Vec<char>)>,
    bom: bool,
    /// 0: nothing, 1: LF, 2: CRLF, 3: trailing separators.
    ending: u8,
    trailing: Vec<char>,
}

fn noise() -> impl Strategy<Value = Noise> {
    let sep = proptest::sample::select(separators());
    (
        proptest::collection::vec(
            (
                any::<bool>(),
                any::<bool>(),
                proptest::collection::vec(sep.clone(), 0..3),
            ),
            64,
        ),
        any::<bool>(),
        0u8..4,
        proptest::collection::vec(sep, 0..4),
    )
        .prop_map(|(per_symbol, bom, ending, trailing)| Noise {
            per_symbol,
            bom,
            ending,
            trailing,
        })
}

/// Renders symbols (characters, separators removed) with the noise.
fn render(symbols: &[char], noise: &Noise) -> String {
    let mut out = String::new();
    if noise.bom {
        out.push('\u{FEFF}');
    }
    for (c, (lower, wide, before)) in symbols.iter().zip(&noise.per_symbol) {
        out.extend(before);
        let mut c = *c;
        if *lower {
            c = c.to_ascii_lowercase();
        }
        if *wide {
            c = full_width(c);
        }
        out.push(c);
    }
    match noise.ending {
        1 => out.push('\n'),
        2 => out.push_str("\r\n"),
        3 => out.extend(&noise.trailing),
        _ => {}
    }
    out
}

fn symbols_of(code: &str) -> Vec<char> {
    code.chars().filter(|&c| c != '-').collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn pasted_codes_parse_to_the_same_code((kind, code) in code(), noise in noise()) {
        let pasted = render(&symbols_of(&code), &noise);
        let (parsed, n) = allocations(|| kind.parse_matches(&pasted, &code));
        prop_assert_eq!(parsed, Ok(true), "{:?}", pasted);
        prop_assert_eq!(n, 0, "parsing {:?} allocated", pasted);
    }

    #[test]
    fn pasted_substitutions_are_located(
        (kind, code) in code(),
        noise in noise(),
        position in any::<prop::sample::Index>(),
        shift in 1u8..32,
    ) {
        let mut symbols = symbols_of(&code);
        let i = position.index(symbols.len());
        let v = code_text::symbol_value(symbols[i] as u8).unwrap();
        symbols[i] = ALPHABET[((v + shift) % 32) as usize] as char;
        let pasted = render(&symbols, &noise);
        prop_assert_eq!(
            kind.parse(&pasted),
            Err(Error::Mistyped { group: Some((i / 8 + 1) as u8) }),
            "{:?}", pasted
        );
    }

    #[test]
    fn pasted_swaps_are_located(
        (kind, code) in code(),
        noise in noise(),
        position in any::<prop::sample::Index>(),
    ) {
        let mut symbols = symbols_of(&code);
        let i = position.index(symbols.len() - 1);
        prop_assume!(symbols[i] != symbols[i + 1]);
        symbols.swap(i, i + 1);
        let pasted = render(&symbols, &noise);
        prop_assert_eq!(
            kind.parse(&pasted),
            Err(Error::Mistyped { group: Some((i / 8 + 1) as u8) }),
            "{:?}", pasted
        );
    }

    /// A character that is neither a separator nor a (full-width) symbol still takes one
    /// position and fails its group.
    #[test]
    fn other_characters_are_not_symbols(
        (kind, code) in code(),
        noise in noise(),
        position in any::<prop::sample::Index>(),
        c in any::<char>(),
    ) {
        let c = code_text::fold_full_width(c);
        prop_assume!(!is_ignored(c) && code_text::char_value(c).is_none());
        let mut symbols = symbols_of(&code);
        let i = position.index(symbols.len());
        symbols[i] = c;
        let mut noise = noise;
        noise.per_symbol[i].1 = false;
        let pasted = render(&symbols, &noise);
        let (parsed, n) = allocations(|| kind.parse(&pasted).err());
        prop_assert_eq!(parsed, Some(Error::Mistyped { group: Some((i / 8 + 1) as u8) }));
        prop_assert_eq!(n, 0);
    }

    /// Anything at all: no panic, and no allocation inside the parser.
    #[test]
    fn arbitrary_text_never_panics_nor_allocates(text in "\\PC{0,100}") {
        let (_, n) = allocations(|| {
            let _ = IdentificationCode::parse(&text);
            let _ = ResetCode::parse(&text);
        });
        prop_assert_eq!(n, 0);
    }
}

// ---------------------------------------------------------------------------------------------
// The ignored set, exactly.

#[test]
fn separators_are_exactly_the_specified_set() {
    // §3.1: 25 + 27 + 7 code points, no overlap.
    let all = separators();
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 59);
    for cp in 0..=0x10FFFFu32 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        assert_eq!(is_ignored(c), all.contains(&c), "U+{cp:04X}");
    }
}

#[test]
fn white_space_is_the_unicode_property() {
    // Rust's `char::is_whitespace` is the White_Space property.
    for cp in 0..=0x10FFFFu32 {
        if let Some(c) = char::from_u32(cp) {
            assert_eq!(c.is_whitespace(), WHITE_SPACE.contains(&c), "U+{cp:04X}");
        }
    }
}

#[test]
fn full_width_letters_and_digits_read_as_ascii() {
    for (wide, ascii) in ('\u{FF10}'..='\u{FF19}')
        .zip('0'..='9')
        .chain(('\u{FF21}'..='\u{FF3A}').zip('A'..='Z'))
        .chain(('\u{FF41}'..='\u{FF5A}').zip('a'..='z'))
    {
        assert_eq!(code_text::fold_full_width(wide), ascii);
        assert_eq!(
            code_text::char_value(wide),
            code_text::symbol_value(ascii as u8)
        );
    }
    // The aliases hold in full width too; full-width non-alphanumerics are not symbols.
    assert_eq!(code_text::char_value('Ｏ'), Some(0));
    assert_eq!(code_text::char_value('ｉ'), Some(1));
    assert_eq!(code_text::char_value('Ｌ'), Some(1));
    assert_eq!(code_text::char_value('Ｕ'), None);
    assert_eq!(code_text::char_value('＊'), None);
    assert_eq!(code_text::char_value('\u{FF0F}'), None);
    assert_eq!(code_text::char_value('\u{FF5B}'), None);
    assert_eq!(code_text::char_value('\u{FF20}'), None);
}

fn fixture_codes() -> (String, String) {
    let scalar = |b: u8| SecretScalar::from_bytes(&[b; 32]).unwrap();
    let ring = ServerKeyRing::from_secrets(
        Policy::default(),
        1,
        scalar(1),
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    let machine =
        Machine::enroll_with_secret(&ring.deployment_package().unwrap(), &scalar(2)).unwrap();
    let id = machine.identification_code();
    let account = Account::new("alice", "CORP", &VECTOR_SID).unwrap();
    let reset = ring
        .seal_reset_code(&id, &account, "Winter-Tulip-42", 1_795_000_000)
        .unwrap();
    (id.to_string(), reset.to_string())
}

#[test]
fn every_separator_alone_between_every_group() {
    let (id, reset) = fixture_codes();
    for (kind, code) in [(Kind::Identification, &id), (Kind::Reset, &reset)] {
        for sep in separators() {
            let pasted = format!("{sep}{}{sep}", code.replace('-', &sep.to_string()));
            assert_eq!(
                kind.parse(&pasted).as_ref(),
                Ok(code),
                "U+{:04X}",
                sep as u32
            );
            let glued = code.replace('-', "");
            assert_eq!(kind.parse(&format!("{glued}{sep}")).as_ref(), Ok(code));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §3.3: the first group, in reading order, that fails its own check.

fn substitute(symbols: &mut [char], i: usize) {
    let v = code_text::symbol_value(symbols[i] as u8).unwrap();
    symbols[i] = ALPHABET[((v + 1) % 32) as usize] as char;
}

#[test]
fn mistakes_in_groups_2_and_3_name_group_2() {
    let (id, reset) = fixture_codes();
    for (kind, code) in [(Kind::Identification, &id), (Kind::Reset, &reset)] {
        let clean = symbols_of(code);
        let two = Err(Error::Mistyped { group: Some(2) });
        // Substitutions in groups 2 and 3.
        let mut s = clean.clone();
        substitute(&mut s, 8 + 2);
        substitute(&mut s, 16 + 5);
        assert_eq!(kind.parse(&s.iter().collect::<String>()), two, "{kind:?}");
        // A non-symbol in group 3 after a substitution in group 2: group 2, in reading order.
        let mut s = clean.clone();
        substitute(&mut s, 8 + 2);
        s[16 + 5] = '*';
        assert_eq!(kind.parse(&s.iter().collect::<String>()), two, "{kind:?}");
        // A non-symbol in group 2 before a substitution in group 3.
        let mut s = clean.clone();
        s[8 + 2] = 'U';
        substitute(&mut s, 16 + 5);
        assert_eq!(kind.parse(&s.iter().collect::<String>()), two, "{kind:?}");
        // A substitution in every group from 2 on.
        let mut s = clean.clone();
        for g in 1..clean.len().div_ceil(8) {
            substitute(&mut s, g * 8);
        }
        assert_eq!(kind.parse(&s.iter().collect::<String>()), two, "{kind:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Deployment packages (§8).

fn package_text() -> String {
    let scalar = SecretScalar::from_bytes(&[1; 32]).unwrap();
    let ring = ServerKeyRing::from_secrets(
        Policy::default(),
        1,
        scalar,
        offline_reset::primitives::SecretScalar::from_bytes(&[7u8; 32]).expect("valid scalar"),
    );
    ring.deployment_package().unwrap().to_text()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = vec![];
    let units = bom
        .then_some(0xFEFFu16)
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn package_length_counts_characters_and_comes_first() {
    let p = package_text();
    let n = p.len();
    // Lengths a byte string can encode to end in 0, 2, 4, 5 or 7 (mod 8); the rules below need
    // n possible and n + 2 impossible (the signed package: 319 characters, 7 mod 8).
    assert!(matches!(n % 8, 0 | 2 | 4 | 5 | 7), "{n}");
    assert!(matches!((n + 2) % 8, 1 | 3 | 6), "{n}");
    // n characters (n + 1 bytes): a possible length, so the foreign character is what is wrong.
    let accented = format!("{}é", &p[..n - 1]);
    assert_eq!(
        DeploymentPackage::from_text(&accented),
        Err(Error::MalformedInput)
    );
    // n + 2 characters: impossible length, reported before the foreign characters.
    assert_eq!(
        DeploymentPackage::from_text(&format!("UU{p}")),
        Err(Error::Truncated)
    );
    // A four-byte character also counts once.
    assert_eq!(
        DeploymentPackage::from_text(&format!("{}😀", &p[..n - 1])),
        Err(Error::MalformedInput)
    );
    assert_eq!(
        DeploymentPackage::from_text(&format!("{}😀😀😀", &p[..n - 1])),
        Err(Error::Truncated)
    );
}

#[test]
fn pasted_packages_read() {
    let p = package_text();
    let expected = DeploymentPackage::from_text(&p).unwrap();
    let chars: Vec<char> = p.chars().collect();
    let crlf = chars
        .chunks(16)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\r\n")
        + "\r\n";
    let wide_lower: String = p.to_lowercase().chars().map(full_width).collect();
    let spaced: String = chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\u{00A0}\u{2013}\u{200B}");
    for (what, text) in [
        ("BOM", format!("\u{FEFF}{p}")),
        ("CRLF every 16", crlf),
        ("full width, lower case", wide_lower),
        ("NBSP, en dash, ZWSP", spaced),
        ("tabs and ideographic spaces", format!("\t{p}\u{3000}\n")),
    ] {
        assert_eq!(DeploymentPackage::from_text(&text), Ok(expected), "{what}");
        assert_eq!(
            DeploymentPackage::from_bytes(text.as_bytes()),
            Ok(expected),
            "{what}"
        );
    }
}

#[test]
fn package_bytes_in_utf16_are_named() {
    let p = package_text();
    for big_endian in [false, true] {
        for bom in [false, true] {
            assert_eq!(
                DeploymentPackage::from_bytes(&utf16(&p, big_endian, bom)),
                Err(Error::Utf16Text),
                "big endian {big_endian}, BOM {bom}"
            );
        }
    }
    // Just a UTF-16 byte order mark, or one UTF-16 character.
    assert_eq!(
        DeploymentPackage::from_bytes(&[0xFF, 0xFE]),
        Err(Error::Utf16Text)
    );
    assert_eq!(
        DeploymentPackage::from_bytes(&[0xFE, 0xFF]),
        Err(Error::Utf16Text)
    );
    assert_eq!(DeploymentPackage::from_bytes(b"1\0"), Err(Error::Utf16Text));
    assert_eq!(
        DeploymentPackage::from_bytes(b"\x001"),
        Err(Error::Utf16Text)
    );
    // A NUL byte that is not in every other position is just a foreign character.
    let mut one_nul = p.as_bytes().to_vec();
    one_nul[10] = 0;
    assert_eq!(
        DeploymentPackage::from_bytes(&one_nul),
        Err(Error::MalformedInput)
    );
    // UTF-16 detection looks at the first 32 bytes only: NULs from byte 32 on are characters.
    let mut late = p.as_bytes().to_vec();
    for b in late.iter_mut().skip(32).step_by(2) {
        *b = 0;
    }
    assert_ne!(DeploymentPackage::from_bytes(&late), Err(Error::Utf16Text));
    // Ill-formed UTF-8 that is not UTF-16.
    let mut bad = p.as_bytes().to_vec();
    bad[40] = 0xC3;
    assert_eq!(
        DeploymentPackage::from_bytes(&bad),
        Err(Error::MalformedInput)
    );
    assert_eq!(
        DeploymentPackage::from_bytes(b"\xEF\xBB"),
        Err(Error::MalformedInput)
    );
    // The empty file and a single byte are not UTF-16.
    assert_eq!(
        DeploymentPackage::from_bytes(b""),
        DeploymentPackage::from_text("")
    );
    assert_eq!(DeploymentPackage::from_bytes(b"\0"), Err(Error::Truncated));
}

#[test]
fn c_abi_package_check_reads_bytes() {
    use offline_reset::ffi::*;
    let p = package_text();
    let call = |bytes: &[u8]| {
        let (mut epoch, mut lifetime, mut skew) = (0u16, 0u16, 0u16);
        let mut details = olr_error_details::default();
        let status = olr_deployment_package_check(
            bytes.as_ptr().cast(),
            bytes.len(),
            &mut epoch,
            &mut lifetime,
            &mut skew,
            &mut details,
        );
        (status, epoch)
    };
    assert_eq!(call(p.as_bytes()), (olr_status::OLR_OK, 1));
    assert_eq!(
        call(format!("\u{FEFF}{p}\r\n").as_bytes()),
        (olr_status::OLR_OK, 1)
    );
    for big_endian in [false, true] {
        for bom in [false, true] {
            assert_eq!(
                call(&utf16(&p, big_endian, bom)).0,
                olr_status::OLR_UTF16_TEXT
            );
        }
    }
    let mut bad = p.as_bytes().to_vec();
    bad[40] = 0xC3;
    assert_eq!(call(&bad).0, olr_status::OLR_INVALID_UTF8);
    assert_eq!(
        call(format!("{}é", &p[..84]).as_bytes()).0,
        olr_status::OLR_MALFORMED_INPUT
    );
    assert_eq!(
        call(format!("UU{p}").as_bytes()).0,
        olr_status::OLR_TRUNCATED
    );
}

// ---------------------------------------------------------------------------------------------
// §12.1: the rate at which two substitutions escape the typing checks (a fast, deterministic
// version of examples/typing_escape_rates.rs).

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Two substitutions in one group that keep its own check: (samples, escapes of the whole-code
/// check). Also counts how many random two-substitution mistakes anywhere escape every check.
fn escape_counts(layout: Layout, samples: u64, seed: u64) -> (u64, u64) {
    let mut rng = SplitMix64(seed);
    let mut same_group_escapes = 0;
    let mut anywhere_escapes = 0;
    for _ in 0..samples {
        let rest: Vec<u8> = (0..layout.payload_len).map(|_| rng.next() as u8).collect();
        let epoch = 1 + rng.below(2047) as u16;
        let code = encode(layout, epoch, &rest);
        let clean: Vec<u8> = symbols_of(&code)
            .iter()
            .map(|&c| code_text::symbol_value(c as u8).unwrap())
            .collect();
        let n = clean.len();
        let parse = |symbols: &[u8]| {
            let text: String = symbols
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect();
            let mut payload = vec![0u8; layout.payload_len];
            !matches!(
                code_text::decode(layout, &text, &mut payload),
                Err(Error::Mistyped { .. })
            )
        };
        // Same group (a uniformly random pair of positions, drawn until both are in one group),
        // group check kept: of the 31 values of the second symbol, keep the one the group
        // check accepts (there is exactly one).
        let (a, b) = loop {
            let a = rng.below(n as u64) as usize;
            let b = (a + 1 + rng.below(n as u64 - 1) as usize) % n;
            if a / 8 == b / 8 {
                break (a, b);
            }
        };
        let group = a / 8;
        let size = (n - group * 8).min(8);
        let mut s = clean.clone();
        s[a] = (s[a] + 1 + rng.below(31) as u8) % 32;
        let keeps: Vec<u8> = (0..32u8)
            .filter(|&v| v != clean[b])
            .filter(|&v| {
                let mut t = s.clone();
                t[b] = v;
                code_text::group_sum(&t[group * 8..group * 8 + size]) == group as u8
            })
            .collect();
        assert_eq!(
            keeps.len(),
            1,
            "exactly one second substitution keeps the group check"
        );
        s[b] = keeps[0];
        same_group_escapes += u64::from(parse(&s));
        // Anywhere.
        let i = rng.below(n as u64) as usize;
        let j = (i + 1 + rng.below(n as u64 - 1) as usize) % n;
        let mut s = clean.clone();
        s[i] = (s[i] + 1 + rng.below(31) as u8) % 32;
        s[j] = (s[j] + 1 + rng.below(31) as u8) % 32;
        anywhere_escapes += u64::from(parse(&s));
    }
    (same_group_escapes, anywhere_escapes)
}

#[test]
fn double_mistakes_escape_at_the_measured_rate() {
    // Measured (docs/PROTOCOL.md §12.1): about 0.55 % of same-group double substitutions that
    // pass the group check escape the identification code's 8-bit CRC, 1.8 % the reset code's
    // 6-bit CRC; two substitutions anywhere escape about 0.002 % / 0.009 % of the time.
    // Wide bands: these fail if a check is dropped or weakened, not on sampling noise.
    let samples = 4000;
    let (same, anywhere) = escape_counts(IDENTIFICATION_CODE_LAYOUT, samples, 1);
    eprintln!("identification code: {same} and {anywhere} of {samples}");
    assert!(
        (8..=50).contains(&same),
        "identification code: {same} / {samples}"
    );
    assert!(anywhere <= 4, "identification code: {anywhere} / {samples}");
    let (same, anywhere) = escape_counts(RESET_CODE_LAYOUT, samples, 2);
    eprintln!("reset code: {same} and {anywhere} of {samples}");
    assert!((35..=120).contains(&same), "reset code: {same} / {samples}");
    assert!(anywhere <= 6, "reset code: {anywhere} / {samples}");
}
