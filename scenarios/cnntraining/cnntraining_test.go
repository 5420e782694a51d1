package cnntraining

import (
	"encoding/base64"
	"encoding/binary"
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

// layer is one entry of state.layers: W and b are base64 of
// little-endian float64s (dtype "<f8"), W in row-major order of shape.
type layer struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Shape []int  `json:"shape"`
	DType string `json:"dtype"`
	W     string `json:"W"`
	B     string `json:"b"`
}

// unpack decodes a packed array as numpy.frombuffer(base64.b64decode(s),
// "<f8") would, and checks it holds n values.
func unpack(t *testing.T, s string, n int, what string) []float64 {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(raw) != 8*n {
		t.Fatalf("%s: %d bytes, want %d float64s", what, len(raw), n)
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return v
}

type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Layers        []layer `json:"layers"`
		Epoch         int     `json:"epoch"`
		Batch         int     `json:"batch"`
		Confusion     [][]int `json:"confusion"`
		Misclassified []int   `json:"misclassified"`
		TestOpened    bool    `json:"test_opened"`
		Params        int     `json:"params"`
		MLPParams     int     `json:"mlp_params"`
		Sizes         struct {
			Train, Val, Test int
		} `json:"sizes"`
	} `json:"state"`
}

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

// refNet is the CNN of a frame, written out as plain arrays for the
// independent computation below: conv[b][ky][kx][c][o], cb[b][o],
// dense[i][o], db[o].
type refNet struct {
	conv    [][][][][]float64
	cb      [][]float64
	dense   [][]float64
	db      []float64
	k, pool int
	maxHead bool // the dense layer reads each channel's maximum over the last map
}

// decodeNet reads the frame's layers of the network a query builds.
func decodeNet(t *testing.T, layers []layer, v lab.Values) refNet {
	t.Helper()
	k := kernelParam.Get(v)
	n := refNet{k: k, pool: poolParam.Get(v), maxHead: headParam.Get(v) == nn.HeadGlobalMax}
	for _, l := range layers {
		if l.DType != "<f8" {
			t.Fatalf("%s: dtype %q, want <f8", l.Name, l.DType)
		}
		switch l.Kind {
		case "conv":
			if len(l.Shape) != 4 || l.Shape[0] != k || l.Shape[1] != k {
				t.Fatalf("%s: shape %v, want [%d %d in out]", l.Name, l.Shape, k, k)
			}
			in, out := l.Shape[2], l.Shape[3]
			flat := unpack(t, l.W, k*k*in*out, l.Name+" W")
			w := make([][][][]float64, k)
			for ky := range w {
				w[ky] = make([][][]float64, k)
				for kx := range w[ky] {
					w[ky][kx] = make([][]float64, in)
					for c := range w[ky][kx] {
						at := ((ky*k+kx)*in + c) * out
						w[ky][kx][c] = flat[at : at+out]
					}
				}
			}
			n.conv, n.cb = append(n.conv, w), append(n.cb, unpack(t, l.B, out, l.Name+" b"))
		case "dense":
			if len(l.Shape) != 2 {
				t.Fatalf("%s: shape %v", l.Name, l.Shape)
			}
			in, out := l.Shape[0], l.Shape[1]
			flat := unpack(t, l.W, in*out, "dense W")
			for i := range in {
				n.dense = append(n.dense, flat[i*out:(i+1)*out])
			}
			n.db = unpack(t, l.B, out, "dense b")
		}
	}
	return n
}

// fmap is one H×W×C map, value (y, x, c) at v[(y·W + x)·C + c].
type fmap struct {
	h, w, c int
	v       []float64
}

func (m fmap) at(y, x, c int) float64 {
	if y < 0 || y >= m.h || x < 0 || x >= m.w {
		return 0
	}
	return m.v[(y*m.w+x)*m.c+c]
}

// trace is one image's forward pass: each block's input, pre-activation
// and pooled output, with the pooling's winners, then what the dense
// layer reads (with, for the global-max head, where each value was).
type trace struct {
	in, z, out []fmap
	winner     [][]int
	feat       []float64
	featFrom   []int
	prob       []float64
}

