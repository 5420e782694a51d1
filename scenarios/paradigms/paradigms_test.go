package paradigms

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a learning-paradigms frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	Plots   map[string]string   `json:"plots"`
	State   struct {
		Paradigm   string         `json:"paradigm"`
		View       string         `json:"view"`
		Classes    int            `json:"classes"`
		SplitSizes map[string]int `json:"split_sizes"`
		Supervised struct {
			Lambda     float64 `json:"lambda"`
			Candidates []struct {
				Degree        int         `json:"degree"`
				Weights       [][]float64 `json:"weights"`
				Intercepts    []float64   `json:"intercepts"`
				TrainLoss     float64     `json:"train_loss"`
				TrainAccuracy float64     `json:"train_accuracy"`
				ValAccuracy   float64     `json:"val_accuracy"`
			} `json:"candidates"`
			ChosenDegree *int     `json:"chosen_degree"`
			TestAccuracy *float64 `json:"test_accuracy"`
		} `json:"supervised"`
		Unsupervised struct {
			K           int           `json:"k"`
			Iteration   int           `json:"iteration"`
			Weights     []float64     `json:"weights"`
			Means       [][]float64   `json:"means"`
			Covariances [][][]float64 `json:"covariances"`
			LogLikTrain float64       `json:"loglik_train"`
			LogLikVal   float64       `json:"loglik_val"`
			LogLikTest  *float64      `json:"loglik_test"`
		} `json:"unsupervised"`
		Reinforcement struct {
			Rows     int         `json:"rows"`
			Cols     int         `json:"cols"`
			Box      [4]float64  `json:"box"`
			Start    int         `json:"start"`
			Goals    []int       `json:"goals"`
			Rewards  []float64   `json:"rewards"`
			Terminal []bool      `json:"terminal"`
			Gamma    float64     `json:"gamma"`
			Episode  int         `json:"episode"`
			Q        [][]float64 `json:"q"`
			VStar    []float64   `json:"v_star"`
		} `json:"reinforcement"`
	} `json:"state"`
}

// sample is a row of data.csv.
type sample struct {
	x     [2]float64
	label int
	split string
}

func samples(t *testing.T, r *lab.Run) []sample {
	t.Helper()
	rows, d := scenariotest.LabelledRows(t, r)
	if d != 2 {
		t.Fatalf("data.csv has %d features, want 2", d)
	}
	var out []sample
	for _, row := range rows[1:] {
		var s sample
		var err error
		for j := range 2 {
			if s.x[j], err = strconv.ParseFloat(row[j], 64); err != nil {
				t.Fatal(err)
			}
		}
		if s.label, err = strconv.Atoi(row[2]); err != nil {
			t.Fatal(err)
		}
		s.split = row[3]
		out = append(out, s)
	}
	return out
}

// advance steps r until cond holds on its frame, and returns that frame.
func advance(t *testing.T, r *lab.Run, cond func(f frame) bool) frame {
	t.Helper()
	for {
		f := scenariotest.Decode[frame](t, r, false)
		if cond(f) {
			return f
		}
		if r.Done() {
			t.Fatalf("the run ended at step %d before the condition held", r.StepNumber())
		}
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSplit: 150 points, 90/30/30 by data.csv's split column and the
// state; the split is a function of the seed.
func TestSplit(t *testing.T) {
	splits := map[string]string{}
	for _, q := range []string{"", "seed=2", "dataset=blobs", "dataset=overlap&paradigm=reinforcement"} {
		r := scenariotest.NewRun(t, sc, q)
		f := scenariotest.Decode[frame](t, r, false)
		count := map[string]int{}
		var b strings.Builder
		for _, s := range samples(t, r) {
			count[s.split]++
			b.WriteString(s.split[:2])
		}
		want := map[string]int{"train": nTrain, "val": nVal, "test": nSamples - nTrain - nVal}
		for k, n := range want {
			if count[k] != n || f.State.SplitSizes[k] != n {
				t.Errorf("%q: %s has %d rows in data.csv, %d in the state; want %d", q, k, count[k], f.State.SplitSizes[k], n)
			}
		}
		if len(count) != 3 {
			t.Errorf("%q: splits %v", q, count)
		}
		splits[q] = b.String()
	}
	if splits[""] == splits["seed=2"] {
		t.Errorf("seeds 1 and 2 split the points the same way")
	}
}

// monomials are the features of degree 1..p, written out here apart from
// package linear: x₁^(t−j)·x₂^j for t = 1..p, j = 0..t.
func monomials(x [2]float64, p int) []float64 {
	var out []float64
	for t := 1; t <= p; t++ {
		for j := 0; j <= t; j++ {
			out = append(out, math.Pow(x[0], float64(t-j))*math.Pow(x[1], float64(j)))
		}
	}
	return out
}

// TestSupervisedFromExport recomputes every candidate's standardisation
// from the training rows of data.csv, its predictions from the exported
// weights, and its train/val accuracies; then the choice on val and the
// test accuracy, which stays unset until the choice is made.
func TestSupervisedFromExport(t *testing.T) {
	for _, q := range []string{"", "dataset=overlap&seed=5", "dataset=blobs", "dataset=moons&seed=2&paradigm=supervised"} {
		r := scenariotest.NewRun(t, sc, q)
		data := samples(t, r)
		var f frame
		for step := 1; ; step++ {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			sup := f.State.Supervised
			if sup.ChosenDegree != nil {
				break
			}
			if sup.TestAccuracy != nil || !math.IsNaN(nan(f.Metrics["test_accuracy"])) {
				t.Fatalf("%q step %d: test accuracy shown before the choice", q, step)
			}
			if len(sup.Candidates) != step || sup.Candidates[step-1].Degree != step {
				t.Fatalf("%q step %d: %d candidates", q, step, len(sup.Candidates))
			}
		}
		sup := f.State.Supervised
		if len(sup.Candidates) != maxDegree || f.Step != maxDegree+1 {
			t.Fatalf("%q: chosen at step %d with %d candidates", q, f.Step, len(sup.Candidates))
		}
		best := 0
		var testAcc float64
		for k, c := range sup.Candidates {
			// Descent from W = 0, where J = log K, went down.
			if !(c.TrainLoss < math.Log(float64(f.State.Classes))) {
				t.Errorf("%q degree %d: training loss %g, not below log K = %g", q, c.Degree, c.TrainLoss, math.Log(float64(f.State.Classes)))
			}
			right, total := map[string]float64{}, map[string]float64{}
			for _, s := range data {
				phi := monomials(s.x, c.Degree)
				pred := 0
				if len(c.Weights) == 1 { // two classes: w·φ + b > 0 says class 1
					if dot(c.Weights[0], phi)+c.Intercepts[0] > 0 {
						pred = 1
					}
				} else {
					bestZ := math.Inf(-1)
					for k, w := range c.Weights {
						if z := dot(w, phi) + c.Intercepts[k]; z > bestZ {
							pred, bestZ = k, z
						}
					}
				}
				total[s.split]++
				if pred == s.label {
					right[s.split]++
				}
			}
			if got := right["train"] / total["train"]; got != c.TrainAccuracy {
				t.Errorf("%q degree %d: train accuracy %g, the exported weights give %g", q, c.Degree, c.TrainAccuracy, got)
			}
			if got := right["val"] / total["val"]; got != c.ValAccuracy {
				t.Errorf("%q degree %d: val accuracy %g, the exported weights give %g", q, c.Degree, c.ValAccuracy, got)
			}
			if c.ValAccuracy > sup.Candidates[best].ValAccuracy {
				best = k
			}
			if k == best {
				testAcc = right["test"] / total["test"]
			}
		}
		if *sup.ChosenDegree != sup.Candidates[best].Degree {
			t.Errorf("%q: chose degree %d, val's best (ties to the lower) is %d", q, *sup.ChosenDegree, sup.Candidates[best].Degree)
		}
		if sup.TestAccuracy == nil || *sup.TestAccuracy != testAcc || *f.Metrics["test_accuracy"] != testAcc {
			t.Errorf("%q: test accuracy %v, the chosen weights give %g", q, sup.TestAccuracy, testAcc)
		}
		if !strings.Contains(f.Note, "opened, once") || !strings.Contains(f.Note, pct(testAcc)) {
			t.Errorf("%q: the note at the choice does not report the test opened once: %s", q, f.Note)
		}
	}
}

func nan(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// logMixture is log Σ_k π_k N(x | μ_k, Σ_k) for 2×2 covariances, by the
// closed-form inverse and determinant.
func logMixture(x [2]float64, w []float64, mu [][]float64, cov [][][]float64) float64 {
	p := 0.0
	for k := range w {
		a, b, c, d := cov[k][0][0], cov[k][0][1], cov[k][1][0], cov[k][1][1]
		det := a*d - b*c
		dx, dy := x[0]-mu[k][0], x[1]-mu[k][1]
		maha := (d*dx*dx - (b+c)*dx*dy + a*dy*dy) / det
		p += w[k] * math.Exp(-maha/2) / (2 * math.Pi * math.Sqrt(det))
	}
	return math.Log(p)
}

// TestUnsupervisedFromExport recomputes the log-likelihood per point of
// each split from the exported mixture at every EM step; train's never
// falls; test's is reported once, after EM has finished.
func TestUnsupervisedFromExport(t *testing.T) {
	for _, q := range []string{"paradigm=unsupervised", "paradigm=unsupervised&dataset=moons&seed=3", "dataset=overlap"} {
		r := scenariotest.NewRun(t, sc, q)
		data := samples(t, r)
		f := advance(t, r, func(f frame) bool { return f.State.View == "unsupervised" && f.State.Unsupervised.Iteration > 0 })
		prev := math.Inf(-1)
		for {
			u := f.State.Unsupervised
			if len(u.Weights) != f.State.Classes || u.K != f.State.Classes {
				t.Fatalf("%q: %d components for %d classes", q, len(u.Weights), f.State.Classes)
			}
			sum, n := map[string]float64{}, map[string]float64{}
			for _, s := range data {
				sum[s.split] += logMixture(s.x, u.Weights, u.Means, u.Covariances)
				n[s.split]++
			}
			where := fmt.Sprintf("%q step %d", q, f.Step)
			for _, c := range []struct {
				split string
				got   float64
			}{{"train", u.LogLikTrain}, {"val", u.LogLikVal}} {
				if want := sum[c.split] / n[c.split]; math.Abs(c.got-want) > 1e-9 {
					t.Errorf("%s: %s log-likelihood %.12g, the exported mixture gives %.12g", where, c.split, c.got, want)
				}
			}
			if u.LogLikTrain < prev-1e-12 {
				t.Errorf("%s: train log-likelihood fell from %g to %g", where, prev, u.LogLikTrain)
			}
			prev = u.LogLikTrain
			if u.LogLikTest != nil {
				if want := sum["test"] / n["test"]; math.Abs(*u.LogLikTest-want) > 1e-9 {
					t.Errorf("%s: test log-likelihood %g, the exported mixture gives %g", where, *u.LogLikTest, want)
				}
				if !strings.Contains(f.Note, "Test opened once") {
					t.Errorf("%s: the note does not say test was opened once: %s", where, f.Note)
				}
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			g := scenariotest.Decode[frame](t, r, false)
			if g.State.Unsupervised.LogLikTest == nil && g.State.Unsupervised.Iteration != u.Iteration+1 {
				t.Fatalf("%s: EM went from iteration %d to %d in one step", where, u.Iteration, g.State.Unsupervised.Iteration)
			}
			f = g
		}
	}
}

// TestReinforcementGrid: the goals are the cells that hold the mixture's
// final means, S is the cell farthest from them, only goals pay, and
// value iteration's V* is γ^(k−1) at k moves from the nearest goal (no
// walls); Q-learning's values stay within [0, V*] and the greedy path
// from S reaches a goal by the end.
func TestReinforcementGrid(t *testing.T) {
	for _, q := range []string{"", "paradigm=reinforcement&dataset=blobs", "paradigm=reinforcement&dataset=overlap&seed=9"} {
		r := scenariotest.NewRun(t, sc, q)
		for !r.Done() {
			r.Step()
		}
		f := scenariotest.Decode[frame](t, r, false)
		rs, u := f.State.Reinforcement, f.State.Unsupervised
		cell := func(x, y float64) int {
			c := int((x - rs.Box[0]) / (rs.Box[1] - rs.Box[0]) * float64(rs.Cols))
			row := int((rs.Box[3] - y) / (rs.Box[3] - rs.Box[2]) * float64(rs.Rows))
			return min(max(row, 0), rs.Rows-1)*rs.Cols + min(max(c, 0), rs.Cols-1)
		}
		goal := map[int]bool{}
		for _, mu := range u.Means {
			goal[cell(mu[0], mu[1])] = true
		}
		if len(goal) != len(rs.Goals) {
			t.Fatalf("%q: goals %v, the means fall in %v", q, rs.Goals, goal)
		}
		dist := func(s int) int {
			d := math.MaxInt
			for g := range goal {
				d = min(d, absInt(s/rs.Cols-g/rs.Cols)+absInt(s%rs.Cols-g%rs.Cols))
			}
			return d
		}
		for s := range rs.Rows * rs.Cols {
			if (goal[s] && rs.Rewards[s] != 1) || (!goal[s] && rs.Rewards[s] != 0) || goal[s] != slices.Contains(rs.Goals, s) {
				t.Fatalf("%q cell %d: goal %v, reward %g, goals %v", q, s, goal[s], rs.Rewards[s], rs.Goals)
			}
			if !goal[s] {
				if dist(s) > dist(rs.Start) {
					t.Errorf("%q: cell %d is farther from the goals than S (%d)", q, s, rs.Start)
				}
				if want := math.Pow(rs.Gamma, float64(dist(s)-1)); math.Abs(rs.VStar[s]-want) > 1e-9 {
					t.Errorf("%q cell %d: V* %g, want γ^%d = %g", q, s, rs.VStar[s], dist(s)-1, want)
				}
				for _, v := range rs.Q[s] {
					if v < 0 || v > rs.VStar[s]+1e-12 {
						t.Errorf("%q cell %d: Q %v outside [0, V* = %g]", q, s, rs.Q[s], rs.VStar[s])
						break
					}
				}
			}
		}
		if rs.Episode != episodes || !f.Done {
			t.Errorf("%q: ended after %d episodes, done %v", q, rs.Episode, f.Done)
		}
		// Follow the greedy moves from S: they reach a goal.
		s := rs.Start
		for range rs.Rows * rs.Cols {
			if goal[s] {
				break
			}
			a := 0
			for k, v := range rs.Q[s] {
				if v > rs.Q[s][a] {
					a = k
				}
			}
			r, c := s/rs.Cols+[]int{-1, 0, 1, 0}[a], s%rs.Cols+[]int{0, 1, 0, -1}[a]
			if r >= 0 && r < rs.Rows && c >= 0 && c < rs.Cols {
				s = r*rs.Cols + c
			}
		}
		if !goal[s] {
			t.Errorf("%q: the greedy moves from S do not reach a goal", q)
		}
		if !strings.Contains(f.Note, "q-learning page") {
			t.Errorf("%q: the last note does not point to the q-learning page: %s", q, f.Note)
		}
	}
}

func absInt(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// TestViewsAndNotes: each paradigm runs its views in order, every note
// of a view names its T, E and P, and the first note states the golden
// rule.
func TestViewsAndNotes(t *testing.T) {
	for _, c := range []struct {
		query string
		views []string
	}{
		{"", []string{"supervised", "unsupervised", "reinforcement"}},
		{"paradigm=supervised", []string{"supervised"}},
		{"paradigm=unsupervised&dataset=moons", []string{"unsupervised"}},
		{"paradigm=reinforcement", []string{"reinforcement"}},
	} {
		r := scenariotest.NewRun(t, sc, c.query)
		f := scenariotest.Decode[frame](t, r, false)
		if c.views[0] != "reinforcement" && !strings.Contains(f.Note, "golden rule") {
			t.Errorf("%q: the first note does not state the golden rule: %s", c.query, f.Note)
		}
		var seen []string
		for {
			scenariotest.CheckNote(t, f.Note, c.query)
			if f.Step > 0 && (len(seen) == 0 || seen[len(seen)-1] != f.State.View) {
				seen = append(seen, f.State.View)
			}
			for _, tag := range []string{"[T: ", ". E: ", ". P: "} {
				if !strings.Contains(f.Note, tag) {
					t.Errorf("%q step %d: the note lacks %q: %s", c.query, f.Step, tag, f.Note)
				}
			}
			if r.Done() {
				break
			}
			if r.StepNumber() > maxSteps {
				t.Fatalf("%q: not done after %d steps", c.query, maxSteps)
			}
			r.Step()
			f = scenariotest.Decode[frame](t, r, false)
		}
		if strings.Join(seen, ",") != strings.Join(c.views, ",") {
			t.Errorf("%q: views %v, want %v", c.query, seen, c.views)
		}
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "dataset=mnist", "paradigm=semi", "seed=-1", "seed=x", "paradigm=")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "dataset=moons&seed=3", 12)
	c := scenariotest.NewRun(t, sc, "dataset=moons&seed=4")
	c.Advance(12)
	scenariotest.SeedsDiffer(t, a, c)
}

// The frame with every panel drawn stays within the budget at every step.
// Four panels, three of them maps of the data, make a full frame heavy;
// overlap's three classes and wider contours add about a kilobyte past
// 32 KB late in the run (34.1 KB at most for seeds 1 to 8), so it gets
// 36 KB. (The page is sent only the panels a step changed, one view's and
// the performance panel: well under half of this.)
func TestFrameSize(t *testing.T) {
	for _, c := range []struct {
		query string
		limit int
	}{{"", 32 << 10}, {"seed=7", 32 << 10}, {"dataset=blobs", 32 << 10}, {"dataset=overlap", 36 << 10}, {"dataset=overlap&seed=4", 36 << 10}} {
		r := scenariotest.NewRun(t, sc, c.query)
		for {
			scenariotest.FrameWithin(t, r, c.limit, fmt.Sprintf("%q", c.query))
			if r.Done() {
				break
			}
			r.Step()
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=blobs")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }

// TestLargestEigen: (1/n)Σ φ̃φ̃ᵀ of these four points with a 1 appended is
// diag(1/2, 2, 1), whose largest eigenvalue is 2; rotated features keep it.
func TestLargestEigen(t *testing.T) {
	phi := [][]float64{{1, 0}, {-1, 0}, {0, 2}, {0, -2}}
	if got := largestEigen(phi); math.Abs(got-2) > 1e-9 {
		t.Errorf("largest eigenvalue %g, want 2", got)
	}
	c, s := math.Cos(0.3), math.Sin(0.3)
	for _, f := range phi {
		f[0], f[1] = c*f[0]-s*f[1], s*f[0]+c*f[1]
	}
	if got := largestEigen(phi); math.Abs(got-2) > 1e-9 {
		t.Errorf("rotated: largest eigenvalue %g, want 2", got)
	}
}
