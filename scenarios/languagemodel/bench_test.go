package languagemodel

import (
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "level=word", "model=transformer")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }
