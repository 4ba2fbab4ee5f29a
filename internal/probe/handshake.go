package probe

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// The handshake of each era: server/discover first, as the spec's
// dual-era client does, then initialize for a legacy server.

// handshake connects and runs the handshake of the server's era. It
// reports whether the server is ready for requests.
func (p *prober) handshake(ctx context.Context) bool {
	start := time.Now()
	p.tr = p.newTransport()
	err := p.tr.Connect(ctx)
	note := ""
	switch {
	case err != nil && p.server.Transport == config.TransportSSE && notAnSSEStream(err):
		// The server answered, but not with the legacy event stream its
		// client asks for: see whether it speaks Streamable HTTP, so that
		// the result can say the client picked the wrong transport.
		p.rec.Add(evidence.Exchange{Note: "the legacy HTTP+SSE stream failed, so mcpdoctor tried Streamable HTTP", Err: err.Error()})
		_ = p.tr.Close(ctx)
		p.tr = wire.NewStreamable(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
		err = p.tr.Connect(ctx)
		p.res.Transport = config.TransportStreamableHTTP
		note = "the configured HTTP+SSE stream failed; Streamable HTTP opens an exchange per message"
	case err != nil:
	case p.server.Transport == config.TransportSSE:
		note = "the legacy HTTP+SSE transport holds one event stream open"
		p.stage(StageConnect, start, nil, note)
		return p.legacyHandshake(ctx, p.legacyVersion(), nil, "")
	case p.server.Transport != config.TransportStdio:
		note = "Streamable HTTP opens an exchange per message"
	}
	if err != nil {
		p.stage(StageConnect, start, err, "")
		p.handshakeErr = err
		p.skipRest(StageDiscover)
		return false
	}
	p.stage(StageConnect, start, nil, note)

	protocol := p.opts.Protocol
	if protocol == ProtocolLegacy || protocol != "" && wire.Known(protocol) && wire.EraOf(protocol) == wire.EraLegacy {
		return p.legacyHandshake(ctx, p.legacyVersion(), nil, "")
	}
	version := wire.LatestModern
	if wire.Known(protocol) {
		version = protocol
	}
	return p.negotiate(ctx, version)
}

// legacyVersion is the legacy protocol version to speak: the one asked
// for, else the newest.
func (p *prober) legacyVersion() string {
	if wire.Known(p.opts.Protocol) && wire.EraOf(p.opts.Protocol) == wire.EraLegacy {
		return p.opts.Protocol
	}
	return wire.LatestLegacy
}

// notAnSSEStream says the GET for a legacy event stream was answered, but
// not with one: a status a Streamable HTTP server gives a GET it does not
// serve, or a body that is not an event stream.
func notAnSSEStream(err error) bool {
	var se *wire.HTTPStatusError
	if errors.As(err, &se) {
		switch se.Status {
		case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotAcceptable, http.StatusUnsupportedMediaType:
			return true
		}
		return false
	}
	var ee *evidence.Error
	return errors.As(err, &ee) && ee.Category == evidence.CategoryNotMCP
}

// newTransport returns a transport of the configured kind, not yet
// connected.
func (p *prober) newTransport() wire.Transport {
	if p.server.Transport == config.TransportStdio {
		return wire.NewStdio(stdioCommand(p.launch), p.opts.wire(), p.rec)
	}
	if p.server.Transport == config.TransportSSE {
		return wire.NewSSE(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
	}
	return wire.NewStreamable(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
}

// callResult is the answer to a request sent in the background.
type callResult struct {
	msg *wire.Message
	err error
}

// start sends a request in the background and returns where its answer
// will arrive. The channel has room for it, so nothing waits on a caller
// that stopped listening.
func (p *prober) start(ctx context.Context, method string, params any) (<-chan callResult, error) {
	req, err := p.request(method, params)
	if err != nil {
		return nil, err
	}
	ch := make(chan callResult, 1)
	go func() {
		msg, err := p.tr.Call(ctx, req)
		ch <- callResult{msg, err}
	}()
	return ch, nil
}

// negotiate opens as the spec's dual-era client does (2026-07-28,
// basic/versioning, "Backward Compatibility"): a server/discover request
// in the modern shape; a DiscoverResult or a recognized modern error means
// a modern server, anything else a legacy one, which gets initialize. On
// stdio, a server that has not answered after StdioDiscoverGrace also gets
// initialize, and whichever answer comes first decides.
func (p *prober) negotiate(ctx context.Context, version string) bool {
	start := time.Now()
	discoverCh, err := p.start(ctx, "server/discover", wire.ModernParams(version, p.opts.client(), nil))
	if err != nil {
		p.stage(StageDiscover, start, err, "")
		return false
	}
	var grace <-chan time.Time
	if p.server.Transport == config.TransportStdio {
		// A short startup timeout leaves initialize most of it.
		timer := time.NewTimer(min(StdioDiscoverGrace, p.startupTimeout()/3))
		defer timer.Stop()
		grace = timer.C
	}
	var initCh <-chan callResult
	var initStart time.Time
	// initRefused holds initialize's answer when it was an error and
	// server/discover had not answered yet.
	var initRefused *callResult
	var refusedWait <-chan time.Time
	lateNote := ""
	for {
		select {
		case r := <-discoverCh:
			discoverCh = nil
			ans, err := wire.ReadDiscover(r.msg, r.err)
			if initCh == nil && initRefused == nil {
				return p.readEra(ctx, start, version, ans, err, false)
			}
			if err == nil && ans.Era == wire.EraModern {
				p.rec.Add(evidence.Exchange{Note: "server/discover answered late: a modern server after all; the answer to initialize is not needed"})
				return p.readEra(ctx, start, version, ans, nil, false)
			}
			lateNote = "server/discover answered late: " + cmp.Or(ans.Reason, evidence.ErrText(err))
			if initRefused != nil {
				return p.legacyHandshake(ctx, wire.LatestLegacy, initRefused, joinNote("the server refused initialize, and its late answer to server/discover was no modern one either", lateNote), initStart)
			}
		case <-grace:
			grace = nil
			p.stage(StageDiscover, start, nil, fmt.Sprintf("no answer within %s: a legacy server that ignores unknown methods, or one still starting; initialize goes out too, and the first answer decides", wire.RoundDuration(time.Since(start))))
			initStart = time.Now()
			initCh, err = p.start(ctx, "initialize", p.initializeParams(wire.LatestLegacy))
			if err != nil {
				p.stage(StageInitialize, initStart, err, "")
				return false
			}
		case r := <-initCh:
			// Every Call ends by ctx at the latest, so one of the two answers
			// always comes.
			initCh = nil
			if discoverCh != nil && r.err == nil && r.msg != nil && r.msg.Error != nil {
				// A refused initialize proves no era: a modern server that
				// was slow to start refuses it (-32022) and still owes its
				// answer to server/discover, which decides if it comes
				// within another grace.
				initRefused = &r
				timer := time.NewTimer(min(StdioDiscoverGrace, p.startupTimeout()/3))
				defer timer.Stop()
				refusedWait = timer.C
				continue
			}
			return p.legacyHandshake(ctx, wire.LatestLegacy, &r, joinNote("the server stayed silent on server/discover and answered initialize: a legacy server", lateNote), initStart)
		case <-refusedWait:
			return p.legacyHandshake(ctx, wire.LatestLegacy, initRefused, "the server refused initialize and stayed silent on server/discover", initStart)
		}
	}
}

// readEra settles the era from the answer to server/discover: modern,
// legacy (initialize next), a retry with a version the server named, or a
// failure. It records the server/discover stage.
func (p *prober) readEra(ctx context.Context, start time.Time, version string, ans wire.EraAnswer, err error, retried bool) bool {
	if err != nil {
		p.stage(StageDiscover, start, err, "")
		p.handshakeErr = err
		p.skipRest(StageInitialize, StageInitialized)
		return false
	}
	modernOnly := p.opts.Protocol == ProtocolModern || wire.Known(p.opts.Protocol)
	chosen := version
	if ans.Era == wire.EraModern && (ans.Discover == nil || !slices.Contains(ans.Supported, version)) {
		// The server is modern but does not take this version: it named the
		// ones it does (-32022's data.supported, or supportedVersions).
		if ans.Error != nil && ans.Error.Code != wire.CodeUnsupportedProtocolVersion {
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("server/discover was refused with the modern error %d (%s)", ans.Error.Code, ans.Error.Message),
				Hint:    wire.Classify(&wire.HTTPStatusError{RPC: &wire.Message{Error: ans.Error}}).Hint}, ans.Reason)
			return false
		}
		chosen = wire.Choose(ans.Supported)
		pinned := wire.Known(p.opts.Protocol)
		if pinned {
			// --protocol named the one version to speak.
			chosen = ""
			if slices.Contains(ans.Supported, version) {
				chosen = version
			}
		}
		switch {
		case chosen == "" && pinned:
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("the server does not take %s, the version --protocol names (it names %s)", version, evidence.OrNone(strings.Join(ans.Supported, ", "))),
				Hint:    "run without --protocol to speak the newest version both sides know, or name one the server does"}, ans.Reason)
			return false
		case chosen == "":
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("the server is modern but names no protocol version mcpdoctor speaks (it names %s; mcpdoctor speaks %s)",
					evidence.OrNone(strings.Join(ans.Supported, ", ")), strings.Join(append(slices.Clone(wire.ModernVersions), wire.LegacyVersions...), ", ")),
				Hint: "a client can only speak a version both sides know: check the server's supported versions, or upgrade mcpdoctor"}, ans.Reason)
			return false
		case wire.EraOf(chosen) == wire.EraModern && !retried:
			p.stage(StageDiscover, start, nil, ans.Reason+"; asking again with "+chosen)
			again, err := p.callSync(ctx, "server/discover", wire.ModernParams(chosen, p.opts.client(), nil))
			next, rerr := wire.ReadDiscover(again, err)
			return p.readEra(ctx, time.Now(), chosen, next, rerr, true)
		case wire.EraOf(chosen) == wire.EraModern:
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: "the server refused " + version + " and named versions it would not then accept: " + ans.Reason,
				Hint:    "the server's version negotiation is broken; report it to its authors with these exchanges"}, "")
			return false
		}
		// Only a legacy version in common: the server is modern-aware but
		// speaks legacy MCP here.
		ans.Era = wire.EraLegacy
		ans.Reason += "; the newest version both sides speak is " + chosen + ", a legacy one"
	}
	if ans.Era == wire.EraLegacy {
		if modernOnly {
			p.stage(StageDiscover, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: "the server speaks no modern MCP: " + ans.Reason,
				Hint:    "run without --protocol (or with --protocol auto) to speak legacy MCP with it"}, "")
			return false
		}
		p.stage(StageDiscover, start, nil, ans.Reason+"; trying legacy MCP (initialize)")
		legacyVersion := wire.LatestLegacy
		if chosen != version && wire.EraOf(chosen) == wire.EraLegacy {
			legacyVersion = chosen
		}
		supported := ans.Supported
		ok := p.legacyHandshake(ctx, legacyVersion, nil, "", time.Time{})
		if ok && len(supported) > 0 {
			p.res.Server.SupportedVersions = supported
		}
		return ok
	}
	// Modern: the DiscoverResult says who the server is.
	d := ans.Discover
	if rt, err := wire.ReadResultType(jsonOf(d)); err != nil || rt != wire.ResultComplete {
		if err == nil {
			err = &evidence.Error{Category: evidence.CategoryProtocol, Message: "server/discover answered with resultType " + string(rt),
				Hint: "server/discover completes at once (spec 2026-07-28, server/discover); report this to the server's authors"}
		}
		p.stage(StageDiscover, start, err, "")
		return false
	}
	p.era, p.version = wire.EraModern, version
	info, named := d.ServerInfo()
	p.res.Server = &ServerInfo{Name: info.Name, Title: info.Title, Version: info.Version, ProtocolVersion: version, Era: wire.EraModern,
		SupportedVersions: d.SupportedVersions, Capabilities: d.Capabilities, Instructions: d.Instructions}
	if !named {
		p.finding("no_server_info", evidence.SeverityInfo,
			"the server's DiscoverResult names no server in _meta (io.modelcontextprotocol/serverInfo), which servers should include",
			"nothing breaks; clients show the server without a name or version")
	}
	note := fmt.Sprintf("a modern server: speaking %s; it supports %s", version, strings.Join(d.SupportedVersions, ", "))
	if c := d.Caching(); c != "" {
		note += "; " + c
	}
	p.stage(StageDiscover, start, nil, note)
	return true
}

