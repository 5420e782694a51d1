package bayes

import (
	"errors"
	"fmt"
	"math"

	"github.com/mlplayground/playground/internal/ml/num"

	"github.com/mlplayground/playground/internal/ml"
)

// Phases of a GaussianNB stepper, as returned by Phase. Each Step estimates
// one kind of parameter, so a caller can show them appearing one at a time.
const (
	PhaseInit      = "init"      // constructed, nothing estimated yet
	PhasePriors    = "priors"    // P(y = k) from the class counts
	PhaseMeans     = "means"     // μ_kj of every class and feature
	PhaseVariances = "variances" // σ²_kj of every class and feature
	PhasePosterior = "posterior" // log-score constants; ready to classify
)

// DefaultVarSmoothing is scikit-learn's default var_smoothing.
const DefaultVarSmoothing = 1e-9

// ErrInput reports training data naive Bayes cannot fit.
var ErrInput = errors.New("ml: naive Bayes")

// GaussianNB is Gaussian naive Bayes, computed exactly as scikit-learn's
// GaussianNB (sklearn/naive_bayes.py, version 1.2) fits it in one call.
//
// Bayes' rule with the "naive" assumption that the features are
// independent given the class, and a Gaussian for each of them:
//
//	P(y = k | x) ∝ P(y = k) Πⱼ N(xⱼ; μ_kj, σ²_kj)
//
// The parameters are maximum-likelihood estimates from the training
// samples S_k of class k (n_k of them, n in all, d features):
//
//	P(y = k) = n_k / n
//	μ_kj     = (1/n_k) Σ_{i∈S_k} x_ij
//	σ²_kj    = (1/n_k) Σ_{i∈S_k} (x_ij − μ_kj)² + ε   (population variance)
//	ε        = varSmoothing · maxⱼ Var(x·ⱼ)         (variance over all samples)
//
// ε keeps every σ² positive even when a class is constant in a feature.
// A sample is scored by its joint log-likelihood
//
//	jll_k(x) = log P(y = k) − ½ Σⱼ log(2π σ²_kj) − ½ Σⱼ (xⱼ − μ_kj)² / σ²_kj
//
// and classified by the largest one (the MAP decision); the posterior is
// the softmax of the scores, computed with the log-sum-exp shift:
//
//	P(y = k | x) = exp(jll_k − m − log Σ_c exp(jll_c − m)),  m = max_c jll_c
//
// The four Steps compute the priors, then the means, then the variances,
// then the per-class constant log P(y = k) − ½ Σⱼ log(2π σ²_kj), after
// which JointLogLikelihood, Probabilities and Predict may be called.
//
// A GaussianNB is not safe for concurrent use.
type GaussianNB struct {
	x            [][]float64 // n×d copy of the training samples
	y            []int
	classes      int
	varSmoothing float64
	epsilon      float64
	counts       []int       // n_k
	prior        []float64   // k, nil before the priors step
	theta        [][]float64 // k×d means, nil before the means step
	variance     [][]float64 // k×d, ε included, nil before the variances step
	logConst     []float64   // k: log P(y=k) − ½ Σⱼ log(2π σ²_kj)
	phase        string
}

var _ ml.Stepper = (*GaussianNB)(nil)

// NewGaussianNB readies naive Bayes for the training samples X (n×d) with
// labels y in 0..classes−1; it copies both and estimates nothing yet.
// It returns an error wrapping ErrInput when there are no
// samples, a class has no sample or every feature is constant (then
// ε = 0 and the variances could be 0). It panics on ragged X, a label out
// of range, mismatched lengths, fewer than 2 classes or a negative
// varSmoothing. With varSmoothing = 0 a class constant in a feature gets
// σ² = 0, as in scikit-learn; use DefaultVarSmoothing.
func NewGaussianNB(X [][]float64, y []int, classes int, varSmoothing float64) (*GaussianNB, error) {
	if len(X) != len(y) {
		panic(fmt.Sprintf("ml: NewGaussianNB with %d samples and %d labels", len(X), len(y)))
	}
	if classes < 2 {
		panic("ml: NewGaussianNB with fewer than 2 classes")
	}
	if !(varSmoothing >= 0) {
		panic("ml: NewGaussianNB with a negative varSmoothing")
	}
	if len(X) == 0 {
		return nil, fmt.Errorf("%w: no training samples", ErrInput)
	}
	d := len(X[0])
	nb := &GaussianNB{x: num.Matrix(len(X), d), y: append([]int(nil), y...), classes: classes,
		varSmoothing: varSmoothing, counts: make([]int, classes), phase: PhaseInit}
	for i, x := range X {
		if len(x) != d || d == 0 {
			panic("ml: NewGaussianNB with ragged or empty samples")
		}
		if y[i] < 0 || y[i] >= classes {
			panic(fmt.Sprintf("ml: NewGaussianNB label %d out of range 0..%d", y[i], classes-1))
		}
		copy(nb.x[i], x)
		nb.counts[y[i]]++
	}
	for k, c := range nb.counts {
		if c == 0 {
			return nil, fmt.Errorf("%w: class %d has no training sample", ErrInput, k)
		}
	}
	// ε from the variance of every feature over all samples, as
	// np.var(X, axis=0).max().
	_, v := columnMeanVar(nb.x, nil)
	for _, vj := range v {
		nb.epsilon = max(nb.epsilon, vj)
	}
	if nb.epsilon == 0 {
		return nil, fmt.Errorf("%w: every feature is constant", ErrInput)
	}
	nb.epsilon *= varSmoothing
	return nb, nil
}

