package linear

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// polyFixture is testdata/poly.json, written by
// internal/ml/cluster/testdata/gen_fixtures.py with scikit-learn 1.2.1 and
// NumPy 1.24.2 (Debian's /usr/bin/python3).
type polyFixture struct {
	X     []float64 `json:"x"`
	Y     []float64 `json:"y"`
	Grid  []float64 `json:"grid"`
	Cases []struct {
		N        int       `json:"n"`
		Degree   int       `json:"degree"`
		Lambda   float64   `json:"lambda"`
		Weights  []float64 `json:"weights"`
		Rank     int       `json:"rank"`
		Monomial []float64 `json:"monomial"`
		GridPred []float64 `json:"grid_pred"`
		TrainMSE float64   `json:"train_mse"`
		Polyfit  []float64 `json:"polyfit"` // only λ = 0 and n > degree
	} `json:"cases"`
	Leg2Poly struct {
		Weights  []float64 `json:"weights"`
		Monomial []float64 `json:"monomial"`
	} `json:"leg2poly"`
}

// Closed forms of the Legendre polynomials, Abramowitz & Stegun (1964)
// table 22.9.
func TestLegendreFeatures(t *testing.T) {
	closed := []func(x float64) float64{
		func(x float64) float64 { return 1 },
		func(x float64) float64 { return x },
		func(x float64) float64 { return (3*x*x - 1) / 2 },
		func(x float64) float64 { return (5*x*x*x - 3*x) / 2 },
		func(x float64) float64 { return (35*math.Pow(x, 4) - 30*x*x + 3) / 8 },
		func(x float64) float64 { return (63*math.Pow(x, 5) - 70*x*x*x + 15*x) / 8 },
	}
	const tol = 1e-14
	out := make([]float64, len(closed))
	for _, x := range []float64{-1, -0.7, -0.25, 0, 0.3, 0.9, 1} {
		LegendreFeatures(x, len(closed)-1, out)
		for k, p := range closed {
			want := math.Sqrt(float64(2*k+1)) * p(x)
			if !mltest.CloseTo(out[k], want, tol, 1) {
				t.Errorf("φ_%d(%g): got %.17g, want %.17g", k, x, out[k], want)
			}
		}
		if got, want := PolyPredictLegendre([]float64{0, 0, 0, 0, 1}, x), 3*closed[4](x); !mltest.CloseTo(got, want, tol, 1) {
			t.Errorf("PolyPredictLegendre(φ_4, %g): got %g, want %g", x, got, want)
		}
	}
	// Orthonormality, (1/2)∫φ_j φ_k dx = δ_jk, by the midpoint rule on 20000
	// cells (error O(h²) ≈ 1e-8 times the second derivative): tolerance 1e-5.
	const m = 20000
	deg := 8
	gram := make([]float64, (deg+1)*(deg+1))
	f := make([]float64, deg+1)
	for i := range m {
		x := -1 + (float64(i)+0.5)*2/m
		LegendreFeatures(x, deg, f)
		for j := range f {
			for k := range f {
				gram[j*(deg+1)+k] += f[j] * f[k] / m
			}
		}
	}
	for j := 0; j <= deg; j++ {
		for k := 0; k <= deg; k++ {
			want := 0.0
			if j == k {
				want = 1
			}
			if got := gram[j*(deg+1)+k]; !mltest.CloseTo(got, want, 1e-5, 1) {
				t.Errorf("(1/2)∫φ_%dφ_%d: got %g, want %g (tolerance 1e-5, midpoint rule)", j, k, got, want)
			}
		}
	}
}

func TestLegendreToMonomial(t *testing.T) {
	var fx polyFixture
	mltest.LoadFixture(t, "poly.json", &fx)
	s3, s5 := math.Sqrt(3), math.Sqrt(5)
	tests := []struct {
		name string
		w    []float64
		want []float64 // source in the name
	}{
		{"empty", nil, []float64{}},
		{"φ_0 = 1", []float64{1}, []float64{1}},
		{"φ_1 = √3·x", []float64{0, 1}, []float64{0, s3}},
		{"φ_2 = √5·(3x²−1)/2 (A&S 22.9)", []float64{0, 0, 1}, []float64{-s5 / 2, 0, 3 * s5 / 2}},
		{"2φ_0 − φ_2 (A&S 22.9)", []float64{2, 0, -1}, []float64{2 + s5/2, 0, -3 * s5 / 2}},
		{"random weights, numpy leg2poly (poly.json)", fx.Leg2Poly.Weights, fx.Leg2Poly.Monomial},
	}
	for _, tt := range tests {
		got := LegendreToMonomial(tt.w)
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %d coefficients, want %d", tt.name, len(got), len(tt.want))
			continue
		}
		scale := mltest.MaxAbs(tt.want, 1)
		for j := range got {
			if !mltest.CloseTo(got[j], tt.want[j], 1e-13, scale) {
				t.Errorf("%s: a_%d = %.17g, want %.17g (tolerance 1e-13 of max |a|)", tt.name, j, got[j], tt.want[j])
			}
		}
	}
}

