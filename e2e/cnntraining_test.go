package e2e

import (
	"testing"
)

// TestCNNTraining: the cnn-training page trains epoch by epoch: a Step
// moves the validation accuracy off its step-0 value and redraws the
// filters, and the test figures stay empty until the last epoch of a
// two-epoch run, when they are filled in once. A network whose weights
// travel as float32 says so beside the note; the default says nothing.
func TestCNNTraining(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/cnn-training?dataset=shapes&epochs=2")
	metric := func(name string) string {
		return eval[string](p, `document.querySelector('[data-metric=`+name+`]').textContent`)
	}
	acc0 := metric("val_accuracy")
	filters := p.plotHTML("filters")
	if got := metric("test_accuracy"); got != "—" {
		t.Errorf("test accuracy reads %q before training, want —", got)
	}
	p.step(1)
	p.waitJS("the validation accuracy changes",
		`document.querySelector('[data-metric=val_accuracy]').textContent !== `+jsString(acc0))
	if p.plotHTML("filters") == filters {
		t.Errorf("after an epoch the filters panel is unchanged")
	}
	if got := metric("test_accuracy"); got != "—" {
		t.Errorf("test accuracy reads %q after epoch 1 of 2, want —", got)
	}
	p.step(2)
	p.waitJS("the test set is opened after the last epoch",
		`document.querySelector('[data-metric=test_accuracy]').textContent !== '—'`)
	if eval[bool](p, `!document.querySelector('[data-testid=caveat]').hidden`) {
		t.Errorf("the default network's page shows a caveat: %s", eval[string](p, `document.querySelector('[data-testid=caveat]').textContent`))
	}

	p.open("/s/cnn-training?filters=8,16&epochs=1")
	want := "Weights in the frames are rounded to float32 to keep each frame under 32\u00a0KB."
	p.waitJS("the page says the weights are rounded",
		`(c => !c.hidden && c.textContent === `+jsString(want)+`)(document.querySelector('[data-testid=caveat]'))`)
	p.step(1)
	p.waitJS("the caveat stays after a step", `document.querySelector('[data-testid=caveat]').textContent === `+jsString(want))
}
