package toolcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
	"github.com/mcpdoctor/mcpdoctor/internal/printable"
	"github.com/mcpdoctor/mcpdoctor/internal/probe"
)

// The spec (2025-06-18 and later, server/tools) asks every tool for an
// inputSchema, a JSON Schema object whose type is "object", and allows an
// outputSchema of the same kind for structuredContent; a schema without
// $schema is JSON Schema 2020-12. Clients pass the input schema to the
// model API as the function's parameters, and those take only an object.
//
// Most tools' schemas use a handful of keywords (type, properties,
// required, items, description, enum…). quickValid judges those itself,
// in microseconds; a schema with any other keyword of the 2020-12
// vocabulary ($ref, anyOf, if, patternProperties…) goes to the
// validator, which checks it against its metaschema and resolves its
// references. Keywords outside the vocabulary are allowed and ignored, as
// 2020-12 says.

// schemaChecker compiles a server's complex schemas with one compiler.
type schemaChecker struct {
	compiler *jsonschema.Compiler
	n        int
}

func newSchemaChecker() *schemaChecker { return &schemaChecker{} }

// refused is the loader of every URL a schema refers to: a schema is
// checked as the server sent it, and mcpdoctor fetches nothing it names.
type refused struct{}

var errNotLoaded = errors.New("mcpdoctor loads nothing a schema refers to")

func (refused) Load(string) (any, error) { return nil, errNotLoaded }

func (c *schemaChecker) check(t probe.Tool) []evidence.Finding {
	var out []evidence.Finding
	out = append(out, c.one(t, "inputSchema", t.InputSchema)...)
	if len(t.OutputSchema) > 0 && string(t.OutputSchema) != "null" {
		out = append(out, c.one(t, "outputSchema", t.OutputSchema)...)
	}
	return out
}

func (c *schemaChecker) one(t probe.Tool, field string, raw json.RawMessage) []evidence.Finding {
	finding := func(code string, severity evidence.Severity, msg, hint string) evidence.Finding {
		return evidence.Finding{Code: code, Severity: severity, Tool: t.Name,
			Message: fmt.Sprintf("the %s of tool %s %s", field, quote(t.Name), msg), Hint: hint}
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return []evidence.Finding{{Code: "tool_schema_missing", Severity: evidence.SeverityError, Tool: t.Name,
			Message: fmt.Sprintf("tool %s has no inputSchema; the spec requires one, and clients refuse or leave out a tool without it", quote(t.Name)),
			Hint:    `ask the server's authors for an inputSchema; a tool without arguments takes {"type": "object"}`}}
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return []evidence.Finding{finding("tool_schema_invalid", evidence.SeverityError, "is not JSON: "+err.Error(), "")}
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return []evidence.Finding{finding("tool_schema_not_object", evidence.SeverityError,
			fmt.Sprintf("is %s, not a JSON object; clients refuse such a tool", jsonKind(doc)),
			`the schema must be an object with "type": "object"`)}
	}
	var out []evidence.Finding
	switch typ := obj["type"]; {
	case typ == nil:
		out = append(out, finding("tool_schema_not_object", evidence.SeverityWarning,
			`has no "type"; the spec asks for "type": "object", and model APIs refuse parameters of another type`,
			`add "type": "object" to the schema`))
	case typ != "object":
		out = append(out, finding("tool_schema_not_object", evidence.SeverityError,
			fmt.Sprintf(`has "type" %s, not "object"; the model APIs take only an object as a function's parameters, so clients refuse the tool or the request fails`, compact(typ)),
			`wrap the value in an object schema: {"type": "object", "properties": {"value": …}}`))
	}
	// JSON that hides nothing as it stands and has no \u escape holds no
	// text that hides anything: most schemas need no walk.
	if printable.Hidden(string(raw)) != nil || bytes.Contains(raw, []byte(`\u`)) {
		for _, h := range schemaTexts(doc) {
			if f, ok := hiddenIn(t.Name, field+" "+h.where, h.text); ok {
				out = append(out, f)
			}
		}
	}
	if quickValid(doc) {
		return out
	}
	if err := c.compile(doc); err != nil {
		var load *jsonschema.LoadURLError
		var pointer *jsonschema.JSONPointerNotFoundError
		var anchor *jsonschema.AnchorNotFoundError
		switch {
		case errors.As(err, &load) && load.URL == strings.TrimSuffix(fmt.Sprint(obj["$schema"]), "#"):
			out = append(out, finding("tool_schema_invalid", evidence.SeverityError,
				fmt.Sprintf("names as its $schema %s, which is no JSON Schema draft clients know", quote(load.URL)),
				`leave $schema out (2020-12 is the default) or name a published draft`))
		case errors.As(err, &load):
			out = append(out, finding("tool_schema_ref", evidence.SeverityError,
				fmt.Sprintf("refers to %s, outside the tool's definition; clients do not fetch it, so the schema cannot be used", quote(c.shown(load.URL))),
				"ask the server's authors to put every definition the schema uses in its $defs"))
		case errors.As(err, &pointer):
			out = append(out, finding("tool_schema_ref", evidence.SeverityError,
				fmt.Sprintf("has a $ref to %s, which points at nothing in it", quote(fragment(pointer.URL))),
				"ask the server's authors to fix the reference or add the definition to $defs"))
		case errors.As(err, &anchor):
			out = append(out, finding("tool_schema_ref", evidence.SeverityError,
				fmt.Sprintf("has a $ref to the anchor %s, which nothing in it declares", quote(fragment(anchor.URL))),
				"ask the server's authors to fix the reference or add the definition to $defs"))
		default:
			out = append(out, finding("tool_schema_invalid", evidence.SeverityError,
				"is not a valid JSON Schema: "+why(err),
				"clients that check schemas refuse the tool; ask the server's authors to fix the schema"))
		}
	}
	return out
}