// RidgePoly against NumPy (poly.json): weights from numpy.linalg.lstsq on the
// same scaled Legendre system, monomial coefficients from leg2poly and, for
// λ = 0 with n > degree, numpy.polyfit. Tolerance 1e-6 relative to the
// largest |value| (monomial coefficients at degree 15 reach 5e5 and cancel).
func TestRidgePolyMatchesNumPy(t *testing.T) {
	const tol = 1e-6
	var fx polyFixture
	mltest.LoadFixture(t, "poly.json", &fx)
	for _, c := range fx.Cases {
		t.Run(fmt.Sprintf("n=%d/degree=%d/lambda=%g", c.N, c.Degree, c.Lambda), func(t *testing.T) {
			x, y := fx.X[:c.N], fx.Y[:c.N]
			w, err := RidgePoly(x, y, c.Degree, c.Lambda)
			if err != nil {
				t.Fatal(err)
			}
			compare := func(what string, got, want []float64) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
				}
				scale := mltest.MaxAbs(want, 1e-300)
				for i := range got {
					if !mltest.CloseTo(got[i], want[i], tol, scale) {
						t.Errorf("%s[%d]: got %.17g, want %.17g", what, i, got[i], want[i])
					}
				}
			}
			compare("weights (numpy lstsq)", w, c.Weights)
			mono := LegendreToMonomial(w)
			compare("monomial (numpy leg2poly)", mono, c.Monomial)
			if c.Polyfit != nil {
				compare("monomial (numpy.polyfit)", mono, c.Polyfit)
			}
			pred := make([]float64, len(fx.Grid))
			for i, g := range fx.Grid {
				pred[i] = PolyPredictLegendre(w, g)
			}
			compare("grid predictions (numpy legval)", pred, c.GridPred)
			var sse float64
			for i := range x {
				e := PolyPredictLegendre(w, x[i]) - y[i]
				sse += e * e
			}
			// Interpolating fits have MSE ≈ 1e-31: compare absolutely there.
			if got, want := sse/float64(len(x)), c.TrainMSE; !mltest.CloseTo(got, want, tol, max(want, 1e-18)) {
				t.Errorf("train MSE: got %g, want %g", got, want)
			}
		})
	}
}

// Gradient descent from w = 0 reaches the closed-form minimiser: degree 3
// least squares against numpy.polyfit, ridge degree 9 and the
// under-determined degree 9 fit (minimum norm) against numpy lstsq weights. Tolerance 1e-6 relative to the largest |value|.
func TestPolyRegressionConverges(t *testing.T) {
	const tol = 1e-6
	var fx polyFixture
	mltest.LoadFixture(t, "poly.json", &fx)
	tests := []struct {
		n, degree int
		lambda    float64
		maxEpochs int
	}{
		{20, 3, 0, 5000},
		{20, 9, 0.1, 20000},
		{20, 9, 1e-3, 200000},
		{8, 9, 0.1, 20000},
		{8, 9, 0, 200000}, // under-determined: GD from 0 stays in Φ's row space
	}
	for _, tt := range tests {
		name := fmt.Sprintf("n=%d/degree=%d/lambda=%g", tt.n, tt.degree, tt.lambda)
		t.Run(name, func(t *testing.T) {
			var want []float64
			var wantMono []float64
			var wantMSE float64
			for _, c := range fx.Cases {
				if c.N == tt.n && c.Degree == tt.degree && c.Lambda == tt.lambda {
					want, wantMono, wantMSE = c.Weights, c.Polyfit, c.TrainMSE
				}
			}
			if want == nil {
				t.Fatal("case missing from poly.json")
			}
			x, y := fx.X[:tt.n], fx.Y[:tt.n]
			p, err := NewPolyRegression(x, y, tt.degree, tt.lambda)
			if err != nil {
				t.Fatal(err)
			}
			for p.GradientNorm() >= 1e-10 && p.Epoch() < tt.maxEpochs {
				p.Step()
			}
			t.Logf("%d epochs, gradient norm %.3g, η = %.4g", p.Epoch(), p.GradientNorm(), p.LearningRate())
			got := p.Weights()
			for k := range got {
				if !mltest.CloseTo(got[k], want[k], tol, mltest.MaxAbs(want, 0)) {
					t.Errorf("w_%d: got %.12g, want %.12g (numpy lstsq)", k, got[k], want[k])
				}
			}
			if wantMono != nil {
				mono := p.Coefficients()
				for j := range mono {
					if !mltest.CloseTo(mono[j], wantMono[j], tol, mltest.MaxAbs(wantMono, 0)) {
						t.Errorf("a_%d: got %.12g, want %.12g (numpy.polyfit)", j, mono[j], wantMono[j])
					}
				}
			}
			// An interpolating fit has MSE ≈ 0: absolute 1e-12 there.
			if got := p.MSE(x, y); !mltest.CloseTo(got, wantMSE, tol, max(wantMSE, 1e-6)) {
				t.Errorf("MSE: got %.12g, want %.12g", got, wantMSE)
			}
		})
	}
}

