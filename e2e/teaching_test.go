package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTeachersFold: an explanation's implementation depth sits in a
// closed <details class="teachers"> whose formulas are typeset; a click
// on its summary opens it.
func TestTeachersFold(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/svm")
	if n := eval[int](p, `document.querySelectorAll('.explanation details.teachers').length`); n != 1 {
		t.Fatalf("%d teachers' folds on the svm page, want 1", n)
	}
	if eval[bool](p, `document.querySelector('.explanation details.teachers').open`) {
		t.Errorf("the teachers' fold is open on load")
	}
	if got := eval[string](p, `document.querySelector('.explanation details.teachers > summary').textContent`); !strings.HasPrefix(got, "For teachers") {
		t.Errorf("fold summary %q", got)
	}
	if n := eval[int](p, `document.querySelectorAll('.explanation details.teachers .katex').length`); n == 0 {
		t.Errorf("no typeset formula inside the fold")
	}
	if eval[bool](p, `document.querySelector('.explanation details.teachers p').checkVisibility()`) {
		t.Errorf("the folded text is visible before the fold is opened")
	}
	p.do("opening the fold",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.explanation details.teachers > summary').scrollIntoView()`),
		chromedp.Click(chromedp.CSS(`.explanation details.teachers > summary`)))
	p.waitJS("the fold is open and its text shows", `document.querySelector('.explanation details.teachers').open &&
  document.querySelector('.explanation details.teachers p').checkVisibility()`)
	if errs := p.takeConsoleErrors(); len(errs) > 0 {
		t.Fatalf("browser errors:\n%s", strings.Join(errs, "\n"))
	}
}
