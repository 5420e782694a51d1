// Package vae is the variational autoencoder scenario: a VAE with a 2-D
// latent space trained on 8×8 images beside a plain autoencoder of the
// same architecture without the variance head, one epoch of both a step.
// It shows the two latent spaces side by side (holes against a filled,
// regular space), the reconstruction and KL terms as separate curves, the
// images the VAE decodes from a lattice of latent points, and samples
// from the prior N(0, I) through both decoders.
package vae

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/autoenc"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/ml/vision"
	"github.com/mlplayground/playground/internal/textfmt"
)

// Limits and fixed settings of the scenario.
const (
	maxEpochs = 200
	maxHidden = 64
	latent    = 2
	// The images: a random subset of the digits (or generated shapes),
	// so that an epoch of two networks and a frame stay cheap; the
	// evaluation batch is the test split.
	trainImages, evalImages = 400, 48
	side                    = 8
	shapesNoise             = 0.1
	batch                   = 32
)

//go:embed explanation.html
var explanation string

type source func(rng *rand.Rand) *vision.Images

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "digits",
		Help: "digits: 448 of the 8×8 handwritten digits (400 train, 48 for evaluation); shapes: 448 generated 8×8 images of a square, circle, cross or line at a random place and size over light noise. The labels colour the pictures only."},
		lab.Option[source]("digits", func(*rand.Rand) *vision.Images { return vision.Digits() }),
		lab.Option[source]("shapes", func(rng *rand.Rand) *vision.Images {
			return vision.Shapes(rng, trainImages+evalImages, side, shapesNoise)
		}),
	)
	betaParam = lab.Float(lab.Param{Name: "beta", Label: "KL weight β", Default: "1", Min: 0, Max: 10, Step: 0.1,
		Help: "Weight of the KL term in the VAE's loss L = reconstruction + β·KL. β = 1 is the VAE; 0 leaves a noisy autoencoder whose codes drift anywhere; larger β packs the codes closer to N(0, I) and blurs the images."})
	hiddenParam = lab.Int(lab.Param{Name: "hidden", Label: "Hidden units", Default: "16", Min: 1, Max: maxHidden, Step: 1,
		Help: "tanh units in the encoder's and the decoder's hidden layer, for both networks."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.01", Min: 0.00001, Max: 1, Step: 0.00001,
		Help: "Step size η of Adam, for both networks."})
)

