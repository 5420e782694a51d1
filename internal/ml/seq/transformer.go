package seq

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
)

// Positional says how a Transformer tells positions apart.
type Positional int

const (
	// Sinusoidal adds Vaswani et al.'s fixed sin/cos encoding.
	Sinusoidal Positional = iota
	// Learned adds a learned seqLen×dim table.
	Learned
	// NoPositions adds nothing: self-attention then sees a bag of tokens
	// and cannot tell first from last.
	NoPositions
)

// TransformerConfig sizes a Transformer.
type TransformerConfig struct {
	Vocab, SeqLen int
	Dim, Heads    int // Heads divides Dim
	Layers        int
	Hidden        int // the blocks' MLP width
	Positional    Positional
	Causal        bool // mask attention to later positions
}

// DefaultAttention is the attention scenario's transformer: one layer, two
// heads, dim 16 with a 64-unit MLP, sinusoidal positions, no mask, for
// sequences of 6 tokens over a vocabulary of 8 (the reverse task), trained
// by Adam with η = DefaultAttentionLR on batches of DefaultBatch.
var DefaultAttention = TransformerConfig{Vocab: 8, SeqLen: 6, Dim: 16, Heads: 2, Layers: 1, Hidden: 64, Positional: Sinusoidal}

// DefaultAttentionLR is Adam's η for DefaultAttention.
const DefaultAttentionLR = 0.01

// DefaultBatch is the batch size of both default networks.
const DefaultBatch = 32

// Transformer predicts a token at every position of a sequence:
//
//	x = Embed(tokens) + PE             // (batch·T, dim)
//	x = Block_l(x), l = 1…L
//	p = softmax(LN(x) W + b)           // (batch·T, vocab)
type Transformer struct {
	Config    TransformerConfig
	Embed     *nn.Tensor // vocab×dim
	Positions *nn.Tensor // seqLen×dim: a parameter if learned, a constant if sinusoidal, nil if none
	Blocks    []*nn.TransformerBlock
	Norm      *nn.LayerNorm
	W, B      *nn.Tensor // dim×vocab, 1×vocab

	params []*nn.Tensor
}

// NewTransformer draws a transformer: embeddings and learned positions
// N(0, 1) as PyTorch's nn.Embedding, the rest as nn's layers do. It panics
// on sizes that cannot make a network; callers validate what users send.
func NewTransformer(rng *rand.Rand, c TransformerConfig) *Transformer {
	if c.Vocab < 2 || c.SeqLen < 1 || c.Dim < 1 || c.Layers < 1 || c.Hidden < 1 || c.Heads < 1 || c.Dim%c.Heads != 0 {
		panic(fmt.Sprintf("seq: transformer %+v", c))
	}
	m := &Transformer{Config: c, Embed: normal(rng, c.Vocab, c.Dim), Norm: nn.NewLayerNorm(c.Dim)}
	switch c.Positional {
	case Sinusoidal:
		m.Positions = nn.SinusoidalPositions(c.SeqLen, c.Dim)
	case Learned:
		m.Positions = normal(rng, c.SeqLen, c.Dim)
	}
	for range c.Layers {
		m.Blocks = append(m.Blocks, nn.NewTransformerBlock(rng, c.Dim, c.Heads, c.Hidden, c.Causal))
	}
	m.W, m.B = nn.Glorot(rng, c.Dim, c.Vocab), nn.Param(1, c.Vocab, make([]float64, c.Vocab))
	m.params = append(m.params, m.Embed)
	if c.Positional == Learned {
		m.params = append(m.params, m.Positions)
	}
	for _, b := range m.Blocks {
		m.params = append(m.params, b.Params()...)
	}
	m.params = append(m.params, m.Norm.Params()...)
	m.params = append(m.params, m.W, m.B)
	return m
}

func normal(rng *rand.Rand, rows, cols int) *nn.Tensor {
	d := make([]float64, rows*cols)
	for i := range d {
		d[i] = rng.NormFloat64()
	}
	return nn.Param(rows, cols, d)
}

// Params returns every learned tensor.
func (m *Transformer) Params() []*nn.Tensor { return m.params }

// Forward records the network on tp for tokens (batch·T of them) and
// returns the next-token probabilities, (batch·T)×vocab.
func (m *Transformer) Forward(tp *nn.Tape, tokens []int) *nn.Tensor {
	T := m.Config.SeqLen
	if len(tokens)%T != 0 {
		panic(fmt.Sprintf("seq: %d tokens in sequences of %d", len(tokens), T))
	}
	x := tp.Embed(m.Embed, tokens) // (batch·T, dim)
	if m.Positions != nil {
		x = tp.AddPositions(x, m.Positions, T)
	}
	for _, b := range m.Blocks {
		x = b.Forward(tp, x, T)
	}
	return tp.Softmax(tp.AddRow(tp.MatMul(tp.LayerNorm(x, m.Norm), m.W), m.B))
}

// Attention returns the last Forward's attention weights, [layer][head],
// each (batch·T)×T with rows summing to 1; they belong to that Forward's
// tape and change with its next pass.
func (m *Transformer) Attention() [][]*nn.Tensor {
	w := make([][]*nn.Tensor, len(m.Blocks))
	for l, b := range m.Blocks {
		w[l] = b.Attn.Weights
	}
	return w
}

// TrainStep runs one mini-batch: forward, the mean cross-entropy over
// every position L = −1/(B·T) Σ log p(y), backward and one update of opt.
// It returns L.
func (m *Transformer) TrainStep(tp *nn.Tape, opt nn.Optimizer, tokens, targets []int) float64 {
	return trainStep(tp, opt, m.params, func() *nn.Tensor { return m.Forward(tp, tokens) }, targets)
}

func trainStep(tp *nn.Tape, opt nn.Optimizer, params []*nn.Tensor, forward func() *nn.Tensor, targets []int) float64 {
	tp.Reset()
	for _, p := range params {
		p.ZeroGrad()
	}
	loss := tp.CrossEntropy(forward(), targets)
	tp.Backward(loss)
	opt.Step(params)
	return loss.Value()
}

// ExactMatch returns the fraction of sequences of seqLen tokens whose
// every position's most probable token is its target.
func ExactMatch(probs *nn.Tensor, targets []int, seqLen int) float64 {
	seqs := len(targets) / seqLen
	right := 0
	for b := range seqs {
		all := true
		for t := range seqLen {
			i := b*seqLen + t
			if argmaxRow(probs, i) != targets[i] {
				all = false
				break
			}
		}
		if all {
			right++
		}
	}
	return float64(right) / float64(seqs)
}

func argmaxRow(p *nn.Tensor, i int) int { return num.Argmax(p.Data[i*p.Cols : (i+1)*p.Cols]) }
