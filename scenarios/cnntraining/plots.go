package cnntraining

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

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/vision"
	"github.com/mlplayground/playground/internal/viz"
)

// drawn are the drawing limits of a run: the panels show at most maps
// channels of a block, filters first-layer filters, errors misclassified
// images, and points points a curve (decimated beyond).
type drawn struct{ maps, filters, errors, points int }

var (
	// drawnFull are the limits of a run whose weights go as float64.
	drawnFull = drawn{maps: 8, filters: 16, errors: 24, points: 120}
	// drawnFloat32 are the limits of a run whose weights go as float32,
	// a larger network: fewer tiles and points leave room in the frame
	// for its weights (restBound32).
	drawnFloat32 = drawn{maps: 4, filters: 8, errors: 8, points: 30}
)

// drawn returns the run's drawing limits.
func (m *model) drawn() drawn {
	if m.float32 {
		return drawnFloat32
	}
	return drawnFull
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "maps":
		return m.plotMaps(), nil
	case "filters":
		return m.plotFilters(), nil
	case "loss":
		return m.plotLoss(), nil
	case "accuracy":
		return m.plotAccuracy(), nil
	case "confusion":
		return m.plotConfusion(), nil
	case "errors":
		return m.plotErrors(), nil
	}
	return nil, fmt.Errorf("cnntraining: no panel %q", panel)
}

// greyTile is an image's tile: its values in [0, 1] from white to black,
// at res×res (nearest pixel).
func ramped(values []float64, h, w, c, ch, res int, scale float64) []color.Color {
	pix := make([]color.Color, res*res)
	for i := range res {
		for j := range res {
			v := values[((i*h/res)*w+j*w/res)*c+ch]
			pix[i*res+j] = viz.RampBands(v/scale, 16)
		}
	}
	return pix
}

// globalMaxTiles is the row of what the global-max head hands the dense
// layer: each of the first cols maps' largest value, as a flat tile in
// the maps' colours.
func globalMaxTiles(mp []float64, s nn.Shape, cols, res int, scale float64) []viz.Tile {
	tiles := make([]viz.Tile, cols)
	for ch := range cols {
		tiles[ch].Res = res
		if ch >= s.C {
			continue
		}
		top := math.Inf(-1)
		for q := ch; q < len(mp); q += s.C {
			top = math.Max(top, mp[q])
		}
		c := viz.RampBands(top/scale, 16)
		tiles[ch].Pixels = make([]color.Color, res*res)
		for i := range tiles[ch].Pixels {
			tiles[ch].Pixels[i] = c
		}
	}
	tiles[0].Caption = "global max"
	return tiles
}

// plotMaps draws the chosen validation image, then each block's maps (at
// most drawn().maps channels), a row per map, upscaled to the image's size.
func (m *model) plotMaps() *plot.Plot {
	p := viz.NewPlot("", "", "")
	img := m.data.val.Image(m.image)
	in := m.data.all.Shape
	res := in.H
	maps, shapes := vision.FeatureMaps(m.cnn, img)
	cols := m.drawn().maps
	label := m.data.all.ClassNames[m.data.val.Labels[m.image]]
	pred := m.data.all.ClassNames[m.c.val.Predicted[m.image]]
	tiles := []viz.Tile{{Pixels: ramped(img, in.H, in.W, 1, 0, res, 1), Res: res, Caption: "input: " + label}}
	for range cols - 1 {
		tiles = append(tiles, viz.Tile{Res: res})
	}
	tiles[cols-1].Caption = "CNN says " + pred
	for b, mp := range maps {
		s := shapes[b]
		scale := 0.0
		for _, v := range mp {
			scale = math.Max(scale, v)
		}
		scale = math.Max(scale, 1e-12)
		name := fmt.Sprintf("conv %d", b/2+1)
		if m.cnn.Config.Pool > 1 && b%2 == 1 {
			name = fmt.Sprintf("pool %d", b/2+1)
		} else if m.cnn.Config.Pool <= 1 {
			name = fmt.Sprintf("conv %d", b+1)
		}
		for ch := range cols {
			if ch >= s.C {
				tiles = append(tiles, viz.Tile{Res: res})
				continue
			}
			caption := ""
			switch {
			case ch == 0:
				caption = fmt.Sprintf("%s %d×%d", name, s.H, s.W)
			case ch == cols-1 && s.C > cols:
				caption = fmt.Sprintf("(%d of %d)", cols, s.C)
			}
			tiles = append(tiles, viz.Tile{Pixels: ramped(mp, s.H, s.W, s.C, ch, res, scale), Res: res, Caption: caption})
		}
		if b == len(maps)-1 && m.cnn.Config.Head == nn.HeadGlobalMax {
			tiles = append(tiles, globalMaxTiles(mp, s, cols, res, scale)...)
		}
	}
	viz.AddTileGrid(p, tiles, cols)
	return p
}

