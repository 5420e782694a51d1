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
	"sync/atomic"
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
	// Room and Secret: a present message attaching the run to the room
	// whose secret the page holds (both empty: open a new room).
	Room   string `json:"room,omitempty"`
	Secret string `json:"secret,omitempty"`
	Step   *int   `json:"step,omitempty"` // of a seek
	Name   string `json:"name,omitempty"` // of a set: the live parameter
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
	// Panels are the names of the panels this run shows; the page hides
	// the others (Panel.Shown).
	Panels []string `json:"panels"`
	// Reached is the highest step the run has reached, for the timeline:
	// 0 for a new run, more for one resumed or retuned (live.go).
	Reached int `json:"reached"`
	// Resume is the reconnect token: should the connection drop, the
	// page opens the same query with resume=TOKEN within ResumeTTL
	// seconds and gets this run back at its step (reconnect.go).
	Resume    string  `json:"resume,omitempty"`
	ResumeTTL float64 `json:"resume_ttl,omitempty"`
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
// the reader turns messages into commands, the trainer owns the run,
// steps it and draws its frames, the writer sends what the outbox holds.
// Only the trainer touches the run.
type session struct {
	conn  *websocket.Conn
	run   *Run
	start int // the step the run opens at
	out   *outbox
	cmds  chan clientMessage
	ready chan struct{} // the writer has sent a frame; the trainer may draw the next
	log   *slog.Logger
	sessionConfig
	// token brings the run back should the connection drop, within
	// reconnectTTL (0: it is not kept).
	token        string
	reconnectTTL time.Duration
	// How the session ended, to decide whether its run is kept for a
	// reconnect: the connection dropped (no close frame), a reconnect
	// took the run over, or the run ended by itself (released, failed,
	// the client fell behind). Set before serve returns.
	dropped, ended bool
	takenOver      atomic.Bool
}

// sessionConfig is what a session takes from its server: its idle limit,
// the counters of its scenario and the clock its play is paced by.
type sessionConfig struct {
	idle                      time.Duration // before a paused run is released; 0: never
	sent, coalesced, released prometheus.Counter
	clock                     clock     // nil: the real one
	rooms                     *roomHost // where a present message opens a room
	client                    string    // the client's address, which rooms are counted by
}

