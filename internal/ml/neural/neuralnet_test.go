package neural

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// neuralnetFixture is written by testdata/gen_neuralnet.py (NumPy): data,
// starting weights, and the weights after one full-batch gradient step
// computed there by a forward pass and backpropagation in matrix form.
type neuralnetFixture struct {
	Cases []struct {
		Name         string         `json:"name"`
		Problem      string         `json:"problem"`
		Activation   string         `json:"activation"`
		Hidden       []int          `json:"hidden"`
		Classes      int            `json:"classes"`
		Penalty      string         `json:"penalty"`
		Rate         float64        `json:"rate"`
		LR           float64        `json:"lr"`
		X            [][]float64    `json:"X"`
		Y            []float64      `json:"y"`
		Initial      []fixtureLayer `json:"initial"`
		After        []fixtureLayer `json:"after"`
		Outputs      [][]float64    `json:"outputs"`
		Loss         float64        `json:"loss"`
		PenaltyValue float64        `json:"penalty_value"`
	} `json:"cases"`
}

type fixtureLayer struct {
	W [][]float64 `json:"W"`
	B []float64   `json:"b"`
}

func toLayers(fl []fixtureLayer) []NetworkLayer {
	ls := make([]NetworkLayer, len(fl))
	for i, l := range fl {
		ls[i] = NetworkLayer{W: l.W, B: l.B}
	}
	return ls
}

func netClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestNetworkFullBatchStep: with the batch as large as the training set,
// SGD and no dropout, one Step is one gradient step on the whole data. The
// outputs, loss and penalty before it and every weight after it match
// NumPy's to 1e-9 (relative, or absolute below 1): the two differ only in
// the order of floating-point sums.
func TestNetworkFullBatchStep(t *testing.T) {
	var fx neuralnetFixture
	b, err := os.ReadFile("testdata/neuralnet.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) < 6 {
		t.Fatalf("%d fixture cases", len(fx.Cases))
	}
	const tol = 1e-9
	for _, c := range fx.Cases {
		cfg := NetworkConfig{
			Inputs: len(c.X[0]), Hidden: c.Hidden, Activation: c.Activation, Problem: c.Problem, Classes: c.Classes,
			LearningRate: c.LR, Optimizer: "sgd", Penalty: c.Penalty, PenaltyRate: c.Rate,
			Batch: len(c.X), Initial: toLayers(c.Initial),
		}
		net, err := NewNetwork(rand.New(rand.NewPCG(1, 2)), c.X, c.Y, cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		flat := make([]float64, 0)
		for _, x := range c.X {
			flat = append(flat, x...)
		}
		outs := net.Forward(flat, len(c.X))
		out := outs[len(outs)-1]
		k := net.Outputs()
		for i, row := range c.Outputs {
			for j, want := range row {
				if got := out[i*k+j]; !netClose(got, want, tol) {
					t.Fatalf("%s: output[%d][%d] = %.15g, NumPy %.15g", c.Name, i, j, got, want)
				}
			}
		}
		loss, _ := net.Evaluate(c.X, c.Y)
		if !netClose(loss, c.Loss, tol) {
			t.Errorf("%s: loss %.15g, NumPy %.15g", c.Name, loss, c.Loss)
		}
		if got := net.Penalty(); !netClose(got, c.PenaltyValue, tol) {
			t.Errorf("%s: penalty %.15g, NumPy %.15g", c.Name, got, c.PenaltyValue)
		}
		net.Step()
		got := net.Layers()
		if len(got) != len(c.After) {
			t.Fatalf("%s: %d layers, want %d", c.Name, len(got), len(c.After))
		}
		moved := 0.0
		for l, want := range c.After {
			for o, row := range want.W {
				for i, w := range row {
					if !netClose(got[l].W[o][i], w, tol) {
						t.Errorf("%s: layer %d W[%d][%d] = %.15g, NumPy %.15g", c.Name, l, o, i, got[l].W[o][i], w)
					}
					moved = math.Max(moved, math.Abs(w-c.Initial[l].W[o][i]))
				}
			}
			for o, bv := range want.B {
				if !netClose(got[l].B[o], bv, tol) {
					t.Errorf("%s: layer %d b[%d] = %.15g, NumPy %.15g", c.Name, l, o, got[l].B[o], bv)
				}
			}
		}
		// The step must be large against the tolerance, or the test proves nothing.
		if moved < 1e-4 {
			t.Errorf("%s: the step moved the weights by at most %g", c.Name, moved)
		}
	}
}

// TestNetworkLearnsXOR: a 2-4-1 tanh network reaches full training
// accuracy on the four XOR corners, which no linear model can.
func TestNetworkLearnsXOR(t *testing.T) {
	X := [][]float64{{-1, -1}, {-1, 1}, {1, -1}, {1, 1}}
	y := []float64{0, 1, 1, 0}
	for _, opt := range []string{"sgd", "momentum", "rmsprop", "adam"} {
		lr := map[string]float64{"sgd": 0.5, "momentum": 0.1, "rmsprop": 0.02, "adam": 0.05}[opt]
		net, err := NewNetwork(rand.New(rand.NewPCG(3, 4)), X, y, NetworkConfig{
			Inputs: 2, Hidden: []int{4}, Activation: "tanh", Problem: ProblemBinary,
			LearningRate: lr, Optimizer: opt, Penalty: PenaltyNone, Batch: 4,
		})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := net.Evaluate(X, y)
		for range 500 {
			net.Step()
		}
		loss, acc := net.Evaluate(X, y)
		if acc != 1 || loss > before/4 {
			t.Errorf("%s: after 500 epochs accuracy %v, loss %v (from %v)", opt, acc, loss, before)
		}
	}
}

// TestNetworkEpochReproducible: with mini-batches, Adam, L2 and dropout,
// two networks from one seed train to the same weights bit for bit.
func TestNetworkEpochReproducible(t *testing.T) {
	X := [][]float64{{0, 1}, {1, 0}, {2, 2}, {-1, 0.5}, {0.3, -2}}
	y := []float64{0, 1, 2, 1, 0}
	mk := func(lr float64) *Network {
		t.Helper()
		net, err := NewNetwork(rand.New(rand.NewPCG(5, 6)), X, y, NetworkConfig{
			Inputs: 2, Hidden: []int{3}, Activation: "relu", Problem: ProblemMulticlass, Classes: 3,
			LearningRate: lr, Optimizer: "adam", Penalty: PenaltyL2, PenaltyRate: 0.01, Dropout: 0.3, Batch: 2,
		})
		if err != nil {
			t.Fatal(err)
		}
		return net
	}
	a, b := mk(0.1), mk(0.1)
	for range 3 {
		a.Step()
		b.Step()
	}
	la, lb := a.Layers(), b.Layers()
	for l := range la {
		for o := range la[l].W {
			for i := range la[l].W[o] {
				if la[l].W[o][i] != lb[l].W[o][i] {
					t.Fatal("two networks from one seed differ")
				}
			}
		}
	}
	if la[len(la)-1].Activation != "softmax" || la[0].Activation != "relu" {
		t.Errorf("activations %q, %q", la[0].Activation, la[len(la)-1].Activation)
	}
	if a.Epoch() != 3 || !a.Finite() {
		t.Errorf("epoch %d finite %v", a.Epoch(), a.Finite())
	}
}

func TestNetworkBadConfig(t *testing.T) {
	X := [][]float64{{0, 1}}
	ok := NetworkConfig{Inputs: 2, Activation: "tanh", Problem: ProblemBinary, LearningRate: 0.1, Optimizer: "sgd", Penalty: PenaltyNone, Batch: 1}
	for name, mod := range map[string]func(*NetworkConfig){
		"activation": func(c *NetworkConfig) { c.Activation = "swish" },
		"problem":    func(c *NetworkConfig) { c.Problem = "ranking" },
		"classes":    func(c *NetworkConfig) { c.Problem, c.Classes = ProblemMulticlass, 1 },
		"optimizer":  func(c *NetworkConfig) { c.Optimizer = "lbfgs" },
		"penalty":    func(c *NetworkConfig) { c.Penalty = "l3" },
		"dropout":    func(c *NetworkConfig) { c.Dropout = 1 },
		"initial":    func(c *NetworkConfig) { c.Initial = []NetworkLayer{{W: [][]float64{{1}}, B: []float64{0}}} },
	} {
		cfg := ok
		mod(&cfg)
		if _, err := NewNetwork(rand.New(rand.NewPCG(1, 1)), X, []float64{1}, cfg); err == nil {
			t.Errorf("%s: bad config accepted", name)
		}
	}
	if _, err := NewNetwork(rand.New(rand.NewPCG(1, 1)), X, []float64{1}, ok); err != nil {
		t.Errorf("good config: %v", err)
	}
}

// Forward evaluates without a tape; its outputs, softmax included, must be
// those of the training pass's tape with dropout off, bit for bit, after a
// few epochs of each problem.
func TestNetworkForwardMatchesTape(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	for _, c := range []struct {
		problem, act string
		hidden       []int
		classes      int
	}{
		{ProblemBinary, "tanh", []int{4, 2}, 0},
		{ProblemMulticlass, "relu", []int{8, 8, 8}, 3},
		{ProblemRegression, "sigmoid", []int{5}, 0},
		{ProblemBinary, "leaky_relu", nil, 0},
	} {
		X := make([][]float64, 60)
		y := make([]float64, len(X))
		for i := range X {
			X[i] = []float64{rng.NormFloat64(), rng.NormFloat64(), 0}
			y[i] = float64(i % max(2, c.classes))
		}
		net, err := NewNetwork(rng, X, y, NetworkConfig{Inputs: 3, Hidden: c.hidden, Activation: c.act,
			Problem: c.problem, Classes: c.classes, LearningRate: 0.1, Optimizer: "sgd",
			Penalty: PenaltyNone, Dropout: 0.2, Batch: 10})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			net.Step()
		}
		for _, rows := range []int{200, 7} {
			grid := make([]float64, 3*rows)
			for i := range grid {
				grid[i] = 4 * rng.NormFloat64()
			}
			got := net.Forward(grid, rows)
			var tp nn.Tape
			want := net.forward(&tp, tp.Input(rows, 3, grid), false)
			for l := range want {
				for i, v := range want[l].Data {
					if math.Float64bits(got[l][i]) != math.Float64bits(v) {
						t.Fatalf("%s %s %v, %d rows: layer %d value %d is %v, the tape's %v",
							c.problem, c.act, c.hidden, rows, l, i, got[l][i], v)
					}
				}
				if len(got[l]) != len(want[l].Data) {
					t.Fatalf("%s: layer %d has %d values, want %d", c.problem, l, len(got[l]), len(want[l].Data))
				}
			}
		}
	}
}
