package autoencoder

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/codeplot"
)

// Drawing limits.
const (
	// shown is how many test digits the strip shows.
	shown = 8
	// codesShown is how many training codes the codes panel draws.
	codesShown = 200
	// The oblique view of the 3-D points: (x₁ + a·x₂, x₃ + b·x₂), which
	// shows the S and the helix's turns with the second coordinate as
	// depth, so a reconstruction that loses x₂ is seen to.
	obliqueA, obliqueB = 0.4, 0.3
	curvePoints        = 200
)

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "reconstructions":
		if m.d.images {
			return m.plotStrip(), nil
		}
		return m.plotPoints(), nil
	case "codes":
		return m.plotCodes(), nil
	case "loss":
		return m.plotLoss(), nil
	}
	return nil, fmt.Errorf("autoencoder: no panel %q", panel)
}

// plotStrip draws the first test digits in rows: the input, the
// reconstruction, and with noise the clean target under them.
func (m *model) plotStrip() *plot.Plot {
	p := viz.NewPlot("", "", "")
	n := min(shown, len(m.d.test))
	var rows [][][]float64
	var names []string
	if m.noise > 0 {
		rows = [][][]float64{m.testIn[:n], m.recon[:n], m.d.test[:n]}
		names = []string{"noisy input x̃", "output x̂", "clean target x"}
	} else {
		rows = [][][]float64{m.d.test[:n], m.recon[:n]}
		names = []string{"input x", "reconstruction x̂"}
	}
	var images [][]float64
	var captions []string
	for r, row := range rows {
		images = append(images, row...)
		for k := range row {
			c := ""
			if k == 0 {
				c = names[r]
			}
			captions = append(captions, c)
		}
	}
	viz.AddTileGrid(p, codeplot.Tiles(images, 8, captions), n)
	return p
}

// plotPoints draws the toy test points in the oblique view: the clean
// samples as grey rings, their reconstructions coloured by position t,
// and with noise the noisy inputs as small grey crosses.
func (m *model) plotPoints() *plot.Plot {
	p := viz.NewPlot("", "x₁ + 0.4 x₂ (oblique view)", "x₃ + 0.3 x₂")
	pick := func(X [][]float64) [][]float64 {
		out := make([][]float64, len(X))
		for i, x := range X {
			out[i] = []float64{x[0] + obliqueA*x[1], x[2] + obliqueB*x[1]}
		}
		return out
	}
	clean, recon := pick(m.d.test), pick(m.recon)
	b := viz.Bounds(clean).Extend(recon)
	if m.noise > 0 {
		noisy := pick(m.testIn)
		viz.AddScatter(p, noisy, grey(len(noisy)), viz.ScatterStyle{Shape: "cross", Radius: 2})
		legend(p, "noisy input x̃", viz.Neutral, draw.CrossGlyph{})
	}
	viz.AddScatter(p, clean, grey(len(clean)), viz.ScatterStyle{Shape: "ring", Radius: 3.5})
	legend(p, "test sample x", viz.Neutral, draw.RingGlyph{})
	viz.AddScatter(p, recon, m.d.testLabels, viz.ScatterStyle{Radius: 2.5})
	legend(p, "reconstruction x̂, coloured by t", viz.ClassColor(0), draw.CircleGlyph{})
	pad := 0.08 * max(b.XMax-b.XMin, b.YMax-b.YMin, 1e-9)
	viz.SetAxes(p, viz.Box{XMin: b.XMin - pad, XMax: b.XMax + pad, YMin: b.YMin - pad, YMax: b.YMax + pad})
	return p
}

func grey(n int) []int {
	g := make([]int, n)
	for i := range g {
		g[i] = -1
	}
	return g
}

// legend adds an entry drawn with one glyph.
func legend(p *plot.Plot, name string, c interface{ RGBA() (r, g, b, a uint32) }, shape draw.GlyphDrawer) {
	p.Legend.Add(name, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: c, Radius: 3.5, Shape: shape}})
}

// plotCodes draws the codes of the first training samples: h₁ against h₂,
// or with a one-value code h₁ against the label, spread a little so the
// points do not hide each other.
func (m *model) plotCodes() *plot.Plot {
	n := len(m.codes)
	labels := m.d.trainLabels[:n]
	var pts [][]float64
	var p *plot.Plot
	switch {
	case m.net.Latent == 1:
		what, offset := "digit", 0.0
		if !m.d.images {
			what, offset = "fifth of the curve (by t)", 1 // named 1 to 5
		}
		p = viz.NewPlot("", "h₁", what+" (not used in training)")
		for i := range n {
			jitter := 0.3 * (float64((i*37)%21)/10 - 1)
			pts = append(pts, []float64{m.codes[i][0], float64(labels[i]) + offset + jitter})
		}
	default:
		ylabel := "h₂"
		if m.net.Latent > 2 {
			ylabel = fmt.Sprintf("h₂ (first 2 of %d values)", m.net.Latent)
		}
		p = viz.NewPlot("", "h₁", ylabel)
		pts = m.codes[:n]
	}
	codeplot.AddCodes(p, pts, labels, m.d.classNames)
	b := viz.Bounds(pts)
	if m.net.Latent >= 2 {
		b = codeplot.Square(b)
	} else {
		padX := 0.05 * max(b.XMax-b.XMin, 1e-9)
		b = viz.Box{XMin: b.XMin - padX, XMax: b.XMax + padX, YMin: b.YMin - 0.5, YMax: b.YMax + 0.5}
	}
	if !math.IsInf(b.XMin, 0) && !math.IsNaN(b.XMin+b.XMax+b.YMin+b.YMax) {
		viz.SetAxes(p, b)
	}
	return p
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "mean squared error")
	viz.AddHistory(p, curvePoints,
		viz.Curve{Values: m.trainLoss, Color: viz.ClassColor(0), Label: "training", Dot: 3},
		viz.Curve{Values: m.testLoss, Color: viz.ClassColor(1), Label: "test", Dot: 3})
	p.X.Min, p.X.Max = 0, max(p.X.Max, 10)
	p.Y.Min = 0
	return p
}
