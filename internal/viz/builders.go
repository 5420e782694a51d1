package viz

import (
	"image"
	"image/color"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default sizes, in points (1/72 inch).
const (
	defaultRadius       = 3
	defaultMarkerRadius = 7
	lineWidth           = 2
	thinWidth           = 1.2
	outlineWidth        = 0.6
	markerOutlineWidth  = 1.4
	trailDotRadius      = 1.6
	maxRegionRes        = 1024
)

// dashes is the dash pattern of dashed curves and reference lines.
var dashes = []vg.Length{6, 3.5}

// overlayGrid is drawn on top of region maps: the base grid is hidden under
// the raster, and translucent white lines read well on any pale colour.
var overlayGrid = color.NRGBA{0xFF, 0xFF, 0xFF, 0x99}

// AddRegionMap adds a res×res raster covering exactly the box b, each
// cell coloured by colorAt at its centre,
// and sets the axes to those bounds so the raster fills the data area.
// A translucent grid is drawn over it. Add it before the points, and keep
// the points inside the bounds: anything added later that lies outside
// widens the axes and leaves the raster short of them.
//
// The raster is one <image> in the SVG (a paletted PNG when it has at most
// 256 colours, which is tiny for flat regions). Invalid bounds or a nil
// colorAt add nothing; res is clamped to [1, 1024]; a nil colour is
// transparent.
func AddRegionMap(p *plot.Plot, b Box, res int, colorAt func(x, y float64) color.Color) {
	if colorAt == nil {
		return
	}
	AddRegionMapRGBA(p, b, res, func(x, y float64) color.RGBA { return RGBA(colorAt(x, y)) })
}

// RGBA is c as a color.RGBA, nil transparent.
func RGBA(c color.Color) color.RGBA {
	switch c := c.(type) {
	case nil:
		return color.RGBA{}
	case color.RGBA:
		return c // what RGBAModel.Convert returns for it
	default:
		return color.RGBAModel.Convert(c).(color.RGBA)
	}
}

// AddRegionMapRGBA is AddRegionMap for a colorAt that returns a
// color.RGBA, which returned as a color.Color would be allocated anew at
// every cell.
func AddRegionMapRGBA(p *plot.Plot, b Box, res int, colorAt func(x, y float64) color.RGBA) {
	if colorAt == nil || !b.Valid() {
		return
	}
	AddRegionRaster(p, b, RegionRaster(b, res, colorAt))
}

// RegionRaster is the raster AddRegionMapRGBA draws, for a caller that
// keeps it while its colours cannot change (a loss surface over fixed
// data); AddRegionRaster draws it. It is nil when b is invalid.
func RegionRaster(b Box, res int, colorAt func(x, y float64) color.RGBA) image.Image {
	if colorAt == nil || !b.Valid() {
		return nil
	}
	return rasterize(b, min(max(res, 1), maxRegionRes), colorAt)
}

// AddRegionRaster adds img, made by RegionRaster over b, as
// AddRegionMapRGBA adds the raster it makes: the grid over it, the axes
// set to b. A nil img or an invalid b adds nothing.
func AddRegionRaster(p *plot.Plot, b Box, img image.Image) {
	if img == nil || !b.Valid() {
		return
	}
	g := newGrid()
	g.Vertical.Color, g.Horizontal.Color = overlayGrid, overlayGrid
	p.Add(plotter.NewImage(img, b.XMin, b.YMin, b.XMax, b.YMax), backgroundGrid{g})
	SetAxes(p, b)
}

// rasterize samples colorAt at cell centres, row 0 at the top (ymax) as
// images are stored.
func rasterize(b Box, res int, colorAt func(x, y float64) color.RGBA) image.Image {
	dx := (b.XMax - b.XMin) / float64(res)
	dy := (b.YMax - b.YMin) / float64(res)
	return rasterCells(res, func(i, j int) color.RGBA {
		return colorAt(b.XMin+(float64(i)+0.5)*dx, b.YMax-(float64(j)+0.5)*dy)
	})
}

// RegionCells is RegionRaster for a caller that has its colours by cell:
// colorAt(k) colours cell k = j·res + i, column i from the left and row j
// from the top, whose centre RegionRaster would pass as (x, y). The image
// is the one RegionRaster makes from the same colours.
func RegionCells(res int, colorAt func(k int) color.RGBA) image.Image {
	res = min(max(res, 1), maxRegionRes)
	return rasterCells(res, func(i, j int) color.RGBA { return colorAt(j*res + i) })
}

// RegionLevels is RegionCells for colours taken from a short list: cell k
// has the colour colors[level(k)], or none (transparent) for level −1.
// The image is the one RegionCells makes from the same colours, made
// without looking a colour up per cell.
func RegionLevels(res int, colors []color.RGBA, level func(k int) int) image.Image {
	res = min(max(res, 1), maxRegionRes)
	return regionLevels(res, colors, func(j int, row []int) {
		for i := range row {
			row[i] = level(j*res + i)
		}
	})
}

// RegionRasterLevels is RegionRaster for colours taken from a short list,
// as RegionLevels takes them: colorAt(x, y) is colors[level(x, y)], or
// none for −1, at the same cell centres. It is nil when b is invalid.
func RegionRasterLevels(b Box, res int, colors []color.RGBA, level func(x, y float64) int) image.Image {
	if level == nil || !b.Valid() {
		return nil
	}
	res = min(max(res, 1), maxRegionRes)
	dx := (b.XMax - b.XMin) / float64(res)
	dy := (b.YMax - b.YMin) / float64(res)
	return regionLevels(res, colors, func(j int, row []int) {
		for i := range row {
			row[i] = level(b.XMin+(float64(i)+0.5)*dx, b.YMax-(float64(j)+0.5)*dy)
		}
	})
}

// RegionRasterLevelRows is RegionRasterLevels for a caller that finds the
// levels of a row of cells at once: row(y, xs, levels) sets levels[i] for
// the cell centred at (xs[i], y), the centres RegionRasterLevels passes.
// The image is the one RegionRasterLevels makes from the same levels.
func RegionRasterLevelRows(b Box, res int, colors []color.RGBA, row func(y float64, xs []float64, levels []int)) image.Image {
	if row == nil || !b.Valid() {
		return nil
	}
	res = min(max(res, 1), maxRegionRes)
	dx := (b.XMax - b.XMin) / float64(res)
	dy := (b.YMax - b.YMin) / float64(res)
	xs := make([]float64, res)
	for i := range xs {
		xs[i] = b.XMin + (float64(i)+0.5)*dx
	}
	return regionLevels(res, colors, func(j int, levels []int) {
		row(b.YMax-(float64(j)+0.5)*dy, xs, levels)
	})
}

// regionLevels is RegionLevels by rows: fill(j, row) sets the levels of
// row j's cells, column by column. Rows are filled in order from j = 0.
func regionLevels(res int, colors []color.RGBA, fill func(j int, row []int)) image.Image {
	row := make([]int, res)
	if len(colors) >= 256 {
		return rasterCells(res, func(i, j int) color.RGBA {
			if i == 0 { // rasterCells goes row by row, each from i = 0
				fill(j, row)
			}
			if l := row[i]; l >= 0 {
				return colors[l]
			}
			return color.RGBA{}
		})
	}
	// Entry l+1 stands for level l, entry 0 for none. Levels of the same
	// colour share the palette entry of the first of them.
	canon := make([]int, len(colors)+1)
	colorOf := func(e int) color.RGBA {
		if e == 0 {
			return color.RGBA{}
		}
		return colors[e-1]
	}
	for e := range canon {
		canon[e] = e
		for d := range e {
			if colorOf(d) == colorOf(e) {
				canon[e] = d
				break
			}
		}
	}
	slot := make([]int, len(canon))
	for e := range slot {
		slot[e] = -1
	}
	m := image.NewPaletted(image.Rect(0, 0, res, res), nil)
	k := 0
	for j := range res {
		fill(j, row)
		for _, l := range row {
			e := canon[l+1]
			s := slot[e]
			if s < 0 { // palette in order of first use, as rasterCells makes it
				s = len(m.Palette)
				slot[e] = s
				m.Palette = append(m.Palette, colorOf(e))
			}
			m.Pix[k] = uint8(s)
			k++
		}
	}
	return m
}

// rasterCells makes the res×res image whose pixel (i, j) is colorAt(i, j):
// paletted when at most 256 colours are used, in their order of first use.
func rasterCells(res int, colorAt func(i, j int) color.RGBA) image.Image {
	buf := cellPool.Get().(*[]color.RGBA)
	defer cellPool.Put(buf)
	if cap(*buf) < res*res {
		*buf = make([]color.RGBA, res*res)
	}
	pix := (*buf)[:res*res]
	m := image.NewPaletted(image.Rect(0, 0, res, res), nil)
	var index map[color.RGBA]uint8 // past a few colours; a short palette is searched
	paletted := true
	k := 0
	for j := range res {
		for i := range res {
			rgba := colorAt(i, j)
			pix[k] = rgba
			switch {
			case !paletted:
			case k > 0 && pix[k-1] == rgba: // neighbours mostly match
				m.Pix[k] = m.Pix[k-1]
			default:
				e, ok := paletteIndex(m.Palette, index, rgba)
				if !ok {
					if len(m.Palette) == 256 {
						paletted = false
						break
					}
					e = uint8(len(m.Palette))
					m.Palette = append(m.Palette, rgba)
					if len(m.Palette) > shortPalette {
						if index == nil {
							index = make(map[color.RGBA]uint8, 64)
							for n, c := range m.Palette {
								index[c.(color.RGBA)] = uint8(n)
							}
						}
						index[rgba] = e
					}
				}
				m.Pix[k] = e
			}
			k++
		}
	}
	if paletted {
		// Paletted PNGs of flat regions are a few hundred bytes, where RGBA
		// ones are kilobytes.
		return m
	}
	rgba := image.NewRGBA(m.Rect)
	for k, c := range pix {
		rgba.Pix[4*k], rgba.Pix[4*k+1], rgba.Pix[4*k+2], rgba.Pix[4*k+3] = c.R, c.G, c.B, c.A
	}
	return rgba
}

// shortPalette is the longest palette rasterCells searches in order.
const shortPalette = 16

// paletteIndex finds c in pal, by index when there is one.
func paletteIndex(pal color.Palette, index map[color.RGBA]uint8, c color.RGBA) (uint8, bool) {
	if index != nil {
		e, ok := index[c]
		return e, ok
	}
	for e, p := range pal {
		if p.(color.RGBA) == c {
			return uint8(e), true
		}
	}
	return 0, false
}

// cellPool keeps rasterCells' colour buffers: a 200×200 map's is 160 kB.
var cellPool = sync.Pool{New: func() any { return new([]color.RGBA) }}

// ScatterStyle sets how AddScatter draws points.
type ScatterStyle struct {
	// Radius of each glyph; zero means 3 pt.
	Radius vg.Length
	// Outline draws a thin white rim around filled glyphs, which lifts the
	// points off a region map.
	Outline bool
	// Shape is "circle" (the default), "ring", "cross", "square" or
	// "triangle"; unknown shapes are drawn as circles.
	Shape string
}

// AddScatter adds the points X[i] = [x, y, ...] coloured by classes[i]
// through ClassColor. A nil classes draws every point in ClassColor(0);
// a class of -1 (or a missing entry) is grey. Rows shorter than two and
// non-finite points are skipped. Each class is its own plotter, drawn in
// increasing class order, so the SVG groups by colour.
func AddScatter(p *plot.Plot, X [][]float64, classes []int, style ScatterStyle) {
	r := style.Radius
	if r <= 0 {
		r = defaultRadius
	}
	g := glyph{shape: style.Shape, path: new(vg.Path)}
	if style.Outline {
		g.outline, g.width = color.White, outlineWidth
	}
	addClassed(p, X, classes, func(c color.RGBA) draw.GlyphStyle {
		return draw.GlyphStyle{Color: c, Radius: r, Shape: g}
	})
}

// AddMarkers adds big markers such as centroids: filled with the class
// colour (as in AddScatter, nil classes means ClassColor(0)) and outlined
// in near-black so they stand out from data points of the same colour.
// A radius of zero means 7 pt.
func AddMarkers(p *plot.Plot, points [][]float64, classes []int, shape string, radius vg.Length) {
	if radius <= 0 {
		radius = defaultMarkerRadius
	}
	g := glyph{shape: shape, outline: inkDark, width: markerOutlineWidth, path: new(vg.Path)}
	addClassed(p, points, classes, func(c color.RGBA) draw.GlyphStyle {
		return draw.GlyphStyle{Color: c, Radius: radius, Shape: g}
	})
}

// addClassed splits points by class and adds one scatter per class.
func addClassed(p *plot.Plot, X [][]float64, classes []int, style func(color.RGBA) draw.GlyphStyle) {
	byClass := make(map[int]plotter.XYs)
	for i, row := range X {
		if len(row) < 2 || !finite(row[0], row[1]) {
			continue
		}
		c := 0
		if classes != nil {
			c = -1
			if i < len(classes) {
				c = max(classes[i], -1)
			}
		}
		byClass[c] = append(byClass[c], plotter.XY{X: row[0], Y: row[1]})
	}
	keys := make([]int, 0, len(byClass))
	for c := range byClass {
		keys = append(keys, c)
	}
	slices.Sort(keys)
	for _, c := range keys {
		p.Add(&plotter.Scatter{XYs: byClass[c], GlyphStyle: style(ClassColor(c))})
	}
}

// AddTrails adds one thin polyline per class, trails[c] being the list of
// [x, y] positions of class c over time (e.g. a centroid's path), with a
// small dot at each vertex. Non-finite positions are skipped.
func AddTrails(p *plot.Plot, trails [][][]float64) {
	for c, trail := range trails {
		var xys plotter.XYs
		for _, pt := range trail {
			if len(pt) >= 2 && finite(pt[0], pt[1]) {
				xys = append(xys, plotter.XY{X: pt[0], Y: pt[1]})
			}
		}
		if len(xys) == 0 {
			continue
		}
		col := ClassColor(c)
		if len(xys) > 1 {
			p.Add(&plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: col, Width: thinWidth}})
		}
		p.Add(&plotter.Scatter{XYs: xys, GlyphStyle: draw.GlyphStyle{Color: col, Radius: trailDotRadius, Shape: glyph{}}})
	}
}

// AddLine adds the curve through (xs[i], ys[i]), 2 pt wide, optionally
// dashed, with a legend entry when label is not empty. Non-finite points
// break the curve; extra entries of the longer slice are ignored.
func AddLine(p *plot.Plot, xs, ys []float64, c color.Color, label string, dashed bool) {
	sty := draw.LineStyle{Color: c, Width: lineWidth}
	if dashed {
		sty.Dashes = dashes
	}
	first := true
	for _, seg := range segments(xs, ys) {
		l := &plotter.Line{XYs: seg, LineStyle: sty}
		p.Add(l)
		if first && label != "" {
			p.Legend.Add(label, l)
		}
		first = false
	}
}

// AddFunction adds f sampled at samples evenly spaced points of
// [xmin, xmax] (at least 2) as with AddLine; points where f is not finite
// break the curve.
func AddFunction(p *plot.Plot, f func(float64) float64, xmin, xmax float64, samples int, c color.Color, label string, dashed bool) {
	if f == nil || !finite(xmin, xmax) {
		return
	}
	samples = max(samples, 2)
	xs := make([]float64, samples)
	ys := make([]float64, samples)
	for i := range xs {
		x := xmin + (xmax-xmin)*float64(i)/float64(samples-1)
		xs[i], ys[i] = x, f(x)
	}
	AddLine(p, xs, ys, c, label, dashed)
}

