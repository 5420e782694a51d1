package lab

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlplayground/playground/internal/viz"
)

// A room is a presenter's run followed by a class: the presenter's page
// drives an ordinary session; each frame it draws is encoded once,
// complete, and published through the hub; on every replica with
// followers one follow group turns it into one websocket.PreparedMessage
// written to each of them. A follower that cannot keep up gets the newest
// frame and never a backlog.

// Room codes: five characters of an alphabet without 0/O and 1/I, easy to
// read aloud and to type from a projector. 32⁵ ≈ 33.5 million codes with
// at most DefaultMaxRooms live: one guess in 670,000 finds a live room,
// and an address may try only maxUnknownCodes unknown codes a minute
// (about 43,000 a day: a 6% chance of finding one).
const (
	roomAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	roomCodeLen  = 5
)

// Room limits.
const (
	// DefaultRoomGrace is how long a room waits for its presenter's page
	// to come back (a reload, another scenario) before it ends.
	DefaultRoomGrace = 5 * time.Minute
	// DefaultRoomLifetime bounds a room however busy it is: a lecture day.
	DefaultRoomLifetime = 8 * time.Hour
	// DefaultMaxRooms bounds the rooms presented from one server.
	DefaultMaxRooms = 50
	// DefaultMaxFollowers bounds one room's followers on one server.
	DefaultMaxFollowers = 500
	// maxUnknownCodes is how many unknown room codes one address may try
	// in a minute; past it every lookup from it is refused for the minute.
	maxUnknownCodes = 30
	// maxRoomsCreated is how many rooms one address may open in an hour.
	maxRoomsCreated = 20
	// countEvery is the most often the presenter hears the follower count.
	countEvery = 250 * time.Millisecond
	// maxFollowerPending bounds the messages waiting for one follower
	// (frames and statuses coalesce, so only refusals pile up): past it
	// the follower is dropped.
	maxFollowerPending = 16
)

// Messages of a room, server to client.
type (
	// roomOpened tells the presenter's page its room: the secret only on
	// creation, to this page alone.
	roomOpened struct {
		Type      string `json:"type"` // "room"
		Code      string `json:"code"`
		Secret    string `json:"secret,omitempty"`
		URL       string `json:"url"`
		Followers int    `json:"followers"`
	}
	// roomRefused says why a present message did nothing (a forged
	// secret, an unknown or ended room, too many rooms).
	roomRefused struct {
		Type    string `json:"type"` // "room-error"
		Message string `json:"message"`
	}
	followersMessage struct {
		Type  string `json:"type"` // "followers"
		Count int    `json:"count"`
	}
	// refusedMessage answers a follower's command: it changed nothing.
	refusedMessage struct {
		Type    string `json:"type"` // "refused"
		Message string `json:"message"`
	}
	// endedMessage says the room is over; the socket closes after it.
	endedMessage struct {
		Type    string `json:"type"` // "ended"
		Message string `json:"message"`
	}
	// followerCount is one replica's followers of a room (KindCount).
	followerCount struct {
		Replica string `json:"replica"`
		N       int    `json:"n"`
	}
)

// RoomConfig bounds the rooms of a server.
type RoomConfig struct {
	// Hub carries rooms between replicas; nil: in-process.
	Hub Hub
	// Replica names this server among the hub's; empty: a random name.
	Replica string
	// Grace, Lifetime, MaxRooms, MaxFollowers: zero means the default.
	Grace, Lifetime        time.Duration
	MaxRooms, MaxFollowers int
}

// roomHost is a server's rooms: those it owns (presented from here) and
// its follow groups (followers here of a room owned anywhere).
type roomHost struct {
	hub     Hub
	replica string
	cfg     RoomConfig
	log     *slog.Logger

	mu      sync.Mutex
	owned   map[string]*room
	groups  map[string]*followGroup
	unknown rateWindow // unknown codes tried, by address
	created rateWindow // rooms opened, by address
	closed  bool

	// sent and skipped count the frames written to followers and those a
	// newer one replaced before a slow follower could take them.
	sent, skipped prometheus.Counter
}

