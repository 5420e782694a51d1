package dataset

import (
	"math"
	"slices"
	"testing"
)

// Column means quoted here were printed by
// internal/ml/decomp/testdata/gen_pca.py from scikit-learn's load_wine /
// load_digits (NumPy, rounded to 4 decimals);
// tolerance 1e-3 absolute. Class counts are those of the data sets'
// descriptions (scikit-learn's wine_data.rst and digits.rst).
func TestWine(t *testing.T) {
	X, labels, features, classes := Wine()
	if len(X) != 178 || len(labels) != 178 || len(features) != 13 {
		t.Fatalf("got %d samples, %d labels, %d features; want 178, 178, 13", len(X), len(labels), len(features))
	}
	for i, x := range X {
		if len(x) != 13 {
			t.Fatalf("sample %d has %d features", i, len(x))
		}
	}
	if want := []string{"class_0", "class_1", "class_2"}; !slices.Equal(classes, want) {
		t.Errorf("classes %v, want %v", classes, want)
	}
	if features[0] != "alcohol" || features[12] != "proline" {
		t.Errorf("features %v", features)
	}
	if got, want := realClassCounts(labels, 3), []int{59, 71, 48}; !slices.Equal(got, want) {
		t.Errorf("samples per class %v, want %v", got, want)
	}
	means := realColumnMeans(X)
	for j, want := range map[int]float64{0: 13.0006, 1: 2.3363, 4: 99.7416, 12: 746.8933} {
		if math.Abs(means[j]-want) > 1e-3 {
			t.Errorf("mean of %s: got %.4f, want %.4f", features[j], means[j], want)
		}
	}
	X[0][0] = -1
	if X2, _, _, _ := Wine(); X2[0][0] != 14.23 {
		t.Errorf("Wine shares its samples with callers: first value %v after a change", X2[0][0])
	}
}

func TestDigits(t *testing.T) {
	X, labels := Digits()
	if len(X) != 1797 || len(labels) != 1797 {
		t.Fatalf("got %d samples, %d labels; want 1797", len(X), len(labels))
	}
	for i, x := range X {
		if len(x) != 64 {
			t.Fatalf("sample %d has %d pixels", i, len(x))
		}
		for _, v := range x {
			if v < 0 || v > 16 || v != math.Trunc(v) {
				t.Fatalf("sample %d has pixel value %v, want an integer 0..16", i, v)
			}
		}
	}
	if got, want := realClassCounts(labels, 10), []int{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}; !slices.Equal(got, want) {
		t.Errorf("samples per digit %v, want %v", got, want)
	}
	means := realColumnMeans(X)
	for j, want := range map[int]float64{0: 0, 2: 5.2048, 3: 11.8358, 36: 10.3016, 63: 0.3645} {
		if math.Abs(means[j]-want) > 1e-3 {
			t.Errorf("mean of pixel %d: got %.4f, want %.4f", j, means[j], want)
		}
	}
	if labels[0] != 0 || labels[1] != 1 || X[0][2] != 5 || X[0][3] != 13 {
		t.Errorf("first sample: label %d, pixels %v; want digit 0 starting 0,0,5,13", labels[0], X[0][:4])
	}
	X[0][2] = 99
	if X2, _ := Digits(); X2[0][2] != 5 {
		t.Errorf("Digits shares its samples with callers")
	}
}

func realClassCounts(labels []int, k int) []int {
	c := make([]int, k)
	for _, l := range labels {
		c[l]++
	}
	return c
}

func realColumnMeans(X [][]float64) []float64 {
	m := make([]float64, len(X[0]))
	for _, x := range X {
		for j, v := range x {
			m[j] += v
		}
	}
	for j := range m {
		m[j] /= float64(len(X))
	}
	return m
}
