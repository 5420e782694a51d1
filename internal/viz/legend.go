package viz

import (
	"image"
	"image/color"
	"math"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Legend placement. A plot's legend is not drawn where its Top and Left
// fields put it but where it covers no data: the plot is drawn through a
// legendProbe, which marks the cells of the data area that data ink
// (strokes, filled shapes and glyphs, text) touches, and the legend goes
// to the first free spot in a fixed order: the corner Top and Left name,
// the other corners, along the edges, then anywhere inside. When every
// spot inside covers something, the plot is drawn again with room for the
// legend on its right (or below it) and the legend goes there. The box
// has a translucent white background, so the grid and a region map show
// through faintly.
//
// Layers that are background, not data (the grid, region maps and other
// images, shaded bands, a colour grid's white strip, fills covering most
// of the data area) are not marked: the legend may lie over them.

// Legend layout, in points.
const (
	legendCell   = 2   // side of an occupancy cell
	legendInset  = 4   // between the data area's edge and a box inside it
	legendPad    = 3   // inside the box, around the entries
	legendGap    = 6   // between the data area and a box outside it
	legendStep   = 6   // between candidate positions
	legendMargin = 1.5 // data ink this close to a box counts as under it
)

// Legend box colours: a translucent white and a pale edge.
var (
	legendFill = color.NRGBA{0xFF, 0xFF, 0xFF, 0xD9}
	legendEdge = color.RGBA{0xD0, 0xD0, 0xD0, 0xFF}
)

// legendSize returns the size of the legend's box (padding included), or
// zero when the legend has no entries.
func legendSize(l *plot.Legend, c draw.Canvas) vg.Point {
	r := l.Rectangle(c)
	size := r.Size()
	if size.Y <= 0 {
		return vg.Point{}
	}
	descent := l.TextStyle.FontExtents().Descent
	return vg.Point{X: size.X + 2*legendPad, Y: size.Y + descent + 2*legendPad}
}

// drawLegend draws l in the box r: the translucent background, then the
// entries top to bottom with their thumbnails on the left.
func drawLegend(c draw.Canvas, l plot.Legend, r vg.Rectangle) {
	pts := []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}}
	c.FillPolygon(legendFill, pts)
	c.StrokeLines(draw.LineStyle{Color: legendEdge, Width: 0.5}, append(pts, r.Min))
	descent := l.TextStyle.FontExtents().Descent
	l.Top, l.Left, l.XOffs, l.YOffs = true, true, 0, 0
	// Legend.Draw puts the first entry one descent below the top; moving
	// the canvas up by it centres the text in the box.
	inner := vg.Rectangle{
		Min: vg.Point{X: r.Min.X + legendPad, Y: r.Min.Y + legendPad},
		Max: vg.Point{X: r.Max.X - legendPad, Y: r.Max.Y - legendPad + descent},
	}
	l.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: inner})
}

// placeInside returns the first free position of a box of the given size
// in the probe's data area, or ok false when every position covers data.
func (pr *legendProbe) placeInside(size vg.Point, top, left bool) (vg.Rectangle, bool) {
	a := pr.area
	x0, x1 := a.Min.X+legendInset, a.Max.X-legendInset-size.X
	y0, y1 := a.Min.Y+legendInset, a.Max.Y-legendInset-size.Y
	if x1 < x0 || y1 < y0 {
		return vg.Rectangle{}, false
	}
	at := func(x, y vg.Length) vg.Rectangle {
		return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + size.X, Y: y + size.Y}}
	}
	free := func(x, y vg.Length) bool { return pr.count(at(x, y)) == 0 }
	// Corners: the preferred one, then top right, top left, bottom right,
	// bottom left. A free corner is found by counting its cells; past the
	// corners, where many positions may be tried, the grid becomes its
	// summed-area table.
	corner := func(t, l bool) (vg.Length, vg.Length) {
		x, y := x1, y1
		if l {
			x = x0
		}
		if !t {
			y = y0
		}
		return x, y
	}
	corners := [][2]bool{{top, left}, {true, false}, {true, true}, {false, false}, {false, true}}
	for _, tl := range corners {
		if x, y := corner(tl[0], tl[1]); free(x, y) {
			return at(x, y), true
		}
	}
	// Along the top and bottom edges, right to left, then the side edges,
	// top to bottom, then rows inside, top to bottom.
	pr.sum()
	xs := steps(x1, x0)
	ys := steps(y1, y0)
	for _, y := range []vg.Length{y1, y0} {
		for _, x := range xs {
			if free(x, y) {
				return at(x, y), true
			}
		}
	}
	for _, x := range []vg.Length{x1, x0} {
		for _, y := range ys {
			if free(x, y) {
				return at(x, y), true
			}
		}
	}
	for _, y := range ys {
		for _, x := range xs {
			if free(x, y) {
				return at(x, y), true
			}
		}
	}
	return vg.Rectangle{}, false
}

