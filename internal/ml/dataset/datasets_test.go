package dataset

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
	"github.com/mlplayground/playground/internal/ml/num"
)

// moonsFixture is testdata/moons.json, written by
// internal/ml/cluster/testdata/gen_fixtures.py with scikit-learn 1.2.1
// (make_moons without noise).
type moonsFixture struct {
	Cases []struct {
		N      int         `json:"n"`
		X      [][]float64 `json:"X"`
		Labels []int       `json:"labels"`
	} `json:"cases"`
}

// Sample means and standard deviations of generated data, checked against
// the generating parameters to 5 standard errors (fixed seeds, so the tests
// are deterministic; the bounds say how far off a correct generator could be).
func TestBlobs(t *testing.T) {
	centers := [][]float64{{0, 0, 0}, {10, -3, 2}, {-4, 5, 7}}
	const n, std = 3001, 2.0
	X, labels := Blobs(mltest.NewRand(1), n, centers, std)
	if len(X) != n || len(labels) != n {
		t.Fatalf("got %d samples, %d labels; want %d", len(X), len(labels), n)
	}
	count := make([]int, len(centers))
	for i, l := range labels {
		if l != i%len(centers) {
			t.Fatalf("label %d of sample %d, want %d", l, i, i%len(centers))
		}
		count[l]++
	}
	if want := []int{1001, 1000, 1000}; !slices.Equal(count, want) {
		t.Errorf("samples per center: got %v, want %v", count, want)
	}
	for c, mu := range centers {
		for j := range mu {
			var s, s2 float64
			for i, x := range X {
				if labels[i] == c {
					s += x[j]
					s2 += x[j] * x[j]
				}
			}
			m := float64(count[c])
			mean := s / m
			sd := math.Sqrt(s2/m - mean*mean)
			if se := std / math.Sqrt(m); math.Abs(mean-mu[j]) > 5*se {
				t.Errorf("center %d coordinate %d: mean %g, want %g ± %g", c, j, mean, mu[j], 5*se)
			}
			// The sd of the sample sd is about σ/√(2m).
			if se := std / math.Sqrt(2*m); math.Abs(sd-std) > 5*se {
				t.Errorf("center %d coordinate %d: sd %g, want %g ± %g", c, j, sd, std, 5*se)
			}
		}
	}
}

// AnisotropicBlobs is Blobs followed by x·T, exactly, for the same seed.
func TestAnisotropicBlobs(t *testing.T) {
	centers := [][]float64{{-2, 1}, {3, 3}}
	T := [2][2]float64{{0.6, -0.64}, {-0.41, 0.85}} // scikit-learn's example
	X, labels := AnisotropicBlobs(mltest.NewRand(2), 50, centers, 0.7, T)
	B, blabels := Blobs(mltest.NewRand(2), 50, centers, 0.7)
	if !slices.Equal(labels, blabels) {
		t.Fatalf("labels differ from Blobs'")
	}
	for i, b := range B {
		want := []float64{b[0]*T[0][0] + b[1]*T[1][0], b[0]*T[0][1] + b[1]*T[1][1]}
		if !slices.Equal(X[i], want) {
			t.Errorf("sample %d: got %v, want %v", i, X[i], want)
		}
	}
	mltest.MustPanic(t, "AnisotropicBlobs 3-D", func() {
		AnisotropicBlobs(mltest.NewRand(1), 3, [][]float64{{0, 0, 0}}, 1, T)
	})
}

// Without noise Moons is scikit-learn's make_moons(n, shuffle=False)
// (moons.json); tolerance 1e-15 absolute (cos/sin of the same angles).
func TestMoons(t *testing.T) {
	var fx moonsFixture
	mltest.LoadFixture(t, "moons.json", &fx)
	for _, c := range fx.Cases {
		X, labels := Moons(mltest.NewRand(3), c.N, 0)
		if !slices.Equal(labels, c.Labels) {
			t.Errorf("n=%d: labels %v, want %v", c.N, labels, c.Labels)
		}
		for i := range X {
			for j := range 2 {
				if !mltest.CloseTo(X[i][j], c.X[i][j], 1e-15, 1) {
					t.Errorf("n=%d: X[%d][%d] = %.17g, want %.17g", c.N, i, j, X[i][j], c.X[i][j])
				}
			}
		}
	}
	// With noise, the offsets from the noise-free points have sd `noise`.
	const n, noise = 2000, 0.1
	X, _ := Moons(mltest.NewRand(4), n, noise)
	clean, _ := Moons(mltest.NewRand(4), n, 0)
	var s2 float64
	for i := range X {
		s2 += num.SqDist(X[i], clean[i])
	}
	sd := math.Sqrt(s2 / (2 * n))
	if se := noise / math.Sqrt(4*n); math.Abs(sd-noise) > 5*se {
		t.Errorf("noise sd %g, want %g ± %g", sd, noise, 5*se)
	}
}

