package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios"
)

// scenario describes what the tests know of a scenario page.
type scenario struct {
	slug      string
	main      string   // the first panel, the one that shows the model
	panels    []string // every panel, in page order
	clickable bool     // a click on the main panel adds a point
}

// allScenarios is every scenario of the catalogue: each one must pass every
// test here.
var allScenarios = func() []scenario {
	var out []scenario
	for _, sc := range scenarios.All() {
		s := scenario{slug: sc.Slug, main: sc.Panels[0].Name, clickable: sc.Panels[0].Points != ""}
		for _, p := range sc.PanelsFor(lab.Defaults(sc.Params)) { // those a default run shows
			s.panels = append(s.panels, p.Name)
		}
		out = append(out, s)
	}
	return out
}()

// TestLoad: the page loads with no browser error, at step 0, with every
// plot drawn and the explanation's formulas typeset.
func TestLoad(t *testing.T) {
	for _, sc := range allScenarios {
		t.Run(sc.slug, func(t *testing.T) {
			progress(t)
			p := newTab(t)
			p.open("/s/" + sc.slug)

			if got := p.counter(); got != 0 {
				t.Errorf("step counter reads %d on load, want 0", got)
			}
			if got := eval[int](p, `window.playground.step`); got != 0 {
				t.Errorf("window.playground.step = %d on load, want 0", got)
			}
			got := eval[[]string](p, `[...document.querySelectorAll('figure.panel:not([hidden])')].map((f) => f.dataset.panel)`)
			if !slices.Equal(got, sc.panels) {
				t.Errorf("panels on the page = %v, want %v", got, sc.panels)
			}
			for _, name := range sc.panels {
				if !eval[bool](p, fmt.Sprintf(`!!document.querySelector('[data-testid="panel-%s"] svg')`, name)) {
					t.Errorf("panel %q holds no <svg>", name)
				}
			}
			if n := eval[int](p, `document.querySelectorAll('.katex').length`); n == 0 {
				t.Errorf("the explanation has no typeset formula (.katex): KaTeX did not run")
			}
			if n := eval[int](p, `document.querySelectorAll('.tex:not(:has(.katex))').length`); n != 0 {
				t.Errorf("%d formulas (.tex) were left untypeset", n)
			}
			// Errors may come late: a failed asset or font, a bad frame.
			p.waitLoaded()
			if errs := p.takeConsoleErrors(); len(errs) > 0 {
				t.Fatalf("the page reported %d browser errors on load:\n%s", len(errs), strings.Join(errs, "\n"))
			}
		})
	}
}

// TestPlayPause: Play advances the run and redraws the main plot; Pause
// stops it.
func TestPlayPause(t *testing.T) {
	for _, sc := range allScenarios {
		t.Run(sc.slug, func(t *testing.T) {
			progress(t)
			p := newTab(t)
			p.open("/s/" + sc.slug)
			eval[chromedp.Void](p, `window.__before = [...document.querySelectorAll('.plot')].map((e) => e.innerHTML).join('')`)

			p.click("play")
			p.waitJS("the client says it is running", `window.playground.running === true || window.playground.done`)
			p.waitJS("the counter is past 0 and a plot was redrawn",
				`Number(document.querySelector('[data-testid=step-counter]').textContent) > 0 &&
					[...document.querySelectorAll('.plot')].map((e) => e.innerHTML).join('') !== window.__before`)
			if !eval[bool](p, `document.getElementById('play').disabled && !document.getElementById('pause').disabled`) {
				t.Errorf("while running, play should be disabled and pause enabled\npage state: %s", p.state())
			}

			paused := p.pause()
			// One read: a late frame may come between two.
			if got := eval[[]int](p, `[window.playground.step, Number(document.querySelector('[data-testid=step-counter]').textContent)]`); got[0] != got[1] {
				t.Errorf("window.playground.step = %d but the counter reads %d", got[0], got[1])
			}
			if eval[bool](p, `document.getElementById('play').disabled`) {
				t.Errorf("after pause the play button stays disabled\npage state: %s", p.state())
			}
			p.screenshot(sc.slug + "-after-play")

			// The server may follow the pause status with one more frame,
			// the step it had taken but not yet sent, and then nothing.
			steps, after := p.resetAndCollect(paused)
			if len(after) > 1 {
				t.Errorf("after pause the counter kept moving: the pause status was followed by frames at steps %v, want at most one", after)
			}
			last := steps[paused-1]
			if len(after) == 1 {
				if after[0] <= last {
					t.Errorf("the frame after the pause status is at step %d, want past %d, the step shown before it", after[0], last)
				}
				last = after[0]
			}
			if last == 0 {
				t.Errorf("after playing and pausing the counter reads 0")
			}
		})
	}
}

