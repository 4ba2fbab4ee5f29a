package config

import (
	"os"
	"path/filepath"
	"testing"
)

// The readers must read anything, hostile included, in bounded time:
// a problem for what they refuse, never a panic, and a position for every
// problem they locate.

func seedClientFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

func checkRead(t *testing.T, path string, data []byte, c Client) {
	file, err := Read(path, data, ReadOptions{Client: c, Home: "/home/u", Cwd: "/src/app"})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	for _, p := range file.Problems {
		if p.Line < 0 || p.Column < 0 || p.Message == "" {
			t.Fatalf("a problem without a message, or placed before the file: %+v", p)
		}
	}
	for _, s := range file.Servers {
		s.Launch(Lookup{})
		s.Secrets(Lookup{})
		_ = s.Entry()
	}
}

func FuzzReadCodex(f *testing.F) {
	seedClientFiles(f, "*.toml")
	seedClientFiles(f, "clients/codex/*.toml")
	f.Add([]byte("[mcp_servers.\"\\u00e9\"]\nurl = \"ftp://x\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, "config.toml", data, ClientCodex) })
}

func FuzzReadJSONClients(f *testing.F) {
	seedClientFiles(f, "clients/*/*.json")
	seedClientFiles(f, "clients/*/.*/*.json")
	seedClientFiles(f, "clients/*/*/.*.json")
	seedClientFiles(f, "clients/*/*.jsonc")
	seedClientFiles(f, "clients/*/*/*/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		// Continue reads a .json file as any client's, by its own rules.
		for _, c := range []Client{ClientClaudeCode, ClientVSCode, ClientGemini, ClientZed, ClientOpencode, ClientCline, ClientWindsurf, ClientCursor, ClientCopilotCLI, ClientClaudeDesktop, ClientContinue} {
			checkRead(t, "mcp.json", data, c)
		}
		Recognise("mcp.json", data)
	})
}

func FuzzReadYAMLClients(f *testing.F) {
	seedClientFiles(f, "clients/*/*/*.yaml")
	seedClientFiles(f, "clients/*/*/*/*.yaml")
	f.Add([]byte("a: &x [1, *x]\n<<: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, "config.yaml", data, ClientContinue)
		checkRead(t, "config.yaml", data, ClientGoose)
	})
}
