package lab

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlplayground/playground/internal/viz"
)

// TestPanelCacheEvictsLeastRecent: the cache holds at most its size in
// bytes (keys and SVG), dropping the panel used longest ago first, and
// refuses a panel larger than itself.
func TestPanelCacheEvictsLeastRecent(t *testing.T) {
	var hits, misses int
	c := NewPanelCache(300)
	c.counter = func(ok bool) {
		if ok {
			hits++
		} else {
			misses++
		}
	}
	svg := strings.Repeat("x", 90) // with its 10-byte key, 100 bytes
	for _, k := range []string{"key-0000a", "key-0000b", "key-0000c"} {
		c.put(k+"!", svg, viz.Viewport{X: [2]float64{0, float64(len(k))}})
	}
	if n, size := c.Len(); n != 3 || size != 300 {
		t.Fatalf("after three puts: %d panels, %d bytes; want 3, 300", n, size)
	}
	if _, vp, ok := c.get("key-0000a!"); !ok || vp.X[1] != 9 {
		t.Fatalf("key-0000a: found %v, viewport %v", ok, vp)
	}
	c.put("key-0000d!", svg, viz.Viewport{}) // evicts b, the least recent
	if _, _, ok := c.get("key-0000b!"); ok {
		t.Error("key-0000b is still held after a fourth panel; want it dropped")
	}
	for _, k := range []string{"key-0000a!", "key-0000c!", "key-0000d!"} {
		if _, _, ok := c.get(k); !ok {
			t.Errorf("%s was dropped; want it held", k)
		}
	}
	c.put("big", strings.Repeat("y", 301), viz.Viewport{})
	if n, size := c.Len(); n != 3 || size != 300 {
		t.Errorf("after a panel larger than the cache: %d panels, %d bytes; want 3, 300", n, size)
	}
	if hits != 4 || misses != 1 {
		t.Errorf("counted %d hits and %d misses; want 4 and 1", hits, misses)
	}
}

// TestPanelCacheShared: a URL's panels are kept once a second run draws
// it, and the URLs watched stay bounded.
func TestPanelCacheShared(t *testing.T) {
	c := NewPanelCache(1 << 20)
	now := time.Unix(1e9, 0)
	steps := []struct {
		url  string
		run  uint64
		want bool
	}{
		{"kmeans?", 1, false}, {"kmeans?", 1, false}, {"kmeans?k=4", 2, false},
		{"kmeans?", 3, true}, {"kmeans?", 1, true}, {"kmeans?k=4", 2, false},
	}
	for i, s := range steps {
		if got := c.shared(s.url, s.run, now); got != s.want {
			t.Errorf("step %d: run %d drawing %q: shared %v, want %v", i, s.run, s.url, got, s.want)
		}
	}
	for i := len(c.urls); i < maxURLs; i++ {
		c.shared("svm?seed="+strconv.Itoa(i), 10, now)
	}
	if len(c.urls) != maxURLs {
		t.Fatalf("watching %d URLs; want %d", len(c.urls), maxURLs)
	}
	c.shared("svm?seed=y", 10, now) // none idle: all forgotten
	if len(c.urls) != 1 {
		t.Errorf("a URL past %d with none idle: %d URLs watched; want 1", maxURLs, len(c.urls))
	}
	for i := len(c.urls); i < maxURLs; i++ {
		c.shared("svm?seed="+strconv.Itoa(i), 10, now)
	}
	c.shared("svm?seed=x", 10, now.Add(2*urlIdle)) // the others are idle: forgotten
	if len(c.urls) != 1 {
		t.Errorf("after %v without frames: %d URLs watched; want 1", 2*urlIdle, len(c.urls))
	}
}
