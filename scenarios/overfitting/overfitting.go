// Package overfitting is the over-fitting scenario: a polynomial of chosen
// degree fitted to noisy samples by gradient descent, its training and
// validation errors epoch by epoch, and a complexity sweep over the degree.
package overfitting

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

//go:embed explanation.html
var explanation string

// Limits of the scenario.
const (
	maxDegree = 15
	maxSteps  = 3000
	// trainShare of the generated samples train the model; the rest validate it.
	trainShare = 2.0 / 3
	// converged is the gradient norm at which gradient descent has nothing
	// visible left to do.
	converged = 1e-7
	// risingFor is how many epochs the validation error must rise, while the
	// training error falls, before the note calls it over-fitting.
	risingFor = 25
	// maxCurvePoints bounds the points drawn per curve, and so the frame size.
	maxCurvePoints = 240
)

// truth is the curve the samples are drawn around.
func truth(x float64) float64 { return math.Sin(math.Pi * x) }

// The parameter table.
var (
	degreeParam = lab.Int(lab.Param{Name: "degree", Label: "Polynomial degree", Default: "9", Min: 1, Max: maxDegree, Step: 1,
		Help: "Highest power of x in the model: the model's complexity."})
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples", Default: "30", Min: 6, Max: 500, Step: 1,
		Help: "Noisy samples drawn; two thirds train the model, one third validates it. More data is a remedy for over-fitting."})
	noiseParam = lab.Float(lab.Param{Name: "noise", Label: "Noise σ", Default: "0.25", Min: 0, Max: 2, Step: 0.05,
		Help: "Standard deviation of the noise added to sin(πx)."})
	lambdaParam = lab.Float(lab.Param{Name: "lambda", Label: "L2 penalty λ", Default: "0", Min: 0, Max: 10, Step: 0.0001,
		Help: "Weight of the L2 penalty on the Legendre-basis coefficients (not the constant term). A remedy for over-fitting; too much under-fits."})
	pointsParam = lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "",
		Help: "Training points you added by clicking on the fit plot (x within −1 to 1)."})
)

