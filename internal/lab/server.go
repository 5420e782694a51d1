package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/websocket"
)

// Pages renders the HTML pages; web/templates implements it.
type Pages interface {
	Catalogue(scenarios []*Scenario) templ.Component
	Scenario(p PageData) templ.Component
	Error(status int, title, message string) templ.Component
}

// PageData is what a scenario page is rendered from.
type PageData struct {
	Scenario *Scenario
	Values   Values
	Query    string // canonical query of Values
	Frame    Frame  // step 0, with plots
}

// ClientConfig is what the page's script needs to know that the server
// decides; the page carries it as JSON, so each number is written once.
type ClientConfig struct {
	Speeds    []float64 `json:"speeds"`     // the speed slider's stops, steps per second
	Speed     float64   `json:"speed"`      // the scenario's play speed
	MaxPoints int       `json:"max_points"` // most points a click-to-add parameter holds
}

// ClientConfigFor is the page script's configuration for a scenario.
func ClientConfigFor(sc *Scenario) ClientConfig {
	return ClientConfig{Speeds: SpeedStops(), Speed: PlaySpeed(sc), MaxPoints: MaxPoints}
}

// Config is the server's dependencies and limits.
type Config struct {
	Scenarios []*Scenario
	Pages     Pages
	Static    fs.FS
	// MaxRuns bounds live runs (websockets and API runs) at once.
	MaxRuns int
	// AllowedHosts are the names and addresses a websocket upgrade may
	// be addressed to (its Host header, without the port); "*" allows
	// any. Nil allows LocalHosts().
	AllowedHosts []string
	Log          *slog.Logger
}

// DefaultMaxRuns serves a lecture hall of students, each with their own run.
const DefaultMaxRuns = 256

// Server serves the playground.
type Server struct {
	scenarios []*Scenario
	bySlug    map[string]*Scenario
	pages     Pages
	static    fs.FS
	log       *slog.Logger
	runs      chan struct{} // one token per live run
	hosts     []string      // what a websocket upgrade's Host may name
	upgrader  websocket.Upgrader

	ctx      context.Context // ends every session on shutdown
	cancel   context.CancelFunc
	mu       sync.Mutex
	closed   bool
	sessions sync.WaitGroup
}

// NewServer checks the scenarios and builds a server.
func NewServer(cfg Config) (*Server, error) {
	if cfg.MaxRuns < 1 {
		return nil, fmt.Errorf("lab: max runs must be at least 1, got %d", cfg.MaxRuns)
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Server{
		scenarios: cfg.Scenarios,
		bySlug:    map[string]*Scenario{},
		pages:     cfg.Pages,
		static:    cfg.Static,
		log:       cfg.Log,
		runs:      make(chan struct{}, cfg.MaxRuns),
		hosts:     LocalHosts(),
		upgrader: websocket.Upgrader{
			ReadBufferSize:  1024,
			WriteBufferSize: 16 << 10,
			// CheckOrigin left nil: gorilla then refuses an upgrade whose
			// Origin host differs from the request's Host.
		},
	}
	if cfg.AllowedHosts != nil {
		s.hosts = normalHosts(cfg.AllowedHosts)
	}
	for _, sc := range cfg.Scenarios {
		if err := sc.Validate(); err != nil {
			return nil, err
		}
		if s.bySlug[sc.Slug] != nil {
			return nil, fmt.Errorf("lab: scenario slug %q twice", sc.Slug)
		}
		s.bySlug[sc.Slug] = sc
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Shutdown ends every websocket session with a close frame and waits for
// them, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// track counts a new session unless the server is shutting down.
func (s *Server) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sessions.Add(1)
	return true
}

// acquire takes a run token without waiting.
func (s *Server) acquire() bool {
	select {
	case s.runs <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *Server) release() { <-s.runs }

// busyMessage is shown when every run slot is taken.
func (s *Server) busyMessage() string {
	return fmt.Sprintf("the server is busy: %d runs are live, the most it allows; try again in a moment", cap(s.runs))
}

// request is a scenario request: the scenario, its checked values and the
// route's own query values (steps, step, panel, plots).
type request struct {
	sc    *Scenario
	vals  Values
	extra url.Values
}

// httpError is an error with the status and message a user sees.
type httpError struct {
	status int
	msg    string
	err    error // the cause, such as a *ParamError, if any
}

func (e *httpError) Error() string { return e.msg }
func (e *httpError) Unwrap() error { return e.err }

func badRequest(err error) error {
	return &httpError{status: http.StatusBadRequest, msg: err.Error(), err: err}
}

// parseRequest reads {slug} and the query; extraNames are the route's own
// parameters, taken out before the scenario's are checked.
func (s *Server) parseRequest(r *http.Request, slug string, extraNames ...string) (request, error) {
	sc := s.bySlug[slug]
	if sc == nil {
		return request{}, &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no scenario %q", slug)}
	}
	q, err := ParseQuery(r.URL.RawQuery)
	if err != nil {
		return request{}, badRequest(err)
	}
	extra := url.Values{}
	for name, v := range q {
		if !slices.Contains(extraNames, name) {
			continue
		}
		if len(v) > 1 {
			return request{}, badRequest(&ParamError{Name: name, Value: strings.Join(v, ","), Allowed: "given more than once; give it once"})
		}
		extra[name] = v
		delete(q, name)
	}
	vals, err := Parse(sc.Params, q)
	if err != nil {
		return request{}, badRequest(err)
	}
	return request{sc: sc, vals: vals, extra: extra}, nil
}

// intExtra reads a route parameter such as steps=N within [lo, hi];
// parseRequest has refused it given twice.
func intExtra(extra url.Values, name string, lo, hi, def int) (int, error) {
	v, ok := extra[name]
	if !ok {
		return def, nil
	}
	p := Param{Name: name, Kind: KindInt, Min: float64(lo), Max: float64(hi)}
	vals := newValues(nil)
	if err := vals.set(p, v[0]); err != nil {
		return 0, badRequest(err)
	}
	return int(vals.num[name]), nil
}

// handlerFunc is a handler that returns its error instead of answering
// it. It returns an error only before it has written its response.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns a handler's error into the response: JSON {"error": …}
// under /api/ and /ws/, the error page elsewhere.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		if errors.Is(err, context.Canceled) {
			s.logFor(r).Debug("client gone", "path", r.URL.Path)
			return // nobody is left to answer
		}
		if errors.Is(err, errStreamTime) {
			// The write deadline is about to pass: leave time to say why.
			http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeWait))
		}
		status, body := s.public(r, err)
		w.Header().Del("Content-Disposition") // set for the answer that failed
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/ws/") {
			writeJSONError(w, status, body)
			return
		}
		title := http.StatusText(status)
		if status == http.StatusBadRequest {
			title = "This link has a parameter the playground cannot use"
		}
		var page bytes.Buffer
		if err := s.pages.Error(status, title, body.Error).Render(r.Context(), &page); err != nil {
			s.logFor(r).Error("rendering the error page", "path", r.URL.Path, "err", err)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		w.Write(page.Bytes())
	}
}

