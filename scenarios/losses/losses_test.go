package losses

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type modelFrame struct {
	Loss          string    `json:"loss"`
	Weights       []float64 `json:"weights"`
	Intercept     float64   `json:"intercept"`
	Objective     *float64  `json:"objective"`
	TrainAccuracy float64   `json:"train_accuracy"`
	TestAccuracy  *float64  `json:"test_accuracy"`
	Turn          float64   `json:"turn"`
	Diverged      bool      `json:"diverged"`
}

// frame is the JSON contract of a losses frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Models   []modelFrame `json:"models"`
		Outliers []int        `json:"outliers"`
		Epoch    int          `json:"epoch"`
	} `json:"state"`
}

type rows struct {
	X     [][]float64
	y     []int
	train []bool
}

func readData(t testing.TB, r *lab.Run) rows {
	t.Helper()
	data, d := scenariotest.LabelledRows(t, r)
	var out rows
	for _, row := range data[1:] {
		x := make([]float64, d)
		for j := range d {
			x[j], _ = strconv.ParseFloat(row[j], 64)
		}
		y, _ := strconv.Atoi(row[d])
		out.X, out.y = append(out.X, x), append(out.y, y)
		out.train = append(out.train, row[d+1] == "train")
	}
	return out
}

// The losses and their derivatives at m = 0, written out again here from
// their formulas so the test does not share code with the scenario.
var (
	lossAt = map[string]func(m float64) float64{
		"squared":       func(m float64) float64 { return (1 - m) * (1 - m) },
		"hinge":         func(m float64) float64 { return math.Max(0, 1-m) },
		"logistic":      func(m float64) float64 { return math.Log(1 + math.Exp(-m)) },
		"cross-entropy": func(m float64) float64 { return math.Log2(1 + math.Exp(-m)) },
	}
	// L′(0): −2(1−0), −1, −1/(1+e⁰), −1/(2 ln 2).
	derivAtZero = map[string]float64{"squared": -2, "hinge": -1, "logistic": -0.5, "cross-entropy": -0.5 / math.Ln2}
)

// TestFrameContract recomputes every model's accuracies and objective from
// data.csv and the state, checks the outliers and the first step.
func TestFrameContract(t *testing.T) {
	for _, q := range []string{"", "outliers=0", "dataset=iris&outliers=0.2", "dataset=separable&n=100&points=-3:3:1,3:-3:0", "dataset=wine&outliers=0.05"} {
		r := scenariotest.NewRun(t, sc, q)
		data := readData(t, r)
		share := outliersParam.Get(r.Values)
		lr := lrParam.Get(r.Values)
		nTrain := 0
		for _, tr := range data.train {
			if tr {
				nTrain++
			}
		}
		for _, stop := range []int{0, 1, 25, 120} {
			r.Advance(stop)
			f := scenariotest.Decode[frame](t, r, false)
			if f.State.Epoch != f.Step {
				t.Errorf("%q: epoch %d at step %d", q, f.State.Epoch, f.Step)
			}
			if got, want := len(f.State.Outliers), int(math.Round(share*float64(nTrain))); got != want {
				t.Errorf("%q: %d outliers, want %g of %d training samples = %d", q, got, share, nTrain, want)
			}
			for _, i := range f.State.Outliers {
				if !data.train[i] || data.y[i] != 1 {
					t.Errorf("%q: outlier row %d is %v/label %d, want a training sample of class 1", q, i, data.train[i], data.y[i])
				}
			}
			if len(f.State.Models) != 4 {
				t.Fatalf("%q: %d models", q, len(f.State.Models))
			}
			for k, mf := range f.State.Models {
				if mf.Loss != []string{"squared", "hinge", "logistic", "cross-entropy"}[k] {
					t.Errorf("%q: model %d is %q", q, k, mf.Loss)
				}
				var right, rightTest, nTest int
				var obj float64
				for i, x := range data.X {
					fx := mf.Intercept
					for j, w := range mf.Weights {
						fx += w * x[j]
					}
					pred := 0
					if fx > 0 {
						pred = 1
					}
					if data.train[i] {
						obj += lossAt[mf.Loss](float64(2*data.y[i]-1) * fx)
						if pred == data.y[i] {
							right++
						}
					} else {
						nTest++
						if pred == data.y[i] {
							rightTest++
						}
					}
				}
				obj /= float64(nTrain)
				name := strings.ReplaceAll(mf.Loss, "-", "_")
				if want := float64(right) / float64(nTrain); mf.TrainAccuracy != want || *f.Metrics[name+"_train_accuracy"] != want {
					t.Errorf("%q step %d %s: train accuracy %v (metric %v), recomputed %v", q, f.Step, mf.Loss, mf.TrainAccuracy, *f.Metrics[name+"_train_accuracy"], want)
				}
				if want := float64(rightTest) / float64(nTest); *mf.TestAccuracy != want || *f.Metrics[name+"_test_accuracy"] != want {
					t.Errorf("%q step %d %s: test accuracy %v, recomputed %v", q, f.Step, mf.Loss, *mf.TestAccuracy, want)
				}
				if math.Abs(*mf.Objective-obj) > 1e-9*math.Max(1, obj) {
					t.Errorf("%q step %d %s: objective %v, recomputed %v", q, f.Step, mf.Loss, *mf.Objective, obj)
				}
				if f.Step == 0 && (mf.Intercept != 0 || mf.Weights[0] != 0 || math.Abs(obj-lossAt[mf.Loss](0)) > 1e-12) {
					t.Errorf("%q %s: step 0 is not w = 0 with J = L(0): %+v", q, mf.Loss, mf)
				}
				if f.Step == 1 {
					checkFirstStep(t, q, mf, data, lr, nTrain)
				}
			}
		}
	}
}

