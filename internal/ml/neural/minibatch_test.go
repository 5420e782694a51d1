package neural

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"

	"github.com/mlplayground/playground/internal/ml/dataset"
)

func miniBatchMoons(n int) ([][]float64, []float64) {
	X, labels := dataset.Moons(rand.New(rand.NewPCG(5, 5)), n, 0.1)
	y := make([]float64, n)
	for i, l := range labels {
		y[i] = float64(l)
	}
	return X, y
}

// miniBatchBCE is the binary cross-entropy of net on (X, y), computed here without
// the tape: tanh hidden layer, sigmoid output.
func miniBatchBCE(net *nn.MLP, X [][]float64, y []float64) float64 {
	h, o := net.Layers[0], net.Layers[1]
	var L float64
	for i, x := range X {
		z := o.B.Data[0]
		for j := range h.W.Cols {
			a := h.B.Data[j]
			for k := range x {
				a += x[k] * h.W.Data[k*h.W.Cols+j]
			}
			z += math.Tanh(a) * o.W.Data[j]
		}
		p := 1 / (1 + math.Exp(-z))
		L -= y[i]*math.Log(p) + (1-y[i])*math.Log(1-p)
	}
	return L / float64(len(X))
}

// A full-batch epoch of plain SGD moves every weight by −η ∂L/∂w, the
// derivative by central finite differences of bce (relative 1e-6); the
// trainer's Loss is bce (1e-12).
func TestMiniBatchFullEpochIsGradientDescent(t *testing.T) {
	X, y := miniBatchMoons(40)
	net := nn.NewMLP(rand.New(rand.NewPCG(1, 3)), []int{2, 4, 1}, nn.Tanh, nn.Sigmoid, false)
	const lr = 0.3
	tr := NewMiniBatchTrainer(rand.New(rand.NewPCG(1, 4)), net, X, y, len(X), &nn.SGD{LR: lr})
	if got, want := tr.Loss(), miniBatchBCE(net, X, y); math.Abs(got-want) > 1e-12 {
		t.Fatalf("Loss %v, formula %v", got, want)
	}
	var before [][]float64
	var want [][]float64
	const h = 1e-6
	for _, p := range net.Params() {
		before = append(before, append([]float64(nil), p.Data...))
		w := make([]float64, len(p.Data))
		for i := range p.Data {
			orig := p.Data[i]
			p.Data[i] = orig + h
			fp := miniBatchBCE(net, X, y)
			p.Data[i] = orig - h
			fm := miniBatchBCE(net, X, y)
			p.Data[i] = orig
			w[i] = orig - lr*(fp-fm)/(2*h)
		}
		want = append(want, w)
	}
	tr.Step()
	if tr.Updates() != 1 || tr.Epoch() != 1 {
		t.Fatalf("%d updates in %d epochs", tr.Updates(), tr.Epoch())
	}
	for k, p := range net.Params() {
		for i, v := range p.Data {
			step := want[k][i] - before[k][i]
			if math.Abs(v-want[k][i]) > 1e-6*math.Max(math.Abs(step), 1e-4) {
				t.Errorf("param %d[%d]: %v, finite-difference step gives %v", k, i, v, want[k][i])
			}
		}
	}
}

// Batches cut the epoch into ⌈n/B⌉ updates; every batch size learns.
func TestMiniBatchSizes(t *testing.T) {
	X, y := miniBatchMoons(100)
	for _, tc := range []struct{ batch, updates int }{{100, 1}, {10, 10}, {30, 4}, {1, 100}} {
		net := nn.NewMLP(rand.New(rand.NewPCG(1, 3)), []int{2, 6, 1}, nn.Tanh, nn.Sigmoid, false)
		tr := NewMiniBatchTrainer(rand.New(rand.NewPCG(1, 4)), net, X, y, tc.batch, &nn.Momentum{LR: 0.05, Mu: 0.9})
		start := tr.Loss()
		for range 50 {
			tr.Step()
		}
		if tr.Updates() != 50*tc.updates || !tr.Finite() {
			t.Errorf("batch %d: %d updates in 50 epochs, want %d", tc.batch, tr.Updates(), 50*tc.updates)
		}
		if l := tr.Loss(); l > start/2 || tr.Accuracy() < 0.8 {
			t.Errorf("batch %d: loss %v from %v, accuracy %v", tc.batch, l, start, tr.Accuracy())
		}
	}
}
