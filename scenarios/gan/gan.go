// Package gan is the generative adversarial network scenario, after GAN
// Lab (Kahng et al. 2019): a generator and a discriminator, two small
// multi-layer perceptrons, play their game on a 2-D target (a ring or a
// grid of Gaussians, two moons, or the points the user clicks). The map
// shows the target's and the generator's samples over the
// discriminator's D(x), the generator's gradient on its samples and the
// image of a grid of noise; curves show both losses and an estimate of
// the Jensen–Shannon divergence, and the note names mode collapse when
// the generator's samples cover few of the target's modes.
package gan

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot/vg"

	"github.com/mlplayground/playground/internal/lab"
	mlgan "github.com/mlplayground/playground/internal/ml/gan"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/scenarios/internal/netstate"
)

// Limits and fixed settings of the scenario.
const (
	maxSteps  = 3000
	maxLayers = 3
	maxUnits  = 32
	// half is the half-width of the map, [−half, half]²: the targets fit
	// in it and clicked points must lie in it.
	half = 3.0
	// sigma is the standard deviation of every Gaussian mode.
	sigma = 0.15
	// batch is the number of target and of generated samples of each
	// update.
	batch = 64
	// evalN is the size of the evaluation batch that the state, the losses
	// and the map show: evalN target samples and G of evalN fixed noise
	// vectors.
	evalN = 50
	// poolN is the size of the target sample behind data.csv and the JS
	// estimate; jsN the generated sample of the estimate.
	poolN, jsN = 1000, 1000
	// jsBins is the estimate's grid: jsBins² cells of 0.25 over the map.
	jsBins = 24
	// coveredShare: a mode is covered when it holds at least this share
	// of its fair part of the generated samples (1/K of them).
	coveredShare = 0.2
	// collapseSpread: the samples have collapsed when their spread is
	// below this share of the target's.
	collapseSpread = 0.2
	// warmup is the number of steps before the note names mode collapse:
	// an untrained G draws a small blob, which is not yet a collapse.
	warmup = 200
	// historyPoints bounds the points drawn on the curves.
	historyPoints = 100
)

//go:embed explanation.html
var explanation string

// target builds the modes of a target, before the user's points.
type target func() []mlgan.Mode

// schedule says which networks a Step updates.
type schedule struct{ d, g bool }

func optimizerOption(name string) lab.Choice[string] { return lab.Option(name, name) }

// The parameter table.
var (
	targetParam = lab.Enum(lab.Param{Name: "target", Label: "Target", Default: "ring",
		Help: "ring: 8 Gaussians on a circle of radius 2; grid: 3×3 Gaussians 2 apart; moons: two interleaving crescents; custom: only the points you click. Every Gaussian has σ = 0.15; your points add modes to any target."},
		lab.Option[target]("ring", func() []mlgan.Mode { return mlgan.Ring(8, 2, sigma) }),
		lab.Option[target]("grid", func() []mlgan.Mode { return mlgan.Grid(3, 2, sigma) }),
		lab.Option[target]("moons", func() []mlgan.Mode { return mlgan.Moons(1.6, 0.08) }),
		lab.Option[target]("custom", func() []mlgan.Mode { return nil }),
	)
	pointsParam = lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "",
		Help: "Points you add by clicking on the map, within ±3: each becomes one more Gaussian mode (σ = 0.15) of the target, as likely as each of its own."})
	noiseParam = lab.Int(lab.Param{Name: "noise_dim", Label: "Noise dimension d", Default: "2", Min: 1, Max: 8, Step: 1,
		Help: "Length of the noise vector z ~ U(−1, 1)ᵈ that the generator maps to a point. With d = 1 the generator can only draw a curve."})
	gLayersParam = lab.Ints(lab.Param{Name: "g_layers", Label: "Generator hidden layers", Default: "16,16", Min: 1, Max: maxUnits, MinItems: 0, MaxItems: maxLayers,
		Help: "Units of each hidden layer of G, comma-separated: up to 3 layers of 1 to 32 leaky-ReLU units. Empty: G is an affine map of z."})
	dLayersParam = lab.Ints(lab.Param{Name: "d_layers", Label: "Discriminator hidden layers", Default: "16,16", Min: 1, Max: maxUnits, MinItems: 0, MaxItems: maxLayers,
		Help: "Units of each hidden layer of D, comma-separated: up to 3 layers of 1 to 32 leaky-ReLU units. Empty: D is a logistic regression, its boundary a straight line."})
	dStepsParam = lab.Int(lab.Param{Name: "d_steps", Label: "D updates per step k_D", Default: "1", Min: 1, Max: 5, Step: 1,
		Help: "Discriminator updates, each on a fresh batch of 64 target and 64 generated samples, before the generator's one update."})
	trainParam = lab.LiveEnum(lab.Param{Name: "train", Label: "Train", Default: "both",
		Help: "both: a step is k_D updates of D, then one of G; d: only D learns, against a G that stays as it is; g: only G learns, against a D that stays as it is. It can change while the run plays: the address records the step, as train=both,d@200."},
		lab.Option("both", schedule{d: true, g: true}), lab.Option("d", schedule{d: true}), lab.Option("g", schedule{g: true}),
	)
	lossParam = lab.Enum(lab.Param{Name: "loss", Label: "Loss", Default: "log",
		Help: "log: D outputs a probability; D's loss −mean[log D(x) + log(1 − D(G(z)))], G's loss −mean log D(G(z)) (non-saturating). lsq: least squares, D outputs a score; D's loss ½mean(D(x) − 1)² + ½mean D(G(z))², G's loss ½mean(D(G(z)) − 1)²."},
		lab.Option("log", mlgan.LossLog), lab.Option("lsq", mlgan.LossLSQ),
	)
	optimizerParam = lab.Enum(lab.Param{Name: "optimizer", Label: "Optimiser", Default: "adam",
		Help: "The same kind for both networks, each with its own state. sgd: w ← w − η∇L; momentum keeps a velocity (0.9); rmsprop divides by a running RMS of the gradient; adadelta adapts its own step; adam with β₁ = 0.5, β₂ = 0.999, as GANs usually take it."},
		optimizerOption("sgd"), optimizerOption("momentum"), optimizerOption("rmsprop"), optimizerOption("adadelta"), optimizerOption("adam"),
	)
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.004", Min: 0.0001, Max: 0.5, Step: 0.0001,
		Help: "Step size η of both optimisers. GANs are touchy: too large and the two players chase each other in circles or diverge."})
)

