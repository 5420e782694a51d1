// Package cnntraining is the cnn-training scenario: a small convolutional
// network trained live on the 8×8 digits or on generated shapes, beside a
// multi-layer perceptron with about as many parameters trained on the same
// split. It shows the learned filters, one validation image's feature maps
// block by block, the loss and accuracy of both networks per epoch, a
// translation test on shifted images, the confusion matrix and the
// misclassified images; the held-out test set is opened once, after the
// last epoch.
package cnntraining

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/ml/vision"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/scenarios/internal/netstate"
)

// Limits and fixed settings of the scenario.
const (
	maxEpochs  = 100
	maxConvs   = 3
	maxFilters = 32
	// The splits: a fifth of the images is the validation set, a fifth
	// the test set, the rest trains.
	valShare, testShare = 0.2, 0.2
	// The shapes data set: images of shapesSide² pixels, noise in [0, shapesNoise).
	shapesN, shapesSide, shapesNoise = 800, 12, 0.25
	// maxImage is the largest validation image index the maps panel shows.
	maxImage = 99
)

// source makes the whole labelled image set.
type source func(rng *rand.Rand) *vision.Images

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "digits",
		Help: "digits: 1 797 handwritten digits of 8×8 pixels (UCI, as scikit-learn ships them); shapes: 800 generated 12×12 images of a square, circle, cross or line drawn at a random place and size over light noise."},
		lab.Option[source]("digits", func(*rand.Rand) *vision.Images { return vision.Digits() }),
		lab.Option[source]("shapes", func(rng *rand.Rand) *vision.Images {
			return vision.Shapes(rng, shapesN, shapesSide, shapesNoise)
		}),
	)
	filtersParam = lab.Ints(lab.Param{Name: "filters", Label: "Filters per convolution", Default: "4,12", Min: 1, Max: maxFilters, MinItems: 1, MaxItems: maxConvs,
		Help: "Output channels of each convolution, comma-separated: 1 to 3 blocks of 1 to 32 filters. Each block is conv (same padding) → ReLU, then max pooling when pool is above 1."})
	kernelParam = lab.Int(lab.Param{Name: "kernel", Label: "Kernel size K", Default: "3", Min: 1, Max: 5, Step: 1,
		Help: "Side of every convolution's K×K filters."})
	poolParam = lab.Int(lab.Param{Name: "pool", Label: "Pooling", Default: "2", Min: 1, Max: 3, Step: 1,
		Help: "Max pooling window and stride after each convolution; 1 means no pooling. Each pooling divides the map's side by this (rounding down), so three poolings of 2 leave 1×1 of an 8×8 digit."})
	headParam = lab.Enum(lab.Param{Name: "head", Label: "Into the dense layer", Default: "global_max",
		Help: "flatten: every position of the last maps, in order, as LeNet and Keras's classic examples do, so the dense layer learns where each feature must be; global_max: each last feature map's largest value, one number per filter, wherever on the image it was found (global max pooling), so a shifted digit gives nearly the same numbers."},
		lab.Option("flatten", nn.HeadFlatten), lab.Option("global_max", nn.HeadGlobalMax))
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.01", Min: 0.00001, Max: 10, Step: 0.00001,
		Help: "Step size η of every update, for both networks."})
	batchParam = lab.Int(lab.Param{Name: "batch", Label: "Batch size", Default: strconv.Itoa(nn.DefaultCNNBatch), Min: 1, Max: 2000, Step: 1,
		Help: "Images per gradient step; an epoch takes one step per batch. A batch at least as large as the training set (1 079 digits, 480 shapes) is full-batch gradient descent."})
	optimizerParam = lab.Enum(lab.Param{Name: "optimizer", Label: "Optimiser", Default: "adam",
		Help: "sgd: w ← w − η∇L; momentum keeps a velocity; rmsprop divides by a running RMS of the gradient; adadelta adapts its own step size; adam combines momentum and RMS scaling."},
		lab.Option("sgd", "sgd"), lab.Option("momentum", "momentum"), lab.Option("rmsprop", "rmsprop"),
		lab.Option("adadelta", "adadelta"), lab.Option("adam", "adam"),
	)
	epochsParam = lab.Int(lab.Param{Name: "epochs", Label: "Epochs", Default: "20", Min: 1, Max: maxEpochs, Step: 1,
		Help: "Epochs to train. After the last one the test set, untouched until then, is opened once."})
	imageParam = lab.Int(lab.Param{Name: "image", Label: "Image shown", Default: "0", Min: 0, Max: maxImage, Step: 1,
		Help: "Which validation image the feature-map panel follows through the network (0 is the first)."})
)