// segments splits a curve at non-finite points.
func segments(xs, ys []float64) []plotter.XYs {
	var segs []plotter.XYs
	var cur plotter.XYs
	for i := range min(len(xs), len(ys)) {
		if !finite(xs[i], ys[i]) {
			if len(cur) > 0 {
				segs = append(segs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: xs[i], Y: ys[i]})
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}
	return segs
}

// AddVLine adds a dashed vertical reference line at x across the whole
// data area, labelled near its top when label is not empty. It widens the
// x axis to include x but leaves the y axis alone.
func AddVLine(p *plot.Plot, x float64, label string, c color.Color) {
	if finite(x) {
		p.Add(&refLine{vertical: true, v: x, label: label, color: c, text: labelStyle(p, c)})
	}
}

// AddHLine adds a dashed horizontal reference line at y, labelled above
// its right end; see AddVLine.
func AddHLine(p *plot.Plot, y float64, label string, c color.Color) {
	if finite(y) {
		p.Add(&refLine{v: y, label: label, color: c, text: labelStyle(p, c)})
	}
}

func labelStyle(p *plot.Plot, c color.Color) text.Style {
	if c == nil {
		c = inkLabel
	}
	return text.Style{Color: TextInk(c), Font: p.Legend.TextStyle.Font, Handler: p.TextHandler}
}

// refLine is a line across the data area; gonum's plotters only span their
// own data, which would not reach the edges.
type refLine struct {
	vertical bool
	v        float64
	label    string
	color    color.Color
	text     text.Style
}

const labelGap = 3 // points between a reference line or band edge and its label

func (r *refLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: r.color, Width: thinWidth, Dashes: dashes}
	if sty.Color == nil {
		sty.Color = inkLabel
	}
	ts := r.text
	if r.vertical {
		x := trX(r.v)
		if !c.ContainsX(x) {
			return
		}
		c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		// Label on the side with more room, so it stays inside the plot,
		// one text line down so it clears band labels.
		ts.YAlign = draw.YTop
		pt := vg.Point{X: x + labelGap, Y: c.Max.Y - 2*labelGap - ts.Height("0")}
		if x > c.Center().X {
			ts.XAlign, pt.X = draw.XRight, x-labelGap
		}
		drawBackedLabel(c, ts, pt, r.label)
		return
	}
	y := trY(r.v)
	if !c.ContainsY(y) {
		return
	}
	c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
	ts.XAlign, ts.YAlign = draw.XRight, draw.YBottom
	drawBackedLabel(c, ts, vg.Point{X: c.Max.X - labelGap, Y: y + labelGap}, r.label)
}