func newRoomHost(cfg RoomConfig, log *slog.Logger) *roomHost {
	if cfg.Hub == nil {
		cfg.Hub = newMemHub()
	}
	if cfg.Replica == "" {
		cfg.Replica = rand.Text()[:10]
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultRoomGrace
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = DefaultRoomLifetime
	}
	if cfg.MaxRooms <= 0 {
		cfg.MaxRooms = DefaultMaxRooms
	}
	if cfg.MaxFollowers <= 0 {
		cfg.MaxFollowers = DefaultMaxFollowers
	}
	return &roomHost{hub: cfg.Hub, replica: cfg.Replica, cfg: cfg, log: log,
		sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "playground_room_frames_sent_total",
			Help: "Room frames written to followers on this server."}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{Name: "playground_room_frames_skipped_total",
			Help: "Room frames replaced by a newer one before a slow follower could take them."}),
		owned: map[string]*room{}, groups: map[string]*followGroup{},
		unknown: rateWindow{every: time.Minute, most: maxUnknownCodes},
		created: rateWindow{every: time.Hour, most: maxRoomsCreated}}
}

// register adds the rooms' series to reg.
func (h *roomHost) register(reg *prometheus.Registry) {
	reg.MustRegister(h.sent, h.skipped,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "playground_rooms", Help: "Rooms presented from this server now."},
			func() float64 { h.mu.Lock(); defer h.mu.Unlock(); return float64(len(h.owned)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "playground_room_followers", Help: "Followers of rooms connected to this server now."},
			func() float64 {
				h.mu.Lock()
				groups := make([]*followGroup, 0, len(h.groups))
				for _, g := range h.groups {
					groups = append(groups, g)
				}
				h.mu.Unlock()
				n := 0
				for _, g := range groups {
					g.mu.Lock()
					n += len(g.followers)
					g.mu.Unlock()
				}
				return float64(n)
			}))
}

// newRoomCode draws a code from crypto/rand; 256 is a multiple of 32, so
// each character is uniform.
func newRoomCode() string {
	var b [roomCodeLen]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = roomAlphabet[b[i]%byte(len(roomAlphabet))]
	}
	return string(b[:])
}

// normalCode reads a code as typed: case does not matter; a character
// outside the alphabet makes it no code.
func normalCode(s string) (string, bool) {
	s = strings.ToUpper(s)
	if len(s) != roomCodeLen {
		return s, false
	}
	for _, c := range s {
		if !strings.ContainsRune(roomAlphabet, c) {
			return s, false
		}
	}
	return s, true
}

var (
	errRoomSecret = errors.New("this page's presenter secret does not match the room's: only the page that opened the room can present it")
	errRoomBusy   = errors.New("the server has as many rooms as it allows; end one or try again later")
)

// noRoomError says a code names no room.
type noRoomError struct{ code string }

func (e *noRoomError) Error() string {
	return fmt.Sprintf("there is no room %s: check the code (%d characters, letters and digits without 0, O, 1 or I)", e.code, roomCodeLen)
}

func errNoRoom(code string) error { return &noRoomError{code} }

