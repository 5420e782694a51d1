// Package backprop is the backpropagation scenario: a 2-2-1 sigmoid
// network on one sample, one training step taken apart into its forward
// values, local derivatives, chain-rule products and the update
// w ← w − η∇L, every number shown.
package backprop

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// trainingSteps is the number of training steps of a run.
const trainingSteps = 40

// The stages of one training step, in order; "start" only comes first.
const (
	stageStart = iota
	stageForwardHidden
	stageForwardOutput
	stageLoss
	stageOutputDelta
	stageOutputGradients
	stageHiddenDeltas
	stageHiddenGradients
	stageUpdate
	stagesPerStep = stageUpdate // Steps per training step
)

// stageNames are the stages as the state names them.
var stageNames = []string{"start", "forward_hidden", "forward_output", "loss", "output_delta",
	"output_gradients", "hidden_deltas", "hidden_gradients", "update"}

// stageTitles head the chain panel.
var stageTitles = []string{
	"Start: the weights and the sample",
	"forward, hidden layer",
	"forward, output",
	"the loss",
	"backward, output delta",
	"backward, output gradients",
	"backward, hidden deltas",
	"backward, hidden gradients",
	"update w ← w − η·∂L/∂w",
}

//go:embed explanation.html
var explanation string

// lrParam is the scenario's one parameter besides the seed.
var lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "1", Min: 0.01, Max: 20, Step: 0.01,
	Help: "Step size η of the update w ← w − η∇L."})

// Scenario returns the backpropagation scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "backprop",
		Title:    "Backpropagation, number by number",
		Chapter:  chapter,
		Summary:  "A 2-2-1 network on one sample: one training step shown as forward values, local derivatives, chain-rule products and the update w ← w − η∇L.",
		MaxSteps: trainingSteps * stagesPerStep,
		Speed:    1,
		Params:   lab.Params(lrParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "network", Title: "The 2-2-1 network: values and weights (this stage in orange)"},
			{Name: "chain", Title: "The numbers of this stage"},
			{Name: "loss", Title: "Loss per training step"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run: the network, the sample and where in the step we are.
type model struct {
	net    network
	before network // the weights this training step started from
	x      [2]float64
	y      float64
	lr     float64
	stage  int
	cur    pass      // the numbers of the current training step
	losses []float64 // loss of every completed training step
}

// round2 keeps the starting numbers short enough to read and check by hand.
func round2(v float64) float64 { return math.Round(100*v) / 100 }

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	u := func() float64 { return round2(2*rng.Float64() - 1) }
	m := &model{lr: lrParam.Get(v)}
	m.x = [2]float64{u(), u()}
	m.y = float64(rng.IntN(2))
	for j := range 2 {
		m.net.W[0][j], m.net.W[1][j] = u(), u()
		m.net.B[j] = u()
		m.net.V[j] = u()
	}
	m.net.C = u()
	m.before = m.net
	return m, nil
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	if m.stage == stageStart || m.stage == stageUpdate {
		m.stage = stageForwardHidden
		m.before = m.net
		m.cur = m.net.backward(m.x, m.y)
		return nil
	}
	m.stage++
	if m.stage == stageUpdate {
		m.net.update(&m.cur.Grad, m.lr)
		m.losses = append(m.losses, m.cur.Loss)
	}
	return nil
}

func (m *model) Done() bool { return len(m.losses) >= trainingSteps }

// reached reports whether the current training step has got to stage s.
func (m *model) reached(s int) bool { return m.stage >= s }

// weights is the network's parameters as the state names them.
type weights struct {
	W [][]float64 `json:"w"` // w[i][j]: input i → hidden j
	B []float64   `json:"b"`
	V []float64   `json:"v"`
	C float64     `json:"c"`
}

func toWeights(n network) weights {
	return weights{W: [][]float64{n.W[0][:], n.W[1][:]}, B: n.B[:], V: n.V[:], C: n.C}
}

type activations struct {
	Z    []float64 `json:"z"`
	H    []float64 `json:"h"`
	S    *float64  `json:"s,omitempty"`
	Yhat *float64  `json:"yhat,omitempty"`
}

type derivatives struct {
	DLossDYhat float64   `json:"dloss_dyhat"`
	DYhatDS    float64   `json:"dyhat_ds"`
	Delta      float64   `json:"delta"`
	DHDZ       []float64 `json:"dh_dz,omitempty"`
	Hidden     []float64 `json:"delta_hidden,omitempty"`
}

