package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// vgsvgRaw draws p with vgsvg's own DrawImage, as rawSVG did before
// svgCanvas: the reference the rasters are compared with.
func vgsvgRaw(t *testing.T, p *plot.Plot) []byte {
	t.Helper()
	c := vgsvg.New(testW, testH)
	if _, err := drawPlot(p, c, "svg"); err != nil {
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

// TestRastersSamePixels: the PNGs svgCanvas writes decode to exactly the
// pixels of those png.Encode wrote through vgsvg, and the rest of the SVG
// is byte for byte the same.
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
		name string
		mk   func() *plot.Plot
	}{
		{"region map", scatterRegionPlot},
		{"smooth region map", smooth},
		{"heat map", colorGrid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := vgsvgRaw(t, tc.mk())
			after := raw(t, tc.mk())
			if bytes.Equal(before, after) {
				t.Fatal("the output did not change; is svgCanvas drawing the images?")
			}
			mask := func(svg []byte) []byte { return dataURI.ReplaceAll(svg, []byte("data:image/png;base64,…")) }
			if !bytes.Equal(mask(before), mask(after)) {
				t.Error("the SVGs differ outside their rasters")
			}
			want, got := pngs(t, before), pngs(t, after)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%d rasters, want %d (and at least one)", len(got), len(want))
			}
			for k := range got {
				if msg := diffPixels(want[k], got[k]); msg != "" {
					t.Errorf("raster %d: %s", k, msg)
				}
			}
		})
	}
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

// A marker that does not match its images is an error, not a wrong SVG.
func TestPlaceImagesCountsMarkers(t *testing.T) {
	c := &svgCanvas{images: [][]byte{[]byte("<image/>\n")}}
	if _, err := c.placeImages([]byte("<svg>\n</svg>\n")); err == nil {
		t.Error("no marker for an image: no error")
	}
	if _, err := c.placeImages([]byte(imageMarker + imageMarker)); err == nil {
		t.Error("two markers for one image: no error")
	}
	out, err := c.placeImages([]byte("<a/>\n" + imageMarker + "<b/>\n"))
	if err != nil || string(out) != "<a/>\n<image/>\n<b/>\n" {
		t.Errorf("placeImages = %q, %v", out, err)
	}
}

// nanGroup draws what svgCanvas uses as its image marker, as a careless
// plotter might.
type nanGroup struct{}

func (nanGroup) Plot(c draw.Canvas, _ *plot.Plot) {
	nan := vg.Length(math.NaN())
	c.Push()
	c.Translate(vg.Point{X: nan, Y: nan})
	c.Pop()
}

// A plot whose own drawing looks like an image marker still draws, with
// its raster, rather than failing the frame.
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
