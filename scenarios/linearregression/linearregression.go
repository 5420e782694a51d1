// Package linearregression is the linear-regression scenario: a line
// y = θ₀ + θ₁x fitted by gradient descent, its path over the (θ₀, θ₁) loss
// contours towards the normal-equations solution, and what happens when
// the learning rate is too large.
package linearregression

import (
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

//go:embed explanation.html
var explanation string

// Limits and look of the scenario.
const (
	maxSteps = 3000
	// converged is the gradient norm at which nothing visible is left to do.
	converged = 1e-6
	// xLo, xHi is where generated x values fall: on [0, 2] the intercept
	// and slope move the loss by comparable amounts, and the contours are
	// tilted ellipses (x̄ ≠ 0 couples θ₀ and θ₁).
	xLo, xHi = 0.0, 2.0
	// contourRes is the raster's resolution, contourBands its colour bands.
	contourRes   = 90
	contourBands = 12
	// maxPathPoints bounds the vertices of the drawn descent path.
	maxPathPoints = 120
	maxCurve      = 240
)

// truth is the line the samples are drawn around; its slope sends the
// start θ = (0, 0) along the loss valley rather than straight down it.
var truth = [2]float64{2.5, -1}

// The parameter table.
var (
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.3", Min: 0.001, Max: 2, Step: 0.001,
		Help: "Step size of gradient descent. Above 2/h (h the largest curvature of the loss, shown in the note; about 0.49 for the default data) every step overshoots and the run diverges."})
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples", Default: "30", Min: 0, Max: 200, Step: 1,
		Help: "Noisy samples of the line y = 2.5 − x drawn with x between 0 and 2 (0: only the points you click)."})
	noiseParam = lab.Float(lab.Param{Name: "noise", Label: "Noise σ", Default: "0.4", Min: 0, Max: 3, Step: 0.05,
		Help: "Standard deviation of the Gaussian noise added to y."})
	pointsParam = lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "",
		Help: "Points you added by clicking on the data plot; they join the samples."})
)

