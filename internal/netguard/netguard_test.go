package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestZoneOf(t *testing.T) {
	for addr, want := range map[string]Zone{
		"8.8.8.8": Public, "2606:4700::1111": Public, "1.1.1.1": Public,
		"10.0.0.1": Private, "172.16.5.4": Private, "192.168.1.1": Private, "100.64.0.1": Private, "fd12:3456::1": Private,
		"127.0.0.1": Loopback, "127.9.9.9": Loopback, "::1": Loopback, "::ffff:127.0.0.1": Loopback,
		"169.254.169.254": LinkLocal, "169.254.170.2": LinkLocal, "fe80::1": LinkLocal, "fd00:ec2::254": LinkLocal,
		"100.100.100.200": LinkLocal, "192.0.0.192": LinkLocal, "::ffff:169.254.169.254": LinkLocal, "64:ff9b::a9fe:a9fe": LinkLocal,
		"64:ff9b::808:808": Public,
		"0.0.0.0":          Never, "::": Never, "224.0.0.1": Never, "ff02::1": Never, "255.255.255.255": Never, "0.1.2.3": Never, "240.0.0.1": Never,
	} {
		if got := ZoneOf(netip.MustParseAddr(addr)); got != want {
			t.Errorf("ZoneOf(%s) = %s, want %s", addr, got, want)
		}
	}
}

// fakeResolver answers from a table, one answer per call in turn: a name
// that resolves otherwise the second time.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]string
	calls   map[string]int
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	answers, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	n := r.calls[host]
	r.calls[host]++
	var out []netip.Addr
	for _, a := range answers[min(n, len(answers)-1)] {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestPolicyRules(t *testing.T) {
	res := &fakeResolver{answers: map[string][][]string{
		"public.example": {{"93.184.216.34"}}, "corp.example": {{"10.1.2.3"}}, "evil.example": {{"169.254.169.254"}},
		"mixed.example": {{"93.184.216.34", "10.0.0.1"}}, "loop.example": {{"127.0.0.1"}},
		"localhost": {{"127.0.0.1"}}, "metadata.google.internal": {{"169.254.169.254"}},
	}}
	cases := []struct {
		home, target string
		allow        bool
		private      bool // with AllowPrivate
	}{
		{"public.example", "8.8.8.8", true, true},
		{"public.example", "10.0.0.1", false, true},
		{"public.example", "127.0.0.1", false, true},
		{"public.example", "169.254.169.254", false, true},
		{"public.example", "evil.example", false, true},
		{"public.example", "metadata.google.internal", false, true},
		{"public.example", "localhost", false, true},
		{"public.example", "0.0.0.0", false, false},
		{"public.example", "224.0.0.1", false, false},
		{"10.9.9.9", "10.0.0.1", true, true},
		{"corp.example", "corp.example", true, true},
		{"corp.example", "127.0.0.1", false, true},
		{"127.0.0.1", "127.0.0.1", true, true},
		{"127.0.0.1", "10.0.0.1", false, true},
		{"127.0.0.1", "169.254.169.254", false, true},
		{"localhost", "::1", true, true},
		{"127.0.0.1", "public.example", true, true},
		// Any address of the name is checked, and only allowed ones dialed.
		{"public.example", "mixed.example", true, true},
		// A home that does not resolve here counts as public.
		{"nowhere.example", "127.0.0.1", false, true},
	}
	for _, c := range cases {
		for _, private := range []bool{false, true} {
			p := &Policy{Home: c.home, Resolver: res, AllowPrivate: private}
			addrs, err := p.Addrs(context.Background(), c.target)
			want := c.allow || private && c.private
			if got := err == nil; got != want {
				t.Errorf("home %s, target %s, allow private %v: allowed %v (%v), want %v", c.home, c.target, private, got, err, want)
			}
			if err != nil && !IsRefused(err) {
				t.Errorf("home %s, target %s: %v is not a refusal", c.home, c.target, err)
			}
			for _, a := range addrs {
				if z := ZoneOf(a); !private && z != Public && z != p.HomeZone(context.Background()) {
					t.Errorf("home %s, target %s: %s (%s) allowed", c.home, c.target, a, z)
				}
			}
		}
	}
	// The message names the target, its address and the flag.
	_, err := (&Policy{Home: "127.0.0.1", Resolver: res}).Addrs(context.Background(), "evil.example")
	if err == nil || !strings.Contains(err.Error(), "evil.example (169.254.169.254)") || !strings.Contains(err.Error(), AllowFlag) {
		t.Errorf("refusal: %v", err)
	}
}

// testNet is a network for the transport that never leaves this machine:
// every dial, whatever address it asks for, reaches one loopback server,
// and the addresses asked for are recorded.
type testNet struct {
	srv   *httptest.Server
	mu    sync.Mutex
	dials []string
	hits  []string
}

func newTestNet(t *testing.T) *testNet {
	n := &testNet{}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.mu.Lock()
		n.hits = append(n.hits, r.Host+r.URL.RequestURI())
		n.mu.Unlock()
		io.WriteString(w, "AccessKeyId=AKIAIOSFODNN7EXAMPLE")
	}))
	t.Cleanup(n.srv.Close)
	return n
}

