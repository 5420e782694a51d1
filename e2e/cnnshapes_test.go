package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCNNShapes: each step adds one layer to the course's network (the
// total parameter metric and the summary panel follow), and an
// architecture typed into the arch control starts a new run under its
// canonical spelling; one whose shapes do not work out is refused with a
// message naming arch, the layer and the arithmetic.
func TestCNNShapes(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/cnn-shapes")
	before := p.plotHTML("summary")
	p.step(1)
	p.step(2)
	p.step(3)
	// 896 + 0 + 18 496, Keras's counts for the first three layers.
	if got := eval[string](p, `document.querySelector('[data-metric=total_params]').textContent`); strings.ReplaceAll(got, " ", "") != "19392" &&
		strings.ReplaceAll(got, ",", "") != "19392" {
		t.Errorf("after three layers the total reads %q, want 19 392", got)
	}
	if p.plotHTML("summary") == before {
		t.Errorf("after three steps the summary panel is unchanged")
	}
	if os.Getenv("CNN_SCREENSHOTS") != "" {
		for _, size := range [][2]int64{{1400, 1000}, {390, 844}} {
			p.do("resizing", chromedp.EmulateViewport(size[0], size[1]))
			p.screenshot(fmt.Sprintf("cnn-shapes-%dx%d", size[0], size[1]))
		}
		p.do("resizing back", chromedp.EmulateViewport(1280, 900))
	}

	sockets := eval[int](p, `window.__e2e.sockets`)
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-arch');
  el.value = '28 × 28 × 1 → Conv 8 (5×5) → MaxPool → Flatten → Dense 10';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("a new run on the typed architecture sent its first frame",
		fmt.Sprintf(`window.__e2e.sockets > %d && window.__e2e.socketFrames > 0 &&
			document.querySelector('[data-testid=step-counter]').textContent === '0'`, sockets))
	p.waitJS("the address carries the canonical architecture",
		`new URLSearchParams(location.search).get('arch') === '28x28x1,conv 8 5x5,maxpool,flatten,dense 10'`)
	p.waitReady()
	p.step(1)

	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-arch');
  el.value = '8x8x1, conv 4 5x5, conv 4 5x5';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.allowConsole = true // the refused run is reported on the console too
	p.waitJS("the refusal is shown", `document.querySelector('[data-testid=form-error]').textContent !== ''`)
	msg := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`)
	if !strings.Contains(msg, `"arch"`) || !strings.Contains(msg, "conv2d_1") || !strings.Contains(msg, "(4 − 5 + 2·0)/1 + 1 = 0") {
		t.Errorf("the form error %q does not name arch, the layer and its arithmetic", msg)
	}
}
