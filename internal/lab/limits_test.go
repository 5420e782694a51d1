package lab

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// newLimitedServer is newTestServer with the limits of cfg.
// expectTryAgain opens one more websocket run and checks it is refused: an
// error message containing why, then close 1013 (try again later).
func expectTryAgain(t *testing.T, ts *httptest.Server, why string) {
	t.Helper()
	c, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := c.read(); m.Type != "error" || !strings.Contains(m.Message, why) {
		t.Errorf("refused run: %+v, want an error saying %q", m, why)
	}
	_, _, err = c.conn.ReadMessage()
	if ce, ok := err.(*websocket.CloseError); !ok || ce.Code != websocket.CloseTryAgainLater {
		t.Errorf("refused run: close %v, want 1013", err)
	}
}

func newLimitedServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	long := *counter
	long.Slug, long.MaxSteps = "long", 5000
	cfg.Scenarios, cfg.Pages = []*Scenario{counter, &long}, fakePages{}
	cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	if cfg.MaxRuns == 0 {
		cfg.MaxRuns = 4
	}
	s, err := NewServer(cfg)
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

// TestRequestBudgetCutsTheAnswer gives headless requests 1 ns of
// computing: the first unit of work (frame 0) uses it up, so each answer
// is cut right after, saying so and how to ask for less.
func TestRequestBudgetCutsTheAnswer(t *testing.T) {
	ts := newLimitedServer(t, Config{RequestBudget: time.Nanosecond})

	status, body, _ := get(t, ts.URL+"/api/scenarios/long/run?steps=100")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if status != 200 || len(lines) != 2 {
		t.Fatalf("run: %d, %d lines, want 200 and frame 0 then an error line:\n%s", status, len(lines), trunc(body))
	}
	var last errorMessage
	if err := json.Unmarshal([]byte(lines[1]), &last); err != nil || last.Type != "error" ||
		!strings.Contains(last.Message, "cut at step 0") || !strings.Contains(last.Message, "fewer steps") {
		t.Errorf("last line %s (%v), want an error saying the run was cut and how to ask for less", lines[1], err)
	}

	for _, path := range []string{"/api/scenarios/long/metrics.csv?steps=100", "/api/scenarios/long/plot.svg?step=10"} {
		status, body, _ := get(t, ts.URL+path)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "cut at step") {
			t.Errorf("%s: %d %s, want 422 saying it was cut", path, status, body)
		}
	}
}

func TestDefaultRequestBudgetLetsRunsFinish(t *testing.T) {
	ts := newLimitedServer(t, Config{})
	status, body, _ := get(t, ts.URL+"/api/scenarios/long/run?steps=3000&last=100")
	if status != 200 || strings.Contains(body, `"error"`) || !strings.Contains(body, `"done":true`) {
		t.Errorf("run: %d %s", status, trunc(body))
	}
}

// TestRunsPerClientAreCapped: one address may hold MaxRunsPerClient runs;
// past it a websocket is told why and closed with 1013, and the API
// answers 429 with Retry-After.
func TestRunsPerClientAreCapped(t *testing.T) {
	ts := newLimitedServer(t, Config{MaxRuns: 4, MaxRunsPerClient: 1})
	c1, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	c1.until("status")
	expectTryAgain(t, ts, "your address already has 1 live runs")
	status, body, h := get(t, ts.URL+"/api/scenarios/counter/run?steps=0")
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "30" {
		t.Errorf("API run of the same address: %d, Retry-After %q, %s; want 429 with Retry-After 30", status, h.Get("Retry-After"), body)
	}
	c1.conn.Close()
	waitFor(t, func() bool { s, _, _ := get(t, ts.URL+"/api/scenarios/counter/run?steps=0"); return s == 200 })
}

func TestBusyServerSaysWhenToRetry(t *testing.T) {
	ts := newLimitedServer(t, Config{MaxRuns: 1})
	c, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	status, _, h := get(t, ts.URL+"/api/scenarios/counter/run?steps=0")
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") != strconv.Itoa(int(retryAfter.Seconds())) {
		t.Errorf("API run of a full server: %d, Retry-After %q; want 503 with Retry-After", status, h.Get("Retry-After"))
	}
}

