// Package logistic is the logistic regression scenario: the probability
// map g(wᵀx + b) and its 0.5 boundary trained by gradient descent epoch by
// epoch, softmax regression for more classes with one probability map per
// class, the L2 penalty λ, and the loss and accuracy curves.
package logistic

import (
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

// Limits and fixed settings of the scenario.
const (
	maxSteps = 3000
	// tol ends the run: once ‖∇J‖ is this small the picture no longer moves.
	tol       = 1e-5
	regionRes = 100
	tileRes   = 48
	testShare = 0.25
	noise     = 0.5
	// curveSamples bounds the points of the loss and accuracy curves.
	curveSamples = 240
	// maxSigmoidSamples bounds the training samples drawn on g(z).
	maxSigmoidSamples = 60
)

//go:embed explanation.html
var explanation string

// The parameter table.
var (
	datasetParam = classdata.DatasetParam(classdata.Overlap, classdata.All)
	classesParam = lab.Int(lab.Param{Name: "classes", Label: "Classes", Default: "2", Min: 2, Max: classdata.MaxClasses, Step: 1,
		Help: "2: logistic regression (one weight vector, a sigmoid); 3 to 5: softmax regression (one weight vector per class). Blobs and spiral take any number, iris and wine 2 or 3, xor, circles and moons only 2."})
	lambdaParam = lab.Float(lab.Param{Name: "lambda", Label: "L2 penalty λ", Default: "0.01", Min: 0, Max: 1, Step: 0.001,
		Help: "Weight of (λ/2)‖W‖² in the objective: larger λ keeps the weights small, so the probabilities stay soft and the boundary moves less for single points. Intercepts are not penalised."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.5", Min: 0.01, Max: 10, Step: 0.01,
		Help: "Step size of gradient descent: W ← W − η∇J each epoch."})
	nParam      = classdata.NParam(200, 1000)
	pointsParam = classdata.PointsParam()
)

// Scenario returns the logistic regression scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "logistic-regression",
		Title:    "Logistic and softmax regression",
		Chapter:  chapter,
		Summary:  "The probability map g(wᵀx + b) and its p = 0.5 boundary trained by gradient descent epoch by epoch; softmax regression with one probability map per class; the L2 penalty λ.",
		MaxSteps: maxSteps,
		Speed:    20,
		Params:   lab.Params(datasetParam, classesParam, lambdaParam, lrParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "map", Title: "Probability map and decision boundary", Points: pointsParam.Name()},
			{Name: "probabilities", Title: "Probabilities: g(z), or p(y = k | x) per class"},
			{Name: "loss", Title: "Training objective J per epoch"},
			{Name: "accuracy", Title: "Accuracy per epoch"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run: the data set, the classifier and the curves so far.
type model struct {
	set      *classdata.Set
	lambda   float64
	lr       float64
	lr0      *linear.LogisticRegression // nil while there are no training samples
	loss     []float64
	trainAcc []float64
	testAcc  []float64
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	dataset, classes := datasetParam.Get(v), classesParam.Get(v)
	if dataset.Real() && classes > 3 {
		return nil, classesParam.Refuse(v, fmt.Sprintf("data set %s has 3 classes; choose 2 (its first two) or 3", dataset.Name))
	}
	set, err := classdata.Load(rng, classdata.Options{
		Dataset: dataset, N: nParam.Get(v), Noise: noise, Classes: classes,
		Binary: classes == 2, TestShare: testShare, Points: pointsParam.Get(v),
	})
	if err != nil {
		return nil, err
	}
	m := &model{set: set, lambda: lambdaParam.Get(v), lr: lrParam.Get(v)}
	if len(set.Train) == 0 {
		return m, nil // custom data without points: the note asks for clicks
	}
	X, y := set.Subset(set.Train)
	m.lr0, err = linear.NewLogisticRegression(X, y, set.Classes, m.lambda, m.lr)
	if err != nil {
		return nil, fmt.Errorf("logistic: %w", err)
	}
	m.record()
	return m, nil
}

// record appends the current epoch to the curves.
func (m *model) record() {
	m.loss = append(m.loss, m.lr0.Loss())
	m.trainAcc = append(m.trainAcc, m.set.Accuracy(m.set.Train, m.lr0.Predict))
	m.testAcc = append(m.testAcc, m.set.Accuracy(m.set.Test, m.lr0.Predict))
}

func (m *model) converged() bool { return m.lr0 != nil && m.lr0.GradientNorm() < tol }

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.lr0.Step()
	m.record()
	return nil
}

func (m *model) Done() bool { return m.lr0 == nil || m.converged() || m.lr0.Diverged() }

// state is the frame's "state".
type state struct {
	// Weights has one row for two classes (class 1 against class 0) and one
	// row per class otherwise; columns follow data.csv's x1..xd.
	Weights      [][]float64 `json:"weights"`
	Intercepts   []float64   `json:"intercepts"`
	Classes      int         `json:"classes"`
	Epoch        int         `json:"epoch"`
	GradientNorm float64     `json:"gradient_norm"`
	Converged    bool        `json:"converged"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.lr0 == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Weights: [][]float64{}, Intercepts: []float64{}, Classes: m.set.Classes},
			Note:    "No training samples yet: pick a class beside the map and click on it to add points.",
		}
	}
	last := len(m.loss) - 1
	return lab.Snapshot{
		Metrics: map[string]float64{
			"train_loss":     m.loss[last],
			"train_accuracy": m.trainAcc[last],
			"test_accuracy":  m.testAcc[last],
		},
		State: state{
			Weights:      m.lr0.Weights(),
			Intercepts:   m.lr0.Intercepts(),
			Classes:      m.set.Classes,
			Epoch:        m.lr0.Epoch(),
			GradientNorm: m.lr0.GradientNorm(),
			Converged:    m.converged(),
		},
		Note: m.note(),
	}
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(100*v, 'f', 0, 64) + "%"
}

func (m *model) note() string {
	last := len(m.loss) - 1
	lr := m.lr0
	acc := fmt.Sprintf("train accuracy %s, test %s", pct(m.trainAcc[last]), pct(m.testAcc[last]))
	kind := "sigmoid"
	if m.set.Classes > 2 {
		kind = "softmax over " + strconv.Itoa(m.set.Classes) + " classes"
	}
	switch {
	case lr.Diverged():
		return m.divergedNote()
	case lr.Epoch() == 0:
		return fmt.Sprintf("Epoch 0 (%s): all weights are 0, so every class has probability 1/%d everywhere and J = log %d = %.3f. Step to take the first gradient step.",
			kind, m.set.Classes, m.set.Classes, m.loss[0])
	case m.converged():
		return fmt.Sprintf("Converged after %d epochs: ‖∇J‖ = %.1e < %g, so the weights no longer move. J = %.4f; %s.",
			lr.Epoch(), lr.GradientNorm(), tol, m.loss[last], acc)
	case last > 0 && m.loss[last] > m.loss[last-1]:
		return fmt.Sprintf("Epoch %d: J rose to %.4f: η = %g overshoots; a smaller learning rate would descend steadily. %s.",
			lr.Epoch(), m.loss[last], m.lr, acc)
	}
	return fmt.Sprintf("Epoch %d: one gradient step W ← W − %g·∇J (%s). J = %.4f, ‖∇J‖ = %.3f; %s.",
		lr.Epoch(), m.lr, kind, m.loss[last], lr.GradientNorm(), acc)
}

// divergedNote says why descent blew up. The penalty alone multiplies W by
// 1 − ηλ each epoch, so above ηλ = 2 the weights swing ever wider; the
// cross-entropy's gradient is bounded, so without that it cannot blow up.
func (m *model) divergedNote() string {
	lr := m.lr0
	grew := fmt.Sprintf("Diverged at epoch %d: J grew to %s, over a million times its start log %d = %.3f, and descent stopped.",
		lr.Epoch(), textfmt.Readable(lr.Loss(), 3), m.set.Classes, m.loss[0])
	if m.lr*m.lambda > 2 {
		return fmt.Sprintf("%s The weights grew without bound because the learning rate η = %g is too large for this penalty λ = %g: each step multiplies them by 1 − ηλ = %s, so they flip sign and grow. Keep η·λ below about 2: lower η (or λ).",
			grew, m.lr, m.lambda, textfmt.Readable(1-m.lr*m.lambda, 3))
	}
	return fmt.Sprintf("%s The learning rate η = %g is too large: every step overshoots the minimum further. Lower η.", grew, m.lr)
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	p, err := m.plotPanel(panel)
	if err == nil && m.set != nil {
		m.set.AddNoticeIfEmpty(p)
	}
	return p, err
}

func (m *model) plotPanel(panel string) (*plot.Plot, error) {
	switch panel {
	case "map":
		return m.plotMap(), nil
	case "probabilities":
		if m.set.Classes == 2 {
			return m.plotSigmoid(), nil
		}
		return m.plotTiles(), nil
	case "loss":
		return m.plotLoss(), nil
	case "accuracy":
		return m.plotAccuracy(), nil
	}
	return nil, fmt.Errorf("logistic: no panel %q", panel)
}

// plotMap colours the map by the predicted probabilities (a blend of the
// class colours) and, for two classes, draws the p = 0.5 line and the
// p = 0.1 and 0.9 lines exactly.
func (m *model) plotMap() *plot.Plot {
	s := m.set
	p := s.NewMap()
	if m.lr0 != nil {
		sl := m.slice()
		probs := make([]float64, s.Classes)
		viz.AddRegionRaster(p, s.Bounds, classdata.BlendRaster(s.Bounds, regionRes, s.Classes, func(x1, x2 float64) []float64 {
			return tenths(sl.probabilities(x1, x2, probs))
		}))
	}
	s.AddSamples(p)
	if m.lr0 == nil || s.Classes != 2 {
		return p
	}
	w, b := m.lr0.Weights()[0], m.lr0.Intercepts()[0]
	// g(z) = p at z = log(p/(1−p)): ±log 9 for p = 0.9 and 0.1.
	logit9 := math.Log(9)
	s.AddLinearBoundary(p, w, b-logit9, viz.Neutral, "p = 0.1, 0.9", true)
	s.AddLinearBoundary(p, w, b+logit9, viz.Neutral, "", true)
	s.AddLinearBoundary(p, w, b, color.Black, "p = 0.5", false)
	return p
}

// mapSlice is the model restricted to the map: every other feature at its
// training mean folded into the intercepts, so a pixel costs two
// multiply-adds and one exponential per class.
type mapSlice struct {
	w1, w2, b []float64 // per weight row
}

func (m *model) slice() mapSlice {
	W, b := m.lr0.Weights(), m.lr0.Intercepts()
	var sl mapSlice
	for k, w := range W {
		a := b[k]
		for j := 2; j < len(w); j++ {
			a += w[j] * m.set.Mean[j]
		}
		sl.w1, sl.w2, sl.b = append(sl.w1, w[0]), append(sl.w2, w[1]), append(sl.b, a)
	}
	return sl
}

// probabilities writes p(y = k | x) at map position (x1, x2) into out:
// the sigmoid for one row, the softmax otherwise.
func (sl mapSlice) probabilities(x1, x2 float64, out []float64) []float64 {
	if len(sl.b) == 1 {
		out[1] = 1 / (1 + math.Exp(-(sl.b[0] + sl.w1[0]*x1 + sl.w2[0]*x2)))
		out[0] = 1 - out[1]
		return out
	}
	top := math.Inf(-1)
	for k := range out {
		out[k] = sl.b[k] + sl.w1[k]*x1 + sl.w2[k]*x2
		top = max(top, out[k])
	}
	var sum float64
	for k := range out {
		out[k] = math.Exp(out[k] - top)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
	return out
}

// tenths rounds probabilities to tenths that still sum to 1 (largest
// remainders round up). Blend rounds each one to tenths by itself, and
// three rounded-up thirds would sum to 1.2 and overflow its colour sum.
func tenths(p []float64) []float64 {
	left := 10
	var buf [classdata.MaxClasses]float64
	rem := buf[:len(p)]
	for k, v := range p {
		f := math.Floor(10 * v)
		rem[k] = 10*v - f
		p[k] = f
		left -= int(f)
	}
	for ; left > 0; left-- {
		best := 0
		for k := range rem {
			if rem[k] > rem[best] {
				best = k
			}
		}
		p[best]++
		rem[best] = -1
	}
	for k := range p {
		p[k] /= 10
	}
	return p
}

// plotSigmoid draws g(z) and every training sample at its score z and its
// label, so the fit is visible as points hugging the curve's tails.
func (m *model) plotSigmoid() *plot.Plot {
	p := viz.NewPlot("", "z = wᵀx + b", "p(y = 1 | x) = g(z)")
	zmax := 4.0
	var pts [][]float64
	var cls []int
	if m.lr0 != nil {
		w, b := m.lr0.Weights()[0], m.lr0.Intercepts()[0]
		zs := make([]float64, len(m.set.Train))
		for k, i := range m.set.Train {
			z := b
			for j, v := range m.set.X[i] {
				z += w[j] * v
			}
			zs[k] = z
			zmax = max(zmax, math.Abs(z)*1.05)
		}
		zmax = min(zmax, 12)
		// At most maxSigmoidSamples, evenly strided, keep the frame small.
		stride := (len(m.set.Train) + maxSigmoidSamples - 1) / maxSigmoidSamples
		for k, i := range m.set.Train {
			if k%stride != 0 {
				continue
			}
			// A fixed small spread around 0 and 1 keeps equal points apart.
			jitter := 0.025 * float64((k/stride)%5-2)
			y := float64(m.set.Labels[i]) + jitter
			pts = append(pts, []float64{max(-zmax, min(zmax, zs[k])), y})
			cls = append(cls, m.set.Labels[i])
		}
	}
	viz.AddHLine(p, 0.5, "p = 0.5", viz.Neutral)
	viz.AddVLine(p, 0, "", viz.Neutral)
	viz.AddFunction(p, func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }, -zmax, zmax, 121, color.Black, "g(z)", false)
	viz.AddScatter(p, pts, cls, viz.ScatterStyle{Radius: 2.5, Outline: true})
	p.X.Min, p.X.Max = -zmax, zmax
	p.Y.Min, p.Y.Max = -0.1, 1.1
	return p
}

// plotTiles draws one small map of p(y = k | x) per class, each from white
// (0) to the class colour (1), and the argmax map last, in a grid.
func (m *model) plotTiles() *plot.Plot {
	s := m.set
	p := viz.NewPlot("", "", "")
	p.HideAxes()
	k := s.Classes
	tiles := k + 1
	cols := 2
	if tiles > 4 {
		cols = 3
	}
	rows := (tiles + cols - 1) / cols
	b := s.Bounds
	w, h := b.Width(), b.Height()
	gapX, gapY := 0.08*w, 0.22*h // room for the tile titles
	var labels plotter.XYLabels
	if m.lr0 == nil {
		return p
	}
	sl := m.slice()
	probs := make([][]float64, tileRes*tileRes)
	for r := range tileRes {
		y := b.YMax - (float64(r)+0.5)*h/tileRes
		for c := range tileRes {
			x := b.XMin + (float64(c)+0.5)*w/tileRes
			probs[r*tileRes+c] = sl.probabilities(x, y, make([]float64, k))
		}
	}
	for t := range tiles {
		col, row := t%cols, t/cols
		x0 := float64(col) * (w + gapX)
		y0 := -float64(row+1) * (h + gapY)
		img := image.NewPaletted(image.Rect(0, 0, tileRes, tileRes), tilePalette(t, k))
		for i, pr := range probs {
			if t < k {
				img.Pix[i] = uint8(math.Round(pr[t] * 10))
			} else {
				img.Pix[i] = uint8(slices.Index(pr, slices.Max(pr)))
			}
		}
		p.Add(plotter.NewImage(img, x0, y0, x0+w, y0+h))
		title := "argmax: predicted class"
		if t < k {
			title = "p(" + s.ClassNames[t] + " | x)"
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: x0 + w/2, Y: y0 + h + 0.04*h})
		labels.Labels = append(labels.Labels, title)
	}
	lp, err := plotter.NewLabels(labels)
	if err == nil {
		for i := range lp.TextStyle {
			lp.TextStyle[i] = p.Legend.TextStyle
			lp.TextStyle[i].XAlign = -0.5
		}
		p.Add(lp)
	}
	p.X.Min, p.X.Max = 0, float64(cols)*(w+gapX)-gapX
	p.Y.Min, p.Y.Max = -float64(rows)*(h+gapY), -gapY+0.25*gapY
	return p
}

// tilePalette is white-to-class-colour in tenths for class tile t < k, and
// the region colours for the argmax tile.
func tilePalette(t, k int) color.Palette {
	if t == k {
		pal := make(color.Palette, k)
		for c := range pal {
			pal[c] = paleMix(viz.ClassColor(c), 0.6)
		}
		return pal
	}
	pal := make(color.Palette, 11)
	for i := range pal {
		pal[i] = paleMix(viz.ClassColor(t), 0.9*float64(i)/10)
	}
	return pal
}

// paleMix mixes c with white, keeping the fraction keep of c.
func paleMix(c color.RGBA, keep float64) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(255 - (255-float64(v))*keep)) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255}
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "J = cross-entropy + (λ/2)‖W‖²")
	if len(m.loss) == 0 {
		return p
	}
	viz.AddHistory(p, curveSamples, viz.Curve{Values: m.loss, Color: viz.ClassColor(0), Dot: 4})
	p.X.Min, p.X.Max = 0, max(p.X.Max, 10)
	p.Y.Min = 0
	return p
}

func (m *model) plotAccuracy() *plot.Plot {
	p := viz.NewPlot("", "epoch", "accuracy")
	p.Legend.Top = false
	p.Legend.Left = false
	if len(m.trainAcc) > 0 {
		viz.AddHistory(p, curveSamples, viz.Curve{Values: m.trainAcc, Color: viz.ClassColor(0), Label: "train"})
		if len(m.set.Test) > 0 {
			viz.AddHistory(p, curveSamples, viz.Curve{Values: m.testAcc, Color: viz.ClassColor(1), Label: "test", Dashed: true})
		}
	}
	p.X.Min, p.X.Max = 0, max(p.X.Max, 10)
	p.Y.Min, p.Y.Max = 0, 1.02
	return p
}

func (m *model) Data() [][]string { return m.set.Rows() }
