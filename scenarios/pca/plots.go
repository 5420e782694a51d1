package pca

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/decomp"
	"github.com/mlplayground/playground/internal/viz"
)

// Oblique view of the 3-D data: camera azimuth and elevation.
const (
	azimuth   = 35 * math.Pi / 180
	elevation = 22 * math.Pi / 180
	// viewSamples is how many samples each view of 3-D data draws: four
	// views of every sample, with their projections, would not fit the
	// frame budget.
	viewSamples = 36
	// digitsShown is how many digit images the digits panel shows.
	digitsShown = 8
)

// faintClass is the palette's grey, for samples shown as background.
const faintClass = 9

// Colours of the principal axes: PC1, PC2, PC3.
var axisColors = []color.Color{viz.ClassColor(3), viz.ClassColor(4), viz.ClassColor(6)}

// view is what the plots need beyond the stepper: bounds fixed for the
// whole run, so steps animate in one frame of reference.
type view struct {
	// bounds holds one box per projection of the data panel: in 2-D fitted
	// to the panel, in 3-D the content of each view, which multiView
	// widens to fill the view's cell.
	bounds []viz.Box
	sample []int // 3-D: the samples the views draw, evenly spread
	shown  []int // digits panel: the samples shown
}

func newView(m *model) view {
	var v view
	f := m.final
	switch f.Dim() {
	case 2:
		pr := projections(2)[0].to
		b := viz.EmptyBox()
		for _, set := range [][][]float64{m.X, f.Centred(), f.Reconstruction()} {
			b = b.Extend(mapRows(set, pr))
		}
		b = b.Extend(mapRows(m.axisTips(f, 1.15), pr))
		v.bounds = []viz.Box{equalAspect(b)}
	case 3:
		k := min(viewSamples, len(m.X))
		for i := range k {
			v.sample = append(v.sample, i*len(m.X)/k)
		}
		sets := [][][]float64{v.pick(m.X), v.pick(f.Centred()), v.pick(f.Reconstruction()),
			backProject(f, v.pick(f.Scores()), false), m.axisTips(f, 1.15)}
		if f.Kept() == 2 {
			sets = append(sets, subspaceEnds(f, make([]float64, 3), false), subspaceEnds(f, f.Mean(), true))
		}
		for _, pj := range projections(3) {
			b := viz.EmptyBox()
			for _, set := range sets {
				b = b.Extend(mapRows(set, pj.to))
			}
			v.bounds = append(v.bounds, b)
		}
	}
	if m.dataset.images {
		// The first sample of each digit 0..7 that the subset has, so the
		// row shows different shapes; others fill up when some are missing.
		seen := map[int]bool{}
		for i, l := range m.labels {
			if !seen[l] && l < digitsShown {
				seen[l] = true
				v.shown = append(v.shown, i)
			}
		}
		for i := 0; len(v.shown) < min(digitsShown, len(m.X)) && i < len(m.X); i++ {
			if m.labels[i] >= digitsShown {
				v.shown = append(v.shown, i)
			}
		}
	}
	return v
}

// pick returns the rows of X the data panel draws: all of them, or the
// thinned sample of 3-D data.
func (v view) pick(X [][]float64) [][]float64 {
	if v.sample == nil {
		return X
	}
	out := make([][]float64, len(v.sample))
	for i, s := range v.sample {
		out[i] = X[s]
	}
	return out
}

// projection is one view of the data panel: a map from a sample to the
// plane of the view, and the view's labels.
type projection struct {
	title, xLabel, yLabel string
	to                    func([]float64) []float64
	// oblique views draw the feature axes x₁, x₂, x₃.
	oblique bool
}

// projections returns the views of D-dimensional data: the data itself in
// 2-D; in 3-D the orthographic views on the x₁x₂, x₁x₃ and x₂x₃ planes
// and an oblique view from (azimuth, elevation), in the order of a 2×2
// grid laid out as an engineering drawing: the top view (x₁x₂) above the
// front view (x₁x₃), which shares its x₁ axis, and the side view (x₂x₃)
// beside the front view, sharing its x₃ axis.
func projections(D int) []projection {
	if D == 2 {
		return []projection{{xLabel: "x₁", yLabel: "x₂", to: func(x []float64) []float64 { return []float64{x[0], x[1]} }}}
	}
	plane := func(a, b int) projection {
		xl, yl := "x"+subscript(a+1), "x"+subscript(b+1)
		return projection{title: xl + "–" + yl + " plane", xLabel: xl, yLabel: yl,
			to: func(x []float64) []float64 { return []float64{x[a], x[b]} }}
	}
	ca, sa, ce, se := math.Cos(azimuth), math.Sin(azimuth), math.Cos(elevation), math.Sin(elevation)
	oblique := projection{title: "oblique view", oblique: true, to: func(x []float64) []float64 {
		return []float64{ca*x[0] - sa*x[1], se*(sa*x[0]+ca*x[1]) + ce*x[2]}
	}}
	return []projection{plane(0, 1), oblique, plane(0, 2), plane(1, 2)}
}

func mapRows(X [][]float64, f func([]float64) []float64) [][]float64 {
	out := make([][]float64, len(X))
	for i, x := range X {
		out[i] = f(x)
	}
	return out
}

// axisTips returns ±k·2√λ_j p_j for every component, in centred units.
func (m *model) axisTips(p *decomp.PCA, k float64) [][]float64 {
	var tips [][]float64
	ev := p.Eigenvalues()
	for j, c := range p.Components() {
		for _, sgn := range []float64{k, -k} {
			t := make([]float64, len(c))
			for i := range c {
				t[i] = sgn * 2 * math.Sqrt(ev[j]) * c[i]
			}
			tips = append(tips, t)
		}
	}
	return tips
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "data":
		switch m.pca.Dim() {
		case 2:
			return m.plotGeometry(projections(2)[0], m.view.bounds[0]), nil
		case 3:
			return m.plotViews(), nil
		}
		return m.plotHighDim(), nil
	case "variance":
		return m.plotVariance(), nil
	case "error":
		return m.plotError(), nil
	case "digits":
		return m.plotDigits(), nil
	}
	return nil, fmt.Errorf("pca: no panel %q", panel)
}

// PanelVersion implements lab.PanelVersioner: the digits panel changes
// only from one stage to the next, and never when the data set has no
// images (it holds a note then).
func (m *model) PanelVersion(panel string) (uint64, bool) {
	if panel != "digits" {
		return 0, false
	}
	if !m.dataset.images {
		return 0, true
	}
	return uint64(slices.Index(decomp.Stages, m.pca.Stage()) + 1), true
}

var _ lab.PanelVersioner = (*model)(nil)

// plotViews draws 3-D data as four views in one panel (see projections),
// all at one scale, each with the stage's geometry.
func (m *model) plotViews() *plot.Plot {
	plt := viz.NewPlot("", "", "")
	plt.HideAxes()
	plt.X.Min, plt.X.Max, plt.Y.Min, plt.Y.Max = 0, 1, 0, 1
	mv := multiView{cols: 2, extents: m.view.bounds}
	for i, pj := range projections(3) {
		v := m.plotGeometry(pj, m.view.bounds[i])
		v.BackgroundColor = nil
		mv.plots = append(mv.plots, v)
	}
	plt.Add(mv)
	return plt
}

