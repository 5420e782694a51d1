package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"math"
	"sync"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Rasters (region maps, heat maps, unit maps) are embedded in the SVG as
// PNG data URIs. vgsvg's DrawImage calls png.Encode, which builds a new
// zlib writer (about 800 KB of hash tables) for every image; svgCanvas
// encodes them itself with rasterEncoder instead.

// rasterEncoder encodes every raster. Its buffers, the zlib writer among
// them, are pooled, so an encode reuses one left by an earlier image;
// png.Encoder is safe for concurrent use with a concurrent-safe pool.
// The default level, as png.Encode uses: on the StepAndFrame benchmarks
// BestSpeed made frames 0.4–6.6 % larger (neural-network 25.9 → 27.2 KB)
// for no time saved that stood out of the noise, the rasters being small.
var rasterEncoder = png.Encoder{CompressionLevel: png.DefaultCompression, BufferPool: new(encoderPool)}

// encoderPool is a png.EncoderBufferPool over a sync.Pool.
type encoderPool struct{ pool sync.Pool }

func (p *encoderPool) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *encoderPool) Put(b *png.EncoderBuffer) { p.pool.Put(b) }

// svgCanvas is vgsvg's canvas with its own DrawImage. vgsvg keeps its
// output private, so DrawImage leaves a marker in it (an empty group that
// nothing else draws: a NaN translation) and remembers the <image>
// element; placeImages swaps the markers for the elements, in order.
type svgCanvas struct {
	*vgsvg.Canvas
	images [][]byte // the <image> elements, in drawing order
	png    bytes.Buffer
}

// imageMarker is what Push, Translate(NaN, NaN), Pop write in vgsvg.
const imageMarker = "<g transform=\"translate(NaN, NaN)\">\n</g>\n"

// DrawImage implements vg.Canvas. The element is the one vgsvg writes,
// with the PNG labelled as such (vgsvg says image/jpg).
func (c *svgCanvas) DrawImage(rect vg.Rectangle, img image.Image) {
	c.png.Reset()
	if err := rasterEncoder.Encode(&c.png, img); err != nil {
		panic(fmt.Errorf("encoding image to PNG: %w", err))
	}
	size := rect.Size()
	w, h := size.X.Points(), size.Y.Points()
	x, y := rect.Min.X.Points(), rect.Min.Y.Points()
	el := fmt.Appendf(nil, `<image x="%v" y="%v" width="%v" height="%v" xlink:href="data:image/png;base64,`, x, -y-h, w, h)
	el = base64.StdEncoding.AppendEncode(el, c.png.Bytes())
	el = append(el, "\" transform=\"scale(1, -1)\" />\n"...)
	c.images = append(c.images, el)

	nan := vg.Length(math.NaN())
	c.Canvas.Push()
	c.Canvas.Translate(vg.Point{X: nan, Y: nan})
	c.Canvas.Pop()
}

// placeImages returns raw, vgsvg's output, with each image marker replaced
// by its element.
func (c *svgCanvas) placeImages(raw []byte) ([]byte, error) {
	if len(c.images) == 0 {
		return raw, nil
	}
	n := len(raw)
	for _, el := range c.images {
		n += len(el)
	}
	out := make([]byte, 0, n)
	rest := raw
	for _, el := range c.images {
		before, after, ok := bytes.Cut(rest, []byte(imageMarker))
		if !ok {
			return nil, fmt.Errorf("%d images drawn, fewer markers in the output", len(c.images))
		}
		out = append(append(out, before...), el...)
		rest = after
	}
	if bytes.Contains(rest, []byte(imageMarker)) {
		return nil, fmt.Errorf("more image markers than the %d images drawn", len(c.images))
	}
	return append(out, rest...), nil
}