type gradients struct {
	W [][]float64 `json:"w,omitempty"`
	B []float64   `json:"b,omitempty"`
	V []float64   `json:"v"`
	C float64     `json:"c"`
}

// state is the frame's "state". Numbers appear once their stage is
// reached; at the update stage Weights are the new weights and Before the
// ones the gradient was taken at.
type state struct {
	Stage        string       `json:"stage"`
	TrainingStep int          `json:"training_step"` // completed training steps
	X            []float64    `json:"x"`
	Y            float64      `json:"y"`
	Weights      weights      `json:"weights"`
	Before       weights      `json:"before"`
	Activations  *activations `json:"activations,omitempty"`
	Loss         *float64     `json:"loss,omitempty"`
	Derivatives  *derivatives `json:"derivatives,omitempty"`
	Gradients    *gradients   `json:"gradients,omitempty"`
}

func (m *model) Snapshot() lab.Snapshot {
	c := &m.cur
	s := state{Stage: stageNames[m.stage], TrainingStep: len(m.losses), X: m.x[:], Y: m.y,
		Weights: toWeights(m.net), Before: toWeights(m.before)}
	if m.reached(stageForwardHidden) {
		s.Activations = &activations{Z: c.Z[:], H: c.H[:]}
	}
	if m.reached(stageForwardOutput) {
		s.Activations.S, s.Activations.Yhat = &c.S, &c.Yhat
	}
	metrics := map[string]float64{}
	if m.reached(stageLoss) {
		s.Loss = &c.Loss
		metrics["loss"] = c.Loss
	} else if n := len(m.losses); n > 0 {
		metrics["loss"] = m.losses[n-1]
	}
	if m.reached(stageOutputDelta) {
		s.Derivatives = &derivatives{DLossDYhat: c.DLossDYhat, DYhatDS: c.DYhatDS, Delta: c.Delta}
	}
	if m.reached(stageOutputGradients) {
		s.Gradients = &gradients{V: c.Grad.V[:], C: c.Grad.C}
	}
	if m.reached(stageHiddenDeltas) {
		s.Derivatives.DHDZ, s.Derivatives.Hidden = c.DHDZ[:], c.DeltaHidden[:]
	}
	if m.reached(stageHiddenGradients) {
		s.Gradients.W, s.Gradients.B = [][]float64{c.Grad.W[0][:], c.Grad.W[1][:]}, c.Grad.B[:]
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

func (m *model) note() string {
	c := &m.cur
	step := len(m.losses) + 1
	switch m.stage {
	case stageStart:
		return fmt.Sprintf("One sample x = (%s, %s) with target y = %g and random weights. Step walks through one training step, stage by stage.",
			num(m.x[0]), num(m.x[1]), m.y)
	case stageForwardHidden:
		return fmt.Sprintf("Training step %d, forward: each hidden unit sums its weighted inputs and applies σ: h = (%s, %s).", step, num(c.H[0]), num(c.H[1]))
	case stageForwardOutput:
		return fmt.Sprintf("Forward: the output unit does the same with the hidden values: ŷ = σ(%s) = %s.", num(c.S), num(c.Yhat))
	case stageLoss:
		return fmt.Sprintf("Loss: L = ½(ŷ − y)² = ½(%s − %g)² = %s.", num(c.Yhat), m.y, num(c.Loss))
	case stageOutputDelta:
		return fmt.Sprintf("Backward: δ = ∂L/∂ŷ · σ′(s) = %s · %s = %s, how much the loss changes per unit of the output's input s.",
			num(c.DLossDYhat), num(c.DYhatDS), num(c.Delta))
	case stageOutputGradients:
		return fmt.Sprintf("Each output weight's gradient is δ times the value that flows along it: ∂L/∂v = (%s, %s), ∂L/∂c = %s.",
			num(c.Grad.V[0]), num(c.Grad.V[1]), num(c.Grad.C))
	case stageHiddenDeltas:
		return fmt.Sprintf("δ flows back through each output weight and each hidden unit's σ′: δ₁ = %s, δ₂ = %s.", num(c.DeltaHidden[0]), num(c.DeltaHidden[1]))
	case stageHiddenGradients:
		return "Each hidden weight's gradient is its unit's delta times its input: the full gradient ∇L is known."
	}
	after := m.net.forward(m.x, m.y)
	verb := "lower"
	if after.Loss > c.Loss {
		verb = "higher: η = " + textfmt.Num(m.lr) + " overshoots"
	}
	end := ""
	if m.Done() {
		end = fmt.Sprintf(" Done: %d training steps.", trainingSteps)
	}
	return fmt.Sprintf("Update %d: every weight moved against its gradient, w ← w − %g·∂L/∂w. With the new weights the loss would be %s (was %s): %s.%s",
		len(m.losses), m.lr, num(after.Loss), num(c.Loss), verb, end)
}

// signed writes v with the given decimals and a real minus sign.
func signed(v float64, decimals int) string {
	return strings.Replace(textfmt.Fixed(v, decimals), "-", "−", 1)
}

// num writes a number with four decimals.
func num(v float64) string { return signed(v, 4) }

// par writes a factor of a product with three decimals, in parentheses
// when negative, so a whole product fits on a line.
func par(v float64) string {
	s := signed(v, 3)
	if v < 0 {
		return "(" + s + ")"
	}
	return s
}

var subs = []string{"₀", "₁", "₂"}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "network":
		return m.plotNetwork(), nil
	case "chain":
		return m.plotChain(), nil
	case "loss":
		return m.plotLoss(), nil
	}
	return nil, fmt.Errorf("backprop: no panel %q", panel)
}

