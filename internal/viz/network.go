package viz

import (
	"cmp"
	"image"
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
	// Images[l][j], when not nil, is drawn inside node j of layer l (what
	// the unit computes over the data plane, as TF Playground draws it);
	// nodes grow to show it.
	Images [][]image.Image
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
	netMaxMapNode = 44 // a node that holds an image
	// netInkShare bounds the edges that meet at a node: together, at
	// their widest, they are at most this many times the node's side, so a
	// wide layer stays a set of lines, not a wall.
	netInkShare = 0.6
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
	if n.hasImages() {
		// Room below each node for its label, and between columns for
		// the edges.
		gap := right - left
		if cols > 1 {
			gap /= vg.Length(cols - 1)
		}
		size = max(netMinNode, min(netMaxMapNode, rowH-n.text.Height("0")-3, 0.5*gap))
	}
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

func (n *networkDiagram) imageAt(l, j int) bool {
	return l < len(n.d.Images) && j < len(n.d.Images[l]) && n.d.Images[l][j] != nil
}

// drawImages draws every node's image as one raster over the canvas, its
// pixel the size of an image pixel inside a node: one PNG for the whole
// diagram instead of one per node keeps a frame of a large network small.
// A node's pixels start at the raster pixel nearest its corner, so they
// may sit up to half a pixel off the node's border.
func (n *networkDiagram) drawImages(c draw.Canvas, pos [][]vg.Point, size vg.Length) {
	k := 0
	for _, col := range n.d.Images {
		for _, img := range col {
			if img != nil {
				k = max(k, img.Bounds().Dx(), img.Bounds().Dy())
			}
		}
	}
	if k == 0 {
		return
	}
	px := size / vg.Length(k) // one raster pixel, in points
	w := int(math.Ceil(float64((c.Max.X - c.Min.X) / px)))
	h := int(math.Ceil(float64((c.Max.Y - c.Min.Y) / px)))
	var raster interface {
		image.Image
		Set(x, y int, c color.Color)
	} = image.NewNRGBA(image.Rect(0, 0, w, h))
	var set func(x, y int, c color.Color)
	var setRGBA func(x, y int, c color.RGBA) // nil: set takes every pixel
	if pal := nodePalette(n.d.Images); pal != nil {
		// Few colours (banded maps): a paletted PNG is several times smaller.
		m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		raster = m
		set, setRGBA = paletteSetter(m)
	} else {
		set = raster.Set
	}
	for l, col := range pos {
		for j, pt := range col {
			if !n.imageAt(l, j) {
				continue
			}
			img := n.d.Images[l][j]
			rgba, _ := img.(*image.RGBA)
			b := img.Bounds()
			x0 := int(math.Round(float64((pt.X - size/2 - c.Min.X) / px)))
			y0 := int(math.Round(float64((c.Max.Y - pt.Y - size/2) / px)))
			for y := range k {
				for x := range k {
					// Nearest pixel of an image smaller than k×k.
					sx, sy := b.Min.X+x*b.Dx()/k, b.Min.Y+y*b.Dy()/k
					if rgba != nil && setRGBA != nil {
						setRGBA(x0+x, y0+y, rgba.RGBAAt(sx, sy)) // no colour boxed per pixel
					} else {
						set(x0+x, y0+y, img.At(sx, sy))
					}
				}
			}
		}
	}
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: c.Max.Y - vg.Length(h)*px}, Max: vg.Point{X: c.Min.X + vg.Length(w)*px, Y: c.Max.Y}}, raster)
}

// paletteSetter returns m.Set without its search of the palette at every
// pixel: Palette.Index depends only on a colour's premultiplied value, so
// its answer is kept by that value (and the previous pixel's reused). The
// second function is the first for a color.RGBA, which it takes unboxed.
func paletteSetter(m *image.Paletted) (set func(x, y int, c color.Color), setRGBA func(x, y int, c color.RGBA)) {
	type rgba struct{ r, g, b, a uint32 }
	index := make(map[rgba]uint8, len(m.Palette))
	var last rgba
	var lastIndex uint8
	have := false
	put := func(x, y int, key rgba, c func() color.Color) {
		if !(image.Point{x, y}.In(m.Rect)) {
			return
		}
		if !have || key != last {
			i, ok := index[key]
			if !ok {
				i = uint8(m.Palette.Index(c()))
				index[key] = i
			}
			last, lastIndex, have = key, i, true
		}
		m.Pix[m.PixOffset(x, y)] = lastIndex
	}
	set = func(x, y int, c color.Color) {
		r, g, b, a := c.RGBA()
		put(x, y, rgba{r, g, b, a}, func() color.Color { return c })
	}
	setRGBA = func(x, y int, c color.RGBA) {
		// c.RGBA(), without the interface.
		key := rgba{uint32(c.R) * 0x101, uint32(c.G) * 0x101, uint32(c.B) * 0x101, uint32(c.A) * 0x101}
		put(x, y, key, func() color.Color { return c })
	}
	return set, setRGBA
}

