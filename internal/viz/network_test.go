package viz

import (
	"image/color"
	"math"
	"slices"
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
