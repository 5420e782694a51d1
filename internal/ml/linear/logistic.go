package linear

import (
	"errors"
	"fmt"
	"math"

	"github.com/mlplayground/playground/internal/ml/num"

	"github.com/mlplayground/playground/internal/ml"
)

// ErrLogisticInput reports unusable input to NewLogisticRegression.
var ErrLogisticInput = errors.New("ml: logistic regression")

// LogisticRegression is logistic regression (two classes) or softmax
// regression (more classes) trained by full-batch gradient descent on the
// mean cross-entropy plus an L2 penalty on the weights:
//
//	J(W, b) = −(1/n) Σᵢ log p(yᵢ | xᵢ) + (λ/2) ‖W‖²
//
// The intercepts b are not penalised. With two classes there is one
// weight row w and
//
//	p(y = 1 | x) = g(wᵀx + b),  g(z) = 1 / (1 + e^(−z))
//	∇_w J = (1/n) Σᵢ (g(zᵢ) − yᵢ) xᵢ + λw,   ∂J/∂b = (1/n) Σᵢ (g(zᵢ) − yᵢ)
//
// With K > 2 classes there is one row per class and the softmax
//
//	p(y = k | x) = e^(z_k) / Σ_j e^(z_j),  z_k = w_kᵀx + b_k
//	∇_{w_k} J = (1/n) Σᵢ (p_ik − [yᵢ = k]) xᵢ + λ w_k
//
// One Step is one epoch: W ← W − η∇J. J is convex and, for λ > 0,
// strictly convex in W, so gradient descent with a small enough η reaches
// the unique minimiser of W, the one scikit-learn's LogisticRegression
// returns with C = 1/(λn) (its objective C·Σ CE + ½‖W‖² is J scaled by
// C·n). The penalty alone multiplies W by 1 − ηλ each step, so with
// ηλ > 2 the weights grow geometrically whatever the data (the curvature
// of the cross-entropy, at most ¼ or ½ of (1/n)Σ‖x‖², only lowers the
// rate that is safe). Descent then stops: Diverged reports true once J is
// not finite or exceeds num.BlowUp times J at W = 0 (log K), and Step does
// nothing more. The softmax intercepts are defined only up to a common shift;
// gradient descent from zero keeps Σ_k b_k = 0, as lbfgs does in
// scikit-learn. See Hastie, Tibshirani & Friedman, "The Elements of
// Statistical Learning" (2nd ed. 2009), §4.4.
//
// A LogisticRegression is not safe for concurrent use.
type LogisticRegression struct {
	X       [][]float64 // n×d, not modified
	y       []int
	classes int
	rows    int // weight rows: 1 for two classes, classes otherwise
	d       int
	lambda  float64
	lr      float64
	w       []float64 // rows×d, row-major
	b       []float64 // rows
	gw, gb  []float64 // ∇J at (w, b)
	z       []float64 // scratch: rows
	loss    float64
	start   float64 // J at W = 0: log K
	epoch   int
	// diverged: J blew up (see num.Exploded); J covers every weight, as a
	// weight that overflows makes a score and so the cross-entropy overflow.
	diverged bool
}

var _ ml.Stepper = (*LogisticRegression)(nil)

// NewLogisticRegression starts gradient descent from W = 0, b = 0 on
// samples X (n×d) with labels y in 0..classes−1. It returns an error
// wrapping ErrLogisticInput when the data is empty or ragged, a label is
// out of range, classes < 2, λ < 0 or the learning rate is not positive.
func NewLogisticRegression(X [][]float64, y []int, classes int, lambda, lr float64) (*LogisticRegression, error) {
	switch {
	case len(X) == 0:
		return nil, fmt.Errorf("%w: no samples", ErrLogisticInput)
	case len(y) != len(X):
		return nil, fmt.Errorf("%w: %d samples but %d labels", ErrLogisticInput, len(X), len(y))
	case classes < 2:
		return nil, fmt.Errorf("%w: %d classes, need at least 2", ErrLogisticInput, classes)
	case !(lambda >= 0) || math.IsInf(lambda, 0):
		return nil, fmt.Errorf("%w: λ = %v, need λ ≥ 0", ErrLogisticInput, lambda)
	case !(lr > 0) || math.IsInf(lr, 0):
		return nil, fmt.Errorf("%w: learning rate %v, need > 0", ErrLogisticInput, lr)
	}
	d := len(X[0])
	for i, x := range X {
		if len(x) != d || d == 0 {
			return nil, fmt.Errorf("%w: sample %d has %d features, want %d", ErrLogisticInput, i, len(x), d)
		}
		if y[i] < 0 || y[i] >= classes {
			return nil, fmt.Errorf("%w: label %d of sample %d is not in 0..%d", ErrLogisticInput, y[i], i, classes-1)
		}
	}
	rows := classes
	if classes == 2 {
		rows = 1
	}
	m := &LogisticRegression{
		X: X, y: y, classes: classes, rows: rows, d: d, lambda: lambda, lr: lr,
		w: make([]float64, rows*d), b: make([]float64, rows),
		gw: make([]float64, rows*d), gb: make([]float64, rows),
		z: make([]float64, max(rows, 2)),
	}
	m.evaluate()
	m.start = m.loss
	return m, nil
}

