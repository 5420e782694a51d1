package nn

import (
	"math"
	"testing"
)

// matmulValues draws n values, some of them zero, some ±Inf or NaN when
// special is set, so that skipping zero terms and the order of additions
// both show in the results.
func matmulValues(seed uint64, n int, special bool) []float64 {
	rng := newRand(seed)
	v := make([]float64, n)
	for i := range v {
		switch r := rng.IntN(20); {
		case r < 3:
			v[i] = 0
		case special && r == 3:
			v[i] = math.Inf(1 - 2*rng.IntN(2))
		case special && r == 4:
			v[i] = math.NaN()
		default:
			// Magnitudes spread over many binades, so that rounding
			// depends on the order of additions.
			v[i] = rng.NormFloat64() * math.Ldexp(1, rng.IntN(40)-20)
		}
	}
	return v
}

// sameValues reports whether a and b hold the same float64 bit patterns,
// any NaN matching any NaN: which NaN an addition of two NaNs returns
// depends on the order the compiler gives its operands.
func sameValues(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

// TestMatMulKernelsBitIdentical checks the unrolled products against the
// one-term-at-a-time loops they replace, to the bit (NaNs aside): mulRow against
// row_j += x_p·b_pj over the non-zero x_p in order, and backMatMul
// against backMatMulRef, on shapes whose sizes are and are not multiples
// of four, with gradients accumulated onto non-zero values.
func TestMatMulKernelsBitIdentical(t *testing.T) {
	seed := uint64(1)
	for _, special := range []bool{false, true} {
		for _, n := range []int{1, 3, 4, 5, 9} {
			for _, k := range []int{1, 2, 4, 7, 8, 13} {
				for _, m := range []int{1, 3, 4, 6, 17} {
					seed++
					x := matmulValues(seed, n*k, special)
					w := matmulValues(seed+1000, k*m, special)
					// mulRow against the plain loop.
					for i := range n {
						got := matmulValues(seed+2000, m, false) // overwritten
						mulRow(got, x[i*k:(i+1)*k], w)
						want := make([]float64, m)
						for p, av := range x[i*k : (i+1)*k] {
							if av == 0 {
								continue
							}
							for j := range m {
								want[j] += av * w[p*m+j]
							}
						}
						if !sameValues(got, want) {
							t.Fatalf("mulRow n=%d k=%d m=%d special=%v row %d: %v, want %v", n, k, m, special, i, got, want)
						}
					}
					// backMatMul against backMatMulRef.
					var grads [2][2][]float64
					for v, back := range []func(*Tensor){backMatMul, backMatMulRef} {
						a := &Tensor{Rows: n, Cols: k, Data: x, Grad: matmulValues(seed+3000, n*k, false)}
						b := &Tensor{Rows: k, Cols: m, Data: w, Grad: matmulValues(seed+4000, k*m, false)}
						out := &Tensor{Rows: n, Cols: m, Grad: matmulValues(seed+5000, n*m, special), Inputs: []*Tensor{a, b}}
						back(out)
						grads[v] = [2][]float64{a.Grad, b.Grad}
					}
					if !sameValues(grads[0][0], grads[1][0]) || !sameValues(grads[0][1], grads[1][1]) {
						t.Fatalf("backMatMul n=%d k=%d m=%d special=%v: ∂a %v ∂b %v, want ∂a %v ∂b %v",
							n, k, m, special, grads[0][0], grads[0][1], grads[1][0], grads[1][1])
					}
				}
			}
		}
	}
	// A square tensor times itself: one gradient fed by both sides.
	x := matmulValues(99, 25, false)
	var got [2][]float64
	for v, back := range []func(*Tensor){backMatMul, backMatMulRef} {
		a := &Tensor{Rows: 5, Cols: 5, Data: x, Grad: make([]float64, 25)}
		out := &Tensor{Rows: 5, Cols: 5, Grad: matmulValues(98, 25, false), Inputs: []*Tensor{a, a}}
		back(out)
		got[v] = a.Grad
	}
	if !sameValues(got[0], got[1]) {
		t.Fatalf("backMatMul of a·a: %v, want %v", got[0], got[1])
	}
}

// affine gives every unit of every row bᵢ + Σ_p x_p W_pj summed in the
// order of p, to the bit, whatever its blocking of rows and widths.
func TestAffineBitIdentical(t *testing.T) {
	seed := uint64(500)
	for _, k := range []int{1, 2, 3, 4, 5, 7, 16, 17, 24} {
		for _, units := range []int{1, 3, 8} {
			for _, rows := range []int{1, 3, 4, 5, 9, 16} {
				seed++
				h := matmulValues(seed, rows*k, false)
				W := matmulValues(seed+1, k*units, false)
				b := matmulValues(seed+2, units, false)
				z := make([]float64, rows*units)
				affine(z, h, rows, k, units, W, b)
				want := make([]float64, rows*units)
				for i := range rows {
					for j := range units {
						s := b[j]
						for p := range k {
							s += h[i*k+p] * W[p*units+j]
						}
						want[i*units+j] = s
					}
				}
				if !sameValues(z, want) {
					t.Fatalf("affine k=%d units=%d rows=%d: %v, want %v", k, units, rows, z, want)
				}
			}
		}
	}
}
