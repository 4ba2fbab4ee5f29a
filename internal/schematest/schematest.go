// Package schematest checks documents against the project's JSON Schemas
// (schema/), for tests: every --json output a test sees is parsed and
// validated before anything in it is matched. It is used by tests only, so
// the validator never reaches the mcpdoctor binary.
package schematest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mcpdoctor/mcpdoctor/schema"
)

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
		compiled.schemas = map[string]*jsonschema.Schema{}
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
// or after it) and that it is valid against the named schema ("list",
// "server", "validate", "report", "login", "error").
func Validate(name string, data []byte) error {
	schemas, err := compile()
	if err != nil {
		return err
	}
	s, ok := schemas[name]
	if !ok {
		return fmt.Errorf("no schema named %q (have %v)", name, schema.Names)
	}
	doc, err := Parse(data)
	if err != nil {
		return err
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("not valid against %s.schema.json: %v", name, err)
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
