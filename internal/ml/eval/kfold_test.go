package eval

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/ml/num"
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
// (scikit-learn's KFold, stored in the fixture). The bases differ
// (Legendre by SVD vs monomials); at degree ≤ 8 on 25 samples they agree
// to about 1e-11; tolerance 1e-8 relative.
func TestCrossValidatePolyMatchesNumPy(t *testing.T) {
	var fx kfoldFixture
	mltest.LoadFixture(t, "kfold.json", &fx)
	cv := fx.CV
	if len(cv.Scores) != 8 {
		t.Fatalf("fixture has %d degrees", len(cv.Scores))
	}
	for _, s := range cv.Scores {
		got, err := CrossValidatePoly(cv.X, cv.Y, cv.Folds, cv.K, s.Degree, 0)
		if err != nil {
			t.Fatal(err)
		}
		for f := range got {
			if !mltest.CloseTo(got[f], s.FoldMSE[f], 1e-8, s.FoldMSE[f]) {
				t.Errorf("degree %d, fold %d: MSE %.12g, numpy %.12g", s.Degree, f, got[f], s.FoldMSE[f])
			}
		}
		mean, std := num.MeanStd(got)
		if !mltest.CloseTo(mean, s.Mean, 1e-8, s.Mean) || !mltest.CloseTo(std, s.Std, 1e-8, s.Std) {
			t.Errorf("degree %d: %.12g ± %.12g, numpy %.12g ± %.12g", s.Degree, mean, std, s.Mean, s.Std)
		}
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

func TestMeanStd(t *testing.T) {
	// mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over 4.
	if m, s := num.MeanStd([]float64{1, 2, 3, 4}); m != 2.5 || !mltest.CloseTo(s, math.Sqrt(1.25), 1e-15, 1) {
		t.Errorf("MeanStd(1..4) = %g, %g; want 2.5, √1.25", m, s)
	}
	if m, s := num.MeanStd([]float64{7}); m != 7 || s != 0 {
		t.Errorf("MeanStd(7) = %g, %g", m, s)
	}
	if m, s := num.MeanStd(nil); !math.IsNaN(m) || !math.IsNaN(s) {
		t.Errorf("MeanStd(nil) = %g, %g; want NaN", m, s)
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
	if _, err := CrossValidatePoly(x, y, []int{0, 1}, 3, 1, 0); !errors.Is(err, linear.ErrPolyInput) {
		t.Errorf("fold 2 empty: %v", err)
	}
}
