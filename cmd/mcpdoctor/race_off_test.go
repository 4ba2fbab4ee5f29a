//go:build !race

package main

// raceSlowdown stretches the script's time limits (within); without the
// race detector, they are as written.
const raceSlowdown = 1
