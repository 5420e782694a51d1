package eval

import (
	"fmt"
	"math"

	"github.com/mlplayground/playground/internal/ml/linear"

	"github.com/mlplayground/playground/internal/ml"
)

// BiasVariance is the bias–variance decomposition of a model's expected
// squared error at m test points x_j, estimated from T training sets drawn
// independently from one distribution, y = f(x) + ε with Var ε = σ²
// (Geman, Bienenstock & Doursat 1992, "Neural networks and the
// bias/variance dilemma", Neural Computation 4(1); Hastie, Tibshirani &
// Friedman 2009, "The Elements of Statistical Learning", §7.3):
//
//	ȳ(x)         = (1/T) Σ_t ŷ_t(x)                          the mean fit
//	bias²        = (1/m) Σ_j (ȳ(x_j) − f(x_j))²
//	variance     = (1/m) Σ_j (1/T) Σ_t (ŷ_t(x_j) − ȳ(x_j))²
//	expected MSE = bias² + variance + σ²
//
// The last line is the expectation, over training sets and a fresh
// noisy target y = f(x) + ε, of (ŷ(x) − y)²: ε is independent of the fit
// and has mean 0, so the cross terms vanish. On the draws themselves the
// first two terms add up exactly:
//
//	(1/(Tm)) Σ_t Σ_j (ŷ_t(x_j) − f(x_j))² = bias² + variance
//
// because Σ_t (ŷ_t − ȳ) = 0. The variance divides by T, not T − 1: it
// describes these T fits, as numpy.var does by default.
type BiasVariance struct {
	Bias2       float64 // squared distance of the mean fit from the truth
	Variance    float64 // spread of the fits around their mean
	Noise       float64 // σ², the error no model can remove
	ExpectedMSE float64 // Bias2 + Variance + Noise
}

// DecomposeBiasVariance returns the decomposition of the predictions
// predictions[t][j] = ŷ_t(x_j) of T fits at m test points, where
// truth[j] = f(x_j) and noiseVar = σ². It panics if there are no trials,
// no test points, a trial's length differs from len(truth), or noiseVar
// is negative or not finite.
func DecomposeBiasVariance(truth []float64, predictions [][]float64, noiseVar float64) BiasVariance {
	if !(noiseVar >= 0) || math.IsInf(noiseVar, 1) {
		panic("ml: DecomposeBiasVariance with a noise variance that is not a finite value ≥ 0")
	}
	mean := MeanFit(predictions)
	if len(mean) != len(truth) || len(truth) == 0 {
		panic(fmt.Sprintf("ml: DecomposeBiasVariance with %d test points but predictions at %d", len(truth), len(mean)))
	}
	var bias2, variance float64
	for j, f := range truth {
		d := mean[j] - f
		bias2 += d * d
		var s float64
		for _, p := range predictions {
			e := p[j] - mean[j]
			s += e * e
		}
		variance += s / float64(len(predictions))
	}
	m := float64(len(truth))
	bv := BiasVariance{Bias2: bias2 / m, Variance: variance / m, Noise: noiseVar}
	bv.ExpectedMSE = bv.Bias2 + bv.Variance + bv.Noise
	return bv
}

