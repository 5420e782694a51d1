package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
)

// Pages renders the HTML pages; web/templates implements it.
type Pages interface {
	Catalogue(scenarios []*Scenario) templ.Component
	Scenario(p PageData) templ.Component
	Error(e ErrorPage) templ.Component
	// Notation is the course's table of symbols.
	Notation() templ.Component
}

// PageData is what a scenario page is rendered from.
type PageData struct {
	Scenario *Scenario
	Values   Values
	Query    string // canonical query of Values
	Frame    Frame  // step 0, with plots
	View     string // the page's layout: "" or ViewPresent
	// AtAsked is the step the address asked for (at=N); a run that ends
	// before it opens at its end, and the page says so.
	AtAsked int
	// Room is the code of the room the page follows, or "": the page
	// shows the room's run and its controls are the presenter's.
	Room string
}

// Shows says whether the page's run shows panel pn.
func (p PageData) Shows(pn Panel) bool { return pn.Shown == nil || pn.Shown(p.Values) }

// Shown is the number of panels the page's run shows.
func (p PageData) Shown() int { return len(p.Scenario.PanelsFor(p.Values)) }

// ViewPresent is view=present on a scenario page: the one-screen layout
// for a projector. The view is the page's, not the run's: it is no
// scenario parameter, and the websocket never sees it.
const ViewPresent = "present"

// ErrorPage is what an error page says.
type ErrorPage struct {
	Status         int
	Title, Message string
	// Retry is the same page with every parameter at fault reset to its
	// default and the others kept, when there is one; RetryLabel says so.
	Retry, RetryLabel string
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
	// Lessons holds the lesson files (lessons/*.txt); nil: no lessons.
	Lessons fs.FS
	// MaxRuns bounds live runs (websockets and API runs) at once.
	MaxRuns int
	// MaxRunsPerClient bounds the live runs of one client address; zero
	// means DefaultMaxRunsPerClient.
	MaxRunsPerClient int
	// Workers is the number of runs that step or draw at the same time;
	// zero means one per core (GOMAXPROCS).
	Workers int
	// RequestBudget is the computing time of one headless request; zero
	// means DefaultRequestBudget, a negative value no limit.
	RequestBudget time.Duration
	// IdleRelease ends a websocket run paused with no message from its
	// client for this long; zero means DefaultIdleRelease, a negative
	// value never.
	IdleRelease time.Duration
	// ReconnectTTL keeps the run of a websocket that dropped for this
	// long, for its page to come back to (reconnect.go); zero means
	// DefaultReconnectTTL, a negative value never. At most MaxRuns runs
	// wait so at once, the oldest given up first.
	ReconnectTTL time.Duration
	// AllowedHosts are the names and addresses a websocket upgrade may
	// be addressed to (its Host header, without the port); "*" allows
	// any. Nil allows LocalHosts().
	AllowedHosts []string
	// Rooms bounds the rooms presented from this server and says how
	// they reach followers on other replicas.
	Rooms RoomConfig
	// PanelCache is the size in bytes of the drawn panels every run of
	// the server shares (panelcache.go); zero means DefaultPanelCache, a
	// negative value no cache.
	PanelCache int
	Log        *slog.Logger
}

// DefaultMaxRuns is the default bound on live runs for a machine with
// the given cores. A run holds memory while it lives but costs CPU only
// while it plays. Playing at its own speed, a default run takes 1.9% of a
// core for the median scenario and 15% for the dearest (dropout), steps
// and frames (go run ./cmd/loadtest -defaults); count 5% with the
// garbage collector and the socket writes. In a class about a third of
// the open runs play at any moment, so one core carries
// 1 / (5% × 1/3) = 60 open runs before play slows down:
//
//	max runs = 60 × cores
func DefaultMaxRuns(cores int) int { return 60 * max(cores, 1) }

// DefaultMaxRunsPerClient lets a whole class behind one NAT address (one
// public address for every student) open a run each, and a few tabs more,
// while one script cannot take every slot of a larger server.
const DefaultMaxRunsPerClient = 64

// DefaultIdleRelease is how long a paused run waits for its client
// before it is released; the page offers to resume it.
const DefaultIdleRelease = 10 * time.Minute

// retryAfter is what a refused client is told to wait before trying
// again (the Retry-After header of a 503 or 429).
const retryAfter = 30 * time.Second

