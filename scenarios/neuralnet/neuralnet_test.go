package neuralnet

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// layer is one entry of state.layers; nulls (a diverged network) decode
// as NaN through *float64.
type layer struct {
	W          [][]float64 `json:"W"`
	B          []float64   `json:"b"`
	Activation string      `json:"activation"`
}

// frame is the JSON contract of a neural-network frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Layers    []layer  `json:"layers"`
		Inputs    []string `json:"inputs"`
		Epoch     int      `json:"epoch"`
		Problem   string   `json:"problem"`
		Classes   int      `json:"classes"`
		Batch     int      `json:"batch"`
		Penalty   float64  `json:"penalty"`
		Confusion [][]int  `json:"confusion"`
		Diverged  bool     `json:"diverged"`
	} `json:"state"`
	Note string `json:"note"`
}

func metric(t testing.TB, f frame, name string) float64 {
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

// sample is one row of data.csv.
type sample struct {
	x     []float64
	y     float64
	train bool
}

// readData reads data.csv: x1..xd, label (or y), split.
func readData(t testing.TB, r *lab.Run) []sample {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	h := rows[0]
	d := len(h) - 2
	if h[0] != "x1" || h[1] != "x2" || (h[d] != "label" && h[d] != "y") || h[d+1] != "split" {
		t.Fatalf("data.csv header %v", h)
	}
	out := make([]sample, len(rows)-1)
	for i, row := range rows[1:] {
		s := sample{x: make([]float64, d), train: row[d+1] == "train"}
		for j := range d {
			s.x[j], _ = strconv.ParseFloat(row[j], 64)
		}
		s.y, _ = strconv.ParseFloat(row[d], 64)
		if row[d+1] != "train" && row[d+1] != "val" {
			t.Fatalf("row %d: split %q", i, row[d+1])
		}
		out[i] = s
	}
	return out
}

// features computes the network inputs written out from the feature names,
// independently of the scenario: the chosen functions of x1, x2, then the
// remaining columns.
func features(names []string, x []float64) []float64 {
	var in []float64
	for _, n := range names {
		in = append(in, map[string]float64{
			"x1": x[0], "x2": x[1], "x1sq": x[0] * x[0], "x2sq": x[1] * x[1], "x1x2": x[0] * x[1],
			"sinx1": math.Sin(x[0]), "sinx2": math.Sin(x[1]),
		}[n])
	}
	return append(in, x[2:]...)
}

// featureNames are the features the URL asks for.
func featureNames(v lab.Values) []string { return strings.Split(featuresParam.Text(v), ",") }

var activations = map[string]struct {
	f  func(z float64) float64
	df func(z, a float64) float64
}{
	"tanh":       {math.Tanh, func(_, a float64) float64 { return 1 - a*a }},
	"sigmoid":    {func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }, func(_, a float64) float64 { return a * (1 - a) }},
	"relu":       {func(z float64) float64 { return math.Max(z, 0) }, func(z, _ float64) float64 { return step(z, 0) }},
	"leaky_relu": {func(z float64) float64 { return z * step(z, 0.01) }, func(z, _ float64) float64 { return step(z, 0.01) }},
	"linear":     {func(z float64) float64 { return z }, func(_, _ float64) float64 { return 1 }},
}

func step(z, below float64) float64 {
	if z > 0 {
		return 1
	}
	return below
}

// forward is an independent forward pass: the pre-activations and the
// outputs of every layer, inputs first.
func forward(layers []layer, x []float64) (zs, hs [][]float64) {
	hs = [][]float64{x}
	for l, L := range layers {
		z := make([]float64, len(L.W))
		h := make([]float64, len(L.W))
		for o, row := range L.W {
			z[o] = L.B[o]
			for i, w := range row {
				z[o] += w * hs[l][i]
			}
		}
		switch L.Activation {
		case "softmax":
			mx := math.Inf(-1)
			for _, v := range z {
				mx = math.Max(mx, v)
			}
			var s float64
			for o, v := range z {
				h[o] = math.Exp(v - mx)
				s += h[o]
			}
			for o := range h {
				h[o] /= s
			}
		default:
			for o, v := range z {
				h[o] = activations[L.Activation].f(v)
			}
		}
		zs, hs = append(zs, z), append(hs, h)
	}
	return zs, hs
}

