package neural

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/nn"
)

// DeepNetConfig describes a deep, narrow binary classifier.
type DeepNetConfig struct {
	Depth      int    // hidden layers
	Units      int    // units per hidden layer
	Activation string // hidden activation, a name of nn.Activations
	BatchNorm  bool   // normalise every hidden layer's pre-activation
	// LearningRate of SGD with momentum 0.9, over mini-batches of Batch
	// samples.
	LearningRate float64
	Batch        int
}

// DeepNet trains a deep multi-layer perceptron by mini-batch SGD with
// momentum, one epoch a Step, and measures how large the gradient of each
// layer's weights is. By the chain rule the error signal reaching layer l
// is a product over the layers above it,
//
//	δ_l = f′(z_l) ⊙ (W_{l+1} δ_{l+1}),   ∂L/∂W_l = a_{l−1}ᵀ δ_l,
//
// so with the sigmoid, whose derivative is at most 1/4, it shrinks by a
// factor of about four per layer on its way to the input: the vanishing
// gradient (Hochreiter 1991; Glorot & Bengio 2010). After every epoch the
// net makes one extra full-batch pass, without updating, and records the
// Frobenius norm ‖∂L/∂W_l‖ of every weight matrix, input layer first, and
// the full-batch loss L (binary cross-entropy). With batch normalisation
// that pass uses the whole set's statistics, and the running statistics it
// would update are put back.
type DeepNet struct {
	cfg       DeepNetConfig
	mlp       *nn.MLP
	params    []*nn.Tensor
	opt       nn.Optimizer
	rng       *rand.Rand
	data      samples // labels 0 or 1
	tp        nn.Tape
	epoch     int
	gradNorms []float64 // at the current weights, input layer first
	lossValue float64
	accuracy  float64
}

var _ ml.Stepper = (*DeepNet)(nil)

// NewDeepNet builds the net with weights drawn from rng (Glorot's uniform
// rule, see nn.NewMLP); rng also shuffles the samples each epoch. Targets
// are 0 or 1.
func NewDeepNet(rng *rand.Rand, X [][]float64, y []float64, cfg DeepNetConfig) (*DeepNet, error) {
	if len(X) != len(y) {
		panic(fmt.Sprintf("ml: NewDeepNet with %d samples and %d targets", len(X), len(y)))
	}
	act, err := activation(cfg.Activation)
	if err != nil {
		return nil, err
	}
	if cfg.Depth < 1 || cfg.Units < 1 || cfg.Batch < 1 || len(X) == 0 {
		return nil, fmt.Errorf("ml: a deep net needs depth, units, batch and samples ≥ 1 (got %d, %d, %d, %d)", cfg.Depth, cfg.Units, cfg.Batch, len(X))
	}
	d := &DeepNet{cfg: cfg, rng: rng, data: newSamples("NewDeepNet", X, y, len(X[0]))}
	sizes := []int{d.data.d}
	for range cfg.Depth {
		sizes = append(sizes, cfg.Units)
	}
	sizes = append(sizes, 1)
	d.mlp = nn.NewMLP(rng, sizes, act, nn.Sigmoid, cfg.BatchNorm)
	d.params = d.mlp.Params()
	d.opt = &nn.Momentum{LR: cfg.LearningRate, Mu: 0.9}
	d.gradNorms = make([]float64, len(d.mlp.Layers))
	d.measure()
	return d, nil
}

// Step trains one epoch (the samples shuffled, one update per mini-batch)
// and then measures the gradient norms and the loss at the new weights.
func (d *DeepNet) Step() {
	d.data.epoch(d.rng, d.cfg.Batch, func(x, y []float64, _ []int) {
		descend(&d.tp, d.mlp, d.opt, d.params, func(tp *nn.Tape) *nn.Tensor {
			_, loss := d.loss(tp, x, y)
			return loss
		})
	})
	d.epoch++
	d.measure()
}

// Done is always false: training goes on for as many epochs as the caller
// runs. Divergence shows as Finite false.
func (d *DeepNet) Done() bool { return false }

// Finite reports whether every weight is still a finite number.
func (d *DeepNet) Finite() bool { return finite(d.params) }

// loss records the binary cross-entropy of the batch (x, y) on tp and
// returns the output probabilities and the loss.
func (d *DeepNet) loss(tp *nn.Tape, x, y []float64) (out, loss *nn.Tensor) {
	out = d.mlp.Forward(tp, tp.Input(len(y), d.data.d, x), true, nil) // (n, 1)
	return out, tp.BinaryCrossEntropy(out, y)
}

// measure makes the full-batch pass that gives GradNorms and Loss.
func (d *DeepNet) measure() {
	var saved [][2][]float64
	for _, l := range d.mlp.Layers {
		if l.Norm != nil {
			saved = append(saved, [2][]float64{slices.Clone(l.Norm.RunningMean), slices.Clone(l.Norm.RunningVar)})
		}
	}
	// The gradients of the full batch, without an update.
	d.tp.Reset()
	d.mlp.ZeroGrad()
	out, loss := d.loss(&d.tp, d.data.x, d.data.y)
	d.tp.Backward(loss)
	d.lossValue = loss.Value()
	d.accuracy = accuracy(out.Data, d.data.y)
	k := 0
	for l, layer := range d.mlp.Layers {
		var s float64
		for _, g := range layer.W.Grad {
			s += g * g
		}
		d.gradNorms[l] = math.Sqrt(s)
		if layer.Norm != nil {
			copy(layer.Norm.RunningMean, saved[k][0])
			copy(layer.Norm.RunningVar, saved[k][1])
			k++
		}
	}
}

// GradNorms returns ‖∂L/∂W_l‖ for every layer's weights at the current
// weights, input layer first and output layer last.
func (d *DeepNet) GradNorms() []float64 { return slices.Clone(d.gradNorms) }

// Loss is the full-batch loss at the current weights.
func (d *DeepNet) Loss() float64 { return d.lossValue }

// Epoch is the number of epochs trained.
func (d *DeepNet) Epoch() int { return d.epoch }

// Accuracy is the share of samples on the right side of p = 0.5 in the
// last full-batch pass.
func (d *DeepNet) Accuracy() float64 { return d.accuracy }
