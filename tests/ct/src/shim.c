/* Memcheck client requests for the constant-time harness (tests/ct). Outside valgrind each
 * request is a few no-op instructions. */
#include <stddef.h>
#include <valgrind/memcheck.h>

void ct_mark_undefined(const void *p, size_t n) { VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
void ct_mark_defined(const void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }
int ct_running_on_valgrind(void) { return (int)RUNNING_ON_VALGRIND; }
/* Setup code runs with error reporting off, so that each case reports only its operation. */
void ct_reports_off(void) { VALGRIND_DISABLE_ERROR_REPORTING; }
void ct_reports_on(void) { VALGRIND_ENABLE_ERROR_REPORTING; }
