package ml

import "testing"

func benchBlobs() [][]float64 {
	X, _ := Blobs(newRand(1), 300, [][]float64{{0, 0}, {5, 5}, {-5, 5}}, 1.5)
	return X
}

// One assign step and one update step of Lloyd: 300 samples, 2-D, k = 3.
func BenchmarkKMeansStep(b *testing.B) {
	X := benchBlobs()
	km := NewKMeans(X, [][]float64{{-9, -9}, {0, 9}, {9, 0}})
	b.ReportAllocs()
	for b.Loop() {
		km.Step()
		km.Step()
		km.converged = false // keep working after convergence
	}
}

// One assign and one update step of mini-batch k-means, batch 32.
func BenchmarkMiniBatchKMeansStep(b *testing.B) {
	X := benchBlobs()
	km := NewMiniBatchKMeans(newRand(2), X, [][]float64{{-9, -9}, {0, 9}, {9, 0}}, 32)
	b.ReportAllocs()
	for b.Loop() {
		km.Step()
		km.Step()
		km.converged = false
	}
}

// One epoch of gradient descent: n = 30, degree 9.
func BenchmarkPolyRegressionStep(b *testing.B) {
	x, y := NoisyCurve(newRand(3), 30, func(x float64) float64 { return x * x }, -1, 1, 0.1)
	p, err := NewPolyRegression(x, y, 9, 1e-3)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Step()
	}
}

// Lloyd from k-means++ to convergence for K = 1..10 on 300 samples.
func BenchmarkElbow(b *testing.B) {
	X := benchBlobs()
	rng := newRand(4)
	b.ReportAllocs()
	for b.Loop() {
		Elbow(rng, X, 10)
	}
}

func BenchmarkRidgePoly(b *testing.B) {
	x, y := NoisyCurve(newRand(5), 30, func(x float64) float64 { return x * x }, -1, 1, 0.1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RidgePoly(x, y, 9, 1e-3); err != nil {
			b.Fatal(err)
		}
	}
}
