// Package textfmt writes numbers for the text a scenario shows or exports:
// the cells of its data table and the figures in its notes. Plots format
// their own tick labels in viz.
package textfmt

import "strconv"

// Num is the shortest text that reads back as exactly v ("0.1", "1e-07",
// "NaN", "+Inf"), for data cells that must round-trip.
func Num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Fixed writes v with decimals digits after the point ("0.250").
func Fixed(v float64, decimals int) string { return strconv.FormatFloat(v, 'f', decimals, 64) }

// Sig writes v to digits significant digits, switching to an exponent for
// very large or small values ("0.00123", "1.23e+05").
func Sig(v float64, digits int) string { return strconv.FormatFloat(v, 'g', digits, 64) }

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
