package linear

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// Values by hand from the formulas in linearloss.go.
func TestMarginLossClosedForms(t *testing.T) {
	for _, c := range []struct {
		loss      MarginLoss
		m         float64
		val, grad float64
	}{
		{SquaredLoss, -1, 4, -4},
		{SquaredLoss, 1, 0, 0},
		{SquaredLoss, 3, 4, 4}, // a sure, right answer still costs: the outlier problem
		{HingeLoss, -1, 2, -1},
		{HingeLoss, 0.5, 0.5, -1},
		{HingeLoss, 2, 0, 0},
		{LogisticLoss, 0, math.Ln2, -0.5},
		{LogisticLoss, -800, 800, -1}, // no overflow far on the wrong side
		{LogisticLoss, 800, 0, 0},
		{CrossEntropyLoss, 0, 1, -0.5 / math.Ln2},
		{CrossEntropyLoss, -2, math.Log2(1 + math.Exp(2)), -1 / (1 + math.Exp(-2)) / math.Ln2},
	} {
		if got := c.loss.Loss(c.m); !mltest.CloseTo(got, c.val, 1e-12, 1) {
			t.Errorf("%s(%v) = %v, want %v", c.loss.Name, c.m, got, c.val)
		}
		if got := c.loss.Deriv(c.m); !mltest.CloseTo(got, c.grad, 1e-12, 1) {
			t.Errorf("%s′(%v) = %v, want %v", c.loss.Name, c.m, got, c.grad)
		}
	}
	// log(1+e^(−m)) − log(1+e^(m)) = −m.
	for _, m := range []float64{-5, -0.3, 0, 2, 30} {
		if got := LogisticLoss.Loss(m) - LogisticLoss.Loss(-m); !mltest.CloseTo(got, -m, 1e-12, 1) {
			t.Errorf("L(%v) − L(%v) = %v, want %v", m, -m, got, -m)
		}
	}
}

// Every derivative against central differences, away from the hinge's kink.
func TestMarginLossDerivatives(t *testing.T) {
	const h = 1e-6
	for _, loss := range MarginLosses() {
		for m := -4.0; m <= 4; m += 0.37 {
			if loss.Name == "hinge" && math.Abs(m-1) < 2*h {
				continue
			}
			want := (loss.Loss(m+h) - loss.Loss(m-h)) / (2 * h)
			if got := loss.Deriv(m); !mltest.CloseTo(got, want, 1e-7, 1) {
				t.Errorf("%s′(%v) = %v, finite difference %v", loss.Name, m, got, want)
			}
		}
	}
}

// Logistic loss on the margin is the binary cross-entropy of g(f); the
// cross-entropy loss is the same in bits.
func TestLogisticLossIsCrossEntropy(t *testing.T) {
	for f := -6.0; f <= 6; f += 0.5 {
		p := 1 / (1 + math.Exp(-f))
		for _, label := range []int{0, 1} {
			y := float64(2*label - 1)
			bce := BinaryCrossEntropy(p, label)
			if got := LogisticLoss.Loss(y * f); !mltest.CloseTo(got, bce, 1e-12, 1) {
				t.Errorf("f=%v t=%d: logistic loss %v, cross-entropy %v", f, label, got, bce)
			}
			if got := CrossEntropyLoss.Loss(y * f); !mltest.CloseTo(got, bce/math.Ln2, 1e-12, 1) {
				t.Errorf("f=%v t=%d: cross-entropy loss %v, want %v bits", f, label, got, bce/math.Ln2)
			}
		}
	}
}

// marginData is two overlapping blobs in two features, labels 0/1.
func marginData(seed uint64, n int, gap float64) ([][]float64, []int) {
	rng := mltest.NewRand(seed)
	X := make([][]float64, n)
	y := make([]int, n)
	for i := range X {
		y[i] = i % 2
		s := float64(2*y[i] - 1)
		X[i] = []float64{s*gap + rng.NormFloat64(), 0.5*s + rng.NormFloat64()}
	}
	return X, y
}

// The stepper's gradient against central differences of its objective.
func TestMarginClassifierGradient(t *testing.T) {
	X, y := marginData(2, 50, 0.8)
	for _, loss := range MarginLosses() {
		c, err := NewMarginClassifier(X, y, loss, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			c.Step()
			c.Step()
			gw, gb := c.Gradient()
			params := append(c.w[:len(c.w):len(c.w)], c.b)
			grads := append(gw, gb)
			for j := range params {
				p := &c.b
				if j < len(c.w) {
					p = &c.w[j]
				}
				const h = 1e-6
				orig := *p
				*p = orig + h
				c.evaluate()
				up := c.obj
				*p = orig - h
				c.evaluate()
				down := c.obj
				*p = orig
				c.evaluate()
				// The hinge's objective has kinks where a margin is 1; with
				// continuous data none lies within h of one.
				if want := (up - down) / (2 * h); !mltest.CloseTo(grads[j], want, 1e-6, 1) {
					t.Errorf("%s epoch %d: ∂J/∂θ%d = %v, finite difference %v", loss.Name, c.Epoch(), j, grads[j], want)
				}
			}
		}
	}
}

