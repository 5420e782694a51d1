package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Output sizes and padding worked by hand from the package's formulas:
// ⌊(in − K + 2P)/S⌋ + 1, and for same ⌈in/S⌉ with the total padding
// (out − 1)·S + K − in split smaller half first (TensorFlow's rule).
func TestWindowGeometry(t *testing.T) {
	tests := []struct {
		in, k, s    int
		pad         Padding
		out, before int
		name        string
	}{
		{8, 3, 1, Valid, 6, 0, "valid 3×3"},
		{5, 3, 2, Valid, 2, 0, "valid stride 2"},
		{6, 3, 2, Valid, 2, 0, "valid, uneven: floor((6−3)/2)+1"},
		{8, 3, 1, Same, 8, 1, "same 3×3"},
		{8, 4, 1, Same, 8, 1, "same even kernel: 3 padded, 1 above, 2 below"},
		{8, 2, 1, Same, 8, 0, "same 2×2: the 1 padded row goes below"},
		{7, 3, 2, Same, 4, 1, "same stride 2: ⌈7/2⌉, padding 6+3−7 = 2"},
		{8, 2, 2, Same, 4, 0, "same pooling 2, stride 2: no padding"},
		{7, 4, 3, Same, 3, 1, "same even kernel stride 3: padding 6+4−7 = 3"},
		{7, 3, 2, Padding(2), 5, 2, "P = 2: (7−3+4)/2+1"},
		{1, 1, 1, Valid, 1, 0, "1×1"},
	}
	for _, tt := range tests {
		out, before := outSize(tt.in, tt.k, tt.s, tt.pad)
		if out != tt.out || before != tt.before {
			t.Errorf("%s: out %d, padding before %d; want %d, %d", tt.name, out, before, tt.out, tt.before)
		}
	}
	if _, _, err := (Window{KH: 5, KW: 3, Stride: 1}).Output(3, 8); err == nil ||
		!strings.Contains(err.Error(), "3 − 5 + 2·0 = -2 < 0") {
		t.Errorf("a 5-high kernel on a 3-high input: %v", err)
	}
	for _, w := range []Window{{KH: 0, KW: 3, Stride: 1}, {KH: 3, KW: 3, Stride: 0}, {KH: 3, KW: 3, Stride: 1, Pad: -2}} {
		if _, _, err := w.Output(8, 8); err == nil {
			t.Errorf("%+v accepted", w)
		}
	}
}

// directConv is the definition, one output at a time, with the padding
// before the first row and column given.
func directConv(x []float64, n int, in Shape, c *Conv2D, oh, ow, top, left int) []float64 {
	out := make([]float64, n*oh*ow*c.Out)
	for s := range n {
		for oy := range oh {
			for ox := range ow {
				for o := range c.Out {
					v := c.B.Data[o]
					for ky := range c.KH {
						for kx := range c.KW {
							iy, ix := oy*c.Stride+ky-top, ox*c.Stride+kx-left
							if iy < 0 || iy >= in.H || ix < 0 || ix >= in.W {
								continue
							}
							for ch := range in.C {
								v += x[s*in.Size()+(iy*in.W+ix)*in.C+ch] * c.W.Data[((ky*c.KW+kx)*in.C+ch)*c.Out+o]
							}
						}
					}
					out[((s*oh+oy)*ow+ox)*c.Out+o] = v
				}
			}
		}
	}
	return out
}

type convCase struct {
	name              string
	in                Shape
	out               int
	w                 Window
	oh, ow, top, left int
}

