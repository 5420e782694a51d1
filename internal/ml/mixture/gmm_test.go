package mixture

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/mlplayground/playground/internal/ml/cluster"
	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/internal/mltest"
)

// gmmFixture is testdata/gmm.json, written by testdata/gen_gmm.py with
// scikit-learn 1.2.1 and NumPy 1.24.2. Covariances are stored as full d×d
// matrices whatever the type.
type gmmFixture struct {
	Cases []struct {
		Name            string        `json:"name"`
		CovarianceType  string        `json:"covariance_type"`
		K               int           `json:"k"`
		X               [][]float64   `json:"X"`
		WeightsInit     []float64     `json:"weights_init"`
		MeansInit       [][]float64   `json:"means_init"`
		CovariancesInit [][][]float64 `json:"covariances_init"`
		Runs            []struct {
			MaxIter      int           `json:"max_iter"`
			Weights      []float64     `json:"weights"`
			Means        [][]float64   `json:"means"`
			Covariances  [][][]float64 `json:"covariances"`
			LowerBound   float64       `json:"lower_bound"`
			Score        float64       `json:"score"`
			PredictProba [][]float64   `json:"predict_proba"` // only some runs
		} `json:"runs"`
		ConvergedNIter int `json:"converged_n_iter"`
		MStep          struct {
			Resp        [][]float64   `json:"resp"`
			Weights     []float64     `json:"weights"`
			Means       [][]float64   `json:"means"`
			Covariances [][][]float64 `json:"covariances"`
		} `json:"m_step"`
	} `json:"cases"`
}

// gmmTol is the agreement asked of the parameters and log-likelihoods,
// relative to max(1, |want|). The issue asks for 1e-6; both sides compute
// the same sums in a different order, which costs far less.
const gmmTol = 1e-9

func loadGMM(t testing.TB) gmmFixture {
	t.Helper()
	var fx gmmFixture
	mltest.LoadFixture(t, "gmm.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no cases in gmm.json")
	}
	return fx
}

func near(got, want float64) bool { return mltest.CloseTo(got, want, gmmTol, max(1, math.Abs(want))) }

// checkVec compares element by element and reports the first difference.
func checkVec(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !near(got[i], want[i]) {
			t.Errorf("%s[%d] = %.17g, want %.17g", what, i, got[i], want[i])
			return
		}
	}
}

func checkMat(t *testing.T, what string, got, want [][]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range got {
		checkVec(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i])
	}
}

// TestGaussianMixtureMatchesScikitLearn replays scikit-learn's EM from the
// same initial parameters. scikit-learn's fit with max_iter = N runs N
// iterations of (E-step, M-step), so:
//
//   - weights_, means_, covariances_ are our parameters after 2N steps
//     (step 2N is M-step N);
//   - lower_bound_ is the mean log-likelihood its last E-step computed, i.e.
//     of the parameters after N−1 M-steps: our MeanLogLikelihood after step
//     2N−1 (an E-step leaves it as the M-step before set it);
//   - score(X) is the mean log-likelihood of the final parameters: ours
//     after step 2N;
//   - predict_proba(X) runs one more E-step: our Responsibilities after step
//     2N+1.
func TestGaussianMixtureMatchesScikitLearn(t *testing.T) {
	fx := loadGMM(t)
	for _, c := range fx.Cases {
		for _, r := range c.Runs {
			t.Run(fmt.Sprintf("%s/max_iter=%d", c.Name, r.MaxIter), func(t *testing.T) {
				gm, err := NewGaussianMixture(c.X, c.WeightsInit, c.MeansInit, c.CovariancesInit, c.CovarianceType)
				if err != nil {
					t.Fatal(err)
				}
				gm.SetTolerance(0) // scikit-learn's tol=0: never stop early
				for range 2*r.MaxIter - 1 {
					gm.Step()
					if err := gm.Err(); err != nil {
						t.Fatal(err)
					}
				}
				if gm.Phase() != PhaseExpectation {
					t.Fatalf("phase %q after %d steps, want %q", gm.Phase(), 2*r.MaxIter-1, PhaseExpectation)
				}
				if got := gm.MeanLogLikelihood(); !near(got, r.LowerBound) {
					t.Errorf("mean log-likelihood after E-step %d = %.17g, want lower_bound_ %.17g", r.MaxIter, got, r.LowerBound)
				}
				gm.Step()
				if err := gm.Err(); err != nil {
					t.Fatal(err)
				}
				if gm.Phase() != PhaseMaximization || gm.Iteration() != r.MaxIter {
					t.Fatalf("after %d steps: phase %q, iteration %d", 2*r.MaxIter, gm.Phase(), gm.Iteration())
				}
				checkVec(t, "weights", gm.Weights(), r.Weights)
				checkMat(t, "means", gm.Means(), r.Means)
				for j, cov := range gm.Covariances() {
					checkMat(t, fmt.Sprintf("covariances[%d]", j), cov, r.Covariances[j])
				}
				if got := gm.MeanLogLikelihood(); !near(got, r.Score) {
					t.Errorf("mean log-likelihood after M-step %d = %.17g, want score(X) %.17g", r.MaxIter, got, r.Score)
				}
				if r.PredictProba != nil {
					gm.Step()
					checkMat(t, "responsibilities", gm.Responsibilities(), r.PredictProba)
				}
			})
		}
	}
}

