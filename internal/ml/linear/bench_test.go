package linear

import (
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// One epoch of gradient descent: n = 30, degree 9.
func BenchmarkPolyRegressionStep(b *testing.B) {
	x, y := dataset.NoisyCurve(mltest.NewRand(3), 30, func(x float64) float64 { return x * x }, -1, 1, 0.1)
	p, err := NewPolyRegression(x, y, 9, 1e-3)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Step()
	}
}

func BenchmarkRidgePoly(b *testing.B) {
	x, y := dataset.NoisyCurve(mltest.NewRand(5), 30, func(x float64) float64 { return x * x }, -1, 1, 0.1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RidgePoly(x, y, 9, 1e-3); err != nil {
			b.Fatal(err)
		}
	}
}
