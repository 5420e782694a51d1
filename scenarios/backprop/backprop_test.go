package backprop

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// flat lists a network's parameters in one order: w11 w12 w21 w22 b1 b2 v1 v2 c.
func flat(n *network) []*float64 {
	return []*float64{&n.W[0][0], &n.W[0][1], &n.W[1][0], &n.W[1][1], &n.B[0], &n.B[1], &n.V[0], &n.V[1], &n.C}
}

func randomNetwork(rng *rand.Rand) (network, [2]float64, float64) {
	var n network
	for _, p := range flat(&n) {
		*p = 3 * rng.NormFloat64()
	}
	return n, [2]float64{2 * rng.NormFloat64(), 2 * rng.NormFloat64()}, float64(rng.IntN(2))
}

// TestByHand: with w = 0, b = 0, v = (1, −2), c = 0.5 and x = (2, −1),
// y = 1 every number is exact in binary: z = 0, h = ½, s = 0, ŷ = ½,
// L = ⅛, δ = (−½)(¼) = −⅛, ∂L/∂v = δh = −1/16 each, δ₁ = δ·1·¼ = −1/32,
// δ₂ = δ·(−2)·¼ = 1/16, ∂L/∂w_ij = δ_j x_i; then η = 2 updates.
func TestByHand(t *testing.T) {
	n := network{V: [2]float64{1, -2}, C: 0.5}
	p := n.backward([2]float64{2, -1}, 1)
	want := pass{
		Z: [2]float64{0, 0}, H: [2]float64{0.5, 0.5}, S: 0, Yhat: 0.5, Loss: 0.125,
		DLossDYhat: -0.5, DYhatDS: 0.25, Delta: -0.125,
		DHDZ: [2]float64{0.25, 0.25}, DeltaHidden: [2]float64{-0.03125, 0.0625},
		Grad: network{
			W: [2][2]float64{{-0.0625, 0.125}, {0.03125, -0.0625}},
			B: [2]float64{-0.03125, 0.0625}, V: [2]float64{-0.0625, -0.0625}, C: -0.125,
		},
	}
	if p != want {
		t.Fatalf("pass\n%+v\nwant\n%+v", p, want)
	}
	n.update(&p.Grad, 2)
	after := network{W: [2][2]float64{{0.125, -0.25}, {-0.0625, 0.125}}, B: [2]float64{0.0625, -0.125}, V: [2]float64{1.125, -1.875}, C: 0.75}
	if n != after {
		t.Errorf("after the update %+v, want %+v", n, after)
	}
}

// TestBackwardMatchesNN runs the same network through package nn's tape
// (an MLP 2-2-1 with sigmoids and SquaredError, which is ½(ŷ − y)² for one
// sample) and compares the loss and all nine gradients to 1e-12.
func TestBackwardMatchesNN(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 50 {
		n, x, y := randomNetwork(rng)
		p := n.backward(x, y)
		mlp := &nn.MLP{Layers: []*nn.Layer{
			{W: nn.Param(2, 2, []float64{n.W[0][0], n.W[0][1], n.W[1][0], n.W[1][1]}), B: nn.Param(1, 2, n.B[:]), Act: nn.Sigmoid},
			{W: nn.Param(2, 1, n.V[:]), B: nn.Param(1, 1, []float64{n.C}), Act: nn.Sigmoid},
		}}
		tp := &nn.Tape{}
		loss := tp.SquaredError(mlp.Forward(tp, tp.Input(1, 2, x[:]), true, nil), []float64{y})
		tp.Backward(loss)
		l1, l2 := mlp.Layers[0], mlp.Layers[1]
		want := []float64{l1.W.Grad[0], l1.W.Grad[1], l1.W.Grad[2], l1.W.Grad[3], l1.B.Grad[0], l1.B.Grad[1], l2.W.Grad[0], l2.W.Grad[1], l2.B.Grad[0]}
		for i, g := range flat(&p.Grad) {
			if math.Abs(*g-want[i]) > 1e-12 {
				t.Errorf("network %d: gradient %d = %v, nn says %v", k, i, *g, want[i])
			}
		}
		if math.Abs(p.Loss-loss.Value()) > 1e-12 {
			t.Errorf("network %d: loss %v, nn says %v", k, p.Loss, loss.Value())
		}
	}
}

