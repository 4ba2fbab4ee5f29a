package config

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The TOML library reports positions for syntax errors but not for keys, and
// a validator that cannot point at the line is half a validator. keyPositions
// scans the file once, lexically, and records where each table header and
// each key starts. It only needs to be right for valid TOML (the decoder has
// already rejected anything else), and when it cannot place a key the caller
// falls back to the nearest enclosing table.

type position struct{ line, col int }

// keyPositions maps a key path (parts joined by pathSep) to where it is first
// written.
type keyPositions map[string]position

const pathSep = "\x1f"

func joinPath(parts ...string) string { return strings.Join(parts, pathSep) }

// lookup returns the position of the path or of its nearest ancestor.
func (kp keyPositions) lookup(parts ...string) (position, bool) {
	for n := len(parts); n > 0; n-- {
		if p, ok := kp[joinPath(parts[:n]...)]; ok {
			return p, true
		}
	}
	return position{}, false
}

func scanKeyPositions(src string) keyPositions {
	kp := keyPositions{}
	record := func(path []string, p position) {
		k := joinPath(path...)
		if _, seen := kp[k]; !seen {
			kp[k] = p
		}
	}
	var table []string
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimLeft(line, " \t")
		indent := len(line) - len(trimmed)
		col := utf8.RuneCountInString(line[:indent]) + 1
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case strings.HasPrefix(trimmed, "["):
			inner := strings.TrimPrefix(strings.TrimPrefix(trimmed, "["), "[")
			parts, _ := parseDottedKey(inner)
			if len(parts) > 0 {
				table = parts
				record(table, position{i + 1, col})
			}
			continue
		}
		parts, rest := parseDottedKey(trimmed)
		rest = strings.TrimLeft(rest, " \t")
		if len(parts) == 0 || !strings.HasPrefix(rest, "=") {
			continue
		}
		full := append(append([]string{}, table...), parts...)
		for n := len(table) + 1; n <= len(full); n++ {
			record(full[:n], position{i + 1, col})
		}
		// Skip the continuation lines of a multi-line value so that their
		// contents are not mistaken for keys.
		st := valueState{}
		st.feed(rest[1:])
		for st.open() && i+1 < len(lines) {
			i++
			st.feed("\n" + lines[i])
		}
	}
	return kp
}

// parseDottedKey reads a TOML key (bare, "basic" or 'literal' parts joined by
// dots) from the start of s and returns its parts and what follows.
func parseDottedKey(s string) ([]string, string) {
	var parts []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return parts, s
		}
		var part string
		switch s[0] {
		case '"':
			key, n, ok := basicString(s)
			if !ok {
				return nil, ""
			}
			part, s = key, s[n:]
		case '\'':
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, ""
			}
			part, s = s[1:1+end], s[end+2:]
		default:
			end := 0
			for end < len(s) && isBareKeyByte(s[end]) {
				end++
			}
			if end == 0 {
				return parts, s
			}
			part, s = s[:end], s[end:]
		}
		parts = append(parts, part)
		t := strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(t, ".") {
			return parts, s
		}
		s = t[1:]
	}
}

func isBareKeyByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// valueState follows brackets and strings across the lines of one value.
type valueState struct {
	depth int
	// inString is the delimiter of the string we are inside, or "".
	inString string
}

func (v *valueState) open() bool { return v.depth > 0 || v.inString != "" }

func (v *valueState) feed(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if v.inString != "" {
			switch {
			case c == '\\' && (v.inString == `"` || v.inString == `"""`):
				i++
			case strings.HasPrefix(s[i:], v.inString):
				i += len(v.inString) - 1
				v.inString = ""
			case c == '\n' && len(v.inString) == 1:
				v.inString = "" // single-line strings cannot span lines
			}
			continue
		}
		switch {
		case c == '#':
			// A comment runs to the end of the line.
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				return
			}
			i += nl
		case strings.HasPrefix(s[i:], `"""`), strings.HasPrefix(s[i:], `'''`):
			v.inString = s[i : i+3]
			i += 2
		case c == '"' || c == '\'':
			v.inString = string(c)
		case c == '[' || c == '{':
			v.depth++
		case c == ']' || c == '}':
			if v.depth > 0 {
				v.depth--
			}
		}
	}
}

// basicString reads a TOML basic string ("…", with its escapes) from the
// start of s, and returns its value and the bytes it took.
func basicString(s string) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i + 1, true
		case '\\':
			if i+1 >= len(s) {
				return "", 0, false
			}
			i++
			switch e := s[i]; e {
			case 'b':
				b.WriteByte('\b')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'f':
				b.WriteByte('\f')
			case 'r':
				b.WriteByte('\r')
			case 'e':
				b.WriteByte(0x1b)
			case 'u', 'U':
				n := 4
				if e == 'U' {
					n = 8
				}
				if i+n >= len(s) {
					return "", 0, false
				}
				r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
				if err != nil {
					return "", 0, false
				}
				b.WriteRune(rune(r))
				i += n
			default:
				b.WriteByte(e) // \" and \\
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}