// leastCovered returns the inside position covering the fewest marked
// cells, for a box too large to go outside.
func (pr *legendProbe) leastCovered(size vg.Point) vg.Rectangle {
	a := pr.area
	x0, x1 := a.Min.X+legendInset, max(a.Min.X+legendInset, a.Max.X-legendInset-size.X)
	y0, y1 := a.Min.Y+legendInset, max(a.Min.Y+legendInset, a.Max.Y-legendInset-size.Y)
	best, bestN := vg.Rectangle{}, math.MaxInt
	pr.sum()
	for _, y := range steps(y1, y0) {
		for _, x := range steps(x1, x0) {
			r := vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + size.X, Y: y + size.Y}}
			if n := pr.count(r); n < bestN {
				best, bestN = r, n
			}
		}
	}
	return best
}

// steps returns from, from∓legendStep, … down to to, always ending at to.
func steps(from, to vg.Length) []vg.Length {
	var out []vg.Length
	d := vg.Length(legendStep)
	if from < to {
		d = -d
	}
	for v := from; (d > 0 && v > to) || (d < 0 && v < to); v -= d {
		out = append(out, v)
	}
	return append(out, to)
}

// outside returns the canvas the plot is drawn on to leave room for a box
// of the given size right of the data area (when it takes at most a third
// of the width) or below the plot, and the box in that room. ok is false
// when the room would leave the plot too small.
func outside(p *plot.Plot, dc draw.Canvas, size vg.Point) (draw.Canvas, vg.Rectangle, bool) {
	w, h := dc.Size().X, dc.Size().Y
	if size.X+legendGap <= w/3 {
		c := dc
		c.Max.X -= size.X + legendGap
		da := p.DataCanvas(c)
		if size.Y <= da.Size().Y {
			return c, vg.Rectangle{
				Min: vg.Point{X: dc.Max.X - size.X, Y: da.Max.Y - size.Y},
				Max: vg.Point{X: dc.Max.X, Y: da.Max.Y},
			}, true
		}
	}
	if size.Y+legendGap <= h/3 && size.X <= w {
		c := dc
		c.Min.Y += size.Y + legendGap
		da := p.DataCanvas(c)
		x := min(da.Min.X, dc.Max.X-size.X)
		return c, vg.Rectangle{
			Min: vg.Point{X: x, Y: dc.Min.Y},
			Max: vg.Point{X: x + size.X, Y: dc.Min.Y + size.Y},
		}, true
	}
	return dc, vg.Rectangle{}, false
}

// legendProbe passes every drawing call to the canvas it wraps and marks
// the occupancy cells of the data area that data ink touches. With ink
// set it also records the ink's vertices, for tests.
type legendProbe struct {
	vg.CanvasSizer
	m      affine
	stack  []affine
	skip   int // >0: drawing background (see asBackground)
	area   vg.Rectangle
	nx, ny int
	// grid holds (nx+1)×(ny+1) counts: 1 in cell (i, j) at
	// [(j+1)(nx+1)+i+1] while drawing, then the summed-area table (sum).
	grid   []int32
	summed bool
	ink    *[]vg.Point
	// A probe made before the data area is known (deferredProbe) keeps
	// its marks in ops, in order, and makes them once setArea gives it
	// the area: the drawing itself lays the plot out, where asking for
	// the data area first would lay it out once more.
	deferred bool
	ops      *[]probeOp
	opPts    []vg.Point // ink points of fill ops, for tests
}

// probeOp is one mark a deferred probe keeps: a segment (a to b), a box
// (a to b), an ink point (a), a fill's box (a to b) with its ink points
// opPts[from:to], or a text's box (baseline start a, width b.X, ascent
// and descent).
type probeOp struct {
	kind      byte
	a, b      vg.Point
	asc, desc vg.Length
	from, to  int
}

// Kinds of probeOp.
const (
	opSegment = iota
	opBox
	opRecord
	opFill
	opText
)

// opsPool keeps deferred probes' marks between drawings.
var opsPool = sync.Pool{New: func() any { return new([]probeOp) }}

// deferredProbe is a probe whose data area setArea gives after the
// drawing.
func deferredProbe(c vg.CanvasSizer, ink *[]vg.Point) *legendProbe {
	ops := opsPool.Get().(*[]probeOp)
	*ops = (*ops)[:0]
	return &legendProbe{CanvasSizer: c, m: identity, ink: ink, deferred: true, ops: ops}
}

// setArea gives a deferred probe its data area and makes the marks it
// kept, as a probe made with that area would have made them.
func (pr *legendProbe) setArea(area vg.Rectangle) {
	full := newLegendProbe(nil, area, pr.ink)
	pr.area, pr.nx, pr.ny, pr.grid, pr.deferred = full.area, full.nx, full.ny, full.grid, false
	for _, op := range *pr.ops {
		switch op.kind {
		case opSegment:
			pr.markSegment(op.a, op.b)
		case opBox:
			pr.markBox(vg.Rectangle{Min: op.a, Max: op.b})
		case opRecord:
			pr.record(op.a)
		case opFill:
			pr.fillBox(vg.Rectangle{Min: op.a, Max: op.b}, pr.opPts[op.from:op.to])
		case opText:
			pr.textBox(op.a, op.b.X, op.asc, op.desc)
		}
	}
	*pr.ops = (*pr.ops)[:0]
	opsPool.Put(pr.ops)
	pr.ops = nil
}

func newLegendProbe(c vg.CanvasSizer, area vg.Rectangle, ink *[]vg.Point) *legendProbe {
	nx := max(1, int(math.Ceil(float64(area.Size().X/legendCell))))
	ny := max(1, int(math.Ceil(float64(area.Size().Y/legendCell))))
	grid := gridPool.Get().(*[]int32)
	n := (nx + 1) * (ny + 1)
	if cap(*grid) < n {
		*grid = make([]int32, n)
	}
	*grid = (*grid)[:n]
	clear(*grid)
	return &legendProbe{CanvasSizer: c, m: identity, area: area, nx: nx, ny: ny, grid: *grid, ink: ink}
}

// gridPool keeps occupancy grids between frames: a panel's is some 70 kB.
var gridPool = sync.Pool{New: func() any { return new([]int32) }}

// release returns the probe's grid to the pool; the probe is not used
// after.
func (pr *legendProbe) release() {
	if pr.ops != nil {
		*pr.ops = (*pr.ops)[:0]
		opsPool.Put(pr.ops)
		pr.ops = nil
	}
	if g := pr.grid; g != nil {
		pr.grid = nil
		gridPool.Put(&g)
	}
}

// asBackground marks what a plotter draws on c until done is called as
// background, which a legend may cover.
func asBackground(c draw.Canvas) (done func()) {
	pr := probeOf(c.Canvas)
	if pr == nil {
		return func() {}
	}
	pr.skip++
	return func() { pr.skip-- }
}

// probeOf returns the probe under c, or nil: gonum wraps the canvas a plot
// is drawn on in draw.Canvas values (padX, padY).
func probeOf(c vg.Canvas) *legendProbe {
	for {
		switch v := c.(type) {
		case *legendProbe:
			return v
		case draw.Canvas:
			c = v.Canvas
		case *draw.Canvas:
			c = v.Canvas
		default:
			return nil
		}
	}
}

