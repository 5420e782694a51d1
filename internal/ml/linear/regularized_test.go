package linear

import (
	"errors"
	"math"
	"testing"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// regularizedFixture is written by testdata/gen_linreg.py: scikit-learn
// 1.2.1 Ridge(alpha) and Lasso(alpha, tol=1e-12) on 80 standardised
// samples of 8 features, 3 of them relevant.
type regularizedFixture struct {
	X     [][]float64 `json:"X"`
	Y     []float64   `json:"y"`
	Ridge []fitCase   `json:"ridge"`
	Lasso []fitCase   `json:"lasso"`
}

type fitCase struct {
	Alpha     float64   `json:"alpha"`
	Intercept float64   `json:"intercept"`
	Coef      []float64 `json:"coef"`
}

// lassoTol is small enough that the duality gap bounds the error far
// below the 1e-4 the scenario promises.
const lassoTol = 1e-10

func checkFit(t *testing.T, what string, c fitCase, b float64, w []float64, exactZeros bool) {
	t.Helper()
	if math.Abs(b-c.Intercept) > 1e-4 {
		t.Errorf("%s α=%g: intercept %v, scikit-learn %v", what, c.Alpha, b, c.Intercept)
	}
	for j, want := range c.Coef {
		if math.Abs(w[j]-want) > 1e-4 {
			t.Errorf("%s α=%g: w[%d] = %v, scikit-learn %v", what, c.Alpha, j, w[j], want)
		}
		if exactZeros && (want == 0) != (w[j] == 0) {
			t.Errorf("%s α=%g: w[%d] = %v, scikit-learn %v: exact zeros must agree", what, c.Alpha, j, w[j], want)
		}
	}
}

// Ridge against scikit-learn's Ridge to 1e-4 absolute (the contract; the
// agreement is in fact ~1e-12).
func TestRidgeMatchesScikitLearn(t *testing.T) {
	var fx regularizedFixture
	mltest.LoadFixture(t, "regularized.json", &fx)
	for _, c := range fx.Ridge {
		b, w, err := Ridge(fx.X, fx.Y, c.Alpha)
		if err != nil {
			t.Fatal(err)
		}
		checkFit(t, "ridge", c, b, w, false)
		for j := range w {
			if math.Abs(w[j]-c.Coef[j]) > 1e-9 {
				t.Errorf("ridge α=%g: w[%d] off by %g, beyond rounding", c.Alpha, j, w[j]-c.Coef[j])
			}
		}
	}
	// α = 0 is ordinary least squares: the same as NormalEquations.
	b, w, err := Ridge(fx.X, fx.Y, 0)
	if err != nil {
		t.Fatal(err)
	}
	theta, err := NormalEquations(fx.X, fx.Y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(b-theta[0]) > 1e-10 || math.Abs(w[0]-theta[1]) > 1e-10 {
		t.Errorf("ridge α=0: %v %v, normal equations %v", b, w, theta)
	}
}

// Lasso against scikit-learn's Lasso to 1e-4, exact zeros included, both
// from a cold start and along a warm-started path.
func TestLassoMatchesScikitLearn(t *testing.T) {
	var fx regularizedFixture
	mltest.LoadFixture(t, "regularized.json", &fx)
	lambdas := make([]float64, len(fx.Lasso))
	zeros := 0
	for i, c := range fx.Lasso {
		b, w, err := Lasso(fx.X, fx.Y, c.Alpha, lassoTol, 100000)
		if err != nil {
			t.Fatal(err)
		}
		checkFit(t, "lasso", c, b, w, true)
		lambdas[i] = c.Alpha
		for _, v := range c.Coef {
			if v == 0 {
				zeros++
			}
		}
	}
	if zeros == 0 {
		t.Fatal("fixture has no exact zeros: the test would not check sparsity")
	}
	path, err := LassoPath(fx.X, fx.Y, lambdas, lassoTol, 100000)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range fx.Lasso {
		if path[i].Lambda != c.Alpha {
			t.Fatalf("path point %d has λ %v, want %v", i, path[i].Lambda, c.Alpha)
		}
		checkFit(t, "lasso path", c, path[i].Intercept, path[i].Coefficients, true)
	}
	// Above λ_max = ‖X_cᵀy_c‖_∞/n every weight is zero (the KKT condition
	// at w = 0), and the intercept is the mean of y.
	xc, yc, _, yMean := centreData(fx.X, fx.Y, len(fx.X[0]))
	n, d := len(fx.X), len(fx.X[0])
	lmax := 0.0
	for j := range d {
		var s float64
		for i := range n {
			s += xc[i*d+j] * yc[i]
		}
		lmax = max(lmax, math.Abs(s)/float64(n))
	}
	b, w, err := Lasso(fx.X, fx.Y, lmax*1.0001, lassoTol, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if b != yMean || mltest.MaxAbs(w, 0) != 0 {
		t.Errorf("above λ_max: b = %v (ȳ = %v), w = %v", b, yMean, w)
	}
	_, w, _ = Lasso(fx.X, fx.Y, lmax*0.99, lassoTol, 1000)
	if mltest.MaxAbs(w, 0) == 0 {
		t.Error("just below λ_max every weight is still zero")
	}
}

// Soft-thresholding is the closed-form one-dimensional lasso.
func TestSoftThreshold(t *testing.T) {
	for _, c := range []struct{ z, g, want float64 }{
		{3, 1, 2}, {-3, 1, -2}, {0.5, 1, 0}, {-1, 1, 0}, {1, 0, 1},
	} {
		if got := softThreshold(c.z, c.g); got != c.want {
			t.Errorf("S(%v, %v) = %v, want %v", c.z, c.g, got, c.want)
		}
	}
}

func TestLogGrid(t *testing.T) {
	g := LogGrid(1e-3, 1e4, 57)
	if len(g) != 57 || g[0] != 1e-3 || g[56] != 1e4 {
		t.Fatalf("grid ends %v … %v (%d values)", g[0], g[len(g)-1], len(g))
	}
	// Eight points a decade: g[8] = 1e-2.
	if math.Abs(g[8]-1e-2) > 1e-15 {
		t.Errorf("g[8] = %v, want 0.01", g[8])
	}
	mltest.MustPanic(t, "LogGrid(0, 1, 3)", func() { LogGrid(0, 1, 3) })
}

func TestRegularizedErrors(t *testing.T) {
	X := [][]float64{{1, 2}, {2, 4}, {3, 6}}
	y := []float64{1, 2, 4}
	if _, _, err := Ridge(X, y, 0); !errors.Is(err, ErrRegressionInput) {
		t.Errorf("ridge α=0 on collinear features: %v", err)
	}
	if _, w, err := Ridge(X, y, 1); err != nil || len(w) != 2 {
		t.Errorf("ridge α=1 on collinear features: %v %v (the penalty makes it unique)", w, err)
	}
	if _, _, err := Ridge(X, y, -1); !errors.Is(err, ErrRegressionInput) {
		t.Errorf("ridge α=-1: %v", err)
	}
	if _, _, err := Lasso(X, y, math.NaN(), 1e-6, 10); !errors.Is(err, ErrRegressionInput) {
		t.Errorf("lasso α=NaN: %v", err)
	}
	var fx regularizedFixture
	mltest.LoadFixture(t, "regularized.json", &fx)
	if _, _, err := Lasso(fx.X, fx.Y, 1e-3, 1e-14, 2); !errors.Is(err, ErrNoConvergence) {
		t.Errorf("lasso with 2 passes: %v, want ErrNoConvergence", err)
	}
}

func BenchmarkLassoPath(b *testing.B) {
	var fx regularizedFixture
	mltest.LoadFixture(b, "regularized.json", &fx)
	grid := LogGrid(1e-3, 1e4, 57)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LassoPath(fx.X, fx.Y, grid, lassoTol, 100000); err != nil {
			b.Fatal(err)
		}
	}
}
