package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"

	xfnt "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// svgWriter is a vg.Canvas that writes the same document as vgsvg, byte
// for byte, straight into one buffer: numbers go through
// strconv.AppendFloat rather than fmt and svgo, and rasters are encoded by
// the raster encoders (raster.go) in place. The tests compare its output with vgsvg's on
// every fixture; compact then reads it as it reads vgsvg's.
type svgWriter struct {
	w, h  vg.Length
	buf   []byte
	stack []svgContext
	num   []byte // scratch for style values
	fams  map[*sfnt.Font]string
	png   bytes.Buffer
	// rasters, when not nil, holds the PNGs of the rasters this panel drew
	// last time; unchanged ones are not encoded again.
	rasters *RasterCache

	// In compact mode (out != nil) elements go to out as compact would
	// write them after reading vgsvg's text, with paths kept as commands.
	out     *writer
	cmds    []pathCmd
	d       []byte // scratch for compact path data
	attrs   []attr // scratch for a path's style
	values  map[string]string
	unusual bool // a path had a number compact cannot read: use the text route
	// Chunks the paths' leaves and attributes are taken from, and every
	// chunk made, for a writer used again (pooledSVGWriter).
	leaves     []leaf
	attrChunk  []attr
	leafBlocks [][]leaf
	attrBlocks [][]attr
	leafBlock  int // leafBlocks handed out
	attrBlock  int
	// The last path given to pathCmds (a copy; empty if it had curves),
	// whether the latest call had it again, and the element made of it.
	lastPath vg.Path
	sameCmds bool
	lastName string
	lastGeom []attr
	// textStyles are the attributes of each text style seen, by style.
	textStyles map[string]textStyle
	// The attributes of the last solid fill and stroke, by colour (and
	// width), for paths drawn alike one after another.
	fillMemo, strokeMemo styleMemo
}

// styleMemo is the compact attributes of a path's style.
type styleMemo struct {
	ok    bool
	color color.RGBA
	width vg.Length
	attrs []attr
}

// textStyle is what compact makes of a text element's style: attributes
// that stay on it and attributes a group can share.
type textStyle struct{ geom, shared []attr }

// flipTransform is compact's form of the transform on every text.
var flipTransform = compactTransform("scale(1, -1)")

// samePath reports whether a and b have the same components; paths with
// curves are never the same (b never holds one).
func samePath(a, b vg.Path) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Type != y.Type || x.Pos != y.Pos || x.Radius != y.Radius || x.Start != y.Start || x.Angle != y.Angle || len(x.Control) != 0 {
			return false
		}
	}
	return true
}

func hasCurves(p vg.Path) bool {
	for i := range p {
		if len(p[i].Control) != 0 {
			return true
		}
	}
	return false
}

// svgContext is the drawing state Push saves, as in vgsvg.
type svgContext struct {
	color      color.Color
	dashArray  []vg.Length
	dashOffset vg.Length
	lineWidth  vg.Length
	gEnds      int // groups to close on Pop
}

var _ vg.CanvasSizer = (*svgWriter)(nil)

// svgPrec is the number of significant digits vgsvg prints.
const svgPrec = 5

// newSVGWriter returns a canvas that writes vgsvg's text, or with compact
// set the document compact makes of that text.
func newSVGWriter(w, h vg.Length, compact bool) *svgWriter {
	c := &svgWriter{w: w, h: h, stack: []svgContext{{}}}
	if compact {
		c.out = &writer{out: bytes.NewBuffer(make([]byte, 0, 16<<10))}
		c.out.element("svg", c.rootAttrs(), false, "")
	} else {
		c.buf = make([]byte, 0, 32<<10) // the text route alone writes buf
	}
	// The origin moves to the bottom left; document closes the group.
	c.group(append(appendG([]byte("scale(1, -1) translate(0, -"), h.Points()), ')'))
	vg.Initialize(c)
	return c
}

// svgWriters keeps compact writers between drawings: a panel's writer
// grows some 40 kB of buffers and chunks, which a frame of five panels
// would otherwise allocate (and clear) again every time.
var svgWriters sync.Pool

// pooledSVGWriter is newSVGWriter(w, h, true), from the pool when it
// holds one; releaseSVGWriter returns it once its document is copied.
func pooledSVGWriter(w, h vg.Length) *svgWriter {
	c, _ := svgWriters.Get().(*svgWriter)
	if c == nil {
		return newSVGWriter(w, h, true)
	}
	// Back to what newSVGWriter makes, keeping the scratch space and the
	// caches that depend only on their keys (fonts' names, text styles,
	// interned values), these while small.
	c.w, c.h = w, h
	c.stack = append(c.stack[:0], svgContext{})
	c.rasters, c.unusual = nil, false
	c.out.out.Reset()
	c.out.last, c.out.run = nil, c.out.run[:0]
	c.cmds, c.d, c.attrs = c.cmds[:0], c.d[:0], c.attrs[:0]
	c.leaves, c.attrChunk, c.leafBlock, c.attrBlock = nil, nil, 0, 0
	c.lastPath, c.sameCmds, c.lastName, c.lastGeom = c.lastPath[:0], false, "", nil
	c.fillMemo.ok, c.strokeMemo.ok = false, false
	if len(c.values) > maxInterned {
		c.values = nil
	}
	if len(c.textStyles) > maxInterned {
		c.textStyles = nil
	}
	c.out.element("svg", c.rootAttrs(), false, "")
	c.group(append(appendG([]byte("scale(1, -1) translate(0, -"), h.Points()), ')'))
	vg.Initialize(c)
	return c
}

// maxInterned bounds the values and text styles a pooled writer keeps.
const maxInterned = 4096

// releaseSVGWriter puts c back in the pool; nothing it wrote may be used
// after.
func releaseSVGWriter(c *svgWriter) {
	if c.out != nil {
		svgWriters.Put(c)
	}
}

// rootAttrs are the attributes of vgsvg's <svg> element.
func (c *svgWriter) rootAttrs() []attr {
	w := string(appendG(nil, float64(c.w)))
	h := string(appendG(nil, float64(c.h)))
	return []attr{
		{"width", w + "pt"}, {"height", h + "pt"}, {"viewBox", "0 0 " + w + " " + h},
		{"xmlns", "http://www.w3.org/2000/svg"}, {"xmlns:xlink", "http://www.w3.org/1999/xlink"},
	}
}

// group opens a <g> with the given transform.
func (c *svgWriter) group(transform []byte) {
	if c.out != nil {
		c.out.element("g", []attr{{"transform", string(transform)}}, false, "")
		return
	}
	c.buf = append(c.buf, `<g transform="`...)
	c.buf = append(c.buf, transform...)
	c.buf = append(c.buf, "\">\n"...)
}

// end closes an element.
func (c *svgWriter) end(name string) {
	if c.out != nil {
		c.out.flush()
		c.out.out.WriteString("</" + name + ">")
		return
	}
	c.buf = append(c.buf, "</"+name+">\n"...)
}

// appendG formats v as vgsvg's %.5g does.
func appendG(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'g', svgPrec, 64) }

func (c *svgWriter) Size() (w, h vg.Length)   { return c.w, c.h }
func (c *svgWriter) context() *svgContext     { return &c.stack[len(c.stack)-1] }
func (c *svgWriter) SetLineWidth(w vg.Length) { c.context().lineWidth = w }
func (c *svgWriter) SetColor(clr color.Color) { c.context().color = clr }
func (c *svgWriter) SetLineDash(d []vg.Length, offs vg.Length) {
	c.context().dashArray = d
	c.context().dashOffset = offs
}

func (c *svgWriter) Rotate(rot float64) {
	var t [64]byte
	b := append(t[:0], "rotate("...)
	b = strconv.AppendFloat(b, rot*180/math.Pi, 'g', -1, 64)
	c.group(append(b, ')'))
	c.context().gEnds++
}

func (c *svgWriter) Translate(pt vg.Point) {
	var t [64]byte
	b := append(t[:0], "translate("...)
	b = appendG(b, pt.X.Points())
	b = append(b, ", "...)
	b = appendG(b, pt.Y.Points())
	c.group(append(b, ')'))
	c.context().gEnds++
}

