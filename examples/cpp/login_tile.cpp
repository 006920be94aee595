// A console stand-in for the Windows LogonUI tile of an offline password reset, written with
// bindings/cpp/offline_reset.hpp as a credential provider would use it (docs/INTEGRATION.md).
//
//   login_tile enroll STATE_DIR PACKAGE_FILE
//       The deployment step (in Windows: a service or installer action running as SYSTEM, never
//       LogonUI). Without a machine state: a first enrollment (trust on first use) with a new,
//       empty replay ledger. With one: a redeployment (olr::machine::redeploy; never a fresh
//       enrollment over existing state): the package must be signed by the pinned key and not
//       be older; the same epoch keeps the identification code and the ledger, a newer one
//       starts a new ledger. Prints the package fingerprint (compare it with the server's) and,
//       last, the identification code.
//   login_tile tile STATE_DIR NOW
//       The tile. Reads the user's actions from standard input, one per line:
//         user NAME        the username field
//         domain NAME      the offline user domain field (empty: derived from STATE_DIR/fqdn)
//         type TEXT        appends TEXT to the reset code field (what a keystroke would do)
//         clear            empties the reset code field
//         password TEXT    the new password field
//         submit           redeem the code: under an exclusive lock on the ledger, import it
//                          (with the monotonic store's generation as the minimum), redeem,
//                          persist the ledger, raise the monotonic store; then show the answer
//                          and, on success only, update the cached credentials
//       and prints what the tile would show, one "tile: ..." line per event.
//
// STATE_DIR holds: wrapping.key (stands in for a DPAPI-protected key), machine.olr and
// ledger.olr (wrapped), ledger.lock (the lock file: never replaced, unlike ledger.olr),
// monotonic_generation (stands in for a TPM NV counter or a registry value only SYSTEM may
// write: the ledger generation last persisted, which a copy of ledger.olr cannot roll back),
// cached_accounts (one "USERNAME DOMAIN SID" per line, SID written S-1-5-21-...: the accounts
// cached on this machine; Windows has the binary SID from LookupAccountNameW or the profile
// list), fqdn (the domain's DNS name, for the default offline domain).
// NOW is unix seconds (a real tile uses the clock). Exit status: 0 after end of input.
#include "offline_reset.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace {

// What the tile shows for each status, keyed by number (a real tile loads these from its
// localized resources; docs/INTEGRATION.md has the table). Never olr_status_message(): that is
// developer English.
const char *user_message(olr_status s)
{
    switch (s) {
    case OLR_OK: return "Your password has been changed. Sign in with the new password.";
    case OLR_MALFORMED_INPUT: return "The reset code is incomplete. Check that you typed all of it.";
    case OLR_MISTYPED: return "The reset code has a typing mistake. Check the marked group.";
    case OLR_UNSUPPORTED_VERSION: return "This reset code is not for this version of the sign-in screen. Contact the help desk.";
    case OLR_KEY_ROTATED:
    case OLR_CODE_BEFORE_ROTATION: return "This reset code is no longer valid. Ask the help desk for a new code, reading them the code shown now.";
    case OLR_REDEPLOY_NEEDED: return "This computer needs an update before it can accept this code. Contact the help desk.";
    case OLR_EXPIRED: return "This reset code has expired. Ask the help desk for a new code.";
    case OLR_NOT_YET_VALID: return "This computer's clock is wrong. Contact the help desk.";
    case OLR_REJECTED: return "The reset code does not match this computer, account and new password. Check each of them.";
    case OLR_INVALID_USERNAME: return "Check the user name.";
    case OLR_INVALID_DOMAIN: return "Check the domain.";
    case OLR_INVALID_PASSWORD: return "Type the new password the help desk set.";
    case OLR_ALREADY_USED: return "This reset code has already been used. Ask the help desk for a new code.";
    case OLR_SUPERSEDED: return "A newer reset code was already used for this account. Ask the help desk for a new code.";
    case OLR_LEDGER_FULL: return "This computer cannot accept more reset codes. Contact the help desk.";
    case OLR_TOO_MANY_ATTEMPTS: return "Too many failed attempts. Ask the help desk for a new reset code; if that is refused too, try again tomorrow.";
    case OLR_CLOCK_SET_BACK: return "This computer's clock is earlier than at a previous reset. Correct the clock or contact the help desk.";
    case OLR_LEDGER_ROLLED_BACK: return "This computer's reset records were replaced by an older copy. Offline reset is blocked; contact the help desk.";
    case OLR_LEDGER_OF_ANOTHER_MACHINE: return "This computer's reset records belong to another computer or setup. Offline reset is blocked; contact the help desk.";
    case OLR_PACKAGE_SIGNATURE_INVALID:
    case OLR_PACKAGE_EPOCH_TOO_OLD: return "This computer's offline reset setup could not be updated. An administrator must redeploy it.";
    case OLR_INVALID_SID: return "The information cached for this account is damaged. Contact the help desk.";
    case OLR_OUT_OF_MEMORY: return "This computer is low on memory. Close other sessions or restart it, then try again. Nothing was counted.";
    default: return "The password could not be reset. Contact the help desk.";
    }
}