// TestGaussianMixtureConvergesWithScikitLearn: with tol = 1e-6 (our
// DefaultTol) scikit-learn stops with n_iter_ = m + 1 where we stop after
// M-step m, since it compares the log-likelihood one iteration later (see
// Converged). The script checked that no change is within 1% of the
// tolerance, so the stop is exact.
func TestGaussianMixtureConvergesWithScikitLearn(t *testing.T) {
	fx := loadGMM(t)
	for _, c := range fx.Cases {
		gm, err := NewGaussianMixture(c.X, c.WeightsInit, c.MeansInit, c.CovariancesInit, c.CovarianceType)
		if err != nil {
			t.Fatal(err)
		}
		steps := 0
		for !gm.Converged() && steps < 5000 {
			gm.Step()
			steps++
		}
		if got, want := gm.Iteration(), c.ConvergedNIter-1; !gm.Converged() || got != want {
			t.Errorf("%s: converged=%v after %d M-steps, want after %d (scikit-learn n_iter_ = %d)",
				c.Name, gm.Converged(), got, want, c.ConvergedNIter)
		}
		if gm.Phase() != PhaseMaximization || math.Abs(gm.Change()) >= DefaultTol {
			t.Errorf("%s: stopped in phase %q with change %g", c.Name, gm.Phase(), gm.Change())
		}
		// A converged stepper stays put.
		w := gm.Weights()
		gm.Step()
		if gm.Iteration() != c.ConvergedNIter-1 || gm.Weights()[0] != w[0] {
			t.Errorf("%s: Step after convergence changed the state", c.Name)
		}
	}
}

// The M-step alone against scikit-learn's _estimate_gaussian_parameters on
// random responsibilities (weights there are nk / n).
func TestEstimateGaussianParameters(t *testing.T) {
	fx := loadGMM(t)
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			w, mu, cov, err := EstimateGaussianParameters(c.X, c.MStep.Resp, c.CovarianceType)
			if err != nil {
				t.Fatal(err)
			}
			checkVec(t, "weights", w, c.MStep.Weights)
			checkMat(t, "means", mu, c.MStep.Means)
			for j := range cov {
				checkMat(t, fmt.Sprintf("covariances[%d]", j), cov[j], c.MStep.Covariances[j])
			}
		})
	}
}