func (c *schemaChecker) compile(doc any) error {
	if c.compiler == nil {
		c.compiler = jsonschema.NewCompiler()
		c.compiler.DefaultDraft(jsonschema.Draft2020)
		c.compiler.UseLoader(refused{})
	}
	c.n++
	url := c.base() + "schema.json"
	if err := c.compiler.AddResource(url, doc); err != nil {
		return err
	}
	_, err := c.compiler.Compile(url)
	return err
}

// quickValid says whether doc is a schema that uses only the common
// keywords, each with a value of the type 2020-12 wants. false sends it
// to the validator, which gives the reason.
func quickValid(doc any) bool {
	switch s := doc.(type) {
	case bool:
		return true
	case map[string]any:
		for k, v := range s {
			if !quickKeyword(k, v) {
				return false
			}
		}
		return true
	}
	return false
}

var simpleTypes = []string{"null", "boolean", "object", "array", "number", "string", "integer"}

func quickKeyword(k string, v any) bool {
	switch k {
	case "type":
		if name, ok := v.(string); ok {
			return slices.Contains(simpleTypes, name)
		}
		list, ok := v.([]any)
		for i, e := range list {
			if name, isName := e.(string); !isName || !slices.Contains(simpleTypes, name) || slices.Contains(list[:i], e) {
				return false
			}
		}
		return ok && len(list) > 0
	case "properties":
		props, ok := v.(map[string]any)
		for _, p := range props {
			if !quickValid(p) {
				return false
			}
		}
		return ok
	case "items", "additionalProperties":
		return quickValid(v)
	case "required":
		list, ok := v.([]any)
		for i, e := range list {
			if _, isName := e.(string); !isName || slices.Contains(list[:i], e) {
				return false
			}
		}
		return ok
	case "enum", "examples":
		_, ok := v.([]any)
		return ok
	case "description", "title", "$comment", "format":
		_, ok := v.(string)
		return ok
	case "default", "const":
		return true
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		_, ok := v.(float64)
		return ok
	case "multipleOf":
		n, ok := v.(float64)
		return ok && n > 0
	case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
		n, ok := v.(float64)
		return ok && n >= 0 && n == float64(int64(n))
	case "uniqueItems", "deprecated", "readOnly", "writeOnly":
		_, ok := v.(bool)
		return ok
	case "$schema":
		return v == "https://json-schema.org/draft/2020-12/schema"
	}
	// Another keyword of the vocabulary goes to the validator; one outside
	// it is an annotation 2020-12 ignores.
	return !vocabulary[k]
}

// vocabulary is the rest of JSON Schema 2020-12's keywords (core,
// applicator, validation, unevaluated, format, content, meta-data), and
// the draft-07 names a schema may still use.
var vocabulary = map[string]bool{
	"$id": true, "$ref": true, "$anchor": true, "$dynamicRef": true, "$dynamicAnchor": true, "$vocabulary": true, "$defs": true,
	"definitions": true, "allOf": true, "anyOf": true, "oneOf": true, "not": true, "if": true, "then": true, "else": true,
	"dependentSchemas": true, "prefixItems": true, "contains": true, "patternProperties": true, "propertyNames": true,
	"unevaluatedItems": true, "unevaluatedProperties": true, "pattern": true, "maxContains": true, "minContains": true,
	"dependentRequired": true, "contentEncoding": true, "contentMediaType": true, "contentSchema": true,
	"dependencies": true, "additionalItems": true, "$recursiveRef": true, "$recursiveAnchor": true,
}

// schemaText is a text of a schema a reader sees: a description or title,
// or a property's name.
type schemaText struct{ where, text string }

// schemaTexts finds the texts in a schema that hide something, with
// where each stands.
func schemaTexts(doc any) []schemaText {
	var out []schemaText
	var path []string // built into a string only for a text that hides
	found := func(where, text string) {
		if printable.Hidden(text) != nil {
			out = append(out, schemaText{"/" + strings.Join(append(path, where), "/"), text})
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch s := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(s)) {
				e := s[k]
				switch text, isText := e.(string); {
				case isText && (k == "description" || k == "title"):
					found(k, text)
				case k == "properties":
					props, _ := e.(map[string]any)
					for _, name := range slices.Sorted(maps.Keys(props)) {
						found("properties (a name)", name)
						path = append(path, "properties", name)
						walk(props[name])
						path = path[:len(path)-2]
					}
				default:
					path = append(path, k)
					walk(e)
					path = path[:len(path)-1]
				}
			}
		case []any:
			for i, e := range s {
				path = append(path, strconv.Itoa(i))
				walk(e)
				path = path[:len(path)-1]
			}
		}
	}
	walk(doc)
	return out
}

// base is where the schema being compiled stands: a name of mcpdoctor's
// own, which a relative $ref resolves against.
func (c *schemaChecker) base() string { return fmt.Sprintf("mcpdoctor:///tool/%d/", c.n) }

// shown is a URL a schema refers to as the schema wrote it: relative to
// the schema, without the name the checker gave it.
func (c *schemaChecker) shown(url string) string { return strings.TrimPrefix(url, c.base()) }

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// fragment is what a reference inside a schema points at: its URL's
// fragment, without the name the checker gave the schema.
func fragment(url string) string {
	if _, frag, ok := strings.Cut(url, "#"); ok {
		return "#" + frag
	}
	return url
}

// why says what the metaschema found wrong, where: the validator's
// innermost complaints ("at /properties/n/type: value must be one of
// …"), without the outer "allOf failed" that wrap them.
func why(err error) string {
	var invalid *jsonschema.SchemaValidationError
	var verr *jsonschema.ValidationError
	if !errors.As(err, &invalid) || !errors.As(invalid.Err, &verr) {
		return shorten(err.Error())
	}
	en := message.NewPrinter(language.English)
	var leaves []string
	var walk func(v *jsonschema.ValidationError)
	walk = func(v *jsonschema.ValidationError) {
		if len(v.Causes) == 0 {
			at := "/" + strings.Join(v.InstanceLocation, "/")
			if leaf := "at " + at + ": " + v.ErrorKind.LocalizedString(en); !slices.Contains(leaves, leaf) {
				leaves = append(leaves, leaf)
			}
		}
		for _, c := range v.Causes {
			walk(c)
		}
	}
	walk(verr)
	if len(leaves) > 1 {
		leaves = append(leaves[:1], fmt.Sprintf("and %d more", len(leaves)-1))
	}
	return shorten(strings.Join(leaves, "; "))
}

// shorten keeps a validator's message to one readable line.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
