//go:build race

package offlinereset

const raceEnabled = true
