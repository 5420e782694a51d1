package autoenc

import (
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Trainer trains a Net by Adam on mini-batches; Step is one epoch, a pass
// over the training rows in a fresh random order. It is never Done.
type Trainer struct {
	Net   *Net
	Batch int
	// Noise is the s of the denoising input x̃ = x + s·ε, drawn afresh for
	// every batch; 0 trains a plain autoencoder.
	Noise float64

	x     []float64 // training rows, rows×In
	rows  int
	opt   nn.Optimizer
	rng   *rand.Rand
	tp    nn.Tape
	epoch int
	perm  []int
	in    []float64 // a batch's input, target and ε
	clean []float64
	eps   []float64
}

// NewTrainer returns a trainer of net on the rows of x (rows×net.In) with
// Adam at learning rate lr (β₁ = 0.9, β₂ = 0.999, as nn.NewOptimizer).
func NewTrainer(rng *rand.Rand, net *Net, x []float64, rows, batch int, noise, lr float64) *Trainer {
	opt, err := nn.NewOptimizer("adam", lr)
	if err != nil {
		panic(err)
	}
	return &Trainer{Net: net, Batch: max(1, min(batch, rows)), Noise: noise, x: x, rows: rows, opt: opt, rng: rng}
}

// Step runs one epoch.
func (t *Trainer) Step() {
	d, L := t.Net.In, t.Net.Latent
	t.perm = t.rng.Perm(t.rows)
	for start := 0; start < t.rows; start += t.Batch {
		idx := t.perm[start:min(start+t.Batch, t.rows)]
		n := len(idx)
		t.clean = t.clean[:0]
		for _, i := range idx {
			t.clean = append(t.clean, t.x[i*d:(i+1)*d]...)
		}
		t.in = append(t.in[:0], t.clean...)
		if t.Noise > 0 {
			for j := range t.in {
				t.in[j] += t.Noise * t.rng.NormFloat64()
			}
		}
		t.eps = t.eps[:0]
		if t.Net.Variational {
			for range n * L {
				t.eps = append(t.eps, t.rng.NormFloat64())
			}
		}
		t.tp.Reset()
		p := t.Net.Forward(&t.tp, t.in, n, t.clean, t.eps)
		t.tp.Backward(p.Loss)
		t.opt.Step(t.Net.Params())
		t.Net.ZeroGrad()
	}
	t.epoch++
}

// Done is false: the caller decides how many epochs to run.
func (t *Trainer) Done() bool { return false }

// Epoch is the number of epochs run.
func (t *Trainer) Epoch() int { return t.epoch }

// Updates is the number of mini-batches in an epoch.
func (t *Trainer) Updates() int { return (t.rows + t.Batch - 1) / t.Batch }

// Finite reports whether every weight is a finite number.
func (t *Trainer) Finite() bool {
	for _, p := range t.Net.Params() {
		for _, v := range p.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}
