package dataset

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/mlplayground/playground/internal/ml/num"
)

// Shapes of the embedded real data sets.
const (
	wineFeatures   = 13
	digitsFeatures = 64 // 8×8 pixels, row by row
	digitsMaxPixel = 16
)

//go:embed wine.csv
var wineCSV string

//go:embed digits.csv.gz
var digitsGzip []byte

var wineOnce = sync.OnceValues(func() (labelledData, error) { return parseLabelled("wine", wineCSV) })

var digitsOnce = sync.OnceValues(func() (labelledData, error) { return parseDigits(digitsGzip) })

// labelledData is a parsed data set: samples, class labels and names.
type labelledData struct {
	X       [][]float64
	labels  []int
	feature []string
	classes []string
}

// copy returns fresh copies, so callers may modify them.
func (d labelledData) copy() (X [][]float64, labels []int, featureNames, classNames []string) {
	X = num.Matrix(len(d.X), len(d.X[0]))
	for i := range X {
		copy(X[i], d.X[i])
	}
	return X, append([]int(nil), d.labels...), append([]string(nil), d.feature...), append([]string(nil), d.classes...)
}

// Wine returns the wine recognition data (Forina et al., via the UCI
// Machine Learning Repository, CC BY 4.0; see data/README.md): 178 wines
// from three cultivars of one Italian region, 13 chemical measurements
// each, in their own units (alcohol in %, proline in mg/L, …), labels 0, 1,
// 2 indexing classNames. Every call returns fresh copies.
func Wine() (X [][]float64, labels []int, featureNames, classNames []string) {
	d, err := wineOnce()
	if err != nil {
		panic("ml: embedded wine.csv: " + err.Error())
	}
	return d.copy()
}

// Digits returns the 8×8 handwritten digits (Alpaydin & Kaynak, UCI
// "Optical Recognition of Handwritten Digits", CC BY 4.0, as bundled by
// scikit-learn; see data/README.md): 1797 images, each 64 pixel values
// from 0 to 16 read row by row (pixel (r, c) is X[i][8r+c]), labelled
// with the digit 0–9 it shows. Every call returns fresh copies.
func Digits() (X [][]float64, labels []int) {
	d, err := digitsOnce()
	if err != nil {
		panic("ml: embedded digits.csv.gz: " + err.Error())
	}
	X, labels, _, _ = d.copy()
	return X, labels
}

// parseLabelled reads a CSV with a header of feature names then a class
// column, one row per sample. Classes are numbered in order of first
// appearance.
func parseLabelled(name, s string) (labelledData, error) {
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		return labelledData{}, fmt.Errorf("parse %s: %w", name, err)
	}
	if len(recs) < 2 {
		return labelledData{}, fmt.Errorf("parse %s: %d lines", name, len(recs))
	}
	d := labelledData{feature: recs[0][:len(recs[0])-1]}
	class := map[string]int{}
	for line, r := range recs[1:] {
		x := make([]float64, len(d.feature))
		for j := range x {
			if x[j], err = strconv.ParseFloat(r[j], 64); err != nil {
				return labelledData{}, fmt.Errorf("parse %s line %d: %w", name, line+2, err)
			}
		}
		c, ok := class[r[len(r)-1]]
		if !ok {
			c = len(d.classes)
			class[r[len(r)-1]] = c
			d.classes = append(d.classes, r[len(r)-1])
		}
		d.X = append(d.X, x)
		d.labels = append(d.labels, c)
	}
	return d, nil
}

// parseDigits reads scikit-learn's digits.csv.gz as it ships: no header,
// 64 pixel values then the digit on each line.
func parseDigits(gz []byte) (labelledData, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return labelledData{}, fmt.Errorf("parse digits: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return labelledData{}, fmt.Errorf("parse digits: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return labelledData{}, fmt.Errorf("parse digits: %w", err)
	}
	d := labelledData{X: num.Matrix(len(recs), digitsFeatures), labels: make([]int, len(recs))}
	for i, r := range recs {
		if len(r) != digitsFeatures+1 {
			return labelledData{}, fmt.Errorf("parse digits line %d: %d fields", i+1, len(r))
		}
		for j := range digitsFeatures {
			v, err := strconv.ParseFloat(r[j], 64)
			if err != nil || v < 0 || v > digitsMaxPixel {
				return labelledData{}, fmt.Errorf("parse digits line %d: pixel %q", i+1, r[j])
			}
			d.X[i][j] = v
		}
		if d.labels[i], err = strconv.Atoi(r[digitsFeatures]); err != nil {
			return labelledData{}, fmt.Errorf("parse digits line %d: %w", i+1, err)
		}
	}
	if len(d.X) == 0 {
		return labelledData{}, fmt.Errorf("parse digits: no samples")
	}
	return d, nil
}
