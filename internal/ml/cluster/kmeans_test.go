package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
	"github.com/mlplayground/playground/internal/ml/num"
)

// kmeansFixture is testdata/kmeans.json, written by testdata/gen_fixtures.py
// with scikit-learn 1.2.1 and NumPy 1.24.2 (Debian's /usr/bin/python3).
type kmeansFixture struct {
	Cases []struct {
		Name           string      `json:"name"`
		K              int         `json:"k"`
		X              [][]float64 `json:"X"`
		Init           [][]float64 `json:"init"`
		ConvergedNIter int         `json:"converged_n_iter"`
		Runs           []struct {
			MaxIter int         `json:"max_iter"`
			NIter   int         `json:"n_iter"`
			Labels  []int       `json:"labels"`
			Inertia float64     `json:"inertia"`
			Centers [][]float64 `json:"centers"`
		} `json:"runs"`
	} `json:"cases"`
}

// TestKMeansMatchesScikitLearn replays scikit-learn's Lloyd runs. For
// max_iter = m scikit-learn runs m (assign, update) iterations, then assigns
// once more to the final centers, so cluster_centers_ is our state after 2m
// steps and labels_, inertia_ after 2m+1 steps. Tolerance 1e-9 relative to
// max(|want|, 1) (scikit-learn centers the data and uses BLAS distances, so
// the last bits differ); assignments exact (the script asserts no sample is
// within 1e-9 of a tie).
func TestKMeansMatchesScikitLearn(t *testing.T) {
	const tol = 1e-9
	var fx kmeansFixture
	mltest.LoadFixture(t, "kmeans.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no k-means cases in fixture")
	}
	for _, c := range fx.Cases {
		for _, r := range c.Runs {
			t.Run(fmt.Sprintf("%s/max_iter=%d", c.Name, r.MaxIter), func(t *testing.T) {
				km := NewKMeans(c.X, c.Init)
				for range 2 * r.MaxIter {
					km.Step()
				}
				got := km.Centroids()
				if len(got) != c.K {
					t.Fatalf("got %d centroids, want %d", len(got), c.K)
				}
				for i := range got {
					for j := range got[i] {
						w := r.Centers[i][j]
						if !mltest.CloseTo(got[i][j], w, tol, max(math.Abs(w), 1)) {
							t.Errorf("centroid %d[%d] after %d steps: got %.17g, want %.17g", i, j, 2*r.MaxIter, got[i][j], w)
						}
					}
				}
				km.Step()
				if got, want := km.Assignments(), r.Labels; !slices.Equal(got, want) {
					t.Errorf("assignments after %d steps differ from labels_:\n got %v\nwant %v", 2*r.MaxIter+1, got, want)
				}
				if got, want := km.Inertia(), r.Inertia; !mltest.CloseTo(got, want, tol, want) {
					t.Errorf("inertia after %d steps: got %.17g, want %.17g", 2*r.MaxIter+1, got, want)
				}
				// scikit-learn's n_iter_ counts the final, unchanged
				// iteration; our assign step that sees no change ends the run
				// before its (no-op) update.
				if got, want := km.Converged(), r.MaxIter >= c.ConvergedNIter-1; got != want {
					t.Errorf("Converged() = %v, want %v (scikit-learn n_iter_ = %d)", got, want, c.ConvergedNIter)
				}
				if got, want := km.Iteration(), min(r.MaxIter, c.ConvergedNIter-1); got != want {
					t.Errorf("Iteration() = %d, want %d", got, want)
				}
			})
		}
	}
}

// Lloyd's inertia never increases, step by step (Lloyd 1982): the assign step
// and the update step each minimise it over one argument. Tolerance 1e-12
// relative for rounding in the sums.
func TestLloydInertiaNonIncreasing(t *testing.T) {
	var fx kmeansFixture
	mltest.LoadFixture(t, "kmeans.json", &fx)
	for _, c := range fx.Cases {
		for seed := range uint64(5) {
			rng := mltest.NewRand(seed)
			km := NewKMeans(c.X, InitRandom(rng, c.X, c.K))
			prev := km.Inertia()
			for step := 1; !km.Converged(); step++ {
				if step > 1000 {
					t.Fatalf("%s seed %d: not converged after 1000 steps", c.Name, seed)
				}
				km.Step()
				if got := km.Inertia(); got > prev*(1+1e-12) {
					t.Errorf("%s seed %d step %d (%s): inertia rose from %.17g to %.17g", c.Name, seed, step, km.Phase(), prev, got)
				}
				prev = km.Inertia()
			}
		}
	}
}

