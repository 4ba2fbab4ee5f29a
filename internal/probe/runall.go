package probe

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// Progress is how far RunAll has got.
type Progress struct {
	Done, Total int
	// Running are the names of the servers being probed, in the order of
	// servers.
	Running []string
	// Index and Result are the server that just finished, when one did;
	// Result is nil when one just started.
	Index  int
	Result *Result
}

// Limits bound how many probes run at once, by what they cost.
type Limits struct {
	// Network bounds HTTP probes: they mostly wait on the network, which
	// costs next to nothing, so hundreds at once are fine. They start as
	// many as Stdio, and grow toward Network while they wait (window).
	Network int
	// Stdio bounds the servers mcpdoctor starts: each is a process (often
	// node or python), and a few hundred at once slow the machine down.
	Stdio int
}

// DefaultLimits are list's and report's unless --jobs says otherwise: 512
// network probes at once, and four processes per CPU.
func DefaultLimits() Limits {
	return Limits{Network: 512, Stdio: max(4, 4*runtime.NumCPU())}
}

// JobsLimits is --jobs N: at most N probes of either kind at once.
func JobsLimits(n int) Limits { return Limits{Network: n, Stdio: n} }

// RunAll probes servers concurrently, within limits, and returns the
// results in the order of servers. Its wall time follows the slowest
// server, not the sum: every server has its own deadline, and a slow one
// holds one slot, not the queue. Each kind starts in the order of servers.
// progress, when set, is called when a server starts and when it
// finishes, from one goroutine at a time.
func RunAll(ctx context.Context, servers []config.Server, opts Options, limits Limits, progress func(Progress)) []*Result {
	limits.Network, limits.Stdio = max(limits.Network, 1), max(limits.Stdio, 1)
	results := make([]*Result, len(servers))
	var (
		work    sync.WaitGroup
		mu      sync.Mutex
		done    int
		running = make([]bool, len(servers))
		started = make([]time.Time, len(servers))
	)
	report := func(index int, r *Result) {
		if progress == nil {
			return
		}
		p := Progress{Done: done, Total: len(servers), Index: index, Result: r}
		for i, on := range running {
			if on {
				p.Running = append(p.Running, servers[i].Name)
			}
		}
		progress(p)
	}
	// start runs server i in the background; free is told when it ends.
	start := func(i int, free func()) {
		mu.Lock()
		running[i], started[i] = true, time.Now()
		report(i, nil)
		mu.Unlock()
		work.Add(1)
		go func() {
			defer work.Done()
			var r *Result
			if ctx.Err() != nil {
				// Interrupted before its turn: not started at all.
				r = notStarted(servers[i], ctx.Err())
			} else {
				r = Run(ctx, servers[i], opts)
			}
			mu.Lock()
			results[i] = r
			running[i] = false
			done++
			report(i, r)
			mu.Unlock()
			free() // only now: the next to start must not see this one running
		}()
	}
	// Processes: a fixed number alive at once.
	dispatchStdio := func() {
		slots := make(chan struct{}, limits.Stdio)
		for i, s := range servers {
			if s.Transport == config.TransportStdio {
				slots <- struct{}{}
				start(i, func() { <-slots })
			}
		}
	}
	// Network probes: a window that grows while they wait.
	dispatchNetwork := func() {
		w := newWindow(limits.Stdio, limits.Network)
		var inFlight atomic.Int64
		ended := make(chan struct{}, 1)
		free := func() {
			inFlight.Add(-1)
			select {
			case ended <- struct{}{}:
			default:
			}
		}
		for i, s := range servers {
			if s.Transport == config.TransportStdio {
				continue
			}
			for int(inFlight.Load()) >= w.size {
				if w.grow(youngest(&mu, running, started, servers)) {
					continue
				}
				select {
				case <-ended:
				case <-time.After(windowTick):
				}
			}
			inFlight.Add(1)
			start(i, free)
		}
	}
	var dispatchers sync.WaitGroup
	dispatchers.Add(2)
	go func() { defer dispatchers.Done(); dispatchStdio() }()
	go func() { defer dispatchers.Done(); dispatchNetwork() }()
	dispatchers.Wait()
	work.Wait()
	return results
}

// youngest is how long the most recently started network probe in flight
// has run.
func youngest(mu *sync.Mutex, running []bool, started []time.Time, servers []config.Server) time.Duration {
	mu.Lock()
	defer mu.Unlock()
	var last time.Time
	for i, on := range running {
		if on && servers[i].Transport != config.TransportStdio && started[i].After(last) {
			last = started[i]
		}
	}
	if last.IsZero() {
		return 0
	}
	return time.Since(last)
}

// notStarted is the result of a server whose probe never began because
// the run was interrupted first.
func notStarted(s config.Server, err error) *Result {
	e := wire.Cancelled(err)
	now := time.Now()
	return &Result{Name: s.Name, Transport: s.Transport, Started: now,
		Stages:  []Stage{{Name: StageConnect, Status: StatusSkipped, Note: "not started: the run was interrupted first"}},
		Failure: &evidence.Failure{Stage: StageConnect, Category: e.Category, Message: "not started: the run was interrupted first", Hint: e.Hint},
		Auth:    Verdict{Status: AuthFailed, Evidence: []string{"the run was interrupted before this server's turn"}}}
}
