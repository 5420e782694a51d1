package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// The convolution's three matrix products, on row-major matrices whose
// sizes the caller states. Every one adds into c, so a backward rule
// accumulates gradients and a forward pass clears c first.
//
//	mulAdd:   c (n×m) += a (n×k) · b (k×m)
//	mulAddTA: c (k×m) += aᵀ · b,  a (n×k), b (n×m)
//	mulAddTB: c (n×k) += a · bᵀ,  a (n×m), b (k×m)
//
// Two implementations: plain loops blocked four rows at a time (the
// default) and gonum's blas64. BenchmarkCNNEpoch measures both; the loops
// win on these small matrices (8 or 16 output channels), where blas64's
// per-call setup and its column-panel kernels do not pay off.
type matProducts struct {
	mulAdd, mulAddTA, mulAddTB func(c, a, b []float64, n, k, m int)
}

var (
	loopProducts = matProducts{loopMulAdd, loopMulAddTA, loopMulAddTB}
	blasProducts = matProducts{blasMulAdd, blasMulAddTA, blasMulAddTB}
	// products is the implementation the convolution uses; tests and
	// benchmarks swap it.
	products = loopProducts
)

// loopMulAdd: four rows of a share each loaded row of b.
func loopMulAdd(c, a, b []float64, n, k, m int) {
	i := 0
	for ; i+4 <= n; i += 4 {
		c0, c1, c2, c3 := c[i*m:(i+1)*m], c[(i+1)*m:(i+2)*m], c[(i+2)*m:(i+3)*m], c[(i+3)*m:(i+4)*m]
		a0, a1, a2, a3 := a[i*k:(i+1)*k], a[(i+1)*k:(i+2)*k], a[(i+2)*k:(i+3)*k], a[(i+3)*k:(i+4)*k]
		for p := range k {
			x0, x1, x2, x3 := a0[p], a1[p], a2[p], a3[p]
			br := b[p*m : (p+1)*m]
			c0, c1, c2, c3 := c0[:len(br)], c1[:len(br)], c2[:len(br)], c3[:len(br)]
			for j, bv := range br {
				c0[j] += x0 * bv
				c1[j] += x1 * bv
				c2[j] += x2 * bv
				c3[j] += x3 * bv
			}
		}
	}
	for ; i < n; i++ {
		cr, ar := c[i*m:(i+1)*m], a[i*k:(i+1)*k]
		for p, x := range ar {
			br := b[p*m : (p+1)*m]
			cr := cr[:len(br)]
			for j, bv := range br {
				cr[j] += x * bv
			}
		}
	}
}

// loopMulAddTA: row i of a and row i of b add their outer product to c;
// four rows at a time.
func loopMulAddTA(c, a, b []float64, n, k, m int) {
	i := 0
	for ; i+4 <= n; i += 4 {
		a0, a1, a2, a3 := a[i*k:(i+1)*k], a[(i+1)*k:(i+2)*k], a[(i+2)*k:(i+3)*k], a[(i+3)*k:(i+4)*k]
		b0, b1, b2, b3 := b[i*m:(i+1)*m], b[(i+1)*m:(i+2)*m], b[(i+2)*m:(i+3)*m], b[(i+3)*m:(i+4)*m]
		for p := range k {
			x0, x1, x2, x3 := a0[p], a1[p], a2[p], a3[p]
			cr := c[p*m : (p+1)*m]
			b0, b1, b2, b3 := b0[:len(cr)], b1[:len(cr)], b2[:len(cr)], b3[:len(cr)]
			for j := range cr {
				cr[j] += x0*b0[j] + x1*b1[j] + x2*b2[j] + x3*b3[j]
			}
		}
	}
	for ; i < n; i++ {
		ar, br := a[i*k:(i+1)*k], b[i*m:(i+1)*m]
		for p, x := range ar {
			cr := c[p*m : (p+1)*m]
			br := br[:len(cr)]
			for j := range cr {
				cr[j] += x * br[j]
			}
		}
	}
}

// loopMulAddTB: each entry is a dot product of two contiguous rows.
func loopMulAddTB(c, a, b []float64, n, k, m int) {
	for i := range n {
		ar, cr := a[i*m:(i+1)*m], c[i*k:(i+1)*k]
		for p := range cr {
			br := b[p*m : (p+1)*m]
			br = br[:len(ar)]
			var s float64
			for j, x := range ar {
				s += x * br[j]
			}
			cr[p] += s
		}
	}
}

func general(rows, cols int, d []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: d}
}

func blasMulAdd(c, a, b []float64, n, k, m int) {
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(n, k, a), general(k, m, b), 1, general(n, m, c))
}

func blasMulAddTA(c, a, b []float64, n, k, m int) {
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(n, k, a), general(n, m, b), 1, general(k, m, c))
}

func blasMulAddTB(c, a, b []float64, n, k, m int) {
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(n, m, a), general(k, m, b), 1, general(n, k, c))
}
