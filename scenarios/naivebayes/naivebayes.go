// Package naivebayes is the Gaussian naive Bayes scenario: the class
// priors, then per class and feature the mean and the variance, then the
// posterior map, one step each, beside logistic regression fitted on the
// same data (generative P(x|y) against discriminative P(y|x)), with a data
// set of correlated features where the independence assumption fails.
package naivebayes

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/bayes"
	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

// correlated is this scenario's own data set: two long diagonal stripes.
var correlated = classdata.Named("correlated",
	"correlated: two long diagonal stripes, x₁ and x₂ strongly correlated inside each class, where naive Bayes' independence assumption fails.")

// Limits and settings of the scenario.
const (
	defaultN  = 60
	maxN      = 1000
	regionRes = 80
	// blendLevels is how finely the maps shade P(y | x): fifths keep the
	// rasters to a few flat bands, small in the frame.
	blendLevels = 5
	testShare   = 0.3
	noise       = 0.5 // classdata's standard noise
	// Logistic regression is fitted once, before step 0: full-batch
	// gradient descent with a light L2 penalty until the gradient norm is
	// below logisticTol (a few hundred to a few thousand epochs here).
	logisticLambda = 1e-2
	logisticLR     = 1
	logisticEpochs = 20000
	logisticTol    = 1e-4
	curveSamples   = 41 // evenly spaced points of a 1-D Gaussian curve, as many again near its peak
)

// Stripes of the correlated data set: each class is a Gaussian with sd
// stripeLong along the diagonal x₂ = x₁ and stripeShort across it, class 0
// shifted left by stripeShift and class 1 right.
const (
	stripeLong  = 2.0
	stripeShort = 0.2
	stripeShift = 0.8
)

// The parameter table.
var (
	// The data sets are classdata's with the correlated stripes before the
	// real data.
	datasetParam = classdata.DatasetParam(classdata.Overlap, func() []*classdata.Dataset {
		i := slices.Index(classdata.All, classdata.Iris)
		return slices.Concat(classdata.All[:i], []*classdata.Dataset{correlated}, classdata.All[i:])
	}())
	nParam      = classdata.NParam(defaultN, maxN)
	pointsParam = classdata.PointsParam()
)

//go:embed explanation.html
var explanation string

