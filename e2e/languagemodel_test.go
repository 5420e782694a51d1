package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLanguageModel: the language-model page trains a word-level LSTM to
// the end of its first epoch (the epoch counter passes 0, the perplexity
// and samples panels are redrawn, the validation perplexity falls below
// the unigram's), and a prompt with a word outside the vocabulary is
// refused with a message naming prompt and the word, shown as text.
func TestLanguageModel(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/language-model?level=word")
	metric := func(name string) float64 {
		return eval[float64](p, fmt.Sprintf(`Number(document.querySelector('[data-metric=%s]').textContent)`, name))
	}
	if got := metric("epoch"); got != 0 {
		t.Errorf("epoch counter reads %v on load, want 0", got)
	}
	perplexity, samples := p.plotHTML("perplexity"), p.plotHTML("samples")

	p.click("play")
	p.waitJS("the first epoch ends", `Number(document.querySelector('[data-metric=epoch]').textContent) >= 1`)
	p.pause()
	if p.plotHTML("perplexity") == perplexity {
		t.Errorf("after an epoch the perplexity panel is unchanged")
	}
	if p.plotHTML("samples") == samples {
		t.Errorf("after an epoch the sampled continuations are unchanged")
	}
	if pp, uni := metric("perplexity"), metric("unigram_perplexity"); !(pp < uni) {
		t.Errorf("after an epoch the validation perplexity reads %v, the unigram's %v", pp, uni)
	}

	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-prompt');
  el.value = 'the <b>zebra</b>';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.allowConsole = true // the refused run is reported on the console too
	p.waitJS("the refusal is shown", `document.querySelector('[data-testid=form-error]').textContent !== ''`)
	msg := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`)
	if !strings.Contains(msg, `"prompt"`) || !strings.Contains(msg, "<b>zebra</b>") {
		t.Errorf("the form error %q does not name prompt and show the prompt as typed", msg)
	}
	if n := eval[int](p, `document.querySelectorAll('[data-testid=form-error] b').length`); n != 0 {
		t.Errorf("the prompt's markup became %d elements in the page", n)
	}

	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-prompt');
  el.value = 'the zebra';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("the unknown word is named", `document.querySelector('[data-testid=form-error]').textContent.includes('"zebra"')`)
}
