package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestPageOpensAt: at=N on a page opens its run at step N, validated like
// any parameter, and a refused at is left out of the page offered instead.
func TestPageOpensAt(t *testing.T) {
	_, ts := newTestServer(t, 4)
	tests := []struct {
		path, want string
		status     int
	}{
		{"/s/counter?last=10&at=4", `page counter step 4 query "last=10"`, 200},
		{"/s/counter?at=0", `page counter step 0 query ""`, 200},
		// Past the run's end: its last step, as steps=M does for the API.
		{"/s/counter?last=10&at=30", `page counter step 10 query "last=10"`, 200},
		{"/s/counter?at=51", `parameter "at": invalid value "51": an integer from 0 to 50`, 400},
		{"/s/counter?at=two", `parameter "at": invalid value "two"`, 400},
		{"/s/counter?at=1&at=2", `parameter "at": invalid value "1,2": given more than once`, 400},
	}
	for _, tc := range tests {
		status, body, _ := get(t, ts.URL+tc.path)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s = %d %q, want %d containing %q", tc.path, status, body, tc.status, tc.want)
		}
	}
	status, body, _ := get(t, ts.URL+"/s/counter?last=10&at=99")
	if want := `retry "/s/counter?last=10": Open Counter with the run opened at step 0`; status != 400 || !strings.Contains(body, want) {
		t.Errorf("a refused at: %d %q, want the page offered without it: %q", status, body, want)
	}
}

func ndjsonSteps(t *testing.T, url string) (steps []int, status int, body string) {
	t.Helper()
	status, body, _ = get(t, url)
	if status != 200 {
		return nil, status, body
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		var m message
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.Type != "frame" {
			t.Fatalf("%s: line %q is no frame (%v)", url, line, err)
		}
		steps = append(steps, m.Step)
	}
	return steps, status, body
}

// TestAPIAt: a headless run with at=N&steps=M answers the frames of
// steps N to M, both included; metrics.csv the same rows; plot.svg takes
// at as its step.
func TestAPIAt(t *testing.T) {
	_, ts := newTestServer(t, 4)
	api := ts.URL + "/api/scenarios/counter/"
	steps, status, body := ndjsonSteps(t, api+"run?last=10&at=3&steps=6")
	if status != 200 || !equalInts(steps, []int{3, 4, 5, 6}) {
		t.Errorf("run at=3&steps=6: %d %v %q, want frames 3 to 6", status, steps, body)
	}
	// The frame at step 4 is the one a run from step 0 sends.
	_, from0, _ := get(t, api+"run?last=10&steps=4")
	_, from3, _ := get(t, api+"run?last=10&at=3&steps=4")
	if l0, l3 := lastLine(from0), lastLine(from3); l0 != l3 {
		t.Errorf("step 4 from at=3 differs from step 4 from step 0:\n%s\n%s", l3, l0)
	}
	steps, _, _ = ndjsonSteps(t, api+"run?last=10&at=8")
	if !equalInts(steps, []int{8, 9, 10}) {
		t.Errorf("run at=8 (steps left out: to the end): frames %v, want 8 to 10", steps)
	}
	refused := []struct{ path, want string }{
		{"run?at=7&steps=6", `"parameter \"at\": invalid value \"7\": at most steps (6)`},
		{"run?at=51", `an integer from 0 to 50`},
		{"metrics.csv?at=4&steps=3", `"param":"at"`},
		{"plot.svg?step=2&at=3", `"parameter \"at\": invalid value \"3\": the same as step (2)`},
		{"plot.svg?last=5&at=9", `"parameter \"at\": invalid value \"9\": this run ends at step 5"`},
	}
	for _, tc := range refused {
		status, body, _ := get(t, api+tc.path)
		if status != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s = %d %q, want 400 containing %q", tc.path, status, body, tc.want)
		}
	}
	_, csv, _ := get(t, api+"metrics.csv?last=10&at=3&steps=5")
	if want := "step,half,x\n3,1.5,3\n4,2,4\n5,2.5,5\n"; csv != want {
		t.Errorf("metrics.csv at=3&steps=5 = %q, want %q", csv, want)
	}
	_, byStep, _ := get(t, api+"plot.svg?last=10&step=3")
	_, byAt, _ := get(t, api+"plot.svg?last=10&at=3")
	if byStep != byAt || !strings.Contains(byAt, "<svg") {
		t.Errorf("plot.svg at=3 differs from step=3")
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// readRaw reads the next message of a type, as its bytes.
func readRaw(t *testing.T, c *websocket.Conn, typ string) []byte {
	t.Helper()
	for range 1000 {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("reading a %s message: %v", typ, err)
		}
		var m struct{ Type string }
		json.Unmarshal(b, &m)
		if m.Type == typ {
			return b
		}
	}
	t.Fatalf("no %s message", typ)
	return nil
}