// MeanFit returns ȳ_j = (1/T) Σ_t predictions[t][j], the mean of T fits at
// each test point. It panics if there are no trials or their lengths differ.
func MeanFit(predictions [][]float64) []float64 {
	if len(predictions) == 0 {
		panic("ml: MeanFit of no trials")
	}
	mean := make([]float64, len(predictions[0]))
	for _, p := range predictions {
		if len(p) != len(mean) {
			panic("ml: MeanFit of trials of different lengths")
		}
		for j, v := range p {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(len(predictions))
	}
	return mean
}

// PolyBiasVariance is a bias–variance experiment with polynomials: it
// holds T training sets drawn from one curve, and each Step fits the next
// set with least-squares polynomials of every degree 1..maxDegree
// (linear.RidgePoly with λ = 0; the minimum-norm solution when a set has too few
// samples for the degree). After t steps the decomposition of each degree
// is that of the first t fits at the test points.
//
// A PolyBiasVariance is not safe for concurrent use.
type PolyBiasVariance struct {
	trainX, trainY [][]float64 // per trial
	testX, truth   []float64
	maxDegree      int
	noiseVar       float64
	weights        [][][]float64 // [trial][degree−1]: Legendre weights
	preds          [][][]float64 // [degree−1][trial]: predictions at testX
	err            error         // of the fit that failed, which ends the run
}

var _ ml.Stepper = (*PolyBiasVariance)(nil)

// NewPolyBiasVariance returns an experiment on the training sets
// (trainX[t], trainY[t]) with test points testX, truth[j] = f(testX[j])
// and noise variance σ² = noiseVar, before any fit. It copies nothing the
// caller may change later: the slices are kept, so do not modify them. It
// returns an error wrapping linear.ErrPolyInput if maxDegree < 1, there are no
// training sets or no test points, lengths differ, any x lies outside
// [−1, 1], any value is not finite or noiseVar is negative.
func NewPolyBiasVariance(trainX, trainY [][]float64, testX, truth []float64, maxDegree int, noiseVar float64) (*PolyBiasVariance, error) {
	switch {
	case maxDegree < 1:
		return nil, fmt.Errorf("%w: maximum degree %d < 1", linear.ErrPolyInput, maxDegree)
	case len(trainX) == 0 || len(trainX) != len(trainY):
		return nil, fmt.Errorf("%w: %d x sets and %d y sets", linear.ErrPolyInput, len(trainX), len(trainY))
	case len(testX) == 0 || len(testX) != len(truth):
		return nil, fmt.Errorf("%w: %d test points and %d true values", linear.ErrPolyInput, len(testX), len(truth))
	case !(noiseVar >= 0) || math.IsInf(noiseVar, 1):
		return nil, fmt.Errorf("%w: noise variance %g not a finite value ≥ 0", linear.ErrPolyInput, noiseVar)
	}
	for t := range trainX {
		if err := linear.CheckPolyInput(trainX[t], trainY[t], maxDegree, 0); err != nil {
			return nil, fmt.Errorf("training set %d: %w", t+1, err)
		}
	}
	if err := linear.CheckPolyInput(testX, truth, maxDegree, 0); err != nil {
		return nil, fmt.Errorf("test points: %w", err)
	}
	return &PolyBiasVariance{
		trainX: trainX, trainY: trainY, testX: testX, truth: truth,
		maxDegree: maxDegree, noiseVar: noiseVar,
		preds: make([][][]float64, maxDegree),
	}, nil
}

// Step fits the next training set at every degree. Once Done it does
// nothing. A fit can fail only if the SVD of linear.RidgePoly does not converge;
// then nothing of the step is kept and the run ends: Err says why.
func (s *PolyBiasVariance) Step() {
	if s.Done() {
		return
	}
	t := len(s.weights)
	perDegree := make([][]float64, s.maxDegree)
	preds := make([][]float64, s.maxDegree)
	for d := 1; d <= s.maxDegree; d++ {
		w, err := linear.RidgePoly(s.trainX[t], s.trainY[t], d, 0)
		if err != nil {
			s.err = fmt.Errorf("training set %d, degree %d: %w", t+1, d, err)
			return
		}
		perDegree[d-1] = w
		p := make([]float64, len(s.testX))
		for j, x := range s.testX {
			p[j] = linear.PolyPredictLegendre(w, x)
		}
		preds[d-1] = p
	}
	for d, p := range preds {
		s.preds[d] = append(s.preds[d], p)
	}
	s.weights = append(s.weights, perDegree)
}

// Done reports whether every training set has been fitted, or a fit
// failed (see Err).
func (s *PolyBiasVariance) Done() bool { return len(s.weights) == len(s.trainX) || s.err != nil }

// Err returns why a fit failed, or nil.
func (s *PolyBiasVariance) Err() error { return s.err }

// Trials returns the number of training sets fitted so far.
func (s *PolyBiasVariance) Trials() int { return len(s.weights) }

// MaxDegree returns the highest degree fitted.
func (s *PolyBiasVariance) MaxDegree() int { return s.maxDegree }

func (s *PolyBiasVariance) checkDegree(degree int) {
	if degree < 1 || degree > s.maxDegree {
		panic(fmt.Sprintf("ml: degree %d outside 1..%d", degree, s.maxDegree))
	}
	if len(s.weights) == 0 {
		panic("ml: PolyBiasVariance read before the first Step")
	}
}

// Decomposition returns the bias–variance decomposition of the given
// degree over the fits so far. It panics before the first Step or if the
// degree is outside 1..maxDegree.
func (s *PolyBiasVariance) Decomposition(degree int) BiasVariance {
	s.checkDegree(degree)
	return DecomposeBiasVariance(s.truth, s.preds[degree-1], s.noiseVar)
}

// Weights returns a copy of the Legendre weights (see linear.LegendreFeatures)
// of trial t's fit at the given degree; t counts from 0.
func (s *PolyBiasVariance) Weights(t, degree int) []float64 {
	s.checkDegree(degree)
	return append([]float64(nil), s.weights[t][degree-1]...)
}

// MeanWeights returns the Legendre weights of the mean fit ȳ at the given
// degree: a fit is linear in its weights, so the mean of the polynomials
// is the polynomial of the mean weights.
func (s *PolyBiasVariance) MeanWeights(degree int) []float64 {
	s.checkDegree(degree)
	w := make([]float64, degree+1)
	for _, tw := range s.weights {
		for k, v := range tw[degree-1] {
			w[k] += v
		}
	}
	for k := range w {
		w[k] /= float64(len(s.weights))
	}
	return w
}
