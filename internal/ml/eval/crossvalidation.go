package eval

import (
	"fmt"
	"math"
	"slices"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/ml/num"
)

// Phases of a PolyCrossValidation, as returned by Phase.
const (
	PhaseSplit = "split" // nothing fitted yet: the data are split
	PhaseCV    = "cv"    // the last step made one (degree, fold) fit
	PhaseRefit = "refit" // the chosen degree refitted on all training data
	PhaseTest  = "test"  // the test set used, once
)

// DegreeScore is one candidate degree's cross-validation result so far.
type DegreeScore struct {
	Degree  int
	FoldMSE []float64 // fold f's validation MSE at index f
	Mean    float64
	Std     float64 // divides by the number of folds (ddof = 0)
}

// PolyCrossValidation chooses a polynomial's degree by K-fold
// cross-validation and then tests the choice once (Hastie, Tibshirani &
// Friedman 2009, "The Elements of Statistical Learning", §7.10). For every
// degree d = 1..maxDegree and every fold f it fits on the other folds and
// scores the held-out one (see PolyFoldFit); the degree's score is the
// mean over the folds,
//
//	CV(d) = (1/K) Σ_f MSE_f(d),  d* = argmin_d CV(d)  (the lower d on a tie)
//
// then refits d* on all the training data and only then measures the
// error on the test set, which nothing before has looked at. One Step is
// one (degree, fold) fit, degree by degree; then the refit; then the test:
// K·maxDegree + 2 steps in all.
//
// A PolyCrossValidation is not safe for concurrent use.
type PolyCrossValidation struct {
	trainX, trainY []float64
	testX, testY   []float64
	folds          []int // fold of each training sample
	k, maxDegree   int
	steps          int
	scores         []DegreeScore
	chosen         int       // 0 until every degree is scored
	fit            []float64 // Legendre weights of the last fit
	fitDegree      int
	heldOut        int     // fold held out by the last fit, −1 for none
	foldMSE        float64 // validation MSE of the last fit
	trainMSE       float64 // of the refit
	testMSE        float64 // NaN until the test step
	err            error
}

var _ ml.Stepper = (*PolyCrossValidation)(nil)

// NewPolyCrossValidation returns the search over degrees 1..maxDegree on
// the training samples (trainX, trainY), cut into k folds by folds (fold
// 0..k−1 of each sample, as KFold returns), with the test samples (testX,
// testY) kept for the end. It keeps the slices: do not modify them. It
// returns an error wrapping linear.ErrPolyInput if k < 2, maxDegree < 1, a
// fold is empty or out of range, the lengths differ, any x lies outside
// [−1, 1] or any value is not finite.
func NewPolyCrossValidation(trainX, trainY, testX, testY []float64, folds []int, k, maxDegree int) (*PolyCrossValidation, error) {
	switch {
	case k < 2 || maxDegree < 1:
		return nil, fmt.Errorf("%w: %d folds and degrees up to %d, want at least 2 and 1", linear.ErrPolyInput, k, maxDegree)
	case len(folds) != len(trainX):
		return nil, fmt.Errorf("%w: %d training samples but %d folds", linear.ErrPolyInput, len(trainX), len(folds))
	}
	if err := linear.CheckPolyInput(trainX, trainY, maxDegree, 0); err != nil {
		return nil, fmt.Errorf("training samples: %w", err)
	}
	if len(testX) > 0 || len(testY) > 0 {
		if err := linear.CheckPolyInput(testX, testY, maxDegree, 0); err != nil {
			return nil, fmt.Errorf("test samples: %w", err)
		}
	}
	sizes := make([]int, k)
	for i, f := range folds {
		if f < 0 || f >= k {
			return nil, fmt.Errorf("%w: sample %d in fold %d, want 0..%d", linear.ErrPolyInput, i, f, k-1)
		}
		sizes[f]++
	}
	if i := slices.Index(sizes, 0); i >= 0 {
		return nil, fmt.Errorf("%w: fold %d holds no sample", linear.ErrPolyInput, i)
	}
	return &PolyCrossValidation{
		trainX: trainX, trainY: trainY, testX: testX, testY: testY, folds: folds, k: k, maxDegree: maxDegree,
		heldOut: -1, foldMSE: math.NaN(), trainMSE: math.NaN(), testMSE: math.NaN(),
	}, nil
}

// cvSteps is the number of (degree, fold) fits.
func (c *PolyCrossValidation) cvSteps() int { return c.maxDegree * c.k }

