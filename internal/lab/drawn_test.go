package lab

import (
	"encoding/json"
	"testing"
)

// halvesModel is panelsModel whose "fixed" panel changes version every
// second step.
type halvesModel struct{ *panelsModel }

func (m halvesModel) PanelVersion(panel string) (uint64, bool) {
	return uint64(m.x / 2), panel == "fixed"
}

// A versioned panel is drawn once per version, for every frame (the API's
// included), and sent each time with the SVG of that drawing; a reset
// draws it again. Unversioned panels are drawn every frame.
func TestVersionedPanelsDrawnOncePerVersion(t *testing.T) {
	ps := newPanelsScenario(nil)
	inner := ps.New
	ps.New = func(v Values) (Model, error) {
		m, err := inner(v)
		return halvesModel{m.(*panelsModel)}, err
	}
	r, err := NewRun(ps.Scenario, Defaults(ps.Params))
	if err != nil {
		t.Fatal(err)
	}
	var fixed []string
	frame := func() {
		t.Helper()
		b, err := r.JSON(true)
		if err != nil {
			t.Fatal(err)
		}
		var f struct{ Plots map[string]string }
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		if f.Plots["fixed"] == "" || f.Plots["moving"] == "" {
			t.Fatalf("frame without every panel: %v", f.Plots)
		}
		fixed = append(fixed, f.Plots["fixed"])
	}
	// Steps 0 to 4: versions 0, 0, 1, 1, 2.
	for i := range 5 {
		if i > 0 {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
		}
		frame()
	}
	if got := ps.drawn("fixed"); got != 3 {
		t.Errorf("fixed drawn %d times over 3 versions, want 3", got)
	}
	if got := ps.drawn("moving"); got != 5 {
		t.Errorf("moving drawn %d times over 5 frames, want 5", got)
	}
	for _, s := range fixed[1:] {
		if s != fixed[0] {
			t.Fatal("fixed's SVG changed") // panelsModel draws it the same at every step
		}
	}
	if err := r.Reset(); err != nil {
		t.Fatal(err)
	}
	frame()
	if got := ps.drawn("fixed"); got != 4 {
		t.Errorf("fixed drawn %d times after a reset, want 4", got)
	}
}
