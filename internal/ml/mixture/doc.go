// Package mixture fits Gaussian mixtures by expectation–maximisation (EM).
//
// A mixture of k Gaussians has the density
//
//	p(x) = Σ_k π_k N(x | μ_k, Σ_k),  π_k ≥ 0,  Σ_k π_k = 1
//
// EM alternates an E-step, the responsibility of each component for each
// sample under the current parameters,
//
//	γ_ik = π_k N(xᵢ | μ_k, Σ_k) / Σ_j π_j N(xᵢ | μ_j, Σ_j)
//
// and an M-step, the maximum-likelihood parameters for those soft
// assignments,
//
//	N_k = Σᵢ γ_ik,  π_k = N_k / n,  μ_k = (1/N_k) Σᵢ γ_ik xᵢ
//	Σ_k = (1/N_k) Σᵢ γ_ik (xᵢ − μ_k)(xᵢ − μ_k)ᵀ + 10⁻⁶·I
//
// (diagonal or spherical covariances keep only the diagonal, or its mean).
// No step lowers the mean log-likelihood
//
//	ℓ = (1/n) Σᵢ log Σ_k π_k N(xᵢ | μ_k, Σ_k)
//
// computed with the log-sum-exp trick (Dempster, Laird & Rubin 1977,
// "Maximum likelihood from incomplete data via the EM algorithm", JRSS B
// 39(1); Bishop 2006, "Pattern Recognition and Machine Learning", §9.2).
//
// The stepper (see ml.Stepper):
//
//   - GaussianMixture: one E-step or one M-step per Step. Done when an
//     M-step changed ℓ by less than the tolerance (Converged), or when an
//     M-step produced a covariance that is not positive definite; then Err
//     says why and the parameters are those before that step.
//
// EstimateGaussianParameters is one M-step from given responsibilities:
// from HardResponsibilities (k-means labels) or RandomResponsibilities it
// gives scikit-learn's two initialisations. SampleGaussianMixture draws
// samples from a mixture. Expected values in the tests come from
// scikit-learn 1.2.1 (testdata/gen_gmm.py).
package mixture
