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
