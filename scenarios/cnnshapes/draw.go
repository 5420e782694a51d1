package cnnshapes

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/viz"
)

// Drawing sizes, in points.
const (
	boxFont     = 9.5
	boxGap      = 14   // between neighbouring boxes
	perRow      = 5    // tensors per row
	boxDepth    = 0.45 // the oblique side's share of its length
	maxBoxes    = 10   // tensors drawn at once; a longer network scrolls
	tableFont   = 9
	tableRowMin = 11
	maxTableRow = 18 // layer rows of the summary drawn at once
	maxBars     = 8  // layers compared at once, the last ones added
)

var (
	ink = color.RGBA{40, 40, 40, 255}
	// faint is what is still to come: pale, yet text in it keeps AA
	// contrast (4.5:1) on white.
	faint = color.RGBA{118, 118, 118, 255}
)

// kindColor colours a tensor by the layer that made it.
func kindColor(kind string) color.RGBA {
	switch kind {
	case "input":
		return color.RGBA{150, 150, 150, 255}
	case "conv":
		return viz.ClassColor(0)
	case "maxpool", "avgpool", "gap":
		return viz.ClassColor(1)
	case "dense":
		return viz.ClassColor(2)
	case "add", "concat":
		return viz.ClassColor(4)
	}
	return viz.ClassColor(3) // flatten, dropout
}

// side is a box side on the compressed scale: 1 + log₂ n units, so a
// 1024-long vector is 11 units where a 3-channel image is 2.6 deep.
func side(n int) float64 { return 1 + math.Log2(float64(max(n, 1))) }

// tensorBox is one tensor of the network.
type tensorBox struct {
	shape   []int // [h, w, c] or [n]
	kind    string
	name    string
	added   bool // shown as a layer so far (the input always is)
	current bool // the layer the last step added
}

// extent returns a box's sizes in units: across (channels, or 1 for a
// vector), up (height, or the vector's length) and the oblique depth
// (width, or 1).
func (b tensorBox) extent() (across, up, depth float64) {
	if len(b.shape) == 1 {
		return 1, side(b.shape[0]), 1
	}
	return side(b.shape[2]), side(b.shape[0]), side(b.shape[1])
}

// tensorsPicture draws the boxes left to right, on one scale, each
// labelled with its shape under it and its name above.
type tensorsPicture struct {
	boxes []tensorBox
	text  text.Style
}

func (t *tensorsPicture) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

