package linear

import (
	"errors"
	"math"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
	"github.com/mlplayground/playground/internal/ml/num"
)

// linregFixture is written by testdata/gen_linreg.py (NumPy 1.24 lstsq and
// scikit-learn 1.2.1 LinearRegression).
type linregFixture struct {
	Cases []struct {
		Name          string      `json:"name"`
		X             [][]float64 `json:"X"`
		Y             []float64   `json:"y"`
		Lstsq         []float64   `json:"lstsq"`
		Sklearn       []float64   `json:"sklearn"`
		MSE           float64     `json:"mse"`
		HessianMaxEig float64     `json:"hessian_max_eig"`
	} `json:"cases"`
}

// NormalEquations against numpy.linalg.lstsq and LinearRegression, to
// 1e-10 relative to the largest coefficient (both are QR/SVD solutions of
// a well-conditioned problem, so they agree to rounding).
func TestNormalEquationsMatchesNumPy(t *testing.T) {
	var fx linregFixture
	mltest.LoadFixture(t, "linreg.json", &fx)
	for _, c := range fx.Cases {
		got, err := NormalEquations(c.X, c.Y)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for _, want := range [][]float64{c.Lstsq, c.Sklearn} {
			if len(got) != len(want) {
				t.Fatalf("%s: %d coefficients, want %d", c.Name, len(got), len(want))
			}
			for j := range want {
				if !mltest.CloseTo(got[j], want[j], 1e-10, mltest.MaxAbs(want, 1)) {
					t.Errorf("%s: θ[%d] = %.15g, want %.15g", c.Name, j, got[j], want[j])
				}
			}
		}
		gd, err := NewRegressionGD(c.X, c.Y, got, 0.01)
		if err != nil {
			t.Fatal(err)
		}
		if !mltest.CloseTo(gd.MSE(), c.MSE, 1e-10, c.MSE) {
			t.Errorf("%s: MSE at θ* = %v, want %v", c.Name, gd.MSE(), c.MSE)
		}
		// At the least-squares point the gradient vanishes (to rounding).
		if g := gd.GradientNorm(); g > 1e-10 {
			t.Errorf("%s: ‖∇J(θ*)‖ = %g, want ≈ 0", c.Name, g)
		}
		if got, want := gd.MaxStableLearningRate(), 2/c.HessianMaxEig; !mltest.CloseTo(got, want, 1e-10, want) {
			t.Errorf("%s: 2/L = %v, want %v (NumPy eigvalsh)", c.Name, got, want)
		}
	}
}

// An exact line is recovered exactly (closed form: y = 3 − 0.5x).
func TestNormalEquationsExactLine(t *testing.T) {
	X := [][]float64{{-1}, {0}, {2}, {5}}
	y := []float64{3.5, 3, 2, 0.5}
	got, err := NormalEquations(X, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got[0]-3) > 1e-12 || math.Abs(got[1]+0.5) > 1e-12 {
		t.Errorf("θ = %v, want [3 -0.5]", got)
	}
}

func TestNormalEquationsErrors(t *testing.T) {
	for name, in := range map[string]struct {
		X [][]float64
		y []float64
	}{
		"empty":         {nil, nil},
		"lengths":       {[][]float64{{1}, {2}}, []float64{1}},
		"ragged":        {[][]float64{{1}, {2, 3}}, []float64{1, 2}},
		"too few":       {[][]float64{{1}}, []float64{1}},
		"constant x":    {[][]float64{{2}, {2}, {2}}, []float64{1, 2, 3}},
		"collinear":     {[][]float64{{1, 2}, {2, 4}, {3, 6}, {4, 8}}, []float64{1, 2, 3, 5}},
		"not finite":    {[][]float64{{1}, {math.NaN()}}, []float64{1, 2}},
		"not finite  y": {[][]float64{{1}, {2}}, []float64{1, math.Inf(1)}},
	} {
		if _, err := NormalEquations(in.X, in.y); !errors.Is(err, ErrRegressionInput) {
			t.Errorf("%s: error %v, want ErrLinRegInput", name, err)
		}
	}
	if _, err := NewRegressionGD([][]float64{{1}, {2}}, []float64{1, 2}, nil, 0); !errors.Is(err, ErrRegressionInput) {
		t.Errorf("lr 0: error %v", err)
	}
	if _, err := NewRegressionGD([][]float64{{1}, {2}}, []float64{1, 2}, []float64{1}, 0.1); !errors.Is(err, ErrRegressionInput) {
		t.Errorf("short start: error %v", err)
	}
}

// Gradient descent with η = 1/L (so 0 < ηλ ≤ 1 on every eigen-direction)
// reaches the closed form to 1e-8, and the loss never rises on the way.
func TestGradientDescentConvergesToClosedForm(t *testing.T) {
	var fx linregFixture
	mltest.LoadFixture(t, "linreg.json", &fx)
	for _, c := range fx.Cases {
		lr := 1 / c.HessianMaxEig
		gd, err := NewRegressionGD(c.X, c.Y, nil, lr)
		if err != nil {
			t.Fatal(err)
		}
		prev := gd.MSE()
		for gd.GradientNorm() > 1e-11 && gd.Epoch() < 200000 {
			gd.Step()
			if gd.MSE() > prev*(1+1e-12) {
				t.Fatalf("%s epoch %d: loss rose from %v to %v", c.Name, gd.Epoch(), prev, gd.MSE())
			}
			prev = gd.MSE()
		}
		theta := gd.Theta()
		for j, want := range c.Lstsq {
			if !mltest.CloseTo(theta[j], want, 1e-8, mltest.MaxAbs(c.Lstsq, 1)) {
				t.Errorf("%s: GD θ[%d] = %v after %d epochs, want %v", c.Name, j, theta[j], gd.Epoch(), want)
			}
		}
		if gd.Diverged() {
			t.Errorf("%s: diverged at η = 1/L", c.Name)
		}
	}
}

