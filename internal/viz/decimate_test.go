package viz

import (
	"math"
	"slices"
	"testing"
)

func TestDecimate(t *testing.T) {
	n := 3000
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = float64(i), math.Sin(float64(i)/50)
	}
	ys[1234] = 1e6 // a spike must survive
	dx, dy := Decimate(xs, ys, 300)
	if len(dx) > 300 || len(dx) < 290 || len(dx) != len(dy) {
		t.Fatalf("decimated to %d/%d points, want nearly 300", len(dx), len(dy))
	}
	if dx[0] != 0 || dx[len(dx)-1] != float64(n-1) {
		t.Errorf("ends %v..%v, want 0..%d", dx[0], dx[len(dx)-1], n-1)
	}
	if i := slices.Index(dy, 1e6); i < 0 || dx[i] != 1234 {
		t.Error("the spike at x=1234 was dropped")
	}
	for i := 1; i < len(dx); i++ {
		if dx[i] <= dx[i-1] {
			t.Fatalf("x not increasing at %d", i)
		}
	}
	if sx, sy := Decimate(xs[:100], ys[:120], 300); len(sx) != 100 || len(sy) != 100 {
		t.Errorf("a short curve came back with %d/%d points", len(sx), len(sy))
	}
	if sx, _ := Decimate(xs, ys, 1); len(sx) != 4 {
		t.Errorf("n=1 gave %d points, want 4", len(sx))
	}
}
