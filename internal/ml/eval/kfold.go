package eval

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/linear"
)

// KFold returns, for each of n samples, its fold 0..k−1 for K-fold
// cross-validation: the samples are shuffled, then cut into k consecutive
// folds, the first n mod k of ⌊n/k⌋ + 1 samples and the others of ⌊n/k⌋,
// the sizes scikit-learn's KFold(n_splits=k, shuffle=True) gives
// (Pedregosa et al. 2011, "Scikit-learn: machine learning in Python",
// JMLR 12). Each sample is in exactly one fold, so each one validates a
// model exactly once. It panics if k < 2 or k > n.
func KFold(n, k int, rng *rand.Rand) []int {
	if k < 2 || k > n {
		panic(fmt.Sprintf("ml: KFold of %d samples into %d folds", n, k))
	}
	order := rng.Perm(n)
	folds := make([]int, n)
	pos := 0
	for f := range k {
		size := n / k
		if f < n%k {
			size++
		}
		for _, i := range order[pos : pos+size] {
			folds[i] = f
		}
		pos += size
	}
	return folds
}

// PolyFoldFit is one fit of K-fold cross-validation: it fits the
// polynomial of the given degree (linear.RidgePoly, penalty lambda) on the samples
// outside the held-out fold and returns its Legendre weights and its mean
// squared error on the held-out fold:
//
//	w = linear.RidgePoly({(xᵢ, yᵢ) : folds[i] ≠ fold}),  MSE = (1/|F|) Σ_{i∈F} (ŷ(xᵢ) − yᵢ)²,  F = {i : folds[i] = fold}
//
// It panics if x, y and folds differ in length; it returns an error if
// either side of the split is empty or the fit's input is bad (see
// linear.RidgePoly).
func PolyFoldFit(x, y []float64, folds []int, fold, degree int, lambda float64) (weights []float64, valMSE float64, err error) {
	if len(x) != len(y) || len(x) != len(folds) {
		panic(fmt.Sprintf("ml: PolyFoldFit with %d x, %d y and %d folds", len(x), len(y), len(folds)))
	}
	var tx, ty, vx, vy []float64
	for i, f := range folds {
		if f == fold {
			vx, vy = append(vx, x[i]), append(vy, y[i])
		} else {
			tx, ty = append(tx, x[i]), append(ty, y[i])
		}
	}
	if len(vx) == 0 || len(tx) == 0 {
		return nil, math.NaN(), fmt.Errorf("%w: fold %d holds %d of %d samples", linear.ErrPolyInput, fold, len(vx), len(x))
	}
	weights, err = linear.RidgePoly(tx, ty, degree, lambda)
	if err != nil {
		return nil, math.NaN(), err
	}
	return weights, linear.PolyMSE(weights, vx, vy), nil
}
