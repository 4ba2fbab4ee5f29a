package printable

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text a server or a config sent can hold characters that act on a
// terminal or that a reader cannot see. ESC starts the sequences that
// clear a screen, retitle a window, write the clipboard (OSC 52) or hide a
// link (OSC 8); a lone CR overwrites a line; bidirectional controls
// reorder what a reader sees; and a run of invisible characters (Unicode
// tag characters, variation selectors, zero-width characters, fillers)
// can carry instructions to a model that a person reading the same tool
// description never sees ("ASCII smuggling", tool poisoning). Text is
// the one rule for every human output (tables, probe's text, -v traces,
// the Markdown report, GitHub annotations, login's lines, errors): each
// such character is shown as a visible escape ("\x1b", "\u200b",
// "\U000e0041"), so the reader sees that something was there. JSON
// carries the exact string instead, and its encoder escapes it.
//
// What is escaped:
//   - invalid UTF-8 (each byte, \xff), the C0 controls, DEL and the C1
//     controls; a block keeps its newlines and tabs, a line neither;
//   - format characters (Unicode category Cf): the bidirectional marks,
//     embeddings, overrides and isolates (U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069), the zero-width space, non-joiner and
//     joiner (U+200B–U+200D), U+2060–U+2064, U+FEFF, U+180E, the soft
//     hyphen U+00AD, the interlinear annotation marks U+FFF9–U+FFFB, and
//     the tag characters U+E0001 and U+E0020–U+E007F; but not the
//     prepended concatenation marks (U+0600–U+0605 and their kin), which
//     are visible signs;
//   - the line and paragraph separators U+2028 and U+2029;
//   - variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF and the
//     Mongolian U+180B–U+180D, U+180F), but for one exception;
//   - the other default-ignorable characters Unicode lists, which render
//     as nothing: the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0,
//     the combining grapheme joiner U+034F, U+17B4, U+17B5, and the code
//     points Unicode keeps for future ones (U+2065, U+FFF0–U+FFF8, the
//     rest of U+E0000–U+E0FFF).
//
// The exceptions keep emoji as they are written, and stay too small to
// hide anything in: a VS15 or VS16 (U+FE0E, U+FE0F) directly after a
// character of Unicode's Extended_Pictographic property or a keycap base
// (0–9, # and *) chooses how that one character looks; a zero-width
// joiner between two emoji (after an Extended_Pictographic character, its
// VS16 or its skin tone, and before another) joins them into one, as in
// 👨‍👩‍👧. Anything more (a second selector, a selector after a letter, a
// joiner elsewhere) is escaped. Emoji tag sequences (the flags of
// England, Scotland and Wales) are shown escaped: their tags are the very
// characters that smuggle text.
//
// Not escaped, because they are seen: spaces of every width (U+00A0,
// U+2000–U+200A, U+202F, U+205F, the ideographic space U+3000) and the
// blank braille pattern U+2800 show as blank space, as a space does;
// private-use characters and unassigned code points (outside the ranges
// above) show as a box or an icon font's glyph; combining marks show on
// the letter they follow. Text that needs none of the escaped characters
// (letters of any script, CJK, emoji) comes out unchanged; scripts that
// use a zero-width joiner or non-joiner in ordinary words (Persian, the
// Indic scripts) show it escaped, which is the price of seeing every one.

