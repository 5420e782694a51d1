package lab

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

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// roomMsg is any message of a room's sockets.
type roomMsg struct {
	message
	Code   string          `json:"code"`
	Secret string          `json:"secret"`
	URL    string          `json:"url"`
	Count  int             `json:"count"`
	Slug   string          `json:"slug"`
	Frame  json.RawMessage `json:"-"`
	raw    []byte
}

func (c *wsClient) readRoom() roomMsg {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m roomMsg
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("bad message %q: %v", b, err)
	}
	if err := json.Unmarshal(b, &m.message); err != nil {
		c.t.Fatalf("bad message %q: %v", b, err)
	}
	m.raw = b
	return m
}

func (c *wsClient) untilRoom(typ string) roomMsg {
	c.t.Helper()
	for range 1000 {
		if m := c.readRoom(); m.Type == typ {
			return m
		}
	}
	c.t.Fatalf("no %s message", typ)
	return roomMsg{}
}

// untilStep reads frames until the one of step n.
func (c *wsClient) untilStep(n int) roomMsg {
	c.t.Helper()
	for range 1000 {
		if m := c.readRoom(); m.Type == "frame" && m.Step == n {
			return m
		} else if m.Type == "frame" && m.Step > n {
			c.t.Fatalf("frame of step %d came before one of step %d", m.Step, n)
		}
	}
	c.t.Fatalf("no frame of step %d", n)
	return roomMsg{}
}

