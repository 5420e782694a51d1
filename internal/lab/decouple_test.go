package lab

import (
	"bufio"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
)

// fakeClock is a session clock that moves only when a test moves it; its
// ticker fires when the test sends on tick.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	tick chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), tick: make(chan time.Time)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

func (c *fakeClock) ticker(time.Duration) (<-chan time.Time, func()) { return c.tick, func() {} }

// panelsModel is a test model with three panels: "moving" changes every
// step, "still" draws the same SVG every step, "fixed" never changes and
// says so with a version. Drawing "moving" calls onDraw, which stands for
// a slow drawing; draws counts the drawings of each panel.
type panelsModel struct {
	x, last int
	onDraw  func()
	mu      *sync.Mutex
	draws   map[string]int
}

func (m *panelsModel) Step() error { m.x++; return nil }
func (m *panelsModel) Done() bool  { return m.x >= m.last }
func (m *panelsModel) Snapshot() Snapshot {
	return Snapshot{Metrics: map[string]float64{"x": float64(m.x)}, State: map[string]int{"x": m.x}}
}
func (m *panelsModel) Plot(panel string) (*plot.Plot, error) {
	m.mu.Lock()
	m.draws[panel]++
	m.mu.Unlock()
	p := viz.NewPlot("", "i", "x")
	top := 1.0
	if panel == "moving" {
		top = float64(m.x) + 1
		if m.onDraw != nil {
			m.onDraw()
		}
	}
	viz.AddLine(p, []float64{0, top}, []float64{0, 1}, viz.ClassColor(0), "", false)
	return p, nil
}
func (m *panelsModel) Data() [][]string { return [][]string{{"x"}} }

func (m *panelsModel) PanelVersion(panel string) (uint64, bool) { return 7, panel == "fixed" }

var _ PanelVersioner = (*panelsModel)(nil)

// panelsScenario serves panelsModel; draws counts the drawings of each
// panel over every run of it.
type panelsScenario struct {
	*Scenario
	mu    sync.Mutex
	draws map[string]int
}

func (ps *panelsScenario) drawn(panel string) int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.draws[panel]
}

func newPanelsScenario(onDraw func()) *panelsScenario {
	ps := &panelsScenario{draws: map[string]int{}}
	ps.Scenario = &Scenario{
		Slug: "panels", Title: "Panels", Chapter: "0. Tests", Summary: "panels", MaxSteps: 100, Speed: 10,
		Params: Params(counterLast, Seed),
		Panels: []Panel{{Name: "moving", Title: "Moving"}, {Name: "still", Title: "Still"}, {Name: "fixed", Title: "Fixed"}},
		New: func(v Values) (Model, error) {
			return &panelsModel{last: counterLast.Get(v), onDraw: onDraw, mu: &ps.mu, draws: ps.draws}, nil
		},
	}
	return ps
}

// newPanelsServer serves the panels scenario with the session clock c
// (nil: the real one).
func newPanelsServer(t *testing.T, ps *panelsScenario, c clock) *httptest.Server {
	t.Helper()
	_, ts := serveTest(t, Config{Scenarios: []*Scenario{ps.Scenario}, Pages: fakePages{}, MaxRuns: 4},
		func(s *Server) { s.clock = c })
	return ts
}

// TestSlowDrawingKeepsThePace plays at 10 steps a second (one step a
// tick of 100 ms on a fake clock) a run whose every frame takes 300 ms
// of that clock to draw, three steps' time. Steps must keep the clock's
// pace, taking the steps that fell due during a drawing right after it,
// so the run reaches its last step when the clock says that step is
// due; and fewer frames than steps are drawn, their step counter jumping.
// Stepping on the goroutine that draws, each tick costing a step plus a
// frame, would need four times the clock.
func TestSlowDrawingKeepsThePace(t *testing.T) {
	const (
		last     = 40
		tick     = 100 * time.Millisecond // one step at 10 steps a second
		drawTime = 300 * time.Millisecond
	)
	c := newFakeClock()
	ps := newPanelsScenario(func() { c.advance(drawTime) })
	ts := newPanelsServer(t, ps, c)
	cl, _, err := dial(t, ts, "/ws/panels?last=40", nil)
	if err != nil {
		t.Fatal(err)
	}
	cl.until("status")
	played := c.now()
	cl.send(`{"type":"play"}`)

	// A client that keeps up: a tick, then its frame, then the next tick.
	frames := make(chan message, last+1)
	go func() {
		defer close(frames)
		for {
			cl.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, b, err := cl.conn.ReadMessage()
			if err != nil {
				return
			}
			var m message
			if json.Unmarshal(b, &m) != nil || m.Type != "frame" {
				continue
			}
			frames <- m
			if m.Done {
				return
			}
		}
	}()
	var steps []int // of the frames after play
	ticks, ticking, waiting := 0, false, false
	const quietFor = 200 * time.Millisecond // of real time without a frame
	quiet := time.NewTimer(quietFor)
	defer quiet.Stop()
	stuck := time.After(20 * time.Second)
loop:
	for {
		var tickC chan time.Time
		if !waiting {
			if !ticking {
				c.advance(tick)
				ticking = true
			}
			tickC = c.tick
		}
		select {
		case tickC <- c.now():
			ticks++
			ticking, waiting = false, true
		case m, ok := <-frames:
			if !ok {
				t.Fatalf("connection ended; frames at steps %v", steps)
			}
			steps = append(steps, m.Step)
			waiting = false
			if m.Done {
				break loop
			}
		case <-quiet.C:
			// A tick may come too soon after a frame to draw another
			// (at most maxFPS a second): the next tick brings it.
			waiting = false
		case <-stuck:
			t.Fatalf("stuck after %d ticks; frames at steps %v", ticks, steps)
		}
		quiet.Reset(quietFor)
	}
	elapsed := c.now().Sub(played)
	// Step 1 comes at play, step n after n-1 ticks' time. The slack is for
	// a drawing that may come between a step falling due and its being
	// taken, and the last frame's.
	if due := (last - 1) * tick; steps[len(steps)-1] != last || elapsed < due || elapsed > due+time.Second {
		t.Errorf("run reached step %d after %v of its clock (%d ticks, frames at steps %v); want step %d from %v to %v",
			steps[len(steps)-1], elapsed, ticks, steps, last, due, due+time.Second)
	}
	if len(steps) >= last/2 {
		t.Errorf("%d frames for %d steps; a frame three steps long to draw should leave most steps undrawn", len(steps), last)
	}
	jumped := false
	for i := 1; i < len(steps); i++ {
		if steps[i] <= steps[i-1] {
			t.Errorf("frame steps %v do not increase", steps)
			break
		}
		jumped = jumped || steps[i] > steps[i-1]+1
	}
	if !jumped {
		t.Errorf("frame steps %v never jump", steps)
	}
}

