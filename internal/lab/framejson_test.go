package lab

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/viz"
)

// wantJSON is v as encoding/json writes it with HTML escaping off.
func wantJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Strings of every kind encoding/json escapes, in runs long and short,
// at every alignment, come out as it writes them.
func TestAppendJSONStringAsEncodingJSON(t *testing.T) {
	pieces := []string{
		`<circle cx="12.5" cy="3" r="2"/>`, "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAGQ", `\`, `"`,
		"\b", "\f", "\n", "\r", "\t", "\x00", "\x01", "\x1f", "\x7f", " ", "~",
		"−", "η λ ŷ", "x₁", "\u2028", "\u2029", "\u202a", "😀", "\xff", "\xe2\x80", "\xc3", "\xed\xa0\x80",
	}
	rng := rand.New(rand.NewPCG(15, 5))
	for trial := range 5000 {
		var b strings.Builder
		for range rng.IntN(12) {
			p := pieces[rng.IntN(len(pieces))]
			if rng.IntN(4) == 0 {
				p = strings.Repeat("a", rng.IntN(20)) + p
			}
			b.WriteString(p)
		}
		s := b.String()
		if got, want := appendJSONString([]byte("x"), s), append([]byte("x"), wantJSON(t, s)...); !bytes.Equal(got, want) {
			t.Fatalf("trial %d: %q\n got %s\nwant %s", trial, s, got, want)
		}
	}
}

// The frame's fields are frameHead's, then plots, then frameTail's.
func TestFrameFieldsSplit(t *testing.T) {
	names := func(v any) []string {
		var out []string
		ty := reflect.TypeOf(v)
		for i := range ty.NumField() {
			out = append(out, ty.Field(i).Tag.Get("json"))
		}
		return out
	}
	want := names(Frame{})
	got := append(append(names(frameHead{}), `plots,omitempty`), names(frameTail{})...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("frameHead, plots, frameTail have fields %q; Frame has %q", got, want)
	}
}

// A frame encodes as encoding/json encodes it, with and without each of
// plots, viewports and rasters.
func TestFrameJSONAsEncodingJSON(t *testing.T) {
	plots := map[string]string{
		"map":  `<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,AAAA"/><text>x₁ − ŷ</text></svg>`,
		"loss": "<svg>\n\t\"quoted\" \\ </svg>",
		"b":    "",
	}
	vps := map[string]viz.Viewport{"map": {}}
	rasters := map[string]RasterPatch{"map": {}}
	for k := range 8 {
		f := Frame{Type: "frame", Step: 7, Done: true, Note: "stopped", Caveat: "<b>", Metrics: Metrics{"loss": 0.25},
			State: map[string]any{"w": []float64{1.5, -2}, "svg": "<svg>"}}
		if k&1 != 0 {
			f.Plots = plots
		}
		if k&2 != 0 {
			f.Viewports = vps
		}
		if k&4 != 0 {
			f.Rasters = rasters
		}
		got, err := encodeFrame(f)
		if err != nil {
			t.Fatal(err)
		}
		if want := wantJSON(t, f); !bytes.Equal(got, want) {
			t.Errorf("case %d:\n got %s\nwant %s", k, got, want)
		}
	}
}

// BenchmarkAppendPlots: the panels of a frame written by appendPlots and
// by encoding/json.
func BenchmarkAppendPlots(b *testing.B) {
	svg := strings.Repeat(`<circle cx="123.4" cy="56.7" r="3"/><path d="M10,20l1.5,2.5h3"/>`, 200) +
		`<image href="data:image/png;base64,` + strings.Repeat("iVBORw0KGgoAAAANSUhEUgAAAGQAAABkCAMAAABHPGVm", 100) + `"/>`
	plots := map[string]string{"a": svg, "b": svg, "c": svg}
	b.Run("appendPlots", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = appendPlots(buf[:0], plots)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			encodeJSON(plots)
		}
	})
}
