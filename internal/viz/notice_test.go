package viz

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg/recorder"
)

// A notice writes its lines, top to bottom, centred in the data area, and
// leaves the axes to the other layers.
func TestNotice(t *testing.T) {
	p := NewPlot("", "x", "y")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -2, 2, 0, 10
	AddNotice(p, "first line", "second line")
	if p.X.Min != -2 || p.X.Max != 2 || p.Y.Min != 0 || p.Y.Max != 10 {
		t.Errorf("axes %v..%v × %v..%v, want -2..2 × 0..10 as set", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	rec := record(p, 360, 288)
	var lines []*recorder.FillString
	for _, a := range rec.Actions {
		if f, ok := a.(*recorder.FillString); ok && slices.Contains([]string{"first line", "second line"}, f.String) {
			lines = append(lines, f)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d notice lines drawn, want 2", len(lines))
	}
	if lines[0].String != "first line" || lines[0].Point.Y <= lines[1].Point.Y {
		t.Errorf("lines %q at y %v and %q at y %v: want the first above the second", lines[0].String, lines[0].Point.Y, lines[1].String, lines[1].Point.Y)
	}
	// The recorder keeps each line's left end; its centre is half its
	// width further, measured in the notice's style.
	ts := labelStyle(p, inkLabel)
	ts.Font.Size = 11
	c0 := lines[0].Point.X + ts.Width(lines[0].String)/2
	c1 := lines[1].Point.X + ts.Width(lines[1].String)/2
	if math.Abs(float64(c0-c1)) > 0.01 {
		t.Errorf("line centres at x %v and %v: want both centred", c0, c1)
	}
}
