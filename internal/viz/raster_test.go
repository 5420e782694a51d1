package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// vgsvgRaw draws p with vgsvg itself: the reference svgWriter's output is
// compared with.
func vgsvgRaw(t *testing.T, p *plot.Plot) []byte {
	t.Helper()
	c, _, err := drawPlot(p, func() *vgsvg.Canvas { return vgsvg.New(testW, testH) }, "svg", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var dataURI = regexp.MustCompile(`data:image/(?:png|jpg);base64,([A-Za-z0-9+/=]*)`)

// pngs decodes every raster embedded in svg.
func pngs(t *testing.T, svg []byte) []image.Image {
	t.Helper()
	var imgs []image.Image
	for _, m := range dataURI.FindAllSubmatch(svg, -1) {
		data, err := base64.StdEncoding.DecodeString(string(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	return imgs
}

// TestRastersSamePixels: the PNGs svgWriter writes decode to exactly the
// pixels of those png.Encode wrote through vgsvg, and the rest of the SVG
// is byte for byte the same. The heat map's raster is the exception by
// design: svgWriter writes one pixel per cell, marked
// image-rendering="pixelated", where vgsvg gets the grid upscaled; each of
// its pixels is the colour of the block vgsvg's raster has there.
func TestRastersSamePixels(t *testing.T) {
	smooth := func() *plot.Plot { // more than 256 colours: an RGBA PNG
		p := NewPlot("", "", "")
		AddRegionMap(p, Box{-1, 1, -1, 1}, 100, func(x, y float64) color.Color {
			return color.RGBA{uint8(128 + 127*x), uint8(128 + 127*y), 200, 255}
		})
		return p
	}
	colorGrid := func() *plot.Plot {
		p := NewPlot("", "", "")
		values := make([][]float64, 12)
		for r := range values {
			values[r] = make([]float64, 9)
			for c := range values[r] {
				values[r][c] = math.Sin(float64(r*c) / 7)
			}
		}
		values[3][4] = math.NaN()
		AddColorGrid(p, values, Box{0, 9, 0, 12}, ColorGridStyle{Lo: -1, Hi: 1, Ticks: []float64{-1, 0, 1}})
		return p
	}
	for _, tc := range []struct {
		name      string
		mk        func() *plot.Plot
		pixelated bool
	}{
		{"region map", scatterRegionPlot, false},
		{"smooth region map", smooth, false},
		{"heat map", colorGrid, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := vgsvgRaw(t, tc.mk())
			after := raw(t, tc.mk())
			if bytes.Equal(before, after) {
				t.Fatal("the output did not change; is svgWriter drawing the images?")
			}
			mask := func(svg []byte) []byte { return dataURI.ReplaceAll(svg, []byte("data:image/png;base64,…")) }
			if tc.pixelated {
				after = bytes.ReplaceAll(after, []byte(`" image-rendering="pixelated"`), []byte(`"`))
			}
			if !bytes.Equal(mask(before), mask(after)) {
				t.Error("the SVGs differ outside their rasters")
			}
			want, got := pngs(t, before), pngs(t, after)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%d rasters, want %d (and at least one)", len(got), len(want))
			}
			for k := range got {
				if tc.pixelated {
					got[k] = nearestUpscale(got[k], want[k].Bounds())
				}
				if msg := diffPixels(want[k], got[k]); msg != "" {
					t.Errorf("raster %d: %s", k, msg)
				}
			}
		})
	}
}

// nearestUpscale scales img up to r by whole blocks of pixels.
func nearestUpscale(img image.Image, r image.Rectangle) image.Image {
	b := img.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 || r.Dx()%b.Dx() != 0 || r.Dy()%b.Dy() != 0 {
		return img // diffPixels reports the bounds
	}
	kx, ky := r.Dx()/b.Dx(), r.Dy()/b.Dy()
	out := image.NewNRGBA64(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			out.Set(x, y, img.At(b.Min.X+(x-r.Min.X)/kx, b.Min.Y+(y-r.Min.Y)/ky))
		}
	}
	return out
}

// diffPixels describes the first difference between a and b, or is "".
func diffPixels(a, b image.Image) string {
	if a.Bounds() != b.Bounds() {
		return "bounds " + b.Bounds().String() + ", want " + a.Bounds().String()
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca := color.NRGBA64Model.Convert(a.At(x, y))
			cb := color.NRGBA64Model.Convert(b.At(x, y))
			if ca != cb {
				return image.Pt(x, y).String() + ": " + fmtColor(cb) + ", want " + fmtColor(ca)
			}
		}
	}
	return ""
}

func fmtColor(c color.Color) string {
	r, g, b, a := c.RGBA()
	return fmt.Sprintf("rgba64(%d,%d,%d,%d)", r, g, b, a)
}

// nanGroup draws what an earlier canvas used as its image marker, as a
// careless plotter might.
type nanGroup struct{}

func (nanGroup) Plot(c draw.Canvas, _ *plot.Plot) {
	nan := vg.Length(math.NaN())
	c.Push()
	c.Translate(vg.Point{X: nan, Y: nan})
	c.Pop()
}

// A plot that draws an empty NaN-translated group still draws, with its
// raster.
func TestSVGSurvivesAMarkerLookalike(t *testing.T) {
	p := NewPlot("", "x", "y")
	AddRegionMap(p, Box{XMin: -1, XMax: 1, YMin: -1, YMax: 1}, 8, func(x, y float64) color.Color { return RegionColor(int(x+1) % 2) })
	p.Add(nanGroup{})
	svg, _, err := SVG(p, testW, testH)
	if err != nil {
		t.Fatalf("SVG: %v", err)
	}
	if imgs := pngs(t, svg); len(imgs) != 1 {
		t.Errorf("%d rasters in the SVG, want 1", len(imgs))
	}
}

// rotatedPlot is curvesPlot with rotated tick labels.
func rotatedPlot() *plot.Plot {
	p := curvesPlot()
	p.X.Tick.Label.Rotation = math.Pi / 5
	p.X.Tick.Label.XAlign = draw.XRight
	return p
}

// writerCases are the plots the SVG writer is compared on.
var writerCases = []struct {
	name string
	mk   func() *plot.Plot
}{
	{"scatter", scatterRegionPlot},
	{"curves", curvesPlot},
	{"gallery", galleryPlot},
	{"rotated", rotatedPlot},
}

// TestSVGWriterMatchesVgsvg: outside its rasters, svgWriter's document is
// vgsvg's byte for byte, so compact reads the same input as before.
func TestSVGWriterMatchesVgsvg(t *testing.T) {
	mask := func(svg []byte) []byte { return dataURI.ReplaceAll(svg, []byte("data:image/png;base64,…")) }
	for _, tc := range writerCases {
		t.Run(tc.name, func(t *testing.T) {
			want, got := mask(vgsvgRaw(t, tc.mk())), mask(raw(t, tc.mk()))
			if !bytes.Equal(want, got) {
				i := 0
				for i < len(want) && i < len(got) && want[i] == got[i] {
					i++
				}
				lo := max(0, i-80)
				t.Errorf("documents differ at byte %d:\nvgsvg     %q\nsvgWriter %q", i, want[lo:min(len(want), i+80)], got[lo:min(len(got), i+80)])
			}
		})
	}
}

// TestSVGWriterCompactsAsCompact: in compact mode svgWriter writes exactly
// what compact makes of its text, rasters included.
func TestSVGWriterCompactsAsCompact(t *testing.T) {
	// vgsvg draws no pixelated rasters: the colour grid is compared here only.
	cases := append(writerCases[:len(writerCases):len(writerCases)], struct {
		name string
		mk   func() *plot.Plot
	}{"colorgrid", colorGridPlot})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := compact(raw(t, tc.mk()))
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := SVG(tc.mk(), testW, testH)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, got) {
				i := 0
				for i < len(want) && i < len(got) && want[i] == got[i] {
					i++
				}
				lo := max(0, i-80)
				t.Errorf("documents differ at byte %d:\ncompact   %q\nsvgWriter %q", i, want[lo:min(len(want), i+80)], got[lo:min(len(got), i+80)])
			}
		})
	}
}

