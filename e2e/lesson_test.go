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

// stepPanels names the panels a lesson step's run shows.
func stepPanels(t *testing.T, st lab.LessonStep) []string {
	t.Helper()
	q, err := lab.ParseQuery(st.RunQuery)
	if err != nil {
		t.Fatal(err)
	}
	v, err := lab.Parse(st.Scenario.Params, q)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, pn := range st.Scenario.PanelsFor(v) {
		names = append(names, pn.Name)
	}
	return names
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
// scrolls sideways, and the presentation layout not at all. There the
// bar takes the place of the page's title row.
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
				// The bar is the page's title row there: the page's buttons
				// beside it, everything else below it.
				for _, b := range append(l.Panels, l.Controls...) {
					beside := b.Name == "projector" || b.Name == "params-toggle"
					switch {
					case beside && (b.Left < bar.Right || b.Top < bar.Top-0.5 || b.Bottom > bar.Bottom+0.5):
						t.Errorf("%s is not beside the lesson bar: %+v (bar %+v)", b.Name, b, bar)
					case !beside && (b.Top < bar.Bottom || b.Bottom > l.VH+0.5):
						t.Errorf("%s is not whole below the lesson bar: top %.1f bottom %.1f (bar ends at %.1f)", b.Name, b.Top, b.Bottom, bar.Bottom)
					}
				}
				// The scenario's title is in the bar, the page's heading folded away.
				got := eval[map[string]float64](p, `({
  scenario: document.querySelector('[data-testid=lesson-scenario]').getBoundingClientRect().width,
  heading: document.querySelector('.titlebar h1').getBoundingClientRect().width,
})`)
				if got["scenario"] < 50 || got["heading"] > 1 {
					t.Errorf("the scenario's title is %.0f px wide in the bar and %.0f px in the heading, want it in the bar only", got["scenario"], got["heading"])
				}
				for _, b := range l.Panels {
					t.Logf("panel %s: plot %.0f px wide", b.Name, b.Plot)
				}
			}
			p.viewportShot("lesson-" + tt.name)
		})
	}
}

// lessonBarJS measures a lesson step's bar: its box, and its sentence's
// font size, line height and height shown, and whether it shows all of
// its text.
const lessonBarJS = `(() => {
  const r = document.getElementById('lesson-bar').getBoundingClientRect();
  const s = document.querySelector('[data-testid=lesson-text] > span');
  const cs = getComputedStyle(s);
  return {
    bar: { name: 'lesson-bar', left: r.left, top: r.top, right: r.right, bottom: r.bottom },
    font: parseFloat(cs.fontSize), rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
    line: parseFloat(cs.lineHeight), height: s.getBoundingClientRect().height, whole: s.scrollHeight <= s.clientHeight + 1,
  };
})()`

type lessonBarLayout struct {
	Bar                     box
	Font, Rem, Line, Height float64
	Whole                   bool
}

// TestLessonPresentFits: every step of every lesson in the presentation
// layout, at 1024×768 and at 1920×1080, meets what TestPresentFits asks of
// a scenario page, with the lesson bar whole above the run: its sentence
// readable from the back of a room (at least 1rem) and at most two lines.
func TestLessonPresentFits(t *testing.T) {
	ls, err := lab.LoadLessons(lessons.FS, scenarios.All())
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range projectorSizes {
		for _, l := range ls {
			for i, st := range l.Steps {
				t.Run(fmt.Sprintf("%s/%s/%d", size.name, l.Name, i+1), func(t *testing.T) {
					progress(t)
					want := stepPanels(t, st)
					p := newTab(t)
					p.do("sizing the viewport", chromedp.EmulateViewport(size.w, size.h))
					p.open(l.StepPath(i+1) + "?view=present")
					lay := p.checkFits(size, want)
					b := eval[lessonBarLayout](p, lessonBarJS)
					if b.Bar.Left < 0 || b.Bar.Top < 0 || b.Bar.Right > lay.VW || b.Bar.Bottom > lay.VH {
						t.Errorf("the lesson bar is not whole in the viewport: %+v", b.Bar)
					}
					for _, c := range append(lay.Panels, lay.Controls...) {
						if c.Name != "projector" && c.Name != "params-toggle" && c.Top < b.Bar.Bottom-0.5 {
							t.Errorf("%s begins at %.1f, inside the lesson bar (it ends at %.1f)", c.Name, c.Top, b.Bar.Bottom)
						}
					}
					if b.Font < b.Rem {
						t.Errorf("the lesson's sentence is %.1f px, want at least 1rem (%.0f px) to read it from the back", b.Font, b.Rem)
					}
					if b.Height > 2*b.Line+1 {
						t.Errorf("the lesson's sentence is %.0f px high, more than two lines of %.0f px", b.Height, b.Line)
					}
					if l.Name == "inside-a-neural-network" && i+1 == 6 {
						p.viewportShot(fmt.Sprintf("lesson-present-%s", size.name))
					}
				})
			}
		}
	}
}

