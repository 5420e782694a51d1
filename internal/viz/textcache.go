package viz

import (
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// gonum/plot measures every tick label, title and legend entry several
// times a frame (each layout pass sizes the axes again, and drawing
// measures once more to align), and font.Face.Width walks the glyphs and
// kerning pairs with a fresh sfnt.Buffer each time. The same few hundred
// strings recur frame after frame, so their widths are remembered.

// measuredText is a text.Handler that measures and draws exactly as
// text.Plain does, remembering each font's face and extents, each
// (font, line) width and each text's lines. It is safe for concurrent
// use: every run draws its plots on its own goroutine. It assumes the
// font cache's faces do not change once looked up.
type measuredText struct {
	plain text.Plain
	faces faceList
	lines bounded[string, []string]
	// maxWidths bounds each face's remembered widths.
	maxWidths int
}

// Bounds of the caches: ample for every label of every scenario's panels
// at once (a frame measures a few hundred strings in a handful of fonts).
const (
	maxFaces    = 1 << 6
	maxMeasured = 1 << 14 // texts split into lines
	maxWidths   = 1 << 12 // lines measured, a face
)

// measuredFace is a font's face, as Plain looks it up, its extents and
// the widths of the lines measured in it: keyed by the line alone, which
// is all there is to hash.
type measuredFace struct {
	fnt    font.Font
	face   font.Face
	ext    font.Extents
	widths bounded[string, vg.Length]
}

var _ text.Handler = (*measuredText)(nil)

// textHandler is the handler of every plot: plot.New, which NewPlot calls,
// and gonum's plotters built without a plot (plotter.NewLabels) take
// plot.DefaultTextHandler.
var textHandler = &measuredText{
	plain:     text.Plain{Fonts: font.DefaultCache},
	lines:     bounded[string, []string]{max: maxMeasured},
	maxWidths: maxWidths,
}

func init() { plot.DefaultTextHandler = textHandler }

func (h *measuredText) Cache() *font.Cache { return h.plain.Fonts }

func (h *measuredText) lookup(fnt font.Font) *measuredFace {
	if f := h.faces.load(fnt); f != nil {
		return f
	}
	f := &measuredFace{fnt: fnt, face: h.plain.Fonts.Lookup(fnt, fnt.Size), widths: bounded[string, vg.Length]{max: h.maxWidths}}
	f.ext = f.face.Extents()
	h.faces.store(f)
	return f
}

// faceList holds the faces looked up, at most maxFaces, in a list that is
// copied on each store: a plot uses a handful of fonts, so reading is a
// short scan with no lock and no hashing of the font's strings. The zero
// value is empty.
type faceList struct {
	list atomic.Pointer[[]*measuredFace]
	mu   sync.Mutex // serialises stores
}

func (l *faceList) load(fnt font.Font) *measuredFace {
	if p := l.list.Load(); p != nil {
		for _, f := range *p {
			if sameFont(&f.fnt, &fnt) {
				return f
			}
		}
	}
	return nil
}

// sameFont is a == b with the numbers, which mostly tell fonts apart,
// compared before the names.
func sameFont(a, b *font.Font) bool {
	return a.Size == b.Size && a.Weight == b.Weight && a.Style == b.Style && a.Typeface == b.Typeface && a.Variant == b.Variant
}

// store adds f; a full list starts afresh.
func (l *faceList) store(f *measuredFace) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var next []*measuredFace
	if p := l.list.Load(); p != nil && len(*p) < maxFaces {
		next = append(next, *p...)
	}
	next = append(next, f)
	l.list.Store(&next)
}

func (h *measuredText) Extents(fnt font.Font) font.Extents { return h.lookup(fnt).ext }

// Lines splits txt as Plain does, remembering the split: callers only read
// it.
func (h *measuredText) Lines(txt string) []string {
	if l, ok := h.lines.load(txt); ok {
		return l
	}
	l := h.plain.Lines(txt)
	h.lines.store(txt, l)
	return l
}

// width is the font's face's Width(line), remembered.
func (h *measuredText) width(fnt font.Font, line string) vg.Length {
	f := h.lookup(fnt)
	if w, ok := f.widths.load(line); ok {
		return w
	}
	w := f.face.Width(line)
	f.widths.store(line, w)
	return w
}

// Box is Plain.Box with the width remembered.
func (h *measuredText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	ext := h.Extents(fnt)
	return h.width(fnt, txt), ext.Ascent, ext.Descent
}

// Draw is Plain.Draw with the widths remembered: the same operations in
// the same order, so the same canvas calls.
func (h *measuredText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}

	f := h.lookup(sty.Font)
	c.SetColor(sty.Color)

	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}

	sin64, cos64 := math.Sincos(sty.Rotation)
	cos := vg.Length(cos64)
	sin := vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	lines := h.Lines(txt)
	ht := sty.Height(txt)
	pt.Y += ht*vg.Length(sty.YAlign) - f.ext.Ascent
	for i, line := range lines {
		xoffs := vg.Length(sty.XAlign) * h.width(sty.Font, line)
		n := vg.Length(len(lines) - i)
		c.FillString(f.face, pt.Add(vg.Point{X: xoffs, Y: n * sty.Font.Size}), line)
	}

	if sty.Rotation != 0 {
		c.Pop()
	}
}

// bounded is a concurrent map of at most max entries: a store into a
// full map starts it afresh, so a stream of new keys cannot grow it. Keys
// are read far more often than stored.
type bounded[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]V
	max int
}

func (b *bounded[K, V]) load(k K) (v V, ok bool) {
	b.mu.RLock()
	v, ok = b.m[k]
	b.mu.RUnlock()
	return v, ok
}

func (b *bounded[K, V]) store(k K, v V) {
	b.mu.Lock()
	if b.m == nil || len(b.m) >= b.max {
		b.m = make(map[K]V)
	}
	b.m[k] = v
	b.mu.Unlock()
}

func (b *bounded[K, V]) len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.m)
}
