package lab

import (
	"crypto/sha256"
	"crypto/subtle"
	"sync"
	"time"
)

// A Hub carries rooms' messages from the replica whose presenter computes
// a room's frames to the followers on every replica, and keeps the room
// directory: which replica owns a code, and each room's newest run, frame
// and status for a late joiner. The in-process hub (the default) serves
// one server; NATSHub serves replicas behind a load balancer.
type Hub interface {
	// Claim registers a new room's code and the hash of its presenter's
	// secret until ttl passes; it reports false when the code is taken.
	Claim(code string, entry RoomEntry, ttl time.Duration) (bool, error)
	// Publish sends one message of a room, in order, to every replica
	// that subscribed to it, and keeps it (run, frame, status, end) as
	// the room's newest of its kind.
	Publish(code string, m RoomMessage) error
	// Subscribe calls fn with each message of the room published after
	// it returns, in order, until stop: the messages for the owner
	// (ForOwner: counts, a change of owner) when owner is set, the
	// others (for followers) otherwise.
	Subscribe(code string, owner bool, fn func(RoomMessage)) (stop func(), err error)
	// Move makes another replica the room's owner: the presenter's page
	// came back on it.
	Move(code string, e RoomEntry) error
	// State is what a late joiner needs: the room's entry and its newest
	// run, frame, status and end; ok is false for an unknown code.
	State(code string) (st RoomState, ok bool, err error)
	// End removes a room from the directory and keeps its end message,
	// so its code is told as ended rather than unknown for a while.
	End(code string, end RoomMessage) error
}

// Kinds of room messages.
const (
	KindRun    = "run"    // the presenter's run: its slug, query and panels
	KindFrame  = "frame"  // a complete frame, every panel in it
	KindStatus = "status" // playing or paused, and the speed
	KindEnd    = "end"    // the room has ended, and why
	KindCount  = "count"  // a replica's number of followers, for the presenter
	KindOwner  = "owner"  // the replica that owns the room now, to the one before
)

// ForOwner reports whether m is for the room's owner rather than its
// followers.
func (m RoomMessage) ForOwner() bool { return m.Kind == KindCount || m.Kind == KindOwner }

// RoomMessage is one message of a room as a hub carries it: Data is the
// websocket message a follower receives (JSON), Seq its number in the
// room, counted by the owner, so that a late joiner's state and the
// live messages can be put in order.
type RoomMessage struct {
	Kind string
	Seq  uint64
	Data []byte
}

// RoomEntry is a room in the directory.
type RoomEntry struct {
	Replica    string   `json:"replica"`     // the owner: the replica of the presenter
	SecretHash [32]byte `json:"secret_hash"` // SHA-256 of the presenter's secret
	Created    time.Time
}

// checkSecret reports whether secret is the room's, in constant time.
func (e RoomEntry) checkSecret(secret string) bool {
	h := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(h[:], e.SecretHash[:]) == 1
}

// RoomState is a room's directory entry and newest messages; a kind never
// published has a nil Data.
type RoomState struct {
	Entry                   RoomEntry
	Run, Frame, Status, End RoomMessage
}

// memHub is the in-process hub: one server, no setup.
type memHub struct {
	mu    sync.Mutex
	rooms map[string]*memRoom
	ended endedCodes
}

type memSub struct {
	owner bool
	fn    func(RoomMessage)
}

type memRoom struct {
	state   RoomState
	expires time.Time
	subs    map[int]memSub
	next    int
}

func newMemHub() *memHub {
	return &memHub{rooms: map[string]*memRoom{}, ended: endedCodes{max: maxEndedRooms}}
}

func (h *memHub) Claim(code string, e RoomEntry, ttl time.Duration) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	for c, r := range h.rooms { // a room its owner failed to end
		if now.After(r.expires) {
			delete(h.rooms, c)
		}
	}
	if h.rooms[code] != nil || h.ended.has(code) {
		return false, nil
	}
	h.rooms[code] = &memRoom{state: RoomState{Entry: e}, expires: now.Add(ttl), subs: map[int]memSub{}}
	return true, nil
}

func (h *memHub) Publish(code string, m RoomMessage) error {
	h.mu.Lock()
	r := h.rooms[code]
	if r == nil {
		h.mu.Unlock()
		return nil
	}
	r.state.Keep(m)
	subs := make([]func(RoomMessage), 0, len(r.subs))
	for _, sub := range r.subs {
		if sub.owner == m.ForOwner() {
			subs = append(subs, sub.fn)
		}
	}
	h.mu.Unlock()
	// Outside the lock: a subscriber may publish (a follower count).
	// The owner publishes one message at a time, so order holds.
	for _, fn := range subs {
		fn(m)
	}
	return nil
}

func (h *memHub) Subscribe(code string, owner bool, fn func(RoomMessage)) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[code]
	if r == nil {
		return func() {}, nil
	}
	id := r.next
	r.next++
	r.subs[id] = memSub{owner, fn}
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(r.subs, id)
	}, nil
}

func (h *memHub) State(code string) (RoomState, bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[code]; r != nil {
		return r.state, true, nil
	}
	if end, ok := h.ended.get(code); ok {
		return RoomState{End: end}, true, nil
	}
	return RoomState{}, false, nil
}

func (h *memHub) Move(code string, e RoomEntry) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[code]; r != nil {
		r.state.Entry = e
	}
	return nil
}

func (h *memHub) End(code string, end RoomMessage) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.rooms, code)
	h.ended.add(code, end)
	return nil
}

// Keep records m as the newest of its kind; a count is not kept.
func (st *RoomState) Keep(m RoomMessage) {
	switch m.Kind {
	case KindRun:
		st.Run = m
	case KindFrame:
		st.Frame = m
	case KindStatus:
		st.Status = m
	case KindEnd:
		st.End = m
	}
}

// maxEndedRooms bounds the ended rooms remembered to tell a late
// follower "ended" rather than "unknown"; the oldest are forgotten.
const maxEndedRooms = 1000

// endedCodes remembers the end messages of the last rooms that ended.
type endedCodes struct {
	max   int
	order []string
	msgs  map[string]RoomMessage
}

func (e *endedCodes) add(code string, m RoomMessage) {
	if e.msgs == nil {
		e.msgs = map[string]RoomMessage{}
	}
	if _, ok := e.msgs[code]; !ok {
		e.order = append(e.order, code)
	}
	e.msgs[code] = m
	for len(e.order) > e.max {
		delete(e.msgs, e.order[0])
		e.order = e.order[1:]
	}
}

func (e *endedCodes) get(code string) (RoomMessage, bool) {
	m, ok := e.msgs[code]
	return m, ok
}

func (e *endedCodes) has(code string) bool { _, ok := e.msgs[code]; return ok }