func (c *svgWriter) Scale(x, y float64) {
	var t [64]byte
	b := append(t[:0], "scale("...)
	b = strconv.AppendFloat(b, x, 'g', -1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, y, 'g', -1, 64)
	c.group(append(b, ')'))
	c.context().gEnds++
}

func (c *svgWriter) Push() {
	top := *c.context()
	top.gEnds = 0
	c.stack = append(c.stack, top)
}

func (c *svgWriter) Pop() {
	for range c.context().gEnds {
		c.end("g")
	}
	c.stack = c.stack[:len(c.stack)-1]
}

// style collects "key:value" declarations separated by ';', skipping the
// values vgsvg leaves out as defaults. For a path in compact mode it also
// collects them as the attributes compact's addStyle would make of them
// (for a path's keys, all inherited ones), values interned by w.
type style struct {
	b     []byte
	w     *svgWriter // nil: no attributes
	attrs []attr
}

// pathStyle starts a path's style.
func (c *svgWriter) pathStyle() style {
	s := style{b: c.num[:0]}
	if c.out != nil {
		s.w, s.attrs = c, c.attrs[:0]
	}
	return s
}

func (s *style) add(key, def string, val []byte) {
	if string(val) == def {
		return
	}
	if s.w != nil {
		s.attrs = append(s.attrs, attr{key, s.w.intern(val)})
		return // compact mode needs the attributes alone
	}
	if len(s.b) > 0 {
		s.b = append(s.b, ';')
	}
	s.b = append(s.b, key...)
	s.b = append(s.b, ':')
	s.b = append(s.b, val...)
}

// appendStyle writes the style attribute and the element's end, as svgo
// writes them; in compact mode it adds the path to out instead.
func (c *svgWriter) appendStyle(s style) {
	if c.out != nil {
		c.addPath(s)
		return
	}
	if len(s.b) > 0 {
		c.buf = append(c.buf, `style="`...)
		c.buf = append(c.buf, s.b...)
		c.buf = append(c.buf, '"')
	}
	c.buf = append(c.buf, " />\n"...)
}

func (c *svgWriter) Stroke(path vg.Path) {
	ctx := c.context()
	if ctx.lineWidth.Points() <= 0 {
		return
	}
	c.startPath(path)
	s := c.pathStyle()
	// A solid stroke of the last colour and width has the last one's
	// attributes: a scatter outlines every glyph alike.
	rgba, plain := ctx.color.(color.RGBA)
	plain = plain && c.out != nil && len(ctx.dashArray) == 0 && ctx.dashOffset == 0
	if m := &c.strokeMemo; plain && m.ok && m.color == rgba && m.width == ctx.lineWidth {
		s.attrs = append(s.attrs, m.attrs...)
		c.appendStyle(s)
		return
	}
	defer func() {
		if plain {
			c.strokeMemo = styleMemo{ok: true, color: rgba, width: ctx.lineWidth, attrs: append(c.strokeMemo.attrs[:0], c.attrs...)}
		}
	}()
	var v [32]byte
	s.add("fill", "#000000", []byte("none"))
	s.add("stroke", "none", appendColor(v[:0], ctx.color))
	s.add("stroke-opacity", "1", appendOpacity(v[:0], ctx.color))
	s.add("stroke-width", "1", appendG(v[:0], ctx.lineWidth.Points()))
	var dash []byte
	for i, d := range ctx.dashArray {
		if i > 0 {
			dash = append(dash, ',')
		}
		dash = appendG(dash, d.Points())
	}
	if dash == nil {
		dash = []byte("none")
	}
	s.add("stroke-dasharray", "none", dash)
	s.add("stroke-dashoffset", "0", appendG(v[:0], ctx.dashOffset.Points()))
	c.appendStyle(s)
	c.num = s.b
}

func (c *svgWriter) Fill(path vg.Path) {
	ctx := c.context()
	c.startPath(path)
	s := c.pathStyle()
	// A fill of the last colour has the last one's attributes.
	rgba, plain := ctx.color.(color.RGBA)
	plain = plain && c.out != nil
	if m := &c.fillMemo; plain && m.ok && m.color == rgba {
		s.attrs = append(s.attrs, m.attrs...)
		c.appendStyle(s)
		return
	}
	defer func() {
		if plain {
			c.fillMemo = styleMemo{ok: true, color: rgba, attrs: append(c.fillMemo.attrs[:0], c.attrs...)}
		}
	}()
	var v [32]byte
	s.add("fill", "#000000", appendColor(v[:0], ctx.color))
	s.add("fill-opacity", "1", appendOpacity(v[:0], ctx.color))
	c.appendStyle(s)
	c.num = s.b
}

