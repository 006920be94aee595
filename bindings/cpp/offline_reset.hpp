// offline_reset.hpp: a header-only C++17 layer over the C API (include/offline_reset.h), written
// for a Windows credential provider (C++, COM, LogonUI) and usable anywhere.
//
//  - RAII owners: olr::key_ring, olr::machine, olr::replay_ledger. Move-only; the destructor
//    frees the handle (and the library wipes its secrets). No path leaks a handle.
//  - Text in as std::string_view (UTF-8), or as std::u16string_view / std::wstring_view.
//    UTF-16 (std::u16string_view everywhere, std::wstring_view where wchar_t has 16 bits, i.e.
//    Windows) goes straight to the C API's _utf16 functions where one exists (redeem,
//    reset_code_check, reset_code_progress, name_problem, account_normalize): the library
//    decodes it into a buffer it wipes, so no UTF-8 copy of a password exists in this layer;
//    an unpaired surrogate is OLR_INVALID_UTF16. The other wide functions, and UTF-32
//    (std::wstring_view where wchar_t has 32 bits, e.g. Linux: there is no UTF-32 C API), are
//    converted here into a UTF-8 buffer that is wiped afterwards; ill-formed UTF-16 is then
//    also OLR_INVALID_UTF16, ill-formed UTF-32 OLR_INVALID_UTF8. Text out as std::string;
//    buffer sizes are handled inside.
//  - Two error styles. Throwing functions (not declared when the translation unit is built
//    without exceptions, e.g. -fno-exceptions or /EHs-c-) throw olr::error, which carries the
//    status, its name, the message and every detail. Every throwing function has a noexcept
//    overload that returns an olr::status and writes its result to an out-parameter. In the
//    noexcept overloads an allocation failure of std::string ends the program (std::terminate),
//    as everywhere in code built without exceptions.
//
// Docs: docs/C_API.md (conventions), docs/INTEGRATION.md (what a credential provider must do).
#ifndef OFFLINE_RESET_HPP
#define OFFLINE_RESET_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__cpp_exceptions) || defined(_CPPUNWIND)
#define OLR_CPP_EXCEPTIONS 1
#include <stdexcept>
#else
#define OLR_CPP_EXCEPTIONS 0
#endif

#include "offline_reset.h"

namespace olr {

// ---------------------------------------------------------------------------------------------
// Status and error

/// The result of a noexcept call: the C status and the failure's details. Converts to true on
/// success.
class [[nodiscard]] status {
  public:
    constexpr status() noexcept = default;
    constexpr explicit status(olr_status code, const olr_error_details &details = {}) noexcept
        : code_(code), details_(details)
    {
    }

    constexpr bool ok() const noexcept { return code_ == OLR_OK; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    constexpr olr_status code() const noexcept { return code_; }
    /// The stable identifier, e.g. "OLR_REJECTED": for logs and for looking up UI texts.
    const char *name() const noexcept { return olr_status_name(code_); }
    /// Developer English (never show it on a login screen: map code() to your own texts).
    const char *message() const noexcept { return olr_status_message(code_); }
    constexpr const olr_error_details &details() const noexcept { return details_; }
    /// OLR_MISTYPED: the first group (1-based) that fails its own check; 0 = whole-code check.
    constexpr unsigned mistyped_group() const noexcept { return details_.mistyped_group; }
    /// OLR_KEY_ROTATED, OLR_CODE_BEFORE_ROTATION, OLR_REDEPLOY_NEEDED: the code's epoch.
    constexpr unsigned code_epoch() const noexcept { return details_.code_epoch; }
    /// The same statuses: the server's current epoch or the machine's enrolled epoch.
    constexpr unsigned current_epoch() const noexcept { return details_.current_epoch; }
    /// OLR_UNSUPPORTED_VERSION: the version found.
    constexpr unsigned found_version() const noexcept { return details_.found_version; }

  private:
    olr_status code_ = OLR_OK;
    olr_error_details details_{};
};

#if OLR_CPP_EXCEPTIONS
/// What the throwing functions throw: what() is "OLR_NAME: message".
class error : public std::runtime_error {
  public:
    explicit error(const olr::status &s)
        : std::runtime_error(std::string(s.name()) + ": " + s.message()), status_(s)
    {
    }
    olr_status code() const noexcept { return status_.code(); }
    const char *name() const noexcept { return status_.name(); }
    const char *message() const noexcept { return status_.message(); }
    const olr_error_details &details() const noexcept { return status_.details(); }
    unsigned mistyped_group() const noexcept { return status_.mistyped_group(); }
    unsigned code_epoch() const noexcept { return status_.code_epoch(); }
    unsigned current_epoch() const noexcept { return status_.current_epoch(); }
    unsigned found_version() const noexcept { return status_.found_version(); }
    const olr::status &status() const noexcept { return status_; }

  private:
    olr::status status_;
};
#endif

namespace detail {

#if OLR_CPP_EXCEPTIONS
inline void throw_if(const status &s)
{
    if (!s) throw error(s);
}
#endif

/// Overwrites memory in a way the compiler may not remove.
inline void wipe(void *data, std::size_t len) noexcept
{
    volatile unsigned char *p = static_cast<volatile unsigned char *>(data);
    for (std::size_t i = 0; i < len; i++) p[i] = 0;
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(data) : "memory");
#endif
}

/// UTF-8 converted from UTF-16 or UTF-32 text; wiped when it goes out of scope (the input may
/// be a password). Never copied.
class wiped_utf8 {
  public:
    wiped_utf8() = default;
    wiped_utf8(const wiped_utf8 &) = delete;
    wiped_utf8 &operator=(const wiped_utf8 &) = delete;
    ~wiped_utf8() { clear(); }

    void clear() noexcept
    {
        // Bytes are only ever appended (no reallocation: see assign), so size() covers them all.
        if (!bytes_.empty()) wipe(bytes_.data(), bytes_.size());
        bytes_.clear();
    }
    std::string_view view() const noexcept { return {bytes_.data(), bytes_.size()}; }

