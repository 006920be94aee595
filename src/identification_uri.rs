//! The identification code as a URI for the self-service phone flow, and its QR symbol: the
//! login tile shows the QR code, the phone opens the reset portal with the code filled in.
//! The URI form is an interop contract between the tile and the portal (docs/PROTOCOL.md §6.1).
//! The library makes no network calls: the portal's base URL comes from the integration's
//! configuration.

use qrcodegen::{QrCode, QrCodeEcc, QrSegment, Version};

use crate::code_text::is_ignored;
use crate::error::{Error, Result};
use crate::IdentificationCode;

/// The query parameter that carries the identification code.
pub const IDENTIFICATION_URI_PARAMETER: &str = "olr-id";
/// The longest portal base URL accepted, in bytes.
pub const MAX_PORTAL_URL_LEN: usize = 512;
/// Light modules on each side of every QR symbol (included in [`QrMatrix::width`]).
pub const QR_QUIET_ZONE: usize = 4;

/// Characters allowed in a portal base URL: RFC 3986 unreserved and reserved characters and
/// `%` (no space, no `#`: a fragment is refused).
fn url_char_ok(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~:/?[]@!$&'()*+,;=%".contains(&c)
}

/// Whether `text` starts with `prefix`, ASCII case-insensitively.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether the query part of a URL (after the first `?`, before any `#`) names the parameter.
fn query_values<'a>(url: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let query = without_fragment
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default();
    query.split('&').filter_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (name == IDENTIFICATION_URI_PARAMETER).then_some(value)
    })
}

/// Checks a portal base URL (see [`IdentificationCode::uri`]).
fn check_base(base: &str) -> Result<()> {
    const SCHEME: &str = "https://";
    let ok = base.len() <= MAX_PORTAL_URL_LEN
        && starts_with_ignore_case(base, SCHEME)
        && base.len() > SCHEME.len()
        && !base[SCHEME.len()..].starts_with('/')
        && base.bytes().all(url_char_ok)
        && query_values(base).next().is_none();
    if ok {
        Ok(())
    } else {
        Err(Error::MalformedInput)
    }
}

/// What goes between the base URL and `olr-id=`: `?` when the base has no `?`; otherwise, with
/// the query the part after the first `?`, nothing when the query is empty or ends with `&`,
/// else `&`.
fn joiner(base: &str) -> &'static str {
    match base.split_once('?') {
        None => "?",
        Some((_, query)) if query.is_empty() || query.ends_with('&') => "",
        Some(_) => "&",
    }
}

/// A QR symbol as a module matrix: `width` × `width` modules, row-major, the quiet zone of
/// [`QR_QUIET_ZONE`] light modules on each side included.
#[derive(Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    modules: Vec<u8>,
}

impl QrMatrix {
    /// Modules per side, the quiet zone included.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Every module, row-major from the top left: 1 is dark, 0 is light.
    pub fn modules(&self) -> &[u8] {
        &self.modules
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the matrix).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.modules[y * self.width + x] == 1
    }
}

impl core::fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "QrMatrix({}x{})", self.width, self.width)
    }
}

impl IdentificationCode {
    /// The URI that opens the reset portal with this code filled in (docs/PROTOCOL.md §6.1):
    /// `base_url`, then `?` when `base_url` has no `?`; otherwise (its query being what follows
    /// the first `?`) nothing when the query is empty or ends with `&`, else `&`; then `olr-id=` and the canonical code text (upper-case symbols and
    /// hyphens, URL-safe as they are). For example
    /// `https://reset.example.com/portal?olr-id=1ABC…`.
    ///
    /// # Errors
    /// [`Error::MalformedInput`] when `base_url` does not start with `https://` (any case)
    /// followed by a host, has a character other than RFC 3986's unreserved and reserved ones
    /// and `%` (a space, non-ASCII text), has a fragment (`#`), already has an `olr-id`
    /// parameter, or is longer than [`MAX_PORTAL_URL_LEN`] bytes.
    pub fn uri(&self, base_url: &str) -> Result<String> {
        check_base(base_url)?;
        Ok(format!(
            "{base_url}{}{IDENTIFICATION_URI_PARAMETER}={}",
            joiner(base_url),
            self.as_str()
        ))
    }

    /// The QR symbol of [`uri`](Self::uri): error-correction level M (about 15% of the symbol
    /// may be damaged), the smallest version that fits, the base URL and `olr-id=` in byte mode
    /// and the code in alphanumeric mode, the mask chosen by the QR standard's penalty rules;
    /// the quiet zone of [`QR_QUIET_ZONE`] modules included. A 41-byte base gives version 6
    /// (41 modules, 49 with the quiet zone).
    ///
    /// # Errors
    /// As [`uri`](Self::uri).
    pub fn qr(&self, base_url: &str) -> Result<QrMatrix> {
        check_base(base_url)?;
        let prefix = format!(
            "{base_url}{}{IDENTIFICATION_URI_PARAMETER}=",
            joiner(base_url)
        );
        let segments = [
            QrSegment::make_bytes(prefix.as_bytes()),
            QrSegment::make_alphanumeric(self.as_str()),
        ];
        let qr = QrCode::encode_segments_advanced(
            &segments,
            QrCodeEcc::Medium,
            Version::MIN,
            Version::MAX,
            None,
            false,
        )
        .map_err(|_| Error::MalformedInput)?;
        let size = usize::try_from(qr.size()).map_err(|_| Error::MalformedInput)?;
        let width = size + 2 * QR_QUIET_ZONE;
        let mut modules = vec![0u8; width * width];
        for y in 0..size {
            for x in 0..size {
                // `size` fits in i32: it came from one.
                if qr.get_module(x as i32, y as i32) {
                    modules[(y + QR_QUIET_ZONE) * width + x + QR_QUIET_ZONE] = 1;
                }
            }
        }
        Ok(QrMatrix { width, modules })
    }

    /// What a portal receives: either a URI made by [`uri`](Self::uri) (any text starting with
    /// `https://` or `http://`, any case, after white space) whose query has exactly one
    /// `olr-id` parameter, whose value is parsed as by [`parse`](Self::parse); or the bare code,
    /// parsed by [`parse`](Self::parse). The value is not percent-decoded (the code needs no
    /// encoding). A fragment is ignored.
    ///
    /// # Errors
    /// [`Error::MalformedInput`] for a URI without exactly one `olr-id` parameter; otherwise
    /// those of [`parse`](Self::parse).
    pub fn parse_uri_or_code(text: &str) -> Result<Self> {
        let trimmed = text.trim_start_matches(is_ignored);
        if starts_with_ignore_case(trimmed, "https://")
            || starts_with_ignore_case(trimmed, "http://")
        {
            let mut values = query_values(trimmed);
            return match (values.next(), values.next()) {
                (Some(value), None) => Self::parse(value),
                _ => Err(Error::MalformedInput),
            };
        }
        Self::parse(text)
    }
}
