package nn

import "fmt"

// Pooling, flattening and channel concatenation of feature maps, in the
// layout conv.go describes.

func checkMap(op string, x *Tensor) {
	if x.Shape.Size() == 0 || x.Shape.Size() != x.Cols {
		panic(fmt.Sprintf("nn: %s of a %d×%d tensor with feature-map shape %v", op, x.Rows, x.Cols, x.Shape))
	}
}

// poolGeometry refuses an explicit padding as wide as the kernel, which
// would leave windows with no input value in them.
func poolGeometry(op string, x *Tensor, w Window) geometry {
	checkMap(op, x)
	if int(w.Pad) >= w.KH || int(w.Pad) >= w.KW {
		panic(fmt.Sprintf("nn: %s: padding %d with a %d×%d window, want less than the window", op, int(w.Pad), w.KH, w.KW))
	}
	return w.mustGeometry(op, x.Shape)
}

// maxPoolRule remembers where each output's maximum came from.
type maxPoolRule struct{ from []int32 }

// MaxPool keeps the largest value of each channel in each window,
//
//	y[oy][ox][c] = max over the window's positions inside the input of x[iy][ix][c]
//
// (padding never wins). Usually the window is K×K with stride K.
func (tp *Tape) MaxPool(x *Tensor, w Window) *Tensor {
	g := poolGeometry("MaxPool", x, w)
	C := g.in.C
	out := tp.node(opRule, "maxpool", x.Rows, g.positions()*C, x) // (n, OH·OW·C)
	out.Shape = Shape{g.oh, g.ow, C}
	r := ruleOf[maxPoolRule](out)
	if cap(r.from) >= len(out.Data) {
		r.from = r.from[:len(out.Data)]
	} else {
		r.from = make([]int32, len(out.Data))
	}
	if g.KH == 2 && g.KW == 2 && g.Stride == 2 && g.top == 0 && g.left == 0 {
		r.pool2(out.Data, x.Data, &g, x.Rows)
	} else {
		r.pool(out.Data, x.Data, &g, x.Rows)
	}
	return out
}

// pool is MaxPool for any window: each output starts from its window's
// first position inside the input, and the first position holding the
// maximum wins.
func (r *maxPoolRule) pool(y, x []float64, g *geometry, n int) {
	C, size, rowLen := g.in.C, g.in.Size(), g.in.W*g.in.C
	o := 0
	for s := range n {
		for oy := range g.oh {
			iy0 := oy*g.Stride - g.top
			kylo, kyhi := max(0, -iy0), min(g.KH, g.in.H-iy0)
			for ox := range g.ow {
				ys, from := y[o:o+C], r.from[o:o+C]
				o += C
				ix0, lo, hi := g.span(ox)
				first := s*size + (iy0+kylo)*rowLen + (ix0+lo)*C
				copy(ys, x[first:first+C])
				for c := range from {
					from[c] = int32(first + c)
				}
				for ky := kylo; ky < kyhi; ky++ {
					for ix := ix0 + lo; ix < ix0+hi; ix++ {
						at := s*size + (iy0+ky)*rowLen + ix*C
						for c, v := range x[at : at+C] {
							// Selects, not branches: the comparison is a coin toss.
							m, f := ys[c], from[c]
							if v > m {
								f = int32(at + c)
							}
							ys[c], from[c] = max(m, v), f
						}
					}
				}
			}
		}
	}
}

// pool2 is pool for the usual 2×2 window with stride 2 and no padding:
// the four candidates of each channel compared in registers.
func (r *maxPoolRule) pool2(y, x []float64, g *geometry, n int) {
	C, size, rowLen := g.in.C, g.in.Size(), g.in.W*g.in.C
	o := 0
	for s := range n {
		for oy := range g.oh {
			for ox := range g.ow {
				p00 := s*size + 2*oy*rowLen + 2*ox*C
				p01, p10 := p00+C, p00+rowLen
				p11 := p10 + C
				a, b, c, d := x[p00:p00+C], x[p01:p01+C], x[p10:p10+C], x[p11:p11+C]
				ys, from := y[o:o+C], r.from[o:o+C]
				for ch := range ys {
					m, f := a[ch], p00+ch
					if v := b[ch]; v > m {
						f = p01 + ch
					}
					m = max(m, b[ch])
					if v := c[ch]; v > m {
						f = p10 + ch
					}
					m = max(m, c[ch])
					if v := d[ch]; v > m {
						f = p11 + ch
					}
					ys[ch], from[ch] = max(m, d[ch]), int32(f)
				}
				o += C
			}
		}
	}
}

