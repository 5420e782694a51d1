// Package biasvariance is the bias–variance scenario: many training sets
// drawn from one curve, a polynomial of every degree fitted to each, and
// the expected test error split into bias², variance and noise per degree.
package biasvariance

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/eval"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

//go:embed explanation.html
var explanation string

// Limits of the scenario.
const (
	maxDegree = 12
	maxTrials = 100
	// testPoints is the size of the test grid: the midpoints of equal cells
	// of [−1, 1], so the mean over the grid is the midpoint rule for the
	// mean over x ~ U[−1, 1], where the training x come from.
	testPoints = 50
	// curvePoints is the resolution of the truth.
	curvePoints = 80
	// maxFanPoints bounds the points of all faint fits together, and so the
	// frame size: each fit gets 12 + 8·degree points (enough for its
	// wiggles), and only the latest fits that fit in the budget are drawn.
	maxFanPoints = 3600
)

// truth is the curve every training set is drawn around.
func truth(x float64) float64 { return math.Sin(math.Pi * x) }

// The parameter table.
var (
	degreeParam = lab.Int(lab.Param{Name: "degree", Label: "Polynomial degree", Default: "3", Min: 1, Max: maxDegree, Step: 1,
		Help: "The degree whose fits are drawn; the decomposition covers every degree from 1 to 12."})
	trialsParam = lab.Int(lab.Param{Name: "trials", Label: "Training sets", Default: "30", Min: 2, Max: maxTrials, Step: 1,
		Help: "How many independent training sets are drawn, one per step."})
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples per set", Default: "15", Min: 5, Max: 200, Step: 1,
		Help: "Samples in each training set, evenly spread over x. More data lowers the variance."})
	noiseParam = lab.Float(lab.Param{Name: "noise", Label: "Noise σ", Default: "0.3", Min: 0, Max: 1.5, Step: 0.05,
		Help: "Standard deviation of the noise added to sin(πx); σ² is the error no model can remove."})
)

// Scenario returns the bias–variance scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "bias-variance",
		Title:    "The bias–variance trade-off",
		Chapter:  chapter,
		Summary:  "Draw training set after training set from one curve and fit each: simple models miss the curve the same way every time (bias), flexible ones chase each sample's noise (variance).",
		MaxSteps: maxTrials - 1,
		Speed:    4,
		Params:   lab.Params(degreeParam, trialsParam, nParam, noiseParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "fits", Title: "The fits of the chosen degree, their mean and the truth"},
			{Name: "decomposition", Title: "Expected test error = bias² + variance + noise"},
			{Name: "tradeoff", Title: "Bias² falls, variance rises"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one bias–variance run. Every training set is drawn up front,
// so data.csv holds them all; each step fits the next one.
type model struct {
	degree         int
	n              int
	noise          float64
	trainX, trainY [][]float64
	testX, testF   []float64
	study          *eval.PolyBiasVariance
	yLo, yHi       float64
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	m := &model{degree: degreeParam.Get(v), n: nParam.Get(v), noise: noiseParam.Get(v)}
	// A fixed design: every training set has its samples at the same x
	// (the midpoints of n equal cells of [−1, 1]) and fresh noise, so the
	// spread of the fits comes from the noise alone. Random x would add
	// rare near-singular sets whose wild fits swamp a mean over 30 trials.
	x := make([]float64, m.n)
	for i := range x {
		x[i] = -1 + (2*float64(i)+1)/float64(m.n)
	}
	for range trialsParam.Get(v) {
		y := make([]float64, m.n)
		for i := range y {
			y[i] = truth(x[i]) + m.noise*rng.NormFloat64()
		}
		m.trainX, m.trainY = append(m.trainX, x), append(m.trainY, y)
	}
	m.testX, m.testF = make([]float64, testPoints), make([]float64, testPoints)
	for j := range m.testX {
		m.testX[j] = -1 + (2*float64(j)+1)/testPoints
		m.testF[j] = truth(m.testX[j])
	}
	var err error
	m.study, err = eval.NewPolyBiasVariance(m.trainX, m.trainY, m.testX, m.testF, maxDegree, m.noise*m.noise)
	if err != nil {
		return nil, fmt.Errorf("biasvariance: %w", err)
	}
	// The first training set is there from the start: one fit to look at.
	m.study.Step()
	if err := m.study.Err(); err != nil {
		return nil, fmt.Errorf("biasvariance: %w", err)
	}
	reach := 1 + 2.5*m.noise + 0.3
	m.yLo, m.yHi = -max(reach, 1.6), max(reach, 1.6)
	return m, nil
}

func (m *model) Step() error {
	m.study.Step()
	if err := m.study.Err(); err != nil {
		return fmt.Errorf("biasvariance: %w", err)
	}
	return nil
}

func (m *model) Done() bool { return m.study.Done() }

// state holds one entry per degree 1..maxDegree.
type state struct {
	Trials      int       `json:"trials"`
	Degree      int       `json:"degree"`
	Degrees     []int     `json:"degrees"`
	Bias2       []float64 `json:"bias2"`
	Variance    []float64 `json:"variance"`
	Noise       []float64 `json:"noise"`
	ExpectedMSE []float64 `json:"expected_mse"`
	BestDegree  int       `json:"best_degree"` // lowest expected MSE so far
}

func (m *model) decompositions() []eval.BiasVariance {
	out := make([]eval.BiasVariance, maxDegree)
	for d := 1; d <= maxDegree; d++ {
		out[d-1] = m.study.Decomposition(d)
	}
	return out
}

func bestDegree(bv []eval.BiasVariance) int {
	best := 0
	for i, b := range bv {
		if b.ExpectedMSE < bv[best].ExpectedMSE {
			best = i
		}
	}
	return best + 1
}

func (m *model) Snapshot() lab.Snapshot {
	bv := m.decompositions()
	s := state{Trials: m.study.Trials(), Degree: m.degree, BestDegree: bestDegree(bv)}
	for d, b := range bv {
		s.Degrees = append(s.Degrees, d+1)
		s.Bias2 = append(s.Bias2, b.Bias2)
		s.Variance = append(s.Variance, b.Variance)
		s.Noise = append(s.Noise, b.Noise)
		s.ExpectedMSE = append(s.ExpectedMSE, b.ExpectedMSE)
	}
	cur := bv[m.degree-1]
	return lab.Snapshot{
		Metrics: map[string]float64{"bias2": cur.Bias2, "variance": cur.Variance, "noise": cur.Noise, "expected_mse": cur.ExpectedMSE},
		State:   s,
		Note:    m.note(bv),
	}
}

func (m *model) note(bv []eval.BiasVariance) string {
	t, total := m.study.Trials(), len(m.trainX)
	cur := bv[m.degree-1]
	if t == 1 {
		return fmt.Sprintf("Training set 1 of %d drawn and fitted at every degree from 1 to %d. One fit has no spread yet (variance 0): step to draw more.", total, maxDegree)
	}
	s := fmt.Sprintf("Training set %d of %d fitted. Degree %d: bias² %.4f + variance %.4f + noise %.4f = expected test MSE %.4f.",
		t, total, m.degree, cur.Bias2, cur.Variance, cur.Noise, cur.ExpectedMSE)
	best := bestDegree(bv)
	if best == m.degree {
		return s + " No degree does better."
	}
	return s + fmt.Sprintf(" Lowest at degree %d (%.4f).", best, bv[best-1].ExpectedMSE)
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "fits":
		return m.plotFits(), nil
	case "decomposition":
		return m.plotDecomposition(), nil
	case "tradeoff":
		return m.plotTradeoff(), nil
	}
	return nil, fmt.Errorf("biasvariance: no panel %q", panel)
}

