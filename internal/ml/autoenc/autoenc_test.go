package autoenc

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// batch draws rows inputs in (0, 1), as pixels are, and ε.
func batch(rng *rand.Rand, rows, in, latent int) (x, eps []float64) {
	x = make([]float64, rows*in)
	for i := range x {
		x[i] = 0.05 + 0.9*rng.Float64()
	}
	eps = make([]float64, rows*latent)
	for i := range eps {
		eps[i] = rng.NormFloat64()
	}
	return x, eps
}

// TestGradients compares every parameter's gradient from the tape with a
// central finite difference (h = 10⁻⁵, whose truncation error is about
// h²·f‴ ≈ 10⁻¹⁰ here) of the loss recomputed by Forward, for a plain, a
// denoising-style (input ≠ target) and a variational net with ε held fixed.
func TestGradients(t *testing.T) {
	const h, tol = 1e-5, 1e-6
	for _, tc := range []struct {
		name  string
		cfg   Config
		noisy bool
	}{
		{"plain squared error", Config{In: 5, Hidden: 4, Latent: 2, Output: nn.Linear, Recon: HalfSquared}, false},
		{"denoising sigmoid", Config{In: 6, Hidden: 3, Latent: 1, Output: nn.Sigmoid, Recon: HalfSquared}, true},
		{"variational β = 1", Config{In: 6, Hidden: 4, Latent: 2, Variational: true, Output: nn.Sigmoid, Recon: CrossEntropy, Beta: 1}, false},
		{"variational β = 3.5", Config{In: 4, Hidden: 5, Latent: 2, Variational: true, Output: nn.Sigmoid, Recon: CrossEntropy, Beta: 3.5}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 1))
			net := New(rng, tc.cfg)
			// Move the biases off 0 so that every term is exercised.
			for _, p := range net.Params() {
				for i := range p.Data {
					p.Data[i] += 0.1 * rng.NormFloat64()
				}
			}
			const rows = 3
			x, eps := batch(rng, rows, tc.cfg.In, tc.cfg.Latent)
			in := x
			if tc.noisy {
				in = append([]float64(nil), x...)
				for i := range in {
					in[i] += 0.3 * rng.NormFloat64()
				}
			}
			loss := func() float64 {
				var tp nn.Tape
				return net.Forward(&tp, in, rows, x, eps).Loss.Value()
			}
			var tp nn.Tape
			net.ZeroGrad()
			tp.Backward(net.Forward(&tp, in, rows, x, eps).Loss)
			worst := 0.0
			for pi, p := range net.Params() {
				for i := range p.Data {
					keep := p.Data[i]
					p.Data[i] = keep + h
					up := loss()
					p.Data[i] = keep - h
					down := loss()
					p.Data[i] = keep
					numeric := (up - down) / (2 * h)
					got := p.Grad[i]
					rel := math.Abs(got-numeric) / max(math.Abs(got)+math.Abs(numeric), 1e-8)
					worst = max(worst, rel)
					if rel > tol {
						t.Errorf("param %d[%d]: tape %.12g, finite difference %.12g (relative error %.2g)", pi, i, got, numeric, rel)
					}
				}
			}
			t.Logf("worst relative error %.2g over %d values", worst, net.Count())
		})
	}
}

// TestForwardAgreesWithFormulas: the tape's terms equal the closed forms
// computed from Encode, Sample and Decode, which the scenarios report.
func TestForwardAgreesWithFormulas(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2))
	const rows = 4
	for _, cfg := range []Config{
		{In: 7, Hidden: 5, Latent: 2, Output: nn.Sigmoid, Recon: HalfSquared},
		{In: 7, Hidden: 5, Latent: 2, Variational: true, Output: nn.Sigmoid, Recon: CrossEntropy, Beta: 2},
	} {
		net := New(rng, cfg)
		x, eps := batch(rng, rows, cfg.In, cfg.Latent)
		var tp nn.Tape
		p := net.Forward(&tp, x, rows, x, eps)
		X, E := split(x, cfg.In), split(eps, cfg.Latent)
		mu, lv := net.Encode(x, rows)
		out := net.Decode(Sample(mu, lv, E))
		for i := range out {
			for j := range out[i] {
				if got, want := p.Out.At(i, j), out[i][j]; got != want {
					t.Fatalf("x̂[%d][%d]: tape %v, Decode %v", i, j, got, want)
				}
			}
		}
		if !cfg.Variational {
			// ½·d·MSE = 1/(2n) Σ ‖x̂ − x‖².
			if got, want := p.Recon.Value(), 0.5*float64(cfg.In)*MeanSquaredError(out, X); math.Abs(got-want) > 1e-12 {
				t.Errorf("plain: tape loss %v, ½·d·MSE %v", got, want)
			}
			continue
		}
		if got, want := p.KL.Value(), KL(mu, lv); math.Abs(got-want) > 1e-12 {
			t.Errorf("KL: tape %v, closed form %v", got, want)
		}
		if got, want := p.Recon.Value(), BernoulliLoss(out, X); math.Abs(got-want) > 1e-12 {
			t.Errorf("reconstruction: tape %v, formula %v", got, want)
		}
		if got, want := p.Loss.Value(), BernoulliLoss(out, X)+2*KL(mu, lv); math.Abs(got-want) > 1e-12 {
			t.Errorf("loss: tape %v, recon + β·KL %v", got, want)
		}
	}
}

func split(flat []float64, d int) [][]float64 {
	var rows [][]float64
	for i := 0; i < len(flat); i += d {
		rows = append(rows, flat[i:i+d])
	}
	return rows
}

// TestKLClosedForm: KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − log σ² − 1),
// checked at hand-computed points: 0 at the prior itself; μ = 1, σ² = 1
// gives ½; μ = 0, σ² = e gives ½(e − 2).
func TestKLClosedForm(t *testing.T) {
	for _, tc := range []struct {
		mu, lv [][]float64
		want   float64
	}{
		{[][]float64{{0, 0}}, [][]float64{{0, 0}}, 0},
		{[][]float64{{1, 0}}, [][]float64{{0, 0}}, 0.5},
		{[][]float64{{0}}, [][]float64{{1}}, 0.5 * (math.E - 2)},
		{[][]float64{{1}, {0}}, [][]float64{{0}, {1}}, 0.5 * (0.5 + 0.5*(math.E-2))},
	} {
		if got := KL(tc.mu, tc.lv); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("KL(%v, %v) = %v, want %v", tc.mu, tc.lv, got, tc.want)
		}
	}
}

// TestLearnsALine: points on a line in 3-D squeezed through one code
// value come back almost exactly after training, far better than at the
// start.
func TestLearnsALine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const rows = 200
	x := make([]float64, 0, rows*3)
	for range rows {
		s := 2*rng.Float64() - 1
		x = append(x, s, 0.5*s, -s)
	}
	net := New(rng, Config{In: 3, Hidden: 8, Latent: 1, Output: nn.Linear})
	mse := func() float64 {
		mu, _ := net.Encode(x, rows)
		return MeanSquaredError(net.Decode(mu), split(x, 3))
	}
	before := mse()
	tr := NewTrainer(rng, net, x, rows, 20, 0, 0.01)
	for range 100 {
		tr.Step()
	}
	if after := mse(); after > 1e-3 || after > before/50 {
		t.Errorf("MSE %v after 100 epochs, %v before", after, before)
	}
}
