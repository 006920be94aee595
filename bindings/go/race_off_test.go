//go:build !race

package offlinereset

const raceEnabled = false
