package viz

import (
	"image/color"
	"math"
)

// minTextContrast is WCAG 2.1's level AA for normal text (success
// criterion 1.4.3): the contrast ratio of text to its background.
const minTextContrast = 4.5

// TextInk returns c, darkened just enough to be read as text on white at
// WCAG AA contrast (4.5:1): a label takes the colour of its curve without
// fading out when that colour is light (orange, sky blue, yellow).
func TextInk(c color.Color) color.Color {
	r, g, b, a := c.RGBA()
	if a == 0 {
		return c
	}
	// Un-premultiply to 8-bit components.
	rgb := [3]float64{float64(r) / float64(a), float64(g) / float64(a), float64(b) / float64(a)}
	for f := 1.0; f > 0; f -= 0.02 {
		d := color.RGBA{uint8(math.Round(255 * rgb[0] * f)), uint8(math.Round(255 * rgb[1] * f)), uint8(math.Round(255 * rgb[2] * f)), 0xFF}
		if Contrast(d, color.White) >= minTextContrast {
			if f == 1 {
				return c
			}
			return d
		}
	}
	return color.Black
}

// Contrast is the WCAG 2.1 contrast ratio of two opaque colours,
// (L₁ + 0.05)/(L₂ + 0.05) with L₁ the lighter relative luminance: 1 for
// the same colour, 21 for black on white.
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG 2.1's relative luminance of an sRGB colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xFFFF
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
