package viz

import (
	"bytes"
	"encoding/base64"
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
// The level depends on the raster alone, never on what was drawn before,
// so a step reached by playing, by at=N or by seeking has the same bytes.
// A raster is encoded at BestSpeed: the default level clears 640 KB of
// hash chains before every image, most of the cost of encoding a 48×48
// map, and searches harder than a raster of flat regions needs; BestSpeed
// encodes a region map two to three times faster for a PNG 10–25 % larger.
// A raster wrapped by Dense (a detailed surface that does not change, so
// is encoded once and cached) gets the default level, for a smaller frame.
var (
	denseEncoder = png.Encoder{CompressionLevel: png.DefaultCompression, BufferPool: new(encoderPool)}
	fastEncoder  = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: new(encoderPool)}
)

// denseImage marks a raster to be encoded at the default level.
type denseImage struct{ image.Image }

// Dense marks img, a raster that stays the same from frame to frame, to be
// encoded at zlib's default level rather than at BestSpeed: it is encoded
// once, and every frame then carries the smaller PNG.
func Dense(img image.Image) image.Image {
	if img == nil {
		return nil
	}
	return denseImage{img}
}

// encodePNG writes img into buf as a PNG at the level it asks for.
func encodePNG(buf *bytes.Buffer, img image.Image, dense bool) error {
	buf.Reset()
	if dense {
		return denseEncoder.Encode(buf, img)
	}
	return fastEncoder.Encode(buf, img)
}

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
	d, dense := img.(denseImage)
	if dense {
		img = d.Image
	}
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
		err := encodePNG(buf, img, dense)
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
	if err := encodePNG(buf, img, dense); err != nil {
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

// href returns img's PNG as a data URI, "data:image/png;base64,…", made
// once per slot while its pixels stay the same.
func (rc *RasterCache) href(img image.Image, buf *bytes.Buffer) (string, error) {
	data, slot, err := rc.encode(img, buf)
	if err != nil {
		return "", err
	}
	if slot != nil && slot.href != "" {
		return slot.href, nil
	}
	href := string(base64.StdEncoding.AppendEncode([]byte("data:image/png;base64,"), data))
	if slot != nil {
		slot.href = href
	}
	return href, nil
}
