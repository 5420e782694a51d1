package seq

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// gradCheck compares Backward's gradients of loss with central finite
// differences (f(w+h) − f(w−h))/2h: relative error under 1e-6, or absolute
// under 1e-9 where the gradient is rounding noise (as nn's own check).
func gradCheck(t *testing.T, name string, wrt []*nn.Tensor, loss func(tp *nn.Tape) *nn.Tensor) {
	t.Helper()
	const h = 1e-5
	for _, w := range wrt {
		w.ZeroGrad()
	}
	tp := &nn.Tape{}
	tp.Backward(loss(tp))
	for k, w := range wrt {
		analytic := append([]float64(nil), w.Grad...)
		for i := range w.Data {
			orig := w.Data[i]
			w.Data[i] = orig + h
			fp := loss(&nn.Tape{}).Value()
			w.Data[i] = orig - h
			fm := loss(&nn.Tape{}).Value()
			w.Data[i] = orig
			num := (fp - fm) / (2 * h)
			diff := math.Abs(analytic[i] - num)
			if rel := diff / math.Max(math.Abs(analytic[i]), math.Abs(num)); rel > 1e-6 && diff > 1e-9 {
				t.Errorf("%s: parameter %d [%d]: backward %.10g, finite difference %.10g (relative error %.2g)", name, k, i, analytic[i], num, rel)
			}
		}
	}
}

// The whole models, small: every parameter's gradient through the
// embedding, the blocks or the unrolled cell, and the output layer.
func TestModelGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x, y := Reverse(rng, 2, 4, 5, nil, nil)
	for _, c := range []TransformerConfig{
		{Vocab: 5, SeqLen: 4, Dim: 4, Heads: 2, Layers: 2, Hidden: 6, Positional: Learned},
		{Vocab: 5, SeqLen: 4, Dim: 4, Heads: 1, Layers: 1, Hidden: 6, Positional: Sinusoidal, Causal: true},
	} {
		m := NewTransformer(rng, c)
		gradCheck(t, "transformer", m.Params(), func(tp *nn.Tape) *nn.Tensor {
			return tp.CrossEntropy(m.Forward(tp, x), y)
		})
	}
	x, y = FirstToken(rng, 3, 6, 2, 5, nil, nil)
	for _, cell := range []Cell{RNN, LSTM} {
		m := NewRecurrent(rng, RecurrentConfig{Cell: cell, Vocab: 5, SeqLen: 6, Hidden: 3, Classes: 2})
		gradCheck(t, "recurrent", m.Params(), func(tp *nn.Tape) *nn.Tensor {
			return tp.CrossEntropy(m.Forward(tp, x), y)
		})
	}
}
