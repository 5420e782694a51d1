// Package universal is the universal-approximation scenario: one hidden
// layer of n sigmoid units fitting a 1-D function, each unit's
// contribution a·σ(wx + b) drawn beside their sum, and the error a fixed
// training budget reaches as n grows.
package universal

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/neural"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

//go:embed explanation.html
var explanation string

// Limits and look of the scenario.
const (
	maxSteps = 500
	maxUnits = 50
	// epochsPerStep full-batch updates make one visible step.
	epochsPerStep = 10
	// samples evenly spaced points of [xLo, xHi] are the training set.
	samples  = 100
	xLo, xHi = -3.0, 3.0
	// sweepEpochs is the training budget of each capacity network; they
	// train on every sweepEvery-th grid point (25 of them) at the rate
	// sweepRate, whatever the run's, to keep construction fast and the
	// curve about n alone. Their error is measured on the whole grid.
	sweepEpochs = 1000
	sweepEvery  = 4
	sweepRate   = 0.05
	// curveSamples is where each unit's curve is drawn; past manyUnits
	// units, fewerSamples keep the frame small.
	curveSamples = 61
	fewerSamples = 41
	manyUnits    = 16
	maxCurve     = 240
	optimizer    = "adam"
)

// sweepUnits are the hidden-layer sizes of the capacity panel.
var sweepUnits = []int{1, 2, 4, 8, 16, 32}

// target is a function to fit: a built-in one, or the curve through the
// clicked points.
type target struct {
	f       func(x float64) float64 // the built-in function, nil for clicked
	clicked bool                    // the curve through the user's points
}

// curve returns the function to fit; nil when the clicked points are
// too few to draw a curve through.
func (t target) curve(points []lab.Point) func(x float64) float64 {
	if t.clicked {
		return interpolate(points)
	}
	return t.f
}

// The parameter table.
var (
	targetParam = lab.Enum(lab.Param{Name: "target", Label: "Target function", Default: "sine",
		Help: "sine: sin x; step: 0 left of 0, 1 from 0 on; abs: |x|; custom: the curve through the points you click (straight lines between them, flat beyond the ends)."},
		lab.Option("sine", target{f: math.Sin}),
		lab.Option("step", target{f: func(x float64) float64 {
			if x < 0 {
				return 0
			}
			return 1
		}}),
		lab.Option("abs", target{f: math.Abs}),
		lab.Option("custom", target{clicked: true}),
	)
	unitsParam = lab.Int(lab.Param{Name: "units", Label: "Hidden units n", Default: "8", Min: 1, Max: maxUnits, Step: 1,
		Help: "Number of sigmoid units in the hidden layer."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.05", Min: 0.001, Max: 1, Step: 0.001,
		Help: "Step size of Adam, the optimiser used here (each weight moves by about η per epoch)."})
	pointsParam = lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "",
		Help: "Points you clicked on the fit plot (x within −3 to 3); with target custom they define the function to fit."})
)