// The geometries every convolution test runs: strides above 1, same
// padding with even kernels, explicit padding, 1×1.
var convCases = []convCase{
	{"3×3 valid", Shape{5, 6, 2}, 3, Window{3, 3, 1, Valid}, 3, 4, 0, 0},
	{"3×3 same", Shape{5, 6, 2}, 3, Window{3, 3, 1, Same}, 5, 6, 1, 1},
	{"4×4 same stride 2", Shape{7, 6, 2}, 3, Window{4, 4, 2, Same}, 4, 3, 1, 1},
	{"2×2 same", Shape{4, 5, 3}, 2, Window{2, 2, 1, Same}, 4, 5, 0, 0},
	{"3×2 valid stride 2", Shape{7, 6, 2}, 2, Window{3, 2, 2, Valid}, 3, 3, 0, 0},
	{"3×3 P=2 stride 3", Shape{6, 5, 2}, 2, Window{3, 3, 3, Padding(2)}, 3, 3, 2, 2},
	{"1×1", Shape{3, 4, 3}, 2, Window{1, 1, 1, Valid}, 3, 4, 0, 0},
	{"1×1 stride 2", Shape{5, 4, 3}, 2, Window{1, 1, 2, Valid}, 3, 2, 0, 0},
}

func randMaps(rng *rand.Rand, n int, s Shape) *Tensor {
	x := randParam(rng, n, s.Size(), 1)
	x.Shape = s
	return x
}

func randConv(rng *rand.Rand, in, out int, w Window) *Conv2D {
	c := NewConv2D(rng, in, out, w)
	for i := range c.B.Data {
		c.B.Data[i] = rng.NormFloat64()
	}
	return c
}

func TestConv2DIsTheDefinition(t *testing.T) {
	for _, impl := range []convKernels{loopKernels, blasKernels} {
		kernels = impl
		for _, tc := range convCases {
			rng := newRand(21)
			x := randMaps(rng, 3, tc.in)
			c := randConv(rng, tc.in.C, tc.out, tc.w)
			got := (&Tape{}).Conv2D(x, c)
			if want := (Shape{tc.oh, tc.ow, tc.out}); got.Shape != want {
				t.Fatalf("%s: shape %v, want %v", tc.name, got.Shape, want)
			}
			want := directConv(x.Data, 3, tc.in, c, tc.oh, tc.ow, tc.top, tc.left)
			for i := range want {
				if math.Abs(got.Data[i]-want[i]) > 1e-12 {
					t.Fatalf("%s (%s): y[%d] = %v, the definition gives %v", tc.name, impl.name, i, got.Data[i], want[i])
				}
			}
		}
	}
	kernels = loopKernels
}

