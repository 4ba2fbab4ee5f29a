package config_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcpdoctor/mcpdoctor/internal/config"
)

// Load reads any client's file by that client's rules (recognised from
// its name and content) into the neutral model the probe takes; what is
// wrong inside it is a located problem, not an error.
func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "claude_desktop_config.json")
	_ = os.WriteFile(path, []byte(`{"mcpServers": {"files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}, "web": {"url": "https://example.com/mcp"}}}`), 0o600)
	f, err := config.Load(path, config.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range f.Servers {
		fmt.Println(f.Client, s.Name, s.Transport, s.Target())
	}
	for _, p := range f.Problems {
		fmt.Printf("line %d: %s: %s\n", p.Line, p.Severity, p.Code)
	}
	// Output:
	// claude-desktop files stdio npx -y @modelcontextprotocol/server-filesystem /tmp
	// claude-desktop web streamable_http https://example.com/mcp
	// line 1: error: client_refuses
}
