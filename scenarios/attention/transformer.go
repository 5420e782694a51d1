package attention

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/ml/seq"
	"github.com/mlplayground/playground/internal/viz"
)

// digits is the vocabulary of the digit tasks: 0…7, as seq.DefaultAttention.
const digits = 8

// task is a toy sequence task: what the transformer reads and must write
// at every position.
type task struct {
	word  string
	vocab func(T int) int
	draw  func(rng *rand.Rand, batch, T, vocab int, x, y []int) ([]int, []int)
	// in and out spell an input token and a target token.
	in, out func(tok, T int) string
	// interest scores a candidate example; the highest of a few is shown.
	interest func(x, y []int) int
}

func digitVocab(int) int      { return digits }
func digit(tok, _ int) string { return strconv.Itoa(tok) }
func distinct(x, _ []int) int {
	seen := map[int]bool{}
	for _, t := range x {
		seen[t] = true
	}
	return len(seen)
}

var (
	reverseTask = task{word: "reverse", vocab: digitVocab, draw: seq.Reverse, in: digit, out: digit, interest: distinct}
	sortTask    = task{word: "sort", vocab: digitVocab, draw: seq.Sort, in: digit, out: digit, interest: distinct}
	copyTask    = task{word: "copy", vocab: digitVocab, draw: seq.Copy, in: digit, out: digit, interest: distinct}
	// bracketsTask targets the partner's position, or T for none.
	bracketsTask = task{word: "brackets",
		vocab: func(T int) int { return T + 1 },
		draw: func(rng *rand.Rand, batch, T, _ int, x, y []int) ([]int, []int) {
			return seq.Brackets(rng, batch, T, x, y)
		},
		in: func(tok, _ int) string { return map[int]string{seq.Open: "(", seq.Close: ")"}[tok] },
		out: func(tok, T int) string {
			if tok >= T {
				return "–"
			}
			return strconv.Itoa(tok + 1) // positions count from 1 on the page
		},
		interest: func(x, y []int) int {
			n := 0
			for i, p := range y {
				if p < len(y) && p > i {
					n++
				}
			}
			return n
		},
	}
)

// learner is one transformer and its optimiser.
type learner struct {
	net *seq.Transformer
	opt nn.Optimizer
	tp  *nn.Tape
}

func newLearner(seed uint64, c seq.TransformerConfig, lr float64) *learner {
	opt, err := nn.NewOptimizer("adam", lr)
	if err != nil {
		panic(err) // "adam" is known
	}
	return &learner{net: seq.NewTransformer(rand.New(rand.NewPCG(seed, 1)), c), opt: opt, tp: &nn.Tape{}}
}

// score is a batch's summed loss per sequence (the mean over its tokens)
// and its right sequences and tokens.
type score struct {
	loss          float64
	exact, tokens int
	seqs, n       int
}

func (s *score) add(o score) {
	s.loss += o.loss
	s.exact += o.exact
	s.tokens += o.tokens
	s.seqs += o.seqs
	s.n += o.n
}

func (s score) meanLoss() float64 { return s.loss / float64(s.seqs) }
func (s score) exactMatch() float64 {
	return float64(s.exact) / float64(s.seqs)
}
func (s score) tokenAccuracy() float64 { return float64(s.tokens) / float64(s.n) }

// measure scores probs against targets y, sequences of T tokens.
func measure(probs *nn.Tensor, y []int, T int) score {
	s := score{seqs: len(y) / T, n: len(y)}
	for b := range s.seqs {
		all := true
		for t := range T {
			i := b*T + t
			if num.Argmax(probs.Data[i*probs.Cols:(i+1)*probs.Cols]) == y[i] {
				s.tokens++
			} else {
				all = false
			}
			s.loss -= math.Log(probs.At(i, y[i])) / float64(T)
		}
		if all {
			s.exact++
		}
	}
	return s
}

// train runs one mini-batch and scores the network on it before the
// update: the batch is freshly drawn, so this is a held-out score.
func (l *learner) train(x, y []int, T int) score {
	l.tp.Reset()
	for _, p := range l.net.Params() {
		p.ZeroGrad()
	}
	probs := l.net.Forward(l.tp, x) // (batch·T, vocab)
	s := measure(probs, y, T)
	l.tp.Backward(l.tp.CrossEntropy(probs, y))
	l.opt.Step(l.net.Params())
	return s
}

