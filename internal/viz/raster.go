package viz

import (
	"image/png"
	"sync"
)

// Rasters (region maps, heat maps, unit maps) are embedded in the SVG as
// PNG data URIs. vgsvg's DrawImage calls png.Encode, which builds a new
// zlib writer (about 800 KB of hash tables) for every image; svgWriter
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