// plotGeometry draws one view of the data with the stage's geometry: mean,
// covariance ellipse (2-D), principal axes, the kept subspace, projections
// and reconstructions, within bounds b.
func (m *model) plotGeometry(pj projection, b viz.Box) *plot.Plot {
	p := m.pca
	D := p.Dim()
	pr := pj.to
	xl := pj.xLabel
	if m.standardizing() && m.reached(decomp.StageCentre) && !m.reached(decomp.StageReconstruct) {
		xl += " (standardized)"
	}
	plt := viz.NewPlot(pj.title, xl, pj.yLabel)
	if D == 3 {
		// Four views share the panel: smaller titles.
		plt.Title.TextStyle.Font.Size = 11
		plt.Title.Padding = 3
	}
	viz.SetAxes(plt, b)
	if D == 3 {
		// The small views have no room for numbers (and the oblique one's
		// screen axes are no feature's): faint lines through the origin
		// show where centring moves the cloud, the feature axes do in the
		// oblique view.
		plt.X.Tick.Marker = plot.ConstantTicks(nil)
		plt.Y.Tick.Marker = plot.ConstantTicks(nil)
		if !pj.oblique {
			plt.Add(zeroLines{})
		}
	}
	// The mean's cross, smaller in the small views of 3-D data.
	cross := vg.Length(7)
	if D == 3 {
		cross = 5
	}
	stage := p.Stage()
	origin := make([]float64, D)
	if pj.oblique {
		m.addAxesTriad(plt, pr, stage == decomp.StageInit || stage == decomp.StageReconstruct)
	}
	pick := m.view.pick
	// The small orthographic views leave the dropped axes unnamed: their
	// faint labels would crowd the kept ones.
	nameDropped := D == 2 || pj.oblique

	switch stage {
	case decomp.StageInit:
		m.addSamples(plt, mapRows(pick(m.X), pr), 0)
		return plt
	case decomp.StageReconstruct:
		// Back in the data's units: originals faded, reconstructions on the
		// kept subspace through the mean.
		X, R := pick(m.X), pick(p.Reconstruction())
		mean := p.Mean()
		addSegments(plt, mapRows(X, pr), mapRows(R, pr), inkFaint)
		m.addSamples(plt, mapRows(X, pr), faintClass)
		m.addSubspace(plt, pr, mean, true)
		viz.AddScatter(plt, mapRows(R, pr), nil, viz.ScatterStyle{Radius: 2.6})
		viz.AddMarkers(plt, [][]float64{pr(mean)}, []int{1}, "cross", cross)
		m.addKeptAxes(plt, pr, mean, true, nameDropped)
		return plt
	}
	Xc := pick(p.Centred())
	switch stage {
	case decomp.StageProject:
		proj := backProject(p, pick(p.Scores()), false)
		addSegments(plt, mapRows(Xc, pr), mapRows(proj, pr), inkFaint)
		m.addSamples(plt, mapRows(Xc, pr), 0)
		m.addSubspace(plt, pr, origin, false)
		addColored(plt, mapRows(proj, pr), 1, viz.ScatterStyle{Radius: 2.6})
		m.addKeptAxes(plt, pr, origin, false, nameDropped)
		return plt
	case decomp.StageKeep:
		m.addSamples(plt, mapRows(Xc, pr), 0)
		m.addSubspace(plt, pr, origin, false)
		m.addKeptAxes(plt, pr, origin, false, nameDropped)
		return plt
	}
	m.addSamples(plt, mapRows(Xc, pr), 0)
	viz.AddMarkers(plt, [][]float64{pr(origin)}, []int{1}, "cross", cross)
	if stage == decomp.StageCovariance && D == 2 {
		m.addEllipse(plt)
	}
	if stage == decomp.StageEigen {
		m.addAxes(plt, pr, origin, p.Dim())
	}
	return plt
}

