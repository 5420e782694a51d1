// Package codeplot draws what the autoencoder and vae scenarios share:
// small grey images as one raster, and a scatter of latent codes coloured
// by class with each class's name written at its centre.
package codeplot

import (
	"image/color"
	"math"
	"slices"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"

	"github.com/mlplayground/playground/internal/viz"
)

// greyLevels is the number of grey levels of an image; few levels keep a
// raster paletted and small.
const greyLevels = 16

// Grey is ink for a pixel value v: 0 white, 1 black, clamped to [0, 1].
func Grey(v float64) color.Color {
	if math.IsNaN(v) {
		v = 0
	}
	k := math.Round(min(max(v, 0), 1) * (greyLevels - 1))
	g := uint8(math.Round(255 * (1 - k/(greyLevels-1))))
	return color.RGBA{g, g, g, 0xff}
}

// Tiles turns images of side×side values into grey tiles; captions[i]
// (when present) is written above image i.
func Tiles(images [][]float64, side int, captions []string) []viz.Tile {
	tiles := make([]viz.Tile, len(images))
	for i, img := range images {
		pix := make([]color.Color, side*side)
		for j := range pix {
			if j < len(img) {
				pix[j] = Grey(img[j])
			}
		}
		tiles[i] = viz.Tile{Pixels: pix, Res: side}
		if i < len(captions) {
			tiles[i].Caption = captions[i]
		}
	}
	return tiles
}

// AddCodes draws the points codes[i] (their first two coordinates) coloured
// by labels[i], small and without outline so hundreds stay light, and
// writes names[c] at the median of class c's points.
func AddCodes(p *plot.Plot, codes [][]float64, labels []int, names []string) {
	viz.AddScatter(p, codes, labels, viz.ScatterStyle{Radius: 2})
	var xy plotter.XYLabels
	for c, name := range names {
		var xs, ys []float64
		for i, l := range labels {
			if l == c && len(codes[i]) >= 2 && !math.IsNaN(codes[i][0]+codes[i][1]) && !math.IsInf(codes[i][0]+codes[i][1], 0) {
				xs, ys = append(xs, codes[i][0]), append(ys, codes[i][1])
			}
		}
		if len(xs) == 0 {
			continue
		}
		xy.XYs = append(xy.XYs, plotter.XY{X: median(xs), Y: median(ys)})
		xy.Labels = append(xy.Labels, name)
	}
	if len(xy.XYs) == 0 {
		return
	}
	lp, err := plotter.NewLabels(xy)
	if err != nil {
		return
	}
	for i := range lp.TextStyle {
		ts := p.Legend.TextStyle
		ts.Font = font.From(ts.Font, 12)
		ts.Font.Weight = xfont.WeightBold
		ts.XAlign, ts.YAlign = -0.5, -0.5
		ts.Color = color.Black
		lp.TextStyle[i] = ts
	}
	p.Add(lp)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// Square widens the shorter side of b so one unit is as long on both
// axes, and pads it by a twentieth: a latent space has no preferred
// direction.
func Square(b viz.Box) viz.Box {
	w, h := b.XMax-b.XMin, b.YMax-b.YMin
	s := max(w, h, 1e-9) * 1.1
	cx, cy := (b.XMin+b.XMax)/2, (b.YMin+b.YMax)/2
	return viz.Box{XMin: cx - s/2, XMax: cx + s/2, YMin: cy - s/2, YMax: cy + s/2}
}
