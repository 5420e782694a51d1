// Package regularization is the regularisation scenario: ridge (L2) and
// lasso (L1) coefficient paths as λ grows on data with irrelevant features,
// the constraint picture for two weights (the L1 diamond and the L2 circle
// meeting the loss contours) and the coefficients at the current λ.
package regularization

import (
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

//go:embed explanation.html
var explanation string

// Limits and look of the scenario.
const (
	maxFeatures = 10
	// The walk: λ grows by perDecade steps a decade up to lambdaMax.
	perDecade = 8
	lambdaMin = 1e-3
	lambdaMax = 1e4
	maxSteps  = 7*perDecade + 1
	// lassoTol and lassoMaxIter make coordinate descent exact to far
	// below the 1e-4 at which the numbers are promised to match
	// scikit-learn.
	lassoTol     = 1e-10
	lassoMaxIter = 100000
	// correlation between any two features, so that ridge and lasso
	// differ visibly.
	correlation = 0.3
	intercept   = 2.0
	geomRes     = 64
	geomBands   = 10
)

// trueCoefficients of the relevant features; every other feature is
// irrelevant (coefficient 0).
var trueCoefficients = []float64{3, -2, 1.5}

// relevantCount is how many of d features matter: three, but always
// leaving at least one irrelevant.
func relevantCount(d int) int { return min(len(trueCoefficients), d-1) }

// penalty is a regulariser: how its path is fitted, how the constraint
// picture draws its budget and what the note says of its coefficients.
type penalty struct {
	name string // the estimator, in legends
	// path fits the penalised model at every λ of the grid.
	path func(X [][]float64, y, grid []float64) ([]linear.PathPoint, error)
	// norm is the penalty's norm of two weights: the budget t they use.
	norm func(w1, w2 float64) float64
	// region is the budget region of two weights, ‖w‖ ≤ t; budget is its
	// legend.
	region func(t float64) plotter.XYs
	budget func(t float64) string
	// summary says what the penalty did to the coefficients w, of which
	// the first relevant matter.
	summary func(w []float64, relevant int) string
}

var lassoPenalty = penalty{
	name: "lasso",
	path: func(X [][]float64, y, grid []float64) ([]linear.PathPoint, error) {
		return linear.LassoPath(X, y, grid, lassoTol, lassoMaxIter)
	},
	norm: func(w1, w2 float64) float64 { return math.Abs(w1) + math.Abs(w2) },
	region: func(t float64) plotter.XYs {
		return plotter.XYs{{X: t, Y: 0}, {X: 0, Y: t}, {X: -t, Y: 0}, {X: 0, Y: -t}}
	},
	budget: func(t float64) string { return fmt.Sprintf("budget |w₁| + |w₂| ≤ %.2f", t) },
	summary: func(w []float64, relevant int) string {
		nz := nonzero(w)
		if nz == 0 {
			return "The lasso has set every coefficient exactly to zero: the model predicts the mean of y."
		}
		zeroIrrelevant := 0
		for _, c := range w[relevant:] {
			if c == 0 {
				zeroIrrelevant++
			}
		}
		return fmt.Sprintf("The lasso keeps %d of %d coefficients; %d of the %d irrelevant ones are exactly zero.",
			nz, len(w), zeroIrrelevant, len(w)-relevant)
	},
}

var ridgePenalty = penalty{
	name: "ridge",
	path: linear.RidgePath,
	norm: math.Hypot,
	region: func(t float64) plotter.XYs {
		var region plotter.XYs
		for k := range 72 {
			a := 2 * math.Pi * float64(k) / 72
			region = append(region, plotter.XY{X: t * math.Cos(a), Y: t * math.Sin(a)})
		}
		return region
	},
	budget: func(t float64) string { return fmt.Sprintf("budget w₁² + w₂² ≤ %.2f²", t) },
	summary: func(w []float64, _ int) string {
		var norm float64
		for _, c := range w {
			norm += c * c
		}
		return fmt.Sprintf("Ridge shrinks every coefficient (‖w‖₂ = %.3f) but sets none exactly to zero: %d of %d are non-zero.",
			math.Sqrt(norm), nonzero(w), len(w))
	},
}

// penalties is what a penalty choice means: the penalty walked, and the
// other one, whose paths are drawn faintly.
type penalties struct{ chosen, other penalty }

// The parameter table.
var (
	penaltyParam = lab.Enum(lab.Param{Name: "penalty", Label: "Penalty", Default: "l1",
		Help: "l1: lasso, (1/2n)‖y − Xw‖² + λ‖w‖₁; l2: ridge, ‖y − Xw‖² + λ‖w‖² (scikit-learn's Lasso and Ridge). The other penalty's paths are drawn faintly for comparison."},
		lab.Option("l1", penalties{chosen: lassoPenalty, other: ridgePenalty}),
		lab.Option("l2", penalties{chosen: ridgePenalty, other: lassoPenalty}),
	)
	lambdaParam = lab.Float(lab.Param{Name: "lambda", Label: "Starting λ", Default: "0.001", Min: lambdaMin, Max: lambdaMax, Step: 0.001,
		Help: "The λ shown at the start. Each step multiplies λ by ⁸√10 ≈ 1.33 until it reaches 10⁴."})
	featuresParam = lab.Int(lab.Param{Name: "features", Label: "Features", Default: "8", Min: 2, Max: maxFeatures, Step: 1,
		Help: "Number of features. Only the first three (x1 = 3, x2 = −2, x3 = 1.5; with fewer features, all but the last) affect y; the others are irrelevant noise."})
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples", Default: "100", Min: 10, Max: 500, Step: 1,
		Help: "Number of samples. Features are standardised (mean 0, standard deviation 1)."})
	noiseParam = lab.Float(lab.Param{Name: "noise", Label: "Noise σ", Default: "1", Min: 0, Max: 5, Step: 0.1,
		Help: "Standard deviation of the Gaussian noise added to y."})
)

