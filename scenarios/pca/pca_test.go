package pca

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/decomp"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a pca frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Stage                  string      `json:"stage"`
		Kept                   int         `json:"kept"`
		Mean                   []float64   `json:"mean"`
		Scale                  []float64   `json:"scale"`
		Components             [][]float64 `json:"components"`
		ExplainedVariance      []float64   `json:"explained_variance"`
		ExplainedVarianceRatio []float64   `json:"explained_variance_ratio"`
		ReconstructionError    []float64   `json:"reconstruction_error"`
	} `json:"state"`
	Note string `json:"note"`
}

// samples reads data.csv: the x1..xD columns and the label column if any.
func samples(t testing.TB, r *lab.Run) (X [][]float64, labels []int) {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	D := len(rows[0])
	hasLabel := rows[0][D-1] == "label"
	if hasLabel {
		D--
	}
	for j := range D {
		if rows[0][j] != "x"+strconv.Itoa(j+1) {
			t.Fatalf("data.csv header %v", rows[0])
		}
	}
	for _, row := range rows[1:] {
		x := make([]float64, D)
		for j := range x {
			var err error
			if x[j], err = strconv.ParseFloat(row[j], 64); err != nil {
				t.Fatal(err)
			}
		}
		X = append(X, x)
		if hasLabel {
			l, err := strconv.Atoi(row[D])
			if err != nil {
				t.Fatal(err)
			}
			labels = append(labels, l)
		}
	}
	return X, labels
}

