package nn

import (
	"math"
	"testing"
)

func TestAttentionGradients(t *testing.T) {
	rng := newRand(41)
	const T = 3
	q, k, v := randParam(rng, 2*T, 4, 1), randParam(rng, 2*T, 4, 1), randParam(rng, 2*T, 5, 1)
	w := randParam(rng, 2*T, T, 1)
	gradCheck(t, "scores", []*Tensor{q, k}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Scores(q, k, T), randValuesFixed(2*T*T))
	})
	gradCheck(t, "causal mask", []*Tensor{w}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Softmax(tp.CausalMask(w, T)), randValuesFixed(2*T*T))
	})
	gradCheck(t, "weighted sum", []*Tensor{w, v}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.WeightedSum(w, v, T), randValuesFixed(2*T*5))
	})
	for _, causal := range []bool{false, true} {
		gradCheck(t, "attention", []*Tensor{q, k, v}, func(tp *Tape) *Tensor {
			out, _ := tp.Attention(q, k, v, T, causal)
			return sumSquares(tp, out, randValuesFixed(2*T*5))
		})
	}
	x := randParam(rng, 2*T, 4, 1)
	for _, causal := range []bool{false, true} {
		mha := NewMultiHeadAttention(rng, 4, 2, causal)
		gradCheck(t, "multi-head attention", append(mha.Params(), x), func(tp *Tape) *Tensor {
			return sumSquares(tp, mha.Forward(tp, x, T), randValuesFixed(2*T*4))
		})
	}
}

// A whole transformer block, checked end to end: embedding, learned or
// sinusoidal positions, the block with non-trivial layer-norm parameters,
// a softmax output and cross-entropy.
func TestTransformerBlockGradient(t *testing.T) {
	rng := newRand(42)
	const T, dim = 3, 4
	ids := []int{0, 2, 1, 3, 3, 0}
	labels := []int{1, 0, 2, 2, 3, 1}
	for _, causal := range []bool{false, true} {
		block := NewTransformerBlock(rng, dim, 2, 8, causal)
		for _, ln := range []*LayerNorm{block.Norm1, block.Norm2} {
			for j := range dim {
				ln.Gamma.Data[j] = 1 + 0.3*rng.NormFloat64()
				ln.Beta.Data[j] = 0.2 * rng.NormFloat64()
			}
		}
		embed, learned := randParam(rng, 4, dim, 1), randParam(rng, T, dim, 0.5)
		head := randParam(rng, dim, 4, 0.5)
		for name, pos := range map[string]*Tensor{"learned": learned, "sinusoidal": SinusoidalPositions(T, dim)} {
			wrt := append(block.Params(), embed, head)
			if name == "learned" {
				wrt = append(wrt, learned)
			}
			gradCheck(t, "transformer block, "+name+" positions", wrt, func(tp *Tape) *Tensor {
				x := tp.AddPositions(tp.Embed(embed, ids), pos, T)
				y := block.Forward(tp, x, T)
				return tp.CrossEntropy(tp.Softmax(tp.MatMul(y, head)), labels)
			})
		}
	}
}

// Attention recomputed naively for each sequence from its formula,
// softmax(QKᵀ/√d_k)V; rows of the weights sum to 1; a causal mask leaves
// exactly zero weight above the diagonal.
func TestAttentionClosedForm(t *testing.T) {
	rng := newRand(43)
	const T, B, dk, dv = 4, 3, 2, 3
	q, k, v := randParam(rng, B*T, dk, 1.5), randParam(rng, B*T, dk, 1.5), randParam(rng, B*T, dv, 1)
	for _, causal := range []bool{false, true} {
		tp := &Tape{}
		out, weights := tp.Attention(q, k, v, T, causal)
		for b := range B {
			for i := range T {
				row := b*T + i
				var sum float64
				want := make([]float64, T)
				var norm float64
				for j := range T {
					sum += weights.At(row, j)
					if causal && j > i {
						if weights.At(row, j) != 0 {
							t.Errorf("causal: weight %v above the diagonal at (%d, %d)", weights.At(row, j), i, j)
						}
						continue
					}
					var s float64
					for c := range dk {
						s += q.At(row, c) * k.At(b*T+j, c)
					}
					want[j] = math.Exp(s / math.Sqrt(dk))
					norm += want[j]
				}
				if math.Abs(sum-1) > 1e-12 {
					t.Errorf("causal %v: row %d of the weights sums to %.17g", causal, row, sum)
				}
				for j := range T {
					want[j] /= norm
					if math.Abs(weights.At(row, j)-want[j]) > 1e-12 {
						t.Errorf("weight (%d, %d) = %v, want %v", row, j, weights.At(row, j), want[j])
					}
				}
				for c := range dv {
					var o float64
					for j := range T {
						o += want[j] * v.At(b*T+j, c)
					}
					if math.Abs(out.At(row, c)-o) > 1e-12 {
						t.Errorf("output (%d, %d) = %v, want %v", row, c, out.At(row, c), o)
					}
				}
			}
		}
	}
}

// Without positional encoding self-attention cannot tell positions apart:
// permuting a sequence's tokens permutes the block's output rows the same
// way (to rounding). This is why a transformer without positions cannot
// learn to reverse a sequence.
func TestTransformerBlockIsPermutationEquivariant(t *testing.T) {
	rng := newRand(44)
	const T, dim = 5, 4
	block := NewTransformerBlock(rng, dim, 2, 8, false)
	x := randParam(rng, T, dim, 1)
	perm := []int{3, 0, 4, 1, 2}
	px := NewTensor(T, dim)
	for i, p := range perm {
		copy(px.Data[i*dim:(i+1)*dim], x.Data[p*dim:(p+1)*dim])
	}
	y := block.Forward(&Tape{}, x, T)
	py := block.Forward(&Tape{}, px, T)
	for i, p := range perm {
		for j := range dim {
			if math.Abs(py.At(i, j)-y.At(p, j)) > 1e-12 {
				t.Fatalf("row %d of the permuted output is not row %d of the output", i, p)
			}
		}
	}
	// A causal block is not: position 0 sees only itself.
	causal := NewTransformerBlock(rng, dim, 2, 8, true)
	y, py = causal.Forward(&Tape{}, x, T), causal.Forward(&Tape{}, px, T)
	if math.Abs(py.At(1, 0)-y.At(0, 0)) < 1e-6 {
		t.Error("a causal block treated a permuted sequence like the original")
	}
}