func (s *Server) sessionConfig(slug string) sessionConfig {
	m := s.metrics
	return sessionConfig{idle: s.idle, sent: m.sent.WithLabelValues(slug),
		coalesced: m.coalesced.WithLabelValues(slug), released: m.released.WithLabelValues(slug), clock: s.clock, rooms: s.rooms}
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

// parkable says whether the session's run should wait for its page to
// reconnect: its connection dropped, or a reconnect took it over, and
// the run did not end by itself.
func (s *session) parkable() bool {
	return (s.dropped || s.takenOver.Load()) && !s.ended
}

func (s *session) read(ctx context.Context) {
	s.conn.SetReadLimit(maxMessageSize)
	s.conn.SetReadDeadline(time.Now().Add(pongWait))
	s.conn.SetPongHandler(func(string) error { return s.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		data, err := s.readMessage()
		if err != nil {
			var ce *websocket.CloseError
			s.dropped = !errors.As(err, &ce) || ce.Code == websocket.CloseAbnormalClosure
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
	case "play", "pause", "step", "reset", "unpresent":
	case "present":
		if err := checkPresent(m); err != nil {
			return m, err
		}
	case "speed":
		if m.Value == nil || math.IsNaN(*m.Value) || *m.Value < MinSpeed || *m.Value > MaxSpeed {
			return m, fmt.Errorf("speed: value must be a number of steps per second from %g to %g", MinSpeed, MaxSpeed)
		}
	case "seek":
		if m.Step == nil || *m.Step < 0 {
			return m, errors.New("seek: step must be a step the run has reached, an integer from 0")
		}
	case "set":
		if m.Name == "" || m.Value == nil {
			return m, errors.New(`set: give the parameter's name and its new value, {"type":"set","name":…,"value":…}`)
		}
	default:
		return m, fmt.Errorf("unknown message type %q; known: play, pause, step, reset, speed, seek, set, present, unpresent", m.Type)
	}
	return m, nil
}

// errBehind ends a session whose client stopped reading; the outbox has
// already asked the writer to close.
var errBehind = errors.New("lab: client fell too far behind")

// Pacing of a playing run.
const (
	// maxStepUnit bounds the steps taken in one scheduler slot: a run
	// that owes many steps takes them a few slots at a time, so it cannot
	// hold a core for long.
	maxStepUnit = 20 * time.Millisecond
	// maxLag is the most steps a run may owe, in seconds of play: a run
	// whose steps alone cannot keep its pace is let off the rest rather
	// than racing to catch up later.
	maxLag = time.Second
)

// clock is where a session reads the time and gets its ticker; tests
// drive their own.
type clock interface {
	now() time.Time
	ticker(d time.Duration) (c <-chan time.Time, stop func())
}

type realClock struct{}

func (realClock) now() time.Time { return time.Now() }
func (realClock) ticker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// pace counts the steps a playing run owes: those due from its clock
// (speed a second since origin, plus owedAtOrigin) less those taken.
type pace struct {
	origin       time.Time
	speed        float64
	owedAtOrigin int
	taken        int
}

// restart counts from now at speed, with owed steps already due.
func (p *pace) restart(now time.Time, speed float64, owed int) {
	*p = pace{origin: now, speed: speed, owedAtOrigin: owed}
}

// owed is the number of steps due and not yet taken, at most maxLag's
// worth: past that the debt is forgiven.
func (p *pace) owed(now time.Time) int {
	// The nudge keeps a step due exactly at a tick from rounding down
	// (2.3 s × 10 = 22.999…): the tick would wake the run for nothing.
	n := p.owedAtOrigin + int(now.Sub(p.origin).Seconds()*p.speed+1e-9) - p.taken
	if limit := max(1, int(p.speed*maxLag.Seconds())); n > limit {
		p.owedAtOrigin -= n - limit
		n = limit
	}
	return n
}

// trainer owns a session's run: one goroutine applies commands, steps and
// draws, so the model (which is not safe for concurrent use) is never
// stepped and drawn at once. Stepping and drawing are decoupled all the
// same: while playing, steps are taken at the requested pace, counted on
// the clock (pace), and a frame is drawn, from the newest state, only when
// the writer has sent the previous one. Both ask the scheduler for a slot
// without waiting (Run.askFor) and the loop goes on while they queue, so
// a frame waiting for its turn never holds back a step; the steps that
// fell due while a frame was being drawn are taken as soon as it is done.
// Under overload frames are skipped (the step counter of the next one
// jumps); steps are not. Commands from the client (step, reset) are rare
// and do their work at once, waiting for a slot; they first drop the
// slots asked for, so no slot is held idle while the run waits for one.
type trainer struct {
	s        *session
	ctx      context.Context // the session's, for a replay to stop when it ends
	clock    clock
	playing  bool
	speed    float64 // steps per second when playing
	pace     pace
	tick     <-chan time.Time // while playing: at the pace, at most maxFPS a second
	stopTick func()
	// stepping and drawing are the slots asked for the owed steps and for
	// the next frame, or nil.
	stepping, drawing *grant
	dirty             bool      // the run moved on since the last frame queued
	sending           bool      // a frame is queued or being written
	lastFrame         time.Time // when the last frame was queued
	// sent is what the client has of each panel: a frame leaves out the
	// panels that did not change.
	sent *sentPanels
	// idle fires when the run has been paused with no message from the
	// client for s.idle; nil when the session has no idle limit.
	idle *time.Timer
	// room is the room this run is presented to, or nil.
	room *presenting
}

func newTrainer(s *session) *trainer {
	c := s.clock
	if c == nil {
		c = realClock{}
	}
	return &trainer{s: s, clock: c, speed: PlaySpeed(s.run.Scenario), sent: newSentPanels()}
}

func (t *trainer) train(ctx context.Context) {
	t.ctx = ctx
	defer func() { t.s.ended = ctx.Err() == nil }()
	defer t.stop()
	defer t.leaveRoom()
	defer t.dropSlots() // a slot granted and never used would be lost to every run
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
			t.sending = false
			t.askDraw()
		case m := <-t.s.cmds:
			t.stillThere()
			t.dropSlots()
			err = t.apply(m)
			t.askDraw()
		case <-t.tick:
			t.askSteps()
			t.askDraw()
		case <-readyC(t.stepping):
			err = t.takeSteps()
		case <-readyC(t.drawing):
			err = t.draw()
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

// readyC is g's ready channel, or nil (never ready) when nothing was asked.
func readyC(g *grant) <-chan struct{} {
	if g == nil {
		return nil
	}
	return g.ready
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
	if t.idle == nil || t.room != nil {
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
	if !t.s.out.control(t.runMessage()) {
		return errBehind
	}
	if err := advanceTo(ctx, t.s.run, t.s.start); err != nil {
		return err
	}
	if err := t.sendFrame(); err != nil {
		return err
	}
	return t.status()
}

// runMessage says which run this is: its canonical query, panels, steps
// reached and reconnect token.
func (t *trainer) runMessage() runMessage {
	sc := t.s.run.Scenario
	var panels []string
	for _, p := range sc.PanelsFor(t.s.run.Values) {
		panels = append(panels, p.Name)
	}
	m := runMessage{Type: "run", Slug: sc.Slug, Query: t.s.run.Values.Encode(), MaxSteps: sc.MaxSteps, Panels: panels,
		Reached: t.s.run.Reached()}
	if t.s.reconnectTTL > 0 {
		m.Resume, m.ResumeTTL = t.s.token, t.s.reconnectTTL.Seconds()
	}
	return m
}

// apply carries out a client's command; the caller has dropped the slots
// asked for.
func (t *trainer) apply(m clientMessage) error {
	switch m.Type {
	case "play":
		if t.playing || t.s.run.Done() {
			return t.status()
		}
		t.playing = true
		t.pace.restart(t.clock.now(), t.speed, 1) // the first step comes at once, not a tick later
		t.start()
		if err := t.status(); err != nil {
			return err
		}
		t.askSteps()
		return nil
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
		t.sent.forget() // a new model: every panel again
		if err := t.sendFrame(); err != nil {
			return err
		}
	case "present":
		return t.present(m)
	case "unpresent":
		t.unpresent()
	case "seek":
		wasPlaying := t.playing
		t.pause()
		if err := t.seek(*m.Step); err != nil {
			return err
		}
		if !wasPlaying {
			return nil
		}
	case "set":
		return t.set(m.Name, *m.Value)
	case "speed":
		t.speed = *m.Value
		if t.playing {
			now := t.clock.now()
			t.pace.restart(now, t.speed, t.pace.owed(now))
			t.start()
			t.askSteps()
		}
	}
	return t.status()
}

// askSteps asks for a slot to take the steps owed, unless one is asked.
func (t *trainer) askSteps() {
	if t.playing && t.stepping == nil && t.pace.owed(t.clock.now()) > 0 {
		t.stepping = t.s.run.askFor(unitStep)
	}
}

// takeSteps takes the steps owed in the slot granted, for at most
// maxStepUnit; what is left is asked for again. At the end of the run it
// pauses and sends the last frame.
func (t *trainer) takeSteps() error {
	g := t.stepping
	t.stepping = nil
	n := t.pace.owed(t.clock.now())
	run := t.s.run
	err := g.use(func() error {
		began := time.Now()
		for range n {
			if err := run.stepNow(); err != nil {
				return err
			}
			t.pace.taken++
			t.dirty = true
			if run.Done() || time.Since(began) >= maxStepUnit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if run.Done() {
		t.pause()
		if t.dirty {
			if err := t.sendFrame(); err != nil {
				return err
			}
		}
		return t.status()
	}
	t.askSteps()
	t.askDraw()
	return nil
}

// askDraw asks for a slot to draw a frame when the run has moved on, the
// writer has sent the last frame and no slot is asked yet; while playing,
// at most maxFPS frames a second (a later tick asks again).
func (t *trainer) askDraw() {
	if !t.dirty || t.sending || t.drawing != nil || t.s.out.frameWaiting() {
		return
	}
	if t.playing && t.clock.now().Sub(t.lastFrame) < time.Second/maxFPS {
		return
	}
	t.drawing = t.s.run.askFor(unitFrame)
}

// draw draws the newest state in the slot granted and queues it.
func (t *trainer) draw() error {
	g := t.drawing
	t.drawing = nil
	if !t.dirty {
		g.drop()
		return nil
	}
	var b []byte
	err := g.use(func() error {
		var err error
		b, err = t.frameJSON()
		return err
	})
	if err != nil {
		return err
	}
	t.queue(b)
	t.askSteps() // those that fell due while it was drawn
	return nil
}

// sendFrame draws the current state at once, waiting for a slot; it
// first drops the slots asked for, which could be all there are.
func (t *trainer) sendFrame() error {
	t.dropSlots()
	var b []byte
	err := t.s.run.do(unitFrame, func() error {
		var err error
		b, err = t.frameJSON()
		return err
	})
	if err != nil {
		return err
	}
	t.queue(b)
	return nil
}

// frameJSON encodes the current frame without the panels the client
// already has. A frame still waiting in the outbox will be replaced
// unsent, so the client may lack what it carried: then every panel.
func (t *trainer) frameJSON() ([]byte, error) {
	if t.room != nil {
		return t.roomFrame()
	}
	if t.s.out.frameWaiting() {
		t.sent.forget()
	}
	return t.s.run.json(true, t.sent)
}

func (t *trainer) queue(frame []byte) {
	t.s.out.frame(frame)
	t.dirty, t.sending, t.lastFrame = false, true, t.clock.now()
}

// dropSlots gives up the slots asked for and not used.
func (t *trainer) dropSlots() {
	for _, g := range []**grant{&t.stepping, &t.drawing} {
		if *g != nil {
			(*g).drop()
			*g = nil
		}
	}
}

func (t *trainer) status() error {
	m := statusMessage{Type: "status", Running: t.playing, Speed: t.speed}
	if !t.s.out.control(m) {
		return errBehind
	}
	t.publishStatus(m)
	return nil
}

// start (re)starts the ticker that wakes a playing run: once a step at
// the current speed, at most maxFPS times a second (faster play takes
// several steps a tick).
func (t *trainer) start() {
	t.stop()
	interval := max(time.Duration(float64(time.Second)/t.speed), time.Second/maxFPS)
	t.tick, t.stopTick = t.clock.ticker(interval)
}

func (t *trainer) pause() {
	if t.playing {
		t.stillThere()
	}
	t.playing = false
	t.stop()
	if t.stepping != nil {
		t.stepping.drop()
		t.stepping = nil
	}
}

func (t *trainer) stop() {
	if t.stopTick != nil {
		t.stopTick()
		t.tick, t.stopTick = nil, nil
	}
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
