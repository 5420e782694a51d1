package gan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Loss is the game the two networks play.
type Loss int

const (
	// LossLog is the cross-entropy game with the non-saturating
	// generator loss −log D(G(z)).
	LossLog Loss = iota
	// LossLSQ is the least-squares game of LSGAN.
	LossLSQ
)

// Config sets up a GAN.
type Config struct {
	NoiseDim  int   // d, the length of z
	GHidden   []int // units of G's hidden layers
	DHidden   []int // units of D's hidden layers
	Loss      Loss
	Optimizer string  // an nn.NewOptimizer name
	LR        float64 // η of both optimisers
	DSteps    int     // k_D, discriminator updates per Step
	Batch     int     // samples of each kind per update
	TrainD    bool    // whether a Step updates D
	TrainG    bool    // whether a Step updates G
}

// GAN is a generator and a discriminator and their optimisers. Its Step
// trains them; the other methods only read.
type GAN struct {
	cfg        Config
	G, D       *nn.MLP
	optG, optD nn.Optimizer
	target     *Target
	rng        *rand.Rand
	tapeD      nn.Tape
	tapeG      nn.Tape
	tapeX      nn.Tape
	dUpdates   int
	gUpdates   int
	// Buffers of a batch: target samples, noise, generated samples.
	realBuf, zBuf, fakeBuf []float64
	ones, zeros            []float64
	outs                   [][]float64
	// Layer outputs of Generate and Discriminate, reused from call to
	// call: a frame evaluates thousands of points.
	genOuts, discOuts [][]float64
}

// New builds a GAN whose weights are drawn from rng (Glorot uniform, as
// nn.NewMLP), which then draws every batch. Hidden units are leaky ReLUs; G's
// output is linear, D's a sigmoid (log loss) or linear (least squares).
func New(rng *rand.Rand, cfg Config, target *Target) (*GAN, error) {
	if cfg.NoiseDim < 1 || cfg.DSteps < 0 || cfg.Batch < 1 || target == nil || target.Modes() == 0 {
		return nil, fmt.Errorf("gan: noise dimension %d, %d discriminator steps, batch %d or an empty target", cfg.NoiseDim, cfg.DSteps, cfg.Batch)
	}
	out := nn.Sigmoid
	if cfg.Loss == LossLSQ {
		out = nn.Linear
	}
	gSizes := append(append([]int{cfg.NoiseDim}, cfg.GHidden...), 2)
	dSizes := append(append([]int{2}, cfg.DHidden...), 1)
	g := &GAN{cfg: cfg, target: target, rng: rng,
		G: nn.NewMLP(rng, gSizes, nn.LeakyReLU, nn.Linear, false),
		D: nn.NewMLP(rng, dSizes, nn.LeakyReLU, out, false),
	}
	var err error
	if g.optG, err = nn.NewOptimizer(cfg.Optimizer, cfg.LR); err != nil {
		return nil, fmt.Errorf("gan: %w", err)
	}
	if g.optD, err = nn.NewOptimizer(cfg.Optimizer, cfg.LR); err != nil {
		return nil, fmt.Errorf("gan: %w", err)
	}
	// Adam's momentum β₁ = 0.5 rather than 0.9, as Radford et al. (2016,
	// DCGAN) found steadier for the two players' moving targets.
	for _, o := range []nn.Optimizer{g.optG, g.optD} {
		if a, ok := o.(*nn.Adam); ok {
			a.Beta1 = 0.5
		}
	}
	g.ones, g.zeros = make([]float64, cfg.Batch), make([]float64, cfg.Batch)
	for i := range g.ones {
		g.ones[i] = 1
	}
	return g, nil
}

// Loss returns the game being played.
func (g *GAN) Loss() Loss { return g.cfg.Loss }

// NoiseDim returns d, the length of z.
func (g *GAN) NoiseDim() int { return g.cfg.NoiseDim }

