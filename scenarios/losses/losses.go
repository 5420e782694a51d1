// Package losses is the loss functions scenario: the squared, hinge,
// logistic and cross-entropy losses as functions of the margin y·f(x), with
// their derivatives, and the same linear classifier trained with each on
// data with outliers, side by side.
package losses

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

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

// Limits and fixed settings of the scenario.
const (
	maxSteps  = 1000
	testShare = 0.25
	noise     = 0.5
	// An outlier is a class-1 training sample moved by outlierAlong times
	// the unit vector from the class-0 mean to the class-1 mean plus
	// outlierAcross times the perpendicular: far away, on its own side.
	outlierAlong  = 3
	outlierAcross = 5
	// Margins shown in the losses panel.
	marginMin, marginMax = -3, 3
	// tol ends the run when no model's gradient is larger.
	tol = 1e-6
)

//go:embed explanation.html
var explanation string

// The parameter table.
var (
	// The data sets offered: the two-class ones a line can (nearly)
	// separate, and one it cannot.
	datasetParam = classdata.DatasetParam(classdata.Overlap,
		[]*classdata.Dataset{classdata.Separable, classdata.Overlap, classdata.Moons, classdata.Iris, classdata.Wine, classdata.Custom})
	outliersParam = lab.Float(lab.Param{Name: "outliers", Label: "Outliers share", Default: "0.15", Min: 0, Max: 0.3, Step: 0.01,
		Help: "Share of the training samples that become outliers: orange samples moved far away but still on the orange side, so every model classifies them right. Test samples stay clean."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.05", Min: 0.001, Max: 1, Step: 0.001,
		Help: "Step size of the four gradient descents. The squared loss has the steepest curvature and diverges first when η is too large."})
	nParam      = classdata.NParam(200, 1000)
	pointsParam = classdata.PointsParam()
)

// lossColors are the four losses' colours, away from the two class colours.
var lossColors = []color.Color{viz.ClassColor(2), viz.ClassColor(3), viz.ClassColor(4), viz.ClassColor(6)}

