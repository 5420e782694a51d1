package naivebayes

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a naive-bayes frame; metrics are pointers
// because a value not yet known is null.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Phase              string      `json:"phase"`
		Classes            int         `json:"classes"`
		ClassCount         []int       `json:"class_count"`
		ClassPrior         []float64   `json:"class_prior"`
		Theta              [][]float64 `json:"theta"`
		Var                [][]float64 `json:"var"`
		Epsilon            float64     `json:"epsilon"`
		LogisticWeights    [][]float64 `json:"logistic_weights"`
		LogisticIntercepts []float64   `json:"logistic_intercepts"`
		LogisticEpochs     int         `json:"logistic_epochs"`
	} `json:"state"`
	Note string `json:"note"`
}

// sample is one row of data.csv.
type sample struct {
	x     []float64
	label int
	test  bool
}

// samples reads data.csv: x1..xd, label, split.
func samples(t testing.TB, r *lab.Run) []sample {
	t.Helper()
	rows, d := scenariotest.LabelledRows(t, r)
	out := make([]sample, len(rows)-1)
	for i, row := range rows[1:] {
		s := sample{x: make([]float64, d)}
		for j := range d {
			v, err := strconv.ParseFloat(row[j], 64)
			if err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			s.x[j] = v
		}
		s.label, _ = strconv.Atoi(row[d])
		switch row[d+1] {
		case "train":
		case "test":
			s.test = true
		default:
			t.Fatalf("row %d: split %q", i, row[d+1])
		}
		out[i] = s
	}
	return out
}

// textbook is naive Bayes computed from data.csv's training rows by the
// formulas of the explanation, independently of package ml.
type textbook struct {
	prior     []float64
	mean, vr  [][]float64 // population variance + ε
	epsilon   float64
	trainRows []sample
}

func fitTextbook(data []sample, classes int) textbook {
	var tb textbook
	for _, s := range data {
		if !s.test {
			tb.trainRows = append(tb.trainRows, s)
		}
	}
	d := len(data[0].x)
	n := float64(len(tb.trainRows))
	// ε = 1e-9 · the largest variance of a feature over all training rows.
	for j := range d {
		var sum, ss float64
		for _, s := range tb.trainRows {
			sum += s.x[j]
		}
		mu := sum / n
		for _, s := range tb.trainRows {
			ss += (s.x[j] - mu) * (s.x[j] - mu)
		}
		tb.epsilon = math.Max(tb.epsilon, ss/n)
	}
	tb.epsilon *= 1e-9
	for k := range classes {
		var rows []sample
		for _, s := range tb.trainRows {
			if s.label == k {
				rows = append(rows, s)
			}
		}
		nk := float64(len(rows))
		tb.prior = append(tb.prior, nk/n)
		mu, vr := make([]float64, d), make([]float64, d)
		for j := range d {
			for _, s := range rows {
				mu[j] += s.x[j]
			}
			mu[j] /= nk
			for _, s := range rows {
				vr[j] += (s.x[j] - mu[j]) * (s.x[j] - mu[j])
			}
			vr[j] = vr[j]/nk + tb.epsilon
		}
		tb.mean, tb.vr = append(tb.mean, mu), append(tb.vr, vr)
	}
	return tb
}

// predict is the MAP class under P(y) Πⱼ N(xⱼ; μ, σ²), in logs.
func (tb textbook) predict(x []float64) int {
	best, bestScore := -1, math.Inf(-1)
	for k := range tb.prior {
		score := math.Log(tb.prior[k])
		for j, v := range x {
			score += -0.5*math.Log(2*math.Pi*tb.vr[k][j]) - 0.5*(v-tb.mean[k][j])*(v-tb.mean[k][j])/tb.vr[k][j]
		}
		if score > bestScore {
			best, bestScore = k, score
		}
	}
	return best
}

// logisticPredict is the class of largest score wₖᵀx + bₖ (with one weight
// row for two classes: class 1 when wᵀx + b > 0).
func logisticPredict(W [][]float64, b []float64, x []float64) int {
	score := func(k int) float64 {
		s := b[k]
		for j, v := range x {
			s += W[k][j] * v
		}
		return s
	}
	if len(W) == 1 {
		if score(0) > 0 {
			return 1
		}
		return 0
	}
	best := 0
	for k := range W {
		if score(k) > score(best) {
			best = k
		}
	}
	return best
}

func accuracy(data []sample, test bool, predict func([]float64) int) float64 {
	right, n := 0, 0
	for _, s := range data {
		if s.test != test {
			continue
		}
		n++
		if predict(s.x) == s.label {
			right++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(right) / float64(n)
}

func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func rowsClose(got, want [][]float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			if !close(got[i][j], want[i][j], tol) {
				return false
			}
		}
	}
	return true
}