func (t *tensorsPicture) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(color.White, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	n := len(t.boxes)
	if n == 0 {
		return
	}
	rows := (n + perRow - 1) / perRow
	cols := min(n, perRow)
	lineH := float64(t.text.Height("0"))
	W, H := float64(c.Max.X-c.Min.X), float64(c.Max.Y-c.Min.Y)
	slotW, rowH := W/float64(cols), H/float64(rows)
	// One scale for every box, the largest at which each fits its slot.
	unit := 14.0
	for _, b := range t.boxes {
		a, u, d := b.extent()
		unit = math.Min(unit, (slotW-boxGap)/(a+d*boxDepth))
		unit = math.Min(unit, (rowH-2*lineH-10)/(u+d*boxDepth))
	}
	label := t.text
	label.XAlign = draw.XCenter
	pt := func(px, py float64) vg.Point { return vg.Point{X: vg.Length(px), Y: vg.Length(py)} }
	for i, b := range t.boxes {
		row, col := i/perRow, i%perRow
		a, u, d := b.extent()
		w, h, dd := unit*a, unit*u, unit*d*boxDepth
		cx := float64(c.Min.X) + slotW*(float64(col)+0.5)
		rowTop := float64(c.Max.Y) - rowH*float64(row)
		base := rowTop - rowH + lineH + 5 // above the shape's label
		top := rowTop - lineH - 4         // below the name
		// The front face's lower left corner, the box centred in its slot.
		x0, y0 := cx-(w+dd)/2, base+(top-base-h-dd)/2
		colr := kindColor(b.kind)
		line := draw.LineStyle{Color: ink, Width: 0.6}
		front, topFace, sideFace := shade(colr, 1), shade(colr, 1.25), shade(colr, 0.75)
		if !b.added {
			front, topFace, sideFace = color.RGBA{245, 245, 245, 255}, color.RGBA{250, 250, 250, 255}, color.RGBA{235, 235, 235, 255}
			line = draw.LineStyle{Color: faint, Width: 0.6, Dashes: []vg.Length{2, 2}}
		}
		if b.current {
			line.Width = 1.8
		}
		fr := []vg.Point{pt(x0, y0), pt(x0+w, y0), pt(x0+w, y0+h), pt(x0, y0+h)}
		tp := []vg.Point{pt(x0, y0+h), pt(x0+w, y0+h), pt(x0+w+dd, y0+h+dd), pt(x0+dd, y0+h+dd)}
		sd := []vg.Point{pt(x0+w, y0), pt(x0+w+dd, y0+dd), pt(x0+w+dd, y0+h+dd), pt(x0+w, y0+h)}
		for _, f := range []struct {
			poly []vg.Point
			col  color.Color
		}{{fr, front}, {tp, topFace}, {sd, sideFace}} {
			c.FillPolygon(f.col, f.poly)
			c.StrokeLines(line, append(f.poly, f.poly[0]))
		}
		label.Color = ink
		if !b.added {
			label.Color = faint
		}
		c.FillText(label, pt(cx, rowTop-rowH+2), shapeText(b.shape))
		c.FillText(label, pt(cx, top+2), fit(label, b.name, vg.Length(slotW-4)))
		if row > 0 && col == 0 {
			c.StrokeLine2(draw.LineStyle{Color: color.RGBA{225, 225, 225, 255}, Width: 0.6}, c.Min.X, vg.Length(rowTop), c.Max.X, vg.Length(rowTop))
		}
		if col < perRow-1 && i < n-1 {
			// An arrow to the next tensor, in the gap between the slots.
			ax := cx + slotW/2
			ay := base + (top-base)/2
			arrow := draw.LineStyle{Color: faint, Width: 0.8}
			c.StrokeLine2(arrow, vg.Length(ax-4), vg.Length(ay), vg.Length(ax+3), vg.Length(ay))
			c.FillPolygon(faint, []vg.Point{pt(ax+5, ay), pt(ax+1, ay+2.5), pt(ax+1, ay-2.5)})
		}
	}
}

// fit shortens s with an ellipsis until it is at most width wide.
func fit(ts text.Style, s string, width vg.Length) string {
	r := []rune(s)
	for len(r) > 1 && ts.Width(string(r)) > width {
		r = r[:len(r)-1]
		s = string(r) + "…"
	}
	return s
}

// shade scales a colour's brightness, towards white above 1.
func shade(c color.RGBA, f float64) color.RGBA {
	ch := func(v uint8) uint8 {
		if f > 1 {
			return uint8(float64(v) + (255-float64(v))*(f-1)*1.6)
		}
		return uint8(float64(v) * f)
	}
	return color.RGBA{ch(c.R), ch(c.G), ch(c.B), 255}
}

func smallText(p *plot.Plot, size font.Length) text.Style {
	return text.Style{Color: ink, Font: font.From(p.Legend.TextStyle.Font, size), Handler: p.TextHandler}
}

func (m *model) plotTensors() *plot.Plot {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	in := m.arch.Input
	boxes := []tensorBox{{shape: []int{in.H, in.W, in.C}, kind: "input", name: "input", added: true}}
	for i, l := range m.arch.Layers {
		boxes = append(boxes, tensorBox{shape: l.Output, kind: l.Kind, name: l.Name, added: i < m.shown, current: i == m.shown-1})
	}
	// A long network shows the maxBoxes tensors around the last one added.
	if len(boxes) > maxBoxes {
		first := min(max(m.shown-maxBoxes/2, 0), len(boxes)-maxBoxes)
		boxes = boxes[first : first+maxBoxes]
	}
	p.Add(&tensorsPicture{boxes: boxes, text: smallText(p, boxFont)})
	return p
}

// summaryTable draws Keras's summary: layer (type), output shape, params,
// then the total, with the fully connected count as a last column.
type summaryTable struct {
	header []string
	rows   [][]string
	faint  []bool // rows not yet added
	bold   int    // the current row, or −1
	footer []string
	text   text.Style
}

