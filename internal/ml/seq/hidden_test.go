package seq

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// forwardNudged is Recurrent.Forward with delta added to h_t after step t
// (0-based): ∂L/∂delta is then ∂L/∂h_t, the gradient HiddenGradNorms
// measures, and finite differences in delta measure it independently.
func forwardNudged(m *Recurrent, tp *nn.Tape, tokens []int, t int, delta *nn.Tensor) *nn.Tensor {
	T := m.Config.SeqLen
	batch := len(tokens) / T
	var h, c *nn.Tensor
	for s := range T {
		ids := make([]int, batch)
		for b := range batch {
			ids[b] = tokens[b*T+s]
		}
		x := tp.Embed(m.Embed, ids)
		if m.LSTM != nil {
			h, c = m.LSTM.Step(tp, x, h, c)
		} else {
			h = m.RNN.Step(tp, x, h)
		}
		if s == t {
			h = tp.Add(h, delta)
		}
	}
	return tp.Softmax(tp.AddRow(tp.MatMul(h, m.W), m.B))
}

// ∂L/∂h_t of every step passes the finite-difference check, and the
// gradient Forward's States received is the same, so HiddenGradNorms
// returns the norms of checked gradients.
func TestHiddenGradientsFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const T, batch, hidden = 5, 3, 4
	x, y := FirstToken(rng, batch, T, 2, 6, nil, nil)
	for _, cell := range []Cell{RNN, LSTM} {
		m := NewRecurrent(rng, RecurrentConfig{Cell: cell, Vocab: 6, SeqLen: T, Hidden: hidden, Classes: 2})
		tp := &nn.Tape{}
		tp.Backward(tp.CrossEntropy(m.Forward(tp, x), y))
		norms := m.HiddenGradNorms()
		if len(norms) != T {
			t.Fatalf("%d norms for %d steps", len(norms), T)
		}
		for s := range T {
			delta := nn.Param(batch, hidden, make([]float64, batch*hidden))
			loss := func(tp *nn.Tape) *nn.Tensor { return tp.CrossEntropy(forwardNudged(m, tp, x, s, delta), y) }
			gradCheck(t, "∂L/∂h_t", []*nn.Tensor{delta}, loss)
			var sq float64
			for i, g := range delta.Grad {
				sq += g * g
				if d := math.Abs(g - m.States[s].Grad[i]); d > 1e-12 {
					t.Errorf("cell %d, t = %d, [%d]: Forward's state gradient %g, nudged %g", cell, s+1, i, m.States[s].Grad[i], g)
				}
			}
			if d := math.Abs(math.Sqrt(sq) - norms[s]); d > 1e-12 {
				t.Errorf("cell %d, t = %d: HiddenGradNorms %g, checked gradient's norm %g", cell, s+1, norms[s], math.Sqrt(sq))
			}
		}
	}
}
