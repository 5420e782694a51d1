package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Feature maps and their layout.
//
// A batch of images or feature maps is an ordinary Tensor, one sample a
// row, each row holding that sample's H×W×C values channels last, as
// Keras stores them: value (y, x, c) of sample n is
//
//	Data[n·Cols + (y·W + x)·C + c],  Cols = H·W·C
//
// and Tensor.Shape records H, W and C. Flattening is therefore free of
// any reordering: a flattened map is the same row read as a vector.
//
// A convolution's weights are a (KH·KW·In)×Out matrix, Keras's
// [kh][kw][in][out] order: the weight joining input channel c at kernel
// offset (ky, kx) to output channel o is
//
//	W.Data[((ky·KW + kx)·In + c)·Out + o]
//
// and the biases are 1×Out. With that layout a convolution is one matrix
// product (im2col, Chellapilla et al. 2006): every output position's
// window, laid out as a row (ky, kx, c), times W, the result already in
// channels-last order. convkernels.go computes it that way with gonum's blas64,
// and with direct loops over the same sums, which are faster here and
// are what Conv2D uses.

// Shape is one sample's feature map: height, width, channels.
type Shape struct{ H, W, C int }

// Size is H·W·C, the number of values in a row.
func (s Shape) Size() int { return s.H * s.W * s.C }

func (s Shape) String() string { return fmt.Sprintf("%d×%d×%d", s.H, s.W, s.C) }

// Padding is the zero border around the input of a convolution or a
// pooling: Valid (none), Same, or an explicit P ≥ 0 rows and columns on
// every side (Padding(P); Valid is P = 0).
//
// Same pads so that the output is ⌈in/S⌉ in each direction, as Keras and
// TensorFlow do: the total (out − 1)·S + K − in (at least 0) is split with
// the smaller half above and to the left, so an even kernel gets one more
// row below and one more column to the right.
type Padding int

const (
	Valid Padding = 0
	Same  Padding = -1
)

func (p Padding) String() string {
	switch {
	case p == Same:
		return "same"
	case p == Valid:
		return "valid"
	}
	return fmt.Sprintf("%d", int(p))
}

// Window is the kernel size, stride and padding of a convolution or a
// pooling. Along each direction the output has
//
//	⌊(in − K + 2P)/S⌋ + 1   values (explicit P, Valid is P = 0),
//	⌈in/S⌉                  values (Same).
type Window struct {
	KH, KW int
	Stride int
	Pad    Padding
}

// Output returns the output height and width for an h×w input, or an
// error naming what is wrong.
func (w Window) Output(h, wd int) (oh, ow int, err error) {
	g, err := w.geometry(Shape{h, wd, 1})
	return g.oh, g.ow, err
}

// geometry is a window placed over an input: the output size and the
// padding above and to the left (the rest of it is below and right).
type geometry struct {
	Window
	in        Shape
	oh, ow    int
	top, left int
}

func (w Window) geometry(in Shape) (geometry, error) {
	g := geometry{Window: w, in: in}
	switch {
	case w.KH < 1 || w.KW < 1:
		return g, fmt.Errorf("nn: kernel %d×%d, want at least 1×1", w.KH, w.KW)
	case w.Stride < 1:
		return g, fmt.Errorf("nn: stride %d, want at least 1", w.Stride)
	case w.Pad < Same:
		return g, fmt.Errorf("nn: padding %d, want valid, same or P ≥ 0", int(w.Pad))
	case in.H < 1 || in.W < 1 || in.C < 1:
		return g, fmt.Errorf("nn: input %v, want every size at least 1", in)
	}
	g.oh, g.top = outSize(in.H, w.KH, w.Stride, w.Pad)
	g.ow, g.left = outSize(in.W, w.KW, w.Stride, w.Pad)
	if g.oh < 1 {
		return g, fitError("height", in.H, w.KH, int(w.Pad))
	}
	if g.ow < 1 {
		return g, fitError("width", in.W, w.KW, int(w.Pad))
	}
	return g, nil
}