// Colours of the three parts of the error, the same in every panel.
var (
	biasColor     = viz.ClassColor(0)
	varianceColor = viz.ClassColor(1)
	noiseColor    = viz.Palette[9]
	totalColor    = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	fanColor      = color.NRGBA{0x00, 0x72, 0xB2, 0x38} // blue (Okabe–Ito), mostly transparent
)

func (m *model) plotFits() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	t := m.study.Trials()
	fanPoints := 12 + 8*m.degree
	first := max(0, t-maxFanPoints/fanPoints)
	for i := first; i < t; i++ {
		label := ""
		if i == first {
			label = fmt.Sprintf("%d fits, degree %d", t, m.degree)
			if first > 0 {
				label = fmt.Sprintf("latest %d of %d fits, degree %d", t-first, t, m.degree)
			}
		}
		w := m.study.Weights(i, m.degree)
		viz.AddFunction(p, func(x float64) float64 { return linear.PolyPredictLegendre(w, x) }, -1, 1, fanPoints, fanColor, label, false)
	}
	last := t - 1
	pts := make([][]float64, len(m.trainX[last]))
	for i := range pts {
		pts[i] = []float64{m.trainX[last][i], m.trainY[last][i]}
	}
	latest := make([]int, len(pts))
	for i := range latest {
		latest[i] = -1 // grey: the samples of the newest training set
	}
	viz.AddScatter(p, pts, latest, viz.ScatterStyle{Radius: 3, Outline: true})
	viz.AddFunction(p, truth, -1, 1, curvePoints, totalColor, "truth sin(πx)", true)
	mw := m.study.MeanWeights(m.degree)
	viz.AddFunction(p, func(x float64) float64 { return linear.PolyPredictLegendre(mw, x) }, -1, 1, 2*fanPoints, viz.ClassColor(3), "mean of the fits", false)
	// Fixed axes: a wild fit leaves the frame instead of squashing the rest.
	p.X.Min, p.X.Max = -1.05, 1.05
	p.Y.Min, p.Y.Max = m.yLo, m.yHi
	p.Legend.Top = false
	return p
}

