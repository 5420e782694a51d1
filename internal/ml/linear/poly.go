package linear

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/num"
)

// Polynomial regression in the orthonormal Legendre basis on [−1, 1].
//
// Gradient descent needs about κ·ln(1/ε) epochs, κ the condition number of
// the Hessian. For the monomials 1, x, …, x^d on [−1, 1] κ (that of the Gram
// matrix ∫x^{j+k}dx) is about 2·10³ at degree 5, 2·10⁶ at degree 9 and
// 5·10¹⁰ at degree 15: hopeless to watch. In the basis
//
//	φ_k(x) = √(2k+1)·P_k(x),  ∫_{−1}^{1} φ_j φ_k dx = 2δ_jk
//
// (1/n)ΦᵀΦ tends to the identity as samples fill [−1, 1], so gradient
// descent converges in a watchable number of epochs. (Few samples at high
// degree with λ = 0 stay ill-conditioned: 20 random points at degree 15 give
// κ ≈ 10¹⁰, and the fit creeps; a small λ cures it.) The basis spans
// the same polynomials, so the fitted function is the same least-squares or
// ridge polynomial (Abramowitz & Stegun 1964, §22 for the Legendre
// polynomials).

// LegendreFeatures fills out[0..degree] with φ_k(x) = √(2k+1)·P_k(x), using
// Bonnet's three-term recurrence
//
//	P_0 = 1,  P_1 = x,  (k+1)·P_{k+1} = (2k+1)·x·P_k − k·P_{k−1}
//
// (Abramowitz & Stegun 22.7.10). It panics if degree < 0 or
// len(out) < degree+1.
func LegendreFeatures(x float64, degree int, out []float64) {
	if degree < 0 || len(out) < degree+1 {
		panic("ml: LegendreFeatures degree out of range")
	}
	pPrev, p := 0.0, 1.0
	for k := 0; k <= degree; k++ {
		out[k] = math.Sqrt(float64(2*k+1)) * p
		pPrev, p = p, (float64(2*k+1)*x*p-float64(k)*pPrev)/float64(k+1)
	}
}

// PolyPredictLegendre returns Σ_k w_k φ_k(x) for weights w in the Legendre
// basis (see LegendreFeatures), without allocating.
func PolyPredictLegendre(w []float64, x float64) float64 {
	var s float64
	pPrev, p := 0.0, 1.0
	for k, wk := range w {
		s += wk * math.Sqrt(float64(2*k+1)) * p
		pPrev, p = p, (float64(2*k+1)*x*p-float64(k)*pPrev)/float64(k+1)
	}
	return s
}

// PolyMSE returns the mean squared error (1/n) Σᵢ (ŷ(xᵢ) − yᵢ)² of the
// polynomial with Legendre weights w (see PolyPredictLegendre) on the
// samples (x, y); NaN if there are none. It panics if the lengths differ.
func PolyMSE(w, x, y []float64) float64 {
	if len(x) != len(y) {
		panic("ml: MSE with x and y of different lengths")
	}
	var s float64
	for i, v := range x {
		e := PolyPredictLegendre(w, v) - y[i]
		s += e * e
	}
	return s / float64(len(x))
}

// LegendreToMonomial converts weights w in the Legendre basis to the
// coefficients a of the same polynomial in the monomial basis, lowest degree
// first:
//
//	Σ_k w_k φ_k(x) = Σ_j a_j x^j
//
// The monomial coefficients of P_k follow from the same recurrence as in
// LegendreFeatures. At high degree they are large and alternate in sign, so
// evaluate with the Legendre weights where accuracy matters.
func LegendreToMonomial(w []float64) []float64 {
	a := make([]float64, len(w))
	prev := make([]float64, len(w)) // P_{k−1}
	cur := make([]float64, len(w))  // P_k
	next := make([]float64, len(w))
	if len(w) > 0 {
		cur[0] = 1
	}
	for k, wk := range w {
		s := wk * math.Sqrt(float64(2*k+1))
		for j := 0; j <= k; j++ {
			a[j] += s * cur[j]
		}
		if k+1 == len(w) {
			break
		}
		// (k+1)·P_{k+1} = (2k+1)·x·P_k − k·P_{k−1}
		for j := 0; j <= k+1; j++ {
			var v float64
			if j > 0 {
				v = float64(2*k+1) * cur[j-1]
			}
			v -= float64(k) * prev[j]
			next[j] = v / float64(k+1)
		}
		prev, cur, next = cur, next, prev
	}
	return a
}

// PolyRegression fits a polynomial of the given degree by full-batch
// gradient descent on
//
//	J(w) = (1/n) Σᵢ (ŷ(xᵢ) − yᵢ)² + λ Σ_{k≥1} w_k²,  ŷ(x) = Σ_{k=0..d} w_k φ_k(x)
//
// (the constant term w_0 is not penalised), starting from w = 0. One Step is
// one epoch:
//
//	w ← w − η∇J,  ∇J = (2/n) Φᵀ(Φw − y) + 2λI′w
//
// where Φ_ik = φ_k(xᵢ) and I′ is the identity with 0 at (0, 0). J is
// quadratic with Hessian H = 2(ΦᵀΦ/n + λI′); with η = 1/L, L the largest
// eigenvalue of H, every step lowers J by at least ‖∇J‖²/(2L) (Nesterov 2004,
// "Introductory Lectures on Convex Optimization", §1.2.3). Started from 0,
// an under-determined fit (n ≤ degree, λ = 0) converges to the minimum-norm
// weights, as RidgePoly returns.
//
// A PolyRegression is not safe for concurrent use.
type PolyRegression struct {
	degree int
	lambda float64
	n      int
	phi    []float64 // n×(d+1), row-major
	y      []float64
	w      []float64
	grad   []float64 // ∇J at w
	resid  []float64 // Φw − y
	loss   float64   // J at w
	eta    float64
	epoch  int
}

var _ ml.Stepper = (*PolyRegression)(nil)

// ErrPolyInput is wrapped by the errors of NewPolyRegression and RidgePoly.
var ErrPolyInput = errors.New("ml: bad polynomial regression input")

func CheckPolyInput(x, y []float64, degree int, lambda float64) error {
	switch {
	case degree < 0:
		return fmt.Errorf("%w: degree %d < 0", ErrPolyInput, degree)
	case len(x) != len(y):
		return fmt.Errorf("%w: %d x values but %d y values", ErrPolyInput, len(x), len(y))
	case len(x) == 0:
		return fmt.Errorf("%w: no samples", ErrPolyInput)
	case !(lambda >= 0) || math.IsInf(lambda, 1):
		return fmt.Errorf("%w: lambda %g not a finite value ≥ 0", ErrPolyInput, lambda)
	}
	for i, v := range x {
		if !(v >= -1 && v <= 1) {
			return fmt.Errorf("%w: x[%d] = %g outside [-1, 1]", ErrPolyInput, i, v)
		}
	}
	for i, v := range y {
		if !num.IsFinite(v) {
			return fmt.Errorf("%w: y[%d] = %g not finite", ErrPolyInput, i, v)
		}
	}
	return nil
}

// design returns Φ, n×(degree+1) row-major, Φ_ik = φ_k(xᵢ).
func design(x []float64, degree int) []float64 {
	m := degree + 1
	phi := make([]float64, len(x)*m)
	for i, v := range x {
		LegendreFeatures(v, degree, phi[i*m:(i+1)*m])
	}
	return phi
}

