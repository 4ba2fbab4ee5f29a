package report

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Text a server or a config sent can hold control characters: ESC starts
// the sequences that clear a screen, retitle a window, write the clipboard
// (OSC 52) or hide a link (OSC 8); a lone CR overwrites a line; the
// bidirectional overrides reorder what a reader sees. None of them reaches
// a terminal or a report: each is shown as a visible escape ("\x1b",
// "\u202e"). JSON carries the exact string instead, and its encoder escapes
// it.

// Printable returns s with every control character shown as an escape. A
// block (a body, a tool's output) keeps its newlines and tabs; a line
// keeps neither, so it cannot break the layout it stands in.
func Printable(s string, block bool) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size, block) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !needsEscape(r, size, block):
			b.WriteString(s[i : i+size])
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// needsEscape says whether a rune may not be shown as it is: the C0 and C1
// controls and DEL, invalid UTF-8, the bidirectional controls, the
// invisible joiners and marks that hide text, and the line and paragraph
// separators.
func needsEscape(r rune, size int, block bool) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\n' || r == '\t':
		return !block
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x2069,
		r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}

// forDisplay returns a deep copy of v (a view: structs, pointers, slices,
// maps and strings) in which every string is Printable, as a line unless
// its field is tagged `display:"block"`. Every string is covered, whatever
// field a later change adds, because nothing is listed by hand.
func forDisplay[T any](v T) T {
	out := printableValue(reflect.ValueOf(v), false)
	return out.Interface().(T)
}

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

func printableValue(v reflect.Value, block bool) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(Printable(v.String(), block))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(printableValue(v.Elem(), block))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields travel as they are
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			out.Field(i).Set(printableValue(v.Field(i), f.Tag.Get("display") == "block"))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		if v.Type() == rawMessageType {
			// A JSON value (a tool's result) is shown as its text, a block.
			return reflect.ValueOf(json.RawMessage(Printable(string(v.Bytes()), true)))
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(printableValue(v.Index(i), block))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(printableValue(iter.Key(), false), printableValue(iter.Value(), block))
		}
		return out
	}
	return v
}
