// Package rnn is the recurrent-network scenario: a vanilla RNN and an LSTM
// learn, side by side and from the same mini-batches, to name the signal
// token of a sequence of T tokens. When the signal comes first, the answer
// needs a memory of T steps: the gradient ‖∂L/∂hₜ‖ that reaches the early
// hidden states vanishes in the RNN, and the LSTM's cell state carries it.
package rnn

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/seq"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// Settings of the scenario.
const (
	maxSteps = 400
	vocab    = 8 // signals A–D, distractors 1–4
	signals  = 4
	batch    = seq.DefaultBatch
	heldOut  = 32 // held-out sequences, for the accuracy
	// The gradient heatmap's colour scale, log₁₀ ‖∂L/∂hₜ‖.
	logLo, logHi = -8.0, 0.0
	curvePoints  = 200
	gradColumns  = 100 // most steps the gradient heatmap shows one a column
)

//go:embed explanation.html
var explanation string

// task draws a batch of sequences and their targets (one per sequence).
type task func(rng *rand.Rand, batch, seqLen, signals, vocab int, inputs, targets []int) ([]int, []int)

// The parameter table.
var (
	taskParam = lab.Enum(lab.Param{Name: "task", Label: "Task", Default: "first",
		Help: "first: the signal (A–D) comes first, then T − 1 distractors, and the answer is asked at the end: a memory of T steps. " +
			"last: the distractors first, the signal last: a memory of one step."},
		lab.Option[task]("first", seq.FirstToken), lab.Option[task]("last", seq.LastToken))
	lengthParam = lab.Int(lab.Param{Name: "length", Label: "Length T", Default: "20", Min: 2, Max: 30, Step: 1,
		Help: "Tokens per sequence, the signal included."})
	hiddenParam = lab.Int(lab.Param{Name: "hidden", Label: "Hidden units", Default: "16", Min: 2, Max: 20, Step: 1,
		Help: "Size of the hidden state h (and of the LSTM's cell state c and of the token embedding)."})
	cellParam = lab.Enum(lab.Param{Name: "cell", Label: "Cell", Default: "both",
		Help: "rnn: hₜ = tanh(xₜU + hₜ₋₁V + b); lstm: gates and a cell state; both: the two side by side, on the same batches."},
		lab.Option("rnn", []seq.Cell{seq.RNN}), lab.Option("lstm", []seq.Cell{seq.LSTM}), lab.Option("both", []seq.Cell{seq.RNN, seq.LSTM}))
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.003", Min: 0.0001, Max: 0.1, Step: 0.0001,
		Help: "Adam's step size, one update per mini-batch of 32 fresh sequences."})
	sweepParam = lab.Bool(lab.Param{Name: "sweep", Label: "Sweep over T", Default: "false",
		Help: "Also train the same networks, from the same seed, at T = 5, 10, 20 and 30, side by side, and draw loss and accuracy against T. Each step then trains every length: about three times the work."})
)

// sweepLengths are the lengths the sweep trains, besides the run's own T.
var sweepLengths = []int{5, 10, 20, 30}

// Scenario returns the RNN-versus-LSTM scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "rnn",
		Title:    "RNN vs LSTM: remembering through time",
		Chapter:  chapter,
		Summary:  "A vanilla RNN and an LSTM learn to recall a token seen T steps earlier: accuracy, the gradient ‖∂L/∂hₜ‖ through time as a heatmap (it vanishes in the RNN), the hidden state over a sequence.",
		MaxSteps: maxSteps,
		Speed:    10,
		Params:   lab.Params(taskParam, lengthParam, hiddenParam, cellParam, lrParam, sweepParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "accuracy", Title: "Held-out accuracy"},
			{Name: "grad", Title: "log₁₀ ‖∂L/∂hₜ‖ through time, step by step"},
			{Name: "profile", Title: "‖∂L/∂hₜ‖ over t, this step"},
			{Name: "hidden", Title: "Hidden state hₜ over one held-out sequence"},
			{Name: "sweep_accuracy", Title: "Held-out accuracy against T, this step", Shown: sweepParam.Get},
			{Name: "sweep_loss", Title: "Mini-batch loss L against T, this step", Shown: sweepParam.Get},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// learner is one network, its optimiser and what it recorded.
