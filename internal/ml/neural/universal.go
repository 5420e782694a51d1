package neural

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/nn"
)

// ShallowNet is the network of the universal approximation theorem: one
// input, one hidden layer of n sigmoid units and a linear output,
//
//	f(x) = Σ_{i=1}^{n} a_i σ(w_i x + b_i) + c
//
// trained by full-batch gradient descent (one Step is one epoch, one update
// of the optimiser) on the mean squared error
//
//	L = 1/(2m) Σ_j (f(x_j) − y_j)²
//
// over the m samples (x_j, y_j). Cybenko (1989) and Hornik (1991) showed
// that such sums approximate any continuous function on a compact set as
// closely as wanted when n is large enough.
type ShallowNet struct {
	mlp    *nn.MLP
	opt    nn.Optimizer
	params []*nn.Tensor
	tp     nn.Tape
	outs   [][]float64 // Outputs' layer outputs, reused
	data   samples     // (m, 1) inputs x_j and targets y_j
	epoch  int
}

var _ ml.Stepper = (*ShallowNet)(nil)

// NewShallowNet returns a 1-units-1 sigmoid network over the samples
// (x[j], y[j]) with weights drawn from rng (Glorot uniform, biases 0) and
// trained by opt.
func NewShallowNet(rng *rand.Rand, x, y []float64, units int, opt nn.Optimizer) *ShallowNet {
	if len(x) != len(y) || len(x) == 0 {
		panic(fmt.Sprintf("ml: NewShallowNet with %d inputs and %d targets", len(x), len(y)))
	}
	if units < 1 {
		panic(fmt.Sprintf("ml: NewShallowNet with %d hidden units", units))
	}
	mlp := nn.NewMLP(rng, []int{1, units, 1}, nn.Sigmoid, nn.Linear, false)
	rows := make([][]float64, len(x))
	for j := range x {
		rows[j] = x[j : j+1]
	}
	return &ShallowNet{mlp: mlp, opt: opt, params: mlp.Params(), data: newSamples("NewShallowNet", rows, y, 1)}
}

// Step runs one epoch: forward pass over every sample, backpropagation of
// the squared error and one update of the optimiser.
func (s *ShallowNet) Step() {
	s.data.epoch(nil, s.data.n(), func(x, y []float64, _ []int) {
		descend(&s.tp, s.mlp, s.opt, s.params, func(tp *nn.Tape) *nn.Tensor {
			return tp.SquaredError(s.forward(tp, x), y)
		})
	})
	s.epoch++
}

// Done is always false: training goes on for as many epochs as the caller
// runs. Divergence shows as Finite false.
func (s *ShallowNet) Done() bool { return false }

// forward records f on tp for the inputs x, (m, 1) → (m, 1).
func (s *ShallowNet) forward(tp *nn.Tape, x []float64) *nn.Tensor {
	return s.mlp.Forward(tp, tp.Input(len(x), 1, x), true, nil)
}

// Epoch returns the number of updates so far.
func (s *ShallowNet) Epoch() int { return s.epoch }

// Units returns the number of hidden units n.
func (s *ShallowNet) Units() int { return s.mlp.Layers[0].W.Cols }

// Outputs returns f(x_j) at every sample, computed by the network's own
// forward pass.
func (s *ShallowNet) Outputs() []float64 {
	s.outs = s.mlp.Infer(s.data.x, s.data.n(), s.outs)
	return append([]float64(nil), s.outs[len(s.outs)-1]...)
}

// Loss returns the current mean squared error ½·mean (f(x_j) − y_j)².
func (s *ShallowNet) Loss() float64 {
	var sum float64
	for j, o := range s.Outputs() {
		sum += (o - s.data.y[j]) * (o - s.data.y[j])
	}
	return sum / (2 * float64(s.data.n()))
}

// MaxError returns max_j |f(x_j) − y_j|, the uniform error on the samples.
func (s *ShallowNet) MaxError() float64 {
	var worst float64
	for j, o := range s.Outputs() {
		worst = max(worst, math.Abs(o-s.data.y[j]))
	}
	return worst
}

// Hidden returns copies of the hidden weights w_i and biases b_i.
func (s *ShallowNet) Hidden() (w, b []float64) {
	l := s.mlp.Layers[0]
	return append([]float64(nil), l.W.Data...), append([]float64(nil), l.B.Data...)
}

// Output returns copies of the output weights a_i and the output bias c.
func (s *ShallowNet) Output() (a []float64, c float64) {
	l := s.mlp.Layers[1]
	return append([]float64(nil), l.W.Data...), l.B.Data[0]
}

// Finite reports whether every weight is still a finite number.
func (s *ShallowNet) Finite() bool { return finite(s.params) }

// Predict returns f(x) = Σ a_i σ(w_i x + b_i) + c for one input.
func (s *ShallowNet) Predict(x float64) float64 {
	h, o := s.mlp.Layers[0], s.mlp.Layers[1]
	f := o.B.Data[0]
	for i, w := range h.W.Data {
		f += o.W.Data[i] * h.Act.F(w*x+h.B.Data[i])
	}
	return f
}

// sweepCheck is how often (in epochs) CapacitySweep looks at the error.
const sweepCheck = 20

// CapacitySweep trains one ShallowNet per entry of units on every k-th
// sample (x[0], x[k], x[2k], …) for the same number of epochs, each with a
// fresh optimiser from newOpt and weights from rng, and returns for each
// the smallest max error over all the samples it showed (checked every 20
// epochs): how far a fixed training budget gets as the hidden layer grows.
func CapacitySweep(rng *rand.Rand, x, y []float64, k int, units []int, epochs int, newOpt func() nn.Optimizer) []float64 {
	if len(x) != len(y) || k < 1 {
		panic(fmt.Sprintf("ml: CapacitySweep of %d inputs, %d targets, every %d", len(x), len(y), k))
	}
	var xs, ys []float64
	for j := 0; j < len(x); j += k {
		xs, ys = append(xs, x[j]), append(ys, y[j])
	}
	out := make([]float64, len(units))
	for u, n := range units {
		s := NewShallowNet(rng, xs, ys, n, newOpt())
		maxError := func() float64 {
			var worst float64
			for j := range x {
				worst = max(worst, math.Abs(s.Predict(x[j])-y[j]))
			}
			return worst
		}
		best := maxError()
		for e := range epochs {
			s.Step()
			if (e+1)%sweepCheck == 0 {
				best = min(best, maxError())
			}
		}
		out[u] = best
	}
	return out
}
