package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func newReconnectServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	cfg.Scenarios, cfg.Pages = []*Scenario{counter}, fakePages{}
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
	return s, ts
}

// runHello is the run message with its reconnect token.
type runHello struct {
	Type, Query, Resume string
	ResumeTTL           float64 `json:"resume_ttl"`
}

func readHello(t *testing.T, c *websocket.Conn) runHello {
	t.Helper()
	var h runHello
	if err := json.Unmarshal(readRaw(t, c, "run"), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// drop cuts a client's connection with no close frame, as a Wi-Fi blip
// does.
func drop(c *wsClient) { c.conn.NetConn().Close() }

func stepTo(t *testing.T, c *wsClient, n int) []byte {
	t.Helper()
	var last []byte
	for range n {
		c.send(`{"type":"step"}`)
		last = readRaw(t, c.conn, "frame")
	}
	return last
}

// TestReconnectWithinTTL: a run whose connection dropped comes back with
// its token at the step it had reached, nothing replayed, and its next
// frame is the one an uninterrupted run sends.
func TestReconnectWithinTTL(t *testing.T) {
	s, ts := newReconnectServer(t, Config{})
	ref, _, _ := dial(t, ts, "/ws/counter?last=15", nil)
	ref.until("status")
	stepTo(t, ref, 5)
	wantNext := stepTo(t, ref, 1)

	c, _, err := dial(t, ts, "/ws/counter?last=15", nil)
	if err != nil {
		t.Fatal(err)
	}
	h := readHello(t, c.conn)
	if len(h.Resume) < 26 || h.ResumeTTL != DefaultReconnectTTL.Seconds() {
		t.Fatalf("run message %+v, want a 128-bit token and resume_ttl 120", h)
	}
	c.until("status")
	stepTo(t, c, 5)
	drop(c)
	waitFor(t, func() bool { _, parked := s.reconnects.counts(); return parked == 1 })

	back, _, err := dial(t, ts, "/ws/counter?last=15&resume="+h.Resume, nil)
	if err != nil {
		t.Fatal(err)
	}
	h2 := readHello(t, back.conn)
	if h2.Query != "last=15" || h2.Resume == "" || h2.Resume == h.Resume {
		t.Errorf("resumed run message %+v, want the same query and a new token", h2)
	}
	// Opened at its step with no replay: one frame, at step 5, then a status.
	if m := back.read(); m.Type != "frame" || m.Step != 5 || len(m.Plots) != 2 {
		t.Fatalf("resumed run's first frame %+v, want step 5 with every panel", m)
	}
	if m := back.read(); m.Type != "status" || m.Running {
		t.Fatalf("then %+v, want a paused status", m)
	}
	back.send(`{"type":"step"}`)
	got := readRaw(t, back.conn, "frame")
	var g, w message
	json.Unmarshal(got, &g)
	json.Unmarshal(wantNext, &w)
	if g.Step != 6 || !bytes.Equal(g.State, w.State) {
		t.Errorf("next frame after the reconnect: step %d state %s, want step 6 state %s", g.Step, g.State, w.State)
	}
	// A token serves once.
	again, _, _ := dial(t, ts, "/ws/counter?last=15&resume="+h.Resume, nil)
	if m := again.read(); m.Type != "error" || m.Param != "resume" {
		t.Errorf("the token used twice: %+v, want an error naming resume", m)
	}
	// Another query cannot take the run.
	drop(back)
	waitFor(t, func() bool { _, parked := s.reconnects.counts(); return parked == 1 })
	other, _, _ := dial(t, ts, "/ws/counter?last=16&resume="+h2.Resume, nil)
	if m := other.read(); m.Type != "error" || m.Param != "resume" || !strings.Contains(m.Message, "other parameters") {
		t.Errorf("the token with another query: %+v, want an error naming resume", m)
	}
}

// TestReconnectTakesOverALiveSession: a page may come back before the
// server has seen its connection drop; the old session gives the run up.
func TestReconnectTakesOverALiveSession(t *testing.T) {
	_, ts := newReconnectServer(t, Config{})
	c, _, _ := dial(t, ts, "/ws/counter?last=20", nil)
	h := readHello(t, c.conn)
	c.until("status")
	stepTo(t, c, 3)
	back, _, _ := dial(t, ts, "/ws/counter?last=20&resume="+h.Resume, nil)
	readHello(t, back.conn)
	if m := back.read(); m.Type != "frame" || m.Step != 3 {
		t.Fatalf("taken over: %+v, want the frame of step 3", m)
	}
}

// TestReconnectAfterTTL: once the TTL has passed the run is freed and its
// token refused, saying so; a normal close keeps nothing.
func TestReconnectAfterTTL(t *testing.T) {
	s, ts := newReconnectServer(t, Config{ReconnectTTL: 50 * time.Millisecond})
	c, _, _ := dial(t, ts, "/ws/counter?last=20", nil)
	h := readHello(t, c.conn)
	c.until("status")
	drop(c)
	waitFor(t, func() bool { _, parked := s.reconnects.counts(); return parked == 1 })
	waitFor(t, func() bool { live, parked := s.reconnects.counts(); return parked == 0 && live == 0 })
	back, _, _ := dial(t, ts, "/ws/counter?last=20&resume="+h.Resume, nil)
	m := back.read()
	if m.Type != "error" || m.Param != "resume" || !strings.Contains(m.Message, "was freed") || !strings.Contains(m.Message, "50ms") {
		t.Errorf("after the TTL: %+v, want an error naming resume and saying the run was freed after 50ms", m)
	}
	if _, _, err := back.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("close %v, want 1008", err)
	}

	closed, _, _ := dial(t, ts, "/ws/counter?last=20", nil)
	readHello(t, closed.conn)
	closed.until("status")
	closed.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	closed.conn.ReadMessage()
	waitFor(t, func() bool { live, parked := s.reconnects.counts(); return live == 0 && parked == 0 })
}

// TestReconnectCyclesStayBounded opens and ends 10,000 sessions, half
// closed, half dropped: goroutines come back to where they were, the
// parked runs never pass their cap (MaxRuns) and the heap stays flat.
func TestReconnectCyclesStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 websocket sessions")
	}
	const cycles, maxRuns = 10000, 8
	s, ts := newReconnectServer(t, Config{MaxRuns: maxRuns})
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws/counter?last=20"
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := runtime.NumGoroutine()
	var heapAt1000 uint64
	maxParked := 0
	for i := range cycles {
		conn, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		readRaw(t, conn, "status")
		if i%2 == 0 {
			conn.NetConn().Close()
		} else {
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			conn.ReadMessage()
			conn.Close()
		}
		// Wait for the session to end, so that the next one has a slot.
		for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(100 * time.Microsecond) {
			if live, _ := s.reconnects.counts(); live == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cycle %d: the session did not end within 2s", i)
			}
		}
		_, parked := s.reconnects.counts()
		maxParked = max(maxParked, parked)
		if i == 999 {
			heapAt1000 = heap()
		}
	}
	if maxParked > maxRuns {
		t.Errorf("parked runs reached %d, want at most MaxRuns = %d", maxParked, maxRuns)
	}
	if _, parked := s.reconnects.counts(); parked != maxRuns {
		t.Errorf("%d runs parked at the end, want the cap, %d (each newer than the TTL)", parked, maxRuns)
	}
	var after int
	for range 200 {
		if after = runtime.NumGoroutine(); after <= before+2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after > before+2 {
		t.Errorf("goroutines: %d before, %d after %d sessions", before, after, cycles)
	}
	heapEnd := heap()
	t.Logf("%d sessions: goroutines %d → %d, heap after 1,000 %d KB, after %d %d KB, parked at most %d",
		cycles, before, after, heapAt1000>>10, cycles, heapEnd>>10, maxParked)
	// Generous: the heap may move with the GC's pace, not with the cycles.
	if heapEnd > heapAt1000*3/2+4<<20 {
		t.Errorf("heap grew from %d KB after 1,000 sessions to %d KB after %d", heapAt1000>>10, heapEnd>>10, cycles)
	}
}
