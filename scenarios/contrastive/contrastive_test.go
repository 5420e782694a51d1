package contrastive

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type frame struct {
	Step    int                `json:"step"`
	Note    string             `json:"note"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Epoch       int         `json:"epoch"`
		Temperature float64     `json:"temperature"`
		Similarity  [][]float64 `json:"similarity"`
		Labels      []int       `json:"labels"`
		Captions    []string    `json:"captions"`
		HeldOut     []int       `json:"held_out"`
		ZeroShot    []int       `json:"zero_shot"`
	} `json:"state"`
}

// infoNCE is the page's loss written out again from S and τ: each row's
// and each column's cross-entropy against the diagonal, each averaged
// over the n rows (columns), then the two averages averaged.
func infoNCE(S [][]float64, tau float64) float64 {
	n := len(S)
	var rows, cols float64
	for i := range n {
		var zr, zc float64
		for j := range n {
			zr += math.Exp(S[i][j] / tau)
			zc += math.Exp(S[j][i] / tau)
		}
		rows -= math.Log(math.Exp(S[i][i]/tau) / zr)
		cols -= math.Log(math.Exp(S[i][i]/tau) / zc)
	}
	return (rows/float64(n) + cols/float64(n)) / 2
}

// TestLossFromSimilarity is the check: metrics.loss recomputed
// from state.similarity and τ, to 1e-9, at several epochs and settings;
// and zero_shot_accuracy recomputed from state.zero_shot and data.csv.
func TestLossFromSimilarity(t *testing.T) {
	for _, query := range []string{"", "temperature=0.05&batch=16&dim=4&seed=3", "temperature=1&batch=2&pairs=50", "batch=32&dim=32&lr=0.01"} {
		r := scenariotest.NewRun(t, sc, query)
		rows := scenariotest.Rows(t, r)
		var testLabels []int
		for _, row := range rows[1:] {
			if row[0] == "test" {
				y, _ := strconv.Atoi(row[1])
				testLabels = append(testLabels, y)
			}
		}
		for _, steps := range []int{0, 1, 3} {
			if err := r.Advance(steps); err != nil {
				t.Fatal(err)
			}
			f := scenariotest.Decode[frame](t, r, false)
			scenariotest.CheckNote(t, f.Note, query)
			n := batchParam.Get(r.Values)
			if len(f.State.Similarity) != n || len(f.State.Similarity[0]) != n || len(f.State.Labels) != n {
				t.Fatalf("%q: similarity %d×%d, batch %d", query, len(f.State.Similarity), len(f.State.Similarity[0]), n)
			}
			for i, y := range f.State.Labels {
				if y != i%10 {
					t.Errorf("%q: batch row %d shows digit %d, want %d", query, i, y, i%10)
				}
			}
			for _, row := range f.State.Similarity {
				for _, s := range row {
					if math.Abs(s) > 1+1e-12 {
						t.Fatalf("%q: a cosine similarity of %v", query, s)
					}
				}
			}
			if got, want := f.Metrics["loss"], infoNCE(f.State.Similarity, f.State.Temperature); math.Abs(got-want) > 1e-9 {
				t.Errorf("%q epoch %d: metrics.loss %.12g, InfoNCE of state.similarity %.12g", query, f.State.Epoch, got, want)
			}
			ok := 0
			for i, y := range testLabels {
				if f.State.ZeroShot[i] == y {
					ok++
				}
			}
			if got, want := f.Metrics["zero_shot_accuracy"], float64(ok)/float64(len(testLabels)); got != want || len(testLabels) != heldOut {
				t.Errorf("%q: zero_shot_accuracy %v, data.csv and state.zero_shot give %v over %d rows", query, got, want, len(testLabels))
			}
		}
	}
}

// TestSimilarityIsTheTrainedLoss: the page's S is the matrix the training
// loss is made of: nn's tape, fed the evaluation batch, gives metrics.loss
// to 1e-12 (the same float64 operations bar the order of a few sums).
func TestSimilarityIsTheTrainedLoss(t *testing.T) {
	mdl, err := newModel(scenariotest.Values(t, sc, "batch=12&seed=4"))
	if err != nil {
		t.Fatal(err)
	}
	m := mdl.(*model)
	m.Step()
	m.Step()
	var img, txt []float64
	for _, i := range m.eval {
		img = append(img, m.test.Images[i]...)
		bag := make([]float64, 26)
		for _, c := range m.test.Words[i] {
			bag[c-'a']++
		}
		txt = append(txt, bag...)
	}
	tape := m.clip.Loss(&nn.Tape{}, img, txt, len(m.eval)).Value()
	if loss := m.Snapshot().Metrics["loss"]; math.Abs(tape-loss) > 1e-12 {
		t.Errorf("the tape's loss on the evaluation batch %.15g, metrics.loss %.15g", tape, loss)
	}
}

// TestLearns: at the defaults, 20 epochs take the held-out batch's loss
// below half of ln n, its diagonal well above the rest, and zero-shot
// accuracy from about chance to over 85% (this seed: see the log).
func TestLearns(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	f0 := scenariotest.Decode[frame](t, r, false)
	r.Advance(20)
	f := scenariotest.Decode[frame](t, r, false)
	t.Logf("zero-shot %v → %v, loss %v → %v, diagonal %v, off %v", f0.Metrics["zero_shot_accuracy"], f.Metrics["zero_shot_accuracy"],
		f0.Metrics["loss"], f.Metrics["loss"], f.Metrics["diagonal_similarity"], f.Metrics["off_diagonal_similarity"])
	if f0.Metrics["zero_shot_accuracy"] > 0.3 || f.Metrics["zero_shot_accuracy"] < 0.85 {
		t.Errorf("zero-shot accuracy %v before training and %v after 20 epochs", f0.Metrics["zero_shot_accuracy"], f.Metrics["zero_shot_accuracy"])
	}
	if f.Metrics["loss"] > math.Log(10)/2 || f.Metrics["diagonal_similarity"] < f.Metrics["off_diagonal_similarity"]+0.5 {
		t.Errorf("after 20 epochs: loss %v, diagonal %v, off-diagonal %v", f.Metrics["loss"], f.Metrics["diagonal_similarity"], f.Metrics["off_diagonal_similarity"])
	}
}

func TestRefusesBadParameters(t *testing.T) {
	scenariotest.RunRejects(t, sc, "pairs=40", "pairs=1450", "pairs=abc", "dim=1", "dim=33", "temperature=0", "temperature=1.5",
		"batch=1", "batch=33", "lr=0", "lr=0.1", "seed=-1")
}

func TestDeterministic(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "batch=8&pairs=200", 3)
	c := scenariotest.NewRun(t, sc, "batch=8&pairs=200&seed=2")
	c.Advance(3)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameBudget(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	for _, steps := range []int{0, 1, 20} {
		r.Advance(steps)
		n := scenariotest.FrameWithin(t, r, 32<<10, "defaults")
		t.Logf("step %d: %d bytes", r.StepNumber(), n)
	}
}

func BenchmarkStepAndFrame(b *testing.B) { scenariotest.BenchStepAndFrame(b, sc, "") }

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