func fitError(dir string, in, k, p int) error {
	return fmt.Errorf("nn: a kernel of %s %d does not fit an input of %s %d with padding %d: %d − %d + 2·%d = %d < 0",
		dir, k, dir, in, p, in, k, p, in-k+2*p)
}

// outSize is the output length along one direction and the padding before
// the first input value.
func outSize(in, k, s int, pad Padding) (out, before int) {
	if pad == Same {
		out = (in + s - 1) / s
		return out, max((out-1)*s+k-in, 0) / 2
	}
	p := int(pad)
	if in+2*p < k {
		return 0, p
	}
	return (in+2*p-k)/s + 1, p
}

func (w Window) mustGeometry(op string, in Shape) geometry {
	g, err := w.geometry(in)
	if err != nil {
		panic(fmt.Sprintf("nn: %s: %v", op, err))
	}
	return g
}

// positions is the number of output positions per sample.
func (g *geometry) positions() int { return g.oh * g.ow }

// identity reports a window that reads each input position once, in
// order (a 1×1 kernel, stride 1, no padding): its im2col matrix is the
// input itself.
func (g *geometry) identity() bool {
	return g.KH == 1 && g.KW == 1 && g.Stride == 1 && g.top == 0 && g.left == 0
}

// span returns, for output column ox, the first input column under the
// kernel and the kernel columns [lo, hi) that fall inside the input.
func (g *geometry) span(ox int) (ix0, lo, hi int) {
	ix0 = ox*g.Stride - g.left
	return ix0, max(0, -ix0), min(g.KW, g.in.W-ix0)
}

// im2col writes every output position's window as one row of cols: row
// (n·OH + oy)·OW + ox, column (ky·KW + kx)·C + c, zero over the padding.
// In channels-last order one kernel row is KW·C consecutive input values,
// copied at once.
func (g *geometry) im2col(cols, x []float64, n int) {
	C, K, size, rowLen := g.in.C, g.KH*g.KW*g.in.C, g.in.Size(), g.in.W*g.in.C
	r := 0
	for s := range n {
		img := x[s*size : (s+1)*size]
		for oy := range g.oh {
			for ox := range g.ow {
				row := cols[r*K : (r+1)*K]
				r++
				ix0, lo, hi := g.span(ox)
				for ky := range g.KH {
					seg := row[ky*g.KW*C : (ky+1)*g.KW*C]
					iy := oy*g.Stride + ky - g.top
					if iy < 0 || iy >= g.in.H || lo >= hi {
						clear(seg)
						continue
					}
					clear(seg[:lo*C])
					clear(seg[hi*C:])
					at := iy*rowLen + (ix0+lo)*C
					copy(seg[lo*C:hi*C], img[at:at+(hi-lo)*C])
				}
			}
		}
	}
}

// col2im adds every row of cols back onto the input positions it was
// read from: the adjoint of im2col, so ∂L/∂x = col2im(∂L/∂cols).
func (g *geometry) col2im(dx, cols []float64, n int) {
	C, K, size, rowLen := g.in.C, g.KH*g.KW*g.in.C, g.in.Size(), g.in.W*g.in.C
	r := 0
	for s := range n {
		img := dx[s*size : (s+1)*size]
		for oy := range g.oh {
			for ox := range g.ow {
				row := cols[r*K : (r+1)*K]
				r++
				ix0, lo, hi := g.span(ox)
				for ky := range g.KH {
					iy := oy*g.Stride + ky - g.top
					if iy < 0 || iy >= g.in.H || lo >= hi {
						continue
					}
					src := row[ky*g.KW*C+lo*C : ky*g.KW*C+hi*C]
					at := iy*rowLen + (ix0+lo)*C
					dst := img[at : at+len(src)]
					for i, v := range src {
						dst[i] += v
					}
				}
			}
		}
	}
}

// Conv2D is a 2-D convolution layer (cross-correlation, as in every deep
// learning library): for output channel o at position (oy, ox),
//
//	y[oy][ox][o] = b[o] + Σ_ky Σ_kx Σ_c x[oy·S + ky − top][ox·S + kx − left][c] · W[ky][kx][c][o]
//
// with x zero outside the input. A 1×1 kernel mixes channels at each
// position and nothing else. W and B are laid out as the package comment
// says.
type Conv2D struct {
	Window
	In, Out int
	W       *Tensor // (KH·KW·In)×Out
	B       *Tensor // 1×Out
}

// NewConv2D returns a convolution from in to out channels with weights
// drawn by Glorot & Bengio's uniform rule, as Keras does, with fan-in
// KH·KW·in and fan-out KH·KW·out, and biases 0.
func NewConv2D(rng *rand.Rand, in, out int, w Window) *Conv2D {
	if in < 1 || out < 1 {
		panic(fmt.Sprintf("nn: Conv2D from %d to %d channels", in, out))
	}
	k := w.KH * w.KW
	limit := math.Sqrt(6 / float64(k*in+k*out))
	ws := make([]float64, k*in*out)
	for i := range ws {
		ws[i] = limit * (2*rng.Float64() - 1)
	}
	return &Conv2D{Window: w, In: in, Out: out,
		W: Param(k*in, out, ws), B: Param(1, out, make([]float64, out))}
}

// OutShape is the shape of the layer's output for an input of shape in.
func (c *Conv2D) OutShape(in Shape) (Shape, error) {
	if in.C != c.In {
		return Shape{}, fmt.Errorf("nn: a convolution from %d channels on a %v input", c.In, in)
	}
	g, err := c.geometry(in)
	return Shape{g.oh, g.ow, c.Out}, err
}

// convRule is a convolution's geometry and the kernels' buffers: the
// im2col matrices (blasKernels), Wᵀ and ∂Wᵀ (loopKernels).
type convRule struct {
	g           geometry
	out         int // output channels
	cols, dcols []float64
	wT, dwT     []float64
}

// Conv2D applies the convolution c to the feature maps x.
func (tp *Tape) Conv2D(x *Tensor, c *Conv2D) *Tensor {
	if x.Shape.C != c.In || x.Shape.Size() != x.Cols {
		panic(fmt.Sprintf("nn: Conv2D from %d channels on a %v input of %d columns", c.In, x.Shape, x.Cols))
	}
	g := c.mustGeometry("Conv2D", x.Shape)
	n, O := x.Rows, c.Out
	out := tp.node(opRule, "conv2d", n, g.positions()*O, x, c.W, c.B) // (n, OH·OW·O) = (P, O)
	out.Shape = Shape{g.oh, g.ow, O}
	r := ruleOf[convRule](out)
	r.g, r.out = g, O
	for p := range n * g.positions() {
		copy(out.Data[p*O:(p+1)*O], c.B.Data)
	}
	kernels.forward(r, out.Data, x.Data, c.W.Data, n)
	return out
}

// backward, with G = ∂L/∂y as a P×O matrix (one row per output position):
//
//	∂L/∂b = Σ_p G_p,  ∂L/∂W = colsᵀ·G,  ∂L/∂x = col2im(G·Wᵀ)
//
// ∂L/∂x is skipped for a batch made by Tape.Input or InputMaps: data, not
// something learned.
func (r *convRule) backward(t *Tensor) {
	x, w, b := t.Inputs[0], t.Inputs[1], t.Inputs[2]
	O := r.out
	for p := range len(t.Grad) / O {
		for o, v := range t.Grad[p*O : (p+1)*O] {
			b.Grad[o] += v
		}
	}
	dx := x.Grad
	if x.kind == opLeaf && x.Op == "input" {
		dx = nil
	}
	kernels.backward(r, w.Grad, dx, x.Data, w.Data, t.Grad, t.Rows)
}