// Scenario returns the vae scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "vae",
		Title:    "Variational autoencoder",
		Chapter:  chapter,
		Summary:  "A VAE with a 2-D latent space beside a plain autoencoder: z = μ + σ ⊙ ε, reconstruction and KL as separate curves, a filled latent space against one with holes, images decoded from a lattice, samples from the prior.",
		MaxSteps: maxEpochs,
		Speed:    4,
		Params:   lab.Params(datasetParam, betaParam, hiddenParam, lrParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "latent", Title: "VAE: means μ of the training codes, by label"},
			{Name: "ae_latent", Title: "Plain autoencoder: codes h of the same images"},
			{Name: "losses", Title: "Reconstruction and KL per epoch (evaluation batch)"},
			{Name: "lattice", Title: "VAE decoder on a lattice of z ∈ [−2, 2]²"},
			{Name: "prior", Title: "Samples z ~ N(0, I) through both decoders"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// curves are a network's figures on the evaluation batch, one per epoch.
type curves struct{ recon, kl []float64 }

// model is one run.
type model struct {
	dataset     string
	train, eval [][]float64
	trainLabels []int
	evalLabels  []int
	classNames  []string
	beta, lr    float64
	vae, ae     *autoenc.Net
	vt, at      *autoenc.Trainer
	evalEps     [][]float64 // ε of the evaluation batch, drawn once
	priorZ      [][]float64 // the prior samples, drawn once
	v, a        curves
	// The current epoch's evaluation batch: μ and log σ² of the VAE.
	mu, logVar [][]float64
	codes      [][]float64 // VAE μ of the first training images
	aeCodes    [][]float64 // plain h of the same images
	diverged   bool
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{dataset: datasetParam.Text(v), beta: betaParam.Get(v), lr: lrParam.Get(v)}
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	all := datasetParam.Get(v)(rng)
	m.classNames = all.ClassNames
	for k, i := range rng.Perm(all.Len())[:trainImages+evalImages] {
		img := append([]float64(nil), all.Image(i)...)
		if k < trainImages {
			m.train, m.trainLabels = append(m.train, img), append(m.trainLabels, all.Labels[i])
		} else {
			m.eval, m.evalLabels = append(m.eval, img), append(m.evalLabels, all.Labels[i])
		}
	}
	hidden := hiddenParam.Get(v)
	cfg := autoenc.Config{In: side * side, Hidden: hidden, Latent: latent, Output: nn.Sigmoid, Recon: autoenc.CrossEntropy}
	vcfg := cfg
	vcfg.Variational, vcfg.Beta = true, m.beta
	m.vae = autoenc.New(rand.New(rand.NewPCG(v.Seed(), 2)), vcfg)
	m.ae = autoenc.New(rand.New(rand.NewPCG(v.Seed(), 3)), cfg)
	x := flat(m.train)
	m.vt = autoenc.NewTrainer(rand.New(rand.NewPCG(v.Seed(), 4)), m.vae, x, trainImages, batch, 0, m.lr)
	m.at = autoenc.NewTrainer(rand.New(rand.NewPCG(v.Seed(), 5)), m.ae, x, trainImages, batch, 0, m.lr)
	draws := rand.New(rand.NewPCG(v.Seed(), 6))
	m.evalEps, m.priorZ = normals(draws, evalImages), normals(draws, priorShown)
	m.evaluate()
	return m, nil
}

// normals draws n points of N(0, I) in the latent space.
func normals(rng *rand.Rand, n int) [][]float64 {
	z := make([][]float64, n)
	for i := range z {
		z[i] = make([]float64, latent)
		for k := range z[i] {
			z[i][k] = rng.NormFloat64()
		}
	}
	return z
}

func flat(X [][]float64) []float64 {
	f := make([]float64, 0, len(X)*len(X[0]))
	for _, row := range X {
		f = append(f, row...)
	}
	return f
}

// evaluate appends the current epoch's figures on the evaluation batch
// and keeps the codes the panels draw.
func (m *model) evaluate() {
	m.mu, m.logVar = m.vae.Encode(flat(m.eval), evalImages)
	out := m.vae.Decode(autoenc.Sample(m.mu, m.logVar, m.evalEps))
	m.v.recon = append(m.v.recon, autoenc.BernoulliLoss(out, m.eval))
	m.v.kl = append(m.v.kl, autoenc.KL(m.mu, m.logVar))
	h, _ := m.ae.Encode(flat(m.eval), evalImages)
	m.a.recon = append(m.a.recon, autoenc.BernoulliLoss(m.ae.Decode(h), m.eval))
	n := min(codesShown, trainImages)
	m.codes, _ = m.vae.Encode(flat(m.train[:n]), n)
	m.aeCodes, _ = m.ae.Encode(flat(m.train[:n]), n)
}

func (m *model) epoch() int { return m.vt.Epoch() }

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.vt.Step()
	m.at.Step()
	m.evaluate()
	last := len(m.v.recon) - 1
	loss := m.v.recon[last] + m.beta*m.v.kl[last]
	m.diverged = !m.vt.Finite() || !m.at.Finite() || num.Exploded(loss, m.v.recon[0]+m.beta*m.v.kl[0]) ||
		num.Exploded(m.a.recon[last], m.a.recon[0])
	return nil
}

func (m *model) Done() bool { return m.diverged || m.epoch() >= maxEpochs }

// state is the frame's "state".
type state struct {
	Epoch  int     `json:"epoch"`
	Beta   float64 `json:"beta"`
	Hidden int     `json:"hidden"`
	Params int     `json:"params"`
	// AEParams is the plain autoencoder's count: the VAE's less the
	// variance head.
	AEParams int `json:"ae_params"`
	// The evaluation batch (the test rows of data.csv, in order): the
	// VAE's μ and log σ² of each image and the ε drawn for it once.
	Mu       [][]float64 `json:"mu"`
	LogVar   [][]float64 `json:"logvar"`
	Eps      [][]float64 `json:"eps"`
	Diverged bool        `json:"diverged"`
}

