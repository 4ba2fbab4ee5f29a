package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	yamlparser "github.com/goccy/go-yaml/parser"
	"github.com/tailscale/hujson"
)

// The JSON, JSONC and YAML files of the other clients are read into one
// tree of nodes that keep where each value is written, so that every
// problem has a line and column, as TOML ones do. hujson keeps byte
// offsets (and accepts comments and trailing commas, which strict-JSON
// clients refuse: see strictJSONProblem); go-yaml keeps token positions.

type nodeKind int

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// node is one value with its position (1-based, columns in characters).
type node struct {
	kind nodeKind
	// text is a string's value, a number as written, "true" or "false".
	text      string
	items     []*node
	members   []*member
	line, col int
}

// member is one key of an object, with where the key is written.
type member struct {
	key       string
	line, col int
	val       *node
}

// get returns the member with that key; the last one when the key is
// written twice, as JavaScript's JSON.parse and YAML loaders keep it.
func (n *node) get(key string) *member {
	if n == nil || n.kind != nodeObject {
		return nil
	}
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].key == key {
			return n.members[i]
		}
	}
	return nil
}

// typeName says what the node is, for "must be X, not Y" messages.
func (n *node) typeName() string {
	switch n.kind {
	case nodeBool:
		return "a boolean"
	case nodeNumber:
		return "a number"
	case nodeString:
		return "a string"
	case nodeArray:
		return "an array"
	case nodeObject:
		return "an object"
	}
	return "null"
}

// lineIndex turns byte offsets into line and column, in time that does
// not grow with the line's length: a minified file is one line of
// hundreds of kilobytes, and counting its characters from the line's
// start for every value made reading it quadratic (issue 25). Columns
// count characters as utf8.RuneCount does (an invalid byte is one).
type lineIndex struct {
	data []byte
	// starts[i] is the offset of line i+1; lineRunes[i] the characters
	// before it.
	starts, lineRunes []int
	// marks[k] is the first character boundary at or after byte
	// k*markEvery, and the characters before it.
	marks []runeMark
}

type runeMark struct{ off, runes int }

// markEvery is the bytes between two marks: a lookup counts at most this
// many (and a character's length) from the nearest mark.
const markEvery = 256

func newLineIndex(data []byte) lineIndex {
	li := lineIndex{data: data, starts: []int{0}, lineRunes: []int{0}}
	li.marks = make([]runeMark, 0, len(data)/markEvery+1)
	runes := 0
	for i := 0; i < len(data); {
		for len(li.marks)*markEvery <= i {
			li.marks = append(li.marks, runeMark{i, runes})
		}
		c := data[i]
		size := 1
		if c >= utf8.RuneSelf {
			_, size = utf8.DecodeRune(data[i:])
		}
		i += size
		runes++
		if c == '\n' {
			li.starts = append(li.starts, i)
			li.lineRunes = append(li.lineRunes, runes)
		}
	}
	return li
}

func (li lineIndex) at(off int) (line, col int) {
	off = max(min(off, len(li.data)), 0)
	n := sort.SearchInts(li.starts, off+1) - 1 // the last line starting at or before off
	start := li.starts[n]
	k := min(off/markEvery, len(li.marks)-1)
	if k >= 0 && li.marks[k].off > off {
		k-- // the mark is past a character that straddles k*markEvery
	}
	if k >= 0 && li.marks[k].off >= start {
		m := li.marks[k]
		return n + 1, m.runes - li.lineRunes[n] + utf8.RuneCount(li.data[m.off:off]) + 1
	}
	return n + 1, utf8.RuneCount(li.data[start:off]) + 1
}

var hujsonError = regexp.MustCompile(`^hujson: line (\d+), column (\d+): (.*)$`)

// parseJSON reads JSON with comments and trailing commas. A syntax error
// is a problem with its position, and no tree.
func parseJSON(path string, data []byte) (*node, *Problem) {
	v, err := hujson.Parse(data)
	if err != nil {
		p := &Problem{Severity: SeverityError, Code: CodeSyntax, File: path, Message: err.Error()}
		if m := hujsonError.FindStringSubmatch(err.Error()); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			byteCol, _ := strconv.Atoi(m[2])
			p.Column = runeColumn(data, p.Line, byteCol)
			p.Message = m[3]
		}
		return nil, p
	}
	li := newLineIndex(data)
	return fromHuJSON(&v, li), nil
}

// runeColumn turns hujson's byte column into a character column.
func runeColumn(data []byte, line, byteCol int) int {
	li := newLineIndex(data)
	if line < 1 || line > len(li.starts) || byteCol < 1 {
		return byteCol
	}
	start := li.starts[line-1]
	end := len(data)
	if line < len(li.starts) {
		end = li.starts[line] - 1
	}
	if byteCol-1 > end-start {
		return byteCol
	}
	_, col := li.at(start + byteCol - 1)
	return col
}

func fromHuJSON(v *hujson.Value, li lineIndex) *node {
	n := &node{}
	n.line, n.col = li.at(v.StartOffset)
	switch t := v.Value.(type) {
	case *hujson.Object:
		n.kind = nodeObject
		for i := range t.Members {
			m := &t.Members[i]
			key := ""
			if lit, ok := m.Name.Value.(hujson.Literal); ok {
				key = lit.String()
			}
			line, col := li.at(m.Name.StartOffset)
			n.members = append(n.members, &member{key: key, line: line, col: col, val: fromHuJSON(&m.Value, li)})
		}
	case *hujson.Array:
		n.kind = nodeArray
		for i := range t.Elements {
			n.items = append(n.items, fromHuJSON(&t.Elements[i], li))
		}
	case hujson.Literal:
		switch t.Kind() {
		case '"':
			n.kind, n.text = nodeString, t.String()
		case '0':
			n.kind, n.text = nodeNumber, string(t)
		case 't', 'f':
			n.kind, n.text = nodeBool, string(t)
		default:
			n.kind = nodeNull
		}
	}
	return n
}

