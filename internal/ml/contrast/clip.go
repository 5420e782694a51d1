package contrast

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
)

// Hidden-layer widths of the two encoders.
const (
	ImageHidden = 32
	TextHidden  = 16
)

// Pairs are paired samples of the two modalities: image i (64 pixels in
// [0, 1]) with caption Words[i], of class Labels[i].
type Pairs struct {
	Images [][]float64
	Words  []string
	Labels []int
}

// Len is the number of pairs.
func (p Pairs) Len() int { return len(p.Labels) }

// Config sets up a CLIP run.
type Config struct {
	Dim         int     // embedding size
	Temperature float64 // τ
	Batch       int     // pairs per update, and columns of S
	LR          float64 // Adam's η
}

// CLIP trains the image encoder f (64 → ImageHidden tanh → Dim) and the
// text encoder g (26 → TextHidden tanh → Dim) with the symmetric InfoNCE
// loss (see the package comment) by Adam, one epoch a Step: the training
// pairs shuffled and cut into ⌊n/Batch⌋ batches (the remainder waits for
// the next epoch's shuffle).
type CLIP struct {
	Image, Text *nn.MLP
	cfg         Config
	train       Pairs
	rng         *rand.Rand
	opt         nn.Optimizer
	tp          nn.Tape
	params      []*nn.Tensor
	bags        [][]float64 // the training captions' bags of letters
	epoch       int
	trainLoss   float64
	// buffers of a batch
	imgBuf, txtBuf []float64
	diag           []int
}

var _ ml.Stepper = (*CLIP)(nil)

// NewCLIP draws both encoders' weights from rng (Glorot uniform, biases 0)
// and keeps rng for the epochs' shuffles.
func NewCLIP(rng *rand.Rand, train Pairs, cfg Config) (*CLIP, error) {
	switch {
	case cfg.Dim < 1:
		return nil, fmt.Errorf("contrast: dimension %d", cfg.Dim)
	case !(cfg.Temperature > 0):
		return nil, fmt.Errorf("contrast: temperature %v", cfg.Temperature)
	case cfg.Batch < 2 || cfg.Batch > train.Len():
		return nil, fmt.Errorf("contrast: batch %d of %d pairs", cfg.Batch, train.Len())
	case !(cfg.LR > 0):
		return nil, fmt.Errorf("contrast: learning rate %v", cfg.LR)
	}
	c := &CLIP{cfg: cfg, train: train, rng: rng,
		Image: nn.NewMLP(rng, []int{64, ImageHidden, cfg.Dim}, nn.Tanh, nn.Linear, false),
		Text:  nn.NewMLP(rng, []int{Letters, TextHidden, cfg.Dim}, nn.Tanh, nn.Linear, false),
		opt:   &nn.Adam{LR: cfg.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
	}
	c.params = append(c.Image.Params(), c.Text.Params()...)
	for _, w := range train.Words {
		c.bags = append(c.bags, BagOfLetters(w))
	}
	c.diag = make([]int, cfg.Batch)
	for i := range c.diag {
		c.diag[i] = i
	}
	c.trainLoss = math.NaN()
	return c, nil
}

// Params returns both encoders' parameters, the image encoder's first.
func (c *CLIP) Params() []*nn.Tensor { return c.params }

// Loss records the symmetric InfoNCE loss of the pairs (images[i],
// texts[i]) on tp: images is n×64 and texts n×26, row-major.
func (c *CLIP) Loss(tp *nn.Tape, images, texts []float64, n int) *nn.Tensor {
	u := tp.UnitRows(c.Image.Forward(tp, tp.Input(n, 64, images), false, nil))    // (n, dim)
	v := tp.UnitRows(c.Text.Forward(tp, tp.Input(n, Letters, texts), false, nil)) // (n, dim)
	inv := 1 / c.cfg.Temperature
	diag := c.diag[:n]
	if len(diag) < n {
		diag = make([]int, n)
		for i := range diag {
			diag[i] = i
		}
	}
	rows := tp.CrossEntropy(tp.Softmax(tp.Scale(tp.Scores(u, v, n), inv)), diag) // images pick their text
	cols := tp.CrossEntropy(tp.Softmax(tp.Scale(tp.Scores(v, u, n), inv)), diag) // texts pick their image
	return tp.Scale(tp.Add(rows, cols), 0.5)
}

// Step runs one epoch.
func (c *CLIP) Step() {
	n, b := c.train.Len(), c.cfg.Batch
	perm := c.rng.Perm(n)
	var sum float64
	batches := n / b
	for k := range batches {
		c.imgBuf, c.txtBuf = c.imgBuf[:0], c.txtBuf[:0]
		for _, i := range perm[k*b : (k+1)*b] {
			c.imgBuf = append(c.imgBuf, c.train.Images[i]...)
			c.txtBuf = append(c.txtBuf, c.bags[i]...)
		}
		for _, p := range c.params {
			p.ZeroGrad()
		}
		c.tp.Reset()
		loss := c.Loss(&c.tp, c.imgBuf, c.txtBuf, b)
		c.tp.Backward(loss)
		c.opt.Step(c.params)
		sum += loss.Value()
	}
	c.trainLoss = sum / float64(batches)
	c.epoch++
}

// Done is false: training runs for as many epochs as it is stepped.
func (c *CLIP) Done() bool { return false }

// Epoch is the number of epochs run.
func (c *CLIP) Epoch() int { return c.epoch }

// TrainLoss is the mean loss of the last epoch's batches (NaN before the
// first epoch).
func (c *CLIP) TrainLoss() float64 { return c.trainLoss }

// EmbedImages returns the unit image embeddings u_i of images.
func (c *CLIP) EmbedImages(images [][]float64) [][]float64 {
	return embed(c.Image, images, 64)
}

// EmbedWords returns the unit text embeddings v_j of words' bags of letters.
func (c *CLIP) EmbedWords(words []string) [][]float64 {
	bags := make([][]float64, len(words))
	for i, w := range words {
		bags[i] = BagOfLetters(w)
	}
	return embed(c.Text, bags, Letters)
}

// embed runs m forward (nn.Infer: the tape's values to the bit) and scales
// each output row to length 1 as UnitRows does.
func embed(m *nn.MLP, X [][]float64, in int) [][]float64 {
	flat := make([]float64, 0, len(X)*in)
	for _, x := range X {
		flat = append(flat, x...)
	}
	outs := m.Infer(flat, len(X), nil)
	last := outs[len(outs)-1]
	d := len(last) / max(len(X), 1)
	E := make([][]float64, len(X))
	for i := range E {
		row := last[i*d : (i+1)*d]
		E[i] = Unit(row)
	}
	return E
}

// Unit returns x/‖x‖ (x/1e-12 when ‖x‖ < 1e-12), as nn's UnitRows.
func Unit(x []float64) []float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	n := max(math.Sqrt(s), 1e-12)
	out := make([]float64, len(x))
	for j, v := range x {
		out[j] = v / n
	}
	return out
}

// Similarity returns S_ij = u_i·v_j for unit embeddings u (rows: images)
// and v (columns: texts): their cosine similarities.
func Similarity(u, v [][]float64) [][]float64 {
	S := num.Matrix(len(u), len(v))
	for i := range u {
		for j := range v {
			S[i][j] = num.Dot(u[i], v[j])
		}
	}
	return S
}

// InfoNCE is the symmetric loss of the package comment computed from a
// square similarity matrix S and the temperature τ.
func InfoNCE(S [][]float64, tau float64) float64 {
	n := len(S)
	row, col := make([]float64, n), make([]float64, n)
	var rows, cols float64
	for i := range n {
		for j := range n {
			row[j] = S[i][j] / tau
			col[j] = S[j][i] / tau
		}
		rows += num.LogSumExp(row) - S[i][i]/tau
		cols += num.LogSumExp(col) - S[i][i]/tau
	}
	return (rows/float64(n) + cols/float64(n)) / 2
}

// ZeroShot labels each image with the class whose word (Words) has the
// most similar embedding, and returns the labels and the similarities
// (images × classes).
func (c *CLIP) ZeroShot(images [][]float64) ([]int, [][]float64) {
	S := Similarity(c.EmbedImages(images), c.EmbedWords(Words))
	pred := make([]int, len(images))
	for i, row := range S {
		pred[i] = num.Argmax(row)
	}
	return pred, S
}
