package rnn

import (
	"fmt"
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type frame struct {
	Step    int                `json:"step"`
	Metrics map[string]float64 `json:"metrics"`
	State   state              `json:"state"`
	Note    string             `json:"note"`
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "length=30&hidden=20"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(sc.MaxSteps)
		n := scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q))
		t.Logf("%q: %d bytes", q, n)
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrameFrom(b, sc, 100, "", "length=30&hidden=20")
}

func TestPanelSizes(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	r.Advance(sc.MaxSteps)
	f, err := r.Frame(true)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range f.Plots {
		t.Logf("%s: %d", k, len(v))
	}
	t.Log(f.Note)
}
