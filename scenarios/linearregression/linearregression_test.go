package linearregression

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a linear-regression frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Theta           []float64 `json:"theta"`
		ThetaClosedForm []float64 `json:"theta_closed_form"`
		Epoch           int       `json:"epoch"`
		LearningRate    float64   `json:"learning_rate"`
		MaxStableRate   float64   `json:"max_stable_learning_rate"`
		Diverged        bool      `json:"diverged"`
	} `json:"state"`
	Note string `json:"note"`
}

// samples reads data.csv's x and y columns.
func samples(t testing.TB, r *lab.Run) (x, y []float64) {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if len(rows[0]) != 2 || rows[0][0] != "x" || rows[0][1] != "y" {
		t.Fatalf("data.csv header %v", rows[0])
	}
	for _, row := range rows[1:] {
		xi, err1 := strconv.ParseFloat(row[0], 64)
		yi, err2 := strconv.ParseFloat(row[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("data.csv row %v", row)
		}
		x, y = append(x, xi), append(y, yi)
	}
	return x, y
}

// leastSquaresLine is the textbook simple-regression formula:
// slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², intercept = ȳ − slope·x̄.
func leastSquaresLine(x, y []float64) (b0, b1 float64) {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i] / n
		my += y[i] / n
	}
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	b1 = sxy / sxx
	return my - b1*mx, b1
}

// mse and gradStep recompute J(θ) = (1/n)Σ(θ₀ + θ₁x − y)² and one step
// θ − η·(2/n)Σ(θ₀ + θ₁x − y)(1, x) from data.csv.
func mse(x, y []float64, th []float64) float64 {
	var s float64
	for i := range x {
		r := th[0] + th[1]*x[i] - y[i]
		s += r * r
	}
	return s / float64(len(x))
}

func gradStep(x, y []float64, th []float64, lr float64) []float64 {
	var g0, g1 float64
	n := float64(len(x))
	for i := range x {
		r := th[0] + th[1]*x[i] - y[i]
		g0 += 2 * r / n
		g1 += 2 * r * x[i] / n
	}
	return []float64{th[0] - lr*g0, th[1] - lr*g1}
}

// twoOverL is 2 / the largest eigenvalue of H = (2/n)[[n, Σx], [Σx, Σx²]].
func twoOverL(x []float64) float64 {
	n := float64(len(x))
	var sx, sxx float64
	for _, v := range x {
		sx += v
		sxx += v * v
	}
	a, b, d := 2.0, 2*sx/n, 2*sxx/n
	return 2 / ((a+d)/2 + math.Sqrt((a-d)*(a-d)/4+b*b))
}

func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestFrameContract recomputes, from data.csv alone, the closed form with
// the textbook formula, every gradient step from the previous frame's θ,
// the MSE and 2/h; and checks that a converging run ends at θ*.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "lr=0.05&n=60&seed=7", "lr=0.45&noise=1", "n=10&points=0.5:3,2.5:-1&lr=0.1", "noise=0&n=5"} {
		r := scenariotest.NewRun(t, sc, query)
		x, y := samples(t, r)
		f := scenariotest.Decode[frame](t, r, false)
		b0, b1 := leastSquaresLine(x, y)
		if !close(f.State.ThetaClosedForm[0], b0, 1e-9) || !close(f.State.ThetaClosedForm[1], b1, 1e-9) {
			t.Fatalf("%q: theta_closed_form %v, textbook least squares (%v, %v)", query, f.State.ThetaClosedForm, b0, b1)
		}
		if !close(f.State.MaxStableRate, twoOverL(x), 1e-9) {
			t.Errorf("%q: 2/h %v, want %v", query, f.State.MaxStableRate, twoOverL(x))
		}
		if f.Step != 0 || f.State.Theta[0] != 0 || f.State.Theta[1] != 0 {
			t.Fatalf("%q: step 0 θ = %v, want (0, 0)", query, f.State.Theta)
		}
		lr := f.State.LearningRate
		prev := f
		for !f.Done {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			want := gradStep(x, y, prev.State.Theta, lr)
			if !close(f.State.Theta[0], want[0], 1e-9) || !close(f.State.Theta[1], want[1], 1e-9) {
				t.Fatalf("%q step %d: θ = %v, one gradient step from %v gives %v", query, f.Step, f.State.Theta, prev.State.Theta, want)
			}
			if got, want := *f.Metrics["mse"], mse(x, y, f.State.Theta); !close(got, want, 1e-9) {
				t.Fatalf("%q step %d: mse %v, want %v", query, f.Step, got, want)
			}
			if f.Metrics["mse"] != nil && *f.Metrics["mse"] > *prev.Metrics["mse"]*(1+1e-12) {
				t.Fatalf("%q step %d: MSE rose with η = %v < 2/h", query, f.Step, lr)
			}
			prev = f
		}
		if f.State.Diverged || !strings.HasPrefix(f.Note, "Converged") {
			t.Errorf("%q: ended at step %d, diverged=%v, note %q", query, f.Step, f.State.Diverged, f.Note)
		}
		if !close(f.State.Theta[0], b0, 1e-5) || !close(f.State.Theta[1], b1, 1e-5) {
			t.Errorf("%q: converged to %v, least squares (%v, %v)", query, f.State.Theta, b0, b1)
		}
	}
}

