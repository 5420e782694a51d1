// Package natshub carries the playground's rooms between replicas over
// NATS: the replica of a room's presenter publishes each frame once on
// the room's subject, every replica with followers of the room subscribes
// and fans it out to them, and a JetStream key-value bucket holds the room
// directory (code → owning replica, the presenter secret's hash) and each
// room's newest run, frame and status, so a follower may land on any
// replica and a late joiner gets the current frame at once.
//
// Subjects: playground.room.{code} carries a room's messages (header
// Kind and Seq, body the websocket message); playground.room.{code}.owner
// carries the replicas' follower counts to the owner, and a new owner's
// name to the one before when the presenter's page comes back on
// another replica. Keys of the bucket:
// {code}.entry, {code}.run, {code}.frame, {code}.status, {code}.end.
package natshub

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/mlplayground/playground/internal/lab"
)

// Bucket is the key-value bucket of the room directory.
const Bucket = "playground_rooms"

const (
	subjectPrefix = "playground.room."
	// opTimeout bounds one request to JetStream.
	opTimeout = 5 * time.Second
	// maxQueued bounds the messages waiting to be stored and published;
	// past it a frame is dropped (the next one replaces it on screen),
	// never a run, status or end.
	maxQueued = 64
)

// Hub is a lab.Hub on a NATS connection.
type Hub struct {
	nc  *nats.Conn
	kv  jetstream.KeyValue
	log *slog.Logger

	// out is the queue of messages to store, then publish, in order: a
	// message is in the bucket before any replica hears it, so a late
	// joiner who subscribes, then reads the bucket, misses nothing.
	out    chan outgoing
	done   chan struct{}
	mu     sync.RWMutex // guards closed, and out against a send after Close
	closed bool
}

type outgoing struct {
	code string
	m    lab.RoomMessage
}

var _ lab.Hub = (*Hub)(nil)

