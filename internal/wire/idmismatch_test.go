package wire

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAResponseUnderAnotherIDIsNamed(t *testing.T) {
	req, _ := NewRequest(1, "initialize", nil)
	resp := func(id string, isErr bool) *Message {
		m := &Message{JSONRPC: "2.0", ID: json.RawMessage(id), Result: json.RawMessage(`{}`)}
		if isErr {
			m.Result, m.Error = nil, &RPCError{Code: -32600, Message: "Invalid Request"}
		}
		return m
	}
	for _, ok := range []*Message{resp("1", false), resp(" 1 ", false), resp("null", true)} {
		if !answers(ok, req) {
			t.Errorf("id %s does not answer id 1", ok.ID)
		}
	}
	cases := []struct{ id, says string }{
		{`"1"`, `the server answered initialize (id 1, a number) with id "1" (a string): JSON-RPC ids must match in type as well as value`},
		{`7`, `the server answered initialize (id 1) with a response to id 7, which was never sent`},
		{`null`, `with a response to id null`},
		{`1.0`, `with a response to id 1.0`},
	}
	for _, c := range cases {
		got := resp(c.id, false)
		if answers(got, req) {
			t.Errorf("id %s answers id 1", c.id)
			continue
		}
		err, f := idMismatch(got, req)
		if !strings.Contains(err.Message, c.says) || f.Code != "response_id_mismatch" || f.Message != err.Message {
			t.Errorf("id %s: %q, finding %+v; want it to say %q", c.id, err.Message, f, c.says)
		}
	}
}
