package eval

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
	"github.com/mlplayground/playground/internal/ml/linear"
)

// biasVarianceFixture is written by testdata/gen_biasvariance.py (NumPy
// 1.24.2).
type biasVarianceFixture struct {
	Arrays struct {
		Truth       []float64   `json:"truth"`
		Predictions [][]float64 `json:"predictions"`
		NoiseVar    float64     `json:"noise_var"`
		Bias2       float64     `json:"bias2"`
		Variance    float64     `json:"variance"`
		ExpectedMSE float64     `json:"expected_mse"`
	} `json:"arrays"`
	Experiment struct {
		TrainX    [][]float64 `json:"train_x"`
		TrainY    [][]float64 `json:"train_y"`
		TestX     []float64   `json:"test_x"`
		Truth     []float64   `json:"truth"`
		NoiseVar  float64     `json:"noise_var"`
		MaxDegree int         `json:"max_degree"`
		After     map[string][]struct {
			Degree      int     `json:"degree"`
			Bias2       float64 `json:"bias2"`
			Variance    float64 `json:"variance"`
			ExpectedMSE float64 `json:"expected_mse"`
		} `json:"after"`
	} `json:"experiment"`
}

// A hand-worked case: truth 0 at two points, two fits (1, 3) and (3, 1).
// The mean fit is 2 everywhere, so bias² = 4; each point's fits are 2 ± 1,
// so the variance is 1; with σ² = 0.5 the expected MSE is 5.5.
func TestDecomposeBiasVarianceHandWorked(t *testing.T) {
	got := DecomposeBiasVariance([]float64{0, 0}, [][]float64{{1, 3}, {3, 1}}, 0.5)
	want := BiasVariance{Bias2: 4, Variance: 1, Noise: 0.5, ExpectedMSE: 5.5}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// bias² + variance is exactly the mean squared distance of the fits from
// the truth, (1/(Tm)) Σ_t Σ_j (ŷ_t(x_j) − f(x_j))², an algebraic identity;
// the only error is rounding, so the tolerance is 1e-12 relative.
func TestBiasPlusVarianceIsMeanSquaredDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range [][2]int{{1, 1}, {2, 5}, {30, 50}, {100, 7}} {
		trials, m := size[0], size[1]
		truth := make([]float64, m)
		for j := range truth {
			truth[j] = rng.NormFloat64()
		}
		preds := make([][]float64, trials)
		var direct float64
		for tr := range preds {
			preds[tr] = make([]float64, m)
			for j := range preds[tr] {
				preds[tr][j] = truth[j] + 0.7 + 2*rng.NormFloat64()
				e := preds[tr][j] - truth[j]
				direct += e * e
			}
		}
		direct /= float64(trials * m)
		const noiseVar = 0.09
		bv := DecomposeBiasVariance(truth, preds, noiseVar)
		if !mltest.CloseTo(bv.Bias2+bv.Variance, direct, 1e-12, direct) {
			t.Errorf("T=%d, m=%d: bias² + variance = %.17g, mean squared distance %.17g", trials, m, bv.Bias2+bv.Variance, direct)
		}
		if bv.Noise != noiseVar || bv.ExpectedMSE != bv.Bias2+bv.Variance+bv.Noise {
			t.Errorf("T=%d, m=%d: %+v: expected MSE is not bias² + variance + σ²", trials, m, bv)
		}
		if trials == 1 && bv.Variance != 0 {
			t.Errorf("one trial has variance %g, want 0", bv.Variance)
		}
	}
}

// Expected values from numpy (mean over trials, numpy.var with ddof=0),
// testdata/gen_biasvariance.py; summation order differs, so 1e-12.
func TestDecomposeBiasVarianceMatchesNumPy(t *testing.T) {
	var fx biasVarianceFixture
	mltest.LoadFixture(t, "biasvariance.json", &fx)
	a := fx.Arrays
	got := DecomposeBiasVariance(a.Truth, a.Predictions, a.NoiseVar)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"bias²", got.Bias2, a.Bias2}, {"variance", got.Variance, a.Variance}, {"expected MSE", got.ExpectedMSE, a.ExpectedMSE}} {
		if !mltest.CloseTo(c.got, c.want, 1e-12, math.Abs(c.want)) {
			t.Errorf("%s: got %.17g, numpy %.17g", c.name, c.got, c.want)
		}
	}
}

