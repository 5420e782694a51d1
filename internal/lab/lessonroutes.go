package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// LessonPages renders the lesson pages; web/templates implements it
// beside Pages. A server whose pages do not has no lesson pages, only
// /api/lessons.
type LessonPages interface {
	// Lessons is the list of every lesson, at /l/.
	Lessons(lessons []*Lesson, view string) templ.Component
	// Lesson is one lesson's overview: its introduction and its steps.
	Lesson(l *Lesson, view string) templ.Component
}

// lessonRoutes adds the lessons: their list, each one's overview, each
// step's page (the scenario page with a lesson bar) and their JSON.
func (s *Server) lessonRoutes(r chi.Router) {
	r.Get("/l", http.RedirectHandler("/l/", http.StatusMovedPermanently).ServeHTTP)
	r.Get("/l/", s.handle(s.handleLessons))
	r.Get("/l/{lesson}", s.handle(s.handleLesson))
	r.Get("/l/{lesson}/{n}", s.handle(s.handleLessonStep))
	r.Get("/api/lessons", s.handle(s.handleLessonsJSON))
}

func (s *Server) lessonPages(r *http.Request) (LessonPages, error) {
	p, ok := s.pages.(LessonPages)
	if !ok {
		return nil, &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no page at %s: this server has no lesson pages", r.URL.Path)}
	}
	return p, nil
}

// lessonView reads the one parameter a lesson's page takes, view=present:
// a step's scenario parameters are the lesson's, not the address's.
func lessonView(r *http.Request) (string, error) {
	q, err := ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", badRequest(err)
	}
	for name, v := range q {
		if name != "view" {
			return "", badRequest(&ParamError{Name: name, Value: strings.Join(v, ","),
				Allowed: "not a parameter of a lesson's page, which takes only view=" + ViewPresent + "; the parameters of its runs are written in the lesson"})
		}
		if len(v) > 1 {
			return "", badRequest(&ParamError{Name: name, Value: strings.Join(v, ","), Allowed: "given more than once; give it once"})
		}
	}
	view, err := pageView(q)
	if err != nil {
		return "", badRequest(err)
	}
	return view, nil
}

// lesson is the lesson named in the route, or a 404 that says where the
// lessons are.
func (s *Server) lesson(r *http.Request) (*Lesson, error) {
	name := chi.URLParam(r, "lesson")
	l := s.lessonByName[name]
	if l == nil {
		return nil, &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no lesson %q; the lessons are listed at /l/", name)}
	}
	return l, nil
}

func (s *Server) handleLessons(w http.ResponseWriter, r *http.Request) error {
	pages, err := s.lessonPages(r)
	if err != nil {
		return err
	}
	view, err := lessonView(r)
	if err != nil {
		return err
	}
	return render(w, r, pages.Lessons(s.lessons, view))
}

func (s *Server) handleLesson(w http.ResponseWriter, r *http.Request) error {
	pages, err := s.lessonPages(r)
	if err != nil {
		return err
	}
	l, err := s.lesson(r)
	if err != nil {
		return err
	}
	view, err := lessonView(r)
	if err != nil {
		return err
	}
	return render(w, r, pages.Lesson(l, view))
}

// handleLessonStep serves step n of a lesson: the scenario page of the
// step's URL, made by the scenario page's own handler from the step's
// query (so at=N and every parameter mean there what they mean on
// /s/{slug}), with the lesson bar above it.
func (s *Server) handleLessonStep(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.lessonPages(r); err != nil {
		return err
	}
	l, err := s.lesson(r)
	if err != nil {
		return err
	}
	raw := chi.URLParam(r, "n")
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > len(l.Steps) || raw != strconv.Itoa(n) {
		return &httpError{status: http.StatusNotFound,
			msg: fmt.Sprintf("lesson %q has no step %q; its steps are 1 to %d", l.Name, raw, len(l.Steps))}
	}
	view, err := lessonView(r)
	if err != nil {
		return err
	}
	st := l.Steps[n-1]
	query := st.Query
	if view != "" {
		query = strings.TrimPrefix(query+"&view="+view, "&")
	}
	rctx := chi.NewRouteContext()
	rctx.URLParams.Add("slug", st.Scenario.Slug)
	ctx := context.WithValue(r.Context(), chi.RouteCtxKey, rctx)
	ctx = context.WithValue(ctx, lessonBarKey{}, LessonBar{Lesson: l, N: n})
	page := r.Clone(ctx)
	page.URL.RawQuery = query
	return s.handlePage(w, page)
}

// lessonJSON is one entry of GET /api/lessons.
type lessonJSON struct {
	Name  string           `json:"name"`
	Title string           `json:"title"`
	Intro string           `json:"intro"`
	URL   string           `json:"url"`
	Steps []lessonStepJSON `json:"steps"`
}

type lessonStepJSON struct {
	URL      string `json:"url"`      // the step's page in the lesson
	Scenario string `json:"scenario"` // the scenario's slug
	Run      string `json:"run"`      // the step's scenario page on its own
	At       int    `json:"at"`
	Text     string `json:"text"`
}

func (s *Server) handleLessonsJSON(w http.ResponseWriter, r *http.Request) error {
	out := make([]lessonJSON, 0, len(s.lessons))
	for _, l := range s.lessons {
		j := lessonJSON{Name: l.Name, Title: l.Title, Intro: l.Intro, URL: l.Path()}
		for i, st := range l.Steps {
			j.Steps = append(j.Steps, lessonStepJSON{URL: l.StepPath(i + 1), Scenario: st.Scenario.Slug, Run: st.URL(), At: st.At, Text: st.Text})
		}
		out = append(out, j)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // URLs keep their & readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("lab: encoding the lessons: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b.Bytes())
	return nil
}