// trainer is the transformer part: a network trained live, and the same
// network with the positional encoding switched, on the same batches.
type trainer struct {
	task                       task
	config                     seq.TransformerConfig
	lr                         float64
	seed                       uint64
	main, twin                 *learner
	positional, twinPositional string     // their words, as the URL spells them
	batches                    *rand.Rand // the training sequences, shared by both
	x, y                       []int
	example, target            []int
	steps                      int
	// Per step: the loss, exact match and token accuracy of the network,
	// and the twin's exact match.
	loss, exact, tokens, twinExact []float64
	last, twinLast                 score
	// The example's forward pass after the last step.
	attention [][][][]float64 // [layer][head][query][key]
	probs     [][]float64     // [position][token]
	evalTp    *nn.Tape
}

func newTrainer(v lab.Values) (lab.Model, error) {
	T, heads, dim := lengthParam.Get(v), headsParam.Get(v), dimParam.Get(v)
	if dim%heads != 0 {
		return nil, headsRefusal(v, dim)
	}
	tk := taskParam.Get(v)
	c := seq.TransformerConfig{Vocab: tk.vocab(T), SeqLen: T, Dim: dim, Heads: heads, Layers: layersParam.Get(v),
		Hidden: 4 * dim, Positional: positionalParam.Get(v)}
	m := &trainer{task: tk, config: c, lr: lrParam.Get(v), seed: v.Seed(), positional: positionalParam.Text(v), evalTp: &nn.Tape{}}
	twin := c
	twin.Positional, m.twinPositional = seq.NoPositions, "none"
	if c.Positional == seq.NoPositions {
		twin.Positional, m.twinPositional = seq.Sinusoidal, "sinusoidal"
	}
	m.main, m.twin = newLearner(m.seed, c, m.lr), newLearner(m.seed, twin, m.lr)
	m.batches = rand.New(rand.NewPCG(m.seed, 2))
	m.example, m.target = pickExample(rand.New(rand.NewPCG(m.seed, 3)), tk, T)
	// Step 0 scores the untrained networks on a batch of their own.
	x, y := tk.draw(rand.New(rand.NewPCG(m.seed, 4)), seq.DefaultBatch, T, c.Vocab, nil, nil)
	m.last = measure(m.main.net.Forward(m.evalTp, x), y, T)
	m.twinLast = measure(m.twin.net.Forward(m.evalTp, x), y, T)
	m.record()
	return m, nil
}

// headsRefusal is the error for a number of heads that does not divide dim.
func headsRefusal(v lab.Values, dim int) error {
	var ok []string
	for h := 1; h <= int(headsParam.Param().Max); h++ {
		if dim%h == 0 {
			ok = append(ok, strconv.Itoa(h))
		}
	}
	return headsParam.Refuse(v, fmt.Sprintf("a number of heads that divides dim = %d (%s)", dim, strings.Join(ok, ", ")))
}

// pickExample draws a few candidate sequences and keeps the most telling.
func pickExample(rng *rand.Rand, tk task, T int) (x, y []int) {
	best := -1
	for range 20 {
		cx, cy := tk.draw(rng, 1, T, tk.vocab(T), nil, nil)
		if s := tk.interest(cx, cy); s > best {
			x, y, best = cx, cy, s
		}
	}
	return x, y
}

// record appends the step's scores and runs the example through the network.
func (m *trainer) record() {
	m.loss = append(m.loss, m.last.meanLoss())
	m.exact = append(m.exact, m.last.exactMatch())
	m.tokens = append(m.tokens, m.last.tokenAccuracy())
	m.twinExact = append(m.twinExact, m.twinLast.exactMatch())
	probs := m.main.net.Forward(m.evalTp, m.example) // (T, vocab)
	m.probs = make([][]float64, probs.Rows)
	for i := range m.probs {
		m.probs[i] = append([]float64(nil), probs.Data[i*probs.Cols:(i+1)*probs.Cols]...)
	}
	w := m.main.net.Attention()
	m.attention = make([][][][]float64, len(w))
	for l, heads := range w {
		m.attention[l] = make([][][]float64, len(heads))
		for h, a := range heads { // (T, T)
			rows := make([][]float64, a.Rows)
			for i := range rows {
				rows[i] = append([]float64(nil), a.Data[i*a.Cols:(i+1)*a.Cols]...)
			}
			m.attention[l][h] = rows
		}
	}
}

