package seq

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Cell names a recurrent cell.
type Cell int

const (
	// RNN is the vanilla cell h_t = tanh(x_t U + h_{t−1} V + b).
	RNN Cell = iota
	// LSTM is the gated cell with a cell state.
	LSTM
)

// RecurrentConfig sizes a Recurrent network.
type RecurrentConfig struct {
	Cell          Cell
	Vocab, SeqLen int
	Hidden        int // size of h (and of the LSTM's c); the embedding has the same width
	Classes       int
}

// DefaultRNN is the rnn scenario's network: an LSTM with 16 hidden units
// reading sequences of T = 10 tokens over a vocabulary of 8 (4 signals and
// 4 distractors, the FirstToken task) and naming one of 4 classes,
// trained by Adam with η = DefaultRNNLR on batches of DefaultBatch.
var DefaultRNN = RecurrentConfig{Cell: LSTM, Vocab: 8, SeqLen: 10, Hidden: 16, Classes: 4}

// DefaultRNNLR is Adam's η for DefaultRNN.
const DefaultRNNLR = 0.01

// DefaultSignals is the number of signal tokens in DefaultRNN's task.
const DefaultSignals = 4

// Recurrent reads a sequence one token at a time and classifies it from
// its last hidden state:
//
//	x_t = Embed(token_t)                              // (batch, hidden)
//	h_t = cell(x_t, h_{t−1}),  h_0 = 0 (and c_0 = 0)
//	p = softmax(h_T W + b)                            // (batch, classes)
type Recurrent struct {
	Config RecurrentConfig
	Embed  *nn.Tensor // vocab×hidden
	RNN    *nn.RNNCell
	LSTM   *nn.LSTMCell
	W, B   *nn.Tensor // hidden×classes, 1×classes
	// States holds the last Forward's hidden states h_1…h_T, each
	// batch×hidden, owned by that Forward's tape: after Backward their
	// Grad is ∂L/∂h_t, whose norm shows gradients vanishing through time.
	States []*nn.Tensor

	params []*nn.Tensor
	ids    []int
}

// NewRecurrent draws a network: the embedding N(0, 1), the cell and the
// output layer as nn's constructors do. It panics on sizes that cannot make
// a network; callers validate what users send.
func NewRecurrent(rng *rand.Rand, c RecurrentConfig) *Recurrent {
	if c.Vocab < 2 || c.SeqLen < 1 || c.Hidden < 1 || c.Classes < 2 || (c.Cell != RNN && c.Cell != LSTM) {
		panic(fmt.Sprintf("seq: recurrent network %+v", c))
	}
	m := &Recurrent{Config: c, Embed: normal(rng, c.Vocab, c.Hidden)}
	m.params = append(m.params, m.Embed)
	if c.Cell == LSTM {
		m.LSTM = nn.NewLSTMCell(rng, c.Hidden, c.Hidden)
		m.params = append(m.params, m.LSTM.Params()...)
	} else {
		m.RNN = nn.NewRNNCell(rng, c.Hidden, c.Hidden, nn.Tanh)
		m.params = append(m.params, m.RNN.Params()...)
	}
	m.W, m.B = nn.Glorot(rng, c.Hidden, c.Classes), nn.Param(1, c.Classes, make([]float64, c.Classes))
	m.params = append(m.params, m.W, m.B)
	return m
}

// Params returns every learned tensor.
func (m *Recurrent) Params() []*nn.Tensor { return m.params }

// Forward records the network unrolled over the T steps of tokens
// (batch·T of them, sequence by sequence) and returns the class
// probabilities, batch×classes.
func (m *Recurrent) Forward(tp *nn.Tape, tokens []int) *nn.Tensor {
	T := m.Config.SeqLen
	if len(tokens)%T != 0 {
		panic(fmt.Sprintf("seq: %d tokens in sequences of %d", len(tokens), T))
	}
	batch := len(tokens) / T
	var h, c *nn.Tensor
	m.States = m.States[:0]
	for t := range T {
		m.ids = m.ids[:0]
		for b := range batch {
			m.ids = append(m.ids, tokens[b*T+t])
		}
		x := tp.Embed(m.Embed, m.ids) // (batch, hidden)
		if m.LSTM != nil {
			h, c = m.LSTM.Step(tp, x, h, c)
		} else {
			h = m.RNN.Step(tp, x, h)
		}
		m.States = append(m.States, h)
	}
	return tp.Softmax(tp.AddRow(tp.MatMul(h, m.W), m.B))
}

// TrainStep runs one mini-batch: forward, the mean cross-entropy
// L = −1/B Σ log p(y), backpropagation through time and one update of opt.
// It returns L.
func (m *Recurrent) TrainStep(tp *nn.Tape, opt nn.Optimizer, tokens, targets []int) float64 {
	return trainStep(tp, opt, m.params, func() *nn.Tensor { return m.Forward(tp, tokens) }, targets)
}

// Accuracy returns the fraction of rows whose most probable class is
// their target.
func Accuracy(probs *nn.Tensor, targets []int) float64 {
	right := 0
	for i, y := range targets {
		if argmaxRow(probs, i) == y {
			right++
		}
	}
	return float64(right) / float64(len(targets))
}

// HiddenGradNorms returns ‖∂L/∂h_t‖ for t = 1…T, first step first: the
// Frobenius norm over the batch of the gradient each hidden state received
// in the last Backward. In a vanilla RNN it shrinks going back in time, the
// vanishing gradient; the LSTM's cell state carries it further.
func (m *Recurrent) HiddenGradNorms() []float64 {
	norms := make([]float64, len(m.States))
	for t, h := range m.States {
		var s float64
		for _, g := range h.Grad {
			s += g * g
		}
		norms[t] = math.Sqrt(s)
	}
	return norms
}
