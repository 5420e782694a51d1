// Package vanishing is the vanishing-gradient scenario: a deep, narrow
// network whose per-layer gradient norms are recorded every epoch, so the
// sigmoid's geometric decay towards the input, and how ReLU and batch
// normalisation avoid it, show as a heatmap over layers and epochs.
package vanishing

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
	"github.com/mlplayground/playground/internal/ml/neural"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/viz"
)

// Settings of the scenario.
const (
	maxSteps    = 300
	samples     = 256
	batch       = 32
	noise       = 0.08
	curvePoints = 150
	// The heatmap's colour scale, log10 of the gradient norm.
	logLo, logHi = -9.0, 0.0
)

//go:embed explanation.html
var explanation string

// The parameter table.
var (
	depthParam = lab.Int(lab.Param{Name: "depth", Label: "Hidden layers", Default: "10", Min: 2, Max: 12, Step: 1,
		Help: "Number of hidden layers, each of the given width."})
	unitsParam = lab.Int(lab.Param{Name: "units", Label: "Units per layer", Default: "12", Min: 4, Max: 16, Step: 1,
		Help: "Width of every hidden layer."})
	activationParam = lab.Enum(lab.Param{Name: "activation", Label: "Activation", Default: "sigmoid",
		Help: "Hidden activation: sigmoid (derivative at most 1/4), tanh (at most 1) or ReLU (0 or 1). The output is always a sigmoid."},
		lab.Option(nn.Sigmoid.Name, nn.Sigmoid), lab.Option(nn.Tanh.Name, nn.Tanh), lab.Option(nn.ReLU.Name, nn.ReLU))
	batchnormParam = lab.Bool(lab.Param{Name: "batchnorm", Label: "Batch normalisation", Default: "false",
		Help: "Normalise every hidden layer's pre-activations over the mini-batch, then scale by γ and shift by β."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.1", Min: 0.001, Max: 1, Step: 0.001,
		Help: "Step size of SGD with momentum 0.9, over mini-batches of 32 samples."})
)

