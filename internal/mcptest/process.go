package mcptest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// readyTimeout bounds how long a server gets to start answering.
const readyTimeout = 20 * time.Second

// portAttempts is how often a server is restarted on fresh ports when the
// ports picked were taken by someone else before it could bind them.
const portAttempts = 3

// outputCap bounds the output kept from a server; the tail is what matters.
const outputCap = 256 << 10

// errPortTaken marks a start that failed because a port was in use.
var errPortTaken = errors.New("port already in use")

// process is a server started in its own process group.
type process struct {
	name   string
	cmd    *exec.Cmd
	out    *tailBuffer
	exited chan struct{} // closed once cmd.Wait has returned
	err    error         // cmd.Wait's result, set before exited is closed

	stopOnce sync.Once
}

// startProcess starts argv in dir with env added to this process's
// environment, in a new process group. It returns an error rather than
// failing t so that callers can retry on a port collision; the group is
// killed by t.Cleanup either way.
func startProcess(t testing.TB, name, dir string, env []string, argv ...string) (*process, error) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	// Its own process group, so that killing it reaches its children too.
	inOwnGroup(cmd)
	p := &process{name: name, cmd: cmd, out: &tailBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	// A grandchild that outlived the kill could hold the output pipe open.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("mcptest: starting %s (%s): %w", name, strings.Join(argv, " "), err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("mcptest: output of %s (pid %d):\n%s", name, cmd.Process.Pid, p.out.String())
		}
	})
	return p, nil
}

// stop kills the process group, children included, and waits for the
// leader. The group is killed even when the leader has already exited, for
// the children it may have left behind.
func (p *process) stop() {
	p.stopOnce.Do(func() {
		killGroup(p.cmd)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
		}
	})
}

// waitReady polls ready until it succeeds, the process exits, or
// readyTimeout passes. A process that exited because its port was taken
// yields an error wrapping errPortTaken.
func (p *process) waitReady(ready func(context.Context) error) error {
	deadline := time.Now().Add(readyTimeout)
	var last error
	for {
		select {
		case <-p.exited:
			err := fmt.Errorf("mcptest: %s exited before it was ready (%v); its output:\n%s", p.name, p.err, p.out.String())
			if strings.Contains(p.out.String(), "EADDRINUSE") {
				err = fmt.Errorf("%w: %w", errPortTaken, err)
			}
			return err
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		last = ready(ctx)
		cancel()
		if last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("mcptest: %s not ready after %v: %v; its output:\n%s", p.name, readyTimeout, last, p.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startServer starts a server on n fresh loopback ports, retrying on new
// ports when one was taken between picking and binding. start receives the
// ports and returns the process and its readiness check.
func startServer(t testing.TB, n int, start func(ports []int) (*process, func(context.Context) error, error)) []int {
	t.Helper()
	var err error
	for range portAttempts {
		ports := freePorts(t, n)
		var p *process
		var ready func(context.Context) error
		p, ready, err = start(ports)
		if err != nil {
			t.Fatal(err)
		}
		if err = p.waitReady(ready); err == nil {
			return ports
		}
		p.stop()
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatal(err)
	return nil
}

// freePorts returns n distinct TCP ports free on 127.0.0.1 a moment ago.
// All n listeners are held until every port is picked, so they differ.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("mcptest: picking a free port: %v", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// tailBuffer is an io.Writer safe for concurrent use that keeps roughly the
// last outputCap bytes written.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > outputCap {
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-outputCap/2:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
