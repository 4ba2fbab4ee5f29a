//go:build race

package main

// raceSlowdown stretches the script's time limits (within): the race
// detector makes mcpdoctor several times slower to start and to run.
const raceSlowdown = 5