// EM never decreases the log-likelihood (Dempster, Laird & Rubin 1977,
// Theorem 1), and an E-step leaves it unchanged. Checked step by step from
// random-responsibility starts on the fixture data, every covariance type,
// tolerance 1e-12 relative for rounding.
func TestGaussianMixtureLogLikelihoodNeverDecreases(t *testing.T) {
	fx := loadGMM(t)
	for _, c := range fx.Cases {
		for _, covType := range []string{CovarianceFull, CovarianceDiag, CovarianceSpherical} {
			for seed := range uint64(3) {
				rng := mltest.NewRand(seed)
				w, mu, cov, err := EstimateGaussianParameters(c.X, RandomResponsibilities(rng, len(c.X), c.K+1), covType)
				if err != nil {
					t.Fatal(err)
				}
				gm, err := NewGaussianMixture(c.X, w, mu, cov, covType)
				if err != nil {
					t.Fatal(err)
				}
				prev := gm.MeanLogLikelihood()
				for step := 1; step <= 200 && !gm.Converged(); step++ {
					gm.Step()
					if err := gm.Err(); err != nil {
						t.Fatal(err)
					}
					ll := gm.MeanLogLikelihood()
					switch {
					case gm.Phase() == PhaseExpectation && ll != prev:
						t.Fatalf("%s %s seed %d step %d: E-step changed ℓ from %v to %v", c.Name, covType, seed, step, prev, ll)
					case ll < prev-1e-12*math.Abs(prev):
						t.Fatalf("%s %s seed %d step %d: ℓ fell from %.17g to %.17g", c.Name, covType, seed, step, prev, ll)
					}
					prev = ll
				}
				if gm.Iteration() < 2 {
					t.Errorf("%s %s seed %d: only %d iterations", c.Name, covType, seed, gm.Iteration())
				}
			}
		}
	}
}

// The covariances keep the structure of their type and stay symmetric
// positive definite, and responsibilities are probabilities.
func TestGaussianMixtureInvariants(t *testing.T) {
	fx := loadGMM(t)
	c := fx.Cases[0]
	for _, covType := range []string{CovarianceFull, CovarianceDiag, CovarianceSpherical} {
		w, mu, cov, _ := EstimateGaussianParameters(c.X, RandomResponsibilities(mltest.NewRand(9), len(c.X), 3), covType)
		gm, err := NewGaussianMixture(c.X, w, mu, cov, covType)
		if err != nil {
			t.Fatal(err)
		}
		if gm.Responsibilities() != nil {
			t.Errorf("%s: responsibilities before the first E-step", covType)
		}
		for range 7 {
			gm.Step()
		}
		for i, row := range gm.Responsibilities() {
			var s float64
			for _, r := range row {
				if r < 0 || r > 1 {
					t.Fatalf("%s: responsibility %v of sample %d", covType, r, i)
				}
				s += r
			}
			if math.Abs(s-1) > 1e-12 {
				t.Fatalf("%s: responsibilities of sample %d sum to %v", covType, i, s)
			}
		}
		var ws float64
		for _, v := range gm.Weights() {
			ws += v
		}
		if math.Abs(ws-1) > 1e-12 {
			t.Errorf("%s: weights sum to %v", covType, ws)
		}
		for j, m := range gm.Covariances() {
			if m[0][1] != m[1][0] || m[0][0]*m[1][1]-m[0][1]*m[0][1] <= 0 || m[0][0] <= 0 {
				t.Errorf("%s: covariance %d = %v not symmetric positive definite", covType, j, m)
			}
			if covType != CovarianceFull && m[0][1] != 0 {
				t.Errorf("%s: covariance %d = %v has an off-diagonal entry", covType, j, m)
			}
			if covType == CovarianceSpherical && m[0][0] != m[1][1] {
				t.Errorf("%s: covariance %d = %v has unequal variances", covType, j, m)
			}
		}
	}
}

// LogDensity agrees with the mean log-likelihood and with the largest
// responsibility of the next E-step.
func TestGaussianMixtureLogDensity(t *testing.T) {
	fx := loadGMM(t)
	for _, c := range fx.Cases {
		gm, err := NewGaussianMixture(c.X, c.WeightsInit, c.MeansInit, c.CovariancesInit, c.CovarianceType)
		if err != nil {
			t.Fatal(err)
		}
		gm.Step()
		gm.Step()
		var sum float64
		best := make([]int, len(c.X))
		for i, x := range c.X {
			lp, b := gm.LogDensity(x)
			sum += lp
			best[i] = b
		}
		if got, want := sum/float64(len(c.X)), gm.MeanLogLikelihood(); !mltest.CloseTo(got, want, 1e-12, math.Abs(want)) {
			t.Errorf("%s: mean of LogDensity %v, MeanLogLikelihood %v", c.Name, got, want)
		}
		gm.Step()
		for i, row := range gm.Responsibilities() {
			if row[best[i]] < max(row[0], row[len(row)-1]) {
				t.Errorf("%s: sample %d most likely component %d, responsibilities %v", c.Name, i, best[i], row)
				break
			}
		}
	}
}