// Scenario returns the regularisation scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "regularization",
		Title:    "Regularisation: ridge (L2) shrinks, lasso (L1) zeroes",
		Chapter:  chapter,
		Summary:  "Coefficient paths of ridge and lasso as λ grows on data with irrelevant features: lasso sets some exactly to zero; the L1 diamond and the L2 circle meeting the loss contours show why.",
		MaxSteps: maxSteps,
		Speed:    4,
		Params:   lab.Params(penaltyParam, lambdaParam, featuresParam, nParam, noiseParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "path", Title: "Coefficient paths as λ grows"},
			{Name: "geometry", Title: "Two weights: loss contours meet the penalty's budget"},
			{Name: "coefficients", Title: "Coefficients at the current λ"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one regularisation run.
type model struct {
	penalty  penalties
	word     string // the penalty's word, for the frame's state
	X        [][]float64
	y        []float64
	truth    []float64
	relevant int
	grid     []float64          // the walk's λ values
	path     []linear.PathPoint // the chosen penalty on grid
	other    []linear.PathPoint // the other penalty on grid
	pair     []linear.PathPoint // the chosen penalty on x1, x2 only
	pairOLS  []float64          // least squares on x1, x2 (centred)
	pairX    [][]float64
	pairY    []float64
	step     int
	// The geometry panel's loss surface and its bands' level lines, made
	// at its first drawing: they depend only on the x₁, x₂ data and the
	// penalty, fixed for the model's life.
	surface      image.Image
	surfaceLines []plotter.XYs
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	d, n := featuresParam.Get(v), nParam.Get(v)
	m := &model{penalty: penaltyParam.Get(v), word: penaltyParam.Text(v), relevant: relevantCount(d)}
	m.truth = make([]float64, d)
	copy(m.truth, trueCoefficients[:m.relevant])
	m.X, m.y = generate(rng, n, d, m.truth, noiseParam.Get(v))

	start := lambdaParam.Get(v)
	for k := 0; ; k++ {
		l := start * math.Pow(10, float64(k)/perDecade)
		if l > lambdaMax*(1+1e-9) {
			break
		}
		m.grid = append(m.grid, min(l, lambdaMax))
	}
	var err error
	if m.path, err = m.penalty.chosen.path(m.X, m.y, m.grid); err != nil {
		return nil, fmt.Errorf("regularization: %w", err)
	}
	if m.other, err = m.penalty.other.path(m.X, m.y, m.grid); err != nil {
		return nil, fmt.Errorf("regularization: %w", err)
	}
	for i, row := range m.X {
		m.pairX = append(m.pairX, row[:2])
		m.pairY = append(m.pairY, m.y[i])
	}
	if m.pair, err = m.penalty.chosen.path(m.pairX, m.pairY, m.grid); err != nil {
		return nil, fmt.Errorf("regularization: %w", err)
	}
	theta, err := linear.NormalEquations(m.pairX, m.pairY)
	if err != nil {
		return nil, fmt.Errorf("regularization: %w", err)
	}
	m.pairOLS = theta[1:]
	return m, nil
}

// generate draws n samples of d standardised, equally correlated features
// and y = intercept + Xβ + noise·ε:
//
//	xᵢⱼ = √(1−ρ)·zᵢⱼ + √ρ·uᵢ,  then each column scaled to mean 0, sd 1
func generate(rng *rand.Rand, n, d int, beta []float64, noise float64) ([][]float64, []float64) {
	X := make([][]float64, n)
	for i := range X {
		X[i] = make([]float64, d)
		u := rng.NormFloat64()
		for j := range d {
			X[i][j] = math.Sqrt(1-correlation)*rng.NormFloat64() + math.Sqrt(correlation)*u
		}
	}
	for j := range d {
		var mean, sq float64
		for i := range X {
			mean += X[i][j]
		}
		mean /= float64(n)
		for i := range X {
			X[i][j] -= mean
			sq += X[i][j] * X[i][j]
		}
		sd := math.Sqrt(sq / float64(n))
		for i := range X {
			X[i][j] /= sd
		}
	}
	y := make([]float64, n)
	for i, row := range X {
		y[i] = intercept + noise*rng.NormFloat64()
		for j, b := range beta {
			y[i] += b * row[j]
		}
	}
	return X, y
}

func (m *model) Step() error {
	if !m.Done() {
		m.step++
	}
	return nil
}

func (m *model) Done() bool { return m.step >= len(m.grid)-1 }

func (m *model) current() linear.PathPoint { return m.path[m.step] }

// significant is the number of significant digits the state reports: far
// beyond the 1e-4 at which the fits match scikit-learn, and it keeps the
// whole path in the frame budget.
const significant = 10

func round(v float64) float64 {
	r, _ := strconv.ParseFloat(textfmt.Sig(v, significant), 64)
	return r
}

// rounded is p with every number rounded to significant digits.
func rounded(p linear.PathPoint) linear.PathPoint {
	c := make([]float64, len(p.Coefficients))
	for j, w := range p.Coefficients {
		c[j] = round(w)
	}
	return linear.PathPoint{Lambda: p.Lambda, Intercept: round(p.Intercept), Coefficients: c}
}

// state is the frame's "state": what a test needs to check the algorithm.
type state struct {
	Penalty          string             `json:"penalty"`
	Lambda           float64            `json:"lambda"`
	Intercept        float64            `json:"intercept"`
	Coefficients     []float64          `json:"coefficients"`
	Path             []linear.PathPoint `json:"path"` // the walk so far, the current λ last
	Relevant         int                `json:"relevant"`
	TrueCoefficients []float64          `json:"true_coefficients"`
	Nonzero          int                `json:"nonzero"`
}

func (m *model) Snapshot() lab.Snapshot {
	c := m.current()
	path := make([]linear.PathPoint, m.step+1)
	for i := range path {
		path[i] = rounded(m.path[i])
	}
	cr := path[m.step]
	return lab.Snapshot{
		Metrics: map[string]float64{"mse": m.mse(c), "nonzero": float64(nonzero(c.Coefficients))},
		State: state{
			Penalty:          m.word,
			Lambda:           c.Lambda,
			Intercept:        cr.Intercept,
			Coefficients:     cr.Coefficients,
			Path:             path,
			Relevant:         m.relevant,
			TrueCoefficients: m.truth,
			Nonzero:          nonzero(c.Coefficients),
		},
		Note: m.note(),
	}
}

// mse is the training mean squared error of a fit.
func (m *model) mse(c linear.PathPoint) float64 {
	var s float64
	for i, row := range m.X {
		r := c.Intercept - m.y[i]
		for j, w := range c.Coefficients {
			r += w * row[j]
		}
		s += r * r
	}
	return s / float64(len(m.X))
}

func nonzero(w []float64) int {
	k := 0
	for _, v := range w {
		if v != 0 {
			k++
		}
	}
	return k
}

func (m *model) note() string {
	c := m.current()
	var b strings.Builder
	if m.step == 0 {
		fmt.Fprintf(&b, "Start at λ = %s; each step multiplies λ by ⁸√10 ≈ 1.33 up to 10⁴. ", textfmt.Readable(c.Lambda, 3))
	} else {
		fmt.Fprintf(&b, "Step %d: λ = %s. ", m.step, textfmt.Readable(c.Lambda, 3))
	}
	b.WriteString(m.penalty.chosen.summary(c.Coefficients, m.relevant))
	fmt.Fprintf(&b, " Training MSE %.3f.", m.mse(c))
	if m.Done() {
		b.WriteString(" The walk has reached λ = 10⁴.")
	}
	return b.String()
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "path":
		return m.plotPath(), nil
	case "geometry":
		return m.plotGeometry(), nil
	case "coefficients":
		return m.plotCoefficients(), nil
	}
	return nil, fmt.Errorf("regularization: no panel %q", panel)
}

