package wire

import (
	"bytes"
	"testing"
)

// What a server sends is read whatever it is: a message or an error,
// never a panic or a hang.

func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25"}}`,
		`{"jsonrpc":"2.0","id":"a","error":{"code":-32022,"message":"x","data":{"supportedVersions":["2026-07-28"]}}}`,
		`{"jsonrpc":"2.0","method":"notifications/message","params":{}}`,
		`[{"jsonrpc":"2.0","id":1,"result":{}}]`, `{"id":null}`, `nul`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMessage(data)
		if err == nil && m == nil {
			t.Fatal("no message and no error")
		}
		if m != nil {
			ReadDiscover(m, nil)
			ReadResultType(m.Result)
			ReadInputRequests(m.Result)
		}
	})
}

func FuzzSSEReader(f *testing.F) {
	for _, s := range []string{
		"event: endpoint\ndata: /messages?session=1\n\n",
		"id: 7\nretry: 100\ndata: {\"a\":\ndata: 1}\r\n\r\n",
		": comment\r\rdata: x\r\r",
		"data", "\n\n\n", "retry: -5\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newSSEReader(bytes.NewReader(data), 1<<16)
		for i := 0; i <= len(data)+1; i++ {
			if _, err := r.next(); err != nil {
				return
			}
		}
		t.Fatalf("more events than bytes from %q", data)
	})
}