// A one-component "mixture" of one Gaussian: the first M-step gives the
// sample mean and the biased sample covariance (+1e-6) whatever the start.
// Closed form on four points.
func TestGaussianMixtureOneComponent(t *testing.T) {
	X := [][]float64{{0, 0}, {2, 0}, {0, 4}, {2, 4}}
	gm, err := NewGaussianMixture(X, []float64{1}, [][]float64{{5, 5}}, [][][]float64{{{1, 0.5}, {0.5, 1}}}, CovarianceFull)
	if err != nil {
		t.Fatal(err)
	}
	gm.Step()
	gm.Step()
	// Mean (1, 2); variances 1 and 4 (divided by n), no correlation.
	checkVec(t, "mean", gm.Means()[0], []float64{1, 2})
	checkMat(t, "covariance", gm.Covariances()[0], [][]float64{{1 + 1e-6, 0}, {0, 4 + 1e-6}})
	// ℓ = log N(x | μ, Σ) averaged: −log 2π − ½ log|Σ| − ½ E[mahalanobis²] with E = d = 2 ignoring the 1e-6.
	want := -math.Log(2*math.Pi) - 0.5*math.Log((1+1e-6)*(4+1e-6)) - 0.5*(1/(1+1e-6)+4/(4+1e-6))
	if got := gm.MeanLogLikelihood(); !mltest.CloseTo(got, want, 1e-14, 1) {
		t.Errorf("ℓ = %.17g, want %.17g", got, want)
	}
}

// K-means initialisation: one-hot responsibilities of converged K-means give
// means equal to the K-means centroids (each is the mean of its cluster) and
// weights equal to the cluster shares.
func TestKMeansInitialisation(t *testing.T) {
	fx := loadGMM(t)
	c := fx.Cases[0]
	km := cluster.KMeansToConvergence(mltest.NewRand(4), c.X, 3)
	if !km.Converged() || km.Phase() != cluster.PhaseAssign {
		t.Fatalf("K-means not converged: phase %q", km.Phase())
	}
	assign := km.Assignments()
	w, mu, _, err := EstimateGaussianParameters(c.X, HardResponsibilities(assign, 3), CovarianceFull)
	if err != nil {
		t.Fatal(err)
	}
	count := make([]float64, 3)
	for _, a := range assign {
		count[a]++
	}
	for j, cen := range km.Centroids() {
		if !mltest.CloseTo(mu[j][0], cen[0], 1e-12, 1) || !mltest.CloseTo(mu[j][1], cen[1], 1e-12, 1) {
			t.Errorf("mean %d = %v, centroid %v", j, mu[j], cen)
		}
		if !mltest.CloseTo(w[j], count[j]/float64(len(c.X)), 1e-12, 1) {
			t.Errorf("weight %d = %v, share %v", j, w[j], count[j]/float64(len(c.X)))
		}
	}
}

func TestRandomResponsibilities(t *testing.T) {
	resp := RandomResponsibilities(mltest.NewRand(5), 500, 4)
	var mean float64
	for i, row := range resp {
		var s float64
		for _, r := range row {
			if r < 0 || r > 1 {
				t.Fatalf("row %d: %v", i, row)
			}
			s += r
			mean += r
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("row %d sums to %v", i, s)
		}
	}
	// By symmetry each entry averages 1/k.
	if mean /= 2000; math.Abs(mean-0.25) > 1e-12 {
		t.Errorf("mean responsibility %v, want 1/4", mean)
	}
	col := 0.0
	for _, row := range resp {
		col += row[0]
	}
	// Column means are 1/4 ± a few standard errors (sd of a row entry < 0.2).
	if col /= 500; math.Abs(col-0.25) > 4*0.2/math.Sqrt(500) {
		t.Errorf("component 0 mean responsibility %v, want 0.25", col)
	}
}

