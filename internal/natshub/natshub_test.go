package natshub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/websocket"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
)

var counterLast = lab.Int(lab.Param{Name: "last", Label: "Last", Default: "100", Min: 1, Max: 500})

// counter is a test scenario: step i sets x = i, up to "last".
var counter = &lab.Scenario{
	Slug: "counter", Title: "Counter", Chapter: "0. Tests", Summary: "counts", MaxSteps: 500,
	Params: lab.Params(counterLast, lab.Seed),
	Panels: []lab.Panel{{Name: "line", Title: "Line"}},
	New:    func(v lab.Values) (lab.Model, error) { return &counterModel{last: counterLast.Get(v)}, nil },
}

type counterModel struct{ x, last int }

func (c *counterModel) Step() error { c.x++; return nil }
func (c *counterModel) Done() bool  { return c.x >= c.last }
func (c *counterModel) Snapshot() lab.Snapshot {
	return lab.Snapshot{Metrics: map[string]float64{"x": float64(c.x)}, State: map[string]int{"x": c.x}}
}
func (c *counterModel) Plot(string) (*plot.Plot, error) {
	p := viz.NewPlot("", "i", "x")
	viz.AddLine(p, []float64{0, float64(c.x) + 1}, []float64{0, 1}, viz.ClassColor(0), "", false)
	return p, nil
}
func (c *counterModel) Data() [][]string { return [][]string{{"x"}} }

type pages struct{}

func (pages) Catalogue([]*lab.Scenario) templ.Component { return templ.Raw("catalogue") }
func (pages) Notation() templ.Component                 { return templ.Raw("notation") }
func (pages) Scenario(p lab.PageData) templ.Component {
	return templ.Raw(fmt.Sprintf("page %s step %d room %s", p.Scenario.Slug, p.Frame.Step, p.Room))
}
func (pages) Error(e lab.ErrorPage) templ.Component {
	return templ.Raw(fmt.Sprintf("error %d: %s", e.Status, e.Message))
}

// startNATS runs an embedded NATS server with JetStream in a temporary
// directory.
func startNATS(t *testing.T) string {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("the NATS server did not start")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns.ClientURL()
}

// replica starts one playground server on the NATS server at url.
func replica(t *testing.T, url, name string, grace time.Duration) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub, err := Dial(url, time.Hour, log)
	if err != nil {
		t.Fatal(err)
	}
	s, err := lab.NewServer(lab.Config{Scenarios: []*lab.Scenario{counter}, Pages: pages{}, MaxRuns: 8, Log: log,
		Rooms: lab.RoomConfig{Hub: hub, Replica: name, Grace: grace}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		ts.Close()
		hub.Close()
	})
	return ts
}

type client struct {
	t    *testing.T
	conn *websocket.Conn
}

type msg struct {
	Type    string          `json:"type"`
	Step    int             `json:"step"`
	Code    string          `json:"code"`
	Secret  string          `json:"secret"`
	Count   int             `json:"count"`
	Query   string          `json:"query"`
	Message string          `json:"message"`
	Running bool            `json:"running"`
	State   json.RawMessage `json:"state"`
	Plots   map[string]string
}

func dial(t *testing.T, ts *httptest.Server, path string) *client {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{t, conn}
}

func (c *client) read() msg {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m msg
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("bad message %q: %v", b, err)
	}
	return m
}

func (c *client) until(typ string) msg {
	c.t.Helper()
	for range 1000 {
		if m := c.read(); m.Type == typ {
			return m
		}
	}
	c.t.Fatalf("no %s message", typ)
	return msg{}
}

