package lab

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	counterLast    = Int(Param{Name: "last", Label: "Last", Default: "20", Min: 1, Max: 100})
	counterPanicAt = Int(Param{Name: "panic_at", Label: "Panic at", Default: "0", Min: 0, Max: 100})
	counterBig     = Bool(Param{Name: "big", Label: "Big frames", Default: "false"})
	counterPoints  = Points(Param{Name: "points", Label: "Points", Default: ""})
)

// counter is a test scenario: step i sets x = i; it panics at step
// panic_at when that is set, and finishes at "last".
var counter = &Scenario{
	Slug: "counter", Title: "Counter", Chapter: "0. Tests", Summary: "counts", MaxSteps: 50, Speed: 240,
	Params: Params(counterLast, counterPanicAt, counterBig, counterPoints, Seed),
	Panels: []Panel{{Name: "line", Title: "Line", Points: "points"}, {Name: "other", Title: "Other"}},
	New: func(v Values) (Model, error) {
		return &counterModel{last: counterLast.Get(v), panicAt: counterPanicAt.Get(v), big: counterBig.Get(v), points: len(counterPoints.Get(v))}, nil
	},
}

type counterModel struct {
	x, last, panicAt, points int
	big                      bool
}

func (c *counterModel) Step() error {
	c.x++
	if c.x == c.panicAt {
		panic("counter: boom")
	}
	return nil
}
func (c *counterModel) Done() bool { return c.x >= c.last }
func (c *counterModel) Snapshot() Snapshot {
	s := map[string]any{"x": c.x, "points": c.points}
	if c.big {
		s["pad"] = strings.Repeat("x", 200<<10)
	}
	return Snapshot{Metrics: map[string]float64{"x": float64(c.x), "half": float64(c.x) / 2}, State: s}
}
func (c *counterModel) Plot(string) (*plot.Plot, error) {
	p := viz.NewPlot("", "i", "x")
	viz.AddLine(p, []float64{0, float64(c.x) + 1}, []float64{0, 1}, viz.ClassColor(0), "", false)
	return p, nil
}
func (c *counterModel) Data() [][]string {
	return [][]string{{"x"}, {fmt.Sprint(c.x)}}
}

type fakePages struct{}

func (fakePages) Catalogue([]*Scenario) templ.Component { return templ.Raw("catalogue") }
func (fakePages) Notation() templ.Component             { return templ.Raw("notation") }
func (fakePages) Scenario(p PageData) templ.Component {
	return templ.Raw(fmt.Sprintf("page %s step %d query %q view %q", p.Scenario.Slug, p.Frame.Step, p.Query, p.View))
}
func (fakePages) Error(e ErrorPage) templ.Component {
	s := fmt.Sprintf("error %d: %s", e.Status, e.Message)
	if e.Retry != "" {
		s += fmt.Sprintf("\nretry %q: %s", e.Retry, e.RetryLabel)
	}
	return templ.Raw(s)
}

func newTestServer(t *testing.T, maxRuns int) (*Server, *httptest.Server) {
	t.Helper()
	long := *counter // a run long enough to meet the limit on drawn frames
	long.Slug, long.MaxSteps = "long", 5000
	return serveTest(t, Config{Scenarios: []*Scenario{counter, &long}, Pages: fakePages{}, MaxRuns: maxRuns}, nil)
}