// Scenario returns the linear-regression scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "linear-regression",
		Title:    "Linear regression: normal equations vs gradient descent",
		Chapter:  chapter,
		Summary:  "Gradient descent walks over the (b, w) loss contours to the point the normal equations give in one shot; a learning rate too large overshoots and diverges.",
		MaxSteps: maxSteps,
		Speed:    15,
		Params:   lab.Params(lrParam, nParam, noiseParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "data", Title: "The data and the fitted line", Points: pointsParam.Name()},
			{Name: "contours", Title: "The descent path over the MSE contours"},
			{Name: "loss", Title: "MSE per epoch"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one linear-regression run.
type model struct {
	x, y       []float64
	generated  int // samples before the user's points
	lr         float64
	gd         *linear.RegressionGD // nil when the data cannot fix a line
	why        string               // why gd is nil
	closedForm []float64
	minMSE     float64
	path       [][]float64 // (b, w) after every epoch, the start first
	mse        []float64   // per epoch
	dataBox    viz.Box
	window     viz.Box // of the contour panel: b on x, w on y
	// The contour panel's surface and level lines, made at its first
	// drawing: the data and the window are fixed for the model's life.
	surface      image.Image
	surfaceLines []plotter.XYs
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	m := &model{lr: lrParam.Get(v)}
	m.x, m.y = dataset.NoisyCurve(rng, nParam.Get(v), func(x float64) float64 { return truth[0] + truth[1]*x }, xLo, xHi, noiseParam.Get(v))
	m.generated = len(m.x)
	for _, p := range pointsParam.Get(v) {
		m.x = append(m.x, p.X)
		m.y = append(m.y, p.Y)
	}
	m.dataBox = dataBounds(m.x, m.y)
	X := make([][]float64, len(m.x))
	for i, xi := range m.x {
		X[i] = []float64{xi}
	}
	var err error
	if m.closedForm, err = linear.NormalEquations(X, m.y); err != nil {
		// Fewer than two samples, or all at one x: no unique line.
		m.why = fmt.Sprintf("A line needs at least two samples with different x; there are %d samples", len(m.x))
		if len(m.x) >= 2 {
			m.why += ", all at the same x"
		}
		m.why += ". Click on the data plot to add points."
		return m, nil
	}
	if m.gd, err = linear.NewRegressionGD(X, m.y, nil, m.lr); err != nil {
		return nil, fmt.Errorf("linearregression: %w", err)
	}
	m.minMSE = m.gd.MSEAt(m.closedForm)
	m.window = contourWindow(m.gd.Theta(), m.closedForm)
	m.record()
	return m, nil
}

// dataBounds pads the box of the samples and the generated x range.
func dataBounds(x, y []float64) viz.Box {
	b := viz.Box{XMin: xLo, XMax: xHi, YMin: truth[0] + truth[1]*xHi, YMax: truth[0] + truth[1]*xLo}
	for i := range x {
		b.XMin, b.XMax = min(b.XMin, x[i]), max(b.XMax, x[i])
		b.YMin, b.YMax = min(b.YMin, y[i]), max(b.YMax, y[i])
	}
	return b.Pad(0.1)
}

// contourWindow is a square window around the start and θ*, with margins,
// so the ellipses keep their true shape.
func contourWindow(start, opt []float64) viz.Box {
	cx, cy := (start[0]+opt[0])/2, (start[1]+opt[1])/2
	half := max(math.Abs(start[0]-opt[0]), math.Abs(start[1]-opt[1]), 1)/2*1.5 + 0.3
	return viz.Box{XMin: cx - half, XMax: cx + half, YMin: cy - half, YMax: cy + half}
}

func (m *model) record() {
	m.path = append(m.path, m.gd.Theta())
	m.mse = append(m.mse, m.gd.MSE())
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	e := m.gd.Epoch()
	m.gd.Step()
	if m.gd.Epoch() > e { // a non-finite step is not taken
		m.record()
	}
	return nil
}

func (m *model) Done() bool {
	return m.gd == nil || m.gd.Diverged() || m.gd.GradientNorm() < converged
}

// state is the frame's "state": what a test needs to check the algorithm.
type state struct {
	Theta           []float64 `json:"theta"`             // GD's current θ, intercept first
	ThetaClosedForm []float64 `json:"theta_closed_form"` // normal equations
	Epoch           int       `json:"epoch"`
	LearningRate    float64   `json:"learning_rate"`
	MaxStableRate   float64   `json:"max_stable_learning_rate"` // 2/h
	GradientNorm    float64   `json:"gradient_norm"`
	Diverged        bool      `json:"diverged"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.gd == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Theta: []float64{}, ThetaClosedForm: []float64{}, LearningRate: m.lr},
			Note:    m.why,
		}
	}
	return lab.Snapshot{
		Metrics: map[string]float64{"mse": m.gd.MSE()},
		State: state{
			Theta:           m.gd.Theta(),
			ThetaClosedForm: m.closedForm,
			Epoch:           m.gd.Epoch(),
			LearningRate:    m.lr,
			MaxStableRate:   m.gd.MaxStableLearningRate(),
			GradientNorm:    m.gd.GradientNorm(),
			Diverged:        m.gd.Diverged(),
		},
		Note: m.note(),
	}
}

func f3(v float64) string { return textfmt.Fixed(v, 3) }

func g3(v float64) string { return textfmt.Sig(v, 4) }

func pair(t []float64) string { return "(" + f3(t[0]) + ", " + f3(t[1]) + ")" }

func (m *model) note() string {
	gd := m.gd
	limit := gd.MaxStableLearningRate()
	tooBig := m.lr > limit
	switch {
	case gd.Diverged():
		return fmt.Sprintf("Diverged after %d epochs: the learning rate η = %s is above 2/h = %s, so each step overshoots the minimum and lands further away on the other side of the valley; the MSE grew to %s. Lower η below %s.",
			gd.Epoch(), g3(m.lr), f3(limit), textfmt.Readable(gd.MSE(), 4), f3(limit))
	case gd.Epoch() == 0:
		s := fmt.Sprintf("(b, w) starts at (0, 0) with MSE %s. The normal equations give (b, w)* = %s (MSE %s) in one solve; gradient descent walks there with η = %s",
			f3(gd.MSE()), pair(m.closedForm), f3(m.minMSE), g3(m.lr))
		if tooBig {
			return s + fmt.Sprintf(", but that is above 2/h = %s: expect it to overshoot and diverge.", f3(limit))
		}
		return s + fmt.Sprintf(" (stable below 2/h = %s).", f3(limit))
	case gd.GradientNorm() < converged:
		return fmt.Sprintf("Converged after %d epochs: (b, w) = %s equals the normal-equations solution and the MSE is %s, its minimum.",
			gd.Epoch(), pair(gd.Theta()), f3(gd.MSE()))
	case tooBig:
		return fmt.Sprintf("Epoch %d: the learning rate η = %s is above 2/h = %s: each step overshoots the minimum by more than it corrects, and the MSE is now %s.",
			gd.Epoch(), g3(m.lr), f3(limit), textfmt.Readable(gd.MSE(), 4))
	}
	return fmt.Sprintf("Epoch %d: (b, w) = %s, MSE %s (minimum %s), gradient norm %s.",
		gd.Epoch(), pair(gd.Theta()), f3(gd.MSE()), f3(m.minMSE), g3(gd.GradientNorm()))
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "data":
		return m.plotData(), nil
	case "contours":
		return m.plotContours(), nil
	case "loss":
		return m.plotLoss(), nil
	}
	return nil, fmt.Errorf("linearregression: no panel %q", panel)
}

func (m *model) plotData() *plot.Plot {
	p := viz.NewPlot("", "x", "y")
	b := m.dataBox
	if m.gd != nil {
		line := func(t []float64) func(float64) float64 {
			return func(x float64) float64 { return t[0] + t[1]*x }
		}
		viz.AddFunction(p, line(m.closedForm), b.XMin, b.XMax, 2, viz.ClassColor(3), "normal equations", true)
		viz.AddFunction(p, line(m.gd.Theta()), b.XMin, b.XMax, 2, viz.ClassColor(1), "gradient descent", false)
	}
	viz.AddScatter(p, viz.Pairs(m.x[:m.generated], m.y[:m.generated]), nil, viz.ScatterStyle{Radius: 3.5, Outline: true})
	if m.generated < len(m.x) {
		viz.AddScatter(p, viz.Pairs(m.x[m.generated:], m.y[m.generated:]), nil, viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
	// Fixed axes: a diverging line leaves the frame instead of squashing the data.
	viz.SetAxes(p, b)
	return p
}

func (m *model) plotContours() *plot.Plot {
	p := viz.NewPlot("", "b (intercept)", "w (slope)")
	if m.gd == nil {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 4, -3, 2
		return p
	}
	w := m.window
	// J(θ) − J(θ*) = (θ − θ*)ᵀ S (θ − θ*), S = [[1, x̄], [x̄, mean x²]]:
	// exact for least squares and O(1) per pixel.
	var mx, mxx float64
	for _, v := range m.x {
		mx += v / float64(len(m.x))
		mxx += v * v / float64(len(m.x))
	}
	opt := m.closedForm
	excess := func(t0, t1 float64) float64 {
		a, b := t0-opt[0], t1-opt[1]
		return a*a + 2*mx*a*b + mxx*b*b
	}
	emax := 0.0
	for _, c := range [][2]float64{{w.XMin, w.YMin}, {w.XMin, w.YMax}, {w.XMax, w.YMin}, {w.XMax, w.YMax}} {
		emax = max(emax, excess(c[0], c[1])) // a convex quadratic peaks at a corner
	}
	// √(J − J*) grows like a distance from θ*, so equal steps of it give
	// evenly spaced ellipses.
	if m.surface == nil {
		m.surface = viz.RegionRaster(w, contourRes, func(t0, t1 float64) color.RGBA {
			return viz.RampBands(math.Sqrt(excess(t0, t1)/emax)*0.8, contourBands)
		})
		levels := make([]float64, contourBands-1)
		for k := range levels {
			f := float64(k+1) / contourBands / 0.8
			levels[k] = f * f * emax
		}
		m.surfaceLines = viz.ContourLines(w, 48, excess, levels)
	}
	viz.AddRegionRaster(p, w, m.surface)
	viz.AddContourLines(p, m.surfaceLines, contourInk)
	pieces := clipPath(thin(m.path, maxPathPoints), w)
	if m.lr > m.gd.MaxStableLearningRate() && len(pieces) > 0 {
		// Once an overshooting path leaves the window it never returns;
		// its later pieces would only be chords across the picture.
		pieces = pieces[:1]
	}
	for _, line := range pieces {
		viz.AddTrails(p, [][][]float64{nil, line})
	}
	viz.AddMarkers(p, [][]float64{m.closedForm}, []int{3}, "cross", 8)
	if t := m.gd.Theta(); w.Contains(t[0], t[1]) {
		viz.AddMarkers(p, [][]float64{t}, []int{1}, "circle", 5)
	}
	legend(p)
	viz.SetAxes(p, w)
	return p
}

// legend names the path and the cross with glyphs like theirs.
func legend(p *plot.Plot) {
	p.Legend.Add("gradient descent", &plotter.Line{LineStyle: draw.LineStyle{Color: viz.ClassColor(1), Width: 1.5}})
	p.Legend.Add("normal equations (b, w)*", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.ClassColor(3), Radius: 4, Shape: draw.CrossGlyph{}}})
	p.Legend.Top = true
}

// contourInk draws the contour lines: translucent dark, readable on every band.
var contourInk = color.NRGBA{0x22, 0x22, 0x22, 0x55}

// thin keeps at most n vertices of a path: all of the first half, then
// evenly spaced ones, and always the last, where the eye looks.
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

// clipPath cuts a polyline to the window w (Liang & Barsky 1984), so a
// diverging path is drawn up to the frame instead of stretching the axes
// to 10³⁰⁰; it returns the pieces inside.
func clipPath(path [][]float64, w viz.Box) [][][]float64 {
	var out [][][]float64
	var cur [][]float64
	for i := 1; i < len(path); i++ {
		a, b, ok := clipSegment(path[i-1], path[i], w)
		if !ok {
			if len(cur) > 0 {
				out, cur = append(out, cur), nil
			}
			continue
		}
		if len(cur) == 0 || cur[len(cur)-1][0] != a[0] || cur[len(cur)-1][1] != a[1] {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = [][]float64{a}
		}
		cur = append(cur, b)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	if len(path) == 1 && w.Contains(path[0][0], path[0][1]) {
		out = append(out, path)
	}
	return out
}

// clipSegment returns the part of the segment ab inside w, if any.
func clipSegment(a, b []float64, w viz.Box) ([]float64, []float64, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	for _, e := range [4][2]float64{{-dx, a[0] - w.XMin}, {dx, w.XMax - a[0]}, {-dy, a[1] - w.YMin}, {dy, w.YMax - a[1]}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return nil, nil, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = max(t0, r)
		} else {
			t1 = min(t1, r)
		}
		if t0 > t1 {
			return nil, nil, false
		}
	}
	at := func(t float64) []float64 {
		switch t {
		case 0:
			return a
		case 1:
			return b
		}
		return []float64{a[0] + t*dx, a[1] + t*dy}
	}
	return at(t0), at(t1), true
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "MSE (log scale)")
	if m.gd == nil {
		return p
	}
	viz.AddHistory(p, maxCurve, viz.Curve{Values: m.mse, Color: viz.ClassColor(1), Dot: 4})
	viz.AddHLine(p, m.minMSE, "normal equations: "+f3(m.minMSE), viz.ClassColor(3))
	viz.SetLogY(p)
	p.X.Min, p.X.Max = 0, max(float64(len(m.mse)-1), 20)
	lo, hi := m.minMSE, m.minMSE
	for _, v := range m.mse {
		lo, hi = min(lo, v), max(hi, v)
	}
	p.Y.Min, p.Y.Max = max(lo/1.5, viz.LogFloor), hi*1.5
	return p
}

func (m *model) Data() [][]string {
	rows := [][]string{{"x", "y"}}
	for i := range m.x {
		rows = append(rows, []string{textfmt.Num(m.x[i]), textfmt.Num(m.y[i])})
	}
	return rows
}
