package cnnshapes

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a cnn-shapes frame.
type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Input  []int `json:"input_shape"`
		Layers []struct {
			Name           string `json:"name"`
			Kind           string `json:"kind"`
			OutputShape    []int  `json:"output_shape"`
			Params         int    `json:"params"`
			FullyConnected int    `json:"fully_connected"`
		} `json:"layers"`
		TotalParams         int `json:"total_params"`
		TotalFullyConnected int `json:"total_fully_connected"`
	} `json:"state"`
	Note string `json:"note"`
}

func query(arch, padding string) string {
	q := "arch=" + url.QueryEscape(arch)
	if padding != "" {
		q += "&padding=" + padding
	}
	return q
}

// run steps a run to its end and returns every frame.
func run(t *testing.T, q string) []frame {
	t.Helper()
	r := scenariotest.NewRun(t, sc, q)
	frames := []frame{scenariotest.Decode[frame](t, r, false)}
	for !r.Done() {
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, scenariotest.Decode[frame](t, r, false))
	}
	return frames
}

// TestCourseExample checks the course's table (EXAMPLE OF A CNN
// ARCHITECTURE): the shapes and parameter counts Keras prints for it.
func TestCourseExample(t *testing.T) {
	frames := run(t, "")
	want := []struct {
		name, kind string
		shape      []int
		params     int
	}{
		{"conv2d", "conv", []int{30, 30, 32}, 896},
		{"max_pooling2d", "maxpool", []int{15, 15, 32}, 0},
		{"conv2d_1", "conv", []int{13, 13, 64}, 18496},
		{"max_pooling2d_1", "maxpool", []int{6, 6, 64}, 0},
		{"conv2d_2", "conv", []int{4, 4, 64}, 36928},
		{"flatten", "flatten", []int{1024}, 0},
		{"dense", "dense", []int{64}, 65600},
		{"dense_1", "dense", []int{10}, 650},
	}
	if len(frames) != len(want)+1 {
		t.Fatalf("%d frames, want the input and one per layer, %d", len(frames), len(want)+1)
	}
	if f := frames[0]; len(f.State.Layers) != 0 || f.State.TotalParams != 0 || !slices.Equal(f.State.Input, []int{32, 32, 3}) {
		t.Errorf("step 0: %+v", f.State)
	}
	total := 0
	for i, w := range want {
		f := frames[i+1]
		if len(f.State.Layers) != i+1 {
			t.Fatalf("step %d shows %d layers", i+1, len(f.State.Layers))
		}
		l := f.State.Layers[i]
		if l.Name != w.name || l.Kind != w.kind || !slices.Equal(l.OutputShape, w.shape) || l.Params != w.params {
			t.Errorf("layer %d = %+v, want %+v", i+1, l, w)
		}
		total += w.params
		if f.State.TotalParams != total || f.Metrics["total_params"] != float64(total) {
			t.Errorf("step %d: total %d (metric %v), want %d", i+1, f.State.TotalParams, f.Metrics["total_params"], total)
		}
		// The note shows the arithmetic with its numbers.
		if !strings.Contains(f.Note, w.name) || (w.params > 0 && !strings.Contains(f.Note, group(w.params))) {
			t.Errorf("step %d note %q lacks the name or %s", i+1, f.Note, group(w.params))
		}
	}
	last := frames[len(frames)-1]
	if !last.Done || last.State.TotalParams != 122570 {
		t.Errorf("end: done %v, total %d, want 122 570", last.Done, last.State.TotalParams)
	}
	for _, s := range []string{"(32 − 3 + 2·0)/1 + 1 = 30", "(3·3·3 + 1)·32 = 896"} {
		if !strings.Contains(frames[1].Note, s) {
			t.Errorf("step 1 note %q lacks %q", frames[1].Note, s)
		}
	}
	// A fully connected layer from 32×32×3 to 30×30×32 joins every input
	// value to every output value: (3072 + 1)·28 800.
	if got, want := last.State.Layers[0].FullyConnected, (32*32*3+1)*30*30*32; got != want {
		t.Errorf("conv2d fully connected %d, want %d", got, want)
	}
}

// layerSpec is one layer for the independent count below.
type layerSpec struct {
	kind       string
	n, k, s, p int // filters or units, kernel, stride, padding (−1 same)
}

// keras counts shapes and parameters as Keras's layers define them,
// written independently of nn.ParseArch: a convolution's output along
// each side is ⌈in/S⌉ (same) or (in − K + 2P)/S + 1, a pooling's the
// floor of it, and a convolution has (K·K·C + 1)·N parameters.
func keras(h, w, c int, layers []layerSpec) (shapes [][]int, params []int) {
	flat := false
	for _, l := range layers {
		side := func(in int, floor bool) int {
			if l.p < 0 {
				return (in + l.s - 1) / l.s
			}
			return (in-l.k+2*l.p)/l.s + 1
		}
		np := 0
		switch l.kind {
		case "conv":
			np = (l.k*l.k*c + 1) * l.n
			h, w, c = side(h, false), side(w, false), l.n
		case "pool":
			h, w = side(h, true), side(w, true)
		case "flatten":
			c, flat = h*w*c, true
		case "gap":
			flat = true
		case "dense":
			np = (c + 1) * l.n
			c = l.n
		}
		if flat {
			shapes = append(shapes, []int{c})
		} else {
			shapes = append(shapes, []int{h, w, c})
		}
		params = append(params, np)
	}
	return shapes, params
}

