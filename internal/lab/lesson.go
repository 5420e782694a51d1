package lab

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Lesson is a teacher's walk through scenario runs in a set order, each
// run with a sentence or two on what to look at and what to ask. It is a
// text file (see lessons/README.md), served at /l/{name}, its steps at
// /l/{name}/{n}.
type Lesson struct {
	Name  string // the file's name without .txt
	Title string
	Intro string
	Steps []LessonStep
}

// A LessonStep is one run of a lesson and what the teacher says about it.
type LessonStep struct {
	Scenario *Scenario
	// Query is the step's scenario query in canonical form, then at=N
	// if the step opens its run at step N.
	Query string
	// RunQuery is the canonical query of the run alone, without at: what
	// a run's "run" message says while the page shows this step.
	RunQuery string
	At       int
	Text     string
}

// URL is the step's scenario page on its own, outside the lesson.
func (st LessonStep) URL() string { return "/s/" + st.Scenario.Slug + queryPrefix(st.Query) }

// Path is the lesson's overview page.
func (l *Lesson) Path() string { return "/l/" + l.Name }

// StepPath is the page of step n (from 1).
func (l *Lesson) StepPath(n int) string { return l.Path() + "/" + strconv.Itoa(n) }

// maxLessonText bounds one step's sentence, so that the lesson bar holds
// it on a projector without pushing the plots off the screen.
const maxLessonText = 320

// lessonExtras are the names a lesson's URL may carry besides its
// scenario's parameters: at=N, the step its run opens at.
var lessonExtras = []string{"at"}

var lessonName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// LoadLessons reads every *.txt at the top of fsys as a lesson and checks
// each step's URL against scenarios with the scenario pages' own
// validation. The lessons come in the course's order: by the catalogue
// position of their first scenario, then by name. Every bad file is
// reported, each error naming the file, the step and what was wrong.
func LoadLessons(fsys fs.FS, scenarios []*Scenario) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, fmt.Errorf("lab: listing lessons: %w", err)
	}
	bySlug := map[string]*Scenario{}
	for _, sc := range scenarios {
		bySlug[sc.Slug] = sc
	}
	var lessons []*Lesson
	var errs []error
	for _, file := range names {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			errs = append(errs, fmt.Errorf("lab: lesson %s: %w", path.Join("lessons", file), err))
			continue
		}
		l, err := ParseLesson(strings.TrimSuffix(file, ".txt"), string(b), bySlug)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lessons = append(lessons, l)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	position := func(l *Lesson) int {
		return slices.Index(scenarios, l.Steps[0].Scenario)
	}
	slices.SortStableFunc(lessons, func(a, b *Lesson) int {
		if d := position(a) - position(b); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	return lessons, nil
}

// ParseLesson reads one lesson file: a title line "# …", a paragraph of
// introduction, then one paragraph a step: the step's URL /s/{slug}?…
// on its first line, its sentence on the lines after. Paragraphs are
// separated by blank lines.
func ParseLesson(name, text string, bySlug map[string]*Scenario) (*Lesson, error) {
	file := lessonPath(name)
	fail := func(line int, format string, a ...any) error {
		return fmt.Errorf("lab: lesson %s, line %d: %s", file, line, fmt.Sprintf(format, a...))
	}
	if !lessonName.MatchString(name) {
		return nil, fmt.Errorf("lab: lesson %s: the file's name must be lower-case words joined by hyphens, such as lessons/inside-a-network.txt: it is the lesson's address", file)
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("lab: lesson %s: not UTF-8 text", file)
	}
	paras := paragraphs(text)
	if len(paras) < 3 {
		return nil, fmt.Errorf("lab: lesson %s: a lesson needs a title line \"# …\", an introduction and at least one step, each a paragraph separated by a blank line", file)
	}
	l := &Lesson{Name: name}
	title := paras[0]
	if len(title.lines) != 1 || !strings.HasPrefix(title.lines[0], "# ") || strings.TrimSpace(title.lines[0][2:]) == "" {
		return nil, fail(title.start, "the first paragraph must be one title line beginning with \"# \"")
	}
	l.Title = strings.TrimSpace(title.lines[0][2:])
	intro := paras[1]
	if strings.HasPrefix(intro.lines[0], "/") {
		return nil, fail(intro.start, "the second paragraph is the lesson's introduction, before the first step's URL")
	}
	l.Intro = strings.Join(intro.lines, " ")
	for i, p := range paras[2:] {
		n := i + 1
		st, err := parseLessonStep(p.lines, bySlug)
		if err != nil {
			return nil, fmt.Errorf("lab: lesson %s, step %d (line %d): %w", file, n, p.start, err)
		}
		l.Steps = append(l.Steps, st)
	}
	return l, nil
}

func parseLessonStep(lines []string, bySlug map[string]*Scenario) (LessonStep, error) {
	raw := lines[0]
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/s/") || u.Fragment != "" {
		return LessonStep{}, fmt.Errorf("the step's first line must be a scenario's address such as /s/kmeans?k=3, not %q", raw)
	}
	slug := strings.TrimPrefix(u.Path, "/s/")
	sc := bySlug[slug]
	if sc == nil {
		return LessonStep{}, fmt.Errorf("no scenario %q (its address is %s)", slug, raw)
	}
	q, err := ParseQuery(u.RawQuery)
	if err != nil {
		return LessonStep{}, err
	}
	vals, extra, err := parseValues(sc, q, lessonExtras)
	if err != nil {
		return LessonStep{}, err
	}
	at, err := intExtra(extra, "at", 0, sc.MaxSteps, 0)
	if err != nil {
		return LessonStep{}, errors.Unwrap(err) // the *ParamError, without the HTTP status
	}
	// The scenario's own checks across parameters (a stride that does
	// not fit the image, …), as the page's run would make them.
	if _, err := sc.New(vals); err != nil {
		return LessonStep{}, err
	}
	if len(lines) < 2 {
		return LessonStep{}, errors.New("the step has no sentence: write on the lines after its URL what to look at and what to ask")
	}
	text := strings.Join(lines[1:], " ")
	if n := utf8.RuneCountInString(text); n > maxLessonText {
		return LessonStep{}, fmt.Errorf("the sentence has %d characters; keep it to %d, one or two sentences, so that it fits above the plots", n, maxLessonText)
	}
	st := LessonStep{Scenario: sc, RunQuery: vals.Encode(), At: at, Text: text}
	st.Query = st.RunQuery
	if _, ok := extra["at"]; ok {
		st.Query = strings.TrimPrefix(st.Query+"&at="+strconv.Itoa(at), "&")
	}
	return st, nil
}

