package gan

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	mlgan "github.com/mlplayground/playground/internal/ml/gan"
	"github.com/mlplayground/playground/internal/viz"
)

// Drawing settings.
const (
	// mapRes is the D(x) raster's cells a side; D is smooth at this scale
	// and the frame stays within its budget.
	mapRes = 60
	// levels quantises D(x) to this many steps each side of ½.
	levels = 10
	// mapKeep is how much of the colour the map keeps at D = 0 or 1.
	mapKeep = 0.45
	// arrowEvery: an arrow on every arrowEvery-th generated sample.
	arrowEvery = 3
	// arrowLongest is the length, in data units, of the longest arrow.
	arrowLongest = 0.6
	// gridLines × gridPoints draw the manifold: the image of gridLines
	// lines of z in each of its first two directions.
	gridLines, gridPoints = 7, 13
)

// Target samples and D → 1 are green, generated ones and D → 0 purple,
// by their palette classes.
const realClass, fakeClass, userClass = 2, 6, 7

var (
	realColor   = viz.ClassColor(realClass)
	fakeColor   = viz.ClassColor(fakeClass)
	userColor   = viz.ClassColor(userClass)
	arrowColor  = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	meshColor   = color.NRGBA{0x88, 0x22, 0x55, 0x99}
	dLossColor  = viz.ClassColor(0)
	gLossColor  = viz.ClassColor(1)
	mapBox      = viz.Box{XMin: -half, XMax: half, YMin: -half, YMax: half}
	mapColors   = divergingColors()
	legendGlyph = func(c color.Color, shape draw.GlyphDrawer, r vg.Length) *plotter.Scatter {
		return &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: c, Radius: r, Shape: shape}}
	}
)

// mapCells are the centres of the raster's cells, x then y, row 0 at the
// top as AddRegionMap samples them.
var mapCells = func() []float64 {
	w := 2 * half / mapRes
	cells := make([]float64, 0, 2*mapRes*mapRes)
	for j := range mapRes {
		for i := range mapRes {
			cells = append(cells, -half+(float64(i)+0.5)*w, half-(float64(j)+0.5)*w)
		}
	}
	return cells
}()

// whiten mixes c with white, keeping the share keep of c.
func whiten(c color.RGBA, keep float64) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(255 - (255-float64(v))*keep)) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xFF}
}

// divergingColors[levels+k] is the colour of D = ½ + k/(2·levels).
func divergingColors() []color.Color {
	cs := make([]color.Color, 2*levels+1)
	for k := -levels; k <= levels; k++ {
		t := float64(k) / levels
		if t < 0 {
			cs[levels+k] = whiten(fakeColor, -t*mapKeep)
		} else {
			cs[levels+k] = whiten(realColor, t*mapKeep)
		}
	}
	return cs
}

// mapColor colours D(x): purple for 0, white for ½, green for 1 (and
// beyond, for a least-squares score); NaN is transparent.
func mapColor(d float64) color.Color {
	if d != d {
		return nil
	}
	t := min(max(2*d-1, -1), 1)
	return mapColors[levels+int(math.Round(t*levels))]
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	var p *plot.Plot
	switch panel {
	case "map":
		p = m.plotMap()
	case "losses":
		p = m.plotLosses()
	case "divergence":
		p = m.plotDivergence()
	default:
		return nil, fmt.Errorf("gan: no panel %q", panel)
	}
	if m.net == nil {
		if panel == "map" {
			viz.AddNotice(p, "The custom target has no modes yet:", "click on the map to add points.")
		} else {
			viz.AddNotice(p, "This appears once the target has a point.")
		}
	}
	return p, nil
}

// inside returns the points of xy (n×2) within the map, and their
// indices.
func inside(xy []float64) (pts [][]float64, idx []int) {
	for i := 0; i+1 < len(xy); i += 2 {
		x, y := xy[i], xy[i+1]
		if math.Abs(x) <= half && math.Abs(y) <= half {
			pts = append(pts, []float64{x, y})
			idx = append(idx, i/2)
		}
	}
	return pts, idx
}

