package linear

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// logisticFixture is written by testdata/gen_logistic.py: scikit-learn
// 1.2.1 LogisticRegression (lbfgs, tol 1e-12, C = 1/(λn), multinomial
// for three classes) on data the script draws itself.
type logisticFixture struct {
	Cases []struct {
		Name       string      `json:"name"`
		Classes    int         `json:"classes"`
		Lambda     float64     `json:"lambda"`
		X          [][]float64 `json:"X"`
		Y          []int       `json:"y"`
		Weights    [][]float64 `json:"weights"`
		Intercepts []float64   `json:"intercepts"`
		Loss       float64     `json:"loss"`
		ProbaFirst [][]float64 `json:"proba_first"`
	} `json:"cases"`
}

// safeRate is 1/L for a bound L on the Hessian of J: the Hessian of the
// cross-entropy in (w, b) is at most ½·(1/n)Σ‖(x, 1)‖² in norm (¼ for the
// sigmoid, ½ for the softmax; the trace bounds the largest eigenvalue),
// plus λ from the penalty. Below 2/L gradient descent never raises J.
func safeRate(X [][]float64, lambda float64) float64 {
	var tr float64
	for _, x := range X {
		tr++
		for _, v := range x {
			tr += v * v
		}
	}
	return 1 / (0.5*tr/float64(len(X)) + lambda)
}

