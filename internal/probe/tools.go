package probe

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/wire"
)

// What the probe asks of a ready server: tools/list, page by page, and
// tools/call when asked.

// maxToolPages bounds tools/list pagination: a server whose cursors never end
// must not keep the probe forever.
const maxToolPages = 100

// MaxToolListBytes bounds what tools/list may send over all its pages: the
// largest real tool lists are a few hundred kilobytes; the page that
// crosses this is dropped with the rest, and a finding says how big the
// list was by then. One page is bounded by the message cap
// (Options.MaxMessageBytes), so a probe holds at most this much of tools.
const MaxToolListBytes = 4 << 20

// tool returns the listed tool of that name.
func (p *prober) maxToolListBytes() int64 {
	return cmp.Or(p.opts.MaxToolListBytes, MaxToolListBytes)
}

func (p *prober) tool(name string) (Tool, bool) {
	for _, t := range p.res.Tools {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
}

func (p *prober) listTools(ctx context.Context) {
	start := time.Now()
	var caps map[string]json.RawMessage
	_ = json.Unmarshal(p.res.Server.Capabilities, &caps)
	if _, ok := caps["tools"]; !ok {
		p.skip(StageToolsList, "the server declares no tools capability")
		return
	}
	var tools []Tool
	cursor := ""
	seen := map[string]bool{}
	// listBytes counts the tools kept, sentBefore the pages read whole.
	var listBytes, sentBefore int64
	cut := false
	for page := 0; ; page++ {
		if page == maxToolPages {
			p.stage(StageToolsList, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: fmt.Sprintf("tools/list still had a nextCursor after %d pages", maxToolPages),
				Hint:    "the server's pagination does not end; report this to its authors"}, "")
			return
		}
		params := map[string]any{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		var out struct {
			Tools      []json.RawMessage `json:"tools"`
			NextCursor string            `json:"nextCursor"`
		}
		resp, err := p.callSync(ctx, "tools/list", params)
		if err := p.decode("tools/list", resp, err, &out); err != nil {
			p.stage(StageToolsList, start, err, "")
			return
		}
		pageBytes := int64(len(resp.Raw))
		for _, raw := range out.Tools {
			if listBytes+int64(len(raw)) > p.maxToolListBytes() {
				cut = true
				break
			}
			listBytes += int64(len(raw))
			t, err := ParseTool(raw)
			if err != nil {
				p.stage(StageToolsList, start, &evidence.Error{Category: evidence.CategoryProtocol, Err: err,
					Message: "tools/list returned a tool of the wrong shape: " + err.Error() + " (" + evidence.OneLine(raw, 80) + ")",
					Hint:    "the server does not follow the MCP schema for tools/list; report this to its authors"}, "")
				return
			}
			tools = append(tools, t)
		}
		if cut {
			// A list this big is no list a client can use; keeping it
			// whole, or reading on, would only cost memory and time.
			p.finding("tools_list_too_large", evidence.SeverityWarning,
				fmt.Sprintf("tools/list sent %d bytes of tools by page %d, over mcpdoctor's cap of %d: it kept the first %d tools and read no further",
					sentBefore+pageBytes, page+1, p.maxToolListBytes(), len(tools)),
				"a client loads every tool's definition into the model's context, and a list this big will not fit: have the server expose fewer tools")
			break
		}
		sentBefore += pageBytes
		if out.NextCursor == "" {
			break
		}
		if seen[out.NextCursor] {
			p.stage(StageToolsList, start, &evidence.Error{Category: evidence.CategoryProtocol,
				Message: "tools/list returned a nextCursor it had returned before",
				Hint:    "the server's pagination loops; report this to its authors"}, "")
			return
		}
		seen[out.NextCursor] = true
		cursor = out.NextCursor
	}
	p.res.Tools = tools
	note := ""
	if len(seen) > 0 {
		note = fmt.Sprintf("%d pages", len(seen)+1)
	}
	if cut {
		note = joinNote(note, "cut at the size cap")
	}
	p.checkParamHeaders()
	p.stage(StageToolsList, start, nil, note)
}

// checkParamHeaders finds the tools whose x-mcp-header annotations break
// the rules: a modern client on Streamable HTTP leaves them out (spec
// 2026-07-28, transports, "Custom Headers from Tool Parameters").
func (p *prober) checkParamHeaders() {
	if p.era != wire.EraModern || p.server.Transport == config.TransportStdio {
		return
	}
	var bad []string
	for _, t := range p.res.Tools {
		if _, err := wire.ParamHeaders(t.InputSchema); err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", t.Name, err))
			if p.excluded == nil {
				p.excluded = map[string]error{}
			}
			p.excluded[t.Name] = err
		}
	}
	if len(bad) > 0 {
		p.finding("invalid_x_mcp_header", evidence.SeverityWarning,
			"tools with x-mcp-header annotations that break the rules, which modern clients on Streamable HTTP leave out of tools/list: "+strings.Join(bad, "; "),
			"fix the annotations in the tools' inputSchema: a token name, unique, on an integer, string or boolean reached through properties only")
	}
}

// refuseBadHeaders keeps a call from a tool checkParamHeaders excluded:
// clients MUST exclude such tools (spec 2026-07-28, server/tools,
// "x-mcp-header"), so a call a real client would never make proves
// nothing.
func (p *prober) refuseBadHeaders(name string) error {
	err, excluded := p.excluded[name]
	if !excluded {
		return nil
	}
	return &evidence.Error{Category: evidence.CategoryProtocol,
		Message: fmt.Sprintf("mcpdoctor does not call %s: its x-mcp-header annotations break the rules (%v), and modern clients on Streamable HTTP exclude such tools", name, err),
		Hint:    "the server's authors must fix the annotations in the tool's inputSchema (a token name, unique, on an integer, string or boolean); clients that speak legacy MCP send no such headers and can call it (--protocol legacy, if the server speaks it)"}
}

func (p *prober) callTool(ctx context.Context) {
	start := time.Now()
	call := p.opts.Call
	args := call.Arguments
	if len(args) == 0 {
		args = json.RawMessage(`{}`)
	}
	if err := p.refuseBadHeaders(call.Name); err != nil {
		p.stage(StageToolsCall, start, err, "")
		return
	}
	req, err := p.request("tools/call", map[string]any{"name": call.Name, "arguments": args})
	if err == nil && p.era == wire.EraModern {
		if t, ok := p.tool(call.Name); ok {
			req.Header = wire.ParamHeaderValues(t.InputSchema, args)
		}
	}
	var out struct {
		Content json.RawMessage `json:"content"`
		IsError bool            `json:"isError"`
	}
	note := ""
	if err == nil {
		resp, cerr := p.tr.Call(ctx, req)
		err = p.decode("tools/call", resp, cerr, &out)
		if err == nil {
			tc := &ToolCallResult{Name: call.Name, IsError: out.IsError, Content: out.Content}
			if p.era == wire.EraModern {
				tc.ResultType, err = wire.ReadResultType(resp.Result)
			}
			if tc.ResultType == wire.ResultInputRequired {
				// The server needs input the client gathers (an elicitation,
				// a sampling, the roots) before it can finish: a doctor
				// reports it and neither answers nor retries.
				tc.InputRequests = wire.ReadInputRequests(resp.Result)
				var asked []string
				for _, ir := range tc.InputRequests {
					asked = append(asked, ir.Method+" ("+ir.Key+")")
				}
				note = "the server asked for input before it can finish: " + evidence.OrNone(strings.Join(asked, ", ")) + "; mcpdoctor provides none, so the call ends here"
			}
			p.res.ToolCall = tc
			if err == nil && out.IsError {
				err = &evidence.Error{Category: evidence.CategoryToolError,
					Message: fmt.Sprintf("the tool %s answered with isError: true", call.Name),
					Hint:    "the server works, but the call failed: read the content the tool returned and check --args against its input schema"}
			}
		}
	}
	p.stage(StageToolsCall, start, err, note)
}

// ParseTool reads one tool of a tools/list answer as the probe keeps it:
// the fields mcpdoctor shows and checks, and the size of its definition.
func ParseTool(raw json.RawMessage) (Tool, error) {
	var t struct {
		Name         string          `json:"name"`
		Title        string          `json:"title"`
		Description  string          `json:"description"`
		InputSchema  json.RawMessage `json:"inputSchema"`
		OutputSchema json.RawMessage `json:"outputSchema"`
		Annotations  json.RawMessage `json:"annotations"`
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return Tool{}, err
	}
	return Tool{Name: t.Name, Title: t.Title, Description: t.Description, InputSchema: t.InputSchema,
		OutputSchema: t.OutputSchema, Annotations: t.Annotations, Bytes: len(raw)}, nil
}
