package attention

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/ml/seq"
	"github.com/mlplayground/playground/internal/viz"
)

// The patches part: a vision transformer in miniature (Dosovitskiy et
// al. 2021, "An image is worth 16×16 words") on the 8×8 digits.
const (
	side       = 8   // pixels per image side
	inkMax     = 16  // the digits' largest pixel value
	testImages = 297 // held out, as 1797 − 1500
	evalEvery  = 5   // steps between two scores on the held-out images
	classes    = 10
)

// vit is a vision transformer: each image's patches, flattened, are its
// tokens,
//
//	x = patches W_E + b_E + PE          // (batch·P, dim)
//	x = Block_l(x), l = 1…L
//	p = softmax(LN(x) W + b)            // (batch·P, 10): every patch votes
//
// and the image's class is the argmax of the patches' mean vote. Every
// patch is trained to name the digit, so each must gather what it needs
// from the others through attention.
type vit struct {
	patch, grid, P int // patch side, patches per side, patches per image
	config         seq.TransformerConfig
	embed, bias    *nn.Tensor
	positions      *nn.Tensor // nil without a positional encoding
	blocks         []*nn.TransformerBlock
	norm           *nn.LayerNorm
	w, b           *nn.Tensor
	params         []*nn.Tensor
	opt            nn.Optimizer
	tp, evalTp     *nn.Tape
}

func newViT(rng *rand.Rand, patch int, c seq.TransformerConfig, lr float64) *vit {
	m := &vit{patch: patch, grid: side / patch, config: c, norm: nn.NewLayerNorm(c.Dim), tp: &nn.Tape{}, evalTp: &nn.Tape{}}
	m.P = m.grid * m.grid
	m.embed, m.bias = nn.Glorot(rng, patch*patch, c.Dim), nn.Param(1, c.Dim, make([]float64, c.Dim))
	m.params = []*nn.Tensor{m.embed, m.bias}
	switch c.Positional {
	case seq.Sinusoidal:
		m.positions = nn.SinusoidalPositions(m.P, c.Dim)
	case seq.Learned:
		d := make([]float64, m.P*c.Dim)
		for i := range d {
			d[i] = rng.NormFloat64()
		}
		m.positions = nn.Param(m.P, c.Dim, d)
		m.params = append(m.params, m.positions)
	}
	for range c.Layers {
		b := nn.NewTransformerBlock(rng, c.Dim, c.Heads, c.Hidden, false)
		m.blocks = append(m.blocks, b)
		m.params = append(m.params, b.Params()...)
	}
	m.w, m.b = nn.Glorot(rng, c.Dim, classes), nn.Param(1, classes, make([]float64, classes))
	m.params = append(m.params, m.norm.Params()...)
	m.params = append(m.params, m.w, m.b)
	var err error
	if m.opt, err = nn.NewOptimizer("adam", lr); err != nil {
		panic(err) // "adam" is known
	}
	return m
}

// patches cuts images (row by row, 64 pixels each) into rows of patch²
// pixels scaled to [0, 1], patch by patch in reading order.
func (m *vit) patches(images [][]float64, out []float64) []float64 {
	s := m.patch
	out = out[:0]
	for _, img := range images {
		for pr := range m.grid {
			for pc := range m.grid {
				for r := range s {
					for c := range s {
						out = append(out, img[(pr*s+r)*side+pc*s+c]/inkMax)
					}
				}
			}
		}
	}
	return out
}

func (m *vit) forward(tp *nn.Tape, pixels []float64, n int) *nn.Tensor {
	x := tp.AddRow(tp.MatMul(tp.Input(n*m.P, m.patch*m.patch, pixels), m.embed), m.bias) // (n·P, dim)
	if m.positions != nil {
		x = tp.AddPositions(x, m.positions, m.P)
	}
	for _, b := range m.blocks {
		x = b.Forward(tp, x, m.P)
	}
	return tp.Softmax(tp.AddRow(tp.MatMul(tp.LayerNorm(x, m.norm), m.w), m.b)) // (n·P, 10)
}