// backward: each output's gradient goes to the input that won its window.
func (r *maxPoolRule) backward(t *Tensor) {
	x := t.Inputs[0]
	for i, g := range t.Grad {
		x.Grad[r.from[i]] += g
	}
}

type avgPoolRule struct{ g geometry }

// AvgPool averages each channel over each window's positions inside the
// input (padding is not counted, as in Keras):
//
//	y[oy][ox][c] = 1/|window| Σ over the window of x[iy][ix][c]
func (tp *Tape) AvgPool(x *Tensor, w Window) *Tensor {
	g := poolGeometry("AvgPool", x, w)
	C := g.in.C
	out := tp.node(opRule, "avgpool", x.Rows, g.positions()*C, x)
	out.Shape = Shape{g.oh, g.ow, C}
	ruleOf[avgPoolRule](out).g = g
	clear(out.Data)
	g.eachWindow(x.Rows, func(o, at, count int) {
		y := out.Data[o : o+C]
		inv := 1 / float64(count)
		for c, v := range x.Data[at : at+C] {
			y[c] += v * inv
		}
	})
	return out
}

// backward: every position of a window gets 1/|window| of its gradient.
func (r *avgPoolRule) backward(t *Tensor) {
	x, C := t.Inputs[0], r.g.in.C
	r.g.eachWindow(t.Rows, func(o, at, count int) {
		inv := 1 / float64(count)
		dx := x.Grad[at : at+C]
		for c, g := range t.Grad[o : o+C] {
			dx[c] += g * inv
		}
	})
}

// eachWindow calls f for every output position o (an offset into the
// output's data) and every input position at (an offset into the input's
// data) inside its window, with the number of such positions.
func (g *geometry) eachWindow(n int, f func(o, at, count int)) {
	C, size, rowLen := g.in.C, g.in.Size(), g.in.W*g.in.C
	o := 0
	for s := range n {
		for oy := range g.oh {
			iy0 := oy*g.Stride - g.top
			ylo, yhi := max(0, -iy0), min(g.KH, g.in.H-iy0)
			for ox := range g.ow {
				ix0, lo, hi := g.span(ox)
				count := (yhi - ylo) * (hi - lo)
				for ky := ylo; ky < yhi; ky++ {
					for ix := ix0 + lo; ix < ix0+hi; ix++ {
						f(o, s*size+(iy0+ky)*rowLen+ix*C, count)
					}
				}
				o += C
			}
		}
	}
}

type globalAvgPoolRule struct{}

// GlobalAvgPool averages each channel over the whole map, H×W×C → C:
//
//	y[c] = 1/(H·W) Σ_y Σ_x x[y][x][c]
func (tp *Tape) GlobalAvgPool(x *Tensor) *Tensor {
	checkMap("GlobalAvgPool", x)
	C, hw := x.Shape.C, x.Shape.H*x.Shape.W
	out := tp.node(opRule, "global avgpool", x.Rows, C, x) // (n, C)
	ruleOf[globalAvgPoolRule](out)
	inv := 1 / float64(hw)
	clear(out.Data)
	for s := range x.Rows {
		y := out.Data[s*C : (s+1)*C]
		for p := range hw {
			for c, v := range x.Data[s*x.Cols+p*C : s*x.Cols+(p+1)*C] {
				y[c] += v * inv
			}
		}
	}
	return out
}

