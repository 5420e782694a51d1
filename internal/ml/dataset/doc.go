// Package dataset makes the data sets of the playground: drawn from a
// *rand.Rand, or real and embedded in the binary.
//
// The generated ones follow scikit-learn's make_* functions where one
// exists. Blobs draws isotropic Gaussians around given centers,
//
//	x_ij = centers[i % k][j] + std·z,  z ~ N(0, 1)
//
// AnisotropicBlobs stretches them by a linear map, Moons draws two
// interleaving half circles, Circles two concentric rings, Spiral the arms
// of Archimedean spirals, XOR the four quadrants, Uniform a box and
// NoisyCurve y = f(x) + σz for x uniform in [lo, hi); WithOutliers mirrors
// a share of the samples deep into the other class's side.
//
// The real ones are Fisher's iris (Fisher 1936, Annals of Eugenics 7(2)),
// the wine recognition data (Forina et al. 1988) and the 8×8 handwritten
// digits (Alpaydin & Kaynak 1998), all from the UCI Machine Learning
// Repository under CC BY 4.0 as scikit-learn 1.2.1 bundles them; README.md
// beside the files says how each was converted. Every call returns a fresh
// copy.
//
// There is no stepper here. Expected values in the tests come from
// scikit-learn 1.2.1 (moons.json from
// internal/ml/cluster/testdata/gen_fixtures.py) and from the column means
// in README.md.
package dataset
