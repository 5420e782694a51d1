package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	qrcode "github.com/skip2/go-qrcode"
)

// followGroup is one replica's followers of one room: it holds the room's
// newest run, frame and status as prepared messages, each encoded (and
// compressed) once for all of them.
type followGroup struct {
	code string
	host *roomHost
	stop func() // the hub subscription

	mu        sync.Mutex
	followers map[*follower]struct{}
	newest    map[string]prepared // by kind: run, frame, status, end
	gone      bool                // the last follower left; a new one makes a new group
}

type prepared struct {
	seq uint64
	msg *websocket.PreparedMessage
}

// join adds f to the code's group here, creating it (and its hub
// subscription, then the state a late joiner needs) if it is the first.
// f is sent the room's run, newest frame and status at once.
func (h *roomHost) join(code string, f *follower) error {
	for {
		h.mu.Lock()
		g := h.groups[code]
		if g == nil {
			g = &followGroup{code: code, host: h, followers: map[*follower]struct{}{}, newest: map[string]prepared{}}
			h.groups[code] = g
			g.mu.Lock() // held until the state is in: a second joiner waits for it
			h.mu.Unlock()
			err := g.open()
			if err != nil {
				g.gone = true
				g.mu.Unlock()
				h.mu.Lock()
				delete(h.groups, code)
				h.mu.Unlock()
				return err
			}
		} else {
			h.mu.Unlock()
			g.mu.Lock()
		}
		if g.gone { // its last follower left just now
			g.mu.Unlock()
			continue
		}
		if len(g.followers) >= h.cfg.MaxFollowers {
			g.mu.Unlock()
			return fmt.Errorf("room %s is full on this server: its limit is %d followers (-max-followers)", code, h.cfg.MaxFollowers)
		}
		g.followers[f] = struct{}{}
		f.group = g
		for _, kind := range []string{KindRun, KindFrame, KindStatus, KindEnd} {
			if p, ok := g.newest[kind]; ok {
				f.queue(kind, p.msg)
			}
		}
		n := len(g.followers)
		g.mu.Unlock()
		g.count(n)
		return nil
	}
}

// open subscribes and reads the room's state; g.mu is held. Messages
// that arrive meanwhile wait on g.mu and are put in order by number.
func (g *followGroup) open() error {
	stop, err := g.host.hub.Subscribe(g.code, false, g.deliver)
	if err != nil {
		return err
	}
	g.stop = stop
	st, _, err := g.host.hub.State(g.code)
	if err != nil {
		stop()
		return err
	}
	for _, m := range []RoomMessage{st.Run, st.Frame, st.Status, st.End} {
		if m.Data != nil {
			g.keep(m)
		}
	}
	return nil
}

// keep records m as the newest of its kind unless a newer one is in, and
// reports whether it did. A run message makes the frame and status of
// the run before it stale. g.mu is held.
func (g *followGroup) keep(m RoomMessage) (prepared, bool) {
	if m.ForOwner() {
		return prepared{}, false
	}
	if old, ok := g.newest[m.Kind]; ok && old.seq >= m.Seq {
		return prepared{}, false
	}
	if run, ok := g.newest[KindRun]; ok && m.Kind != KindEnd && m.Seq < run.seq {
		return prepared{}, false // of the run before
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, m.Data)
	if err != nil {
		return prepared{}, false
	}
	p := prepared{seq: m.Seq, msg: pm}
	g.newest[m.Kind] = p
	if m.Kind == KindRun {
		for _, k := range []string{KindFrame, KindStatus} {
			if q, ok := g.newest[k]; ok && q.seq < m.Seq {
				delete(g.newest, k)
			}
		}
	}
	return p, true
}

// deliver takes a message of the room from the hub: one prepared message
// handed to every follower's slot. It never waits on a follower.
// A run message comes when a presenter's page attaches, maybe on another
// replica than before: the group tells it how many follow here.
func (g *followGroup) deliver(m RoomMessage) {
	g.mu.Lock()
	p, ok := g.keep(m)
	if !ok {
		g.mu.Unlock()
		return
	}
	for f := range g.followers {
		f.queue(m.Kind, p.msg)
	}
	n := len(g.followers)
	g.mu.Unlock()
	if m.Kind == KindRun {
		g.count(n)
	}
}