// plotFilters draws the first convolution's filters (the first input
// channel's slice when the image has several), coloured by the largest
// |weight| of the layer.
func (m *model) plotFilters() *plot.Plot {
	p := viz.NewPlot("", "", "")
	c := m.cnn.Convs[0]
	k := c.Window.KH
	in, out := c.W.Rows/(k*k), c.W.Cols
	scale := 1e-12
	for _, w := range c.W.Data {
		scale = math.Max(scale, math.Abs(w))
	}
	var tiles []viz.Tile
	for o := range min(out, m.drawn().filters) {
		pix := make([]color.Color, k*k)
		for ky := range k {
			for kx := range k {
				pix[ky*k+kx] = viz.WeightColor(c.W.Data[((ky*k+kx)*in)*out+o] / scale)
			}
		}
		tiles = append(tiles, viz.Tile{Pixels: pix, Res: k, Caption: strconv.Itoa(o + 1)})
	}
	viz.AddTileGrid(p, tiles, min(out, 4))
	return p
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "cross-entropy L")
	cv, mv := m.c.curves, m.m.curves
	cnn, mlp := viz.ClassColor(0), viz.ClassColor(1)
	viz.AddHistory(p, m.drawn().points,
		viz.Curve{Values: cv.trainLoss, Color: cnn, Label: "CNN train", Dashed: true},
		viz.Curve{Values: cv.valLoss, Color: cnn, Label: "CNN validation", Dot: 3},
		viz.Curve{Values: mv.trainLoss, Color: mlp, Label: "MLP train", Dashed: true},
		viz.Curve{Values: mv.valLoss, Color: mlp, Label: "MLP validation", Dot: 3},
	)
	p.X.Min, p.X.Max = 0, float64(max(m.epochs, 1))
	p.Y.Min = 0
	return p
}

func (m *model) plotAccuracy() *plot.Plot {
	p := viz.NewPlot("", "epoch", "validation accuracy")
	cv, mv := m.c.curves, m.m.curves
	cnn, mlp := viz.ClassColor(0), viz.ClassColor(1)
	viz.AddHistory(p, m.drawn().points,
		viz.Curve{Values: cv.valAcc, Color: cnn, Label: "CNN", Dot: 3},
		viz.Curve{Values: cv.shiftAcc, Color: cnn, Label: "CNN, shifted", Dashed: true, Dot: 3},
		viz.Curve{Values: mv.valAcc, Color: mlp, Label: "MLP", Dot: 3},
		viz.Curve{Values: mv.shiftAcc, Color: mlp, Label: "MLP, shifted", Dashed: true, Dot: 3},
	)
	p.X.Min, p.X.Max = 0, float64(max(m.epochs, 1))
	p.Y.Min, p.Y.Max = 0, 1
	return p
}

func (m *model) plotConfusion() *plot.Plot {
	p := viz.NewPlot("", "predicted", "true")
	names := m.data.all.ClassNames
	counts := m.c.val.Confusion
	ts := p.Y.Tick.Label
	ts.Color = inkCount
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	p.Add(&confusionCells{counts: counts, text: ts})
	var xt, yt []plot.Tick
	for i, name := range names {
		xt = append(xt, plot.Tick{Value: float64(i), Label: name})
		yt = append(yt, plot.Tick{Value: float64(len(names) - 1 - i), Label: name})
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(names))-0.5
	return p
}

