package viz

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heatmap is a small labelled matrix, such as a confusion matrix: one cell
// per value, coloured by Ramp, with an optional text in each cell.
type Heatmap struct {
	Values [][]float64 // Values[r][c]; row 0 is drawn at the top
	Text   [][]string  // written in the cells; nil for none
	Rows   []string    // row labels, on the y axis
	Cols   []string    // column labels, on the x axis
	// Scale fixes the colours: a cell is coloured by (v − Lo)/(Hi − Lo),
	// and a colour bar with Scale's ticks and title is drawn on the right.
	// Nil: colours run from the smallest to the largest value, no bar.
	Scale *ColorGridStyle
}

// heatBarCells is the width, in cells, of the strip that holds a
// heatmap's colour bar.
const heatBarCells = 0.9

// AddHeatmap draws h with cell (r, c) centred at (c, rows−1−r), labels the
// axes with Rows and Cols and sets the axes to the cells.
func AddHeatmap(p *plot.Plot, h Heatmap) {
	rows := len(h.Values)
	if rows == 0 {
		return
	}
	cols := 0
	for _, row := range h.Values {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return
	}
	m := &matrixCells{h: h, rows: rows, cols: cols, text: labelStyle(p, inkLabel)}
	if h.Scale != nil {
		st := *h.Scale
		if st.Bands <= 0 {
			st.Bands = 16
		}
		if st.Label == nil {
			st.Label = func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
		}
		m.h.Scale = &st
		m.bar = p.Y.Tick.Label
		m.bar.XAlign, m.bar.YAlign = draw.XLeft, draw.YCenter
	}
	p.Add(m)
	var xt, yt []plot.Tick
	for c := range cols {
		if c < len(h.Cols) {
			xt = append(xt, plot.Tick{Value: float64(c), Label: h.Cols[c]})
		}
	}
	for r := range rows {
		if r < len(h.Rows) {
			yt = append(yt, plot.Tick{Value: float64(rows - 1 - r), Label: h.Rows[r]})
		}
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.X.Min, p.X.Max = -0.5, float64(cols)-0.5
	if h.Scale != nil {
		p.X.Max += heatBarCells
	}
	p.Y.Min, p.Y.Max = -0.5, float64(rows)-0.5
}

type matrixCells struct {
	h          Heatmap
	rows, cols int
	text       draw.TextStyle
	bar        draw.TextStyle // the colour bar's labels
}

func (m *matrixCells) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmax = float64(m.cols) - 0.5
	if m.h.Scale != nil {
		xmax += heatBarCells
	}
	return -0.5, xmax, -0.5, float64(m.rows) - 0.5
}

func (m *matrixCells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range m.h.Values {
		for _, v := range row {
			if finite(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if st := m.h.Scale; st != nil {
		lo, hi = st.Lo, st.Hi
	}
	span := hi - lo
	if !(span > 0) {
		span = 1
	}
	ts := m.text
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	for r, row := range m.h.Values {
		y := float64(m.rows - 1 - r)
		for col, v := range row {
			a := vg.Point{X: trX(float64(col) - 0.5), Y: trY(y - 0.5)}
			b := vg.Point{X: trX(float64(col) + 0.5), Y: trY(y + 0.5)}
			t := min(max((v-lo)/span, 0), 1)
			if finite(v) {
				if m.h.Scale != nil {
					c.SetColor(RampBands(t, m.h.Scale.Bands))
				} else {
					c.SetColor(Ramp(t))
				}
				c.Fill(rectPath(a, b))
			}
			if r < len(m.h.Text) && col < len(m.h.Text[r]) && m.h.Text[r][col] != "" {
				ts.Color = inkLabel
				if t > 0.6 {
					ts.Color = color.White
				}
				c.FillText(ts, vg.Point{X: (a.X + b.X) / 2, Y: (a.Y + b.Y) / 2}, m.h.Text[r][col])
			}
		}
	}
	if st := m.h.Scale; st != nil {
		// The strip: white over the grid, then the bar, its title clear
		// of the top tick's label.
		x0 := trX(float64(m.cols) - 0.5)
		c.SetColor(color.White)
		c.Fill(rectPath(vg.Point{X: x0, Y: c.Min.Y}, vg.Point{X: c.Max.X, Y: c.Max.Y}))
		drawColorBar(c, x0+8, trY(-0.5)+4, trY(float64(m.rows)-0.5)-22, 9, *st, m.bar)
	}
}
