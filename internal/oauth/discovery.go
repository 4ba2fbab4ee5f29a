package oauth

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// OAuth discovery, as an MCP client does it before a login (MCP 2025-11-25,
// basic/authorization, "Authorization Server Discovery"):
//
//  1. Protected resource metadata (RFC 9728): the URL in the 401's
//     WWW-Authenticate resource_metadata parameter, else the well-known
//     URIs, path-inserted first, then at the root (RFC 9728 §3.1).
//  2. For each authorization server it names, the authorization server
//     metadata: for an issuer with a path, RFC 8414 path-inserted, OpenID
//     Connect path-inserted, OpenID Connect path-appended; for one without,
//     RFC 8414 then OpenID Connect at the root (RFC 8414 §3.1 and §5).
//  3. The fallback of servers from before protected resource metadata
//     (2025-03-26): authorization server metadata at the MCP server's own
//     origin. mcpdoctor asks the three URLs Codex asks there (RFC 8414
//     path-inserted, path-appended, root), the last of which is the
//     2025-03-26 one, so that what Codex sees is known too.
//  4. With nothing found, a 2025-03-26 client would assume the default
//     endpoints /authorize, /token and /register; that is evidence only,
//     never a way to log in, because nothing advertises them.
//
// Discovery is a bystander: its requests carry no configured header, no
// cookie and not the MCP URL's query string (which often holds a key); they
// follow redirects within an origin only; every response is read up to
// maxMetadataBytes; each request has its own timeout inside the probe's
// context. Nothing a server returns here can fail the probe: an HTML page,
// a huge or malformed document is evidence.

const (
	// maxMetadataBytes caps one metadata document. Real ones are a few KiB.
	maxMetadataBytes = 1 << 20
	// discoveryRequestTimeout bounds one request; Codex uses 5 s too
	// (codex-rs/rmcp-client/src/auth_status.rs, DISCOVERY_TIMEOUT).
	discoveryRequestTimeout = 5 * time.Second
	// maxAuthorizationServers bounds how many of a PRM's
	// authorization_servers are tried.
	maxAuthorizationServers = 3
)

// ProtectedResourceMetadata is the part of RFC 9728 §2 that matters here.
type ProtectedResourceMetadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	ScopesSupported        []string `json:"scopes_supported"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	ResourceName           string   `json:"resource_name"`
}

// AuthServerMetadata is the part of RFC 8414 §2 (and OpenID Connect
// Discovery, which shares these names) that matters here.
type AuthServerMetadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ClientIDMetadataDocumentSupported bool     `json:"client_id_metadata_document_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	// RFC 9207: the authorization response carries iss.
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
}

// Metadata is what OAuth discovery saw, in order: the evidence of every
// request and conclusion, the findings, and the documents it found. A
// probe records it; a login takes it (Login).
type Metadata struct {
	// Evidence has one line per request and per conclusion.
	Evidence []string
	Findings []evidence.Finding

	// PRMURL and PRM are the protected resource metadata used, if any.
	PRMURL string
	PRM    *ProtectedResourceMetadata
	// AuthServer is the issuer the metadata was looked up for (from the
	// PRM), or the MCP server's origin for the fallback.
	AuthServer string
	// ASURL and AS are the authorization server metadata found, if any.
	ASURL string
	AS    *AuthServerMetadata
	// Fallback says AS was found at the MCP server's origin, not through
	// protected resource metadata.
	Fallback bool
	// Incomplete says discovery ran out of time before it was done.
	Incomplete bool
	// ResourceMismatch says the PRM names another resource than the
	// server's URL (RFC 9728 §3.3: a client must not use it);
	// IssuerMismatch that the AS metadata's issuer is not the one it was
	// looked up for (RFC 8414 §3.3: likewise).
	ResourceMismatch, IssuerMismatch bool
}

// Found reports whether discovery found a way to log in: authorization
// server metadata with the two endpoints an authorization code flow needs.
func (d *Metadata) Found() bool { return d != nil && d.AS != nil }

