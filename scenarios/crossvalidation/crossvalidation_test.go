package crossvalidation

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"` // nil: not defined yet (JSON null)
	State   struct {
		Phase     string `json:"phase"`
		Folds     []int  `json:"folds"`
		FoldSizes []int  `json:"fold_sizes"`
		Scores    []struct {
			Degree  int       `json:"degree"`
			FoldMSE []float64 `json:"fold_mse"`
			Mean    float64   `json:"mean"`
			Std     float64   `json:"std"`
		} `json:"scores"`
		Degree       int       `json:"degree"`
		HeldOutFold  int       `json:"held_out_fold"`
		Coefficients []float64 `json:"coefficients"`
		ChosenDegree int       `json:"chosen_degree"`
		TestUsed     bool      `json:"test_used"`
	} `json:"state"`
}

type sample struct {
	x, y float64
	fold int
}

// readData reads data.csv back into its training samples (with folds) and
// test samples.
func readData(t testing.TB, r *lab.Run) (train, test []sample) {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if strings.Join(rows[0], ",") != "x,y,split,fold" {
		t.Fatalf("header %v", rows[0])
	}
	for _, row := range rows[1:] {
		x, _ := strconv.ParseFloat(row[0], 64)
		y, _ := strconv.ParseFloat(row[1], 64)
		switch row[2] {
		case "train":
			f, err := strconv.Atoi(row[3])
			if err != nil {
				t.Fatalf("fold %q", row[3])
			}
			train = append(train, sample{x, y, f})
		case "test":
			if row[3] != "" || len(train) == 0 {
				t.Fatalf("test row %v", row)
			}
			test = append(test, sample{x, y, -1})
		default:
			t.Fatalf("split %q", row[2])
		}
	}
	return train, test
}

// lsq fits the samples by scenariotest.PolyFit.
func lsq(s []sample, degree int) []float64 {
	x, y := make([]float64, len(s)), make([]float64, len(s))
	for i, p := range s {
		x[i], y[i] = p.x, p.y
	}
	return scenariotest.PolyFit(x, y, degree)
}

func mseOf(c []float64, s []sample) float64 {
	var sum float64
	for _, p := range s {
		var v float64
		for i := len(c) - 1; i >= 0; i-- {
			v = v*p.x + c[i]
		}
		sum += (v - p.y) * (v - p.y)
	}
	return sum / float64(len(s))
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1e-6)
}

