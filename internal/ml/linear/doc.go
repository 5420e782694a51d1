// Package linear fits models that are linear in their weights: least-squares
// and polynomial regression, ridge and lasso, logistic and softmax
// regression, linear classifiers under margin losses, and the perceptron.
//
// Least squares, with the design matrix A = [1 | X] (intercept first),
//
//	θ* = argmin_θ ‖Aθ − y‖² = (AᵀA)⁻¹Aᵀy
//
// solved by QR, never by forming (AᵀA)⁻¹ (Golub & Van Loan 2013, "Matrix
// Computations", §5.3), or by gradient descent on J(θ) = (1/n)‖Aθ − y‖²,
//
//	θ ← θ − η∇J(θ),  ∇J(θ) = (2/n) Aᵀ(Aθ − y)
//
// which converges exactly when η < 2/L, L the largest eigenvalue of the
// Hessian (2/n)AᵀA (Nesterov 2004, "Introductory Lectures on Convex
// Optimization", §1.2.3). Polynomials are fitted in the orthonormal
// Legendre basis φ_k(x) = √(2k+1)·P_k(x) on [−1, 1], whose Gram matrix is
// nearly the identity, so descent converges in a watchable number of
// epochs (Abramowitz & Stegun 1964, §22). Ridge and lasso add a penalty,
// with scikit-learn's scalings,
//
//	ridge: ‖y − b − Xw‖² + α‖w‖²,   lasso: (1/(2n))‖y − b − Xw‖² + α‖w‖₁
//
// the lasso solved by coordinate descent with soft-thresholding (Friedman,
// Hastie & Tibshirani 2010, J. Stat. Softw. 33(1)). Logistic regression
// models p(y = 1 | x) = g(wᵀx + b), g(z) = 1/(1 + e^(−z)), and softmax
// regression p(y = k | x) = e^(z_k)/Σ_j e^(z_j), both trained on the mean
// cross-entropy plus (λ/2)‖W‖² (Hastie, Tibshirani & Friedman 2009, "The
// Elements of Statistical Learning", §4.4). A margin classifier minimises
// the mean of a loss of the margin m = y·f(x), y ∈ {−1, +1}: squared
// (1 − m)², hinge max(0, 1 − m), logistic log(1 + e^(−m)) or cross-entropy
// log₂(1 + e^(−m)) (Bishop 2006, §7.1.2). The perceptron corrects itself on
// each mistake, w ← w + η(y − ŷ)x (Rosenblatt 1958, Psychological Review
// 65(6); Novikoff 1962 for its convergence).
//
// The steppers (see ml.Stepper), one epoch or one sample per Step:
//
//   - RegressionGD: full-batch gradient descent on the mean squared error.
//     Done (Diverged) once the loss is not finite or has grown 10⁶-fold;
//     below 2/L it never is.
//   - PolyRegression: full-batch gradient descent with η = 1/L on the
//     (ridge-penalised) mean squared error of a polynomial. Never Done.
//   - LogisticRegression: full-batch gradient descent. Done (Diverged) once
//     the loss is not finite or has grown 10⁶-fold, as it does when ηλ > 2.
//   - MarginClassifier: full-batch (sub)gradient descent on a margin loss.
//     Done (Diverged) once the objective is not finite or has grown
//     10⁶-fold.
//   - Perceptron: one sample per Step, in a fixed cyclic order. Done
//     (Converged) after an epoch without a mistake.
//
// The closed forms are NormalEquations, RidgePoly, Ridge, Lasso, RidgePath
// and LassoPath. Expected values in the tests come from scikit-learn 1.2.1
// and NumPy (testdata/gen_linreg.py, gen_logistic.py; poly.json from
// internal/ml/cluster/testdata/gen_fixtures.py).
package linear
