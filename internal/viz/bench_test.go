package viz

import (
	"testing"

	"gonum.org/v1/plot"
)

// benchSVG measures building and rendering a panel, as the server does on
// every step: a fresh plot each time, then SVG.
func benchSVG(b *testing.B, mk func() *plot.Plot) {
	var svg []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		svg, _, err = SVG(mk(), testW, testH)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(svg)), "bytes/svg")
}

// BenchmarkScatterRegionSVG: 300 points, a 100×100 region map of 3
// classes (nearest of 3 centres per cell) and 3 centroid markers.
func BenchmarkScatterRegionSVG(b *testing.B) { benchSVG(b, scatterRegionPlot) }

// BenchmarkCurvesSVG: two 500-point curves on a log y axis, with bands and
// a reference line.
func BenchmarkCurvesSVG(b *testing.B) { benchSVG(b, curvesPlot) }

// BenchmarkCompact isolates the compaction pass on the scatter panel.
func BenchmarkCompact(b *testing.B) {
	in := raw(b, scatterRegionPlot())
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := compact(in); err != nil {
			b.Fatal(err)
		}
	}
}
