package decomp

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// pcaFixture is written by testdata/gen_pca.py: scikit-learn 1.2.1's
// PCA(svd_solver="full") on iris, wine (raw and standardized), digits and a
// random 3-D cloud stored in the fixture, components sign-normalised as
// ours are.
type pcaFixture struct {
	Cases []struct {
		Name                   string             `json:"name"`
		Standardize            bool               `json:"standardize"`
		N                      int                `json:"n"`
		X                      [][]float64        `json:"X"`
		Mean                   []float64          `json:"mean"`
		Scale                  []float64          `json:"scale"`
		Components             [][]float64        `json:"components"`
		Determined             []bool             `json:"determined"`
		ExplainedVariance      []float64          `json:"explained_variance"`
		ExplainedVarianceRatio []float64          `json:"explained_variance_ratio"`
		ReconstructionError    map[string]float64 `json:"reconstruction_error"`
	} `json:"cases"`
}

func pcaData(t *testing.T, name string, stored [][]float64) [][]float64 {
	switch name {
	case "iris":
		X, _, _, _ := dataset.Iris()
		return X
	case "wine", "wine_standardized":
		X, _, _, _ := dataset.Wine()
		return X
	case "digits":
		X, _ := dataset.Digits()
		return X
	}
	if stored == nil {
		t.Fatalf("case %s has no data", name)
	}
	return stored
}

// runPCA steps p through every stage, checking the stage names.
func runPCA(t *testing.T, p *PCA) {
	t.Helper()
	if p.Stage() != StageInit || p.Done() {
		t.Fatalf("new PCA: stage %q, done %v", p.Stage(), p.Done())
	}
	for _, want := range Stages {
		p.Step()
		if p.Stage() != want {
			t.Fatalf("stage %q, want %q", p.Stage(), want)
		}
	}
	if !p.Done() {
		t.Fatal("not done after the last stage")
	}
	p.Step() // a no-op
	if p.Stage() != StageReconstruct {
		t.Fatalf("a step after the end moved to %q", p.Stage())
	}
}

// Tolerances, all against scikit-learn's values: means and scales 1e-12
// relative; eigenvalues (explained_variance_) 1e-8 relative to the largest;
// ratios 1e-8 absolute (they are at most 1); each determined component
// 1e-8 absolute per entry (unit vectors; an eigenvector's error is about
// ε‖C‖/gap, and the script keeps only gaps above 1e-6‖C‖); reconstruction
// errors 1e-8 relative to the error of keeping nothing.
func TestPCAMatchesScikitLearn(t *testing.T) {
	var fx pcaFixture
	mltest.LoadFixture(t, "pca.json", &fx)
	if len(fx.Cases) != 5 {
		t.Fatalf("fixture has %d cases, want 5", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			X := pcaData(t, c.Name, c.X)
			if len(X) != c.N {
				t.Fatalf("%d samples, fixture has %d", len(X), c.N)
			}
			D := len(X[0])
			p, err := NewPCA(X, D, c.Standardize)
			if err != nil {
				t.Fatal(err)
			}
			runPCA(t, p)
			for j, want := range c.Mean {
				if got := p.Mean()[j]; !mltest.CloseTo(got, want, 1e-12, math.Max(1, math.Abs(want))) {
					t.Errorf("mean[%d] = %v, want %v", j, got, want)
				}
				if got := p.Scale()[j]; !mltest.CloseTo(got, c.Scale[j], 1e-12, c.Scale[j]) {
					t.Errorf("scale[%d] = %v, want %v", j, got, c.Scale[j])
				}
			}
			ev, ratio, comps := p.Eigenvalues(), p.ExplainedVarianceRatio(), p.Components()
			if len(ev) != D || len(ratio) != D || len(comps) != D {
				t.Fatalf("%d eigenvalues, %d ratios, %d components; want %d", len(ev), len(ratio), len(comps), D)
			}
			top := c.ExplainedVariance[0]
			compared := 0
			for k := range D {
				if !mltest.CloseTo(ev[k], c.ExplainedVariance[k], 1e-8, top) {
					t.Errorf("eigenvalue %d = %v, want %v", k, ev[k], c.ExplainedVariance[k])
				}
				if !mltest.CloseTo(ratio[k], c.ExplainedVarianceRatio[k], 1e-8, 1) {
					t.Errorf("ratio %d = %v, want %v", k, ratio[k], c.ExplainedVarianceRatio[k])
				}
				if !c.Determined[k] {
					continue
				}
				compared++
				for j := range D {
					if !mltest.CloseTo(comps[k][j], c.Components[k][j], 1e-8, 1) {
						t.Fatalf("component %d entry %d = %v, want %v", k, j, comps[k][j], c.Components[k][j])
					}
				}
			}
			if compared == 0 {
				t.Error("no component compared")
			}
			e0 := p.ReconstructionError(0)
			for ds, want := range c.ReconstructionError {
				d, _ := strconv.Atoi(ds)
				if got := p.ReconstructionError(d); !mltest.CloseTo(got, want, 1e-8, e0) {
					t.Errorf("reconstruction error keeping %d: %v, want %v", d, got, want)
				}
			}
		})
	}
}

