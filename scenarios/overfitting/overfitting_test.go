package overfitting

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

type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Note    string             `json:"note"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Coefficients []float64 `json:"coefficients"`
		ClosedForm   []float64 `json:"closed_form"`
		Sweep        []struct {
			Degree   int     `json:"degree"`
			TrainMSE float64 `json:"train_mse"`
			ValMSE   float64 `json:"val_mse"`
		} `json:"sweep"`
		BestDegree int    `json:"best_degree"`
		Zone       string `json:"zone"`
	} `json:"state"`
}

// data reads data.csv into its train and validation splits.
func data(t testing.TB, r *lab.Run) (train, val [][2]float64) {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if strings.Join(rows[0], ",") != "x,y,split" {
		t.Fatalf("header %v", rows[0])
	}
	for _, row := range rows[1:] {
		x, _ := strconv.ParseFloat(row[0], 64)
		y, _ := strconv.ParseFloat(row[1], 64)
		switch row[2] {
		case "train":
			train = append(train, [2]float64{x, y})
		case "val":
			val = append(val, [2]float64{x, y})
		default:
			t.Fatalf("split %q", row[2])
		}
	}
	return train, val
}

// horner evaluates monomial coefficients, lowest degree first.
func horner(c []float64, x float64) float64 {
	var s float64
	for i := len(c) - 1; i >= 0; i-- {
		s = s*x + c[i]
	}
	return s
}

func mseOf(c []float64, pts [][2]float64) float64 {
	var s float64
	for _, p := range pts {
		e := horner(c, p[0]) - p[1]
		s += e * e
	}
	return s / float64(len(pts))
}

func rel(got, want float64) float64 { return math.Abs(got-want) / math.Max(1e-12, math.Abs(want)) }

// The metrics must be what the exported coefficients give on the exported
// data: this checks the basis conversion and the data order end to end.
func TestMetricsFromExportedData(t *testing.T) {
	for _, q := range []string{"", "degree=3&n=60", "degree=12&lambda=0.001&noise=0.5&seed=7", "degree=2&points=0.5:3,-0.25:-1"} {
		r := scenariotest.NewRun(t, sc, q)
		train, val := data(t, r)
		for range 40 {
			r.Step()
		}
		f := scenariotest.Decode[frame](t, r, false)
		if len(f.State.Coefficients) != degreeParam.Get(r.Values)+1 {
			t.Fatalf("%q: %d coefficients", q, len(f.State.Coefficients))
		}
		if got, want := f.Metrics["train_mse"], mseOf(f.State.Coefficients, train); rel(got, want) > 1e-9 {
			t.Errorf("%q: train_mse %v, from data.csv %v", q, got, want)
		}
		if got, want := f.Metrics["val_mse"], mseOf(f.State.Coefficients, val); rel(got, want) > 1e-9 {
			t.Errorf("%q: val_mse %v, from data.csv %v", q, got, want)
		}
	}
}

// The sweep's degree-1 entry is ordinary least squares for a line, which
// has a textbook closed form: slope = cov(x, y)/var(x).
func TestSweepLineClosedForm(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "seed=11&n=45")
	train, val := data(t, r)
	var mx, my float64
	for _, p := range train {
		mx += p[0]
		my += p[1]
	}
	mx /= float64(len(train))
	my /= float64(len(train))
	var sxy, sxx float64
	for _, p := range train {
		sxy += (p[0] - mx) * (p[1] - my)
		sxx += (p[0] - mx) * (p[0] - mx)
	}
	slope := sxy / sxx
	line := []float64{my - slope*mx, slope}
	f := scenariotest.Decode[frame](t, r, false)
	if len(f.State.Sweep) != maxDegree || f.State.Sweep[0].Degree != 1 {
		t.Fatalf("sweep %+v", f.State.Sweep)
	}
	if got, want := f.State.Sweep[0].TrainMSE, mseOf(line, train); rel(got, want) > 1e-9 {
		t.Errorf("degree 1 train MSE %v, want %v", got, want)
	}
	if got, want := f.State.Sweep[0].ValMSE, mseOf(line, val); rel(got, want) > 1e-9 {
		t.Errorf("degree 1 val MSE %v, want %v", got, want)
	}
	// Training error never rises with the degree (nested models, λ = 0).
	for i := 1; i < len(f.State.Sweep); i++ {
		if f.State.Sweep[i].TrainMSE > f.State.Sweep[i-1].TrainMSE*(1+1e-9)+1e-12 {
			t.Errorf("train MSE rises from degree %d to %d", i, i+1)
		}
	}
}

// Gradient descent ends at the closed-form fit when the problem is well
// conditioned.
func TestGradientDescentReachesClosedForm(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "degree=3&n=60&seed=2")
	if err := r.Advance(sc.MaxSteps); err != nil {
		t.Fatal(err)
	}
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "converged") {
		t.Fatalf("degree 3 not converged after %d steps: %q", f.Step, f.Note)
	}
	for i := range f.State.Coefficients {
		if d := math.Abs(f.State.Coefficients[i] - f.State.ClosedForm[i]); d > 1e-6 {
			t.Errorf("coefficient %d: GD %v, closed form %v", i, f.State.Coefficients[i], f.State.ClosedForm[i])
		}
	}
}

// With the defaults the lesson must be visible: the validation error turns
// up while the training error keeps falling, and the note says so.
func TestDefaultShowsOverfitting(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	f := scenariotest.Decode[frame](t, r, false)
	if f.State.Zone != "over-fitting" {
		t.Errorf("default degree is %q in the sweep, want over-fitting (best degree %d)", f.State.Zone, f.State.BestDegree)
	}
	for !f.Done {
		r.Step()
		f = scenariotest.Decode[frame](t, r, false)
		if strings.Contains(f.Note, "learning the noise") {
			return
		}
	}
	t.Errorf("no over-fitting note in %d epochs", f.Step)
}

func TestL2PenaltyShrinks(t *testing.T) {
	norm := func(q string) float64 {
		f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, q), false)
		var s float64
		for _, c := range f.State.ClosedForm[1:] {
			s += c * c
		}
		return s
	}
	if a, b := norm("degree=9"), norm("degree=9&lambda=0.01"); b >= a {
		t.Errorf("λ=0.01 gives coefficient norm² %v, not below λ=0's %v", b, a)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.RunRejects(t, sc, "degree=0", "degree=16", "n=5", "noise=-1", "lambda=11", "lambda=abc", "points=1.5:0", "points=x")
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "n=500", "degree=15"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(sc.MaxSteps)
		limit := 32 << 10
		if q == "n=500" {
			limit = 64 << 10 // 17 times the default sample count
		}
		scenariotest.FrameWithin(t, r, limit, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	r := scenariotest.NewRun(b, sc, "")
	r.Advance(500) // a mid-run frame: curves with history
	scenariotest.StepAndFrameLoop(b, r, func() {
		r.Reset()
		r.Advance(500)
	})
}
