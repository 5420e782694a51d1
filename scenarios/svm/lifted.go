package svm

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/viz"
)

// wireRes is the number of cells per side of the lifted view's wireframe.
const wireRes = 10

// View angles of the lifted view's oblique projection.
var (
	azimuth   = 35 * math.Pi / 180
	elevation = 28 * math.Pi / 180
)

func vgLen(r float64) vg.Length { return vg.Length(r) }

// plotLifted draws the feature-space picture of the kernel: the margin
// frame for the linear kernel, the height f(x) over the map for the others.
func (m *model) plotLifted() *plot.Plot {
	if m.svm == nil || m.svm.Iteration() == 0 {
		p := viz.NewPlot("", "", "")
		p.HideAxes()
		p.Title.Text = "α = 0: step to build the boundary"
		return p
	}
	if m.kernel.Name == ml.KernelLinear {
		return m.plotMarginFrame()
	}
	return m.plotHeight()
}

// plotMarginFrame redraws every sample in the boundary's own frame: its
// signed distance (θᵀx − b)/‖θ‖ to the hyperplane across, its position
// along the hyperplane up (exact in any number of features). The margin
// lines f = ±1 are then the vertical lines at ±1/‖θ‖.
func (m *model) plotMarginFrame() *plot.Plot {
	s := m.svm
	theta := s.Weights()
	norm := s.WeightNorm()
	p := viz.NewPlot("", "signed distance to the boundary  (θᵀx − b)/‖θ‖", "position along the boundary")
	// Along: a direction orthogonal to θ, in the map plane.
	along := make([]float64, len(theta))
	if h := math.Hypot(theta[0], theta[1]); h > 0 {
		along[0], along[1] = -theta[1]/h, theta[0]/h
	} else {
		along[0] = 1
	}
	frame := func(x []float64) []float64 {
		var f, t float64
		for j, v := range x {
			f += theta[j] * v
			t += along[j] * v
		}
		return []float64{(f - s.B()) / norm, t}
	}
	half := 1 / norm
	viz.AddBands(p, []viz.Band{{From: -half, To: half, Color: color.RGBA{0xEE, 0xEE, 0xEE, 0xFF}, Label: "margin band, 2/‖θ‖ = " + fmtShort(2*half)}})
	viz.AddVLine(p, 0, "", inkBoundary)
	viz.AddVLine(p, -half, "", inkMargin)
	viz.AddVLine(p, half, "", inkMargin)
	m.addFramed(p, frame)
	p.Title.Text = fmt.Sprintf("margin 1/‖θ‖ = %s on each side of θᵀx − b = 0", fmtShort(half))
	// Keep the band in view even when every sample is far from it.
	p.X.Min, p.X.Max = min(p.X.Min, -2*half), max(p.X.Max, 2*half)
	return p
}

