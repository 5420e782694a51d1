package gan

import (
	"fmt"
	"math"
)

// Histogram is a smoothed histogram of 2-D points on a bins×bins grid over
// the square [Lo, Hi]², plus one cell for every point outside it, as
// probabilities that sum to 1.
type Histogram struct {
	Lo, Hi float64
	Bins   int
	P      []float64 // bins² cells, row by row from the bottom, then the outside cell
}

// NewHistogram counts the n points xy (n×2) and smooths the counts with
// the binomial kernel [1 2 1]/4 along each axis (mass that would leave the
// grid stays in the edge cell), then normalises.
func NewHistogram(xy []float64, lo, hi float64, bins int) *Histogram {
	if bins < 1 || !(hi > lo) {
		panic(fmt.Sprintf("gan: histogram of %d bins over [%g, %g]", bins, lo, hi))
	}
	h := &Histogram{Lo: lo, Hi: hi, Bins: bins, P: make([]float64, bins*bins+1)}
	n := len(xy) / 2
	if n == 0 {
		return h
	}
	w := (hi - lo) / float64(bins)
	for i := range n {
		x, y := xy[2*i], xy[2*i+1]
		cx, cy := math.Floor((x-lo)/w), math.Floor((y-lo)/w)
		if cx < 0 || cy < 0 || cx >= float64(bins) || cy >= float64(bins) || x != x || y != y {
			h.P[bins*bins]++
			continue
		}
		h.P[int(cy)*bins+int(cx)]++
	}
	grid := h.P[:bins*bins]
	tmp := make([]float64, len(grid))
	smooth(tmp, grid, bins, 1)    // along x
	smooth(grid, tmp, bins, bins) // along y
	for i := range h.P {
		h.P[i] /= float64(n)
	}
	return h
}

// smooth writes into dst the [1 2 1]/4 smoothing of src along one axis:
// cell i's neighbours are i ± stride within its line of bins cells.
func smooth(dst, src []float64, bins, stride int) {
	for i := range dst {
		pos := (i / stride) % bins // position along the smoothed axis
		v := 0.5 * src[i]
		if pos > 0 {
			v += 0.25 * src[i-stride]
		} else {
			v += 0.25 * src[i] // reflected: the edge keeps its mass
		}
		if pos < bins-1 {
			v += 0.25 * src[i+stride]
		} else {
			v += 0.25 * src[i]
		}
		dst[i] = v
	}
}

// JS returns the Jensen–Shannon divergence between two histograms on the
// same grid, in nats:
//
//	JS(P ‖ Q) = ½ Σ P log(P/M) + ½ Σ Q log(Q/M),  M = ½(P + Q)
//
// 0 for equal histograms, log 2 ≈ 0.693 for histograms with no cell in
// common.
func JS(p, q *Histogram) float64 {
	if len(p.P) != len(q.P) {
		panic("gan: JS of histograms on different grids")
	}
	var s float64
	for i, a := range p.P {
		b := q.P[i]
		m := 0.5 * (a + b)
		if a > 0 {
			s += 0.5 * a * math.Log(a/m)
		}
		if b > 0 {
			s += 0.5 * b * math.Log(b/m)
		}
	}
	return s
}