// Above 2/h the run diverges, stops, and says why; the state stays finite.
func TestDivergence(t *testing.T) {
	for _, lr := range []string{"0.6", "2"} {
		r := scenariotest.NewRun(t, sc, "lr="+lr)
		x, _ := samples(t, r)
		limit := twoOverL(x)
		f := scenariotest.Decode[frame](t, r, false)
		if !strings.Contains(f.Note, "above 2/h") {
			t.Errorf("lr=%s: step 0 note %q does not warn", lr, f.Note)
		}
		if err := r.Advance(sc.MaxSteps); err != nil {
			t.Fatal(err)
		}
		f = scenariotest.Decode[frame](t, r, false)
		if !f.Done || !f.State.Diverged || f.Step >= sc.MaxSteps || f.State.LearningRate <= limit {
			t.Fatalf("lr=%s (2/h = %v): step %d done=%v diverged=%v", lr, limit, f.Step, f.Done, f.State.Diverged)
		}
		if !strings.HasPrefix(f.Note, "Diverged") || !strings.Contains(f.Note, "above 2/h = "+strconv.FormatFloat(limit, 'f', 3, 64)) {
			t.Errorf("lr=%s: note %q", lr, f.Note)
		}
		// At lr = 0.6 (2/h ≈ 0.485) the MSE grows about (ηh − 1)² ≈ 2.2-fold
		// an epoch, past 10⁶ times its start in about 18; 40 leaves room.
		scenariotest.Diverges(t, sc, "lr="+lr, 40, "learning rate η = "+lr, "Lower η below")
		if math.IsInf(f.State.Theta[0], 0) || math.IsNaN(f.State.Theta[1]) || f.Metrics["mse"] == nil {
			t.Errorf("lr=%s: last state not finite: %v %v", lr, f.State.Theta, f.Metrics)
		}
		for _, panel := range []string{"data", "contours", "loss"} {
			if _, _, err := r.SVG(panel); err != nil {
				t.Errorf("lr=%s: panel %s: %v", lr, panel, err)
			}
		}
	}
}

// With fewer than two distinct x the run waits for clicks instead of failing.
func TestTooFewPoints(t *testing.T) {
	for _, q := range []string{"n=0", "n=0&points=1:1", "n=0&points=1:1,1:2"} {
		r := scenariotest.NewRun(t, sc, q)
		f := scenariotest.Decode[frame](t, r, false)
		if !f.Done || !strings.Contains(f.Note, "at least two samples") {
			t.Errorf("%s: done=%v note %q", q, f.Done, f.Note)
		}
		for _, panel := range []string{"data", "contours", "loss"} {
			if _, _, err := r.SVG(panel); err != nil {
				t.Errorf("%s: panel %s: %v", q, panel, err)
			}
		}
	}
	// Two clicked points fix the line through them: y = 1 + 2x.
	r := scenariotest.NewRun(t, sc, "n=0&points=0:1,1:3")
	f := scenariotest.Decode[frame](t, r, false)
	if f.Done || !close(f.State.ThetaClosedForm[0], 1, 1e-12) || !close(f.State.ThetaClosedForm[1], 2, 1e-12) {
		t.Errorf("two points: %+v", f.State)
	}
	x, _ := samples(t, r)
	if len(x) != 2 || x[0] != 0 || x[1] != 1 {
		t.Errorf("data.csv x = %v, want the two clicked points", x)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "lr=0", "lr=2.5", "lr=abc", "n=-1", "n=201", "noise=-0.1", "noise=4", "points=1:2:3", "seed=-1")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&lr=0.4", 6)
	c := scenariotest.NewRun(t, sc, "seed=4&lr=0.4")
	scenariotest.SeedsDiffer(t, a, c)
}

// The frame must stay small enough to stream several times a second, at
// the start, late in a run and after a divergence.
func TestFrameSize(t *testing.T) {
	for _, c := range []struct {
		q     string
		steps int
	}{{"", 3}, {"", 2000}, {"n=200", 3}, {"lr=0.6", 3000}, {"lr=0.001", 3000}} {
		r := scenariotest.NewRun(t, sc, c.q)
		r.Advance(c.steps)
		b, err := r.JSON(true)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%q after %d steps: %d bytes", c.q, c.steps, len(b))
		if limit := 32 << 10; len(b) > limit {
			t.Errorf("%q after %d steps: frame is %d bytes, budget %d", c.q, c.steps, len(b), limit)
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "lr=0.01")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }
