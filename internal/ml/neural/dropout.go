package neural

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/nn"
)

// RegularizedVariant is one way of training the shared network: plain, with
// dropout, with an L2 penalty, or with both.
type RegularizedVariant struct {
	Dropout float64 // p, the probability of dropping a hidden unit while training
	L2      float64 // λ of the penalty λ Σ w² on the weights (not the biases)
}

// RegularizedConfig describes the network the variants share.
type RegularizedConfig struct {
	Hidden       []int  // units of each hidden layer
	Activation   string // hidden activation, a name of nn.Activations
	LearningRate float64
	Optimizer    string // see nn.NewOptimizer
	Variants     []RegularizedVariant
}

// RegularizedNets trains one over-sized binary classifier several times side
// by side, each variant from the same initial weights on the same training
// set, one full-batch epoch of every variant per Step. Variant k minimises
//
//	J_k(W) = −1/n Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)] + λ_k Σ_l ‖W_l‖²,
//	p_i = σ(f(x_i; W, mask)),
//
// where the mask drops each hidden unit with probability p_k and scales the
// survivors by 1/(1 − p_k) (inverted dropout, Srivastava et al. 2014, JMLR
// 15). Every reported loss and accuracy is of the inference network: no
// units dropped, no penalty added, so the variants are compared on the data
// alone.
type RegularizedNets struct {
	variants []RegularizedVariant
	nets     []*nn.MLP
	params   [][]*nn.Tensor
	opts     []nn.Optimizer
	masks    []*rand.Rand // one dropout stream per variant
	trainTp  []nn.Tape
	evalTp   nn.Tape
	mapOuts  [][]float64 // Probabilities' layer outputs, reused
	train    samples     // targets 0 or 1
	test     samples
	epoch    int
	scores   []RegularizedScores // of the current weights
}

var _ ml.Stepper = (*RegularizedNets)(nil)

// RegularizedScores are a variant's data loss (binary cross-entropy) and
// accuracy on the training and test samples, from the inference network.
type RegularizedScores struct {
	TrainLoss, TestLoss         float64
	TrainAccuracy, TestAccuracy float64
}