// TestPauseHolds: a paused run stays paused however long it is watched.
// It is watched while a second run of the same scenario, on the same
// server, plays ten steps at the same speed: in that time a server that
// kept stepping the paused run would send it some ten frames. At most one
// may come, the step taken before the pause arrived.
func TestPauseHolds(t *testing.T) {
	progress(t)
	const slug, watch = "logistic-regression", 10
	p := newTab(t)
	p.open("/s/" + slug)
	p.click("play")
	p.waitJS("the run played two steps", `Number(document.querySelector('[data-testid=step-counter]').textContent) >= 2`)
	paused := p.pause()

	clock := newTab(t)
	clock.open("/s/" + slug)
	clock.click("play")
	clock.waitJS(fmt.Sprintf("a second run played %d steps", watch),
		fmt.Sprintf(`Number(document.querySelector('[data-testid=step-counter]').textContent) >= %d`, watch))

	if _, after := p.resetAndCollect(paused); len(after) > 1 {
		t.Errorf("while a second run played %d steps, the paused run sent frames at steps %v, want at most one", watch, after)
	}
}

// TestStep: each click on Step advances exactly one step; ArrowRight steps
// and r resets.
func TestStep(t *testing.T) {
	for _, sc := range allScenarios {
		t.Run(sc.slug, func(t *testing.T) {
			progress(t)
			p := newTab(t)
			p.open("/s/" + sc.slug)

			// A known state: step once, then reset, so reset is exercised too.
			p.step(1)
			p.click("reset")
			p.waitJS("the counter is back to 0 after reset",
				`document.querySelector('[data-testid=step-counter]').textContent === '0' && window.__e2e.steps.at(-1) === 0`)
			mark := eval[int](p, `window.__e2e.steps.length`)

			for want := 1; want <= 3; want++ {
				p.step(want)
			}
			steps := eval[[]int](p, fmt.Sprintf(`window.__e2e.steps.slice(%d)`, mark))
			if !slices.Equal(steps, []int{1, 2, 3}) {
				t.Errorf("frames received for three clicks on step carry steps %v, want [1 2 3]", steps)
			}

			p.key("ArrowRight", "\u0303") // kb.ArrowRight
			p.waitJS("the counter passes 3 after ArrowRight",
				`Number(document.querySelector('[data-testid=step-counter]').textContent) > 3`)
			if got := p.counter(); got != 4 {
				t.Errorf("after ArrowRight the counter reads %d, want 4", got)
			}

			statusBefore := p.statusCount()
			p.key("r", "r")
			p.waitResetAnswer(statusBefore)
			if got := eval[int](p, `window.playground.step`); got != 0 {
				t.Errorf("after r window.playground.step = %d, want 0", got)
			}
			// Every frame since the first reset is here now, so a doubled
			// step, even one that came late, shows up in this list.
			steps = eval[[]int](p, fmt.Sprintf(`window.__e2e.steps.slice(%d)`, mark))
			if !slices.Equal(steps, []int{1, 2, 3, 4, 0}) {
				t.Errorf("frames received for three clicks on step, ArrowRight and r carry steps %v, want [1 2 3 4 0]", steps)
			}
		})
	}
}

// TestShare: the shared URL replays the same run, bit for bit, to the
// step shared.
func TestShare(t *testing.T) {
	for _, sc := range allScenarios {
		t.Run(sc.slug, func(t *testing.T) {
			progress(t)
			first := newTab(t)
			first.open("/s/" + sc.slug)
			for want := 1; want <= 3; want++ {
				first.step(want)
			}
			first.click("share")
			first.waitJS("the share box holds an absolute URL",
				`document.querySelector('[data-testid=share-url]').value.startsWith('http')`)
			url := eval[string](first, `document.querySelector('[data-testid=share-url]').value`)
			if want := baseURL + "/s/" + sc.slug; url != want && !strings.HasPrefix(url, want+"?") {
				t.Fatalf("share URL = %q, want %s with an optional query", url, want)
			}
			if here := eval[string](first, `location.href`); here != url {
				t.Errorf("share URL %q differs from the address bar %q", url, here)
			}
			svg1, metrics1 := first.plotHTML(sc.main), first.metrics()

			if !strings.Contains(url, "at=3") {
				t.Errorf("share URL %q at step 3 lacks at=3", url)
			}
			second := newTab(t)
			second.open(url)
			if got := second.counter(); got != 3 {
				t.Fatalf("the shared link opens at step %d, want 3, the step shared", got)
			}
			svg2, metrics2 := second.plotHTML(sc.main), second.metrics()

			if len(metrics1) == 0 {
				t.Errorf("the first tab shows no metrics")
			}
			if !slices.Equal(metrics1, metrics2) {
				t.Errorf("metrics at step 3 differ:\n  first tab:  %v\n  shared tab: %v", metrics1, metrics2)
			}
			if svg1 != svg2 {
				t.Errorf("the %s plot at step 3 differs between the first tab and the shared link: %s", sc.main, firstDiff(svg1, svg2))
			}
		})
	}
}

