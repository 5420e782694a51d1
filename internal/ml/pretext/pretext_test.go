package pretext

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/ml/vision"
)

// TestGradients checks every parameter of both networks (encoder and
// head) against central finite differences: relative error < 1e-6, or
// absolute < 1e-9 where the gradient is rounding noise, as nn's check.
func TestGradients(t *testing.T) {
	d := vision.Digits()
	for _, task := range []Task{Masked, Jigsaw} {
		rng := rand.New(rand.NewPCG(2, 3))
		net := NewNet(rng, task)
		var ex []Example
		for i := range 4 {
			ex = append(ex, net.Draw(rng, d.Image(i)))
		}
		loss := func(tp *nn.Tape) *nn.Tensor { return net.Loss(tp, ex) }
		const h = 1e-5
		for _, w := range net.Params() {
			w.ZeroGrad()
		}
		tp := &nn.Tape{}
		tp.Backward(loss(tp))
		checked := 0
		for k, w := range net.Params() {
			analytic := append([]float64(nil), w.Grad...)
			for i := range w.Data {
				orig := w.Data[i]
				w.Data[i] = orig + h
				fp := loss(&nn.Tape{}).Value()
				w.Data[i] = orig - h
				fm := loss(&nn.Tape{}).Value()
				w.Data[i] = orig
				num := (fp - fm) / (2 * h)
				diff := math.Abs(analytic[i] - num)
				if rel := diff / math.Max(math.Abs(analytic[i]), math.Abs(num)); rel > 1e-6 && diff > 1e-9 {
					t.Errorf("%s: parameter %d [%d]: backward %.10g, finite difference %.10g (relative error %.2g)", task, k, i, analytic[i], num, rel)
				}
				checked++
			}
		}
		outs := Pixels
		if task == Jigsaw {
			outs = len(Permutations)
		}
		if want := Pixels*Features + Features + Features*outs + outs; checked != want {
			t.Errorf("%s: checked %d parameters, want %d", task, checked, want)
		}
	}
}

// TestMaskedLossCountsOnlyTheSquare: the loss is ½·Σ over the 16 hidden
// pixels of the squared error, averaged over images: a head that restores
// the square exactly scores 0 whatever it writes elsewhere.
func TestMaskedLossCountsOnlyTheSquare(t *testing.T) {
	x := make([]float64, Pixels)
	for p := range x {
		x[p] = float64(p) / 64
	}
	e := Example{Input: make([]float64, Pixels), Mask: make([]float64, Pixels), Image: x}
	MaskAt(e.Input, e.Mask, x, 2, 3)
	hidden := 0.0
	for p, m := range e.Mask {
		hidden += m
		if m == 1 && (e.Input[p] != Grey || p/8 < 2 || p/8 > 5 || p%8 < 3 || p%8 > 6) {
			t.Fatalf("pixel %d masked wrongly", p)
		}
	}
	if hidden != 16 {
		t.Fatalf("%v pixels hidden, want 16", hidden)
	}
	// A head whose every output is 0.5 (zero weights, sigmoid): the loss
	// is ½ Σ_{p∈M} (0.5 − x_p)².
	net := NewNet(rand.New(rand.NewPCG(1, 1)), Masked)
	clear(net.Head.Layers[0].W.Data)
	want := 0.0
	for p, m := range e.Mask {
		want += m * (0.5 - x[p]) * (0.5 - x[p]) / 2
	}
	if got := net.Loss(&nn.Tape{}, []Example{e}).Value(); math.Abs(got-want) > 1e-15 {
		t.Errorf("masked loss %v, want %v", got, want)
	}
}

// TestShuffleUndone: every permutation moves whole quadrants, Unshuffle
// undoes it, and the six differ pairwise in at least two places.
func TestShuffleUndone(t *testing.T) {
	x := make([]float64, Pixels)
	for p := range x {
		x[p] = float64(p)
	}
	for k := range Permutations {
		s, back := make([]float64, Pixels), make([]float64, Pixels)
		Shuffle(s, x, k)
		Unshuffle(back, s, k)
		for p := range x {
			if back[p] != x[p] {
				t.Fatalf("permutation %d: pixel %d comes back as %v", k, p, back[p])
			}
		}
		// The top-left piece of the shuffled image is quadrant Permutations[k][0].
		q := Permutations[k][0]
		if s[0] != x[quadrant(q, 0, 0)] {
			t.Errorf("permutation %d: top-left pixel %v, want quadrant %d's %v", k, s[0], q, x[quadrant(q, 0, 0)])
		}
		for j := range k {
			diff := 0
			for q := range 4 {
				if Permutations[j][q] != Permutations[k][q] {
					diff++
				}
			}
			if diff < 2 {
				t.Errorf("permutations %d and %d differ in %d places", j, k, diff)
			}
		}
	}
}

// TestProbeOnSeparableData: two well-apart clusters per class of a
// 10-class problem in 10-D are probed without error.
func TestProbeOnSeparableData(t *testing.T) {
	var X [][]float64
	var y []int
	for c := range 10 {
		for r := range 2 {
			x := make([]float64, 10)
			x[c] = 1 + 0.1*float64(r)
			X, y = append(X, x), append(y, c)
		}
	}
	acc, err := Probe(X, y, X, y)
	if err != nil || acc != 1 {
		t.Errorf("probe accuracy %v (%v), want 1", acc, err)
	}
}