// create opens a room for a presenter at addr; it returns the secret,
// which only that presenter's page is told.
func (h *roomHost) create(addr string) (*room, string, error) {
	h.mu.Lock()
	switch {
	case h.closed:
		h.mu.Unlock()
		return nil, "", errShuttingDown
	case len(h.owned) >= h.cfg.MaxRooms:
		h.mu.Unlock()
		return nil, "", errRoomBusy
	case !h.created.allow(addr, time.Now()):
		h.mu.Unlock()
		return nil, "", fmt.Errorf("your address has opened %d rooms in the last hour, the most it may; present one of them", maxRoomsCreated)
	}
	h.mu.Unlock()
	secret := rand.Text()
	entry := RoomEntry{Replica: h.replica, SecretHash: sha256.Sum256([]byte(secret)), Created: time.Now()}
	for range 10 {
		code := newRoomCode()
		ok, err := h.hub.Claim(code, entry, h.cfg.Lifetime)
		if err != nil {
			return nil, "", fmt.Errorf("lab: claiming room %s: %w", code, err)
		}
		if !ok {
			continue
		}
		r := &room{code: code, host: h, entry: entry, counts: map[string]int{}}
		stop, err := h.hub.Subscribe(code, true, r.heard)
		if err != nil {
			h.hub.End(code, RoomMessage{})
			return nil, "", fmt.Errorf("lab: subscribing to room %s: %w", code, err)
		}
		r.unsubscribe = stop
		r.life = time.AfterFunc(h.cfg.Lifetime, func() {
			r.end(fmt.Sprintf("This room has reached the longest a room may last (%s) and has ended.", h.cfg.Lifetime))
		})
		h.mu.Lock()
		h.owned[code] = r
		h.mu.Unlock()
		return r, secret, nil
	}
	return nil, "", errors.New("lab: no free room code found")
}

// attach finds the room a presenter's page holds the secret of. A room
// owned by another replica is not presented from here.
func (h *roomHost) attach(code, secret string) (*room, error) {
	code, ok := normalCode(code)
	if !ok {
		return nil, errNoRoom(code)
	}
	h.mu.Lock()
	r := h.owned[code]
	h.mu.Unlock()
	if r == nil {
		st, ok, err := h.hub.State(code)
		switch {
		case err != nil:
			return nil, fmt.Errorf("lab: looking up room %s: %w", code, err)
		case ok && st.End.Data != nil:
			return nil, fmt.Errorf("room %s has ended; present again to open a new room", code)
		case ok && st.Entry.checkSecret(secret):
			return h.takeOver(code, st)
		case ok:
			return nil, errRoomSecret
		}
		return nil, errNoRoom(code)
	}
	if !r.entry.checkSecret(secret) {
		return nil, errRoomSecret
	}
	return r, nil
}

// takeOver makes this replica the owner of a room whose presenter's page
// came back here (behind a load balancer, any replica may get it). Its
// messages are numbered in the next epoch (the high 32 bits), so that
// followers put them after any the owner before sent.
func (h *roomHost) takeOver(code string, st RoomState) (*room, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, errShuttingDown
	}
	if r := h.owned[code]; r != nil { // another page of the presenter was quicker
		h.mu.Unlock()
		return r, nil
	}
	h.mu.Unlock()
	entry := st.Entry
	entry.Replica = h.replica
	if err := h.hub.Move(code, entry); err != nil {
		return nil, fmt.Errorf("lab: moving room %s here: %w", code, err)
	}
	newest := max(st.Run.Seq, st.Frame.Seq, st.Status.Seq)
	r := &room{code: code, host: h, entry: entry, counts: map[string]int{}, seq: (newest>>32 + 1) << 32}
	stop, err := h.hub.Subscribe(code, true, r.heard)
	if err != nil {
		return nil, fmt.Errorf("lab: subscribing to room %s: %w", code, err)
	}
	r.unsubscribe = stop
	left := max(time.Until(entry.Created.Add(h.cfg.Lifetime)), 0)
	r.life = time.AfterFunc(left, func() {
		r.end(fmt.Sprintf("This room has reached the longest a room may last (%s) and has ended.", h.cfg.Lifetime))
	})
	h.mu.Lock()
	h.owned[code] = r
	h.mu.Unlock()
	if err := h.hub.Publish(code, RoomMessage{Kind: KindOwner, Data: []byte(h.replica)}); err != nil {
		h.log.Error("room owner", "room", code, "err", err)
	}
	return r, nil
}