// forward runs the CNN on one image by direct loops: same padding (the
// extra row and column of an even kernel below and to the right, as
// Keras does), ReLU, max pooling of pool×pool with stride pool, flatten
// channels last or each channel's maximum (the first position holding
// it), dense, softmax.
func (n refNet) forward(x fmap) trace {
	var tr trace
	top := (n.k - 1) / 2
	for b, w := range n.conv {
		out := len(n.cb[b])
		z := fmap{x.h, x.w, out, make([]float64, x.h*x.w*out)}
		for y := range x.h {
			for xx := range x.w {
				for o := range out {
					s := n.cb[b][o]
					for ky := range n.k {
						for kx := range n.k {
							for c := range x.c {
								s += x.at(y+ky-top, xx+kx-top, c) * w[ky][kx][c][o]
							}
						}
					}
					z.v[(y*x.w+xx)*out+o] = s
				}
			}
		}
		p := max(n.pool, 1)
		ph, pw := x.h/p, x.w/p
		pooled := fmap{ph, pw, out, make([]float64, ph*pw*out)}
		win := make([]int, ph*pw*out)
		for y := range ph {
			for xx := range pw {
				for o := range out {
					best, at := math.Inf(-1), -1
					for dy := range p {
						for dx := range p {
							q := ((y*p+dy)*x.w+xx*p+dx)*out + o
							if a := math.Max(z.v[q], 0); a > best {
								best, at = a, q
							}
						}
					}
					pooled.v[(y*pw+xx)*out+o], win[(y*pw+xx)*out+o] = best, at
				}
			}
		}
		tr.in, tr.z, tr.out, tr.winner = append(tr.in, x), append(tr.z, z), append(tr.out, pooled), append(tr.winner, win)
		x = pooled
	}
	tr.feat = x.v
	if n.maxHead {
		tr.feat, tr.featFrom = make([]float64, x.c), make([]int, x.c)
		for c := range x.c {
			tr.feat[c], tr.featFrom[c] = x.v[c], c
			for q := c + x.c; q < len(x.v); q += x.c {
				if x.v[q] > tr.feat[c] {
					tr.feat[c], tr.featFrom[c] = x.v[q], q
				}
			}
		}
	}
	logits := append([]float64(nil), n.db...)
	for i, v := range tr.feat {
		for o := range logits {
			logits[o] += v * n.dense[i][o]
		}
	}
	mx := math.Inf(-1)
	for _, v := range logits {
		mx = math.Max(mx, v)
	}
	var sum float64
	tr.prob = make([]float64, len(logits))
	for o, v := range logits {
		tr.prob[o] = math.Exp(v - mx)
		sum += tr.prob[o]
	}
	for o := range tr.prob {
		tr.prob[o] /= sum
	}
	return tr
}

// sgdStep is one full-batch gradient step on the mean cross-entropy of the
// images, by backpropagation through the loops of forward.
func (n refNet) sgdStep(images []fmap, labels []int, lr float64) refNet {
	g := n.zero()
	scale := 1 / float64(len(images))
	for i, x := range images {
		tr := n.forward(x)
		dlogit := make([]float64, len(tr.prob))
		for o, p := range tr.prob {
			dlogit[o] = p * scale
			if o == labels[i] {
				dlogit[o] -= scale
			}
			g.db[o] += dlogit[o]
		}
		last := tr.out[len(tr.out)-1]
		dfeat := make([]float64, len(tr.feat))
		for j, v := range tr.feat {
			for o, d := range dlogit {
				g.dense[j][o] += v * d
				dfeat[j] += n.dense[j][o] * d
			}
		}
		dout := dfeat
		if n.maxHead {
			dout = make([]float64, len(last.v))
			for c, q := range tr.featFrom {
				dout[q] += dfeat[c]
			}
		}
		top := (n.k - 1) / 2
		for b := len(n.conv) - 1; b >= 0; b-- {
			z, in := tr.z[b], tr.in[b]
			dz := make([]float64, len(z.v))
			for j, q := range tr.winner[b] {
				if z.v[q] > 0 {
					dz[q] += dout[j]
				}
			}
			din := make([]float64, len(in.v))
			for y := range z.h {
				for xx := range z.w {
					for o := range z.c {
						d := dz[(y*z.w+xx)*z.c+o]
						if d == 0 {
							continue
						}
						g.cb[b][o] += d
						for ky := range n.k {
							for kx := range n.k {
								iy, ix := y+ky-top, xx+kx-top
								if iy < 0 || iy >= in.h || ix < 0 || ix >= in.w {
									continue
								}
								for c := range in.c {
									g.conv[b][ky][kx][c][o] += in.v[(iy*in.w+ix)*in.c+c] * d
									din[(iy*in.w+ix)*in.c+c] += n.conv[b][ky][kx][c][o] * d
								}
							}
						}
					}
				}
			}
			dout = din
		}
	}
	return n.minus(g, lr)
}

