package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// Message is one JSON-RPC 2.0 message as it travels: a request (ID and
// Method), a notification (Method, no ID) or a response (ID and Result or
// Error). Raw keeps the exact bytes received so that evidence shows what the
// server sent, not what we understood of it.
type Message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *RPCError       `json:"error,omitempty"`

	Raw []byte `json:"-"`
	// Header holds headers an HTTP transport sends along with a request
	// (the Mcp-Param-* of a modern tools/call); stdio ignores them.
	Header http.Header `json:"-"`
}

// RPCError is a JSON-RPC error object.
type RPCError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *RPCError) Error() string { return fmt.Sprintf("JSON-RPC error %d: %s", e.Code, e.Message) }

// IsRequest reports whether the message asks for an answer.
func (m *Message) IsRequest() bool { return m.Method != "" && len(m.ID) > 0 }

// IsNotification reports whether the message is a notification.
func (m *Message) IsNotification() bool { return m.Method != "" && len(m.ID) == 0 }

// IsResponse reports whether the message answers a request.
func (m *Message) IsResponse() bool { return m.Method == "" && len(m.ID) > 0 }

// SameID reports whether two JSON-RPC ids are equal (1 and 1, "a" and "a").
func SameID(a, b json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b))
}

// answers reports whether msg is the response to req. A JSON-RPC error
// with a null id is the server's answer to a request it could not read.
func answers(msg, req *Message) bool {
	if !msg.IsResponse() {
		return false
	}
	return SameID(msg.ID, req.ID) || (msg.Error != nil && string(bytes.TrimSpace(msg.ID)) == "null")
}

// idMismatch explains a response that came where req's response should
// be, under another id: the error that ends the call, and the finding
// that names the fault. JSON-RPC ids match exactly, in type and in value,
// so a client drops such an answer and waits on until it times out.
func idMismatch(got, req *Message) (*evidence.Error, evidence.Finding) {
	gotID, wantID := bytes.TrimSpace(got.ID), bytes.TrimSpace(req.ID)
	var msg string
	if looseID(gotID) == looseID(wantID) {
		msg = fmt.Sprintf("the server answered %s (id %s, %s) with id %s (%s): JSON-RPC ids must match in type as well as value, so clients drop the answer and wait until they time out",
			req.Method, wantID, idKind(wantID), gotID, idKind(gotID))
	} else {
		msg = fmt.Sprintf("the server answered %s (id %s) with a response to id %s, which was never sent: clients drop it and wait until they time out",
			req.Method, wantID, evidence.OneLine(gotID, 40))
	}
	hint := "the server's JSON-RPC layer changes the ids of requests: report it to its authors with this exchange"
	return protocolError(msg, hint), evidence.Finding{Code: "response_id_mismatch", Severity: evidence.SeverityError, Message: msg, Hint: hint}
}

// looseID is an id's value whatever its type: "1" and 1 are both 1.
func looseID(id []byte) string {
	var s string
	if json.Unmarshal(id, &s) == nil {
		return s
	}
	return string(id)
}

func idKind(id []byte) string {
	switch {
	case len(id) > 0 && id[0] == '"':
		return "a string"
	case string(id) == "null":
		return "null"
	case len(id) > 0 && (id[0] == '-' || id[0] >= '0' && id[0] <= '9'):
		return "a number"
	}
	return "neither a string nor a number"
}

// NewRequest builds a request with a numeric id.
func NewRequest(id int64, method string, params any) (*Message, error) {
	m := &Message{JSONRPC: "2.0", ID: json.RawMessage(fmt.Sprint(id)), Method: method}
	if err := m.setParams(params); err != nil {
		return nil, err
	}
	return m, m.encode()
}

// NewNotification builds a notification.
func NewNotification(method string, params any) (*Message, error) {
	m := &Message{JSONRPC: "2.0", Method: method}
	if err := m.setParams(params); err != nil {
		return nil, err
	}
	return m, m.encode()
}

// MethodNotFound answers a request from the server that the probe does not
// serve (sampling, roots, elicitation): we declare none of those
// capabilities, so -32601 is the honest answer.
func MethodNotFound(req *Message) *Message {
	m := &Message{JSONRPC: "2.0", ID: req.ID, Error: &RPCError{Code: -32601, Message: "mcpdoctor does not serve " + req.Method}}
	_ = m.encode()
	return m
}

func (m *Message) setParams(params any) error {
	if params == nil {
		return nil
	}
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	m.Params = b
	return nil
}

func (m *Message) encode() error {
	b, err := json.Marshal(m)
	m.Raw = b
	return err
}

// ParseMessage decodes one JSON-RPC message. Batches (arrays) are not part of
// MCP since 2025-06-18 and are reported as a protocol error.
func ParseMessage(b []byte) (*Message, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, fmt.Errorf("empty message")
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("not a JSON-RPC object (starts with %q)", evidence.Excerpt(b, 20))
	}
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if m.JSONRPC != "2.0" {
		return nil, fmt.Errorf("jsonrpc is %q, want \"2.0\"", m.JSONRPC)
	}
	m.Raw = append([]byte(nil), b...)
	return &m, nil
}
