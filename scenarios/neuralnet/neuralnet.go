// Package neuralnet is the neural-network playground, after TensorFlow
// Playground: a multi-layer perceptron trained epoch by epoch on 2-D data
// (or iris and wine) with a choice of input features, layers, activation,
// optimiser, L1/L2 penalty and dropout, for binary or multi-class
// classification or regression. It shows the network's output over the
// map, every unit's own map, the network with its weights, the train and
// validation loss and accuracy, and the confusion matrix of the
// validation split (the held-out samples settings are compared on).
package neuralnet

import (
	_ "embed"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/neural"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
	"github.com/mlplayground/playground/scenarios/internal/netstate"
)

// Limits and fixed settings of the scenario.
const (
	maxSteps     = 1000
	maxLayers    = 6
	maxUnits     = 8
	regionRes    = 100
	nodeStride   = 10 // the maps inside the network diagram's nodes, every 10th
	curveSamples = 240
	// zeroLoss ends a run whose training loss has all but vanished.
	zeroLoss = 1e-6
	// minSamples a network needs before it trains (custom data).
	minSamples = 2
)

// feature is one input the first layer can see, computed from a point's
// map coordinates.
type feature struct {
	name  string // as the URL and the state spell it
	label string // as the diagram writes it
	of    func(x1, x2 float64) float64
}

func featureOption(name, label string, of func(x1, x2 float64) float64) lab.Choice[feature] {
	return lab.Option(name, feature{name, label, of})
}

// inputFeatures are the input features offered.
var inputFeatures = []lab.Choice[feature]{
	featureOption("x1", "x₁", func(x1, _ float64) float64 { return x1 }),
	featureOption("x2", "x₂", func(_, x2 float64) float64 { return x2 }),
	featureOption("x1sq", "x₁²", func(x1, _ float64) float64 { return x1 * x1 }),
	featureOption("x2sq", "x₂²", func(_, x2 float64) float64 { return x2 * x2 }),
	featureOption("x1x2", "x₁x₂", func(x1, x2 float64) float64 { return x1 * x2 }),
	featureOption("sinx1", "sin x₁", func(x1, _ float64) float64 { return math.Sin(x1) }),
	featureOption("sinx2", "sin x₂", func(_, x2 float64) float64 { return math.Sin(x2) }),
}

// problem is what the network learns, with the output and loss that go
// with it.
type problem struct {
	name       string // as ml names it
	multiclass bool   // one softmax output per class, not one output
	regression bool   // a real-valued target: no classes, accuracy or confusion matrix
	loss       string // as the loss panel's axis names it
}

// activation is a hidden unit's function and how its unit maps are
// coloured: from centre − halfRange (blue) to centre + halfRange (orange),
// or, when unbounded, scaled by the largest |value| on the map.
type activation struct {
	fn                nn.Activation
	centre, halfRange float64
	unbounded         bool
}

func activationOption(a activation) lab.Choice[activation] { return lab.Option(a.fn.Name, a) }