// The whole experiment against numpy.polyfit/polyval fits of the same
// training sets (testdata/gen_biasvariance.py). The fits are computed in
// different bases (Legendre by SVD here, monomials by polyfit there) and
// agree to about 1e-12 at degree ≤ 6 on 14 samples; 1e-8 relative leaves
// room.
func TestPolyBiasVarianceMatchesNumPy(t *testing.T) {
	var fx biasVarianceFixture
	mltest.LoadFixture(t, "biasvariance.json", &fx)
	e := fx.Experiment
	s, err := NewPolyBiasVariance(e.TrainX, e.TrainY, e.TestX, e.Truth, e.MaxDegree, e.NoiseVar)
	if err != nil {
		t.Fatal(err)
	}
	check := func(after string) {
		t.Helper()
		rows := e.After[after]
		if len(rows) != e.MaxDegree {
			t.Fatalf("fixture has %d degrees after %s fits", len(rows), after)
		}
		for _, row := range rows {
			got := s.Decomposition(row.Degree)
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"bias²", got.Bias2, row.Bias2}, {"variance", got.Variance, row.Variance}, {"expected MSE", got.ExpectedMSE, row.ExpectedMSE}} {
				if !mltest.CloseTo(c.got, c.want, 1e-8, math.Abs(c.want)) {
					t.Errorf("after %s fits, degree %d: %s %.12g, numpy %.12g", after, row.Degree, c.name, c.got, c.want)
				}
			}
		}
	}
	for range 3 {
		s.Step()
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if s.Trials() != 3 || s.Done() {
		t.Fatalf("after 3 steps: %d trials, done %v", s.Trials(), s.Done())
	}
	check("3")
	for !s.Done() {
		s.Step()
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if s.Trials() != len(e.TrainX) {
		t.Fatalf("done after %d trials, want %d", s.Trials(), len(e.TrainX))
	}
	check("8")
	s.Step()
	if err := s.Err(); err != nil || s.Trials() != len(e.TrainX) {
		t.Errorf("a step after the end: %v, %d trials", err, s.Trials())
	}

	// The mean fit is the polynomial of the mean weights (fits are linear
	// in their weights): check it at the test points, to rounding.
	for d := 1; d <= e.MaxDegree; d++ {
		preds := make([][]float64, s.Trials())
		for tr := range preds {
			w := s.Weights(tr, d)
			for _, x := range e.TestX {
				preds[tr] = append(preds[tr], linear.PolyPredictLegendre(w, x))
			}
		}
		mean, mw := MeanFit(preds), s.MeanWeights(d)
		for j, x := range e.TestX {
			if got := linear.PolyPredictLegendre(mw, x); !mltest.CloseTo(got, mean[j], 1e-12, 1+math.Abs(mean[j])) {
				t.Errorf("degree %d, x=%g: mean-weights polynomial %g, mean of fits %g", d, x, got, mean[j])
			}
		}
	}
}

// Noise-free samples of a line are fitted exactly by every degree ≥ 1, so
// bias² and variance are 0 up to rounding (1e-20, squares of ~1e-10).
func TestPolyBiasVarianceExactFits(t *testing.T) {
	line := func(x float64) float64 { return 0.5 - 2*x }
	rng := rand.New(rand.NewPCG(8, 9))
	var xs, ys [][]float64
	for range 5 {
		x, y := dataset.NoisyCurve(rng, 12, line, -1, 1, 0)
		xs, ys = append(xs, x), append(ys, y)
	}
	testX := []float64{-0.9, -0.3, 0.2, 0.8}
	truth := make([]float64, len(testX))
	for j, x := range testX {
		truth[j] = line(x)
	}
	s, err := NewPolyBiasVariance(xs, ys, testX, truth, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	for !s.Done() {
		s.Step()
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
	}
	for d := 1; d <= 4; d++ {
		if bv := s.Decomposition(d); bv.Bias2 > 1e-20 || bv.Variance > 1e-20 || bv.ExpectedMSE > 1e-20 {
			t.Errorf("degree %d: %+v, want all 0", d, bv)
		}
	}
}

func TestBiasVarianceErrors(t *testing.T) {
	x := [][]float64{{0, 0.5}}
	y := [][]float64{{1, 2}}
	tx, f := []float64{0}, []float64{1}
	for _, c := range []struct {
		name   string
		x, y   [][]float64
		tx, f  []float64
		degree int
		noise  float64
	}{
		{"degree 0", x, y, tx, f, 0, 0},
		{"no sets", nil, nil, tx, f, 1, 0},
		{"sets differ", x, nil, tx, f, 1, 0},
		{"no test points", x, y, nil, nil, 1, 0},
		{"test lengths", x, y, tx, nil, 1, 0},
		{"negative noise", x, y, tx, f, 1, -1},
		{"x outside", [][]float64{{0, 2}}, y, tx, f, 1, 0},
		{"empty set", [][]float64{{}}, [][]float64{{}}, tx, f, 1, 0},
		{"NaN truth", x, y, tx, []float64{math.NaN()}, 1, 0},
	} {
		if _, err := NewPolyBiasVariance(c.x, c.y, c.tx, c.f, c.degree, c.noise); !errors.Is(err, linear.ErrPolyInput) {
			t.Errorf("%s: error %v, want one wrapping ErrPolyInput", c.name, err)
		}
	}
	mltest.MustPanic(t, "no trials", func() { DecomposeBiasVariance([]float64{1}, nil, 0) })
	mltest.MustPanic(t, "lengths", func() { DecomposeBiasVariance([]float64{1, 2}, [][]float64{{1}}, 0) })
	mltest.MustPanic(t, "ragged", func() { DecomposeBiasVariance([]float64{1}, [][]float64{{1}, {1, 2}}, 0) })
	mltest.MustPanic(t, "negative noise", func() { DecomposeBiasVariance([]float64{1}, [][]float64{{1}}, -0.1) })
	s, err := NewPolyBiasVariance(x, y, tx, f, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	mltest.MustPanic(t, "before the first step", func() { s.Decomposition(1) })
	s.Step()
	mltest.MustPanic(t, "degree too high", func() { s.Decomposition(2) })
}
