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
//   - GaussianMixture: EM for a Gaussian mixture; one Step is an E-step or
//     an M-step.
//   - PCA: one stage of the pipeline per Step (centre, covariance, eigen,
//     keep, project, reconstruct).
//   - PolyRegression and LinearRegressionGD: full-batch gradient descent,
//     one epoch per Step; PolyBiasVariance fits one more training set.
//   - LogisticRegression (sigmoid or softmax) and MarginClassifier (a
//     linear model under the squared, hinge, logistic or cross-entropy
//     loss): one gradient-descent epoch per Step.
//   - DecisionTree (one split per Step) and RandomForest (one level of every
//     tree per Step).
//   - GaussianNB: one kind of parameter per Step.
//   - SVM: SMO, one pair of multipliers per Step.
//   - Perceptron: Rosenblatt's rule, one sample per Step.
//   - Network, RegularizedNets, DeepNet, ShallowNet and MiniBatchTrainer:
//     multi-layer perceptrons on the autodiff engine of package nn, one
//     epoch per Step.
//   - SurfaceDescent: one optimiser's step on a 2-D loss surface.
//
// Closed forms sit beside them: RidgePoly, NormalEquations, Ridge, Lasso
// and their paths, KFold and the bias–variance decomposition.
//
// Randomness comes only from a *rand.Rand (math/rand/v2) passed in by the
// caller, so the same seed gives the same pictures. Programmer errors
// (impossible sizes, mismatched lengths of internal arguments) panic with an
// "ml: " prefix; bad user input returns an error.
//
// Expected values in the tests come from scikit-learn 1.2.1 and NumPy, see
// the testdata/gen_*.py scripts beside the fixtures they write.
package ml
