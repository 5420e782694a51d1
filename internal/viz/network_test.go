package viz

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// record draws p on a recording canvas of w×h points.
func record(p *plot.Plot, w, h vg.Length) *recorder.Canvas {
	rec := &recorder.Canvas{}
	p.Draw(draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}})
	return rec
}

// strokedLine is a two-point stroke with the style it was drawn in.
type strokedLine struct {
	width vg.Length
	color color.RGBA
}

// lines returns the straight two-point strokes of a recording, leaving
// out NewPlot's grid (hidden under the diagram) and the hidden axes.
func lines(rec *recorder.Canvas) []strokedLine {
	var out []strokedLine
	var w vg.Length
	var c color.RGBA
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetLineWidth:
			w = a.Width
		case *recorder.SetColor:
			c = color.RGBAModel.Convert(a.Color).(color.RGBA)
		case *recorder.Stroke:
			if len(a.Path) == 2 && a.Path[0].Type == vg.MoveComp && a.Path[1].Type == vg.LineComp && c != inkGrid && w > 0 {
				out = append(out, strokedLine{w, c})
			}
		}
	}
	return out
}

func drawnStrings(rec *recorder.Canvas) []string {
	var out []string
	for _, a := range rec.Actions {
		if f, ok := a.(*recorder.FillString); ok {
			out = append(out, f.String)
		}
	}
	return out
}

func TestNetworkDiagram(t *testing.T) {
	p := NewPlot("", "", "")
	pos, neg := color.RGBA{0xF2, 0x8E, 0x2B, 0xFF}, color.RGBA{0x4E, 0x79, 0xA7, 0xFF}
	AddNetworkDiagram(p, NetworkDiagram{
		Labels:   [][]string{{"x₁", "x₂"}, {"", ""}, {"out"}},
		Weights:  [][][]float64{{{1, -0.5}, {0, 0.25}}, {{-1, math.NaN()}}},
		Captions: []string{"inputs", "2 units", "output"},
		Positive: pos, Negative: neg,
	})
	rec := record(p, 360, 288)
	got := lines(rec)
	if len(got) != 6 {
		t.Fatalf("%d edges drawn, want 6 (2×2 + 1×2): %v", len(got), got)
	}
	// Width 0.35 + 4.15·level/8 with level = round(8|w|/max|w|), max |w| = 1;
	// drawn by level (then blue before orange), NaN first in grey.
	width := func(level float64) vg.Length { return netMinEdge + (netMaxEdge-netMinEdge)*vg.Length(level/8) }
	want := []strokedLine{
		{netMinEdge, inkAxis}, // NaN
		{width(0), pos},       // 0
		{width(2), pos},       // 0.25
		{width(4), neg},       // −0.5
		{width(8), neg},       // −1
		{width(8), pos},       // 1
	}
	for i := range want {
		if math.Abs(float64(got[i].width-want[i].width)) > 1e-9 || got[i].color != want[i].color {
			t.Errorf("edge %d: width %.4g colour %v, want %.4g %v", i, got[i].width, got[i].color, want[i].width, want[i].color)
		}
	}
	texts := drawnStrings(rec)
	for _, s := range []string{"x₁", "x₂", "out", "inputs", "2 units", "output"} {
		if !slices.Contains(texts, s) {
			t.Errorf("label %q not drawn (drew %q)", s, texts)
		}
	}
	svg, _, err := SVG(p, 360, 288)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
}

// A wide network's edges thin out: 8 units feeding 8, the strongest edge
// is at most netInkShare·size/8 wide, so the 8 edges into a node together
// are not wider than netInkShare times the node. Nodes with images draw
// them as one raster and keep their labels.
func TestNetworkDiagramWide(t *testing.T) {
	const units = 8
	p := NewPlot("", "", "")
	labels := [][]string{make([]string, units), make([]string, units)}
	images := [][]image.Image{make([]image.Image, units), make([]image.Image, units)}
	w := make([][]float64, units)
	for o := range w {
		w[o] = make([]float64, units)
		for i := range w[o] {
			w[o][i] = 1 // every edge at the widest level
		}
		labels[1][o] = "1." + strconv.Itoa(o+1)
		img := image.NewRGBA(image.Rect(0, 0, 10, 10))
		img.Set(0, 0, ClassColor(o))
		images[0][o], images[1][o] = img, img
	}
	d := NetworkDiagram{Labels: labels, Weights: [][][]float64{w}, Images: images}
	AddNetworkDiagram(p, d)
	rec := record(p, 360, 288)
	// The node side, from the first node's border (a closed rectangle).
	var size vg.Length
	for _, a := range rec.Actions {
		if st, ok := a.(*recorder.Stroke); ok && len(st.Path) == 5 && size == 0 {
			size = st.Path[1].Pos.X - st.Path[0].Pos.X
		}
	}
	if size <= 0 {
		t.Fatal("no node border drawn")
	}
	limit := netInkShare * size / units
	edges := lines(rec)
	if len(edges) < units*units {
		t.Fatalf("%d edges drawn, want %d", len(edges), units*units)
	}
	for _, e := range edges[:units*units] {
		if e.width > limit+1e-9 {
			t.Fatalf("edge width %.3g, want at most %.3g (node %.3g / %d in-edges × %.1f)", e.width, limit, size, units, netInkShare)
		}
	}
	imgs := 0
	for _, a := range rec.Actions {
		if _, ok := a.(*recorder.DrawImage); ok {
			imgs++
		}
	}
	if imgs != 1 {
		t.Errorf("%d images drawn, want the 16 node images as 1 raster", imgs)
	}
	if texts := drawnStrings(rec); !slices.Contains(texts, "1.8") {
		t.Errorf("unit label 1.8 not drawn (drew %q)", texts)
	}
}

// paletteSetter writes the index m.Set writes, for colours in the palette,
// near it (premultiplied values a few units off, which Palette.Index takes
// as exact) and far from it, and ignores points outside the image.
func TestPaletteSetterMatchesSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pal := color.Palette{color.NRGBA{}}
	for range 40 {
		pal = append(pal, color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(4) * 85)})
	}
	pal = append(pal, color.NRGBA{10, 20, 30, 1}, color.NRGBA{11, 20, 30, 1}) // one premultiplied value
	r := image.Rect(0, 0, 13, 7)
	want, got := image.NewPaletted(r, pal), image.NewPaletted(r, pal)
	set, setRGBA := paletteSetter(got)
	for range 4000 {
		var c color.Color
		switch rng.IntN(4) {
		case 0:
			c = pal[rng.IntN(len(pal))]
		case 1:
			cr, cg, cb, ca := pal[rng.IntN(len(pal))].RGBA()
			c = color.RGBA64{uint16(min(cr+uint32(rng.IntN(2)), ca)), uint16(cg), uint16(cb), uint16(ca)}
		case 2:
			c = color.RGBAModel.Convert(pal[rng.IntN(len(pal))]) // a palette colour as an RGBA image holds it
		default:
			c = color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		}
		x, y := rng.IntN(15)-1, rng.IntN(9)-1
		want.Set(x, y, c)
		if v, ok := c.(color.RGBA); ok && rng.IntN(2) == 0 {
			setRGBA(x, y, v) // the RGBA route shares the first's cache
		} else {
			set(x, y, c)
		}
		if !bytes.Equal(want.Pix, got.Pix) {
			t.Fatalf("after setting %v at (%d, %d): %v, want %v", c, x, y, got.Pix, want.Pix)
		}
	}
}
