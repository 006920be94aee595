//! UI aids around the codes: the identification code URI and its QR symbol for the
//! self-service phone flow, the server-side reader of that URI, and spelling a code for a
//! help-desk call.

use core::ffi::c_char;

use super::ptr::{self, Details, Out, OutBuf};
use super::status::{olr_error_details, olr_status, Fail};
use crate::{
    spell_code, IdentificationCode, SpellingTable, MAX_PORTAL_URL_LEN, MAX_SPELLING_WORD_LEN,
    QR_QUIET_ZONE,
};

/// The longest portal base URL `olr_identification_code_uri` and `olr_identification_code_qr`
/// accept, in bytes.
pub const OLR_MAX_PORTAL_URL_LEN: usize = 512;
/// The longest URI `olr_identification_code_uri` writes: base, `?`, `olr-id=`, the code.
pub const OLR_IDENTIFICATION_URI_MAX_LEN: usize = 591;
/// Light modules on each side of a QR symbol, included in its width.
pub const OLR_QR_QUIET_ZONE: usize = 4;
/// The widest QR symbol (version 40, quiet zone included): at most
/// `OLR_QR_MAX_WIDTH * OLR_QR_MAX_WIDTH` modules.
pub const OLR_QR_MAX_WIDTH: usize = 185;
/// The longest word of a spelling table, in bytes.
pub const OLR_MAX_SPELLING_WORD_LEN: usize = 32;
/// The longest text `olr_spell_code` writes: 64 words of at most `OLR_MAX_SPELLING_WORD_LEN`
/// bytes, 56 spaces and 7 group separators of 3 bytes.
pub const OLR_SPELLING_MAX_LEN: usize = 2125;

const _: () = {
    assert!(OLR_MAX_PORTAL_URL_LEN == MAX_PORTAL_URL_LEN);
    assert!(
        OLR_IDENTIFICATION_URI_MAX_LEN
            == MAX_PORTAL_URL_LEN + 1 + 7 + super::OLR_IDENTIFICATION_CODE_TEXT_LEN
    );
    assert!(OLR_QR_QUIET_ZONE == QR_QUIET_ZONE);
    assert!(OLR_QR_MAX_WIDTH == 177 + 2 * QR_QUIET_ZONE);
    assert!(OLR_MAX_SPELLING_WORD_LEN == MAX_SPELLING_WORD_LEN);
    assert!(OLR_SPELLING_MAX_LEN == 64 * MAX_SPELLING_WORD_LEN + 56 + 7 * 3);
};

/// Writes the URI that opens the reset portal with the identification code filled in
/// (docs/PROTOCOL.md §6.1): `base_url`, then `?` when it has no `?` (otherwise `&`, or nothing
/// when its query, after the first `?`, is empty or ends with `&`), `olr-id=` and the canonical
/// code. At most
/// `OLR_IDENTIFICATION_URI_MAX_LEN` bytes, NUL-terminated when `out_cap` > `*out_len` (ABI 1.1). `code` is parsed as by
/// `olr_identification_code_check` (its errors); `base_url` comes from the integration's
/// configuration: `OLR_MALFORMED_INPUT` unless it starts with `https://` (any case) and a host,
/// has only RFC 3986 unreserved/reserved characters and `%`, no fragment (`#`), no `olr-id`
/// parameter, and at most `OLR_MAX_PORTAL_URL_LEN` bytes. No network access.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_identification_code_uri(
    code: *const c_char,
    code_len: usize,
    base_url: *const c_char,
    base_url_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let code = ptr::text(code, code_len)?;
            let base_url = ptr::text(base_url, base_url_len)?;
            let out = OutBuf::text(out, out_cap, out_len)?;
            let uri = IdentificationCode::parse(code)?.uri(base_url)?;
            out.write(uri.as_bytes())
        })
    }
}

/// Writes the QR symbol of `olr_identification_code_uri`'s URI as a module matrix: `*out_width`
/// modules per side (quiet zone of `OLR_QR_QUIET_ZONE` light modules on each side included, at
/// most `OLR_QR_MAX_WIDTH`), `*out_len = width * width` bytes in `out`, row-major from the top
/// left, 1 for a dark module and 0 for a light one; draw each module as a square of a few
/// pixels (GDI: `FillRect` per dark module). Error-correction level M, the smallest version
/// that fits. Same arguments and errors as `olr_identification_code_uri`; on
/// `OLR_BUFFER_TOO_SMALL` only `*out_len` is written (`*out_width` only on success).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_identification_code_qr(
    code: *const c_char,
    code_len: usize,
    base_url: *const c_char,
    base_url_len: usize,
    out_modules: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    out_width: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let code = ptr::text(code, code_len)?;
            let base_url = ptr::text(base_url, base_url_len)?;
            let out = OutBuf::new(out_modules, out_cap, out_len)?;
            let out_width = Out::new(out_width)?;
            let qr = IdentificationCode::parse(code)?.qr(base_url)?;
            out.write(qr.modules())?;
            out_width.write(qr.width());
            Ok(())
        })
    }
}

/// Server side of the phone flow: reads what the portal received, either a URI made by
/// `olr_identification_code_uri` (text starting with `https://` or `http://`, any case, whose
/// query has exactly one `olr-id` parameter) or the bare code, and writes the canonical code
/// text (`OLR_IDENTIFICATION_CODE_TEXT_LEN` bytes). Fails with `OLR_MALFORMED_INPUT` for a URI
/// without exactly one `olr-id` parameter, and as `olr_identification_code_check`.
#[no_mangle]
pub extern "C" fn olr_identification_code_parse_uri_or_code(
    text: *const c_char,
    text_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let text = ptr::text(text, text_len)?;
            let out = OutBuf::text(out, out_cap, out_len)?;
            let code = IdentificationCode::parse_uri_or_code(text)?;
            out.write(code.as_str().as_bytes())
        })
    }
}

/// Spells a typed reset code (44 symbols) or identification code for reading aloud: each
/// symbol's word, separated by a space, groups separated by ` / `, e.g. `one zero zero X-ray`.
/// At most `OLR_SPELLING_MAX_LEN` bytes of UTF-8, NUL-terminated when `out_cap` > `*out_len` (ABI
/// 1.1). `table` is NULL with
/// `table_len` 0 for English (digits as words, letters by the NATO alphabet), or a localized
/// table: UTF-8 text of exactly 32 lines (LF or CRLF, a final line break allowed), the words
/// for `0123456789ABCDEFGHJKMNPQRSTVWXYZ` in that order, each non-empty, at most
/// `OLR_MAX_SPELLING_WORD_LEN` bytes, no control character, no `/`, no surrounding white space,
/// all different (else `OLR_MALFORMED_INPUT`). Fails as `olr_reset_code_check` /
/// `olr_identification_code_check` on the code.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_spell_code(
    text: *const c_char,
    text_len: usize,
    table: *const c_char,
    table_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            // Arguments in order, all before any work (docs/C_API.md): the table's pointer and
            // encoding, then the output pointers, and only then the table's content.
            let text = ptr::text(text, text_len)?;
            let table_text = if table.is_null() && table_len == 0 {
                None
            } else {
                Some(ptr::text(table, table_len)?)
            };
            let out = OutBuf::text(out, out_cap, out_len)?;
            let table = match table_text {
                None => SpellingTable::english(),
                Some(lines) => SpellingTable::from_lines(lines)?,
            };
            let spelled = spell_code(text, &table).map_err(Fail::from)?;
            out.write(spelled.as_bytes())
        })
    }
}
