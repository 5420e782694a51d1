// Package eval measures how well a model generalises: K-fold
// cross-validation and the bias–variance decomposition.
//
// K-fold cross-validation cuts the n training samples into K folds of
// ⌊n/K⌋ or ⌊n/K⌋ + 1 (scikit-learn's KFold), fits K times with one fold
// held out and scores the held-out fold, so each sample validates once:
//
//	CV = (1/K) Σ_f MSE_f,  MSE_f = (1/|F_f|) Σ_{i∈F_f} (ŷ_{−f}(xᵢ) − yᵢ)²
//
// (Hastie, Tibshirani & Friedman 2009, "The Elements of Statistical
// Learning", §7.10). The bias–variance decomposition of the expected
// squared error at test points x_j, from T fits ŷ_t on independent
// training sets of y = f(x) + ε, Var ε = σ²,
//
//	bias²    = (1/m) Σ_j (ȳ(x_j) − f(x_j))²,  ȳ = (1/T) Σ_t ŷ_t
//	variance = (1/m) Σ_j (1/T) Σ_t (ŷ_t(x_j) − ȳ(x_j))²
//	E[(ŷ(x) − y)²] = bias² + variance + σ²
//
// (Geman, Bienenstock & Doursat 1992, Neural Computation 4(1); ESL §7.3).
//
// The steppers (see ml.Stepper):
//
//   - PolyCrossValidation: chooses a polynomial's degree; one (degree,
//     fold) fit per Step, then the refit of the chosen degree, then the one
//     use of the test set. Done after the test, or when a fit failed (Err).
//   - PolyBiasVariance: fits the next training set at every degree per
//     Step. Done when every set is fitted, or when a fit failed (Err).
//
// KFold, PolyFoldFit, DecomposeBiasVariance and MeanFit are the pieces.
// Expected values in the tests come from scikit-learn 1.2.1 and NumPy
// (testdata/gen_kfold.py, gen_biasvariance.py).
package eval
