package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/lessons"
	"github.com/mlplayground/playground/scenarios"
)

// lessonStep is the text and run of a lesson's step, from the lesson file.
func lessonStep(t *testing.T, name string, n int) (lab.LessonStep, int) {
	t.Helper()
	ls, err := lab.LoadLessons(lessons.FS, scenarios.All())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == name {
			return l.Steps[n-1], len(l.Steps)
		}
	}
	t.Fatalf("no lesson %s", name)
	return lab.LessonStep{}, 0
}

// waitStep waits until the tab shows step n of the lesson, its run
// connected, and checks the bar and the run against the lesson file.
func (p *tab) waitStep(lesson string, n int) {
	p.t.Helper()
	st, total := lessonStep(p.t, lesson, n)
	path := fmt.Sprintf("/l/%s/%d", lesson, n)
	p.waitJS("the page is "+path, fmt.Sprintf(`document.getElementById('lesson-bar') && document.getElementById('lesson-bar').dataset.path === %q`, path))
	p.waitReady()
	// The run is the step's, and the address stays the lesson's once the
	// run's "run" message has come.
	p.waitJS("the run's query is the step's", fmt.Sprintf(`window.__e2e.runs > 0 && window.playground.query === %q`, st.RunQuery))
	got := eval[map[string]string](p, `({
  slug: document.getElementById('scenario').dataset.slug,
  path: location.pathname + location.search,
  position: document.querySelector('[data-testid=lesson-position]').textContent,
  text: document.querySelector('[data-testid=lesson-text]').textContent,
  share: document.querySelector('[data-testid=share-url]').value,
})`)
	want := map[string]string{
		"slug":     st.Scenario.Slug,
		"path":     path,
		"position": fmt.Sprintf("Step %d of %d", n, total),
		"text":     st.Text,
		"share":    baseURL + path,
	}
	for k, w := range want {
		if got[k] != w {
			p.t.Errorf("step %d: %s = %q, want %q", n, k, got[k], w)
		}
	}
}

// TestLessonNext: a lesson's step opens as its scenario's page with the
// lesson bar; Next shows the next step's scenario and sentence, and the
// keys ] and [ move on and back.
func TestLessonNext(t *testing.T) {
	progress(t)
	const lesson = "inside-a-neural-network"
	p := newTab(t)
	p.open("/l/" + lesson + "/1")
	p.waitStep(lesson, 1)
	if got := eval[string](p, `document.getElementById('p-dataset').value`); got != "separable" {
		t.Errorf("step 1 data set %q, want separable", got)
	}

	p.click("lesson-next")
	p.waitStep(lesson, 2)
	if got := eval[string](p, `document.getElementById('p-dataset').value`); got != "xor" {
		t.Errorf("step 2 data set %q, want xor", got)
	}
	// Step 2's run plays: it is a run like any other.
	p.step(1)

	p.key("[", "[")
	p.waitStep(lesson, 1)
	p.key("]", "]")
	p.waitStep(lesson, 2)
}

// TestLessonLayouts photographs a lesson's step at a laptop's size, in
// the presentation layout on a projector, and on a phone; none of them
// scrolls sideways, and the presentation layout not at all.
func TestLessonLayouts(t *testing.T) {
	const path = "/l/inside-a-neural-network/6"
	for _, tt := range []struct {
		name  string
		w, h  int64
		query string
	}{
		{"1024x768", 1024, 768, ""},
		{"present-1024x768", 1024, 768, "?view=present"},
		{"390x844", 390, 844, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			progress(t)
			p := newTab(t)
			p.do("sizing the viewport", chromedp.EmulateViewport(tt.w, tt.h))
			p.open(path + tt.query)
			p.waitLaidOut()
			l := eval[pageLayout](p, layoutJS)
			if l.SW > l.VW {
				t.Errorf("the page scrolls sideways: %v wide in a %v viewport", l.SW, l.VW)
			}
			bar := eval[box](p, `(() => { const r = document.getElementById('lesson-bar').getBoundingClientRect();
  return { name: 'lesson-bar', left: r.left, top: r.top, right: r.right, bottom: r.bottom }; })()`)
			if bar.Left < 0 || bar.Right > l.VW || bar.Top < 0 || bar.Bottom > l.VH {
				t.Errorf("the lesson bar is not whole in the viewport: %+v", bar)
			}
			if tt.query != "" {
				if l.SH > l.VH {
					t.Errorf("the presentation layout scrolls: %v high in a %v viewport", l.SH, l.VH)
				}
				for _, b := range append(l.Panels, l.Controls...) {
					if b.Top < bar.Bottom || b.Bottom > l.VH+0.5 {
						t.Errorf("%s is not whole below the lesson bar: top %.1f bottom %.1f (bar ends at %.1f)", b.Name, b.Top, b.Bottom, bar.Bottom)
					}
				}
				for _, b := range l.Panels {
					t.Logf("panel %s: plot %.0f px wide", b.Name, b.Plot)
				}
			}
			p.viewportShot("lesson-" + tt.name)
		})
	}
}
