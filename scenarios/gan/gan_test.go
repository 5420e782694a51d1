package gan

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	mlgan "github.com/mlplayground/playground/internal/ml/gan"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a gan frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Loss       string      `json:"loss"`
		DUpdates   int         `json:"d_updates"`
		GUpdates   int         `json:"g_updates"`
		Real       [][]float64 `json:"real"`
		Generated  [][]float64 `json:"generated"`
		DReal      []float64   `json:"d_real"`
		DFake      []float64   `json:"d_fake"`
		Modes      int         `json:"modes"`
		ModeCounts []int       `json:"mode_counts"`
		JSFloor    float64     `json:"js_floor"`
		Collapse   string      `json:"collapse"`
	} `json:"state"`
}

func metric(t *testing.T, f frame, name string) float64 {
	t.Helper()
	v, ok := f.Metrics[name]
	if !ok || v == nil {
		t.Fatalf("step %d: metric %s missing or null", f.Step, name)
	}
	return *v
}

// TestLossesFromState: metrics.d_loss and metrics.g_loss equal the page's
// formulas recomputed from state.d_real and state.d_fake, to 1e-9, for
// both games and at several steps:
//
//	log: L_D = −mean[log D(x) + log(1 − D(G(z)))], L_G = −mean log D(G(z))
//	lsq: L_D = ½mean(D(x) − 1)² + ½mean D(G(z))², L_G = ½mean(D(G(z)) − 1)²
func TestLossesFromState(t *testing.T) {
	for _, q := range []string{"", "loss=lsq", "target=moons&d_steps=3", "target=grid&loss=lsq&optimizer=sgd&lr=0.05"} {
		r := scenariotest.NewRun(t, sc, q)
		for _, at := range []int{0, 1, 40, 150} {
			if err := r.Advance(at); err != nil {
				t.Fatal(err)
			}
			f := scenariotest.Decode[frame](t, r, false)
			s := f.State
			if len(s.Real) != evalN || len(s.Generated) != evalN || len(s.DReal) != evalN || len(s.DFake) != evalN {
				t.Fatalf("%q step %d: %d real, %d generated, %d and %d D outputs, want %d each", q, at,
					len(s.Real), len(s.Generated), len(s.DReal), len(s.DFake), evalN)
			}
			var dLoss, gLoss float64
			for i := range s.DReal {
				r, g := s.DReal[i], s.DFake[i]
				if s.Loss == "lsq" {
					dLoss += 0.5*(r-1)*(r-1) + 0.5*g*g
					gLoss += 0.5 * (g - 1) * (g - 1)
				} else {
					dLoss -= math.Log(r) + math.Log(1-g)
					gLoss -= math.Log(g)
				}
			}
			dLoss /= float64(evalN)
			gLoss /= float64(evalN)
			if got := metric(t, f, "d_loss"); math.Abs(got-dLoss) > 1e-9 {
				t.Errorf("%q step %d: d_loss %v, from the state %v", q, at, got, dLoss)
			}
			if got := metric(t, f, "g_loss"); math.Abs(got-gLoss) > 1e-9 {
				t.Errorf("%q step %d: g_loss %v, from the state %v", q, at, got, gLoss)
			}
			if want := map[string]string{"": "log", "loss=lsq": "lsq"}; q == "loss=lsq" && s.Loss != want[q] {
				t.Errorf("%q: state.loss %q", q, s.Loss)
			}
		}
	}
}

// TestStateIsTheNetworks: state.generated is G of the fixed noise, and
// state.d_real and state.d_fake are D of state.real and state.generated,
// to the bit; the losses at equilibrium are the dashed lines' values.
func TestStateIsTheNetworks(t *testing.T) {
	v := scenariotest.Values(t, sc, "target=grid&noise_dim=3")
	lm, err := newModel(v)
	if err != nil {
		t.Fatal(err)
	}
	m := lm.(*model)
	for range 30 {
		m.Step()
	}
	c := m.cur
	gen := m.net.Generate(m.evalZ, evalN)
	flatReal := m.evalReal
	dReal, dFake := m.net.Discriminate(flatReal, evalN), m.net.Discriminate(gen, evalN)
	for i := range evalN {
		if gen[2*i] != c.generated[2*i] || gen[2*i+1] != c.generated[2*i+1] || dReal[i] != c.dReal[i] || dFake[i] != c.dFake[i] {
			t.Fatalf("sample %d: the state is not the networks' output", i)
		}
	}
	if d, g := mlgan.Equilibrium(mlgan.LossLog); math.Abs(d-1.3862943611198906) > 1e-15 || math.Abs(g-0.6931471805599453) > 1e-15 {
		t.Errorf("log equilibrium %v, %v, want 2 log 2, log 2", d, g)
	}
}