// Server serves the playground.
type Server struct {
	scenarios []*Scenario
	bySlug    map[string]*Scenario
	pages     Pages
	static    fs.FS
	log       *slog.Logger
	hosts     []string // what a websocket upgrade's Host may name
	upgrader  websocket.Upgrader
	pool      *pool
	metrics   *metrics
	budget    time.Duration // of a headless request; 0: none
	idle      time.Duration // before a paused websocket run is released; 0: never
	clock     clock         // of the sessions' play; nil: the real one

	maxRuns, maxPerClient int
	live                  int            // live runs, guarded by mu
	perClient             map[string]int // live runs by client address, guarded by mu

	thumbs thumbCache
	rooms  *roomHost

	lessons      []*Lesson // in the course's order
	lessonByName map[string]*Lesson

	reconnects *reconnects // tokens of live and dropped runs
	panels     *PanelCache // nil: every run draws its own panels

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
	if cfg.MaxRunsPerClient == 0 {
		cfg.MaxRunsPerClient = DefaultMaxRunsPerClient
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.RequestBudget == 0 {
		cfg.RequestBudget = DefaultRequestBudget
	}
	if cfg.IdleRelease == 0 {
		cfg.IdleRelease = DefaultIdleRelease
	}
	if cfg.ReconnectTTL == 0 {
		cfg.ReconnectTTL = DefaultReconnectTTL
	}
	if cfg.MaxRunsPerClient < 1 || cfg.Workers < 1 {
		return nil, fmt.Errorf("lab: max runs per client and workers must be at least 1, got %d and %d", cfg.MaxRunsPerClient, cfg.Workers)
	}
	s := &Server{
		scenarios:    cfg.Scenarios,
		bySlug:       map[string]*Scenario{},
		pages:        cfg.Pages,
		static:       cfg.Static,
		log:          cfg.Log,
		pool:         newPool(cfg.Workers),
		metrics:      newMetrics(cfg.Scenarios),
		budget:       max(cfg.RequestBudget, 0),
		idle:         max(cfg.IdleRelease, 0),
		maxRuns:      cfg.MaxRuns,
		maxPerClient: cfg.MaxRunsPerClient,
		perClient:    map[string]int{},
		thumbs:       thumbCache{bySlug: map[string]*thumb{}},
		reconnects:   newReconnects(max(cfg.ReconnectTTL, 0), cfg.MaxRuns),
		hosts:        LocalHosts(),
		upgrader: websocket.Upgrader{
			ReadBufferSize:  1024,
			WriteBufferSize: 16 << 10,
			// Frames are mostly SVG text and shrink about 3.5 times
			// under deflate; each session sets compressionLevel.
			EnableCompression: true,
			// CheckOrigin left nil: gorilla then refuses an upgrade whose
			// Origin host differs from the request's Host.
		},
	}
	if cfg.AllowedHosts != nil {
		s.hosts = normalHosts(cfg.AllowedHosts)
	}
	switch {
	case cfg.PanelCache == 0:
		s.panels = NewPanelCache(DefaultPanelCache)
	case cfg.PanelCache > 0:
		s.panels = NewPanelCache(cfg.PanelCache)
	}
	s.metrics.watch(s.panels)
	for _, sc := range cfg.Scenarios {
		if err := sc.Validate(); err != nil {
			return nil, err
		}
		if s.bySlug[sc.Slug] != nil {
			return nil, fmt.Errorf("lab: scenario slug %q twice", sc.Slug)
		}
		s.bySlug[sc.Slug] = sc
	}
	if err := s.loadLessons(cfg.Lessons); err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.rooms = newRoomHost(cfg.Rooms, cfg.Log)
	s.rooms.register(s.metrics.reg)
	return s, nil
}

// Shutdown ends every websocket session with a close frame and waits for
// them, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.rooms.close()
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

// admit takes a run slot for r's client without waiting, or says why
// not: every slot is taken (503) or the client's address holds its most
// (429). The caller must call release once the run ends.
func (s *Server) admit(r *http.Request, slug string) (release func(), err error) {
	client := clientAddress(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.perClient[client] >= s.maxPerClient:
		s.metrics.refused.WithLabelValues(refusedClient).Inc()
		return nil, &httpError{status: http.StatusTooManyRequests, msg: fmt.Sprintf(
			"your address already has %d live runs, the most one address may have; close a tab, or try again in a moment", s.maxPerClient)}
	case s.live >= s.maxRuns:
		s.metrics.refused.WithLabelValues(refusedBusy).Inc()
		return nil, &httpError{status: http.StatusServiceUnavailable, msg: fmt.Sprintf(
			"the server is busy: %d runs are live, the most it allows; try again in a moment", s.maxRuns)}
	}
	s.live++
	s.perClient[client]++
	s.metrics.liveRuns.WithLabelValues(slug).Inc()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.live--
			if s.perClient[client]--; s.perClient[client] == 0 {
				delete(s.perClient, client)
			}
			s.metrics.liveRuns.WithLabelValues(slug).Dec()
		})
	}, nil
}

