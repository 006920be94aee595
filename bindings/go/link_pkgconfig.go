//go:build !olr_cgoflags

package offlinereset

// Default build: the header is this module's copy (include/offline_reset.h, byte-identical to
// the repository's; header_test.go checks it), and the link flags come from pkg-config's
// offline-reset.pc, which examples/c/install.sh installs in $PREFIX/lib/pkgconfig:
//
//	PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig \
//	CGO_LDFLAGS="-Wl,-rpath,$(PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig pkg-config --variable=libdir offline-reset)" \
//	go build
//
// The .pc file names the shared library (-L$libdir -loffline_reset) but no run-time path: the
// -Wl,-rpath in CGO_LDFLAGS lets the program find it without LD_LIBRARY_PATH (leave it out for
// a library in /usr or /usr/local, which the dynamic loader searches). -tags olr_cgoflags
// links without pkg-config (link_cgoflags.go).

/*
#cgo CPPFLAGS: -I${SRCDIR}/include
#cgo pkg-config: offline-reset
*/
import "C"