// Scenario returns the GAN scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "gan",
		Title:    "Generative adversarial network",
		Chapter:  chapter,
		Summary:  "A generator learns to draw a 2-D target by fooling a discriminator: real and generated samples over D(x), the generator's gradient arrows, both losses, a JS divergence estimate, and mode collapse named when it happens.",
		MaxSteps: maxSteps,
		Speed:    30,
		// The catalogue's picture: the generated samples have spread over
		// most of the ring.
		ThumbStep: 1500,
		Params: lab.Params(targetParam, pointsParam, noiseParam, gLayersParam, dLayersParam, dStepsParam, trainParam,
			lossParam, optimizerParam, lrParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "map", Title: "Target and generated samples over D(x)",
				Points: pointsParam.Name(), Width: 5 * vg.Inch, Height: 4.6 * vg.Inch},
			{Name: "losses", Title: "Losses per step"},
			{Name: "divergence", Title: "JS divergence, estimated on a grid"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one GAN run.
type model struct {
	net     *mlgan.GAN // nil while a custom target has no points
	target  *mlgan.Target
	loss    mlgan.Loss
	sched   schedule
	dSteps  int
	user    int // modes from the user's points, after the target's own
	pool    []float64
	modesOf []int // of pool's samples
	// The evaluation batch: target samples (the first evalN of the pool)
	// and fixed noise; jsZ is the estimate's fixed noise.
	evalReal, evalZ, jsZ []float64
	realHist             *mlgan.Histogram
	jsFloor              float64 // JS between two target samples
	realSpread           float64
	steps                int
	// The current step's numbers.
	cur measure
	// Curves, one value a step from step 0.
	dLoss, gLoss, js []float64
}

// measure is what a step's evaluation found.
type measure struct {
	generated    []float64 // G(evalZ), evalN×2
	dReal, dFake []float64
	dLoss, gLoss float64
	js           float64
	counts       []int // jsN generated samples on each mode
	covered      int
	onTarget     float64
	spread       float64
	finite       bool
}

func newModel(v lab.Values) (lab.Model, error) {
	modes := targetParam.Get(v)()
	own := len(modes)
	for _, p := range pointsParam.Get(v) {
		if math.Abs(p.X) > half || math.Abs(p.Y) > half {
			return nil, pointsParam.Refuse(v, "points within the map: x and y from −3 to 3")
		}
		modes = append(modes, mlgan.Gaussian{X: p.X, Y: p.Y, Sigma: sigma})
	}
	m := &model{target: mlgan.NewTarget(modes...), loss: lossParam.Get(v), sched: trainParam.Get(v),
		dSteps: dStepsParam.Get(v), user: len(modes) - own}
	if len(modes) == 0 {
		return m, nil // the note asks for points
	}
	// The data and the fixed noise come from their own stream, so that
	// the same target is drawn whatever the networks' sizes.
	data := rand.New(rand.NewPCG(v.Seed(), 2))
	m.pool, m.modesOf = m.target.SampleN(data, poolN)
	m.evalReal = m.pool[:2*evalN]
	m.evalZ = mlgan.Noise(data, evalN, noiseParam.Get(v))
	m.jsZ = mlgan.Noise(data, jsN, noiseParam.Get(v))
	m.realHist = mlgan.NewHistogram(m.pool, -half, half, jsBins)
	other, _ := m.target.SampleN(data, poolN)
	m.jsFloor = mlgan.JS(m.realHist, mlgan.NewHistogram(other, -half, half, jsBins))
	m.realSpread = spread(m.pool)

	cfg := mlgan.Config{NoiseDim: noiseParam.Get(v), GHidden: gLayersParam.Get(v), DHidden: dLayersParam.Get(v),
		Loss: m.loss, Optimizer: optimizerParam.Get(v), LR: lrParam.Get(v), DSteps: m.dSteps, Batch: batch,
		TrainD: m.sched.d, TrainG: m.sched.g}
	net, err := mlgan.New(rand.New(rand.NewPCG(v.Seed(), 1)), cfg, m.target)
	if err != nil {
		return nil, fmt.Errorf("gan: %w", err)
	}
	m.net = net
	m.record()
	return m, nil
}

// spread is the root mean squared distance of the points xy (n×2) from
// their mean: √(trace of their covariance).
func spread(xy []float64) float64 {
	n := float64(len(xy) / 2)
	var mx, my float64
	for i := 0; i < len(xy); i += 2 {
		mx, my = mx+xy[i], my+xy[i+1]
	}
	mx, my = mx/n, my/n
	var s float64
	for i := 0; i < len(xy); i += 2 {
		s += (xy[i]-mx)*(xy[i]-mx) + (xy[i+1]-my)*(xy[i+1]-my)
	}
	return math.Sqrt(s / n)
}

// record evaluates the networks on the evaluation batch and the
// estimate's sample and appends to the curves.
func (m *model) record() {
	net := m.net
	c := measure{finite: net.Finite()}
	c.generated = net.Generate(m.evalZ, evalN)
	c.dReal = net.Discriminate(m.evalReal, evalN)
	c.dFake = net.Discriminate(c.generated, evalN)
	c.dLoss, c.gLoss = mlgan.Losses(m.loss, c.dReal, c.dFake)
	gen := net.Generate(m.jsZ, jsN)
	c.js = mlgan.JS(m.realHist, mlgan.NewHistogram(gen, -half, half, jsBins))
	c.counts, c.covered, c.onTarget = m.target.Coverage(gen, coveredShare)
	c.spread = spread(gen)
	if !c.finite {
		c.js, c.spread = math.NaN(), math.NaN()
	}
	m.cur = c
	m.dLoss = append(m.dLoss, c.dLoss)
	m.gLoss = append(m.gLoss, c.gLoss)
	m.js = append(m.js, c.js)
}

// Retune switches which networks learn: train changed at step while the
// run plays (as GAN Lab's "train D only" and "train G only").
func (m *model) Retune(v lab.Values, step int) {
	m.sched = trainParam.At(v, step)
	if m.net != nil {
		m.net.SetTraining(m.sched.d, m.sched.g)
	}
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.net.Step()
	m.steps++
	m.record()
	return nil
}

// Done: a run without modes waits for points; one whose weights blew up
// stops.
func (m *model) Done() bool { return m.net == nil || !m.cur.finite }

// state is the frame's "state": the evaluation batch and D's outputs on
// it, from which L_D and L_G are recomputed.
type state struct {
	Loss      string            `json:"loss"`
	DUpdates  int               `json:"d_updates"`
	GUpdates  int               `json:"g_updates"`
	Real      []netstate.Floats `json:"real"`
	Generated []netstate.Floats `json:"generated"`
	DReal     netstate.Floats   `json:"d_real"`
	DFake     netstate.Floats   `json:"d_fake"`
	Modes     int               `json:"modes"`
	// ModeCounts are the estimate's jsN generated samples on each mode.
	ModeCounts []int   `json:"mode_counts"`
	JSFloor    float64 `json:"js_floor"`
	// Collapse names the mode collapse the note reports: "point",
	// "modes", "partial", or "" for none.
	Collapse string `json:"collapse"`
}

func pairs(xy []float64) []netstate.Floats {
	out := make([]netstate.Floats, len(xy)/2)
	for i := range out {
		out[i] = xy[2*i : 2*i+2]
	}
	return out
}

func (m *model) lossWord() string {
	if m.loss == mlgan.LossLSQ {
		return "lsq"
	}
	return "log"
}

func (m *model) Snapshot() lab.Snapshot {
	if m.net == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Loss: m.lossWord(), Real: []netstate.Floats{}, Generated: []netstate.Floats{}, DReal: netstate.Floats{}, DFake: netstate.Floats{}, ModeCounts: []int{}},
			Note:    "The custom target has no modes yet: click on the map to add points, each a Gaussian mode of the target.",
		}
	}
	c := m.cur
	du, gu := m.net.Updates()
	s := state{Loss: m.lossWord(), DUpdates: du, GUpdates: gu, Real: pairs(m.evalReal), Generated: pairs(c.generated),
		DReal: c.dReal, DFake: c.dFake, Modes: m.target.Modes(), ModeCounts: c.counts, JSFloor: m.jsFloor,
		Collapse: m.collapse()}
	return lab.Snapshot{
		Metrics: map[string]float64{"d_loss": c.dLoss, "g_loss": c.gLoss, "js": c.js,
			"modes_covered": float64(c.covered), "on_target": c.onTarget},
		State: s,
		Note:  m.note(),
	}
}

