package viz

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"slices"
	"sync"
)

// Rasters (region maps, heat maps, unit maps) are embedded in the SVG as
// PNG data URIs. vgsvg's DrawImage calls png.Encode, which builds a new
// zlib writer (about 800 KB of hash tables) for every image; svgWriter
// encodes them itself with the encoders below instead.

// The rasters' encoders. Their buffers, the zlib writer among them, are
// pooled, so an encode reuses one left by an earlier image; png.Encoder is
// safe for concurrent use with a concurrent-safe pool.
//
// A raster drawn for the first time in its place is encoded at the
// default level (denseEncoder): most rasters never change (a loss surface,
// a data set's map), and the RasterCache keeps their PNG. One whose pixels
// changed since the last drawing is re-encoded at BestSpeed
// (changingEncoder): the default level clears 640 KB of hash chains before
// every image, most of the cost of encoding a 48×48 map, and searches
// harder than a raster of flat regions needs; BestSpeed encodes a region
// map two to three times faster for a PNG 10–25 % larger.
var (
	denseEncoder    = png.Encoder{CompressionLevel: png.DefaultCompression, BufferPool: new(encoderPool)}
	changingEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: new(encoderPool)}
)

// encoderPool is a png.EncoderBufferPool over a sync.Pool.
type encoderPool struct{ pool sync.Pool }

func (p *encoderPool) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *encoderPool) Put(b *png.EncoderBuffer) { p.pool.Put(b) }

// RasterCache remembers the rasters one panel drew last time, by their
// order in the drawing, with their PNG: a raster whose pixels are the same
// as last time's in its place is not encoded again. Region maps keep
// their colours for many steps once a model settles, and PNG encoding is
// most of a raster's cost. A RasterCache belongs to one panel of one run
// and is not safe for concurrent use; the zero value is ready.
type RasterCache struct {
	slots []rasterSlot
	next  int // the slot of the next raster drawn
	// encoded counts the rasters encoded, for tests.
	encoded int
}

// rasterSlot is one raster as last drawn: a copy of its pixels and the
// PNG (and data URI) they encode to.
type rasterSlot struct {
	paletted bool
	rect     image.Rectangle
	stride   int
	pix      []byte
	pal      color.Palette
	png      []byte
	href     string // "data:image/png;base64,…", made when first asked for
}

// start begins a drawing of the panel: rasters are matched to slots in the
// order they are drawn.
func (rc *RasterCache) start() {
	if rc != nil {
		rc.next = 0
	}
}

// encode returns img's PNG, from its slot when the slot holds img's
// pixels already, else encoded (into the slot, or into buf for a nil
// cache and for images other than *image.Paletted and *image.RGBA, which
// get no slot: s is nil).
func (rc *RasterCache) encode(img image.Image, buf *bytes.Buffer) (data []byte, s *rasterSlot, err error) {
	var paletted bool
	var rect image.Rectangle
	var stride int
	var pix []byte
	var pal color.Palette
	switch m := img.(type) {
	case *image.Paletted:
		paletted, rect, stride, pix, pal = true, m.Rect, m.Stride, m.Pix, m.Palette
	case *image.RGBA:
		rect, stride, pix = m.Rect, m.Stride, m.Pix
	}
	if rc == nil || pix == nil {
		buf.Reset()
		err := denseEncoder.Encode(buf, img)
		return buf.Bytes(), nil, err
	}
	if rc.next == len(rc.slots) {
		rc.slots = append(rc.slots, rasterSlot{})
	}
	s = &rc.slots[rc.next]
	rc.next++
	if s.png != nil && s.paletted == paletted && s.rect == rect && s.stride == stride &&
		bytes.Equal(s.pix, pix) && slices.Equal(s.pal, pal) {
		return s.png, s, nil
	}
	enc := &denseEncoder
	if s.png != nil {
		enc = &changingEncoder
	}
	buf.Reset()
	if err := enc.Encode(buf, img); err != nil {
		s.png = nil
		return nil, nil, err
	}
	rc.encoded++
	s.paletted, s.rect, s.stride = paletted, rect, stride
	s.pix = append(s.pix[:0], pix...)
	s.pal = append(s.pal[:0], pal...)
	s.png = append(s.png[:0], buf.Bytes()...)
	s.href = ""
	return s.png, s, nil
}
