package gan

import (
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

// BenchmarkStepAndFrame: one step and its frame at the defaults, from
// step 300 (the map full of samples and arrows); cpu-ms/op is the
// processor time, steadier than ns/op on a busy machine:
//
//	go test ./scenarios/gan -run '^$' -bench StepAndFrame -cpu 1 -count 3
func BenchmarkStepAndFrame(b *testing.B) {
	r := scenariotest.NewRun(b, Scenario("bench"), "")
	r.Advance(300)
	cpu0 := scenariotest.CPUTime()
	scenariotest.StepAndFrameLoop(b, r, func() { r.Reset() })
	b.ReportMetric(float64(scenariotest.CPUTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
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
