package viz

import (
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Panel size used by the tests: 5×4.5 inch, as the brief's budget states.
const (
	testW = 5 * vg.Inch
	testH = 4.5 * vg.Inch
)

var centres = [][]float64{{-2, -1}, {2, -1.5}, {0.3, 2.2}}

// blobs returns n points around centres with their true classes.
func blobs(n int, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	X := make([][]float64, n)
	y := make([]int, n)
	for i := range X {
		c := i % len(centres)
		X[i] = []float64{centres[c][0] + rng.NormFloat64(), centres[c][1] + rng.NormFloat64()}
		y[i] = c
	}
	return X, y
}

func nearest(cs [][]float64, x, y float64) int {
	best, bd := 0, math.Inf(1)
	for k, c := range cs {
		if d := math.Hypot(x-c[0], y-c[1]); d < bd {
			best, bd = k, d
		}
	}
	return best
}

// scatterRegionPlot is the benchmark panel: 300 points and a 100×100
// Voronoi region map of 3 flat colours, with centroid markers.
func scatterRegionPlot() *plot.Plot {
	X, y := blobs(300, 7)
	p := NewPlot("k-means, step 4", "x₁", "x₂")
	AddRegionMap(p, Box{-5.5, 5.5, -5, 5.5}, 100, func(x, y float64) color.Color {
		return RegionColor(nearest(centres, x, y))
	})
	AddScatter(p, X, y, ScatterStyle{Outline: true})
	AddMarkers(p, centres, []int{0, 1, 2}, "circle", 0)
	return p
}

// curvesPlot is the other benchmark panel: two 500-point curves on a log
// y axis.
func curvesPlot() *plot.Plot {
	p := NewPlot("Error vs degree", "degree", "mean squared error")
	AddBands(p, []Band{
		{From: 0, To: 3, Color: RegionColor(0), Label: "under-fitting"},
		{From: 3, To: 6, Color: RegionColor(4), Label: "just right"},
		{From: 6, To: 12, Color: RegionColor(2), Label: "over-fitting"},
	})
	n := 500
	xs := make([]float64, n)
	train := make([]float64, n)
	test := make([]float64, n)
	for i := range xs {
		d := 12 * float64(i) / float64(n-1)
		xs[i] = d
		train[i] = 2*math.Exp(-0.6*d) + 0.01
		test[i] = 2*math.Exp(-0.6*d) + 0.02 + 0.002*math.Exp(0.55*d)
	}
	AddLine(p, xs, train, ClassColor(0), "train", false)
	AddLine(p, xs, test, ClassColor(1), "test", true)
	AddVLine(p, 4.5, "best", ClassColor(4))
	SetLogY(p)
	return p
}

// raw is vgsvg's own output, the baseline compaction is measured against.
func raw(t testing.TB, p *plot.Plot) []byte {
	t.Helper()
	b, _, err := rawSVG(p, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dump writes files for a look in a browser when VIZ_DUMP names a
// directory: go test -run Dump with VIZ_DUMP=/tmp/viz.
func dump(t *testing.T, name string, data []byte) {
	dir := os.Getenv("VIZ_DUMP")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}