func (m *model) Snapshot() lab.Snapshot {
	last := len(m.v.recon) - 1
	return lab.Snapshot{
		Metrics: map[string]float64{
			"reconstruction":    m.v.recon[last],
			"kl":                m.v.kl[last],
			"loss":              m.v.recon[last] + m.beta*m.v.kl[last],
			"ae_reconstruction": m.a.recon[last],
		},
		State: state{Epoch: m.epoch(), Beta: m.beta, Hidden: m.vae.Hidden, Params: m.vae.Count(), AEParams: m.ae.Count(),
			Mu: m.mu, LogVar: m.logVar, Eps: m.evalEps, Diverged: m.diverged},
		Note: m.note(),
	}
}

func fig(v float64) string { return textfmt.Readable(v, 4) }

func (m *model) note() string {
	var b strings.Builder
	last := len(m.v.recon) - 1
	if m.diverged {
		fmt.Fprintf(&b, "Diverged at epoch %d: a loss grew out of bounds and training stopped. The learning rate η = %g is too large: lower η and press Reset.", m.epoch(), m.lr)
		return b.String()
	}
	if m.epoch() == 0 {
		fmt.Fprintf(&b, "Random weights. A step is one epoch (%d updates of Adam, η = %g, on %d images) of the VAE, encoder %d → %d → μ, log σ², code z = μ + σ ⊙ ε with ε ~ N(0, I), and of the plain autoencoder, %d → %d → h; both decode 2 → %d → %d. ",
			m.vt.Updates(), m.lr, trainImages, side*side, m.vae.Hidden, side*side, m.vae.Hidden, m.vae.Hidden, side*side)
	} else {
		fmt.Fprintf(&b, "Epoch %d. ", m.epoch())
	}
	fmt.Fprintf(&b, "On the %d evaluation images, in nats per image, VAE: reconstruction %s, KL %s, L = reconstruction + %g·KL = %s; plain autoencoder: reconstruction %s.",
		evalImages, fig(m.v.recon[last]), fig(m.v.kl[last]), m.beta, fig(m.v.recon[last]+m.beta*m.v.kl[last]), fig(m.a.recon[last]))
	if m.epoch() == 0 {
		return b.String()
	}
	r, ae := spread(m.codes), spread(m.aeCodes)
	fmt.Fprintf(&b, " Root mean square distance from the origin: VAE means %s (the prior's is √2 ≈ 1.41), plain codes %s.", fig(r), fig(ae))
	if m.beta == 0 {
		b.WriteString(" With β = 0 nothing pulls the VAE's codes towards N(0, I): samples from the prior may land where no image was encoded.")
	}
	return b.String()
}

// spread is the root mean square distance of the codes from the origin.
func spread(codes [][]float64) float64 {
	var s float64
	for _, c := range codes {
		s += c[0]*c[0] + c[1]*c[1]
	}
	return math.Sqrt(s / float64(len(codes)))
}

// Data is data.csv: the training images, then the evaluation batch (split
// "test", in the order of state.mu): pixels p<row>_<col> in [0, 1],
// label, split.
func (m *model) Data() [][]string {
	var header []string
	for y := range side {
		for x := range side {
			header = append(header, "p"+strconv.Itoa(y)+"_"+strconv.Itoa(x))
		}
	}
	rows := [][]string{append(header, "label", "split")}
	add := func(X [][]float64, labels []int, split string) {
		for i, x := range X {
			row := make([]string, 0, len(x)+2)
			for _, v := range x {
				row = append(row, textfmt.Num(v))
			}
			rows = append(rows, append(row, strconv.Itoa(labels[i]), split))
		}
	}
	add(m.train, m.trainLabels, "train")
	add(m.eval, m.evalLabels, "test")
	return rows
}
