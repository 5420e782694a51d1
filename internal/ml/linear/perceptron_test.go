package linear

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPerceptronByHand follows three samples through two epochs; every
// expected number was worked out by hand with ŷ = H(wᵀx + b), H(0) = 1,
// and η = 0.5 (exact in binary, so the comparison is exact).
func TestPerceptronByHand(t *testing.T) {
	X := [][]float64{{1, 2}, {2, -1}, {-1, -1}}
	y := []int{1, 0, 0}
	p, err := NewPerceptron(X, y, []float64{0, 0}, 0, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		visited int
		mistake bool
		w       []float64
		b       float64
		update  []float64
	}{
		{0, false, []float64{0, 0}, 0, []float64{0, 0}},         // score 0 → ŷ = 1 = y
		{1, true, []float64{-1, 0.5}, -0.5, []float64{-1, 0.5}}, // score 0 → ŷ = 1 ≠ 0: w −= 0.5·(2, −1)
		{2, true, []float64{-0.5, 1}, -1, []float64{0.5, 0.5}},  // score 1 − 0.5 − 0.5 = 0 → ŷ = 1 ≠ 0
		{0, false, []float64{-0.5, 1}, -1, []float64{0, 0}},     // score 0.5 → 1
		{1, false, []float64{-0.5, 1}, -1, []float64{0, 0}},     // score −3 → 0
		{2, false, []float64{-0.5, 1}, -1, []float64{0, 0}},     // score −1.5 → 0
	}
	for k, want := range steps {
		p.Step()
		if p.Visited() != want.visited || p.Mistake() != want.mistake || !slices.Equal(p.Weights(), want.w) ||
			p.Bias() != want.b || !slices.Equal(p.Update(), want.update) {
			t.Fatalf("step %d: visited %d mistake %v w %v b %v update %v; want %+v",
				k+1, p.Visited(), p.Mistake(), p.Weights(), p.Bias(), p.Update(), want)
		}
		if k == 2 && (p.Epoch() != 1 || !slices.Equal(p.EpochErrors(), []int{2}) || p.Converged()) {
			t.Fatalf("after epoch 1: epoch %d errors %v converged %v", p.Epoch(), p.EpochErrors(), p.Converged())
		}
	}
	if !p.Converged() || !slices.Equal(p.EpochErrors(), []int{2, 0}) || p.Updates() != 2 {
		t.Errorf("after epoch 2: converged %v errors %v updates %d; want true [2 0] 2", p.Converged(), p.EpochErrors(), p.Updates())
	}
	p.Step() // a converged perceptron stays put
	if p.Epoch() != 2 || p.Visited() != 2 {
		t.Errorf("a step after convergence moved it: epoch %d visited %d", p.Epoch(), p.Visited())
	}
}

// separableData draws points in [−3, 3]² labelled by the side of the line
// u·(x, 1) = 0 they fall on, dropping those within 0.25 of it, and returns
// them with R = max ‖(x, 1)‖ and the margin γ = min (2y − 1)·u·(x, 1) of the
// unit vector u.
func separableData(rng *rand.Rand, n int) (X [][]float64, y []int, R, gamma float64) {
	a := rng.Float64() * 2 * math.Pi
	u := []float64{math.Cos(a), math.Sin(a), 0.5 * (2*rng.Float64() - 1)}
	norm := math.Sqrt(u[0]*u[0] + u[1]*u[1] + u[2]*u[2])
	for j := range u {
		u[j] /= norm
	}
	gamma = math.Inf(1)
	for len(X) < n {
		x := []float64{6*rng.Float64() - 3, 6*rng.Float64() - 3}
		s := u[0]*x[0] + u[1]*x[1] + u[2]
		if math.Abs(s) < 0.25 {
			continue
		}
		label := 0
		if s > 0 {
			label = 1
		}
		X, y = append(X, x), append(y, label)
		R = max(R, math.Sqrt(x[0]*x[0]+x[1]*x[1]+1))
		gamma = min(gamma, math.Abs(s))
	}
	return X, y, R, gamma
}