func f2(v float64) string { return textfmt.Fixed(v, 2) }

func (m *model) note() string {
	c := m.cur
	if !c.finite {
		return fmt.Sprintf("Diverged at step %d: a weight is no longer a finite number. Lower the learning rate lr and start again.", m.steps)
	}
	eqD, eqG := mlgan.Equilibrium(m.loss)
	k := m.target.Modes()
	losses := fmt.Sprintf("D's loss %s, G's loss %s (%s and %s when D = ½ everywhere).", f2(c.dLoss), f2(c.gLoss), f2(eqD), f2(eqG))
	if m.steps == 0 {
		return fmt.Sprintf("Untrained: G maps noise z ~ U(−1, 1)ᵈ to the purple points, D scores the map. %s A step makes %s, then %s.",
			losses, m.dWords(), m.gWords())
	}
	head := fmt.Sprintf("Step %d: %s, then %s. %s JS ≈ %s (two target samples: %s).", m.steps, m.dWords(), m.gWords(), losses,
		f2(c.js), f2(m.jsFloor))
	cover := fmt.Sprintf(" %d of %d modes covered, %d%% of samples on a mode.", c.covered, k, int(math.Round(100*c.onTarget)))
	switch m.collapse() {
	case collapsePoint:
		return head + fmt.Sprintf(" Mode collapse: the generated samples have shrunk to nearly one point (spread %s, target's %s).",
			f2(c.spread), f2(m.realSpread)) + cover
	case collapseModes:
		return head + fmt.Sprintf(" Mode collapse: G's samples look real but cover only %d of the %d modes; D will push them off and G may jump to others.",
			c.covered, k)
	case collapsePartial:
		missed := fmt.Sprintf("%d of the %d modes get", k-c.covered, k)
		if k-c.covered == 1 {
			missed = fmt.Sprintf("1 of the %d modes gets", k)
		}
		return head + " Partial mode collapse: " + missed + " almost no samples."
	}
	if m.steps < warmup && c.onTarget < 0.5 {
		return head + cover + " G is still finding the target."
	}
	return head + cover
}

