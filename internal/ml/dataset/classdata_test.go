package dataset

import (
	"math"
	"testing"

	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

func TestXOR(t *testing.T) {
	X, labels := XOR(mltest.NewRand(1), 400, 0)
	ones := 0
	for i, x := range X {
		if want := x[0]*x[1] > 0; (labels[i] == 1) != want {
			t.Fatalf("sample %d %v has label %d", i, x, labels[i])
		}
		if math.Abs(x[0]) < 0.3 || math.Abs(x[0]) > 3 || math.Abs(x[1]) < 0.3 || math.Abs(x[1]) > 3 {
			t.Fatalf("sample %d %v outside 0.3 ≤ |x| ≤ 3", i, x)
		}
		ones += labels[i]
	}
	// Binomial(400, 1/2): mean 200, sd 10.
	if ones < 150 || ones > 250 {
		t.Errorf("%d of 400 in class 1, want about 200", ones)
	}
}

func TestCircles(t *testing.T) {
	X, labels := Circles(mltest.NewRand(1), 101, 0, 0.4)
	for i, x := range X {
		want := 2.5
		if labels[i] == 1 {
			want = 1.0
		}
		if r := math.Hypot(x[0], x[1]); math.Abs(r-want) > 1e-12 {
			t.Fatalf("sample %d (class %d) at radius %v, want %v", i, labels[i], r, want)
		}
	}
	if labels[49] != 0 || labels[50] != 1 {
		t.Errorf("split at %d/%d, want 50 outer then 51 inner", labels[49], labels[50])
	}
}

func TestSpiral(t *testing.T) {
	X, labels := Spiral(mltest.NewRand(1), 300, 3, 0)
	count := make([]int, 3)
	for i, x := range X {
		count[labels[i]]++
		if r := math.Hypot(x[0], x[1]); r <= 0 || r > 3+1e-12 {
			t.Fatalf("sample %d at radius %v, want (0, 3]", i, r)
		}
	}
	if count[0] != 100 || count[1] != 100 || count[2] != 100 {
		t.Errorf("class sizes %v, want 100 each", count)
	}
	// The last sample of arm 0 is at radius 3.
	if r := math.Hypot(X[297][0], X[297][1]); math.Abs(r-3) > 1e-12 {
		t.Errorf("arm 0 ends at radius %v, want 3", r)
	}
}

func TestWithOutliers(t *testing.T) {
	X, _ := Blobs(mltest.NewRand(1), 100, [][]float64{{-2, 0}, {2, 0}}, 0.5)
	orig := make([][]float64, len(X))
	for i, x := range X {
		orig[i] = []float64{x[0], x[1]}
	}
	moved := WithOutliers(mltest.NewRand(2), X, 0.05, 1.2)
	if len(moved) != 5 {
		t.Fatalf("%d moved, want 5", len(moved))
	}
	for _, i := range moved {
		if X[i][0] != -1.2*orig[i][0] || X[i][1] != -1.2*orig[i][1] {
			t.Errorf("sample %d: %v from %v, want mirrored ×1.2", i, X[i], orig[i])
		}
	}
}
