package svm

import (
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/svm"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of an svm frame.
type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Alphas       []float64 `json:"alphas"`
		B            float64   `json:"b"`
		Support      []int     `json:"support"`
		Weights      []float64 `json:"weights"`
		Pair         []int     `json:"pair"`
		KKTViolation float64   `json:"kkt_violation"`
		Converged    bool      `json:"converged"`
	} `json:"state"`
	Note string `json:"note"`
}

// csvData is data.csv split into the training rows (in file order, the
// order of state.alphas) and the test rows.
type csvData struct {
	train, test   [][]float64
	trainY, testY []float64 // ±1: label 1 is +1
}

func readCSV(t testing.TB, r *lab.Run) csvData {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	var err error
	h := rows[0]
	d := len(h) - 2
	if h[0] != "x1" || h[d] != "label" || h[d+1] != "split" {
		t.Fatalf("data.csv header %v", h)
	}
	var c csvData
	for _, row := range rows[1:] {
		x := make([]float64, d)
		for j := range d {
			x[j], err = strconv.ParseFloat(row[j], 64)
			if err != nil {
				t.Fatal(err)
			}
		}
		y := -1.0
		if row[d] == "1" {
			y = 1
		} else if row[d] != "0" {
			t.Fatalf("label %q, want 0 or 1", row[d])
		}
		switch row[d+1] {
		case "train":
			c.train, c.trainY = append(c.train, x), append(c.trainY, y)
		case "test":
			c.test, c.testY = append(c.test, x), append(c.testY, y)
		default:
			t.Fatalf("split %q", row[d+1])
		}
	}
	return c
}

