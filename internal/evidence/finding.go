package evidence

// Severity says how much a finding matters.
type Severity string

// Finding severities.
const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Rank orders severities: info 0, warning 1, error 2.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 2
	case SeverityWarning:
		return 1
	}
	return 0
}

// Finding is something worth knowing that is not, by itself, a failure: a
// fallback to legacy SSE, a server that logs to stdout, OAuth metadata that
// is advertised but not required.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	// Tool names the tool a finding is about, when it is about one
	// (internal/toolcheck).
	Tool string `json:"tool,omitempty"`
	// Clients names the clients the finding affects (config.Client
	// names), when it is one client's rule and not every client's.
	Clients []string `json:"clients,omitempty"`
}

// Category says what kind of thing stopped a probe; each comes with a hint.
type Category string

// Failure categories.
const (
	CategoryConfig      Category = "config"
	CategoryDNS         Category = "dns"
	CategoryRefused     Category = "refused"
	CategoryTLS         Category = "tls"
	CategoryTimeout     Category = "timeout"
	CategoryHTTPStatus  Category = "http_status"
	CategoryNotMCP      Category = "not_mcp"
	CategoryProtocol    Category = "protocol"
	CategoryProcessExit Category = "process_exit"
	CategoryAuth        Category = "auth"
	CategoryToolError   Category = "tool_error"
	CategoryNetwork     Category = "network"
	// CategoryBlocked: the server pointed mcpdoctor at an address it does
	// not connect to for a server's say-so: link-local, a cloud metadata
	// service, or a more private network than the server's own
	// (internal/netguard).
	CategoryBlocked Category = "blocked"
	// CategoryCancelled: the run was interrupted before the server's
	// probe finished.
	CategoryCancelled Category = "cancelled"
)

// Unreachable reports failures where nothing answered at all.
func (c Category) Unreachable() bool {
	switch c {
	case CategoryTimeout, CategoryDNS, CategoryRefused, CategoryTLS, CategoryNetwork, CategoryConfig:
		return true
	}
	return false
}

// StageName names a stage of a probe; internal/probe lists them.
type StageName string

// Failure says which stage failed, why, and what to try.
type Failure struct {
	Stage    StageName `json:"stage"`
	Category Category  `json:"category"`
	Message  string    `json:"message"`
	Hint     string    `json:"hint,omitempty"`
}

// Error is a failure the wire or the probe understood: it carries the
// category and a hint, so the user learns what to try, not only what broke.
type Error struct {
	Category Category
	Message  string
	Hint     string
	Err      error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }
