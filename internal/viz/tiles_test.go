package viz

import (
	"image"
	"image/color"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg/recorder"
)

func TestTileGrid(t *testing.T) {
	red, blue := color.RGBA{0xFF, 0, 0, 0xFF}, color.RGBA{0, 0, 0xFF, 0xFF}
	flat := func(c color.Color) []color.Color {
		px := make([]color.Color, 4*4)
		for i := range px {
			px[i] = c
		}
		return px
	}
	half := flat(red)
	for i := 8; i < 16; i++ {
		half[i] = blue // bottom two rows
	}
	tiles := []Tile{{Pixels: flat(red), Res: 4, Caption: "a"}, {Pixels: half, Res: 4, Caption: "b"}, {Pixels: flat(blue), Res: 4, Caption: "c"}}
	p := NewPlot("", "", "")
	AddTileGrid(p, tiles, 2)
	rec := record(p, 300, 240)
	var img image.Image
	var captions []string
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.DrawImage:
			if img != nil {
				t.Fatal("more than one image")
			}
			img = a.Image
		case *recorder.FillString:
			captions = append(captions, a.String)
		}
	}
	if img == nil || !slices.Equal(captions, []string{"a", "b", "c"}) {
		t.Fatalf("image %v, captions %q", img != nil, captions)
	}
	if _, ok := img.(*image.Paletted); !ok {
		t.Errorf("a 3-colour grid is a %T, want paletted", img)
	}
	// Layout in pixels: gap round(0.18·4) = 1 between columns, a caption
	// band above each row; tile k starts at column (k mod 2)·5.
	b := img.Bounds()
	if b.Dx() != 2*4+1 {
		t.Errorf("image %d pixels wide, want 9", b.Dx())
	}
	rgba := func(x, y int) color.RGBA { return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) }
	capPx := b.Dy()/2 - 4
	if got := rgba(0, capPx); got != red {
		t.Errorf("tile a's first pixel %v, want red", got)
	}
	if got, want := rgba(5, capPx+3), blue; got != want {
		t.Errorf("tile b's bottom row %v, want blue", got)
	}
	if got := rgba(4, capPx); got.A != 0 {
		t.Errorf("the gap is %v, want transparent", got)
	}
	if got := rgba(8, b.Dy()-1); got.A != 0 {
		t.Errorf("the empty slot is %v, want transparent", got)
	}
	if got := rgba(0, b.Dy()-1); got != blue {
		t.Errorf("tile c %v, want blue", got)
	}
}