// kernelFromQuery is the kernel formula written out again, from the
// query's parameters (defaults as in the table).
func kernelFromQuery(t testing.TB, query string) func(x, z []float64) float64 {
	q, _ := url.ParseQuery(query)
	num := func(name, def string) float64 {
		s := q.Get(name)
		if s == "" {
			s = def
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	gamma, coef0, degree := num("gamma", "0.5"), num("coef0", "1"), num("degree", "2")
	dot := func(x, z []float64) float64 {
		var s float64
		for j := range x {
			s += x[j] * z[j]
		}
		return s
	}
	switch q.Get("kernel") {
	case "poly":
		return func(x, z []float64) float64 { return math.Pow(gamma*dot(x, z)+coef0, degree) }
	case "rbf":
		return func(x, z []float64) float64 {
			var d2 float64
			for j := range x {
				d2 += (x[j] - z[j]) * (x[j] - z[j])
			}
			return math.Exp(-gamma * d2)
		}
	}
	return dot
}

func cFromQuery(query string) float64 {
	q, _ := url.ParseQuery(query)
	if q.Get("C") == "" {
		return 1
	}
	c, _ := strconv.ParseFloat(q.Get("C"), 64)
	return c
}

// checkFrame recomputes from data.csv, state.alphas and state.b, with the
// kernel formula, everything the frame claims: the box and equality
// constraints, the support set, the accuracies, the margin, the dual
// objective and, for the linear kernel, θ.
func checkFrame(t *testing.T, query string, f frame, data csvData, K func(x, z []float64) float64, C float64) {
	t.Helper()
	a := f.State.Alphas
	if len(a) != len(data.train) {
		t.Fatalf("%q step %d: %d alphas for %d training rows", query, f.Step, len(a), len(data.train))
	}
	var sum float64
	var support []int
	for k, ak := range a {
		if ak < 0 || ak > C {
			t.Fatalf("%q step %d: α%d = %v outside [0, %v]", query, f.Step, k, ak, C)
		}
		sum += ak * data.trainY[k]
		if ak > 0 {
			support = append(support, k)
		}
	}
	if math.Abs(sum) > 1e-9*max(1, C) {
		t.Fatalf("%q step %d: Σ αᵢyᵢ = %v", query, f.Step, sum)
	}
	if len(support) != len(f.State.Support) {
		t.Fatalf("%q step %d: support %v, α > 0 at %v", query, f.Step, f.State.Support, support)
	}
	for i := range support {
		if support[i] != f.State.Support[i] {
			t.Fatalf("%q step %d: support %v, α > 0 at %v", query, f.Step, f.State.Support, support)
		}
	}
	decision := func(x []float64) float64 {
		var v float64
		for _, k := range support {
			v += a[k] * data.trainY[k] * K(data.train[k], x)
		}
		return v - f.State.B
	}
	accuracy := func(X [][]float64, Y []float64) float64 {
		right := 0
		for i, x := range X {
			if (decision(x) > 0) == (Y[i] > 0) {
				right++
			}
		}
		return float64(right) / float64(len(X))
	}
	if got, want := f.Metrics["train_accuracy"], accuracy(data.train, data.trainY); got != want {
		t.Errorf("%q step %d: train accuracy %v, recomputed %v", query, f.Step, got, want)
	}
	if len(data.test) > 0 {
		if got, want := f.Metrics["test_accuracy"], accuracy(data.test, data.testY); got != want {
			t.Errorf("%q step %d: test accuracy %v, recomputed %v", query, f.Step, got, want)
		}
	}
	var w2, sumA float64
	for _, i := range support {
		sumA += a[i]
		for _, j := range support {
			w2 += a[i] * a[j] * data.trainY[i] * data.trainY[j] * K(data.train[i], data.train[j])
		}
	}
	theta := make([]float64, len(data.train[0])) // Σ αᵢyᵢxᵢ
	for _, k := range support {
		for j, v := range data.train[k] {
			theta[j] += a[k] * data.trainY[k] * v
		}
	}
	if f.State.Weights != nil {
		// ‖θ‖² directly: the double sum cancels badly when θ is short.
		w2 = 0
		for _, v := range theta {
			w2 += v * v
		}
	}
	if len(support) > 0 {
		// The margin is computed in float64 over the support vectors: 1e-9.
		if got, want := f.Metrics["margin"], 1/math.Sqrt(w2); math.Abs(got-want) > 1e-9*want {
			t.Errorf("%q step %d: margin %v, 1/‖w‖ recomputed %v", query, f.Step, got, want)
		}
		// The dual objective comes from SMO's gradient, which carries the
		// float32 kernel matrix's rounding (as libsvm's does): 1e-5.
		if got, want := f.Metrics["dual_objective"], sumA-w2/2; math.Abs(got-want) > 1e-5*max(1, math.Abs(want)) {
			t.Errorf("%q step %d: dual objective %v, Σα − ½‖w‖² recomputed %v", query, f.Step, got, want)
		}
	}
	for j, v := range f.State.Weights {
		if want := theta[j]; math.Abs(v-want) > 1e-9*max(1, math.Abs(want)) {
			t.Errorf("%q step %d: θ%d = %v, Σ αᵢyᵢxᵢ recomputed %v", query, f.Step, j, v, want)
		}
	}
}

// kktGap is the maximal violating pair's gap m(α) − M(α), recomputed in
// float64 from the frame: with Gᵢ = yᵢ Σ_j α_j y_j K_ij − 1,
// m = max −yᵢGᵢ over {yᵢ = +1, αᵢ < C} ∪ {yᵢ = −1, αᵢ > 0} and M the min
// over {yᵢ = +1, αᵢ > 0} ∪ {yᵢ = −1, αᵢ < C}.
func kktGap(f frame, data csvData, K func(x, z []float64) float64, C float64) float64 {
	a := f.State.Alphas
	up, low := math.Inf(-1), math.Inf(1)
	for i, xi := range data.train {
		var s float64
		for j, aj := range a {
			if aj > 0 {
				s += aj * data.trainY[j] * K(data.train[j], xi)
			}
		}
		y := data.trainY[i]
		v := -y * (y*s - 1)
		if (y > 0 && a[i] < C) || (y < 0 && a[i] > 0) {
			up = max(up, v)
		}
		if (y > 0 && a[i] > 0) || (y < 0 && a[i] < C) {
			low = min(low, v)
		}
	}
	return up - low
}

func TestFrameContract(t *testing.T) {
	for _, query := range []string{
		"",
		"dataset=outliers&C=10",
		"dataset=overlap&C=0.01&n=100",
		"dataset=circles&kernel=poly",
		"dataset=xor&kernel=poly&degree=3&coef0=0.5&gamma=0.3",
		"dataset=moons&kernel=rbf&gamma=2&C=10",
		"dataset=iris",
		"dataset=wine&kernel=rbf&gamma=0.1",
		"dataset=separable&points=0.5:0.5:0,1:-1:1",
	} {
		r := scenariotest.NewRun(t, sc, query)
		data := readCSV(t, r)
		K, C := kernelFromQuery(t, query), cFromQuery(query)
		f := scenariotest.Decode[frame](t, r, false)
		if f.Step != 0 || len(f.State.Support) != 0 || len(f.State.Pair) != 0 || f.Metrics["dual_objective"] != 0 {
			t.Fatalf("%q: step 0 is not α = 0: %+v", query, f)
		}
		checkFrame(t, query, f, data, K, C)
		prev := f
		for !f.Done {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			if len(f.State.Pair) != 2 {
				t.Fatalf("%q step %d: pair %v", query, f.Step, f.State.Pair)
			}
			// SMO only touches the pair: every other multiplier is as before.
			for k := range f.State.Alphas {
				if k != f.State.Pair[0] && k != f.State.Pair[1] && f.State.Alphas[k] != prev.State.Alphas[k] {
					t.Fatalf("%q step %d: α%d changed outside the pair %v", query, f.Step, k, f.State.Pair)
				}
			}
			if f.Metrics["dual_objective"] < prev.Metrics["dual_objective"]-1e-9 {
				t.Fatalf("%q step %d: dual objective fell from %v to %v", query, f.Step, prev.Metrics["dual_objective"], f.Metrics["dual_objective"])
			}
			if f.Step < 5 || f.Step%25 == 0 || f.Done {
				checkFrame(t, query, f, data, K, C)
			}
			prev = f
		}
		if !f.State.Converged || f.Step >= sc.MaxSteps || !strings.HasPrefix(f.Note, "Converged") {
			t.Errorf("%q: ended at step %d, converged %v, note %q", query, f.Step, f.State.Converged, f.Note)
		}
		// SMO's own gap uses the float32 kernel matrix; recomputed in
		// float64 it may differ by rounding, hence the 1e-5 slack.
		if gap := kktGap(f, data, K, C); gap >= 1e-3+1e-5 || f.State.KKTViolation >= 1e-3 {
			t.Errorf("%q: converged with KKT gap %v (frame says %v), want < 1e-3", query, gap, f.State.KKTViolation)
		}
	}
}

// TestGridMatchesDecision checks the factored map evaluation against the
// model's own f(x) at every 7th node, on real data where the map is a
// slice through the other features' means.
func TestGridMatchesDecision(t *testing.T) {
	for _, query := range []string{"dataset=wine", "dataset=wine&kernel=poly&degree=3", "dataset=iris&kernel=rbf&gamma=2", "dataset=moons&kernel=rbf"} {
		r := scenariotest.NewRun(t, sc, query)
		r.Advance(30)
		q, _ := lab.ParseQuery(query)
		v, _ := lab.Parse(sc.Params, q)
		mod, err := sc.New(v)
		if err != nil {
			t.Fatal(err)
		}
		m := mod.(*model)
		for range 30 {
			m.Step()
		}
		g := m.grids().lines
		for j := 0; j < len(g.ys); j += 7 {
			for i := 0; i < len(g.xs); i += 7 {
				want := m.svm.Decision(m.set.Slice(g.xs[i], g.ys[j], nil))
				if got := g.at(g.xs[i], g.ys[j]); math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
					t.Fatalf("%q: node (%d, %d): grid %v, Decision %v", query, i, j, got, want)
				}
			}
		}
		c := m.grids().raster
		for _, k := range []int{0, 17, regionRes - 1} {
			want := m.svm.Decision(m.set.Slice(c.xs[k], c.ys[regionRes-1-k], nil))
			if got := c.at(c.xs[k], c.ys[regionRes-1-k]); math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
				t.Fatalf("%q: raster cell %d: %v, Decision %v", query, k, got, want)
			}
		}
	}
}