// Scenario returns the loss functions scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "losses",
		Title:    "Loss functions of a linear classifier",
		Chapter:  chapter,
		Summary:  "Squared, hinge and logistic losses (the logistic loss is the cross-entropy, in nats and in bits) against the margin y·f(x), and one linear classifier trained with each on data with outliers: whose boundary do the outliers drag?",
		MaxSteps: maxSteps,
		Speed:    20,
		Params:   lab.Params(datasetParam, outliersParam, lrParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "losses", Title: "Losses (solid) and derivatives (dashed) against the margin m = y·f(x)"},
			{Name: "models", Title: "The same linear model trained with each loss", Points: pointsParam.Name()},
			{Name: "accuracy", Title: "Accuracy per loss: train (pale) and test (solid)"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run: the data set, the four classifiers trained on it and
// four more trained on the same samples without the outliers.
type model struct {
	set      *classdata.Set
	outliers []int // indices into set.X
	models   []*linear.MarginClassifier
	clean    []*linear.MarginClassifier // same losses, outliers left where they were
	lr       float64
	epoch    int
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
	m := &model{set: set, lr: lrParam.Get(v)}
	cleanX, y := set.Subset(set.Train)
	cleanX = cloneRows(cleanX)
	// The outliers come from their own stream so the share never changes
	// the split.
	m.outliers = addOutliers(rand.New(rand.NewPCG(v.Seed(), 2)), set, outliersParam.Get(v))
	if len(set.Train) == 0 {
		return m, nil // custom data without points: the note asks for clicks
	}
	X, _ := set.Subset(set.Train)
	for _, loss := range linear.MarginLosses() {
		c, err := linear.NewMarginClassifier(X, y, loss, m.lr)
		if err != nil {
			return nil, fmt.Errorf("losses: %w", err)
		}
		m.models = append(m.models, c)
		if len(m.outliers) > 0 {
			c, _ = linear.NewMarginClassifier(cleanX, y, loss, m.lr)
			m.clean = append(m.clean, c)
		}
	}
	return m, nil
}

func cloneRows(X [][]float64) [][]float64 {
	out := make([][]float64, len(X))
	for i, x := range X {
		out[i] = append([]float64(nil), x...)
	}
	return out
}

// addOutliers moves round(share·n_train) class-1 training samples of the
// data set (not the user's points) far out on class 1's side, then
// updates the set's means and bounds. It returns the indices moved.
func addOutliers(rng *rand.Rand, s *classdata.Set, share float64) []int {
	var mean [2][2]float64
	var count [2]float64
	var pool []int
	gen := len(s.X) - s.User
	for _, i := range s.Train {
		c := s.Labels[i]
		mean[c][0] += s.X[i][0]
		mean[c][1] += s.X[i][1]
		count[c]++
		if c == 1 && i < gen {
			pool = append(pool, i)
		}
	}
	k := min(int(math.Round(share*float64(len(s.Train)))), len(pool))
	if k == 0 || count[0] == 0 {
		return nil
	}
	ux, uy := mean[1][0]/count[1]-mean[0][0]/count[0], mean[1][1]/count[1]-mean[0][1]/count[0]
	norm := math.Hypot(ux, uy)
	if norm == 0 {
		ux, uy, norm = 1, 0, 1
	}
	ux, uy = ux/norm, uy/norm
	dx, dy := outlierAlong*ux+outlierAcross*uy, outlierAlong*uy-outlierAcross*ux
	var moved []int
	for _, j := range rng.Perm(len(pool))[:k] {
		i := pool[j]
		s.X[i][0] += dx
		s.X[i][1] += dy
		moved = append(moved, i)
	}
	for j := range s.Mean {
		s.Mean[j] = 0
		for _, i := range s.Train {
			s.Mean[j] += s.X[i][j] / float64(len(s.Train))
		}
	}
	for _, x := range s.X {
		b := &s.Bounds
		b.XMin, b.XMax = min(b.XMin, x[0]-0.3), max(b.XMax, x[0]+0.3)
		b.YMin, b.YMax = min(b.YMin, x[1]-0.3), max(b.YMax, x[1]+0.3)
	}
	return moved
}

func (m *model) Step() error {
	for _, c := range append(m.models, m.clean...) {
		c.Step() // a diverged model stays put
	}
	m.epoch++
	return nil
}

func (m *model) Done() bool {
	for _, c := range m.models {
		if c.Diverged() {
			continue
		}
		gw, gb := c.Gradient()
		s := gb * gb
		for _, g := range gw {
			s += g * g
		}
		if s >= tol*tol {
			return false
		}
	}
	return true
}

// modelState is one loss's classifier in the frame's state.
type modelState struct {
	Loss          string    `json:"loss"`
	Weights       []float64 `json:"weights"`
	Intercept     float64   `json:"intercept"`
	Objective     *float64  `json:"objective"` // null once diverged
	TrainAccuracy float64   `json:"train_accuracy"`
	TestAccuracy  *float64  `json:"test_accuracy"` // null without test samples
	// Turn is the angle in degrees between this boundary's normal and that
	// of the same loss trained without the outliers (0 without outliers).
	Turn     float64 `json:"turn"`
	Diverged bool    `json:"diverged"`
}

type state struct {
	Models   []modelState `json:"models"`
	Outliers []int        `json:"outliers"` // data.csv rows (0-based) moved
	Epoch    int          `json:"epoch"`
}

// metricName is a loss name usable in a metric key.
func metricName(loss string) string { return strings.ReplaceAll(loss, "-", "_") }

func (m *model) Snapshot() lab.Snapshot {
	st := state{Models: []modelState{}, Outliers: m.outliers}
	if st.Outliers == nil {
		st.Outliers = []int{}
	}
	if len(m.models) == 0 {
		return lab.Snapshot{Metrics: map[string]float64{}, State: st,
			Note: "No training samples yet: pick a class beside the plot and click on it to add points."}
	}
	metrics := map[string]float64{}
	for k, c := range m.models {
		ms := m.describe(k)
		st.Models = append(st.Models, ms)
		name := metricName(ms.Loss)
		metrics[name+"_train_accuracy"] = ms.TrainAccuracy
		metrics[name+"_test_accuracy"] = m.set.Accuracy(m.set.Test, c.Predict)
	}
	st.Epoch = m.epoch
	return lab.Snapshot{Metrics: metrics, State: st, Note: m.note(st)}
}

func (m *model) describe(k int) modelState {
	c := m.models[k]
	ms := modelState{
		Loss: c.Loss().Name, Weights: c.Weights(), Intercept: c.Intercept(),
		TrainAccuracy: m.set.Accuracy(m.set.Train, c.Predict), Diverged: c.Diverged(),
	}
	if !c.Diverged() {
		obj := c.Objective()
		ms.Objective = &obj
	}
	if acc := m.set.Accuracy(m.set.Test, c.Predict); !math.IsNaN(acc) {
		ms.TestAccuracy = &acc
	}
	if len(m.clean) > 0 && !c.Diverged() && !m.clean[k].Diverged() {
		ms.Turn = angle(c.Weights(), m.clean[k].Weights())
	}
	for j, w := range ms.Weights { // a diverged model's weights may overflow
		if math.IsNaN(w) || math.IsInf(w, 0) {
			ms.Weights[j] = 0
		}
	}
	if math.IsNaN(ms.Intercept) || math.IsInf(ms.Intercept, 0) {
		ms.Intercept = 0
	}
	return ms
}

// angle is the angle in degrees between two weight vectors (0 when either
// is zero).
func angle(a, b []float64) float64 {
	var dot, na, nb float64
	for j := range a {
		dot += a[j] * b[j]
		na += a[j] * a[j]
		nb += b[j] * b[j]
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return math.Acos(max(-1, min(1, dot/math.Sqrt(na*nb)))) * 180 / math.Pi
}

func pct(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(100**p, 'f', 0, 64) + "%"
}

// display is how plots and notes name a loss: the models "logistic" and
// "cross-entropy" train one loss, log(1 + exp(−m)), in nats and in bits,
// so both are shown as the logistic loss with their unit.
func display(loss string) string {
	switch loss {
	case linear.LogisticLoss.Name:
		return loss + " (nats)"
	case linear.CrossEntropyLoss.Name:
		return linear.LogisticLoss.Name + " (bits)"
	}
	return loss
}

func (m *model) note(st state) string {
	var b strings.Builder
	if st.Epoch == 0 {
		fmt.Fprintf(&b, "Epoch 0: four linear models start at w = 0, b = 0, one per loss; %d outliers (ringed) sit far out on the orange side. Step to train all four one epoch.",
			len(m.outliers))
		return b.String()
	}
	fmt.Fprintf(&b, "Epoch %d: one (sub)gradient step for each loss. ", st.Epoch)
	var diverged []string
	if len(m.outliers) > 0 {
		b.WriteString("Turn of the boundary caused by the outliers:")
		worst := -1
		for k, ms := range st.Models {
			if ms.Diverged {
				continue
			}
			fmt.Fprintf(&b, " %s %.0f°,", display(ms.Loss), ms.Turn)
			if worst < 0 || ms.Turn > st.Models[worst].Turn {
				worst = k
			}
		}
		s := strings.TrimSuffix(b.String(), ",")
		b.Reset()
		b.WriteString(s)
		if worst >= 0 {
			fmt.Fprintf(&b, " — %s is dragged hardest. ", display(st.Models[worst].Loss))
		} else {
			b.WriteString(". ")
		}
	} else {
		b.WriteString("No outliers: the boundaries differ only through the shapes of the losses. ")
	}
	b.WriteString("Test accuracy:")
	for _, ms := range st.Models {
		if ms.Diverged {
			diverged = append(diverged, ms.Loss)
			continue
		}
		fmt.Fprintf(&b, " %s %s,", ms.Loss, pct(ms.TestAccuracy))
	}
	s := strings.TrimSuffix(b.String(), ",") + "."
	if len(diverged) > 0 {
		s += fmt.Sprintf(" Diverged: %s. Its derivative grows with the distance from the margin, so the learning rate η = %g overshot further at every step and its weights grew without bound; it stopped at epoch %d while the others train on. Lower η to keep it.",
			strings.Join(diverged, ", "), m.lr, m.divergedAt())
	}
	return s
}

// divergedAt is the first epoch at which a model diverged: a diverged
// model takes no more steps, so its epoch count stops there.
func (m *model) divergedAt() int {
	at := m.epoch
	for _, c := range m.models {
		if c.Diverged() {
			at = min(at, c.Epoch())
		}
	}
	return at
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
	case "losses":
		return plotLosses(), nil
	case "models":
		return m.plotModels(), nil
	case "accuracy":
		return m.plotAccuracy(), nil
	}
	return nil, fmt.Errorf("losses: no panel %q", panel)
}

// PanelVersion implements lab.PanelVersioner: the losses and their
// derivatives are the same for every run and step.
func (m *model) PanelVersion(panel string) (uint64, bool) { return 0, panel == "losses" }

var _ lab.PanelVersioner = (*model)(nil)

// plotLosses draws every loss (solid) and its derivative (dashed) over
// the margin, with the 0-1 loss for reference.
func plotLosses() *plot.Plot {
	p := viz.NewPlot("", "margin m = y·f(x)", "loss L(m), derivative L′(m)")
	p.Legend.Top = false // the lower right is empty: every curve is ≥ 0 or flat there
	viz.AddHLine(p, 0, "", viz.Neutral)
	viz.AddVLine(p, 0, "", viz.Neutral)
	viz.AddVLine(p, 1, "m = 1", viz.Neutral)
	zeroOne := func(m float64) float64 {
		if m <= 0 {
			return 1
		}
		return 0
	}
	viz.AddLine(p, []float64{marginMin, 0, 0, marginMax}, []float64{zeroOne(-1), 1, 0, 0}, viz.ClassColor(9), "0-1", false)
	for k, loss := range linear.MarginLosses() {
		viz.AddFunction(p, loss.Loss, marginMin, marginMax, 121, lossColors[k], display(loss.Name), false)
		if loss.Name == "hinge" { // the kink: two straight pieces, drawn exactly
			viz.AddLine(p, []float64{marginMin, 1, 1, marginMax}, []float64{-1, -1, 0, 0}, lossColors[k], "", true)
			continue
		}
		viz.AddFunction(p, loss.Deriv, marginMin, marginMax, 61, lossColors[k], "", true)
	}
	p.X.Min, p.X.Max = marginMin, marginMax
	p.Y.Min, p.Y.Max = -2.5, 5
	return p
}

// plotModels draws the samples, rings the outliers and draws the four
// boundaries f(x) = 0.
func (m *model) plotModels() *plot.Plot {
	s := m.set
	p := s.NewMap()
	p.Legend.Left, p.Legend.Top = true, false
	s.AddSamples(p)
	if len(m.outliers) > 0 {
		pts := make([][]float64, len(m.outliers))
		for k, i := range m.outliers {
			pts[k] = s.X[i]
		}
		viz.AddScatter(p, pts, []int{-1}, viz.ScatterStyle{Shape: "ring", Radius: 6.5})
	}
	for k, c := range m.models {
		if !c.Diverged() {
			s.AddLinearBoundary(p, c.Weights(), c.Intercept(), lossColors[k], display(c.Loss().Name), false)
		}
	}
	return p
}

// plotAccuracy draws train (pale) and test (solid) accuracy per loss.
func (m *model) plotAccuracy() *plot.Plot {
	p := viz.NewPlot("", "", "accuracy")
	names := make([]string, 0, 4)
	for k, c := range m.models {
		x := float64(k)
		names = append(names, display(c.Loss().Name))
		col := lossColors[k].(color.RGBA)
		pale := color.RGBA{uint8((int(col.R) + 2*255) / 3), uint8((int(col.G) + 2*255) / 3), uint8((int(col.B) + 2*255) / 3), 255}
		viz.AddBars(p, []float64{x - 0.19}, []float64{m.set.Accuracy(m.set.Train, c.Predict)}, 0.36, pale, "")
		if acc := m.set.Accuracy(m.set.Test, c.Predict); !math.IsNaN(acc) {
			viz.AddBars(p, []float64{x + 0.19}, []float64{acc}, 0.36, col, "")
		}
	}
	if len(names) == 0 {
		names = []string{"squared", "hinge", display("logistic"), display("cross-entropy")}
	}
	ticks := make([]plot.Tick, len(names))
	for k, n := range names {
		ticks[k] = plot.Tick{Value: float64(k), Label: n}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	p.Y.Min, p.Y.Max = 0, 1.05
	return p
}

func (m *model) Data() [][]string { return m.set.Rows() }
