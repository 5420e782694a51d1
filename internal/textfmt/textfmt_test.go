package textfmt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
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

func TestReadable(t *testing.T) {
	tests := []struct {
		v      float64
		digits int
		want   string
	}{
		{0, 3, "0"},
		{math.Copysign(0, -1), 3, "0"},
		{0.5, 3, "0.5"},
		{1.0 / 3, 3, "0.333"},
		{-2.0 / 3, 4, "-0.6667"},
		{0.00012345, 3, "0.000123"},
		{48.25, 3, "48.2"},   // 48.25 is 48.2499… in binary
		{9999.6, 4, "10000"}, // Sig rounds it to "1e+04"
		{123456.7, 3, "123457"},
		{999999.4, 3, "999999"},
		{1e6, 3, "10⁶"},
		{1.23456e7, 3, "1.23 × 10⁷"},
		{-1.23456e7, 3, "-1.23 × 10⁷"},
		{2.767e5, 4, "276700"},
		{1.453e7, 4, "1.453 × 10⁷"},
		{1.5e153, 2, "1.5 × 10¹⁵³"},
		{math.MaxFloat64, 3, "1.8 × 10³⁰⁸"},
		{-1e20, 3, "-10²⁰"},
		{3.4e-8, 2, "3.4 × 10⁻⁸"},
		{math.SmallestNonzeroFloat64, 2, "4.9 × 10⁻³²⁴"},
		{math.NaN(), 3, "not a number (diverged)"},
		{math.Inf(1), 3, "infinite (diverged)"},
		{math.Inf(-1), 3, "minus infinite (diverged)"},
	}
	for _, tt := range tests {
		if got := Readable(tt.v, tt.digits); got != tt.want {
			t.Errorf("Readable(%v, %d) = %q, want %q", tt.v, tt.digits, got, tt.want)
		}
	}
}

// TestReadableNeverSpellsMachineNumbers runs Readable over every power of
// two a float64 holds, and their neighbours: no exponent in e-notation, no
// NaN or Inf, and no more digits in a row than the 7 of 1000000 (the
// largest plain number, 999999.5 rounded) or the digits asked for after
// "0.000".
func TestReadableNeverSpellsMachineNumbers(t *testing.T) {
	vals := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	for e := -1074; e <= 1023; e++ {
		v := math.Ldexp(1, e)
		vals = append(vals, v, -v, math.Nextafter(v, 0), 3*v)
	}
	for _, v := range vals {
		for digits := 1; digits <= 6; digits++ {
			got := Readable(v, digits)
			run := 0
			for _, c := range got {
				if c >= '0' && c <= '9' {
					run++
				} else {
					run = 0
				}
				if run > max(7, digits+4) {
					t.Fatalf("Readable(%v, %d) = %q: %d digits in a row", v, digits, got, run)
				}
			}
			if strings.ContainsAny(got, "eE") && !strings.Contains(got, "diverged") || strings.Contains(got, "NaN") || strings.Contains(got, "Inf") {
				t.Fatalf("Readable(%v, %d) = %q", v, digits, got)
			}
		}
	}
}

func TestSubscript(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "₀"}, {1, "₁"}, {12, "₁₂"}, {907, "₉₀₇"}} {
		if got := Subscript(c.n); got != c.want {
			t.Errorf("Subscript(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
