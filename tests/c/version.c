/* Prints the header's version macros and the library's run-time versions, one per line, for
 * tests/c/run.sh to compare with Cargo.toml. */
#include <stdio.h>

#include "offline_reset.h"

int main(void)
{
    printf("header %d.%d.%d\n", OLR_VERSION_MAJOR, OLR_VERSION_MINOR, OLR_VERSION_PATCH);
    printf("number %lu\n", (unsigned long)OLR_VERSION_NUMBER);
    printf("library %s\n", olr_version());
    printf("library_number %lu\n", (unsigned long)olr_version_number());
    printf("abi %d.%d %lu %lu\n", OLR_ABI_VERSION_MAJOR, OLR_ABI_VERSION_MINOR,
           (unsigned long)OLR_ABI_VERSION, (unsigned long)olr_abi_version());
    return 0;
}
