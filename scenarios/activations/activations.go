// Package activations is the activation functions scenario: sigmoid, tanh,
// ReLU and leaky ReLU with their derivatives, a point sliding along the
// axis to show where the derivative vanishes, and the softmax of an
// editable logit vector at a temperature.
package activations

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/neural"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// The sweep: one step moves x by xStep from xMin to xMax, and the sweep
// temperature from tMin to tMax on a log scale.
const (
	xMin, xMax = -6.0, 6.0
	xStep      = 0.25
	steps      = int((xMax - xMin) / xStep) // 48
	tMin, tMax = 0.1, 10.0
	// vanishing is the |f′| below which a gradient counts as vanished.
	vanishing = 0.05
	// curveSamples is the number of points of each drawn function.
	curveSamples = 161
)

// function is an activation on offer and how its pages name and frame it.
type function struct {
	nn.Activation
	symbol string // in notes and legends
	// bounded functions (σ, tanh) stay within [−1, 1]; the others grow.
	bounded bool
}

// functions are the activations offered, in the order of the controls.
var functions = []function{
	{nn.Sigmoid, "σ", true},
	{nn.Tanh, "tanh", true},
	{nn.ReLU, "ReLU", false},
	{nn.LeakyReLU, "leaky ReLU", false},
}

// The parameter table.
var (
	functionParam = lab.Enum(lab.Param{Name: "function", Label: "Activation", Default: nn.Sigmoid.Name,
		Help: "The function drawn with its derivative: sigmoid 1/(1 + exp(−x)), tanh, ReLU max(0, x), or leaky ReLU (0.01x for x < 0)."},
		choices()...)
	logitsParam = lab.Floats(lab.Param{Name: "logits", Label: "Logits z", Default: "2,1,0.1,-1", Min: -10, Max: 10, MinItems: 2, MaxItems: 8,
		Help: "The scores fed to the softmax, 2 to 8 numbers from −10 to 10, comma-separated."})
	temperatureParam = lab.Float(lab.Param{Name: "temperature", Label: "Temperature T", Default: "1", Min: 0.05, Max: 10, Step: 0.05,
		Help: "The softmax divides the logits by T: a small T sharpens the probabilities towards the largest logit, a large T flattens them towards uniform."})
)

// choices offers each function under the name nn gives it.
func choices() []lab.Choice[function] {
	out := make([]lab.Choice[function], len(functions))
	for i, f := range functions {
		out[i] = lab.Option(f.Name, f)
	}
	return out
}

//go:embed explanation.html
var explanation string