// lookup checks a follower's code: known rooms pass, an unknown one is
// counted against addr, and refused outright past maxUnknownCodes.
func (h *roomHost) lookup(code, addr string) (string, RoomState, error) {
	now := time.Now()
	h.mu.Lock()
	limited := h.unknown.over(addr, now)
	h.mu.Unlock()
	if limited {
		return code, RoomState{}, &httpErrorRate{msg: fmt.Sprintf(
			"your address tried more than %d unknown room codes in a minute; wait a minute and check the code", maxUnknownCodes)}
	}
	code, valid := normalCode(code)
	var st RoomState
	ok := false
	if valid {
		var err error
		if st, ok, err = h.hub.State(code); err != nil {
			return code, st, fmt.Errorf("lab: looking up room %s: %w", code, err)
		}
	}
	if !ok {
		h.mu.Lock()
		h.unknown.allow(addr, now)
		h.mu.Unlock()
		return code, st, errNoRoom(code)
	}
	if st.End.Data != nil {
		var m endedMessage
		json.Unmarshal(st.End.Data, &m)
		return code, st, &roomEndedError{msg: m.Message}
	}
	return code, st, nil
}

// httpErrorRate is a lookup refused for too many unknown codes.
type httpErrorRate struct{ msg string }

func (e *httpErrorRate) Error() string { return e.msg }

// roomEndedError is a lookup of a room that has ended.
type roomEndedError struct{ msg string }

func (e *roomEndedError) Error() string { return e.msg }

// close ends every room owned here (the server is shutting down).
func (h *roomHost) close() {
	h.mu.Lock()
	h.closed = true
	owned := make([]*room, 0, len(h.owned))
	for _, r := range h.owned {
		owned = append(owned, r)
	}
	h.mu.Unlock()
	for _, r := range owned {
		r.end("The presenter's server is shutting down: this room has ended.")
	}
}

// room is a room owned by this replica: its presenter's page connects
// here. gen counts the presenter's attachments: a page that attached
// before the newest one publishes nothing.
type room struct {
	code        string
	host        *roomHost
	entry       RoomEntry
	unsubscribe func()
	life        *time.Timer

	mu        sync.Mutex
	seq       uint64
	gen       uint64
	presenter *outbox // the attached page's, or nil
	grace     *time.Timer

	// cmu guards the counts: a count may arrive while r.mu is held (the
	// in-process hub delivers within a publish), so heard takes only cmu.
	cmu      sync.Mutex
	counts   map[string]int // followers by replica
	counting bool           // a count is due to the presenter
	ended    bool
}

// attach makes out the presenter's page; the one before it, if any,
// stops publishing.
func (r *room) attach(out *outbox) (gen uint64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return 0, false
	}
	r.gen++
	r.presenter = out
	if r.grace != nil {
		r.grace.Stop()
		r.grace = nil
	}
	return r.gen, true
}

// detach lets the presenter's page go: the room waits Grace for it.
func (r *room) detach(gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen || r.ended {
		return
	}
	r.presenter = nil
	grace := r.host.cfg.Grace
	r.grace = time.AfterFunc(grace, func() {
		r.end(fmt.Sprintf("The presenter left and did not come back within %s: this room has ended. Fork to go on from its last step.", grace))
	})
}

// publish sends one message from the presenter's page gen; an older page
// or an ended room publishes nothing.
func (r *room) publish(gen uint64, kind string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen || r.ended {
		return
	}
	r.send(kind, data)
}

// send publishes with the next number; r.mu is held, so messages leave
// in order.
func (r *room) send(kind string, data []byte) {
	r.seq++
	if err := r.host.hub.Publish(r.code, RoomMessage{Kind: kind, Seq: r.seq, Data: data}); err != nil {
		r.host.log.Error("room publish", "room", r.code, "kind", kind, "err", err)
	}
}

