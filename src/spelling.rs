//! Spelling a code for reading aloud (a help-desk call): one unambiguous word per symbol, group
//! by group. The words are data, so an integrator can localize them.

use crate::code_text::ALPHABET;
use crate::error::{Error, Result};
use crate::{IdentificationCode, ResetCode, RESET_CODE_SYMBOLS};

/// Words between two groups of a spelled code.
pub const SPELLING_GROUP_SEPARATOR: &str = " / ";
/// The longest word a spelling table may hold, in bytes.
pub const MAX_SPELLING_WORD_LEN: usize = 32;

/// The English table: digits as words, letters by the ICAO/NATO spelling alphabet (the code's
/// alphabet has no I, L, O or U).
const ENGLISH: [&str; 32] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "Alfa",
    "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "Juliett", "Kilo", "Mike",
    "November", "Papa", "Quebec", "Romeo", "Sierra", "Tango", "Victor", "Whiskey", "X-ray",
    "Yankee", "Zulu",
];

/// The word for each of the 32 symbols, in the order of the code alphabet
/// `0123456789ABCDEFGHJKMNPQRSTVWXYZ`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpellingTable {
    words: [String; 32],
}

impl SpellingTable {
    /// The English table: `zero` … `nine`, then `Alfa`, `Bravo`, … `Zulu` (ICAO spelling, so
    /// `Alfa` and `Juliett`).
    pub fn english() -> Self {
        SpellingTable {
            words: ENGLISH.map(String::from),
        }
    }

    /// A localized table: 32 words in alphabet order.
    ///
    /// # Errors
    /// [`Error::MalformedInput`] when a word is empty, longer than [`MAX_SPELLING_WORD_LEN`]
    /// bytes, has a control character, starts or ends with white space, contains `/`, or two
    /// words are equal (the listener could not tell them apart).
    pub fn new(words: [&str; 32]) -> Result<Self> {
        for (i, w) in words.iter().enumerate() {
            let bad = w.is_empty()
                || w.len() > MAX_SPELLING_WORD_LEN
                || w.chars().any(char::is_control)
                || w.starts_with(char::is_whitespace)
                || w.ends_with(char::is_whitespace)
                || w.contains('/')
                || words[..i].contains(w);
            if bad {
                return Err(Error::MalformedInput);
            }
        }
        Ok(SpellingTable {
            words: words.map(String::from),
        })
    }

    /// The table from text: the 32 words, one per line (LF or CRLF; a final line break is
    /// allowed), in alphabet order; the checks of [`new`](Self::new).
    ///
    /// # Errors
    /// [`Error::MalformedInput`] when there are not exactly 32 lines, or as [`new`](Self::new).
    pub fn from_lines(text: &str) -> Result<Self> {
        let text = text.strip_suffix('\n').unwrap_or(text);
        let mut words = [""; 32];
        let mut lines = text.split('\n');
        for slot in words.iter_mut() {
            let line = lines.next().ok_or(Error::MalformedInput)?;
            *slot = line.strip_suffix('\r').unwrap_or(line);
        }
        if lines.next().is_some() {
            return Err(Error::MalformedInput);
        }
        Self::new(words)
    }

    /// The word for a symbol value (0–31).
    pub fn word(&self, value: u8) -> &str {
        self.words
            .get(usize::from(value))
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Spells a canonical code text: each symbol's word, words separated by a space, groups by
    /// [`SPELLING_GROUP_SEPARATOR`].
    fn spell_canonical(&self, canonical: &str) -> String {
        let mut out = String::new();
        for (g, group) in canonical.split('-').enumerate() {
            if g > 0 {
                out.push_str(SPELLING_GROUP_SEPARATOR);
            }
            for (i, c) in group.bytes().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                let value = ALPHABET.iter().position(|&a| a == c).unwrap_or(0) as u8;
                out.push_str(self.word(value));
            }
        }
        out
    }
}

impl Default for SpellingTable {
    fn default() -> Self {
        Self::english()
    }
}

impl IdentificationCode {
    /// The code spelled for reading aloud with `table` (see [`spell_code`]).
    pub fn spell(&self, table: &SpellingTable) -> String {
        table.spell_canonical(self.as_str())
    }
}

impl ResetCode {
    /// The code spelled for reading aloud with `table` (see [`spell_code`]).
    pub fn spell(&self, table: &SpellingTable) -> String {
        table.spell_canonical(self.as_str())
    }
}

/// Spells a typed reset code or identification code for reading aloud: the text is parsed as a
/// reset code when it has a reset code's number of symbols (44), otherwise as an
/// identification code, so only a well-typed code is spelled, in its canonical symbols. Each
/// symbol becomes its word from `table`, words are separated by a space and groups by
/// [`SPELLING_GROUP_SEPARATOR`] (`" / "`): `1ABC…` gives `one Alfa Bravo Charlie …`.
///
/// # Errors
/// Those of [`ResetCode::parse`] / [`IdentificationCode::parse`].
pub fn spell_code(text: &str, table: &SpellingTable) -> Result<String> {
    if ResetCode::progress(text).symbols_typed() == RESET_CODE_SYMBOLS {
        Ok(ResetCode::parse(text)?.spell(table))
    } else {
        Ok(IdentificationCode::parse(text)?.spell(table))
    }
}
