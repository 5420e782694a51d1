// Package transfer is the transfer-learning scenario: a small CNN is
// pre-trained on a source task (the digits 0–4, or generated shapes), then
// three networks learn the digits 5–9 from a few labelled images each:
// the pre-trained convolutions frozen under a new dense head, the same
// with chosen convolutions fine-tuned, and a network trained from
// scratch. Their validation curves run side by side; the test set is
// opened once, after the last epoch.
package transfer

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/vision"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/scenarios/internal/netstate"
)

// Fixed settings of the scenario.
const (
	pretrainEpochs = 15
	targetEpochs   = 60
	maxSteps       = pretrainEpochs + targetEpochs
	// Pre-training: plain SGD with mini-batches, as cnn-training's default.
	sourceLR, sourceBatch = 0.1, 32
	// Target training: Adam, small batches of the few images.
	targetLR, targetBatch = 0.01, 10
	valShare, testShare   = 0.25, 0.25
	// shapesN generated 8×8 shapes for the shapes source.
	shapesN, shapesNoise = 1000, 0.25
)

// source makes the pre-training images; their classes need not be the
// target's.
type source func(rng *rand.Rand) *vision.Images

// modes, in the order of the curves.
const (
	frozen   = "frozen"
	finetune = "finetune"
	scratch  = "scratch"
)

var modes = []string{frozen, finetune, scratch}

// The parameter table.
var (
	sourceParam = lab.Enum(lab.Param{Name: "source", Label: "Source task", Default: "digits",
		Help: "What the CNN learns first: digits: the handwritten digits 0–4; shapes: generated 8×8 squares, circles, crosses and lines, a task further from the target."},
		lab.Option[source]("digits", func(*rand.Rand) *vision.Images {
			d := vision.Digits()
			s := d.Subset(classes(d, 0, 5))
			s.ClassNames = s.ClassNames[:5]
			return s
		}),
		lab.Option[source]("shapes", func(rng *rand.Rand) *vision.Images { return vision.Shapes(rng, shapesN, 8, shapesNoise) }),
	)
	perClassParam = lab.Int(lab.Param{Name: "target_per_class", Label: "Labelled images per class", Default: "10", Min: 5, Max: 50, Step: 1,
		Help: "How many labelled images of each target digit (5–9) the three networks learn from."})
	modeParam = lab.Enum(lab.Param{Name: "mode", Label: "Network shown", Default: frozen,
		Help: "Whose filters and weights the page shows: frozen (pre-trained convolutions kept, a new dense head trained), finetune (the convolutions in finetune_layers trained too, from their pre-trained values) or scratch (every weight from random). All three train, and their curves are drawn together."},
		lab.Option(frozen, frozen), lab.Option(finetune, finetune), lab.Option(scratch, scratch))
	finetuneParam = lab.List(lab.Param{Name: "finetune_layers", Label: "Fine-tuned convolutions", Default: "conv2", MinItems: 1, MaxItems: 2,
		Help: "The pre-trained convolutions the finetune network keeps training on the target (its new dense head always trains); the others stay frozen."},
		lab.Option("conv1", 0), lab.Option("conv2", 1))
)

// classes returns the indices of the images whose label is in [lo, hi).
func classes(s *vision.Images, lo, hi int) []int {
	var idx []int
	for i, y := range s.Labels {
		if y >= lo && y < hi {
			idx = append(idx, i)
		}
	}
	return idx
}

//go:embed explanation.html
var explanation string