bool read_file(const std::string &path, std::vector<std::uint8_t> &out)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return !f.bad();
}

// Writes PATH.tmp, flushes it to the disk, then replaces PATH with it: a crash leaves the old
// file or the new one, never half of one, and the new one is on the disk when this returns.
bool write_file(const std::string &path, const std::uint8_t *data, std::size_t len)
{
    std::string tmp = path + ".tmp";
#ifdef _WIN32
    HANDLE h = CreateFileA(tmp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return false;
    bool ok = true;
    while (ok && len > 0) {
        DWORD chunk = len > 0x40000000u ? 0x40000000u : static_cast<DWORD>(len), written = 0;
        ok = WriteFile(h, data, chunk, &written, nullptr) && written > 0;
        data += written;
        len -= written;
    }
    ok = ok && FlushFileBuffers(h);
    CloseHandle(h);
    if (!ok || !MoveFileExA(tmp.c_str(), path.c_str(),
                            MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        DeleteFileA(tmp.c_str());
        return false;
    }
    return true;
#else
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = true;
    while (ok && len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) {
            data += n;
            len -= static_cast<std::size_t>(n);
        }
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        unlink(tmp.c_str());
        return false;
    }
    // The rename itself is durable once the directory is flushed.
    std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
    int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_CLOEXEC);
    if (dfd < 0) return false;
    ok = fsync(dfd) == 0;
    close(dfd);
    return ok;
#endif
}
bool write_file(const std::string &path, const olr::secret_bytes &bytes)
{
    return write_file(path, bytes.data(), bytes.size());
}

// An exclusive lock on STATE_DIR/ledger.lock, held from the import of the ledger to the end of
// its persist (two LogonUI sessions, or a tile and a service, may redeem at once). Blocks until
// the lock is free. The lock is on a file of its own: ledger.olr is replaced by a rename, and a
// lock on the replaced file would not exclude a process that opened the new one.
class ledger_lock {
  public:
    ledger_lock() = default;
    ledger_lock(const ledger_lock &) = delete;
    ledger_lock &operator=(const ledger_lock &) = delete;
    ~ledger_lock() { release(); }

    bool acquire(const std::string &dir)
    {
        release();
        std::string path = dir + "/ledger.lock";
#ifdef _WIN32
        h_ = CreateFileA(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                         OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
        if (h_ == INVALID_HANDLE_VALUE) return false;
        OVERLAPPED whole{};
        if (!LockFileEx(h_, LOCKFILE_EXCLUSIVE_LOCK, 0, MAXDWORD, MAXDWORD, &whole)) {
            CloseHandle(h_);
            h_ = INVALID_HANDLE_VALUE;
            return false;
        }
        return true;
#else
        fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) return false;
        while (flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                release();
                return false;
            }
        }
        return true;
#endif
    }
    void release() noexcept
    {
#ifdef _WIN32
        if (h_ != INVALID_HANDLE_VALUE) {
            OVERLAPPED whole{};
            UnlockFileEx(h_, 0, MAXDWORD, MAXDWORD, &whole);
            CloseHandle(h_);
            h_ = INVALID_HANDLE_VALUE;
        }
#else
        if (fd_ >= 0) {
            flock(fd_, LOCK_UN);
            close(fd_);
            fd_ = -1;
        }
#endif
    }

  private:
#ifdef _WIN32
    HANDLE h_ = INVALID_HANDLE_VALUE;
#else
    int fd_ = -1;
#endif
};

// The monotonic store: the ledger generation last persisted, kept where a copy of ledger.olr
// cannot roll it back. Simulated by a file here; on Windows a TPM NV counter (Tbsi / NCrypt) or
// a registry value only SYSTEM may write. It is raised only after the ledger file is written,
// so a crash in between leaves the file ahead of the store, which still imports.
bool read_generation(const std::string &dir, std::uint64_t &out)
{
    std::ifstream f(dir + "/monotonic_generation");
    std::string text;
    if (!(f >> text) || text.empty() || text.size() > 20 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno != 0) return false;
    out = v;
    return true;
}
bool write_generation(const std::string &dir, std::uint64_t generation)
{
    std::string text = std::to_string(generation) + "\n";
    return write_file(dir + "/monotonic_generation",
                      reinterpret_cast<const std::uint8_t *>(text.data()), text.size());
}
// Raises the store to `generation`; never lowers it (a counter only counts up).
bool raise_generation(const std::string &dir, std::uint64_t generation)
{
    std::uint64_t stored = 0;
    if (!read_generation(dir, stored)) return false;
    return generation <= stored || write_generation(dir, generation);
}

bool load_key(const std::string &dir, olr::wrapping_key &key)
{
    std::vector<std::uint8_t> raw;
    if (!read_file(dir + "/wrapping.key", raw) || raw.size() != OLR_WRAPPING_KEY_LEN) return false;
    key = olr::wrapping_key(olr::secret_bytes(std::move(raw)));
    return true;
}

// Parses a SID written "S-1-5-21-1004336348-1177238915-682003330-1104" into the binary form the
// library takes (revision 1, sub-authority count, 6-byte identifier authority big-endian, each
// sub-authority 4 bytes little-endian: 8 + 4 * count bytes). Empty for text that is not a SID.
// (Windows has the binary SID already; a tile converts nothing.)
std::vector<std::uint8_t> parse_sid(const std::string &text)
{
    std::vector<std::uint8_t> out;
    if (text.compare(0, 4, "S-1-") != 0) return out;
    std::vector<std::uint64_t> parts;
    std::size_t i = 4;
    while (true) {
        std::size_t start = i;
        std::uint64_t v = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
            if (v >= (std::uint64_t(1) << 48)) return out;
            i++;
        }
        if (i == start) return out;
        parts.push_back(v);
        if (i == text.size()) break;
        if (text[i] != '-') return out;
        i++;
    }
    std::size_t count = parts.size() - 1; // parts[0] is the identifier authority
    if (count < 1 || count > 15) return out;
    out.push_back(1);
    out.push_back(static_cast<std::uint8_t>(count));
    for (int b = 5; b >= 0; b--) out.push_back(static_cast<std::uint8_t>(parts[0] >> (8 * b)));
    for (std::size_t k = 1; k < parts.size(); k++) {
        if (parts[k] > 0xFFFFFFFFu) return {};
        for (int b = 0; b < 4; b++) out.push_back(static_cast<std::uint8_t>(parts[k] >> (8 * b)));
    }
    return out;
}

// Stores a new, empty ledger for `machine` and sets the monotonic store to its generation 0
// (the deployment step runs as SYSTEM, which may write the store; with a TPM counter, which
// cannot go down, keep the counter's value at this point as the enrollment's base instead).
bool new_ledger(const std::string &dir, const olr::machine &machine, const olr::wrapping_key &key)
{
    ledger_lock lock;
    olr::replay_ledger ledger;
    olr::secret_bytes bytes;
    return lock.acquire(dir) && olr::replay_ledger::create(machine, ledger) &&
           ledger.export_to(key, bytes) && write_file(dir + "/ledger.olr", bytes) &&
           write_generation(dir, 0);
}

