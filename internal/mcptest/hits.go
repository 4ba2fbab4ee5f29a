package mcptest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// HitCounter is a server that answers every request 404 and counts the
// requests it gets, by path: a test gives each URL it must never see
// contacted a path of its own, and asks afterwards. Tests that run in
// parallel share one counter without disturbing each other's paths.
type HitCounter struct {
	URL  string
	mu   sync.Mutex
	hits map[string]int
}

// Hits starts a HitCounter on loopback, stopped by t.Cleanup.
func Hits(t testing.TB) *HitCounter {
	h := &HitCounter{hits: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Path]++
		h.mu.Unlock()
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// Count says how many requests came for path.
func (h *HitCounter) Count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}
