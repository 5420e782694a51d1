package neural

import (
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
	"github.com/mlplayground/playground/internal/ml/nn"
)

// One epoch of the playground's network: 200 moons, 2-8-8-1 tanh, batch 10,
// Adam. After the first epoch the tapes reuse their buffers.
func BenchmarkNetworkStep(b *testing.B) {
	X, labels := dataset.Moons(mltest.NewRand(1), 200, 0.2)
	y := make([]float64, len(labels))
	for i, l := range labels {
		y[i] = float64(l)
	}
	net, err := NewNetwork(mltest.NewRand(2), X, y, NetworkConfig{
		Inputs: 2, Hidden: []int{8, 8}, Activation: "tanh", Problem: ProblemBinary,
		LearningRate: 0.03, Optimizer: "adam", Penalty: PenaltyNone, Batch: 10,
	})
	if err != nil {
		b.Fatal(err)
	}
	net.Step()
	b.ReportAllocs()
	for b.Loop() {
		net.Step()
	}
}

// One epoch of mini-batch SGD on the same data, batch 10.
func BenchmarkMiniBatchTrainerStep(b *testing.B) {
	X, labels := dataset.Moons(mltest.NewRand(1), 200, 0.2)
	y := make([]float64, len(labels))
	for i, l := range labels {
		y[i] = float64(l)
	}
	net := nn.NewMLP(mltest.NewRand(2), []int{2, 8, 8, 1}, nn.Tanh, nn.Sigmoid, false)
	t := NewMiniBatchTrainer(mltest.NewRand(3), net, X, y, 10, &nn.SGD{LR: 0.1})
	t.Step()
	b.ReportAllocs()
	for b.Loop() {
		t.Step()
	}
}
