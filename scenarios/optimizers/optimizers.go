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
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/neural"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/textfmt"
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

// optimiser is one of the racers' update rules.
type optimiser struct {
	name    string  // as nn.NewOptimizer and the state name it
	title   string  // as the plots name it
	netRate float64 // base rate on the network's loss
}

var (
	sgd      = &optimiser{"sgd", "SGD", 0.5}
	momentum = &optimiser{"momentum", "Momentum", 0.05}
	rmsprop  = &optimiser{"rmsprop", "RMSProp", 0.01}
	adadelta = &optimiser{"adadelta", "Adadelta", 1}
	adam     = &optimiser{"adam", "Adam", 0.03}
	// optimisers are the racers in the order of their colours.
	optimisers = []*optimiser{sgd, momentum, rmsprop, adadelta, adam}
)

// course is one surface's race course: where the plot looks, where the
// race starts (before the seed's jitter) and each optimiser's base rate,
// picked so that each shows its character in a few hundred steps.
type course struct {
	surface neural.Surface
	window  viz.Box
	start   [2]float64
	jitter  [2]float64 // the start moves by up to ± this in x and y
	rates   map[*optimiser]float64
	legend  [2]bool // top, left: the corner the legend prefers, away from the valley
	// across, when set, is the coordinate across a valley's floor: the
	// note points out racers zig-zagging over it.
	across func(x, y float64) float64
}

func courseOption(c course) lab.Choice[course] { return lab.Option(c.surface.Name, c) }

// batch is how the network's samples are fed.
type batch struct {
	size  int
	words string // for the note
}

// The parameter table.
var (
	surfaceParam = lab.Enum(lab.Param{Name: "surface", Label: "Surface", Default: neural.Rosenbrock.Name,
		Help: "rosenbrock: a curved banana valley, minimum at (1, 1); saddle: x² − y², no minimum; ravine: a narrow valley 100 times steeper across than along, turned 30°; beale: plateaus and steep walls, minimum at (3, 0.5)."},
		courseOption(course{surface: neural.Rosenbrock, window: viz.Box{XMin: -2, XMax: 2, YMin: -1, YMax: 3}, start: [2]float64{-1.5, 2}, jitter: [2]float64{0.1, 0.1},
			rates: map[*optimiser]float64{sgd: 0.001, momentum: 0.001, rmsprop: 0.01, adadelta: 1, adam: 0.05}, legend: [2]bool{false, false}}),
		// The saddle race starts just off the ridge y = 0 (y between 0.001
		// and 0.003), where the push to leave is tiny.
		courseOption(course{surface: neural.Saddle, window: viz.Box{XMin: -2, XMax: 2, YMin: -2, YMax: 2}, start: [2]float64{1.5, 0.002}, jitter: [2]float64{0.1, 0.001},
			rates: map[*optimiser]float64{sgd: 0.01, momentum: 0.003, rmsprop: 0.01, adadelta: 1, adam: 0.01}, legend: [2]bool{false, true}}),
		// Far out along the floor of the ravine and 0.8 up its wall.
		courseOption(course{surface: neural.Ravine, window: viz.Box{XMin: -5, XMax: 5, YMin: -3.5, YMax: 3.5}, start: neural.RavinePoint(-4.5, 0.8), jitter: [2]float64{0.1, 0.1},
			rates: map[*optimiser]float64{sgd: 0.18, momentum: 0.03, rmsprop: 0.01, adadelta: 1, adam: 0.1}, legend: [2]bool{true, true},
			across: neural.RavineAcross}),
		courseOption(course{surface: neural.Beale, window: viz.Box{XMin: -0.5, XMax: 4.5, YMin: -1.5, YMax: 2.5}, start: [2]float64{1, 1.5}, jitter: [2]float64{0.1, 0.1},
			rates: map[*optimiser]float64{sgd: 0.003, momentum: 0.001, rmsprop: 0.01, adadelta: 1, adam: 0.03}, legend: [2]bool{false, true}}),
	)
	optimizersParam = lab.List(lab.Param{Name: "optimizers", Label: "Optimisers", Default: "sgd,momentum,rmsprop,adadelta,adam", MinItems: 1, MaxItems: len(optimisers),
		Help: "Which optimisers race (each in its own colour)."},
		lab.Option(sgd.name, sgd), lab.Option(momentum.name, momentum), lab.Option(rmsprop.name, rmsprop),
		lab.Option(adadelta.name, adadelta), lab.Option(adam.name, adam),
	)
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Rate multiplier", Default: "1", Min: 0.01, Max: 10, Step: 0.01,
		Help: "Multiplies every optimiser's base learning rate (the table in the explanation; the note lists the rates in use). Try 1.2 on the ravine, or 5 to make them diverge."})
	batchParam = lab.Enum(lab.Param{Name: "batch", Label: "Network batch", Default: "mini",
		Help: "How the network's 100 samples are fed per update: full: all of them (1 update an epoch); mini: shuffled batches of 10 (10 updates); one: one sample at a time (100 updates)."},
		lab.Option("full", batch{networkSamples, "full batch, 1 update an epoch"}),
		lab.Option("mini", batch{miniBatch, "mini-batches of 10, 10 updates an epoch"}),
		lab.Option("one", batch{1, "one sample at a time, 100 updates an epoch"}),
	)
)

