package templates

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
)

var _ lab.LessonPages = Pages{}

func (Pages) Lessons(lessons []*lab.Lesson, view string) templ.Component {
	return lessonsPage(lessons, view)
}
func (Pages) Lesson(l *lab.Lesson, view string) templ.Component { return lessonPage(l, view) }

func viewSuffix(view string) string {
	if view == "" {
		return ""
	}
	return "?view=" + view
}

func stepCount(l *lab.Lesson) string {
	if len(l.Steps) == 1 {
		return "1 step"
	}
	return strconv.Itoa(len(l.Steps)) + " steps"
}

// lessonRoute names a lesson's scenarios in order, each once in a row.
func lessonRoute(l *lab.Lesson) string {
	var titles []string
	for _, st := range l.Steps {
		if n := len(titles); n == 0 || titles[n-1] != st.Scenario.Title {
			titles = append(titles, st.Scenario.Title)
		}
	}
	return strings.Join(titles, " → ")
}
