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
    olr::key_ring ring;
    CHECK(olr::key_ring::generate(OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES,
                                  OLR_MIN_PASSWORD_MEMORY_KIB, OLR_MIN_PASSWORD_ITERATIONS, 1, ring)
              .ok());
    std::string package, id, code;
    CHECK(ring.deployment_package(package).ok());
    olr::machine machine;
    CHECK(olr::machine::enroll(package, machine).ok());
    CHECK(machine.identification_code(id).ok() && id.size() == OLR_IDENTIFICATION_CODE_TEXT_LEN);
    CHECK(ring.seal(id, "alice", "CORP", "pw", now, code).ok());
    olr::replay_ledger ledger;
    CHECK(olr::replay_ledger::create(ledger).ok());
    olr::accepted_reset accepted{};
    // "nope": N is not this protocol's version symbol.
    olr::status s = machine.redeem(ledger, std::u16string_view(u"nope"), u"alice", u"CORP", u"pw",
                                   now, accepted);
    CHECK(s.code() == OLR_UNSUPPORTED_VERSION && s.found_version() > 1 &&
          std::strcmp(s.name(), "OLR_UNSUPPORTED_VERSION") == 0);
    CHECK(machine.redeem(ledger, code, "alice", "CORP", "pw", now + 60, accepted).ok());
    s = machine.redeem(ledger, code, "alice", "CORP", "pw", now + 60, accepted);
    CHECK(s.code() == OLR_ALREADY_USED);
    std::size_t n = 0;
    CHECK(ledger.size(n).ok() && n == 1);
    std::printf("cpp-noexcept: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
