package netguard

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// DialFunc dials a network address, as net.Dialer.DialContext does.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// Install makes t check, for every request whose context carries a Policy
// (With), where its connection goes: dialed directly, to an address the
// policy allows, resolved once; through a proxy, to a host the policy
// allows. Requests without a policy are as before. The proxies t itself
// names are the user's, and are dialed as they are.
func Install(t *http.Transport) {
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	g := &guard{dial: dial, proxy: t.Proxy}
	t.DialContext = g.dialContext
	// Proxy is asked for every request, even one that will reuse a pooled
	// connection: where a literal address leads is checked there too.
	t.Proxy = g.proxyFor
}

type guard struct {
	dial  DialFunc
	proxy func(*http.Request) (*url.URL, error)
	// proxies are the proxy addresses t was told to use, which are dialed
	// unchecked: the user configured them.
	mu      sync.Mutex
	proxies map[string]bool
}

func (g *guard) proxyFor(req *http.Request) (*url.URL, error) {
	var u *url.URL
	if g.proxy != nil {
		var err error
		if u, err = g.proxy(req); err != nil {
			return nil, err
		}
	}
	if u != nil {
		g.mu.Lock()
		if g.proxies == nil {
			g.proxies = map[string]bool{}
		}
		g.proxies[canonicalAddr(u)] = true
		g.mu.Unlock()
	}
	p := From(req.Context())
	switch {
	case p == nil:
	case u != nil:
		if err := p.CheckProxied(req.Context(), req.URL.Hostname()); err != nil {
			return nil, err
		}
	default:
		// A name is checked where it is dialed, at the address it
		// resolves to; an address, or a name that needs no lookup, here.
		if err := p.CheckLiteral(req.Context(), req.URL.Hostname()); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func (g *guard) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	p := From(ctx)
	if p == nil || g.isProxy(addr) {
		return g.dial(ctx, network, addr)
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, &net.AddrError{Err: "bad port", Addr: addr}
	}
	addrs, err := p.Addrs(ctx, host)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	// The addresses that were checked, and no new lookup: a name that
	// resolves otherwise the second time does not get through.
	var last error
	for _, a := range addrs {
		if network == "tcp4" && !a.Unmap().Is4() || network == "tcp6" && a.Unmap().Is4() {
			continue
		}
		conn, err := g.dial(ctx, network, netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	if last == nil {
		last = &net.AddrError{Err: "no address of the right family", Addr: host}
	}
	return nil, last
}

func (g *guard) isProxy(addr string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.proxies[addr]
}

// canonicalAddr is the host:port a transport dials for a proxy URL.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "socks5", "socks5h":
			port = "1080"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}
