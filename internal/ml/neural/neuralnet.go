package neural

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
)

// Problems a Network can be trained for.
const (
	// ProblemBinary: one sigmoid output p = P(y = 1 | x), binary
	// cross-entropy.
	ProblemBinary = "binary"
	// ProblemMulticlass: one output per class through softmax, categorical
	// cross-entropy.
	ProblemMulticlass = "multiclass"
	// ProblemRegression: one linear output ŷ, squared error ½(y − ŷ)².
	ProblemRegression = "regression"
)

// Penalties on the weights (never on the biases).
const (
	PenaltyNone = "none"
	PenaltyL1   = "l1" // λ Σ |w|
	PenaltyL2   = "l2" // λ Σ w²
)

// NetworkConfig describes a Network and how it trains.
type NetworkConfig struct {
	Inputs     int    // features per sample
	Hidden     []int  // units of each hidden layer, none for a linear model
	Activation string // hidden activation: a name of nn.Activations
	Problem    string // ProblemBinary, ProblemMulticlass or ProblemRegression
	Classes    int    // outputs of a multiclass network (at least 2)
	// LearningRate and Optimizer name the update rule (see nn.NewOptimizer).
	LearningRate float64
	Optimizer    string
	Penalty      string  // PenaltyNone, PenaltyL1 or PenaltyL2
	PenaltyRate  float64 // λ
	Dropout      float64 // probability of dropping a hidden unit while training
	// Batch is the mini-batch size; a batch of at least the training set's
	// size is full-batch gradient descent.
	Batch int
	// Initial, when set, gives the starting weights (layer by layer, W as
	// out×in); otherwise they are drawn by Glorot's uniform rule (see
	// nn.NewMLP) with zero biases.
	Initial []NetworkLayer
}

// NetworkLayer is one dense layer's parameters: output = f(W·x + b).
type NetworkLayer struct {
	W          [][]float64 // out×in
	B          []float64   // out
	Activation string      // "tanh", …, and "sigmoid", "softmax" or "linear" for the output layer
}

// Network is the neural-network playground's model: a multi-layer
// perceptron trained by mini-batch gradient descent, one epoch a Step.
//
// Each epoch shuffles the training samples and, for every mini-batch B in
// turn, takes one optimiser step on
//
//	J(W) = 1/|B| Σ_{i∈B} ℓ(y_i, f(x_i; W)) + λ·Ω(W),
//	Ω = Σ w² (L2) or Σ |w| (L1) over the weights, not the biases,
//
// with ℓ the binary cross-entropy of a sigmoid output, the categorical
// cross-entropy of a softmax output, or ½(y − ŷ)² for regression. The
// gradient comes from the tape of package nn by backpropagation (the chain
// rule, layer by layer from the loss back to the first weights); dropout,
// when set, zeroes hidden units at random while training only (Srivastava
// et al. 2014). The design follows TensorFlow Playground (src/nn.ts).
type Network struct {
	cfg     NetworkConfig
	mlp     *nn.MLP
	opt     nn.Optimizer
	params  []*nn.Tensor
	rng     *rand.Rand
	data    samples // targets: 0/1, class index, or value
	labels  []int   // class indices (multiclass)
	trainTp nn.Tape
	evalTp  nn.Tape
	bl      []int        // class indices of the current batch
	outs    []*nn.Tensor // layer outputs of the last forward pass
	// inferOuts are Forward's layer outputs, reused from call to call.
	inferOuts [][]float64
	epoch     int
}

var _ ml.Stepper = (*Network)(nil)

// NewNetwork returns a network for training samples X (n×cfg.Inputs) with
// targets y: 0 or 1 (binary), the class index (multiclass) or the value
// (regression). Weights are drawn from rng unless cfg.Initial is set; rng
// also shuffles the samples and draws the dropout masks.
func NewNetwork(rng *rand.Rand, X [][]float64, y []float64, cfg NetworkConfig) (*Network, error) {
	if len(X) != len(y) {
		panic(fmt.Sprintf("ml: NewNetwork with %d samples and %d targets", len(X), len(y)))
	}
	act, err := activation(cfg.Activation)
	if err != nil {
		return nil, err
	}
	var out nn.Activation
	outputs := 1
	switch cfg.Problem {
	case ProblemBinary:
		out = nn.Sigmoid
	case ProblemMulticlass:
		if cfg.Classes < 2 {
			return nil, fmt.Errorf("ml: a multiclass network needs 2 or more classes, not %d", cfg.Classes)
		}
		out, outputs = nn.Linear, cfg.Classes // softmax follows
	case ProblemRegression:
		out = nn.Linear
	default:
		return nil, fmt.Errorf("ml: unknown problem %q", cfg.Problem)
	}
	if cfg.Penalty != PenaltyNone && cfg.Penalty != PenaltyL1 && cfg.Penalty != PenaltyL2 {
		return nil, fmt.Errorf("ml: unknown penalty %q", cfg.Penalty)
	}
	if cfg.Dropout < 0 || cfg.Dropout >= 1 || cfg.Batch < 1 || cfg.Inputs < 1 {
		return nil, fmt.Errorf("ml: network needs dropout in [0, 1), a batch ≥ 1 and inputs ≥ 1 (got %v, %d, %d)", cfg.Dropout, cfg.Batch, cfg.Inputs)
	}
	opt, err := nn.NewOptimizer(cfg.Optimizer, cfg.LearningRate)
	if err != nil {
		return nil, fmt.Errorf("ml: %w", err)
	}
	sizes := append(append([]int{cfg.Inputs}, cfg.Hidden...), outputs)
	n := &Network{cfg: cfg, opt: opt, rng: rng}
	n.cfg.Hidden = slices.Clone(cfg.Hidden)
	n.mlp = nn.NewMLP(rng, sizes, act, out, false)
	n.mlp.Dropout = cfg.Dropout
	if cfg.Initial != nil {
		if err := n.setLayers(cfg.Initial); err != nil {
			return nil, err
		}
	}
	n.params = n.mlp.Params()
	n.data = newSamples("NewNetwork", X, y, cfg.Inputs)
	if cfg.Problem == ProblemMulticlass {
		n.labels = make([]int, len(y))
		for i, v := range y {
			k := int(v)
			if float64(k) != v || k < 0 || k >= cfg.Classes {
				return nil, fmt.Errorf("ml: sample %d has class %v, not 0 to %d", i, v, cfg.Classes-1)
			}
			n.labels[i] = k
		}
	}
	return n, nil
}

