package transfer

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
)

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "accuracy":
		return m.plotCurves(func(l *learner) []float64 { return l.valAcc }, "validation accuracy"), nil
	case "loss":
		return m.plotCurves(func(l *learner) []float64 { return l.trainLoss }, "cross-entropy L"), nil
	case "filters":
		return m.plotFilters(), nil
	}
	return nil, fmt.Errorf("transfer: no panel %q", panel)
}

// PanelVersion: during pre-training the target curves do not exist yet.
func (m *model) PanelVersion(panel string) (uint64, bool) {
	if panel != "filters" && m.step < pretrainEpochs {
		return 0, true
	}
	return 0, false
}

func (m *model) plotCurves(of func(*learner) []float64, label string) *plot.Plot {
	p := viz.NewPlot("", "target epoch", label)
	p.X.Min, p.X.Max = 0, targetEpochs
	p.Y.Min, p.Y.Max = 0, 1 // a loss above 1 widens it
	if m.learners == nil {
		viz.AddNotice(p, fmt.Sprintf("Pre-training on the source task runs to step %d;", pretrainEpochs),
			"then each target epoch adds the "+label+" of the",
			"frozen, finetune and scratch networks here.")
		return p
	}
	var curves []viz.Curve
	for k, mode := range modes {
		curves = append(curves, viz.Curve{Values: of(m.learners[mode]), Color: viz.ClassColor(k), Label: mode, Dot: 3, Dashed: mode != m.shown})
	}
	viz.AddHistory(p, 120, curves...)
	return p
}

// plotFilters draws the first convolution's 8 filters after pre-training
// and, below, the shown network's now (while pre-training: at the random
// start and now), on one colour scale (the largest
// |w| of both).
func (m *model) plotFilters() *plot.Plot {
	p := viz.NewPlot("", "", "")
	before, now := m.initFilters, m.pre.Convs[0].W.Data
	first, second := "random start", "pre-training now"
	if m.learners != nil {
		before, now = m.preFilters, m.learners[m.shown].cnn.Convs[0].W.Data
		first, second = "pre-trained", m.shown+" now"
	}
	scale := 1e-12
	for _, w := range append(append([]float64(nil), before...), now...) {
		scale = math.Max(scale, math.Abs(w))
	}
	const k, out = 3, 8
	var tiles []viz.Tile
	for row, w := range [][]float64{before, now} {
		for o := range out {
			pix := make([]color.Color, k*k)
			for i := range k * k {
				pix[i] = viz.WeightColor(w[i*out+o] / scale)
			}
			caption := ""
			if o == 0 {
				caption = []string{first, second}[row]
			}
			tiles = append(tiles, viz.Tile{Pixels: pix, Res: k, Caption: caption})
		}
	}
	viz.AddTileGrid(p, tiles, out/2) // each network's 8 filters in two rows of 4
	return p
}
