package svm

import (
	"errors"
	"fmt"
	"math"

	"github.com/mlplayground/playground/internal/ml/num"

	"github.com/mlplayground/playground/internal/ml"
)

// Kernel names, as scikit-learn spells them.
const (
	KernelLinear = "linear"
	KernelPoly   = "poly"
	KernelRBF    = "rbf"
)

// Tolerance is the KKT tolerance at which an SVM has converged: the
// maximal violating pair's gap m(α) − M(α) below it (libsvm's and
// scikit-learn's default tol).
const Tolerance = 1e-3

// svmTau replaces a non-positive curvature of the pair's sub-problem, as
// libsvm's TAU does.
const tau = 1e-12

// Kernel is a similarity K(x, z) = φ(x)ᵀφ(z) between two samples, with the
// parameters scikit-learn's SVC gives it:
//
//	linear      K(x, z) = xᵀz
//	poly        K(x, z) = (γ xᵀz + coef0)^degree
//	rbf         K(x, z) = exp(−γ ‖x − z‖²)
type Kernel struct {
	Name   string // KernelLinear, KernelPoly or KernelRBF
	Gamma  float64
	Coef0  float64
	Degree int
}

// LinearKernel is K(x, z) = xᵀz.
func LinearKernel() Kernel { return Kernel{Name: KernelLinear} }

// PolyKernel is K(x, z) = (γ xᵀz + coef0)^degree.
func PolyKernel(gamma, coef0 float64, degree int) Kernel {
	return Kernel{Name: KernelPoly, Gamma: gamma, Coef0: coef0, Degree: degree}
}

// RBFKernel is the Gaussian kernel K(x, z) = exp(−γ ‖x − z‖²).
func RBFKernel(gamma float64) Kernel { return Kernel{Name: KernelRBF, Gamma: gamma} }

// Eval returns K(x, z). It panics on an unknown kernel.
func (k Kernel) Eval(x, z []float64) float64 {
	switch k.Name {
	case KernelLinear:
		return num.Dot(x, z)
	case KernelPoly:
		return powi(k.Gamma*num.Dot(x, z)+k.Coef0, k.Degree)
	case KernelRBF:
		return math.Exp(-k.Gamma * num.SqDist(x, z))
	}
	panic("ml: unknown kernel " + k.Name)
}

// check reports kernel parameters the formulas cannot use.
func (k Kernel) check() error {
	switch k.Name {
	case KernelLinear:
		return nil
	case KernelPoly:
		if k.Degree < 1 {
			return fmt.Errorf("ml: polynomial kernel degree %d, want at least 1", k.Degree)
		}
		fallthrough
	case KernelRBF:
		if !(k.Gamma > 0) || math.IsInf(k.Gamma, 0) || math.IsNaN(k.Coef0) || math.IsInf(k.Coef0, 0) {
			return fmt.Errorf("ml: kernel %s: γ = %g and coef0 = %g, want γ > 0 and both finite", k.Name, k.Gamma, k.Coef0)
		}
		return nil
	}
	return fmt.Errorf("ml: unknown kernel %q", k.Name)
}