// jsonOf encodes v for a second reading.
func jsonOf(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// legacyHandshake runs initialize and notifications/initialized with
// version. answered is initialize's answer when it is already in (sent
// while server/discover was pending), and note says why initialize went
// out.
func (p *prober) legacyHandshake(ctx context.Context, version string, answered *callResult, note string, start ...time.Time) bool {
	began := time.Now()
	if len(start) > 0 && !start[0].IsZero() {
		began = start[0]
	}
	p.era, p.version = wire.EraLegacy, version
	var init *ServerInfo
	var err error
	if answered != nil {
		init, err = p.readInitialize(answered.msg, answered.err)
	} else {
		init, err = p.initialize(ctx, version)
	}
	var se *wire.HTTPStatusError
	if err != nil && p.res.Transport == config.TransportStreamableHTTP && errors.As(err, &se) && isLegacyFallbackStatus(se.Status) {
		// Backwards compatibility (spec 2025-03-26, transports): a POST of
		// initialize that fails with 400, 404 or 405 means the server may
		// speak the 2024-11-05 HTTP+SSE transport: GET the URL and wait for
		// the endpoint event.
		p.collectFindings()
		_ = p.tr.Close(ctx)
		p.tr = wire.NewSSE(p.launch.URL, p.creds.Header, p.opts.wire(), p.rec)
		if cerr := p.tr.Connect(ctx); cerr == nil {
			init, err = p.initialize(ctx, version)
			if err == nil {
				p.res.Transport = config.TransportSSE
				note = joinNote(note, fmt.Sprintf("POST answered %d, so mcpdoctor fell back to the legacy HTTP+SSE transport (2024-11-05)", se.Status))
			}
		} else {
			p.rec.Add(evidence.Exchange{Note: "legacy HTTP+SSE fallback failed", Err: cerr.Error()})
		}
	}
	p.stage(StageInitialize, began, err, note)
	if err != nil {
		p.handshakeErr = err
		p.skipRest(StageInitialized)
		return false
	}
	p.res.Server = init

	began = time.Now()
	n, _ := wire.NewNotification("notifications/initialized", nil)
	err = p.tr.Notify(ctx, n)
	p.stage(StageInitialized, began, err, "")
	return err == nil
}

func isLegacyFallbackStatus(status int) bool {
	return status == http.StatusBadRequest || status == http.StatusNotFound || status == http.StatusMethodNotAllowed
}

func (p *prober) initializeParams(version string) map[string]any {
	return map[string]any{
		"protocolVersion": version,
		"capabilities":    map[string]any{},
		"clientInfo":      p.opts.client(),
	}
}

// initialize sends initialize offering version; the server's answer
// decides what the session speaks (spec 2025-11-25, lifecycle, "Version
// Negotiation").
func (p *prober) initialize(ctx context.Context, version string) (*ServerInfo, error) {
	resp, err := p.callSync(ctx, "initialize", p.initializeParams(version))
	return p.readInitialize(resp, err)
}

func (p *prober) readInitialize(resp *wire.Message, err error) (*ServerInfo, error) {
	var out struct {
		ProtocolVersion string          `json:"protocolVersion"`
		Capabilities    json.RawMessage `json:"capabilities"`
		ServerInfo      *struct {
			Name    string `json:"name"`
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"serverInfo"`
		Instructions string `json:"instructions"`
	}
	if err := p.decode("initialize", resp, err, &out); err != nil {
		return nil, err
	}
	if out.ProtocolVersion == "" || out.ServerInfo == nil {
		return nil, &evidence.Error{Category: evidence.CategoryProtocol,
			Message: "the initialize result has no protocolVersion or serverInfo",
			Hint:    "the server does not follow the MCP lifecycle; report this to its authors"}
	}
	switch {
	case !wire.Known(out.ProtocolVersion):
		p.finding("unknown_protocol_version", evidence.SeverityWarning,
			fmt.Sprintf("the server answered protocol version %q, which mcpdoctor does not know (it knows %s)", out.ProtocolVersion, strings.Join(wire.LegacyVersions, ", ")),
			"clients may refuse this server; check that it implements a published MCP revision")
	case wire.EraOf(out.ProtocolVersion) == wire.EraModern:
		p.finding("modern_version_in_initialize", evidence.SeverityWarning,
			fmt.Sprintf("the server answered initialize with %s, a modern version: modern MCP has no initialize", out.ProtocolVersion),
			"a server should answer initialize with a legacy version it speaks, or refuse it naming its versions")
	}
	p.version = out.ProtocolVersion
	return &ServerInfo{
		Name: out.ServerInfo.Name, Title: out.ServerInfo.Title, Version: out.ServerInfo.Version,
		ProtocolVersion: out.ProtocolVersion, Era: wire.EraLegacy, Capabilities: out.Capabilities, Instructions: out.Instructions,
	}, nil
}
