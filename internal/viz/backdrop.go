package viz

import (
	"bytes"
	"image"

	"gonum.org/v1/plot/vg"
)

// A Backdrop keeps a panel drawn around its one raster: the SVG before
// the raster's data URI and the SVG after it. A region map under fixed
// samples and axes changes only in its raster from step to step; while the
// rest is the same (the caller says so by a version), a frame encodes the
// raster alone and puts it between the same bytes, where drawing the
// panel would lay out the axes and write every sample again. The result is
// the whole drawing's, byte for byte. The zero value is empty; a Backdrop
// belongs to one panel of one run and is not safe for concurrent use.
type Backdrop struct {
	kept          bool
	version       uint64
	w, h          vg.Length
	before, after []byte
	vp            Viewport
}

// Splice returns the panel's SVG with img as its raster, when the backdrop
// holds the panel at version and size w×h; ok is false when it does not
// (the panel must be drawn whole, then kept with Keep).
func (bd *Backdrop) Splice(version uint64, w, h vg.Length, img image.Image, rc *RasterCache) (svg []byte, vp Viewport, ok bool, err error) {
	if !bd.kept || bd.version != version || bd.w != w || bd.h != h || img == nil {
		return nil, Viewport{}, false, nil
	}
	var buf bytes.Buffer
	rc.start()
	href, err := rc.href(img, &buf)
	if err != nil {
		return nil, Viewport{}, false, err
	}
	svg = make([]byte, 0, len(bd.before)+len(href)+len(bd.after))
	svg = append(append(append(svg, bd.before...), href...), bd.after...)
	return svg, bd.vp, true, nil
}

// Keep records svg, the panel at version drawn whole at w×h with the
// cache rc and img as its one raster, as the backdrop later frames splice
// into. A drawing in which img's data URI is not found exactly once (no
// raster, or another raster with the same pixels) is not kept: the panel
// is then drawn whole every frame.
func (bd *Backdrop) Keep(version uint64, w, h vg.Length, svg []byte, vp Viewport, img image.Image, rc *RasterCache) error {
	*bd = Backdrop{before: bd.before[:0], after: bd.after[:0]}
	if img == nil {
		return nil
	}
	var buf bytes.Buffer
	rc.start()
	href, err := rc.href(img, &buf)
	if err != nil {
		return err
	}
	at := bytes.Index(svg, []byte(href))
	if at < 0 || bytes.Index(svg[at+len(href):], []byte(href)) >= 0 {
		return nil
	}
	bd.kept, bd.version, bd.w, bd.h, bd.vp = true, version, w, h, vp
	bd.before = append(bd.before, svg[:at]...)
	bd.after = append(bd.after, svg[at+len(href):]...)
	return nil
}

// Forget empties the backdrop: the next frame draws the panel whole.
func (bd *Backdrop) Forget() { bd.kept = false }
