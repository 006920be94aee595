//go:build !linux

package offlinereset

func cHeapInUse() (uint64, bool) { return 0, false }