// zero returns a net of n's sizes with every value 0.
func (n refNet) zero() refNet {
	z := refNet{k: n.k, pool: n.pool, maxHead: n.maxHead, db: make([]float64, len(n.db))}
	for b, w := range n.conv {
		cw := make([][][][]float64, len(w))
		for ky := range w {
			cw[ky] = make([][][]float64, len(w[ky]))
			for kx := range w[ky] {
				cw[ky][kx] = make([][]float64, len(w[ky][kx]))
				for c := range w[ky][kx] {
					cw[ky][kx][c] = make([]float64, len(w[ky][kx][c]))
				}
			}
		}
		z.conv, z.cb = append(z.conv, cw), append(z.cb, make([]float64, len(n.cb[b])))
	}
	for range n.dense {
		z.dense = append(z.dense, make([]float64, len(n.db)))
	}
	return z
}

// minus returns n − lr·g, and each value of it with a visit function.
func (n refNet) minus(g refNet, lr float64) refNet {
	out := n.zero()
	n.each(func(path string, v float64, set func(refNet, float64), get func(refNet) float64) {
		set(out, v-lr*get(g))
	})
	return out
}

// each calls f for every value of n with its path, and a setter and getter
// of the same value in another net of n's sizes.
func (n refNet) each(f func(path string, v float64, set func(refNet, float64), get func(refNet) float64)) {
	for b, w := range n.conv {
		for ky := range w {
			for kx := range w[ky] {
				for c := range w[ky][kx] {
					for o := range w[ky][kx][c] {
						f(fmt.Sprintf("conv%d W[%d][%d][%d][%d]", b+1, ky, kx, c, o), w[ky][kx][c][o],
							func(m refNet, v float64) { m.conv[b][ky][kx][c][o] = v },
							func(m refNet) float64 { return m.conv[b][ky][kx][c][o] })
					}
				}
			}
		}
		for o := range n.cb[b] {
			f(fmt.Sprintf("conv%d b[%d]", b+1, o), n.cb[b][o],
				func(m refNet, v float64) { m.cb[b][o] = v }, func(m refNet) float64 { return m.cb[b][o] })
		}
	}
	for i := range n.dense {
		for o := range n.dense[i] {
			f(fmt.Sprintf("dense W[%d][%d]", i, o), n.dense[i][o],
				func(m refNet, v float64) { m.dense[i][o] = v }, func(m refNet) float64 { return m.dense[i][o] })
		}
	}
	for o := range n.db {
		f(fmt.Sprintf("dense b[%d]", o), n.db[o], func(m refNet, v float64) { m.db[o] = v }, func(m refNet) float64 { return m.db[o] })
	}
}

// sample is one row of data.csv.
type sample struct {
	x     fmap
	label int
	split string
}

// readData reads data.csv: pixel columns p<y>_<x>, label, split.
func readData(t *testing.T, r *lab.Run) []sample {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	h := rows[0]
	d := len(h) - 2
	side := int(math.Sqrt(float64(d)))
	if side*side != d || h[0] != "p0_0" || h[1] != "p0_1" || h[side] != "p1_0" || h[d] != "label" || h[d+1] != "split" {
		t.Fatalf("data.csv header %v", h)
	}
	var out []sample
	for _, row := range rows[1:] {
		s := sample{x: fmap{side, side, 1, make([]float64, d)}, split: row[d+1]}
		for j := range d {
			s.x.v[j], _ = strconv.ParseFloat(row[j], 64)
		}
		s.label, _ = strconv.Atoi(row[d])
		out = append(out, s)
	}
	return out
}

