package autoenc

import (
	"math"
	"math/rand/v2"
)

// SCurve draws n points of scikit-learn's S-curve (make_s_curve): a sheet
// bent into an S, two dimensions of freedom in three coordinates,
//
//	t = 3π(u − ½),  x = (sin t, 2v, sign(t)(cos t − 1)),  u, v ~ U(0, 1)
//
// plus N(0, noise²) on each coordinate. It returns the points and each
// one's position t along the S.
func SCurve(rng *rand.Rand, n int, noise float64) (X [][]float64, t []float64) {
	X, t = make([][]float64, n), make([]float64, n)
	for i := range n {
		ti := 3 * math.Pi * (rng.Float64() - 0.5)
		v := rng.Float64()
		sign := 1.0
		if ti < 0 {
			sign = -1
		}
		X[i] = []float64{math.Sin(ti), 2 * v, sign * (math.Cos(ti) - 1)}
		for j := range X[i] {
			X[i][j] += noise * rng.NormFloat64()
		}
		t[i] = ti
	}
	return X, t
}

// Helix draws n points of one and a half turns of a helix: a curve, one
// dimension of freedom in three coordinates,
//
//	t ~ U(0, 3π),  x = (cos t, sin t, t/π − 1.5)
//
// plus N(0, noise²) on each coordinate. It returns the points and each
// one's t.
func Helix(rng *rand.Rand, n int, noise float64) (X [][]float64, t []float64) {
	X, t = make([][]float64, n), make([]float64, n)
	for i := range n {
		ti := 3 * math.Pi * rng.Float64()
		X[i] = []float64{math.Cos(ti), math.Sin(ti), ti/math.Pi - 1.5}
		for j := range X[i] {
			X[i][j] += noise * rng.NormFloat64()
		}
		t[i] = ti
	}
	return X, t
}
