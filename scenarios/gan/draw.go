package gan

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Drawing helpers that viz does not have. Neither has a DataRange, so
// neither widens the map's axes; both are clipped to the data area.

// polylines are curves through data points, each line's points x, y
// row-major.
type polylines struct {
	lines [][]float64
	color color.Color
	width vg.Length
}

// Plot strokes every line as one path, so the SVG holds one element.
func (pl *polylines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var path vg.Path
	for _, l := range pl.lines {
		var pts []vg.Point
		for i := 0; i+1 < len(l); i += 2 {
			if !finite(l[i]) || !finite(l[i+1]) {
				continue
			}
			pts = append(pts, vg.Point{X: trX(l[i]), Y: trY(l[i+1])})
		}
		for _, seg := range c.ClipLinesXY(pts) {
			if len(seg) < 2 {
				continue
			}
			path.Move(seg[0])
			for _, q := range seg[1:] {
				path.Line(q)
			}
		}
	}
	if len(path) > 0 {
		c.SetLineStyle(draw.LineStyle{Color: pl.color, Width: pl.width})
		c.Stroke(path)
	}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Sizes of an arrow, in points.
const (
	arrowWidth = 1.2
	arrowHead  = 5
)

// arrowSet is arrows from (x0, y0) to (x1, y1), in data coordinates.
type arrowSet struct {
	arrows [][4]float64
	color  color.Color
}

// Plot strokes every arrow, shaft and open head, as one path.
func (as *arrowSet) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var path vg.Path
	for _, a := range as.arrows {
		x0, y0, x1, y1 := trX(a[0]), trY(a[1]), trX(a[2]), trY(a[3])
		if !c.Contains(vg.Point{X: x0, Y: y0}) || !c.Contains(vg.Point{X: x1, Y: y1}) {
			continue
		}
		dx, dy := float64(x1-x0), float64(y1-y0)
		length := math.Hypot(dx, dy)
		if !(length >= 1.5) {
			continue // too short to show a direction
		}
		ux, uy := dx/length, dy/length
		head := math.Min(arrowHead, 0.5*length)
		path.Move(vg.Point{X: x0, Y: y0})
		path.Line(vg.Point{X: x1, Y: y1})
		path.Move(vg.Point{X: x1 - vg.Length(head*ux-0.5*head*uy), Y: y1 - vg.Length(head*uy+0.5*head*ux)})
		path.Line(vg.Point{X: x1, Y: y1})
		path.Line(vg.Point{X: x1 - vg.Length(head*ux+0.5*head*uy), Y: y1 - vg.Length(head*uy-0.5*head*ux)})
	}
	if len(path) > 0 {
		c.SetLineStyle(draw.LineStyle{Color: as.color, Width: arrowWidth})
		c.Stroke(path)
	}
}