// TestCNNOpGradients checks every feature-map operation against central
// differences; go test -v prints each one's largest relative error.
func TestCNNOpGradients(t *testing.T) {
	for _, impl := range []convKernels{loopKernels, blasKernels} {
		kernels = impl
		for _, tc := range convCases {
			rng := newRand(22)
			x := randMaps(rng, 2, tc.in)
			c := randConv(rng, tc.in.C, tc.out, tc.w)
			target := randValues(rng, 2*tc.oh*tc.ow*tc.out)
			worst := gradCheck(t, "conv "+tc.name, []*Tensor{x, c.W, c.B}, func(tp *Tape) *Tensor {
				return sumSquares(tp, tp.Conv2D(x, c), target)
			})
			t.Logf("conv %-22s (%s)  max relative error %.2g", tc.name, impl.name, worst)
		}
	}
	kernels = loopKernels

	pools := []struct {
		name string
		in   Shape
		w    Window
	}{
		{"2×2 stride 2", Shape{4, 6, 2}, Window{2, 2, 2, Valid}},
		{"3×3 stride 2 same", Shape{5, 5, 2}, Window{3, 3, 2, Same}},
		{"2×2 stride 1 same", Shape{3, 4, 2}, Window{2, 2, 1, Same}},
		{"3×3 stride 2 P=1", Shape{5, 4, 2}, Window{3, 3, 2, Padding(1)}},
		{"2×2 stride 2 uneven", Shape{5, 5, 1}, Window{2, 2, 2, Valid}},
	}
	for _, pc := range pools {
		rng := newRand(23)
		x := randMaps(rng, 2, pc.in)
		oh, ow, _ := pc.w.Output(pc.in.H, pc.in.W)
		target := randValues(rng, 2*oh*ow*pc.in.C)
		worst := gradCheck(t, "maxpool "+pc.name, []*Tensor{x}, func(tp *Tape) *Tensor {
			return sumSquares(tp, tp.MaxPool(x, pc.w), target)
		})
		t.Logf("maxpool %-22s max relative error %.2g", pc.name, worst)
		worst = gradCheck(t, "avgpool "+pc.name, []*Tensor{x}, func(tp *Tape) *Tensor {
			return sumSquares(tp, tp.AvgPool(x, pc.w), target)
		})
		t.Logf("avgpool %-22s max relative error %.2g", pc.name, worst)
	}

	rng := newRand(24)
	x := randMaps(rng, 2, Shape{3, 4, 3})
	y := randMaps(rng, 2, Shape{3, 4, 3})
	z := randMaps(rng, 2, Shape{3, 4, 2})
	target := randValues(rng, 2*3*4*8)
	single := []struct {
		name string
		wrt  []*Tensor
		op   func(tp *Tape) *Tensor
	}{
		{"flatten", []*Tensor{x}, func(tp *Tape) *Tensor { return tp.Flatten(x) }},
		{"global avgpool", []*Tensor{x}, func(tp *Tape) *Tensor { return tp.GlobalAvgPool(x) }},
		{"global maxpool", []*Tensor{x}, func(tp *Tape) *Tensor { return tp.GlobalMaxPool(x) }},
		{"residual add", []*Tensor{x, y}, func(tp *Tape) *Tensor { return tp.Add(x, y) }},
		{"concat", []*Tensor{x, z, y}, func(tp *Tape) *Tensor { return tp.Concat(x, z, y) }},
	}
	for _, s := range single {
		worst := gradCheck(t, s.name, s.wrt, func(tp *Tape) *Tensor {
			out := s.op(tp)
			return sumSquares(tp, out, target[:len(out.Data)])
		})
		t.Logf("%-30s max relative error %.2g", s.name, worst)
	}

	// A residual block, y = ReLU(x + Conv(tanh(Conv(x)))), and an inception
	// block, Concat(1×1, 3×3 same, maxpool 3×3 stride 1 same → 1×1).
	c1 := randConv(rng, 3, 3, Window{3, 3, 1, Same})
	c2 := randConv(rng, 3, 3, Window{3, 3, 1, Same})
	worst := gradCheck(t, "residual block", []*Tensor{x, c1.W, c1.B, c2.W, c2.B}, func(tp *Tape) *Tensor {
		h := tp.Activate(tp.Add(x, tp.Conv2D(tp.Activate(tp.Conv2D(x, c1), Tanh), c2)), Tanh)
		return sumSquares(tp, h, target[:len(h.Data)])
	})
	t.Logf("%-30s max relative error %.2g", "residual block", worst)
	b1 := randConv(rng, 3, 2, Window{1, 1, 1, Valid})
	b2 := randConv(rng, 3, 2, Window{3, 3, 1, Same})
	b3 := randConv(rng, 3, 2, Window{1, 1, 1, Valid})
	worst = gradCheck(t, "inception block", []*Tensor{x, b1.W, b2.W, b3.W, b3.B}, func(tp *Tape) *Tensor {
		h := tp.Concat(tp.Conv2D(x, b1), tp.Conv2D(x, b2), tp.Conv2D(tp.MaxPool(x, Window{3, 3, 1, Same}), b3))
		return sumSquares(tp, tp.GlobalAvgPool(h), target[:2*6])
	})
	t.Logf("%-30s max relative error %.2g", "inception block", worst)
}