//go:embed explanation.html
var explanation string

// Scenario returns the cnn-training scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:      "cnn-training",
		Title:     "Training a CNN, beside an MLP",
		Chapter:   chapter,
		Summary:   "A small convolutional network learns the 8×8 digits (or generated shapes) epoch by epoch: its filters, the feature maps of one image, loss and accuracy beside an MLP of the same size, and a translation test on shifted images.",
		MaxSteps:  maxEpochs,
		Speed:     2,
		ThumbStep: 4, // filters and maps have formed; a step is a costly epoch
		Params: lab.Params(datasetParam, filtersParam, kernelParam, poolParam, headParam, lrParam, batchParam, optimizerParam,
			epochsParam, imageParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "maps", Title: "Feature maps of one image, block by block"},
			{Name: "filters", Title: "First-layer filters (orange > 0, blue < 0)"},
			{Name: "loss", Title: "Loss L per epoch, CNN and MLP"},
			{Name: "accuracy", Title: "Validation accuracy, as drawn and shifted"},
			{Name: "confusion", Title: "CNN confusion matrix (validation)"},
			{Name: "errors", Title: "Images the CNN gets wrong (true → predicted)"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// curves are one network's figures, one value per epoch from epoch 0.
type curves struct {
	trainLoss, valLoss, trainAcc, valAcc, shiftAcc []float64
}

// net is one of the two networks with its trainer and evaluators.
type net struct {
	trainer                     *vision.ImageTrainer
	trainE, valE, shiftE, testE vision.Evaluator
	shiftTestE                  vision.Evaluator
	curves                      curves
	val                         vision.Score // at the current epoch
	test, shiftTest             *vision.Score
}

func newNet(c vision.Classifier, rng *rand.Rand, s *splits, batch int, opt nn.Optimizer) *net {
	n := &net{trainer: vision.NewImageTrainer(rng, c, s.train, batch, opt)}
	n.trainE.Set, n.valE.Set, n.shiftE.Set = s.train, s.val, s.valShifted
	n.testE.Set, n.shiftTestE.Set = s.test, s.testShifted
	n.evaluate()
	return n
}

// evaluate appends the current epoch's figures.
func (n *net) evaluate() {
	c := n.trainer.Net
	tr := n.trainE.Score(c)
	n.val = n.valE.Score(c)
	sh := n.shiftE.Score(c)
	cv := &n.curves
	cv.trainLoss, cv.trainAcc = append(cv.trainLoss, tr.Loss), append(cv.trainAcc, tr.Accuracy)
	cv.valLoss, cv.valAcc = append(cv.valLoss, n.val.Loss), append(cv.valAcc, n.val.Accuracy)
	cv.shiftAcc = append(cv.shiftAcc, sh.Accuracy)
}

// openTest scores the test set, once.
func (n *net) openTest() {
	t, st := n.testE.Score(n.trainer.Net), n.shiftTestE.Score(n.trainer.Net)
	n.test, n.shiftTest = &t, &st
}

func (n *net) diverged() bool {
	cv := n.curves
	return !n.trainer.Finite() || num.Exploded(cv.trainLoss[len(cv.trainLoss)-1], cv.trainLoss[0])
}

// model is one run.
type model struct {
	data     *splits
	cnn      *nn.CNN
	mlp      vision.MLPClassifier
	mlpUnits int
	c, m     *net // the CNN and the MLP
	epochs   int
	image    int
	lr       float64
	opt      string
	diverged bool
	// float32 says the frames carry the weights rounded to float32: as
	// float64 they would not fit the frame budget (weightsFit).
	float32 bool
}

func newModel(v lab.Values) (lab.Model, error) {
	data := newSplits(rand.New(rand.NewPCG(v.Seed(), 1)), datasetParam.Get(v))
	cfg := nn.CNNConfig{In: data.all.Shape, Filters: filtersParam.Get(v), Kernel: kernelParam.Get(v), Pool: poolParam.Get(v),
		Classes: len(data.all.ClassNames), Act: nn.ReLU, Head: headParam.Get(v)}
	if _, err := cfg.Shapes(); err != nil {
		return nil, poolParam.Refuse(v, poolAllowed(cfg))
	}
	if cost := convCost(cfg) * data.train.Len(); cost > maxCost {
		return nil, filtersParam.Refuse(v, fmt.Sprintf("convolutions of at most %s multiply-adds per epoch, so that an epoch stays near a tenth of a second; these take %s (Σ H·W·K²·C_in·C_out over the blocks, %s per image, times %d training images; the default takes %s): fewer filters or a smaller kernel",
			thousands(maxCost), thousands(cost), thousands(convCost(cfg)), data.train.Len(), thousands(convCost(defaultConfig(cfg.In))*data.train.Len())))
	}
	float32, fits := weightsFit(cfg)
	if !fits {
		return nil, filtersParam.Refuse(v, budgetAllowed(cfg, kernelParam.Get(v), poolParam.Get(v), data.train.Len()))
	}
	m := &model{data: data, epochs: epochsParam.Get(v), image: imageParam.Get(v), lr: lrParam.Get(v), opt: optimizerParam.Get(v),
		float32: float32}
	if m.image >= data.val.Len() {
		return nil, imageParam.Refuse(v, fmt.Sprintf("0 to %d: the validation set has %d images", data.val.Len()-1, data.val.Len()))
	}
	var err error
	if m.cnn, err = nn.NewCNN(rand.New(rand.NewPCG(v.Seed(), 2)), cfg); err != nil {
		return nil, err
	}
	// The MLP: one hidden layer of ReLU units, as many as bring its
	// parameter count nearest the CNN's: (in+1)·h + (h+1)·classes.
	in, k := data.all.Shape.Size(), cfg.Classes
	m.mlpUnits = max(1, int(math.Round(float64(vision.ParamCount(m.cnn)-k)/float64(in+1+k))))
	m.mlp = vision.NewMLPClassifier(rand.New(rand.NewPCG(v.Seed(), 3)), in, []int{m.mlpUnits}, k)
	batch := min(batchParam.Get(v), data.train.Len())
	opt := func() nn.Optimizer {
		o, err := nn.NewOptimizer(m.opt, m.lr)
		if err != nil {
			panic(err) // the enum offers only nn's names
		}
		return o
	}
	m.c = newNet(m.cnn, rand.New(rand.NewPCG(v.Seed(), 4)), data, batch, opt())
	m.m = newNet(m.mlp, rand.New(rand.NewPCG(v.Seed(), 5)), data, batch, opt())
	return m, nil
}

// maxCost bounds the convolutions' multiply-adds in an epoch's forward
// passes: five times nn.DefaultCNN's (filters=8,16) on the digits (23 040
// per image, 1 079 images) or on the shapes (51 840, 480 images), which
// cost about the same; the default 4,12 takes 9 216 per image.
const maxCost = 125_000_000

// convCost is the multiply-adds of a CNN's convolutions for one image:
// Σ H·W·K²·C_in·C_out over the blocks, H×W the block's input (same padding
// keeps it).
func convCost(cfg nn.CNNConfig) int {
	cost, s := 0, cfg.In
	shapes, _ := cfg.Shapes()
	for i, f := range cfg.Filters {
		cost += s.H * s.W * cfg.Kernel * cfg.Kernel * s.C * f
		if i < len(shapes) {
			s = shapes[i]
		}
	}
	return cost
}

// The frame budget: every frame, the weights of state.layers and the
// panels together, stays within frameBudget bytes. A frame carries every
// weight, so the network's size decides, once, when the run is made:
// weights that fit as float64 ("<f8", exact) go as they are; weights that
// fit only as float32 ("<f4", 4 bytes a value) are rounded; a network
// whose weights do not fit even so is refused.
const (
	frameBudget = 32 << 10
	// restBound bounds the bytes of a frame other than its weights' base64
	// text: the six panels, the note, the metrics, the rest of the state
	// and the viewports. TestRestBound measures them over both data sets,
	// one to three blocks, kernels 2 to 5, pooling 1 to 3, several seeds,
	// at steps 0 and 1 (a crowded confusion matrix, most images
	// misclassified) and at the end of 3- to 100-epoch runs: at most about
	// 24 000 bytes (the curves of 100 epochs).
	restBound = 24_600
	// restBound32 is restBound for a run whose weights go as float32, a
	// larger network: it draws fewer tiles and curve points (drawnFloat32),
	// and measures at most about 21 700 bytes.
	restBound32 = 22_400
)

// weightCount is the number of learned values of the network cfg builds:
// each convolution's K²·C_in·C_out weights and C_out biases, then the
// dense layer's (H·W·C of the last block)·classes weights and classes
// biases.
func weightCount(cfg nn.CNNConfig) int {
	n := 0
	for _, l := range layerSizes(cfg) {
		n += l[0] + l[1]
	}
	return n
}

// layerSizes are the sizes of W and b of each learned layer of cfg's
// network, in state.layers' order.
func layerSizes(cfg nn.CNNConfig) [][2]int {
	shapes, _ := cfg.Shapes()
	var out [][2]int
	in := cfg.In.C
	for _, f := range cfg.Filters {
		out = append(out, [2]int{cfg.Kernel * cfg.Kernel * in * f, f})
		in = f
	}
	return append(out, [2]int{cfg.DenseIn(shapes[len(shapes)-1]) * cfg.Classes, cfg.Classes})
}

// weightChars is the length of the base64 text of every W and b of cfg's
// network at size bytes a value (8 for "<f8", 4 for "<f4").
func weightChars(cfg nn.CNNConfig, size int) int {
	n := 0
	for _, l := range layerSizes(cfg) {
		n += netstate.PackedLen(l[0], size) + netstate.PackedLen(l[1], size)
	}
	return n
}

// weightsFit says whether cfg's weights fit a frame, and whether only
// rounded to float32.
func weightsFit(cfg nn.CNNConfig) (float32, fits bool) {
	switch {
	case weightChars(cfg, 8)+restBound <= frameBudget:
		return false, true
	case weightChars(cfg, 4)+restBound32 <= frameBudget:
		return true, true
	}
	return false, false
}

// maxWeights is about the most weights a frame can carry: as float32 they
// take 16/3 base64 characters each.
const maxWeights = (frameBudget - restBound32) * 3 / 16

// budgetAllowed explains the frame budget to a network too large for it
// and suggests a network of the same blocks, kernel and pooling that fits
// both the frame and the time budget: one filter fewer at a time, from
// the block that has the most.
func budgetAllowed(cfg nn.CNNConfig, kernel, pool, train int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "a network whose weights fit a frame: each frame carries every weight W and b, at least 4 bytes each (rounded to float32), within the 32 KB frame budget beside the panels, so at most about %s weights; these filters", thousands(maxWeights))
	if kernel > 3 {
		fmt.Fprintf(&b, " with kernel=%d", kernel)
	}
	if pool == 1 {
		b.WriteString(" and no pooling")
	}
	fmt.Fprintf(&b, " make %s weights (%s KB as float32, %s KB as float64)", thousands(weightCount(cfg)),
		textfmt.Fixed(float64(weightChars(cfg, 4))/1024, 1), textfmt.Fixed(float64(weightChars(cfg, 8))/1024, 1))
	c := cfg
	c.Filters = append([]int(nil), cfg.Filters...)
	for {
		big := 0 // the block with the most filters, the last of equals
		for i, f := range c.Filters {
			if f >= c.Filters[big] {
				big = i
			}
		}
		if c.Filters[big] == 1 {
			break
		}
		c.Filters[big]--
		if _, fits := weightsFit(c); fits && convCost(c)*train <= maxCost {
			fmt.Fprintf(&b, ": fewer filters, e.g. filters=%s (%s weights)", joinInts(c.Filters), thousands(weightCount(c)))
			break
		}
	}
	switch {
	case kernel > 3 && pool == 1:
		b.WriteString(", a smaller kernel or pooling (pool=2)")
	case kernel > 3:
		b.WriteString(", or a smaller kernel")
	case pool == 1 && cfg.Head == nn.HeadFlatten:
		b.WriteString(", pooling (pool=2), which shrinks the dense layer, or head=global_max")
	case cfg.Head == nn.HeadFlatten:
		b.WriteString(", or head=global_max, whose dense layer reads one value per filter")
	}
	return b.String()
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// defaultFilters, with pooling of 2 and the global-max head, is the
// default network: 4 and 12 filters, 614 parameters on the digits, whose
// exact weights fit a frame. With a head that forgets where a feature
// was, it keeps about 40% of digits shifted by 1–2 pixels, twice what an
// MLP of the same size keeps (means over seeds 1–6 after 20 epochs: 39%
// against 21%; the flatten head 31%; no pooling 62%, but then the flatten
// head would not fit a frame).
var defaultFilters = []int{4, 12}

// defaultConfig is the default network for images of shape in.
func defaultConfig(in nn.Shape) nn.CNNConfig {
	c := nn.DefaultCNN()
	c.In, c.Filters, c.Head = in, defaultFilters, nn.HeadGlobalMax
	return c
}

// poolAllowed says which pooling fits the chosen blocks.
func poolAllowed(cfg nn.CNNConfig) string {
	var fit []string
	for p := 1; p <= 3; p++ {
		c := cfg
		c.Pool = p
		if _, err := c.Shapes(); err == nil {
			fit = append(fit, strconv.Itoa(p))
		}
	}
	side := cfg.In.H
	return fmt.Sprintf("a pooling that leaves at least 1×1 after %d blocks of a %d×%d image (each pooling of P takes the side s to ⌊s/P⌋): %s, or fewer filters entries",
		len(cfg.Filters), side, side, strings.Join(fit, ", "))
}

func (m *model) epoch() int { return m.c.trainer.Epoch() }

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.c.trainer.Step()
	m.m.trainer.Step()
	m.c.evaluate()
	m.m.evaluate()
	m.diverged = m.c.diverged() || m.m.diverged()
	if !m.diverged && m.epoch() == m.epochs {
		m.c.openTest()
		m.m.openTest()
	}
	return nil
}

