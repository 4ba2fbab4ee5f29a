package toolcheck

import (
	"fmt"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// Listed is one server's tools as a client will load them beside its
// other servers.
type Listed struct {
	Server string
	Client config.Client
	Tools  []probe.Tool
}

// Clashes finds tools of the same name offered by two servers of one
// client, server by server in the order they are added, keeping only the
// names it has seen. A client that sets each server's tools apart by the
// server's name (Codex, Claude Code) takes both; for the others the
// finding goes to the later server, and says what its client does with
// the tool: which one wins, or that nothing says. The zero value is ready.
type Clashes struct {
	// first maps, per client, a tool's name to the server that offered it
	// first.
	first map[config.Client]map[string]string
}

// Add returns the clashes of s's tools with those of the servers added
// before it.
func (c *Clashes) Add(s Listed) []evidence.Finding {
	row := rowOf(s.Client)
	if row.namespaced || s.Client == config.ClientCommandLine {
		return nil
	}
	if c.first == nil {
		c.first = map[config.Client]map[string]string{}
	}
	names := c.first[s.Client]
	if names == nil {
		names = map[string]string{}
		c.first[s.Client] = names
	}
	var out []evidence.Finding
	for _, t := range s.Tools {
		earlier, clash := names[t.Name]
		switch {
		case !clash:
			names[t.Name] = s.Server
		case earlier != s.Server: // the same server's duplicate is Check's to say
			out = append(out, clashFinding(row, t.Name, earlier, s.Server))
		}
	}
	return out
}

func clashFinding(row naming, tool, earlier, later string) evidence.Finding {
	f := evidence.Finding{Code: "tool_name_clash", Tool: tool, Clients: []string{string(row.client)},
		Hint: "rename one of the servers' tools if the server lets you, or turn one of them off in " + row.client.Title()}
	what := fmt.Sprintf("%s also loads the server %s, which offers a tool named %s too", row.client.Title(), quote(earlier), quote(tool))
	switch row.clash {
	case renames:
		f.Severity = evidence.SeverityInfo
		f.Message = fmt.Sprintf("%s: %s keeps the name for %s and offers this server's as %s", what, row.client.Title(), quote(earlier), later+"__"+tool)
	default:
		f.Severity = evidence.SeverityWarning
		f.Message = what + ": the model may see two tools of one name, or the client may keep only one; what it does is not documented"
	}
	return f
}