// DataRange widens only the axis the line sits on; ±Inf leaves the other
// axis to the data because plot.Add takes min/max with it.
func (r *refLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	inf := math.Inf(1)
	if r.vertical {
		return r.v, r.v, inf, -inf
	}
	return inf, -inf, r.v, r.v
}

func drawLabel(c draw.Canvas, ts text.Style, pt vg.Point, s string) {
	if s != "" {
		c.FillText(ts, pt, s)
	}
}

// drawBackedLabel draws a label on the legend's translucent white, so a
// curve drawn before it does not run through its letters.
func drawBackedLabel(c draw.Canvas, ts text.Style, pt vg.Point, s string) {
	if s == "" {
		return
	}
	r := ts.Rectangle(s)
	const pad = 1.5
	r.Min.X, r.Min.Y = pt.X+r.Min.X-pad, pt.Y+r.Min.Y-pad/2
	r.Max.X, r.Max.Y = pt.X+r.Max.X+pad, pt.Y+r.Max.Y+pad/2
	c.FillPolygon(legendFill, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
	c.FillText(ts, pt, s)
}

// Band is a shaded vertical strip of the data area from x = From to x = To,
// with an optional label near its top.
type Band struct {
	From, To float64
	Color    color.Color
	Label    string
}

// AddBands adds shaded vertical bands spanning the whole y range, each
// labelled near its top. Add them before the curves they annotate so the
// curves are drawn on top. Bands with non-finite or empty extents are
// skipped; a nil Color is a light grey.
func AddBands(p *plot.Plot, bands []Band) {
	var keep []Band
	for _, b := range bands {
		if finite(b.From, b.To) && b.To != b.From {
			if b.To < b.From {
				b.From, b.To = b.To, b.From
			}
			keep = append(keep, b)
		}
	}
	if len(keep) > 0 {
		p.Add(&bandSet{bands: keep, text: labelStyle(p, inkLabel)})
	}
}

type bandSet struct {
	bands []Band
	text  text.Style
}

func (bs *bandSet) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	ts := bs.text
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	for _, b := range bs.bands {
		x0, x1 := max(trX(b.From), c.Min.X), min(trX(b.To), c.Max.X)
		if x1 <= x0 {
			continue
		}
		col := b.Color
		if col == nil {
			col = inkGrid
		}
		done := asBackground(c)
		c.FillPolygon(col, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
		done()
		drawLabel(c, ts, vg.Point{X: (x0 + x1) / 2, Y: c.Max.Y - labelGap}, b.Label)
	}
}

func (bs *bandSet) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, b := range bs.bands {
		xmin, xmax = min(xmin, b.From), max(xmax, b.To)
	}
	return xmin, xmax, math.Inf(1), math.Inf(-1)
}