// TestSeekSameFrameBytes: a step reached again by a seek, back or
// forward, sends byte for byte the frame a run opened at that step
// (at=N) sends first; a step not yet reached is refused and changes
// nothing.
func TestSeekSameFrameBytes(t *testing.T) {
	_, ts := newTestServer(t, 4)
	atFrame := func(n int) []byte {
		c, _, err := dial(t, ts, "/ws/counter?last=20&at="+itoa(n), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.conn.Close()
		return readRaw(t, c.conn, "frame")
	}
	c, _, err := dial(t, ts, "/ws/counter?last=20", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	for range 7 {
		c.send(`{"type":"step"}`)
		readRaw(t, c.conn, "frame")
	}
	for _, n := range []int{4, 0, 6, 7, 2} {
		c.send(`{"type":"seek","step":` + itoa(n) + `}`)
		got := readRaw(t, c.conn, "frame")
		if want := atFrame(n); !bytes.Equal(got, want) {
			t.Errorf("seek %d: frame\n%.300s\nwant the frame of at=%d\n%.300s", n, got, n, want)
		}
	}
	// Step 8 has not been reached: refused, naming step.
	c.send(`{"type":"seek","step":8}`)
	if m := c.until("error"); m.Param != "step" || !strings.Contains(m.Message, "from 0 to 7") {
		t.Errorf("seek 8: %+v, want an error naming step, reached 0 to 7", m)
	}
	c.send(`{"type":"step"}`)
	if m := c.until("frame"); m.Step != 3 {
		t.Errorf("a step after the refused seek went to %d, want 3 (from 2)", m.Step)
	}
	for _, bad := range []string{`{"type":"seek"}`, `{"type":"seek","step":-1}`, `{"type":"seek","step":"3"}`} {
		c.send(bad)
		if m := c.until("error"); !strings.Contains(m.Message, "seek") && !strings.Contains(m.Message, "JSON") {
			t.Errorf("%s: %+v, want an error about seek", bad, m)
		}
	}
	// A reset keeps the steps reached: the same values replay the same run.
	c.send(`{"type":"reset"}`)
	c.until("frame")
	c.send(`{"type":"seek","step":7}`)
	if got, want := readRaw(t, c.conn, "frame"), atFrame(7); !bytes.Equal(got, want) {
		t.Errorf("seek 7 after a reset: frame differs from at=7")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// cloneCounter is the counter that copies itself and counts its steps,
// all copies together.
type cloneCounter struct {
	counterModel
	steps *int
}

func (c *cloneCounter) Step() error { *c.steps++; return c.counterModel.Step() }
func (c *cloneCounter) Clone() Model {
	d := *c
	return &d
}

// TestCheckpoints: a model that copies itself is checkpointed as the run
// first reaches every 25th step, at most 16 copies, evenly spread; going
// back replays from the nearest one, never from step 0.
func TestCheckpoints(t *testing.T) {
	steps := 0
	sc := *counter
	sc.MaxSteps = 1000
	sc.New = func(Values) (Model, error) {
		return &cloneCounter{counterModel: counterModel{last: 1000}, steps: &steps}, nil
	}
	v, err := Parse(sc.Params, nil)
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewRun(&sc, v)
	if err != nil {
		t.Fatal(err)
	}
	run.Advance(400)
	want := []int{25, 50, 75, 100, 125, 150, 175, 200, 225, 250, 275, 300, 325, 350, 375, 400}
	if got := run.Checkpoints(); !equalInts(got, want) {
		t.Errorf("checkpoints at step 400: %v, want %v", got, want)
	}
	run.Advance(1000) // 17 at 425: spacing 50; again at 850: spacing 100
	want = []int{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}
	if got := run.Checkpoints(); !equalInts(got, want) {
		t.Errorf("checkpoints at step 1000: %v, want %v", got, want)
	}
	for _, tc := range []struct{ from, to, stepsTaken int }{
		{1000, 999, 99}, // from the checkpoint at 900
		{999, 1000, 0},  // the checkpoint at 1000 itself
		{1000, 50, 50},  // before the first checkpoint: from step 0
		{50, 60, 10},    // forward from where it is, nearer than any checkpoint
		{60, 750, 50},   // from the checkpoint at 700, nearer than step 60
		{750, 100, 0},   // a checkpoint's own step
		{100, 1000, 0},  // the last checkpoint
	} {
		if run.StepNumber() != tc.from {
			t.Fatalf("the run is at %d, want %d", run.StepNumber(), tc.from)
		}
		steps = 0
		if err := run.SeekContext(context.Background(), tc.to); err != nil {
			t.Fatal(err)
		}
		var s struct{ X int }
		b, _ := run.JSON(false)
		var f struct{ State json.RawMessage }
		json.Unmarshal(b, &f)
		json.Unmarshal(f.State, &s)
		if run.StepNumber() != tc.to || s.X != tc.to || steps != tc.stepsTaken {
			t.Errorf("seek %d → %d: at step %d with x = %d after %d steps, want step %d after %d steps",
				tc.from, tc.to, run.StepNumber(), s.X, steps, tc.to, tc.stepsTaken)
		}
	}
}
