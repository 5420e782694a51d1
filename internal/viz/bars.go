package viz

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// AddBars adds one bar per x, from 0 to ys[i], width wide in data units,
// filled with c. A label adds a legend entry. Non-finite heights are
// skipped.
func AddBars(p *plot.Plot, xs, ys []float64, width float64, c color.Color, label string) {
	AddStackedBars(p, xs, [][]float64{ys}, width, []color.Color{c}, []string{label})
}

// AddStackedBars adds bars made of layers stacked upwards: layer k of bar
// i spans from the sum of layers 0..k−1 to the sum of layers 0..k. Use it
// for a sum of parts, such as bias² + variance + noise. Layers should be
// non-negative; colors[k] and labels[k] style layer k ("" for no legend).
func AddStackedBars(p *plot.Plot, xs []float64, layers [][]float64, width float64, colors []color.Color, labels []string) {
	b := &stackedBars{xs: xs, layers: layers, width: width, colors: colors}
	p.Add(b)
	for k, l := range labels {
		if l != "" && k < len(colors) {
			p.Legend.Add(l, swatch{colors[k]})
		}
	}
}

type stackedBars struct {
	xs     []float64
	layers [][]float64
	width  float64
	colors []color.Color
}

func (b *stackedBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, x := range b.xs {
		base := 0.0
		for k, layer := range b.layers {
			if i >= len(layer) || !finite(layer[i], x) {
				continue
			}
			top := base + layer[i]
			x0, x1 := trX(x-b.width/2), trX(x+b.width/2)
			y0, y1 := trY(base), trY(top)
			col := color.Color(ClassColor(k))
			if k < len(b.colors) && b.colors[k] != nil {
				col = b.colors[k]
			}
			c.SetColor(col)
			c.Fill(rectPath(vg.Point{X: x0, Y: y0}, vg.Point{X: x1, Y: y1}))
			base = top
		}
	}
}

// rectPath is the axis-aligned rectangle with corners a and b.
func rectPath(a, b vg.Point) vg.Path {
	var path vg.Path
	path.Move(a)
	path.Line(vg.Point{X: b.X, Y: a.Y})
	path.Line(b)
	path.Line(vg.Point{X: a.X, Y: b.Y})
	path.Close()
	return path
}

func (b *stackedBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), 0, 0
	for i, x := range b.xs {
		if !finite(x) {
			continue
		}
		xmin, xmax = math.Min(xmin, x-b.width/2), math.Max(xmax, x+b.width/2)
		sum := 0.0
		for _, layer := range b.layers {
			if i < len(layer) && finite(layer[i]) {
				sum += layer[i]
				ymin, ymax = math.Min(ymin, sum), math.Max(ymax, sum)
			}
		}
	}
	return xmin, xmax, ymin, ymax
}

// swatch is a legend thumbnail: a filled square.
type swatch struct{ c color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	c.SetColor(s.c)
	c.Fill(rectPath(c.Min, c.Max))
}
