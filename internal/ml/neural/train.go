package neural

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
)

// samples is a training set laid out for the tape: the inputs row-major,
// one target each, and the order in which an epoch visits them. Every
// trainer of this package keeps one and runs its epochs through epoch.
type samples struct {
	x      []float64 // (n, d) row-major
	y      []float64 // n targets
	d      int
	order  []int     // visiting order of the current epoch
	bx, by []float64 // the batch being fed, reused from batch to batch
}

// newSamples copies X (n×d) and y. It panics, naming who, if a sample has
// not d features or the lengths differ.
func newSamples(who string, X [][]float64, y []float64, d int) samples {
	if len(X) != len(y) {
		panic(fmt.Sprintf("ml: %s with %d samples and %d targets", who, len(X), len(y)))
	}
	s := samples{x: make([]float64, 0, len(X)*d), y: append([]float64(nil), y...), d: d, order: make([]int, len(X))}
	for i, row := range X {
		if len(row) != d {
			panic(fmt.Sprintf("ml: %s: sample %d has %d features, want %d", who, i, len(row), d))
		}
		s.x = append(s.x, row...)
		s.order[i] = i
	}
	return s
}

// n is the number of samples.
func (s *samples) n() int { return len(s.y) }

// epoch visits every sample once, in a fresh random order drawn from rng
// (nil keeps the last order), cut into consecutive batches of the given
// size, the last one shorter. For each batch it gathers the inputs
// (rows, d) and the targets and calls feed with them and the samples'
// indices.
func (s *samples) epoch(rng *rand.Rand, batch int, feed func(x, y []float64, idx []int)) {
	n := s.n()
	if rng != nil {
		rng.Shuffle(n, func(i, j int) { s.order[i], s.order[j] = s.order[j], s.order[i] })
	}
	for lo := 0; lo < n; lo += batch {
		idx := s.order[lo:min(lo+batch, n)]
		s.bx, s.by = s.bx[:0], s.by[:0]
		for _, i := range idx {
			s.bx = append(s.bx, s.x[i*s.d:(i+1)*s.d]...)
			s.by = append(s.by, s.y[i])
		}
		feed(s.bx, s.by, idx)
	}
}

// descend takes one optimiser step on the loss that record writes on tp:
// the tape is cleared and the gradients zeroed first, and the loss is
// backpropagated through the tape before the update,
//
//	W ← W − update(∂L/∂W)
//
// with the update rule of opt (plain SGD: η·∂L/∂W). It returns the loss.
func descend(tp *nn.Tape, net *nn.MLP, opt nn.Optimizer, params []*nn.Tensor, record func(tp *nn.Tape) *nn.Tensor) *nn.Tensor {
	tp.Reset()
	net.ZeroGrad()
	loss := record(tp)
	tp.Backward(loss)
	opt.Step(params)
	return loss
}

// finite reports whether every parameter is a finite number. A learning
// rate too large sends weights to ±Inf or NaN, from which no step
// recovers: every trainer's Finite is this check.
func finite(params []*nn.Tensor) bool {
	for _, p := range params {
		if !num.AllFinite(p.Data) {
			return false
		}
	}
	return true
}

// accuracy is the share of binary targets y ∈ {0, 1} on the side of
// p = ½ their label says (p > ½ is class 1).
func accuracy(p, y []float64) float64 {
	right := 0
	for i, pi := range p {
		if (pi > 0.5) == (y[i] == 1) {
			right++
		}
	}
	return float64(right) / float64(len(y))
}

// activation looks up a hidden activation by its nn name.
func activation(name string) (nn.Activation, error) {
	act, ok := nn.Activations[name]
	if !ok {
		return nn.Activation{}, fmt.Errorf("ml: unknown activation %q", name)
	}
	return act, nil
}