// Sample moments of SampleGaussianMixture within 5 standard errors of the
// parameters (n = 20000 per component).
func TestSampleGaussianMixture(t *testing.T) {
	means := [][]float64{{-3, 1}, {2, -2}}
	covs := [][][]float64{{{2, 1.2}, {1.2, 1}}, {{0.5, -0.3}, {-0.3, 0.4}}}
	X, labels := SampleGaussianMixture(mltest.NewRand(6), 40000, means, covs)
	for c := range 2 {
		var n, m0, m1, s00, s01, s11 float64
		for i, x := range X {
			if labels[i] != c {
				continue
			}
			n++
			m0 += x[0]
			m1 += x[1]
		}
		m0 /= n
		m1 /= n
		for i, x := range X {
			if labels[i] == c {
				s00 += (x[0] - m0) * (x[0] - m0)
				s01 += (x[0] - m0) * (x[1] - m1)
				s11 += (x[1] - m1) * (x[1] - m1)
			}
		}
		s00, s01, s11 = s00/n, s01/n, s11/n
		if n != 20000 {
			t.Errorf("component %d: %v samples", c, n)
		}
		C := covs[c]
		se := func(v float64) float64 { return 5 * v / math.Sqrt(n) }
		if math.Abs(m0-means[c][0]) > se(math.Sqrt(C[0][0])) || math.Abs(m1-means[c][1]) > se(math.Sqrt(C[1][1])) {
			t.Errorf("component %d: mean (%v, %v), want %v", c, m0, m1, means[c])
		}
		// Var of a sample (co)variance entry is at most 2·C00·C11.
		tol := se(math.Sqrt(2 * C[0][0] * C[1][1]))
		if math.Abs(s00-C[0][0]) > tol || math.Abs(s01-C[0][1]) > tol || math.Abs(s11-C[1][1]) > tol {
			t.Errorf("component %d: covariance [[%v %v] [%v %v]], want %v", c, s00, s01, s01, s11, C)
		}
	}
}

func TestNewGaussianMixtureErrors(t *testing.T) {
	X := [][]float64{{0, 0}, {1, 1}, {2, 0}}
	w := []float64{0.5, 0.5}
	mu := [][]float64{{0, 0}, {2, 0}}
	I := [][]float64{{1, 0}, {0, 1}}
	cov := [][][]float64{I, I}
	for _, tc := range []struct {
		name    string
		X       [][]float64
		w       []float64
		mu      [][]float64
		cov     [][][]float64
		covType string
	}{
		{"no samples", nil, w, mu, cov, CovarianceFull},
		{"no components", X, nil, nil, nil, CovarianceFull},
		{"unknown type", X, w, mu, cov, "tied"},
		{"ragged samples", [][]float64{{0, 0}, {1}}, w, mu, cov, CovarianceFull},
		{"NaN sample", [][]float64{{0, math.NaN()}}, w, mu, cov, CovarianceFull},
		{"weights not summing to 1", X, []float64{0.5, 0.6}, mu, cov, CovarianceFull},
		{"zero weight", X, []float64{1, 0}, mu, cov, CovarianceFull},
		{"missing mean", X, w, mu[:1], cov, CovarianceFull},
		{"mean of wrong dimension", X, w, [][]float64{{0}, {1}}, cov, CovarianceFull},
		{"not positive definite", X, w, mu, [][][]float64{I, {{1, 2}, {2, 1}}}, CovarianceFull},
		{"not symmetric", X, w, mu, [][][]float64{I, {{1, 0.1}, {0, 1}}}, CovarianceFull},
		{"diag with correlation", X, w, mu, [][][]float64{I, {{1, 0.1}, {0.1, 1}}}, CovarianceDiag},
		{"spherical with unequal variances", X, w, mu, [][][]float64{I, {{1, 0}, {0, 2}}}, CovarianceSpherical},
	} {
		_, err := NewGaussianMixture(tc.X, tc.w, tc.mu, tc.cov, tc.covType)
		if !errors.Is(err, ErrInput) {
			t.Errorf("%s: error %v, want one wrapping ErrMixtureInput", tc.name, err)
		}
	}
	if _, _, _, err := EstimateGaussianParameters(X, [][]float64{{1, 0}, {0, 1}}, CovarianceFull); !errors.Is(err, ErrInput) {
		t.Errorf("too few responsibility rows: %v", err)
	}
	if _, _, _, err := EstimateGaussianParameters(X, [][]float64{{1, 0}, {0, 1}, {-1, 2}}, CovarianceFull); !errors.Is(err, ErrInput) {
		t.Errorf("negative responsibility: %v", err)
	}
	mltest.MustPanic(t, "HardResponsibilities out of range", func() { HardResponsibilities([]int{0, 2}, 2) })
	mltest.MustPanic(t, "RandomResponsibilities k = 0", func() { RandomResponsibilities(mltest.NewRand(1), 3, 0) })
	mltest.MustPanic(t, "SampleGaussianMixture singular", func() {
		SampleGaussianMixture(mltest.NewRand(1), 3, [][]float64{{0, 0}}, [][][]float64{{{1, 1}, {1, 1}}})
	})
	gm, _ := NewGaussianMixture(X, w, mu, cov, CovarianceFull)
	mltest.MustPanic(t, "SetTolerance < 0", func() { gm.SetTolerance(-1) })
	mltest.MustPanic(t, "LogDensity wrong dimension", func() { gm.LogDensity([]float64{1}) })
}