// Scenario returns the universal-approximation scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "universal-approximation",
		Title:    "Universal approximation: a sum of sigmoids",
		Chapter:  chapter,
		Summary:  "One hidden layer of n sigmoid units fits a 1-D function: each unit's a·σ(wx + b) drawn with their sum, and how small the error gets as n grows.",
		MaxSteps: maxSteps,
		Speed:    10,
		Params:   lab.Params(targetParam, unitsParam, lrParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "fit", Title: "Target, network and each unit's contribution", Points: pointsParam.Name()},
			{Name: "units", Title: "The sum built unit by unit (left to right)"},
			{Name: "capacity", Title: "Max error after a fixed budget vs n"},
			{Name: "loss", Title: "Training loss per step"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run.
type model struct {
	word     string // the target's word, for the state
	target   target
	units    int
	lr       float64
	x, y     []float64 // the training grid and its targets
	points   []lab.Point
	net      *neural.ShallowNet // nil when a custom target has too few points
	loss     []float64          // per step
	maxErr   float64
	capacity []float64 // max error per sweepUnits entry
	yRange   [2]float64
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{word: targetParam.Text(v), target: targetParam.Get(v), units: unitsParam.Get(v), lr: lrParam.Get(v), points: pointsParam.Get(v)}
	for i, p := range m.points {
		if p.X < xLo || p.X > xHi {
			return nil, pointsParam.Refuse(v, fmt.Sprintf("point %d has x = %g; x must be within %g to %g", i+1, p.X, xLo, xHi))
		}
	}
	f := m.target.curve(m.points)
	m.yRange = [2]float64{-1, 1}
	for _, p := range m.points {
		m.yRange[0], m.yRange[1] = min(m.yRange[0], p.Y), max(m.yRange[1], p.Y)
	}
	if f == nil {
		return m, nil // the note asks for more points
	}
	m.x, m.y = make([]float64, samples), make([]float64, samples)
	for j := range samples {
		m.x[j] = xLo + (xHi-xLo)*float64(j)/(samples-1)
		m.y[j] = f(m.x[j])
		m.yRange[0], m.yRange[1] = min(m.yRange[0], m.y[j]), max(m.yRange[1], m.y[j])
	}
	m.net = neural.NewShallowNet(rand.New(rand.NewPCG(v.Seed(), 1)), m.x, m.y, m.units, newOptimizer(m.lr))
	// The sweep has its own stream, so it never changes the run.
	m.capacity = neural.CapacitySweep(rand.New(rand.NewPCG(v.Seed(), 2)), m.x, m.y, sweepEvery, sweepUnits, sweepEpochs,
		func() nn.Optimizer { return newOptimizer(sweepRate) })
	m.record()
	return m, nil
}

func newOptimizer(lr float64) nn.Optimizer {
	opt, err := nn.NewOptimizer(optimizer, lr)
	if err != nil {
		panic("universal: " + err.Error())
	}
	return opt
}

// interpolate returns the piecewise-linear function through the points
// sorted by x, flat beyond the first and last; nil for fewer than two.
func interpolate(pts []lab.Point) func(float64) float64 {
	if len(pts) < 2 {
		return nil
	}
	s := slices.Clone(pts)
	slices.SortStableFunc(s, func(a, b lab.Point) int {
		switch {
		case a.X < b.X:
			return -1
		case a.X > b.X:
			return 1
		}
		return 0
	})
	return func(x float64) float64 {
		if x <= s[0].X {
			return s[0].Y
		}
		for k := 1; k < len(s); k++ {
			if x <= s[k].X {
				a, b := s[k-1], s[k]
				if b.X == a.X {
					return b.Y
				}
				return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)
			}
		}
		return s[len(s)-1].Y
	}
}

func (m *model) record() {
	m.loss = append(m.loss, m.net.Loss())
	m.maxErr = m.net.MaxError()
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	for range epochsPerStep {
		m.net.Step()
	}
	m.record()
	return nil
}

// Done: a run without a network waits for clicks; a diverged one stops.
func (m *model) Done() bool { return m.net == nil || !m.net.Finite() }