func (n *testNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	n.dials = append(n.dials, addr)
	n.mu.Unlock()
	return (&net.Dialer{}).DialContext(ctx, "tcp", n.srv.Listener.Addr().String())
}

func (n *testNet) seen() (dials, hits []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dials...), append([]string(nil), n.hits...)
}

func get(t *testing.T, tr *http.Transport, p *Policy, rawURL string) error {
	t.Helper()
	req, _ := http.NewRequestWithContext(With(context.Background(), p), http.MethodGet, rawURL, nil)
	resp, err := tr.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// TestTransportDialsWhatItChecked: the route to a forbidden address is
// checked first (allowed, it reaches the loopback stand-in); then the
// same requests are refused before anything is dialed, and a name is
// dialed at the address that was checked, resolved once.
func TestTransportDialsWhatItChecked(t *testing.T) {
	n := newTestNet(t)
	res := &fakeResolver{answers: map[string][][]string{
		"evil.example":   {{"169.254.169.254"}},
		"rebind.example": {{"93.184.216.34"}, {"169.254.169.254"}},
	}}
	tr := &http.Transport{DialContext: n.dial}
	Install(tr)

	// The route: allowed, the metadata URL reaches the stand-in.
	if err := get(t, tr, &Policy{Home: "127.0.0.1", AllowPrivate: true, Resolver: res}, "http://169.254.169.254/latest/meta-data/"); err != nil {
		t.Fatal(err)
	}
	if dials, hits := n.seen(); len(dials) != 1 || dials[0] != "169.254.169.254:80" || len(hits) != 1 {
		t.Fatalf("the route is not checked: dials %v, hits %v", dials, hits)
	}
	// Its connection stays in the pool: a refused request must not reuse
	// it.

	for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://evil.example/", "http://10.0.0.1:8080/", "http://[fe80::1]/", "http://metadata.google.internal/"} {
		err := get(t, tr, &Policy{Home: "127.0.0.1", Resolver: res}, u)
		if !IsRefused(err) {
			t.Errorf("%s: %v, want a refusal", u, err)
		}
	}
	if dials, hits := n.seen(); len(dials) != 1 || len(hits) != 1 {
		t.Errorf("refused requests were dialed: %v, %v", dials, hits)
	}

	// A name that resolves to a public address, then to the metadata
	// service: dialed once, at the public address.
	if err := get(t, tr, &Policy{Home: "127.0.0.1", Resolver: res}, "http://rebind.example/x"); err != nil {
		t.Fatal(err)
	}
	tr.CloseIdleConnections()
	if err := get(t, tr, &Policy{Home: "127.0.0.1", Resolver: res}, "http://rebind.example/y"); !IsRefused(err) {
		t.Errorf("second lookup: %v, want a refusal", err)
	}
	if dials, _ := n.seen(); len(dials) != 2 || dials[1] != "93.184.216.34:80" {
		t.Errorf("dials %v, want the checked address", dials)
	}

	// Without a policy (the URL the user configured), nothing is checked.
	req, _ := http.NewRequest(http.MethodGet, "http://10.0.0.1:8080/", nil)
	if resp, err := tr.RoundTrip(req); err != nil {
		t.Errorf("unguarded request: %v", err)
	} else {
		resp.Body.Close()
	}
}

// TestTransportChecksBeforeTheProxy: behind a proxy, the target is checked
// before the request is handed over; the proxy itself, which the user
// configured, is dialed as it is.
func TestTransportChecksBeforeTheProxy(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Host)
		mu.Unlock()
		io.WriteString(w, "AccessKeyId=AKIAIOSFODNN7EXAMPLE")
	}))
	t.Cleanup(proxy.Close)
	pu, _ := url.Parse(proxy.URL)
	tr := &http.Transport{Proxy: http.ProxyURL(pu)}
	Install(tr)
	// The route first.
	if err := get(t, tr, &Policy{Home: "127.0.0.1", AllowPrivate: true}, "http://10.0.0.1:8080/"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://10.0.0.1:8080/", "http://169.254.169.254/", "http://metadata.google.internal/computeMetadata/v1/"} {
		if err := get(t, tr, &Policy{Home: "127.0.0.1"}, u); !IsRefused(err) {
			t.Errorf("%s through the proxy: %v, want a refusal", u, err)
		}
	}
	// A name the proxy resolves and this machine cannot is the proxy's.
	if err := get(t, tr, &Policy{Home: "127.0.0.1", Resolver: &fakeResolver{}}, "http://only-the-proxy-knows.example/"); err != nil {
		t.Errorf("unresolvable name behind a proxy: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(asked) != "[10.0.0.1:8080 only-the-proxy-knows.example]" {
		t.Errorf("the proxy was asked for %v", asked)
	}
	var r *Refused
	if err := get(t, tr, &Policy{Home: "127.0.0.1"}, "http://10.0.0.1:8080/"); !errors.As(err, &r) || r.Zone != Private || r.HomeZone != Loopback {
		t.Errorf("refusal: %#v", err)
	}
}
