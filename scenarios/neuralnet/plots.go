package neuralnet

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
)

// Drawing settings.
const (
	// maxDrawn bounds the training samples drawn on the output map (a
	// stride through them), so a frame stays small.
	maxDrawn = 200
	// levels quantises a diverging colour to this many steps each side of
	// white: smooth enough, and a small paletted raster.
	levels = 10
	// mapKeep is how much of the class colour the strongest map colour
	// keeps (the rest is white), so samples stay readable on top.
	mapKeep = 0.5
	// rampBands are the flat bands of the regression map.
	rampBands = 16
)

// Positive values, class 1 and positive weights are orange; negative
// values, class 0 and negative weights blue: one reading for the maps,
// the units and the edges.
var (
	positive = viz.ClassColor(1)
	negative = viz.ClassColor(0)
)

func (m *model) Plot(panel string) (*plot.Plot, error) {
	p, err := m.plotPanel(panel)
	if err == nil && m.net == nil {
		viz.AddNotice(p, fmt.Sprintf("The network needs at least %d training samples:", minSamples),
			"pick a class beside the map and click on the map to add points.")
	}
	return p, err
}

func (m *model) plotPanel(panel string) (*plot.Plot, error) {
	switch panel {
	case "output":
		return m.plotOutput(), nil
	case "network":
		return m.plotNetwork(), nil
	case "loss":
		return m.plotLoss(), nil
	case "accuracy":
		return m.plotAccuracy(), nil
	case "confusion":
		return m.plotConfusion(), nil
	}
	return nil, fmt.Errorf("neuralnet: no panel %q", panel)
}

// whiten mixes c with white, keeping the share keep of c.
func whiten(c color.RGBA, keep float64) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(255 - (255-float64(v))*keep)) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xFF}
}

// divergingColors[levels+k] is the colour of t = k/levels: blue below 0,
// white at 0, orange above (made once: a colour per map cell must not
// allocate).
var divergingColors = func() []color.Color {
	cs := make([]color.Color, 2*levels+1)
	for k := -levels; k <= levels; k++ {
		t := float64(k) / levels
		if t < 0 {
			cs[levels+k] = whiten(negative, -t*mapKeep)
		} else {
			cs[levels+k] = whiten(positive, t*mapKeep)
		}
	}
	return cs
}()

// divergingRGBA are divergingColors as color.RGBA, for viz.RegionLevels.
var divergingRGBA = func() []color.RGBA {
	cs := make([]color.RGBA, len(divergingColors))
	for i, c := range divergingColors {
		cs[i] = viz.RGBA(c)
	}
	return cs
}()

// diverging colours t ∈ [−1, 1] in levels steps each side of white. NaN
// is transparent.
func diverging(t float64) color.Color {
	if l := divergingLevel(t); l >= 0 {
		return divergingColors[l]
	}
	return nil
}

// divergingLevel is the index in divergingColors of t's colour, or −1
// for NaN.
func divergingLevel(t float64) int {
	switch {
	case t >= 1:
		return 2 * levels
	case t <= -1:
		return 0
	case t != t: // NaN
		return -1
	}
	return levels + int(math.Round(t*levels))
}

// targetRange is the regression targets' range, for the ramp.
func (m *model) targetRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, y := range m.data.y {
		lo, hi = min(lo, y), max(hi, y)
	}
	if !(hi > lo) {
		return lo - 1, lo + 1
	}
	return lo, hi
}

// outputColor colours one grid cell's output (k values).
func (m *model) outputColor(out []float64) color.Color {
	switch {
	case m.problem.multiclass:
		return blend(out)
	case !m.problem.regression:
		return diverging(2*out[0] - 1)
	}
	lo, hi := m.targetRange()
	return viz.RampBands((out[0]-lo)/(hi-lo), rampBands)
}

// blend mixes the class colours by probability, in tenths.
func blend(probs []float64) color.Color {
	for _, p := range probs {
		if math.IsNaN(p) {
			return nil
		}
	}
	var r, g, b float64
	for k, p := range probs {
		p = math.Round(p*levels) / levels
		c := whiten(viz.ClassColor(k), mapKeep)
		r, g, b = r+p*float64(c.R), g+p*float64(c.G), b+p*float64(c.B)
	}
	return color.RGBA{uint8(min(255, math.Round(r))), uint8(min(255, math.Round(g))), uint8(min(255, math.Round(b))), 0xFF}
}

