package convolution

import (
	"fmt"
	goimage "image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/viz"
)

// Drawing sizes, in points, and colours.
const (
	gridGap      = 18 // between grids side by side
	captionFont  = 10
	maxCellFont  = 9
	minCellFont  = 5
	rasterPixels = 96 // raster pixels along a grid's longer side, at most
	levels       = 16
)

var (
	ink       = color.RGBA{40, 40, 40, 255}
	gridLine  = color.RGBA{200, 200, 200, 255}
	padFill   = color.RGBA{226, 232, 242, 255}
	emptyFill = color.RGBA{255, 255, 255, 255}
	markColor = color.RGBA{200, 30, 45, 255}
	negative  = color.RGBA{33, 102, 172, 255}
	positive  = color.RGBA{214, 96, 26, 255}
)

// mark outlines cells [r0, r1) × [c0, c1) of a grid.
type mark struct{ r0, c0, r1, c1 int }

// grid is a matrix of coloured cells, row 0 at the top, with optional
// values written in them and outlined windows.
type grid struct {
	caption    string
	rows, cols int
	fill       func(r, c int) color.RGBA
	text       func(r, c int) string // nil: no values written
	marks      []mark
}

// gridPicture draws grids side by side, in bands of perRow, on one cell
// size, each with its caption above, and a line of text under them.
type gridPicture struct {
	grids  []grid
	perRow int // grids side by side before the next band; 0: all
	footer string
	text   text.Style
}

func (g *gridPicture) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

func (g *gridPicture) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(color.White, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	lineH := g.text.Height("0")
	center := g.text
	center.XAlign = draw.XCenter
	if g.footer != "" {
		c.FillText(center, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Min.Y + 2}, g.footer)
	}
	if len(g.grids) == 0 {
		return
	}
	// Bands of perRow grids, top to bottom, all on one cell size.
	per := g.perRow
	if per == 0 {
		per = len(g.grids)
	}
	var bands [][]grid
	for i := 0; i < len(g.grids); i += per {
		bands = append(bands, g.grids[i:min(i+per, len(g.grids))])
	}
	captionH := lineH + 6
	availW := c.Max.X - c.Min.X - 4
	availH := c.Max.Y - c.Min.Y - lineH - 10 - captionH*vg.Length(len(bands)) - gridGap*vg.Length(len(bands)-1)
	cell := vg.Length(40)
	bandRows := make([]int, len(bands))
	totalRows := 0
	for b, band := range bands {
		cols := 0
		for _, gr := range band {
			cols += gr.cols
			bandRows[b] = max(bandRows[b], gr.rows)
		}
		totalRows += bandRows[b]
		cell = min(cell, (availW-gridGap*vg.Length(len(band)-1))/vg.Length(cols))
	}
	cell = min(cell, availH/vg.Length(totalRows))
	fontSize := min(maxCellFont, (cell-2)/3.4)
	cellText := g.text
	cellText.Font = font.From(cellText.Font, fontSize)
	cellText.XAlign, cellText.YAlign = draw.XCenter, draw.YCenter
	used := cell*vg.Length(totalRows) + captionH*vg.Length(len(bands)) + gridGap*vg.Length(len(bands)-1)
	bottom := c.Min.Y + lineH + 8
	y := bottom + (c.Max.Y-bottom-used)/2 + used // the top of the next band
	for b, band := range bands {
		y -= captionH
		bandH := cell * vg.Length(bandRows[b])
		width := gridGap * vg.Length(len(band)-1)
		for _, gr := range band {
			width += cell * vg.Length(gr.cols)
		}
		x := c.Min.X + (c.Max.X-c.Min.X-width)/2
		for _, gr := range band {
			h := cell * vg.Length(gr.rows)
			y0 := y - bandH + (bandH-h)/2 // the grid's bottom edge
			g.drawGrid(c, gr, x, y0, cell, fontSize, cellText, center)
			x += cell*vg.Length(gr.cols) + gridGap
		}
		y -= bandH + gridGap
	}
}

