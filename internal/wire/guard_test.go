package wire

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
)

// TestSSEEndpointGuarded: a legacy server whose endpoint event names the
// cloud metadata service. Every dial, whatever it asks for, reaches the
// server on 127.0.0.1: the route is checked first (allowed, the POST
// arrives); then the POST is refused before anything is dialed.
func TestSSEEndpointGuarded(t *testing.T) {
	var mu sync.Mutex
	var posts, dials []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mu.Lock()
			posts = append(posts, r.Host+r.URL.Path)
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			return
		}
		_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "event: endpoint\ndata: http://169.254.169.254:%s/messages\n\n", port)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		dials = append(dials, addr)
		mu.Unlock()
		return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}}
	netguard.Install(tr)
	call := func(allow bool) error {
		opts := Options{HTTPClient: &http.Client{Transport: tr}, Guard: &netguard.Policy{Home: "127.0.0.1", AllowPrivate: allow}}
		sse := NewSSE(srv.URL+"/sse", nil, opts, &evidence.Recorder{})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		defer sse.Close(context.Background())
		if err := sse.Connect(ctx); err != nil {
			t.Fatalf("Connect: %v", err)
		}
		req, _ := NewRequest(1, "tools/list", nil)
		_, err := sse.Call(ctx, req)
		return err
	}
	_ = call(true) // the answer never comes; the POST is what counts
	mu.Lock()
	routed := len(posts) == 1 && strings.HasPrefix(posts[0], "169.254.169.254:")
	mu.Unlock()
	if !routed {
		t.Fatalf("the route is not checked: posts %v", posts)
	}
	err := call(false)
	if e := Classify(err); e == nil || e.Category != evidence.CategoryBlocked || !strings.Contains(e.Message, "link-local") {
		t.Errorf("Call: %v, want it blocked", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 {
		t.Errorf("the refused POST arrived: %v", posts)
	}
	metadataDials := 0
	for _, d := range dials {
		if strings.HasPrefix(d, "169.254.169.254:") {
			metadataDials++
		}
	}
	if metadataDials != 1 {
		t.Errorf("dials %v: the metadata address was dialed %d times, want once (the route)", dials, metadataDials)
	}
}