func (m *model) plotOutput() *plot.Plot {
	s := m.data.set
	p := s.NewMap()
	b := s.Bounds
	if m.net != nil {
		viz.AddRegionRaster(p, b, m.outputRaster())
	}
	gen := len(s.X) - s.User
	stride := max(1, (len(s.Train)+maxDrawn-1)/maxDrawn)
	var X [][]float64
	var labels []int
	var values []float64
	for n, i := range s.Train {
		if i >= gen || n%stride != 0 {
			continue
		}
		X = append(X, s.X[i])
		labels = append(labels, s.Labels[i])
		if m.data.y != nil {
			values = append(values, m.data.y[i])
		}
	}
	if m.data.y != nil {
		m.addValued(p, X, values)
	} else {
		viz.AddScatter(p, X, labels, viz.ScatterStyle{Outline: true})
	}
	if s.User > 0 {
		viz.AddScatter(p, s.X[gen:], s.Labels[gen:], viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
	viz.SetAxes(p, b)
	return p
}

// outputRaster is the output map's raster at the current epoch, made once
// per epoch.
func (m *model) outputRaster() image.Image {
	if m.raster == nil || m.rasterEpoch != m.net.Epoch() {
		outs := m.gridOutputs()
		out, k := outs[len(outs)-1], m.net.Outputs()
		// The grid's cells are the raster's, row 0 at the top.
		if m.problem.multiclass || m.problem.regression {
			m.raster = viz.RegionCells(regionRes, func(c int) color.RGBA {
				return viz.RGBA(m.outputColor(out[c*k : (c+1)*k]))
			})
		} else {
			m.raster = viz.RegionLevels(regionRes, divergingRGBA, func(c int) int {
				return divergingLevel(2*out[c] - 1)
			})
		}
		m.rasterEpoch = m.net.Epoch()
	}
	return m.raster
}

// PanelRaster implements lab.RasterPanels: the output panel's samples and
// axes are the run's data, fixed by its URL, so only the map under them
// changes from epoch to epoch. Before the network exists the panel shows
// a notice instead, drawn whole.
func (m *model) PanelRaster(panel string) (version uint64, raster image.Image, ok bool) {
	if panel != "output" || m.net == nil {
		return 0, nil, false
	}
	return 1, m.outputRaster(), true
}

var _ lab.RasterPanels = (*model)(nil)

// addValued draws regression samples coloured by their target on the
// map's ramp, ringed in dark grey, one scatter per band.
func (m *model) addValued(p *plot.Plot, X [][]float64, values []float64) {
	lo, hi := m.targetRange()
	bands := map[int]plotter.XYs{}
	for i, x := range X {
		t := (values[i] - lo) / (hi - lo)
		k := min(int(t*rampBands), rampBands-1)
		bands[k] = append(bands[k], plotter.XY{X: x[0], Y: x[1]})
	}
	for k := range rampBands {
		if xys, ok := bands[k]; ok {
			c := viz.RampBands((float64(k)+0.5)/rampBands, rampBands)
			p.Add(&plotter.Scatter{XYs: xys, GlyphStyle: draw.GlyphStyle{Color: c, Radius: 3, Shape: ringed{}}})
		}
	}
}

// ringed is a filled circle with a dark rim, readable on a ramp of the
// same colours.
type ringed struct{}

func (ringed) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var path vg.Path
	path.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	path.Arc(pt, sty.Radius, 0, 2*math.Pi)
	path.Close()
	c.SetColor(sty.Color)
	c.Fill(path)
	c.SetLineStyle(draw.LineStyle{Color: color.RGBA{0x33, 0x33, 0x33, 0xFF}, Width: 0.6})
	c.Stroke(path)
}

func (m *model) plotNetwork() *plot.Plot {
	p := viz.NewPlot("", "", "")
	var d viz.NetworkDiagram
	d.Positive, d.Negative = positive, negative
	var inputs []string
	for i, name := range m.inputNames() {
		if i < len(m.features) {
			name = m.features[i].label
		}
		inputs = append(inputs, name)
	}
	d.Labels = append(d.Labels, inputs)
	d.Fill = append(d.Fill, nil)
	d.Captions = append(d.Captions, "inputs")
	if m.net == nil {
		viz.AddNetworkDiagram(p, d)
		return p
	}
	// Every node shows its map over the data plane,
	// 10×10 as TF Playground draws them: enough to read at a node's size.
	res := regionRes / nodeStride
	outs := m.gridOutputs()
	if m.inImages == nil {
		for i := range inputs {
			m.inImages = append(m.inImages, viz.PixelImage(m.inputPixels(i, nodeStride), res))
		}
	}
	d.Images = append(d.Images, m.inImages)
	layers := m.net.Layers()
	maxB := 0.0
	for _, l := range layers {
		for _, b := range l.B {
			if !math.IsNaN(b) {
				maxB = math.Max(maxB, math.Abs(b))
			}
		}
	}
	for n, l := range layers {
		labels := make([]string, len(l.W))
		fill := make([]color.Color, len(l.W))
		for o := range l.W {
			if maxB > 0 {
				fill[o] = diverging(l.B[o] / maxB)
			}
		}
		caption := fmt.Sprintf("%d units", len(l.W))
		if n == len(layers)-1 {
			caption = "output"
		}
		images := make([]image.Image, len(l.W))
		for o := range labels {
			labels[o] = m.unitCaption(outs, n, o)
			images[o] = viz.PixelImage(m.unitPixels(outs, n, o, nodeStride), res)
		}
		d.Images = append(d.Images, images)
		d.Labels = append(d.Labels, labels)
		d.Fill = append(d.Fill, fill)
		d.Captions = append(d.Captions, caption)
		d.Weights = append(d.Weights, l.W)
	}
	viz.AddNetworkDiagram(p, d)
	return p
}

// outputName names output unit o.
func (m *model) outputName(o int) string {
	switch {
	case m.problem.multiclass:
		return "p(" + strconv.Itoa(o) + ")"
	case m.problem.regression:
		return "ŷ"
	}
	return "p(1)"
}

// unitPixels is the map of unit u of layer l (0 the first hidden layer)
// over the region grid, res×res pixels sampled every stride cells, row
// 0 at the top: hidden units in blue (negative) to orange (positive),
// scaled to the activation's range, and the outputs as on the output map.
func (m *model) unitPixels(outs [][]float64, l, u, stride int) []color.Color {
	res := regionRes / stride
	out := outs[l]
	units := len(out) / (regionRes * regionRes)
	last := l == len(outs)-1
	value := func(c int) float64 { return out[c*units+u] }
	// Unbounded activations are scaled by their largest |value|.
	scale, centre := m.act.halfRange, m.act.centre
	if m.act.unbounded {
		scale = 0
		for c := range regionRes * regionRes {
			scale = math.Max(scale, math.Abs(value(c)))
		}
		scale = math.Max(scale, 1e-12)
	}
	pix := make([]color.Color, res*res)
	for j := range res {
		for i := range res {
			c := (j*stride+stride/2)*regionRes + i*stride + stride/2
			switch {
			case last && m.problem.multiclass:
				pix[j*res+i] = whitenNaN(viz.ClassColor(u), value(c))
			case last:
				pix[j*res+i] = m.outputColor(out[c*units : (c+1)*units])
			default:
				pix[j*res+i] = diverging((value(c) - centre) / scale)
			}
		}
	}
	return pix
}

// inputPixels is the map of input feature i over the region grid, as
// unitPixels samples it, scaled by its largest |value|.
func (m *model) inputPixels(i, stride int) []color.Color {
	res := regionRes / stride
	in := len(m.grid) / (regionRes * regionRes)
	scale := 1e-12
	for c := range regionRes * regionRes {
		scale = math.Max(scale, math.Abs(m.grid[c*in+i]))
	}
	pix := make([]color.Color, res*res)
	for j := range res {
		for k := range res {
			c := (j*stride+stride/2)*regionRes + k*stride + stride/2
			pix[j*res+k] = diverging(m.grid[c*in+i] / scale)
		}
	}
	return pix
}

// unitCaption names unit u of layer l as the diagram does:
// "2.3" is the third unit of the second hidden layer.
func (m *model) unitCaption(outs [][]float64, l, u int) string {
	if l == len(outs)-1 {
		return m.outputName(u)
	}
	return fmt.Sprintf("%d.%d", l+1, u+1)
}

// whitenNaN is white to class colour by probability pr, in tenths.
func whitenNaN(c color.RGBA, pr float64) color.Color {
	if math.IsNaN(pr) {
		return nil
	}
	return whiten(c, math.Round(pr*levels)/levels*0.8)
}

// addCurves draws a train (solid) and a validation (dashed) curve.
func addCurves(p *plot.Plot, train, val []float64) {
	// Dots mark the current epoch (and show epoch 0 before any line).
	viz.AddHistory(p, curveSamples,
		viz.Curve{Values: train, Color: viz.ClassColor(0), Label: "train", Dot: 3.5},
		viz.Curve{Values: val, Color: viz.ClassColor(1), Label: "validation", Dashed: true, Dot: 3.5})
	p.X.Min, p.X.Max = 0, max(p.X.Max, 10)
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "loss ("+m.problem.loss+")")
	if m.net != nil {
		addCurves(p, m.trainLoss, m.valLoss)
	}
	p.Y.Min = 0
	return p
}

