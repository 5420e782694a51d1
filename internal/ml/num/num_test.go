package num

import (
	"math"
	"testing"
)

func TestMeanStd(t *testing.T) {
	// mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over 4.
	if m, s := MeanStd([]float64{1, 2, 3, 4}); m != 2.5 || math.Abs(s-math.Sqrt(1.25)) > 1e-15 {
		t.Errorf("MeanStd(1..4) = %g, %g; want 2.5, √1.25", m, s)
	}
	if m, s := MeanStd([]float64{7}); m != 7 || s != 0 {
		t.Errorf("MeanStd(7) = %g, %g", m, s)
	}
	if m, s := MeanStd(nil); !math.IsNaN(m) || !math.IsNaN(s) {
		t.Errorf("MeanStd(nil) = %g, %g; want NaN", m, s)
	}
}

// LogSumExp against the direct sum where that does not overflow, and
// against the closed form m + log k for k equal entries where it would.
func TestLogSumExp(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		v    []float64
		want float64
	}{
		{[]float64{0}, 0},
		{[]float64{1, 2, 3}, math.Log(math.E + math.E*math.E + math.E*math.E*math.E)},
		{[]float64{1000, 1000}, 1000 + math.Ln2},              // exp(1000) overflows
		{[]float64{-1000, -1000, -1000}, -1000 + math.Log(3)}, // exp(−1000) underflows to 0
		{[]float64{-inf, 0}, 0},
		{[]float64{-inf, -inf}, -inf},
		{[]float64{inf, 1}, inf},
		{nil, -inf},
	} {
		if got := LogSumExp(c.v); math.Abs(got-c.want) > 1e-12*max(1, math.Abs(c.want)) && got != c.want {
			t.Errorf("LogSumExp(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestArgmax(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want int
	}{
		{[]float64{3}, 0},
		{[]float64{1, 3, 2}, 1},
		{[]float64{2, 5, 5, 1}, 1}, // ties → the first
		{[]float64{-1, -0.5}, 1},
		{nil, 0},
	} {
		if got := Argmax(c.v); got != c.want {
			t.Errorf("Argmax(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

func TestFinite(t *testing.T) {
	if !AllFinite([]float64{0, -1e308, 5}) || !AllFinite(nil) {
		t.Error("finite values reported non-finite")
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if IsFinite(v) || AllFinite([]float64{1, v}) {
			t.Errorf("%v reported finite", v)
		}
	}
}

func TestExploded(t *testing.T) {
	tests := []struct {
		loss, start float64
		want        bool
	}{
		{0.69, 0.69, false},
		{0.69e6, 0.69, false}, // exactly BlowUp times: not yet
		{0.70e6, 0.69, true},
		{1e300, 1e295, false},
		{1e-290, 0, true}, // a start of 0 counts as 1e-300
		{math.NaN(), 1, true},
		{math.Inf(1), 1, true},
		{math.Inf(-1), 1, true},
	}
	for _, tt := range tests {
		if got := Exploded(tt.loss, tt.start); got != tt.want {
			t.Errorf("Exploded(%v, %v) = %v, want %v", tt.loss, tt.start, got, tt.want)
		}
	}
}

func TestDotSqDistMatrix(t *testing.T) {
	a, b := []float64{1, 2, 3}, []float64{4, -5, 6, 99} // b is read to the length of a
	if got := Dot(a, b); got != 4-10+18 {
		t.Errorf("Dot = %v, want 12", got)
	}
	if got := SqDist(a, b); got != 9+49+9 {
		t.Errorf("SqDist = %v, want 67", got)
	}
	m := Matrix(2, 3)
	m[0] = append(m[0], 7) // a full row grows into its own array, not the next row
	if len(m[1]) != 3 || m[1][0] != 0 {
		t.Errorf("appending to row 0 changed row 1: %v", m[1])
	}
	c := CopyRows([][]float64{{1, 2}, {3, 4}})
	if c[1][0] != 3 || CopyRows(nil) != nil {
		t.Errorf("CopyRows = %v", c)
	}
}
