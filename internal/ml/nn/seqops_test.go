package nn

import (
	"math"
	"testing"
)

func TestSequenceOpGradients(t *testing.T) {
	rng := newRand(21)
	table := randParam(rng, 5, 3, 1)
	ids := []int{4, 0, 4, 2} // token 4 twice: its row collects both gradients
	gradCheck(t, "embed", []*Tensor{table}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Embed(table, ids), randValuesFixed(12))
	})
	a := randParam(rng, 3, 5, 1)
	b := randParam(rng, 3, 2, 1)
	gradCheck(t, "slice cols", []*Tensor{a}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.SliceCols(a, 1, 4), randValuesFixed(9))
	})
	gradCheck(t, "concat cols", []*Tensor{a, b}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.ConcatCols(b, a, b), randValuesFixed(27))
	})
	c := randParam(rng, 3, 5, 1)
	gradCheck(t, "mul", []*Tensor{a, c}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Mul(a, c), randValuesFixed(15))
	})
	gradCheck(t, "mul by itself", []*Tensor{a}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Mul(a, a), randValuesFixed(15))
	})
	x := randParam(rng, 6, 2, 1) // two sequences of 3
	pos := randParam(rng, 4, 2, 1)
	gradCheck(t, "add positions", []*Tensor{x, pos}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.AddPositions(x, pos, 3), randValuesFixed(12))
	})
}

// Embedding lookup is one-hot(ids)·table, to the bit.
func TestEmbedIsOneHotMatMul(t *testing.T) {
	table := randParam(newRand(22), 4, 3, 1)
	ids := []int{3, 1, 1}
	oneHot := NewTensor(3, 4)
	for i, id := range ids {
		oneHot.Data[i*4+id] = 1
	}
	tp := &Tape{}
	got, want := tp.Embed(table, ids), tp.MatMul(oneHot, table)
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("embedding %v, one-hot product %v", got.Data, want.Data)
		}
	}
}

func TestSinusoidalPositions(t *testing.T) {
	pe := SinusoidalPositions(6, 8)
	// Values by hand: position 0 is (0, 1, 0, 1, …); position 1's first
	// pair is (sin 1, cos 1); the pair 2i = 4 has frequency 10000^(−4/8) = 0.01.
	for _, c := range []struct {
		t, j int
		want float64
	}{
		{0, 0, 0}, {0, 1, 1}, {0, 6, 0}, {0, 7, 1},
		{1, 0, 0.8414709848078965}, {1, 1, 0.5403023058681398},
		{5, 4, math.Sin(0.05)}, {5, 5, math.Cos(0.05)},
	} {
		if got := pe.At(c.t, c.j); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("PE(%d, %d) = %.17g, want %.17g", c.t, c.j, got, c.want)
		}
	}
	// The formula written as in the paper's code, exp(−2i·ln(10000)/d).
	for tt := range 6 {
		for j := range 8 {
			angle := float64(tt) * math.Exp(-float64(j/2*2)*math.Log(10000)/8)
			want := math.Sin(angle)
			if j%2 == 1 {
				want = math.Cos(angle)
			}
			if got := pe.At(tt, j); math.Abs(got-want) > 1e-12 {
				t.Errorf("PE(%d, %d) = %v, formula %v", tt, j, got, want)
			}
		}
	}
}

func TestSequenceShapePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"embed out of vocabulary": func() { (&Tape{}).Embed(NewTensor(3, 2), []int{3}) },
		"slice":                   func() { (&Tape{}).SliceCols(NewTensor(2, 3), 2, 4) },
		"concat":                  func() { (&Tape{}).ConcatCols(NewTensor(2, 3), NewTensor(3, 3)) },
		"mul":                     func() { (&Tape{}).Mul(NewTensor(2, 3), NewTensor(3, 2)) },
		"positions too short":     func() { (&Tape{}).AddPositions(NewTensor(6, 2), NewTensor(2, 2), 3) },
		"rows not in sequences":   func() { (&Tape{}).Scores(NewTensor(5, 2), NewTensor(5, 2), 3) },
		"heads do not divide dim": func() { NewMultiHeadAttention(newRand(1), 6, 4, false) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
