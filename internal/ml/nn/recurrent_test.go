package nn

import (
	"math"
	"testing"
)

// unrollRNN runs cell over xs (one batch×in tensor per step) and returns
// the hidden states, first step first.
func unrollRNN(tp *Tape, cell *RNNCell, xs []*Tensor) []*Tensor {
	var h *Tensor
	hs := make([]*Tensor, len(xs))
	for t, x := range xs {
		h = cell.Step(tp, x, h)
		hs[t] = h
	}
	return hs
}

func TestRNNGradientThroughTime(t *testing.T) {
	rng := newRand(51)
	const T, batch, in, hidden = 5, 3, 2, 4
	cell := NewRNNCell(rng, in, hidden, Tanh)
	xs := make([]*Tensor, T)
	for i := range xs {
		xs[i] = randParam(rng, batch, in, 1)
	}
	target := randValuesFixed(batch * hidden)
	loss := func(tp *Tape) *Tensor {
		hs := unrollRNN(tp, cell, xs)
		return sumSquares(tp, hs[T-1], target)
	}
	gradCheck(t, "RNN unrolled", append(cell.Params(), xs...), loss)

	// Backpropagation through time sums over the steps: unrolled with a
	// separate copy of U and V at every step, the copies' gradients add up
	// to the shared weights' gradient.
	for _, p := range cell.Params() {
		p.ZeroGrad()
	}
	tp := &Tape{}
	tp.Backward(loss(tp))
	copies := make([]*RNNCell, T)
	for i := range copies {
		copies[i] = &RNNCell{U: Param(in, hidden, cell.U.Data), V: Param(hidden, hidden, cell.V.Data), B: cell.B, Act: Tanh}
	}
	tp = &Tape{}
	var h *Tensor
	for i, x := range xs {
		h = copies[i].Step(tp, x, h)
	}
	tp.Backward(sumSquares(tp, h, target))
	for _, w := range []struct {
		name   string
		shared *Tensor
		copyOf func(c *RNNCell) *Tensor
	}{{"U", cell.U, func(c *RNNCell) *Tensor { return c.U }}, {"V", cell.V, func(c *RNNCell) *Tensor { return c.V }}} {
		for j := range w.shared.Grad {
			var sum float64
			for _, c := range copies {
				sum += w.copyOf(c).Grad[j]
			}
			if math.Abs(sum-w.shared.Grad[j]) > 1e-12 {
				t.Errorf("∂L/∂%s[%d]: shared %v, sum over steps %v", w.name, j, w.shared.Grad[j], sum)
			}
		}
	}
	// The first step has no h_{t−1}, so its copy of V gets nothing.
	for _, g := range copies[0].V.Grad {
		if g != 0 {
			t.Fatal("V's first-step copy has a gradient")
		}
	}
}

// An LSTM over embedded tokens, unrolled, with a softmax classifier on
// every step's hidden state: the loss depends on every step's state, so
// gradients reach the weights through each step and through time.
func TestLSTMGradientThroughTime(t *testing.T) {
	rng := newRand(52)
	const T, batch, vocab, dim, hidden = 4, 3, 5, 3, 4
	cell := NewLSTMCell(rng, dim, hidden)
	for i := range cell.B.Data {
		cell.B.Data[i] += 0.3 * rng.NormFloat64()
	}
	embed := randParam(rng, vocab, dim, 1)
	head := randParam(rng, hidden, vocab, 1)
	ids := make([][]int, T)
	labels := make([][]int, T)
	for s := range T {
		for range batch {
			ids[s] = append(ids[s], rng.IntN(vocab))
			labels[s] = append(labels[s], rng.IntN(vocab))
		}
	}
	gradCheck(t, "LSTM unrolled", append(cell.Params(), embed, head), func(tp *Tape) *Tensor {
		var h, c, loss *Tensor
		for s := range T {
			h, c = cell.Step(tp, tp.Embed(embed, ids[s]), h, c)
			l := tp.CrossEntropy(tp.Softmax(tp.MatMul(h, head)), labels[s])
			if loss == nil {
				loss = l
			} else {
				loss = tp.Add(loss, l)
			}
		}
		return loss
	})
}

// One LSTM step on one unit, worked from the gate equations.
func TestLSTMStepByHand(t *testing.T) {
	cell := &LSTMCell{
		W: Param(1, 4, []float64{0.5, -1, 2, 1.5}),
		U: Param(1, 4, []float64{1, 0.5, -0.5, 0.25}),
		B: Param(1, 4, []float64{0, 1, 0, -0.5}),
	}
	tp := &Tape{}
	x := tp.Input(1, 1, []float64{0.8})
	h0, c0 := tp.Input(1, 1, []float64{-0.4}), tp.Input(1, 1, []float64{1.2})
	h, c := cell.Step(tp, x, h0, c0)
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	i := sig(0.5*0.8 + 1*-0.4)
	f := sig(-1*0.8 + 0.5*-0.4 + 1)
	g := math.Tanh(2*0.8 - 0.5*-0.4)
	o := sig(1.5*0.8 + 0.25*-0.4 - 0.5)
	wantC := f*1.2 + i*g
	wantH := o * math.Tanh(wantC)
	if math.Abs(c.Value()-wantC) > 1e-15 || math.Abs(h.Value()-wantH) > 1e-15 {
		t.Errorf("c = %v, h = %v; want %v, %v", c.Value(), h.Value(), wantC, wantH)
	}
	// The forget gate's bias starts at 1, the others at 0.
	fresh := NewLSTMCell(newRand(1), 2, 3)
	for j, b := range fresh.B.Data {
		if want := map[bool]float64{true: 1, false: 0}[j >= 3 && j < 6]; b != want {
			t.Errorf("bias %d = %v, want %v", j, b, want)
		}
	}
}

// A training pass of an LSTM and of a transformer block reuses its tape
// and allocates nothing.
func TestSequenceTapeReuse(t *testing.T) {
	rng := newRand(53)
	cell := NewLSTMCell(rng, 3, 4)
	embed, embed4 := randParam(rng, 5, 3, 1), randParam(rng, 5, 4, 1)
	head := randParam(rng, 4, 5, 1)
	block := NewTransformerBlock(rng, 4, 2, 8, true)
	ids := []int{0, 1, 2, 3, 4, 0}
	labels := []int{1, 2, 3, 4, 0, 1}
	pos := SinusoidalPositions(3, 4)
	tp := &Tape{}
	pass := func() {
		tp.Reset()
		var h, c *Tensor
		for s := range 3 {
			h, c = cell.Step(tp, tp.Embed(embed, ids[2*s:2*s+2]), h, c)
		}
		loss := tp.CrossEntropy(tp.Softmax(tp.MatMul(h, head)), labels[:2])
		y := block.Forward(tp, tp.AddPositions(tp.Embed(embed4, ids), pos, 3), 3)
		loss = tp.Add(loss, tp.CrossEntropy(tp.Softmax(tp.MatMul(y, head)), labels))
		tp.Backward(loss)
	}
	pass()
	if allocs := testing.AllocsPerRun(10, pass); allocs > 0 {
		t.Errorf("a reused pass allocates %v times, want 0", allocs)
	}
}