func (m *model) Done() bool { return m.diverged || m.epoch() >= m.epochs }

// state is the frame's "state".
type state struct {
	Layers    []netstate.Layer `json:"layers"`
	Epoch     int              `json:"epoch"`
	Epochs    int              `json:"epochs"`
	Batch     int              `json:"batch"`
	Updates   int              `json:"updates_per_epoch"`
	Sizes     splitSizes       `json:"sizes"`
	Params    int              `json:"params"`
	MLPParams int              `json:"mlp_params"`
	MLPHidden int              `json:"mlp_hidden"`
	Maps      []nn.Shape       `json:"maps"` // after each block
	// Confusion is the CNN's on the validation set, [true][predicted].
	Confusion [][]int `json:"confusion"`
	// Misclassified are the validation images the CNN gets wrong (their
	// indices among the validation rows of data.csv).
	Misclassified []int `json:"misclassified"`
	TestOpened    bool  `json:"test_opened"`
	Diverged      bool  `json:"diverged"`
	// WeightsPrecision is "float32" when the layers' W and b are rounded
	// to float32 (dtype "<f4") to fit the frame budget; absent, they are
	// exact float64 ("<f8").
	WeightsPrecision string `json:"weights_precision,omitempty"`
}

type splitSizes struct {
	Train int `json:"train"`
	Val   int `json:"val"`
	Test  int `json:"test"`
}

