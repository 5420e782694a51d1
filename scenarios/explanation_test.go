package scenarios

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// positional finds words that point at a panel by where it sits, which
// the page's layout does not keep (two columns, a grid, one column on a
// phone); an explanation names a panel by its title in a panel-ref link.
var positional = regexp.MustCompile(`(?i)\b(first|second|third|fourth|last|middle|left|right|top|bottom) (plot|panel|chart|graph)\b|(plot|panel|curve|chart|graph) (on|in|at) the (left|right|middle|top|bottom)\b|curve in the middle`)

// TestExplanationPanelLinks: every panel link of an explanation names a
// panel of its scenario and has text, and no explanation points at a
// panel by its position.
func TestExplanationPanelLinks(t *testing.T) {
	link := regexp.MustCompile(`<a class="panel-ref" href="#panel-([a-z0-9_]+)">([^<]*)</a>`)
	anyRef := regexp.MustCompile(`panel-ref`)
	total := 0
	for _, sc := range All() {
		var b strings.Builder
		if err := sc.Explanation.Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		links := link.FindAllStringSubmatch(html, -1)
		if n := len(anyRef.FindAllString(html, -1)); n != len(links) {
			t.Errorf("%s: %d panel-ref links, %d of them in the form <a class=\"panel-ref\" href=\"#panel-NAME\">Title</a>", sc.Slug, n, len(links))
		}
		for _, m := range links {
			if _, ok := sc.Panel(m[1]); !ok {
				t.Errorf("%s: the explanation links panel %q, which the scenario does not have", sc.Slug, m[1])
			}
			if strings.TrimSpace(m[2]) == "" {
				t.Errorf("%s: the link to panel %q has no text", sc.Slug, m[1])
			}
		}
		total += len(links)
		for _, m := range positional.FindAllString(html, -1) {
			t.Errorf("%s: the explanation points at a panel by position: %q", sc.Slug, m)
		}
	}
	if total == 0 {
		t.Errorf("no explanation links a panel")
	}
}