// Scenario returns the naive Bayes scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "naive-bayes",
		Title:    "Gaussian naive Bayes",
		Chapter:  chapter,
		Summary:  "Per class a Gaussian for each feature, then Bayes' rule: priors, means, variances and the posterior map one step at a time, beside logistic regression on the same data (generative vs discriminative).",
		MaxSteps: 4,
		Speed:    1,
		Params:   lab.Params(datasetParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "gaussians", Title: "Class Gaussians from the training samples: means, 1σ and 2σ ellipses", Points: pointsParam.Name()},
			{Name: "marginals", Title: "Per feature and class: the 1-D Gaussians, training samples as a rug"},
			{Name: "posterior", Title: "Naive Bayes posterior P(y | x)"},
			{Name: "logistic", Title: "Logistic regression P(y | x), same data"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one naive Bayes run beside a fitted logistic regression.
type model struct {
	set      *classdata.Set
	dataset  *classdata.Dataset
	nb       *bayes.GaussianNB          // nil when the data cannot be fitted
	logistic *linear.LogisticRegression // nil likewise
	why      string                     // why nothing is fitted
	epochs   int                        // logistic regression's epochs to converge

	logisticTrain, logisticTest float64
	train, test                 float64 // naive Bayes, NaN before the posterior step
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	m := &model{dataset: datasetParam.Get(v), train: math.NaN(), test: math.NaN(),
		logisticTrain: math.NaN(), logisticTest: math.NaN()}
	points := pointsParam.Get(v)
	o := classdata.Options{Dataset: m.dataset, N: nParam.Get(v), Noise: noise, Classes: 2, TestShare: testShare, Points: points}
	// Two classes keep generative against discriminative easy to read;
	// custom data has as many as the points ask for.
	if m.dataset == classdata.Custom {
		for _, p := range points {
			o.Classes = max(o.Classes, p.Class+1)
		}
	}
	var err error
	if m.dataset == correlated {
		X, labels := stripes(rng, o.N)
		m.set, err = classdata.FromSamples(rng, correlated.Name, X, labels, 2, o)
	} else {
		m.set, err = classdata.Load(rng, o)
	}
	if err != nil {
		return nil, err
	}
	m.fit()
	return m, nil
}

// stripes draws the correlated data set: z ~ N(0, I) stretched to sd
// stripeLong along (1, 1)/√2 and stripeShort along (−1, 1)/√2, then
// shifted by ∓stripeShift in x₁; class i % 2 for sample i.
func stripes(rng *rand.Rand, n int) ([][]float64, []int) {
	r := math.Sqrt(0.5)
	T := [2][2]float64{{stripeLong * r, stripeLong * r}, {-stripeShort * r, stripeShort * r}}
	X, labels := dataset.AnisotropicBlobs(rng, n, [][]float64{{0, 0}, {0, 0}}, 1, T)
	for i, x := range X {
		x[0] += stripeShift * float64(2*labels[i]-1)
	}
	return X, labels
}

// fit readies naive Bayes (fitted step by step later) and fits logistic
// regression once, or records why the training set cannot be fitted.
func (m *model) fit() {
	s := m.set
	X, y := s.Subset(s.Train)
	counts := make([]int, s.Classes)
	for _, c := range y {
		counts[c]++
	}
	for k, c := range counts {
		if c == 0 {
			m.why = fmt.Sprintf("Naive Bayes needs at least one training sample of every class; %s has none. Click on the map to add points (pick the class beside the points box).", s.ClassNames[k])
			return
		}
	}
	nb, err := bayes.NewGaussianNB(X, y, s.Classes, bayes.DefaultVarSmoothing)
	if err != nil {
		m.why = "Naive Bayes cannot be fitted yet: every training sample is at the same place. Click to add points elsewhere."
		return
	}
	lr, err := linear.NewLogisticRegression(X, y, s.Classes, logisticLambda, logisticLR)
	if err != nil {
		m.why = "Logistic regression cannot be fitted: " + err.Error()
		return
	}
	m.nb, m.logistic = nb, lr
	m.epochs = lr.Fit(logisticEpochs, logisticTol)
	m.logisticTrain = s.Accuracy(s.Train, lr.Predict)
	m.logisticTest = s.Accuracy(s.Test, lr.Predict)
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.nb.Step()
	if m.nb.Done() {
		m.train = m.set.Accuracy(m.set.Train, m.nb.Predict)
		m.test = m.set.Accuracy(m.set.Test, m.nb.Predict)
	}
	return nil
}

func (m *model) Done() bool { return m.nb == nil || m.nb.Done() }

// state is the frame's "state": naive Bayes' parameters under
// scikit-learn's names (empty until the step that estimates them) and the
// fitted logistic regression.
type state struct {
	Phase              string      `json:"phase"`
	Classes            int         `json:"classes"`
	ClassCount         []int       `json:"class_count"`
	ClassPrior         []float64   `json:"class_prior"`
	Theta              [][]float64 `json:"theta"`
	Var                [][]float64 `json:"var"`
	Epsilon            float64     `json:"epsilon"`
	VarSmoothing       float64     `json:"var_smoothing"`
	LogisticWeights    [][]float64 `json:"logistic_weights"`
	LogisticIntercepts []float64   `json:"logistic_intercepts"`
	LogisticEpochs     int         `json:"logistic_epochs"`
	LogisticLambda     float64     `json:"logistic_lambda"`
}

func (m *model) Snapshot() lab.Snapshot {
	st := state{Phase: bayes.PhaseInit, Classes: m.set.Classes, ClassCount: []int{}, ClassPrior: []float64{},
		Theta: [][]float64{}, Var: [][]float64{}, VarSmoothing: bayes.DefaultVarSmoothing,
		LogisticWeights: [][]float64{}, LogisticIntercepts: []float64{}, LogisticLambda: logisticLambda}
	metrics := map[string]float64{
		"train_accuracy": m.train, "test_accuracy": m.test,
		"logistic_train_accuracy": m.logisticTrain, "logistic_test_accuracy": m.logisticTest,
		"logistic_loss": math.NaN(),
	}
	if m.nb == nil {
		return lab.Snapshot{Metrics: metrics, State: st, Note: m.why}
	}
	st.Phase, st.ClassCount, st.Epsilon = m.nb.Phase(), m.nb.Counts(), m.nb.Epsilon()
	if p := m.nb.Priors(); p != nil {
		st.ClassPrior = p
	}
	if t := m.nb.Means(); t != nil {
		st.Theta = t
	}
	if v := m.nb.Variances(); v != nil {
		st.Var = v
	}
	st.LogisticWeights, st.LogisticIntercepts, st.LogisticEpochs = m.logistic.Weights(), m.logistic.Intercepts(), m.epochs
	metrics["logistic_loss"] = m.logistic.Loss()
	return lab.Snapshot{Metrics: metrics, State: st, Note: m.note()}
}

func (m *model) note() string {
	s, nb := m.set, m.nb
	switch nb.Phase() {
	case bayes.PhaseInit:
		return fmt.Sprintf("Nothing estimated yet. Naive Bayes will model how each class generates its samples, one Gaussian per feature; "+
			"logistic regression (panel “Logistic regression P(y | x)”) already learnt P(y | x) directly in %d epochs of gradient descent: test accuracy %s.", m.epochs, pct(m.logisticTest))
	case bayes.PhasePriors:
		parts := make([]string, s.Classes)
		for k, p := range nb.Priors() {
			parts[k] = fmt.Sprintf("%s %.2f (%d)", s.ClassNames[k], p, nb.Counts()[k])
		}
		return fmt.Sprintf("Step 1, priors: P(y) = class count / %d training samples: %s.", len(s.Train), strings.Join(parts, ", "))
	case bayes.PhaseMeans:
		return fmt.Sprintf("Step 2, means: μ of each of the %d features within each class (the crosses, and the dashed lines of the 1-D view).", s.Dim())
	case bayes.PhaseVariances:
		return fmt.Sprintf("Step 3, variances: σ² of each feature within each class (population variance, plus ε = %.3g). "+
			"The ellipses are axis-aligned: naive Bayes keeps no covariance between features.", nb.Epsilon())
	}
	note := fmt.Sprintf("Step 4, posterior: P(y | x) ∝ P(y) Πⱼ N(xⱼ; μ, σ²), and the class of largest posterior wins. "+
		"Test accuracy: naive Bayes %s, logistic regression %s.", pct(m.test), pct(m.logisticTest))
	switch {
	case m.dataset == correlated:
		note += " Inside each stripe x₁ and x₂ rise together, which a product of 1-D Gaussians cannot express: naive Bayes sees two wide, overlapping blobs and cuts across the stripes, while logistic regression, which only looks for a boundary, lays it along them."
	case m.test < m.logisticTest-0.05:
		note += " The discriminative model wins here: it fits the boundary itself instead of a Gaussian picture of each class that the data does not follow."
	case m.test > m.logisticTest+0.05:
		note += " The generative model wins here: classes of different spreads give naive Bayes a curved boundary, which linear logistic regression cannot draw."
	default:
		note += " The two agree closely: when each class really is a blob, modelling P(x | y) and learning P(y | x) directly lead to similar boundaries."
	}
	if s.Dim() > 2 {
		note += fmt.Sprintf(" Both use all %d features; the maps are the slice through the other features' training means.", s.Dim())
	}
	return note
}

// pct formats an accuracy, "n/a" when there are no samples to score.
func pct(a float64) string {
	if math.IsNaN(a) {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*a)
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
	case "gaussians":
		return m.plotGaussians(), nil
	case "marginals":
		return m.plotMarginals(), nil
	case "posterior":
		return m.plotPosterior(), nil
	case "logistic":
		return m.plotLogistic(), nil
	}
	return nil, fmt.Errorf("naivebayes: no panel %q", panel)
}

