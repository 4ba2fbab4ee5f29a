package oauth

import (
	"net/url"
	"slices"
	"testing"
)

func TestDiscoveryAuthServerMetadataURLs(t *testing.T) {
	tests := []struct {
		issuer string
		want   []string
	}{
		// MCP 2025-11-25, "Authorization Server Metadata Discovery".
		{"https://auth.example.com/tenant1", []string{
			"https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
			"https://auth.example.com/.well-known/openid-configuration/tenant1",
			"https://auth.example.com/tenant1/.well-known/openid-configuration",
		}},
		{"https://auth.example.com", []string{
			"https://auth.example.com/.well-known/oauth-authorization-server",
			"https://auth.example.com/.well-known/openid-configuration",
		}},
		// RFC 8414 §3.1: a terminating slash is removed first.
		{"http://localhost:3001/", []string{
			"http://localhost:3001/.well-known/oauth-authorization-server",
			"http://localhost:3001/.well-known/openid-configuration",
		}},
		{"https://login.example.com/a/b/", []string{
			"https://login.example.com/.well-known/oauth-authorization-server/a/b",
			"https://login.example.com/.well-known/openid-configuration/a/b",
			"https://login.example.com/a/b/.well-known/openid-configuration",
		}},
	}
	for _, tt := range tests {
		got, err := authServerMetadataURLs(tt.issuer)
		if err != nil {
			t.Errorf("%s: %v", tt.issuer, err)
			continue
		}
		var urls []string
		for _, u := range got {
			urls = append(urls, u.url)
		}
		if !slices.Equal(urls, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.issuer, urls, tt.want)
		}
	}
	for _, bad := range []string{"urn:example:issuer", "auth.example.com", "ftp://auth.example.com"} {
		if _, err := authServerMetadataURLs(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestDiscoveryCodexMetadataURLs(t *testing.T) {
	tests := []struct {
		mcp  string
		want []string
	}{
		{"https://example.com/api/mcp/?key=s3cret", []string{
			"https://example.com/.well-known/oauth-authorization-server/api/mcp",
			"https://example.com/api/mcp/.well-known/oauth-authorization-server",
			"https://example.com/.well-known/oauth-authorization-server",
		}},
		{"https://example.com", []string{"https://example.com/.well-known/oauth-authorization-server"}},
		{"https://example.com/", []string{"https://example.com/.well-known/oauth-authorization-server"}},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.mcp)
		var got []string
		for _, m := range codexMetadataURLs(u) {
			got = append(got, m.url)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.mcp, got, tt.want)
		}
	}
}

func TestDiscoveryCompareResource(t *testing.T) {
	target, _ := url.Parse("https://MCP.example.com:443/v1/mcp")
	tests := []struct {
		resource string
		want     int
	}{
		{"https://mcp.example.com/v1/mcp", resourceExact},
		{"https://mcp.example.com/v1/mcp/", resourceExact},
		{"", resourceMissing},
		{"https://mcp.example.com", resourceParent},
		{"https://mcp.example.com/v1", resourceParent},
		{"https://mcp.example.com/v1/mc", resourceMismatch},
		{"http://mcp.example.com/v1/mcp", resourceMismatch},
		{"https://other.example.com/v1/mcp", resourceMismatch},
		{"https://mcp.example.com/v1/mcp?tenant=a", resourceMismatch},
	}
	for _, tt := range tests {
		if got := compareResource(tt.resource, target); got != tt.want {
			t.Errorf("compareResource(%q) = %d, want %d", tt.resource, got, tt.want)
		}
	}
}
