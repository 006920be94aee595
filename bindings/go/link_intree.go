//go:build !olr_pkgconfig

package offlinereset

// In-tree build (the default): the header comes from the repository's include/, and the library
// from CGO_LDFLAGS, which names the static archive built by `cargo build --release --lib` and the
// system libraries it needs (docs/C_API.md's link line), for example from the repository root:
//
//	CGO_LDFLAGS="$PWD/target/release/liboffline_reset.a -lm -lrt -lpthread -lgcc_s -lutil -ldl -lc"
//
// bindings/go/run_tests.sh sets it. To link an installed shared library instead:
// CGO_LDFLAGS="-L$PREFIX/lib -loffline_reset -Wl,-rpath,$PREFIX/lib".

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
*/
import "C"
