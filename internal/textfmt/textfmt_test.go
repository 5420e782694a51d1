package textfmt

import (
	"fmt"
	"math"
	"strconv"
	"testing"
)

// The scenario helpers these functions replace, copied as of commit
// 6b4885c: fmtF (nine identical copies: activations, biasvariance,
// crossvalidation, gmmem, kmeans, linearregression, overfitting,
// regularization, universal), f3 (activations, linearregression,
// optimizers, universal), f2 (perceptron), sci (optimizers, universal),
// fmtL (regularization), g3 (linearregression), num (pca) and fmtNorm
// (vanishing).
var (
	fmtF    = func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	f3      = func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	f2      = func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	sci     = func(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
	fmtL    = func(l float64) string { return strconv.FormatFloat(l, 'g', 3, 64) }
	g3      = func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	num     = func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	fmtNorm = func(v float64) string { return strconv.FormatFloat(v, 'g', 2, 64) }
)

var values = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 1.0 / 3, -2.0 / 3, 0.0005, 0.00049999, 123456.789,
	1e-7, 1e21, -1e-300, 12.3456, 0.125, 2.5, 9.9995, 99.95, math.Pi * 1e5,
	math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1),
}

func TestMatchesOldHelpers(t *testing.T) {
	tests := []struct {
		name     string
		old, new func(float64) string
	}{
		{"fmtF → Num", fmtF, Num},
		{"f3 → Fixed(v, 3)", f3, func(v float64) string { return Fixed(v, 3) }},
		{"f2 → Fixed(v, 2)", f2, func(v float64) string { return Fixed(v, 2) }},
		{"sci → Sig(v, 3)", sci, func(v float64) string { return Sig(v, 3) }},
		{"fmtL → Sig(v, 3)", fmtL, func(v float64) string { return Sig(v, 3) }},
		{"g3 → Sig(v, 4)", g3, func(v float64) string { return Sig(v, 4) }},
		{"num → Sig(v, 4)", num, func(v float64) string { return Sig(v, 4) }},
		{"fmtNorm → Sig(v, 2)", fmtNorm, func(v float64) string { return Sig(v, 2) }},
	}
	for _, tt := range tests {
		for _, v := range values {
			if got, want := tt.new(v), tt.old(v); got != want {
				t.Errorf("%s: %v gives %q, want %q", tt.name, v, got, want)
			}
		}
	}
}

func TestNumRoundTrips(t *testing.T) {
	for _, v := range values {
		back, err := strconv.ParseFloat(Num(v), 64)
		if err != nil || (back != v && !(math.IsNaN(v) && math.IsNaN(back))) || math.Signbit(back) != math.Signbit(v) {
			t.Errorf("Num(%v) = %q reads back as %v (%v)", v, Num(v), back, err)
		}
	}
}

func TestExamples(t *testing.T) {
	tests := []struct{ got, want string }{
		{Num(0.1), "0.1"},
		{Num(1e-7), "1e-07"},
		{Fixed(0.25, 3), "0.250"},
		{Fixed(-0.0004, 3), "-0.000"},
		{Sig(0.00123456, 3), "0.00123"},
		{Sig(123456, 3), "1.23e+05"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestPointRows(t *testing.T) {
	X := [][]float64{{0.5, -1}, {2, 1e-7}}
	got := PointRows(X, []int{1, -1})
	want := [][]string{{"x1", "x2", "label"}, {"0.5", "-1", "1"}, {"2", "1e-07", ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("labelled: %q, want %q", got, want)
	}
	if got := PointRows(X, nil); fmt.Sprint(got) != fmt.Sprint([][]string{{"x1", "x2"}, {"0.5", "-1"}, {"2", "1e-07"}}) {
		t.Errorf("unlabelled: %q", got)
	}
}