func newRoomServer(t *testing.T, rc RoomConfig) (*Server, *httptest.Server) {
	t.Helper()
	s, err := NewServer(Config{Scenarios: []*Scenario{counter}, Pages: fakePages{}, MaxRuns: 8, Rooms: rc,
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
	return s, ts
}

// presentRoom opens a run of query and presents it; it returns the
// presenter's socket and the room's code and secret.
func presentRoom(t *testing.T, ts *httptest.Server, query string) (*wsClient, string, string) {
	t.Helper()
	p, _, err := dial(t, ts, "/ws/counter?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.untilRoom("status")
	p.send(`{"type":"present"}`)
	m := p.untilRoom("room")
	if len(m.Code) != roomCodeLen || m.Secret == "" || m.URL != "/r/"+m.Code {
		t.Fatalf("room message %s, want a %d-character code, a secret and /r/{code}", m.raw, roomCodeLen)
	}
	for _, c := range m.Code {
		if strings.ContainsRune("0O1I", c) {
			t.Errorf("code %s has the ambiguous character %c", m.Code, c)
		}
	}
	return p, m.Code, m.Secret
}

func follow(t *testing.T, ts *httptest.Server, code string) *wsClient {
	t.Helper()
	f, _, err := dial(t, ts, "/r/"+code+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRoomFollow: a follower who joins late gets the room's run, current
// frame and status at once (within 100 ms), then every step the
// presenter takes; the presenter hears how many follow.
func TestRoomFollow(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{})
	p, code, _ := presentRoom(t, ts, "last=30")
	for i := 1; i <= 3; i++ {
		p.send(`{"type":"step"}`)
		p.untilStep(i)
	}
	began := time.Now()
	f := follow(t, ts, code)
	run := f.readRoom()
	frame := f.readRoom()
	took := time.Since(began)
	if run.Type != "run" || run.Query != "last=30" || run.Slug != "counter" {
		t.Errorf("first message %s, want the room's run", run.raw)
	}
	if strings.Contains(string(run.raw), "resume") {
		t.Errorf("the follower's run message %s carries the presenter's reconnect token", run.raw)
	}
	if frame.Type != "frame" || frame.Step != 3 || len(frame.Plots) != 2 {
		t.Errorf("second message %s, want the current frame (step 3) with both panels", trunc(string(frame.raw)))
	}
	if took > 100*time.Millisecond {
		t.Errorf("a late joiner waited %v for the current frame, want at most 100 ms", took)
	}
	if m := f.readRoom(); m.Type != "status" || m.Running {
		t.Errorf("third message %s, want a paused status", m.raw)
	}
	if m := p.untilRoom("followers"); m.Count != 1 {
		t.Errorf("the presenter hears %d followers, want 1", m.Count)
	}
	_, metrics, _ := get(t, ts.URL+"/metrics")
	for _, want := range []string{"\nplayground_rooms 1\n", "\nplayground_room_followers 1\n", "\nplayground_room_frames_sent_total 1\n"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", strings.TrimSpace(want))
		}
	}
	p.send(`{"type":"step"}`)
	if m := f.untilStep(4); len(m.Plots) != 2 {
		t.Errorf("a room frame has %d panels, want both: followers get complete frames", len(m.Plots))
	}
	f.conn.Close()
	if m := p.untilRoom("followers"); m.Count != 0 {
		t.Errorf("after the follower left the presenter hears %d followers, want 0", m.Count)
	}
}

// TestRoomFollowerCommandsRefused: a follower's commands are answered
// with a refusal and change nothing.
func TestRoomFollowerCommandsRefused(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{})
	p, code, _ := presentRoom(t, ts, "last=30")
	f := follow(t, ts, code)
	f.untilRoom("status")
	for _, cmd := range []string{`{"type":"play"}`, `{"type":"step"}`, `{"type":"reset"}`, `{"type":"present"}`} {
		f.send(cmd)
		m := f.readRoom()
		if m.Type != "refused" || !strings.Contains(m.Message, "following room "+code) || !strings.Contains(m.Message, "changed nothing") {
			t.Errorf("%s: answer %s, want a refusal naming the room", cmd, m.raw)
		}
	}
	// The presenter's run is where it was: its next step is step 1.
	p.send(`{"type":"step"}`)
	if m := p.untilRoom("frame"); m.Step != 1 {
		t.Errorf("after the follower's commands the presenter's step went to %d, want 1", m.Step)
	}
	if m := f.untilRoom("frame"); m.Step != 1 {
		t.Errorf("the follower's next frame is step %d, want 1", m.Step)
	}
}

// TestRoomRefusals: a forged secret, an unknown code and an ended room
// each get a clear message and change nothing.
func TestRoomRefusals(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{Grace: 50 * time.Millisecond})
	p, code, secret := presentRoom(t, ts, "last=30")
	f := follow(t, ts, code)
	f.untilRoom("status")

	forger, _, err := dial(t, ts, "/ws/counter?last=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	forger.untilRoom("status")
	forger.send(`{"type":"present","room":"` + code + `","secret":"` + strings.Repeat("A", len(secret)) + `"}`)
	if m := forger.untilRoom("room-error"); !strings.Contains(m.Message, "secret does not match") {
		t.Errorf("forged secret: %s, want a refusal naming the secret", m.raw)
	}
	forger.send(`{"type":"present","room":"` + code + `"}`)
	if m := forger.untilRoom("error"); !strings.Contains(m.Message, "secret") {
		t.Errorf("present without a secret: %s, want an error naming it", m.raw)
	}
	forger.send(`{"type":"present","room":"ZZZZZ","secret":"x"}`)
	if m := forger.untilRoom("room-error"); !strings.Contains(m.Message, "no room ZZZZZ") {
		t.Errorf("unknown room: %s", m.raw)
	}
	// The room still shows the presenter's run.
	p.send(`{"type":"step"}`)
	if m := f.readRoom(); m.Type != "frame" || m.Step != 1 {
		t.Errorf("after the forger the follower got %s, want the presenter's step 1", trunc(string(m.raw)))
	}

	for _, path := range []string{"/r/ZZZZZ", "/r/zzzz", "/r/ZZZZZ/qr.png"} {
		status, body, _ := get(t, ts.URL+path)
		if status != http.StatusNotFound || !strings.Contains(body, "no room") {
			t.Errorf("GET %s = %d %q, want 404 saying there is no room", path, status, body)
		}
	}
	unknown := follow(t, ts, "ZZZZZ")
	if m := unknown.readRoom(); m.Type != "error" || !strings.Contains(m.Message, "no room ZZZZZ") {
		t.Errorf("following an unknown room: %s", m.raw)
	}

	// The presenter leaves and does not come back: after the grace the
	// room ends, its followers are told, and its code is told as ended.
	p.conn.Close()
	m := f.untilRoom("ended")
	if !strings.Contains(m.Message, "presenter left") {
		t.Errorf("end message %q, want it to say the presenter left", m.Message)
	}
	if _, _, err := f.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("after the end: %v, want a normal close", err)
	}
	status, body, _ := get(t, ts.URL+"/r/"+code)
	if status != http.StatusGone || !strings.Contains(body, "presenter left") {
		t.Errorf("GET /r/%s after the end = %d %q, want 410 saying why", code, status, body)
	}
	late := follow(t, ts, code)
	if m := late.readRoom(); m.Type != "ended" {
		t.Errorf("following an ended room: %s, want ended", m.raw)
	}
	forger.send(`{"type":"present","room":"` + code + `","secret":"` + secret + `"}`)
	if m := forger.untilRoom("room-error"); !strings.Contains(m.Message, "has ended") {
		t.Errorf("presenting an ended room: %s", m.raw)
	}
}

// TestRoomUnknownCodesLimited: an address that tries many unknown codes
// is refused for a while, even for a good code.
func TestRoomUnknownCodesLimited(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{})
	_, code, _ := presentRoom(t, ts, "")
	for range maxUnknownCodes {
		if status, _, _ := get(t, ts.URL+"/r/ZZZZZ"); status != http.StatusNotFound {
			t.Fatalf("an unknown code: %d, want 404", status)
		}
	}
	status, body, _ := get(t, ts.URL+"/r/"+code)
	if status != http.StatusTooManyRequests || !strings.Contains(body, "unknown room codes") {
		t.Errorf("after %d unknown codes: %d %q, want 429", maxUnknownCodes, status, body)
	}
}