// leave removes f; the last to leave ends the group's subscription.
func (g *followGroup) leave(f *follower) {
	h := g.host
	h.mu.Lock()
	g.mu.Lock()
	delete(g.followers, f)
	n := len(g.followers)
	if n == 0 && !g.gone {
		g.gone = true
		if h.groups[g.code] == g {
			delete(h.groups, g.code)
		}
	}
	g.mu.Unlock()
	h.mu.Unlock()
	if n == 0 && g.stop != nil {
		g.stop()
	}
	g.count(n)
}

// count tells the room's owner how many follow here.
func (g *followGroup) count(n int) {
	data, _ := json.Marshal(followerCount{Replica: g.host.replica, N: n})
	if err := g.host.hub.Publish(g.code, RoomMessage{Kind: KindCount, Data: data}); err != nil {
		g.host.log.Debug("room follower count", "room", g.code, "err", err)
	}
}

// follower is one follower's websocket. Its outbox holds at most the
// newest run, frame and status (a newer one replaces an unsent one) and
// a few refusals: a follower that cannot keep up skips frames and never
// holds back the room or the others.
type follower struct {
	conn   *websocket.Conn
	group  *followGroup
	notify chan struct{}

	mu      sync.Mutex
	pending []queued
	closing bool
}

type queued struct {
	kind string
	msg  *websocket.PreparedMessage
}

func newFollower(conn *websocket.Conn) *follower {
	return &follower{conn: conn, notify: make(chan struct{}, 1)}
}

// queue adds a message: a frame or status replaces the unsent one of its
// kind, a run drops the unsent messages of the run before, an end is
// the last message.
func (f *follower) queue(kind string, msg *websocket.PreparedMessage) {
	f.mu.Lock()
	switch kind {
	case KindRun:
		f.pending = f.pending[:0]
	case KindFrame, KindStatus:
		for i, q := range f.pending {
			if q.kind == kind {
				f.pending = append(f.pending[:i], f.pending[i+1:]...)
				if kind == KindFrame && f.group != nil {
					f.group.host.skipped.Inc()
				}
				break
			}
		}
	case KindEnd:
		f.closing = true
	}
	if len(f.pending) >= maxFollowerPending {
		f.closing = true // refused commands pile up: it does not read
	} else {
		f.pending = append(f.pending, queued{kind, msg})
	}
	f.mu.Unlock()
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

// waiting is the number of messages not yet written (for tests).
func (f *follower) waiting() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pending)
}

func (f *follower) take() ([]queued, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	msgs := f.pending
	f.pending = nil
	return msgs, f.closing
}

// serve runs the follower until it leaves, the room ends or ctx ends.
func (f *follower) serve(ctx context.Context, code string, log *slog.Logger) {
	shutdown := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); defer cancel(); f.write(ctx, shutdown) }()
	if err := f.read(ctx, code); err != nil && !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
		log.Debug("follower read", "room", code, "err", err)
	}
	cancel()
	<-done
	f.conn.Close()
}

// read refuses every message: only the presenter drives the room.
func (f *follower) read(ctx context.Context, code string) error {
	f.conn.SetReadLimit(maxMessageSize)
	f.conn.SetReadDeadline(time.Now().Add(pongWait))
	f.conn.SetPongHandler(func(string) error { return f.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	refusal, _ := json.Marshal(refusedMessage{Type: "refused", Message: fmt.Sprintf(
		"you are following room %s: only its presenter controls the run, and your command changed nothing. Fork to try it yourself", code)})
	for ctx.Err() == nil {
		if _, _, err := f.conn.NextReader(); err != nil {
			return err
		}
		pm, _ := websocket.NewPreparedMessage(websocket.TextMessage, refusal)
		f.queue("refused", pm)
	}
	return nil
}

func (f *follower) write(ctx, shutdown context.Context) {
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			if shutdown.Err() != nil {
				f.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(writeWait))
			}
			return
		case <-f.notify:
			msgs, closing := f.take()
			for _, q := range msgs {
				f.conn.SetWriteDeadline(time.Now().Add(writeWait))
				if err := f.conn.WritePreparedMessage(q.msg); err != nil {
					f.conn.Close()
					return
				}
				if q.kind == KindFrame {
					f.group.host.sent.Inc()
				}
			}
			if closing {
				f.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "room ended"), time.Now().Add(writeWait))
				f.conn.SetReadDeadline(time.Now().Add(closeGrace))
				return
			}
		case <-ping.C:
			if err := f.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				f.conn.Close()
				return
			}
		}
	}
}

