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

// RegionRasterLevels makes the image RegionRaster makes from the same
// colours at the same cell centres.
func TestRegionRasterLevelsIsRegionRaster(t *testing.T) {
	colors := []color.RGBA{RegionColor(0), RegionColor(1), RegionColor(2), RegionColor(-1)}
	for _, i := range []int{-3, -1, 0, 1, 5, len(Palette) - 1, len(Palette), 3*len(Palette) + 2} {
		if got, want := RegionPalette[RegionLevel(i)], RegionColor(i); got != want {
			t.Errorf("RegionPalette[RegionLevel(%d)] = %v, RegionColor %v", i, got, want)
		}
	}
	b, level := Box{XMin: -2.5, XMax: 3, YMin: -1, YMax: 4.25}, testLevel
	for _, res := range []int{1, 7, 200} {
		got := RegionRasterLevels(b, res, colors, level)
		want := RegionRaster(b, res, func(x, y float64) color.RGBA { return colors[level(x, y)] })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d×%d: RegionRasterLevels differs from RegionRaster", res, res)
		}
	}
	if RegionRasterLevels(Box{XMin: 1, XMax: 1, YMin: 0, YMax: 1}, 10, colors, level) != nil {
		t.Error("an empty box gives a raster")
	}
}

// RegionRasterLevelRows makes the image RegionRasterLevels makes from the
// same levels at the same cell centres, row by row.
func TestRegionRasterLevelRowsIsRegionRasterLevels(t *testing.T) {
	colors := []color.RGBA{RegionColor(0), RegionColor(1), RegionColor(2), RegionColor(-1)}
	b, level := Box{XMin: -2.5, XMax: 3, YMin: -1, YMax: 4.25}, testLevel
	for _, res := range []int{1, 7, 200} {
		got := RegionRasterLevelRows(b, res, colors, func(y float64, xs []float64, levels []int) {
			for i, x := range xs {
				levels[i] = level(x, y)
			}
		})
		if want := RegionRasterLevels(b, res, colors, level); !reflect.DeepEqual(got, want) {
			t.Errorf("%d×%d: RegionRasterLevelRows differs from RegionRasterLevels", res, res)
		}
	}
	if RegionRasterLevelRows(Box{XMin: 1, XMax: 1, YMin: 0, YMax: 1}, 10, colors, func(float64, []float64, []int) {}) != nil {
		t.Error("an empty box gives a raster")
	}
}

// testLevel is a level map with a disc, a diagonal and a band over
// Box{-2.5, 3, -1, 4.25}.
func testLevel(x, y float64) int {
	switch {
	case x*x+y*y < 2:
		return 0
	case x > y:
		return 1
	case y > 3:
		return 3
	}
	return 2
}
