package probe

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// The other era: which eras a server accepts decides which clients can
// use it.

// otherEra tries the era the server was not spoken to in, so the result
// says which eras it accepts, and so which clients can use it. It opens as
// a client of that era would, afresh (a new process, a new connection: a
// server may pin a process to the era it first heard): a modern server
// gets initialize and notifications/initialized (a server can answer the
// first and refuse the second); a legacy one, server/discover, unless the
// handshake already asked it.
func (p *prober) otherEra(ctx context.Context) {
	info := p.res.Server
	start := time.Now()
	switch {
	case p.res.Transport == config.TransportSSE:
		info.Eras = []wire.Era{wire.EraLegacy}
		p.skip(StageOtherEra, "the legacy HTTP+SSE transport carries no modern request")
		return
	case p.era == wire.EraModern:
		mine, era, version := p.tr, p.era, p.version
		p.tr, p.era = p.newTransport(), wire.EraLegacy
		err := p.tr.Connect(ctx)
		if err == nil {
			_, err = p.initialize(ctx, wire.LatestLegacy)
		}
		if err == nil {
			n, _ := wire.NewNotification("notifications/initialized", nil)
			err = p.tr.Notify(ctx, n)
		}
		p.closeTransport()
		p.tr, p.era, p.version = mine, era, version
		if err != nil {
			info.Eras = []wire.Era{wire.EraModern}
			answer := answerOf(err)
			p.stage(StageOtherEra, start, nil, "a legacy client would fail: "+answer)
			p.modernOnly("its answer to a legacy client: " + answer)
			return
		}
		info.Eras = []wire.Era{wire.EraModern, wire.EraLegacy}
		p.stage(StageOtherEra, start, nil, "it also accepts initialize ("+wire.LatestLegacy+"): legacy clients can use it too")
	default:
		if slices.ContainsFunc(p.res.Stages, func(s Stage) bool { return s.Name == StageDiscover }) {
			info.Eras = []wire.Era{wire.EraLegacy}
			p.legacyOnly()
			return
		}
		resp, err := p.callSync(ctx, "server/discover", wire.ModernParams(wire.LatestModern, p.opts.client(), nil))
		ans, err := wire.ReadDiscover(resp, err)
		if err == nil && ans.Era == wire.EraModern && slices.ContainsFunc(ans.Supported, func(v string) bool { return wire.EraOf(v) == wire.EraModern }) {
			info.Eras = []wire.Era{wire.EraLegacy, wire.EraModern}
			p.stage(StageOtherEra, start, nil, "it also speaks modern MCP: "+ans.Reason)
			return
		}
		info.Eras = []wire.Era{wire.EraLegacy}
		p.stage(StageOtherEra, start, nil, "it speaks no modern MCP: "+cmp.Or(ans.Reason, evidence.ErrText(err)))
		p.legacyOnly()
	}
}

// answerOf quotes what a server answered, with the body of an HTTP error
// that holds no JSON-RPC error (which the message already quotes).
func answerOf(err error) string {
	var se *wire.HTTPStatusError
	if errors.As(err, &se) && se.RPC == nil {
		if body := evidence.OneLine([]byte(se.Body), 200); body != "" {
			return err.Error() + ": " + strconv.Quote(body)
		}
	}
	return err.Error()
}

// eraFindings say what a server of one era means for the clients that
// speak the other, when the server said so itself (supportedVersions)
// and the other era was not tried.
func (p *prober) eraFindings() {
	info := p.res.Server
	if info == nil || info.Eras != nil || info.Era != wire.EraModern || info.SupportedVersions == nil {
		return
	}
	if !slices.ContainsFunc(info.SupportedVersions, func(v string) bool { return wire.EraOf(v) == wire.EraLegacy }) {
		p.modernOnly("its server/discover lists only " + strings.Join(info.SupportedVersions, ", "))
	}
}

// legacyOnlyClients speak no modern MCP: a modern-only server is out of
// their reach.
const legacyOnlyClients = "Codex (its Rust rmcp speaks 2025-11-25 at most), Gemini CLI, Cline, and anything built on the TypeScript SDK 1.x"

func (p *prober) modernOnly(why string) {
	p.finding("modern_only", evidence.SeverityWarning,
		"the server speaks only modern MCP (2026-07-28), so clients that speak only legacy revisions cannot use it: "+legacyOnlyClients+"; "+why,
		"use a dual-era client (Claude Code, the Go SDK from 1.8, the TypeScript SDK 2.x); if you run the server, serve initialize too")
}

func (p *prober) legacyOnly() {
	p.finding("legacy_only", evidence.SeverityInfo,
		"the server speaks only legacy MCP (2025-11-25 and older): dual-era clients fall back to initialize and use it, clients that speak only 2026-07-28 cannot",
		"nothing to do for today's clients; to serve modern ones too, upgrade the server to an SDK that speaks 2026-07-28")
}