// nodePalette is the colours of the node images, transparent first, or
// nil when there are more than a PNG palette holds.
func nodePalette(images [][]image.Image) color.Palette {
	pal := color.Palette{color.NRGBA{}}
	seen := map[color.NRGBA]bool{{}: true}
	var last color.NRGBA // neighbouring pixels mostly match: skip the map
	for _, col := range images {
		for _, img := range col {
			if img == nil {
				continue
			}
			b := img.Bounds()
			rgba, _ := img.(*image.RGBA)
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					var c color.NRGBA
					if rgba != nil {
						c = nrgbaAt(rgba, x, y)
					} else {
						c = color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
					}
					if c.A == 0 {
						c = color.NRGBA{}
					}
					if c == last {
						continue
					}
					last = c
					if !seen[c] {
						if len(pal) == 256 {
							return nil
						}
						seen[c] = true
						pal = append(pal, c)
					}
				}
			}
		}
	}
	return pal
}

// nrgbaAt is img's pixel (x, y) as color.NRGBAModel converts it, read
// without boxing a colour: opaque and clear pixels need no arithmetic.
func nrgbaAt(img *image.RGBA, x, y int) color.NRGBA {
	i := img.PixOffset(x, y)
	p := img.Pix[i : i+4 : i+4]
	switch p[3] {
	case 0xFF:
		return color.NRGBA{p[0], p[1], p[2], 0xFF}
	case 0:
		return color.NRGBA{}
	}
	return color.NRGBAModel.Convert(color.RGBA{p[0], p[1], p[2], p[3]}).(color.NRGBA)
}

func (n *networkDiagram) hasImages() bool {
	for _, col := range n.d.Images {
		for _, img := range col {
			if img != nil {
				return true
			}
		}
	}
	return false
}

// maxEdgeWidth is the width of the strongest edge: netMaxEdge, or less
// when so many edges meet at a node of side size that their ink would
// exceed netInkShare·size.
func (n *networkDiagram) maxEdgeWidth(size vg.Length) vg.Length {
	fan := 1
	for _, layer := range n.d.Weights {
		fan = max(fan, len(layer))
		for _, row := range layer {
			fan = max(fan, len(row))
		}
	}
	return max(netMinEdge+0.5, min(netMaxEdge, netInkShare*size/vg.Length(fan)))
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
	maxEdge := n.maxEdgeWidth(size)
	slices.SortStableFunc(edges, func(a, b edge) int {
		return cmp.Or(cmp.Compare(a.level, b.level), cmp.Compare(boolInt(a.positive), boolInt(b.positive)))
	})
	for _, e := range edges {
		sty := draw.LineStyle{Color: inkAxis, Width: netMinEdge}
		if e.level >= 0 {
			sty.Width = netMinEdge + (maxEdge-netMinEdge)*vg.Length(e.level)/netWidthSteps
			sty.Color = cmp.Or[color.Color](n.d.Negative, ClassColor(1))
			if e.positive {
				sty.Color = cmp.Or[color.Color](n.d.Positive, ClassColor(0))
			}
		}
		c.StrokeLine2(sty, e.from.X+size/2, e.from.Y, e.to.X-size/2, e.to.Y)
	}
	n.drawImages(c, pos, size)
	border := draw.LineStyle{Color: inkTick, Width: outlineWidth}
	last := len(pos) - 1
	for l, col := range pos {
		for j, pt := range col {
			var fill color.Color = color.White
			if l < len(n.d.Fill) && j < len(n.d.Fill[l]) && n.d.Fill[l][j] != nil {
				fill = n.d.Fill[l][j]
			}
			lo, hi := vg.Point{X: pt.X - size/2, Y: pt.Y - size/2}, vg.Point{X: pt.X + size/2, Y: pt.Y + size/2}
			rect := rectPath(lo, hi)
			if !n.imageAt(l, j) {
				c.SetColor(fill)
				c.Fill(rect)
			}
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
