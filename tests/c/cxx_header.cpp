// The header from C++17: compiles with -Wall -Wextra -Wpedantic -Werror, links, and runs.
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include "offline_reset.h"

static_assert(std::is_same<std::underlying_type<olr_status>::type, uint32_t>::value,
              "olr_status is 32 bits");
static_assert(sizeof(olr_error_details) == 16, "olr_error_details layout");
static_assert(sizeof(olr_accepted_reset) == 16, "olr_accepted_reset layout");
static_assert(OLR_VERSION_NUMBER ==
                  ((OLR_VERSION_MAJOR << 16) | (OLR_VERSION_MINOR << 8) | OLR_VERSION_PATCH),
              "combined version");

// RAII owners calling the library's own _free, as a C++ credential provider would.
struct RingFree {
    void operator()(olr_server_key_ring *ring) const { olr_server_key_ring_free(ring); }
};
struct MachineFree {
    void operator()(olr_machine *machine) const { olr_machine_free(machine); }
};

int main()
{
    olr_server_key_ring *raw_ring = nullptr;
    if (olr_server_key_ring_generate(OLR_DEFAULT_LIFETIME_MINUTES, OLR_DEFAULT_CLOCK_SKEW_MINUTES,
                                     &raw_ring) != OLR_OK) {
        return 1;
    }
    std::unique_ptr<olr_server_key_ring, RingFree> ring(raw_ring);
    std::string package(OLR_DEPLOYMENT_PACKAGE_TEXT_LEN, '\0');
    size_t len = 0;
    if (olr_server_key_ring_deployment_package(ring.get(), &package[0], package.size(), &len) !=
        OLR_OK) {
        return 1;
    }
    olr_machine *raw_machine = nullptr;
    olr_error_details details{};
    if (olr_machine_enroll(package.data(), len, &raw_machine, &details) != OLR_OK) {
        return 1;
    }
    std::unique_ptr<olr_machine, MachineFree> machine(raw_machine);
    std::string id(OLR_IDENTIFICATION_CODE_TEXT_LEN, '\0');
    if (olr_machine_identification_code(machine.get(), &id[0], id.size(), &len) != OLR_OK) {
        return 1;
    }
    olr_status status = olr_identification_code_check("!", 1, nullptr, 0, &len, &details);
    std::printf("c++17: %s (%s); identification code %s\n", olr_status_message(status),
                status == OLR_MALFORMED_INPUT ? "as expected" : "UNEXPECTED", id.c_str());
    return status == OLR_MALFORMED_INPUT ? 0 : 1;
}
