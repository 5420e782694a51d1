package logistic

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a logistic-regression frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Weights      [][]float64 `json:"weights"`
		Intercepts   []float64   `json:"intercepts"`
		Classes      int         `json:"classes"`
		Epoch        int         `json:"epoch"`
		GradientNorm float64     `json:"gradient_norm"`
		Converged    bool        `json:"converged"`
	} `json:"state"`
}

// rows is data.csv read back: features, labels and the split.
type rows struct {
	X     [][]float64
	y     []int
	train []bool
}

func readData(t testing.TB, r *lab.Run) rows {
	t.Helper()
	data, d := scenariotest.LabelledRows(t, r)
	var err error
	var out rows
	for _, row := range data[1:] {
		x := make([]float64, d)
		for j := range d {
			x[j], err = strconv.ParseFloat(row[j], 64)
			if err != nil {
				t.Fatal(err)
			}
		}
		y, err := strconv.Atoi(row[d])
		if err != nil {
			t.Fatal(err)
		}
		out.X, out.y = append(out.X, x), append(out.y, y)
		out.train = append(out.train, row[d+1] == "train")
	}
	return out
}

// scores are the linear scores of every weight row for x.
func scores(f frame, x []float64) []float64 {
	z := make([]float64, len(f.State.Weights))
	for k, w := range f.State.Weights {
		z[k] = f.State.Intercepts[k]
		for j, wj := range w {
			z[k] += wj * x[j]
		}
	}
	return z
}

// predict applies the decision rule to the frame's weights: z > 0 (p > 0.5)
// for one row, the largest score otherwise.
func predict(f frame, x []float64) int {
	z := scores(f, x)
	if len(z) == 1 {
		if z[0] > 0 {
			return 1
		}
		return 0
	}
	best := 0
	for k := range z {
		if z[k] > z[best] {
			best = k
		}
	}
	return best
}

// crossEntropy is −log p(y|x) from the frame's weights.
func crossEntropy(f frame, x []float64, y int) float64 {
	z := scores(f, x)
	if len(z) == 1 {
		s := z[0]
		if y == 0 {
			s = -s
		}
		return math.Log1p(math.Exp(-s))
	}
	var sum float64
	for _, v := range z {
		sum += math.Exp(v)
	}
	return math.Log(sum) - z[y]
}

// TestFrameContract recomputes the metrics from data.csv and the state's
// weights at several epochs, and the first gradient step from the formula.
func TestFrameContract(t *testing.T) {
	for _, c := range []struct {
		query   string
		classes int
		lambda  float64
	}{
		{"", 2, 0.01},
		{"dataset=iris&classes=3&lambda=0.05", 3, 0.05},
		{"dataset=wine", 2, 0.01},
		{"dataset=spiral&classes=4&n=120&lr=1", 4, 0.01},
		{"dataset=custom&classes=3&points=1:1:0,-1:1:1,0:-1:2,2:2:0", 3, 0.01},
		{"dataset=separable&lambda=0&points=3:3:0", 2, 0},
	} {
		r := scenariotest.NewRun(t, sc, c.query)
		data := readData(t, r)
		d := len(data.X[0])
		var first frame
		for _, stop := range []int{0, 1, 7, 60} {
			if err := r.Advance(stop); err != nil {
				t.Fatal(err)
			}
			f := scenariotest.Decode[frame](t, r, false)
			wantRows := c.classes
			if c.classes == 2 {
				wantRows = 1
			}
			if len(f.State.Weights) != wantRows || len(f.State.Intercepts) != wantRows || len(f.State.Weights[0]) != d {
				t.Fatalf("%q step %d: weights %d×%d, intercepts %d; want %d×%d", c.query, f.Step,
					len(f.State.Weights), len(f.State.Weights[0]), len(f.State.Intercepts), wantRows, d)
			}
			if f.State.Epoch != f.Step {
				t.Errorf("%q: epoch %d at step %d", c.query, f.State.Epoch, f.Step)
			}
			var right, nTrain, rightTest, nTest int
			var ce float64
			for i, x := range data.X {
				ok := predict(f, x) == data.y[i]
				if data.train[i] {
					nTrain++
					ce += crossEntropy(f, x, data.y[i])
					if ok {
						right++
					}
				} else {
					nTest++
					if ok {
						rightTest++
					}
				}
			}
			var pen float64
			for _, w := range f.State.Weights {
				for _, v := range w {
					pen += v * v
				}
			}
			loss := ce/float64(nTrain) + c.lambda/2*pen
			check := func(name string, want float64) {
				got := f.Metrics[name]
				if got == nil || math.Abs(*got-want) > 1e-9 {
					t.Errorf("%q step %d: %s = %v, recomputed %v", c.query, f.Step, name, got, want)
				}
			}
			check("train_loss", loss)
			check("train_accuracy", float64(right)/float64(nTrain))
			if nTest > 0 {
				check("test_accuracy", float64(rightTest)/float64(nTest))
			} else if f.Metrics["test_accuracy"] != nil {
				t.Errorf("%q: test accuracy %v without test samples", c.query, *f.Metrics["test_accuracy"])
			}
			if f.Step == 0 {
				first = f
				if want := math.Log(float64(c.classes)); math.Abs(loss-want) > 1e-12 {
					t.Errorf("%q: J at zero weights %v, want log K = %v", c.query, loss, want)
				}
			}
			if f.Step == 1 {
				checkFirstStep(t, c.query, first, f, data, lrParam.Get(r.Values))
			}
		}
	}
}

// checkFirstStep: from W = 0 every class has probability 1/K, so one step
// moves w_k by −η·(1/n)Σ(1/K − [yᵢ = k])xᵢ (with K = 2 and one row: the
// row of class 1).
func checkFirstStep(t *testing.T, query string, f0, f1 frame, data rows, lr float64) {
	t.Helper()
	rowsN := len(f0.State.Weights)
	K := max(rowsN, 2)
	for k := range rowsN {
		class := k
		if rowsN == 1 {
			class = 1
		}
		d := len(data.X[0])
		grad := make([]float64, d+1)
		n := 0
		for i, x := range data.X {
			if !data.train[i] {
				continue
			}
			n++
			r := 1 / float64(K)
			if data.y[i] == class {
				r--
			}
			for j := range d {
				grad[j] += r * x[j]
			}
			grad[d] += r
		}
		for j := range d {
			if want := -lr * grad[j] / float64(n); math.Abs(f1.State.Weights[k][j]-want) > 1e-12 {
				t.Errorf("%q: first step w[%d][%d] = %v, want %v", query, k, j, f1.State.Weights[k][j], want)
			}
		}
		if want := -lr * grad[d] / float64(n); math.Abs(f1.State.Intercepts[k]-want) > 1e-12 {
			t.Errorf("%q: first step b[%d] = %v, want %v", query, k, f1.State.Intercepts[k], want)
		}
	}
}

// At the end of a run the weights are those of the optimum: the same model
// fitted to data.csv's training rows to ‖∇J‖ < 1e-10 (internal/ml checks that
// optimum against scikit-learn) agrees to 1e-3, the tolerance.
func TestConvergedIsOptimum(t *testing.T) {
	for _, q := range []string{"", "dataset=iris&classes=3", "dataset=separable&lambda=0.1"} {
		r := scenariotest.NewRun(t, sc, q)
		if err := r.Advance(sc.MaxSteps); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		if !f.Done || !f.State.Converged || f.Step >= sc.MaxSteps || !strings.HasPrefix(f.Note, "Converged") {
			t.Fatalf("%q: after %d steps done=%v converged=%v note %q", q, f.Step, f.Done, f.State.Converged, f.Note)
		}
		data := readData(t, r)
		var X [][]float64
		var y []int
		for i, x := range data.X {
			if data.train[i] {
				X, y = append(X, x), append(y, data.y[i])
			}
		}
		ref, err := linear.NewLogisticRegression(X, y, f.State.Classes, lambdaParam.Get(r.Values), 0.5)
		if err != nil {
			t.Fatal(err)
		}
		ref.Fit(200000, 1e-10)
		W, b := ref.Weights(), ref.Intercepts()
		for k := range W {
			for j := range W[k] {
				if math.Abs(W[k][j]-f.State.Weights[k][j]) > 1e-3 {
					t.Errorf("%q: w[%d][%d] = %v, optimum %v", q, k, j, f.State.Weights[k][j], W[k][j])
				}
			}
			if math.Abs(b[k]-f.State.Intercepts[k]) > 1e-3 {
				t.Errorf("%q: b[%d] = %v, optimum %v", q, k, f.State.Intercepts[k], b[k])
			}
		}
	}
}

