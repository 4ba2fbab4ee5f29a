// Package safefile reads the files a config or a user names without
// letting the file decide how long that takes or how much it costs: a
// FIFO would block the open and the read until someone writes, a device
// such as /dev/zero never ends, and a file of gigabytes is read whole by
// os.ReadFile. Only regular files are read; they are opened without
// blocking and checked again once open, so that nothing can be swapped in
// between the look and the open; and they are read up to a cap the caller
// chooses for what the file is for. It imports nothing of mcpdoctor's.
package safefile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Error is a file refused for what it is (Kind) or for its size (Size
// over Limit). A file that cannot be opened or read at all is the
// *fs.PathError os returns, so errors.Is(err, fs.ErrNotExist) holds.
type Error struct {
	Path string
	// Kind says what the file is when it is no regular file: "a FIFO",
	// "a directory", "a device", "a socket", "not a regular file".
	Kind string
	// Size is the file's size in bytes when it is over Limit; -1 when the
	// file grew past Limit while it was read.
	Size, Limit int64
}

func (e *Error) Error() string {
	if e.Kind != "" {
		return fmt.Sprintf("%s is %s, not a regular file", e.Path, e.Kind)
	}
	if e.Size < 0 {
		return fmt.Sprintf("%s is larger than %s, the most mcpdoctor reads of such a file", e.Path, Size(e.Limit))
	}
	size := Size(e.Size)
	if size == Size(e.Limit) {
		size = fmt.Sprintf("%d bytes", e.Size) // not "1 MiB, more than the 1 MiB"
	}
	return fmt.Sprintf("%s is %s, more than the %s mcpdoctor reads of such a file", e.Path, size, Size(e.Limit))
}

// TooLarge reports whether the file was refused for its size.
func (e *Error) TooLarge() bool { return e.Kind == "" }

// Open opens the regular file at path for reading. A FIFO, a device, a
// directory or a socket is an *Error, and is refused before it is opened
// where a look at it tells (opening a device can act on it; opening a
// FIFO for reading releases a writer that waits for one). A symbolic link
// is followed to what it names, and that is what must be regular.
func Open(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(path, info); err != nil {
		return nil, err
	}
	return openRegular(path)
}

// openRegular opens path without blocking (on Unix, O_NONBLOCK: a FIFO
// swapped in after the look must not hang the open) and refuses what the
// open file is, if it is no regular file.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = regular(path, info)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReadFile reads the regular file at path whole, when it holds at most
// limit bytes: a file over it is an *Error naming its size, and no more
// than limit+1 bytes are ever read, whatever the file says of its size.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > limit {
		return nil, &Error{Path: path, Size: info.Size(), Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &Error{Path: path, Size: -1, Limit: limit}
	}
	return data, nil
}

// regular refuses what is not a regular file, saying what it is.
func regular(path string, info fs.FileInfo) error {
	m := info.Mode()
	if m.IsRegular() {
		return nil
	}
	kind := "not a regular file"
	switch {
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a FIFO"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return &Error{Path: path, Kind: kind}
}

// Size says a number of bytes as a person reads it: "512 bytes", "64 KiB",
// "4 MiB", "1.5 GiB".
func Size(n int64) string {
	const kib, mib, gib = 1 << 10, 1 << 20, 1 << 30
	switch {
	case n >= gib:
		return trim(float64(n)/gib) + " GiB"
	case n >= mib:
		return trim(float64(n)/mib) + " MiB"
	case n >= kib:
		return trim(float64(n)/kib) + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

// trim writes x with one decimal, none when it is whole.
func trim(x float64) string {
	s := fmt.Sprintf("%.1f", x)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