// backgroundGrid is the grid, drawn as background.
type backgroundGrid struct{ plot.Plotter }

func (g backgroundGrid) Plot(c draw.Canvas, p *plot.Plot) {
	defer asBackground(c)()
	g.Plotter.Plot(c, p)
}

// affine is the transform x' = a·x + c·y + e, y' = b·x + d·y + f.
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

func (m affine) mul(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m affine) apply(p vg.Point) vg.Point {
	x, y := float64(p.X), float64(p.Y)
	return vg.Point{X: vg.Length(m.a*x + m.c*y + m.e), Y: vg.Length(m.b*x + m.d*y + m.f)}
}

func (pr *legendProbe) Push() {
	pr.stack = append(pr.stack, pr.m)
	pr.CanvasSizer.Push()
}

func (pr *legendProbe) Pop() {
	if n := len(pr.stack); n > 0 {
		pr.m, pr.stack = pr.stack[n-1], pr.stack[:n-1]
	}
	pr.CanvasSizer.Pop()
}

func (pr *legendProbe) Translate(pt vg.Point) {
	pr.m = pr.m.mul(affine{a: 1, d: 1, e: float64(pt.X), f: float64(pt.Y)})
	pr.CanvasSizer.Translate(pt)
}

func (pr *legendProbe) Rotate(rad float64) {
	s, c := math.Sincos(rad)
	pr.m = pr.m.mul(affine{a: c, b: s, c: -s, d: c})
	pr.CanvasSizer.Rotate(rad)
}

func (pr *legendProbe) Scale(x, y float64) {
	pr.m = pr.m.mul(affine{a: x, d: y})
	pr.CanvasSizer.Scale(x, y)
}

// drawPixelated passes a raster on to the canvas underneath, as
// DrawImage does: rasters are background, not ink.
func (pr *legendProbe) drawPixelated(rect vg.Rectangle, img image.Image) bool {
	pc, ok := pr.CanvasSizer.(pixelCanvas)
	return ok && pc.drawPixelated(rect, img)
}

func (pr *legendProbe) Stroke(path vg.Path) {
	if pr.skip == 0 {
		pr.markStroke(path)
	}
	pr.CanvasSizer.Stroke(path)
}

func (pr *legendProbe) Fill(path vg.Path) {
	if pr.skip == 0 {
		pr.markFill(path)
	}
	pr.CanvasSizer.Fill(path)
}

func (pr *legendProbe) FillString(f font.Face, pt vg.Point, s string) {
	if pr.skip == 0 && s != "" {
		pr.markText(f, pr.m.apply(pt), s)
	}
	pr.CanvasSizer.FillString(f, pt, s)
}

// markStroke marks the cells along every segment of path, and the box of
// every arc (a glyph's circle).
func (pr *legendProbe) markStroke(path vg.Path) {
	arcs := hasArc(path)
	if arcs {
		pr.recordCentres(path)
	}
	rec := pr.ink != nil && !arcs
	var start, cur vg.Point
	for i := range path {
		comp := &path[i]
		switch comp.Type {
		case vg.MoveComp:
			cur = pr.m.apply(comp.Pos)
			start = cur
			if rec {
				pr.record(cur)
			}
		case vg.LineComp:
			next := pr.m.apply(comp.Pos)
			pr.markSegment(cur, next)
			cur = next
			if rec {
				pr.record(cur)
			}
		case vg.CurveComp:
			for _, ctrl := range comp.Control {
				next := pr.m.apply(ctrl)
				pr.markSegment(cur, next)
				cur = next
			}
			next := pr.m.apply(comp.Pos)
			pr.markSegment(cur, next)
			cur = next
			if rec {
				pr.record(cur)
			}
		case vg.ArcComp:
			centre := pr.m.apply(comp.Pos)
			pr.markBox(arcBox(centre, comp.Radius))
			s, c := math.Sincos(comp.Start + comp.Angle)
			cur = vg.Point{X: centre.X + comp.Radius*vg.Length(c), Y: centre.Y + comp.Radius*vg.Length(s)}
		case vg.CloseComp:
			pr.markSegment(cur, start)
			cur = start
		}
	}
}

// markFill marks the bounding box of a filled path, unless it covers
// most of the data area (a backdrop).
func (pr *legendProbe) markFill(path vg.Path) {
	box := vg.Rectangle{Min: vg.Point{X: vg.Length(math.Inf(1)), Y: vg.Length(math.Inf(1))}, Max: vg.Point{X: vg.Length(math.Inf(-1)), Y: vg.Length(math.Inf(-1))}}
	grow := func(r vg.Rectangle) {
		box.Min.X, box.Min.Y = min(box.Min.X, r.Min.X), min(box.Min.Y, r.Min.Y)
		box.Max.X, box.Max.Y = max(box.Max.X, r.Max.X), max(box.Max.Y, r.Max.Y)
	}
	n := 0
	for i := range path {
		comp := &path[i]
		switch comp.Type {
		case vg.MoveComp, vg.LineComp:
			pt := pr.m.apply(comp.Pos)
			grow(vg.Rectangle{Min: pt, Max: pt})
			n++
		case vg.CurveComp:
			for _, ctrl := range comp.Control {
				pt := pr.m.apply(ctrl)
				grow(vg.Rectangle{Min: pt, Max: pt})
			}
			pt := pr.m.apply(comp.Pos)
			grow(vg.Rectangle{Min: pt, Max: pt})
			n++
		case vg.ArcComp:
			grow(arcBox(pr.m.apply(comp.Pos), comp.Radius))
			n++
		}
	}
	if n == 0 {
		return
	}
	// The ink points, for tests: the arcs' centres, or the vertices.
	from := len(pr.opPts)
	if pr.ink != nil {
		arcs := hasArc(path)
		for i := range path {
			switch comp := &path[i]; {
			case arcs && comp.Type == vg.ArcComp,
				!arcs && (comp.Type == vg.MoveComp || comp.Type == vg.LineComp || comp.Type == vg.CurveComp):
				pr.opPts = append(pr.opPts, pr.m.apply(comp.Pos))
			}
		}
	}
	if pr.deferred {
		*pr.ops = append(*pr.ops, probeOp{kind: opFill, a: box.Min, b: box.Max, from: from, to: len(pr.opPts)})
		return
	}
	pr.fillBox(box, pr.opPts[from:])
	pr.opPts = pr.opPts[:from]
}

// fillBox marks a filled path's bounding box and records its ink points,
// unless it covers most of the data area (a backdrop).
func (pr *legendProbe) fillBox(box vg.Rectangle, pts []vg.Point) {
	a := pr.area.Size()
	s := box.Size()
	if s.X*s.Y >= 0.9*a.X*a.Y {
		return
	}
	pr.markBox(box)
	for _, pt := range pts {
		pr.record(pt)
	}
}

// hasArc says whether path has an arc: a glyph's circle, whose ink is
// recorded as its centre.
func hasArc(path vg.Path) bool {
	for i := range path {
		if path[i].Type == vg.ArcComp {
			return true
		}
	}
	return false
}

// recordCentres records the centre of every arc of path.
func (pr *legendProbe) recordCentres(path vg.Path) {
	if pr.ink == nil {
		return
	}
	for i := range path {
		if path[i].Type == vg.ArcComp {
			pr.record(pr.m.apply(path[i].Pos))
		}
	}
}

// markText marks the box of s written at pt, its baseline's left end.
func (pr *legendProbe) markText(f font.Face, pt vg.Point, s string) {
	e := textHandler.Extents(f.Font) // f's, remembered
	w := textHandler.width(f.Font, s)
	if pr.deferred {
		*pr.ops = append(*pr.ops, probeOp{kind: opText, a: pt, b: vg.Point{X: w}, asc: e.Ascent, desc: e.Descent})
		return
	}
	pr.textBox(pt, w, e.Ascent, e.Descent)
}

// textBox marks the box of a text of width w, ascent and descent written
// at pt, its baseline's left end.
func (pr *legendProbe) textBox(pt vg.Point, w, ascent, descent vg.Length) {
	a := pr.area
	if pt.X > a.Max.X || pt.Y+descent < a.Min.Y || pt.Y-ascent > a.Max.Y {
		return
	}
	box := vg.Rectangle{Min: vg.Point{X: pt.X, Y: pt.Y - descent}, Max: vg.Point{X: pt.X + w, Y: pt.Y + ascent}}
	pr.markBox(box)
	pr.record(vg.Point{X: (box.Min.X + box.Max.X) / 2, Y: (box.Min.Y + box.Max.Y) / 2})
}

func arcBox(c vg.Point, r vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: c.X - r, Y: c.Y - r}, Max: vg.Point{X: c.X + r, Y: c.Y + r}}
}

// record keeps pt for tests when it lies in the data area.
func (pr *legendProbe) record(pt vg.Point) {
	if pr.ink != nil && pr.deferred {
		*pr.ops = append(*pr.ops, probeOp{kind: opRecord, a: pt})
		return
	}
	if pr.ink != nil && pr.in(pt) {
		*pr.ink = append(*pr.ink, pt)
	}
}

func (pr *legendProbe) in(pt vg.Point) bool {
	a := pr.area
	return pt.X >= a.Min.X && pt.X <= a.Max.X && pt.Y >= a.Min.Y && pt.Y <= a.Max.Y
}

// cell returns the cell column and row of pt, clamped to the grid.
func (pr *legendProbe) cell(pt vg.Point) (int, int) {
	i := int(math.Floor(float64((pt.X - pr.area.Min.X) / legendCell)))
	j := int(math.Floor(float64((pt.Y - pr.area.Min.Y) / legendCell)))
	return min(max(i, 0), pr.nx-1), min(max(j, 0), pr.ny-1)
}

// markSegment marks the cells along a→b that lie in the data area.
func (pr *legendProbe) markSegment(a, b vg.Point) {
	if pr.deferred {
		*pr.ops = append(*pr.ops, probeOp{kind: opSegment, a: a, b: b})
		return
	}
	// Segments far outside the area cost nothing to skip.
	lo := vg.Point{X: min(a.X, b.X), Y: min(a.Y, b.Y)}
	hi := vg.Point{X: max(a.X, b.X), Y: max(a.Y, b.Y)}
	if hi.X < pr.area.Min.X || lo.X > pr.area.Max.X || hi.Y < pr.area.Min.Y || lo.Y > pr.area.Max.Y {
		return
	}
	// Most segments of a curve lie in one cell: every sample below is in
	// the segment's box, give or take rounding far below the margin, and
	// a box inside one cell marks that cell alone.
	const margin = 1e-6
	lo.X, lo.Y, hi.X, hi.Y = lo.X-margin, lo.Y-margin, hi.X+margin, hi.Y+margin
	inside := pr.in(lo) && pr.in(hi)
	if inside {
		i0, j0 := pr.cell(lo)
		if i1, j1 := pr.cell(hi); i0 == i1 && j0 == j1 {
			pr.grid[(j0+1)*(pr.nx+1)+i0+1] = 1
			return
		}
	}
	d := vg.Point{X: b.X - a.X, Y: b.Y - a.Y}
	length := math.Hypot(float64(d.X), float64(d.Y))
	if math.IsNaN(length) || math.IsInf(length, 0) {
		return
	}
	n := int(math.Ceil(length/(legendCell/2))) + 1
	for k := 0; k <= n; k++ {
		t := vg.Length(float64(k) / float64(n))
		pt := vg.Point{X: a.X + t*d.X, Y: a.Y + t*d.Y}
		if inside {
			// Every sample is in the area, at offsets from its corner of
			// at least 0, whose floor is their truncation: cell without
			// the checks.
			i := min(int((pt.X-pr.area.Min.X)/legendCell), pr.nx-1)
			j := min(int((pt.Y-pr.area.Min.Y)/legendCell), pr.ny-1)
			pr.grid[(j+1)*(pr.nx+1)+i+1] = 1
			continue
		}
		if pr.in(pt) {
			i, j := pr.cell(pt)
			pr.grid[(j+1)*(pr.nx+1)+i+1] = 1
		}
	}
}

// markBox marks the cells r overlaps inside the data area.
func (pr *legendProbe) markBox(r vg.Rectangle) {
	if pr.deferred {
		*pr.ops = append(*pr.ops, probeOp{kind: opBox, a: r.Min, b: r.Max})
		return
	}
	a := pr.area
	if !(r.Max.X >= a.Min.X && r.Min.X <= a.Max.X && r.Max.Y >= a.Min.Y && r.Min.Y <= a.Max.Y) {
		return
	}
	i0, j0 := pr.cell(r.Min)
	i1, j1 := pr.cell(r.Max)
	for j := j0; j <= j1; j++ {
		row := pr.grid[(j+1)*(pr.nx+1)+1:]
		for i := i0; i <= i1; i++ {
			row[i] = 1
		}
	}
}

// sum turns the grid into its summed-area table, once: then
// grid[j(nx+1)+i] is the number of marked cells in columns < i and rows < j.
func (pr *legendProbe) sum() {
	if pr.summed {
		return
	}
	pr.summed = true
	w := pr.nx + 1
	g := pr.grid
	for j := 1; j <= pr.ny; j++ {
		var run int32
		for i := 1; i <= pr.nx; i++ {
			run += g[j*w+i]
			g[j*w+i] = g[(j-1)*w+i] + run
		}
	}
}

// count returns the number of marked cells within legendMargin of r: from
// the summed-area table once there is one, else cell by cell.
func (pr *legendProbe) count(r vg.Rectangle) int {
	s := pr.grid
	m := vg.Length(legendMargin)
	i0, j0 := pr.cell(vg.Point{X: r.Min.X - m, Y: r.Min.Y - m})
	i1, j1 := pr.cell(vg.Point{X: r.Max.X + m, Y: r.Max.Y + m})
	w := pr.nx + 1
	if pr.summed {
		return int(s[(j1+1)*w+i1+1] - s[j0*w+i1+1] - s[(j1+1)*w+i0] + s[j0*w+i0])
	}
	n := 0
	for j := j0; j <= j1; j++ {
		for _, v := range s[(j+1)*w+i0+1 : (j+1)*w+i1+2] {
			n += int(v)
		}
	}
	return n
}

// LegendReport says where SVG puts a plot's legend, for tests that check
// that it covers no data. Coordinates are in points from the bottom left.
type LegendReport struct {
	// Box is the legend's box; zero when the plot has no legend.
	Box vg.Rectangle
	// Inside says the box lies in the data area rather than beside it.
	Inside bool
	// Data is the data area.
	Data vg.Rectangle
	// Ink holds the data ink in the data area: the vertices of stroked
	// and filled paths, the centres of glyphs and of text.
	Ink []vg.Point
}

// ReportLegend lays p out at w×h as SVG does and reports where the legend
// goes and what data ink the plot draws.
func ReportLegend(p *plot.Plot, w, h vg.Length) (LegendReport, error) {
	var rep LegendReport
	_, vp, err := drawPlot(p, func() nullCanvas { return nullCanvas{w: w, h: h} }, "legend", &rep)
	if err != nil {
		return rep, err
	}
	_ = vp
	return rep, nil
}

// nullCanvas draws nothing.
type nullCanvas struct{ w, h vg.Length }

func (n nullCanvas) Size() (vg.Length, vg.Length)         { return n.w, n.h }
func (nullCanvas) SetLineWidth(vg.Length)                 {}
func (nullCanvas) SetLineDash([]vg.Length, vg.Length)     {}
func (nullCanvas) SetColor(color.Color)                   {}
func (nullCanvas) Rotate(float64)                         {}
func (nullCanvas) Translate(vg.Point)                     {}
func (nullCanvas) Scale(float64, float64)                 {}
func (nullCanvas) Push()                                  {}
func (nullCanvas) Pop()                                   {}
func (nullCanvas) Stroke(vg.Path)                         {}
func (nullCanvas) Fill(vg.Path)                           {}
func (nullCanvas) FillString(font.Face, vg.Point, string) {}
func (nullCanvas) DrawImage(vg.Rectangle, image.Image)    {}