func (m *model) plotAccuracy() *plot.Plot {
	p := viz.NewPlot("", "epoch", "accuracy")
	if m.problem.regression {
		addMessage(p, "Regression has no accuracy:\nthe loss panel shows the squared error.")
		return p
	}
	if m.net != nil {
		addCurves(p, m.trainAcc, m.valAcc)
	}
	p.Y.Min, p.Y.Max = 0, 1
	return p
}

func (m *model) plotConfusion() *plot.Plot {
	p := viz.NewPlot("", "predicted class", "true class")
	switch {
	case m.problem.regression:
		addMessage(p, "Regression has no classes:\nno confusion matrix.")
		return p
	case m.confusion == nil:
		addMessage(p, "No validation samples yet.")
		return p
	}
	// Each cell is coloured by its share of the true class's row, on a
	// fixed 0..1 scale, so 57 against 67 does not look dramatic; the count
	// is printed in it.
	h := viz.Heatmap{Scale: &viz.ColorGridStyle{Lo: 0, Hi: 1, Bands: 10, Ticks: []float64{0, 0.5, 1},
		Label: func(v float64) string { return strconv.Itoa(int(math.Round(100*v))) + " %" }, Title: "share of row"}}
	names := m.data.set.ClassNames
	for r, row := range m.confusion {
		vals := make([]float64, len(row))
		text := make([]string, len(row))
		total := 0
		for _, n := range row {
			total += n
		}
		for c, n := range row {
			vals[c], text[c] = math.NaN(), strconv.Itoa(n)
			if total > 0 {
				vals[c] = float64(n) / float64(total)
			}
		}
		h.Values, h.Text = append(h.Values, vals), append(h.Text, text)
		h.Rows = append(h.Rows, shortName(names, r))
		h.Cols = append(h.Cols, shortName(names, r))
	}
	viz.AddHeatmap(p, h)
	return p
}

