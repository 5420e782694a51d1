// Package autoencoder is the autoencoder scenario: an encoder squeezes
// each sample through a code h of a few numbers and a decoder rebuilds it,
// on the 8×8 digits or on curved 3-D toy data, one epoch a step. It shows
// test samples beside their reconstructions, the codes coloured by a label
// the network never sees, the reconstruction error of both splits, and,
// with noise, the denoising autoencoder: noisy input, output and clean
// target side by side.
package autoencoder

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
	maxLatent = 16
	maxHidden = 64
	// The digits: a random subset, so that an epoch and a frame stay cheap
	// and the exported reconstructions of the test split fit in a frame.
	digitsTrain, digitsTest = 600, 24
	// The toy data: points and their noise.
	toyTrain, toyTest, toyNoise = 500, 60, 0.05
	// bands is how many colours the toy data's position t is cut into.
	bands = 5
	batch = 32
	// decimals of the exported reconstructions.
	decimals = 4
)

//go:embed explanation.html
var explanation string

// data is a data set cut into a training and a test split.
type data struct {
	images      bool // 8×8 digits; otherwise 3-D points
	dim         int
	train, test [][]float64
	trainLabels []int
	testLabels  []int
	trainT      []float64 // toy: position along the curve
	testT       []float64
	classNames  []string // the toy data's: fifths of the curve by t
	what        string   // "digits", "points"
	// intrinsic is the number of directions the toy data varies along
	// (the S-curve is a sheet, the helix a curve); 0 for the digits,
	// which vary along more than any code here holds.
	intrinsic int
}

type source func(rng *rand.Rand) *data

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "digits",
		Help: "digits: 624 of the 8×8 handwritten digits (600 train, 24 test), 64 pixels each; scurve: points on a sheet bent into an S in 3-D (a 2-D surface); helix: points on a spiral curve in 3-D (a 1-D curve). The labels colour the pictures only: training never reads them."},
		lab.Option[source]("digits", digits),
		lab.Option[source]("scurve", func(rng *rand.Rand) *data { return toy(rng, autoenc.SCurve, 2) }),
		lab.Option[source]("helix", func(rng *rand.Rand) *data { return toy(rng, autoenc.Helix, 1) }),
	)
	latentParam = lab.Int(lab.Param{Name: "latent", Label: "Code size (bottleneck)", Default: "2", Min: 1, Max: maxLatent, Step: 1,
		Help: "Number of values in the code h between encoder and decoder. Everything the decoder rebuilds must pass through them."})
	hiddenParam = lab.Int(lab.Param{Name: "hidden", Label: "Hidden units", Default: "16", Min: 1, Max: maxHidden, Step: 1,
		Help: "tanh units in the encoder's hidden layer and in the decoder's."})
	noiseParam = lab.Float(lab.Param{Name: "noise", Label: "Input noise s (denoising)", Default: "0", Min: 0, Max: 1, Step: 0.05,
		Help: "Standard deviation s of the Gaussian noise added to every input value, x̃ = x + s·ε; the target stays the clean x. 0 is a plain autoencoder."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.01", Min: 0.00001, Max: 1, Step: 0.00001,
		Help: "Step size η of Adam."})
)

