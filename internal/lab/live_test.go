package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
)

// tuned is a test scenario with a live parameter: each step adds rate to x.
var (
	tunedRate = LiveFloat(Param{Name: "rate", Label: "Rate", Default: "1", Min: 0, Max: 10})
	tunedSlow = Float(Param{Name: "slow", Label: "Not live", Default: "1", Min: 0, Max: 10})
	tunedSign = LiveEnum(Param{Name: "sign", Label: "Sign", Default: "up"}, Option("up", 1.0), Option("down", -1.0))
	tuned     = &Scenario{
		Slug: "tuned", Title: "Tuned", Chapter: "0. Tests", Summary: "adds rate", MaxSteps: 50, Speed: 240, Deterministic: true,
		Params: Params(tunedRate, tunedSlow, tunedSign),
		Panels: []Panel{{Name: "line", Title: "Line"}},
		New: func(v Values) (Model, error) {
			return &tunedModel{rate: tunedRate.Get(v), sign: tunedSign.Get(v)}, nil
		},
	}
)

// tunedModel adds sign·rate to x each step.
type tunedModel struct{ x, rate, sign float64 }

func (m *tunedModel) Step() error { m.x += m.sign * m.rate; return nil }
func (m *tunedModel) Done() bool  { return false }
func (m *tunedModel) Retune(v Values, step int) {
	m.rate, m.sign = tunedRate.At(v, step), tunedSign.At(v, step)
}
func (m *tunedModel) Data() [][]string { return [][]string{{"x"}} }
func (m *tunedModel) Snapshot() Snapshot {
	return Snapshot{Metrics: map[string]float64{"x": m.x}, State: map[string]float64{"x": m.x, "rate": m.rate}}
}
func (m *tunedModel) Plot(string) (*plot.Plot, error) {
	p := viz.NewPlot("", "i", "x")
	viz.AddLine(p, []float64{0, m.x + 1}, []float64{0, 1}, viz.ClassColor(0), "", false)
	return p, nil
}

func TestLiveSchedule(t *testing.T) {
	good := []struct {
		query, canon string
		at           map[int]float64
	}{
		{"rate=3", "rate=3", map[int]float64{0: 3, 40: 3}},
		{"rate=1,2@3,0.50@5", "rate=1,2@3,0.5@5", map[int]float64{0: 1, 2: 1, 3: 2, 4: 2, 5: 0.5, 49: 0.5}},
		{"rate=1,1@7", "rate=1,1@7", map[int]float64{6: 1, 7: 1}},
	}
	for _, tc := range good {
		q, _ := ParseQuery(tc.query)
		v, err := Parse(tuned.Params, q)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if got := v.Encode(); got != tc.canon {
			t.Errorf("%s encodes as %q, want %q", tc.query, got, tc.canon)
		}
		for step, want := range tc.at {
			if got := tunedRate.At(v, step); got != want {
				t.Errorf("%s: rate after step %d = %g, want %g", tc.query, step, got, want)
			}
		}
	}
	for _, bad := range []string{"rate=1,2@3,3@3", "rate=1,20@3", "rate=1,2", "rate=1,2@0", "rate=1,2@x", "slow=1,2@3"} {
		q, _ := ParseQuery(bad)
		_, err := Parse(tuned.Params, q)
		name, _, _ := strings.Cut(bad, "=")
		if pe, ok := err.(*ParamError); !ok || pe.Name != name {
			t.Errorf("%s: %v, want an error naming %s", bad, err, name)
		}
	}
}

// TestLiveRunReplays: a run applies a schedule's changes at their steps,
// playing or replaying (timeline, at=N).
func TestLiveRunReplays(t *testing.T) {
	q, _ := ParseQuery("rate=1,2@3,0.5@5")
	v, err := Parse(tuned.Params, q)
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewRun(tuned, v)
	if err != nil {
		t.Fatal(err)
	}
	x := func() float64 {
		f, _ := run.Frame(false)
		return f.Metrics["x"]
	}
	// 1 + 1 + 1, then 2 + 2, then 0.5 + 0.5.
	run.Advance(7)
	if got := x(); got != 8 {
		t.Errorf("x at step 7 = %g, want 8", got)
	}
	run.SeekContext(context.Background(), 4)
	if got := x(); got != 5 {
		t.Errorf("x at step 4 after going back = %g, want 5", got)
	}
}

func newTunedServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := NewServer(Config{Scenarios: []*Scenario{tuned}, Pages: fakePages{}, MaxRuns: 4,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		ts.Close()
	})
	return ts
}

