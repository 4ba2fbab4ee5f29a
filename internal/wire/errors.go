package wire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/netguard"
)

// HTTPStatusError is an HTTP answer that is not a success. The auth decision
// reads it (401 and 403 with WWW-Authenticate), so it keeps the headers.
type HTTPStatusError struct {
	Method string
	URL    string
	Status int
	Header http.Header
	// Body is an excerpt.
	Body string
	// RPC is the JSON-RPC error response the body holds, if it holds one:
	// a modern server answers 400 with -32022 for a version it does not
	// speak and 404 with -32601 for a method it does not implement.
	RPC *Message
}

func (e *HTTPStatusError) Error() string {
	msg := fmt.Sprintf("%s %s answered %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.RPC != nil && e.RPC.Error != nil {
		msg += " with JSON-RPC error " + strconv.Itoa(e.RPC.Error.Code) + " (" + e.RPC.Error.Message + ")"
	}
	return msg
}

// Cancelled is the error of a stage the run's interruption cut short
// (SIGINT, SIGTERM, SIGHUP).
func Cancelled(err error) *evidence.Error {
	return &evidence.Error{Category: evidence.CategoryCancelled, Message: "cancelled: the run was interrupted before this finished", Err: err,
		Hint: "run it again, and let it finish"}
}

// Classify turns any error into a categorised *evidence.Error with a hint. Errors
// that already are *evidence.Error pass through.
func Classify(err error) *evidence.Error {
	if err == nil {
		return nil
	}
	var pe *evidence.Error
	if errors.As(err, &pe) {
		return pe
	}
	var se *HTTPStatusError
	if errors.As(err, &se) {
		if se.RPC != nil && se.RPC.Error != nil && se.Status != http.StatusUnauthorized && se.Status != http.StatusForbidden {
			// The server understood the request well enough to refuse it in
			// JSON-RPC: a 404 with -32601 is an unknown method, not a wrong
			// path (spec 2026-07-28, transports, "Protocol Version Header").
			return &evidence.Error{Category: evidence.CategoryProtocol, Message: se.Error(), Hint: rpcHint(se.RPC.Error), Err: err}
		}
		return &evidence.Error{Category: evidence.CategoryHTTPStatus, Message: se.Error(), Hint: statusHint(se.Status), Err: err}
	}
	if netguard.IsRefused(err) {
		return &evidence.Error{Category: evidence.CategoryBlocked, Message: err.Error(), Err: err,
			Hint: "the server named an address a server may not send mcpdoctor to; if you trust it, pass " + netguard.AllowFlag + ", else put the URL you mean in the config"}
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.Canceled):
		return Cancelled(err)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return &evidence.Error{Category: evidence.CategoryTimeout, Message: err.Error(), Err: err,
			Hint: "the server did not answer in time: check that it is running and reachable, or raise startup_timeout_sec (or pass --timeout)"}
	case errors.As(err, &dnsErr):
		return &evidence.Error{Category: evidence.CategoryDNS, Message: err.Error(), Err: err,
			Hint: "the host name does not resolve: check the spelling of the URL, your VPN and DNS"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &evidence.Error{Category: evidence.CategoryRefused, Message: err.Error(), Err: err,
			Hint: "nothing is listening there: start the server, or check the host and port in the URL"}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &recErr),
		strings.Contains(err.Error(), plainHTTPOnTLS):
		return tlsError(err)
	}
	return &evidence.Error{Category: evidence.CategoryNetwork, Message: err.Error(), Err: err,
		Hint: "the connection failed: check that the server is reachable from this machine"}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func statusHint(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "the server wants a credential: configure bearer_token_env_var or env_http_headers, or log in with `mcpdoctor login`"
	case status == http.StatusForbidden:
		return "the server refused the credential or this client: check the token's scopes and the server's access rules"
	case status == http.StatusNotFound:
		return "nothing is served at this path: check the URL's path (often /mcp or /sse)"
	case status == http.StatusMethodNotAllowed:
		return "the URL does not accept POST: it may be a legacy SSE endpoint or not an MCP endpoint at all"
	case status >= 500:
		return "the server failed while answering: look at its logs"
	}
	return "the server refused the request: check the URL and the server's documentation"
}

// rpcHint says what to do about a JSON-RPC error a server answered.
func rpcHint(e *RPCError) string {
	switch e.Code {
	case CodeMethodNotFound:
		return "the server does not implement this method: it may not offer the feature (check the capabilities it declared), or it speaks another protocol revision"
	case CodeHeaderMismatch:
		return "the server found the MCP headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name) missing or unlike the body: a proxy between may strip or rewrite them; otherwise report it to the server's authors with this exchange"
	case CodeMissingClientCapability:
		return "the server needs a client capability mcpdoctor does not offer (it serves no sampling, roots or elicitation): a client that offers it can use this"
	case CodeUnsupportedProtocolVersion:
		return "the server does not speak this protocol version: try --protocol with one it names"
	}
	return "the server understood the request and refused it; its message says why"
}

// plainHTTPOnTLS is how net/http says an https:// URL reached a plain HTTP
// server (it has no error type for it).
const plainHTTPOnTLS = "server gave HTTP response to HTTPS client"

// tlsError says which part of TLS failed, shows the certificates the
// server presented (subject, issuer, validity), and what to do about it.
func tlsError(err error) *evidence.Error {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	e := &evidence.Error{Category: evidence.CategoryTLS, Err: err}
	var chain []*x509.Certificate
	if errors.As(err, &certErr) {
		chain = certErr.UnverifiedCertificates
	}
	switch {
	case errors.As(err, &unknownAuth):
		e.Message = "TLS: the server's certificate is signed by an authority this machine does not trust"
		e.Hint = "a private CA, or a proxy that intercepts TLS: put its CA certificate (PEM) in a file and point SSL_CERT_FILE at it (or SSL_CERT_DIR at a folder of them)"
		if len(chain) == 0 && unknownAuth.Cert != nil {
			chain = []*x509.Certificate{unknownAuth.Cert}
		}
	case errors.As(err, &hostErr):
		e.Message = "TLS: the server's certificate is not for " + hostErr.Host
		if c := hostErr.Certificate; c != nil {
			names := append([]string(nil), c.DNSNames...)
			for _, ip := range c.IPAddresses {
				names = append(names, ip.String())
			}
			e.Message += " (it names " + strings.Join(names, ", ") + ")"
			if len(chain) == 0 {
				chain = []*x509.Certificate{c}
			}
		}
		e.Hint = "use the host name the certificate names in the URL, or ask the server's owner for a certificate for this one"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		e.Message = "TLS: the server's certificate has expired or is not valid yet: " + invalid.Detail
		e.Hint = "the server's owner must renew its certificate; also check this machine's clock"
		if len(chain) == 0 && invalid.Cert != nil {
			chain = []*x509.Certificate{invalid.Cert}
		}
	case errors.As(err, &recErr), strings.Contains(err.Error(), plainHTTPOnTLS):
		e.Message = "TLS: the server did not answer the TLS handshake with TLS (" + err.Error() + ")"
		e.Hint = "the port speaks plain HTTP: use http:// in the URL"
	default:
		e.Message = "TLS: the handshake failed: " + err.Error()
		e.Hint = "check the certificate (expired, self-signed, wrong host) or whether the port speaks plain HTTP"
	}
	for i, c := range chain {
		if i == 3 {
			break
		}
		e.Message += fmt.Sprintf("; certificate %d: subject %q, issuer %q, valid %s to %s", i, c.Subject.String(), c.Issuer.String(),
			c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02"))
	}
	return e
}
