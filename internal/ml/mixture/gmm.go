package mixture

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/num"
)

// Phases of a GaussianMixture stepper, as returned by Phase.
const (
	PhaseInit         = "init" // constructed, nothing done yet
	PhaseExpectation  = "e"    // the last step recomputed the responsibilities
	PhaseMaximization = "m"    // the last step re-estimated weights, means and covariances
)

// Covariance types of a GaussianMixture, as scikit-learn names them.
const (
	CovarianceFull      = "full"      // any symmetric positive definite matrix
	CovarianceDiag      = "diag"      // axis-aligned: one variance per dimension
	CovarianceSpherical = "spherical" // round: one variance for all dimensions
)

// RegCovar is added to the diagonal of every covariance the M-step
// estimates, scikit-learn's default reg_covar: a component sitting on a
// single point keeps a tiny but invertible covariance.
const RegCovar = 1e-6

// DefaultTol is the default convergence tolerance on the change of the mean
// log-likelihood between two M-steps (scikit-learn's default tol is 1e-3; we
// stop later so that the curve has visibly flattened).
const DefaultTol = 1e-6

// ErrInput is wrapped by the errors of NewGaussianMixture and
// EstimateGaussianParameters.
var ErrInput = errors.New("ml: bad Gaussian mixture input")

// GaussianMixture fits a mixture of k Gaussians to n samples in d
// dimensions by expectation–maximisation (Dempster, Laird & Rubin 1977,
// "Maximum likelihood from incomplete data via the EM algorithm", JRSS B
// 39(1); Bishop 2006, "Pattern Recognition and Machine Learning", §9.2).
// The model is
//
//	p(x) = Σ_k π_k N(x | μ_k, Σ_k)
//
// Each Step is one half of an iteration. The E-step computes every sample's
// responsibilities, the posterior probability of each component:
//
//	r_ik = π_k N(xᵢ | μ_k, Σ_k) / Σ_j π_j N(xᵢ | μ_j, Σ_j)
//
// The M-step re-estimates the parameters from them, with N_k = Σᵢ r_ik:
//
//	π_k = N_k / n
//	μ_k = (1/N_k) Σᵢ r_ik xᵢ
//	Σ_k = (1/N_k) Σᵢ r_ik (xᵢ − μ_k)(xᵢ − μ_k)ᵀ + 10⁻⁶·I        full
//	Σ_k = diag((1/N_k) Σᵢ r_ik (xᵢ − μ_k)²) + 10⁻⁶·I           diag
//	Σ_k = (1/d) tr((1/N_k) Σᵢ r_ik (xᵢ − μ_k)(xᵢ − μ_k)ᵀ)·I + 10⁻⁶·I   spherical
//
// (for spherical, the mean of the per-dimension variances). As in
// scikit-learn, N_k gets 10·ε (machine epsilon) added so an empty component
// does not divide by zero; its mean falls to 0 and its covariance to 10⁻⁶·I.
// EM never decreases the mean log-likelihood
//
//	ℓ(θ) = (1/n) Σᵢ log Σ_k π_k N(xᵢ | μ_k, Σ_k)
//
// which MeanLogLikelihood reports for the current parameters, so it changes
// only on M-steps.
//
// After 2N steps (N iterations) the parameters are those of scikit-learn
// 1.2's GaussianMixture(max_iter=N, tol=0, weights_init, means_init,
// precisions_init) from the same start. A GaussianMixture is not safe for
// concurrent use.
type GaussianMixture struct {
	x       [][]float64 // n×d copy of the samples
	covType string
	tol     float64

	weights []float64     // k
	means   [][]float64   // k×d
	covs    [][][]float64 // k×d×d, full matrices whatever covType
	chol    [][][]float64 // k×d×d lower Cholesky factors, Σ_k = L_k L_kᵀ
	logDet  []float64     // k, log |Σ_k|
	logNorm []float64     // k, log π_k − ½(d·log 2π + log |Σ_k|): all of log π_k N but the distance

	logProb [][]float64 // n×k log π_k + log N(xᵢ | μ_k, Σ_k) at the current parameters
	resp    [][]float64 // n×k; nil before the first E-step
	ll      float64     // mean log-likelihood at the current parameters
	change  float64     // ll minus ll before the last M-step

	phase     string
	iter      int // completed M-steps
	converged bool
	err       error // of the M-step that failed, which ends the run
}

