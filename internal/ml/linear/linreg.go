package linear

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/mlplayground/playground/internal/ml/num"

	"github.com/mlplayground/playground/internal/ml"
)

// Linear regression: the model ŷ = θ₀ + θ₁x₁ + … + θ_d x_d, fitted by least
// squares either in one shot (the normal equations) or by gradient descent.
// Throughout, the design matrix A has a leading column of ones, so θ is
// intercept first: A = [1 | X], ŷ = Aθ.

// ErrRegressionInput is wrapped by the errors of NormalEquations and
// NewRegressionGD.
var ErrRegressionInput = errors.New("ml: bad linear regression input")

// checkLinRegInput checks that X is n×d with n ≥ 1, that y has n values and
// that every value is finite.
func checkLinRegInput(X [][]float64, y []float64) (d int, err error) {
	if len(X) == 0 {
		return 0, fmt.Errorf("%w: no samples", ErrRegressionInput)
	}
	if len(X) != len(y) {
		return 0, fmt.Errorf("%w: %d rows of X but %d y values", ErrRegressionInput, len(X), len(y))
	}
	d = len(X[0])
	for i, row := range X {
		if len(row) != d {
			return 0, fmt.Errorf("%w: row %d has %d features, row 0 has %d", ErrRegressionInput, i, len(row), d)
		}
		for j, v := range row {
			if !num.IsFinite(v) {
				return 0, fmt.Errorf("%w: X[%d][%d] = %g not finite", ErrRegressionInput, i, j, v)
			}
		}
		if !num.IsFinite(y[i]) {
			return 0, fmt.Errorf("%w: y[%d] = %g not finite", ErrRegressionInput, i, y[i])
		}
	}
	return d, nil
}

// designWithOnes returns A = [1 | X] as a dense n×(d+1) matrix.
func designWithOnes(X [][]float64, d int) *mat.Dense {
	a := mat.NewDense(len(X), d+1, nil)
	for i, row := range X {
		a.Set(i, 0, 1)
		for j, v := range row {
			a.Set(i, j+1, v)
		}
	}
	return a
}

// NormalEquations returns the least-squares coefficients θ, intercept
// first, of the model ŷ = θ₀ + Σ_j θ_j x_j:
//
//	θ = argmin ‖Aθ − y‖² = (AᵀA)⁻¹Aᵀy,  A = [1 | X]
//
// The formula is the normal equations AᵀAθ = Aᵀy; the code never forms
// (AᵀA)⁻¹ (which squares the condition number) but factorises A = QR and
// solves Rθ = Qᵀy (Golub & Van Loan 2013, "Matrix Computations", §5.3.3).
// It returns an error wrapping ErrRegressionInput if the input is malformed or
// not finite, if there are fewer samples than coefficients, or if A is
// rank-deficient (e.g. every x the same), when θ is not unique.
func NormalEquations(X [][]float64, y []float64) ([]float64, error) {
	d, err := checkLinRegInput(X, y)
	if err != nil {
		return nil, err
	}
	n := len(X)
	if n < d+1 {
		return nil, fmt.Errorf("%w: %d samples for %d coefficients", ErrRegressionInput, n, d+1)
	}
	a := designWithOnes(X, d)
	var qr mat.QR
	qr.Factorize(a)
	// A is rank-deficient when a diagonal entry of R is negligible next to
	// the largest column of A (LAPACK's dgelsy uses a similar test).
	var r mat.Dense
	qr.RTo(&r)
	colMax := 0.0
	for j := range d + 1 {
		colMax = max(colMax, mat.Norm(a.ColView(j), 2))
	}
	for j := range d + 1 {
		if math.Abs(r.At(j, j)) <= 1e-10*colMax {
			return nil, fmt.Errorf("%w: the features are collinear (or constant), so θ is not unique", ErrRegressionInput)
		}
	}
	var theta mat.Dense
	if err := qr.SolveTo(&theta, false, mat.NewDense(n, 1, append([]float64(nil), y...))); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRegressionInput, err)
	}
	return mat.Col(nil, 0, &theta), nil
}

// RegressionGD fits ŷ = θ₀ + Σ_j θ_j x_j by full-batch gradient
// descent on the mean squared error
//
//	J(θ) = (1/n) ‖Aθ − y‖²,  ∇J(θ) = (2/n) Aᵀ(Aθ − y),  A = [1 | X]
//
// One Step is one epoch: θ ← θ − η∇J(θ). J is quadratic with the constant
// Hessian H = (2/n)AᵀA; gradient descent converges for every start if and
// only if η < 2/L, L the largest eigenvalue of H (each eigen-direction of
// the error θ − θ* is multiplied by 1 − ηλ_k per step; Nesterov 2004,
// "Introductory Lectures on Convex Optimization", §1.2.3). Above 2/L each
// step overshoots the valley further than it started and the loss grows
// geometrically. The stepper then stops: Diverged reports true once the loss
// is not finite or exceeds 10⁶ times its starting value, and Step does
// nothing more. A non-finite step is not taken, so Theta is always finite.
//
// A RegressionGD is not safe for concurrent use.
type RegressionGD struct {
	n, d     int
	a        []float64 // n×(d+1) row-major, column 0 all ones
	y        []float64
	theta    []float64
	grad     []float64 // ∇J at theta
	resid    []float64 // Aθ − y
	loss     float64   // J at theta
	start    float64   // J at the starting θ
	eta      float64
	epoch    int
	diverged bool
	lMax     float64 // largest eigenvalue of H
}

var _ ml.Stepper = (*RegressionGD)(nil)