// Scenario returns the vanishing-gradient scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "vanishing-gradient",
		Title:    "Vanishing gradients in deep networks",
		Chapter:  chapter,
		Summary:  "A deep, narrow network: the gradient norm of every layer, epoch after epoch, as a heatmap. Sigmoid layers starve the ones near the input; ReLU and batch norm keep them learning.",
		MaxSteps: maxSteps,
		Speed:    10,
		Params:   lab.Params(depthParam, unitsParam, activationParam, batchnormParam, lrParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "heatmap", Title: "log₁₀ ‖∂L/∂Wₗ‖ per layer and epoch"},
			{Name: "profile", Title: "Gradient norm per layer, this epoch"},
			{Name: "loss", Title: "Training loss per epoch"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run.
type model struct {
	X      [][]float64
	labels []int
	net    *neural.DeepNet
	act    nn.Activation
	bn     bool
	depth  int
	norms  [][]float64 // per epoch, per layer (input layer first)
	loss   []float64
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{act: activationParam.Get(v), bn: batchnormParam.Get(v), depth: depthParam.Get(v)}
	// Two rings, the inner one class 1: a task no straight line solves, so
	// the deep layers have work to do.
	m.X, m.labels = dataset.Circles(rand.New(rand.NewPCG(v.Seed(), 1)), samples, noise, 0.5)
	y := make([]float64, len(m.labels))
	for i, l := range m.labels {
		y[i] = float64(l)
	}
	net, err := neural.NewDeepNet(rand.New(rand.NewPCG(v.Seed(), 2)), m.X, y, neural.DeepNetConfig{
		Depth: m.depth, Units: unitsParam.Get(v), Activation: m.act.Name, BatchNorm: m.bn, LearningRate: lrParam.Get(v), Batch: batch,
	})
	if err != nil {
		return nil, fmt.Errorf("vanishing: %w", err)
	}
	m.net = net
	m.record()
	return m, nil
}

func (m *model) record() {
	m.norms = append(m.norms, m.net.GradNorms())
	m.loss = append(m.loss, m.net.Loss())
}

func (m *model) Step() error {
	m.net.Step()
	m.record()
	return nil
}

func (m *model) Done() bool { return false }

// state is the frame's "state".
type state struct {
	Epoch int `json:"epoch"`
	// GradNorms are ‖∂L/∂W_l‖ of the full-batch loss at the current
	// weights, input layer first, output layer last.
	GradNorms []float64 `json:"grad_norms"`
	Loss      float64   `json:"loss"`
	Accuracy  float64   `json:"accuracy"`
	// Ratio is the input layer's norm over the output layer's.
	Ratio float64 `json:"ratio"`
}

func (m *model) Snapshot() lab.Snapshot {
	g := m.net.GradNorms()
	s := state{Epoch: m.net.Epoch(), GradNorms: g, Loss: m.net.Loss(), Accuracy: m.net.Accuracy(), Ratio: g[0] / g[len(g)-1]}
	if math.IsNaN(s.Ratio) || math.IsInf(s.Ratio, 0) {
		s.Ratio = 0
	}
	return lab.Snapshot{
		Metrics: map[string]float64{
			"loss": s.Loss, "accuracy": s.Accuracy,
			"grad_norm_input": g[0], "grad_norm_output": g[len(g)-1],
		},
		State: s,
		Note:  m.note(s),
	}
}

func (m *model) note(s state) string {
	g := s.GradNorms
	what := "Initial weights"
	if s.Epoch > 0 {
		what = fmt.Sprintf("Epoch %d (%d mini-batch updates)", s.Epoch, s.Epoch*((samples+batch-1)/batch))
	}
	bn := ""
	if m.bn {
		bn = " with batch norm"
	}
	text := fmt.Sprintf("%s, %d %s layers%s: ‖∂L/∂W‖ is %s at the input layer and %s at the output layer",
		what, m.depth, m.act.Name, bn, fmtNorm(g[0]), fmtNorm(g[len(g)-1]))
	switch r := s.Ratio; {
	case g[len(g)-1] == 0:
		// Every unit outputs the same for every sample (ReLUs that have
		// all died): nothing flows back, so nothing can learn.
		text += ": no gradient flows at all, the units have stopped responding to their inputs (dead ReLUs after a too large step). Lower η."
	case r > 0 && r < 1e-2:
		text += fmt.Sprintf(", %.1f orders of magnitude smaller: the first layers barely learn.", -math.Log10(r))
	case r > 0 && r < 0.2:
		text += fmt.Sprintf(", %.0f times smaller.", 1/r)
	default:
		text += ": the gradient reaches the input undiminished."
	}
	return text + " Loss " + strconv.FormatFloat(s.Loss, 'f', 3, 64) + "."
}

func fmtNorm(v float64) string { return strconv.FormatFloat(v, 'g', 2, 64) }

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "heatmap":
		return m.plotHeatmap(), nil
	case "profile":
		return m.plotProfile(), nil
	case "loss":
		return m.plotLoss(), nil
	}
	return nil, fmt.Errorf("vanishing: no panel %q", panel)
}

// layers is the number of weight matrices: the hidden layers and the output.
func (m *model) layers() int { return m.depth + 1 }