// TestMatchesIndependentCount builds architectures with every plain
// layer, with both paddings and strides above 1, and compares each row
// with the independent count.
func TestMatchesIndependentCount(t *testing.T) {
	cases := []struct {
		arch    string
		padding string
		h, w, c int
		layers  []layerSpec
	}{
		{"28x28x1,conv 32 5x5 same,maxpool,conv 64 5x5 same,maxpool,flatten,dropout 0.5,dense 128,dense 10", "valid", 28, 28, 1,
			[]layerSpec{{"conv", 32, 5, 1, -1}, {"pool", 0, 2, 2, 0}, {"conv", 64, 5, 1, -1}, {"pool", 0, 2, 2, 0}, {"flatten", 0, 0, 0, 0},
				{"dropout", 0, 0, 0, 0}, {"dense", 128, 0, 0, 0}, {"dense", 10, 0, 0, 0}}},
		{"32x32x3,conv 32,maxpool,conv 64,maxpool,conv 64,flatten,dense 64,dense 10", "same", 32, 32, 3,
			[]layerSpec{{"conv", 32, 3, 1, -1}, {"pool", 0, 2, 2, 0}, {"conv", 64, 3, 1, -1}, {"pool", 0, 2, 2, 0}, {"conv", 64, 3, 1, -1},
				{"flatten", 0, 0, 0, 0}, {"dense", 64, 0, 0, 0}, {"dense", 10, 0, 0, 0}}},
		{"65x65x3,conv 16 5x5 s2 p2,avgpool,conv 32 3x3 p1,maxpool 3x3 s2,flatten,dense 10", "valid", 65, 65, 3,
			[]layerSpec{{"conv", 16, 5, 2, 2}, {"pool", 0, 2, 2, 0}, {"conv", 32, 3, 1, 1}, {"pool", 0, 3, 2, 0}, {"flatten", 0, 0, 0, 0}, {"dense", 10, 0, 0, 0}}},
		{"33x17x2,conv 8 3x3 s2,conv 4 1x1,conv 6 4x4 s3 same,gap,dense 5", "valid", 33, 17, 2,
			[]layerSpec{{"conv", 8, 3, 2, 0}, {"conv", 4, 1, 1, 0}, {"conv", 6, 4, 3, -1}, {"gap", 0, 0, 0, 0}, {"dense", 5, 0, 0, 0}}},
		{"32x32x3,conv 64 3x3 same,conv 16 1x1,conv 64 3x3 same,gap,dense 10", "same", 32, 32, 3,
			[]layerSpec{{"conv", 64, 3, 1, -1}, {"conv", 16, 1, 1, -1}, {"conv", 64, 3, 1, -1}, {"gap", 0, 0, 0, 0}, {"dense", 10, 0, 0, 0}}},
	}
	for _, c := range cases {
		frames := run(t, query(c.arch, c.padding))
		got := frames[len(frames)-1].State
		shapes, params := keras(c.h, c.w, c.c, c.layers)
		if len(got.Layers) != len(shapes) {
			t.Fatalf("%s: %d layers, want %d", c.arch, len(got.Layers), len(shapes))
		}
		total := 0
		for i, l := range got.Layers {
			if !slices.Equal(l.OutputShape, shapes[i]) || l.Params != params[i] {
				t.Errorf("%s (%s): layer %d %s = %v, %d params; want %v, %d", c.arch, c.padding, i+1, l.Name, l.OutputShape, l.Params, shapes[i], params[i])
			}
			total += params[i]
		}
		if got.TotalParams != total {
			t.Errorf("%s: total %d, want %d", c.arch, got.TotalParams, total)
		}
	}
}

// TestBlocks checks a residual and an inception block against their
// closed forms (Szegedy et al. 2015, table 1, inception (3a)).
func TestBlocks(t *testing.T) {
	f := run(t, query("28x28x192,inception 64 96/128 16/32 32", ""))
	got := f[len(f)-1].State
	// 1×1: 193·64; 3×3 branch: 193·96 + (9·96 + 1)·128; 5×5 branch:
	// 193·16 + (25·16 + 1)·32; pool branch: 193·32.
	want := 193*64 + 193*96 + (9*96+1)*128 + 193*16 + (25*16+1)*32 + 193*32
	if got.TotalParams != want || want != 163696 {
		t.Errorf("inception (3a): %d params, want %d", got.TotalParams, want)
	}
	if last := got.Layers[len(got.Layers)-1]; last.Kind != "concat" || !slices.Equal(last.OutputShape, []int{28, 28, 256}) {
		t.Errorf("inception (3a) ends with %+v, want a 28×28×256 concatenation", last)
	}
	// A residual block keeping the shape: two 3×3 convolutions, no
	// projection; one halving it: a strided 1×1 projection too.
	f = run(t, query("16x16x32,residual 32,residual 64 s2", ""))
	got = f[len(f)-1].State
	want = 2*(9*32+1)*32 + (9*32+1)*64 + (9*64+1)*64 + (32+1)*64
	if got.TotalParams != want {
		t.Errorf("residual blocks: %d params, want %d", got.TotalParams, want)
	}
	if last := got.Layers[len(got.Layers)-1]; last.Kind != "add" || !slices.Equal(last.OutputShape, []int{8, 8, 64}) {
		t.Errorf("residual blocks end with %+v", last)
	}
}