// drawGrid draws one grid with its bottom left corner at (x, y0).
func (g *gridPicture) drawGrid(c draw.Canvas, gr grid, x, y0, cell, fontSize vg.Length, cellText, center text.Style) {
	w, h := cell*vg.Length(gr.cols), cell*vg.Length(gr.rows)
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x, Y: y0}, Max: vg.Point{X: x + w, Y: y0 + h}}, raster(gr))
	thin := draw.LineStyle{Color: gridLine, Width: 0.5}
	for r := 0; r <= gr.rows; r++ {
		y := y0 + cell*vg.Length(r)
		c.StrokeLine2(thin, x, y, x+w, y)
	}
	for col := 0; col <= gr.cols; col++ {
		xx := x + cell*vg.Length(col)
		c.StrokeLine2(thin, xx, y0, xx, y0+h)
	}
	if gr.text != nil && fontSize >= minCellFont {
		for r := range gr.rows {
			for col := range gr.cols {
				s := gr.text(r, col)
				if s == "" {
					continue
				}
				ts := cellText
				if dark(gr.fill(r, col)) {
					ts.Color = color.White
				}
				c.FillText(ts, vg.Point{X: x + cell*(vg.Length(col)+0.5), Y: y0 + h - cell*(vg.Length(r)+0.5)}, s)
			}
		}
	}
	for _, mk := range gr.marks {
		sty := draw.LineStyle{Color: markColor, Width: 2.2}
		a := vg.Point{X: x + cell*vg.Length(mk.c0), Y: y0 + h - cell*vg.Length(mk.r1)}
		b := vg.Point{X: x + cell*vg.Length(mk.c1), Y: y0 + h - cell*vg.Length(mk.r0)}
		c.StrokeLines(sty, []vg.Point{a, {X: b.X, Y: a.Y}, b, {X: a.X, Y: b.Y}, a})
	}
	c.FillText(center, vg.Point{X: x + w/2, Y: y0 + h + 5}, gr.caption)
}

// dark reports a fill dark enough for white text.
func dark(c color.RGBA) bool {
	return 0.299*float64(c.R)+0.587*float64(c.G)+0.114*float64(c.B) < 120
}

// raster draws a grid's cells as one paletted image, which the SVG embeds
// as a small PNG.
func raster(gr grid) goimage.Image {
	var pal color.Palette
	index := map[color.RGBA]uint8{}
	cells := make([]uint8, gr.rows*gr.cols)
	for r := range gr.rows {
		for col := range gr.cols {
			f := gr.fill(r, col)
			k, ok := index[f]
			if !ok {
				if len(pal) == 256 {
					f = color.RGBA{} // cannot happen with quantised fills
				}
				k = uint8(len(pal))
				index[f] = k
				pal = append(pal, f)
			}
			cells[r*gr.cols+col] = k
		}
	}
	// Enough pixels a cell that the browser's smoothing blurs only the
	// borders between cells.
	px := max(4, min(32, rasterPixels/max(gr.cols, gr.rows)))
	img := goimage.NewPaletted(goimage.Rect(0, 0, gr.cols*px, gr.rows*px), pal)
	for y := range gr.rows * px {
		for x := range gr.cols * px {
			img.Pix[y*img.Stride+x] = cells[(y/px)*gr.cols+x/px]
		}
	}
	return img
}

// quantise rounds t in [0, 1] to one of levels+1 steps, so a grid has few
// colours.
func quantise(t float64) float64 {
	return math.Round(math.Max(0, math.Min(1, t))*levels) / levels
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}

// diverging colours v on a scale where ±scale are full blue and orange.
func diverging(v, scale float64) color.RGBA {
	if math.IsNaN(v) {
		return emptyFill
	}
	if !(scale > 0) {
		scale = 1
	}
	t := quantise(math.Abs(v) / scale)
	if v < 0 {
		return mix(color.RGBA{255, 255, 255, 255}, negative, t)
	}
	return mix(color.RGBA{255, 255, 255, 255}, positive, t)
}

