package pretext

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/nn"
)

// Sizes of the network and the tasks.
const (
	Pixels   = 64 // an 8×8 image, row by row
	Side     = 8
	Patch    = 4   // the masked square's side, and a jigsaw piece's
	Features = 32  // the encoder's units: the probe's features
	Grey     = 0.5 // the value of a masked pixel
	batch    = 32
)

// Task names a pretext task.
type Task string

// The pretext tasks.
const (
	Masked Task = "masked"
	Jigsaw Task = "jigsaw"
)

// Permutations are the jigsaw's classes: where each quadrant goes, in the
// order top-left, top-right, bottom-left, bottom-right. Piece q of the
// shuffled image is quadrant Permutations[k][q] of the original. The six
// are the identity and the quadrant moves of the square's mirrorings and
// rotations, so that any two differ in at least two places.
var Permutations = [][4]int{
	{0, 1, 2, 3}, // as it is
	{1, 0, 3, 2}, // left and right swapped
	{2, 3, 0, 1}, // top and bottom swapped
	{3, 2, 1, 0}, // turned half a turn
	{2, 0, 3, 1}, // turned a quarter clockwise
	{1, 3, 0, 2}, // turned a quarter anticlockwise
}

// quadrant returns the pixel index of (row r, column c) of quadrant q.
func quadrant(q, r, c int) int { return (q/2*Patch+r)*Side + q%2*Patch + c }

// Shuffle writes into dst the image x with its quadrants rearranged by
// permutation k: piece q of dst is quadrant Permutations[k][q] of x.
func Shuffle(dst, x []float64, k int) {
	for q, from := range Permutations[k] {
		for r := range Patch {
			for c := range Patch {
				dst[quadrant(q, r, c)] = x[quadrant(from, r, c)]
			}
		}
	}
}

// Unshuffle undoes Shuffle with permutation k.
func Unshuffle(dst, x []float64, k int) {
	for q, from := range Permutations[k] {
		for r := range Patch {
			for c := range Patch {
				dst[quadrant(from, r, c)] = x[quadrant(q, r, c)]
			}
		}
	}
}

// MaskAt writes into dst the image x with the 4×4 square whose top-left
// pixel is (top, left) greyed, and into mask 1 on that square, 0 elsewhere.
func MaskAt(dst, mask, x []float64, top, left int) {
	copy(dst, x)
	clear(mask)
	for r := top; r < top+Patch; r++ {
		for c := left; c < left+Patch; c++ {
			dst[r*Side+c] = Grey
			mask[r*Side+c] = 1
		}
	}
}

// Net is the encoder and the task's head.
type Net struct {
	Task    Task
	Encoder *nn.MLP // 64 → Features, tanh
	Head    *nn.MLP // Features → 64 sigmoid (masked) or 6 softmax logits (jigsaw, linear)
}

// NewNet draws the encoder and head weights from rng (Glorot uniform,
// biases 0), the encoder first.
func NewNet(rng *rand.Rand, task Task) *Net {
	n := &Net{Task: task, Encoder: nn.NewMLP(rng, []int{Pixels, Features}, nn.Tanh, nn.Tanh, false)}
	switch task {
	case Masked:
		n.Head = nn.NewMLP(rng, []int{Features, Pixels}, nn.Sigmoid, nn.Sigmoid, false)
	case Jigsaw:
		n.Head = nn.NewMLP(rng, []int{Features, len(Permutations)}, nn.Linear, nn.Linear, false)
	default:
		panic(fmt.Sprintf("pretext: unknown task %q", task))
	}
	return n
}

// Params returns the encoder's then the head's parameters.
func (n *Net) Params() []*nn.Tensor { return append(n.Encoder.Params(), n.Head.Params()...) }

// Example is one pretext sample: the input the network sees and its
// target, made from one image.
type Example struct {
	Input []float64 // 64 pixels: masked or shuffled
	Mask  []float64 // masked: 1 on the hidden square
	Image []float64 // the original
	Perm  int       // jigsaw: the permutation applied
}

// Draw makes a pretext example of x with rng: a mask at a uniformly drawn
// place, or a uniformly drawn permutation.
func (n *Net) Draw(rng *rand.Rand, x []float64) Example {
	e := Example{Input: make([]float64, Pixels), Image: x}
	switch n.Task {
	case Masked:
		e.Mask = make([]float64, Pixels)
		MaskAt(e.Input, e.Mask, x, rng.IntN(Side-Patch+1), rng.IntN(Side-Patch+1))
	case Jigsaw:
		e.Perm = rng.IntN(len(Permutations))
		Shuffle(e.Input, x, e.Perm)
	}
	return e
}

// Loss records the task's loss of the examples on tp (see the package
// comment).
func (n *Net) Loss(tp *nn.Tape, ex []Example) *nn.Tensor {
	rows := len(ex)
	in := make([]float64, 0, rows*Pixels)
	for _, e := range ex {
		in = append(in, e.Input...)
	}
	h := n.Encoder.Forward(tp, tp.Input(rows, Pixels, in), false, nil) // (n, Features)
	out := n.Head.Forward(tp, h, false, nil)
	switch n.Task {
	case Masked:
		mask, target := make([]float64, 0, rows*Pixels), make([]float64, 0, rows*Pixels)
		for _, e := range ex {
			mask = append(mask, e.Mask...)
			for p, v := range e.Image {
				target = append(target, e.Mask[p]*v)
			}
		}
		return tp.SquaredError(tp.Mul(out, tp.Input(rows, Pixels, mask)), target) // (n, 64) masked
	default:
		labels := make([]int, rows)
		for i, e := range ex {
			labels[i] = e.Perm
		}
		return tp.CrossEntropy(tp.Softmax(out), labels)
	}
}

// Predict returns the head's outputs for the examples' inputs: the
// restored pixels (masked) or the permutations' probabilities (jigsaw).
func (n *Net) Predict(ex []Example) [][]float64 {
	tp := &nn.Tape{}
	in := make([]float64, 0, len(ex)*Pixels)
	for _, e := range ex {
		in = append(in, e.Input...)
	}
	out := n.Head.Forward(tp, n.Encoder.Forward(tp, tp.Input(len(ex), Pixels, in), false, nil), false, nil)
	if n.Task == Jigsaw {
		out = tp.Softmax(out)
	}
	res := make([][]float64, len(ex))
	for i := range res {
		res[i] = append([]float64(nil), out.Data[i*out.Cols:(i+1)*out.Cols]...)
	}
	return res
}

// Features returns the encoder's output h for each image: what the probe
// sees.
func (n *Net) Features(X [][]float64) [][]float64 {
	flat := make([]float64, 0, len(X)*Pixels)
	for _, x := range X {
		flat = append(flat, x...)
	}
	h := n.Encoder.Infer(flat, len(X), nil)[0]
	F := make([][]float64, len(X))
	for i := range F {
		F[i] = h[i*Features : (i+1)*Features]
	}
	return F
}

// Trainer runs the pretext task by Adam, one epoch a Step: the images
// shuffled, a fresh mask or permutation drawn for each, in batches of 32
// (the last one smaller).
type Trainer struct {
	Net    *Net
	images [][]float64
	rng    *rand.Rand
	opt    nn.Optimizer
	tp     nn.Tape
	epoch  int
	loss   float64
}

var _ ml.Stepper = (*Trainer)(nil)

// NewTrainer trains net on the unlabelled images with Adam of step lr.
func NewTrainer(rng *rand.Rand, net *Net, images [][]float64, lr float64) *Trainer {
	return &Trainer{Net: net, images: images, rng: rng, opt: &nn.Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}}
}

// Step runs one epoch and records its mean batch loss.
func (t *Trainer) Step() {
	perm := t.rng.Perm(len(t.images))
	params := t.Net.Params()
	var sum float64
	batches := 0
	for at := 0; at < len(perm); at += batch {
		ex := make([]Example, 0, batch)
		for _, i := range perm[at:min(at+batch, len(perm))] {
			ex = append(ex, t.Net.Draw(t.rng, t.images[i]))
		}
		for _, p := range params {
			p.ZeroGrad()
		}
		t.tp.Reset()
		l := t.Net.Loss(&t.tp, ex)
		t.tp.Backward(l)
		t.opt.Step(params)
		sum += l.Value()
		batches++
	}
	t.loss = sum / float64(batches)
	t.epoch++
}

// Done is false: the caller decides how many epochs to run.
func (t *Trainer) Done() bool { return false }

// Epoch is the number of epochs run.
func (t *Trainer) Epoch() int { return t.epoch }

// Loss is the last epoch's mean batch loss.
func (t *Trainer) Loss() float64 { return t.loss }

// RandomEncoder returns a copy of the encoder as it is now: taken before
// training, the "random features" of the same network.
func (n *Net) RandomEncoder() *Net {
	m := &nn.MLP{}
	for _, l := range n.Encoder.Layers {
		m.Layers = append(m.Layers, &nn.Layer{W: nn.Param(l.W.Rows, l.W.Cols, l.W.Data), B: nn.Param(l.B.Rows, l.B.Cols, l.B.Data), Act: l.Act})
	}
	return &Net{Task: n.Task, Encoder: m}
}