// Advertised reports whether the server's origin advertises any OAuth
// metadata at all, usable or not.
func (d *Metadata) Advertised() bool { return d != nil && (d.AS != nil || d.PRM != nil) }

// discoverer runs one discovery.
type discoverer struct {
	client *http.Client
	// guard bounds where the URLs the server names may lead.
	guard *netguard.Policy
	rec   *evidence.Recorder
	// target is the MCP URL without its query and fragment.
	target    *url.URL
	version   string
	userAgent string
	out       *Metadata
	// tried holds every URL asked, so that none is asked twice.
	tried map[string]bool
	// fetches are the answers by URL, shared by the run ahead and the run
	// that counts (see discovery).
	fetches *fetchCache
}

// DiscoveryConfig says how discovery asks its URLs.
type DiscoveryConfig struct {
	// Transport carries the requests; nil means http.DefaultTransport. A
	// probe passes its own, so that discovery reuses its connections. It
	// should be prepared by netguard.Install (wire.NewHTTPTransport's
	// are), or Guard is not heeded.
	Transport http.RoundTripper
	// Guard bounds where the URLs the server names may lead; nil means a
	// policy for the MCP URL's host with its defaults.
	Guard *netguard.Policy
	// UserAgent is sent on every request; empty means "mcpdoctor/dev".
	UserAgent string
	// ProtocolVersion is the MCP-Protocol-Version sent to the MCP server's
	// own origin; empty means none.
	ProtocolVersion string
}

// Discovery is OAuth discovery started beside a probe's handshake. It
// needs nothing from the handshake but the challenge of a 401, so a run
// ahead (without it) asks the URLs in the spec's order while the handshake
// goes on; when the probe wants the verdict, Finish runs the chain again,
// in the spec's order and with the challenge, over the answers the run
// ahead already has. The evidence is that second run's: the same, in the
// same order, as if discovery had started after the handshake, only
// sooner. What the run ahead asked and the second run did not need is not
// evidence.
type Discovery struct {
	rawURL  string
	cfg     DiscoveryConfig
	fetches *fetchCache
	cancel  context.CancelFunc
	ahead   chan struct{}
}

// StartDiscovery begins a run ahead for the MCP URL rawURL, once after is
// closed (at once when it is nil).
func StartDiscovery(ctx context.Context, rawURL string, cfg DiscoveryConfig, after <-chan struct{}) *Discovery {
	ctx, cancel := context.WithCancel(ctx)
	dv := &Discovery{rawURL: rawURL, cfg: cfg, fetches: newFetchCache(), cancel: cancel, ahead: make(chan struct{})}
	go func() {
		defer close(dv.ahead)
		if after != nil {
			select {
			case <-after:
			case <-ctx.Done():
				return
			}
		}
		if d := newDiscoverer(rawURL, cfg, evidence.NewRecorder(nil), dv.fetches); d != nil {
			d.run(ctx, nil)
		}
	}()
	return dv
}

// Finish runs the discovery that counts, recording into rec, and stops
// the run ahead.
func (dv *Discovery) Finish(ctx context.Context, challenge *Challenge, rec *evidence.Recorder) *Metadata {
	defer dv.Abandon()
	return discover(ctx, dv.rawURL, challenge, dv.cfg, rec, dv.fetches)
}

// Abandon stops the run ahead; nothing it found is evidence.
func (dv *Discovery) Abandon() {
	if dv == nil {
		return
	}
	dv.cancel()
	<-dv.ahead
}

// Discover walks the discovery chain for the MCP URL rawURL, recording
// every exchange into rec. challenge is the Bearer challenge of a 401, nil
// when there was none.
func Discover(ctx context.Context, rawURL string, challenge *Challenge, cfg DiscoveryConfig, rec *evidence.Recorder) *Metadata {
	return discover(ctx, rawURL, challenge, cfg, rec, newFetchCache())
}