// TestCustomNeedsBothClasses: a run without both classes renders and says
// why it cannot train.
func TestCustomNeedsBothClasses(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dataset=custom&points=1:1:0,2:0:0")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "both") || len(f.State.Alphas) != 2 {
		t.Errorf("one class: %+v", f)
	}
	for _, pn := range sc.Panels {
		if _, _, err := r.SVG(pn.Name); err != nil {
			t.Errorf("one class: panel %s: %v", pn.Name, err)
		}
	}
	r = scenariotest.NewRun(t, sc, "dataset=custom&points=1:1:0,-1:-1:1")
	if err := r.Advance(sc.MaxSteps); err != nil {
		t.Fatal(err)
	}
	if f := scenariotest.Decode[frame](t, r, false); !f.State.Converged || f.Metrics["train_accuracy"] != 1 {
		t.Errorf("two points: %+v", f)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "C=0", "C=1001", "kernel=sigmoid", "gamma=0", "degree=1", "degree=6", "coef0=11", "dataset=mnist", "n=5", "n=601", "points=1:2:3:4")
	// A class the binary SVM does not have passes parsing but not New.
	const q = "points=1:1:2"
	_, err := sc.New(scenariotest.Values(t, sc, q))
	scenariotest.WantParamError(t, err, q, "points")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&kernel=rbf&dataset=moons", 6)
	c := scenariotest.NewRun(t, sc, "seed=4&kernel=rbf&dataset=moons")
	c.Advance(6)
	scenariotest.SeedsDiffer(t, a, c)
}

