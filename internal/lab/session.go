package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Timing and size limits of a websocket connection.
const (
	// writeWait is the time allowed to write one message to the client.
	writeWait = 5 * time.Second
	// pongWait is the time allowed to read the next pong from the client.
	pongWait = 30 * time.Second
	// pingPeriod sends pings often enough to see a pong within pongWait.
	pingPeriod = pongWait * 9 / 10
	// closeGrace is how long to wait for the client's close frame.
	closeGrace = 2 * time.Second
	// maxMessageSize bounds a client message; the largest legal one is ~30 bytes.
	maxMessageSize = 512
	// maxFPS caps the frames sent per second; faster play steps several
	// times between frames.
	maxFPS = 30
	// maxPending bounds queued control messages to a client that stopped
	// reading; past it the client is dropped.
	maxPending = 64
)

// Play speed bounds in steps per second.
const (
	MinSpeed = 0.25
	MaxSpeed = 240.0
)

// clientMessage is a message from the browser.
type clientMessage struct {
	Type  string   `json:"type"`
	Value *float64 `json:"value,omitempty"`
}

type statusMessage struct {
	Type    string  `json:"type"` // "status"
	Running bool    `json:"running"`
	Speed   float64 `json:"speed"`
}

// runMessage opens a session: the run's canonical query, for the address
// bar and the Share button.
type runMessage struct {
	Type     string `json:"type"` // "run"
	Slug     string `json:"slug"`
	Query    string `json:"query"`
	MaxSteps int    `json:"max_steps"`
}

type errorMessage struct {
	Type    string `json:"type"` // "error"
	Message string `json:"message"`
}

// outbox holds what waits to be written to one client. Frames coalesce:
// a newer frame replaces an unsent older one, so a slow client gets the
// newest state and the run never waits for it.
type outbox struct {
	mu      sync.Mutex
	msgs    [][]byte
	frameAt int // index of the unsent frame in msgs, or -1
	closing bool
	notify  chan struct{}
}

func newOutbox() *outbox { return &outbox{frameAt: -1, notify: make(chan struct{}, 1)} }

func (o *outbox) wake() {
	select {
	case o.notify <- struct{}{}:
	default:
	}
}

// frame queues a frame, replacing an unsent one.
func (o *outbox) frame(b []byte) {
	o.mu.Lock()
	if o.frameAt >= 0 {
		o.msgs = append(o.msgs[:o.frameAt], o.msgs[o.frameAt+1:]...)
	}
	o.frameAt = len(o.msgs)
	o.msgs = append(o.msgs, b)
	o.mu.Unlock()
	o.wake()
}

// frameWaiting reports whether a frame is queued and not yet written.
func (o *outbox) frameWaiting() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.frameAt >= 0
}

// control queues a status or error message; it reports false when the
// client has fallen too far behind.
func (o *outbox) control(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		panic("lab: " + err.Error())
	}
	o.mu.Lock()
	ok := len(o.msgs) < maxPending
	if ok {
		o.msgs = append(o.msgs, b)
	} else {
		o.closing = true
	}
	o.mu.Unlock()
	o.wake()
	return ok
}

// close asks the writer to send a close frame after the queued messages.
func (o *outbox) close() {
	o.mu.Lock()
	o.closing = true
	o.mu.Unlock()
	o.wake()
}

func (o *outbox) take() (msgs [][]byte, hadFrame, closing bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	msgs, hadFrame, closing = o.msgs, o.frameAt >= 0, o.closing
	o.msgs, o.frameAt = nil, -1
	return msgs, hadFrame, closing
}

// session is one websocket client driving its own run. Three goroutines:
// the reader turns messages into commands, the trainer owns the run and
// steps it, the writer sends what the outbox holds. Only the trainer
// touches the run.
type session struct {
	conn  *websocket.Conn
	run   *Run
	out   *outbox
	cmds  chan clientMessage
	ready chan struct{} // the writer took a frame; the trainer may render again
	speed float64
	log   *slog.Logger
}

func newSession(conn *websocket.Conn, run *Run, log *slog.Logger) *session {
	speed := run.Scenario.Speed
	if speed == 0 {
		speed = 5
	}
	return &session{
		conn:  conn,
		run:   run,
		out:   newOutbox(),
		cmds:  make(chan clientMessage, 16),
		ready: make(chan struct{}, 1),
		speed: speed,
		log:   log,
	}
}

// serve runs the session until the client leaves, the run fails or ctx ends.
func (s *session) serve(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); defer cancel(); s.train(ctx) }()
	go func() { defer wg.Done(); defer cancel(); s.write(ctx) }()
	s.read(ctx)
	cancel()
	wg.Wait()
	s.conn.Close()
}

func (s *session) read(ctx context.Context) {
	s.conn.SetReadLimit(maxMessageSize)
	s.conn.SetReadDeadline(time.Now().Add(pongWait))
	s.conn.SetPongHandler(func(string) error { return s.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) &&
				!errors.Is(err, context.Canceled) {
				s.log.Debug("websocket read", "err", err)
			}
			return
		}
		var m clientMessage
		if err := json.Unmarshal(data, &m); err != nil {
			s.out.control(errorMessage{Type: "error", Message: "message is not JSON of the form {\"type\":…}: " + err.Error()})
			continue
		}
		switch m.Type {
		case "play", "pause", "step", "reset":
		case "speed":
			if m.Value == nil || math.IsNaN(*m.Value) || *m.Value < MinSpeed || *m.Value > MaxSpeed {
				s.out.control(errorMessage{Type: "error", Message: fmt.Sprintf("speed: value must be a number of steps per second from %g to %g", MinSpeed, MaxSpeed)})
				continue
			}
		default:
			s.out.control(errorMessage{Type: "error", Message: fmt.Sprintf("unknown message type %q; known: play, pause, step, reset, speed", m.Type)})
			continue
		}
		select {
		case s.cmds <- m:
		case <-ctx.Done():
			return
		}
	}
}

