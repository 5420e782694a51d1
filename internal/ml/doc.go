// Package ml holds the numerical algorithms and data sets of the playground.
//
// It is pure numerics: no HTTP, no plotting, no scenario words. Each
// algorithm is a stepper: a value with explicit state, a Step method that
// advances one visible unit of work, and read-only accessors that return
// copies, so a caller can draw every intermediate state.
//
// The steppers are:
//
//   - KMeans: Lloyd's algorithm, mini-batch and sequential (MacQueen)
//     k-means; one Step is an assignment or an update.
//   - PolyRegression: polynomial regression by full-batch gradient descent
//     in an orthonormal Legendre basis; one Step is one epoch.
//
// Randomness comes only from a *rand.Rand (math/rand/v2) passed in by the
// caller, so the same seed gives the same pictures. Programmer errors
// (impossible sizes, mismatched lengths of internal arguments) panic with an
// "ml: " prefix; bad user input returns an error.
//
// Expected values in the tests come from scikit-learn 1.2.1 and NumPy, see
// testdata/gen_fixtures.py.
package ml
