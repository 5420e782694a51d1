package neural

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

func shallowSineGrid(m int) (x, y []float64) {
	x, y = make([]float64, m), make([]float64, m)
	for j := range x {
		x[j] = -3 + 6*float64(j)/float64(m-1)
		y[j] = math.Sin(x[j])
	}
	return x, y
}

func shallowOptimizer(t testing.TB, name string, lr float64) nn.Optimizer {
	opt, err := nn.NewOptimizer(name, lr)
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

// The tape's forward pass, Predict and the formula Σ a_i σ(w_i x + b_i) + c
// written here from the accessors agree to 1e-12.
func TestShallowNetIsASumOfSigmoids(t *testing.T) {
	x, y := shallowSineGrid(30)
	s := NewShallowNet(rand.New(rand.NewPCG(1, 1)), x, y, 5, shallowOptimizer(t, "adam", 0.05))
	for range 50 {
		s.Step()
	}
	w, b := s.Hidden()
	a, c := s.Output()
	if len(w) != 5 || len(b) != 5 || len(a) != 5 || s.Units() != 5 || s.Epoch() != 50 {
		t.Fatalf("shapes %d %d %d, units %d, epoch %d", len(w), len(b), len(a), s.Units(), s.Epoch())
	}
	out := s.Outputs()
	for j, xj := range x {
		want := c
		for i := range w {
			want += a[i] / (1 + math.Exp(-(w[i]*xj + b[i])))
		}
		if math.Abs(out[j]-want) > 1e-12 || math.Abs(s.Predict(xj)-want) > 1e-12 {
			t.Fatalf("f(%v): forward %v, Predict %v, formula %v", xj, out[j], s.Predict(xj), want)
		}
	}
}

// One epoch of plain SGD moves every weight by −η ∂L/∂θ, the derivative
// taken here by central finite differences of L = ½·mean(f − y)² computed
// from the formula (relative error below 1e-6).
func TestShallowNetStepIsGradientDescent(t *testing.T) {
	x, y := shallowSineGrid(20)
	const lr = 0.1
	s := NewShallowNet(rand.New(rand.NewPCG(2, 1)), x, y, 3, shallowOptimizer(t, "sgd", lr))
	w, b := s.Hidden()
	a, c := s.Output()
	theta := append(append(append(append([]float64{}, w...), b...), a...), c) // (w, b, a, c)
	loss := func(th []float64) float64 {
		var L float64
		for j, xj := range x {
			f := th[9]
			for i := range 3 {
				f += th[6+i] / (1 + math.Exp(-(th[i]*xj + th[3+i])))
			}
			L += (f - y[j]) * (f - y[j])
		}
		return L / (2 * float64(len(x)))
	}
	if got, want := s.Loss(), loss(theta); math.Abs(got-want) > 1e-12 {
		t.Fatalf("Loss %v, formula %v", got, want)
	}
	s.Step()
	w2, b2 := s.Hidden()
	a2, c2 := s.Output()
	after := append(append(append(append([]float64{}, w2...), b2...), a2...), c2)
	const h = 1e-6
	for k := range theta {
		p, m := append([]float64{}, theta...), append([]float64{}, theta...)
		p[k] += h
		m[k] -= h
		grad := (loss(p) - loss(m)) / (2 * h)
		want := theta[k] - lr*grad
		if d := math.Abs(after[k] - want); d > 1e-6*math.Max(math.Abs(lr*grad), 1e-3) {
			t.Errorf("θ[%d]: %v after one epoch, finite-difference step gives %v", k, after[k], want)
		}
	}
}

func TestShallowNetLearnsTheSine(t *testing.T) {
	x, y := shallowSineGrid(100)
	s := NewShallowNet(rand.New(rand.NewPCG(1, 1)), x, y, 8, shallowOptimizer(t, "adam", 0.05))
	start := s.MaxError()
	for range 1000 {
		s.Step()
	}
	// Seed 1 reaches about 0.03 by epoch 1000.
	if got := s.MaxError(); got > 0.1 || got > start/5 || !s.Finite() {
		t.Errorf("max error %v after 1000 epochs (from %v)", got, start)
	}
}

func TestCapacitySweep(t *testing.T) {
	x, y := shallowSineGrid(100)
	errs := CapacitySweep(rand.New(rand.NewPCG(1, 2)), x, y, 4, []int{1, 8}, 1200, func() nn.Optimizer { return shallowOptimizer(t, "adam", 0.05) })
	// One sigmoid cannot follow a full sine period: its best error stays
	// near 0.5; eight units get well under 0.2.
	if len(errs) != 2 || errs[0] < 0.3 || errs[1] > 0.2 {
		t.Errorf("capacity of 1 and 8 units: %v", errs)
	}
}

func TestShallowNetPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"no samples": func() { NewShallowNet(rand.New(rand.NewPCG(1, 1)), nil, nil, 2, &nn.SGD{LR: 1}) },
		"no units":   func() { NewShallowNet(rand.New(rand.NewPCG(1, 1)), []float64{1}, []float64{1}, 0, &nn.SGD{LR: 1}) },
		"lengths":    func() { NewShallowNet(rand.New(rand.NewPCG(1, 1)), []float64{1, 2}, []float64{1}, 2, &nn.SGD{LR: 1}) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