// train owns the run: it applies commands, steps on a ticker while playing,
// and renders a frame only when the writer has taken the previous one.
func (s *session) train(ctx context.Context) {
	playing, dirty := false, false
	var ticker *time.Ticker
	var tick <-chan time.Time
	stepsPerTick, carry := 1.0, 0.0
	stopTicker := func() {
		if ticker != nil {
			ticker.Stop()
			ticker, tick = nil, nil
		}
	}
	defer stopTicker()
	startTicker := func() {
		stopTicker()
		// Up to maxFPS steps a second, one step a tick; faster play takes
		// several steps a tick and renders once.
		stepsPerTick = 1
		interval := time.Duration(float64(time.Second) / s.speed)
		if s.speed > maxFPS {
			stepsPerTick, interval = s.speed/maxFPS, time.Second/maxFPS
		}
		carry = 0
		ticker = time.NewTicker(interval)
		tick = ticker.C
	}
	status := func() bool {
		return s.out.control(statusMessage{Type: "status", Running: playing, Speed: s.speed})
	}
	sendFrame := func() bool {
		b, err := s.run.JSON(true)
		if err != nil {
			s.fail(err)
			return false
		}
		s.out.frame(b)
		dirty = false
		return true
	}
	// render now if the client has taken the last frame, else later.
	offer := func() bool {
		if s.out.frameWaiting() {
			dirty = true
			return true
		}
		return sendFrame()
	}

	hello := runMessage{Type: "run", Slug: s.run.Scenario.Slug, Query: s.run.Values.Encode(), MaxSteps: s.run.Scenario.MaxSteps}
	// advance takes one tick's steps and offers the frame; it reports false
	// when the session must end.
	advance := func() bool {
		carry += stepsPerTick
		n := int(carry)
		carry -= float64(n)
		for range n {
			if err := s.run.Step(); err != nil {
				s.fail(err)
				return false
			}
			if s.run.Done() {
				break
			}
		}
		if n > 0 && !offer() {
			return false
		}
		if s.run.Done() {
			playing = false
			stopTicker()
			if dirty && !sendFrame() {
				return false
			}
			return status()
		}
		return true
	}

	if !s.out.control(hello) || !sendFrame() || !status() {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.ready:
			if dirty && !sendFrame() {
				return
			}
		case m := <-s.cmds:
			wasPlaying := playing
			switch m.Type {
			case "play":
				if !s.run.Done() && !playing {
					playing = true
					startTicker()
					// The first step comes at once, not a tick later.
					if !status() || !advance() {
						return
					}
					continue
				}
			case "pause":
				playing = false
				stopTicker()
			case "step":
				playing = false
				stopTicker()
				if err := s.run.Step(); err != nil {
					s.fail(err)
					return
				}
				if !sendFrame() {
					return
				}
			case "reset":
				playing = false
				stopTicker()
				if err := s.run.Reset(); err != nil {
					s.fail(err)
					return
				}
				if !sendFrame() {
					return
				}
			case "speed":
				s.speed = *m.Value
				if playing {
					startTicker()
				}
			}
			if m.Type != "step" || wasPlaying != playing {
				if !status() {
					return
				}
			}
		case <-tick:
			if !advance() {
				return
			}
		}
	}
}

// fail ends the run with an error message; the server stays up.
func (s *session) fail(err error) {
	msg := err.Error()
	var pe *PanicError
	if !errors.As(err, &pe) {
		s.log.Error("run failed", "slug", s.run.Scenario.Slug, "err", err)
	}
	s.out.control(errorMessage{Type: "error", Message: msg})
	s.out.close()
}

func (s *session) write(ctx context.Context) {
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	closeWith := func(code int, text string) {
		s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeWait))
		s.conn.SetReadDeadline(time.Now().Add(closeGrace))
	}
	// flush writes what the outbox holds; it reports false when the
	// connection is done for.
	flush := func() (hadFrame, ok bool) {
		msgs, hadFrame, closing := s.out.take()
		for _, m := range msgs {
			s.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := s.conn.WriteMessage(websocket.TextMessage, m); err != nil {
				s.conn.Close()
				return false, false
			}
		}
		if closing {
			closeWith(websocket.CloseNormalClosure, "run ended")
			return false, false
		}
		return hadFrame, true
	}
	for {
		select {
		case <-ctx.Done():
			// The run may have queued its last words (an error) just before.
			if _, ok := flush(); ok {
				closeWith(websocket.CloseGoingAway, "run closed")
			}
			return
		case <-s.out.notify:
			hadFrame, ok := flush()
			if !ok {
				return
			}
			if hadFrame {
				select {
				case s.ready <- struct{}{}:
				default:
				}
			}
		case <-ping.C:
			if err := s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				s.conn.Close()
				return
			}
		}
	}
}