    /// Converts; false when the input is not valid UTF-16/UTF-32 (unpaired surrogate, value
    /// beyond U+10FFFF). Reserves the worst case first, so the buffer never reallocates (a
    /// reallocation would leave an unwiped copy behind).
    template <typename Unit> bool assign(const Unit *text, std::size_t len) noexcept
    {
        clear();
        constexpr bool utf16 = sizeof(Unit) == 2;
        static_assert(sizeof(Unit) == 2 || sizeof(Unit) == 4, "UTF-16 or UTF-32 code units");
        bytes_.reserve(len * (utf16 ? 3 : 4) + 1);
        for (std::size_t i = 0; i < len; i++) {
            std::uint32_t c = static_cast<std::uint32_t>(text[i]);
            if (utf16 && c >= 0xD800 && c <= 0xDBFF) {
                if (i + 1 >= len) return fail();
                std::uint32_t low = static_cast<std::uint32_t>(text[i + 1]);
                if (low < 0xDC00 || low > 0xDFFF) return fail();
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                i++;
            } else if (c >= 0xD800 && c <= 0xDFFF) {
                return fail();
            } else if (c > 0x10FFFF) {
                return fail();
            }
            if (c < 0x80) {
                push(c);
            } else if (c < 0x800) {
                push(0xC0 | (c >> 6));
                push(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                push(0xE0 | (c >> 12));
                push(0x80 | ((c >> 6) & 0x3F));
                push(0x80 | (c & 0x3F));
            } else {
                push(0xF0 | (c >> 18));
                push(0x80 | ((c >> 12) & 0x3F));
                push(0x80 | ((c >> 6) & 0x3F));
                push(0x80 | (c & 0x3F));
            }
        }
        return true;
    }

  private:
    void push(std::uint32_t byte) noexcept { bytes_.push_back(static_cast<char>(byte)); }
    bool fail() noexcept
    {
        clear();
        return false;
    }
    std::vector<char> bytes_;
};

/// The status for wide text that is not valid UTF-16/UTF-32: OLR_INVALID_UTF16 for UTF-16 (as
/// the C API's _utf16 functions say), OLR_INVALID_UTF8 for UTF-32 (no C status names it).
template <typename Unit> status invalid_text() noexcept
{
    return status(sizeof(Unit) == 2 ? OLR_INVALID_UTF16 : OLR_INVALID_UTF8);
}

/// UTF-16 code units (char16_t, or wchar_t where it has 16 bits) as the _utf16 functions take
/// them. An empty view without data is passed as an empty text, not as NULL (as the UTF-8
/// conversion did).
template <typename Unit> const std::uint16_t *utf16_units(std::basic_string_view<Unit> t) noexcept
{
    static_assert(sizeof(Unit) == 2 && sizeof(std::uint16_t) == 2, "UTF-16 code units");
    static const std::uint16_t empty[1] = {0};
    return t.data() != nullptr ? reinterpret_cast<const std::uint16_t *>(t.data()) : empty;
}

/// Calls `fill(char *out, size_t cap, size_t *len)` with a buffer of `first_guess` bytes, then
/// again with the size the library asked for; the result is resized to the text's length.
template <typename Fill> status text_out(std::string &out, std::size_t first_guess, Fill fill)
{
    std::string buf(first_guess + 1, '\0');
    std::size_t len = 0;
    olr_status s = fill(&buf[0], buf.size(), &len);
    if (s == OLR_BUFFER_TOO_SMALL) {
        buf.assign(len + 1, '\0');
        s = fill(&buf[0], buf.size(), &len);
    }
    if (s != OLR_OK) return status(s);
    buf.resize(len);
    out = std::move(buf);
    return status();
}

template <typename Fill> status bytes_out(std::vector<std::uint8_t> &out, Fill fill)
{
    std::size_t len = 0;
    olr_status s = fill(nullptr, 0, &len);
    if (s != OLR_BUFFER_TOO_SMALL && s != OLR_OK) return status(s);
    std::vector<std::uint8_t> buf(len);
    s = fill(buf.data(), buf.size(), &len);
    if (s != OLR_OK) {
        wipe(buf.data(), buf.size());
        return status(s);
    }
    buf.resize(len);
    out = std::move(buf);
    return status();
}

template <typename T, void (*Free)(T *)> class handle {
  public:
    handle() noexcept = default;
    explicit handle(T *raw) noexcept : raw_(raw) {}
    handle(const handle &) = delete;
    handle &operator=(const handle &) = delete;
    handle(handle &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    handle &operator=(handle &&other) noexcept
    {
        if (this != &other) reset(std::exchange(other.raw_, nullptr));
        return *this;
    }
    ~handle() { reset(); }
    void reset(T *raw = nullptr) noexcept { Free(std::exchange(raw_, raw)); }
    T *get() const noexcept { return raw_; }
    T **out() noexcept
    {
        reset();
        return &raw_;
    }

  private:
    T *raw_ = nullptr;
};

inline const std::uint8_t *key_ptr(const std::vector<std::uint8_t> *key) noexcept
{
    return key ? key->data() : nullptr;
}
inline std::size_t key_len(const std::vector<std::uint8_t> *key) noexcept
{
    return key ? key->size() : 0;
}

} // namespace detail

/// Bytes that may hold a secret (a plain export, a wrapping key): wiped on destruction.
class secret_bytes {
  public:
    secret_bytes() = default;
    explicit secret_bytes(std::vector<std::uint8_t> bytes) noexcept : bytes_(std::move(bytes)) {}
    secret_bytes(const secret_bytes &) = delete;
    secret_bytes &operator=(const secret_bytes &) = delete;
    secret_bytes(secret_bytes &&other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
    secret_bytes &operator=(secret_bytes &&other) noexcept
    {
        if (this != &other) {
            detail::wipe(bytes_.data(), bytes_.size());
            bytes_ = std::move(other.bytes_);
            other.bytes_.clear();
        }
        return *this;
    }
    ~secret_bytes() { detail::wipe(bytes_.data(), bytes_.size()); }
    const std::vector<std::uint8_t> &bytes() const noexcept { return bytes_; }
    std::vector<std::uint8_t> &bytes() noexcept { return bytes_; }
    const std::uint8_t *data() const noexcept { return bytes_.data(); }
    std::size_t size() const noexcept { return bytes_.size(); }

  private:
    std::vector<std::uint8_t> bytes_;
};

/// A wrapping key (OLR_WRAPPING_KEY_LEN bytes), or none (plain export/import).
class wrapping_key {
  public:
    wrapping_key() = default; ///< none
    explicit wrapping_key(secret_bytes bytes) noexcept : bytes_(std::move(bytes)), set_(true) {}
    bool has_value() const noexcept { return set_; }
    const std::uint8_t *data() const noexcept { return set_ ? bytes_.data() : nullptr; }
    std::size_t size() const noexcept { return set_ ? bytes_.size() : 0; }

