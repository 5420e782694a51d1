package viz

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// gonum/plot still keeps its plotters where withDecisiveBoxes looks.
func TestPlottersFound(t *testing.T) {
	if !plottersOK {
		t.Fatal("plot.Plot has no plotters []plot.Plotter field: layouts are computed in full")
	}
	p := NewPlot("", "", "")
	AddScatter(p, [][]float64{{0, 0}, {1, 1}}, nil, ScatterStyle{})
	if n := len(*plottersOf(p)); n != 2 { // the grid and the scatter
		t.Fatalf("%d plotters, want 2", n)
	}
}

// The boxes gonum's layout picks (plot.go: leftMost, rightMost, bottomMost,
// topMost after plot.GlyphBoxes' filter), copied here to compare on.
func pickBoxes(c draw.Canvas, boxes []plot.GlyphBox) [4]plot.GlyphBox {
	var kept []plot.GlyphBox
	for _, b := range boxes {
		if b.Size().X > 0 && (b.X < 0 || b.X > 1) || b.Size().Y > 0 && (b.Y < 0 || b.Y > 1) {
			continue
		}
		kept = append(kept, b)
	}
	l, r, bot, top := plot.GlyphBox{}, plot.GlyphBox{X: 1}, plot.GlyphBox{}, plot.GlyphBox{Y: 1}
	minx, maxx, miny, maxy := c.Min.X, c.Max.X, c.Min.Y, c.Max.Y
	for _, b := range kept {
		if b.Size().X > 0 {
			if x := c.X(b.X) + b.Min.X; x < minx && b.X >= 0 {
				minx, l = x, b
			}
			if x := c.X(b.X) + b.Min.X + b.Size().X; x > maxx && b.X <= 1 {
				maxx, r = x, b
			}
		}
		if b.Size().Y > 0 {
			if y := c.Y(b.Y) + b.Min.Y; y < miny && b.Y >= 0 {
				miny, bot = y, b
			}
			if y := c.Y(b.Y) + b.Min.Y + b.Size().Y; y > maxy && b.Y <= 1 {
				maxy, top = y, b
			}
		}
	}
	return [4]plot.GlyphBox{l, r, bot, top}
}

// decisive keeps every box the layout can pick, on canvases of any width
// (negative and zero too), with exact ties, near ties, NaN and
// out-of-range centres and boxes of several sizes, some flat.
func TestDecisiveBoxesPickAsAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	rects := []vg.Rectangle{
		{Min: vg.Point{X: -3, Y: -3}, Max: vg.Point{X: 3, Y: 3}},
		{Min: vg.Point{X: -1, Y: -1}, Max: vg.Point{X: 1, Y: 1}},
		{Min: vg.Point{X: -10, Y: -2}, Max: vg.Point{X: 0, Y: 2}},
		{Min: vg.Point{X: 0, Y: -2}, Max: vg.Point{X: 0, Y: 2}}, // no width
		{Min: vg.Point{X: -2, Y: 0}, Max: vg.Point{X: 2, Y: 0}}, // no height
	}
	coord := func() float64 {
		switch rng.IntN(10) {
		case 0:
			return math.NaN()
		case 1:
			return -0.1 - rng.Float64() // outside
		case 2:
			return 1.1 + rng.Float64()
		case 3:
			return float64(rng.IntN(3)) / 2 // exact ties at 0, ½, 1
		case 4:
			return 1e-9 * rng.Float64() // near-ties at 0
		default:
			return rng.Float64()
		}
	}
	for trial := range 2000 {
		n := 1 + rng.IntN(60)
		boxes := make([]plot.GlyphBox, n)
		for i := range boxes {
			boxes[i] = plot.GlyphBox{X: coord(), Y: coord(), Rectangle: rects[rng.IntN(len(rects))]}
		}
		got := decisive(boxes)
		for _, w := range []vg.Length{300, 1, -50, 0, 1e-3} {
			c := draw.Canvas{Rectangle: vg.Rectangle{Min: vg.Point{X: 20, Y: 10}, Max: vg.Point{X: 20 + w, Y: 10 + w/2}}}
			if a, b := pickBoxes(c, boxes), pickBoxes(c, got); !sameBoxes(a, b) {
				t.Fatalf("trial %d, width %v: picks %v from all %d boxes, %v from the %d kept", trial, w, a, n, b, len(got))
			}
		}
	}
}

