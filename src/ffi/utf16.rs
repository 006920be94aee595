//! UTF-16 entry points for the login screen (issue 18): a Windows credential provider holds
//! `PWSTR`s, so the machine-side calls also take text as `const uint16_t *` + length in code
//! units (no NUL needed). Each decodes into a wiped UTF-8 buffer (`ptr::text_utf16`) and then
//! does exactly what its UTF-8 twin does, with the same statuses, in the same order; an unpaired
//! surrogate is `OLR_INVALID_UTF16` where the twin says `OLR_INVALID_UTF8`. The provider never
//! has to make an unwiped UTF-8 copy of a password.

use super::account::olr_name_problem_code;
use zeroize::Zeroizing;

use super::codes::olr_typing_progress;
use super::machine::{olr_accepted_reset, olr_machine, TypedReset};
use super::ptr::{self, Details, Out, OutBuf};
use super::replay_ledger::olr_replay_ledger;
use super::status::{olr_error_details, olr_status};
use crate::{name_problem, normalize_names, Account, ResetCode};

/// The arguments of an open or redeem in the order their UTF-8 twins check them: the typed code,
/// the username, the domain (UTF-16, decoded into wiped buffers), the SID (binary), the new
/// password (UTF-16).
struct Utf16Reset<'a> {
    code: Zeroizing<String>,
    username: Zeroizing<String>,
    domain: Zeroizing<String>,
    sid: &'a [u8],
    password: Zeroizing<String>,
}

impl<'a> Utf16Reset<'a> {
    fn decode(
        code: (*const u16, usize),
        username: (*const u16, usize),
        domain: (*const u16, usize),
        sid: (*const u8, usize),
        password: (*const u16, usize),
    ) -> Result<Self, super::status::Fail> {
        Ok(Utf16Reset {
            code: ptr::text_utf16(code.0, code.1)?,
            username: ptr::text_utf16(username.0, username.1)?,
            domain: ptr::text_utf16(domain.0, domain.1)?,
            sid: ptr::bytes(sid.0, sid.1)?,
            password: ptr::text_utf16(password.0, password.1)?,
        })
    }

    fn typed(&self) -> TypedReset<'_> {
        TypedReset {
            code: &self.code,
            username: &self.username,
            domain: &self.domain,
            sid: self.sid,
            password: &self.password,
        }
    }
}

/// As `olr_machine_redeem_reset_code`, with the typed reset code, username, domain and new
/// password as UTF-16 (`*_len` in code units, at most `OLR_MAX_INPUT_LEN / 2` each). The SID is
/// binary as there.
#[must_use]
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "C" fn olr_machine_redeem_reset_code_utf16(
    machine: *const olr_machine,
    ledger: *mut olr_replay_ledger,
    reset_code: *const u16,
    reset_code_len: usize,
    username: *const u16,
    username_len: usize,
    offline_domain: *const u16,
    offline_domain_len: usize,
    sid: *const u8,
    sid_len: usize,
    new_password: *const u16,
    new_password_len: usize,
    now: i64,
    accepted: *mut olr_accepted_reset,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let machine = ptr::handle(machine)?;
            let ledger = ptr::handle_mut(ledger)?;
            let args = Utf16Reset::decode(
                (reset_code, reset_code_len),
                (username, username_len),
                (offline_domain, offline_domain_len),
                (sid, sid_len),
                (new_password, new_password_len),
            )?;
            args.typed().open_with(accepted, |code, account, password| {
                let machine = machine.machine();
                machine.redeem_reset_code(ledger.ledger_mut(), code, account, password, now)
            })
        })
    }
}

/// As `olr_machine_open_reset_code_for_diagnostics` (diagnostics only: counts nothing, records
/// nothing), with the texts as UTF-16.
#[must_use]
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub extern "C" fn olr_machine_open_reset_code_for_diagnostics_utf16(
    machine: *const olr_machine,
    reset_code: *const u16,
    reset_code_len: usize,
    username: *const u16,
    username_len: usize,
    offline_domain: *const u16,
    offline_domain_len: usize,
    sid: *const u8,
    sid_len: usize,
    new_password: *const u16,
    new_password_len: usize,
    now: i64,
    accepted: *mut olr_accepted_reset,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let machine = ptr::handle(machine)?;
            let args = Utf16Reset::decode(
                (reset_code, reset_code_len),
                (username, username_len),
                (offline_domain, offline_domain_len),
                (sid, sid_len),
                (new_password, new_password_len),
            )?;
            args.typed().open_with(accepted, |code, account, password| {
                let machine = machine.machine();
                machine.open_reset_code_for_diagnostics(code, account, password, now)
            })
        })
    }
}