// TestLessonSentenceUnfolds: in the presentation layout a sentence longer
// than two lines is folded; a click (or Enter) unfolds it whole over the
// plots, which do not move, and a second click or Esc folds it again.
func TestLessonSentenceUnfolds(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.do("sizing the viewport", chromedp.EmulateViewport(1024, 768))
	p.open("/l/inside-a-neural-network/6?view=present")
	p.waitLaidOut()
	const panels = `JSON.stringify(document.getElementById('panels').getBoundingClientRect())`
	before := eval[string](p, panels)
	b := eval[lessonBarLayout](p, lessonBarJS)
	if b.Whole {
		t.Fatalf("step 6's sentence shows whole in two lines at 1024×768; the test needs a longer one")
	}
	if got := eval[string](p, `document.getElementById('lesson-text').getAttribute('aria-expanded')`); got != "false" {
		t.Errorf("the folded sentence has aria-expanded=%q, want false", got)
	}
	p.click("lesson-text")
	p.waitJS("the sentence unfolded", `document.getElementById('lesson-text').classList.contains('open')`)
	b = eval[lessonBarLayout](p, lessonBarJS)
	if !b.Whole || b.Height < 3*b.Line-1 {
		t.Errorf("the unfolded sentence is %.0f px high (lines of %.0f px), whole: %v", b.Height, b.Line, b.Whole)
	}
	if after := eval[string](p, panels); after != before {
		t.Errorf("unfolding the sentence moved the plots: %s, then %s", before, after)
	}
	p.viewportShot("lesson-present-unfolded")
	p.key("Escape", "\x1b")
	p.waitJS("Esc folded the sentence", `!document.getElementById('lesson-text').classList.contains('open')`)
	// From the keyboard: Enter and Space on the focused sentence, which
	// do not reach the page's keys (Space would play the run).
	p.do("pressing Enter on the sentence", chromedp.Focus(chromedp.CSS(`#lesson-text`)), chromedp.KeyEvent("\r"))
	p.waitJS("Enter unfolded the sentence", `document.getElementById('lesson-text').classList.contains('open')`)
	p.do("pressing Space on the sentence", chromedp.KeyEvent(" "))
	p.waitJS("Space folded it", `!document.getElementById('lesson-text').classList.contains('open')`)
	p.do("pressing Space on the sentence again", chromedp.KeyEvent(" "))
	p.waitJS("Space unfolded it", `document.getElementById('lesson-text').classList.contains('open')`)
	p.click("lesson-text")
	p.waitJS("a second click folded it", `!document.getElementById('lesson-text').classList.contains('open')`)
	if got := eval[int](p, `window.playground.step`); got != 0 {
		t.Errorf("the run moved to step %d: the keys on the sentence played it", got)
	}
}

// TestLessonPresentSwitch: a lesson step switched to the presentation
// layout on the page, not by its address, fits as one opened in it, and
// switched back shows the page's title row again.
func TestLessonPresentSwitch(t *testing.T) {
	progress(t)
	const lesson = "inside-a-neural-network"
	st, _ := lessonStep(t, lesson, 6)
	want := stepPanels(t, st)
	size := projectorSizes[0]
	p := newTab(t)
	p.do("sizing the viewport", chromedp.EmulateViewport(size.w, size.h))
	p.open("/l/" + lesson + "/6")
	p.click("projector")
	p.waitJS("the page is in the presentation layout", `document.getElementById('scenario').classList.contains('present')`)
	p.checkFits(size, want)
	if b := eval[lessonBarLayout](p, lessonBarJS); b.Height > 2*b.Line+1 {
		t.Errorf("the lesson's sentence is %.0f px high, more than two lines of %.0f px", b.Height, b.Line)
	}
	p.click("projector")
	p.waitJS("the page left the presentation layout", `!document.getElementById('scenario').classList.contains('present')`)
	if w := eval[float64](p, `document.querySelector('.titlebar h1').getBoundingClientRect().width`); w < 100 {
		t.Errorf("the page's heading is %.0f px wide after leaving the presentation layout", w)
	}
}
