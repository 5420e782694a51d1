package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/a-h/templ"
)

// counterLesson walks the test scenarios: two counter runs, the second
// opened at step 5, then a long one.
const counterLesson = `# Counting

How a counter counts,
in three runs.

/s/counter?last=10
Watch x go up by one a step.

/s/counter?seed=1&at=5&last=30
Opened at step 5;
ask what comes next.

/s/long
A long one.
`

func testScenarios() map[string]*Scenario {
	long := *counter
	long.Slug, long.MaxSteps = "long", 5000
	// picky checks its parameters against each other in New, as a
	// scenario whose stride must fit its image does.
	picky := *counter
	picky.Slug = "picky"
	picky.New = func(v Values) (Model, error) {
		if counterPanicAt.Get(v) > counterLast.Get(v) {
			return nil, &ParamError{Name: "panic_at", Value: v.Text("panic_at"), Allowed: "at most last"}
		}
		return counter.New(v)
	}
	return map[string]*Scenario{"counter": counter, "long": &long, "picky": &picky}
}

func TestParseLesson(t *testing.T) {
	l, err := ParseLesson("counting", counterLesson, testScenarios())
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != "Counting" || l.Intro != "How a counter counts, in three runs." {
		t.Errorf("title %q, intro %q", l.Title, l.Intro)
	}
	want := []struct {
		slug, query, runQuery string
		at                    int
		text, url             string
	}{
		{"counter", "last=10", "last=10", 0, "Watch x go up by one a step.", "/s/counter?last=10"},
		// Canonical order: the table's (last before seed), at after it;
		// seed=1 is the default and is left out.
		{"counter", "last=30&at=5", "last=30", 5, "Opened at step 5; ask what comes next.", "/s/counter?last=30&at=5"},
		{"long", "", "", 0, "A long one.", "/s/long"},
	}
	if len(l.Steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(l.Steps), len(want))
	}
	for i, w := range want {
		st := l.Steps[i]
		if st.Scenario.Slug != w.slug || st.Query != w.query || st.RunQuery != w.runQuery || st.At != w.at || st.Text != w.text || st.URL() != w.url {
			t.Errorf("step %d = {%s %q %q at %d %q %s}, want %+v", i+1, st.Scenario.Slug, st.Query, st.RunQuery, st.At, st.Text, st.URL(), w)
		}
	}
	if got := l.StepPath(2); got != "/l/counting/2" {
		t.Errorf("StepPath(2) = %q", got)
	}
}

