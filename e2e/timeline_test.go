package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// seekTo drags the timeline to step n and waits for the frame of that step.
func (p *tab) seekTo(n int) {
	p.t.Helper()
	eval[chromedp.Void](p, fmt.Sprintf(`(() => {
  const el = document.querySelector('[data-testid=timeline]');
  el.value = '%d';
  el.dispatchEvent(new Event('input', { bubbles: true }));
})()`, n))
	p.waitJS(fmt.Sprintf("the timeline brought the run to step %d", n),
		fmt.Sprintf(`document.querySelector('[data-testid=step-counter]').textContent === '%d' && window.playground.seeking === null`, n))
}

// TestTimeline: a page opened with at=N shows step N, paused; the
// timeline goes back and forth over the steps reached and shows the very
// frames the run showed; ← goes one step back; the address and Share
// carry the step on screen.
func TestTimeline(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/kmeans?k=8&at=6") // k=8 converges at step 33
	if got := p.counter(); got != 6 {
		t.Fatalf("at=6 opens at step %d, want 6", got)
	}
	if eval[bool](p, `window.playground.running`) || eval[bool](p, `document.getElementById('play').disabled`) {
		t.Errorf("at=6 opens playing or with Play disabled, want paused")
	}
	if got := eval[[]int](p, `window.__e2e.steps`); !slices.Equal(got, []int{6}) {
		t.Errorf("at=6: the run sent frames at steps %v, want one at step 6", got)
	}
	p.waitJS("the address keeps at=6", `new URLSearchParams(location.search).get('at') === '6'`)
	if got := eval[string](p, `document.querySelector('[data-testid=timeline]').max`); got != "6" {
		t.Errorf("timeline max = %s at step 6, want 6", got)
	}

	for want := 7; want <= 10; want++ {
		p.step(want)
	}
	svg10, metrics10 := p.plotHTML("clusters"), p.metrics()
	p.seekTo(3)
	svg3, metrics3 := p.plotHTML("clusters"), p.metrics()
	p.key("ArrowLeft", "\u0302") // kb.ArrowLeft
	p.waitJS("← went one step back", `document.querySelector('[data-testid=step-counter]').textContent === '2'`)
	p.seekTo(10)
	if got, gotM := p.plotHTML("clusters"), p.metrics(); got != svg10 || !slices.Equal(gotM, metrics10) {
		t.Errorf("step 10 reached again on the timeline differs from step 10 reached by Step: %s", firstDiff(svg10, got))
	}
	p.waitJS("the address carries at=10", `new URLSearchParams(location.search).get('at') === '10'`)
	p.click("share")
	url := eval[string](p, `document.querySelector('[data-testid=share-url]').value`)
	if !strings.HasSuffix(url, "/s/kmeans?k=8&at=10") {
		t.Errorf("share URL %q, want it to end /s/kmeans?k=8&at=10", url)
	}

	// Space plays and pauses; the address then carries the step reached.
	p.key("Space", " ")
	p.waitJS("Space started the run", `window.playground.running === true`)
	p.key("Space", " ")
	p.waitJS("Space paused the run", `window.playground.running === false`)
	p.waitJS("the address carries the step the run paused at",
		`new URLSearchParams(location.search).get('at') === document.querySelector('[data-testid=step-counter]').textContent`)
	// The ? overlay lists the run's keys.
	p.key("?", "?")
	p.waitJS("the ? overlay is open", `document.querySelector('[data-testid=shortcuts]').open`)
	keys := eval[string](p, `document.querySelector('[data-testid=shortcuts]').textContent`)
	for _, want := range []string{"Spaceplay or pause", "→one step", "←one step back on the timeline", "rstart over"} {
		if !strings.Contains(keys, want) {
			t.Errorf("the ? overlay lacks %q: %q", want, keys)
		}
	}
	p.click("shortcuts-close")

	// A fresh page at step 3 shows what the timeline showed there.
	q := newTab(t)
	q.open("/s/kmeans?k=8&at=3")
	if got, gotM := q.plotHTML("clusters"), q.metrics(); got != svg3 || !slices.Equal(gotM, metrics3) {
		t.Errorf("at=3 differs from step 3 reached on the timeline: %s", firstDiff(svg3, got))
	}
	q.checkConsole()
	p.checkConsole()
}

// TestLiveParameter: q-learning's ε changed while the run is on screen
// takes effect from the step shown, in the same run; the address records
// when, and opening it shows the same state.
func TestLiveParameter(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/q-learning")
	for want := 1; want <= 3; want++ {
		p.step(want)
	}
	sockets := eval[int](p, `window.__e2e.sockets`)
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-epsilon');
  el.value = '0.5';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the address records ε = 0.5 from step 3", `new URLSearchParams(location.search).get('epsilon') === '0.2,0.5@3'`)
	p.step(4)
	p.step(5)
	if got := eval[int](p, `window.__e2e.sockets`); got != sockets {
		t.Errorf("changing ε opened %d new runs, want none: the run on screen goes on", got-sockets)
	}
	p.seekTo(2)
	if got := eval[string](p, `document.getElementById('p-epsilon').value`); got != "0.2" {
		t.Errorf("at step 2 the ε field reads %q, want 0.2, the value then", got)
	}
	p.seekTo(5)
	if got := eval[string](p, `document.getElementById('p-epsilon').value`); got != "0.5" {
		t.Errorf("at step 5 the ε field reads %q, want 0.5", got)
	}
	p.waitJS("the address carries at=5", `new URLSearchParams(location.search).get('at') === '5'`)
	url := eval[string](p, `location.href`)
	svg, metrics := p.plotHTML("q"), p.metrics()
	q := newTab(t)
	q.open(url)
	if got := q.counter(); got != 5 {
		t.Fatalf("%s opens at step %d, want 5", url, got)
	}
	if got, gotM := q.plotHTML("q"), q.metrics(); got != svg || !slices.Equal(gotM, metrics) {
		t.Errorf("%s differs from the run it was copied from: %s", url, firstDiff(svg, got))
	}
	p.checkConsole()
	q.checkConsole()
}

// TestLiveChoice: the gan's train, a live choice, switched while the run
// is on screen: the address records the step, the run goes on without a
// new socket, and going back on the timeline shows the choice then.
func TestLiveChoice(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/gan")
	p.step(1)
	p.step(2)
	sockets := eval[int](p, `window.__e2e.sockets`)
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-train');
  el.value = 'd';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the address records train=d from step 2", `new URLSearchParams(location.search).get('train') === 'both,d@2'`)
	p.step(3)
	p.waitJS("the note says G was not updated", `document.querySelector('[data-testid=note]').textContent.includes('no G update')`)
	if got := eval[int](p, `window.__e2e.sockets`); got != sockets {
		t.Errorf("switching train opened %d new runs, want none", got-sockets)
	}
	p.seekTo(1)
	if got := eval[string](p, `document.getElementById('p-train').value`); got != "both" {
		t.Errorf("at step 1 the train field reads %q, want both, the choice then", got)
	}
	p.checkConsole()
}
