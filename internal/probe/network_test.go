package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/mcptest"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// clientTrusting is a probe's HTTP client that trusts the certificates
// given, and goes through proxy when it is set.
func clientTrusting(proxy *url.URL, certs ...*x509.Certificate) *http.Client {
	tr := wire.NewHTTPTransport()
	pool := x509.NewCertPool()
	for _, c := range certs {
		if c != nil {
			pool.AddCert(c)
		}
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	if proxy != nil {
		tr.Proxy = http.ProxyURL(proxy)
	}
	return &http.Client{Transport: tr}
}

// A TLS failure is its own category, says which part failed, shows the
// certificate the server presented and what to do.
func TestTLSFailures(t *testing.T) {
	t.Parallel()
	conns := new(atomic.Int64)
	srv := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{TLS: true, Latency: mcptest.Latency{Conns: conns}})
	port := srv.Listener.Addr().(interface{ String() string }).String()
	port = port[strings.LastIndex(port, ":")+1:]
	expired := expiredTLSServer(t)
	plain := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{})
	for _, tt := range []struct {
		name, url, message, hint string
		client                   *http.Client
	}{
		{"unknown authority", srv.URL + mcptest.GoSDKPath, "signed by an authority this machine does not trust", "SSL_CERT_FILE", clientTrusting(nil)},
		{"name mismatch", "https://localhost:" + port + mcptest.GoSDKPath, "is not for localhost (it names example.com", "host name the certificate names", clientTrusting(nil, srv.Certificate())},
		{"expired", expired.url, "has expired or is not valid yet", "renew", clientTrusting(nil, expired.cert)},
		{"plain HTTP on https", strings.Replace(plain.URL, "http://", "https://", 1) + mcptest.GoSDKPath, "did not answer the TLS handshake with TLS", "use http://", clientTrusting(nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := Run(context.Background(), httpServerConfig("tls", tt.url, 5*time.Second), Options{HTTPClient: tt.client})
			if res.Failure == nil || res.Failure.Category != evidence.CategoryTLS {
				t.Fatalf("failure %+v, want category tls:%s", res.Failure, dumpStages(res))
			}
			if !strings.Contains(res.Failure.Message, tt.message) || !strings.Contains(res.Failure.Hint, tt.hint) {
				t.Errorf("failure %q (hint %q), want %q and a hint with %q", res.Failure.Message, res.Failure.Hint, tt.message, tt.hint)
			}
			if tt.name != "plain HTTP on https" && !strings.Contains(res.Failure.Message, `certificate 0: subject "`) {
				t.Errorf("the presented certificate is not described: %q", res.Failure.Message)
			}
		})
	}
	// Trusted, the same server is healthy, over HTTP/2: the MCP exchanges
	// and discovery share one connection.
	conns.Store(0)
	res := Run(context.Background(), httpServerConfig("tls", srv.URL+mcptest.GoSDKPath, 5*time.Second), Options{HTTPClient: clientTrusting(nil, srv.Certificate())})
	if !res.Healthy {
		t.Errorf("trusted TLS server:%s", dumpStages(res))
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for one probe over TLS, want one (HTTP/2)", n)
	}
}

type tlsServer struct {
	url  string
	cert *x509.Certificate
}

// expiredTLSServer serves with a self-signed certificate for 127.0.0.1
// that expired a day ago.
func expiredTLSServer(t *testing.T) tlsServer {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mcptest expired"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return tlsServer{url: srv.URL + "/mcp", cert: cert}
}

// Through a forward proxy, plain and TLS (CONNECT), the probe works, and
// every exchange says the proxy carried it; discovery goes through it too.
func TestThroughAProxy(t *testing.T) {
	t.Parallel()
	proxy := mcptest.ForwardProxy(t)
	proxyURL, _ := url.Parse(proxy.URL)
	plain := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{})
	secure := mcptest.GoSDKHTTP(t, mcptest.GoSDKOptions{TLS: true})
	for _, srv := range []*httptest.Server{plain, secure} {
		res := Run(context.Background(), httpServerConfig("proxied", srv.URL+mcptest.GoSDKPath, 5*time.Second),
			Options{HTTPClient: clientTrusting(proxyURL, srv.Certificate())})
		if !res.Healthy {
			t.Fatalf("%s through the proxy:%s", srv.URL, dumpStages(res))
		}
		n := 0
		for _, st := range res.Stages {
			for _, ex := range st.Exchanges {
				if ex.Method == "" {
					continue
				}
				n++
				if ex.Proxy != proxy.URL || !strings.Contains(ex.Summary(), "via proxy "+proxy.URL) {
					t.Errorf("%s: proxy %q, summary %q", st.Name, ex.Proxy, ex.Summary())
				}
			}
		}
		if n < 4 {
			t.Errorf("%d exchanges through the proxy:%s", n, dumpStages(res))
		}
	}
	if hosts := proxy.Hosts(); len(hosts) < 5 {
		t.Errorf("the proxy carried %v", hosts)
	}
}
