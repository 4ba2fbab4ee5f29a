package wire

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// The stdio transport (spec 2025-11-25, basic/transports, "stdio"): the
// client starts the server as a subprocess and exchanges newline-delimited
// JSON-RPC on its stdin and stdout; stderr is the server's log.

// Stderr tail bounds: the evidence wants the last words, not the whole log.
const (
	stderrTailLines = 20
	stderrLineMax   = 1 << 10
)

// Close deadlines: how long a server gets to leave on its own once stdin
// closes, then after SIGTERM, before SIGKILL ends its process group.
const (
	stdinCloseGrace = 2 * time.Second
	sigtermGrace    = 1 * time.Second
)

// Command is how to start a stdio server: the program, as the config
// names it (a bare name is looked up on the PATH of Env), its arguments,
// its whole environment as KEY=VALUE, and its working directory.
type Command struct {
	Name string
	Args []string
	Env  []string
	Dir  string
}

// Line is the command line, for evidence.
func (c Command) Line() string { return strings.TrimSpace(c.Name + " " + strings.Join(c.Args, " ")) }

type stdioTransport struct {
	command Command
	opts    Options
	rec     *evidence.Recorder

	cmd     *exec.Cmd
	stdin   *os.File
	stdout  *os.File
	stderr  *os.File
	started time.Time

	// exited is closed once the direct child has exited; exitErr is its
	// status. readerDone is closed once stdout reached EOF or failed.
	exited     chan struct{}
	exitErr    error
	readerDone chan struct{}
	stderrDone chan struct{}

	mu sync.Mutex
	// pending maps a request id to the channel its response goes to, and
	// methods maps it to the method, to name the response in evidence.
	pending  map[string]chan *Message
	methods  map[string]string
	readErr  error
	findings []evidence.Finding
	noisy    bool
	tail     []string

	writeMu sync.Mutex
}

// NewStdio returns the stdio transport for a server started as c: its
// Connect starts the process in a process group of its own, its Close ends
// the group.
func NewStdio(c Command, opts Options, rec *evidence.Recorder) Transport {
	return &stdioTransport{
		command:    c,
		opts:       opts,
		rec:        rec,
		exited:     make(chan struct{}),
		readerDone: make(chan struct{}),
		stderrDone: make(chan struct{}),
		pending:    map[string]chan *Message{},
		methods:    map[string]string{},
	}
}

// resolveCommand finds the program as the server's own PATH would.
func resolveCommand(command, dir string, env []string) (string, error) {
	if strings.ContainsRune(command, filepath.Separator) {
		if !filepath.IsAbs(command) && dir != "" {
			return filepath.Join(dir, command), nil
		}
		return command, nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, command)
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not on the PATH the server gets (%s)", command, path)
}

func (t *stdioTransport) Connect(ctx context.Context) error {
	line := t.command.Line()
	path, err := resolveCommand(t.command.Name, t.command.Dir, t.command.Env)
	if err != nil {
		return &evidence.Error{Category: evidence.CategoryConfig, Message: "cannot start the server: " + err.Error(), Err: err,
			Hint: "install the program, give its full path in command, or add its directory to PATH"}
	}
	t.cmd = exec.Command(path, t.command.Args...)
	t.cmd.Dir = t.command.Dir
	t.cmd.Env = t.command.Env
	setProcessGroup(t.cmd)

	// Plain pipes, not exec's: with *os.File ends the child writes straight
	// to them, so Wait returns when the child exits even if a grandchild
	// still holds stdout, and the readers end on their own schedule.
	var files []*os.File
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		files = append(files, r, w)
		return
	}
	stdinR, stdinW, err1 := pipe()
	stdoutR, stdoutW, err2 := pipe()
	stderrR, stderrW, err3 := pipe()
	if err := errors.Join(err1, err2, err3); err != nil {
		for _, f := range files {
			f.Close()
		}
		return &evidence.Error{Category: evidence.CategoryProcessExit, Message: "cannot make pipes: " + err.Error(), Err: err}
	}
	t.cmd.Stdin, t.cmd.Stdout, t.cmd.Stderr = stdinR, stdoutW, stderrW
	t.started = time.Now()
	err = t.cmd.Start()
	stdinR.Close()
	stdoutW.Close()
	stderrW.Close()
	if err != nil {
		stdinW.Close()
		stdoutR.Close()
		stderrR.Close()
		close(t.exited)
		close(t.readerDone)
		close(t.stderrDone)
		return &evidence.Error{Category: evidence.CategoryProcessExit, Message: "cannot start the server: " + err.Error(), Err: err,
			Hint: "check that command is an executable program and that cwd exists"}
	}
	t.stdin, t.stdout, t.stderr = stdinW, stdoutR, stderrR
	live.add(t.cmd)
	t.rec.Add(evidence.Exchange{Direction: "send", Note: fmt.Sprintf("started %s (pid %d)", line, t.cmd.Process.Pid), Duration: time.Since(t.started)})

	go t.readStdout()
	go t.readStderr()
	go func() {
		t.exitErr = t.cmd.Wait()
		close(t.exited)
	}()
	return nil
}

