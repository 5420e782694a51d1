package pca

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/viz"
)

// Drawing helpers that viz does not have: arrows with heads drawn in page
// space (so they keep their shape on any axis scale), centred text, and
// rasters of 8×8 images and matrices.

// dataAspect is about the width/height of a default panel's data area, so
// that one unit is as long on both axes and perpendicular axes look it.
const dataAspect = 1.27

var (
	inkArrow = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	inkFaint = color.RGBA{0xC8, 0xC8, 0xC8, 0xFF}
	inkText  = color.RGBA{0x44, 0x44, 0x44, 0xFF}
	inkZero  = color.RGBA{0xDD, 0xDD, 0xDD, 0xFF}
	// inkDropped names a dropped axis: grey, but dark enough to read on
	// white (4.6:1, WCAG AA).
	inkDropped = color.RGBA{0x75, 0x75, 0x75, 0xFF}
)

// arrow is a segment from From to To in data coordinates.
type arrow struct {
	From, To [2]float64
	Color    color.Color
	Width    vg.Length
	Dashed   bool
	Head     bool
	Label    string
	// LabelColor is the label's colour; nil means Color.
	LabelColor color.Color
	// Clip cuts the segment to the plot's bounds, for lines meant to
	// run across the view.
	Clip bool
}

type arrows []arrow

func (as arrows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ts := p.X.Label.TextStyle
	for _, a := range as {
		if a.Clip {
			var ok bool
			if a.From, a.To, ok = clipSegment(a.From, a.To, viz.Box{XMin: p.X.Min, XMax: p.X.Max, YMin: p.Y.Min, YMax: p.Y.Max}); !ok {
				continue
			}
		}
		x0, y0 := trX(a.From[0]), trY(a.From[1])
		x1, y1 := trX(a.To[0]), trY(a.To[1])
		sty := draw.LineStyle{Color: a.Color, Width: a.Width}
		if a.Dashed {
			sty.Dashes = []vg.Length{5, 3}
		}
		c.StrokeLine2(sty, x0, y0, x1, y1)
		dx, dy := float64(x1-x0), float64(y1-y0)
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		ux, uy := dx/l, dy/l
		if a.Head {
			const size, half = 9, 4
			var path vg.Path
			path.Move(vg.Point{X: x1, Y: y1})
			path.Line(vg.Point{X: x1 - vg.Length(size*ux-half*uy), Y: y1 - vg.Length(size*uy+half*ux)})
			path.Line(vg.Point{X: x1 - vg.Length(size*ux+half*uy), Y: y1 - vg.Length(size*uy-half*ux)})
			path.Close()
			c.SetColor(a.Color)
			c.Fill(path)
		}
		if a.Label != "" {
			t := ts
			t.Color = viz.TextInk(a.Color)
			if a.LabelColor != nil {
				t.Color = a.LabelColor
			}
			t.XAlign, t.YAlign = draw.XCenter, draw.YCenter
			w := t.Width(a.Label)
			// Beyond the tip, far enough for the label's half width.
			off := 8 + 0.5*float64(w)*math.Abs(ux) + 7*math.Abs(uy)
			c.FillText(t, vg.Point{X: x1 + vg.Length(off*ux), Y: y1 + vg.Length(off*uy)}, a.Label)
		}
	}
}

func (as arrows) DataRange() (xmin, xmax, ymin, ymax float64) {
	box := viz.EmptyBox()
	for _, a := range as {
		box = box.Extend([][]float64{a.From[:], a.To[:]})
	}
	return box.XMin, box.XMax, box.YMin, box.YMax
}

// clipSegment cuts the segment a–b to the box (Liang and Barsky's
// parametric clipping); ok is false when no part of it is inside.
func clipSegment(a, b [2]float64, box viz.Box) (from, to [2]float64, ok bool) {
	t0, t1 := 0.0, 1.0
	d := [2]float64{b[0] - a[0], b[1] - a[1]}
	for k := range 2 {
		lo, hi := box.XMin, box.XMax
		if k == 1 {
			lo, hi = box.YMin, box.YMax
		}
		if d[k] == 0 {
			if a[k] < lo || a[k] > hi {
				return a, b, false
			}
			continue
		}
		ta, tb := (lo-a[k])/d[k], (hi-a[k])/d[k]
		t0, t1 = max(t0, min(ta, tb)), min(t1, max(ta, tb))
	}
	if t0 > t1 {
		return a, b, false
	}
	at := func(t float64) [2]float64 { return [2]float64{a[0] + t*d[0], a[1] + t*d[1]} }
	return at(t0), at(t1), true
}

// multiView draws several plots in one panel, in a grid cols wide, each
// in its cell with its own title and axes. All are drawn at one scale,
// the same on both axes, so that views of one object compare: plots[i]'s
// bounds are set around the centre of extents[i], its content, to fill
// its cell.
type multiView struct {
	plots   []*plot.Plot
	extents []viz.Box
	cols    int
}

// Gaps between the cells of a multiView, in points.
const multiGapX, multiGapY = 12, 6

