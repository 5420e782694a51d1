package autoenc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Recon is how a reconstruction is scored against its target.
type Recon int

const (
	// HalfSquared is L = 1/(2n) Σ_i ‖x̂_i − x_i‖², for any outputs.
	HalfSquared Recon = iota
	// CrossEntropy is L = −1/n Σ_i Σ_j [x_ij log x̂_ij + (1 − x_ij) log(1 − x̂_ij)],
	// for outputs and targets in [0, 1] (a Bernoulli decoder).
	CrossEntropy
)

// Config is the shape of a Net.
type Config struct {
	In, Hidden, Latent int
	// Variational makes the encoder output μ and log σ² (2·Latent values)
	// and the code a draw z = μ + σ ⊙ ε.
	Variational bool
	// Output is the decoder's last activation: Sigmoid for pixels in
	// [0, 1], Linear for coordinates.
	Output nn.Activation
	Recon  Recon
	// Beta weighs the KL term of a variational net's loss.
	Beta float64
}

// Net is an encoder and a decoder, each one hidden layer of tanh units:
//
//	encoder: x (In) → tanh (Hidden) → h (Latent), or μ and log σ² (2·Latent)
//	decoder: z (Latent) → tanh (Hidden) → x̂ (In)
type Net struct {
	Config
	Encoder, Decoder *nn.MLP
}

// New draws a Net's weights by Glorot's uniform rule (encoder first), biases 0.
func New(rng *rand.Rand, c Config) *Net {
	if c.In < 1 || c.Hidden < 1 || c.Latent < 1 {
		panic(fmt.Sprintf("ml: autoenc sizes %d, %d, %d", c.In, c.Hidden, c.Latent))
	}
	out := c.Latent
	if c.Variational {
		out *= 2
	}
	return &Net{Config: c,
		Encoder: nn.NewMLP(rng, []int{c.In, c.Hidden, out}, nn.Tanh, nn.Linear, false),
		Decoder: nn.NewMLP(rng, []int{c.Latent, c.Hidden, c.In}, nn.Tanh, c.Output, false),
	}
}

// Params returns the encoder's then the decoder's tensors.
func (n *Net) Params() []*nn.Tensor { return append(n.Encoder.Params(), n.Decoder.Params()...) }

// ZeroGrad clears every gradient.
func (n *Net) ZeroGrad() {
	n.Encoder.ZeroGrad()
	n.Decoder.ZeroGrad()
}

// Count is the number of learned values.
func (n *Net) Count() int {
	c := 0
	for _, p := range n.Params() {
		c += len(p.Data)
	}
	return c
}

// Pass is one forward pass recorded on a tape.
type Pass struct {
	Mu     *nn.Tensor // the code h of a plain net, the mean μ of a variational one (rows×Latent)
	LogVar *nn.Tensor // log σ² (rows×Latent); nil for a plain net
	Z      *nn.Tensor // the code the decoder reads
	Out    *nn.Tensor // x̂ (rows×In)
	Recon  *nn.Tensor // the reconstruction term
	KL     *nn.Tensor // 1/n Σ_i KL_i; nil for a plain net
	Loss   *nn.Tensor // Recon + β·KL
}

// exp is e^s with its derivative e^s: σ = exp(½ log σ²).
var exp = nn.Activation{Name: "exp", F: math.Exp, D: func(_, y float64) float64 { return y }}

// klVar is one latent dimension's variance part of the KL divergence,
// σ² − log σ² − 1 as a function of s = log σ²: e^s − s − 1, derivative
// e^s − 1.
var klVar = nn.Activation{Name: "exp(s) − s − 1",
	F: func(s float64) float64 { return math.Exp(s) - s - 1 },
	D: func(s, _ float64) float64 { return math.Exp(s) - 1 }}

// Forward records the net on tp for rows inputs x (rows×In, row-major)
// scored against target (the clean x); eps (rows×Latent) is the noise ε of
// the reparameterisation, unused by a plain net.
func (n *Net) Forward(tp *nn.Tape, x []float64, rows int, target, eps []float64) Pass {
	in := tp.Input(rows, n.In, x)
	e := n.Encoder.Forward(tp, in, true, nil) // (rows, Latent or 2·Latent)
	var p Pass
	if n.Variational {
		L := n.Latent
		p.Mu, p.LogVar = tp.SliceCols(e, 0, L), tp.SliceCols(e, L, 2*L)
		sigma := tp.Activate(tp.Scale(p.LogVar, 0.5), exp)
		p.Z = tp.Add(p.Mu, tp.Mul(sigma, tp.Input(rows, L, eps))) // z = μ + σ ⊙ ε
	} else {
		p.Mu, p.Z = e, e
	}
	p.Out = n.Decoder.Forward(tp, p.Z, true, nil) // (rows, In)
	switch n.Recon {
	case CrossEntropy:
		p.Recon = tp.BinaryCrossEntropy(p.Out, target)
	default:
		p.Recon = tp.SquaredError(p.Out, target)
	}
	p.Loss = p.Recon
	if n.Variational {
		terms := tp.Add(tp.Mul(p.Mu, p.Mu), tp.Activate(p.LogVar, klVar)) // μ² + σ² − log σ² − 1
		p.KL = tp.Scale(sum(tp, terms), 0.5/float64(rows))
		p.Loss = tp.Add(p.Recon, tp.Scale(p.KL, n.Beta))
	}
	return p
}

