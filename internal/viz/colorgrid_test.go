package viz

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"math"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// Row 0 of the values is the bottom of the image, each cell becomes a
// block of equal pixels, values map through RampBands, NaN is transparent.
func TestColorGridImage(t *testing.T) {
	values := [][]float64{{0, 1, math.NaN()}, {0.5, 0.25, 1}}
	st := ColorGridStyle{Lo: 0, Hi: 1, Bands: 4}
	img := colorGridImage(values, st).(*image.Paletted)
	cols, rows := 3, 2
	cw, ch := img.Bounds().Dx()/cols, img.Bounds().Dy()/rows
	if cw*cols != img.Bounds().Dx() || ch*rows != img.Bounds().Dy() || cw < 2 || ch < 2 {
		t.Fatalf("image %v for %d×%d cells", img.Bounds(), rows, cols)
	}
	for r, row := range values {
		for c, v := range row {
			want := RampBands(v, 4)
			for _, px := range []image.Point{{c * cw, (rows - 1 - r) * ch}, {(c+1)*cw - 1, (rows-r)*ch - 1}} {
				if got := img.At(px.X, px.Y); got != want {
					t.Errorf("cell (%d, %d) at pixel %v: %v, want %v", r, c, px, got, want)
				}
			}
		}
	}
}

func TestAddColorGrid(t *testing.T) {
	p := NewPlot("", "epoch", "layer")
	AddColorGrid(p, [][]float64{{-3, -1}, {-2, 0}}, Box{-0.5, 1.5, 0.5, 2.5}, ColorGridStyle{Lo: -3, Hi: 0, Ticks: []float64{-3, 0}, Title: "log10"})
	if p.X.Min != -0.5 || p.X.Max <= 1.5 || p.Y.Min != 0.5 || p.Y.Max != 2.5 {
		t.Errorf("axes %v..%v × %v..%v", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.Value > 1.5 {
			t.Errorf("x tick %v over the colour bar's strip", tk.Value)
		}
	}
	svg, _, err := SVG(p, 300, 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<image", "log10", ">-3<", ">0<"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// No data: nothing is added, the axes are left alone.
	q := NewPlot("", "", "")
	AddColorGrid(q, nil, Box{0, 1, 0, 1}, ColorGridStyle{Lo: 0, Hi: 1})
	if q.X.Max == 1 {
		t.Error("an empty grid set the axes")
	}
}

// colorGridPlot is a colour grid of 3 rows and 4 columns with a NaN cell.
func colorGridPlot() *plot.Plot {
	p := NewPlot("", "epoch", "layer")
	AddColorGrid(p, colorGridValues, Box{-0.5, 3.5, 0.5, 3.5}, ColorGridStyle{Lo: 0, Hi: 1, Bands: 4, Ticks: []float64{0, 1}})
	return p
}

var colorGridValues = [][]float64{{0, 0.25, 0.5, 1}, {1, math.NaN(), 0, 0.5}, {0.75, 0.75, 0.25, 0}}

var imageElement = regexp.MustCompile(`<image [^>]*>`)

// In the SVG the grid is one pixel per cell, scaled up by the browser
// without smoothing (image-rendering="pixelated"), not an upscaled raster:
// the pixels are the cells' colours, row 0 of the values at the bottom.
func TestColorGridPixelated(t *testing.T) {
	svg, _, err := SVG(colorGridPlot(), 300, 200)
	if err != nil {
		t.Fatal(err)
	}
	elems := imageElement.FindAll(svg, -1)
	if len(elems) != 1 {
		t.Fatalf("%d image elements, want 1", len(elems))
	}
	if !bytes.Contains(elems[0], []byte(`image-rendering="pixelated"`)) {
		t.Errorf("image not pixelated: %.200s", elems[0])
	}
	m := dataURI.Find(elems[0])
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(string(m), "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, cols := len(colorGridValues), len(colorGridValues[0])
	if img.Bounds() != image.Rect(0, 0, cols, rows) {
		t.Fatalf("image %v, want one pixel per cell (%d×%d)", img.Bounds(), cols, rows)
	}
	for r, row := range colorGridValues {
		for c, v := range row {
			want := RampBands(v, 4)
			gr, gg, gb, ga := img.At(c, rows-1-r).RGBA()
			wr, wg, wb, wa := want.RGBA()
			if gr != wr || gg != wg || gb != wb || ga != wa {
				t.Errorf("cell (%d, %d): %v, want %v", r, c, img.At(c, rows-1-r), want)
			}
		}
	}
	// A PNG download has no pixelated images: it gets the upscaled raster,
	// whose blocks keep their colours through vgimg's scaling.
	out, err := PNG(colorGridPlot(), 300, 200, 96)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
}
