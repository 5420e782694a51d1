package viz

import (
	"math"
	"reflect"
	"sync"
	"unsafe"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plot.Draw lays the plot out four times over (padX and padY for each
// axis, both again for the data area), and each time asks every plotter
// for the glyph boxes of all its points and copies them into one list: a
// 1000-point curve makes 4000 boxes a frame, most of the layout's time
// and a third of a frame's allocated bytes. gonum/plot offers no hook
// between Add and Draw, so for the length of a drawing the plot's
// plotters are swapped for wrappers that compute their boxes once and
// keep only the few that can decide the layout.

// plottersOffset is where plot.Plot keeps its unexported list of
// plotters, found once by reflection; plottersOK is false if gonum/plot
// no longer has that field, and plots are then drawn as they are.
var plottersOffset, plottersOK = func() (uintptr, bool) {
	f, ok := reflect.TypeFor[plot.Plot]().FieldByName("plotters")
	return f.Offset, ok && f.Type == reflect.TypeFor[[]plot.Plotter]()
}()

// plottersOf returns p's list of plotters, to be read and replaced.
func plottersOf(p *plot.Plot) *[]plot.Plotter {
	return (*[]plot.Plotter)(unsafe.Add(unsafe.Pointer(p), plottersOffset))
}

// withDecisiveBoxes replaces, for the length of one drawing, each of p's
// plotters that has glyph boxes by a decisiveBoxes wrapper, and returns
// the function that puts the plotters back.
func withDecisiveBoxes(p *plot.Plot) (restore func()) {
	if !plottersOK {
		return func() {}
	}
	list := plottersOf(p)
	orig := *list
	wrapped := make([]plot.Plotter, len(orig))
	for i, pl := range orig {
		wrapped[i] = pl
		if gb, ok := pl.(plot.GlyphBoxer); ok {
			wrapped[i] = &decisiveBoxes{Plotter: pl, inner: gb}
		}
	}
	*list = wrapped
	return func() { *list = orig }
}

// decisiveBoxes draws as its plotter does and gives, from the first call
// on, the subset of its glyph boxes that can decide gonum's layout.
//
// gonum keeps a box only if its centre is inside [0, 1]² on each axis
// where the box has extent (plot.GlyphBoxes), then takes the first box of
// the least (greatest) c.X(X) + Min.X with X ≥ 0 (X ≤ 1), likewise for Y,
// where c.X(x) = c.Min.X + x·width. Among boxes of one rectangle that is
// the first box of least (greatest) X when the width is positive, the
// first of greatest (least) X when it is negative, and the first box with
// a number for X when it is zero. Boxes within 10⁻⁶ of those extremes are
// kept as well, so that rounding in c.X cannot make a dropped box the
// first of a tie (the canvas would have to be a few millionths of a point
// wide). Kept boxes stay in order,
// so ties between rectangles resolve as before; the layout is the same to
// the bit.
type decisiveBoxes struct {
	plot.Plotter
	inner plot.GlyphBoxer
	boxes []plot.GlyphBox
	done  bool
}

// nearTie is how close, in normalised units, a box must be to an extreme
// to be kept with it.
const nearTie = 1e-6

// Plot draws as the plotter does; a plain line (no steps, no fill) is
// stroked as plotter.Line strokes it, each piece's path made at its
// length rather than grown point by point: the same path, a fraction of
// the allocations.
func (d *decisiveBoxes) Plot(c draw.Canvas, p *plot.Plot) {
	l, ok := d.Plotter.(*plotter.Line)
	if !ok || l.StepStyle != plotter.NoStep || l.FillColor != nil {
		d.Plotter.Plot(c, p)
		return
	}
	trX, trY := p.Transforms(&c)
	s := strokeScratch.Get().(*lineScratch)
	defer strokeScratch.Put(s)
	ps := s.points[:0]
	for _, xy := range l.XYs {
		ps = append(ps, vg.Point{X: trX(xy.X), Y: trY(xy.Y)})
	}
	s.points = ps
	// A curve inside the canvas is what clipping would return: one copy of
	// itself, if it has two points.
	var whole [1][]vg.Point
	lines := whole[:0]
	if len(ps) >= 2 && containsAll(c, ps) {
		lines = append(lines, ps)
	} else {
		lines = c.ClipLinesXY(ps)
	}
	if l.LineStyle.Width == 0 || len(lines) == 0 {
		return
	}
	c.SetLineStyle(l.LineStyle)
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		path := s.path[:0]
		path.Move(line[0])
		for _, pt := range line[1:] {
			path.Line(pt)
		}
		c.Stroke(path) // canvases copy what they keep of a path
		s.path = path[:0]
	}
}

// lineScratch is the room a plain line is stroked in.
type lineScratch struct {
	points []vg.Point
	path   vg.Path
}

var strokeScratch = sync.Pool{New: func() any { return new(lineScratch) }}

// containsAll reports whether c contains every point of ps, as its
// clipping tests them.
func containsAll(c draw.Canvas, ps []vg.Point) bool {
	for _, pt := range ps {
		if !c.Contains(pt) {
			return false
		}
	}
	return true
}

func (d *decisiveBoxes) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if !d.done {
		if xys, rect, ok := uniformBoxes(d.Plotter); ok {
			d.boxes = decisiveUniform(p, xys, rect)
		} else {
			d.boxes = decisive(d.inner.GlyphBoxes(p))
		}
		d.done = true
	}
	return d.boxes
}