func TestLogisticMatchesScikitLearn(t *testing.T) {
	var fx logisticFixture
	mltest.LoadFixture(t, "logistic.json", &fx)
	if len(fx.Cases) != 6 {
		t.Fatalf("%d fixture cases, want 6", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		m, err := NewLogisticRegression(c.X, c.Y, c.Classes, c.Lambda, safeRate(c.X, c.Lambda))
		if err != nil {
			t.Fatal(err)
		}
		// ‖W − W*‖ ≤ ‖∇J‖/λ for a λ-strongly convex J, so a gradient
		// norm of 1e-9 puts the weights within 1e-7 of the optimum.
		m.Fit(1_000_000, 1e-9)
		if m.GradientNorm() >= 1e-9 {
			t.Fatalf("%s: gradient norm %g after %d epochs", c.Name, m.GradientNorm(), m.Epoch())
		}
		W, b := m.Weights(), m.Intercepts()
		if len(W) != len(c.Weights) {
			t.Fatalf("%s: %d weight rows, want %d", c.Name, len(W), len(c.Weights))
		}
		// The issue asks for 1e-3. scikit-learn's lbfgs also stops when J
		// changes by less than 64ε relatively, which leaves its weights up
		// to ~1e-5 from the optimum (ours are within 1e-7, see above).
		const tol = 1e-4
		for k := range W {
			for j := range W[k] {
				if !mltest.CloseTo(W[k][j], c.Weights[k][j], tol, 1) {
					t.Errorf("%s: W[%d][%d] = %.9f, scikit-learn %.9f", c.Name, k, j, W[k][j], c.Weights[k][j])
				}
			}
		}
		// Softmax intercepts are defined up to a common shift: compare them
		// centred (both sum to ~0 anyway).
		center := func(v []float64) []float64 {
			if len(v) == 1 {
				return v
			}
			var s float64
			for _, x := range v {
				s += x / float64(len(v))
			}
			out := make([]float64, len(v))
			for k, x := range v {
				out[k] = x - s
			}
			return out
		}
		gb, wb := center(b), center(c.Intercepts)
		for k := range gb {
			if !mltest.CloseTo(gb[k], wb[k], tol, 1) {
				t.Errorf("%s: b[%d] = %.9f, scikit-learn %.9f", c.Name, k, gb[k], wb[k])
			}
		}
		// Both are minimisers of the same J: equal to ~‖W − W*‖², and ours
		// no higher (it is the more converged).
		if !mltest.CloseTo(m.Loss(), c.Loss, 1e-9, 1) || m.Loss() > c.Loss+1e-12 {
			t.Errorf("%s: J = %.12f, NumPy on scikit-learn's weights %.12f", c.Name, m.Loss(), c.Loss)
		}
		for i, want := range c.ProbaFirst {
			got := m.Probabilities(c.X[i], nil)
			for k := range want {
				if !mltest.CloseTo(got[k], want[k], 1e-4, 1) {
					t.Errorf("%s: p(%d | x%d) = %.9f, predict_proba %.9f", c.Name, k, i, got[k], want[k])
				}
			}
		}
	}
}

// logisticData draws k overlapping blobs in d dimensions.
func logisticData(seed uint64, n, d, k int) ([][]float64, []int) {
	rng := mltest.NewRand(seed)
	X := make([][]float64, n)
	y := make([]int, n)
	for i := range X {
		y[i] = i % k
		X[i] = make([]float64, d)
		for j := range X[i] {
			X[i][j] = rng.NormFloat64() + float64((y[i]+j)%k) - 0.5*float64(k-1)
		}
	}
	return X, y
}

// TestLogisticGradient compares ∇J with central differences of J at a few
// points along the descent, for the sigmoid and the softmax model.
func TestLogisticGradient(t *testing.T) {
	for _, k := range []int{2, 4} {
		X, y := logisticData(7, 40, 3, k)
		m, err := NewLogisticRegression(X, y, k, 0.3, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			m.Step()
			m.Step()
			gw := append([]float64(nil), m.gw...)
			gb := append([]float64(nil), m.gb...)
			const h = 1e-5
			check := func(p *float64, got float64, what string, i int) {
				orig := *p
				*p = orig + h
				m.evaluate()
				up := m.loss
				*p = orig - h
				m.evaluate()
				down := m.loss
				*p = orig
				m.evaluate()
				// Central differences are exact to O(h²·J‴) ≈ 1e-10 here.
				if want := (up - down) / (2 * h); !mltest.CloseTo(got, want, 1e-7, 1) {
					t.Errorf("k=%d epoch %d: ∂J/∂%s[%d] = %.10f, finite difference %.10f", k, m.Epoch(), what, i, got, want)
				}
			}
			for j := range m.w {
				check(&m.w[j], gw[j], "w", j)
			}
			for j := range m.b {
				check(&m.b[j], gb[j], "b", j)
			}
		}
	}
}

// With η ≤ 1/L every step lowers J (descent lemma), so the loss curve never
// rises; started at W = 0 it begins at log K.
func TestLogisticLossNonIncreasing(t *testing.T) {
	for _, k := range []int{2, 3, 5} {
		X, y := logisticData(11, 100, 2, k)
		m, err := NewLogisticRegression(X, y, k, 0.01, safeRate(X, 0.01))
		if err != nil {
			t.Fatal(err)
		}
		if want := math.Log(float64(k)); !mltest.CloseTo(m.Loss(), want, 1e-12, 1) {
			t.Errorf("k=%d: J at W = 0 is %v, want log K = %v", k, m.Loss(), want)
		}
		prev := m.Loss()
		for range 500 {
			m.Step()
			if m.Loss() > prev+1e-12 {
				t.Fatalf("k=%d epoch %d: J rose from %.12f to %.12f", k, m.Epoch(), prev, m.Loss())
			}
			prev = m.Loss()
		}
		if m.Loss() > 0.9*math.Log(float64(k)) {
			t.Errorf("k=%d: J only fell to %v in 500 epochs", k, m.Loss())
		}
	}
}

func TestLogisticProbabilitiesAndPredict(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{2, 3, 5} {
		X, y := logisticData(5, 60, 2, k)
		m, _ := NewLogisticRegression(X, y, k, 0.1, 0.5)
		m.Fit(50, 0)
		if m.Epoch() != 50 {
			t.Errorf("Fit(50, 0) ran %d epochs", m.Epoch())
		}
		if len(m.Weights()) != map[bool]int{true: 1, false: k}[k == 2] || len(m.Intercepts()) != len(m.Weights()) {
			t.Errorf("k=%d: %d weight rows, %d intercepts", k, len(m.Weights()), len(m.Intercepts()))
		}
		for range 200 {
			x := []float64{6*rng.Float64() - 3, 6*rng.Float64() - 3}
			p := m.Probabilities(x, nil)
			var sum float64
			best := 0
			for c, pc := range p {
				sum += pc
				if pc > p[best] {
					best = c
				}
			}
			if !mltest.CloseTo(sum, 1, 1e-12, 1) {
				t.Errorf("k=%d: probabilities %v sum to %v", k, p, sum)
			}
			if got := m.Predict(x); got != best {
				t.Errorf("k=%d: Predict %d, argmax of %v is %d", k, got, p, best)
			}
			if k == 2 {
				W, b := m.Weights(), m.Intercepts()
				z := W[0][0]*x[0] + W[0][1]*x[1] + b[0]
				if want := 1 / (1 + math.Exp(-z)); !mltest.CloseTo(p[1], want, 1e-12, 1) {
					t.Errorf("p(1|x) = %v, g(wᵀx+b) = %v", p[1], want)
				}
			}
		}
	}
}

func TestLogisticBadInput(t *testing.T) {
	X := [][]float64{{0, 1}, {1, 0}, {2, 2}}
	for _, c := range []struct {
		name       string
		X          [][]float64
		y          []int
		k          int
		lambda, lr float64
	}{
		{"no samples", nil, nil, 2, 0, 1},
		{"labels short", X, []int{0, 1}, 2, 0, 1},
		{"one class", X, []int{0, 0, 0}, 1, 0, 1},
		{"label too big", X, []int{0, 1, 2}, 2, 0, 1},
		{"negative label", X, []int{0, -1, 1}, 2, 0, 1},
		{"ragged", [][]float64{{0, 1}, {1}, {2, 2}}, []int{0, 1, 0}, 2, 0, 1},
		{"negative λ", X, []int{0, 1, 0}, 2, -1, 1},
		{"zero rate", X, []int{0, 1, 0}, 2, 0, 0},
		{"NaN rate", X, []int{0, 1, 0}, 2, 0, math.NaN()},
	} {
		if _, err := NewLogisticRegression(c.X, c.y, c.k, c.lambda, c.lr); !errors.Is(err, ErrLogisticInput) {
			t.Errorf("%s: error %v, want ErrLogisticInput", c.name, err)
		}
	}
	m, _ := NewLogisticRegression(X, []int{0, 1, 0}, 2, 0, 1)
	mltest.MustPanic(t, "Predict with 3 features", func() { m.Predict([]float64{1, 2, 3}) })
}

func BenchmarkLogisticStep(b *testing.B) {
	X, y := logisticData(1, 200, 2, 3)
	m, _ := NewLogisticRegression(X, y, 3, 0.01, 0.5)
	for b.Loop() {
		m.Step()
	}
}

// The penalty multiplies W by 1 − ηλ each step: with ηλ = 10 the weights
// swing ever wider whatever the data, J grows about (ηλ − 1)² = 81-fold an
// epoch from log K, and passes num.BlowUp·log K within
// ⌈log(10⁶)/log 81⌉ + 1 = 5 epochs. With ηλ = 1 the same data converges.
func TestLogisticDivergesWhenEtaLambdaTooLarge(t *testing.T) {
	for _, k := range []int{2, 3} {
		X, y := logisticData(13, 80, 2, k)
		m, err := NewLogisticRegression(X, y, k, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		for range 50 {
			m.Step()
		}
		if !m.Diverged() || !m.Done() {
			t.Fatalf("k=%d: ηλ = 10 not diverged after 50 epochs: J = %v", k, m.Loss())
		}
		if m.Epoch() > 5 {
			t.Errorf("k=%d: diverged only at epoch %d, want ≤ 5", k, m.Epoch())
		}
		if !(m.Loss() > 1e6*math.Log(float64(k))) || math.IsInf(m.Loss(), 0) {
			t.Errorf("k=%d: J = %v at the stop, want finite and above 10⁶·log K", k, m.Loss())
		}
		epoch, W := m.Epoch(), m.Weights()
		m.Step()
		if m.Epoch() != epoch || m.Weights()[0][0] != W[0][0] {
			t.Errorf("k=%d: Step moved a diverged model", k)
		}
		if run := m.Fit(10, 0); run != 0 {
			t.Errorf("k=%d: Fit ran %d epochs of a diverged model", k, run)
		}

		safe, _ := NewLogisticRegression(X, y, k, 1, 1)
		safe.Fit(300, 0)
		if safe.Diverged() || safe.Done() {
			t.Errorf("k=%d: ηλ = 1 diverged: J = %v", k, safe.Loss())
		}
	}
}
