package nn

import (
	"math"
	"testing"
)

func TestUnitRows(t *testing.T) {
	rng := newRand(11)
	x := randParam(rng, 4, 3, 1)
	target := randValues(rng, 12)
	gradCheck(t, "unit rows", []*Tensor{x}, func(tp *Tape) *Tensor { return sumSquares(tp, tp.UnitRows(x), target) })

	// Cosine similarities through Scores, as a contrastive loss uses them.
	y := randParam(rng, 4, 3, 1)
	gradCheck(t, "unit rows then scores", []*Tensor{x, y}, func(tp *Tape) *Tensor {
		s := tp.Scores(tp.UnitRows(x), tp.UnitRows(y), 4)
		return tp.CrossEntropy(tp.Softmax(tp.Scale(s, 1/0.3)), []int{0, 1, 2, 3})
	})

	// (3, 4) has length 5; each output row has length 1.
	tp := &Tape{}
	out := tp.UnitRows(Param(2, 2, []float64{3, 4, -1, 1}))
	want := []float64{0.6, 0.8, -1 / math.Sqrt2, 1 / math.Sqrt2}
	for i, w := range want {
		if math.Abs(out.Data[i]-w) > 1e-15 {
			t.Errorf("UnitRows value %d = %v, want %v", i, out.Data[i], w)
		}
	}
}