func (m *model) plotNetwork() *plot.Plot {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	c := &m.cur
	st := m.stage
	is := func(stages ...int) bool { return slices.Contains(stages, st) }
	shown := m.net // weights drawn: the ones this step uses, new ones at the update
	d := &diagram{}
	// Inputs, hidden units, output. The numbers of the upper units go
	// above them and those of the lower ones below, leaving the middle to
	// the edges.
	const top, bottom = 4.6, 1.4
	for i := range 2 {
		n := node{x: 0.7, y: []float64{top, bottom}[i], name: "x" + subs[i+1]}
		l := []line{{text: "x" + subs[i+1] + " = " + num2(m.x[i])}}
		if i == 0 {
			n.above = l
		} else {
			n.below = l
		}
		d.nodes = append(d.nodes, n)
	}
	for j := range 2 {
		sj := subs[j+1]
		n := node{x: 5.0, y: []float64{top, bottom}[j], name: "h" + sj, hot: is(stageForwardHidden, stageHiddenDeltas)}
		var ls []line
		if m.reached(stageForwardHidden) {
			ls = append(ls, line{text: "z" + sj + " = " + num(c.Z[j]), hot: is(stageForwardHidden)},
				line{text: "h" + sj + " = σ(z" + sj + ") = " + num(c.H[j]), hot: is(stageForwardHidden)})
		}
		ls = append(ls, line{text: "b" + sj + " = " + num(shown.B[j]), hot: is(stageUpdate)})
		if m.reached(stageHiddenDeltas) {
			ls = append(ls, line{text: "δ" + sj + " = " + num(c.DeltaHidden[j]), hot: is(stageHiddenDeltas)})
		}
		if m.reached(stageHiddenGradients) {
			ls = append(ls, line{text: "∂L/∂b" + sj + " = " + num(c.Grad.B[j]), hot: is(stageHiddenGradients)})
		}
		if j == 0 {
			slices.Reverse(ls) // stacked upwards from the node
			n.above = ls
		} else {
			n.below = ls
		}
		d.nodes = append(d.nodes, n)
	}
	out := node{x: 9.0, y: (top + bottom) / 2, name: "ŷ", hot: is(stageForwardOutput, stageLoss, stageOutputDelta)}
	if m.reached(stageForwardOutput) {
		out.above = []line{{text: "ŷ = " + num(c.Yhat), hot: is(stageForwardOutput)}, {text: "s = " + num(c.S), hot: is(stageForwardOutput)}}
	}
	out.below = []line{{text: "c = " + num(shown.C), hot: is(stageUpdate)}, {text: "y = " + textfmt.Num(m.y)}}
	if m.reached(stageLoss) {
		out.below = append(out.below, line{text: "L = " + num(c.Loss), hot: is(stageLoss)})
	}
	if m.reached(stageOutputDelta) {
		out.below = append(out.below, line{text: "δ = " + num(c.Delta), hot: is(stageOutputDelta)})
	}
	if m.reached(stageOutputGradients) {
		out.below = append(out.below, line{text: "∂L/∂c = " + num(c.Grad.C), hot: is(stageOutputGradients)})
	}
	d.nodes = append(d.nodes, out)
	// Edges: input i → hidden j (the crossing ones labelled nearer their
	// source so the labels do not meet), hidden j → output.
	for i := range 2 {
		for j := range 2 {
			at := 0.5
			if i != j {
				at = 0.3
			}
			name := "w" + subs[i+1] + subs[j+1]
			e := edge{from: i, to: 2 + j, at: at, hot: is(stageForwardHidden, stageHiddenGradients, stageUpdate),
				lines: []line{{text: name + " = " + num(shown.W[i][j]), hot: is(stageUpdate)}}}
			if m.reached(stageHiddenGradients) {
				e.lines = append(e.lines, line{text: "∂L/∂" + name + " = " + num(c.Grad.W[i][j]), hot: is(stageHiddenGradients)})
			}
			d.edges = append(d.edges, e)
		}
	}
	for j := range 2 {
		name := "v" + subs[j+1]
		e := edge{from: 2 + j, to: 4, at: []float64{0.36, 0.42}[j], hot: is(stageForwardOutput, stageOutputGradients, stageHiddenDeltas, stageUpdate),
			lines: []line{{text: name + " = " + num(shown.V[j]), hot: is(stageUpdate)}}}
		if m.reached(stageOutputGradients) {
			e.lines = append(e.lines, line{text: "∂L/∂" + name + " = " + num(c.Grad.V[j]), hot: is(stageOutputGradients)})
		}
		d.edges = append(d.edges, e)
	}
	p.Add(d)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.4, 10.6, -1.6, 7.6
	return p
}