type learner struct {
	name      string // "rnn" or "lstm", as the URL spells it
	label     string // "RNN" or "LSTM", as the panels do
	net       *seq.Recurrent
	opt       nn.Optimizer
	train     *nn.Tape
	eval      *nn.Tape
	data      *rand.Rand
	x, y      []int
	norms     [][]float64 // ‖∂L/∂hₜ‖ per step, t = 1…T
	loss, acc []float64   // per step
	hidden    [][]float64 // h_1…h_T of held-out sequence 0, this step
	predicted int         // for held-out sequence 0
}

// chain is the networks trained at one length T: what a run with
// length=T trains, built from the same seed streams, so that the sweep's
// entry for a length is that run's figures.
type chain struct {
	T        int
	learners []*learner
	testX    []int
	testY    []int
}

// model is one run. Frame k describes the weights after k updates: the
// mini-batch loss and ∂L/∂hₜ of the batch update k+1 will apply, and the
// held-out accuracy.
type model struct {
	*chain   // at the run's T
	task     task
	taskName string
	// sweep is every length of the sweep, the run's own chain among them,
	// shortest first; nil without the sweep.
	sweep []*chain
	steps int
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{task: taskParam.Get(v), taskName: taskParam.Text(v)}
	var err error
	if m.chain, err = m.newChain(v, lengthParam.Get(v)); err != nil {
		return nil, err
	}
	if sweepParam.Get(v) {
		lengths := append([]int{m.T}, sweepLengths...)
		slices.Sort(lengths)
		for _, T := range slices.Compact(lengths) {
			c := m.chain
			if T != m.T {
				if c, err = m.newChain(v, T); err != nil {
					return nil, err
				}
			}
			m.sweep = append(m.sweep, c)
		}
	}
	return m, nil
}

// newChain builds and records the networks of length T.
func (m *model) newChain(v lab.Values, T int) (*chain, error) {
	c := &chain{T: T}
	c.testX, c.testY = m.task(rand.New(rand.NewPCG(v.Seed(), 2)), heldOut, T, signals, vocab, nil, nil)
	for _, cell := range cellParam.Get(v) {
		opt, err := nn.NewOptimizer("adam", lrParam.Get(v))
		if err != nil {
			return nil, fmt.Errorf("rnn: %w", err)
		}
		l := &learner{name: "rnn", label: "RNN", opt: opt, train: &nn.Tape{}, eval: &nn.Tape{},
			// The same stream for both cells: they see the same batches.
			data: rand.New(rand.NewPCG(v.Seed(), 3)),
			net: seq.NewRecurrent(rand.New(rand.NewPCG(v.Seed(), 1)),
				seq.RecurrentConfig{Cell: cell, Vocab: vocab, SeqLen: T, Hidden: hiddenParam.Get(v), Classes: signals})}
		if cell == seq.LSTM {
			l.name, l.label = "lstm", "LSTM"
		}
		c.learners = append(c.learners, l)
		c.record(m.task, l)
	}
	return c, nil
}

// record draws the next mini-batch, backpropagates its loss through time
// at the current weights (the gradient the next Step applies) and
// evaluates the network on the held-out sequences.
func (c *chain) record(task task, l *learner) {
	l.x, l.y = task(l.data, batch, c.T, signals, vocab, l.x, l.y)
	l.train.Reset()
	for _, p := range l.net.Params() {
		p.ZeroGrad()
	}
	loss := l.train.CrossEntropy(l.net.Forward(l.train, l.x), l.y)
	l.train.Backward(loss)
	l.loss = append(l.loss, loss.Value())
	l.norms = append(l.norms, l.net.HiddenGradNorms())

	l.eval.Reset()
	probs := l.net.Forward(l.eval, c.testX)
	l.acc = append(l.acc, seq.Accuracy(probs, c.testY))
	l.predicted = argmax(probs.Data[:probs.Cols])
	l.hidden = l.hidden[:0]
	for _, h := range l.net.States {
		l.hidden = append(l.hidden, append([]float64(nil), h.Data[:h.Cols]...))
	}
}