    /// A fresh random key from the operating system.
    static status generate(wrapping_key &out) noexcept
    {
        std::vector<std::uint8_t> raw(OLR_WRAPPING_KEY_LEN);
        std::size_t len = 0;
        olr_status s = olr_wrapping_key_generate(raw.data(), raw.size(), &len);
        secret_bytes secret(std::move(raw));
        if (s != OLR_OK) return status(s);
        out = wrapping_key(std::move(secret));
        return status();
    }
#if OLR_CPP_EXCEPTIONS
    static wrapping_key generate()
    {
        wrapping_key key;
        detail::throw_if(generate(key));
        return key;
    }
#endif

  private:
    secret_bytes bytes_;
    bool set_ = false;
};

/// The account a reset is for, as the seal and open functions compare it.
struct account {
    std::string username;
    std::string offline_domain;
    bool operator==(const account &o) const noexcept
    {
        return username == o.username && offline_domain == o.offline_domain;
    }
    bool operator!=(const account &o) const noexcept { return !(*this == o); }
};

/// An account's binary SID (docs/PROTOCOL.md §5: revision 1, 1 to 15 sub-authorities,
/// 8 + 4 × count bytes, OLR_MIN_SID_LEN to OLR_MAX_SID_LEN), as LookupAccountNameW or the
/// directory's objectSid give it. A non-owning view of bytes: keep them alive during the call.
/// A malformed SID is OLR_INVALID_SID from the library (checked after the names).
class sid_view {
  public:
    constexpr sid_view() noexcept = default;
    constexpr sid_view(const std::uint8_t *data, std::size_t size) noexcept : data_(data), size_(size) {}
    sid_view(const std::vector<std::uint8_t> &bytes) noexcept : data_(bytes.data()), size_(bytes.size()) {}
    template <std::size_t N>
    constexpr sid_view(const std::uint8_t (&bytes)[N]) noexcept : data_(bytes), size_(N) {}
    /// The bytes of a std::string / std::string_view holding a binary SID (not its S-1-… text).
    static sid_view from_bytes(std::string_view bytes) noexcept
    {
        return sid_view(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    }
    constexpr const std::uint8_t *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }

