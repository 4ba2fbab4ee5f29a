package probe

import (
	"context"
	"sync"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// RunAll probes servers concurrently, at most jobs at a time, and returns
// the results in the order of servers. Its wall time follows the slowest
// server, not the sum: every server has its own deadline, and a slow one
// holds one worker, not the queue. progress, when set, is called after each
// server finishes with the count done so far; it is called from one
// goroutine at a time.
func RunAll(ctx context.Context, servers []config.Server, opts Options, jobs int, progress func(done, total int)) []*Result {
	if jobs < 1 {
		jobs = 1
	}
	results := make([]*Result, len(servers))
	next := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	for range min(jobs, len(servers)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = Run(ctx, servers[i], opts)
				mu.Lock()
				done++
				if progress != nil {
					progress(done, len(servers))
				}
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