// TestUnchangedPanelsAreLeftOut: the first frame of a connection carries
// every panel; a step's frame leaves out the panel whose version did not
// change, without drawing it, and the one whose SVG is the same; a reset
// sends all three again.
func TestUnchangedPanelsAreLeftOut(t *testing.T) {
	ps := newPanelsScenario(nil)
	ts := newPanelsServer(t, ps, nil)
	cl, _, err := dial(t, ts, "/ws/panels?last=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	all := "fixed,moving,still"
	if m := cl.until("frame"); m.Step != 0 || panelKeys(m) != all {
		t.Fatalf("first frame: step %d, panels %q; want step 0, %q", m.Step, panelKeys(m), all)
	}
	for step := 1; step <= 2; step++ {
		cl.send(`{"type":"step"}`)
		if m := cl.until("frame"); m.Step != step || panelKeys(m) != "moving" {
			t.Fatalf("after step %d: step %d, panels %q; want only moving", step, m.Step, panelKeys(m))
		}
	}
	if got := ps.drawn("fixed"); got != 1 {
		t.Errorf("fixed panel drawn %d times in 3 frames, want 1: its version did not change", got)
	}
	if got := ps.drawn("still"); got != 3 {
		t.Errorf("still panel drawn %d times in 3 frames, want 3: without a version it is drawn, then compared", got)
	}
	cl.send(`{"type":"reset"}`)
	if m := cl.until("frame"); m.Step != 0 || panelKeys(m) != all {
		t.Fatalf("after reset: step %d, panels %q; want step 0, %q", m.Step, panelKeys(m), all)
	}
	// A new connection starts with every panel too.
	cl2, _, err := dial(t, ts, "/ws/panels?last=5&at=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := cl2.until("frame"); m.Step != 2 || panelKeys(m) != all {
		t.Fatalf("resumed at 2: step %d, panels %q; want %q", m.Step, panelKeys(m), all)
	}
}

// panelKeys lists a frame's panels, sorted, comma-separated, with a
// viewport for each.
func panelKeys(m message) string {
	var names []string
	for _, n := range []string{"fixed", "moving", "still"} {
		if _, ok := m.Plots[n]; ok {
			names = append(names, n)
		}
	}
	return strings.Join(names, ",")
}

// TestAPIFramesStayComplete: the headless API has no previous frame to
// keep, so every line carries every panel, the unchanged ones too.
func TestAPIFramesStayComplete(t *testing.T) {
	ps := newPanelsScenario(nil)
	ts := newPanelsServer(t, ps, nil)
	_, body, _ := get(t, ts.URL+"/api/scenarios/panels/run?last=5&steps=3&plots=1")
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var f Frame
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if len(f.Plots) != 3 || len(f.Viewports) != 3 {
			t.Errorf("line %d: %d plots and %d viewports, want 3 of each", n, len(f.Plots), len(f.Viewports))
		}
		n++
	}
	if n != 4 {
		t.Errorf("%d lines, want 4", n)
	}
	if status, body, _ := get(t, ts.URL+"/api/scenarios/panels/plot.svg?last=5&step=2&panel=fixed"); status != 200 || !strings.Contains(body, "<svg") {
		t.Errorf("plot.svg of the fixed panel: %d %.80q", status, body)
	}
}
