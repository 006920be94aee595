// Tests of bindings/cpp/offline_reset.hpp: RAII owners, both error styles, UTF-16/UTF-32 input,
// a whole reset with the replay ledger, rotation. Prints "cpp: N passed, M failed".
// Built by tests/cpp/run.sh with g++ and clang++ (-std=c++17 -Wall -Wextra -Werror), under
// ASan+UBSan and valgrind.
#include "offline_reset.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>

static unsigned passed, failed;
static void check(bool ok, const char *what, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        std::printf("FAIL line %d: %s\n", line, what);
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

// Move-only owners; moves never throw.
static_assert(!std::is_copy_constructible<olr::machine>::value, "machine is move-only");
static_assert(!std::is_copy_assignable<olr::machine>::value, "machine is move-only");
static_assert(std::is_nothrow_move_constructible<olr::machine>::value, "noexcept move");
static_assert(std::is_nothrow_move_assignable<olr::machine>::value, "noexcept move");
static_assert(!std::is_copy_constructible<olr::key_ring>::value, "key_ring is move-only");
static_assert(std::is_nothrow_move_constructible<olr::key_ring>::value, "noexcept move");
static_assert(!std::is_copy_constructible<olr::replay_ledger>::value, "ledger is move-only");
static_assert(std::is_nothrow_move_assignable<olr::replay_ledger>::value, "noexcept move");
static_assert(!std::is_copy_constructible<olr::secret_bytes>::value, "secrets are not copied");
static_assert(noexcept(olr::machine::enroll(std::string_view(), std::declval<olr::machine &>())),
              "status overloads are noexcept");

static const std::int64_t NOW = 1795000000;
// Codes carry their issue time in whole minutes.
static std::int64_t minute(std::int64_t t) { return t - t % 60; }

static olr::key_ring quick_ring()
{
    // The smallest password cost the protocol allows keeps the tests fast.
    return olr::key_ring::generate(OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES,
                                   OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS, 1);
}

// A copy of `text` with one symbol of group `group` (1-based) changed.
static std::string mistype(std::string text, int group)
{
    char &c = text[static_cast<std::size_t>((group - 1) * 9 + 2)];
    c = c == '7' ? '8' : '7';
    return text;
}

static void test_whole_reset()
{
    olr::key_ring ring = quick_ring();
    CHECK(ring && ring.current_epoch() == 1);
    std::string package = ring.deployment_package();
    CHECK(package.size() == OLR_DEPLOYMENT_PACKAGE_TEXT_LEN);
    CHECK(olr::deployment_package_check(package).epoch == 1);

    olr::machine machine = olr::machine::enroll(package);
    CHECK(machine.is_enrolled_with(package));
    std::string id = machine.identification_code();
    CHECK(id.size() == OLR_IDENTIFICATION_CODE_TEXT_LEN && id.find('\0') == std::string::npos);
    CHECK(olr::identification_code_check(id) == id);

    // A mistyped identification code, both error styles.
    std::string typo = mistype(id, 3);
    std::string out = "untouched";
    olr::status s = olr::identification_code_check(typo, out);
    CHECK(!s && s.code() == OLR_MISTYPED && s.mistyped_group() == 3 && out == "untouched");
    CHECK(std::strcmp(s.name(), "OLR_MISTYPED") == 0 && std::strlen(s.message()) > 10);
    bool threw = false;
    try {
        (void)olr::identification_code_check(typo);
    } catch (const olr::error &e) {
        threw = e.code() == OLR_MISTYPED && e.mistyped_group() == 3 &&
                std::strncmp(e.what(), "OLR_MISTYPED: ", 14) == 0;
    }
    CHECK(threw);
    // Another protocol version: the version found.
    s = olr::reset_code_check("3ABCDEF", out);
    CHECK(s.code() == OLR_UNSUPPORTED_VERSION && s.found_version() == 3);

    std::string code = ring.seal(id, "alice", "CORP", "Winter-Tulip-42", NOW);
    // Typing progress, group by group, as a tile shows it.
    olr::typing_progress p = olr::reset_code_progress(code.substr(0, 17));
    CHECK(p.group_count == 6 && p.groups[0] == OLR_GROUP_VALID && p.groups[1] == OLR_GROUP_VALID &&
          p.groups[2] == OLR_GROUP_EMPTY && !p.complete);
    p = olr::reset_code_progress(mistype(code, 2).substr(0, 20));
    CHECK(p.groups[1] == OLR_GROUP_MISTYPED && p.first_wrong_group == 2 && !p.ready);
    std::u16string code16_full(code.begin(), code.end());
    CHECK(olr::reset_code_progress(std::u16string_view(code16_full)).ready);
    CHECK(olr::identification_code_progress(id).ready);
    CHECK(code.size() == OLR_RESET_CODE_TEXT_LEN && olr::reset_code_check(code) == code);

    olr::replay_ledger ledger = olr::replay_ledger::create();
    olr::accepted_reset accepted{};
    // Wrong password: Rejected, and the ledger is unchanged.
    s = machine.redeem(ledger, code, "alice", "CORP", "Winter-Tulip-43", NOW + 60, accepted);
    CHECK(s.code() == OLR_REJECTED && ledger.size() == 0);
    // Mistyped code: the group.
    s = machine.redeem(ledger, mistype(code, 5), "alice", "CORP", "Winter-Tulip-42", NOW + 60,
                       accepted);
    CHECK(s.code() == OLR_MISTYPED && s.mistyped_group() == 5);
    // The right one.
    s = machine.redeem(ledger, code, "alice", "CORP", "Winter-Tulip-42", NOW + 60, accepted);
    CHECK(s.ok() && accepted.issued_at == minute(NOW) && accepted.expires_at > NOW && ledger.size() == 1);
    // A code works once (throwing style: the status survives in the exception).
    threw = false;
    try {
        (void)machine.redeem(ledger, code, "alice", "CORP", "Winter-Tulip-42", NOW + 120);
    } catch (const olr::error &e) {
        threw = e.code() == OLR_ALREADY_USED && e.status().code() == OLR_ALREADY_USED;
    }
    CHECK(threw);

    // The ledger and machine survive a wrapped export and import; the replay is still refused.
    olr::wrapping_key key = olr::wrapping_key::generate();
    CHECK(key.has_value() && key.size() == OLR_WRAPPING_KEY_LEN);
    olr::secret_bytes ledger_bytes = ledger.export_to(key);
    olr::secret_bytes machine_bytes = machine.export_to(key);
    CHECK(machine_bytes.size() == OLR_MACHINE_STATE_MAX_LEN);
    olr::replay_ledger ledger2 = olr::replay_ledger::import(ledger_bytes.bytes(), key);
    olr::machine machine2 = olr::machine::import(machine_bytes.bytes(), key);
    CHECK(machine2.identification_code() == id && ledger2.size() == 1);
    s = machine2.redeem(ledger2, code, "alice", "CORP", "Winter-Tulip-42", NOW + 60, accepted);
    CHECK(s.code() == OLR_ALREADY_USED);
    // Without the key: a wrapping mismatch, and the target keeps what it held.
    s = olr::machine::import(machine_bytes.bytes(), olr::wrapping_key(), machine2);
    CHECK(s.code() == OLR_WRAPPING_MISMATCH && machine2 && machine2.identification_code() == id);
    olr::wrapping_key other = olr::wrapping_key::generate();
    s = olr::replay_ledger::import(ledger_bytes.bytes(), other, ledger2);
    CHECK(s.code() == OLR_WRONG_WRAPPING_KEY && ledger2.size() == 1);

    // UTF-16 and wide input: a non-ASCII name and password (with a surrogate pair).
    std::string pw8 = "P\xC3\xA4ss-\xF0\x9D\x84\x9E-42"; // "Päss-𝄞-42"
    std::u16string pw16 = u"P\u00E4ss-\U0001D11E-42";
    std::string bob_code = ring.seal(id, "J\xC3\xB6rg", "CORP", pw8, NOW);
    std::u16string code16(bob_code.begin(), bob_code.end());
    s = machine.redeem(ledger, std::u16string_view(code16), u"J\u00F6rg", u"CORP", pw16, NOW + 60,
                       accepted);
    CHECK(s.ok() && ledger.size() == 2);
    std::string carol_code = ring.seal(id, "carol", "CORP", pw8, NOW + 60);
    std::wstring wcode(carol_code.begin(), carol_code.end());
    std::wstring wpw = L"P\u00E4ss-\U0001D11E-42";
    CHECK(machine.redeem(ledger, wcode, L"carol", L"CORP", wpw, NOW + 120).issued_at == minute(NOW + 60));
    // An unpaired surrogate is not text.
    std::u16string bad = u"abc";
    bad[1] = static_cast<char16_t>(0xD800);
    s = machine.redeem(ledger, std::u16string_view(code16), u"J\u00F6rg", u"CORP",
                       std::u16string_view(bad), NOW + 60, accepted);
    CHECK(s.code() == OLR_INVALID_UTF8 && ledger.size() == 3);
    std::u16string lone_high = u"x";
    lone_high[0] = static_cast<char16_t>(0xDBFF);
    CHECK(olr::reset_code_check(std::u16string_view(lone_high), out).code() == OLR_INVALID_UTF8);
    CHECK(olr::identification_code_check(std::u16string_view(u"3ABCDEF"), out).found_version() == 3);
    std::u16string id16(id.begin(), id.end());
    CHECK(olr::identification_code_check(std::u16string_view(id16)) == id);

    // Names: normalize resolves typed names to a cached account; UTF-8 and UTF-16 agree.
    olr::account a8 = olr::account_normalize("J\xC3\xB6rg", "corp");
    olr::account a16 = olr::account_normalize(std::u16string_view(u"J\u00F6rg"), std::u16string_view(u"corp"));
    CHECK(a8 == a16 && !a8.username.empty());
    CHECK(olr::account_normalize("alice", "CORP") == olr::account_normalize("alice", "corp"));
    CHECK(olr::default_offline_domain("corp.example.com") == "CORP");
    s = olr::account_normalize("CORP\\alice", "CORP", a8);
    CHECK(s.code() == OLR_INVALID_USERNAME);
    CHECK(olr::name_problem("CORP\\alice") == OLR_NAME_PROBLEM_QUALIFIED_NAME);
    CHECK(olr::name_problem(std::wstring_view(L"alice")) == OLR_NAME_PROBLEM_NONE);

    // Rotation: the server refuses the old identification code with both epochs; a machine
    // redeployed with the new package refuses a code made before the rotation.
    std::string pre_rotation = ring.seal(id, "dave", "CORP", "pw-1", NOW + 300);
    CHECK(ring.rotate(NOW + 600) == 2);
    threw = false;
    try {
        (void)ring.seal(id, "alice", "CORP", "Winter-Tulip-42", NOW + 600);
    } catch (const olr::error &e) {
        threw = e.code() == OLR_KEY_ROTATED && e.code_epoch() == 1 && e.current_epoch() == 2;
    }
    CHECK(threw);
    olr::machine redeployed = olr::machine::enroll(ring.deployment_package());
    CHECK(redeployed.epoch() == 2 && !redeployed.is_enrolled_with(package));
    std::string old_code = code;
    olr::replay_ledger fresh = olr::replay_ledger::create();
    s = redeployed.redeem(fresh, old_code, "alice", "CORP", "Winter-Tulip-42", NOW + 700, accepted);
    CHECK(s.code() == OLR_CODE_BEFORE_ROTATION && s.code_epoch() == 1 && s.current_epoch() == 2);
    // Rotation is not revocation: the machine not yet redeployed still opens an old code.
    CHECK(machine.redeem(ledger, pre_rotation, "dave", "CORP", "pw-1", NOW + 700).issued_at ==
          minute(NOW + 300));
    // And a code for the redeployed machine opens there.
    std::string new_code = ring.seal(redeployed.identification_code(), "alice", "CORP", "pw-2", NOW + 700);
    CHECK(redeployed.redeem(fresh, new_code, "alice", "CORP", "pw-2", NOW + 760).issued_at ==
          minute(NOW + 700));
}

static void test_ownership()
{
    olr::key_ring ring = quick_ring();
    olr::machine a = olr::machine::enroll(ring.deployment_package());
    std::string id = a.identification_code();
    olr_machine *raw = a.get();
    olr::machine b = std::move(a);
    CHECK(!a && b.get() == raw && b.identification_code() == id);
    a = std::move(b); // back again
    CHECK(a && !b && a.identification_code() == id);
    olr::machine &same = a;
    a = std::move(same); // self-move keeps the handle
    CHECK(a.get() == raw);
    // A failed factory leaves the target as it was (no leak, no half state).
    olr::status s = olr::machine::enroll("not a package", a);
    CHECK(!s && a.get() == raw);
    // An empty owner reports NULL instead of crashing.
    olr::machine empty;
    std::string out;
    CHECK(empty.identification_code(out).code() == OLR_NULL_POINTER);
    olr::replay_ledger no_ledger;
    olr::accepted_reset acc{};
    CHECK(a.redeem(no_ledger, "x", "a", "b", "c", NOW, acc).code() == OLR_NULL_POINTER);
    // Buffers are sized inside: a package (104 + NUL) and a name of the longest size.
    std::string long_name(OLR_MAX_NAME_LEN, 'a');
    // (Windows compares names upper-cased: so does the normalized form.)
    CHECK(olr::account_normalize(long_name, "CORP").username == std::string(OLR_MAX_NAME_LEN, 'A'));
    olr::account acct{"kept", "KEPT"};
    CHECK(olr::account_normalize(long_name + "a", "CORP", acct).code() == OLR_INVALID_USERNAME);
    CHECK(acct.username == "kept" && acct.offline_domain == "KEPT");
}

static void test_status_object()
{
    olr::status ok;
    CHECK(ok && ok.code() == OLR_OK && std::strcmp(ok.name(), "OLR_OK") == 0);
    olr::status rejected(OLR_REJECTED);
    CHECK(!rejected && std::strcmp(rejected.name(), "OLR_REJECTED") == 0);
    CHECK(std::strcmp(olr::status(static_cast<olr_status>(4242)).name(), "OLR_UNKNOWN_STATUS") == 0);
    olr::error e{olr::status(OLR_REDEPLOY_NEEDED, olr_error_details{3, 2, 0, 0, {}})};
    CHECK(e.code_epoch() == 3 && e.current_epoch() == 2 &&
          std::string(e.what()).rfind("OLR_REDEPLOY_NEEDED: ", 0) == 0);
}

int main()
{
    if (!olr_abi_is_compatible(OLR_ABI_VERSION)) {
        std::printf("cpp: library ABI %#x cannot serve header ABI %#x\n", olr_abi_version(),
                    OLR_ABI_VERSION);
        return 1;
    }
    try {
        test_whole_reset();
        test_ownership();
        test_status_object();
    } catch (const olr::error &e) {
        failed++;
        std::printf("FAIL: unexpected olr::error %s (group %u, epochs %u/%u)\n", e.what(),
                    e.mistyped_group(), e.code_epoch(), e.current_epoch());
    }
    std::printf("cpp: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