int enroll(const std::string &dir, const std::string &package_path)
{
    std::vector<std::uint8_t> package_bytes;
    if (!read_file(package_path, package_bytes)) {
        std::cerr << "cannot read " << package_path << "\n";
        return 1;
    }
    std::string_view package(reinterpret_cast<const char *>(package_bytes.data()),
                             package_bytes.size());
    std::string fingerprint;
    olr::status s = olr::deployment_package_fingerprint(package, fingerprint);
    if (!s) {
        std::cerr << "package: " << s.name() << ": " << s.message() << "\n";
        return 1;
    }
    std::cout << "package fingerprint " << fingerprint << "\n";
    olr::wrapping_key key;
    if (!load_key(dir, key)) {
        if (!olr::wrapping_key::generate(key)) return 1;
        olr::secret_bytes raw(std::vector<std::uint8_t>(key.data(), key.data() + key.size()));
        if (!write_file(dir + "/wrapping.key", raw)) return 1;
    }
    std::vector<std::uint8_t> state;
    olr::machine machine;
    if (!read_file(dir + "/machine.olr", state)) {
        // No state: the first enrollment trusts this package (it must come over an
        // admin-authenticated channel, its fingerprint compared with the server's).
        s = olr::machine::enroll(package, machine);
        olr::secret_bytes machine_bytes;
        if (!s) {
            std::cerr << "enroll: " << s.name() << ": " << s.message() << "\n";
            return 1;
        }
        if (!machine.export_to(key, machine_bytes) || !new_ledger(dir, machine, key) ||
            !write_file(dir + "/machine.olr", machine_bytes)) {
            std::cerr << "cannot store the machine state\n";
            return 1;
        }
        std::cout << "enrolled at epoch " << machine.epoch() << "\n";
    } else {
        // A state exists: only a redeployment may change it. An unreadable state is not
        // replaced silently: an administrator deletes it to enroll afresh.
        s = olr::machine::import(state, key, machine);
        if (!s) {
            std::cerr << "machine state unreadable: " << s.name() << ": " << s.message() << "\n";
            return 1;
        }
        bool enrolled = false;
        if (machine.is_enrolled_with(package, enrolled) && enrolled) {
            std::cout << "already enrolled with this package\n";
        } else {
            olr::machine redeployed;
            s = machine.redeploy(package, redeployed);
            if (!s) {
                std::cerr << "redeploy: " << s.name() << ": " << s.message() << "\n";
                std::cout << "redeploy refused: " << s.name() << "\n";
                return 1;
            }
            bool new_epoch = redeployed.epoch() != machine.epoch();
            olr::secret_bytes machine_bytes;
            // The state first: a crash before the new ledger leaves a ledger of the old
            // enrollment, which the tile refuses (LedgerOfAnotherMachine) rather than trusting.
            if (!redeployed.export_to(key, machine_bytes) ||
                !write_file(dir + "/machine.olr", machine_bytes) ||
                (new_epoch && !new_ledger(dir, redeployed, key))) {
                std::cerr << "cannot store the machine state\n";
                return 1;
            }
            std::cout << "redeployed at epoch " << redeployed.epoch()
                      << (new_epoch ? " (new identification code, new replay ledger)"
                                    : " (same identification code)")
                      << "\n";
            machine = std::move(redeployed);
        }
    }
    std::string id;
    if (!machine.identification_code(id)) return 1;
    std::cout << id << "\n";
    return 0;
}

struct cached_account {
    std::string username, domain; // as cached (display form)
    std::vector<std::uint8_t> sid; // binary
    olr::account normalized;
};

class tile {
  public:
    tile(std::string dir, std::int64_t now) : dir_(std::move(dir)), now_(now) {}

    bool load()
    {
        std::vector<std::uint8_t> state;
        if (!load_key(dir_, key_) || !read_file(dir_ + "/machine.olr", state) ||
            !olr::machine::import(state, key_, machine_))
            return false;
        std::ifstream accounts(dir_ + "/cached_accounts");
        std::string user, domain, sid_text;
        while (accounts >> user >> domain >> sid_text) {
            cached_account a{user, domain, parse_sid(sid_text), {}};
            if (!a.sid.empty() && olr::account_check(user, domain, a.sid) &&
                olr::account_normalize(user, domain, a.normalized))
                cached_.push_back(std::move(a));
        }
        std::ifstream fqdn(dir_ + "/fqdn");
        std::getline(fqdn, fqdn_);
        std::string id;
        if (!machine_.identification_code(id)) return false;
        std::cout << "tile: identification code " << id << "\n";
        std::cout << "tile: read it to the help desk to get a reset code\n";
        return true;
    }

    void handle(const std::string &line)
    {
        std::string verb = line.substr(0, line.find(' '));
        std::string arg = line.size() > verb.size() ? line.substr(verb.size() + 1) : "";
        if (verb == "user") {
            user_ = arg;
        } else if (verb == "domain") {
            domain_ = arg;
        } else if (verb == "password") {
            wipe(password_);
            password_ = arg;
        } else if (verb == "clear") {
            code_.clear();
            std::cout << "tile: reset code cleared\n";
        } else if (verb == "type") {
            code_ += arg;
            show_progress();
        } else if (verb == "submit") {
            submit();
        } else if (!verb.empty()) {
            std::cout << "tile: (unknown action " << verb << ")\n";
        }
        wipe(arg); // may be the password
    }

    ~tile() { wipe(password_); }

    static void wipe(std::string &s) noexcept
    {
        if (!s.empty()) olr::detail::wipe(&s[0], s.size());
    }

  private:
    // Checks each group as it is typed (olr_reset_code_progress) and marks the first wrong one.
    void show_progress()
    {
        olr::typing_progress p{};
        if (!olr::reset_code_progress(code_, p)) return;
        std::string marks;
        for (unsigned g = 0; g < p.group_count; g++) {
            switch (p.groups[g]) {
            case OLR_GROUP_VALID: marks += " ok"; break;
            case OLR_GROUP_MISTYPED: marks += " MISTYPED"; break;
            case OLR_GROUP_NOT_A_SYMBOL: marks += " NOT-A-SYMBOL"; break;
            case OLR_GROUP_INCOMPLETE: marks += " ..."; break;
            default: marks += " _"; break;
            }
        }
        std::cout << "tile: groups" << marks << "\n";
        if (p.first_wrong_group)
            std::cout << "tile: check group " << unsigned(p.first_wrong_group) << " of the reset code\n";
        else if (p.too_long)
            std::cout << "tile: the reset code is too long\n";
        else if (p.has_unsupported_version)
            std::cout << "tile: " << user_message(OLR_UNSUPPORTED_VERSION) << "\n";
        else if (p.complete && !p.whole_code_ok)
            std::cout << "tile: the reset code has a typing mistake; check every group\n";
        else if (p.ready)
            std::cout << "tile: reset code complete\n";
    }

    void refuse(const olr::status &s, const char *what)
    {
        std::cout << "tile: [" << s.name() << "] " << user_message(s.code()) << "\n";
        // An audit record: status and epochs only, never the code, the name or the password.
        std::cerr << "audit: offline reset refused: " << what << s.name() << " code_epoch "
                  << s.code_epoch() << " machine_epoch " << s.current_epoch() << "\n";
    }

    void storage_error(const char *what)
    {
        std::cout << "tile: the password could not be reset (storage error); contact the help desk\n";
        std::cerr << "audit: offline reset refused: " << what << "\n";
    }

