package e2e

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRoomPresentFollowFork: the presenter presents (key p) and gets the
// room's card; a second tab opens /r/{code}, follows the run with its
// controls off, and sees the step advance and a new parameter arrive;
// its Fork opens its own run at the room's step.
func TestRoomPresentFollowFork(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/kmeans?k=3")
	p.key("p", "p")
	p.waitJS("the room's card shows its code and QR code", `document.getElementById('room-dialog').open &&
		document.getElementById('room-code').textContent.length === 5 &&
		document.getElementById('room-qr').complete && document.getElementById('room-qr').naturalWidth > 0`)
	code := eval[string](p, `document.getElementById('room-code').textContent`)
	if !regexp.MustCompile(`^[2-9A-HJ-NP-Z]{5}$`).MatchString(code) {
		t.Fatalf("room code %q: want 5 characters without 0, O, 1 or I", code)
	}
	if eval[bool](p, `(() => {
  const r = JSON.parse(sessionStorage.getItem('playground.room'));
  return !r.secret || document.documentElement.outerHTML.includes(r.secret) || location.href.includes(r.secret);
})()`) {
		t.Errorf("the presenter's secret is missing from sessionStorage, or shows in the page or its address")
	}
	p.viewportShot("room-card")
	p.click("room-close")

	f := newTab(t)
	f.open("/r/" + code)
	f.waitJS("the follower's page says it follows and has its controls off",
		`document.getElementById('follow-bar').textContent.includes('Following room `+code+`') &&
		document.getElementById('step').disabled && document.getElementById('play').disabled && document.getElementById('p-k').disabled`)
	p.waitJS("the presenter sees one follower", `document.querySelector('[data-testid=room-followers]').textContent === '1'`)
	f.viewportShot("room-follower")
	if eval[bool](f, `[...document.querySelectorAll('.panel figcaption small')].some((s) => s.offsetParent !== null)`) {
		t.Errorf("the follower's page invites clicks to add points, which only the presenter can do")
	}

	p.step(1)
	p.step(2)
	f.waitJS("the follower's counter follows to step 2", `document.querySelector('[data-testid=step-counter]').textContent === '2'`)
	if got, want := f.metrics(), p.metrics(); len(got) == 0 || firstDiffSlices(got, want) != "" {
		t.Errorf("the follower's metrics %v differ from the presenter's %v", got, want)
	}
	if got := eval[string](f, `location.pathname`); got != "/r/"+code {
		t.Errorf("the follower's address is %s, want /r/%s", got, code)
	}

	// The presenter changes a parameter: a new run, which the room follows.
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-k');
  el.value = '5';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	f.waitAcrossReload("the follower's page shows the presenter's new run", `window.playground && window.playground.root.dataset.query === 'k=5' &&
		document.querySelector('[data-testid=step-counter]').textContent === '0' && document.getElementById('follow-bar') !== null`)
	p.step(1)
	f.waitJS("the follower sees step 1 of the new run", `document.querySelector('[data-testid=step-counter]').textContent === '1'`)
	want := p.metrics()

	f.click("fork")
	f.waitAcrossReload("Fork opened the follower's own run", `location.pathname === '/s/kmeans' && window.playground && !window.playground.room`)
	f.waitReady()
	if got := f.counter(); got != 1 {
		t.Errorf("the fork opened at step %d, want the room's step 1", got)
	}
	if got := f.metrics(); firstDiffSlices(got, want) != "" {
		t.Errorf("the fork's metrics %v differ from the room's %v", got, want)
	}
	f.step(2) // its own run: its controls work
	p.waitJS("the presenter's run stayed at step 1", `document.querySelector('[data-testid=step-counter]').textContent === '1'`)
}

func firstDiffSlices(a, b []string) string {
	if len(a) != len(b) {
		return "lengths differ"
	}
	for i := range a {
		if a[i] != b[i] {
			return a[i] + " ≠ " + b[i]
		}
	}
	return ""
}

// waitAcrossReload waits until expr is true in the tab, which may load a
// new document meanwhile (an evaluation cut by it is tried again).
func (p *tab) waitAcrossReload(what, expr string) {
	p.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(pollInterval)
	}
	p.t.Fatalf("waiting until %s (%s): not within %v (last error %v)\npage state: %s", what, expr, waitTimeout, last, p.state())
}

// TestRoomPresenterNavigates: the presenter opens another scenario in
// the same tab; the tab presents it to the same room, and the follower's
// page switches to it by itself.
func TestRoomPresenterNavigates(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/kmeans")
	p.click("room-present")
	p.waitJS("the room's card is open", `document.getElementById('room-dialog').open && document.getElementById('room-code').textContent.length === 5`)
	code := eval[string](p, `document.getElementById('room-code').textContent`)
	p.click("room-close")

	f := newTab(t)
	f.open("/r/" + code)
	p.open("/s/decision-tree")
	p.waitJS("the new page presents to the same room", `!document.getElementById('room-badge').hidden &&
		document.getElementById('room-badge-code').textContent === '`+code+`'`)
	f.waitAcrossReload("the follower's page shows the presenter's new scenario", `window.playground && window.playground.slug === 'decision-tree' &&
		location.pathname === '/r/`+code+`' && window.playground.ws && window.playground.ws.readyState === 1`)
	p.step(1)
	f.waitJS("the follower sees the new run's step 1", `document.querySelector('[data-testid=step-counter]').textContent === '1'`)
}