func (t *summaryTable) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

func (t *summaryTable) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(color.White, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	w := float64(c.Max.X - c.Min.X)
	// Column right edges (the first column is left aligned at its start).
	cols := []float64{0.015, 0.70, 0.835, 0.99}
	lines := 1 + len(t.rows) + len(t.footer)
	rowH := math.Min(float64(c.Max.Y-c.Min.Y)/float64(lines+1), 19)
	rowH = math.Max(rowH, tableRowMin)
	y := float64(c.Max.Y) - rowH
	ts := t.text
	ts.YAlign = draw.YCenter
	at := func(col int, y float64, s string, st text.Style) {
		if col == 0 {
			st.XAlign = draw.XLeft
		} else {
			st.XAlign = draw.XRight
		}
		c.FillText(st, vg.Point{X: c.Min.X + vg.Length(cols[col]*w), Y: vg.Length(y)}, s)
	}
	rule := func(y float64, width vg.Length) {
		c.StrokeLine2(draw.LineStyle{Color: ink, Width: width}, c.Min.X+vg.Length(0.01*w), vg.Length(y), c.Max.X-vg.Length(0.01*w), vg.Length(y))
	}
	for i, h := range t.header {
		at(i, y, h, ts)
	}
	rule(y-rowH/2, 1)
	for r, row := range t.rows {
		y -= rowH
		st := ts
		if t.faint[r] {
			st.Color = faint
		}
		if r == t.bold {
			c.FillPolygon(color.RGBA{255, 244, 204, 255}, []vg.Point{
				{X: c.Min.X + vg.Length(0.01*w), Y: vg.Length(y - rowH/2)}, {X: c.Max.X - vg.Length(0.01*w), Y: vg.Length(y - rowH/2)},
				{X: c.Max.X - vg.Length(0.01*w), Y: vg.Length(y + rowH/2)}, {X: c.Min.X + vg.Length(0.01*w), Y: vg.Length(y + rowH/2)}})
		}
		// The name and type, without the type when it would reach the shape.
		room := vg.Length(cols[1]*w-cols[0]*w) - st.Width(row[1]) - 6
		if st.Width(row[0]) > room {
			row = append([]string{fit(st, strings.Fields(row[0])[0], room)}, row[1:]...)
		}
		for i, s := range row {
			at(i, y, s, st)
		}
	}
	rule(y-rowH/2, 1)
	for _, f := range t.footer {
		y -= rowH
		at(0, y, f, ts)
	}
}

// kerasType is the class name Keras prints beside a layer's name.
var kerasType = map[string]string{
	"conv": "Conv2D", "maxpool": "MaxPooling2D", "avgpool": "AveragePooling2D", "gap": "GlobalAveragePooling2D",
	"flatten": "Flatten", "dense": "Dense", "dropout": "Dropout", "add": "Add", "concat": "Concatenate",
}

// kerasShape writes a shape as Keras does, the batch first: (None, 30, 30, 32).
func kerasShape(s []int) string {
	out := "(None"
	for _, n := range s {
		out += ", " + strconv.Itoa(n)
	}
	return out + ")"
}

func (m *model) plotSummary() *plot.Plot {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	t := &summaryTable{header: []string{"Layer (type)", "Output shape", "Param #", "Fully conn."}, bold: -1, text: smallText(p, tableFont)}
	layers := m.arch.Layers
	first := 0
	if len(layers) > maxTableRow {
		first = min(max(m.shown-maxTableRow/2, 0), len(layers)-maxTableRow)
	}
	if first > 0 {
		t.rows = append(t.rows, []string{"… " + strconv.Itoa(first) + " layers above", "", "", ""})
		t.faint = append(t.faint, true)
	}
	total, fc := 0, 0
	for i, l := range layers {
		if i < m.shown {
			total += l.Params
			fc += l.FullyConnected
		}
		if i < first || i >= first+maxTableRow {
			continue
		}
		full := ""
		if l.FullyConnected > 0 {
			full = group(l.FullyConnected)
		}
		if i == m.shown-1 {
			t.bold = len(t.rows)
		}
		t.rows = append(t.rows, []string{l.Name + " (" + kerasType[l.Kind] + ")", kerasShape(l.Output), group(l.Params), full})
		t.faint = append(t.faint, i >= m.shown)
	}
	if rest := len(layers) - first - maxTableRow; rest > 0 {
		t.rows = append(t.rows, []string{"… " + strconv.Itoa(rest) + " layers below", "", "", ""})
		t.faint = append(t.faint, true)
	}
	t.footer = []string{
		"Total params: " + group(total) + " (input " + m.arch.Input.String() + ", " + strconv.Itoa(m.shown) + " of " + strconv.Itoa(len(layers)) + " layers added)",
		"Fully connected, same widths: " + group(fc),
	}
	p.Add(t)
	return p
}

