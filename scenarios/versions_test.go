package scenarios

import (
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
)

// versionSteps bounds the steps a run is checked for; past the first few
// hundred, no versioned panel changes in another way.
const versionSteps = 300

// TestPanelVersionsKeepTheirPromise: a model that gives a panel a version
// promises that the panel looks the same whenever the version is the
// same, since a client is then not sent it again. Every URL of the frame
// comparison is played, each versioned panel drawn at every step, and
// each picture compared with the first one of its version.
func TestPanelVersionsKeepTheirPromise(t *testing.T) {
	if testing.Short() {
		t.Skip("plays every scenario")
	}
	versioned := 0
	for _, c := range frameCases() {
		sc, _, m := c.model(t)
		pv, ok := m.(lab.PanelVersioner)
		if !ok {
			continue
		}
		seen := map[string]map[uint64]string{} // panel → version → SVG
		for step := 0; step <= versionSteps; step++ {
			for _, pn := range sc.Panels {
				version, ok := pv.PanelVersion(pn.Name)
				if !ok {
					continue
				}
				p, err := m.Plot(pn.Name)
				if err != nil {
					t.Fatalf("%s: step %d: %s: %v", c.key(), step, pn.Name, err)
				}
				w, h := pn.Size()
				svg, _, err := viz.SVG(p, w, h)
				if err != nil {
					t.Fatalf("%s: step %d: %s: %v", c.key(), step, pn.Name, err)
				}
				if seen[pn.Name] == nil {
					seen[pn.Name] = map[uint64]string{}
					versioned++
				}
				if first, ok := seen[pn.Name][version]; !ok {
					seen[pn.Name][version] = string(svg)
				} else if first != string(svg) {
					t.Errorf("%s: step %d: panel %s changed but kept version %d", c.key(), step, pn.Name, version)
				}
			}
			if m.Done() || step == sc.MaxSteps {
				break
			}
			if err := m.Step(); err != nil {
				t.Fatalf("%s: step %d: %v", c.key(), step+1, err)
			}
		}
	}
	if versioned == 0 {
		t.Fatal("no scenario gives a panel a version")
	}
}

// model builds the case's model, as a run of its URL would.
func (c frameCase) model(tb testing.TB) (*lab.Scenario, lab.Values, lab.Model) {
	tb.Helper()
	sc := scenarioBySlug(tb, c.slug)
	v := c.values(tb, sc)
	m, err := sc.New(v)
	if err != nil {
		tb.Fatalf("%s: %v", c.key(), err)
	}
	return sc, v, m
}

// values parses the case's query for sc.
func (c frameCase) values(tb testing.TB, sc *lab.Scenario) lab.Values {
	tb.Helper()
	q, err := lab.ParseQuery(c.query)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := lab.Parse(sc.Params, q)
	if err != nil {
		tb.Fatalf("%s: %v", c.key(), err)
	}
	return v
}
