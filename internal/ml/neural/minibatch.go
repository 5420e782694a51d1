package neural

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml"
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
	data    samples // labels 0 or 1
	batch   int
	epoch   int
	updates int
}

var _ ml.Stepper = (*MiniBatchTrainer)(nil)

// NewMiniBatchTrainer trains net on the samples X with labels y ∈ {0, 1}.
func NewMiniBatchTrainer(rng *rand.Rand, net *nn.MLP, X [][]float64, y []float64, batch int, opt nn.Optimizer) *MiniBatchTrainer {
	if len(X) == 0 || len(X) != len(y) || batch < 1 {
		panic(fmt.Sprintf("ml: NewMiniBatchTrainer with %d samples, %d labels, batch %d", len(X), len(y), batch))
	}
	return &MiniBatchTrainer{net: net, opt: opt, params: net.Params(), rng: rng, batch: min(batch, len(X)),
		data: newSamples("NewMiniBatchTrainer", X, y, len(X[0]))}
}

// Step runs one epoch. Full batch keeps the order and draws nothing.
func (t *MiniBatchTrainer) Step() {
	var shuffle *rand.Rand
	if t.batch < t.data.n() {
		shuffle = t.rng
	}
	t.data.epoch(shuffle, t.batch, func(x, y []float64, _ []int) {
		descend(&t.tp, t.net, t.opt, t.params, func(tp *nn.Tape) *nn.Tensor {
			in := tp.Input(len(y), t.data.d, x) // (batch, d)
			return tp.BinaryCrossEntropy(t.net.Forward(tp, in, true, nil), y)
		})
		t.updates++
	})
	t.epoch++
}

// Done is always false: training goes on for as many epochs as the caller
// runs. Divergence shows as Finite false.
func (t *MiniBatchTrainer) Done() bool { return false }

// Loss returns the binary cross-entropy over every sample.
func (t *MiniBatchTrainer) Loss() float64 {
	t.tp.Reset()
	in := t.tp.Input(t.data.n(), t.data.d, t.data.x)
	return t.tp.BinaryCrossEntropy(t.net.Forward(&t.tp, in, false, nil), t.data.y).Value()
}

// Accuracy returns the share of samples whose p > ½ agrees with the label.
func (t *MiniBatchTrainer) Accuracy() float64 {
	t.tp.Reset()
	in := t.tp.Input(t.data.n(), t.data.d, t.data.x)
	return accuracy(t.net.Forward(&t.tp, in, false, nil).Data, t.data.y)
}

// Epoch returns the epochs run; Updates the optimiser steps taken.
func (t *MiniBatchTrainer) Epoch() int   { return t.epoch }
func (t *MiniBatchTrainer) Updates() int { return t.updates }

// Finite reports whether every weight is still a finite number.
func (t *MiniBatchTrainer) Finite() bool { return finite(t.params) }