// render writes a page, or returns the error that kept it from being drawn.
func render(w http.ResponseWriter, r *http.Request, c templ.Component) error {
	var page bytes.Buffer
	if err := c.Render(r.Context(), &page); err != nil {
		return fmt.Errorf("lab: rendering %s: %w", r.URL.Path, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page.Bytes())
	return nil
}

// jsonError is the body of an API error. Param names the parameter at
// fault, so a page can point at its field.
type jsonError struct {
	Error string `json:"error"`
	Param string `json:"param,omitempty"`
}

// writeJSONError writes {"error": …} with a 4xx/5xx status.
func writeJSONError(w http.ResponseWriter, status int, body jsonError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// public says what a user is told about err: what was wrong with what
// they sent, or, for anything else, "internal error" while the error
// itself is logged.
func (s *Server) public(r *http.Request, err error) (int, jsonError) {
	var he *httpError
	var pe *ParamError
	var panicErr *PanicError
	switch {
	case errors.As(err, &he):
		body := jsonError{Error: he.msg}
		if errors.As(err, &pe) {
			body.Param = pe.Name
		}
		return he.status, body
	case errors.As(err, &pe):
		return http.StatusBadRequest, jsonError{Error: pe.Error(), Param: pe.Name}
	case errors.Is(err, errShuttingDown):
		return http.StatusServiceUnavailable, jsonError{Error: errShuttingDown.Error() + "; try again in a moment"}
	case errors.Is(err, errStreamTime):
		return http.StatusServiceUnavailable, jsonError{Error: errStreamTime.Error() + "; ask for fewer steps"}
	case errors.As(err, &panicErr):
		// Run.safely has logged it with its stack.
		return http.StatusInternalServerError, jsonError{Error: panicErr.Error()}
	default:
		s.logFor(r).Error("request failed", "path", r.URL.Path, "err", err)
		return http.StatusInternalServerError, jsonError{Error: "internal error"}
	}
}

// publicMessage is the websocket message for err, told as public tells it.
func (s *Server) publicMessage(r *http.Request, err error) errorMessage {
	_, body := s.public(r, err)
	return errorMessage{Type: "error", Message: body.Error, Param: body.Param}
}

// newRun builds a run that logs a scenario's panic to r's logger.
func (s *Server) newRun(r *http.Request, sc *Scenario, v Values) (*Run, error) {
	return newRun(sc, v, s.logFor(r))
}