// plotGaussians draws each class's fitted Gaussian over the two map
// features: 1σ (solid) and 2σ (dashed) ellipses with diagonal covariance,
// the means as crosses, and the samples.
func (m *model) plotGaussians() *plot.Plot {
	s := m.set
	p := s.NewMap()
	var means, vars [][]float64
	if m.nb != nil {
		means, vars = m.nb.Means(), m.nb.Variances()
	}
	if m.nb != nil && m.nb.Priors() != nil {
		parts := make([]string, s.Classes)
		for k, pk := range m.nb.Priors() {
			parts[k] = fmt.Sprintf("%s %.2f", s.ClassNames[k], pk)
		}
		p.Title.Text = "P(y): " + strings.Join(parts, ", ")
	}
	for k := range vars {
		cov := [][]float64{{vars[k][0], 0}, {0, vars[k][1]}}
		viz.AddEllipse(p, means[k][:2], cov, 1, viz.ClassColor(k), false)
		viz.AddEllipse(p, means[k][:2], cov, 2, viz.ClassColor(k), true)
	}
	addTraining(p, s)
	if means != nil {
		centres := make([][]float64, len(means))
		classes := make([]int, len(means))
		for k, mu := range means {
			centres[k], classes[k] = mu[:2], k
		}
		viz.AddMarkers(p, centres, classes, "cross", 8)
	}
	viz.SetAxes(p, s.Bounds)
	return p
}