// TestChangeParam: changing K starts a new run from step 0 and puts k=3 in
// the address.
func TestChangeParam(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/kmeans")
	p.step(1)
	sockets := eval[int](p, `window.__e2e.sockets`)

	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-k');
  el.value = '3';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the address has k=3 and a new run sent its first frame at step 0",
		fmt.Sprintf(`new URLSearchParams(location.search).get('k') === '3' &&
			window.__e2e.sockets > %d && window.__e2e.socketFrames > 0 &&
			document.querySelector('[data-testid=step-counter]').textContent === '0'`, sockets))
	if got := eval[string](p, `window.__e2e.lastQuery`); !strings.Contains("&"+got+"&", "&k=3&") {
		t.Errorf("the server's canonical query is %q, want it to hold k=3", got)
	}
	if got := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`); got != "" {
		t.Errorf("form error shown after a valid change: %q", got)
	}
	p.waitReady()
	p.step(1)
}

// TestAddPoint: a click in the data area adds a point, the address keeps
// it, and a reload shows it again.
func TestAddPoint(t *testing.T) {
	for _, sc := range allScenarios {
		if !sc.clickable {
			continue
		}
		t.Run(sc.slug, func(t *testing.T) {
			progress(t)
			p := newTab(t)
			p.open("/s/" + sc.slug)
			if got := eval[string](p, `document.querySelector('[data-testid=count-points]').textContent`); got != "0" {
				t.Fatalf("points count reads %q on load, want 0", got)
			}
			// The centre of the data area, in page pixels: the viewport's
			// Rect is in the SVG's user units, and the SVG's screen matrix
			// maps those to the page.
			eval[chromedp.Void](p, fmt.Sprintf(`document.querySelector('[data-testid="panel-%s"]').scrollIntoView({block: 'center'})`, sc.main))
			pt := eval[[]float64](p, fmt.Sprintf(`(() => {
  const svg = document.querySelector('[data-testid="panel-%s"] svg');
  const [l, t, r, b] = window.playground.viewports[%q].Rect;
  const q = svg.createSVGPoint();
  q.x = (l + r) / 2;
  q.y = (t + b) / 2;
  const s = q.matrixTransform(svg.getScreenCTM());
  return [s.x, s.y];
})()`, sc.main, sc.main))
			if sc.slug == "kmeans" {
				// Cross-check: the Voronoi <image> fills the data area, so
				// its centre must be the same place.
				img := eval[[]float64](p, `(() => {
  const r = document.querySelector('[data-testid="panel-clusters"] svg image').getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2];
})()`)
				if dx, dy := img[0]-pt[0], img[1]-pt[1]; dx*dx+dy*dy > 4*4 {
					t.Errorf("the centre of the data area from the viewports JSON, %v, is not the centre of the plot's image, %v", pt, img)
				}
			}
			sockets := eval[int](p, `window.__e2e.sockets`)
			p.do("clicking the middle of the data area", chromedp.MouseClickXY(pt[0], pt[1]))
			p.waitJS("one point is counted, the address carries it and the new run sent a frame",
				fmt.Sprintf(`document.querySelector('[data-testid=count-points]').textContent === '1' &&
					(new URLSearchParams(location.search).get('points') || '') !== '' &&
					window.__e2e.sockets > %d && window.__e2e.socketFrames > 0`, sockets))
			if got := eval[string](p, `location.search`); !strings.Contains(got, "points=") {
				t.Errorf("location.search = %q, want points=", got)
			}
			hidden := eval[string](p, `document.getElementById('p-points').value`)
			// x:y, or x:y:class where points carry a class.
			if n := strings.Count(hidden, ":"); strings.Contains(hidden, ",") || n < 1 || n > 2 {
				t.Errorf("#p-points = %q, want one x:y or x:y:class point", hidden)
			}
			if got := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`); got != "" {
				t.Errorf("form error after adding a point: %q", got)
			}

			url := eval[string](p, `location.href`)
			p.open(url)
			if got := eval[string](p, `document.querySelector('[data-testid=count-points]').textContent`); got != "1" {
				t.Errorf("after reloading %s the points count reads %q, want 1", url, got)
			}
			if got := eval[string](p, `document.getElementById('p-points').value`); got != hidden {
				t.Errorf("after reloading, #p-points = %q, want %q", got, hidden)
			}
		})
	}
}

