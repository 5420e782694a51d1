package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWord2Vec: the word2vec page trains epoch by epoch (the PCA panel is
// redrawn and the loss appears), a word typed into the word control starts
// a new run with it, and a word outside the corpus is refused with a
// message naming the parameter and the word.
func TestWord2Vec(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/word2vec?corpus=small")
	before := p.plotHTML("pca")
	p.step(1)
	if p.plotHTML("pca") == before {
		t.Errorf("after one epoch the PCA panel is unchanged")
	}
	p.click("play")
	p.waitJS("the run passes epoch 3", `Number(document.querySelector('[data-testid=step-counter]').textContent) >= 3`)
	p.pause()
	if got := eval[string](p, `document.querySelector('[data-metric=loss]').textContent`); got == "" || got == "—" {
		t.Errorf("loss metric reads %q after training", got)
	}

	sockets := eval[int](p, `window.__e2e.sockets`)
	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-word');
  el.value = 'Queen';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.waitJS("a new run on the typed word sent its first frame",
		fmt.Sprintf(`window.__e2e.sockets > %d && window.__e2e.socketFrames > 0 &&
			document.querySelector('[data-testid=step-counter]').textContent === '0'`, sockets))
	p.waitJS("the address carries the word in lower case", `new URLSearchParams(location.search).get('word') === 'queen'`)
	p.waitReady()

	eval[chromedp.Void](p, `(() => {
  const el = document.getElementById('p-word');
  el.value = 'unicorn';
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`)
	p.allowConsole = true // the refused run is reported on the console too
	p.waitJS("the refusal is shown", `document.querySelector('[data-testid=form-error]').textContent !== ''`)
	msg := eval[string](p, `document.querySelector('[data-testid=form-error]').textContent`)
	if !strings.Contains(msg, `"word"`) || !strings.Contains(msg, "unicorn") {
		t.Errorf("the form error %q does not name word and the unknown word", msg)
	}
}