// TestLiveSet: a value changed while the run plays takes effect from the
// step on screen; the run's new query records when, and opening it gives
// the same frames.
func TestLiveSet(t *testing.T) {
	ts := newTunedServer(t)
	c, _, err := dial(t, ts, "/ws/tuned", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	stepTo(t, c, 3)
	c.send(`{"type":"set","name":"rate","value":2}`)
	var run struct {
		Query   string
		Reached int
	}
	json.Unmarshal(readRaw(t, c.conn, "run"), &run)
	if run.Query != "rate=1,2@3" || run.Reached != 3 {
		t.Errorf("after set at step 3: run message %+v, want query rate=1,2@3, reached 3", run)
	}
	stepTo(t, c, 2)
	c.send(`{"type":"seek","step":5}`)
	live := readRaw(t, c.conn, "frame")
	var f struct{ State struct{ X float64 } }
	json.Unmarshal(live, &f)
	if f.State.X != 7 {
		t.Errorf("x at step 5 = %g, want 1+1+1+2+2 = 7", f.State.X)
	}
	opened, _, _ := dial(t, ts, "/ws/tuned?rate=1,2@3&at=5", nil)
	if got := readRaw(t, opened.conn, "frame"); !bytes.Equal(got, live) {
		t.Errorf("the run's new query at=5 gives\n%s\nwant the live run's frame\n%s", got, live)
	}
	// Going back and changing again rewrites the future: the timeline ends there.
	c.send(`{"type":"seek","step":4}`)
	readRaw(t, c.conn, "frame")
	c.send(`{"type":"set","name":"rate","value":0}`)
	json.Unmarshal(readRaw(t, c.conn, "run"), &run)
	if run.Query != "rate=1,2@3,0@4" || run.Reached != 4 {
		t.Errorf("after set at step 4: %+v, want rate=1,2@3,0@4, reached 4", run)
	}
	c.send(`{"type":"seek","step":5}`)
	if m := c.until("error"); m.Param != "step" {
		t.Errorf("seek past the rewritten steps: %+v, want an error naming step", m)
	}
	for _, tc := range []struct{ msg, param string }{
		{`{"type":"set","name":"slow","value":2}`, "slow"},
		{`{"type":"set","name":"nope","value":2}`, "nope"},
		{`{"type":"set","name":"rate","value":11}`, "rate"},
	} {
		c.send(tc.msg)
		if m := c.until("error"); m.Param != tc.param || !strings.HasPrefix(m.Message, "set: ") {
			t.Errorf("%s: %+v, want an error naming %s", tc.msg, m, tc.param)
		}
	}
	// At step 0 the first value changes and the run starts over.
	fresh, _, _ := dial(t, ts, "/ws/tuned", nil)
	fresh.until("status")
	fresh.send(`{"type":"set","name":"rate","value":4}`)
	json.Unmarshal(readRaw(t, fresh.conn, "run"), &run)
	fresh.until("frame")
	json.Unmarshal(stepTo(t, fresh, 1), &f)
	if run.Query != "rate=4" || f.State.X != 4 {
		t.Errorf("set at step 0: query %q and x %g after a step, want rate=4 and 4", run.Query, f.State.X)
	}
}

// TestLiveEnum: an enum's schedule spells its words; a run follows it, and
// a set message gives the word's index.
func TestLiveEnum(t *testing.T) {
	q, _ := ParseQuery("sign=up,down@3,up@4")
	v, err := Parse(tuned.Params, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Encode(); got != "sign=up,down@3,up@4" {
		t.Errorf("encodes as %q", got)
	}
	if tunedSign.Get(v) != 1 {
		t.Errorf("Get = %g, want the first choice's 1", tunedSign.Get(v))
	}
	for step, want := range map[int]float64{0: 1, 2: 1, 3: -1, 4: 1, 40: 1} {
		if got := tunedSign.At(v, step); got != want {
			t.Errorf("sign after step %d = %g, want %g", step, got, want)
		}
	}
	if got := v.TextAt("sign", 3); got != "down" {
		t.Errorf("TextAt(sign, 3) = %q, want down", got)
	}
	for _, bad := range []string{"sign=sideways", "sign=up,left@3", "sign=up,down@0", "sign=up,down@3,up@3", "sign=up,down"} {
		q, _ := ParseQuery(bad)
		if _, err := Parse(tuned.Params, q); err == nil || err.(*ParamError).Name != "sign" {
			t.Errorf("%s: %v, want an error naming sign", bad, err)
		}
	}
	run, err := NewRun(tuned, v)
	if err != nil {
		t.Fatal(err)
	}
	run.Advance(6) // +1 +1 +1, −1, +1 +1
	if f, _ := run.Frame(false); f.Metrics["x"] != 4 {
		t.Errorf("x at step 6 = %g, want 4", f.Metrics["x"])
	}

	ts := newTunedServer(t)
	c, _, err := dial(t, ts, "/ws/tuned", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	stepTo(t, c, 2)
	c.send(`{"type":"set","name":"sign","value":1}`)
	var msg struct{ Query string }
	json.Unmarshal(readRaw(t, c.conn, "run"), &msg)
	if msg.Query != "sign=up,down@2" {
		t.Errorf("after set at step 2: query %q, want sign=up,down@2", msg.Query)
	}
	for _, bad := range []string{`{"type":"set","name":"sign","value":2}`, `{"type":"set","name":"sign","value":0.5}`, `{"type":"set","name":"sign","value":-1}`} {
		c.send(bad)
		if m := c.until("error"); m.Param != "sign" {
			t.Errorf("%s: %+v, want an error naming sign", bad, m)
		}
	}
}
