package scenarios

import (
	"fmt"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
	"gonum.org/v1/plot/vg"
)

// legendSteps bounds how far TestLegendsCoverNoData runs a scenario: its
// "last step" is the end of the run or this step, whichever comes first.
const legendSteps = 600

// TestLegendsCoverNoData draws every panel of every scenario at step 0, at
// a middle step and at the last step, and checks that no legend box holds
// a data point, a line's vertex or an annotation (the ink viz records
// while drawing), and that every box lies within the panel. It runs each
// scenario's three frame-comparison URLs: the defaults and two others.
func TestLegendsCoverNoData(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every scenario to its end twice, three times")
	}
	bySlug := map[string]*lab.Scenario{}
	for _, sc := range All() {
		bySlug[sc.Slug] = sc
	}
	for _, c := range frameCases() {
		t.Run(c.key(), func(t *testing.T) {
			t.Parallel()
			sc := bySlug[c.slug]
			q, err := lab.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			v, err := lab.Parse(sc.Params, q)
			if err != nil {
				t.Fatal(err)
			}
			last := legendRun(t, sc, v, -1)
			legendRun(t, sc, v, last)
		})
	}
}

// legendRun steps a fresh model of sc to its end (at most legendSteps)
// and returns the last step. With last ≥ 0 it checks the panels at step
// 0, last/2 and last.
func legendRun(t *testing.T, sc *lab.Scenario, v lab.Values, last int) int {
	t.Helper()
	m, err := sc.New(v)
	if err != nil {
		t.Fatal(err)
	}
	step := 0
	for {
		if last >= 0 && (step == 0 || step == last/2 || step == last) {
			for _, pn := range sc.Panels {
				checkLegend(t, m, pn, step)
			}
		}
		if step == last || m.Done() || step >= min(sc.MaxSteps, legendSteps) {
			return step
		}
		if err := m.Step(); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		step++
	}
}

func checkLegend(t *testing.T, m lab.Model, pn lab.Panel, step int) {
	t.Helper()
	p, err := m.Plot(pn.Name)
	if err != nil {
		t.Fatalf("step %d: %s: %v", step, pn.Name, err)
	}
	w, h := pn.Size()
	rep, err := viz.ReportLegend(p, w, h)
	if err != nil {
		t.Fatalf("step %d: %s: %v", step, pn.Name, err)
	}
	b := rep.Box
	if b == (vg.Rectangle{}) {
		return
	}
	if b.Min.X < 0 || b.Min.Y < 0 || b.Max.X > w || b.Max.Y > h {
		t.Errorf("step %d: %s: legend box %v is not inside the %v×%v panel", step, pn.Name, b, w, h)
	}
	var under []string
	for _, pt := range rep.Ink {
		if pt.X > b.Min.X && pt.X < b.Max.X && pt.Y > b.Min.Y && pt.Y < b.Max.Y {
			under = append(under, fmt.Sprintf("(%.1f, %.1f)", pt.X, pt.Y))
		}
	}
	if len(under) > 0 {
		t.Errorf("step %d: %s: legend box %v (inside the data area: %v) covers %d of %d ink points, e.g. %v",
			step, pn.Name, b, rep.Inside, len(under), len(rep.Ink), under[:min(len(under), 3)])
	}
}
