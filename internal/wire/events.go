package wire

// The Server-Sent Events parser both HTTP transports read their streams
// with.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/mcpdoctor/mcpdoctor/internal/evidence"
)

// sseEvent is one dispatched Server-Sent Event.
type sseEvent struct {
	// Name is the event type, "message" when the stream named none.
	Name string
	// ID is the last event ID when the event was dispatched.
	ID   string
	Data []byte
}

// sseReader parses an event stream as the HTML standard defines it
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
// lines end with CRLF, LF or CR; a blank line dispatches; data lines are
// joined with LF; lines starting with a colon are comments. One event's data
// is capped at limit bytes.
type sseReader struct {
	br    *bufio.Reader
	limit int64
	// lastID and retry are the stream's state: the last event ID seen and
	// the reconnection time the server asked for (-1 when it did not).
	lastID string
	retry  time.Duration
	// comments and events count what went by, for messages.
	comments, events int
	// discarded is set when the stream ended inside an event, which the
	// standard says to drop.
	discarded bool
	// queued holds lines split off a chunk at lone CRs.
	queued [][]byte
}

func newSSEReader(r io.Reader, limit int64) *sseReader {
	return &sseReader{br: bufio.NewReaderSize(r, 32<<10), limit: limit, retry: -1}
}

// readLine returns the next line without its terminator. A line cut by the
// end of the stream is reported as io.EOF with partial set.
func (s *sseReader) readLine() (line []byte, partial bool, err error) {
	if len(s.queued) > 0 {
		line, s.queued = s.queued[0], s.queued[1:]
		return line, false, nil
	}
	for {
		chunk, err := s.br.ReadSlice('\n')
		if int64(len(line)+len(chunk)) > s.limit+2 {
			return nil, false, tooLargeError(s.limit)
		}
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return nil, len(line) > 0, err
		}
		break
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	// A lone CR also ends a line. (One that ends a chunk is only seen when
	// the next LF arrives; no server we know uses bare CRs.)
	if i := bytes.IndexByte(line, '\r'); i >= 0 {
		parts := bytes.Split(line, []byte("\r"))
		line, s.queued = parts[0], append(s.queued, parts[1:]...)
	}
	return line, false, nil
}

// next returns the next event, skipping comments. It returns io.EOF (or
// the read error) when the stream ends.
func (s *sseReader) next() (sseEvent, error) {
	var (
		name    string
		data    []byte
		hasData bool
		pending bool
	)
	for {
		line, partial, err := s.readLine()
		if err != nil {
			s.discarded = pending || partial
			return sseEvent{}, err
		}
		if len(line) == 0 {
			if !hasData {
				name, pending = "", false
				continue
			}
			s.events++
			if name == "" {
				name = "message"
			}
			return sseEvent{Name: name, ID: s.lastID, Data: bytes.TrimSuffix(data, []byte("\n"))}, nil
		}
		if line[0] == ':' {
			s.comments++
			continue
		}
		pending = true
		field, value, found := bytes.Cut(line, []byte(":"))
		if found {
			value = bytes.TrimPrefix(value, []byte(" "))
		}
		switch string(field) {
		case "event":
			name = string(value)
		case "data":
			if int64(len(data)+len(value)) > s.limit {
				return sseEvent{}, tooLargeError(s.limit)
			}
			hasData = true
			data = append(data, value...)
			data = append(data, '\n')
		case "id":
			if bytes.IndexByte(value, 0) < 0 {
				s.lastID = string(value)
			}
		case "retry":
			if ms, err := strconv.Atoi(string(value)); err == nil && ms >= 0 && isDigits(value) {
				s.retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// streamSummary says what a stream carried, for a message about it.
func (s *sseReader) summary() string {
	return fmt.Sprintf("%d %s, %d %s", s.events, evidence.Plural(s.events, "event"), s.comments, evidence.Plural(s.comments, "comment"))
}
