package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// Servers that behave like remote ones (issue "fast on real networks"): the
// Go SDK with a round trip added to every request and two to every new
// connection (TCP, then TLS).
var remote = mcptest.Latency{Request: 50 * time.Millisecond, Connect: 100 * time.Millisecond}

// remoteServer starts one such server; conns counts its connections.
func remoteServer(tb testing.TB, lat mcptest.Latency) (url string, conns *atomic.Int64) {
	conns = new(atomic.Int64)
	lat.Conns = conns
	srv := mcptest.GoSDKHTTP(tb, mcptest.GoSDKOptions{JSONResponse: true, Latency: lat})
	return srv.URL + mcptest.GoSDKPath, conns
}

// bareClient is the floor: initialize, notifications/initialized and
// tools/list on one connection, nothing else.
func bareClient(url string) error {
	tr := wire.NewHTTPTransport()
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	session := ""
	post := func(body string) error {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", wire.LatestLegacy)
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode >= 300 {
			return fmt.Errorf("%s: %s", body, resp.Status)
		}
		if s := resp.Header.Get("Mcp-Session-Id"); s != "" {
			session = s
		}
		return nil
	}
	params, _ := json.Marshal(map[string]any{"protocolVersion": wire.LatestLegacy, "capabilities": map[string]any{}, "clientInfo": map[string]string{"name": "bare", "version": "1"}})
	for _, body := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":` + string(params) + `}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
	} {
		if err := post(body); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkRemoteOne: one probe of one remote server beside the bare
// client; conns/op is the connections each opened.
func BenchmarkRemoteOne(b *testing.B) {
	url, conns := remoteServer(b, remote)
	b.Run("bare", func(b *testing.B) {
		conns.Store(0)
		for b.Loop() {
			if err := bareClient(url); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
	})
	b.Run("probe", func(b *testing.B) {
		s := httpServerConfig("remote", url, 10*time.Second)
		conns.Store(0)
		for b.Loop() {
			if res := Run(context.Background(), s, Options{}); !res.Healthy {
				b.Fatalf("not healthy:%s", dumpStages(res))
			}
		}
		b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
	})
}

// BenchmarkRemoteList: list of 1, 200 and 500 remote servers, with the
// default concurrency. The servers run in a process of their own
// (mcptest.RemoteFarm), as remote ones would, so that their work is not
// the probes'.
func BenchmarkRemoteList(b *testing.B) {
	for _, n := range []int{1, 200, 500} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var servers []config.Server
			for i, url := range mcptest.RemoteFarm(b, n, remote) {
				servers = append(servers, httpServerConfig(fmt.Sprintf("remote%03d", i), url, 30*time.Second))
			}
			for b.Loop() {
				for _, r := range RunAll(context.Background(), servers, Options{}, benchLimits, nil) {
					if !r.Healthy {
						b.Fatalf("%s: %+v", r.Name, r.Failure)
					}
				}
			}
		})
	}
}

// BenchmarkListOneVerySlow: 49 fast servers and one that takes 2 s to
// answer each request: the slow one bounds the list. "alone" is the slow
// server's probe by itself.
func BenchmarkListOneVerySlow(b *testing.B) {
	var servers []config.Server
	for i, url := range mcptest.RemoteFarm(b, 49, mcptest.Latency{}) {
		servers = append(servers, httpServerConfig(fmt.Sprintf("fast%02d", i), url, 30*time.Second))
	}
	slow := mcptest.RemoteFarm(b, 1, mcptest.Latency{Request: 2 * time.Second})[0]
	servers = append(servers, httpServerConfig("slow", slow, 30*time.Second))
	for name, list := range map[string][]config.Server{"alone": servers[49:], "list": servers} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				for _, r := range RunAll(context.Background(), list, Options{}, benchLimits, nil) {
					if !r.Healthy {
						b.Fatalf("%s: %+v", r.Name, r.Failure)
					}
				}
			}
		})
	}
}

// benchLimits is list's default concurrency.
var benchLimits = DefaultLimits()
