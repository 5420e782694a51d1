package lab

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/mlplayground/playground/internal/viz"
)

// A frame's panels are most of its bytes, and encoding/json escapes a
// string a byte at a time. encodeFrame writes the panels itself, to the
// bytes encoding/json writes (TestFrameJSONAsEncodingJSON, and every
// scenario's frames in TestFramesUnchanged), and leaves the rest of the
// frame to encoding/json in two parts around them.

// frameHead is the part of Frame before Plots, frameTail the part after;
// TestFrameFieldsSplit keeps them in step with Frame.
type frameHead struct {
	Type    string  `json:"type"`
	Step    int     `json:"step"`
	Done    bool    `json:"done"`
	Note    string  `json:"note,omitempty"`
	Caveat  string  `json:"caveat,omitempty"`
	Metrics Metrics `json:"metrics"`
	State   any     `json:"state"`
}

type frameTail struct {
	Viewports map[string]viz.Viewport `json:"viewports,omitempty"`
	Rasters   map[string]RasterPatch  `json:"rasters,omitempty"`
}

// appendPlots appends `,"plots":{…}` with the panels in key order, as
// encoding/json writes a map; nothing when there are none (omitempty).
func appendPlots(b []byte, plots map[string]string) []byte {
	if len(plots) == 0 {
		return b
	}
	var buf [16]string
	keys := buf[:0]
	for k := range plots {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	n := len(b) + 12
	for _, k := range keys {
		n += len(k) + len(plots[k]) + len(plots[k])/8 + 6
	}
	b = slices.Grow(b, n-len(b))
	b = append(b, `,"plots":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, plots[k])
	}
	return append(b, '}')
}

// appendJSONString appends s quoted as encoding/json writes a string with
// HTML escaping off: `"` and `\` escaped, control bytes as \b \f \n \r
// \t or \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and
// \u2029. It reads eight bytes at a time up to the next that may need
// one of these (special8).
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start, i := 0, 0
	for i < len(s) {
		if i+8 <= len(s) {
			m := special8(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8)))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + size
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			start = i + size
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// special8 marks, in the high bit of each byte of the eight in w (the
// first in the lowest), the bytes below 0x20, quotes, backslashes and
// bytes past ASCII. (x − n·0101…) & ^x & 8080… marks bytes below n ≤ 0x80
// (n = 1: zero bytes, which a quote or a backslash xored with its own
// value becomes); a borrow can mark a byte above a marked one, never the
// lowest marked, so the lowest mark is always a byte to look at.
func special8(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := w ^ ('"' * ones)
	bs := w ^ ('\\' * ones)
	return ((w-0x20*ones)&^w | (q-ones)&^q | (bs-ones)&^bs | w) & highs
}
