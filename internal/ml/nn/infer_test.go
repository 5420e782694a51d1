package nn

import (
	"fmt"
	"math"
	"testing"
)

// Infer must give the tape's values to the bit (==, not within a
// tolerance): frames are drawn from it and hashed. Random networks of
// several shapes and every activation, with zero inputs (which MatMul
// skips), dropout (the identity at inference) and batch normalisation by
// running statistics, are checked layer by layer against Forward's
// operations on a tape, and the output against Forward itself; the buffers
// are reused across calls of different batch sizes.
func TestInferMatchesTape(t *testing.T) {
	shapes := [][]int{{2, 1}, {2, 4, 2, 1}, {7, 8, 8, 3}, {1, 5, 1}, {3, 6, 6, 6, 2}}
	rng := newRand(15)
	for _, sizes := range shapes {
		for name, act := range Activations {
			for _, variant := range []string{"plain", "dropout", "batchnorm"} {
				label := fmt.Sprintf("%v %s %s", sizes, name, variant)
				m := NewMLP(rng, sizes, act, Sigmoid, variant == "batchnorm")
				for _, l := range m.Layers {
					for i := range l.B.Data {
						l.B.Data[i] = rng.NormFloat64()
					}
				}
				if variant == "dropout" {
					m.Dropout = 0.3
				}
				if variant == "batchnorm" {
					// Move the running statistics away from 0 and 1.
					var tp Tape
					for range 3 {
						tp.Reset()
						m.Forward(&tp, tp.Input(16, sizes[0], randValues(rng, 16*sizes[0])), true, rng)
					}
				}
				var outs [][]float64
				for _, rows := range []int{50, 3, 80} {
					X := randValues(rng, rows*sizes[0])
					for i := 0; i < len(X); i += 5 {
						X[i] = 0
					}
					X[len(X)-1] = 40 // saturates sigmoid and tanh
					outs = m.Infer(X, rows, outs)
					want := tapeLayers(m, X, rows)
					if len(outs) != len(want) {
						t.Fatalf("%s: %d layers, want %d", label, len(outs), len(want))
					}
					for l := range want {
						if !sameBits(outs[l], want[l]) {
							t.Errorf("%s, %d rows: layer %d differs from the tape", label, rows, l)
						}
					}
					var tp Tape
					final := m.Forward(&tp, tp.Input(rows, sizes[0], X), false, rng)
					if !sameBits(outs[len(outs)-1], final.Data) {
						t.Errorf("%s, %d rows: output differs from Forward", label, rows)
					}
				}
			}
		}
	}
}

// tapeLayers records Forward's inference operations on a tape and returns
// every layer's output.
func tapeLayers(m *MLP, X []float64, rows int) [][]float64 {
	var tp Tape
	h := tp.Input(rows, m.Layers[0].W.Rows, X)
	var res [][]float64
	for _, l := range m.Layers {
		z := tp.AddRow(tp.MatMul(h, l.W), l.B)
		if l.Norm != nil {
			z = tp.Normalize(z, l.Norm, false)
		}
		h = tp.Activate(z, l.Act)
		res = append(res, h.Data)
	}
	return res
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestInferPanicsOnWrongInput(t *testing.T) {
	m := NewMLP(newRand(1), []int{3, 2, 1}, Tanh, Sigmoid, false)
	defer func() {
		if recover() == nil {
			t.Error("Infer with 5 values for 2 rows of 3 inputs did not panic")
		}
	}()
	m.Infer(make([]float64, 5), 2, nil)
}

// BenchmarkInferRegionMap is the default playground network (2-4-2-1,
// tanh, sigmoid output) over a 100×100 grid, buffers reused; compare
// BenchmarkTapeRegionMap, the same grid through a tape.
func BenchmarkInferRegionMap(b *testing.B) {
	m, grid := regionMapNetwork()
	outs := m.Infer(grid, 100*100, nil)
	b.ReportAllocs()
	for b.Loop() {
		outs = m.Infer(grid, 100*100, outs)
	}
}

func BenchmarkTapeRegionMap(b *testing.B) {
	m, grid := regionMapNetwork()
	var tp Tape
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		m.Forward(&tp, tp.Input(100*100, 2, grid), false, nil)
	}
}

func regionMapNetwork() (*MLP, []float64) {
	const res = 100
	grid := make([]float64, 0, 2*res*res)
	for i := range res {
		for j := range res {
			grid = append(grid, -3+6*(float64(j)+0.5)/res, -3+6*(float64(i)+0.5)/res)
		}
	}
	return NewMLP(newRand(2), []int{2, 4, 2, 1}, Tanh, Sigmoid, false), grid
}
