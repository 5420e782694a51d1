package lab

import (
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
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
	// It bounds both the bytes on the wire and, for a compressed message,
	// the bytes it inflates to.
	maxMessageSize = 512
	// compressionLevel is deflate's for messages to a client that offers
	// permessage-deflate: the fastest level takes a few percent of a
	// frame's CPU and already shrinks a frame 3.5 to 4 times.
	compressionLevel = flate.BestSpeed
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
	// DefaultSpeed is the play speed of a scenario that sets none.
	DefaultSpeed = 5.0
)

// SpeedStops are the page's speed slider stops in steps per second.
func SpeedStops() []float64 { return []float64{0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 240} }

// PlaySpeed is the scenario's play speed in steps per second.
func PlaySpeed(sc *Scenario) float64 {
	if sc.Speed > 0 {
		return sc.Speed
	}
	return DefaultSpeed
}

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

// releasedMessage says the server ended a run that was paused with no
// message for a while; the page offers to open it again at Step.
type releasedMessage struct {
	Type    string `json:"type"` // "released"
	Step    int    `json:"step"`
	Message string `json:"message"`
}

type errorMessage struct {
	Type    string `json:"type"` // "error"
	Message string `json:"message"`
	// Param names the parameter at fault, so the page can point at its field.
	Param string `json:"param,omitempty"`
}

// errorMessageFor says what went wrong, naming the parameter of a *ParamError.
func errorMessageFor(err error) errorMessage {
	m := errorMessage{Type: "error", Message: err.Error()}
	var pe *ParamError
	if errors.As(err, &pe) {
		m.Param = pe.Name
	}
	return m
}

// outbox holds what waits to be written to one client. Frames coalesce:
// a newer frame replaces an unsent older one, so a slow client gets the
// newest state and the run never waits for it.
type outbox struct {
	mu        sync.Mutex
	msgs      [][]byte
	frameAt   int // index of the unsent frame in msgs, or -1
	closing   bool
	notify    chan struct{}
	coalesced prometheus.Counter // frames replaced before they were sent
}

func newOutbox(coalesced prometheus.Counter) *outbox {
	return &outbox{frameAt: -1, notify: make(chan struct{}, 1), coalesced: coalesced}
}

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
		o.coalesced.Inc()
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
	start int // the step the run opens at
	out   *outbox
	cmds  chan clientMessage
	ready chan struct{} // the writer took a frame; the trainer may render again
	log   *slog.Logger
	sessionConfig
}

// sessionConfig is what a session takes from its server: its idle limit
// and the counters of its scenario.
type sessionConfig struct {
	idle                      time.Duration // before a paused run is released; 0: never
	sent, coalesced, released prometheus.Counter
}

func (s *Server) sessionConfig(slug string) sessionConfig {
	m := s.metrics
	return sessionConfig{idle: s.idle, sent: m.sent.WithLabelValues(slug),
		coalesced: m.coalesced.WithLabelValues(slug), released: m.released.WithLabelValues(slug)}
}

func newSession(conn *websocket.Conn, run *Run, start int, log *slog.Logger, cfg sessionConfig) *session {
	return &session{
		conn:          conn,
		run:           run,
		start:         start,
		out:           newOutbox(cfg.coalesced),
		cmds:          make(chan clientMessage, 16),
		ready:         make(chan struct{}, 1),
		log:           log,
		sessionConfig: cfg,
	}
}

// serve runs the session until the client leaves, the run fails or ctx ends.
func (s *session) serve(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); defer cancel(); newTrainer(s).train(ctx) }()
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
		data, err := s.readMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) &&
				!errors.Is(err, context.Canceled) {
				s.log.Debug("websocket read", "err", err)
			}
			return
		}
		m, err := parseClientMessage(data)
		if err != nil {
			s.out.control(errorMessageFor(err))
			continue
		}
		select {
		case s.cmds <- m:
		case <-ctx.Done():
			return
		}
	}
}

// errTooBig says a client message inflated past maxMessageSize.
var errTooBig = errors.New("lab: client message inflates past the read limit")

// readMessage reads one client message of at most maxMessageSize bytes.
// gorilla's read limit counts the bytes on the wire, so a compressed
// message of a few hundred bytes could still inflate to megabytes; this
// reads no more than one byte past the limit and then closes with 1009.
func (s *session) readMessage() ([]byte, error) {
	_, r, err := s.conn.NextReader()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxMessageSize {
		s.conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "message too big"), time.Now().Add(writeWait))
		return nil, errTooBig
	}
	return data, nil
}

