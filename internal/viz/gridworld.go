package viz

import (
	"image/color"

	xfont "golang.org/x/image/font"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// GridWorld is a reinforcement-learning gridworld: square cells, row 0 at
// the top, numbered row-major (cell = row·Cols + col).
type GridWorld struct {
	Rows, Cols int
	Fill       []color.Color // one per cell; nil leaves a cell white
	Marks      []string      // a letter in the cell's top-left corner (S, G, P); "" for none
	Text       []string      // a text in the cell's centre (a value); "" for none
	Arrows     []GridArrow
	Path       []int // cells visited in order, drawn as a line through their centres
	Agent      int   // the agent's cell, drawn as a ring; -1 for none
}

// GridArrow is an arrow towards one of a cell's sides, starting clear of
// the text in the centre.
type GridArrow struct {
	Cell   int
	Dir    int     // 0 up, 1 right, 2 down, 3 left
	Length float64 // share of the room between the text and the side, in [0, 1]
	Color  color.Color
	Bold   bool
}

// Arrow and text sizes of a gridworld, as shares of a cell's side.
const (
	gridArrowStart = 0.2  // where arrows start, from the centre
	gridArrowReach = 0.47 // where the longest arrow ends
	gridHead       = 0.08 // arrowhead length
	gridMarkShare  = 0.2  // letter height
	gridTextShare  = 0.17 // value text height
	gridMaxText    = 10   // points
	gridMaxMark    = 10   // points
)

// AddGridWorld draws g as large as the data area allows with square cells,
// centred. It hides the axes.
func AddGridWorld(p *plot.Plot, g GridWorld) {
	p.HideAxes()
	if g.Rows < 1 || g.Cols < 1 {
		return
	}
	ts := labelStyle(p, inkLabel)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	p.Add(&gridWorld{g: g, text: ts})
}

type gridWorld struct {
	g    GridWorld
	text draw.TextStyle
}

func (w *gridWorld) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

// layout returns the side of a cell and the top-left corner of the grid.
func (w *gridWorld) layout(c draw.Canvas) (side vg.Length, x0, yTop vg.Length) {
	cw, ch := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	side = min(cw/vg.Length(w.g.Cols), ch/vg.Length(w.g.Rows))
	x0 = c.Min.X + (cw-side*vg.Length(w.g.Cols))/2
	yTop = c.Max.Y - (ch-side*vg.Length(w.g.Rows))/2
	return side, x0, yTop
}

// centre returns the centre of cell i.
func (w *gridWorld) centre(i int, side, x0, yTop vg.Length) vg.Point {
	r, col := i/w.g.Cols, i%w.g.Cols
	return vg.Point{X: x0 + side*(vg.Length(col)+0.5), Y: yTop - side*(vg.Length(r)+0.5)}
}

func (w *gridWorld) Plot(c draw.Canvas, _ *plot.Plot) {
	g := w.g
	side, x0, yTop := w.layout(c)
	if side <= 0 {
		return
	}
	n := g.Rows * g.Cols
	half := side / 2
	for i := range n {
		fill := color.Color(color.White)
		if i < len(g.Fill) && g.Fill[i] != nil {
			fill = g.Fill[i]
		}
		m := w.centre(i, side, x0, yTop)
		c.SetColor(fill)
		c.Fill(rectPath(vg.Point{X: m.X - half, Y: m.Y - half}, vg.Point{X: m.X + half, Y: m.Y + half}))
	}
	// Cell borders, then the outline.
	border := draw.LineStyle{Color: inkAxis, Width: 0.5}
	for r := 1; r < g.Rows; r++ {
		y := yTop - side*vg.Length(r)
		c.StrokeLine2(border, x0, y, x0+side*vg.Length(g.Cols), y)
	}
	for col := 1; col < g.Cols; col++ {
		x := x0 + side*vg.Length(col)
		c.StrokeLine2(border, x, yTop, x, yTop-side*vg.Length(g.Rows))
	}
	c.SetLineStyle(draw.LineStyle{Color: inkDark, Width: 1})
	c.Stroke(rectPath(vg.Point{X: x0, Y: yTop - side*vg.Length(g.Rows)}, vg.Point{X: x0 + side*vg.Length(g.Cols), Y: yTop}))

	if len(g.Path) > 1 {
		var path vg.Path
		for k, i := range g.Path {
			if k == 0 {
				path.Move(w.centre(i, side, x0, yTop))
			} else {
				path.Line(w.centre(i, side, x0, yTop))
			}
		}
		c.SetLineStyle(draw.LineStyle{Color: color.NRGBA{Palette[1].R, Palette[1].G, Palette[1].B, 0x80}, Width: 1.5})
		c.Stroke(path)
	}
	for _, a := range g.Arrows {
		w.arrow(c, a, side, x0, yTop)
	}
	mark, small := w.text, w.text
	mark.Font = font.From(mark.Font, min(gridMaxMark, side*gridMarkShare))
	mark.Font.Weight = xfont.WeightBold
	small.Font = font.From(small.Font, min(gridMaxText, side*gridTextShare))
	for i := range n {
		m := w.centre(i, side, x0, yTop)
		if i < len(g.Marks) && g.Marks[i] != "" {
			mark.Color = inkDark
			c.FillText(mark, vg.Point{X: m.X - side*0.36, Y: m.Y + side*0.36}, g.Marks[i])
		}
		if i < len(g.Text) && g.Text[i] != "" {
			small.Color = inkDark
			c.FillText(small, m, g.Text[i])
		}
	}
	if g.Agent >= 0 && g.Agent < n {
		// A ring around the cell's text, which stays readable.
		m := w.centre(g.Agent, side, x0, yTop)
		c.SetLineStyle(draw.LineStyle{Color: Palette[1], Width: max(1.5, side*0.05)})
		c.Stroke(appendCircle(nil, m, side*0.3))
	}
}

// arrow draws a from its cell's centre towards the side a.Dir names.
func (w *gridWorld) arrow(c draw.Canvas, a GridArrow, side, x0, yTop vg.Length) {
	if a.Length <= 0 || a.Cell < 0 || a.Cell >= w.g.Rows*w.g.Cols {
		return
	}
	dx, dy := [4]vg.Length{0, 1, 0, -1}[a.Dir&3], [4]vg.Length{1, 0, -1, 0}[a.Dir&3]
	centre := w.centre(a.Cell, side, x0, yTop)
	m := vg.Point{X: centre.X + dx*side*gridArrowStart, Y: centre.Y + dy*side*gridArrowStart}
	l := side * (gridArrowReach - gridArrowStart) * vg.Length(min(a.Length, 1))
	tip := vg.Point{X: m.X + dx*l, Y: m.Y + dy*l}
	width, head := vg.Length(1), side*gridHead
	if a.Bold {
		width, head = 2.2, side*gridHead*1.4
	}
	head = min(head, l)
	col := a.Color
	if col == nil {
		col = inkDark
	}
	base := vg.Point{X: tip.X - dx*head, Y: tip.Y - dy*head}
	c.StrokeLine2(draw.LineStyle{Color: col, Width: width}, m.X, m.Y, base.X, base.Y)
	// The head: a triangle on the shaft's end, as wide as it is long.
	px, py := -dy*head/2, dx*head/2
	c.FillPolygon(col, []vg.Point{tip, {X: base.X + px, Y: base.Y + py}, {X: base.X - px, Y: base.Y - py}})
}
