package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/redact"
)

// unprobeable says why no probe can be built for an entry.
func unprobeable(s config.Server) *evidence.Error {
	hint := "fix the config first; `mcpdoctor validate` lists every problem"
	msg := "the entry names neither a command nor a URL"
	switch s.Transport {
	case config.TransportWebSocket:
		msg, hint = "the entry is a WebSocket server, and mcpdoctor speaks stdio, Streamable HTTP and HTTP+SSE only", "probe the server's HTTP endpoint if it has one"
	case config.TransportExtension:
		msg, hint = s.Client().Title()+" starts this server itself (an extension or a built-in), so there is nothing for mcpdoctor to start or reach", "nothing to do: "+s.Client().Title()+" manages it"
	}
	for _, pr := range s.Problems {
		if pr.Severity == config.SeverityError && (pr.Code == config.CodeInvalidURL || pr.Code == config.CodeNoTransport || pr.Code == config.CodeType) {
			msg = pr.String()
			break
		}
	}
	return &evidence.Error{Category: evidence.CategoryConfig, Message: msg, Hint: hint}
}

// clientFindings say where the server's client would do otherwise than the
// probe found works: speak the other HTTP transport.
func (p *prober) clientFindings() {
	s, res := p.server, p.res
	client := s.Client().Title()
	if res.Server == nil || res.Transport == s.Transport {
		return
	}
	switch {
	case s.Transport == config.TransportSSE && res.Transport == config.TransportStreamableHTTP:
		hint := s.TransportHint(config.TransportStreamableHTTP)
		if hint == "" {
			hint = "use a client that speaks Streamable HTTP"
		}
		p.finding("client_speaks_sse", evidence.SeverityWarning,
			fmt.Sprintf("%s speaks the legacy HTTP+SSE transport to this entry, but the server speaks Streamable HTTP only: %s will not connect to it", client, client),
			hint)
	case res.Transport == config.TransportSSE && s.HTTPFallback:
		p.finding("legacy_sse", evidence.SeverityInfo,
			fmt.Sprintf("the server speaks only the legacy HTTP+SSE transport (2024-11-05); %s falls back to it, as mcpdoctor did", client),
			"nothing to do for now; the legacy transport is deprecated, so ask for Streamable HTTP")
	case res.Transport == config.TransportSSE:
		hint := s.TransportHint(config.TransportSSE)
		how := "speaks Streamable HTTP to this entry"
		if hint == "" {
			// The client has no way to speak SSE at all.
			hint = "use a client that speaks SSE, upgrade the server to Streamable HTTP, or put a stdio bridge such as mcp-remote in front of it"
			how = "speaks Streamable HTTP only"
		}
		p.finding("legacy_sse", evidence.SeverityWarning,
			fmt.Sprintf("the server speaks only the legacy HTTP+SSE transport (2024-11-05); %s %s and will not connect to it", client, how),
			hint)
	}
}

// Limits of a headers helper, as Codex sets them (http_headers.rs); Claude
// Code gives up after the same 10 seconds.
const (
	helperTimeout   = 10 * time.Second
	helperMaxOutput = 64 << 10
)

// helperReserved are headers a helper may not set (Codex refuses them):
// the transport's own.
var helperReserved = []string{"accept", "connection", "content-length", "content-type", "content-encoding", "host",
	"mcp-session-id", "mcp-protocol-version", "origin", "te", "transfer-encoding", "upgrade"}

// runHeadersHelper runs the entry's headers helper when the user allows
// it, and adds its headers as the client does; without leave, it says
// the probe went without them. An error stops the probe: the client would
// not connect either.
func (p *prober) runHeadersHelper(ctx context.Context) error {
	h := p.server.HeadersHelper
	if h == nil {
		return nil
	}
	client := p.server.Client().Title()
	if !p.opts.RunHeadersHelper {
		p.finding("headers_helper_not_run", evidence.SeverityInfo,
			fmt.Sprintf("%s runs the %s command before it connects, to get more headers; mcpdoctor did not run it, so the probe went without them", client, h.Key),
			"pass --run-headers-helper to let mcpdoctor run it through the shell as "+client+" does")
		return nil
	}
	start := time.Now()
	hctx, cancel := context.WithTimeout(ctx, helperTimeout)
	defer cancel()
	cmd := exec.CommandContext(hctx, "sh", "-c", h.Command)
	cmd.Dir = h.Dir
	cmd.Env = p.server.HelperEnv(p.opts.lookup())
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: helperMaxOutput + 1}
	cmd.Stderr = io.Discard
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	fail := func(msg string) error {
		e := &evidence.Error{Category: evidence.CategoryConfig, Message: h.Key + " " + msg,
			Hint: "run the command by hand and check that it prints one JSON object of header names to string values"}
		p.rec.Add(evidence.Exchange{Note: "ran " + h.Key, Err: e.Message, Duration: time.Since(start)})
		p.fail(StageConnect, e)
		return e
	}
	switch {
	case hctx.Err() == context.DeadlineExceeded:
		return fail(fmt.Sprintf("timed out after %s", helperTimeout))
	case err != nil:
		return fail("failed: " + err.Error())
	case out.Len() > helperMaxOutput:
		return fail("printed more than 64 KiB")
	}
	var headers map[string]string
	if err := json.Unmarshal(out.Bytes(), &headers); err != nil {
		return fail("must output a JSON object of strings")
	}
	names := slices.Sorted(maps.Keys(headers))
	for _, name := range names {
		if slices.Contains(helperReserved, strings.ToLower(name)) {
			return fail("returned a reserved header, " + name)
		}
	}
	for _, name := range names {
		v := headers[name]
		p.res.Secrets = append(p.res.Secrets, v)
		p.res.Secrets = append(p.res.Secrets, redact.HeaderSecrets(name, v)...)
		if h.KeepAuthorization && strings.EqualFold(name, "Authorization") && p.creds.Header.Get("Authorization") != "" {
			continue
		}
		p.creds.Header.Set(name, v)
		if isCredentialHeader(name) && (p.creds.Auth == nil || !p.creds.Auth.Sent || strings.EqualFold(p.creds.Auth.Header, name)) {
			p.creds.Auth = &Credential{Header: http.CanonicalHeaderKey(name), Source: h.Key, Sent: true, Key: h.Key}
		}
	}
	p.rec.Add(evidence.Exchange{Note: fmt.Sprintf("ran %s: it gave %d %s (%s)", h.Key, len(names), evidence.Plural(len(names), "header"), strings.Join(names, ", ")), Duration: time.Since(start)})
	return nil
}

// limitedWriter keeps the first n bytes and drops the rest, so that a
// helper that prints without end cannot fill memory.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(b []byte) (int, error) {
	if l.n <= 0 {
		return len(b), nil
	}
	k := min(len(b), l.n)
	l.n -= k
	if _, err := l.w.Write(b[:k]); err != nil {
		return 0, err
	}
	return len(b), nil
}