// Scenario returns the optimizers scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "optimizers",
		Title:    "Optimizers: SGD, momentum, RMSProp, Adadelta, Adam",
		Chapter:  chapter,
		Summary:  "Five optimisers race down a 2-D loss surface (Rosenbrock, saddle, ravine, Beale) and train the same small network, with full-batch, mini-batch or one-sample updates.",
		MaxSteps: maxSteps,
		Speed:    10,
		Params:   lab.Params(surfaceParam, optimizersParam, lrParam, batchParam, lab.Seed),
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
	title    string
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
	lr          float64 // the rate multiplier
	surface     neural.Surface
	course      course
	start       [2]float64
	batch       batch
	racers      []*racer
	data        *classdata.Set
	step        int
	heat        []color.RGBA // the surface's heat map, see heatColours
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{surfaceName: surfaceParam.Text(v), lr: lrParam.Get(v), course: surfaceParam.Get(v), batch: batchParam.Get(v)}
	m.surface = m.course.surface
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
	mult := m.lr
	for _, o := range optimizersParam.Get(v) {
		r := &racer{name: o.name, title: o.title, colour: slices.Index(optimisers, o), rate: mult * m.course.rates[o], netRate: mult * o.netRate}
		r.descent = neural.NewSurfaceDescent(m.surface, m.start, mustOptimizer(o.name, r.rate))
		// Every optimiser trains the same initial network and sees the
		// same sequence of batches: only the update rule differs.
		net := nn.NewMLP(rand.New(rand.NewPCG(v.Seed(), 3)), []int{2, hidden, 1}, nn.Tanh, nn.Sigmoid, false)
		r.trainer = neural.NewMiniBatchTrainer(rand.New(rand.NewPCG(v.Seed(), 4)), net, X, y, m.batch.size, mustOptimizer(o.name, r.netRate))
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
	span := max(w.Width(), w.Height())
	return !(p[0] > w.XMin-escaped*span && p[0] < w.XMax+escaped*span && p[1] > w.YMin-escaped*span && p[1] < w.YMax+escaped*span)
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

// Done: the run ends at MaxSteps, or once every racer has left the map
// and every network has diverged, when nothing moves any more.
func (m *model) Done() bool {
	for _, r := range m.racers {
		if r.left == 0 || !r.diverged {
			return false
		}
	}
	return true
}

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
		Epoch: m.step, BatchSize: m.batch.size, Updates: map[string]int{}}
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
		fmt.Fprintf(&b, ". Each step: one update on the surface, one epoch of the network (%s).", m.batch.words)
		return b.String()
	}
	fmt.Fprintf(&b, "Step %d on %s: ", m.step, m.surfaceName)
	if m.surface.HasMinimum {
		b.WriteString(m.raceNote())
	} else {
		b.WriteString(m.saddleNote())
	}
	if m.course.across != nil {
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
	fmt.Fprintf(&b, " Network epoch %d (%s): ", m.step, m.batch.words)
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
			fmt.Fprintf(&b, " %s's network diverged: at rate %g its weights overflowed, so it stopped training; lower the rate multiplier lr.", r.name, r.netRate)
		}
	}
	return b.String()
}

