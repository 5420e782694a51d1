package attention

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/viz"
)

// matrix is one labelled block of a matrix grid: an attention map, or Q,
// K or V with a row per token.
type matrix struct {
	Values     [][]float64 // [row][col], row 0 at the top
	Rows, Cols []string    // labels: left of the rows, under the columns
	Caption    string      // above the block
	Lo, Hi     float64     // the pale and the dark end of the colour scale
	// Mark is a row outlined and written out with its values (the query
	// word's softmax row), when Marked.
	Mark   int
	Marked bool
	// Text, when not nil, is written in the cells instead.
	Text [][]string
	// Box outlines the cells [Box[0], Box[2]) × [Box[1], Box[3]) (rows ×
	// columns), when Boxed: the query patch on a digit.
	Box   [4]int
	Boxed bool
}

// Layout of a matrix grid, in points.
const (
	gridGap       = 14 // between blocks
	labelPad      = 3  // between a label and its cells
	cellPixels    = 16 // raster pixels per cell side: sharp borders once scaled
	maxCell       = 48 // a cell's largest side, so one small block is not a poster
	gridFontSize  = 12
	captionFontSz = 12
	markFontSize  = 9 // the marked row's weights
	colourBands   = 16
)

// addMatrices draws blocks side by side, cols to a row, on one scale of
// cell size, each with its row and column labels and caption. It hides
// the axes. A block is one paletted raster, so a frame with eight heads
// costs about as much as one.
func addMatrices(p *plot.Plot, blocks []matrix, cols int) {
	p.HideAxes()
	ts := p.Y.Tick.Label
	ts.Font = font.From(ts.Font, gridFontSize)
	cs := p.Title.TextStyle
	cs.Font = font.From(cs.Font, captionFontSz)
	cs.XAlign, cs.YAlign = draw.XCenter, draw.YBottom
	p.Add(&matrixGrid{blocks: blocks, cols: max(1, min(cols, len(blocks))), text: ts, caption: cs})
}

// cellInk writes in pale cells: the house style's dark ink, which reads at
// WCAG AA contrast on white and on the pale end of the ramp.
var cellInk = color.RGBA{0x22, 0x22, 0x22, 0xFF}

type matrixGrid struct {
	blocks        []matrix
	cols          int
	text, caption draw.TextStyle
}

func (g *matrixGrid) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

// size of block b in cells.
func (m *matrix) size() (rows, cols int) {
	rows = len(m.Values)
	for _, r := range m.Values {
		cols = max(cols, len(r))
	}
	return rows, cols
}

func (g *matrixGrid) Plot(c draw.Canvas, p *plot.Plot) {
	if len(g.blocks) == 0 {
		return
	}
	gridRows := (len(g.blocks) + g.cols - 1) / g.cols
	// Cells per grid column and grid row: the widest and tallest block.
	colCells := make([]int, g.cols)
	rowCells := make([]int, gridRows)
	rowLab := make([]vg.Length, g.cols) // room for row labels, per grid column
	var colLab vg.Length
	for k := range g.blocks {
		b := &g.blocks[k]
		r, cl := b.size()
		gc := k % g.cols
		colCells[gc] = max(colCells[gc], cl)
		rowCells[k/g.cols] = max(rowCells[k/g.cols], r)
		for _, s := range b.Rows {
			rowLab[gc] = max(rowLab[gc], g.text.Width(s)+labelPad)
		}
		for _, s := range b.Cols {
			colLab = max(colLab, g.text.Width(s))
		}
	}
	var labels vg.Length
	for _, l := range rowLab {
		labels += l
	}
	textH := g.text.Height("Xg")
	capH := g.caption.Height("Xg") + labelPad
	w, h := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	cellFor := func(colLabH vg.Length) vg.Length {
		var cw, ch int
		for _, n := range colCells {
			cw += n
		}
		for _, n := range rowCells {
			ch += n
		}
		fw := (w - labels - vg.Length(g.cols-1)*gridGap) / vg.Length(cw)
		fh := (h - vg.Length(gridRows)*(capH+colLabH+labelPad) - vg.Length(gridRows-1)*gridGap) / vg.Length(ch)
		return min(fw, fh, maxCell)
	}
	// Column labels lie flat when they fit under their cell, else they
	// stand upright.
	upright := false
	colLabH := textH
	cell := cellFor(colLabH)
	if colLab > cell*0.95 {
		upright, colLabH = true, colLab
		cell = cellFor(colLabH)
	}
	if cell <= 1 {
		return
	}
	// The whole grid is centred.
	var totalW, totalH vg.Length
	for gc, n := range colCells {
		totalW += rowLab[gc] + vg.Length(n)*cell
	}
	totalW += vg.Length(g.cols-1) * gridGap
	for _, n := range rowCells {
		totalH += capH + vg.Length(n)*cell + labelPad + colLabH
	}
	totalH += vg.Length(gridRows-1) * gridGap
	left := c.Min.X + (w-totalW)/2
	top := c.Max.Y - (h-totalH)/2

	y := top
	for gr := range gridRows {
		x := left
		for gc := range g.cols {
			k := gr*g.cols + gc
			if k < len(g.blocks) {
				g.drawBlock(c, &g.blocks[k], x+rowLab[gc], y-capH, cell, upright)
			}
			x += rowLab[gc] + vg.Length(colCells[gc])*cell + gridGap
		}
		y -= capH + vg.Length(rowCells[gr])*cell + labelPad + colLabH + gridGap
	}
}

