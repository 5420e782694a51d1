package e2e

import (
	"strconv"
	"testing"
)

// TestSelfSupervised: a short pretext run (epochs=3) trains epoch by epoch,
// redrawing the task panel, then fits the probe: the learned accuracy
// appears in the metrics and the run ends.
func TestSelfSupervised(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/self-supervised?epochs=3")
	before := p.plotHTML("task")
	p.step(1)
	if p.plotHTML("task") == before {
		t.Errorf("after one pretext epoch the task panel is unchanged")
	}
	p.click("play")
	// The run ends by itself after the probe step: no pause needed.
	p.waitJS("the probe step shows the learned features' accuracy",
		`(() => { const el = document.querySelector('[data-metric=probe_learned]'); return el !== null && Number(el.textContent) > 0; })()`)
	if got := p.counter(); got != 4 {
		t.Errorf("the run stopped at step %d, want 4 (3 epochs and the probe)", got)
	}
	v, err := strconv.ParseFloat(eval[string](p, `document.querySelector('[data-metric=probe_random]').textContent`), 64)
	if err != nil || v <= 0.1 || v > 1 {
		t.Errorf("probe_random reads %v (%v)", v, err)
	}
}
