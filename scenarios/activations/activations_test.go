package activations

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// TestSoftmaxTwoLogits: with two logits the softmax is the sigmoid of
// their difference over T, p₁ = σ((z₁ − z₂)/T), to 1e-15.
func TestSoftmaxTwoLogits(t *testing.T) {
	for _, c := range []struct{ z1, z2, T float64 }{{2, 1, 1}, {-3, 4, 0.5}, {0, 0, 2}, {10, -10, 10}, {1.5, 1.25, 0.05}} {
		p := Softmax([]float64{c.z1, c.z2}, c.T)
		want := sigmoid((c.z1 - c.z2) / c.T)
		if math.Abs(p[0]-want) > 1e-15 || math.Abs(p[1]-(1-want)) > 1e-15 {
			t.Errorf("softmax(%v, %v)/%v = %v, want σ = %v", c.z1, c.z2, c.T, p, want)
		}
	}
}

// TestSoftmaxProperties: probabilities sum to 1, adding a constant to every
// logit changes nothing (to 1e-15), T → 0 is one-hot on the largest logit
// and a huge T is uniform.
func TestSoftmaxProperties(t *testing.T) {
	z := []float64{2, 1, 0.1, -1}
	for _, T := range []float64{0.05, 0.3, 1, 4, 10} {
		p := Softmax(z, T)
		shifted := Softmax([]float64{z[0] + 7.5, z[1] + 7.5, z[2] + 7.5, z[3] + 7.5}, T)
		sum := 0.0
		for j := range p {
			sum += p[j]
			if math.Abs(p[j]-shifted[j]) > 1e-15 {
				t.Errorf("T = %v: p[%d] = %v but %v after adding 7.5 to every logit", T, j, p[j], shifted[j])
			}
		}
		if math.Abs(sum-1) > 1e-15 {
			t.Errorf("T = %v: probabilities sum to %v", T, sum)
		}
	}
	// At T = 0.05 the runner-up is e^(−1/0.05) = e^(−20) ≈ 2e-9 of the top.
	cold := Softmax(z, 0.05)
	if cold[0] < 1-1e-8 || cold[1] > 3e-9 {
		t.Errorf("T = 0.05: %v, want one-hot on logit 1", cold)
	}
	// At T = 1e6 each logit differs from the mean by at most 3e-6 of T.
	hot := Softmax(z, 1e6)
	for j, p := range hot {
		if math.Abs(p-0.25) > 1e-6 {
			t.Errorf("T = 1e6: p[%d] = %v, want 1/4", j, p)
		}
	}
	// No overflow for logits far apart at a small T.
	if p := Softmax([]float64{10, -10}, 0.05); math.IsNaN(p[0]) || p[0] != 1 {
		t.Errorf("softmax(10, −10)/0.05 = %v", p)
	}
}

// TestDerivativesFiniteDifferences compares each derivative with the
// central difference (f(x+h) − f(x−h))/2h, h = 1e-6, away from the kink at
// 0: the error is O(h²) plus rounding ε/h, well under 1e-8.
func TestDerivativesFiniteDifferences(t *testing.T) {
	const h = 1e-6
	for _, name := range functions {
		f := nn.Activations[name]
		for x := -6.0; x <= 6; x += 0.37 {
			if math.Abs(x) < 0.01 {
				continue
			}
			num := (f.F(x+h) - f.F(x-h)) / (2 * h)
			if got := f.D(x, f.F(x)); math.Abs(got-num) > 1e-8 {
				t.Errorf("%s′(%v) = %v, finite difference %v", name, x, got, num)
			}
		}
	}
}

// TestVanishingZones against closed forms: σ′ = σ(1 − σ) = 0.05 at
// σ = (1 ± √0.8)/2, i.e. |x| = ln((1 + √0.8)/(1 − √0.8)); tanh′ = 1 − tanh²
// = 0.05 at |x| = atanh(√0.95); ReLU′ and leaky ReLU′ (0 and 0.01) are
// below 0.05 for x ≤ 0.
func TestVanishingZones(t *testing.T) {
	s := math.Log((1 + math.Sqrt(0.8)) / (1 - math.Sqrt(0.8)))
	th := math.Atanh(math.Sqrt(0.95))
	want := map[string][][2]float64{
		"sigmoid":    {{-6, -s}, {s, 6}},
		"tanh":       {{-6, -th}, {th, 6}},
		"relu":       {{-6, 0}},
		"leaky_relu": {{-6, 0}},
	}
	for name, w := range want {
		got := VanishingZones(nn.Activations[name], -6, 6, 0.05)
		if len(got) != len(w) {
			t.Errorf("%s: zones %v, want %v", name, got, w)
			continue
		}
		for i := range w {
			if math.Abs(got[i][0]-w[i][0]) > 1e-8 || math.Abs(got[i][1]-w[i][1]) > 1e-8 {
				t.Errorf("%s: zone %d = %v, want %v", name, i, got[i], w[i])
			}
		}
	}
}

