package vision

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Classifier is a network that maps a batch of images to class
// probabilities on the nn tape.
type Classifier interface {
	// Forward records the network on tp for the images x (one a row) and
	// returns the class probabilities, one row per image.
	Forward(tp *nn.Tape, x *nn.Tensor) *nn.Tensor
	Params() []*nn.Tensor
	ZeroGrad()
}

// MLPClassifier is a multi-layer perceptron on the flattened images: its
// last layer is linear and a softmax follows.
type MLPClassifier struct{ *nn.MLP }

// NewMLPClassifier builds in → hidden… → classes with ReLU hidden units
// (nn.NewMLP's Glorot-uniform weights).
func NewMLPClassifier(rng *rand.Rand, in int, hidden []int, classes int) MLPClassifier {
	sizes := append(append([]int{in}, hidden...), classes)
	return MLPClassifier{nn.NewMLP(rng, sizes, nn.ReLU, nn.Linear, false)}
}

func (m MLPClassifier) Forward(tp *nn.Tape, x *nn.Tensor) *nn.Tensor {
	return tp.Softmax(m.MLP.Forward(tp, x, false, nil))
}

var _ Classifier = MLPClassifier{}
var _ Classifier = (*nn.CNN)(nil)

// ParamCount is the number of learned values of a classifier.
func ParamCount(c Classifier) int {
	n := 0
	for _, p := range c.Params() {
		n += len(p.Data)
	}
	return n
}

// ImageTrainer trains a Classifier on a set of images, one epoch a Step:
// the training images are shuffled (by rng) and cut into mini-batches of
// Batch (the last one shorter), and after each batch the optimiser
// applies the gradient of the batch's mean cross-entropy.
type ImageTrainer struct {
	Net   Classifier
	Batch int
	train *Images
	opt   nn.Optimizer
	rng   *rand.Rand
	tp    nn.Tape
	order []int
	xb    []float64
	yb    []int
	epoch int
}

// NewImageTrainer returns a trainer at epoch 0; batch is at least 1 and
// at most the number of training images.
func NewImageTrainer(rng *rand.Rand, net Classifier, train *Images, batch int, opt nn.Optimizer) *ImageTrainer {
	if batch < 1 || batch > train.Len() {
		panic(fmt.Sprintf("ml: ImageTrainer batch %d for %d images", batch, train.Len()))
	}
	t := &ImageTrainer{Net: net, Batch: batch, train: train, opt: opt, rng: rng, order: make([]int, train.Len())}
	for i := range t.order {
		t.order[i] = i
	}
	return t
}

// Step trains one epoch.
func (t *ImageTrainer) Step() {
	t.rng.Shuffle(len(t.order), func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
	params := t.Net.Params()
	d := t.train.Shape.Size()
	for start := 0; start < len(t.order); start += t.Batch {
		idx := t.order[start:min(start+t.Batch, len(t.order))]
		t.xb, t.yb = t.xb[:0], t.yb[:0]
		for _, i := range idx {
			t.xb = append(t.xb, t.train.Image(i)...)
			t.yb = append(t.yb, t.train.Labels[i])
		}
		t.tp.Reset()
		t.Net.ZeroGrad()
		x := t.tp.InputMaps(len(idx), t.train.Shape, t.xb[:len(idx)*d])
		t.tp.Backward(t.tp.CrossEntropy(t.Net.Forward(&t.tp, x), t.yb))
		t.opt.Step(params)
	}
	t.epoch++
}

// Done is false: the caller decides how many epochs to train.
func (t *ImageTrainer) Done() bool { return false }

// Epoch is the number of epochs trained.
func (t *ImageTrainer) Epoch() int { return t.epoch }

// Updates per epoch: the number of mini-batches.
func (t *ImageTrainer) Updates() int { return (t.train.Len() + t.Batch - 1) / t.Batch }

// Finite reports whether every parameter is a finite number.
func (t *ImageTrainer) Finite() bool {
	for _, p := range t.Net.Params() {
		for _, v := range p.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// Score is a classifier measured on a set of images.
type Score struct {
	Loss     float64 // mean cross-entropy
	Accuracy float64 // share of images whose most probable class is their label
	// Predicted is each image's most probable class (the first on a tie).
	Predicted []int
	// Confusion[true][predicted] counts the images.
	Confusion [][]int
}

// Evaluator measures classifiers on one set of images, reusing its tape
// from call to call.
type Evaluator struct {
	Set *Images
	tp  nn.Tape
}

// evalChunk bounds the images evaluated in one pass, and so the tape's
// buffers.
const evalChunk = 512

// Score measures net on the evaluator's images.
func (e *Evaluator) Score(net Classifier) Score {
	s := e.Set
	k := len(s.ClassNames)
	sc := Score{Predicted: make([]int, s.Len()), Confusion: make([][]int, k)}
	for c := range sc.Confusion {
		sc.Confusion[c] = make([]int, k)
	}
	if s.Len() == 0 {
		sc.Loss, sc.Accuracy = math.NaN(), math.NaN()
		return sc
	}
	d := s.Shape.Size()
	var loss float64
	right := 0
	for start := 0; start < s.Len(); start += evalChunk {
		end := min(start+evalChunk, s.Len())
		e.tp.Reset()
		prob := net.Forward(&e.tp, e.tp.InputMaps(end-start, s.Shape, s.X[start*d:end*d]))
		for i := start; i < end; i++ {
			row := prob.Data[(i-start)*prob.Cols : (i-start+1)*prob.Cols]
			best := 0
			for c := range row {
				if row[c] > row[best] {
					best = c
				}
			}
			sc.Predicted[i] = best
			y := s.Labels[i]
			sc.Confusion[y][best]++
			if best == y {
				right++
			}
			loss -= math.Log(max(row[y], 1e-15))
		}
	}
	sc.Loss = loss / float64(s.Len())
	sc.Accuracy = float64(right) / float64(s.Len())
	return sc
}

// FeatureMaps returns the maps a CNN computes for one image, block by
// block: for each convolution its output after the activation, then, when
// the network pools, the pooled map. Each is H×W×C channels last, with
// its shape.
func FeatureMaps(m *nn.CNN, img []float64) (maps [][]float64, shapes []nn.Shape) {
	var tp nn.Tape
	h := tp.InputMaps(1, m.Config.In, img)
	for _, conv := range m.Convs {
		h = tp.Activate(tp.Conv2D(h, conv), m.Config.Act)
		maps, shapes = append(maps, append([]float64(nil), h.Data...)), append(shapes, h.Shape)
		if m.Config.Pool > 1 {
			h = tp.MaxPool(h, m.Config.PoolWindow())
			maps, shapes = append(maps, append([]float64(nil), h.Data...)), append(shapes, h.Shape)
		}
	}
	return maps, shapes
}