// parseClientMessage reads and checks one message from the browser.
func parseClientMessage(data []byte) (clientMessage, error) {
	var m clientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return m, errors.New("message is not JSON of the form {\"type\":…}: " + err.Error())
	}
	switch m.Type {
	case "play", "pause", "step", "reset":
	case "speed":
		if m.Value == nil || math.IsNaN(*m.Value) || *m.Value < MinSpeed || *m.Value > MaxSpeed {
			return m, fmt.Errorf("speed: value must be a number of steps per second from %g to %g", MinSpeed, MaxSpeed)
		}
	default:
		return m, fmt.Errorf("unknown message type %q; known: play, pause, step, reset, speed", m.Type)
	}
	return m, nil
}

// errBehind ends a session whose client stopped reading; the outbox has
// already asked the writer to close.
var errBehind = errors.New("lab: client fell too far behind")

// trainer owns a session's run: it applies commands, steps on a ticker
// while playing, and renders a frame only when the writer has taken the
// previous one.
type trainer struct {
	s       *session
	playing bool
	speed   float64 // steps per second when playing
	dirty   bool    // the run moved on since the frame waiting in the outbox
	ticker  *time.Ticker
	// idle fires when the run has been paused with no message from the
	// client for s.idle; nil when the session has no idle limit.
	idle *time.Timer
	// Play above maxFPS takes several steps a tick; carry holds the
	// fraction of a step left over.
	stepsPerTick, carry float64
}

func newTrainer(s *session) *trainer {
	return &trainer{s: s, speed: PlaySpeed(s.run.Scenario), stepsPerTick: 1}
}

func (t *trainer) train(ctx context.Context) {
	defer t.stop()
	if t.s.idle > 0 {
		t.idle = time.NewTimer(t.s.idle)
		defer t.idle.Stop()
	}
	err := t.hello(ctx)
	t.stillThere() // reaching the start step may have taken a while
	for err == nil {
		select {
		case <-ctx.Done():
			return
		case <-t.s.ready:
			if t.dirty {
				err = t.sendFrame()
			}
		case m := <-t.s.cmds:
			t.stillThere()
			err = t.apply(m)
		case <-t.tick():
			err = t.advance()
		case <-t.idleC():
			if !t.playing {
				t.release()
				return
			}
		}
	}
	if ctx.Err() != nil {
		return // the client left or the server is shutting down
	}
	if !errors.Is(err, errBehind) {
		t.s.fail(err)
	}
}

// stillThere restarts the idle countdown: the client sent a message, or
// the run has just paused.
func (t *trainer) stillThere() {
	if t.idle != nil {
		t.idle.Reset(t.s.idle)
	}
}

// idleC fires when the idle countdown ends; nil (never) without a limit.
// A playing run ignores it and restarts the countdown when it pauses.
func (t *trainer) idleC() <-chan time.Time {
	if t.idle == nil {
		return nil
	}
	return t.idle.C
}

// release ends a run left paused: its slot goes to someone else, and
// the page offers to replay it to the same step.
func (t *trainer) release() {
	t.s.released.Inc()
	t.s.out.control(releasedMessage{Type: "released", Step: t.s.run.StepNumber(),
		Message: fmt.Sprintf("This run was paused with no activity for %s and was released to free the server.", t.s.idle)})
	t.s.out.close()
}

// hello opens the session: the run's canonical query, the frame of its
// start step (0, or where the end of the run comes first), a status.
func (t *trainer) hello(ctx context.Context) error {
	sc := t.s.run.Scenario
	if !t.s.out.control(runMessage{Type: "run", Slug: sc.Slug, Query: t.s.run.Values.Encode(), MaxSteps: sc.MaxSteps}) {
		return errBehind
	}
	if err := t.s.run.AdvanceContext(ctx, t.s.start); err != nil {
		return err
	}
	if err := t.sendFrame(); err != nil {
		return err
	}
	return t.status()
}

func (t *trainer) apply(m clientMessage) error {
	switch m.Type {
	case "play":
		if t.playing || t.s.run.Done() {
			return t.status()
		}
		t.playing = true
		t.start()
		if err := t.status(); err != nil {
			return err
		}
		return t.advance() // the first step comes at once, not a tick later
	case "pause":
		t.pause()
	case "step":
		wasPlaying := t.playing
		t.pause()
		if err := t.s.run.Step(); err != nil {
			return err
		}
		if err := t.sendFrame(); err != nil {
			return err
		}
		if !wasPlaying {
			return nil // nothing to report: it was paused and still is
		}
	case "reset":
		t.pause()
		if err := t.s.run.Reset(); err != nil {
			return err
		}
		if err := t.sendFrame(); err != nil {
			return err
		}
	case "speed":
		t.speed = *m.Value
		if t.playing {
			t.start()
		}
	}
	return t.status()
}