// readStdout reads one JSON-RPC message per line, under the size cap.
func (t *stdioTransport) readStdout() {
	defer close(t.readerDone)
	max := int(t.opts.maxMessageBytes())
	r := bufio.NewReaderSize(t.stdout, 64<<10)
	for {
		line, size, err := readLine(r, max)
		if size > max {
			t.fail(&evidence.Error{Category: evidence.CategoryProtocol, Err: ErrTooLarge,
				Message: fmt.Sprintf("the server wrote a line of %d bytes on stdout, over mcpdoctor's cap of %d bytes for one message", size, max),
				Hint:    tooLargeHint})
			t.rec.Add(evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(line, evidence.MaxExcerpt), Truncated: true, Note: "line over the size cap"})
			// Keep reading: the next line may be the answer.
		} else if len(bytes.TrimSpace(line)) > 0 {
			t.receive(bytes.TrimRight(line, "\r\n"))
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				t.fail(&evidence.Error{Category: evidence.CategoryProtocol, Message: "reading the server's stdout: " + err.Error(), Err: err})
			}
			return
		}
	}
}

// readLine reads up to a newline, keeping at most max bytes; size is the
// whole line's length, so size > max reports that the rest was discarded.
func readLine(r *bufio.Reader, max int) (line []byte, size int, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		size += len(chunk)
		if room := max - len(line); room > 0 {
			line = append(line, chunk[:min(room, len(chunk))]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return line, size, err
	}
}

func (t *stdioTransport) receive(line []byte) {
	msg, err := ParseMessage(line)
	if err != nil {
		t.rec.Add(evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(line, evidence.MaxExcerpt), Note: "not JSON-RPC: " + err.Error()})
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("{")) {
			// A log line is a finding; a broken message is an answer we
			// cannot read, and waiting for another would only time out.
			t.fail(&evidence.Error{Category: evidence.CategoryProtocol, Message: "the server wrote a message that is not valid JSON-RPC: " + err.Error(),
				Hint: "the server's output is corrupt; report it to its authors with this evidence"})
			return
		}
		t.mu.Lock()
		if !t.noisy {
			t.noisy = true
			t.findings = append(t.findings, evidence.Finding{Code: "stdout_not_jsonrpc", Severity: evidence.SeverityWarning,
				Message: fmt.Sprintf("the server writes text that is not JSON-RPC on stdout (%q); clients such as Codex may drop the connection", evidence.Excerpt(line, 80)),
				Hint:    "make the server log to stderr, never stdout"})
		}
		t.mu.Unlock()
		return
	}
	ex := evidence.Exchange{Direction: "receive", ResponseBody: evidence.Excerpt(msg.Raw, evidence.MaxExcerpt), Truncated: len(msg.Raw) > evidence.MaxExcerpt}
	switch {
	case msg.IsResponse():
		id := string(bytes.TrimSpace(msg.ID))
		t.mu.Lock()
		ch := t.pending[id]
		delete(t.pending, id)
		ex.RPCMethod = t.methods[id]
		if _, sent := t.methods[id]; ch == nil && !sent && len(t.pending) == 1 {
			// An id never sent (a null one with an error, for a request
			// the server could not read; or ours changed on the way):
			// it can only answer the one call in flight, which judges it.
			for k, c := range t.pending {
				ch, ex.RPCMethod = c, t.methods[k]
				delete(t.pending, k)
			}
		}
		t.mu.Unlock()
		if ch == nil {
			ex.Note = "a response to no pending request"
		}
		t.rec.Add(ex)
		if ch != nil {
			ch <- msg
		}
	case msg.IsRequest():
		ex.RPCMethod, ex.Note = msg.Method, "a request from the server"
		t.rec.Add(ex)
		reply := MethodNotFound(msg)
		if msg.Method == "ping" {
			// The spec requires an answer to ping, and it is an empty result.
			reply = &Message{JSONRPC: "2.0", ID: msg.ID, Result: []byte("{}")}
			_ = reply.encode()
		}
		if err := t.write(reply.Raw); err == nil {
			t.rec.Add(evidence.Exchange{Direction: "send", RPCMethod: msg.Method, RequestBody: evidence.Excerpt(reply.Raw, evidence.MaxExcerpt), Note: "our answer to the server's request"})
		}
	default:
		ex.RPCMethod, ex.Note = msg.Method, "a notification, skipped"
		t.rec.Add(ex)
	}
}