// optimizerOption offers one of nn's optimisers, by the name
// neural.NetworkConfig takes.
func optimizerOption(o nn.Optimizer) lab.Choice[string] { return lab.Option(o.Name(), o.Name()) }

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "circle",
		Help: "circle, xor, gauss (Gaussian clusters), spiral, moons: generated 2-D classes; reg-plane (a tilted plane) and reg-gauss (six Gaussian bumps): regression; iris, wine: real measurements (standardised; the map shows two features, the network sees all); custom: only your points."},
		lab.Option("circle", dataset{classes: classdata.Circles}),
		lab.Option("xor", dataset{classes: classdata.XOR}),
		lab.Option("gauss", dataset{classes: classdata.Separable}),
		lab.Option("spiral", dataset{classes: classdata.Spiral}),
		lab.Option("moons", dataset{classes: classdata.Moons}),
		lab.Option("reg-plane", dataset{surface: plane}),
		lab.Option("reg-gauss", dataset{surface: gaussBumps}),
		lab.Option("iris", dataset{classes: classdata.Iris}),
		lab.Option("wine", dataset{classes: classdata.Wine}),
		lab.Option("custom", dataset{classes: classdata.Custom}),
	)
	problemParam = lab.Enum(lab.Param{Name: "problem", Label: "Problem", Default: neural.ProblemBinary,
		Help: "binary: one sigmoid output and binary cross-entropy; multiclass: one softmax output per class and cross-entropy; regression: one linear output and squared error (regression data sets only)."},
		lab.Option(neural.ProblemBinary, problem{name: neural.ProblemBinary, loss: "binary cross-entropy"}),
		lab.Option(neural.ProblemMulticlass, problem{name: neural.ProblemMulticlass, multiclass: true, loss: "cross-entropy"}),
		lab.Option(neural.ProblemRegression, problem{name: neural.ProblemRegression, regression: true, loss: "½(y − ŷ)²"}),
	)
	classesParam = lab.Int(lab.Param{Name: "classes", Label: "Classes", Default: "2", Min: 2, Max: classdata.MaxClasses, Step: 1,
		Help: "Number of classes of a multiclass problem: gauss, spiral and custom take 2 to 5, iris and wine 2 or 3, circle, xor and moons only 2. Binary and regression problems keep 2."})
	noiseParam = lab.Int(lab.Param{Name: "noise", Label: "Noise", Default: "10", Min: 0, Max: 50, Step: 5,
		Help: "0 to 50, as in TensorFlow Playground: the spread of the clusters and the jitter of the other generated data sets (real data has none)."})
	trainParam = lab.Int(lab.Param{Name: "train", Label: "Training share (%)", Default: "50", Min: 10, Max: 90, Step: 10,
		Help: "Percentage of the 500 generated samples used for training; the rest is the validation split you compare settings on. Your points always train."})
	batchParam = lab.Int(lab.Param{Name: "batch", Label: "Batch size", Default: "10", Min: 1, Max: 500, Step: 1,
		Help: "Samples per gradient step; an epoch takes one step per batch. A batch at least as large as the training set is full-batch gradient descent."})
	featuresParam = lab.List(lab.Param{Name: "features", Label: "Input features", Default: "x1,x2", MinItems: 1, MaxItems: len(inputFeatures),
		Help: "What the first layer sees of each point: x1, x2 themselves, their squares, their product, their sines. Iris and wine add their other measurements."},
		inputFeatures...)
	layersParam = lab.Ints(lab.Param{Name: "layers", Label: "Hidden layers", Default: "4,2", Min: 1, Max: maxUnits, MinItems: 0, MaxItems: maxLayers,
		Help: "Units of each hidden layer, comma-separated: up to 6 layers of 1 to 8 units. Empty: no hidden layer, a linear model."})
	activationParam = lab.Enum(lab.Param{Name: "activation", Label: "Activation", Default: nn.Tanh.Name,
		Help: "The function every hidden unit applies to its weighted sum."},
		activationOption(activation{fn: nn.Tanh, halfRange: 1}),
		activationOption(activation{fn: nn.ReLU, unbounded: true}),
		activationOption(activation{fn: nn.Sigmoid, centre: 0.5, halfRange: 0.5}),
		activationOption(activation{fn: nn.Linear, unbounded: true}),
		activationOption(activation{fn: nn.LeakyReLU, unbounded: true}),
	)
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.03", Min: 0.00001, Max: 10, Step: 0.00001,
		Help: "Step size η of every update. Too small crawls; too large makes the loss jump or diverge."})
	optimizerParam = lab.Enum(lab.Param{Name: "optimizer", Label: "Optimiser", Default: "sgd",
		Help: "sgd: w ← w − η∇J; momentum keeps a velocity; rmsprop divides by a running RMS of the gradient; adadelta adapts its own step size; adam combines momentum and RMS scaling."},
		optimizerOption(&nn.SGD{}), optimizerOption(&nn.Momentum{}), optimizerOption(&nn.RMSProp{}),
		optimizerOption(&nn.Adadelta{}), optimizerOption(&nn.Adam{}),
	)
	regParam = lab.Enum(lab.Param{Name: "reg", Label: "Regularisation", Default: neural.PenaltyNone,
		Help: "Penalty added to the loss over the weights (not the biases): l2 adds λ Σ w², shrinking every weight; l1 adds λ Σ |w|, pushing weak ones to near zero."},
		lab.Option(neural.PenaltyNone, neural.PenaltyNone), lab.Option(neural.PenaltyL1, neural.PenaltyL1), lab.Option(neural.PenaltyL2, neural.PenaltyL2),
	)
	regRateParam = lab.Float(lab.Param{Name: "reg_rate", Label: "Penalty strength λ", Default: "0", Min: 0, Max: 10, Step: 0.001,
		Help: "Weight λ of the penalty (used when regularisation is l1 or l2)."})
	dropoutParam = lab.Float(lab.Param{Name: "dropout", Label: "Dropout", Default: "0", Min: 0, Max: 0.9, Step: 0.05,
		Help: "Probability of switching off each hidden unit, drawn afresh for every sample of every batch while training (survivors are scaled by 1/(1 − p)); never at prediction time."})
	pointsParam = classdata.PointsParam()
)