/// As `olr_reset_code_check`, with the typed text as UTF-16 and the canonical text written as
/// UTF-16 (`OLR_RESET_CODE_TEXT_LEN` code units, no NUL; `out_cap` and `*out_len` count code
/// units).
#[no_mangle]
pub extern "C" fn olr_reset_code_check_utf16(
    text: *const u16,
    text_len: usize,
    out: *mut u16,
    out_cap: usize,
    out_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let text = ptr::text_utf16(text, text_len)?;
            let out = OutBuf::new_u16(out, out_cap, out_len)?;
            let code = ResetCode::parse(&text)?;
            let units: Vec<u16> = code.as_str().encode_utf16().collect();
            out.write_u16(&units)
        })
    }
}

/// As `olr_reset_code_progress`, with the typed text as UTF-16: per-group marks while the user
/// types. Never fails on the text (only `OLR_NULL_POINTER`, `OLR_INVALID_LENGTH`,
/// `OLR_INVALID_UTF16`).
#[no_mangle]
pub extern "C" fn olr_reset_code_progress_utf16(
    text: *const u16,
    text_len: usize,
    out: *mut olr_typing_progress,
) -> olr_status {
    ffi_boundary! {
        let text = ptr::text_utf16(text, text_len)?;
        let out = Out::new(out)?;
        out.write(olr_typing_progress::of(&ResetCode::progress(&text)));
        Ok(())
    }
}

/// As `olr_account_check`, with the username and domain as UTF-16.
#[no_mangle]
pub extern "C" fn olr_account_check_utf16(
    username: *const u16,
    username_len: usize,
    offline_domain: *const u16,
    offline_domain_len: usize,
    sid: *const u8,
    sid_len: usize,
) -> olr_status {
    ffi_boundary! {
        let username = ptr::text_utf16(username, username_len)?;
        let offline_domain = ptr::text_utf16(offline_domain, offline_domain_len)?;
        let sid = ptr::bytes(sid, sid_len)?;
        Account::new(&username, &offline_domain, sid)?;
        Ok(())
    }
}

/// As `olr_name_problem`, with the name as UTF-16.
#[no_mangle]
pub extern "C" fn olr_name_problem_utf16(
    text: *const u16,
    text_len: usize,
    out_problem: *mut olr_name_problem_code,
) -> olr_status {
    ffi_boundary! {
        let text = ptr::text_utf16(text, text_len)?;
        let out_problem = Out::new(out_problem)?;
        out_problem.write(olr_name_problem_code::of(name_problem(&text)));
        Ok(())
    }
}

/// As `olr_account_normalize`, with the names in and out as UTF-16 (capacities and lengths in
/// code units): what a credential provider compares to find the one cached account a typed name
/// means (docs/PROTOCOL.md §12.3 rule 1). When either buffer is too small, both needed lengths
/// are written and `OLR_BUFFER_TOO_SMALL` returned.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn olr_account_normalize_utf16(
    username: *const u16,
    username_len: usize,
    offline_domain: *const u16,
    offline_domain_len: usize,
    out_username: *mut u16,
    username_cap: usize,
    out_username_len: *mut usize,
    out_domain: *mut u16,
    domain_cap: usize,
    out_domain_len: *mut usize,
    details: *mut olr_error_details,
) -> olr_status {
    ffi_boundary! {
        Details::new(details).record(|| {
            let username = ptr::text_utf16(username, username_len)?;
            let offline_domain = ptr::text_utf16(offline_domain, offline_domain_len)?;
            let user_out = OutBuf::new_u16(out_username, username_cap, out_username_len)?;
            let domain_out = OutBuf::new_u16(out_domain, domain_cap, out_domain_len)?;
            let (user, domain) = normalize_names(&username, &offline_domain)?;
            let user: Vec<u16> = user.encode_utf16().collect();
            let domain: Vec<u16> = domain.encode_utf16().collect();
            if user.len() > username_cap || domain.len() > domain_cap {
                Out::new(out_username_len)?.write(user.len());
                Out::new(out_domain_len)?.write(domain.len());
                return Err(super::status::Fail::Status(olr_status::OLR_BUFFER_TOO_SMALL));
            }
            user_out.write_u16(&user)?;
            domain_out.write_u16(&domain)
        })
    }
}
