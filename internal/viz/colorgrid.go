package viz

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ColorGridStyle sets the colour scale of AddColorGrid and its colour bar.
type ColorGridStyle struct {
	// Lo and Hi map to the pale and the dark end of Ramp; values beyond
	// them are clamped.
	Lo, Hi float64
	// Bands quantises the ramp (RampBands); 0 means 16.
	Bands int
	// Ticks are the values labelled on the colour bar, and Label formats
	// them (nil: up to 4 significant digits).
	Ticks []float64
	Label func(v float64) string
	// Title is written above the colour bar.
	Title string
}

// Colour grid layout, in points.
const (
	colorGridMaxPixels = 480 // long side of the raster before the browser scales it
	colorBarShare      = 0.2 // of the x range kept free on the right for the bar
	colorBarWidth      = 9
)

// AddColorGrid adds values as a grid of cells over the box b, values[r][c]
// covering [XMin + c·w, XMin + (c+1)·w] × [YMin + r·h, …] with row 0 at
// the bottom, coloured by RampBands((v − Lo)/(Hi − Lo)); NaN cells are
// transparent.
// It sets the axes to the grid plus a strip on the right that holds a
// vertical colour bar with the style's ticks, and keeps the x ticks off
// that strip. The raster is one image, upscaled so that the browser's
// smoothing blurs only the cell borders.
func AddColorGrid(p *plot.Plot, values [][]float64, b Box, st ColorGridStyle) {
	rows := len(values)
	xmin, xmax, ymin, ymax := b.XMin, b.XMax, b.YMin, b.YMax
	if rows == 0 || len(values[0]) == 0 || !b.Valid() || !(st.Hi > st.Lo) {
		return
	}
	if st.Bands <= 0 {
		st.Bands = 16
	}
	if st.Label == nil {
		st.Label = func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	}
	strip := colorBarShare * (xmax - xmin)
	h := &colorGrid{cells: cellImage(values, st), xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax, stripMax: xmax + strip, st: st,
		text: p.Y.Tick.Label}
	h.text.XAlign, h.text.YAlign = draw.XLeft, draw.YCenter
	p.Add(h)
	p.X.Min, p.X.Max = xmin, xmax+strip
	p.Y.Min, p.Y.Max = ymin, ymax
	p.X.Tick.Marker = clippedTicks{inner: p.X.Tick.Marker, max: xmax}
}

// colorGridImage rasterises values, row 0 at the bottom, each cell k×k'
// pixels: the raster drawn where the canvas cannot scale cellImage's
// pixels without smoothing (vgimg's downloads).
func colorGridImage(values [][]float64, st ColorGridStyle) image.Image {
	return upscaleCells(cellImage(values, st))
}

// cellImage rasterises values one pixel per cell, row 0 at the bottom.
func cellImage(values [][]float64, st ColorGridStyle) *image.Paletted {
	rows, cols := len(values), len(values[0])
	var pal color.Palette
	index := map[color.RGBA]uint8{}
	img := image.NewPaletted(image.Rect(0, 0, cols, rows), nil)
	for r, row := range values {
		line := img.Pix[(rows-1-r)*img.Stride:] // image row 0 is the top
		for c := range cols {
			v := math.NaN()
			if c < len(row) {
				v = row[c]
			}
			col := RampBands((v-st.Lo)/(st.Hi-st.Lo), st.Bands) // NaN: transparent
			k, ok := index[col]
			if !ok {
				k = uint8(len(pal))
				index[col] = k
				pal = append(pal, col)
			}
			line[c] = k
		}
	}
	img.Palette = pal
	return img
}

// upscaleCells repeats each pixel of cells over a block, so that the
// image is about colorGridMaxPixels wide and the browser's smoothing
// blurs only the cell borders.
func upscaleCells(cells *image.Paletted) *image.Paletted {
	cols, rows := cells.Rect.Dx(), cells.Rect.Dy()
	cw := max(1, colorGridMaxPixels/cols)
	ch := max(1, colorGridMaxPixels/2/rows)
	img := image.NewPaletted(image.Rect(0, 0, cols*cw, rows*ch), cells.Palette)
	for y := range rows * ch {
		src := cells.Pix[(y/ch)*cells.Stride:]
		line := img.Pix[y*img.Stride : y*img.Stride+cols*cw]
		for x := range line {
			line[x] = src[x/cw]
		}
	}
	return img
}

