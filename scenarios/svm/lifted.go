package svm

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/ml/svm"
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

// oblique projects the point (u, v, h) of the cube [−1, 1]³, u and v
// across the floor and h up, onto the page: the floor turned by the
// azimuth and tipped towards the viewer by the elevation.
func oblique(u, v, h float64) []float64 {
	depth := u*math.Sin(azimuth) + v*math.Cos(azimuth)
	return []float64{u*math.Cos(azimuth) - v*math.Sin(azimuth), h*math.Cos(elevation) + depth*math.Sin(elevation)}
}

// towardViewer is the unit direction of the cube pointing out of the page
// in oblique's projection (orthogonal to both page axes).
func towardViewer() [3]float64 {
	return [3]float64{-math.Sin(azimuth) * math.Cos(elevation), -math.Cos(azimuth) * math.Cos(elevation), math.Sin(elevation)}
}

// plotLifted draws the feature-space picture of the kernel: the margin
// frame for the linear kernel, the samples at their explicit feature
// coordinates for the degree-2 polynomial kernel on 2-D data, the height
// f(x) over the map for the others.
func (m *model) plotLifted() *plot.Plot {
	if m.svm == nil || m.svm.Iteration() == 0 {
		p := viz.NewPlot("", "", "")
		p.HideAxes()
		p.Title.Text = "α = 0: step to build the boundary"
		switch {
		case m.kernel.Name == svm.KernelLinear:
			viz.AddNotice(p, "After the first step: every sample at its signed",
				"distance (wᵀx − b)/‖w‖ to the boundary,", "with the margin band around 0.")
		case m.hasQuadMap():
			viz.AddNotice(p, "After the first step: the samples at their",
				"degree-2 features (x₁², √2·x₁x₂, x₂²)", "and the separating plane.")
		default:
			viz.AddNotice(p, "After the first step: the map lifted to height f(x);",
				"the flat sheet f = 0 is the hyperplane,", "and the surface crosses it along the boundary.")
		}
		return p
	}
	switch {
	case m.kernel.Name == svm.KernelLinear:
		return m.plotMarginFrame()
	case m.hasQuadMap():
		return m.plotFeatureSpace()
	}
	return m.plotHeight()
}

// plotMarginFrame redraws every sample in the boundary's own frame: its
// signed distance (wᵀx − b)/‖w‖ to the hyperplane across, its position
// along the hyperplane up (exact in any number of features). The margin
// lines f = ±1 are then the vertical lines at ±1/‖θ‖.
func (m *model) plotMarginFrame() *plot.Plot {
	s := m.svm
	theta := s.Weights()
	norm := s.WeightNorm()
	p := viz.NewPlot("", "signed distance to the boundary  (wᵀx − b)/‖w‖", "position along the boundary")
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
	viz.AddBands(p, []viz.Band{{From: -half, To: half, Color: color.RGBA{0xEE, 0xEE, 0xEE, 0xFF}, Label: "margin band, 2/‖w‖ = " + fmtShort(2*half)}})
	viz.AddVLine(p, 0, "", inkBoundary)
	viz.AddVLine(p, -half, "", inkMargin)
	viz.AddVLine(p, half, "", inkMargin)
	m.addFramed(p, frame)
	p.Title.Text = fmt.Sprintf("margin 1/‖w‖ = %s on each side of wᵀx − b = 0", fmtShort(half))
	// Keep the band in view even when every sample is far from it.
	p.X.Min, p.X.Max = min(p.X.Min, -2*half), max(p.X.Max, 2*half)
	return p
}

// addFramed draws the training samples, the problem the SVM solves, at
// frame(x) as the map draws them (circles, the user's points squares),
// with the support vectors ringed.
func (m *model) addFramed(p *plot.Plot, frame func(x []float64) []float64) {
	drawn := make([][]float64, len(m.trainX))
	for k, i := range m.set.Train {
		drawn[k] = frame(m.set.X[i])
	}
	m.addDrawn(p, drawn, nil)
}

