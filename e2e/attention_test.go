package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestAttentionPlays: the attention page opens on the transformer part
// with one heatmap per head, labelled with the example's tokens; Play
// trains it and the heatmaps are redrawn as the step advances.
func TestAttentionPlays(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/attention")

	before := p.plotHTML("attention")
	if n := strings.Count(before, "<image"); n != 2 {
		t.Errorf("the attention panel holds %d heatmap rasters at the defaults, want one per head: 2", n)
	}
	for _, caption := range []string{"layer 1 · head 1", "layer 1 · head 2"} {
		if !strings.Contains(before, caption) {
			t.Errorf("the attention panel has no caption %q", caption)
		}
	}
	// The example's tokens, from the same run's first frame.
	resp, err := http.Get(baseURL + "/api/scenarios/attention/run?steps=0")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		State struct {
			Tokens []string `json:"tokens"`
		} `json:"state"`
	}
	err = json.NewDecoder(resp.Body).Decode(&f)
	resp.Body.Close()
	if err != nil || len(f.State.Tokens) != 6 {
		t.Fatalf("the first frame's tokens: %v, %v", f.State.Tokens, err)
	}
	tokens := f.State.Tokens
	if !eval[bool](p, `document.querySelector('[data-testid="param-sentence"]')?.type === 'text'`) {
		t.Errorf("the sentence is not a text field")
	}

	p.click("play")
	p.waitJS("the run played three steps", `Number(document.querySelector('[data-testid=step-counter]').textContent) >= 3`)
	p.pause()
	after := p.plotHTML("attention")
	if after == before {
		t.Errorf("after three steps of training the attention heatmaps are unchanged")
	}
	if !strings.Contains(after, "<image") {
		t.Errorf("after playing the attention panel has no heatmap")
	}
	for _, tok := range tokens {
		if !strings.Contains(after, ">"+tok+"</text>") {
			t.Errorf("token %q of the example is not a label of the heatmaps", tok)
		}
	}
	if errs := p.takeConsoleErrors(); len(errs) > 0 {
		t.Fatalf("browser errors:\n%s", strings.Join(errs, "\n"))
	}
}
