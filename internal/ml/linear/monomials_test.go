package linear

import (
	"math"
	"testing"
)

func TestMonomials2(t *testing.T) {
	x := []float64{2, 3}
	// Written out by hand, in the documented order.
	want := []float64{2, 3, 4, 6, 9, 8, 12, 18, 27}
	got := Monomials2(x, 3, nil)
	if len(got) != len(want) || Monomials2Count(3) != 9 {
		t.Fatalf("degree 3: %d features, count %d, want 9", len(got), Monomials2Count(3))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 0 {
			t.Errorf("feature %d = %g, want %g", i, got[i], want[i])
		}
	}
	for p, n := range map[int]int{1: 2, 2: 5, 4: 14, 5: 20} {
		if got := len(Monomials2(x, p, nil)); got != n || Monomials2Count(p) != n {
			t.Errorf("degree %d: %d features, count %d, want %d", p, got, Monomials2Count(p), n)
		}
	}
}
