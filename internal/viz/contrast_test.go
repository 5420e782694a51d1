package viz

import (
	"image/color"
	"math"
	"testing"
)

// Reference ratios from the WCAG 2.1 definition: black on white is 21:1,
// #777777 on white 4.48:1 (the usual "just fails AA" grey), and Okabe–Ito
// blue #0072B2 on white 5.19:1 (L = 0.7152·0.1683 + 0.0722·0.4452 = 0.1525,
// 1.05/0.2025, worked by hand from the definition).
func TestContrast(t *testing.T) {
	for _, c := range []struct {
		a    color.Color
		want float64
	}{
		{color.Black, 21},
		{color.White, 1},
		{color.RGBA{0x77, 0x77, 0x77, 0xFF}, 4.48},
		{color.RGBA{0x00, 0x72, 0xB2, 0xFF}, 5.19},
	} {
		if got := Contrast(c.a, color.White); math.Abs(got-c.want) > 0.01 {
			t.Errorf("Contrast(%v, white) = %.3f, want %.2f", c.a, got, c.want)
		}
	}
}

// Every palette colour as text reaches AA on white; colours that already
// do are left as they are.
func TestTextInk(t *testing.T) {
	for i, c := range append(Palette, Neutral, inkLabel) {
		got := TextInk(c)
		if r := Contrast(got, color.White); r < minTextContrast {
			t.Errorf("palette %d %v: TextInk %v has contrast %.2f < %.1f", i, c, got, r, minTextContrast)
		}
		if Contrast(c, color.White) >= minTextContrast && got != color.Color(c) {
			t.Errorf("palette %d %v: already AA but TextInk changed it to %v", i, c, got)
		}
	}
}