// sum is Σ_ij a_ij, as 1ᵀ·a·1.
func sum(tp *nn.Tape, a *nn.Tensor) *nn.Tensor {
	return tp.MatMul(tp.Input(1, a.Rows, ones(a.Rows)), tp.MatMul(a, tp.Input(a.Cols, 1, ones(a.Cols))))
}

func ones(n int) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// Encode returns each row's code: h (plain) or μ, and log σ² (nil for a
// plain net). x holds rows×In values.
func (n *Net) Encode(x []float64, rows int) (mu, logVar [][]float64) {
	outs := n.Encoder.Infer(x, rows, nil)
	e := outs[len(outs)-1]
	w := n.Latent
	if n.Variational {
		w *= 2
	}
	mu = make([][]float64, rows)
	if n.Variational {
		logVar = make([][]float64, rows)
	}
	for i := range rows {
		row := e[i*w : (i+1)*w]
		mu[i] = append([]float64(nil), row[:n.Latent]...)
		if n.Variational {
			logVar[i] = append([]float64(nil), row[n.Latent:]...)
		}
	}
	return mu, logVar
}

// Decode returns x̂ for each code z.
func (n *Net) Decode(z [][]float64) [][]float64 {
	flat := make([]float64, 0, len(z)*n.Latent)
	for _, r := range z {
		flat = append(flat, r...)
	}
	outs := n.Decoder.Infer(flat, len(z), nil)
	o := outs[len(outs)-1]
	res := make([][]float64, len(z))
	for i := range res {
		res[i] = o[i*n.In : (i+1)*n.In : (i+1)*n.In]
	}
	return res
}

// Sample returns the codes z = μ + σ ⊙ ε, σ = exp(½ log σ²), of a
// variational net; a plain net's codes are μ itself.
func Sample(mu, logVar, eps [][]float64) [][]float64 {
	if logVar == nil {
		return mu
	}
	z := make([][]float64, len(mu))
	for i := range mu {
		z[i] = make([]float64, len(mu[i]))
		for k := range mu[i] {
			z[i][k] = mu[i][k] + math.Exp(0.5*logVar[i][k])*eps[i][k]
		}
	}
	return z
}

// MeanSquaredError is 1/(n·d) Σ_i Σ_j (x̂_ij − x_ij)²: the squared error
// per value.
func MeanSquaredError(out, x [][]float64) float64 {
	var s float64
	count := 0
	for i := range out {
		for j, v := range out[i] {
			d := v - x[i][j]
			s += d * d
		}
		count += len(out[i])
	}
	return s / float64(count)
}

// probFloor keeps log x̂ finite, as nn's cross-entropy does.
const probFloor = 1e-15

// BernoulliLoss is −1/n Σ_i Σ_j [x_ij log x̂_ij + (1 − x_ij) log(1 − x̂_ij)],
// x̂ floored to [10⁻¹⁵, 1 − 10⁻¹⁵].
func BernoulliLoss(out, x [][]float64) float64 {
	var s float64
	for i := range out {
		for j, p := range out[i] {
			p = min(max(p, probFloor), 1-probFloor)
			s -= x[i][j]*math.Log(p) + (1-x[i][j])*math.Log(1-p)
		}
	}
	return s / float64(len(out))
}

// KL is the mean over the rows of KL(N(μ, σ²) ‖ N(0, I)) in closed form:
//
//	1/n Σ_i ½ Σ_k (μ_ik² + σ_ik² − log σ_ik² − 1)
func KL(mu, logVar [][]float64) float64 {
	var s float64
	for i := range mu {
		var row float64
		for k, m := range mu[i] {
			lv := logVar[i][k]
			row += m*m + math.Exp(lv) - lv - 1
		}
		s += 0.5 * row
	}
	return s / float64(len(mu))
}
