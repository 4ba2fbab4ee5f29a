package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
)

// A server named on mcpdoctor's own command line (probe URL, probe -- CMD
// ARGS) rather than in a client's file: the same neutral model, so that
// everything after the config works on it as on an entry.

// ClientCommandLine is the source of a server named on mcpdoctor's command
// line. It is no client: it has no file, and no row in the client table.
const ClientCommandLine Client = "command-line"

// Target is a server as the command line names it.
type Target struct {
	// Name names it in output, hints and the token file; empty means one
	// made from the URL or the command.
	Name string

	// URL, for an HTTP server; Transport is TransportStreamableHTTP
	// (falling back to SSE, as most clients do) or TransportSSE; empty
	// means the first.
	URL       string
	Transport Transport
	// Headers are "Name: value"; a value refers to environment variables
	// as $VAR or ${VAR}, which are read when the server is probed, so
	// that a secret never sits in the shell's history.
	Headers []string
	// BearerEnv names a variable holding a bearer token: Authorization:
	// Bearer $BearerEnv.
	BearerEnv string

	// Command and Args, for a stdio server. Env are NAME=value, or NAME to
	// pass one variable of this environment on by name; Cwd is where it
	// runs.
	Command string
	Args    []string
	Env     []string
	Cwd     string
}

// Keys of the command line, as problems and hints name where a value came
// from.
const (
	KeyHeaderFlag    = "--header"
	KeyBearerEnvFlag = "--bearer-env"
)

// commandLineVars: $VAR and ${VAR}, read from the environment; an unset
// one stops the probe, as nothing was sent in its place.
var commandLineVars = varSyntax{dollar: true, bare: true, unset: UnsetFail}

// serverName is what Codex accepts as a name, the strictest rule.
var serverName = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// FromCommandLine builds the server t names. Its error is the user's to
// fix: a URL that is not http(s), a header without a colon, a flag of the
// other kind of server.
func FromCommandLine(t Target) (Server, error) {
	s := Server{Name: t.Name, Enabled: true, StartupTimeout: DefaultStartupTimeout, ToolTimeout: DefaultToolTimeout,
		Source: Source{Client: ClientCommandLine}, Approval: Approval{State: ApprovalNotNeeded}, table: commandLineTable, keyPos: map[string]position{}}
	switch {
	case t.URL != "" && t.Command != "":
		return s, errors.New("a URL or a command, not both")
	case t.URL != "":
		if len(t.Env) > 0 || t.Cwd != "" {
			return s, errors.New("--env and --cwd are for a command (probe -- CMD ARGS), not a URL")
		}
		u, err := url.Parse(t.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return s, fmt.Errorf("%q is not an http(s) URL such as https://example.com/mcp", t.URL)
		}
		switch t.Transport {
		case "", TransportStreamableHTTP:
			s.Transport, s.HTTPFallback = TransportStreamableHTTP, true
		case TransportSSE:
			s.Transport = TransportSSE
		default:
			return s, fmt.Errorf("--transport must be streamable_http or sse, not %q", t.Transport)
		}
		s.URL = Literal(t.URL)
		for _, h := range t.Headers {
			name, value, ok := strings.Cut(h, ":")
			name, value = strings.TrimSpace(name), strings.TrimSpace(value)
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				return s, fmt.Errorf("--header %q: write it as 'Name: value' (the value may be $VAR)", h)
			}
			s.Headers = append(s.Headers, Header{Name: name, Value: parseVars(value, commandLineVars), Key: KeyHeaderFlag})
		}
		if t.BearerEnv != "" {
			if !serverName.MatchString(t.BearerEnv) {
				return s, fmt.Errorf("--bearer-env takes the name of a variable, not %q", t.BearerEnv)
			}
			bearer := codexEnvValue(t.BearerEnv, UnsetFail, true)
			bearer.Written = "Bearer " + bearer.Written
			bearer.Parts = append([]Part{{Text: "Bearer "}}, bearer.Parts...)
			s.Headers = append(s.Headers, Header{Name: "Authorization", Value: bearer, Key: KeyBearerEnvFlag})
		}
	case t.Command != "":
		if len(t.Headers) > 0 || t.BearerEnv != "" || t.Transport != "" {
			return s, errors.New("--header, --bearer-env and --transport are for a URL, not a command")
		}
		s.Transport = TransportStdio
		s.Command, s.Args = Literal(t.Command), Literals(t.Args...)
		for _, e := range t.Env {
			name, value, set := strings.Cut(e, "=")
			if !serverName.MatchString(name) {
				return s, fmt.Errorf("--env %q: write it as NAME=value, or NAME to pass it on from this environment", e)
			}
			if set {
				s.Env = append(s.Env, EnvVar{Name: name, Value: Literal(value)})
			} else {
				s.Forward = append(s.Forward, EnvForward{Name: name})
			}
		}
		if t.Cwd != "" {
			s.Cwd = Literal(t.Cwd)
		}
	default:
		return s, errors.New("nothing to probe: name a server, a URL, or a command after --")
	}
	if s.Name == "" {
		s.Name = NameFor(t)
	}
	if !serverName.MatchString(s.Name) {
		return s, fmt.Errorf("--name %q: a name is letters, digits, _ and - (what every client accepts)", s.Name)
	}
	return s, nil
}

// NameFor is the name a server the command line names goes by when none
// is given: the URL's host without its TLD and common prefixes
// (https://mcp.notion.com/mcp → notion), or the command's package or
// program (npx -y @scope/server-x → server-x).
func NameFor(t Target) string {
	if t.URL != "" {
		u, err := url.Parse(t.URL)
		if err != nil {
			return "server"
		}
		host := u.Hostname()
		parts := strings.Split(host, ".")
		if len(parts) > 1 && !isNumeric(parts[len(parts)-1]) {
			parts = parts[:len(parts)-1] // the TLD
		}
		for len(parts) > 1 && (parts[0] == "mcp" || parts[0] == "www" || parts[0] == "api") {
			parts = parts[1:]
		}
		if len(parts) == 1 && isNumeric(parts[0]) || host == "localhost" || isIP(host) {
			return sanitizeName("local" + portSuffix(u.Port()))
		}
		return sanitizeName(strings.Join(parts, "-"))
	}
	prog := filepath.Base(t.Command)
	if prog == "npx" || prog == "uvx" || prog == "bunx" || prog == "pnpm" || prog == "docker" || prog == "node" || prog == "python" || prog == "python3" {
		for _, a := range t.Args {
			if strings.HasPrefix(a, "-") || a == "dlx" || a == "run" || a == "exec" {
				continue
			}
			name := a[strings.LastIndex(a, "/")+1:]
			name = strings.TrimSuffix(strings.TrimSuffix(name, filepath.Ext(name)), "@latest")
			if i := strings.Index(name, "@"); i > 0 {
				name = name[:i]
			}
			if n := sanitizeName(name); n != "" {
				return n
			}
		}
	}
	if n := sanitizeName(strings.TrimSuffix(prog, filepath.Ext(prog))); n != "" {
		return n
	}
	return "server"
}

func sanitizeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-")
}

func isNumeric(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func isIP(host string) bool {
	return strings.Contains(host, ":") || strings.Trim(host, "0123456789.") == ""
}

func portSuffix(port string) string {
	if port == "" {
		return ""
	}
	return "-" + port
}
