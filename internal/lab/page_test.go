package lab

import (
	"context"
	"encoding/xml"
	"fmt"
	pngpkg "image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPageView: view=present is read by the page, not the run, and any
// other value is refused naming it.
func TestPageView(t *testing.T) {
	_, ts := newTestServer(t, 4)
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{"/s/counter?view=present", 200, `query "" view "present"`},
		{"/s/counter?last=5&view=present", 200, `query "last=5" view "present"`},
		{"/s/counter?last=5", 200, `query "last=5" view ""`},
		{"/s/counter?view=wall", 400, `parameter "view": invalid value "wall": present (the one-screen layout for a projector), or leave it out`},
		{"/s/counter?view=present&view=present", 400, `parameter "view": invalid value "present,present": given more than once`},
		// The run does not know view: the websocket and the API refuse it.
		{"/api/scenarios/counter/run?view=present", 400, `not a parameter of this scenario`},
	} {
		status, body, _ := get(t, ts.URL+tt.path)
		if status != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("GET %s = %d %q, want %d containing %q", tt.path, status, trunc(body), tt.status, tt.body)
		}
	}
	bad := *counter
	bad.Slug = "bad"
	bad.Params = Params(Int(Param{Name: "view", Label: "View", Default: "1", Min: 0, Max: 2}), Seed)
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), `"view" is reserved`) {
		t.Errorf("a scenario parameter named view: Validate() = %v, want it reserved", err)
	}
	far := *counter
	far.ThumbStep = far.MaxSteps + 1
	if err := far.Validate(); err == nil || !strings.Contains(err.Error(), "ThumbStep") {
		t.Errorf("ThumbStep past MaxSteps: Validate() = %v, want it refused", err)
	}
}

// TestErrorPageOffersRepair: the 400 page of a scenario links the same
// page with the parameter at fault back at its default, the rest kept.
func TestErrorPageOffersRepair(t *testing.T) {
	_, ts := newTestServer(t, 4)
	for _, tt := range []struct {
		path, retry, label string
	}{
		{"/s/counter?last=500&seed=7", "/s/counter?seed=7", "last reset to its default, 20"},
		{"/s/counter?seed=7&last=0&view=present", "/s/counter?seed=7&view=present", "last reset to its default, 20"},
		{"/s/counter?last=0&seed=-1&big=true", "/s/counter?big=true", "last reset to its default, 20 and seed reset to its default, 1"},
		{"/s/counter?lats=5&last=7", "/s/counter?last=7", `the unknown parameter "lats" left out`},
		{"/s/counter?last=7&view=wall", "/s/counter?last=7", "the usual layout"},
		{"/s/counter?last=3&last=4", "/s/counter", "last reset to its default, 20"},
		{"/s/counter?last=%zz", "/s/counter", "Open Counter with its default parameters"},
	} {
		status, body, _ := get(t, ts.URL+tt.path)
		want := fmt.Sprintf("retry %q: ", tt.retry)
		if status != 400 || !strings.Contains(body, want) || !strings.Contains(body, tt.label) {
			t.Errorf("GET %s = %d %q, want 400 with %s and %q", tt.path, status, body, want, tt.label)
		}
		// The link it offers opens.
		if status, body, _ := get(t, ts.URL+tt.retry); status != 200 {
			t.Errorf("the repaired link %s = %d %q, want 200", tt.retry, status, trunc(body))
		}
	}
	// Other errors offer none.
	for _, path := range []string{"/s/nope?x=1", "/api/scenarios/counter/run?last=500"} {
		if _, body, _ := get(t, ts.URL+path); strings.Contains(body, "/s/") {
			t.Errorf("GET %s = %q, offers a link it should not", path, body)
		}
	}
}

// TestThumbnail: /thumb/{slug}.svg is the first panel of a default run at
// the scenario's thumbnail step, an SVG document, drawn once and then
// served from memory; an unknown slug is 404.
func TestThumbnail(t *testing.T) {
	var built atomic.Int32
	sc := *counter
	sc.ThumbStep = 7
	sc.New = func(v Values) (Model, error) {
		built.Add(1)
		return counter.New(v)
	}
	s, err := NewServer(Config{Scenarios: []*Scenario{&sc}, Pages: fakePages{}, MaxRuns: 1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer func() {
		s.Shutdown(context.Background())
		ts.Close()
	}()

	status, first, h := get(t, ts.URL+"/thumb/counter.svg")
	if status != 200 || h.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("GET /thumb/counter.svg = %d (%s) %q", status, h.Get("Content-Type"), trunc(first))
	}
	var root struct {
		XMLName xml.Name
		ViewBox string `xml:"viewBox,attr"`
	}
	if err := xml.NewDecoder(strings.NewReader(first)).Decode(&root); err != nil || root.XMLName.Local != "svg" || root.ViewBox == "" {
		t.Errorf("the thumbnail is not an SVG document with a viewBox: %v, root %+v", err, root)
	}
	// The counter draws a line to x+1 = 8 at step 7; the same plot from
	// the API at step 7, less the export caption, is the same picture.
	run, err := NewRun(&sc, Defaults(sc.Params))
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Advance(7); err != nil {
		t.Fatal(err)
	}
	want, _, err := run.SVG("line")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(first, string(want)) {
		t.Errorf("the thumbnail is not the first panel at step 7")
	}
	builtOnce := built.Load()
	for range 3 {
		if status, again, _ := get(t, ts.URL+"/thumb/counter.svg"); status != 200 || again != first {
			t.Errorf("a second request gave %d and a different picture", status)
		}
	}
	if got := built.Load(); got != builtOnce {
		t.Errorf("three more requests built %d more runs, want 0 (cached)", got-builtOnce)
	}
	for _, path := range []string{"/thumb/nope.svg", "/thumb/counter.png", "/thumb/counter"} {
		if status, _, _ := get(t, ts.URL+path); status != 404 {
			t.Errorf("GET %s = %d, want 404", path, status)
		}
	}
}

// TestExportCaption: a downloaded plot carries a caption with the
// scenario, the step and the page of the run, below the plot.
func TestExportCaption(t *testing.T) {
	_, ts := newTestServer(t, 4)
	status, svg, _ := get(t, ts.URL+"/api/scenarios/counter/plot.svg?seed=3&last=9&step=4&panel=other")
	if status != 200 {
		t.Fatalf("plot.svg = %d %q", status, trunc(svg))
	}
	for _, want := range []string{">ML Playground · Counter · step 4<", ">/s/counter?last=9&amp;seed=3<", `viewBox="0 0 360 316.8"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("plot.svg does not hold %q:\n%s", want, trunc(svg))
		}
	}
	status, png, _ := get(t, ts.URL+"/api/scenarios/counter/plot.png?seed=3&last=9&step=4&panel=other")
	if status != 200 {
		t.Fatalf("plot.png = %d", status)
	}
	img, err := pngpkg.DecodeConfig(strings.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	// 5 × 4 inches at 144 dpi, and two caption lines of 8 pt at 1.3
	// leading with 4 pt above and below: 28.8 pt = 57.6 px more.
	if img.Width != 720 || img.Height != 576+58 {
		t.Errorf("plot.png is %d×%d, want 720×634", img.Width, img.Height)
	}
}
