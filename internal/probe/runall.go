package probe

import (
	"context"
	"sync"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// Progress is how far RunAll has got.
type Progress struct {
	Done, Total int
	// Running are the names of the servers being probed, in the order of
	// servers.
	Running []string
}

// RunAll probes servers concurrently, at most jobs at a time, and returns
// the results in the order of servers. Its wall time follows the slowest
// server, not the sum: every server has its own deadline, and a slow one
// holds one worker, not the queue. progress, when set, is called when a
// server starts and when it finishes; it is called from one goroutine at a
// time.
func RunAll(ctx context.Context, servers []config.Server, opts Options, jobs int, progress func(Progress)) []*Result {
	if jobs < 1 {
		jobs = 1
	}
	results := make([]*Result, len(servers))
	next := make(chan int)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		done    int
		running = make([]bool, len(servers))
	)
	report := func() {
		if progress == nil {
			return
		}
		p := Progress{Done: done, Total: len(servers)}
		for i, r := range running {
			if r {
				p.Running = append(p.Running, servers[i].Name)
			}
		}
		progress(p)
	}
	for range min(jobs, len(servers)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				mu.Lock()
				running[i] = true
				report()
				mu.Unlock()
				results[i] = Run(ctx, servers[i], opts)
				mu.Lock()
				running[i] = false
				done++
				report()
				mu.Unlock()
			}
		}()
	}
	for i := range servers {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}
