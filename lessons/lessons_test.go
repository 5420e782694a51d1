package lessons_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/lessons"
	"github.com/mlplayground/playground/scenarios"
	"github.com/mlplayground/playground/web/static"
	"github.com/mlplayground/playground/web/templates"
)

// The lessons the course asked for, by file name.
var required = []string{"overfitting-to-regularisation", "clustering-kmeans-vs-em", "inside-a-neural-network"}

// TestLessonsLoad checks every lesson file with the scenario pages' own
// validation: each step's scenario, parameters, at=N and the scenario's
// checks across parameters. A failure names the file, the step and the
// parameter.
func TestLessonsLoad(t *testing.T) {
	ls, err := lab.LoadLessons(lessons.FS, scenarios.All())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, l := range ls {
		names[l.Name] = true
		if len(l.Steps) < 3 {
			t.Errorf("%s: %d steps; a lesson walks through several runs", l.Name, len(l.Steps))
		}
	}
	for _, n := range required {
		if !names[n] {
			t.Errorf("no lesson %s.txt", n)
		}
	}
}

// TestLessonPages opens every lesson and every step through the real
// server and pages: each step is its scenario's page, with the step's
// sentence, its position, and links to the steps around it.
func TestLessonPages(t *testing.T) {
	all := scenarios.All()
	s, err := lab.NewServer(lab.Config{Scenarios: all, Pages: templates.Pages{}, Static: static.FS, Lessons: lessons.FS,
		MaxRuns: 4, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		ts.Close()
	}()
	ls, err := lab.LoadLessons(lessons.FS, all)
	if err != nil {
		t.Fatal(err)
	}

	list := get(t, ts.URL+"/l/")
	for _, l := range ls {
		if !strings.Contains(list, `href="/l/`+l.Name+`"`) {
			t.Errorf("/l/ does not link to %s", l.Name)
		}
	}
	if cat := get(t, ts.URL+"/"); !strings.Contains(cat, `href="/l/"`) {
		t.Errorf("the catalogue does not link to /l/")
	}

	for _, l := range ls {
		overview := get(t, ts.URL+l.Path())
		for i, st := range l.Steps {
			n := i + 1
			if !strings.Contains(overview, html.EscapeString(st.Text)) || !strings.Contains(overview, fmt.Sprintf(`href="%s"`, l.StepPath(n))) {
				t.Errorf("%s: the overview lacks step %d or its link", l.Name, n)
			}
			page := get(t, ts.URL+l.StepPath(n))
			prev, next := l.Path(), l.Path()
			if n > 1 {
				prev = l.StepPath(n - 1)
			}
			if n < len(l.Steps) {
				next = l.StepPath(n + 1)
			}
			for _, want := range []string{
				`data-slug="` + st.Scenario.Slug + `"`,
				`data-query="` + html.EscapeString(st.RunQuery) + `"`,
				`data-testid="lesson-text"><span>` + html.EscapeString(st.Text) + `<`,
				fmt.Sprintf(`data-testid="lesson-position"><span class="lesson-word">Step </span>%d of %d<`, n, len(l.Steps)),
				`data-testid="lesson-prev" href="` + prev + `"`,
				`data-testid="lesson-next" href="` + next + `"`,
				`data-path="` + l.StepPath(n) + `"`,
				"<kbd>]</kbd>", // the shortcuts list has the lesson's keys
			} {
				if !strings.Contains(page, want) {
					t.Errorf("%s: %s lacks %s", l.Name, l.StepPath(n), want)
				}
			}
		}
		present := get(t, ts.URL+l.StepPath(1)+"?view=present")
		if want := `data-testid="lesson-next" href="` + l.StepPath(2) + `?view=present"`; !strings.Contains(present, want) || !strings.Contains(present, `class="scenario present"`) {
			t.Errorf("%s: the projector layout's step 1 lacks %s", l.Name, want)
		}
	}

	// A scenario page outside a lesson has no lesson bar.
	if page := get(t, ts.URL+"/s/kmeans"); strings.Contains(page, "lesson-bar") || strings.Contains(page, "<kbd>]</kbd>") {
		t.Errorf("/s/kmeans has a lesson bar")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", url, resp.StatusCode, b)
	}
	return string(b)
}