// Updates returns how many discriminator and generator updates were made.
func (g *GAN) Updates() (d, gen int) { return g.dUpdates, g.gUpdates }

// Noise draws n noise vectors z ~ U(−1, 1)^d, row-major (n×d).
func Noise(rng *rand.Rand, n, d int) []float64 {
	z := make([]float64, n*d)
	for i := range z {
		z[i] = 2*rng.Float64() - 1
	}
	return z
}

// SetTraining switches which networks the following steps update, as
// TrainD and TrainG do at the start.
func (g *GAN) SetTraining(d, gen bool) { g.cfg.TrainD, g.cfg.TrainG = d, gen }

// Step makes k_D discriminator updates and then one generator update,
// leaving out whichever the configuration switches off.
func (g *GAN) Step() {
	if g.cfg.TrainD {
		for range g.cfg.DSteps {
			g.updateD()
		}
	}
	if g.cfg.TrainG {
		g.updateG()
	}
}

// drawBatch fills the batch buffers with target samples and fresh noise.
func (g *GAN) drawBatch(withReal bool) {
	n, d := g.cfg.Batch, g.cfg.NoiseDim
	if withReal {
		g.realBuf = g.realBuf[:0]
		for range n {
			x, y := g.target.Sample(g.rng)
			g.realBuf = append(g.realBuf, x, y)
		}
	}
	g.zBuf = g.zBuf[:0]
	for range n * d {
		g.zBuf = append(g.zBuf, 2*g.rng.Float64()-1)
	}
}

func (g *GAN) updateD() {
	g.drawBatch(true)
	g.fakeBuf = g.generateInto(g.fakeBuf, g.zBuf, g.cfg.Batch)
	g.D.ZeroGrad()
	tp := &g.tapeD
	tp.Reset()
	tp.Backward(g.discriminatorLoss(tp, g.realBuf, tp.Input(g.cfg.Batch, 2, g.fakeBuf)))
	g.optD.Step(g.D.Params())
	g.dUpdates++
}

func (g *GAN) updateG() {
	g.drawBatch(false)
	g.G.ZeroGrad()
	tp := &g.tapeG
	tp.Reset()
	tp.Backward(g.generatorLoss(tp, g.G.Forward(tp, tp.Input(g.cfg.Batch, g.cfg.NoiseDim, g.zBuf), true, nil)))
	g.optG.Step(g.G.Params())
	g.gUpdates++
}

// discriminatorLoss records L_D of the target samples real (n×2) and the
// generated samples fake on tp.
func (g *GAN) discriminatorLoss(tp *nn.Tape, real []float64, fake *nn.Tensor) *nn.Tensor {
	n := fake.Rows
	dReal := g.D.Forward(tp, tp.Input(n, 2, real), true, nil)
	dFake := g.D.Forward(tp, fake, true, nil)
	if g.cfg.Loss == LossLSQ {
		return tp.Add(tp.SquaredError(dReal, g.ones[:n]), tp.SquaredError(dFake, g.zeros[:n]))
	}
	return tp.Add(tp.BinaryCrossEntropy(dReal, g.ones[:n]), tp.BinaryCrossEntropy(dFake, g.zeros[:n]))
}

// generatorLoss records L_G of the generated samples fake on tp.
func (g *GAN) generatorLoss(tp *nn.Tape, fake *nn.Tensor) *nn.Tensor {
	n := fake.Rows
	dFake := g.D.Forward(tp, fake, true, nil)
	if g.cfg.Loss == LossLSQ {
		return tp.SquaredError(dFake, g.ones[:n])
	}
	return tp.BinaryCrossEntropy(dFake, g.ones[:n])
}

// DiscriminatorLoss records L_D for the target samples real and the noise
// z (n rows each) on tp, G included, for gradient checks.
func (g *GAN) DiscriminatorLoss(tp *nn.Tape, real, z []float64) *nn.Tensor {
	n := len(real) / 2
	g.ensureLabels(n)
	return g.discriminatorLoss(tp, real, g.G.Forward(tp, tp.Input(n, g.cfg.NoiseDim, z), true, nil))
}