// drawBlock draws b with its top-left cell corner at (x0, top).
func (g *matrixGrid) drawBlock(c draw.Canvas, b *matrix, x0, top, cell vg.Length, upright bool) {
	rows, cols := b.size()
	if rows == 0 || cols == 0 {
		return
	}
	bottom := top - vg.Length(rows)*cell
	right := x0 + vg.Length(cols)*cell
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: bottom}, Max: vg.Point{X: right, Y: top}}, b.image(rows, cols))
	c.FillText(g.caption, vg.Point{X: (x0 + right) / 2, Y: top + labelPad}, b.Caption)

	ts := g.text
	ts.XAlign, ts.YAlign = draw.XRight, draw.YCenter
	for r, s := range b.Rows {
		if r < rows {
			c.FillText(ts, vg.Point{X: x0 - labelPad, Y: top - (vg.Length(r)+0.5)*cell}, s)
		}
	}
	ts = g.text
	if upright {
		ts.Rotation = math.Pi / 2
		ts.XAlign, ts.YAlign = draw.XRight, draw.YCenter
	} else {
		ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	}
	for j, s := range b.Cols {
		if j < cols {
			c.FillText(ts, vg.Point{X: x0 + (vg.Length(j)+0.5)*cell, Y: bottom - labelPad}, s)
		}
	}
	if b.Text != nil {
		ts = g.text
		ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
		for r, row := range b.Text {
			for j, s := range row {
				ts.Color = cellInk
				if r < rows && j < len(b.Values[r]) && b.shade(b.Values[r][j]) > 0.6 {
					ts.Color = color.White
				}
				c.FillText(ts, vg.Point{X: x0 + (vg.Length(j)+0.5)*cell, Y: top - (vg.Length(r)+0.5)*cell}, s)
			}
		}
	}
	if b.Boxed {
		c.SetLineStyle(draw.LineStyle{Color: viz.ClassColor(1), Width: 2})
		x1, x2 := x0+vg.Length(b.Box[1])*cell, x0+vg.Length(b.Box[3])*cell
		y1, y2 := top-vg.Length(b.Box[2])*cell, top-vg.Length(b.Box[0])*cell
		c.Stroke(vg.Path{{Type: vg.MoveComp, Pos: vg.Point{X: x1, Y: y1}}, {Type: vg.LineComp, Pos: vg.Point{X: x2, Y: y1}},
			{Type: vg.LineComp, Pos: vg.Point{X: x2, Y: y2}}, {Type: vg.LineComp, Pos: vg.Point{X: x1, Y: y2}}, {Type: vg.CloseComp}})
	}
	if !b.Marked || b.Mark < 0 || b.Mark >= rows {
		return
	}
	y0 := top - vg.Length(b.Mark+1)*cell
	c.SetLineStyle(draw.LineStyle{Color: viz.ClassColor(1), Width: 2})
	c.Stroke(vg.Path{{Type: vg.MoveComp, Pos: vg.Point{X: x0, Y: y0}}, {Type: vg.LineComp, Pos: vg.Point{X: right, Y: y0}},
		{Type: vg.LineComp, Pos: vg.Point{X: right, Y: y0 + cell}}, {Type: vg.LineComp, Pos: vg.Point{X: x0, Y: y0 + cell}},
		{Type: vg.CloseComp}})
	ts = g.text
	ts.Font = font.From(ts.Font, markFontSize)
	if b.Text != nil || cell < ts.Width("0.00")+2 {
		return
	}
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	for j, v := range b.Values[b.Mark] {
		ts.Color = cellInk
		if b.shade(v) > 0.6 {
			ts.Color = color.White
		}
		c.FillText(ts, vg.Point{X: x0 + (vg.Length(j)+0.5)*cell, Y: y0 + cell/2}, strconv.FormatFloat(v, 'f', 2, 64))
	}
}

// shade is v's place on the block's colour scale, 0 to 1.
func (b *matrix) shade(v float64) float64 {
	if !(b.Hi > b.Lo) {
		return 0
	}
	return math.Max(0, math.Min(1, (v-b.Lo)/(b.Hi-b.Lo)))
}

// image rasterises the block, cellPixels a cell, row 0 at the top.
func (b *matrix) image(rows, cols int) image.Image {
	var pal color.Palette
	index := map[color.RGBA]uint8{}
	img := image.NewPaletted(image.Rect(0, 0, cols*cellPixels, rows*cellPixels), nil)
	for r, row := range b.Values {
		for j := range cols {
			col := color.RGBA{}
			if j < len(row) && !math.IsNaN(row[j]) {
				col = viz.RampBands(b.shade(row[j]), colourBands)
			}
			k, ok := index[col]
			if !ok {
				k = uint8(len(pal))
				index[col] = k
				pal = append(pal, col)
			}
			for y := r * cellPixels; y < (r+1)*cellPixels; y++ {
				line := img.Pix[y*img.Stride+j*cellPixels : y*img.Stride+(j+1)*cellPixels]
				for x := range line {
					line[x] = k
				}
			}
		}
	}
	img.Palette = pal
	return img
}

// labels returns the words of a vector's components, or their numbers.
func numbered(prefix string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = prefix + strconv.Itoa(i+1)
	}
	return s
}
