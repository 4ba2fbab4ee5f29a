package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
)

// Body redacts a message body: a JSON document is decoded, walked and
// encoded again (see [Redactor.JSON]); an event stream has each data line
// treated the same way; anything else is text.
func (r *Redactor) Body(s string) string {
	if s == "" {
		return s
	}
	if out, ok := r.JSON(s); ok {
		return out
	}
	if strings.HasPrefix(s, "data:") || strings.Contains(s, "\ndata:") || strings.HasPrefix(s, "event:") || strings.HasPrefix(s, "id:") || strings.HasPrefix(s, ":") {
		return r.eventStream(s)
	}
	return r.Text(s)
}

// eventStream redacts the data lines of a Server-Sent Events body as JSON
// where they are, and the rest as text.
func (r *Redactor) eventStream(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		body := strings.TrimRight(line, "\r\n")
		end := line[len(body):]
		if data, ok := strings.CutPrefix(body, "data:"); ok {
			lead := ""
			if strings.HasPrefix(data, " ") {
				lead, data = " ", data[1:]
			}
			if out, ok := r.JSON(data); ok {
				lines[i] = "data:" + lead + out + end
				continue
			}
		}
		lines[i] = r.Text(body) + end
	}
	return strings.Join(lines, "")
}

// JSON redacts a JSON document by walking its values: a member whose name
// says credential (access_token, client_secret, password, api_key…) has
// its strings masked whole; every other string is redacted as text, or as
// a URL when it is one; names are redacted as text; numbers, booleans and
// null stay. The document is encoded again only when something changed, so
// evidence keeps the server's own bytes where it can. ok is false when s is
// not one JSON document.
func (r *Redactor) JSON(s string) (string, bool) { return r.walkJSON(s, true) }

// Schema redacts a JSON Schema, such as a tool's inputSchema, as JSON does
// but without masking by member name: there a member named api_key is a
// parameter's declaration, not a credential, and masking it would break
// the schema. Learned secrets and self-describing tokens in its strings
// (a default, an example) are still masked.
func (r *Redactor) Schema(s string) (string, bool) { return r.walkJSON(s, false) }

func (r *Redactor) walkJSON(s string, byName bool) (string, bool) {
	trimmed := strings.TrimSpace(s)
	if trimmed == "" || (trimmed[0] != '{' && trimmed[0] != '[') {
		return "", false
	}
	w := jsonWalker{r: r, dec: json.NewDecoder(strings.NewReader(s)), byName: byName}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return "", false
	}
	if err := w.value(tok, false); err != nil {
		return "", false
	}
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		return "", false // more than one document, or garbage after it
	}
	if !w.changed {
		return s, true
	}
	return w.out.String(), true
}

type jsonWalker struct {
	r   *Redactor
	dec *json.Decoder
	// byName masks the values of members named like credentials.
	byName  bool
	out     bytes.Buffer
	changed bool
}

func (w *jsonWalker) value(tok json.Token, secret bool) error {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			w.out.WriteByte('{')
			for first := true; w.dec.More(); first = false {
				k, err := w.dec.Token()
				if err != nil {
					return err
				}
				key, ok := k.(string)
				if !ok {
					return errors.New("object key is not a string")
				}
				if !first {
					w.out.WriteByte(',')
				}
				w.str(w.r.Text(key), key)
				w.out.WriteByte(':')
				v, err := w.dec.Token()
				if err != nil {
					return err
				}
				if err := w.value(v, secret || w.byName && isSensitiveJSONKey(key)); err != nil {
					return err
				}
			}
			w.out.WriteByte('}')
		case '[':
			w.out.WriteByte('[')
			for first := true; w.dec.More(); first = false {
				if !first {
					w.out.WriteByte(',')
				}
				v, err := w.dec.Token()
				if err != nil {
					return err
				}
				if err := w.value(v, secret); err != nil {
					return err
				}
			}
			w.out.WriteByte(']')
		default:
			return errors.New("unexpected delimiter")
		}
		// The closing delimiter.
		_, err := w.dec.Token()
		return err
	case string:
		switch {
		case secret && t != "" && t != Mask:
			w.str(Mask, t)
		case isURL(t):
			w.str(w.r.URL(t), t)
		default:
			w.str(w.r.Text(t), t)
		}
	case json.Number:
		w.out.WriteString(t.String())
	case bool:
		if t {
			w.out.WriteString("true")
		} else {
			w.out.WriteString("false")
		}
	case nil:
		w.out.WriteString("null")
	}
	return nil
}

// str writes a redacted string, noting whether redaction changed it.
func (w *jsonWalker) str(redacted, was string) {
	if redacted != was {
		w.changed = true
	}
	enc := json.NewEncoder(&w.out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(redacted)
	w.out.Truncate(w.out.Len() - 1) // Encode's newline
}

// isURL says whether a whole string is an absolute URL.
func isURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") || !strings.Contains(s, "://") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// isSensitiveJSONKey says whether a JSON member holds a credential. It is
// narrower than the header rule: metadata documents are full of members
// such as token_endpoint and token_endpoint_auth_methods_supported whose
// values are URLs and lists that must stay readable.
func isSensitiveJSONKey(key string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(key))
	switch n {
	case "token", "secret", "password", "passwd", "pwd", "authorization", "cookie", "setcookie", "credentials", "apikey":
		return true
	}
	for _, suffix := range []string{"token", "secret", "password", "apikey", "privatekey", "accesskey", "secretkey"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}