// setLayers copies out×in weights into the MLP's in×out tensors.
func (n *Network) setLayers(layers []NetworkLayer) error {
	if len(layers) != len(n.mlp.Layers) {
		return fmt.Errorf("ml: %d initial layers for a network of %d", len(layers), len(n.mlp.Layers))
	}
	for l, L := range n.mlp.Layers {
		in, out := L.W.Rows, L.W.Cols
		src := layers[l]
		if len(src.W) != out || len(src.B) != out {
			return fmt.Errorf("ml: initial layer %d is %d×?, want %d×%d", l, len(src.W), out, in)
		}
		for o, row := range src.W {
			if len(row) != in {
				return fmt.Errorf("ml: initial layer %d row %d has %d weights, want %d", l, o, len(row), in)
			}
			for i, w := range row {
				L.W.Data[i*out+o] = w
			}
		}
		copy(L.B.Data, src.B)
	}
	return nil
}

// Config returns the configuration the network was built with.
func (n *Network) Config() NetworkConfig { return n.cfg }

// Epoch is the number of epochs trained.
func (n *Network) Epoch() int { return n.epoch }

// Samples is the number of training samples.
func (n *Network) Samples() int { return n.data.n() }

// Step trains one epoch: the samples in a fresh random order, cut into
// mini-batches of cfg.Batch (the last one shorter), one optimiser step per
// batch.
func (n *Network) Step() {
	n.epoch++
	if n.data.n() == 0 {
		return
	}
	n.data.epoch(n.rng, n.cfg.Batch, func(x, y []float64, idx []int) {
		n.bl = n.bl[:0]
		if n.labels != nil {
			for _, i := range idx {
				n.bl = append(n.bl, n.labels[i])
			}
		}
		descend(&n.trainTp, n.mlp, n.opt, n.params, func(tp *nn.Tape) *nn.Tensor {
			outs := n.forward(tp, tp.Input(len(idx), n.cfg.Inputs, x), true)
			loss := n.dataLoss(tp, outs[len(outs)-1], y, n.bl)
			if pen := n.penalty(tp); pen != nil {
				loss = tp.Add(loss, pen)
			}
			return loss
		})
	})
}

// Done is always false: training goes on for as many epochs as the caller
// runs. Divergence shows as Finite false.
func (n *Network) Done() bool { return false }

// forward records the network on tp and returns every layer's output (the
// last one after the sigmoid or softmax).
func (n *Network) forward(tp *nn.Tape, x *nn.Tensor, train bool) []*nn.Tensor {
	outs := n.outs[:0]
	h := x
	last := len(n.mlp.Layers) - 1
	for l, L := range n.mlp.Layers {
		h = tp.Activate(tp.AddRow(tp.MatMul(h, L.W), L.B), L.Act) // (batch, units)
		if l == last && n.cfg.Problem == ProblemMulticlass {
			h = tp.Softmax(h)
		}
		if l < last && train && n.cfg.Dropout > 0 {
			h = tp.Dropout(h, n.cfg.Dropout, true, n.rng)
		}
		outs = append(outs, h)
	}
	n.outs = outs
	return outs
}

// dataLoss is the mean loss of the batch's outputs.
func (n *Network) dataLoss(tp *nn.Tape, out *nn.Tensor, y []float64, labels []int) *nn.Tensor {
	switch n.cfg.Problem {
	case ProblemMulticlass:
		return tp.CrossEntropy(out, labels)
	case ProblemRegression:
		return tp.SquaredError(out, y)
	}
	return tp.BinaryCrossEntropy(out, y)
}