// TestModesCoveredFromState: metrics.modes_covered counts the modes of
// state.mode_counts holding at least a fifth of their fair share of the
// 1000 generated points, and on_target is their total share.
func TestModesCoveredFromState(t *testing.T) {
	for _, q := range []string{"", "target=grid", "target=moons", "target=custom&points=1:1,-2:0.5,0:-2"} {
		r := scenariotest.NewRun(t, sc, q)
		if err := r.Advance(300); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		s := f.State
		if len(s.ModeCounts) != s.Modes {
			t.Fatalf("%q: %d counts for %d modes", q, len(s.ModeCounts), s.Modes)
		}
		covered, on := 0, 0
		for _, c := range s.ModeCounts {
			on += c
			if float64(c) >= 0.2*float64(jsN)/float64(s.Modes) {
				covered++
			}
		}
		if got := metric(t, f, "modes_covered"); got != float64(covered) {
			t.Errorf("%q: modes_covered %v, from the counts %d", q, got, covered)
		}
		if got := metric(t, f, "on_target"); math.Abs(got-float64(on)/jsN) > 1e-15 {
			t.Errorf("%q: on_target %v, from the counts %v", q, got, float64(on)/jsN)
		}
		if want := map[string]int{"": 8, "target=grid": 9, "target=moons": 2, "target=custom&points=1:1,-2:0.5,0:-2": 3}[q]; s.Modes != want {
			t.Errorf("%q: %d modes, want %d", q, s.Modes, want)
		}
		if !strings.Contains(f.Note, strconv.Itoa(covered)+" of "+strconv.Itoa(s.Modes)+" modes") && s.Collapse == "" {
			t.Errorf("%q: the note does not say %d of %d modes: %s", q, covered, s.Modes, f.Note)
		}
		scenariotest.CheckNote(t, f.Note, q)
	}
}

// TestModeCollapseNamed: a weak generator (one hidden layer of 4 units)
// against a strong discriminator piles its samples on half the ring's
// modes by step 1500, and the note names it; the default run covers all
// eight by then and names nothing.
func TestModeCollapseNamed(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "g_layers=4&d_layers=32,32")
	if err := r.Advance(1500); err != nil {
		t.Fatal(err)
	}
	f := scenariotest.Decode[frame](t, r, false)
	if f.State.Collapse != "modes" || !strings.Contains(f.Note, "Mode collapse") || metric(t, f, "modes_covered") > 4 {
		t.Errorf("collapse %q, modes covered %v: %s", f.State.Collapse, metric(t, f, "modes_covered"), f.Note)
	}
	r = scenariotest.NewRun(t, sc, "")
	if err := r.Advance(1500); err != nil {
		t.Fatal(err)
	}
	f = scenariotest.Decode[frame](t, r, false)
	if f.State.Collapse != "" || strings.Contains(f.Note, "collapse") || metric(t, f, "modes_covered") != 8 {
		t.Errorf("default run at 1500: collapse %q, modes covered %v: %s", f.State.Collapse, metric(t, f, "modes_covered"), f.Note)
	}
	// The JS estimate has fallen from about log 2 (no overlap at the
	// start) to a few times the floor of two target samples.
	js := metric(t, f, "js")
	if js > 0.2 || js < f.State.JSFloor {
		t.Errorf("default run at 1500: JS %v (floor %v), want between the floor and 0.2", js, f.State.JSFloor)
	}
}