func newPicture() (*plot.Plot, text.Style) {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	return p, text.Style{Color: ink, Font: font.From(p.Legend.TextStyle.Font, captionFont), Handler: p.TextHandler}
}

// maxAbs is the largest |v| of the grids' finite values.
func maxAbs(gs ...[][]float64) float64 {
	m := 0.0
	for _, g := range gs {
		for _, row := range g {
			for _, v := range row {
				if !math.IsNaN(v) {
					m = math.Max(m, math.Abs(v))
				}
			}
		}
	}
	return m
}

// grey runs from white at 0 to near black at 1.
func grey(t float64) color.RGBA {
	return mix(color.RGBA{255, 255, 255, 255}, color.RGBA{20, 20, 20, 255}, quantise(t))
}

// brightest is the image's largest value, 1 for a black image.
func (m *model) brightest() float64 {
	hi := 0.0
	for _, row := range m.img {
		for _, px := range row {
			for _, v := range px {
				hi = math.Max(hi, v)
			}
		}
	}
	if hi == 0 {
		return 1
	}
	return hi
}

// inputGrid is the padded image: grey from white (0) to black (the
// largest value), or the true colours of an RGB image; padding is tinted.
func (m *model) inputGrid() grid {
	hi := m.brightest()
	inside := func(r, c int) bool { return r >= m.p && r < m.p+m.h && c >= m.p && c < m.p+m.w }
	g := grid{caption: fmt.Sprintf("x: %d×%d%s, padded by %d", m.h, m.w, channelText(m.c), m.p), rows: m.h + 2*m.p, cols: m.w + 2*m.p}
	g.fill = func(r, c int) color.RGBA {
		if !inside(r, c) {
			return padFill
		}
		px := m.img[r-m.p][c-m.p]
		if m.c == 3 {
			q := func(v float64) uint8 { return uint8(math.Round(255 * quantise(v/hi))) }
			return color.RGBA{q(px[0]), q(px[1]), q(px[2]), 255}
		}
		return grey(px[0] / hi)
	}
	if m.c == 1 && g.cols <= 14 {
		g.text = func(r, c int) string {
			if !inside(r, c) {
				return "0"
			}
			return num(m.img[r-m.p][c-m.p][0])
		}
	}
	if oy, ox, ok := m.current(); ok {
		g.marks = []mark{{oy * m.s, ox * m.s, oy*m.s + m.k, ox*m.s + m.k}}
	}
	return g
}

func channelText(c int) string {
	if c == 1 {
		return ""
	}
	return fmt.Sprintf("×%d", c)
}

func (m *model) plotInput() *plot.Plot {
	p, ts := newPicture()
	p.Add(&gridPicture{grids: []grid{m.inputGrid()}, text: ts,
		footer: fmt.Sprintf("W = %d, K = %d, P = %d, S = %d", m.w, m.k, m.p, m.s)})
	return p
}

// matrixGrid shows a K×K matrix with its values, on a diverging scale.
func matrixGrid(caption string, v [][]float64, scale float64) grid {
	return grid{caption: caption, rows: len(v), cols: len(v[0]),
		fill: func(r, c int) color.RGBA { return diverging(v[r][c], scale) },
		text: func(r, c int) string { return num(v[r][c]) }}
}

// slice returns channel ch of a [kh][kw][c] array.
func slice(a [][][]float64, ch int) [][]float64 {
	out := make([][]float64, len(a))
	for i, row := range a {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = v[ch]
		}
	}
	return out
}

var channelNames = []string{"R", "G", "B"}

