package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// convKernels are two ways to compute a convolution and its gradients:
//
//	forward:   Y += conv(x, W)            (Y holds the biases already)
//	backward:  ∂W += ∂L/∂W,  ∂x += ∂L/∂x  (skipped when dx is nil)
//
// blasKernels lay the windows out as rows (im2col) and make each a matrix
// product with gonum's blas64: Y = cols·W, ∂W = colsᵀ·G, ∂cols = G·Wᵀ,
// ∂x = col2im(∂cols), with G = ∂L/∂Y. loopKernels compute the same sums
// straight from x (direct loops): in the channels-last layout one kernel
// row over the input is KW·C consecutive values, the matching rows of W
// are consecutive too, and a window's part over the padding is never
// visited; going backwards they skip the zeros of G, which are most of it
// (ReLU zeroes about half of a map, and the gradient coming back through
// a 2×2 max pooling reaches one position in four). Same values, up to the
// order of the sums; BenchmarkCNNEpoch measures both.
type convKernels struct {
	name     string
	forward  func(r *convRule, y, x, w []float64, n int)
	backward func(r *convRule, dw, dx, x, w, g []float64, n int)
}

var (
	loopKernels = convKernels{"loops", loopForward, loopBackward}
	blasKernels = convKernels{"blas64", blasForward, blasBackward}
	// kernels is the implementation Conv2D uses; tests and benchmarks swap it.
	kernels = loopKernels
)

// loopForward: for each output position, eight (then four, then one)
// output channels at a time with their sums in registers,
//
//	Y[p][o] += Σ_ky Σ_(kx, c) x[iy0+ky][ix0+kx][c] · W[ky][kx][c][o]
//
// over the kernel positions inside the input.
func loopForward(r *convRule, y, x, w []float64, n int) {
	g := &r.g
	C, size, rowLen, O := g.in.C, g.in.Size(), g.in.W*g.in.C, r.out
	for s := range n {
		img := x[s*size : (s+1)*size]
		for oy := range g.oh {
			iy0 := oy*g.Stride - g.top
			kylo, kyhi := max(0, -iy0), min(g.KH, g.in.H-iy0)
			for ox := range g.ow {
				ix0, lo, hi := g.span(ox)
				yr := y[((s*g.oh+oy)*g.ow+ox)*O:][:O]
				if lo >= hi {
					continue
				}
				seg := (hi - lo) * C
				j := 0
				for ; j+8 <= O; j += 8 {
					s0, s1, s2, s3, s4, s5, s6, s7 := yr[j], yr[j+1], yr[j+2], yr[j+3], yr[j+4], yr[j+5], yr[j+6], yr[j+7]
					for ky := kylo; ky < kyhi; ky++ {
						xa := img[(iy0+ky)*rowLen+(ix0+lo)*C:][:seg]
						wb := w[(ky*g.KW+lo)*C*O+j:]
						for t, a := range xa {
							wr := wb[t*O : t*O+8]
							s0 += a * wr[0]
							s1 += a * wr[1]
							s2 += a * wr[2]
							s3 += a * wr[3]
							s4 += a * wr[4]
							s5 += a * wr[5]
							s6 += a * wr[6]
							s7 += a * wr[7]
						}
					}
					yr[j], yr[j+1], yr[j+2], yr[j+3], yr[j+4], yr[j+5], yr[j+6], yr[j+7] = s0, s1, s2, s3, s4, s5, s6, s7
				}
				for ; j+4 <= O; j += 4 {
					s0, s1, s2, s3 := yr[j], yr[j+1], yr[j+2], yr[j+3]
					for ky := kylo; ky < kyhi; ky++ {
						xa := img[(iy0+ky)*rowLen+(ix0+lo)*C:][:seg]
						wb := w[(ky*g.KW+lo)*C*O+j:]
						for t, a := range xa {
							wr := wb[t*O : t*O+4]
							s0 += a * wr[0]
							s1 += a * wr[1]
							s2 += a * wr[2]
							s3 += a * wr[3]
						}
					}
					yr[j], yr[j+1], yr[j+2], yr[j+3] = s0, s1, s2, s3
				}
				for ; j < O; j++ {
					s0 := yr[j]
					for ky := kylo; ky < kyhi; ky++ {
						xa := img[(iy0+ky)*rowLen+(ix0+lo)*C:][:seg]
						wb := w[(ky*g.KW+lo)*C*O+j:]
						for t, a := range xa {
							s0 += a * wb[t*O]
						}
					}
					yr[j] = s0
				}
			}
		}
	}
}