// addSamples draws the generated samples as circles and the user's as
// squares, all in one colour.
func (m *model) addSamples(plt *plot.Plot, X [][]float64, c int) {
	g := min(m.generated, len(X))
	addColored(plt, X[:g], c, viz.ScatterStyle{Outline: true})
	if g < len(X) {
		addColored(plt, X[g:], c, viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
}

// addColored is viz.AddScatter with every point in ClassColor(class).
func addColored(plt *plot.Plot, X [][]float64, class int, sty viz.ScatterStyle) {
	classes := make([]int, len(X))
	for i := range classes {
		classes[i] = class
	}
	viz.AddScatter(plt, X, classes, sty)
}

// addAxes draws the first k principal axes from the origin, each 2√λ long.
func (m *model) addAxes(plt *plot.Plot, pr func([]float64) []float64, origin []float64, k int) {
	var as arrows
	ev, comps := m.pca.Eigenvalues(), m.pca.Components()
	for j := range k {
		tip := make([]float64, len(origin))
		for i := range tip {
			tip[i] = origin[i] + 2*math.Sqrt(ev[j])*comps[j][i]
		}
		o, t := pr(origin), pr(tip)
		as = append(as, arrow{From: [2]float64{o[0], o[1]}, To: [2]float64{t[0], t[1]}, Color: axisColors[j], Width: 2.4, Head: true,
			Label: fmt.Sprintf("PC%d", j+1)})
	}
	plt.Add(as)
}

// subspaceEnds returns what is drawn of the kept subspace through origin:
// the ends of the kept line, ±4√λ₁ p₁, for d = 1, and the corners of a
// plane patch, ±2.2√λ₁ p₁ ± 2.2√λ₂ p₂, for d = 2 in 3-D; nothing when the
// subspace is the whole space. In data units when inData (the directions
// scaled back by the standard deviations), else centred ones.
func subspaceEnds(p *decomp.PCA, origin []float64, inData bool) [][]float64 {
	D, d := p.Dim(), p.Kept()
	ev, comps, scale := p.Eigenvalues(), p.Components(), p.Scale()
	at := func(steps ...float64) []float64 {
		v := append([]float64(nil), origin...)
		for j, s := range steps {
			for i := range v {
				if inData {
					v[i] += s * comps[j][i] * scale[i]
				} else {
					v[i] += s * comps[j][i]
				}
			}
		}
		return v
	}
	switch {
	case d == 1:
		reach := 4 * math.Sqrt(ev[0])
		return [][]float64{at(reach), at(-reach)}
	case d == 2 && D == 3:
		r0, r1 := 2.2*math.Sqrt(ev[0]), 2.2*math.Sqrt(ev[1])
		return [][]float64{at(r0, r1), at(r0, -r1), at(-r0, -r1), at(-r0, r1)}
	}
	return nil
}

// addSubspace draws the kept subspace through origin: a line across the
// view for d = 1, a plane patch for d = 2 in 3-D. In data units when
// inData, else centred ones.
func (m *model) addSubspace(plt *plot.Plot, pr func([]float64) []float64, origin []float64, inData bool) {
	ends := mapRows(subspaceEnds(m.pca, origin, inData), pr)
	switch len(ends) {
	case 2:
		a, b := ends[0], ends[1]
		plt.Add(arrows{{From: [2]float64{a[0], a[1]}, To: [2]float64{b[0], b[1]}, Color: axisColors[0], Width: 1, Dashed: true, Clip: true}})
	case 4:
		var ring plotter.XYs
		for _, q := range ends {
			ring = append(ring, plotter.XY{X: q[0], Y: q[1]})
		}
		if poly, err := plotter.NewPolygon(ring); err == nil {
			poly.Color = color.NRGBA{0xD5, 0x5E, 0x00, 0x30}
			poly.LineStyle = draw.LineStyle{Color: color.NRGBA{0xD5, 0x5E, 0x00, 0x90}, Width: 1}
			plt.Add(poly)
		}
	}
}

// addKeptAxes draws every principal axis from origin, 2√λ long, the
// dropped ones dashed and faint, named only when nameDropped; in data
// units when inData.
func (m *model) addKeptAxes(plt *plot.Plot, pr func([]float64) []float64, origin []float64, inData, nameDropped bool) {
	p := m.pca
	D, d := p.Dim(), p.Kept()
	ev, comps, scale := p.Eigenvalues(), p.Components(), p.Scale()
	dir := func(j int, length float64) []float64 {
		v := make([]float64, D)
		for i := range v {
			v[i] = origin[i] + length*comps[j][i]
			if inData {
				v[i] = origin[i] + length*comps[j][i]*scale[i]
			}
		}
		return v
	}
	var as arrows
	for j := range D {
		o, t := pr(origin), pr(dir(j, 2*math.Sqrt(ev[j])))
		a := arrow{From: [2]float64{o[0], o[1]}, To: [2]float64{t[0], t[1]}, Color: axisColors[j], Width: 2.4, Head: true,
			Label: fmt.Sprintf("PC%d", j+1)}
		if j >= d {
			a.Color, a.Width, a.Dashed = inkFaint, 1.4, true
			a.LabelColor = inkDropped
			if !nameDropped {
				a.Label = ""
			}
		}
		as = append(as, a)
	}
	plt.Add(as)
}

// backProject maps scores Z to Z P_dᵀ, in centred units (or data units,
// with the scale and mean, when inData).
func backProject(p *decomp.PCA, Z [][]float64, inData bool) [][]float64 {
	comps, mean, scale := p.Components(), p.Mean(), p.Scale()
	D := len(mean)
	out := make([][]float64, len(Z))
	for i, z := range Z {
		out[i] = make([]float64, D)
		for j := range D {
			var s float64
			for c, zc := range z {
				s += zc * comps[c][j]
			}
			if inData {
				s = s*scale[j] + mean[j]
			}
			out[i][j] = s
		}
	}
	return out
}

// addEllipse draws {x : xᵀC⁻¹x = 4}, the 2-σ contour the covariance
// describes, as 2·L·(unit circle) with C = LLᵀ.
func (m *model) addEllipse(plt *plot.Plot) {
	C := m.pca.Covariance()
	l11 := math.Sqrt(C[0][0])
	if l11 == 0 {
		return
	}
	l21 := C[1][0] / l11
	l22 := math.Sqrt(max(C[1][1]-l21*l21, 0))
	const k = 96
	xs, ys := make([]float64, k+1), make([]float64, k+1)
	for i := range xs {
		t := 2 * math.Pi * float64(i) / k
		u, v := 2*math.Cos(t), 2*math.Sin(t)
		xs[i], ys[i] = l11*u, l21*u+l22*v
	}
	viz.AddLine(plt, xs, ys, viz.ClassColor(1), "2σ ellipse of C", true)
}

// addAxesTriad draws the feature axes x₁, x₂, x₃ of the oblique view from
// the mean (inData) or the origin, each about a fifth of the view wide.
func (m *model) addAxesTriad(plt *plot.Plot, pr func([]float64) []float64, inData bool) {
	o := []float64{0, 0, 0}
	if inData {
		o = m.final.Mean()
	}
	l := 0.25 * (plt.X.Max - plt.X.Min) / math.Cos(elevation)
	var as arrows
	for j := range 3 {
		t := append([]float64(nil), o...)
		t[j] += l
		a, c := pr(o), pr(t)
		as = append(as, arrow{From: [2]float64{a[0], a[1]}, To: [2]float64{c[0], c[1]}, Color: viz.Neutral, Width: 1, Head: true,
			Label: "x" + subscript(j+1)})
	}
	plt.Add(as)
}

// plotHighDim draws iris, wine and digits: two features before the eigen
// stage, the covariance matrix at its stage, and the scores on PC1 and
// PC2 coloured by label from the eigen stage on.
func (m *model) plotHighDim() *plot.Plot {
	p := m.pca
	switch {
	case p.Stage() == decomp.StageCovariance:
		return m.plotCovariance()
	case m.reached(decomp.StageEigen):
		Z := p.ScoresOn(2)
		y := "PC2 score"
		if p.Kept() < 2 {
			y = "PC2 score (not kept, shown for reference)"
		}
		plt := viz.NewPlot("", "PC1 score", y)
		viz.AddScatter(plt, Z, m.labels, viz.ScatterStyle{Outline: true})
		m.addLegend(plt)
		return plt
	}
	// The two features of largest variance, raw then centred.
	X := m.X
	if m.reached(decomp.StageCentre) {
		X = p.Centred()
	}
	a, b := topTwoVariance(X)
	plt := viz.NewPlot("", m.features[a], m.features[b])
	pts := make([][]float64, len(X))
	for i, x := range X {
		pts[i] = []float64{x[a], x[b]}
	}
	viz.AddScatter(plt, pts, m.labels, viz.ScatterStyle{Outline: true})
	m.addLegend(plt)
	return plt
}

// topTwoVariance returns the two features of largest variance, in order.
func topTwoVariance(X [][]float64) (int, int) {
	D := len(X[0])
	v := make([]float64, D)
	mean := make([]float64, D)
	for _, x := range X {
		for j, xj := range x {
			mean[j] += xj / float64(len(X))
		}
	}
	for _, x := range X {
		for j, xj := range x {
			v[j] += (xj - mean[j]) * (xj - mean[j])
		}
	}
	a, b := 0, 1
	if v[b] > v[a] {
		a, b = b, a
	}
	for j := 2; j < D; j++ {
		switch {
		case v[j] > v[a]:
			a, b = j, a
		case v[j] > v[b]:
			b = j
		}
	}
	return a, b
}

// addLegend names the classes of iris and wine; the ten digits would hide
// the points, and their colours follow the palette order.
func (m *model) addLegend(plt *plot.Plot) {
	if m.labels == nil || len(m.classes) > 4 {
		return
	}
	for c, name := range m.classes {
		s := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.ClassColor(c), Radius: 3.5, Shape: draw.CircleGlyph{}}}
		plt.Legend.Add(name, s)
	}
}