// The default frame must stay small enough to stream several times a second.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "dataset=wine", "kernel=rbf&dataset=circles", "kernel=poly&dataset=circles", "dataset=wine&kernel=rbf", "n=600"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(20)
		b, err := r.JSON(true)
		if err != nil {
			t.Fatal(err)
		}
		limit := 32 << 10
		switch {
		case q == "n=600":
			limit = 96 << 10 // three times the default sample count
		case strings.Contains(q, "kernel="):
			// Curved contours and the 3-D wireframe cost more than the
			// linear kernel's straight lines.
			limit = 48 << 10
		}
		if len(b) > limit {
			t.Errorf("%q: frame is %d bytes, budget %d", q, len(b), limit)
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "kernel=rbf&dataset=circles", "kernel=poly&dataset=circles")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }

// TestQuadFeatureMapIsTheKernel: with the explicit map quadFeatures and
// w = Σ αᵢyᵢφ(xᵢ) recomputed from the frame's state.alphas and data.csv,
// Σⱼ sⱼwⱼφⱼ(x) − b equals the kernel's f(x) = Σᵢ αᵢyᵢ(γxᵢᵀx + c₀)² − b
// (written out in kernelFromQuery) at every training sample to 1e-9: the
// feature space the lifted view draws is the kernel's. It also checks the
// panel's own w (quadWeights) against the recomputed one.
func TestQuadFeatureMapIsTheKernel(t *testing.T) {
	for _, query := range []string{
		"kernel=poly&degree=2&dataset=circles",
		"kernel=poly&degree=2&dataset=circles&coef0=0&gamma=2",
		"kernel=poly&degree=2&dataset=circles&coef0=-0.5",
		"kernel=poly&degree=2&dataset=moons&C=10",
	} {
		q, _ := lab.ParseQuery(query)
		v, err := lab.Parse(sc.Params, q)
		if err != nil {
			t.Fatal(err)
		}
		k := svm.PolyKernel(gammaParam.Get(v), coef0Param.Get(v), 2)
		K := kernelFromQuery(t, query)
		r := scenariotest.NewRun(t, sc, query)
		mod, err := sc.New(v)
		if err != nil {
			t.Fatal(err)
		}
		m := mod.(*model)
		data := readCSV(t, r)
		for _, steps := range []int{1, 40, sc.MaxSteps} {
			r.Advance(steps - r.StepNumber())
			for m.svm.Iteration() < r.StepNumber() && !m.Done() {
				m.Step()
			}
			f := scenariotest.Decode[frame](t, r, false)
			var w [quadDim]float64
			var sign [quadDim]float64
			for i, x := range data.train {
				phi, s := quadFeatures(k, x)
				sign = s
				for j := range phi {
					w[j] += f.State.Alphas[i] * data.trainY[i] * phi[j]
				}
			}
			for i, x := range data.train {
				phi, _ := quadFeatures(k, x)
				lifted := -f.State.B
				for j := range phi {
					lifted += sign[j] * w[j] * phi[j]
				}
				kernel := -f.State.B
				for l, z := range data.train {
					kernel += f.State.Alphas[l] * data.trainY[l] * K(z, x)
				}
				if math.Abs(lifted-kernel) > 1e-9*max(1, math.Abs(kernel)) {
					t.Fatalf("%q step %d sample %d: wᵀφ(x) − b = %v, kernel f(x) = %v", query, f.Step, i, lifted, kernel)
				}
			}
			if m.svm.Iteration() != f.Step {
				t.Fatalf("%q: model at step %d, run at %d", query, m.svm.Iteration(), f.Step)
			}
			got := m.quadWeights()
			for j := range w {
				if math.Abs(got[j]-w[j]) > 1e-9*max(1, math.Abs(w[j])) {
					t.Errorf("%q step %d: quadWeights w%d = %v, recomputed %v", query, f.Step, j+1, got[j], w[j])
				}
			}
		}
	}
}

// Every decision value's colour on the map is regionColor's, through its
// level: at and around the strength boundaries, at zero and ±0, at the
// infinities and NaN, and at random values.
func TestRegionLevelsAreRegionColors(t *testing.T) {
	fs := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-300, -1e-300}
	for k := -6; k <= 6; k++ {
		v := float64(k) * 0.5
		fs = append(fs, v, math.Nextafter(v, math.Inf(1)), math.Nextafter(v, math.Inf(-1)))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		fs = append(fs, (rng.Float64()-0.5)*8)
	}
	for _, f := range fs {
		if got, want := regionColors[regionLevel(f)], viz.RGBA(regionColor(f)); got != want {
			t.Fatalf("f = %v: level %d gives %v, regionColor %v", f, regionLevel(f), got, want)
		}
	}
}