func TestLossNeverRisesAtDefaults(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	prev := math.Inf(1)
	for !r.Done() {
		f := scenariotest.Decode[frame](t, r, false)
		if l := *f.Metrics["train_loss"]; l > prev+1e-12 {
			t.Fatalf("step %d: loss rose from %v to %v", f.Step, prev, l)
		} else {
			prev = l
		}
		r.Step()
	}
	// The defaults should converge visibly: in a few hundred epochs.
	if n := r.StepNumber(); n < 50 || n > 600 {
		t.Errorf("default run converged after %d epochs, want a few hundred", n)
	}
}

func TestEmptyCustomWaitsForPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dataset=custom")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "click") || len(f.State.Weights) != 0 {
		t.Errorf("custom without points: %+v", f)
	}
	for _, p := range sc.Panels {
		if _, _, err := r.SVG(p.Name); err != nil {
			t.Errorf("custom without points: panel %s: %v", p.Name, err)
		}
	}
}

func TestBadParams(t *testing.T) {
	for _, c := range []struct{ query, name string }{
		{"classes=1", "classes"}, {"classes=6", "classes"}, {"lambda=-0.1", "lambda"}, {"lambda=2", "lambda"},
		{"lr=0", "lr"}, {"lr=11", "lr"}, {"dataset=mnist", "dataset"}, {"n=5", "n"}, {"n=5000", "n"},
		// Values that are fine alone but not together.
		{"classes=3&dataset=xor", "classes"}, {"classes=3&dataset=moons", "classes"},
		{"classes=4&dataset=iris", "classes"}, {"classes=5&dataset=wine", "classes"},
		{"dataset=custom&points=1:1:2", "points"},
	} {
		_, err := scenariotest.TryRun(t, sc, c.query)
		scenariotest.WantParamError(t, err, c.query, c.name)
	}
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&dataset=spiral&classes=3", 5)
	c := scenariotest.NewRun(t, sc, "seed=4&dataset=spiral&classes=3")
	c.Advance(a.StepNumber())
	scenariotest.SeedsDiffer(t, a, c)
}

// The frame must stay small enough to stream many times a second.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "dataset=iris&classes=3", "dataset=spiral&classes=5", "dataset=wine&classes=3", "n=1000"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(40)
		limit := 32 << 10
		if q == "n=1000" {
			limit = 96 << 10 // five times the default sample count
		}
		scenariotest.FrameWithin(t, r, limit, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=iris&classes=3")
}

// With λ = 1 the penalty multiplies the weights by 1 − ηλ = −9 each epoch,
// so J grows about 81-fold an epoch from log 2 and passes 10⁶ times it
// within ⌈log(10⁶)/log 81⌉ + 1 = 5 epochs; 10 leaves room for the data's
// own curvature. The note must name both rates and the rule η·λ < 2.
func TestDivergenceStopsTheRun(t *testing.T) {
	for _, q := range []string{"lambda=1&lr=10", "lambda=0.5&lr=10&classes=3&dataset=spiral"} {
		note := scenariotest.Diverges(t, sc, q, 10, "η = 10", "λ = ", "η·λ below about 2", "lower η")
		if strings.Contains(note, "e+") {
			t.Errorf("%s: note writes an exponent as e+: %s", q, note)
		}
	}
}

// A run that merely overshoots (λ = 0: the cross-entropy's gradient is
// bounded, so its weights cannot blow up) never stops as diverged.
func TestOvershootWithoutPenaltyGoesOn(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "lambda=0&lr=10")
	for r.StepNumber() < 300 && !r.Done() {
		f, _ := r.Frame(false)
		scenariotest.CheckNote(t, f.Note, "lambda=0&lr=10")
		r.Step()
	}
	if f, _ := r.Frame(false); strings.Contains(f.Note, "Diverged") {
		t.Errorf("λ = 0 diverged: %s", f.Note)
	}
}