// TestFiniteDifferences compares every gradient with the central
// difference (L(θ+h) − L(θ−h))/2h, h = 1e-6: truncation O(h²) and rounding
// about 1e-16/h keep the difference under 1e-9.
func TestFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const h = 1e-6
	for k := range 50 {
		n, x, y := randomNetwork(rng)
		g := n.backward(x, y).Grad
		grads := flat(&g)
		for i, p := range flat(&n) {
			orig := *p
			*p = orig + h
			up := n.forward(x, y).Loss
			*p = orig - h
			down := n.forward(x, y).Loss
			*p = orig
			if num := (up - down) / (2 * h); math.Abs(num-*grads[i]) > 1e-9 {
				t.Errorf("network %d: gradient %d = %v, finite difference %v", k, i, *grads[i], num)
			}
		}
	}
}

type weightsJSON struct {
	W [][]float64 `json:"w"`
	B []float64   `json:"b"`
	V []float64   `json:"v"`
	C float64     `json:"c"`
}

func (w weightsJSON) net() network {
	return network{W: [2][2]float64{{w.W[0][0], w.W[0][1]}, {w.W[1][0], w.W[1][1]}}, B: [2]float64{w.B[0], w.B[1]}, V: [2]float64{w.V[0], w.V[1]}, C: w.C}
}

type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Stage        string      `json:"stage"`
		TrainingStep int         `json:"training_step"`
		X            []float64   `json:"x"`
		Y            float64     `json:"y"`
		Weights      weightsJSON `json:"weights"`
		Before       weightsJSON `json:"before"`
		Activations  *struct {
			Z    []float64 `json:"z"`
			H    []float64 `json:"h"`
			S    *float64  `json:"s"`
			Yhat *float64  `json:"yhat"`
		} `json:"activations"`
		Loss        *float64 `json:"loss"`
		Derivatives *struct {
			DLossDYhat float64   `json:"dloss_dyhat"`
			DYhatDS    float64   `json:"dyhat_ds"`
			Delta      float64   `json:"delta"`
			DHDZ       []float64 `json:"dh_dz"`
			Hidden     []float64 `json:"delta_hidden"`
		} `json:"derivatives"`
		Gradients *struct {
			W [][]float64 `json:"w"`
			B []float64   `json:"b"`
			V []float64   `json:"v"`
			C float64     `json:"c"`
		} `json:"gradients"`
	} `json:"state"`
	Note string `json:"note"`
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }

// TestFrameContract steps through three training steps and recomputes
// each stage's numbers from data.csv (x, y) and the frame's weights with
// the formulas written here, to 1e-12: stages come in order, each shows
// what it computed, the update is before − η·gradient, and the loss falls
// from one training step to the next at the default η.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "seed=7&lr=0.3"} {
		r := scenariotest.NewRun(t, sc, query)
		lr := lrParam.Get(r.Values)
		rows := scenariotest.Rows(t, r)
		if strings.Join(rows[0], ",") != "x1,x2,y" || len(rows) != 2 {
			t.Fatalf("data.csv %v", rows)
		}
		var x [2]float64
		x[0], _ = strconv.ParseFloat(rows[1][0], 64)
		x[1], _ = strconv.ParseFloat(rows[1][1], 64)
		y, _ := strconv.ParseFloat(rows[1][2], 64)
		f := scenariotest.Decode[frame](t, r, false)
		if f.State.Stage != "start" || f.State.Activations != nil || f.State.Gradients != nil || f.State.X[0] != x[0] || f.State.Y != y {
			t.Fatalf("%q: step 0 = %+v", query, f.State)
		}
		var losses []float64
		var z, h [2]float64
		var yhat, delta float64
		var dh [2]float64
		for k := 1; k <= 3*stagesPerStep; k++ {
			r.Step()
			prev := f
			f = scenariotest.Decode[frame](t, r, false)
			s := f.State
			if want := stageNames[1+(k-1)%stagesPerStep]; s.Stage != want {
				t.Fatalf("%q step %d: stage %s, want %s", query, k, s.Stage, want)
			}
			n := s.Before.net()
			switch s.Stage {
			case "forward_hidden":
				if s.Before.net() != prev.State.Weights.net() || s.Weights.net() != n || s.Loss != nil || s.Gradients != nil {
					t.Fatalf("%q step %d: a new training step must start from the last weights with nothing computed: %+v", query, k, s)
				}
				for j := range 2 {
					z[j] = n.W[0][j]*x[0] + n.W[1][j]*x[1] + n.B[j]
					h[j] = 1 / (1 + math.Exp(-z[j]))
					if !near(s.Activations.Z[j], z[j]) || !near(s.Activations.H[j], h[j]) {
						t.Fatalf("%q step %d: z, h = %v, %v; want %v, %v", query, k, s.Activations.Z, s.Activations.H, z, h)
					}
				}
				if s.Activations.Yhat != nil {
					t.Fatalf("%q step %d: ŷ shown before the output stage", query, k)
				}
			case "forward_output":
				sv := n.V[0]*h[0] + n.V[1]*h[1] + n.C
				yhat = 1 / (1 + math.Exp(-sv))
				if !near(*s.Activations.S, sv) || !near(*s.Activations.Yhat, yhat) {
					t.Fatalf("%q step %d: s, ŷ = %v, %v; want %v, %v", query, k, *s.Activations.S, *s.Activations.Yhat, sv, yhat)
				}
			case "loss":
				l := 0.5 * (yhat - y) * (yhat - y)
				if !near(*s.Loss, l) || !near(f.Metrics["loss"], l) {
					t.Fatalf("%q step %d: loss %v, want %v", query, k, *s.Loss, l)
				}
				losses = append(losses, l)
			case "output_delta":
				d := s.Derivatives
				delta = (yhat - y) * yhat * (1 - yhat)
				if !near(d.DLossDYhat, yhat-y) || !near(d.DYhatDS, yhat*(1-yhat)) || !near(d.Delta, delta) || d.Hidden != nil {
					t.Fatalf("%q step %d: derivatives %+v, want δ = %v", query, k, d, delta)
				}
			case "output_gradients":
				g := s.Gradients
				if !near(g.V[0], delta*h[0]) || !near(g.V[1], delta*h[1]) || !near(g.C, delta) || g.W != nil {
					t.Fatalf("%q step %d: output gradients %+v", query, k, g)
				}
			case "hidden_deltas":
				for j := range 2 {
					dh[j] = delta * n.V[j] * h[j] * (1 - h[j])
					if !near(s.Derivatives.Hidden[j], dh[j]) || !near(s.Derivatives.DHDZ[j], h[j]*(1-h[j])) {
						t.Fatalf("%q step %d: hidden deltas %v, want %v", query, k, s.Derivatives.Hidden, dh)
					}
				}
			case "hidden_gradients", "update":
				g := s.Gradients
				for j := range 2 {
					for i := range 2 {
						if !near(g.W[i][j], dh[j]*x[i]) {
							t.Fatalf("%q step %d: ∂L/∂w%d%d = %v, want %v", query, k, i+1, j+1, g.W[i][j], dh[j]*x[i])
						}
					}
					if !near(g.B[j], dh[j]) {
						t.Fatalf("%q step %d: ∂L/∂b%d = %v, want %v", query, k, j+1, g.B[j], dh[j])
					}
				}
				if s.Stage == "hidden_gradients" {
					if s.Weights.net() != n {
						t.Fatalf("%q step %d: weights changed before the update", query, k)
					}
					break
				}
				now := s.Weights.net()
				nf, bf := flat(&now), flat(&n)
				gn := network{W: [2][2]float64{{g.W[0][0], g.W[0][1]}, {g.W[1][0], g.W[1][1]}}, B: [2]float64{g.B[0], g.B[1]}, V: [2]float64{g.V[0], g.V[1]}, C: g.C}
				gf := flat(&gn)
				for i := range nf {
					if !near(*nf[i], *bf[i]-lr**gf[i]) {
						t.Fatalf("%q step %d: parameter %d = %v, want %v − %v·%v", query, k, i, *nf[i], *bf[i], lr, *gf[i])
					}
				}
				if s.TrainingStep != len(losses) {
					t.Fatalf("%q step %d: training step %d, want %d", query, k, s.TrainingStep, len(losses))
				}
			}
		}
		for i := 1; i < len(losses); i++ {
			if losses[i] >= losses[i-1] {
				t.Errorf("%q: loss rose from %v to %v at training step %d", query, losses[i-1], losses[i], i+1)
			}
		}
	}
}

// TestRunEnds: a run is trainingSteps training steps of stagesPerStep
// stages, and ends with a lower loss than it started with.
func TestRunEnds(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	r.Advance(sc.MaxSteps + 5)
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || f.Step != trainingSteps*stagesPerStep || f.State.TrainingStep != trainingSteps || !strings.Contains(f.Note, "Done") {
		t.Errorf("end: step %d done %v training step %d note %q", f.Step, f.Done, f.State.TrainingStep, f.Note)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "lr=0", "lr=21", "lr=abc", "seed=-1", "seed=1000000", "layers=3")
}

func TestSameURLSameFrames(t *testing.T) {
	scenariotest.SameURLSameFrames(t, sc, "seed=3", 10)
	c := scenariotest.NewRun(t, sc, "seed=4")
	scenariotest.SeedsDiffer(t, scenariotest.NewRun(t, sc, "seed=3"), c)
}

func TestFrameSize(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	for k := 0; k <= stagesPerStep; k++ {
		b, err := r.JSON(true)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 32<<10 {
			t.Errorf("step %d: frame is %d bytes, budget %d", k, len(b), 32<<10)
		}
		r.Step()
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "")
}