func TestUniform(t *testing.T) {
	const n, d, lo, hi = 4000, 3, -2.0, 6.0
	X := Uniform(mltest.NewRand(5), n, d, lo, hi)
	if len(X) != n {
		t.Fatalf("got %d samples, want %d", len(X), n)
	}
	sum := make([]float64, d)
	for _, x := range X {
		if len(x) != d {
			t.Fatalf("sample of dimension %d, want %d", len(x), d)
		}
		for j, v := range x {
			if v < lo || v >= hi {
				t.Fatalf("value %g outside [%g, %g)", v, lo, hi)
			}
			sum[j] += v
		}
	}
	// U[lo, hi) has mean (lo+hi)/2 and sd (hi−lo)/√12.
	se := (hi - lo) / math.Sqrt(12) / math.Sqrt(n)
	for j, s := range sum {
		if mean := s / n; math.Abs(mean-(lo+hi)/2) > 5*se {
			t.Errorf("coordinate %d: mean %g, want %g ± %g", j, mean, (lo+hi)/2, 5*se)
		}
	}
}

func TestNoisyCurve(t *testing.T) {
	f := func(x float64) float64 { return math.Sin(3 * x) }
	tests := []struct {
		n     int
		noise float64
	}{
		{100, 0},
		{4000, 0.3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("noise=", tt.noise), func(t *testing.T) {
			x, y := NoisyCurve(mltest.NewRand(6), tt.n, f, -1, 2, tt.noise)
			if len(x) != tt.n || len(y) != tt.n {
				t.Fatalf("got %d x, %d y; want %d", len(x), len(y), tt.n)
			}
			var s2 float64
			for i := range x {
				if x[i] < -1 || x[i] >= 2 {
					t.Fatalf("x = %g outside [-1, 2)", x[i])
				}
				e := y[i] - f(x[i])
				s2 += e * e
			}
			sd := math.Sqrt(s2 / float64(tt.n))
			se := tt.noise / math.Sqrt(2*float64(tt.n))
			if math.Abs(sd-tt.noise) > 5*se {
				t.Errorf("residual sd %g, want %g ± %g", sd, tt.noise, 5*se)
			}
		})
	}
}

// Expected values: 150 samples, 50 per species, and the column means of
// Fisher's data (UCI iris.names lists 5.84, 3.05, 3.76, 1.20; the exact
// means 5.8433, 3.0573, 3.7580, 1.1993 are those of scikit-learn's copy,
// computed with NumPy). Tolerance 1e-3.
func TestIris(t *testing.T) {
	X, labels, features, classes := Iris()
	if len(X) != 150 || len(labels) != 150 {
		t.Fatalf("got %d samples, %d labels; want 150", len(X), len(labels))
	}
	if want := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}; !slices.Equal(features, want) {
		t.Errorf("features %v, want %v", features, want)
	}
	if want := []string{"setosa", "versicolor", "virginica"}; !slices.Equal(classes, want) {
		t.Errorf("classes %v, want %v", classes, want)
	}
	count := make([]int, 3)
	for _, l := range labels {
		count[l]++
	}
	if want := []int{50, 50, 50}; !slices.Equal(count, want) {
		t.Errorf("samples per class %v, want %v", count, want)
	}
	want := []float64{5.8433, 3.0573, 3.7580, 1.1993}
	for j, w := range want {
		var s float64
		for _, x := range X {
			s += x[j]
		}
		if got := s / 150; math.Abs(got-w) > 1e-3 {
			t.Errorf("mean of %s: got %.4f, want %.4f", features[j], got, w)
		}
	}
	// Fresh copies: changing one result leaves the next alone.
	X[0][0], labels[0], features[0], classes[0] = -1, 2, "x", "y"
	X2, labels2, features2, classes2 := Iris()
	if X2[0][0] != 5.1 || labels2[0] != 0 || features2[0] != "sepal_length" || classes2[0] != "setosa" {
		t.Errorf("Iris returned shared data: %v %v %v %v", X2[0], labels2[0], features2[0], classes2[0])
	}
}

func TestDatasetsSameSeed(t *testing.T) {
	a, _ := Blobs(mltest.NewRand(9), 10, [][]float64{{0, 0}}, 1)
	b, _ := Blobs(mltest.NewRand(9), 10, [][]float64{{0, 0}}, 1)
	c, _ := Blobs(mltest.NewRand(10), 10, [][]float64{{0, 0}}, 1)
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Errorf("same seed, different blobs")
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Errorf("different seeds, same blobs")
	}
}
