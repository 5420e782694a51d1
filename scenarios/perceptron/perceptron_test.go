package perceptron

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a perceptron frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Weights       []float64 `json:"weights"`
		Bias          float64   `json:"bias"`
		SampleIndex   int       `json:"sample_index"`
		Misclassified bool      `json:"misclassified"`
		Mistakes      int       `json:"mistakes"`
		Epoch         int       `json:"epoch"`
		EpochErrors   []int     `json:"epoch_errors"`
		Converged     bool      `json:"converged"`
	} `json:"state"`
	Note string `json:"note"`
}

type sample struct {
	x    [2]float64
	y    int
	test bool
}

// samples reads data.csv: x1, x2, label, split.
func samples(t testing.TB, r *lab.Run) []sample {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if strings.Join(rows[0], ",") != "x1,x2,label,split" {
		t.Fatalf("data.csv header %v", rows[0])
	}
	out := make([]sample, len(rows)-1)
	for i, row := range rows[1:] {
		x1, err1 := strconv.ParseFloat(row[0], 64)
		x2, err2 := strconv.ParseFloat(row[1], 64)
		y, err3 := strconv.Atoi(row[2])
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		out[i] = sample{x: [2]float64{x1, x2}, y: y, test: row[3] == "test"}
	}
	return out
}

func heaviside(z float64) int {
	if z >= 0 {
		return 1
	}
	return 0
}

// TestFrameContract replays Rosenblatt's rule on data.csv from each
// frame's predecessor: the sample visited is the next training row in
// order, ŷ = H(wᵀx + b) with the old weights, and the new weights are
// w + η(y − ŷ)x, b + η(y − ŷ) (to 1e-12). Accuracies and mistakes are
// recounted from data.csv.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "dataset=xor&lr=1", "dataset=overlap&n=60&seed=4", "dataset=custom&points=1:1:1,-1:-1:0,2:0:1", "dataset=circles&n=40&points=0:0:0"} {
		r := scenariotest.NewRun(t, sc, query)
		data := samples(t, r)
		lr := lrParam.Get(r.Values)
		var train []int
		for i, s := range data {
			if !s.test {
				train = append(train, i)
			}
		}
		prev := scenariotest.Decode[frame](t, r, false)
		if prev.Step != 0 || prev.State.SampleIndex != -1 || prev.State.Mistakes != 0 || len(prev.State.Weights) != 2 {
			t.Fatalf("%q: step 0 = %+v", query, prev)
		}
		mistakes, epochMistakes, epochs := 0, 0, 0
		for range 600 {
			if prev.Done {
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f := scenariotest.Decode[frame](t, r, false)
			k := f.Step - 1
			i := train[k%len(train)]
			if f.State.SampleIndex != i {
				t.Fatalf("%q step %d: visited row %d, want training row %d", query, f.Step, f.State.SampleIndex, i)
			}
			s := data[i]
			w, b := prev.State.Weights, prev.State.Bias
			yhat := heaviside(w[0]*s.x[0] + w[1]*s.x[1] + b)
			d := float64(s.y - yhat)
			want := []float64{w[0] + lr*d*s.x[0], w[1] + lr*d*s.x[1], b + lr*d}
			got := []float64{f.State.Weights[0], f.State.Weights[1], f.State.Bias}
			for j := range want {
				if math.Abs(got[j]-want[j]) > 1e-12 {
					t.Fatalf("%q step %d: (w, b) = %v, want %v", query, f.Step, got, want)
				}
			}
			if f.State.Misclassified != (yhat != s.y) {
				t.Fatalf("%q step %d: misclassified %v, ŷ = %d, y = %d", query, f.Step, f.State.Misclassified, yhat, s.y)
			}
			if yhat != s.y {
				mistakes++
				epochMistakes++
			}
			if f.State.Mistakes != mistakes || math.Abs(*f.Metrics["epoch_errors"]-float64(epochMistakes)) != 0 {
				t.Fatalf("%q step %d: mistakes %d, epoch_errors %v; want %d, %d", query, f.Step, f.State.Mistakes, *f.Metrics["epoch_errors"], mistakes, epochMistakes)
			}
			if (k+1)%len(train) == 0 { // an epoch ended
				epochs++
				if f.State.Epoch != epochs || f.State.EpochErrors[epochs-1] != epochMistakes || f.State.Converged != (epochMistakes == 0) {
					t.Fatalf("%q step %d: epoch %d errors %v converged %v; want epoch %d with %d", query, f.Step, f.State.Epoch, f.State.EpochErrors, f.State.Converged, epochs, epochMistakes)
				}
				epochMistakes = 0
			}
			for _, split := range []string{"train", "test"} {
				right, n := 0, 0
				for _, s := range data {
					if s.test == (split == "test") {
						n++
						if heaviside(f.State.Weights[0]*s.x[0]+f.State.Weights[1]*s.x[1]+f.State.Bias) == s.y {
							right++
						}
					}
				}
				got := f.Metrics[split+"_accuracy"]
				if n == 0 {
					if got != nil {
						t.Fatalf("%q: %s accuracy %v without %s samples", query, split, *got, split)
					}
					continue
				}
				if got == nil || math.Abs(*got-float64(right)/float64(n)) > 1e-12 {
					t.Fatalf("%q step %d: %s accuracy %v, want %d/%d", query, f.Step, split, got, right, n)
				}
			}
			if f.Done != f.State.Converged {
				t.Fatalf("%q step %d: done %v converged %v", query, f.Step, f.Done, f.State.Converged)
			}
			prev = f
		}
	}
}