//go:embed explanation.html
var explanation string

// Scenario returns the neural-network playground in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "neural-network",
		Title:    "Neural network playground",
		Chapter:  chapter,
		Summary:  "A multi-layer perceptron trained live on 2-D data: pick features, layers, activation, optimiser, L1/L2 and dropout; watch the output map, each unit's map, the weights, and the train and validation loss.",
		MaxSteps: maxSteps,
		Speed:    10,
		Params: lab.Params(datasetParam, problemParam, classesParam, noiseParam, trainParam, batchParam, featuresParam,
			layersParam, activationParam, lrParam, optimizerParam, regParam, regRateParam, dropoutParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "output", Title: "Output over the map, with the training samples", Points: pointsParam.Name()},
			{Name: "network", Title: "Network: each unit's map in its node; edge width ∝ |weight|, orange > 0, blue < 0"},
			{Name: "loss", Title: "Train and validation loss per epoch"},
			{Name: "accuracy", Title: "Train and validation accuracy per epoch"},
			{Name: "confusion", Title: "Confusion matrix of the validation split"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run of the playground.
type model struct {
	data     *data
	problem  problem
	act      activation
	classes  int // outputs' classes (1 for regression)
	features []feature
	hidden   []int
	lr       float64
	opt      string  // the optimiser's name
	penalty  string  // neural.PenaltyNone, PenaltyL1 or PenaltyL2
	penRate  float64 // λ
	batch    int     // effective batch size
	net      *neural.Network
	trainX   [][]float64 // network inputs of the training samples
	trainY   []float64
	valX     [][]float64
	valY     []float64
	// Curves, one value per epoch from epoch 0.
	trainLoss, valLoss, trainAcc, valAcc []float64
	confusion                            [][]int // validation split: rows true, columns predicted
	diverged                             bool
	// The region grid: network inputs at the centres of regionRes² cells,
	// row 0 at the top, and the layer outputs there at gridEpoch.
	grid      []float64
	gridOut   [][]float64
	inImages  []image.Image // the inputs' node maps, which only the grid decides
	gridEpoch int
	// The output map's raster at rasterEpoch: a frame that splices it
	// into the panel (PanelRaster) and one that draws the panel whole
	// both use it.
	raster      image.Image
	rasterEpoch int
	src         *rand.PCG // the source the network draws from, for Clone
}

// Clone copies the run in its current state, for the timeline's
// checkpoints. The data, the samples' inputs and the region grid's are
// only read; the grid's outputs are computed again when drawn.
func (m *model) Clone() lab.Model {
	c := *m
	if m.net != nil {
		src := *m.src
		c.src = &src
		c.net = m.net.Clone(rand.New(c.src))
	}
	c.trainLoss, c.valLoss = slices.Clone(m.trainLoss), slices.Clone(m.valLoss)
	c.trainAcc, c.valAcc = slices.Clone(m.trainAcc), slices.Clone(m.valAcc)
	// inImages are only read, so shared; confusion is made anew at each
	// evaluation.
	c.gridOut, c.gridEpoch = nil, -1
	c.raster, c.rasterEpoch = nil, -1
	return &c
}

func newModel(v lab.Values) (lab.Model, error) {
	d, err := loadData(rand.New(rand.NewPCG(v.Seed(), 1)), v)
	if err != nil {
		return nil, err
	}
	m := &model{data: d, problem: problemParam.Get(v), act: activationParam.Get(v), classes: d.set.Classes,
		features: featuresParam.Get(v), hidden: layersParam.Get(v), lr: lrParam.Get(v),
		opt: optimizerParam.Get(v), penalty: regParam.Get(v), penRate: regRateParam.Get(v), gridEpoch: -1, rasterEpoch: -1}
	if d.y != nil {
		m.classes = 1
	}
	s := d.set
	for _, i := range s.Train {
		m.trainX = append(m.trainX, m.inputs(s.X[i], nil))
		m.trainY = append(m.trainY, d.target(i))
	}
	for _, i := range s.Test {
		m.valX = append(m.valX, m.inputs(s.X[i], nil))
		m.valY = append(m.valY, d.target(i))
	}
	m.batch = min(batchParam.Get(v), max(len(m.trainX), 1))
	if len(m.trainX) < minSamples {
		return m, nil // waits for clicked points; the note says so
	}
	cfg := neural.NetworkConfig{
		Inputs: len(m.trainX[0]), Hidden: m.hidden, Activation: m.act.fn.Name, Problem: m.problem.name,
		Classes: m.classes, LearningRate: m.lr, Optimizer: m.opt,
		Penalty: m.penalty, PenaltyRate: m.penRate, Dropout: dropoutParam.Get(v), Batch: m.batch,
	}
	m.src = rand.NewPCG(v.Seed(), 2)
	m.net, err = neural.NewNetwork(rand.New(m.src), m.trainX, m.trainY, cfg)
	if err != nil {
		return nil, err
	}
	m.buildGrid()
	m.evaluate()
	return m, nil
}

// inputs returns the network's inputs for one sample of the data set: the
// chosen features of its map coordinates x1, x2, then its other features
// (iris, wine).
func (m *model) inputs(x []float64, out []float64) []float64 {
	out = out[:0]
	x1, x2 := x[0], x[1]
	for _, f := range m.features {
		out = append(out, f.of(x1, x2))
	}
	return append(out, x[2:]...)
}

// inputNames names the network's inputs, the columns of the first W.
func (m *model) inputNames() []string {
	var names []string
	for _, f := range m.features {
		names = append(names, f.name)
	}
	for j := 2; j < m.data.set.Dim(); j++ {
		names = append(names, "x"+strconv.Itoa(j+1))
	}
	return names
}

// buildGrid computes the network inputs at the region map's cell centres.
func (m *model) buildGrid() {
	b := m.data.set.Bounds
	dx, dy := b.Width()/regionRes, b.Height()/regionRes
	raw := make([]float64, m.data.set.Dim())
	var in []float64
	m.grid = make([]float64, 0, regionRes*regionRes*m.net.Config().Inputs)
	for j := range regionRes {
		y := b.YMax - (float64(j)+0.5)*dy
		for i := range regionRes {
			raw = m.data.set.Slice(b.XMin+(float64(i)+0.5)*dx, y, raw)
			in = m.inputs(raw, in)
			m.grid = append(m.grid, in...)
		}
	}
}

// gridOutputs returns every layer's outputs over the region grid at the
// current epoch (computed once per epoch).
func (m *model) gridOutputs() [][]float64 {
	if m.gridEpoch != m.net.Epoch() {
		m.gridOut = m.net.ForwardApprox(m.grid, regionRes*regionRes)
		m.gridEpoch = m.net.Epoch()
	}
	return m.gridOut
}

// evaluate appends the current losses and accuracies and recounts the
// confusion matrix.
func (m *model) evaluate() {
	m.gridEpoch = -1 // the confusion matrix's Forward reuses the grid's buffers
	trainLoss, trainAcc := m.net.Evaluate(m.trainX, m.trainY)
	valLoss, valAcc := m.net.Evaluate(m.valX, m.valY)
	m.trainLoss = append(m.trainLoss, trainLoss)
	m.valLoss = append(m.valLoss, valLoss)
	m.trainAcc = append(m.trainAcc, trainAcc)
	m.valAcc = append(m.valAcc, valAcc)
	// A loss a million times its start is on its way to overflow (see
	// num.BlowUp): stopping there keeps the notes and weights readable.
	m.diverged = !m.net.Finite() || num.Exploded(trainLoss, m.trainLoss[0])
	if m.problem.regression || len(m.valX) == 0 {
		return
	}
	m.confusion = make([][]int, m.classes)
	for k := range m.confusion {
		m.confusion[k] = make([]int, m.classes)
	}
	flat := make([]float64, 0, len(m.valX)*len(m.valX[0]))
	for _, x := range m.valX {
		flat = append(flat, x...)
	}
	outs := m.net.Forward(flat, len(m.valX))
	out, k := outs[len(outs)-1], m.net.Outputs()
	for i, y := range m.valY {
		m.confusion[int(y)][m.net.Class(out[i*k:(i+1)*k])]++
	}
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.net.Step()
	m.evaluate()
	return nil
}

func (m *model) Done() bool {
	if m.net == nil || m.diverged {
		return true
	}
	return m.net.Epoch() >= maxSteps || m.trainLoss[len(m.trainLoss)-1] < zeroLoss
}

// layerState is one layer of state.layers: W is out×in.
type layerState struct {
	W          []netstate.Floats `json:"W"`
	B          netstate.Floats   `json:"b"`
	Activation string            `json:"activation"`
}

// state is the frame's "state".
type state struct {
	Layers    []layerState `json:"layers"`
	Inputs    []string     `json:"inputs"`
	Epoch     int          `json:"epoch"`
	Problem   string       `json:"problem"`
	Classes   int          `json:"classes"`
	Batch     int          `json:"batch"`
	Penalty   float64      `json:"penalty"` // λ·Ω(W) at the current weights
	Confusion [][]int      `json:"confusion,omitempty"`
	Diverged  bool         `json:"diverged"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.net == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Layers: []layerState{}, Inputs: m.inputNames(), Problem: m.problem.name, Classes: m.classes, Batch: m.batch},
			Note: fmt.Sprintf("The network needs at least %d training samples; there are %d. Click on the map to add points (pick their class beside it).",
				minSamples, len(m.trainX)),
		}
	}
	var layers []layerState
	for _, l := range m.net.Layers() {
		ls := layerState{B: l.B, Activation: l.Activation}
		for _, row := range l.W {
			ls.W = append(ls.W, row)
		}
		layers = append(layers, ls)
	}
	penalty := m.net.Penalty()
	if math.IsNaN(penalty) || math.IsInf(penalty, 0) {
		penalty = -1 // never a valid penalty; the note tells why
	}
	last := len(m.trainLoss) - 1
	metrics := map[string]float64{"train_loss": m.trainLoss[last], "val_loss": m.valLoss[last]}
	if !m.problem.regression {
		metrics["train_accuracy"], metrics["val_accuracy"] = m.trainAcc[last], m.valAcc[last]
	}
	return lab.Snapshot{
		Metrics: metrics,
		State: state{Layers: layers, Inputs: m.inputNames(), Epoch: m.net.Epoch(), Problem: m.problem.name, Classes: m.classes,
			Batch: m.batch, Penalty: penalty, Confusion: m.confusion, Diverged: m.diverged},
		Note: m.note(),
	}
}

func (m *model) note() string {
	last := len(m.trainLoss) - 1
	epoch := m.net.Epoch()
	batches := (len(m.trainX) + m.batch - 1) / m.batch
	if m.diverged {
		return m.divergedNote()
	}
	var b strings.Builder
	if epoch == 0 {
		fmt.Fprintf(&b, "Random initial weights (Glorot uniform), biases 0. Each step is one epoch: %d training samples shuffled into %d batch(es) of up to %d, one update per batch. ",
			len(m.trainX), batches, m.batch)
	} else {
		fmt.Fprintf(&b, "Epoch %d: %d update(s). ", epoch, batches)
	}
	fmt.Fprintf(&b, "Train loss %.4f, validation loss %s", m.trainLoss[last], fmtMaybe(m.valLoss[last], 4))
	if !m.problem.regression {
		fmt.Fprintf(&b, "; accuracy train %s, validation %s", pct(m.trainAcc[last]), pct(m.valAcc[last]))
	}
	b.WriteString(".")
	if m.trainLoss[last] < zeroLoss {
		b.WriteString(" The training loss is all but zero: nothing left to learn.")
	} else if epoch > 0 && m.valLoss[last] > 1.5*m.trainLoss[last] && m.valLoss[last]-m.trainLoss[last] > 0.05 {
		b.WriteString(" The validation loss is well above the training loss: the network is starting to over-fit.")
	}
	return b.String()
}

// divergedNote says why training blew up. The L2 penalty λΣw² alone
// multiplies every weight by 1 − 2ηλ per plain (or momentum) update, so
// above ηλ = 1 the weights swing ever wider whatever the data; otherwise
// the learning rate overshoots the loss's own curvature.
func (m *model) divergedNote() string {
	loss, start := m.trainLoss[len(m.trainLoss)-1], m.trainLoss[0]
	var b strings.Builder
	fmt.Fprintf(&b, "Diverged at epoch %d: ", m.net.Epoch())
	if num.IsFinite(loss) && m.net.Finite() {
		fmt.Fprintf(&b, "the training loss grew to %s, over a million times its start %s, and training stopped. ",
			textfmt.Readable(loss, 3), textfmt.Readable(start, 3))
	} else {
		b.WriteString("the weights overflowed the largest number a computer holds, and training stopped. ")
	}
	if m.penalty == neural.PenaltyL2 && m.lr*m.penRate > 1 && (m.opt == "sgd" || m.opt == "momentum") {
		fmt.Fprintf(&b, "The weights grew without bound because the learning rate η = %g is too large for this L2 rate λ = %g: the penalty alone multiplies every weight by 1 − 2ηλ = %s at each update, so they flip sign and grow. Keep η·λ below about 1: lower η (or λ) and press Reset.",
			m.lr, m.penRate, textfmt.Readable(1-2*m.lr*m.penRate, 3))
		return b.String()
	}
	fmt.Fprintf(&b, "The learning rate η = %g is too large for this network: each update overshoots the minimum further than the last, so the weights grew without bound. Lower η and press Reset.", m.lr)
	return b.String()
}

func fmtMaybe(v float64, prec int) string {
	if math.IsNaN(v) {
		return "– (no validation samples)"
	}
	return textfmt.Fixed(v, prec)
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return textfmt.Fixed(100*v, 1) + "%"
}

func (m *model) Data() [][]string { return m.data.Rows() }
