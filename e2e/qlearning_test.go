package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestQLearning: the gridworld page plays episodes (the episode counter
// advances and the Q panel is redrawn), and a layout typed into the grid
// control starts a new run whose canonical address carries it; a layout
// without a goal is refused with a message naming grid.
func TestQLearning(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/q-learning?step_unit=episode")
	if got := eval[string](p, `document.querySelector('[data-metric=episode]').textContent`); got != "0" {
		t.Errorf("episode counter reads %q on load, want 0", got)
	}
	before := p.plotHTML("q")

	p.click("play")
	p.waitJS("the episode counter passes 3",
		`Number(document.querySelector('[data-metric=episode]').textContent) > 3`)
	p.pause()
	if p.plotHTML("q") == before {
		t.Errorf("after playing episodes the Q panel is unchanged")
	}
	// One Step in episode mode is one whole episode.
	if got, step := eval[int](p, `Number(document.querySelector('[data-metric=episode]').textContent)`), p.counter(); got != step {
		t.Errorf("after %d steps of one episode each, the episode counter reads %d", step, got)
	}
	if os.Getenv("QLEARNING_SCREENSHOTS") != "" {
		for _, size := range [][2]int64{{1400, 1000}, {390, 844}} {
			p.do("resizing", chromedp.EmulateViewport(size[0], size[1]))
			p.screenshot(fmt.Sprintf("q-learning-%dx%d", size[0], size[1]))
		}
		p.do("resizing back", chromedp.EmulateViewport(1280, 900))
	}

	sockets := eval[int](p, `window.__e2e.sockets`)
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-grid');
  el.value = 's..g/.#.p';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("a new run on the typed layout sent its first frame",
		fmt.Sprintf(`window.__e2e.sockets > %d && window.__e2e.socketFrames > 0 &&
			document.querySelector('[data-testid=step-counter]').textContent === '0'`, sockets))
	// The server spells the layout canonically: upper case, W for walls.
	p.waitJS("the address carries the canonical layout",
		`new URLSearchParams(location.search).get('grid') === 'S..G/.W.P'`)
	p.waitReady()
	p.step(1)

	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-grid');
  el.value = 'S.../....';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.allowConsole = true // the refused run is reported on the console too
	p.waitJS("the refusal is shown", `document.querySelector('[data-testid=form-error]').textContent !== ''`)
	msg := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`)
	if !strings.Contains(msg, `"grid"`) || !strings.Contains(msg, "no goal G") {
		t.Errorf("the form error %q does not name grid and the missing goal", msg)
	}
}
