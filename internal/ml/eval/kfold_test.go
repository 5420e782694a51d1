package eval

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
	"github.com/mlplayground/playground/internal/ml/linear"
)

// kfoldFixture is written by testdata/gen_kfold.py (scikit-learn 1.2.1,
// NumPy 1.24.2).
type kfoldFixture struct {
	Sizes []struct {
		N     int   `json:"n"`
		K     int   `json:"k"`
		Sizes []int `json:"sizes"`
	} `json:"sizes"`
	CV struct {
		X      []float64 `json:"x"`
		Y      []float64 `json:"y"`
		K      int       `json:"k"`
		Folds  []int     `json:"folds"`
		Scores []struct {
			Degree  int       `json:"degree"`
			FoldMSE []float64 `json:"fold_mse"`
			Mean    float64   `json:"mean"`
			Std     float64   `json:"std"`
		} `json:"scores"`
	} `json:"cv"`
}

// The fold sizes must be scikit-learn's KFold(shuffle=True) sizes, fold
// by fold, whatever the shuffle.
func TestKFoldSizesMatchScikitLearn(t *testing.T) {
	var fx kfoldFixture
	mltest.LoadFixture(t, "kfold.json", &fx)
	for _, c := range fx.Sizes {
		for seed := range uint64(3) {
			folds := KFold(c.N, c.K, rand.New(rand.NewPCG(seed, 1)))
			got := make([]int, c.K)
			for _, f := range folds {
				got[f]++ // panics on a fold outside 0..k−1
			}
			if !slices.Equal(got, c.Sizes) {
				t.Errorf("n=%d, k=%d, seed %d: sizes %v, scikit-learn %v", c.N, c.K, seed, got, c.Sizes)
			}
		}
	}
}

// A shuffled assignment puts every sample in every fold equally often.
// Over 4000 draws of 10 samples into 5 folds each (sample, fold) count is
// Binomial(4000, 0.2): mean 800, sd 25.3; the tolerance is 5 sd.
func TestKFoldShuffles(t *testing.T) {
	const n, k, draws = 10, 5, 4000
	rng := rand.New(rand.NewPCG(21, 22))
	var count [n][k]int
	for range draws {
		for i, f := range KFold(n, k, rng) {
			count[i][f]++
		}
	}
	for i := range n {
		for f := range k {
			if d := math.Abs(float64(count[i][f]) - draws/k); d > 5*25.3 {
				t.Errorf("sample %d in fold %d %d times of %d, expected about %d", i, f, count[i][f], draws, draws/k)
			}
		}
	}
	// One seed, one assignment.
	a := KFold(50, 7, rand.New(rand.NewPCG(1, 2)))
	b := KFold(50, 7, rand.New(rand.NewPCG(1, 2)))
	if !slices.Equal(a, b) {
		t.Error("the same seed gives different folds")
	}
}

// Per-fold validation MSE against numpy.polyfit fits on the same folds
// (scikit-learn's KFold, stored in the fixture), one PolyCrossValidation
// step per (degree, fold). The bases differ (Legendre by SVD vs
// monomials); at degree ≤ 8 on 25 samples they agree to about 1e-11;
// tolerance 1e-8 relative.
func TestPolyCrossValidationMatchesNumPy(t *testing.T) {
	var fx kfoldFixture
	mltest.LoadFixture(t, "kfold.json", &fx)
	cv := fx.CV
	if len(cv.Scores) != 8 {
		t.Fatalf("fixture has %d degrees", len(cv.Scores))
	}
	c, err := NewPolyCrossValidation(cv.X, cv.Y, nil, nil, cv.Folds, cv.K, len(cv.Scores))
	if err != nil {
		t.Fatal(err)
	}
	best := 0
	for i, want := range cv.Scores {
		for range cv.K {
			c.Step()
		}
		if err := c.Err(); err != nil {
			t.Fatal(err)
		}
		got := c.Scores()[i]
		if got.Degree != want.Degree || len(got.FoldMSE) != cv.K {
			t.Fatalf("score %d is degree %d with %d folds, want degree %d with %d", i, got.Degree, len(got.FoldMSE), want.Degree, cv.K)
		}
		for f, v := range got.FoldMSE {
			if !mltest.CloseTo(v, want.FoldMSE[f], 1e-8, want.FoldMSE[f]) {
				t.Errorf("degree %d, fold %d: MSE %.12g, numpy %.12g", want.Degree, f, v, want.FoldMSE[f])
			}
		}
		if !mltest.CloseTo(got.Mean, want.Mean, 1e-8, want.Mean) || !mltest.CloseTo(got.Std, want.Std, 1e-8, want.Std) {
			t.Errorf("degree %d: %.12g ± %.12g, numpy %.12g ± %.12g", want.Degree, got.Mean, got.Std, want.Mean, want.Std)
		}
		if want.Mean < cv.Scores[best].Mean {
			best = i
		}
	}
	if c.Phase() != PhaseCV || c.Chosen() != cv.Scores[best].Degree {
		t.Errorf("after every fit: phase %q, chosen %d; want %q, numpy's best degree %d", c.Phase(), c.Chosen(), PhaseCV, cv.Scores[best].Degree)
	}
}