func (m *trainer) Step() error {
	if m.Done() {
		return nil
	}
	var s, ts score
	for range stepBatches {
		m.x, m.y = m.task.draw(m.batches, seq.DefaultBatch, m.config.SeqLen, m.config.Vocab, m.x, m.y)
		s.add(m.main.train(m.x, m.y, m.config.SeqLen))
		ts.add(m.twin.train(m.x, m.y, m.config.SeqLen))
	}
	m.last, m.twinLast = s, ts
	m.steps++
	m.record()
	return nil
}

func (m *trainer) Done() bool { return m.steps >= maxSteps }

// trainerState is the frame's state of the transformer part.
type trainerState struct {
	Part string `json:"part"`
	// Attention holds the example's attention weights,
	// [layer][head][query][key], each row summing to 1.
	Attention      [][][][]float64 `json:"attention"`
	Tokens         []string        `json:"tokens"`
	Targets        []string        `json:"targets"`
	Predicted      []string        `json:"predicted"`
	Batches        int             `json:"batches"`
	Positional     string          `json:"positional"`
	TwinPositional string          `json:"twin_positional"`
}

func (m *trainer) predicted() []int {
	out := make([]int, len(m.probs))
	for i, p := range m.probs {
		out[i] = num.Argmax(p)
	}
	return out
}

func (m *trainer) spell(toks []int, in bool) []string {
	s := make([]string, len(toks))
	for i, t := range toks {
		if in {
			s[i] = m.task.in(t, m.config.SeqLen)
		} else {
			s[i] = m.task.out(t, m.config.SeqLen)
		}
	}
	return s
}

func (m *trainer) Snapshot() lab.Snapshot {
	return lab.Snapshot{
		Metrics: map[string]float64{
			"loss": m.last.meanLoss(), "exact_match": m.last.exactMatch(), "token_accuracy": m.last.tokenAccuracy(),
			"twin_exact_match": m.twinLast.exactMatch(),
		},
		State: trainerState{Part: "transformer", Attention: m.attention, Tokens: m.spell(m.example, true),
			Targets: m.spell(m.target, false), Predicted: m.spell(m.predicted(), false),
			Batches: m.steps * stepBatches, Positional: m.positional, TwinPositional: m.twinPositional},
		Note: m.note(),
	}
}

func pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + " %" }

func (m *trainer) note() string {
	c := m.config
	pred := m.predicted()
	right := 0
	for i, p := range pred {
		if p == m.target[i] {
			right++
		}
	}
	example := fmt.Sprintf("The example %s should give %s; the network writes %s (%d of %d right).",
		strings.Join(m.spell(m.example, true), " "), strings.Join(m.spell(m.target, false), " "),
		strings.Join(m.spell(pred, false), " "), right, c.SeqLen)
	gap := 100 * (m.last.exactMatch() - m.twinLast.exactMatch())
	compare := fmt.Sprintf("The same network with positional encoding %s: %s, a difference of %+.0f points.",
		m.twinPositional, pct(m.twinLast.exactMatch()), gap)
	if m.steps == 0 {
		return fmt.Sprintf("A %d-layer, %d-head transformer (dim %d, %s positions) before training, learning to %s sequences of %d: "+
			"exact match %s on %d fresh sequences. Its largest attention weight on the example is %.2f, where spreading evenly gives 1/%d = %.2f. "+
			"Each step trains on %d batches of %d. %s %s",
			c.Layers, c.Heads, c.Dim, m.positional, m.task.word, c.SeqLen, pct(m.last.exactMatch()), m.last.seqs,
			m.maxWeight(), c.SeqLen, 1/float64(c.SeqLen), stepBatches, seq.DefaultBatch, example, compare)
	}
	return fmt.Sprintf("Batches %d–%d: loss L = %.3f; exact match %s of this step's %d fresh sequences, scored before each update (tokens %s). %s %s",
		(m.steps-1)*stepBatches+1, m.steps*stepBatches, m.last.meanLoss(), pct(m.last.exactMatch()), m.last.seqs,
		pct(m.last.tokenAccuracy()), compare, example)
}

