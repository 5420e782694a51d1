package nn

import (
	"math"
	"testing"
)

func TestLayerNorm(t *testing.T) {
	rng := newRand(31)
	x := randParam(rng, 4, 5, 2)
	ln := NewLayerNorm(5)
	copy(ln.Gamma.Data, []float64{1.5, -0.5, 2, 0.7, 1})
	copy(ln.Beta.Data, []float64{0.1, 0.2, -0.3, 0, 0.5})
	gradCheck(t, "layer norm", []*Tensor{x, ln.Gamma, ln.Beta}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.LayerNorm(x, ln), randValuesFixed(20))
	})

	// Before the affine step (γ = 1, β = 0) each row has mean 0 and
	// variance σ²/(σ² + ε), which is 1 up to ε/σ².
	tp := &Tape{}
	out := tp.LayerNorm(x, NewLayerNorm(5))
	for i := range 4 {
		var m, v, xm, xv float64
		for j := range 5 {
			m += out.At(i, j) / 5
			xm += x.At(i, j) / 5
		}
		for j := range 5 {
			v += (out.At(i, j) - m) * (out.At(i, j) - m) / 5
			xv += (x.At(i, j) - xm) * (x.At(i, j) - xm) / 5
		}
		if math.Abs(m) > 1e-12 {
			t.Errorf("row %d: mean %v after normalising", i, m)
		}
		if want := xv / (xv + 1e-5); math.Abs(v-want) > 1e-12 || math.Abs(v-1) > 1e-4 {
			t.Errorf("row %d: variance %v, want %v", i, v, want)
		}
	}
}
