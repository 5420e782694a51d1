package viz

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/plot"
)

// galleryPlot uses every glyph shape, trails and reference lines.
func galleryPlot() *plot.Plot {
	p := NewPlot("Shapes, trails and markers", "x", "y")
	X, y := blobs(60, 11)
	for i := range y {
		if i%10 == 0 {
			y[i] = -1
		}
	}
	AddScatter(p, X[:20], y[:20], ScatterStyle{Outline: true})
	AddScatter(p, X[20:30], y[20:30], ScatterStyle{Shape: "ring", Radius: 5})
	AddScatter(p, X[30:40], y[30:40], ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	AddScatter(p, X[40:50], y[40:50], ScatterStyle{Shape: "triangle", Radius: 4, Outline: true})
	AddScatter(p, X[50:], y[50:], ScatterStyle{Shape: "cross", Radius: 4})
	AddTrails(p, [][][]float64{{{-4, -3}, {-3, -2}, {-2.2, -1.2}}, {{3.5, -3.5}, {2.6, -2}, {2, -1.5}}, {{0, 4.5}, {0.2, 3}, {0.3, 2.2}}})
	AddMarkers(p, centres, []int{0, 1, 2}, "cross", 8)
	AddFunction(p, func(x float64) float64 { return 2 * math.Sin(x) }, -5, 5, 200, Neutral, "2 sin x", true)
	AddVLine(p, 3, "x = 3", ClassColor(4))
	AddHLine(p, -4, "floor", ClassColor(6))
	return p
}

// TestDump renders the fixtures, and writes them for a look in a browser
// when VIZ_DUMP names a directory (see dump in fixtures_test.go).
func TestDump(t *testing.T) {
	for _, f := range []struct {
		name string
		mk   func() *plot.Plot
	}{{"scatter", scatterRegionPlot}, {"curves", curvesPlot}, {"gallery", galleryPlot}} {
		raw := raw(t, f.mk())
		svg, vp, err := SVG(f.mk(), testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		png, err := PNG(f.mk(), testW, testH, 144)
		if err != nil {
			t.Fatal(err)
		}
		wellFormed(t, svg)
		t.Logf("%s: raw %d B, compact %d B, png %d B, viewport %+v", f.name, len(raw), len(svg), len(png), vp)
		page := `<!doctype html><html><body style="margin:0;background:#fff"><div style="width:780px">%s</div></body></html>`
		dump(t, f.name+".raw.svg", raw)
		dump(t, f.name+".svg", svg)
		dump(t, f.name+".png", png)
		dump(t, f.name+".html", fmt.Appendf(nil, page, svg))
		dump(t, f.name+".raw.html", fmt.Appendf(nil, page, raw))
	}
}
