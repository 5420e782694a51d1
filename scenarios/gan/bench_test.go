package gan

import (
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

// BenchmarkStepAndFrame: one step and its frame at the defaults, from
// step 300 (the map full of samples and arrows).
func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrameFrom(b, Scenario("bench"), 300, "")
}

// TestFrameWithinBudgetAtDefaults: the default run's frame at the
// catalogue's step fits 32 KB.
func TestFrameWithinBudgetAtDefaults(t *testing.T) {
	r := scenariotest.NewRun(t, Scenario("test"), "")
	if err := r.Advance(Scenario("test").ThumbStep); err != nil {
		t.Fatal(err)
	}
	scenariotest.FrameWithin(t, r, 32<<10, "defaults")
}