// num2 writes an input, which has two decimals.
func num2(v float64) string { return signed(v, 2) }

// chainLines writes out the formulas of the current stage with their numbers.
func (m *model) chainLines() []line {
	c, n, x := &m.cur, &m.before, m.x
	hot := func(format string, args ...any) line { return line{text: fmt.Sprintf(format, args...), hot: true} }
	plain := func(format string, args ...any) line { return line{text: fmt.Sprintf(format, args...)} }
	var ls []line
	switch m.stage {
	case stageStart:
		ls = append(ls, plain("sample x = (%s, %s), target y = %g", num2(x[0]), num2(x[1]), m.y),
			plain("zⱼ = w₁ⱼx₁ + w₂ⱼx₂ + bⱼ,   hⱼ = σ(zⱼ)"),
			plain("s = v₁h₁ + v₂h₂ + c,   ŷ = σ(s)"),
			plain("L = ½(ŷ − y)²,   σ(t) = 1/(1 + exp(−t))"),
			plain(""),
			plain("Step: forward pass, loss, backward pass,"),
			plain("then the update; the orange numbers are new."))
	case stageForwardHidden:
		for j := range 2 {
			sj := subs[j+1]
			ls = append(ls, plain("z%s = w₁%sx₁ + w₂%sx₂ + b%s", sj, sj, sj, sj),
				hot("    = %s·%s + %s·%s + %s = %s", par(n.W[0][j]), par(x[0]), par(n.W[1][j]), par(x[1]), par(n.B[j]), num(c.Z[j])),
				hot("h%s = σ(z%s) = 1/(1 + exp(−z%s)) = %s", sj, sj, sj, num(c.H[j])))
		}
	case stageForwardOutput:
		ls = append(ls, plain("s = v₁h₁ + v₂h₂ + c"),
			hot("   = %s·%s + %s·%s + %s = %s", par(n.V[0]), par(c.H[0]), par(n.V[1]), par(c.H[1]), par(n.C), num(c.S)),
			hot("ŷ = σ(s) = %s", num(c.Yhat)))
	case stageLoss:
		ls = append(ls, plain("L = ½(ŷ − y)²"),
			hot("   = ½(%s − %g)² = %s", num(c.Yhat), m.y, num(c.Loss)))
	case stageOutputDelta:
		ls = append(ls, plain("local derivatives at the output:"),
			hot("∂L/∂ŷ = ŷ − y = %s", num(c.DLossDYhat)),
			hot("∂ŷ/∂s = σ′(s) = ŷ(1 − ŷ) = %s", num(c.DYhatDS)),
			plain("chain rule:"),
			hot("δ = ∂L/∂s = ∂L/∂ŷ · ∂ŷ/∂s"),
			hot("   = %s · %s = %s", par(c.DLossDYhat), par(c.DYhatDS), num(c.Delta)))
	case stageOutputGradients:
		ls = append(ls, plain("∂s/∂vⱼ = hⱼ and ∂s/∂c = 1, so:"))
		for j := range 2 {
			sj := subs[j+1]
			ls = append(ls, hot("∂L/∂v%s = δ · h%s = %s · %s = %s", sj, sj, par(c.Delta), par(c.H[j]), num(c.Grad.V[j])))
		}
		ls = append(ls, hot("∂L/∂c = δ · 1 = %s", num(c.Grad.C)))
	case stageHiddenDeltas:
		ls = append(ls, plain("∂s/∂hⱼ = vⱼ and ∂hⱼ/∂zⱼ = σ′(zⱼ) = hⱼ(1 − hⱼ):"))
		for j := range 2 {
			sj := subs[j+1]
			ls = append(ls, hot("δ%s = ∂L/∂z%s = δ · v%s · h%s(1 − h%s)", sj, sj, sj, sj, sj),
				hot("    = %s · %s · %s = %s", par(c.Delta), par(n.V[j]), par(c.DHDZ[j]), num(c.DeltaHidden[j])))
		}
	case stageHiddenGradients:
		ls = append(ls, plain("∂zⱼ/∂wᵢⱼ = xᵢ and ∂zⱼ/∂bⱼ = 1, so ∂L/∂wᵢⱼ = δⱼxᵢ:"))
		for j := range 2 {
			sj := subs[j+1]
			for i := range 2 {
				si := subs[i+1]
				ls = append(ls, hot("∂L/∂w%s%s = δ%s · x%s = %s · %s = %s", si, sj, sj, si, par(c.DeltaHidden[j]), par(x[i]), num(c.Grad.W[i][j])))
			}
			ls = append(ls, hot("∂L/∂b%s = δ%s = %s", sj, sj, num(c.Grad.B[j])))
		}
	case stageUpdate:
		lr := textfmt.Num(m.lr)
		ls = append(ls, plain("η = %s; each weight w − η·∂L/∂w:", lr))
		pair := func(name string, old, g, now float64) line {
			return hot("%s: %s − %s·%s = %s", name, num(old), lr, par(g), num(now))
		}
		for j := range 2 {
			sj := subs[j+1]
			for i := range 2 {
				ls = append(ls, pair("w"+subs[i+1]+sj, n.W[i][j], c.Grad.W[i][j], m.net.W[i][j]))
			}
			ls = append(ls, pair("b"+sj, n.B[j], c.Grad.B[j], m.net.B[j]))
		}
		for j := range 2 {
			ls = append(ls, pair("v"+subs[j+1], n.V[j], c.Grad.V[j], m.net.V[j]))
		}
		ls = append(ls, pair("c", n.C, c.Grad.C, m.net.C))
	}
	return ls
}

