package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLeftOutPanelKeepsItsSVG: while overfitting plays, its frames leave
// out the sweep panel, which never changes during a run; the page keeps
// showing the sweep it was sent first while the fit panel moves on. A
// reset sends every panel again.
func TestLeftOutPanelKeepsItsSVG(t *testing.T) {
	p := newTab(t)
	p.open("/s/overfitting")
	if keys := eval[[]string](p, `window.__e2e.plotKeys[0]`); strings.Join(keys, ",") != "error,fit,sweep" {
		t.Fatalf("the first frame carries panels %v, want every one", keys)
	}
	sweep, fit := p.plotHTML("sweep"), p.plotHTML("fit")
	if !strings.Contains(sweep, "<svg") {
		t.Fatalf("the sweep panel holds no SVG after the first frame: %.200q", sweep)
	}

	p.click("play")
	p.waitJS("three frames since the first left out the sweep panel, and the fit panel changed",
		`window.__e2e.plotKeys.slice(1).filter((k) => !k.includes('sweep')).length >= 3 &&
			document.getElementById('plot-fit').innerHTML !== `+jsString(fit))
	if got := p.plotHTML("sweep"); got != sweep {
		t.Errorf("the sweep panel changed though frames left it out:\n%s", firstDiff(sweep, got))
	}
	if keys := eval[[]string](p, `window.__e2e.plotKeys.slice(1).find((k) => k.includes('sweep')) || []`); len(keys) > 0 {
		t.Errorf("a frame while playing carried the sweep panel again (%v); it never changes", keys)
	}

	p.pause()
	statusBefore := p.statusCount()
	p.click("reset")
	p.waitResetAnswer(statusBefore)
	if keys := eval[[]string](p, `window.__e2e.plotKeys.at(-1)`); strings.Join(keys, ",") != "error,fit,sweep" {
		t.Errorf("the frame after reset carries panels %v, want every one", keys)
	}
	if got := p.plotHTML("sweep"); !strings.Contains(got, "<svg") {
		t.Errorf("after reset the sweep panel holds no SVG: %.200q", got)
	}
}

// TestPanelOnlyWhereItApplies: pca's digits panel belongs to the digits
// data set. The page of another data set hides it, choosing digits shows
// it with its picture, and going back hides it again.
func TestPanelOnlyWhereItApplies(t *testing.T) {
	p := newTab(t)
	p.open("/s/pca")
	visible := `!document.getElementById('panel-digits').hidden`
	if eval[bool](p, visible) {
		t.Fatal("the digits panel shows on the gauss2d page")
	}
	choose := func(dataset string) {
		eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-dataset');
  el.value = '`+dataset+`';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	}
	choose("digits")
	p.waitJS("the digits panel shows, with its picture",
		visible+` && document.getElementById('plot-digits').querySelector('svg') !== null &&
			new URLSearchParams(location.search).get('dataset') === 'digits'`)
	choose("iris")
	p.waitJS("the digits panel is hidden again", `document.getElementById('panel-digits').hidden &&
		new URLSearchParams(location.search).get('dataset') === 'iris'`)
}

// TestRasterPatch: as neural-network steps, its output panel changes only
// in the map under the samples, so frames after the first carry that
// panel as its new raster alone. The page sets it in place, and the panel
// then holds exactly the SVG the run API draws at that step.
func TestRasterPatch(t *testing.T) {
	p := newTab(t)
	p.open("/s/neural-network")
	for step := 1; step <= 3; step++ {
		p.step(step)
		if keys := eval[[]string](p, `window.__e2e.rasterKeys.at(-1)`); !strings.Contains(","+strings.Join(keys, ",")+",", ",output,") {
			t.Fatalf("the frame of step %d changes panels %v by their raster, want output among them", step, keys)
		}
		if keys := eval[[]string](p, `window.__e2e.plotKeys.at(-1)`); strings.Contains(strings.Join(keys, ","), "output") {
			t.Fatalf("the frame of step %d carries the output panel whole as well", step)
		}
		want := apiFrame(t, baseURL, "neural-network", "", step).Plots["output"]
		same := eval[bool](p, fmt.Sprintf(`(() => {
			const d = document.createElement('div');
			d.innerHTML = %s;
			return d.innerHTML === document.getElementById('plot-output').innerHTML;
		})()`, jsString(want)))
		if !same {
			t.Fatalf("at step %d the output panel differs from the API's:\n%s", step,
				firstDiff(want, p.plotHTML("output")))
		}
	}
}