// NewRegressionGD returns a gradient-descent stepper for the samples
// (X, y) starting at θ = start (intercept first; nil means θ = 0) with
// learning rate lr. It copies its inputs. It returns an error wrapping
// ErrRegressionInput if the input is malformed or not finite, start has the
// wrong length, or lr is not a finite positive number.
func NewRegressionGD(X [][]float64, y []float64, start []float64, lr float64) (*RegressionGD, error) {
	d, err := checkLinRegInput(X, y)
	if err != nil {
		return nil, err
	}
	if !(lr > 0) || math.IsInf(lr, 1) {
		return nil, fmt.Errorf("%w: learning rate %g not a finite positive number", ErrRegressionInput, lr)
	}
	if start != nil && len(start) != d+1 {
		return nil, fmt.Errorf("%w: start has %d values, want %d", ErrRegressionInput, len(start), d+1)
	}
	n, m := len(X), d+1
	g := &RegressionGD{
		n: n, d: d,
		a:     make([]float64, 0, n*m),
		y:     append([]float64(nil), y...),
		theta: make([]float64, m),
		grad:  make([]float64, m),
		resid: make([]float64, n),
		eta:   lr,
	}
	for _, row := range X {
		g.a = append(g.a, 1)
		g.a = append(g.a, row...)
	}
	if start != nil {
		for j, v := range start {
			if !num.IsFinite(v) {
				return nil, fmt.Errorf("%w: start[%d] = %g not finite", ErrRegressionInput, j, v)
			}
		}
		copy(g.theta, start)
	}
	h := mat.NewSymDense(m, nil)
	for j := range m {
		for k := j; k < m; k++ {
			var s float64
			for i := range n {
				s += g.a[i*m+j] * g.a[i*m+k]
			}
			h.SetSym(j, k, 2*s/float64(n))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		return nil, fmt.Errorf("ml: eigenvalues of the Hessian did not converge")
	}
	vals := eig.Values(nil)
	g.lMax = vals[len(vals)-1]
	g.loss = g.evaluate(g.theta, g.resid, g.grad)
	g.start = g.loss
	return g, nil
}

// evaluate returns J(θ) and fills resid = Aθ − y and grad = ∇J(θ).
func (g *RegressionGD) evaluate(theta, resid, grad []float64) float64 {
	m := g.d + 1
	var sse float64
	clear(grad)
	for i := range g.n {
		row := g.a[i*m : (i+1)*m]
		s := -g.y[i]
		for k, t := range theta {
			s += row[k] * t
		}
		resid[i] = s
		sse += s * s
		for k := range grad {
			grad[k] += row[k] * s
		}
	}
	for k := range grad {
		grad[k] *= 2 / float64(g.n)
	}
	return sse / float64(g.n)
}

// Step runs one epoch θ ← θ − η∇J(θ), unless gradient descent has diverged.
func (g *RegressionGD) Step() {
	if g.diverged {
		return
	}
	next := make([]float64, len(g.theta))
	for k, t := range g.theta {
		next[k] = t - g.eta*g.grad[k]
	}
	resid := make([]float64, g.n)
	grad := make([]float64, len(g.grad))
	loss := g.evaluate(next, resid, grad)
	if !num.IsFinite(loss) || !num.AllFinite(next) || !num.AllFinite(grad) {
		g.diverged = true // keep the last finite state
		return
	}
	g.theta, g.resid, g.grad, g.loss = next, resid, grad, loss
	g.epoch++
	// On a convex quadratic a learning rate below 2/L never raises the loss,
	// so any growth at all means overshooting; num.BlowUp only leaves time
	// to watch it happen.
	if num.Exploded(loss, g.start) {
		g.diverged = true
	}
}

// Theta returns a copy of the current θ, intercept first.
func (g *RegressionGD) Theta() []float64 { return append([]float64(nil), g.theta...) }

// Gradient returns a copy of ∇J at the current θ.
func (g *RegressionGD) Gradient() []float64 { return append([]float64(nil), g.grad...) }

// MSE returns J(θ) = (1/n)‖Aθ − y‖² at the current θ.
func (g *RegressionGD) MSE() float64 { return g.loss }

// GradientNorm returns ‖∇J(θ)‖₂ at the current θ.
func (g *RegressionGD) GradientNorm() float64 {
	var s float64
	for _, v := range g.grad {
		s += v * v
	}
	return math.Sqrt(s)
}

// Diverged reports whether gradient descent has blown up (see the type's
// doc); Step then does nothing.
func (g *RegressionGD) Diverged() bool { return g.diverged }

// Done reports whether the run has ended, which it does only by diverging:
// below 2/L gradient descent approaches the least-squares θ for ever.
func (g *RegressionGD) Done() bool { return g.diverged }

// Epoch returns the number of completed steps.
func (g *RegressionGD) Epoch() int { return g.epoch }

// LearningRate returns η.
func (g *RegressionGD) LearningRate() float64 { return g.eta }

// MaxStableLearningRate returns 2/L, L the largest eigenvalue of the
// Hessian (2/n)AᵀA: gradient descent diverges from almost every start for
// a learning rate above it.
func (g *RegressionGD) MaxStableLearningRate() float64 { return 2 / g.lMax }

// MSEAt returns J(θ) for any θ (intercept first), without changing the
// stepper: the loss surface drawn under the descent path.
func (g *RegressionGD) MSEAt(theta []float64) float64 {
	if len(theta) != g.d+1 {
		panic("ml: MSEAt with the wrong number of coefficients")
	}
	m := g.d + 1
	var sse float64
	for i := range g.n {
		row := g.a[i*m : (i+1)*m]
		s := -g.y[i]
		for k, t := range theta {
			s += row[k] * t
		}
		sse += s * s
	}
	return sse / float64(g.n)
}