// addDrawn draws training sample k at drawn[k], as addFramed does, only
// those keep accepts (all when keep is nil).
func (m *model) addDrawn(p *plot.Plot, drawn [][]float64, keep func(k int) bool) {
	set := m.set
	gen := len(set.X) - set.User
	var train, user [][]float64
	var trainY, userY []int
	for k, i := range set.Train {
		if keep != nil && !keep(k) {
			continue
		}
		if i >= gen {
			user, userY = append(user, drawn[k]), append(userY, set.Labels[i])
		} else {
			train, trainY = append(train, drawn[k]), append(trainY, set.Labels[i])
		}
	}
	viz.AddScatter(p, train, trainY, viz.ScatterStyle{Outline: true})
	viz.AddScatter(p, user, userY, viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	m.addSupport(p, drawn, 6, keep)
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
		return oblique(2*(x1-b.XMin)/b.Width()-1, 2*(x2-b.YMin)/b.Height()-1, 0.9*max(-top, min(top, f))/top)
	}
	// The sheet f = 0.
	var sheet plotter.XYs
	for _, c := range [][2]float64{{b.XMin, b.YMin}, {b.XMax, b.YMin}, {b.XMax, b.YMax}, {b.XMin, b.YMax}} {
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
	base, tip := proj(b.XMin, b.YMax, -top), proj(b.XMin, b.YMax, top)
	p.Add(&plotter.Line{XYs: plotter.XYs{{X: base[0], Y: base[1]}, {X: tip[0], Y: tip[1]}}, LineStyle: draw.LineStyle{Color: inkMargin, Width: 0.8}})
	x1Label := proj((b.XMin+b.XMax)/2, b.YMin-0.12*b.Height(), 0)
	x2Label := proj(b.XMax+0.1*b.Width(), (b.YMin+b.YMax)/2, 0)
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
	if m.kernel.Name == svm.KernelPoly && m.kernel.Degree == 2 {
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

// Drawn axes of the feature-space view: the cube's u and v across the
// floor show φ₁ = γx₁² and φ₂ = √2·γx₁x₂, h up shows φ₃ = γx₂² (indices
// into quadFeatures). Seen from oblique's angles, the plane that parts
// rings (φ₁ + φ₃ constant) is then nearly edge-on, with one class below it
// in the corner of small squares and the other above and behind.
var cubeAxes = [3]int{0, 1, 2}

// plotFeatureSpace draws the degree-2 polynomial kernel's feature space
// itself: every training sample at its three quadratic coordinates
// (γx₁², √2·γx₁x₂, γx₂²) in an oblique box, and the separating hyperplane
// wᵀφ(x) − b = 0 (quadWeights) as a grey plane. The full φ has three more
// coordinates, linear and constant, from c₀; the plane drawn is the
// hyperplane's section where the linear ones are 0,
//
//	w₁φ₁ + w₂φ₂ + w₃φ₃ = b − w₆|c₀|,
//
// and the constant's weight w₆ = |c₀|·Σαᵢyᵢ is 0 by the dual's equality
// constraint, so the picture leaves out only the linear part of f, whose
// share of ‖w‖² the caption prints. The three quadratic coordinates are the
// ones the kernel adds to a linear SVM: all the monomials of degree 2.
// Samples behind the plane are drawn before it, those in front after, so
// the translucent plane covers the far class.
func (m *model) plotFeatureSpace() *plot.Plot {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	p.X.Tick.Marker = plot.ConstantTicks(nil)
	p.Y.Tick.Marker = plot.ConstantTicks(nil)
	w := m.quadWeights()
	// The box spans the samples' drawn coordinates, padded by 4%.
	cube := make([][3]float64, len(m.trainX))
	lo, hi := [3]float64{}, [3]float64{}
	for a := range lo {
		lo[a], hi[a] = math.Inf(1), math.Inf(-1)
	}
	for k, x := range m.trainX {
		phi, _ := quadFeatures(m.kernel, x)
		for a, j := range cubeAxes {
			cube[k][a] = phi[j]
			lo[a], hi[a] = min(lo[a], phi[j]), max(hi[a], phi[j])
		}
	}
	for a := range lo {
		pad := max(0.04*(hi[a]-lo[a]), 1e-9)
		lo[a], hi[a] = lo[a]-pad, hi[a]+pad
	}
	drawn := make([][]float64, len(cube))
	for k, q := range cube {
		for a := range q {
			q[a] = 2*(q[a]-lo[a])/(hi[a]-lo[a]) - 1
		}
		cube[k] = q
		drawn[k] = oblique(q[0], q[1], q[2])
	}
	// The plane n·c = d in cube coordinates c ∈ [−1, 1]³.
	var n [3]float64
	d := m.svm.B() - w[5]*quadSign(m.kernel)[5]
	for a, j := range cubeAxes {
		half := (hi[a] - lo[a]) / 2
		n[a] = w[j] * half
		d -= w[j] * (lo[a] + half)
	}
	view := towardViewer()
	facing := n[0]*view[0]+n[1]*view[1]+n[2]*view[2] > 0
	front := func(k int) bool {
		c := cube[k]
		return (n[0]*c[0]+n[1]*c[1]+n[2]*c[2] > d) == facing
	}
	addBox(p)
	m.addDrawn(p, drawn, func(k int) bool { return !front(k) })
	if poly := planeInCube(n, d); poly != nil {
		poly.Color = color.NRGBA{0x70, 0x70, 0x70, 0x50}
		poly.LineStyle = draw.LineStyle{Color: inkBoundary, Width: 0.8}
		p.Add(poly)
	}
	m.addDrawn(p, drawn, front)
	var all, linear float64
	for j, v := range w {
		all += v * v
		if j == 3 || j == 4 {
			linear += v * v
		}
	}
	names := m.set.FeatureNames
	coord := [3]string{"γ·" + names[0] + "²", "√2·γ·" + names[0] + "·" + names[1], "γ·" + names[1] + "²"}
	at := func(u, v, h float64) plotter.XY {
		q := oblique(u, v, h)
		return plotter.XY{X: q[0], Y: q[1]}
	}
	bottom := at(-1, -1, -1)
	labels, err := plotter.NewLabels(plotter.XYLabels{
		XYs: []plotter.XY{at(0, -1.25, -1), at(-1.3, 0, -1), at(-1, 1, 1.1), {X: 0, Y: bottom.Y - 0.3}},
		Labels: []string{
			coord[cubeAxes[0]], coord[cubeAxes[1]], coord[cubeAxes[2]],
			fmt.Sprintf("quadratic part of φ; the %s, %s terms from c₀ (%s of ‖w‖²) are set to 0",
				names[0], names[1], percent(linear/all)),
		},
	})
	if err == nil {
		for k := range labels.TextStyle {
			labels.TextStyle[k] = p.X.Label.TextStyle
			labels.TextStyle[k].XAlign = draw.XCenter
		}
		labels.TextStyle[3].Font.Size *= 0.85
		p.Add(labels)
	}
	p.Title.Text = fmt.Sprintf("φ(x) = γ(%s², √2·%s·%s, %s²); grey: plane wᵀφ(x) = b", names[0], names[0], names[1], names[1])
	return p
}

// quadSign is the sign vector s of quadFeatures for the kernel k.
func quadSign(k svm.Kernel) [quadDim]float64 {
	_, s := quadFeatures(k, []float64{0, 0})
	return s
}

func percent(f float64) string {
	if math.IsNaN(f) {
		return "0%"
	}
	return strconv.FormatFloat(100*f, 'f', 0, 64) + "%"
}

// addBox draws the back of the cube [−1, 1]³ as oblique shows it: the
// floor and the two far walls, leaving out the three edges that meet at
// the near top corner so the box reads one way only.
func addBox(p *plot.Plot) {
	style := draw.LineStyle{Color: color.RGBA{0xBB, 0xBB, 0xBB, 0xFF}, Width: 0.6}
	near := [3]float64{-1, -1, 1}
	for _, e := range cubeEdges() {
		if e[0] == near || e[1] == near {
			continue
		}
		a, b := oblique(e[0][0], e[0][1], e[0][2]), oblique(e[1][0], e[1][1], e[1][2])
		p.Add(&plotter.Line{XYs: plotter.XYs{{X: a[0], Y: a[1]}, {X: b[0], Y: b[1]}}, LineStyle: style})
	}
}

// cubeEdges returns the 12 edges of [−1, 1]³ as pairs of corners.
func cubeEdges() [][2][3]float64 {
	var edges [][2][3]float64
	for a := range 3 {
		b, c := (a+1)%3, (a+2)%3
		for _, s := range [][2]float64{{-1, -1}, {-1, 1}, {1, -1}, {1, 1}} {
			var p, q [3]float64
			p[a], q[a] = -1, 1
			p[b], q[b] = s[0], s[0]
			p[c], q[c] = s[1], s[1]
			edges = append(edges, [2][3]float64{p, q})
		}
	}
	return edges
}

// planeInCube returns the polygon where the plane n·c = d cuts the cube
// [−1, 1]³, projected by oblique, or nil when the plane misses the cube.
// The cut is convex, so its corners are sorted by angle about their mean.
func planeInCube(n [3]float64, d float64) *plotter.Polygon {
	var pts plotter.XYs
	for _, e := range cubeEdges() {
		gp := n[0]*e[0][0] + n[1]*e[0][1] + n[2]*e[0][2] - d
		gq := n[0]*e[1][0] + n[1]*e[1][1] + n[2]*e[1][2] - d
		if (gp > 0) == (gq > 0) || gp == gq {
			continue
		}
		t := gp / (gp - gq)
		var c [3]float64
		for a := range c {
			c[a] = e[0][a] + t*(e[1][a]-e[0][a])
		}
		q := oblique(c[0], c[1], c[2])
		pts = append(pts, plotter.XY{X: q[0], Y: q[1]})
	}
	if len(pts) < 3 {
		return nil
	}
	var cx, cy float64
	for _, q := range pts {
		cx, cy = cx+q.X/float64(len(pts)), cy+q.Y/float64(len(pts))
	}
	sort.Slice(pts, func(i, j int) bool {
		return math.Atan2(pts[i].Y-cy, pts[i].X-cx) < math.Atan2(pts[j].Y-cy, pts[j].X-cx)
	})
	poly, err := plotter.NewPolygon(pts)
	if err != nil {
		return nil
	}
	return poly
}