// maxWeight is the largest attention weight of the example, any layer or head.
func (m *trainer) maxWeight() float64 {
	w := 0.0
	for _, heads := range m.attention {
		for _, a := range heads {
			for _, row := range a {
				for _, v := range row {
					w = math.Max(w, v)
				}
			}
		}
	}
	return w
}

func (m *trainer) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "attention":
		return m.plotAttention(), nil
	case "vectors":
		return m.plotExample(), nil
	case "progress":
		return m.plotProgress(), nil
	}
	return nil, fmt.Errorf("attention: no panel %q", panel)
}

func (m *trainer) plotAttention() *plot.Plot {
	p := viz.NewPlot("The example's attention, pale 0 → dark 1", "", "")
	tokens := m.spell(m.example, true)
	var blocks []matrix
	for l, heads := range m.attention {
		for h, a := range heads {
			b := matrix{Values: a, Lo: 0, Hi: 1, Caption: fmt.Sprintf("layer %d · head %d", l+1, h+1)}
			// Every block has the same labels: rows on the left of the
			// grid, columns under its last layer.
			if h == 0 {
				b.Rows = tokens
			}
			if l == len(m.attention)-1 {
				b.Cols = tokens
			}
			blocks = append(blocks, b)
		}
	}
	addMatrices(p, blocks, m.config.Heads)
	return p
}

// plotExample shows the example: its input, its target, and the
// network's output, each output cell shaded by the probability of the
// right token.
func (m *trainer) plotExample() *plot.Plot {
	p := viz.NewPlot("Input, target, output (shade: p(target))", "", "")
	T := m.config.SeqLen
	blank := make([]float64, T) // no shade behind the input and target
	for i := range blank {
		blank[i] = math.NaN()
	}
	conf := make([]float64, T)
	for i := range conf {
		conf[i] = m.probs[i][m.target[i]]
	}
	addMatrices(p, []matrix{{
		Values: [][]float64{blank, blank, conf},
		Rows:   []string{"input", "target", "output"},
		Cols:   numbered("", T),
		Text:   [][]string{m.spell(m.example, true), m.spell(m.target, false), m.spell(m.predicted(), false)},
		Lo:     0, Hi: 1,
		Caption: "position",
	}}, 1)
	return p
}

func (m *trainer) plotProgress() *plot.Plot {
	p := viz.NewPlot("", fmt.Sprintf("step (%d mini-batches of %d)", stepBatches, seq.DefaultBatch), "")
	viz.AddHistory(p, 240,
		viz.Curve{Values: m.loss, Color: viz.ClassColor(0), Label: "loss L", Dot: 3},
		viz.Curve{Values: m.exact, Color: viz.ClassColor(1), Label: "exact match, " + m.positional, Dot: 3},
		viz.Curve{Values: m.twinExact, Color: viz.ClassColor(2), Label: "exact match, " + m.twinPositional, Dashed: true, Dot: 3},
	)
	p.X.Min, p.X.Max = 0, math.Max(p.X.Max, 20)
	p.Y.Min = 0
	p.Y.Max = math.Max(p.Y.Max, 1)
	return p
}

// Data is the first step's training sequences, replayed from the batch
// stream, and the example.
func (m *trainer) Data() [][]string {
	T := m.config.SeqLen
	header := make([]string, 0, 2*T+1)
	for t := range T {
		header = append(header, "x"+strconv.Itoa(t+1))
	}
	for t := range T {
		header = append(header, "y"+strconv.Itoa(t+1))
	}
	rows := [][]string{append(header, "split")}
	row := func(x, y []int, split string) []string {
		r := make([]string, 0, 2*T+1)
		for _, t := range x {
			r = append(r, strconv.Itoa(t))
		}
		for _, t := range y {
			r = append(r, strconv.Itoa(t))
		}
		return append(r, split)
	}
	rng := rand.New(rand.NewPCG(m.seed, 2))
	var x, y []int
	for range stepBatches {
		x, y = m.task.draw(rng, seq.DefaultBatch, T, m.config.Vocab, x, y)
		for b := range seq.DefaultBatch {
			rows = append(rows, row(x[b*T:(b+1)*T], y[b*T:(b+1)*T], "train"))
		}
	}
	return append(rows, row(m.example, m.target, "example"))
}
