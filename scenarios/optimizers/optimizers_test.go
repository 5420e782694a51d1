package optimizers

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// names are the optimisers the scenario offers.
var names = optimizersParam.Param().Options

// frame is the JSON contract of a frame.
type frame struct {
	Step    int                 `json:"step"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Surface      string                `json:"surface"`
		Start        [2]float64            `json:"start"`
		Minimum      [2]float64            `json:"minimum"`
		Positions    map[string][2]float64 `json:"positions"`
		F            map[string]*float64   `json:"f"`
		Rates        map[string]float64    `json:"rates"`
		NetworkRates map[string]float64    `json:"network_rates"`
		Loss         map[string]*float64   `json:"loss"`
		Epoch        int                   `json:"epoch"`
		BatchSize    int                   `json:"batch_size"`
		Updates      map[string]int        `json:"updates"`
	} `json:"state"`
	Note string `json:"note"`
}

// The surfaces and their gradients, written out again from the formulas.
var surfaces = map[string]struct {
	f    func(x, y float64) float64
	grad func(x, y float64) [2]float64
}{
	"rosenbrock": {
		func(x, y float64) float64 { return math.Pow(1-x, 2) + 100*math.Pow(y-x*x, 2) },
		func(x, y float64) [2]float64 { return [2]float64{-2*(1-x) - 400*x*(y-x*x), 200 * (y - x*x)} }},
	"saddle": {
		func(x, y float64) float64 { return x*x - y*y },
		func(x, y float64) [2]float64 { return [2]float64{2 * x, -2 * y} }},
}

// step applies one update of the named rule, with the constants the
// explanation states, to both coordinates; st is the rule's memory.
func step(name string, eta float64, theta *[2]float64, g [2]float64, st *[3][2]float64, t int) {
	for k := range 2 {
		switch name {
		case "sgd":
			theta[k] -= eta * g[k]
		case "momentum": // v ← 0.9v − ηg; θ ← θ + v
			st[0][k] = 0.9*st[0][k] - eta*g[k]
			theta[k] += st[0][k]
		case "rmsprop": // s ← 0.9s + 0.1g²; θ ← θ − ηg/(√s + 1e-8)
			st[0][k] = 0.9*st[0][k] + 0.1*g[k]*g[k]
			theta[k] -= eta * g[k] / (math.Sqrt(st[0][k]) + 1e-8)
		case "adadelta": // ρ = 0.95, ε = 1e-6
			st[0][k] = 0.95*st[0][k] + 0.05*g[k]*g[k]
			d := -math.Sqrt(st[1][k]+1e-6) / math.Sqrt(st[0][k]+1e-6) * g[k]
			st[1][k] = 0.95*st[1][k] + 0.05*d*d
			theta[k] += eta * d
		case "adam": // β₁ = 0.9, β₂ = 0.999, ε = 1e-8, bias-corrected
			st[0][k] = 0.9*st[0][k] + 0.1*g[k]
			st[1][k] = 0.999*st[1][k] + 0.001*g[k]*g[k]
			mh := st[0][k] / (1 - math.Pow(0.9, float64(t)))
			vh := st[1][k] / (1 - math.Pow(0.999, float64(t)))
			theta[k] -= eta * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
}

// TestUpdateFormulas: after two steps from the start the frame reports
// each optimiser where its update rule, applied here by hand to the
// surface's gradient, puts it (relative 1e-12), with f and the f_ metric
// the surface's value there.
func TestUpdateFormulas(t *testing.T) {
	for _, query := range []string{"surface=saddle", "surface=rosenbrock&seed=9&lr=2.5"} {
		r := scenariotest.NewRun(t, sc, query)
		f0 := scenariotest.Decode[frame](t, r, false)
		surf := surfaces[f0.State.Surface]
		want := map[string][2]float64{}
		for _, name := range names {
			theta, st := f0.State.Start, [3][2]float64{}
			if f0.State.Positions[name] != theta {
				t.Fatalf("%q: %s starts at %v, not at start %v", query, name, f0.State.Positions[name], theta)
			}
			for k := 1; k <= 2; k++ {
				step(name, f0.State.Rates[name], &theta, surf.grad(theta[0], theta[1]), &st, k)
			}
			want[name] = theta
		}
		r.Advance(2)
		f := scenariotest.Decode[frame](t, r, false)
		for _, name := range names {
			got := f.State.Positions[name]
			for k := range 2 {
				if d := math.Abs(got[k] - want[name][k]); d > 1e-12*math.Max(1, math.Abs(want[name][k])) {
					t.Errorf("%q: %s after 2 steps at %v, the formula gives %v", query, name, got, want[name])
				}
			}
			fv := surf.f(got[0], got[1])
			if math.Abs(*f.State.F[name]-fv) > 1e-9*math.Max(1, math.Abs(fv)) || *f.Metrics["f_"+name] != *f.State.F[name] {
				t.Errorf("%q: %s: f = %v, metric %v, want f(x, y) = %v", query, name, *f.State.F[name], *f.Metrics["f_"+name], fv)
			}
		}
	}
}

// Rates are the documented base rates times the multiplier.
func TestRates(t *testing.T) {
	f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, "surface=ravine&lr=0.5"), false)
	for name, base := range map[string]float64{"sgd": 0.18, "momentum": 0.03, "rmsprop": 0.01, "adadelta": 1, "adam": 0.1} {
		if f.State.Rates[name] != 0.5*base {
			t.Errorf("ravine rate of %s = %v, want 0.5 × %v", name, f.State.Rates[name], base)
		}
	}
	if f.State.NetworkRates["sgd"] != 0.25 || f.State.NetworkRates["adam"] != 0.015 {
		t.Errorf("network rates %v", f.State.NetworkRates)
	}
}

// The network race: the same initial network for everyone, one epoch a
// step, as many updates per epoch as the batch size says, and data.csv the
// 100 moons it trains on.
func TestNetworkRace(t *testing.T) {
	for _, tc := range []struct {
		batch   string
		size    int
		updates int
	}{{"full", 100, 1}, {"mini", 10, 10}, {"one", 1, 100}} {
		r := scenariotest.NewRun(t, sc, "batch="+tc.batch)
		f := scenariotest.Decode[frame](t, r, false)
		first := *f.State.Loss["sgd"]
		for _, name := range names {
			if *f.State.Loss[name] != first || *f.Metrics["loss_"+name] != first {
				t.Errorf("%s: step 0 loss of %s = %v, of sgd %v: not the same network", tc.batch, name, *f.State.Loss[name], first)
			}
		}
		r.Advance(30)
		f = scenariotest.Decode[frame](t, r, false)
		if f.State.BatchSize != tc.size || f.State.Epoch != 30 {
			t.Errorf("%s: batch size %d, epoch %d", tc.batch, f.State.BatchSize, f.State.Epoch)
		}
		for _, name := range names {
			if f.State.Updates[name] != 30*tc.updates {
				t.Errorf("%s: %s made %d updates in 30 epochs, want %d", tc.batch, name, f.State.Updates[name], 30*tc.updates)
			}
		}
		// Momentum learns under every batch size (0.98 → below 0.4 by epoch 30 for seed 1).
		if l := *f.State.Loss["momentum"]; l > 0.5*first {
			t.Errorf("%s: momentum's loss %v after 30 epochs, from %v", tc.batch, l, first)
		}
		rows := scenariotest.Rows(t, r)
		if strings.Join(rows[0], ",") != "x1,x2,label,split" || len(rows) != networkSamples+1 {
			t.Errorf("%s: data.csv %v with %d rows", tc.batch, rows[0], len(rows))
		}
	}
}

// The note narrates the race: the saddle's escapes and the ravine's zig-zag.
func TestNote(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "surface=saddle")
	r.Advance(100)
	if n := scenariotest.Decode[frame](t, r, false).Note; !strings.Contains(n, "escaped: ") || !strings.Contains(n, "still near the saddle: sgd") {
		t.Errorf("saddle at step 100: %q", n)
	}
	r = scenariotest.NewRun(t, sc, "surface=ravine&optimizers=sgd,adam")
	r.Advance(12)
	if n := scenariotest.Decode[frame](t, r, false).Note; !strings.Contains(n, "Zig-zagging across the ravine: sgd.") {
		t.Errorf("ravine at step 12: %q", n)
	}
	r = scenariotest.NewRun(t, sc, "surface=rosenbrock&lr=10&optimizers=sgd,adam")
	r.Advance(10)
	if n := scenariotest.Decode[frame](t, r, false).Note; !strings.Contains(n, "Diverged: sgd") {
		t.Errorf("rosenbrock at 10× the rates: %q", n)
	}
}

// Only the chosen optimisers run, and a diverging one still gives valid frames.
func TestSubsetAndDivergence(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "optimizers=sgd,adam&lr=10&surface=beale")
	r.Advance(60)
	f := scenariotest.Decode[frame](t, r, false)
	if len(f.State.Positions) != 2 || len(f.Metrics) != 4 {
		t.Errorf("positions %v, metrics %v", f.State.Positions, f.Metrics)
	}
	for _, panel := range []string{"surface", "distance", "network"} {
		if _, _, err := r.SVG(panel); err != nil {
			t.Errorf("panel %s: %v", panel, err)
		}
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "optimizers=", "optimizers=sgd,sgd", "optimizers=lbfgs", "optimizers=sgd,nesterov", "surface=himmelblau",
		"batch=2", "batch=", "lr=0", "lr=11", "seed=x")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&batch=one", 4)
	c := scenariotest.NewRun(t, sc, "seed=4&batch=one")
	c.Advance(4)
	scenariotest.SeedsDiffer(t, a, c)
}

// Frames stay within 32 KB at every stage of a run: curves are decimated
// and trails thinned, so a long run costs what a short one does.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "surface=saddle", "surface=ravine", "surface=beale&batch=one"} {
		r := scenariotest.NewRun(t, sc, q)
		for _, at := range []int{3, 150, maxSteps} {
			r.Advance(at - r.StepNumber())
			scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q))
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "batch=one")
}

// At 10× the rates sgd overshoots Rosenbrock's valley and is stopped a
// thousand map widths out: it stays put from then on, the note says why
// and names the rate multiplier, and no note spells a machine number. Its
// network still trains, so the run goes on.
func TestDivergedRacerStops(t *testing.T) {
	const q = "surface=rosenbrock&lr=10&optimizers=sgd,adam"
	r := scenariotest.NewRun(t, sc, q)
	var at [2]float64
	for r.StepNumber() < 100 {
		f := scenariotest.Decode[frame](t, r, false)
		scenariotest.CheckNote(t, f.Note, q)
		if r.StepNumber() == 20 {
			at = f.State.Positions["sgd"]
		}
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
	}
	f := scenariotest.Decode[frame](t, r, false)
	if f.State.Positions["sgd"] != at {
		t.Errorf("sgd moved after it left: %v at step 20, %v at 100", at, f.State.Positions["sgd"])
	}
	for _, want := range []string{"Diverged: sgd (η = 0.01, from step ", "overshot further", "Lower the rate multiplier lr (now 10)"} {
		if !strings.Contains(f.Note, want) {
			t.Errorf("note lacks %q: %s", want, f.Note)
		}
	}
	if r.Done() {
		t.Error("the run ended while the networks still train")
	}
}