func discover(ctx context.Context, rawURL string, challenge *Challenge, cfg DiscoveryConfig, rec *evidence.Recorder, fetches *fetchCache) *Metadata {
	d := newDiscoverer(rawURL, cfg, rec, fetches)
	if d == nil {
		out := &Metadata{}
		out.Evidence = append(out.Evidence, "OAuth discovery skipped: the server's URL cannot be used")
		return out
	}
	d.run(ctx, challenge)
	if ctx.Err() != nil {
		d.out.Incomplete = true
		d.say("OAuth discovery stopped: its time ran out before every URL was asked")
	}
	return d.out
}

// newDiscoverer prepares a run, or returns nil when the URL cannot be
// used.
func newDiscoverer(rawURL string, cfg DiscoveryConfig, rec *evidence.Recorder, fetches *fetchCache) *discoverer {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	t := *u
	t.RawQuery, t.ForceQuery, t.Fragment, t.RawFragment, t.User = "", false, "", "", nil
	rt := cfg.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	guard := cfg.Guard
	if guard == nil {
		guard = &netguard.Policy{Home: u.Hostname()}
	}
	return &discoverer{rec: rec, version: cfg.ProtocolVersion, out: &Metadata{}, tried: map[string]bool{}, target: &t, fetches: fetches,
		guard:     guard,
		userAgent: cmp.Or(cfg.UserAgent, "mcpdoctor/dev"),
		// No cookie jar: cookies are credentials. Redirects are followed
		// by hand, so that each hop is evidence and none leaves its
		// origin.
		client: &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

func (d *discoverer) run(ctx context.Context, challenge *Challenge) {
	// 1. Protected resource metadata.
	type candidate struct {
		url, why string
		// fromChallenge: the server named this URL itself.
		fromChallenge bool
	}
	var prms []candidate
	if challenge != nil {
		if rm, ok := challenge.Param("resource_metadata"); ok && rm != "" {
			prms = append(prms, candidate{rm, "resource_metadata of the WWW-Authenticate challenge", true})
		}
	}
	origin := originURL(d.target)
	if p := strings.TrimSuffix(d.target.EscapedPath(), "/"); p != "" {
		prms = append(prms, candidate{origin + "/.well-known/oauth-protected-resource" + p, "RFC 9728 well-known URI, path inserted", false})
	}
	prms = append(prms, candidate{origin + "/.well-known/oauth-protected-resource", "RFC 9728 well-known URI at the root", false})
	for _, c := range prms {
		if ctx.Err() != nil {
			return
		}
		if d.tried[c.url] {
			continue
		}
		if prm := d.protectedResource(ctx, c.url, c.why, c.fromChallenge); prm != nil {
			d.out.PRMURL, d.out.PRM = c.url, prm
			break
		}
		if c.fromChallenge {
			d.say("the resource_metadata URL gave no usable metadata, so mcpdoctor tried the well-known URIs too (a strict client would stop here)")
		}
	}

	// 2. Authorization server metadata for the servers the PRM names.
	if prm := d.out.PRM; prm != nil {
		servers := prm.AuthorizationServers
		if len(servers) > maxAuthorizationServers {
			d.say(fmt.Sprintf("the protected resource metadata names %d authorization servers; mcpdoctor asks the first %d", len(servers), maxAuthorizationServers))
			servers = servers[:maxAuthorizationServers]
		}
		for _, issuer := range servers {
			urls, err := authServerMetadataURLs(issuer)
			if err != nil {
				d.say(fmt.Sprintf("authorization server %q is not an http(s) URL: %v", issuer, err))
				d.finding("oauth_metadata_invalid", evidence.SeverityWarning,
					fmt.Sprintf("the protected resource metadata at %s names the authorization server %q, which is not an http(s) URL", d.out.PRMURL, issuer),
					"authorization_servers must hold issuer URLs such as https://auth.example.com (RFC 9728 §2)")
				continue
			}
			for _, u := range urls {
				if ctx.Err() != nil {
					return
				}
				if as := d.authServer(ctx, u.url, u.why, issuer, true); as != nil {
					d.out.AuthServer, d.out.ASURL, d.out.AS = issuer, u.url, as
					return
				}
			}
		}
		if len(servers) > 0 {
			d.say("no authorization server named by the protected resource metadata answered with usable metadata")
		}
	}

	// 3. The MCP server's own origin: 2025-03-26 servers, and the URLs
	// Codex asks (codex-rs/rmcp-client/src/auth_status.rs, discovery_paths).
	for _, u := range codexMetadataURLs(d.target) {
		if ctx.Err() != nil {
			return
		}
		if d.tried[u.url] {
			continue
		}
		if as := d.authServer(ctx, u.url, u.why, "", false); as != nil {
			d.out.AuthServer, d.out.ASURL, d.out.AS, d.out.Fallback = origin, u.url, as, true
			return
		}
	}

	// 4. Nothing: what a 2025-03-26 client would still try.
	if d.out.PRM == nil {
		d.say(fmt.Sprintf("no OAuth metadata found; a 2025-03-26 client would assume the default endpoints %s/authorize, %s/token and %s/register, but nothing advertises them", origin, origin, origin))
	}
}

// protectedResource fetches and checks one PRM candidate.
func (d *discoverer) protectedResource(ctx context.Context, rawURL, why string, pointedTo bool) *ProtectedResourceMetadata {
	body, ok := d.fetch(ctx, rawURL, why, "protected resource metadata", pointedTo)
	if !ok {
		return nil
	}
	var prm ProtectedResourceMetadata
	if err := json.Unmarshal(body, &prm); err != nil {
		d.invalid(rawURL, "protected resource metadata", "its fields have the wrong types: "+err.Error(), pointedTo)
		return nil
	}
	if prm.Resource == "" && len(prm.AuthorizationServers) == 0 {
		d.invalid(rawURL, "protected resource metadata", "it is JSON but has neither resource nor authorization_servers", pointedTo)
		return nil
	}
	d.say(fmt.Sprintf("protected resource metadata at %s: resource=%s, authorization_servers=%v, scopes_supported=%v",
		rawURL, evidence.OrNone(prm.Resource), prm.AuthorizationServers, prm.ScopesSupported))

	// RFC 9728 §3.3: the resource must be the one the metadata was
	// looked up for, or clients must not use it.
	switch match := compareResource(prm.Resource, d.target); match {
	case resourceMissing:
		d.say("the protected resource metadata has no resource, which RFC 9728 §2 requires")
	case resourceParent:
		d.say(fmt.Sprintf("its resource %s is a parent of the server's URL %s: clients that compare strictly (RFC 9728 §3.3) refuse it, most accept it", prm.Resource, d.target))
	case resourceMismatch:
		d.out.ResourceMismatch = true
		d.finding("oauth_resource_mismatch", evidence.SeverityWarning,
			fmt.Sprintf("the protected resource metadata at %s is for the resource %s, not for this server's URL %s", rawURL, prm.Resource, d.target),
			"RFC 9728 §3.3 tells clients to refuse such metadata, so a strict client cannot log in: the server should put its own MCP URL in resource")
	}
	if len(prm.AuthorizationServers) == 0 {
		d.finding("oauth_no_authorization_servers", evidence.SeverityWarning,
			fmt.Sprintf("the protected resource metadata at %s names no authorization server", rawURL),
			"MCP 2025-11-25 requires at least one entry in authorization_servers; without one a client has nowhere to log in")
	}
	return &prm
}

// authServer fetches and checks one authorization server metadata
// candidate. issuer is the issuer it was derived from, "" for the MCP
// origin fallback; pointedTo says the server named it (through its PRM).
func (d *discoverer) authServer(ctx context.Context, rawURL, why, issuer string, pointedTo bool) *AuthServerMetadata {
	body, ok := d.fetch(ctx, rawURL, why, "authorization server metadata", false)
	if !ok {
		return nil
	}
	var as AuthServerMetadata
	if err := json.Unmarshal(body, &as); err != nil {
		d.invalid(rawURL, "authorization server metadata", "its fields have the wrong types: "+err.Error(), pointedTo)
		return nil
	}
	if as.AuthorizationEndpoint == "" || as.TokenEndpoint == "" {
		d.invalid(rawURL, "authorization server metadata", "it is JSON but lacks authorization_endpoint or token_endpoint, so no client can log in with it", pointedTo)
		return nil
	}
	registration := "no registration_endpoint (no dynamic client registration)"
	if as.RegistrationEndpoint != "" {
		registration = "registration_endpoint=" + as.RegistrationEndpoint
	}
	d.say(fmt.Sprintf("authorization server metadata at %s: issuer=%s, authorization_endpoint=%s, token_endpoint=%s, %s, scopes_supported=%v, code_challenge_methods_supported=%v",
		rawURL, evidence.OrNone(as.Issuer), as.AuthorizationEndpoint, as.TokenEndpoint, registration, as.ScopesSupported, as.CodeChallengeMethodsSupported))
	if as.ClientIDMetadataDocumentSupported {
		d.say("the authorization server accepts client ID metadata documents")
	}
	if !containsFold(as.CodeChallengeMethodsSupported, "S256") {
		d.say("it does not list S256 in code_challenge_methods_supported; MCP clients must refuse to log in without PKCE S256 (MCP 2025-11-25)")
	}
	// RFC 8414 §3.3: the issuer must be the one the URL was built from.
	if issuer != "" && as.Issuer != issuer {
		if strings.TrimSuffix(as.Issuer, "/") == strings.TrimSuffix(issuer, "/") {
			d.say(fmt.Sprintf("its issuer %s and the authorization server %s differ only by a trailing slash, which strict clients (RFC 8414 §3.3) refuse", as.Issuer, issuer))
		} else {
			d.out.IssuerMismatch = true
			d.finding("oauth_issuer_mismatch", evidence.SeverityWarning,
				fmt.Sprintf("the authorization server metadata at %s says issuer %s, but it was looked up for %s", rawURL, evidence.OrNone(as.Issuer), issuer),
				"RFC 8414 §3.3 tells clients to refuse such metadata: the issuer must be exactly the URL in authorization_servers")
		}
	}
	return &as
}

// fetch GETs one metadata URL and returns its body when it is a JSON object
// answered with 200. Everything else is said as evidence.
func (d *discoverer) fetch(ctx context.Context, rawURL, why, what string, pointedTo bool) ([]byte, bool) {
	d.tried[rawURL] = true
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		d.say(fmt.Sprintf("%s URL %q (%s) is not an http(s) URL", what, rawURL, why))
		d.invalid(rawURL, what, "the URL is not http(s)", pointedTo)
		return nil, false
	}
	f := d.fetches.get(ctx, rawURL, func() fetched { return d.load(ctx, u) })
	if f == nil {
		return nil, false // out of time while another run was asking it
	}
	if !wire.SameOrigin(u, d.target) && pointedTo && f.blocked == nil {
		d.say(fmt.Sprintf("%s is on another origin than the MCP server (%s); discovery sends nothing secret, so it is asked", rawURL, wire.OriginOf(d.target)))
	}
	for _, h := range f.hops {
		note := h.note
		switch h.kind {
		case hopError:
			note = why
		case hopStatus:
			note = why + ": no " + what + " here"
		}
		d.record(h.ex, note)
	}
	if f.blocked != nil {
		d.say(fmt.Sprintf("%s was not asked, as it leads to a %s address (%s): the OAuth metadata there could not be checked", rawURL, f.blocked.Zone, netguard.AllowFlag+" allows it"))
		d.finding("discovery_blocked", evidence.SeverityWarning,
			fmt.Sprintf("the server's OAuth discovery points at %s, which leads to a %s address (%s): mcpdoctor did not ask it, so what it serves could not be checked", rawURL, f.blocked.Zone, f.blocked.Host),
			"a server may name only addresses as public as its own; if you trust this one, probe again with "+netguard.AllowFlag)
	}
	if f.last == nil {
		return nil, false
	}
	// A copy: the cached answer is shared with the other run.
	ex := *f.last
	switch {
	case errors.Is(f.readErr, wire.ErrTooLarge):
		ex.Truncated = true
		d.record(ex, fmt.Sprintf("%s: larger than %d bytes, not read", why, maxMetadataBytes))
		d.invalid(rawURL, what, fmt.Sprintf("it is larger than %d bytes", maxMetadataBytes), pointedTo)
		return nil, false
	case f.readErr != nil:
		d.record(ex, why+": the body broke off: "+f.readErr.Error())
		return nil, false
	}
	trimmed := bytes.TrimSpace(f.body)
	if f.mediaType == "text/event-stream" {
		d.record(ex, why+": an event stream, not JSON metadata (not read)")
		d.invalid(rawURL, what, "it is an event stream, not JSON", pointedTo)
		return nil, false
	}
	if f.mediaType == "text/html" || bytes.HasPrefix(trimmed, []byte("<")) {
		d.record(ex, why+": an HTML page, not JSON metadata")
		d.invalid(rawURL, what, "it is an HTML page, not JSON", pointedTo)
		return nil, false
	}
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		d.record(ex, fmt.Sprintf("%s: not a JSON object (%q)", why, evidence.OneLine(f.body, 40)))
		d.invalid(rawURL, what, "it is not a JSON object", pointedTo)
		return nil, false
	}
	d.record(ex, why+": "+what+" found")
	return trimmed, true
}