// TestBadURL: a parameter out of range gives the error page with status 400.
func TestBadURL(t *testing.T) {
	cases := []struct {
		path   string
		status int
		says   []string
	}{
		{path: "/s/kmeans?k=99", status: http.StatusBadRequest, says: []string{`"k"`, "1 to 10"}},
	}
	for _, tc := range cases {
		t.Run(strings.TrimPrefix(tc.path, "/s/"), func(t *testing.T) {
			progress(t)
			resp, err := http.Get(baseURL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("GET %s: status %d, want %d", tc.path, resp.StatusCode, tc.status)
			}

			p := newTab(t)
			p.allowConsole = true // Chrome logs the 400 of the document itself
			p.do("loading "+tc.path, chromedp.Navigate(baseURL+tc.path))
			p.waitJS("the error message is shown", `!!document.querySelector('[data-testid=error-message]')`)
			msg := eval[string](p, `document.querySelector('[data-testid=error-message]').textContent`)
			for _, s := range tc.says {
				if !strings.Contains(msg, s) {
					t.Errorf("error message %q does not mention %s", msg, s)
				}
			}
			if eval[bool](p, `!!window.playground`) {
				t.Errorf("the error page started the playground client")
			}
			for _, e := range p.consoleErrors() {
				if !strings.Contains(e, "400") {
					t.Errorf("unexpected browser error on the error page: %s", e)
				}
			}
		})
	}
}

// TestListControls: ticking a feature box and typing a layer list start a
// new run whose canonical address carries both.
func TestListControls(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/neural-network")
	sockets := eval[int](p, `window.__e2e.sockets`)
	eval[chromedp.Void](p, `(() => {
  const box = document.querySelector('#p-features input[value=x1sq]');
  box.checked = true;
  box.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the address carries the new feature list",
		fmt.Sprintf(`new URLSearchParams(location.search).get('features') === 'x1,x2,x1sq' &&
			window.__e2e.sockets > %d && window.__e2e.socketFrames > 0`, sockets))
	sockets = eval[int](p, `window.__e2e.sockets`)
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-layers');
  el.value = '3';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the address carries one hidden layer of 3 units",
		fmt.Sprintf(`new URLSearchParams(location.search).get('layers') === '3' &&
			window.__e2e.sockets > %d && window.__e2e.socketFrames > 0`, sockets))
	if got := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`); got != "" {
		t.Errorf("form error after valid list changes: %q", got)
	}
	// A bad list is refused with a message naming the parameter.
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-layers');
  el.value = '9';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the form names the bad parameter",
		`document.querySelector('[data-testid=form-error]').textContent.includes('"layers"')`)
	// The refused change leaves the last good run in place and stepping.
	if got := eval[string](p, `new URLSearchParams(location.search).get('layers')`); got != "3" {
		t.Errorf("after a refused change the address has layers=%q, want the last good 3", got)
	}
	p.step(1)
}

// TestContentSecurityPolicy: the pages are served with a policy, and the
// catalogue, a scenario page playing (SVG frames swapped in, formulas
// typeset by KaTeX) and the error page run under it with nothing blocked.
func TestContentSecurityPolicy(t *testing.T) {
	for _, path := range []string{"/", "/s/kmeans", "/s/kmeans?k=99"} {
		resp, err := http.Get(baseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Fatalf("GET %s: Content-Security-Policy %q, want one that allows only this server's scripts", path, csp)
		}
	}
	p := newTab(t)
	p.do("loading the catalogue", chromedp.Navigate(baseURL+"/"))
	p.waitJS("the catalogue is shown", `document.readyState === 'complete' && document.querySelectorAll('a[href^="/s/"]').length > 0`)
	p.open("/s/kmeans")
	p.click("play")
	p.waitJS("frames arrive while playing", `window.__e2e.socketFrames > 3`)
	p.click("pause")
	p.do("loading the error page", chromedp.Navigate(baseURL+"/s/kmeans?k=99"))
	p.waitJS("the error page is shown", `!!document.querySelector('[data-testid=error-message]')`)
	p.allowConsole = true // Chrome logs the 400 of the document itself
	if v := eval[[]string](p, `window.__e2e.csp`); len(v) > 0 {
		t.Errorf("the error page broke the Content-Security-Policy: %v", v)
	}
	for _, e := range p.takeConsoleErrors() {
		if !strings.Contains(e, "400") {
			t.Errorf("browser error: %s", e)
		}
	}
}
