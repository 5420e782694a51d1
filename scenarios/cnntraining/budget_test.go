package cnntraining

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/netstate"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

// budgetFrame is what the budget tests read of a frame.
type budgetFrame struct {
	Step   int    `json:"step"`
	Note   string `json:"note"`
	Caveat string `json:"caveat"`
	State  struct {
		Layers    []layer `json:"layers"`
		Params    int     `json:"params"`
		Precision *string `json:"weights_precision"`
	} `json:"state"`
}

// weightText is the number of characters of every W and b in a frame.
func (f budgetFrame) weightText() int {
	n := 0
	for _, l := range f.State.Layers {
		n += len(l.W) + len(l.B)
	}
	return n
}

// newTestModel builds the model of a query as a run would.
func newTestModel(t *testing.T, query string) *model {
	t.Helper()
	m, err := newModel(scenariotest.Values(t, sc, query))
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	return m.(*model)
}

// The largest networks of a few families that a frame still carries, as
// float32 (tier 2) and as float64 (tier 1): one more filter in the last
// block is the next tier, or refused (TestFrameBudgetTiers). They have the
// flatten head, whose dense layer grows with the last maps, and pooling
// of 2 unless they say otherwise.
var (
	largestFloat32 = flattened("filters=8,16", "filters=11", "filters=8,8,15", "filters=4,8,19", "filters=4,12&kernel=5",
		"filters=2,2&pool=1", "dataset=shapes&filters=8,17", "dataset=shapes&filters=4,8,20", "dataset=shapes&filters=8,7&kernel=5",
		"dataset=shapes&filters=3&pool=1", "dataset=shapes&filters=8,24&pool=3")
	largestFloat64 = flattened("filters=4,9", "filters=8,5", "filters=4,8,5", "filters=4", "dataset=shapes&filters=8,6",
		"dataset=shapes&filters=8,8&pool=3", "filters=1,1&pool=1")
)

// flattened gives each query the flatten head, and pool=2 when it names
// no pooling.
func flattened(queries ...string) []string {
	out := make([]string, len(queries))
	for i, q := range queries {
		out[i] = q + "&head=flatten"
		if !strings.Contains(q, "pool=") {
			out[i] += "&pool=2"
		}
	}
	return out
}

// plusOne adds one filter to the last block of a query's filters.
func plusOne(t *testing.T, query string) string {
	t.Helper()
	v := scenariotest.Values(t, sc, query)
	f := append([]int(nil), filtersParam.Get(v)...)
	f[len(f)-1]++
	return strings.Replace(query, "filters="+joinInts(filtersParam.Get(v)), "filters="+joinInts(f), 1)
}

// TestWeightChars: the formula the budget decides by is the frame's own
// size: weightCount is state.params, and weightChars(cfg, 8 or 4) the
// characters of every W and b the frame carries, for each tier.
func TestWeightChars(t *testing.T) {
	for _, q := range append(append([]string{"", "dataset=shapes&filters=3,4,5&kernel=2"}, largestFloat32...), largestFloat64...) {
		m := newTestModel(t, q)
		f := scenariotest.Decode[budgetFrame](t, scenariotest.NewRun(t, sc, q), false)
		cfg := m.cnn.Config
		size := 8
		if m.float32 {
			size = 4
		}
		if got := weightCount(cfg); got != f.State.Params {
			t.Errorf("%q: weightCount %d, state.params %d", q, got, f.State.Params)
		}
		if got, want := weightChars(cfg, size), f.weightText(); got != want {
			t.Errorf("%q: weightChars(%d) = %d, the frame's W and b take %d", q, size, got, want)
		}
	}
	// 4·⌈8n/3⌉ characters an array of n float64s: the default's conv1 W
	// (36), conv1 b (4), conv2 W (432), conv2 b (12), dense W (120), b (10).
	b64 := func(bytes int) int { return 4 * ((bytes + 2) / 3) }
	want8 := b64(8*36) + b64(8*4) + b64(8*432) + b64(8*12) + b64(8*120) + b64(8*10)
	if got := weightChars(defaultConfig(newTestModel(t, "").cnn.Config.In), 8); got != want8 || want8 != 6552 {
		t.Errorf("default: %d characters as float64, want %d = 6 552", got, want8)
	}
}