// lossAndClass is one sample's loss and predicted class.
func lossAndClass(problem string, out []float64, y float64) (float64, int) {
	switch problem {
	case "binary":
		c := 0
		if out[0] >= 0.5 {
			c = 1
		}
		return -(y*math.Log(out[0]) + (1-y)*math.Log(1-out[0])), c
	case "multiclass":
		best := 0
		for k := range out {
			if out[k] > out[best] {
				best = k
			}
		}
		return -math.Log(out[int(y)]), best
	}
	return (out[0] - y) * (out[0] - y) / 2, -1
}

// sgdStep is one full-batch gradient step, by backpropagation written out
// per sample: J = mean loss + λΩ(W), w ← w − η ∂J/∂w.
func sgdStep(layers []layer, X [][]float64, y []float64, problem, reg string, lambda, lr float64) []layer {
	n := float64(len(X))
	gW := make([][][]float64, len(layers))
	gB := make([][]float64, len(layers))
	for l, L := range layers {
		gB[l] = make([]float64, len(L.B))
		gW[l] = make([][]float64, len(L.W))
		for o := range L.W {
			gW[l][o] = make([]float64, len(L.W[o]))
		}
	}
	for s, x := range X {
		zs, hs := forward(layers, x)
		out := hs[len(hs)-1]
		// Output layer: (prediction − target)/n for each output/loss pair.
		delta := make([]float64, len(out))
		for o := range out {
			target := y[s]
			if problem == "multiclass" {
				target = 0
				if o == int(y[s]) {
					target = 1
				}
			}
			delta[o] = (out[o] - target) / n
		}
		for l := len(layers) - 1; l >= 0; l-- {
			for o, d := range delta {
				gB[l][o] += d
				for i, h := range hs[l] {
					gW[l][o][i] += d * h
				}
			}
			if l == 0 {
				break
			}
			prev := make([]float64, len(hs[l]))
			for i := range prev {
				var sum float64
				for o, d := range delta {
					sum += layers[l].W[o][i] * d
				}
				prev[i] = sum * activations[layers[l-1].Activation].df(zs[l-1][i], hs[l][i])
			}
			delta = prev
		}
	}
	next := make([]layer, len(layers))
	for l, L := range layers {
		next[l] = layer{B: make([]float64, len(L.B)), W: make([][]float64, len(L.W)), Activation: L.Activation}
		for o := range L.W {
			next[l].B[o] = L.B[o] - lr*gB[l][o]
			next[l].W[o] = make([]float64, len(L.W[o]))
			for i, w := range L.W[o] {
				g := gW[l][o][i]
				switch reg {
				case "l2":
					g += 2 * lambda * w
				case "l1":
					g += lambda * math.Copysign(1, w)
				}
				next[l].W[o][i] = w - lr*g
			}
		}
	}
	return next
}

