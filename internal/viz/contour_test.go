package viz

import (
	"bytes"
	"image/color"
	"math"
	"testing"
)

// The level sets of x² + y² are circles: every traced vertex lies on the
// circle of radius √level to within the interpolation error of a 40-cell
// grid (a chord's sagitta, well under 1% of the radius), and each circle
// comes out as one closed polyline.
func TestContourLinesCircles(t *testing.T) {
	f := func(x, y float64) float64 { return x*x + y*y }
	for _, level := range []float64{0.25, 1, 2.25} {
		lines := contourLines(Box{-2, 2, -2, 2}, 40, f, []float64{level})
		if len(lines) != 1 {
			t.Fatalf("level %v: %d polylines, want 1 closed circle", level, len(lines))
		}
		line := lines[0]
		if first, last := line[0], line[len(line)-1]; first != last {
			t.Errorf("level %v: polyline not closed: %v … %v", level, first, last)
		}
		r := math.Sqrt(level)
		for _, p := range line {
			if d := math.Hypot(p.X, p.Y); math.Abs(d-r) > 0.01*r {
				t.Errorf("level %v: vertex %v at radius %v, want %v", level, p, d, r)
			}
		}
	}
	// A circle cut by the window is an open arc: x² + y² = 9 within [0, 4]².
	lines := contourLines(Box{0, 4, 0, 4}, 40, f, []float64{9})
	if len(lines) != 1 || lines[0][0] == lines[0][len(lines[0])-1] {
		t.Errorf("arc: %d polylines, want one open arc", len(lines))
	}
	// A level above the maximum gives nothing.
	if lines := contourLines(Box{-1, 1, -1, 1}, 10, f, []float64{5}); len(lines) != 0 {
		t.Errorf("level above the maximum: %d polylines", len(lines))
	}
}

// Saddle cells: x·y = 0.1 has two branches, in the first and third
// quadrants; both are traced and neither crosses the axes.
func TestContourLinesSaddle(t *testing.T) {
	lines := contourLines(Box{-1, 1, -1, 1}, 21, func(x, y float64) float64 { return x * y }, []float64{0.1})
	if len(lines) != 2 {
		t.Fatalf("%d polylines, want the two branches of a hyperbola", len(lines))
	}
	for _, line := range lines {
		for _, p := range line {
			if p.X*p.Y <= 0 {
				t.Errorf("vertex %v off the branches of xy = 0.1", p)
			}
		}
	}
}

func TestRamp(t *testing.T) {
	if Ramp(0) != rampStops[0] || Ramp(1) != rampStops[len(rampStops)-1] || Ramp(-3) != Ramp(0) || Ramp(7) != Ramp(1) {
		t.Error("Ramp ends or clamping wrong")
	}
	// Sequential: darker (smaller R+G+B) as t grows.
	prev := 3 * 256
	for k := 0; k <= 20; k++ {
		c := Ramp(float64(k) / 20)
		if s := int(c.R) + int(c.G) + int(c.B); s > prev {
			t.Errorf("Ramp(%v) is lighter than the value before", float64(k)/20)
		} else {
			prev = s
		}
	}
	if RampBands(0.99, 4) != Ramp(1) || RampBands(0.3, 4) != Ramp(1.0/3) || Ramp(math.NaN()).A != 0 {
		t.Error("RampBands quantisation wrong")
	}
}

// A surface kept across frames (RegionRaster and ContourLines, drawn by
// AddRegionRaster and AddContourLines) draws the SVG that AddRegionMapRGBA
// and AddContours draw.
func TestKeptSurfaceDrawsTheSame(t *testing.T) {
	b := Box{-2, 2, -1, 3}
	f := func(x, y float64) float64 { return x*x + 3*(y-1)*(y-1) }
	colorAt := func(x, y float64) color.RGBA { return RampBands(f(x, y)/12, 6) }
	levels := []float64{1, 2, 4, 8}
	direct := NewPlot("", "x", "y")
	AddRegionMapRGBA(direct, b, 30, colorAt)
	AddContours(direct, b, 24, f, levels, color.Black)
	kept := NewPlot("", "x", "y")
	img, lines := RegionRaster(b, 30, colorAt), ContourLines(b, 24, f, levels)
	if img == nil || len(lines) == 0 {
		t.Fatalf("raster %v, %d lines", img, len(lines))
	}
	AddRegionRaster(kept, b, img)
	AddContourLines(kept, lines, color.Black)
	want, _, err := SVG(direct, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := SVG(kept, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the kept surface draws another SVG")
	}
}
