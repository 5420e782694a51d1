package viz

import (
	"math"

	"gonum.org/v1/plot"
)

// Box is the rectangle [XMin, XMax] × [YMin, YMax] of the data plane: the
// extent of a region map, a contour window or a scatter plot's axes.
type Box struct {
	XMin, XMax, YMin, YMax float64
}

// EmptyBox is the box with no points, +Inf to −Inf on both axes, that
// Extend grows from.
func EmptyBox() Box {
	return Box{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
}

// Bounds is the smallest box holding (x[0], x[1]) for every row of X;
// EmptyBox when X is empty.
func Bounds(X [][]float64) Box { return EmptyBox().Extend(X) }

// SetAxes sets p's axis ranges to b.
func SetAxes(p *plot.Plot, b Box) {
	p.X.Min, p.X.Max = b.XMin, b.XMax
	p.Y.Min, p.Y.Max = b.YMin, b.YMax
}

// Width is XMax − XMin.
func (b Box) Width() float64 { return b.XMax - b.XMin }

// Height is YMax − YMin.
func (b Box) Height() float64 { return b.YMax - b.YMin }

// Valid reports whether b is finite and has a positive width and height,
// which a raster or a contour grid over it needs.
func (b Box) Valid() bool {
	return finite(b.XMin, b.XMax, b.YMin, b.YMax) && b.XMax > b.XMin && b.YMax > b.YMin
}

// Contains reports whether (x, y) lies in b, edges included.
func (b Box) Contains(x, y float64) bool {
	return x >= b.XMin && x <= b.XMax && y >= b.YMin && y <= b.YMax
}

// Extend returns b grown to hold (x[0], x[1]) for every row of X.
func (b Box) Extend(X [][]float64) Box {
	for _, x := range X {
		b.XMin, b.XMax = min(b.XMin, x[0]), max(b.XMax, x[0])
		b.YMin, b.YMax = min(b.YMin, x[1]), max(b.YMax, x[1])
	}
	return b
}

// Pad returns b with each side moved out by frac of its width (x sides)
// or height (y sides).
func (b Box) Pad(frac float64) Box {
	w, h := b.Width(), b.Height()
	b.XMin -= frac * w
	b.XMax += frac * w
	b.YMin -= frac * h
	b.YMax += frac * h
	return b
}

// Cell returns the column i and the row j, counted from the bottom, of the
// cell of a res×res grid over b that holds (x, y), clamped to the grid.
// Asked at the cell centres AddRegionMap samples, it finds the cell that
// centre belongs to, so colours computed once per cell can be looked up.
func (b Box) Cell(x, y float64, res int) (i, j int) {
	i = min(max(int((x-b.XMin)/(b.XMax-b.XMin)*float64(res)), 0), res-1)
	j = min(max(int((y-b.YMin)/(b.YMax-b.YMin)*float64(res)), 0), res-1)
	return i, j
}

// CellCentre is the centre of cell (i, j), row j counted from the bottom,
// of a res×res grid over b.
func (b Box) CellCentre(i, j, res int) (x, y float64) {
	return b.XMin + (b.XMax-b.XMin)*(float64(i)+0.5)/float64(res), b.YMin + (b.YMax-b.YMin)*(float64(j)+0.5)/float64(res)
}

// Scatter plot padding of PaddedBounds.
const (
	boundsPad     = 0.08 // of the span, on each side
	boundsMinSpan = 1    // narrower spans are widened about their centre
	boundsDefault = 3    // half-width of the box when there are no points
)

// PaddedBounds is the box for a scatter plot of X's first two columns:
// the bounding box, each axis widened about its centre to a span of at
// least 1 and then padded by 8% of its span on each side, so points never
// touch the frame. With no points it is [−3, 3]².
func PaddedBounds(X [][]float64) Box {
	if len(X) == 0 {
		return Box{-boundsDefault, boundsDefault, -boundsDefault, boundsDefault}
	}
	b := Bounds(X)
	b.XMin, b.XMax = padAxis(b.XMin, b.XMax)
	b.YMin, b.YMax = padAxis(b.YMin, b.YMax)
	return b
}

// padAxis widens [lo, hi] as PaddedBounds describes.
func padAxis(lo, hi float64) (float64, float64) {
	span := hi - lo
	if span < boundsMinSpan {
		c := (lo + hi) / 2
		lo, hi, span = c-boundsMinSpan/2.0, c+boundsMinSpan/2.0, boundsMinSpan
	}
	return lo - boundsPad*span, hi + boundsPad*span
}

// Pairs zips two coordinate slices into points (x[i], y[i]), the form the
// scatter and bounds helpers take.
func Pairs(x, y []float64) [][]float64 {
	pts := make([][]float64, len(x))
	for i := range x {
		pts[i] = []float64{x[i], y[i]}
	}
	return pts
}