// state is the frame's "state".
type state struct {
	Target        string    `json:"target"`
	Epoch         int       `json:"epoch"`
	W             []float64 `json:"w"`    // hidden weights w_i
	B             []float64 `json:"b"`    // hidden biases b_i
	A             []float64 `json:"a"`    // output weights a_i
	Bias          float64   `json:"bias"` // output bias c
	CapacityUnits []int     `json:"capacity_units"`
	CapacityError []float64 `json:"capacity_max_error"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.net == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Target: m.word, W: []float64{}, B: []float64{}, A: []float64{}, CapacityUnits: []int{}, CapacityError: []float64{}},
			Note: fmt.Sprintf("A custom target needs at least 2 points to draw a curve through; there are %d. Click on the fit plot to add points.",
				len(m.points)),
		}
	}
	w, b := m.net.Hidden()
	a, c := m.net.Output()
	s := state{Target: m.word, Epoch: m.net.Epoch(), W: w, B: b, A: a, Bias: c,
		CapacityUnits: sweepUnits, CapacityError: m.capacity}
	if !m.net.Finite() {
		s.W, s.B, s.A, s.Bias = []float64{}, []float64{}, []float64{}, 0 // NaN is not JSON
	}
	return lab.Snapshot{
		Metrics: map[string]float64{"loss": m.loss[len(m.loss)-1], "max_error": m.maxErr},
		State:   s,
		Note:    m.note(),
	}
}

func (m *model) note() string {
	loss, maxErr := m.loss[len(m.loss)-1], m.maxErr
	extra := ""
	if !m.target.clicked && len(m.points) > 0 {
		extra = fmt.Sprintf(" Your %d clicked point(s) are only used with target custom.", len(m.points))
	}
	switch {
	case !m.net.Finite():
		return fmt.Sprintf("Diverged at epoch %d: the weights overflowed, because the learning rate η = %g is too large for Adam here. Lower η and reset.", m.net.Epoch(), m.lr) + extra
	case m.net.Epoch() == 0:
		return fmt.Sprintf("%d sigmoid unit(s) with random weights (Glorot uniform, biases 0): the sum is nearly a straight line. Each step runs %d epochs of Adam. Max error %s.",
			m.units, epochsPerStep, textfmt.Fixed(maxErr, 3)) + extra
	}
	return fmt.Sprintf("Epoch %d: loss ½·mean(f − y)² = %s, max |f(x) − y| on the grid = %s with %d unit(s).",
		m.net.Epoch(), textfmt.Sig(loss, 3), textfmt.Fixed(maxErr, 3), m.units) + extra
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	p, err := m.plotPanel(panel)
	if err == nil && m.net == nil {
		viz.AddNotice(p, "The custom target needs at least two points:", "click on the fit plot to add them.")
	}
	return p, err
}

func (m *model) plotPanel(panel string) (*plot.Plot, error) {
	switch panel {
	case "fit":
		return m.plotFit(), nil
	case "units":
		return m.plotUnits(), nil
	case "capacity":
		return m.plotCapacity(), nil
	case "loss":
		return m.plotLoss(), nil
	}
	return nil, fmt.Errorf("universal: no panel %q", panel)
}

// Colours of the curves.
var (
	targetInk  = color.RGBA{0x33, 0x33, 0x33, 0xFF}
	networkInk = viz.ClassColor(0)
	unitInk    = color.NRGBA{0xE6, 0x9F, 0x00, 0x90} // translucent orange (Okabe–Ito)
)

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// window returns the plots' y range: the target's padded.
func (m *model) window() (lo, hi float64) {
	span := m.yRange[1] - m.yRange[0]
	return m.yRange[0] - 0.35*span, m.yRange[1] + 0.35*span
}

func (m *model) plotFit() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	lo, hi := m.window()
	if m.net != nil && m.net.Finite() {
		w, b := m.net.Hidden()
		a, _ := m.net.Output()
		for i := range w {
			xs, ys := m.curve(func(x float64) float64 { return a[i] * sigmoid(w[i]*x+b[i]) })
			l := &plotter.Line{XYs: xy(xs, ys), LineStyle: draw.LineStyle{Color: unitInk, Width: 1}}
			p.Add(l)
			if i == 0 {
				p.Legend.Add("unit aᵢσ(wᵢx + bᵢ)", l)
			}
		}
		viz.AddLine(p, m.x, m.y, targetInk, "target", true)
		viz.AddLine(p, m.x, m.net.Outputs(), networkInk, "network f(x)", false)
	}
	if len(m.points) > 0 {
		pts := make([][]float64, len(m.points))
		for i, pt := range m.points {
			pts[i] = []float64{pt.X, pt.Y}
		}
		viz.AddScatter(p, pts, []int{}, viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xLo, xHi, lo, hi
	p.Legend.Top, p.Legend.Left = true, true
	return p
}

// curve samples f at evenly spaced points of the domain.
func (m *model) curve(f func(float64) float64) (xs, ys []float64) {
	n := curveSamples
	if m.units > manyUnits {
		n = fewerSamples
	}
	xs, ys = make([]float64, n), make([]float64, n)
	for k := range xs {
		xs[k] = xLo + (xHi-xLo)*float64(k)/float64(n-1)
		ys[k] = f(xs[k])
	}
	return xs, ys
}

func xy(xs, ys []float64) plotter.XYs {
	out := make(plotter.XYs, len(xs))
	for k := range xs {
		out[k] = plotter.XY{X: xs[k], Y: ys[k]}
	}
	return out
}

// plotUnits draws the partial sums c + Σ_{j≤k} a_j σ(w_j x + b_j) with the
// units ordered by the x where each switches on (−b/w): each new curve is
// the previous one plus one unit, the last is the network.
func (m *model) plotUnits() *plot.Plot {
	p := viz.NewPlot("", "x", "partial sum")
	lo, hi := m.window()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xLo, xHi, lo, hi
	if m.net == nil || !m.net.Finite() {
		return p
	}
	w, b := m.net.Hidden()
	a, c := m.net.Output()
	order := make([]int, len(w))
	centre := make([]float64, len(w))
	for i := range order {
		order[i] = i
		centre[i] = math.Inf(1)
		if w[i] != 0 {
			centre[i] = -b[i] / w[i]
		}
	}
	slices.SortStableFunc(order, func(i, j int) int {
		switch {
		case centre[i] < centre[j]:
			return -1
		case centre[i] > centre[j]:
			return 1
		}
		return 0
	})
	xs, sum := m.curve(func(float64) float64 { return c })
	viz.AddLine(p, xs, sum, viz.Ramp(0.15), "", true) // the bias alone
	for k, i := range order {
		for q, x := range xs {
			sum[q] += a[i] * sigmoid(w[i]*x+b[i])
		}
		col := viz.Ramp(0.25 + 0.75*float64(k+1)/float64(len(order)))
		if k == len(order)-1 {
			viz.AddLine(p, xs, sum, networkInk, "all n units: the network", false)
			break
		}
		p.Add(&plotter.Line{XYs: xy(xs, slices.Clone(sum)), LineStyle: draw.LineStyle{Color: col, Width: 1.2}})
	}
	p.Legend.Add("c + first k units (darker: more)", &plotter.Line{LineStyle: draw.LineStyle{Color: viz.Ramp(0.6), Width: 1.2}})
	p.Legend.Top, p.Legend.Left = true, true
	return p
}

func (m *model) plotCapacity() *plot.Plot {
	p := viz.NewPlot("", "hidden units n (log scale)", "max |error| (log scale)")
	p.X.Scale = plot.LogScale{}
	ticks := make([]plot.Tick, len(sweepUnits))
	for k, n := range sweepUnits {
		ticks[k] = plot.Tick{Value: float64(n), Label: strconv.Itoa(n)}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 0.8, maxUnits
	if m.net == nil {
		p.Y.Min, p.Y.Max = 0.01, 1
		viz.SetLogY(p)
		return p
	}
	xs := make([]float64, len(sweepUnits))
	pts := make([][]float64, len(sweepUnits))
	for k, n := range sweepUnits {
		xs[k] = float64(n)
		pts[k] = []float64{xs[k], m.capacity[k]}
	}
	viz.AddLine(p, xs, m.capacity, viz.ClassColor(0), fmt.Sprintf("after %d epochs each", sweepEpochs), false)
	viz.AddScatter(p, pts, nil, viz.ScatterStyle{Radius: 3.5})
	viz.AddVLine(p, float64(m.units), "n = "+strconv.Itoa(m.units), viz.ClassColor(1))
	if m.net.Finite() && m.maxErr > 0 {
		viz.AddMarkers(p, [][]float64{{float64(m.units), m.maxErr}}, []int{1}, "circle", 5)
		p.Legend.Add("this run now", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.ClassColor(1), Radius: 4, Shape: draw.CircleGlyph{}}})
	}
	lo, hi := math.Inf(1), 0.0
	for _, e := range append(slices.Clone(m.capacity), m.maxErr) {
		if e > 0 && !math.IsInf(e, 0) {
			lo, hi = min(lo, e), max(hi, e)
		}
	}
	if hi > 0 {
		p.Y.Min, p.Y.Max = max(lo/2, viz.LogFloor), hi*2
	}
	viz.SetLogY(p)
	p.Legend.Top, p.Legend.Left = true, false
	return p
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", fmt.Sprintf("step (%d epochs each)", epochsPerStep), "loss (log scale)")
	if m.net == nil {
		return p
	}
	viz.AddHistory(p, maxCurve, viz.Curve{Values: m.loss, Color: viz.ClassColor(0), Dot: 4})
	last := len(m.loss) - 1
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0, max(float64(last), 20)
	lo, hi := math.Inf(1), 0.0
	for _, v := range m.loss {
		if v > 0 && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi > 0 {
		p.Y.Min, p.Y.Max = max(lo/1.5, viz.LogFloor), hi*1.5
	}
	return p
}

// Data is the training grid: x, the target y and the network's output f(x)
// at the current step; without a network, the clicked points.
func (m *model) Data() [][]string {
	rows := [][]string{{"x", "target", "output"}}
	if m.net == nil {
		for _, p := range m.points {
			rows = append(rows, []string{textfmt.Num(p.X), textfmt.Num(p.Y), ""})
		}
		return rows
	}
	out := m.net.Outputs()
	for j := range m.x {
		rows = append(rows, []string{textfmt.Num(m.x[j]), textfmt.Num(m.y[j]), textfmt.Num(out[j])})
	}
	return rows
}
