/* Compile-only check of the header for Windows (x86_64-w64-mingw32-gcc): types, layouts, and
 * a few functions' addresses (void (*)(void) is the one cast -Wcast-function-type allows). */
#include <stddef.h>

#include "offline_reset.h"

_Static_assert(sizeof(olr_status) == 4, "olr_status is 32 bits");
_Static_assert(sizeof(olr_error_details) == 16, "olr_error_details layout");
_Static_assert(offsetof(olr_error_details, mistyped_group) == 4, "olr_error_details layout");
_Static_assert(sizeof(olr_accepted_reset) == 16, "olr_accepted_reset layout");
_Static_assert(sizeof(size_t) == 8, "64-bit Windows");

typedef void (*olr_any_fn)(void);

const olr_any_fn olr_windows_declarations[] = {
    (olr_any_fn)olr_status_message,
    (olr_any_fn)olr_version,
    (olr_any_fn)olr_abi_is_compatible,
    (olr_any_fn)olr_identification_code_check,
    (olr_any_fn)olr_server_key_ring_seal_reset_code,
    (olr_any_fn)olr_machine_open_reset_code_for_diagnostics,
    (olr_any_fn)olr_machine_redeem_reset_code,
    (olr_any_fn)olr_machine_redeploy,
    (olr_any_fn)olr_replay_ledger_import,
    (olr_any_fn)olr_deployment_package_fingerprint,
    (olr_any_fn)olr_machine_free,
    (olr_any_fn)olr_server_key_ring_free,
#if defined(OLR_TEST_HOOKS)
    (olr_any_fn)olr_test_hook_panic,
#endif
};
