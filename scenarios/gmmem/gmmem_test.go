package gmmem

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a gmm-em frame.
type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Weights           []float64     `json:"weights"`
		Means             [][]float64   `json:"means"`
		Covariances       [][][]float64 `json:"covariances"`
		Phase             string        `json:"phase"`
		Iteration         int           `json:"iteration"`
		Converged         bool          `json:"converged"`
		KMeansCentroids   [][]float64   `json:"kmeans_centroids"`
		KMeansAssignments []int         `json:"kmeans_assignments"`
	} `json:"state"`
	Note string `json:"note"`
}

// samples reads data.csv's x1, x2 columns.
func samples(t testing.TB, r *lab.Run) [][]float64 {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if rows[0][0] != "x1" || rows[0][1] != "x2" {
		t.Fatalf("data.csv header %v", rows[0])
	}
	X := make([][]float64, len(rows)-1)
	for i, row := range rows[1:] {
		x1, err1 := strconv.ParseFloat(row[0], 64)
		x2, err2 := strconv.ParseFloat(row[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("data.csv row %d: %v", i+1, row)
		}
		X[i] = []float64{x1, x2}
	}
	return X
}

// The reference below recomputes EM from data.csv in the plainest way, with
// 2×2 inverses and determinants in closed form (the ml package uses
// Cholesky factors): a check independent of the code under test.

// logJoint returns log π_k + log N(x | μ_k, Σ_k) for every component.
func logJoint(x []float64, w []float64, mu [][]float64, cov [][][]float64) []float64 {
	out := make([]float64, len(w))
	for k := range w {
		a, b, d := cov[k][0][0], cov[k][0][1], cov[k][1][1]
		det := a*d - b*b
		u, v := x[0]-mu[k][0], x[1]-mu[k][1]
		maha := (d*u*u - 2*b*u*v + a*v*v) / det
		out[k] = math.Log(w[k]) - math.Log(2*math.Pi) - 0.5*math.Log(det) - 0.5*maha
	}
	return out
}

// eStep returns the responsibilities and the mean log-likelihood.
func eStep(X [][]float64, w []float64, mu [][]float64, cov [][][]float64) ([][]float64, float64) {
	resp := make([][]float64, len(X))
	var ll float64
	for i, x := range X {
		lj := logJoint(x, w, mu, cov)
		m := math.Inf(-1)
		for _, v := range lj {
			m = math.Max(m, v)
		}
		var s float64
		for _, v := range lj {
			s += math.Exp(v - m)
		}
		lse := m + math.Log(s)
		ll += lse
		resp[i] = make([]float64, len(w))
		for k, v := range lj {
			resp[i][k] = math.Exp(v - lse)
		}
	}
	return resp, ll / float64(len(X))
}

// mStep re-estimates the parameters as scikit-learn does (N_k + 10ε, the
// covariance type's structure, 1e-6 on the diagonal).
func mStep(X, resp [][]float64, covType string) ([]float64, [][]float64, [][][]float64) {
	k := len(resp[0])
	w := make([]float64, k)
	mu := make([][]float64, k)
	cov := make([][][]float64, k)
	for j := range k {
		nk := 10 * 2.220446049250313e-16
		var sx, sy float64
		for i, x := range X {
			nk += resp[i][j]
			sx += resp[i][j] * x[0]
			sy += resp[i][j] * x[1]
		}
		w[j] = nk / float64(len(X))
		mu[j] = []float64{sx / nk, sy / nk}
		var cxx, cxy, cyy float64
		for i, x := range X {
			u, v := x[0]-mu[j][0], x[1]-mu[j][1]
			cxx += resp[i][j] * u * u
			cxy += resp[i][j] * u * v
			cyy += resp[i][j] * v * v
		}
		cxx, cxy, cyy = cxx/nk, cxy/nk, cyy/nk
		switch covType {
		case "diag":
			cxy = 0
		case "spherical":
			cxx, cxy, cyy = (cxx+cyy)/2, 0, (cxx+cyy)/2
		}
		cov[j] = [][]float64{{cxx + 1e-6, cxy}, {cxy, cyy + 1e-6}}
	}
	return w, mu, cov
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkParams(t *testing.T, where string, f frame, w []float64, mu [][]float64, cov [][][]float64, tol float64) {
	t.Helper()
	for k := range w {
		ok := near(f.State.Weights[k], w[k], tol) && near(f.State.Means[k][0], mu[k][0], tol) && near(f.State.Means[k][1], mu[k][1], tol)
		for a := range 2 {
			for b := range 2 {
				ok = ok && near(f.State.Covariances[k][a][b], cov[k][a][b], tol)
			}
		}
		if !ok {
			t.Fatalf("%s: component %d is (%v, %v, %v), want (%v, %v, %v)", where, k,
				f.State.Weights[k], f.State.Means[k], f.State.Covariances[k], w[k], mu[k], cov[k])
		}
	}
}

// checkShapes checks the state's shapes and that every covariance is a
// symmetric positive definite 2×2 matrix with its type's structure.
func checkShapes(t *testing.T, where string, f frame, n, k int, covType string) {
	t.Helper()
	s := f.State
	if len(s.Weights) != k || len(s.Means) != k || len(s.Covariances) != k || len(s.KMeansCentroids) != k || len(s.KMeansAssignments) != n {
		t.Fatalf("%s: %d weights, %d means, %d covariances, %d K-means centroids, %d K-means assignments; want k = %d, n = %d",
			where, len(s.Weights), len(s.Means), len(s.Covariances), len(s.KMeansCentroids), len(s.KMeansAssignments), k, n)
	}
	var sum float64
	for _, w := range s.Weights {
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("%s: weights sum to %v", where, sum)
	}
	for j, c := range s.Covariances {
		if len(c) != 2 || len(c[0]) != 2 || len(c[1]) != 2 || c[0][1] != c[1][0] || c[0][0] <= 0 || c[0][0]*c[1][1]-c[0][1]*c[1][0] <= 0 {
			t.Fatalf("%s: covariance %d = %v is not a symmetric positive definite 2×2 matrix", where, j, c)
		}
		if covType != "full" && c[0][1] != 0 || covType == "spherical" && c[0][0] != c[1][1] {
			t.Fatalf("%s: covariance %d = %v is not %s", where, j, c, covType)
		}
	}
}

// TestFrameContract recomputes every E-step and M-step from data.csv and the
// previous frame's parameters with an independent 2×2 implementation:
// parameters to 1e-9 relative (both sides sum the same terms in another
// order) and the mean log-likelihood to 1e-9. It also checks the phase
// sequence init, e, m,
// e, …, that the log-likelihood never falls, and the K-means comparison
// (every sample nearest its centroid, every centroid its cluster's mean).
func TestFrameContract(t *testing.T) {
	for _, query := range []string{
		"",
		"covariance=diag",
		"covariance=spherical&init=random",
		"dataset=aniso&init=random&seed=3",
		"dataset=iris&k=2&covariance=diag",
		"dataset=moons&k=4&n=90&seed=5",
		"n=60&points=0.5:0.5,2:-3,8:8",
		"dataset=custom&k=2&points=0:0,1:0.5,0.2:1,4:4,5:4.5,4.5:5.5",
	} {
		r := scenariotest.NewRun(t, sc, query)
		covType := covarianceParam.Get(r.Values)
		X := samples(t, r)
		f := scenariotest.Decode[frame](t, r, false)
		k := len(f.State.Weights)
		if f.Step != 0 || f.State.Phase != "init" || f.State.Iteration != 0 {
			t.Fatalf("%q: step 0 = step %d phase %q iteration %d", query, f.Step, f.State.Phase, f.State.Iteration)
		}
		checkShapes(t, query+" step 0", f, len(X), k, covType)
		checkKMeans(t, query, X, f)
		if initParam.Text(r.Values) == "kmeans" {
			// Step 0 holds what one M-step makes of the K-means clusters
			// taken as one-hot responsibilities.
			hard := make([][]float64, len(X))
			for i, a := range f.State.KMeansAssignments {
				hard[i] = make([]float64, k)
				hard[i][a] = 1
			}
			w0, mu0, cov0 := mStep(X, hard, covType)
			checkParams(t, query+" step 0", f, w0, mu0, cov0, 1e-9)
		}
		_, ll0 := eStep(X, f.State.Weights, f.State.Means, f.State.Covariances)
		if !near(f.Metrics["log_likelihood"], ll0, 1e-9) {
			t.Fatalf("%q step 0: log-likelihood %v, want %v", query, f.Metrics["log_likelihood"], ll0)
		}

		prev := f
		for !f.Done {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			where := query + " step " + strconv.Itoa(f.Step)
			checkShapes(t, where, f, len(X), k, covType)
			want := map[string]string{"init": "e", "e": "m", "m": "e"}[prev.State.Phase]
			if f.State.Phase != want {
				t.Fatalf("%s: phase %q after %q", where, f.State.Phase, prev.State.Phase)
			}
			ps := prev.State
			switch f.State.Phase {
			case "e":
				checkParams(t, where, f, ps.Weights, ps.Means, ps.Covariances, 0)
				_, ll := eStep(X, ps.Weights, ps.Means, ps.Covariances)
				if f.Metrics["log_likelihood"] != prev.Metrics["log_likelihood"] || !near(f.Metrics["log_likelihood"], ll, 1e-9) {
					t.Fatalf("%s: log-likelihood %v, want unchanged %v (recomputed %v)", where, f.Metrics["log_likelihood"], prev.Metrics["log_likelihood"], ll)
				}
				if f.State.Iteration != ps.Iteration {
					t.Fatalf("%s: iteration %d after an E-step from %d", where, f.State.Iteration, ps.Iteration)
				}
			case "m":
				resp, _ := eStep(X, ps.Weights, ps.Means, ps.Covariances)
				w, mu, cov := mStep(X, resp, covType)
				checkParams(t, where, f, w, mu, cov, 1e-9)
				_, ll := eStep(X, w, mu, cov)
				if !near(f.Metrics["log_likelihood"], ll, 1e-9) {
					t.Fatalf("%s: log-likelihood %v, want %v", where, f.Metrics["log_likelihood"], ll)
				}
				if f.Metrics["log_likelihood"] < prev.Metrics["log_likelihood"]-1e-12*math.Abs(ll) {
					t.Fatalf("%s: log-likelihood fell from %v to %v", where, prev.Metrics["log_likelihood"], f.Metrics["log_likelihood"])
				}
				if f.State.Iteration != ps.Iteration+1 {
					t.Fatalf("%s: iteration %d after an M-step from %d", where, f.State.Iteration, ps.Iteration)
				}
				if conv := math.Abs(f.Metrics["log_likelihood"]-prev.Metrics["log_likelihood"]) < 1e-6; conv != f.State.Converged || conv != f.Done {
					t.Fatalf("%s: change %g, converged %v, done %v", where, f.Metrics["log_likelihood"]-prev.Metrics["log_likelihood"], f.State.Converged, f.Done)
				}
			}
			prev = f
		}
		if !strings.HasPrefix(f.Note, "Converged") || f.State.Phase != "m" || f.Step >= sc.MaxSteps {
			t.Errorf("%q: ended at step %d in phase %q with note %q", query, f.Step, f.State.Phase, f.Note)
		}
	}
}

// checkKMeans: the comparison is converged K-means on the same data.
func checkKMeans(t *testing.T, query string, X [][]float64, f frame) {
	t.Helper()
	c := f.State.KMeansCentroids
	sum := make([][2]float64, len(c))
	cnt := make([]float64, len(c))
	for i, x := range X {
		best, bestD := -1, math.Inf(1)
		for j, cj := range c {
			if d := (x[0]-cj[0])*(x[0]-cj[0]) + (x[1]-cj[1])*(x[1]-cj[1]); d < bestD {
				best, bestD = j, d
			}
		}
		a := f.State.KMeansAssignments[i]
		if a != best {
			t.Fatalf("%q: K-means sample %d in cluster %d, nearest centroid %d", query, i, a, best)
		}
		sum[a][0] += x[0]
		sum[a][1] += x[1]
		cnt[a]++
	}
	for j, cj := range c {
		if cnt[j] > 0 && (!near(cj[0], sum[j][0]/cnt[j], 1e-12) || !near(cj[1], sum[j][1]/cnt[j], 1e-12)) {
			t.Fatalf("%q: K-means centroid %d = %v, cluster mean (%v, %v)", query, j, cj, sum[j][0]/cnt[j], sum[j][1]/cnt[j])
		}
	}
}

// On the default data the mixture must end with a higher likelihood than the
// K-means start and recover the three generating clusters better than
// K-means does: the point of the default data set.
func TestDefaultShowsMixtureAdvantage(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	rows, _ := r.Data()
	start := scenariotest.Decode[frame](t, r, false)
	if err := r.Advance(sc.MaxSteps); err != nil {
		t.Fatal(err)
	}
	f := scenariotest.Decode[frame](t, r, false)
	if f.Metrics["log_likelihood"] <= start.Metrics["log_likelihood"]+0.1 {
		t.Errorf("log-likelihood rose only from %v to %v", start.Metrics["log_likelihood"], f.Metrics["log_likelihood"])
	}
	// Agreement with the true labels, each cluster matched to the label most
	// of its samples carry.
	agree := func(assign func(i int) int) float64 {
		count := map[[2]int]int{}
		for i, row := range rows[1:] {
			l, _ := strconv.Atoi(row[2])
			count[[2]int{assign(i), l}]++
		}
		best := map[int]int{}
		for key, c := range count {
			best[key[0]] = max(best[key[0]], c)
		}
		total := 0
		for _, c := range best {
			total += c
		}
		return float64(total) / float64(len(rows)-1)
	}
	X := samples(t, r)
	resp, _ := eStep(X, f.State.Weights, f.State.Means, f.State.Covariances)
	gmm := agree(func(i int) int {
		row := resp[i]
		b := 0
		for j := range row {
			if row[j] > row[b] {
				b = j
			}
		}
		return b
	})
	km := agree(func(i int) int { return f.State.KMeansAssignments[i] })
	t.Logf("agreement with the true clusters: mixture %.3f, K-means %.3f", gmm, km)
	if gmm < 0.95 || gmm <= km+0.03 {
		t.Errorf("mixture agrees with the true clusters on %.3f of samples, K-means on %.3f", gmm, km)
	}
}

func TestUserPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "n=30&points=1.5:-2.25,0:0")
	X := samples(t, r)
	if len(X) != 32 || X[30][0] != 1.5 || X[30][1] != -2.25 || X[31][0] != 0 {
		t.Errorf("data.csv rows %v: want 30 generated then the 2 points", X)
	}
	rows, _ := r.Data()
	if rows[0][2] != "label" || rows[31][2] != "" || rows[1][2] != "0" {
		t.Errorf("label column: header %v, first %v, user point %v", rows[0], rows[1], rows[31])
	}
	// Custom data with fewer points than K waits for clicks instead of failing.
	r = scenariotest.NewRun(t, sc, "dataset=custom&k=3&points=1:1")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "at least 3 samples") || len(f.State.Weights) != 0 {
		t.Errorf("custom with 1 point: %+v", f)
	}
	for _, panel := range []string{"mixture", "loglik", "kmeans"} {
		if _, _, err := r.SVG(panel); err != nil {
			t.Errorf("custom with 1 point: panel %s: %v", panel, err)
		}
	}
	if err := r.Step(); err != nil || scenariotest.Decode[frame](t, r, false).Step != 0 {
		t.Errorf("custom with 1 point: Step moved or failed: %v", err)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "k=9", "k=0", "init=kmeans++", "covariance=tied", "dataset=uniform", "n=20", "n=5000", "points=1:2:3", "seed=-1", "sigma=2")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&init=random", 6)
	c := scenariotest.NewRun(t, sc, "seed=4&init=random")
	scenariotest.SeedsDiffer(t, a, c)
}

// The default frame must stay small enough to stream several times a second:
// every frame of the default run, and step 3 of a few others.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "n=600", "dataset=iris", "dataset=aniso", "init=random&k=8", "dataset=moons"} {
		r := scenariotest.NewRun(t, sc, q)
		biggest := 0
		for !r.Done() && (q == "" || r.StepNumber() < 3) {
			r.Step()
			b, err := r.JSON(true)
			if err != nil {
				t.Fatal(err)
			}
			biggest = max(biggest, len(b))
		}
		limit := 32 << 10
		switch q {
		case "n=600":
			limit = 112 << 10 // four times the default sample count
		case "init=random&k=8":
			limit = 48 << 10 // 16 ellipses and many shades of blended colour
		}
		t.Logf("%q: largest frame %d bytes", q, biggest)
		if biggest > limit {
			t.Errorf("%q: a frame is %d bytes, budget %d", q, biggest, limit)
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "covariance=spherical&init=random")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }
