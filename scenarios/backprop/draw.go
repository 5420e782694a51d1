package backprop

import (
	"image/color"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/viz"
)

// Sizes of the drawings, in points.
const (
	nodeRadius   = 15
	nodeFont     = 12
	labelFont    = 10
	textFont     = 12
	edgeWidth    = 1.4
	hotEdgeWidth = 3
	labelPad     = 1.5
	lineSpacing  = 1.35
)

// Colours of the drawings: numbers of the current stage are orange.
var (
	inkText = color.RGBA{0x33, 0x33, 0x33, 0xFF}
	inkEdge = color.RGBA{0xA8, 0xA8, 0xA8, 0xFF}
	inkNode = color.RGBA{0x44, 0x44, 0x44, 0xFF}
	inkHot  = color.RGBA{0xD0, 0x62, 0x00, 0xFF}
	fillHot = color.RGBA{0xFC, 0xE6, 0xCF, 0xFF}
	white   = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

// line is one line of text; hot lines belong to the current stage.
type line struct {
	text string
	hot  bool
}

// node is a unit of the diagram at (x, y) in data units, with its name
// inside and lines of numbers above and below.
type node struct {
	x, y         float64
	name         string
	above, below []line
	hot          bool
}

// edge joins two nodes; its lines sit at the fraction at of the way.
type edge struct {
	from, to int
	at       float64
	lines    []line
	hot      bool
}

// diagram is a small network drawing: straight edges with labels, round
// nodes with their values. It paints the data area white (covering the
// grid) and sets no data range: callers set the axes.
type diagram struct {
	nodes []node
	edges []edge
}

func styleOf(p *plot.Plot, size vg.Length, hot bool) text.Style {
	ts := text.Style{Color: inkText, Font: font.From(p.Legend.TextStyle.Font, size), Handler: p.TextHandler,
		XAlign: draw.XCenter, YAlign: draw.YCenter}
	if hot {
		ts.Color = viz.TextInk(inkHot)
		ts.Font.Weight = xfont.WeightBold
	}
	return ts
}

// stack draws lines centred on x, the first at y, going up (dir = 1) or
// down (dir = −1), each on a white box so edges do not cross the digits.
func stack(c draw.Canvas, p *plot.Plot, x, y vg.Length, lines []line, dir float64) {
	for k, l := range lines {
		ts := styleOf(p, labelFont, l.hot)
		h := ts.Height(l.text)
		cy := y + vg.Length(dir*float64(k))*h*lineSpacing
		w := ts.Width(l.text)
		c.FillPolygon(white, []vg.Point{
			{X: x - w/2 - labelPad, Y: cy - h/2}, {X: x + w/2 + labelPad, Y: cy - h/2},
			{X: x + w/2 + labelPad, Y: cy + h/2}, {X: x - w/2 - labelPad, Y: cy + h/2},
		})
		c.FillText(ts, vg.Point{X: x, Y: cy}, l.text)
	}
}

func (d *diagram) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(white, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	trX, trY := p.Transforms(&c)
	at := func(n node) vg.Point { return vg.Point{X: trX(n.x), Y: trY(n.y)} }
	// Cold edges first, so the hot ones are drawn on top.
	for _, hot := range []bool{false, true} {
		for _, e := range d.edges {
			if e.hot != hot {
				continue
			}
			a, b := at(d.nodes[e.from]), at(d.nodes[e.to])
			sty := draw.LineStyle{Color: inkEdge, Width: edgeWidth}
			if e.hot {
				sty = draw.LineStyle{Color: inkHot, Width: hotEdgeWidth}
			}
			c.StrokeLine2(sty, a.X, a.Y, b.X, b.Y)
		}
	}
	for _, e := range d.edges {
		a, b := at(d.nodes[e.from]), at(d.nodes[e.to])
		x := a.X + vg.Length(e.at)*(b.X-a.X)
		y := a.Y + vg.Length(e.at)*(b.Y-a.Y)
		h := styleOf(p, labelFont, false).Height("0") * lineSpacing
		// Centre the block of lines on the edge.
		stack(c, p, x, y+h*vg.Length(len(e.lines)-1)/2, e.lines, -1)
	}
	for _, n := range d.nodes {
		pt := at(n)
		var circle vg.Path
		circle.Move(vg.Point{X: pt.X + nodeRadius, Y: pt.Y})
		circle.Arc(pt, nodeRadius, 0, 6.283185307179586)
		circle.Close()
		fill, stroke, width := white, inkNode, vg.Length(1.4)
		if n.hot {
			fill, stroke, width = fillHot, inkHot, 2.6
		}
		c.SetColor(fill)
		c.Fill(circle)
		c.SetLineStyle(draw.LineStyle{Color: stroke, Width: width})
		c.Stroke(circle)
		ts := styleOf(p, nodeFont, false)
		ts.Font.Weight = xfont.WeightBold
		c.FillText(ts, pt, n.name)
		h := styleOf(p, labelFont, false).Height("0")
		stack(c, p, pt.X, pt.Y+nodeRadius+h, n.above, 1)
		stack(c, p, pt.X, pt.Y-nodeRadius-h, n.below, -1)
	}
}

// textBlock is a panel of text lines from the top left: the chain-rule
// products of a stage written out with their numbers.
type textBlock struct {
	title string
	lines []line
}

func (t *textBlock) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(white, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	ts := styleOf(p, textFont+1, false)
	ts.Font.Weight = xfont.WeightBold
	ts.XAlign, ts.YAlign = draw.XLeft, draw.YTop
	x, y := c.Min.X+6, c.Max.Y-4
	c.FillText(ts, vg.Point{X: x, Y: y}, t.title)
	y -= ts.Height(t.title) * 1.7
	for _, l := range t.lines {
		s := styleOf(p, textFont, l.hot)
		s.XAlign, s.YAlign = draw.XLeft, draw.YTop
		c.FillText(s, vg.Point{X: x, Y: y}, l.text)
		y -= s.Height(l.text) * lineSpacing
	}
}