func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestFullBatchStep: with batch ≥ the training set, sgd and no dropout, the
// weights of step 1 are one gradient step from the weights of step 0 on
// data.csv's training rows, computed by the independent backpropagation
// above, to 1e-9 (the two differ only in the order of floating-point sums).
// internal/ml's TestNetworkFullBatchStep checks the same against NumPy.
func TestFullBatchStep(t *testing.T) {
	for _, q := range []string{
		"batch=500&features=x1,x2,x1x2,sinx1&layers=3,2&reg=l2&reg_rate=0.01&lr=0.3",
		"dataset=spiral&problem=multiclass&classes=3&batch=500&layers=5&activation=relu&reg=l1&reg_rate=0.003&lr=0.1&noise=20",
		"dataset=reg-gauss&problem=regression&batch=500&layers=4,4&activation=sigmoid&reg=l2&reg_rate=0.001&lr=0.5",
		"dataset=wine&problem=multiclass&classes=3&batch=500&features=x1sq,x2&layers=2&activation=leaky_relu&lr=1",
		"dataset=xor&batch=500&layers=&features=x1,x2,x1x2&reg=l1&reg_rate=0.01&lr=3",
		"dataset=moons&batch=500&layers=8,8,8&activation=linear&train=80&points=1:1:0,-1:0.5:1&lr=0.05",
	} {
		v := scenariotest.Values(t, sc, q)
		r := scenariotest.NewRun(t, sc, q)
		var X [][]float64
		var y []float64
		for _, s := range readData(t, r) {
			if s.train {
				X, y = append(X, features(featureNames(v), s.x)), append(y, s.y)
			}
		}
		f0 := scenariotest.Decode[frame](t, r, false)
		if f0.State.Batch != len(X) {
			t.Fatalf("%q: batch %d, want the %d training samples", q, f0.State.Batch, len(X))
		}
		want := sgdStep(f0.State.Layers, X, y, problemParam.Get(v).name, regParam.Get(v), regRateParam.Get(v), lrParam.Get(v))
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
		got := scenariotest.Decode[frame](t, r, false).State.Layers
		moved := 0.0
		for l := range want {
			for o := range want[l].W {
				for i, w := range want[l].W[o] {
					if !close(got[l].W[o][i], w, 1e-9) {
						t.Fatalf("%q: layer %d W[%d][%d] = %.15g, want %.15g", q, l, o, i, got[l].W[o][i], w)
					}
					moved = math.Max(moved, math.Abs(w-f0.State.Layers[l].W[o][i]))
				}
				if !close(got[l].B[o], want[l].B[o], 1e-9) {
					t.Fatalf("%q: layer %d b[%d] = %.15g, want %.15g", q, l, o, got[l].B[o], want[l].B[o])
				}
			}
		}
		if moved < 1e-4 {
			t.Errorf("%q: the step moved no weight by more than %g: the check proves nothing", q, moved)
		}
	}
}

// TestFrameContract recomputes, from state.layers and data.csv alone, the
// frame's losses, accuracies and test confusion matrix with the
// independent forward pass, at several steps of mini-batch runs.
func TestFrameContract(t *testing.T) {
	for _, q := range []string{
		"",
		"dataset=gauss&problem=multiclass&classes=4&noise=30&optimizer=adam&dropout=0.2&layers=6",
		"dataset=reg-plane&problem=regression&optimizer=momentum&reg=l2&reg_rate=0.01&features=x1,x2,x1sq",
		"dataset=iris&problem=multiclass&classes=3&optimizer=rmsprop&batch=7&lr=0.01",
		"dataset=custom&points=1:1:0,-1:-1:1,0.5:-1:1,2:0:0",
	} {
		v := scenariotest.Values(t, sc, q)
		problem := problemParam.Get(v).name
		r := scenariotest.NewRun(t, sc, q)
		data := readData(t, r)
		for _, n := range []int{0, 1, 5} {
			if err := r.Advance(n); err != nil {
				t.Fatal(err)
			}
			f := scenariotest.Decode[frame](t, r, false)
			if f.State.Epoch != n || f.Step != n {
				t.Fatalf("%q: step %d has epoch %d", q, f.Step, f.State.Epoch)
			}
			var loss, right, count [2]float64
			confusion := map[[2]int]int{}
			for _, s := range data {
				_, hs := forward(f.State.Layers, features(featureNames(v), s.x))
				l, c := lossAndClass(problem, hs[len(hs)-1], s.y)
				k := 1
				if s.train {
					k = 0
				} else {
					confusion[[2]int{int(s.y), c}]++
				}
				loss[k] += l
				count[k]++
				if c == int(s.y) {
					right[k]++
				}
			}
			for k, split := range []string{"train", "val"} {
				want := loss[k] / count[k]
				if got := metric(t, f, split+"_loss"); !(close(got, want, 1e-9) || math.IsNaN(got) && count[k] == 0) {
					t.Errorf("%q step %d: %s_loss %v, recomputed %v", q, n, split, got, want)
				}
				if problem == "regression" {
					if _, ok := f.Metrics[split+"_accuracy"]; ok {
						t.Errorf("%q: regression reports an accuracy", q)
					}
					continue
				}
				if got, want := metric(t, f, split+"_accuracy"), right[k]/count[k]; !(got == want || math.IsNaN(got) && count[k] == 0) {
					t.Errorf("%q step %d: %s_accuracy %v, recomputed %v", q, n, split, got, want)
				}
			}
			for a, row := range f.State.Confusion {
				for b, got := range row {
					if want := confusion[[2]int{a, b}]; got != want {
						t.Errorf("%q step %d: confusion[%d][%d] = %d, recomputed %d", q, n, a, b, got, want)
					}
				}
			}
			// The first layer reads the inputs the state names.
			if len(f.State.Layers[0].W[0]) != len(f.State.Inputs) || len(f.State.Layers)-1 != len(layersParam.Get(v)) {
				t.Errorf("%q: %d inputs named, first W has %d columns", q, len(f.State.Inputs), len(f.State.Layers[0].W[0]))
			}
		}
	}
}