// Text returns s with every character that acts on a terminal or
// that a reader cannot see shown as an escape. A block (a body, a tool's
// output) keeps its newlines and tabs; a line keeps neither, so that it
// cannot break the layout it stands in or print a line of its own.
func Text(s string, block bool) string {
	var b *strings.Builder // made at the first escape
	scan(s, block, func(i, size int, r rune, hide bool) {
		if hide && b == nil {
			b = &strings.Builder{}
			b.Grow(len(s) + 16)
			b.WriteString(s[:i])
		}
		switch {
		case !hide:
			if b != nil {
				b.WriteString(s[i : i+size])
			}
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case r < 0x80:
			fmt.Fprintf(b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			fmt.Fprintf(b, `\U%08x`, r)
		}
	})
	if b == nil {
		return s
	}
	return b.String()
}

// A Run is a stretch of text that a reader cannot see: consecutive
// characters Text would escape in a block (so newlines and tabs are not
// part of one).
type Run struct {
	// Start and End are byte offsets into the text.
	Start, End int
	// Tags is what the run's Unicode tag characters spell, when it has
	// any: each of U+E0020–U+E007E stands for the ASCII character 0xE0000
	// below it, which is how an instruction to a model is smuggled past a
	// person ("ASCII smuggling").
	Tags string
}

// Hidden finds the runs of s that a reader cannot see. It returns nil for
// text that Text leaves unchanged, and costs little for plain ASCII.
func Hidden(s string) []Run {
	if plainASCII(s) {
		return nil
	}
	var runs []Run
	scan(s, true, func(i, size int, r rune, hide bool) {
		if !hide {
			return
		}
		if n := len(runs); n > 0 && runs[n-1].End == i {
			runs[n-1].End = i + size
		} else {
			runs = append(runs, Run{Start: i, End: i + size})
		}
		if r >= 0xe0020 && r <= 0xe007e {
			runs[len(runs)-1].Tags += string(r - 0xe0000)
		}
	})
	return runs
}

// plainASCII says whether s is printable ASCII, newlines and tabs: text
// with nothing hidden, told at the speed of a byte loop.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c >= 0x7f) && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}

// scan calls see for each character of s with whether it is hidden in
// its place: prev and next around it, and whether the characters before
// it end an emoji.
func scan(s string, block bool, see func(i, size int, r rune, hide bool)) {
	emoji := false // the last character shown ends an emoji
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x80 && r >= 0x20 && r != 0x7f {
			see(i, size, r, false) // printable ASCII, quickly
			emoji = false
			i += size
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		hide := hidden(r, size, block, prev, next, emoji)
		if hide {
			emoji = false
		} else {
			emoji = unicode.Is(extendedPictographic, r) || emoji && (isEmojiModifier(r) || r == vs15 || r == vs16 || r == zwj)
		}
		see(i, size, r, hide)
		i += size
	}
}

const (
	zwj  = '\u200d'
	vs15 = '\ufe0e'
	vs16 = '\ufe0f'
)

// hidden says whether a character may not be shown as it is, given the
// characters around it (see above): prev and next in the text, and
// whether the last one written ends an emoji.
func hidden(r rune, size int, block bool, prev, next rune, emoji bool) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\n' || r == '\t':
		return !block
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r < 0xa0:
		return false // ASCII, quickly
	case r == vs15 || r == vs16:
		return !(unicode.Is(extendedPictographic, prev) || isKeycapBase(prev))
	case r == zwj:
		return !(emoji && unicode.Is(extendedPictographic, next))
	case unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

func isKeycapBase(r rune) bool { return r >= '0' && r <= '9' || r == '#' || r == '*' }

// isEmojiModifier: the five skin tones, U+1F3FB–U+1F3FF.
func isEmojiModifier(r rune) bool { return r >= 0x1f3fb && r <= 0x1f3ff }

// extendedPictographic is Unicode's Extended_Pictographic property
// (emoji-data.txt, Unicode 15.0; the ranges merged): the characters that
// are emoji or may become one. Go's unicode package does not carry it.
var extendedPictographic = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00a9, 0x00a9, 1}, {0x00ae, 0x00ae, 1}, {0x203c, 0x203c, 1}, {0x2049, 0x2049, 1},
		{0x2122, 0x2122, 1}, {0x2139, 0x2139, 1}, {0x2194, 0x2199, 1}, {0x21a9, 0x21aa, 1},
		{0x231a, 0x231b, 1}, {0x2328, 0x2328, 1}, {0x2388, 0x2388, 1}, {0x23cf, 0x23cf, 1},
		{0x23e9, 0x23f3, 1}, {0x23f8, 0x23fa, 1}, {0x24c2, 0x24c2, 1}, {0x25aa, 0x25ab, 1},
		{0x25b6, 0x25b6, 1}, {0x25c0, 0x25c0, 1}, {0x25fb, 0x25fe, 1}, {0x2600, 0x2605, 1},
		{0x2607, 0x2612, 1}, {0x2614, 0x2685, 1}, {0x2690, 0x2705, 1}, {0x2708, 0x2712, 1},
		{0x2714, 0x2714, 1}, {0x2716, 0x2716, 1}, {0x271d, 0x271d, 1}, {0x2721, 0x2721, 1},
		{0x2728, 0x2728, 1}, {0x2733, 0x2734, 1}, {0x2744, 0x2744, 1}, {0x2747, 0x2747, 1},
		{0x274c, 0x274c, 1}, {0x274e, 0x274e, 1}, {0x2753, 0x2755, 1}, {0x2757, 0x2757, 1},
		{0x2763, 0x2767, 1}, {0x2795, 0x2797, 1}, {0x27a1, 0x27a1, 1}, {0x27b0, 0x27b0, 1},
		{0x27bf, 0x27bf, 1}, {0x2934, 0x2935, 1}, {0x2b05, 0x2b07, 1}, {0x2b1b, 0x2b1c, 1},
		{0x2b50, 0x2b50, 1}, {0x2b55, 0x2b55, 1}, {0x3030, 0x3030, 1}, {0x303d, 0x303d, 1},
		{0x3297, 0x3297, 1}, {0x3299, 0x3299, 1},
	},
	R32: []unicode.Range32{
		{0x1f000, 0x1f0ff, 1}, {0x1f10d, 0x1f10f, 1}, {0x1f12f, 0x1f12f, 1}, {0x1f16c, 0x1f171, 1},
		{0x1f17e, 0x1f17f, 1}, {0x1f18e, 0x1f18e, 1}, {0x1f191, 0x1f19a, 1}, {0x1f1ad, 0x1f1e5, 1},
		{0x1f201, 0x1f20f, 1}, {0x1f21a, 0x1f21a, 1}, {0x1f22f, 0x1f22f, 1}, {0x1f232, 0x1f23a, 1},
		{0x1f23c, 0x1f23f, 1}, {0x1f249, 0x1f3fa, 1}, {0x1f400, 0x1f53d, 1}, {0x1f546, 0x1f64f, 1},
		{0x1f680, 0x1f6ff, 1}, {0x1f774, 0x1f77f, 1}, {0x1f7d5, 0x1f7ff, 1}, {0x1f80c, 0x1f80f, 1},
		{0x1f848, 0x1f84f, 1}, {0x1f85a, 0x1f85f, 1}, {0x1f888, 0x1f88f, 1}, {0x1f8ae, 0x1f8ff, 1},
		{0x1f90c, 0x1f93a, 1}, {0x1f93c, 0x1f945, 1}, {0x1f947, 0x1faff, 1}, {0x1fc00, 0x1fffd, 1},
	},
	LatinOffset: 2,
}