func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestFullBatchStep: with a batch at least the training set and sgd, the
// weights of step 1 are one gradient step from the weights of step 0 on
// data.csv's training rows, computed by the direct loops above (no tape),
// to 1e-9: odd and even kernels, one to three blocks, pooling 1 to 3.
func TestFullBatchStep(t *testing.T) {
	for _, q := range []string{
		"optimizer=sgd&batch=2000&lr=0.5",
		"optimizer=sgd&dataset=shapes&filters=4,6&kernel=4&pool=3&batch=2000&lr=0.3&seed=7",
		"optimizer=sgd&filters=3,4,5&kernel=2&pool=2&batch=2000&lr=1",
		"optimizer=sgd&filters=3,4,5&kernel=2&pool=2&head=flatten&batch=2000&lr=1",
		"optimizer=sgd&filters=1&kernel=5&head=flatten&batch=2000&lr=0.2", // 676 weights; filters=5 (3 340) would not fit a frame
	} {
		v := scenariotest.Values(t, sc, q)
		r := scenariotest.NewRun(t, sc, q)
		var X []fmap
		var y []int
		for _, s := range readData(t, r) {
			if s.split == "train" {
				X, y = append(X, s.x), append(y, s.label)
			}
		}
		f0 := scenariotest.Decode[frame](t, r, false)
		if f0.State.Batch != len(X) || f0.State.Sizes.Train != len(X) {
			t.Fatalf("%q: batch %d, want the %d training images", q, f0.State.Batch, len(X))
		}
		net0 := decodeNet(t, f0.State.Layers, v)
		want := net0.sgdStep(X, y, lrParam.Get(v))
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
		got := decodeNet(t, scenariotest.Decode[frame](t, r, false).State.Layers, v)
		moved, checked := 0.0, 0
		want.each(func(path string, w float64, _ func(refNet, float64), get func(refNet) float64) {
			checked++
			if g := get(got); !closeTo(g, w, 1e-9) {
				t.Errorf("%q: %s = %.15g, want %.15g", q, path, g, w)
			}
			moved = math.Max(moved, math.Abs(w-get(net0)))
		})
		if moved < 1e-4 {
			t.Errorf("%q: the step moved no weight by more than %g: the check proves nothing", q, moved)
		}
		if checked != f0.State.Params {
			t.Errorf("%q: checked %d values, the CNN has %d parameters", q, checked, f0.State.Params)
		}
	}
}