// end ends the room, telling every follower why.
func (r *room) end(why string) {
	r.mu.Lock()
	if r.ended {
		r.mu.Unlock()
		return
	}
	r.ended = true
	if r.grace != nil {
		r.grace.Stop()
	}
	r.life.Stop()
	data, _ := json.Marshal(endedMessage{Type: "ended", Message: why})
	r.send(KindEnd, data)
	if r.presenter != nil {
		r.presenter.control(roomRefused{Type: "room-error", Message: why})
	}
	end := RoomMessage{Kind: KindEnd, Seq: r.seq, Data: data}
	r.mu.Unlock()
	r.unsubscribe()
	if err := r.host.hub.End(r.code, end); err != nil {
		r.host.log.Error("room end", "room", r.code, "err", err)
	}
	r.host.mu.Lock()
	delete(r.host.owned, r.code)
	r.host.mu.Unlock()
}

// heard takes the messages of the room's subject that are for the owner:
// the replicas' follower counts.
func (r *room) heard(m RoomMessage) {
	if m.Kind == KindOwner {
		if string(m.Data) != r.host.replica {
			r.handOver()
		}
		return
	}
	if m.Kind != KindCount {
		return
	}
	var c followerCount
	if json.Unmarshal(m.Data, &c) != nil {
		return
	}
	r.cmu.Lock()
	defer r.cmu.Unlock()
	if c.N == 0 {
		delete(r.counts, c.Replica)
	} else {
		r.counts[c.Replica] = c.N
	}
	if !r.counting {
		r.counting = true
		time.AfterFunc(countEvery, r.tellCount)
	}
}

// handOver lets the room go without ending it: its presenter's page came
// back on another replica, which owns it now.
func (r *room) handOver() {
	r.mu.Lock()
	if r.ended {
		r.mu.Unlock()
		return
	}
	r.ended = true // publishes nothing more
	if r.grace != nil {
		r.grace.Stop()
	}
	r.life.Stop()
	if r.presenter != nil {
		r.presenter.control(roomRefused{Type: "room-error", Message: "this room is now presented from another page"})
	}
	r.mu.Unlock()
	r.unsubscribe()
	r.host.mu.Lock()
	if r.host.owned[r.code] == r {
		delete(r.host.owned, r.code)
	}
	r.host.mu.Unlock()
}

// tellCount tells the presenter's page how many follow, at most every
// countEvery however many join.
func (r *room) tellCount() {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.followers()
	r.cmu.Lock()
	r.counting = false
	r.cmu.Unlock()
	if r.presenter != nil {
		r.presenter.control(followersMessage{Type: "followers", Count: n})
	}
}

// followers is the number following on every replica.
func (r *room) followers() int {
	r.cmu.Lock()
	defer r.cmu.Unlock()
	n := 0
	for _, c := range r.counts {
		n += c
	}
	return n
}

// rateWindow counts events by address in fixed windows, trimmed as it
// goes so the map holds only the addresses of the current window.
type rateWindow struct {
	every time.Duration
	most  int
	start time.Time
	n     map[string]int
}

// allow counts one event of addr and reports whether it is within the limit.
func (w *rateWindow) allow(addr string, now time.Time) bool {
	w.roll(now)
	if w.n[addr] >= w.most {
		return false
	}
	w.n[addr]++
	return true
}

// over reports whether addr has used up its window.
func (w *rateWindow) over(addr string, now time.Time) bool {
	w.roll(now)
	return w.n[addr] >= w.most
}

// maxTracked bounds the addresses a rateWindow holds: past it the window
// starts over early, which an attacker with many addresses gains little
// from, since each address still has only its own allowance.
const maxTracked = 10000

func (w *rateWindow) roll(now time.Time) {
	if w.n == nil || now.Sub(w.start) >= w.every || len(w.n) >= maxTracked {
		w.start, w.n = now, map[string]int{}
	}
}

// presenting is a trainer's link to the room it presents: the page's
// attachment and every panel's newest SVG, so that each frame it
// publishes is complete while only the panels that changed are drawn.
type presenting struct {
	room      *room
	gen       uint64
	plots     map[string]string
	viewports map[string]viz.Viewport
}

// checkPresent checks a present message: a new room, or a code and secret.
func checkPresent(m clientMessage) error {
	if (m.Room == "") != (m.Secret == "") {
		return errors.New("present: give both room and secret to present a room again, or neither to open a new one")
	}
	return nil
}

