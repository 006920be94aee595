// A console stand-in for the Windows LogonUI tile of an offline password reset, written with
// bindings/cpp/offline_reset.hpp as a credential provider would use it (docs/INTEGRATION.md).
//
//   login_tile enroll STATE_DIR PACKAGE_FILE
//       The deployment step (in Windows: a service or installer action running as SYSTEM, never
//       LogonUI): enrolls once per package and stores the machine state and an empty replay
//       ledger, both wrapped. Prints the identification code.
//   login_tile tile STATE_DIR NOW
//       The tile. Reads the user's actions from standard input, one per line:
//         user NAME        the username field
//         domain NAME      the offline user domain field (empty: derived from STATE_DIR/fqdn)
//         type TEXT        appends TEXT to the reset code field (what a keystroke would do)
//         clear            empties the reset code field
//         password TEXT    the new password field
//         submit           open the code, record it, persist the ledger, update credentials
//       and prints what the tile would show, one "tile: ..." line per event.
//
// STATE_DIR holds: wrapping.key (stands in for a DPAPI-protected key), machine.olr and
// ledger.olr (wrapped), cached_accounts (one "USERNAME DOMAIN" per line: the accounts cached on
// this machine), fqdn (the domain's DNS name, for the default offline domain).
// NOW is unix seconds (a real tile uses the clock). Exit status: 0 after end of input.
#include "offline_reset.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

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
    default: return "The password could not be reset. Contact the help desk.";
    }
}

bool read_file(const std::string &path, std::vector<std::uint8_t> &out)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

// Writes to PATH.tmp, then renames: a crash leaves the old file or the new one, never half.
bool write_file(const std::string &path, const olr::secret_bytes &bytes)
{
    std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) return false;
        f.write(reinterpret_cast<const char *>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
        if (!f.flush()) return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool load_key(const std::string &dir, olr::wrapping_key &key)
{
    std::vector<std::uint8_t> raw;
    if (!read_file(dir + "/wrapping.key", raw) || raw.size() != OLR_WRAPPING_KEY_LEN) return false;
    key = olr::wrapping_key(olr::secret_bytes(std::move(raw)));
    return true;
}

// The code in groups of 8, as the tile shows it (already so in the canonical text).
int enroll(const std::string &dir, const std::string &package_path)
{
    std::vector<std::uint8_t> package_bytes;
    if (!read_file(package_path, package_bytes)) {
        std::cerr << "cannot read " << package_path << "\n";
        return 1;
    }
    std::string_view package(reinterpret_cast<const char *>(package_bytes.data()),
                             package_bytes.size());
    olr::wrapping_key key;
    if (!load_key(dir, key)) {
        if (!olr::wrapping_key::generate(key)) return 1;
        olr::secret_bytes raw(std::vector<std::uint8_t>(key.data(), key.data() + key.size()));
        if (!write_file(dir + "/wrapping.key", raw)) return 1;
    }
    olr::machine machine;
    std::vector<std::uint8_t> state;
    bool enrolled = false;
    if (read_file(dir + "/machine.olr", state) && olr::machine::import(state, key, machine) &&
        machine.is_enrolled_with(package, enrolled) && enrolled) {
        std::cout << "already enrolled with this package\n";
    } else {
        olr::status s = olr::machine::enroll(package, machine);
        if (!s) {
            std::cerr << "enroll: " << s.name() << ": " << s.message() << "\n";
            return 1;
        }
        olr::secret_bytes machine_bytes, ledger_bytes;
        olr::replay_ledger ledger;
        // A redeploy keeps the ledger: codes already used stay used.
        std::vector<std::uint8_t> old_ledger;
        if (!(read_file(dir + "/ledger.olr", old_ledger) &&
              olr::replay_ledger::import(old_ledger, key, ledger)) &&
            !olr::replay_ledger::create(ledger))
            return 1;
        if (!machine.export_to(key, machine_bytes) || !ledger.export_to(key, ledger_bytes) ||
            !write_file(dir + "/ledger.olr", ledger_bytes) ||
            !write_file(dir + "/machine.olr", machine_bytes)) {
            std::cerr << "cannot store the machine state\n";
            return 1;
        }
        std::uint16_t epoch = 0;
        (void)machine.epoch(epoch);
        std::cout << "enrolled at epoch " << epoch << "\n";
    }
    std::string id;
    if (!machine.identification_code(id)) return 1;
    std::cout << id << "\n";
    return 0;
}

struct cached_account {
    std::string username, domain; // as cached (display form)
    olr::account normalized;
};

class tile {
  public:
    tile(std::string dir, std::int64_t now) : dir_(std::move(dir)), now_(now) {}

    bool load()
    {
        std::vector<std::uint8_t> state, ledger;
        if (!load_key(dir_, key_) || !read_file(dir_ + "/machine.olr", state) ||
            !olr::machine::import(state, key_, machine_) ||
            !read_file(dir_ + "/ledger.olr", ledger) ||
            !olr::replay_ledger::import(ledger, key_, ledger_))
            return false;
        std::ifstream accounts(dir_ + "/cached_accounts");
        std::string user, domain;
        while (accounts >> user >> domain) {
            cached_account a{user, domain, {}};
            if (olr::account_normalize(user, domain, a.normalized)) cached_.push_back(std::move(a));
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
            olr::detail::wipe(&password_[0], password_.size());
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
    }

    ~tile() { olr::detail::wipe(&password_[0], password_.size()); }

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

    void submit()
    {
        if (attempts_ >= max_attempts) {
            std::cout << "tile: too many attempts; restart the computer or contact the help desk\n";
            return;
        }
        attempts_++;
        // The typed account must resolve to exactly one account cached on this machine.
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
        // Open and record; on OLR_OK persist the ledger, and only then update the credentials.
        olr::accepted_reset accepted{};
        // Opened with the cached account's own names (docs/PROTOCOL.md §12.3 rule 1).
        s = machine_.redeem(ledger_, code_, match->username, match->domain, password_, now_,
                            accepted);
        if (!s) {
            std::cout << "tile: [" << s.name() << "] " << user_message(s.code()) << "\n";
            if (s.code() == OLR_MISTYPED && s.mistyped_group())
                std::cout << "tile: check group " << s.mistyped_group() << " of the reset code\n";
            // An audit record: status and epochs only, never the code, the name or the password.
            std::cerr << "audit: offline reset refused: " << s.name() << " code_epoch "
                      << s.code_epoch() << " machine_epoch " << s.current_epoch() << "\n";
            return;
        }
        olr::secret_bytes ledger_bytes;
        if (!ledger_.export_to(key_, ledger_bytes) || !write_file(dir_ + "/ledger.olr", ledger_bytes)) {
            std::cout << "tile: the password could not be reset (storage error); contact the help desk\n";
            return; // credentials NOT updated: the code was not recorded durably
        }
        std::cout << "tile: updating cached credentials of " << match->domain << "\\"
                  << match->username << "\n";
        std::cout << "tile: [" << s.name() << "] " << user_message(OLR_OK) << "\n";
        std::cerr << "audit: offline reset accepted, code issued at " << accepted.issued_at << "\n";
        attempts_ = 0;
        code_.clear();
    }

    static constexpr int max_attempts = 5;
    std::string dir_;
    std::int64_t now_;
    olr::wrapping_key key_;
    olr::machine machine_;
    olr::replay_ledger ledger_;
    std::vector<cached_account> cached_;
    std::string fqdn_, user_, domain_, password_, code_;
    int attempts_ = 0;
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
        while (std::getline(std::cin, line)) t.handle(line);
        return 0;
    }
    std::cerr << "usage: login_tile enroll STATE_DIR PACKAGE_FILE | login_tile tile STATE_DIR NOW\n";
    return 2;
}
