package viz

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Viewport maps positions on a rendered SVG back to data coordinates.
//
// X and Y are the data ranges [min, max] of the plot's axes. Rect is the
// data area [left, top, right, bottom] in the SVG's viewBox units with the
// origin at the top left, as a browser reports positions. A point (u, v)
// in those units (for example a click converted with getScreenCTM) is at
//
//	x = X[0] + (u-left)/(right-left)·(X[1]-X[0])
//	y = Y[1] - (v-top)/(bottom-top)·(Y[1]-Y[0])
//
// This holds for linear axes; after SetLogY the y formula gives log-space
// positions and does not apply as is.
type Viewport struct {
	X, Y [2]float64
	Rect [4]float64
}

// SVG draws p at w×h and returns the compacted SVG document (see the
// package documentation) with the viewport of its data area. The document
// keeps its viewBox, so CSS can scale it (width:100%; height:auto).
func SVG(p *plot.Plot, w, h vg.Length) ([]byte, Viewport, error) {
	return CachedSVG(p, w, h, nil)
}

// CachedSVG is SVG with the rasters of the panel's previous drawing in rc:
// a raster whose pixels did not change reuses its PNG. The document is
// the same as SVG's. A nil rc encodes every raster.
func CachedSVG(p *plot.Plot, w, h vg.Length, rc *RasterCache) ([]byte, Viewport, error) {
	if p == nil {
		return nil, Viewport{}, fmt.Errorf("viz: svg: nil plot")
	}
	if !(w > 0 && h > 0) {
		return nil, Viewport{}, fmt.Errorf("viz: svg: size %v×%v is not positive", w, h)
	}
	c := newSVGWriter(w, h, true)
	rc.start()
	c.rasters = rc
	vp, err := drawPlot(p, c, "svg")
	if err != nil {
		return nil, Viewport{}, err
	}
	if out, ok := c.document(); ok {
		return out, vp, nil
	}
	// A path with a number compact cannot read: the text route says which.
	raw, vp, err := rawSVG(p, w, h)
	if err != nil {
		return nil, Viewport{}, err
	}
	out, err := compact(raw)
	if err != nil {
		return nil, Viewport{}, fmt.Errorf("viz: svg: compacting: %w", err)
	}
	return out, vp, nil
}

// rawSVG is the SVG document vgsvg would write, drawn by svgWriter,
// before compaction. SVG's output is compact's rewrite of it.
func rawSVG(p *plot.Plot, w, h vg.Length) ([]byte, Viewport, error) {
	c := newSVGWriter(w, h, false)
	vp, err := drawPlot(p, c, "svg")
	if err != nil {
		return nil, Viewport{}, err
	}
	doc, _ := c.document()
	return doc, vp, nil
}

// PNG draws p at w×h and dpi dots per inch, for downloads.
func PNG(p *plot.Plot, w, h vg.Length, dpi int) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("viz: png: nil plot")
	}
	if !(w > 0 && h > 0) || dpi <= 0 {
		return nil, fmt.Errorf("viz: png: size %v×%v at %d dpi is not positive", w, h, dpi)
	}
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	if _, err := drawPlot(p, c, "png"); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("viz: png: encoding: %w", err)
	}
	return buf.Bytes(), nil
}

// Margins around the plot, in points.
const (
	margin      = 6
	rightMargin = 12
)

// drawPlot draws p on c and measures the data area with gonum's own layout
// (p.DataCanvas on the same canvas), so the viewport matches what was drawn.
// gonum/plot panics on some bad input (for example a log axis over
// non-positive values); that becomes an error here.
func drawPlot(p *plot.Plot, c vg.CanvasSizer, format string) (vp Viewport, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("viz: %s: drawing: %v", format, r)
		}
	}()
	full := draw.New(c)
	// gonum/plot draws to the canvas edge, cutting into tick labels at the
	// right; a margin inside the background keeps the ink clear of it.
	if p.BackgroundColor != nil {
		full.SetColor(p.BackgroundColor)
		full.Fill(full.Rectangle.Path())
		defer func(bg color.Color) { p.BackgroundColor = bg }(p.BackgroundColor)
		p.BackgroundColor = nil
	}
	dc := draw.Crop(full, margin, -rightMargin, margin, -margin)
	// The data area is the canvas p.Draw hands its plotters: a plotter
	// added last records it, where p.DataCanvas would lay the plot out a
	// second time (every plotter's glyph boxes, twice). Drawing p again
	// adds another, which records the same area.
	area := &dataArea{}
	p.Add(area)
	defer withDecisiveBoxes(p)()
	p.Draw(dc)
	da := area.c
	if !area.drawn {
		da = p.DataCanvas(dc)
	}
	_, h := c.Size()
	vp = Viewport{
		X: [2]float64{p.X.Min, p.X.Max},
		Y: [2]float64{p.Y.Min, p.Y.Max},
		Rect: [4]float64{
			da.Min.X.Points(), (h - da.Max.Y).Points(),
			da.Max.X.Points(), (h - da.Min.Y).Points(),
		},
	}
	return vp, nil
}

// dataArea is a plotter that draws nothing and remembers the canvas it was
// given: the plot's data area. It has no data range and no glyph boxes, so
// adding it changes neither the axes nor the layout.
type dataArea struct {
	c     draw.Canvas
	drawn bool
}

func (a *dataArea) Plot(c draw.Canvas, _ *plot.Plot) { a.c, a.drawn = c, true }
