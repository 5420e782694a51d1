// Package tree grows classification trees (CART) and random forests.
//
// A node t holding N_t of the N training samples, with class shares p_k,
// has the impurity
//
//	gini:    H(t) = 1 − Σ_k p_k²
//	entropy: H(t) = −Σ_k p_k log₂ p_k
//
// and is split by the threshold x_j ≤ s, among the midpoints between
// consecutive distinct values of each feature, that maximises the weighted
// impurity decrease
//
//	ΔH = N_t/N · (H(t) − N_tL/N_t · H(t_L) − N_tR/N_t · H(t_R))
//
// (Breiman, Friedman, Olshen & Stone 1984, "Classification and Regression
// Trees"). A random forest grows T trees, each on a bootstrap sample and
// examining m random features at every split, and averages their class
// shares (Breiman 2001, "Random forests", Machine Learning 45):
//
//	p(k | x) = (1/T) Σ_t p_t(k | x)
//
// The steppers (see ml.Stepper):
//
//   - DecisionTree: one split per Step, breadth-first. Done when no leaf
//     can be split (pure, too small, at MaxDepth, or no candidate).
//   - RandomForest: one level of every tree per Step. Done when every tree
//     is.
//
// Node lists follow scikit-learn's tree_ arrays (Leaf, Undefined).
// Expected values in the tests come from scikit-learn 1.2.1
// (testdata/gen_tree.py).
package tree
