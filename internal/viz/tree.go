package viz

import (
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TreeNode is one box of a tree diagram.
type TreeNode struct {
	// Label is drawn inside the box, one line per "\n"; lines that do not
	// fit beside the neighbouring boxes are dropped from the end.
	Label string
	// Children index the node list, drawn left to right.
	Children []int
	// Color fills the box; nil is white.
	Color color.Color
	// Bold draws a thick dark border, to point at one node.
	Bold bool
}

// Sizes of a tree diagram, in points.
const (
	treeFontSize  = 9
	treeMinFont   = 6.5
	treePad       = 2.5
	treeMinBox    = 4
	treeBoldWidth = 2.2
	treeMinSlots  = 4
	treeMinLevels = 2
	treeFitLevels = 2
)

// AddTreeDiagram draws the tree whose root is nodes[0], laid out by depth:
// the root on top, each level one row lower, the leaves spread evenly in
// left-to-right order and each parent centred over its children. Boxes
// shrink with the room a level gives them and labels lose lines that do
// not fit, so a deep tree still reads as a shape. It hides the axes and
// paints the data area white, covering NewPlot's grid. Nodes not reachable
// from the root are not drawn; an empty list draws nothing.
func AddTreeDiagram(p *plot.Plot, nodes []TreeNode) {
	p.HideAxes()
	if len(nodes) == 0 {
		return
	}
	d := newTreeDiagram(nodes)
	p.Add(d)
	ts := labelStyle(p, inkLabel)
	ts.Font = font.From(ts.Font, treeFontSize)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	d.text = ts
}

// newTreeDiagram lays the nodes out.
func newTreeDiagram(nodes []TreeNode) *treeDiagram {
	d := &treeDiagram{nodes: nodes, x: make([]float64, len(nodes)), depth: make([]int, len(nodes))}
	for i := range d.depth {
		d.depth[i] = -1
	}
	d.layout(0, 0)
	return d
}

type treeDiagram struct {
	nodes    []TreeNode
	x        []float64 // leaf slots: 0, 1, 2, … ; parents between
	depth    []int     // −1: unreachable
	leaves   int
	maxDepth int
	text     text.Style
}

// layout places the subtree of node i at depth d (guarding against cycles).
func (t *treeDiagram) layout(i, d int) {
	if t.depth[i] >= 0 {
		return
	}
	t.depth[i] = d
	t.maxDepth = max(t.maxDepth, d)
	first, last, any := 0.0, 0.0, false
	for _, c := range t.nodes[i].Children {
		if c < 0 || c >= len(t.nodes) || t.depth[c] >= 0 {
			continue
		}
		t.layout(c, d+1)
		if !any {
			first = t.x[c]
		}
		last, any = t.x[c], true
	}
	if !any {
		t.x[i] = float64(t.leaves)
		t.leaves++
		return
	}
	t.x[i] = (first + last) / 2
}

// DataRange leaves room for at least treeMinSlots leaves and treeMinLevels
// levels below the root, so that a young tree keeps modest boxes.
func (t *treeDiagram) DataRange() (xmin, xmax, ymin, ymax float64) {
	extra := float64(max(t.leaves, treeMinSlots)-t.leaves) / 2
	return -0.5 - extra, float64(t.leaves) - 0.5 + extra, -float64(max(t.maxDepth, treeMinLevels)) - 0.5, 0.5
}

func (t *treeDiagram) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(color.White, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	trX, trY := p.Transforms(&c)
	levelH := trY(0) - trY(-1)
	// Room beside each node: half the gap to its neighbours on its level.
	room := make([]vg.Length, len(t.nodes))
	prev := make(map[int]int) // depth → last node seen, in x order
	order := t.inXOrder()
	for _, i := range order {
		room[i] = c.Max.X - c.Min.X
		if j, ok := prev[t.depth[i]]; ok {
			gap := trX(t.x[i]) - trX(t.x[j])
			room[i] = min(room[i], gap)
			room[j] = min(room[j], gap)
		}
		prev[t.depth[i]] = i
	}
	// One font size for the whole diagram: as large as lets the first line
	// of every label in the top treeFitLevels levels fit beside its
	// neighbours and one line fit a level, but no smaller than treeMinFont
	// (boxes that still do not fit lose lines).
	ts := t.text
	scale := 1.0
	for _, i := range order {
		if t.depth[i] > treeFitLevels {
			continue // deep levels drop their labels rather than shrink every other
		}
		first, _, _ := strings.Cut(t.nodes[i].Label, "\n")
		if w := ts.Width(first); w > 0 {
			scale = min(scale, float64((0.9*room[i]-2*treePad)/w))
		}
	}
	scale = min(scale, float64((0.55*levelH-2*treePad)/ts.Height("0")))
	ts.Font.Size = max(treeMinFont, min(treeFontSize, treeFontSize*vg.Length(scale)))
	lineH := ts.Height("0")
	maxLines := max(0, int((0.6*levelH-2*treePad)/lineH))
	type box struct {
		w, h  vg.Length
		label string
	}
	boxes := make([]box, len(t.nodes))
	for _, i := range order {
		avail := 0.9*room[i] - 2*treePad
		var keep []string
		for _, line := range strings.Split(t.nodes[i].Label, "\n") {
			if len(keep) == maxLines || ts.Width(line) > avail {
				break
			}
			keep = append(keep, line)
		}
		b := box{label: strings.Join(keep, "\n")}
		if len(keep) > 0 {
			b.w = ts.Width(b.label) + 2*treePad
			b.h = lineH*vg.Length(len(keep)) + 2*treePad
		} else {
			b.w = max(treeMinBox, min(0.6*room[i], 4*treeMinBox))
			b.h = max(treeMinBox, min(0.3*levelH, 2*treeMinBox))
		}
		boxes[i] = b
	}
	// Every edge in one path: one SVG element however big the tree.
	var edges vg.Path
	for _, i := range order {
		x, y := trX(t.x[i]), trY(-float64(t.depth[i]))
		for _, ch := range t.nodes[i].Children {
			if ch < 0 || ch >= len(t.nodes) || t.depth[ch] != t.depth[i]+1 {
				continue
			}
			edges.Move(vg.Point{X: x, Y: y - boxes[i].h/2})
			edges.Line(vg.Point{X: trX(t.x[ch]), Y: trY(-float64(t.depth[ch])) + boxes[ch].h/2})
		}
	}
	if len(edges) > 0 {
		c.SetLineStyle(draw.LineStyle{Color: inkAxis, Width: thinWidth})
		c.Stroke(edges)
	}
	// Boxes of one colour share one filled path and all thin outlines one
	// stroked path: a tree of a hundred nodes stays a few SVG elements
	// besides its labels.
	var fills []color.RGBA
	byFill := map[color.RGBA]*vg.Path{}
	var outlines, bold vg.Path
	for _, i := range order {
		n, b := t.nodes[i], boxes[i]
		x, y := trX(t.x[i]), trY(-float64(t.depth[i]))
		lo, hi := vg.Point{X: x - b.w/2, Y: y - b.h/2}, vg.Point{X: x + b.w/2, Y: y + b.h/2}
		var fill color.Color = color.White
		if n.Color != nil {
			fill = n.Color
		}
		key := color.RGBAModel.Convert(fill).(color.RGBA)
		if byFill[key] == nil {
			fills = append(fills, key)
			byFill[key] = &vg.Path{}
		}
		addRect(byFill[key], lo, hi)
		if n.Bold {
			addRect(&bold, lo, hi)
		} else {
			addRect(&outlines, lo, hi)
		}
	}
	for _, f := range fills {
		c.SetColor(f)
		c.Fill(*byFill[f])
	}
	for _, o := range []struct {
		path  vg.Path
		style draw.LineStyle
	}{{outlines, draw.LineStyle{Color: inkTick, Width: outlineWidth}}, {bold, draw.LineStyle{Color: inkDark, Width: treeBoldWidth}}} {
		if len(o.path) > 0 {
			c.SetLineStyle(o.style)
			c.Stroke(o.path)
		}
	}
	for _, i := range order {
		if b := boxes[i]; b.label != "" {
			c.FillText(ts, vg.Point{X: trX(t.x[i]), Y: trY(-float64(t.depth[i]))}, b.label)
		}
	}
}

// addRect appends the closed rectangle with corners a and b to path.
func addRect(path *vg.Path, a, b vg.Point) {
	path.Move(a)
	path.Line(vg.Point{X: b.X, Y: a.Y})
	path.Line(b)
	path.Line(vg.Point{X: a.X, Y: b.Y})
	path.Close()
}

// inXOrder lists the reachable nodes level by level, left to right.
func (t *treeDiagram) inXOrder() []int {
	var out []int
	for d := 0; d <= t.maxDepth; d++ {
		start := len(out)
		for i := range t.nodes {
			if t.depth[i] == d {
				out = append(out, i)
			}
		}
		level := out[start:]
		// Insertion sort: levels are short and nearly sorted.
		for a := 1; a < len(level); a++ {
			for b := a; b > 0 && t.x[level[b]] < t.x[level[b-1]]; b-- {
				level[b], level[b-1] = level[b-1], level[b]
			}
		}
	}
	return out
}
