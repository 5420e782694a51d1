package viz

import (
	"image/color"
	"testing"
)

func TestWeightColor(t *testing.T) {
	for _, tc := range []struct {
		t    float64
		want color.RGBA
	}{
		{0, color.RGBA{0xff, 0xff, 0xff, 0xff}},
		{1, weightPositive},
		{-1, weightNegative},
		{5, weightPositive},  // clamped
		{-5, weightNegative}, // clamped
		// Half way: 255 − (255 − v)/2, rounded.
		{0.5, color.RGBA{0xf3, 0xbf, 0x91, 0xff}},
		// 0.51 rounds to the step at 8/16.
		{0.51, color.RGBA{0xf3, 0xbf, 0x91, 0xff}},
	} {
		if got := WeightColor(tc.t); got != tc.want {
			t.Errorf("WeightColor(%g) = %v, want %v", tc.t, got, tc.want)
		}
	}
}
