// Package decomp decomposes data: principal component analysis.
//
// PCA finds the orthonormal directions of largest variance. For n samples
// of D features, centred (and, when standardizing, scaled to unit
// variance),
//
//	X_c = (X − 1μᵀ) / s
//	C   = X_cᵀ X_c / (n − 1)             the sample covariance
//	C   = P D Pᵀ,  λ₁ ≥ … ≥ λ_D ≥ 0     its eigendecomposition
//	Z   = X_c P_d                        the scores on the first d components
//	X̂   = (Z P_dᵀ) ∘ s + 1μᵀ             the reconstruction
//
// The share of the variance that component k explains is λ_k / Σ_j λ_j, and
// keeping d components leaves the mean squared error
//
//	‖X_c − X_c P_d P_dᵀ‖² / (n·D) = (n − 1)/(n·D) · Σ_{k>d} λ_k
//
// over the n·D entries (Pearson 1901, "On
// lines and planes of closest fit to systems of points in space", Phil.
// Mag. 2(11); Hotelling 1933, "Analysis of a complex of statistical
// variables into principal components", J. Educ. Psych. 24; Jolliffe 2002,
// "Principal Component Analysis", 2nd ed.).
//
// The stepper (see ml.Stepper):
//
//   - PCA: one stage of the pipeline per Step, in the order of Stages
//     (centre, covariance, eigen, keep, project, reconstruct). Done after
//     the last stage.
//
// Expected values in the tests come from scikit-learn 1.2.1
// (testdata/gen_pca.py).
package decomp
