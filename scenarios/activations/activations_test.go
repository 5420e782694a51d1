package activations

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// TestDerivativesFiniteDifferences compares each derivative with the
// central difference (f(x+h) − f(x−h))/2h, h = 1e-6, away from the kink at
// 0: the error is O(h²) plus rounding ε/h, well under 1e-8.
func TestDerivativesFiniteDifferences(t *testing.T) {
	const h = 1e-6
	for _, f := range functions {
		for x := -6.0; x <= 6; x += 0.37 {
			if math.Abs(x) < 0.01 {
				continue
			}
			num := (f.F(x+h) - f.F(x-h)) / (2 * h)
			if got := f.D(x, f.F(x)); math.Abs(got-num) > 1e-8 {
				t.Errorf("%s′(%v) = %v, finite difference %v", f.Name, x, got, num)
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
