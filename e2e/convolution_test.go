package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConvolution: stepping fills the output map one position at a time
// (the computed metric follows the counter and the output panel is
// redrawn), and a stride that does not tile the image is refused with a
// message naming stride and the arithmetic.
func TestConvolution(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/convolution")
	before := p.plotHTML("output")
	for want := 1; want <= 3; want++ {
		p.step(want)
	}
	if got := eval[string](p, `document.querySelector('[data-metric=computed]').textContent`); got != "3" {
		t.Errorf("after three steps the computed metric reads %q, want 3", got)
	}
	if p.plotHTML("output") == before {
		t.Errorf("after three steps the output panel is unchanged")
	}
	if note := eval[string](p, `document.querySelector('[data-testid=note]').textContent`); !strings.Contains(note, "Output (0, 2)") {
		t.Errorf("the third step's note %q does not name output (0, 2)", note)
	}
	if os.Getenv("CNN_SCREENSHOTS") != "" {
		for _, size := range [][2]int64{{1400, 1000}, {390, 844}} {
			p.do("resizing", chromedp.EmulateViewport(size[0], size[1]))
			p.screenshot(fmt.Sprintf("convolution-%dx%d", size[0], size[1]))
		}
		p.do("resizing back", chromedp.EmulateViewport(1280, 900))
	}

	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-stride');
  el.value = '2';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.allowConsole = true // the refused run is reported on the console too
	p.waitJS("the refusal is shown", `document.querySelector('[data-testid=form-error]').textContent !== ''`)
	msg := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`)
	if !strings.Contains(msg, `"stride"`) || !strings.Contains(msg, "(8 − 3 + 2·0)/2 + 1 = 3.5") {
		t.Errorf("the form error %q does not name stride and its arithmetic", msg)
	}
}