// fail records a reading failure; pending calls see it.
func (t *stdioTransport) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.readErr == nil {
		t.readErr = err
	}
}

func (t *stdioTransport) readStderr() {
	defer close(t.stderrDone)
	r := bufio.NewReaderSize(t.stderr, 4<<10)
	for {
		line, size, err := readLine(r, stderrLineMax)
		if s := strings.TrimRight(string(line), "\r\n"); s != "" {
			if size > stderrLineMax {
				// Marked, so that the start of a secret the cut leaves is
				// masked too (redact.Ellipsis).
				s += "…"
			}
			t.mu.Lock()
			t.tail = append(t.tail, s)
			if len(t.tail) > stderrTailLines {
				t.tail = t.tail[len(t.tail)-stderrTailLines:]
			}
			t.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// StderrTail returns the last lines the server wrote on stderr.
func (t *stdioTransport) StderrTail() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.tail...)
}

// Findings returns what the transport noticed (text on stdout).
func (t *stdioTransport) Findings() []evidence.Finding {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.findings
	t.findings = nil
	return f
}

// write sends one line. A server that stops reading its stdin could block
// the write forever once the pipe fills, so the write is bounded by the
// process: killing it at Close closes the pipe and ends the write.
func (t *stdioTransport) write(msg []byte) error {
	t.writeMu.Lock()
	defer t.writeMu.Unlock()
	_, err := t.stdin.Write(append(append([]byte(nil), msg...), '\n'))
	return err
}

func (t *stdioTransport) Call(ctx context.Context, req *Message) (*Message, error) {
	id := string(bytes.TrimSpace(req.ID))
	ch := make(chan *Message, 1)
	t.mu.Lock()
	t.pending[id] = ch
	t.methods[id] = req.Method
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		delete(t.pending, id)
		t.mu.Unlock()
	}()
	start := time.Now()
	if err := t.send(ctx, req); err != nil {
		return nil, err
	}
	for {
		select {
		case resp := <-ch:
			return t.judge(resp, req)
		case <-ctx.Done():
			return nil, t.timeout(ctx, req.Method, time.Since(start))
		case <-t.readerDone:
			// stdout ended (the server exited, or closed it): an answer
			// written just before may still be in the channel.
			select {
			case resp := <-ch:
				return t.judge(resp, req)
			default:
			}
			return nil, t.gone(ctx, req.Method)
		case <-time.After(50 * time.Millisecond):
			t.mu.Lock()
			err := t.readErr
			t.mu.Unlock()
			if err != nil {
				return nil, err
			}
		}
	}
}

// judge returns the response to req, or the error of one that came
// under another id.
func (t *stdioTransport) judge(resp, req *Message) (*Message, error) {
	if answers(resp, req) {
		return resp, nil
	}
	err, f := idMismatch(resp, req)
	t.mu.Lock()
	t.findings = append(t.findings, f)
	t.mu.Unlock()
	return nil, err
}

func (t *stdioTransport) Notify(ctx context.Context, n *Message) error {
	return t.send(ctx, n)
}

// send writes a message, bounded by ctx and by the process's life.
func (t *stdioTransport) send(ctx context.Context, m *Message) error {
	// Recorded before the write: a quick server answers before the write
	// returns, and the evidence must read in the order things happened.
	t.rec.Add(evidence.Exchange{Direction: "send", RPCMethod: m.Method, RequestBody: evidence.Excerpt(m.Raw, evidence.MaxExcerpt), Truncated: len(m.Raw) > evidence.MaxExcerpt})
	done := make(chan error, 1)
	go func() { done <- t.write(m.Raw) }()
	select {
	case err := <-done:
		if err != nil {
			return t.gone(ctx, m.Method)
		}
		return nil
	case <-ctx.Done():
		return t.timeout(ctx, m.Method, 0)
	}
}

