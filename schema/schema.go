// Package schema holds the JSON Schemas (draft 2020-12) of every --json
// output: the contract that scripts, CI jobs and bug reports depend on.
// README.md beside them says what each field means.
package schema

import "embed"

// Files holds the *.schema.json files, named as `Names` lists them.
//
//go:embed *.schema.json
var Files embed.FS

// Names are the schemas, by the output they describe: list, server (one
// object of list; what probe prints), validate, validate-files (validate
// of several files), report, login, error.
var Names = []string{"list", "server", "validate", "validate-files", "report", "login", "error"}

// BaseURI is where the schemas' $id values point; they refer to one
// another relative to it.
const BaseURI = "https://github.com/mcpdoctor/mcpdoctor/schema/"