// glyph draws the house glyph shapes. Filled shapes get an optional
// outline; ring and cross are strokes in the glyph colour, thick enough to
// read on a projector (gonum's own use 0.5 pt), laid over a wider stroke
// in the outline colour when there is one.
type glyph struct {
	shape   string
	outline color.Color // nil: no outline
	width   vg.Length   // outline width
	// path, when not nil, is the scratch path every glyph of one scatter
	// is built in: canvases copy what they keep of a path, and a plot is
	// drawn by one goroutine at a time.
	path *vg.Path
}

func (g glyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var path vg.Path
	if g.path != nil {
		path = (*g.path)[:0]
		defer func() { *g.path = path[:0] }()
	} else {
		path = make(vg.Path, 0, 5) // room for every shape: one allocation
	}
	switch g.shape {
	case "ring":
		path = appendCircle(path, pt, r)
		g.strokeHaloed(c, path, sty.Color, max(thinWidth, r/3))
		return
	case "cross":
		d := r * 0.8
		path.Move(vg.Point{X: pt.X - d, Y: pt.Y - d})
		path.Line(vg.Point{X: pt.X + d, Y: pt.Y + d})
		path.Move(vg.Point{X: pt.X - d, Y: pt.Y + d})
		path.Line(vg.Point{X: pt.X + d, Y: pt.Y - d})
		g.strokeHaloed(c, path, sty.Color, max(1.5, r/2.5))
		return
	case "square":
		d := r * 0.886 // same area as the circle of radius r
		path.Move(vg.Point{X: pt.X - d, Y: pt.Y - d})
		path.Line(vg.Point{X: pt.X + d, Y: pt.Y - d})
		path.Line(vg.Point{X: pt.X + d, Y: pt.Y + d})
		path.Line(vg.Point{X: pt.X - d, Y: pt.Y + d})
		path.Close()
	case "triangle":
		d := r * 1.35 // circumradius giving about the circle's area
		path.Move(vg.Point{X: pt.X, Y: pt.Y + d})
		path.Line(vg.Point{X: pt.X - d*0.866, Y: pt.Y - d/2})
		path.Line(vg.Point{X: pt.X + d*0.866, Y: pt.Y - d/2})
		path.Close()
	default:
		path = appendCircle(path, pt, r)
	}
	c.SetColor(sty.Color)
	c.Fill(path)
	if g.outline != nil {
		c.SetLineStyle(draw.LineStyle{Color: g.outline, Width: g.width})
		c.Stroke(path)
	}
}

// strokeHaloed strokes path in col, over a wider stroke in the outline
// colour when there is one: the outline of a shape that has no fill.
func (g glyph) strokeHaloed(c *draw.Canvas, path vg.Path, col color.Color, w vg.Length) {
	if g.outline != nil {
		c.SetLineStyle(draw.LineStyle{Color: g.outline, Width: w + 2*g.width})
		c.Stroke(path)
	}
	c.SetLineStyle(draw.LineStyle{Color: col, Width: w})
	c.Stroke(path)
}

// appendCircle appends a circle to p: the path vgsvg writes as two arcs,
// which SVG compacts back into a <circle>.
func appendCircle(p vg.Path, pt vg.Point, r vg.Length) vg.Path {
	p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Arc(pt, r, 0, 2*math.Pi)
	p.Close()
	return p
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