// roomError turns a failed lookup into the answer a user sees.
func roomError(err error) error {
	var rate *httpErrorRate
	var ended *roomEndedError
	var none *noRoomError
	switch {
	case errors.As(err, &rate):
		return &httpError{status: http.StatusTooManyRequests, msg: rate.msg}
	case errors.As(err, &ended):
		return &httpError{status: http.StatusGone, msg: ended.msg}
	case errors.As(err, &none):
		return &httpError{status: http.StatusNotFound, msg: none.Error()}
	}
	return err // the hub failed: logged as an internal error
}

// handleRoomPage shows the room's run in follower mode: the page of its
// scenario, drawn at the room's newest frame.
func (s *Server) handleRoomPage(w http.ResponseWriter, r *http.Request) error {
	code, st, err := s.rooms.lookup(chi.URLParam(r, "code"), clientAddress(r))
	if err != nil {
		return roomError(err)
	}
	if st.Run.Data == nil || st.Frame.Data == nil {
		return &httpError{status: http.StatusServiceUnavailable, msg: fmt.Sprintf("room %s is opening; try again in a moment", code)}
	}
	var run runMessage
	var f Frame
	if err := json.Unmarshal(st.Run.Data, &run); err != nil {
		return fmt.Errorf("lab: room %s: reading its run: %w", code, err)
	}
	if err := json.Unmarshal(st.Frame.Data, &f); err != nil {
		return fmt.Errorf("lab: room %s: reading its frame: %w", code, err)
	}
	sc := s.bySlug[run.Slug]
	if sc == nil {
		return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("room %s shows scenario %q, which this server does not have", code, run.Slug)}
	}
	q, err := ParseQuery(run.Query)
	if err != nil {
		return fmt.Errorf("lab: room %s: %w", code, err)
	}
	vals, err := Parse(sc.Params, q)
	if err != nil {
		return fmt.Errorf("lab: room %s: %w", code, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	return render(w, r, s.pages.Scenario(PageData{Scenario: sc, Values: vals, Query: vals.Encode(), Frame: f, Room: code}))
}

// qrSize is the side of a room's QR code in pixels: sharp on a projector.
const qrSize = 768

// handleRoomQR draws the room's address as a QR code, for the projector.
// Only a live room has one, so the route draws no arbitrary text.
func (s *Server) handleRoomQR(w http.ResponseWriter, r *http.Request) error {
	code, _, err := s.rooms.lookup(chi.URLParam(r, "code"), clientAddress(r))
	if err != nil {
		return roomError(err)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	png, err := qrcode.Encode(scheme+"://"+r.Host+"/r/"+code, qrcode.Medium, qrSize)
	if err != nil {
		return fmt.Errorf("lab: room %s: QR code: %w", code, err)
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
	return nil
}

// handleRoomWebsocket streams the room to one follower. Like the run
// websocket, it errs only before the upgrade; refusals after it are
// said over the socket.
func (s *Server) handleRoomWebsocket(w http.ResponseWriter, r *http.Request) error {
	if !hostAllowed(s.hosts, r.Host) {
		return &httpError{status: http.StatusForbidden,
			msg: fmt.Sprintf("this server does not answer to the name %q; its operator can add it with -allow-host", r.Host)}
	}
	conn, upErr := s.upgrader.Upgrade(w, r, http.Header{"X-Request-Id": {w.Header().Get("X-Request-Id")}})
	if upErr != nil {
		return nil
	}
	conn.SetCompressionLevel(compressionLevel)
	code, _, err := s.rooms.lookup(chi.URLParam(r, "code"), clientAddress(r))
	if err != nil {
		var ended *roomEndedError
		if errors.As(err, &ended) {
			b, _ := json.Marshal(endedMessage{Type: "ended", Message: ended.msg})
			conn.SetWriteDeadline(time.Now().Add(writeWait))
			conn.WriteMessage(websocket.TextMessage, b)
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "room ended"), time.Now().Add(writeWait))
			conn.Close()
			return nil
		}
		refuse(conn, s.publicMessage(r, roomError(err)), websocket.ClosePolicyViolation)
		return nil
	}
	if !s.track() {
		refuse(conn, errorMessage{Type: "error", Message: errShuttingDown.Error()}, websocket.CloseGoingAway)
		return nil
	}
	defer s.sessions.Done()
	f := newFollower(conn)
	if err := s.rooms.join(code, f); err != nil {
		refuse(conn, s.publicMessage(r, &httpError{status: http.StatusServiceUnavailable, msg: err.Error()}), websocket.CloseTryAgainLater)
		return nil
	}
	defer f.group.leave(f)
	f.serve(s.ctx, code, s.logFor(r))
	return nil
}
