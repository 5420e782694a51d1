package viz

import (
	"image/color"
	"math"
)

// Weight colours of the learned-filter pictures: blue below 0, white at 0,
// orange above.
var (
	weightNegative = color.RGBA{0x1f, 0x6f, 0xb4, 0xff}
	weightPositive = color.RGBA{0xe6, 0x7e, 0x22, 0xff}
)

// WeightColor colours a weight scaled to t ∈ [−1, 1] (clamped), in 16
// steps each side of white, so a tile of weights uses at most 33 colours.
func WeightColor(t float64) color.Color {
	t = math.Round(min(max(t, -1), 1)*16) / 16
	c, k := weightPositive, t
	if t < 0 {
		c, k = weightNegative, -t
	}
	mix := func(v uint8) uint8 { return uint8(math.Round(255 - (255-float64(v))*k)) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}