// TestFrameContract checks every frame against data.csv, computed here
// independently of package ml: state.mean is the column mean (1e-12
// relative), state.scale the standard deviation with divisor n when
// standardizing, components are orthonormal eigenvectors of the
// covariance of the exported data (‖Cp − λp‖ ≤ 1e-9·λ₁), the ratios are
// λ/Σλ and sum to 1, and the reconstruction errors fall to 0 following
// (n−1)/(nD)·Σ_{k>d}λ_k.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "components=2", "dataset=gauss3d&components=2&n=150&seed=4", "dataset=iris&components=2",
		"dataset=wine&standardize=true&components=3", "dataset=digits&components=10&n=100", "points=8:8,-5:1&n=20"} {
		r := scenariotest.NewRun(t, sc, query)
		X, labels := samples(t, r)
		n, D := len(X), len(X[0])
		f := scenariotest.Decode[frame](t, r, false)
		if f.Step != 0 || f.State.Stage != decomp.StageInit || len(f.State.Mean) != 0 || len(f.State.Components) != 0 {
			t.Fatalf("%q: step 0 = %+v", query, f.State)
		}
		for i, stage := range decomp.Stages {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			if f.Step != i+1 || f.State.Stage != stage || f.Done != (i == len(decomp.Stages)-1) {
				t.Fatalf("%q: step %d is %q (done %v), want %q", query, f.Step, f.State.Stage, f.Done, stage)
			}
			if f.Note == "" {
				t.Errorf("%q step %d: no note", query, f.Step)
			}
		}
		if !f.Done || f.Step != sc.MaxSteps {
			t.Fatalf("%q: done %v at step %d, MaxSteps %d", query, f.Done, f.Step, sc.MaxSteps)
		}
		st := f.State
		standardize := strings.Contains(query, "standardize=true")
		mean, sd := make([]float64, D), make([]float64, D)
		for _, x := range X {
			for j, v := range x {
				mean[j] += v / float64(n)
			}
		}
		for _, x := range X {
			for j, v := range x {
				sd[j] += (v - mean[j]) * (v - mean[j]) / float64(n)
			}
		}
		for j := range D {
			if !near(st.Mean[j], mean[j], 1e-12) {
				t.Errorf("%q: mean[%d] = %v, data.csv gives %v", query, j, st.Mean[j], mean[j])
			}
			want := 1.0
			if standardize && sd[j] > 0 {
				want = math.Sqrt(sd[j])
			}
			if !near(st.Scale[j], want, 1e-12) {
				t.Errorf("%q: scale[%d] = %v, want %v", query, j, st.Scale[j], want)
			}
		}
		C := make([][]float64, D)
		for a := range D {
			C[a] = make([]float64, D)
			for b := range D {
				for _, x := range X {
					C[a][b] += (x[a] - mean[a]) / st.Scale[a] * (x[b] - mean[b]) / st.Scale[b]
				}
				C[a][b] /= float64(n - 1)
			}
		}
		d := st.Kept
		if len(st.Components) != d || len(st.ExplainedVarianceRatio) != D || len(st.ExplainedVariance) != D {
			t.Fatalf("%q: %d components (kept %d), %d ratios, %d eigenvalues; D = %d", query, len(st.Components), d, len(st.ExplainedVarianceRatio), len(st.ExplainedVariance), D)
		}
		ev, lambda1 := st.ExplainedVariance, st.ExplainedVariance[0]
		var total, trace float64
		for k := range D {
			total += ev[k]
			trace += C[k][k]
		}
		if !near(total, trace, 1e-10) {
			t.Errorf("%q: Σλ = %v, trace of C = %v", query, total, trace)
		}
		var ratioSum float64
		for k, r := range st.ExplainedVarianceRatio {
			ratioSum += r
			if !near(r, ev[k]/total, 1e-12) || (k > 0 && ev[k] > ev[k-1]) {
				t.Errorf("%q: ratio %d = %v, λ = %v", query, k, r, ev)
			}
		}
		if math.Abs(ratioSum-1) > 1e-12 {
			t.Errorf("%q: ratios sum to %v", query, ratioSum)
		}
		for a, p := range st.Components {
			for b, q := range st.Components {
				if dot := dotP(p, q); math.Abs(dot-b2f(a == b)) > 1e-10 {
					t.Errorf("%q: p%d·p%d = %v", query, a+1, b+1, dot)
				}
			}
			var res float64
			for i := range D {
				v := dotP(C[i], p) - ev[a]*p[i]
				res += v * v
			}
			if math.Sqrt(res) > 1e-9*lambda1 {
				t.Errorf("%q: ‖Cp%d − λp%d‖ = %v", query, a+1, a+1, math.Sqrt(res))
			}
		}
		if len(st.ReconstructionError) != D+1 {
			t.Fatalf("%q: %d reconstruction errors, want %d", query, len(st.ReconstructionError), D+1)
		}
		for k := 0; k <= D; k++ {
			var tail float64
			for _, l := range ev[k:] {
				tail += l
			}
			want := float64(n-1) / float64(n*D) * tail
			if math.Abs(st.ReconstructionError[k]-want) > 1e-10*st.ReconstructionError[0] {
				t.Errorf("%q: E(%d) = %v, closed form %v", query, k, st.ReconstructionError[k], want)
			}
		}
		if got := f.Metrics["reconstruction_mse"]; got == nil || *got != st.ReconstructionError[d] {
			t.Errorf("%q: metric reconstruction_mse %v, want E(%d) = %v", query, got, d, st.ReconstructionError[d])
		}
		if strings.Contains(query, "iris") || strings.Contains(query, "wine") || strings.Contains(query, "digits") {
			if len(labels) != n {
				t.Errorf("%q: %d labels for %d samples", query, len(labels), n)
			}
		}
	}
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func dotP(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// The data sets have the documented sizes and the user's points join
// gauss2d only, last, as clicked.
func TestDataSets(t *testing.T) {
	for _, tc := range []struct {
		query string
		n, d  int
	}{{"", 150, 2}, {"dataset=gauss3d&n=50", 50, 3}, {"dataset=iris", 150, 4}, {"dataset=wine&n=10", 178, 13},
		{"dataset=digits&n=300", 300, 64}, {"n=10&points=1.5:-2.25,0:0", 12, 2}, {"dataset=iris&points=1:1", 150, 4}} {
		X, _ := samples(t, scenariotest.NewRun(t, sc, tc.query))
		if len(X) != tc.n || len(X[0]) != tc.d {
			t.Errorf("%q: data.csv is %d×%d, want %d×%d", tc.query, len(X), len(X[0]), tc.n, tc.d)
		}
	}
	X, _ := samples(t, scenariotest.NewRun(t, sc, "n=10&points=1.5:-2.25,0:0"))
	if X[10][0] != 1.5 || X[10][1] != -2.25 || X[11][0] != 0 {
		t.Errorf("the user's points are %v, want 1.5:-2.25 then 0:0", X[10:])
	}
	// Digits are a subset of the embedded images with pixels 0..16.
	X, labels := samples(t, scenariotest.NewRun(t, sc, "dataset=digits&n=50"))
	for i, x := range X {
		for _, v := range x {
			if v < 0 || v > 16 {
				t.Fatalf("digit %d has pixel %v", i, v)
			}
		}
		if labels[i] < 0 || labels[i] > 9 {
			t.Fatalf("digit %d has label %d", i, labels[i])
		}
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "components=0", "components=65", "dataset=mnist", "n=5", "n=5000", "standardize=maybe", "points=1:2:3", "seed=-1")
	// More components than the data set has dimensions.
	for _, q := range []string{"components=3", "dataset=gauss3d&components=4", "dataset=iris&components=5", "dataset=wine&components=14"} {
		_, err := lab.NewRun(sc, scenariotest.Values(t, sc, q))
		scenariotest.WantParamError(t, err, q, "components")
	}
}

func TestSameURLSameFrames(t *testing.T) {
	for _, q := range []string{"seed=3&components=2", "dataset=digits&seed=3&n=60"} {
		a, b := scenariotest.NewRun(t, sc, q), scenariotest.NewRun(t, sc, q)
		for !a.Done() {
			fa, err := a.JSON(true)
			if err != nil {
				t.Fatal(err)
			}
			fb, _ := b.JSON(true)
			if string(fa) != string(fb) {
				t.Fatalf("%q step %d: two runs of one URL differ", q, a.StepNumber())
			}
			a.Step()
			b.Step()
		}
	}
	a, c := scenariotest.NewRun(t, sc, "seed=3"), scenariotest.NewRun(t, sc, "seed=4")
	a.Advance(1)
	c.Advance(1)
	scenariotest.SeedsDiffer(t, a, c)
}

// Every panel renders at every step on every data set, and the panels
// that have nothing to show yet say so instead of drawing empty axes.
func TestPanelsRender(t *testing.T) {
	for _, q := range []string{"", "dataset=gauss3d&components=2", "dataset=gauss3d&components=1", "dataset=iris&standardize=true",
		"dataset=wine", "dataset=digits&components=5", "dataset=gauss2d&components=2&points=3:3"} {
		r := scenariotest.NewRun(t, sc, q)
		for {
			for _, pn := range sc.Panels {
				svg, _, err := r.SVG(pn.Name)
				if err != nil {
					t.Fatalf("%q step %d panel %s: %v", q, r.StepNumber(), pn.Name, err)
				}
				if len(svg) < 200 {
					t.Fatalf("%q step %d panel %s: %d bytes", q, r.StepNumber(), pn.Name, len(svg))
				}
				empty := (pn.Name == "variance" || pn.Name == "error") && r.StepNumber() < 3 ||
					pn.Name == "digits" && !strings.Contains(q, "digits")
				if got := strings.Contains(string(svg), "<text") && (strings.Contains(string(svg), "step 3") ||
					strings.Contains(string(svg), "Choose the digits")); got != empty {
					t.Errorf("%q step %d panel %s: placeholder shown %v, want %v", q, r.StepNumber(), pn.Name, got, empty)
				}
			}
			if r.Done() {
				break
			}
			r.Step()
		}
	}
}

// The default frame of every data set must stay small enough to stream,
// at every step. Keeping 10 components of the digits adds 10×64 numbers
// (about 13 KB) to state.components, so that case gets 48 KB.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "dataset=gauss3d", "dataset=gauss3d&components=2", "dataset=iris", "dataset=wine", "dataset=digits", "dataset=digits&components=10"} {
		r := scenariotest.NewRun(t, sc, q)
		for !r.Done() {
			r.Step()
			limit := 32 << 10
			if strings.Contains(q, "components=10") {
				limit = 48 << 10
			}
			scenariotest.FrameWithin(t, r, limit, fmt.Sprintf("%q", q))
		}
	}
}

