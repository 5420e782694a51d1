// Package optimizers is the optimizers scenario: SGD, momentum, RMSProp,
// Adadelta and Adam racing down a 2-D loss surface with their trails, and
// the same optimisers training one small network, with full-batch,
// mini-batch or one-sample updates.
package optimizers

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/neural"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

//go:embed explanation.html
var explanation string

// Limits and look of the scenario.
const (
	maxSteps = 500
	// networkSamples moons train the network; hidden units of its one
	// tanh layer; miniBatch is the size of the "mini" batches.
	networkSamples = 100
	hidden         = 6
	miniBatch      = 10
	// surfaceRes is the heat map's resolution, surfaceBands its flat
	// colour bands, whose edges are the contour lines.
	surfaceRes   = 90
	surfaceBands = 14
	maxTrail     = 40
	maxCurve     = 60
	// escaped: a point this many window widths from the window has left
	// for good (diverged, or slid off the saddle) and is no longer moved.
	escaped = 1000
)

// names are the optimisers in the order of their colours.
var names = []string{"sgd", "momentum", "rmsprop", "adadelta", "adam"}

// titles are the optimisers as the plots name them.
var titles = map[string]string{"sgd": "SGD", "momentum": "Momentum", "rmsprop": "RMSProp", "adadelta": "Adadelta", "adam": "Adam"}

// course is one surface's race course: where the plot looks, where the
// race starts (before the seed's jitter) and each optimiser's base rate,
// picked so that each shows its character in a few hundred steps.
type course struct {
	window [4]float64 // xmin, xmax, ymin, ymax
	start  [2]float64
	jitter [2]float64 // the start moves by up to ± this in x and y
	rates  map[string]float64
	legend [2]bool // top, left: the corner the legend takes
}

var courses = map[string]course{
	"rosenbrock": {window: [4]float64{-2, 2, -1, 3}, start: [2]float64{-1.5, 2}, jitter: [2]float64{0.1, 0.1},
		rates: map[string]float64{"sgd": 0.001, "momentum": 0.001, "rmsprop": 0.01, "adadelta": 1, "adam": 0.05}, legend: [2]bool{true, false}},
	// The saddle race starts just off the ridge y = 0 (y between 0.001
	// and 0.003), where the push to leave is tiny.
	"saddle": {window: [4]float64{-2, 2, -2, 2}, start: [2]float64{1.5, 0.002}, jitter: [2]float64{0.1, 0.001},
		rates: map[string]float64{"sgd": 0.01, "momentum": 0.003, "rmsprop": 0.01, "adadelta": 1, "adam": 0.01}, legend: [2]bool{false, true}},
	// Far out along the floor of the ravine and 0.8 up its wall.
	"ravine": {window: [4]float64{-5, 5, -3.5, 3.5}, start: neural.RavinePoint(-4.5, 0.8), jitter: [2]float64{0.1, 0.1},
		rates: map[string]float64{"sgd": 0.18, "momentum": 0.03, "rmsprop": 0.01, "adadelta": 1, "adam": 0.1}, legend: [2]bool{true, true}},
	"beale": {window: [4]float64{-0.5, 4.5, -1.5, 2.5}, start: [2]float64{1, 1.5}, jitter: [2]float64{0.1, 0.1},
		rates: map[string]float64{"sgd": 0.003, "momentum": 0.001, "rmsprop": 0.01, "adadelta": 1, "adam": 0.03}, legend: [2]bool{false, true}},
}

// networkRates are the base rates on the network's loss.
var networkRates = map[string]float64{"sgd": 0.5, "momentum": 0.05, "rmsprop": 0.01, "adadelta": 1, "adam": 0.03}

// batchSizes are the batch options.
var batchSizes = map[string]int{"full": networkSamples, "mini": miniBatch, "one": 1}

