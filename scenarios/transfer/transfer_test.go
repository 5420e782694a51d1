package transfer

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type layer struct {
	Name   string          `json:"name"`
	Frozen bool            `json:"frozen"`
	W      json.RawMessage `json:"W"`
	B      json.RawMessage `json:"b"`
}

type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Phase      string  `json:"phase"`
		Layers     []layer `json:"layers"`
		Epoch      int     `json:"target_epoch"`
		Train      int     `json:"target_train"`
		TestOpened bool    `json:"test_opened"`
	} `json:"state"`
}

// TestFrozenBitIdentical: from the step the target training starts to the
// end, every frozen layer's W and b in state are the same bytes (packed
// little-endian float64, so the same bits), and every layer that
// trains moves. frozen keeps both convolutions; finetune with
// finetune_layers=conv2 keeps conv1; with conv1,conv2 keeps none; scratch
// keeps none.
func TestFrozenBitIdentical(t *testing.T) {
	for _, c := range []struct {
		query  string
		frozen []string
	}{
		{"mode=frozen", []string{"conv1", "conv2"}},
		{"mode=finetune&target_per_class=7", []string{"conv1"}},
		{"mode=finetune&finetune_layers=conv1,conv2&source=shapes", nil},
		{"mode=scratch&seed=5", nil},
	} {
		r := scenariotest.NewRun(t, sc, c.query)
		if err := r.Advance(pretrainEpochs); err != nil {
			t.Fatal(err)
		}
		start := scenariotest.Decode[frame](t, r, false)
		if start.State.Phase != "target" || start.State.Epoch != 0 {
			t.Fatalf("%q: at step %d phase %q target epoch %d", c.query, pretrainEpochs, start.State.Phase, start.State.Epoch)
		}
		moved := map[string]bool{}
		for !r.Done() {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f := scenariotest.Decode[frame](t, r, false)
			for i, l := range f.State.Layers {
				s := start.State.Layers[i]
				same := string(l.W) == string(s.W) && string(l.B) == string(s.B)
				isFrozen := strings.Contains(strings.Join(c.frozen, ","), l.Name)
				if l.Frozen != isFrozen {
					t.Fatalf("%q: %s marked frozen %v", c.query, l.Name, l.Frozen)
				}
				if isFrozen && !same {
					t.Fatalf("%q: frozen %s changed at step %d", c.query, l.Name, f.Step)
				}
				if !same {
					moved[l.Name] = true
				}
			}
		}
		for _, name := range []string{"conv1", "conv2", "dense"} {
			if want := !strings.Contains(strings.Join(c.frozen, ","), name); moved[name] != want {
				t.Errorf("%q: %s moved %v, want %v", c.query, name, moved[name], want)
			}
		}
	}
}

// TestPhasesAndTest: pre-training takes the first steps; the target set has
// target_per_class images of each of 5 digits; the test figures are null
// until the last step and filled then, once.
func TestPhasesAndTest(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "target_per_class=12")
	for {
		f := scenariotest.Decode[frame](t, r, false)
		wantPhase := "pretrain"
		if f.Step >= pretrainEpochs {
			wantPhase = "target"
		}
		if f.State.Phase != wantPhase || f.State.Train != 60 {
			t.Fatalf("step %d: phase %q, %d target images", f.Step, f.State.Phase, f.State.Train)
		}
		for _, mode := range modes {
			v := f.Metrics[mode+"_test_accuracy"]
			if (v != nil) != f.Done || f.State.TestOpened != f.Done {
				t.Fatalf("step %d (done %v): %s test accuracy %v", f.Step, f.Done, mode, v)
			}
			if f.Step >= pretrainEpochs && f.Metrics[mode+"_val_accuracy"] == nil {
				t.Fatalf("step %d: no %s validation accuracy", f.Step, mode)
			}
		}
		if f.Done {
			if f.Step != maxSteps || !strings.Contains(f.Note, "opened now, once") {
				t.Errorf("done at step %d: %s", f.Step, f.Note)
			}
			break
		}
		r.Step()
	}
}

// TestDataCSV: the source rows are digits 0–4, the target rows 5–9 with
// exactly target_per_class training images each, and no image is in two
// target splits.
func TestDataCSV(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "target_per_class=9")
	rows := scenariotest.Rows(t, r)
	h := rows[0]
	if len(h) != 66 || h[0] != "p0_0" || h[64] != "label" || h[65] != "split" {
		t.Fatalf("header %v", h)
	}
	perClass := map[string]int{}
	seen := map[string]string{}
	for _, row := range rows[1:] {
		label, split := row[64], row[65]
		source := strings.HasPrefix(split, "source_")
		if d := label[0] - '0'; len(label) != 1 || source != (d < 5) {
			t.Fatalf("split %s holds label %s", split, label)
		}
		if split == "train" {
			perClass[label]++
		}
		if !source {
			key := strings.Join(row[:64], ",") + label
			if prev, ok := seen[key]; ok && prev != split {
				t.Errorf("an image of %s is in %s and %s", label, prev, split)
			}
			seen[key] = split
		}
	}
	if fmt.Sprint(perClass) != "map[5:9 6:9 7:9 8:9 9:9]" {
		t.Errorf("training images per digit %v", perClass)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "target_per_class=4", "target_per_class=51", "mode=partial", "finetune_layers=",
		"finetune_layers=dense", "source=mnist", "seed=-1")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "mode=finetune&seed=3", pretrainEpochs+2)
	c := scenariotest.NewRun(t, sc, "mode=finetune&seed=4")
	c.Advance(pretrainEpochs + 2)
	scenariotest.SeedsDiffer(t, a, c)
}

// TestFrameSize: every frame of a default run, pre-training and target
// training, stays within the 32 KB budget, the shown network's 1 733
// weights (packed, about 18 KB) and the panels together.
func TestFrameSize(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	largest := 0
	for {
		largest = max(largest, scenariotest.FrameWithin(t, r, 32<<10, "default"))
		if r.Done() {
			break
		}
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("largest frame %d bytes", largest)
	r.Reset()
	r.Advance(pretrainEpochs + 5)
	f, err := r.Frame(false)
	if err != nil {
		t.Fatal(err)
	}
	if v := f.Metrics["finetune_val_accuracy"]; math.IsNaN(v) || v < 0.3 {
		t.Errorf("finetune validation accuracy %v after 5 target epochs", v)
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrameFrom(b, sc, pretrainEpochs, "")
}

// BenchmarkStep is one pre-training epoch and one target epoch of the
// three networks, with their scores; cpu-ms/op is the processor time of
// the steps alone (not of restarting a run):
//
//	go test ./scenarios/transfer -run '^$' -bench 'Step$' -cpu 1 -count 3
func BenchmarkStep(b *testing.B) {
	for _, phase := range []struct {
		name     string
		from, to int
	}{{"pretrain", 0, pretrainEpochs}, {"target", pretrainEpochs, maxSteps}} {
		b.Run(phase.name, func(b *testing.B) {
			r := scenariotest.NewRun(b, sc, "")
			r.Advance(phase.from)
			var cpu time.Duration
			for b.Loop() {
				if r.StepNumber() >= phase.to {
					b.StopTimer()
					r.Reset()
					r.Advance(phase.from)
					b.StartTimer()
				}
				c := scenariotest.CPUTime()
				r.Step()
				cpu += scenariotest.CPUTime() - c
			}
			b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