// featureColor is a palette colour for a relevant feature, grey otherwise.
func (m *model) featureColor(j int) color.Color {
	if j < m.relevant {
		return viz.ClassColor(j)
	}
	return viz.Neutral
}

func (m *model) plotPath() *plot.Plot {
	p := viz.NewPlot("", "λ (log scale)", "coefficient")
	d := len(m.truth)
	logs := make([]float64, len(m.grid))
	for i, l := range m.grid {
		logs[i] = math.Log10(l)
	}
	column := func(path []linear.PathPoint, j, upto int) []float64 {
		out := make([]float64, upto)
		for i := range upto {
			out[i] = path[i].Coefficients[j]
		}
		return out
	}
	for j := d - 1; j >= 0; j-- { // relevant features drawn last, on top
		faint := color.NRGBA{0, 0, 0, 0}
		r, g, bl, _ := m.featureColor(j).RGBA()
		faint.R, faint.G, faint.B, faint.A = uint8(r>>8), uint8(g>>8), uint8(bl>>8), 0x60
		xs, ys := everyOther(logs, column(m.other, j, len(m.grid)))
		thinLine(p, xs, ys, faint, true)
	}
	for j := d - 1; j >= 0; j-- {
		xs, ys := everyOther(logs[:m.step+1], column(m.path, j, m.step+1))
		viz.AddLine(p, xs, ys, m.featureColor(j), "", false)
	}
	viz.AddVLine(p, logs[m.step], "λ = "+textfmt.Readable(m.grid[m.step], 3), viz.Neutral)
	for j := range m.relevant {
		p.Legend.Add(fmt.Sprintf("x%d (relevant)", j+1), &plotter.Line{LineStyle: draw.LineStyle{Color: m.featureColor(j), Width: 2}})
	}
	p.Legend.Add("irrelevant", &plotter.Line{LineStyle: draw.LineStyle{Color: viz.Neutral, Width: 2}})
	p.Legend.Add(m.penalty.other.name+" (faint)", &plotter.Line{LineStyle: draw.LineStyle{Color: color.NRGBA{0x80, 0x80, 0x80, 0x80}, Width: 1, Dashes: []vg.Length{4, 3}}})
	p.Legend.Top = true
	p.X.Min, p.X.Max = math.Log10(m.grid[0]), math.Log10(lambdaMax)
	if p.X.Max-p.X.Min < 1 {
		p.X.Min = p.X.Max - 1
	}
	p.X.Tick.Marker = decadeTicks{}
	lo, hi := 0.0, 0.0
	for _, pts := range [][]linear.PathPoint{m.path, m.other} {
		for _, w := range pts[0].Coefficients {
			lo, hi = min(lo, w), max(hi, w)
		}
	}
	pad := 0.08 * (hi - lo)
	p.Y.Min, p.Y.Max = lo-pad, hi+pad+0.35*(hi-lo) // room for the legend
	return p
}