// Kinds of collapse the note names.
const (
	collapseNone    = ""
	collapsePoint   = "point"   // the samples shrank to about one point
	collapseModes   = "modes"   // on target, but on at most half the modes
	collapsePartial = "partial" // on target, some modes missed
)

// collapse says whether, after the warm-up, the generated samples have
// collapsed: their spread below collapseSpread of the target's, or at
// least half of them on the target's modes but some modes without their
// share.
func (m *model) collapse() string {
	c, k := m.cur, m.target.Modes()
	switch {
	case m.steps < warmup || !c.finite:
		return collapseNone
	case c.spread < collapseSpread*m.realSpread:
		return collapsePoint
	case k >= 2 && c.onTarget >= 0.5 && 2*c.covered <= k:
		return collapseModes
	case k >= 2 && c.onTarget >= 0.5 && c.covered < k:
		return collapsePartial
	}
	return collapseNone
}

// dWords says what a step does to D.
func (m *model) dWords() string {
	if !m.sched.d {
		return "no D update (train=g)"
	}
	if m.dSteps == 1 {
		return "1 D update"
	}
	return strconv.Itoa(m.dSteps) + " D updates"
}

func (m *model) gWords() string {
	if !m.sched.g {
		return "no G update (train=d)"
	}
	return "1 G update"
}

// Data is the target sample behind the JS estimate, each with its mode.
func (m *model) Data() [][]string {
	if m.net == nil {
		return textfmt.PointRows(nil, []int{})
	}
	return textfmt.PointRows(pairsPlain(m.pool), m.modesOf)
}

func pairsPlain(xy []float64) [][]float64 {
	out := make([][]float64, len(xy)/2)
	for i := range out {
		out[i] = xy[2*i : 2*i+2]
	}
	return out
}