// step applies each network's update and records the next batch.
func (c *chain) step(task task) {
	for _, l := range c.learners {
		l.opt.Step(l.net.Params())
		c.record(task, l)
	}
}

func argmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

func (m *model) Step() error {
	m.chain.step(m.task)
	for _, c := range m.sweep {
		if c != m.chain {
			c.step(m.task)
		}
	}
	m.steps++
	return nil
}

func (m *model) Done() bool { return m.steps >= maxSteps }

// state is the frame's "state".
type state struct {
	Step    int    `json:"step"`
	Task    string `json:"task"`
	Length  int    `json:"length"`
	Signals int    `json:"signals"`
	// Cells lists the networks trained, as the URL spells them.
	Cells []string `json:"cells"`
	// GradNormsTime is, per cell, ‖∂L/∂hₜ‖ for t = 1…T, first step first:
	// the Frobenius norm over the mini-batch of the gradient of its mean
	// cross-entropy with respect to each hidden state, at this step's
	// weights.
	GradNormsTime map[string][]float64 `json:"grad_norms_time"`
	Loss          map[string]float64   `json:"loss"`
	// Accuracy is the fraction of the held-out sequences (data.csv) named
	// right.
	Accuracy map[string]float64 `json:"accuracy"`
	// Example is held-out sequence 0, its target and each cell's answer.
	Example    []int          `json:"example"`
	Target     int            `json:"target"`
	Prediction map[string]int `json:"prediction"`
	// Sweep is, with sweep on, one entry per length T, shortest first:
	// the loss and accuracy, as above, of the networks trained at that
	// length for as many steps; the entry of the run's own T is this
	// run's.
	Sweep []sweepEntry `json:"sweep,omitempty"`
}

