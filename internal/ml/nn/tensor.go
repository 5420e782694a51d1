// Package nn is a small reverse-mode automatic differentiation engine over
// matrices, and the layers and optimisers built on it.
//
// A Tensor is a row-major matrix, one sample a row; a batch of images or
// feature maps is one too, each row a sample's H×W×C values channels last
// (conv.go). Every operation is a method of a Tape: it computes its result
// at once (the forward pass) and records itself on the tape; Tape.Backward
// then walks the tape in reverse and applies each operation's backward
// rule, which sits right after its forward code (in this file, or with
// the operation's own state in conv.go and pool.go). That is the chain
// rule of backpropagation:
//
//	∂L/∂input = ∂L/∂output · ∂output/∂input
//
// accumulated into each tensor's Grad. Parameters are tensors created with
// Param; their gradients accumulate across Backward calls until ZeroGrad.
//
// A Tape reuses the tensors it made in its previous pass when Reset is
// called and the same operations come in the same order, as they do in a
// training loop, so the hot loop allocates almost nothing.
//
// The design after karpathy/micrograd (engine.py), at the level of matrices.
package nn

import (
	"fmt"
	"math"
)

// Tensor is a rows×cols matrix of values and their gradients.
type Tensor struct {
	Rows, Cols int
	Data       []float64
	Grad       []float64
	// Op names the operation that made the tensor ("param", "input",
	// "matmul", "tanh", …), for drawing the computation graph.
	Op string
	// Inputs are the operands of Op.
	Inputs []*Tensor
	// Shape is H×W×C when each row is one sample's feature map (see
	// conv.go for the layout); zero for a plain matrix.
	Shape Shape

	kind   opKind
	act    Activation
	aux    []float64 // values the backward rule needs (masks, norms, …)
	aux2   []float64
	labels []int
	coef   float64
	// rule is the backward rule of an operation that keeps its own state
	// (kind opRule, rule.go): the convolution's geometry and buffers, max
	// pooling's winners, attention's weights. It stays with the tensor, so
	// a reused pass reuses it.
	rule backwardRule
}

// ruleOf returns t's rule of type *R, reusing the one a previous pass left
// there, and marks t as made by it.
func ruleOf[R any, P interface {
	*R
	backwardRule
}](t *Tensor) P {
	t.kind = opRule
	if r, ok := t.rule.(P); ok {
		return r
	}
	r := P(new(R))
	t.rule = r
	return r
}

// NewTensor returns a zero rows×cols tensor that is not on any tape.
func NewTensor(rows, cols int) *Tensor {
	return &Tensor{Rows: rows, Cols: cols, Data: make([]float64, rows*cols), Grad: make([]float64, rows*cols), Op: "input"}
}

// Param returns a parameter tensor holding a copy of data (rows×cols).
func Param(rows, cols int, data []float64) *Tensor {
	if len(data) != rows*cols {
		panic(fmt.Sprintf("nn: Param %d×%d with %d values", rows, cols, len(data)))
	}
	t := NewTensor(rows, cols)
	copy(t.Data, data)
	t.Op = "param"
	return t
}

// At returns element (i, j).
func (t *Tensor) At(i, j int) float64 { return t.Data[i*t.Cols+j] }

// Value returns the single value of a 1×1 tensor.
func (t *Tensor) Value() float64 {
	if t.Rows != 1 || t.Cols != 1 {
		panic(fmt.Sprintf("nn: Value of a %d×%d tensor", t.Rows, t.Cols))
	}
	return t.Data[0]
}

// ZeroGrad sets the gradient to zero.
func (t *Tensor) ZeroGrad() { clear(t.Grad) }

type opKind uint8

const (
	opLeaf opKind = iota
	opMatMul
	opAddRow
	opAdd
	opScale
	opActivate
	opSoftmax
	opSquaredError
	opBinaryCrossEntropy
	opCrossEntropy
	opL2
	opL1
	opDropout
	opBatchNorm
	opRule
)

// Tape records operations for one forward pass and runs them backwards.
type Tape struct {
	nodes []*Tensor
	used  int
}

// Reset forgets the recorded operations; their tensors are reused by the
// next pass when shapes and operations repeat.
func (tp *Tape) Reset() { tp.used = 0 }

// node returns a fresh result tensor, reusing the one made at the same
// position of the previous pass when it fits.
func (tp *Tape) node(kind opKind, op string, rows, cols int, inputs ...*Tensor) *Tensor {
	var t *Tensor
	if tp.used < len(tp.nodes) {
		t = tp.nodes[tp.used]
		if cap(t.Data) >= rows*cols {
			t.Data, t.Grad = t.Data[:rows*cols], t.Grad[:rows*cols]
			clear(t.Grad)
		} else {
			t.Data, t.Grad = make([]float64, rows*cols), make([]float64, rows*cols)
		}
	} else {
		t = &Tensor{Data: make([]float64, rows*cols), Grad: make([]float64, rows*cols)}
		tp.nodes = append(tp.nodes, t)
	}
	tp.used++
	t.Rows, t.Cols, t.kind, t.Op, t.Shape = rows, cols, kind, op, Shape{}
	t.Inputs = append(t.Inputs[:0], inputs...)
	return t
}