// TestFrameBudgetTiers: the default keeps exact float64 weights and says
// nothing of precision; the largest networks of float32 frames say so in
// the state, each layer's dtype and the frame's caveat, which the page
// shows beside the note; one filter more is refused
// with the project's parameter error, naming filters and the figures.
func TestFrameBudgetTiers(t *testing.T) {
	for _, q := range append([]string{""}, largestFloat64...) {
		f := scenariotest.Decode[budgetFrame](t, scenariotest.NewRun(t, sc, q), false)
		for _, l := range f.State.Layers {
			if l.DType != "<f8" {
				t.Errorf("%q: %s dtype %q, want <f8", q, l.Name, l.DType)
			}
		}
		if f.State.Precision != nil || f.Caveat != "" || strings.Contains(f.Note, "float32") {
			t.Errorf("%q: exact weights, but precision %v, caveat %q, note %q", q, f.State.Precision, f.Caveat, f.Note)
		}
		if q != "" {
			if m := newTestModel(t, plusOne(t, q)); !m.float32 {
				t.Errorf("%q: one more filter still goes as float64", q)
			}
		}
	}
	for _, q := range largestFloat32 {
		r := scenariotest.NewRun(t, sc, q)
		f := scenariotest.Decode[budgetFrame](t, r, false)
		for _, l := range f.State.Layers {
			if l.DType != "<f4" {
				t.Errorf("%q: %s dtype %q, want <f4", q, l.Name, l.DType)
			}
		}
		if f.State.Precision == nil || *f.State.Precision != "float32" {
			t.Errorf("%q: weights_precision %v, want float32", q, f.State.Precision)
		}
		if f.Caveat != "Weights in the frames are rounded to float32 to keep each frame under 32\u00a0KB." {
			t.Errorf("%q: caveat %q, want one saying the weights are rounded", q, f.Caveat)
		}
		over := plusOne(t, q)
		_, err := scenariotest.TryRun(t, sc, over)
		scenariotest.WantParamError(t, err, over, "filters")
		cfg := newTestModel(t, q).cnn.Config
		cfg.Filters[len(cfg.Filters)-1]++
		for _, want := range []string{"every weight", "32 KB frame budget", "at most about " + thousands(1944) + " weights",
			"make " + thousands(weightCount(cfg)) + " weights", "e.g. filters="} {
			if err != nil && !strings.Contains(err.Error(), want) {
				t.Errorf("%q: the refusal does not say %q: %v", over, want, err)
			}
		}
		if strings.Contains(over, "kernel=5") && !strings.Contains(err.Error(), "kernel=5") {
			t.Errorf("%q: the refusal does not name the kernel: %v", over, err)
		}
		// The suggestion is itself accepted.
		if err != nil {
			s := err.Error()
			s = s[strings.Index(s, "e.g. filters=")+len("e.g. "):]
			s = s[:strings.Index(s, " ")]
			if _, err := scenariotest.TryRun(t, sc, strings.Replace(over, "filters="+joinInts(cfg.Filters), s, 1)); err != nil {
				t.Errorf("%q: the suggested %s is refused: %v", over, s, err)
			}
		}
	}
	// 1 944 = (32 768 − restBound32)·3/16: float32 in base64 is 16/3
	// characters a value.
	if maxWeights != 1944 {
		t.Errorf("maxWeights %d", maxWeights)
	}
	// The examples: 16,32 (6 090 weights) and 8,16 with 5×5
	// kernels (4 074) are refused; 8,16 (1 898) is not.
	for _, q := range []string{"filters=16,32", "filters=8,16&kernel=5", "pool=1&head=flatten", "filters=32,32,32&kernel=1"} {
		_, err := scenariotest.TryRun(t, sc, q)
		scenariotest.WantParamError(t, err, q, "filters")
	}
}