func TestRefusals(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "arch=", "arch=conv%2032", "arch=32x32x3,lstm%2010", "arch=32x32x3,dense%2010", "padding=full")
	scenariotest.RunRejects(t, sc,
		query("8x8x1,conv 4 5x5,conv 4 5x5", ""),
		query("32x32x3,conv 8 3x3 s2", ""),
		query("32x32x3,conv 8,flatten 7200,dense 4", "same"),
		query("32x32x3"+strings.Repeat(",inception 8 8 8 8", 14), "")) // 84 rows
	// The messages name the layer and show the arithmetic.
	for _, c := range []struct{ q, want string }{
		{query("8x8x1,conv 4 5x5,conv 4 5x5", ""), `conv2d_1 ("conv 4 5x5"), height: (4 − 5 + 2·0)/1 + 1 = 0 < 1`},
		{query("32x32x3,conv 8 3x3 s2", ""), "(32 − 3 + 2·0)/2 + 1 = 15.5 is not a whole number"},
		{query("32x32x3,conv 8,flatten 1024", ""), "8 = 7200 values, not 1024"},
	} {
		_, err := scenariotest.TryRun(t, sc, c.q)
		scenariotest.WantParamError(t, err, c.q, "arch")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.q, err, c.want)
		}
	}
}

func TestCanonicalSpelling(t *testing.T) {
	v := scenariotest.Values(t, sc, query("Input 32 × 32 × 3 → Conv 32 (3×3) → MaxPool -> Flatten -> Dense(10)", ""))
	if got, want := archParam.Text(v), "32x32x3,conv 32 3x3,maxpool,flatten,dense 10"; got != want {
		t.Errorf("canonical %q, want %q", got, want)
	}
	// Presets all run with both paddings or are refused naming arch.
	for _, o := range archParam.Param().Options {
		for _, pad := range []string{"valid", "same"} {
			r, err := scenariotest.TryRun(t, sc, query(o, pad))
			if err != nil {
				scenariotest.WantParamError(t, err, o, "arch")
				continue
			}
			if err := r.Advance(sc.MaxSteps); err != nil || !r.Done() {
				t.Errorf("%s %s: %v", o, pad, err)
			}
		}
	}
}

func TestSameURLSameFrames(t *testing.T) {
	scenariotest.SameURLSameFrames(t, sc, "", -1)
	scenariotest.SameURLSameFrames(t, sc, query(archParam.Param().Options[3], "same"), -1)
}

func TestFrameSize(t *testing.T) {
	// 76 rows and gap, dense.
	long := "64x64x3"
	for range 38 {
		long += ",conv 8 3x3 same,dropout 0.1"
	}
	long += ",gap,dense 10"
	for _, q := range append([]string{""}, query(archParam.Param().Options[4], ""), query(long, ""),
		query("32x32x3"+strings.Repeat(",inception 8 8 8 8", 13)+",conv 8 1x1", "")) { // maxRows
		r := scenariotest.NewRun(t, sc, q)
		for i := 0; ; i++ {
			scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%.40s… step %d", q, r.StepNumber()))
			if r.Done() {
				break
			}
			r.Advance(max(1, i*7))
		}
	}
}

func TestDataCSV(t *testing.T) {
	rows := scenariotest.Rows(t, scenariotest.NewRun(t, sc, ""))
	if len(rows) != 9 || rows[0][0] != "name" || rows[0][4] != "params" {
		t.Fatalf("data.csv: %v", rows)
	}
	total := 0
	for _, row := range rows[1:] {
		n, _ := strconv.Atoi(row[4])
		total += n
	}
	if total != 122570 || rows[3][3] != "13×13×64" || rows[3][7] != "(3·3·32 + 1)·64 = 18496" {
		t.Errorf("data.csv total %d, row 3 %v", total, rows[3])
	}
}

func BenchmarkStepAndFrame(b *testing.B) { scenariotest.BenchStepAndFrame(b, sc, "") }

// TestPanels checks that the pictures say what the state says: the boxes
// carry the shapes, the table Keras's rows and the total so far.
func TestPanels(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	r.Advance(3)
	for panel, want := range map[string][]string{
		"tensors": {"32×32×3", "30×30×32", "13×13×64", "1024", "conv2d_1"},
		"summary": {"conv2d_1 (Conv2D)", "(None, 13, 13, 64)", "18 496", "Total params: 19 392"},
		"sharing": {"conv2d_1", "18k", "77.9M"},
	} {
		svg, _, err := r.SVG(panel)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(svg), w) {
				t.Errorf("%s panel at step 3 lacks %q", panel, w)
			}
		}
	}
}