// evaluate computes J and ∇J at the current weights.
func (m *LogisticRegression) evaluate() {
	clear(m.gw)
	clear(m.gb)
	var ce float64
	for i, x := range m.X {
		m.scores(x, m.z)
		if m.rows == 1 {
			// −log p(y|x) = log(1 + e^(−s·z)), s = ±1, written to stay finite.
			z := m.z[0]
			if m.y[i] == 0 {
				z = -z
			}
			ce += softplus(-z)
			r := sigmoid(m.z[0]) - float64(m.y[i]) // ∂CE/∂z
			m.addGrad(0, r, x)
			continue
		}
		lse := num.LogSumExp(m.z[:m.rows])
		ce += lse - m.z[m.y[i]]
		for k := range m.rows {
			r := math.Exp(m.z[k] - lse)
			if k == m.y[i] {
				r--
			}
			m.addGrad(k, r, x)
		}
	}
	n := float64(len(m.X))
	var pen float64
	for j, wj := range m.w {
		pen += wj * wj
		m.gw[j] = m.gw[j]/n + m.lambda*wj
	}
	for k := range m.gb {
		m.gb[k] /= n
	}
	m.loss = ce/n + m.lambda/2*pen
}

func (m *LogisticRegression) addGrad(k int, r float64, x []float64) {
	g := m.gw[k*m.d : (k+1)*m.d]
	for j, xj := range x {
		g[j] += r * xj
	}
	m.gb[k] += r
}

// scores writes z_k = w_kᵀx + b_k for every weight row into z.
func (m *LogisticRegression) scores(x, z []float64) {
	for k := range m.rows {
		s := m.b[k]
		for j, wj := range m.w[k*m.d : (k+1)*m.d] {
			s += wj * x[j]
		}
		z[k] = s
	}
}

// Step runs one epoch of gradient descent, unless descent has diverged.
// The step that crosses the bound is kept, so the weights show how far it
// went.
func (m *LogisticRegression) Step() {
	if m.diverged {
		return
	}
	for j := range m.w {
		m.w[j] -= m.lr * m.gw[j]
	}
	for k := range m.b {
		m.b[k] -= m.lr * m.gb[k]
	}
	m.epoch++
	m.evaluate()
	m.diverged = num.Exploded(m.loss, m.start)
}

// Fit steps until the gradient norm is below tol, maxEpochs epochs have
// run or descent has diverged, and returns the number of epochs run by
// this call.
func (m *LogisticRegression) Fit(maxEpochs int, tol float64) int {
	run := 0
	for run < maxEpochs && !(m.GradientNorm() < tol) && !m.diverged {
		m.Step()
		run++
	}
	return run
}

// Weights returns a copy of W: one row for two classes (the weights of
// class 1 against class 0), one row per class otherwise.
func (m *LogisticRegression) Weights() [][]float64 {
	W := make([][]float64, m.rows)
	for k := range W {
		W[k] = append([]float64(nil), m.w[k*m.d:(k+1)*m.d]...)
	}
	return W
}

// Intercepts returns a copy of b, one per weight row.
func (m *LogisticRegression) Intercepts() []float64 { return append([]float64(nil), m.b...) }

// Loss is J at the current weights: mean cross-entropy plus (λ/2)‖W‖².
func (m *LogisticRegression) Loss() float64 { return m.loss }

// GradientNorm is ‖∇J‖ over the weights and intercepts.
func (m *LogisticRegression) GradientNorm() float64 {
	var s float64
	for _, g := range m.gw {
		s += g * g
	}
	for _, g := range m.gb {
		s += g * g
	}
	return math.Sqrt(s)
}

// Epoch is the number of steps taken.
func (m *LogisticRegression) Epoch() int { return m.epoch }

// Diverged reports whether descent has blown up (see the type's comment).
func (m *LogisticRegression) Diverged() bool { return m.diverged }

// Done reports whether descent has ended, which it does only by diverging:
// otherwise it goes on for as many epochs as the caller runs (see Fit).
func (m *LogisticRegression) Done() bool { return m.diverged }

// Classes is the number of classes.
func (m *LogisticRegression) Classes() int { return m.classes }

// Probabilities writes p(y = k | x) for every class k into out (allocated
// when its length is not Classes()) and returns it.
func (m *LogisticRegression) Probabilities(x []float64, out []float64) []float64 {
	if len(x) != m.d {
		panic(fmt.Sprintf("ml: LogisticRegression.Probabilities: %d features, want %d", len(x), m.d))
	}
	if len(out) != m.classes {
		out = make([]float64, m.classes)
	}
	if m.rows == 1 {
		var z [1]float64
		m.scores(x, z[:])
		out[1] = sigmoid(z[0])
		out[0] = sigmoid(-z[0])
		return out
	}
	m.scores(x, out)
	lse := num.LogSumExp(out)
	for k := range out {
		out[k] = math.Exp(out[k] - lse)
	}
	return out
}

// Predict returns the most probable class; with two classes that is the
// rule p(y = 1 | x) > 0.5, i.e. wᵀx + b > 0.
func (m *LogisticRegression) Predict(x []float64) int {
	if len(x) != m.d {
		panic(fmt.Sprintf("ml: LogisticRegression.Predict: %d features, want %d", len(x), m.d))
	}
	var buf [8]float64
	z := buf[:]
	if m.rows > len(buf) {
		z = make([]float64, m.rows)
	}
	z = z[:m.rows]
	m.scores(x, z)
	if m.rows == 1 {
		if z[0] > 0 {
			return 1
		}
		return 0
	}
	return num.Argmax(z)
}

// sigmoid is the logistic function g(z) = 1/(1 + e^(−z)), evaluated so
// that neither branch overflows.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus is log(1 + e^z) without overflow for large z.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}