// Scenario returns the over-fitting scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "overfitting",
		Title:    "Over-fitting and model complexity",
		Chapter:  chapter,
		Summary:  "A polynomial fitted by gradient descent bends to the noise; training and validation errors part ways, and a sweep over the degree shows under-fitting, just right and over-fitting.",
		MaxSteps: maxSteps,
		Speed:    30,
		Params:   lab.Params(degreeParam, nParam, noiseParam, lambdaParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "fit", Title: "The fit over the data", Points: pointsParam.Name()},
			{Name: "error", Title: "Training and validation error per epoch"},
			{Name: "sweep", Title: "Complexity sweep: error vs degree"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// sweepPoint is one degree of the complexity sweep, fitted in closed form.
type sweepPoint struct {
	Degree   int     `json:"degree"`
	TrainMSE float64 `json:"train_mse"`
	ValMSE   float64 `json:"val_mse"`
}

// model is one over-fitting run.
type model struct {
	degree                   int
	lambda                   float64
	trainX, trainY           []float64
	valX, valY               []float64
	userPoints               int // the last userPoints training samples are the user's
	gd                       *linear.PolyRegression
	closedForm               []float64 // Legendre weights GD is heading to
	trainCurve, valCurve     []float64 // per epoch
	sweep                    []sweepPoint
	bestDegree               int
	justRightLo, justRightHi int
	yLo, yHi                 float64
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	n := nParam.Get(v)
	x, y := dataset.NoisyCurve(rng, n, truth, -1, 1, noiseParam.Get(v))
	nTrain := int(math.Round(trainShare * float64(n)))
	m := &model{
		degree: degreeParam.Get(v),
		lambda: lambdaParam.Get(v),
		trainX: x[:nTrain], trainY: y[:nTrain],
		valX: x[nTrain:], valY: y[nTrain:],
	}
	for i, p := range pointsParam.Get(v) {
		if p.X < -1 || p.X > 1 {
			return nil, pointsParam.Refuse(v, fmt.Sprintf("point %d has x = %g; x must be within −1 to 1", i+1, p.X))
		}
		m.trainX = append(m.trainX, p.X)
		m.trainY = append(m.trainY, p.Y)
		m.userPoints++
	}
	var err error
	if m.gd, err = linear.NewPolyRegression(m.trainX, m.trainY, m.degree, m.lambda); err != nil {
		return nil, fmt.Errorf("overfitting: %w", err)
	}
	if m.closedForm, err = linear.RidgePoly(m.trainX, m.trainY, m.degree, m.lambda); err != nil {
		return nil, fmt.Errorf("overfitting: %w", err)
	}
	if err := m.runSweep(); err != nil {
		return nil, err
	}
	m.yLo, m.yHi = -1.6, 1.6
	for _, yy := range y {
		m.yLo, m.yHi = min(m.yLo, yy-0.2), max(m.yHi, yy+0.2)
	}
	for _, yy := range m.trainY {
		m.yLo, m.yHi = min(m.yLo, yy-0.2), max(m.yHi, yy+0.2)
	}
	m.record()
	return m, nil
}

// runSweep fits every degree in closed form on the training split and marks
// the "just right" degrees: those whose validation error is within 10% of
// the best one, next to it.
func (m *model) runSweep() error {
	for d := 1; d <= maxDegree; d++ {
		w, err := linear.RidgePoly(m.trainX, m.trainY, d, m.lambda)
		if err != nil {
			return fmt.Errorf("overfitting: sweep degree %d: %w", d, err)
		}
		m.sweep = append(m.sweep, sweepPoint{Degree: d, TrainMSE: mse(w, m.trainX, m.trainY), ValMSE: mse(w, m.valX, m.valY)})
	}
	best := 0
	for i, s := range m.sweep {
		if s.ValMSE < m.sweep[best].ValMSE {
			best = i
		}
	}
	lo, hi := best, best
	for lo > 0 && m.sweep[lo-1].ValMSE <= 1.1*m.sweep[best].ValMSE {
		lo--
	}
	for hi < len(m.sweep)-1 && m.sweep[hi+1].ValMSE <= 1.1*m.sweep[best].ValMSE {
		hi++
	}
	m.bestDegree, m.justRightLo, m.justRightHi = best+1, lo+1, hi+1
	return nil
}

func mse(w, x, y []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	var s float64
	for i := range x {
		e := linear.PolyPredictLegendre(w, x[i]) - y[i]
		s += e * e
	}
	return s / float64(len(x))
}

func (m *model) record() {
	m.trainCurve = append(m.trainCurve, m.gd.MSE(m.trainX, m.trainY))
	m.valCurve = append(m.valCurve, m.gd.MSE(m.valX, m.valY))
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.gd.Step()
	m.record()
	return nil
}

func (m *model) Done() bool { return m.gd.GradientNorm() < converged }

// zone names the sweep's verdict on a degree.
func (m *model) zone(d int) string {
	switch {
	case d < m.justRightLo:
		return "under-fitting"
	case d > m.justRightHi:
		return "over-fitting"
	}
	return "just right"
}

type state struct {
	Coefficients []float64    `json:"coefficients"` // monomial basis, lowest degree first
	Weights      []float64    `json:"weights"`      // orthonormal Legendre basis
	ClosedForm   []float64    `json:"closed_form"`  // monomial coefficients of the ridge solution
	Epoch        int          `json:"epoch"`
	LearningRate float64      `json:"learning_rate"`
	Sweep        []sweepPoint `json:"sweep"`
	BestDegree   int          `json:"best_degree"`
	Zone         string       `json:"zone"`
}

func (m *model) Snapshot() lab.Snapshot {
	n := len(m.trainCurve) - 1
	return lab.Snapshot{
		Metrics: map[string]float64{"train_mse": m.trainCurve[n], "val_mse": m.valCurve[n]},
		State: state{
			Coefficients: m.gd.Coefficients(),
			Weights:      m.gd.Weights(),
			ClosedForm:   linear.LegendreToMonomial(m.closedForm),
			Epoch:        m.gd.Epoch(),
			LearningRate: m.gd.LearningRate(),
			Sweep:        m.sweep,
			BestDegree:   m.bestDegree,
			Zone:         m.zone(m.degree),
		},
		Note: m.note(),
	}
}

func (m *model) note() string {
	n := len(m.trainCurve) - 1
	if n == 0 {
		return fmt.Sprintf("Degree %d starts flat (all weights 0). The sweep calls this degree %s; the validation error is lowest at degree %d.",
			m.degree, m.zone(m.degree), m.bestDegree)
	}
	s := fmt.Sprintf("Epoch %d: training MSE %.4f, validation MSE %.4f.", n, m.trainCurve[n], m.valCurve[n])
	if m.Done() {
		return s + " Gradient descent has converged to the closed-form fit."
	}
	if n > risingFor && m.valCurve[n] > m.valCurve[n-risingFor] && m.trainCurve[n] < m.trainCurve[n-risingFor] {
		return s + " The validation error is rising while the training error falls: the fit is learning the noise."
	}
	return s
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "fit":
		return m.plotFit(), nil
	case "error":
		return m.plotError(), nil
	case "sweep":
		return m.plotSweep(), nil
	}
	return nil, fmt.Errorf("overfitting: no panel %q", panel)
}

// PanelVersion implements lab.PanelVersioner: the degree sweep is done
// once, when the run is built, so its panel never changes.
func (m *model) PanelVersion(panel string) (uint64, bool) { return 0, panel == "sweep" }

var _ lab.PanelVersioner = (*model)(nil)