  private:
    const std::uint8_t *data_ = nullptr; // NULL: OLR_NULL_POINTER from the library
    std::size_t size_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Free functions

/// Checks the names and the SID as seal and redeem will (OLR_INVALID_USERNAME,
/// OLR_INVALID_DOMAIN, then OLR_INVALID_SID).
inline status account_check(std::string_view username, std::string_view offline_domain,
                            sid_view sid) noexcept
{
    return status(olr_account_check(username.data(), username.size(), offline_domain.data(),
                                    offline_domain.size(), sid.data(), sid.size()));
}

/// A deployment package's fingerprint: lowercase hex SHA-256 of its envelope bytes (64
/// characters), the same for every text of one package. Compare it with the server's before
/// the first deployment.
inline status deployment_package_fingerprint(std::string_view package, std::string &out) noexcept
{
    olr_error_details d{};
    status s = detail::text_out(out, OLR_PACKAGE_FINGERPRINT_LEN,
                                [&](char *o, std::size_t cap, std::size_t *len) {
                                    return olr_deployment_package_fingerprint(
                                        package.data(), package.size(), o, cap, len, &d);
                                });
    return s ? s : status(s.code(), d);
}

/// A typed identification code's canonical text (OLR_MISTYPED names the group).
inline status identification_code_check(std::string_view typed, std::string &out) noexcept
{
    olr_error_details d{};
    status s = detail::text_out(out, OLR_IDENTIFICATION_CODE_TEXT_LEN,
                                [&](char *o, std::size_t cap, std::size_t *len) {
                                    return olr_identification_code_check(typed.data(), typed.size(),
                                                                         o, cap, len, &d);
                                });
    return s ? s : status(s.code(), d);
}

/// A typed reset code's canonical text (typing checks only).
inline status reset_code_check(std::string_view typed, std::string &out) noexcept
{
    olr_error_details d{};
    status s = detail::text_out(out, OLR_RESET_CODE_TEXT_LEN,
                                [&](char *o, std::size_t cap, std::size_t *len) {
                                    return olr_reset_code_check(typed.data(), typed.size(), o, cap,
                                                                len, &d);
                                });
    return s ? s : status(s.code(), d);
}

/// Feedback while a code is typed (call on every keystroke with the whole field): per-group
/// state, completeness, the first wrong group. Never fails on partial or wrong input.
using typing_progress = olr_typing_progress;
inline status identification_code_progress(std::string_view typed, typing_progress &out) noexcept
{
    return status(olr_identification_code_progress(typed.data(), typed.size(), &out));
}
inline status reset_code_progress(std::string_view typed, typing_progress &out) noexcept
{
    return status(olr_reset_code_progress(typed.data(), typed.size(), &out));
}

/// The offline user domain derived from an FQDN (`corp.example.com` gives `CORP`).
inline status default_offline_domain(std::string_view fqdn, std::string &out) noexcept
{
    return detail::text_out(out, OLR_MAX_NAME_LEN, [&](char *o, std::size_t cap, std::size_t *len) {
        return olr_default_offline_domain(fqdn.data(), fqdn.size(), o, cap, len);
    });
}

/// Both names normalized: two accounts are the same exactly when these are equal.
inline status account_normalize(std::string_view username, std::string_view offline_domain,
                                account &out) noexcept
{
    std::string user(OLR_MAX_NAME_LEN + 1, '\0'), domain(OLR_MAX_NAME_LEN + 1, '\0');
    std::size_t ulen = 0, dlen = 0;
    olr_error_details d{};
    olr_status s = olr_account_normalize(username.data(), username.size(), offline_domain.data(),
                                         offline_domain.size(), &user[0], user.size(), &ulen,
                                         &domain[0], domain.size(), &dlen, &d);
    if (s != OLR_OK) return status(s, d);
    user.resize(ulen);
    domain.resize(dlen);
    out = account{std::move(user), std::move(domain)};
    return status();
}

/// What is wrong with a typed name (OLR_NAME_PROBLEM_NONE when it can be used).
inline status name_problem(std::string_view text, olr_name_problem_code &out) noexcept
{
    return status(olr_name_problem(text.data(), text.size(), &out));
}

/// A deployment package's epoch and policy, without enrolling.
struct package_info {
    std::uint16_t epoch = 0;
    std::uint16_t lifetime_minutes = 0;
    std::uint16_t clock_skew_minutes = 0;
};
inline status deployment_package_check(std::string_view package, package_info &out) noexcept
{
    olr_error_details d{};
    package_info info;
    olr_status s = olr_deployment_package_check(package.data(), package.size(), &info.epoch,
                                                &info.lifetime_minutes, &info.clock_skew_minutes,
                                                &d);
    if (s != OLR_OK) return status(s, d);
    out = info;
    return status();
}

#if OLR_CPP_EXCEPTIONS
inline std::string deployment_package_fingerprint(std::string_view package)
{
    std::string out;
    detail::throw_if(deployment_package_fingerprint(package, out));
    return out;
}
inline std::string identification_code_check(std::string_view typed)
{
    std::string out;
    detail::throw_if(identification_code_check(typed, out));
    return out;
}
inline std::string reset_code_check(std::string_view typed)
{
    std::string out;
    detail::throw_if(reset_code_check(typed, out));
    return out;
}
inline std::string default_offline_domain(std::string_view fqdn)
{
    std::string out;
    detail::throw_if(default_offline_domain(fqdn, out));
    return out;
}
inline account account_normalize(std::string_view username, std::string_view offline_domain)
{
    account out;
    detail::throw_if(account_normalize(username, offline_domain, out));
    return out;
}
inline typing_progress identification_code_progress(std::string_view typed)
{
    typing_progress out{};
    detail::throw_if(identification_code_progress(typed, out));
    return out;
}
inline typing_progress reset_code_progress(std::string_view typed)
{
    typing_progress out{};
    detail::throw_if(reset_code_progress(typed, out));
    return out;
}
inline olr_name_problem_code name_problem(std::string_view text)
{
    olr_name_problem_code out = OLR_NAME_PROBLEM_NONE;
    detail::throw_if(name_problem(text, out));
    return out;
}
inline package_info deployment_package_check(std::string_view package)
{
    package_info out;
    detail::throw_if(deployment_package_check(package, out));
    return out;
}
#endif

// Wide-text inputs (every credential provider field is UTF-16; std::wstring_view is UTF-16 on
// Windows and UTF-32 elsewhere): UTF-16 to the _utf16 functions where the C API has one, else
// converted into a UTF-8 buffer that is wiped afterwards (see the top of this file).
namespace detail {
template <typename Unit, typename Fn>
status with_utf8(std::basic_string_view<Unit> a, Fn fn) noexcept
{
    wiped_utf8 ua;
    if (!ua.assign(a.data(), a.size())) return invalid_text<Unit>();
    return fn(ua.view());
}
template <typename Unit, typename Fn>
status with_utf8(std::basic_string_view<Unit> a, std::basic_string_view<Unit> b, Fn fn) noexcept
{
    wiped_utf8 ua, ub;
    if (!ua.assign(a.data(), a.size()) || !ub.assign(b.data(), b.size())) return invalid_text<Unit>();
    return fn(ua.view(), ub.view());
}

// The functions with a _utf16 twin in the C API: UTF-16 goes to the twin, UTF-32 is converted.
template <typename Unit>
status reset_code_check_wide(std::basic_string_view<Unit> typed, std::string &out) noexcept
{
    if constexpr (sizeof(Unit) == 2) {
        std::uint16_t buf[OLR_RESET_CODE_TEXT_LEN];
        std::size_t len = 0;
        olr_error_details d{};
        olr_status s = olr_reset_code_check_utf16(utf16_units(typed), typed.size(), buf,
                                                  OLR_RESET_CODE_TEXT_LEN, &len, &d);
        if (s != OLR_OK) return status(s, d);
        std::string text(len, '\0');
        for (std::size_t i = 0; i < len; i++) text[i] = static_cast<char>(buf[i]); // ASCII
        out = std::move(text);
        return status();
    } else {
        return with_utf8(typed, [&](std::string_view t) { return olr::reset_code_check(t, out); });
    }
}
template <typename Unit>
status reset_code_progress_wide(std::basic_string_view<Unit> typed, typing_progress &out) noexcept
{
    if constexpr (sizeof(Unit) == 2) {
        return status(olr_reset_code_progress_utf16(utf16_units(typed), typed.size(), &out));
    } else {
        return with_utf8(typed, [&](std::string_view t) { return olr::reset_code_progress(t, out); });
    }
}
template <typename Unit>
status name_problem_wide(std::basic_string_view<Unit> text, olr_name_problem_code &out) noexcept
{
    if constexpr (sizeof(Unit) == 2) {
        return status(olr_name_problem_utf16(utf16_units(text), text.size(), &out));
    } else {
        return with_utf8(text, [&](std::string_view t) { return olr::name_problem(t, out); });
    }
}
template <typename Unit>
status account_normalize_wide(std::basic_string_view<Unit> username,
                              std::basic_string_view<Unit> offline_domain, account &out) noexcept
{
    if constexpr (sizeof(Unit) == 2) {
        std::u16string user(OLR_MAX_NAME_LEN + 1, u'\0'), domain(OLR_MAX_NAME_LEN + 1, u'\0');
        std::size_t ulen = 0, dlen = 0;
        olr_error_details d{};
        olr_status s = olr_account_normalize_utf16(
            utf16_units(username), username.size(), utf16_units(offline_domain),
            offline_domain.size(), reinterpret_cast<std::uint16_t *>(&user[0]), user.size(), &ulen,
            reinterpret_cast<std::uint16_t *>(&domain[0]), domain.size(), &dlen, &d);
        if (s != OLR_OK) return status(s, d);
        // The names out as UTF-8 (names are not secret; the library wrote valid UTF-16).
        wiped_utf8 u8, d8;
        if (!u8.assign(user.data(), ulen) || !d8.assign(domain.data(), dlen))
            return invalid_text<char16_t>();
        out = account{std::string(u8.view()), std::string(d8.view())};
        return status();
    } else {
        return with_utf8(username, offline_domain, [&](std::string_view u, std::string_view d) {
            return olr::account_normalize(u, d, out);
        });
    }
}
} // namespace detail

#define OLR_CPP_WIDE_1(fn, Out, View)                                                              \
    inline status fn(View text, Out &out) noexcept                                                 \
    {                                                                                              \
        return detail::with_utf8(text, [&](std::string_view t) { return fn(t, out); });            \
    }
#define OLR_CPP_WIDE_ALL(View)                                                                     \
    OLR_CPP_WIDE_1(identification_code_check, std::string, View)                                   \
    OLR_CPP_WIDE_1(default_offline_domain, std::string, View)                                      \
    OLR_CPP_WIDE_1(identification_code_progress, typing_progress, View)                            \
    inline status reset_code_check(View typed, std::string &out) noexcept                          \
    {                                                                                              \
        return detail::reset_code_check_wide(typed, out);                                          \
    }                                                                                              \
    inline status reset_code_progress(View typed, typing_progress &out) noexcept                   \
    {                                                                                              \
        return detail::reset_code_progress_wide(typed, out);                                       \
    }                                                                                              \
    inline status name_problem(View text, olr_name_problem_code &out) noexcept                     \
    {                                                                                              \
        return detail::name_problem_wide(text, out);                                               \
    }                                                                                              \
    inline status account_normalize(View username, View offline_domain, account &out) noexcept     \
    {                                                                                              \
        return detail::account_normalize_wide(username, offline_domain, out);                      \
    }
OLR_CPP_WIDE_ALL(std::u16string_view)
OLR_CPP_WIDE_ALL(std::wstring_view)
#undef OLR_CPP_WIDE_ALL
#undef OLR_CPP_WIDE_1

#if OLR_CPP_EXCEPTIONS
#define OLR_CPP_THROWING(View)                                                                     \
    inline std::string identification_code_check(View t)                                           \
    {                                                                                              \
        std::string o;                                                                             \
        detail::throw_if(identification_code_check(t, o));                                         \
        return o;                                                                                  \
    }                                                                                              \
    inline std::string reset_code_check(View t)                                                    \
    {                                                                                              \
        std::string o;                                                                             \
        detail::throw_if(reset_code_check(t, o));                                                  \
        return o;                                                                                  \
    }                                                                                              \
    inline std::string default_offline_domain(View t)                                              \
    {                                                                                              \
        std::string o;                                                                             \
        detail::throw_if(default_offline_domain(t, o));                                            \
        return o;                                                                                  \
    }                                                                                              \
    inline typing_progress identification_code_progress(View t)                                    \
    {                                                                                              \
        typing_progress o{};                                                                       \
        detail::throw_if(identification_code_progress(t, o));                                      \
        return o;                                                                                  \
    }                                                                                              \
    inline typing_progress reset_code_progress(View t)                                             \
    {                                                                                              \
        typing_progress o{};                                                                       \
        detail::throw_if(reset_code_progress(t, o));                                               \
        return o;                                                                                  \
    }                                                                                              \
    inline olr_name_problem_code name_problem(View t)                                              \
    {                                                                                              \
        olr_name_problem_code o = OLR_NAME_PROBLEM_NONE;                                           \
        detail::throw_if(name_problem(t, o));                                                      \
        return o;                                                                                  \
    }                                                                                              \
    inline account account_normalize(View u, View d)                                               \
    {                                                                                              \
        account o;                                                                                 \
        detail::throw_if(account_normalize(u, d, o));                                              \
        return o;                                                                                  \
    }
OLR_CPP_THROWING(std::u16string_view)
OLR_CPP_THROWING(std::wstring_view)
#undef OLR_CPP_THROWING
#endif

// ---------------------------------------------------------------------------------------------
// Replay ledger

class machine;

/// The replay ledger of one enrollment (docs/PROTOCOL.md §9.7): the codes accepted per account,
/// failed attempts per code and per account, the latest time seen and a generation. Bound to
/// the machine it was made or imported for. machine::redeem changes it on failures too: persist
/// it (export_to, temporary file, rename) after EVERY redeem, under an exclusive lock on the
/// file held from import to export, before showing the answer; then record generation() in a
/// monotonic store and pass it to import as the minimum generation. Not thread-safe: one
/// ledger, one user at a time (const functions may be shared).
class replay_ledger {
  public:
    replay_ledger() noexcept = default; ///< empty handle; use create() or import()

