package mcptest

// What a test needs to know of a process by its pid, on every OS: the
// helpers behind these live in procgroup_unix.go (process groups, signals,
// /proc) and procgroup_other.go (Windows: no groups, so children are on
// their own).

// ProcessGone reports whether the process pid has ended. On Linux a zombie
// that nothing reaps counts as ended: it is dead all the same.
func ProcessGone(pid int) bool { return processGone(pid) }

// KillProcess kills the process pid if it still runs: for a test to clean
// up after a process that outlived what should have ended it.
func KillProcess(pid int) { killProcess(pid) }
