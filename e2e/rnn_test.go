package e2e

import (
	"strings"
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

// TestRNNSweep: with sweep=true the two panels against T are shown and a
// step redraws them; without it they are hidden.
func TestRNNSweep(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/rnn?length=6&hidden=4")
	if !eval[bool](p, `document.getElementById('panel-sweep_accuracy').hidden`) {
		t.Errorf("the accuracy-against-T panel is shown without the sweep")
	}
	p.open("/s/rnn?length=6&hidden=4&sweep=true")
	for _, panel := range []string{"sweep_accuracy", "sweep_loss"} {
		if eval[bool](p, `document.getElementById('panel-`+panel+`').hidden`) {
			t.Errorf("panel %s hidden with sweep=true", panel)
		}
	}
	before := p.plotHTML("sweep_loss")
	p.step(1)
	p.waitJS("the loss against T is redrawn", `document.getElementById('plot-sweep_loss').innerHTML !== `+jsString(before))
	if note := eval[string](p, `document.querySelector('[data-testid=note]').textContent`); !strings.Contains(note, "Against T = 5, 6, 10, 20, 30") {
		t.Errorf("note does not give the sweep: %s", note)
	}
}
