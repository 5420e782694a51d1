package lab

import (
	"slices"
	"testing"
)

// TestPanelShownOnlyWhereItApplies: a panel whose Shown refuses the run's
// values is neither drawn nor sent, the run message names the panels
// the page must show, and a run it applies to has it again.
func TestPanelShownOnlyWhereItApplies(t *testing.T) {
	ps := newPanelsScenario(nil)
	for i := range ps.Panels {
		if ps.Panels[i].Name == "fixed" {
			ps.Panels[i].Shown = func(v Values) bool { return counterLast.Get(v) > 3 }
		}
	}
	ts := newPanelsServer(t, ps, nil)
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"last=3", []string{"moving", "still"}},
		{"last=5", []string{"moving", "still", "fixed"}},
	} {
		before := ps.drawn("fixed")
		cl, _, err := dial(t, ts, "/ws/panels?"+c.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		run := cl.until("run")
		if !slices.Equal(run.Panels, c.want) {
			t.Errorf("%s: run message names panels %v, want %v", c.query, run.Panels, c.want)
		}
		f := cl.until("frame")
		var got []string
		for name := range f.Plots {
			got = append(got, name)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s: first frame carries panels %v, want %v", c.query, got, want)
		}
		drew := ps.drawn("fixed") > before
		if shown := slices.Contains(c.want, "fixed"); drew != shown {
			t.Errorf("%s: the panel was drawn: %v; shown: %v", c.query, drew, shown)
		}
	}
}
