package seq

import (
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// BenchmarkAttentionTrainStep is one training step of DefaultAttention on
// a batch of DefaultBatch reverse sequences: forward, cross-entropy,
// backward and Adam's update. Run with -cpu 1.
func BenchmarkAttentionTrainStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := DefaultAttention
	m := NewTransformer(rng, c)
	opt, _ := nn.NewOptimizer("adam", DefaultAttentionLR)
	x, y := Reverse(rng, DefaultBatch, c.SeqLen, c.Vocab, nil, nil)
	tp := &nn.Tape{}
	b.ReportAllocs()
	for b.Loop() {
		m.TrainStep(tp, opt, x, y)
	}
}

// BenchmarkLSTMTrainStep is one training step of DefaultRNN on a batch of
// DefaultBatch FirstToken sequences: forward through T = 10 steps,
// cross-entropy, backpropagation through time and Adam's update.
func BenchmarkLSTMTrainStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := DefaultRNN
	m := NewRecurrent(rng, c)
	opt, _ := nn.NewOptimizer("adam", DefaultRNNLR)
	x, y := FirstToken(rng, DefaultBatch, c.SeqLen, DefaultSignals, c.Vocab, nil, nil)
	tp := &nn.Tape{}
	b.ReportAllocs()
	for b.Loop() {
		m.TrainStep(tp, opt, x, y)
	}
}