// loopBackward walks G once; each nonzero G[p][o] adds, for every kernel
// row inside the input, G[p][o]·x (that row's KW·C window values) to the
// matching part of row o of ∂Wᵀ, and G[p][o]·Wᵀ[o] (the same part) to
// those values of ∂x. Wᵀ and ∂Wᵀ make both contiguous. When a kernel row
// is short (KW·C < 8, a first layer on one or two channels) skipping zeros
// costs more than it saves, and ∂W is summed densely by weightGradDense.
func loopBackward(r *convRule, dw, dx, x, w, gr []float64, n int) {
	g := &r.g
	C, size, rowLen, O := g.in.C, g.in.Size(), g.in.W*g.in.C, r.out
	K := len(w) / O
	dense := g.KW*C < 8
	if dense {
		r.weightGradDense(dw, x, gr, n)
		if dx == nil {
			return
		}
	}
	r.wT, r.dwT = grow(r.wT, O*K), grow(r.dwT, O*K)
	transpose(r.wT, w, K, O)
	clear(r.dwT)
	for s := range n {
		img := x[s*size : (s+1)*size]
		var dimg []float64
		if dx != nil {
			dimg = dx[s*size : (s+1)*size]
		}
		for oy := range g.oh {
			iy0 := oy*g.Stride - g.top
			kylo, kyhi := max(0, -iy0), min(g.KH, g.in.H-iy0)
			for ox := range g.ow {
				ix0, lo, hi := g.span(ox)
				if lo >= hi {
					continue
				}
				seg := (hi - lo) * C
				for o, v := range gr[((s*g.oh+oy)*g.ow+ox)*O:][:O] {
					if v == 0 {
						continue
					}
					dwo, wo := r.dwT[o*K:(o+1)*K], r.wT[o*K:(o+1)*K]
					for ky := kylo; ky < kyhi; ky++ {
						at, k0 := (iy0+ky)*rowLen+(ix0+lo)*C, (ky*g.KW+lo)*C
						if !dense {
							axpy(dwo[k0:k0+seg], img[at:at+seg], v)
						}
						if dimg != nil {
							axpy(dimg[at:at+seg], wo[k0:k0+seg], v)
						}
					}
				}
			}
		}
	}
	if dense {
		return
	}
	for k := range K {
		for o := range O {
			dw[k*O+o] += r.dwT[o*K+k]
		}
	}
}

// weightGradDense sums ∂W[ky][kx][c][o] = Σ_(s, oy, ox) x[s][oy·S+ky−top][ox·S+kx−left][c] · G[s][oy][ox][o]
// over the output positions whose input position is inside, eight output
// channels at a time in registers.
func (r *convRule) weightGradDense(dw, x, gr []float64, n int) {
	g := &r.g
	C, size, rowLen, O := g.in.C, g.in.Size(), g.in.W*g.in.C, r.out
	for ky := range g.KH {
		oylo, oyhi := insideRange(ky, g.top, g.Stride, g.in.H, g.oh)
		for kx := range g.KW {
			oxlo, oxhi := insideRange(kx, g.left, g.Stride, g.in.W, g.ow)
			for c := range C {
				dwr := dw[((ky*g.KW+kx)*C+c)*O:][:O]
				for j := 0; j < O; j += 8 {
					var acc [8]float64
					width := min(8, O-j)
					for s := range n {
						for oy := oylo; oy < oyhi; oy++ {
							xrow := x[s*size+(oy*g.Stride+ky-g.top)*rowLen+c:]
							grad := gr[((s*g.oh+oy)*g.ow)*O+j:]
							if width < 8 {
								for ox := oxlo; ox < oxhi; ox++ {
									a := xrow[(ox*g.Stride+kx-g.left)*C]
									for t, gv := range grad[ox*O : ox*O+width] {
										acc[t] += a * gv
									}
								}
								continue
							}
							s0, s1, s2, s3, s4, s5, s6, s7 := acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
							for ox := oxlo; ox < oxhi; ox++ {
								a := xrow[(ox*g.Stride+kx-g.left)*C]
								gv := grad[ox*O : ox*O+8]
								s0 += a * gv[0]
								s1 += a * gv[1]
								s2 += a * gv[2]
								s3 += a * gv[3]
								s4 += a * gv[4]
								s5 += a * gv[5]
								s6 += a * gv[6]
								s7 += a * gv[7]
							}
							acc = [8]float64{s0, s1, s2, s3, s4, s5, s6, s7}
						}
					}
					for t := range width {
						dwr[j+t] += acc[t]
					}
				}
			}
		}
	}
}

// insideRange is the range of outputs [lo, hi) whose kernel offset k
// falls inside an input of length in: 0 ≤ o·S + k − before < in.
func insideRange(k, before, s, in, out int) (lo, hi int) {
	if before > k {
		lo = (before - k + s - 1) / s
	}
	last := in - 1 + before - k
	if last < 0 {
		return 0, 0
	}
	return min(lo, out), min(out, last/s+1)
}

// axpy adds a·x to y; short enough to be inlined.
func axpy(y, x []float64, a float64) {
	x = x[:len(y)]
	for j := range y {
		y[j] += a * x[j]
	}
}

// transpose writes the transpose of the rows×cols matrix a into t.
func transpose(t, a []float64, rows, cols int) {
	for i := range rows {
		for j, v := range a[i*cols : (i+1)*cols] {
			t[j*rows+i] = v
		}
	}
}

func general(rows, cols int, d []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: d}
}

func blasForward(r *convRule, y, x, w []float64, n int) {
	P, K, O := n*r.g.positions(), len(w)/r.out, r.out
	cols := x
	if !r.g.identity() {
		r.cols = grow(r.cols, P*K)
		r.g.im2col(r.cols, x, n)
		cols = r.cols
	}
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(P, K, cols), general(K, O, w), 1, general(P, O, y))
}

// blasBackward uses the im2col matrix blasForward left.
func blasBackward(r *convRule, dw, dx, x, w, g []float64, n int) {
	P, K, O := n*r.g.positions(), len(w)/r.out, r.out
	if r.g.identity() {
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(P, K, x), general(P, O, g), 1, general(K, O, dw))
		if dx != nil {
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(P, O, g), general(K, O, w), 1, general(P, K, dx))
		}
		return
	}
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(P, K, r.cols), general(P, O, g), 1, general(K, O, dw))
	if dx == nil {
		return
	}
	r.dcols = grow(r.dcols, P*K)
	clear(r.dcols)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(P, O, g), general(K, O, w), 1, general(P, K, r.dcols))
	r.g.col2im(dx, r.dcols, n)
}