// votes returns each image's class: the argmax of its patches' mean vote.
func (m *vit) votes(probs *nn.Tensor) []int {
	n := probs.Rows / m.P
	out := make([]int, n)
	mean := make([]float64, classes)
	for i := range n {
		clear(mean)
		for t := range m.P {
			for c := range classes {
				mean[c] += probs.At(i*m.P+t, c)
			}
		}
		out[i] = num.Argmax(mean)
	}
	return out
}

// patchesModel is the patches part.
type patchesModel struct {
	net            *vit
	images         [][]float64
	labels         []int
	train, test    []int // indices into images
	order          []int // the epoch's shuffled train indices
	next           int
	rng            *rand.Rand
	steps          int
	pixels         []float64
	targets        []int
	loss, batchAcc []float64
	testAcc        []float64 // NaN between evaluations
	lastTest       float64
	example, query int
	attention      [][][][]float64
	examplePred    int
	exampleProbs   []float64
	patchName      []string
}

func newPatches(v lab.Values) (lab.Model, error) {
	heads, dim := headsParam.Get(v), dimParam.Get(v)
	if dim%heads != 0 {
		return nil, headsRefusal(v, dim)
	}
	patch := patchParam.Get(v)
	c := seq.TransformerConfig{Vocab: classes, SeqLen: (side / patch) * (side / patch), Dim: dim, Heads: heads,
		Layers: layersParam.Get(v), Hidden: 4 * dim, Positional: positionalParam.Get(v)}
	m := &patchesModel{net: newViT(rand.New(rand.NewPCG(v.Seed(), 1)), patch, c, lrParam.Get(v)),
		rng: rand.New(rand.NewPCG(v.Seed(), 2))}
	m.images, m.labels = dataset.Digits()
	perm := rand.New(rand.NewPCG(v.Seed(), 3)).Perm(len(m.images))
	m.test, m.train = perm[:testImages], perm[testImages:]
	m.example = m.test[0]
	// The query patch is the one with the most ink: it is on the digit.
	best := -1.0
	for q := range m.net.P {
		var ink float64
		one := m.net.patches([][]float64{m.images[m.example]}, nil)
		for _, p := range one[q*patch*patch : (q+1)*patch*patch] {
			ink += p
		}
		if ink > best {
			m.query, best = q, ink
		}
	}
	for q := range m.net.P {
		m.patchName = append(m.patchName, strconv.Itoa(q+1))
	}
	// Step 0 scores the untrained network on the first two batches' worth
	// of training images, and on the held-out ones.
	first := make([]int, 0, stepBatches*seq.DefaultBatch)
	first = append(first, m.train[:stepBatches*seq.DefaultBatch]...)
	loss, acc := m.score(first)
	m.lastTest = m.evaluate()
	m.loss, m.batchAcc, m.testAcc = append(m.loss, loss), append(m.batchAcc, acc), append(m.testAcc, m.lastTest)
	m.look()
	return m, nil
}

// evaluate returns the accuracy on the held-out images.
func (m *patchesModel) evaluate() float64 {
	_, acc := m.score(m.test)
	return acc
}

// score returns the mean cross-entropy of every patch's vote and the
// accuracy of the images' mean votes, without training.
func (m *patchesModel) score(idx []int) (loss, acc float64) {
	imgs := make([][]float64, len(idx))
	for i, j := range idx {
		imgs[i] = m.images[j]
	}
	m.pixels = m.net.patches(imgs, m.pixels)
	probs := m.net.forward(m.net.evalTp, m.pixels, len(imgs))
	right := 0
	for i, p := range m.net.votes(probs) {
		if p == m.labels[idx[i]] {
			right++
		}
		for t := range m.net.P {
			loss -= math.Log(probs.At(i*m.net.P+t, m.labels[idx[i]]))
		}
	}
	return loss / float64(len(idx)*m.net.P), float64(right) / float64(len(idx))
}

// look runs the example through the network and keeps its attention.
func (m *patchesModel) look() {
	probs := m.net.forward(m.net.evalTp, m.net.patches([][]float64{m.images[m.example]}, nil), 1)
	m.examplePred = m.net.votes(probs)[0]
	m.exampleProbs = make([]float64, classes)
	for t := range m.net.P {
		for c := range classes {
			m.exampleProbs[c] += probs.At(t, c) / float64(m.net.P)
		}
	}
	m.attention = make([][][][]float64, len(m.net.blocks))
	for l, b := range m.net.blocks {
		for _, a := range b.Attn.Weights {
			m.attention[l] = append(m.attention[l], rows(a))
		}
	}
}