// metric reads a metric, NaN for null; a missing name fails the test.
func metric(t *testing.T, f frame, name string) float64 {
	t.Helper()
	v, ok := f.Metrics[name]
	if !ok {
		t.Fatalf("step %d: no metric %q", f.Step, name)
	}
	if v == nil {
		return math.NaN()
	}
	return *v
}

// TestFrameContract recomputes, from data.csv's training rows and the
// textbook formulas, what each step must have estimated: priors n_k/n,
// means, population variances plus ε = 1e-9·max feature variance (all to
// 1e-12), then the MAP predictions behind the accuracies; and the logistic
// accuracies from the weights the frame reports.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "dataset=correlated", "dataset=iris", "dataset=wine&seed=3", "dataset=circles&n=100",
		"dataset=outliers&n=1000", "dataset=correlated&n=1000", "dataset=xor", "dataset=moons", "dataset=spiral&n=300",
		"dataset=separable&points=2:2:1,-1:-1:0", "dataset=custom&points=0:0:0,1:0.5:0,2:2:1,2.5:1:1,-1:2:2,0:2.5:2"} {
		r := scenariotest.NewRun(t, sc, query)
		data := samples(t, r)
		f := scenariotest.Decode[frame](t, r, false)
		tb := fitTextbook(data, f.State.Classes)
		if f.Step != 0 || f.State.Phase != "init" || len(f.State.ClassPrior) != 0 || len(f.State.Theta) != 0 || len(f.State.Var) != 0 {
			t.Fatalf("%q: step 0 already has estimates: %+v", query, f.State)
		}
		if !close(f.State.Epsilon, tb.epsilon, 1e-12) {
			t.Errorf("%q: epsilon %v, want %v", query, f.State.Epsilon, tb.epsilon)
		}
		// Logistic regression is fitted before step 0, to convergence: its
		// accuracies must be those of the weights it reports.
		if f.State.LogisticEpochs <= 0 || f.State.LogisticEpochs >= logisticEpochs {
			t.Errorf("%q: logistic regression ran %d epochs: not converged", query, f.State.LogisticEpochs)
		}
		W, b := f.State.LogisticWeights, f.State.LogisticIntercepts
		for _, c := range []struct {
			name string
			test bool
		}{{"logistic_train_accuracy", false}, {"logistic_test_accuracy", true}} {
			want := accuracy(data, c.test, func(x []float64) int { return logisticPredict(W, b, x) })
			if got := metric(t, f, c.name); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%q: %s %v, want %v", query, c.name, got, want)
			}
		}
		wantPhases := []string{"priors", "means", "variances", "posterior"}
		for step, phase := range wantPhases {
			if !math.IsNaN(metric(t, f, "test_accuracy")) || !math.IsNaN(metric(t, f, "train_accuracy")) {
				t.Errorf("%q step %d: accuracy before the posterior step", query, f.Step)
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			if f.Step != step+1 || f.State.Phase != phase || f.Done != (phase == "posterior") {
				t.Fatalf("%q: step %d phase %s done %v, want step %d phase %s", query, f.Step, f.State.Phase, f.Done, step+1, phase)
			}
			if !rowsClose([][]float64{f.State.ClassPrior}, [][]float64{tb.prior}, 1e-12) {
				t.Errorf("%q step %d: class_prior %v, want %v", query, f.Step, f.State.ClassPrior, tb.prior)
			}
			if step >= 1 && !rowsClose(f.State.Theta, tb.mean, 1e-12) {
				t.Errorf("%q step %d: theta %v, want %v", query, f.Step, f.State.Theta, tb.mean)
			}
			if step < 1 && len(f.State.Theta) != 0 {
				t.Errorf("%q step %d: theta before the means step", query, f.Step)
			}
			if step >= 2 && !rowsClose(f.State.Var, tb.vr, 1e-12) {
				t.Errorf("%q step %d: var %v, want %v", query, f.Step, f.State.Var, tb.vr)
			}
			if step < 2 && len(f.State.Var) != 0 {
				t.Errorf("%q step %d: var before the variances step", query, f.Step)
			}
		}
		for _, c := range []struct {
			name string
			test bool
		}{{"train_accuracy", false}, {"test_accuracy", true}} {
			want := accuracy(data, c.test, tb.predict)
			if got := metric(t, f, c.name); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%q: %s %v, want %v", query, c.name, got, want)
			}
		}
		if !strings.HasPrefix(f.Note, "Step 4, posterior") {
			t.Errorf("%q: last note %q", query, f.Note)
		}
		r.Step()
		if g := scenariotest.Decode[frame](t, r, false); g.Step != 4 {
			t.Errorf("%q: stepped past the end to %d", query, g.Step)
		}
	}
}