// TestRoomPageAndQR: /r/{code} is the scenario page of the room's run
// at its current frame, in follower mode; its QR code is a PNG.
func TestRoomPageAndQR(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{})
	p, code, secret := presentRoom(t, ts, "last=30")
	p.send(`{"type":"step"}`)
	p.untilStep(1)
	status, body, _ := get(t, ts.URL+"/r/"+strings.ToLower(code))
	if want := `page counter step 1 query "last=30"`; status != 200 || !strings.Contains(body, want) {
		t.Errorf("GET /r/%s = %d %q, want %q", code, status, body, want)
	}
	if strings.Contains(body, secret) {
		t.Errorf("the follower's page holds the presenter's secret")
	}
	status, body, h := get(t, ts.URL+"/r/"+code+"/qr.png")
	if status != 200 || h.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
		t.Errorf("GET /r/%s/qr.png = %d %s, want a PNG", code, status, h.Get("Content-Type"))
	}
}

// TestRoomSlowFollower: a follower that never reads holds at most the
// newest frame, and the others get every frame at the presenter's pace.
func TestRoomSlowFollower(t *testing.T) {
	s, ts := newRoomServer(t, RoomConfig{})
	p, code, _ := presentRoom(t, ts, "last=50&big=true") // 200 KB frames fill the socket's buffers
	stuck := follow(t, ts, code)
	_ = stuck // never reads
	f := follow(t, ts, code)
	f.untilRoom("status")
	var stuckF *follower
	waitFor(t, func() bool {
		s.rooms.mu.Lock()
		defer s.rooms.mu.Unlock()
		g := s.rooms.groups[code]
		g.mu.Lock()
		defer g.mu.Unlock()
		for fl := range g.followers {
			if fl.conn.RemoteAddr().String() == stuck.conn.LocalAddr().String() {
				stuckF = fl
			}
		}
		return stuckF != nil
	})
	most := 0
	for i := 1; i <= 49; i++ {
		p.send(`{"type":"step"}`)
		p.untilStep(i)
		f.untilStep(i)
		most = max(most, stuckF.waiting())
	}
	if most == 0 {
		t.Errorf("the follower that never reads never fell behind: the test did not fill its socket")
	}
	if most > 3 {
		t.Errorf("the follower that never reads had %d messages waiting, want at most 3 (run, newest frame, status)", most)
	}
}

// TestRoomPreparedOnce: a frame is prepared once and the same message
// waits for every follower; one that takes nothing keeps only the newest.
func TestRoomPreparedOnce(t *testing.T) {
	h := newRoomHost(RoomConfig{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r, _, err := h.create("a")
	if err != nil {
		t.Fatal(err)
	}
	gen, _ := r.attach(newOutbox(prometheus.NewCounter(prometheus.CounterOpts{Name: "coalesced"})))
	r.publish(gen, KindRun, []byte(`{"type":"run"}`))
	r.publish(gen, KindFrame, []byte(`{"type":"frame","step":0}`))
	a, b := newFollower(nil), newFollower(nil)
	if err := h.join(r.code, a); err != nil {
		t.Fatal(err)
	}
	if err := h.join(r.code, b); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 100; i++ {
		r.publish(gen, KindFrame, []byte(`{"type":"frame","step":`+string(rune('0'+i%10))+`}`))
	}
	if a.waiting() != 2 || b.waiting() != 2 {
		t.Fatalf("waiting %d and %d, want 2 each: the run and the newest frame", a.waiting(), b.waiting())
	}
	qa, _ := a.take()
	qb, _ := b.take()
	if qa[1].msg != qb[1].msg {
		t.Errorf("the followers wait for two prepared messages of one frame, want one shared")
	}
	a.group.leave(a)
	b.group.leave(b)
	r.end("test over")
	if len(h.groups) != 0 || len(h.owned) != 0 {
		t.Errorf("after the end %d groups and %d rooms are left", len(h.groups), len(h.owned))
	}
}

// TestRoomFork: a fork at the room's step (at=N on the room's query) has
// the room's frames from that step on.
func TestRoomFork(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{})
	p, code, _ := presentRoom(t, ts, "last=30&seed=4")
	f := follow(t, ts, code)
	run := f.untilRoom("run")
	for i := 1; i <= 5; i++ {
		p.send(`{"type":"step"}`)
	}
	at := f.untilStep(5)
	fork, _, err := dial(t, ts, "/ws/counter?"+run.Query+"&at=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := fork.untilRoom("frame")
	if got.Step != 5 || string(got.State) != string(at.State) || got.Plots["line"] != at.Plots["line"] || got.Plots["other"] != at.Plots["other"] {
		t.Fatalf("fork's first frame (step %d, state %s) differs from the room's (step 5, state %s)", got.Step, got.State, at.State)
	}
	fork.untilRoom("status")
	for i := 6; i <= 8; i++ {
		p.send(`{"type":"step"}`)
		fork.send(`{"type":"step"}`)
		want, got := f.untilStep(i), fork.untilStep(i)
		if string(got.State) != string(want.State) {
			t.Errorf("step %d: fork's state %s, room's %s", i, got.State, want.State)
		}
		for name, svg := range got.Plots { // the fork's frames carry the panels that changed
			if want.Plots[name] != svg {
				t.Errorf("step %d: fork's panel %s differs from the room's", i, name)
			}
		}
	}
}

// TestRoomPresenterMoves: the presenter's page reloads or opens another
// run and attaches it with its secret; the room follows the new run,
// and the old page's steps no longer reach it. Within the grace the
// room lives on.
func TestRoomPresenterMoves(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{Grace: time.Minute})
	p, code, secret := presentRoom(t, ts, "last=30")
	f := follow(t, ts, code)
	f.untilRoom("status")
	p.conn.Close() // a reload: the page goes, the room waits

	p2, _, err := dial(t, ts, "/ws/counter?last=21", nil)
	if err != nil {
		t.Fatal(err)
	}
	p2.untilRoom("status")
	p2.send(`{"type":"present","room":"` + strings.ToLower(code) + `","secret":"` + secret + `"}`)
	if m := p2.untilRoom("room"); m.Code != code || m.Secret != "" {
		t.Errorf("re-attached: %s, want the room's code and no secret", m.raw)
	}
	if m := f.untilRoom("run"); m.Query != "last=21" {
		t.Errorf("the follower's run is now %q, want the presenter's new last=21", m.Query)
	}
	if m := f.readRoom(); m.Type != "frame" || m.Step != 0 {
		t.Errorf("after the new run: %s, want its frame at step 0", trunc(string(m.raw)))
	}
	// A third page takes over; the second one's steps are not the room's.
	p3, _, err := dial(t, ts, "/ws/counter?last=25", nil)
	if err != nil {
		t.Fatal(err)
	}
	p3.untilRoom("status")
	p3.send(`{"type":"present","room":"` + code + `","secret":"` + secret + `"}`)
	p3.untilRoom("room")
	if m := f.untilRoom("run"); m.Query != "last=25" {
		t.Errorf("run %q, want last=25", m.Query)
	}
	// The second page steps to 3, then the third one steps once: the
	// follower's next frame is the third page's step 1.
	for i := 1; i <= 3; i++ {
		p2.send(`{"type":"step"}`)
		p2.untilStep(i)
	}
	p3.send(`{"type":"step"}`)
	p3.untilStep(1)
	f.untilStep(1)
}

// TestRoomBounds: rooms per server and followers per room are bounded,
// and a refusal says which bound.
func TestRoomBounds(t *testing.T) {
	_, ts := newRoomServer(t, RoomConfig{MaxRooms: 1, MaxFollowers: 1})
	_, code, _ := presentRoom(t, ts, "")
	second, _, err := dial(t, ts, "/ws/counter?last=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	second.untilRoom("status")
	second.send(`{"type":"present"}`)
	if m := second.untilRoom("room-error"); !strings.Contains(m.Message, "as many rooms as it allows") {
		t.Errorf("a room past -max-rooms: %s", m.raw)
	}
	f := follow(t, ts, code)
	f.untilRoom("status")
	extra := follow(t, ts, code)
	if m := extra.readRoom(); m.Type != "error" || !strings.Contains(m.Message, "is full on this server: its limit is 1 followers") {
		t.Errorf("a follower past -max-followers: %s", m.raw)
	}
	if _, _, err := extra.conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Errorf("close %v, want 1013", err)
	}
}

// TestRoomMapsTrimmed: rooms opened, followed and ended leave nothing
// behind but the bounded list of ended codes.
func TestRoomMapsTrimmed(t *testing.T) {
	h := newRoomHost(RoomConfig{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	hub := h.hub.(*memHub)
	const rooms = 1500
	for i := range rooms {
		r, _, err := h.create(fmt.Sprint("client ", i))
		if err != nil {
			t.Fatal(err)
		}
		gen, _ := r.attach(newOutbox(prometheus.NewCounter(prometheus.CounterOpts{Name: "c"})))
		r.publish(gen, KindRun, []byte(`{"type":"run"}`))
		f := newFollower(nil)
		if err := h.join(r.code, f); err != nil {
			t.Fatal(err)
		}
		f.group.leave(f)
		r.detach(gen)
		r.end("over")
	}
	if len(h.owned) != 0 || len(h.groups) != 0 || len(hub.rooms) != 0 {
		t.Errorf("after %d rooms: %d owned, %d follow groups, %d in the hub; want none", rooms, len(h.owned), len(h.groups), len(hub.rooms))
	}
	if len(hub.ended.msgs) != maxEndedRooms || len(hub.ended.order) != maxEndedRooms {
		t.Errorf("%d ended codes remembered, want the last %d", len(hub.ended.msgs), maxEndedRooms)
	}
}
