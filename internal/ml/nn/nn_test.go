package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

func randParam(rng *rand.Rand, rows, cols int, scale float64) *Tensor {
	d := make([]float64, rows*cols)
	for i := range d {
		d[i] = scale * rng.NormFloat64()
	}
	return Param(rows, cols, d)
}

func randValues(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// gradCheck compares the gradients Backward gives for loss with central
// finite differences, f′ ≈ (f(w+h) − f(w−h))/2h, whose error is O(h²):
// the relative error must stay under 1e-6 (or the absolute under 1e-9).
// It returns the largest relative error among gradients of at least 1e-5
// (below that the difference quotient's rounding noise, about 1e-11,
// dominates the relative error).
func gradCheck(t *testing.T, name string, wrt []*Tensor, loss func(tp *Tape) *Tensor) (worst float64) {
	t.Helper()
	const h = 1e-5
	for _, w := range wrt {
		w.ZeroGrad()
	}
	tp := &Tape{}
	tp.Backward(loss(tp))
	for k, w := range wrt {
		analytic := append([]float64(nil), w.Grad...)
		for i := range w.Data {
			orig := w.Data[i]
			w.Data[i] = orig + h
			fp := loss(&Tape{}).Value()
			w.Data[i] = orig - h
			fm := loss(&Tape{}).Value()
			w.Data[i] = orig
			num := (fp - fm) / (2 * h)
			// Near-zero gradients are all rounding noise in the difference
			// quotient (about ε·|f|/h ≈ 1e-11), so they are compared absolutely.
			diff := math.Abs(analytic[i] - num)
			rel := diff / math.Max(math.Abs(analytic[i]), math.Abs(num))
			if math.Max(math.Abs(analytic[i]), math.Abs(num)) >= 1e-5 {
				worst = math.Max(worst, rel)
			}
			if rel > 1e-6 && diff > 1e-9 {
				t.Errorf("%s: ∂L/∂input%d[%d]: backward %.10g, finite difference %.10g (relative error %.2g)", name, k, i, analytic[i], num, rel)
			}
		}
	}
	return worst
}

// sumSquares turns any tensor into a scalar loss whose gradient is not
// uniform: ½·mean‖out − target‖².
func sumSquares(tp *Tape, out *Tensor, target []float64) *Tensor {
	return tp.SquaredError(out, target)
}

func TestGradients(t *testing.T) {
	rng := newRand(1)
	a := randParam(rng, 4, 3, 1)
	b := randParam(rng, 3, 2, 1)
	bias := randParam(rng, 1, 3, 1)
	same := randParam(rng, 4, 3, 1)
	target6 := randValues(rng, 8)
	target12 := randValues(rng, 12)

	gradCheck(t, "matmul", []*Tensor{a, b}, func(tp *Tape) *Tensor { return sumSquares(tp, tp.MatMul(a, b), target6) })
	gradCheck(t, "add row", []*Tensor{a, bias}, func(tp *Tape) *Tensor { return sumSquares(tp, tp.AddRow(a, bias), target12) })
	gradCheck(t, "add", []*Tensor{a, same}, func(tp *Tape) *Tensor { return sumSquares(tp, tp.Add(a, same), target12) })
	gradCheck(t, "scale", []*Tensor{a}, func(tp *Tape) *Tensor { return sumSquares(tp, tp.Scale(a, -2.5), target12) })
	gradCheck(t, "softmax", []*Tensor{a}, func(tp *Tape) *Tensor { return sumSquares(tp, tp.Softmax(a), target12) })

	// Smooth activations anywhere; kinked ones away from their kink at 0.
	away := randParam(rng, 4, 3, 1)
	for i, v := range away.Data {
		if math.Abs(v) < 0.05 {
			away.Data[i] = 0.3
		}
	}
	for _, f := range []Activation{Sigmoid, Tanh, Linear, ReLU, LeakyReLU} {
		gradCheck(t, f.Name, []*Tensor{away}, func(tp *Tape) *Tensor { return sumSquares(tp, tp.Activate(away, f), target12) })
	}
}

func TestLossGradients(t *testing.T) {
	rng := newRand(2)
	logits := randParam(rng, 5, 3, 1)
	labels := []int{0, 2, 1, 1, 0}
	gradCheck(t, "softmax+cross-entropy", []*Tensor{logits}, func(tp *Tape) *Tensor {
		return tp.CrossEntropy(tp.Softmax(logits), labels)
	})
	z := randParam(rng, 6, 1, 1)
	y01 := []float64{0, 1, 1, 0, 1, 0}
	gradCheck(t, "sigmoid+binary cross-entropy", []*Tensor{z}, func(tp *Tape) *Tensor {
		return tp.BinaryCrossEntropy(tp.Activate(z, Sigmoid), y01)
	})
	pred := randParam(rng, 3, 2, 1)
	gradCheck(t, "squared error", []*Tensor{pred}, func(tp *Tape) *Tensor { return tp.SquaredError(pred, randValuesFixed(6)) })
	w := Param(2, 2, []float64{0.5, -1.5, 2, -0.25})
	gradCheck(t, "L2", []*Tensor{w}, func(tp *Tape) *Tensor { return tp.L2(w) })
	gradCheck(t, "L1", []*Tensor{w}, func(tp *Tape) *Tensor { return tp.L1(w) })
	gradCheck(t, "loss + λ·L2", []*Tensor{w}, func(tp *Tape) *Tensor {
		return tp.Add(tp.SquaredError(w, []float64{1, 2, 3, 4}), tp.Scale(tp.L2(w), 0.1))
	})
}

func randValuesFixed(n int) []float64 { return randValues(newRand(99), n) }

func TestDropoutGradientAndScaling(t *testing.T) {
	a := randParam(newRand(3), 6, 4, 1)
	target := randValuesFixed(24)
	// The same seed for every evaluation fixes the mask.
	gradCheck(t, "dropout", []*Tensor{a}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Dropout(a, 0.4, true, newRand(5)), target)
	})
	// Inverted dropout: survivors are scaled by 1/(1−p), so the mean is kept.
	ones := Param(1, 20000, fill(20000, 1))
	tp := &Tape{}
	out := tp.Dropout(ones, 0.25, true, newRand(6))
	var sum float64
	zeros := 0
	for _, v := range out.Data {
		sum += v
		if v == 0 {
			zeros++
		} else if math.Abs(v-4.0/3) > 1e-15 {
			t.Fatalf("a survivor is %v, want 1/(1−0.25)", v)
		}
	}
	// Binomial(20000, 0.25): mean 5000, sd 61.
	if zeros < 4700 || zeros > 5300 {
		t.Errorf("%d of 20000 dropped at p = 0.25", zeros)
	}
	if mean := sum / 20000; math.Abs(mean-1) > 0.03 {
		t.Errorf("mean after dropout %v, want about 1", mean)
	}
	inf := tp.Dropout(ones, 0.25, false, newRand(6))
	for _, v := range inf.Data {
		if v != 1 {
			t.Fatal("dropout changed a value at inference")
		}
	}
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestBatchNorm(t *testing.T) {
	rng := newRand(4)
	x := randParam(rng, 5, 3, 2)
	bn := NewBatchNorm(3)
	copy(bn.Gamma.Data, []float64{1.5, -0.5, 2})
	copy(bn.Beta.Data, []float64{0.1, 0.2, -0.3})
	target := randValuesFixed(15)
	gradCheck(t, "batchnorm (training)", []*Tensor{x, bn.Gamma, bn.Beta}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Normalize(x, bn, true), target)
	})
	gradCheck(t, "batchnorm (inference)", []*Tensor{x, bn.Gamma, bn.Beta}, func(tp *Tape) *Tensor {
		return sumSquares(tp, tp.Normalize(x, bn, false), target)
	})

	// Training output: each column has mean β and sd |γ|·√(σ²/(σ²+ε)).
	bn2 := NewBatchNorm(3)
	tp := &Tape{}
	out := tp.Normalize(x, bn2, true)
	for j := range 3 {
		var m, v, xm, xv float64
		for i := range 5 {
			m += out.At(i, j) / 5
			xm += x.At(i, j) / 5
		}
		for i := range 5 {
			v += (out.At(i, j) - m) * (out.At(i, j) - m) / 5
			xv += (x.At(i, j) - xm) * (x.At(i, j) - xm) / 5
		}
		if math.Abs(m) > 1e-12 || math.Abs(v-xv/(xv+1e-5)) > 1e-12 {
			t.Errorf("column %d: mean %v variance %v after normalising", j, m, v)
		}
		// Running statistics moved 10% towards the batch's (unbiased variance).
		if want := 0.1 * xm; math.Abs(bn2.RunningMean[j]-want) > 1e-12 {
			t.Errorf("running mean %v, want %v", bn2.RunningMean[j], want)
		}
		if want := 0.9 + 0.1*xv*5/4; math.Abs(bn2.RunningVar[j]-want) > 1e-12 {
			t.Errorf("running variance %v, want %v", bn2.RunningVar[j], want)
		}
	}
}