// On the correlated stripes naive Bayes must visibly fail where logistic
// regression does not, and the note must say why.
func TestCorrelatedShowsTheFailure(t *testing.T) {
	for _, seed := range []string{"1", "2", "3"} {
		r := scenariotest.NewRun(t, sc, "dataset=correlated&n=200&seed="+seed)
		r.Advance(4)
		f := scenariotest.Decode[frame](t, r, false)
		nb, lr := metric(t, f, "test_accuracy"), metric(t, f, "logistic_test_accuracy")
		if !(lr >= 0.95 && nb < lr-0.1) {
			t.Errorf("seed %s: test accuracy naive Bayes %v, logistic %v; want logistic ≥ 0.95 and 10 points above", seed, nb, lr)
		}
		if !strings.Contains(f.Note, "cannot express") {
			t.Errorf("seed %s: note %q does not explain the failure", seed, f.Note)
		}
	}
}

func TestUserPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dataset=moons&n=20&points=1.5:-0.25:1,0:0:0")
	data := samples(t, r)
	if len(data) != 22 || data[20].x[0] != 1.5 || data[20].x[1] != -0.25 || data[20].label != 1 || data[20].test || data[21].label != 0 {
		t.Errorf("data.csv rows %v: want 20 generated then the 2 points, training", data)
	}
	// Custom data missing a class waits for clicks instead of failing.
	r = scenariotest.NewRun(t, sc, "dataset=custom&points=1:1:0,2:2:1,0:1:2,1:2:0")
	f := scenariotest.Decode[frame](t, r, false)
	if f.Done || f.State.Classes != 3 {
		t.Errorf("custom with classes 0..2: %+v", f)
	}
	r = scenariotest.NewRun(t, sc, "dataset=custom&points=1:1:0,2:2:2")
	f = scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "class 1 has none") || len(f.State.ClassPrior) != 0 {
		t.Errorf("custom without class 1: done %v note %q", f.Done, f.Note)
	}
	for _, p := range sc.Panels {
		if _, _, err := r.SVG(p.Name); err != nil {
			t.Errorf("custom without class 1: panel %s: %v", p.Name, err)
		}
	}
	// Custom data without any point renders and says what to do.
	r = scenariotest.NewRun(t, sc, "dataset=custom")
	if f = scenariotest.Decode[frame](t, r, false); !f.Done || !strings.Contains(f.Note, "Click on the map") {
		t.Errorf("empty custom: done %v note %q", f.Done, f.Note)
	}
	for _, p := range sc.Panels {
		if _, _, err := r.SVG(p.Name); err != nil {
			t.Errorf("empty custom: panel %s: %v", p.Name, err)
		}
	}
	// A point of a class the data set does not have names the parameter.
	const q = "dataset=correlated&points=1:1:3"
	_, err := lab.NewRun(sc, scenariotest.Values(t, sc, q))
	scenariotest.WantParamError(t, err, q, "points")
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "dataset=mnist", "n=5", "n=5000", "points=1:2:3:4", "seed=-1", "dataset=")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&dataset=correlated", 5)
	c := scenariotest.NewRun(t, sc, "seed=4&dataset=correlated")
	c.Advance(4)
	scenariotest.SeedsDiffer(t, a, c)
}

// The frame must stay small enough to stream several times a second:
// 32 KB at the default 60 samples (and for the generated data sets at that
// size); the real data sets keep their own 150 and 178 samples, about
// three times as many, and n = 1000 is 17 times the default (the
// samples are most of a frame).
func TestFrameSize(t *testing.T) {
	for _, c := range []struct {
		query string
		limit int
	}{
		{"", 32 << 10}, {"dataset=correlated", 32 << 10}, {"dataset=spiral", 32 << 10}, {"dataset=separable&seed=9", 32 << 10},
		{"dataset=iris", 56 << 10}, {"dataset=wine", 56 << 10},
		{"n=1000", 192 << 10},
	} {
		r := scenariotest.NewRun(t, sc, c.query)
		for step := 0; step <= 4; step++ {
			scenariotest.FrameWithin(t, r, c.limit, fmt.Sprintf("%q", c.query))
			r.Step()
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=wine")
}

func BenchmarkNewRun(b *testing.B) {
	for _, q := range []string{"", "dataset=wine"} {
		b.Run("query="+url.QueryEscape(q), func(b *testing.B) {
			v := scenariotest.Values(b, sc, q)
			for b.Loop() {
				if _, err := lab.NewRun(sc, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