func (m *model) plotProducts() *plot.Plot {
	p, ts := newPicture()
	pic := &gridPicture{text: ts}
	oy, ox, ok := m.current()
	kscale := maxAbs(slice(m.kernel, 0))
	for ch := 1; ch < m.c; ch++ {
		kscale = math.Max(kscale, maxAbs(slice(m.kernel, ch)))
	}
	switch {
	case !ok:
		for ch := range m.c {
			caption := "kernel w"
			if m.c > 1 {
				caption += ", " + channelNames[ch]
			}
			pic.grids = append(pic.grids, matrixGrid(caption, slice(m.kernel, ch), kscale))
		}
		pic.footer = "Step to place the window on the input"
		if m.done > 0 {
			pic.footer = "The output map is complete; pooling works on it"
		}
	case m.c == 1:
		window := make([][]float64, m.k)
		for ky := range window {
			window[ky] = make([]float64, m.k)
			for kx := range window[ky] {
				window[ky][kx] = m.pixel(oy*m.s+ky-m.p, ox*m.s+kx-m.p, 0)
			}
		}
		prods := slice(m.products(oy, ox), 0)
		hi := m.brightest()
		wg := matrixGrid("window x", window, 1)
		wg.fill = func(r, c int) color.RGBA { return grey(window[r][c] / hi) }
		pic.grids = []grid{
			wg,
			matrixGrid("kernel w", slice(m.kernel, 0), kscale),
			matrixGrid("x · w", prods, maxAbs(prods)),
		}
		pic.footer = fmt.Sprintf("Σ x · w = %s → output (%d, %d)", num(m.out[oy][ox]), oy, ox)
	default:
		prods := m.products(oy, ox)
		scale := 0.0
		for ch := range m.c {
			scale = math.Max(scale, maxAbs(slice(prods, ch)))
		}
		for ch := range m.c {
			pic.grids = append(pic.grids, matrixGrid("kernel w, "+channelNames[ch], slice(m.kernel, ch), kscale))
		}
		for ch := range m.c {
			pic.grids = append(pic.grids, matrixGrid("x · w, "+channelNames[ch], slice(prods, ch), scale))
		}
		pic.perRow = m.c
		pic.footer = fmt.Sprintf("Σ over the %d slices = %s → output (%d, %d)", m.c, num(m.out[oy][ox]), oy, ox)
	}
	p.Add(pic)
	return p
}

func (m *model) plotOutput() *plot.Plot {
	p, ts := newPicture()
	scale := maxAbs(m.full)
	g := grid{caption: fmt.Sprintf("y: %d×%d", m.oh, m.ow), rows: m.oh, cols: m.ow,
		fill: func(r, c int) color.RGBA { return diverging(m.out[r][c], scale) }}
	if m.ow <= 12 {
		g.text = func(r, c int) string {
			if math.IsNaN(m.out[r][c]) {
				return ""
			}
			return num(m.out[r][c])
		}
	}
	if oy, ox, ok := m.current(); ok {
		g.marks = []mark{{oy, ox, oy + 1, ox + 1}}
	}
	if m.pdone > 0 {
		py, px := (m.pdone-1)/m.pw, (m.pdone-1)%m.pw
		g.marks = []mark{{py * m.ps, px * m.ps, (py + 1) * m.ps, (px + 1) * m.ps}}
	}
	p.Add(&gridPicture{grids: []grid{g}, text: ts, footer: m.sizeArithmetic()})
	return p
}

func (m *model) plotPooled() *plot.Plot {
	p, ts := newPicture()
	if m.pool == "" {
		p.Add(&gridPicture{text: ts, footer: "pool = none: no pooling stage"})
		return p
	}
	scale := maxAbs(m.full)
	g := grid{caption: fmt.Sprintf("%s pooling %d×%d, stride %d: %d×%d", m.pool, m.ps, m.ps, m.ps, m.ph, m.pw), rows: m.ph, cols: m.pw,
		fill: func(r, c int) color.RGBA { return diverging(m.pooled[r][c], scale) },
		text: func(r, c int) string {
			if math.IsNaN(m.pooled[r][c]) {
				return ""
			}
			return num(m.pooled[r][c])
		}}
	if m.pdone > 0 {
		py, px := (m.pdone-1)/m.pw, (m.pdone-1)%m.pw
		g.marks = []mark{{py, px, py + 1, px + 1}}
	}
	p.Add(&gridPicture{grids: []grid{g}, text: ts,
		footer: fmt.Sprintf("⌊%d/%d⌋ × ⌊%d/%d⌋ = %d×%d", m.oh, m.ps, m.ow, m.ps, m.ph, m.pw)})
	return p
}