// Scenario returns the autoencoder scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "autoencoder",
		Title:    "Autoencoder: a code in the middle",
		Chapter:  chapter,
		Summary:  "Encode → code h → decode, an epoch a step, on the digits or curved 3-D points: originals beside reconstructions, the codes coloured by a label never used, the error curves, and the denoising variant.",
		MaxSteps: maxEpochs,
		Speed:    4,
		Params:   lab.Params(datasetParam, latentParam, hiddenParam, noiseParam, lrParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "reconstructions", Title: "Test samples and their reconstructions x̂"},
			{Name: "codes", Title: "Codes h of the training data, coloured by label (unused in training)"},
			{Name: "loss", Title: "Reconstruction error (MSE) per epoch"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// digits draws digitsTrain + digitsTest of the 1797 digits at random.
func digits(rng *rand.Rand) *data {
	all := vision.Digits()
	perm := rng.Perm(all.Len())
	d := &data{images: true, dim: all.Shape.Size(), classNames: all.ClassNames, what: "digits"}
	for k, i := range perm[:digitsTrain+digitsTest] {
		img := append([]float64(nil), all.Image(i)...)
		if k < digitsTrain {
			d.train, d.trainLabels = append(d.train, img), append(d.trainLabels, all.Labels[i])
		} else {
			d.test, d.testLabels = append(d.test, img), append(d.testLabels, all.Labels[i])
		}
	}
	return d
}

// toy draws the points of a curve or surface; each point's label is the
// band of its position t.
func toy(rng *rand.Rand, gen func(*rand.Rand, int, float64) ([][]float64, []float64), intrinsic int) *data {
	X, t := gen(rng, toyTrain+toyTest, toyNoise)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range t {
		lo, hi = min(lo, v), max(hi, v)
	}
	label := func(v float64) int { return min(bands-1, int(float64(bands)*(v-lo)/(hi-lo))) }
	d := &data{dim: 3, what: "points", intrinsic: intrinsic, classNames: []string{"1", "2", "3", "4", "5"}}
	for i := range X {
		if i < toyTrain {
			d.train, d.trainLabels, d.trainT = append(d.train, X[i]), append(d.trainLabels, label(t[i])), append(d.trainT, t[i])
		} else {
			d.test, d.testLabels, d.testT = append(d.test, X[i]), append(d.testLabels, label(t[i])), append(d.testT, t[i])
		}
	}
	return d
}

// model is one run.
type model struct {
	d       *data
	dataset string
	net     *autoenc.Net
	tr      *autoenc.Trainer
	noise   float64
	lr      float64
	// Inputs the curves are scored on: the clean samples, or with noise a
	// noisy copy drawn once, so the curves do not jitter with new noise.
	trainIn, testIn [][]float64
	trainLoss       []float64 // MSE per epoch, from epoch 0
	testLoss        []float64
	recon           [][]float64 // x̂ of the test split
	codes           [][]float64 // h of the first clean training samples
	diverged        bool
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{dataset: datasetParam.Text(v), noise: noiseParam.Get(v), lr: lrParam.Get(v)}
	m.d = datasetParam.Get(v)(rand.New(rand.NewPCG(v.Seed(), 1)))
	out := nn.Linear
	if m.d.images {
		out = nn.Sigmoid
	}
	m.net = autoenc.New(rand.New(rand.NewPCG(v.Seed(), 2)), autoenc.Config{
		In: m.d.dim, Hidden: hiddenParam.Get(v), Latent: latentParam.Get(v), Output: out, Recon: autoenc.HalfSquared})
	noisy := rand.New(rand.NewPCG(v.Seed(), 3))
	m.trainIn, m.testIn = corrupt(noisy, m.d.train, m.noise), corrupt(noisy, m.d.test, m.noise)
	m.tr = autoenc.NewTrainer(rand.New(rand.NewPCG(v.Seed(), 4)), m.net, flat(m.d.train), len(m.d.train), batch, m.noise, m.lr)
	m.evaluate()
	return m, nil
}

// corrupt returns x + s·ε for each row (the rows themselves when s is 0).
func corrupt(rng *rand.Rand, X [][]float64, s float64) [][]float64 {
	if s == 0 {
		return X
	}
	out := make([][]float64, len(X))
	for i, row := range X {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = v + s*rng.NormFloat64()
		}
	}
	return out
}

func flat(X [][]float64) []float64 {
	var f []float64
	for _, row := range X {
		f = append(f, row...)
	}
	return f
}

// evaluate appends the current epoch's errors and keeps its test
// reconstructions and the codes of the training samples drawn.
func (m *model) evaluate() {
	h, _ := m.net.Encode(flat(m.testIn), len(m.testIn))
	m.recon = m.net.Decode(h)
	m.testLoss = append(m.testLoss, autoenc.MeanSquaredError(m.recon, m.d.test))
	h, _ = m.net.Encode(flat(m.trainIn), len(m.trainIn))
	m.trainLoss = append(m.trainLoss, autoenc.MeanSquaredError(m.net.Decode(h), m.d.train))
	n := min(codesShown, len(m.d.train))
	if m.noise == 0 {
		m.codes = h[:n] // the inputs were the clean samples
	} else {
		m.codes, _ = m.net.Encode(flat(m.d.train[:n]), n)
	}
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.tr.Step()
	m.evaluate()
	last := m.trainLoss[len(m.trainLoss)-1]
	m.diverged = !m.tr.Finite() || math.IsNaN(last) || num.Exploded(last, m.trainLoss[0])
	return nil
}

func (m *model) Done() bool { return m.diverged || m.tr.Epoch() >= maxEpochs }