// layers returns the CNN's learned layers.
func (m *model) layers() []netstate.Layer {
	if m.float32 {
		return netstate.Float32(netstate.CNN(m.cnn))
	}
	return netstate.CNN(m.cnn)
}

// float32Caveat says on the page why the frames' weights are not exact.
const float32Caveat = "Weights in the frames are rounded to float32 to keep each frame under 32\u00a0KB."

func (m *model) Snapshot() lab.Snapshot {
	last := len(m.c.curves.trainLoss) - 1
	metrics := map[string]float64{}
	for prefix, n := range map[string]*net{"": m.c, "mlp_": m.m} {
		cv := n.curves
		metrics[prefix+"train_loss"], metrics[prefix+"train_accuracy"] = cv.trainLoss[last], cv.trainAcc[last]
		metrics[prefix+"val_loss"], metrics[prefix+"val_accuracy"] = cv.valLoss[last], cv.valAcc[last]
		metrics[prefix+"val_shifted_accuracy"] = cv.shiftAcc[last]
		metrics[prefix+"test_loss"], metrics[prefix+"test_accuracy"], metrics[prefix+"test_shifted_accuracy"] = math.NaN(), math.NaN(), math.NaN()
		if n.test != nil {
			metrics[prefix+"test_loss"], metrics[prefix+"test_accuracy"] = n.test.Loss, n.test.Accuracy
			metrics[prefix+"test_shifted_accuracy"] = n.shiftTest.Accuracy
		}
	}
	caveat := ""
	if m.float32 {
		caveat = float32Caveat
	}
	wrong := []int{}
	for i, p := range m.c.val.Predicted {
		if p != m.data.val.Labels[i] {
			wrong = append(wrong, i)
		}
	}
	return lab.Snapshot{
		Metrics: metrics,
		State: state{Layers: m.layers(), Epoch: m.epoch(), Epochs: m.epochs, Batch: m.c.trainer.Batch, Updates: m.c.trainer.Updates(),
			Sizes:  splitSizes{m.data.train.Len(), m.data.val.Len(), m.data.test.Len()},
			Params: vision.ParamCount(m.cnn), MLPParams: vision.ParamCount(m.mlp), MLPHidden: m.mlpUnits, Maps: m.cnn.Maps,
			Confusion: m.c.val.Confusion, Misclassified: wrong, TestOpened: m.c.test != nil, Diverged: m.diverged,
			WeightsPrecision: m.precision()},
		Note:   m.note(),
		Caveat: caveat,
	}
}