// clientAddress is the address runs are counted by: the connection's IP.
// Behind a reverse proxy every client has the proxy's address; raise
// -max-runs-per-client there.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// request is a scenario request: the scenario, its checked values and the
// route's own query values (steps, step, panel, plots).
type request struct {
	sc      *Scenario
	vals    Values
	extra   url.Values
	release func() // frees the run slot startRun took
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
	vals, extra, err := parseValues(sc, q, extraNames)
	if err != nil {
		return request{}, badRequest(err)
	}
	return request{sc: sc, vals: vals, extra: extra}, nil
}

// parseValues checks a query against a scenario's table once the route's
// own names (extraNames) are taken out of it; q is changed.
func parseValues(sc *Scenario, q url.Values, extraNames []string) (Values, url.Values, error) {
	extra := url.Values{}
	for name, v := range q {
		if !slices.Contains(extraNames, name) {
			continue
		}
		if len(v) > 1 {
			return Values{}, nil, &ParamError{Name: name, Value: strings.Join(v, ","), Allowed: "given more than once; give it once"}
		}
		extra[name] = v
		delete(q, name)
	}
	vals, err := Parse(sc.Params, q)
	if err != nil {
		return Values{}, nil, err
	}
	return vals, extra, nil
}

// pageView reads view= of a scenario page.
func pageView(extra url.Values) (string, error) {
	v, ok := extra["view"]
	if !ok {
		return "", nil
	}
	if v[0] != ViewPresent {
		return "", &ParamError{Name: "view", Value: v[0], Allowed: ViewPresent + " (the one-screen layout for a projector), or leave it out"}
	}
	return ViewPresent, nil
}

// pageParams are the names a scenario page reads besides the scenario's.
// at=N opens the page's run at step N; lessons' steps may carry it.
var pageParams = []string{"view", "at"}

// repairPage is a refused scenario page's address with every parameter at
// fault reset to its default (an unknown name left out) and the rest of
// the query kept, in canonical form, and a label saying what changed. It
// returns "" when there is none to offer.
func (s *Server) repairPage(r *http.Request) (href, label string) {
	sc := s.bySlug[chi.URLParam(r, "slug")]
	if sc == nil || !strings.HasPrefix(r.URL.Path, "/s/") {
		return "", ""
	}
	q, err := ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "/s/" + sc.Slug, "Open " + sc.Title + " with its default parameters"
	}
	var changes []string
	if q.Has("at") {
		// Whether the run reaches a step is known only by running it:
		// the repaired page opens at step 0.
		q.Del("at")
		changes = append(changes, resetPhrase(sc, "at"))
	}
	for range len(q) + 1 {
		vals, extra, err := parseValues(sc, cloneQuery(q), pageParams)
		if err == nil {
			_, err = pageView(extra)
		}
		var pe *ParamError
		if err == nil {
			query := vals.Encode()
			if extra.Has("view") {
				query = strings.TrimPrefix(query+"&view="+ViewPresent, "&")
			}
			return "/s/" + sc.Slug + queryPrefix(query), "Open " + sc.Title + " with " + strings.Join(changes, " and ")
		}
		if !errors.As(err, &pe) || !q.Has(pe.Name) {
			return "", ""
		}
		q.Del(pe.Name)
		changes = append(changes, resetPhrase(sc, pe.Name))
	}
	return "", ""
}

// resetPhrase says what repairPage did to one parameter.
func resetPhrase(sc *Scenario, name string) string {
	for _, p := range sc.Params {
		if p.Name != name {
			continue
		}
		if d := canonicalDefault(p); d != "" {
			return fmt.Sprintf("%s reset to its default, %s", name, d)
		}
		return name + " reset to its default"
	}
	switch name {
	case "view":
		return "the usual layout"
	case "at":
		return "the run opened at step 0"
	}
	return fmt.Sprintf("the unknown parameter %q left out", name)
}

func cloneQuery(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
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
		if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter.Seconds())))
		}
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/ws/") {
			writeJSONError(w, status, body)
			return
		}
		title := http.StatusText(status)
		if status == http.StatusBadRequest {
			title = "This link has a parameter the playground cannot use"
		}
		e := ErrorPage{Status: status, Title: title, Message: body.Error}
		if status == http.StatusBadRequest {
			e.Retry, e.RetryLabel = s.repairPage(r)
		}
		var page bytes.Buffer
		if err := s.pages.Error(e).Render(r.Context(), &page); err != nil {
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

// newRun builds a run that logs a scenario's panic to log (the request's
// logger) and does its work through the scheduler, until ctx ends and
// within budget (0: none).
func (s *Server) newRun(ctx context.Context, log *slog.Logger, sc *Scenario, v Values, budget time.Duration) (*Run, error) {
	run, err := newRun(sc, v, log)
	if err != nil {
		return nil, err
	}
	run.panels = s.panels
	s.schedule(ctx, run, budget)
	return run, nil
}

// Metrics serves the server's metrics in Prometheus's text format.
func (s *Server) Metrics() http.Handler { return s.metrics.handler() }
