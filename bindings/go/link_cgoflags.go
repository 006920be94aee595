//go:build olr_cgoflags

package offlinereset

// go build -tags olr_cgoflags: no pkg-config; the header is this module's copy and the library
// comes from CGO_LDFLAGS alone, for example the static archive of an in-tree build (what
// run_tests.sh does), from the repository root after `cargo build --release --lib`:
//
//	CGO_LDFLAGS="$PWD/target/release/liboffline_reset.a -lm -lrt -lpthread -lgcc_s -lutil -ldl -lc"
//
// or an installed shared library:
// CGO_LDFLAGS="-L$PREFIX/lib -loffline_reset -Wl,-rpath,$PREFIX/lib".

/*
#cgo CPPFLAGS: -I${SRCDIR}/include
*/
import "C"
