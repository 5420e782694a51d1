package viz

import (
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Palette is the Okabe–Ito palette (Okabe & Ito, Color Universal Design,
// 2008), whose colours stay apart for the common forms of colour
// blindness. The first three, the classes of most data sets, differ in
// hue and in lightness (blue, orange, bluish green); vermilion (index 3)
// is the accent that pages call red. Two darker colours follow so that
// the digits' ten classes do not repeat. Sky blue and yellow are light:
// text in a palette colour goes through TextInk.
var Palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xD5, 0x5E, 0x00, 0xFF}, // vermilion (red)
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x33, 0x33, 0x33, 0xFF}, // near black
	{0x88, 0x22, 0x55, 0xFF}, // wine (Tol's muted palette)
	{0x99, 0x99, 0x99, 0xFF}, // grey
}

// Neutral is the colour of unlabelled points (class -1). It is darker than
// Palette's own grey so that the two stay apart.
var Neutral = color.RGBA{0x80, 0x80, 0x80, 0xFF}

// Colours of the house style's non-data ink.
var (
	inkTitle = color.RGBA{0x22, 0x22, 0x22, 0xFF}
	inkLabel = color.RGBA{0x33, 0x33, 0x33, 0xFF}
	inkTick  = color.RGBA{0x55, 0x55, 0x55, 0xFF}
	inkAxis  = color.RGBA{0xB0, 0xB0, 0xB0, 0xFF}
	inkGrid  = color.RGBA{0xE4, 0xE4, 0xE4, 0xFF}
	inkDark  = color.RGBA{0x22, 0x22, 0x22, 0xFF}
)

// sans is Liberation Sans, which gonum/plot bundles, so text is measured
// with the same metrics the browser's fallback (Arial) roughly has.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// regionMix is how much of the class colour a region colour keeps; the
// rest is white, so data points stay readable on top.
const regionMix = 0.28

// ClassColor returns the palette colour of class i, cycling past the end of
// the palette; negative classes (unlabelled) are Neutral grey.
func ClassColor(i int) color.RGBA {
	if i < 0 {
		return Neutral
	}
	return Palette[i%len(Palette)]
}

// RegionColor returns a pale version of ClassColor(i) for region maps and
// other backgrounds.
func RegionColor(i int) color.RGBA {
	if i < 0 {
		return pale(Neutral, regionMix)
	}
	if i >= len(regionColors) {
		i %= len(regionColors) // rare: a division per map cell is not
	}
	return regionColors[i] // a colour per map cell: made once
}

// RegionLevel is the index of RegionColor(i) in RegionPalette, for
// RegionRasterLevels: RegionPalette[RegionLevel(i)] is RegionColor(i) for
// every i.
func RegionLevel(i int) int {
	switch {
	case i < 0:
		return len(regionColors)
	case i >= len(regionColors):
		return i % len(regionColors)
	}
	return i
}

// RegionPalette holds every colour RegionColor gives: the classes' then
// the one for none.
var RegionPalette = append(slices.Clip(regionColors), pale(Neutral, regionMix))

var regionColors = func() []color.RGBA {
	cs := make([]color.RGBA, len(Palette))
	for i, c := range Palette {
		cs[i] = pale(c, regionMix)
	}
	return cs
}()

// pale mixes c with white, keeping the fraction keep of c.
func pale(c color.RGBA, keep float64) color.RGBA {
	mix := func(v uint8) uint8 {
		return uint8(math.Round(255 - (255-float64(v))*keep))
	}
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xFF}
}