// grow returns s resized to n, reusing its storage.
func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}

// Backward sets the gradient of the scalar loss (a 1×1 tensor made by this
// tape) to 1 and propagates it to every tensor it depends on. Gradients of
// tensors not made by the tape (parameters, inputs) accumulate.
func (tp *Tape) Backward(loss *Tensor) {
	if loss.Rows != 1 || loss.Cols != 1 {
		panic("nn: Backward needs a 1×1 loss")
	}
	loss.Grad[0] = 1
	for i := tp.used - 1; i >= 0; i-- {
		tp.nodes[i].backward()
	}
}

func (t *Tensor) backward() {
	switch t.kind {
	case opMatMul:
		backMatMul(t)
	case opAddRow:
		backAddRow(t)
	case opAdd:
		backAdd(t)
	case opScale:
		backScale(t)
	case opActivate:
		backActivate(t)
	case opSoftmax:
		backSoftmax(t)
	case opSquaredError:
		backSquaredError(t)
	case opBinaryCrossEntropy:
		backBinaryCrossEntropy(t)
	case opCrossEntropy:
		backCrossEntropy(t)
	case opL2:
		backL2(t)
	case opL1:
		backL1(t)
	case opDropout:
		backDropout(t)
	case opBatchNorm:
		backBatchNorm(t)
	case opRule:
		t.rule.backward(t)
	}
}

