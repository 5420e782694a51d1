package neural

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Each closed-form gradient matches central finite differences of F
// (h = 1e-6, relative error below 1e-6) at random points of [−3, 3]².
func TestSurfaceGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const h = 1e-6
	for name, s := range Surfaces {
		for range 50 {
			x, y := 6*rng.Float64()-3, 6*rng.Float64()-3
			gx, gy := s.Grad(x, y)
			nx := (s.F(x+h, y) - s.F(x-h, y)) / (2 * h)
			ny := (s.F(x, y+h) - s.F(x, y-h)) / (2 * h)
			for _, c := range [][2]float64{{gx, nx}, {gy, ny}} {
				if d := math.Abs(c[0] - c[1]); d > 1e-6*math.Max(1, math.Abs(c[1])) {
					t.Errorf("%s at (%v, %v): gradient %v, finite difference %v", name, x, y, c[0], c[1])
				}
			}
		}
	}
}

// The minima are where the literature puts them: f = 0 and ∇f = 0 there
// (the saddle's critical point too, with f = 0).
func TestSurfaceMinima(t *testing.T) {
	for name, s := range Surfaces {
		m := s.Minimum
		gx, gy := s.Grad(m[0], m[1])
		if f := s.F(m[0], m[1]); f != 0 || gx != 0 || gy != 0 {
			t.Errorf("%s at %v: f = %v, ∇f = (%v, %v)", name, m, f, gx, gy)
		}
	}
	if Saddle.HasMinimum || !Rosenbrock.HasMinimum {
		t.Error("HasMinimum flags")
	}
	// The ravine's curvatures are 0.1 along its floor and 10 across.
	s, c := math.Sincos(math.Pi / 6)
	if f := Ravine.F(c, s); math.Abs(f-0.05) > 1e-15 {
		t.Errorf("ravine one unit along the floor: %v, want 0.05", f)
	}
	if f := Ravine.F(-s, c); math.Abs(f-5) > 1e-14 || math.Abs(RavineAcross(-s, c)-1) > 1e-15 {
		t.Errorf("ravine one unit across: %v, want 5", f)
	}
	// RavinePoint undoes the turn: (u, v) → (x, y) → (u, v).
	for _, uv := range [][2]float64{{-4.5, 0.8}, {1, 0}, {0, 1}, {2.5, -3}} {
		p := RavinePoint(uv[0], uv[1])
		if v := RavineAcross(p[0], p[1]); math.Abs(v-uv[1]) > 1e-15*max(1, math.Abs(uv[1])) {
			t.Errorf("RavinePoint%v = %v, across %v", uv, p, v)
		}
		if f, want := Ravine.F(p[0], p[1]), 0.05*uv[0]*uv[0]+5*uv[1]*uv[1]; math.Abs(f-want) > 1e-13*max(1, want) {
			t.Errorf("Ravine.F(RavinePoint%v) = %v, want 0.05u² + 5v² = %v", uv, f, want)
		}
	}
}

// SGD on the saddle from (x, y) moves to ((1 − 2η)x, (1 + 2η)y) per step.
func TestSurfaceDescentSGD(t *testing.T) {
	opt, _ := nn.NewOptimizer("sgd", 0.1)
	d := NewSurfaceDescent(Saddle, [2]float64{1, 0.5}, opt)
	d.Step()
	d.Step()
	want := [2]float64{0.8 * 0.8, 0.5 * 1.2 * 1.2}
	p := d.Position()
	if math.Abs(p[0]-want[0]) > 1e-15 || math.Abs(p[1]-want[1]) > 1e-15 || d.Steps() != 2 {
		t.Errorf("after 2 steps at %v (%d steps), want %v", p, d.Steps(), want)
	}
	if v := d.Value(); math.Abs(v-(want[0]*want[0]-want[1]*want[1])) > 1e-15 {
		t.Errorf("f = %v", v)
	}
}

// Every optimiser gets near the ravine's minimum with a sensible rate.
func TestSurfaceDescentConverges(t *testing.T) {
	for name, lr := range map[string]float64{"sgd": 0.15, "momentum": 0.03, "rmsprop": 0.01, "adam": 0.1} {
		opt, _ := nn.NewOptimizer(name, lr)
		d := NewSurfaceDescent(Ravine, [2]float64{-3, -2}, opt)
		for range 2000 {
			d.Step()
		}
		if p := d.Position(); math.Hypot(p[0], p[1]) > 0.05 {
			t.Errorf("%s ended at %v", name, p)
		}
	}
}
