package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLearningParadigms: the page opens with the split and the golden rule
// in its note; stepping fits the supervised candidates with the test
// accuracy unshown until the choice, at step 5, opens it; playing on
// reaches the reinforcement view, whose panel is redrawn as episodes run;
// the explanation links the q-learning page.
func TestLearningParadigms(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/learning-paradigms")
	note := func() string { return eval[string](p, `document.querySelector('[data-testid=note]').textContent`) }
	metric := func(name string) string {
		return eval[string](p, fmt.Sprintf(`document.querySelector('[data-metric=%s]').textContent`, name))
	}
	if n := note(); !strings.Contains(n, "golden rule") || !strings.Contains(n, "54 train, 18 val and 18 test") {
		t.Errorf("the first note does not give the split and the golden rule: %q", n)
	}
	if eval[int](p, `document.querySelectorAll('a[href="/s/q-learning"]').length`) == 0 {
		t.Errorf("the explanation does not link the q-learning page")
	}
	supervised, reinforcement := p.plotHTML("supervised"), p.plotHTML("reinforcement")

	for step := 1; step <= 4; step++ {
		p.step(step)
		if got := metric("test_accuracy"); got != "—" {
			t.Fatalf("step %d, before the choice: test accuracy shows %q", step, got)
		}
	}
	if p.plotHTML("supervised") == supervised {
		t.Errorf("after fitting four degrees the supervised panel is unchanged")
	}
	p.step(5)
	if got := metric("test_accuracy"); got == "—" || got == "" {
		t.Errorf("after the choice the test accuracy shows %q", got)
	}
	if n := note(); !strings.Contains(n, "test opened, once") {
		t.Errorf("the note at the choice does not say test was opened once: %q", n)
	}

	p.click("play")
	p.waitJS("the reinforcement view ran some episodes",
		`Number(document.querySelector('[data-metric=episode]').textContent) >= 30`)
	p.pause()
	if p.plotHTML("reinforcement") == reinforcement {
		t.Errorf("after episodes the reinforcement panel is unchanged")
	}
	if n := note(); !strings.Contains(n, "Reinforcement") || !strings.Contains(n, "[T: ") {
		t.Errorf("the note in the reinforcement view: %q", n)
	}
	if os.Getenv("PARADIGMS_SCREENSHOTS") != "" {
		for _, size := range [][2]int64{{1400, 1000}, {390, 844}} {
			p.do("resizing", chromedp.EmulateViewport(size[0], size[1]))
			p.screenshot(fmt.Sprintf("learning-paradigms-%dx%d", size[0], size[1]))
		}
	}
}