    /// A new, empty ledger for `m` (a first enrollment, or a redeployment to a new epoch).
    static status create(const machine &m, replay_ledger &out) noexcept;
    /// Reads an exported ledger for `m`: OLR_LEDGER_OF_ANOTHER_MACHINE when it belongs to
    /// another machine or enrollment, OLR_LEDGER_ROLLED_BACK when its generation is below
    /// `minimum_generation` (0: no minimum).
    static status import(const std::vector<std::uint8_t> &bytes, const wrapping_key &key,
                         const machine &m, std::uint64_t minimum_generation,
                         replay_ledger &out) noexcept;
    /// Account records and code records held (at most OLR_MAX_LEDGER_ACCOUNTS / _CODES).
    status counts(std::size_t &accounts, std::size_t &codes) const noexcept
    {
        return status(olr_replay_ledger_counts(h_.get(), &accounts, &codes));
    }
    /// Grows by one at every redeem that passed the clock check.
    status generation(std::uint64_t &out) const noexcept
    {
        return status(olr_replay_ledger_generation(h_.get(), &out));
    }
    /// Wrapped under `key` (or plain when key has no value: then keep it where the platform
    /// protects it).
    status export_to(const wrapping_key &key, secret_bytes &out) const noexcept
    {
        std::vector<std::uint8_t> raw;
        status s = detail::bytes_out(raw, [&](std::uint8_t *o, std::size_t cap, std::size_t *len) {
            return olr_replay_ledger_export(h_.get(), key.data(), key.size(), o, cap, len);
        });
        if (s) out = secret_bytes(std::move(raw));
        return s;
    }
#if OLR_CPP_EXCEPTIONS
    static replay_ledger create(const machine &m);
    static replay_ledger import(const std::vector<std::uint8_t> &bytes, const wrapping_key &key,
                                const machine &m, std::uint64_t minimum_generation);
    std::pair<std::size_t, std::size_t> counts() const
    {
        std::pair<std::size_t, std::size_t> out{};
        detail::throw_if(counts(out.first, out.second));
        return out;
    }
    std::uint64_t generation() const
    {
        std::uint64_t out = 0;
        detail::throw_if(generation(out));
        return out;
    }
    secret_bytes export_to(const wrapping_key &key) const
    {
        secret_bytes out;
        detail::throw_if(export_to(key, out));
        return out;
    }
#endif
    explicit operator bool() const noexcept { return h_.get() != nullptr; }
    olr_replay_ledger *get() const noexcept { return h_.get(); }

