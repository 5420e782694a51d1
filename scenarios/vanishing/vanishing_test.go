package vanishing

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type frame struct {
	Step    int                `json:"step"`
	Metrics map[string]float64 `json:"metrics"`
	State   state              `json:"state"`
	Note    string             `json:"note"`
}

// TestFrameContract: one norm per weight matrix (depth hidden layers and
// the output), metrics equal to the state, an accuracy that is a count of
// data.csv's rows, and data.csv of two rings with labels 0 and 1.
func TestFrameContract(t *testing.T) {
	for _, q := range []string{"", "depth=2&activation=relu", "depth=12&units=16&activation=tanh&batchnorm=true"} {
		r := scenariotest.NewRun(t, sc, q)
		rows := scenariotest.Rows(t, r)
		if strings.Join(rows[0], ",") != "x1,x2,label" || len(rows)-1 != samples {
			t.Fatalf("%q: data.csv header %v, %d rows", q, rows[0], len(rows)-1)
		}
		v, _ := lab.ParseQuery(q)
		vals, _ := lab.Parse(sc.Params, v)
		for range 3 {
			f := scenariotest.Decode[frame](t, r, false)
			g := f.State.GradNorms
			if len(g) != depthParam.Get(vals)+1 || f.State.Epoch != f.Step {
				t.Fatalf("%q step %d: %d norms for depth %d, epoch %d", q, f.Step, len(g), depthParam.Get(vals), f.State.Epoch)
			}
			for l, n := range g {
				if !(n > 0) {
					t.Errorf("%q step %d: layer %d norm %v", q, f.Step, l, n)
				}
			}
			if f.Metrics["grad_norm_input"] != g[0] || f.Metrics["grad_norm_output"] != g[len(g)-1] || f.Metrics["loss"] != f.State.Loss {
				t.Errorf("%q step %d: metrics %v differ from the state", q, f.Step, f.Metrics)
			}
			if c := f.State.Accuracy * samples; math.Abs(c-math.Round(c)) > 1e-9 {
				t.Errorf("%q: accuracy %v is not a count of %d samples", q, f.State.Accuracy, samples)
			}
			if math.Abs(f.State.Ratio-g[0]/g[len(g)-1]) > 1e-12*f.State.Ratio {
				t.Errorf("%q: ratio %v, norms %v", q, f.State.Ratio, g)
			}
			r.Step()
		}
	}
}

// The property the lesson rests on, at the default seed after one epoch:
// ten sigmoid layers shrink the input layer's gradient at least 100-fold
// relative to the output layer's, while ReLU, and sigmoid with batch norm,
// stay within a factor of 10.
func TestSigmoidVanishesReLUDoesNot(t *testing.T) {
	ratio := func(q string) float64 {
		r := scenariotest.NewRun(t, sc, q)
		r.Step()
		return scenariotest.Decode[frame](t, r, false).State.Ratio
	}
	if got := ratio("depth=10&activation=sigmoid"); got > 1e-2 {
		t.Errorf("sigmoid, depth 10: input/output gradient ratio %v, want ≤ 0.01", got)
	}
	for _, q := range []string{"depth=10&activation=relu", "depth=10&activation=sigmoid&batchnorm=true"} {
		if got := ratio(q); got < 0.1 {
			t.Errorf("%s: input/output gradient ratio %v, want ≥ 0.1", q, got)
		}
	}
}

// And its consequence: the deep sigmoid net stays near chance while ReLU
// learns the rings.
func TestReLULearnsSigmoidStalls(t *testing.T) {
	loss := func(q string) float64 {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(60)
		return scenariotest.Decode[frame](t, r, false).State.Loss
	}
	if got := loss(""); math.Abs(got-math.Ln2) > 0.02 {
		t.Errorf("sigmoid depth 10 after 60 epochs: loss %v, want about ln 2", got)
	}
	if got := loss("activation=relu"); got > 0.2 {
		t.Errorf("relu depth 10 after 60 epochs: loss %v, want < 0.2", got)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "depth=1", "depth=13", "units=3", "units=17", "activation=softplus", "batchnorm=maybe", "lr=0", "lr=2", "seed=x")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&batchnorm=true", 4)
	c := scenariotest.NewRun(t, sc, "seed=4&batchnorm=true")
	c.Advance(4)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "depth=12&units=16&activation=relu&batchnorm=true"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(sc.MaxSteps)
		scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrameFrom(b, sc, 100, "", "depth=12&units=16&batchnorm=true")
}

// A ReLU network pushed by a large step until every unit is dead passes no
// gradient back: the note must say so, not that the gradient arrives
// undiminished.
func TestDeadNetworkNote(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "activation=relu&lr=1")
	for range 40 {
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
	}
	f := scenariotest.Decode[frame](t, r, false)
	g := f.State.GradNorms
	if g[len(g)-1] != 0 {
		t.Fatalf("the network is still alive at epoch %d (output-layer norm %g)", f.State.Epoch, g[len(g)-1])
	}
	if strings.Contains(f.Note, "undiminished") || !strings.Contains(f.Note, "no gradient flows") {
		t.Errorf("note for a dead network: %q", f.Note)
	}
}
