package templates

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
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
		// A panel the run does not show is on the page, hidden and empty:
		// another data set may bring it back without a reload.
		shown := sc.PanelsFor(v)
		if got := strings.Count(html, "<svg"); got != len(shown) {
			t.Errorf("%s: %d inline SVGs, want one per panel shown (%d)", sc.Slug, got, len(shown))
		}
		if hidden := strings.Count(html, `<figure class="panel" hidden`); hidden != len(sc.Panels)-len(shown) {
			t.Errorf("%s: %d hidden panels, want %d", sc.Slug, hidden, len(sc.Panels)-len(shown))
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
	(Pages{}).Error(lab.ErrorPage{Status: 400, Title: "Bad", Message: `parameter "k": invalid value "<script>"`}).Render(context.Background(), &b)
	if strings.Contains(b.String(), "<script>\"") || !strings.Contains(b.String(), "&lt;script&gt;") {
		t.Errorf("error message not escaped: %s", b.String())
	}
	if strings.Contains(b.String(), "error-retry") {
		t.Errorf("an error page with no repaired link shows one: %s", b.String())
	}
}

// TestErrorPageRetryLink: the repaired link of a 400 page is shown, its
// query kept as it is.
func TestErrorPageRetryLink(t *testing.T) {
	var b strings.Builder
	(Pages{}).Error(lab.ErrorPage{Status: 400, Title: "Bad", Message: "k", Retry: "/s/kmeans?seed=5&view=present",
		RetryLabel: "Open K-means clustering with k reset to its default, 4"}).Render(context.Background(), &b)
	want := `<a href="/s/kmeans?seed=5&amp;view=present" data-testid="error-retry">Open K-means clustering with k reset to its default, 4</a>`
	if !strings.Contains(b.String(), want) {
		t.Errorf("error page does not hold %s:\n%s", want, b.String())
	}
}

// TestScenarioPageCarriesClientConfig: the numbers app.js needs (speed
// stops, play speed, point limit) come from the server, in the page's
// client-config JSON.
func TestScenarioPageCarriesClientConfig(t *testing.T) {
	script := regexp.MustCompile(`<script[^>]*id="client-config"[^>]*>([^<]*)</script>`)
	slider := regexp.MustCompile(`<input type="range" data-testid="speed" id="speed" min="0" max="(\d+)" step="1" value="(\d+)"`)
	for _, sc := range scenarios.All() {
		v := lab.Defaults(sc.Params)
		var b strings.Builder
		if err := (Pages{}).Scenario(lab.PageData{Scenario: sc, Values: v, Query: v.Encode()}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		m := script.FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("%s: no client-config script", sc.Slug)
		}
		var got struct {
			Speeds    []float64 `json:"speeds"`
			Speed     float64   `json:"speed"`
			MaxPoints int       `json:"max_points"`
		}
		if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
			t.Fatalf("%s: client-config %q: %v", sc.Slug, m[1], err)
		}
		wantSpeed := sc.Speed
		if wantSpeed == 0 {
			wantSpeed = lab.DefaultSpeed
		}
		if !slices.Equal(got.Speeds, lab.SpeedStops()) || got.Speed != wantSpeed || got.MaxPoints != lab.MaxPoints {
			t.Errorf("%s: client-config = %+v, want speeds %v, speed %g, max_points %d", sc.Slug, got, lab.SpeedStops(), wantSpeed, lab.MaxPoints)
		}
		// The slider has one position per stop and starts at the stop
		// nearest the play speed.
		s := slider.FindStringSubmatch(html)
		if s == nil {
			t.Fatalf("%s: no speed slider", sc.Slug)
		}
		last, _ := strconv.Atoi(s[1])
		at, _ := strconv.Atoi(s[2])
		if last != len(got.Speeds)-1 {
			t.Errorf("%s: slider max %d, want %d", sc.Slug, last, len(got.Speeds)-1)
		}
		for i, stop := range got.Speeds {
			if math.Abs(stop-wantSpeed) < math.Abs(got.Speeds[at]-wantSpeed) {
				t.Errorf("%s: slider starts at %g steps/s, but stop %d (%g) is nearer %g", sc.Slug, got.Speeds[at], i, stop, wantSpeed)
			}
		}
	}
}

// TestCatalogueHasPicturesAndFilter: every card shows its scenario's
// picture, and the page has the filter box its script drives.
func TestCatalogueHasPicturesAndFilter(t *testing.T) {
	var b strings.Builder
	if err := (Pages{}).Catalogue(scenarios.All()).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, sc := range scenarios.All() {
		if !strings.Contains(html, `src="/thumb/`+sc.Slug+`.svg"`) {
			t.Errorf("card %s has no picture", sc.Slug)
		}
	}
	for _, want := range []string{`data-testid="filter"`, `data-testid="filter-none"`, `<script type="module" src="/static/app.js">`} {
		if !strings.Contains(html, want) {
			t.Errorf("catalogue has no %s", want)
		}
	}
}

// TestScenarioPagePresent: view=present renders the presentation layout,
// and the share box carries it after the run's query.
func TestScenarioPagePresent(t *testing.T) {
	sc := scenarios.All()[0]
	v := lab.Defaults(sc.Params)
	for _, tt := range []struct {
		view, query, class, share string
	}{
		{"", "", `class="scenario"`, `value="/s/` + sc.Slug + `"`},
		{lab.ViewPresent, "", `class="scenario present"`, `value="/s/` + sc.Slug + `?view=present"`},
		{lab.ViewPresent, "seed=4", `class="scenario present"`, `value="/s/` + sc.Slug + `?seed=4&amp;view=present"`},
	} {
		var b strings.Builder
		if err := (Pages{}).Scenario(lab.PageData{Scenario: sc, Values: v, Query: tt.query, View: tt.view}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{tt.class, tt.share} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("view %q, query %q: the page has no %s", tt.view, tt.query, want)
			}
		}
	}
}

// A run that ends before the step its address asks for opens at its end,
// and the page says where it ended and what was asked; a run that reaches
// the step says nothing.
func TestScenarioPageSaysRunEndedBeforeAt(t *testing.T) {
	sc := scenarios.All()[0]
	v := lab.Defaults(sc.Params)
	for _, tc := range []struct {
		asked, step int
		want        string
	}{
		{7, 5, "This run ends at step 5, before the step 7 its address asks for, so it opens at its end."},
		{5, 5, ""},
		{0, 0, ""},
	} {
		var b strings.Builder
		pd := lab.PageData{Scenario: sc, Values: v, Query: v.Encode(), Frame: lab.Frame{Step: tc.step}, AtAsked: tc.asked}
		if err := (Pages{}).Scenario(pd).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		if has := strings.Contains(html, `data-testid="at-ended"`); has != (tc.want != "") || !strings.Contains(html, tc.want) {
			t.Errorf("at=%d, run at step %d: the page has the at-ended note %v, want %q", tc.asked, tc.step, has, tc.want)
		}
	}
}
