// Package schematest checks documents against the project's JSON Schemas
// (schema/), and SARIF logs against the official SARIF 2.1.0 schema, for
// tests: every --json and --format sarif output a test sees is parsed and
// validated before anything in it is matched. It is used by tests only, so
// the validator and the schemas it embeds never reach the mcpdoctor binary.
package schematest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mcpdoctor/mcpdoctor/schema"
)

// SARIF names the SARIF 2.1.0 schema for Validate: what --format sarif
// prints.
const SARIF = "sarif"

// sarifSchema is the official SARIF 2.1.0 JSON Schema (draft-07), from
// the OASIS TC's repository (Schemata/sarif-schema-2.1.0.json) as the npm
// package @datadog/datadog-ci 2.48.0 ships it
// (dist/commands/sarif/json-schema/); testdata/README.md says more.
//
//go:embed testdata/sarif-schema-2.1.0.json
var sarifSchema []byte

// sarifSchemaID is the $id the copy declares.
const sarifSchemaID = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

var compiled struct {
	once    sync.Once
	schemas map[string]*jsonschema.Schema
	err     error
}

// compile loads every schema into one compiler, so that their relative
// $refs resolve against one another and nothing is fetched.
func compile() (map[string]*jsonschema.Schema, error) {
	compiled.once.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for _, name := range schema.Names {
			b, err := schema.Files.ReadFile(name + ".schema.json")
			if err != nil {
				compiled.err = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				compiled.err = fmt.Errorf("%s.schema.json: %w", name, err)
				return
			}
			if err := c.AddResource(schema.BaseURI+name+".schema.json", doc); err != nil {
				compiled.err = err
				return
			}
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sarifSchema))
		if err != nil {
			compiled.err = fmt.Errorf("sarif-schema-2.1.0.json: %w", err)
			return
		}
		if err := c.AddResource(sarifSchemaID, doc); err != nil {
			compiled.err = err
			return
		}
		compiled.schemas = map[string]*jsonschema.Schema{}
		sarif, err := c.Compile(sarifSchemaID)
		if err != nil {
			compiled.err = fmt.Errorf("sarif-schema-2.1.0.json: %w", err)
			return
		}
		compiled.schemas[SARIF] = sarif
		for _, name := range schema.Names {
			s, err := c.Compile(schema.BaseURI + name + ".schema.json")
			if err != nil {
				compiled.err = fmt.Errorf("%s.schema.json: %w", name, err)
				return
			}
			compiled.schemas[name] = s
		}
	})
	return compiled.schemas, compiled.err
}

// Validate checks that data is exactly one JSON document (nothing before
// or after it) and that it is valid against the named schema: one of
// schema.Names ("list", "server", "validate", "report", "login",
// "error"), or SARIF.
func Validate(name string, data []byte) error {
	schemas, err := compile()
	if err != nil {
		return err
	}
	s, ok := schemas[name]
	if !ok {
		return fmt.Errorf("no schema named %q (have %v)", name, append(slices.Clone(schema.Names), SARIF))
	}
	doc, err := Parse(data)
	if err != nil {
		return err
	}
	if err := s.Validate(doc); err != nil {
		file := name + ".schema.json"
		if name == SARIF {
			file = "sarif-schema-2.1.0.json"
		}
		return fmt.Errorf("not valid against %s: %v", file, err)
	}
	return nil
}

// Parse decodes data as exactly one JSON document, in the form the
// validator takes.
func Parse(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON document, or text after it (at byte %d)", dec.InputOffset())
	}
	return doc, nil
}