// strictJSONProblem finds the first comment or trailing comma in a file
// its client reads with a strict JSON parser, which refuses the whole file
// for it.
// commentsOK says the client strips comments first (Gemini CLI) and
// refuses only trailing commas.
func strictJSONProblem(path string, data []byte, client Client, commentsOK bool) *Problem {
	li := newLineIndex(data)
	inString := false
	lastComma := -1
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString, lastComma = true, -1
		case c == '/' && i+1 < len(data) && (data[i+1] == '/' || data[i+1] == '*'):
			if commentsOK {
				i = skipComment(data, i)
				continue
			}
			line, col := li.at(i)
			return &Problem{Severity: SeverityError, Code: CodeStrictJSON, File: path, Line: line, Column: col,
				Message: client.Title() + " reads this file as strict JSON and refuses it for this comment; remove it"}
		case c == ',':
			lastComma = i
		case c == '}' || c == ']':
			if lastComma >= 0 {
				line, col := li.at(lastComma)
				return &Problem{Severity: SeverityError, Code: CodeStrictJSON, File: path, Line: line, Column: col,
					Message: client.Title() + " reads this file as strict JSON and refuses it for this trailing comma; remove it"}
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			lastComma = -1
		}
	}
	return nil
}

// parseYAML reads a YAML document. Anchors and aliases are followed; merge
// keys (<<) are merged.
func parseYAML(path string, data []byte) (*node, *Problem) {
	f, err := yamlparser.ParseBytes(data, 0)
	if err != nil {
		p := &Problem{Severity: SeverityError, Code: CodeSyntax, File: path, Message: err.Error()}
		var se *yaml.SyntaxError
		if errors.As(err, &se) {
			p.Message = se.GetMessage()
			if tk := se.GetToken(); tk != nil && tk.Position != nil {
				p.Line, p.Column = tk.Position.Line, tk.Position.Column
			}
		}
		return nil, p
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return &node{kind: nodeNull, line: 1, col: 1}, nil
	}
	c := yamlConverter{anchors: map[string]*node{}}
	return c.convert(f.Docs[0].Body), nil
}

type yamlConverter struct {
	anchors map[string]*node
	depth   int
}

func (c *yamlConverter) convert(n ast.Node) *node {
	out := &node{kind: nodeNull}
	if n == nil {
		return out
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		out.line, out.col = tk.Position.Line, tk.Position.Column
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxNesting {
		return out
	}
	switch t := n.(type) {
	case *ast.MappingNode:
		out.kind = nodeObject
		for _, mv := range t.Values {
			c.member(out, mv)
		}
		if len(t.Values) > 0 {
			out.line, out.col = c.keyPos(t.Values[0])
		}
	case *ast.MappingValueNode:
		out.kind = nodeObject
		c.member(out, t)
		out.line, out.col = c.keyPos(t)
	case *ast.SequenceNode:
		out.kind = nodeArray
		for _, v := range t.Values {
			out.items = append(out.items, c.convert(v))
		}
	case *ast.StringNode:
		out.kind, out.text = nodeString, t.Value
	case *ast.LiteralNode:
		out.kind, out.text = nodeString, t.Value.Value
	case *ast.IntegerNode:
		out.kind, out.text = nodeNumber, fmt.Sprint(t.Value)
	case *ast.FloatNode:
		out.kind, out.text = nodeNumber, fmt.Sprint(t.Value)
	case *ast.InfinityNode, *ast.NanNode:
		out.kind, out.text = nodeNumber, t.GetToken().Value
	case *ast.BoolNode:
		out.kind, out.text = nodeBool, strconv.FormatBool(t.Value)
	case *ast.AnchorNode:
		v := c.convert(t.Value)
		if t.Name != nil {
			c.anchors[t.Name.GetToken().Value] = v
		}
		return v
	case *ast.AliasNode:
		if t.Value != nil {
			if v, ok := c.anchors[t.Value.GetToken().Value]; ok {
				return v
			}
		}
	case *ast.TagNode:
		return c.convert(t.Value)
	}
	return out
}

func (c *yamlConverter) keyPos(mv *ast.MappingValueNode) (int, int) {
	if tk := mv.Key.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

func (c *yamlConverter) member(obj *node, mv *ast.MappingValueNode) {
	val := c.convert(mv.Value)
	if _, merge := mv.Key.(*ast.MergeKeyNode); merge {
		var from []*node
		if val.kind == nodeArray {
			from = val.items
		} else {
			from = []*node{val}
		}
		for _, f := range from {
			for _, m := range f.members {
				if obj.get(m.key) == nil {
					obj.members = append(obj.members, m)
				}
			}
		}
		return
	}
	key := mv.Key.GetToken().Value
	if s, ok := mv.Key.(*ast.StringNode); ok {
		key = s.Value
	}
	line, col := c.keyPos(mv)
	obj.members = append(obj.members, &member{key: key, line: line, col: col, val: val})
}

// maxNesting bounds how deep a config file may nest; deeper values are
// read as null.
const maxNesting = 64

// skipComment returns the index of the comment's last byte.
func skipComment(data []byte, i int) int {
	if data[i+1] == '/' {
		if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
			return i + j
		}
		return len(data) - 1
	}
	if j := bytes.Index(data[i+2:], []byte("*/")); j >= 0 {
		return i + 2 + j + 1
	}
	return len(data) - 1
}