// The data panel shows 3-D data as four views, each once, each drawing
// the thinned samples and, at the last step, their reconstructions (two
// circles per sample and view); 2-D data keeps its single plot.
func TestDataViews3D(t *testing.T) {
	titles := []string{"x₁–x₂ plane", "oblique view", "x₁–x₃ plane", "x₂–x₃ plane"}
	for _, q := range []string{"dataset=gauss3d", "dataset=gauss3d&components=2&standardize=true"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(sc.MaxSteps)
		b, _, err := r.SVG("data")
		if err != nil {
			t.Fatal(err)
		}
		svg := string(b)
		for _, title := range titles {
			if n := strings.Count(svg, ">"+title+"</text>"); n != 1 {
				t.Errorf("%q: view title %q appears %d times, want 1", q, title, n)
			}
		}
		// Axis names: x₁ under two views, x₂ beside one and under one, x₃
		// beside two; the oblique view names all three on its feature axes.
		for _, c := range []struct {
			label string
			n     int
		}{{"x₁", 3}, {"x₂", 3}, {"x₃", 3}} {
			if n := strings.Count(svg, ">"+c.label+"</text>"); n != c.n {
				t.Errorf("%q: axis name %s appears %d times, want %d", q, c.label, n, c.n)
			}
		}
		if n, want := strings.Count(svg, "<circle"), 4*2*viewSamples; n != want {
			t.Errorf("%q: %d circles, want %d (4 views × %d samples and their reconstructions)", q, n, want, viewSamples)
		}
	}
	r := scenariotest.NewRun(t, sc, "")
	r.Advance(sc.MaxSteps)
	b, _, _ := r.SVG("data")
	for _, title := range titles {
		if strings.Contains(string(b), title) {
			t.Errorf("2-D data panel has the view title %q", title)
		}
	}
}