// plotSharing compares, for each layer with weights, its parameters with a
// fully connected layer joining the same input and output values, on a
// log scale.
func (m *model) plotSharing() *plot.Plot {
	p := viz.NewPlot("", "layer with weights", "parameters")
	var weighted []int // the layers with weights
	added := 0         // of them so far
	for i, l := range m.arch.Layers {
		if l.FullyConnected > 0 {
			weighted = append(weighted, i)
			if i < m.shown {
				added++
			}
		}
	}
	// A long network shows the maxBars around the last one added.
	first := min(max(added-maxBars, 0), max(len(weighted)-maxBars, 0))
	weighted = weighted[first:min(first+maxBars, len(weighted))]
	var xs, shared, full []float64
	var isAdded []bool
	var ticks []plot.Tick
	for _, i := range weighted {
		l := m.arch.Layers[i]
		x := float64(len(xs))
		xs = append(xs, x)
		shared = append(shared, float64(l.Params))
		full = append(full, float64(l.FullyConnected))
		isAdded = append(isAdded, i < m.shown)
		name := l.Name
		if len(weighted) > 5 {
			name = strconv.Itoa(i + 1)
		}
		ticks = append(ticks, plot.Tick{Value: x, Label: name})
	}
	if len(xs) == 0 {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.5, 0.5, 1, 10
		viz.SetLogY(p)
		return p
	}
	left, right := make([]float64, len(xs)), make([]float64, len(xs))
	for i, x := range xs {
		left[i], right[i] = x-0.18, x+0.18
	}
	viz.SetLogY(p)
	p.Add(&logBars{xs: left, ys: full, added: isAdded, width: 0.34, color: viz.ClassColor(1), text: smallText(p, 7.5)})
	p.Add(&logBars{xs: right, ys: shared, added: isAdded, width: 0.34, color: viz.ClassColor(0), text: smallText(p, 7.5)})
	p.Legend.Add("fully connected", &logBars{color: viz.ClassColor(1)})
	p.Legend.Add("this network (shared kernels)", &logBars{color: viz.ClassColor(0)})
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.6, float64(len(xs))-0.4
	p.Y.Min = 1
	hi := 10.0
	for _, v := range full {
		hi = math.Max(hi, v)
	}
	p.Y.Max = hi * 40
	p.Legend.Top = true
	return p
}

// logBars are bars on a log axis, from the axis' minimum up to each value,
// with the value written above: gonum's bars start at 0, which a log
// scale cannot place.
type logBars struct {
	xs, ys []float64
	added  []bool // false: a layer not yet added, drawn pale
	width  float64
	color  color.Color
	text   text.Style
}

func (b *logBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ts := b.text
	ts.XAlign = draw.XCenter
	for i, x := range b.xs {
		x0, x1 := trX(x-b.width/2), trX(x+b.width/2)
		y0, y1 := trY(p.Y.Min), trY(b.ys[i])
		col, ts := b.color, ts
		if !b.added[i] {
			col, ts.Color = paler(b.color), faint
		}
		c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		c.FillText(ts, vg.Point{X: (x0 + x1) / 2, Y: y1 + 2}, compact(b.ys[i]))
	}
}

// Thumbnail draws the legend's swatch.
func (b *logBars) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(b.color, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
}

// paler mixes a colour with four times as much white.
func paler(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((v>>8 + 4*255) / 5) }
	return color.RGBA{mix(r), mix(g), mix(b), 255}
}

// compact writes a count briefly: 896, 18k, 2.7M.
func compact(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 0, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}
