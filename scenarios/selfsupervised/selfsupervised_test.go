package selfsupervised

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/optimize"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Note    string             `json:"note"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Pretext         string    `json:"pretext"`
		Epoch           int       `json:"epoch"`
		Probed          bool      `json:"probed"`
		Labels          []int     `json:"labels"`
		LabelsPerClass  int       `json:"labels_per_class"`
		Raw             []float64 `json:"raw"`
		Random          []float64 `json:"random"`
		Learned         []float64 `json:"learned"`
		ProbeLambda     float64   `json:"probe_lambda"`
		ProbeIterations int       `json:"probe_iterations"`
		Examples        []struct {
			Square []int     `json:"square"`
			Perm   *int      `json:"permutation"`
			Probs  []float64 `json:"probabilities"`
		} `json:"examples"`
	} `json:"state"`
}

// refit is the page's probe written again from its statement: softmax
// regression, penalty λ/2‖W‖² on the weights only, minimised from zero by
// L-BFGS; it returns the accuracy on the test rows.
func refit(X [][]float64, y []int, testX [][]float64, testY []int, lambda float64) float64 {
	d := len(X[0])
	f := func(th, grad []float64) float64 {
		for i := range grad {
			grad[i] = 0
		}
		J := 0.0
		for i, x := range X {
			z := make([]float64, 10)
			m := math.Inf(-1)
			for k := range 10 {
				z[k] = th[10*d+k]
				for j := range d {
					z[k] += th[k*d+j] * x[j]
				}
				m = math.Max(m, z[k])
			}
			s := 0.0
			for k := range 10 {
				s += math.Exp(z[k] - m)
			}
			J += m + math.Log(s) - z[y[i]]
			for k := range 10 {
				r := math.Exp(z[k]-m) / s
				if k == y[i] {
					r -= 1
				}
				for j := range d {
					grad[k*d+j] += r * x[j] / float64(len(X))
				}
				grad[10*d+k] += r / float64(len(X))
			}
		}
		J /= float64(len(X))
		for j := range 10 * d {
			J += lambda / 2 * th[j] * th[j]
			grad[j] += lambda * th[j]
		}
		return J
	}
	res, _ := optimize.Minimize(optimize.Problem{
		Func: func(th []float64) float64 { return f(th, make([]float64, len(th))) },
		Grad: func(g, th []float64) { f(th, g) },
	}, make([]float64, 10*(d+1)), &optimize.Settings{GradientThreshold: 1e-8, MajorIterations: 5000}, &optimize.LBFGS{})
	ok := 0
	for i, x := range testX {
		best, bestZ := 0, math.Inf(-1)
		for k := range 10 {
			z := res.X[10*d+k]
			for j := range d {
				z += res.X[k*d+j] * x[j]
			}
			if z > bestZ {
				best, bestZ = k, z
			}
		}
		if best == testY[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(testX))
}

// TestProbesFromDataCSV refits every point of the three probe curves from
// data.csv's columns (p: pixels, r: random features, f: learned) and
// compares it with state, to one test digit in 500: the probe's objective
// is strictly convex, and the two solvers stop within about 1e-6 of its
// minimum, which can move a test digit that lies on a boundary.
func TestProbesFromDataCSV(t *testing.T) {
	worst := 0.0
	defer func() { t.Logf("largest difference between a refitted and an exported accuracy: %v", worst) }()
	for _, query := range []string{"epochs=8", "pretext=jigsaw&epochs=5&labels_per_class=3&seed=2"} {
		r := scenariotest.NewRun(t, sc, query)
		if err := r.Advance(sc.MaxSteps); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		if !f.Done || !f.State.Probed || len(f.State.Learned) != len(f.State.Labels) {
			t.Fatalf("%q: not probed at the end: %+v", query, f.State)
		}
		rows := scenariotest.Rows(t, r)
		col := map[string]int{}
		for j, h := range rows[0] {
			col[h] = j
		}
		// read returns a row's columns named prefix + digits (and "_"):
		// p0_0…p7_7, r1…r32 or f1…f32.
		read := func(row []string, prefix string) []float64 {
			var out []float64
			for j, h := range rows[0] {
				rest, ok := strings.CutPrefix(h, prefix)
				if ok && rest != "" && strings.Trim(rest, "_0123456789") == "" {
					v, _ := strconv.ParseFloat(row[j], 64)
					out = append(out, v)
				}
			}
			return out
		}
		for _, c := range []struct {
			prefix string
			curve  []float64
		}{{"p", f.State.Raw}, {"r", f.State.Random}, {"f", f.State.Learned}} {
			var testX [][]float64
			var testY []int
			for _, row := range rows[1:] {
				if row[col["split"]] == "test" {
					y, _ := strconv.Atoi(row[col["label"]])
					testX, testY = append(testX, read(row, c.prefix)), append(testY, y)
				}
			}
			if len(testX) != testSize {
				t.Fatalf("%q: %d test rows", query, len(testX))
			}
			for k, n := range f.State.Labels {
				var X [][]float64
				var y []int
				for _, row := range rows[1:] {
					if rank, err := strconv.Atoi(row[col["rank"]]); err == nil && rank < n {
						lab, _ := strconv.Atoi(row[col["label"]])
						X, y = append(X, read(row, c.prefix)), append(y, lab)
					}
				}
				if len(X) != 10*n {
					t.Fatalf("%q: %d rows of rank below %d", query, len(X), n)
				}
				got := refit(X, y, testX, testY, f.State.ProbeLambda)
				worst = math.Max(worst, math.Abs(got-c.curve[k]))
				if math.Abs(got-c.curve[k]) > 1.5/testSize {
					t.Errorf("%q %s-columns, %d labels: refitted accuracy %v, state %v", query, c.prefix, n, got, c.curve[k])
				}
			}
		}
	}
}

// TestPretextBeatsRandomAtTheDefaults is the page's claim, checked for the
// default seed: with masked-patch prediction the probe on the trained
// encoder beats the one on the same encoder's random weights at every
// label count, at labels_per_class = 5 by more than 5 points (this seed:
// 82.4% against 72.0%). With the jigsaw it does not: the trained features
// are worse than random at 1, 5, 10 and 20 labels, as the page says.
func TestPretextBeatsRandomAtTheDefaults(t *testing.T) {
	for _, query := range []string{"", "pretext=jigsaw"} {
		r := scenariotest.NewRun(t, sc, query)
		r.Advance(sc.MaxSteps)
		f := scenariotest.Decode[frame](t, r, false)
		t.Logf("%q: labels %v\nraw     %v\nrandom  %v\nlearned %v", query, f.State.Labels, f.State.Raw, f.State.Random, f.State.Learned)
		for k, n := range f.State.Labels {
			better := f.State.Learned[k] > f.State.Random[k]
			switch {
			case query == "" && !better:
				t.Errorf("masked, %d labels: learned %v, random %v", n, f.State.Learned[k], f.State.Random[k])
			case query != "" && slices.Contains([]int{1, 5, 10, 20}, n) && better:
				t.Errorf("jigsaw, %d labels: learned %v beats random %v; the page says it does not", n, f.State.Learned[k], f.State.Random[k])
			}
		}
		if query == "" && f.Metrics["probe_learned"] < f.Metrics["probe_random"]+0.05 {
			t.Errorf("masked, 5 labels: learned %v, random %v", f.Metrics["probe_learned"], f.Metrics["probe_random"])
		}
		if want := map[string]string{"": "better than", "pretext=jigsaw": "worse than"}[query]; !strings.Contains(f.Note, want) {
			t.Errorf("%q: the note does not say %q: %s", query, want, f.Note)
		}
	}
}

// TestStepsAndState: epochs steps of pretext training (the loss falls),
// then one probe step; random features equal learned ones before training.
func TestStepsAndState(t *testing.T) {
	for _, query := range []string{"epochs=4", "pretext=jigsaw&epochs=4"} {
		r := scenariotest.NewRun(t, sc, query)
		rows := scenariotest.Rows(t, r)
		h := rows[0]
		ri, fi := slices.Index(h, "r1"), slices.Index(h, "f1")
		for _, row := range rows[1:] {
			if !slices.Equal(row[ri:fi], row[fi:]) {
				t.Fatalf("%q: before training r and f columns differ", query)
			}
		}
		var losses []float64
		for step := 1; step <= 5; step++ {
			r.Step()
			f := scenariotest.Decode[frame](t, r, false)
			scenariotest.CheckNote(t, f.Note, query)
			if step <= 4 {
				losses = append(losses, f.Metrics["pretext_loss"])
				if f.State.Probed || f.Done || f.State.Epoch != step {
					t.Fatalf("%q step %d: epoch %d, probed %v", query, step, f.State.Epoch, f.State.Probed)
				}
				continue
			}
			if !f.State.Probed || !f.Done || f.Metrics["probe_learned"] != f.State.Learned[slices.Index(f.State.Labels, 5)] {
				t.Fatalf("%q: step 5 should be the probe: %+v", query, f.State)
			}
		}
		if losses[3] >= losses[0] {
			t.Errorf("%q: pretext loss %v does not fall", query, losses)
		}
	}
	f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, "labels_per_class=7"), false)
	if !slices.Equal(f.State.Labels, []int{1, 2, 5, 7, 10, 20}) {
		t.Errorf("labels %v, want 7 added to the curve", f.State.Labels)
	}
	for _, e := range f.State.Examples {
		if len(e.Square) != 2 || e.Square[0] > 4 || e.Square[1] > 4 {
			t.Errorf("a masked square at %v", e.Square)
		}
	}
}

