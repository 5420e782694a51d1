// Package cluster groups samples without labels by k-means: full batch
// (Lloyd), mini-batch (Sculley) and sequential (MacQueen, a mini-batch of
// one), with the seeding of the first centroids.
//
// K-means looks for k centroids μ_c and an assignment a(i) of every sample
// that minimise the inertia, the within-cluster sum of squares
//
//	J = Σᵢ ‖xᵢ − μ_{a(i)}‖²
//
// by alternating two steps, neither of which can raise J:
//
//	assign: a(i) = argmin_c ‖xᵢ − μ_c‖²           (ties → lowest c)
//	update: μ_c  = (1/|S_c|) Σ_{i∈S_c} xᵢ,  S_c = {i : a(i) = c}
//
// so it stops, after finitely many steps, at a local minimum that depends
// on the start (Lloyd 1982, "Least squares quantization in PCM", IEEE
// Trans. Inf. Theory 28(2)). Mini-batch k-means moves each centroid to the
// running mean of the samples ever assigned to it,
//
//	count_c ← count_c + 1,  μ_c ← μ_c + (x − μ_c)/count_c
//
// one batch at a time (Sculley 2010, "Web-scale k-means clustering", WWW;
// MacQueen 1967, "Some methods for classification and analysis of
// multivariate observations", 5th Berkeley Symposium). k-means++ seeds the
// centroids far apart, drawing each next one with probability
//
//	P(x) = D(x)² / Σ_x' D(x')²,  D(x) the distance to the nearest chosen
//
// (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
// seeding", SODA).
//
// The stepper (see ml.Stepper):
//
//   - KMeans: one assign or one update step per Step. Done (Converged)
//     when an assign step changes nothing (Lloyd), or when a whole pass
//     changes no sample's nearest centroid or 50 passes have run
//     (mini-batch).
//
// InitRandom (Forgy) and InitPlusPlus choose the starting centroids;
// KMeansToConvergence and Elbow run Lloyd's algorithm to the end, for one
// k or for k = 1..kMax. Expected values in the tests come from
// scikit-learn 1.2.1 (testdata/gen_fixtures.py).
package cluster
