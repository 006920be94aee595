//go:build linux

package offlinereset

/*
#include <malloc.h>
#include <stddef.h>
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
static size_t olr_go_c_heap_in_use(void) { struct mallinfo2 m = mallinfo2(); return m.uordblks + m.hblkhd; }
#else
static size_t olr_go_c_heap_in_use(void) { return (size_t)-1; }
#endif
*/
import "C"

// cHeapInUse is the bytes of C heap in use (glibc's mallinfo2: the Rust library allocates with
// malloc), for the leak test; false where it cannot be read.
func cHeapInUse() (uint64, bool) {
	n := C.olr_go_c_heap_in_use()
	if n == ^C.size_t(0) {
		return 0, false
	}
	return uint64(n), true
}