// nanPath strokes a line to a NaN point.
type nanPath struct{}

func (nanPath) Plot(c draw.Canvas, _ *plot.Plot) {
	nan := vg.Length(math.NaN())
	c.StrokeLine2(draw.LineStyle{Width: 1}, 0, 0, nan, nan)
}

// A path compact cannot read fails the frame with compact's error, as
// before svgWriter wrote compact output itself.
func TestSVGNaNPathFails(t *testing.T) {
	p := NewPlot("", "x", "y")
	p.Add(nanPath{})
	_, _, err := SVG(p, testW, testH)
	if err == nil || !strings.Contains(err.Error(), "compacting: bad path data") {
		t.Errorf("SVG: %v, want compact's bad path data", err)
	}
}

// fastRound5 agrees with strconv's %.5g read back by scanNumber.
func TestFastRound5(t *testing.T) {
	slow := func(v float64) float64 {
		b := strconv.AppendFloat(nil, v, 'g', 5, 64)
		r, _ := scanNumber(string(b))
		return r
	}
	rng := rand.New(rand.NewPCG(1, 2))
	values := []float64{1e-3, 1e9, 12345.5, 1.00005, 99999.5, 999.995, 0.1, 0.3, 288, 324, -0.0015}
	for _, p := range decades { // powers of ten and their neighbours
		values = append(values, p, math.Nextafter(p, 0), math.Nextafter(p, 2e9))
	}
	for range 200000 {
		e := rng.Float64()*13 - 4
		v := math.Pow(10, e)
		if rng.IntN(2) == 0 {
			v = -v
		}
		values = append(values, v, math.Round(v*1e4)/1e4, math.Round(v*100)/100+0.005)
	}
	checked := 0
	for _, v := range values {
		got, ok := fastRound5(v)
		if !ok {
			continue
		}
		checked++
		if want := slow(v); got != want {
			t.Fatalf("fastRound5(%v) = %v, want %v", v, got, want)
		}
	}
	if checked < len(values)/2 {
		t.Errorf("fast route took %d of %d values", checked, len(values))
	}
}

// A panel drawn again through its RasterCache writes the document SVG
// writes, and encodes only the rasters whose pixels changed: a region map
// (paletted), a tile grid of RGBA tiles, a palette change with the same
// indices, and a raster of another image type, which is always encoded.
func TestRasterCache(t *testing.T) {
	regionOf := func(shift float64) *plot.Plot {
		p := NewPlot("", "", "")
		AddRegionMap(p, Box{-1, 1, -1, 1}, 40, func(x, y float64) color.Color { return RegionColor(nearest([][]float64{{shift, 0}, {0.5, 0.5}}, x, y)) })
		return p
	}
	tilesOf := func(v uint8) *plot.Plot {
		p := NewPlot("", "", "")
		var tiles []Tile
		for k := range 3 {
			pix := make([]color.Color, 100)
			for i := range pix {
				// 300 distinct colours over the grid: an RGBA image.
				pix[i] = color.RGBA{uint8(i), v, uint8(k * 80), 0xFF}
			}
			tiles = append(tiles, Tile{Pixels: pix, Res: 10})
		}
		AddTileGrid(p, tiles, 3)
		return p
	}
	paletteOf := func(c color.RGBA) *plot.Plot {
		p := NewPlot("", "", "")
		img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{c, color.White})
		img.Pix[5] = 1
		p.Add(plotterImage(img))
		return p
	}
	grayOf := func(v uint8) *plot.Plot {
		p := NewPlot("", "", "")
		img := image.NewGray(image.Rect(0, 0, 4, 4))
		img.Pix[3] = v
		p.Add(plotterImage(img))
		return p
	}
	for _, tc := range []struct {
		name      string
		frames    []*plot.Plot
		wantCodes []int // rasters encoded by each drawing
	}{
		{"region map", []*plot.Plot{regionOf(-0.5), regionOf(-0.5), regionOf(0.2), regionOf(0.2)}, []int{1, 0, 1, 0}},
		{"tiles", []*plot.Plot{tilesOf(1), tilesOf(1), tilesOf(2)}, []int{1, 0, 1}},
		{"palette", []*plot.Plot{paletteOf(color.RGBA{1, 2, 3, 255}), paletteOf(color.RGBA{1, 2, 3, 255}), paletteOf(color.RGBA{9, 2, 3, 255})}, []int{1, 0, 1}},
		{"other image type", []*plot.Plot{grayOf(1), grayOf(1)}, []int{0, 0}},
	} {
		var rc RasterCache
		for i, p := range tc.frames {
			want, _, err := SVG(p, testW, testH)
			if err != nil {
				t.Fatal(err)
			}
			before := rc.encoded
			got, _, err := CachedSVG(p, testW, testH, &rc)
			if err != nil {
				t.Fatal(err)
			}
			// The same document, byte for byte: the PNG level depends on
			// the raster alone, not on what the cache held.
			if !bytes.Equal(got, want) {
				t.Errorf("%s, drawing %d: the cached document differs from SVG's", tc.name, i)
			}
			if n := rc.encoded - before; n != tc.wantCodes[i] {
				t.Errorf("%s, drawing %d: %d rasters encoded into the cache, want %d", tc.name, i, n, tc.wantCodes[i])
			}
			if imgs := pngs(t, got); len(imgs) != 1 {
				t.Errorf("%s, drawing %d: %d rasters, want 1", tc.name, i, len(imgs))
			} else if _, paletted := imgs[0].(*image.Paletted); tc.name == "tiles" && paletted {
				t.Errorf("%s, drawing %d: a raster of type %T", tc.name, i, imgs[0])
			}
		}
	}
}

func plotterImage(img image.Image) plot.Plotter {
	return plotter.NewImage(img, 0, 0, 1, 1)
}
