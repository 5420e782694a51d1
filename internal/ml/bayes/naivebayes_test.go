package bayes

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// naiveBayesFixture is written by testdata/gen_naivebayes.py: scikit-learn
// 1.2.1's GaussianNB fitted on 2-D blobs, 2-D correlated stripes, iris and
// wine (raw units), with its parameters and its outputs on the test rows.
type naiveBayesFixture struct {
	Cases []struct {
		Name         string      `json:"name"`
		Classes      int         `json:"classes"`
		VarSmoothing float64     `json:"var_smoothing"`
		XTrain       [][]float64 `json:"X_train"`
		YTrain       []int       `json:"y_train"`
		XTest        [][]float64 `json:"X_test"`
		YTest        []int       `json:"y_test"`
		ClassPrior   []float64   `json:"class_prior"`
		ClassCount   []int       `json:"class_count"`
		Theta        [][]float64 `json:"theta"`
		Var          [][]float64 `json:"var"`
		Epsilon      float64     `json:"epsilon"`
		Proba        [][]float64 `json:"proba"`
		Predict      []int       `json:"predict"`
		JLL          [][]float64 `json:"jll"`
	} `json:"cases"`
}

// TestGaussianNBMatchesScikitLearn compares every parameter and output with
// scikit-learn's. Tolerances: parameters 1e-12 relative (the same sums in
// a possibly different order), the joint log-likelihood 1e-9 relative,
// probabilities 1e-9 absolute, predictions exactly (the script asserts no
// test row is within 1e-6 of a tie).
func TestGaussianNBMatchesScikitLearn(t *testing.T) {
	var fx naiveBayesFixture
	mltest.LoadFixture(t, "naivebayes.json", &fx)
	if len(fx.Cases) != 4 {
		t.Fatalf("fixture has %d cases, want 4", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		nb, err := NewGaussianNB(c.XTrain, c.YTrain, c.Classes, c.VarSmoothing)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		nb.Fit()
		if got := nb.Epsilon(); !mltest.CloseTo(got, c.Epsilon, 1e-12, c.Epsilon) {
			t.Errorf("%s: epsilon %v, want %v", c.Name, got, c.Epsilon)
		}
		prior, theta, variance := nb.Priors(), nb.Means(), nb.Variances()
		for k := range c.Classes {
			if got := nb.Counts()[k]; got != c.ClassCount[k] {
				t.Errorf("%s: class %d count %d, want %d", c.Name, k, got, c.ClassCount[k])
			}
			if !mltest.CloseTo(prior[k], c.ClassPrior[k], 1e-15, 1) {
				t.Errorf("%s: prior %d = %v, want %v", c.Name, k, prior[k], c.ClassPrior[k])
			}
			for j := range c.Theta[k] {
				if !mltest.CloseTo(theta[k][j], c.Theta[k][j], 1e-12, mltest.MaxAbs(c.Theta[k], 1)) {
					t.Errorf("%s: theta[%d][%d] = %v, want %v", c.Name, k, j, theta[k][j], c.Theta[k][j])
				}
				if !mltest.CloseTo(variance[k][j], c.Var[k][j], 1e-12, c.Var[k][j]) {
					t.Errorf("%s: var[%d][%d] = %v, want %v", c.Name, k, j, variance[k][j], c.Var[k][j])
				}
			}
		}
		for i, x := range c.XTest {
			jll := nb.JointLogLikelihood(x, nil)
			proba := nb.Probabilities(x, nil)
			var sum float64
			for k := range proba {
				if !mltest.CloseTo(jll[k], c.JLL[i][k], 1e-9, math.Max(1, math.Abs(c.JLL[i][k]))) {
					t.Errorf("%s: row %d jll[%d] = %v, want %v", c.Name, i, k, jll[k], c.JLL[i][k])
				}
				if !mltest.CloseTo(proba[k], c.Proba[i][k], 1e-9, 1) {
					t.Errorf("%s: row %d P(%d|x) = %v, want %v", c.Name, i, k, proba[k], c.Proba[i][k])
				}
				sum += proba[k]
			}
			if !mltest.CloseTo(sum, 1, 1e-12, 1) {
				t.Errorf("%s: row %d probabilities sum to %v", c.Name, i, sum)
			}
			if got := nb.Predict(x); got != c.Predict[i] {
				t.Errorf("%s: row %d predicted %d, want %d", c.Name, i, got, c.Predict[i])
			}
		}
	}
}

// TestGaussianNBSteps checks that each Step estimates exactly one kind of
// parameter, against the textbook formulas on a hand-sized example:
// class 0 = {(0, 0), (2, 0)}, class 1 = {(1, 1), (1, 3), (4, 2)}.
// Priors 2/5, 3/5; means (1, 0), (2, 2); population variances (1, 0) and
// (2, 2/3); ε = 1e-9·max(Var x₁, Var x₂) = 1e-9·max(1.84, 1.36).
func TestGaussianNBSteps(t *testing.T) {
	X := [][]float64{{0, 0}, {1, 1}, {2, 0}, {1, 3}, {4, 2}}
	y := []int{0, 1, 0, 1, 1}
	nb, err := NewGaussianNB(X, y, 2, DefaultVarSmoothing)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Phase() != PhaseInit || nb.Priors() != nil || nb.Means() != nil || nb.Variances() != nil || nb.Done() {
		t.Fatalf("before any step: phase %s, priors %v", nb.Phase(), nb.Priors())
	}
	mltest.MustPanic(t, "Predict before fitting", func() { nb.Predict(X[0]) })
	eps := 1e-9 * 1.84
	if !mltest.CloseTo(nb.Epsilon(), eps, 1e-12, eps) {
		t.Errorf("epsilon %v, want %v", nb.Epsilon(), eps)
	}
	steps := []struct {
		phase       string
		priors      []float64
		means, vars [][]float64
	}{
		{PhasePriors, []float64{0.4, 0.6}, nil, nil},
		{PhaseMeans, []float64{0.4, 0.6}, [][]float64{{1, 0}, {2, 2}}, nil},
		{PhaseVariances, []float64{0.4, 0.6}, [][]float64{{1, 0}, {2, 2}}, [][]float64{{1 + eps, eps}, {2 + eps, 2.0/3 + eps}}},
		{PhasePosterior, []float64{0.4, 0.6}, [][]float64{{1, 0}, {2, 2}}, [][]float64{{1 + eps, eps}, {2 + eps, 2.0/3 + eps}}},
	}
	for _, s := range steps {
		nb.Step()
		if nb.Phase() != s.phase {
			t.Fatalf("phase %s, want %s", nb.Phase(), s.phase)
		}
		if !matrixClose([][]float64{nb.Priors()}, [][]float64{s.priors}, 1e-15) ||
			!matrixClose(nb.Means(), s.means, 1e-15) || !matrixClose(nb.Variances(), s.vars, 1e-15) {
			t.Errorf("%s: priors %v means %v variances %v, want %v %v %v", s.phase,
				nb.Priors(), nb.Means(), nb.Variances(), s.priors, s.means, s.vars)
		}
	}
	if !nb.Done() {
		t.Fatal("not done after four steps")
	}
	nb.Step() // does nothing
	if nb.Phase() != PhasePosterior {
		t.Errorf("a fifth step changed the phase to %s", nb.Phase())
	}
	// At (1, 1): class 0's x₂ variance is ε, so x₂ = 1 is impossibly far
	// from its mean 0 and class 1 wins with posterior 1.
	if p := nb.Probabilities([]float64{1, 1}, nil); p[1] != 1 || nb.Predict([]float64{1, 1}) != 1 {
		t.Errorf("P(y|(1,1)) = %v, want [0 1]", p)
	}
	// The closed form of the log score at x = (2, 1), class 1:
	// log 0.6 − ½[log 2π(2+ε) + log 2π(2/3+ε)] − ½[0 + 1/(2/3+ε)].
	want := math.Log(0.6) - 0.5*(math.Log(2*math.Pi*(2+eps))+math.Log(2*math.Pi*(2.0/3+eps))) - 0.5/(2.0/3+eps)
	if got := nb.JointLogLikelihood([]float64{2, 1}, nil)[1]; !mltest.CloseTo(got, want, 1e-14, math.Abs(want)) {
		t.Errorf("jll_1(2, 1) = %v, want %v", got, want)
	}
	// ClassDensity is the 1-D normal density: class 1, feature 1 at its mean.
	if got, want := nb.ClassDensity(1, 0, 2), 1/math.Sqrt(2*math.Pi*(2+eps)); !mltest.CloseTo(got, want, 1e-14, want) {
		t.Errorf("density at the mean %v, want %v", got, want)
	}
}

func matrixClose(got, want [][]float64, tol float64) bool {
	if (got == nil) != (want == nil) || len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			if !mltest.CloseTo(got[i][j], want[i][j], tol, math.Max(1, math.Abs(want[i][j]))) {
				return false
			}
		}
	}
	return true
}

