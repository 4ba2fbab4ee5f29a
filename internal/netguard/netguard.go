// Package netguard keeps the URLs a server names from reaching past the
// server's own place on the network. The user chose the server's URL;
// everything the server names after that (where its OAuth metadata is,
// its authorization servers and their endpoints, a redirect's Location, a
// legacy SSE endpoint) is the server's choice, and a hostile server would
// choose the cloud metadata service or the user's internal network (RFC
// 9728 §7.7; OWASP, "Server Side Request Forgery Prevention").
//
// The rule, by zone (public < private < loopback):
//
//   - never an unspecified, multicast, broadcast or reserved address;
//   - never a link-local address or a cloud metadata service
//     (169.254.0.0/16, fe80::/10, fd00:ec2::254, metadata.google.internal
//     and the like);
//   - a loopback address only when the configured server is itself on
//     loopback, a private one only when it is itself on a private address
//     (a corporate server on 10.x may name a 10.x issuer; a public or a
//     loopback one may not);
//   - any public address.
//
// Policy.AllowPrivate (--allow-private-discovery) lifts all but the first.
//
// The check is made on the address a connection really goes to: a name is
// resolved once and the connection dialed to the address that was checked,
// so a name that resolves to a forbidden address, or resolves otherwise
// the second time, does not get through. Behind an HTTP proxy the proxy
// connects, so the target's host is checked before the request is handed
// to it. Requests carry their policy in their context (With); requests
// without one (the URL the user configured) are not restricted.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
)

// Zone says where an address is, from the open internet inward.
type Zone int

const (
	// Public is any address on the internet.
	Public Zone = iota
	// Private is a private network: RFC 1918, unique local IPv6, shared
	// address space (carrier NAT), and the other non-global ranges.
	Private
	// Loopback is this machine.
	Loopback
	// LinkLocal is the local link, where the cloud metadata services are.
	LinkLocal
	// Never is no destination at all: unspecified, multicast, broadcast,
	// reserved.
	Never
)

func (z Zone) String() string {
	switch z {
	case Public:
		return "public"
	case Private:
		return "private"
	case Loopback:
		return "loopback"
	case LinkLocal:
		return "link-local"
	}
	return "non-routable"
}

// The cloud metadata services that live outside the link-local range
// (AWS's IPv6 one, Alibaba's, Oracle's): refused like link-local ones.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
	netip.MustParseAddr("192.0.0.192"),
}

// metadataNames are the host names of cloud metadata services, refused by
// name too: behind a proxy, the proxy resolves them, not mcpdoctor.
var metadataNames = []string{"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal", "metadata.azure.com"}

