package scenarios

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/web/static"
	"github.com/mlplayground/playground/web/templates"
)

// TestPanelCacheSameFrames: with the panel cache on, a third run of every
// scenario's default URL draws nothing (the second run kept its panels)
// and every run's frames are byte for byte those of a server without the
// cache.
func TestPanelCacheSameFrames(t *testing.T) {
	server := func(cache int) *httptest.Server {
		s, err := lab.NewServer(lab.Config{Scenarios: All(), Pages: templates.Pages{}, Static: static.FS,
			MaxRuns: 8, RequestBudget: -1, PanelCache: cache, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(s.Handler())
		t.Cleanup(ts.Close)
		return ts
	}
	get := func(ts *httptest.Server, path string) []byte {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v: %.200s", path, resp.StatusCode, err, b)
		}
		return b
	}
	lookups := regexp.MustCompile(`playground_panel_cache_lookups_total\{result="(hit|miss)"\} (\d+)`)
	counts := func(ts *httptest.Server) (hits, misses int) {
		for _, m := range lookups.FindAllSubmatch(get(ts, "/metrics"), -1) {
			n, _ := strconv.Atoi(string(m[2]))
			if string(m[1]) == "hit" {
				hits = n
			} else {
				misses = n
			}
		}
		return hits, misses
	}
	plain, cached := server(-1), server(0)
	for _, sc := range All() {
		path := "/api/scenarios/" + sc.Slug + "/run?steps=3&plots=1"
		want := get(plain, path)
		first := get(cached, path)
		second := get(cached, path) // a second run of the URL: its panels are kept
		h0, m0 := counts(cached)
		third := get(cached, path)
		h1, m1 := counts(cached)
		if !bytes.Equal(first, want) || !bytes.Equal(second, want) || !bytes.Equal(third, want) {
			t.Errorf("%s: frames with the panel cache differ from those without it", sc.Slug)
		}
		if m1 != m0 || h1 == h0 {
			t.Errorf("%s: the third run looked up %d panels in the cache and missed %d; want every one found", sc.Slug, h1-h0, m1-m0)
		}
	}
}
