package nn

import (
	"math/rand/v2"
	"testing"
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