func (globalAvgPoolRule) backward(t *Tensor) {
	x, C := t.Inputs[0], t.Cols
	hw := x.Cols / C
	inv := 1 / float64(hw)
	for s := range t.Rows {
		g := t.Grad[s*C : (s+1)*C]
		for p := range hw {
			dx := x.Grad[s*x.Cols+p*C : s*x.Cols+(p+1)*C]
			for c, v := range g {
				dx[c] += v * inv
			}
		}
	}
}

type globalMaxPoolRule struct{ from []int32 }

// GlobalMaxPool keeps each channel's largest value over the whole map,
// H×W×C → C (the first position holding it wins, as in MaxPool):
//
//	y[c] = max over y, x of x[y][x][c]
//
// Where a pattern sits on the map no longer matters, only whether and
// how strongly it is there.
func (tp *Tape) GlobalMaxPool(x *Tensor) *Tensor {
	checkMap("GlobalMaxPool", x)
	C, hw := x.Shape.C, x.Shape.H*x.Shape.W
	out := tp.node(opRule, "global maxpool", x.Rows, C, x) // (n, C)
	r := ruleOf[globalMaxPoolRule](out)
	if cap(r.from) >= len(out.Data) {
		r.from = r.from[:len(out.Data)]
	} else {
		r.from = make([]int32, len(out.Data))
	}
	for s := range x.Rows {
		y, from := out.Data[s*C:(s+1)*C], r.from[s*C:(s+1)*C]
		base := s * x.Cols
		copy(y, x.Data[base:base+C])
		for c := range from {
			from[c] = int32(base + c)
		}
		for p := 1; p < hw; p++ {
			at := base + p*C
			for c, v := range x.Data[at : at+C] {
				if v > y[c] {
					y[c], from[c] = v, int32(at+c)
				}
			}
		}
	}
	return out
}

func (r *globalMaxPoolRule) backward(t *Tensor) {
	x := t.Inputs[0]
	for i, g := range t.Grad {
		x.Grad[r.from[i]] += g
	}
}

type flattenRule struct{}

// Flatten reads each H×W×C map as a vector of H·W·C values, in the
// channels-last order of the layout: a copy with the shape dropped, ready
// for a dense layer.
func (tp *Tape) Flatten(x *Tensor) *Tensor {
	checkMap("Flatten", x)
	out := tp.node(opRule, "flatten", x.Rows, x.Cols, x)
	ruleOf[flattenRule](out)
	copy(out.Data, x.Data)
	return out
}

func (flattenRule) backward(t *Tensor) {
	x := t.Inputs[0]
	for i, g := range t.Grad {
		x.Grad[i] += g
	}
}

type concatRule struct{}

// Concat stacks feature maps of one height and width along the channels,
// in the order given (as an inception block joins its branches): the
// output has C = C₁ + C₂ + …, the channels of xs[0] first.
func (tp *Tape) Concat(xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic("nn: Concat of nothing")
	}
	s := xs[0].Shape
	C := 0
	for _, x := range xs {
		checkMap("Concat", x)
		if x.Shape.H != s.H || x.Shape.W != s.W || x.Rows != xs[0].Rows {
			panic(fmt.Sprintf("nn: Concat of %d×%v and %d×%v", xs[0].Rows, s, x.Rows, x.Shape))
		}
		C += x.Shape.C
	}
	hw := s.H * s.W
	out := tp.node(opRule, "concat", xs[0].Rows, hw*C, xs...)
	out.Shape = Shape{s.H, s.W, C}
	ruleOf[concatRule](out)
	off := 0
	for _, x := range xs {
		xc := x.Shape.C
		for p := range xs[0].Rows * hw {
			copy(out.Data[p*C+off:p*C+off+xc], x.Data[p*xc:(p+1)*xc])
		}
		off += xc
	}
	return out
}

func (concatRule) backward(t *Tensor) {
	C, off := t.Shape.C, 0
	for _, x := range t.Inputs {
		xc := x.Shape.C
		for p := range len(x.Data) / xc {
			dx := x.Grad[p*xc : (p+1)*xc]
			for c, g := range t.Grad[p*C+off : p*C+off+xc] {
				dx[c] += g
			}
		}
		off += xc
	}
}