  private:
    detail::handle<olr_replay_ledger, olr_replay_ledger_free> h_;
};

// ---------------------------------------------------------------------------------------------
// Machine

/// What the machine learns from a reset code that opened.
using accepted_reset = olr_accepted_reset;

/// One enrolled machine (login side). Holds the machine key; freed and wiped on destruction.
class machine {
  public:
    machine() noexcept = default; ///< empty handle; use enroll() or import()

    static status enroll(std::string_view package, machine &out) noexcept
    {
        machine m;
        olr_error_details d{};
        olr_status s = olr_machine_enroll(package.data(), package.size(), m.h_.out(), &d);
        if (s != OLR_OK) return status(s, d);
        out = std::move(m);
        return status();
    }
    static status import(const std::vector<std::uint8_t> &bytes, const wrapping_key &key,
                         machine &out) noexcept
    {
        machine m;
        olr_error_details d{};
        olr_status s = olr_machine_import(bytes.data(), bytes.size(), key.data(), key.size(),
                                          m.h_.out(), &d);
        if (s != OLR_OK) return status(s, d);
        out = std::move(m);
        return status();
    }
    status identification_code(std::string &out) const noexcept
    {
        return detail::text_out(out, OLR_IDENTIFICATION_CODE_TEXT_LEN,
                                [&](char *o, std::size_t cap, std::size_t *len) {
                                    return olr_machine_identification_code(h_.get(), o, cap, len);
                                });
    }
    /// Takes a later deployment package (docs/PROTOCOL.md §8) into a new handle `out` (this one
    /// is unchanged): OLR_PACKAGE_SIGNATURE_INVALID unless signed by the pinned key,
    /// OLR_PACKAGE_EPOCH_TOO_OLD for an older epoch. Same epoch: same identification code;
    /// newer epoch: a new one, and start a new replay_ledger. Never enroll afresh over a state.
    status redeploy(std::string_view package, machine &out) const noexcept
    {
        machine m;
        olr_error_details d{};
        olr_status s = olr_machine_redeploy(h_.get(), package.data(), package.size(), m.h_.out(), &d);
        if (s != OLR_OK) return status(s, d);
        out = std::move(m);
        return status();
    }
    status epoch(std::uint16_t &out) const noexcept { return status(olr_machine_epoch(h_.get(), &out)); }
    status is_enrolled_with(std::string_view package, bool &out) const noexcept
    {
        olr_error_details d{};
        olr_status s = olr_machine_is_enrolled_with(h_.get(), package.data(), package.size(), &out, &d);
        return status(s, d);
    }
    status export_to(const wrapping_key &key, secret_bytes &out) const noexcept
    {
        std::vector<std::uint8_t> raw;
        status s = detail::bytes_out(raw, [&](std::uint8_t *o, std::size_t cap, std::size_t *len) {
            return olr_machine_export(h_.get(), key.data(), key.size(), o, cap, len);
        });
        if (s) out = secret_bytes(std::move(raw));
        return s;
    }