// paragraph is a run of non-blank lines and the line it starts on.
type paragraph struct {
	start int
	lines []string
}

func paragraphs(text string) []paragraph {
	var out []paragraph
	var cur *paragraph
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, paragraph{start: i + 1})
			cur = &out[len(out)-1]
		}
		cur.lines = append(cur.lines, line)
	}
	return out
}

// LessonBar is what a scenario page shows when it is a lesson's step:
// the lesson, the step's number (from 1) and the way on.
type LessonBar struct {
	Lesson *Lesson
	N      int
}

// Step is the step the page shows.
func (b LessonBar) Step() LessonStep { return b.Lesson.Steps[b.N-1] }

// Path is the page's own address, without the view.
func (b LessonBar) Path() string { return b.Lesson.StepPath(b.N) }

// Position says where the page is in the lesson, "Step 2 of 5".
func (b LessonBar) Position() string {
	return fmt.Sprintf("Step %d of %d", b.N, len(b.Lesson.Steps))
}

// Prev is the address before this step: the previous step, or the
// lesson's overview from the first.
func (b LessonBar) Prev(view string) string {
	if b.N == 1 {
		return b.Lesson.Path() + viewQuery(view)
	}
	return b.Lesson.StepPath(b.N-1) + viewQuery(view)
}

// Next is the address after this step: the next step, or the lesson's
// overview from the last.
func (b LessonBar) Next(view string) string {
	if b.N == len(b.Lesson.Steps) {
		return b.Lesson.Path() + viewQuery(view)
	}
	return b.Lesson.StepPath(b.N+1) + viewQuery(view)
}

// First and Last say whether the step begins or ends the lesson.
func (b LessonBar) First() bool { return b.N == 1 }
func (b LessonBar) Last() bool  { return b.N == len(b.Lesson.Steps) }

func viewQuery(view string) string {
	if view == "" {
		return ""
	}
	return "?view=" + view
}

type lessonBarKey struct{}

// LessonBarFrom is the lesson bar of the page being rendered, if it is a
// lesson's step. The lesson route passes it through the request's context
// so that a step's page is the scenario page itself, made by the same
// handler from the same query.
func LessonBarFrom(ctx context.Context) (LessonBar, bool) {
	b, ok := ctx.Value(lessonBarKey{}).(LessonBar)
	return b, ok
}

// lessonPath is the address of a lesson file, for messages.
func lessonPath(name string) string { return path.Join("lessons", name+".txt") }

// loadLessons reads the server's lessons; a bad lesson file stops the
// server from starting, with the file, the step and the parameter named.
func (s *Server) loadLessons(fsys fs.FS) error {
	s.lessonByName = map[string]*Lesson{}
	if fsys == nil {
		return nil
	}
	lessons, err := LoadLessons(fsys, s.scenarios)
	if err != nil {
		return err
	}
	s.lessons = lessons
	for _, l := range lessons {
		s.lessonByName[l.Name] = l
	}
	return nil
}
