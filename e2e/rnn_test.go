package e2e

import (
	"testing"
)

// TestRNN: the RNN-versus-LSTM page steps both networks: the step counter
// and the LSTM's held-out accuracy are shown, Step redraws the gradient
// heatmap, and playing advances the run.
func TestRNN(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/rnn?length=8")
	if got := eval[int](p, `document.querySelectorAll('[data-metric=accuracy_lstm], [data-metric=accuracy_rnn]').length`); got != 2 {
		t.Errorf("%d accuracy metrics on the page, want the RNN's and the LSTM's", got)
	}
	before := p.plotHTML("grad")
	p.step(1)
	if p.plotHTML("grad") == before {
		t.Errorf("after one step the gradient heatmap is unchanged")
	}
	p.click("play")
	p.waitJS("the run passes step 5", `Number(document.querySelector('[data-testid=step-counter]').textContent) > 5`)
	p.pause()
}
