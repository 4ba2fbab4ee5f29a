package config

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mcpdoctor/mcpdoctor/internal/safefile"
)

// Limits on what a config file may be, checked before it is parsed: a
// few kilobytes of nested inline tables make a TOML parser quadratic (40
// KB once took 7.6 s and 4.2 GB), and real configs are small and flat.
const (
	// MaxConfigBytes is the largest config file read.
	MaxConfigBytes = 4 << 20
	// MaxNesting is how deep brackets ([ and {) may nest.
	MaxNesting = maxNesting
	// MaxReferencedBytes is the largest file read that a config refers
	// to: a {file:…} value, an envFile, a .env file, an extension's
	// records. Each holds a token or a few lines.
	MaxReferencedBytes = 1 << 20
)

// ReadReferenced reads a file a config refers to, as Lookup.ReadFile
// does on this machine: a regular file only (a FIFO would hang the read,
// /dev/zero never end it), of up to MaxReferencedBytes.
func ReadReferenced(path string) ([]byte, error) {
	return safefile.ReadFile(path, MaxReferencedBytes)
}

// unreadable is the state of a reference to a file that cannot be read:
// why, when mcpdoctor refused it.
func unreadable(err error) string {
	var se *safefile.Error
	if errors.As(err, &se) {
		return "cannot be read (" + se.Error() + ")"
	}
	return "cannot be read"
}

// format is how a file's brackets, strings and comments are written, for
// the nesting check.
type format int

const (
	formatTOML format = iota
	formatJSON
	formatYAML
)

// formatOf tells a client's file format.
func formatOf(c Client, path string) format {
	switch {
	case c == ClientCodex:
		return formatTOML
	case c == ClientContinue && strings.EqualFold(filepath.Ext(path), ".json"):
		return formatJSON
	case c == ClientContinue, c == ClientGoose:
		return formatYAML
	}
	return formatJSON
}

// tooLarge is the problem of a file over MaxConfigBytes.
func tooLarge(path string, size int) Problem {
	return Problem{Severity: SeverityError, Code: CodeTooLarge, File: path, Line: 1, Column: 1,
		Message: fmt.Sprintf("the file is %s; mcpdoctor reads config files up to %d MiB (a real one is a few KiB): is this the right file?", sizeText(size), MaxConfigBytes>>20)}
}

func sizeText(n int) string {
	if n > MaxConfigBytes {
		return fmt.Sprintf("over %d MiB", MaxConfigBytes>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkNesting finds the first bracket that opens deeper than MaxNesting,
// outside strings and comments, before any parser sees the file.
func checkNesting(path string, data []byte, f format) *Problem {
	li := newLineIndex(data)
	depth := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"' || c == '\'' && f != formatJSON:
			i = skipString(data, i, f)
		case c == '#' && f != formatJSON && (f == formatTOML || i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			i = skipLine(data, i)
		case c == '/' && f == formatJSON && i+1 < len(data) && (data[i+1] == '/' || data[i+1] == '*'):
			i = skipComment(data, i)
		case c == '[' || c == '{':
			depth++
			if depth > MaxNesting {
				line, col := li.at(i)
				return &Problem{Severity: SeverityError, Code: CodeTooDeep, File: path, Line: line, Column: col,
					Message: fmt.Sprintf("nested more than %d levels deep: mcpdoctor does not read such a file (a real config nests a few levels)", MaxNesting)}
			}
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		}
	}
	return nil
}

// skipString returns the index of the last byte of the string that starts
// at i: TOML's four kinds, JSON's one, YAML's two.
func skipString(data []byte, i int, f format) int {
	q := data[i]
	if f == formatTOML && i+2 < len(data) && data[i+1] == q && data[i+2] == q {
		end := bytes.Index(data[i+3:], []byte{q, q, q}) // no copy of the rest of the file
		if end < 0 {
			return len(data) - 1
		}
		return i + 3 + end + 2
	}
	for j := i + 1; j < len(data); j++ {
		switch {
		case data[j] == '\\' && q == '"':
			j++
		case data[j] == q && f == formatYAML && q == '\'' && j+1 < len(data) && data[j+1] == '\'':
			j++ // '' inside a single-quoted YAML string
		case data[j] == q:
			return j
		case data[j] == '\n' && f != formatYAML:
			return j // an unclosed string: the parser will say so
		}
	}
	return len(data) - 1
}

func skipLine(data []byte, i int) int {
	for j := i; j < len(data); j++ {
		if data[j] == '\n' {
			return j
		}
	}
	return len(data) - 1
}