// sweepEntry is one length of the sweep.
type sweepEntry struct {
	T        int                `json:"T"`
	Loss     map[string]float64 `json:"loss"`
	Accuracy map[string]float64 `json:"accuracy"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Step: m.steps, Task: m.taskName, Length: m.T, Signals: signals, GradNormsTime: map[string][]float64{},
		Loss: map[string]float64{}, Accuracy: map[string]float64{}, Prediction: map[string]int{},
		Example: m.testX[:m.T], Target: m.testY[0]}
	metrics := map[string]float64{}
	for _, l := range m.learners {
		s.Cells = append(s.Cells, l.name)
		s.GradNormsTime[l.name] = l.norms[len(l.norms)-1]
		s.Loss[l.name] = l.loss[len(l.loss)-1]
		s.Accuracy[l.name] = l.acc[len(l.acc)-1]
		s.Prediction[l.name] = l.predicted
		metrics["loss_"+l.name] = s.Loss[l.name]
		metrics["accuracy_"+l.name] = s.Accuracy[l.name]
	}
	for _, c := range m.sweep {
		e := sweepEntry{T: c.T, Loss: map[string]float64{}, Accuracy: map[string]float64{}}
		for _, l := range c.learners {
			e.Loss[l.name], e.Accuracy[l.name] = l.loss[len(l.loss)-1], l.acc[len(l.acc)-1]
		}
		s.Sweep = append(s.Sweep, e)
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note(s)}
}

func pct(v float64) string { return textfmt.Fixed(100*v, 0) + " %" }

func (m *model) note(s state) string {
	var b strings.Builder
	if s.Step == 0 {
		fmt.Fprintf(&b, "Initial weights, sequences of T = %d tokens, the signal %s", m.T, m.where())
	} else {
		fmt.Fprintf(&b, "Step %d: %d mini-batches of %d fresh sequences of T = %d, the signal %s", s.Step, s.Step, batch, m.T, m.where())
	}
	b.WriteString(". Held-out accuracy")
	for i, l := range m.learners {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s %s", l.label, pct(s.Accuracy[l.name]))
	}
	fmt.Fprintf(&b, " (chance %s).", pct(1.0/signals))
	if len(s.Sweep) > 0 {
		b.WriteString(" Against T =")
		for i, e := range s.Sweep {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %d", e.T)
		}
		b.WriteString(":")
		for i, l := range m.learners {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %s", l.label)
			for j, e := range s.Sweep {
				if j > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, " %s", textfmt.Fixed(100*e.Accuracy[l.name], 0))
			}
			b.WriteString(" %")
		}
		b.WriteString(".")
	}
	for _, l := range m.learners {
		g := s.GradNormsTime[l.name]
		first, last := g[0], g[len(g)-1]
		switch {
		case !(last > 0):
			fmt.Fprintf(&b, " %s: no gradient reaches the last hidden state.", l.label)
		case first < last:
			fmt.Fprintf(&b, " %s: ‖∂L/∂h₁‖ is %s, %s times smaller than at t = T.", l.label,
				textfmt.Readable(first, 2), textfmt.Readable(last/first, 2))
		default:
			fmt.Fprintf(&b, " %s: ‖∂L/∂h₁‖ is %s, at least as large as at t = T (%s).", l.label,
				textfmt.Readable(first, 2), textfmt.Readable(last, 2))
		}
	}
	return b.String()
}

// where says where the signal sits, in words.
func (m *model) where() string {
	if m.taskName == "last" {
		return "last"
	}
	return "first, " + strconv.Itoa(m.T-1) + " steps before the answer"
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "accuracy":
		return m.plotAccuracy(), nil
	case "grad":
		return m.plotGrad(), nil
	case "profile":
		return m.plotProfile(), nil
	case "hidden":
		return m.plotHidden(), nil
	case "sweep_accuracy":
		return m.plotSweep(false), nil
	case "sweep_loss":
		return m.plotSweep(true), nil
	}
	return nil, fmt.Errorf("rnn: no panel %q", panel)
}

func colour(l *learner) viz.Curve {
	c := viz.Curve{Color: viz.ClassColor(0), Label: l.label, Dot: 3.5}
	if l.name == "lstm" {
		c.Color = viz.ClassColor(1)
	}
	return c
}

func (m *model) plotAccuracy() *plot.Plot {
	p := viz.NewPlot("", "step (mini-batches)", "accuracy on "+strconv.Itoa(heldOut)+" held-out sequences")
	viz.AddHLine(p, 1.0/signals, "chance: 1/4", viz.Neutral)
	for _, l := range m.learners {
		c := colour(l)
		c.Values = l.acc
		viz.AddHistory(p, curvePoints, c)
	}
	p.X.Min, p.X.Max = 0, max(float64(m.steps), 20)
	p.Y.Min, p.Y.Max = 0, 1.05
	return p
}

// blocks stacks one block of rows per learner, the first at the bottom,
// with an empty row between blocks: rowsOf(l) gives a learner's rows, bottom
// first, each of width cols. It returns the grid and the y ticks, which
// label each block's first and last row with label(l, i).
func (m *model) blocks(cols int, rowsOf func(l *learner) [][]float64, label func(l *learner, i, n int) string) ([][]float64, []plot.Tick) {
	var grid [][]float64
	var ticks []plot.Tick
	gap := make([]float64, cols)
	for i := range gap {
		gap[i] = math.NaN()
	}
	for k, l := range m.learners {
		if k > 0 {
			grid = append(grid, gap)
		}
		rows := rowsOf(l)
		for i, r := range rows {
			if i == 0 || i == len(rows)-1 || (len(rows) >= 10 && i == len(rows)/2) {
				ticks = append(ticks, plot.Tick{Value: float64(len(grid)) + 0.5, Label: label(l, i, len(rows))})
			}
			grid = append(grid, r)
		}
	}
	return grid, ticks
}

func (m *model) plotGrad() *plot.Plot {
	p := viz.NewPlot("", "step (mini-batches)", "hidden state hₜ")
	// Column j shows step j·every over [j·every, (j+1)·every]: one column
	// a step up to gradColumns steps, then every other step and so on, so
	// the raster stays small; at least 20 columns so the first steps are
	// not one huge block.
	every := (m.steps + gradColumns) / gradColumns
	cols := max((m.steps+every)/every, 20)
	grid, ticks := m.blocks(cols, func(l *learner) [][]float64 {
		rows := make([][]float64, m.T)
		for t := range rows {
			rows[t] = make([]float64, cols)
			for j := range rows[t] {
				rows[t][j] = math.NaN()
				if k := j * every; k < len(l.norms) {
					rows[t][j] = logNorm(l.norms[k][t])
				}
			}
		}
		return rows
	}, func(l *learner, i, n int) string {
		if i == 0 {
			return l.label + " t=1"
		}
		return "t=" + strconv.Itoa(i+1)
	})
	var cticks []float64
	for v := logLo; v <= logHi; v += 2 {
		cticks = append(cticks, v)
	}
	viz.AddColorGrid(p, grid, viz.Box{XMin: 0, XMax: float64(cols * every), YMin: 0, YMax: float64(len(grid))}, viz.ColorGridStyle{
		Lo: logLo, Hi: logHi, Bands: 16, Ticks: cticks, Title: "log₁₀",
		Label: func(v float64) string { return strconv.Itoa(int(v)) },
	})
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	return p
}

// logNorm is log₁₀ of a norm, with 0 shown at the bottom of the scale.
func logNorm(v float64) float64 {
	if !(v > 0) {
		return logLo
	}
	return math.Log10(v)
}

func (m *model) plotProfile() *plot.Plot {
	p := viz.NewPlot("", "time step t (the answer is read from the last hₜ)", "‖∂L/∂hₜ‖ (log scale)")
	xs := make([]float64, m.T)
	for t := range xs {
		xs[t] = float64(t + 1)
	}
	lo, hi := math.Inf(1), 0.0
	for _, l := range m.learners {
		g := l.norms[len(l.norms)-1]
		ys := make([]float64, m.T)
		for t := range ys {
			ys[t] = max(g[t], viz.LogFloor)
			lo, hi = min(lo, ys[t]), max(hi, ys[t])
		}
		c := colour(l)
		viz.AddLine(p, xs, ys, c.Color, l.label, false)
		viz.AddScatter(p, viz.Pairs(xs, ys), nil, viz.ScatterStyle{Radius: 2.5})
	}
	viz.SetLogY(p)
	p.Y.Min = math.Pow(10, math.Floor(math.Log10(lo)))
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(hi)+1e-9))
	if p.Y.Max/p.Y.Min < 100 {
		p.Y.Min, p.Y.Max = p.Y.Min/10, p.Y.Max*10
	}
	p.X.Min, p.X.Max = 0.5, float64(m.T)+0.5
	p.Legend.Top, p.Legend.Left = true, true
	return p
}

// plotSweep draws, for each cell, the sweep's held-out accuracy (or, with
// loss, its mini-batch loss) at this step against the length T, one point
// per length, the run's own T marked.
func (m *model) plotSweep(loss bool) *plot.Plot {
	ylabel, chance, chanceLabel := "accuracy on "+strconv.Itoa(heldOut)+" held-out sequences", 1.0/signals, "chance: 1/4"
	if loss {
		ylabel, chance, chanceLabel = "cross-entropy L of the next mini-batch", math.Log(signals), "chance: ln 4"
	}
	p := viz.NewPlot("", "sequence length T (the signal "+m.where1()+")", ylabel)
	if len(m.sweep) == 0 {
		viz.AddNotice(p, "Tick “Sweep over T” to train the same networks", "at T = 5, 10, 20 and 30 and compare them here.")
		return p
	}
	viz.AddHLine(p, chance, chanceLabel, viz.Neutral)
	viz.AddVLine(p, float64(m.T), "this run", viz.Neutral)
	top := 1.05
	for k, l := range m.learners {
		var xs, ys []float64
		for _, c := range m.sweep {
			v := c.learners[k]
			y := v.acc[len(v.acc)-1]
			if loss {
				y = v.loss[len(v.loss)-1]
			}
			xs, ys = append(xs, float64(c.T)), append(ys, y)
			top = max(top, y*1.05)
		}
		col := colour(l)
		viz.AddLine(p, xs, ys, col.Color, l.label, false)
		classes := make([]int, len(xs))
		if l.name == "lstm" {
			for i := range classes {
				classes[i] = 1
			}
		}
		viz.AddMarkers(p, viz.Pairs(xs, ys), classes, "circle", 3.5)
	}
	var ticks []plot.Tick
	for _, c := range m.sweep {
		ticks = append(ticks, plot.Tick{Value: float64(c.T), Label: strconv.Itoa(c.T)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 0, float64(m.sweep[len(m.sweep)-1].T)+2
	p.Y.Min = 0
	if loss {
		p.Y.Max = top
	} else {
		p.Y.Max = 1.05
	}
	return p
}

// where1 says where the signal sits, without the distance.
func (m *model) where1() string {
	if m.taskName == "last" {
		return "last"
	}
	return "first"
}

// tokenName spells a token as the panels do: signals A–D, distractors 1–4.
func tokenName(tok int) string {
	if tok < signals {
		return string(rune('A' + tok))
	}
	return strconv.Itoa(tok - signals + 1)
}

func (m *model) plotHidden() *plot.Plot {
	answers := make([]string, len(m.learners))
	for i, l := range m.learners {
		answers[i] = l.label + ": " + tokenName(l.predicted)
	}
	p := viz.NewPlot("", "token xₜ; answer "+tokenName(m.testY[0])+"; "+strings.Join(answers, ", "), "hidden unit")
	grid, ticks := m.blocks(m.T, func(l *learner) [][]float64 {
		rows := make([][]float64, len(l.hidden[0]))
		for u := range rows {
			rows[u] = make([]float64, m.T)
			for t := range m.T {
				rows[u][t] = l.hidden[t][u]
			}
		}
		return rows
	}, func(l *learner, i, n int) string {
		if i == 0 {
			return l.label + " 1"
		}
		return strconv.Itoa(i + 1)
	})
	viz.AddColorGrid(p, grid, viz.Box{XMin: 0.5, XMax: float64(m.T) + 0.5, YMin: 0, YMax: float64(len(grid))}, viz.ColorGridStyle{
		Lo: -1, Hi: 1, Bands: 16, Ticks: []float64{-1, -0.5, 0, 0.5, 1}, Title: "hₜ",
	})
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	var xt []plot.Tick
	every := 1
	if m.T > 20 {
		every = 2
	}
	for t := range m.T {
		tk := plot.Tick{Value: float64(t + 1)}
		if t%every == 0 || t == m.T-1 || m.testX[t] < signals {
			tk.Label = tokenName(m.testX[t])
		}
		xt = append(xt, tk)
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	return p
}

// Data returns the held-out sequences: tokens x1…xT (0–3 the signals A–D,
// 4–7 the distractors 1–4) and the target y.
func (m *model) Data() [][]string {
	header := make([]string, 0, m.T+2)
	for t := range m.T {
		header = append(header, "x"+strconv.Itoa(t+1))
	}
	rows := [][]string{append(header, "y", "split")}
	for b := range heldOut {
		row := make([]string, 0, m.T+2)
		for _, tok := range m.testX[b*m.T : (b+1)*m.T] {
			row = append(row, strconv.Itoa(tok))
		}
		rows = append(rows, append(row, strconv.Itoa(m.testY[b]), "test"))
	}
	return rows
}
