package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Layer is a dense layer y = f(x·W + b), optionally batch-normalised before
// f: y = f(BN(x·W + b)).
type Layer struct {
	W    *Tensor // in×out
	B    *Tensor // 1×out
	Act  Activation
	Norm *BatchNorm // nil: no batch normalisation
}

// MLP is a multi-layer perceptron: layers applied in order, with dropout
// after every hidden layer while training.
type MLP struct {
	Layers  []*Layer
	Dropout float64 // probability of dropping a hidden unit, 0 for none
}

// NewMLP builds layers of the given sizes (input first), hidden and output
// activations, weights drawn by Glorot & Bengio's (2010) uniform rule
// U(−√(6/(in+out)), √(6/(in+out))) and biases 0.
func NewMLP(rng *rand.Rand, sizes []int, hidden, output Activation, batchNorm bool) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: an MLP needs at least 2 sizes, got %v", sizes))
	}
	m := &MLP{}
	for l := 1; l < len(sizes); l++ {
		in, out := sizes[l-1], sizes[l]
		limit := math.Sqrt(6 / float64(in+out))
		w := make([]float64, in*out)
		for i := range w {
			w[i] = limit * (2*rng.Float64() - 1)
		}
		layer := &Layer{W: Param(in, out, w), B: Param(1, out, make([]float64, out)), Act: hidden}
		if l == len(sizes)-1 {
			layer.Act = output
		} else if batchNorm {
			layer.Norm = NewBatchNorm(out)
		}
		m.Layers = append(m.Layers, layer)
	}
	return m
}

// Params returns every learned tensor, layer by layer (W, b, then γ, β).
func (m *MLP) Params() []*Tensor {
	var ps []*Tensor
	for _, l := range m.Layers {
		ps = append(ps, l.W, l.B)
		if l.Norm != nil {
			ps = append(ps, l.Norm.Gamma, l.Norm.Beta)
		}
	}
	return ps
}

// Weights returns the weight matrices, for penalties.
func (m *MLP) Weights() []*Tensor {
	ws := make([]*Tensor, len(m.Layers))
	for i, l := range m.Layers {
		ws[i] = l.W
	}
	return ws
}

// ZeroGrad clears every parameter's gradient.
func (m *MLP) ZeroGrad() {
	for _, l := range m.Layers {
		l.W.ZeroGrad()
		l.B.ZeroGrad()
		if l.Norm != nil {
			l.Norm.Gamma.ZeroGrad()
			l.Norm.Beta.ZeroGrad()
		}
	}
}

// Forward records the network on tp and returns its output for the batch x
// (n×inputs). Dropout and batch statistics apply only when train is set.
func (m *MLP) Forward(tp *Tape, x *Tensor, train bool, rng *rand.Rand) *Tensor {
	h := x
	for i, l := range m.Layers {
		z := tp.AddRow(tp.MatMul(h, l.W), l.B)
		if l.Norm != nil {
			z = tp.Normalize(z, l.Norm, train)
		}
		h = tp.Activate(z, l.Act)
		if i < len(m.Layers)-1 && m.Dropout > 0 {
			h = tp.Dropout(h, m.Dropout, train, rng)
		}
	}
	return h
}
