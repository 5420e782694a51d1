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
	{"kmeans", "variant=minibatch&k=6", 60, 40},
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
			mustJSON(t, run) // drawn at the far step, so that caches hold its rasters
			if err := run.SeekContext(context.Background(), tc.to); err != nil {
				t.Fatal(err)
			}
			if again := mustJSON(t, run); !bytes.Equal(first, again) {
				t.Errorf("the frame of step %d reached by play (%d bytes) differs from the one reached by seeking back from %d (%d bytes)",
					tc.to, len(first), tc.back, len(again))
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

// BenchmarkSeekBack measures going back on the timeline: a replay from
// step 0 to step n without drawing, beside the drawing of one frame.
//
//	go test ./scenarios -run '^$' -bench SeekBack -cpu 1 -count 3
func BenchmarkSeekBack(b *testing.B) {
	for _, tc := range []struct {
		slug, query string
		n           []int
	}{
		{"neural-network", "", []int{100, 500, 1000}},
		{"kmeans", "variant=minibatch&k=6", []int{100, 500, 2000}},
	} {
		sc := scenarioBySlug(b, tc.slug)
		for _, n := range tc.n {
			b.Run(fmt.Sprintf("%s/replay-to-%d", tc.slug, n), func(b *testing.B) {
				run := scenariotest.NewRun(b, sc, tc.query)
				run.Advance(n)
				for b.Loop() {
					run.SeekContext(context.Background(), 0)
					run.SeekContext(context.Background(), n)
				}
			})
		}
		b.Run(tc.slug+"/frame", func(b *testing.B) {
			run := scenariotest.NewRun(b, sc, tc.query)
			run.Advance(tc.n[0])
			for b.Loop() {
				run.JSON(true)
			}
		})
	}
}