// Central differences of Loss against the analytic gradient at random w.
// J is quadratic, so the central difference is exact but for rounding;
// relative error < 1e-6.
func TestPolyGradient(t *testing.T) {
	var fx polyFixture
	mltest.LoadFixture(t, "poly.json", &fx)
	rng := mltest.NewRand(21)
	for _, degree := range []int{0, 3, 9, 15} {
		for _, lambda := range []float64{0, 0.1} {
			p, err := NewPolyRegression(fx.X, fx.Y, degree, lambda)
			if err != nil {
				t.Fatal(err)
			}
			for k := range p.w {
				p.w[k] = rng.NormFloat64()
			}
			p.evaluate()
			analytic := append([]float64(nil), p.grad...)
			w0 := append([]float64(nil), p.w...)
			const h = 1e-5
			var diff, norm float64
			for k := range w0 {
				copy(p.w, w0)
				p.w[k] += h
				p.evaluate()
				up := p.Loss()
				p.w[k] -= 2 * h
				p.evaluate()
				down := p.Loss()
				fd := (up - down) / (2 * h)
				diff += (fd - analytic[k]) * (fd - analytic[k])
				norm += analytic[k] * analytic[k]
			}
			if rel := math.Sqrt(diff / norm); rel > 1e-6 {
				t.Errorf("degree %d, λ %g: relative gradient error %.3g", degree, lambda, rel)
			}
		}
	}
}

// With η = 1/L every step lowers the quadratic J (by at least ‖∇J‖²/(2L));
// tolerance 1e-12 relative for rounding once J has settled.
func TestPolyLossNonIncreasing(t *testing.T) {
	var fx polyFixture
	mltest.LoadFixture(t, "poly.json", &fx)
	for _, degree := range []int{1, 9, 15} {
		for _, lambda := range []float64{0, 1e-3} {
			p, err := NewPolyRegression(fx.X, fx.Y, degree, lambda)
			if err != nil {
				t.Fatal(err)
			}
			prev := p.Loss()
			for range 3000 {
				p.Step()
				if got := p.Loss(); got > prev*(1+1e-12) {
					t.Fatalf("degree %d, λ %g, epoch %d: loss rose from %.17g to %.17g", degree, lambda, p.Epoch(), prev, got)
				}
				prev = p.Loss()
			}
		}
	}
}

