package neural

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// MiniBatchTrainer trains a binary classifier network (its output a
// sigmoid probability) on the binary cross-entropy
//
//	L = −1/|B| Σ_{i∈B} [y_i log p_i + (1 − y_i) log(1 − p_i)]
//
// by an optimiser, one batch B at a time. One Step is one epoch: the
// samples are shuffled with rng and cut into batches of the given size,
// and each batch makes one update. Batch size n is full-batch gradient
// descent (no shuffle: one update per epoch), 1 is stochastic gradient
// descent in the strict sense (n updates per epoch).
type MiniBatchTrainer struct {
	net     *nn.MLP
	opt     nn.Optimizer
	params  []*nn.Tensor
	rng     *rand.Rand
	tp      nn.Tape
	x       []float64 // n×d, row-major
	y       []float64
	d       int
	batch   int
	order   []int
	bx, by  []float64 // the batch being fed
	epoch   int
	updates int
}

// NewMiniBatchTrainer trains net on the samples X with labels y ∈ {0, 1}.
func NewMiniBatchTrainer(rng *rand.Rand, net *nn.MLP, X [][]float64, y []float64, batch int, opt nn.Optimizer) *MiniBatchTrainer {
	if len(X) == 0 || len(X) != len(y) || batch < 1 {
		panic(fmt.Sprintf("ml: NewMiniBatchTrainer with %d samples, %d labels, batch %d", len(X), len(y), batch))
	}
	d := len(X[0])
	t := &MiniBatchTrainer{net: net, opt: opt, params: net.Params(), rng: rng, d: d, batch: min(batch, len(X)),
		y: append([]float64(nil), y...), order: make([]int, len(X))}
	for i, row := range X {
		if len(row) != d {
			panic(fmt.Sprintf("ml: NewMiniBatchTrainer: sample %d has %d features, not %d", i, len(row), d))
		}
		t.x = append(t.x, row...)
		t.order[i] = i
	}
	return t
}

// Step runs one epoch.
func (t *MiniBatchTrainer) Step() {
	n := len(t.y)
	if t.batch < n {
		t.rng.Shuffle(n, func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
	}
	for lo := 0; lo < n; lo += t.batch {
		hi := min(lo+t.batch, n)
		t.bx, t.by = t.bx[:0], t.by[:0]
		for _, i := range t.order[lo:hi] {
			t.bx = append(t.bx, t.x[i*t.d:(i+1)*t.d]...)
			t.by = append(t.by, t.y[i])
		}
		t.tp.Reset()
		t.net.ZeroGrad()
		in := t.tp.Input(hi-lo, t.d, t.bx) // (batch, d)
		t.tp.Backward(t.tp.BinaryCrossEntropy(t.net.Forward(&t.tp, in, true, nil), t.by))
		t.opt.Step(t.params)
		t.updates++
	}
	t.epoch++
}

// Loss returns the binary cross-entropy over every sample.
func (t *MiniBatchTrainer) Loss() float64 {
	t.tp.Reset()
	in := t.tp.Input(len(t.y), t.d, t.x)
	return t.tp.BinaryCrossEntropy(t.net.Forward(&t.tp, in, false, nil), t.y).Value()
}

// Accuracy returns the share of samples whose p > ½ agrees with the label.
func (t *MiniBatchTrainer) Accuracy() float64 {
	t.tp.Reset()
	in := t.tp.Input(len(t.y), t.d, t.x)
	out := t.net.Forward(&t.tp, in, false, nil)
	right := 0
	for i, p := range out.Data {
		if (p > 0.5) == (t.y[i] == 1) {
			right++
		}
	}
	return float64(right) / float64(len(t.y))
}

// Epoch returns the epochs run; Updates the optimiser steps taken.
func (t *MiniBatchTrainer) Epoch() int   { return t.epoch }
func (t *MiniBatchTrainer) Updates() int { return t.updates }

// Finite reports whether every weight is still a finite number.
func (t *MiniBatchTrainer) Finite() bool {
	for _, p := range t.params {
		for _, v := range p.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}
