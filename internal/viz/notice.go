package viz

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// AddNotice writes lines of text centred in the data area: what a panel
// will show and when, for a panel that has nothing to draw yet (no samples
// clicked, no step taken). The axes stay, so the panel keeps its shape.
func AddNotice(p *plot.Plot, lines ...string) {
	if len(lines) > 0 {
		p.Add(notice(lines))
	}
}

type notice []string

func (n notice) Plot(c draw.Canvas, p *plot.Plot) {
	ts := labelStyle(p, inkLabel)
	ts.Font.Size = 11
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	lh := 1.4 * ts.Height("0")
	mid := c.Center()
	top := mid.Y + lh*vg.Length(len(n)-1)/2
	for i, l := range n {
		c.FillText(ts, vg.Point{X: mid.X, Y: top - lh*vg.Length(i)}, l)
	}
}

// DataRange leaves both axes to the other layers.
func (notice) DataRange() (xmin, xmax, ymin, ymax float64) {
	inf := math.Inf(1)
	return inf, -inf, inf, -inf
}
