package classdata

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
)

// LinearBoundary returns the ends of the segment of the map inside Bounds
// where a linear score is zero, wᵀx + b = 0, with x = Slice(x1, x2): the
// decision boundary of a linear classifier, exact rather than traced on a
// raster. ok is false when the line misses the map (or w is zero on both
// map features).
func (s *Set) LinearBoundary(w []float64, b float64) (xs, ys []float64, ok bool) {
	// a·x1 + c·x2 + d = 0, the other features at their training means.
	a, c, d := w[0], w[1], b
	for j := 2; j < len(w) && j < len(s.Mean); j++ {
		d += w[j] * s.Mean[j]
	}
	bd := s.Bounds
	var pts [][2]float64
	add := func(x, y float64) {
		const slack = 1e-9
		if x < bd.XMin-slack || x > bd.XMax+slack || y < bd.YMin-slack || y > bd.YMax+slack || math.IsNaN(x+y) {
			return
		}
		pts = append(pts, [2]float64{x, y})
	}
	if c != 0 {
		add(bd.XMin, -(a*bd.XMin+d)/c)
		add(bd.XMax, -(a*bd.XMax+d)/c)
	}
	if a != 0 {
		add(-(c*bd.YMin+d)/a, bd.YMin)
		add(-(c*bd.YMax+d)/a, bd.YMax)
	}
	// The two crossings farthest apart (a corner is found twice).
	best := -1.0
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			dx, dy := pts[i][0]-pts[j][0], pts[i][1]-pts[j][1]
			if d2 := dx*dx + dy*dy; d2 > best {
				best = d2
				xs, ys = []float64{pts[i][0], pts[j][0]}, []float64{pts[i][1], pts[j][1]}
			}
		}
	}
	return xs, ys, best > 0
}

// AddLinearBoundary draws LinearBoundary(w, b) as a line, with a legend
// entry when label is not empty; it draws nothing when the line misses
// the map.
func (s *Set) AddLinearBoundary(p *plot.Plot, w []float64, b float64, c color.Color, label string, dashed bool) {
	if xs, ys, ok := s.LinearBoundary(w, b); ok {
		viz.AddLine(p, xs, ys, c, label, dashed)
	}
}
