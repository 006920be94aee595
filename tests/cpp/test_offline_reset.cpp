// Tests of bindings/cpp/offline_reset.hpp: RAII owners, both error styles, UTF-16/UTF-32 input,
// a whole reset with the replay ledger (SIDs, attempts counted on failures, a ledger bound to its
// machine and a minimum generation, a clock set back), attempt limits, redeployment and
// signing-key rotation, package fingerprints, the names of every status. Prints
// "cpp: N passed, M failed".
// Built by tests/cpp/run.sh with g++ and clang++ (-std=c++17 -Wall -Wextra -Werror), under
// ASan+UBSan and valgrind.
#include "offline_reset.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

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
static const std::int64_t SKEW = OLR_DEFAULT_CLOCK_SKEW_MINUTES * 60;
// Codes carry their issue time in whole minutes.
static std::int64_t minute(std::int64_t t) { return t - t % 60; }

// The binary SID S-1-5-21-1004336348-1177238915-682003330-RID (revision 1, authority 5, five
// sub-authorities little-endian): 28 bytes.
static std::vector<std::uint8_t> sid(std::uint32_t rid)
{
    std::vector<std::uint8_t> out = {1, 5, 0, 0, 0, 0, 0, 5};
    for (std::uint32_t sub : {21u, 1004336348u, 1177238915u, 682003330u, rid})
        for (int i = 0; i < 4; i++) out.push_back(static_cast<std::uint8_t>(sub >> (8 * i)));
    return out;
}
static const std::vector<std::uint8_t> ALICE = sid(1104), BOB = sid(1105), CAROL = sid(1106),
                                       DAVE = sid(1107), OTHER = sid(4242);

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

static std::pair<std::size_t, std::size_t> counts(const olr::replay_ledger &l)
{
    return l.counts();
}
using count_pair = std::pair<std::size_t, std::size_t>;