// addFramed draws the training samples, the problem the SVM solves, at
// frame(x) as the map draws them (circles, the user's points squares),
// with the support vectors ringed.
func (m *model) addFramed(p *plot.Plot, frame func(x []float64) []float64) {
	set := m.set
	gen := len(set.X) - set.User
	var train, user [][]float64
	var trainY, userY []int
	drawn := make([][]float64, len(m.trainX))
	for k, i := range set.Train {
		drawn[k] = frame(set.X[i])
		if i >= gen {
			user, userY = append(user, drawn[k]), append(userY, set.Labels[i])
		} else {
			train, trainY = append(train, drawn[k]), append(trainY, set.Labels[i])
		}
	}
	viz.AddScatter(p, train, trainY, viz.ScatterStyle{Outline: true})
	viz.AddScatter(p, user, userY, viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	m.addSupport(p, drawn, 6)
}

// plotHeight is an oblique 3-D view of the map with every sample lifted
// to height f(x) = wᵀφ(x) − b, the one direction of the feature space the
// classifier looks along; the flat sheet at height 0 is the hyperplane,
// and the surface crosses it along the boundary.
func (m *model) plotHeight() *plot.Plot {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	p.X.Tick.Marker = plot.ConstantTicks(nil) // no grid behind the 3-D drawing
	p.Y.Tick.Marker = plot.ConstantTicks(nil)
	b := m.set.Bounds
	g := m.grids().coarse
	// The height axis shows ±top: the samples' heights (the map's corners
	// can reach far beyond), at least ±1.5 so the margin levels fit.
	top := 1.5
	for _, x := range m.trainX {
		top = max(top, math.Abs(m.svm.Decision(x)))
	}
	top = min(top, 4)
	proj := func(x1, x2, f float64) []float64 {
		u := 2*(x1-b[0])/(b[1]-b[0]) - 1
		v := 2*(x2-b[2])/(b[3]-b[2]) - 1
		h := 0.9 * max(-top, min(top, f)) / top
		depth := u*math.Sin(azimuth) + v*math.Cos(azimuth)
		return []float64{u*math.Cos(azimuth) - v*math.Sin(azimuth), h*math.Cos(elevation) + depth*math.Sin(elevation)}
	}
	// The sheet f = 0.
	var sheet plotter.XYs
	for _, c := range [][2]float64{{b[0], b[2]}, {b[1], b[2]}, {b[1], b[3]}, {b[0], b[3]}} {
		q := proj(c[0], c[1], 0)
		sheet = append(sheet, plotter.XY{X: q[0], Y: q[1]})
	}
	if poly, err := plotter.NewPolygon(sheet); err == nil {
		poly.Color = color.NRGBA{0x80, 0x80, 0x80, 0x22}
		poly.LineStyle = draw.LineStyle{Color: inkMargin, Width: 0.6}
		p.Add(poly)
	}
	// The surface as a wireframe, each piece coloured by the side of the
	// sheet it is on; where a line pierces the sheet is a boundary point.
	var crossings [][]float64
	nx := len(g.xs)
	line := func(at func(k int) (x1, x2, f float64), n int) {
		var piece plotter.XYs
		flush := func(class int) {
			if len(piece) > 1 {
				c := viz.ClassColor(class)
				p.Add(&plotter.Line{XYs: piece, LineStyle: draw.LineStyle{Color: color.NRGBA{c.R, c.G, c.B, 0xB0}, Width: 0.7}})
			}
		}
		x1, x2, f := at(0)
		q := proj(x1, x2, f)
		piece = plotter.XYs{{X: q[0], Y: q[1]}}
		for k := 1; k < n; k++ {
			y1, y2, h := at(k)
			if (f > 0) != (h > 0) {
				t := f / (f - h)
				c := proj(x1+t*(y1-x1), x2+t*(y2-x2), 0)
				crossings = append(crossings, c)
				piece = append(piece, plotter.XY{X: c[0], Y: c[1]})
				flush(side(f))
				piece = plotter.XYs{{X: c[0], Y: c[1]}}
			}
			q := proj(y1, y2, h)
			piece = append(piece, plotter.XY{X: q[0], Y: q[1]})
			x1, x2, f = y1, y2, h
		}
		flush(side(f))
	}
	for j := range g.ys {
		line(func(i int) (float64, float64, float64) { return g.xs[i], g.ys[j], g.v[j*nx+i] }, nx)
	}
	for i := range g.xs {
		line(func(j int) (float64, float64, float64) { return g.xs[i], g.ys[j], g.v[j*nx+i] }, len(g.ys))
	}
	viz.AddScatter(p, crossings, []int{}, viz.ScatterStyle{Radius: 1.6})
	m.addFramed(p, func(x []float64) []float64 { return proj(x[0], x[1], m.svm.Decision(x)) })
	// The height axis at the back corner, and names on the sheet's edges.
	base, tip := proj(b[0], b[3], -top), proj(b[0], b[3], top)
	p.Add(&plotter.Line{XYs: plotter.XYs{{X: base[0], Y: base[1]}, {X: tip[0], Y: tip[1]}}, LineStyle: draw.LineStyle{Color: inkMargin, Width: 0.8}})
	x1Label := proj((b[0]+b[1])/2, b[2]-0.12*(b[3]-b[2]), 0)
	x2Label := proj(b[1]+0.1*(b[1]-b[0]), (b[2]+b[3])/2, 0)
	labels, err := plotter.NewLabels(plotter.XYLabels{
		XYs:    []plotter.XY{{X: x1Label[0], Y: x1Label[1]}, {X: x2Label[0], Y: x2Label[1]}, {X: tip[0], Y: tip[1]}},
		Labels: []string{m.set.FeatureNames[0], m.set.FeatureNames[1], " f(x) = " + fmtShort(top)},
	})
	if err == nil {
		for k := range labels.TextStyle {
			labels.TextStyle[k] = p.X.Label.TextStyle
			labels.TextStyle[k].XAlign = draw.XCenter
		}
		labels.TextStyle[2].XAlign = draw.XLeft
		p.Add(labels)
	}
	p.Title.Text = "height f(x) = wᵀφ(x) − b; the grey sheet is f = 0"
	if m.kernel.Name == ml.KernelPoly && m.kernel.Degree == 2 {
		p.Title.Text = "degree 2: f is a quadratic, a bowl or saddle cut by f = 0"
	}
	return p
}

func side(f float64) int {
	if f > 0 {
		return 1
	}
	return 0
}