// MatMul returns a·b for a (n×k) and b (k×m).
func (tp *Tape) MatMul(a, b *Tensor) *Tensor {
	if a.Cols != b.Rows {
		panic(fmt.Sprintf("nn: MatMul %d×%d by %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	out := tp.node(opMatMul, "matmul", a.Rows, b.Cols, a, b) // (n, m)
	n, k, m := a.Rows, a.Cols, b.Cols
	for i := range n {
		mulRow(out.Data[i*m:(i+1)*m], a.Data[i*k:(i+1)*k], b.Data)
	}
	return out
}

// mulRow writes x·b into row, for a row x of k values and b k×len(row):
// row_j = Σ_p x_p b_pj, summed in the order of p, terms with x_p = 0
// skipped. Tape and Infer share it, so both give the same values to the
// bit. The non-zero terms go eight at a time, each row_j held in a
// register across them (addRows8, then addRows4 and addRow for the rest):
// the same additions in the same order as one term at a time, with an
// eighth of the loads and stores of row.
func mulRow(row, x, b []float64) {
	m := len(row)
	clear(row)
	var ps [8]int
	var as [8]float64
	n := 0
	for p, av := range x {
		if av == 0 {
			continue
		}
		ps[n], as[n] = p, av
		n++
		if n == 8 {
			addRows8(row, &as, b, &ps)
			n = 0
		}
	}
	q := 0
	if n >= 4 {
		addRows4(row, [4]float64{as[0], as[1], as[2], as[3]}, b[ps[0]*m:(ps[0]+1)*m], b[ps[1]*m:(ps[1]+1)*m], b[ps[2]*m:(ps[2]+1)*m], b[ps[3]*m:(ps[3]+1)*m])
		q = 4
	}
	for ; q < n; q++ {
		addRow(row, as[q], b[ps[q]*m:(ps[q]+1)*m])
	}
}

// addRows8 adds a[q]·b_{p[q]} for q = 0…7 to row, in that order for every
// element, b_p being row p of b (len(row) wide): as eight calls of addRow
// would round it.
func addRows8(row []float64, a *[8]float64, b []float64, p *[8]int) {
	m := len(row)
	b0, b1, b2, b3 := b[p[0]*m:][:m], b[p[1]*m:][:m], b[p[2]*m:][:m], b[p[3]*m:][:m]
	b4, b5, b6, b7 := b[p[4]*m:][:m], b[p[5]*m:][:m], b[p[6]*m:][:m], b[p[7]*m:][:m]
	a0, a1, a2, a3, a4, a5, a6, a7 := a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
	for j, r := range row {
		r += a0 * b0[j]
		r += a1 * b1[j]
		r += a2 * b2[j]
		r += a3 * b3[j]
		r += a4 * b4[j]
		r += a5 * b5[j]
		r += a6 * b6[j]
		r += a7 * b7[j]
		row[j] = r
	}
}

// addRow adds a·b to row, element by element.
func addRow(row []float64, a float64, b []float64) {
	b = b[:len(row)]
	for j, bv := range b {
		row[j] += a * bv
	}
}

// addRows4 adds a[0]·b0, a[1]·b1, a[2]·b2 and a[3]·b3 to row, in that
// order for every element: row_j is rounded after each addition, as four
// calls of addRow would round it.
func addRows4(row []float64, a [4]float64, b0, b1, b2, b3 []float64) {
	m := len(row)
	b0, b1, b2, b3 = b0[:m], b1[:m], b2[:m], b3[:m]
	a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
	for j, r := range row {
		r += a0 * b0[j]
		r += a1 * b1[j]
		r += a2 * b2[j]
		r += a3 * b3[j]
		row[j] = r
	}
}

// backMatMul: ∂L/∂a = G·bᵀ, ∂L/∂b = aᵀ·G. Each gradient element gets the
// same additions in the same order as the textbook loop (backMatMulRef)
// gives it: ∂L/∂a_ip one sum over j added once, ∂L/∂b_pj the terms of
// i = 0, 1, … one by one. The two are computed in separate passes, four
// sums or eight rows at a time; a tensor multiplied by itself, whose two
// gradients are one, keeps the interleaved loop.
func backMatMul(t *Tensor) {
	a, b := t.Inputs[0], t.Inputs[1]
	if a == b {
		backMatMulRef(t)
		return
	}
	n, k, m := a.Rows, a.Cols, b.Cols
	G, B := t.Grad[:n*m], b.Data[:k*m]
	for i := range n {
		g := G[i*m : (i+1)*m]
		ag := a.Grad[i*k : (i+1)*k]
		p := 0
		for ; p+4 <= k; p += 4 {
			s := dot4(g, B[p*m:(p+1)*m], B[(p+1)*m:(p+2)*m], B[(p+2)*m:(p+3)*m], B[(p+3)*m:(p+4)*m])
			ag[p] += s[0]
			ag[p+1] += s[1]
			ag[p+2] += s[2]
			ag[p+3] += s[3]
		}
		for ; p < k; p++ {
			br := B[p*m : (p+1)*m]
			var s float64
			for j, gv := range g {
				s += gv * br[j]
			}
			ag[p] += s
		}
	}
	A := a.Data[:n*k]
	for p := range k {
		bg := b.Grad[p*m : (p+1)*m]
		i := 0
		for ; i+8 <= n; i += 8 {
			var as [8]float64
			rows := [8]int{i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7}
			for q, r := range rows {
				as[q] = A[r*k+p]
			}
			addRows8(bg, &as, G, &rows)
		}
		for ; i+4 <= n; i += 4 {
			addRows4(bg, [4]float64{A[i*k+p], A[(i+1)*k+p], A[(i+2)*k+p], A[(i+3)*k+p]},
				G[i*m:(i+1)*m], G[(i+1)*m:(i+2)*m], G[(i+2)*m:(i+3)*m], G[(i+3)*m:(i+4)*m])
		}
		for ; i < n; i++ {
			addRow(bg, A[i*k+p], G[i*m:(i+1)*m])
		}
	}
}

// dot4 returns g·b0, g·b1, g·b2 and g·b3, each summed in the order of j.
func dot4(g, b0, b1, b2, b3 []float64) (s [4]float64) {
	m := len(g)
	b0, b1, b2, b3 = b0[:m], b1[:m], b2[:m], b3[:m]
	var s0, s1, s2, s3 float64
	for j, gv := range g {
		s0 += gv * b0[j]
		s1 += gv * b1[j]
		s2 += gv * b2[j]
		s3 += gv * b3[j]
	}
	return [4]float64{s0, s1, s2, s3}
}

// backMatMulRef is backMatMul as one loop over i and p.
func backMatMulRef(t *Tensor) {
	a, b := t.Inputs[0], t.Inputs[1]
	n, k, m := a.Rows, a.Cols, b.Cols
	for i := range n {
		g := t.Grad[i*m : (i+1)*m]
		for p := range k {
			br := b.Data[p*m : (p+1)*m]
			var s float64
			for j, gv := range g {
				s += gv * br[j]
			}
			a.Grad[i*k+p] += s
			av := a.Data[i*k+p]
			bg := b.Grad[p*m : (p+1)*m]
			for j, gv := range g {
				bg[j] += av * gv
			}
		}
	}
}

// AddRow returns a + bias with the 1×m bias broadcast over a's n rows.
func (tp *Tape) AddRow(a, bias *Tensor) *Tensor {
	if bias.Rows != 1 || bias.Cols != a.Cols {
		panic(fmt.Sprintf("nn: AddRow %d×%d and bias %d×%d", a.Rows, a.Cols, bias.Rows, bias.Cols))
	}
	out := tp.node(opAddRow, "add", a.Rows, a.Cols, a, bias)
	for i := range a.Rows {
		for j := range a.Cols {
			out.Data[i*a.Cols+j] = a.Data[i*a.Cols+j] + bias.Data[j]
		}
	}
	return out
}

// backAddRow: the bias collects the gradient of every row.
func backAddRow(t *Tensor) {
	a, bias := t.Inputs[0], t.Inputs[1]
	for i := range a.Rows {
		for j := range a.Cols {
			g := t.Grad[i*a.Cols+j]
			a.Grad[i*a.Cols+j] += g
			bias.Grad[j] += g
		}
	}
}

// Add returns a + b for tensors of one shape (scalars included). On two
// feature maps of one H×W×C it is a residual connection, y = x + F(x)
// (He et al. 2016); the gradient reaches both branches unchanged.
func (tp *Tape) Add(a, b *Tensor) *Tensor {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("nn: Add %d×%d and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	if a.Shape != b.Shape && a.Shape != (Shape{}) && b.Shape != (Shape{}) {
		panic(fmt.Sprintf("nn: Add feature maps %v and %v", a.Shape, b.Shape))
	}
	out := tp.node(opAdd, "add", a.Rows, a.Cols, a, b)
	out.Shape = a.Shape
	if out.Shape == (Shape{}) {
		out.Shape = b.Shape
	}
	for i := range out.Data {
		out.Data[i] = a.Data[i] + b.Data[i]
	}
	return out
}

func backAdd(t *Tensor) {
	a, b := t.Inputs[0], t.Inputs[1]
	for i, g := range t.Grad {
		a.Grad[i] += g
		b.Grad[i] += g
	}
}

// Scale returns c·a.
func (tp *Tape) Scale(a *Tensor, c float64) *Tensor {
	out := tp.node(opScale, "scale", a.Rows, a.Cols, a)
	out.Shape = a.Shape
	out.coef = c
	for i, v := range a.Data {
		out.Data[i] = c * v
	}
	return out
}

func backScale(t *Tensor) {
	a := t.Inputs[0]
	for i, g := range t.Grad {
		a.Grad[i] += t.coef * g
	}
}

// Activate applies f elementwise.
func (tp *Tape) Activate(a *Tensor, f Activation) *Tensor {
	out := tp.node(opActivate, f.Name, a.Rows, a.Cols, a)
	out.Shape = a.Shape
	out.act = f
	activate(out.Data, a.Data, f)
	return out
}

// activate writes f(x) into y (which may be x), elementwise.
func activate(y, x []float64, f Activation) {
	y = y[:len(x)]
	if f.Name == ReLU.Name { // the same values without a call per element
		for i, v := range x {
			y[i] = max(0, v)
		}
		return
	}
	for i, v := range x {
		y[i] = f.F(v)
	}
}

// backActivate: ∂L/∂x = ∂L/∂y · f′(x).
func backActivate(t *Tensor) {
	a := t.Inputs[0]
	if t.act.Name == ReLU.Name { // ReLU.D inlined, without a branch: the same values
		x := a.Data[:len(t.Grad)]
		for i, g := range t.Grad {
			d := 0
			if x[i] > 0 {
				d = 1
			}
			a.Grad[i] += g * float64(d)
		}
		return
	}
	for i, g := range t.Grad {
		a.Grad[i] += g * t.act.D(a.Data[i], t.Data[i])
	}
}

// Softmax returns each row's softmax, exp(x_j − max)/Σ_k exp(x_k − max).
func (tp *Tape) Softmax(a *Tensor) *Tensor {
	out := tp.node(opSoftmax, "softmax", a.Rows, a.Cols, a)
	for i := range a.Rows {
		SoftmaxRow(a.Data[i*a.Cols:(i+1)*a.Cols], out.Data[i*a.Cols:(i+1)*a.Cols])
	}
	return out
}

// SoftmaxRow writes the softmax of x into y (which may be x).
func SoftmaxRow(x, y []float64) {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = max(mx, v)
	}
	var s float64
	for j, v := range x {
		y[j] = math.Exp(v - mx)
		s += y[j]
	}
	for j := range y {
		y[j] /= s
	}
}

// backSoftmax: ∂L/∂x_j = y_j (g_j − Σ_k g_k y_k) per row.
func backSoftmax(t *Tensor) {
	a := t.Inputs[0]
	c := t.Cols
	for i := range t.Rows {
		y, g := t.Data[i*c:(i+1)*c], t.Grad[i*c:(i+1)*c]
		var dot float64
		for j := range y {
			dot += g[j] * y[j]
		}
		for j := range y {
			a.Grad[i*c+j] += y[j] * (g[j] - dot)
		}
	}
}
