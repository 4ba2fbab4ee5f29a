package probe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/oauth"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// Discovery budgets: the whole chain, bounded also by the server's startup
// timeout. A healthy server gets the shorter one: `list` runs it for every
// healthy HTTP server.
const (
	discoveryBudgetRequired   = 10 * time.Second
	discoveryBudgetAdvertised = 5 * time.Second
)

// refusal finds the 401 or 403 that stopped the probe, if one did.
func (p *prober) refusal() *Refusal {
	res := p.res
	if res.Failure == nil {
		return nil
	}
	isRefusal := func(status int) bool { return status == http.StatusUnauthorized || status == http.StatusForbidden }
	var r *Refusal
	var se *wire.HTTPStatusError
	if errors.As(p.handshakeErr, &se) && isRefusal(se.Status) {
		r = &Refusal{Status: se.Status, Header: se.Header, Body: se.Body}
	}
	// The failed stage's last 401 or 403 exchange: for a refusal after
	// initialize (tools/list) or behind the legacy SSE fallback, and to
	// quote the exchange.
	for _, st := range res.Stages {
		if st.Name != res.Failure.Stage {
			continue
		}
		for j := len(st.Exchanges) - 1; j >= 0; j-- {
			ex := st.Exchanges[j]
			if ex.Method == "" || !isRefusal(ex.Status) {
				continue
			}
			if r == nil {
				r = &Refusal{Status: ex.Status, Header: ex.ResponseHeader, Body: ex.ResponseBody}
			}
			if ex.Status == r.Status {
				r.Exchange = &ex
			}
			break
		}
	}
	if r == nil {
		return nil
	}
	if c, ok := oauth.BearerChallenge(r.Header.Values("WWW-Authenticate")); ok {
		r.Challenge = &c
	}
	// A 403 without a Bearer challenge is a server refusing this client
	// (DNS rebinding protection, an IP allow-list), not asking for a
	// credential.
	if r.Status == http.StatusForbidden && r.Challenge == nil {
		return nil
	}
	return r
}

func (p *prober) neededCredential() Need {
	return Needed(p.refusal() != nil, p.res.Server != nil)
}

// discoverAuth runs OAuth discovery when the verdict or Codex's status
// depends on it: a 401 with nothing sent (is there a way to log in?); a
// server that worked with nothing sent (does its origin advertise OAuth
// anyway?); and where a client would look (wantMetadata), because its
// status comes from the metadata alone. It does not run for stdio, nor for a
// failure that is not a refusal: a server that is down or broken has
// nothing to say about auth, and its well-known URLs are not worth the
// requests.
func (p *prober) discoverAuth(ctx context.Context, wantMetadata bool) {
	if p.server.Transport == config.TransportStdio {
		return
	}
	sent := p.creds.Auth != nil && p.creds.Auth.Sent
	r := p.refusal()
	budget := discoveryBudgetAdvertised
	switch {
	case r != nil && !sent:
		budget = discoveryBudgetRequired
	case r != nil && p.token != nil:
		// A stored login refused: is its authorization server still the
		// server's (AuthServerMoved)?
	case r != nil && wantMetadata:
	case r == nil && p.res.Failure != nil && p.res.Server == nil:
		return
	case !sent:
	case wantMetadata && p.res.Transport == config.TransportStreamableHTTP:
		// A static credential that is not Authorization: Codex still looks.
		// (Over legacy SSE Codex cannot connect at all; legacy_sse says so.)
	default:
		return
	}
	budget = min(budget, p.startupTimeout())
	dctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	var challenge *oauth.Challenge
	if r != nil {
		challenge = r.Challenge
	}
	start := time.Now()
	rec := evidence.NewRecorder(p.opts.Trace)
	var d *oauth.Metadata
	if p.ahead != nil {
		d = p.ahead.Finish(dctx, challenge, rec)
	} else {
		d = oauth.Discover(dctx, p.launch.URL, challenge, p.discoveryConfig(), rec)
	}
	p.oauth = d
	p.res.Findings = append(p.res.Findings, d.Findings...)
	note := "no OAuth metadata found"
	switch {
	case d.Found():
		note = "authorization server " + d.AuthServer
	case d.Advertised():
		note = "protected resource metadata without a usable authorization server"
	}
	if d.Incomplete {
		note = joinNote(note, "stopped when its time ran out")
	}
	ex, dropped := rec.Take()
	if dropped > 0 {
		note = joinNote(note, fmt.Sprintf("%d more exchanges not kept", dropped))
	}
	p.discovered = &Stage{Name: StageOAuthDiscovery, Status: StatusOK, Duration: time.Since(start), Note: note, Exchanges: ex}
}

// discoveryConfig is how the probe's discovery asks: on the probe's
// transport, under its policy for the URLs the server names.
func (p *prober) discoveryConfig() oauth.DiscoveryConfig {
	var rt http.RoundTripper
	if p.opts.HTTPClient != nil {
		rt = p.opts.HTTPClient.Transport
	}
	return oauth.DiscoveryConfig{Transport: rt, Guard: p.opts.guard, UserAgent: "mcpdoctor/" + p.opts.clientVersion(), ProtocolVersion: discoveryVersion}
}

// discoveryVersion is the MCP-Protocol-Version discovery sends to the MCP
// server's origin: it starts before the handshake has settled one, so the
// newest legacy version, which every server of either era knows best.
const discoveryVersion = wire.LatestLegacy

// observations are what the probe saw that the verdict depends on.
func (p *prober) observations() Observations {
	s := p.server
	ref := ServerRef{Name: s.Name, Client: s.Client().Title(), Entry: s.Entry(), HeaderKeys: s.HeaderKeys(), CredentialHint: s.CredentialHint(), LoginHint: s.LoginHint()}
	return Observations{Server: ref, Credential: p.creds.Auth, Missing: p.creds.Missing, Token: p.token, TokenEvidence: p.tokenEvidence,
		Handshake: p.handshakeEvidence(), Refusal: p.refusal(), Discovery: p.oauth, Answered: p.res.Server != nil, Failure: p.res.Failure}
}

// decideAuth gives the probe its verdict, and files what the verdict adds.
func (p *prober) decideAuth() Verdict {
	d := Decide(p.observations())
	p.res.Findings = append(p.res.Findings, d.Findings...)
	if f := p.res.Failure; f != nil && d.AuthFailure {
		f.Category = evidence.CategoryAuth
		f.Hint = d.AuthHint
	}
	return d.Verdict
}

// handshakeEvidence summarises the exchanges that carried the handshake
// (server/discover, initialize), and what tools/list found.
func (p *prober) handshakeEvidence() []string {
	var out []string
	for _, st := range p.res.Stages {
		switch st.Name {
		case StageDiscover, StageInitialize:
			n := 0
			for _, ex := range st.Exchanges {
				if ex.RPCMethod == string(st.Name) && n < 3 {
					out = append(out, ex.Summary())
					n++
				}
			}
		case StageToolsList:
			if st.Status == StatusOK {
				out = append(out, fmt.Sprintf("tools/list answered with %d %s", len(p.res.Tools), evidence.Plural(len(p.res.Tools), "tool")))
			}
		}
	}
	return out
}