// With features correlated inside each class, naive Bayes' product of
// marginals is the wrong model. On the fixture's diagonal stripes (long
// axis along x₂ = x₁, class 0 shifted left, class 1 right) the line
// x₂ = x₁ separates the test rows almost perfectly, yet naive Bayes, whose
// boundary follows the marginals, stays near 85% (scikit-learn: 0.854).
func TestGaussianNBCorrelatedFailure(t *testing.T) {
	var fx naiveBayesFixture
	mltest.LoadFixture(t, "naivebayes.json", &fx)
	for _, c := range fx.Cases {
		if c.Name != "correlated" {
			continue
		}
		nb, err := NewGaussianNB(c.XTrain, c.YTrain, 2, DefaultVarSmoothing)
		if err != nil {
			t.Fatal(err)
		}
		nb.Fit()
		var nbRight, lineRight int
		for i, x := range c.XTest {
			if nb.Predict(x) == c.YTest[i] {
				nbRight++
			}
			if line := x[0] > x[1]; line == (c.YTest[i] == 1) {
				lineRight++
			}
		}
		n := float64(len(c.XTest))
		if acc := float64(nbRight) / n; acc > 0.9 {
			t.Errorf("naive Bayes test accuracy %v on correlated stripes, want it to fail (< 0.9)", acc)
		}
		if acc := float64(lineRight) / n; acc < 0.97 {
			t.Errorf("the line x₂ = x₁ scores %v; the fixture's stripes should be separable by it", acc)
		}
		return
	}
	t.Fatal("no correlated case in the fixture")
}

func TestGaussianNBBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		X    [][]float64
		y    []int
	}{
		{"no samples", nil, nil},
		{"class 1 empty", [][]float64{{0, 1}, {1, 2}}, []int{0, 0}},
		{"constant features", [][]float64{{1, 2}, {1, 2}}, []int{0, 1}},
	} {
		if _, err := NewGaussianNB(c.X, c.y, 2, DefaultVarSmoothing); !errors.Is(err, ErrInput) {
			t.Errorf("%s: error %v, want ErrNaiveBayesInput", c.name, err)
		}
	}
	X := [][]float64{{0, 1}, {1, 2}}
	mltest.MustPanic(t, "label out of range", func() { NewGaussianNB(X, []int{0, 2}, 2, DefaultVarSmoothing) })
	mltest.MustPanic(t, "ragged", func() { NewGaussianNB([][]float64{{0, 1}, {1}}, []int{0, 1}, 2, DefaultVarSmoothing) })
	mltest.MustPanic(t, "lengths", func() { NewGaussianNB(X, []int{0}, 2, DefaultVarSmoothing) })
	mltest.MustPanic(t, "one class", func() { NewGaussianNB(X, []int{0, 0}, 1, DefaultVarSmoothing) })
	mltest.MustPanic(t, "negative smoothing", func() { NewGaussianNB(X, []int{0, 1}, 2, -1) })
}

// The stepper must not keep the caller's slices: changing X after
// construction leaves the fit alone.
func TestGaussianNBCopiesInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	X, y := dataset.Blobs(rng, 40, [][]float64{{-1, 0}, {1, 0}}, 0.5)
	a, _ := NewGaussianNB(X, y, 2, DefaultVarSmoothing)
	b, _ := NewGaussianNB(X, y, 2, DefaultVarSmoothing)
	a.Fit()
	X[0][0] = 100
	b.Fit()
	if !matrixClose(a.Means(), b.Means(), 0) {
		t.Error("changing X after NewGaussianNB changed the means")
	}
	a.Means()[0][0] = 7
	if a.Means()[0][0] == 7 {
		t.Error("Means returns the internal slice")
	}
}

func BenchmarkGaussianNBPredict(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	X, y := dataset.Blobs(rng, 200, [][]float64{{-1, 0}, {1, 0}, {0, 1}}, 0.5)
	nb, _ := NewGaussianNB(X, y, 3, DefaultVarSmoothing)
	nb.Fit()
	out := make([]float64, 3)
	for b.Loop() {
		nb.Probabilities(X[0], out)
	}
}
