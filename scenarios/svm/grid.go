package svm

import (
	"math"

	"github.com/mlplayground/playground/internal/ml/svm"
)

// grid holds f on an nx×ny lattice of the map: node (i, j) at
// (xs[i], ys[j]), value v[j*nx+i].
type grid struct {
	xs, ys []float64
	v      []float64
	// centred lattices sit at cell centres (the raster); the others at cell
	// corners (the contour grid), which changes how a position is looked up.
	centred bool
}

// at returns the value of the node drawn at (x, y): the raster and the
// contour tracer ask exactly at the nodes they were built with.
func (g *grid) at(x, y float64) float64 {
	return g.v[g.index(g.ys, y)*len(g.xs)+g.index(g.xs, x)]
}

func (g *grid) index(axis []float64, v float64) int {
	n := len(axis)
	if g.centred {
		d := (axis[n-1] - axis[0]) / float64(n-1)
		return min(max(int(math.Floor((v-axis[0])/d+0.5)), 0), n-1)
	}
	t := (v - axis[0]) / (axis[n-1] - axis[0]) * float64(n-1)
	return min(max(int(math.Round(t)), 0), n-1)
}

// centres returns the n cell centres of [lo, hi], as viz.AddRegionMap
// samples them.
func centres(lo, hi float64, n int) []float64 {
	d := (hi - lo) / float64(n)
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (float64(i)+0.5)*d
	}
	return out
}

// corners returns the n+1 cell corners of [lo, hi], as viz.AddContours
// places its nodes.
func corners(lo, hi float64, n int) []float64 {
	out := make([]float64, n+1)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n)
	}
	return out
}

// gridCache keeps the current step's grids: three panels read them.
type gridCache struct {
	iter   int
	raster *grid // regionRes² cell centres
	lines  *grid // (contourRes+1)² cell corners
	coarse *grid // the lifted view's wireframe
}

func (m *model) grids() *gridCache {
	if m.grid != nil && m.grid.iter == m.svm.Iteration() {
		return m.grid
	}
	b := m.set.Bounds
	cx, cy := centres(b.XMin, b.XMax, regionRes), centres(b.YMin, b.YMax, regionRes)
	lx, ly := corners(b.XMin, b.XMax, contourRes), corners(b.YMin, b.YMax, contourRes)
	wx, wy := corners(b.XMin, b.XMax, wireRes), corners(b.YMin, b.YMax, wireRes)
	m.grid = &gridCache{
		iter:   m.svm.Iteration(),
		raster: &grid{xs: cx, ys: cy, v: m.decisionOn(cx, cy), centred: true},
		lines:  &grid{xs: lx, ys: ly, v: m.decisionOn(lx, ly)},
		coarse: &grid{xs: wx, ys: wy, v: m.decisionOn(wx, wy)},
	}
	return m.grid
}

// decisionOn evaluates f(x) = Σₖ αₖyₖK(xₖ, x) − b over the lattice xs×ys
// of the map, the other features at their training means (the map's
// slice). It gives what m.svm.Decision gives at each node, but factors
// every kernel along the two map axes so a frame needs few exponentials:
//
//	linear  f = θ₁x₁ + θ₂x₂ + Σ_{j>2} θⱼ x̄ⱼ − b
//	poly    K = (γ(a₁x₁ + a₂x₂ + r) + coef0)^d,   r = Σ_{j>2} aⱼ x̄ⱼ
//	rbf     K = e^{−γ(x₁−a₁)²} · e^{−γ(x₂−a₂)²} · e^{−γ Σ_{j>2}(x̄ⱼ−aⱼ)²}
func (m *model) decisionOn(xs, ys []float64) []float64 {
	s, k := m.svm, m.kernel
	nx := len(xs)
	v := make([]float64, nx*len(ys))
	mean := m.set.Mean
	if theta := s.Weights(); theta != nil {
		c := -s.B()
		for j := 2; j < len(theta); j++ {
			c += theta[j] * mean[j]
		}
		for j, y := range ys {
			for i, x := range xs {
				v[j*nx+i] = theta[0]*x + theta[1]*y + c
			}
		}
		return v
	}
	for i := range v {
		v[i] = -s.B()
	}
	alphas := s.Alphas()
	gx, gy := make([]float64, nx), make([]float64, len(ys))
	for _, sv := range s.Support() {
		a := m.trainX[sv]
		coef := alphas[sv] * float64(s.Label(sv))
		var rest float64
		for j := 2; j < len(a); j++ {
			if k.Name == svm.KernelRBF {
				rest += (mean[j] - a[j]) * (mean[j] - a[j])
			} else {
				rest += a[j] * mean[j]
			}
		}
		if k.Name == svm.KernelRBF {
			coef *= math.Exp(-k.Gamma * rest)
			for i, x := range xs {
				gx[i] = math.Exp(-k.Gamma * (x - a[0]) * (x - a[0]))
			}
			for j, y := range ys {
				gy[j] = coef * math.Exp(-k.Gamma*(y-a[1])*(y-a[1]))
			}
			for j := range ys {
				row := v[j*nx : (j+1)*nx]
				for i := range row {
					row[i] += gy[j] * gx[i]
				}
			}
			continue
		}
		for i, x := range xs {
			gx[i] = k.Gamma*(a[0]*x+rest) + k.Coef0
		}
		for j, y := range ys {
			gy[j] = k.Gamma * a[1] * y
		}
		for j := range ys {
			row := v[j*nx : (j+1)*nx]
			for i := range row {
				row[i] += coef * powi(gx[i]+gy[j], k.Degree)
			}
		}
	}
	return v
}

// powi is u^n for the small degrees of the polynomial kernel.
func powi(u float64, n int) float64 {
	r := u
	for range n - 1 {
		r *= u
	}
	return r
}