func (mv multiView) Plot(c draw.Canvas, _ *plot.Plot) {
	n := len(mv.plots)
	rows := (n + mv.cols - 1) / mv.cols
	w := (c.Max.X - c.Min.X - multiGapX*vg.Length(mv.cols-1)) / vg.Length(mv.cols)
	h := (c.Max.Y - c.Min.Y - multiGapY*vg.Length(rows-1)) / vg.Length(rows)
	cells := make([]draw.Canvas, n)
	for i := range cells {
		x0 := c.Min.X + vg.Length(i%mv.cols)*(w+multiGapX)
		y1 := c.Max.Y - vg.Length(i/mv.cols)*(h+multiGapY)
		cells[i] = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: x0, Y: y1 - h}, Max: vg.Point{X: x0 + w, Y: y1}}}
	}
	// gonum shrinks a data area so that glyphs at its edge fit, which
	// depends on the bounds: the second pass fits the areas the first
	// pass's bounds give.
	sizes := make([]vg.Point, n)
	for range 2 {
		scale := math.Inf(1) // points per data unit
		for i, p := range mv.plots {
			sizes[i] = p.DataCanvas(cells[i]).Size()
			e := mv.extents[i]
			scale = min(scale, float64(sizes[i].X)/(1.12*max(e.Width(), 1e-9)), float64(sizes[i].Y)/(1.12*max(e.Height(), 1e-9)))
		}
		for i, p := range mv.plots {
			e := mv.extents[i]
			cx, cy := (e.XMin+e.XMax)/2, (e.YMin+e.YMax)/2
			hw, hh := float64(sizes[i].X)/scale/2, float64(sizes[i].Y)/scale/2
			p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = cx-hw, cx+hw, cy-hh, cy+hh
		}
	}
	for i, p := range mv.plots {
		p.Draw(cells[i])
	}
}

// zeroLines draws the lines x = 0 and y = 0 across the data area, faint,
// where the bounds include them.
type zeroLines struct{}

func (zeroLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: inkZero, Width: 0.8}
	if p.X.Min <= 0 && 0 <= p.X.Max {
		c.StrokeLine2(sty, trX(0), c.Min.Y, trX(0), c.Max.Y)
	}
	if p.Y.Min <= 0 && 0 <= p.Y.Max {
		c.StrokeLine2(sty, c.Min.X, trY(0), c.Max.X, trY(0))
	}
}

// segmentSet is many thin lines from[i] → to[i] stroked as one path,
// which keeps the SVG small.
type segmentSet struct {
	from, to [][]float64
	color    color.Color
}

func (s segmentSet) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var path vg.Path
	for i := range s.from {
		path.Move(vg.Point{X: trX(s.from[i][0]), Y: trY(s.from[i][1])})
		path.Line(vg.Point{X: trX(s.to[i][0]), Y: trY(s.to[i][1])})
	}
	c.SetLineStyle(draw.LineStyle{Color: s.color, Width: 0.6})
	c.Stroke(path)
}

// addSegments adds thin lines from[i] → to[i].
func addSegments(p *plot.Plot, from, to [][]float64, c color.Color) {
	p.Add(segmentSet{from: from, to: to, color: c})
}

// caption is text centred in the data area, for panels with nothing to
// show yet and for short in-plot explanations.
type caption struct {
	text string
	y    float64 // 0 bottom … 1 top of the data area
}

func (t caption) Plot(c draw.Canvas, p *plot.Plot) {
	ts := p.X.Label.TextStyle
	ts.Color = inkText
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	pt := vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Min.Y + vg.Length(t.y)*(c.Max.Y-c.Min.Y)}
	c.FillText(ts, pt, t.text)
}

// placeholder returns a plot without axes that says why it is empty.
func placeholder(lines ...string) *plot.Plot {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	for i, l := range lines {
		p.Add(caption{text: l, y: 0.55 - 0.08*float64(i)})
	}
	return p
}

// equalAspect widens the shorter side of the bounds so that a unit has the
// same length on both axes of a default panel, and pads them by 6 %.
func equalAspect(b viz.Box) viz.Box {
	cx, cy := (b.XMin+b.XMax)/2, (b.YMin+b.YMax)/2
	w, h := max(b.Width(), 1e-9), max(b.Height(), 1e-9)
	if w/h < dataAspect {
		w = h * dataAspect
	} else {
		h = w / dataAspect
	}
	w, h = 1.12*w, 1.12*h
	return viz.Box{XMin: cx - w/2, XMax: cx + w/2, YMin: cy - h/2, YMax: cy + h/2}
}

// tile is how many image pixels show one digit pixel: enough that the
// browser's smoothing of a scaled image does not blur the digit.
const tile = 6

// gray maps a pixel value 0..16 to white..ink.
func gray(v float64) color.Gray {
	v = min(max(v/16, 0), 1)
	return color.Gray{Y: uint8(math.Round(255 * (1 - 0.9*v)))}
}

