package contrastive

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/ml/contrast"
	"github.com/mlplayground/playground/internal/ml/decomp"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/viz"
)

// linkedPairs is how many of the evaluation batch's pairs the embedding
// panel joins by a line.
const linkedPairs = 6

// shownImages is how many held-out images the embedding panel draws (all
// 300 would double the frame for no new picture).
const shownImages = 100

// projection is the embedding panel's points on the first two principal
// components of all of them together.
type projection struct {
	images   [][]float64 // the held-out images
	prompts  [][]float64 // the ten digit names
	captions [][]float64 // the evaluation batch's captions
}

// project runs PCA on the held-out image embeddings U, the ten names'
// embeddings P and the batch's captions' W together, each axis kept
// pointing the way it did last epoch so the picture does not flip.
func (m *model) project(U, P, W [][]float64) {
	all := append(append(append([][]float64{}, U...), P...), W...)
	if m.dim < 2 {
		return
	}
	p, err := decomp.NewPCA(all, 2, false)
	if err != nil {
		panic("contrastive: " + err.Error())
	}
	for !p.Done() {
		p.Step()
	}
	axes, scores := p.Components()[:2], p.Scores()
	for k := range 2 {
		flip := m.prevAxes != nil && num.Dot(axes[k], m.prevAxes[k]) < 0
		if m.prevAxes == nil {
			flip = axes[k][argmaxAbs(axes[k])] < 0
		}
		if flip {
			for i := range axes[k] {
				axes[k][i] = -axes[k][i]
			}
			for _, s := range scores {
				s[k] = -s[k]
			}
		}
	}
	m.prevAxes = axes
	m.proj = projection{images: scores[:len(U)], prompts: scores[len(U) : len(U)+len(P)], captions: scores[len(U)+len(P):]}
}

func argmaxAbs(v []float64) int {
	best := 0
	for i := range v {
		if math.Abs(v[i]) > math.Abs(v[best]) {
			best = i
		}
	}
	return best
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "similarity":
		return m.plotSimilarity(), nil
	case "embedding":
		return m.plotEmbedding(), nil
	case "zeroshot":
		return m.plotZeroShot(), nil
	case "loss":
		return m.plotLoss(), nil
	}
	return nil, fmt.Errorf("contrastive: no panel %q", panel)
}

// plotSimilarity draws S as a raster (one image, whatever n), image 0's
// row at the top and caption 0's column on the left.
func (m *model) plotSimilarity() *plot.Plot {
	n := len(m.S)
	small := n <= 10
	xl := "caption (typos kept)"
	if !small {
		xl = "caption, by the digit it names"
	}
	p := viz.NewPlot("", xl, "image, by its digit")
	rows := make([][]float64, n)
	var xt, yt []plot.Tick
	for k, i := range m.eval {
		rows[n-1-k] = m.S[k]
		y := strconv.Itoa(m.test.Labels[i])
		col := y
		if small {
			col = m.test.Words[i]
		}
		xt = append(xt, plot.Tick{Value: float64(k), Label: col})
		yt = append(yt, plot.Tick{Value: float64(n - 1 - k), Label: y})
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	viz.AddColorGrid(p, rows, viz.Box{XMin: -0.5, XMax: float64(n) - 0.5, YMin: -0.5, YMax: float64(n) - 0.5},
		viz.ColorGridStyle{Lo: -1, Hi: 1, Ticks: []float64{-1, -0.5, 0, 0.5, 1}, Title: "cosine"})
	return p
}

func (m *model) plotEmbedding() *plot.Plot {
	p := viz.NewPlot("", "PC 1", "PC 2")
	pr := m.proj
	shown := min(len(pr.images), shownImages)
	viz.AddScatter(p, pr.images[:shown], m.test.Labels[:shown], viz.ScatterStyle{Radius: 2})
	// The first pairs of the batch: image (ring) to caption (triangle).
	for k := range min(linkedPairs, len(pr.captions)) {
		a, b := pr.images[m.eval[k]], pr.captions[k]
		label := ""
		if k == 0 {
			label = "a held-out pair: image ○ — caption △"
		}
		viz.AddLine(p, []float64{a[0], b[0]}, []float64{a[1], b[1]}, viz.Neutral, label, false)
		y := m.test.Labels[m.eval[k]]
		viz.AddScatter(p, [][]float64{a}, []int{y}, viz.ScatterStyle{Shape: "ring", Radius: 5})
		viz.AddScatter(p, [][]float64{b}, []int{y}, viz.ScatterStyle{Shape: "triangle", Radius: 5, Outline: true})
	}
	classes := make([]int, len(pr.prompts))
	var labels plotter.XYLabels
	for d := range classes {
		classes[d] = d
		labels.XYs = append(labels.XYs, plotter.XY{X: pr.prompts[d][0], Y: pr.prompts[d][1]})
		labels.Labels = append(labels.Labels, contrast.Words[d])
	}
	viz.AddScatter(p, pr.prompts, classes, viz.ScatterStyle{Shape: "square", Radius: 5, Outline: true})
	if lp, err := plotter.NewLabels(labels); err == nil {
		for i := range lp.TextStyle {
			lp.TextStyle[i] = p.Legend.TextStyle
			lp.TextStyle[i].XAlign = draw.XLeft
			lp.TextStyle[i].YAlign = draw.YCenter
			lp.TextStyle[i].Color = viz.TextInk(viz.ClassColor(i))
		}
		lp.Offset = vg.Point{X: 7} // right of the square
		p.Add(lp)
	}
	all := append(append(append([][]float64{}, pr.images...), pr.prompts...), pr.captions...)
	viz.SetAxes(p, viz.Bounds(all).Pad(0.12))
	return p
}

func (m *model) plotZeroShot() *plot.Plot {
	p := viz.NewPlot("", "epoch", "zero-shot accuracy (held-out)")
	viz.AddHistory(p, 200, viz.Curve{Values: m.accuracy, Color: viz.ClassColor(0), Dot: 3.5})
	viz.AddHLine(p, 0.1, "chance: 1 in 10", viz.Neutral)
	p.X.Min, p.X.Max = 0, max(float64(len(m.accuracy)-1), 10)
	p.Y.Min, p.Y.Max = 0, 1
	return p
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "InfoNCE L")
	viz.AddHistory(p, 200,
		viz.Curve{Values: m.trainLoss, From: 1, Color: viz.ClassColor(0), Label: "training batches (mean)", Dot: 3},
		viz.Curve{Values: m.evalLoss, Color: viz.ClassColor(1), Label: "held-out batch", Dot: 3})
	chance := math.Log(float64(m.batch))
	viz.AddHLine(p, chance, "ln n: all similarities equal", viz.Neutral)
	top := chance
	for _, v := range append(m.trainLoss, m.evalLoss...) {
		if num.IsFinite(v) {
			top = max(top, v)
		}
	}
	p.X.Min, p.X.Max = 0, max(float64(len(m.evalLoss)-1), 10)
	p.Y.Min, p.Y.Max = 0, top*1.15
	return p
}