// Dial connects to the NATS server at url and opens (or creates) the
// room bucket in memory, its entries kept for at most lifetime (a room's
// longest life, plus an hour to tell its code as ended).
func Dial(url string, lifetime time.Duration, log *slog.Logger) (*Hub, error) {
	nc, err := nats.Connect(url, nats.Name("playground"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("natshub: connecting to %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("natshub: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "ML playground rooms: directory and newest frames",
		History: 1, TTL: lifetime + time.Hour, Storage: jetstream.MemoryStorage,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("natshub: opening bucket %s (is JetStream on? nats-server -js): %w", Bucket, err)
	}
	h := &Hub{nc: nc, kv: kv, log: log, out: make(chan outgoing, maxQueued), done: make(chan struct{})}
	go h.send()
	return h, nil
}

// Close sends what is queued and closes the connection.
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	close(h.out)
	h.mu.Unlock()
	<-h.done
	return h.nc.Drain()
}

// errClosed says the hub was closed.
var errClosed = errors.New("natshub: the hub is closed")

func subject(code string) string { return subjectPrefix + code }

func key(code, what string) string { return code + "." + what }

// Claim creates the room's entry; it fails when the code is live or
// recently ended.
func (h *Hub) Claim(code string, e lab.RoomEntry, _ time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if _, err := h.kv.Get(ctx, key(code, lab.KindEnd)); err == nil {
		return false, nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return false, err
	}
	if _, err := h.kv.Create(ctx, key(code, "entry"), b); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Publish queues m: a count goes out at once; anything else is stored in
// the bucket, then published, by one goroutine, in order.
func (h *Hub) Publish(code string, m lab.RoomMessage) error {
	if m.ForOwner() {
		return h.nc.PublishMsg(message(subject(code)+".owner", m))
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.closed {
		return errClosed
	}
	select {
	case h.out <- outgoing{code, m}:
		return nil
	default:
	}
	if m.Kind == lab.KindFrame {
		return nil // NATS is behind: the next frame will do
	}
	h.out <- outgoing{code, m}
	return nil
}

func (h *Hub) send() {
	defer close(h.done)
	for o := range h.out {
		// Stored before it is published, the end too (End then clears the
		// rest): a follower told of the end finds the room ended on any
		// replica it asks next.
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		_, err := h.kv.Put(ctx, key(o.code, o.m.Kind), withSeq(o.m))
		cancel()
		if err != nil {
			h.log.Error("natshub: storing a room message", "room", o.code, "kind", o.m.Kind, "err", err)
		}
		if err := h.nc.PublishMsg(message(subject(o.code), o.m)); err != nil {
			h.log.Error("natshub: publishing a room message", "room", o.code, "kind", o.m.Kind, "err", err)
		}
	}
}

func message(subj string, m lab.RoomMessage) *nats.Msg {
	msg := nats.NewMsg(subj)
	msg.Header.Set("Kind", m.Kind)
	msg.Header.Set("Seq", strconv.FormatUint(m.Seq, 10))
	msg.Data = m.Data
	return msg
}

// withSeq prefixes a stored message with its number.
func withSeq(m lab.RoomMessage) []byte {
	b := make([]byte, 8+len(m.Data))
	binary.BigEndian.PutUint64(b, m.Seq)
	copy(b[8:], m.Data)
	return b
}

// Subscribe subscribes to the room's messages, or to those for its owner.
func (h *Hub) Subscribe(code string, owner bool, fn func(lab.RoomMessage)) (func(), error) {
	subj := subject(code)
	if owner {
		subj += ".owner"
	}
	sub, err := h.nc.Subscribe(subj, func(msg *nats.Msg) {
		seq, _ := strconv.ParseUint(msg.Header.Get("Seq"), 10, 64)
		fn(lab.RoomMessage{Kind: msg.Header.Get("Kind"), Seq: seq, Data: msg.Data})
	})
	if err != nil {
		return nil, err
	}
	// Frames are dropped, not queued without end, for a replica that
	// cannot keep up; NATS's default limit is 512 MB.
	sub.SetPendingLimits(256, 64<<20)
	// The subscription is live on the server once a round trip is done:
	// a message published after Subscribe returns reaches it.
	if err := h.nc.Flush(); err != nil {
		sub.Unsubscribe()
		return nil, err
	}
	return func() { sub.Unsubscribe() }, nil
}

// State reads the room's entry and newest messages from the bucket.
func (h *Hub) State(code string) (lab.RoomState, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var st lab.RoomState
	if m, ok, err := h.get(ctx, code, lab.KindEnd); err != nil || ok {
		st.End = m
		return st, ok, err
	}
	e, err := h.kv.Get(ctx, key(code, "entry"))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return st, false, nil
	}
	if err != nil {
		return st, false, err
	}
	if err := json.Unmarshal(e.Value(), &st.Entry); err != nil {
		return st, false, fmt.Errorf("natshub: room %s: reading its entry: %w", code, err)
	}
	for _, kind := range []string{lab.KindRun, lab.KindFrame, lab.KindStatus} {
		m, ok, err := h.get(ctx, code, kind)
		if err != nil {
			return st, false, err
		}
		if ok {
			st.Keep(m)
		}
	}
	return st, true, nil
}

func (h *Hub) get(ctx context.Context, code, kind string) (lab.RoomMessage, bool, error) {
	e, err := h.kv.Get(ctx, key(code, kind))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return lab.RoomMessage{}, false, nil
	}
	if err != nil {
		return lab.RoomMessage{}, false, err
	}
	v := e.Value()
	if len(v) < 8 {
		return lab.RoomMessage{}, false, fmt.Errorf("natshub: room %s: a stored %s of %d bytes", code, kind, len(v))
	}
	return lab.RoomMessage{Kind: kind, Seq: binary.BigEndian.Uint64(v), Data: v[8:]}, true, nil
}

// Move rewrites the room's entry with its new owner.
func (h *Hub) Move(code string, e lab.RoomEntry) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = h.kv.Put(ctx, key(code, "entry"), b)
	return err
}

// End stores the end message and clears the room's entry and frames;
// the end stays until the bucket's TTL, to tell the code as ended.
func (h *Hub) End(code string, end lab.RoomMessage) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var errs []error
	if end.Data != nil {
		if _, err := h.kv.Put(ctx, key(code, lab.KindEnd), withSeq(end)); err != nil {
			errs = append(errs, err)
		}
	}
	for _, what := range []string{"entry", lab.KindRun, lab.KindFrame, lab.KindStatus} {
		if err := h.kv.Purge(ctx, key(code, what)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