func (t *stdioTransport) timeout(ctx context.Context, method string, waited time.Duration) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return Cancelled(ctx.Err())
	}
	msg := "the server did not answer " + method
	if waited > 0 {
		msg += fmt.Sprintf(" within %s", waited.Round(time.Millisecond))
	}
	return &evidence.Error{Category: evidence.CategoryTimeout, Message: msg, Err: ctx.Err(),
		Hint: "the process started but stayed silent: run the command yourself to see what it waits for (a login, a download by npx, input), or raise startup_timeout_sec"}
}

// gone explains a server whose stdout ended before it answered.
func (t *stdioTransport) gone(ctx context.Context, method string) error {
	// Give the exit a moment to be reaped, so the status is known.
	select {
	case <-t.exited:
	case <-time.After(500 * time.Millisecond):
	case <-ctx.Done():
	}
	status := "closed its stdout"
	select {
	case <-t.exited:
		status = "exited"
		var ee *exec.ExitError
		if errors.As(t.exitErr, &ee) {
			status = "exited with " + ee.ProcessState.String()
		} else if t.exitErr == nil {
			status = "exited with status 0"
		}
	default:
	}
	<-waitOrTimeout(t.stderrDone, 200*time.Millisecond)
	hint := "run the command yourself to see why"
	if tail := t.StderrTail(); len(tail) > 0 {
		hint = fmt.Sprintf("its stderr ends with %q; run the command yourself to see why", tail[len(tail)-1])
	}
	return &evidence.Error{Category: evidence.CategoryProcessExit, Message: fmt.Sprintf("the server %s before answering %s", status, method), Hint: hint}
}

func waitOrTimeout(ch <-chan struct{}, d time.Duration) <-chan struct{} {
	out := make(chan struct{})
	go func() {
		defer close(out)
		select {
		case <-ch:
		case <-time.After(d):
		}
	}()
	return out
}

// Close ends the server: stdin closed first (the polite way, which the spec
// names), then SIGTERM, then SIGKILL, each to the whole process group so
// that children go too. It returns once the process is reaped and the
// readers have ended, never later than the close deadlines.
func (t *stdioTransport) Close(ctx context.Context) error {
	if t.cmd == nil || t.stdin == nil {
		return nil
	}
	t.stdin.Close()
	how := "exited after stdin closed"
	select {
	case <-t.exited:
	case <-time.After(stdinCloseGrace):
		how = "did not exit after stdin closed; sent SIGTERM"
		signalGroup(t.cmd, sigTerm)
		select {
		case <-t.exited:
		case <-time.After(sigtermGrace):
			how = "ignored SIGTERM; killed"
		case <-ctx.Done():
		}
	case <-ctx.Done():
	}
	// Whatever the child did, its group goes: a grandchild must not outlive
	// the probe.
	signalGroup(t.cmd, sigKill)
	live.remove(t.cmd)
	<-t.exited
	// Readers end when every holder of the pipes is gone; a process that
	// escaped the group could keep them open, so close our ends too.
	select {
	case <-t.readerDone:
	case <-time.After(time.Second):
	}
	t.stdout.Close()
	t.stderr.Close()
	<-t.readerDone
	<-t.stderrDone
	status := "status 0"
	if t.exitErr != nil {
		status = t.exitErr.Error()
	}
	t.rec.Add(evidence.Exchange{Direction: "receive", Note: fmt.Sprintf("the server %s (%s)", how, status)})
	return nil
}

// live holds the servers started and not yet closed, so that KillAll can
// end them all when mcpdoctor must stop at once.
var live = &liveSet{cmds: map[*exec.Cmd]bool{}}

type liveSet struct {
	mu   sync.Mutex
	cmds map[*exec.Cmd]bool
}

func (l *liveSet) add(cmd *exec.Cmd) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmds[cmd] = true
}

func (l *liveSet) remove(cmd *exec.Cmd) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.cmds, cmd)
}

// KillAll kills the process group of every server still running, at once:
// for a second interrupt, when there is no time to close them gently.
func KillAll() {
	live.mu.Lock()
	defer live.mu.Unlock()
	for cmd := range live.cmds {
		signalGroup(cmd, sigKill)
	}
}
