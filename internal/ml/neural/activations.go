package neural

import (
	"math"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Softmax returns the probabilities of the logits z at temperature T:
//
//	p_j = exp(z_j/T) / Σ_k exp(z_k/T)
//
// computed after subtracting the largest z_j/T, so no exponential
// overflows.
func Softmax(z []float64, T float64) []float64 {
	p := make([]float64, len(z))
	for j, v := range z {
		p[j] = v / T
	}
	nn.SoftmaxRow(p, p)
	return p
}

// VanishingZones returns the intervals of [lo, hi] where |f′(x)| < limit:
// where a gradient passing back through a unit with activation f is
// multiplied by less than limit, so it all but vanishes. By the chain rule
//
//	∂L/∂z = f′(z) · ∂L/∂f(z)
//
// (the sigmoid, with f′ ≤ 1/4, is below 0.05 for |z| > 2.89; see
// DeepNet). The edges are found on a grid of step 0.01 and refined by
// bisection to 1e-9.
func VanishingZones(f nn.Activation, lo, hi, limit float64) [][2]float64 {
	small := func(x float64) bool { return math.Abs(f.D(x, f.F(x))) < limit }
	edge := func(a, b float64) float64 { // small(a) != small(b)
		sa := small(a)
		for b-a > 1e-9 {
			m := (a + b) / 2
			if small(m) == sa {
				a = m
			} else {
				b = m
			}
		}
		return (a + b) / 2
	}
	const h = 0.01
	n := int(math.Round((hi - lo) / h))
	var zones [][2]float64
	start, in := lo, small(lo)
	prev := lo
	for i := 1; i <= n; i++ {
		x := lo + (hi-lo)*float64(i)/float64(n)
		if s := small(x); s != in {
			e := edge(prev, x)
			if in {
				zones = append(zones, [2]float64{start, e})
			}
			start, in = e, s
		}
		prev = x
	}
	if in {
		zones = append(zones, [2]float64{start, hi})
	}
	return zones
}
