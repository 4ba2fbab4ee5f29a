// Package latency makes an in-process server behave like a remote one, for
// the tests and benchmarks of mcptest and its helper processes.
package latency

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Latency makes an in-process server behave like a remote one: every
// request waits Request before it is handled (a round trip), and every new
// connection waits Connect before its first byte is read (TCP and TLS
// set-up). Conns, when set, counts the connections accepted, so that a
// test can tell reuse from reconnecting.
type Latency struct {
	Request time.Duration
	Connect time.Duration
	Conns   *atomic.Int64
}

// Handler delays every request by Request.
func (l Latency) Handler(h http.Handler) http.Handler {
	if l.Request <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(l.Request):
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Listener delays every new connection by Connect, and counts them.
func (l Latency) Listener(ln net.Listener) net.Listener {
	if l.Connect <= 0 && l.Conns == nil {
		return ln
	}
	return &slowListener{Listener: ln, l: l}
}

type slowListener struct {
	net.Listener
	l Latency
}

func (s *slowListener) Accept() (net.Conn, error) {
	c, err := s.Listener.Accept()
	if err != nil {
		return c, err
	}
	if s.l.Conns != nil {
		s.l.Conns.Add(1)
	}
	return &slowConn{Conn: c, delay: s.l.Connect}, nil
}

// slowConn delays its first read: the client's first bytes arrive a set-up
// time after it connected.
type slowConn struct {
	net.Conn
	delay time.Duration
	once  sync.Once
}

func (c *slowConn) Read(b []byte) (int, error) {
	c.once.Do(func() { time.Sleep(c.delay) })
	return c.Conn.Read(b)
}
