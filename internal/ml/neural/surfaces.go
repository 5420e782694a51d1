package neural

import (
	"math"

	"github.com/mlplayground/playground/internal/ml/nn"

	"github.com/mlplayground/playground/internal/ml"
)

// Surface is a loss over two parameters (x, y) with its gradient in closed
// form: the test beds on which optimisers are compared.
type Surface struct {
	Name string
	F    func(x, y float64) float64
	// Grad returns (∂f/∂x, ∂f/∂y).
	Grad func(x, y float64) (gx, gy float64)
	// Minimum is the global minimum, or for a surface without one (the
	// saddle) its critical point.
	Minimum [2]float64
	// HasMinimum is false when f is unbounded below.
	HasMinimum bool
}

// Rosenbrock is Rosenbrock's (1960) banana valley with a = 1, b = 100:
//
//	f(x, y) = (1 − x)² + 100 (y − x²)²,  minimum f(1, 1) = 0
//
// The valley floor y = x² is easy to reach and hard to follow.
var Rosenbrock = Surface{
	Name: "rosenbrock",
	F: func(x, y float64) float64 {
		return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x)
	},
	Grad: func(x, y float64) (float64, float64) {
		return -2*(1-x) - 400*x*(y-x*x), 200 * (y - x*x)
	},
	Minimum: [2]float64{1, 1}, HasMinimum: true,
}

// Saddle is the simplest saddle,
//
//	f(x, y) = x² − y²,
//
// a minimum along x and a maximum along y at (0, 0); a point started near
// y = 0 feels almost no push to leave.
var Saddle = Surface{
	Name:    "saddle",
	F:       func(x, y float64) float64 { return x*x - y*y },
	Grad:    func(x, y float64) (float64, float64) { return 2 * x, -2 * y },
	Minimum: [2]float64{0, 0},
}

// ravineAngle turns the ravine so that its axes are not the coordinate
// axes, where per-parameter rates would have an unfair advantage.
const ravineAngle = math.Pi / 6

// Ravine is a long narrow quadratic valley, curvatures 0.1 and 10
// (condition number 100), turned by 30°:
//
//	u = x cos θ + y sin θ,  v = −x sin θ + y cos θ,
//	f(x, y) = 0.05 u² + 5 v²,  minimum f(0, 0) = 0
var Ravine = Surface{
	Name: "ravine",
	F: func(x, y float64) float64 {
		u, v := ravineCoords(x, y)
		return 0.05*u*u + 5*v*v
	},
	Grad: func(x, y float64) (float64, float64) {
		u, v := ravineCoords(x, y)
		s, c := math.Sincos(ravineAngle)
		// ∂f/∂x = 0.1u·∂u/∂x + 10v·∂v/∂x with ∂u/∂x = cos θ, ∂v/∂x = −sin θ.
		return 0.1*u*c - 10*v*s, 0.1*u*s + 10*v*c
	},
	Minimum: [2]float64{0, 0}, HasMinimum: true,
}

// RavinePoint returns the point (x, y) with ravine coordinates u along
// the floor and v across it, the inverse of the turn above:
//
//	x = u cos θ − v sin θ,  y = u sin θ + v cos θ
func RavinePoint(u, v float64) [2]float64 {
	s, c := math.Sincos(ravineAngle)
	return [2]float64{u*c - v*s, u*s + v*c}
}

// RavineAcross returns the coordinate across the ravine's floor (v).
func RavineAcross(x, y float64) float64 {
	_, v := ravineCoords(x, y)
	return v
}

func ravineCoords(x, y float64) (u, v float64) {
	s, c := math.Sincos(ravineAngle)
	return x*c + y*s, -x*s + y*c
}

// Beale is Beale's (1958) function,
//
//	f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²,
//
// minimum f(3, 0.5) = 0, with flat plateaus and steep walls.
var Beale = Surface{
	Name: "beale",
	F: func(x, y float64) float64 {
		t1, t2, t3 := bealeTerms(x, y)
		return t1*t1 + t2*t2 + t3*t3
	},
	Grad: func(x, y float64) (float64, float64) {
		t1, t2, t3 := bealeTerms(x, y)
		gx := 2*t1*(y-1) + 2*t2*(y*y-1) + 2*t3*(y*y*y-1)
		gy := 2*t1*x + 2*t2*2*x*y + 2*t3*3*x*y*y
		return gx, gy
	},
	Minimum: [2]float64{3, 0.5}, HasMinimum: true,
}

func bealeTerms(x, y float64) (t1, t2, t3 float64) {
	return 1.5 - x + x*y, 2.25 - x + x*y*y, 2.625 - x + x*y*y*y
}

// Surfaces lists them by Name.
var Surfaces = map[string]Surface{
	Rosenbrock.Name: Rosenbrock, Saddle.Name: Saddle, Ravine.Name: Ravine, Beale.Name: Beale,
}

// SurfaceDescent is one optimiser walking down a Surface: the point (x, y)
// is a 1×2 parameter whose gradient is the surface's closed-form ∇f, and
// one Step is one update of the optimiser.
type SurfaceDescent struct {
	surface Surface
	opt     nn.Optimizer
	point   *nn.Tensor // 1×2: (x, y)
	params  []*nn.Tensor
	steps   int
}

var _ ml.Stepper = (*SurfaceDescent)(nil)

// NewSurfaceDescent starts opt at start on s.
func NewSurfaceDescent(s Surface, start [2]float64, opt nn.Optimizer) *SurfaceDescent {
	p := nn.Param(1, 2, start[:])
	return &SurfaceDescent{surface: s, opt: opt, point: p, params: []*nn.Tensor{p}}
}

// Step sets the gradient to ∇f at the current point and applies one update.
func (d *SurfaceDescent) Step() {
	d.point.Grad[0], d.point.Grad[1] = d.surface.Grad(d.point.Data[0], d.point.Data[1])
	d.opt.Step(d.params)
	d.steps++
}

// Position returns the current point.
func (d *SurfaceDescent) Position() [2]float64 { return [2]float64{d.point.Data[0], d.point.Data[1]} }

// Value returns f at the current point.
func (d *SurfaceDescent) Value() float64 { return d.surface.F(d.point.Data[0], d.point.Data[1]) }

// Steps returns the number of updates so far.
func (d *SurfaceDescent) Steps() int { return d.steps }

// Done is always false: the walk goes on for as many steps as the caller
// runs, even off to infinity on the saddle.
func (d *SurfaceDescent) Done() bool { return false }