    void submit()
    {
        // The typed account must resolve to exactly one account cached on this machine.
        // (No attempt limit of its own: the library counts failed opens in the ledger, per code
        // and per account, across restarts.)
        std::string domain = domain_;
        if (domain.empty() && !olr::default_offline_domain(fqdn_, domain)) {
            std::cout << "tile: type the domain\n";
            return;
        }
        olr::account typed;
        olr::status s = olr::account_normalize(user_, domain, typed);
        if (!s) {
            std::cout << "tile: [" << s.name() << "] " << user_message(s.code()) << "\n";
            return;
        }
        const cached_account *match = nullptr;
        int matches = 0;
        for (const cached_account &c : cached_) {
            if (c.normalized == typed) {
                match = &c;
                matches++;
            }
        }
        if (matches != 1) {
            std::cout << "tile: this account has not signed in on this computer before; an offline reset is not possible\n";
            return;
        }

        // (a) Under an exclusive lock, import the ledger with the monotonic store's minimum.
        ledger_lock lock;
        if (!lock.acquire(dir_)) return storage_error("ledger lock");
        std::uint64_t minimum = 0;
        std::vector<std::uint8_t> bytes;
        if (!read_generation(dir_, minimum)) return storage_error("monotonic store unreadable");
        if (!read_file(dir_ + "/ledger.olr", bytes)) return storage_error("ledger unreadable");
        olr::replay_ledger ledger;
        s = olr::replay_ledger::import(bytes, key_, machine_, minimum, ledger);
        if (!s) return refuse(s, "ledger import: ");

        // (b) Redeem with the cached account's own names and SID (docs/PROTOCOL.md §12.3).
        olr::accepted_reset accepted{};
        s = machine_.redeem(ledger, code_, match->username, match->domain, match->sid, password_,
                            now_, accepted);

        // (c) Whatever the answer, persist the ledger (failures change it too), then raise the
        // monotonic store, before showing anything; a failure refuses the reset.
        olr::secret_bytes ledger_bytes;
        std::uint64_t generation = 0;
        if (!ledger.export_to(key_, ledger_bytes) || !write_file(dir_ + "/ledger.olr", ledger_bytes))
            return storage_error("ledger not persisted");
        if (!ledger.generation(generation) || !raise_generation(dir_, generation))
            return storage_error("monotonic store not raised");
        lock.release();

        if (!s) {
            refuse(s, "");
            if (s.code() == OLR_MISTYPED && s.mistyped_group())
                std::cout << "tile: check group " << s.mistyped_group() << " of the reset code\n";
            return;
        }
        // (d) Only now: update the cached credentials.
        std::cout << "tile: updating cached credentials of " << match->domain << "\\"
                  << match->username << "\n";
        std::cout << "tile: [" << s.name() << "] " << user_message(OLR_OK) << "\n";
        std::cerr << "audit: offline reset accepted, code issued at " << accepted.issued_at << "\n";
        code_.clear();
        wipe(password_);
        password_.clear();
    }

    std::string dir_;
    std::int64_t now_;
    olr::wrapping_key key_;
    olr::machine machine_;
    std::vector<cached_account> cached_;
    std::string fqdn_, user_, domain_, password_, code_;
};

} // namespace

int main(int argc, char **argv)
{
    if (!olr_abi_is_compatible(OLR_ABI_VERSION)) {
        std::cerr << "liboffline_reset " << olr_version() << " is too old for this program\n";
        return 1;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "enroll") return enroll(args[1], args[2]);
    if (args.size() == 3 && args[0] == "tile") {
        char *end = nullptr;
        long long now = std::strtoll(args[2].c_str(), &end, 10);
        if (end == args[2].c_str() || *end != '\0') {
            std::cerr << "not a unix time: " << args[2] << "\n";
            return 1;
        }
        tile t(args[1], now);
        if (!t.load()) {
            std::cerr << "this computer is not set up for offline password reset\n";
            return 1;
        }
        std::string line;
        while (std::getline(std::cin, line)) {
            t.handle(line);
            tile::wipe(line);
        }
        return 0;
    }
    std::cerr << "usage: login_tile enroll STATE_DIR PACKAGE_FILE | login_tile tile STATE_DIR NOW\n";
    return 2;
}