    /// Redeems a typed reset code for the cached account (its username, domain and SID) and
    /// the new password: the call a login integration uses (docs/PROTOCOL.md §9.7, §12.3).
    /// The ledger changes on failures too (attempts are counted before the answer): whatever
    /// the status, persist the ledger before showing the answer. OLR_OK is the only success
    /// (`accepted` then holds the code's times); only then update the cached credentials.
    status redeem(replay_ledger &ledger, std::string_view reset_code, std::string_view username,
                  std::string_view offline_domain, sid_view sid, std::string_view new_password,
                  std::int64_t now, accepted_reset &accepted) const noexcept
    {
        olr_error_details d{};
        olr_status s = olr_machine_redeem_reset_code(
            h_.get(), ledger.get(), reset_code.data(), reset_code.size(), username.data(),
            username.size(), offline_domain.data(), offline_domain.size(), sid.data(), sid.size(),
            new_password.data(), new_password.size(), now, &accepted, &d);
        return status(s, d);
    }
    /// As redeem, from UTF-16 fields (std::wstring_view: UTF-16 on Windows, UTF-32 elsewhere).
    /// UTF-16 goes to olr_machine_redeem_reset_code_utf16 (the library decodes it into a buffer
    /// it wipes; an unpaired surrogate is OLR_INVALID_UTF16 and counts nothing); UTF-32 is
    /// converted into UTF-8 copies (the password among them) wiped before this returns.
    status redeem(replay_ledger &ledger, std::u16string_view reset_code,
                  std::u16string_view username, std::u16string_view offline_domain, sid_view sid,
                  std::u16string_view new_password, std::int64_t now,
                  accepted_reset &accepted) const noexcept
    {
        return redeem_wide(ledger, reset_code, username, offline_domain, sid, new_password, now,
                           accepted);
    }
    status redeem(replay_ledger &ledger, std::wstring_view reset_code, std::wstring_view username,
                  std::wstring_view offline_domain, sid_view sid, std::wstring_view new_password,
                  std::int64_t now, accepted_reset &accepted) const noexcept
    {
        return redeem_wide(ledger, reset_code, username, offline_domain, sid, new_password, now,
                           accepted);
    }
    /// DIAGNOSTICS ONLY (tests, a support tool): opens a code without the replay ledger. It
    /// counts no attempt and records nothing, so the same code opens again and again: a login
    /// integration MUST NOT accept a reset from it (docs/PROTOCOL.md §12.3 rule 7); use redeem.
    status open_for_diagnostics(std::string_view reset_code, std::string_view username,
                                std::string_view offline_domain, sid_view sid,
                                std::string_view new_password, std::int64_t now,
                                accepted_reset &accepted) const noexcept
    {
        olr_error_details d{};
        olr_status s = olr_machine_open_reset_code_for_diagnostics(
            h_.get(), reset_code.data(), reset_code.size(), username.data(), username.size(),
            offline_domain.data(), offline_domain.size(), sid.data(), sid.size(),
            new_password.data(), new_password.size(), now, &accepted, &d);
        return status(s, d);
    }

#if OLR_CPP_EXCEPTIONS
    static machine enroll(std::string_view package)
    {
        machine m;
        detail::throw_if(enroll(package, m));
        return m;
    }
    static machine import(const std::vector<std::uint8_t> &bytes, const wrapping_key &key)
    {
        machine m;
        detail::throw_if(import(bytes, key, m));
        return m;
    }
    std::string identification_code() const
    {
        std::string out;
        detail::throw_if(identification_code(out));
        return out;
    }
    machine redeploy(std::string_view package) const
    {
        machine m;
        detail::throw_if(redeploy(package, m));
        return m;
    }
    std::uint16_t epoch() const
    {
        std::uint16_t out = 0;
        detail::throw_if(epoch(out));
        return out;
    }
    bool is_enrolled_with(std::string_view package) const
    {
        bool out = false;
        detail::throw_if(is_enrolled_with(package, out));
        return out;
    }
    secret_bytes export_to(const wrapping_key &key) const
    {
        secret_bytes out;
        detail::throw_if(export_to(key, out));
        return out;
    }
    /// Throwing redeem: returns the accepted code's times, throws olr::error otherwise.
    accepted_reset redeem(replay_ledger &ledger, std::string_view reset_code,
                          std::string_view username, std::string_view offline_domain, sid_view sid,
                          std::string_view new_password, std::int64_t now) const
    {
        accepted_reset a{};
        detail::throw_if(
            redeem(ledger, reset_code, username, offline_domain, sid, new_password, now, a));
        return a;
    }
    accepted_reset redeem(replay_ledger &ledger, std::u16string_view reset_code,
                          std::u16string_view username, std::u16string_view offline_domain, sid_view sid,
                          std::u16string_view new_password, std::int64_t now) const
    {
        accepted_reset a{};
        detail::throw_if(
            redeem(ledger, reset_code, username, offline_domain, sid, new_password, now, a));
        return a;
    }
    accepted_reset redeem(replay_ledger &ledger, std::wstring_view reset_code,
                          std::wstring_view username, std::wstring_view offline_domain, sid_view sid,
                          std::wstring_view new_password, std::int64_t now) const
    {
        accepted_reset a{};
        detail::throw_if(
            redeem(ledger, reset_code, username, offline_domain, sid, new_password, now, a));
        return a;
    }
#endif
    explicit operator bool() const noexcept { return h_.get() != nullptr; }
    olr_machine *get() const noexcept { return h_.get(); }

  private:
    template <typename Unit>
    status redeem_wide(replay_ledger &ledger, std::basic_string_view<Unit> reset_code,
                       std::basic_string_view<Unit> username,
                       std::basic_string_view<Unit> offline_domain, sid_view sid,
                       std::basic_string_view<Unit> new_password, std::int64_t now,
                       accepted_reset &accepted) const noexcept
    {
        if constexpr (sizeof(Unit) == 2) {
            olr_error_details d{};
            olr_status s = olr_machine_redeem_reset_code_utf16(
                h_.get(), ledger.get(), detail::utf16_units(reset_code), reset_code.size(),
                detail::utf16_units(username), username.size(),
                detail::utf16_units(offline_domain), offline_domain.size(), sid.data(),
                sid.size(), detail::utf16_units(new_password), new_password.size(), now,
                &accepted, &d);
            return status(s, d);
        } else {
            detail::wiped_utf8 c, u, dm, p;
            if (!c.assign(reset_code.data(), reset_code.size()) ||
                !u.assign(username.data(), username.size()) ||
                !dm.assign(offline_domain.data(), offline_domain.size()) ||
                !p.assign(new_password.data(), new_password.size()))
                return detail::invalid_text<Unit>();
            return redeem(ledger, c.view(), u.view(), dm.view(), sid, p.view(), now, accepted);
        }
    }
    detail::handle<olr_machine, olr_machine_free> h_;
};

inline status replay_ledger::create(const machine &m, replay_ledger &out) noexcept
{
    replay_ledger l;
    olr_status s = olr_replay_ledger_new(m.get(), l.h_.out());
    if (s != OLR_OK) return status(s);
    out = std::move(l);
    return status();
}
inline status replay_ledger::import(const std::vector<std::uint8_t> &bytes,
                                    const wrapping_key &key, const machine &m,
                                    std::uint64_t minimum_generation, replay_ledger &out) noexcept
{
    replay_ledger l;
    olr_error_details d{};
    olr_status s = olr_replay_ledger_import(bytes.data(), bytes.size(), key.data(), key.size(),
                                            m.get(), minimum_generation, l.h_.out(), &d);
    if (s != OLR_OK) return status(s, d);
    out = std::move(l);
    return status();
}
#if OLR_CPP_EXCEPTIONS
inline replay_ledger replay_ledger::create(const machine &m)
{
    replay_ledger l;
    detail::throw_if(create(m, l));
    return l;
}
inline replay_ledger replay_ledger::import(const std::vector<std::uint8_t> &bytes,
                                           const wrapping_key &key, const machine &m,
                                           std::uint64_t minimum_generation)
{
    replay_ledger l;
    detail::throw_if(import(bytes, key, m, minimum_generation, l));
    return l;
}
#endif

// ---------------------------------------------------------------------------------------------
// Server key ring

/// The reset server's key ring. Holds secret keys; freed and wiped on destruction.
class key_ring {
  public:
    key_ring() noexcept = default; ///< empty handle; use generate() or import()