var (
	privateRanges = mustPrefixes("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "fc00::/7")
	neverRanges   = mustPrefixes("0.0.0.0/8", "240.0.0.0/4", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "100::/64", "2001:db8::/32")
	nat64         = netip.MustParsePrefix("64:ff9b::/96")
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// ZoneOf says where an address is. An IPv4 address carried in IPv6
// (::ffff:a.b.c.d, or NAT64's 64:ff9b::a.b.c.d) is judged as that IPv4
// address, which is where it leads.
func ZoneOf(a netip.Addr) Zone {
	a = a.Unmap()
	if nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	switch {
	case !a.IsValid(), a.IsUnspecified(), a.IsMulticast(), a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return Never
	case a.IsLoopback():
		return Loopback
	case a.IsLinkLocalUnicast():
		return LinkLocal
	}
	for _, m := range metadataAddrs {
		if a == m {
			return LinkLocal
		}
	}
	for _, p := range neverRanges {
		if p.Contains(a) {
			return Never
		}
	}
	for _, p := range privateRanges {
		if p.Contains(a) {
			return Private
		}
	}
	return Public
}

// nameZone says where a host name leads without resolving it: localhost
// is loopback (RFC 6761), a metadata service's name link-local.
func nameZone(host string) (Zone, bool) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	switch {
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		return Loopback, true
	}
	for _, m := range metadataNames {
		if h == m {
			return LinkLocal, true
		}
	}
	return 0, false
}

// Resolver looks host names up; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Policy decides where the URLs a server names may lead.
type Policy struct {
	// Home is the host of the URL the user configured, whose zone bounds
	// the others.
	Home string
	// AllowPrivate lets them reach any unicast address
	// (--allow-private-discovery).
	AllowPrivate bool
	// Resolver looks names up; nil means net.DefaultResolver.
	Resolver Resolver

	once     sync.Once
	homeZone Zone
}

// AllowFlag is the command-line flag that sets AllowPrivate, for messages.
const AllowFlag = "--allow-private-discovery"

func (p *Policy) resolver() Resolver {
	if p.Resolver != nil {
		return p.Resolver
	}
	return net.DefaultResolver
}

// HomeZone is the zone of the configured server: its address, or the
// most public of the addresses its name resolves to (the least it may
// name), public when it does not resolve here (behind a proxy, say).
func (p *Policy) HomeZone(ctx context.Context) Zone {
	p.once.Do(func() {
		p.homeZone = Public
		host := strings.Trim(p.Home, "[]")
		if a, err := netip.ParseAddr(host); err == nil {
			p.homeZone = ZoneOf(a)
			return
		}
		if z, ok := nameZone(host); ok {
			p.homeZone = z
			return
		}
		addrs, err := p.resolver().LookupNetIP(ctx, "ip", host)
		if err != nil || len(addrs) == 0 {
			return
		}
		p.homeZone = Loopback
		for _, a := range addrs {
			p.homeZone = min(p.homeZone, ZoneOf(a))
		}
	})
	return p.homeZone
}

// Refused is a connection the policy did not allow.
type Refused struct {
	// Host is the host the URL named; Addr the address it leads to, when
	// it was resolved.
	Host string
	Addr netip.Addr
	// Zone is the target's, HomeZone the configured server's.
	Zone, HomeZone Zone
	Home           string
}

func (e *Refused) Error() string {
	target := e.Host
	if e.Addr.IsValid() && e.Addr.String() != strings.Trim(e.Host, "[]") {
		target += " (" + e.Addr.String() + ")"
	}
	var why string
	switch e.Zone {
	case Never:
		return fmt.Sprintf("mcpdoctor does not connect to %s: it is no address to connect to", target)
	case LinkLocal:
		why = "a link-local address, where cloud metadata services answer"
	case Loopback:
		why = fmt.Sprintf("this machine, and the configured server (%s) is not on loopback", e.Home)
	case Private:
		why = fmt.Sprintf("a private address, and the configured server (%s) is on a %s one", e.Home, e.HomeZone)
	}
	return fmt.Sprintf("mcpdoctor did not connect to %s, which the server named: it is %s; a server may name only addresses as public as its own (%s allows it)", target, why, AllowFlag)
}

// IsRefused reports whether err is, or wraps, a refusal.
func IsRefused(err error) bool {
	var r *Refused
	return errors.As(err, &r)
}

// allow decides one address.
func (p *Policy) allow(ctx context.Context, host string, a netip.Addr, z Zone) error {
	if z == Never {
		return &Refused{Host: host, Addr: a, Zone: z, Home: p.Home}
	}
	if p.AllowPrivate || z == Public {
		return nil
	}
	home := p.HomeZone(ctx)
	switch {
	case z == Loopback && home == Loopback, z == Private && home == Private:
		return nil
	}
	return &Refused{Host: host, Addr: a, Zone: z, HomeZone: home, Home: p.Home}
}

// Addrs resolves host (once) and returns the addresses the policy allows
// it to lead to, in the resolver's order; an error when there are none.
func (p *Policy) Addrs(ctx context.Context, host string) ([]netip.Addr, error) {
	bare := strings.Trim(host, "[]")
	if a, err := netip.ParseAddr(bare); err == nil {
		if err := p.allow(ctx, host, a, ZoneOf(a)); err != nil {
			return nil, err
		}
		return []netip.Addr{a}, nil
	}
	if z, ok := nameZone(bare); ok {
		if err := p.allow(ctx, host, netip.Addr{}, z); err != nil {
			return nil, err
		}
	}
	addrs, err := p.resolver().LookupNetIP(ctx, "ip", bare)
	if err != nil {
		return nil, err
	}
	var ok []netip.Addr
	var refused error
	for _, a := range addrs {
		if err := p.allow(ctx, host, a, ZoneOf(a)); err != nil {
			refused = cmpOr(refused, err)
			continue
		}
		ok = append(ok, a)
	}
	if len(ok) == 0 {
		if refused == nil {
			refused = &net.DNSError{Err: "no addresses", Name: bare, IsNotFound: true}
		}
		return nil, refused
	}
	return ok, nil
}

// CheckProxied decides a host a proxy will connect to: an address as it
// is; a name by what it resolves to here, every address of it allowed. A
// name that does not resolve here is left to the proxy, unless it is a
// metadata service's.
func (p *Policy) CheckProxied(ctx context.Context, host string) error {
	bare := strings.Trim(host, "[]")
	if a, err := netip.ParseAddr(bare); err == nil {
		return p.allow(ctx, host, a, ZoneOf(a))
	}
	if z, ok := nameZone(bare); ok {
		return p.allow(ctx, host, netip.Addr{}, z)
	}
	addrs, err := p.resolver().LookupNetIP(ctx, "ip", bare)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if err := p.allow(ctx, host, a, ZoneOf(a)); err != nil {
			return err
		}
	}
	return nil
}

// CheckLiteral decides a host that needs no lookup: an address, localhost
// or a metadata service's name. Other names pass here; they are decided
// by what they resolve to (Addrs).
func (p *Policy) CheckLiteral(ctx context.Context, host string) error {
	bare := strings.Trim(host, "[]")
	if a, err := netip.ParseAddr(bare); err == nil {
		return p.allow(ctx, host, a, ZoneOf(a))
	}
	if z, ok := nameZone(bare); ok {
		return p.allow(ctx, host, netip.Addr{}, z)
	}
	return nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

type policyKey struct{}

// With returns ctx carrying p: the connections of requests made with it
// are checked.
func With(ctx context.Context, p *Policy) context.Context {
	if p == nil {
		return ctx
	}
	return context.WithValue(ctx, policyKey{}, p)
}

// From returns the policy ctx carries, or nil.
func From(ctx context.Context) *Policy {
	p, _ := ctx.Value(policyKey{}).(*Policy)
	return p
}