// TestFrameContract replays whole runs and recomputes from data.csv alone:
// the split and fold sizes, every fold's validation MSE with an
// independent least-squares fit (1e-8 relative; the fits differ by
// rounding of about 1e-12), the mean ± sd, the chosen degree, the refit
// and the test MSE, and that the test MSE appears only at the last step.
func TestFrameContract(t *testing.T) {
	for _, q := range []string{"max_degree=5", "folds=3&max_degree=4&n=25&seed=7", "folds=10&max_degree=3&n=60&noise=0.5", "folds=2&max_degree=5&n=8"} {
		r := scenariotest.NewRun(t, sc, q)
		train, test := readData(t, r)
		k, maxDeg, n := foldsParam.Get(r.Values), maxDegreeParam.Get(r.Values), nParam.Get(r.Values)
		if want := int(math.Round(float64(n) / 4)); len(test) != want || len(train) != n-want {
			t.Fatalf("%q: %d train and %d test rows, want %d test", q, len(train), len(test), want)
		}
		f := scenariotest.Decode[frame](t, r, false)
		if f.Step != 0 || f.State.Phase != "split" || len(f.State.Scores) != 0 || f.State.ChosenDegree != 0 {
			t.Fatalf("%q: step 0 %+v", q, f.State)
		}
		// Folds: as in data.csv, and scikit-learn's sizes.
		sizes := make([]int, k)
		for i, s := range train {
			if f.State.Folds[i] != s.fold {
				t.Fatalf("%q: sample %d in fold %d, data.csv says %d", q, i, f.State.Folds[i], s.fold)
			}
			sizes[s.fold]++
		}
		for fold, size := range sizes {
			want := len(train) / k
			if fold < len(train)%k {
				want++
			}
			if size != want || f.State.FoldSizes[fold] != size {
				t.Fatalf("%q: fold %d has %d samples (state %d), want %d", q, fold, size, f.State.FoldSizes[fold], want)
			}
		}
		foldMSE := make([][]float64, maxDeg)
		for {
			if f.Metrics["test_mse"] != nil || f.State.TestUsed != f.Done {
				t.Fatalf("%q step %d (%s): test MSE %v before the last step", q, f.Step, f.State.Phase, f.Metrics["test_mse"])
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			cv := k * maxDeg
			switch {
			case f.Step <= cv:
				deg, fold := (f.Step-1)/k+1, (f.Step-1)%k
				if f.State.Phase != "cv" || f.State.Degree != deg || f.State.HeldOutFold != fold || len(f.State.Scores) != deg {
					t.Fatalf("%q step %d: phase %s degree %d fold %d, want cv %d %d", q, f.Step, f.State.Phase, f.State.Degree, f.State.HeldOutFold, deg, fold)
				}
				var fit, val []sample
				for _, s := range train {
					if s.fold == fold {
						val = append(val, s)
					} else {
						fit = append(fit, s)
					}
				}
				sc := f.State.Scores[deg-1]
				if len(sc.FoldMSE) != fold+1 {
					t.Fatalf("%q step %d: %d fold scores for degree %d", q, f.Step, len(sc.FoldMSE), deg)
				}
				want := sc.FoldMSE[fold]
				if len(fit) > deg {
					want = mseOf(lsq(fit, deg), val)
				} // else an under-determined fit: ml's minimum-norm choice has no independent check here

				if sc.Degree != deg || len(sc.FoldMSE) != fold+1 || !near(sc.FoldMSE[fold], want, 1e-8) || !near(*f.Metrics["fold_mse"], want, 1e-8) {
					t.Fatalf("%q step %d: score %+v, fold %d MSE from data.csv %v", q, f.Step, sc, fold, want)
				}
				foldMSE[deg-1] = append(foldMSE[deg-1], want)
				var mean, ss float64
				for _, v := range foldMSE[deg-1] {
					mean += v / float64(fold+1)
				}
				for _, v := range foldMSE[deg-1] {
					ss += (v - mean) * (v - mean) / float64(fold+1)
				}
				if !near(sc.Mean, mean, 1e-8) || !near(sc.Std, math.Sqrt(ss), 1e-6) {
					t.Fatalf("%q step %d: %v ± %v, want %v ± %v", q, f.Step, sc.Mean, sc.Std, mean, math.Sqrt(ss))
				}
			case f.Step == cv+1:
				best := 0
				for d := range foldMSE {
					if f.State.Scores[d].Mean < f.State.Scores[best].Mean {
						best = d
					}
				}
				if f.State.Phase != "refit" || f.State.ChosenDegree != best+1 || f.State.Degree != best+1 || f.State.HeldOutFold != -1 {
					t.Fatalf("%q step %d: %s, chosen %d, want refit of %d", q, f.Step, f.State.Phase, f.State.ChosenDegree, best+1)
				}
				c := lsq(train, best+1)
				if got, want := *f.Metrics["train_mse"], mseOf(c, train); !near(got, want, 1e-8) {
					t.Fatalf("%q: refit training MSE %v, from data.csv %v", q, got, want)
				}
				if got, want := mseOf(f.State.Coefficients, train), mseOf(c, train); !near(got, want, 1e-8) {
					t.Fatalf("%q: the state's coefficients give %v on the training data, want %v", q, got, want)
				}
			default:
				if f.State.Phase != "test" || !f.Done || f.Step != cv+2 || !f.State.TestUsed {
					t.Fatalf("%q step %d: phase %s done %v", q, f.Step, f.State.Phase, f.Done)
				}
				want := mseOf(lsq(train, f.State.ChosenDegree), test)
				if got := f.Metrics["test_mse"]; got == nil || !near(*got, want, 1e-8) {
					t.Fatalf("%q: test MSE %v, from data.csv %v", q, got, want)
				}
				if !strings.Contains(f.Note, "first and only time") {
					t.Errorf("%q: last note %q", q, f.Note)
				}
			}
			if f.Done {
				break
			}
		}
	}
}

// The folds are a shuffle, not consecutive blocks of the data.
func TestFoldsShuffled(t *testing.T) {
	f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, ""), false)
	if slices.IsSorted(f.State.Folds) {
		t.Errorf("folds %v are in blocks", f.State.Folds)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.RunRejects(t, sc, "folds=1", "folds=11", "max_degree=0", "max_degree=16", "n=7", "n=301", "noise=2", "folds=7&n=8", "folds=10&n=12")
	// The most folds the training data allow: 9 of 12 samples train.
	if _, err := scenariotest.TryRun(t, sc, "folds=9&n=12"); err != nil {
		t.Errorf("folds=9&n=12: %v", err)
	}
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&max_degree=3", -1)
	c := scenariotest.NewRun(t, sc, "seed=4&max_degree=3")
	c.Advance(sc.MaxSteps)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "max_degree=15&folds=10", "n=300"} {
		r := scenariotest.NewRun(t, sc, q)
		for _, steps := range []int{7, sc.MaxSteps} {
			r.Advance(steps)
			b, err := r.JSON(true)
			if err != nil {
				t.Fatal(err)
			}
			limit := 32 << 10
			switch q {
			case "n=300":
				limit = 64 << 10 // 7.5 times the default sample count
			case "max_degree=15&folds=10":
				limit = 40 << 10 // three times the default number of fold scores
			}
			if len(b) > limit {
				t.Errorf("%q: frame at step %d is %d bytes, budget %d", q, r.StepNumber(), len(b), limit)
			}
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	r := scenariotest.NewRun(b, sc, "")
	r.Advance(25) // mid-run: half the degrees scored
	scenariotest.StepAndFrameLoop(b, r, func() {
		r.Reset()
		r.Advance(25)
	})
}
