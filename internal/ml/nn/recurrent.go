package nn

import "math/rand/v2"

// Recurrent cells. A cell is one time step; a sequence model calls Step
// once per step on the same tape, passing the previous step's state, so
// the network is unrolled through time with its weights shared across the
// steps. Backward on the unrolled tape is backpropagation through time:
// each step's MatMul adds its share to the shared weights' Grad, so they
// receive the sum over the steps,
//
//	∂L/∂U = Σ_t ∂L/∂U|_t.
//
// Rows are the batch: x_t is batch×in, h_t batch×hidden. The course writes
// h_t = φ(U x_t + V h_{t−1}) for column vectors; with one sample a row it
// reads h_t = φ(x_t U + h_{t−1} V + b).

// RNNCell is the vanilla (Elman) recurrent cell:
//
//	h_t = φ(x_t U + h_{t−1} V + b)
type RNNCell struct {
	U   *Tensor // in×hidden
	V   *Tensor // hidden×hidden
	B   *Tensor // 1×hidden
	Act Activation
}

// NewRNNCell draws U and V by Glorot's uniform rule; b starts at 0.
func NewRNNCell(rng *rand.Rand, in, hidden int, act Activation) *RNNCell {
	return &RNNCell{U: Glorot(rng, in, hidden), V: Glorot(rng, hidden, hidden), B: constant(hidden, 0), Act: act}
}

// Params returns U, V and b.
func (c *RNNCell) Params() []*Tensor { return []*Tensor{c.U, c.V, c.B} }

// Step records one time step and returns h_t; h is h_{t−1}, nil for the
// zero initial state.
func (c *RNNCell) Step(tp *Tape, x, h *Tensor) *Tensor {
	z := tp.MatMul(x, c.U) // (batch, hidden)
	if h != nil {
		z = tp.Add(z, tp.MatMul(h, c.V))
	}
	return tp.Activate(tp.AddRow(z, c.B), c.Act)
}

// LSTMCell is the long short-term memory cell (Hochreiter & Schmidhuber
// 1997, with the forget gate of Gers et al. 2000). Four gates read x_t and
// h_{t−1}; the cell state c carries memory forward through a sum, so its
// gradient is not multiplied by a weight matrix at every step:
//
//	i = σ(x W_i + h U_i + b_i)   input gate
//	f = σ(x W_f + h U_f + b_f)   forget gate
//	g = tanh(x W_g + h U_g + b_g) candidate
//	o = σ(x W_o + h U_o + b_o)   output gate
//	c_t = f ⊙ c_{t−1} + i ⊙ g
//	h_t = o ⊙ tanh(c_t)
//
// The four gates' weights sit side by side, in the order i, f, g, o.
type LSTMCell struct {
	W *Tensor // in×4·hidden
	U *Tensor // hidden×4·hidden
	B *Tensor // 1×4·hidden
}

// NewLSTMCell draws W and U by Glorot's uniform rule; the biases are 0
// except the forget gate's, 1, so the cell starts by remembering
// (Jozefowicz et al. 2015).
func NewLSTMCell(rng *rand.Rand, in, hidden int) *LSTMCell {
	c := &LSTMCell{W: Glorot(rng, in, 4*hidden), U: Glorot(rng, hidden, 4*hidden), B: constant(4*hidden, 0)}
	for j := hidden; j < 2*hidden; j++ {
		c.B.Data[j] = 1
	}
	return c
}

// Hidden returns the size of h and c.
func (c *LSTMCell) Hidden() int { return c.U.Rows }

// Params returns W, U and b.
func (c *LSTMCell) Params() []*Tensor { return []*Tensor{c.W, c.U, c.B} }

// Step records one time step and returns h_t and c_t; h and c are the
// previous state, both nil for the zero initial state.
func (c *LSTMCell) Step(tp *Tape, x, h, cell *Tensor) (hNext, cNext *Tensor) {
	n := c.Hidden()
	z := tp.MatMul(x, c.W) // (batch, 4·hidden)
	if h != nil {
		z = tp.Add(z, tp.MatMul(h, c.U))
	}
	z = tp.AddRow(z, c.B)
	i := tp.Activate(tp.SliceCols(z, 0, n), Sigmoid)
	f := tp.Activate(tp.SliceCols(z, n, 2*n), Sigmoid)
	g := tp.Activate(tp.SliceCols(z, 2*n, 3*n), Tanh)
	o := tp.Activate(tp.SliceCols(z, 3*n, 4*n), Sigmoid)
	cNext = tp.Mul(i, g)
	if cell != nil {
		cNext = tp.Add(tp.Mul(f, cell), cNext)
	}
	return tp.Mul(o, tp.Activate(cNext, Tanh)), cNext
}
