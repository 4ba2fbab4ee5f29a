package mcptest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Proxy is an HTTP forward proxy on 127.0.0.1, as a company network puts
// between a client and the internet: it forwards absolute-form requests
// (http://host/path) and tunnels CONNECT (for https). Every host it is asked
// for is reached at 127.0.0.1 on the same port, so that a test can name a
// server by a host name that is not loopback (clients do not proxy
// loopback), and the forwarded request's Host says 127.0.0.1 (the Go SDK
// refuses other hosts). Hosts lists what it carried.
type Proxy struct {
	*httptest.Server
	mu    sync.Mutex
	hosts []string
}

// ForwardProxy starts a Proxy; it is closed when the test ends.
func ForwardProxy(t testing.TB) *Proxy {
	p := &Proxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() { closeServer(p.Server) })
	return p
}

// Hosts returns the host:port of each request carried, in order.
func (p *Proxy) Hosts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.hosts...)
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Host)
	p.mu.Unlock()
	_, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		http.Error(w, "the proxy wants host:port", http.StatusBadRequest)
		return
	}
	target := net.JoinHostPort("127.0.0.1", port)
	if r.Method == http.MethodConnect {
		p.tunnel(w, target)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host, out.Host = target, target
	out.Header.Del("Proxy-Connection")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	flushCopy(w, resp.Body)
}

// tunnel joins the client to target for CONNECT.
func (p *Proxy) tunnel(w http.ResponseWriter, target string) {
	up, err := net.Dial("tcp", target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	if _, err := down.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		up.Close()
		down.Close()
		return
	}
	go func() {
		defer up.Close()
		if n := buf.Reader.Buffered(); n > 0 {
			b, _ := buf.Reader.Peek(n)
			up.Write(b)
		}
		io.Copy(up, down)
	}()
	io.Copy(down, up)
	down.Close()
}

// flushCopy copies a body, flushing as it goes, so event streams pass.
func flushCopy(w http.ResponseWriter, r io.Reader) {
	f, _ := w.(http.Flusher)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			w.Write(buf[:n])
			if f != nil {
				f.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}
