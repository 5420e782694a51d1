package viz

import (
	"math"
	"math/rand/v2"
	"testing"
)

// plotBoundsCopy is scenarios/kmeans' plotBounds (gmmem had the same
// copy) as of commit 6b4885c, the reference PaddedBounds must match bit
// for bit: frames are compared byte for byte.
func plotBoundsCopy(X [][]float64) [4]float64 {
	if len(X) == 0 {
		return [4]float64{-3, 3, -3, 3}
	}
	b := [4]float64{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for _, x := range X {
		b[0], b[1] = min(b[0], x[0]), max(b[1], x[0])
		b[2], b[3] = min(b[2], x[1]), max(b[3], x[1])
	}
	for i := 0; i < 4; i += 2 {
		span := b[i+1] - b[i]
		if span < 1 {
			c := (b[i] + b[i+1]) / 2
			b[i], b[i+1], span = c-0.5, c+0.5, 1
		}
		b[i] -= 0.08 * span
		b[i+1] += 0.08 * span
	}
	return b
}

func TestPaddedBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int, scale float64) [][]float64 {
		X := make([][]float64, n)
		for i := range X {
			X[i] = []float64{scale * rng.NormFloat64(), 0.1 + scale*rng.NormFloat64()/3, 7}
		}
		return X
	}
	tests := []struct {
		name string
		X    [][]float64
	}{
		{"empty", nil},
		{"one point", [][]float64{{0.3, -1.7}}},
		{"narrow in y", [][]float64{{-2, 0.1}, {4, 0.4}}},
		{"wide", [][]float64{{-20, -10}, {35.5, 12.25}}},
		{"span exactly 1", [][]float64{{0, 0}, {1, 1}}},
		{"blobs", random(300, 2)},
		{"tiny", random(50, 0.01)},
		{"large", random(80, 1e6)},
		{"NaN", [][]float64{{1, 2}, {math.NaN(), 3}}},
	}
	for _, tt := range tests {
		want := plotBoundsCopy(tt.X)
		b := PaddedBounds(tt.X)
		got := [4]float64{b.XMin, b.XMax, b.YMin, b.YMax}
		for k := range got {
			if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
				t.Errorf("%s: PaddedBounds = %v, want %v (bit for bit)", tt.name, got, want)
				break
			}
		}
	}
}

func TestBoxMethods(t *testing.T) {
	b := Box{-1, 3, 2, 2.5}
	if got, want := b.Width(), 4.0; got != want {
		t.Errorf("Width = %v, want %v", got, want)
	}
	if got, want := b.Height(), 0.5; got != want {
		t.Errorf("Height = %v, want %v", got, want)
	}
	if got, want := b.Pad(0.25), (Box{-2, 4, 1.875, 2.625}); got != want {
		t.Errorf("Pad(0.25) = %v, want %v", got, want)
	}
	for _, tt := range []struct {
		x, y float64
		want bool
	}{{-1, 2, true}, {3, 2.5, true}, {0, 2.2, true}, {-1.01, 2.2, false}, {0, 2.6, false}, {math.NaN(), 2.2, false}} {
		if got := b.Contains(tt.x, tt.y); got != tt.want {
			t.Errorf("Contains(%v, %v) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
	for _, tt := range []struct {
		b    Box
		want bool
	}{{b, true}, {Box{0, 0, 0, 1}, false}, {Box{1, 0, 0, 1}, false}, {Box{0, 1, 0, math.Inf(1)}, false}, {EmptyBox(), false}} {
		if got := tt.b.Valid(); got != tt.want {
			t.Errorf("%v.Valid() = %v, want %v", tt.b, got, tt.want)
		}
	}
	X := [][]float64{{1, -4}, {-2, 0.5}, {0, 9}}
	if got, want := Bounds(X), (Box{-2, 1, -4, 9}); got != want {
		t.Errorf("Bounds = %v, want %v", got, want)
	}
	if got, want := b.Extend(X), (Box{-2, 3, -4, 9}); got != want {
		t.Errorf("Extend = %v, want %v", got, want)
	}
	if got, want := Bounds(nil), EmptyBox(); got != want {
		t.Errorf("Bounds(nil) = %v, want the empty box %v", got, want)
	}
	p := NewPlot("", "", "")
	SetAxes(p, b)
	if got := (Box{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max}); got != b {
		t.Errorf("SetAxes(%v) set the axes to %v", b, got)
	}
}

// Cell must find, from the position AddRegionMap samples (rasterize: x
// from the left, y from the top), the cell that position is the centre
// of; and CellCentre must be the position the optimizers scenario
// computed its heat map at (w[0] + (w[1]-w[0])·(i+0.5)/res).
func TestBoxCell(t *testing.T) {
	for _, b := range []Box{{-2, 2, -1, 3}, {-0.5, 4.5, -1.5, 2.5}, {0.1, 0.3, -7e5, 3e5}} {
		for _, res := range []int{1, 7, 90, 1024} {
			dx, dy := (b.XMax-b.XMin)/float64(res), (b.YMax-b.YMin)/float64(res)
			for _, k := range []int{0, res / 3, res / 2, res - 1} {
				x := b.XMin + (float64(k)+0.5)*dx
				y := b.YMax - (float64(k)+0.5)*dy // image row k from the top
				if i, j := b.Cell(x, y, res); i != k || j != res-1-k {
					t.Errorf("%v res %d: Cell(centre of column %d, row %d from the top) = (%d, %d), want (%d, %d)", b, res, k, k, i, j, k, res-1-k)
				}
				cx, cy := b.CellCentre(k, k, res)
				wx := b.XMin + (b.XMax-b.XMin)*(float64(k)+0.5)/float64(res)
				wy := b.YMin + (b.YMax-b.YMin)*(float64(k)+0.5)/float64(res)
				if cx != wx || cy != wy {
					t.Errorf("%v res %d: CellCentre(%d, %d) = (%v, %v), want (%v, %v)", b, res, k, k, cx, cy, wx, wy)
				}
				if i, j := b.Cell(cx, cy, res); i != k || j != k {
					t.Errorf("%v res %d: Cell(CellCentre(%d, %d)) = (%d, %d)", b, res, k, k, i, j)
				}
			}
		}
	}
	b := Box{0, 1, 0, 1}
	if i, j := b.Cell(-5, 7, 10); i != 0 || j != 9 {
		t.Errorf("Cell outside the box = (%d, %d), want clamped (0, 9)", i, j)
	}
}
