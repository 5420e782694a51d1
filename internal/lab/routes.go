package lab

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/websocket"
)

// maxPlottedSteps bounds a headless run that draws its plots.
const maxPlottedSteps = 1000

// Handler returns the whole public surface of the playground.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	// HEAD is GET without the body (net/http drops it), for link checkers.
	r.Use(s.withRequestLog, securityHeaders, s.endOnShutdown, middleware.GetHead)
	r.Get("/", s.handle(s.handleCatalogue))
	r.Get("/s/{slug}", s.handle(s.handlePage))
	r.Get("/notation", s.handle(func(w http.ResponseWriter, r *http.Request) error { return render(w, r, s.pages.Notation()) }))
	r.Get("/thumb/{file}", s.handle(s.handleThumb))
	s.lessonRoutes(r)
	r.Get("/ws/{slug}", s.handle(s.handleWebsocket))
	r.Get("/r/{code}", s.handle(s.handleRoomPage))
	r.Get("/r/{code}/qr.png", s.handle(s.handleRoomQR))
	r.Get("/r/{code}/ws", s.handle(s.handleRoomWebsocket))
	r.Get("/api/scenarios", s.handle(s.handleSchema))
	r.Get("/api/scenarios/{slug}/run", s.handle(s.handleRun))
	r.Get("/api/scenarios/{slug}/data.csv", s.handle(s.handleData))
	r.Get("/api/scenarios/{slug}/metrics.csv", s.handle(s.handleMetrics))
	r.Get("/api/scenarios/{slug}/plot.svg", s.handle(s.handlePlot))
	r.Get("/api/scenarios/{slug}/plot.png", s.handle(s.handlePlot))
	r.Get("/metrics", s.Metrics().ServeHTTP)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok"))
	})
	if s.static != nil {
		r.Get("/static/*", s.handle(s.handleStatic))
	}
	r.NotFound(s.handle(notFound))
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		// Every route is read-only.
		w.Header().Set("Allow", "GET, HEAD")
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSONError(w, http.StatusMethodNotAllowed, jsonError{Error: r.Method + " is not allowed here; use GET"})
	})
	return r
}

// contentSecurityPolicy lets a page run only this server's scripts and
// connect only to it. Style attributes are allowed: templates and
// server-drawn SVGs use them, and a style cannot run code. Plots carry
// their raster as a data: image; KaTeX loads its fonts from /static/.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'self'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		next.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no page at %s", r.URL.Path)}
}

// handleStatic serves the embedded assets' files, and no directory: a
// listing would only show what is there to probe.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if st, err := fs.Stat(s.static, name); err != nil || st.IsDir() {
		return notFound(w, r)
	}
	// Assets are embedded in the binary: cache for a while, revalidate after.
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.ServeFileFS(w, r, s.static, name)
	return nil
}

// endOnShutdown ends a request's context when the server shuts down, so
// a request in flight stops and says why instead of holding shutdown up.
func (s *Server) endOnShutdown(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancelCause(r.Context())
		defer cancel(nil)
		stop := context.AfterFunc(s.ctx, func() { cancel(errShuttingDown) })
		defer stop()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) handleCatalogue(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, s.pages.Catalogue(s.scenarios))
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseRequest(r, chi.URLParam(r, "slug"), pageParams...)
	if err != nil {
		return err
	}
	view, err := pageView(req.extra)
	if err != nil {
		return badRequest(err)
	}
	at, err := atStep(req.sc, req.extra)
	if err != nil {
		return err
	}
	run, err := s.newRun(r.Context(), s.logFor(r), req.sc, req.vals, s.budget)
	if err != nil {
		return err
	}
	if err := advanceTo(r.Context(), run, at); err != nil {
		return err
	}
	f, err := run.Frame(true)
	if err != nil {
		return err
	}
	return render(w, r, s.pages.Scenario(PageData{Scenario: req.sc, Values: req.vals, Query: req.vals.Encode(), Frame: f, View: view, AtAsked: at}))
}

// scenarioJSON is one entry of GET /api/scenarios.
type scenarioJSON struct {
	Slug     string      `json:"slug"`
	Title    string      `json:"title"`
	Chapter  string      `json:"chapter"`
	Summary  string      `json:"summary"`
	MaxSteps int         `json:"max_steps"`
	Panels   []panelJSON `json:"panels"`
	Params   []Param     `json:"params"`
}

type panelJSON struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Points string `json:"points,omitempty"`
}