// Step makes the next fit, the refit or the test. Once Done it does
// nothing. A fit can fail only if the SVD of linear.RidgePoly does not
// converge; then nothing of the step is kept and the run ends: Err says
// why.
func (c *PolyCrossValidation) Step() {
	if c.Done() {
		return
	}
	c.steps++
	switch c.Phase() {
	case PhaseCV:
		i := c.steps - 1
		d, f := i/c.k+1, i%c.k
		w, mse, err := PolyFoldFit(c.trainX, c.trainY, c.folds, f, d, 0)
		if err != nil {
			c.steps--
			c.err = fmt.Errorf("degree %d, fold %d: %w", d, f, err)
			return
		}
		if f == 0 {
			c.scores = append(c.scores, DegreeScore{Degree: d})
		}
		s := &c.scores[len(c.scores)-1]
		s.FoldMSE = append(s.FoldMSE, mse)
		s.Mean, s.Std = num.MeanStd(s.FoldMSE)
		c.fit, c.fitDegree, c.heldOut, c.foldMSE = w, d, f, mse
		if c.steps == c.cvSteps() {
			c.chosen = c.BestSoFar()
		}
	case PhaseRefit:
		w, err := linear.RidgePoly(c.trainX, c.trainY, c.chosen, 0)
		if err != nil {
			c.steps--
			c.err = fmt.Errorf("refit: %w", err)
			return
		}
		c.fit, c.fitDegree, c.heldOut, c.foldMSE = w, c.chosen, -1, math.NaN()
		c.trainMSE = linear.PolyMSE(w, c.trainX, c.trainY)
	case PhaseTest:
		// The first and only time the test samples are read.
		c.testMSE = linear.PolyMSE(c.fit, c.testX, c.testY)
	}
}

// Done reports whether the test set has been used, or a fit failed (see
// Err).
func (c *PolyCrossValidation) Done() bool { return c.steps == c.cvSteps()+2 || c.err != nil }

// Err returns why a fit failed, or nil.
func (c *PolyCrossValidation) Err() error { return c.err }

// Phase returns PhaseSplit, PhaseCV, PhaseRefit or PhaseTest: what the last
// step did.
func (c *PolyCrossValidation) Phase() string {
	switch {
	case c.steps == 0:
		return PhaseSplit
	case c.steps <= c.cvSteps():
		return PhaseCV
	case c.steps == c.cvSteps()+1:
		return PhaseRefit
	}
	return PhaseTest
}

// Scores returns a copy of the scores so far, one per degree begun, lowest
// degree first.
func (c *PolyCrossValidation) Scores() []DegreeScore {
	out := slices.Clone(c.scores)
	for i := range out {
		out[i].FoldMSE = slices.Clone(out[i].FoldMSE)
	}
	return out
}

// Chosen returns d*, the degree of lowest mean validation error, or 0
// until every degree is scored.
func (c *PolyCrossValidation) Chosen() int { return c.chosen }

// BestSoFar returns the degree of lowest mean validation error among those
// with every fold scored (the lower degree on a tie), or the first degree
// while none is complete. It panics before the first step.
func (c *PolyCrossValidation) BestSoFar() int {
	if len(c.scores) == 0 {
		panic("ml: PolyCrossValidation.BestSoFar before the first step")
	}
	best := 0
	for i, s := range c.scores {
		if len(s.FoldMSE) == c.k && (len(c.scores[best].FoldMSE) < c.k || s.Mean < c.scores[best].Mean) {
			best = i
		}
	}
	return c.scores[best].Degree
}

// Fit returns a copy of the Legendre weights of the last fit (nil before
// the first), its degree and the fold it held out (−1 for the refit and
// before the first fit).
func (c *PolyCrossValidation) Fit() (weights []float64, degree, heldOut int) {
	return slices.Clone(c.fit), c.fitDegree, c.heldOut
}

// FoldMSE returns the validation MSE of the last (degree, fold) fit; NaN
// before the first and after the refit.
func (c *PolyCrossValidation) FoldMSE() float64 { return c.foldMSE }

// TrainMSE returns the training MSE of the refit; NaN before it.
func (c *PolyCrossValidation) TrainMSE() float64 { return c.trainMSE }

// TestMSE returns the test MSE of the refit; NaN before the test step.
func (c *PolyCrossValidation) TestMSE() float64 { return c.testMSE }

// FoldSizes returns the number of training samples in each fold.
func (c *PolyCrossValidation) FoldSizes() []int {
	sizes := make([]int, c.k)
	for _, f := range c.folds {
		sizes[f]++
	}
	return sizes
}
