package templates

import (
	"context"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios"
)

func TestScenarioPageHasEveryControl(t *testing.T) {
	for _, sc := range scenarios.All() {
		v := lab.Defaults(sc.Params)
		run, err := lab.NewRun(sc, v)
		if err != nil {
			t.Fatal(err)
		}
		f, err := run.Frame(true)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := (Pages{}).Scenario(lab.PageData{Scenario: sc, Values: v, Query: v.Encode(), Frame: f}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		want := []string{"play", "pause", "step", "reset", "speed", "share", "step-counter", "explanation"}
		for _, pn := range sc.Panels {
			want = append(want, "panel-"+pn.Name)
		}
		for _, p := range sc.Params {
			want = append(want, "param-"+p.Name)
		}
		for _, id := range want {
			if !strings.Contains(html, `data-testid="`+id+`"`) {
				t.Errorf("%s: no data-testid=%q", sc.Slug, id)
			}
		}
		if got := strings.Count(html, "<svg"); got != len(sc.Panels) {
			t.Errorf("%s: %d inline SVGs, want one per panel (%d)", sc.Slug, got, len(sc.Panels))
		}
		if !strings.Contains(html, `class="tex"`) {
			t.Errorf("%s: explanation has no formula", sc.Slug)
		}
	}
}

func TestCatalogueGroupsByChapter(t *testing.T) {
	var b strings.Builder
	if err := (Pages{}).Catalogue(scenarios.All()).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	i1 := strings.Index(html, "1. Learning and generalisation")
	i2 := strings.Index(html, "2. Unsupervised learning")
	if i1 < 0 || i2 < i1 {
		t.Errorf("chapters missing or out of order (%d, %d)", i1, i2)
	}
	for _, sc := range scenarios.All() {
		if !strings.Contains(html, `href="/s/`+sc.Slug+`"`) {
			t.Errorf("no link to %s", sc.Slug)
		}
	}
}

func TestErrorPageEscapes(t *testing.T) {
	var b strings.Builder
	(Pages{}).Error(400, "Bad", `parameter "k": invalid value "<script>"`).Render(context.Background(), &b)
	if strings.Contains(b.String(), "<script>\"") || !strings.Contains(b.String(), "&lt;script&gt;") {
		t.Errorf("error message not escaped: %s", b.String())
	}
}
