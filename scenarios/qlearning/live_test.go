package qlearning

import (
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

// TestLiveValues: γ, α and ε changed while the run plays (the URL's
// schedule) take effect after their step: with ε = 0 from step 40 no move
// explores; the frame's γ and V* follow the new γ; the update after the
// change uses the new α and γ.
func TestLiveValues(t *testing.T) {
	run := scenariotest.NewRun(t, sc, "epsilon=1,0@40&gamma=0.9,0.5@40&alpha=0.5,0.1@40")
	same := scenariotest.NewRun(t, sc, "epsilon=1&gamma=0.9&alpha=0.5")
	explored := 0
	var before frame
	for step := 1; step <= 200; step++ {
		run.Step()
		same.Step()
		f := scenariotest.Decode[frame](t, run, false)
		if step <= 40 {
			// Up to step 40 the run is the one without changes.
			if g := scenariotest.Decode[frame](t, same, false); g.State.Agent != f.State.Agent || g.State.Last.Target != f.State.Last.Target {
				t.Fatalf("step %d differs from the run without changes", step)
			}
		}
		if f.State.Last != nil && f.State.Last.Explored {
			if step > 40 {
				t.Errorf("step %d explored with ε = 0 after step 40", step)
			}
			explored++
		}
		if step == 41 {
			if f.State.Gamma != 0.5 {
				t.Errorf("γ after the change = %g, want 0.5", f.State.Gamma)
			}
			if before.State.VStar[before.State.Start] == f.State.VStar[f.State.Start] {
				t.Errorf("V* of the start cell did not follow γ: %g", f.State.VStar[f.State.Start])
			}
			if l := f.State.Last; l.Alpha > 0.1 {
				t.Errorf("the first update after the change used α = %g, want at most 0.1", l.Alpha)
			}
		}
		before = f
	}
	if explored == 0 {
		t.Errorf("no move explored with ε = 1 before step 40")
	}
}
