package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
)

// BenchmarkEpochAndRegionMap is one training epoch of the default
// neural-network scenario (500 points, a 2-4-2-1 tanh network with a
// sigmoid output, batches of 10, binary cross-entropy, SGD) followed by the
// network's output on a 100×100 grid for the region map.
func BenchmarkEpochAndRegionMap(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, batch, res = 500, 10, 100
	X := make([]float64, 2*n)
	y := make([]float64, n)
	for i := range n {
		X[2*i], X[2*i+1] = 6*rng.Float64()-3, 6*rng.Float64()-3
		if X[2*i]*X[2*i]+X[2*i+1]*X[2*i+1] < 4 {
			y[i] = 1
		}
	}
	grid := make([]float64, 2*res*res)
	for i := range res {
		for j := range res {
			grid[2*(i*res+j)] = -3 + 6*(float64(j)+0.5)/res
			grid[2*(i*res+j)+1] = -3 + 6*(float64(i)+0.5)/res
		}
	}
	m := NewMLP(rng, []int{2, 4, 2, 1}, Tanh, Sigmoid, false)
	opt, _ := NewOptimizer("sgd", 0.03)
	params := m.Params()
	train, mapTape := &Tape{}, &Tape{}
	b.ReportAllocs()
	for b.Loop() {
		for start := 0; start < n; start += batch {
			train.Reset()
			m.ZeroGrad()
			out := m.Forward(train, train.Input(batch, 2, X[2*start:2*(start+batch)]), true, nil)
			train.Backward(train.BinaryCrossEntropy(out, y[start:start+batch]))
			opt.Step(params)
		}
		mapTape.Reset()
		m.Forward(mapTape, mapTape.Input(res*res, 2, grid), false, nil)
	}
}

// BenchmarkCNNEpoch is one training epoch of DefaultCNN on the digits'
// training split (1 437 of the 1 797 images, 80%, drawn by a seeded
// permutation; pixels scaled to [0, 1]): 45 mini-batches of
// DefaultCNNBatch (the last of 29), softmax cross-entropy, SGD with
// η = 0.1. The sub-benchmarks run the convolution's matrix products with
// this package's loops and with gonum's blas64. testdata/torch_cnn_epoch.py
// times the same epoch in PyTorch, for comparison by hand (not in CI).
// cpu-ms/op is the processor time per epoch, steadier than ns/op on a
// busy machine:
//
//	go test ./internal/ml/nn -run '^$' -bench CNNEpoch -cpu 1 -count 3
//
// On two shared cores (December 2026, Go 1.26, medians of six runs):
// loops 23 ms, blas64 40 ms; PyTorch 1.13 on one thread 28 ms in float32,
// 35 ms in float64.
func BenchmarkCNNEpoch(b *testing.B) {
	for _, impl := range []convKernels{loopKernels, blasKernels} {
		b.Run(impl.name, func(b *testing.B) {
			kernels = impl
			defer func() { kernels = loopKernels }()
			benchEpoch(b, DefaultCNN(), 1437, "sgd", 0.1)
		})
	}
}

// BenchmarkCNNEpochTrainingDefault is one epoch of cnn-training's default
// network, 8×8×1 → Conv 4 (3×3 same) → ReLU → MaxPool 2 → Conv 12 → ReLU
// → MaxPool 2 → global max → Dense 10, on its 1 079 training digits in
// batches of 32 with Adam, η = 0.01 (torch_cnn_epoch.py times the same in
// PyTorch):
//
//	go test ./internal/ml/nn -run '^$' -bench CNNEpochTrainingDefault -cpu 1 -count 3
func BenchmarkCNNEpochTrainingDefault(b *testing.B) {
	cfg := DefaultCNN()
	cfg.Filters, cfg.Head = []int{4, 12}, HeadGlobalMax
	benchEpoch(b, cfg, 1079, "adam", 0.01)
}

// benchEpoch times one epoch of the network cfg on n digits (a seeded
// draw, pixels scaled to [0, 1]) in batches of DefaultCNNBatch.
func benchEpoch(b *testing.B, cfg CNNConfig, n int, optimizer string, lr float64) {
	all, allLabels := dataset.Digits()
	perm := rand.New(rand.NewPCG(1, 2)).Perm(len(all))
	X := make([]float64, 0, n*64)
	labels := make([]int, n)
	for i, j := range perm[:n] {
		for _, v := range all[j] {
			X = append(X, v/16)
		}
		labels[i] = allLabels[j]
	}
	m, err := NewCNN(rand.New(rand.NewPCG(3, 4)), cfg)
	if err != nil {
		b.Fatal(err)
	}
	opt, err := NewOptimizer(optimizer, lr)
	if err != nil {
		b.Fatal(err)
	}
	params := m.Params()
	tp := &Tape{}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for start := 0; start < n; start += DefaultCNNBatch {
			end := min(start+DefaultCNNBatch, n)
			tp.Reset()
			m.ZeroGrad()
			x := tp.InputMaps(end-start, m.Config.In, X[start*64:end*64])
			tp.Backward(tp.CrossEntropy(m.Forward(tp, x), labels[start:end]))
			opt.Step(params)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
}