// svmPowi is x^n by repeated squaring, as libsvm's powi computes it.
func powi(x float64, n int) float64 {
	r := 1.0
	for t := n; t > 0; t /= 2 {
		if t%2 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// qfloat is the precision of the stored kernel matrix: libsvm caches
// Q as float32 ("Qfloat"), and storing it the same way keeps our steps on
// libsvm's path.
type qfloat = float32

// Classifier is a soft-margin support vector classifier trained by
// sequential minimal optimisation (SMO): each Step optimises one pair of
// Lagrange multipliers (Platt 1998, "Sequential minimal optimization: a fast
// algorithm for training support vector machines", MSR-TR-98-14), with
// the working-set selection of libsvm (Fan, Chen & Lin 2005, "Working set
// selection using second order information for training support vector
// machines", JMLR 6; Chang & Lin 2011, "LIBSVM", ACM TIST 2(3)).
//
// With labels yᵢ ∈ {−1, +1} and Q_ij = yᵢ y_j K(xᵢ, x_j) it solves the dual
//
//	max_α  D(α) = Σᵢ αᵢ − ½ Σᵢ Σ_j αᵢ α_j Q_ij
//	s.t.   0 ≤ αᵢ ≤ C,  Σᵢ αᵢ yᵢ = 0,
//
// whose solution gives the decision function (the course's θᵀx − b)
//
//	f(x) = Σᵢ αᵢ yᵢ K(xᵢ, x) − b,   predicted class sign f(x).
//
// so b = −intercept_ of scikit-learn's SVC when yᵢ = +1 marks its
// classes_[1]. Like libsvm under scikit-learn, which labels the first of
// the sorted classes +1, the solver works with the labels negated (the
// class the caller calls −1 is its +1); the path, the number of steps
// included, is then libsvm's, and the accessors turn the results back to
// the caller's labels (b = −ρ, with ρ libsvm's bias). With the solver's
// labels and the gradient G = Qα − 1, the step picks
//
//	i = argmax { −y_t G_t : t ∈ I_up(α) }
//	j = argmin { −(b_it)²/a_it : t ∈ I_low(α), −y_t G_t < −yᵢ Gᵢ }
//
// (a_it = K_ii + K_tt − 2K_it, b_it = −yᵢ Gᵢ + y_t G_t; I_up holds the
// multipliers that may grow along yᵢ, I_low those that may shrink), moves
// αᵢ and α_j to the optimum of D along the constraint line, clipped to the
// box [0, C]², and stops when the maximal violation of the KKT conditions
// m(α) − M(α) = max_{I_up} −y G − min_{I_low} −y G is below Tolerance.
// Unlike libsvm it does not shrink the problem, which changes the path but
// not the solution; see the tests for the comparison with scikit-learn.
//
// The kernel matrix is computed once (n² values), which suits the
// playground's few hundred samples.
//
// A Classifier is not safe for concurrent use.
type Classifier struct {
	x      [][]float64
	y      []float64 // the solver's labels: −1 × the caller's
	c      float64
	kernel Kernel
	n      int

	q     []qfloat  // n×n, Q_ij = yᵢ y_j K(xᵢ, x_j)
	qd    []float64 // K(xᵢ, xᵢ)
	alpha []float64
	grad  []float64 // G = Qα − 1

	iter      int
	lastI     int // pair updated by the last step, −1 before any
	lastJ     int
	nextI     int // pair the next step updates
	nextJ     int
	violation float64
	converged bool
	rho       float64 // libsvm's bias for the solver's labels
}

var _ ml.Stepper = (*Classifier)(nil)

// NewClassifier returns an SMO stepper at α = 0 for the samples X with
// labels y (each −1 or +1), box constraint C and the kernel. It copies X. It
// returns an error when C or the kernel parameters are unusable or only
// one class is present, and panics when y is not ±1 or the lengths differ.
func NewClassifier(X [][]float64, y []int, C float64, k Kernel) (*Classifier, error) {
	if len(X) != len(y) {
		panic(fmt.Sprintf("ml: NewClassifier: %d samples, %d labels", len(X), len(y)))
	}
	if !(C > 0) || math.IsInf(C, 0) {
		return nil, fmt.Errorf("ml: SVM: C = %g, want a finite C > 0", C)
	}
	if err := k.check(); err != nil {
		return nil, err
	}
	n := len(X)
	s := &Classifier{c: C, kernel: k, n: n, x: make([][]float64, n), y: make([]float64, n), lastI: -1, lastJ: -1}
	var pos, neg int
	for i, yi := range y {
		switch yi {
		case 1:
			pos++
		case -1:
			neg++
		default:
			panic(fmt.Sprintf("ml: NewClassifier: label %d of sample %d, want −1 or +1", yi, i))
		}
		s.y[i] = -float64(yi)
		s.x[i] = append([]float64(nil), X[i]...)
	}
	if pos == 0 || neg == 0 {
		return nil, errors.New("ml: SVM: the training set needs samples of both classes")
	}
	s.q = make([]qfloat, n*n)
	s.qd = make([]float64, n)
	for i := range n {
		for j := 0; j <= i; j++ {
			v := qfloat(s.y[i] * s.y[j] * k.Eval(s.x[i], s.x[j]))
			s.q[i*n+j], s.q[j*n+i] = v, v
		}
		s.qd[i] = k.Eval(s.x[i], s.x[i])
	}
	s.alpha = make([]float64, n)
	s.grad = make([]float64, n)
	for i := range s.grad {
		s.grad[i] = -1
	}
	s.rho = s.calculateRho()
	s.selectPair()
	return s, nil
}

func (s *Classifier) upper(i int) bool { return s.alpha[i] >= s.c }
func (s *Classifier) lower(i int) bool { return s.alpha[i] <= 0 }

// selectPair is libsvm's select_working_set (WSS3): i maximally violating
// by first-order information, j the partner that gains the most by a
// second-order estimate. It sets the violation m(α) − M(α) and whether α
// is optimal.
func (s *Classifier) selectPair() {
	gmax, gmax2 := math.Inf(-1), math.Inf(-1)
	gmaxIdx, gminIdx := -1, -1
	for t := range s.n {
		if s.y[t] == 1 {
			if !s.upper(t) && -s.grad[t] >= gmax {
				gmax, gmaxIdx = -s.grad[t], t
			}
		} else if !s.lower(t) && s.grad[t] >= gmax {
			gmax, gmaxIdx = s.grad[t], t
		}
	}
	i := gmaxIdx
	objMin := math.Inf(1)
	for j := range s.n {
		var diff, quad float64
		if s.y[j] == 1 {
			if s.lower(j) {
				continue
			}
			gmax2 = max(gmax2, s.grad[j])
			diff = gmax + s.grad[j]
			if i >= 0 {
				quad = s.qd[i] + s.qd[j] - 2*s.y[i]*float64(s.q[i*s.n+j])
			}
		} else {
			if s.upper(j) {
				continue
			}
			gmax2 = max(gmax2, -s.grad[j])
			diff = gmax - s.grad[j]
			if i >= 0 {
				quad = s.qd[i] + s.qd[j] + 2*s.y[i]*float64(s.q[i*s.n+j])
			}
		}
		if diff > 0 {
			if quad <= 0 {
				quad = tau
			}
			if obj := -diff * diff / quad; obj <= objMin {
				gminIdx, objMin = j, obj
			}
		}
	}
	s.violation = max(gmax+gmax2, 0)
	s.nextI, s.nextJ = i, gminIdx
	s.converged = gmax+gmax2 < Tolerance || gminIdx == -1
}

// Step optimises the selected pair of multipliers analytically (libsvm's
// update, clipped to the box) and selects the next pair. It does nothing
// once converged.
func (s *Classifier) Step() {
	if s.converged {
		return
	}
	i, j, n := s.nextI, s.nextJ, s.n
	qi, qj := s.q[i*n:(i+1)*n], s.q[j*n:(j+1)*n]
	c := s.c
	oldI, oldJ := s.alpha[i], s.alpha[j]
	ai, aj := oldI, oldJ
	if s.y[i] != s.y[j] {
		// αᵢ − α_j stays fixed.
		quad := s.qd[i] + s.qd[j] + 2*float64(qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (-s.grad[i] - s.grad[j]) / quad
		diff := ai - aj
		ai += delta
		aj += delta
		if diff > 0 {
			if aj < 0 {
				aj, ai = 0, diff
			}
		} else if ai < 0 {
			ai, aj = 0, -diff
		}
		if diff > 0 {
			if ai > c {
				ai, aj = c, c-diff
			}
		} else if aj > c {
			aj, ai = c, c+diff
		}
	} else {
		// αᵢ + α_j stays fixed.
		quad := s.qd[i] + s.qd[j] - 2*float64(qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (s.grad[i] - s.grad[j]) / quad
		sum := ai + aj
		ai -= delta
		aj += delta
		if sum > c {
			if ai > c {
				ai, aj = c, sum-c
			}
		} else if aj < 0 {
			aj, ai = 0, sum
		}
		if sum > c {
			if aj > c {
				aj, ai = c, sum-c
			}
		} else if ai < 0 {
			ai, aj = 0, sum
		}
	}
	s.alpha[i], s.alpha[j] = ai, aj
	di, dj := ai-oldI, aj-oldJ
	for k := range s.grad {
		s.grad[k] += float64(qi[k])*di + float64(qj[k])*dj
	}
	s.iter++
	s.lastI, s.lastJ = i, j
	s.rho = s.calculateRho()
	s.selectPair()
}

// calculateRho is libsvm's calculate_rho: the mean of yᵢGᵢ over the free
// multipliers (0 < αᵢ < C), whose KKT conditions make f(xᵢ) = yᵢ exactly,
// or the middle of the interval the bounded ones allow when none is free.
func (s *Classifier) calculateRho() float64 {
	ub, lb := math.Inf(1), math.Inf(-1)
	var sumFree float64
	nFree := 0
	for i := range s.n {
		yg := s.y[i] * s.grad[i]
		switch {
		case s.upper(i):
			if s.y[i] == -1 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		case s.lower(i):
			if s.y[i] == 1 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		default:
			nFree++
			sumFree += yg
		}
	}
	if nFree > 0 {
		return sumFree / float64(nFree)
	}
	return (ub + lb) / 2
}

// Converged reports whether the KKT violation is below Tolerance.
func (s *Classifier) Converged() bool { return s.converged }

// Done reports whether the run has ended: it is Converged.
func (s *Classifier) Done() bool { return s.converged }

// Iteration is the number of pair updates so far.
func (s *Classifier) Iteration() int { return s.iter }

// Len is the number of training samples.
func (s *Classifier) Len() int { return s.n }

// C is the box constraint.
func (s *Classifier) C() float64 { return s.c }

// Kernel is the kernel the SVM was built with.
func (s *Classifier) Kernel() Kernel { return s.kernel }

// Alphas returns a copy of the multipliers αᵢ, one per training sample.
func (s *Classifier) Alphas() []float64 { return append([]float64(nil), s.alpha...) }

// B is the bias in f(x) = Σᵢ αᵢ yᵢ K(xᵢ, x) − b, with the caller's
// labels; scikit-learn's intercept_ is −b.
func (s *Classifier) B() float64 { return -s.rho }

// Support returns the indices of the support vectors, the samples with
// αᵢ > 0, in increasing order.
func (s *Classifier) Support() []int {
	var sv []int
	for i, a := range s.alpha {
		if a > 0 {
			sv = append(sv, i)
		}
	}
	return sv
}

// LastPair returns the two multipliers the last step updated, (−1, −1)
// before the first step.
func (s *Classifier) LastPair() (i, j int) { return s.lastI, s.lastJ }

// KKTViolation is the gap m(α) − M(α) of the maximal violating pair
// (0 when no pair violates the conditions).
func (s *Classifier) KKTViolation() float64 { return s.violation }

// DualObjective is D(α) = Σᵢ αᵢ − ½ αᵀQα = −½ Σᵢ αᵢ (Gᵢ − 1), the
// negative of the objective libsvm reports. It grows with every step.
func (s *Classifier) DualObjective() float64 {
	var v float64
	for i, a := range s.alpha {
		v += a * (s.grad[i] - 1)
	}
	return -v / 2
}

// Decision returns f(x) = Σᵢ αᵢ yᵢ K(xᵢ, x) − b; its sign is the
// predicted label.
func (s *Classifier) Decision(x []float64) float64 {
	var f float64
	for i, a := range s.alpha {
		if a > 0 {
			f -= a * s.y[i] * s.kernel.Eval(s.x[i], x) // −s.y is the caller's label
		}
	}
	return f - s.B()
}

// Label returns the caller's label of training sample i.
func (s *Classifier) Label(i int) int { return -int(s.y[i]) }

// Predict returns the predicted label, +1 when f(x) > 0 and −1 otherwise
// (libsvm's rule).
func (s *Classifier) Predict(x []float64) int {
	if s.Decision(x) > 0 {
		return 1
	}
	return -1
}

// Weights returns θ = Σᵢ αᵢ yᵢ xᵢ for the linear kernel, so that
// f(x) = θᵀx − b, and nil for the others, whose weight vector lives in the
// feature space.
func (s *Classifier) Weights() []float64 {
	if s.kernel.Name != KernelLinear {
		return nil
	}
	theta := make([]float64, len(s.x[0]))
	for i, a := range s.alpha {
		if a > 0 {
			for k, v := range s.x[i] {
				theta[k] -= a * s.y[i] * v
			}
		}
	}
	return theta
}

// WeightNorm is ‖w‖, the length of the weight vector in feature space:
//
//	‖w‖² = Σᵢ Σ_j αᵢ α_j yᵢ y_j K(xᵢ, x_j)   (‖θ‖ for the linear kernel)
//
// computed in float64 over the support vectors.
func (s *Classifier) WeightNorm() float64 {
	if theta := s.Weights(); theta != nil {
		return math.Sqrt(num.Dot(theta, theta))
	}
	sv := s.Support()
	var w2 float64
	for _, i := range sv {
		ci := s.alpha[i] * s.y[i]
		w2 += ci * ci * s.qd[i]
		for _, j := range sv {
			if j < i {
				w2 += 2 * ci * s.alpha[j] * s.y[j] * s.kernel.Eval(s.x[i], s.x[j])
			}
		}
	}
	return math.Sqrt(max(w2, 0))
}

// Margin is 1/‖w‖, the distance from the boundary f = 0 to each margin
// line f = ±1 (in feature space for a non-linear kernel); +Inf at α = 0.
func (s *Classifier) Margin() float64 { return 1 / s.WeightNorm() }
