package viz

import (
	"bytes"
	"fmt"

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
// SVG's, byte for byte. A nil rc encodes every raster.
func CachedSVG(p *plot.Plot, w, h vg.Length, rc *RasterCache) ([]byte, Viewport, error) {
	if p == nil {
		return nil, Viewport{}, fmt.Errorf("viz: svg: nil plot")
	}
	if !(w > 0 && h > 0) {
		return nil, Viewport{}, fmt.Errorf("viz: svg: size %v×%v is not positive", w, h)
	}
	var drawn []*svgWriter
	c, vp, err := drawPlot(p, func() *svgWriter {
		c := pooledSVGWriter(w, h)
		drawn = append(drawn, c)
		rc.start() // a second drawing (legend outside) takes the rasters again in order
		c.rasters = rc
		return c
	}, "svg", nil)
	if err != nil {
		return nil, Viewport{}, err // the writers are dropped, in whatever state
	}
	out, ok := c.document()
	out = bytes.Clone(out)
	for _, d := range drawn {
		releaseSVGWriter(d)
	}
	if ok {
		return out, vp, nil
	}
	// A path with a number compact cannot read: the text route says which.
	raw, vp, err := rawSVG(p, w, h)
	if err != nil {
		return nil, Viewport{}, err
	}
	out, err = compact(raw)
	if err != nil {
		return nil, Viewport{}, fmt.Errorf("viz: svg: compacting: %w", err)
	}
	return out, vp, nil
}

// rawSVG is the SVG document vgsvg would write, drawn by svgWriter,
// before compaction. SVG's output is compact's rewrite of it.
func rawSVG(p *plot.Plot, w, h vg.Length) ([]byte, Viewport, error) {
	c, vp, err := drawPlot(p, func() *svgWriter { return newSVGWriter(w, h, false) }, "svg", nil)
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
	c, _, err := drawPlot(p, func() *vgimg.Canvas { return vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi)) }, "png", nil)
	if err != nil {
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

// drawPlot draws p on a canvas from newCanvas and measures the data area
// with gonum's own layout (p.DataCanvas on the same canvas), so the
// viewport matches what was drawn. A legend goes where it covers no data
// (see legend.go), which in rare cases takes a second canvas; drawPlot
// returns the one drawn on. rep, when not nil, receives the legend's
// layout.
// gonum/plot panics on some bad input (for example a log axis over
// non-positive values); that becomes an error here.
func drawPlot[C vg.CanvasSizer](p *plot.Plot, newCanvas func() C, format string, rep *LegendReport) (c C, vp Viewport, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("viz: %s: drawing: %v", format, r)
		}
	}()
	bg := p.BackgroundColor
	if bg != nil {
		p.BackgroundColor = nil
		defer func() { p.BackgroundColor = bg }()
	}
	start := func() draw.Canvas {
		c = newCanvas()
		// gonum/plot draws to the canvas edge, cutting into tick labels at
		// the right; a margin inside the background keeps the ink clear of it.
		full := draw.New(c)
		if bg != nil {
			full.SetColor(bg)
			full.Fill(full.Rectangle.Path())
		}
		return draw.Crop(full, margin, -rightMargin, margin, -margin)
	}
	dc := start()
	// The data area is the canvas p.Draw hands its plotters: a plotter
	// added last records it, where p.DataCanvas would lay the plot out a
	// second time. Drawing p again adds another, which records the same.
	area := &dataArea{}
	p.Add(area)
	// Glyph boxes are computed once per plotter for this drawing, keeping
	// only those that can decide the margins (layout.go).
	defer withDecisiveBoxes(p)()

	// The legend is drawn here, after the plot, where it covers no data;
	// p.Draw gets one without entries.
	leg := p.Legend
	size := legendSize(&leg, dc)
	var da draw.Canvas
	if size == (vg.Point{}) {
		p.Draw(dc)
		da = area.c
		if !area.drawn {
			da = p.DataCanvas(dc)
		}
	} else {
		p.Legend = plot.Legend{TextStyle: leg.TextStyle}
		defer func() { p.Legend = leg }()
		var ink *[]vg.Point
		if rep != nil {
			ink = &rep.Ink
		}
		// The probe learns the data area from the drawing (area, drawn
		// last) and marks the ink then.
		probe := deferredProbe(c, ink)
		defer probe.release()
		p.Draw(draw.Canvas{Canvas: probe, Rectangle: dc.Rectangle})
		da = area.c
		if !area.drawn {
			da = p.DataCanvas(dc)
		}
		probe.setArea(da.Rectangle)
		box, inside := probe.placeInside(size, leg.Top, leg.Left)
		if !inside {
			if out, r, ok := outside(p, dc, size); ok {
				dc = start()
				dc.Rectangle = out.Rectangle
				da = p.DataCanvas(dc)
				if rep == nil {
					p.Draw(dc)
				} else {
					// The report's ink is where the second drawing puts it.
					rep.Ink = rep.Ink[:0]
					again := newLegendProbe(c, da.Rectangle, ink)
					p.Draw(draw.Canvas{Canvas: again, Rectangle: dc.Rectangle})
					again.release()
				}
				box = r
			} else {
				box, inside = probe.leastCovered(size), true
			}
		}
		drawLegend(draw.New(c), leg, box)
		if rep != nil {
			rep.Box, rep.Inside = box, inside
		}
	}
	if rep != nil {
		rep.Data = da.Rectangle
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
	return c, vp, nil
}

// dataArea is a plotter that draws nothing and remembers the canvas it was
// given: the plot's data area. It has no data range and no glyph boxes, so
// adding it changes neither the axes nor the layout.
type dataArea struct {
	c     draw.Canvas
	drawn bool
}

func (a *dataArea) Plot(c draw.Canvas, _ *plot.Plot) { a.c, a.drawn = c, true }