// TestPerceptronNovikoff checks Novikoff's bound: from w = 0 the number of
// updates on separable data is at most (R/γ)², for any learning rate, and
// the learning rate only scales the weights (every update is ±η(x, 1)).
func TestPerceptronNovikoff(t *testing.T) {
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 1))
		X, y, R, gamma := separableData(rng, 60)
		bound := (R / gamma) * (R / gamma)
		var ref *Perceptron
		for _, lr := range []float64{1, 0.1, 3} {
			t.Run(fmt.Sprintf("seed=%d/lr=%g", seed, lr), func(t *testing.T) {
				p, err := NewPerceptron(X, y, []float64{0, 0}, 0, lr)
				if err != nil {
					t.Fatal(err)
				}
				for steps := 0; !p.Converged(); steps++ {
					if steps > 1000*len(X) {
						t.Fatalf("no convergence after 1000 epochs on separable data")
					}
					p.Step()
				}
				if float64(p.Updates()) > bound {
					t.Errorf("%d updates, more than the bound (R/γ)² = (%.3f/%.3f)² = %.1f", p.Updates(), R, gamma, bound)
				}
				for i, x := range X {
					if p.Predict(x) != y[i] {
						t.Fatalf("converged but sample %d is misclassified", i)
					}
				}
				if ref == nil {
					ref = p
					return
				}
				// Same path, scaled: w_η = η·w_1 (to rounding).
				if p.Updates() != ref.Updates() || p.Epoch() != ref.Epoch() {
					t.Errorf("updates %d epochs %d, want those of η = 1: %d, %d", p.Updates(), p.Epoch(), ref.Updates(), ref.Epoch())
				}
				for j, w := range p.Weights() {
					if want := lr * ref.Weights()[j]; math.Abs(w-want) > 1e-9*max(1, math.Abs(want)) {
						t.Errorf("w[%d] = %v, want η·w₁ = %v", j, w, want)
					}
				}
			})
		}
	}
}

// TestPerceptronXOR runs the four XOR corners for 1000 epochs: no line
// separates them, so every epoch has a mistake; with integer inputs and
// η = 1 the weights are integers and bounded, and the state at the start of
// an epoch comes back exactly: the perceptron cycles.
func TestPerceptronXOR(t *testing.T) {
	X := [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}
	y := []int{0, 1, 1, 0}
	p, err := NewPerceptron(X, y, []float64{0, 0}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[3]float64]int{}
	repeat := -1
	for epoch := range 1000 {
		w := p.Weights()
		key := [3]float64{w[0], w[1], p.Bias()}
		if first, ok := seen[key]; ok && repeat < 0 {
			repeat = first
		}
		seen[key] = epoch
		for range X {
			p.Step()
		}
		if p.Converged() || p.EpochErrors()[epoch] == 0 {
			t.Fatalf("epoch %d without a mistake on XOR: weights %v bias %v", epoch, p.Weights(), p.Bias())
		}
	}
	if repeat < 0 {
		t.Errorf("the weights at the start of an epoch never repeated in 1000 epochs (%d states)", len(seen))
	}
}

func TestPerceptronBadInput(t *testing.T) {
	if _, err := NewPerceptron(nil, nil, []float64{0, 0}, 0, 1); err == nil {
		t.Error("no samples: no error")
	}
	if _, err := NewPerceptron([][]float64{{1, 2}}, []int{2}, []float64{0, 0}, 0, 1); err == nil {
		t.Error("label 2: no error")
	}
	for name, f := range map[string]func(){
		"lengths": func() { NewPerceptron([][]float64{{1, 2}}, []int{0, 1}, []float64{0, 0}, 0, 1) },
		"lr":      func() { NewPerceptron([][]float64{{1, 2}}, []int{0}, []float64{0, 0}, 0, 0) },
		"dims":    func() { NewPerceptron([][]float64{{1, 2, 3}}, []int{0}, []float64{0, 0}, 0, 1) },
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

func BenchmarkPerceptronStep(b *testing.B) {
	X, y, _, _ := separableData(rand.New(rand.NewPCG(1, 1)), 200)
	p, _ := NewPerceptron(X, y, []float64{0, 0}, 0, 1)
	for b.Loop() {
		if p.Converged() {
			p, _ = NewPerceptron(X, y, []float64{0, 0}, 0, 1)
		}
		p.Step()
	}
}