// inkCount is the colour of a count on a pale cell.
var inkCount = color.RGBA{0x33, 0x33, 0x33, 0xff}

// cellPixels is the side of a confusion cell in the raster: enough that a
// browser's smoothing of the scaled image stays at the cells' edges.
const cellPixels = 12

// confusionCells draws counts[true][predicted] as a matrix, row 0 at the
// top, cell (r, c) centred at (c, rows−1−r), coloured by count/max on
// viz.Ramp (0 palest), with the non-zero counts written in. The cells are
// one paletted raster image, not a hundred filled paths: a tenth of the
// bytes, the same colours.
type confusionCells struct {
	counts [][]int
	text   draw.TextStyle
}

func (cc *confusionCells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(len(cc.counts)) - 0.5, -0.5, float64(len(cc.counts)) - 0.5
}

func (cc *confusionCells) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(cc.counts)
	if n == 0 {
		return
	}
	most := 1
	for _, row := range cc.counts {
		for _, v := range row {
			most = max(most, v)
		}
	}
	share := func(v int) float64 { return float64(v) / float64(most) }
	pal := color.Palette{}
	index := map[color.RGBA]uint8{}
	img := image.NewPaletted(image.Rect(0, 0, n*cellPixels, n*cellPixels), nil)
	for r, row := range cc.counts {
		for col, v := range row {
			k := viz.Ramp(share(v))
			i, ok := index[k]
			if !ok {
				i = uint8(len(pal))
				index[k], pal = i, append(pal, k)
			}
			for y := r * cellPixels; y < (r+1)*cellPixels; y++ {
				for x := col * cellPixels; x < (col+1)*cellPixels; x++ {
					img.Pix[y*img.Stride+x] = i
				}
			}
		}
	}
	img.Palette = pal
	trX, trY := p.Transforms(&c)
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: trX(-0.5), Y: trY(-0.5)}, Max: vg.Point{X: trX(float64(n) - 0.5), Y: trY(float64(n) - 0.5)}}, img)
	for r, row := range cc.counts {
		for col, v := range row {
			if v == 0 { // most cells are 0: blank keeps the errors easy to spot
				continue
			}
			ts := cc.text
			if share(v) > 0.6 {
				ts.Color = color.White
			}
			c.FillText(ts, vg.Point{X: trX(float64(col)), Y: trY(float64(n - 1 - r))}, strconv.Itoa(v))
		}
	}
}

func (m *model) plotErrors() *plot.Plot {
	p := viz.NewPlot("", "", "")
	val, names := m.data.val, m.data.all.ClassNames
	sh := val.Shape
	var tiles []viz.Tile
	shown := m.drawn().errors
	wrong := 0
	for i, pr := range m.c.val.Predicted {
		if pr == val.Labels[i] {
			continue
		}
		wrong++
		if len(tiles) < shown {
			tiles = append(tiles, viz.Tile{Pixels: ramped(val.Image(i), sh.H, sh.W, 1, 0, sh.H, 1), Res: sh.H,
				Caption: names[val.Labels[i]] + " → " + names[pr]})
		}
	}
	if wrong == 0 {
		addMessage(p, "The CNN classifies every validation image right.")
		return p
	}
	if wrong > shown {
		p.Title.Text = fmt.Sprintf("the first %d of %d", shown, wrong)
	}
	viz.AddTileGrid(p, tiles, 8)
	return p
}

// addMessage writes text in the middle of an empty panel.
func addMessage(p *plot.Plot, text string) {
	p.HideAxes()
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 0.5, Y: 0.5}}, Labels: []string{text}})
	if err != nil {
		return
	}
	ts := p.Legend.TextStyle
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	ts.Font.Size = 12
	l.TextStyle[0] = ts
	p.Add(l)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
}
