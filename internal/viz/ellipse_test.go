package viz

import (
	"image/color"
	"math"
	"strings"
	"testing"
)

// Every vertex of the ellipse lies at Mahalanobis distance nSigma from the
// mean (closed form with the explicit 2×2 inverse), the curve is closed, and
// its extent along x is nSigma·√Σ₀₀ (the support of the ellipse in
// direction e₁). Tolerance 1e-12 relative for rounding; the x extent within
// the chord error 1 − cos(π/48) ≈ 0.2%.
func TestEllipsePoints(t *testing.T) {
	for _, tc := range []struct {
		mean   []float64
		cov    [][]float64
		nSigma float64
	}{
		{[]float64{0, 0}, [][]float64{{1, 0}, {0, 1}}, 1},
		{[]float64{2, -1}, [][]float64{{4, 1.5}, {1.5, 1}}, 2},
		{[]float64{-3, 5}, [][]float64{{0.2, -0.3}, {-0.3, 3}}, 1},
		{[]float64{1, 1}, [][]float64{{1, 0}, {0, 9}}, 2}, // axis-aligned, tall
	} {
		pts := ellipsePoints(tc.mean, tc.cov, tc.nSigma, 48)
		if len(pts) != 49 || pts[0] != pts[48] {
			t.Fatalf("%v: %d points, first %v last %v", tc.cov, len(pts), pts[0], pts[len(pts)-1])
		}
		a, b, d := tc.cov[0][0], tc.cov[0][1], tc.cov[1][1]
		det := a*d - b*b
		xmin, xmax := math.Inf(1), math.Inf(-1)
		for _, p := range pts {
			x, y := p.X-tc.mean[0], p.Y-tc.mean[1]
			m2 := (d*x*x - 2*b*x*y + a*y*y) / det
			if want := tc.nSigma * tc.nSigma; math.Abs(m2-want) > 1e-12*want {
				t.Errorf("%v: vertex %v at squared Mahalanobis distance %v, want %v", tc.cov, p, m2, want)
			}
			xmin, xmax = min(xmin, p.X), max(xmax, p.X)
		}
		half := tc.nSigma * math.Sqrt(a)
		if got := (xmax - xmin) / 2; got > half*(1+1e-12) || got < half*math.Cos(math.Pi/48) {
			t.Errorf("%v: half-width %v, want %v", tc.cov, got, half)
		}
	}
}

func TestEllipseInvalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mean   []float64
		cov    [][]float64
		nSigma float64
	}{
		{"short mean", []float64{0}, [][]float64{{1, 0}, {0, 1}}, 1},
		{"1×1 cov", []float64{0, 0}, [][]float64{{1}}, 1},
		{"asymmetric", []float64{0, 0}, [][]float64{{1, 0.5}, {0, 1}}, 1},
		{"NaN", []float64{0, math.NaN()}, [][]float64{{1, 0}, {0, 1}}, 1},
		{"zero sigma", []float64{0, 0}, [][]float64{{1, 0}, {0, 1}}, 0},
	} {
		if pts := ellipsePoints(tc.mean, tc.cov, tc.nSigma, 48); pts != nil {
			t.Errorf("%s: %d points, want none", tc.name, len(pts))
		}
	}
}

// The dashed 2σ ellipse carries a dash pattern in the SVG; the solid one
// does not.
func TestAddEllipseSVG(t *testing.T) {
	for _, dashed := range []bool{false, true} {
		p := NewPlot("", "", "")
		AddEllipse(p, []float64{0, 0}, [][]float64{{2, 1}, {1, 1}}, 2, color.RGBA{0xE1, 0x57, 0x59, 0xFF}, dashed)
		svg, _, err := SVG(p, 300, 300)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(svg), "stroke-dasharray"); got != dashed {
			t.Errorf("dashed=%v: stroke-dasharray present = %v", dashed, got)
		}
		if !strings.Contains(strings.ToLower(string(svg)), "e15759") && !strings.Contains(string(svg), "rgb(225,87,89)") {
			t.Errorf("dashed=%v: ellipse colour missing from SVG", dashed)
		}
	}
}
