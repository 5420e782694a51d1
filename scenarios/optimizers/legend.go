package optimizers

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendBackdrop fills the area under a plot's legend with translucent
// white, so the legend reads on a dark heat map. Add it last; it lays the
// box out as plot.Legend.Draw lays out the entries.
type legendBackdrop struct {
	legend *plot.Legend
	texts  []string // the legend's entries
}

// backdropInk is the translucent white of the box.
var backdropInk = color.NRGBA{0xFF, 0xFF, 0xFF, 0xCC}

func (b legendBackdrop) Plot(c draw.Canvas, _ *plot.Plot) {
	if len(b.texts) == 0 {
		return
	}
	l := b.legend
	sty := l.TextStyle
	var textW, entryH vg.Length
	for _, t := range b.texts {
		r := sty.Rectangle(t)
		textW, entryH = max(textW, r.Max.X), max(entryH, r.Max.Y)
	}
	w := l.ThumbnailWidth + sty.Rectangle(" ").Max.X + textW
	n := vg.Length(len(b.texts))
	h := n*entryH + (n-1)*l.Padding + sty.FontExtents().Descent
	var r vg.Rectangle
	if l.Left {
		r.Min.X = c.Min.X + l.XOffs
		r.Max.X = r.Min.X + w
	} else {
		r.Max.X = c.Max.X + l.XOffs
		r.Min.X = r.Max.X - w
	}
	if l.Top {
		r.Max.Y = c.Max.Y + l.YOffs
		r.Min.Y = r.Max.Y - h
	} else {
		r.Min.Y = c.Min.Y + l.YOffs
		r.Max.Y = r.Min.Y + h
	}
	const pad = 3
	r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = r.Min.X-pad, r.Min.Y-pad, r.Max.X+pad, r.Max.Y+pad
	c.FillPolygon(backdropInk, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
}