// Small cases worked out by hand.
func TestKMeansHandWorked(t *testing.T) {
	t.Run("phases and accessors", func(t *testing.T) {
		X := [][]float64{{0}, {2}, {10}, {12}}
		km := NewKMeans(X, [][]float64{{1}, {2}})
		// Nearest centroids at init: 0→1, 2→2, 10→2, 12→2: 1+0+64+100.
		if got, want := km.Inertia(), 165.0; got != want {
			t.Errorf("initial inertia: got %g, want %g", got, want)
		}
		if got, want := km.Assignments(), []int{-1, -1, -1, -1}; !slices.Equal(got, want) {
			t.Errorf("initial assignments: got %v, want %v", got, want)
		}
		if km.Phase() != PhaseInit || km.Batch() != nil {
			t.Errorf("initial phase %q, batch %v: want %q, nil", km.Phase(), km.Batch(), PhaseInit)
		}
		type state struct {
			phase     string
			assign    []int
			centroids []float64
			inertia   float64
			changed   int
			iter      int
			converged bool
		}
		want := []state{
			{PhaseAssign, []int{0, 1, 1, 1}, []float64{1, 2}, 165, 4, 0, false},
			// Means: {0} → 0, {2, 10, 12} → 8; old assignments: 0 + 36+4+16.
			{PhaseUpdate, []int{0, 1, 1, 1}, []float64{0, 8}, 56, 4, 1, false},
			// 2 is now nearer 0 (distance 2) than 8 (distance 6): 0+4+4+16.
			{PhaseAssign, []int{0, 0, 1, 1}, []float64{0, 8}, 24, 1, 1, false},
			{PhaseUpdate, []int{0, 0, 1, 1}, []float64{1, 11}, 4, 1, 2, false},
			{PhaseAssign, []int{0, 0, 1, 1}, []float64{1, 11}, 4, 0, 2, true},
			{PhaseAssign, []int{0, 0, 1, 1}, []float64{1, 11}, 4, 0, 2, true}, // converged: no-op
		}
		for i, w := range want {
			km.Step()
			c := km.Centroids()
			got := state{km.Phase(), km.Assignments(), []float64{c[0][0], c[1][0]}, km.Inertia(), km.Changed(), km.Iteration(), km.Converged()}
			if got.phase != w.phase || !slices.Equal(got.assign, w.assign) || !slices.Equal(got.centroids, w.centroids) ||
				got.inertia != w.inertia || got.changed != w.changed || got.iter != w.iter || got.converged != w.converged {
				t.Errorf("after step %d:\n got %+v\nwant %+v", i+1, got, w)
			}
		}
	})
	t.Run("empty cluster keeps its centroid", func(t *testing.T) {
		km := NewKMeans([][]float64{{0, 0}, {1, 0}}, [][]float64{{0.5, 0}, {100, 100}})
		km.Step()
		km.Step()
		if got, want := km.Centroids(), [][]float64{{0.5, 0}, {100, 100}}; !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("centroids: got %v, want %v", got, want)
		}
	})
	t.Run("tie goes to the lowest index", func(t *testing.T) {
		km := NewKMeans([][]float64{{0}}, [][]float64{{-1}, {1}})
		km.Step()
		if got, want := km.Assignments(), []int{0}; !slices.Equal(got, want) {
			t.Errorf("assignments: got %v, want %v", got, want)
		}
	})
	t.Run("inputs are copied", func(t *testing.T) {
		X := [][]float64{{0}, {2}}
		init := [][]float64{{1}}
		km := NewKMeans(X, init)
		X[0][0], init[0][0] = 100, 100
		km.Centroids()[0][0] = 100
		km.Step()
		km.Step()
		if got, want := km.Centroids()[0][0], 1.0; got != want {
			t.Errorf("centroid: got %g, want %g", got, want)
		}
	})
	t.Run("mini-batch running means", func(t *testing.T) {
		// One batch of the whole data: 0, 2 → centroid 0, 10 → centroid 1.
		// c0: 1 → 1 + (0−1)/1 = 0 → 0 + (2−0)/2 = 1 (or 2 → 1, either
		// order); c1: 9 → 9 + (10−9)/1 = 10. The learning rate 1/count makes
		// each centroid the mean of its samples.
		km := NewMiniBatchKMeans(mltest.NewRand(1), [][]float64{{0}, {2}, {10}}, [][]float64{{1}, {9}}, 3)
		// Mini-batch shows nearest centroids from the start: 1 + 1 + 1.
		if got, want := km.Assignments(), []int{0, 0, 1}; !slices.Equal(got, want) || km.Changed() != 0 || km.Inertia() != 3 {
			t.Errorf("at init: assignments %v, changed %d, inertia %g; want %v, 0, 3", got, km.Changed(), km.Inertia(), want)
		}
		km.Step()
		if got := km.Batch(); len(got) != 3 || km.Phase() != PhaseAssign || km.Changed() != 0 {
			t.Errorf("after assign: batch %v, phase %q, changed %d; want 3 samples, %q, 0", got, km.Phase(), km.Changed(), PhaseAssign)
		}
		km.Step()
		if got, want := km.Centroids(), [][]float64{{1}, {10}}; !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("centroids: got %v, want %v", got, want)
		}
		if got, want := km.Inertia(), 1.0+1+0; got != want {
			t.Errorf("inertia: got %g, want %g", got, want)
		}
		// The pass changed no nearest centroid, so it has converged.
		if !km.Converged() || km.Iteration() != 1 {
			t.Errorf("converged %v after %d updates, want true after 1", km.Converged(), km.Iteration())
		}
	})
}

// A pass of mini-batch k-means visits every sample exactly once, batchSize at
// a time (the last batch may be short), and Assignments is always the
// nearest centroid of every sample.
func TestMiniBatchPasses(t *testing.T) {
	X, _ := dataset.Blobs(mltest.NewRand(3), 103, [][]float64{{0, 0}, {5, 5}, {-5, 5}}, 1)
	for _, b := range []int{1, 10, 103, 500} {
		t.Run(fmt.Sprint("batch=", b), func(t *testing.T) {
			km := NewMiniBatchKMeans(mltest.NewRand(4), X, InitRandom(mltest.NewRand(5), X, 3), b)
			bs := min(b, len(X))
			perPass := (len(X) + bs - 1) / bs
			seen := make([]int, len(X))
			for u := range perPass {
				km.Step()
				batch := km.Batch()
				if want := min(bs, len(X)-u*bs); len(batch) != want {
					t.Fatalf("batch %d has %d samples, want %d", u, len(batch), want)
				}
				for _, i := range batch {
					seen[i]++
				}
				km.Step()
				if got, want := km.Iteration(), u+1; got != want {
					t.Fatalf("Iteration() = %d, want %d", got, want)
				}
				a := km.Assignments()
				var inertia float64
				for i, x := range X {
					c, d2 := nearest(x, km.Centroids())
					if a[i] != c {
						t.Fatalf("sample %d assigned %d, nearest centroid %d", i, a[i], c)
					}
					inertia += d2
				}
				if got := km.Inertia(); !mltest.CloseTo(got, inertia, 1e-12, inertia) {
					t.Errorf("inertia %g, want %g (nearest centroids)", got, inertia)
				}
			}
			for i, s := range seen {
				if s != 1 {
					t.Fatalf("sample %d seen %d times in a pass, want 1", i, s)
				}
			}
		})
	}
}

// Mini-batch (and sequential) k-means settle near Lloyd's solution on well
// separated blobs: final inertia within 10% of Lloyd's from the same start.
func TestMiniBatchNearLloyd(t *testing.T) {
	var fx kmeansFixture
	mltest.LoadFixture(t, "kmeans.json", &fx)
	c := fx.Cases[0]
	if c.Name != "separated_blobs" {
		t.Fatalf("first fixture case is %q, want separated_blobs", c.Name)
	}
	lloyd := NewKMeans(c.X, c.Init)
	for !lloyd.Converged() {
		lloyd.Step()
	}
	for _, b := range []int{1, 8, 32} {
		km := NewMiniBatchKMeans(mltest.NewRand(11), c.X, c.Init, b)
		steps := 0
		for !km.Converged() {
			km.Step()
			steps++
			if steps > 2*maxMiniBatchPasses*len(c.X) {
				t.Fatalf("batch %d: Step did not stop", b)
			}
		}
		got, want := km.Inertia(), lloyd.Inertia()
		if got > 1.1*want {
			t.Errorf("batch %d: inertia %g, more than 10%% above Lloyd's %g", b, got, want)
		}
		t.Logf("batch %d: %d updates, inertia %.4f (Lloyd %.4f)", b, km.Iteration(), got, want)
	}
}

func TestMiniBatchStopsAfter50Passes(t *testing.T) {
	X := [][]float64{{0}, {1}, {2}, {10}, {11}, {12}}
	// From centroids 0 and 1 all samples but 0 start in the second cluster;
	// the pass pulls that centroid towards 11, so 1 and 2 change cluster.
	km := NewMiniBatchKMeans(mltest.NewRand(7), X, [][]float64{{0}, {1}}, 2)
	before := km.Assignments()
	km.passes = maxMiniBatchPasses - 1 // pretend 49 passes are done
	for range 2 * 3 {
		km.Step()
	}
	if slices.Equal(before, km.Assignments()) {
		t.Fatalf("the pass changed no assignment (%v), so it does not test the cap", before)
	}
	if !km.Converged() {
		t.Errorf("not converged after pass %d, which changed assignments", maxMiniBatchPasses)
	}
}

// rowIndex returns the index of the row of X equal to x, or −1.
func rowIndex(X [][]float64, x []float64) int {
	return slices.IndexFunc(X, func(r []float64) bool { return slices.Equal(r, x) })
}

func TestInitDistinctSamples(t *testing.T) {
	X := dataset.Uniform(mltest.NewRand(8), 50, 3, -1, 1) // distinct rows almost surely
	inits := map[string]func(*rand.Rand, [][]float64, int) [][]float64{
		"InitRandom":   InitRandom,
		"InitPlusPlus": InitPlusPlus,
	}
	for name, init := range inits {
		for _, k := range []int{1, 2, 7, 50} {
			for seed := range uint64(20) {
				C := init(mltest.NewRand(seed), X, k)
				if len(C) != k {
					t.Fatalf("%s k=%d: %d centroids", name, k, len(C))
				}
				seen := map[int]bool{}
				for _, c := range C {
					i := rowIndex(X, c)
					if i < 0 || seen[i] {
						t.Fatalf("%s k=%d seed %d: centroid %v is not a new sample (index %d)", name, k, seed, c, i)
					}
					seen[i] = true
				}
				C[0][0] = 99 // a copy, not the sample
				if rowIndex(X, C[0]) >= 0 {
					t.Fatalf("%s: returned rows alias X", name)
				}
			}
			if a, b := init(mltest.NewRand(9), X, k), init(mltest.NewRand(9), X, k); !slices.EqualFunc(a, b, slices.Equal) {
				t.Errorf("%s k=%d: same seed, different centroids", name, k)
			}
		}
	}
	// All samples equal: every D is 0, so k-means++ must pick uniformly.
	same := [][]float64{{1, 1}, {1, 1}, {1, 1}}
	if got := InitPlusPlus(mltest.NewRand(1), same, 3); len(got) != 3 {
		t.Errorf("InitPlusPlus on equal samples: %d centroids, want 3", len(got))
	}
}

// k-means++ picks the next centroid with probability D²/ΣD². With samples 0, 1
// and 3 and first pick 0, D² = 0, 1, 9: P(1) = 0.1, P(3) = 0.9. Given first
// pick 3, D² = 9, 4, 0: P(0) = 9/13. Tolerance 5 standard errors of the
// frequency over these fixed seeds.
func TestInitPlusPlusProbabilities(t *testing.T) {
	X := [][]float64{{0}, {1}, {3}}
	counts := map[[2]float64]int{}
	firsts := map[float64]int{}
	const trials = 20000
	for seed := range uint64(trials) {
		C := InitPlusPlus(mltest.NewRand(seed), X, 2)
		counts[[2]float64{C[0][0], C[1][0]}]++
		firsts[C[0][0]]++
	}
	tests := []struct {
		first, second, p float64
	}{
		{0, 1, 0.1},
		{0, 3, 0.9},
		{3, 0, 9.0 / 13},
		{3, 1, 4.0 / 13},
		{1, 0, 1.0 / 5}, // D² = 1, 0, 4
		{1, 3, 4.0 / 5},
	}
	for _, tt := range tests {
		n := float64(firsts[tt.first])
		got := float64(counts[[2]float64{tt.first, tt.second}]) / n
		se := math.Sqrt(tt.p * (1 - tt.p) / n)
		if math.Abs(got-tt.p) > 5*se {
			t.Errorf("P(second=%g | first=%g): got %.4f, want %.4f ± %.4f", tt.second, tt.first, got, tt.p, 5*se)
		}
	}
	for x, n := range firsts {
		if p := float64(n) / trials; math.Abs(p-1.0/3) > 5*math.Sqrt(2.0/9/trials) {
			t.Errorf("P(first=%g) = %.4f, want 1/3", x, p)
		}
	}
}

func TestElbow(t *testing.T) {
	X, _ := dataset.Blobs(mltest.NewRand(12), 60, [][]float64{{0, 0}, {6, 0}, {0, 6}}, 0.5)
	// K = 1 converges to the mean: the total sum of squares.
	var mean [2]float64
	for _, x := range X {
		mean[0] += x[0] / 60
		mean[1] += x[1] / 60
	}
	var tss float64
	for _, x := range X {
		tss += num.SqDist(x, mean[:])
	}
	got := Elbow(mltest.NewRand(13), X, 6)
	if len(got) != 6 {
		t.Fatalf("len = %d, want 6", len(got))
	}
	if !mltest.CloseTo(got[0], tss, 1e-12, tss) {
		t.Errorf("K=1: got %.15g, want total sum of squares %.15g", got[0], tss)
	}
	// Three blobs of sd 0.5: K=3 leaves about n·d·σ² = 60·2·0.25 = 30.
	if got[2] > 45 || got[1] < 2*got[2] {
		t.Errorf("no elbow at K=3: %v", got)
	}
	if again := Elbow(mltest.NewRand(13), X, 6); !slices.Equal(again, got) {
		t.Errorf("same seed, different result: %v vs %v", again, got)
	}
	// More clusters than samples: stops at K = n, where every sample is its
	// own centroid (distinct samples, k-means++ picks each once).
	small := X[:4]
	if got := Elbow(mltest.NewRand(14), small, 10); len(got) != 4 || got[3] != 0 {
		t.Errorf("Elbow on 4 samples, kMax 10: got %v, want 4 values ending in 0", got)
	}
}

func TestKMeansPanics(t *testing.T) {
	X := [][]float64{{0, 0}, {1, 1}}
	tests := []struct {
		name string
		f    func()
	}{
		{"InitRandom k=0", func() { InitRandom(mltest.NewRand(1), X, 0) }},
		{"InitRandom k>n", func() { InitRandom(mltest.NewRand(1), X, 3) }},
		{"InitPlusPlus k=0", func() { InitPlusPlus(mltest.NewRand(1), X, 0) }},
		{"InitPlusPlus k>n", func() { InitPlusPlus(mltest.NewRand(1), X, 3) }},
		{"NewKMeans no samples", func() { NewKMeans(nil, X) }},
		{"NewKMeans no centroids", func() { NewKMeans(X, nil) }},
		{"NewKMeans dimensions", func() { NewKMeans(X, [][]float64{{0}}) }},
		{"NewMiniBatchKMeans batch 0", func() { NewMiniBatchKMeans(mltest.NewRand(1), X, X, 0) }},
		{"NewMiniBatchKMeans nil rng", func() { NewMiniBatchKMeans(nil, X, X, 1) }},
		{"Elbow kMax 0", func() { Elbow(mltest.NewRand(1), X, 0) }},
	}
	for _, tt := range tests {
		mltest.MustPanic(t, tt.name, tt.f)
	}
}

func ExampleNewKMeans() {
	X := [][]float64{{0}, {2}, {10}, {12}}
	km := NewKMeans(X, [][]float64{{1}, {2}})
	for !km.Converged() {
		km.Step()
		fmt.Println(km.Phase(), km.Assignments(), km.Centroids(), km.Inertia())
	}
	// Output:
	// assign [0 1 1 1] [[1] [2]] 165
	// update [0 1 1 1] [[0] [8]] 56
	// assign [0 0 1 1] [[0] [8]] 24
	// update [0 0 1 1] [[1] [11]] 4
	// assign [0 0 1 1] [[1] [11]] 4
}