func (m *model) plotMap() *plot.Plot {
	p := viz.NewPlot("", "x₁", "x₂")
	if m.net == nil {
		viz.SetAxes(p, mapBox)
		return p
	}
	// D on the raster's cell centres, in one batch.
	w := 2 * half / mapRes
	d := m.net.Discriminate(mapCells, mapRes*mapRes)
	viz.AddRegionMap(p, mapBox, mapRes, func(x, y float64) color.Color {
		i, j := int((x+half)/w), int((half-y)/w)
		return mapColor(d[min(j, mapRes-1)*mapRes+min(i, mapRes-1)])
	})

	mesh := m.manifold()
	p.Add(mesh)
	p.Legend.Add("G's image of a grid of z", &plotter.Line{LineStyle: draw.LineStyle{Color: meshColor, Width: 1}})

	real, _ := inside(m.evalReal)
	viz.AddScatter(p, real, fill(len(real), realClass), viz.ScatterStyle{Radius: 2.6})
	p.Legend.Add("target samples x", legendGlyph(realColor, draw.CircleGlyph{}, 3))

	gen, idx := inside(m.cur.generated)
	viz.AddScatter(p, gen, fill(len(gen), fakeClass), viz.ScatterStyle{Radius: 2.6, Outline: true})
	p.Legend.Add("generated G(z)", legendGlyph(fakeColor, draw.CircleGlyph{}, 3))

	if m.sched.g || m.sched.d {
		p.Add(m.arrows(gen, idx))
		p.Legend.Add("−∂(G's loss)/∂x, longest 0.6", &plotter.Line{LineStyle: draw.LineStyle{Color: arrowColor, Width: 1.2}})
	}
	if m.user > 0 {
		own := m.target.Modes() - m.user
		var pts [][]float64
		for k := own; k < m.target.Modes(); k++ {
			if g, ok := m.modeAt(k); ok {
				pts = append(pts, []float64{g.X, g.Y})
			}
		}
		viz.AddMarkers(p, pts, fill(len(pts), userClass), "square", 4)
		p.Legend.Add("your points (modes)", legendGlyph(userColor, draw.SquareGlyph{}, 3))
	}
	return p
}

// modeAt returns mode k when it is a Gaussian.
func (m *model) modeAt(k int) (mlgan.Gaussian, bool) {
	g, ok := m.target.Mode(k).(mlgan.Gaussian)
	return g, ok
}

// fill returns n copies of class.
func fill(n, class int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = class
	}
	return out
}

// manifold is G's image of the z lines: for d ≥ 2, gridLines lines along
// z₁ and as many along z₂ over [−1, 1]², the other coordinates 0; for
// d = 1, the curve of z₁ over [−1, 1].
func (m *model) manifold() *polylines {
	d := m.net.NoiseDim()
	at := func(k, n int) float64 { return -1 + 2*float64(k)/float64(n-1) }
	var z []float64
	var lines int
	if d == 1 {
		lines = 1
		for k := range 4 * gridPoints {
			z = append(z, at(k, 4*gridPoints))
		}
	} else {
		lines = 2 * gridLines
		for dir := range 2 {
			for l := range gridLines {
				for k := range gridPoints {
					row := make([]float64, d)
					row[dir], row[1-dir] = at(k, gridPoints), at(l, gridLines)
					z = append(z, row...)
				}
			}
		}
	}
	n := len(z) / d
	xy := m.net.Generate(z, n)
	per := n / lines
	out := &polylines{color: meshColor, width: 1}
	for l := range lines {
		out.lines = append(out.lines, xy[2*l*per:2*(l+1)*per])
	}
	return out
}

// arrows draws −∂L_G/∂x on every arrowEvery-th generated sample shown,
// the longest arrowLongest long.
func (m *model) arrows(gen [][]float64, idx []int) *arrowSet {
	grad := m.net.GeneratorGradient(m.cur.generated, evalN)
	as := &arrowSet{color: arrowColor}
	var longest float64
	for k := 0; k < len(idx); k += arrowEvery {
		i := idx[k]
		longest = max(longest, math.Hypot(grad[2*i], grad[2*i+1]))
	}
	if !(longest > 0) || math.IsInf(longest, 0) {
		return as
	}
	scale := arrowLongest / longest
	for k := 0; k < len(idx); k += arrowEvery {
		i := idx[k]
		x, y := gen[k][0], gen[k][1]
		as.arrows = append(as.arrows, [4]float64{x, y, x - scale*grad[2*i], y - scale*grad[2*i+1]})
	}
	return as
}

func (m *model) plotLosses() *plot.Plot {
	p := viz.NewPlot("", "step", "loss")
	if m.net == nil {
		return p
	}
	eqD, eqG := mlgan.Equilibrium(m.loss)
	viz.AddHLine(p, eqD, "D's loss at D = ½", dLossColor)
	viz.AddHLine(p, eqG, "G's loss at D = ½", gLossColor)
	viz.AddHistory(p, historyPoints,
		viz.Curve{Values: m.dLoss, Color: dLossColor, Label: "discriminator's loss", Dot: 3},
		viz.Curve{Values: m.gLoss, Color: gLossColor, Label: "generator's loss", Dot: 3})
	p.X.Min, p.X.Max = 0, max(p.X.Max, 50)
	p.Y.Min = 0
	p.Y.Max = max(p.Y.Max, 1.2*eqD) // room for the dashed line's label
	return p
}

func (m *model) plotDivergence() *plot.Plot {
	p := viz.NewPlot("", "step", "JS estimate (nats)")
	if m.net == nil {
		return p
	}
	viz.AddHLine(p, math.Ln2, "log 2: no overlap", viz.Neutral)
	viz.AddHLine(p, m.jsFloor, "two target samples", realColor)
	viz.AddHistory(p, historyPoints, viz.Curve{Values: m.js, Color: fakeColor, Label: "JS(target ‖ generated)", Dot: 3})
	p.X.Min, p.X.Max = 0, max(p.X.Max, 50)
	p.Y.Min, p.Y.Max = 0, 0.75
	return p
}