// diverging maps v in [−1, 1] to blue … white … red.
func diverging(v float64) color.RGBA {
	v = min(max(v, -1), 1)
	neg, pos := viz.ClassColor(0), viz.ClassColor(3)
	c := pos
	if v < 0 {
		c, v = neg, -v
	}
	mix := func(a uint8) uint8 { return uint8(math.Round(255 - (255-float64(a))*v)) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xFF}
}

// tileGap is the transparent gap between two digit images, in pixels.
const tileGap = 2 * tile

// digitRow draws several 64-value images side by side as one paletted
// image (a nil entry leaves its place empty), each pixel tile×tile. The
// colours must be few (levels quantizes them): a paletted PNG of flat
// tiles is far smaller than an RGBA one.
func digitRow(images [][]float64, colorOf func(float64) color.Color) image.Image {
	w := len(images)*(8*tile+tileGap) - tileGap
	pal := color.Palette{color.Transparent}
	index := map[color.Color]uint8{color.Transparent: 0}
	img := image.NewPaletted(image.Rect(0, 0, w, 8*tile), pal)
	for k, v := range images {
		if v == nil {
			continue
		}
		x0 := k * (8*tile + tileGap)
		for r := range 8 {
			for c := range 8 {
				col := colorOf(v[8*r+c])
				i, ok := index[col]
				if !ok {
					if len(img.Palette) == 256 {
						panic("pca: more than 256 colours in a digit row")
					}
					i = uint8(len(img.Palette))
					index[col] = i
					img.Palette = append(img.Palette, col)
				}
				for y := r * tile; y < (r+1)*tile; y++ {
					row := img.Pix[y*img.Stride:]
					for x := x0 + c*tile; x < x0+(c+1)*tile; x++ {
						row[x] = i
					}
				}
			}
		}
	}
	return img
}

// levels rounds v in [lo, hi] to one of n+1 evenly spaced values, so a row
// of images needs few colours.
func levels(v, lo, hi float64, n int) float64 {
	v = min(max(v, lo), hi)
	return lo + math.Round((v-lo)/(hi-lo)*float64(n))/float64(n)*(hi-lo)
}

// matrixImage draws a square matrix with the diverging colours scaled by
// its largest |entry| (in 41 levels, so the PNG can be paletted), each
// cell s×s pixels.
func matrixImage(M [][]float64, s int) image.Image {
	D := len(M)
	var big float64
	for _, row := range M {
		for _, v := range row {
			big = max(big, math.Abs(v))
		}
	}
	if big == 0 {
		big = 1
	}
	const n = 40
	pal := make(color.Palette, n+1)
	for k := range pal {
		pal[k] = diverging(-1 + 2*float64(k)/n)
	}
	img := image.NewPaletted(image.Rect(0, 0, D*s, D*s), pal)
	for a := range D {
		for b := range D {
			k := uint8(math.Round((min(max(M[a][b]/big, -1), 1) + 1) / 2 * n))
			for y := a * s; y < (a+1)*s; y++ {
				row := img.Pix[y*img.Stride:]
				for x := b * s; x < (b+1)*s; x++ {
					row[x] = k
				}
			}
		}
	}
	return img
}

// addImage places img over [x0, x1]×[y0, y1].
func addImage(p *plot.Plot, img image.Image, x0, y0, x1, y1 float64) {
	p.Add(plotter.NewImage(img, x0, y0, x1, y1))
}

// barSet is bars from 0 to ys[i] at xs[i], width wide, filled as one
// path: a data set of 64 components would otherwise cost 64 elements.
// NaN heights are skipped.
type barSet struct {
	xs, ys []float64
	width  float64
	color  color.Color
}

func (b barSet) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var path vg.Path
	for i, x := range b.xs {
		if math.IsNaN(b.ys[i]) {
			continue
		}
		x0, x1 := trX(x-b.width/2), trX(x+b.width/2)
		y0, y1 := trY(0), trY(b.ys[i])
		path.Move(vg.Point{X: x0, Y: y0})
		path.Line(vg.Point{X: x1, Y: y0})
		path.Line(vg.Point{X: x1, Y: y1})
		path.Line(vg.Point{X: x0, Y: y1})
		path.Close()
	}
	c.SetColor(b.color)
	c.Fill(path)
}

func (b barSet) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for i, x := range b.xs {
		xmin, xmax = min(xmin, x-b.width/2), max(xmax, x+b.width/2)
		if !math.IsNaN(b.ys[i]) {
			ymax = max(ymax, b.ys[i])
		}
	}
	return xmin, xmax, 0, ymax
}

// Thumbnail makes a barSet its own legend swatch.
func (b barSet) Thumbnail(c *draw.Canvas) {
	var path vg.Path
	path.Move(c.Min)
	path.Line(vg.Point{X: c.Max.X, Y: c.Min.Y})
	path.Line(c.Max)
	path.Line(vg.Point{X: c.Min.X, Y: c.Max.Y})
	path.Close()
	c.SetColor(b.color)
	c.Fill(path)
}
