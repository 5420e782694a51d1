package neural

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
)

// dropoutMoons returns 30 training and 30 test samples of two noisy moons.
func dropoutMoons(seed uint64) (xTrain [][]float64, yTrain []float64, xTest [][]float64, yTest []float64) {
	X, labels := dataset.Moons(rand.New(rand.NewPCG(seed, 1)), 60, 0.3)
	for i, x := range X {
		if i%2 == 0 {
			xTrain, yTrain = append(xTrain, x), append(yTrain, float64(labels[i]))
		} else {
			xTest, yTest = append(xTest, x), append(yTest, float64(labels[i]))
		}
	}
	return
}

func newRegularized(t *testing.T, opt string, variants ...RegularizedVariant) *RegularizedNets {
	t.Helper()
	xTrain, yTrain, xTest, yTest := dropoutMoons(3)
	r, err := NewRegularizedNets(rand.New(rand.NewPCG(4, 2)), xTrain, yTrain, xTest, yTest, RegularizedConfig{
		Hidden: []int{16, 16}, Activation: "tanh", LearningRate: 0.05, Optimizer: opt, Variants: variants,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every variant starts from the same weights, and with p = 0 and λ = 0 the
// variants are the same computation, so they must stay bit-identical.
func TestRegularizedSharedStartAndNoRemedy(t *testing.T) {
	r := newRegularized(t, "adam", RegularizedVariant{}, RegularizedVariant{Dropout: 0.5, L2: 0.01}, RegularizedVariant{})
	for k := 1; k < 3; k++ {
		if r.WeightsHash(k) != r.WeightsHash(0) {
			t.Fatalf("variant %d starts from other weights", k)
		}
	}
	for range 25 {
		r.Step()
	}
	if r.WeightsHash(2) != r.WeightsHash(0) || r.Scores(2) != r.Scores(0) {
		t.Errorf("two unregularised variants differ after 25 epochs: %+v vs %+v", r.Scores(2), r.Scores(0))
	}
	if r.WeightsHash(1) == r.WeightsHash(0) {
		t.Error("the regularised variant did not move away from the plain one")
	}
}

// Reported scores come from the inference network: no dropout draw, so
// evaluating again gives the very same numbers, equal to the stored ones.
func TestRegularizedEvaluationIsDeterministic(t *testing.T) {
	r := newRegularized(t, "adam", RegularizedVariant{Dropout: 0.6})
	for range 5 {
		r.Step()
	}
	a, b := r.Evaluate(0), r.Evaluate(0)
	if a != b || a != r.Scores(0) {
		t.Errorf("evaluations differ: %+v, %+v, stored %+v", a, b, r.Scores(0))
	}
	hash := r.WeightsHash(0)
	r.Evaluate(0)
	if r.WeightsHash(0) != hash {
		t.Error("evaluation changed the weights")
	}
	// The training loss under dropout is a different number: the evaluation
	// really skips the masks.
	tp := &r.trainTp[0]
	tp.Reset()
	out := r.nets[0].Forward(tp, tp.Input(r.train.n(), r.train.d, r.train.x), true, rand.New(rand.NewPCG(1, 1)))
	if masked := tp.BinaryCrossEntropy(out, r.train.y).Value(); masked == a.TrainLoss {
		t.Errorf("loss with dropout masks %v equals the inference loss", masked)
	}
}

// With plain SGD, one step from the shared start W₀ gives
// W_plain = W₀ − η∇L and W_L2 = W₀ − η(∇L + 2λW₀), so the two differ by
// exactly 2ηλW₀ on the weights and not at all on the biases.
func TestRegularizedL2Step(t *testing.T) {
	const eta, lambda = 0.05, 0.1
	r := newRegularized(t, "sgd", RegularizedVariant{}, RegularizedVariant{L2: lambda})
	var w0 [][]float64
	for _, w := range r.nets[0].Weights() {
		w0 = append(w0, append([]float64(nil), w.Data...))
	}
	r.Step()
	for l, layer := range r.nets[0].Layers {
		other := r.nets[1].Layers[l]
		for i, v := range layer.W.Data {
			got := v - other.W.Data[i]
			want := 2 * eta * lambda * w0[l][i]
			if math.Abs(got-want) > 1e-12 {
				t.Fatalf("layer %d weight %d: difference %v, want 2ηλw₀ = %v", l, i, got, want)
			}
		}
		for i, v := range layer.B.Data {
			if v != other.B.Data[i] {
				t.Fatalf("layer %d bias %d: L2 changed a bias", l, i)
			}
		}
	}
}

func TestRegularizedBadConfig(t *testing.T) {
	xTrain, yTrain, xTest, yTest := dropoutMoons(1)
	for _, tc := range []struct {
		cfg  RegularizedConfig
		want string
	}{
		{RegularizedConfig{Hidden: []int{4}, Activation: "swish", Optimizer: "sgd", Variants: []RegularizedVariant{{}}}, "activation"},
		{RegularizedConfig{Hidden: []int{4}, Activation: "tanh", Optimizer: "sgd", Variants: []RegularizedVariant{{Dropout: 1}}}, "dropout"},
		{RegularizedConfig{Hidden: []int{4}, Activation: "tanh", Optimizer: "sgd", Variants: []RegularizedVariant{{L2: -1}}}, "λ"},
		{RegularizedConfig{Hidden: []int{4}, Activation: "tanh", Optimizer: "lbfgs", Variants: []RegularizedVariant{{}}}, "optimizer"},
		{RegularizedConfig{Hidden: []int{4}, Activation: "tanh", Optimizer: "sgd"}, "variant"},
	} {
		_, err := NewRegularizedNets(rand.New(rand.NewPCG(1, 1)), xTrain, yTrain, xTest, yTest, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one about %s", tc.cfg, err, tc.want)
		}
	}
}

// The map probabilities come from the approximate pass: within 10⁻⁶ of
// the exact network's, a tenth of a colour level's width at most 10⁻⁵.
func TestRegularizedProbabilitiesNearExact(t *testing.T) {
	r := newRegularized(t, "adam", RegularizedVariant{}, RegularizedVariant{Dropout: 0.5})
	for range 40 {
		r.Step()
	}
	var xs []float64
	for i := range 21 {
		for j := range 21 {
			xs = append(xs, -2+4*float64(i)/20, -2+4*float64(j)/20)
		}
	}
	for k := range 2 {
		got := make([]float64, len(xs)/2)
		r.Probabilities(k, xs, got)
		exact := r.nets[k].Infer(xs, len(got), nil)
		for i, want := range exact[len(exact)-1] {
			if math.Abs(got[i]-want) > 1e-6 {
				t.Fatalf("variant %d, point %d: P = %v, exact %v", k, i, got[i], want)
			}
		}
	}
}
