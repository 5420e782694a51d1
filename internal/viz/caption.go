package viz

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Caption text under a downloaded plot, in points: small, since it is
// read on paper, not on a projector.
const (
	captionSize    = 8
	captionLeading = 1.3 // line height over font size
	captionPad     = 4   // above the first line and below the last
)

// ExportSVG is SVG with lines of caption text under the plot, so that a
// downloaded file says what it shows (a scenario, a step, its query).
// Lines wider than the plot wrap, at an '&' or a space if they can.
func ExportSVG(p *plot.Plot, w, h vg.Length, caption []string) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("viz: svg: nil plot")
	}
	if !(w > 0 && h > 0) {
		return nil, fmt.Errorf("viz: svg: size %v×%v is not positive", w, h)
	}
	lines, sty := wrapCaption(p, caption, w)
	ch := captionHeight(len(lines))
	c := newSVGWriter(w, h+ch, true)
	if err := drawCaptioned(p, c, h, lines, sty, "svg"); err != nil {
		return nil, err
	}
	if out, ok := c.document(); ok {
		return out, nil
	}
	raw := newSVGWriter(w, h+ch, false)
	if err := drawCaptioned(p, raw, h, lines, sty, "svg"); err != nil {
		return nil, err
	}
	doc, _ := raw.document()
	out, err := compact(doc)
	if err != nil {
		return nil, fmt.Errorf("viz: svg: compacting: %w", err)
	}
	return out, nil
}

// ExportPNG is PNG with caption lines under the plot, as ExportSVG.
func ExportPNG(p *plot.Plot, w, h vg.Length, dpi int, caption []string) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("viz: png: nil plot")
	}
	if !(w > 0 && h > 0) || dpi <= 0 {
		return nil, fmt.Errorf("viz: png: size %v×%v at %d dpi is not positive", w, h, dpi)
	}
	lines, sty := wrapCaption(p, caption, w)
	c := vgimg.NewWith(vgimg.UseWH(w, h+captionHeight(len(lines))), vgimg.UseDPI(dpi))
	if err := drawCaptioned(p, c, h, lines, sty, "png"); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("viz: png: encoding: %w", err)
	}
	return buf.Bytes(), nil
}

func captionHeight(lines int) vg.Length {
	if lines == 0 {
		return 0
	}
	return vg.Length(lines)*captionSize*captionLeading + 2*captionPad
}

// drawCaptioned draws p in the top h of c and the caption lines below it,
// on a white strip with a rule above.
func drawCaptioned(p *plot.Plot, c vg.CanvasSizer, h vg.Length, lines []string, sty text.Style, format string) error {
	w, full := c.Size()
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	strip := full - h
	c.Push()
	c.Translate(vg.Point{Y: strip})
	// A second pass (a legend moved outside) paints over the first.
	_, _, err := drawPlot(p, func() sized { return sized{c, w, h} }, format, nil)
	c.Pop()
	if err != nil || len(lines) == 0 {
		return err
	}
	dc.StrokeLine2(draw.LineStyle{Color: inkAxis, Width: 0.4}, margin, strip, w-margin, strip)
	lead := vg.Length(captionSize * captionLeading)
	for i, l := range lines {
		// FillText puts the baseline at y; the descent fits in the leading.
		y := strip - captionPad - vg.Length(i+1)*lead + (lead-captionSize)/2 + captionSize*0.22
		dc.FillText(sty, vg.Point{X: margin, Y: y}, l)
	}
	return nil
}

// sized is a canvas that reports a smaller size, so drawPlot can draw into
// the part of a larger canvas that a translation puts it in.
type sized struct {
	vg.Canvas
	w, h vg.Length
}

func (s sized) Size() (w, h vg.Length) { return s.w, s.h }

// wrapCaption breaks the caption into lines no wider than the plot less
// its margins.
func wrapCaption(p *plot.Plot, caption []string, w vg.Length) ([]string, text.Style) {
	sty := text.Style{Color: inkLabel, Font: font.From(sans, captionSize), Handler: p.TextHandler}
	room := w - 2*margin
	var out []string
	for _, l := range caption {
		for l != "" {
			n := fitPrefix(sty, l, room)
			out = append(out, l[:n])
			l = l[n:]
		}
	}
	return out, sty
}

// fitPrefix is the length of the longest prefix of s that fits in room,
// ending after an '&' or a space when one is there to end it.
func fitPrefix(sty text.Style, s string, room vg.Length) int {
	if sty.Width(s) <= room {
		return len(s)
	}
	fit := 0
	for i := range s {
		if i > 0 && sty.Width(s[:i]) > room {
			break
		}
		fit = i
	}
	if fit == 0 { // not even one character fits: take one anyway
		_, size := firstRune(s)
		return size
	}
	if cut := strings.LastIndexAny(s[:fit], "& "); cut > 0 {
		return cut + 1
	}
	return fit
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}