func (c *client) send(s string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// untilStep reads frames until step n; a later step first fails.
func (c *client) untilStep(n int) msg {
	c.t.Helper()
	for range 1000 {
		m := c.read()
		if m.Type != "frame" {
			continue
		}
		if m.Step == n {
			return m
		}
		if m.Step > n {
			c.t.Fatalf("frame of step %d came before step %d", m.Step, n)
		}
	}
	c.t.Fatalf("no frame of step %d", n)
	return msg{}
}

// join follows a room, checking that the run, the current frame and the
// status come at once.
func join(t *testing.T, ts *httptest.Server, code string, step int) *client {
	t.Helper()
	began := time.Now()
	f := dial(t, ts, "/r/"+code+"/ws")
	if m := f.read(); m.Type != "run" || m.Query != "last=300" {
		t.Fatalf("a follower's first message %+v, want the room's run", m)
	}
	m := f.read()
	took := time.Since(began)
	t.Logf("joined at step %d in %v", step, took)
	if took > 100*time.Millisecond {
		t.Errorf("a late joiner at step %d waited %v for the current frame, want at most 100 ms", step, took)
	}
	if m.Type != "frame" || m.Step != step || len(m.Plots) != 1 {
		t.Fatalf("a follower's second message %+v, want the frame of step %d", m, step)
	}
	if m := f.read(); m.Type != "status" {
		t.Fatalf("a follower's third message %+v, want the status", m)
	}
	return f
}

// TestTwoReplicas: a presenter on one replica, followers on both; each
// follower sees every frame the presenter's replica publishes, in order;
// a late joiner on either replica gets the current frame at once; the
// presenter hears the followers of both; the end reaches both.
func TestTwoReplicas(t *testing.T) {
	url := startNATS(t)
	a := replica(t, url, "a", 100*time.Millisecond)
	b := replica(t, url, "b", 100*time.Millisecond)

	// A raw subscriber counts what the presenter's replica publishes.
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	published := make(chan int, 1000)

	p := dial(t, a, "/ws/counter?last=300")
	p.until("status")
	p.send(`{"type":"present"}`)
	code := p.until("room").Code
	sub, err := nc.Subscribe(subjectPrefix+code, func(m *nats.Msg) {
		if m.Header.Get("Kind") == lab.KindFrame {
			var f msg
			json.Unmarshal(m.Data, &f)
			published <- f.Step
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	nc.Flush()

	fa := join(t, a, code, 0)
	fb := join(t, b, code, 0)
	waitCount(t, p, 2)

	// Step by step: each follower gets each frame.
	for i := 1; i <= 20; i++ {
		p.send(`{"type":"step"}`)
		fa.untilStep(i)
		fb.untilStep(i)
	}
	// Played fast to its end: a follower may skip a frame its socket
	// could not take yet, never take one out of order, and gets the last.
	p.send(`{"type":"speed","value":240}`)
	p.send(`{"type":"play"}`)
	const last = 300
	for p.until("frame").Step < last {
	}
	var pub []int
	for len(pub) == 0 || pub[len(pub)-1] < last {
		select {
		case s := <-published:
			pub = append(pub, s)
		case <-time.After(5 * time.Second):
			t.Fatalf("the presenter's replica published frames up to %v, not to step %d", pub, last)
		}
	}
	for i := 1; i < len(pub); i++ {
		if pub[i] <= pub[i-1] {
			t.Errorf("published step %d after step %d", pub[i], pub[i-1])
		}
	}
	for name, f := range map[string]*client{"a": fa, "b": fb} {
		got := []int{}
		for len(got) == 0 || got[len(got)-1] < last {
			got = append(got, f.until("frame").Step)
		}
		// got must be pub (from step 21) with at most a few left out.
		k := 0
		for _, s := range got {
			for k < len(pub) && pub[k] != s {
				k++
			}
			if k == len(pub) {
				t.Fatalf("follower on %s: steps %v are not in the published order %v", name, got, pub)
			}
		}
		t.Logf("follower on %s got %d of the %d frames published during play", name, len(got), len(pub)-20)
	}

	// Late joiners on either replica get the current frame at once.
	la := join(t, a, code, last)
	lb := join(t, b, code, last)
	waitCount(t, p, 4)
	status, body := get(t, b.URL+"/r/"+code)
	if want := fmt.Sprintf("page counter step %d room %s", last, code); status != 200 || body != want {
		t.Errorf("GET /r/%s on the other replica = %d %q, want %q", code, status, body, want)
	}

	// The presenter leaves for good: every follower, on both, is told.
	p.conn.Close()
	for _, f := range []*client{fa, fb, la, lb} {
		if m := f.until("ended"); !strings.Contains(m.Message, "presenter left") {
			t.Errorf("end message %q, want it to say the presenter left", m.Message)
		}
	}
	if status, body := get(t, b.URL+"/r/"+code); status != http.StatusGone {
		t.Errorf("GET /r/%s after the end = %d %q, want 410", code, status, body)
	}
}

func waitCount(t *testing.T, p *client, want int) {
	t.Helper()
	for range 100 {
		if m := p.until("followers"); m.Count == want {
			return
		}
	}
	t.Fatalf("the presenter never heard %d followers", want)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestPresenterMovesReplica: the presenter's page comes back on the other
// replica (a load balancer without sticky sessions); that replica takes
// the room over, the followers on both follow its run, the first
// replica's grace period no longer ends the room, and the new owner's
// does once the page is gone for good.
func TestPresenterMovesReplica(t *testing.T) {
	url := startNATS(t)
	const grace = 300 * time.Millisecond
	a := replica(t, url, "a", grace)
	b := replica(t, url, "b", grace)

	p := dial(t, a, "/ws/counter?last=300")
	p.until("status")
	p.send(`{"type":"present"}`)
	room := p.until("room")
	fa := join(t, a, room.Code, 0)
	fb := join(t, b, room.Code, 0)
	p.send(`{"type":"step"}`)
	fa.untilStep(1)
	fb.untilStep(1)
	p.conn.Close()

	p2 := dial(t, b, "/ws/counter?last=301")
	p2.until("status")
	p2.send(`{"type":"present","room":"` + room.Code + `","secret":"` + room.Secret + `"}`)
	if m := p2.until("room"); m.Code != room.Code {
		t.Fatalf("presenting again on the other replica: %+v", m)
	}
	for name, f := range map[string]*client{"a": fa, "b": fb} {
		if m := f.until("run"); m.Query != "last=301" {
			t.Errorf("follower on %s: run %q, want the new page's last=301", name, m.Query)
		}
	}
	waitCount(t, p2, 2)
	// Past the first replica's grace the room lives on: what is checked
	// is that nothing happens, so the test waits out that time.
	time.Sleep(2 * grace)
	for i := 1; i <= 3; i++ {
		p2.send(`{"type":"step"}`)
		for name, f := range map[string]*client{"a": fa, "b": fb} {
			if m := f.untilStep(i); m.Type != "frame" {
				t.Errorf("follower on %s: %+v", name, m)
			}
		}
	}
	p2.conn.Close()
	for _, f := range []*client{fa, fb} {
		if m := f.until("ended"); !strings.Contains(m.Message, "presenter left") {
			t.Errorf("end message %q, want it to say the presenter left", m.Message)
		}
	}
}
