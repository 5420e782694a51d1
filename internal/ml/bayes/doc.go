// Package bayes classifies by Bayes' rule: Gaussian naive Bayes.
//
// With the "naive" assumption that the d features are independent given
// the class, each with a Gaussian,
//
//	P(y = k | x) ∝ P(y = k) Πⱼ N(xⱼ; μ_kj, σ²_kj)
//
// and the maximum-likelihood estimates from the n_k training samples S_k
// of each class,
//
//	P(y = k) = n_k / n
//	μ_kj     = (1/n_k) Σ_{i∈S_k} x_ij
//	σ²_kj    = (1/n_k) Σ_{i∈S_k} (x_ij − μ_kj)² + ε,  ε = varSmoothing · maxⱼ Var(x·ⱼ)
//
// a sample gets the class of largest joint log-likelihood
//
//	jll_k(x) = log P(y = k) − ½ Σⱼ log(2π σ²_kj) − ½ Σⱼ (xⱼ − μ_kj)² / σ²_kj
//
// and the posterior is their softmax, computed with log-sum-exp (Hastie,
// Tibshirani & Friedman 2009, "The Elements of Statistical Learning",
// §6.6.3; scikit-learn's GaussianNB, sklearn/naive_bayes.py).
//
// The stepper (see ml.Stepper):
//
//   - GaussianNB: one kind of parameter per Step, in the order of the
//     phases PhasePriors, PhaseMeans, PhaseVariances, PhasePosterior (the
//     per-class constants of jll). Done after the last; only then may it
//     classify.
//
// Expected values in the tests come from scikit-learn 1.2.1
// (testdata/gen_naivebayes.py).
package bayes
