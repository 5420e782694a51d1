package dataset

import (
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/num"
)

// Two-class toy problems for classifiers, in the style of scikit-learn's
// make_circles and TensorFlow Playground's data sets. Each returns n
// samples of 2 features and their labels; noise is the standard deviation
// of Gaussian noise added to every coordinate.

// XOR draws points uniformly in [−3, 3]² away from the axes; the label is 1
// when x₁·x₂ > 0. No straight line separates the classes.
func XOR(rng *rand.Rand, n int, noise float64) (X [][]float64, labels []int) {
	X = num.Matrix(n, 2)
	labels = make([]int, n)
	for i := range n {
		x1, x2 := 0.3+2.7*rng.Float64(), 0.3+2.7*rng.Float64()
		if rng.IntN(2) == 0 {
			x1 = -x1
		}
		if rng.IntN(2) == 0 {
			x2 = -x2
		}
		if x1*x2 > 0 {
			labels[i] = 1
		}
		X[i][0] = x1 + noise*rng.NormFloat64()
		X[i][1] = x2 + noise*rng.NormFloat64()
	}
	return X, labels
}

// Circles draws two concentric rings, the outer of radius 1 (label 0) and
// the inner of radius factor (label 1), angles evenly spaced as in
// scikit-learn's make_circles, scaled by 2.5 to the playground's range.
func Circles(rng *rand.Rand, n int, noise, factor float64) (X [][]float64, labels []int) {
	if factor <= 0 || factor >= 1 {
		panic("ml: Circles factor must be in (0, 1)")
	}
	nOut := n / 2
	nIn := n - nOut
	X = num.Matrix(n, 2)
	labels = make([]int, n)
	ring := func(start, m int, r float64, label int) {
		for i := range m {
			t := 2 * math.Pi * float64(i) / float64(m)
			X[start+i][0] = 2.5 * (r*math.Cos(t) + noise*rng.NormFloat64())
			X[start+i][1] = 2.5 * (r*math.Sin(t) + noise*rng.NormFloat64())
			labels[start+i] = label
		}
	}
	ring(0, nOut, 1, 0)
	ring(nOut, nIn, factor, 1)
	return X, labels
}

// Spiral draws classes interleaved arms of an Archimedean spiral: sample j
// of arm c is at radius r = 3j/m and angle 1.75·2π·j/m + 2πc/classes.
func Spiral(rng *rand.Rand, n, classes int, noise float64) (X [][]float64, labels []int) {
	if classes < 2 {
		panic("ml: Spiral needs at least 2 classes")
	}
	X = num.Matrix(n, 2)
	labels = make([]int, n)
	for i := range n {
		c := i % classes
		m := (n + classes - 1 - c) / classes // samples on this arm
		j := i / classes
		r := 3 * float64(j+1) / float64(m)
		t := 1.75*2*math.Pi*float64(j)/float64(m) + 2*math.Pi*float64(c)/float64(classes)
		X[i][0] = r*math.Sin(t) + noise*rng.NormFloat64()
		X[i][1] = r*math.Cos(t) + noise*rng.NormFloat64()
		labels[i] = c
	}
	return X, labels
}

// WithOutliers relabels and moves a share of the samples far into the other
// class's side: each chosen sample of class c is mirrored through the
// origin (x ↦ −x·scale) keeping its label, so a few points sit deep inside
// the wrong region. It returns the indices moved.
func WithOutliers(rng *rand.Rand, X [][]float64, share, scale float64) []int {
	k := int(math.Round(share * float64(len(X))))
	idx := rng.Perm(len(X))[:k]
	for _, i := range idx {
		X[i][0] *= -scale
		X[i][1] *= -scale
	}
	return idx
}
