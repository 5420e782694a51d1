package perceptron

import (
	"image/color"
	"math"

	xfont "golang.org/x/image/font"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/viz"
)

// Sizes of an arrow, in points.
const (
	arrowWidth = 2
	arrowHead  = 8
)

// arrow is a straight arrow between two data points with an optional
// label at its tip. It has no DataRange, so it never widens the axes.
type arrow struct {
	from, to [2]float64
	color    color.Color
	dashed   bool
	label    string
}

func (a *arrow) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, y0 := trX(a.from[0]), trY(a.from[1])
	x1, y1 := trX(a.to[0]), trY(a.to[1])
	dx, dy := float64(x1-x0), float64(y1-y0)
	length := math.Hypot(dx, dy)
	if length < 1 {
		return
	}
	ux, uy := dx/length, dy/length
	head := math.Min(arrowHead, 0.6*length)
	sty := draw.LineStyle{Color: a.color, Width: arrowWidth}
	if a.dashed {
		sty.Dashes = []vg.Length{5, 3}
	}
	// The shaft stops at the head's base so the tip stays sharp.
	c.StrokeLine2(sty, x0, y0, x1-vg.Length(head*ux), y1-vg.Length(head*uy))
	var tri vg.Path
	tri.Move(vg.Point{X: x1, Y: y1})
	tri.Line(vg.Point{X: x1 - vg.Length(head*ux-0.45*head*uy), Y: y1 - vg.Length(head*uy+0.45*head*ux)})
	tri.Line(vg.Point{X: x1 - vg.Length(head*ux+0.45*head*uy), Y: y1 - vg.Length(head*uy-0.45*head*ux)})
	tri.Close()
	c.SetColor(a.color)
	c.Fill(tri)
	if a.label != "" {
		ts := text.Style{Color: viz.TextInk(a.color), Font: font.From(p.Legend.TextStyle.Font, 12), Handler: p.TextHandler,
			XAlign: draw.XCenter, YAlign: draw.YCenter}
		ts.Font.Weight = xfont.WeightBold
		c.FillText(ts, vg.Point{X: x1 + vg.Length(9*ux), Y: y1 + vg.Length(9*uy)}, a.label)
	}
}
