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

// Across finds tools of the same name offered by two servers of one
// client. A client that sets each server's tools apart by the server's
// name (Codex, Claude Code) takes both; for the others the finding goes
// to the later server, by the index it has in servers, and says what its
// client does with the tool: which one wins, or that nothing says.
func Across(servers []Listed) map[int][]evidence.Finding {
	type first struct {
		server string
	}
	taken := map[config.Client]map[string]first{}
	out := map[int][]evidence.Finding{}
	for i, s := range servers {
		row := rowOf(s.Client)
		if row.namespaced || s.Client == config.ClientCommandLine {
			continue
		}
		names := taken[s.Client]
		if names == nil {
			names = map[string]first{}
			taken[s.Client] = names
		}
		for _, t := range s.Tools {
			was, clash := names[t.Name]
			if !clash {
				names[t.Name] = first{s.Server}
				continue
			}
			if was.server == s.Server {
				continue // the same server's duplicate: Check says so
			}
			out[i] = append(out[i], clashFinding(row, t.Name, was.server, s.Server))
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
