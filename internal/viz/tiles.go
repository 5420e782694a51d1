package viz

import (
	"image"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Tile is one small square raster of a grid of small multiples.
type Tile struct {
	// Pixels holds Res×Res colours, row 0 at the top; nil is transparent.
	Pixels  []color.Color
	Res     int
	Caption string // written above the tile
}

// Sizes of a tile grid, in points.
const (
	tileFont = 8.5
	tileGap  = 0.18 // gap between tiles as a share of a tile's side
)

// AddTileGrid draws tiles as small multiples, cols to a row (left to right,
// then top to bottom), each square and captioned, as large as the data
// area allows. All tiles must have one Res; they become one raster image
// (paletted when they have at most 256 colours), so a grid of dozens of
// maps costs about as much as one. It hides the axes.
func AddTileGrid(p *plot.Plot, tiles []Tile, cols int) {
	p.HideAxes()
	if len(tiles) == 0 || tiles[0].Res < 1 {
		return
	}
	cols = max(1, min(cols, len(tiles)))
	ts := labelStyle(p, inkLabel)
	ts.Font = font.From(ts.Font, tileFont)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YBottom
	p.Add(&tileGrid{tiles: tiles, cols: cols, res: tiles[0].Res, text: ts})
}

type tileGrid struct {
	tiles     []Tile
	cols, res int
	text      draw.TextStyle
}

func (g *tileGrid) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

func (g *tileGrid) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(color.White, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	rows := (len(g.tiles) + g.cols - 1) / g.cols
	capH := g.text.Height("0") + 2
	w, h := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	// The side s of a tile: cols·s + (cols−1)·gap·s fits the width, and
	// rows of (caption + s) fit the height.
	side := min(w/(vg.Length(g.cols)+tileGap*vg.Length(g.cols-1)), h/vg.Length(rows)-capH)
	if side <= 0 {
		return
	}
	// Pixel layout of the one image: tiles of res pixels, gaps and caption
	// rows rounded to whole pixels at res pixels per side.
	px := side / vg.Length(g.res)
	gapPx := max(1, int(tileGap*float64(g.res)+0.5))
	capPx := max(1, int(float64(capH/px)+0.999))
	imgW := g.cols*g.res + (g.cols-1)*gapPx
	imgH := rows * (capPx + g.res)
	img := g.image(imgW, imgH, gapPx, capPx)
	width, height := vg.Length(imgW)*px, vg.Length(imgH)*px
	x0 := c.Min.X + (w-width)/2
	y0 := c.Min.Y + (h-height)/2
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x0 + width, Y: y0 + height}}, img)
	for k, t := range g.tiles {
		if t.Caption == "" {
			continue
		}
		r, col := k/g.cols, k%g.cols
		cx := x0 + px*vg.Length(col*(g.res+gapPx)) + side/2
		top := y0 + height - px*vg.Length(r*(capPx+g.res)+capPx)
		c.FillText(g.text, vg.Point{X: cx, Y: top + 1}, t.Caption)
	}
}

// image lays the tiles out in one raster, transparent between them.
func (g *tileGrid) image(w, h, gapPx, capPx int) image.Image {
	pix := make([]color.RGBA, w*h)
	for k, t := range g.tiles {
		r, col := k/g.cols, k%g.cols
		ox, oy := col*(g.res+gapPx), r*(capPx+g.res)+capPx
		for i := range g.res {
			for j := range g.res {
				q := i*g.res + j
				if q >= len(t.Pixels) {
					continue
				}
				switch c := t.Pixels[q].(type) {
				case nil:
				case color.RGBA:
					pix[(oy+i)*w+ox+j] = c // as RGBAModel.Convert returns it
				default:
					pix[(oy+i)*w+ox+j] = color.RGBAModel.Convert(c).(color.RGBA)
				}
			}
		}
	}
	index := map[color.RGBA]uint8{}
	var pal color.Palette
	for q, c := range pix {
		if q > 0 && pix[q-1] == c {
			continue // neighbours mostly match; skip the map
		}
		if _, ok := index[c]; !ok {
			if len(pal) == 256 {
				m := image.NewRGBA(image.Rect(0, 0, w, h))
				for q, c := range pix {
					m.Pix[4*q], m.Pix[4*q+1], m.Pix[4*q+2], m.Pix[4*q+3] = c.R, c.G, c.B, c.A
				}
				return m
			}
			index[c] = uint8(len(pal))
			pal = append(pal, c)
		}
	}
	m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	for q, c := range pix {
		if q > 0 && pix[q-1] == c {
			m.Pix[q] = m.Pix[q-1]
			continue
		}
		m.Pix[q] = index[c]
	}
	return m
}

// PixelImage is a res×res image of pixels (row 0 at the top, nil
// transparent), as a Tile holds them, for a node of a NetworkDiagram.
func PixelImage(pixels []color.Color, res int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, res, res))
	for q, c := range pixels {
		if c != nil && q < res*res {
			img.Set(q%res, q/res, c)
		}
	}
	return img
}