func TestMLPGradient(t *testing.T) {
	rng := newRand(8)
	for _, bn := range []bool{false, true} {
		m := NewMLP(rng, []int{2, 4, 3, 1}, Tanh, Sigmoid, bn)
		m.Dropout = 0.2
		x := randParam(rng, 7, 2, 1)
		y := []float64{0, 1, 1, 0, 1, 1, 0}
		gradCheck(t, "MLP", append(m.Params(), x), func(tp *Tape) *Tensor {
			out := m.Forward(tp, x, true, newRand(11))
			loss := tp.BinaryCrossEntropy(out, y)
			for _, w := range m.Weights() {
				loss = tp.Add(loss, tp.Scale(tp.L2(w), 0.01))
			}
			return loss
		})
	}
}

// TestTapeReuse: a second pass of the same shape reuses every tensor and
// gives the same numbers as a fresh tape.
func TestTapeReuse(t *testing.T) {
	rng := newRand(9)
	m := NewMLP(rng, []int{2, 4, 2, 1}, Tanh, Sigmoid, false)
	xs := randValues(rng, 20)
	y := []float64{0, 1, 0, 1, 1, 0, 0, 1, 1, 1}
	tp := &Tape{}
	pass := func(tp *Tape) float64 {
		tp.Reset()
		m.ZeroGrad()
		loss := tp.BinaryCrossEntropy(m.Forward(tp, tp.Input(10, 2, xs), true, nil), y)
		tp.Backward(loss)
		return loss.Value()
	}
	first := pass(tp)
	gradFirst := append([]float64(nil), m.Layers[0].W.Grad...)
	allocs := testing.AllocsPerRun(20, func() { pass(tp) })
	if allocs > 0 {
		t.Errorf("a reused pass allocates %v times, want 0", allocs)
	}
	if again := pass(&Tape{}); again != first {
		t.Errorf("fresh tape loss %v, reused %v", again, first)
	}
	for i, g := range m.Layers[0].W.Grad {
		if g != gradFirst[i] {
			t.Fatalf("gradient %d differs between passes: %v vs %v", i, g, gradFirst[i])
		}
	}
}

