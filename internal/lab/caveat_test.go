package lab

import (
	"strings"
	"testing"
)

// caveatModel is a counter whose every snapshot carries a caveat.
type caveatModel struct{ counterModel }

func (c *caveatModel) Snapshot() Snapshot {
	s := c.counterModel.Snapshot()
	s.Caveat = "rounded to fit"
	return s
}

// TestFrameCaveat: a snapshot's caveat is the frame's "caveat", with or
// without plots; a run without one has no such key, so its frames are
// byte for byte what they were before caveats.
func TestFrameCaveat(t *testing.T) {
	sc := *counter
	sc.New = func(v Values) (Model, error) { return &caveatModel{counterModel{last: counterLast.Get(v)}}, nil }
	for _, c := range []struct {
		sc   *Scenario
		want string
	}{{&sc, `"caveat":"rounded to fit"`}, {counter, ""}} {
		r, err := NewRun(c.sc, Defaults(c.sc.Params))
		if err != nil {
			t.Fatal(err)
		}
		for _, plots := range []bool{false, true} {
			b, err := r.JSON(plots)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(b), `"caveat"`); got != (c.want != "") || !strings.Contains(string(b), c.want) {
				t.Errorf("plots %v: frame %.200s, want %q", plots, b, c.want)
			}
		}
	}
}