// UTF-16 goes to the C API's _utf16 functions (std::u16string_view always; std::wstring_view
// where wchar_t has 16 bits, as on Windows); UTF-32 (wchar_t of 32 bits) is converted to UTF-8.
static void test_utf16_entry_points(const olr::machine &machine, olr::replay_ledger &ledger,
                                    const std::string &used_code, const std::string &id)
{
    constexpr bool wide16 = sizeof(wchar_t) == 2;
    const olr_status wide_bad = wide16 ? OLR_INVALID_UTF16 : OLR_INVALID_UTF8;
    std::u16string lone = u"al-ce";
    lone[2] = static_cast<char16_t>(0xDC00); // a lone low surrogate
    std::wstring wlone = L"al-ce";
    wlone[2] = static_cast<wchar_t>(0xD800);
    std::string out = "untouched";
    olr_name_problem_code problem = OLR_NAME_PROBLEM_NONE;
    olr::typing_progress progress{};
    olr::account acc;

    // An unpaired surrogate: OLR_INVALID_UTF16 from every UTF-16 overload, outputs untouched.
    CHECK(olr::reset_code_check(std::u16string_view(lone), out).code() == OLR_INVALID_UTF16);
    CHECK(olr::reset_code_progress(std::u16string_view(lone), progress).code() == OLR_INVALID_UTF16);
    CHECK(olr::name_problem(std::u16string_view(lone), problem).code() == OLR_INVALID_UTF16);
    CHECK(olr::account_normalize(std::u16string_view(lone), std::u16string_view(u"corp"), acc).code() ==
          OLR_INVALID_UTF16);
    CHECK(olr::account_normalize(std::u16string_view(u"alice"), std::u16string_view(lone), acc).code() ==
          OLR_INVALID_UTF16);
    // Functions without a _utf16 twin convert, and say the same.
    CHECK(olr::identification_code_check(std::u16string_view(lone), out).code() == OLR_INVALID_UTF16);
    CHECK(olr::default_offline_domain(std::u16string_view(lone), out).code() == OLR_INVALID_UTF16);
    CHECK(out == "untouched" && acc.username.empty());
    // std::wstring_view: UTF-16 on Windows, UTF-32 elsewhere.
    CHECK(olr::reset_code_check(std::wstring_view(wlone), out).code() == wide_bad);
    CHECK(olr::name_problem(std::wstring_view(wlone), problem).code() == wide_bad);
    CHECK(olr::account_normalize(std::wstring_view(wlone), std::wstring_view(L"corp"), acc).code() ==
          wide_bad);

    // The routes differ in the length limit: OLR_MAX_INPUT_LEN / 2 code units for the _utf16
    // functions, OLR_MAX_INPUT_LEN bytes of UTF-8 after a conversion. 25,000 euro signs are
    // 75,000 bytes of UTF-8 but 25,000 code units: a name too long, not an input too long.
    std::u16string euros(25000, u'\u20AC');
    CHECK(olr::name_problem(std::u16string_view(euros), problem).ok() &&
          problem == OLR_NAME_PROBLEM_TOO_LONG);
    std::u16string over(OLR_MAX_INPUT_LEN / 2 + 1, u'a');
    CHECK(olr::name_problem(std::u16string_view(over), problem).code() == OLR_INVALID_LENGTH);
    CHECK(olr::reset_code_progress(std::u16string_view(over), progress).code() == OLR_INVALID_LENGTH);
    std::wstring weuros(25000, L'\u20AC');
    olr::status ws = olr::name_problem(std::wstring_view(weuros), problem);
    CHECK(wide16 ? (ws.ok() && problem == OLR_NAME_PROBLEM_TOO_LONG)
                 : ws.code() == OLR_INVALID_LENGTH);

    // UTF-8 and UTF-16 agree: canonical text, typing feedback, the mistyped group, names.
    std::u16string code16(used_code.begin(), used_code.end());
    std::wstring wcode(used_code.begin(), used_code.end());
    std::string canon8, canon16, canonw;
    CHECK(olr::reset_code_check(used_code, canon8).ok());
    CHECK(olr::reset_code_check(std::u16string_view(code16), canon16).ok() && canon16 == canon8);
    CHECK(olr::reset_code_check(std::wstring_view(wcode), canonw).ok() && canonw == canon8);
    std::string typo = used_code;
    typo[2 * 9] = typo[2 * 9] == '0' ? '2' : '0'; // the first symbol of group 3
    std::u16string typo16(typo.begin(), typo.end());
    olr::status s8 = olr::reset_code_check(typo, out);
    olr::status s16 = olr::reset_code_check(std::u16string_view(typo16), out);
    CHECK(s8.code() == OLR_MISTYPED && s16.code() == s8.code() &&
          s16.mistyped_group() == s8.mistyped_group() && s8.mistyped_group() == 3);
    olr::typing_progress p8{}, p16{};
    CHECK(olr::reset_code_progress(typo, p8).ok() && olr::reset_code_progress(std::u16string_view(typo16), p16).ok());
    CHECK(p8.ready == p16.ready && !p16.ready);
    CHECK(olr::name_problem(std::u16string_view(u"CORP\\alice")) == OLR_NAME_PROBLEM_QUALIFIED_NAME);
    CHECK(olr::name_problem(std::u16string_view()) == olr::name_problem(std::string_view("")));
    CHECK(olr::account_normalize(std::u16string_view(u"J\u00F6rg"), std::u16string_view(u"corp")) ==
          olr::account_normalize(std::wstring_view(L"J\u00F6rg"), std::wstring_view(L"corp")));
    CHECK(olr::account_normalize(std::u16string_view(u"\U0001D11E"), std::u16string_view(u"corp")) ==
          olr::account_normalize("\xF0\x9D\x84\x9E", "corp"));
    CHECK(olr::account_normalize(std::u16string_view(u"CORP\\alice"), std::u16string_view(u"corp"), acc)
              .code() == OLR_INVALID_USERNAME);

    // redeem: a wrong password through UTF-16 is the UTF-8 status; a lone surrogate in any
    // field counts nothing.
    olr::accepted_reset accepted{};
    std::uint64_t before = ledger.generation();
    olr::status r = machine.redeem(ledger, std::u16string_view(code16), std::u16string_view(lone),
                                   u"CORP", olr::sid_view(), u"pw", 0, accepted);
    CHECK(r.code() == OLR_INVALID_UTF16 && ledger.generation() == before);
    r = machine.redeem(ledger, std::wstring_view(wlone), L"J\u00F6rg", L"CORP", olr::sid_view(),
                       L"pw", 0, accepted);
    CHECK(r.code() == wide_bad && ledger.generation() == before);
    (void)id;
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

    std::string code = ring.seal(id, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW);
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

    olr::replay_ledger ledger = olr::replay_ledger::create(machine);
    CHECK(counts(ledger) == count_pair(0, 0) && ledger.generation() == 0);
    olr::accepted_reset accepted{};
    // Wrong password: Rejected, and the attempt is counted (the ledger changed: persist it).
    s = machine.redeem(ledger, code, "alice", "CORP", ALICE, "Winter-Tulip-43", NOW + 60, accepted);
    CHECK(s.code() == OLR_REJECTED && counts(ledger) == count_pair(1, 1) && ledger.generation() == 1);
    // Another account's SID with the same names: Rejected, counted for that account.
    s = machine.redeem(ledger, code, "alice", "CORP", OTHER, "Winter-Tulip-42", NOW + 60, accepted);
    CHECK(s.code() == OLR_REJECTED && counts(ledger) == count_pair(2, 1) && ledger.generation() == 2);
    // Mistyped code: the group, and nothing changes.
    s = machine.redeem(ledger, mistype(code, 5), "alice", "CORP", ALICE, "Winter-Tulip-42",
                       NOW + 60, accepted);
    CHECK(s.code() == OLR_MISTYPED && s.mistyped_group() == 5 && ledger.generation() == 2);
    // A malformed SID: OLR_INVALID_SID before anything is counted.
    std::vector<std::uint8_t> bad_sid = ALICE;
    bad_sid[0] = 2; // revision 2
    s = machine.redeem(ledger, code, "alice", "CORP", bad_sid, "Winter-Tulip-42", NOW + 60, accepted);
    CHECK(s.code() == OLR_INVALID_SID && ledger.generation() == 2);
    s = machine.redeem(ledger, code, "alice", "CORP", olr::sid_view(ALICE.data(), 11),
                       "Winter-Tulip-42", NOW + 60, accepted);
    CHECK(s.code() == OLR_INVALID_SID && ledger.generation() == 2);
    // A clock set back more than the skew before the latest time seen: refused, nothing changes.
    s = machine.redeem(ledger, code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 60 - SKEW - 1,
                       accepted);
    CHECK(s.code() == OLR_CLOCK_SET_BACK && ledger.generation() == 2 &&
          std::strcmp(s.name(), "OLR_CLOCK_SET_BACK") == 0);
    // Within the skew is not a clock set back.
    s = machine.redeem(ledger, code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 60 - SKEW,
                       accepted);
    CHECK(s.ok() && accepted.issued_at == minute(NOW) && accepted.expires_at > NOW &&
          counts(ledger) == count_pair(2, 0) && ledger.generation() == 3);
    // A code works once (throwing style: the status survives in the exception).
    threw = false;
    try {
        (void)machine.redeem(ledger, code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 120);
    } catch (const olr::error &e) {
        threw = e.code() == OLR_ALREADY_USED && e.status().code() == OLR_ALREADY_USED;
    }
    // The refused replay stays counted against the code (step 11 of docs/PROTOCOL.md §9.7).
    CHECK(threw && ledger.generation() == 4 && counts(ledger) == count_pair(2, 1));

    // The diagnostics open counts nothing and records nothing: the used code still opens there.
    s = machine.open_for_diagnostics(code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 120,
                                     accepted);
    CHECK(s.ok() && accepted.issued_at == minute(NOW) && ledger.generation() == 4);
    s = machine.open_for_diagnostics(code, "alice", "CORP", BOB, "Winter-Tulip-42", NOW + 120,
                                     accepted);
    CHECK(s.code() == OLR_REJECTED);

    // The ledger and machine survive a wrapped export and import; the replay is still refused.
    olr::wrapping_key key = olr::wrapping_key::generate();
    CHECK(key.has_value() && key.size() == OLR_WRAPPING_KEY_LEN);
    olr::secret_bytes ledger_bytes = ledger.export_to(key);
    olr::secret_bytes machine_bytes = machine.export_to(key);
    CHECK(machine_bytes.size() == OLR_MACHINE_STATE_MAX_LEN);
    olr::machine machine2 = olr::machine::import(machine_bytes.bytes(), key);
    olr::replay_ledger ledger2 = olr::replay_ledger::import(ledger_bytes.bytes(), key, machine2, 4);
    CHECK(machine2.identification_code() == id && counts(ledger2) == count_pair(2, 1) &&
          ledger2.generation() == 4);
    s = machine2.redeem(ledger2, code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 60, accepted);
    CHECK(s.code() == OLR_ALREADY_USED && ledger2.generation() == 5);
    // An older copy than the monotonic store says: rolled back; the target keeps what it held.
    s = olr::replay_ledger::import(ledger_bytes.bytes(), key, machine2, 5, ledger2);
    CHECK(s.code() == OLR_LEDGER_ROLLED_BACK && ledger2 && ledger2.generation() == 5);
    // Another machine's ledger (another enrollment of the same package) is refused.
    olr::machine stranger = olr::machine::enroll(package);
    CHECK(stranger.identification_code() != id);
    s = olr::replay_ledger::import(ledger_bytes.bytes(), key, stranger, 0, ledger2);
    CHECK(s.code() == OLR_LEDGER_OF_ANOTHER_MACHINE && ledger2.generation() == 5);
    s = stranger.redeem(ledger, code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 60, accepted);
    CHECK(s.code() == OLR_LEDGER_OF_ANOTHER_MACHINE && ledger.generation() == 4);
    // Without the key: a wrapping mismatch, and the target keeps what it held.
    s = olr::machine::import(machine_bytes.bytes(), olr::wrapping_key(), machine2);
    CHECK(s.code() == OLR_WRAPPING_MISMATCH && machine2 && machine2.identification_code() == id);
    olr::wrapping_key other = olr::wrapping_key::generate();
    s = olr::replay_ledger::import(ledger_bytes.bytes(), other, machine2, 0, ledger2);
    CHECK(s.code() == OLR_WRONG_WRAPPING_KEY && ledger2.generation() == 5);

    // UTF-16 and wide input: a non-ASCII name and password (with a surrogate pair).
    std::string pw8 = "P\xC3\xA4ss-\xF0\x9D\x84\x9E-42"; // "Päss-𝄞-42"
    std::u16string pw16 = u"P\u00E4ss-\U0001D11E-42";
    std::string bob_code = ring.seal(id, "J\xC3\xB6rg", "CORP", BOB, pw8, NOW);
    std::u16string code16(bob_code.begin(), bob_code.end());
    s = machine.redeem(ledger, std::u16string_view(code16), u"J\u00F6rg", u"CORP", BOB, pw16,
                       NOW + 60, accepted);
    CHECK(s.ok() && counts(ledger) == count_pair(3, 1));
    std::string carol_code = ring.seal(id, "carol", "CORP", CAROL, pw8, NOW + 60);
    std::wstring wcode(carol_code.begin(), carol_code.end());
    std::wstring wpw = L"P\u00E4ss-\U0001D11E-42";
    CHECK(machine.redeem(ledger, wcode, L"carol", L"CORP", CAROL, wpw, NOW + 120).issued_at ==
          minute(NOW + 60));
    // An unpaired surrogate is not text (nothing is counted).
    std::uint64_t before = ledger.generation();
    std::u16string bad = u"abc";
    bad[1] = static_cast<char16_t>(0xD800);
    s = machine.redeem(ledger, std::u16string_view(code16), u"J\u00F6rg", u"CORP", BOB,
                       std::u16string_view(bad), NOW + 60, accepted);
    CHECK(s.code() == OLR_INVALID_UTF16 && counts(ledger) == count_pair(4, 1) &&
          ledger.generation() == before);
    std::u16string lone_high = u"x";
    lone_high[0] = static_cast<char16_t>(0xDBFF);
    CHECK(olr::reset_code_check(std::u16string_view(lone_high), out).code() == OLR_INVALID_UTF16);
    test_utf16_entry_points(machine, ledger, bob_code, id);
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
    // The account check: names first, then the SID.
    CHECK(olr::account_check("alice", "CORP", ALICE).ok());
    CHECK(olr::account_check("alice", "CORP", bad_sid).code() == OLR_INVALID_SID);
    CHECK(olr::account_check("CORP\\alice", "CORP", bad_sid).code() == OLR_INVALID_USERNAME);
    CHECK(olr::account_check("alice", "CORP", olr::sid_view()).code() == OLR_NULL_POINTER);
    std::vector<std::uint8_t> max_sid = {1, 15, 0, 0, 0, 0, 0, 5};
    max_sid.resize(OLR_MAX_SID_LEN, 7);
    CHECK(olr::account_check("alice", "CORP", max_sid).ok());
    max_sid.push_back(0);
    CHECK(olr::account_check("alice", "CORP", max_sid).code() == OLR_INVALID_SID);

    // Rotation: the server refuses the old identification code with both epochs; a machine
    // redeployed with the new package refuses a code made before the rotation.
    std::string pre_rotation = ring.seal(id, "dave", "CORP", DAVE, "pw-1", NOW + 300);
    CHECK(ring.rotate(NOW + 600) == 2);
    threw = false;
    try {
        (void)ring.seal(id, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 600);
    } catch (const olr::error &e) {
        threw = e.code() == OLR_KEY_ROTATED && e.code_epoch() == 1 && e.current_epoch() == 2;
    }
    CHECK(threw);
    std::string package2 = ring.deployment_package();
    olr::machine redeployed = machine.redeploy(package2);
    CHECK(redeployed.epoch() == 2 && !redeployed.is_enrolled_with(package) &&
          redeployed.is_enrolled_with(package2) && redeployed.identification_code() != id);
    // The old package cannot move the redeployed machine back.
    olr::machine back;
    s = redeployed.redeploy(package, back);
    CHECK(s.code() == OLR_PACKAGE_EPOCH_TOO_OLD && !back);
    // The old enrollment's ledger belongs to another enrollment now: start a new one.
    s = redeployed.redeem(ledger, code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 700, accepted);
    CHECK(s.code() == OLR_LEDGER_OF_ANOTHER_MACHINE);
    olr::replay_ledger fresh = olr::replay_ledger::create(redeployed);
    s = redeployed.redeem(fresh, code, "alice", "CORP", ALICE, "Winter-Tulip-42", NOW + 700, accepted);
    CHECK(s.code() == OLR_CODE_BEFORE_ROTATION && s.code_epoch() == 1 && s.current_epoch() == 2);
    // Rotation is not revocation: the machine not yet redeployed still opens an old code.
    CHECK(machine.redeem(ledger, pre_rotation, "dave", "CORP", DAVE, "pw-1", NOW + 700).issued_at ==
          minute(NOW + 300));
    // And a code for the redeployed machine opens there.
    std::string new_code = ring.seal(redeployed.identification_code(), "alice", "CORP", ALICE,
                                     "pw-2", NOW + 700);
    CHECK(redeployed.redeem(fresh, new_code, "alice", "CORP", ALICE, "pw-2", NOW + 760).issued_at ==
          minute(NOW + 700));
}