// Scenario returns the transfer-learning scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:      "transfer-learning",
		Title:     "Transfer learning: frozen, fine-tuned, from scratch",
		Chapter:   chapter,
		Summary:   "A CNN pre-trained on the digits 0–4 learns 5–9 from a few images each: frozen features with a new head, fine-tuned layers, or from scratch, their validation curves side by side.",
		MaxSteps:  maxSteps,
		Speed:     4,
		ThumbStep: pretrainEpochs + 2, // pre-trained, and the three modes' first target epochs
		Params:    lab.Params(sourceParam, perClassParam, modeParam, finetuneParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "accuracy", Title: "Validation accuracy on the digits 5–9 per target epoch"},
			{Name: "loss", Title: "Training cross-entropy on the few target images"},
			{Name: "filters", Title: "First-convolution filters: pre-trained (top rows) and now (bottom rows)"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// partial trains only some of a CNN's tensors: the optimiser sees Params,
// so the others keep their values bit for bit.
type partial struct {
	*nn.CNN
	trainable []*nn.Tensor
}

func (p partial) Params() []*nn.Tensor { return p.trainable }

// learner is one of the three target networks.
type learner struct {
	cnn       *nn.CNN
	trainer   *vision.ImageTrainer
	valE      vision.Evaluator
	testE     vision.Evaluator
	frozen    []string // names of its frozen layers
	trainLoss []float64
	valAcc    []float64
	test      *vision.Score
}

func (l *learner) evaluate(trainE *vision.Evaluator) {
	l.trainLoss = append(l.trainLoss, trainE.Score(l.cnn).Loss)
	l.valAcc = append(l.valAcc, l.valE.Score(l.cnn).Accuracy)
}

type model struct {
	rng              *rand.Rand
	src              *vision.Images
	srcTrain, srcVal *vision.Images
	train, val, test *vision.Images
	pre              *nn.CNN
	preT             *vision.ImageTrainer
	preVal           vision.Evaluator
	preAcc           []float64
	preFilters       []float64 // first convolution's W after pre-training
	initFilters      []float64 // and at the random start
	learners         map[string]*learner
	trainE           map[string]*vision.Evaluator
	shown            string
	tuned            []int
	step             int
	perClass         int
	sourceName       string
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	m := &model{rng: rng, shown: modeParam.Get(v), tuned: finetuneParam.Get(v), perClass: perClassParam.Get(v), sourceName: sourceParam.Text(v)}
	m.src = sourceParam.Get(v)(rng)
	perm := rng.Perm(m.src.Len())
	nVal := int(valShare * float64(m.src.Len()))
	m.srcVal, m.srcTrain = m.src.Subset(perm[:nVal]), m.src.Subset(perm[nVal:])

	// The target: digits 5–9 relabelled 0–4, shuffled; a test and a
	// validation share cut off, then target_per_class of each digit from
	// the rest.
	d := vision.Digits()
	target := d.Subset(classes(d, 5, 10))
	for i := range target.Labels {
		target.Labels[i] -= 5
	}
	target.ClassNames = []string{"5", "6", "7", "8", "9"}
	perm = rng.Perm(target.Len())
	nTest, nVal := int(testShare*float64(target.Len())), int(valShare*float64(target.Len()))
	m.test, m.val = target.Subset(perm[:nTest]), target.Subset(perm[nTest:nTest+nVal])
	count := make([]int, 5)
	var pick []int
	for _, i := range perm[nTest+nVal:] {
		if y := target.Labels[i]; count[y] < m.perClass {
			count[y]++
			pick = append(pick, i)
		}
	}
	m.train = target.Subset(pick)

	cfg := nn.DefaultCNN()
	cfg.Classes = len(m.src.ClassNames)
	var err error
	if m.pre, err = nn.NewCNN(rand.New(rand.NewPCG(v.Seed(), 2)), cfg); err != nil {
		return nil, err
	}
	m.initFilters = slices.Clone(m.pre.Convs[0].W.Data)
	m.preT = vision.NewImageTrainer(rand.New(rand.NewPCG(v.Seed(), 3)), m.pre, m.srcTrain, sourceBatch, &nn.SGD{LR: sourceLR})
	m.preVal.Set = m.srcVal
	m.preAcc = append(m.preAcc, m.preVal.Score(m.pre).Accuracy)
	return m, nil
}

// startTarget builds the three target networks from the pre-trained one.
func (m *model) startTarget(seed uint64) {
	cfg := nn.DefaultCNN()
	cfg.Classes = 5
	m.preFilters = slices.Clone(m.pre.Convs[0].W.Data)
	m.learners = map[string]*learner{}
	m.trainE = map[string]*vision.Evaluator{}
	headRng := rand.New(rand.NewPCG(seed, 4))
	for k, mode := range modes {
		fresh, _ := nn.NewCNN(headRng, cfg) // a new head for every mode; all weights for scratch
		l := &learner{cnn: fresh}
		var trainable []*nn.Tensor
		if mode != scratch {
			for i, c := range fresh.Convs {
				copy(c.W.Data, m.pre.Convs[i].W.Data)
				copy(c.B.Data, m.pre.Convs[i].B.Data)
				if mode == finetune && slices.Contains(m.tuned, i) {
					trainable = append(trainable, c.W, c.B)
				} else {
					l.frozen = append(l.frozen, "conv"+strconv.Itoa(i+1))
				}
			}
			trainable = append(trainable, fresh.Dense.W, fresh.Dense.B)
		} else {
			trainable = fresh.Params()
		}
		opt := &nn.Adam{LR: targetLR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
		l.trainer = vision.NewImageTrainer(rand.New(rand.NewPCG(seed, uint64(10+k))), partial{fresh, trainable}, m.train, min(targetBatch, m.train.Len()), opt)
		l.valE.Set, l.testE.Set = m.val, m.test
		m.trainE[mode] = &vision.Evaluator{Set: m.train}
		l.evaluate(m.trainE[mode])
		m.learners[mode] = l
	}
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.step++
	if m.step <= pretrainEpochs {
		m.preT.Step()
		m.preAcc = append(m.preAcc, m.preVal.Score(m.pre).Accuracy)
		if m.step == pretrainEpochs {
			m.startTarget(m.rng.Uint64())
		}
		return nil
	}
	for _, mode := range modes {
		l := m.learners[mode]
		l.trainer.Step()
		l.evaluate(m.trainE[mode])
		if m.step == maxSteps {
			s := l.testE.Score(l.cnn)
			l.test = &s
		}
	}
	return nil
}

func (m *model) Done() bool { return m.step >= maxSteps }

// targetEpoch is the number of target epochs trained.
func (m *model) targetEpoch() int { return max(m.step-pretrainEpochs, 0) }

func pct(v float64) string { return textfmt.Fixed(100*v, 1) + "%" }

func (m *model) note() string {
	var b strings.Builder
	switch {
	case m.step == 0:
		fmt.Fprintf(&b, "A CNN with random weights is about to be pre-trained on the source task (%s, %d images, %d epochs of SGD). Then three networks learn the digits 5–9 from %d labelled images each.",
			m.sourceName, m.srcTrain.Len(), pretrainEpochs, m.perClass)
	case m.step < pretrainEpochs:
		fmt.Fprintf(&b, "Pre-training epoch %d of %d on the source task: validation accuracy on it %s.", m.step, pretrainEpochs, pct(m.preAcc[m.step]))
	case m.step == pretrainEpochs:
		fmt.Fprintf(&b, "Pre-training done (source validation accuracy %s). Its convolutions are copied into the frozen and finetune networks, each with a new random dense head for the digits 5–9; the scratch network starts from random weights. Next: %d labelled images, %d of each digit.",
			pct(m.preAcc[m.step]), m.train.Len(), m.perClass)
	default:
		e := m.targetEpoch()
		fmt.Fprintf(&b, "Target epoch %d of %d. Validation accuracy: frozen %s, finetune %s, scratch %s.", e, targetEpochs,
			pct(m.learners[frozen].valAcc[e]), pct(m.learners[finetune].valAcc[e]), pct(m.learners[scratch].valAcc[e]))
		if m.Done() {
			fmt.Fprintf(&b, " Training is over, so the %d test images were opened now, once: frozen %s, finetune %s, scratch %s.", m.test.Len(),
				pct(m.learners[frozen].test.Accuracy), pct(m.learners[finetune].test.Accuracy), pct(m.learners[scratch].test.Accuracy))
		} else {
			fmt.Fprintf(&b, " The %d test images stay closed until the last epoch.", m.test.Len())
		}
	}
	return b.String()
}

// layers returns m's learned layers, each marked frozen or not.
func layers(m *nn.CNN, frozen []string) []netstate.Layer {
	out := netstate.CNN(m)
	for i := range out {
		f := slices.Contains(frozen, out[i].Name)
		out[i].Frozen = &f
	}
	return out
}

type state struct {
	Phase       string           `json:"phase"` // "pretrain" or "target"
	Mode        string           `json:"mode"`
	Layers      []netstate.Layer `json:"layers"`
	Epoch       int              `json:"target_epoch"`
	TrainImages int              `json:"target_train"`
	TestOpened  bool             `json:"test_opened"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Phase: "pretrain", Mode: m.shown, Epoch: m.targetEpoch(), TrainImages: m.train.Len()}
	metrics := map[string]float64{"source_val_accuracy": m.preAcc[min(m.step, pretrainEpochs)]}
	for _, mode := range modes {
		metrics[mode+"_val_accuracy"], metrics[mode+"_train_loss"], metrics[mode+"_test_accuracy"] = math.NaN(), math.NaN(), math.NaN()
	}
	if m.learners == nil {
		s.Layers = layers(m.pre, nil)
	} else {
		s.Phase = "target"
		l := m.learners[m.shown]
		s.Layers = layers(l.cnn, l.frozen)
		e := m.targetEpoch()
		for _, mode := range modes {
			l := m.learners[mode]
			metrics[mode+"_val_accuracy"], metrics[mode+"_train_loss"] = l.valAcc[e], l.trainLoss[e]
			if l.test != nil {
				metrics[mode+"_test_accuracy"] = l.test.Accuracy
				s.TestOpened = true
			}
		}
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

// Data is data.csv: pixels p<y>_<x>, label (the digit itself, or the
// shape's class number) and split: source_train, source_val, then the
// target's train, val and test.
func (m *model) Data() [][]string {
	sh := m.src.Shape
	var header []string
	for y := range sh.H {
		for x := range sh.W {
			header = append(header, "p"+strconv.Itoa(y)+"_"+strconv.Itoa(x))
		}
	}
	rows := [][]string{append(header, "label", "split")}
	for _, part := range []struct {
		set    *vision.Images
		name   string
		offset int
	}{{m.srcTrain, "source_train", 0}, {m.srcVal, "source_val", 0}, {m.train, "train", 5}, {m.val, "val", 5}, {m.test, "test", 5}} {
		for i := range part.set.Len() {
			row := make([]string, 0, sh.Size()+2)
			for _, v := range part.set.Image(i) {
				row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
			}
			rows = append(rows, append(row, strconv.Itoa(part.set.Labels[i]+part.offset), part.name))
		}
	}
	return rows
}
