package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mlplayground/playground/scenarios"
)

// TestCataloguePicturesAndFilter: every card shows its scenario's picture,
// and typing in the filter box keeps the cards whose text holds every
// word typed, hides the chapters left empty and says when none match.
func TestCataloguePicturesAndFilter(t *testing.T) {
	progress(t)
	// Each picture is a default run advanced to its telling step: asked
	// for one at a time first, each within the server's request budget
	// even under -race, they are then served from the cache.
	for _, sc := range scenarios.All() {
		resp, err := http.Get(baseURL + "/thumb/" + sc.Slug + ".svg")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("/thumb/%s.svg: %s, %s", sc.Slug, resp.Status, resp.Header.Get("Content-Type"))
		}
	}
	p := newTab(t)
	p.do("sizing the viewport", chromedp.EmulateViewport(1280, 900))
	p.do("loading the catalogue", chromedp.Navigate(baseURL+"/"))
	// Pictures load lazily, as they scroll into view: ask for all now.
	p.do("loading every picture", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.card img.thumb').forEach((i) => { i.loading = 'eager'; })`))
	p.waitJS("every card's picture has loaded",
		`document.readyState === 'complete' && [...document.querySelectorAll('.card img.thumb')].every((i) => i.complete && i.naturalWidth > 0)`)
	if got, want := eval[int](p, `document.querySelectorAll('.card img.thumb').length`), len(scenarios.All()); got != want {
		t.Errorf("%d cards show a picture, want %d", got, want)
	}

	visible := `[...document.querySelectorAll('li[data-search]')].filter((li) => li.getClientRects().length > 0).map((li) => li.querySelector('.card').dataset.testid.slice(5))`
	typeIn := func(text string) {
		t.Helper()
		p.do("typing "+text,
			chromedp.Evaluate[chromedp.Void](`document.getElementById('filter').value = ''`),
			chromedp.SendKeys(chromedp.CSS(`#filter`), text))
	}
	typeIn("gradient")
	p.waitJS("only the cards about gradients are left", `document.getElementById('filter').value === 'gradient'`)
	var want []string
	for _, sc := range scenarios.All() {
		if strings.Contains(strings.ToLower(sc.Title+" "+sc.Summary+" "+sc.Chapter+" "+sc.Slug), "gradient") {
			want = append(want, sc.Slug)
		}
	}
	if got := eval[[]string](p, visible); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("cards shown for \"gradient\": %v, want %v", got, want)
	}
	if n := eval[int](p, `[...document.querySelectorAll('section.chapter')].filter((c) => !c.hidden && !c.querySelector('li[data-search]:not([hidden])')).length`); n != 0 {
		t.Errorf("%d chapters without a card left shown", n)
	}

	typeIn("neural networks")
	p.waitJS("the chapter on neural networks is left", `document.getElementById('filter').value === 'neural networks'`)
	p.viewportShot("catalogue-neural-networks")

	typeIn("zebra")
	p.waitJS("no card is left and the page says so",
		`document.querySelectorAll('li[data-search]:not([hidden])').length === 0 && !document.getElementById('filter-none').hidden`)

	p.do("clearing the filter", chromedp.Evaluate[chromedp.Void](`(() => {
  const f = document.getElementById('filter');
  f.value = '';
  f.dispatchEvent(new Event('input'));
})()`))
	if got := eval[int](p, `document.querySelectorAll('li[data-search]:not([hidden])').length`); got != len(scenarios.All()) {
		t.Errorf("an empty filter shows %d cards, want all %d", got, len(scenarios.All()))
	}
}

// TestBadPageOffersRepair: the 400 page of a scenario, as the real server
// renders it, links the same scenario with the bad parameter back at its
// default and the rest of the query kept.
func TestBadPageOffersRepair(t *testing.T) {
	progress(t)
	resp, err := http.Get(baseURL + "/s/kmeans?k=0&seed=5&init=random")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := `<a href="/s/kmeans?init=random&amp;seed=5" data-testid="error-retry">Open K-means clustering with k reset to its default, 4</a>`
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), want) {
		t.Errorf("GET /s/kmeans?k=0&seed=5&init=random = %d, want 400 with %s:\n%s", resp.StatusCode, want, body)
	}
}
