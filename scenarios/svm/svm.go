// Package svm is the support vector machine scenario: a soft-margin SVM
// trained by SMO one pair of multipliers per step, with its boundary, margin
// band and support vectors, the lifted feature space of its kernel, and the
// dual objective climbing while the KKT violation falls.
package svm

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/svm"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

// Limits and fixed choices of the scenario.
const (
	// maxSteps bounds a run: one step is one pair update, most runs
	// converge in a few hundred, but a nearly hard margin (C ≥ 100) on
	// overlapping data takes thousands of small steps.
	maxSteps  = 50000
	maxN      = 600
	regionRes = 80 // raster cells per side of the boundary map
	// contourRes is the marching-squares grid of the boundary and margin
	// lines of the non-linear kernels (the linear kernel's are drawn
	// straight).
	contourRes = 64
	noise      = 0.5
	testShare  = 0.3
	curvePts   = 240 // objective curves are decimated to this many points
)

//go:embed explanation.html
var explanation string

// kernel makes the kernel from the γ, coef0 and degree parameters (each
// kernel reads the ones it has).
type kernel func(gamma, coef0 float64, degree int) svm.Kernel

// The parameter table.
var (
	datasetParam = classdata.DatasetParam(classdata.Overlap, classdata.All)
	kernelParam  = lab.Enum(lab.Param{Name: "kernel", Label: "Kernel", Default: svm.KernelLinear,
		Help: "linear: K(x, z) = xᵀz, a straight boundary; poly: (γ xᵀz + coef0) to the power degree; rbf: exp(−γ ‖x − z‖²), a bump around every support vector."},
		lab.Option[kernel](svm.KernelLinear, func(float64, float64, int) svm.Kernel { return svm.LinearKernel() }),
		lab.Option[kernel](svm.KernelPoly, svm.PolyKernel),
		lab.Option[kernel](svm.KernelRBF, func(gamma, _ float64, _ int) svm.Kernel { return svm.RBFKernel(gamma) }),
	)
	cParam = lab.Float(lab.Param{Name: "C", Label: "C (soft → hard)", Default: "1", Min: 0.01, Max: 1000, Step: 0.01,
		Help: "Price of a sample inside the margin or on the wrong side; try powers of ten from 0.01 to 1000. Small C: soft margin, wide and tolerant; large C: nearly a hard margin, narrow and pulled by every outlier."})
	gammaParam = lab.Float(lab.Param{Name: "gamma", Label: "γ (poly, rbf)", Default: "0.5", Min: 0.01, Max: 100, Step: 0.01,
		Help: "Kernel scale. For rbf, 1/√γ is the reach of each support vector's bump: large γ, small bumps, a wiggly boundary that over-fits."})
	degreeParam = lab.Int(lab.Param{Name: "degree", Label: "Degree (poly)", Default: "2", Min: 2, Max: 5, Step: 1,
		Help: "Degree of the polynomial kernel: the boundary is a polynomial curve of this degree."})
	coef0Param = lab.Float(lab.Param{Name: "coef0", Label: "coef0 (poly)", Default: "1", Min: -10, Max: 10, Step: 0.1,
		Help: "Constant of the polynomial kernel; with 0 only the monomials of exactly the given degree are features."})
	nParam      = classdata.NParam(200, maxN)
	pointsParam = classdata.PointsParam()
)