// The analytic gradient (2/n)Aᵀ(Aθ − y) against central differences of
// MSEAt at an arbitrary θ, to 1e-6 relative (step 1e-5, error O(h²)·J‴ = 0
// for a quadratic, so only rounding remains).
func TestGradientFiniteDifferences(t *testing.T) {
	var fx linregFixture
	mltest.LoadFixture(t, "linreg.json", &fx)
	for _, c := range fx.Cases {
		start := make([]float64, len(c.Lstsq))
		for j := range start {
			start[j] = 0.3*float64(j) - 1.1
		}
		gd, err := NewRegressionGD(c.X, c.Y, start, 0.01)
		if err != nil {
			t.Fatal(err)
		}
		gd.Step() // check at a θ that GD itself produced
		theta, grad := gd.Theta(), gd.Gradient()
		if !mltest.CloseTo(gd.MSE(), gd.MSEAt(theta), 1e-14, gd.MSE()) {
			t.Errorf("%s: MSE %v, MSEAt %v", c.Name, gd.MSE(), gd.MSEAt(theta))
		}
		const h = 1e-5
		for j := range theta {
			plus := append([]float64(nil), theta...)
			minus := append([]float64(nil), theta...)
			plus[j] += h
			minus[j] -= h
			fd := (gd.MSEAt(plus) - gd.MSEAt(minus)) / (2 * h)
			if !mltest.CloseTo(grad[j], fd, 1e-6, mltest.MaxAbs(grad, 1)) {
				t.Errorf("%s: ∂J/∂θ%d = %v, finite difference %v", c.Name, j, grad[j], fd)
			}
		}
	}
}

// Above 2/L gradient descent diverges: the test computes L itself, as the
// larger root of the 2×2 Hessian's characteristic polynomial, and checks
// that η = 1.05·(2/L) blows up (and stops with a finite θ) while
// η = 0.95·(2/L) converges.
func TestGradientDescentDivergesAboveTwoOverL(t *testing.T) {
	var fx linregFixture
	mltest.LoadFixture(t, "linreg.json", &fx)
	c := fx.Cases[0] // 1-D
	n := float64(len(c.X))
	var sx, sxx float64
	for _, row := range c.X {
		sx += row[0]
		sxx += row[0] * row[0]
	}
	// H = (2/n)[[n, Σx], [Σx, Σx²]]
	a, b, d := 2.0, 2*sx/n, 2*sxx/n
	L := (a+d)/2 + math.Sqrt((a-d)*(a-d)/4+b*b)
	if !mltest.CloseTo(L, c.HessianMaxEig, 1e-12, L) {
		t.Fatalf("L = %v, NumPy says %v", L, c.HessianMaxEig)
	}
	gd, err := NewRegressionGD(c.X, c.Y, nil, 1.05*2/L)
	if err != nil {
		t.Fatal(err)
	}
	start := gd.MSE()
	for !gd.Diverged() && gd.Epoch() < 10000 {
		gd.Step()
	}
	if !gd.Diverged() {
		t.Fatalf("η = 1.05·2/L: no divergence after %d epochs, MSE %v", gd.Epoch(), gd.MSE())
	}
	if gd.MSE() < 1e6*start || !num.AllFinite(gd.Theta()) {
		t.Errorf("diverged with MSE %v (start %v), θ %v", gd.MSE(), start, gd.Theta())
	}
	e, theta := gd.Epoch(), gd.Theta()
	gd.Step()
	if gd.Epoch() != e || gd.Theta()[1] != theta[1] {
		t.Error("Step after divergence changed the state")
	}

	gd, _ = NewRegressionGD(c.X, c.Y, nil, 0.95*2/L)
	for range 5000 {
		gd.Step()
	}
	if gd.Diverged() || !mltest.CloseTo(gd.Theta()[1], c.Lstsq[1], 1e-6, 1) {
		t.Errorf("η = 0.95·2/L: diverged=%v θ = %v, want %v", gd.Diverged(), gd.Theta(), c.Lstsq)
	}

	// A huge rate overflows: the last finite θ is kept.
	gd, _ = NewRegressionGD(c.X, c.Y, nil, 1e150)
	for range 20 {
		gd.Step()
	}
	if !gd.Diverged() || !num.AllFinite(gd.Theta()) || math.IsInf(gd.MSE(), 0) {
		t.Errorf("η = 1e150: diverged=%v θ = %v MSE %v", gd.Diverged(), gd.Theta(), gd.MSE())
	}
}

func BenchmarkLinearRegressionGDStep(b *testing.B) {
	x, y := dataset.NoisyCurve(mltest.NewRand(4), 100, func(x float64) float64 { return 1 + 2*x }, 0, 2, 0.3)
	X := make([][]float64, len(x))
	for i, v := range x {
		X[i] = []float64{v}
	}
	gd, err := NewRegressionGD(X, y, nil, 0.1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		gd.Step()
	}
}
