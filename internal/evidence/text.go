package evidence

import "strconv"

// The small words of evidence sentences, written once for every room that
// writes them.

// Plural is word for one, and word with an s for any other count: "tool",
// "tools".
func Plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Count is a number and its word: "1 server", "3 servers".
func Count(n int, word string) string { return strconv.Itoa(n) + " " + Plural(n, word) }

// ErrText is an error's message, "" for none.
func ErrText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// OrNone is s, or "(none)" when it is empty.
func OrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
