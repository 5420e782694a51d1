package viz

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"testing"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
)

// The cached handler measures as text.Plain does, to the bit, for the
// house fonts and strings with kerning pairs, sub- and superscripts, an
// empty string and several lines.
func TestMeasuredTextMatchesPlain(t *testing.T) {
	plain := text.Plain{Fonts: font.DefaultCache}
	bold := font.From(sans, 13)
	bold.Weight = xfont.WeightBold
	fonts := []font.Font{font.From(sans, 10), font.From(sans, 11), bold, font.From(sans, tileFont), {Typeface: "Liberation", Variant: "Serif", Size: 12}}
	strs := []string{"", "0", "-0.25", "AVATAR Ty", "x₁² + ŷ", "η = 0.03, λ = 10⁻³", "two\nlines\n", "p(1)"}
	h := &measuredText{plain: plain, maxWidths: maxWidths, lines: bounded[string, []string]{max: maxMeasured}}
	for range 2 { // the second round reads the cache
		for _, f := range fonts {
			if got, want := h.Extents(f), plain.Extents(f); got != want {
				t.Errorf("%v: extents %v, Plain %v", f, got, want)
			}
			for _, s := range strs {
				gw, gh, gd := h.Box(s, f)
				ww, wh, wd := plain.Box(s, f)
				if gw != ww || gh != wh || gd != wd {
					t.Errorf("%v %q: box %v %v %v, Plain %v %v %v", f, s, gw, gh, gd, ww, wh, wd)
				}
				if got, want := fmt.Sprint(h.Lines(s)), fmt.Sprint(plain.Lines(s)); got != want {
					t.Errorf("%q: lines %s, Plain %s", s, got, want)
				}
			}
		}
	}
}

// Plots drawn with the cached handler are byte for byte those drawn with
// text.Plain, rotated and multi-line text included.
func TestMeasuredTextDrawsAsPlain(t *testing.T) {
	mk := []func() *plot.Plot{scatterRegionPlot, curvesPlot, func() *plot.Plot {
		p := NewPlot("A title\non two lines", "x₁", "ŷ")
		p.Y.Label.TextStyle.Rotation = math.Pi / 2
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 1, 0, 1e4
		return p
	}}
	for i, f := range mk {
		cached, _, err := SVG(f(), testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		plot.DefaultTextHandler = text.Plain{Fonts: font.DefaultCache}
		p := f()
		plot.DefaultTextHandler = textHandler
		if _, ok := p.TextHandler.(text.Plain); !ok {
			t.Fatalf("plot %d: handler %T, want text.Plain", i, p.TextHandler)
		}
		want, _, err := SVG(p, testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cached, want) {
			t.Errorf("plot %d: the cached handler draws a different SVG", i)
		}
	}
}

// A stream of new strings cannot grow the cache past its bound, and
// concurrent measuring agrees with Plain.
func TestMeasuredTextBounded(t *testing.T) {
	h := &measuredText{plain: text.Plain{Fonts: font.DefaultCache}, maxWidths: 100, lines: bounded[string, []string]{max: 100}}
	f := font.From(sans, 10)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				s := fmt.Sprint(g*1000 + i)
				w, _, _ := h.Box(s, f)
				if want, _, _ := h.plain.Box(s, f); w != want {
					errs <- fmt.Errorf("%q: width %v, Plain %v", s, w, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := h.lookup(f).widths.len(); n > 100 {
		t.Errorf("%d widths kept, bound 100", n)
	}
}

// sameFont is ==, field by field.
func TestSameFont(t *testing.T) {
	base := font.Font{Typeface: "Liberation", Variant: "Sans", Size: 12}
	variants := []font.Font{base,
		{Typeface: "Liberation", Variant: "Serif", Size: 12}, {Typeface: "Other", Variant: "Sans", Size: 12},
		{Typeface: "Liberation", Variant: "Sans", Size: 13}, {Typeface: "Liberation", Variant: "Sans", Size: 12, Weight: xfont.WeightBold},
		{Typeface: "Liberation", Variant: "Sans", Size: 12, Style: xfont.StyleItalic}}
	for i, a := range variants {
		for j, b := range variants {
			if got, want := sameFont(&a, &b), a == b; got != want {
				t.Errorf("fonts %d and %d: sameFont %v, == %v", i, j, got, want)
			}
		}
	}
}