// Scenario returns the optimizers scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "optimizers",
		Title:    "Optimizers: SGD, momentum, RMSProp, Adadelta, Adam",
		Chapter:  chapter,
		Summary:  "Five optimisers race down a 2-D loss surface (Rosenbrock, saddle, ravine, Beale) and train the same small network, with full-batch, mini-batch or one-sample updates.",
		MaxSteps: maxSteps,
		Speed:    10,
		Params: []lab.Param{
			{Name: "surface", Label: "Surface", Kind: lab.KindEnum, Default: "rosenbrock", Options: []string{"rosenbrock", "saddle", "ravine", "beale"},
				Help: "rosenbrock: a curved banana valley, minimum at (1, 1); saddle: x² − y², no minimum; ravine: a narrow valley 100 times steeper across than along, turned 30°; beale: plateaus and steep walls, minimum at (3, 0.5)."},
			{Name: "optimizers", Label: "Optimisers", Kind: lab.KindList, Default: strings.Join(names, ","), Options: names, MinItems: 1, MaxItems: len(names),
				Help: "Which optimisers race (each in its own colour)."},
			{Name: "lr", Label: "Rate multiplier", Kind: lab.KindFloat, Default: "1", Min: 0.01, Max: 10, Step: 0.01,
				Help: "Multiplies every optimiser's base learning rate (the table in the explanation; the note lists the rates in use). Try 1.2 on the ravine, or 5 to make them diverge."},
			{Name: "batch", Label: "Network batch", Kind: lab.KindEnum, Default: "mini", Options: []string{"full", "mini", "one"},
				Help: "How the network's 100 samples are fed per update: full: all of them (1 update an epoch); mini: shuffled batches of 10 (10 updates); one: one sample at a time (100 updates)."},
			lab.SeedParam(),
		},
		Panels: []lab.Panel{
			{Name: "surface", Title: "The race on the loss surface (log-scaled heat map)"},
			{Name: "distance", Title: "Distance to the minimum per step"},
			{Name: "network", Title: "Network training loss per epoch"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// racer is one optimiser on the surface and on the network.
type racer struct {
	name     string
	colour   int
	rate     float64 // on the surface
	netRate  float64
	descent  *neural.SurfaceDescent
	trail    [][]float64
	dist     []float64 // per step, to the minimum (or saddle point)
	left     int       // step at which it left for good, 0 while racing
	trainer  *neural.MiniBatchTrainer
	loss     []float64 // per epoch
	diverged bool      // the network's weights overflowed
}

// model is one run.
type model struct {
	surfaceName string
	surface     neural.Surface
	course      course
	start       [2]float64
	batch       string
	racers      []*racer
	data        *classdata.Set
	step        int
	heat        []color.RGBA // the surface's heat map, see heatColours
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{surfaceName: v.String("surface"), batch: v.String("batch")}
	m.surface, m.course = neural.Surfaces[m.surfaceName], courses[m.surfaceName]
	m.heat = m.heatColours()
	jit := rand.New(rand.NewPCG(v.Seed(), 1))
	for k := range 2 {
		m.start[k] = m.course.start[k] + m.course.jitter[k]*(2*jit.Float64()-1)
	}
	var err error
	m.data, err = classdata.Load(rand.New(rand.NewPCG(v.Seed(), 2)), classdata.Options{Dataset: classdata.Moons, N: networkSamples, Noise: 1})
	if err != nil {
		return nil, fmt.Errorf("optimizers: %w", err)
	}
	X, labels := m.data.Subset(m.data.Train)
	y := make([]float64, len(labels))
	for i, l := range labels {
		y[i] = float64(l)
	}
	mult := v.Float("lr")
	for _, name := range v.List("optimizers") {
		r := &racer{name: name, colour: slices.Index(names, name), rate: mult * m.course.rates[name], netRate: mult * networkRates[name]}
		r.descent = neural.NewSurfaceDescent(m.surface, m.start, mustOptimizer(name, r.rate))
		// Every optimiser trains the same initial network and sees the
		// same sequence of batches: only the update rule differs.
		net := nn.NewMLP(rand.New(rand.NewPCG(v.Seed(), 3)), []int{2, hidden, 1}, nn.Tanh, nn.Sigmoid, false)
		r.trainer = neural.NewMiniBatchTrainer(rand.New(rand.NewPCG(v.Seed(), 4)), net, X, y, batchSizes[m.batch], mustOptimizer(name, r.netRate))
		m.racers = append(m.racers, r)
		m.record(r)
	}
	return m, nil
}

func mustOptimizer(name string, lr float64) nn.Optimizer {
	opt, err := nn.NewOptimizer(name, lr)
	if err != nil {
		panic("optimizers: " + err.Error())
	}
	return opt
}

func (m *model) record(r *racer) {
	p := r.descent.Position()
	r.trail = append(r.trail, []float64{p[0], p[1]})
	r.dist = append(r.dist, math.Hypot(p[0]-m.surface.Minimum[0], p[1]-m.surface.Minimum[1]))
	if r.trainer.Finite() {
		r.loss = append(r.loss, r.trainer.Loss())
	} else {
		r.diverged = true
		r.loss = append(r.loss, math.NaN())
	}
}

// outside reports whether p is so far from the window that it will not come back.
func (m *model) outside(p [2]float64) bool {
	w := m.course.window
	span := max(w[1]-w[0], w[3]-w[2])
	return !(p[0] > w[0]-escaped*span && p[0] < w[1]+escaped*span && p[1] > w[2]-escaped*span && p[1] < w[3]+escaped*span)
}

func (m *model) Step() error {
	m.step++
	for _, r := range m.racers {
		if r.left == 0 {
			r.descent.Step()
			if m.outside(r.descent.Position()) {
				r.left = m.step
			}
		}
		if !r.diverged {
			r.trainer.Step()
		}
		m.record(r)
	}
	return nil
}

func (m *model) Done() bool { return false } // the run ends at MaxSteps

// state is the frame's "state".
type state struct {
	Surface      string                `json:"surface"`
	Start        [2]float64            `json:"start"`
	Minimum      [2]float64            `json:"minimum"` // the saddle point on the saddle
	Positions    map[string][2]float64 `json:"positions"`
	F            lab.Metrics           `json:"f"`
	Rates        map[string]float64    `json:"rates"`
	NetworkRates map[string]float64    `json:"network_rates"`
	Loss         lab.Metrics           `json:"loss"`
	Epoch        int                   `json:"epoch"`
	BatchSize    int                   `json:"batch_size"`
	Updates      map[string]int        `json:"updates"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Surface: m.surfaceName, Start: m.start, Minimum: m.surface.Minimum, Positions: map[string][2]float64{},
		F: lab.Metrics{}, Rates: map[string]float64{}, NetworkRates: map[string]float64{}, Loss: lab.Metrics{},
		Epoch: m.step, BatchSize: batchSizes[m.batch], Updates: map[string]int{}}
	metrics := map[string]float64{}
	for _, r := range m.racers {
		p := r.descent.Position()
		s.Positions[r.name] = p
		f := r.descent.Value()
		s.F[r.name], metrics["f_"+r.name] = f, f
		s.Rates[r.name], s.NetworkRates[r.name] = r.rate, r.netRate
		loss := r.loss[len(r.loss)-1]
		s.Loss[r.name], metrics["loss_"+r.name] = loss, loss
		s.Updates[r.name] = r.trainer.Updates()
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

// note narrates the race.
func (m *model) note() string {
	var b strings.Builder
	if m.step == 0 {
		fmt.Fprintf(&b, "Start at (%s, %s) on %s. Rates: ", f3(m.start[0]), f3(m.start[1]), m.surfaceName)
		for i, r := range m.racers {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %g (network %g)", r.name, r.rate, r.netRate)
		}
		fmt.Fprintf(&b, ". Each step: one update on the surface, one epoch of the network (%s).", m.batchWords())
		return b.String()
	}
	fmt.Fprintf(&b, "Step %d on %s: ", m.step, m.surfaceName)
	switch m.surfaceName {
	case "saddle":
		b.WriteString(m.saddleNote())
	default:
		b.WriteString(m.raceNote())
	}
	if m.surfaceName == "ravine" {
		var zig []string
		for _, r := range m.racers {
			if r.left == 0 && m.zigzags(r) {
				zig = append(zig, r.name)
			}
		}
		if len(zig) > 0 {
			fmt.Fprintf(&b, " Zig-zagging across the ravine: %s.", strings.Join(zig, ", "))
		}
	}
	fmt.Fprintf(&b, " Network epoch %d (%s): ", m.step, m.batchWords())
	best, worst := (*racer)(nil), (*racer)(nil)
	for _, r := range m.racers {
		l := r.loss[len(r.loss)-1]
		if math.IsNaN(l) {
			continue
		}
		if best == nil || l < best.loss[len(best.loss)-1] {
			best = r
		}
		if worst == nil || l > worst.loss[len(worst.loss)-1] {
			worst = r
		}
	}
	if best != nil {
		fmt.Fprintf(&b, "lowest loss %s %s", best.name, f3(best.loss[len(best.loss)-1]))
		if worst != best {
			fmt.Fprintf(&b, ", highest %s %s", worst.name, f3(worst.loss[len(worst.loss)-1]))
		}
		b.WriteString(".")
	}
	for _, r := range m.racers {
		if r.diverged {
			fmt.Fprintf(&b, " %s's network diverged (rate %g too large).", r.name, r.netRate)
		}
	}
	return b.String()
}

func (m *model) batchWords() string {
	switch m.batch {
	case "full":
		return "full batch, 1 update an epoch"
	case "one":
		return "one sample at a time, 100 updates an epoch"
	}
	return "mini-batches of 10, 10 updates an epoch"
}

// raceNote ranks the racers by distance to the minimum.
func (m *model) raceNote() string {
	in := slices.Clone(m.racers)
	var gone []string
	in = slices.DeleteFunc(in, func(r *racer) bool {
		if r.left > 0 {
			gone = append(gone, r.name)
		}
		return r.left > 0
	})
	slices.SortStableFunc(in, func(a, b *racer) int {
		da, db := a.dist[len(a.dist)-1], b.dist[len(b.dist)-1]
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	var b strings.Builder
	if len(in) > 0 {
		lead := in[0]
		fmt.Fprintf(&b, "%s leads, %s from the minimum (f = %s)", lead.name, sci(lead.dist[len(lead.dist)-1]), sci(lead.descent.Value()))
		if len(in) > 1 {
			last := in[len(in)-1]
			fmt.Fprintf(&b, "; %s trails, %s away", last.name, sci(last.dist[len(last.dist)-1]))
		}
		b.WriteString(".")
	}
	if len(gone) > 0 {
		fmt.Fprintf(&b, " Diverged: %s (rate too large).", strings.Join(gone, ", "))
	}
	return b.String()
}

// saddleNote says who has escaped the saddle (|y| > 1) and who has not.
func (m *model) saddleNote() string {
	var out, near []string
	for _, r := range m.racers {
		p := r.descent.Position()
		if r.left > 0 || math.Abs(p[1]) > 1 {
			out = append(out, fmt.Sprintf("%s (f = %s)", r.name, sci(r.descent.Value())))
		} else {
			near = append(near, fmt.Sprintf("%s (|y| = %s)", r.name, sci(math.Abs(p[1]))))
		}
	}
	switch {
	case len(near) == 0:
		return "everyone has escaped the saddle: " + strings.Join(out, ", ") + "."
	case len(out) == 0:
		return "nobody has escaped the saddle yet: " + strings.Join(near, ", ") + "."
	}
	return "escaped: " + strings.Join(out, ", ") + "; still near the saddle: " + strings.Join(near, ", ") + "."
}

// zigzags reports whether the last steps crossed the ravine's floor back
// and forth visibly: at least 6 sign changes of the across coordinate in
// 10 steps, swinging more than 0.01 from the floor.
func (m *model) zigzags(r *racer) bool {
	t := r.trail
	if len(t) < 11 {
		return false
	}
	changes, swing := 0, 0.0
	prev := neural.RavineAcross(t[len(t)-11][0], t[len(t)-11][1])
	for _, p := range t[len(t)-10:] {
		v := neural.RavineAcross(p[0], p[1])
		if v*prev < 0 {
			changes++
		}
		prev, swing = v, max(swing, math.Abs(v))
	}
	return changes >= 6 && swing > 0.01
}

func f3(v float64) string  { return strconv.FormatFloat(v, 'f', 3, 64) }
func sci(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "surface":
		return m.plotSurface(), nil
	case "distance":
		return m.plotDistance(), nil
	case "network":
		return m.plotNetwork(), nil
	}
	return nil, fmt.Errorf("optimizers: no panel %q", panel)
}

// heatColours computes the heat map's cell colours, row-major from (xmin,
// ymin), once per run: the surface never changes. The colour is
// log(1 + f − fmin) relative to its largest value in the window, in
// surfaceBands flat bands, so valleys and walls both show contours.
func (m *model) heatColours() []color.RGBA {
	w := m.course.window
	vals := make([]float64, surfaceRes*surfaceRes)
	fmin, fmax := math.Inf(1), math.Inf(-1)
	for j := range surfaceRes {
		for i := range surfaceRes {
			x, y := cellCentre(w, i, j)
			f := m.surface.F(x, y)
			vals[j*surfaceRes+i] = f
			fmin, fmax = min(fmin, f), max(fmax, f)
		}
	}
	if m.surface.HasMinimum {
		fmin = min(fmin, m.surface.F(m.surface.Minimum[0], m.surface.Minimum[1]))
	}
	top := math.Log1p(fmax - fmin)
	heat := make([]color.RGBA, len(vals))
	for k, f := range vals {
		heat[k] = viz.RampBands(math.Log1p(f-fmin)/top, surfaceBands)
	}
	return heat
}

// cellCentre is the centre of cell (i, j) of the heat map over w.
func cellCentre(w [4]float64, i, j int) (x, y float64) {
	return w[0] + (w[1]-w[0])*(float64(i)+0.5)/surfaceRes, w[2] + (w[3]-w[2])*(float64(j)+0.5)/surfaceRes
}

func (m *model) plotSurface() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	w := m.course.window
	heat := m.heat
	viz.AddRegionMap(p, w[0], w[1], w[2], w[3], surfaceRes, func(x, y float64) color.Color {
		i := min(max(int((x-w[0])/(w[1]-w[0])*surfaceRes), 0), surfaceRes-1)
		j := min(max(int((y-w[2])/(w[3]-w[2])*surfaceRes), 0), surfaceRes-1)
		return heat[j*surfaceRes+i]
	})
	minLabel := "minimum"
	if !m.surface.HasMinimum {
		minLabel = "saddle point"
	}
	viz.AddMarkers(p, [][]float64{m.surface.Minimum[:]}, []int{-1}, "cross", 8)
	p.Legend.Add(minLabel, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.Neutral, Radius: 4, Shape: draw.CrossGlyph{}}})
	texts := []string{minLabel}
	trails := make([][][]float64, len(names))
	for _, r := range m.racers {
		trails[r.colour] = thin(r.trail, maxTrail)
	}
	viz.AddTrails(p, trails)
	var now [][]float64
	var classes []int
	for _, r := range m.racers {
		pos := r.descent.Position()
		now, classes = append(now, pos[:]), append(classes, r.colour)
		p.Legend.Add(titles[r.name], &plotter.Line{LineStyle: draw.LineStyle{Color: viz.ClassColor(r.colour), Width: 2}})
		texts = append(texts, titles[r.name])
	}
	viz.AddMarkers(p, now, classes, "circle", 4.5)
	// The legend goes where the race does not.
	p.Legend.Top, p.Legend.Left = m.course.legend[0], m.course.legend[1]
	p.Legend.YOffs = map[bool]vg.Length{true: -4, false: 4}[p.Legend.Top]
	p.Legend.XOffs = map[bool]vg.Length{true: 4, false: -4}[p.Legend.Left]
	p.Add(legendBackdrop{legend: &p.Legend, texts: texts})
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = w[0], w[1], w[2], w[3]
	return p
}

// thin keeps at most n vertices of a path: all of the first half, then
// evenly spaced ones, and always the last.
func thin(path [][]float64, n int) [][]float64 {
	if len(path) <= n {
		return path
	}
	head := n / 2
	out := append([][]float64(nil), path[:head]...)
	rest := len(path) - head
	for k := range n - head {
		out = append(out, path[head+k*(rest-1)/(n-head-1)])
	}
	return out
}

func (m *model) plotDistance() *plot.Plot {
	label := "distance to the minimum (log scale)"
	if !m.surface.HasMinimum {
		label = "distance from the saddle point (log scale)"
	}
	p := viz.NewPlot("", "step", label)
	lo, hi := math.Inf(1), 0.0
	for _, r := range m.racers {
		xs := make([]float64, len(r.dist))
		for i := range xs {
			xs[i] = float64(i)
		}
		dx, dy := viz.Decimate(xs, r.dist, maxCurve)
		viz.AddLine(p, dx, dy, viz.ClassColor(r.colour), titles[r.name], false)
		last := len(r.dist) - 1
		viz.AddScatter(p, [][]float64{{xs[last], r.dist[last]}}, []int{r.colour}, viz.ScatterStyle{Radius: 3})
		for _, d := range r.dist {
			if d > 0 && !math.IsInf(d, 0) {
				lo, hi = min(lo, d), max(hi, d)
			}
		}
	}
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0, max(float64(m.step), 20)
	if hi > 0 {
		p.Y.Min, p.Y.Max = max(lo/2, 1e-9), hi*2
	}
	p.Legend.Top, p.Legend.Left = m.surfaceName == "saddle", false
	return p
}

func (m *model) plotNetwork() *plot.Plot {
	p := viz.NewPlot("", "epoch", "cross-entropy on the 100 moons (log scale)")
	lo, hi := math.Inf(1), 0.0
	for _, r := range m.racers {
		xs := make([]float64, len(r.loss))
		for i := range xs {
			xs[i] = float64(i)
		}
		dx, dy := viz.Decimate(xs, r.loss, maxCurve)
		viz.AddLine(p, dx, dy, viz.ClassColor(r.colour), titles[r.name], false)
		last := len(r.loss) - 1
		viz.AddScatter(p, [][]float64{{xs[last], r.loss[last]}}, []int{r.colour}, viz.ScatterStyle{Radius: 3})
		for _, l := range r.loss {
			if l > 0 && !math.IsInf(l, 0) {
				lo, hi = min(lo, l), max(hi, l)
			}
		}
	}
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0, max(float64(m.step), 20)
	if hi > 0 {
		p.Y.Min, p.Y.Max = max(lo/1.5, viz.LogFloor), hi*1.5
	}
	p.Legend.Top, p.Legend.Left = false, true // early epochs are all high
	return p
}

// Data is the network's training set: x1, x2, label, split.
func (m *model) Data() [][]string { return m.data.Rows() }