// serveTest serves a server of cfg, logging nowhere, until the test ends;
// setup, when not nil, adjusts the server before it serves.
func serveTest(t *testing.T, cfg Config, setup func(*Server)) (*Server, *httptest.Server) {
	t.Helper()
	cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(s)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		ts.Close()
	})
	return s, ts
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestHTTPRoutes(t *testing.T) {
	_, ts := newTestServer(t, 4)
	tests := []struct {
		path       string
		status     int
		body, ctyp string
	}{
		{"/healthz", 200, "ok", "text/plain"},
		{"/", 200, "catalogue", "text/html"},
		{"/s/counter?last=5", 200, `page counter step 0 query "last=5"`, "text/html"},
		{"/s/counter?last=500", 400, `error 400: parameter "last": invalid value "500": an integer from 1 to 100`, "text/html"},
		{"/s/nope", 404, `error 404: no scenario "nope"`, "text/html"},
		{"/api/scenarios/counter/run?last=500", 400, `{"error":"parameter \"last\": invalid value \"500\": an integer from 1 to 100","param":"last"}`, "application/json"},
		{"/api/scenarios/counter/run?steps=-1", 400, `parameter \"steps\"`, "application/json"},
		{"/api/scenarios/counter/run?steps=51", 400, `an integer from 0 to 50`, "application/json"},
		{"/api/scenarios/counter/run?wat=1", 400, `not a parameter of this scenario`, "application/json"},
		{"/api/scenarios/nope/run", 404, `{"error":"no scenario \"nope\""}`, "application/json"},
		{"/api/nothing", 404, `"error"`, "application/json"},
		{"/api/scenarios/counter/data.csv?last=3", 200, "x\n0\n", "text/csv"},
		{"/api/scenarios/counter/metrics.csv?last=3", 200, "step,half,x\n0,0,0\n1,0.5,1\n2,1,2\n3,1.5,3\n", "text/csv"},
		{"/api/scenarios/counter/metrics.csv?last=30&steps=2", 200, "step,half,x\n0,0,0\n1,0.5,1\n2,1,2\n", "text/csv"},
		{"/api/scenarios/counter/plot.svg?step=3&panel=line", 200, "<svg", "image/svg+xml"},
		{"/api/scenarios/counter/plot.png?step=3&panel=other", 200, "\x89PNG", "image/png"},
		{"/api/scenarios/counter/plot.svg?step=3&panel=nope", 400, `parameter \"panel\": invalid value \"nope\": one of line, other`, "application/json"},
		{"/api/scenarios/counter/plot.svg?step=30&last=5", 400, `this run ends at step 5`, "application/json"},
		{"/api/scenarios/long/run?plots=1&steps=1001", 400, `at most 1000 with plots=1`, "application/json"},
		{"/api/scenarios/long/run?steps=1001&last=3", 200, `"step":3,"done":true`, "application/x-ndjson"},
		{"/api/scenarios/counter/plot.svg?panel=line&panel=other", 400, `{"error":"parameter \"panel\": invalid value \"line,other\": given more than once; give it once","param":"panel"}`, "application/json"},
		{"/api/scenarios/counter/plot.png?step=1&step=2", 400, `"param":"step"`, "application/json"},
		{"/api/scenarios/counter/run?plots=1&plots=0", 400, `"param":"plots"`, "application/json"},
		{"/api/scenarios/counter/metrics.csv?steps=1&steps=1", 400, `"param":"steps"`, "application/json"},
		{"/api/scenarios/counter/run?panic_at=2", 200, `{"type":"error","message":"scenario counter failed during step: internal error"}`, "application/x-ndjson"},
	}
	for _, tt := range tests {
		status, body, h := get(t, ts.URL+tt.path)
		if status != tt.status || !strings.Contains(body, tt.body) || !strings.HasPrefix(h.Get("Content-Type"), tt.ctyp) {
			t.Errorf("GET %s = %d %q (%s)\nwant %d containing %q (%s)", tt.path, status, trunc(body), h.Get("Content-Type"), tt.status, tt.body, tt.ctyp)
		}
	}
}

func trunc(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func TestSchema(t *testing.T) {
	_, ts := newTestServer(t, 4)
	_, body, _ := get(t, ts.URL+"/api/scenarios")
	var got []struct {
		Slug   string  `json:"slug"`
		Params []Param `json:"params"`
		Panels []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Slug != "counter" || len(got[0].Params) != 5 || got[0].Params[0].Max != 100 || len(got[0].Panels) != 2 {
		t.Errorf("schema = %+v", got)
	}
}

func TestRunNDJSON(t *testing.T) {
	_, ts := newTestServer(t, 4)
	for _, tt := range []struct {
		query     string
		lines     int
		lastDone  bool
		withPlots bool
	}{
		{"steps=3", 4, false, false},
		{"steps=0", 1, false, false},
		{"last=5", 6, true, false},          // to the end of the run
		{"last=5&steps=50", 6, true, false}, // stops at the end
		{"steps=2&plots=1", 3, false, true},
	} {
		_, body, _ := get(t, ts.URL+"/api/scenarios/counter/run?"+tt.query)
		sc := bufio.NewScanner(strings.NewReader(body))
		sc.Buffer(nil, 1<<20)
		n := 0
		var f Frame
		for sc.Scan() {
			f = Frame{}
			if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
				t.Fatalf("%s: line %d: %v", tt.query, n, err)
			}
			if f.Step != n {
				t.Errorf("%s: line %d has step %d", tt.query, n, f.Step)
			}
			if (len(f.Plots) == 2) != tt.withPlots {
				t.Errorf("%s: line %d has %d plots", tt.query, n, len(f.Plots))
			}
			n++
		}
		if n != tt.lines || f.Done != tt.lastDone {
			t.Errorf("%s: %d lines, last done=%v; want %d, %v", tt.query, n, f.Done, tt.lines, tt.lastDone)
		}
	}
}

// wsClient is a gorilla client with helpers for reading typed messages.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func dial(t *testing.T, ts *httptest.Server, path string, header http.Header) (*wsClient, *http.Response, error) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + path
	conn, resp, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		return nil, resp, err
	}
	t.Cleanup(func() { conn.Close() })
	return &wsClient{t: t, conn: conn}, resp, nil
}

type message struct {
	Type    string          `json:"type"`
	Step    int             `json:"step"`
	Done    bool            `json:"done"`
	Running bool            `json:"running"`
	Speed   float64         `json:"speed"`
	Message string          `json:"message"`
	Param   string          `json:"param"`
	Query   string          `json:"query"`
	Panels  []string        `json:"panels"`
	State   json.RawMessage `json:"state"`
	Plots   map[string]string
}

func (c *wsClient) read() message {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m message
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("bad message %q: %v", b, err)
	}
	return m
}

