package convolution

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a convolution frame.
type frame struct {
	Step  int  `json:"step"`
	Done  bool `json:"done"`
	State struct {
		Output     [][]*float64    `json:"output"`
		Kernel     json.RawMessage `json:"kernel"`
		OutputSize [2]int          `json:"output_size"`
		Stage      string          `json:"stage"`
		Position   *[2]int         `json:"position"`
		Sum        *float64        `json:"sum"`
		Pooled     [][]*float64    `json:"pooled"`
	} `json:"state"`
	Note string `json:"note"`
}

// kernel reads state.kernel as [kh][kw][c], from [kh][kw] for one channel.
func (f frame) kernel(t *testing.T, channels int) [][][]float64 {
	t.Helper()
	if channels == 1 {
		var k2 [][]float64
		if err := json.Unmarshal(f.State.Kernel, &k2); err != nil {
			t.Fatalf("kernel of a one-channel image: %v", err)
		}
		out := make([][][]float64, len(k2))
		for i, row := range k2 {
			out[i] = make([][]float64, len(row))
			for j, v := range row {
				out[i][j] = []float64{v}
			}
		}
		return out
	}
	var k3 [][][]float64
	if err := json.Unmarshal(f.State.Kernel, &k3); err != nil {
		t.Fatalf("kernel of a %d-channel image: %v", channels, err)
	}
	return k3
}

