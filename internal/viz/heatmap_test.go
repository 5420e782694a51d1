package viz

import (
	"fmt"
	"image/color"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg/recorder"
)

func TestHeatmap(t *testing.T) {
	p := NewPlot("", "predicted", "true")
	AddHeatmap(p, Heatmap{
		Values: [][]float64{{8, 2}, {0, 4}},
		Rows:   []string{"a", "b"}, Cols: []string{"A", "B"},
		Text: [][]string{{"8", "2"}, {"0", "4"}},
	})
	if p.X.Min != -0.5 || p.X.Max != 1.5 || p.Y.Min != -0.5 || p.Y.Max != 1.5 {
		t.Errorf("axes %v..%v × %v..%v, want the cells -0.5..1.5", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	// Row 0 is drawn at the top: its tick is at y = 1.
	ticks := p.Y.Tick.Marker.Ticks(-0.5, 1.5)
	if ticks[0].Label != "a" || ticks[0].Value != 1 {
		t.Errorf("first row tick %+v, want a at 1", ticks[0])
	}
	rec := record(p, 300, 300)
	fills := map[color.RGBA]int{}
	var cur color.RGBA
	var textColors []color.RGBA
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			cur = color.RGBAModel.Convert(a.Color).(color.RGBA)
		case *recorder.Fill:
			fills[cur]++
		case *recorder.FillString:
			if slices.Contains([]string{"8", "2", "0", "4"}, a.String) {
				textColors = append(textColors, cur)
			}
		}
	}
	// Colours are Ramp(v/8): the largest count is the darkest.
	for _, v := range []float64{8, 2, 0, 4} {
		if fills[Ramp(v/8)] == 0 {
			t.Errorf("no cell filled with Ramp(%v/8)", v)
		}
	}
	if len(textColors) != 4 || textColors[0] != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) || textColors[1] == textColors[0] {
		t.Errorf("cell text colours %v: want white on the darkest cell only", textColors)
	}
}

// With a Scale, a confusion matrix's cells are coloured by their share of
// the row (0.8, 0.2 / 0, 1 here) on the fixed scale 0..1, whatever the
// counts, and the colour bar's ticks and title are written.
func TestHeatmapScale(t *testing.T) {
	p := NewPlot("", "predicted", "true")
	AddHeatmap(p, Heatmap{
		Values: [][]float64{{0.8, 0.2}, {0, 1}},
		Rows:   []string{"a", "b"}, Cols: []string{"A", "B"},
		Text: [][]string{{"8", "2"}, {"0", "4"}},
		Scale: &ColorGridStyle{Lo: 0, Hi: 1, Bands: 10, Ticks: []float64{0, 0.5, 1},
			Label: func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }, Title: "of row"},
	})
	if p.X.Max != 1.5+heatBarCells {
		t.Errorf("x max %v, want 1.5 + %v for the colour bar", p.X.Max, heatBarCells)
	}
	rec := record(p, 300, 300)
	fills := map[color.RGBA]int{}
	var cur color.RGBA
	texts := map[string]bool{}
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			cur = color.RGBAModel.Convert(a.Color).(color.RGBA)
		case *recorder.Fill:
			fills[cur]++
		case *recorder.FillString:
			texts[a.String] = true
		}
	}
	for _, v := range []float64{0.8, 0.2, 0, 1} {
		if fills[RampBands(v, 10)] == 0 {
			t.Errorf("no cell filled with RampBands(%v, 10)", v)
		}
	}
	for _, s := range []string{"8", "2", "0", "4", "0%", "50%", "100%", "of row"} {
		if !texts[s] {
			t.Errorf("no text %q (cell counts, bar ticks and title)", s)
		}
	}
}
