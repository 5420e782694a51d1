package viz

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Curve is one history for AddHistory: a value per step or epoch, Values[i]
// drawn at x = i.
type Curve struct {
	Values []float64
	// From is the first index drawn, e.g. 1 to leave out a value of 0 that
	// a log axis cannot show.
	From   int
	Color  color.Color
	Label  string // legend entry; "" for none
	Dashed bool
	// Dot is the radius of a dot on the last value, which marks the
	// current step; 0 draws none.
	Dot vg.Length
}

// AddHistory adds curves such as a loss per epoch: each is decimated to at
// most maxPoints points (Decimate) and drawn as with AddLine. The dots on
// the last values are added after all the curves, so they sit on top of
// every curve of the call; call it once per curve to stack each curve's
// dot right after it instead. A dot at a non-finite value is left out.
func AddHistory(p *plot.Plot, maxPoints int, curves ...Curve) {
	for _, c := range curves {
		from := max(c.From, 0)
		if from >= len(c.Values) {
			continue
		}
		xs := make([]float64, len(c.Values))
		for i := range xs {
			xs[i] = float64(i)
		}
		dx, dy := Decimate(xs[from:], c.Values[from:], maxPoints)
		AddLine(p, dx, dy, c.Color, c.Label, c.Dashed)
	}
	for _, c := range curves {
		last := len(c.Values) - 1
		if c.Dot <= 0 || last < max(c.From, 0) || !finite(c.Values[last]) {
			continue
		}
		p.Add(&plotter.Scatter{
			XYs:        plotter.XYs{{X: float64(last), Y: c.Values[last]}},
			GlyphStyle: draw.GlyphStyle{Color: c.Color, Radius: c.Dot, Shape: glyph{}},
		})
	}
}