// columnMeanVar returns the mean and population variance of each column of
// the rows of X selected by keep (all rows when keep is nil): the mean
// first, then the mean squared deviation from it, as NumPy's var does.
func columnMeanVar(X [][]float64, keep func(i int) bool) (mean, variance []float64) {
	d := len(X[0])
	mean, variance = make([]float64, d), make([]float64, d)
	n := 0
	for i, x := range X {
		if keep != nil && !keep(i) {
			continue
		}
		n++
		for j, v := range x {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i, x := range X {
		if keep != nil && !keep(i) {
			continue
		}
		for j, v := range x {
			variance[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range variance {
		variance[j] /= float64(n)
	}
	return mean, variance
}

// Step estimates the next kind of parameter: priors, means, variances,
// then the per-class constants of the log score. After that it does
// nothing.
func (nb *GaussianNB) Step() {
	switch nb.phase {
	case PhaseInit:
		n := float64(len(nb.x))
		nb.prior = make([]float64, nb.classes)
		for k, c := range nb.counts {
			nb.prior[k] = float64(c) / n
		}
		nb.phase = PhasePriors
	case PhasePriors:
		nb.theta = make([][]float64, nb.classes)
		nb.variance = nil
		for k := range nb.classes {
			nb.theta[k], _ = columnMeanVar(nb.x, func(i int) bool { return nb.y[i] == k })
		}
		nb.phase = PhaseMeans
	case PhaseMeans:
		nb.variance = make([][]float64, nb.classes)
		for k := range nb.classes {
			_, nb.variance[k] = columnMeanVar(nb.x, func(i int) bool { return nb.y[i] == k })
			for j := range nb.variance[k] {
				nb.variance[k][j] += nb.epsilon
			}
		}
		nb.phase = PhaseVariances
	case PhaseVariances:
		nb.logConst = make([]float64, nb.classes)
		for k := range nb.classes {
			var s float64
			for _, v := range nb.variance[k] {
				s += math.Log(2 * math.Pi * v)
			}
			nb.logConst[k] = math.Log(nb.prior[k]) - 0.5*s
		}
		nb.phase = PhasePosterior
	}
}

// Fit runs the remaining steps.
func (nb *GaussianNB) Fit() *GaussianNB {
	for !nb.Done() {
		nb.Step()
	}
	return nb
}

// Done reports whether every parameter is estimated.
func (nb *GaussianNB) Done() bool { return nb.phase == PhasePosterior }

// Phase is what the last Step estimated (PhaseInit before any).
func (nb *GaussianNB) Phase() string { return nb.phase }

// Classes is the number of classes.
func (nb *GaussianNB) Classes() int { return nb.classes }

// Dim is the number of features.
func (nb *GaussianNB) Dim() int { return len(nb.x[0]) }

// Counts returns the number of training samples of each class.
func (nb *GaussianNB) Counts() []int { return append([]int(nil), nb.counts...) }

// Epsilon is ε, the variance added to every σ²_kj.
func (nb *GaussianNB) Epsilon() float64 { return nb.epsilon }

// Priors returns P(y = k) for each class, nil before the priors step
// (scikit-learn's class_prior_).
func (nb *GaussianNB) Priors() []float64 {
	if nb.prior == nil {
		return nil
	}
	return append([]float64(nil), nb.prior...)
}

// Means returns μ_kj, one row per class, nil before the means step
// (scikit-learn's theta_).
func (nb *GaussianNB) Means() [][]float64 { return num.CopyRows(nb.theta) }

// Variances returns σ²_kj with ε added, one row per class, nil before the
// variances step (scikit-learn's var_).
func (nb *GaussianNB) Variances() [][]float64 { return num.CopyRows(nb.variance) }

// ClassDensity is the fitted 1-D Gaussian N(v; μ_kj, σ²_kj) of feature j
// in class k. It panics before the variances step.
func (nb *GaussianNB) ClassDensity(k, j int, v float64) float64 {
	if nb.variance == nil {
		panic("ml: GaussianNB.ClassDensity before the variances step")
	}
	s2 := nb.variance[k][j]
	z := v - nb.theta[k][j]
	return math.Exp(-0.5*z*z/s2) / math.Sqrt(2*math.Pi*s2)
}

// JointLogLikelihood writes jll_k(x) = log P(y = k) + log P(x | y = k) of
// every class into out (allocated when its length is not Classes()) and
// returns it. It panics before the model is fitted (Done).
func (nb *GaussianNB) JointLogLikelihood(x, out []float64) []float64 {
	if !nb.Done() {
		panic("ml: GaussianNB used before it is fitted")
	}
	if len(x) != nb.Dim() {
		panic("ml: GaussianNB sample of the wrong dimension")
	}
	if len(out) != nb.classes {
		out = make([]float64, nb.classes)
	}
	for k := range nb.classes {
		var q float64
		for j, v := range x {
			z := v - nb.theta[k][j]
			q += z * z / nb.variance[k][j]
		}
		out[k] = nb.logConst[k] - 0.5*q
	}
	return out
}

// Probabilities writes the posterior P(y = k | x) of every class into out
// (allocated when its length is not Classes()) and returns it.
func (nb *GaussianNB) Probabilities(x, out []float64) []float64 {
	out = nb.JointLogLikelihood(x, out)
	logZ := num.LogSumExp(out)
	for k, s := range out {
		out[k] = math.Exp(s - logZ)
	}
	return out
}

// Predict returns the MAP class: the largest joint log-likelihood, the
// lowest class on a tie.
func (nb *GaussianNB) Predict(x []float64) int {
	var buf [8]float64
	out := buf[:0]
	if nb.classes <= len(buf) {
		out = buf[:nb.classes]
	}
	return num.Argmax(nb.JointLogLikelihood(x, out))
}
