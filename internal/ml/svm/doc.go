// Package svm trains soft-margin support vector machines by sequential
// minimal optimisation (SMO).
//
// With labels yᵢ ∈ {−1, +1}, a kernel K and Q_ij = yᵢ y_j K(xᵢ, x_j), the
// classifier solves the dual problem
//
//	max_α  Σᵢ αᵢ − ½ Σᵢ Σ_j αᵢ α_j Q_ij   s.t.  0 ≤ αᵢ ≤ C,  Σᵢ αᵢ yᵢ = 0
//
// and predicts the sign of
//
//	f(x) = Σᵢ αᵢ yᵢ K(xᵢ, x) − b
//
// where only the support vectors (αᵢ > 0) count. The kernels are
//
//	linear  K(x, z) = xᵀz
//	poly    K(x, z) = (γ xᵀz + coef0)^degree
//	rbf     K(x, z) = exp(−γ ‖x − z‖²)
//
// SMO optimises two multipliers at a time in closed form (Platt 1998,
// "Sequential minimal optimization", MSR-TR-98-14), choosing the pair by
// libsvm's second-order rule (Fan, Chen & Lin 2005, JMLR 6; Chang & Lin
// 2011, "LIBSVM", ACM TIST 2(3)).
//
// The stepper (see ml.Stepper):
//
//   - Classifier: one pair of multipliers per Step. Done (Converged) when
//     the largest violation of the KKT conditions is below Tolerance, as
//     libsvm's and scikit-learn's default tol.
//
// Expected values in the tests come from scikit-learn 1.2.1's SVC
// (testdata/gen_svm.py).
package svm