// The refit and the test: the refit is linear.RidgePoly of the chosen degree on
// all training data, and the test set is read by the last step only.
func TestPolyCrossValidationRefitAndTest(t *testing.T) {
	x, y := []float64{-1, -0.5, 0, 0.5, 1, -0.75, 0.25, 0.75}, []float64{1, 0.3, 0, 0.2, 1, 0.6, 0.1, 0.5}
	folds := []int{0, 1, 0, 1, 0, 1, 0, 1}
	testX, testY := []float64{-0.25, 0.6}, []float64{0.05, 0.4}
	c, err := NewPolyCrossValidation(x, y, testX, testY, folds, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c.Phase() != PhaseSplit || c.Done() || !math.IsNaN(c.TestMSE()) {
		t.Fatalf("at the start: phase %q, done %v, test MSE %v", c.Phase(), c.Done(), c.TestMSE())
	}
	for range 2 * 3 {
		c.Step()
	}
	c.Step()
	w, d, held := c.Fit()
	want, _ := linear.RidgePoly(x, y, c.Chosen(), 0)
	if c.Phase() != PhaseRefit || d != c.Chosen() || held != -1 || !slices.Equal(w, want) {
		t.Errorf("refit: phase %q, degree %d (chosen %d), held out %d, weights %v; want %v", c.Phase(), d, c.Chosen(), held, w, want)
	}
	if got := c.TrainMSE(); got != linear.PolyMSE(want, x, y) || !math.IsNaN(c.TestMSE()) {
		t.Errorf("refit: train MSE %v, test MSE %v (want NaN until the test)", got, c.TestMSE())
	}
	c.Step()
	if !c.Done() || c.Phase() != PhaseTest || c.TestMSE() != linear.PolyMSE(want, testX, testY) {
		t.Errorf("test: done %v, phase %q, test MSE %v", c.Done(), c.Phase(), c.TestMSE())
	}
	c.Step()
	if c.Phase() != PhaseTest {
		t.Error("a step after Done changed the phase")
	}
}

// A hand-worked fold: y = x² sampled at −1, 0, 1 (training) and 0.5
// (validation). The line through the three training points by least
// squares is y = 2/3, so the validation error is (2/3 − 1/4)² = 25/144.
func TestPolyFoldFitHandWorked(t *testing.T) {
	x := []float64{-1, 0, 0.5, 1}
	y := []float64{1, 0, 0.25, 1}
	folds := []int{0, 0, 1, 0}
	w, mse, err := PolyFoldFit(x, y, folds, 1, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := 25.0 / 144; !mltest.CloseTo(mse, want, 1e-14, 1) {
		t.Errorf("validation MSE %.17g, want 25/144", mse)
	}
	if got := linear.PolyPredictLegendre(w, 0.3); !mltest.CloseTo(got, 2.0/3, 1e-14, 1) {
		t.Errorf("fitted line at 0.3: %g, want 2/3", got)
	}
}

func TestKFoldErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	mltest.MustPanic(t, "k=1", func() { KFold(5, 1, rng) })
	mltest.MustPanic(t, "k>n", func() { KFold(3, 4, rng) })
	mltest.MustPanic(t, "lengths", func() { PolyFoldFit([]float64{0}, []float64{0, 1}, []int{0}, 0, 1, 0) })
	x, y := []float64{0, 0.5}, []float64{1, 2}
	if _, _, err := PolyFoldFit(x, y, []int{0, 0}, 1, 1, 0); !errors.Is(err, linear.ErrPolyInput) {
		t.Errorf("empty validation fold: %v", err)
	}
	if _, _, err := PolyFoldFit(x, y, []int{0, 0}, 0, 1, 0); !errors.Is(err, linear.ErrPolyInput) {
		t.Errorf("empty training side: %v", err)
	}
	if _, err := NewPolyCrossValidation(x, y, nil, nil, []int{0, 1}, 3, 1); !errors.Is(err, linear.ErrPolyInput) {
		t.Errorf("fold 2 empty: %v", err)
	}
	if _, err := NewPolyCrossValidation(x, y, nil, nil, []int{0, 3}, 3, 1); !errors.Is(err, linear.ErrPolyInput) {
		t.Errorf("fold out of range: %v", err)
	}
}
