package lab

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
)

// maxPlottedSteps bounds a headless run that draws its plots.
const maxPlottedSteps = 1000

// Handler returns the whole public surface of the playground.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(securityHeaders)
	r.Get("/", s.handle(s.handleCatalogue))
	r.Get("/s/{slug}", s.handle(s.handlePage))
	r.Get("/ws/{slug}", s.handle(s.handleWebsocket))
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
		files := http.StripPrefix("/static/", http.FileServerFS(s.static))
		r.Get("/static/*", func(w http.ResponseWriter, r *http.Request) {
			// Assets are embedded in the binary: cache for a while, revalidate after.
			w.Header().Set("Cache-Control", "public, max-age=300")
			files.ServeHTTP(w, r)
		})
	}
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no page at %s", r.URL.Path)}
	}))
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, http.StatusMethodNotAllowed, jsonError{Error: r.Method + " is not allowed here; use GET"})
	})
	return r
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleCatalogue(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, s.pages.Catalogue(s.scenarios))
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseRequest(r, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	run, err := s.newRun(r.Context(), req.sc, req.vals, s.budget)
	if err != nil {
		return err
	}
	f, err := run.Frame(true)
	if err != nil {
		return err
	}
	return render(w, r, s.pages.Scenario(PageData{Scenario: req.sc, Values: req.vals, Query: req.vals.Encode(), Frame: f}))
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
	run, err := s.newRun(r.Context(), req.sc, req.vals, s.budget)
	if err != nil {
		req.release()
		return req, nil, err
	}
	return req, run, nil
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) error {
	req, run, err := s.startRun(r, "steps", "plots")
	if err != nil {
		return err
	}
	defer req.release()
	steps, err := intExtra(req.extra, "steps", 0, req.sc.MaxSteps, req.sc.MaxSteps)
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
		if _, given := req.extra["steps"]; given && steps > maxPlottedSteps {
			return &ParamError{Name: "steps", Value: strconv.Itoa(steps),
				Allowed: fmt.Sprintf("at most %d with plots=1", maxPlottedSteps)}
		}
		limit = maxPlottedSteps
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	bw := bufio.NewWriterSize(w, 32<<10)
	flusher, _ := w.(http.Flusher)
	for {
		if r.Context().Err() != nil {
			return nil // client gone
		}
		b, err := run.JSON(plots == 1)
		if err != nil {
			// Headers are sent: end the stream with an error line.
			line, _ := json.Marshal(errorMessageFor(err))
			bw.Write(append(line, '\n'))
			bw.Flush()
			return nil
		}
		bw.Write(append(b, '\n'))
		if run.StepNumber() >= steps || run.Done() {
			break
		}
		if run.StepNumber() >= limit {
			line, _ := json.Marshal(errorMessage{Type: "error",
				Message: fmt.Sprintf("stopped after %d drawn frames; ask for fewer steps, or leave out plots=1", limit)})
			bw.Write(append(line, '\n'))
			break
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
	req, run, err := s.startRun(r, "steps")
	if err != nil {
		return err
	}
	defer req.release()
	steps, err := intExtra(req.extra, "steps", 0, req.sc.MaxSteps, req.sc.MaxSteps)
	if err != nil {
		return err
	}
	var names []string
	var rows [][]string
	for {
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
	writeCSV(w, req.sc.Slug+"-metrics.csv", rows)
	return nil
}

func (s *Server) handlePlot(w http.ResponseWriter, r *http.Request) error {
	req, run, err := s.startRun(r, "step", "panel")
	if err != nil {
		return err
	}
	defer req.release()
	step, err := intExtra(req.extra, "step", 0, req.sc.MaxSteps, 0)
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
	if err := run.Advance(step); err != nil {
		return err
	}
	if run.StepNumber() < step {
		return &ParamError{Name: "step", Value: strconv.Itoa(step),
			Allowed: fmt.Sprintf("this run ends at step %d", run.StepNumber())}
	}
	name := fmt.Sprintf("%s-%s-step%d", req.sc.Slug, panel, step)
	if strings.HasSuffix(r.URL.Path, ".png") {
		img, err := run.PNG(panel, 144)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`.png"`)
		w.Write(img)
		return nil
	}
	svg, _, err := run.SVG(panel)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.svg"`)
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n"))
	w.Write(svg)
	return nil
}

func writeCSV(w http.ResponseWriter, filename string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	csv.NewWriter(w).WriteAll(rows)
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
	req, err := s.parseRequest(r, chi.URLParam(r, "slug"))
	var he *httpError
	if errors.As(err, &he) && he.status == http.StatusNotFound {
		return err
	}
	conn, upErr := s.upgrader.Upgrade(w, r, nil)
	if upErr != nil {
		return nil // the upgrader has answered (403 for a foreign origin, 400 …)
	}
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
	run, err := s.newRun(ctx, req.sc, req.vals, 0)
	if err != nil {
		refuse(conn, s.publicMessage(r, err), websocket.CloseInternalServerErr)
		return nil
	}
	if !s.track() {
		s.metrics.refused.WithLabelValues(refusedShutdown).Inc()
		refuse(conn, errorMessage{Type: "error", Message: "the server is shutting down"}, websocket.CloseGoingAway)
		return nil
	}
	defer s.sessions.Done()
	clients := s.metrics.clients.WithLabelValues(req.sc.Slug)
	clients.Inc()
	defer clients.Dec()
	newSession(conn, run, s.log, s.sessionConfig(req.sc.Slug)).serve(ctx)
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