// until reads messages until one of the given type arrives.
func (c *wsClient) until(typ string) message {
	c.t.Helper()
	for range 1000 {
		if m := c.read(); m.Type == typ {
			return m
		}
	}
	c.t.Fatalf("no %s message", typ)
	return message{}
}

func (c *wsClient) send(s string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

func TestWebsocketProtocol(t *testing.T) {
	_, ts := newTestServer(t, 4)
	c, _, err := dial(t, ts, "/ws/counter?last=3&seed=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := c.read(); m.Type != "run" || m.Query != "last=3" {
		t.Fatalf("first message %+v, want run with canonical query last=3", m)
	}
	if m := c.read(); m.Type != "frame" || m.Step != 0 || len(m.Plots) != 2 {
		t.Fatalf("second message %+v, want frame 0 with 2 plots", m)
	}
	if m := c.read(); m.Type != "status" || m.Running || m.Speed != 240 {
		t.Fatalf("third message %+v, want paused status", m)
	}
	c.send(`{"type":"step"}`)
	if m := c.read(); m.Type != "frame" || m.Step != 1 {
		t.Fatalf("after step: %+v, want frame 1", m)
	}
	c.send(`{"type":"step"}`)
	if m := c.read(); m.Step != 2 {
		t.Fatalf("after 2 steps: %+v", m)
	}
	// Unknown and malformed messages get an error and the run goes on.
	c.send(`{"type":"jump"}`)
	if m := c.read(); m.Type != "error" || !strings.Contains(m.Message, `unknown message type "jump"`) {
		t.Fatalf("unknown type: %+v", m)
	}
	c.send(`not json`)
	if m := c.read(); m.Type != "error" {
		t.Fatalf("bad json: %+v", m)
	}
	c.send(`{"type":"speed","value":1000}`)
	if m := c.read(); m.Type != "error" || !strings.Contains(m.Message, "speed") {
		t.Fatalf("bad speed: %+v", m)
	}
	c.send(`{"type":"speed","value":20}`)
	if m := c.read(); m.Type != "status" || m.Speed != 20 {
		t.Fatalf("speed: %+v", m)
	}
	c.send(`{"type":"play"}`)
	if m := c.until("status"); !m.Running {
		t.Fatalf("play: %+v", m)
	}
	// Plays to the end (step 3), then reports it stopped.
	var last message
	for {
		m := c.read()
		if m.Type == "frame" {
			last = m
		}
		if m.Type == "status" && !m.Running {
			break
		}
	}
	if last.Step != 3 || !last.Done {
		t.Fatalf("last frame %+v, want step 3 done", last)
	}
	c.send(`{"type":"reset"}`)
	if m := c.until("frame"); m.Step != 0 || m.Done {
		t.Fatalf("after reset: %+v", m)
	}
}

func TestWebsocketSameURLSameFrames(t *testing.T) {
	_, ts := newTestServer(t, 4)
	var states [2][]string
	for i := range states {
		c, _, err := dial(t, ts, "/ws/counter?last=5&seed=9", nil)
		if err != nil {
			t.Fatal(err)
		}
		c.until("status")
		for range 4 {
			c.send(`{"type":"step"}`)
			m := c.until("frame")
			states[i] = append(states[i], string(m.State)+m.Plots["line"])
		}
	}
	for j := range states[0] {
		if states[0][j] != states[1][j] {
			t.Errorf("step %d differs between two runs of the same URL", j+1)
		}
	}
}

// TestWebsocketOpensAtStep: at=N opens the run at step N, in the state
// that stepping a run of the same query N times reaches; past the run's end
// it opens at the end. The canonical query leaves step out.
func TestWebsocketOpensAtStep(t *testing.T) {
	_, ts := newTestServer(t, 4)
	stepped, _, err := dial(t, ts, "/ws/counter?last=10&seed=9", nil)
	if err != nil {
		t.Fatal(err)
	}
	stepped.until("status")
	for range 4 {
		stepped.send(`{"type":"step"}`)
	}
	want := stepped.until("frame")
	for want.Step < 4 {
		want = stepped.until("frame")
	}

	cases := []struct {
		query   string
		step    int
		done    bool
		sameAs4 bool
	}{
		{query: "last=10&seed=9&at=4", step: 4, sameAs4: true},
		{query: "at=0&last=10&seed=9", step: 0},
		{query: "last=10&seed=9&at=50", step: 10, done: true}, // 50 is MaxSteps
	}
	for _, tc := range cases {
		c, _, err := dial(t, ts, "/ws/counter?"+tc.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m := c.read(); m.Type != "run" || m.Query != "last=10&seed=9" {
			t.Errorf("%s: first message %+v, want run with the canonical query last=10&seed=9", tc.query, m)
		}
		m := c.read()
		if m.Type != "frame" || m.Step != tc.step || m.Done != tc.done {
			t.Fatalf("%s: second message %+v, want a frame at step %d, done %v", tc.query, m, tc.step, tc.done)
		}
		if tc.sameAs4 && (string(m.State) != string(want.State) || m.Plots["line"] != want.Plots["line"]) {
			t.Errorf("%s: the frame differs from a run of the same query stepped 4 times:\n got state %s\nwant state %s", tc.query, m.State, want.State)
		}
		if m := c.read(); m.Type != "status" || m.Running {
			t.Errorf("%s: third message %+v, want a paused status", tc.query, m)
		}
		if !tc.done {
			c.send(`{"type":"step"}`)
			if m := c.until("frame"); m.Step != tc.step+1 {
				t.Errorf("%s: a step went to step %d, want %d", tc.query, m.Step, tc.step+1)
			}
		}
		c.conn.Close()
	}

	for _, query := range []string{"at=51", "at=-1", "at=2&at=3"} {
		c, _, err := dial(t, ts, "/ws/counter?"+query, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m := c.read(); m.Type != "error" || m.Param != "at" || !strings.Contains(m.Message, `"at"`) {
			t.Errorf("%s: %+v, want an error naming step", query, m)
		}
		if _, _, err := c.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
			t.Errorf("%s: close %v, want 1008", query, err)
		}
	}
}

// TestWebsocketRefusesWhatNewRefuses: a parameter error from the
// scenario's constructor (values fine alone, refused together) is a bad
// parameter on the socket too: an error naming it, then close 1008.
func TestWebsocketRefusesWhatNewRefuses(t *testing.T) {
	picky := *counter
	picky.Slug = "picky"
	picky.New = func(v Values) (Model, error) {
		if counterPanicAt.Get(v) > counterLast.Get(v) {
			return nil, counterPanicAt.Refuse(v, "at most last")
		}
		return counter.New(v)
	}
	_, ts := serveTest(t, Config{Scenarios: []*Scenario{&picky}, Pages: fakePages{}, MaxRuns: 1}, nil)
	c, _, err := dial(t, ts, "/ws/picky?last=5&panic_at=9", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := c.read(); m.Type != "error" || m.Param != "panic_at" || !strings.Contains(m.Message, `invalid value "9": at most last`) {
		t.Errorf("%+v, want an error naming panic_at", m)
	}
	if _, _, err := c.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("close %v, want 1008", err)
	}
}

func TestWebsocketRefusals(t *testing.T) {
	_, ts := newTestServer(t, 1)
	// Cross-origin upgrades are refused before any run starts.
	_, resp, err := dial(t, ts, "/ws/counter", http.Header{"Origin": {"http://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin dial: err %v, resp %v; want 403", err, resp)
	}
	// Bad parameters are explained over the socket, then it closes.
	c, _, err := dial(t, ts, "/ws/counter?last=0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := c.read(); m.Type != "error" || !strings.Contains(m.Message, `parameter "last"`) || m.Param != "last" {
		t.Errorf("bad parameter: %+v, want an error with param last", m)
	}
	if _, _, err := c.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("bad parameter: close %v, want 1008", err)
	}
	// The run cap: the second concurrent run is told the server is busy.
	c1, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	c1.until("status")
	expectTryAgain(t, ts, "busy")
	status, body, _ := get(t, ts.URL+"/api/scenarios/counter/run")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "busy") {
		t.Errorf("API over the cap: %d %s", status, body)
	}
	// Once the first run ends, a slot is free again.
	c1.conn.Close()
	waitFor(t, func() bool { s, _, _ := get(t, ts.URL+"/api/scenarios/counter/run?steps=0"); return s == 200 })
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for range 200 {
		if ok() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met within 2s")
}

func TestWebsocketOversizedMessageCloses(t *testing.T) {
	_, ts := newTestServer(t, 2)
	c, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	c.send(`{"type":"step","pad":"` + strings.Repeat("x", 2*maxMessageSize) + `"}`)
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			if ce, ok := err.(*websocket.CloseError); ok && ce.Code != websocket.CloseMessageTooBig {
				t.Errorf("closed with %d, want %d", ce.Code, websocket.CloseMessageTooBig)
			}
			return
		}
	}
}

