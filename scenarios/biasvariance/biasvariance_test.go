package biasvariance

import (
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
		Trials      int       `json:"trials"`
		Degree      int       `json:"degree"`
		Degrees     []int     `json:"degrees"`
		Bias2       []float64 `json:"bias2"`
		Variance    []float64 `json:"variance"`
		Noise       []float64 `json:"noise"`
		ExpectedMSE []float64 `json:"expected_mse"`
		BestDegree  int       `json:"best_degree"`
	} `json:"state"`
}

// dataset is data.csv read back: the training sets by trial and the test
// grid with its noise-free truth.
type dataset struct {
	trainX, trainY [][]float64
	testX, testF   []float64
}

func readData(t testing.TB, r *lab.Run) dataset {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if strings.Join(rows[0], ",") != "x,y,split,trial" {
		t.Fatalf("header %v", rows[0])
	}
	var d dataset
	for _, row := range rows[1:] {
		x, _ := strconv.ParseFloat(row[0], 64)
		y, _ := strconv.ParseFloat(row[1], 64)
		switch row[2] {
		case "train":
			tr, err := strconv.Atoi(row[3])
			if err != nil || tr < 1 || tr > len(d.trainX)+1 {
				t.Fatalf("trial %q out of order", row[3])
			}
			if tr > len(d.trainX) {
				d.trainX, d.trainY = append(d.trainX, nil), append(d.trainY, nil)
			}
			d.trainX[tr-1] = append(d.trainX[tr-1], x)
			d.trainY[tr-1] = append(d.trainY[tr-1], y)
		case "test":
			if row[3] != "" {
				t.Fatalf("test row with trial %q", row[3])
			}
			d.testX, d.testF = append(d.testX, x), append(d.testF, y)
		default:
			t.Fatalf("split %q", row[2])
		}
	}
	return d
}

func horner(c []float64, x float64) float64 {
	var s float64
	for i := len(c) - 1; i >= 0; i-- {
		s = s*x + c[i]
	}
	return s
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1e-6)
}

// checkedDegrees are recomputed from data.csv with lsq; higher degrees are
// checked for the decomposition identity only.
const checkedDegrees = 5