var _ ml.Stepper = (*GaussianMixture)(nil)

// NewGaussianMixture returns an EM stepper for the samples X starting from
// the given weights (k, positive, summing to 1 within 1e-6), means (k×d) and
// full covariance matrices (k×d×d, symmetric positive definite). For
// covType CovarianceDiag the initial covariances must be diagonal, for
// CovarianceSpherical multiples of the identity, so that every step stays in
// the model. It copies its arguments and returns an error wrapping
// ErrInput if any of them is invalid.
func NewGaussianMixture(X [][]float64, weights []float64, means [][]float64, covariances [][][]float64, covType string) (*GaussianMixture, error) {
	if err := checkMixtureShapes(X, len(weights), covType); err != nil {
		return nil, err
	}
	k, d := len(weights), len(X[0])
	if len(means) != k || len(covariances) != k {
		return nil, fmt.Errorf("%w: %d weights, %d means and %d covariances", ErrInput, k, len(means), len(covariances))
	}
	var sum float64
	for j, w := range weights {
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("%w: weight %d is %g, want > 0", ErrInput, j, w)
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-6 {
		return nil, fmt.Errorf("%w: weights sum to %g, want 1", ErrInput, sum)
	}
	gm := &GaussianMixture{
		x:       num.Matrix(len(X), d),
		covType: covType,
		tol:     DefaultTol,
		weights: append([]float64(nil), weights...),
		means:   num.Matrix(k, d),
		covs:    cube(k, d),
		chol:    cube(k, d),
		logDet:  make([]float64, k),
		logNorm: make([]float64, k),
		logProb: num.Matrix(len(X), k),
		phase:   PhaseInit,
	}
	for i, x := range X {
		copy(gm.x[i], x)
	}
	for j := range k {
		if len(means[j]) != d || !num.AllFinite(means[j]) {
			return nil, fmt.Errorf("%w: mean %d is %v, want %d finite numbers", ErrInput, j, means[j], d)
		}
		copy(gm.means[j], means[j])
		if len(covariances[j]) != d {
			return nil, fmt.Errorf("%w: covariance %d has %d rows, want %d", ErrInput, j, len(covariances[j]), d)
		}
		for a, row := range covariances[j] {
			if len(row) != d || !num.AllFinite(row) {
				return nil, fmt.Errorf("%w: covariance %d row %d is %v, want %d finite numbers", ErrInput, j, a, row, d)
			}
			copy(gm.covs[j][a], row)
		}
		if err := checkCovariance(gm.covs[j], covType); err != nil {
			return nil, fmt.Errorf("%w: covariance %d: %v", ErrInput, j, err)
		}
	}
	if err := gm.evaluate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	return gm, nil
}

// checkMixtureShapes checks what NewGaussianMixture and
// EstimateGaussianParameters share: samples of one finite dimension ≥ 1,
// k ≥ 1 and a known covariance type.
func checkMixtureShapes(X [][]float64, k int, covType string) error {
	switch covType {
	case CovarianceFull, CovarianceDiag, CovarianceSpherical:
	default:
		return fmt.Errorf("%w: covariance type %q, want full, diag or spherical", ErrInput, covType)
	}
	if len(X) == 0 || len(X[0]) == 0 {
		return fmt.Errorf("%w: no samples", ErrInput)
	}
	if k < 1 {
		return fmt.Errorf("%w: %d components", ErrInput, k)
	}
	d := len(X[0])
	for i, x := range X {
		if len(x) != d || !num.AllFinite(x) {
			return fmt.Errorf("%w: sample %d is %v, want %d finite numbers", ErrInput, i, x, d)
		}
	}
	return nil
}

// checkCovariance checks that c is symmetric and has the structure of covType.
func checkCovariance(c [][]float64, covType string) error {
	for a := range c {
		for b := range a {
			if c[a][b] != c[b][a] {
				return fmt.Errorf("not symmetric: [%d][%d] = %g, [%d][%d] = %g", a, b, c[a][b], b, a, c[b][a])
			}
			if covType != CovarianceFull && c[a][b] != 0 {
				return fmt.Errorf("%s covariance with off-diagonal entry [%d][%d] = %g", covType, a, b, c[a][b])
			}
		}
		if covType == CovarianceSpherical && c[a][a] != c[0][0] {
			return fmt.Errorf("spherical covariance with unequal variances %g and %g", c[0][0], c[a][a])
		}
	}
	return nil
}

// evaluate factors the covariances and fills logProb and ll for the current
// parameters. It returns an error, leaving logProb in an undefined state,
// if a covariance is not positive definite.
func (gm *GaussianMixture) evaluate() error {
	d := len(gm.x[0])
	logDet := gm.logDet
	for j, c := range gm.covs {
		if !cholesky(c, gm.chol[j]) {
			return fmt.Errorf("covariance %d is not positive definite", j)
		}
		logDet[j] = 0
		for a := range d {
			logDet[j] += 2 * math.Log(gm.chol[j][a][a])
		}
	}
	log2Pi := float64(d) * math.Log(2*math.Pi)
	for j, w := range gm.weights {
		gm.logNorm[j] = math.Log(w) - 0.5*(log2Pi+logDet[j])
	}
	var total float64
	for i, x := range gm.x {
		lp, _ := gm.logJoint(x, gm.logProb[i][:0])
		total += num.LogSumExp(lp)
	}
	gm.ll = total / float64(len(gm.x))
	return nil
}

// Step advances one phase: an E-step after the initial state or an M-step,
// an M-step after an E-step. Once Done, Step does nothing. If an M-step
// produces a covariance that is not positive definite (which the 10⁻⁶
// added to the diagonal prevents for data within rounding of anything
// sensible), the parameters stay as they were and the run ends: Err says
// why.
func (gm *GaussianMixture) Step() {
	if gm.Done() {
		return
	}
	if gm.phase == PhaseExpectation {
		gm.err = gm.mStep()
		return
	}
	gm.eStep()
}

// Done reports whether the run has ended: Converged, or an M-step failed
// (see Err).
func (gm *GaussianMixture) Done() bool { return gm.converged || gm.err != nil }

// Err returns why the last M-step failed, or nil.
func (gm *GaussianMixture) Err() error { return gm.err }

// eStep turns the log-probabilities of the current parameters into
// responsibilities; the parameters and the log-likelihood do not change.
func (gm *GaussianMixture) eStep() {
	if gm.resp == nil {
		gm.resp = num.Matrix(len(gm.x), len(gm.weights))
	}
	for i, lp := range gm.logProb {
		norm := num.LogSumExp(lp)
		for j, v := range lp {
			gm.resp[i][j] = math.Exp(v - norm)
		}
	}
	gm.phase = PhaseExpectation
}

func (gm *GaussianMixture) mStep() error {
	w, mu, cov := estimateGaussian(gm.x, gm.resp, gm.covType)
	old := struct {
		w   []float64
		mu  [][]float64
		cov [][][]float64
	}{gm.weights, gm.means, gm.covs}
	gm.weights, gm.means, gm.covs = w, mu, cov
	prev := gm.ll
	if err := gm.evaluate(); err != nil {
		gm.weights, gm.means, gm.covs = old.w, old.mu, old.cov
		gm.evaluate() // the old parameters factored before
		return fmt.Errorf("ml: M-step %d: %w", gm.iter+1, err)
	}
	gm.change = gm.ll - prev
	gm.iter++
	gm.phase = PhaseMaximization
	gm.converged = math.Abs(gm.change) < gm.tol
	return nil
}

// estimateGaussian is the M-step: weights, means and full covariance
// matrices from the n×k responsibilities resp (see GaussianMixture).
func estimateGaussian(X, resp [][]float64, covType string) ([]float64, [][]float64, [][][]float64) {
	n, d, k := len(X), len(X[0]), len(resp[0])
	eps10 := 10 * 0x1p-52 // scikit-learn: nk = resp.sum(0) + 10·finfo(float).eps
	nk := make([]float64, k)
	means := num.Matrix(k, d)
	for i, x := range X {
		for j, r := range resp[i] {
			nk[j] += r
			for a, v := range x {
				means[j][a] += r * v
			}
		}
	}
	weights := make([]float64, k)
	for j := range k {
		nk[j] += eps10
		weights[j] = nk[j] / float64(n)
		for a := range d {
			means[j][a] /= nk[j]
		}
	}
	covs := cube(k, d)
	diff := make([]float64, d)
	for j := range k {
		c := covs[j]
		for i, x := range X {
			r := resp[i][j]
			for a := range d {
				diff[a] = x[a] - means[j][a]
			}
			for a := range d {
				for b := range a + 1 {
					c[a][b] += r * diff[a] * diff[b]
				}
			}
		}
		for a := range d {
			for b := range a + 1 {
				c[a][b] /= nk[j]
				c[b][a] = c[a][b]
			}
		}
		switch covType {
		case CovarianceDiag:
			for a := range d {
				for b := range d {
					if a != b {
						c[a][b] = 0
					}
				}
			}
		case CovarianceSpherical:
			var tr float64
			for a := range d {
				tr += c[a][a]
			}
			for a := range d {
				clear(c[a])
				c[a][a] = tr / float64(d)
			}
		}
		for a := range d {
			c[a][a] += RegCovar
		}
	}
	return weights, means, covs
}

// EstimateGaussianParameters returns the parameters one M-step makes from the
// n×k responsibilities resp (each row non-negative; rows normally sum to 1),
// see GaussianMixture. Started from hard (0/1) or random responsibilities,
// it gives the initial parameters of scikit-learn's init_params "kmeans" and
// "random". The covariances are full k×d×d matrices. It returns an error
// wrapping ErrInput if the shapes disagree, a responsibility is
// negative or not finite, or covType is unknown.
func EstimateGaussianParameters(X, resp [][]float64, covType string) (weights []float64, means [][]float64, covariances [][][]float64, err error) {
	k := 0
	if len(resp) > 0 {
		k = len(resp[0])
	}
	if err := checkMixtureShapes(X, k, covType); err != nil {
		return nil, nil, nil, err
	}
	if len(resp) != len(X) {
		return nil, nil, nil, fmt.Errorf("%w: %d samples but %d rows of responsibilities", ErrInput, len(X), len(resp))
	}
	for i, row := range resp {
		if len(row) != k {
			return nil, nil, nil, fmt.Errorf("%w: responsibilities row %d has %d entries, want %d", ErrInput, i, len(row), k)
		}
		for _, r := range row {
			if !(r >= 0) || math.IsInf(r, 0) {
				return nil, nil, nil, fmt.Errorf("%w: responsibilities row %d is %v", ErrInput, i, row)
			}
		}
	}
	weights, means, covariances = estimateGaussian(X, resp, covType)
	return weights, means, covariances, nil
}

// HardResponsibilities returns the n×k responsibilities that put all of
// sample i on component assignments[i] (one-hot rows), as scikit-learn's
// init_params "kmeans" does with the K-means labels. It panics if an
// assignment is outside [0, k).
func HardResponsibilities(assignments []int, k int) [][]float64 {
	resp := num.Matrix(len(assignments), k)
	for i, a := range assignments {
		if a < 0 || a >= k {
			panic("ml: HardResponsibilities assignment out of range")
		}
		resp[i][a] = 1
	}
	return resp
}

// RandomResponsibilities returns n×k responsibilities drawn uniformly from
// [0, 1) and normalised per row, as scikit-learn's init_params "random". It
// panics if n < 0 or k < 1.
func RandomResponsibilities(rng *rand.Rand, n, k int) [][]float64 {
	if n < 0 || k < 1 {
		panic("ml: RandomResponsibilities with n < 0 or k < 1")
	}
	resp := num.Matrix(n, k)
	for _, row := range resp {
		var s float64
		for j := range row {
			row[j] = rng.Float64()
			s += row[j]
		}
		for j := range row {
			row[j] /= s
		}
	}
	return resp
}

// SampleGaussianMixture draws n samples from k Gaussians N(means[c],
// covariances[c]): sample i from component i % k, which is its label, as
// dataset.Blobs does. Each sample is μ + L·z with Σ = L Lᵀ (Cholesky) and z standard
// normal. It panics if the shapes disagree or a covariance is not positive
// definite.
func SampleGaussianMixture(rng *rand.Rand, n int, means [][]float64, covariances [][][]float64) (X [][]float64, labels []int) {
	if n < 0 || len(means) == 0 || len(means) != len(covariances) {
		panic("ml: SampleGaussianMixture needs n ≥ 0 and as many covariances as means")
	}
	d := len(means[0])
	chol := cube(len(means), d)
	for c, cov := range covariances {
		if len(means[c]) != d || len(cov) != d || !cholesky(cov, chol[c]) {
			panic("ml: SampleGaussianMixture covariance not d×d positive definite")
		}
	}
	X = num.Matrix(n, d)
	labels = make([]int, n)
	z := make([]float64, d)
	for i, x := range X {
		c := i % len(means)
		labels[i] = c
		for a := range z {
			z[a] = rng.NormFloat64()
		}
		for a := range x {
			x[a] = means[c][a]
			for b := range a + 1 {
				x[a] += chol[c][a][b] * z[b]
			}
		}
	}
	return X, labels
}

// SetTolerance sets the convergence tolerance on |Δℓ| between two M-steps
// (default DefaultTol); 0 never converges. It panics if tol < 0.
func (gm *GaussianMixture) SetTolerance(tol float64) {
	if !(tol >= 0) {
		panic("ml: negative mixture tolerance")
	}
	gm.tol = tol
}

// Weights returns a copy of the mixing weights π_k.
func (gm *GaussianMixture) Weights() []float64 { return append([]float64(nil), gm.weights...) }

// Means returns a copy of the component means, k×d.
func (gm *GaussianMixture) Means() [][]float64 { return num.CopyRows(gm.means) }

// Covariances returns a copy of the covariance matrices, k×d×d, full
// matrices whatever the covariance type (diagonal ones have zeros off the
// diagonal).
func (gm *GaussianMixture) Covariances() [][][]float64 {
	d := len(gm.means[0])
	out := cube(len(gm.covs), d)
	for j := range out {
		for a := range d {
			copy(out[j][a], gm.covs[j][a])
		}
	}
	return out
}

// Responsibilities returns a copy of the n×k responsibilities of the last
// E-step (rows sum to 1), or nil before the first E-step.
func (gm *GaussianMixture) Responsibilities() [][]float64 { return num.CopyRows(gm.resp) }

// Phase returns PhaseInit, PhaseExpectation or PhaseMaximization: what the
// last step did.
func (gm *GaussianMixture) Phase() string { return gm.phase }

// Iteration returns the number of completed M-steps.
func (gm *GaussianMixture) Iteration() int { return gm.iter }

// CovarianceType returns CovarianceFull, CovarianceDiag or CovarianceSpherical.
func (gm *GaussianMixture) CovarianceType() string { return gm.covType }

// MeanLogLikelihood returns the mean log-likelihood of the samples under the
// current parameters,
//
//	ℓ = (1/n) Σᵢ log Σ_k π_k N(xᵢ | μ_k, Σ_k)
//
// computed with the log-sum-exp trick. An E-step does not change it.
func (gm *GaussianMixture) MeanLogLikelihood() float64 { return gm.ll }

// Change returns the change of MeanLogLikelihood made by the last M-step
// (0 before the first).
func (gm *GaussianMixture) Change() float64 { return gm.change }

// Converged reports whether the last M-step changed the mean log-likelihood
// by less than the tolerance (DefaultTol unless SetTolerance changed it).
//
// scikit-learn tests the same change one iteration later: its iteration m
// runs an E-step, which measures ℓ of the parameters of iteration m−1, then
// an M-step, and stops if that ℓ moved by less than tol since the previous
// iteration. So when we stop after M-step m, scikit-learn stops with
// n_iter_ = m + 1, having made one more M-step.
func (gm *GaussianMixture) Converged() bool { return gm.converged }

// LogDensity returns log p(x) = log Σ_k π_k N(x | μ_k, Σ_k) and the index of
// the component with the largest π_k N(x | μ_k, Σ_k) (ties → lowest index):
// the most likely component of a point x. It panics if x is not of
// dimension d.
func (gm *GaussianMixture) LogDensity(x []float64) (logP float64, best int) {
	var buf [16]float64 // no allocation for up to 16 components
	lp := buf[:0]
	if k := len(gm.weights); k > len(buf) {
		lp = make([]float64, 0, k)
	}
	lp, best = gm.logJoint(x, lp)
	return num.LogSumExp(lp), best
}

// MostLikelyComponent returns the index of the component with the largest
// π_k N(x | μ_k, Σ_k) (ties → lowest index), as LogDensity does but without
// the sum. It panics if x is not of dimension d.
func (gm *GaussianMixture) MostLikelyComponent(x []float64) int {
	var buf [16]float64
	lp := buf[:0]
	if k := len(gm.weights); k > len(buf) {
		lp = make([]float64, 0, k)
	}
	_, best := gm.logJoint(x, lp)
	return best
}

// logJoint appends log π_k + log N(x | μ_k, Σ_k) for every k to lp and
// returns it with the index of the largest.
func (gm *GaussianMixture) logJoint(x, lp []float64) ([]float64, int) {
	d := len(gm.means[0])
	if len(x) != d {
		panic("ml: a point of the wrong dimension for the mixture")
	}
	var zBuf [4]float64 // no allocation for the 2-D pictures
	z := zBuf[:]
	if d > len(z) {
		z = make([]float64, d)
	}
	best := 0
	for j, mu := range gm.means {
		// Mahalanobis distance ‖L⁻¹(x − μ)‖² by forward substitution.
		L := gm.chol[j]
		var maha float64
		for a := range d {
			s := x[a] - mu[a]
			for b := range a {
				s -= L[a][b] * z[b]
			}
			z[a] = s / L[a][a]
			maha += z[a] * z[a]
		}
		v := gm.logNorm[j] - 0.5*maha
		lp = append(lp, v)
		if v > lp[best] {
			best = j
		}
	}
	return lp, best
}

// gmmCholesky writes the lower Cholesky factor of the symmetric matrix a
// (a = L Lᵀ) into l and reports whether a is positive definite.
func cholesky(a, l [][]float64) bool {
	for i := range a {
		for j := range i + 1 {
			s := a[i][j]
			for p := range j {
				s -= l[i][p] * l[j][p]
			}
			if i == j {
				if !(s > 0) {
					return false
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
		for j := i + 1; j < len(a); j++ {
			l[i][j] = 0
		}
	}
	return true
}

// gmmCube allocates k d×d matrices over one backing array.
func cube(k, d int) [][][]float64 {
	back := num.Matrix(k*d, d)
	c := make([][][]float64, k)
	for j := range c {
		c[j] = back[j*d : (j+1)*d : (j+1)*d]
	}
	return c
}