// exported reads data.csv's row,col,channel,value into [h][w][c].
func exported(t *testing.T, r *lab.Run) [][][]float64 {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if strings.Join(rows[0], ",") != "row,col,channel,value" {
		t.Fatalf("data.csv header %v", rows[0])
	}
	var img [][][]float64
	for _, row := range rows[1:] {
		var n [3]int
		for i := range n {
			n[i], _ = strconv.Atoi(row[i])
		}
		v, err := strconv.ParseFloat(row[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		for len(img) <= n[0] {
			img = append(img, nil)
		}
		for len(img[n[0]]) <= n[1] {
			img[n[0]] = append(img[n[0]], nil)
		}
		if len(img[n[0]][n[1]]) != n[2] {
			t.Fatalf("data.csv: channel %d of (%d, %d) out of order", n[2], n[0], n[1])
		}
		img[n[0]][n[1]] = append(img[n[0]][n[1]], v)
	}
	return img
}

// correlate is a direct cross-correlation, as scipy.signal.correlate2d
// (mode "valid" on the zero-padded image) or Keras computes it, summed
// over the channels.
func correlate(img, k [][][]float64, stride, pad int) [][]float64 {
	h, w, kk := len(img), len(img[0]), len(k)
	oh, ow := (h-kk+2*pad)/stride+1, (w-kk+2*pad)/stride+1
	out := make([][]float64, oh)
	for oy := range out {
		out[oy] = make([]float64, ow)
		for ox := range out[oy] {
			for i := range kk {
				for j := range kk {
					y, x := oy*stride+i-pad, ox*stride+j-pad
					if y < 0 || y >= h || x < 0 || x >= w {
						continue
					}
					for c := range k[i][j] {
						out[oy][ox] += img[y][x][c] * k[i][j][c]
					}
				}
			}
		}
	}
	return out
}

// conv2D runs the same convolution through the network engine.
func conv2D(img, k [][][]float64, stride, pad int) ([][]float64, error) {
	h, w, c, kk := len(img), len(img[0]), len(img[0][0]), len(k)
	layer := &nn.Conv2D{Window: nn.Window{KH: kk, KW: kk, Stride: stride, Pad: nn.Padding(pad)}, In: c, Out: 1}
	ws := make([]float64, 0, kk*kk*c)
	for i := range k {
		for j := range k[i] {
			ws = append(ws, k[i][j]...) // [kh][kw][in][out] with one out
		}
	}
	layer.W, layer.B = nn.Param(kk*kk*c, 1, ws), nn.Param(1, 1, []float64{0})
	shape, err := layer.OutShape(nn.Shape{H: h, W: w, C: c})
	if err != nil {
		return nil, err
	}
	var x []float64
	for _, row := range img {
		for _, px := range row {
			x = append(x, px...)
		}
	}
	y := (&nn.Tape{}).Conv2D((&nn.Tape{}).InputMaps(1, nn.Shape{H: h, W: w, C: c}, x), layer)
	out := make([][]float64, shape.H)
	for i := range out {
		out[i] = y.Data[i*shape.W : (i+1)*shape.W]
	}
	return out, nil
}

// TestOutputIsCrossCorrelation steps every run to its end: each step
// fills exactly the next output position with its cross-correlation
// value; the finished map equals a direct loop over the exported image
// and kernel, and the network engine's Conv2D, to 1e-12.
func TestOutputIsCrossCorrelation(t *testing.T) {
	for _, q := range []string{
		"",
		"image=shapes&filter=sobel&padding=1",
		"image=shapes&filter=blur&kernel=4&padding=2&stride=2&pool=avg&pool_size=3",
		"image=rgb&filter=emboss&padding=1",
		"image=rgb&filter=custom&kernel=2&stride=2&weights=" + strings.TrimSuffix(strings.Repeat("1,0,-1,", 4), ","),
		"image=digit&filter=custom&weights=1,2,3,4,5,6,7,8,9&stride=1&padding=2&pool=none",
		"image=digit&filter=sharpen&kernel=4&padding=2&stride=4",
		"image=shapes&filter=identity&kernel=1&pool=max&pool_size=4",
	} {
		r := scenariotest.NewRun(t, sc, q)
		img := exported(t, r)
		f := scenariotest.Decode[frame](t, r, false)
		k := f.kernel(t, len(img[0][0]))
		v := scenariotest.Values(t, sc, q)
		stride, pad := strideParam.Get(v), paddingParam.Get(v)
		want := correlate(img, k, stride, pad)
		if f.State.OutputSize != [2]int{len(want), len(want[0])} {
			t.Fatalf("%q: output size %v, want %d×%d", q, f.State.OutputSize, len(want), len(want[0]))
		}
		for n := 0; f.State.Stage == "convolution" || n == 0; n++ {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			// After step n+1, positions 0 … n in row order hold values.
			for i, row := range f.State.Output {
				for j, cell := range row {
					if filled := i*len(row)+j <= n; filled != (cell != nil) {
						t.Fatalf("%q step %d: output (%d, %d) filled=%v", q, f.Step, i, j, cell != nil)
					}
				}
			}
			if p := f.State.Position; p != nil && (p[0]*len(want[0])+p[1] != n || *f.State.Sum != *f.State.Output[p[0]][p[1]]) {
				t.Fatalf("%q step %d: position %v, sum %v", q, f.Step, p, *f.State.Sum)
			}
			if n == len(want)*len(want[0])-1 {
				break
			}
		}
		engine, err := conv2D(img, k, stride, pad)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			for j := range want[i] {
				got := *f.State.Output[i][j]
				if math.Abs(got-want[i][j]) > 1e-12 || math.Abs(got-engine[i][j]) > 1e-12 {
					t.Errorf("%q: output (%d, %d) = %v, direct loop %v, Conv2D %v", q, i, j, got, want[i][j], engine[i][j])
				}
			}
		}
		// Pooling: each window of the finished map, leftovers dropped.
		if err := r.Advance(sc.MaxSteps); err != nil {
			t.Fatal(err)
		}
		f = scenariotest.Decode[frame](t, r, false)
		if !f.Done || f.State.Stage != "done" {
			t.Fatalf("%q: not done after %d steps", q, f.Step)
		}
		pool, ps := poolParam.Text(v), poolSizeParam.Get(v)
		if pool == "none" {
			if f.State.Pooled != nil {
				t.Errorf("%q: pooled map without pooling", q)
			}
			continue
		}
		if len(f.State.Pooled) != len(want)/ps || len(f.State.Pooled[0]) != len(want[0])/ps {
			t.Fatalf("%q: pooled %d×%d from %d×%d by %d", q, len(f.State.Pooled), len(f.State.Pooled[0]), len(want), len(want[0]), ps)
		}
		for py, row := range f.State.Pooled {
			for px, cell := range row {
				best, sum := math.Inf(-1), 0.0
				for y := py * ps; y < (py+1)*ps; y++ {
					for x := px * ps; x < (px+1)*ps; x++ {
						best, sum = math.Max(best, want[y][x]), sum+want[y][x]
					}
				}
				w := best
				if pool == "avg" {
					w = sum / float64(ps*ps)
				}
				if cell == nil || math.Abs(*cell-w) > 1e-12 {
					t.Errorf("%q: pooled (%d, %d) = %v, want %v", q, py, px, cell, w)
				}
			}
		}
	}
}

// TestPresetKernels checks the 3×3 presets against their textbook forms.
func TestPresetKernels(t *testing.T) {
	want := map[string][][]float64{
		"identity":        {{0, 0, 0}, {0, 1, 0}, {0, 0, 0}},
		"edge-horizontal": {{1, 1, 1}, {0, 0, 0}, {-1, -1, -1}},
		"edge-vertical":   {{1, 0, -1}, {1, 0, -1}, {1, 0, -1}},
		"sobel":           {{1, 0, -1}, {2, 0, -2}, {1, 0, -1}},
		"blur":            {{1. / 9, 1. / 9, 1. / 9}, {1. / 9, 1. / 9, 1. / 9}, {1. / 9, 1. / 9, 1. / 9}},
		"sharpen":         {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}},
		"emboss":          {{-2, -1, 0}, {-1, 1, 1}, {0, 1, 2}},
		"custom":          {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}}, // the default weights
	}
	for name, w := range want {
		f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, "filter="+name), false)
		k := f.kernel(t, 1)
		for i := range w {
			for j := range w[i] {
				if k[i][j][0] != w[i][j] {
					t.Errorf("%s: kernel %v, want %v", name, k, w)
				}
			}
		}
		// On the colour image each slice is a third of it.
		f = scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, "image=rgb&filter="+name), false)
		k = f.kernel(t, 3)
		for i := range w {
			for j := range w[i] {
				for c := range 3 {
					if k[i][j][c] != w[i][j]/3 {
						t.Errorf("%s on rgb: kernel[%d][%d] = %v, want a third of %v", name, i, j, k[i][j], w[i][j])
					}
				}
			}
		}
	}
}

