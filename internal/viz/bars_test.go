package viz

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestStackedBars(t *testing.T) {
	p := NewPlot("", "degree", "error")
	AddStackedBars(p, []float64{1, 2, 3}, [][]float64{{1, 2, 3}, {0.5, 0.5, 0.5}}, 0.8,
		[]color.Color{ClassColor(0), ClassColor(1)}, []string{"bias²", "variance"})
	if p.Y.Min != 0 || p.Y.Max != 3.5 {
		t.Errorf("y range %v..%v, want 0..3.5 (the tallest stack)", p.Y.Min, p.Y.Max)
	}
	if p.X.Min != 0.6 || p.X.Max != 3.4 {
		t.Errorf("x range %v..%v, want 0.6..3.4 (bar edges)", p.X.Min, p.X.Max)
	}
	svg, _, err := SVG(p, 4*vg.Inch, 3*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	// 6 bar segments and 2 legend swatches, in the two layer colours.
	for _, c := range []string{hexOf(ClassColor(0)), hexOf(ClassColor(1))} {
		if n := strings.Count(strings.ToUpper(string(svg)), c); n < 4 {
			t.Errorf("colour %s appears %d times, want at least 4 (3 bars + swatch)", c, n)
		}
	}
	if !strings.Contains(string(svg), "variance") {
		t.Error("no legend entry")
	}
}

func hexOf(c color.RGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }
