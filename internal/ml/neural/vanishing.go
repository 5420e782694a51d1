package neural

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

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
	x         []float64 // n×2, row-major
	y         []float64
	dim       int
	order     []int
	bx, by    []float64
	tp        nn.Tape
	epoch     int
	gradNorms []float64 // at the current weights, input layer first
	loss      float64
	accuracy  float64
}

// NewDeepNet builds the net with weights drawn from rng (Glorot's uniform
// rule, see nn.NewMLP); rng also shuffles the samples each epoch. Targets
// are 0 or 1.
func NewDeepNet(rng *rand.Rand, X [][]float64, y []float64, cfg DeepNetConfig) (*DeepNet, error) {
	if len(X) != len(y) {
		panic(fmt.Sprintf("ml: NewDeepNet with %d samples and %d targets", len(X), len(y)))
	}
	act, ok := nn.Activations[cfg.Activation]
	if !ok {
		return nil, fmt.Errorf("ml: unknown activation %q", cfg.Activation)
	}
	if cfg.Depth < 1 || cfg.Units < 1 || cfg.Batch < 1 || len(X) == 0 {
		return nil, fmt.Errorf("ml: a deep net needs depth, units, batch and samples ≥ 1 (got %d, %d, %d, %d)", cfg.Depth, cfg.Units, cfg.Batch, len(X))
	}
	d := &DeepNet{cfg: cfg, rng: rng, dim: len(X[0]), y: slices.Clone(y)}
	sizes := []int{d.dim}
	for range cfg.Depth {
		sizes = append(sizes, cfg.Units)
	}
	sizes = append(sizes, 1)
	d.mlp = nn.NewMLP(rng, sizes, act, nn.Sigmoid, cfg.BatchNorm)
	d.params = d.mlp.Params()
	d.opt = &nn.Momentum{LR: cfg.LearningRate, Mu: 0.9}
	for i, x := range X {
		if len(x) != d.dim {
			panic(fmt.Sprintf("ml: sample %d has %d features, want %d", i, len(x), d.dim))
		}
		d.x = append(d.x, x...)
	}
	d.order = make([]int, len(X))
	for i := range d.order {
		d.order[i] = i
	}
	d.gradNorms = make([]float64, len(d.mlp.Layers))
	d.measure()
	return d, nil
}

// Step trains one epoch (the samples shuffled, one update per mini-batch)
// and then measures the gradient norms and the loss at the new weights.
func (d *DeepNet) Step() {
	d.rng.Shuffle(len(d.order), func(i, j int) { d.order[i], d.order[j] = d.order[j], d.order[i] })
	for start := 0; start < len(d.order); start += d.cfg.Batch {
		batch := d.order[start:min(start+d.cfg.Batch, len(d.order))]
		d.bx, d.by = d.bx[:0], d.by[:0]
		for _, i := range batch {
			d.bx = append(d.bx, d.x[i*d.dim:(i+1)*d.dim]...)
			d.by = append(d.by, d.y[i])
		}
		d.pass(d.bx, d.by)
		d.opt.Step(d.params)
	}
	d.epoch++
	d.measure()
}

// pass runs forward and backward over one batch, leaving the gradients in
// the parameters, and returns the output probabilities and the loss.
func (d *DeepNet) pass(x, y []float64) (*nn.Tensor, float64) {
	d.tp.Reset()
	d.mlp.ZeroGrad()
	out := d.mlp.Forward(&d.tp, d.tp.Input(len(y), d.dim, x), true, nil) // (n, 1)
	loss := d.tp.BinaryCrossEntropy(out, y)
	d.tp.Backward(loss)
	return out, loss.Value()
}

// measure makes the full-batch pass that gives GradNorms and Loss.
func (d *DeepNet) measure() {
	var saved [][2][]float64
	for _, l := range d.mlp.Layers {
		if l.Norm != nil {
			saved = append(saved, [2][]float64{slices.Clone(l.Norm.RunningMean), slices.Clone(l.Norm.RunningVar)})
		}
	}
	out, loss := d.pass(d.x, d.y)
	d.loss = loss
	right := 0
	for i, p := range out.Data {
		if (p > 0.5) == (d.y[i] == 1) {
			right++
		}
	}
	d.accuracy = float64(right) / float64(len(d.y))
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
func (d *DeepNet) Loss() float64 { return d.loss }

// Epoch is the number of epochs trained.
func (d *DeepNet) Epoch() int { return d.epoch }

// Accuracy is the share of samples on the right side of p = 0.5 in the
// last full-batch pass.
func (d *DeepNet) Accuracy() float64 { return d.accuracy }