// Scenario returns the SVM scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "svm",
		Title:    "Support vector machine",
		Chapter:  chapter,
		Summary:  "The widest margin between two classes, trained by SMO one pair of multipliers at a time: margin band, support vectors, hard vs soft margin (C) and the kernel trick.",
		MaxSteps: maxSteps,
		Speed:    15,
		Params:   lab.Params(datasetParam, kernelParam, cParam, gammaParam, degreeParam, coef0Param, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "boundary", Title: "Decision function, margin band and support vectors", Points: pointsParam.Name()},
			{Name: "lifted", Title: "The lifted feature space"},
			{Name: "objective", Title: "Dual objective and KKT violation per step"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one SVM run. The SVM sees the training samples only, in
// set.Train order; labels 1 and 0 are +1 and −1.
type model struct {
	set       *classdata.Set
	kernel    svm.Kernel
	c         float64
	svm       *svm.Classifier // nil when the training set lacks a class
	trainX    [][]float64     // set.X[set.Train[k]]
	objective []float64       // per step, from step 0
	violation []float64
	grid      *gridCache
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	set, err := classdata.Load(rng, classdata.Options{
		Dataset: datasetParam.Get(v), N: nParam.Get(v), Noise: noise, Classes: 2,
		Binary: true, TestShare: testShare, Points: pointsParam.Get(v),
	})
	if err != nil {
		return nil, err
	}
	m := &model{set: set, c: cParam.Get(v)}
	m.kernel = kernelParam.Get(v)(gammaParam.Get(v), coef0Param.Get(v), degreeParam.Get(v))
	X, labels := set.Subset(set.Train)
	m.trainX = X
	y := make([]int, len(labels))
	var pos, neg int
	for i, l := range labels {
		y[i] = 2*l - 1
		if l == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return m, nil // the note asks for points of both classes
	}
	m.svm, err = svm.NewClassifier(X, y, m.c, m.kernel)
	if err != nil {
		return nil, fmt.Errorf("svm: %w", err)
	}
	m.record()
	return m, nil
}

// record appends the current step to the curves.
func (m *model) record() {
	m.objective = append(m.objective, m.svm.DualObjective())
	m.violation = append(m.violation, m.svm.KKTViolation())
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.svm.Step()
	m.record()
	return nil
}

func (m *model) Done() bool { return m.svm == nil || m.svm.Converged() }

// state is the frame's "state". Alphas has one entry per training sample,
// in the order of data.csv's rows whose split is "train"; Support and Pair
// index Alphas. The decision function is
// f(x) = Σₖ alphas[k]·yₖ·K(xₖ, x) − b with yₖ = +1 for label 1, −1 for 0.
type state struct {
	Alphas       []float64 `json:"alphas"`
	B            float64   `json:"b"`
	Support      []int     `json:"support"`
	Weights      []float64 `json:"weights,omitempty"` // w, linear kernel only
	Pair         []int     `json:"pair"`              // the two multipliers of the last step
	KKTViolation float64   `json:"kkt_violation"`
	Iteration    int       `json:"iteration"`
	Converged    bool      `json:"converged"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.svm == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Alphas: make([]float64, len(m.set.Train)), Support: []int{}, Pair: []int{}},
			Note:    "An SVM separates two classes, and the training set needs samples of both: click on the map to add points of class 0 and class 1.",
		}
	}
	s := m.svm
	i, j := s.LastPair()
	pair := []int{}
	if i >= 0 {
		pair = []int{i, j}
	}
	support := s.Support()
	if support == nil {
		support = []int{}
	}
	return lab.Snapshot{
		Metrics: map[string]float64{
			"margin":         s.Margin(),
			"train_accuracy": m.set.Accuracy(m.set.Train, m.predict),
			"test_accuracy":  m.set.Accuracy(m.set.Test, m.predict),
			"dual_objective": s.DualObjective(),
			"kkt_violation":  s.KKTViolation(),
		},
		State: state{
			Alphas: s.Alphas(), B: s.B(), Support: support, Weights: s.Weights(), Pair: pair,
			KKTViolation: s.KKTViolation(), Iteration: s.Iteration(), Converged: s.Converged(),
		},
		Note: m.note(),
	}
}

// predict is the class of x: 1 where f(x) > 0.
func (m *model) predict(x []float64) int {
	if m.svm.Decision(x) > 0 {
		return 1
	}
	return 0
}

func (m *model) note() string {
	s := m.svm
	margin := "margin 1/‖w‖ = " + fmtShort(s.Margin())
	if m.kernel.Name != svm.KernelLinear {
		margin = "margin 1/‖w‖ = " + fmtShort(s.Margin()) + " (in feature space)"
	}
	switch {
	case s.Iteration() == 0 && s.Converged():
		return "Every multiplier already meets the KKT conditions: nothing to optimise."
	case s.Iteration() == 0:
		return fmt.Sprintf("All %d multipliers αᵢ start at 0: no support vector, no boundary yet. Each step takes the multiplier that breaks the optimality (KKT) conditions most, pairs it with the partner that promises the largest rise of the dual objective, and solves the problem for those two exactly; KKT violation now %s, it stops below 0.001.",
			s.Len(), fmtShort(s.KKTViolation()))
	case s.Converged():
		sv := s.Support()
		bounded := 0
		for _, k := range sv {
			if s.Alphas()[k] >= m.c {
				bounded++
			}
		}
		return fmt.Sprintf("Converged after %d step(s): every αᵢ meets the KKT conditions to 0.001. %d support vectors, %d of them at α = C (inside the band or misclassified). %s. %s",
			s.Iteration(), len(sv), bounded, capitalise(margin), m.softness())
	}
	i, j := s.LastPair()
	a := s.Alphas()
	if s.Iteration() >= maxSteps {
		return fmt.Sprintf("Stopped at the step limit (%d) with the KKT violation at %s, above 0.001. With a large C on classes that overlap, SMO creeps by many tiny steps; lower C to converge quickly.",
			maxSteps, fmtShort(s.KKTViolation()))
	}
	slow := ""
	if s.Iteration() >= 2000 && m.c >= 100 {
		slow = " A nearly hard margin on overlapping classes makes SMO creep: lower C to see it converge quickly."
	}
	return fmt.Sprintf("Step %d: optimised α%d = %s and α%d = %s (ringed in red), keeping Σαᵢyᵢ = 0. Dual objective %s, KKT violation %s, %s.%s",
		s.Iteration(), i, fmtAlpha(a[i], m.c), j, fmtAlpha(a[j], m.c), fmtShort(s.DualObjective()), fmtShort(s.KKTViolation()), margin, slow)
}

// softness says what the chosen C means for the margin.
func (m *model) softness() string {
	switch {
	case m.c >= 100:
		return "With C this large, a sample in the band costs so much that the margin is almost hard: it narrows to keep samples out, and one outlier can tilt it."
	case m.c <= 0.1:
		return "With C this small the margin is soft: a sample in the band costs little, so the band is wide and many samples inside it hold α = C."
	}
	return "Raise C towards a hard margin (narrow, no sample inside) or lower it for a softer, wider one."
}

func fmtAlpha(a, c float64) string {
	switch {
	case a == 0:
		return "0"
	case a >= c:
		return fmtShort(a) + " = C"
	}
	return fmtShort(a)
}

func fmtShort(v float64) string {
	if math.IsInf(v, 1) {
		return "∞"
	}
	return textfmt.Readable(v, 3)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return "M" + s[1:]
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	p, err := m.plotPanel(panel)
	if err == nil && m.set != nil {
		m.set.AddNoticeIfEmpty(p)
	}
	return p, err
}

func (m *model) plotPanel(panel string) (*plot.Plot, error) {
	switch panel {
	case "boundary":
		return m.plotBoundary(), nil
	case "lifted":
		return m.plotLifted(), nil
	case "objective":
		return m.plotObjective(), nil
	}
	return nil, fmt.Errorf("svm: no panel %q", panel)
}

// Colours of the boundary and margin lines and of the last pair's marks.
var (
	inkBoundary = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	inkMargin   = color.RGBA{0x55, 0x55, 0x55, 0xFF}
)

// regionColor is the class colour of f's sign, paler near the boundary:
// five steps of |f| in halves, so the raster has few colours.
func regionColor(f float64) color.Color {
	if math.IsNaN(f) {
		return color.White
	}
	class := 0
	if f > 0 {
		class = 1
	}
	keep := 0.1 + 0.07*min(math.Floor(math.Abs(f)/0.5), 4)
	c := viz.ClassColor(class)
	mix := func(v uint8) uint8 { return uint8(math.Round(255 - (255-float64(v))*keep)) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xFF}
}

// regionLevel is the index in regionColors of regionColor(f): five
// strengths of each side's colour, then white for NaN.
func regionLevel(f float64) int {
	if math.IsNaN(f) {
		return 2 * regionStrengths
	}
	class := 0
	if f > 0 {
		class = 1
	}
	return class*regionStrengths + int(min(math.Floor(math.Abs(f)/0.5), regionStrengths-1))
}

// regionStrengths is the number of strengths of a side's colour.
const regionStrengths = 5

// regionColors are regionColor's colours in regionLevel's order, made from
// a value of each level.
var regionColors = func() []color.RGBA {
	cs := make([]color.RGBA, 0, 2*regionStrengths+1)
	for class := range 2 {
		for k := range regionStrengths {
			f := float64(k)*0.5 + 0.25
			if class == 0 {
				f = -f
			}
			cs = append(cs, viz.RGBA(regionColor(f)))
		}
	}
	return append(cs, viz.RGBA(regionColor(math.NaN())))
}()

func (m *model) plotBoundary() *plot.Plot {
	set := m.set
	p := set.NewMap()
	b := set.Bounds
	if m.svm == nil {
		set.AddSamples(p)
		return p
	}
	g := m.grids()
	viz.AddRegionRaster(p, b, viz.RegionRasterLevels(b, regionRes, regionColors, func(x1, x2 float64) int {
		return regionLevel(g.raster.at(x1, x2))
	}))
	switch {
	case m.svm.Iteration() == 0:
	case m.kernel.Name == svm.KernelLinear:
		m.addStraightLevels(p)
	default:
		viz.AddContours(p, b, contourRes, g.lines.at, []float64{-1, 1}, inkMargin)
		viz.AddContours(p, b, contourRes, g.lines.at, []float64{0}, inkBoundary)
	}
	set.AddSamples(p)
	m.addSupport(p, m.trainX, 6, nil)
	s := m.svm
	if s.Iteration() == 0 {
		p.Title.Text = "α = 0: no support vector, no boundary yet"
		return p
	}
	p.Title.Text = fmt.Sprintf("margin 1/‖w‖ = %s · %d support vectors", fmtShort(s.Margin()), len(s.Support()))
	if m.kernel.Name != svm.KernelLinear {
		p.Title.Text = fmt.Sprintf("margin 1/‖w‖ = %s · %d support vectors", fmtShort(s.Margin()), len(s.Support()))
	}
	return p
}

// addStraightLevels draws the linear kernel's boundary θᵀx − b = 0 (solid)
// and margin lines θᵀx − b = ±1 (dashed) across the map, on its slice.
func (m *model) addStraightLevels(p *plot.Plot) {
	theta, b := m.svm.Weights(), m.set.Bounds
	c := -m.svm.B() // f = w₁x₁ + w₂x₂ + c on the map
	for j := 2; j < len(theta); j++ {
		c += theta[j] * m.set.Mean[j]
	}
	for _, level := range []float64{-1, 1, 0} {
		xs, ys := clipLine(theta[0], theta[1], c-level, b)
		if xs == nil {
			continue
		}
		if level == 0 {
			viz.AddLine(p, xs, ys, inkBoundary, "", false)
		} else {
			viz.AddLine(p, xs, ys, inkMargin, "", true)
		}
	}
}

// clipLine returns the ends of the line t₁x + t₂y + c = 0 inside the box
// b, or nil when it misses the box.
func clipLine(t1, t2, c float64, b viz.Box) (xs, ys []float64) {
	var pts [][2]float64
	if t2 != 0 {
		for _, x := range []float64{b.XMin, b.XMax} {
			if y := -(t1*x + c) / t2; y >= b.YMin && y <= b.YMax {
				pts = append(pts, [2]float64{x, y})
			}
		}
	}
	if t1 != 0 {
		for _, y := range []float64{b.YMin, b.YMax} {
			if x := -(t2*y + c) / t1; x > b.XMin && x < b.XMax {
				pts = append(pts, [2]float64{x, y})
			}
		}
	}
	if len(pts) < 2 {
		return nil, nil
	}
	return []float64{pts[0][0], pts[1][0]}, []float64{pts[0][1], pts[1][1]}
}

// addSupport rings the support vectors (given at their drawn positions,
// one per training sample) and the last step's pair, those keep accepts
// (all when keep is nil).
func (m *model) addSupport(p *plot.Plot, drawn [][]float64, radius float64, keep func(k int) bool) {
	var sv, pair [][]float64
	for _, k := range m.svm.Support() {
		if keep == nil || keep(k) {
			sv = append(sv, drawn[k])
		}
	}
	viz.AddScatter(p, sv, []int{}, viz.ScatterStyle{Shape: "ring", Radius: vgLen(radius)})
	if i, j := m.svm.LastPair(); i >= 0 && !m.svm.Converged() {
		for _, k := range []int{i, j} {
			if keep == nil || keep(k) {
				pair = append(pair, drawn[k])
			}
		}
		viz.AddScatter(p, pair, []int{2, 2}[:len(pair)], viz.ScatterStyle{Shape: "ring", Radius: vgLen(radius + 3)})
	}
}

func (m *model) plotObjective() *plot.Plot {
	p := viz.NewPlot("", "step (pair updates)", "")
	viz.SetLogY(p)
	if m.svm == nil {
		return p
	}
	// D(α) = 0 at α = 0, which a log axis cannot show: start at step 1.
	viz.AddHistory(p, curvePts,
		viz.Curve{Values: m.objective, From: 1, Color: viz.ClassColor(0), Label: "dual objective D(α)", Dot: 3.5},
		viz.Curve{Values: positive(m.violation), Color: viz.ClassColor(3), Label: "KKT violation", Dot: 3.5})
	viz.AddHLine(p, svm.Tolerance, "tolerance 0.001", viz.Neutral)
	p.X.Min = 0
	p.X.Max = max(p.X.Max, 10)
	p.Y.Min = min(p.Y.Min, svm.Tolerance/2)
	p.Y.Max *= 1.6 // room above the dot of the current step (log axis)
	return p
}

// positive replaces zeros (a converged violation) by the log axis floor's
// neighbourhood, so the curve ends at the bottom instead of breaking.
func positive(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = max(x, svm.Tolerance/10)
	}
	return out
}

func (m *model) Data() [][]string { return m.set.Rows() }