func TestRefusals(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "filter=gabor", "kernel=0", "kernel=8", "stride=5", "padding=4", "pool=min", "pool_size=1",
		"weights=", "weights=1,x", "image=cat")
	scenariotest.RunRejects(t, sc,
		"stride=2&image=digit",             // (8 − 3)/2 + 1 = 3.5
		"pool_size=3&kernel=7&image=digit", // a 2×2 map, a 3×3 pool
		"weights=1,2,3&filter=custom",
		"kernel=5&filter=custom", // the default weights are 3×3
	)
	for _, c := range []struct{ q, name, want string }{
		{"stride=2", "stride", "(8 − 3 + 2·0)/2 + 1 = 3.5 is not a whole number"},
		{"stride=2", "stride", "strides that fit: 1; paddings that fit with stride 2: none; kernel sizes that fit: 2, 4, 6"},
		{"image=shapes&kernel=5&stride=2&padding=1", "stride", "strides that fit: 1, 3;"},
		{"pool_size=3&kernel=7", "pool_size", "⌊2/3⌋ = 0"},
		{"filter=custom&weights=1,2,3&image=rgb", "weights", "give 9 (one 2-D kernel, a third of it per slice) or 27 (every slice)"},
	} {
		_, err := scenariotest.TryRun(t, sc, c.q)
		scenariotest.WantParamError(t, err, c.q, c.name)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.q, err, c.want)
		}
	}
	// A kernel wider than the padded image names the kernel.
	_, err := scenariotest.TryRun(t, sc, "image=digit&kernel=7&padding=0&pool=none")
	if err != nil {
		t.Errorf("a 7×7 kernel on 8×8: (8 − 7)/1 + 1 = 2, refused: %v", err)
	}
}

func TestNotes(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	f := scenariotest.Decode[frame](t, r, false)
	if !strings.Contains(f.Note, "(8 − 3 + 2·0)/1 + 1 = 6 in both directions") {
		t.Errorf("step 0 note %q lacks the size arithmetic", f.Note)
	}
	r.Step()
	f = scenariotest.Decode[frame](t, r, false)
	// The first window of the 2 reads columns 0–2 of rows 0–2.
	if !strings.Contains(f.Note, "= "+num(*f.State.Sum)+".") || !strings.Contains(f.Note, "·(−1)") {
		t.Errorf("step 1 note %q", f.Note)
	}
}

func TestSameURLSameFrames(t *testing.T) {
	scenariotest.SameURLSameFrames(t, sc, "image=rgb&filter=sobel&padding=1&pool=avg", -1)
}

// Every frame of the largest maps stays within the 32 KB budget.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "image=shapes&padding=3&kernel=1&pool_size=2", "image=rgb&kernel=7&padding=3&filter=emboss&pool=avg"} {
		r := scenariotest.NewRun(t, sc, q)
		for !r.Done() {
			scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q))
			r.Advance(r.StepNumber() + 13)
		}
		scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "image=rgb&padding=1")
}

// TestPanels checks that the pictures carry the numbers of the step: the
// window's products, their sum and the output so far.
func TestPanels(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	r.Advance(2)
	f := scenariotest.Decode[frame](t, r, false)
	sum := num(*f.State.Sum)
	for panel, want := range map[string][]string{
		"input":    {"x: 8×8, padded by 0", "W = 8, K = 3, P = 0, S = 1"},
		"products": {"window x", "kernel w", "x · w", "Σ x · w = " + sum + " → output (0, 1)"},
		"output":   {"y: 6×6", sum, "(8 − 3 + 2·0)/1 + 1 = 6"},
		"pooled":   {"max pooling 2×2, stride 2: 3×3"},
	} {
		svg, _, err := r.SVG(panel)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(svg), w) {
				t.Errorf("%s panel at step 2 lacks %q", panel, w)
			}
		}
	}
}