// raceNote ranks the racers by distance to the minimum.
func (m *model) raceNote() string {
	in := slices.Clone(m.racers)
	var gone []string
	in = slices.DeleteFunc(in, func(r *racer) bool {
		if r.left > 0 {
			gone = append(gone, fmt.Sprintf("%s (η = %s, from step %d)", r.name, sci(r.rate), r.left))
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
		fmt.Fprintf(&b, " Diverged: %s. The learning rate was too large for the valley's curvature: each step overshot further than the last, until the point was a thousand map widths away and stopped. Lower the rate multiplier lr (now %g).",
			strings.Join(gone, ", "), m.lr)
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

// zigzags reports whether the last steps crossed the valley's floor back
// and forth visibly: at least 6 sign changes of the across coordinate in
// 10 steps, swinging more than 0.01 from the floor.
func (m *model) zigzags(r *racer) bool {
	t := r.trail
	if len(t) < 11 {
		return false
	}
	changes, swing := 0, 0.0
	across := m.course.across
	prev := across(t[len(t)-11][0], t[len(t)-11][1])
	for _, p := range t[len(t)-10:] {
		v := across(p[0], p[1])
		if v*prev < 0 {
			changes++
		}
		prev, swing = v, max(swing, math.Abs(v))
	}
	return changes >= 6 && swing > 0.01
}

func f3(v float64) string  { return textfmt.Fixed(v, 3) }
func sci(v float64) string { return textfmt.Sig(v, 3) }

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
			x, y := w.CellCentre(i, j, surfaceRes)
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

// casing is the translucent white drawn under the racers' trails and
// markers on the heat map.
var casing = color.NRGBA{0xFF, 0xFF, 0xFF, 0xC0}

func (m *model) plotSurface() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	w := m.course.window
	heat := m.heat
	// The surface does not change during a run: one dense PNG, cached.
	viz.AddRegionRaster(p, w, viz.Dense(viz.RegionRaster(w, surfaceRes, func(x, y float64) color.RGBA {
		i, j := w.Cell(x, y, surfaceRes)
		return heat[j*surfaceRes+i]
	})))
	minLabel := "minimum"
	if !m.surface.HasMinimum {
		minLabel = "saddle point"
	}
	viz.AddMarkers(p, [][]float64{m.surface.Minimum[:]}, []int{-1}, "cross", 8)
	p.Legend.Add(minLabel, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.Neutral, Radius: 4, Shape: draw.CrossGlyph{}}})
	trails := make([][][]float64, len(optimisers))
	for _, r := range m.racers {
		trails[r.colour] = thin(r.trail, maxTrail)
	}
	// A pale casing under every trail and marker keeps the blue and green
	// racers visible on the blue and teal heat map.
	for _, tr := range trails {
		if len(tr) > 1 {
			xys := make(plotter.XYs, len(tr))
			for k, pt := range tr {
				xys[k] = plotter.XY{X: pt[0], Y: pt[1]}
			}
			p.Add(&plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: casing, Width: 3.5}})
		}
	}
	viz.AddTrails(p, trails)
	var now [][]float64
	var classes []int
	for _, r := range m.racers {
		pos := r.descent.Position()
		now, classes = append(now, pos[:]), append(classes, r.colour)
		p.Legend.Add(r.title, &plotter.Line{LineStyle: draw.LineStyle{Color: viz.ClassColor(r.colour), Width: 2}})
	}
	casings := make(plotter.XYs, len(now))
	for k, pt := range now {
		casings[k] = plotter.XY{X: pt[0], Y: pt[1]}
	}
	p.Add(&plotter.Scatter{XYs: casings, GlyphStyle: draw.GlyphStyle{Color: casing, Radius: 7, Shape: draw.CircleGlyph{}}})
	viz.AddMarkers(p, now, classes, "circle", 5)
	// The legend goes where the race does not, by preference.
	p.Legend.Top, p.Legend.Left = m.course.legend[0], m.course.legend[1]
	viz.SetAxes(p, w)
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
		viz.AddHistory(p, maxCurve, viz.Curve{Values: r.dist, Color: viz.ClassColor(r.colour), Label: r.title, Dot: 3})
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
	p.Legend.Top, p.Legend.Left = !m.surface.HasMinimum, false
	return p
}

func (m *model) plotNetwork() *plot.Plot {
	p := viz.NewPlot("", "epoch", "cross-entropy on the 100 moons (log scale)")
	lo, hi := math.Inf(1), 0.0
	for _, r := range m.racers {
		viz.AddHistory(p, maxCurve, viz.Curve{Values: r.loss, Color: viz.ClassColor(r.colour), Label: r.title, Dot: 3})
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
