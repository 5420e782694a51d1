package num

import "math"

// Matrix allocates an r×c matrix of zeros as rows of one backing array;
// each row's capacity ends where the next row starts.
func Matrix(r, c int) [][]float64 {
	back := make([]float64, r*c)
	m := make([][]float64, r)
	for i := range m {
		m[i] = back[i*c : (i+1)*c : (i+1)*c]
	}
	return m
}

// CopyRows returns a copy of the rows of m, all of the length of m[0], in
// one backing array; nil for nil.
func CopyRows(m [][]float64) [][]float64 {
	if m == nil {
		return nil
	}
	c := Matrix(len(m), len(m[0]))
	for i := range m {
		copy(c[i], m[i])
	}
	return c
}

// IsFinite reports whether x is neither NaN nor ±Inf.
func IsFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// AllFinite reports whether every value of v is finite.
func AllFinite(v []float64) bool {
	for _, x := range v {
		if !IsFinite(x) {
			return false
		}
	}
	return true
}

// BlowUp is how many times its starting value a training loss may grow
// before descent is declared diverged. With a stable step, descent never
// raises a convex loss above its start (Nesterov 2004, §1.2.3), and
// overshooting that settles raises it by a small factor at most. A
// millionfold rise comes only from every step multiplying the error by
// some |1 − ηh| > 1, geometrically, so the bound stops such a run a few
// steps before it would overflow, while its numbers can still be read.
const BlowUp = 1e6

// Exploded reports whether a training loss is no longer finite or has
// grown past BlowUp times start, the loss where descent began.
func Exploded(loss, start float64) bool {
	return !IsFinite(loss) || loss > BlowUp*max(start, 1e-300)
}

// Argmax returns the index of the largest value of v, the first on ties
// (0 for an empty v).
func Argmax(v []float64) int {
	best := 0
	for k, x := range v {
		if x > v[best] {
			best = k
		}
	}
	return best
}

// Dot returns aᵀb = Σⱼ aⱼbⱼ over the length of a.
func Dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for j, v := range a {
		s += v * b[j]
	}
	return s
}

// SqDist returns the squared Euclidean distance ‖a − b‖² over the length
// of a.
func SqDist(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for j, v := range a {
		e := v - b[j]
		s += e * e
	}
	return s
}

// LogSumExp returns log Σᵢ exp(vᵢ) without overflow: m + log Σᵢ exp(vᵢ − m)
// with m the largest entry. It returns m itself when m is ±Inf, and −Inf
// for an empty v.
func LogSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = max(m, x)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

// MeanStd returns the mean and the standard deviation of v, dividing by
// len(v) (numpy's default, ddof = 0):
//
//	mean = (1/K) Σ v_f,  std = √((1/K) Σ (v_f − mean)²)
//
// It returns NaN, NaN for an empty v.
func MeanStd(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}
