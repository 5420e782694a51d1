package viz

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// ellipseSegments is the number of chords of an ellipse: at 10° each they
// stray from the curve by under 0.4% of its radius, and cost a few hundred
// bytes of SVG.
const ellipseSegments = 36

// AddEllipse adds the nSigma contour of the 2-D Gaussian N(mean, cov): the
// closed curve of points at Mahalanobis distance nSigma from the mean,
//
//	(x − μ)ᵀ Σ⁻¹ (x − μ) = nSigma²
//
// drawn from the eigen-decomposition Σ = λ₁u₁u₁ᵀ + λ₂u₂u₂ᵀ as
//
//	x(φ) = μ + nSigma·(√λ₁ cos φ·u₁ + √λ₂ sin φ·u₂),  φ ∈ [0, 2π]
//
// so its half-axes point along the eigenvectors with lengths nSigma·√λ.
// The line is 2 pt wide, dashed if asked. Like any line it widens the axes
// to include itself; set the axis limits afterwards to crop. A cov that is
// not a finite symmetric 2×2 matrix, a non-finite mean or nSigma ≤ 0 adds
// nothing; a negative eigenvalue (rounding of a singular matrix) counts as
// zero, which draws a segment.
func AddEllipse(p *plot.Plot, mean []float64, cov [][]float64, nSigma float64, c color.Color, dashed bool) {
	pts := ellipsePoints(mean, cov, nSigma, ellipseSegments)
	if pts == nil {
		return
	}
	sty := draw.LineStyle{Color: c, Width: lineWidth}
	if dashed {
		sty.Dashes = dashes
	}
	p.Add(&plotter.Line{XYs: pts, LineStyle: sty})
}

// ellipsePoints returns segments+1 points of the nSigma ellipse of
// N(mean, cov), the last equal to the first, or nil if the arguments are
// not a valid 2-D Gaussian (see AddEllipse).
func ellipsePoints(mean []float64, cov [][]float64, nSigma float64, segments int) plotter.XYs {
	if len(mean) < 2 || len(cov) < 2 || len(cov[0]) < 2 || len(cov[1]) < 2 || !(nSigma > 0) {
		return nil
	}
	a, b, d := cov[0][0], cov[0][1], cov[1][1]
	if !finite(mean[0], mean[1], a, b, d, nSigma) || b != cov[1][0] {
		return nil
	}
	// Eigenvalues of [[a b] [b d]]: mid ± rad; the first eigenvector at
	// angle θ with tan 2θ = 2b / (a − d).
	mid, rad := (a+d)/2, math.Hypot((a-d)/2, b)
	l1, l2 := max(mid+rad, 0), max(mid-rad, 0)
	theta := 0.5 * math.Atan2(2*b, a-d)
	cs, sn := math.Cos(theta), math.Sin(theta)
	r1, r2 := nSigma*math.Sqrt(l1), nSigma*math.Sqrt(l2)
	pts := make(plotter.XYs, segments+1)
	for i := range pts {
		phi := 2 * math.Pi * float64(i%segments) / float64(segments)
		u, v := r1*math.Cos(phi), r2*math.Sin(phi)
		// u along (cos θ, sin θ), v along (−sin θ, cos θ).
		pts[i] = plotter.XY{X: mean[0] + u*cs - v*sn, Y: mean[1] + u*sn + v*cs}
	}
	return pts
}
