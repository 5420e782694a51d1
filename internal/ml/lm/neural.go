package lm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/seq"
)

// Arch names a neural next-token model.
type Arch int

const (
	// LSTM reads the window one token at a time and predicts from its
	// last hidden state.
	LSTM Arch = iota
	// RNN is the same with the vanilla cell.
	RNN
	// Transformer is a one-layer causal transformer: every position of
	// the window predicts the token after it.
	Transformer
)

// Sizes of the neural models, small enough for a step within the frame
// budget.
const (
	Hidden      = 16 // the recurrent cells' h, and their embedding width
	Dim         = 16 // the transformer's width
	Heads       = 2
	MLP         = 32 // the transformer block's MLP width
	LR          = 0.01
	Batch       = 32
	maxEvalRows = 1 << 12
)

// Neural is a next-token model trained by Adam with η = LR on
// mini-batches of windows of C tokens.
type Neural struct {
	Arch Arch
	C, V int
	rec  *seq.Recurrent
	tf   *seq.Transformer
	opt  nn.Optimizer
	tp   nn.Tape
	eval nn.Tape // Dists' tape, reused
	x, y []int
}

// NewNeural draws a model of the architecture for a context of C tokens
// over a vocabulary of V.
func NewNeural(rng *rand.Rand, arch Arch, C, V int) *Neural {
	m := &Neural{Arch: arch, C: C, V: V}
	switch arch {
	case LSTM, RNN:
		cell := seq.LSTM
		if arch == RNN {
			cell = seq.RNN
		}
		m.rec = seq.NewRecurrent(rng, seq.RecurrentConfig{Cell: cell, Vocab: V, SeqLen: C, Hidden: Hidden, Classes: V})
	case Transformer:
		m.tf = seq.NewTransformer(rng, seq.TransformerConfig{Vocab: V, SeqLen: C, Dim: Dim, Heads: Heads, Layers: 1,
			Hidden: MLP, Positional: seq.Learned, Causal: true})
	default:
		panic(fmt.Sprintf("lm: architecture %d", arch))
	}
	m.opt, _ = nn.NewOptimizer("adam", LR)
	return m
}

func (m *Neural) params() []*nn.Tensor {
	if m.tf != nil {
		return m.tf.Params()
	}
	return m.rec.Params()
}

// TrainBatch takes one step of Adam on the windows before the given
// positions of the corpus and returns the probability the model gave,
// before the update, to the token at each position. The recurrent models'
// loss is the mean −log p of those tokens; the transformer's adds every
// earlier position of each window predicting the token after it.
func (m *Neural) TrainBatch(c *Corpus, positions []int) []float64 {
	C := m.C
	m.x, m.y = m.x[:0], m.y[:0]
	for _, i := range positions {
		m.x = append(m.x, c.Tokens[i-C:i]...)
		if m.tf != nil {
			m.y = append(m.y, c.Tokens[i-C+1:i+1]...)
		} else {
			m.y = append(m.y, c.Tokens[i])
		}
	}
	tp := &m.tp
	tp.Reset()
	params := m.params()
	for _, p := range params {
		p.ZeroGrad()
	}
	probs := m.forward(tp, m.x)
	tp.Backward(tp.CrossEntropy(probs, m.y))
	got := make([]float64, len(positions))
	for b, i := range positions {
		got[b] = probs.Data[m.lastRow(b)*m.V+c.Tokens[i]]
	}
	m.opt.Step(params)
	return got
}

func (m *Neural) forward(tp *nn.Tape, x []int) *nn.Tensor {
	if m.tf != nil {
		return m.tf.Forward(tp, x)
	}
	return m.rec.Forward(tp, x)
}

// lastRow is the row of window b's prediction after its last token.
func (m *Neural) lastRow(b int) int {
	if m.tf != nil {
		return b*m.C + m.C - 1
	}
	return b
}

// Dists returns the next-token distribution after each window (C tokens
// each, side by side in windows).
func (m *Neural) Dists(windows []int) [][]float64 {
	n := len(windows) / m.C
	out := make([][]float64, 0, n)
	tp := &m.eval
	per := max(1, maxEvalRows/m.C)
	for from := 0; from < n; from += per {
		to := min(n, from+per)
		tp.Reset()
		probs := m.forward(tp, windows[from*m.C:to*m.C])
		for b := range to - from {
			r := m.lastRow(b)
			out = append(out, slices.Clone(probs.Data[r*m.V:(r+1)*m.V]))
		}
	}
	return out
}

// Probs returns the probability the model gives each token of the corpus
// from position from to to (excluded), after the C tokens before it.
func (m *Neural) Probs(c *Corpus, from, to int) []float64 {
	windows := make([]int, 0, (to-from)*m.C)
	for i := from; i < to; i++ {
		windows = append(windows, c.Tokens[i-m.C:i]...)
	}
	d := m.Dists(windows)
	p := make([]float64, len(d))
	for k, row := range d {
		p[k] = row[c.Tokens[from+k]]
	}
	return p
}

// Temper returns the distribution p sharpened or flattened by the
// temperature τ: q_i ∝ p_i^{1/τ}, computed as a softmax of log p_i / τ.
// τ = 1 returns p itself, copied; τ = 0 puts all the mass on the most
// probable token (the first, among ties).
func Temper(p []float64, tau float64) []float64 {
	q := make([]float64, len(p))
	if tau == 1 {
		copy(q, p)
		return q
	}
	if tau == 0 {
		q[argmax(p)] = 1
		return q
	}
	hi := math.Inf(-1)
	for i, v := range p {
		q[i] = math.Log(v) / tau
		hi = max(hi, q[i])
	}
	var s float64
	for i := range q {
		q[i] = math.Exp(q[i] - hi)
		s += q[i]
	}
	for i := range q {
		q[i] /= s
	}
	return q
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

// Draw returns a token drawn from the distribution q with one uniform draw
// of rng: the first i whose cumulative probability passes it.
func Draw(rng *rand.Rand, q []float64) int {
	u := rng.Float64()
	var s float64
	last := 0
	for i, v := range q {
		if v == 0 {
			continue
		}
		s += v
		last = i
		if u < s {
			return i
		}
	}
	return last
}

// Model gives the next-token distribution after a window of tokens.
type Model interface {
	// Dists returns the distribution after each of the windows laid side
	// by side, each as long as the model's context.
	Dists(windows []int) [][]float64
}

// Dists of the n-gram model, for sampling.
func (m *NGram) Dists(windows []int) [][]float64 {
	C := max(m.C, 1)
	out := make([][]float64, 0, len(windows)/C)
	for k := 0; k+C <= len(windows); k += C {
		out = append(out, m.Dist(windows[k:k+C]))
	}
	return out
}

// Sample continues each of n copies of the window (C tokens) by length
// tokens, drawing each from the model's distribution tempered by τ with
// rng; the copies are extended together, one draw each per token.
func Sample(rng *rand.Rand, model Model, window []int, C, n, length int, tau float64) [][]int {
	out := make([][]int, n)
	wins := make([][]int, n)
	for s := range n {
		wins[s] = slices.Clone(window)
	}
	flat := make([]int, 0, n*C)
	for range length {
		flat = flat[:0]
		for s := range n {
			flat = append(flat, wins[s][len(wins[s])-C:]...)
		}
		d := model.Dists(flat)
		for s := range n {
			t := Draw(rng, Temper(d[s], tau))
			out[s] = append(out[s], t)
			wins[s] = append(wins[s], t)
		}
	}
	return out
}