// TestSeparableConvergesXORCycles: the default separable blobs converge and
// say so; XOR never does, and its note says why.
func TestSeparableConvergesXORCycles(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	r.Advance(sc.MaxSteps)
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !f.State.Converged || f.Step >= sc.MaxSteps || !strings.Contains(f.Note, "Converged") || *f.Metrics["train_accuracy"] != 1 {
		t.Errorf("separable: step %d done %v converged %v accuracy %v note %q", f.Step, f.Done, f.State.Converged, *f.Metrics["train_accuracy"], f.Note)
	}
	r = scenariotest.NewRun(t, sc, "dataset=xor")
	r.Advance(sc.MaxSteps)
	f = scenariotest.Decode[frame](t, r, false)
	if f.State.Converged || f.Step != sc.MaxSteps {
		t.Fatalf("xor: converged at step %d", f.Step)
	}
	for e, n := range f.State.EpochErrors {
		if n == 0 {
			t.Fatalf("xor: epoch %d without a mistake", e+1)
		}
	}
	r = scenariotest.NewRun(t, sc, "dataset=xor")
	r.Advance(300)
	if f := scenariotest.Decode[frame](t, r, false); !strings.Contains(f.Note, "no straight line") {
		t.Errorf("xor note %q does not say why it cycles", f.Note)
	}
}

func TestCustomWithoutPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dataset=custom")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "click") {
		t.Errorf("custom without points: %+v", f)
	}
	for _, panel := range sc.Panels {
		if _, _, err := r.SVG(panel.Name); err != nil {
			t.Errorf("custom without points: panel %s: %v", panel.Name, err)
		}
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.RunRejects(t, sc, "dataset=moons", "dataset=iris", "lr=0", "lr=3", "n=5", "n=5000", "points=1:1:2", "points=1:1", "seed=-1")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&dataset=xor", 6)
	c := scenariotest.NewRun(t, sc, "seed=4&dataset=xor")
	c.Advance(6)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "dataset=xor", "n=400&dataset=overlap"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(3)
		if q == "dataset=xor" {
			r.Advance(2000) // many epochs of bars and long weight curves
		}
		limit := 32 << 10
		if strings.Contains(q, "n=400") {
			limit = 64 << 10 // four times the default sample count
		}
		scenariotest.FrameWithin(t, r, limit, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=xor")
}
