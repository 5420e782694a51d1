// Package textfmt writes numbers for the text a scenario shows or exports:
// the cells of its data table and the figures in its notes. Plots format
// their own tick labels in viz.
package textfmt

import (
	"math"
	"strconv"
	"strings"
)

// Num is the shortest text that reads back as exactly v ("0.1", "1e-07",
// "NaN", "+Inf"), for data cells that must round-trip.
func Num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Fixed writes v with decimals digits after the point ("0.250").
func Fixed(v float64, decimals int) string { return strconv.FormatFloat(v, 'f', decimals, 64) }

// Sig writes v to digits significant digits, switching to an exponent for
// very large or small values ("0.00123", "1.23e+05").
func Sig(v float64, digits int) string { return strconv.FormatFloat(v, 'g', digits, 64) }

// Readable writes v for a sentence, to digits significant digits: plain
// decimals from 10⁻⁴ up to 10⁶ ("0.00123", "48.2", "123457"), a power of
// ten beyond ("1.23 × 10⁷", "10⁻⁹"), and words for what is not a number
// at all, which only a diverged run produces ("not a number (diverged)").
// Unlike Sig it never writes "e+07", "NaN" or "+Inf".
func Readable(v float64, digits int) string {
	switch {
	case math.IsNaN(v):
		return "not a number (diverged)"
	case math.IsInf(v, 1):
		return "infinite (diverged)"
	case math.IsInf(v, -1):
		return "minus infinite (diverged)"
	case v == 0:
		return "0"
	}
	if a := math.Abs(v); a >= 1e-4 && a < 1e6 {
		if s := Sig(v, digits); !strings.ContainsRune(s, 'e') {
			return s
		}
		return Fixed(v, 0) // more digits than asked, none of them an exponent
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', max(digits-1, 0), 64), "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	e, _ := strconv.Atoi(exp)
	power := "10" + superscript(e)
	switch mant {
	case "1":
		return power
	case "-1":
		return "-" + power
	}
	return mant + " × " + power
}

var (
	superscripts = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")
	subscripts   = []rune("₀₁₂₃₄₅₆₇₈₉")
)

// Subscript writes a non-negative n in subscript digits, for plot text
// such as "x₁₂" (the course writes indices as real subscripts, never x_12).
func Subscript(n int) string {
	var b strings.Builder
	for _, c := range strconv.Itoa(max(n, 0)) {
		b.WriteRune(subscripts[c-'0'])
	}
	return b.String()
}

// superscript writes n in superscript digits ("⁻¹²").
func superscript(n int) string {
	var b strings.Builder
	if n < 0 {
		b.WriteString("⁻")
		n = -n
	}
	for _, c := range strconv.Itoa(n) {
		b.WriteRune(superscripts[c-'0'])
	}
	return b.String()
}

// PointRows is a data.csv table of 2-D samples: a header, then x1 and x2
// of each sample, and its label when labels is not nil (empty for a
// sample without one, labelled −1).
func PointRows(X [][]float64, labels []int) [][]string {
	header := []string{"x1", "x2"}
	if labels != nil {
		header = append(header, "label")
	}
	rows := [][]string{header}
	for i, x := range X {
		row := []string{Num(x[0]), Num(x[1])}
		if labels != nil {
			l := ""
			if labels[i] >= 0 {
				l = strconv.Itoa(labels[i])
			}
			row = append(row, l)
		}
		rows = append(rows, row)
	}
	return rows
}