// unpack32 decodes a "<f4" array as numpy.frombuffer(base64.b64decode(s),
// "<f4") would, and checks it holds n values.
func unpack32(t *testing.T, s string, n int, what string) []float32 {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != 4*n {
		t.Fatalf("%s: %d bytes, want %d float32s (%v)", what, len(raw), n, err)
	}
	v, err := netstate.Unpack32(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestFloat32Weights: a float32 run's frames carry each weight as the
// float32 nearest the model's float64, bit for bit, at step 0 and after
// training steps; the model itself trains in float64 (its numbers are not
// rounded), and the rounding is real: most weights differ from their
// float32 by up to half a float32 unit in the last place.
func TestFloat32Weights(t *testing.T) {
	for _, q := range []string{"filters=8,16&epochs=3", "dataset=shapes&filters=4,8,20&kernel=2&epochs=2"} {
		r := scenariotest.NewRun(t, sc, q)
		m := newTestModel(t, q) // the same run, stepped beside it
		for {
			f := scenariotest.Decode[budgetFrame](t, r, false)
			var model [][]float64
			for _, c := range m.cnn.Convs {
				model = append(model, c.W.Data[:c.W.Rows*c.W.Cols], c.B.Data)
			}
			model = append(model, m.cnn.Dense.W.Data[:m.cnn.Dense.W.Rows*m.cnn.Dense.W.Cols], m.cnn.Dense.B.Data)
			if len(f.State.Layers)*2 != len(model) {
				t.Fatalf("%q: %d layers, the model has %d arrays", q, len(f.State.Layers), len(model))
			}
			rounded, values := 0, 0
			for i, l := range f.State.Layers {
				for j, s := range []string{l.W, l.B} {
					want := model[2*i+j]
					got := unpack32(t, s, len(want), fmt.Sprintf("%q step %d %s", q, f.Step, l.Name))
					for k, w := range want {
						if math.Float32bits(got[k]) != math.Float32bits(float32(w)) {
							t.Fatalf("%q step %d %s [%d][%d]: %v, want float32(%v) = %v", q, f.Step, l.Name, j, k, got[k], w, float32(w))
						}
						ulp := float64(math.Nextafter32(float32(math.Abs(w)), float32(math.Inf(1))) - float32(math.Abs(w)))
						if d := math.Abs(float64(got[k]) - w); d > ulp/2 {
							t.Fatalf("%q: %v is %g from %v, more than half a unit (%g)", q, got[k], d, w, ulp/2)
						}
						if float64(got[k]) != w {
							rounded++
						}
						values++
					}
				}
			}
			if f.Step > 0 && rounded < values/2 {
				t.Errorf("%q step %d: only %d of %d weights changed by rounding", q, f.Step, rounded, values)
			}
			if r.Done() {
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			if err := m.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// restOf is a frame's length (every panel drawn) and its bytes other
// than the weights' base64 text.
func restOf(t *testing.T, r *lab.Run) (frame, rest int) {
	t.Helper()
	b, err := r.JSON(true)
	if err != nil {
		t.Fatal(err)
	}
	var f budgetFrame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return len(b), len(b) - f.weightText()
}

// TestRestBound justifies restBound and restBound32: the bytes of a
// frame besides the weights, measured on both data sets, one to three
// blocks, kernels 1 to 5, pooling 1 to 3, the largest networks of each
// tier, two seeds, every step of 3-epoch runs (the first steps crowd the
// confusion matrix and misclassify most images; short runs label the
// epoch axis in halves) and, unless -short, every step of 100-epoch runs
// (the longest curves). Each stays under its tier's bound, so a frame is
// at most weightChars + bound ≤ 32 KB.
func TestRestBound(t *testing.T) {
	queries := append(append([]string{"", "dataset=shapes", "filters=2", "filters=1,1,1&kernel=5&pool=1",
		"dataset=shapes&filters=6,6,6", "filters=3,4,5&kernel=2", "dataset=shapes&filters=4,6&kernel=4&pool=3", "filters=8&kernel=1&pool=3"}, largestFloat32...), largestFloat64...)
	type run struct {
		query string
		seeds int
	}
	var runs []run
	for _, q := range queries {
		runs = append(runs, run{q + "&epochs=3", 2})
	}
	if !testing.Short() {
		runs = append(runs, run{"epochs=100", 1}, run{"filters=8,16&epochs=100", 1})
	}
	worst := map[bool]int{}
	for _, c := range runs {
		for seed := 1; seed <= c.seeds; seed++ {
			q := fmt.Sprintf("%s&seed=%d", c.query, seed)
			float32, bound := newTestModel(t, q).float32, restBound
			if float32 {
				bound = restBound32
			}
			r := scenariotest.NewRun(t, sc, q)
			for {
				frame, rest := restOf(t, r)
				worst[float32] = max(worst[float32], rest)
				if rest > bound || frame > frameBudget {
					t.Errorf("%q step %d: %d bytes besides the weights (bound %d), frame %d", q, r.StepNumber(), rest, bound, frame)
				}
				if r.Done() {
					break
				}
				if err := r.Step(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Logf("largest rest: %d bytes with float64 weights (bound %d), %d with float32 (bound %d)", worst[false], restBound, worst[true], restBound32)
}

// TestLargestFramesWithin: with the largest networks of float32 frames,
// the frame at step 0, step 1 and the last epoch (the default 20) is
// within 32 KB, every panel drawn.
func TestLargestFramesWithin(t *testing.T) {
	qs := []string{"filters=8,16", "filters=4,12&kernel=5", "dataset=shapes&filters=4,8,20"}
	if !testing.Short() {
		qs = largestFloat32
	}
	for _, q := range qs {
		r := scenariotest.NewRun(t, sc, q)
		var sizes []int
		for _, step := range []int{0, 1, epochsParam.Get(scenariotest.Values(t, sc, q))} {
			if err := r.Advance(step); err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, scenariotest.FrameWithin(t, r, 32<<10, q))
		}
		t.Logf("%q: frames of %v bytes at steps 0, 1, 20", q, sizes)
	}
}

// BenchmarkDrawLargest draws every panel of a frame of the largest
// networks a frame carries (and the default), after 5 epochs, and
// encodes the frame's state: each panel from the model, with a fresh
// raster cache, so that every image is encoded again as after a real
// step (a lab.Run would reuse the rasters of an unchanged step). The
// frame budget's 10 ms of drawing is checked against cpu-ms/op:
//
//	go test ./scenarios/cnntraining -run '^$' -bench DrawLargest -cpu 1 -count 3
func BenchmarkDrawLargest(b *testing.B) {
	for _, q := range []string{"", "filters=8,16", "filters=4,8,19", "dataset=shapes&filters=4,8,20", "filters=4,12&kernel=5"} {
		b.Run("query="+q, func(b *testing.B) {
			mm, err := newModel(scenariotest.Values(b, sc, q))
			if err != nil {
				b.Fatal(err)
			}
			m := mm.(*model)
			for range 5 {
				m.Step()
			}
			size := 0
			cpu0 := scenariotest.CPUTime()
			for b.Loop() {
				size = 0
				for _, pn := range sc.Panels {
					p, err := m.Plot(pn.Name)
					if err != nil {
						b.Fatal(err)
					}
					w, h := pn.Size()
					svg, _, err := viz.CachedSVG(p, w, h, &viz.RasterCache{})
					if err != nil {
						b.Fatal(err)
					}
					size += len(svg)
				}
				snap := m.Snapshot()
				st, err := json.Marshal(snap.State)
				if err != nil {
					b.Fatal(err)
				}
				mt, err := json.Marshal(lab.Metrics(snap.Metrics))
				if err != nil {
					b.Fatal(err)
				}
				size += len(st) + len(mt) + len(snap.Note) + len(snap.Caveat)
			}
			b.ReportMetric(float64(scenariotest.CPUTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(size), "bytes/frame")
		})
	}
}
