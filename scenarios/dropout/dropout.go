// Package dropout is the dropout scenario: one over-sized network trained
// four times from the same initial weights on a few noisy samples, plain,
// with dropout, with an L2 penalty and with both, so the plain one's
// over-fitting and the remedies show side by side.
package dropout

import (
	_ "embed"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/neural"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

// Settings of the scenario.
const (
	maxSteps = 1000
	valShare = 0.5
	// The nets are evaluated on a mapNodes×mapNodes grid of corners and the
	// mapRes×mapRes raster interpolates between them bilinearly: smooth
	// outputs lose nothing visible and the four maps cost 4 × 256 forward
	// passes instead of 4 × 2304.
	mapNodes    = 16
	mapRes      = 48
	curvePoints = 80
)

// The network and its training: two hidden layers of tanh units, far more
// weights than samples, trained full batch by Adam.
const (
	hiddenUnits  = 24
	activation   = "tanh"
	optimizer    = "adam"
	learningRate = 0.01
)

// noisy is a data set offered and the noise that makes it noisy enough
// for a big net to memorise samples on the wrong side of the true border.
type noisy struct {
	dataset *classdata.Dataset
	noise   float64
}

// offered are the data sets, in the order the control lists them.
var offered = []noisy{
	{classdata.Moons, 2}, {classdata.Overlap, 0.6}, {classdata.XOR, 2}, {classdata.Circles, 1.5}, {classdata.Spiral, 0.8},
}

// noiseOf is the noise of each offered data set.
func noiseOf(d *classdata.Dataset) float64 {
	for _, o := range offered {
		if o.dataset == d {
			return o.noise
		}
	}
	panic("dropout: data set " + d.Name + " is not offered")
}

func datasets() []*classdata.Dataset {
	ds := make([]*classdata.Dataset, len(offered))
	for i, o := range offered {
		ds[i] = o.dataset
	}
	return ds
}

// The parameter table.
var (
	datasetParam = classdata.DatasetParam(classdata.Moons, datasets())
	nParam       = classdata.NParam(60, 400)
	dropoutParam = lab.Float(lab.Param{Name: "dropout", Label: "Dropout p", Default: "0.5", Min: 0, Max: 0.8, Step: 0.05,
		Help: "Probability of dropping each hidden unit during a training epoch (the dropout and dropout + L2 nets). Never applied when the losses are measured."})
	regRateParam = lab.Float(lab.Param{Name: "reg_rate", Label: "L2 penalty λ", Default: "0.003", Min: 0, Max: 0.1, Step: 0.001,
		Help: "Weight of the penalty λ Σ w² on every weight (the L2 and dropout + L2 nets)."})
	pointsParam = classdata.PointsParam()
)

// variant names, in panel order.
const (
	plain   = "plain"
	drop    = "dropout"
	l2      = "l2"
	both    = "both"
	plainIx = 0
)

var variantTitle = map[string]string{plain: "plain", drop: "dropout", l2: "L2", both: "dropout + L2"}

//go:embed explanation.html
var explanation string

// Scenario returns the dropout scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	panels := []lab.Panel{}
	for _, v := range []string{plain, drop, l2, both} {
		panels = append(panels, lab.Panel{Name: "map_" + v, Title: "Decision map: " + variantTitle[v], Points: pointsParam.Name(),
			Width: 3.6 * 72, Height: 3.3 * 72})
	}
	panels = append(panels,
		lab.Panel{Name: "curves", Title: "Train (solid) and validation (dashed) loss per epoch"},
		lab.Panel{Name: "accuracy", Title: "Train and validation accuracy now"})
	return &lab.Scenario{
		Slug:        "dropout",
		Title:       "Dropout and L2 against over-fitting",
		Chapter:     chapter,
		Summary:     "One big network, a few noisy samples, four trainings from the same weights: plain, with dropout, with L2, with both. Watch the plain one's validation loss turn up.",
		MaxSteps:    maxSteps,
		Speed:       20,
		ThumbStep:   300, // the catalogue's picture: the plain network has bent around noisy samples by then
		Params:      lab.Params(datasetParam, nParam, dropoutParam, regRateParam, pointsParam, lab.Seed),
		Panels:      panels,
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run: the data set and the four nets.
type model struct {
	set      *classdata.Set
	nets     *neural.RegularizedNets // nil until there is a training sample
	names    []string
	p, rate  float64
	curves   [][4][]float64 // per variant: train loss, validation loss, train accuracy, validation accuracy per epoch
	mapX     []float64      // map grid corners, row-major (x1, x2)
	mapProbs []float64
	// Each net's map raster and the epoch it was made at (+1; 0: none),
	// for the frame that splices it (PanelRaster) and the one that draws
	// the panel whole.
	rasters  []image.Image
	rastered []int
}

func newModel(v lab.Values) (lab.Model, error) {
	dataset := datasetParam.Get(v)
	set, err := classdata.Load(rand.New(rand.NewPCG(v.Seed(), 1)), classdata.Options{
		Dataset: dataset, N: nParam.Get(v), Noise: noiseOf(dataset), Classes: 2, TestShare: valShare, Points: pointsParam.Get(v),
	})
	if err != nil {
		return nil, err
	}
	m := &model{set: set, names: []string{plain, drop, l2, both}, p: dropoutParam.Get(v), rate: regRateParam.Get(v)}
	variants := []neural.RegularizedVariant{
		{}, {Dropout: m.p}, {L2: m.rate}, {Dropout: m.p, L2: m.rate}, // in the order of m.names
	}
	xTrain, yTrain := subset(set, set.Train)
	xVal, yVal := subset(set, set.Test)
	m.nets, err = neural.NewRegularizedNets(rand.New(rand.NewPCG(v.Seed(), 2)), xTrain, yTrain, xVal, yVal, neural.RegularizedConfig{
		Hidden: []int{hiddenUnits, hiddenUnits}, Activation: activation, LearningRate: learningRate, Optimizer: optimizer, Variants: variants,
	})
	if err != nil {
		return nil, fmt.Errorf("dropout: %w", err)
	}
	m.curves = make([][4][]float64, len(variants))
	m.record()
	// The map's grid corners, row j at x2 = ymin + j·dy.
	b := set.Bounds
	dx, dy := b.Width()/(mapNodes-1), b.Height()/(mapNodes-1)
	for j := range mapNodes {
		for i := range mapNodes {
			m.mapX = append(m.mapX, b.XMin+float64(i)*dx, b.YMin+float64(j)*dy)
		}
	}
	m.mapProbs = make([]float64, mapNodes*mapNodes)
	return m, nil
}

func subset(set *classdata.Set, idx []int) ([][]float64, []float64) {
	X, labels := set.Subset(idx)
	y := make([]float64, len(labels))
	for i, l := range labels {
		y[i] = float64(l)
	}
	return X, y
}

func (m *model) record() {
	for k := range m.curves {
		s := m.nets.Scores(k)
		for c, v := range []float64{s.TrainLoss, s.TestLoss, s.TrainAccuracy, s.TestAccuracy} {
			m.curves[k][c] = append(m.curves[k][c], v)
		}
	}
}

func (m *model) Step() error {
	m.nets.Step()
	m.record()
	return nil
}

func (m *model) Done() bool { return false }

// state is the frame's "state".
type state struct {
	Epoch     int            `json:"epoch"`
	TrainSize int            `json:"train_size"`
	ValSize   int            `json:"val_size"`
	Variants  []variantState `json:"variants"`
}

type variantState struct {
	Name          string  `json:"name"`
	Dropout       float64 `json:"dropout"`
	RegRate       float64 `json:"reg_rate"`
	TrainLoss     float64 `json:"train_loss"`
	ValLoss       float64 `json:"val_loss"`
	TrainAccuracy float64 `json:"train_accuracy"`
	ValAccuracy   float64 `json:"val_accuracy"`
	WeightNorm    float64 `json:"weight_norm"`
	// WeightsHash is an FNV-1a hash of every parameter's bits, in hex:
	// equal hashes mean equal networks.
	WeightsHash string `json:"weights_hash"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Epoch: m.nets.Epoch(), TrainSize: len(m.set.Train), ValSize: len(m.set.Test)}
	metrics := map[string]float64{}
	for k, v := range m.nets.Variants() {
		sc, name := m.nets.Scores(k), m.names[k]
		s.Variants = append(s.Variants, variantState{
			Name: name, Dropout: v.Dropout, RegRate: v.L2,
			TrainLoss: sc.TrainLoss, ValLoss: sc.TestLoss, TrainAccuracy: sc.TrainAccuracy, ValAccuracy: sc.TestAccuracy,
			WeightNorm: m.nets.WeightNorm(k), WeightsHash: strconv.FormatUint(m.nets.WeightsHash(k), 16),
		})
		metrics["train_loss_"+name] = sc.TrainLoss
		metrics["val_loss_"+name] = sc.TestLoss
		metrics["val_accuracy_"+name] = sc.TestAccuracy
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note(s)}
}

func (m *model) note(s state) string {
	v := s.Variants
	if s.Epoch == 0 {
		return fmt.Sprintf("Four copies of one 2-%d-%d-1 network with the same initial weights, %d training and %d validation samples. Each step trains every copy one full-batch epoch.",
			hiddenUnits, hiddenUnits, s.TrainSize, s.ValSize)
	}
	best := 0
	for k := range v {
		if v[k].ValLoss < v[best].ValLoss {
			best = k
		}
	}
	f := func(x float64) string { return textfmt.Fixed(x, 3) }
	text := fmt.Sprintf("Epoch %d. Validation loss (train loss): plain %s (%s), dropout %s (%s), L2 %s (%s), both %s (%s).",
		s.Epoch, f(v[0].ValLoss), f(v[0].TrainLoss), f(v[1].ValLoss), f(v[1].TrainLoss), f(v[2].ValLoss), f(v[2].TrainLoss), f(v[3].ValLoss), f(v[3].TrainLoss))
	curve := m.curves[plainIx][1]
	low := curve[0]
	for _, x := range curve {
		low = min(low, x)
	}
	switch {
	case m.p == 0 && m.rate == 0:
		text += " With p = 0 and λ = 0 all four are the same network."
	case v[0].ValLoss > 1.15*low && v[0].TrainLoss < v[0].ValLoss:
		text += fmt.Sprintf(" The plain net over-fits: its validation loss rose from its low of %s while its train loss keeps falling. Lowest validation loss now: %s.", f(low), variantTitle[v[best].Name])
	default:
		text += fmt.Sprintf(" Lowest validation loss now: %s.", variantTitle[v[best].Name])
	}
	return text
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	for k, name := range m.names {
		if panel == "map_"+name {
			return m.plotMap(k), nil
		}
	}
	switch panel {
	case "curves":
		return m.plotCurves(), nil
	case "accuracy":
		return m.plotAccuracy(), nil
	}
	return nil, fmt.Errorf("dropout: no panel %q", panel)
}

func (m *model) plotMap(k int) *plot.Plot {
	p := m.set.NewMap()
	viz.AddRegionRaster(p, m.set.Bounds, m.mapRaster(k))
	m.addTrainingSamples(p)
	return p
}

// mapRaster is net k's map at the current epoch, made once per epoch: its
// probabilities at the grid's corners, interpolated in each cell.
func (m *model) mapRaster(k int) image.Image {
	if m.rasters == nil {
		m.rasters, m.rastered = make([]image.Image, len(m.names)), make([]int, len(m.names))
	}
	epoch := len(m.curves[k][0])
	if m.rastered[k] == epoch+1 {
		return m.rasters[k]
	}
	m.nets.Probabilities(k, m.mapX, m.mapProbs)
	b := m.set.Bounds
	dx, dy := b.Width()/(mapNodes-1), b.Height()/(mapNodes-1)
	var probs [2]float64
	m.rasters[k] = classdata.BlendRaster(b, mapRes, 2, func(x, y float64) []float64 {
		u, v := (x-b.XMin)/dx, (y-b.YMin)/dy
		i, j := min(int(u), mapNodes-2), min(int(v), mapNodes-2)
		fu, fv := u-float64(i), v-float64(j)
		at := func(i, j int) float64 { return m.mapProbs[j*mapNodes+i] }
		q := (1-fv)*((1-fu)*at(i, j)+fu*at(i+1, j)) + fv*((1-fu)*at(i, j+1)+fu*at(i+1, j+1))
		probs = [2]float64{1 - q, q}
		return probs[:]
	})
	m.rastered[k] = epoch + 1
	return m.rasters[k]
}

// PanelRaster implements lab.RasterPanels: a map's samples and axes are
// the run's data, fixed by its URL; only the map under them changes.
func (m *model) PanelRaster(panel string) (version uint64, raster image.Image, ok bool) {
	for k, name := range m.names {
		if panel == "map_"+name {
			return 1, m.mapRaster(k), true
		}
	}
	return 0, nil, false
}

var _ lab.RasterPanels = (*model)(nil)

// addTrainingSamples draws the training samples as circles and the user's
// points as squares. The validation samples are left off the four maps to keep
// the frame small; the curves and bars report how the nets do on them.
func (m *model) addTrainingSamples(p *plot.Plot) {
	set := m.set
	gen := len(set.X) - set.User
	var X [][]float64
	var y []int
	for _, i := range set.Train {
		if i < gen {
			X, y = append(X, set.X[i]), append(y, set.Labels[i])
		}
	}
	viz.AddScatter(p, X, y, viz.ScatterStyle{Outline: true})
	if set.User > 0 {
		viz.AddScatter(p, set.X[gen:], set.Labels[gen:], viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
	viz.SetAxes(p, set.Bounds)
}

func (m *model) plotCurves() *plot.Plot {
	p := viz.NewPlot("", "epoch", "cross-entropy loss (log scale)")
	n := len(m.curves[0][0])
	top := 0.0
	for k, name := range m.names {
		for c, dashed := range []bool{false, true} {
			ys := m.curves[k][c]
			for _, y := range ys {
				if !math.IsInf(y, 0) {
					top = max(top, y)
				}
			}
			label := ""
			if !dashed {
				label = variantTitle[name]
			}
			c := viz.Curve{Values: ys, Color: viz.ClassColor(k), Label: label, Dashed: dashed}
			if n == 1 && !dashed {
				c.Dot = 3.5 // epoch 0, before any line: the shared starting loss
			}
			viz.AddHistory(p, curvePoints, c)
		}
	}
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0, max(float64(n-1), 20)
	p.Y.Max = max(top*1.3, 1)
	p.Y.Min = min(p.Y.Min, 0.05)
	p.Legend.Top, p.Legend.Left = false, true
	return p
}

func (m *model) plotAccuracy() *plot.Plot {
	p := viz.NewPlot("", "", "accuracy")
	xs := make([]float64, len(m.names))
	train, val := make([]float64, len(m.names)), make([]float64, len(m.names))
	ticks := make([]plot.Tick, len(m.names))
	for k, name := range m.names {
		xs[k] = float64(k)
		s := m.nets.Scores(k)
		train[k], val[k] = s.TrainAccuracy, s.TestAccuracy
		ticks[k] = plot.Tick{Value: float64(k), Label: variantTitle[name]}
	}
	shift := func(d float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = x + d
		}
		return out
	}
	viz.AddBars(p, shift(-0.19), train, 0.36, viz.RegionColor(0), "train")
	viz.AddBars(p, shift(0.19), val, 0.36, viz.ClassColor(0), "validation")
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.6, float64(len(xs))-0.4
	p.Y.Min, p.Y.Max = 0, 1.15
	p.Legend.Top, p.Legend.Left = true, false
	return p
}

func (m *model) Data() [][]string { return m.set.ValRows() }