// Attempt limits from the key ring reach the machine through a same-epoch redeployment (same
// identification code); the library counts failed opens per code and per account, across an
// export and import of the ledger.
static void test_attempt_limits()
{
    olr::key_ring ring = quick_ring();
    CHECK(ring.attempt_limits() == std::make_pair(std::uint16_t(5), std::uint16_t(20)));
    olr::machine enrolled = olr::machine::enroll(ring.deployment_package());
    std::string id = enrolled.identification_code();
    CHECK(ring.set_attempt_limits(0, 3).code() == OLR_INVALID_POLICY);
    CHECK(ring.set_attempt_limits(2, 1001).code() == OLR_INVALID_POLICY);
    CHECK(ring.set_attempt_limits(2, 3).ok());
    CHECK(ring.attempt_limits() == std::make_pair(std::uint16_t(2), std::uint16_t(3)));
    std::string package = ring.deployment_package();
    CHECK(!enrolled.is_enrolled_with(package));
    olr::machine machine = enrolled.redeploy(package);
    CHECK(machine.identification_code() == id && machine.epoch() == 1 &&
          machine.is_enrolled_with(package));

    std::string code = ring.seal(id, "alice", "CORP", ALICE, "Right-1", NOW);
    olr::replay_ledger ledger = olr::replay_ledger::create(machine);
    olr::accepted_reset acc{};
    CHECK(machine.redeem(ledger, code, "alice", "CORP", ALICE, "Wrong-1", NOW + 60, acc).code() ==
          OLR_REJECTED);
    CHECK(machine.redeem(ledger, code, "alice", "CORP", ALICE, "Wrong-2", NOW + 61, acc).code() ==
          OLR_REJECTED);
    // Persisted and read back (as a restarted tile would): the count survives.
    olr::secret_bytes bytes = ledger.export_to(olr::wrapping_key());
    std::uint64_t generation = ledger.generation();
    CHECK(generation == 2);
    olr::replay_ledger reloaded = olr::replay_ledger::import(bytes.bytes(), olr::wrapping_key(),
                                                             machine, generation);
    // The code's limit is reached: even the right password is refused, and counted nowhere.
    olr::status s = machine.redeem(reloaded, code, "alice", "CORP", ALICE, "Right-1", NOW + 62, acc);
    CHECK(s.code() == OLR_TOO_MANY_ATTEMPTS && std::strcmp(s.name(), "OLR_TOO_MANY_ATTEMPTS") == 0);
    // A new code for the account: one more failure reaches the account's limit of 3.
    std::string code2 = ring.seal(id, "alice", "CORP", ALICE, "Right-2", NOW + 60);
    CHECK(machine.redeem(reloaded, code2, "alice", "CORP", ALICE, "Wrong-3", NOW + 63, acc).code() ==
          OLR_REJECTED);
    CHECK(machine.redeem(reloaded, code2, "alice", "CORP", ALICE, "Right-2", NOW + 64, acc).code() ==
          OLR_TOO_MANY_ATTEMPTS);
    // Another account is not locked by alice's failures.
    std::string bob = ring.seal(id, "bob", "CORP", BOB, "Bob-1", NOW);
    CHECK(machine.redeem(reloaded, bob, "bob", "CORP", BOB, "Bob-1", NOW + 65, acc).ok());
    // The account window ends after the code lifetime: alice may redeem again.
    std::int64_t later = NOW + OLR_DEFAULT_LIFETIME_MINUTES * 60 + 120;
    std::string code3 = ring.seal(id, "alice", "CORP", ALICE, "Right-3", later - 60);
    CHECK(machine.redeem(reloaded, code3, "alice", "CORP", ALICE, "Right-3", later, acc).ok());
}