// Optimisers: two updates with gradients g₁ = (1, −2) then g₂ = (0.5, 0.5)
// from w = (0, 0), worked by hand from each update rule.
func TestOptimizerUpdates(t *testing.T) {
	grads := [][]float64{{1, -2}, {0.5, 0.5}}
	sq := math.Sqrt
	tests := []struct {
		name string
		lr   float64
		want []float64
	}{
		{"sgd", 0.1, []float64{-0.1 - 0.05, 0.2 - 0.05}},
		// v₁ = −0.1g₁; v₂ = 0.9v₁ − 0.1g₂; w = v₁ + v₂.
		{"momentum", 0.1, []float64{-0.1 + (-0.09 - 0.05), 0.2 + (0.18 - 0.05)}},
		// s₁ = 0.1g₁²; s₂ = 0.9s₁ + 0.1g₂².
		{"rmsprop", 0.01, []float64{
			-0.01*1/(sq(0.1)+1e-8) - 0.01*0.5/(sq(0.09+0.025)+1e-8),
			0.01*2/(sq(0.4)+1e-8) - 0.01*0.5/(sq(0.36+0.025)+1e-8)}},
		// Adam's first step is −η·sign(g) (bias correction), up to ε.
		{"adam", 0.1, []float64{
			-0.1/(1+1e-8) - 0.1*((0.9*0.1+0.05)/(1-0.81))/(sq((0.999*0.001+0.00025)/(1-0.999*0.999))+1e-8),
			0.1*2/(2+1e-8) - 0.1*((0.9*-0.2+0.05)/(1-0.81))/(sq((0.999*0.004+0.00025)/(1-0.999*0.999))+1e-8)}},
	}
	for _, tt := range tests {
		opt, err := NewOptimizer(tt.name, tt.lr)
		if err != nil {
			t.Fatal(err)
		}
		w := Param(1, 2, []float64{0, 0})
		for _, g := range grads {
			copy(w.Grad, g)
			opt.Step([]*Tensor{w})
		}
		for i := range w.Data {
			if math.Abs(w.Data[i]-tt.want[i]) > 1e-12 {
				t.Errorf("%s: w[%d] = %.15g, want %.15g", tt.name, i, w.Data[i], tt.want[i])
			}
		}
	}
	// Adadelta's first step: Δ = −√ε/√(0.05g²+ε)·g.
	opt, _ := NewOptimizer("adadelta", 1)
	w := Param(1, 1, []float64{0})
	w.Grad[0] = 2
	opt.Step([]*Tensor{w})
	if want := -math.Sqrt(1e-6) / math.Sqrt(0.05*4+1e-6) * 2; math.Abs(w.Data[0]-want) > 1e-15 {
		t.Errorf("adadelta: %v, want %v", w.Data[0], want)
	}
	if _, err := NewOptimizer("lbfgs", 1); err == nil {
		t.Error("an unknown optimiser was accepted")
	}
}

