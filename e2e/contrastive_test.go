package e2e

import (
	"strconv"
	"testing"
)

// TestContrastive: the contrastive page trains epoch by epoch: one Step
// redraws the similarity matrix, and playing raises the zero-shot accuracy
// shown in the metrics from about chance (1 in 10) to over one half.
func TestContrastive(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/contrastive")
	before := p.plotHTML("similarity")
	start := eval[string](p, `document.querySelector('[data-metric=zero_shot_accuracy]').textContent`)
	p.step(1)
	if p.plotHTML("similarity") == before {
		t.Errorf("after one epoch the similarity panel is unchanged")
	}
	p.click("play")
	p.waitJS("the zero-shot accuracy passes 0.5 while playing",
		`Number(document.querySelector('[data-metric=zero_shot_accuracy]').textContent) > 0.5`)
	p.pause()
	if v, err := strconv.ParseFloat(start, 64); err != nil || v > 0.3 {
		t.Errorf("zero-shot accuracy before training reads %q, want about chance", start)
	}
}