func (m *model) plotDecomposition() *plot.Plot {
	p := viz.NewPlot("", "polynomial degree", "expected test MSE")
	bv := m.decompositions()
	best := bv[bestDegree(bv)-1].ExpectedMSE
	// Flexible fits can have a variance a thousand times the best error:
	// keep the axis where the comparison is, and print the height of the
	// bars it cuts.
	yCap := max(3*best, 1.25*bv[0].ExpectedMSE)
	yMax := 0.0
	for _, b := range bv {
		yMax = max(yMax, min(b.ExpectedMSE, yCap))
	}
	yMax *= 1.08
	viz.AddBands(p, []viz.Band{{From: float64(m.degree) - 0.5, To: float64(m.degree) + 0.5, Color: viz.RegionColor(9)}})
	xs := make([]float64, maxDegree)
	layers := [][]float64{make([]float64, maxDegree), make([]float64, maxDegree), make([]float64, maxDegree)}
	total := make([]float64, maxDegree)
	var cut plotter.XYLabels
	for i, b := range bv {
		xs[i] = float64(i + 1)
		// Stack bias², variance, noise, each cut at the top of the axis.
		base := 0.0
		for k, v := range []float64{b.Bias2, b.Variance, b.Noise} {
			top := min(base+v, yMax)
			layers[k][i] = top - base
			base = top
		}
		total[i] = min(b.ExpectedMSE, yMax)
		if b.ExpectedMSE > yMax {
			cut.XYs = append(cut.XYs, plotter.XY{X: xs[i], Y: yMax})
			cut.Labels = append(cut.Labels, shortNum(b.ExpectedMSE))
		}
	}
	viz.AddStackedBars(p, xs, layers, 0.7, []color.Color{biasColor, varianceColor, noiseColor},
		[]string{"bias²", "variance", "noise σ²"})
	viz.AddLine(p, xs, total, totalColor, "expected MSE", false)
	if len(cut.XYs) > 0 {
		labels, err := plotter.NewLabels(cut)
		if err == nil {
			for i := range labels.TextStyle {
				labels.TextStyle[i].Font = p.Legend.TextStyle.Font
				labels.TextStyle[i].Font.Size = 8
				labels.TextStyle[i].Color = totalColor
				labels.TextStyle[i].XAlign = draw.XCenter
				labels.TextStyle[i].YAlign = draw.YTop
			}
			labels.Offset.Y = -2
			p.Add(labels)
		}
	}
	p.X.Min, p.X.Max = 0.5, maxDegree+0.5
	p.Y.Min, p.Y.Max = 0, yMax
	p.X.Tick.Marker = degreeTicks{}
	p.Legend.Top = true
	p.Legend.Left = true
	return p
}

// shortNum prints a cut bar's height in three significant digits.
func shortNum(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.0e", v)
	}
	return textfmt.Sig(v, 3)
}

func (m *model) plotTradeoff() *plot.Plot {
	p := viz.NewPlot("", "polynomial degree", "error (log scale)")
	bv := m.decompositions()
	xs := make([]float64, maxDegree)
	bias, variance, total := make([]float64, maxDegree), make([]float64, maxDegree), make([]float64, maxDegree)
	lo, hi := math.Inf(1), 0.0
	for i, b := range bv {
		xs[i] = float64(i + 1)
		bias[i], variance[i], total[i] = b.Bias2, b.Variance, b.ExpectedMSE
		lo = min(lo, b.Bias2, b.ExpectedMSE)
		if m.study.Trials() > 1 {
			lo = min(lo, b.Variance)
		}
		hi = max(hi, b.ExpectedMSE)
	}
	viz.AddLine(p, xs, bias, biasColor, "bias²", false)
	if m.study.Trials() > 1 {
		viz.AddLine(p, xs, variance, varianceColor, "variance", false)
	}
	viz.AddLine(p, xs, total, totalColor, "expected MSE", false)
	if nv := bv[0].Noise; nv > 0 {
		viz.AddHLine(p, nv, "noise σ²", viz.Neutral)
	}
	viz.AddVLine(p, float64(m.degree), "degree "+strconv.Itoa(m.degree), viz.Neutral)
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0.5, maxDegree+0.5
	p.X.Tick.Marker = degreeTicks{}
	p.Y.Min = max(lo/2, 1e-5)
	p.Y.Max = max(hi*2, 10*p.Y.Min)
	p.Legend.Top = true
	p.Legend.Left = true
	return p
}

// degreeTicks puts a tick on every whole degree.
type degreeTicks struct{}

func (degreeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for d := int(math.Ceil(lo)); float64(d) <= hi; d++ {
		ticks = append(ticks, plot.Tick{Value: float64(d), Label: strconv.Itoa(d)})
	}
	return ticks
}

// Data is one row per training sample of every training set (split
// "train", trial 1..T, in drawing order), then the test grid (split
// "test", no trial) whose y is the noise-free truth f(x): the noise term
// σ² of the expected error is added analytically, not sampled.
func (m *model) Data() [][]string {
	rows := [][]string{{"x", "y", "split", "trial"}}
	for t := range m.trainX {
		tr := strconv.Itoa(t + 1)
		for i := range m.trainX[t] {
			rows = append(rows, []string{textfmt.Num(m.trainX[t][i]), textfmt.Num(m.trainY[t][i]), "train", tr})
		}
	}
	for j := range m.testX {
		rows = append(rows, []string{textfmt.Num(m.testX[j]), textfmt.Num(m.testF[j]), "test", ""})
	}
	return rows
}
