package probe

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// window is how many network probes may run at once. It starts at the
// size of the stdio limit and doubles, up to the cap, while the probes in
// flight wait on the network rather than on the machine: waiting costs
// nothing, while a probe that works (on a CPU shared with local servers)
// only gets slower for company, and holds its memory longer. So a list of
// remote servers runs hundreds at once, and one of local servers a few.
type window struct {
	size, cap int
	cpu       cpuMeter
}

const (
	// windowTick is how often a full window looks again; it is also how
	// long the youngest probe in flight must have waited before the window
	// grows, so that probes still starting do not count as waiting.
	windowTick = 20 * time.Millisecond
	// busyCPU is the share of the machine's CPU time in use above which
	// the window does not grow.
	busyCPU = 0.6
)

func newWindow(start, cap int) *window {
	w := &window{size: min(start, cap), cap: cap}
	w.cpu.sample()
	return w
}

// grow doubles the window when the youngest probe in flight has waited a
// tick and the machine is not busy; it reports whether it grew.
func (w *window) grow(youngest time.Duration) bool {
	if w.size >= w.cap || youngest < windowTick {
		return false
	}
	if busy, ok := machineBusy(&w.cpu); ok && busy > busyCPU {
		return false
	}
	w.size = min(2*w.size, w.cap)
	return true
}

// machineBusy is how busy the machine was since the meter's last sample;
// tests that must not depend on what else the machine runs replace it.
var machineBusy = func(m *cpuMeter) (float64, bool) { return m.sample() }

// cpuMeter reads how busy the machine's CPUs were since its last sample,
// from /proc/stat. Elsewhere it knows nothing, and the window grows on the
// probes' waiting alone.
type cpuMeter struct {
	busy, total uint64
	known       bool
}

// sample returns the share of CPU time in use since the last sample.
func (m *cpuMeter) sample() (float64, bool) {
	busy, total, ok := readProcStat()
	if !ok {
		return 0, false
	}
	prevBusy, prevTotal, known := m.busy, m.total, m.known
	m.busy, m.total, m.known = busy, total, true
	if !known || total <= prevTotal {
		return 0, false
	}
	return float64(busy-prevBusy) / float64(total-prevTotal), true
}

// readProcStat sums the first line of /proc/stat: every kind of CPU time,
// and all but idle and iowait.
func readProcStat() (busy, total uint64, ok bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) < 5 || string(fields[0]) != "cpu" {
		return 0, 0, false
	}
	for i, f := range fields[1:] {
		n, err := strconv.ParseUint(string(f), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total, true
}