// penalty is λ·Ω(W) on tp, or nil without one.
func (n *Network) penalty(tp *nn.Tape) *nn.Tensor {
	if n.cfg.Penalty == PenaltyNone || n.cfg.PenaltyRate == 0 {
		return nil
	}
	var sum *nn.Tensor
	for _, w := range n.mlp.Weights() {
		var t *nn.Tensor
		if n.cfg.Penalty == PenaltyL1 {
			t = tp.L1(w)
		} else {
			t = tp.L2(w)
		}
		if sum == nil {
			sum = t
		} else {
			sum = tp.Add(sum, t)
		}
	}
	return tp.Scale(sum, n.cfg.PenaltyRate)
}

// Penalty is λ·Ω(W), the regularisation term of the objective (0 without
// one).
func (n *Network) Penalty() float64 {
	var tp nn.Tape
	if p := n.penalty(&tp); p != nil {
		return p.Value()
	}
	return 0
}

// Forward runs the network without dropout on rows samples X (rows×Inputs,
// row-major) and returns each layer's output, rows×units row-major, the
// first hidden layer first and the network's output (probabilities or
// values) last. It records no tape (see nn.MLP.Infer), so a large grid
// costs its outputs alone; the slices are reused by the next call.
func (n *Network) Forward(X []float64, rows int) [][]float64 {
	n.inferOuts = n.mlp.Infer(X, rows, n.inferOuts)
	return n.softmax(rows)
}

// ForwardApprox is Forward for pictures, through nn.MLP.InferApprox: the
// values are within about 10⁻⁶ of Forward's, several times cheaper, and must
// not be reported as numbers. The slices are shared with Forward's.
func (n *Network) ForwardApprox(X []float64, rows int) [][]float64 {
	n.inferOuts = n.mlp.InferApprox(X, rows, n.inferOuts)
	return n.softmax(rows)
}

// softmax turns a multiclass network's output logits in inferOuts into
// probabilities, and returns inferOuts.
func (n *Network) softmax(rows int) [][]float64 {
	if n.cfg.Problem == ProblemMulticlass {
		out := n.inferOuts[len(n.inferOuts)-1] // (rows, classes)
		k := n.Outputs()
		for i := range rows {
			nn.SoftmaxRow(out[i*k:(i+1)*k], out[i*k:(i+1)*k])
		}
	}
	return n.inferOuts
}

// Outputs is the number of output units.
func (n *Network) Outputs() int {
	return n.mlp.Layers[len(n.mlp.Layers)-1].W.Cols
}

// Evaluate returns the mean data loss (without the penalty) of samples X
// with targets y, and for classification the share predicted right (the
// class of highest probability; p ≥ 0.5 is class 1). Both are NaN for no
// samples; accuracy is NaN for regression.
func (n *Network) Evaluate(X [][]float64, y []float64) (loss, accuracy float64) {
	if len(X) == 0 {
		return math.NaN(), math.NaN()
	}
	d := n.cfg.Inputs
	flat := make([]float64, 0, len(X)*d)
	for _, x := range X {
		flat = append(flat, x...)
	}
	var labels []int
	if n.cfg.Problem == ProblemMulticlass {
		labels = make([]int, len(y))
		for i, v := range y {
			labels[i] = int(v)
		}
	}
	tp := &n.evalTp
	tp.Reset()
	outs := n.forward(tp, tp.Input(len(X), d, flat), false)
	out := outs[len(outs)-1]
	loss = n.dataLoss(tp, out, y, labels).Value()
	if n.cfg.Problem == ProblemRegression {
		return loss, math.NaN()
	}
	right := 0
	for i := range X {
		if n.Class(out.Data[i*out.Cols:(i+1)*out.Cols]) == int(y[i]) {
			right++
		}
	}
	return loss, float64(right) / float64(len(X))
}

// Class is the predicted class of one sample's output: p ≥ 0.5 for a
// binary network, the most probable class for a multiclass one.
func (n *Network) Class(out []float64) int {
	if n.cfg.Problem == ProblemBinary {
		if out[0] >= 0.5 {
			return 1
		}
		return 0
	}
	return num.Argmax(out)
}

// Layers returns a copy of the parameters, the first hidden layer first,
// each W as out×in. The output layer's activation is "sigmoid",
// "softmax" or "linear".
func (n *Network) Layers() []NetworkLayer {
	res := make([]NetworkLayer, len(n.mlp.Layers))
	for l, L := range n.mlp.Layers {
		in, out := L.W.Rows, L.W.Cols
		W := make([][]float64, out)
		for o := range W {
			W[o] = make([]float64, in)
			for i := range in {
				W[o][i] = L.W.Data[i*out+o]
			}
		}
		name := L.Act.Name
		if l == len(n.mlp.Layers)-1 && n.cfg.Problem == ProblemMulticlass {
			name = "softmax"
		}
		res[l] = NetworkLayer{W: W, B: slices.Clone(L.B.Data), Activation: name}
	}
	return res
}

// Finite reports whether every weight and bias is a finite number: a
// learning rate too high sends them to ±Inf or NaN.
func (n *Network) Finite() bool { return finite(n.params) }