// TestParseLessonErrors: a bad lesson is refused with the file, the step
// and its line, and what was wrong (the parameter, for a bad value).
func TestParseLessonErrors(t *testing.T) {
	const head = "# Title\n\nIntro.\n\n"
	tests := []struct {
		name, file, text string
		want             []string
	}{
		{"bad value", "c", head + "/s/counter?last=500\nText.\n",
			[]string{"lessons/c.txt, step 1 (line 5)", `parameter "last": invalid value "500": an integer from 1 to 100`}},
		{"unknown parameter", "c", head + "/s/counter\nFine.\n\n/s/counter?colour=red\nText.\n",
			[]string{"lessons/c.txt, step 2 (line 8)", `parameter "colour"`}},
		{"at past the scenario's last step", "c", head + "/s/counter?at=51\nText.\n",
			[]string{"step 1", `parameter "at": invalid value "51": an integer from 0 to 50`}},
		{"at twice", "c", head + "/s/counter?at=1&at=2\nText.\n",
			[]string{"step 1", `parameter "at"`, "given more than once"}},
		{"view is the reader's, not the lesson's", "c", head + "/s/counter?view=present\nText.\n",
			[]string{"step 1", `parameter "view"`}},
		{"the scenario's own check across parameters", "c", head + "/s/picky?last=5&panic_at=3\nFine.\n\n/s/picky?last=5&panic_at=9\nText.\n",
			[]string{"step 2", `parameter "panic_at": invalid value "9": at most last`}},
		{"unknown scenario", "c", head + "/s/nope?k=3\nText.\n",
			[]string{"step 1", `no scenario "nope"`}},
		{"not a scenario address", "c", head + "https://example.com/s/counter\nText.\n",
			[]string{"step 1", "must be a scenario's address"}},
		{"no sentence", "c", head + "/s/counter\n",
			[]string{"step 1", "has no sentence"}},
		{"sentence too long", "c", head + "/s/counter\n" + strings.Repeat("word ", 70) + "\n",
			[]string{"step 1", "keep it to 320"}},
		{"no title", "c", "Counting\n\nIntro.\n\n/s/counter\nText.\n",
			[]string{"lessons/c.txt, line 1", "title line"}},
		{"no introduction", "c", "# Title\n\n/s/counter\nText.\n",
			[]string{"lessons/c.txt", "at least one step"}},
		{"introduction missing before steps", "c", "# Title\n\n/s/counter\nText.\n\n/s/counter\nText.\n",
			[]string{"line 3", "introduction"}},
		{"file name", "Counting_1", head + "/s/counter\nText.\n",
			[]string{"lessons/Counting_1.txt", "lower-case words joined by hyphens"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLesson(tt.file, tt.text, testScenarios())
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want an error naming %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestLoadLessonsOrder: lessons come in the catalogue's order of their
// first scenario, then by name; a bad file stops the load, and every bad
// file is named.
func TestLoadLessonsOrder(t *testing.T) {
	sc := testScenarios()
	scenarios := []*Scenario{sc["counter"], sc["long"]}
	lesson := func(slug string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("# " + slug + "\n\nIntro.\n\n/s/" + slug + "\nText.\n")}
	}
	fsys := fstest.MapFS{
		"a-long.txt":    lesson("long"),
		"b-counter.txt": lesson("counter"),
		"a-counter.txt": lesson("counter"),
		"README.md":     {Data: []byte("not a lesson")},
	}
	ls, err := LoadLessons(fsys, scenarios)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range ls {
		names = append(names, l.Name)
	}
	if got, want := strings.Join(names, " "), "a-counter b-counter a-long"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}

	fsys["x-bad.txt"] = &fstest.MapFile{Data: []byte("# X\n\nIntro.\n\n/s/counter?last=0\nText.\n")}
	fsys["y-bad.txt"] = &fstest.MapFile{Data: []byte("# Y\n\nIntro.\n\n/s/counter\nText.\n\n/s/long?big=maybe\nText.\n")}
	_, err = LoadLessons(fsys, scenarios)
	if err == nil {
		t.Fatal("bad lessons loaded")
	}
	for _, w := range []string{`lessons/x-bad.txt, step 1 (line 5): parameter "last"`, `lessons/y-bad.txt, step 2 (line 8): parameter "big"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}

	// The server refuses to start with them.
	if _, err := NewServer(Config{Scenarios: scenarios, Pages: fakePages{}, Lessons: fsys, MaxRuns: 1}); err == nil || !strings.Contains(err.Error(), "lessons/x-bad.txt") {
		t.Errorf("NewServer with a bad lesson: %v, want an error naming lessons/x-bad.txt", err)
	}
}

func TestLessonBarLinks(t *testing.T) {
	l, err := ParseLesson("counting", counterLesson, testScenarios())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		n                    int
		view                 string
		position, prev, next string
		first, last          bool
	}{
		{1, "", "Step 1 of 3", "/l/counting", "/l/counting/2", true, false},
		{2, "", "Step 2 of 3", "/l/counting/1", "/l/counting/3", false, false},
		{3, "", "Step 3 of 3", "/l/counting/2", "/l/counting", false, true},
		{2, ViewPresent, "Step 2 of 3", "/l/counting/1?view=present", "/l/counting/3?view=present", false, false},
		{3, ViewPresent, "Step 3 of 3", "/l/counting/2?view=present", "/l/counting?view=present", false, true},
	}
	for _, tt := range tests {
		b := LessonBar{Lesson: l, N: tt.n}
		if got := b.Position(); got != tt.position {
			t.Errorf("step %d: position %q, want %q", tt.n, got, tt.position)
		}
		if got := b.Prev(tt.view); got != tt.prev {
			t.Errorf("step %d view %q: previous %q, want %q", tt.n, tt.view, got, tt.prev)
		}
		if got := b.Next(tt.view); got != tt.next {
			t.Errorf("step %d view %q: next %q, want %q", tt.n, tt.view, got, tt.next)
		}
		if b.First() != tt.first || b.Last() != tt.last {
			t.Errorf("step %d: first %v last %v, want %v %v", tt.n, b.First(), b.Last(), tt.first, tt.last)
		}
		if got, want := b.Path(), fmt.Sprintf("/l/counting/%d", tt.n); got != want {
			t.Errorf("step %d: path %q, want %q", tt.n, got, want)
		}
	}
}

// lessonPages are the test pages with the lesson pages: a step's page
// says which lesson bar its context carries.
type lessonPages struct{ fakePages }

func (lessonPages) Lessons(ls []*Lesson, view string) templ.Component {
	var names []string
	for _, l := range ls {
		names = append(names, l.Name)
	}
	return templ.Raw(fmt.Sprintf("lessons %s view %q", strings.Join(names, " "), view))
}

func (lessonPages) Lesson(l *Lesson, view string) templ.Component {
	return templ.Raw(fmt.Sprintf("lesson %s: %d steps, view %q", l.Name, len(l.Steps), view))
}

func (lessonPages) Scenario(p PageData) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		fmt.Fprintf(w, "page %s step %d query %q view %q", p.Scenario.Slug, p.Frame.Step, p.Query, p.View)
		if b, ok := LessonBarFrom(ctx); ok {
			fmt.Fprintf(w, "\nlesson %s: %s: %s prev %s next %s", b.Lesson.Name, b.Position(), b.Step().Text, b.Prev(p.View), b.Next(p.View))
		}
		return nil
	})
}

func newLessonServer(t *testing.T, pages Pages) *httptest.Server {
	t.Helper()
	sc := testScenarios()
	s, err := NewServer(Config{Scenarios: []*Scenario{sc["counter"], sc["long"]}, Pages: pages, MaxRuns: 4,
		Lessons: fstest.MapFS{"counting.txt": {Data: []byte(counterLesson)}},
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		ts.Close()
	})
	return ts
}

func TestLessonRoutes(t *testing.T) {
	ts := newLessonServer(t, lessonPages{})
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/l/", 200, `lessons counting view ""`},
		{"/l/?view=present", 200, `lessons counting view "present"`},
		{"/l/counting", 200, `lesson counting: 3 steps, view ""`},
		// A step is the scenario page of its query, with the lesson bar.
		{"/l/counting/1", 200, "page counter step 0 query \"last=10\" view \"\"\n" +
			"lesson counting: Step 1 of 3: Watch x go up by one a step. prev /l/counting next /l/counting/2"},
		{"/l/counting/2", 200, `page counter step 5 query "last=30" view ""` + "\n" +
			"lesson counting: Step 2 of 3: Opened at step 5; ask what comes next. prev /l/counting/1 next /l/counting/3"},
		{"/l/counting/3?view=present", 200, `page long step 0 query "" view "present"` + "\n" +
			"lesson counting: Step 3 of 3: A long one. prev /l/counting/2?view=present next /l/counting?view=present"},
		{"/l/nope", 404, `no lesson "nope"; the lessons are listed at /l/`},
		{"/l/nope/1", 404, `no lesson "nope"`},
		{"/l/counting/0", 404, `lesson "counting" has no step "0"; its steps are 1 to 3`},
		{"/l/counting/4", 404, `has no step "4"`},
		{"/l/counting/01", 404, `has no step "01"`},
		{"/l/counting/two", 404, `has no step "two"`},
		{"/l/counting/1?last=3", 400, `parameter "last": invalid value "3": not a parameter of a lesson's page`},
		{"/l/counting/1?view=big", 400, `parameter "view": invalid value "big"`},
		{"/l/counting?at=3", 400, `parameter "at"`},
		{"/l/counting/1?view=present&view=present", 400, "given more than once"},
	}
	for _, tt := range tests {
		status, body, _ := get(t, ts.URL+tt.path)
		if status != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("GET %s = %d %q, want %d containing %q", tt.path, status, body, tt.status, tt.body)
		}
	}

	// /l goes to /l/.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(ts.URL + "/l")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/l/" {
		t.Errorf("GET /l = %d to %q, want 301 to /l/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestLessonStepIsScenarioPage: a lesson's step and the scenario page of
// its address are made by the same handler: same status, same page but
// for the lesson bar.
func TestLessonStepIsScenarioPage(t *testing.T) {
	ts := newLessonServer(t, lessonPages{})
	for _, tt := range []struct{ step, page string }{
		{"/l/counting/1", "/s/counter?last=10"},
		{"/l/counting/2", "/s/counter?last=30&at=5"},
		{"/l/counting/3?view=present", "/s/long?view=present"},
	} {
		s1, b1, _ := get(t, ts.URL+tt.step)
		s2, b2, _ := get(t, ts.URL+tt.page)
		if s1 != 200 || s2 != 200 {
			t.Fatalf("GET %s = %d, GET %s = %d", tt.step, s1, tt.page, s2)
		}
		if page, _, _ := strings.Cut(b1, "\nlesson "); page != b2 {
			t.Errorf("%s shows %q, %s shows %q", tt.step, page, tt.page, b2)
		}
	}
}

func TestLessonsJSON(t *testing.T) {
	ts := newLessonServer(t, fakePages{})
	status, body, h := get(t, ts.URL+"/api/lessons")
	if status != 200 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/lessons = %d %s", status, h.Get("Content-Type"))
	}
	var got []lessonJSON
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "counting" || got[0].URL != "/l/counting" || len(got[0].Steps) != 3 {
		t.Fatalf("lessons %+v", got)
	}
	want := lessonStepJSON{URL: "/l/counting/2", Scenario: "counter", Run: "/s/counter?last=30&at=5", At: 5, Text: "Opened at step 5; ask what comes next."}
	if got[0].Steps[1] != want {
		t.Errorf("step 2 = %+v, want %+v", got[0].Steps[1], want)
	}
	if !strings.Contains(body, `"run": "/s/counter?last=30&at=5"`) {
		t.Errorf("the JSON escapes the URLs' &: %s", body)
	}

	// Pages without the lesson pages: the JSON only.
	if status, body, _ := get(t, ts.URL+"/l/counting/1"); status != 404 || !strings.Contains(body, "no lesson pages") {
		t.Errorf("GET /l/counting/1 without lesson pages = %d %q, want 404", status, body)
	}
}
