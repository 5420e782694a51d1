package lab

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
)

// DefaultThumbStep is the step a scenario's catalogue picture shows when
// the scenario names none (Scenario.ThumbStep): far enough into a default
// run for most to show what they are about, and cheap to reach.
const DefaultThumbStep = 30

// thumbCache holds each scenario's catalogue picture once drawn: the
// default run is deterministic, so the picture never changes while the
// server runs.
type thumbCache struct {
	mu     sync.Mutex
	bySlug map[string]*thumb
}

// thumb is one picture, drawn once; done closes when svg or err is set.
type thumb struct {
	done chan struct{}
	svg  []byte
	err  error
}

// ThumbStep is the step of the scenario's catalogue picture.
func ThumbStep(sc *Scenario) int {
	if sc.ThumbStep > 0 {
		return sc.ThumbStep
	}
	return min(DefaultThumbStep, sc.MaxSteps)
}

// thumbnail returns the scenario's picture: its first panel at ThumbStep
// of a default run. Requests that come while it is drawn wait for that
// one drawing; a drawing that failed is tried again by the next request.
func (s *Server) thumbnail(ctx context.Context, log *slog.Logger, sc *Scenario) ([]byte, error) {
	c := &s.thumbs
	c.mu.Lock()
	t := c.bySlug[sc.Slug]
	if t == nil {
		t = &thumb{done: make(chan struct{})}
		c.bySlug[sc.Slug] = t
		c.mu.Unlock()
		// The server's context, not the request's: others may wait on it.
		t.svg, t.err = s.drawThumb(log, sc)
		if t.err != nil {
			c.mu.Lock()
			delete(c.bySlug, sc.Slug)
			c.mu.Unlock()
		}
		close(t.done)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-t.done:
		return t.svg, t.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (s *Server) drawThumb(log *slog.Logger, sc *Scenario) ([]byte, error) {
	run, err := s.newRun(s.ctx, log, sc, Defaults(sc.Params), s.budget)
	if err != nil {
		return nil, err
	}
	if err := run.AdvanceContext(s.ctx, ThumbStep(sc)); err != nil {
		return nil, err
	}
	svg, _, err := run.SVG(sc.Panels[0].Name)
	return svg, err
}

// handleThumb serves GET /thumb/{slug}.svg, a scenario's catalogue picture.
// It takes no run slot: there is one drawing per scenario for the life of
// the server, done through the scheduler like any other work.
func (s *Server) handleThumb(w http.ResponseWriter, r *http.Request) error {
	file := chi.URLParam(r, "file")
	slug, ok := strings.CutSuffix(file, ".svg")
	sc := s.bySlug[slug]
	if !ok || sc == nil {
		return notFound(w, r)
	}
	svg, err := s.thumbnail(r.Context(), s.logFor(r), sc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n"))
	w.Write(svg)
	return nil
}
