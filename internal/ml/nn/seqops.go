package nn

import (
	"fmt"
	"math"
)

// The operations sequence models are made of. A batch of sequences is a
// tensor of (batch·T) rows, sequence b's token t in row b·T + t, unless an
// operation says otherwise.

type embedRule struct{ ids []int }

// Embed looks up each token's row of the embedding table (vocab×dim):
// row i of the result is table[ids[i]]. It equals one-hot(ids)·table
// without the multiplication.
func (tp *Tape) Embed(table *Tensor, ids []int) *Tensor {
	d := table.Cols
	out, r := ruleNode[embedRule](tp, "embed", len(ids), d, table)
	r.ids = append(r.ids[:0], ids...)
	for i, id := range ids {
		if id < 0 || id >= table.Rows {
			panic(fmt.Sprintf("nn: Embed token %d in a vocabulary of %d", id, table.Rows))
		}
		copy(out.Data[i*d:(i+1)*d], table.Data[id*d:(id+1)*d])
	}
	return out
}

// backward: each looked-up row collects its gradient; a token used twice
// collects both.
func (r *embedRule) backward(t *Tensor) {
	table := t.Inputs[0]
	d := table.Cols
	for i, id := range r.ids {
		g, tg := t.Grad[i*d:(i+1)*d], table.Grad[id*d:(id+1)*d]
		for j, v := range g {
			tg[j] += v
		}
	}
}

type sliceColsRule struct{ from int }

// SliceCols returns columns [from, to) of a: one head's share of a
// projection, or one gate's share of an LSTM's pre-activations.
func (tp *Tape) SliceCols(a *Tensor, from, to int) *Tensor {
	if from < 0 || to > a.Cols || from >= to {
		panic(fmt.Sprintf("nn: SliceCols [%d, %d) of %d columns", from, to, a.Cols))
	}
	w := to - from
	out, r := ruleNode[sliceColsRule](tp, "slice", a.Rows, w, a)
	r.from = from
	for i := range a.Rows {
		copy(out.Data[i*w:(i+1)*w], a.Data[i*a.Cols+from:i*a.Cols+to])
	}
	return out
}

func (r *sliceColsRule) backward(t *Tensor) {
	a := t.Inputs[0]
	w := t.Cols
	for i := range t.Rows {
		ag := a.Grad[i*a.Cols+r.from : i*a.Cols+r.from+w]
		for j, g := range t.Grad[i*w : (i+1)*w] {
			ag[j] += g
		}
	}
}

type concatColsRule struct{}

// ConcatCols places tensors of one row count side by side: the heads of
// multi-head attention, concatenated.
func (tp *Tape) ConcatCols(parts ...*Tensor) *Tensor {
	cols := 0
	for _, p := range parts {
		if p.Rows != parts[0].Rows {
			panic(fmt.Sprintf("nn: ConcatCols of %d and %d rows", parts[0].Rows, p.Rows))
		}
		cols += p.Cols
	}
	n := parts[0].Rows
	out, _ := ruleNode[concatColsRule](tp, "concat", n, cols, parts...)
	at := 0
	for _, p := range parts {
		for i := range n {
			copy(out.Data[i*cols+at:i*cols+at+p.Cols], p.Data[i*p.Cols:(i+1)*p.Cols])
		}
		at += p.Cols
	}
	return out
}

func (concatColsRule) backward(t *Tensor) {
	at := 0
	for _, p := range t.Inputs {
		for i := range t.Rows {
			pg := p.Grad[i*p.Cols : (i+1)*p.Cols]
			for j, g := range t.Grad[i*t.Cols+at : i*t.Cols+at+p.Cols] {
				pg[j] += g
			}
		}
		at += p.Cols
	}
}

type mulRule struct{}

// Mul returns the elementwise (Hadamard) product a ⊙ b: a gate applied to
// a signal.
func (tp *Tape) Mul(a, b *Tensor) *Tensor {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("nn: Mul %d×%d and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	out, _ := ruleNode[mulRule](tp, "mul", a.Rows, a.Cols, a, b)
	for i := range out.Data {
		out.Data[i] = a.Data[i] * b.Data[i]
	}
	return out
}

// backward: ∂L/∂a = g ⊙ b, ∂L/∂b = g ⊙ a.
func (mulRule) backward(t *Tensor) {
	a, b := t.Inputs[0], t.Inputs[1]
	for i, g := range t.Grad {
		a.Grad[i] += g * b.Data[i]
		b.Grad[i] += g * a.Data[i]
	}
}

type addPositionsRule struct{ seqLen int }

// AddPositions adds the positional encoding pos (at least seqLen×dim) to
// every sequence of x: row b·T + t gets pos row t. With a learned encoding
// pos is a parameter and collects the gradient of every sequence; with
// SinusoidalPositions it is a constant.
func (tp *Tape) AddPositions(x, pos *Tensor, seqLen int) *Tensor {
	checkSeqLen("AddPositions", x.Rows, seqLen)
	if pos.Cols != x.Cols || pos.Rows < seqLen {
		panic(fmt.Sprintf("nn: AddPositions of %d×%d positions to sequences of %d×%d", pos.Rows, pos.Cols, seqLen, x.Cols))
	}
	out, r := ruleNode[addPositionsRule](tp, "add positions", x.Rows, x.Cols, x, pos)
	r.seqLen = seqLen
	d := x.Cols
	for i := range x.Rows {
		p := pos.Data[(i%seqLen)*d : (i%seqLen+1)*d]
		for j := range d {
			out.Data[i*d+j] = x.Data[i*d+j] + p[j]
		}
	}
	return out
}

func (r *addPositionsRule) backward(t *Tensor) {
	x, pos := t.Inputs[0], t.Inputs[1]
	d := t.Cols
	for i := range t.Rows {
		pg := pos.Grad[(i%r.seqLen)*d : (i%r.seqLen+1)*d]
		for j, g := range t.Grad[i*d : (i+1)*d] {
			x.Grad[i*d+j] += g
			pg[j] += g
		}
	}
}

// SinusoidalPositions returns the fixed positional encoding of Vaswani et
// al. (2017, §3.5), a seqLen×dim constant:
//
//	PE(t, 2i) = sin(t/10000^(2i/dim)),  PE(t, 2i+1) = cos(t/10000^(2i/dim))
func SinusoidalPositions(seqLen, dim int) *Tensor {
	pe := NewTensor(seqLen, dim)
	pe.Op = "positions"
	for t := range seqLen {
		for j := range dim {
			angle := float64(t) / math.Pow(10000, float64(j-j%2)/float64(dim))
			if j%2 == 0 {
				pe.Data[t*dim+j] = math.Sin(angle)
			} else {
				pe.Data[t*dim+j] = math.Cos(angle)
			}
		}
	}
	return pe
}