// From w = 0 every margin is 0, so one step moves w by −η·L′(0)·(1/n)Σ yᵢxᵢ.
func checkFirstStep(t *testing.T, q string, mf modelFrame, data rows, lr float64, n int) {
	t.Helper()
	d := len(data.X[0])
	sum := make([]float64, d+1)
	for i, x := range data.X {
		if !data.train[i] {
			continue
		}
		y := float64(2*data.y[i] - 1)
		for j := range d {
			sum[j] += y * x[j]
		}
		sum[d] += y
	}
	g := derivAtZero[mf.Loss]
	for j := range d {
		if want := -lr * g * sum[j] / float64(n); math.Abs(mf.Weights[j]-want) > 1e-12 {
			t.Errorf("%q %s: first step w%d = %v, want %v", q, mf.Loss, j, mf.Weights[j], want)
		}
	}
	if want := -lr * g * sum[d] / float64(n); math.Abs(mf.Intercept-want) > 1e-12 {
		t.Errorf("%q %s: first step b = %v, want %v", q, mf.Loss, mf.Intercept, want)
	}
}

// The lesson: far, correctly classified outliers turn the squared-loss
// boundary much more than the others, and cost it test accuracy.
func TestOutliersDragSquaredHardest(t *testing.T) {
	for _, q := range []string{"", "seed=2", "seed=3&dataset=separable&outliers=0.2", "dataset=iris"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(300)
		f := scenariotest.Decode[frame](t, r, false)
		sq := f.State.Models[0]
		for _, mf := range f.State.Models[1:] {
			if sq.Turn < 3*mf.Turn || sq.Turn < 5 {
				t.Errorf("%q: squared loss turned %v°, %s %v°", q, sq.Turn, mf.Loss, mf.Turn)
			}
			if *sq.TestAccuracy > *mf.TestAccuracy {
				t.Errorf("%q: squared test accuracy %v above %s's %v", q, *sq.TestAccuracy, mf.Loss, *mf.TestAccuracy)
			}
		}
		if !strings.Contains(f.Note, "squared is dragged hardest") {
			t.Errorf("%q: note %q", q, f.Note)
		}
	}
	r := scenariotest.NewRun(t, sc, "outliers=0")
	r.Advance(50)
	f := scenariotest.Decode[frame](t, r, false)
	for _, mf := range f.State.Models {
		if mf.Turn != 0 {
			t.Errorf("no outliers: %s turned %v°", mf.Loss, mf.Turn)
		}
	}
	if len(f.State.Outliers) != 0 || !strings.Contains(f.Note, "No outliers") {
		t.Errorf("no outliers: outliers %v, note %q", f.State.Outliers, f.Note)
	}
}

// A learning rate too large for the squared loss's curvature makes it
// diverge: it stops (its J past 10⁶ times L(0) = 1, see linear's
// MarginClassifier) while the others carry on, the note says so in words,
// and the frame stays valid JSON.
func TestSquaredLossDiverges(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "lr=1")
	for r.StepNumber() < 200 {
		f, _ := r.Frame(false)
		scenariotest.CheckNote(t, f.Note, "lr=1")
		r.Step()
	}
	f := scenariotest.Decode[frame](t, r, false)
	if !f.State.Models[0].Diverged || f.State.Models[0].Objective != nil {
		t.Fatalf("squared loss with η = 1: %+v", f.State.Models[0])
	}
	for _, mf := range f.State.Models[1:] {
		if mf.Diverged {
			t.Errorf("%s diverged with η = 1", mf.Loss)
		}
	}
	if !strings.Contains(f.Note, "Diverged: squared") || !strings.Contains(f.Note, "learning rate η = 1 ") ||
		!strings.Contains(f.Note, "Lower η") || f.State.Epoch != 200 {
		t.Errorf("note %q at epoch %d", f.Note, f.State.Epoch)
	}
	if _, err := r.JSON(true); err != nil {
		t.Error(err)
	}
}

func TestEmptyCustomWaitsForPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dataset=custom")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "click") || len(f.State.Models) != 0 {
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
		{"outliers=-0.1", "outliers"}, {"outliers=0.5", "outliers"}, {"lr=0", "lr"}, {"lr=2", "lr"},
		{"dataset=xor", "dataset"}, {"dataset=spiral", "dataset"}, {"n=5", "n"}, {"n=5000", "n"},
		{"points=1:1:2", "points"}, {"seed=-1", "seed"},
	} {
		_, err := scenariotest.TryRun(t, sc, c.query)
		scenariotest.WantParamError(t, err, c.query, c.name)
	}
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3", 5)
	c := scenariotest.NewRun(t, sc, "seed=4")
	c.Advance(a.StepNumber())
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "outliers=0.3", "dataset=wine", "n=1000"} {
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
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=wine")
}
