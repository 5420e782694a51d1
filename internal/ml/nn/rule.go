package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// backwardRule is an operation's backward rule together with the state it
// needs (indices, column ranges, normalised values), kept with the
// operation rather than in Tensor's shared fields: the operations of
// sequence models (embedding, layer norm, attention) are written this way.
type backwardRule interface {
	// backward adds ∂L/∂input to each of t.Inputs' Grad from t.Grad.
	backward(t *Tensor)
}

// ruleNode returns a fresh result tensor whose backward rule is an R. The
// tensor and its R are reused from the previous pass when they repeat, so
// a training loop does not allocate; the operation sets every field of R.
func ruleNode[R any, P interface {
	*R
	backwardRule
}](tp *Tape, op string, rows, cols int, inputs ...*Tensor) (*Tensor, P) {
	out := tp.node(opRule, op, rows, cols, inputs...)
	r := ruleOf[R, P](out)
	return out, r
}

// Glorot returns a rows×cols parameter drawn by Glorot & Bengio's (2010)
// uniform rule U(−√(6/(rows+cols)), √(6/(rows+cols))), as NewMLP does.
func Glorot(rng *rand.Rand, rows, cols int) *Tensor {
	limit := math.Sqrt(6 / float64(rows+cols))
	w := make([]float64, rows*cols)
	for i := range w {
		w[i] = limit * (2*rng.Float64() - 1)
	}
	return Param(rows, cols, w)
}

// constant returns a 1×n parameter filled with v.
func constant(n int, v float64) *Tensor {
	d := make([]float64, n)
	for i := range d {
		d[i] = v
	}
	return Param(1, n, d)
}

func checkSeqLen(op string, rows, seqLen int) {
	if seqLen < 1 || rows%seqLen != 0 {
		panic(fmt.Sprintf("nn: %s of %d rows in sequences of %d", op, rows, seqLen))
	}
}