// plotCovariance draws C as a heat map: red positive, blue negative, white
// zero, scaled by its largest entry; row 1 at the top as matrices are
// written.
func (m *model) plotCovariance() *plot.Plot {
	C := m.pca.Covariance()
	D := len(C)
	plt := viz.NewPlot("", "feature j", "feature i")
	s := max(1, 256/D)
	addImage(plt, matrixImage(C, s), 0.5, 0.5, float64(D)+0.5, float64(D)+0.5)
	// Rows top to bottom: label row i at y = D+1−i.
	var xt, yt []plot.Tick
	step := max(1, D/8)
	for i := 1; i <= D; i += step {
		xt = append(xt, plot.Tick{Value: float64(i), Label: strconv.Itoa(i)})
		yt = append(yt, plot.Tick{Value: float64(D + 1 - i), Label: strconv.Itoa(i)})
	}
	plt.X.Tick.Marker, plt.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	plt.X.Min, plt.X.Max, plt.Y.Min, plt.Y.Max = 0.5, float64(D)+0.5, 0.5, float64(D)+0.5
	return plt
}

// plotVariance draws each component's share of the variance as a bar
// (kept ones in colour) with the cumulative share as a line.
func (m *model) plotVariance() *plot.Plot {
	p := m.pca
	if !m.reached(decomp.StageEigen) {
		return placeholder("The eigenvalues are computed at step 3 (eigen).", "Each bar will be one component's share of the variance.")
	}
	r := p.ExplainedVarianceRatio()
	D, d := len(r), p.Kept()
	plt := viz.NewPlot("", "component k", "share of variance λₖ/Σλ")
	xs := make([]float64, D)
	cum := make([]float64, D)
	kept, dropped := make([]float64, D), make([]float64, D)
	var run float64
	for k := range D {
		xs[k] = float64(k + 1)
		run += r[k]
		cum[k] = run
		// NaN leaves the other layer's bar out of the SVG.
		kept[k], dropped[k] = math.NaN(), math.NaN()
		if k < d && m.reached(decomp.StageKeep) {
			kept[k] = r[k]
		} else {
			dropped[k] = r[k]
		}
	}
	keptLabel := ""
	if m.reached(decomp.StageKeep) {
		keptLabel = "kept"
	}
	keptBars := barSet{xs: xs, ys: kept, width: 0.7, color: viz.ClassColor(0)}
	plt.Add(keptBars, barSet{xs: xs, ys: dropped, width: 0.7, color: viz.ClassColor(9)})
	if keptLabel != "" {
		plt.Legend.Add(keptLabel, keptBars)
	}
	viz.AddLine(plt, xs, cum, viz.ClassColor(1), "cumulative", false)
	if D <= 16 {
		pts := make([][]float64, D)
		for k := range pts {
			pts[k] = []float64{xs[k], cum[k]}
		}
		addColored(plt, pts, 1, viz.ScatterStyle{Radius: 2.5})
	}
	if m.reached(decomp.StageKeep) {
		viz.AddVLine(plt, float64(d)+0.5, fmt.Sprintf("d = %d: %.1f%%", d, 100*cum[d-1]), viz.ClassColor(3))
	}
	plt.Y.Min, plt.Y.Max = 0, 1.08
	plt.X.Min, plt.X.Max = 0.4, float64(D)+0.6
	// The cumulative line runs along the top; the small late bars leave
	// the bottom right free.
	plt.Legend.Top = false
	integerTicks(&plt.X, D)
	return plt
}