// Every optimiser minimises a convex quadratic.
func TestOptimizersConverge(t *testing.T) {
	for name, lr := range map[string]float64{"sgd": 0.1, "momentum": 0.05, "rmsprop": 0.01, "adadelta": 1, "adam": 0.05} {
		opt, _ := NewOptimizer(name, lr)
		w := Param(1, 2, []float64{3, -2})
		for range 3000 {
			w.ZeroGrad()
			tp := &Tape{}
			tp.Backward(tp.SquaredError(w, []float64{1, 1}))
			opt.Step([]*Tensor{w})
		}
		if d := math.Hypot(w.Data[0]-1, w.Data[1]-1); d > 0.05 {
			t.Errorf("%s: ended at %v, %.3g from the minimum (1, 1)", name, w.Data, d)
		}
	}
}

func TestShapePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"matmul":   func() { (&Tape{}).MatMul(NewTensor(2, 3), NewTensor(2, 3)) },
		"add":      func() { (&Tape{}).Add(NewTensor(2, 3), NewTensor(3, 2)) },
		"backward": func() { (&Tape{}).Backward(NewTensor(2, 1)) },
		"dropout":  func() { (&Tape{}).Dropout(NewTensor(1, 1), 1, true, newRand(1)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic on a shape error", name)
				}
			}()
			f()
		}()
	}
}