// uniformBoxes returns the points of a line or a scatter of one glyph
// style and the one rectangle all their glyph boxes have, as gonum makes
// them.
func uniformBoxes(pl plot.Plotter) (xys plotter.XYs, rect vg.Rectangle, ok bool) {
	var r vg.Length
	switch v := pl.(type) {
	case *plotter.Line:
		xys, r = v.XYs, 0.5*v.LineStyle.Width
	case *plotter.Scatter:
		if v.GlyphStyleFunc != nil {
			return nil, vg.Rectangle{}, false
		}
		xys, r = v.XYs, v.GlyphStyle.Radius
	default:
		return nil, vg.Rectangle{}, false
	}
	return xys, vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: +r, Y: +r}}, true
}

// norms holds the scratch of decisiveUniform.
var norms = sync.Pool{New: func() any { return new([]float64) }}

// decisiveUniform is decisive of the glyph boxes of xys, all of rectangle
// rect, without making them: a curve of a thousand points keeps a handful.
func decisiveUniform(p *plot.Plot, xys plotter.XYs, rect vg.Rectangle) []plot.GlyphBox {
	buf := norms.Get().(*[]float64)
	defer norms.Put(buf)
	ns := (*buf)[:0]
	sz := rect.Size()
	inside := func(x, y float64) bool {
		return !(sz.X > 0 && (x < 0 || x > 1)) && !(sz.Y > 0 && (y < 0 || y > 1))
	}
	inf := math.Inf(1)
	minX, maxX, minY, maxY := inf, -inf, inf, -inf
	for _, xy := range xys {
		x, y := p.X.Norm(xy.X), p.Y.Norm(xy.Y)
		ns = append(ns, x, y)
		if !inside(x, y) {
			continue
		}
		if !math.IsNaN(x) {
			minX, maxX = min(minX, x), max(maxX, x)
		}
		if !math.IsNaN(y) {
			minY, maxY = min(minY, y), max(maxY, y)
		}
	}
	*buf = ns
	var out []plot.GlyphBox
	var seenX, seenY bool
	for i := 0; i+1 < len(ns); i += 2 {
		x, y := ns[i], ns[i+1]
		if !inside(x, y) {
			continue
		}
		firstX := !seenX && !math.IsNaN(x)
		firstY := !seenY && !math.IsNaN(y)
		nearX := (x <= minX+nearTie || x >= maxX-nearTie) && !kept(out, x, false)
		nearY := (y <= minY+nearTie || y >= maxY-nearTie) && !kept(out, y, true)
		if firstX || firstY || nearX || nearY {
			out = append(out, plot.GlyphBox{X: x, Y: y, Rectangle: rect})
		}
		seenX = seenX || firstX
		seenY = seenY || firstY
	}
	return out
}

// kept reports whether a box before has v for X (onY false) or for Y. A
// box of the same rectangle and X as one before it is never the one gonum
// picks on X (the first of equals is), so of the boxes of a flat curve at
// its extreme only the first is kept. Past a few dozen kept boxes it says
// no, keeping the rest.
func kept(before []plot.GlyphBox, v float64, onY bool) bool {
	if len(before) > 32 {
		return false
	}
	for i := range before {
		w := before[i].X
		if onY {
			w = before[i].Y
		}
		if w == v {
			return true
		}
	}
	return false
}

// decisive returns the boxes of all that can decide the layout, in order.
func decisive(all []plot.GlyphBox) []plot.GlyphBox {
	type extremes struct {
		firstX, firstY         bool // a box with a number for X (Y) was kept
		minX, maxX, minY, maxY float64
	}
	groups := map[[4]float64]*extremes{} // by rectangle
	inside := func(b plot.GlyphBox) bool {
		sz := b.Size()
		return !(sz.X > 0 && (b.X < 0 || b.X > 1)) && !(sz.Y > 0 && (b.Y < 0 || b.Y > 1))
	}
	key := func(b plot.GlyphBox) [4]float64 {
		return [4]float64{float64(b.Min.X), float64(b.Min.Y), float64(b.Max.X), float64(b.Max.Y)}
	}
	// Boxes of one plotter mostly share a rectangle: the previous box's
	// group is checked before the map.
	var lastKey [4]float64
	var last *extremes
	group := func(b plot.GlyphBox) *extremes {
		if k := key(b); last == nil || k != lastKey {
			lastKey, last = k, groups[k]
		}
		return last
	}
	for _, b := range all {
		if !inside(b) {
			continue
		}
		g := group(b)
		if g == nil {
			inf := math.Inf(1)
			g = &extremes{minX: inf, maxX: -inf, minY: inf, maxY: -inf}
			groups[key(b)] = g
			last = g
		}
		if !math.IsNaN(b.X) { // gonum never picks a NaN centre
			g.minX, g.maxX = min(g.minX, b.X), max(g.maxX, b.X)
		}
		if !math.IsNaN(b.Y) {
			g.minY, g.maxY = min(g.minY, b.Y), max(g.maxY, b.Y)
		}
	}
	var out []plot.GlyphBox
	for _, b := range all {
		if !inside(b) {
			continue
		}
		g := group(b)
		firstX := !g.firstX && !math.IsNaN(b.X)
		firstY := !g.firstY && !math.IsNaN(b.Y)
		if firstX || firstY || b.X <= g.minX+nearTie || b.X >= g.maxX-nearTie || b.Y <= g.minY+nearTie || b.Y >= g.maxY-nearTie {
			out = append(out, b)
		}
		g.firstX = g.firstX || firstX
		g.firstY = g.firstY || firstY
	}
	return out
}