// plotError draws the reconstruction error for every d with the current d
// marked.
func (m *model) plotError() *plot.Plot {
	p := m.pca
	if !m.reached(decomp.StageEigen) {
		return placeholder("The error of every d follows from the eigen-decomposition (step 3).")
	}
	D, d := p.Dim(), p.Kept()
	y := "reconstruction MSE"
	if m.standardizing() {
		y += " (standardized units)"
	}
	plt := viz.NewPlot("", "components kept d", y)
	xs, ys := make([]float64, D+1), make([]float64, D+1)
	pts := make([][]float64, D+1)
	for k := range xs {
		xs[k], ys[k] = float64(k), p.ReconstructionError(k)
		pts[k] = []float64{xs[k], ys[k]}
	}
	viz.AddLine(plt, xs, ys, viz.ClassColor(0), "", false)
	if D <= 16 {
		viz.AddScatter(plt, pts, nil, viz.ScatterStyle{Radius: 2.5})
	}
	if m.reached(decomp.StageKeep) {
		viz.AddScatter(plt, pts[d:d+1], []int{3}, viz.ScatterStyle{Radius: 5, Outline: true})
		viz.AddVLine(plt, float64(d), fmt.Sprintf("d = %d: %s", d, num(ys[d])), viz.ClassColor(3))
	}
	plt.Y.Min = 0
	plt.X.Min, plt.X.Max = -0.3, float64(D)+0.3
	integerTicks(&plt.X, D)
	return plt
}