// TestLearns: the default network separates the circle, and a network
// without hidden layers does it too when given x1² and x2².
func TestLearns(t *testing.T) {
	for _, q := range []string{"", "layers=&features=x1sq,x2sq&lr=0.3"} {
		r := scenariotest.NewRun(t, sc, q)
		if err := r.Advance(300); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		if acc := metric(t, f, "val_accuracy"); acc < 0.95 {
			t.Errorf("%q: validation accuracy %v after 300 epochs", q, acc)
		}
		if first, last := 0.69, metric(t, f, "train_loss"); last > first/3 {
			t.Errorf("%q: training loss still %v", q, last)
		}
	}
}

// Each way a run can blow up stops it within a few epochs with a note that
// says why and which rate to lower: weights that overflow to ±Inf or NaN,
// a loss past 10⁶ times its start while still finite, and an L2 penalty
// that makes every update multiply the weights by 1 − 2ηλ = −199.
func TestDiverges(t *testing.T) {
	tests := []struct {
		query string
		names []string
	}{
		{"dataset=reg-plane&problem=regression&lr=10&activation=linear&batch=1&features=x1,x2,x1sq,x2sq,x1x2&layers=8,8",
			[]string{"learning rate η = 10", "Lower η"}},
		{"dataset=reg-plane&problem=regression&lr=10",
			[]string{"over a million times its start", "learning rate η = 10", "Lower η"}},
		{"lr=10&reg=l2&reg_rate=10",
			[]string{"learning rate η = 10", "L2 rate λ = 10", "η·λ below about 1", "lower η"}},
	}
	for _, tt := range tests {
		scenariotest.Diverges(t, sc, tt.query, 50, tt.names...)
		r := scenariotest.NewRun(t, sc, tt.query)
		if err := r.Advance(50); err != nil {
			t.Fatal(err)
		}
		if f := scenariotest.Decode[frame](t, r, false); !f.State.Diverged {
			t.Errorf("%s: state.diverged is false at the end", tt.query)
		}
		if _, err := r.JSON(true); err != nil {
			t.Errorf("%s: a diverged frame does not render: %v", tt.query, err)
		}
	}
}

func TestWaitsForPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dataset=custom&points=1:1:0")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "at least 2") {
		t.Errorf("custom with 1 point: done %v note %q", f.Done, f.Note)
	}
	if _, err := r.JSON(true); err != nil {
		t.Errorf("custom with 1 point: %v", err)
	}
}