// everyOther keeps every other point of a curve and its last one: the
// paths are smooth at eight points a decade, and this keeps frames small.
func everyOther(xs, ys []float64) ([]float64, []float64) {
	var ox, oy []float64
	for i := range xs {
		if i%2 == 0 || i == len(xs)-1 {
			ox, oy = append(ox, xs[i]), append(oy, ys[i])
		}
	}
	return ox, oy
}

// thinLine adds a thin, optionally dashed curve.
func thinLine(p *plot.Plot, xs, ys []float64, c color.Color, dashed bool) {
	xys := make(plotter.XYs, len(xs))
	for i := range xs {
		xys[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	sty := draw.LineStyle{Color: c, Width: 1.2}
	if dashed {
		sty.Dashes = []vg.Length{4, 3}
	}
	p.Add(&plotter.Line{XYs: xys, LineStyle: sty})
}

// decadeTicks labels the powers of ten of a log₁₀ axis.
type decadeTicks struct{}

func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Ceil(lo - 1e-9); e <= hi+1e-9; e++ {
		ticks = append(ticks, plot.Tick{Value: e, Label: textfmt.Num(math.Pow(10, e))})
	}
	return ticks
}

func (m *model) plotGeometry() *plot.Plot {
	p := viz.NewPlot("", "w₁ (weight of x₁)", "w₂ (weight of x₂)")
	ols := m.pairOLS
	fit := m.pair[m.step].Coefficients
	// The loss over (w₁, w₂) with the intercept at its best, b = ȳ − x̄ᵀw:
	// (1/n)‖y_c − X_c w‖², a quadratic bowl centred on the least-squares w.
	n := float64(len(m.pairX))
	var s11, s12, s22 float64
	for _, row := range m.pairX {
		s11 += row[0] * row[0] / n
		s12 += row[0] * row[1] / n
		s22 += row[1] * row[1] / n
	}
	// Standardised columns have mean 0, so X_cᵀX_c/n is just these sums.
	loss := func(w1, w2 float64) float64 {
		a, b := w1-ols[0], w2-ols[1]
		return s11*a*a + 2*s12*a*b + s22*b*b // excess over the minimum
	}
	// A window centred on the origin that holds the largest budget region
	// (the norm of the least-squares weights), 1.25 times wider than high
	// like the data area, so a circle looks round.
	pen := m.penalty.chosen
	t0 := pen.norm(ols[0], ols[1])
	half := max(1.1*t0, 1)
	w := viz.Box{XMin: -1.25 * half, XMax: 1.25 * half, YMin: -half, YMax: half}
	lmax := 0.0
	for _, c := range [][2]float64{{w.XMin, w.YMin}, {w.XMin, w.YMax}, {w.XMax, w.YMin}, {w.XMax, w.YMax}} {
		lmax = max(lmax, loss(c[0], c[1]))
	}
	if m.surface == nil {
		m.surface = viz.RegionRaster(w, geomRes, func(a, b float64) color.RGBA {
			return viz.RampBands(math.Sqrt(loss(a, b)/lmax)*0.8, geomBands)
		})
		levels := make([]float64, geomBands-1)
		for k := range levels {
			f := float64(k+1) / geomBands / 0.8
			levels[k] = f * f * lmax
		}
		m.surfaceLines = viz.ContourLines(w, 28, loss, levels)
	}
	viz.AddRegionRaster(p, w, m.surface)
	viz.AddContourLines(p, m.surfaceLines, color.NRGBA{0x22, 0x22, 0x22, 0x40})
	// The budget region: ‖w‖₁ ≤ t (a diamond) or ‖w‖₂ ≤ t (a disc), with
	// t the norm of the penalised solution, which is where it sits.
	t := pen.norm(fit[0], fit[1])
	region, budget := pen.region(t), pen.budget(t)
	poly, err := plotter.NewPolygon(region)
	if err == nil {
		poly.Color = color.NRGBA{0xD5, 0x5E, 0x00, 0x30}
		poly.LineStyle = draw.LineStyle{Color: viz.ClassColor(3), Width: 1.6}
		p.Add(poly)
	}
	// The loss contour through the solution touches the region there.
	if lf := loss(fit[0], fit[1]); lf > 0 {
		viz.AddContours(p, w, 48, loss, []float64{lf}, viz.ClassColor(0))
	}
	viz.AddMarkers(p, [][]float64{ols}, []int{0}, "cross", 7)
	viz.AddMarkers(p, [][]float64{fit}, []int{3}, "circle", 5)
	p.Legend.Add("least squares", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.ClassColor(0), Radius: 4, Shape: draw.CrossGlyph{}}})
	if poly != nil {
		p.Legend.Add(budget, poly)
	}
	p.Legend.Add(m.penalty.chosen.name+" solution", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.ClassColor(3), Radius: 4, Shape: draw.CircleGlyph{}}})
	p.Legend.Top = true
	viz.SetAxes(p, w)
	return p
}