    static status generate(std::uint16_t lifetime_minutes, std::uint16_t clock_skew_minutes,
                           std::uint32_t memory_kib, std::uint32_t iterations,
                           std::uint32_t parallelism, key_ring &out) noexcept
    {
        key_ring r;
        olr_status s = olr_server_key_ring_generate_with_password_cost(
            lifetime_minutes, clock_skew_minutes, memory_kib, iterations, parallelism, r.h_.out());
        if (s != OLR_OK) return status(s);
        out = std::move(r);
        return status();
    }
    static status generate(key_ring &out) noexcept
    {
        return generate(OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES,
                        OLR_DEFAULT_PASSWORD_MEMORY_KIB, OLR_DEFAULT_PASSWORD_ITERATIONS,
                        OLR_DEFAULT_PASSWORD_PARALLELISM, out);
    }
    static status import(const std::vector<std::uint8_t> &bytes, const wrapping_key &key,
                         key_ring &out) noexcept
    {
        key_ring r;
        olr_error_details d{};
        olr_status s = olr_server_key_ring_import(bytes.data(), bytes.size(), key.data(), key.size(),
                                                  r.h_.out(), &d);
        if (s != OLR_OK) return status(s, d);
        out = std::move(r);
        return status();
    }
    status deployment_package(std::string &out) const noexcept
    {
        return detail::text_out(out, OLR_DEPLOYMENT_PACKAGE_TEXT_LEN,
                                [&](char *o, std::size_t cap, std::size_t *len) {
                                    return olr_server_key_ring_deployment_package(h_.get(), o, cap, len);
                                });
    }
    status current_epoch(std::uint16_t &out) const noexcept
    {
        return status(olr_server_key_ring_current_epoch(h_.get(), &out));
    }
    status rotate(std::int64_t now, std::uint16_t &new_epoch) noexcept
    {
        return status(olr_server_key_ring_rotate(h_.get(), now, &new_epoch));
    }
    status set_retired_grace_seconds(std::uint32_t seconds) noexcept
    {
        return status(olr_server_key_ring_set_retired_grace_seconds(h_.get(), seconds));
    }
    /// Failed opens allowed per code and per account, 1 … 1000 (defaults 5 and 20); machines
    /// learn them from the next deployment package (same epoch: a redeployment keeps codes).
    status set_attempt_limits(std::uint16_t per_code, std::uint16_t per_account) noexcept
    {
        return status(olr_server_key_ring_set_attempt_limits(h_.get(), per_code, per_account));
    }
    status attempt_limits(std::uint16_t &per_code, std::uint16_t &per_account) const noexcept
    {
        return status(olr_server_key_ring_attempt_limits(h_.get(), &per_code, &per_account));
    }
    /// Signing-key rotation (docs/PROTOCOL.md §9.4): begin, deploy a package made since to every
    /// machine, then finish. A machine that missed it refuses later packages.
    status begin_signing_key_rotation() noexcept
    {
        return status(olr_server_key_ring_begin_signing_key_rotation(h_.get()));
    }
    status finish_signing_key_rotation() noexcept
    {
        return status(olr_server_key_ring_finish_signing_key_rotation(h_.get()));
    }
    /// A reset code for the account as the directory stores it: sAMAccountName, NetBIOS domain
    /// and objectSid (binary).
    status seal(std::string_view identification_code, std::string_view username,
                std::string_view offline_domain, sid_view sid, std::string_view new_password,
                std::int64_t now, std::string &out) const noexcept
    {
        olr_error_details d{};
        status s = detail::text_out(out, OLR_RESET_CODE_TEXT_LEN,
                                    [&](char *o, std::size_t cap, std::size_t *len) {
                                        return olr_server_key_ring_seal_reset_code(
                                            h_.get(), identification_code.data(),
                                            identification_code.size(), username.data(),
                                            username.size(), offline_domain.data(),
                                            offline_domain.size(), sid.data(), sid.size(),
                                            new_password.data(), new_password.size(), now, o,
                                            cap, len, &d);
                                    });
        return s ? s : status(s.code(), d);
    }
    status export_to(const wrapping_key &key, secret_bytes &out) const noexcept
    {
        std::vector<std::uint8_t> raw;
        status s = detail::bytes_out(raw, [&](std::uint8_t *o, std::size_t cap, std::size_t *len) {
            return olr_server_key_ring_export(h_.get(), key.data(), key.size(), o, cap, len);
        });
        if (s) out = secret_bytes(std::move(raw));
        return s;
    }

#if OLR_CPP_EXCEPTIONS
    static key_ring generate()
    {
        key_ring r;
        detail::throw_if(generate(r));
        return r;
    }
    static key_ring generate(std::uint16_t lifetime_minutes, std::uint16_t clock_skew_minutes,
                             std::uint32_t memory_kib, std::uint32_t iterations,
                             std::uint32_t parallelism)
    {
        key_ring r;
        detail::throw_if(generate(lifetime_minutes, clock_skew_minutes, memory_kib, iterations,
                                  parallelism, r));
        return r;
    }
    static key_ring import(const std::vector<std::uint8_t> &bytes, const wrapping_key &key)
    {
        key_ring r;
        detail::throw_if(import(bytes, key, r));
        return r;
    }
    std::string deployment_package() const
    {
        std::string out;
        detail::throw_if(deployment_package(out));
        return out;
    }
    std::uint16_t current_epoch() const
    {
        std::uint16_t out = 0;
        detail::throw_if(current_epoch(out));
        return out;
    }
    std::uint16_t rotate(std::int64_t now)
    {
        std::uint16_t out = 0;
        detail::throw_if(rotate(now, out));
        return out;
    }
    std::string seal(std::string_view identification_code, std::string_view username,
                     std::string_view offline_domain, sid_view sid, std::string_view new_password,
                     std::int64_t now) const
    {
        std::string out;
        detail::throw_if(
            seal(identification_code, username, offline_domain, sid, new_password, now, out));
        return out;
    }
    std::pair<std::uint16_t, std::uint16_t> attempt_limits() const
    {
        std::pair<std::uint16_t, std::uint16_t> out{};
        detail::throw_if(attempt_limits(out.first, out.second));
        return out;
    }
    secret_bytes export_to(const wrapping_key &key) const
    {
        secret_bytes out;
        detail::throw_if(export_to(key, out));
        return out;
    }
#endif
    explicit operator bool() const noexcept { return h_.get() != nullptr; }
    olr_server_key_ring *get() const noexcept { return h_.get(); }

  private:
    detail::handle<olr_server_key_ring, olr_server_key_ring_free> h_;
};

} // namespace olr

#endif // OFFLINE_RESET_HPP
