package viz

import (
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendPlot is a plot with one legend entry and the given layers.
func legendPlot(add func(p *plot.Plot)) *plot.Plot {
	p := NewPlot("", "x", "y")
	add(p)
	AddLine(p, []float64{0}, []float64{0}, ClassColor(0), "a curve", false)
	SetAxes(p, Box{XMin: 0, XMax: 1, YMin: 0, YMax: 1})
	return p
}

func reportLegend(t *testing.T, p *plot.Plot) LegendReport {
	t.Helper()
	rep, err := ReportLegend(p, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Box == (vg.Rectangle{}) {
		t.Fatal("no legend box")
	}
	for _, pt := range rep.Ink {
		if pt.X > rep.Box.Min.X && pt.X < rep.Box.Max.X && pt.Y > rep.Box.Min.Y && pt.Y < rep.Box.Max.Y {
			t.Fatalf("legend box %v covers ink at %v", rep.Box, pt)
		}
	}
	return rep
}

func near(a, b vg.Length) bool { return math.Abs(float64(a-b)) < 1e-6 }

// A diagonal from the bottom left to the top right takes the preferred
// top-right corner: the legend goes to the next corner in order, top left.
func TestLegendAvoidsCurve(t *testing.T) {
	xs := make([]float64, 50)
	for i := range xs {
		xs[i] = float64(i) / 49
	}
	rep := reportLegend(t, legendPlot(func(p *plot.Plot) { AddLine(p, xs, xs, ClassColor(1), "", false) }))
	d, b := rep.Data, rep.Box
	if !rep.Inside || !near(b.Min.X, d.Min.X+legendInset) || !near(b.Max.Y, d.Max.Y-legendInset) {
		t.Errorf("box %v in data area %v: want the top-left corner, inset %d", b, d, legendInset)
	}
	if len(rep.Ink) < 50 {
		t.Errorf("%d ink points recorded, want the curve's 50 vertices at least", len(rep.Ink))
	}
}

// With the preferred corner free, the legend takes it: bottom left here.
func TestLegendPreferredCorner(t *testing.T) {
	p := legendPlot(func(p *plot.Plot) { AddScatter(p, [][]float64{{0.9, 0.9}, {0.5, 0.5}}, nil, ScatterStyle{}) })
	p.Legend.Top, p.Legend.Left = false, true
	rep := reportLegend(t, p)
	d, b := rep.Data, rep.Box
	if !near(b.Min.X, d.Min.X+legendInset) || !near(b.Min.Y, d.Min.Y+legendInset) {
		t.Errorf("box %v in data area %v: want the bottom-left corner", b, d)
	}
}

// Points everywhere leave no free spot inside: the legend goes right of
// the data area, which shrinks to make room.
func TestLegendOutsideWhenDense(t *testing.T) {
	var pts [][]float64
	for i := range 25 {
		for j := range 25 {
			pts = append(pts, []float64{float64(i) / 24, float64(j) / 24})
		}
	}
	rep := reportLegend(t, legendPlot(func(p *plot.Plot) { AddScatter(p, pts, nil, ScatterStyle{}) }))
	if rep.Inside || rep.Box.Min.X < rep.Data.Max.X+legendGap-1e-6 {
		t.Errorf("box %v, data area %v: want the box right of the data area", rep.Box, rep.Data)
	}
	if rep.Box.Max.X > testW || rep.Box.Max.Y > testH {
		t.Errorf("box %v leaves the %v×%v canvas", rep.Box, testW, testH)
	}
	if len(rep.Ink) != len(pts) {
		t.Errorf("%d ink points, want one per glyph: %d", len(rep.Ink), len(pts))
	}
}

// Background layers (a region map, shaded bands, the grid) may lie under
// the legend: it keeps its preferred corner over them.
func TestLegendOverBackground(t *testing.T) {
	rep := reportLegend(t, legendPlot(func(p *plot.Plot) {
		AddRegionMap(p, Box{XMin: 0, XMax: 1, YMin: 0, YMax: 1}, 8, func(x, y float64) color.Color { return RegionColor(int(4 * x)) })
		AddBands(p, []Band{{From: 0, To: 1, Color: RegionColor(1)}})
	}))
	d, b := rep.Data, rep.Box
	if !rep.Inside || !near(b.Max.X, d.Max.X-legendInset) || !near(b.Max.Y, d.Max.Y-legendInset) {
		t.Errorf("box %v in data area %v: want the top-right corner", b, d)
	}
	if len(rep.Ink) != 0 {
		t.Errorf("background recorded as data ink: %v", rep.Ink)
	}
}

// The SVG draws the box in translucent white under the entries, and a
// plot without entries gets no box.
func TestLegendBoxInSVG(t *testing.T) {
	svg, _, err := SVG(legendPlot(func(*plot.Plot) {}), testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), `fill-opacity="0.85098"`) || !strings.Contains(string(svg), ">a curve<") {
		t.Errorf("no translucent legend box with the entry in:\n%s", svg)
	}
	p := NewPlot("", "x", "y")
	AddLine(p, []float64{0, 1}, []float64{0, 1}, ClassColor(0), "", false)
	rep, err := ReportLegend(p, testW, testH)
	if err != nil || rep.Box != (vg.Rectangle{}) {
		t.Errorf("plot without entries: box %v, err %v", rep.Box, err)
	}
}

// A probe that learns the data area after the drawing marks the same
// cells and records the same ink as one made with the area beforehand,
// for curves (strokes, dots, text) and a map (a raster, fills, glyphs).
func TestDeferredProbeMarksAsKnownArea(t *testing.T) {
	for name, mk := range map[string]func() *plot.Plot{"curves": curvesPlot, "map": scatterRegionPlot} {
		p := mk()
		c := nullCanvas{w: testW, h: testH}
		da := p.DataCanvas(draw.New(c))
		var inkKnown, inkDeferred []vg.Point
		known := newLegendProbe(c, da.Rectangle, &inkKnown)
		p.Draw(draw.Canvas{Canvas: known, Rectangle: draw.New(c).Rectangle})
		deferred := deferredProbe(c, &inkDeferred)
		p.Draw(draw.Canvas{Canvas: deferred, Rectangle: draw.New(c).Rectangle})
		deferred.setArea(da.Rectangle)
		marked := 0
		for _, v := range known.grid {
			marked += int(v)
		}
		if marked == 0 || len(inkKnown) == 0 {
			t.Fatalf("%s: nothing marked (%d cells, %d ink points): the check checks nothing", name, marked, len(inkKnown))
		}
		if !slices.Equal(known.grid, deferred.grid) || known.nx != deferred.nx || known.ny != deferred.ny {
			t.Errorf("%s: the deferred probe marks other cells", name)
		}
		if !slices.Equal(inkKnown, inkDeferred) {
			t.Errorf("%s: the deferred probe records other ink (%d points, want %d)", name, len(inkDeferred), len(inkKnown))
		}
		known.release()
		deferred.release()
	}
}

// A segment marks the cells its samples fall in, whether it lies in one
// cell (marked at once) or crosses several: short segments on and near
// cell edges and the area's edges included.
func TestMarkSegmentAsSampled(t *testing.T) {
	area := vg.Rectangle{Min: vg.Point{X: 10, Y: 20}, Max: vg.Point{X: 60.5, Y: 51}}
	sampled := func(pr *legendProbe, a, b vg.Point) {
		d := vg.Point{X: b.X - a.X, Y: b.Y - a.Y}
		n := int(math.Ceil(math.Hypot(float64(d.X), float64(d.Y))/(legendCell/2))) + 1
		for k := 0; k <= n; k++ {
			t := vg.Length(float64(k) / float64(n))
			if pt := (vg.Point{X: a.X + t*d.X, Y: a.Y + t*d.Y}); pr.in(pt) {
				i, j := pr.cell(pt)
				pr.grid[(j+1)*(pr.nx+1)+i+1] = 1
			}
		}
	}
	rng := rand.New(rand.NewPCG(15, 4))
	coord := func(lo, hi vg.Length) vg.Length {
		switch rng.IntN(4) {
		case 0: // on a cell edge or the area's, or a hair from one
			v := lo + legendCell*vg.Length(rng.IntN(int((hi-lo)/legendCell)+2))
			return v + vg.Length([]float64{0, 1e-9, -1e-9, 1e-12}[rng.IntN(4)])
		default:
			return lo - 3 + (hi-lo+6)*vg.Length(rng.Float64())
		}
	}
	for trial := range 5000 {
		got, want := newLegendProbe(nil, area, nil), newLegendProbe(nil, area, nil)
		for range 1 + rng.IntN(5) {
			a := vg.Point{X: coord(area.Min.X, area.Max.X), Y: coord(area.Min.Y, area.Max.Y)}
			b := a
			if rng.IntN(3) > 0 { // short: within a cell or across an edge
				b.X += vg.Length(rng.Float64()-0.5) * legendCell
				b.Y += vg.Length(rng.Float64()-0.5) * legendCell
			} else {
				b = vg.Point{X: coord(area.Min.X, area.Max.X), Y: coord(area.Min.Y, area.Max.Y)}
			}
			got.markSegment(a, b)
			sampled(want, a, b)
		}
		if !slices.Equal(got.grid, want.grid) {
			t.Fatalf("trial %d: marked cells differ from the sampled ones", trial)
		}
		got.release()
		want.release()
	}
}
