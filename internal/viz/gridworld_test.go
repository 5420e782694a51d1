package viz

import (
	"image/color"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/recorder"
)

// A 2×3 gridworld: square cells, row 0 on top, an arrow pointing the way
// it is told, the texts where they belong.
func TestGridWorld(t *testing.T) {
	p := NewPlot("", "", "")
	red := color.RGBA{0xE1, 0x57, 0x59, 0xFF}
	green := color.RGBA{0x59, 0xA1, 0x4F, 0xFF}
	fill := make([]color.Color, 6)
	fill[0], fill[5] = red, green // top-left, bottom-right
	AddGridWorld(p, GridWorld{Rows: 2, Cols: 3, Fill: fill,
		Marks:  []string{"S", "", "", "", "", "G"},
		Text:   []string{"0.81", "", "", "", "", ""},
		Arrows: []GridArrow{{Cell: 0, Dir: 1, Length: 1, Bold: true}},
		Agent:  -1})
	rec := record(p, 400, 300)
	var cur color.RGBA
	cells := map[color.RGBA]vg.Rectangle{}
	texts := map[string]vg.Point{}
	var head []vg.Point
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			cur = color.RGBAModel.Convert(a.Color).(color.RGBA)
		case *recorder.Fill:
			if len(a.Path) == 5 && (cur == red || cur == green) {
				cells[cur] = vg.Rectangle{Min: a.Path[0].Pos, Max: a.Path[2].Pos}
			}
			if len(a.Path) == 4 && cur == inkDark { // the arrowhead, closed
				head = []vg.Point{a.Path[0].Pos, a.Path[1].Pos, a.Path[2].Pos}
			}
		case *recorder.FillString:
			texts[a.String] = a.Point
		}
	}
	r, g := cells[red], cells[green]
	side := r.Max.X - r.Min.X
	if side <= 0 || math.Abs(float64(r.Max.Y-r.Min.Y-side)) > 1e-9 {
		t.Fatalf("top-left cell %v is not a square", r)
	}
	// The green cell is two columns right and one row down.
	if math.Abs(float64(g.Min.X-r.Min.X-2*side)) > 1e-9 || math.Abs(float64(r.Min.Y-g.Min.Y-side)) > 1e-9 {
		t.Errorf("bottom-right cell %v, top-left %v, side %v", g, r, side)
	}
	// The arrow points right: its tip is reach·side right of the centre.
	centre := vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}
	if len(head) != 3 || math.Abs(float64(head[0].X-centre.X-side*gridArrowReach)) > 1e-9 || head[0].Y != centre.Y {
		t.Errorf("arrowhead %v, centre %v, side %v", head, centre, side)
	}
	// Text points are the glyphs' baseline start, after centring.
	if s := texts["S"]; s.Y <= centre.Y || s.X >= centre.X-side/4 {
		t.Errorf("mark S at %v, want in the top-left corner of the cell centred at %v", s, centre)
	}
	if v := texts["0.81"]; math.Abs(float64(v.X-centre.X)) > float64(side)/4 || math.Abs(float64(v.Y-centre.Y)) > float64(side)/8 {
		t.Errorf("value at %v, want at the centre %v", v, centre)
	}
}
