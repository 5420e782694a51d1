// Package perceptron is the perceptron scenario: Rosenblatt's Heaviside
// unit corrected one sample per step, its line wᵀx + b = 0 turning towards
// each misclassified sample, converging on separable data and cycling for
// ever on XOR.
package perceptron

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

// Limits and fixed settings of the scenario.
const (
	maxSteps  = 5000
	regionRes = 100
	testShare = 0.25
	noise     = 0.5
	// curveSamples bounds the points of the weight trajectories.
	curveSamples = 240
	// maxBars bounds the epochs drawn in the errors panel.
	maxBars = 60
	// arrowShare is the longest weight arrow as a share of the map's width.
	arrowShare = 0.22
)

// The parameter table. The data sets are the two-class problems: two a
// line can split, two it cannot, and the user's own points.
var (
	datasetParam = classdata.DatasetParam(classdata.Separable,
		[]*classdata.Dataset{classdata.Separable, classdata.Overlap, classdata.XOR, classdata.Circles, classdata.Custom})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.2", Min: 0.01, Max: 2, Step: 0.01,
		Help: "Size of each correction w ← w + η(y − ŷ)x. The weights start at small random values, so η sets how far one mistake turns the line compared with where it started."})
	nParam      = classdata.NParam(100, 400)
	pointsParam = classdata.PointsParam()
)

// noLine says, for each data set no line separates, why the line never
// settles.
var noLine = map[*classdata.Dataset]string{
	classdata.XOR:     cycles(classdata.XOR),
	classdata.Circles: cycles(classdata.Circles),
	classdata.Overlap: "where the classes overlap no line is mistake-free, so the line keeps jumping.",
}

func cycles(d *classdata.Dataset) string {
	return "no straight line puts every " + d.Name + " sample on its side, so each epoch has a mistake and its update undoes earlier ones: the weights cycle and never converge."
}

//go:embed explanation.html
var explanation string