func TestWebsocketPanicEndsRunOnly(t *testing.T) {
	_, ts := newTestServer(t, 2)
	c, _, err := dial(t, ts, "/ws/counter?panic_at=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	c.send(`{"type":"step"}`)
	c.until("frame")
	c.send(`{"type":"step"}`)
	if m := c.until("error"); !strings.Contains(m.Message, "failed during step") {
		t.Errorf("panic: %+v", m)
	}
	if _, _, err := c.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("after the panic: %v, want a normal close", err)
	}
	if status, _, _ := get(t, ts.URL+"/healthz"); status != 200 {
		t.Errorf("server down after a run panicked: %d", status)
	}
}

// A client that never reads must not slow its run: frames coalesce, and
// the run still reaches its end while nothing is read.
func TestSlowClientGetsNewestFrame(t *testing.T) {
	_, ts := newTestServer(t, 2)
	c, _, err := dial(t, ts, "/ws/counter?big=true&last=50", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.send(`{"type":"play"}`)
	// Don't read for a while: ~200 KB frames at up to 30 a second would fill
	// any socket buffer if they queued.
	time.Sleep(1500 * time.Millisecond)
	frames, last := 0, message{}
	for {
		m := c.read()
		if m.Type == "frame" {
			frames++
			last = m
		}
		if m.Type == "status" && !m.Running && last.Done {
			break
		}
	}
	if last.Step != 50 {
		t.Errorf("last frame step %d, want 50", last.Step)
	}
	if frames >= 50 {
		t.Errorf("received %d frames for 50 steps; a stalled client should get coalesced frames", frames)
	}
}

func TestDisconnectStopsRun(t *testing.T) {
	// goleak in TestMain checks that no session goroutine outlives its client.
	_, ts := newTestServer(t, 1)
	c, _, err := dial(t, ts, "/ws/counter?last=100", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.send(`{"type":"speed","value":1}`)
	c.send(`{"type":"play"}`)
	c.until("status")
	c.conn.Close()
	// The slot frees once the run has stopped.
	waitFor(t, func() bool { s, _, _ := get(t, ts.URL+"/api/scenarios/counter/run?steps=0"); return s == 200 })
}

func TestShutdownClosesSockets(t *testing.T) {
	s, ts := newTestServer(t, 2)
	c, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(ctx) }()
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
				t.Errorf("on shutdown: %v, want a going-away close", err)
			}
			break
		}
	}
	c.conn.Close()
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// syncBuffer collects log lines written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestHandlerErrors: the error a handler returns becomes the response,
// JSON for the API and the websocket route, the error page for pages; an
// unknown error is logged and shown only as "internal error".
func TestHandlerErrors(t *testing.T) {
	var logs syncBuffer
	s, err := NewServer(Config{Scenarios: []*Scenario{counter}, Pages: fakePages{}, MaxRuns: 1,
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	badK := &ParamError{Name: "k", Value: "0", Allowed: "an integer from 1 to 9"}
	fire := errors.New("disk on fire")
	tests := []struct {
		path   string
		err    error
		status int
		body   string
		ctype  string
		logged bool
	}{
		{"/api/x", badK, 400, `{"error":"parameter \"k\": invalid value \"0\": an integer from 1 to 9","param":"k"}` + "\n", "application/json", false},
		{"/api/x", fmt.Errorf("lab: reading k: %w", badK), 400, `{"error":"parameter \"k\": invalid value \"0\": an integer from 1 to 9","param":"k"}` + "\n", "application/json", false},
		{"/api/x", badRequest(badK), 400, `{"error":"parameter \"k\": invalid value \"0\": an integer from 1 to 9","param":"k"}` + "\n", "application/json", false},
		{"/s/x", badK, 400, `error 400: parameter "k": invalid value "0": an integer from 1 to 9`, "text/html", false},
		{"/api/x", &httpError{status: 404, msg: `no scenario "x"`}, 404, `{"error":"no scenario \"x\""}` + "\n", "application/json", false},
		{"/ws/x", &httpError{status: 404, msg: `no scenario "x"`}, 404, `{"error":"no scenario \"x\""}` + "\n", "application/json", false},
		{"/s/x", &httpError{status: 503, msg: "busy"}, 503, "error 503: busy", "text/html", false},
		{"/api/x", &PanicError{Slug: "counter", Where: "step", Value: "boom"}, 500, `{"error":"scenario counter failed during step: internal error"}` + "\n", "application/json", false},
		{"/api/x", fire, 500, `{"error":"internal error"}` + "\n", "application/json", true},
		{"/s/x", fmt.Errorf("lab: drawing: %w", fire), 500, "error 500: internal error", "text/html", true},
	}
	for _, tt := range tests {
		before := len(logs.String())
		rec := httptest.NewRecorder()
		s.handle(func(http.ResponseWriter, *http.Request) error { return tt.err })(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.status || rec.Body.String() != tt.body || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.ctype) {
			t.Errorf("GET %s returning %v = %d %q (%s)\nwant %d %q (%s)", tt.path, tt.err, rec.Code, rec.Body.String(), rec.Header().Get("Content-Type"), tt.status, tt.body, tt.ctype)
		}
		if logged := strings.Contains(logs.String()[before:], "disk on fire"); logged != tt.logged {
			t.Errorf("GET %s returning %v: logged %v, want %v", tt.path, tt.err, logged, tt.logged)
		}
	}
	// A handler that answers itself is left alone.
	rec := httptest.NewRecorder()
	s.handle(func(w http.ResponseWriter, _ *http.Request) error { w.Write([]byte("fine")); return nil })(rec, httptest.NewRequest("GET", "/api/x", nil))
	if rec.Code != 200 || rec.Body.String() != "fine" {
		t.Errorf("handler without error = %d %q, want 200 %q", rec.Code, rec.Body.String(), "fine")
	}
}

// TestPanicsGoToTheServersLogger: a scenario's panic is logged, with its
// stack, to the logger the server was given.
func TestPanicsGoToTheServersLogger(t *testing.T) {
	var logs syncBuffer
	s, err := NewServer(Config{Scenarios: []*Scenario{counter}, Pages: fakePages{}, MaxRuns: 2,
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	_, body, _ := get(t, ts.URL+"/api/scenarios/counter/run?panic_at=2")
	if !strings.Contains(body, "failed during step") {
		t.Fatalf("run with a panic: %s", body)
	}
	for _, want := range []string{"scenario panic", "slug=counter", "counter: boom", "server_test.go"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the server's log has no %q:\n%s", want, logs.String())
		}
	}
}

// TestSpeedStopsAreAccepted: every slider stop is a speed the websocket
// accepts, in increasing order, and the default play speed is one of them.
func TestSpeedStopsAreAccepted(t *testing.T) {
	stops := SpeedStops()
	for i, v := range stops {
		if _, err := parseClientMessage(fmt.Appendf(nil, `{"type":"speed","value":%g}`, v)); err != nil {
			t.Errorf("stop %g: %v", v, err)
		}
		if i > 0 && v <= stops[i-1] {
			t.Errorf("stops %v are not increasing at %d", stops, i)
		}
	}
	if !slices.Contains(stops, DefaultSpeed) {
		t.Errorf("default speed %g is not a stop of %v", DefaultSpeed, stops)
	}
}

var slowLast = Int(Param{Name: "last", Label: "Last", Default: "5000", Min: 1, Max: 5000})

// slowScenario takes 2 ms a step, 10 s for a whole run, and counts the
// steps it has taken, so a test can see whether a run goes on computing.
func slowScenario(steps *atomic.Int64) *Scenario {
	return &Scenario{
		Slug: "slow", Title: "Slow", Chapter: "0. Tests", Summary: "takes its time", MaxSteps: 5000,
		Params: Params(slowLast, Seed),
		Panels: []Panel{{Name: "line", Title: "Line"}},
		New: func(v Values) (Model, error) {
			return &slowModel{counterModel: counterModel{last: slowLast.Get(v)}, steps: steps}, nil
		},
	}
}

type slowModel struct {
	counterModel
	steps *atomic.Int64
}

func (m *slowModel) Step() error {
	time.Sleep(2 * time.Millisecond)
	m.steps.Add(1)
	return m.counterModel.Step()
}

// TestAbandonedRequestStops: a client that gives up on a long request
// stops its computation and frees its run slot at once, on every route
// that steps a run.
func TestAbandonedRequestStops(t *testing.T) {
	for _, path := range []string{
		"/api/scenarios/slow/metrics.csv",
		"/api/scenarios/slow/plot.svg?step=5000",
		"/api/scenarios/slow/plot.png?step=5000",
		"/api/scenarios/slow/run",
	} {
		t.Run(path, func(t *testing.T) {
			var steps atomic.Int64
			s, err := NewServer(Config{Scenarios: []*Scenario{slowScenario(&steps)}, Pages: fakePages{}, MaxRuns: 1,
				Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(s.Handler())
			defer ts.Close()
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+path, nil)
			done := make(chan struct{})
			go func() {
				defer close(done)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
			waitFor(t, func() bool { return steps.Load() > 10 })
			cancel()
			<-done
			// The whole run takes 10 s: its slot must free well before.
			waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.live == 0 })
			at := steps.Load()
			time.Sleep(50 * time.Millisecond)
			if after := steps.Load(); after != at || at >= 5000 {
				t.Errorf("%d steps when the slot freed, %d 50 ms later: the run went on after its client left", at, after)
			}
		})
	}
}

// ndjsonLines reads a stream's lines until it ends or breaks off, and
// says how it ended.
func ndjsonLines(t *testing.T, body io.Reader) (lines []message, readErr error) {
	t.Helper()
	sc := bufio.NewScanner(body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d %q: %v", len(lines), trunc(sc.Text()), err)
		}
		lines = append(lines, m)
	}
	return lines, sc.Err()
}

// TestStreamCutByWriteTimeoutSaysSo: a headless run longer than the
// server's write timeout ends with an error line that says it was cut and
// how to ask for less, not with a frame a client would take for the last.
func TestStreamCutByWriteTimeoutSaysSo(t *testing.T) {
	var steps atomic.Int64
	s, err := NewServer(Config{Scenarios: []*Scenario{slowScenario(&steps)}, Pages: fakePages{}, MaxRuns: 1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s.Handler())
	ts.Config.WriteTimeout = 500 * time.Millisecond // the whole run takes 10 s
	ts.Start()
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/api/scenarios/slow/run")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines, readErr := ndjsonLines(t, resp.Body)
	if readErr != nil {
		t.Errorf("the stream broke off: %v", readErr)
	}
	if len(lines) < 2 {
		t.Fatalf("%d lines, want frames then an error line", len(lines))
	}
	last := lines[len(lines)-1]
	prev := lines[len(lines)-2]
	if last.Type != "error" || !strings.Contains(last.Message, fmt.Sprintf("step %d", prev.Step)) ||
		!strings.Contains(last.Message, "steps=") {
		t.Errorf("last line %+v, want an error naming step %d and how to ask for fewer steps", last, prev.Step)
	}
	for _, m := range lines[:len(lines)-1] {
		if m.Type != "frame" || m.Done {
			t.Fatalf("line %+v before the end, want a frame of a run not done", m)
		}
	}
	// Answers that are not streams say it in their status.
	for _, path := range []string{"/api/scenarios/slow/metrics.csv", "/api/scenarios/slow/plot.svg?step=5000"} {
		status, body, _ := get(t, ts.URL+path)
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "fewer steps") {
			t.Errorf("GET %s = %d %q, want 503 saying to ask for fewer steps", path, status, body)
		}
	}
}

// TestShutdownEndsStreams: Shutdown ends a headless run in flight with an
// error line saying why, at once, not when the run is over.
func TestShutdownEndsStreams(t *testing.T) {
	client := &http.Client{Timeout: 5 * time.Second} // the run takes 10 s
	for _, path := range []string{"/api/scenarios/slow/run", "/api/scenarios/slow/metrics.csv"} {
		var steps atomic.Int64
		s, err := NewServer(Config{Scenarios: []*Scenario{slowScenario(&steps)}, Pages: fakePages{}, MaxRuns: 1,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(s.Handler())
		defer ts.Close()
		type reply struct {
			status int
			body   string
			err    error
		}
		got := make(chan reply, 1)
		go func() {
			resp, err := client.Get(ts.URL + path)
			if err != nil {
				got <- reply{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			got <- reply{resp.StatusCode, string(b), err}
		}()
		waitFor(t, func() bool { return steps.Load() > 10 })
		if err := s.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := <-got
		if r.err != nil {
			t.Errorf("%s: %v", path, r.err)
			continue
		}
		switch {
		case strings.HasSuffix(path, "/run"):
			lines, _ := ndjsonLines(t, strings.NewReader(r.body))
			if last := lines[len(lines)-1]; last.Type != "error" || !strings.Contains(last.Message, "shutting down") {
				t.Errorf("%s: last line %+v, want an error saying the server is shutting down", path, last)
			}
		default:
			if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "shutting down") {
				t.Errorf("%s: %d %q, want 503 saying the server is shutting down", path, r.status, r.body)
			}
		}
	}
}

// TestStaticListsNoDirectory: /static/ serves files, never a listing of a
// directory.
func TestStaticListsNoDirectory(t *testing.T) {
	static := fstest.MapFS{
		"app.js":                        {Data: []byte("// app")},
		"vendor/katex/katex.min.js":     {Data: []byte("// katex")},
		"vendor/katex/fonts/Main.woff2": {Data: []byte("font")},
	}
	s, err := NewServer(Config{Scenarios: []*Scenario{counter}, Pages: fakePages{}, Static: static, MaxRuns: 1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{"/static/app.js", 200, "// app"},
		{"/static/vendor/katex/fonts/Main.woff2", 200, "font"},
		{"/static/", 404, "error 404"},
		{"/static/vendor/", 404, "error 404"},
		{"/static/vendor/katex/fonts/", 404, "error 404"},
		{"/static/vendor", 404, "error 404"},
		{"/static/nope.js", 404, "error 404"},
	} {
		status, body, _ := get(t, ts.URL+tt.path)
		if status != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("GET %s = %d %q, want %d containing %q", tt.path, status, trunc(body), tt.status, tt.body)
		}
	}
}

// TestHeadAndOptions: HEAD answers like GET without a body (link checkers
// use it); OPTIONS says which methods a route takes; other methods get a
// 405 that says the same.
func TestHeadAndOptions(t *testing.T) {
	_, ts := newTestServer(t, 2)
	for _, path := range []string{"/", "/s/counter?last=5", "/healthz", "/api/scenarios", "/api/scenarios/counter/data.csv"} {
		_, _, gh := get(t, ts.URL+path)
		resp, err := http.Head(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) != 0 || resp.Header.Get("Content-Type") != gh.Get("Content-Type") {
			t.Errorf("HEAD %s = %d, %d bytes, %q; want 200, no body, %q", path, resp.StatusCode, len(b), resp.Header.Get("Content-Type"), gh.Get("Content-Type"))
		}
	}
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"OPTIONS", "/", http.StatusNoContent},
		{"OPTIONS", "/s/counter", http.StatusNoContent},
		{"OPTIONS", "/api/scenarios/counter/run", http.StatusNoContent},
		{"POST", "/s/counter", http.StatusMethodNotAllowed},
		{"DELETE", "/api/scenarios", http.StatusMethodNotAllowed},
	} {
		req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s = %d, Allow %q; want %d, Allow %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Allow"), tt.status, "GET, HEAD")
		}
	}
}

// TestWebsocketHostAllowlist: an upgrade whose Host is not one of the
// server's names is refused, so a page on a rebound DNS name cannot
// drive runs here; by default the loopback names are allowed.
func TestWebsocketHostAllowlist(t *testing.T) {
	_, ts := newTestServer(t, 4) // the default list
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(ts.URL, "http://"))
	for _, tt := range []struct {
		host string
		ok   bool
	}{
		{"", true}, // 127.0.0.1:port
		{"localhost:" + port, true},
		{"LOCALHOST:" + port, true},
		{"[::1]:" + port, true},
		{"rebound.example:" + port, false},
		{"127.0.0.1.rebound.example:" + port, false},
	} {
		h := http.Header{}
		if tt.host != "" {
			h.Set("Host", tt.host)
		}
		c, resp, err := dial(t, ts, "/ws/counter?last=3", h)
		if tt.ok {
			if err != nil {
				t.Errorf("Host %q: %v, want the upgrade", tt.host, err)
				continue
			}
			c.until("status")
			c.conn.Close()
			continue
		}
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("Host %q: err %v, resp %v; want 403", tt.host, err, resp)
		}
	}

	// A list given to the server replaces the default.
	s, err := NewServer(Config{Scenarios: []*Scenario{counter}, Pages: fakePages{}, MaxRuns: 2,
		AllowedHosts: []string{"class.example", "10.0.0.7"}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts2 := httptest.NewServer(s.Handler())
	defer ts2.Close()
	for host, ok := range map[string]bool{"class.example:8080": true, "10.0.0.7": true, "127.0.0.1:" + port: false} {
		c, resp, err := dial(t, ts2, "/ws/counter?last=3", http.Header{"Host": {host}})
		if ok != (err == nil) {
			t.Errorf("allowed class.example, 10.0.0.7; Host %q: err %v, resp %v", host, err, resp)
		}
		if err == nil {
			c.until("status")
			c.conn.Close()
		}
	}
}

// TestContentSecurityPolicy: every answer carries a policy that allows
// only this server's scripts, so markup that slipped into a page (an SVG,
// a note) cannot run code; e2e checks the pages work under it.
func TestContentSecurityPolicy(t *testing.T) {
	_, ts := newTestServer(t, 2)
	for _, path := range []string{"/", "/s/counter", "/s/counter?last=0", "/api/scenarios/counter/plot.svg"} {
		_, _, h := get(t, ts.URL+path)
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'self'"} {
			if !strings.Contains(csp+";", want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
			t.Errorf("GET %s: Content-Security-Policy %q lets inline scripts run", path, csp)
		}
	}
}

// TestRequestIDInLogs: every line logged for a request or its websocket
// session carries the request's ID, which the response names, so an
// operator can find a user's trouble by it.
func TestRequestIDInLogs(t *testing.T) {
	var logs syncBuffer
	s, err := NewServer(Config{Scenarios: []*Scenario{counter}, Pages: fakePages{}, MaxRuns: 2,
		Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	_, body, h := get(t, ts.URL+"/api/scenarios/counter/run?panic_at=2")
	if !strings.Contains(body, "failed during step") {
		t.Fatalf("run: %s", body)
	}
	runID := h.Get("X-Request-Id")
	c, resp, err := dial(t, ts, "/ws/counter?panic_at=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	wsID := resp.Header.Get("X-Request-Id")
	c.until("status")
	c.send(`{"type":"step"}`)
	c.until("error")
	c.conn.Close()
	if runID == "" || wsID == "" || runID == wsID {
		t.Fatalf("request IDs %q and %q, want two different ones", runID, wsID)
	}

	waitFor(t, func() bool { return strings.Count(logs.String(), "scenario panic") == 2 })
	seen := map[string]int{}
	for line := range strings.Lines(logs.String()) {
		var l struct {
			Msg string `json:"msg"`
			ID  string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if l.ID == "" {
			t.Errorf("log line without a request_id: %s", line)
		}
		if l.Msg == "scenario panic" {
			seen[l.ID]++
		}
	}
	if seen[runID] != 1 || seen[wsID] != 1 {
		t.Errorf("scenario panics logged with request IDs %v, want one with %s and one with %s", seen, runID, wsID)
	}
}

// TestHeadComputesNothing: HEAD on a route that steps a run checks the
// parameters and answers, without computing what GET would send.
func TestHeadComputesNothing(t *testing.T) {
	var steps atomic.Int64
	s, err := NewServer(Config{Scenarios: []*Scenario{slowScenario(&steps)}, Pages: fakePages{}, MaxRuns: 1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, tt := range []struct {
		path   string
		status int
		ctype  string
	}{
		{"/api/scenarios/slow/run", 200, "application/x-ndjson"},
		{"/api/scenarios/slow/metrics.csv", 200, "text/csv"},
		{"/api/scenarios/slow/plot.svg?step=5000", 200, "image/svg+xml"},
		{"/api/scenarios/slow/plot.png?step=5000", 200, "image/png"},
		{"/api/scenarios/slow/plot.png?step=5001", 400, "application/json"},
		{"/api/scenarios/slow/run?last=0", 400, "application/json"},
	} {
		resp, err := http.Head(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.ctype) {
			t.Errorf("HEAD %s = %d %s, want %d %s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.status, tt.ctype)
		}
	}
	if n := steps.Load(); n != 0 {
		t.Errorf("HEAD requests took %d steps, want none", n)
	}
}
