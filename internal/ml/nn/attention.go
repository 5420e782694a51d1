package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Scaled dot-product and multi-head attention (Vaswani et al. 2017,
// "Attention is all you need", §3.2). Queries, keys and values of a batch
// of sequences are (batch·T)×d_k tensors; each sequence attends only to
// itself:
//
//	Attention(Q, K, V) = softmax(QKᵀ/√d_k) V   // per sequence, (T, d_v)

type scoresRule struct{ seqLen int }

// Scores returns each sequence's query–key dot products QKᵀ: row b·T + i,
// column j holds q_{b,i}·k_{b,j}, a (batch·T)×T tensor.
func (tp *Tape) Scores(q, k *Tensor, seqLen int) *Tensor {
	checkSeqLen("Scores", q.Rows, seqLen)
	if k.Rows != q.Rows || k.Cols != q.Cols {
		panic(fmt.Sprintf("nn: Scores of %d×%d queries and %d×%d keys", q.Rows, q.Cols, k.Rows, k.Cols))
	}
	out, r := ruleNode[scoresRule](tp, "QKᵀ", q.Rows, seqLen, q, k)
	r.seqLen = seqLen
	dk := q.Cols
	for i := range q.Rows {
		first := i - i%seqLen // the sequence's first row
		qi := q.Data[i*dk : (i+1)*dk]
		for j := range seqLen {
			kj := k.Data[(first+j)*dk : (first+j+1)*dk]
			var s float64
			for c, v := range qi {
				s += v * kj[c]
			}
			out.Data[i*seqLen+j] = s
		}
	}
	return out
}

// backward: ∂L/∂q_i = Σ_j g_ij k_j,  ∂L/∂k_j = Σ_i g_ij q_i, per sequence.
func (r *scoresRule) backward(t *Tensor) {
	q, k := t.Inputs[0], t.Inputs[1]
	dk, T := q.Cols, r.seqLen
	for i := range q.Rows {
		first := i - i%T
		qi, qg := q.Data[i*dk:(i+1)*dk], q.Grad[i*dk:(i+1)*dk]
		for j, g := range t.Grad[i*T : (i+1)*T] {
			if g == 0 {
				continue
			}
			kj, kg := k.Data[(first+j)*dk:(first+j+1)*dk], k.Grad[(first+j)*dk:(first+j+1)*dk]
			for c := range dk {
				qg[c] += g * kj[c]
				kg[c] += g * qi[c]
			}
		}
	}
}

type causalMaskRule struct{ seqLen int }

// CausalMask sets the scores of later positions to −∞ (row b·T + i, column
// j > i), so that after the softmax position i attends only to positions
// 0…i: exactly zero weight above the diagonal.
func (tp *Tape) CausalMask(scores *Tensor, seqLen int) *Tensor {
	checkSeqLen("CausalMask", scores.Rows, seqLen)
	if scores.Cols != seqLen {
		panic(fmt.Sprintf("nn: CausalMask of %d columns in sequences of %d", scores.Cols, seqLen))
	}
	out, r := ruleNode[causalMaskRule](tp, "causal mask", scores.Rows, seqLen, scores)
	r.seqLen = seqLen
	for i := range scores.Rows {
		for j := range seqLen {
			v := scores.Data[i*seqLen+j]
			if j > i%seqLen {
				v = math.Inf(-1)
			}
			out.Data[i*seqLen+j] = v
		}
	}
	return out
}

// backward: the gradient passes where the score was kept.
func (r *causalMaskRule) backward(t *Tensor) {
	s := t.Inputs[0]
	T := r.seqLen
	for i := range t.Rows {
		for j := 0; j <= i%T; j++ {
			s.Grad[i*T+j] += t.Grad[i*T+j]
		}
	}
}

type weightedSumRule struct{ seqLen int }

// WeightedSum returns, for attention weights a ((batch·T)×T) and values v
// ((batch·T)×d_v), each position's weighted sum of its sequence's values:
// row b·T + i is Σ_j a_ij v_{b,j}.
func (tp *Tape) WeightedSum(a, v *Tensor, seqLen int) *Tensor {
	checkSeqLen("WeightedSum", v.Rows, seqLen)
	if a.Rows != v.Rows || a.Cols != seqLen {
		panic(fmt.Sprintf("nn: WeightedSum of %d×%d weights and %d×%d values", a.Rows, a.Cols, v.Rows, v.Cols))
	}
	dv := v.Cols
	out, r := ruleNode[weightedSumRule](tp, "AV", v.Rows, dv, a, v)
	r.seqLen = seqLen
	for i := range v.Rows {
		first := i - i%seqLen
		row := out.Data[i*dv : (i+1)*dv]
		// a's row against the sequence's block of values: mulRow sums in
		// the order of j, as MatMul does.
		mulRow(row, a.Data[i*seqLen:(i+1)*seqLen], v.Data[first*dv:(first+seqLen)*dv])
	}
	return out
}

// backward: ∂L/∂a_ij = g_i·v_j,  ∂L/∂v_j = Σ_i a_ij g_i, per sequence.
func (r *weightedSumRule) backward(t *Tensor) {
	a, v := t.Inputs[0], t.Inputs[1]
	dv, T := v.Cols, r.seqLen
	for i := range v.Rows {
		first := i - i%T
		g := t.Grad[i*dv : (i+1)*dv]
		for j := range T {
			vj, vg := v.Data[(first+j)*dv:(first+j+1)*dv], v.Grad[(first+j)*dv:(first+j+1)*dv]
			aij := a.Data[i*T+j]
			var s float64
			for c, gv := range g {
				s += gv * vj[c]
				vg[c] += aij * gv
			}
			a.Grad[i*T+j] += s
		}
	}
}

// Attention is scaled dot-product attention over each sequence of T rows,
// softmax(QKᵀ/√d_k)V, with future positions masked when causal. It
// returns the output ((batch·T)×d_v) and the attention weights
// ((batch·T)×T, each row summing to 1): row b·T + i is how much position i
// of sequence b attends to each position j.
func (tp *Tape) Attention(q, k, v *Tensor, seqLen int, causal bool) (out, weights *Tensor) {
	s := tp.Scale(tp.Scores(q, k, seqLen), 1/math.Sqrt(float64(q.Cols))) // (batch·T, T)
	if causal {
		s = tp.CausalMask(s, seqLen)
	}
	weights = tp.Softmax(s)
	return tp.WeightedSum(weights, v, seqLen), weights
}

// MultiHeadAttention projects its input to queries, keys and values, splits
// their dim columns into Heads heads of d_k = dim/Heads, attends in each
// head separately, concatenates the heads and projects back:
//
//	head_h = Attention(X W_Q[:, h], X W_K[:, h], X W_V[:, h])
//	MHA(X) = concat(head_1, …, head_H) W_O + b_O
type MultiHeadAttention struct {
	Heads          int
	WQ, WK, WV, WO *Tensor // dim×dim
	BO             *Tensor // 1×dim
	Causal         bool
	// Weights holds the last Forward's attention weights, one
	// (batch·T)×T tensor per head, owned by that Forward's tape.
	Weights []*Tensor

	heads []*Tensor
}

// NewMultiHeadAttention draws the projections by Glorot's uniform rule; b_O
// starts at 0.
func NewMultiHeadAttention(rng *rand.Rand, dim, heads int, causal bool) *MultiHeadAttention {
	if heads < 1 || dim%heads != 0 {
		panic(fmt.Sprintf("nn: %d heads do not divide dim %d", heads, dim))
	}
	return &MultiHeadAttention{
		Heads: heads,
		WQ:    Glorot(rng, dim, dim), WK: Glorot(rng, dim, dim), WV: Glorot(rng, dim, dim), WO: Glorot(rng, dim, dim),
		BO:     constant(dim, 0),
		Causal: causal,
	}
}

// Params returns W_Q, W_K, W_V, W_O and b_O.
func (m *MultiHeadAttention) Params() []*Tensor {
	return []*Tensor{m.WQ, m.WK, m.WV, m.WO, m.BO}
}

// Forward records multi-head self-attention over x ((batch·T)×dim).
func (m *MultiHeadAttention) Forward(tp *Tape, x *Tensor, seqLen int) *Tensor {
	q, k, v := tp.MatMul(x, m.WQ), tp.MatMul(x, m.WK), tp.MatMul(x, m.WV) // (batch·T, dim)
	dk := q.Cols / m.Heads
	m.Weights, m.heads = m.Weights[:0], m.heads[:0]
	for h := range m.Heads {
		from, to := h*dk, (h+1)*dk
		out, w := tp.Attention(tp.SliceCols(q, from, to), tp.SliceCols(k, from, to), tp.SliceCols(v, from, to), seqLen, m.Causal)
		m.heads = append(m.heads, out) // (batch·T, d_k)
		m.Weights = append(m.Weights, w)
	}
	return tp.AddRow(tp.MatMul(tp.ConcatCols(m.heads...), m.WO), m.BO)
}

// TransformerBlock is one pre-norm transformer layer (the arrangement of
// GPT-2; Xiong et al. 2020 show it trains without warm-up): multi-head
// self-attention and a two-layer ReLU MLP, each reading a layer-normalised
// copy of the residual stream and adding its output back to it:
//
//	h = x + MHA(LN₁(x))
//	y = h + ReLU(LN₂(h) W₁ + b₁) W₂ + b₂
type TransformerBlock struct {
	Norm1, Norm2 *LayerNorm
	Attn         *MultiHeadAttention
	W1, B1       *Tensor // dim×hidden, 1×hidden
	W2, B2       *Tensor // hidden×dim, 1×dim
}

// NewTransformerBlock returns a block of the given width, heads and MLP
// hidden size (4·dim in Vaswani et al.).
func NewTransformerBlock(rng *rand.Rand, dim, heads, hidden int, causal bool) *TransformerBlock {
	return &TransformerBlock{
		Norm1: NewLayerNorm(dim), Norm2: NewLayerNorm(dim),
		Attn: NewMultiHeadAttention(rng, dim, heads, causal),
		W1:   Glorot(rng, dim, hidden), B1: constant(hidden, 0),
		W2: Glorot(rng, hidden, dim), B2: constant(dim, 0),
	}
}

// Params returns every learned tensor of the block.
func (b *TransformerBlock) Params() []*Tensor {
	ps := append(b.Norm1.Params(), b.Attn.Params()...)
	ps = append(ps, b.Norm2.Params()...)
	return append(ps, b.W1, b.B1, b.W2, b.B2)
}

// Forward records the block on x ((batch·T)×dim) and returns its output of
// the same shape.
func (b *TransformerBlock) Forward(tp *Tape, x *Tensor, seqLen int) *Tensor {
	h := tp.Add(x, b.Attn.Forward(tp, tp.LayerNorm(x, b.Norm1), seqLen))
	mlp := tp.Activate(tp.AddRow(tp.MatMul(tp.LayerNorm(h, b.Norm2), b.W1), b.B1), ReLU)
	return tp.Add(h, tp.AddRow(tp.MatMul(mlp, b.W2), b.B2))
}