// colorGrid draws the raster and, in the strip right of it, the colour bar.
type colorGrid struct {
	cells                  *image.Paletted // one pixel per cell
	xmin, xmax, ymin, ymax float64
	stripMax               float64
	st                     ColorGridStyle
	text                   draw.TextStyle
}

func (h *colorGrid) DataRange() (xmin, xmax, ymin, ymax float64) {
	return h.xmin, h.stripMax, h.ymin, h.ymax
}

func (h *colorGrid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, x1 := trX(h.xmin), trX(h.xmax)
	y0, y1 := trY(h.ymin), trY(h.ymax)
	drawCells(c, vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}, h.cells)

	// The strip: white over the grid, then the bar with its ticks.
	right := trX(h.stripMax)
	done := asBackground(c)
	c.SetColor(color.White)
	c.Fill(rectPath(vg.Point{X: x1, Y: c.Min.Y}, vg.Point{X: right + 1, Y: c.Max.Y}))
	done()
	drawColorBar(c, x1+8, y0+4, y1-14, 3, h.st, h.text)
}

// pixelCanvas is a canvas that can draw a raster scaled with sharp pixel
// edges, leaving the scaling to the viewer: svgWriter marks the image
// image-rendering="pixelated". drawPixelated reports whether it did.
type pixelCanvas interface {
	drawPixelated(rect vg.Rectangle, img image.Image) bool
}

// drawCells draws a raster of cells over rect, each pixel a sharp block:
// as it is where the canvas can (a few hundred bytes to encode instead of
// a raster of a hundred thousand pixels), else upscaled.
func drawCells(c draw.Canvas, rect vg.Rectangle, cells *image.Paletted) {
	var inner vg.Canvas = c
	for {
		if dc, ok := inner.(draw.Canvas); ok { // gonum nests draw.Canvas values
			inner = dc.Canvas
			continue
		}
		break
	}
	if pc, ok := inner.(pixelCanvas); ok && pc.drawPixelated(rect, cells) {
		return
	}
	c.DrawImage(rect, upscaleCells(cells))
}

// drawColorBar draws a vertical colour bar of st's ramp from bottom to top
// at x, with st's ticks labelled on its right and its title titleGap
// above.
func drawColorBar(c draw.Canvas, barX, bottom, top, titleGap vg.Length, st ColorGridStyle, text draw.TextStyle) {
	if top <= bottom {
		return
	}
	// One rectangle per band: the ramp is quantised anyway.
	n := min(max(st.Bands, 1), 64)
	step := (top - bottom) / vg.Length(n)
	for i := range n {
		t := (float64(i) + 0.5) / float64(n)
		c.SetColor(RampBands(t, st.Bands))
		c.Fill(rectPath(vg.Point{X: barX, Y: bottom + vg.Length(i)*step}, vg.Point{X: barX + colorBarWidth, Y: bottom + vg.Length(i+1)*step + 0.3}))
	}
	c.SetLineStyle(draw.LineStyle{Color: inkAxis, Width: 0.6})
	outline := rectPath(vg.Point{X: barX, Y: bottom}, vg.Point{X: barX + colorBarWidth, Y: top})
	c.Stroke(outline)
	for _, v := range st.Ticks {
		t := (v - st.Lo) / (st.Hi - st.Lo)
		if !(t >= -1e-9 && t <= 1+1e-9) {
			continue
		}
		y := bottom + vg.Length(t)*(top-bottom)
		c.StrokeLine2(draw.LineStyle{Color: inkAxis, Width: 0.6}, barX+colorBarWidth, y, barX+colorBarWidth+3, y)
		c.FillText(text, vg.Point{X: barX + colorBarWidth + 5, Y: y}, st.Label(v))
	}
	if st.Title != "" {
		ts := text
		ts.XAlign, ts.YAlign = draw.XLeft, draw.YBottom
		c.FillText(ts, vg.Point{X: barX - 2, Y: top + titleGap}, st.Title)
	}
}

// clippedTicks drops the ticks of inner beyond max, so the colour bar's
// strip has no x labels.
type clippedTicks struct {
	inner plot.Ticker
	max   float64
}

func (t clippedTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, tk := range t.inner.Ticks(lo, hi) {
		if tk.Value <= t.max+1e-9*math.Abs(t.max) {
			out = append(out, tk)
		}
	}
	return out
}
