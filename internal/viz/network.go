package viz

import (
	"cmp"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// NetworkDiagram is a layered network drawn left to right: one column of
// nodes per layer, the inputs first, and an edge for every weight between
// neighbouring columns.
type NetworkDiagram struct {
	// Labels[l][j] is written beside node j of layer l: left of the input
	// column, right of the last one, under hidden nodes ("" for none).
	// Its lengths give the number of nodes per layer.
	Labels [][]string
	// Weights[l][o][i] is the weight from node i of layer l to node o of
	// layer l+1 (out×in, as in W·x). Edge width grows with |w| relative to
	// the largest |w| of the diagram; positive weights are drawn in
	// Positive, negative ones in Negative.
	Weights [][][]float64
	// Positive and Negative colour the edges; nil means ClassColor(0)
	// (blue) and ClassColor(1) (orange).
	Positive, Negative color.Color
	// Fill[l][j] colours node j of layer l, for example by its bias; a nil
	// slice or colour is white.
	Fill [][]color.Color
	// Captions[l] is written above column l ("inputs", "4 units", …).
	Captions []string
}

// Sizes of a network diagram, in points.
const (
	netFont       = 9
	netMaxNode    = 16
	netMinNode    = 4
	netMinEdge    = 0.35
	netMaxEdge    = 4.5
	netLabelRoom  = 46 // beside the first and last columns
	netCaptionGap = 4
	netWidthSteps = 8
)

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AddNetworkDiagram draws d over the whole data area, hiding the axes and
// covering NewPlot's grid. Nodes shrink when a column is crowded; weights
// that are not finite are drawn as thin grey edges.
func AddNetworkDiagram(p *plot.Plot, d NetworkDiagram) {
	p.HideAxes()
	ts := labelStyle(p, inkLabel)
	ts.Font = font.From(ts.Font, netFont)
	p.Add(&networkDiagram{d: d, text: ts})
}

type networkDiagram struct {
	d    NetworkDiagram
	text text.Style
}

func (n *networkDiagram) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

// layout returns the centre of every node and the node size.
func (n *networkDiagram) layout(c draw.Canvas) ([][]vg.Point, vg.Length) {
	cols := len(n.d.Labels)
	maxNodes := 1
	for _, col := range n.d.Labels {
		maxNodes = max(maxNodes, len(col))
	}
	capH := n.text.Height("0") + netCaptionGap
	left, right := c.Min.X+netLabelRoom, c.Max.X-netLabelRoom
	top, bottom := c.Max.Y-capH, c.Min.Y+n.text.Height("0")+2
	rowH := (top - bottom) / vg.Length(maxNodes)
	size := max(netMinNode, min(netMaxNode, 0.62*rowH))
	pos := make([][]vg.Point, cols)
	for l, col := range n.d.Labels {
		x := (left + right) / 2
		if cols > 1 {
			x = left + (right-left)*vg.Length(l)/vg.Length(cols-1)
		}
		mid := (top + bottom) / 2
		pos[l] = make([]vg.Point, len(col))
		for j := range col {
			pos[l][j] = vg.Point{X: x, Y: mid + rowH*(vg.Length(len(col)-1)/2-vg.Length(j))}
		}
	}
	return pos, size
}

func (n *networkDiagram) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(color.White, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	pos, size := n.layout(c)
	maxW := 0.0
	for _, layer := range n.d.Weights {
		for _, row := range layer {
			for _, w := range row {
				if finite(w) {
					maxW = math.Max(maxW, math.Abs(w))
				}
			}
		}
	}
	// Widths come in netWidthSteps steps and edges are drawn grouped by
	// width and colour (strong ones last, on top): runs of edges that share
	// their style make a small SVG.
	type edge struct {
		from, to vg.Point
		level    int // 0 … netWidthSteps, −1 for a weight that is not finite
		positive bool
	}
	var edges []edge
	for l, layer := range n.d.Weights {
		if l+1 >= len(pos) {
			break
		}
		for o, row := range layer {
			for i, w := range row {
				if o >= len(pos[l+1]) || i >= len(pos[l]) {
					continue
				}
				e := edge{from: pos[l][i], to: pos[l+1][o], level: -1, positive: w >= 0}
				if finite(w) && maxW > 0 {
					e.level = int(math.Round(math.Abs(w) / maxW * netWidthSteps))
				}
				edges = append(edges, e)
			}
		}
	}
	slices.SortStableFunc(edges, func(a, b edge) int {
		return cmp.Or(cmp.Compare(a.level, b.level), cmp.Compare(boolInt(a.positive), boolInt(b.positive)))
	})
	for _, e := range edges {
		sty := draw.LineStyle{Color: inkAxis, Width: netMinEdge}
		if e.level >= 0 {
			sty.Width = netMinEdge + (netMaxEdge-netMinEdge)*vg.Length(e.level)/netWidthSteps
			sty.Color = cmp.Or[color.Color](n.d.Negative, ClassColor(1))
			if e.positive {
				sty.Color = cmp.Or[color.Color](n.d.Positive, ClassColor(0))
			}
		}
		c.StrokeLine2(sty, e.from.X+size/2, e.from.Y, e.to.X-size/2, e.to.Y)
	}
	border := draw.LineStyle{Color: inkTick, Width: outlineWidth}
	last := len(pos) - 1
	for l, col := range pos {
		for j, pt := range col {
			var fill color.Color = color.White
			if l < len(n.d.Fill) && j < len(n.d.Fill[l]) && n.d.Fill[l][j] != nil {
				fill = n.d.Fill[l][j]
			}
			rect := rectPath(vg.Point{X: pt.X - size/2, Y: pt.Y - size/2}, vg.Point{X: pt.X + size/2, Y: pt.Y + size/2})
			c.SetColor(fill)
			c.Fill(rect)
			c.SetLineStyle(border)
			c.Stroke(rect)
			label := n.d.Labels[l][j]
			if label == "" {
				continue
			}
			ts := n.text
			at := vg.Point{X: pt.X, Y: pt.Y - size/2 - 1}
			ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
			switch {
			case l == 0:
				ts.XAlign, ts.YAlign = draw.XRight, draw.YCenter
				at = vg.Point{X: pt.X - size/2 - labelGap, Y: pt.Y}
			case l == last:
				ts.XAlign, ts.YAlign = draw.XLeft, draw.YCenter
				at = vg.Point{X: pt.X + size/2 + labelGap, Y: pt.Y}
			}
			c.FillText(ts, at, label)
		}
	}
	ts := n.text
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	for l, caption := range n.d.Captions {
		if l < len(pos) && caption != "" {
			x := (c.Min.X + c.Max.X) / 2
			if len(pos[l]) > 0 {
				x = pos[l][0].X
			}
			c.FillText(ts, vg.Point{X: x, Y: c.Max.Y - 1}, caption)
		}
	}
}