// NewRegularizedNets draws one set of initial weights from rng (Glorot's
// uniform rule, see nn.NewMLP) and copies it into every variant; rng also
// seeds each variant's own dropout stream. Targets are 0 or 1.
func NewRegularizedNets(rng *rand.Rand, xTrain [][]float64, yTrain []float64, xTest [][]float64, yTest []float64, cfg RegularizedConfig) (*RegularizedNets, error) {
	if len(xTrain) != len(yTrain) || len(xTest) != len(yTest) {
		panic(fmt.Sprintf("ml: NewRegularizedNets with %d/%d training and %d/%d test samples/targets", len(xTrain), len(yTrain), len(xTest), len(yTest)))
	}
	if len(xTrain) == 0 {
		return nil, fmt.Errorf("ml: regularised nets need at least one training sample")
	}
	act, err := activation(cfg.Activation)
	if err != nil {
		return nil, err
	}
	if len(cfg.Variants) == 0 {
		return nil, fmt.Errorf("ml: regularised nets need at least one variant")
	}
	for k, v := range cfg.Variants {
		if v.Dropout < 0 || v.Dropout >= 1 || v.L2 < 0 {
			return nil, fmt.Errorf("ml: variant %d: dropout %v must be in [0, 1) and λ %v at least 0", k+1, v.Dropout, v.L2)
		}
	}
	dim := len(xTrain[0])
	r := &RegularizedNets{variants: slices.Clone(cfg.Variants)}
	sizes := append(append([]int{dim}, cfg.Hidden...), 1)
	first := nn.NewMLP(rng, sizes, act, nn.Sigmoid, false)
	scratch := rand.New(rand.NewPCG(0, 0)) // its draws are overwritten by first's weights
	for _, v := range r.variants {
		net := nn.NewMLP(scratch, sizes, act, nn.Sigmoid, false)
		for l, layer := range net.Layers {
			copy(layer.W.Data, first.Layers[l].W.Data)
			copy(layer.B.Data, first.Layers[l].B.Data)
		}
		net.Dropout = v.Dropout
		opt, err := nn.NewOptimizer(cfg.Optimizer, cfg.LearningRate)
		if err != nil {
			return nil, fmt.Errorf("ml: %w", err)
		}
		r.nets = append(r.nets, net)
		r.params = append(r.params, net.Params())
		r.opts = append(r.opts, opt)
		r.masks = append(r.masks, rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
	}
	r.trainTp = make([]nn.Tape, len(r.variants))
	r.train = newSamples("NewRegularizedNets", xTrain, yTrain, dim)
	r.test = newSamples("NewRegularizedNets", xTest, yTest, dim)
	r.scores = make([]RegularizedScores, len(r.variants))
	r.score()
	return r, nil
}

// Step trains one epoch of every variant: one full-batch gradient step on
// J_k with a fresh dropout mask.
func (r *RegularizedNets) Step() {
	r.train.epoch(nil, r.train.n(), func(x, y []float64, _ []int) {
		for k, net := range r.nets {
			descend(&r.trainTp[k], net, r.opts[k], r.params[k], func(tp *nn.Tape) *nn.Tensor {
				out := net.Forward(tp, tp.Input(len(y), r.train.d, x), true, r.masks[k]) // (n, 1)
				loss := tp.BinaryCrossEntropy(out, y)
				if lambda := r.variants[k].L2; lambda > 0 {
					for _, w := range net.Weights() {
						loss = tp.Add(loss, tp.Scale(tp.L2(w), lambda))
					}
				}
				return loss
			})
		}
	})
	r.epoch++
	r.score()
}

// Done is always false: training goes on for as many epochs as the caller
// runs. Divergence shows as Finite false.
func (r *RegularizedNets) Done() bool { return false }

// Finite reports whether every weight of variant k is still a finite
// number.
func (r *RegularizedNets) Finite(k int) bool { return finite(r.params[k]) }

func (r *RegularizedNets) score() {
	for k := range r.nets {
		r.scores[k] = r.Evaluate(k)
	}
}

// Evaluate computes variant k's scores afresh with the inference network
// (dropout off); it draws nothing at random, so it always gives the same
// numbers for the same weights.
func (r *RegularizedNets) Evaluate(k int) RegularizedScores {
	var s RegularizedScores
	s.TrainLoss, s.TrainAccuracy = r.lossAndAccuracy(k, &r.train)
	s.TestLoss, s.TestAccuracy = r.lossAndAccuracy(k, &r.test)
	return s
}

func (r *RegularizedNets) lossAndAccuracy(k int, set *samples) (loss, acc float64) {
	if set.n() == 0 {
		return math.NaN(), math.NaN()
	}
	tp := &r.evalTp
	tp.Reset()
	out := r.nets[k].Forward(tp, tp.Input(set.n(), set.d, set.x), false, nil)
	return tp.BinaryCrossEntropy(out, set.y).Value(), accuracy(out.Data, set.y)
}

// Probabilities writes variant k's P(y = 1 | x) for the samples xs (m×dim,
// row-major) into out, from the inference network, for pictures: through
// nn.MLP.InferApprox, within about 10⁻⁶ of the exact values.
func (r *RegularizedNets) Probabilities(k int, xs, out []float64) {
	m := len(xs) / r.train.d
	r.mapOuts = r.nets[k].InferApprox(xs, m, r.mapOuts)
	copy(out, r.mapOuts[len(r.mapOuts)-1])
}

// Scores returns variant k's scores after the last epoch.
func (r *RegularizedNets) Scores(k int) RegularizedScores { return r.scores[k] }

// Variants returns the variants in training order.
func (r *RegularizedNets) Variants() []RegularizedVariant { return slices.Clone(r.variants) }

// Epoch is the number of epochs trained.
func (r *RegularizedNets) Epoch() int { return r.epoch }

// WeightNorm is √(Σ_l ‖W_l‖²) of variant k, the quantity L2 shrinks.
func (r *RegularizedNets) WeightNorm(k int) float64 {
	var s float64
	for _, w := range r.nets[k].Weights() {
		for _, v := range w.Data {
			s += v * v
		}
	}
	return math.Sqrt(s)
}

// WeightsHash is an FNV-1a hash of the bits of every parameter of variant
// k, layer by layer: two variants with the same hash hold the same network.
func (r *RegularizedNets) WeightsHash(k int) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, p := range r.params[k] {
		for _, v := range p.Data {
			u := math.Float64bits(v)
			for i := range b {
				b[i] = byte(u >> (8 * i))
			}
			h.Write(b[:])
		}
	}
	return h.Sum64()
}