// startPath writes `<path d="..." ` as vgsvg's pathData and svgo do, or in
// compact mode collects the commands compact would read from it.
func (c *svgWriter) startPath(path vg.Path) {
	if c.out != nil {
		c.pathCmds(path)
		return
	}
	b := append(c.buf, `<path d="`...)
	pt := func(op byte, x, y float64) {
		b = append(b, op)
		b = appendG(b, x)
		b = append(b, ',')
		b = appendG(b, y)
	}
	walkPath(path, pathEmitter{
		point: pt,
		arc:   func(r, angle, x, y float64) { b = appendArcTo(b, r, angle, x, y) },
		curve: func(ctrl []vg.Point, x, y float64) {
			op := byte('Q')
			if len(ctrl) == 2 {
				op = 'C'
			}
			for _, p := range ctrl {
				pt(op, p.X.Points(), p.Y.Points())
				op = ','
			}
			pt(',', x, y)
		},
		close: func() { b = append(b, 'Z') },
	})
	c.buf = append(b, `" `...)
}

// appendArcTo writes one arc command as vgsvg does.
func appendArcTo(b []byte, r, angle, x, y float64) []byte {
	b = append(b, 'A')
	b = appendG(b, r)
	b = append(b, ',')
	b = appendG(b, r)
	b = append(b, " 0 "...)
	if math.Abs(angle) >= math.Pi {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	if angle < 0 { // NaN sweeps as vgsvg's does
		b = append(b, " 0 "...)
	} else {
		b = append(b, " 1 "...)
	}
	b = appendG(b, x)
	b = append(b, ',')
	return appendG(b, y)
}

// pathEmitter receives a vg.Path in the order vgsvg writes it: M and L
// points, arcs (a full turn as two halves, since SVG cannot draw a closed
// arc), quadratic or cubic curves, closes.
type pathEmitter struct {
	point func(op byte, x, y float64)
	arc   func(r, angle, x, y float64)
	curve func(ctrl []vg.Point, x, y float64)
	close func()
}

// walkPath walks path as vgsvg's pathData does, for the text route and
// for the commands handed to compact's writer alike.
func walkPath(path vg.Path, e pathEmitter) {
	var x, y float64
	for _, comp := range path {
		switch comp.Type {
		case vg.MoveComp:
			x, y = comp.Pos.X.Points(), comp.Pos.Y.Points()
			e.point('M', x, y)
		case vg.LineComp:
			x, y = comp.Pos.X.Points(), comp.Pos.Y.Points()
			e.point('L', x, y)
		case vg.ArcComp:
			r := comp.Radius.Points()
			sin, cos := math.Sincos(comp.Start)
			x0 := comp.Pos.X.Points() + r*cos
			y0 := comp.Pos.Y.Points() + r*sin
			if x0 != x || y0 != y {
				e.point('L', x0, y0)
			}
			if math.Abs(comp.Angle) >= 2*math.Pi {
				angle, xm, ym, x1, y1 := circleEnds(&comp)
				e.arc(r, angle/2, xm, ym)
				e.arc(r, angle/2, x1, y1)
				x, y = x1, y1
			} else {
				sin, cos := math.Sincos(comp.Start + comp.Angle)
				x = comp.Pos.X.Points() + r*cos
				y = comp.Pos.Y.Points() + r*sin
				e.arc(r, comp.Angle, x, y)
			}
		case vg.CurveComp:
			if n := len(comp.Control); n != 1 && n != 2 {
				panic("viz: svg: invalid number of control points")
			}
			x, y = comp.Pos.X.Points(), comp.Pos.Y.Points()
			e.curve(comp.Control, x, y)
		case vg.CloseComp:
			e.close()
		default:
			panic(fmt.Sprintf("viz: svg: unknown path component type: %d", comp.Type))
		}
	}
}

// circleEnds is the turn vgsvg draws for a full-circle arc, and the ends
// of its two halves.
func circleEnds(comp *vg.PathComp) (angle, x0, y0, x, y float64) {
	angle = 2 * math.Pi
	if comp.Angle < 0 {
		angle = -2 * math.Pi
	}
	q := comp.Angle / (2 * math.Pi)
	angle += (q - math.Trunc(q)) * (2 * math.Pi)
	if angle >= 4*math.Pi {
		panic("viz: svg: impossible angle")
	}
	s0, c0 := math.Sincos(comp.Start + 0.5*angle)
	s1, c1 := math.Sincos(comp.Start + angle)
	r := comp.Radius.Points()
	x0 = comp.Pos.X.Points() + r*c0
	y0 = comp.Pos.Y.Points() + r*s0
	x = comp.Pos.X.Points() + r*c1
	y = comp.Pos.Y.Points() + r*s1
	return angle, x0, y0, x, y
}

func (c *svgWriter) FillString(fnt font.Face, pt vg.Point, str string) {
	var s style
	s.b = c.num[:0]
	s.b = append(s.b, "font-family:"...)
	s.b = append(s.b, c.family(fnt)...)
	s.b = append(s.b, ";font-variant:"...)
	s.b = append(s.b, svgVariant(fnt.Font.Variant)...)
	s.b = append(s.b, ";font-weight:"...)
	s.b = append(s.b, svgWeight(fnt.Font.Weight)...)
	s.b = append(s.b, ";font-style:"...)
	s.b = append(s.b, svgStyle(fnt.Font.Style)...)
	var v [40]byte
	s.add("font-size", "medium", append(appendG(v[:0], fnt.Font.Size.Points()), "px"...))
	s.add("fill", "#000000", appendColor(v[:0], c.context().color))
	c.num = s.b
	if c.out != nil {
		// The leaf newLeaf makes of vgsvg's element, with attributes x, y,
		// transform and style in that order: x and y rounded, then the
		// style's own, read once per style.
		st, ok := c.textStyles[string(s.b)]
		if !ok {
			var parsed leaf
			if err := parsed.addStyle(string(s.b)); err != nil {
				panic(fmt.Errorf("viz: svg: %w", err))
			}
			st = textStyle{geom: parsed.geom, shared: parsed.shared}
			if c.textStyles == nil {
				c.textStyles = make(map[string]textStyle)
			}
			c.textStyles[string(s.b)] = st
		}
		l := c.newLeaf()
		l.name, l.content = "text", html.EscapeString(str)
		l.geom = append(c.attrSlice(2+len(st.geom)),
			attr{"x", roundNums(string(appendG(v[:0], pt.X.Points())))},
			attr{"y", roundNums(string(appendG(v[:0], -pt.Y.Points())))})
		l.geom = append(l.geom, st.geom...)
		l.shared = append(append(c.attrSlice(1+len(st.shared)), attr{"transform", flipTransform}), st.shared...)
		c.out.add(l)
		return
	}

	b := append(c.buf, `<text x="`...)
	b = appendG(b, pt.X.Points())
	b = append(b, `" y="`...)
	b = appendG(b, -pt.Y.Points())
	b = append(b, `" transform="scale(1, -1)"`...)
	if len(s.b) > 0 {
		b = append(b, "\n\tstyle=\""...)
		b = append(b, s.b...)
		b = append(b, '"')
	}
	b = append(b, '>')
	b = append(b, html.EscapeString(str)...)
	c.buf = append(b, "</text>\n"...)
}

// DrawImage writes the element vgsvg writes, with the PNG encoded by
// the raster encoders (raster.go) and labelled as such (vgsvg says image/jpg).
func (c *svgWriter) DrawImage(rect vg.Rectangle, img image.Image) { c.drawImage(rect, img, false) }

// drawPixelated is DrawImage with the attribute image-rendering="pixelated":
// the browser scales the raster up without smoothing, each pixel a sharp
// block.
func (c *svgWriter) drawPixelated(rect vg.Rectangle, img image.Image) bool {
	c.drawImage(rect, img, true)
	return true
}

func (c *svgWriter) drawImage(rect vg.Rectangle, img image.Image, pixelated bool) {
	size := rect.Size()
	w, h := size.X.Points(), size.Y.Points()
	x, y := rect.Min.X.Points(), rect.Min.Y.Points()
	if c.out != nil {
		num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		href, err := c.rasters.href(img, &c.png)
		if err != nil {
			panic(fmt.Errorf("encoding image to PNG: %w", err))
		}
		attrs := []attr{
			{"x", num(x)}, {"y", num(-y - h)}, {"width", num(w)}, {"height", num(h)},
			{"xlink:href", href}, {"transform", "scale(1, -1)"},
		}
		if pixelated {
			attrs = append(attrs, attr{"image-rendering", "pixelated"})
		}
		l, err := newLeaf("image", attrs, "")
		if err != nil {
			panic(fmt.Errorf("viz: svg: %w", err))
		}
		c.out.add(l)
		return
	}
	data, _, err := c.rasters.encode(img, &c.png)
	if err != nil {
		panic(fmt.Errorf("encoding image to PNG: %w", err))
	}
	c.buf = fmt.Appendf(c.buf, `<image x="%v" y="%v" width="%v" height="%v" xlink:href="data:image/png;base64,`, x, -y-h, w, h)
	c.buf = base64.StdEncoding.AppendEncode(c.buf, data)
	c.buf = append(c.buf, "\" transform=\"scale(1, -1)\""...)
	if pixelated {
		c.buf = append(c.buf, " image-rendering=\"pixelated\""...)
	}
	c.buf = append(c.buf, " />\n"...)
}

// document returns the whole SVG document: vgsvg's prelude, what was
// drawn, and the groups still open closed. In compact mode ok is false
// when a path held a number compact could not have read; the caller then
// takes the text route, which reports it.
func (c *svgWriter) document() (doc []byte, ok bool) {
	n := 1 // the group that moves the origin
	for _, ctx := range c.stack {
		n += ctx.gEnds
	}
	if c.out != nil {
		for range n {
			c.end("g")
		}
		c.end("svg")
		return c.out.out.Bytes(), !c.unusual
	}
	out := make([]byte, 0, len(c.buf)+300+5*n)
	out = append(out, "<?xml version=\"1.0\"?>\n<!-- Generated by SVGo and Plotinum VG -->\n<svg width=\""...)
	out = appendG(out, float64(c.w))
	out = append(out, "pt\" height=\""...)
	out = appendG(out, float64(c.h))
	out = append(out, "pt\" viewBox=\"0 0 "...)
	out = appendG(out, float64(c.w))
	out = append(out, ' ')
	out = appendG(out, float64(c.h))
	out = append(out, "\"\n\txmlns=\"http://www.w3.org/2000/svg\"\n\txmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"...)
	out = append(out, c.buf...)
	for range n {
		out = append(out, "</g>\n"...)
	}
	return append(out, "</svg>\n"...), true
}

// family is the font's family name, read once per face.
func (c *svgWriter) family(fnt font.Face) string {
	if name, ok := c.fams[fnt.Face]; ok {
		return name
	}
	var buf sfnt.Buffer
	name, err := fnt.Face.Name(&buf, sfnt.NameIDFamily)
	if err != nil {
		panic(fmt.Errorf("viz: svg: no family name in font %q: %w", fnt.Font.Typeface, err))
	}
	if c.fams == nil {
		c.fams = make(map[*sfnt.Font]string)
	}
	c.fams[fnt.Face] = name
	return name
}

// appendColor writes clr as vgsvg does: #RRGGBB, un-premultiplied.
func appendColor(b []byte, clr color.Color) []byte {
	if clr == nil {
		clr = color.Black
	}
	r, g, bl, a := clr.RGBA()
	k := 255.0 / float64(a)
	const hex = "0123456789ABCDEF"
	b = append(b, '#')
	for _, ch := range [3]uint32{r, g, bl} {
		v := int(float64(ch) * k)
		if v < 0 || v > 255 { // a colour outside the gamut, as %02X prints it
			b = fmt.Appendf(b, "%02X", v)
			continue
		}
		b = append(b, hex[v>>4], hex[v&15])
	}
	return b
}

func appendOpacity(b []byte, clr color.Color) []byte {
	if clr == nil {
		clr = color.Black
	}
	_, _, _, a := clr.RGBA()
	if a == math.MaxUint16 {
		return append(b, '1') // appendG(1): most colours are opaque
	}
	return appendG(b, float64(a)/math.MaxUint16)
}

// svgVariant, svgStyle and svgWeight name font properties as vgsvg does.
func svgVariant(v font.Variant) string {
	switch str := strings.ToLower(string(v)); str {
	case "smallcaps":
		return "small-caps"
	case "mono", "monospace", "sans", "sansserif", "sans-serif", "serif":
		return "normal"
	case "":
		return "none"
	default:
		return str
	}
}

func svgStyle(sty xfnt.Style) string {
	switch sty {
	case xfnt.StyleNormal:
		return "normal"
	case xfnt.StyleItalic:
		return "italic"
	case xfnt.StyleOblique:
		return "oblique"
	}
	panic(fmt.Errorf("viz: svg: invalid font style %v", sty))
}

func svgWeight(w xfnt.Weight) string {
	switch w {
	case xfnt.WeightThin:
		return "100"
	case xfnt.WeightExtraLight:
		return "200"
	case xfnt.WeightLight:
		return "300"
	case xfnt.WeightNormal:
		return "normal"
	case xfnt.WeightMedium:
		return "500"
	case xfnt.WeightSemiBold:
		return "600"
	case xfnt.WeightBold:
		return "bold"
	case xfnt.WeightExtraBold:
		return "800"
	case xfnt.WeightBlack:
		return "900"
	}
	panic(fmt.Errorf("viz: svg: invalid font weight %v", w))
}

// round5 is v as compact reads it back from vgsvg's %.5g. A number
// compact cannot read (NaN, ±Inf) marks the document unusual.
func (c *svgWriter) round5(v float64) float64 {
	if r, ok := fastRound5(v); ok {
		return r
	}
	var t [32]byte
	b := appendG(t[:0], v)
	r, n := scanNumber(string(b))
	if n != len(b) {
		c.unusual = true
	}
	return r
}

// pathCmds collects in c.cmds the commands compact's parsePath would read
// from vgsvg's path data for path.
func (c *svgWriter) pathCmds(path vg.Path) {
	// A glyph is filled and then stroked along the same path: its
	// commands are those already in c.cmds.
	if c.sameCmds = samePath(path, c.lastPath); c.sameCmds {
		return
	}
	c.lastPath = c.lastPath[:0]
	if !hasCurves(path) { // a curve's control points are not copied
		c.lastPath = append(c.lastPath, path...)
	}
	cmds := c.cmds[:0]
	pt := func(op byte, x, y float64) {
		cmds = append(cmds, pathCmd{op: op, args: [7]float64{c.round5(x), c.round5(y)}})
	}
	arcTo := func(r, angle, x, y float64) {
		cmd := pathCmd{op: 'A'}
		cmd.args[0] = c.round5(r)
		cmd.args[1] = cmd.args[0]
		if math.Abs(angle) >= math.Pi {
			cmd.args[3] = 1
		}
		if !(angle < 0) {
			cmd.args[4] = 1
		}
		cmd.args[5], cmd.args[6] = c.round5(x), c.round5(y)
		cmds = append(cmds, cmd)
	}
	walkPath(path, pathEmitter{
		point: pt,
		arc:   arcTo,
		curve: func(ctrl []vg.Point, x, y float64) {
			cmd := pathCmd{op: 'Q'}
			if len(ctrl) == 2 {
				cmd.op = 'C'
			}
			k := 0
			for _, p := range ctrl {
				cmd.args[k], cmd.args[k+1] = c.round5(p.X.Points()), c.round5(p.Y.Points())
				k += 2
			}
			cmd.args[k], cmd.args[k+1] = c.round5(x), c.round5(y)
			cmds = append(cmds, cmd)
		},
		close: func() { cmds = append(cmds, pathCmd{op: 'Z'}) },
	})
	c.cmds = cmds
}

// addPath adds the path in c.cmds, styled by s, to out as compact's
// newLeaf would make it from vgsvg's element.
func (c *svgWriter) addPath(s style) {
	l := c.newLeaf()
	switch {
	case c.sameCmds && c.lastGeom != nil: // geometry is never changed once made
		l.name, l.geom = c.lastName, c.lastGeom
	default:
		l.name = "path"
		if cx, cy, r, ok := circleOf(c.cmds); ok {
			l.name = "circle"
			l.geom = append(c.attrSlice(3), attr{"cx", cx}, attr{"cy", cy}, attr{"r", r})
		} else {
			c.d = appendCompactPath(c.d[:0], c.cmds)
			l.geom = append(c.attrSlice(1), attr{"d", string(c.d)})
		}
		c.lastName, c.lastGeom = l.name, l.geom
	}
	// Room for a stroke's attributes, which merge adds to a fill's.
	l.shared = append(c.attrSlice(2*len(s.attrs)+2), s.attrs...)
	c.attrs = s.attrs
	c.out.add(l)
}

// newLeaf returns a zero leaf from a chunk: a plot has hundreds of glyphs,
// two elements each, all kept until the document is written.
func (c *svgWriter) newLeaf() *leaf {
	if len(c.leaves) == 0 {
		if c.leafBlock < len(c.leafBlocks) {
			c.leaves = c.leafBlocks[c.leafBlock]
			clear(c.leaves)
		} else {
			c.leaves = make([]leaf, 64)
			c.leafBlocks = append(c.leafBlocks, c.leaves)
		}
		c.leafBlock++
	}
	l := &c.leaves[0]
	c.leaves = c.leaves[1:]
	return l
}

// attrSlice returns an empty slice of capacity n from a chunk; appending
// past n moves it out of the chunk.
func (c *svgWriter) attrSlice(n int) []attr {
	if cap(c.attrChunk)-len(c.attrChunk) < n {
		if c.attrBlock < len(c.attrBlocks) && cap(c.attrBlocks[c.attrBlock]) >= n {
			c.attrChunk = c.attrBlocks[c.attrBlock][:0]
		} else {
			c.attrChunk = make([]attr, 0, max(256, n))
			c.attrBlocks = append(c.attrBlocks[:c.attrBlock], c.attrChunk)
		}
		c.attrBlock++
	}
	k := len(c.attrChunk)
	c.attrChunk = c.attrChunk[:k+n]
	return c.attrChunk[k : k : k+n]
}

// intern returns val as a string, the same string for the same value: a
// plot repeats a few colours and widths many times.
func (c *svgWriter) intern(val []byte) string {
	if v, ok := c.values[string(val)]; ok {
		return v
	}
	if c.values == nil {
		c.values = make(map[string]string)
	}
	v := string(val)
	c.values[v] = v
	return v
}

// decades[i] is 10^(i−3), the powers of ten fastRound5 handles.
var decades = [...]float64{1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// fastRound5 is round5 without formatting, for the usual coordinates:
// v scaled to five integer digits, rounded, scaled back. The scaling
// errs by under 1e-11, so the rounding is the decimal one unless v is
// within 1e-9 of a tie, which it leaves to strconv (ok false). Both
// routes end in one division (or product) of exact integers, as
// scanNumber's fast path does, so they give the same float64.
func fastRound5(v float64) (r float64, ok bool) {
	a := math.Abs(v)
	if !(a >= 1e-3 && a < 1e9) {
		return 0, false
	}
	// ⌊log₁₀ a⌋ by comparisons, cheaper than math.Log10; an off-by-one at
	// a power of ten (1e-1 is not exact) fails the check on m below.
	e := -3
	for e < 8 && a >= decades[e+4] {
		e++
	}
	k := 4 - e // 1e4 ≤ a·10^k < 1e5
	var m float64
	if k >= 0 {
		m = a * pow10[k]
	} else {
		m = a / pow10[-k]
	}
	if m < 1e4 || m >= 1e5 {
		return 0, false
	}
	n := math.Floor(m)
	if f := m - n; math.Abs(f-0.5) < 1e-9 {
		return 0, false
	} else if f > 0.5 {
		n++
	}
	if k >= 0 {
		r = n / pow10[k]
	} else {
		r = n * pow10[-k]
	}
	if v < 0 {
		r = -r
	}
	return r, true
}