func (m *model) plotChain() *plot.Plot {
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	title := stageTitles[m.stage]
	if m.stage != stageStart {
		title = fmt.Sprintf("Training step %d, stage %d of %d: %s", len(m.losses)+boolInt(m.stage != stageUpdate), m.stage, stagesPerStep, title)
	}
	p.Add(&textBlock{title: title, lines: m.chainLines()})
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	return p
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "training step", "L = ½(ŷ − y)²")
	p.X.Min, p.X.Max, p.Y.Min = 0.5, 10.5, 0
	if len(m.losses) == 0 {
		p.Y.Max = 0.5
		if m.reached(stageLoss) {
			viz.AddScatter(p, [][]float64{{1, m.cur.Loss}}, []int{1}, viz.ScatterStyle{Radius: 4})
			p.Y.Max = max(0.1, m.cur.Loss*1.2)
		} else {
			viz.AddNotice(p, "The loss L of each training step appears here", "once the forward pass reaches it (stage 3).")
		}
		return p
	}
	xs := make([]float64, len(m.losses))
	pts := make([][]float64, len(m.losses))
	for i, l := range m.losses {
		xs[i] = float64(i + 1)
		pts[i] = []float64{xs[i], l}
	}
	viz.AddLine(p, xs, m.losses, viz.ClassColor(0), "", false)
	viz.AddScatter(p, pts, nil, viz.ScatterStyle{Radius: 3})
	if m.stage != stageUpdate && m.reached(stageLoss) {
		// This step's loss, before its update.
		viz.AddScatter(p, [][]float64{{float64(len(m.losses) + 1), m.cur.Loss}}, []int{1}, viz.ScatterStyle{Radius: 4})
	}
	p.X.Max = max(p.X.Max, float64(len(m.losses))+1.5)
	p.Y.Max = max(p.Y.Max, 0.01) * 1.1
	return p
}

// Data is the training sample: x₁, x₂ and the target y.
func (m *model) Data() [][]string {
	return [][]string{{"x1", "x2", "y"}, {textfmt.Num(m.x[0]), textfmt.Num(m.x[1]), textfmt.Num(m.y)}}
}