// TestIdleRunIsReleased: a run left paused is released with a message
// naming its step, then the socket closes; the slot is free again.
func TestIdleRunIsReleased(t *testing.T) {
	ts := newLimitedServer(t, Config{MaxRuns: 1, IdleRelease: 50 * time.Millisecond})
	c, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	c.send(`{"type":"step"}`)
	c.send(`{"type":"step"}`)
	if m := c.until("released"); m.Step != 2 || !strings.Contains(m.Message, "released") {
		t.Errorf("released message %+v, want step 2", m)
	}
	if _, _, err := c.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("after release: %v, want a normal close", err)
	}
	waitFor(t, func() bool { s, _, _ := get(t, ts.URL+"/api/scenarios/counter/run?steps=0"); return s == 200 })
}

// TestPlayingRunIsNotReleased plays a run far longer than the idle limit
// without a message: it plays to its end and only then, paused, is
// released.
func TestPlayingRunIsNotReleased(t *testing.T) {
	ts := newLimitedServer(t, Config{IdleRelease: 20 * time.Millisecond})
	c, _, err := dial(t, ts, "/ws/counter?last=50", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	c.send(`{"type":"speed","value":60}`) // 50 steps: most of a second
	c.until("status")
	c.send(`{"type":"play"}`)
	for {
		m := c.read()
		if m.Type == "released" {
			t.Fatalf("released while playing: %+v", m)
		}
		if m.Type == "status" && !m.Running && m.Step == 0 {
			break // paused at the end of the run
		}
	}
	if m := c.until("released"); m.Step != 50 {
		t.Errorf("released at step %d, want 50", m.Step)
	}
}

// scrape reads one sample of /metrics, such as
// `playground_frames_sent_total{scenario="counter"}`.
func scrape(t *testing.T, ts *httptest.Server, series string) float64 {
	t.Helper()
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), " "); ok && name == series {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatalf("%s: %v", series, err)
			}
			return v
		}
	}
	t.Fatalf("/metrics has no %s", series)
	return 0
}

func TestMetricsCount(t *testing.T) {
	ts := newLimitedServer(t, Config{MaxRuns: 1})
	const (
		sent    = `playground_frames_sent_total{scenario="counter"}`
		steps   = `playground_step_seconds_count{scenario="counter"}`
		renders = `playground_render_seconds_count{scenario="counter"}`
		live    = `playground_live_runs{scenario="counter"}`
		clients = `playground_clients{scenario="counter"}`
		busy    = `playground_runs_refused_total{reason="busy"}`
		invalid = `playground_runs_refused_total{reason="invalid_parameter"}`
	)
	for _, series := range []string{sent, steps, renders, live, clients, busy, invalid,
		`playground_frames_coalesced_total{scenario="counter"}`, `playground_requests_cut_total{scenario="long"}`} {
		if got := scrape(t, ts, series); got != 0 {
			t.Errorf("before any run, %s = %g, want 0", series, got)
		}
	}

	c, _, err := dial(t, ts, "/ws/counter", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.until("status")
	c.send(`{"type":"step"}`)
	c.until("frame")
	waitFor(t, func() bool { return scrape(t, ts, sent) == 2 }) // frames 0 and 1
	for series, want := range map[string]float64{steps: 1, renders: 2, live: 1, clients: 1} {
		if got := scrape(t, ts, series); got != want {
			t.Errorf("with one run after one step, %s = %g, want %g", series, got, want)
		}
	}
	get(t, ts.URL+"/api/scenarios/counter/run?steps=0") // refused: the only slot is taken
	dial(t, ts, "/ws/counter?last=500", nil)            // refused: invalid
	if got := scrape(t, ts, busy); got != 1 {
		t.Errorf("%s = %g, want 1", busy, got)
	}
	waitFor(t, func() bool { return scrape(t, ts, invalid) == 1 })
	c.conn.Close()
	waitFor(t, func() bool { return scrape(t, ts, live) == 0 && scrape(t, ts, clients) == 0 })
}