func (m *model) plotHeatmap() *plot.Plot {
	p := viz.NewPlot("", "epoch", "layer (1 = input side)")
	L := m.layers()
	epochs := len(m.norms)
	grid := make([][]float64, L)
	for l := range grid {
		grid[l] = make([]float64, epochs)
		for e, norms := range m.norms {
			grid[l][e] = logNorm(norms[l])
		}
	}
	var ticks []float64
	for v := logLo; v <= logHi; v += 3 {
		ticks = append(ticks, v)
	}
	// Epoch e is the cell [e − 0.5, e + 0.5]; at least 20 columns wide so the
	// first epochs are not one huge block.
	width := max(float64(epochs), 20)
	for len(grid[0]) < int(width) {
		for l := range grid {
			grid[l] = append(grid[l], math.NaN())
		}
	}
	viz.AddColorGrid(p, grid, viz.Box{XMin: -0.5, XMax: width - 0.5, YMin: 0.5, YMax: float64(L) + 0.5}, viz.ColorGridStyle{
		Lo: logLo, Hi: logHi, Bands: 18, Ticks: ticks, Title: "log10",
		Label: func(v float64) string { return strconv.Itoa(int(v)) },
	})
	var yt []plot.Tick
	every := 1
	if L > 8 {
		every = 2
	}
	for l := 1; l <= L; l++ {
		t := plot.Tick{Value: float64(l)}
		if l == 1 || l == L || l%every == 1 {
			t.Label = strconv.Itoa(l)
		}
		if l == L {
			t.Label = "out"
		}
		yt = append(yt, t)
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	return p
}

// logNorm is log10 of a norm, with 0 (a dead layer) shown at the bottom of
// the scale.
func logNorm(v float64) float64 {
	if !(v > 0) {
		return logLo
	}
	return math.Log10(v)
}

func (m *model) plotProfile() *plot.Plot {
	p := viz.NewPlot("", "layer (1 = input side)", "‖∂L/∂Wₗ‖ (log scale)")
	g := m.norms[len(m.norms)-1]
	first := m.norms[0]
	xs := make([]float64, len(g))
	pts := make([][]float64, len(g))
	ys, ys0 := make([]float64, len(g)), make([]float64, len(g))
	lo, hi := math.Inf(1), 0.0
	for l := range g {
		xs[l] = float64(l + 1)
		ys[l], ys0[l] = max(g[l], viz.LogFloor), max(first[l], viz.LogFloor)
		pts[l] = []float64{xs[l], ys[l]}
		lo, hi = min(lo, ys[l], ys0[l]), max(hi, ys[l], ys0[l])
	}
	if len(m.norms) > 1 {
		viz.AddLine(p, xs, ys0, viz.Neutral, "epoch 0", true)
	}
	viz.AddLine(p, xs, ys, viz.ClassColor(0), "epoch "+strconv.Itoa(len(m.norms)-1), false)
	viz.AddScatter(p, pts, nil, viz.ScatterStyle{Radius: 3.5})
	viz.SetLogY(p)
	p.Y.Min = math.Pow(10, math.Floor(math.Log10(lo)))
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(hi)+1e-9))
	if p.Y.Max/p.Y.Min < 100 {
		p.Y.Min, p.Y.Max = p.Y.Min/10, p.Y.Max*10
	}
	p.X.Min, p.X.Max = 0.5, float64(len(g))+0.5
	ticks := make([]plot.Tick, len(g))
	for l := range ticks {
		ticks[l] = plot.Tick{Value: float64(l + 1), Label: strconv.Itoa(l + 1)}
	}
	ticks[len(g)-1].Label = "out"
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Top, p.Legend.Left = true, true
	return p
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "binary cross-entropy (full batch)")
	viz.AddHistory(p, curvePoints, viz.Curve{Values: m.loss, Color: viz.ClassColor(0), Dot: 3.5})
	viz.AddHLine(p, math.Ln2, "chance: ln 2", viz.Neutral)
	p.X.Min, p.X.Max = 0, max(float64(len(m.loss)-1), 20)
	p.Y.Min = 0
	top := 0.0
	for _, v := range m.loss {
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			top = max(top, v)
		}
	}
	p.Y.Max = max(top*1.1, 0.8)
	return p
}

func (m *model) Data() [][]string {
	rows := [][]string{{"x1", "x2", "label"}}
	for i, x := range m.X {
		rows = append(rows, []string{
			strconv.FormatFloat(x[0], 'g', -1, 64), strconv.FormatFloat(x[1], 'g', -1, 64), strconv.Itoa(m.labels[i]),
		})
	}
	return rows
}
