package nn

import "math"

// Cheap tanh and sigmoid for pictures (MLP.InferApprox): a region map
// quantises a unit's value to a score of colours, so it needs far less
// than math.Tanh's last bits, and tanh was three quarters of a map's cost.
//
// tanh is a table of cubics, one per cell of width h = 1/16 on [−9, 9]:
// cell i is centred on x_i = i·h − 9 and holds the cubic in f = x/h − i − 144
// (f ∈ [−½, ½]) that interpolates math.Tanh at the cell's four Chebyshev
// nodes. Interpolation at Chebyshev nodes errs by at most
//
//	(h/2)⁴ / (2³·4!) · max |tanh⁗|  ≈  (1/32)⁴ / 192 · 4.1  ≈  2·10⁻⁸
//
// and beyond ±9 tanh is ±1 within 1 − tanh 9 ≈ 3.05·10⁻⁸, so the whole line
// is within 3.1·10⁻⁸ of math.Tanh (TestApproxTanh checks 10⁻⁷ on a dense
// grid). Sigmoid is σ(x) = ½ + ½·tanh(x/2), within half that. NaN stays NaN.
//
// One cubic costs a multiply-add to find its cell, a table row and three
// multiply-adds, about a third of math.Tanh; the table is 4.6 KB.
const (
	approxCells = 16 // per unit of x
	approxMax   = 9  // |x| beyond which tanh is taken as ±1
	approxMid   = approxMax * approxCells
)

// approxTable[i] are the coefficients c₀…c₃ of cell i's cubic,
// c₀ + c₁f + c₂f² + c₃f³.
var approxTable = func() (t [2*approxMid + 1][4]float64) {
	for i := range t {
		// Solve the 4×4 Vandermonde system at the Chebyshev nodes
		// f_k = ½·cos((2k+1)π/8) by Gauss–Jordan elimination.
		var a [4][5]float64
		for k := range a {
			f := 0.5 * math.Cos(float64(2*k+1)*math.Pi/8)
			a[k] = [5]float64{1, f, f * f, f * f * f, math.Tanh((float64(i-approxMid) + f) / approxCells)}
		}
		for c := range 4 {
			p := c
			for r := c + 1; r < 4; r++ {
				if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
					p = r
				}
			}
			a[c], a[p] = a[p], a[c]
			for r := range 4 {
				if r == c {
					continue
				}
				m := a[r][c] / a[c][c]
				for j := c; j < 5; j++ {
					a[r][j] -= m * a[c][j]
				}
			}
		}
		for k := range 4 {
			t[i][k] = a[k][4] / a[k][k]
		}
	}
	return t
}()

// approxTanhSlice writes tanh(x) into y (which may be x), each within
// 3.1·10⁻⁸ (see above). The loop is written out, not a call per value:
// the call would cost as much as the cubic.
func approxTanhSlice(y, x []float64) {
	approxSlice(y, x, approxCells, 1, 0)
}

// approxSigmoidSlice writes σ(x) = ½ + ½·tanh(x/2) into y (which may be x).
func approxSigmoidSlice(y, x []float64) {
	approxSlice(y, x, approxCells/2, 0.5, 0.5)
}

// approxSlice writes a·tanh(x·s/approxCells) + b into y.
func approxSlice(y, x []float64, s, a, b float64) {
	const round = 0x1p52 // adding it rounds a value in [0, 2⁵¹) to an integer
	y = y[:len(x)]
	for i, v := range x {
		t := v*s + approxMid // in [0, 2·approxMid] inside the table
		if !(t >= 0 && t <= 2*approxMid) {
			switch {
			case t > 0:
				y[i] = a + b
			case t < 0:
				y[i] = b - a
			default:
				y[i] = v // NaN
			}
			continue
		}
		r := t + round
		f := t - (r - round) // t minus its nearest integer, in [−½, ½]
		c := &approxTable[math.Float64bits(r)&511]
		f2 := f * f
		y[i] = a*((c[0]+f*c[1])+f2*(c[2]+f*c[3])) + b
	}
}