// TestTrainOnePlayer: train=d never moves G, train=g never moves D, and the
// update counters say k_D D updates and one G update per step.
func TestTrainOnePlayer(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "train=d&d_steps=3")
	f0 := scenariotest.Decode[frame](t, r, false)
	if err := r.Advance(20); err != nil {
		t.Fatal(err)
	}
	f := scenariotest.Decode[frame](t, r, false)
	for i := range f.State.Generated {
		if f.State.Generated[i][0] != f0.State.Generated[i][0] || f.State.Generated[i][1] != f0.State.Generated[i][1] {
			t.Fatalf("train=d: generated sample %d moved", i)
		}
	}
	if f.State.DUpdates != 60 || f.State.GUpdates != 0 {
		t.Errorf("train=d, d_steps=3, 20 steps: %d D and %d G updates, want 60 and 0", f.State.DUpdates, f.State.GUpdates)
	}
	// D alone separates the ring from G's blob: its loss falls below the
	// equilibrium value 2 log 2.
	if d := metric(t, f, "d_loss"); d > 1.2 {
		t.Errorf("train=d: d_loss %v after 60 D updates", d)
	}
	r = scenariotest.NewRun(t, sc, "train=g")
	f0 = scenariotest.Decode[frame](t, r, false)
	if err := r.Advance(20); err != nil {
		t.Fatal(err)
	}
	f = scenariotest.Decode[frame](t, r, false)
	for i := range f.State.DReal {
		if f.State.DReal[i] != f0.State.DReal[i] {
			t.Fatalf("train=g: D's output on target sample %d changed", i)
		}
	}
	if f.State.DUpdates != 0 || f.State.GUpdates != 20 {
		t.Errorf("train=g: %d D and %d G updates, want 0 and 20", f.State.DUpdates, f.State.GUpdates)
	}
	r = scenariotest.NewRun(t, sc, "d_steps=2")
	if err := r.Advance(7); err != nil {
		t.Fatal(err)
	}
	f = scenariotest.Decode[frame](t, r, false)
	if f.State.DUpdates != 14 || f.State.GUpdates != 7 || !strings.Contains(f.Note, "2 D updates, then 1 G update") {
		t.Errorf("d_steps=2, 7 steps: %d D and %d G updates: %s", f.State.DUpdates, f.State.GUpdates, f.Note)
	}
}

// TestDataCSV: data.csv is the 1000-sample target behind the estimate,
// each sample with its mode; the ring's samples lie about 2 from the
// centre, each within 3σ·√2-ish of its own mode centre.
// TestTrainSwitchedLive: train changed while the run plays, as the URL
// records it (train=both,d@5,both@9): the first 5 steps are those of
// train=both; then D alone learns for 4 steps (4 more D updates, none of
// G, the generated samples stay put); then both again.
func TestTrainSwitchedLive(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "train=both,d@5,both@9")
	plain := scenariotest.NewRun(t, sc, "")
	if err := errors.Join(r.Advance(5), plain.Advance(5)); err != nil {
		t.Fatal(err)
	}
	f5, p5 := scenariotest.Decode[frame](t, r, false), scenariotest.Decode[frame](t, plain, false)
	if !reflect.DeepEqual(f5.State, p5.State) {
		t.Fatalf("the first 5 steps differ from train=both's")
	}
	if err := r.Advance(9); err != nil {
		t.Fatal(err)
	}
	f9 := scenariotest.Decode[frame](t, r, false)
	if f9.State.DUpdates != 9 || f9.State.GUpdates != 5 {
		t.Errorf("after step 9: %d D and %d G updates, want 9 and 5", f9.State.DUpdates, f9.State.GUpdates)
	}
	if !reflect.DeepEqual(f9.State.Generated, f5.State.Generated) {
		t.Errorf("G moved while only D learned")
	}
	if !strings.Contains(f9.Note, "no G update") {
		t.Errorf("note at step 9 %q, want it to say no G update", f9.Note)
	}
	if err := r.Advance(10); err != nil {
		t.Fatal(err)
	}
	if f := scenariotest.Decode[frame](t, r, false); f.State.DUpdates != 10 || f.State.GUpdates != 6 {
		t.Errorf("after step 10: %d D and %d G updates, want 10 and 6", f.State.DUpdates, f.State.GUpdates)
	}
}

