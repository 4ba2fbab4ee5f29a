package schematest

import (
	"strings"
	"testing"
)

func TestSchemasCompile(t *testing.T) {
	if _, err := compile(); err != nil {
		t.Fatal(err)
	}
}

// TestValidateBites: the schemas refuse what the contract forbids, so a
// test that validates output can fail.
func TestValidateBites(t *testing.T) {
	good := `{"schema_version":4,"name":"a","enabled":true,"transport":{"type":"stdio","command":"x"},"source":{"client":"codex","file":"c.toml"},"approval":{"state":"not_needed"},"timeouts":{"startup_sec":30,"tool_sec":300}}`
	probed := `"enabled":true,"auth_status":"none","healthy":true,"stages":[],"duration_ms":1,"codex_auth_status":"unsupported"`
	if err := Validate("server", []byte(good)); err != nil {
		t.Fatalf("a valid server is refused: %v", err)
	}
	for name, doc := range map[string]string{
		"enabled as text":                          strings.Replace(good, `"enabled":true`, `"enabled":"<redacted>"`, 1),
		"unknown auth status":                      strings.Replace(good, `"enabled":true`, `"enabled":true,"auth_status":"maybe","healthy":true,"stages":[],"duration_ms":1,"codex_auth_status":"unsupported"`, 1),
		"renamed field":                            strings.Replace(good, `"name"`, `"server_name"`, 1),
		"a field nobody added":                     strings.Replace(good, `"enabled":true`, `"enabled":true,"extra":1`, 1),
		"probed, no stages":                        strings.Replace(good, `"enabled":true`, `"enabled":true,"auth_status":"none"`, 1),
		"Codex's, probed, without what Codex says": strings.Replace(good, `"enabled":true`, `"enabled":true,"auth_status":"none","healthy":true,"stages":[],"duration_ms":1`, 1),
		"an unknown client":                        strings.Replace(good, `"client":"codex"`, `"client":"emacs"`, 1),
		"no source":                                strings.Replace(good, `"source":{"client":"codex","file":"c.toml"},`, ``, 1),
		"two documents":                            good + good,
		"no approval":                              strings.Replace(good, `"approval":{"state":"not_needed"},`, ``, 1),
		"an unknown approval state":                strings.Replace(good, `"not_needed"`, `"maybe"`, 1),
		"an older schema_version":                  strings.Replace(good, `"schema_version":4`, `"schema_version":3`, 1),
		"probed while pending approval":            strings.Replace(strings.Replace(good, `"not_needed"`, `"pending"`, 1), `"enabled":true`, probed, 1),
		"broken JSON":                              good[:len(good)-1],
	} {
		if err := Validate("server", []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	optedIn := strings.Replace(strings.Replace(good, `"not_needed"`, `"pending","opt_in":"--trust-project"`, 1), `"enabled":true`, probed, 1)
	if err := Validate("server", []byte(optedIn)); err != nil {
		t.Errorf("a pending entry the user opted in to is probed: %v", err)
	}
	other := strings.Replace(good, `"client":"codex"`, `"client":"cursor"`, 1)
	if err := Validate("server", []byte(strings.Replace(other, `"enabled":true`, `"enabled":true,"auth_status":"none","healthy":true,"stages":[],"duration_ms":1`, 1))); err != nil {
		t.Errorf("another client's probed entry needs no codex_auth_status: %v", err)
	}
	if err := Validate("list", []byte("["+good+"]")); err != nil {
		t.Errorf("list: %v", err)
	}
	if err := Validate("error", []byte(`{"schema_version":4,"error":{"message":"m","category":"usage","exit_status":2}}`)); err != nil {
		t.Errorf("error: %v", err)
	}
	if err := Validate("nope", []byte(good)); err == nil {
		t.Error("an unknown schema name is accepted")
	}
}

// TestSARIFBites: the SARIF schema is the real one, so a log that breaks
// SARIF 2.1.0 fails.
func TestSARIFBites(t *testing.T) {
	good := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"mcpdoctor","rules":[{"id":"env_unset"}]}},` +
		`"results":[{"ruleId":"env_unset","level":"error","message":{"text":"m"},` +
		`"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a%20b/.mcp.json"},"region":{"startLine":3,"startColumn":1}}}]}]}]}`
	if err := Validate(SARIF, []byte(good)); err != nil {
		t.Fatalf("a valid log is refused: %v", err)
	}
	for name, doc := range map[string]string{
		"another version":     strings.Replace(good, `"2.1.0"`, `"2.2"`, 1),
		"an unknown level":    strings.Replace(good, `"level":"error"`, `"level":"info"`, 1),
		"line 0":              strings.Replace(good, `"startLine":3`, `"startLine":0`, 1),
		"no message":          strings.Replace(good, `"message":{"text":"m"},`, ``, 1),
		"a field SARIF lacks": strings.Replace(good, `"ruleId"`, `"severity":"x","ruleId"`, 1),
		"no driver name":      strings.Replace(good, `"name":"mcpdoctor",`, ``, 1),
	} {
		if err := Validate(SARIF, []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
