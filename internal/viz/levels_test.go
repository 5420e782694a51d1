package viz

import (
	"image/color"
	"math/rand/v2"
	"reflect"
	"testing"
)

// RegionLevels makes, pixel and palette entry for entry, the image
// RegionCells makes from the same colours: with repeated colours in the
// list, transparent cells, flat runs and every cell different.
func TestRegionLevelsIsRegionCells(t *testing.T) {
	colors := []color.RGBA{{200, 10, 10, 255}, {10, 200, 10, 255}, {200, 10, 10, 255}, {0, 0, 0, 0}, {1, 2, 3, 255}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name  string
		level func(k int) int
	}{
		{"random", func(int) int { return rng.IntN(len(colors)+1) - 1 }},
		{"runs", func(k int) int { return (k/7)%(len(colors)+1) - 1 }},
		{"flat", func(int) int { return 4 }},
		{"none", func(int) int { return -1 }},
	} {
		for _, res := range []int{1, 13, 100} {
			levels := make([]int, res*res)
			for k := range levels {
				levels[k] = tc.level(k)
			}
			got := RegionLevels(res, colors, func(k int) int { return levels[k] })
			want := RegionCells(res, func(k int) color.RGBA {
				if levels[k] < 0 {
					return color.RGBA{}
				}
				return colors[levels[k]]
			})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %d×%d: RegionLevels differs from RegionCells", tc.name, res, res)
			}
		}
	}
	// More than 255 colours take RegionCells' route.
	many := make([]color.RGBA, 300)
	for i := range many {
		many[i] = color.RGBA{uint8(i), uint8(i >> 8), 7, 255}
	}
	got := RegionLevels(20, many, func(k int) int { return k % 300 })
	want := RegionCells(20, func(k int) color.RGBA { return many[k%300] })
	if !reflect.DeepEqual(got, want) {
		t.Error("300 colours: RegionLevels differs from RegionCells")
	}
}