func TestDataCSV(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	rows := scenariotest.Rows(t, r)
	if h := strings.Join(rows[0], ","); h != "x1,x2,label" || len(rows) != poolN+1 {
		t.Fatalf("header %s, %d rows", h, len(rows)-1)
	}
	var meanR float64
	for _, row := range rows[1:] {
		x, _ := strconv.ParseFloat(row[0], 64)
		y, _ := strconv.ParseFloat(row[1], 64)
		k, err := strconv.Atoi(row[2])
		if err != nil || k < 0 || k >= 8 {
			t.Fatalf("row %v: mode %q", row, row[2])
		}
		a := 2 * math.Pi * float64(k) / 8
		if d := math.Hypot(x-2*math.Cos(a), y-2*math.Sin(a)); d > 6*sigma {
			t.Errorf("sample (%v, %v) is %v from its mode %d", x, y, d, k)
		}
		meanR += math.Hypot(x, y) / poolN
	}
	if math.Abs(meanR-2) > 0.02 {
		t.Errorf("mean radius %v, want about 2", meanR)
	}
	// The state's target samples are the first rows.
	f := scenariotest.Decode[frame](t, r, false)
	for i, p := range f.State.Real {
		if strconv.FormatFloat(p[0], 'g', -1, 64) != rows[i+1][0] || strconv.FormatFloat(p[1], 'g', -1, 64) != rows[i+1][1] {
			t.Fatalf("state.real[%d] = %v, data.csv row %v", i, p, rows[i+1])
		}
	}
}

// TestCustomTarget: a custom target waits for points; clicked points
// become its modes; points off the map are refused by name.
func TestCustomTarget(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "target=custom")
	f := scenariotest.Decode[frame](t, r, true)
	if !r.Done() || !strings.Contains(f.Note, "click on the map") {
		t.Errorf("custom target without points: done %v, note %q", r.Done(), f.Note)
	}
	r = scenariotest.NewRun(t, sc, "target=custom&points=1:1,-1:-1")
	f = scenariotest.Decode[frame](t, r, false)
	if f.State.Modes != 2 || r.Done() {
		t.Errorf("two points: %d modes, done %v", f.State.Modes, r.Done())
	}
	for _, p := range f.State.Real {
		if math.Min(math.Hypot(p[0]-1, p[1]-1), math.Hypot(p[0]+1, p[1]+1)) > 6*sigma {
			t.Errorf("target sample %v is far from both points", p)
		}
	}
	r = scenariotest.NewRun(t, sc, "target=ring&points=0:0")
	if f = scenariotest.Decode[frame](t, r, false); f.State.Modes != 9 {
		t.Errorf("ring and one point: %d modes, want 9", f.State.Modes)
	}
}

func TestParamErrors(t *testing.T) {
	scenariotest.ParseRejects(t, sc,
		"target=spiral", "noise_dim=0", "noise_dim=9", "g_layers=33", "g_layers=4,4,4,4", "d_layers=0",
		"d_steps=0", "d_steps=6", "train=both_players", "loss=hinge", "optimizer=lbfgs", "lr=0", "lr=0.6", "seed=-1")
	scenariotest.RunRejects(t, sc, "points=3.5:0", "points=0:-4&target=custom")
}

// TestDeterministic: one URL gives the same frames byte for byte; another
// seed gives another run.
func TestDeterministic(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "target=moons&loss=lsq&points=1:2", 25)
	c := scenariotest.NewRun(t, sc, "target=moons&loss=lsq&points=1:2&seed=2")
	if err := c.Advance(a.StepNumber()); err != nil {
		t.Fatal(err)
	}
	scenariotest.SeedsDiffer(t, a, c)
}

// TestFrameBudget: frames stay within 32 KB at the defaults and in the
// heaviest settings, at the steps where the map is fullest.
func TestFrameBudget(t *testing.T) {
	for _, q := range []string{"", "target=grid", "target=moons&loss=lsq", "g_layers=4&d_layers=32,32",
		"target=custom&points=1:1,2:2,-1:2,-2:-2,0:0,1:-2,2.5:0&noise_dim=1", "lr=0.05&optimizer=momentum"} {
		r := scenariotest.NewRun(t, sc, q)
		for _, at := range []int{0, 1, 100, 600, 1500} {
			if err := r.Advance(at); err != nil {
				t.Fatal(err)
			}
			scenariotest.FrameWithin(t, r, 32<<10, q)
		}
	}
}

// TestDiverges: a learning rate far too large ends the run within a few
// dozen steps, with a note that names lr and a frame that still encodes.
func TestDiverges(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "optimizer=momentum&lr=0.5&loss=lsq")
	if err := r.Advance(100); err != nil {
		t.Fatal(err)
	}
	f := scenariotest.Decode[frame](t, r, true)
	scenariotest.CheckNote(t, f.Note, "diverging run")
	if !r.Done() || r.StepNumber() >= 100 || !strings.Contains(f.Note, "Diverged") || !strings.Contains(f.Note, "lr") {
		t.Errorf("done %v at step %d: %s", r.Done(), r.StepNumber(), f.Note)
	}
}