func digitBatch(n int) ([]float64, []int) {
	rng := newRand(25)
	x := make([]float64, n*64)
	for i := range x {
		x[i] = float64(rng.IntN(17)) / 16
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	return x, labels
}

func TestDefaultCNN(t *testing.T) {
	m, err := NewCNN(newRand(26), DefaultCNN())
	if err != nil {
		t.Fatal(err)
	}
	// 3·3·1·8 + 8, 3·3·8·16 + 16, 2·2·16·10 + 10.
	checkParamSizes(t, m, []int{72, 8, 1152, 16, 640, 10}, 1898)
	if want := []Shape{{4, 4, 8}, {2, 2, 16}}; m.Maps[0] != want[0] || m.Maps[1] != want[1] {
		t.Errorf("maps %v, want %v", m.Maps, want)
	}
	bad := DefaultCNN()
	bad.Filters = []int{8, 16, 16, 16}
	if _, err := NewCNN(newRand(1), bad); err == nil || !strings.Contains(err.Error(), "convolution 4") {
		t.Errorf("four poolings of 8×8: %v", err)
	}

	checkCNNGradient(t, "default CNN", m)
}

// checkParamSizes checks the number of values of each of m's parameters
// and their total.
func checkParamSizes(t *testing.T, m *CNN, want []int, total int) {
	t.Helper()
	params := m.Params()
	if len(params) != len(want) {
		t.Fatalf("%d parameters, want %d", len(params), len(want))
	}
	sum := 0
	for i, p := range params {
		if len(p.Data) != want[i] {
			t.Errorf("parameter %d has %d values, want %d", i, len(p.Data), want[i])
		}
		sum += len(p.Data)
	}
	if sum != total {
		t.Errorf("%d values in all, want %d", sum, total)
	}
}

// checkCNNGradient checks the gradient of m's cross-entropy on three
// digits, its input's included, against finite differences.
func checkCNNGradient(t *testing.T, name string, m *CNN) {
	t.Helper()
	xs, labels := digitBatch(3)
	x := Param(3, 64, xs)
	worst := gradCheck(t, name, append(m.Params(), x), func(tp *Tape) *Tensor {
		return tp.CrossEntropy(m.Forward(tp, x), labels)
	})
	t.Logf("%-30s max relative error %.2g", name+" + cross-entropy", worst)
}

// TestGlobalMaxCNN: a CNN with the global-max head reads one value per
// channel of its last map, 3·3·1·4 + 4, 3·3·4·16 + 16, 16·10 + 10 = 802
// parameters without pooling, and its gradient passes the check.
func TestGlobalMaxCNN(t *testing.T) {
	cfg := CNNConfig{In: Shape{8, 8, 1}, Filters: []int{4, 16}, Kernel: 3, Pool: 1, Classes: 10, Act: ReLU, Head: HeadGlobalMax}
	m, err := NewCNN(newRand(28), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkParamSizes(t, m, []int{36, 4, 576, 16, 160, 10}, 802)
	checkCNNGradient(t, "global-max CNN", m)
}

// A training step on a reused tape allocates nothing, and both matrix
// products give the same loss and gradients.
func TestCNNTapeReuse(t *testing.T) {
	m, _ := NewCNN(newRand(27), DefaultCNN())
	xs, labels := digitBatch(DefaultCNNBatch)
	tp := &Tape{}
	pass := func() float64 {
		tp.Reset()
		m.ZeroGrad()
		loss := tp.CrossEntropy(m.Forward(tp, tp.InputMaps(DefaultCNNBatch, m.Config.In, xs)), labels)
		tp.Backward(loss)
		return loss.Value()
	}
	loopLoss := pass()
	var loopGrads []float64
	for _, p := range m.Params() {
		loopGrads = append(loopGrads, p.Grad...)
	}
	if allocs := testing.AllocsPerRun(10, func() { pass() }); allocs > 0 {
		t.Errorf("a reused CNN pass allocates %v times, want 0", allocs)
	}
	kernels = blasKernels
	defer func() { kernels = loopKernels }()
	if l := pass(); math.Abs(l-loopLoss) > 1e-12 {
		t.Errorf("loss %v with blas64, %v with loops", l, loopLoss)
	}
	i := 0
	for _, p := range m.Params() {
		for _, g := range p.Grad {
			if math.Abs(g-loopGrads[i]) > 1e-12 {
				t.Fatalf("gradient %d: %v with blas64, %v with loops", i, g, loopGrads[i])
			}
			i++
		}
	}
}

func TestFeatureMapPanics(t *testing.T) {
	x := NewTensor(2, 16)
	x.Shape = Shape{2, 4, 2}
	conv := NewConv2D(newRand(1), 3, 2, Window{3, 3, 1, Same})
	for name, f := range map[string]func(){
		"conv channels":    func() { (&Tape{}).Conv2D(x, conv) },
		"conv too big":     func() { (&Tape{}).Conv2D(x, NewConv2D(newRand(1), 2, 2, Window{3, 3, 1, Valid})) },
		"pool padding":     func() { (&Tape{}).MaxPool(x, Window{2, 2, 2, Padding(2)}) },
		"pool of a matrix": func() { (&Tape{}).AvgPool(NewTensor(2, 16), Window{2, 2, 2, Valid}) },
		"residual shapes":  func() { y := NewTensor(2, 16); y.Shape = Shape{4, 2, 2}; (&Tape{}).Add(x, y) },
		"concat sizes":     func() { y := NewTensor(2, 16); y.Shape = Shape{4, 2, 2}; (&Tape{}).Concat(x, y) },
	} {
		func() {
			defer func() {
				if r, ok := recover().(string); !ok || !strings.HasPrefix(r, "nn: ") {
					t.Errorf("%s: panic %v, want an nn: message", name, r)
				}
			}()
			f()
		}()
	}
}

// A batch from InputMaps is data: the convolution leaves its gradient
// alone and gives the weights the same gradient as for a Param.
func TestConvSkipsInputGradient(t *testing.T) {
	rng := newRand(28)
	x := randMaps(rng, 2, Shape{4, 5, 2})
	c := randConv(rng, 2, 3, Window{3, 3, 2, Same})
	target := randValues(rng, 2*2*3*3)
	tp := &Tape{}
	tp.Backward(sumSquares(tp, tp.Conv2D(x, c), target))
	want := append([]float64(nil), c.W.Grad...)
	c.W.ZeroGrad()
	tp = &Tape{}
	in := tp.InputMaps(2, x.Shape, x.Data)
	tp.Backward(sumSquares(tp, tp.Conv2D(in, c), target))
	for i, g := range c.W.Grad {
		if g != want[i] {
			t.Fatalf("∂L/∂W[%d] = %v from an input batch, %v from a parameter", i, g, want[i])
		}
	}
	for _, g := range in.Grad {
		if g != 0 {
			t.Fatal("the convolution wrote a gradient for its input batch")
		}
	}
}

// The 2×2 pooling's own loop picks the same maxima and winners as the
// general one, ties included (the first position wins).
func TestMaxPool2MatchesGeneral(t *testing.T) {
	rng := newRand(29)
	in := Shape{6, 5, 3}
	x := make([]float64, 2*in.Size())
	for i := range x {
		x[i] = float64(rng.IntN(4)) // many ties
	}
	g := (Window{2, 2, 2, Valid}).mustGeometry("test", in)
	n := 2 * g.positions() * in.C
	fast, slow := &maxPoolRule{from: make([]int32, n)}, &maxPoolRule{from: make([]int32, n)}
	yf, ys := make([]float64, n), make([]float64, n)
	fast.pool2(yf, x, &g, 2)
	slow.pool(ys, x, &g, 2)
	for i := range yf {
		if yf[i] != ys[i] || fast.from[i] != slow.from[i] {
			t.Fatalf("output %d: %v from %d (2×2 loop), %v from %d (general)", i, yf[i], fast.from[i], ys[i], slow.from[i])
		}
	}
}