// Scenario returns the perceptron scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "perceptron",
		Title:    "The perceptron",
		Chapter:  chapter,
		Summary:  "Rosenblatt's Heaviside unit corrected one sample a step: it converges on separable data and cycles for ever on XOR.",
		MaxSteps: maxSteps,
		Speed:    8,
		Params:   lab.Params(datasetParam, lrParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "boundary", Title: "The line wᵀx + b = 0 and the sample just visited", Points: pointsParam.Name()},
			{Name: "errors", Title: "Mistakes per epoch"},
			{Name: "weights", Title: "Weights w₁, w₂ and bias b per step"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run: the data set, the perceptron and its history.
type model struct {
	set     *classdata.Set
	dataset *classdata.Dataset
	lr      float64
	p       *linear.Perceptron // nil while there are no training samples
	steps   int
	prevW   []float64 // weights before the last step
	prevB   float64
	history [][3]float64 // w₁, w₂, b after every step, step 0 first
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	set, err := classdata.Load(rng, classdata.Options{
		Dataset: datasetParam.Get(v), N: nParam.Get(v), Noise: noise, Classes: 2,
		TestShare: testShare, Points: pointsParam.Get(v),
	})
	if err != nil {
		return nil, err
	}
	m := &model{set: set, dataset: datasetParam.Get(v), lr: lrParam.Get(v)}
	if len(set.Train) == 0 {
		return m, nil // custom data without points: the note asks for clicks
	}
	// Small random starting weights from their own stream, so the data
	// stays the same when only the start changes.
	init := rand.New(rand.NewPCG(v.Seed(), 2))
	w0 := []float64{2*init.Float64() - 1, 2*init.Float64() - 1}
	b0 := 2*init.Float64() - 1
	X, y := set.Subset(set.Train)
	// Start on the wrong foot: if the first sample is already on its side,
	// reverse the line, so the first step always shows a correction (and
	// a lucky start never hides the learning on separable data).
	if s := b0 + w0[0]*X[0][0] + w0[1]*X[0][1]; (s >= 0) == (y[0] == 1) {
		w0[0], w0[1], b0 = -w0[0], -w0[1], -b0
	}
	m.p, err = linear.NewPerceptron(X, y, w0, b0, m.lr)
	if err != nil {
		return nil, fmt.Errorf("perceptron: %w", err)
	}
	m.prevW, m.prevB = w0, b0
	m.record()
	return m, nil
}

func (m *model) record() {
	w := m.p.Weights()
	m.history = append(m.history, [3]float64{w[0], w[1], m.p.Bias()})
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.prevW, m.prevB = m.p.Weights(), m.p.Bias()
	m.p.Step()
	m.steps++
	m.record()
	return nil
}

func (m *model) Done() bool { return m.p == nil || m.p.Converged() }

// state is the frame's "state".
type state struct {
	Weights []float64 `json:"weights"`
	Bias    float64   `json:"bias"`
	// SampleIndex is the data.csv row (0-based, header excluded) of the
	// sample the last step visited, −1 before the first step.
	SampleIndex   int  `json:"sample_index"`
	Misclassified bool `json:"misclassified"`
	// Mistakes counts every update since the start.
	Mistakes    int   `json:"mistakes"`
	Epoch       int   `json:"epoch"`
	EpochErrors []int `json:"epoch_errors"`
	Converged   bool  `json:"converged"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.p == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Weights: []float64{}, SampleIndex: -1, EpochErrors: []int{}},
			Note:    "No training samples yet: pick a class beside the map and click on it to add points.",
		}
	}
	p := m.p
	return lab.Snapshot{
		Metrics: map[string]float64{
			"train_accuracy": m.set.Accuracy(m.set.Train, p.Predict),
			"test_accuracy":  m.set.Accuracy(m.set.Test, p.Predict),
			"epoch_errors":   float64(m.epochErrors()),
		},
		State: state{
			Weights:       p.Weights(),
			Bias:          p.Bias(),
			SampleIndex:   m.sampleIndex(),
			Misclassified: p.Mistake(),
			Mistakes:      p.Updates(),
			Epoch:         p.Epoch(),
			EpochErrors:   p.EpochErrors(),
			Converged:     p.Converged(),
		},
		Note: m.note(),
	}
}

// epochErrors is the mistakes of the epoch under way, or of the epoch the
// last step completed.
func (m *model) epochErrors() int {
	if errs := m.p.EpochErrors(); m.p.Next() == 0 && len(errs) > 0 {
		return errs[len(errs)-1]
	}
	return m.p.CurrentErrors()
}

func (m *model) sampleIndex() int {
	if v := m.p.Visited(); v >= 0 {
		return m.set.Train[v]
	}
	return -1
}

func f2(v float64) string { return textfmt.Fixed(v, 2) }

func (m *model) note() string {
	p := m.p
	if m.steps == 0 {
		return fmt.Sprintf("Start: random weights w = (%s, %s), b = %s (turned so that the first sample is misclassified). Each step visits one of the %d training samples, in a fixed order, and moves the line only if that sample is on the wrong side.",
			f2(m.prevW[0]), f2(m.prevW[1]), f2(m.prevB), len(m.set.Train))
	}
	i := m.sampleIndex()
	x, y := m.set.X[i], m.set.Labels[i]
	score := m.prevB + m.prevW[0]*x[0] + m.prevW[1]*x[1]
	yhat := 0
	if score >= 0 {
		yhat = 1
	}
	var s string
	if p.Mistake() {
		s = fmt.Sprintf("Sample %d (class %d) was on the wrong side: wᵀx + b = %s, so ŷ = %d. Update w ← w + η(y − ŷ)x = w %s %g·(%s, %s), b ← b %s %g.",
			i, y, f2(score), yhat, sign(y-yhat), m.lr, f2(x[0]), f2(x[1]), sign(y-yhat), m.lr)
	} else {
		s = fmt.Sprintf("Sample %d (class %d) is on its side: wᵀx + b = %s, so ŷ = %d = y. No change.", i, y, f2(score), yhat)
	}
	switch {
	case p.Converged():
		return fmt.Sprintf("%s Converged: epoch %d made no mistake, so the line separates all training samples and will not move again (%d updates in all).",
			s, p.Epoch(), p.Updates())
	case m.steps >= maxSteps:
		return s + fmt.Sprintf(" Stopped at the step limit after %d epochs without a mistake-free one.", p.Epoch())
	case p.Epoch() >= 2 && noLine[m.dataset] != "":
		return s + fmt.Sprintf(" Epoch %d: %s", p.Epoch()+1, noLine[m.dataset])
	}
	return s + fmt.Sprintf(" Epoch %d: %d mistake(s) so far.", p.Epoch()+1, p.CurrentErrors())
}

func sign(d int) string {
	if d < 0 {
		return "−"
	}
	return "+"
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
	case "errors":
		return m.plotErrors(), nil
	case "weights":
		return m.plotWeights(), nil
	}
	return nil, fmt.Errorf("perceptron: no panel %q", panel)
}

// Colours of the boundary panel.
var (
	inkLine   = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	inkBefore = color.RGBA{0x70, 0x70, 0x70, 0xFF}
)

func (m *model) plotBoundary() *plot.Plot {
	s := m.set
	p := s.NewMap()
	if m.p == nil {
		s.AddSamples(p)
		return p
	}
	w, b := m.p.Weights(), m.p.Bias()
	s.AddRegionLevels(p, regionRes, viz.RegionPalette, func(x []float64) int {
		if b+w[0]*x[0]+w[1]*x[1] >= 0 {
			return viz.RegionLevel(1)
		}
		return viz.RegionLevel(0)
	})
	s.AddSamples(p)
	moved := m.steps > 0 && m.p.Mistake()
	if moved {
		if xs, ys, ok := lineInBox(m.prevW, m.prevB, s.Bounds); ok {
			viz.AddLine(p, xs, ys, inkBefore, "before the update", true)
		}
	}
	if xs, ys, ok := lineInBox(w, b, s.Bounds); ok {
		viz.AddLine(p, xs, ys, inkLine, "wᵀx + b = 0", false)
	}
	m.addArrows(p, moved)
	if i := m.sampleIndex(); i >= 0 {
		ring := 2 // bluish green: right
		if m.p.Mistake() {
			ring = 3 // vermilion: wrong
		}
		viz.AddScatter(p, [][]float64{s.X[i]}, []int{ring}, viz.ScatterStyle{Shape: "ring", Radius: 7.5, Outline: true})
	}
	viz.SetAxes(p, s.Bounds)
	return p
}

// addArrows draws the normal vector w from the point of the line nearest
// the origin, pointing into the shaded positive side; after a mistake it
// draws, from the old line, the old w, the update η(y − ŷ)x added to its
// tip and the new w, all at one scale that fits the map.
func (m *model) addArrows(p *plot.Plot, moved bool) {
	w, b := m.p.Weights(), m.p.Bias()
	anchor, base := w, b
	if moved {
		anchor, base = m.prevW, m.prevB
	}
	n2 := anchor[0]*anchor[0] + anchor[1]*anchor[1]
	if n2 == 0 {
		return
	}
	bd := m.set.Bounds
	// The foot of the perpendicular from the origin, kept inside the map.
	fx := min(max(-base*anchor[0]/n2, bd.XMin), bd.XMax)
	fy := min(max(-base*anchor[1]/n2, bd.YMin), bd.YMax)
	longest := math.Hypot(w[0], w[1])
	if moved {
		longest = max(longest, math.Sqrt(n2))
	}
	k := arrowShare * bd.Width() / longest
	if moved {
		old := [2]float64{fx + k*m.prevW[0], fy + k*m.prevW[1]}
		p.Add(&arrow{from: [2]float64{fx, fy}, to: old, color: inkBefore, dashed: true})
		p.Add(&arrow{from: old, to: [2]float64{fx + k*w[0], fy + k*w[1]}, color: viz.ClassColor(3)})
	}
	p.Add(&arrow{from: [2]float64{fx, fy}, to: [2]float64{fx + k*w[0], fy + k*w[1]}, color: inkLine, label: "w"})
}

// lineInBox returns the segment of w₁x₁ + w₂x₂ + b = 0 inside the box;
// ok is false when it misses the box.
func lineInBox(w []float64, b float64, box viz.Box) (xs, ys []float64, ok bool) {
	var pts [][2]float64
	in := func(x, y float64) {
		const slack = 1e-9
		if x >= box.XMin-slack && x <= box.XMax+slack && y >= box.YMin-slack && y <= box.YMax+slack && !math.IsNaN(x+y) {
			pts = append(pts, [2]float64{x, y})
		}
	}
	if w[1] != 0 {
		in(box.XMin, -(w[0]*box.XMin+b)/w[1])
		in(box.XMax, -(w[0]*box.XMax+b)/w[1])
	}
	if w[0] != 0 {
		in(-(w[1]*box.YMin+b)/w[0], box.YMin)
		in(-(w[1]*box.YMax+b)/w[0], box.YMax)
	}
	best := 0.0
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			if d := math.Hypot(pts[i][0]-pts[j][0], pts[i][1]-pts[j][1]); d > best {
				best = d
				xs, ys = []float64{pts[i][0], pts[j][0]}, []float64{pts[i][1], pts[j][1]}
			}
		}
	}
	return xs, ys, best > 0
}

func (m *model) plotErrors() *plot.Plot {
	p := viz.NewPlot("", "epoch", "mistakes (updates)")
	p.Y.Min, p.X.Min, p.X.Max = 0, 0.5, 5.5
	if m.p == nil {
		p.Y.Max = 1
		viz.AddNotice(p, "Each epoch's mistakes appear here", "once the map has samples of both classes.")
		return p
	}
	errs := m.p.EpochErrors()
	if len(errs) == 0 && m.p.Next() == 0 {
		p.Y.Max = 1
		viz.AddNotice(p, "A bar per epoch: the mistakes (updates) it made.", "Step to visit the first sample.")
		return p
	}
	first := max(0, len(errs)-maxBars)
	var xs, ys []float64
	for e := first; e < len(errs); e++ {
		xs, ys = append(xs, float64(e+1)), append(ys, float64(errs[e]))
	}
	if len(xs) > 0 {
		viz.AddBars(p, xs, ys, 0.7, viz.ClassColor(0), "completed epoch")
	}
	if m.p.Next() > 0 {
		cur := float64(len(errs) + 1)
		viz.AddBars(p, []float64{cur}, []float64{float64(m.p.CurrentErrors())}, 0.7, viz.RegionColor(0), "epoch under way")
	}
	p.X.Min = float64(first) + 0.5
	p.X.Max = max(p.X.Max, float64(len(errs))+1.5)
	p.Y.Max = max(p.Y.Max, 1) * 1.15 // room for the legend
	return p
}

func (m *model) plotWeights() *plot.Plot {
	p := viz.NewPlot("", "step", "value")
	p.X.Min, p.X.Max = 0, 10
	if len(m.history) == 0 {
		return p
	}
	names := []string{"w₁", "w₂", "b"}
	for k, name := range names {
		ys := make([]float64, len(m.history))
		for i, h := range m.history {
			ys[i] = h[k]
		}
		viz.AddHistory(p, curveSamples, viz.Curve{Values: ys, Color: viz.ClassColor(k), Label: name, Dashed: k == 2})
	}
	viz.AddHLine(p, 0, "", viz.Neutral)
	p.X.Max = max(p.X.Max, float64(len(m.history)-1))
	return p
}

func (m *model) Data() [][]string { return m.set.Rows() }