// clipSegment keeps the part of a segment inside the box, and nothing of
// one outside it.
func TestClipSegment(t *testing.T) {
	box := viz.Box{XMin: -1, XMax: 1, YMin: -2, YMax: 2}
	for _, c := range []struct {
		a, b, from, to [2]float64
		ok             bool
	}{
		{[2]float64{-4, 0}, [2]float64{4, 0}, [2]float64{-1, 0}, [2]float64{1, 0}, true},
		{[2]float64{0, -4}, [2]float64{0, 1}, [2]float64{0, -2}, [2]float64{0, 1}, true},
		{[2]float64{-3, -2}, [2]float64{3, 4}, [2]float64{-1, 0}, [2]float64{1, 2}, true},
		{[2]float64{0.5, 0.5}, [2]float64{-0.5, -1}, [2]float64{0.5, 0.5}, [2]float64{-0.5, -1}, true},
		{[2]float64{2, -5}, [2]float64{2, 5}, [2]float64{}, [2]float64{}, false},
		{[2]float64{-4, 0}, [2]float64{0, 4}, [2]float64{}, [2]float64{}, false},
	} {
		from, to, ok := clipSegment(c.a, c.b, box)
		if ok != c.ok || ok && (math.Hypot(from[0]-c.from[0], from[1]-c.from[1]) > 1e-12 || math.Hypot(to[0]-c.to[0], to[1]-c.to[1]) > 1e-12) {
			t.Errorf("clip %v–%v: %v–%v (%v), want %v–%v (%v)", c.a, c.b, from, to, ok, c.from, c.to, c.ok)
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=gauss3d", "dataset=gauss3d&components=2", "dataset=digits&components=10")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }

// Points clicked on a data set of more than two features are left out, and
// the note says so.
func TestIgnoredPointsAreNamed(t *testing.T) {
	f := scenariotest.Decode[struct {
		Note string `json:"note"`
	}](t, scenariotest.NewRun(t, sc, "dataset=iris&points=1:1,2:2"), false)
	if !strings.HasPrefix(f.Note, "Your 2 clicked point(s) are left out") {
		t.Errorf("note %q does not say the points were left out", f.Note)
	}
}

// TestDigitsPanelOnlyForDigits: the digits panel belongs to the one data
// set made of images; the others do not show it at all.
func TestDigitsPanelOnlyForDigits(t *testing.T) {
	for _, c := range []struct {
		query string
		shown bool
	}{{"", false}, {"dataset=iris", false}, {"dataset=wine", false}, {"dataset=gauss3d", false}, {"dataset=digits", true}} {
		r := scenariotest.NewRun(t, sc, c.query)
		f, err := r.Frame(true)
		if err != nil {
			t.Fatal(err)
		}
		_, shown := f.Plots["digits"]
		if shown != c.shown {
			t.Errorf("%q: digits panel in the frame: %v, want %v", c.query, shown, c.shown)
		}
	}
}