// Redeployment rules and the signing-key rotation (docs/PROTOCOL.md §8, §9.4).
static void test_redeploy_and_signing_key()
{
    olr::key_ring ring = quick_ring();
    std::string p1 = ring.deployment_package();
    olr::machine a = olr::machine::enroll(p1);   // redeployed through the rotation
    olr::machine late = olr::machine::enroll(p1); // misses the rotation package
    std::string id = a.identification_code();
    // The same package again changes nothing.
    olr::machine again = a.redeploy(p1);
    CHECK(again.identification_code() == id && again.is_enrolled_with(p1));
    // A package of another key ring (another signing key) is refused, however genuine.
    olr::key_ring stranger = quick_ring();
    olr::machine out;
    olr::status s = a.redeploy(stranger.deployment_package(), out);
    CHECK(s.code() == OLR_PACKAGE_SIGNATURE_INVALID && !out &&
          std::strcmp(s.name(), "OLR_PACKAGE_SIGNATURE_INVALID") == 0);
    // A package with one symbol of its signature changed: it does not even read.
    std::string forged = p1;
    char &c = forged[OLR_DEPLOYMENT_PACKAGE_TEXT_LEN - 20];
    c = c == 'A' ? 'B' : 'A';
    s = a.redeploy(forged, out);
    CHECK(!s && !out);

    // Rotation of the signing key: the package made during it moves the pin of the machines it
    // reaches; after the finish, a machine that missed it refuses every later package.
    CHECK(ring.begin_signing_key_rotation().ok());
    std::string during = ring.deployment_package();
    CHECK(olr::deployment_package_fingerprint(during) != olr::deployment_package_fingerprint(p1));
    olr::machine b = a.redeploy(during);
    CHECK(b.identification_code() == id && b.is_enrolled_with(during));
    CHECK(ring.finish_signing_key_rotation().ok());
    std::string after = ring.deployment_package();
    // Finishing again, with no rotation under way, changes nothing.
    CHECK(ring.finish_signing_key_rotation().ok());
    CHECK(olr::deployment_package_fingerprint(ring.deployment_package()) ==
          olr::deployment_package_fingerprint(after));
    olr::machine c2 = b.redeploy(after);
    CHECK(c2.identification_code() == id);
    s = late.redeploy(after, out);
    CHECK(s.code() == OLR_PACKAGE_SIGNATURE_INVALID && !out);
    // The rotation package deployed again to a machine that took it: it changes nothing.
    CHECK(c2.redeploy(during).identification_code() == id);
    // A new epoch signed by the new key: a new identification code; an old package: too old.
    CHECK(ring.rotate(NOW) == 2);
    std::string p2 = ring.deployment_package();
    olr::machine d = c2.redeploy(p2);
    CHECK(d.epoch() == 2 && d.identification_code() != id);
    s = d.redeploy(after, out);
    CHECK(s.code() == OLR_PACKAGE_EPOCH_TOO_OLD && s.ok() == false && !out &&
          std::strcmp(s.name(), "OLR_PACKAGE_EPOCH_TOO_OLD") == 0);
    bool threw = false;
    try {
        (void)late.redeploy(p2);
    } catch (const olr::error &e) {
        threw = e.code() == OLR_PACKAGE_SIGNATURE_INVALID;
    }
    CHECK(threw);
}