// PanelVersion implements lab.PanelVersioner: the confusion matrix is
// drawn from its counts alone (the class names and the problem are fixed
// for a run), and they stop changing once the network settles, so the
// panel is neither drawn nor sent again until a count moves. The version
// is an FNV-1a hash of the counts, with the missing matrix and network
// told apart.
func (m *model) PanelVersion(panel string) (uint64, bool) {
	if panel != "confusion" {
		return 0, false
	}
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	mix := func(v uint64) { h = (h ^ v) * prime }
	mix(uint64(len(m.confusion)))
	if m.net == nil {
		mix(1 << 62)
	}
	for _, row := range m.confusion {
		mix(uint64(len(row)))
		for _, n := range row {
			mix(uint64(n))
		}
	}
	return h, true
}

var _ lab.PanelVersioner = (*model)(nil)

// shortName is class k's name, cut for a tick label.
func shortName(names []string, k int) string {
	if k >= len(names) {
		return strconv.Itoa(k)
	}
	n := names[k]
	if len([]rune(n)) > 12 {
		n = string([]rune(n)[:11]) + "…"
	}
	return n
}

// addMessage writes text in the middle of an empty plot.
func addMessage(p *plot.Plot, text string) {
	p.HideAxes()
	p.X.Label.Text, p.Y.Label.Text = "", ""
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 0.5, Y: 0.5}}, Labels: []string{text}})
	if err != nil {
		return
	}
	ts := p.Legend.TextStyle // the house font
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	ts.Font.Size = 12
	l.TextStyle[0] = ts
	p.Add(l)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
}