// TestFrameContract recomputes, at every step and from data.csv alone,
// each degree's bias² and variance over the trials fitted so far, with an
// independent least-squares fit; tolerance 1e-8 relative (the two fits
// differ by rounding of about 1e-12).
func TestFrameContract(t *testing.T) {
	for _, q := range []string{"trials=6&n=12&degree=2", "", "noise=0&trials=3&n=8", "noise=1.2&trials=4&n=40&seed=9&degree=12"} {
		r := scenariotest.NewRun(t, sc, q)
		d := readData(t, r)
		trials, n, sigma := trialsParam.Get(r.Values), nParam.Get(r.Values), noiseParam.Get(r.Values)
		if len(d.trainX) != trials || len(d.testX) != testPoints {
			t.Fatalf("%q: %d training sets and %d test points in data.csv", q, len(d.trainX), len(d.testX))
		}
		for tr := range d.trainX {
			if len(d.trainX[tr]) != n {
				t.Fatalf("%q: trial %d has %d samples", q, tr+1, len(d.trainX[tr]))
			}
		}
		for j, x := range d.testX {
			if !near(d.testF[j], math.Sin(math.Pi*x), 1e-15) || x <= -1 || x >= 1 {
				t.Fatalf("%q: test row %d (%v, %v) is not on sin(πx) inside (−1, 1)", q, j, x, d.testF[j])
			}
		}
		for {
			f := scenariotest.Decode[frame](t, r, false)
			if f.State.Trials != f.Step+1 || len(f.State.Bias2) != maxDegree || len(f.State.Degrees) != maxDegree {
				t.Fatalf("%q step %d: %d trials, %d degrees", q, f.Step, f.State.Trials, len(f.State.Bias2))
			}
			for deg := 1; deg <= maxDegree; deg++ {
				i := deg - 1
				if f.State.Degrees[i] != deg || f.State.Noise[i] != sigma*sigma {
					t.Fatalf("%q step %d: degree %d noise %v, want σ² = %v", q, f.Step, f.State.Degrees[i], f.State.Noise[i], sigma*sigma)
				}
				if sum := f.State.Bias2[i] + f.State.Variance[i] + f.State.Noise[i]; math.Abs(f.State.ExpectedMSE[i]-sum) > 1e-12*sum {
					t.Fatalf("%q step %d degree %d: expected_mse %v ≠ bias² + variance + noise %v", q, f.Step, deg, f.State.ExpectedMSE[i], sum)
				}
				if deg > checkedDegrees {
					continue
				}
				preds := make([][]float64, f.State.Trials)
				mean := make([]float64, len(d.testX))
				for tr := range preds {
					c := scenariotest.PolyFit(d.trainX[tr], d.trainY[tr], deg)
					for j, x := range d.testX {
						p := horner(c, x)
						preds[tr] = append(preds[tr], p)
						mean[j] += p / float64(f.State.Trials)
					}
				}
				var bias2, variance float64
				for j := range d.testX {
					bias2 += (mean[j] - d.testF[j]) * (mean[j] - d.testF[j]) / float64(len(d.testX))
					for tr := range preds {
						e := preds[tr][j] - mean[j]
						variance += e * e / float64(len(d.testX)*len(preds))
					}
				}
				if !near(f.State.Bias2[i], bias2, 1e-8) || !near(f.State.Variance[i], variance, 1e-8) {
					t.Fatalf("%q step %d degree %d: bias² %v variance %v, from data.csv %v and %v",
						q, f.Step, deg, f.State.Bias2[i], f.State.Variance[i], bias2, variance)
				}
			}
			i := f.State.Degree - 1
			if f.Metrics["bias2"] != f.State.Bias2[i] || f.Metrics["variance"] != f.State.Variance[i] || f.Metrics["expected_mse"] != f.State.ExpectedMSE[i] {
				t.Fatalf("%q step %d: metrics %v are not the state's degree %d", q, f.Step, f.Metrics, f.State.Degree)
			}
			if f.Step == 0 && f.State.Variance[0] != 0 {
				t.Errorf("%q: one trial has variance %v", q, f.State.Variance[0])
			}
			if f.Done {
				if f.Step != trials-1 {
					t.Errorf("%q: done at step %d, want %d", q, f.Step, trials-1)
				}
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// With the defaults the lesson shows: degree 1 is mostly bias, the
// flexible degrees mostly variance, and the best degree is in between.
func TestDefaultShowsTradeoff(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	r.Advance(sc.MaxSteps)
	f := scenariotest.Decode[frame](t, r, false)
	s := f.State
	if s.Bias2[0] < 3*s.Variance[0] {
		t.Errorf("degree 1: bias² %v not well above variance %v", s.Bias2[0], s.Variance[0])
	}
	if s.Variance[10] < 3*s.Bias2[10] || s.Variance[10] < 3*s.Variance[0] {
		t.Errorf("degree 11: variance %v, bias² %v, degree 1 variance %v", s.Variance[10], s.Bias2[10], s.Variance[0])
	}
	if s.BestDegree < 2 || s.BestDegree > 8 {
		t.Errorf("best degree %d, want one in between", s.BestDegree)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.RunRejects(t, sc, "degree=0", "degree=13", "trials=1", "trials=101", "n=4", "n=201", "noise=-0.1", "noise=2", "seed=-1")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&trials=5", 5)
	c := scenariotest.NewRun(t, sc, "seed=4&trials=5")
	c.Advance(4)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "degree=12", "trials=100&degree=1"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(sc.MaxSteps)
		b, err := r.JSON(true)
		if err != nil {
			t.Fatal(err)
		}
		limit := 32 << 10
		if q != "" {
			// Degree 12 draws each fit with 108 points to show its
			// wiggles; 100 trials draw up to 100 fits. maxFanPoints
			// bounds both.
			limit = 64 << 10
		}
		if len(b) > limit {
			t.Errorf("%q: frame at step %d is %d bytes, budget %d", q, r.StepNumber(), len(b), limit)
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	r := scenariotest.NewRun(b, sc, "")
	r.Advance(20) // a mid-run frame: a fan of 21 fits
	scenariotest.StepAndFrameLoop(b, r, func() {
		r.Reset()
		r.Advance(20)
	})
}