// Properties that hold for any data: orthonormal components, ratios summing
// to 1, C = X_cᵀX_c/(n−1) entry by entry, the error of every d equal to the
// closed form (n−1)/(nD)·Σ_{k>d}λ_k and to the MSE of the reconstruction
// itself, scores equal to X_c P_d. Tolerance 1e-10 relative.
func TestPCAIdentities(t *testing.T) {
	iris, _, _, _ := dataset.Iris()
	cloud, _ := dataset.Blobs(mltest.NewRand(5), 60, [][]float64{{1, 2, 3, 4, 5}}, 2)
	for _, tc := range []struct {
		name string
		X    [][]float64
		d    int
		std  bool
	}{{"iris d=2", iris, 2, false}, {"iris std d=1", iris, 1, true}, {"blob 5-D d=3", cloud, 3, false}} {
		p, err := NewPCA(tc.X, tc.d, tc.std)
		if err != nil {
			t.Fatal(err)
		}
		runPCA(t, p)
		n, D := len(tc.X), len(tc.X[0])
		Xc, C, P, ev := p.Centred(), p.Covariance(), p.Components(), p.Eigenvalues()
		for a := range D {
			for b := range D {
				var s float64
				for _, x := range Xc {
					s += x[a] * x[b]
				}
				if want := s / float64(n-1); !mltest.CloseTo(C[a][b], want, 1e-10, ev[0]) {
					t.Errorf("%s: C[%d][%d] = %v, want %v", tc.name, a, b, C[a][b], want)
				}
				var dot float64
				for j := range D {
					dot += P[a][j] * P[b][j]
				}
				if want := pcaDelta(a == b); math.Abs(dot-want) > 1e-10 {
					t.Errorf("%s: p%d·p%d = %v, want %v", tc.name, a, b, dot, want)
				}
			}
		}
		var sum float64
		for _, r := range p.ExplainedVarianceRatio() {
			sum += r
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s: ratios sum to %v", tc.name, sum)
		}
		if !slices.IsSortedFunc(ev, func(a, b float64) int { return cmp.Compare(b, a) }) {
			t.Errorf("%s: eigenvalues not descending: %v", tc.name, ev)
		}
		for d := 0; d <= D; d++ {
			var tail float64
			for _, l := range ev[d:] {
				tail += l
			}
			want := float64(n-1) / float64(n*D) * tail
			if got := p.ReconstructionError(d); !mltest.CloseTo(got, want, 1e-10, p.ReconstructionError(0)) {
				t.Errorf("%s: E(%d) = %v, closed form %v", tc.name, d, got, want)
			}
		}
		Z, R, mu, s := p.Scores(), p.Reconstruction(), p.Mean(), p.Scale()
		if len(Z) != n || len(Z[0]) != tc.d {
			t.Fatalf("%s: scores %d×%d, want %d×%d", tc.name, len(Z), len(Z[0]), n, tc.d)
		}
		var mse float64
		for i, x := range Xc {
			for c := range tc.d {
				var z float64
				for j := range D {
					z += x[j] * P[c][j]
				}
				if math.Abs(Z[i][c]-z) > 1e-10*math.Max(1, math.Abs(z)) {
					t.Fatalf("%s: Z[%d][%d] = %v, want %v", tc.name, i, c, Z[i][c], z)
				}
			}
			for j := range D {
				r := (R[i][j] - mu[j]) / s[j]
				mse += (x[j] - r) * (x[j] - r)
			}
		}
		mse /= float64(n * D)
		if want := p.ReconstructionError(tc.d); !mltest.CloseTo(mse, want, 1e-10, p.ReconstructionError(0)) {
			t.Errorf("%s: MSE of the reconstruction %v, E(d) says %v", tc.name, mse, want)
		}
	}
}

// Accessors of stages not yet run return nil; bad input is an error; a
// ragged matrix is a programmer error.
func TestPCAStagesAndErrors(t *testing.T) {
	X := [][]float64{{1, 2}, {3, 5}, {4, 4}}
	p, err := NewPCA(X, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Mean() != nil || p.Covariance() != nil || p.Components() != nil || p.ExplainedVarianceRatio() != nil || p.Scores() != nil {
		t.Error("results before any step")
	}
	mltest.MustPanic(t, "error before eigen", func() { p.ReconstructionError(0) })
	p.Step()
	if got := p.Mean(); !slices.Equal(got, []float64{8.0 / 3, 11.0 / 3}) {
		t.Errorf("mean %v", got)
	}
	if p.Covariance() != nil {
		t.Error("covariance after the centre stage only")
	}
	p.Step()
	p.Step()
	if p.Components() == nil || p.Scores() != nil {
		t.Error("after eigen: components missing or scores early")
	}
	mltest.MustPanic(t, "error of d = D+1", func() { p.ReconstructionError(3) })
	X[0][0] = 100 // NewPCA copied X
	if p.Mean()[0] != 8.0/3 {
		t.Error("PCA shares X with the caller")
	}
	for _, bad := range []struct {
		X [][]float64
		d int
	}{{[][]float64{{1, 2}}, 1}, {X, 0}, {X, 3}} {
		if _, err := NewPCA(bad.X, bad.d, false); err == nil {
			t.Errorf("NewPCA(%d samples, d=%d): no error", len(bad.X), bad.d)
		}
	}
	mltest.MustPanic(t, "ragged", func() { NewPCA([][]float64{{1, 2}, {3}}, 1, false) })
	mltest.MustPanic(t, "no features", func() { NewPCA([][]float64{{}, {}}, 1, false) })
}

func pcaDelta(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// The digits are the largest data set PCA runs on: 1797×64.
func BenchmarkPCADigits(b *testing.B) {
	X, _ := dataset.Digits()
	for b.Loop() {
		p, err := NewPCA(X, 10, false)
		if err != nil {
			b.Fatal(err)
		}
		for !p.Done() {
			p.Step()
		}
	}
}
