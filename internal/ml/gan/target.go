package gan

import (
	"math"
	"math/rand/v2"
)

// Mode is one part of a target distribution: it draws samples and says
// how far a point is from where its samples lie.
type Mode interface {
	Sample(rng *rand.Rand) (x, y float64)
	// Distance is the distance from (x, y) to the mode's centre (a
	// point, a curve).
	Distance(x, y float64) float64
	// Reach is the distance within which a point counts as on the mode:
	// three standard deviations of its noise.
	Reach() float64
}

// Target is an equal-weight mixture of modes: a sample picks a mode
// uniformly, then draws from it.
type Target struct{ modes []Mode }

// NewTarget returns the mixture of the given modes.
func NewTarget(modes ...Mode) *Target { return &Target{modes: modes} }

// Modes returns the number of modes.
func (t *Target) Modes() int { return len(t.modes) }

// Mode returns mode k.
func (t *Target) Mode(k int) Mode { return t.modes[k] }

// Sample draws one point.
func (t *Target) Sample(rng *rand.Rand) (x, y float64) {
	return t.modes[rng.IntN(len(t.modes))].Sample(rng)
}

// SampleN draws n points, n×2 row-major, and the mode of each.
func (t *Target) SampleN(rng *rand.Rand, n int) (xy []float64, modes []int) {
	xy, modes = make([]float64, 0, 2*n), make([]int, n)
	for i := range n {
		k := rng.IntN(len(t.modes))
		x, y := t.modes[k].Sample(rng)
		xy, modes[i] = append(xy, x, y), k
	}
	return xy, modes
}

// ModeOf returns the nearest mode within whose reach (x, y) lies, or −1
// when it is on none.
func (t *Target) ModeOf(x, y float64) int {
	best, bestD := -1, math.Inf(1)
	for k, m := range t.modes {
		if d := m.Distance(x, y); d <= m.Reach() && d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// Coverage counts the n points xy (n×2) on each mode and returns the
// counts, how many modes hold at least share of their fair part n/K,
// and the fraction of points on some mode.
func (t *Target) Coverage(xy []float64, share float64) (counts []int, covered int, onTarget float64) {
	n := len(xy) / 2
	counts = make([]int, len(t.modes))
	on := 0
	for i := range n {
		if k := t.ModeOf(xy[2*i], xy[2*i+1]); k >= 0 {
			counts[k]++
			on++
		}
	}
	fair := float64(n) / float64(len(t.modes))
	for _, c := range counts {
		if float64(c) >= share*fair {
			covered++
		}
	}
	return counts, covered, float64(on) / float64(max(n, 1))
}

// Gaussian is an isotropic Gaussian blob N((X, Y), σ²I).
type Gaussian struct{ X, Y, Sigma float64 }

func (g Gaussian) Sample(rng *rand.Rand) (float64, float64) {
	return g.X + g.Sigma*rng.NormFloat64(), g.Y + g.Sigma*rng.NormFloat64()
}

func (g Gaussian) Distance(x, y float64) float64 { return math.Hypot(x-g.X, y-g.Y) }
func (g Gaussian) Reach() float64                { return 3 * g.Sigma }

// Crescent is half a circle of radius Scale around (X, Y), the upper half
// (Flip false: angles 0 to π) or the lower one, with Gaussian noise of
// standard deviation Sigma: one of the two moons.
type Crescent struct {
	X, Y, Scale, Sigma float64
	Flip               bool
}

func (c Crescent) Sample(rng *rand.Rand) (float64, float64) {
	t := math.Pi * rng.Float64()
	s, co := math.Sin(t), math.Cos(t)
	if c.Flip {
		s = -s
	}
	return c.X + c.Scale*co + c.Sigma*rng.NormFloat64(), c.Y + c.Scale*s + c.Sigma*rng.NormFloat64()
}

// Distance is to the nearest point of the half circle.
func (c Crescent) Distance(x, y float64) float64 {
	dx, dy := x-c.X, y-c.Y
	if c.Flip {
		dy = -dy
	}
	if dy >= 0 {
		return math.Abs(math.Hypot(dx, dy) - c.Scale)
	}
	return math.Min(math.Hypot(dx-c.Scale, dy), math.Hypot(dx+c.Scale, dy))
}

func (c Crescent) Reach() float64 { return 3 * c.Sigma }

// Ring returns k Gaussian modes of standard deviation sigma evenly spaced
// on a circle of radius r, the first at angle 0.
func Ring(k int, r, sigma float64) []Mode {
	out := make([]Mode, k)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(k)
		out[i] = Gaussian{r * math.Cos(a), r * math.Sin(a), sigma}
	}
	return out
}

// Grid returns k×k Gaussian modes of standard deviation sigma, spacing
// apart and centred on the origin, row by row from the bottom left.
func Grid(k int, spacing, sigma float64) []Mode {
	var out []Mode
	c := float64(k-1) / 2
	for i := range k {
		for j := range k {
			out = append(out, Gaussian{(float64(j) - c) * spacing, (float64(i) - c) * spacing, sigma})
		}
	}
	return out
}

// Moons returns the two interleaving half circles of scikit-learn's
// make_moons, outer (cos t, sin t) and inner (1 − cos t, ½ − sin t), scaled
// by scale about their centre (½, ¼) moved to the origin, with noise sigma.
func Moons(scale, sigma float64) []Mode {
	return []Mode{
		Crescent{X: -0.5 * scale, Y: -0.25 * scale, Scale: scale, Sigma: sigma},
		Crescent{X: 0.5 * scale, Y: 0.25 * scale, Scale: scale, Sigma: sigma, Flip: true},
	}
}
