package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// projectorSize is a screen the presentation layout must fill without
// scrolling.
type projectorSize struct {
	name string
	w, h int64
	// minPlot is the least width, in CSS pixels, of the smallest plot as
	// drawn (its SVG scaled to fit its cell): below it, tick labels are
	// too small to read from the back of a classroom.
	minPlot float64
}

// projectorSizes are a school projector and a full-HD screen.
var projectorSizes = []projectorSize{
	{"1024x768", 1024, 768, 225},
	{"1920x1080", 1920, 1080, 390},
}

// screenshotScenarios are the ones the presentation test photographs for
// a person to look at: three, two and six panels.
var screenshotScenarios = []string{"kmeans", "decision-tree", "neural-network"}

// layoutJS measures the page: the viewport, how far the document scrolls,
// and every panel's box and the size its plot is drawn at.
const layoutJS = `(() => {
  const d = document.documentElement;
  const out = { vw: innerWidth, vh: innerHeight, sw: d.scrollWidth, sh: d.scrollHeight, panels: [], controls: [] };
  for (const f of document.querySelectorAll('figure.panel:not([hidden])')) {
    const r = f.getBoundingClientRect();
    const svg = f.querySelector('svg');
    const s = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const vb = svg && svg.viewBox.baseVal;
    const k = vb && vb.width ? Math.min(s.width / vb.width, s.height / vb.height) : 0;
    out.panels.push({ name: f.dataset.panel, left: r.left, top: r.top, right: r.right, bottom: r.bottom, plot: vb ? vb.width * k : 0 });
  }
  for (const id of ['play', 'pause', 'step', 'reset', 'step-counter', 'speed', 'projector', 'params-toggle', 'note']) {
    const r = document.getElementById(id).getBoundingClientRect();
    out.controls.push({ name: id, left: r.left, top: r.top, right: r.right, bottom: r.bottom, plot: r.width });
  }
  return out;
})()`

type box struct {
	Name                     string
	Left, Top, Right, Bottom float64
	Plot                     float64
}

type pageLayout struct {
	VW, VH, SW, SH   float64
	Panels, Controls []box
}