func (m *patchesModel) Step() error {
	if m.Done() {
		return nil
	}
	var loss float64
	right, n := 0, 0
	for range stepBatches {
		imgs := make([][]float64, 0, seq.DefaultBatch)
		var labels []int
		for range seq.DefaultBatch {
			if m.next == len(m.order) {
				m.order, m.next = append(m.order[:0], m.train...), 0
				m.rng.Shuffle(len(m.order), func(i, j int) { m.order[i], m.order[j] = m.order[j], m.order[i] })
			}
			j := m.order[m.next]
			m.next++
			imgs, labels = append(imgs, m.images[j]), append(labels, m.labels[j])
		}
		net := m.net
		net.tp.Reset()
		for _, p := range net.params {
			p.ZeroGrad()
		}
		m.pixels = net.patches(imgs, m.pixels)
		probs := net.forward(net.tp, m.pixels, len(imgs))
		for i, p := range net.votes(probs) {
			if p == labels[i] {
				right++
			}
		}
		n += len(imgs)
		m.targets = m.targets[:0]
		for _, y := range labels {
			for range net.P {
				m.targets = append(m.targets, y)
			}
		}
		l := net.tp.CrossEntropy(probs, m.targets)
		net.tp.Backward(l)
		net.opt.Step(net.params)
		loss += l.Value() / stepBatches
	}
	m.steps++
	test := math.NaN()
	if m.steps%evalEvery == 0 || m.steps == maxSteps {
		test = m.evaluate()
		m.lastTest = test
	}
	m.loss, m.batchAcc, m.testAcc = append(m.loss, loss), append(m.batchAcc, float64(right)/float64(n)), append(m.testAcc, test)
	m.look()
	return nil
}

func (m *patchesModel) Done() bool { return m.steps >= maxSteps }

// patchesState is the frame's state of the patches part.
type patchesState struct {
	Part      string          `json:"part"`
	Attention [][][][]float64 `json:"attention"` // [layer][head][query patch][key patch]
	Tokens    []string        `json:"tokens"`    // the patches, numbered in reading order
	Query     int             `json:"query"`     // the patch shown on the digit, index into tokens
	Patch     int             `json:"patch"`     // pixels per patch side
	Label     int             `json:"label"`
	Predicted int             `json:"predicted_label"`
	Pixels    []float64       `json:"pixels"` // the example, 64 values row by row
	Images    int             `json:"images"` // training images seen
}

func (m *patchesModel) Snapshot() lab.Snapshot {
	return lab.Snapshot{
		Metrics: map[string]float64{"test_accuracy": m.lastTest, "loss": m.loss[m.steps], "batch_accuracy": m.batchAcc[m.steps]},
		State: patchesState{Part: "patches", Attention: m.attention, Tokens: m.patchName, Query: m.query, Patch: m.net.patch,
			Label: m.labels[m.example], Predicted: m.examplePred, Pixels: m.images[m.example],
			Images: m.steps * stepBatches * seq.DefaultBatch},
		Note: m.note(),
	}
}

func (m *patchesModel) note() string {
	n := m.net
	example := fmt.Sprintf("The held-out %d is read as %d (mean vote %.2f); patch %d, outlined, is the query shown on the digit.",
		m.labels[m.example], m.examplePred, m.exampleProbs[m.examplePred], m.query+1)
	if m.steps == 0 {
		return fmt.Sprintf("An 8×8 digit cut into %d patches of %d×%d pixels: each patch, flattened and projected to %d numbers, is a token. "+
			"A %d-layer, %d-head transformer with %s positions, untrained: %s of %d held-out digits right. %s",
			n.P, n.patch, n.patch, n.config.Dim, n.config.Layers, n.config.Heads, positionalWord(n.config.Positional),
			pct(m.lastTest), testImages, example)
	}
	return fmt.Sprintf("Batches %d–%d: loss L = %.3f, %s of this step's %d digits right before each update; held-out accuracy %s (scored every %d steps). %s",
		(m.steps-1)*stepBatches+1, m.steps*stepBatches, m.loss[m.steps], pct(m.batchAcc[m.steps]), stepBatches*seq.DefaultBatch,
		pct(m.lastTest), evalEvery, example)
}