// The fingerprint: SHA-256 of the 199 envelope bytes, as 64 lowercase hex characters; the same
// for every text of one package.
static void test_fingerprint()
{
    olr::key_ring ring = quick_ring();
    std::string package = ring.deployment_package();
    std::string fp = olr::deployment_package_fingerprint(package);
    CHECK(fp.size() == OLR_PACKAGE_FINGERPRINT_LEN &&
          fp.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(olr::deployment_package_fingerprint(package + "\n") == fp);
    CHECK(olr::deployment_package_fingerprint(package + "\r\n") == fp);
    std::string lower = package;
    for (char &ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(olr::deployment_package_fingerprint(lower) == fp);
    CHECK(olr::deployment_package_fingerprint(quick_ring().deployment_package()) != fp);
    std::string kept = "kept";
    olr::status s = olr::deployment_package_fingerprint(package.substr(0, 100), kept);
    CHECK(!s && kept == "kept");
    s = olr::deployment_package_fingerprint("not a package", kept);
    CHECK(!s && kept == "kept");
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
    CHECK(a.redeem(no_ledger, "x", "a", "b", ALICE, "c", NOW, acc).code() == OLR_NULL_POINTER);
    CHECK(olr::replay_ledger::create(empty, no_ledger).code() == OLR_NULL_POINTER && !no_ledger);
    std::size_t accounts = 9, codes = 9;
    CHECK(no_ledger.counts(accounts, codes).code() == OLR_NULL_POINTER);
    std::uint64_t generation = 0;
    CHECK(no_ledger.generation(generation).code() == OLR_NULL_POINTER);
    olr::machine none;
    CHECK(empty.redeploy(ring.deployment_package(), none).code() == OLR_NULL_POINTER && !none);
    // Buffers are sized inside: a package (319 + NUL) and a name of the longest size.
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
    // The statuses of ABI 2.0: each its own name and a message of its own.
    const struct {
        olr_status code;
        unsigned number;
        const char *name;
    } added[] = {
        {OLR_CLOCK_SET_BACK, 27, "OLR_CLOCK_SET_BACK"},
        {OLR_TOO_MANY_ATTEMPTS, 28, "OLR_TOO_MANY_ATTEMPTS"},
        {OLR_LEDGER_OF_ANOTHER_MACHINE, 29, "OLR_LEDGER_OF_ANOTHER_MACHINE"},
        {OLR_LEDGER_ROLLED_BACK, 30, "OLR_LEDGER_ROLLED_BACK"},
        {OLR_PACKAGE_EPOCH_TOO_OLD, 31, "OLR_PACKAGE_EPOCH_TOO_OLD"},
        {OLR_PACKAGE_SIGNATURE_INVALID, 32, "OLR_PACKAGE_SIGNATURE_INVALID"},
        {OLR_INVALID_SID, 33, "OLR_INVALID_SID"},
        {OLR_OUT_OF_MEMORY, 34, "OLR_OUT_OF_MEMORY"},
        {OLR_PKCS11_NOT_BUILT, 35, "OLR_PKCS11_NOT_BUILT"},
        {OLR_TOKEN_MODULE_NOT_FOUND, 36, "OLR_TOKEN_MODULE_NOT_FOUND"},
        {OLR_TOKEN_ABSENT, 37, "OLR_TOKEN_ABSENT"},
        {OLR_TOKEN_WRONG_PIN, 38, "OLR_TOKEN_WRONG_PIN"},
        {OLR_TOKEN_KEY_MISSING, 39, "OLR_TOKEN_KEY_MISSING"},
        {OLR_TOKEN_RING_EXISTS, 40, "OLR_TOKEN_RING_EXISTS"},
        {OLR_TOKEN_FAILURE, 41, "OLR_TOKEN_FAILURE"},
        {OLR_KEYS_IN_TOKEN, 42, "OLR_KEYS_IN_TOKEN"},
    };
    std::string unknown_message = olr::status(static_cast<olr_status>(4242)).message();
    std::vector<std::string> messages;
    for (const auto &a : added) {
        olr::status st(a.code);
        CHECK(static_cast<unsigned>(a.code) == a.number && !st);
        CHECK(std::strcmp(st.name(), a.name) == 0);
        CHECK(std::strlen(st.message()) > 10 && st.message() != unknown_message);
        for (const std::string &m : messages) CHECK(m != st.message());
        messages.push_back(st.message());
        olr::error err(st);
        CHECK(std::string(err.what()) == std::string(a.name) + ": " + st.message());
    }
    CHECK(std::strcmp(olr::status(static_cast<olr_status>(43)).name(), "OLR_UNKNOWN_STATUS") == 0);
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
        test_attempt_limits();
        test_redeploy_and_signing_key();
        test_fingerprint();
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
