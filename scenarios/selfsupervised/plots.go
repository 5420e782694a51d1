package selfsupervised

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/ml/pretext"
	"github.com/mlplayground/playground/internal/viz"
)

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "task":
		return m.plotTask(), nil
	case "probe":
		return m.plotProbe(), nil
	case "loss":
		return m.plotLoss(), nil
	case "filters":
		return m.plotFilters(), nil
	}
	return nil, fmt.Errorf("self-supervised: no panel %q", panel)
}

// hidden is the colour of a greyed pixel in the masked input.
var hidden = color.RGBA{0xf4, 0xb4, 0x6c, 0xff}

// ink draws a pixel value in [0, 1] from white to black.
func ink(v float64) color.Color {
	g := uint8(math.Round(255 * (1 - min(max(v, 0), 1))))
	return color.RGBA{g, g, g, 0xff}
}

func tile(values []float64, mask []float64, caption string) viz.Tile {
	pix := make([]color.Color, pretext.Pixels)
	for p, v := range values {
		pix[p] = ink(v)
		if mask != nil && mask[p] == 1 {
			pix[p] = hidden
		}
	}
	return viz.Tile{Pixels: pix, Res: pretext.Side, Caption: caption}
}

// plotTask shows, per example, the original, what the network is given
// and its answer: the square restored (masked), or the quarters put back
// by the permutation it names (jigsaw).
func (m *model) plotTask() *plot.Plot {
	p := viz.NewPlot("", "", "")
	pred := m.net.Predict(m.examples)
	var tiles []viz.Tile
	for i, e := range m.examples {
		tiles = append(tiles, tile(e.Image, nil, "original"))
		if m.task == pretext.Masked {
			tiles = append(tiles, tile(e.Input, e.Mask, "input"))
			fill := slices.Clone(e.Input)
			for q, v := range e.Mask {
				if v == 1 {
					fill[q] = pred[i][q]
				}
			}
			tiles = append(tiles, tile(fill, nil, "fill-in"))
			continue
		}
		k := num.Argmax(pred[i])
		tiles = append(tiles, tile(e.Input, nil, "input: π"+sub(e.Perm)))
		back := make([]float64, pretext.Pixels)
		pretext.Unshuffle(back, e.Input, k)
		verdict := "✓"
		if k != e.Perm {
			verdict = "✗"
		}
		tiles = append(tiles, tile(back, nil, fmt.Sprintf("π%s undone %s %.0f%%", sub(k), verdict, 100*pred[i][k])))
	}
	viz.AddTileGrid(p, tiles, 3)
	return p
}

func sub(k int) string {
	return string([]rune("₀₁₂₃₄₅₆₇₈₉")[k])
}

func (m *model) plotProbe() *plot.Plot {
	p := viz.NewPlot("", "labelled digits per class (the probe's training set)", "test accuracy")
	xs := make([]float64, len(m.counts))
	ticks := make([]plot.Tick, len(m.counts))
	for i, n := range m.counts {
		xs[i] = float64(i)
		ticks[i] = plot.Tick{Value: xs[i], Label: strconv.Itoa(n)}
	}
	series := []struct {
		vals  []float64
		label string
		class int
	}{{m.raw, "raw pixels (64)", 2}, {m.rand, "random encoder (32)", 1}, {m.learned, "pretext encoder (32)", 0}}
	for _, s := range series {
		if s.vals == nil {
			continue
		}
		viz.AddLine(p, xs, s.vals, viz.ClassColor(s.class), s.label, s.class == 2)
		viz.AddScatter(p, viz.Pairs(xs, s.vals), slices.Repeat([]int{s.class}, len(xs)), viz.ScatterStyle{Radius: 3})
	}
	at := float64(slices.Index(m.counts, m.labels))
	viz.AddVLine(p, at, "labels_per_class = "+strconv.Itoa(m.labels), viz.Neutral)
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.3, float64(len(m.counts))-0.7
	p.Y.Min, p.Y.Max = 0, 1
	if m.learned == nil {
		viz.AddNotice(p, fmt.Sprintf("The pretext encoder's curve appears at step %d,", m.epochs+1), "when the probe is fitted on its frozen features.")
	}
	return p
}

func (m *model) plotLoss() *plot.Plot {
	ylabel := "½ Σ squared error on the hidden pixels"
	if m.task == pretext.Jigsaw {
		ylabel = "cross-entropy of the permutation"
	}
	p := viz.NewPlot("", "pretext epoch", ylabel)
	vals := append([]float64{math.NaN()}, m.loss...)
	viz.AddHistory(p, 200, viz.Curve{Values: vals, From: 1, Color: viz.ClassColor(0), Dot: 3.5})
	top := 0.0
	for _, v := range m.loss {
		if num.IsFinite(v) {
			top = max(top, v)
		}
	}
	if m.task == pretext.Jigsaw {
		chance := math.Log(float64(len(pretext.Permutations)))
		viz.AddHLine(p, chance, "ln 6: guessing", viz.Neutral)
		top = max(top, chance)
	}
	p.X.Min, p.X.Max = 0, float64(max(m.epochs, 2))
	p.Y.Min, p.Y.Max = 0, max(top*1.1, 0.1)
	if len(m.loss) == 0 {
		viz.AddNotice(p, "The pretext loss of each epoch appears here.")
	}
	return p
}

// plotFilters draws, for each encoder unit, what training has changed in
// its 64 input weights, W₁ − W₁ at step 0, as an 8×8 map: blue negative,
// orange positive, scaled by the largest change. The random start is
// noise that hides any pattern; the change shows what was learnt.
func (m *model) plotFilters() *plot.Plot {
	p := viz.NewPlot("", "", "")
	W, W0 := m.net.Encoder.Layers[0].W, m.random.Encoder.Layers[0].W // 64×32
	scale := 1e-12
	for i, v := range W.Data {
		scale = max(scale, math.Abs(v-W0.Data[i]))
	}
	var tiles []viz.Tile
	for j := range W.Cols {
		pix := make([]color.Color, pretext.Pixels)
		for q := range pretext.Pixels {
			k := q*W.Cols + j
			pix[q] = viz.WeightColor((W.Data[k] - W0.Data[k]) / scale)
		}
		tiles = append(tiles, viz.Tile{Pixels: pix, Res: pretext.Side})
	}
	viz.AddTileGrid(p, tiles, 8)
	if m.trainer.Epoch() == 0 {
		viz.AddNotice(p, "Each unit's change of weights since the start", "appears here once pretext training begins.")
	}
	return p
}