func (m *model) plotCoefficients() *plot.Plot {
	p := viz.NewPlot("", "feature", "coefficient")
	c := m.current()
	d := len(c.Coefficients)
	var zeros plotter.XYs
	for j, w := range c.Coefficients {
		viz.AddBars(p, []float64{float64(j + 1)}, []float64{w}, 0.6, m.featureColor(j), "")
		if w == 0 {
			zeros = append(zeros, plotter.XY{X: float64(j + 1), Y: 0})
		}
	}
	truth := make([][]float64, d)
	for j, b := range m.truth {
		truth[j] = []float64{float64(j + 1), b}
	}
	viz.AddScatter(p, truth, fillInt(d, -1), viz.ScatterStyle{Shape: "ring", Radius: 4})
	p.Legend.Add("true coefficient", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.Neutral, Radius: 4, Shape: draw.RingGlyph{}}})
	if len(zeros) > 0 {
		labels := make([]string, len(zeros))
		for i := range labels {
			labels[i] = "0"
		}
		if l, err := plotter.NewLabels(plotter.XYLabels{XYs: zeros, Labels: labels}); err == nil {
			for i := range l.TextStyle {
				l.TextStyle[i] = p.Legend.TextStyle
				l.TextStyle[i].XAlign = draw.XCenter
				l.TextStyle[i].YAlign = draw.YBottom
				l.Offset = vg.Point{Y: 7}
			}
			p.Add(l)
		}
	}
	p.X.Min, p.X.Max = 0.4, float64(d)+0.6
	p.X.Tick.Marker = featureTicks{}
	lo, hi := -2.6, 3.6
	for _, w := range c.Coefficients {
		lo, hi = min(lo, w-0.2), max(hi, w+0.2)
	}
	p.Y.Min, p.Y.Max = lo, hi+0.8
	p.Legend.Top = true
	return p
}

// featureTicks labels x1, x2, … at the integers.
type featureTicks struct{}

func (featureTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for j := int(math.Ceil(lo)); float64(j) <= hi; j++ {
		ticks = append(ticks, plot.Tick{Value: float64(j), Label: "x" + strconv.Itoa(j)})
	}
	return ticks
}

func fillInt(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func (m *model) Data() [][]string {
	d := len(m.truth)
	header := make([]string, 0, d+1)
	for j := range d {
		header = append(header, "x"+strconv.Itoa(j+1))
	}
	rows := [][]string{append(header, "y")}
	for i, row := range m.X {
		r := make([]string, 0, d+1)
		for _, v := range row {
			r = append(r, textfmt.Num(v))
		}
		rows = append(rows, append(r, textfmt.Num(m.y[i])))
	}
	return rows
}
