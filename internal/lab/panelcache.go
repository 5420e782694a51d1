package lab

import (
	"container/list"
	"strconv"
	"sync"
	"time"

	"github.com/mlplayground/playground/internal/viz"
)

// PanelCache keeps drawn panels for every run of a server, by scenario,
// canonical query, step and panel. A run's frames depend on nothing else
// (the same URL gives the same frames, byte for byte), so a class that
// opens one shared URL and plays it draws each panel of each step once,
// not once per student. Only the panels of a URL that two runs have
// played are kept: a run of its own costs the cache nothing. It holds at
// most its size in SVG bytes and drops the panel used longest ago first.
// It is safe for concurrent use.
type PanelCache struct {
	mu      sync.Mutex
	max     int
	size    int
	order   *list.List // of *cachedPanel, most recently used first
	byKey   map[string]*list.Element
	urls    map[string]*urlUse
	counter func(hit bool)
}

// urlUse is which run first drew a frame of a URL, and whether another
// has since.
type urlUse struct {
	run    uint64
	shared bool
	last   time.Time
}

// Bounds on the URLs the cache watches: past maxURLs, those not drawn
// for urlIdle are forgotten.
const (
	maxURLs = 4096
	urlIdle = time.Minute
)

type cachedPanel struct {
	key string
	svg string
	vp  viz.Viewport
}

// DefaultPanelCache is the default size of a server's panel cache: a
// default neural-network run's 1 000 steps take some 20 MB.
const DefaultPanelCache = 64 << 20

// NewPanelCache returns a cache of at most size bytes of SVG.
func NewPanelCache(size int) *PanelCache {
	return &PanelCache{max: size, order: list.New(), byKey: map[string]*list.Element{}, urls: map[string]*urlUse{}}
}

// shared records that run id draws a frame of url (scenario slug and
// canonical query) and reports whether another run has drawn one of it:
// only then are its panels looked up and kept.
func (c *PanelCache) shared(url string, id uint64, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.urls[url]
	if u == nil {
		if len(c.urls) >= maxURLs {
			for k, u := range c.urls {
				if now.Sub(u.last) > urlIdle {
					delete(c.urls, k)
				}
			}
			if len(c.urls) >= maxURLs {
				clear(c.urls)
			}
		}
		u = &urlUse{run: id}
		c.urls[url] = u
	}
	u.shared = u.shared || u.run != id
	u.last = now
	return u.shared
}

// panelKey names one panel of one step of a run of url (see shared).
func panelKey(url string, step int, panel string) string {
	return url + "#" + strconv.Itoa(step) + "/" + panel
}

func (c *PanelCache) get(key string) (string, viz.Viewport, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if c.counter != nil {
		c.counter(ok)
	}
	if !ok {
		return "", viz.Viewport{}, false
	}
	c.order.MoveToFront(e)
	p := e.Value.(*cachedPanel)
	return p.svg, p.vp, true
}

func (c *PanelCache) put(key, svg string, vp viz.Viewport) {
	n := len(key) + len(svg)
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return // drawn at the same time by another run: the same bytes
	}
	c.byKey[key] = c.order.PushFront(&cachedPanel{key: key, svg: svg, vp: vp})
	c.size += n
	for c.size > c.max {
		e := c.order.Back()
		p := c.order.Remove(e).(*cachedPanel)
		delete(c.byKey, p.key)
		c.size -= len(p.key) + len(p.svg)
	}
}

// Len returns the number of panels held and their size in bytes.
func (c *PanelCache) Len() (panels, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.size
}