// addTraining draws the training samples the Gaussians are estimated
// from, as classdata.AddSamples draws them: circles, the user's points as
// squares. The test samples appear on the two posterior maps.
func addTraining(p *plot.Plot, s *classdata.Set) {
	gen := len(s.X) - s.User
	var X [][]float64
	var y []int
	for _, i := range s.Train {
		if i < gen {
			X, y = append(X, s.X[i]), append(y, s.Labels[i])
		}
	}
	viz.AddScatter(p, X, y, viz.ScatterStyle{Outline: true})
	if s.User > 0 {
		viz.AddScatter(p, s.X[gen:], s.Labels[gen:], viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
}

// Layout of the marginals panel, in y data units: one row per map
// feature, the rug in the bottom rugHeight of the row, the curves above
// it scaled so the tallest density of the row reaches curveTop.
const (
	rugHeight = 0.14
	curveBase = 0.18
	curveTop  = 0.95
)

// plotMarginals draws, for each of the two map features, every class's
// fitted 1-D Gaussian N(μ_kj, σ²_kj) above a rug of the training samples.
func (m *model) plotMarginals() *plot.Plot {
	s := m.set
	xLabel := "feature value"
	if s.Dim() > 2 {
		xLabel = "standardised value (2 of " + fmt.Sprint(s.Dim()) + " features)"
	}
	p := viz.NewPlot("", xLabel, "")
	lo, hi := min(s.Bounds.XMin, s.Bounds.YMin), max(s.Bounds.XMax, s.Bounds.YMax)
	rows := 2
	ticks := make([]plot.Tick, rows)
	r := &rug{lo: lo, hi: hi, classes: s.Classes}
	for row := range rows {
		j := row
		base := float64(rows - 1 - row) // first feature on top
		ticks[row] = plot.Tick{Value: base + 0.5, Label: s.FeatureNames[j]}
		for _, i := range s.Train {
			r.marks = append(r.marks, rugMark{v: s.X[i][j], y: base, class: s.Labels[i]})
		}
		if m.nb == nil {
			continue
		}
		means, vars := m.nb.Means(), m.nb.Variances()
		if vars == nil {
			for k, mu := range means {
				viz.AddLine(p, []float64{mu[j], mu[j]}, []float64{base + curveBase, base + curveTop}, viz.ClassColor(k), "", true)
			}
			continue
		}
		peak := 0.0
		for k := range vars {
			peak = max(peak, m.nb.ClassDensity(k, j, means[k][j]))
		}
		for k := range vars {
			label := ""
			if row == 0 {
				label = s.ClassNames[k]
			}
			f := func(v float64) float64 {
				return base + curveBase + (curveTop-curveBase)*m.nb.ClassDensity(k, j, v)/peak
			}
			xs := curveGrid(lo, hi, means[k][j], math.Sqrt(vars[k][j]))
			ys := make([]float64, len(xs))
			for i, v := range xs {
				ys[i] = f(v)
			}
			viz.AddLine(p, xs, ys, viz.ClassColor(k), label, false)
			viz.AddLine(p, []float64{means[k][j], means[k][j]}, []float64{base + curveBase, f(means[k][j])}, viz.ClassColor(k), "", true)
		}
	}
	p.Add(r)
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = 0, float64(rows)+0.05*float64(s.Classes)
	return p
}

// curveGrid returns the x values at which to draw N(μ, σ²) over [lo, hi]:
// evenly spaced points plus points packed around μ (±4σ), so a narrow
// peak stays smooth without sampling the whole range finely.
func curveGrid(lo, hi, mu, sigma float64) []float64 {
	xs := make([]float64, 0, 2*curveSamples)
	for i := range curveSamples {
		xs = append(xs, lo+(hi-lo)*float64(i)/float64(curveSamples-1))
		if v := mu + sigma*(8*float64(i)/float64(curveSamples-1)-4); v > lo && v < hi {
			xs = append(xs, v)
		}
	}
	slices.Sort(xs)
	return xs
}

// rug draws short vertical ticks, one per sample, each class in its own
// lane at the bottom of its row: one path per class and row keeps the SVG
// small.
type rug struct {
	lo, hi  float64
	classes int
	marks   []rugMark
}

type rugMark struct {
	v, y  float64 // value, row baseline
	class int
}

func (r *rug) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	lane := rugHeight / float64(r.classes)
	for k := range r.classes {
		var path vg.Path
		for _, mk := range r.marks {
			if mk.class != k || mk.v < r.lo || mk.v > r.hi {
				continue
			}
			x := trX(mk.v)
			y0 := trY(mk.y + float64(k)*lane + 0.15*lane)
			y1 := trY(mk.y + float64(k+1)*lane - 0.15*lane)
			path.Move(vg.Point{X: x, Y: y0})
			path.Line(vg.Point{X: x, Y: y1})
		}
		if len(path) > 0 {
			c.SetLineStyle(draw.LineStyle{Color: viz.ClassColor(k), Width: 1})
			c.Stroke(path)
		}
	}
}

// PanelVersion implements lab.PanelVersioner: the two probability maps
// change only when naive Bayes finishes (its map appears, and the
// logistic map's title adds its accuracy); logistic regression is fitted
// when the run is built.
func (m *model) PanelVersion(panel string) (uint64, bool) {
	if panel != "posterior" && panel != "logistic" {
		return 0, false
	}
	if m.nb != nil && m.nb.Done() {
		return 1, true
	}
	return 0, true
}

var _ lab.PanelVersioner = (*model)(nil)

// plotPosterior draws naive Bayes' posterior, the class colours blended by
// P(y | x), once the posterior step is done; the samples before that.
func (m *model) plotPosterior() *plot.Plot {
	s := m.set
	p := s.NewMap()
	if m.nb != nil && m.nb.Done() {
		probs := make([]float64, s.Classes)
		s.AddRegions(p, regionRes, func(x []float64) color.Color { return blend(m.nb.Probabilities(x, probs)) })
		p.Title.Text = "naive Bayes: test accuracy " + pct(m.test)
	} else if m.nb != nil {
		// Said above the map, where the title will be: the data stay clear.
		p.Title.Text = "the posterior map appears at step 4, once all is estimated"
	}
	s.AddSamples(p)
	return p
}

// plotLogistic draws logistic regression's P(y | x) the same way.
func (m *model) plotLogistic() *plot.Plot {
	s := m.set
	p := s.NewMap()
	if m.logistic != nil {
		probs := make([]float64, s.Classes)
		s.AddRegions(p, regionRes, func(x []float64) color.Color { return blend(m.logistic.Probabilities(x, probs)) })
		p.Title.Text = "logistic regression: test accuracy " + pct(m.logisticTest)
		if m.nb.Done() {
			p.Title.Text = "test accuracy: logistic " + pct(m.logisticTest) + ", naive Bayes " + pct(m.test)
		}
	}
	s.AddSamples(p)
	return p
}

func (m *model) Data() [][]string { return m.set.Rows() }

// blend is classdata.Blend of the probabilities rounded to multiples of
// 1/blendLevels that still sum to one (the largest remainders round up):
// coarser than Blend's tenths, so the two maps stay small in the frame.
func blend(probs []float64) color.Color {
	var levels [classdata.MaxClasses]int
	var rest [classdata.MaxClasses]float64
	left := blendLevels
	for k, p := range probs {
		levels[k] = int(math.Floor(blendLevels * p))
		rest[k] = blendLevels*p - float64(levels[k])
		left -= levels[k]
	}
	for ; left > 0; left-- {
		best := 0
		for k := range probs {
			if rest[k] > rest[best] {
				best = k
			}
		}
		levels[best]++
		rest[best] = -1
	}
	var rounded [classdata.MaxClasses]float64
	for k := range probs {
		rounded[k] = float64(levels[k]) / blendLevels
	}
	return classdata.Blend(rounded[:len(probs)])
}