func (s *Server) handleSchema(w http.ResponseWriter, r *http.Request) error {
	out := make([]scenarioJSON, 0, len(s.scenarios))
	for _, sc := range s.scenarios {
		j := scenarioJSON{Slug: sc.Slug, Title: sc.Title, Chapter: sc.Chapter, Summary: sc.Summary, MaxSteps: sc.MaxSteps, Params: sc.Params}
		for _, p := range sc.Panels {
			j.Panels = append(j.Panels, panelJSON{Name: p.Name, Title: p.Title, Points: p.Points})
		}
		out = append(out, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("lab: encoding the schema: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
	return nil
}

// startRun parses a request and builds its run, holding a run slot that
// the caller must free with req.release. The run's work is bounded by
// the request's budget.
func (s *Server) startRun(r *http.Request, extra ...string) (request, *Run, error) {
	req, err := s.parseRequest(r, chi.URLParam(r, "slug"), extra...)
	if err != nil {
		if errors.As(err, new(*ParamError)) {
			s.metrics.refused.WithLabelValues(refusedParameter).Inc()
		}
		return req, nil, err
	}
	if req.release, err = s.admit(r, req.sc.Slug); err != nil {
		return req, nil, err
	}
	run, err := s.newRun(r.Context(), s.logFor(r), req.sc, req.vals, s.budget)
	if err != nil {
		req.release()
		return req, nil, err
	}
	return req, run, nil
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) error {
	req, run, err := s.startRun(r, "steps", "plots", "at")
	if err != nil {
		return err
	}
	defer req.release()
	steps, at, err := stepsFrom(req)
	if err != nil {
		return err
	}
	plots, err := intExtra(req.extra, "plots", 0, 1, 0)
	if err != nil {
		return err
	}
	// Drawn frames cost milliseconds and tens of kilobytes each: bound them.
	limit := req.sc.MaxSteps
	if plots == 1 {
		if _, given := req.extra["steps"]; given && steps-at > maxPlottedSteps {
			return &ParamError{Name: "steps", Value: strconv.Itoa(steps),
				Allowed: fmt.Sprintf("at most %d with plots=1; from at=N, at most N+%d", at+maxPlottedSteps, maxPlottedSteps)}
		}
		limit = at + maxPlottedSteps
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	if r.Method == http.MethodHead {
		return nil // the parameters are valid; the frames are not wanted
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	if err := advanceTo(ctx, run, at); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	flusher, _ := w.(http.Flusher)
	// Headers are sent once a line is: from then on, a stream that cannot
	// go on ends with an error line, so a client can tell it was cut.
	endWith := func(m errorMessage) {
		line, _ := json.Marshal(m)
		bw.Write(append(line, '\n'))
		bw.Flush()
	}
	for {
		b, err := run.JSON(plots == 1)
		if err != nil {
			endWith(errorMessageFor(err))
			return nil
		}
		bw.Write(append(b, '\n'))
		if run.StepNumber() >= steps || run.Done() {
			break
		}
		if run.StepNumber() >= limit {
			endWith(errorMessage{Type: "error",
				Message: fmt.Sprintf("stopped after %d drawn frames; ask for fewer steps, or leave out plots=1", limit)})
			return nil
		}
		if ctx.Err() != nil {
			if m, ok := s.cutShort(ctx, w, r, run.StepNumber(), plots == 1); ok {
				endWith(m)
			}
			return nil
		}
		if bw.Buffered() > 16<<10 && flusher != nil {
			bw.Flush()
			flusher.Flush()
		}
		if err := run.Step(); err != nil {
			continue // the next JSON call reports it
		}
	}
	bw.Flush()
	return nil
}

// Why a stream stops before its end, besides its client leaving.
var (
	errShuttingDown = errors.New("the server is shutting down")
	errStreamTime   = errors.New("the stream took as long as the server lets one take")
)

// streamContext bounds a response that steps a run by the server's write
// timeout, less a margin for its last words: a stream the timeout would
// break off mid-line stops in time to say so instead.
func streamContext(r *http.Request) (context.Context, context.CancelFunc) {
	hs, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if hs == nil || hs.WriteTimeout <= 0 {
		return context.WithCancel(r.Context())
	}
	margin := min(hs.WriteTimeout/10, writeWait)
	return context.WithTimeoutCause(r.Context(), hs.WriteTimeout-margin, errStreamTime)
}

// cutShort says why a stream stopped after step, once ctx has ended, and
// makes time to write it; it reports false when the client has gone and
// nobody is left to tell.
func (s *Server) cutShort(ctx context.Context, w http.ResponseWriter, r *http.Request, step int, plots bool) (errorMessage, bool) {
	var msg string
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errStreamTime):
		hs, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
		msg = fmt.Sprintf("stopped after step %d: %v (%v); ask for fewer steps, steps=%d or less", step, errStreamTime, hs.WriteTimeout, step)
		if plots {
			msg += ", or leave out plots=1"
		}
	case errors.Is(cause, errShuttingDown):
		msg = fmt.Sprintf("stopped after step %d: %v; ask again in a moment", step, errShuttingDown)
	default:
		s.logFor(r).Debug("client gone", "path", r.URL.Path, "step", step)
		return errorMessage{}, false
	}
	s.logFor(r).Info("stream cut short", "path", r.URL.Path, "step", step, "why", context.Cause(ctx))
	// The write deadline is about to pass: leave time for the last line.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeWait))
	return errorMessage{Type: "error", Message: msg}, true
}

func (s *Server) handleData(w http.ResponseWriter, r *http.Request) error {
	req, run, err := s.startRun(r)
	if err != nil {
		return err
	}
	defer req.release()
	rows, err := run.Data()
	if err != nil {
		return err
	}
	writeCSV(w, req.sc.Slug+"-data.csv", rows)
	return nil
}

// handleMetrics replays a run and writes every step's metrics as CSV.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	req, run, err := s.startRun(r, "steps", "at")
	if err != nil {
		return err
	}
	defer req.release()
	steps, at, err := stepsFrom(req)
	if err != nil {
		return err
	}
	filename := req.sc.Slug + "-metrics.csv"
	if r.Method == http.MethodHead {
		csvHeaders(w, filename)
		return nil
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	if err := advanceTo(ctx, run, at); err != nil {
		return err
	}
	var names []string
	var rows [][]string
	for {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		f, err := run.Frame(false)
		if err != nil {
			return err
		}
		if names == nil {
			names = sortedKeys(f.Metrics)
			rows = append(rows, append([]string{"step"}, names...))
		}
		row := []string{strconv.Itoa(f.Step)}
		for _, n := range names {
			row = append(row, strconv.FormatFloat(f.Metrics[n], 'g', -1, 64))
		}
		rows = append(rows, row)
		if f.Done || f.Step >= steps {
			break
		}
		if err := run.Step(); err != nil {
			return err
		}
	}
	writeCSV(w, filename, rows)
	return nil
}

func (s *Server) handlePlot(w http.ResponseWriter, r *http.Request) error {
	req, run, err := s.startRun(r, "step", "panel", "at")
	if err != nil {
		return err
	}
	defer req.release()
	step, err := plotStep(req)
	if err != nil {
		return err
	}
	panel := req.sc.Panels[0].Name
	if p, ok := req.extra["panel"]; ok {
		panel = p[0]
	}
	if _, ok := req.sc.Panel(panel); !ok {
		return &ParamError{Name: "panel", Value: panel, Allowed: "one of " + panelNames(req.sc)}
	}
	name := fmt.Sprintf("%s-%s-step%d", req.sc.Slug, panel, step)
	png := strings.HasSuffix(r.URL.Path, ".png")
	if png {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`.png"`)
	} else {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`.svg"`)
	}
	if r.Method == http.MethodHead {
		// Whether the run reaches the step is known only by running it.
		return nil
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	if err := run.AdvanceContext(ctx, step); err != nil {
		return err
	}
	if run.StepNumber() < step {
		name := "step"
		if _, ok := req.extra["step"]; !ok {
			name = "at"
		}
		return &ParamError{Name: name, Value: strconv.Itoa(step),
			Allowed: fmt.Sprintf("this run ends at step %d", run.StepNumber())}
	}
	dpi := 0
	if png {
		dpi = 144
	}
	out, err := run.Export(panel, dpi, exportCaption(req, step))
	if err != nil {
		return err
	}
	if !png {
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n"))
	}
	w.Write(out)
	return nil
}

// exportCaption is the text under a downloaded plot, so that a handout
// says what it shows and how to see it again: the scenario, the step and
// the page of the run, in canonical form.
func exportCaption(req request, step int) []string {
	return []string{
		fmt.Sprintf("ML Playground · %s · step %d", req.sc.Title, step),
		"/s/" + req.sc.Slug + queryPrefix(req.vals.Encode()),
	}
}

func queryPrefix(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

func writeCSV(w http.ResponseWriter, filename string, rows [][]string) {
	csvHeaders(w, filename)
	csv.NewWriter(w).WriteAll(rows)
}

func csvHeaders(w http.ResponseWriter, filename string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// handleWebsocket returns an error only before the upgrade; after it,
// errors are said over the socket, since a browser hides a refused
// handshake's body.
func (s *Server) handleWebsocket(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseRequest(r, chi.URLParam(r, "slug"), "at", "resume")
	var he *httpError
	if errors.As(err, &he) && he.status == http.StatusNotFound {
		return err
	}
	// at=N opens the run at step N: the page resumes a released run so;
	// resume=TOKEN brings back a run whose connection dropped.
	var start int
	var token string
	if err == nil {
		start, err = atStep(req.sc, req.extra)
	}
	if err == nil {
		token, err = resumeToken(req.extra)
	}
	if !hostAllowed(s.hosts, r.Host) {
		s.logFor(r).Warn("websocket refused: host not allowed", "host", r.Host, "origin", r.Header.Get("Origin"))
		return &httpError{status: http.StatusForbidden,
			msg: fmt.Sprintf("this server does not answer to the name %q; its operator can add it with -allow-host", r.Host)}
	}
	conn, upErr := s.upgrader.Upgrade(w, r, http.Header{"X-Request-Id": {w.Header().Get("X-Request-Id")}})
	if upErr != nil {
		return nil // the upgrader has answered (403 for a foreign origin, 400 …)
	}
	conn.SetCompressionLevel(compressionLevel) // used only if the client offered compression
	if err != nil {
		s.metrics.refused.WithLabelValues(refusedParameter).Inc()
		refuse(conn, errorMessageFor(err), websocket.ClosePolicyViolation)
		return nil
	}
	release, err := s.admit(r, req.sc.Slug)
	if err != nil {
		refuse(conn, s.publicMessage(r, err), websocket.CloseTryAgainLater)
		return nil
	}
	defer release()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	query := req.vals.Encode()
	var run *Run
	if token != "" {
		if run, err = s.reconnects.claim(token, req.sc.Slug, query); err != nil {
			s.metrics.refused.WithLabelValues(refusedParameter).Inc()
			refuse(conn, errorMessageFor(err), websocket.ClosePolicyViolation)
			return nil
		}
		run.log = s.logFor(r)
		s.schedule(ctx, run, 0)
		start = run.StepNumber()
	} else if run, err = s.newRun(ctx, s.logFor(r), req.sc, req.vals, 0); err != nil {
		if pe := (*ParamError)(nil); errors.As(err, &pe) {
			// The scenario's own check across parameters (a network too
			// large, a stride that does not fit): a bad parameter too.
			s.metrics.refused.WithLabelValues(refusedParameter).Inc()
			refuse(conn, errorMessageFor(err), websocket.ClosePolicyViolation)
			return nil
		}
		refuse(conn, s.publicMessage(r, err), websocket.CloseInternalServerErr)
		return nil
	}
	if !s.track() {
		s.metrics.refused.WithLabelValues(refusedShutdown).Inc()
		refuse(conn, errorMessage{Type: "error", Message: errShuttingDown.Error()}, websocket.CloseGoingAway)
		return nil
	}
	defer s.sessions.Done()
	clients := s.metrics.clients.WithLabelValues(req.sc.Slug)
	clients.Inc()
	defer clients.Dec()
	cfg := s.sessionConfig(req.sc.Slug)
	cfg.client = clientAddress(r)
	sess := newSession(conn, run, start, s.logFor(r), cfg)
	var h *handover
	sess.token, h = s.reconnects.open(run, req.sc.Slug, query, func() {
		sess.takenOver.Store(true)
		cancel()
		conn.Close() // the old connection is dead or forsaken: stop reading it now
	})
	sess.reconnectTTL = s.reconnects.ttl
	sess.serve(ctx)
	s.reconnects.close(sess.token, h, sess.parkable() && s.ctx.Err() == nil)
	return nil
}

// refuse tells a client why its run cannot start and closes the socket.
func refuse(conn *websocket.Conn, m errorMessage, code int) {
	b, _ := json.Marshal(m)
	conn.SetWriteDeadline(time.Now().Add(writeWait))
	conn.WriteMessage(websocket.TextMessage, b)
	conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, truncate(m.Message, 120)), time.Now().Add(writeWait))
	conn.Close()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
