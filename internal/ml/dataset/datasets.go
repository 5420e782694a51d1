package dataset

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	"github.com/mlplayground/playground/internal/ml/num"
)

// Blobs draws n samples from isotropic Gaussian blobs, like scikit-learn's
// make_blobs. Sample i belongs to center i % len(centers), so the samples
// are spread over the centers as evenly as possible; its label is that
// center's index. Each coordinate is
//
//	x_ij = centers[i % k][j] + std·z,  z ~ N(0, 1)
func Blobs(rng *rand.Rand, n int, centers [][]float64, std float64) (X [][]float64, labels []int) {
	if n < 0 {
		panic("ml: Blobs with negative n")
	}
	if len(centers) == 0 {
		panic("ml: Blobs without centers")
	}
	d := len(centers[0])
	for _, c := range centers {
		if len(c) != d {
			panic("ml: Blobs centers of different dimension")
		}
	}
	X = num.Matrix(n, d)
	labels = make([]int, n)
	for i := range X {
		c := i % len(centers)
		labels[i] = c
		for j := range X[i] {
			X[i][j] = centers[c][j] + std*rng.NormFloat64()
		}
	}
	return X, labels
}

// AnisotropicBlobs draws 2-D Gaussian blobs as Blobs does and then stretches
// them with the linear map T, each sample a row vector:
//
//	x' = x·T,  x'_j = Σ_i x_i T[i][j]
//
// This is the "anisotropically distributed blobs" of scikit-learn's example
// "Demonstration of k-means assumptions", which uses
// T = [[0.6, -0.64], [-0.41, 0.85]]. Note the centers move too.
func AnisotropicBlobs(rng *rand.Rand, n int, centers [][]float64, std float64, transform [2][2]float64) (X [][]float64, labels []int) {
	for _, c := range centers {
		if len(c) != 2 {
			panic("ml: AnisotropicBlobs needs 2-D centers")
		}
	}
	X, labels = Blobs(rng, n, centers, std)
	for _, x := range X {
		a, b := x[0], x[1]
		x[0] = a*transform[0][0] + b*transform[1][0]
		x[1] = a*transform[0][1] + b*transform[1][1]
	}
	return X, labels
}

// Moons draws two interleaving half circles like scikit-learn's make_moons:
// n/2 (rounded down) samples on the outer moon, label 0, and the rest on the
// inner moon, label 1, with t evenly spaced in [0, π] on each:
//
//	outer: (cos t, sin t)
//	inner: (1 − cos t, 1 − sin t − 0.5)
//
// plus Gaussian noise of standard deviation noise on both coordinates.
// Unlike make_moons the samples are not shuffled: outer first.
func Moons(rng *rand.Rand, n int, noise float64) (X [][]float64, labels []int) {
	if n < 0 {
		panic("ml: Moons with negative n")
	}
	nOut := n / 2
	nIn := n - nOut
	X = num.Matrix(n, 2)
	labels = make([]int, n)
	for i := range nOut {
		t := linspacePi(i, nOut)
		X[i][0] = math.Cos(t)
		X[i][1] = math.Sin(t)
	}
	for i := range nIn {
		t := linspacePi(i, nIn)
		X[nOut+i][0] = 1 - math.Cos(t)
		X[nOut+i][1] = 1 - math.Sin(t) - 0.5
		labels[nOut+i] = 1
	}
	for _, x := range X {
		x[0] += noise * rng.NormFloat64()
		x[1] += noise * rng.NormFloat64()
	}
	return X, labels
}

// linspacePi is the i-th of m points evenly spaced in [0, π], as
// numpy.linspace(0, π, m); a single point is 0.
func linspacePi(i, m int) float64 {
	if m == 1 {
		return 0
	}
	return math.Pi * float64(i) / float64(m-1)
}

// Uniform draws n samples uniformly from the cube [lo, hi)^d.
func Uniform(rng *rand.Rand, n, d int, lo, hi float64) [][]float64 {
	if n < 0 || d < 0 {
		panic("ml: Uniform with negative size")
	}
	X := num.Matrix(n, d)
	for _, x := range X {
		for j := range x {
			x[j] = lo + (hi-lo)*rng.Float64()
		}
	}
	return X
}

// NoisyCurve draws n points around the curve f:
//
//	x ~ U[lo, hi),  y = f(x) + noise·z,  z ~ N(0, 1)
func NoisyCurve(rng *rand.Rand, n int, f func(float64) float64, lo, hi, noise float64) (x, y []float64) {
	if n < 0 {
		panic("ml: NoisyCurve with negative n")
	}
	x = make([]float64, n)
	y = make([]float64, n)
	for i := range x {
		x[i] = lo + (hi-lo)*rng.Float64()
		y[i] = f(x[i]) + noise*rng.NormFloat64()
	}
	return x, y
}

//go:embed iris.csv
var irisCSV string

var irisOnce = sync.OnceValues(func() (irisData, error) { return parseIris(irisCSV) })

type irisData struct {
	X       [][]float64
	labels  []int
	feature []string
	classes []string
}

// Iris returns Fisher's iris data (Fisher 1936, via the UCI Machine Learning
// Repository, CC BY 4.0; see data/README.md): 150 samples of 4 features in
// centimetres, labels 0, 1, 2 indexing classNames. Every call returns fresh
// copies, so callers may modify them.
func Iris() (X [][]float64, labels []int, featureNames, classNames []string) {
	d, err := irisOnce()
	if err != nil {
		panic("ml: embedded iris.csv: " + err.Error())
	}
	X = num.Matrix(len(d.X), len(d.feature))
	for i := range X {
		copy(X[i], d.X[i])
	}
	return X, append([]int(nil), d.labels...), append([]string(nil), d.feature...), append([]string(nil), d.classes...)
}

// parseIris reads our CSV: a header of feature names then "species", one
// row per flower. Classes are numbered in order of first appearance.
func parseIris(s string) (irisData, error) {
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		return irisData{}, fmt.Errorf("parse iris: %w", err)
	}
	if len(recs) < 2 {
		return irisData{}, fmt.Errorf("parse iris: %d lines", len(recs))
	}
	d := irisData{feature: recs[0][:len(recs[0])-1]}
	class := map[string]int{}
	for line, r := range recs[1:] {
		x := make([]float64, len(d.feature))
		for j := range x {
			if x[j], err = strconv.ParseFloat(r[j], 64); err != nil {
				return irisData{}, fmt.Errorf("parse iris line %d: %w", line+2, err)
			}
		}
		name := r[len(r)-1]
		c, ok := class[name]
		if !ok {
			c = len(d.classes)
			class[name] = c
			d.classes = append(d.classes, name)
		}
		d.X = append(d.X, x)
		d.labels = append(d.labels, c)
	}
	return d, nil
}