// integerTicks labels whole numbers 0..n (or every few) on an axis.
func integerTicks(a *plot.Axis, n int) {
	step := max(1, n/8)
	if step > 1 {
		step = (step + 4) / 5 * 5 // 5, 10, …
	}
	var ticks []plot.Tick
	for k := 0; k <= n; k += step {
		ticks = append(ticks, plot.Tick{Value: float64(k), Label: strconv.Itoa(k)})
	}
	a.Tick.Marker = plot.ConstantTicks(ticks)
}

// plotDigits shows a few digits as images, row by row as the stages
// reach them: the originals, the mean image, the principal components
// ("eigendigits", red positive, blue negative) and the reconstructions.
func (m *model) plotDigits() *plot.Plot {
	if !m.dataset.images {
		return placeholder("Choose the digits data set to see 8×8 images", "rebuilt from d principal components.")
	}
	p := m.pca
	plt := viz.NewPlot("", "", "")
	plt.X.Min, plt.X.Max = 0, float64(digitsShown)
	// Without axis titles the data area is about square: as many units high
	// as wide keeps the tiles square. Four rows, 1.9 units apart.
	height := float64(digitsShown)
	plt.Y.Min, plt.Y.Max = 0, height
	rowY := func(r int) float64 { return height - 1 - 1.9*float64(r) }
	// A white sheet hides the grid behind the images.
	if sheet, err := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 8, Y: 0}, {X: 8, Y: height}, {X: 0, Y: height}}); err == nil {
		sheet.Color, sheet.LineStyle.Width = color.White, 0
		plt.Add(sheet)
	}
	var yt []plot.Tick
	row := func(r int, label string, images [][]float64, colorOf func(float64) color.Color) {
		y := rowY(r)
		// Tiles 0.84 wide with 0.16 between: the gap is 2/8 of a tile's
		// pixels, so the whole row spans 0.08 … len−0.08.
		w := float64(len(images)) - 0.16
		addImage(plt, digitRow(images, colorOf), 0.08, y-0.42, 0.08+w, y+0.42)
		yt = append(yt, plot.Tick{Value: y, Label: label})
	}
	grayOf := func(v float64) color.Color { return gray(levels(v, 0, 16, 32)) }
	var originals [][]float64
	var xt []plot.Tick
	for i, s := range m.view.shown {
		originals = append(originals, m.X[s])
		xt = append(xt, plot.Tick{Value: float64(i) + 0.5, Label: "“" + strconv.Itoa(m.labels[s]) + "”"})
	}
	row(0, "original", originals, grayOf)
	if m.reached(decomp.StageCentre) {
		row(1, "mean μ", [][]float64{p.Mean()}, grayOf)
	}
	if m.reached(decomp.StageEigen) {
		comps := p.Components()
		k := min(digitsShown, len(comps))
		if m.reached(decomp.StageKeep) {
			k = min(k, p.Kept())
		}
		// Each component scaled by its own largest |entry|.
		var imgs [][]float64
		for j := range k {
			c := comps[j]
			big := maxAbs(c)
			v := make([]float64, len(c))
			for i := range c {
				v[i] = c[i] / big
			}
			imgs = append(imgs, v)
		}
		label := "PC 1–" + strconv.Itoa(k)
		if k == 1 {
			label = "PC 1"
		}
		row(2, label, imgs, func(v float64) color.Color { return diverging(levels(v, -1, 1, 24)) })
	}
	if m.reached(decomp.StageReconstruct) {
		R := p.Reconstruction()
		var imgs [][]float64
		for _, s := range m.view.shown {
			imgs = append(imgs, R[s])
		}
		row(3, fmt.Sprintf("rebuilt, d=%d", p.Kept()), imgs, grayOf)
	}
	plt.X.Tick.Marker, plt.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	plt.X.LineStyle.Width, plt.Y.LineStyle.Width = 0, 0
	plt.X.Tick.Length, plt.Y.Tick.Length = 0, 0
	return plt
}

func maxAbs(v []float64) float64 {
	big := 1e-300
	for _, x := range v {
		big = max(big, math.Abs(x))
	}
	return big
}