// Scenario returns the activations scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "activations",
		Title:    "Activation functions and softmax",
		Chapter:  chapter,
		Summary:  "Sigmoid, tanh, ReLU and leaky ReLU with their derivatives and the zones where gradients vanish; the softmax of your logits at a temperature.",
		MaxSteps: steps,
		Speed:    4,
		// Nothing here is drawn at random: the run has no seed.
		Deterministic: true,
		Params:        lab.Params(functionParam, logitsParam, temperatureParam),
		Panels: []lab.Panel{
			{Name: "function", Title: "f and f′, vanishing-gradient zones shaded"},
			{Name: "compare", Title: "The four derivatives"},
			{Name: "softmax", Title: "softmax(z/T): bars at your T, dots at the sweep's T"},
			{Name: "temperature", Title: "Each probability as T grows"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run: the chosen function and logits, and where the sweep is.
type model struct {
	f           function
	logits      []float64
	temperature float64
	k           int // steps taken
	zones       [][2]float64
	probs       []float64 // at the chosen temperature
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{f: functionParam.Get(v), logits: logitsParam.Get(v), temperature: temperatureParam.Get(v)}
	m.zones = neural.VanishingZones(m.f.Activation, xMin, xMax, vanishing)
	m.probs = neural.Softmax(m.logits, m.temperature)
	return m, nil
}

func (m *model) x() float64 { return xMin + xStep*float64(m.k) }

// sweepT is the temperature of the sweep at step k: tMin·(tMax/tMin)^(k/steps).
func (m *model) sweepT() float64 {
	return tMin * math.Pow(tMax/tMin, float64(m.k)/float64(steps))
}

func (m *model) Step() error {
	if m.k < steps {
		m.k++
	}
	return nil
}

func (m *model) Done() bool { return m.k >= steps }

// state is the frame's "state".
type state struct {
	Function   string  `json:"function"`
	X          float64 `json:"x"`
	F          float64 `json:"f"`
	Derivative float64 `json:"derivative"`
	// Saturated is |f′(x)| < 0.05: a gradient through the unit all but vanishes.
	Saturated bool `json:"saturated"`
	// VanishingZones are the intervals of [−6, 6] where |f′| < 0.05.
	VanishingZones     [][2]float64 `json:"vanishing_zones"`
	Logits             []float64    `json:"logits"`
	Temperature        float64      `json:"temperature"`
	Probabilities      []float64    `json:"probabilities"`
	ArgMax             int          `json:"argmax"`
	SweepTemperature   float64      `json:"sweep_temperature"`
	SweepProbabilities []float64    `json:"sweep_probabilities"`
}

func (m *model) Snapshot() lab.Snapshot {
	x := m.x()
	y := m.f.F(x)
	d := m.f.D(x, y)
	sweep := neural.Softmax(m.logits, m.sweepT())
	zones := m.zones
	if zones == nil {
		zones = [][2]float64{}
	}
	return lab.Snapshot{
		Metrics: map[string]float64{
			"f":                     y,
			"derivative":            d,
			"sweep_max_probability": slices.Max(sweep),
		},
		State: state{
			Function: m.f.Name, X: x, F: y, Derivative: d, Saturated: math.Abs(d) < vanishing, VanishingZones: zones,
			Logits: m.logits, Temperature: m.temperature, Probabilities: m.probs, ArgMax: num.Argmax(m.probs),
			SweepTemperature: m.sweepT(), SweepProbabilities: sweep,
		},
		Note: m.note(x, y, d, sweep),
	}
}

func f3(v float64) string { return textfmt.Fixed(v, 3) }

func list(p []float64) string {
	s := make([]string, len(p))
	for i, v := range p {
		s[i] = strconv.FormatFloat(v, 'f', 2, 64)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func (m *model) note(x, y, d float64, sweep []float64) string {
	sym := m.f.symbol
	var b strings.Builder
	if m.k == 0 {
		b.WriteString("Step moves x from −6 to 6 and sweeps the temperature from 0.1 to 10. ")
	}
	fmt.Fprintf(&b, "x = %s: %s(x) = %s, %s′(x) = %s", f3(x), sym, f3(y), sym, f3(d))
	if math.Abs(d) < vanishing {
		fmt.Fprintf(&b, ": saturated, a gradient passing back through this unit is multiplied by %s and all but vanishes. ", f3(d))
	} else {
		fmt.Fprintf(&b, ": a gradient passing back through this unit is multiplied by %s. ", f3(d))
	}
	fmt.Fprintf(&b, "Softmax at T = %g: p = %s, largest for logit %d. At the sweep's T = %s the largest p is %s.",
		m.temperature, list(m.probs), num.Argmax(m.probs)+1, strconv.FormatFloat(m.sweepT(), 'f', 2, 64), f3(slices.Max(sweep)))
	return b.String()
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "function":
		return m.plotFunction(), nil
	case "compare":
		return m.plotCompare(), nil
	case "softmax":
		return m.plotSoftmax(), nil
	case "temperature":
		return m.plotTemperature(), nil
	}
	return nil, fmt.Errorf("activations: no panel %q", panel)
}

var (
	inkDark  = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	bandTint = color.RGBA{0xF6, 0xD5, 0xD5, 0xFF}
)

func (m *model) plotFunction() *plot.Plot {
	sym := m.f.symbol
	p := viz.NewPlot("", "x", "")
	bands := make([]viz.Band, len(m.zones))
	for i, z := range m.zones {
		bands[i] = viz.Band{From: z[0], To: z[1], Color: bandTint, Label: "|f′| < 0.05"}
	}
	viz.AddBands(p, bands)
	viz.AddHLine(p, 0, "", viz.Neutral)
	viz.AddFunction(p, m.f.F, xMin, xMax, curveSamples, viz.ClassColor(0), sym+"(x)", false)
	viz.AddFunction(p, func(x float64) float64 { return m.f.D(x, m.f.F(x)) }, xMin, xMax, curveSamples, viz.ClassColor(1), sym+"′(x)", true)
	x := m.x()
	y := m.f.F(x)
	d := m.f.D(x, y)
	// The tangent at x: its slope is the local gradient.
	viz.AddLine(p, []float64{x - 1, x + 1}, []float64{y - d, y + d}, inkDark, "tangent", false)
	viz.AddMarkers(p, [][]float64{{x, y}, {x, d}}, []int{0, 1}, "circle", 6)
	p.X.Min, p.X.Max = xMin, xMax
	if m.f.bounded {
		p.Y.Min, p.Y.Max = -1.3, 1.6
	} else {
		p.Y.Min, p.Y.Max = -1.2, 3.2
	}
	p.Legend.Top = false // the band labels use the top
	return p
}

func (m *model) plotCompare() *plot.Plot {
	p := viz.NewPlot("", "x", "f′(x)")
	for k, f := range functions {
		viz.AddFunction(p, func(x float64) float64 { return f.D(x, f.F(x)) }, xMin, xMax, curveSamples, viz.ClassColor(k), f.symbol+"′", f.Name != m.f.Name)
	}
	viz.AddHLine(p, vanishing, "0.05", viz.Neutral)
	viz.AddVLine(p, m.x(), "x = "+strconv.FormatFloat(m.x(), 'f', 2, 64), inkDark)
	p.X.Min, p.X.Max = xMin, xMax
	p.Y.Min, p.Y.Max = -0.05, 1.35
	return p
}

func (m *model) plotSoftmax() *plot.Plot {
	p := viz.NewPlot("", "logit", "probability")
	best := num.Argmax(m.probs)
	ticks := make([]plot.Tick, len(m.logits))
	sweep := neural.Softmax(m.logits, m.sweepT())
	dots := make([][]float64, len(m.logits))
	classes := make([]int, len(m.logits))
	for j, z := range m.logits {
		c := viz.RegionColor(j)
		label := ""
		if j == best {
			c, label = viz.ClassColor(j), "arg max"
		}
		viz.AddBars(p, []float64{float64(j + 1)}, []float64{m.probs[j]}, 0.7, c, label)
		ticks[j] = plot.Tick{Value: float64(j + 1), Label: "z" + sub(j+1) + " = " + strconv.FormatFloat(z, 'g', 4, 64)}
		dots[j], classes[j] = []float64{float64(j + 1), sweep[j]}, j
	}
	viz.AddMarkers(p, dots, classes, "circle", 4.5)
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 0.4, float64(len(m.logits))+0.6
	p.Y.Min, p.Y.Max = 0, 1.12
	return p
}

// sub writes a small positive integer in subscript digits.
func sub(n int) string {
	var b strings.Builder
	for _, r := range strconv.Itoa(n) {
		b.WriteRune('₀' + (r - '0'))
	}
	return b.String()
}

// plotTemperature draws p_j(T) for every logit against log₁₀ T.
func (m *model) plotTemperature() *plot.Plot {
	p := viz.NewPlot("", "temperature T (log scale)", "probability")
	lo, hi := math.Log10(0.05), math.Log10(tMax)
	for j := range m.logits {
		viz.AddFunction(p, func(u float64) float64 { return neural.Softmax(m.logits, math.Pow(10, u))[j] }, lo, hi, 81,
			viz.ClassColor(j), "p"+sub(j+1), false)
	}
	viz.AddVLine(p, math.Log10(m.temperature), "your T", inkDark)
	viz.AddVLine(p, math.Log10(m.sweepT()), "sweep", viz.Neutral)
	var ticks []plot.Tick
	for _, t := range []float64{0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10} {
		ticks = append(ticks, plot.Tick{Value: math.Log10(t), Label: strconv.FormatFloat(t, 'g', -1, 64)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = 0, 1.05
	return p
}

// Data is the table of the four functions and their derivatives at the x
// the steps visit.
func (m *model) Data() [][]string {
	header := []string{"x"}
	for _, f := range functions {
		header = append(header, f.Name, "d_"+f.Name)
	}
	rows := [][]string{header}
	for k := 0; k <= steps; k++ {
		x := xMin + xStep*float64(k)
		row := []string{textfmt.Num(x)}
		for _, f := range functions {
			y := f.F(x)
			row = append(row, textfmt.Num(y), textfmt.Num(f.D(x, y)))
		}
		rows = append(rows, row)
	}
	return rows
}