func TestBadParams(t *testing.T) {
	for _, q := range []string{
		"layers=9", "layers=1,1,1,1,1,1,1", "layers=0", "features=", "features=x3", "lr=0", "lr=11",
		"dropout=0.95", "batch=0", "batch=501", "noise=60", "train=95", "activation=swish", "optimizer=lbfgs",
		"reg=l3", "problem=ranking",
		// Values that are fine alone but not together are refused by New.
		"problem=regression", "dataset=reg-plane&problem=binary", "dataset=reg-gauss&problem=multiclass",
		"classes=3", "problem=multiclass&dataset=xor&classes=3", "problem=multiclass&dataset=iris&classes=4",
		"problem=regression&dataset=reg-plane&classes=3", "points=1:1:3",
		"dataset=reg-plane&problem=regression&points=1:1:0",
	} {
		_, err := scenariotest.TryRun(t, sc, q)
		last := q[strings.LastIndex(q, "&")+1:]
		name, _, _ := strings.Cut(last, "=")
		scenariotest.WantParamError(t, err, q, name)
	}
}

func TestSameURLSameFrames(t *testing.T) {
	q := "seed=3&dropout=0.3&optimizer=adam&dataset=spiral&layers=5,5"
	a, _ := scenariotest.SameURLSameFrames(t, sc, q, 4)
	c := scenariotest.NewRun(t, sc, "seed=4&dropout=0.3&optimizer=adam&dataset=spiral&layers=5,5")
	c.Advance(4)
	scenariotest.SeedsDiffer(t, a, c)
}