type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Function           string       `json:"function"`
		X                  float64      `json:"x"`
		F                  float64      `json:"f"`
		Derivative         float64      `json:"derivative"`
		Saturated          bool         `json:"saturated"`
		VanishingZones     [][2]float64 `json:"vanishing_zones"`
		Logits             []float64    `json:"logits"`
		Temperature        float64      `json:"temperature"`
		Probabilities      []float64    `json:"probabilities"`
		ArgMax             int          `json:"argmax"`
		SweepTemperature   float64      `json:"sweep_temperature"`
		SweepProbabilities []float64    `json:"sweep_probabilities"`
	} `json:"state"`
	Note string `json:"note"`
}

// closedForm is the textbook formula of each function and derivative,
// written independently of package nn.
func closedForm(name string, x float64) (f, d float64) {
	switch name {
	case "sigmoid":
		s := sigmoid(x)
		return s, s * (1 - s)
	case "tanh":
		th := (math.Exp(x) - math.Exp(-x)) / (math.Exp(x) + math.Exp(-x))
		return th, 1 - th*th
	case "relu":
		if x > 0 {
			return x, 1
		}
		return 0, 0
	default:
		if x > 0 {
			return x, 1
		}
		return 0.01 * x, 0.01
	}
}

// TestFrameContract walks every step: x = −6 + 0.25·step, f and f′ from the
// closed forms (1e-12), data.csv's row of that x agrees, the probabilities
// are exp(z_j/T)/Σ exp(z_k/T) computed here directly (1e-12) and the sweep
// temperature is 0.1·100^(step/48).
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "function=tanh&logits=0,0,3&temperature=0.5", "function=relu&logits=-10,10", "function=leaky_relu&logits=1,2,3,4,5,6,7,8&temperature=10"} {
		r := scenariotest.NewRun(t, sc, query)
		rows := scenariotest.Rows(t, r)
		if strings.Join(rows[0], ",") != "x,sigmoid,d_sigmoid,tanh,d_tanh,relu,d_relu,leaky_relu,d_leaky_relu" || len(rows) != steps+2 {
			t.Fatalf("%q: data.csv header %v, %d rows", query, rows[0], len(rows))
		}
		for {
			f := scenariotest.Decode[frame](t, r, false)
			name := f.State.Function
			x := -6 + 0.25*float64(f.Step)
			wf, wd := closedForm(name, x)
			if f.State.X != x || math.Abs(f.State.F-wf) > 1e-12 || math.Abs(f.State.Derivative-wd) > 1e-12 || f.State.Saturated != (math.Abs(wd) < 0.05) {
				t.Fatalf("%q step %d: x %v f %v f′ %v saturated %v; want %v %v %v", query, f.Step, f.State.X, f.State.F, f.State.Derivative, f.State.Saturated, x, wf, wd)
			}
			if f.Metrics["f"] != f.State.F || f.Metrics["derivative"] != f.State.Derivative {
				t.Fatalf("%q step %d: metrics %v disagree with state", query, f.Step, f.Metrics)
			}
			row := rows[1+f.Step]
			col := map[string]int{"sigmoid": 1, "tanh": 3, "relu": 5, "leaky_relu": 7}[name]
			cx, _ := strconv.ParseFloat(row[0], 64)
			cf, _ := strconv.ParseFloat(row[col], 64)
			cd, _ := strconv.ParseFloat(row[col+1], 64)
			if cx != x || cf != f.State.F || cd != f.State.Derivative {
				t.Fatalf("%q step %d: data.csv row %v disagrees with the frame", query, f.Step, row)
			}
			check := func(what string, p []float64, T float64) {
				var sum float64
				for _, z := range f.State.Logits {
					sum += math.Exp(z / T)
				}
				total, best := 0.0, 0
				for j, z := range f.State.Logits {
					if want := math.Exp(z/T) / sum; math.Abs(p[j]-want) > 1e-12 {
						t.Fatalf("%q step %d: %s p[%d] = %v, want %v", query, f.Step, what, j, p[j], want)
					}
					total += p[j]
					if z > f.State.Logits[best] {
						best = j
					}
				}
				if math.Abs(total-1) > 1e-12 {
					t.Fatalf("%q: %s sum to %v", query, what, total)
				}
				if what == "probabilities" && f.State.ArgMax != best {
					t.Fatalf("%q: argmax %d, want %d", query, f.State.ArgMax, best)
				}
			}
			check("probabilities", f.State.Probabilities, f.State.Temperature)
			wantT := 0.1 * math.Pow(100, float64(f.Step)/48)
			if math.Abs(f.State.SweepTemperature-wantT) > 1e-12*wantT {
				t.Fatalf("%q step %d: sweep T %v, want %v", query, f.Step, f.State.SweepTemperature, wantT)
			}
			check("sweep probabilities", f.State.SweepProbabilities, f.State.SweepTemperature)
			if f.Done {
				if f.Step != steps || x != 6 {
					t.Fatalf("%q: done at step %d (x = %v)", query, f.Step, x)
				}
				break
			}
			r.Step()
		}
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "function=swish", "function=linear", "logits=1", "logits=1,2,3,4,5,6,7,8,9", "logits=1,11", "logits=1,x", "temperature=0", "temperature=0.01", "temperature=11", "seed=1000000")
}

func TestSameURLSameFrames(t *testing.T) {
	scenariotest.SameURLSameFrames(t, sc, "function=tanh&logits=3,1", 6)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "function=relu&logits=1,2,3,4,5,6,7,8"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(3)
		scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "logits=1,2,3,4,5,6,7,8")
}