// TestFrameContract recomputes, from state.layers and data.csv alone, the
// CNN's train and validation losses and accuracies, the validation
// confusion matrix and the misclassified list; the test figures are null
// until the last epoch and present then.
func TestFrameContract(t *testing.T) {
	for _, q := range []string{"epochs=3", "dataset=shapes&optimizer=adam&lr=0.01&filters=6,6,6&epochs=2"} {
		v := scenariotest.Values(t, sc, q)
		r := scenariotest.NewRun(t, sc, q)
		data := readData(t, r)
		for step := 0; ; step++ {
			f := scenariotest.Decode[frame](t, r, false)
			net := decodeNet(t, f.State.Layers, v)
			loss, right, count := map[string]float64{}, map[string]float64{}, map[string]float64{}
			var wrong []int
			confusion := map[[2]int]int{}
			val := 0
			for _, s := range data {
				tr := net.forward(s.x)
				best := 0
				for c, p := range tr.prob {
					if p > tr.prob[best] {
						best = c
					}
				}
				loss[s.split] -= math.Log(tr.prob[s.label])
				count[s.split]++
				if best == s.label {
					right[s.split]++
				}
				if s.split == "val" {
					confusion[[2]int{s.label, best}]++
					if best != s.label {
						wrong = append(wrong, val)
					}
					val++
				}
			}
			for _, split := range []string{"train", "val"} {
				if got, want := metric(t, f, split+"_loss"), loss[split]/count[split]; !closeTo(got, want, 1e-9) {
					t.Errorf("%q step %d: %s_loss %v, recomputed %v", q, step, split, got, want)
				}
				if got, want := metric(t, f, split+"_accuracy"), right[split]/count[split]; got != want {
					t.Errorf("%q step %d: %s_accuracy %v, recomputed %v", q, step, split, got, want)
				}
			}
			for a, row := range f.State.Confusion {
				for b, got := range row {
					if want := confusion[[2]int{a, b}]; got != want {
						t.Errorf("%q step %d: confusion[%d][%d] = %d, recomputed %d", q, step, a, b, got, want)
					}
				}
			}
			if fmt.Sprint(wrong) != fmt.Sprint(f.State.Misclassified) {
				t.Errorf("%q step %d: misclassified %v, recomputed %v", q, step, f.State.Misclassified, wrong)
			}
			testLoss := metric(t, f, "test_loss")
			if f.Done != f.State.TestOpened || f.Done == math.IsNaN(testLoss) || f.Done == math.IsNaN(metric(t, f, "mlp_test_accuracy")) {
				t.Errorf("%q step %d: done %v, test opened %v, test loss %v", q, step, f.Done, f.State.TestOpened, testLoss)
			}
			if f.Done {
				if want := loss["test"] / count["test"]; !closeTo(testLoss, want, 1e-9) {
					t.Errorf("%q: test_loss %v, recomputed %v", q, testLoss, want)
				}
				if got, want := metric(t, f, "test_accuracy"), right["test"]/count["test"]; got != want {
					t.Errorf("%q: test_accuracy %v, recomputed %v", q, got, want)
				}
				if !strings.Contains(f.Note, "opened now, once") {
					t.Errorf("%q: last note does not say the test set was opened: %s", q, f.Note)
				}
				if step != epochsParam.Get(v) {
					t.Errorf("%q: done at step %d", q, step)
				}
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestParameterBudget: the MLP beside the CNN has the parameter count
// nearest the CNN's that one hidden layer allows; the default CNN is
// defaultFilters' 614 parameters, with the global-max head.
func TestParameterBudget(t *testing.T) {
	if got := filtersParam.Get(scenariotest.Values(t, sc, "")); fmt.Sprint(got) != fmt.Sprint(defaultFilters) {
		t.Errorf("filters defaults to %v, defaultFilters is %v", got, defaultFilters)
	}
	for _, c := range []struct {
		query     string
		cnn, want int
	}{
		// 8×8 → 4×4×4 → 2×2×12 → max of each map, 12 → 10: 40 + 444 + 130 = 614;
		// h = round((614 − 10)/(64 + 1 + 10)) = round(8.05) = 8
		{"", 40 + 444 + 130, 65*8 + 9*10},
		// 12×12 shapes, 4 classes: 40 + 444 + 52 = 536;
		// h = round((536 − 4)/(144 + 1 + 4)) = round(3.57) = 4
		{"dataset=shapes", 40 + 444 + 13*4, 145*4 + 5*4},
		// 8,16 with the global-max head: 80 + 1 168 + 170 = 1 418;
		// h = round((1418 − 10)/75) = round(18.8) = 19
		{"filters=8,16", 1418, 65*19 + 20*10},
		// nn.DefaultCNN, flatten after two poolings: 80 + 1 168 + 650;
		// h = round((1898 − 10)/75) = round(25.2) = 25
		{"filters=8,16&pool=2&head=flatten", 1898, 65*25 + 26*10},
	} {
		f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, c.query), false)
		if f.State.Params != c.cnn {
			t.Errorf("%q: CNN has %d parameters, want %d", c.query, f.State.Params, c.cnn)
		}
		if f.State.MLPParams != c.want {
			t.Errorf("%q: MLP has %d parameters, want %d", c.query, f.State.MLPParams, c.want)
		}
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "filters=0", "filters=33", "filters=1,1,1,1", "filters=", "kernel=0", "kernel=6",
		"pool=0", "pool=4", "lr=0", "lr=11", "batch=0", "batch=2001", "optimizer=lbfgs", "epochs=0", "epochs=101",
		"image=100", "dataset=mnist")
	// Fine alone, refused together: three poolings of 3 leave nothing of
	// an 8×8 digit; 32 and 32 filters cost too much.
	for _, c := range []struct{ query, name string }{
		{"pool=3&filters=4,4", "pool"},
		{"filters=32,32", "filters"},                   // (18 432 + 147 456)·1 079 multiply-adds
		{"dataset=shapes&filters=16,32,32", "filters"}, // (20 736 + 165 888 + 82 944)·480
		{"filters=32,32&kernel=5", "filters"},
	} {
		_, err := scenariotest.TryRun(t, sc, c.query)
		scenariotest.WantParamError(t, err, c.query, c.name)
	}
	_, err := scenariotest.TryRun(t, sc, "pool=3&filters=4,4")
	if err == nil || !strings.Contains(err.Error(), "⌊s/P⌋") {
		t.Errorf("pool=3&filters=4,4: %v, want the arithmetic", err)
	}
}

func TestSameURLSameFrames(t *testing.T) {
	q := "dataset=shapes&seed=3&optimizer=adam&lr=0.01&epochs=3"
	a, _ := scenariotest.SameURLSameFrames(t, sc, q, 3)
	c := scenariotest.NewRun(t, sc, "dataset=shapes&seed=4&optimizer=adam&lr=0.01&epochs=3")
	c.Advance(3)
	scenariotest.SeedsDiffer(t, a, c)
}

// TestLearns: after 20 epochs at the defaults both networks classify most
// validation digits, and on digits shifted by 1–2 pixels the CNN holds up
// far better (seed 1: 42%) than the MLP of the same size, which falls
// near chance (19%); the flatten head keeps less (29%), and without
// pooling the global-max head keeps more (50%).
func TestLearns(t *testing.T) {
	run := func(q string) frame {
		r := scenariotest.NewRun(t, sc, q)
		if err := r.Advance(20); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		t.Logf("%q: CNN %.3f shifted %.3f; MLP %.3f shifted %.3f", q, metric(t, f, "val_accuracy"), metric(t, f, "val_shifted_accuracy"),
			metric(t, f, "mlp_val_accuracy"), metric(t, f, "mlp_val_shifted_accuracy"))
		return f
	}
	f := run("")
	if acc := metric(t, f, "val_accuracy"); acc < 0.93 {
		t.Errorf("CNN validation accuracy %v after 20 epochs", acc)
	}
	if acc := metric(t, f, "mlp_val_accuracy"); acc < 0.9 {
		t.Errorf("MLP validation accuracy %v after 20 epochs", acc)
	}
	cnn, mlp := metric(t, f, "val_shifted_accuracy"), metric(t, f, "mlp_val_shifted_accuracy")
	if cnn < 0.35 || mlp > 0.3 || cnn < 2*mlp {
		t.Errorf("digits shifted by 1–2 pixels: CNN %v, MLP %v; want the CNN above 0.35 and twice the MLP, the MLP under 0.3", cnn, mlp)
	}
	if flat := metric(t, run("head=flatten"), "val_shifted_accuracy"); flat > cnn-0.1 {
		t.Errorf("shifted digits: the flatten head keeps %v, the global-max head %v; want the flatten head well below", flat, cnn)
	}
	if whole := metric(t, run("pool=1"), "val_shifted_accuracy"); whole < cnn+0.05 {
		t.Errorf("shifted digits: without pooling the global-max head keeps %v, with it %v; want more without", whole, cnn)
	}
}

// TestStuck: η = 10 with momentum throws the CNN where it learns nothing
// (the cross-entropy cannot overflow: p is floored), and the note says so
// and names η.
func TestStuck(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "lr=10&optimizer=momentum&epochs=4")
	r.Advance(4)
	f := scenariotest.Decode[frame](t, r, false)
	for _, want := range []string{"near chance", "η = 10", "lower η"} {
		if !strings.Contains(f.Note, want) {
			t.Errorf("note does not say %q: %s", want, f.Note)
		}
	}
	scenariotest.CheckNote(t, f.Note, "lr=10")
}

// TestFrameSize: every frame of a default run, digits or shapes, weights
// and panels together, stays within the 32 KB budget. Packed, n weights
// take 4·⌈8n/3⌉ characters, about 10.7 a weight: 7.1 KB for the default's
// 666.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "dataset=shapes"} {
		r := scenariotest.NewRun(t, sc, q)
		largest := 0
		for {
			largest = max(largest, scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q)))
			if r.Done() {
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%q: largest frame %d bytes", q, largest)
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=shapes")
}

// BenchmarkStep is one default step (an epoch of both networks and their
// train, validation and shifted-validation scores) and, apart, drawing
// every panel of one frame; cpu-ms/op is the processor time, steadier
// than ns/op on a busy machine:
//
//	go test ./scenarios/cnntraining -run '^$' -bench 'Step$|Draw' -cpu 1 -count 3
func BenchmarkStep(b *testing.B) {
	for _, q := range []string{"", "dataset=shapes"} {
		b.Run("query="+q, func(b *testing.B) {
			r := scenariotest.NewRun(b, sc, q)
			cpu0 := scenariotest.CPUTime()
			for b.Loop() {
				if r.Done() {
					r.Reset()
				}
				r.Step()
			}
			b.ReportMetric(float64(scenariotest.CPUTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

func BenchmarkDraw(b *testing.B) {
	r := scenariotest.NewRun(b, sc, "")
	r.Advance(5)
	cpu0 := scenariotest.CPUTime()
	for b.Loop() {
		if _, err := r.JSON(true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(scenariotest.CPUTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
}
