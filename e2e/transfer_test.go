package e2e

import (
	"testing"
)

// TestTransferLearning: the transfer-learning page pre-trains, then
// trains its three networks on the target: playing moves the step counter
// past the pre-training, fills the frozen network's validation accuracy
// and redraws the accuracy panel.
func TestTransferLearning(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/transfer-learning?target_per_class=5")
	if got := eval[string](p, `document.querySelector('[data-metric=frozen_val_accuracy]').textContent`); got != "—" {
		t.Errorf("frozen validation accuracy reads %q before any target training, want —", got)
	}
	before := p.plotHTML("accuracy")
	p.step(1)
	p.click("play")
	p.waitJS("the target training has begun",
		`Number(document.querySelector('[data-testid=step-counter]').textContent) > 17`)
	p.pause()
	if got := eval[string](p, `document.querySelector('[data-metric=frozen_val_accuracy]').textContent`); got == "—" {
		t.Errorf("frozen validation accuracy still empty after pre-training")
	}
	if p.plotHTML("accuracy") == before {
		t.Errorf("the accuracy panel is unchanged after target epochs")
	}
}
