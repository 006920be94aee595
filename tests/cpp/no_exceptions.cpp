// The header's status style alone, built with -fno-exceptions (as COM code often is): the
// throwing functions and olr::error are not declared, and a whole reset works through the
// noexcept overloads. Prints "cpp-noexcept: N passed, M failed".
#include "offline_reset.hpp"

#include <cstdio>
#include <cstring>

#if OLR_CPP_EXCEPTIONS
#error "build this file with -fno-exceptions"
#endif

static unsigned passed, failed;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            std::printf("FAIL line %d: %s\n", __LINE__, #cond);                                    \
        }                                                                                          \
    } while (0)

int main()
{
    const std::int64_t now = 1795000000;
    // S-1-5-21-1-2-3-1104 in binary (revision 1, 5 sub-authorities): 28 bytes.
    const std::uint8_t alice_sid[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                      2, 0, 0, 0, 3, 0, 0, 0, 0x50, 0x04, 0, 0};
    olr::key_ring ring;
    CHECK(olr::key_ring::generate(OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES,
                                  OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS, 1, ring)
              .ok());
    CHECK(ring.set_attempt_limits(1, 20).ok());
    std::string package, id, code, fingerprint;
    CHECK(ring.deployment_package(package).ok());
    CHECK(olr::deployment_package_fingerprint(package, fingerprint).ok() &&
          fingerprint.size() == OLR_PACKAGE_FINGERPRINT_LEN);
    olr::machine machine, redeployed;
    CHECK(olr::machine::enroll(package, machine).ok());
    CHECK(machine.redeploy(package, redeployed).ok() && redeployed);
    CHECK(machine.identification_code(id).ok() && id.size() == OLR_IDENTIFICATION_CODE_TEXT_LEN);
    CHECK(ring.seal(id, "alice", "CORP", alice_sid, "pw", now, code).ok());
    olr::replay_ledger ledger;
    CHECK(olr::replay_ledger::create(machine, ledger).ok());
    olr::accepted_reset accepted{};
    // "nope": N is not this protocol's version symbol.
    olr::status s = machine.redeem(ledger, std::u16string_view(u"nope"), u"alice", u"CORP",
                                   alice_sid, u"pw", now, accepted);
    CHECK(s.code() == OLR_UNSUPPORTED_VERSION && s.found_version() > 1 &&
          std::strcmp(s.name(), "OLR_UNSUPPORTED_VERSION") == 0);
    CHECK(machine.redeem(ledger, code, "alice", "CORP", alice_sid, "pw", now + 60, accepted).ok());
    s = machine.redeem(ledger, code, "alice", "CORP", alice_sid, "pw", now + 60, accepted);
    CHECK(s.code() == OLR_ALREADY_USED);
    // The refused replay was counted: with a limit of 1 per code, the next try is too many.
    s = machine.redeem(ledger, code, "alice", "CORP", alice_sid, "pw", now + 61, accepted);
    CHECK(s.code() == OLR_TOO_MANY_ATTEMPTS &&
          std::strcmp(s.name(), "OLR_TOO_MANY_ATTEMPTS") == 0);
    std::size_t accounts = 0, codes = 0;
    std::uint64_t generation = 0;
    CHECK(ledger.counts(accounts, codes).ok() && accounts == 1 && codes == 1);
    // Every redeem past the clock check moved the generation, the refused ones too.
    CHECK(ledger.generation(generation).ok() && generation == 3);
    // Exported, then imported with a minimum generation above it: rolled back.
    olr::secret_bytes bytes;
    olr::replay_ledger again;
    CHECK(ledger.export_to(olr::wrapping_key(), bytes).ok());
    CHECK(olr::replay_ledger::import(bytes.bytes(), olr::wrapping_key(), machine, generation,
                                     again).ok());
    s = olr::replay_ledger::import(bytes.bytes(), olr::wrapping_key(), machine, generation + 1,
                                   again);
    CHECK(s.code() == OLR_LEDGER_ROLLED_BACK);
    std::printf("cpp-noexcept: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