// fetched is what asking one URL brought: the hops up to the last answer
// (each with what it meant, where that does not depend on why the URL was
// asked), and, for a 200, its body.
type fetched struct {
	hops []hop
	// last is the 200's exchange, nil when there was none.
	last      *evidence.Exchange
	body      []byte
	readErr   error
	mediaType string
	// cutShort says the run that asked ran out of time or was stopped
	// mid-request: the answer is not the server's, and another run asks
	// again.
	cutShort bool
	// blocked is why the URL was not asked: it leads somewhere the
	// server may not send mcpdoctor (internal/netguard).
	blocked *netguard.Refused
}

type hopKind int

const (
	hopError    hopKind = iota // the request failed
	hopRedirect                // a redirect, followed or not (note says)
	hopStatus                  // an answer other than 200
)

type hop struct {
	ex   evidence.Exchange
	kind hopKind
	note string
}

// load asks one URL, following redirects within its origin, and reads a
// 200's body. It records nothing: fetch says what the answer means.
func (d *discoverer) load(ctx context.Context, u *url.URL) fetched {
	var f fetched
	for n := 0; ; n++ {
		resp, ex, err := d.get(ctx, u)
		if err != nil {
			ex.Err = err.Error()
			var refused *netguard.Refused
			if errors.As(err, &refused) {
				ex.Err = refused.Error()
				f.blocked = refused
			}
			f.hops = append(f.hops, hop{ex: ex, kind: hopError})
			f.cutShort = ctx.Err() != nil
			return f
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "" {
			wire.DrainClose(resp.Body)
			next, lerr := u.Parse(resp.Header.Get("Location"))
			h := hop{ex: ex, kind: hopRedirect}
			switch {
			case lerr != nil:
				h.note = "a redirect to an unreadable Location, not followed"
			case !wire.SameOrigin(next, u):
				h.note = fmt.Sprintf("a redirect to another origin (%s), not followed: discovery stays on the origin it asked", next.String())
			case n >= wire.MaxRedirects:
				h.note = fmt.Sprintf("more than %d redirects, not followed", wire.MaxRedirects)
			default:
				h.note = "redirect to " + next.String()
				f.hops = append(f.hops, h)
				u = next
				continue
			}
			f.hops = append(f.hops, h)
			return f
		}
		if resp.StatusCode != http.StatusOK {
			wire.DrainClose(resp.Body)
			f.hops = append(f.hops, hop{ex: ex, kind: hopStatus})
			return f
		}
		if mt := wire.MediaType(resp.Header); mt == "text/event-stream" {
			// A stream may never end: its content type says it is not
			// metadata, so it is not read.
			resp.Body.Close()
			f.last, f.mediaType = &ex, mt
			return f
		}
		body, rerr := wire.ReadCapped(resp.Body, maxMetadataBytes)
		resp.Body.Close()
		ex.ResponseBody = evidence.Excerpt(body, evidence.MaxExcerpt)
		ex.Truncated = len(body) > evidence.MaxExcerpt
		f.last, f.body, f.readErr, f.mediaType = &ex, body, rerr, wire.MediaType(resp.Header)
		return f
	}
}

// fetchCache holds what each URL brought, and waits for an answer being
// fetched rather than asking twice.
type fetchCache struct {
	mu      sync.Mutex
	entries map[string]*fetchEntry
}

type fetchEntry struct {
	done chan struct{}
	f    fetched
}

func newFetchCache() *fetchCache { return &fetchCache{entries: map[string]*fetchEntry{}} }

// get returns the answer for url: cached, awaited, or loaded now. It
// returns nil when ctx ends while another run is still asking.
func (c *fetchCache) get(ctx context.Context, url string, load func() fetched) *fetched {
	c.mu.Lock()
	e, ok := c.entries[url]
	if !ok {
		e = &fetchEntry{done: make(chan struct{})}
		c.entries[url] = e
	}
	c.mu.Unlock()
	if !ok {
		e.f = load()
		close(e.done)
		return &e.f
	}
	select {
	case <-e.done:
		if e.f.cutShort && ctx.Err() == nil {
			// The run ahead was stopped mid-request: ask again.
			c.mu.Lock()
			delete(c.entries, url)
			c.mu.Unlock()
			return c.get(ctx, url, load)
		}
		return &e.f
	case <-ctx.Done():
		return nil
	}
}

// get sends one discovery GET with nothing but Accept, a User-Agent and,
// to the MCP server's origin, the MCP-Protocol-Version header (the spec
// asks clients to send it to the MCP server; Codex sends 2024-11-05).
func (d *discoverer) get(ctx context.Context, u *url.URL) (*http.Response, evidence.Exchange, error) {
	ex := evidence.Exchange{Method: http.MethodGet, URL: u.String()}
	ctx, cancel := context.WithTimeout(ctx, discoveryRequestTimeout)
	if !wire.SameOrigin(u, d.target) {
		// The server named this URL: it may not lead anywhere more
		// private than the server itself.
		ctx = netguard.With(ctx, d.guard)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, ex, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", d.userAgent)
	if wire.SameOrigin(u, d.target) && d.version != "" {
		req.Header.Set("Mcp-Protocol-Version", d.version)
	}
	ex.RequestHeader = req.Header.Clone()
	ex.Proxy = wire.ProxyFor(d.client.Transport, req)
	start := time.Now()
	resp, err := d.client.Do(req)
	ex.Duration = time.Since(start)
	if err != nil {
		cancel()
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %s", wire.RoundDuration(ex.Duration))
		}
		return nil, ex, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	ex.Status = resp.StatusCode
	ex.ResponseHeader = http.Header{}
	for _, name := range []string{"Content-Type", "Location", "Www-Authenticate"} {
		if v := resp.Header.Values(name); len(v) > 0 {
			ex.ResponseHeader[name] = v
		}
	}
	return resp, ex, nil
}

// cancelBody releases a request's timeout when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelBody) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// record adds the exchange to the stage and its one-line summary, with
// what it meant, to the evidence.
func (d *discoverer) record(ex evidence.Exchange, meaning string) {
	if meaning != "" {
		ex.Note = meaning
	}
	d.rec.Add(ex)
	line := ex.Summary()
	if ex.Note != "" {
		line += ": " + ex.Note
	}
	d.say(line)
}

func (d *discoverer) say(line string) { d.out.Evidence = append(d.out.Evidence, line) }

// invalid reports a broken document where the server said one would be.
// A miss at a guessed well-known URL is only evidence: many sites answer
// every unknown path with their home page.
func (d *discoverer) invalid(rawURL, what, why string, pointedTo bool) {
	if !pointedTo {
		return
	}
	d.finding("oauth_metadata_invalid", evidence.SeverityWarning,
		fmt.Sprintf("the %s at %s, which the server points to, cannot be used: %s", what, rawURL, why),
		"serve the metadata as a JSON object with Content-Type application/json (RFC 9728 §3.2, RFC 8414 §3.2)")
}

// finding adds a finding once per code.
func (d *discoverer) finding(code string, severity evidence.Severity, msg, hint string) {
	for _, f := range d.out.Findings {
		if f.Code == code {
			return
		}
	}
	d.out.Findings = append(d.out.Findings, evidence.Finding{Code: code, Severity: severity, Message: msg, Hint: hint})
}

// metadataURL is a candidate URL and why it is asked.
type metadataURL struct{ url, why string }

// authServerMetadataURLs lists the URLs of an issuer's metadata in the order
// MCP 2025-11-25 gives ("Authorization Server Metadata Discovery").
func authServerMetadataURLs(issuer string) ([]metadataURL, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("scheme %q, host %q", u.Scheme, u.Host)
	}
	origin := originURL(u)
	// RFC 8414 §3.1: a terminating "/" is removed before inserting.
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	if p == "" {
		return []metadataURL{
			{origin + "/.well-known/oauth-authorization-server", "RFC 8414 authorization server metadata"},
			{origin + "/.well-known/openid-configuration", "OpenID Connect discovery"},
		}, nil
	}
	return []metadataURL{
		{origin + "/.well-known/oauth-authorization-server" + p, "RFC 8414 authorization server metadata, path inserted"},
		{origin + "/.well-known/openid-configuration" + p, "OpenID Connect discovery, path inserted"},
		{origin + p + "/.well-known/openid-configuration", "OpenID Connect discovery, path appended"},
	}, nil
}

// codexMetadataURLs lists the authorization server metadata URLs Codex
// asks on the MCP server's own URL (codex-rs/rmcp-client/src/auth_status.rs,
// discovery_paths): path-inserted, path-appended, then the root, which is
// also where a 2025-03-26 client looks.
func codexMetadataURLs(target *url.URL) []metadataURL {
	origin := originURL(target)
	const wk = "/.well-known/oauth-authorization-server"
	root := metadataURL{origin + wk, "RFC 8414 metadata at the MCP server's origin (2025-03-26; Codex asks it too)"}
	p := strings.Trim(target.EscapedPath(), "/")
	if p == "" {
		return []metadataURL{root}
	}
	return []metadataURL{
		{origin + wk + "/" + p, "RFC 8414 metadata on the MCP URL, path inserted (Codex asks it)"},
		{origin + "/" + p + wk, "RFC 8414 metadata on the MCP URL, path appended (Codex asks it)"},
		root,
	}
}

// originURL is scheme://host[:port] as written, without a path.
func originURL(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + u.Host
}

// How a PRM's resource compares with the MCP URL.
const (
	resourceExact = iota
	resourceMissing
	resourceParent
	resourceMismatch
)

// compareResource compares a PRM's resource with the MCP URL: scheme and
// host case-insensitively, default ports made explicit, a trailing slash
// ignored.
func compareResource(resource string, target *url.URL) int {
	if resource == "" {
		return resourceMissing
	}
	r, err := url.Parse(resource)
	if err != nil || !wire.SameOrigin(r, target) {
		return resourceMismatch
	}
	rp := strings.TrimSuffix(r.EscapedPath(), "/")
	tp := strings.TrimSuffix(target.EscapedPath(), "/")
	switch {
	case rp == tp && r.RawQuery == "":
		return resourceExact
	case rp == "" || strings.HasPrefix(tp, rp+"/"):
		return resourceParent
	}
	return resourceMismatch
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