// present opens a room for this run, or attaches it to the room the page
// holds the secret of; the room then shows this run.
func (t *trainer) present(m clientMessage) error {
	h := t.s.rooms
	if h == nil {
		t.s.out.control(roomRefused{Type: "room-error", Message: "this server has no rooms"})
		return nil
	}
	var r *room
	var secret string
	var err error
	if m.Room == "" {
		r, secret, err = h.create(t.s.client)
	} else {
		r, err = h.attach(m.Room, m.Secret)
	}
	var gen uint64
	if err == nil {
		var ok bool
		if gen, ok = r.attach(t.s.out); !ok {
			err = fmt.Errorf("room %s has ended; present again to open a new room", r.code)
		}
	}
	if err != nil {
		if !t.s.out.control(roomRefused{Type: "room-error", Message: err.Error()}) {
			return errBehind
		}
		return nil
	}
	if t.room != nil && t.room.room != r {
		t.room.room.detach(t.room.gen)
	}
	t.room = &presenting{room: r, gen: gen, plots: map[string]string{}, viewports: map[string]viz.Viewport{}}
	if t.idle != nil {
		t.idle.Stop() // a room is bounded by its own lifetime
	}
	rm := t.runMessage()
	rm.Resume, rm.ResumeTTL = "", 0 // the presenter's reconnect token is the presenter's alone
	run, _ := json.Marshal(rm)
	r.publish(gen, KindRun, run)
	// The room has its run and frame before the page is told its code.
	t.sent.forget() // the room's first frame is drawn whole
	if err := t.sendFrame(); err != nil {
		return err
	}
	if err := t.status(); err != nil {
		return err
	}
	r.mu.Lock()
	n := r.followers()
	r.mu.Unlock()
	if !t.s.out.control(roomOpened{Type: "room", Code: r.code, Secret: secret, URL: "/r/" + r.code, Followers: n}) {
		return errBehind
	}
	return nil
}

// roomFrame draws the panels that changed, as for any client, fills in
// the others from the last ones drawn and publishes the complete frame,
// which the presenter's page receives too.
func (t *trainer) roomFrame() ([]byte, error) {
	// Followers need whole panels, never a raster patch.
	t.sent.rasters = false
	f, err := t.s.run.frame(true, t.sent)
	t.sent.rasters = true
	if err != nil {
		return nil, err
	}
	p := t.room
	for name, svg := range f.Plots {
		p.plots[name] = svg
		p.viewports[name] = f.Viewports[name]
	}
	for _, pn := range t.s.run.Scenario.PanelsFor(t.s.run.Values) {
		if _, ok := f.Plots[pn.Name]; !ok {
			if svg, ok := p.plots[pn.Name]; ok {
				f.Plots[pn.Name] = svg
				f.Viewports[pn.Name] = p.viewports[pn.Name]
			}
		}
	}
	b, err := encodeFrame(f)
	if err != nil {
		return nil, fmt.Errorf("lab: %s: encoding frame %d: %w", t.s.run.Scenario.Slug, f.Step, err)
	}
	p.room.publish(p.gen, KindFrame, b)
	return b, nil
}

// publishStatus sends the presenter's status to the room.
func (t *trainer) publishStatus(m statusMessage) {
	if t.room == nil {
		return
	}
	b, _ := json.Marshal(m)
	t.room.room.publish(t.room.gen, KindStatus, b)
}

// unpresent ends the room this run is presented to, at the presenter's word.
func (t *trainer) unpresent() {
	if t.room == nil {
		return
	}
	r := t.room.room
	t.room = nil
	t.stillThere()
	r.end("The presenter ended this room. Fork to go on from its last step.")
}

// leaveRoom lets the room wait for the presenter's page to come back.
func (t *trainer) leaveRoom() {
	if t.room != nil {
		t.room.room.detach(t.room.gen)
	}
}