// Squared loss on the margin is least squares on ±1 targets, whose
// minimiser solves the normal equations; logistic loss is unpenalised
// logistic regression, checked against LogisticRegression with λ = 0.
func TestMarginClassifierConverges(t *testing.T) {
	X, y := marginData(4, 80, 0.6)
	n := len(X)

	A := mat.NewDense(n, 3, nil)
	tv := mat.NewVecDense(n, nil)
	for i, x := range X {
		A.SetRow(i, []float64{x[0], x[1], 1})
		tv.SetVec(i, float64(2*y[i]-1))
	}
	var ls mat.VecDense
	if err := ls.SolveVec(A, tv); err != nil { // QR least squares
		t.Fatal(err)
	}
	sq, _ := NewMarginClassifier(X, y, SquaredLoss, 0.1)
	for range 3000 {
		sq.Step()
	}
	w := sq.Weights()
	for j, got := range []float64{w[0], w[1], sq.Intercept()} {
		if !mltest.CloseTo(got, ls.AtVec(j), 1e-9, 1) {
			t.Errorf("squared loss θ%d = %v, least squares %v", j, got, ls.AtVec(j))
		}
	}

	lg, _ := NewMarginClassifier(X, y, LogisticLoss, 1)
	lr, _ := NewLogisticRegression(X, y, 2, 0, 1)
	for range 5000 {
		lg.Step()
	}
	lr.Fit(100000, 1e-12)
	wl, bl := lr.Weights()[0], lr.Intercepts()[0]
	w = lg.Weights()
	for j, got := range []float64{w[0], w[1], lg.Intercept()} {
		want := append(wl, bl)[j]
		if !mltest.CloseTo(got, want, 1e-8, 1) {
			t.Errorf("logistic loss θ%d = %v, logistic regression %v", j, got, want)
		}
	}
	// Cross-entropy in bits has the same minimiser.
	ce, _ := NewMarginClassifier(X, y, CrossEntropyLoss, math.Ln2)
	for range 5000 {
		ce.Step()
	}
	if got := ce.Weights()[0]; !mltest.CloseTo(got, wl[0], 1e-8, 1) {
		t.Errorf("cross-entropy loss w0 = %v, logistic regression %v", got, wl[0])
	}
}

// On separable data the hinge loss reaches 0, where its subgradient is 0
// and training stops moving.
func TestHingeStopsAtZeroLoss(t *testing.T) {
	X, y := marginData(6, 60, 3)
	c, _ := NewMarginClassifier(X, y, HingeLoss, 0.1)
	for range 2000 {
		c.Step()
	}
	if c.Objective() != 0 {
		t.Fatalf("hinge objective %v on separable data after 2000 epochs", c.Objective())
	}
	w := c.Weights()
	c.Step()
	if got := c.Weights(); got[0] != w[0] || got[1] != w[1] {
		t.Errorf("weights moved at zero hinge loss: %v → %v", w, got)
	}
	for i, x := range X {
		if m := float64(2*y[i]-1) * c.Decision(x); m < 1 {
			t.Errorf("sample %d has margin %v < 1 at zero hinge loss", i, m)
		}
	}
}

// With η = 50 far above 2/L the squared loss's error is multiplied by
// |1 − ηh| ≫ 1 each epoch; descent stops once J passes 10⁶·L(0) = 10⁶,
// long before it would overflow, and a stopped model stays put.
func TestMarginClassifierDivergesAndStops(t *testing.T) {
	X, y := marginData(8, 40, 1)
	c, _ := NewMarginClassifier(X, y, SquaredLoss, 50)
	for range 400 {
		c.Step()
	}
	if !c.Diverged() || !c.Done() {
		t.Fatalf("squared loss with η = 50 did not diverge: J = %v", c.Objective())
	}
	if j := c.Objective(); !(j > 1e6) || math.IsInf(j, 0) {
		t.Errorf("stopped at J = %v, want finite and above 10⁶", j)
	}
	if e := c.Epoch(); e > 20 {
		t.Errorf("stopped only at epoch %d", e)
	}
	e := c.Epoch()
	c.Step()
	if c.Epoch() != e {
		t.Error("a diverged model kept stepping")
	}
}

func TestMarginClassifierBadInput(t *testing.T) {
	X := [][]float64{{0, 1}, {1, 0}}
	for name, err := range map[string]error{
		"no samples":   marginErr(NewMarginClassifier(nil, nil, HingeLoss, 1)),
		"labels short": marginErr(NewMarginClassifier(X, []int{0}, HingeLoss, 1)),
		"label 2":      marginErr(NewMarginClassifier(X, []int{0, 2}, HingeLoss, 1)),
		"label −1":     marginErr(NewMarginClassifier(X, []int{-1, 1}, HingeLoss, 1)),
		"ragged":       marginErr(NewMarginClassifier([][]float64{{0, 1}, {1}}, []int{0, 1}, HingeLoss, 1)),
		"zero rate":    marginErr(NewMarginClassifier(X, []int{0, 1}, HingeLoss, 0)),
	} {
		if !errors.Is(err, ErrMarginInput) {
			t.Errorf("%s: error %v, want ErrMarginInput", name, err)
		}
	}
	mltest.MustPanic(t, "loss without derivative", func() {
		NewMarginClassifier(X, []int{0, 1}, MarginLoss{Name: "broken"}, 1)
	})
}

func marginErr[T any](_ T, err error) error { return err }

func BenchmarkMarginClassifierStep(b *testing.B) {
	X, y := marginData(1, 200, 1)
	c, _ := NewMarginClassifier(X, y, LogisticLoss, 0.1)
	for b.Loop() {
		c.Step()
	}
}
