// Package crossvalidation is the K-fold cross-validation scenario: a test
// set is put aside, the training data are cut into K folds, every
// candidate polynomial degree is fitted K times with one fold held out,
// the degree with the lowest mean validation error is refitted on all the
// training data, and the test set is used once, at the very end.
package crossvalidation

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/eval"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

//go:embed explanation.html
var explanation string

// Limits of the scenario.
const (
	maxFolds  = 10
	maxDegree = 15
	// testShare of the samples form the test set, drawn once, before
	// anything else happens.
	testShare = 0.25
	// curvePoints is the resolution of a drawn fit.
	curvePoints = 120
)

// truth is the curve the samples are drawn around.
func truth(x float64) float64 { return math.Sin(math.Pi * x) }

// The parameter table.
var (
	foldsParam = lab.Int(lab.Param{Name: "folds", Label: "Folds K", Default: "5", Min: 2, Max: maxFolds, Step: 1,
		Help: "Number of folds the training data are cut into; each candidate degree is fitted K times."})
	maxDegreeParam = lab.Int(lab.Param{Name: "max_degree", Label: "Highest degree tried", Default: "10", Min: 1, Max: maxDegree, Step: 1,
		Help: "The candidate models are the polynomials of degree 1 up to this one."})
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples", Default: "40", Min: 8, Max: 300, Step: 1,
		Help: "Noisy samples drawn; a quarter become the test set, the rest the training data."})
	noiseParam = lab.Float(lab.Param{Name: "noise", Label: "Noise σ", Default: "0.3", Min: 0, Max: 1.5, Step: 0.05,
		Help: "Standard deviation of the noise added to sin(πx)."})
)

// Scenario returns the cross-validation scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "cross-validation",
		Title:    "K-fold cross-validation",
		Chapter:  chapter,
		Summary:  "Choose a polynomial's degree by K-fold cross-validation: every fold validates once, the best mean wins, and the test set is opened only at the very end.",
		MaxSteps: maxDegree*maxFolds + 2,
		Speed:    6,
		Params:   lab.Params(foldsParam, maxDegreeParam, nParam, noiseParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "folds", Title: "Training data by fold, and the current fit"},
			{Name: "scores", Title: "Validation error per degree: each fold, mean ± sd"},
			{Name: "final", Title: "The chosen model on the test set"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// score is one candidate degree's cross-validation result so far.
type score struct {
	Degree  int       `json:"degree"`
	FoldMSE []float64 `json:"fold_mse"` // fold f's validation MSE at index f
	Mean    float64   `json:"mean"`
	Std     float64   `json:"std"` // divides by the number of folds (ddof = 0)
}

// model is one cross-validation run: the data and the stepper that
// searches the degree.
type model struct {
	k, maxDegree   int
	trainX, trainY []float64
	testX, testY   []float64
	folds          []int // fold of each training sample
	cv             *eval.PolyCrossValidation
	// The stepper's last fit, kept to draw it: Legendre weights, degree
	// and the fold it held out (−1 for none).
	fit                []float64
	fitDegree, heldOut int
	yLo, yHi           float64
}

func newModel(v lab.Values) (lab.Model, error) {
	n, k := nParam.Get(v), foldsParam.Get(v)
	nTest := int(math.Round(testShare * float64(n)))
	nTrain := n - nTest
	if k > nTrain {
		return nil, foldsParam.Refuse(v, fmt.Sprintf("at most the %d training samples (%d samples, a quarter of them kept for testing)", nTrain, n))
	}
	x, y := dataset.NoisyCurve(rand.New(rand.NewPCG(v.Seed(), 1)), n, truth, -1, 1, noiseParam.Get(v))
	m := &model{
		k: k, maxDegree: maxDegreeParam.Get(v),
		// x is drawn i.i.d., so the first nTrain samples are a random split.
		trainX: x[:nTrain], trainY: y[:nTrain],
		testX: x[nTrain:], testY: y[nTrain:],
		folds:   eval.KFold(nTrain, k, rand.New(rand.NewPCG(v.Seed(), 2))),
		heldOut: -1,
	}
	var err error
	if m.cv, err = eval.NewPolyCrossValidation(m.trainX, m.trainY, m.testX, m.testY, m.folds, m.k, m.maxDegree); err != nil {
		return nil, fmt.Errorf("crossvalidation: %w", err)
	}
	m.yLo, m.yHi = -1.6, 1.6
	for _, yy := range y {
		m.yLo, m.yHi = min(m.yLo, yy-0.2), max(m.yHi, yy+0.2)
	}
	return m, nil
}

func (m *model) Done() bool { return m.cv.Done() }

func (m *model) Step() error {
	m.cv.Step()
	if err := m.cv.Err(); err != nil {
		return fmt.Errorf("crossvalidation: %w", err)
	}
	m.fit, m.fitDegree, m.heldOut = m.cv.Fit()
	return nil
}

// scores are the stepper's scores in the frame's form.
func (m *model) scores() []score {
	out := []score{}
	for _, s := range m.cv.Scores() {
		out = append(out, score{Degree: s.Degree, FoldMSE: s.FoldMSE, Mean: s.Mean, Std: s.Std})
	}
	return out
}

type state struct {
	Phase        string    `json:"phase"`
	Folds        []int     `json:"folds"` // fold of each training sample, data.csv order
	FoldSizes    []int     `json:"fold_sizes"`
	Scores       []score   `json:"scores"`
	Degree       int       `json:"degree"`        // degree of the last fit, 0 before any
	HeldOutFold  int       `json:"held_out_fold"` // fold the last fit left out, −1 for none
	Coefficients []float64 `json:"coefficients"`  // monomial, lowest degree first, of the last fit
	ChosenDegree int       `json:"chosen_degree"` // 0 until every degree is scored
	TestUsed     bool      `json:"test_used"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{
		Phase:        m.cv.Phase(),
		Folds:        m.folds,
		FoldSizes:    m.cv.FoldSizes(),
		Scores:       m.scores(),
		Degree:       m.fitDegree,
		HeldOutFold:  m.heldOut,
		Coefficients: linear.LegendreToMonomial(m.fit),
		ChosenDegree: m.cv.Chosen(),
		TestUsed:     m.cv.Phase() == eval.PhaseTest,
	}
	best := math.NaN()
	if len(s.Scores) > 0 {
		best = s.Scores[m.cv.BestSoFar()-1].Mean
	}
	return lab.Snapshot{
		Metrics: map[string]float64{
			"fold_mse":    m.cv.FoldMSE(),
			"best_cv_mse": best,
			"train_mse":   m.cv.TrainMSE(),
			"test_mse":    m.cv.TestMSE(),
		},
		State: s,
		Note:  m.note(),
	}
}

func (m *model) note() string {
	switch m.cv.Phase() {
	case eval.PhaseSplit:
		sizes := make([]string, m.k)
		for f, n := range m.cv.FoldSizes() {
			sizes[f] = strconv.Itoa(n)
		}
		return fmt.Sprintf("Split: %d training samples in %d folds (sizes %s); %d test samples locked away until the last step.",
			len(m.trainX), m.k, strings.Join(sizes, ", "), len(m.testX))
	case eval.PhaseCV:
		scores := m.cv.Scores()
		s := scores[len(scores)-1]
		note := fmt.Sprintf("Degree %d, fold %d of %d held out: fitted on the other %d samples, validation MSE %.4f on its %d.",
			m.fitDegree, m.heldOut+1, m.k, len(m.trainX)-m.cv.FoldSizes()[m.heldOut], m.cv.FoldMSE(), m.cv.FoldSizes()[m.heldOut])
		if len(s.FoldMSE) == m.k {
			note += fmt.Sprintf(" Degree %d scores %.4f ± %.4f.", s.Degree, s.Mean, s.Std)
		}
		if m.cv.Chosen() > 0 {
			note += fmt.Sprintf(" Degree %d has the lowest mean: chosen.", m.cv.Chosen())
		}
		return note
	case eval.PhaseRefit:
		return fmt.Sprintf("Degree %d refitted on all %d training samples: training MSE %.4f. The test set is still untouched.",
			m.cv.Chosen(), len(m.trainX), m.cv.TrainMSE())
	}
	return fmt.Sprintf("The test set, used for the first and only time: test MSE %.4f for degree %d (its cross-validation estimate was %.4f).",
		m.cv.TestMSE(), m.cv.Chosen(), m.cv.Scores()[m.cv.Chosen()-1].Mean)
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "folds":
		return m.plotFolds(), nil
	case "scores":
		return m.plotScores(), nil
	case "final":
		return m.plotFinal(), nil
	}
	return nil, fmt.Errorf("crossvalidation: no panel %q", panel)
}

// PanelVersion implements lab.PanelVersioner: the final fit's panel
// changes only with the phase (nothing to show before the refit, then the
// refitted curve, then the test errors).
func (m *model) PanelVersion(panel string) (uint64, bool) {
	if panel != "final" {
		return 0, false
	}
	switch m.cv.Phase() {
	case eval.PhaseRefit:
		return 1, true
	case eval.PhaseTest:
		return 2, true
	}
	return 0, true
}

var _ lab.PanelVersioner = (*model)(nil)

var (
	inkDark   = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	testColor = viz.Neutral
)

// noThumb is a legend entry without a picture, for a line of text.
type noThumb struct{}

func (noThumb) Thumbnail(*draw.Canvas) {}

// ringThumb is the legend picture of the hollow test markers.
func ringThumb() plot.Thumbnailer {
	s, _ := plotter.NewScatter(plotter.XYs{{}})
	s.GlyphStyle = draw.GlyphStyle{Color: testColor, Radius: 3.5, Shape: draw.RingGlyph{}}
	return s
}

func (m *model) plotFolds() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	var pts [][]float64
	var classes []int
	var held [][]float64
	for i := range m.trainX {
		pt := []float64{m.trainX[i], m.trainY[i]}
		if m.folds[i] == m.heldOut {
			held = append(held, pt)
			continue
		}
		pts, classes = append(pts, pt), append(classes, m.folds[i])
	}
	viz.AddScatter(p, pts, classes, viz.ScatterStyle{Radius: 3.5, Outline: true})
	if len(held) > 0 {
		hc := make([]int, len(held))
		for i := range hc {
			hc[i] = m.heldOut
		}
		viz.AddMarkers(p, held, hc, "square", 4.5)
	}
	test := make([][]float64, len(m.testX))
	for i := range test {
		test[i] = []float64{m.testX[i], m.testY[i]}
	}
	viz.AddScatter(p, test, fill(len(test), -1), viz.ScatterStyle{Shape: "ring", Radius: 3.5})
	switch m.cv.Phase() {
	case eval.PhaseSplit:
		p.Legend.Add(fmt.Sprintf("training data: %d folds by colour", m.k), noThumb{})
	case eval.PhaseCV:
		viz.AddFunction(p, m.predict, -1, 1, curvePoints, inkDark, fmt.Sprintf("degree %d fitted without fold %d", m.fitDegree, m.heldOut+1), false)
		p.Legend.Add(fmt.Sprintf("fold %d validates (squares)", m.heldOut+1), noThumb{})
	default:
		viz.AddFunction(p, m.predict, -1, 1, curvePoints, inkDark, fmt.Sprintf("degree %d refitted on all folds", m.cv.Chosen()), false)
	}
	p.Legend.Add("test set, untouched", ringThumb())
	p.X.Min, p.X.Max = -1.05, 1.05
	p.Y.Min, p.Y.Max = m.yLo, m.yHi
	p.Legend.Top = false
	return p
}

func (m *model) predict(x float64) float64 { return linear.PolyPredictLegendre(m.fit, x) }

func fill(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func (m *model) plotScores() *plot.Plot {
	scores := m.cv.Scores()
	p := viz.NewPlot("", "polynomial degree", "validation MSE (log scale)")
	p.X.Min, p.X.Max = 0.5, float64(m.maxDegree)+0.5
	p.X.Tick.Marker = degreeTicks{}
	viz.SetLogY(p)
	if len(scores) == 0 {
		p.Y.Min, p.Y.Max = 0.01, 1
		viz.AddNotice(p, "Each step trains one degree with one fold held out:",
			"each fold's validation error (a dot in its colour)", "and their mean ± sd appear here, degree by degree.")
		return p
	}
	// Interpolating fits on a fold can miss by 10⁴: keep the axis on the
	// range where the choice is made and pin the values it cuts to its top
	// as triangles.
	lo, bestMean := math.Inf(1), math.Inf(1)
	hi := 0.0
	for _, s := range scores {
		for _, v := range s.FoldMSE {
			lo, hi = min(lo, v), max(hi, v)
		}
		bestMean = min(bestMean, s.Mean)
	}
	yMin := max(lo/2, 1e-4)
	yMax := max(min(hi*2, 50*bestMean), 10*yMin)
	if m.cv.Chosen() > 0 {
		viz.AddBands(p, []viz.Band{{From: float64(m.cv.Chosen()) - 0.5, To: float64(m.cv.Chosen()) + 0.5, Color: viz.RegionColor(4), Label: "chosen"}})
	}
	// Each fold's error: a small dot in the fold's colour, spread a little
	// sideways so the folds of one degree do not hide each other.
	var dots, cut [][]float64
	var dotFold, cutFold []int
	for _, s := range scores {
		for f, v := range s.FoldMSE {
			x := float64(s.Degree) + 0.5*(float64(f)-float64(m.k-1)/2)/float64(m.k)
			if v > yMax {
				cut, cutFold = append(cut, []float64{x, yMax}), append(cutFold, f)
				continue
			}
			dots, dotFold = append(dots, []float64{x, max(v, yMin)}), append(dotFold, f)
		}
	}
	// Mean ± sd as a bar through a square marker, for degrees with every fold.
	var xs, means []float64
	for _, s := range scores {
		if len(s.FoldMSE) < m.k {
			continue
		}
		x := float64(s.Degree)
		lo, hi := max(s.Mean-s.Std, yMin), min(s.Mean+s.Std, yMax)
		if lo < hi {
			viz.AddLine(p, []float64{x, x}, []float64{lo, hi}, inkDark, "", false)
		}
		xs, means = append(xs, x), append(means, min(s.Mean, yMax))
	}
	if len(xs) > 0 {
		viz.AddLine(p, xs, means, inkDark, "mean ± sd over the folds", false)
		pts := make([][]float64, len(xs))
		for i := range xs {
			pts[i] = []float64{xs[i], means[i]}
		}
		viz.AddMarkers(p, pts, fill(len(pts), -1), "square", 3.5)
	}
	viz.AddScatter(p, dots, dotFold, viz.ScatterStyle{Radius: 2.5})
	viz.AddScatter(p, cut, cutFold, viz.ScatterStyle{Shape: "triangle", Radius: 2.5})
	p.Legend.Add("one fold (colour) each", noThumb{})
	p.Y.Min, p.Y.Max = yMin, yMax
	p.Legend.Top = true
	return p
}

func (m *model) plotFinal() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	train := make([][]float64, len(m.trainX))
	for i := range train {
		train[i] = []float64{m.trainX[i], m.trainY[i]}
	}
	viz.AddScatter(p, train, nil, viz.ScatterStyle{Radius: 3, Outline: true})
	switch m.cv.Phase() {
	case eval.PhaseSplit, eval.PhaseCV:
		p.Legend.Add("waiting for cross-validation to choose a degree", noThumb{})
	case eval.PhaseRefit:
		viz.AddFunction(p, m.predict, -1, 1, curvePoints, inkDark, fmt.Sprintf("degree %d, refitted on all training data", m.cv.Chosen()), false)
		p.Legend.Add("test set: still locked away", noThumb{})
	case eval.PhaseTest:
		// Each test sample's error, then the samples on top.
		for i, x := range m.testX {
			viz.AddLine(p, []float64{x, x}, []float64{m.testY[i], m.predict(x)}, viz.RegionColor(1), "", false)
		}
		viz.AddFunction(p, m.predict, -1, 1, curvePoints, inkDark, fmt.Sprintf("degree %d, refitted on all training data", m.cv.Chosen()), false)
		test := make([][]float64, len(m.testX))
		for i := range test {
			test[i] = []float64{m.testX[i], m.testY[i]}
		}
		viz.AddScatter(p, test, fill(len(test), 1), viz.ScatterStyle{Shape: "triangle", Radius: 4, Outline: true})
		p.Legend.Add(fmt.Sprintf("test MSE %.4f (test set used once)", m.cv.TestMSE()), noThumb{})
	}
	p.X.Min, p.X.Max = -1.05, 1.05
	p.Y.Min, p.Y.Max = m.yLo, m.yHi
	p.Legend.Top = false
	return p
}

// degreeTicks puts a tick on every whole degree and labels every one up to
// ten degrees, every odd one beyond.
type degreeTicks struct{}

func (degreeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for d := int(math.Ceil(lo)); float64(d) <= hi; d++ {
		t := plot.Tick{Value: float64(d)}
		if hi-lo <= 10 || d%2 == 1 {
			t.Label = strconv.Itoa(d)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// Data is the training samples (split "train", with their fold 0..K−1 as
// in state.folds; notes and legends count folds from 1) in the order of
// state.folds, then the test samples (split "test", no fold).
func (m *model) Data() [][]string {
	rows := [][]string{{"x", "y", "split", "fold"}}
	for i := range m.trainX {
		rows = append(rows, []string{textfmt.Num(m.trainX[i]), textfmt.Num(m.trainY[i]), "train", strconv.Itoa(m.folds[i])})
	}
	for i := range m.testX {
		rows = append(rows, []string{textfmt.Num(m.testX[i]), textfmt.Num(m.testY[i]), "test", ""})
	}
	return rows
}