// sameBoxes compares picks field by field, NaN equal to NaN.
func sameBoxes(a, b [4]plot.GlyphBox) bool {
	eq := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
	for i := range a {
		if !eq(a[i].X, b[i].X) || !eq(a[i].Y, b[i].Y) || a[i].Rectangle != b[i].Rectangle {
			return false
		}
	}
	return true
}

// Drawing with the wrappers gives the document drawing without them does,
// and leaves the plot's plotters as they were.
func TestDecisiveBoxesDrawSame(t *testing.T) {
	for i, mk := range []func() *plot.Plot{scatterRegionPlot, curvesPlot} {
		p := mk()
		before := append([]plot.Plotter(nil), *plottersOf(p)...)
		got, _, err := SVG(p, testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		after := *plottersOf(p)
		if len(after) != len(before)+1 { // the data area recorder
			t.Fatalf("plot %d: %d plotters after drawing, want %d", i, len(after), len(before)+1)
		}
		for k := range before {
			if after[k] != before[k] {
				t.Fatalf("plot %d: plotter %d not restored", i, k)
			}
		}
		// Drawn with gonum's whole layout.
		plottersOK = false
		want, _, err := SVG(mk(), testW, testH)
		plottersOK = true
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("plot %d: drawing with decisive boxes differs", i)
		}
	}
}

// The boxes kept of lines and scatters, found without making a box per
// point, give the picks all their boxes give, on canvases of any width:
// with NaN and out-of-range points, and flat runs of equal values (of
// which one box is kept).
func TestDecisiveUniformPicksAsAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	coord := func() float64 {
		switch rng.IntN(8) {
		case 0:
			return math.NaN()
		case 1:
			return -1 - rng.Float64() // outside the axis
		case 2:
			return 11 + rng.Float64()
		case 3, 4:
			return float64(rng.IntN(3)) * 5 // exact ties at the ends and middle
		default:
			return 10 * rng.Float64()
		}
	}
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 10, 0, 10
	for trial := range 3000 {
		var all, kept []plot.GlyphBox
		for range 1 + rng.IntN(3) {
			xys := make(plotter.XYs, rng.IntN(40))
			for i := range xys {
				xys[i] = plotter.XY{X: coord(), Y: coord()}
			}
			size := vg.Length(rng.IntN(3)) // zero: flat boxes
			var pl plot.Plotter = &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Width: size}}
			if rng.IntN(2) == 1 {
				pl = &plotter.Scatter{XYs: xys, GlyphStyle: draw.GlyphStyle{Radius: size}}
			}
			all = append(all, pl.(plot.GlyphBoxer).GlyphBoxes(p)...)
			kept = append(kept, (&decisiveBoxes{Plotter: pl, inner: pl.(plot.GlyphBoxer)}).GlyphBoxes(p)...)
		}
		for _, w := range []vg.Length{300, 1, -50, 0, 1e-3} {
			c := draw.Canvas{Rectangle: vg.Rectangle{Min: vg.Point{X: 20, Y: 10}, Max: vg.Point{X: 20 + w, Y: 10 + w/2}}}
			if a, b := pickBoxes(c, all), pickBoxes(c, kept); !sameBoxes(a, b) {
				t.Fatalf("trial %d, width %v: picks %v from all %d boxes, %v from the %d kept", trial, w, a, len(all), b, len(kept))
			}
		}
	}
}

// A flat curve keeps a box or two, not one per point.
func TestDecisiveUniformFlatCurve(t *testing.T) {
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 10, 0, 10
	xys := make(plotter.XYs, 200)
	for i := range xys {
		xys[i] = plotter.XY{X: float64(i) / 20, Y: 3}
	}
	l := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Width: 2}}
	if n := len((&decisiveBoxes{Plotter: l, inner: l}).GlyphBoxes(p)); n > 2 {
		t.Errorf("%d boxes kept of a flat line, want at most 2", n)
	}
}
