package mcptest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// initializeBody is the initialize request the readiness checks send.
const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcptest-ready","version":"1.0.0"}}}`

// readyClient is used only by the readiness checks; each check passes its
// own deadline in the context. It never uses a proxy and keeps no idle
// connections to servers about to be killed.
var readyClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// checkInitialize POSTs initialize to a Streamable HTTP endpoint and wants
// 200 and wantName in the answer, so a stranger that took the port does not
// pass. The session it opened, if any, is deleted again.
func checkInitialize(ctx context.Context, url, wantName string) error {
	resp, err := postInitialize(ctx, url)
	if err != nil {
		return err
	}
	// An SSE answer ends once the response is written; read it all.
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s initialize: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	if !bytes.Contains(body, []byte(`"`+wantName+`"`)) {
		return fmt.Errorf("POST %s initialize: answer does not name %q: %s", url, wantName, body)
	}
	if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" {
		if del, err := http.NewRequestWithContext(ctx, http.MethodDelete, url, nil); err == nil {
			del.Header.Set("Mcp-Session-Id", sid)
			if resp, err := readyClient.Do(del); err == nil {
				resp.Body.Close()
			}
		}
	}
	return nil
}

// discoverBody is the modern server/discover request the readiness check
// of modern servers sends.
const discoverBody = `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"mcptest-ready","version":"1.0.0"}}}}`

// checkDiscover POSTs server/discover, as a modern (2026-07-28) client
// would, and wants 200 and wantName in the answer.
func checkDiscover(ctx context.Context, url, wantName string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(discoverBody))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2026-07-28")
	req.Header.Set("Mcp-Method", "server/discover")
	resp, err := readyClient.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"`+wantName+`"`)) {
		return fmt.Errorf("POST %s server/discover: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// checkSSEEndpoint GETs a legacy HTTP+SSE stream and waits for its first
// event, which the 2024-11-05 transport says is "endpoint".
func checkSSEEndpoint(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := readyClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "event: endpoint" {
			return nil
		}
	}
	return fmt.Errorf("GET %s: stream ended without an endpoint event (%v)", url, sc.Err())
}

// checkUnauthorized POSTs initialize without a credential and wants 401 with
// a WWW-Authenticate that points at protected resource metadata.
func checkUnauthorized(ctx context.Context, url string) error {
	resp, err := postInitialize(ctx, url)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "resource_metadata=") {
		return fmt.Errorf("POST %s initialize: %s, WWW-Authenticate %q; want 401 with resource_metadata", url, resp.Status, resp.Header.Get("WWW-Authenticate"))
	}
	return nil
}

// checkGetOK wants 200 from a GET.
func checkGetOK(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := readyClient.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// postInitialize POSTs initialize, with no credential, as a Streamable
// HTTP client would.
func postInitialize(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(initializeBody))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	return readyClient.Do(req)
}
