package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGAN: the GAN page on clicked points steps (the D loss and the map
// change), plays on, and a choice of train=d starts a new run whose
// address carries it and whose note says G is not updated.
func TestGAN(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/gan?target=custom&points=1:1,-1.5:-1")
	metric := func(name string) string {
		return eval[string](p, fmt.Sprintf(`document.querySelector('[data-metric=%s]').textContent`, name))
	}
	before, mapBefore := metric("d_loss"), p.plotHTML("map")
	p.step(1)
	p.step(2)
	if metric("d_loss") == before {
		t.Errorf("the D loss reads %s before and after two steps", before)
	}
	if p.plotHTML("map") == mapBefore {
		t.Errorf("after two steps the map is unchanged")
	}
	p.click("play")
	p.waitJS("the step counter passes 20", `Number(document.querySelector('[data-testid=step-counter]').textContent) > 20`)
	p.pause()
	if note := eval[string](p, `document.querySelector('[data-testid=note]').textContent`); !strings.Contains(note, "of 2 modes") &&
		!strings.Contains(note, "collapse") {
		t.Errorf("the note does not count the two modes: %q", note)
	}

	// train is live: switching it goes on with the run on screen, and the
	// address records from which step.
	sockets := eval[int](p, `window.__e2e.sockets`)
	at := p.counter()
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-train');
  el.value = 'd';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the address records train=d from the step on screen",
		fmt.Sprintf(`new URLSearchParams(location.search).get('train') === 'both,d@%d'`, at))
	p.step(at + 1)
	if note := eval[string](p, `document.querySelector('[data-testid=note]').textContent`); !strings.Contains(note, "no G update") {
		t.Errorf("train=d: the note does not say G is not updated: %q", note)
	}
	if got := eval[int](p, `window.__e2e.sockets`); got != sockets {
		t.Errorf("switching train opened %d new runs, want none", got-sockets)
	}
}