// Cases small enough to do by hand.
func TestPolyRegressionHandWorked(t *testing.T) {
	// Degree 0: Φ = 1, H = 2, η = 1/2, and one step from 0 lands on the mean:
	// w_0 = 0 − ½·(2/n)Σ(0 − yᵢ) = ȳ.
	p, err := NewPolyRegression([]float64{-0.5, 0, 0.5}, []float64{1, 2, 6}, 0, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.LearningRate(), 0.5; got != want {
		t.Errorf("degree 0: η = %g, want %g", got, want)
	}
	if got, want := p.Loss(), (1.0+4+36)/3; !mltest.CloseTo(got, want, 1e-15, want) {
		t.Errorf("degree 0: initial loss %g, want %g", got, want)
	}
	p.Step()
	if got, want := p.Weights(), 3.0; p.Epoch() != 1 || !mltest.CloseTo(got[0], want, 1e-15, want) {
		t.Errorf("degree 0 after one step: epoch %d, w = %v, want 1, [%g]", p.Epoch(), got, want)
	}
	if got := p.GradientNorm(); got > 1e-15 {
		t.Errorf("degree 0 after one step: gradient norm %g, want 0", got)
	}
	// Degree 1 on x = ±1: Φ = [[1, −√3], [1, √3]], ΦᵀΦ/n = diag(1, 3), so
	// H = 2·diag(1, 3 + λ) and η = 1/(2(3 + λ)).
	for _, lambda := range []float64{0, 0.5, 2} {
		p, err := NewPolyRegression([]float64{-1, 1}, []float64{0, 1}, 1, lambda)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.LearningRate(), 1/(2*(3+lambda)); !mltest.CloseTo(got, want, 1e-14, want) {
			t.Errorf("degree 1, λ %g: η = %.17g, want %.17g", lambda, got, want)
		}
		// Ridge: w_0 = ȳ = 0.5, w_1 = (Φᵀy/n)_1/(3 + λ) = (√3/2)/(3 + λ).
		w, err := RidgePoly([]float64{-1, 1}, []float64{0, 1}, 1, lambda)
		if err != nil {
			t.Fatal(err)
		}
		if want := []float64{0.5, math.Sqrt(3) / 2 / (3 + lambda)}; !mltest.CloseTo(w[0], want[0], 1e-14, 1) || !mltest.CloseTo(w[1], want[1], 1e-14, 1) {
			t.Errorf("RidgePoly degree 1, λ %g: got %v, want %v", lambda, w, want)
		}
	}
	// Under-determined: one point, degree 2, λ = 0. Minimum-norm w with
	// φ(x)·w = y is w = y·φ(x)/‖φ(x)‖². At x = 1, φ = (1, √3, √5), ‖φ‖² = 9.
	w, err := RidgePoly([]float64{1}, []float64{9}, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, math.Sqrt(3), math.Sqrt(5)}; !mltest.CloseTo(w[0], want[0], 1e-13, 1) || !mltest.CloseTo(w[1], want[1], 1e-13, 1) || !mltest.CloseTo(w[2], want[2], 1e-13, 1) {
		t.Errorf("RidgePoly minimum norm: got %v, want %v", w, want)
	}
}

func TestPolyPredictMatchesCoefficients(t *testing.T) {
	var fx polyFixture
	mltest.LoadFixture(t, "poly.json", &fx)
	p, err := NewPolyRegression(fx.X, fx.Y, 6, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		p.Step()
	}
	a := p.Coefficients()
	for _, x := range fx.Grid {
		var horner float64
		for j := len(a) - 1; j >= 0; j-- {
			horner = horner*x + a[j]
		}
		if got := p.Predict(x); !mltest.CloseTo(got, horner, 1e-12, max(1, math.Abs(horner))) {
			t.Errorf("Predict(%g) = %.17g, monomial Horner %.17g", x, got, horner)
		}
	}
}

func TestPolyInputErrors(t *testing.T) {
	ok := []float64{0, 0.5}
	tests := []struct {
		name   string
		x, y   []float64
		degree int
		lambda float64
	}{
		{"negative degree", ok, ok, -1, 0},
		{"lengths differ", ok, ok[:1], 2, 0},
		{"no samples", nil, nil, 2, 0},
		{"negative lambda", ok, ok, 2, -1e-9},
		{"NaN lambda", ok, ok, 2, math.NaN()},
		{"x above 1", []float64{0, 1.0000001}, ok, 2, 0},
		{"x below -1", []float64{-1.5, 0}, ok, 2, 0},
		{"NaN x", []float64{math.NaN(), 0}, ok, 2, 0},
		{"infinite y", ok, []float64{0, math.Inf(1)}, 2, 0},
	}
	for _, tt := range tests {
		if _, err := NewPolyRegression(tt.x, tt.y, tt.degree, tt.lambda); !errors.Is(err, ErrPolyInput) {
			t.Errorf("NewPolyRegression %s: err = %v, want ErrPolyInput", tt.name, err)
		}
		if _, err := RidgePoly(tt.x, tt.y, tt.degree, tt.lambda); !errors.Is(err, ErrPolyInput) {
			t.Errorf("RidgePoly %s: err = %v, want ErrPolyInput", tt.name, err)
		}
	}
	if _, err := NewPolyRegression([]float64{-1, 1}, ok, 0, 0); err != nil {
		t.Errorf("valid input at the interval's ends: %v", err)
	}
	mltest.MustPanic(t, "LegendreFeatures short out", func() { LegendreFeatures(0, 3, make([]float64, 3)) })
	mltest.MustPanic(t, "MSE lengths", func() {
		p, _ := NewPolyRegression(ok, ok, 1, 0)
		p.MSE(ok, ok[:1])
	})
}
