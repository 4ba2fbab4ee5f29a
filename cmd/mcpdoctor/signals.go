package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// interruption is the run's answer to SIGINT, SIGTERM and SIGHUP: the first
// cancels the run's context, so that every probe ends as on a timeout (its
// stdio server closed, SIGTERM, then SIGKILL to its whole group) and what
// finished is printed, the rest marked cancelled; a second stops at once,
// killing the servers' groups first. Either way the exit status is 128+n.
type interruption struct {
	mu     sync.Mutex
	signal syscall.Signal
	stop   func()
}

// watchSignals returns the run's context, cancelled on the first signal.
func watchSignals(parent context.Context, stderr func(string)) (context.Context, *interruption) {
	ctx, cancel := context.WithCancel(parent)
	in := &interruption{}
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	in.stop = func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
	go func() {
		for {
			select {
			case <-done:
				return
			case sig := <-ch:
				n, _ := sig.(syscall.Signal)
				in.mu.Lock()
				first := in.signal == 0
				if first {
					in.signal = n
				}
				in.mu.Unlock()
				if first {
					stderr(fmt.Sprintf("mcpdoctor: %s: stopping; servers still running are being closed (again to stop at once)", sig))
					cancel()
					continue
				}
				wire.KillAll()
				stderr(fmt.Sprintf("mcpdoctor: %s again: stopped at once", sig))
				os.Exit(128 + int(n))
			}
		}
	}()
	return ctx, in
}

// status is the exit status the interruption asks for, 0 when there was
// none: 128 plus the signal's number (130 for SIGINT).
func (in *interruption) status() int {
	if in == nil {
		return 0
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.signal == 0 {
		return 0
	}
	return 128 + int(in.signal)
}
