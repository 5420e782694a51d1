package viz

// Decimate thins the curve (xs[i], ys[i]) to at most n points (n < 4
// counts as 4) for long histories such as a loss per epoch, so a curve of
// 3000 epochs costs the same few kilobytes of SVG as one of 300. It keeps
// the first and last points and, from each of n/2-1 equal runs of the rest,
// the lowest and highest point in their original order, so spikes and the
// envelope survive. Shorter curves come back as they are (cut to the
// shorter slice); the result may share memory with the input.
func Decimate(xs, ys []float64, n int) ([]float64, []float64) {
	m := min(len(xs), len(ys))
	xs, ys = xs[:m], ys[:m]
	n = max(n, 4)
	if m <= n {
		return xs, ys
	}
	buckets := n/2 - 1
	inner := m - 2
	ox := append(make([]float64, 0, n), xs[0])
	oy := append(make([]float64, 0, n), ys[0])
	for b := range buckets {
		lo, hi := 1+b*inner/buckets, 1+(b+1)*inner/buckets
		if lo >= hi {
			continue
		}
		iMin, iMax := lo, lo
		for i := lo; i < hi; i++ {
			// NaN compares false and never wins; AddLine breaks at NaN
			// anyway.
			if ys[i] < ys[iMin] {
				iMin = i
			}
			if ys[i] > ys[iMax] {
				iMax = i
			}
		}
		first, second := min(iMin, iMax), max(iMin, iMax)
		ox, oy = append(ox, xs[first]), append(oy, ys[first])
		if second != first {
			ox, oy = append(ox, xs[second]), append(oy, ys[second])
		}
	}
	return append(ox, xs[m-1]), append(oy, ys[m-1])
}