// Repeated points: a component on a single point keeps the 1e-6 floor and
// the run goes on (scikit-learn's reg_covar).
func TestGaussianMixtureDegenerate(t *testing.T) {
	X := [][]float64{{1, 1}, {1, 1}, {1, 1}, {5, 5}, {5, 6}, {6, 5}}
	resp := HardResponsibilities([]int{0, 0, 0, 1, 1, 1}, 2)
	w, mu, cov, err := EstimateGaussianParameters(X, resp, CovarianceFull)
	if err != nil {
		t.Fatal(err)
	}
	checkMat(t, "covariance 0", cov[0], [][]float64{{1e-6, 0}, {0, 1e-6}})
	gm, err := NewGaussianMixture(X, w, mu, cov, CovarianceFull)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		gm.Step()
		if err := gm.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if ll := gm.MeanLogLikelihood(); math.IsNaN(ll) || math.IsInf(ll, 0) {
		t.Errorf("ℓ = %v", ll)
	}
}

// One E-step and one M-step: 300 samples, 2-D, k = 3, full covariances.
func BenchmarkGaussianMixtureStep(b *testing.B) {
	X, _ := dataset.Blobs(mltest.NewRand(1), 300, [][]float64{{0, 0}, {5, 5}, {-5, 5}}, 1.5) // as cluster's benchmarks
	w, mu, cov, err := EstimateGaussianParameters(X, RandomResponsibilities(mltest.NewRand(1), len(X), 3), CovarianceFull)
	if err != nil {
		b.Fatal(err)
	}
	gm, err := NewGaussianMixture(X, w, mu, cov, CovarianceFull)
	if err != nil {
		b.Fatal(err)
	}
	gm.SetTolerance(0)
	b.ReportAllocs()
	for b.Loop() {
		gm.Step()
		gm.Step()
	}
}

// TestFailedMStepEndsTheRun: samples on a line, 2⁴⁰ apart, give a
// covariance of about 2⁸⁰·[[1 1] [1 1]] beside which the 10⁻⁶ added to the
// diagonal is lost, so the M-step's covariance is singular. The run ends
// with the error and the parameters of before the M-step.
func TestFailedMStepEndsTheRun(t *testing.T) {
	const a = 0x1p40
	X := [][]float64{{-a, -a}, {a, a}, {-a, -a}, {a, a}}
	gm, err := NewGaussianMixture(X, []float64{1}, [][]float64{{0, 0}}, [][][]float64{{{1, 0}, {0, 1}}}, CovarianceFull)
	if err != nil {
		t.Fatal(err)
	}
	gm.Step() // E
	if gm.Done() || gm.Err() != nil {
		t.Fatalf("after the E-step: Done %v, Err %v", gm.Done(), gm.Err())
	}
	gm.Step() // M
	if gm.Err() == nil || !gm.Done() {
		t.Fatalf("after the M-step: Err %v, Done %v; want an error and Done", gm.Err(), gm.Done())
	}
	if got := gm.Covariances()[0]; got[0][0] != 1 || got[0][1] != 0 || got[1][1] != 1 {
		t.Errorf("covariance %v, want the initial identity kept", got)
	}
	if gm.Phase() != PhaseExpectation || gm.Iteration() != 0 {
		t.Errorf("phase %q, iteration %d; want %q, 0", gm.Phase(), gm.Iteration(), PhaseExpectation)
	}
	gm.Step()
	if gm.Phase() != PhaseExpectation {
		t.Error("Step after Done changed the phase")
	}
}