// state is the frame's "state".
type state struct {
	Epoch  int     `json:"epoch"`
	Latent int     `json:"latent"`
	Hidden int     `json:"hidden"`
	Noise  float64 `json:"noise"`
	Params int     `json:"params"`
	Train  int     `json:"train"`
	Test   int     `json:"test"`
	// TestReconstructions are x̂ of the test rows of data.csv, in their
	// order, rounded to 4 decimals.
	TestReconstructions [][]float64 `json:"test_reconstructions"`
	Diverged            bool        `json:"diverged"`
}

// rounded returns X rounded to the exported decimals.
func rounded(X [][]float64) [][]float64 {
	scale := math.Pow(10, decimals)
	out := make([][]float64, len(X))
	for i, row := range X {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = math.Round(v*scale) / scale
		}
	}
	return out
}

func (m *model) Snapshot() lab.Snapshot {
	last := len(m.testLoss) - 1
	return lab.Snapshot{
		Metrics: map[string]float64{"reconstruction": m.testLoss[last], "train_reconstruction": m.trainLoss[last]},
		State: state{Epoch: m.tr.Epoch(), Latent: m.net.Latent, Hidden: m.net.Hidden, Noise: m.noise, Params: m.net.Count(),
			Train: len(m.d.train), Test: len(m.d.test), TestReconstructions: rounded(m.recon), Diverged: m.diverged},
		Note: m.note(),
	}
}

// fig writes an error with 4 significant digits.
func fig(v float64) string { return textfmt.Readable(v, 4) }

func (m *model) note() string {
	var b strings.Builder
	last := len(m.testLoss) - 1
	unit := "per pixel"
	if !m.d.images {
		unit = "per coordinate"
	}
	if m.diverged {
		fmt.Fprintf(&b, "Diverged at epoch %d: the error grew out of bounds and training stopped. The learning rate η = %g is too large: lower η and press Reset.", m.tr.Epoch(), m.lr)
		return b.String()
	}
	if m.tr.Epoch() == 0 {
		fmt.Fprintf(&b, "Random weights: encoder %d → %d → %d, decoder %d → %d → %d (%d parameters). Each step is one epoch: %d updates of Adam (η = %g) on batches of %d of the %d training %s. Test error %s %s.",
			m.net.In, m.net.Hidden, m.net.Latent, m.net.Latent, m.net.Hidden, m.net.In, m.net.Count(),
			m.tr.Updates(), m.lr, batch, len(m.d.train), m.d.what, fig(m.testLoss[0]), unit)
	} else {
		fmt.Fprintf(&b, "Epoch %d: test error %s %s (training %s), from %s at the start.",
			m.tr.Epoch(), fig(m.testLoss[last]), unit, fig(m.trainLoss[last]), fig(m.testLoss[0]))
	}
	if m.noise > 0 {
		fmt.Fprintf(&b, " Denoising: every input gets noise of standard deviation s = %g, the target stays clean, so the network must learn what a clean %s looks like.", m.noise, strings.TrimSuffix(m.d.what, "s"))
	}
	switch {
	case m.net.Latent < m.d.intrinsic:
		fmt.Fprintf(&b, " The code h has %d value(s), fewer than the %d the data varies along: something must be lost.", m.net.Latent, m.d.intrinsic)
	case !m.d.images && m.net.Latent >= m.d.dim:
		fmt.Fprintf(&b, " The code h has %d values for %d coordinates: the network can pass everything through without learning the shape.", m.net.Latent, m.d.dim)
	}
	return b.String()
}

// Data is data.csv: the training rows, then the test rows. Digits: pixels
// p<row>_<col> in [0, 1], label, split; toy data: x1, x2, x3, the position
// t along the curve, its band (label) and split.
func (m *model) Data() [][]string {
	var header []string
	if m.d.images {
		for y := range 8 {
			for x := range 8 {
				header = append(header, "p"+strconv.Itoa(y)+"_"+strconv.Itoa(x))
			}
		}
	} else {
		header = []string{"x1", "x2", "x3", "t"}
	}
	rows := [][]string{append(header, "label", "split")}
	add := func(X [][]float64, t []float64, labels []int, split string) {
		for i, x := range X {
			row := make([]string, 0, len(header)+2)
			for _, v := range x {
				row = append(row, textfmt.Num(v))
			}
			if t != nil {
				row = append(row, textfmt.Num(t[i]))
			}
			rows = append(rows, append(row, strconv.Itoa(labels[i]), split))
		}
	}
	add(m.d.train, m.d.trainT, m.d.trainLabels, "train")
	add(m.d.test, m.d.testT, m.d.testLabels, "test")
	return rows
}