// waitLaidOut waits until the page's fonts are in and three frames have
// been drawn since, so the grid the script fits is the one measured: a
// size change seen in one frame is refitted in the next one's animation
// callbacks, which may run before a callback asked for in the first.
func (p *tab) waitLaidOut() {
	p.t.Helper()
	p.waitLoaded()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))`, chromedp.EvalAwaitPromise)); err != nil {
		p.t.Fatalf("waiting for three drawn frames: %v", err)
	}
}

// viewportShot saves what the viewport shows as a PNG for a person to look
// at, in $PLAYGROUND_SCREENSHOTS or a directory under the system's temp.
func (p *tab) viewportShot(name string) {
	p.t.Helper()
	dir := os.Getenv("PLAYGROUND_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "playground-e2e", "present")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

// TestPresentFits: every scenario in the presentation layout, at 1024×768
// and at 1920×1080, shows every panel and every run control whole inside
// the viewport, with a readable plot size, and the document does not
// scroll either way.
func TestPresentFits(t *testing.T) {
	for _, size := range projectorSizes {
		for _, sc := range allScenarios {
			t.Run(size.name+"/"+sc.slug, func(t *testing.T) {
				progress(t)
				p := newTab(t)
				p.do("sizing the viewport", chromedp.EmulateViewport(size.w, size.h))
				p.open("/s/" + sc.slug + "?view=present")
				p.checkFits(size, sc.panels)
				if slices.Contains(screenshotScenarios, sc.slug) {
					p.viewportShot(fmt.Sprintf("present-%s-%s", sc.slug, size.name))
				}
			})
		}
	}
}

// checkFits waits for the tab's page, sized to size, to be laid out and checks
// the presentation layout there: the document does not scroll, the panels
// shown are want, every panel and run control is whole inside the
// viewport, and no plot is drawn narrower than minPlot.
func (p *tab) checkFits(size projectorSize, want []string) pageLayout {
	t := p.t
	t.Helper()
	p.waitLaidOut()
	l := eval[pageLayout](p, layoutJS)
	if l.VW != float64(size.w) || l.VH != float64(size.h) {
		t.Fatalf("viewport is %v×%v, want %d×%d", l.VW, l.VH, size.w, size.h)
	}
	if l.SH > l.VH || l.SW > l.VW {
		t.Errorf("the document scrolls: %v×%v in a %v×%v viewport", l.SW, l.SH, l.VW, l.VH)
	}
	var names []string
	for _, b := range l.Panels {
		names = append(names, b.Name)
	}
	if !slices.Equal(names, want) {
		t.Errorf("panels shown %v, want %v", names, want)
	}
	const eps = 0.5 // sub-pixel rounding of the boxes
	for _, b := range append(l.Panels, l.Controls...) {
		if b.Left < -eps || b.Top < -eps || b.Right > l.VW+eps || b.Bottom > l.VH+eps || b.Right-b.Left < 1 || b.Bottom-b.Top < 1 {
			t.Errorf("%s is not whole inside the %v×%v viewport: left %.1f top %.1f right %.1f bottom %.1f",
				b.Name, l.VW, l.VH, b.Left, b.Top, b.Right, b.Bottom)
		}
	}
	least := 0.0
	for i, b := range l.Panels {
		if i == 0 || b.Plot < least {
			least = b.Plot
		}
		if b.Plot < size.minPlot {
			t.Errorf("panel %s draws its plot %.0f px wide, want at least %.0f", b.Name, b.Plot, size.minPlot)
		}
	}
	t.Logf("smallest plot drawn %.0f px wide (at least %.0f wanted)", least, size.minPlot)
	return l
}

// TestPresentToggle: the f key and the Projector layout button switch the layout; the
// address and Share carry view=present, and the shared link opens in it.
// The ? key lists the shortcuts.
func TestPresentToggle(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/kmeans?k=3")
	if eval[bool](p, `document.getElementById('scenario').classList.contains('present')`) {
		t.Fatalf("the page opens in the presentation layout without view=present")
	}
	p.key("f", "f")
	p.waitJS("the f key turned the presentation layout on",
		`document.getElementById('scenario').classList.contains('present') && new URLSearchParams(location.search).get('view') === 'present'`)
	if got := eval[string](p, `location.search`); got != "?k=3&view=present" {
		t.Errorf("address query %q, want ?k=3&view=present", got)
	}
	// Share is in the drawer the presentation layout folds the form into.
	p.key("e", "e")
	p.waitJS("the e key opened the drawer", `getComputedStyle(document.getElementById('sidebar')).display !== 'none'`)
	p.click("share")
	p.waitJS("the share box holds an absolute URL", `document.querySelector('[data-testid=share-url]').value.startsWith('http')`)
	url := eval[string](p, `document.querySelector('[data-testid=share-url]').value`)
	if want := baseURL + "/s/kmeans?k=3&view=present"; url != want {
		t.Errorf("share URL = %q, want %q", url, want)
	}
	// A new run (a changed parameter) keeps the view in the address.
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-k');
  el.value = '5';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the address has k=5 and still the view",
		`new URLSearchParams(location.search).get('k') === '5' && new URLSearchParams(location.search).get('view') === 'present'`)

	// 1 shows the first plot alone, larger; 0 every plot again.
	p.key("Escape", "\x1b") // close the drawer
	shown := `[...document.querySelectorAll('figure.panel')].filter((f) => f.getBoundingClientRect().width > 0).map((f) => f.dataset.panel)`
	before := eval[float64](p, `document.getElementById('panel-clusters').getBoundingClientRect().width`)
	p.key("1", "1")
	p.waitJS("the 1 key shows the first plot alone", shown+`.join() === 'clusters'`)
	if after := eval[float64](p, `document.getElementById('panel-clusters').getBoundingClientRect().width`); after <= before {
		t.Errorf("the plot shown alone is %.0f px wide, no wider than the %.0f px it had", after, before)
	}
	p.key("0", "0")
	p.waitJS("the 0 key shows every plot", shown+`.length === 3`)

	shared := newTab(t)
	shared.open(url)
	if !eval[bool](shared, `document.getElementById('scenario').classList.contains('present')`) {
		t.Errorf("the shared link %s does not open in the presentation layout", url)
	}
	if got := eval[string](shared, `window.playground.query`); got != "k=3" {
		t.Errorf("the run's query is %q, want k=3: view is the page's, not the run's", got)
	}
	shared.click("projector")
	shared.waitJS("the button left the presentation layout",
		`!document.getElementById('scenario').classList.contains('present') && !location.search.includes('view=')`)

	p.key("?", "?")
	p.waitJS("the ? key opened the list of shortcuts", `document.getElementById('shortcuts').open`)
	text := eval[string](p, `document.getElementById('shortcuts').textContent`)
	for _, want := range []string{"Space", "→", "r", "f", "p", "?", "Esc", "projector layout", "present this run to a room"} {
		if !strings.Contains(text, want) {
			t.Errorf("the shortcut list does not name %q: %q", want, text)
		}
	}
	p.viewportShot("shortcuts")
	p.click("shortcuts-close")
	p.waitJS("the list closed", `!document.getElementById('shortcuts').open`)
}

// TestRefusedChangeAtField: a parameter change the server refuses is told
// at its field, which says the change was not applied, and the run on
// screen stays the one before it; a good change then clears the message.
func TestRefusedChangeAtField(t *testing.T) {
	for _, view := range []string{"", "?view=present"} {
		t.Run("view="+strings.TrimPrefix(view, "?view="), func(t *testing.T) {
			progress(t)
			p := newTab(t)
			p.open("/s/neural-network" + view)
			p.step(1)
			sockets := eval[int](p, `window.__e2e.sockets`)
			eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-classes');
  el.value = '5';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
			p.waitJS("the refusal is shown inside the classes field",
				`document.querySelector('.field[data-param=classes] [data-testid=form-error]')?.textContent.includes('"classes"')`)
			msg := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`)
			if !strings.Contains(msg, "not applied") {
				t.Errorf("the message %q does not say the change was not applied", msg)
			}
			if !eval[bool](p, `document.getElementById('p-classes').getAttribute('aria-invalid') === 'true'`) {
				t.Errorf("the classes field is not marked invalid")
			}
			// The message is beside its field on screen, not far below it.
			gap := eval[float64](p, `(() => {
  const f = document.getElementById('p-classes').getBoundingClientRect();
  const m = document.querySelector('[data-testid=form-error]').getBoundingClientRect();
  return m.top - f.bottom;
})()`)
			if gap < 0 || gap > 80 {
				t.Errorf("the message is %.0f px below its field, want it right under it", gap)
			}
			if !eval[bool](p, `(() => {
  const r = document.querySelector('[data-testid=form-error]').getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
})()`) {
				t.Errorf("the message is not in view\npage state: %s", p.state())
			}
			p.viewportShot("refused-change" + strings.ReplaceAll(view, "?view=", "-"))
			if got := eval[string](p, `new URLSearchParams(location.search).get('classes') || ''`); got != "" {
				t.Errorf("after a refused change the address has classes=%q", got)
			}
			// The run before it goes on: it steps on from where it was.
			if got := eval[int](p, `window.__e2e.sockets`); got != sockets+1 {
				t.Errorf("%d sockets opened, want one refused one", got-sockets)
			}
			p.step(2)

			eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-classes');
  el.value = '2';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
			p.waitJS("a good value clears the message and the mark",
				`document.querySelector('[data-testid=form-error]').textContent === '' && !document.querySelector('[aria-invalid]')`)
		})
	}
}

// TestPanelRefHighlight: a panel named in the explanation is a link that
// brings the panel into view and lights it up.
func TestPanelRefHighlight(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/optimizers")
	p.do("clicking the link to the distance panel in the explanation",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.explanation a.panel-ref[href="#panel-distance"]').scrollIntoView()`),
		chromedp.Click(chromedp.CSS(`.explanation a.panel-ref[href="#panel-distance"]`)))
	p.waitJS("the distance panel is lit and in view", `(() => {
  const r = document.getElementById('panel-distance').getBoundingClientRect();
  return document.getElementById('panel-distance').classList.contains('highlight') && r.top >= -1 && r.bottom <= innerHeight + 1; // sub-pixel scrolling
})()`)
	if eval[int](p, `document.querySelectorAll('figure.panel.highlight').length`) != 1 {
		t.Errorf("more than the one panel named is lit")
	}
	if got := eval[string](p, `location.hash`); got != "" {
		t.Errorf("the link changed the address to %q; the page's address is the run's", got)
	}
}