func TestRefusesBadParameters(t *testing.T) {
	scenariotest.RunRejects(t, sc, "pretext=rotation", "labels_per_class=0", "labels_per_class=21", "epochs=0", "epochs=61", "seed=x")
}

func TestDeterministic(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "epochs=2", -1)
	c := scenariotest.NewRun(t, sc, "epochs=2&seed=5")
	c.Advance(3)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameBudget(t *testing.T) {
	for _, query := range []string{"", "pretext=jigsaw"} {
		r := scenariotest.NewRun(t, sc, query)
		for _, steps := range []int{0, 1, 30} {
			r.Advance(steps)
			n := scenariotest.FrameWithin(t, r, 32<<10, query)
			t.Logf("%q step %d: %d bytes", query, r.StepNumber(), n)
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) { scenariotest.BenchStepAndFrame(b, sc, "") }

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }

// BenchmarkStepAndFrameCPU is BenchmarkStepAndFrame at the defaults timed
// in processor time (cpu-ms/op), which a shared machine inflates far less
// than the wall clock; a new run when one ends is not counted.
func BenchmarkStepAndFrameCPU(b *testing.B) {
	r := scenariotest.NewRun(b, sc, "")
	var cpu time.Duration
	for b.Loop() {
		if r.Done() {
			r.Reset()
		}
		c := scenariotest.CPUTime()
		r.Step()
		if _, err := r.JSON(true); err != nil {
			b.Fatal(err)
		}
		cpu += scenariotest.CPUTime() - c
	}
	b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
}
