package nn

import (
	"math"
	"testing"
)

// The approximations against math.Tanh and the exact sigmoid on a dense
// grid over [−30, 30] (6 million points, a step of 10⁻⁵ times an
// irrational factor so that cell centres and edges are both hit), at the
// table's edges and beyond, within the documented bound 3.1·10⁻⁸ (tested to
// 10⁻⁷) and never outside [−1, 1] (tanh) or [0, 1] (sigmoid).
func TestApproxTanh(t *testing.T) {
	const n = 3_000_000
	xs := make([]float64, 0, 2*n+16)
	for i := -n; i <= n; i++ {
		xs = append(xs, float64(i)*1e-5*math.Sqrt2)
	}
	for _, x := range []float64{0, 9, -9, 9 - 1e-12, 18, -18, 18 + 1e-12, 1e300, -1e300, math.Inf(1), math.Inf(-1), 1.0 / 32, 17.0 / 32} {
		xs = append(xs, x, -x)
	}
	th := make([]float64, len(xs))
	sg := make([]float64, len(xs))
	approxTanhSlice(th, xs)
	approxSigmoidSlice(sg, xs)
	var worstT, worstS, atT, atS float64
	for i, x := range xs {
		if e := math.Abs(th[i] - math.Tanh(x)); e > worstT || math.IsNaN(e) {
			worstT, atT = e, x
		}
		if e := math.Abs(sg[i] - Sigmoid.F(x)); e > worstS || math.IsNaN(e) {
			worstS, atS = e, x
		}
		if th[i] < -1 || th[i] > 1 || sg[i] < 0 || sg[i] > 1 {
			t.Fatalf("x = %v: tanh ≈ %v, σ ≈ %v out of range", x, th[i], sg[i])
		}
	}
	if !(worstT <= 1e-7) {
		t.Errorf("tanh: error %.3g at x = %v, want ≤ 1e-7", worstT, atT)
	}
	if !(worstS <= 1e-7) {
		t.Errorf("sigmoid: error %.3g at x = %v, want ≤ 1e-7", worstS, atS)
	}
	t.Logf("largest error: tanh %.3g at %v, sigmoid %.3g at %v", worstT, atT, worstS, atS)

	nan := []float64{math.NaN()}
	if approxTanhSlice(nan, nan); !math.IsNaN(nan[0]) {
		t.Errorf("tanh(NaN) ≈ %v, want NaN", nan[0])
	}
	if approxSigmoidSlice(nan, nan); !math.IsNaN(nan[0]) {
		t.Errorf("σ(NaN) ≈ %v, want NaN", nan[0])
	}
}

// InferApprox against Infer on the networks of TestInferMatchesTape: every
// layer within 10⁻⁶ (weights of these sizes multiply the activations'
// 3·10⁻⁸ by a few units at most), and NaN where Infer gives NaN.
func TestInferApproxNearInfer(t *testing.T) {
	rng := newRand(16)
	for _, sizes := range [][]int{{2, 1}, {2, 4, 2, 1}, {7, 8, 8, 3}, {3, 6, 6, 6, 2}} {
		for name, act := range Activations {
			for _, bn := range []bool{false, true} {
				m := NewMLP(rng, sizes, act, Sigmoid, bn)
				for _, l := range m.Layers {
					for i := range l.B.Data {
						l.B.Data[i] = rng.NormFloat64()
					}
				}
				var exact, approx [][]float64
				for _, rows := range []int{40, 7} {
					X := randValues(rng, rows*sizes[0])
					X[0] = 40
					X[len(X)-1] = math.NaN()
					exact = m.Infer(X, rows, exact)
					approx = m.InferApprox(X, rows, approx)
					for l := range exact {
						for i, want := range exact[l] {
							got := approx[l][i]
							if math.IsNaN(want) != math.IsNaN(got) || math.Abs(got-want) > 1e-6 {
								t.Fatalf("%v %s bn=%v, %d rows: layer %d value %d is %v, Infer %v", sizes, name, bn, rows, l, i, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// BenchmarkInferApproxRegionMap is BenchmarkInferRegionMap through
// InferApprox.
func BenchmarkInferApproxRegionMap(b *testing.B) {
	m, grid := regionMapNetwork()
	outs := m.InferApprox(grid, 100*100, nil)
	b.ReportAllocs()
	for b.Loop() {
		outs = m.InferApprox(grid, 100*100, outs)
	}
}
