//go:build olr_pkgconfig

package offlinereset

// Installed library: `go build -tags olr_pkgconfig` takes the header and link flags from
// pkg-config's offline-reset.pc (PKG_CONFIG_PATH may point at $PREFIX/lib/pkgconfig).

/*
#cgo pkg-config: offline-reset
*/
import "C"