// advance takes one tick's steps and offers the frame; at the end of the
// run it pauses.
func (t *trainer) advance() error {
	t.carry += t.stepsPerTick
	n := int(t.carry)
	t.carry -= float64(n)
	for range n {
		if err := t.s.run.Step(); err != nil {
			return err
		}
		if t.s.run.Done() {
			break
		}
	}
	if n > 0 {
		if err := t.offer(); err != nil {
			return err
		}
	}
	if !t.s.run.Done() {
		return nil
	}
	t.pause()
	if t.dirty {
		if err := t.sendFrame(); err != nil {
			return err
		}
	}
	return t.status()
}

// offer renders now if the client has taken the last frame, else once it has.
func (t *trainer) offer() error {
	if t.s.out.frameWaiting() {
		t.dirty = true
		return nil
	}
	return t.sendFrame()
}

func (t *trainer) sendFrame() error {
	b, err := t.s.run.JSON(true)
	if err != nil {
		return err
	}
	t.s.out.frame(b)
	t.dirty = false
	return nil
}

func (t *trainer) status() error {
	if !t.s.out.control(statusMessage{Type: "status", Running: t.playing, Speed: t.speed}) {
		return errBehind
	}
	return nil
}

// start (re)starts the ticker at the current speed: up to maxFPS steps a
// second, one step a tick; faster play takes several steps a tick and
// renders once.
func (t *trainer) start() {
	t.stop()
	t.stepsPerTick, t.carry = 1, 0
	interval := time.Duration(float64(time.Second) / t.speed)
	if t.speed > maxFPS {
		t.stepsPerTick, interval = t.speed/maxFPS, time.Second/maxFPS
	}
	t.ticker = time.NewTicker(interval)
}

func (t *trainer) pause() {
	if t.playing {
		t.stillThere()
	}
	t.playing = false
	t.stop()
}

func (t *trainer) stop() {
	if t.ticker != nil {
		t.ticker.Stop()
		t.ticker = nil
	}
}

// tick is the ticker's channel, or nil (never ready) while paused.
func (t *trainer) tick() <-chan time.Time {
	if t.ticker == nil {
		return nil
	}
	return t.ticker.C
}

// fail ends the run with an error message; the server stays up.
func (s *session) fail(err error) {
	var pe *PanicError
	if !errors.As(err, &pe) {
		s.log.Error("run failed", "slug", s.run.Scenario.Slug, "err", err)
	}
	s.out.control(errorMessageFor(err))
	s.out.close()
}

// write sends what the outbox holds, and a ping every pingPeriod.
func (s *session) write(ctx context.Context) {
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			// The run may have queued its last words (an error) just before.
			if _, err := s.flush(); err == nil {
				s.closeWith(websocket.CloseGoingAway, "run closed")
			}
			return
		case <-s.out.notify:
			hadFrame, err := s.flush()
			if err != nil {
				return
			}
			if hadFrame {
				s.sent.Inc()
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

// errClosed says the writer has closed the connection.
var errClosed = errors.New("lab: connection closed")

// flush writes everything queued in one pass, without going back to the
// select between messages. Unlike gorilla's chat example, it does not
// join the queued messages with newlines into one websocket message: the
// protocol is one JSON object a message, and a client parses each message
// whole. It reports errClosed when the connection is done for.
func (s *session) flush() (hadFrame bool, err error) {
	msgs, hadFrame, closing := s.out.take()
	for _, m := range msgs {
		s.conn.SetWriteDeadline(time.Now().Add(writeWait))
		if err := s.conn.WriteMessage(websocket.TextMessage, m); err != nil {
			s.conn.Close()
			return false, errClosed
		}
	}
	if closing {
		s.closeWith(websocket.CloseNormalClosure, "run ended")
		return false, errClosed
	}
	return hadFrame, nil
}

// closeWith sends a close frame and gives the client closeGrace to answer.
func (s *session) closeWith(code int, text string) {
	s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeWait))
	s.conn.SetReadDeadline(time.Now().Add(closeGrace))
}