// NewPolyRegression returns a gradient-descent stepper for the samples
// (x, y) at w = 0. It copies x and y. It returns an error wrapping
// ErrPolyInput if degree < 0, the lengths differ, there are no samples,
// lambda is negative or not finite, any x is outside [−1, 1] or any y is not
// finite.
func NewPolyRegression(x, y []float64, degree int, lambda float64) (*PolyRegression, error) {
	if err := CheckPolyInput(x, y, degree, lambda); err != nil {
		return nil, err
	}
	n, m := len(x), degree+1
	p := &PolyRegression{
		degree: degree,
		lambda: lambda,
		n:      n,
		phi:    design(x, degree),
		y:      append([]float64(nil), y...),
		w:      make([]float64, m),
		grad:   make([]float64, m),
		resid:  make([]float64, n),
	}
	// H = 2(ΦᵀΦ/n + λI′)
	h := mat.NewSymDense(m, nil)
	for j := range m {
		for k := j; k < m; k++ {
			var s float64
			for i := range n {
				s += p.phi[i*m+j] * p.phi[i*m+k]
			}
			s /= float64(n)
			if j == k && j > 0 {
				s += lambda
			}
			h.SetSym(j, k, 2*s)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		// H is symmetric with finite entries; LAPACK should not fail.
		return nil, fmt.Errorf("ml: eigenvalues of the Hessian did not converge")
	}
	vals := eig.Values(nil)
	// H_00 = 2 (φ_0 = 1), so the largest eigenvalue is at least 2.
	p.eta = 1 / vals[len(vals)-1]
	p.evaluate()
	return p, nil
}

// evaluate sets resid, loss and grad at the current w.
func (p *PolyRegression) evaluate() {
	m := p.degree + 1
	var sse float64
	for i := range p.n {
		row := p.phi[i*m : (i+1)*m]
		var s float64
		for k, wk := range p.w {
			s += row[k] * wk
		}
		r := s - p.y[i]
		p.resid[i] = r
		sse += r * r
	}
	var pen float64
	for k := 1; k < m; k++ {
		pen += p.w[k] * p.w[k]
	}
	p.loss = sse/float64(p.n) + p.lambda*pen

	clear(p.grad)
	for i, r := range p.resid {
		row := p.phi[i*m : (i+1)*m]
		for k := range p.grad {
			p.grad[k] += row[k] * r
		}
	}
	scale := 2 / float64(p.n)
	for k := range p.grad {
		p.grad[k] *= scale
		if k > 0 {
			p.grad[k] += 2 * p.lambda * p.w[k]
		}
	}
}

// Step runs one epoch: one full-batch gradient step w ← w − η∇J.
func (p *PolyRegression) Step() {
	for k, g := range p.grad {
		p.w[k] -= p.eta * g
	}
	p.epoch++
	p.evaluate()
}

// Epoch returns the number of completed steps.
func (p *PolyRegression) Epoch() int { return p.epoch }

// Done is always false: with η = 1/L every step lowers J, and descent
// approaches the minimiser for as many epochs as the caller runs.
func (p *PolyRegression) Done() bool { return false }

// LearningRate returns η = 1/L, L the largest eigenvalue of the Hessian.
func (p *PolyRegression) LearningRate() float64 { return p.eta }

// Weights returns a copy of w in the Legendre basis.
func (p *PolyRegression) Weights() []float64 { return append([]float64(nil), p.w...) }

// Coefficients returns the monomial coefficients of the current polynomial,
// lowest degree first (see LegendreToMonomial).
func (p *PolyRegression) Coefficients() []float64 { return LegendreToMonomial(p.w) }

// Predict returns ŷ(x) = Σ_k w_k φ_k(x). Outside [−1, 1] it extrapolates.
func (p *PolyRegression) Predict(x float64) float64 { return PolyPredictLegendre(p.w, x) }

// MSE returns the mean squared error (1/n) Σᵢ (ŷ(xᵢ) − yᵢ)², without the
// penalty; NaN if there are no samples. It panics if the lengths differ.
func (p *PolyRegression) MSE(x, y []float64) float64 { return PolyMSE(p.w, x, y) }

// Loss returns J(w) on the training data, penalty included.
func (p *PolyRegression) Loss() float64 { return p.loss }

// GradientNorm returns ‖∇J(w)‖₂ at the current weights.
func (p *PolyRegression) GradientNorm() float64 {
	var s float64
	for _, g := range p.grad {
		s += g * g
	}
	return math.Sqrt(s)
}

// RidgePoly returns the weights, in the Legendre basis, that minimise the
// same J as PolyRegression: the solution of
//
//	(ΦᵀΦ/n + λI′) w = Φᵀy/n
//
// It solves the equivalent least-squares problem
//
//	min_w ‖ [Φ/√n; √λ·I″] w − [y/√n; 0] ‖²
//
// (I″ the rows 1..d of the identity) by SVD, which avoids squaring the
// condition number and, when the system is singular (λ = 0 and fewer
// distinct x than degree+1), returns the minimum-norm solution, dropping
// singular values below ε·max(rows, cols)·σ_max as numpy.linalg.lstsq does.
// Errors are as for NewPolyRegression.
func RidgePoly(x, y []float64, degree int, lambda float64) (weights []float64, err error) {
	if err := CheckPolyInput(x, y, degree, lambda); err != nil {
		return nil, err
	}
	n, m := len(x), degree+1
	rows := n
	if lambda > 0 {
		rows += degree
	}
	a := mat.NewDense(rows, m, nil)
	b := mat.NewDense(rows, 1, nil)
	phi := design(x, degree)
	sn := 1 / math.Sqrt(float64(n))
	for i := range n {
		for k := range m {
			a.Set(i, k, phi[i*m+k]*sn)
		}
		b.Set(i, 0, y[i]*sn)
	}
	if lambda > 0 {
		sl := math.Sqrt(lambda)
		for k := 1; k < m; k++ {
			a.Set(n+k-1, k, sl)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, fmt.Errorf("ml: SVD of the ridge system did not converge")
	}
	rank := svd.Rank(2.220446049250313e-16 * float64(max(rows, m)))
	if rank == 0 {
		// Only possible with all-zero Φ, which φ_0 = 1 rules out.
		return make([]float64, m), nil
	}
	var w mat.Dense
	svd.SolveTo(&w, b, rank)
	weights = make([]float64, m)
	for k := range weights {
		weights[k] = w.At(k, 0)
	}
	return weights, nil
}
