package viz

import (
	"image/color"
	"math"
)

// rampStops is a sequential ramp from pale yellow to deep blue, after
// ColorBrewer's YlGnBu (Brewer, colorbrewer2.org, Apache 2.0): lightness
// falls steadily, so the order of values reads without a legend, and it
// stays legible for the common colour blindnesses. Low values are pale, so
// markers drawn at a minimum stand out.
var rampStops = []color.RGBA{
	{0xFF, 0xFF, 0xD9, 0xFF},
	{0xED, 0xF8, 0xB1, 0xFF},
	{0xC7, 0xE9, 0xB4, 0xFF},
	{0x7F, 0xCD, 0xBB, 0xFF},
	{0x41, 0xB6, 0xC4, 0xFF},
	{0x1D, 0x91, 0xC0, 0xFF},
	{0x22, 0x5E, 0xA8, 0xFF},
}

// Ramp returns the sequential colour of t in [0, 1] (0 pale, 1 dark),
// interpolated linearly between the stops of a YlGnBu ramp. Values outside
// [0, 1] are clamped; NaN is transparent.
func Ramp(t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{}
	}
	t = min(max(t, 0), 1)
	pos := t * float64(len(rampStops)-1)
	i := min(int(pos), len(rampStops)-2)
	f := pos - float64(i)
	a, b := rampStops[i], rampStops[i+1]
	mix := func(u, v uint8) uint8 { return uint8(math.Round(float64(u) + f*(float64(v)-float64(u)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xFF}
}

// RampBands returns Ramp(t) quantised to bands equal steps (bands ≥ 2):
// a heat map of a few flat bands reads as filled contours and encodes as a
// small paletted image.
func RampBands(t float64, bands int) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{}
	}
	bands = max(bands, 2)
	k := math.Floor(min(max(t, 0), 1) * float64(bands))
	k = min(k, float64(bands-1))
	return Ramp(k / float64(bands-1))
}