func (m *model) plotFit() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	viz.AddFunction(p, truth, -1, 1, 120, viz.Neutral, "truth sin(πx)", true)
	viz.AddFunction(p, func(x float64) float64 { return linear.PolyPredictLegendre(m.closedForm, x) }, -1, 1, 200,
		viz.ClassColor(2), "closed-form fit", false)
	viz.AddFunction(p, m.gd.Predict, -1, 1, 200, viz.ClassColor(3), fmt.Sprintf("gradient descent, degree %d", m.degree), false)
	gen := len(m.trainX) - m.userPoints
	viz.AddScatter(p, viz.Pairs(m.trainX[:gen], m.trainY[:gen]), nil, viz.ScatterStyle{Radius: 3.5, Outline: true})
	viz.AddScatter(p, viz.Pairs(m.valX, m.valY), fill(len(m.valX), 1), viz.ScatterStyle{Shape: "triangle", Radius: 4, Outline: true})
	if m.userPoints > 0 {
		viz.AddScatter(p, viz.Pairs(m.trainX[gen:], m.trainY[gen:]), nil, viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
	// Fixed axes: a wild over-fit leaves the frame instead of squashing the data.
	p.X.Min, p.X.Max = -1.05, 1.05
	p.Y.Min, p.Y.Max = m.yLo, m.yHi
	// Bottom right is where sin(πx) leaves room.
	p.Legend.Top = false
	return p
}

func fill(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func (m *model) plotError() *plot.Plot {
	p := viz.NewPlot("", "epoch", "mean squared error (log scale)")
	viz.AddHistory(p, maxCurvePoints, viz.Curve{Values: positive(m.trainCurve), Color: viz.ClassColor(0), Label: "training"})
	if len(m.valX) > 0 {
		viz.AddHistory(p, maxCurvePoints, viz.Curve{Values: positive(m.valCurve), Color: viz.ClassColor(1), Label: "validation"})
	}
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0, max(p.X.Max, 50)
	p.Legend.Top = true
	return p
}

// positive keeps values on a log axis: an exact fit has error 0.
func positive(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = max(x, 1e-8)
	}
	return out
}

func (m *model) plotSweep() *plot.Plot {
	p := viz.NewPlot("", "polynomial degree", "mean squared error (log scale)")
	// Narrow bands get short labels so they fit.
	label := func(lo, hi int, long, short string) string {
		if hi-lo+1 >= 3 {
			return long
		}
		return short
	}
	viz.AddBands(p, []viz.Band{
		{From: 0.5, To: float64(m.justRightLo) - 0.5, Color: viz.RegionColor(0), Label: label(1, m.justRightLo-1, "under-fitting", "under")},
		{From: float64(m.justRightLo) - 0.5, To: float64(m.justRightHi) + 0.5, Color: viz.RegionColor(2), Label: label(m.justRightLo, m.justRightHi, "just right", "best")},
		{From: float64(m.justRightHi) + 0.5, To: maxDegree + 0.5, Color: viz.RegionColor(3), Label: label(m.justRightHi+1, maxDegree, "over-fitting", "over")},
	})
	xs := make([]float64, len(m.sweep))
	tr := make([]float64, len(m.sweep))
	va := make([]float64, len(m.sweep))
	for i, s := range m.sweep {
		xs[i], tr[i], va[i] = float64(s.Degree), s.TrainMSE, s.ValMSE
	}
	viz.AddLine(p, xs, positive(tr), viz.ClassColor(0), "training", false)
	if len(m.valX) > 0 {
		viz.AddLine(p, xs, positive(va), viz.ClassColor(1), "validation", false)
	}
	viz.AddVLine(p, float64(m.degree), "degree "+strconv.Itoa(m.degree), viz.Neutral)
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0.5, maxDegree+0.5
	p.X.Tick.Marker = degreeTicks{}
	// Interpolating fits reach errors of 1e-20 and 1e+7: keep the axis on
	// the range where the lesson is, and let the curves leave it.
	lo, hi := math.Inf(1), 0.0
	for _, s := range m.sweep {
		lo = min(lo, s.TrainMSE, s.ValMSE)
		hi = max(hi, s.ValMSE)
	}
	p.Y.Min = max(lo/2, 1e-4)
	p.Y.Max = min(hi*2, 100*max(m.sweep[0].ValMSE, m.sweep[0].TrainMSE))
	p.Legend.Top = true
	return p
}

// degreeTicks labels every odd degree: degrees are whole numbers.
type degreeTicks struct{}

func (degreeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for d := int(math.Ceil(lo)); float64(d) <= hi; d++ {
		t := plot.Tick{Value: float64(d)}
		if d%2 == 1 {
			t.Label = strconv.Itoa(d)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

func (m *model) Data() [][]string {
	rows := [][]string{{"x", "y", "split"}}
	for i := range m.trainX {
		rows = append(rows, []string{textfmt.Num(m.trainX[i]), textfmt.Num(m.trainY[i]), "train"})
	}
	for i := range m.valX {
		rows = append(rows, []string{textfmt.Num(m.valX[i]), textfmt.Num(m.valY[i]), "val"})
	}
	return rows
}