// precision is state.weights_precision.
func (m *model) precision() string {
	if m.float32 {
		return "float32"
	}
	return ""
}

func pct(v float64) string { return textfmt.Fixed(100*v, 1) + "%" }

func (m *model) note() string {
	cv, mv := m.c.curves, m.m.curves
	last := len(cv.trainLoss) - 1
	var b strings.Builder
	if m.diverged {
		fmt.Fprintf(&b, "Diverged at epoch %d: ", m.epoch())
		if m.c.trainer.Finite() && m.m.trainer.Finite() {
			b.WriteString("a training loss grew over a million times its start, and training stopped. ")
		} else {
			b.WriteString("the weights overflowed the largest number a computer holds, and training stopped. ")
		}
		fmt.Fprintf(&b, "The learning rate η = %g is too large for %s: each update overshoots further than the last. Lower η and press Reset.", m.lr, m.opt)
		return b.String()
	}
	if m.epoch() == 0 {
		fmt.Fprintf(&b, "Random initial weights (Glorot uniform), biases 0: a CNN of %d parameters and an MLP with %d hidden units (%d parameters). Each step is one epoch of both: %d training images in %d batch(es) of up to %d. ",
			vision.ParamCount(m.cnn), m.mlpUnits, vision.ParamCount(m.mlp), m.data.train.Len(), m.c.trainer.Updates(), m.c.trainer.Batch)
	} else {
		fmt.Fprintf(&b, "Epoch %d of %d: %d update(s) each. ", m.epoch(), m.epochs, m.c.trainer.Updates())
	}
	fmt.Fprintf(&b, "Validation accuracy: CNN %s, MLP %s; on images shifted by 1–2 pixels: CNN %s, MLP %s.",
		pct(cv.valAcc[last]), pct(mv.valAcc[last]), pct(cv.shiftAcc[last]), pct(mv.shiftAcc[last]))
	if k := float64(len(m.data.all.ClassNames)); m.epoch() >= 2 && cv.trainAcc[last] < 1.5/k {
		fmt.Fprintf(&b, " The CNN learns nothing: its training accuracy is near chance (1 in %g). A learning rate η = %g this large most likely threw the weights where the ReLU units output 0 for every image (they die) and no gradient reaches them: lower η and press Reset.", k, m.lr)
	}
	if m.c.test != nil {
		fmt.Fprintf(&b, " Training is over, so the %d test images were opened now, once: CNN %s (shifted %s), MLP %s (shifted %s).",
			m.data.test.Len(), pct(m.c.test.Accuracy), pct(m.c.shiftTest.Accuracy), pct(m.m.test.Accuracy), pct(m.m.shiftTest.Accuracy))
	} else {
		fmt.Fprintf(&b, " The %d test images stay closed until epoch %d.", m.data.test.Len(), m.epochs)
	}
	return b.String()
}

// thousands writes n with a thin space between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}
