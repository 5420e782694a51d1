package viz

import (
	"cmp"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// AddContours adds the level sets f(x, y) = level for each of levels over
// the box b, traced by marching squares on a res×res grid of
// cells (res clamped to [2, 512]) and joined into polylines, drawn thin in
// c. Cells where f is not finite at a corner are skipped. It does not
// change the axes beyond the rectangle, so add it after AddRegionMap.
func AddContours(p *plot.Plot, b Box, res int, f func(x, y float64) float64, levels []float64, c color.Color) {
	if f == nil || !b.Valid() {
		return
	}
	AddContourLines(p, ContourLines(b, res, f, levels), c)
}

// ContourLines returns the polylines AddContours draws, for a caller that
// keeps them while f cannot change; AddContourLines draws them.
func ContourLines(b Box, res int, f func(x, y float64) float64, levels []float64) []plotter.XYs {
	if f == nil || !b.Valid() {
		return nil
	}
	return contourLines(b, min(max(res, 2), 512), f, levels)
}

// AddContourLines adds lines from ContourLines as AddContours does.
func AddContourLines(p *plot.Plot, lines []plotter.XYs, c color.Color) {
	for _, line := range lines {
		p.Add(&plotter.Line{XYs: line, LineStyle: draw.LineStyle{Color: c, Width: 0.9}})
	}
}

// edgeKey names a grid edge: the cell corner (i, j) it starts from and
// whether it runs along x (horizontal) or y.
type edgeKey struct {
	i, j       int
	horizontal bool
}

// contourLines returns the polylines of every level. Marching squares
// (Lorensen & Cline 1987 in 2-D): each cell's corners are classified above
// or below the level, the crossing on each edge is placed by linear
// interpolation, and each cell contributes one or two segments between
// crossed edges; saddle cells are resolved by the value at the centre.
// Segments meeting on a shared edge are then chained into polylines.
func contourLines(b Box, res int, f func(x, y float64) float64, levels []float64) []plotter.XYs {
	n := res + 1
	v := make([]float64, n*n) // v[j*n+i] = f(x_i, y_j)
	xs := make([]float64, n)
	ys := make([]float64, n)
	for i := range n {
		xs[i] = b.XMin + (b.XMax-b.XMin)*float64(i)/float64(res)
		ys[i] = b.YMin + (b.YMax-b.YMin)*float64(i)/float64(res)
	}
	for j := range n {
		for i := range n {
			v[j*n+i] = f(xs[i], ys[j])
		}
	}
	var out []plotter.XYs
	for _, level := range levels {
		if !finite(level) {
			continue
		}
		point := func(e edgeKey) plotter.XY {
			a := v[e.j*n+e.i]
			if e.horizontal {
				b := v[e.j*n+e.i+1]
				t := (level - a) / (b - a)
				return plotter.XY{X: xs[e.i] + t*(xs[e.i+1]-xs[e.i]), Y: ys[e.j]}
			}
			b := v[(e.j+1)*n+e.i]
			t := (level - a) / (b - a)
			return plotter.XY{X: xs[e.i], Y: ys[e.j] + t*(ys[e.j+1]-ys[e.j])}
		}
		// Each crossed edge touches at most two segments (one per cell).
		links := make(map[edgeKey][]edgeKey)
		link := func(a, b edgeKey) {
			links[a] = append(links[a], b)
			links[b] = append(links[b], a)
		}
		for j := range res {
			for i := range res {
				c00, c10 := v[j*n+i], v[j*n+i+1]
				c01, c11 := v[(j+1)*n+i], v[(j+1)*n+i+1]
				if !finite(c00, c10, c01, c11) {
					continue
				}
				bottom := edgeKey{i, j, true}
				top := edgeKey{i, j + 1, true}
				left := edgeKey{i, j, false}
				right := edgeKey{i + 1, j, false}
				var crossed []edgeKey
				// The order bottom, right, top, left walks round the cell.
				if (c00 >= level) != (c10 >= level) {
					crossed = append(crossed, bottom)
				}
				if (c10 >= level) != (c11 >= level) {
					crossed = append(crossed, right)
				}
				if (c01 >= level) != (c11 >= level) {
					crossed = append(crossed, top)
				}
				if (c00 >= level) != (c01 >= level) {
					crossed = append(crossed, left)
				}
				switch len(crossed) {
				case 2:
					link(crossed[0], crossed[1])
				case 4:
					// Saddle: join the edges around the corners that are on
					// the other side from the centre.
					if centre := (c00 + c10 + c01 + c11) / 4; (centre >= level) == (c00 >= level) {
						link(bottom, right)
						link(top, left)
					} else {
						link(bottom, left)
						link(top, right)
					}
				}
			}
		}
		out = append(out, chain(links, point)...)
	}
	return out
}

// chain walks the segment graph into polylines: open chains from their
// ends first, then the closed loops that remain.
func chain(links map[edgeKey][]edgeKey, point func(edgeKey) plotter.XY) []plotter.XYs {
	seen := make(map[edgeKey]bool, len(links))
	walk := func(start edgeKey) plotter.XYs {
		line := plotter.XYs{point(start)}
		seen[start] = true
		prev, cur := start, start
		for {
			next, ok := edgeKey{}, false
			for _, e := range links[cur] {
				if !seen[e] || (e == start && e != prev && len(line) > 2) {
					next, ok = e, true
					break
				}
			}
			if !ok {
				return line
			}
			line = append(line, point(next))
			if next == start {
				return line // closed loop
			}
			seen[next] = true
			prev, cur = cur, next
		}
	}
	var out []plotter.XYs
	// Map order is random; visit edges sorted so frames are deterministic.
	keys := make([]edgeKey, 0, len(links))
	for e := range links {
		keys = append(keys, e)
	}
	sortEdges(keys)
	for _, e := range keys {
		if !seen[e] && len(links[e]) == 1 {
			out = append(out, walk(e))
		}
	}
	for _, e := range keys {
		if !seen[e] {
			out = append(out, walk(e))
		}
	}
	return out
}

func sortEdges(keys []edgeKey) {
	slices.SortFunc(keys, func(a, b edgeKey) int {
		if c := cmp.Compare(a.j, b.j); c != 0 {
			return c
		}
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		switch {
		case a.horizontal == b.horizontal:
			return 0
		case b.horizontal:
			return -1
		}
		return 1
	})
}
