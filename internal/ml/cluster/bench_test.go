package cluster

import (
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

func benchBlobs() [][]float64 {
	X, _ := dataset.Blobs(mltest.NewRand(1), 300, [][]float64{{0, 0}, {5, 5}, {-5, 5}}, 1.5)
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
	km := NewMiniBatchKMeans(mltest.NewRand(2), X, [][]float64{{-9, -9}, {0, 9}, {9, 0}}, 32)
	b.ReportAllocs()
	for b.Loop() {
		km.Step()
		km.Step()
		km.converged = false
	}
}

// Lloyd from k-means++ to convergence for K = 1..10 on 300 samples.
func BenchmarkElbow(b *testing.B) {
	X := benchBlobs()
	rng := mltest.NewRand(4)
	b.ReportAllocs()
	for b.Loop() {
		Elbow(rng, X, 10)
	}
}