// GeneratorLoss records L_G for the noise z on tp.
func (g *GAN) GeneratorLoss(tp *nn.Tape, z []float64) *nn.Tensor {
	n := len(z) / g.cfg.NoiseDim
	g.ensureLabels(n)
	return g.generatorLoss(tp, g.G.Forward(tp, tp.Input(n, g.cfg.NoiseDim, z), true, nil))
}

func (g *GAN) ensureLabels(n int) {
	for len(g.ones) < n {
		g.ones, g.zeros = append(g.ones, 1), append(g.zeros, 0)
	}
}

// generateInto writes G(z) for n noise rows into buf and returns it.
func (g *GAN) generateInto(buf, z []float64, n int) []float64 {
	g.outs = g.G.Infer(z, n, g.outs)
	return append(buf[:0], g.outs[len(g.outs)-1]...)
}

// Generate returns G(z) for n noise rows z (n×d), n×2 row-major, a new
// slice. The values are the tape's to the bit (nn.MLP.Infer).
func (g *GAN) Generate(z []float64, n int) []float64 {
	g.genOuts = g.G.Infer(z, n, g.genOuts)
	return slices.Clone(g.genOuts[len(g.genOuts)-1])
}

// Discriminate returns D(x) for n points x (n×2), a new slice:
// probabilities with the log loss, raw scores with least squares.
func (g *GAN) Discriminate(x []float64, n int) []float64 {
	g.discOuts = g.D.Infer(x, n, g.discOuts)
	return slices.Clone(g.discOuts[len(g.discOuts)-1])
}

// GeneratorGradient returns ∂L_G/∂x for each of the n generated points x
// (n×2), L_G being the mean over those n points: the direction in which
// the generator's loss grows at each sample. A generator update moves
// G(z) along −∂L_G/∂x, as far as its weights let it.
func (g *GAN) GeneratorGradient(x []float64, n int) []float64 {
	g.ensureLabels(n)
	xt := nn.Param(n, 2, x)
	tp := &g.tapeX
	tp.Reset()
	tp.Backward(g.generatorLoss(tp, xt))
	g.D.ZeroGrad() // the pass left gradients on D's weights
	return xt.Grad
}

// Losses returns L_D and L_G from D's outputs on n target samples (dReal)
// and n generated ones (dFake), by the formulas of the package comment.
// Saturated outputs (D = 0 or 1 exactly) give an infinite log loss.
func Losses(loss Loss, dReal, dFake []float64) (dLoss, gLoss float64) {
	if len(dReal) != len(dFake) || len(dReal) == 0 {
		panic(fmt.Sprintf("gan: Losses of %d and %d outputs", len(dReal), len(dFake)))
	}
	n := float64(len(dReal))
	for i := range dReal {
		r, f := dReal[i], dFake[i]
		if loss == LossLSQ {
			dLoss += 0.5*(r-1)*(r-1) + 0.5*f*f
			gLoss += 0.5 * (f - 1) * (f - 1)
		} else {
			dLoss -= math.Log(r) + math.Log(1-f)
			gLoss -= math.Log(f)
		}
	}
	return dLoss / n, gLoss / n
}

// Equilibrium returns L_D and L_G when D = ½ everywhere, as at p_g = p_r:
// 2·log 2 and log 2 for the log loss, ¼ and ⅛ for least squares.
func Equilibrium(loss Loss) (dLoss, gLoss float64) {
	if loss == LossLSQ {
		return 0.25, 0.125
	}
	return 2 * math.Ln2, math.Ln2
}

// Finite reports whether every weight of both networks is finite.
func (g *GAN) Finite() bool {
	for _, m := range []*nn.MLP{g.G, g.D} {
		for _, p := range m.Params() {
			for _, v := range p.Data {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return false
				}
			}
		}
	}
	return true
}
