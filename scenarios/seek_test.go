package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

// seekCases are the runs the timeline is checked and measured on: the
// default neural network (an epoch a step) and a mini-batch k-means,
// which runs long (a batch a step).
var seekCases = []struct {
	slug, query string
	back, to    int // a run reaches back, then seeks to
}{
	{"neural-network", "", 60, 40},
	{"neural-network", "", 130, 100}, // a checkpoint's own step
	{"neural-network", "optimizer=adam&dropout=0.2", 80, 60},
	{"kmeans", "variant=minibatch&k=6", 60, 40},
	{"kmeans", "variant=minibatch&k=6", 60, 50},
	{"kmeans", "", 5, 2}, // Lloyd's, converged at step 5
}

func scenarioBySlug(tb testing.TB, slug string) *lab.Scenario {
	for _, sc := range All() {
		if sc.Slug == slug {
			return sc
		}
	}
	tb.Fatalf("no scenario %q", slug)
	return nil
}

// TestSeekSameFrame: a step reached again by going back on the timeline
// gives byte for byte the frame, plots included, that the run gave when
// it first reached it.
func TestSeekSameFrame(t *testing.T) {
	for _, tc := range seekCases {
		t.Run(tc.slug+"?"+tc.query, func(t *testing.T) {
			sc := scenarioBySlug(t, tc.slug)
			run := scenariotest.NewRun(t, sc, tc.query)
			var first []byte
			for run.StepNumber() < tc.back {
				if run.StepNumber() == tc.to {
					first = mustJSON(t, run)
				}
				if err := run.Step(); err != nil {
					t.Fatal(err)
				}
			}
			far := mustJSON(t, run) // drawn at the far step, so that caches hold its rasters
			if err := run.SeekContext(context.Background(), tc.to); err != nil {
				t.Fatal(err)
			}
			if again := mustJSON(t, run); !bytes.Equal(first, again) {
				t.Errorf("the frame of step %d reached by play (%d bytes) differs from the one reached by seeking back from %d (%d bytes)",
					tc.to, len(first), tc.back, len(again))
			}
			if err := run.SeekContext(context.Background(), tc.back); err != nil {
				t.Fatal(err)
			}
			if again := mustJSON(t, run); !bytes.Equal(far, again) {
				t.Errorf("the frame of step %d differs after going back to %d and forward again", tc.back, tc.to)
			}
			// Forward again from there, through the checkpoints: the far
			// step as the run first drew it.
			if tc.back >= 2*25 && len(run.Checkpoints()) == 0 {
				t.Errorf("a run of %d steps keeps no checkpoint", tc.back)
			}
			if err := run.SeekContext(context.Background(), tc.back+1); err == nil {
				t.Errorf("seeking past the highest step reached (%d) was accepted", tc.back)
			}
		})
	}
}

func mustJSON(t *testing.T, run *lab.Run) []byte {
	t.Helper()
	b, err := run.JSON(true)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkSeekBack measures going back on the timeline from step n:
// replaying from step 0 without drawing (what a model that cannot copy
// itself costs), going one step back and forward again through the
// checkpoints, and copying the model once; beside the drawing of one
// frame.
//
//	go test ./scenarios -run '^$' -bench SeekBack -cpu 1 -count 3
func BenchmarkSeekBack(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		slug, query string
		n           []int
	}{
		{"neural-network", "", []int{100, 500, 1000}},
		{"kmeans", "variant=minibatch&k=6", []int{100}},
	} {
		sc := scenarioBySlug(b, tc.slug)
		for _, n := range tc.n {
			b.Run(fmt.Sprintf("%s/replay-from-0-to-%d", tc.slug, n), func(b *testing.B) {
				run := scenariotest.NewRun(b, sc, tc.query)
				for b.Loop() {
					run.Reset()
					run.Advance(n)
				}
			})
			b.Run(fmt.Sprintf("%s/checkpoints-back-1-and-forward-from-%d", tc.slug, n), func(b *testing.B) {
				run := scenariotest.NewRun(b, sc, tc.query)
				run.Advance(n)
				n := run.StepNumber() // a run that ends sooner
				for b.Loop() {
					run.SeekContext(ctx, n-1)
					run.SeekContext(ctx, n)
				}
			})
		}
		b.Run(tc.slug+"/clone", func(b *testing.B) {
			model, err := sc.New(scenariotest.Values(b, sc, tc.query))
			if err != nil {
				b.Fatal(err)
			}
			for range tc.n[len(tc.n)-1] {
				model.Step()
			}
			m := model.(lab.Cloner)
			for b.Loop() {
				m.Clone()
			}
		})
		b.Run(tc.slug+"/frame", func(b *testing.B) {
			run := scenariotest.NewRun(b, sc, tc.query)
			run.Advance(tc.n[0])
			for b.Loop() {
				run.JSON(true)
			}
		})
	}
}