// NewPlot returns an empty plot in the house style: sans-serif text sized
// for a projector, thin grey axes without minor ticks, and a pale grid.
// Empty title or labels are left out.
func NewPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	hdlr := p.TextHandler
	style := func(size vg.Length, c color.Color) text.Style {
		return text.Style{Color: c, Font: font.From(sans, size), Handler: hdlr}
	}

	p.Title.Text = title
	p.Title.TextStyle = style(13, inkTitle)
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = 6

	for _, ax := range []struct {
		a     *plot.Axis
		label string
	}{{&p.X, xLabel}, {&p.Y, yLabel}} {
		a := ax.a
		a.Label.Text = ax.label
		align := a.Label.TextStyle
		a.Label.TextStyle = style(11, inkLabel)
		a.Label.TextStyle.XAlign, a.Label.TextStyle.YAlign = align.XAlign, align.YAlign
		a.Label.Padding = 3
		tick := a.Tick.Label
		a.Tick.Label = style(10, inkTick)
		a.Tick.Label.XAlign, a.Tick.Label.YAlign = tick.XAlign, tick.YAlign
		a.LineStyle = draw.LineStyle{Color: inkAxis, Width: 0.6}
		a.Tick.LineStyle = draw.LineStyle{Color: inkAxis, Width: 0.6}
		a.Tick.Length = 3
		a.Tick.Marker = &memoTicks{}
		// Zero padding lets a region map meet the axes without a white seam;
		// glyphs still get room from their glyph boxes.
		a.Padding = 0
	}

	// Top and Left name the corner the legend prefers; SVG and PNG move it
	// to where it covers no data (see legend.go).
	p.Legend.TextStyle = style(10, inkLabel)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = 18
	p.Legend.Padding = 2

	p.Add(backgroundGrid{newGrid()})
	return p
}

func newGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical = draw.LineStyle{Color: inkGrid, Width: 0.6}
	g.Horizontal = g.Vertical
	return g
}

// niceTicks labels about five round values (steps of 1, 2, 2.5 or 5
// times a power of ten, whichever count is nearest five) and draws no minor ticks. gonum's default aims at
// three labels, which is sparse for reading values off a projected plot.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(lo, hi) {
		return nil
	}
	const target = 5
	mag := math.Pow10(int(math.Floor(math.Log10((hi - lo) / target))))
	step, best := 0.0, math.Inf(1)
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		score := math.Abs((hi-lo)/(m*mag) - target)
		if m == 2.5 {
			score += 1 // labels like 7.5 read less easily
		}
		if score < best {
			step, best = m*mag, score
		}
	}
	// Past the plain range every label gets one power of ten, so an axis
	// never mixes 0.00001 with 2e-06.
	exp := 0
	if big := max(math.Abs(lo), math.Abs(hi)); big >= 1e6 || stepDecimals(step) > 5 {
		exp = int(math.Floor(math.Log10(big) + 1e-9))
	}
	decimals := stepDecimals(step / math.Pow10(exp))
	var ticks []plot.Tick
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0"
		}
		v = min(max(v, lo), hi) // k·step may miss an end by an ulp
		ticks = append(ticks, plot.Tick{Value: v, Label: tickLabel(v, decimals, exp)})
	}
	return ticks
}

// memoTicks is niceTicks remembering its last answer: gonum asks an axis
// for its ticks five or six times a drawing (sizes, glyph boxes, grid,
// drawing), always over the same range. A plot's axis has its own, used
// by one drawing at a time; callers only read the ticks.
type memoTicks struct {
	lo, hi float64
	ticks  []plot.Tick
	set    bool
}

func (m *memoTicks) Ticks(lo, hi float64) []plot.Tick {
	if !m.set || m.lo != lo || m.hi != hi {
		m.lo, m.hi, m.ticks, m.set = lo, hi, niceTicks{}.Ticks(lo, hi), true
	}
	return m.ticks
}

// stepDecimals is the number of decimals that tells ticks step apart: one
// more for 2.5 steps.
func stepDecimals(step float64) int {
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if r := step / math.Pow10(-decimals); math.Abs(r-math.Round(r)) > 1e-6 {
		decimals++
	}
	return decimals
}

// tickLabel prints v with the given decimals, as a multiple of 10^exp
// when exp is not zero ("2.5×10⁶").
func tickLabel(v float64, decimals, exp int) string {
	if exp == 0 {
		return strconv.FormatFloat(v, 'f', decimals, 64)
	}
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v/math.Pow10(exp), 'f', decimals, 64) + "×10" + superscript(exp)
}

// superscript writes n in Unicode superscript digits: "⁻⁸".
func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var b strings.Builder
	if n < 0 {
		b.WriteString("⁻")
		n = -n
	}
	for _, d := range strconv.Itoa(n) {
		r := []rune(digits)[d-'0']
		b.WriteRune(r)
	}
	return b.String()
}

// LogFloor is the smallest value a log axis shows: zeros and negative
// values are clamped to it instead of making gonum/plot panic. Callers
// should pass positive values; a clamped zero stretches the axis down to
// 1e-12.
const LogFloor = 1e-12

// SetLogY switches the y axis to a log scale with ticks at powers of ten
// (and at 2× and 5× when fewer than three are in range). Values
// must be positive; see LogFloor for what happens to the others.
//
// The y label moves above the plot: gonum/plot places a vertical label's
// glyph box at the axis' arithmetic midpoint, which a log scale maps near
// the top, and then shrinks the data area to make room for it.
func SetLogY(p *plot.Plot) {
	p.Y.Scale = logScale{}
	p.Y.Tick.Marker = logTicks{}
	if p.Y.Label.Text != "" && p.Title.Text == "" {
		p.Title.Text = p.Y.Label.Text
		p.Title.TextStyle.Font = p.Y.Label.TextStyle.Font
		p.Title.TextStyle.Color = p.Y.Label.TextStyle.Color
		p.Title.Padding = 2
		p.Y.Label.Text = ""
	}
}

// logScale is plot.LogScale with a floor instead of a panic, because a
// model that hits zero error must not bring down the render loop.
type logScale struct{}

func (logScale) Normalize(min, max, x float64) float64 {
	min, max, x = floorLog(min), floorLog(max), floorLog(x)
	if max <= min {
		return 0.5
	}
	lmin := math.Log(min)
	return (math.Log(x) - lmin) / (math.Log(max) - lmin)
}

func floorLog(v float64) float64 {
	if !(v >= LogFloor) { // also catches NaN
		return LogFloor
	}
	return v
}

// logTicks labels decades, thinning them to at most about six labels; with
// fewer than three decades in range it labels 1-2-5, and every integer
// multiple on a range under a factor of four, so a short range still gets
// numbers. Ticks outside [min, max] are dropped
// because gonum sizes the axis by every labelled tick it is given.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	min, max = floorLog(min), floorLog(max)
	if max <= min {
		max = min * 10
	}
	lo := int(math.Floor(math.Log10(min)))
	hi := int(math.Ceil(math.Log10(max)))
	span := hi - lo
	every := 1
	if span > 6 {
		every = (span + 5) / 6
	}
	in := func(v float64) bool { return v >= min*(1-1e-9) && v <= max*(1+1e-9) }

	decades := 0
	for e := lo; e <= hi; e++ {
		if in(math.Pow10(e)) {
			decades++
		}
	}
	labelled := map[int]bool{1: true}
	switch {
	case decades >= 3:
	case max/min < 4:
		for m := 2; m <= 9; m++ {
			labelled[m] = true
		}
	default:
		labelled[2], labelled[5] = true, true
	}

	var ticks []plot.Tick
	var mes [][2]int // m and e of the labelled ticks
	for e := lo; e <= hi; e++ {
		for m := 1; m <= 9; m++ {
			if span > 6 && m > 1 {
				break // minor ticks would be a solid smear
			}
			v := float64(m) * math.Pow10(e)
			if !in(v) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[m] && (m != 1 || (e-lo)%every == 0) {
				mes = append(mes, [2]int{m, e})
				t.Label = "?" // set below
			}
			ticks = append(ticks, t)
		}
	}
	// One format for the whole axis: plain numbers while every label has
	// one, powers of ten otherwise.
	powers := false
	for _, me := range mes {
		powers = powers || me[1] < -4 || me[1] > 5
	}
	k := 0
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = logLabel(mes[k][0], mes[k][1], powers)
			k++
		}
	}
	return ticks
}

// logLabel formats m·10^e without float noise: "0.002", "300", or with
// powers "10⁻⁷", "2×10⁻³".
func logLabel(m, e int, powers bool) string {
	switch {
	case powers && m == 1:
		return "10" + superscript(e)
	case powers:
		return strconv.Itoa(m) + "×10" + superscript(e)
	case e >= 0:
		return strconv.Itoa(m) + strings.Repeat("0", e)
	default:
		return "0." + strings.Repeat("0", -e-1) + strconv.Itoa(m)
	}
}