func positionalWord(p seq.Positional) string {
	return map[seq.Positional]string{seq.Sinusoidal: "sinusoidal", seq.Learned: "learned", seq.NoPositions: "no"}[p]
}

func (m *patchesModel) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "attention":
		p := viz.NewPlot("Attention between patches, pale 0 → dark 1", "", "")
		var blocks []matrix
		for l, heads := range m.attention {
			for h, a := range heads {
				b := matrix{Values: a, Lo: 0, Hi: 1, Mark: m.query, Marked: true, Caption: fmt.Sprintf("layer %d · head %d", l+1, h+1)}
				if h == 0 {
					b.Rows = m.patchName
				}
				if l == len(m.attention)-1 {
					b.Cols = m.patchName
				}
				blocks = append(blocks, b)
			}
		}
		addMatrices(p, blocks, m.net.config.Heads)
		return p, nil
	case "vectors":
		return m.plotDigit(), nil
	case "progress":
		return m.plotProgress(), nil
	}
	return nil, fmt.Errorf("attention: no panel %q", panel)
}

// plotDigit shows the example with its query patch outlined, and for
// each head of the last layer where that patch looks: its attention row
// painted over the pixels of each patch it weighs.
func (m *patchesModel) plotDigit() *plot.Plot {
	p := viz.NewPlot(fmt.Sprintf("The digit, and where patch %d looks (last layer)", m.query+1), "", "")
	g, s := m.net.grid, m.net.patch
	qr, qc := m.query/g, m.query%g
	box := [4]int{qr * s, qc * s, (qr + 1) * s, (qc + 1) * s}
	img := make([][]float64, side)
	for r := range img {
		img[r] = m.images[m.example][r*side : (r+1)*side]
	}
	blocks := []matrix{{Values: img, Lo: 0, Hi: inkMax, Caption: "digit " + strconv.Itoa(m.labels[m.example]), Box: box, Boxed: true}}
	last := m.attention[len(m.attention)-1]
	for h, a := range last {
		px := make([][]float64, side)
		for r := range px {
			px[r] = make([]float64, side)
			for c := range px[r] {
				px[r][c] = a[m.query][(r/s)*g+c/s]
			}
		}
		blocks = append(blocks, matrix{Values: px, Lo: 0, Hi: 1, Caption: "head " + strconv.Itoa(h+1), Box: box, Boxed: true})
	}
	addMatrices(p, blocks, min(3, len(blocks)))
	return p
}

func (m *patchesModel) plotProgress() *plot.Plot {
	p := viz.NewPlot("", fmt.Sprintf("step (%d mini-batches of %d)", stepBatches, seq.DefaultBatch), "")
	var tx, ty []float64
	for i, v := range m.testAcc {
		if !math.IsNaN(v) {
			tx, ty = append(tx, float64(i)), append(ty, v)
		}
	}
	viz.AddHistory(p, 240,
		viz.Curve{Values: m.loss, Color: viz.ClassColor(0), Label: "loss L", Dot: 3},
		viz.Curve{Values: m.batchAcc, Color: viz.ClassColor(1), Label: "accuracy, batches", Dot: 3},
	)
	viz.AddLine(p, tx, ty, viz.ClassColor(2), "accuracy, held out", true)
	p.X.Min, p.X.Max = 0, math.Max(p.X.Max, 20)
	p.Y.Min = 0
	p.Y.Max = math.Max(p.Y.Max, 1)
	return p
}

// Data is the digits, with the split this run uses.
func (m *patchesModel) Data() [][]string {
	header := make([]string, 0, side*side+2)
	for i := range side * side {
		header = append(header, "x"+strconv.Itoa(i+1))
	}
	rows := [][]string{append(header, "label", "split")}
	split := make([]string, len(m.images))
	for _, j := range m.train {
		split[j] = "train"
	}
	for _, j := range m.test {
		split[j] = "test"
	}
	for i, img := range m.images {
		r := make([]string, 0, len(img)+2)
		for _, v := range img {
			r = append(r, strconv.FormatFloat(v, 'g', -1, 64))
		}
		rows = append(rows, append(r, strconv.Itoa(m.labels[i]), split[i]))
	}
	return rows
}