// The default frame must stay small enough to stream several times a second.
func TestFrameSize(t *testing.T) {
	for q, limit := range map[string]int{
		"":                                     32 << 10,
		"train=90":                             32 << 10,
		"dataset=reg-gauss&problem=regression": 32 << 10,
		// Thirteen inputs: 13 node maps and 60 weighted edges more.
		"dataset=wine&problem=multiclass&classes=3": 34 << 10,
		// The largest network: 8×6 units, every feature, three classes;
		// the 10×10 maps inside its 58 nodes take about 5 KB.
		"dataset=spiral&problem=multiclass&classes=3&layers=8,8,8,8,8,8&features=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2": 104 << 10,
	} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(5)
		scenariotest.FrameWithin(t, r, limit, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=spiral&problem=multiclass&classes=3&layers=8,8,8&optimizer=adam")
}

// BenchmarkEpochAndRegionMap is the speed budget at the default
// parameters: one training epoch (with the train and test losses) plus
// the network's outputs over the 100×100 region grid.
func BenchmarkEpochAndRegionMap(b *testing.B) {
	mdl, err := newModel(scenariotest.Values(b, sc, ""))
	if err != nil {
		b.Fatal(err)
	}
	m := mdl.(*model)
	b.ReportAllocs()
	for b.Loop() {
		m.net.Step()
		m.evaluate()
		m.gridOutputs()
	}
}

// BenchmarkRegionMap is the network's outputs, every layer, over the
// 100×100 region grid at the default parameters: what the region map and
// the unit maps are drawn from.
func BenchmarkRegionMap(b *testing.B) {
	mdl, err := newModel(scenariotest.Values(b, sc, ""))
	if err != nil {
		b.Fatal(err)
	}
	m := mdl.(*model)
	m.net.Step()
	b.ReportAllocs()
	for b.Loop() {
		m.gridEpoch = -1
		m.gridOutputs()
	}
}

// The output map and the unit maps are drawn from the network's
// approximate forward pass (tanh and sigmoid within 3.1·10⁻⁸). On networks
// trained for a while, with every activation and problem, each cell's
// colour level from it must equal the exact pass's or be its neighbour:
// only a value within 10⁻⁶ of a level's edge can cross it.
func TestApproxMapsWithinALevel(t *testing.T) {
	for _, q := range []string{
		"",
		"activation=sigmoid&layers=8,8",
		"activation=relu",
		"activation=leaky_relu&dataset=xor",
		"dataset=spiral&problem=multiclass&classes=3&layers=8,8,8&optimizer=adam",
		"dataset=reg-gauss&problem=regression",
	} {
		mdl, err := newModel(scenariotest.Values(t, sc, q))
		if err != nil {
			t.Fatal(err)
		}
		m := mdl.(*model)
		for range 40 {
			if err := m.Step(); err != nil {
				t.Fatal(err)
			}
		}
		const cells = regionRes * regionRes
		var exact [][]float64
		for _, out := range m.net.Forward(m.grid, cells) {
			exact = append(exact, append([]float64(nil), out...))
		}
		approx := m.net.ForwardApprox(m.grid, cells)
		lo, hi := m.targetRange()
		changed, total := 0, 0
		for l, out := range exact {
			total += len(out)
			units := len(out) / cells
			last := l == len(exact)-1
			for u := range units {
				// The colour level of a value, as plotOutput and plotUnits
				// pick it.
				scale, centre := m.act.halfRange, m.act.centre
				if m.act.unbounded {
					scale = 1e-12
					for c := range cells {
						scale = math.Max(scale, math.Abs(out[c*units+u]))
					}
				}
				level := func(v float64) float64 {
					switch {
					case last && m.problem.multiclass:
						return math.Round(v * levels)
					case last && m.problem.regression:
						return math.Floor(min(max((v-lo)/(hi-lo), 0), 1) * rampBands)
					case last:
						return math.Round(min(max(2*v-1, -1), 1) * levels)
					}
					return math.Round(min(max((v-centre)/scale, -1), 1) * levels)
				}
				for c := range cells {
					want, got := level(out[c*units+u]), level(approx[l][c*units+u])
					if math.Abs(got-want) > 1 {
						t.Fatalf("%q: layer %d unit %d cell %d: level %v, exact %v (values %v, %v)",
							q, l, u, c, got, want, approx[l][c*units+u], out[c*units+u])
					}
					if got != want {
						changed++
					}
				}
			}
		}
		t.Logf("%q: %d of %d cell levels moved by one", q, changed, total)
	}
}

// BenchmarkRegionMapExact is BenchmarkRegionMap through the exact forward
// pass, for comparison.
func BenchmarkRegionMapExact(b *testing.B) {
	mdl, err := newModel(scenariotest.Values(b, sc, ""))
	if err != nil {
		b.Fatal(err)
	}
	m := mdl.(*model)
	m.net.Step()
	b.ReportAllocs()
	for b.Loop() {
		m.net.Forward(m.grid, regionRes*regionRes)
	}
}

// TestConfusionVersion: the confusion panel's version changes exactly when
// the counts do (so a settled matrix is not drawn again, and a moved one
// always is), and the other panels have none.
func TestConfusionVersion(t *testing.T) {
	md, err := newModel(scenariotest.Values(t, sc, ""))
	if err != nil {
		t.Fatal(err)
	}
	m := md.(*model)
	same, moved := 0, 0
	prev := fmt.Sprint(m.confusion)
	v0, ok := m.PanelVersion("confusion")
	if !ok {
		t.Fatal("the confusion panel has no version")
	}
	for range 200 {
		if err := m.Step(); err != nil {
			t.Fatal(err)
		}
		counts := fmt.Sprint(m.confusion)
		v, _ := m.PanelVersion("confusion")
		switch {
		case counts == prev && v != v0:
			t.Errorf("epoch %d: counts %s unchanged, version changed", m.net.Epoch(), counts)
		case counts != prev && v == v0:
			t.Errorf("epoch %d: counts %s → %s, version unchanged", m.net.Epoch(), prev, counts)
		case counts == prev:
			same++
		default:
			moved++
		}
		prev, v0 = counts, v
	}
	if same == 0 || moved == 0 {
		t.Errorf("over 200 epochs the counts stayed %d times and moved %d times: the check needs both", same, moved)
	}
	for _, p := range []string{"output", "network", "loss", "accuracy"} {
		if _, ok := m.PanelVersion(p); ok {
			t.Errorf("panel %s has a version; it changes every epoch", p)
		}
	}
}
